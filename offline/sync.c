/* The sync worker: sends due operations from the journal, records each
 * outcome in one transaction, backs off with full jitter, and watches the
 * link so that a queue drains by itself when the central service returns. */
#define LOG_MODULE "sync"
#include "sync.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "../app/api.h"
#include "../app/log.h"

struct sync_worker {
	struct config config;
	struct event_channel *events;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool kicked;
	bool stopping;
	bool online;
	bool link_known;
};

static int64_t now_seconds(void)
{
	return (int64_t)time(NULL);
}

static uint32_t random_u32(void)
{
	uint32_t value = 0;

	if (getrandom(&value, sizeof(value), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(value))
		value = (uint32_t)time(NULL) * 2654435761u;
	return value;
}

/* Full-jitter backoff: a uniform delay in [1, min(cap, base * 2^n)]
 * seconds, where n counts earlier attempts; Retry-After raises it. */
static int64_t backoff_delay(const struct config *config, int attempts,
			     long retry_after)
{
	int64_t ceiling = config->retry_min;
	int64_t delay;

	for (int i = 1; i < attempts && ceiling < config->retry_max; i++)
		ceiling *= 2;
	if (ceiling > config->retry_max)
		ceiling = config->retry_max;
	delay = 1 + (int64_t)(random_u32() % (uint32_t)ceiling);
	if (retry_after > delay)
		delay = retry_after;
	return delay;
}

/* Whether an outcome says the central service could not be reached. */
static bool is_link_failure(int result)
{
	return result == API_EUNREACHABLE || result == API_ETLS ||
	       result == API_ETIMEOUT;
}

static void note_sync_time(struct journal *journal, int64_t now)
{
	time_t t = (time_t)now;
	char text[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (journal_set_meta(journal, SYNC_META_LAST, text) != JOURNAL_OK)
		log_warn("last sync time not recorded");
}

static int record_outcome(struct journal *journal, const struct config *config,
			  const struct operation *op,
			  const struct api_outcome *outcome)
{
	int64_t now = now_seconds();
	enum op_state retry_state = OP_IN_FLIGHT;

	switch (outcome->result) {
	case API_OK:
		note_sync_time(journal, now);
		log_info("operation %s accepted, reference %s", op->id,
			 outcome->reference);
		return journal_mark_accepted(journal, op->id,
					     outcome->reference, now);
	case API_EREJECTED:
		note_sync_time(journal, now);
		log_warn("operation %s rejected: %s", op->id,
			 outcome->message);
		return journal_mark_rejected(journal, op->id, outcome->message,
					     now);
	case API_EUNREACHABLE:
	case API_ETLS:
		/* Nothing left the terminal; an operation whose earlier
		 * outcome was unknown stays in flight. */
		if (op->state == OP_QUEUED)
			retry_state = OP_QUEUED;
		break;
	default:
		break;
	}
	log_warn("operation %s attempt %d failed: %s", op->id,
		 op->attempts + 1, outcome->message);
	return journal_mark_retry(
		journal, op->id, retry_state, outcome->message,
		now + backoff_delay(config, op->attempts + 1,
				    outcome->retry_after),
		now);
}

int sync_send_operation(struct journal *journal, struct transport *transport,
			const struct config *config,
			const struct operation *op)
{
	struct api_outcome outcome;
	int error;

	error = journal_mark_in_flight(journal, op->id, now_seconds());
	if (error != JOURNAL_OK) {
		log_error("operation %s not sent: %s", op->id,
			  journal_strerror(error));
		return API_EINVAL;
	}
	log_info("sending operation %s (%s), attempt %d", op->id, op->type,
		 op->attempts + 1);
	api_submit(transport, op, &outcome);
	error = record_outcome(journal, config, op, &outcome);
	if (error != JOURNAL_OK)
		log_error("outcome of operation %s not recorded: %s", op->id,
			  journal_strerror(error));
	return outcome.result;
}

int sync_transport_open(const struct config *config,
			struct transport **out)
{
	struct transport_config tc = {
		.url = config->url,
		.ca_file = config->ca_file,
		.cert_file = config->cert_file,
		.key_file = config->key_file,
		.pin = config->pin[0] != '\0' ? config->pin : NULL,
		.connect_timeout = config->connect_timeout,
		.request_timeout = config->request_timeout,
	};

	return transport_open(&tc, out);
}

static void post(struct sync_worker *worker, enum event_type type,
		 int status, const char *id, const char *text)
{
	struct event event = { .type = type, .status = status };

	if (id != NULL)
		snprintf(event.id, sizeof(event.id), "%s", id);
	if (text != NULL)
		snprintf(event.text, sizeof(event.text), "%s", text);
	event_post(worker->events, &event);
}

static void set_link(struct sync_worker *worker, bool online)
{
	if (worker->link_known && worker->online == online)
		return;
	worker->online = online;
	worker->link_known = true;
	log_info("central service is %s", online ? "reachable" : "unreachable");
	post(worker, EVENT_LINK, online ? 1 : 0, NULL, NULL);
}

/* Wait until `until` (Unix seconds), a kick or stop. Returns true when
 * kicked, which asks for sending regardless of backoff. */
static bool wait_for_work(struct sync_worker *worker, int64_t until)
{
	struct timespec deadline;
	bool kicked;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)(until - now_seconds());
	pthread_mutex_lock(&worker->lock);
	while (!worker->kicked && !worker->stopping) {
		if (pthread_cond_timedwait(&worker->wake, &worker->lock,
					   &deadline) == ETIMEDOUT)
			break;
	}
	kicked = worker->kicked;
	worker->kicked = false;
	pthread_mutex_unlock(&worker->lock);
	return kicked;
}

static bool is_stopping(struct sync_worker *worker)
{
	bool stopping;

	pthread_mutex_lock(&worker->lock);
	stopping = worker->stopping;
	pthread_mutex_unlock(&worker->lock);
	return stopping;
}

/* Send due operations until none is due or the link fails. With `force`,
 * backoff is ignored (after a kick, at start-up, when the link returns). */
static void send_due(struct sync_worker *worker, struct journal *journal,
		     struct transport *transport, bool force)
{
	struct operation op;
	int result;

	while (!is_stopping(worker)) {
		int64_t horizon = force ? INT64_MAX : now_seconds();

		if (journal_next_due(journal, horizon, &op) != JOURNAL_OK)
			return;
		result = sync_send_operation(journal, transport,
					     &worker->config, &op);
		set_link(worker, !is_link_failure(result));
		if (journal_get(journal, op.id, &op) == JOURNAL_OK)
			post(worker, EVENT_OPERATION, (int)op.state, op.id,
			     NULL);
		post(worker, EVENT_QUEUE, 0, NULL, NULL);
		if (result != API_OK && result != API_EREJECTED)
			return;
	}
}

static void *run_worker(void *arg)
{
	struct sync_worker *worker = arg;
	struct journal *journal = NULL;
	struct transport *transport = NULL;
	bool force = true;
	int64_t next_check = 0;

	if (journal_open(worker->config.journal_path, &journal) != JOURNAL_OK ||
	    sync_transport_open(&worker->config, &transport) != TRANSPORT_OK) {
		log_error("sync worker cannot start; operations stay queued");
		goto out;
	}
	log_info("sync worker started for %s", worker->config.url);

	while (!is_stopping(worker)) {
		int64_t now = now_seconds();
		int64_t until = now + worker->config.idle_check;
		int64_t due;

		send_due(worker, journal, transport, force);
		force = false;

		/* Probe the link while idle or while everything waits on
		 * backoff; its return sends the queue without delay. */
		now = now_seconds();
		if (now >= next_check) {
			bool was_online = worker->online;
			bool online = api_ping(transport) == API_OK;

			set_link(worker, online);
			next_check = now + worker->config.idle_check;
			if (online && !was_online) {
				force = true;
				continue;
			}
		}
		if (journal_next_attempt_time(journal, &due) == JOURNAL_OK &&
		    due < until)
			until = due;
		if (until > next_check)
			until = next_check;
		force = wait_for_work(worker, until);
		if (force)
			next_check = 0;
	}
out:
	log_info("sync worker stopped");
	transport_close(transport);
	journal_close(journal);
	return NULL;
}

int sync_start(const struct config *config, struct event_channel *events,
	       struct sync_worker **out)
{
	struct sync_worker *worker;
	pthread_condattr_t attributes;

	*out = NULL;
	worker = calloc(1, sizeof(*worker));
	if (worker == NULL)
		return -1;
	worker->config = *config;
	worker->events = events;
	pthread_mutex_init(&worker->lock, NULL);
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&worker->wake, &attributes);
	pthread_condattr_destroy(&attributes);
	if (pthread_create(&worker->thread, NULL, run_worker, worker) != 0) {
		log_error("cannot create the sync worker thread");
		pthread_cond_destroy(&worker->wake);
		pthread_mutex_destroy(&worker->lock);
		free(worker);
		return -1;
	}
	*out = worker;
	return 0;
}

void sync_kick(struct sync_worker *worker)
{
	if (worker == NULL)
		return;
	pthread_mutex_lock(&worker->lock);
	worker->kicked = true;
	pthread_cond_signal(&worker->wake);
	pthread_mutex_unlock(&worker->lock);
}

void sync_stop(struct sync_worker *worker)
{
	if (worker == NULL)
		return;
	pthread_mutex_lock(&worker->lock);
	worker->stopping = true;
	pthread_cond_signal(&worker->wake);
	pthread_mutex_unlock(&worker->lock);
	pthread_join(worker->thread, NULL);
	pthread_cond_destroy(&worker->wake);
	pthread_mutex_destroy(&worker->lock);
	free(worker);
}

static int count_waiting(struct journal *journal)
{
	int64_t counts[OP_STATE_COUNT] = { 0 };

	if (journal_count_by_state(journal, counts) != JOURNAL_OK)
		return -1;
	return (int)(counts[OP_QUEUED] + counts[OP_IN_FLIGHT]);
}

int sync_drain(const struct config *config, int64_t deadline,
	       FILE *progress)
{
	struct journal *journal = NULL;
	struct transport *transport = NULL;
	struct operation op;
	int remaining = -1;
	int budget;

	if (journal_open(config->journal_path, &journal) != JOURNAL_OK ||
	    sync_transport_open(config, &transport) != TRANSPORT_OK)
		goto out;

	/* Each waiting operation is tried at most once per drain; the first
	 * failure that is not a rejection ends it, since what follows would
	 * meet the same link. */
	budget = count_waiting(journal);
	for (int i = 0; i < budget && now_seconds() < deadline; i++) {
		int result;

		if (journal_next_due(journal, INT64_MAX, &op) != JOURNAL_OK)
			break;
		result = sync_send_operation(journal, transport, config, &op);
		journal_get(journal, op.id, &op);
		if (progress != NULL)
			fprintf(progress, "sync: %s %s %s\n", op.id,
				journal_state_name(op.state),
				op.state == OP_ACCEPTED ? op.reference
							: op.last_error);
		if (result != API_OK && result != API_EREJECTED)
			break;
	}
	remaining = count_waiting(journal);
out:
	transport_close(transport);
	journal_close(journal);
	return remaining;
}
