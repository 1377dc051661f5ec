/* The sync worker: sends due operations from the journal, records each
 * outcome in one transaction, backs off with full jitter, and watches the
 * link so that a queue drains by itself when the central service returns. */
#define LOG_MODULE "sync"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "../app/api.h"
#include "../app/customer.h"
#include "../app/log.h"
#include "../app/policy.h"
#include "../app/refdata.h"

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

/* Whether an outcome means the central service could not be reached. */
static bool is_link_failure(int result)
{
	return result == API_EUNREACHABLE || result == API_ETLS ||
	       result == API_ETIMEOUT;
}

static void format_now(char *text, size_t size, int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(text, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void note_sync_time(struct journal *journal, int64_t now)
{
	char text[32];

	format_now(text, sizeof(text), now);
	if (journal_set_meta(journal, SYNC_META_LAST, text) != JOURNAL_OK)
		log_warn("last sync time not recorded");
}

/* An item the central service did not apply because an earlier item of
 * the batch on the same wallet was not accepted: held for the agent when
 * that one was rejected or set aside, otherwise sent again after it. It was
 * never applied, so it goes back to queued. */
static void convert_dependency(const struct api_outcome *answer,
			       const struct journal_outcome *earlier,
			       int count, int64_t now,
			       struct journal_outcome *out,
			       struct sync_batch_result *result)
{
	for (int i = 0; i < count; i++) {
		if (strcmp(earlier[i].id, answer->depends_on) != 0)
			continue;
		if (earlier[i].kind == JOURNAL_OUTCOME_REJECTED ||
		    earlier[i].kind == JOURNAL_OUTCOME_ATTENTION) {
			out->kind = JOURNAL_OUTCOME_ATTENTION;
			out->retry_state = OP_QUEUED;
			snprintf(out->text, sizeof(out->text),
				 "Held: earlier operation %s on the same "
				 "wallet was not accepted; check and send "
				 "again or cancel",
				 answer->depends_on);
			result->decided++;
			return;
		}
		break;
	}
	out->kind = JOURNAL_OUTCOME_RETRY;
	out->retry_state = OP_QUEUED;
	out->next_attempt_at = now;
	snprintf(out->text, sizeof(out->text), "%s", answer->message);
}

/* Turn the central service's reply for op into a journal outcome, and
 * count it in *result. `earlier` holds the outcomes of the operations
 * before op in its batch. */
static void convert_outcome(const struct config *config,
			    const struct operation *op,
			    const struct api_outcome *answer, int64_t now,
			    const struct journal_outcome *earlier, int count,
			    struct journal_outcome *out,
			    struct sync_batch_result *result)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->id, op->id, sizeof(out->id));
	out->retry_state = OP_IN_FLIGHT;
	switch (answer->result) {
	case API_EDEPENDENCY:
		convert_dependency(answer, earlier, count, now, out, result);
		return;
	case API_OK:
		out->kind = JOURNAL_OUTCOME_ACCEPTED;
		snprintf(out->text, sizeof(out->text), "%s",
			 answer->reference);
		result->decided++;
		return;
	case API_EREJECTED:
		out->kind = JOURNAL_OUTCOME_REJECTED;
		snprintf(out->text, sizeof(out->text), "%s", answer->message);
		result->decided++;
		return;
	case API_ECONFLICT:
		out->kind = JOURNAL_OUTCOME_ATTENTION;
		snprintf(out->text, sizeof(out->text),
			 "Spotbanc holds a different request under this id; "
			 "call support before sending again (%.120s)",
			 answer->message);
		result->decided++;
		return;
	case API_ECONFLICT_VERSION:
		out->kind = JOURNAL_OUTCOME_ATTENTION;
		snprintf(out->text, sizeof(out->text),
			 "Changed at Spotbanc since you read it: %.200s",
			 answer->message);
		result->decided++;
		return;
	case API_EINVAL:
		out->kind = JOURNAL_OUTCOME_ATTENTION;
		out->retry_state = OP_QUEUED;
		snprintf(out->text, sizeof(out->text),
			 "The batch with this operation could not be encoded "
			 "(details in the log); send again or cancel");
		result->decided++;
		return;
	case API_EREFUSED:
		out->kind = JOURNAL_OUTCOME_ATTENTION;
		snprintf(out->text, sizeof(out->text),
			 "Refused by the central service (%.100s); check the "
			 "terminal's configuration, then send again",
			 answer->message);
		result->decided++;
		return;
	default:
		break;
	}

	/* Nothing left the terminal when the link failed before a
	 * connection; an operation whose earlier request may have arrived
	 * stays in flight either way. */
	out->kind = JOURNAL_OUTCOME_RETRY;
	out->retry_state = OP_IN_FLIGHT;
	if ((answer->result == API_EUNREACHABLE ||
	     answer->result == API_ETLS) &&
	    op->sent == 0)
		out->retry_state = OP_QUEUED;
	out->next_attempt_at = now + backoff_delay(config, op->attempts + 1,
						   answer->retry_after);
	snprintf(out->text, sizeof(out->text), "%s", answer->message);
	if (is_link_failure(answer->result))
		result->link_failed = 1;
	result->failed = 1;
}

static const enum op_state outcome_states[] = {
	[JOURNAL_OUTCOME_ACCEPTED] = OP_ACCEPTED,
	[JOURNAL_OUTCOME_REJECTED] = OP_REJECTED,
	[JOURNAL_OUTCOME_RETRY] = OP_QUEUED,
	[JOURNAL_OUTCOME_ATTENTION] = OP_NEEDS_ATTENTION,
};

/* Log each outcome and keep the first few for the UI's events. */
static void note_outcomes(const struct operation *ops,
			  const struct journal_outcome *outcomes, int n,
			  struct sync_batch_result *result)
{
	for (int i = 0; i < n; i++) {
		const struct journal_outcome *o = &outcomes[i];

		if (result->reported < SYNC_REPORTED_MAX) {
			int k = result->reported++;

			memcpy(result->changes[k].id, o->id, JOURNAL_ID_SIZE);
			result->changes[k].state =
				o->kind == JOURNAL_OUTCOME_RETRY
					? o->retry_state
					: outcome_states[o->kind];
		}

		if (o->kind == JOURNAL_OUTCOME_ACCEPTED)
			log_info("operation %s accepted, reference %s", o->id,
				 o->text);
		else if (o->kind == JOURNAL_OUTCOME_REJECTED)
			log_warn("operation %s rejected: %s", o->id, o->text);
		else if (o->kind == JOURNAL_OUTCOME_ATTENTION)
			log_warn("operation %s needs attention: %s", o->id,
				 o->text);
		else
			log_warn("operation %s attempt %d failed: %s", o->id,
				 ops[i].attempts + 1, o->text);
	}
}

/* Put the customers of accepted registrations in the offline lookup
 * cache, with the wallet the central service opened for them. A cache
 * failure is logged there and changes nothing else. */
static void cache_registrations(struct journal *journal,
				const struct operation *ops,
				const struct api_outcome *answers,
				const struct journal_outcome *outcomes, int n,
				int64_t now)
{
	struct customer_registration registration;

	for (int i = 0; i < n; i++) {
		if (outcomes[i].kind != JOURNAL_OUTCOME_ACCEPTED ||
		    strcmp(ops[i].type, API_TYPE_CUSTOMER_REGISTRATION) != 0 ||
		    api_customer_registration_decode(ops[i].payload,
						     &registration) != API_OK)
			continue;
		customer_cache_put_registration(journal, &registration,
						answers[i].wallet_account, now);
	}
}

/* Move back to the agent an operation of a type that needs the link,
 * which the agent sent again after it waited too long unsent, when the
 * link fails before its request leaves. The agent approved sending it
 * now, while the customer is at the counter, not whenever the link
 * returns. The outcome keeps retry state queued, because the central
 * service applied nothing, so the agent may still cancel it. */
static void hold_approved_unsent(struct journal *journal,
				 const struct operation *op,
				 const struct api_outcome *answer,
				 struct journal_outcome *out,
				 struct sync_batch_result *result)
{
	if (!op->age_approved || out->kind != JOURNAL_OUTCOME_RETRY ||
	    out->retry_state != OP_QUEUED || !is_link_failure(answer->result))
		return;
	/* A journal that cannot be read counts as needing the link. */
	if (policy_online_only(journal, op->type) == 0)
		return;
	out->kind = JOURNAL_OUTCOME_ATTENTION;
	policy_unsent_reason(op->type, out->text, sizeof(out->text));
	result->decided++;
}

/* Send ops[0..n), already marked in flight, and record the outcomes. */
static int send_marked(struct journal *journal, struct transport *transport,
		       const struct config *config,
		       const struct operation *ops, int n,
		       struct sync_batch_result *result)
{
	struct api_outcome *answers = calloc((size_t)n, sizeof(*answers));
	struct journal_outcome *outcomes = calloc((size_t)n, sizeof(*outcomes));
	int64_t now;
	int rc = JOURNAL_EIO;

	if (answers == NULL || outcomes == NULL)
		goto out;
	log_info("sending a batch of %d operations, first %s", n, ops[0].id);
	api_submit_batch(transport, ops, n, answers);
	now = now_seconds();
	for (int i = 0; i < n; i++) {
		convert_outcome(config, &ops[i], &answers[i], now, outcomes, i,
				&outcomes[i], result);
		hold_approved_unsent(journal, &ops[i], &answers[i],
				     &outcomes[i], result);
	}

	rc = journal_record_outcomes(journal, outcomes, n, now);
	if (rc < 0) {
		log_error("outcomes of the batch starting %s not recorded: %s; "
			  "they stay in flight and are sent again",
			  ops[0].id, journal_strerror(rc));
		goto out;
	}
	result->held = rc;
	note_outcomes(ops, outcomes, n, result);
	cache_registrations(journal, ops, answers, outcomes, n, now);
	if (result->decided > 0)
		note_sync_time(journal, now);
	rc = JOURNAL_OK;
out:
	free(answers);
	free(outcomes);
	return rc;
}

/* Times next_checked_batch builds a batch again when the clock's second
 * changed while it built one. */
#define BATCH_CHECK_TRIES 3

/* Move the operations that waited too long to needs attention
 * (policy_flag_old), then fill ops as journal_next_batch does. Both run
 * within one second of the clock, so that no operation of a type that
 * needs the link waited more than POLICY_UNSENT_GRACE_SECONDS when its
 * batch is built. When the second changes in between, the check and the
 * batch are made again, up to BATCH_CHECK_TRIES times. Returns what
 * journal_next_batch returns, 0 when nothing may be sent now, or
 * JOURNAL_EIO when the check fails. */
static int next_checked_batch(struct journal *journal, int64_t due_by,
			      struct operation *ops, int max)
{
	for (int i = 0; i < BATCH_CHECK_TRIES; i++) {
		int64_t checked_at = now_seconds();
		int n;

		if (policy_flag_old(journal, checked_at) < 0) {
			log_error("old operations not checked; nothing is "
				  "sent until they are");
			return JOURNAL_EIO;
		}
		n = journal_next_batch(journal, due_by, ops, max);
		if (n <= 0 || now_seconds() == checked_at)
			return n;
	}
	log_warn("the clock moved on while each of %d batches was built; "
		 "sending later",
		 BATCH_CHECK_TRIES);
	return 0;
}

int sync_send_batch(struct journal *journal, struct transport *transport,
		    const struct config *config, int64_t now,
		    struct sync_batch_result *result)
{
	struct operation *ops;
	int n;
	int rc;

	memset(result, 0, sizeof(*result));
	ops = calloc((size_t)config->batch_size, sizeof(*ops));
	if (ops == NULL)
		return JOURNAL_EIO;
	n = next_checked_batch(journal, now, ops, config->batch_size);
	if (n <= 0) {
		rc = n;
		goto out;
	}
	rc = journal_mark_batch_in_flight(journal, ops, n, now_seconds());
	if (rc != JOURNAL_OK) {
		log_error("batch starting %s not marked in flight: %s",
			  ops[0].id, journal_strerror(rc));
		goto out;
	}
	result->sent = n;
	rc = send_marked(journal, transport, config, ops, n, result);
out:
	free(ops);
	return rc;
}

int sync_refresh_policy(struct journal *journal, struct transport *transport)
{
	char *json = malloc(JOURNAL_META_VALUE_SIZE);
	char stamp[32];
	int rc;

	if (json == NULL)
		return API_EINVAL;
	rc = api_policy_fetch(transport, json, JOURNAL_META_VALUE_SIZE);
	if (rc == API_OK) {
		format_now(stamp, sizeof(stamp), now_seconds());
		if (journal_set_meta(journal, POLICY_META_KEY, json) !=
			    JOURNAL_OK ||
		    journal_set_meta(journal, POLICY_META_FETCHED, stamp) !=
			    JOURNAL_OK)
			rc = API_EINVAL;
	}
	if (rc == API_OK)
		log_info("offline policy refreshed");
	else
		log_warn("offline policy not refreshed: %s", api_strerror(rc));
	free(json);
	return rc;
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
 * kicked, which requests sending regardless of backoff. */
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

/* Take the journal's sender lock, a file beside the journal locked with
 * flock(2), so that only one process sends a journal's queue at a time.
 * Two senders would each send the same operations. The idempotency keys
 * make that harmless for money, but it breaks the hold of operations
 * behind a rejected one. Waits until `deadline` (Unix seconds; 0 means do
 * not wait). Returns the locked descriptor, or -1 when another process
 * holds the lock or the file cannot be opened. The lock goes with the
 * process, also when it is killed. */
static int lock_sender(const char *journal_path, int64_t deadline)
{
	char resolved[PATH_MAX];
	char path[PATH_MAX];
	int fd;

	/* The journal's real path, so that a symbolic link to the same file
	 * shares the lock. */
	if (realpath(journal_path, resolved) == NULL)
		snprintf(resolved, sizeof(resolved), "%s", journal_path);
	if (snprintf(path, sizeof(path), "%s-sender.lock", resolved) >=
	    (int)sizeof(path))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("sender lock %s cannot be opened: %s", path,
			  strerror(errno));
		return -1;
	}
	for (;;) {
		struct timespec pause = { 0, 200000000L };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK || now_seconds() >= deadline)
			break;
		nanosleep(&pause, NULL);
	}
	close(fd);
	return -1;
}

static void unlock_sender(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Report a batch's changes to the UI. */
static void post_changes(struct sync_worker *worker,
			 const struct sync_batch_result *result)
{
	if (result->sent <= SYNC_REPORTED_MAX) {
		for (int i = 0; i < result->reported; i++)
			post(worker, EVENT_OPERATION,
			     (int)result->changes[i].state,
			     result->changes[i].id, NULL);
	}
	post(worker, EVENT_QUEUE, 0, NULL, NULL);
}

/* Send due batches until none is due or one fails. With `force`, backoff
 * is ignored (after a kick, at start-up, when the link returns). */
static void send_due(struct sync_worker *worker, struct journal *journal,
		     struct transport *transport, bool force)
{
	struct sync_batch_result result;

	while (!is_stopping(worker)) {
		int64_t horizon = force ? INT64_MAX : now_seconds();

		if (sync_send_batch(journal, transport, &worker->config,
				    horizon, &result) != JOURNAL_OK ||
		    result.sent == 0)
			return;
		set_link(worker, !result.link_failed);
		post_changes(worker, &result);
		if (result.failed)
			return;
	}
}

/* The periodic checks: the link, the policy with the reference data and
 * operations too old to send without the agent. Both caches are fetched
 * again at the next check until both succeed. Returns true when the link
 * has just come back, which requests sending the queue at once. */
static bool check_link(struct sync_worker *worker, struct journal *journal,
		       struct transport *transport, int64_t *next_policy)
{
	int64_t now = now_seconds();
	bool was_online = worker->online && worker->link_known;
	bool online = api_ping(transport) == API_OK;

	set_link(worker, online);
	if (online && now >= *next_policy) {
		int policy = sync_refresh_policy(journal, transport);
		int refdata = refdata_refresh(journal, transport);

		if (policy == API_OK && refdata == API_OK)
			*next_policy = now + worker->config.policy_refresh;
	}
	if (policy_flag_old(journal, now) > 0)
		post(worker, EVENT_QUEUE, 0, NULL, NULL);
	return online && !was_online;
}

static void *run_worker(void *arg)
{
	struct sync_worker *worker = arg;
	struct journal *journal = NULL;
	struct transport *transport = NULL;
	bool force = true;
	int64_t next_check = 0;
	int64_t next_policy = 0;
	int sender;

	if (journal_open(worker->config.journal_path, &journal) != JOURNAL_OK ||
	    sync_transport_open(&worker->config, &transport) != TRANSPORT_OK) {
		log_error("sync worker cannot start; operations stay queued");
		goto out;
	}
	log_info("sync worker started for %s", worker->config.url);

	while (!is_stopping(worker)) {
		int64_t now = now_seconds();
		int64_t until;
		int64_t due;

		/* Checks come first so that old operations are set aside
		 * before they could be sent, and the policy is fresh. */
		if (now >= next_check) {
			next_check = now + worker->config.idle_check;
			if (check_link(worker, journal, transport,
				       &next_policy))
				force = true;
		}
		sender = lock_sender(worker->config.journal_path, 0);
		if (sender >= 0)
			send_due(worker, journal, transport, force);
		else
			log_debug("another process is sending this journal");
		unlock_sender(sender);

		until = next_check;
		if (journal_next_attempt_time(journal, &due) == JOURNAL_OK &&
		    due < until)
			until = due;
		force = wait_for_work(worker, until);
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

/* Failed batches a drain waits out before it gives up. */
#define DRAIN_FAILURES_MAX 5

/* Sleep until the earliest next attempt, but not past deadline. */
static void wait_for_backoff(struct journal *journal, int64_t deadline)
{
	int64_t due = deadline;
	int64_t now = now_seconds();
	struct timespec delay = { 0 };

	if (journal_next_attempt_time(journal, &due) != JOURNAL_OK ||
	    due > deadline)
		due = deadline;
	if (due <= now)
		return;
	delay.tv_sec = (time_t)(due - now);
	nanosleep(&delay, NULL);
}

static void print_progress(FILE *progress,
			   const struct sync_batch_result *result)
{
	if (progress == NULL)
		return;
	fprintf(progress,
		"sync: batch of %d sent: %d decided, %d later operations "
		"held for the agent%s\n",
		result->sent, result->decided, result->held,
		result->failed ? "; the rest is sent again later" : "");
}

int sync_drain(const struct config *config, int64_t deadline,
	       FILE *progress)
{
	struct journal *journal = NULL;
	struct transport *transport = NULL;
	struct sync_batch_result result;
	int remaining = -1;
	int batches;
	int sender;

	if (journal_open(config->journal_path, &journal) != JOURNAL_OK ||
	    sync_transport_open(config, &transport) != TRANSPORT_OK)
		goto out;
	if (sync_refresh_policy(journal, transport) != API_OK &&
	    progress != NULL)
		fprintf(progress, "sync: offline policy not refreshed\n");
	if (refdata_refresh(journal, transport) != API_OK && progress != NULL)
		fprintf(progress, "sync: fee schedule, bank list or corridor "
				  "list not refreshed\n");
	if (policy_flag_old(journal, now_seconds()) > 0 && progress != NULL)
		fprintf(progress, "sync: old operations set aside for the "
				  "agent\n");
	sender = lock_sender(config->journal_path, deadline);
	if (sender < 0) {
		if (progress != NULL)
			fprintf(progress, "sync: another spotagent process is "
					  "sending this journal\n");
		remaining = count_waiting(journal);
		goto out;
	}

	/* Each batch decides or fails at least one operation, so the number
	 * of batches is bounded by the queue plus the failures allowed. A
	 * link failure ends the drain, since what follows would meet the same
	 * link; a busy or failing central service is asked again after the
	 * backoff, while the deadline allows. */
	batches = count_waiting(journal) / config->batch_size + 2 +
		  DRAIN_FAILURES_MAX;
	for (int i = 0, failures = 0; i < batches && now_seconds() < deadline;
	     i++) {
		if (sync_send_batch(journal, transport, config, INT64_MAX,
				    &result) != JOURNAL_OK ||
		    result.sent == 0)
			break;
		print_progress(progress, &result);
		if (result.link_failed ||
		    (result.failed && ++failures > DRAIN_FAILURES_MAX))
			break;
		if (result.failed)
			wait_for_backoff(journal, deadline);
	}
	remaining = count_waiting(journal);
	unlock_sender(sender);
out:
	transport_close(transport);
	journal_close(journal);
	return remaining;
}
