/* The card worker: a thread that watches the USB card readers (CCID chip
 * readers and HID stripe readers), keeps their state for the status bar,
 * and reads one card when a screen requests it, so the UI thread never
 * waits on a reader. */
#ifndef SPOTAGENT_CARD_WORKER_H
#define SPOTAGENT_CARD_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "../drivers/card.h"
#include "../drivers/emv.h"
#include "../drivers/usb.h"
#include "config.h"
#include "event.h"

/* How long a screen waits for the agent to insert, tap or swipe a card
 * before the request ends with CARD_ETIMEOUT. */
#define CARD_WORKER_WAIT_SECONDS 30

/* The readers' state, worst last, for the status bar. */
enum card_reader_state {
	CARD_READER_NONE = 0,     /* no reader connected (or disabled) */
	CARD_READER_READY = 1,    /* a reader, no card in it */
	CARD_READER_CARD = 2,     /* a card is in a chip reader */
	CARD_READER_READING = 3,  /* a request is waiting or reading */
	CARD_READER_FAULT = 4,    /* hardware error, no permission, busy */
};

struct card_worker;

/* Start the worker on usb (may be NULL: then only keyboard-wedge swipes
 * work and the state is CARD_READER_NONE). It watches the readers that
 * [card] reader and [card] hid enable, posts EVENT_CARD_READER when their
 * state changes and EVENT_CARD when a request ends. Returns 0 and a worker for
 * card_worker_stop, or -1 with a one-line message in error. */
int card_worker_start(const struct config *config, struct usb_context *usb,
		      struct event_channel *events, struct card_worker **out,
		      char *error, size_t error_size);

/* The readers' state, and in text a few words for the status bar or a
 * dialog ("reader ready", "card in reader", "reader fault: ..."). Safe
 * from any thread. NULL gives CARD_READER_NONE. */
enum card_reader_state card_worker_state(struct card_worker *worker,
					 char *text, size_t size);

/* Start waiting up to timeout_s for a card: inserted or tapped on a chip
 * reader (read with EMV), or swiped on a HID reader. A card already in
 * the reader is read at once. A timeout_s of 0 or less takes [card]
 * timeout. Returns 0, or a negative card_error: CARD_ENOREADER, CARD_EBUSY
 * when a request is already running, CARD_EACCESS or CARD_EBUSY when
 * the only reader could not be opened, or CARD_EREADER while the reader
 * reports a hardware error. The
 * result arrives as EVENT_CARD (status CARD_OK or a card_error), or as
 * EVENT_CARD_APPS when the agent must choose an application. */
int card_worker_request(struct card_worker *worker, int timeout_s);

/* The applications of the card being read, best priority first, after
 * EVENT_CARD_APPS. Returns their number (0 when no choice is pending). */
int card_worker_apps(struct card_worker *worker, struct emv_app *apps,
		     int max);

/* Continue the pending read with application index (from
 * card_worker_apps). Returns 0 or CARD_EINVAL. */
int card_worker_choose(struct card_worker *worker, int index);

/* End the running request within about CARD_SLICE_MS, whatever the
 * reader does; it finishes with CARD_ECANCELLED and its card data is
 * wiped, even when the read completed meanwhile. A CARD_OK result not
 * yet taken is wiped too and becomes CARD_ECANCELLED. Safe from any
 * thread; NULL is allowed. */
void card_worker_cancel(struct card_worker *worker);

/* Move the result of the last request into *out, wiping the worker's
 * copy. Returns CARD_OK, the request's card_error, or CARD_EINVAL when
 * no result waits. The caller wipes *out with card_data_clear once the
 * PAN has been handed on. */
int card_worker_take(struct card_worker *worker, struct card_data *out);

/* Stop and join the thread, close the readers and wipe a result not
 * taken. NULL and a second call are allowed. */
void card_worker_stop(struct card_worker *worker);

/* Free a stopped worker, after usb_context_close, since a USB watch keeps
 * a pointer to it until then. NULL is allowed. */
void card_worker_free(struct card_worker *worker);

#endif
