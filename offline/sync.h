/* The sync worker: sends the queue to the central service in the
 * background, with backoff, and reports through the event channel. */
#ifndef SPOTAGENT_SYNC_H
#define SPOTAGENT_SYNC_H

#include <stdint.h>
#include <stdio.h>

#include "../app/config.h"
#include "../app/event.h"
#include "journal.h"
#include "transport.h"

/* Journal meta key: RFC 3339 UTC time of the last operation the central
 * service answered (accepted or rejected). */
#define SYNC_META_LAST "last_sync_at"

struct sync_worker;

/* Start the worker thread with its own journal connection and transport.
 * events may be NULL. Returns 0, or -1 with the reason logged. */
int sync_start(const struct config *config, struct event_channel *events,
	       struct sync_worker **out);

/* Wake the worker to send now (after a new operation, or on request). */
void sync_kick(struct sync_worker *worker);

/* Stop and join the worker. A request in progress finishes first, bounded
 * by the configured request timeout. */
void sync_stop(struct sync_worker *worker);

/* Open a transport to the central service described by config, for the
 * calling thread. Returns 0 or a negative transport_error. */
int sync_transport_open(const struct config *config,
			struct transport **out);

/* Send the one operation op through transport and record the outcome in
 * the journal. Returns the api outcome's result. */
int sync_send_operation(struct journal *journal, struct transport *transport,
			const struct config *config,
			const struct operation *op);

/* Send every queued or in-flight operation now, ignoring backoff, until
 * the queue is empty, a send fails to reach the central service, or
 * `deadline` (Unix seconds) passes. Progress lines go to progress when not
 * NULL. Returns the number of operations still queued or in flight, or -1
 * when the journal or transport cannot be opened. */
int sync_drain(const struct config *config, int64_t deadline,
	       FILE *progress);

#endif
