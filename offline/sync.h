/* The sync worker: sends the queue to the central service in batches in
 * the background, with backoff, and reports through the event channel. */
#ifndef SPOTAGENT_SYNC_H
#define SPOTAGENT_SYNC_H

#include <stdint.h>
#include <stdio.h>

#include "../app/config.h"
#include "../app/event.h"
#include "journal.h"
#include "transport.h"

/* Journal meta key: RFC 3339 UTC time of the last operation the central
 * service decided (accepted or rejected). */
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

/* Most operations of one batch reported one by one to the UI; a larger
 * batch is reported as a change of the queue only. */
#define SYNC_REPORTED_MAX 32

/* Statistics of one sync_send_batch call. */
struct sync_batch_result {
	int sent;        /* operations in the batch (0: none was due) */
	int decided;     /* accepted, rejected or set aside for the agent */
	int held;        /* later operations held by a rejection */
	int link_failed; /* the central service could not be reached */
	int failed;      /* a failure that is not a decision: stop for now */
	int reported;    /* entries used in `changes` */
	struct {
		char id[JOURNAL_ID_SIZE];
		enum op_state state;
	} changes[SYNC_REPORTED_MAX];
};

/* Send one batch of the operations due at `now` (INT64_MAX: all, ignoring
 * backoff) and record every outcome in the journal: marked in flight in
 * one transaction before the request, outcomes in one transaction after.
 * Returns 0 with *result filled, or a negative journal_error. */
int sync_send_batch(struct journal *journal, struct transport *transport,
		    const struct config *config, int64_t now,
		    struct sync_batch_result *result);

/* Fetch the offline policy and cache it in the journal. Returns 0 or an
 * api_error; the cached policy stays as it was on failure. */
int sync_refresh_policy(struct journal *journal, struct transport *transport);

/* Send every queued or in-flight operation now, ignoring backoff, until
 * the queue is empty, a batch fails, or `deadline` (Unix seconds) passes.
 * Refreshes the policy first. Progress lines go to progress when not
 * NULL. Returns the number of operations still queued or in flight, or -1
 * when the journal or transport cannot be opened. */
int sync_drain(const struct config *config, int64_t deadline,
	       FILE *progress);

#endif
