/* Unit tests of the print worker (app/print_queue.c) with a file printer
 * and a journal in a fresh directory under /tmp: jobs printed once, a job
 * left printing by a stop held and offered, and the offer's release.
 * Also the print job rules of app/app.c: no second job, drawer pulses. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../app/api_money.h"
#include "../../app/app.h"
#include "../../app/config.h"
#include "../../app/event.h"
#include "../../app/print_queue.h"
#include "../../app/uuid.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

/* Longest wait for one event: the worker polls every 3 s at most. */
#define EVENT_WAIT_MS 5000

struct queue_fixture {
	struct journal_fixture *journal;
	struct config config;
	char printed[160];
	struct event_channel *events;
	struct print_queue *queue;
};

static int setup(void **state)
{
	struct queue_fixture *f = calloc(1, sizeof(*f));
	void *journal_state = NULL;

	assert_non_null(f);
	assert_int_equal(journal_fixture_setup(&journal_state, "print_queue"),
			 0);
	f->journal = journal_state;
	snprintf(f->printed, sizeof(f->printed), "%s/printed.bin",
		 f->journal->dir);
	snprintf(f->config.journal_path, sizeof(f->config.journal_path), "%s",
		 f->journal->path);
	snprintf(f->config.printer, sizeof(f->config.printer), "file:%s",
		 f->printed);
	assert_int_equal(event_channel_open(&f->events), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct queue_fixture *f = *state;
	void *journal_state = f->journal;

	print_queue_stop(f->queue);
	print_queue_free(f->queue);
	event_channel_close(f->events);
	journal_fixture_teardown(&journal_state);
	free(f);
	return 0;
}

static void start_queue(struct queue_fixture *f)
{
	char error[256] = "";

	if (print_queue_start(&f->config, NULL, f->events, &f->queue, error,
			      sizeof(error)) != 0)
		fail_msg("print_queue_start: %s", error);
}

/* Wait at most EVENT_WAIT_MS for an event of type; other events are
 * skipped. Returns whether one came. */
static bool wait_event(struct queue_fixture *f, enum event_type type,
		       struct event *out)
{
	struct timespec start;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd fd = { .fd = event_channel_fd(f->events),
				     .events = POLLIN };
		long waited;

		while (event_read(f->events, out) == 1)
			if (out->type == type)
				return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 +
			 (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= EVENT_WAIT_MS)
			return false;
		poll(&fd, 1, (int)(EVENT_WAIT_MS - waited));
	}
}

/* How many times the printer file holds text. */
static int count_in_file(const char *path, const char *text)
{
	static char data[65536];
	FILE *file = fopen(path, "rb");
	size_t size;
	int count = 0;

	if (file == NULL)
		return 0;
	size = fread(data, 1, sizeof(data), file);
	fclose(file);
	for (size_t i = 0; i + strlen(text) <= size; i++)
		if (memcmp(data + i, text, strlen(text)) == 0)
			count++;
	return count;
}

static int64_t add_job(struct journal *journal, const char *text,
		       enum print_kind kind)
{
	int64_t id = 0;

	assert_int_equal(journal_print_add(journal, NULL, kind,
					   (const unsigned char *)text,
					   strlen(text), -1, time(NULL), &id),
			 JOURNAL_OK);
	return id;
}

static void worker_prints_waiting_once(void **state)
{
	struct queue_fixture *f = *state;
	struct print_job job;
	struct event event;
	int64_t id;

	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINTER, &event));
	assert_int_equal(event.status, 0 /* PRINTER_STATE_READY */);
	id = add_job(f->journal->journal, "JOB-ONE\n", PRINT_KIND_REPORT);
	print_queue_kick(f->queue);
	assert_true(wait_event(f, EVENT_PRINT_JOB, &event));
	assert_int_equal(event.status, PRINT_DONE);
	assert_string_equal(event.id, "report");
	assert_int_equal(journal_print_get(f->journal->journal, id, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_DONE);
	assert_int_equal(job.size, 0);

	/* Another kick prints nothing again. */
	print_queue_kick(f->queue);
	assert_false(wait_event(f, EVENT_PRINT_JOB, &event));
	assert_int_equal(count_in_file(f->printed, "JOB-ONE"), 1);
}

/* A job that was printing when the worker stopped is held, offered once
 * the printer is ready, and printed once after the release. */
static void stopped_job_held_and_offered(void **state)
{
	struct queue_fixture *f = *state;
	struct print_job job;
	unsigned char *data = NULL;
	struct event event;
	int released = 0;
	int64_t id;

	id = add_job(f->journal->journal, "JOB-TWO\n", PRINT_KIND_COPY);
	assert_int_equal(journal_print_take(f->journal->journal, time(NULL),
					    &job, &data),
			 JOURNAL_OK);
	free(data);

	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINT_HELD, &event));
	assert_int_equal(event.status, 1);
	assert_int_equal(journal_print_get(f->journal->journal, id, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_HELD);
	assert_string_equal(job.last_error,
			    "stopped while printing; it may have printed");
	assert_int_equal(count_in_file(f->printed, "JOB-TWO"), 0);

	assert_int_equal(journal_print_release(f->journal->journal,
					       time(NULL), &released),
			 JOURNAL_OK);
	assert_int_equal(released, 1);
	print_queue_kick(f->queue);
	assert_true(wait_event(f, EVENT_PRINT_JOB, &event));
	assert_int_equal(event.status, PRINT_DONE);
	assert_int_equal(count_in_file(f->printed, "JOB-TWO"), 1);
}

/* A job that another process adds, with no kick, prints at the next
 * status poll (PRINT_QUEUE_IDLE_POLL_MS), as `report --close` relies
 * on. */
static void worker_polls_for_new_jobs(void **state)
{
	struct queue_fixture *f = *state;
	struct event event;

	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINTER, &event));
	add_job(f->journal->journal, "JOB-POLLED\n", PRINT_KIND_REPORT);
	assert_true(wait_event(f, EVENT_PRINT_JOB, &event));
	assert_int_equal(event.status, PRINT_DONE);
	assert_int_equal(count_in_file(f->printed, "JOB-POLLED"), 1);
}

/* Jobs queued for the stop test, and the size of each: enough that the
 * file printer (one fsync a job) cannot write them all before the stop. */
#define STOP_JOBS 200
#define STOP_JOB_SIZE (32 * 1024)

/* print_queue_stop returns after the job being written, leaving the jobs
 * behind it waiting for the next start. */
static void stop_leaves_waiting_jobs(void **state)
{
	struct queue_fixture *f = *state;
	static char text[STOP_JOB_SIZE + 1];
	int64_t counts[PRINT_STATE_COUNT];
	struct timespec start;
	struct timespec end;
	struct event event;
	long stop_ms;

	memset(text, 'x', STOP_JOB_SIZE);
	memcpy(text, "SLOW-JOB\n", 9);
	for (int i = 0; i < STOP_JOBS; i++)
		add_job(f->journal->journal, text, PRINT_KIND_REPORT);
	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINT_JOB, &event));
	assert_int_equal(event.status, PRINT_DONE);

	clock_gettime(CLOCK_MONOTONIC, &start);
	print_queue_stop(f->queue);
	clock_gettime(CLOCK_MONOTONIC, &end);
	print_queue_free(f->queue);
	f->queue = NULL;
	stop_ms = (end.tv_sec - start.tv_sec) * 1000 +
		  (end.tv_nsec - start.tv_nsec) / 1000000;

	assert_true(stop_ms < 2000);
	assert_int_equal(journal_print_count(f->journal->journal, counts),
			 JOURNAL_OK);
	assert_true(counts[PRINT_WAITING] > 0);
	assert_int_equal(counts[PRINT_PRINTING], 0);
	assert_int_equal(counts[PRINT_WAITING] + counts[PRINT_DONE],
			 STOP_JOBS);
}

/* print_queue_offer_held asks again, as after a login. */
static void offer_repeated_on_request(void **state)
{
	struct queue_fixture *f = *state;
	struct print_job job;
	unsigned char *data = NULL;
	struct event event;

	add_job(f->journal->journal, "JOB-THREE\n", PRINT_KIND_COPY);
	assert_int_equal(journal_print_take(f->journal->journal, time(NULL),
					    &job, &data),
			 JOURNAL_OK);
	free(data);
	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINT_HELD, &event));
	print_queue_offer_held(f->queue);
	assert_true(wait_event(f, EVENT_PRINT_HELD, &event));
	assert_int_equal(event.status, 1);
	assert_int_equal(count_in_file(f->printed, "JOB-THREE"), 0);
}

/* The model key is not written for a file printer, which has none. */
static void file_printer_stores_no_model(void **state)
{
	struct queue_fixture *f = *state;
	struct event event;
	char model[64];

	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINTER, &event));
	assert_int_equal(journal_get_meta(f->journal->journal,
					  PRINT_QUEUE_MODEL_KEY, model,
					  sizeof(model)),
			 JOURNAL_ENOTFOUND);
}

static void start_rejects_bad_device(void **state)
{
	struct queue_fixture *f = *state;
	char error[256] = "";

	snprintf(f->config.printer, sizeof(f->config.printer),
		 "file:%s/missing-folder/out.bin", f->journal->dir);
	assert_int_equal(print_queue_start(&f->config, NULL, f->events,
					   &f->queue, error, sizeof(error)),
			 -1);
	assert_null(f->queue);
	assert_non_null(strstr(error, "[printer] device"));
}

/* A drawer pulse taken later than PRINT_QUEUE_DRAWER_WAIT_SECONDS after
 * it was made fails instead of being sent. */
static void late_drawer_fails_at_take(void **state)
{
	struct queue_fixture *f = *state;
	int64_t created = (int64_t)time(NULL) -
			  PRINT_QUEUE_DRAWER_WAIT_SECONDS - 5;
	const char pulse[] = "LATE-PULSE";
	struct print_job job;
	struct event event;
	int64_t id = 0;

	/* Added after the start, since recovery fails a waiting pulse. */
	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINTER, &event));
	assert_int_equal(journal_print_add(f->journal->journal, NULL,
					   PRINT_KIND_DRAWER,
					   (const unsigned char *)pulse,
					   strlen(pulse), -1, created, &id),
			 JOURNAL_OK);
	print_queue_kick(f->queue);
	assert_true(wait_event(f, EVENT_PRINT_JOB, &event));
	assert_int_equal(event.status, PRINT_FAILED);
	assert_string_equal(event.id, "drawer");
	assert_non_null(strstr(event.text, "Cash drawer not opened"));
	assert_int_equal(journal_print_get(f->journal->journal, id, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_FAILED);
	assert_int_equal(count_in_file(f->printed, pulse), 0);
}

/* A drawer pulse that recovery fails at start is shown once a login
 * requests the held jobs offer again. */
static void recovered_drawer_shown_after_login(void **state)
{
	struct queue_fixture *f = *state;
	struct event event;

	add_job(f->journal->journal, "STOPPED-PULSE", PRINT_KIND_DRAWER);
	start_queue(f);
	assert_true(wait_event(f, EVENT_PRINTER, &event));
	print_queue_offer_held(f->queue);
	assert_true(wait_event(f, EVENT_PRINT_JOB, &event));
	assert_int_equal(event.status, PRINT_FAILED);
	assert_string_equal(event.id, "drawer");
	assert_non_null(strstr(event.text, "Cash drawer not opened"));
	assert_int_equal(count_in_file(f->printed, "STOPPED-PULSE"), 0);
}

/* A struct app with just what app.c's print functions use: the
 * fixture's journal, its file printer, a ready printer, no worker. */
static struct app *make_app(struct queue_fixture *f)
{
	static struct app app;

	memset(&app, 0, sizeof(app));
	app.config = f->config;
	app.journal = f->journal->journal;
	app.status.printer = PRINTER_STATE_READY;
	return &app;
}

/* Insert a cash-in of GHS 10.00 created now; accepted when accept. */
static void insert_cash_in(struct journal *journal, char id[JOURNAL_ID_SIZE],
			   bool accept)
{
	struct cash_in in = { .currency = "GHS", .amount = 1000 };
	struct operation op = { 0 };
	int64_t now = (int64_t)time(NULL);

	snprintf(in.receiver, sizeof(in.receiver), "233200000001");
	assert_int_equal(uuid_generate(op.id), 0);
	strcpy(op.type, API_TYPE_CASH_IN);
	strcpy(op.agent_id, "agent-0042");
	strcpy(op.currency, "GHS");
	op.amount = 1000;
	assert_int_equal(api_cash_in_encode(&in, op.payload,
					    sizeof(op.payload)),
			 0);
	op.created_at = now;
	op.updated_at = now;
	op.next_attempt_at = now;
	assert_int_equal(journal_insert(journal, &op), JOURNAL_OK);
	if (accept)
		assert_int_equal(journal_mark_accepted(journal, op.id, "REF-9",
						       now),
				 JOURNAL_OK);
	memcpy(id, op.id, JOURNAL_ID_SIZE);
}

/* Releasing a held report or test page that may have printed ends it
 * instead of printing it again, and the message says so without calling
 * it a receipt; a held report not taken is released as it is. */
static void release_ends_taken_report(void **state)
{
	struct queue_fixture *f = *state;
	struct journal *journal = f->journal->journal;
	struct app *app = make_app(f);
	int64_t ids[3];
	const enum print_kind kinds[3] = { PRINT_KIND_REPORT, PRINT_KIND_TEST,
					   PRINT_KIND_REPORT };
	const bool taken[3] = { true, true, false };
	char message[160] = "";
	struct print_job job;

	for (int i = 0; i < 3; i++) {
		unsigned char *data = NULL;

		ids[i] = add_job(journal, "HELD-JOB\n", kinds[i]);
		assert_int_equal(journal_print_take(journal, time(NULL), &job,
						    &data),
				 JOURNAL_OK);
		free(data);
		if (taken[i])
			assert_int_equal(journal_print_mark_taken(journal,
								  job.id,
								  time(NULL)),
					 JOURNAL_OK);
		assert_int_equal(journal_print_finish(journal, job.id,
						      PRINT_HELD,
						      "out of paper",
						      time(NULL)),
				 JOURNAL_OK);
	}
	assert_int_equal(app_print_release(app, message, sizeof(message)), 1);
	assert_non_null(strstr(message, "2 reports may have printed"));
	assert_null(strstr(message, "eceipt"));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(journal_print_get(journal, ids[i], &job),
				 JOURNAL_OK);
		assert_int_equal(job.state,
				 taken[i] ? PRINT_DONE : PRINT_WAITING);
		if (taken[i])
			assert_string_equal(job.last_error,
					    "may have printed; print a copy "
					    "from the report screen");
	}
}

/* A copy asked for while a receipt, notice or copy job of the operation
 * waits makes no new job and says one is already waiting. */
static void copy_not_doubled(void **state)
{
	struct queue_fixture *f = *state;
	struct journal *journal = f->journal->journal;
	struct app *app = make_app(f);
	const enum print_kind kinds[] = { PRINT_KIND_RECEIPT,
					  PRINT_KIND_NOTICE, PRINT_KIND_COPY };
	struct print_job jobs[4];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char id[JOURNAL_ID_SIZE];
		char message[160] = "";

		insert_cash_in(journal, id, false);
		assert_int_equal(journal_print_add(journal, id, kinds[i],
						   (const unsigned char *)"R",
						   1, -1, time(NULL), NULL),
				 JOURNAL_OK);
		assert_int_equal(app_print_receipt(app, id, true, message,
						   sizeof(message)),
				 0);
		assert_string_equal(message, "A receipt is already waiting "
					     "for the printer");
		assert_int_equal(journal_print_list_operation(journal, id,
							      jobs, 4),
				 1);
	}
}

/* A drawer pulse is due only for an operation the agent journaled at
 * this terminal's screens in this run. */
static void drawer_only_for_own_operations(void **state)
{
	struct queue_fixture *f = *state;
	struct app *app = make_app(f);
	struct operation op;
	char id[JOURNAL_ID_SIZE];

	app->config.drawer = CONFIG_DRAWER_PIN2;
	insert_cash_in(f->journal->journal, id, true);
	assert_int_equal(journal_get(f->journal->journal, id, &op),
			 JOURNAL_OK);
	assert_false(app_own_operation(app, id));
	assert_false(app_print_drawer_due(app, &op, op.created_at + 1));
	app_note_own_operation(app, id);
	assert_true(app_own_operation(app, id));
	assert_true(app_print_drawer_due(app, &op, op.created_at + 1));

	/* Forgotten once APP_OWN_OPERATIONS_MAX newer ones are noted. */
	for (int i = 0; i < APP_OWN_OPERATIONS_MAX; i++) {
		char other[JOURNAL_ID_SIZE];

		assert_int_equal(uuid_generate(other), 0);
		app_note_own_operation(app, other);
	}
	assert_false(app_own_operation(app, id));
}

/* Not-printed messages name the state in words, never "ready". */
static void state_words_table(void **state)
{
	static const struct {
		enum printer_state state;
		const char *words;
	} cases[] = {
		{ PRINTER_STATE_PAPER_OUT, "out of paper" },
		{ PRINTER_STATE_COVER_OPEN, "cover open" },
		{ PRINTER_STATE_OFFLINE, "offline" },
		{ PRINTER_STATE_ERROR, "in error" },
		{ PRINTER_STATE_DISCONNECTED, "unplugged" },
	};
	struct queue_fixture *f = *state;
	struct app *app = make_app(f);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char message[80];
		char expected[80];

		assert_string_equal(print_queue_state_words(cases[i].state),
				    cases[i].words);
		app->status.printer = cases[i].state;
		app_print_outcome(app, "Receipt", message, sizeof(message));
		snprintf(expected, sizeof(expected),
			 "Receipt waiting for the printer: %s", cases[i].words);
		assert_string_equal(message, expected);
		assert_true(strlen("Receipt held: ") +
				    strlen(cases[i].words) <= 40);
	}
}

#define QUEUE_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		QUEUE_TEST(stop_leaves_waiting_jobs),
		QUEUE_TEST(worker_polls_for_new_jobs),
		QUEUE_TEST(worker_prints_waiting_once),
		QUEUE_TEST(stopped_job_held_and_offered),
		QUEUE_TEST(offer_repeated_on_request),
		QUEUE_TEST(file_printer_stores_no_model),
		QUEUE_TEST(start_rejects_bad_device),
		QUEUE_TEST(late_drawer_fails_at_take),
		QUEUE_TEST(recovered_drawer_shown_after_login),
		QUEUE_TEST(release_ends_taken_report),
		QUEUE_TEST(copy_not_doubled),
		QUEUE_TEST(drawer_only_for_own_operations),
		QUEUE_TEST(state_words_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
