/* The card worker's private state, shared by card_worker.c (the thread,
 * the readers and the public calls) and card_worker_read.c (the read of
 * one card). */
#ifndef SPOTAGENT_CARD_WORKER_INTERNAL_H
#define SPOTAGENT_CARD_WORKER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../drivers/ccid.h"
#include "../drivers/hid_reader.h"
#include "card_worker.h"

/* Hotplug news kept until the worker reads it; more in a burst are
 * dropped, because a reader that arrived is found by the next scan. */
#define CARD_NEWS_MAX 8

/* Maximum time in ms the worker blocks on one reader call, so that a
 * cancel, a stop or a new request is seen within about 200 ms. */
#define CARD_SLICE_MS 100

/* How often a reader without an interrupt endpoint is asked for its slot
 * status. */
#define CARD_POLL_MS 500

/* EVENT_CARD_READER posts and their log lines are limited to a burst of
 * CARD_STATE_BURST, then one per CARD_STATE_POST_MS. A reader that
 * floods slot changes then fills neither the event pipe nor the log, and
 * a change held back is posted at a later slice. */
#define CARD_STATE_BURST 5
#define CARD_STATE_POST_MS 100

struct card_news {
	bool arrived;
	struct usb_device_info info;
};

/* [card] hid: which HID interface the worker takes from the kernel. */
enum card_hid_mode {
	CARD_HID_NONE = 0,
	CARD_HID_AUTO = 1, /* an id listed as a HID reader in usb_known.c */
	CARD_HID_ID = 2,   /* the vendor:product of [card] hid */
};

struct card_worker {
	struct usb_context *usb;
	struct event_channel *events;
	pthread_t thread;
	bool joined;               /* card_worker_stop has run */
	bool ccid_enabled;         /* [card] reader = auto */
	enum card_hid_mode hid_mode;
	uint16_t hid_vendor;
	uint16_t hid_product;
	int default_timeout_s;     /* [card] timeout */

	/* Used by the worker thread only. */
	struct ccid_reader *ccid;
	struct usb_device_info ccid_info;
	bool ccid_polled;          /* no interrupt endpoint: poll status */
	struct timespec next_poll;
	bool card_present;
	int open_error;            /* card_error of the last failed open */
	time_t next_open_retry;    /* CLOCK_MONOTONIC seconds */
	char fault[96];            /* why the state is FAULT, or "" */
	int notice_failures;       /* notification reads failed in a row */
	struct hid_reader *hid;
	struct usb_device_info hid_info;
	/* The end of the chip read in progress (CLOCK_MONOTONIC ms), after
	 * which the reader's cancel check ends the exchange, or 0. */
	int64_t read_deadline_ms;
	int64_t read_start_ms;
	unsigned long other_slot_notices; /* notices for slots other than 0 */
	enum card_reader_state posted_state; /* last EVENT_CARD_READER */
	char posted_text[128];
	int post_tokens;           /* posts allowed now, to CARD_STATE_BURST */
	int64_t refill_ms;         /* when post_tokens was last refilled */
	unsigned long changes_not_posted;

	/* Shared with other threads, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	struct card_news news[CARD_NEWS_MAX];
	int news_count;
	enum card_reader_state state;
	char state_text[128];
	int state_error;           /* open_error when state was set */
	bool state_posted;         /* an EVENT_CARD_READER was posted */
	bool request_active;       /* from card_worker_request to its end */
	bool request_started;      /* the worker has taken it up */
	int request_timeout_s;
	bool cancelled;
	struct emv_app apps[EMV_APPS_MAX];
	int app_count;             /* > 0 while the agent chooses */
	int chosen;                /* the chosen index, or -1 */
	bool result_ready;
	int result_status;
	struct card_data result;
};

/* Open and close readers by the hotplug news that waits. Returns false
 * when the worker must stop. */
bool card_worker_apply_news(struct card_worker *worker);

/* Whether card_worker_stop or card_worker_cancel ended the request. */
bool card_worker_interrupted(struct card_worker *worker);

/* Wait for one slice on the chip reader (a notice, or a status poll on
 * a reader without an interrupt endpoint) and apply the result to
 * card_present, fault and the open reader. Returns 0, or CARD_ENODEV
 * when the reader left (it is then closed). */
int card_worker_watch_chip(struct card_worker *worker, int slice_ms);

/* Close the chip reader, with why for the log, and forget its card and
 * fault. Worker thread only. */
void card_worker_close_chip(struct card_worker *worker, const char *why);

/* The CLOCK_MONOTONIC time in milliseconds. */
int64_t card_worker_now_ms(void);

/* Sleep up to ms on the worker's condition, woken by news, a request, a
 * cancel or a stop. */
void card_worker_nap(struct card_worker *worker, int ms);

/* Publish the state computed from the worker's readers for
 * card_worker_state, and post EVENT_CARD_READER when it changed, unless
 * the post limit holds it back. Worker thread only. */
void card_worker_publish(struct card_worker *worker);

/* Publish the state for card_worker_state without posting it. */
void card_worker_store_state(struct card_worker *worker);

/* Serve the request just taken up: wait for a card until timeout_s,
 * read it, keep the result and post EVENT_CARD. In card_worker_read.c. */
void card_worker_serve(struct card_worker *worker, int timeout_s);

#endif
