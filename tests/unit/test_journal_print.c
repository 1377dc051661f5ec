/* Unit tests for the print jobs of offline/journal_print.c against real
 * SQLite files in a fresh directory under /tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../app/uuid.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

static const unsigned char sample[] = { 0x1b, '@', 'h', 'i', '\n' };

static int setup(void **state)
{
	return journal_fixture_setup(state, "journal_print");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* Insert an operation created at created_at, accepted when accept. */
static void insert_op(struct journal *journal, char id[JOURNAL_ID_SIZE],
		      int64_t created_at, bool accept)
{
	struct operation op = { 0 };

	assert_int_equal(uuid_generate(op.id), 0);
	strcpy(op.type, "cash_in");
	strcpy(op.agent_id, "agent-0042");
	strcpy(op.currency, "GHS");
	op.amount = 1000;
	strcpy(op.payload, "{}");
	op.created_at = created_at;
	op.updated_at = created_at;
	op.next_attempt_at = created_at;
	assert_int_equal(journal_insert(journal, &op), JOURNAL_OK);
	if (accept)
		assert_int_equal(journal_mark_accepted(journal, op.id, "REF-1",
						       created_at),
				 JOURNAL_OK);
	memcpy(id, op.id, JOURNAL_ID_SIZE);
}

static int64_t add_job(struct journal *journal, const char *operation_id,
		       enum print_kind kind, int64_t now)
{
	int64_t id = 0;

	assert_int_equal(journal_print_add(journal, operation_id, kind, sample,
					   sizeof(sample), -1, now, &id),
			 JOURNAL_OK);
	return id;
}

static void add_marks_operation(void **state)
{
	struct journal_fixture *f = *state;
	struct operation unprinted[2];
	struct print_job job;
	char id[JOURNAL_ID_SIZE];
	int64_t job_id = 0;

	insert_op(f->journal, id, 100, true);
	assert_int_equal(journal_list_unprinted(f->journal, unprinted, 2), 1);
	assert_int_equal(journal_print_add(f->journal, id, PRINT_KIND_RECEIPT,
					   sample, sizeof(sample),
					   OP_ACCEPTED, 110, &job_id),
			 JOURNAL_OK);
	assert_int_equal(journal_list_unprinted(f->journal, unprinted, 2), 0);
	assert_int_equal(journal_print_get(f->journal, job_id, &job),
			 JOURNAL_OK);
	assert_string_equal(job.operation_id, id);
	assert_int_equal(job.kind, PRINT_KIND_RECEIPT);
	assert_int_equal(job.state, PRINT_WAITING);
	assert_int_equal(job.created_at, 110);
	assert_int_equal(job.attempts, 0);
	assert_int_equal(job.size, sizeof(sample));
}

/* A second job for the same printed state is refused, so a receipt is
 * never made twice; a state that does not match is refused too. */
static void add_refuses_second_mark(void **state)
{
	struct journal_fixture *f = *state;
	int64_t counts[PRINT_STATE_COUNT];
	char id[JOURNAL_ID_SIZE];
	char queued[JOURNAL_ID_SIZE];

	insert_op(f->journal, id, 100, true);
	insert_op(f->journal, queued, 100, false);
	assert_int_equal(journal_print_add(f->journal, id, PRINT_KIND_RECEIPT,
					   sample, sizeof(sample),
					   OP_ACCEPTED, 110, NULL),
			 JOURNAL_OK);
	assert_int_equal(journal_print_add(f->journal, id, PRINT_KIND_RECEIPT,
					   sample, sizeof(sample),
					   OP_ACCEPTED, 111, NULL),
			 JOURNAL_ESTATE);
	assert_int_equal(journal_print_add(f->journal, id, PRINT_KIND_NOTICE,
					   sample, sizeof(sample),
					   OP_REJECTED, 111, NULL),
			 JOURNAL_ESTATE);
	assert_int_equal(journal_print_add(f->journal, queued,
					   PRINT_KIND_RECEIPT, sample,
					   sizeof(sample), OP_ACCEPTED, 111,
					   NULL),
			 JOURNAL_ESTATE);
	assert_int_equal(journal_print_count(f->journal, counts), JOURNAL_OK);
	assert_int_equal(counts[PRINT_WAITING], 1);
}

static void add_invalid_table(void **state)
{
	struct journal_fixture *f = *state;
	static unsigned char big[JOURNAL_PRINT_DATA_MAX + 1];
	char id[JOURNAL_ID_SIZE];
	const struct {
		const char *operation_id; /* "op" for the test's operation */
		int kind;
		const unsigned char *data;
		size_t len;
		int mark;
		int expected;
	} cases[] = {
		{ NULL, PRINT_KIND_REPORT, sample, 0, -1, JOURNAL_EINVAL },
		{ NULL, PRINT_KIND_REPORT, NULL, 5, -1, JOURNAL_EINVAL },
		{ NULL, PRINT_KIND_REPORT, big, sizeof(big), -1,
		  JOURNAL_EINVAL },
		{ NULL, PRINT_KIND_COUNT, sample, 5, -1, JOURNAL_EINVAL },
		{ NULL, PRINT_KIND_RECEIPT, sample, 5, OP_ACCEPTED,
		  JOURNAL_EINVAL },
		{ "op", PRINT_KIND_RECEIPT, sample, 5, OP_QUEUED,
		  JOURNAL_EINVAL },
		{ "1b4e28ba-2fa1-11d2-883f-0016d3cca427", PRINT_KIND_COPY,
		  sample, 5, -1, JOURNAL_ENOTFOUND },
		{ "", PRINT_KIND_TEST, sample, 5, -1, JOURNAL_OK },
		{ "op", PRINT_KIND_COPY, sample, 5, -1, JOURNAL_OK },
	};
	int64_t counts[PRINT_STATE_COUNT];

	insert_op(f->journal, id, 100, true);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *op = cases[i].operation_id;

		if (op != NULL && strcmp(op, "op") == 0)
			op = id;
		assert_int_equal(journal_print_add(f->journal, op,
						   (enum print_kind)cases[i]
							   .kind,
						   cases[i].data, cases[i].len,
						   cases[i].mark, 100, NULL),
				 cases[i].expected);
	}
	assert_int_equal(journal_print_count(f->journal, counts), JOURNAL_OK);
	assert_int_equal(counts[PRINT_WAITING], 2);
}

/* Jobs are taken oldest first, with their bytes, and finish done (bytes
 * dropped, row kept), held or failed. */
static void take_oldest_first(void **state)
{
	struct journal_fixture *f = *state;
	int64_t first = add_job(f->journal, NULL, PRINT_KIND_REPORT, 100);
	int64_t second = add_job(f->journal, NULL, PRINT_KIND_TEST, 90);
	struct print_job job;
	unsigned char *data = NULL;
	char text[32];

	assert_int_equal(journal_print_take(f->journal, 120, &job, &data),
			 JOURNAL_OK);
	assert_int_equal(job.id, first);
	assert_int_equal(job.state, PRINT_PRINTING);
	assert_int_equal(job.attempts, 1);
	assert_int_equal(job.size, sizeof(sample));
	assert_memory_equal(data, sample, sizeof(sample));
	free(data);
	assert_int_equal(journal_print_finish(f->journal, first, PRINT_DONE,
					      NULL, 121),
			 JOURNAL_OK);
	assert_int_equal(journal_print_get(f->journal, first, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_DONE);
	assert_int_equal(job.size, 0);
	journal_fixture_query(
		f->path, "SELECT count(*) FROM print_jobs WHERE data IS NULL",
		NULL, text, sizeof(text));
	assert_string_equal(text, "1");

	assert_int_equal(journal_print_take(f->journal, 122, &job, &data),
			 JOURNAL_OK);
	free(data);
	assert_int_equal(job.id, second);
	assert_int_equal(journal_print_take(f->journal, 123, &job, &data),
			 JOURNAL_ENOTFOUND);
	assert_null(data);
}

static void finish_checks_state(void **state)
{
	struct journal_fixture *f = *state;
	int64_t id = add_job(f->journal, NULL, PRINT_KIND_REPORT, 100);
	struct print_job job;
	unsigned char *data = NULL;

	assert_int_equal(journal_print_finish(f->journal, id, PRINT_DONE, NULL,
					      101),
			 JOURNAL_ESTATE);
	assert_int_equal(journal_print_finish(f->journal, id + 99, PRINT_DONE,
					      NULL, 101),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_print_take(f->journal, 102, &job, &data),
			 JOURNAL_OK);
	free(data);
	assert_int_equal(journal_print_finish(f->journal, id, PRINT_WAITING,
					      "x", 103),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_print_finish(f->journal, id, PRINT_HELD,
					      NULL, 103),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_print_finish(f->journal, id, PRINT_HELD,
					      "Paper out", 103),
			 JOURNAL_OK);
	assert_int_equal(journal_print_get(f->journal, id, &job), JOURNAL_OK);
	assert_int_equal(job.state, PRINT_HELD);
	assert_string_equal(job.last_error, "Paper out");
	assert_int_equal(job.size, sizeof(sample));
}

/* Held jobs are released once, and print once more with their bytes. */
static void release_held_once(void **state)
{
	struct journal_fixture *f = *state;
	int64_t id = add_job(f->journal, NULL, PRINT_KIND_REPORT, 100);
	int64_t counts[PRINT_STATE_COUNT];
	struct print_job job;
	unsigned char *data = NULL;
	int released = -1;

	assert_int_equal(journal_print_take(f->journal, 101, &job, &data),
			 JOURNAL_OK);
	free(data);
	assert_int_equal(journal_print_finish(f->journal, id, PRINT_HELD,
					      "Cover open", 102),
			 JOURNAL_OK);
	assert_int_equal(journal_print_release(f->journal, 103, &released),
			 JOURNAL_OK);
	assert_int_equal(released, 1);
	assert_int_equal(journal_print_release(f->journal, 104, &released),
			 JOURNAL_OK);
	assert_int_equal(released, 0);
	assert_int_equal(journal_print_take(f->journal, 105, &job, &data),
			 JOURNAL_OK);
	assert_memory_equal(data, sample, sizeof(sample));
	free(data);
	assert_int_equal(job.attempts, 2);
	assert_string_equal(job.last_error, "");
	assert_int_equal(journal_print_count(f->journal, counts), JOURNAL_OK);
	assert_int_equal(counts[PRINT_PRINTING], 1);
	assert_int_equal(counts[PRINT_HELD], 0);
}

/* Waiting jobs up to a time are held, drawer pulses fail instead, and
 * newer jobs keep waiting. */
static void hold_waiting_table(void **state)
{
	struct journal_fixture *f = *state;
	const struct {
		enum print_kind kind;
		int64_t created_at;
		enum print_state expected;
	} cases[] = {
		{ PRINT_KIND_RECEIPT, 100, PRINT_HELD },
		{ PRINT_KIND_DRAWER, 100, PRINT_FAILED },
		{ PRINT_KIND_COPY, 150, PRINT_HELD },
		{ PRINT_KIND_REPORT, 151, PRINT_WAITING },
		{ PRINT_KIND_DRAWER, 200, PRINT_WAITING },
	};
	enum { CASE_COUNT = sizeof(cases) / sizeof(cases[0]) };
	int64_t ids[CASE_COUNT];
	struct print_job job;
	int held = -1;

	for (int i = 0; i < CASE_COUNT; i++)
		ids[i] = add_job(f->journal, NULL, cases[i].kind,
				 cases[i].created_at);
	assert_int_equal(journal_print_hold_waiting(f->journal, 150,
						    "Paper out", 300, &held),
			 JOURNAL_OK);
	assert_int_equal(held, 2);
	for (int i = 0; i < CASE_COUNT; i++) {
		assert_int_equal(journal_print_get(f->journal, ids[i], &job),
				 JOURNAL_OK);
		assert_int_equal(job.state, cases[i].expected);
	}
	assert_int_equal(journal_print_get(f->journal, ids[1], &job),
			 JOURNAL_OK);
	assert_string_equal(job.last_error, "Paper out");
	assert_int_equal(job.size, 0);
	assert_int_equal(journal_print_hold_waiting(f->journal, 150, "", 300,
						    &held),
			 JOURNAL_EINVAL);
}

/* At start a printing job is held with the reason, a drawer pulse
 * fails, and finished jobs older than 30 days are deleted. */
static void recover_after_stop(void **state)
{
	struct journal_fixture *f = *state;
	const int64_t now = 100 + JOURNAL_PRINT_KEEP_SECONDS + 10;
	int64_t printing = add_job(f->journal, NULL, PRINT_KIND_RECEIPT, 100);
	int64_t old_done = add_job(f->journal, NULL, PRINT_KIND_COPY, 100);
	int64_t new_done = add_job(f->journal, NULL, PRINT_KIND_COPY, 100);
	int64_t waiting = add_job(f->journal, NULL, PRINT_KIND_REPORT, 100);
	int64_t drawer;
	int64_t sent_drawer;
	struct print_job job;
	unsigned char *data = NULL;
	int held = -1;

	/* Take all but the last, then end the done ones. A pulse is
	 * taken first, so it is added after the others were taken. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(journal_print_take(f->journal, 101, &job,
						    &data),
				 JOURNAL_OK);
		free(data);
	}
	sent_drawer = add_job(f->journal, NULL, PRINT_KIND_DRAWER, 100);
	assert_int_equal(journal_print_take(f->journal, 101, &job, &data),
			 JOURNAL_OK);
	free(data);
	assert_int_equal(job.id, sent_drawer);
	drawer = add_job(f->journal, NULL, PRINT_KIND_DRAWER, 100);
	assert_int_equal(journal_print_finish(f->journal, old_done, PRINT_DONE,
					      NULL, 102),
			 JOURNAL_OK);
	assert_int_equal(journal_print_finish(f->journal, new_done, PRINT_DONE,
					      NULL, now - 5),
			 JOURNAL_OK);

	assert_int_equal(journal_print_recover(f->journal, now, &held),
			 JOURNAL_OK);
	assert_int_equal(held, 1);
	assert_int_equal(journal_print_get(f->journal, printing, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_HELD);
	assert_string_equal(job.last_error,
			    "stopped while printing; it may have printed");
	assert_true(job.taken);
	assert_int_equal(journal_print_get(f->journal, old_done, &job),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_print_get(f->journal, new_done, &job),
			 JOURNAL_OK);
	assert_int_equal(journal_print_get(f->journal, drawer, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_FAILED);
	assert_string_equal(job.last_error,
			    "the terminal stopped before the drawer pulse "
			    "was sent; open the drawer by hand");
	assert_int_equal(journal_print_get(f->journal, sent_drawer, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_FAILED);
	assert_string_equal(job.last_error,
			    "the terminal stopped during the drawer pulse; "
			    "open the drawer by hand if it stayed shut");
	assert_int_equal(journal_print_get(f->journal, waiting, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_WAITING);
}

/* A drawer pulse is taken before older waiting receipts, so it never
 * waits behind receipts released after a hold. */
static void take_drawer_first(void **state)
{
	struct journal_fixture *f = *state;
	int64_t receipt = add_job(f->journal, NULL, PRINT_KIND_RECEIPT, 100);
	int64_t drawer = add_job(f->journal, NULL, PRINT_KIND_DRAWER, 110);
	struct print_job job;
	unsigned char *data = NULL;

	assert_int_equal(journal_print_take(f->journal, 120, &job, &data),
			 JOURNAL_OK);
	free(data);
	assert_int_equal(job.id, drawer);
	assert_int_equal(journal_print_take(f->journal, 121, &job, &data),
			 JOURNAL_OK);
	free(data);
	assert_int_equal(job.id, receipt);
}

/* Take job id and hold it, marked taken when taken is set. */
static void hold_job(struct journal *journal, int64_t id, bool taken)
{
	struct print_job job;
	unsigned char *data = NULL;

	assert_int_equal(journal_print_take(journal, 101, &job, &data),
			 JOURNAL_OK);
	free(data);
	assert_int_equal(job.id, id);
	if (taken)
		assert_int_equal(journal_print_mark_taken(journal, id, 102),
				 JOURNAL_OK);
	assert_int_equal(journal_print_finish(journal, id, PRINT_HELD,
					      "Paper out", 103),
			 JOURNAL_OK);
}

/* Taken is recorded only on a printing job and survives the hold. */
static void mark_taken_checks_state(void **state)
{
	struct journal_fixture *f = *state;
	int64_t id = add_job(f->journal, NULL, PRINT_KIND_RECEIPT, 100);
	struct print_job job;

	assert_int_equal(journal_print_mark_taken(f->journal, id, 101),
			 JOURNAL_ESTATE);
	assert_int_equal(journal_print_mark_taken(f->journal, id + 9, 101),
			 JOURNAL_ENOTFOUND);
	hold_job(f->journal, id, true);
	assert_int_equal(journal_print_get(f->journal, id, &job), JOURNAL_OK);
	assert_int_equal(job.state, PRINT_HELD);
	assert_true(job.taken);
}

/* A held receipt that may have printed is replaced by a copy job of the
 * same operation in one step. The old job ends done and names the copy. */
static void replace_held_with_copy(void **state)
{
	struct journal_fixture *f = *state;
	static const unsigned char copy[] = { 0x1b, '@', 'C', 'O', 'P', 'Y' };
	char op[JOURNAL_ID_SIZE];
	char expected[64];
	struct print_job job;
	int64_t id;
	int64_t new_id = 0;
	unsigned char *data = NULL;

	insert_op(f->journal, op, 100, true);
	id = add_job(f->journal, op, PRINT_KIND_RECEIPT, 100);
	assert_int_equal(journal_print_replace(f->journal, id, copy,
					       sizeof(copy), 104, &new_id),
			 JOURNAL_ESTATE);
	hold_job(f->journal, id, true);
	assert_int_equal(journal_print_replace(f->journal, id, copy, 0, 104,
					       &new_id),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_print_replace(f->journal, id, copy,
					       sizeof(copy), 104, &new_id),
			 JOURNAL_OK);

	assert_int_equal(journal_print_get(f->journal, id, &job), JOURNAL_OK);
	assert_int_equal(job.state, PRINT_DONE);
	assert_int_equal(job.size, 0);
	snprintf(expected, sizeof(expected), "replaced by copy job %lld",
		 (long long)new_id);
	assert_string_equal(job.last_error, expected);
	assert_int_equal(journal_print_take(f->journal, 105, &job, &data),
			 JOURNAL_OK);
	assert_int_equal(job.id, new_id);
	assert_int_equal(job.kind, PRINT_KIND_COPY);
	assert_string_equal(job.operation_id, op);
	assert_false(job.taken);
	assert_memory_equal(data, copy, sizeof(copy));
	free(data);
	assert_int_equal(journal_print_replace(f->journal, id, copy,
					       sizeof(copy), 106, NULL),
			 JOURNAL_ESTATE);
}

/* Held jobs are listed for all or one operation, and one is released. */
static void list_and_release_held(void **state)
{
	struct journal_fixture *f = *state;
	char first[JOURNAL_ID_SIZE];
	char second[JOURNAL_ID_SIZE];
	struct print_job jobs[4];
	int64_t first_job;
	int64_t second_job;

	insert_op(f->journal, first, 100, true);
	insert_op(f->journal, second, 100, true);
	first_job = add_job(f->journal, first, PRINT_KIND_RECEIPT, 100);
	second_job = add_job(f->journal, second, PRINT_KIND_RECEIPT, 100);
	hold_job(f->journal, first_job, false);
	hold_job(f->journal, second_job, true);

	assert_int_equal(journal_print_list_held(f->journal, NULL, jobs, 4),
			 2);
	assert_int_equal(journal_print_list_held(f->journal, second, jobs, 4),
			 1);
	assert_int_equal(jobs[0].id, second_job);
	assert_int_equal(journal_print_list_held(f->journal, first, jobs, -1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_print_release_job(f->journal, first_job, 110),
			 JOURNAL_OK);
	assert_int_equal(journal_print_release_job(f->journal, first_job, 111),
			 JOURNAL_ESTATE);
	assert_int_equal(journal_print_list_held(f->journal, NULL, jobs, 4),
			 1);
}

/* Only drawer pulses that waited past the cut-off fail. */
static void fail_drawer_cutoff(void **state)
{
	struct journal_fixture *f = *state;
	int64_t old = add_job(f->journal, NULL, PRINT_KIND_DRAWER, 100);
	int64_t young = add_job(f->journal, NULL, PRINT_KIND_DRAWER, 120);
	int64_t receipt = add_job(f->journal, NULL, PRINT_KIND_RECEIPT, 90);
	struct print_job job;
	int failed = -1;

	assert_int_equal(journal_print_fail_drawer(f->journal, 110,
						   "printer not ready", 125,
						   &failed),
			 JOURNAL_OK);
	assert_int_equal(failed, 1);
	assert_int_equal(journal_print_get(f->journal, old, &job), JOURNAL_OK);
	assert_int_equal(job.state, PRINT_FAILED);
	assert_string_equal(job.last_error, "printer not ready");
	assert_int_equal(journal_print_get(f->journal, young, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_WAITING);
	assert_int_equal(journal_print_get(f->journal, receipt, &job),
			 JOURNAL_OK);
	assert_int_equal(job.state, PRINT_WAITING);
	assert_int_equal(journal_print_fail_drawer(f->journal, 110, "", 125,
						   &failed),
			 JOURNAL_EINVAL);
}

/* The crash window: a job added with its mark survives a reopen, and the
 * mark with it, so the receipt is neither lost nor made again. */
static void add_survives_reopen(void **state)
{
	struct journal_fixture *f = *state;
	struct operation unprinted[1];
	struct print_job jobs[2];
	char id[JOURNAL_ID_SIZE];

	insert_op(f->journal, id, 100, true);
	assert_int_equal(journal_print_add(f->journal, id, PRINT_KIND_RECEIPT,
					   sample, sizeof(sample),
					   OP_ACCEPTED, 110, NULL),
			 JOURNAL_OK);
	journal_close(f->journal);
	f->journal = NULL;
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	assert_int_equal(journal_list_unprinted(f->journal, unprinted, 1), 0);
	assert_int_equal(journal_print_list_operation(f->journal, id, jobs, 2),
			 1);
	assert_int_equal(jobs[0].state, PRINT_WAITING);
}

/* A version 8 file gains print_jobs and keeps its operations. */
static void migrate_v8_to_v9(void **state)
{
	struct journal_fixture *f = *state;
	char id[JOURNAL_ID_SIZE];
	char text[64];
	struct operation op;

	insert_op(f->journal, id, 100, true);
	journal_close(f->journal);
	f->journal = NULL;
	journal_fixture_exec(f->path,
			     "DROP TABLE print_jobs; PRAGMA user_version = 8",
			     NULL, NULL);

	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");
	journal_fixture_query(f->path,
			      "SELECT count(*) FROM sqlite_schema"
			      " WHERE name LIKE 'print_jobs%'",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "3");
	assert_int_equal(journal_get(f->journal, id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_ACCEPTED);
	assert_int_equal(op.printed, 0);
	assert_int_equal(add_job(f->journal, id, PRINT_KIND_COPY, 120) > 0, 1);
}

/* The table refuses a state it does not know and a waiting job without
 * bytes. */
static void schema_checks_rows(void **state)
{
	struct journal_fixture *f = *state;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO print_jobs (kind, state,"
				      " data, created_at, updated_at)"
				      " VALUES ('receipt', 'lost', x'00', 1,"
				      " 1)",
				      NULL, NULL, NULL),
			 SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO print_jobs (kind, state,"
				      " data, created_at, updated_at)"
				      " VALUES ('receipt', 'waiting', NULL,"
				      " 1, 1)",
				      NULL, NULL, NULL),
			 SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < PRINT_KIND_COUNT; i++)
		assert_int_equal(journal_print_kind_parse(
					 journal_print_kind_name(
						 (enum print_kind)i)),
				 i);
	for (int i = 0; i < PRINT_STATE_COUNT; i++)
		assert_int_equal(journal_print_state_parse(
					 journal_print_state_name(
						 (enum print_state)i)),
				 i);
	assert_string_equal(journal_print_state_name(PRINT_HELD), "held");
	assert_string_equal(journal_print_kind_name(PRINT_KIND_DRAWER),
			    "drawer");
	assert_string_equal(journal_print_kind_name(PRINT_KIND_COUNT),
			    "unknown");
	assert_int_equal(journal_print_state_parse("lost"), -1);
	assert_int_equal(journal_print_kind_parse(NULL), -1);
}

/* One older receipt job of the supersede test: its kind, the state it is
 * brought to, and the state it must have once the CONFIRMED receipt is
 * added. */
struct supersede_case {
	enum print_kind kind;
	enum print_state before;
	enum print_state after;
	bool superseded; /* ends with the "superseded" reason */
};

static const struct supersede_case supersede_cases[] = {
	{ PRINT_KIND_RECEIPT, PRINT_WAITING, PRINT_DONE, true },
	{ PRINT_KIND_RECEIPT, PRINT_HELD, PRINT_DONE, true },
	{ PRINT_KIND_NOTICE, PRINT_WAITING, PRINT_DONE, true },
	{ PRINT_KIND_RECEIPT, PRINT_PRINTING, PRINT_PRINTING, false },
	{ PRINT_KIND_COPY, PRINT_WAITING, PRINT_WAITING, false },
};

/* Adding the receipt of an operation's new state ends its waiting and
 * held receipts of an older state, so a stale PENDING receipt never
 * prints after the CONFIRMED one. A job being printed and copies are
 * left alone. */
static void add_supersedes_older_receipts(void **state)
{
	struct journal_fixture *f = *state;
	size_t count = sizeof(supersede_cases) / sizeof(supersede_cases[0]);

	for (size_t i = 0; i < count; i++) {
		const struct supersede_case *c = &supersede_cases[i];
		char id[JOURNAL_ID_SIZE];
		struct print_job job;
		unsigned char *data = NULL;
		int64_t old;
		int64_t added = 0;

		insert_op(f->journal, id, 100, false);
		old = add_job(f->journal, id, c->kind, 100);
		if (c->before == PRINT_HELD)
			hold_job(f->journal, old, false);
		if (c->before == PRINT_PRINTING) {
			assert_int_equal(journal_print_take(f->journal, 101,
							    &job, &data),
					 JOURNAL_OK);
			free(data);
			assert_int_equal(job.id, old);
		}
		assert_int_equal(journal_mark_accepted(f->journal, id,
						       "REF-2", 104),
				 JOURNAL_OK);
		assert_int_equal(journal_print_add(f->journal, id,
						   PRINT_KIND_RECEIPT, sample,
						   sizeof(sample), OP_ACCEPTED,
						   105, &added),
				 JOURNAL_OK);

		assert_int_equal(journal_print_get(f->journal, old, &job),
				 JOURNAL_OK);
		assert_int_equal(job.state, c->after);
		if (c->superseded) {
			assert_string_equal(job.last_error,
					    "superseded by the receipt of "
					    "CONFIRMED");
			assert_int_equal(job.size, 0);
		}
		assert_int_equal(journal_print_get(f->journal, added, &job),
				 JOURNAL_OK);
		assert_int_equal(job.state, PRINT_WAITING);

		/* Clear the queue for the next case. */
		if (c->after == PRINT_PRINTING)
			assert_int_equal(journal_print_finish(f->journal, old,
							      PRINT_DONE,
							      NULL, 106),
					 JOURNAL_OK);
		while (journal_print_take(f->journal, 106, &job, &data) ==
		       JOURNAL_OK) {
			free(data);
			data = NULL;
			assert_int_equal(journal_print_finish(f->journal,
							      job.id,
							      PRINT_DONE,
							      NULL, 107),
					 JOURNAL_OK);
		}
	}
}

/* A held report that may have printed ends without printing, with the
 * reason, and only from the held state. */
static void end_held_report(void **state)
{
	struct journal_fixture *f = *state;
	int64_t id = add_job(f->journal, NULL, PRINT_KIND_REPORT, 100);
	const char *reason =
		"may have printed; print a copy from the report screen";
	struct print_job job;

	assert_int_equal(journal_print_end_held(f->journal, id, reason, 104),
			 JOURNAL_ESTATE);
	hold_job(f->journal, id, true);
	assert_int_equal(journal_print_end_held(f->journal, id, NULL, 104),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_print_end_held(f->journal, id + 9, reason,
						104),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_print_end_held(f->journal, id, reason, 104),
			 JOURNAL_OK);
	assert_int_equal(journal_print_get(f->journal, id, &job), JOURNAL_OK);
	assert_int_equal(job.state, PRINT_DONE);
	assert_string_equal(job.last_error, reason);
	assert_int_equal(job.size, 0);
	assert_int_equal(journal_print_end_held(f->journal, id, reason, 105),
			 JOURNAL_ESTATE);
}

/* Recovery counts the drawer pulses it fails, waiting or printing, apart
 * from the jobs it holds. */
static void recover_counts_drawers(void **state)
{
	struct journal_fixture *f = *state;
	struct print_job job;
	unsigned char *data = NULL;
	int held = -1;
	int drawers = -1;

	add_job(f->journal, NULL, PRINT_KIND_DRAWER, 100);
	assert_int_equal(journal_print_take(f->journal, 101, &job, &data),
			 JOURNAL_OK);
	free(data);
	data = NULL;
	add_job(f->journal, NULL, PRINT_KIND_DRAWER, 102);
	add_job(f->journal, NULL, PRINT_KIND_RECEIPT, 103);

	assert_int_equal(journal_print_recover_counts(f->journal, 200, &held,
						      &drawers),
			 JOURNAL_OK);
	assert_int_equal(drawers, 2);
	assert_int_equal(held, 0);
	assert_int_equal(journal_print_recover_counts(f->journal, 201, &held,
						      &drawers),
			 JOURNAL_OK);
	assert_int_equal(drawers, 0);
}

#define PRINT_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		PRINT_TEST(add_marks_operation),
		PRINT_TEST(add_refuses_second_mark),
		PRINT_TEST(add_invalid_table),
		PRINT_TEST(take_oldest_first),
		PRINT_TEST(finish_checks_state),
		PRINT_TEST(release_held_once),
		PRINT_TEST(hold_waiting_table),
		PRINT_TEST(recover_after_stop),
		PRINT_TEST(take_drawer_first),
		PRINT_TEST(mark_taken_checks_state),
		PRINT_TEST(replace_held_with_copy),
		PRINT_TEST(list_and_release_held),
		PRINT_TEST(fail_drawer_cutoff),
		PRINT_TEST(add_survives_reopen),
		PRINT_TEST(migrate_v8_to_v9),
		PRINT_TEST(schema_checks_rows),
		PRINT_TEST(add_supersedes_older_receipts),
		PRINT_TEST(end_held_report),
		PRINT_TEST(recover_counts_drawers),
		cmocka_unit_test(names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
