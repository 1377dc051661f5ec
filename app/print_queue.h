/* The print worker: a thread with its own journal connection that owns
 * the printer, watches its status and writes the journal's print jobs,
 * so that the UI thread never waits on a printer. */
#ifndef SPOTAGENT_PRINT_QUEUE_H
#define SPOTAGENT_PRINT_QUEUE_H

#include <stddef.h>

#include "../drivers/printer.h"
#include "../drivers/usb.h"
#include "config.h"
#include "event.h"

/* How often the worker asks the printer's status: while jobs wait or the
 * printer is not ready, and when idle. */
#define PRINT_QUEUE_BUSY_POLL_MS 1000
#define PRINT_QUEUE_IDLE_POLL_MS 3000

/* How long a job waits for a printer that is not ready before it is held:
 * about the time the customer is still at the counter. Later, the agent
 * decides whether it prints. */
#define PRINT_QUEUE_WAIT_SECONDS 120

/* How long a cash drawer pulse waits for a printer that is not ready
 * before it fails: the agent is at the till waiting for the drawer, and
 * opens it by hand after that. */
#define PRINT_QUEUE_DRAWER_WAIT_SECONDS 15

/* The journal meta key where the worker stores the model of the USB
 * printer it last saw, for the profile of new jobs. */
#define PRINT_QUEUE_MODEL_KEY "printer:model"

struct print_queue;

/* The printer state in a few words for the agent's messages: "out of
 * paper", "cover open", "offline", "in error", "unplugged", "no printer",
 * and "ready" or "paper low" for the states that print. Static text. */
const char *print_queue_state_words(enum printer_state state);

/* Open the printer of config->printer (usb may be NULL when there is no
 * USB context), a journal connection to config->journal_path, fix the
 * jobs a stopped worker left (journal_print_recover), watch USB printers
 * when the printer is one, and start the thread. Events go to events.
 * Returns 0 and a queue for print_queue_stop, or -1 with a one-line
 * message in error (nothing is left open). */
int print_queue_start(const struct config *config, struct usb_context *usb,
		      struct event_channel *events, struct print_queue **out,
		      char *error, size_t error_size);

/* Wake the worker: new jobs wait or held jobs were released. Safe from
 * any thread; NULL is allowed. */
void print_queue_kick(struct print_queue *queue);

/* Ask the worker to post EVENT_PRINT_HELD again when held jobs exist and
 * the printer is ready (after a login, for example). NULL is allowed. */
void print_queue_offer_held(struct print_queue *queue);

/* Stop and join the thread, then close the printer and the journal
 * connection. A job being written is finished first (each chunk has
 * PRINTER_WRITE_TIMEOUT_MS); the jobs waiting after it are left for the
 * next start. Hotplug news that still arrives is ignored.
 * NULL is allowed. */
void print_queue_stop(struct print_queue *queue);

/* Free a stopped queue, after usb_context_close, since a USB watch keeps
 * a pointer to it until then. NULL is allowed. */
void print_queue_free(struct print_queue *queue);

#endif
