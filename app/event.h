/* The event channel: worker threads post fixed-size events into a pipe and
 * the UI loop polls its read end together with the keyboard. */
#ifndef SPOTAGENT_EVENT_H
#define SPOTAGENT_EVENT_H

#include <stdint.h>

enum event_type {
	EVENT_LINK = 1,        /* status: 1 online, 0 offline */
	EVENT_QUEUE = 2,       /* counts changed; re-read the journal */
	EVENT_OPERATION = 3,   /* id changed state; status is its op_state */
	EVENT_LOGIN = 4,       /* status: 0 or a negative api_error */
	EVENT_LOOKUP = 5,      /* status: 0 or a negative api_error */
	EVENT_PRINTER = 6,     /* the printer's state changed; status:
				  printer_state, text: a short message */
	EVENT_MONEY = 7,       /* a money request finished (app/money.h);
				  status: 0 or a negative api_error */
	EVENT_PRINT_HELD = 8,  /* the printer turned ready with held jobs;
				  status: their number */
	EVENT_PRINT_JOB = 9,   /* a print job ended; status: print_state,
				  id: the operation of a receipt, notice
				  or copy, else the job's kind ("report",
				  "drawer" ...), or "" for several jobs
				  held at once; text: a message for the
				  agent when held or failed */
	EVENT_CARD_READER = 10, /* the card readers' state changed; status:
				   card_reader_state, text: a few words */
	EVENT_CARD = 11,       /* a card request ended; status: CARD_OK or
				  a card_error; take it with
				  card_worker_take */
	EVENT_CARD_APPS = 12,  /* the card has several applications: the
				  agent chooses (card_worker_apps) */
	EVENT_CARD_LOOKUP = 13, /* a card's account lookup finished;
				   status: 0 or a negative api_error */
};

/* Small enough that one write to a pipe is atomic (PIPE_BUF). */
struct event {
	enum event_type type;
	int status;
	char id[40];           /* operation id or wallet account */
	char text[160];        /* message for the agent, or a holder name */
};

struct event_channel;

/* Create a channel. Returns 0, or -1 when the pipe cannot be made. */
int event_channel_open(struct event_channel **out);
void event_channel_close(struct event_channel *channel);

/* Post one event; safe from any thread, never blocks. Returns 0, or -1
 * when the channel is full (the event is dropped and logged). */
int event_post(struct event_channel *channel, const struct event *event);

/* The descriptor to poll for POLLIN. */
int event_channel_fd(const struct event_channel *channel);

/* Read one pending event. Returns 1 when *out was filled, 0 when none is
 * pending. */
int event_read(struct event_channel *channel, struct event *out);

#endif
