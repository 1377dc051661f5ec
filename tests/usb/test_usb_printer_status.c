/* USB printer tests of status queries, write timeouts, endpoint stalls
 * and paper running out mid-job, against printers emulated under
 * umockdev (printer_fixture.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>

#include "printer_fixture.h"

/* --- Status --- */

struct status_case {
	enum mock_condition condition;
	bool drawer_open;
	enum printer_state state;
	bool paper_low;
};

static const struct status_case status_cases[] = {
	{MOCK_READY, false, PRINTER_STATE_READY, false},
	{MOCK_READY, true, PRINTER_STATE_READY, false},
	{MOCK_PAPER_LOW, false, PRINTER_STATE_PAPER_LOW, true},
	{MOCK_PAPER_OUT, false, PRINTER_STATE_PAPER_OUT, true},
	{MOCK_COVER_OPEN, false, PRINTER_STATE_COVER_OPEN, false},
	{MOCK_OFFLINE, false, PRINTER_STATE_OFFLINE, false},
	{MOCK_ERROR, false, PRINTER_STATE_ERROR, false},
};

static void test_status_each_condition(void **state)
{
	struct printer_fixture *f = *state;
	size_t i;

	printer_fixture_open(f, EPSON_SPEC);
	for (i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]);
	     i++) {
		const struct status_case *c = &status_cases[i];
		struct printer_status status;
		unsigned char raw[4];

		mock_condition_replies(c->condition, raw);
		if (c->drawer_open)
			raw[0] |= 0x04;
		mock_printer_set_condition(f->epson, c->condition);
		mock_printer_set_drawer_open(f->epson, c->drawer_open);
		print_message("case %zu: %s\n", i,
			      printer_state_name(c->state));

		assert_int_equal(printer_query_status(f->printer, &status),
				 PRINTER_OK);
		assert_int_equal(status.state, c->state);
		assert_int_equal(status.paper_low, c->paper_low);
		assert_int_equal(status.drawer_open, c->drawer_open);
		assert_memory_equal(status.raw, raw, 4);
		assert_int_equal(printer_get_state(f->printer), c->state);
		/* One query each of DLE EOT 1, 2, 3 and 4 per round. */
		assert_int_equal(mock_printer_query_count(f->epson),
				 4 * (int)(i + 1));
	}
}

static void test_status_malformed_reply(void **state)
{
	struct printer_fixture *f = *state;
	const unsigned char garbage[4] = {0xff, 0x00, 0x12, 0x12};
	struct printer_status status;

	printer_fixture_open(f, EPSON_SPEC);
	mock_printer_set_replies(f->epson, garbage);
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);

	mock_printer_set_condition(f->epson, MOCK_READY);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
}

static void test_job_not_sent_when_not_ready(void **state)
{
	struct printer_fixture *f = *state;
	struct escpos_buf job;

	printer_fixture_build_text_job(&job, 600);
	printer_fixture_open(f, EPSON_SPEC);
	mock_printer_set_condition(f->epson, MOCK_COVER_OPEN);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ENOTREADY);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_COVER_OPEN);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 0);
	escpos_free(&job);
}

/* An earlier round's replies, held back by the printer, arrive with the
 * next round's first query and must not be taken for its reply. */
static void test_late_reply_with_next_query(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;
	const unsigned char ready[4] = {0x12, 0x12, 0x12, 0x12};
	int64_t start;

	printer_fixture_open(f, EPSON_SPEC);
	mock_printer_set_condition(f->epson, MOCK_COVER_OPEN);
	mock_printer_set_late(f->epson, true);
	start = printer_fixture_now_ms();
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_true(printer_fixture_now_ms() - start <
		    4 * PRINTER_STATUS_TIMEOUT_MS + 500);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);

	mock_printer_set_condition(f->epson, MOCK_READY);
	mock_printer_set_late(f->epson, false);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_memory_equal(status.raw, ready, 4);

	/* And the round after reads its own replies again. */
	mock_printer_set_condition(f->epson, MOCK_PAPER_LOW);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_PAPER_LOW);
}

/* The late replies are already waiting on bulk IN before the next round
 * starts: they are drained, not read as the reply. */
static void test_late_reply_waiting(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;

	printer_fixture_open(f, EPSON_SPEC);
	mock_printer_set_condition(f->epson, MOCK_PAPER_OUT);
	mock_printer_set_late(f->epson, true);
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);

	mock_printer_set_condition(f->epson, MOCK_READY);
	mock_printer_release_late(f->epson);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
}

/* A run of zero-length packets before a reply: the reply read is bounded
 * by its timeout, not by a count of reads that a fast run of empty
 * packets uses up in a few milliseconds. */
static void test_status_after_zero_packets(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;
	int64_t start;

	printer_fixture_open(f, EPSON_SPEC);
	mock_printer_set_condition(f->epson, MOCK_PAPER_LOW);
	mock_printer_zero_packets(f->epson, 60);
	start = printer_fixture_now_ms();
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_true(printer_fixture_now_ms() - start <
		    PRINTER_STATUS_TIMEOUT_MS);
	assert_int_equal(status.state, PRINTER_STATE_PAPER_LOW);
	assert_int_equal(mock_printer_query_count(f->epson), 4);
}

/* --- Write timeout --- */

static void check_write_timeout(struct printer_fixture *f, int timeout_ms)
{
	struct escpos_buf job;
	struct escpos_buf next;
	int64_t start;
	int64_t elapsed;

	printer_fixture_build_text_job(&job, 2000);
	printer_fixture_build_text_job(&next, 300);
	printer_fixture_open(f, EPSON_SPEC);
	if (timeout_ms != PRINTER_WRITE_TIMEOUT_MS)
		printer_set_timeouts(f->printer, timeout_ms, 0);

	/* Take the status round before the job and 64 bytes of the job,
	 * then nothing more. */
	mock_printer_stall_after(f->epson, STATUS_ROUND_BYTES + 64);
	start = printer_fixture_now_ms();
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ETIMEOUT);
	elapsed = printer_fixture_now_ms() - start;
	print_message("write timed out after %lld ms\n", (long long)elapsed);
	assert_true(elapsed >= timeout_ms - 50);
	assert_true(elapsed < timeout_ms + 1500);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_OFFLINE);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 64);

	/* The printer takes data again: the next job goes out whole and
	 * nothing of the held one follows it. */
	mock_printer_resume(f->epson);
	mock_printer_clear(f->epson);
	assert_int_equal(printer_write_job(f->printer, next.data, next.len),
			 PRINTER_OK);
	printer_fixture_assert_printed(f->epson, &next);
	escpos_free(&job);
	escpos_free(&next);
}

static void test_write_timeout_short(void **state)
{
	check_write_timeout(*state, 400);
}

static void test_write_timeout_default(void **state)
{
	check_write_timeout(*state, PRINTER_WRITE_TIMEOUT_MS);
}

/* --- Endpoint stalls --- */

static void test_write_stall_cleared(void **state)
{
	struct printer_fixture *f = *state;
	struct escpos_buf job;

	printer_fixture_build_text_job(&job, 500);
	printer_fixture_open(f, EPSON_SPEC);
	/* Bulk OUT stalls 100 bytes into the job. */
	mock_printer_halt_out_after(f->epson, STATUS_ROUND_BYTES + 100);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_EWRITE);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_ERROR);
	assert_int_equal(mock_printer_halt_clears(f->epson), 1);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 100);

	/* The halt was cleared, so the next try prints the job whole. */
	mock_printer_clear(f->epson);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	printer_fixture_assert_printed(f->epson, &job);
	escpos_free(&job);
}

static void test_status_stall_cleared(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;

	printer_fixture_open(f, EPSON_SPEC);
	mock_printer_halt_in(f->epson);
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);
	assert_int_equal(mock_printer_halt_clears(f->epson), 1);

	mock_printer_set_condition(f->epson, MOCK_PAPER_LOW);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_PAPER_LOW);
}

/* --- Paper out mid-job --- */

static void test_paper_out_mid_job(void **state)
{
	struct printer_fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("Epson TM-T20II");
	struct receipt receipt;
	struct escpos_buf job;

	printer_fixture_build_receipt(profile, &receipt, &job);
	printer_fixture_open(f, EPSON_SPEC);
	mock_printer_paper_out_after(f->epson, 100);

	/* The printer took the job but ran out of paper: not done. */
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ENOTREADY);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_PAPER_OUT);

	/* Kept: a retry while the paper is out sends nothing. */
	mock_printer_clear(f->epson);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ENOTREADY);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 0);

	/* Paper loaded: the kept job prints once, whole. */
	mock_printer_set_condition(f->epson, MOCK_READY);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_READY);
	printer_fixture_assert_printed(f->epson, &job);
	printer_fixture_assert_reads_receipt(f->epson, profile, &receipt);
	escpos_free(&job);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_status_each_condition),
		FIXTURE_TEST(test_status_malformed_reply),
		FIXTURE_TEST(test_job_not_sent_when_not_ready),
		FIXTURE_TEST(test_late_reply_with_next_query),
		FIXTURE_TEST(test_late_reply_waiting),
		FIXTURE_TEST(test_status_after_zero_packets),
		FIXTURE_TEST(test_write_timeout_short),
		FIXTURE_TEST(test_write_timeout_default),
		FIXTURE_TEST(test_write_stall_cleared),
		FIXTURE_TEST(test_status_stall_cleared),
		FIXTURE_TEST(test_paper_out_mid_job),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
