/* Unit tests of the print worker (app/print_queue.c) with a file printer
 * and a journal in a fresh directory under /tmp: jobs printed once, a job
 * left printing by a stop held and offered, and the offer's release. */
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

#include "../../app/config.h"
#include "../../app/event.h"
#include "../../app/print_queue.h"
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
