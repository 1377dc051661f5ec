/* Unit tests for offline/journal.c against real SQLite files in a fresh
 * directory under /tmp, checked through a second SQLite connection. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../app/currency.h"
#include "../../app/log.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

/* A non-NULL pointer that journal_open must overwrite with NULL. */
static char not_a_journal;
#define UNSET_JOURNAL ((struct journal *)&not_a_journal)

static int setup(void **state)
{
	return journal_fixture_setup(state, "journal");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* Read a whole small file into a new buffer, which the caller frees. */
static char *read_whole_file(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	assert_non_null(file);
	assert_non_null(buf);
	*size = fread(buf, 1, 1 << 20, file);
	assert_true(*size < (1 << 20));
	fclose(file);
	return buf;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void open_creates_schema(void **state)
{
	struct journal_fixture *f = *state;
	char text[512]; /* fits the list of schema names */

	journal_fixture_query(f->path, "PRAGMA journal_mode", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "wal");
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");
	journal_fixture_query(f->path, "PRAGMA application_id", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "1397768522");
	journal_fixture_query(
		f->path,
		"SELECT group_concat(name, ',') FROM (SELECT name FROM"
		" sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
		" ORDER BY name)",
		NULL, text, sizeof(text));
	assert_string_equal(text, "credentials,customer_cache,"
				  "customer_cache_phone,customer_cache_used,"
				  "customer_cache_wallet,day_closes,"
				  "day_pending,meta,"
				  "operation_keys,"
				  "operation_keys_operation,operations,"
				  "operations_due,operations_queue,"
				  "operations_unprinted,print_jobs,"
				  "print_jobs_open,print_jobs_operation");
	journal_fixture_query(f->path,
			      "SELECT group_concat(name, ',') FROM"
			      " pragma_index_info('operations_due')",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "state,next_attempt_at");
	journal_fixture_query(f->path,
			      "SELECT group_concat(name, ',') FROM"
			      " pragma_index_info('operations_queue')",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "created_at");
	journal_fixture_query(
		f->path,
		"SELECT partial FROM pragma_index_list('operations')"
		" WHERE name = 'operations_queue'",
		NULL, text, sizeof(text));
	assert_string_equal(text, "1");
	journal_fixture_query(f->path,
			      "SELECT group_concat(name, ',') FROM"
			      " pragma_index_info('operation_keys_operation')",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "operation_id");
}

/* The CHECK constraint keeps unknown states out even for other writers. */
static void schema_rejects_unknown_state(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	sqlite3 *db = NULL;
	int rc;

	journal_fixture_make_op(&op, 1, 100);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, "UPDATE operations SET state = 'lost'", NULL,
			  NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void insert_get_round_trip(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;

	journal_fixture_make_op(&op, 7, 1700000000);
	memset(op.type, 't', sizeof(op.type) - 1);
	memset(op.agent_id, 'a', sizeof(op.agent_id) - 1);
	strcpy(op.currency, "KWD");
	op.amount = CURRENCY_AMOUNT_MAX;
	memset(op.payload, 'p', sizeof(op.payload) - 1);
	op.payload[0] = '{';
	op.updated_at = 1700000001;
	op.next_attempt_at = 1700000002;
	memset(op.secret, 's', sizeof(op.secret) - 1);
	/* Keys come back in byte order, so these are given sorted. */
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		memset(op.keys[i], 'k', sizeof(op.keys[i]) - 1);
		op.keys[i][0] = (char)('a' + i);
	}
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);

	memset(&got, 0x5a, sizeof(got));
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	journal_fixture_assert_operation_equal(&got, &op);
}

/* An operation that moves no money, such as a customer registration,
 * is journaled with amount 0 and adds nothing to the pending sums. */
static void insert_zero_amount(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;
	int64_t count = -1;
	int64_t total = -1;

	journal_fixture_make_op(&op, 8, 1700000000);
	strcpy(op.type, "customer_registration");
	op.amount = 0;
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_int_equal(got.amount, 0);
	assert_int_equal(journal_sum_pending(f->journal, op.type, op.currency,
					     &count, &total),
			 JOURNAL_OK);
	assert_int_equal(count, 1);
	assert_int_equal(total, 0);
}

/* Insert ignores the state, attempts, reference and last_error in op. */
static void insert_starts_queued(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;

	journal_fixture_make_op(&op, 1, 100);
	op.state = OP_ACCEPTED;
	op.attempts = 9;
	strcpy(op.reference, "REF-1");
	strcpy(op.last_error, "old failure");
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_int_equal(got.state, OP_QUEUED);
	assert_int_equal(got.attempts, 0);
	assert_string_equal(got.reference, "");
	assert_string_equal(got.last_error, "");
}

static void insert_duplicate_id(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation twin;
	struct operation got;

	journal_fixture_make_op(&op, 1, 100);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);

	journal_fixture_make_op(&twin, 2, 200);
	strcpy(twin.id, op.id);
	strcpy(twin.currency, "USD");
	assert_int_equal(journal_insert(f->journal, &twin), JOURNAL_EEXIST);

	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	journal_fixture_assert_operation_equal(&got, &op);
}

struct keys_case {
	const char *given[JOURNAL_KEYS_MAX];
	const char *expected[JOURNAL_KEYS_MAX]; /* byte order, packed */
};

static const struct keys_case keys_cases[] = {
	{{NULL}, {NULL}},
	{{"wallet:1000000001"}, {"wallet:1000000001"}},
	{{"", "wallet:1000000002", "", "customer:233201234567"},
	 {"customer:233201234567", "wallet:1000000002"}},
	{{"d", "c", "b", "a"}, {"a", "b", "c", "d"}},
	/* Another operation may share a key. */
	{{"wallet:1000000001", "wallet:1000000002"},
	 {"wallet:1000000001", "wallet:1000000002"}},
};

static void fill_keys(char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE],
		      const char *const texts[JOURNAL_KEYS_MAX])
{
	memset(keys, 0, JOURNAL_KEYS_MAX * JOURNAL_KEY_SIZE);
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (texts[i] != NULL)
			strcpy(keys[i], texts[i]);
	}
}

static void keys_round_trip_table(void **state)
{
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(keys_cases) / sizeof(keys_cases[0]);
	     i++) {
		char expected[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE];
		struct operation op;
		struct operation got;

		journal_fixture_make_op(&op, (int)i, 100);
		fill_keys(op.keys, keys_cases[i].given);
		fill_keys(expected, keys_cases[i].expected);
		assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);

		memset(&got, 0x5a, sizeof(got));
		assert_int_equal(journal_get(f->journal, op.id, &got),
				 JOURNAL_OK);
		for (int k = 0; k < JOURNAL_KEYS_MAX; k++) {
			if (strcmp(got.keys[k], expected[k]) != 0)
				print_message("failing case %zu, key %d\n", i,
					      k);
			assert_string_equal(got.keys[k], expected[k]);
		}
		assert_int_equal(got.acknowledged_at, 0);
		assert_int_equal(got.age_approved, 0);
	}
}

/* A duplicate id adds none of its keys, because the row and its keys are
 * one transaction. */
static void insert_duplicate_keeps_keys(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation twin;
	struct operation got;
	char text[16];

	journal_fixture_make_op(&op, 1, 100);
	strcpy(op.keys[0], "wallet:1000000001");
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);

	journal_fixture_make_op(&twin, 2, 200);
	strcpy(twin.id, op.id);
	strcpy(twin.keys[0], "wallet:1000000009");
	strcpy(twin.keys[1], "wallet:1000000001");
	assert_int_equal(journal_insert(f->journal, &twin), JOURNAL_EEXIST);

	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	journal_fixture_assert_operation_equal(&got, &op);
	journal_fixture_query(f->path, "SELECT count(*) FROM operation_keys",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "1");
}

/* Stored keys that do not fit struct operation are an error. */
static void get_oversized_keys(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;

	journal_fixture_make_op(&op, 1, 1);
	strcpy(op.keys[0], "wallet:1");
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);

	journal_fixture_exec(
		f->path,
		"INSERT INTO operation_keys (operation_id, key) VALUES (?1,"
		" 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk')",
		op.id, NULL);
	memset(&got, 0x5a, sizeof(got));
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_EIO);
	assert_int_equal((unsigned char)got.id[0], 0x5a);

	journal_fixture_exec(f->path,
			     "UPDATE operation_keys SET key = 'wallet:2'"
			     " WHERE key LIKE 'kkk%'",
			     NULL, NULL);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	journal_fixture_exec(
		f->path,
		"INSERT INTO operation_keys (operation_id, key) VALUES"
		" (?1, 'wallet:3'), (?1, 'wallet:4'), (?1, 'wallet:5')",
		op.id, NULL);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_EIO);
}

enum op_defect {
	DEFECT_ID_EMPTY,
	DEFECT_ID_UPPER,
	DEFECT_ID_NOT_UUID,
	DEFECT_ID_UNTERMINATED,
	DEFECT_TYPE_EMPTY,
	DEFECT_TYPE_UNTERMINATED,
	DEFECT_AGENT_EMPTY,
	DEFECT_AGENT_UNTERMINATED,
	DEFECT_CURRENCY_LOWER,
	DEFECT_CURRENCY_EMPTY,
	DEFECT_CURRENCY_UNKNOWN,
	DEFECT_AMOUNT_NEGATIVE,
	DEFECT_AMOUNT_OVER_MAX,
	DEFECT_PAYLOAD_UNTERMINATED,
	DEFECT_KEY_UNTERMINATED,
	DEFECT_KEY_LAST_UNTERMINATED,
	DEFECT_KEY_DUPLICATE,
	DEFECT_KEY_DUPLICATE_AFTER_EMPTY,
	DEFECT_SECRET_UNTERMINATED,
	DEFECT_COUNT,
};

static void apply_defect(struct operation *op, enum op_defect defect)
{
	switch (defect) {
	case DEFECT_ID_EMPTY:
		op->id[0] = '\0';
		break;
	case DEFECT_ID_UPPER:
		strcpy(op->id, "123E4567-E89B-42D3-A456-426614174000");
		break;
	case DEFECT_ID_NOT_UUID:
		strcpy(op->id, "op-1");
		break;
	case DEFECT_ID_UNTERMINATED:
		memset(op->id, 'a', sizeof(op->id));
		break;
	case DEFECT_TYPE_EMPTY:
		op->type[0] = '\0';
		break;
	case DEFECT_TYPE_UNTERMINATED:
		memset(op->type, 't', sizeof(op->type));
		break;
	case DEFECT_AGENT_EMPTY:
		op->agent_id[0] = '\0';
		break;
	case DEFECT_AGENT_UNTERMINATED:
		memset(op->agent_id, 'a', sizeof(op->agent_id));
		break;
	case DEFECT_CURRENCY_LOWER:
		strcpy(op->currency, "ghs");
		break;
	case DEFECT_CURRENCY_EMPTY:
		op->currency[0] = '\0';
		break;
	case DEFECT_CURRENCY_UNKNOWN:
		strcpy(op->currency, "XXX");
		break;
	case DEFECT_AMOUNT_NEGATIVE:
		op->amount = -500;
		break;
	case DEFECT_AMOUNT_OVER_MAX:
		op->amount = CURRENCY_AMOUNT_MAX + 1;
		break;
	case DEFECT_PAYLOAD_UNTERMINATED:
		memset(op->payload, 'p', sizeof(op->payload));
		break;
	case DEFECT_KEY_UNTERMINATED:
		memset(op->keys[0], 'k', sizeof(op->keys[0]));
		break;
	case DEFECT_KEY_LAST_UNTERMINATED:
		strcpy(op->keys[0], "wallet:1000000001");
		memset(op->keys[JOURNAL_KEYS_MAX - 1], 'k',
		       sizeof(op->keys[0]));
		break;
	case DEFECT_KEY_DUPLICATE:
		strcpy(op->keys[0], "wallet:1000000001");
		strcpy(op->keys[1], "wallet:1000000001");
		break;
	case DEFECT_KEY_DUPLICATE_AFTER_EMPTY:
		strcpy(op->keys[0], "customer:233201234567");
		strcpy(op->keys[3], "customer:233201234567");
		break;
	case DEFECT_SECRET_UNTERMINATED:
		memset(op->secret, 's', sizeof(op->secret));
		break;
	case DEFECT_COUNT:
		break;
	}
}

static void insert_invalid_table(void **state)
{
	struct journal_fixture *f = *state;
	int64_t counts[OP_STATE_COUNT];
	char text[16];

	for (int d = 0; d < DEFECT_COUNT; d++) {
		struct operation op;
		int rc;

		journal_fixture_make_op(&op, d, 100);
		apply_defect(&op, (enum op_defect)d);
		rc = journal_insert(f->journal, &op);
		if (rc != JOURNAL_EINVAL)
			print_message("failing defect %d\n", d);
		assert_int_equal(rc, JOURNAL_EINVAL);
	}
	assert_int_equal(journal_insert(f->journal, NULL), JOURNAL_EINVAL);

	assert_int_equal(journal_count_by_state(f->journal, counts),
			 JOURNAL_OK);
	for (int s = 0; s < OP_STATE_COUNT; s++)
		assert_int_equal(counts[s], 0);
	journal_fixture_query(f->path, "SELECT count(*) FROM operation_keys",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "0");
}

static void get_missing_and_invalid(void **state)
{
	struct journal_fixture *f = *state;
	struct operation got;
	char long_id[64];

	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_int_equal(journal_get(f->journal,
				     "123e4567-e89b-42d3-a456-426614174000",
				     &got),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_get(f->journal, "", &got), JOURNAL_EINVAL);
	assert_int_equal(journal_get(f->journal, NULL, &got), JOURNAL_EINVAL);
	assert_int_equal(journal_get(f->journal, long_id, &got),
			 JOURNAL_EINVAL);
}

/* Oldest created_at comes first, and equal created_at values come in
 * insertion order. */
static void next_due_fifo(void **state)
{
	struct journal_fixture *f = *state;
	/* created_at of each insert, in insertion order */
	static const int64_t created[] = {300, 100, 200, 100, 50};
	/* indexes into created[] in the expected order */
	static const int expected[] = {4, 1, 3, 2, 0};
	struct operation ops[5];
	struct operation due;

	for (int i = 0; i < 5; i++) {
		journal_fixture_make_op(&ops[i], i, created[i]);
		assert_int_equal(journal_insert(f->journal, &ops[i]),
				 JOURNAL_OK);
	}

	for (int i = 0; i < 5; i++) {
		assert_int_equal(journal_next_due(f->journal, 1000, &due),
				 JOURNAL_OK);
		assert_string_equal(due.id, ops[expected[i]].id);
		assert_int_equal(journal_mark_accepted(f->journal, due.id,
						       "REF", 1000),
				 JOURNAL_OK);
	}
	assert_int_equal(journal_next_due(f->journal, 1000, &due),
			 JOURNAL_ENOTFOUND);
}

/* In-flight operations stay in FIFO order with queued ones. */
static void next_due_includes_in_flight(void **state)
{
	struct journal_fixture *f = *state;
	struct operation first;
	struct operation second;
	struct operation due;

	journal_fixture_make_op(&first, 1, 100);
	journal_fixture_make_op(&second, 2, 200);
	assert_int_equal(journal_insert(f->journal, &first), JOURNAL_OK);
	assert_int_equal(journal_insert(f->journal, &second), JOURNAL_OK);
	assert_int_equal(journal_mark_in_flight(f->journal, first.id, 300),
			 JOURNAL_OK);

	assert_int_equal(journal_next_due(f->journal, 300, &due), JOURNAL_OK);
	assert_string_equal(due.id, first.id);
	assert_int_equal(due.state, OP_IN_FLIGHT);
}

static void next_due_waits_for_attempt_time(void **state)
{
	struct journal_fixture *f = *state;
	struct operation early;
	struct operation later;
	struct operation due;

	journal_fixture_make_op(&early, 1, 100);
	early.next_attempt_at = 500;
	journal_fixture_make_op(&later, 2, 200);
	later.next_attempt_at = 300;
	assert_int_equal(journal_insert(f->journal, &early), JOURNAL_OK);
	assert_int_equal(journal_insert(f->journal, &later), JOURNAL_OK);

	assert_int_equal(journal_next_due(f->journal, 299, &due),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_next_due(f->journal, 300, &due), JOURNAL_OK);
	assert_string_equal(due.id, later.id);
	assert_int_equal(journal_next_due(f->journal, 500, &due), JOURNAL_OK);
	assert_string_equal(due.id, early.id);

	/* A retry moves the time forward. */
	assert_int_equal(journal_mark_retry(f->journal, early.id, OP_QUEUED,
					    "timed out", 900, 500),
			 JOURNAL_OK);
	assert_int_equal(journal_next_due(f->journal, 500, &due), JOURNAL_OK);
	assert_string_equal(due.id, later.id);
}

/* Final states and needs_attention are never due. */
static void next_due_skips_settled(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[3];
	struct operation due;

	for (int i = 0; i < 3; i++) {
		journal_fixture_make_op(&ops[i], i, 100 + i);
		assert_int_equal(journal_insert(f->journal, &ops[i]),
				 JOURNAL_OK);
	}
	assert_int_equal(journal_mark_accepted(f->journal, ops[0].id, "R", 1),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_rejected(f->journal, ops[1].id, "no", 1),
			 JOURNAL_OK);
	journal_fixture_exec(f->path,
			     "UPDATE operations SET state = 'needs_attention'"
			     " WHERE id = ?1",
			     ops[2].id, NULL);
	assert_int_equal(journal_next_due(f->journal, 1000, &due),
			 JOURNAL_ENOTFOUND);
}

enum action {
	ACTION_IN_FLIGHT,
	ACTION_ACCEPT,
	ACTION_REJECT,
	ACTION_RETRY_QUEUED,
	ACTION_RETRY_IN_FLIGHT,
};

struct change_case {
	enum op_state from;
	enum action action;
	int result;
	enum op_state to; /* state afterwards, the same as from on error */
};

static const struct change_case change_cases[] = {
	{OP_QUEUED, ACTION_IN_FLIGHT, JOURNAL_OK, OP_IN_FLIGHT},
	{OP_QUEUED, ACTION_ACCEPT, JOURNAL_OK, OP_ACCEPTED},
	{OP_QUEUED, ACTION_REJECT, JOURNAL_OK, OP_REJECTED},
	{OP_QUEUED, ACTION_RETRY_QUEUED, JOURNAL_OK, OP_QUEUED},
	{OP_QUEUED, ACTION_RETRY_IN_FLIGHT, JOURNAL_ESTATE, OP_QUEUED},

	{OP_IN_FLIGHT, ACTION_IN_FLIGHT, JOURNAL_OK, OP_IN_FLIGHT},
	{OP_IN_FLIGHT, ACTION_ACCEPT, JOURNAL_OK, OP_ACCEPTED},
	{OP_IN_FLIGHT, ACTION_REJECT, JOURNAL_OK, OP_REJECTED},
	{OP_IN_FLIGHT, ACTION_RETRY_QUEUED, JOURNAL_OK, OP_QUEUED},
	{OP_IN_FLIGHT, ACTION_RETRY_IN_FLIGHT, JOURNAL_OK, OP_IN_FLIGHT},

	{OP_ACCEPTED, ACTION_IN_FLIGHT, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_ACCEPTED, ACTION_ACCEPT, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_ACCEPTED, ACTION_REJECT, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_ACCEPTED, ACTION_RETRY_QUEUED, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_ACCEPTED, ACTION_RETRY_IN_FLIGHT, JOURNAL_ESTATE, OP_ACCEPTED},

	{OP_REJECTED, ACTION_IN_FLIGHT, JOURNAL_ESTATE, OP_REJECTED},
	{OP_REJECTED, ACTION_ACCEPT, JOURNAL_ESTATE, OP_REJECTED},
	{OP_REJECTED, ACTION_REJECT, JOURNAL_ESTATE, OP_REJECTED},
	{OP_REJECTED, ACTION_RETRY_QUEUED, JOURNAL_ESTATE, OP_REJECTED},
	{OP_REJECTED, ACTION_RETRY_IN_FLIGHT, JOURNAL_ESTATE, OP_REJECTED},

	{OP_NEEDS_ATTENTION, ACTION_IN_FLIGHT, JOURNAL_ESTATE,
	 OP_NEEDS_ATTENTION},
	{OP_NEEDS_ATTENTION, ACTION_ACCEPT, JOURNAL_ESTATE, OP_NEEDS_ATTENTION},
	{OP_NEEDS_ATTENTION, ACTION_REJECT, JOURNAL_ESTATE, OP_NEEDS_ATTENTION},
	{OP_NEEDS_ATTENTION, ACTION_RETRY_QUEUED, JOURNAL_ESTATE,
	 OP_NEEDS_ATTENTION},
	{OP_NEEDS_ATTENTION, ACTION_RETRY_IN_FLIGHT, JOURNAL_ESTATE,
	 OP_NEEDS_ATTENTION},
};

/* Bring a fresh operation to `state` through the journal's own functions. */
static void bring_to_state(struct journal_fixture *f, struct operation *op,
			   enum op_state state)
{
	assert_int_equal(journal_insert(f->journal, op), JOURNAL_OK);
	switch (state) {
	case OP_QUEUED:
		break;
	case OP_IN_FLIGHT:
		assert_int_equal(journal_mark_in_flight(f->journal, op->id, 10),
				 JOURNAL_OK);
		break;
	case OP_ACCEPTED:
		assert_int_equal(journal_mark_accepted(f->journal, op->id,
						       "REF-OLD", 10),
				 JOURNAL_OK);
		break;
	case OP_REJECTED:
		assert_int_equal(journal_mark_rejected(f->journal, op->id,
						       "old reason", 10),
				 JOURNAL_OK);
		break;
	case OP_NEEDS_ATTENTION:
		assert_int_equal(journal_mark_attention(f->journal, op->id,
							"check it", 10),
				 JOURNAL_OK);
		break;
	}
}

static int run_action(struct journal *journal, const char *id,
		      enum action action)
{
	switch (action) {
	case ACTION_IN_FLIGHT:
		return journal_mark_in_flight(journal, id, 50);
	case ACTION_ACCEPT:
		return journal_mark_accepted(journal, id, "REF-NEW", 50);
	case ACTION_REJECT:
		return journal_mark_rejected(journal, id, "limit exceeded", 50);
	case ACTION_RETRY_QUEUED:
		return journal_mark_retry(journal, id, OP_QUEUED,
					  "connection refused", 80, 50);
	case ACTION_RETRY_IN_FLIGHT:
		return journal_mark_retry(journal, id, OP_IN_FLIGHT,
					  "timed out", 90, 50);
	}
	return -100;
}

/* What the row must look like after a successful action on before. */
static void expect_after(const struct operation *before, enum action action,
			 struct operation *expected)
{
	*expected = *before;
	expected->updated_at = 50;
	switch (action) {
	case ACTION_IN_FLIGHT:
		expected->state = OP_IN_FLIGHT;
		expected->attempts = before->attempts + 1;
		break;
	case ACTION_ACCEPT:
		expected->state = OP_ACCEPTED;
		strcpy(expected->reference, "REF-NEW");
		expected->secret[0] = '\0';
		break;
	case ACTION_REJECT:
		expected->state = OP_REJECTED;
		strcpy(expected->last_error, "limit exceeded");
		expected->secret[0] = '\0';
		break;
	case ACTION_RETRY_QUEUED:
		expected->state = OP_QUEUED;
		strcpy(expected->last_error, "connection refused");
		expected->next_attempt_at = 80;
		break;
	case ACTION_RETRY_IN_FLIGHT:
		expected->state = OP_IN_FLIGHT;
		strcpy(expected->last_error, "timed out");
		expected->next_attempt_at = 90;
		break;
	}
}

static void state_change_table(void **state)
{
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(change_cases) / sizeof(change_cases[0]);
	     i++) {
		const struct change_case *c = &change_cases[i];
		struct operation op;
		struct operation before;
		struct operation after;
		struct operation expected;
		int rc;

		journal_fixture_make_op(&op, (int)i, 1);
		strcpy(op.secret, "{\"code\":\"123456\"}");
		bring_to_state(f, &op, c->from);
		assert_int_equal(journal_get(f->journal, op.id, &before),
				 JOURNAL_OK);
		assert_int_equal(before.state, c->from);

		rc = run_action(f->journal, op.id, c->action);
		if (rc != c->result)
			print_message("failing case %zu: %s, action %d\n", i,
				      journal_state_name(c->from), c->action);
		assert_int_equal(rc, c->result);

		assert_int_equal(journal_get(f->journal, op.id, &after),
				 JOURNAL_OK);
		assert_int_equal(after.state, c->to);
		if (rc == JOURNAL_OK)
			expect_after(&before, c->action, &expected);
		else
			expected = before;
		journal_fixture_assert_operation_equal(&after, &expected);
	}
}

/* Every resend counts as one attempt. */
static void mark_in_flight_counts_attempts(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;

	journal_fixture_make_op(&op, 1, 1);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(journal_mark_in_flight(f->journal, op.id, 5),
				 JOURNAL_OK);
		assert_int_equal(journal_mark_retry(f->journal, op.id,
						    OP_IN_FLIGHT, "timeout",
						    6, 5),
				 JOURNAL_OK);
	}
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_int_equal(got.attempts, 3);
}

static void mark_unknown_id(void **state)
{
	struct journal_fixture *f = *state;
	const char *id = "123e4567-e89b-42d3-a456-426614174000";

	assert_int_equal(journal_mark_in_flight(f->journal, id, 1),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_mark_accepted(f->journal, id, "R", 1),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_mark_rejected(f->journal, id, "x", 1),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_mark_retry(f->journal, id, OP_QUEUED, "", 1,
					    1),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_mark_retry(f->journal, id, OP_IN_FLIGHT, "",
					    1, 1),
			 JOURNAL_ENOTFOUND);
}

static void mark_invalid_arguments(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation before;
	struct operation after;
	char long_text[JOURNAL_ERROR_SIZE + 1];

	memset(long_text, 'e', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	journal_fixture_make_op(&op, 1, 1);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_mark_in_flight(f->journal, op.id, 2),
			 JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, op.id, &before), JOURNAL_OK);

	assert_int_equal(journal_mark_in_flight(f->journal, NULL, 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_in_flight(f->journal, "", 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_accepted(f->journal, op.id, NULL, 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_accepted(f->journal, op.id, "", 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_accepted(f->journal, op.id, long_text,
					       3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_rejected(f->journal, op.id, NULL, 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_rejected(f->journal, op.id, long_text,
					       3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_retry(f->journal, op.id, OP_ACCEPTED,
					    "x", 4, 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_retry(f->journal, op.id,
					    OP_NEEDS_ATTENTION, "x", 4, 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_retry(f->journal, op.id, OP_QUEUED,
					    NULL, 4, 3),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_retry(f->journal, op.id, OP_QUEUED,
					    long_text, 4, 3),
			 JOURNAL_EINVAL);

	assert_int_equal(journal_get(f->journal, op.id, &after), JOURNAL_OK);
	journal_fixture_assert_operation_equal(&after, &before);

	/* A text of the maximum length is stored whole. */
	long_text[JOURNAL_ERROR_SIZE - 1] = '\0';
	assert_int_equal(journal_mark_rejected(f->journal, op.id, long_text,
					       3),
			 JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, op.id, &after), JOURNAL_OK);
	assert_string_equal(after.last_error, long_text);
}

static void count_by_state(void **state)
{
	struct journal_fixture *f = *state;
	/* operations to create in each state */
	static const int wanted[OP_STATE_COUNT] = {
		[OP_QUEUED] = 3,
		[OP_IN_FLIGHT] = 2,
		[OP_ACCEPTED] = 4,
		[OP_REJECTED] = 1,
		[OP_NEEDS_ATTENTION] = 2,
	};
	int64_t counts[OP_STATE_COUNT];
	int n = 0;

	for (int s = 0; s < OP_STATE_COUNT; s++)
		counts[s] = -1;
	assert_int_equal(journal_count_by_state(f->journal, counts),
			 JOURNAL_OK);
	for (int s = 0; s < OP_STATE_COUNT; s++)
		assert_int_equal(counts[s], 0);

	for (int s = 0; s < OP_STATE_COUNT; s++) {
		for (int i = 0; i < wanted[s]; i++) {
			struct operation op;

			journal_fixture_make_op(&op, n++, 1);
			bring_to_state(f, &op, (enum op_state)s);
		}
	}
	assert_int_equal(journal_count_by_state(f->journal, counts),
			 JOURNAL_OK);
	for (int s = 0; s < OP_STATE_COUNT; s++)
		assert_int_equal(counts[s], wanted[s]);
}

static void next_attempt_time(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[3];
	int64_t when = -1;

	assert_int_equal(journal_next_attempt_time(f->journal, &when),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(when, -1);

	for (int i = 0; i < 3; i++) {
		journal_fixture_make_op(&ops[i], i, 10);
		ops[i].next_attempt_at = 100 + i * 100;
		assert_int_equal(journal_insert(f->journal, &ops[i]),
				 JOURNAL_OK);
	}
	assert_int_equal(journal_next_attempt_time(f->journal, &when),
			 JOURNAL_OK);
	assert_int_equal(when, 100);

	/* Settled operations do not count, in-flight ones do. */
	assert_int_equal(journal_mark_accepted(f->journal, ops[0].id, "R", 5),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_in_flight(f->journal, ops[1].id, 5),
			 JOURNAL_OK);
	assert_int_equal(journal_next_attempt_time(f->journal, &when),
			 JOURNAL_OK);
	assert_int_equal(when, 200);
}

static void meta_set_get(void **state)
{
	struct journal_fixture *f = *state;
	char value[JOURNAL_META_VALUE_SIZE + 8];
	char small[5] = "abcd";
	char long_key[JOURNAL_META_KEY_SIZE + 1];

	assert_int_equal(journal_get_meta(f->journal, "last_sync", value,
					  sizeof(value)),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_set_meta(f->journal, "last_sync", "1700"),
			 JOURNAL_OK);
	assert_int_equal(journal_get_meta(f->journal, "last_sync", value,
					  sizeof(value)),
			 JOURNAL_OK);
	assert_string_equal(value, "1700");

	assert_int_equal(journal_set_meta(f->journal, "last_sync", "1800"),
			 JOURNAL_OK);
	assert_int_equal(journal_get_meta(f->journal, "last_sync", value,
					  sizeof(value)),
			 JOURNAL_OK);
	assert_string_equal(value, "1800");

	assert_int_equal(journal_set_meta(f->journal, "empty", ""),
			 JOURNAL_OK);
	assert_int_equal(journal_get_meta(f->journal, "empty", value,
					  sizeof(value)),
			 JOURNAL_OK);
	assert_string_equal(value, "");

	/* A buffer too small is an error and keeps its contents. */
	assert_int_equal(journal_get_meta(f->journal, "last_sync", small, 4),
			 JOURNAL_EINVAL);
	assert_string_equal(small, "abcd");
	assert_int_equal(journal_get_meta(f->journal, "last_sync", small,
					  sizeof(small)),
			 JOURNAL_OK);
	assert_string_equal(small, "1800");

	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	assert_int_equal(journal_set_meta(f->journal, long_key, "v"),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_set_meta(f->journal, "", "v"),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_set_meta(f->journal, NULL, "v"),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_set_meta(f->journal, "k", NULL),
			 JOURNAL_EINVAL);

	memset(value, 'v', sizeof(value) - 1);
	value[JOURNAL_META_VALUE_SIZE] = '\0';
	assert_int_equal(journal_set_meta(f->journal, "big", value),
			 JOURNAL_EINVAL);
	value[JOURNAL_META_VALUE_SIZE - 1] = '\0';
	assert_int_equal(journal_set_meta(f->journal, "big", value),
			 JOURNAL_OK);
	memset(value, 0, sizeof(value));
	assert_int_equal(journal_get_meta(f->journal, "big", value,
					  sizeof(value)),
			 JOURNAL_OK);
	assert_int_equal(strlen(value), JOURNAL_META_VALUE_SIZE - 1);
}

static void reopen_keeps_data(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation before;
	struct operation after;
	char value[16];

	journal_fixture_make_op(&op, 1, 100);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_mark_in_flight(f->journal, op.id, 101),
			 JOURNAL_OK);
	assert_int_equal(journal_set_meta(f->journal, "k", "v"), JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, op.id, &before), JOURNAL_OK);

	journal_close(f->journal);
	f->journal = NULL;
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);

	assert_int_equal(journal_get(f->journal, op.id, &after), JOURNAL_OK);
	journal_fixture_assert_operation_equal(&after, &before);
	assert_int_equal(journal_get_meta(f->journal, "k", value,
					  sizeof(value)),
			 JOURNAL_OK);
	assert_string_equal(value, "v");
}

/* Return the permission bits of path, or -1 when it cannot be stat'ed. */
static int file_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

/* Under umask 022 a new journal, its -wal and its -shm are still 0600,
 * because they hold customers' names, wallets and amounts. */
static void new_journal_private(void **state)
{
	struct journal_fixture *f = *state;
	struct journal *journal = NULL;
	struct operation op;
	char path[192];
	char wal[200];
	char shm[200];
	mode_t old_mask = umask(022);

	snprintf(path, sizeof(path), "%s/new.db", f->dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	assert_int_equal(journal_open(path, &journal), JOURNAL_OK);
	journal_fixture_make_op(&op, 1, 100);
	assert_int_equal(journal_insert(journal, &op), JOURNAL_OK);
	umask(old_mask);

	assert_int_equal(file_mode(path), 0600);
	assert_int_equal(file_mode(wal), 0600);
	assert_int_equal(file_mode(shm), 0600);
	journal_close(journal);
}

/* An existing journal file keeps the mode the operator gave it. */
static void existing_journal_keeps_mode(void **state)
{
	struct journal_fixture *f = *state;
	struct journal *journal = NULL;
	char path[192];
	int fd;

	snprintf(path, sizeof(path), "%s/shared.db", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, 0640), 0);

	assert_int_equal(journal_open(path, &journal), JOURNAL_OK);
	assert_int_equal(file_mode(path), 0640);
	journal_close(journal);
}

/* log_open creates a new log file 0600 under umask 022, and an existing
 * one keeps its mode. */
static void log_file_modes(void **state)
{
	struct journal_fixture *f = *state;
	char path[192];
	mode_t old_mask = umask(022);
	int rc;

	snprintf(path, sizeof(path), "%s/new.log", f->dir);
	rc = log_open(path, LOG_LEVEL_INFO);
	log_close();
	umask(old_mask);
	assert_int_equal(rc, 0);
	assert_int_equal(file_mode(path), 0600);

	assert_int_equal(chmod(path, 0640), 0);
	rc = log_open(path, LOG_LEVEL_INFO);
	log_close();
	assert_int_equal(rc, 0);
	assert_int_equal(file_mode(path), 0640);
}

/* Create a database file through plain SQLite (rollback journal mode). */
static void make_foreign_db(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* journal_open rejects path with `expected` and leaves its bytes as they
 * were, with no -wal file beside it. */
static void assert_open_rejected(const char *path, int expected)
{
	struct journal *journal = UNSET_JOURNAL;
	char wal[160];
	size_t size_before;
	size_t size_after;
	char *before = read_whole_file(path, &size_before);
	char *after;

	assert_int_equal(journal_open(path, &journal), expected);
	assert_null(journal);

	after = read_whole_file(path, &size_after);
	assert_int_equal(size_after, size_before);
	assert_memory_equal(after, before, size_before);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_false(file_exists(wal));
	free(before);
	free(after);
}

static void open_newer_schema(void **state)
{
	struct journal_fixture *f = *state;
	char path[160];

	snprintf(path, sizeof(path), "%s/newer.db", f->dir);
	make_foreign_db(path,
			"CREATE TABLE operations (id TEXT PRIMARY KEY);"
			"PRAGMA application_id = 1397768522;"
			"PRAGMA user_version = 99;");
	assert_open_rejected(path, JOURNAL_ESCHEMA);
}

static void open_foreign_database(void **state)
{
	struct journal_fixture *f = *state;
	char path[160];

	snprintf(path, sizeof(path), "%s/unversioned.db", f->dir);
	make_foreign_db(path, "CREATE TABLE customers (name TEXT);");
	assert_open_rejected(path, JOURNAL_ESCHEMA);

	snprintf(path, sizeof(path), "%s/other-app.db", f->dir);
	make_foreign_db(path, "CREATE TABLE operations (id TEXT);"
			      "PRAGMA user_version = 1;");
	assert_open_rejected(path, JOURNAL_ESCHEMA);
}

static void open_garbage_file(void **state)
{
	struct journal_fixture *f = *state;
	char path[160];
	FILE *file;

	snprintf(path, sizeof(path), "%s/garbage.db", f->dir);
	file = fopen(path, "wb");
	assert_non_null(file);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database file\n", file);
	assert_int_equal(fclose(file), 0);

	assert_open_rejected(path, JOURNAL_EIO);
}

static void open_bad_arguments(void **state)
{
	struct journal_fixture *f = *state;
	struct journal *journal = UNSET_JOURNAL;
	char path[160];

	assert_int_equal(journal_open(NULL, &journal), JOURNAL_EINVAL);
	assert_null(journal);
	journal = UNSET_JOURNAL;
	assert_int_equal(journal_open("", &journal), JOURNAL_EINVAL);
	assert_null(journal);
	assert_int_equal(journal_open(f->path, NULL), JOURNAL_EINVAL);

	snprintf(path, sizeof(path), "%s/no-such-dir/journal.db", f->dir);
	journal = UNSET_JOURNAL;
	assert_int_equal(journal_open(path, &journal), JOURNAL_EIO);
	assert_null(journal);

	journal_close(NULL);
}

/* The schema of version 1, as journal_open wrote it before version 2. */
static const char v1_schema[] =
	"CREATE TABLE operations ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" type TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('queued', 'in_flight',"
	"  'accepted', 'rejected', 'needs_attention')),"
	" agent_id TEXT NOT NULL,"
	" currency TEXT NOT NULL,"
	" amount INTEGER NOT NULL,"
	" payload TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" next_attempt_at INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" reference TEXT NOT NULL DEFAULT '',"
	" last_error TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	"CREATE INDEX operations_due ON operations (state, next_attempt_at);"
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL"
	") STRICT;"
	"PRAGMA application_id = 1397768522;"
	"PRAGMA user_version = 1;";

/* A version 1 file in WAL mode, as a version 1 build leaves it, with one
 * in-flight operation. */
static void make_v1_journal(const char *path, const char *id,
			    const char *extra_sql)
{
	sqlite3 *db = NULL;
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "PRAGMA journal_mode = WAL;"
		 "INSERT INTO operations (id, type, state, agent_id, currency,"
		 " amount, payload, created_at, updated_at, next_attempt_at,"
		 " attempts, reference, last_error) VALUES ('%s',"
		 " 'cash_in', 'in_flight', 'agent-7', 'GHS', 2500,"
		 " '{\"n\":1}', 100, 101, 102, 3, '', 'timed out');%s",
		 id, extra_sql);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void migrate_v1_to_v2(void **state)
{
	struct journal_fixture *f = *state;
	const char *id = "123e4567-e89b-42d3-a456-426614174000";
	struct journal *journal = NULL;
	struct operation got;
	struct operation later;
	struct operation batch[2];
	char path[160];
	char text[64];

	snprintf(path, sizeof(path), "%s/v1.db", f->dir);
	make_v1_journal(path, id, "");
	assert_int_equal(journal_open(path, &journal), JOURNAL_OK);

	journal_fixture_query(path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");
	journal_fixture_query(
		path,
		"SELECT count(*) FROM pragma_index_list('operations')"
		" WHERE name = 'operations_queue'",
		NULL, text, sizeof(text));
	assert_string_equal(text, "1");
	journal_fixture_query(
		path,
		"SELECT typeof(acknowledged_at) || ',' || age_approved"
		" FROM operations",
		NULL, text, sizeof(text));
	assert_string_equal(text, "null,0");

	assert_int_equal(journal_get(journal, id, &got), JOURNAL_OK);
	assert_string_equal(got.type, "cash_in");
	assert_int_equal(got.state, OP_IN_FLIGHT);
	assert_string_equal(got.agent_id, "agent-7");
	assert_int_equal(got.amount, 2500);
	assert_string_equal(got.payload, "{\"n\":1}");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.updated_at, 101);
	assert_int_equal(got.next_attempt_at, 102);
	assert_int_equal(got.attempts, 3);
	assert_string_equal(got.last_error, "timed out");
	assert_int_equal(got.acknowledged_at, 0);
	assert_int_equal(got.age_approved, 0);
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++)
		assert_string_equal(got.keys[i], "");

	/* The upgraded file takes keys, and its old row is in the queue. */
	journal_fixture_make_op(&later, 2, 200);
	strcpy(later.keys[0], "wallet:1000000001");
	assert_int_equal(journal_insert(journal, &later), JOURNAL_OK);
	assert_int_equal(journal_next_batch(journal, INT64_MAX, batch, 2), 2);
	assert_string_equal(batch[0].id, id);
	assert_string_equal(batch[1].id, later.id);
	assert_string_equal(batch[1].keys[0], "wallet:1000000001");
	journal_close(journal);
}

/* A migration that fails part way leaves the file at version 1. */
static void migrate_failure_rolls_back(void **state)
{
	struct journal_fixture *f = *state;
	const char *id = "123e4567-e89b-42d3-a456-426614174000";
	struct journal *journal = UNSET_JOURNAL;
	char path[160];
	char text[64];

	snprintf(path, sizeof(path), "%s/v1-blocked.db", f->dir);
	make_v1_journal(path, id,
			"CREATE TABLE operation_keys (x INTEGER);");
	assert_int_equal(journal_open(path, &journal), JOURNAL_EIO);
	assert_null(journal);

	journal_fixture_query(path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "1");
	journal_fixture_query(
		path,
		"SELECT count(*) FROM pragma_table_info('operations')"
		" WHERE name IN ('acknowledged_at', 'age_approved')",
		NULL, text, sizeof(text));
	assert_string_equal(text, "0");
	journal_fixture_query(path, "SELECT state FROM operations", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "in_flight");
}

/* A stored value that does not fit struct operation is an error, never
 * cut short. */
static void get_oversized_field(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;

	journal_fixture_make_op(&op, 1, 1);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	journal_fixture_exec(
		f->path,
		"UPDATE operations SET type ="
		" 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' WHERE id = ?1",
		op.id, NULL);

	memset(&got, 0x5a, sizeof(got));
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_EIO);
	assert_int_equal((unsigned char)got.id[0], 0x5a);
	assert_int_equal(journal_next_due(f->journal, 10, &got), JOURNAL_EIO);

	journal_fixture_exec(f->path,
			     "UPDATE operations SET type = 'ok', attempts = -1"
			     " WHERE id = ?1",
			     op.id, NULL);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_EIO);
}

/* A writer that holds the lock longer than the busy timeout (5 s) turns
 * into JOURNAL_EBUSY and leaves no transaction open behind. */
static void locked_by_other_writer(void **state)
{
	struct journal_fixture *f = *state;
	struct operation queued;
	struct operation op;
	sqlite3 *db = NULL;

	journal_fixture_make_op(&queued, 1, 1);
	assert_int_equal(journal_insert(f->journal, &queued), JOURNAL_OK);

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
			 SQLITE_OK);

	journal_fixture_make_op(&op, 2, 2);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_EBUSY);
	assert_int_equal(journal_mark_in_flight(f->journal, queued.id, 3),
			 JOURNAL_EBUSY);

	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_mark_in_flight(f->journal, queued.id, 3),
			 JOURNAL_OK);
}

/* Insert op with its keys after moving it to state through the journal's
 * own state changes. */
static void insert_in_state(struct journal *journal, struct operation *op,
			    enum op_state state)
{
	assert_int_equal(journal_insert(journal, op), JOURNAL_OK);
	switch (state) {
	case OP_QUEUED:
		break;
	case OP_IN_FLIGHT:
		assert_int_equal(journal_mark_in_flight(journal, op->id, 1),
				 JOURNAL_OK);
		break;
	case OP_ACCEPTED:
		assert_int_equal(journal_mark_accepted(journal, op->id,
						       "REF-1", 1),
				 JOURNAL_OK);
		break;
	case OP_REJECTED:
		assert_int_equal(journal_mark_rejected(journal, op->id,
						       "no", 1),
				 JOURNAL_OK);
		break;
	case OP_NEEDS_ATTENTION:
		assert_int_equal(journal_mark_attention(journal, op->id,
							"check", 1),
				 JOURNAL_OK);
		break;
	}
	op->state = state;
}

static void list_by_key_table(void **state)
{
	struct journal_fixture *f = *state;
	const unsigned all = (1u << OP_STATE_COUNT) - 1;
	struct operation ops[4];
	struct operation got[4];
	static const struct {
		const char *key;
		unsigned mask;
		int max;
		int expected[4]; /* indexes into ops, -1 ends */
	} cases[] = {
		{"op:original", 1u << OP_QUEUED | 1u << OP_ACCEPTED, 4,
		 {2, 0, -1}},
		{"op:original", all, 4, {2, 0, 1, -1}},
		{"op:original", all, 2, {2, 0, -1}},
		{"op:original", 1u << OP_REJECTED, 4, {1, -1}},
		{"op:original", 1u << OP_NEEDS_ATTENTION, 4, {-1}},
		{"op:original", 1u << OP_STATE_COUNT, 4, {-1}},
		{"wallet:1000000001", all, 4, {3, 1, -1}},
		{"float:A1001:GHS", all, 4, {-1}},
		{"op:original", all, 0, {-1}},
	};

	/* Journal order is created_at first: ops[2] is the oldest. */
	journal_fixture_make_op(&ops[0], 0, 200);
	strcpy(ops[0].keys[0], "op:original");
	journal_fixture_make_op(&ops[1], 1, 300);
	strcpy(ops[1].keys[0], "wallet:1000000001");
	strcpy(ops[1].keys[1], "op:original");
	journal_fixture_make_op(&ops[2], 2, 100);
	strcpy(ops[2].keys[0], "op:original");
	journal_fixture_make_op(&ops[3], 3, 50);
	strcpy(ops[3].keys[0], "wallet:1000000001");
	insert_in_state(f->journal, &ops[0], OP_QUEUED);
	insert_in_state(f->journal, &ops[1], OP_REJECTED);
	insert_in_state(f->journal, &ops[2], OP_ACCEPTED);
	insert_in_state(f->journal, &ops[3], OP_IN_FLIGHT);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int expected = 0;
		int n;

		print_message("case %zu: %s\n", i, cases[i].key);
		while (cases[i].expected[expected] >= 0)
			expected++;
		n = journal_list_by_key(f->journal, cases[i].key,
					cases[i].mask, got, cases[i].max);
		assert_int_equal(n, expected);
		for (int j = 0; j < n; j++) {
			const struct operation *want =
				&ops[cases[i].expected[j]];

			assert_string_equal(got[j].id, want->id);
			assert_int_equal(got[j].state, want->state);
		}
	}

	/* Rows come with their keys. */
	assert_int_equal(journal_list_by_key(f->journal, "op:original",
					     1u << OP_REJECTED, got, 1),
			 1);
	assert_string_equal(got[0].keys[0], "op:original");
	assert_string_equal(got[0].keys[1], "wallet:1000000001");
}

static void list_by_key_invalid(void **state)
{
	struct journal_fixture *f = *state;
	struct operation got[1];
	char long_key[JOURNAL_KEY_SIZE + 1];

	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	assert_int_equal(journal_list_by_key(f->journal, "", 1, got, 1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_list_by_key(f->journal, NULL, 1, got, 1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_list_by_key(f->journal, long_key, 1, got, 1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_list_by_key(f->journal, "k", 1, got, -1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_list_by_key(f->journal, "k", 1, NULL, 1),
			 JOURNAL_EINVAL);
}

/* A version 5 file, as a version 5 build leaves it: the current schema
 * without the day closings and the secret column. */
static void downgrade_to_v5(struct journal_fixture *f)
{
	journal_close(f->journal);
	f->journal = NULL;
	journal_fixture_exec(f->path, "DROP TABLE print_jobs", NULL, NULL);
	journal_fixture_exec(f->path, "DROP TABLE day_pending", NULL, NULL);
	journal_fixture_exec(f->path, "DROP TABLE day_closes", NULL, NULL);
	journal_fixture_exec(f->path,
			     "ALTER TABLE operations DROP COLUMN secret", NULL,
			     NULL);
	journal_fixture_exec(f->path, "PRAGMA user_version = 5", NULL, NULL);
}

static void migrate_v5_to_v6(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[3];
	struct operation got;
	struct journal_day day;
	char report[64];
	char text[64];

	for (int i = 0; i < 3; i++) {
		journal_fixture_make_op(&ops[i], i, 100 + i);
		snprintf(ops[i].keys[0], JOURNAL_KEY_SIZE, "op:%d", i);
	}
	insert_in_state(f->journal, &ops[0], OP_ACCEPTED);
	insert_in_state(f->journal, &ops[1], OP_REJECTED);
	insert_in_state(f->journal, &ops[2], OP_QUEUED);
	downgrade_to_v5(f);
	journal_fixture_query(f->path,
			      "SELECT count(*) FROM sqlite_schema"
			      " WHERE name = 'day_closes'",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "0");

	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");
	journal_fixture_query(f->path, "SELECT count(*) FROM operations", NULL,
			      text, sizeof(text));
	assert_string_equal(text, "3");
	journal_fixture_query(f->path, "SELECT count(*) FROM operation_keys",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "3");
	journal_fixture_query(f->path, "SELECT count(*) FROM day_closes", NULL,
			      text, sizeof(text));
	assert_string_equal(text, "0");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(journal_get(f->journal, ops[i].id, &got),
				 JOURNAL_OK);
		assert_int_equal(got.state, ops[i].state);
		assert_int_equal(got.amount, ops[i].amount);
		assert_string_equal(got.keys[0], ops[i].keys[0]);
	}

	/* The old rows make up the first open day, which closes. */
	assert_int_equal(journal_day_scan(f->journal, NULL, NULL, &day),
			 JOURNAL_OK);
	assert_int_equal(day.day, 1);
	assert_int_equal(day.operations, 3);
	assert_int_equal(day.opened_at, 100);
	assert_string_equal(day.last_id, ops[2].id);
	day.closed_at = 500;
	assert_int_equal(journal_day_record(f->journal, &day, "{}"),
			 JOURNAL_OK);
	assert_int_equal(journal_day_get(f->journal, 1, &day, report,
					 sizeof(report)),
			 JOURNAL_OK);
	assert_int_equal(day.operations, 3);
	assert_string_equal(report, "{}");
}

static void day_record_checks(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[2];
	struct journal_day open;
	struct journal_day day;
	char report[8];
	char small[2];

	journal_fixture_make_op(&ops[0], 0, 100);
	journal_fixture_make_op(&ops[1], 1, 90);
	assert_int_equal(journal_insert(f->journal, &ops[0]), JOURNAL_OK);
	assert_int_equal(journal_day_scan(f->journal, NULL, NULL, &open),
			 JOURNAL_OK);
	assert_int_equal(open.day, 1);
	assert_int_equal(open.operations, 1);
	open.closed_at = 150;

	/* Not the open day, an unknown last operation, a bad report. */
	day = open;
	day.day = 2;
	assert_int_equal(journal_day_record(f->journal, &day, "{}"),
			 JOURNAL_EINVAL);
	day = open;
	strcpy(day.last_id, "00000000-0000-4000-8000-000000000000");
	assert_int_equal(journal_day_record(f->journal, &day, "{}"),
			 JOURNAL_ENOTFOUND);
	assert_int_equal(journal_day_record(f->journal, &open, ""),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_day_get(f->journal, 1, &day, report,
					 sizeof(report)),
			 JOURNAL_ENOTFOUND);

	assert_int_equal(journal_day_record(f->journal, &open, "{\"d\":1}"),
			 JOURNAL_OK);
	/* A second close of day 1 lost the race. */
	assert_int_equal(journal_day_record(f->journal, &open, "{}"),
			 JOURNAL_EEXIST);

	/* A later row is in day 2 although its clock is earlier. */
	assert_int_equal(journal_insert(f->journal, &ops[1]), JOURNAL_OK);
	assert_int_equal(journal_day_scan(f->journal, NULL, NULL, &day),
			 JOURNAL_OK);
	assert_int_equal(day.day, 2);
	assert_int_equal(day.opened_at, 150);
	assert_int_equal(day.operations, 1);
	assert_string_equal(day.last_id, ops[1].id);

	/* Day 2 cannot end at day 1's operation. */
	day.closed_at = 200;
	strcpy(day.last_id, ops[0].id);
	assert_int_equal(journal_day_record(f->journal, &day, "{}"),
			 JOURNAL_EINVAL);

	assert_int_equal(journal_day_get(f->journal, 1, &day, small,
					 sizeof(small)),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_day_get(f->journal, 1, &day, report,
					 sizeof(report)),
			 JOURNAL_OK);
	assert_string_equal(report, "{\"d\":1}");
	assert_int_equal(day.closed_at, 150);
	assert_int_equal(day.opened_at, 100);
}

static int stop_after_one(const struct operation *op, void *context)
{
	int *seen = context;

	(void)op;
	(*seen)++;
	return 1;
}

static void day_scan_stops(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[2];
	struct journal_day day;
	int seen = 0;

	journal_fixture_make_op(&ops[0], 0, 100);
	journal_fixture_make_op(&ops[1], 1, 110);
	assert_int_equal(journal_insert(f->journal, &ops[0]), JOURNAL_OK);
	assert_int_equal(journal_insert(f->journal, &ops[1]), JOURNAL_OK);
	assert_int_equal(journal_day_scan(f->journal, stop_after_one, &seen,
					  &day),
			 JOURNAL_ECHECK);
	assert_int_equal(seen, 1);
	/* The read transaction is over: a write goes through. */
	journal_fixture_make_op(&ops[0], 2, 120);
	assert_int_equal(journal_insert(f->journal, &ops[0]), JOURNAL_OK);
}


/* The secret column of operation id on a second connection: "(null)",
 * "(sealed)" for a value in the journal's sealed format, else the stored
 * text. test_journal_vault.c checks what a sealed value contains. */
static void raw_secret(const char *path, const char *id, char *out,
		       size_t size)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT CASE WHEN secret IS NULL THEN '(null)'"
		 " WHEN secret GLOB 'v1:*' THEN '(sealed)'"
		 " ELSE secret END FROM operations WHERE id = '%s'",
		 id);
	journal_fixture_query(path, sql, NULL, out, size);
}

#define SECRET "{\"code\":\"918273\"}"

/* Every read returns a pending operation's secret, and an empty one is
 * stored as NULL. */
static void secret_kept_while_pending(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation plain;
	struct operation got[2];
	char text[64];

	journal_fixture_make_op(&op, 1, 100);
	strcpy(op.secret, SECRET);
	strcpy(op.keys[0], "wallet:1000000001");
	journal_fixture_make_op(&plain, 2, 200);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_insert(f->journal, &plain), JOURNAL_OK);
	raw_secret(f->path, op.id, text, sizeof(text));
	assert_string_equal(text, "(sealed)");
	raw_secret(f->path, plain.id, text, sizeof(text));
	assert_string_equal(text, "(null)");

	assert_int_equal(journal_next_due(f->journal, 100, &got[0]),
			 JOURNAL_OK);
	assert_string_equal(got[0].secret, SECRET);
	assert_int_equal(journal_next_batch(f->journal, INT64_MAX, got, 2), 2);
	assert_string_equal(got[0].secret, SECRET);
	assert_string_equal(got[1].secret, "");
	assert_int_equal(journal_list(f->journal, 1u << OP_QUEUED, 0, got, 2),
			 2);
	assert_string_equal(got[1].secret, SECRET);
	assert_int_equal(journal_list_by_key(f->journal, "wallet:1000000001",
					     1u << OP_QUEUED, got, 2),
			 1);
	assert_string_equal(got[0].secret, SECRET);

	/* Changes short of a decision keep it. */
	assert_int_equal(journal_mark_in_flight(f->journal, op.id, 110),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_retry(f->journal, op.id, OP_IN_FLIGHT,
					    "timed out", 120, 110),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_attention(f->journal, op.id, "check",
						130),
			 JOURNAL_OK);
	assert_int_equal(journal_retry_attention(f->journal, op.id, 140),
			 JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, op.id, &got[0]), JOURNAL_OK);
	assert_string_equal(got[0].secret, SECRET);
}

enum final_path {
	FINAL_MARK_ACCEPTED,
	FINAL_MARK_REJECTED,
	FINAL_OUTCOME_ACCEPTED,
	FINAL_OUTCOME_REJECTED,
	FINAL_CANCEL,
	FINAL_DISCARD,
};

/* Move op, queued or in flight, to a final state by `path`. */
static int run_final(struct journal *journal, const char *id,
		     enum final_path path)
{
	struct journal_outcome outcome = {
		.kind = path == FINAL_OUTCOME_ACCEPTED
				? JOURNAL_OUTCOME_ACCEPTED
				: JOURNAL_OUTCOME_REJECTED,
		.text = "REF-9",
	};

	strcpy(outcome.id, id);
	switch (path) {
	case FINAL_MARK_ACCEPTED:
		return journal_mark_accepted(journal, id, "REF-9", 50);
	case FINAL_MARK_REJECTED:
		return journal_mark_rejected(journal, id, "no funds", 50);
	case FINAL_OUTCOME_ACCEPTED:
	case FINAL_OUTCOME_REJECTED:
		return journal_record_outcomes(journal, &outcome, 1, 50);
	case FINAL_CANCEL:
		return journal_cancel(journal, id, "customer left", 50);
	case FINAL_DISCARD:
		return journal_discard(journal, id, "version conflict", 50);
	}
	return -100;
}

/* Each way to a final state clears the secret in the file; a change the
 * state does not allow keeps it. */
static void secret_cleared_when_final(void **state)
{
	static const struct {
		enum final_path path;
		enum op_state from;
		int result;
		enum op_state to;
		const char *stored; /* secret column afterwards */
	} cases[] = {
		{FINAL_MARK_ACCEPTED, OP_IN_FLIGHT, JOURNAL_OK, OP_ACCEPTED,
		 "(null)"},
		{FINAL_MARK_REJECTED, OP_QUEUED, JOURNAL_OK, OP_REJECTED,
		 "(null)"},
		{FINAL_OUTCOME_ACCEPTED, OP_IN_FLIGHT, 0, OP_ACCEPTED,
		 "(null)"},
		{FINAL_OUTCOME_REJECTED, OP_IN_FLIGHT, 0, OP_REJECTED,
		 "(null)"},
		{FINAL_CANCEL, OP_QUEUED, JOURNAL_OK, OP_REJECTED, "(null)"},
		{FINAL_CANCEL, OP_IN_FLIGHT, JOURNAL_ESTATE, OP_IN_FLIGHT,
		 "(sealed)"},
		{FINAL_DISCARD, OP_NEEDS_ATTENTION, JOURNAL_OK, OP_REJECTED,
		 "(null)"},
		{FINAL_DISCARD, OP_QUEUED, JOURNAL_ESTATE, OP_QUEUED,
		 "(sealed)"},
	};
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct operation op;
		struct operation got;
		char text[64];
		int rc;

		journal_fixture_make_op(&op, (int)i, 1);
		strcpy(op.secret, SECRET);
		bring_to_state(f, &op, cases[i].from);
		rc = run_final(f->journal, op.id, cases[i].path);
		if (rc != cases[i].result)
			print_message("failing case %zu\n", i);
		assert_int_equal(rc, cases[i].result);
		assert_int_equal(journal_get(f->journal, op.id, &got),
				 JOURNAL_OK);
		assert_int_equal(got.state, cases[i].to);
		raw_secret(f->path, op.id, text, sizeof(text));
		assert_string_equal(text, cases[i].stored);
		assert_string_equal(got.secret,
				    rc == JOURNAL_OK || rc > 0 ? "" : SECRET);
	}
}

/* The CHECK constraint keeps a secret out of a decided row even for
 * other writers. */
static void schema_rejects_decided_secret(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	sqlite3 *db = NULL;
	int rc;

	journal_fixture_make_op(&op, 1, 100);
	strcpy(op.secret, SECRET);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, "UPDATE operations SET state = 'accepted'",
			  NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Once an operation is decided and the journal closed, which checkpoints
 * and removes the WAL file, the secret's bytes are nowhere in the file.
 * Debian's SQLite 3.40 is built with SQLITE_SECURE_DELETE, so there this
 * checks the clearing, not the journal's secure_delete pragma. */
static void secret_overwritten_in_file(void **state)
{
	struct journal_fixture *f = *state;
	const char *marker = "zq7-secret-marker-5521";
	struct operation op;
	char wal[160];
	size_t size;
	char *data;

	journal_fixture_make_op(&op, 1, 100);
	snprintf(op.secret, sizeof(op.secret), "{\"code\":\"%s\"}", marker);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_mark_in_flight(f->journal, op.id, 110),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_accepted(f->journal, op.id, "R-1", 120),
			 JOURNAL_OK);
	journal_close(f->journal);
	f->journal = NULL;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_false(file_exists(wal));
	data = read_whole_file(f->path, &size);
	assert_null(memmem(data, size, marker, strlen(marker)));
	free(data);
}

/* Turn the closed journal at path into a version 7 file, as a version 7
 * build leaves it: day_closes with UNIQUE on last_operation_id, its rows
 * kept, and no day_pending or print_jobs. */
static void rebuild_v7_days(const char *path)
{
	journal_fixture_exec(path, "DROP TABLE print_jobs", NULL, NULL);
	journal_fixture_exec(path, "DROP TABLE day_pending", NULL, NULL);
	journal_fixture_exec(
		path,
		"CREATE TABLE day_closes_v7 ("
		" day INTEGER PRIMARY KEY NOT NULL CHECK (day > 0),"
		" opened_at INTEGER NOT NULL,"
		" closed_at INTEGER NOT NULL,"
		" last_operation_id TEXT NOT NULL UNIQUE"
		"  REFERENCES operations (id),"
		" report TEXT NOT NULL"
		") STRICT",
		NULL, NULL);
	journal_fixture_exec(
		path, "INSERT INTO day_closes_v7 SELECT * FROM day_closes",
		NULL, NULL);
	journal_fixture_exec(path, "DROP TABLE day_closes", NULL, NULL);
	journal_fixture_exec(path,
			     "ALTER TABLE day_closes_v7 RENAME TO day_closes",
			     NULL, NULL);
}

static void downgrade_to_v7(struct journal_fixture *f)
{
	journal_close(f->journal);
	f->journal = NULL;
	rebuild_v7_days(f->path);
	journal_fixture_exec(f->path, "PRAGMA user_version = 7", NULL, NULL);
}

/* A version 6 file, as a version 6 build leaves it: the version 7
 * schema without the secret column. */
static void downgrade_to_v6(struct journal_fixture *f)
{
	journal_close(f->journal);
	f->journal = NULL;
	rebuild_v7_days(f->path);
	journal_fixture_exec(f->path,
			     "ALTER TABLE operations DROP COLUMN secret", NULL,
			     NULL);
	journal_fixture_exec(f->path, "PRAGMA user_version = 6", NULL, NULL);
}

/* The upgrade keeps every row, moves a pending cash-out's code from its
 * payload to its secret and drops a decided one's. */
static void migrate_v6_to_v7(void **state)
{
	static const struct {
		const char *type;
		enum op_state state;
		const char *payload;
		const char *payload_after;
		const char *secret_after;
	} cases[] = {
		{"cash_out", OP_QUEUED,
		 "{\"amount\":500,\"code\":\"123456\",\"fee\":0}",
		 "{\"amount\":500,\"fee\":0}", "{\"code\":\"123456\"}"},
		{"cash_out", OP_IN_FLIGHT, "{\"code\":\"654321\",\"n\":1}",
		 "{\"n\":1}", "{\"code\":\"654321\"}"},
		{"cash_out", OP_ACCEPTED, "{\"code\":\"111111\",\"n\":2}",
		 "{\"n\":2}", ""},
		{"cash_out", OP_REJECTED, "{\"code\":\"222222\",\"n\":3}",
		 "{\"n\":3}", ""},
		{"cash_out", OP_QUEUED, "not json", "not json", ""},
		{"cash_out", OP_QUEUED, "{\"n\":4}", "{\"n\":4}", ""},
		{"cash_in", OP_QUEUED, "{\"code\":\"333333\"}",
		 "{\"code\":\"333333\"}", ""},
	};
	enum { CASE_COUNT = sizeof(cases) / sizeof(cases[0]) };
	struct journal_fixture *f = *state;
	struct operation ops[CASE_COUNT];
	struct operation got;
	char text[64];

	for (int i = 0; i < CASE_COUNT; i++) {
		journal_fixture_make_op(&ops[i], i, 100 + i);
		strcpy(ops[i].type, cases[i].type);
		strcpy(ops[i].payload, cases[i].payload);
		insert_in_state(f->journal, &ops[i], cases[i].state);
	}
	downgrade_to_v6(f);
	journal_fixture_query(
		f->path,
		"SELECT count(*) FROM pragma_table_info('operations')"
		" WHERE name = 'secret'",
		NULL, text, sizeof(text));
	assert_string_equal(text, "0");

	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");
	journal_fixture_query(
		f->path,
		"SELECT count(*) FROM pragma_table_info('operations')"
		" WHERE name = 'secret'",
		NULL, text, sizeof(text));
	assert_string_equal(text, "1");
	journal_fixture_query(f->path, "SELECT count(*) FROM operations", NULL,
			      text, sizeof(text));
	assert_string_equal(text, "7");
	for (int i = 0; i < CASE_COUNT; i++) {
		assert_int_equal(journal_get(f->journal, ops[i].id, &got),
				 JOURNAL_OK);
		assert_int_equal(got.state, cases[i].state);
		assert_int_equal(got.amount, ops[i].amount);
		assert_string_equal(got.payload, cases[i].payload_after);
		assert_string_equal(got.secret, cases[i].secret_after);
	}
}

/* The upgrade keeps every close and carries the operations of closed
 * days that are still pending, but none of the open day's and no
 * decided one. */
static void migrate_v7_to_v8(void **state)
{
	static const enum op_state day_one[] = {
		OP_ACCEPTED, OP_QUEUED, OP_NEEDS_ATTENTION, OP_REJECTED,
		OP_IN_FLIGHT,
	};
	struct journal_fixture *f = *state;
	struct operation ops[6];
	struct journal_day day;
	char report[64];
	char text[64];
	char sql[128 + JOURNAL_ID_SIZE];

	for (int i = 0; i < 5; i++) {
		journal_fixture_make_op(&ops[i], i, 100 + i);
		insert_in_state(f->journal, &ops[i], day_one[i]);
	}
	assert_int_equal(journal_day_scan(f->journal, NULL, NULL, &day),
			 JOURNAL_OK);
	day.closed_at = 200;
	assert_int_equal(journal_day_record(f->journal, &day, "{\"d\":1}"),
			 JOURNAL_OK);
	journal_fixture_make_op(&ops[5], 5, 300);
	insert_in_state(f->journal, &ops[5], OP_QUEUED);
	downgrade_to_v7(f);
	journal_fixture_query(f->path,
			      "SELECT count(*) FROM sqlite_schema"
			      " WHERE name = 'day_pending'",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "0");

	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");
	journal_fixture_query(f->path, "SELECT count(*) FROM operations", NULL,
			      text, sizeof(text));
	assert_string_equal(text, "6");
	journal_fixture_query(
		f->path,
		"SELECT count(*) FROM pragma_index_list('day_closes')"
		" WHERE \"unique\" = 1 AND origin = 'u'",
		NULL, text, sizeof(text));
	assert_string_equal(text, "0");
	assert_int_equal(journal_day_get(f->journal, 1, &day, report,
					 sizeof(report)),
			 JOURNAL_OK);
	assert_string_equal(report, "{\"d\":1}");
	assert_int_equal(day.operations, 5);
	assert_int_equal(day.closed_at, 200);

	journal_fixture_query(f->path,
			      "SELECT group_concat(day, ',') FROM day_pending",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "1,1,1");
	for (int i = 0; i < 6; i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM day_pending"
			 " WHERE operation_id = '%.*s'",
			 JOURNAL_ID_SIZE - 1, ops[i].id);
		journal_fixture_query(f->path, sql, NULL, text, sizeof(text));
		print_message("operation %d\n", i);
		assert_string_equal(text, i == 1 || i == 2 || i == 4 ? "1"
								    : "0");
	}
}

/* What journal_day_close gave its callbacks, and what compose
 * returns. */
struct close_seen {
	int day_ops;
	int carried_ops;
	char carried_id[JOURNAL_ID_SIZE];
	int64_t compose_carried;
	int refuse;
};

static int see_day(const struct operation *op, void *context)
{
	struct close_seen *seen = context;

	(void)op;
	seen->day_ops++;
	return 0;
}

static int see_carried(const struct operation *op, void *context)
{
	struct close_seen *seen = context;

	seen->carried_ops++;
	strcpy(seen->carried_id, op->id);
	return 0;
}

static int compose_day(const struct journal_day *day, int64_t carried,
		       char *report, size_t size, void *context)
{
	struct close_seen *seen = context;

	seen->compose_carried = carried;
	snprintf(report, size, "{\"day\":%lld}", (long long)day->day);
	return seen->refuse;
}

static int close_with(struct journal *journal, int64_t closed_at,
		      struct close_seen *seen, struct journal_day *out)
{
	const struct journal_day_close calls = {
		.visit_day = see_day,
		.visit_carried = see_carried,
		.compose = compose_day,
		.context = seen,
	};

	seen->day_ops = 0;
	seen->carried_ops = 0;
	seen->carried_id[0] = '\0';
	seen->compose_carried = -1;
	return journal_day_close(journal, closed_at, &calls, out);
}

static void count_rows(const char *path, const char *table, char *text,
		       size_t size)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	journal_fixture_query(path, sql, NULL, text, size);
}

/* A close carries the day's pending operations; once one is decided, the
 * next close is given it, may close without operations of its own, and
 * drops it from the carried ones. */
static void day_close_carries_pending(void **state)
{
	struct journal_fixture *f = *state;
	struct close_seen seen = {0};
	struct operation ops[3];
	struct journal_day day;
	int64_t count = -1;
	char report[64];
	char text[64];

	journal_fixture_make_op(&ops[0], 0, 100);
	journal_fixture_make_op(&ops[1], 1, 110);
	insert_in_state(f->journal, &ops[0], OP_QUEUED);
	insert_in_state(f->journal, &ops[1], OP_ACCEPTED);
	assert_int_equal(close_with(f->journal, 150, &seen, &day), JOURNAL_OK);
	assert_int_equal(day.day, 1);
	assert_int_equal(day.operations, 2);
	assert_int_equal(seen.day_ops, 2);
	assert_int_equal(seen.carried_ops, 0);
	count_rows(f->path, "day_pending", text, sizeof(text));
	assert_string_equal(text, "1");

	/* Still pending: nothing carried is decided, so day 2 is empty. */
	assert_int_equal(journal_day_scan_carried(f->journal, NULL, NULL,
						  &count),
			 JOURNAL_OK);
	assert_int_equal(count, 0);
	assert_int_equal(close_with(f->journal, 200, &seen, &day),
			 JOURNAL_EINVAL);
	assert_int_equal(seen.compose_carried, 0);
	count_rows(f->path, "day_closes", text, sizeof(text));
	assert_string_equal(text, "1");

	assert_int_equal(journal_mark_accepted(f->journal, ops[0].id, "R",
					       160),
			 JOURNAL_OK);
	assert_int_equal(journal_day_scan_carried(f->journal, see_carried,
						  &seen, &count),
			 JOURNAL_OK);
	assert_int_equal(count, 1);
	assert_string_equal(seen.carried_id, ops[0].id);

	assert_int_equal(close_with(f->journal, 250, &seen, &day), JOURNAL_OK);
	assert_int_equal(day.day, 2);
	assert_int_equal(day.operations, 0);
	assert_int_equal(day.opened_at, 150);
	assert_string_equal(day.last_id, ops[1].id);
	assert_int_equal(seen.day_ops, 0);
	assert_int_equal(seen.carried_ops, 1);
	assert_int_equal(seen.compose_carried, 1);
	count_rows(f->path, "day_pending", text, sizeof(text));
	assert_string_equal(text, "0");
	assert_int_equal(journal_day_get(f->journal, 2, &day, report,
					 sizeof(report)),
			 JOURNAL_OK);
	assert_string_equal(report, "{\"day\":2}");
	assert_int_equal(day.operations, 0);

	/* Nothing is left to close; a new operation belongs to day 3. */
	assert_int_equal(close_with(f->journal, 300, &seen, &day),
			 JOURNAL_EINVAL);
	journal_fixture_make_op(&ops[2], 2, 90);
	insert_in_state(f->journal, &ops[2], OP_QUEUED);
	assert_int_equal(journal_day_scan(f->journal, NULL, NULL, &day),
			 JOURNAL_OK);
	assert_int_equal(day.day, 3);
	assert_int_equal(day.operations, 1);
	assert_int_equal(day.opened_at, 250);
}

/* A carried operation still pending at the next close stays carried,
 * and compose refusing a close records nothing. */
static void day_close_keeps_undecided(void **state)
{
	struct journal_fixture *f = *state;
	struct close_seen seen = {0};
	struct operation ops[2];
	struct journal_day day;
	char text[64];

	journal_fixture_make_op(&ops[0], 0, 100);
	insert_in_state(f->journal, &ops[0], OP_IN_FLIGHT);
	assert_int_equal(close_with(f->journal, 150, &seen, &day), JOURNAL_OK);
	journal_fixture_make_op(&ops[1], 1, 200);
	insert_in_state(f->journal, &ops[1], OP_NEEDS_ATTENTION);

	seen.refuse = 1;
	assert_int_equal(close_with(f->journal, 250, &seen, &day),
			 JOURNAL_ECHECK);
	count_rows(f->path, "day_closes", text, sizeof(text));
	assert_string_equal(text, "1");
	count_rows(f->path, "day_pending", text, sizeof(text));
	assert_string_equal(text, "1");

	seen.refuse = 0;
	assert_int_equal(close_with(f->journal, 250, &seen, &day), JOURNAL_OK);
	assert_int_equal(day.day, 2);
	assert_int_equal(seen.carried_ops, 0);
	journal_fixture_query(f->path,
			      "SELECT group_concat(day, ',') FROM"
			      " (SELECT day FROM day_pending ORDER BY day)",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "1,2");

	assert_int_equal(journal_mark_rejected(f->journal, ops[0].id, "no",
					       260),
			 JOURNAL_OK);
	assert_int_equal(close_with(f->journal, 300, &seen, &day), JOURNAL_OK);
	assert_int_equal(day.day, 3);
	assert_int_equal(seen.carried_ops, 1);
	assert_string_equal(seen.carried_id, ops[0].id);
	journal_fixture_query(f->path, "SELECT day FROM day_pending", NULL,
			      text, sizeof(text));
	assert_string_equal(text, "2");
}

static void day_close_invalid(void **state)
{
	struct journal_fixture *f = *state;
	struct journal_day_close calls = {.compose = NULL};
	struct journal_day day;

	assert_int_equal(journal_day_close(f->journal, 1, NULL, &day),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_day_close(f->journal, 1, &calls, &day),
			 JOURNAL_EINVAL);
	calls.compose = compose_day;
	assert_int_equal(journal_day_close(f->journal, 1, &calls, NULL),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_day_scan_carried(f->journal, NULL, NULL,
						  NULL),
			 JOURNAL_EINVAL);
}

static void state_names(void **state)
{
	static const struct {
		enum op_state state;
		const char *name;
	} names[] = {
		{OP_QUEUED, "queued"},
		{OP_IN_FLIGHT, "in_flight"},
		{OP_ACCEPTED, "accepted"},
		{OP_REJECTED, "rejected"},
		{OP_NEEDS_ATTENTION, "needs_attention"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_string_equal(journal_state_name(names[i].state),
				    names[i].name);
		assert_int_equal(journal_state_parse(names[i].name),
				 names[i].state);
	}
	assert_string_equal(journal_state_name((enum op_state)OP_STATE_COUNT),
			    "unknown");
	assert_string_equal(journal_state_name((enum op_state)-1), "unknown");
	assert_int_equal(journal_state_parse("QUEUED"), -1);
	assert_int_equal(journal_state_parse("in flight"), -1);
	assert_int_equal(journal_state_parse(""), -1);
	assert_int_equal(journal_state_parse(NULL), -1);
}

static void strerror_messages(void **state)
{
	static const struct {
		int error;
		const char *message;
	} messages[] = {
		{JOURNAL_OK, "Success"},
		{JOURNAL_EIO, "Journal database error (details in the log)"},
		{JOURNAL_ENOTFOUND,
		 "Operation or value not found in the journal"},
		{JOURNAL_EEXIST,
		 "An operation with this id is already in the journal"},
		{JOURNAL_ESCHEMA, "Journal file has a newer or unknown schema"},
		{JOURNAL_EBUSY, "Journal is locked by another process"},
		{JOURNAL_EINVAL, "Invalid, empty or too long operation field"},
		{JOURNAL_ESTATE, "Operation state does not allow this change"},
		{JOURNAL_EKEY,
		 "Journal key file is missing, unreadable, open to other "
		 "users or does not match (details in the log)"},
		{-99, "Unknown journal error"},
		{1, "Unknown journal error"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		assert_string_equal(journal_strerror(messages[i].error),
				    messages[i].message);
}

#define JOURNAL_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		JOURNAL_TEST(open_creates_schema),
		JOURNAL_TEST(schema_rejects_unknown_state),
		JOURNAL_TEST(insert_get_round_trip),
		JOURNAL_TEST(insert_zero_amount),
		JOURNAL_TEST(insert_starts_queued),
		JOURNAL_TEST(insert_duplicate_id),
		JOURNAL_TEST(insert_invalid_table),
		JOURNAL_TEST(keys_round_trip_table),
		JOURNAL_TEST(insert_duplicate_keeps_keys),
		JOURNAL_TEST(get_oversized_keys),
		JOURNAL_TEST(migrate_v1_to_v2),
		JOURNAL_TEST(migrate_failure_rolls_back),
		JOURNAL_TEST(get_missing_and_invalid),
		JOURNAL_TEST(next_due_fifo),
		JOURNAL_TEST(next_due_includes_in_flight),
		JOURNAL_TEST(next_due_waits_for_attempt_time),
		JOURNAL_TEST(next_due_skips_settled),
		JOURNAL_TEST(state_change_table),
		JOURNAL_TEST(mark_in_flight_counts_attempts),
		JOURNAL_TEST(mark_unknown_id),
		JOURNAL_TEST(mark_invalid_arguments),
		JOURNAL_TEST(count_by_state),
		JOURNAL_TEST(next_attempt_time),
		JOURNAL_TEST(meta_set_get),
		JOURNAL_TEST(reopen_keeps_data),
		JOURNAL_TEST(new_journal_private),
		JOURNAL_TEST(existing_journal_keeps_mode),
		JOURNAL_TEST(log_file_modes),
		JOURNAL_TEST(open_newer_schema),
		JOURNAL_TEST(open_foreign_database),
		JOURNAL_TEST(open_garbage_file),
		JOURNAL_TEST(open_bad_arguments),
		JOURNAL_TEST(get_oversized_field),
		JOURNAL_TEST(locked_by_other_writer),
		JOURNAL_TEST(list_by_key_table),
		JOURNAL_TEST(list_by_key_invalid),
		JOURNAL_TEST(migrate_v5_to_v6),
		JOURNAL_TEST(day_record_checks),
		JOURNAL_TEST(day_scan_stops),
		JOURNAL_TEST(secret_kept_while_pending),
		JOURNAL_TEST(secret_cleared_when_final),
		JOURNAL_TEST(schema_rejects_decided_secret),
		JOURNAL_TEST(secret_overwritten_in_file),
		JOURNAL_TEST(migrate_v6_to_v7),
		JOURNAL_TEST(migrate_v7_to_v8),
		JOURNAL_TEST(day_close_carries_pending),
		JOURNAL_TEST(day_close_keeps_undecided),
		JOURNAL_TEST(day_close_invalid),
		cmocka_unit_test(state_names),
		cmocka_unit_test(strerror_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
