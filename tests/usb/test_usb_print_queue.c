/* Print worker tests: journal print jobs through the real print queue,
 * printer driver and USB layer to a printer emulated under umockdev,
 * held on paper out or unplug and printed once when released. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../app/config.h"
#include "../../app/event.h"
#include "../../app/print_queue.h"
#include "../../drivers/escpos.h"
#include "../../drivers/printer.h"
#include "../../drivers/usb.h"
#include "../../offline/journal.h"
#include "printer_fixture.h"
#include "usb_fixture.h"

/* Longer than the worker's status poll (PRINT_QUEUE_BUSY_POLL_MS), so a
 * change of printer state is seen within it. */
#define EVENT_WAIT_MS (PRINT_QUEUE_BUSY_POLL_MS + 2000)

struct fixture {
	char dir[64];
	struct config config;
	struct mock_bed *bed;
	struct mock_printer *epson;
	struct usb_context *usb;
	struct event_channel *events;
	struct journal *journal;   /* the test's own connection */
	struct print_queue *queue;
	struct operation op;
	struct receipt receipt;
	struct escpos_buf job;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char error[256];

	if (!f)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/spotagent-usb-queue-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->config.journal_path, sizeof(f->config.journal_path),
		 "%s/journal.db", f->dir);
	snprintf(f->config.printer, sizeof(f->config.printer),
		 "usb:04b8:0e15");
	snprintf(f->config.printer_profile,
		 sizeof(f->config.printer_profile), "auto");
	f->config.paper_columns = 48;

	f->bed = mock_bed_new();
	if (!f->bed)
		return -1;
	f->epson = mock_bed_add(f->bed, &mock_epson_tm_t20ii, EPSON_ADDRESS);
	if (!f->epson || usb_context_open(&f->usb) != USB_OK)
		return -1;
	if (event_channel_open(&f->events) != 0)
		return -1;
	if (journal_open(f->config.journal_path, &f->journal) != JOURNAL_OK)
		return -1;

	if (receipt_job_operation(&f->op) != 0 ||
	    journal_insert(f->journal, &f->op) != JOURNAL_OK)
		return -1;
	if (receipt_job_build(&f->op, escpos_profile_find("Epson TM-T20II"),
			      &f->receipt, &f->job) != 0)
		return -1;

	if (print_queue_start(&f->config, f->usb, f->events, &f->queue,
			      error, sizeof(error)) != 0) {
		print_error("print queue: %s\n", error);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];

	print_queue_stop(f->queue);
	usb_context_close(f->usb);
	print_queue_free(f->queue);
	mock_bed_free(f->bed);
	journal_close(f->journal);
	event_channel_close(f->events);
	escpos_free(&f->job);

	snprintf(path, sizeof(path), "%s/journal.db", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/journal.db-wal", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/journal.db-shm", f->dir);
	unlink(path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t add_receipt_job(struct fixture *f)
{
	int64_t id = 0;

	assert_int_equal(journal_print_add(f->journal, f->op.id,
					   PRINT_KIND_RECEIPT, f->job.data,
					   f->job.len, -1, (int64_t)time(NULL),
					   &id),
			 JOURNAL_OK);
	print_queue_kick(f->queue);
	return id;
}

static void assert_job_state(struct fixture *f, int64_t id,
			     enum print_state state, int attempts)
{
	struct print_job job;

	assert_int_equal(journal_print_get(f->journal, id, &job), JOURNAL_OK);
	assert_int_equal(job.state, state);
	assert_int_equal(job.attempts, attempts);
}

/* Assert that job id is recorded as taken: the printer took some of its
 * bytes, so it may have printed and must come out again as a copy. */
static void assert_job_taken(struct fixture *f, int64_t id)
{
	struct print_job job;

	assert_int_equal(journal_print_get(f->journal, id, &job), JOURNAL_OK);
	assert_true(job.taken);
}

/* Release the held jobs as the agent does when offered, and wait for the
 * receipt to print. */
static void release_and_print(struct fixture *f, int64_t id)
{
	struct event event;
	int released = 0;

	assert_true(usb_fixture_wait_event(f->events, EVENT_PRINT_HELD, 1,
					   EVENT_WAIT_MS, &event));
	mock_printer_clear(f->epson);
	assert_int_equal(journal_print_release(f->journal,
					       (int64_t)time(NULL),
					       &released),
			 JOURNAL_OK);
	assert_int_equal(released, 1);
	print_queue_kick(f->queue);
	assert_true(usb_fixture_wait_event(f->events, EVENT_PRINT_JOB,
					   PRINT_DONE, EVENT_WAIT_MS, &event));
	assert_string_equal(event.id, f->op.id);
	assert_job_state(f, id, PRINT_DONE, 2);
	printer_fixture_assert_printed(f->epson, &f->job);
}

static void test_queue_prints_receipt(void **state)
{
	struct fixture *f = *state;
	struct event event;
	int64_t id = add_receipt_job(f);

	assert_true(usb_fixture_wait_event(f->events, EVENT_PRINT_JOB,
					   PRINT_DONE, EVENT_WAIT_MS, &event));
	assert_string_equal(event.id, f->op.id);
	assert_job_state(f, id, PRINT_DONE, 1);
	printer_fixture_assert_printed(f->epson, &f->job);
}

static void test_queue_paper_out_held(void **state)
{
	struct fixture *f = *state;
	struct event event;
	int64_t id;

	/* Paper runs out 100 bytes into the receipt. */
	mock_printer_paper_out_after(f->epson, 100);
	id = add_receipt_job(f);
	assert_true(usb_fixture_wait_event(f->events, EVENT_PRINT_JOB,
					   PRINT_HELD, EVENT_WAIT_MS, &event));
	assert_string_equal(event.id, f->op.id);
	assert_string_equal(event.text, "Receipt held: out of paper");
	assert_job_state(f, id, PRINT_HELD, 1);
	assert_job_taken(f, id);
	assert_true(usb_fixture_wait_event(f->events, EVENT_PRINTER,
					   PRINTER_STATE_PAPER_OUT,
					   EVENT_WAIT_MS, NULL));

	/* Paper loaded: the worker offers the held receipt, the agent
	 * accepts, and it prints once. */
	mock_printer_set_condition(f->epson, MOCK_READY);
	release_and_print(f, id);
}

static void test_queue_unplug_held(void **state)
{
	struct fixture *f = *state;
	struct event event;
	int64_t id;

	/* The printer stops taking data partway through the receipt and
	 * is pulled out while the rest waits. */
	mock_printer_stall_after(f->epson, STATUS_ROUND_BYTES + 200);
	id = add_receipt_job(f);
	assert_true(mock_printer_wait_wire(f->epson, STATUS_ROUND_BYTES + 200,
					   EVENT_WAIT_MS));
	mock_printer_unplug(f->epson);
	assert_true(usb_fixture_wait_event(f->events, EVENT_PRINT_JOB,
					   PRINT_HELD, EVENT_WAIT_MS, &event));
	assert_string_equal(event.id, f->op.id);
	assert_job_state(f, id, PRINT_HELD, 1);
	assert_job_taken(f, id);
	assert_true(usb_fixture_wait_event(f->events, EVENT_PRINTER,
					   PRINTER_STATE_DISCONNECTED,
					   EVENT_WAIT_MS, NULL));

	/* Plugged back: the hotplug arrival leads to the offer. */
	mock_printer_resume(f->epson);
	mock_printer_plug(f->epson);
	release_and_print(f, id);
	assert_int_equal(mock_printer_detach_count(f->epson), 2);
}

#define QUEUE_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		QUEUE_TEST(test_queue_prints_receipt),
		QUEUE_TEST(test_queue_paper_out_held),
		QUEUE_TEST(test_queue_unplug_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
