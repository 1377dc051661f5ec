/* Unit tests for the journal's queue (offline/journal_queue.c and the
 * list and sum functions of offline/journal.c) against real SQLite files
 * in a fresh directory under /tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../app/uuid.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

/* Operations in the scale test. The environment variable
 * SPOTAGENT_SCALE_OPERATIONS overrides the count within
 * 1..SCALE_OPERATIONS_MAX, for example for a shorter run under valgrind. */
#define SCALE_OPERATIONS 20000
#define SCALE_OPERATIONS_MAX 100000
#define SCALE_WALLETS 500
#define SCALE_BATCH 1000

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALL_STATES ((1u << OP_STATE_COUNT) - 1)

static int setup(void **state)
{
	return journal_fixture_setup(state, "queue");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* A valid operation number n, created at created_at, due at
 * next_attempt_at, with up to two dependency keys (NULL for none). */
static void make_op(struct operation *op, int n, int64_t created_at,
		    int64_t next_attempt_at, const char *key1,
		    const char *key2)
{
	journal_fixture_make_op(op, n, created_at);
	op->next_attempt_at = next_attempt_at;
	if (key1 != NULL)
		strcpy(op->keys[0], key1);
	if (key2 != NULL)
		strcpy(op->keys[1], key2);
}

/* The fixture's comparison, and sent, which a sync attempt sets. */
static void assert_operation_equal(const struct operation *a,
				   const struct operation *b)
{
	journal_fixture_assert_operation_equal(a, b);
	assert_int_equal(a->sent, b->sent);
}

static enum op_state state_of(struct journal_fixture *f, const char *id)
{
	struct operation got;

	assert_int_equal(journal_get(f->journal, id, &got), JOURNAL_OK);
	return got.state;
}

/* Insert op and bring it to `state` through the journal's functions. An
 * in-flight operation is due at op->next_attempt_at again. */
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
		assert_int_equal(journal_mark_retry(f->journal, op->id,
						    OP_IN_FLIGHT, "timed out",
						    op->next_attempt_at, 10),
				 JOURNAL_OK);
		break;
	case OP_ACCEPTED:
		assert_int_equal(journal_mark_accepted(f->journal, op->id,
						       "REF-OLD", 10),
				 JOURNAL_OK);
		break;
	case OP_REJECTED:
		assert_int_equal(journal_mark_in_flight(f->journal, op->id, 10),
				 JOURNAL_OK);
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
	assert_int_equal(state_of(f, op->id), state);
}

/* Oldest created_at first, equal created_at in insertion order, in-flight
 * and queued together. */
static void next_batch_fifo(void **state)
{
	struct journal_fixture *f = *state;
	/* created_at of each insert, in insertion order */
	static const int64_t created[] = {300, 100, 200, 100, 50};
	/* indexes into created[] in the expected order */
	static const int expected[] = {4, 1, 3, 2, 0};
	struct operation ops[5];
	struct operation batch[8];

	for (int i = 0; i < 5; i++) {
		make_op(&ops[i], i, created[i], 0, NULL, NULL);
		bring_to_state(f, &ops[i], i == 3 ? OP_IN_FLIGHT : OP_QUEUED);
	}

	assert_int_equal(journal_next_batch(f->journal, 1000, batch, 8), 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(batch[i].id, ops[expected[i]].id);
	assert_int_equal(batch[2].state, OP_IN_FLIGHT);
	assert_int_equal(batch[2].attempts, 1);
}

static void next_batch_max(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[5];
	struct operation batch[5];

	for (int i = 0; i < 5; i++) {
		make_op(&ops[i], i, 100 + i, 0, NULL, NULL);
		assert_int_equal(journal_insert(f->journal, &ops[i]),
				 JOURNAL_OK);
	}

	assert_int_equal(journal_next_batch(f->journal, 1000, batch, 2), 2);
	assert_string_equal(batch[0].id, ops[0].id);
	assert_string_equal(batch[1].id, ops[1].id);
	assert_int_equal(journal_next_batch(f->journal, 1000, batch, 1), 1);
	assert_string_equal(batch[0].id, ops[0].id);
	assert_int_equal(journal_next_batch(f->journal, 1000, batch, 0), 0);
	assert_int_equal(journal_next_batch(f->journal, 1000, NULL, 0), 0);

	assert_int_equal(journal_next_batch(f->journal, 1000, batch, -1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_next_batch(f->journal, 1000, NULL, 1),
			 JOURNAL_EINVAL);
}

static void next_batch_now(void **state)
{
	struct journal_fixture *f = *state;
	struct operation early;
	struct operation late;
	struct operation batch[4];

	make_op(&early, 1, 100, 500, NULL, NULL);
	make_op(&late, 2, 200, 300, NULL, NULL);
	assert_int_equal(journal_insert(f->journal, &early), JOURNAL_OK);
	assert_int_equal(journal_insert(f->journal, &late), JOURNAL_OK);

	assert_int_equal(journal_next_batch(f->journal, 299, batch, 4), 0);
	assert_int_equal(journal_next_batch(f->journal, 300, batch, 4), 1);
	assert_string_equal(batch[0].id, late.id);
	assert_int_equal(journal_next_batch(f->journal, 500, batch, 4), 2);
	assert_string_equal(batch[0].id, early.id);
	assert_string_equal(batch[1].id, late.id);
	assert_int_equal(journal_next_batch(f->journal, INT64_MAX, batch, 4),
			 2);
	assert_string_equal(batch[0].id, early.id);

	/* Operations that are settled or need attention are never sent. */
	assert_int_equal(journal_mark_accepted(f->journal, early.id, "R", 1),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_attention(f->journal, late.id, "x", 1),
			 JOURNAL_OK);
	assert_int_equal(journal_next_batch(f->journal, INT64_MAX, batch, 4),
			 0);
}

/* One operation of a dependency case, in journal order. */
struct dependency_op {
	enum op_state state;
	bool due;
	const char *key1;
	const char *key2;
};

struct dependency_case {
	const char *name;
	struct dependency_op ops[5];
	int count;
	int expected[5]; /* indexes of the operations taken, in order */
	int taken;
};

#define NOW 1000

static const struct dependency_case dependency_cases[] = {
	{"same wallet behind an operation not due",
	 {{OP_QUEUED, false, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", NULL}},
	 2, {0}, 0},
	{"unrelated operation is taken",
	 {{OP_QUEUED, false, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:2", NULL}},
	 3, {2}, 1},
	{"chain through different keys",
	 {{OP_QUEUED, false, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", "wallet:2"},
	  {OP_QUEUED, true, "wallet:2", "wallet:3"},
	  {OP_QUEUED, true, "wallet:3", NULL},
	  {OP_QUEUED, true, "wallet:4", NULL}},
	 5, {4}, 1},
	{"needs attention does not block",
	 {{OP_NEEDS_ATTENTION, true, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", NULL}},
	 2, {1}, 1},
	{"settled operations do not block",
	 {{OP_ACCEPTED, false, "wallet:1", NULL},
	  {OP_REJECTED, false, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", NULL}},
	 3, {2}, 1},
	{"in flight not due blocks",
	 {{OP_IN_FLIGHT, false, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", NULL},
	  {OP_QUEUED, true, NULL, NULL}},
	 3, {2}, 1},
	{"due operations on one wallet go together in order",
	 {{OP_IN_FLIGHT, true, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", "wallet:2"}},
	 3, {0, 1, 2}, 3},
	{"only earlier operations block",
	 {{OP_QUEUED, true, "wallet:1", NULL},
	  {OP_QUEUED, false, "wallet:1", NULL},
	  {OP_QUEUED, true, "wallet:1", NULL}},
	 3, {0}, 1},
	{"operation without keys is never blocked",
	 {{OP_QUEUED, false, "wallet:1", NULL},
	  {OP_QUEUED, true, NULL, NULL}},
	 2, {1}, 1},
};

static void next_batch_dependency_table(void **state)
{
	struct journal_fixture *f = *state;

	for (size_t c = 0; c < ARRAY_SIZE(dependency_cases); c++) {
		const struct dependency_case *test = &dependency_cases[c];
		struct operation ops[5];
		struct operation batch[5];
		int taken;

		for (int i = 0; i < test->count; i++) {
			const struct dependency_op *d = &test->ops[i];

			/* Each case starts after the previous one. */
			make_op(&ops[i], i, (int64_t)c * 10 + i,
				d->due ? NOW : NOW + 1, d->key1, d->key2);
			bring_to_state(f, &ops[i], d->state);
		}

		taken = journal_next_batch(f->journal, NOW, batch, 5);
		if (taken != test->taken)
			print_message("failing case: %s\n", test->name);
		assert_int_equal(taken, test->taken);
		for (int i = 0; i < taken; i++)
			assert_string_equal(batch[i].id,
					    ops[test->expected[i]].id);

		/* Settle the case so that it does not block the next. */
		for (int i = 0; i < test->count; i++) {
			if (test->ops[i].state == OP_QUEUED ||
			    test->ops[i].state == OP_IN_FLIGHT)
				assert_int_equal(
					journal_mark_accepted(f->journal,
							      ops[i].id, "R",
							      NOW),
					JOURNAL_OK);
		}
	}
}

/* Insert count queued operations through a second connection in one
 * transaction: created at created_at + i, due at next_attempt_at, each
 * with the key "wallet:<i % wallets>" unless wallets is 0. The amount is
 * 1 + i, which identifies the operation. */
static void bulk_insert(const char *path, int count, int64_t created_at,
			int64_t next_attempt_at, int wallets)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *row = NULL;
	sqlite3_stmt *key = NULL;
	char id[UUID_TEXT_SIZE];
	char wallet[JOURNAL_KEY_SIZE];

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "INSERT INTO operations (id, type, state,"
				   " agent_id, currency, amount, payload,"
				   " created_at, updated_at, next_attempt_at)"
				   " VALUES (?1, 'wallet_transfer', 'queued',"
				   " 'agent-0042', 'GHS', ?2, '{}', ?3, ?3,"
				   " ?4)",
				   -1, &row, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO operation_keys"
					    " (operation_id, key)"
					    " VALUES (?1, ?2)",
					    -1, &key, NULL),
			 SQLITE_OK);

	for (int i = 0; i < count; i++) {
		assert_int_equal(uuid_generate(id), 0);
		sqlite3_bind_text(row, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(row, 2, 1 + i);
		sqlite3_bind_int64(row, 3, created_at + i);
		sqlite3_bind_int64(row, 4, next_attempt_at);
		assert_int_equal(sqlite3_step(row), SQLITE_DONE);
		sqlite3_reset(row);
		if (wallets == 0)
			continue;
		snprintf(wallet, sizeof(wallet), "wallet:%d", i % wallets);
		sqlite3_bind_text(key, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(key, 2, wallet, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(key), SQLITE_DONE);
		sqlite3_reset(key);
	}
	sqlite3_finalize(row);
	sqlite3_finalize(key);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* A scan stops after max(4 * max, 1000) rows, so a due operation behind
 * 1000 operations that are not due is found only with a larger max. */
static void next_batch_scan_limit(void **state)
{
	struct journal_fixture *f = *state;
	struct operation due;
	struct operation batch[300];

	bulk_insert(f->path, 1000, 0, NOW + 1, 1000);
	make_op(&due, 1, 5000, NOW, "wallet:other", NULL);
	assert_int_equal(journal_insert(f->journal, &due), JOURNAL_OK);

	assert_int_equal(journal_next_batch(f->journal, NOW, batch, 1), 0);
	assert_int_equal(journal_next_batch(f->journal, NOW, batch, 250), 0);
	assert_int_equal(journal_next_batch(f->journal, NOW, batch, 251), 1);
	assert_string_equal(batch[0].id, due.id);
	assert_int_equal(journal_next_batch(f->journal, NOW + 1, batch, 300),
			 300);
}

/* Many blocked keys: each of 600 due operations shares its wallet with an
 * earlier operation that is not due, so only the one on a fresh wallet is
 * taken. */
static void next_batch_many_blocked_keys(void **state)
{
	struct journal_fixture *f = *state;
	struct operation fresh;
	struct operation batch[301];

	bulk_insert(f->path, 600, 0, NOW + 1, 600);
	bulk_insert(f->path, 600, 1000, NOW, 600);
	make_op(&fresh, 1, 5000, NOW, "wallet:fresh", NULL);
	assert_int_equal(journal_insert(f->journal, &fresh), JOURNAL_OK);

	assert_int_equal(journal_next_batch(f->journal, NOW, batch, 301), 1);
	assert_string_equal(batch[0].id, fresh.id);
}

static void mark_batch_in_flight_all(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[3];
	struct operation got;

	make_op(&ops[0], 0, 1, 0, "wallet:1", NULL);
	bring_to_state(f, &ops[0], OP_QUEUED);
	make_op(&ops[1], 1, 2, 0, NULL, NULL);
	bring_to_state(f, &ops[1], OP_IN_FLIGHT);
	make_op(&ops[2], 2, 3, 0, NULL, NULL);
	bring_to_state(f, &ops[2], OP_QUEUED);

	assert_int_equal(journal_mark_batch_in_flight(f->journal, ops, 3, 77),
			 JOURNAL_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(journal_get(f->journal, ops[i].id, &got),
				 JOURNAL_OK);
		assert_int_equal(got.state, OP_IN_FLIGHT);
		assert_int_equal(got.attempts, i == 1 ? 2 : 1);
		assert_int_equal(got.updated_at, 77);
	}

	assert_int_equal(journal_mark_batch_in_flight(f->journal, ops, 0, 78),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_batch_in_flight(f->journal, NULL, 0, 78),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_batch_in_flight(f->journal, ops, -1, 78),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_batch_in_flight(f->journal, NULL, 1, 78),
			 JOURNAL_EINVAL);
}

struct batch_failure_case {
	enum op_state bad_state; /* state of the middle operation */
	bool unknown;            /* the middle id is not in the journal */
	bool bad_id;             /* the middle id is empty */
	int result;
};

static const struct batch_failure_case batch_failure_cases[] = {
	{OP_ACCEPTED, false, false, JOURNAL_ESTATE},
	{OP_REJECTED, false, false, JOURNAL_ESTATE},
	{OP_NEEDS_ATTENTION, false, false, JOURNAL_ESTATE},
	{OP_QUEUED, true, false, JOURNAL_ENOTFOUND},
	{OP_QUEUED, false, true, JOURNAL_EINVAL},
};

/* One operation that may not move makes the whole batch fail and leaves
 * every row as it was. */
static void mark_batch_in_flight_all_or_nothing(void **state)
{
	struct journal_fixture *f = *state;

	for (size_t c = 0; c < ARRAY_SIZE(batch_failure_cases); c++) {
		const struct batch_failure_case *test = &batch_failure_cases[c];
		struct operation ops[3];
		struct operation before[3];
		struct operation after;
		int rc;

		for (int i = 0; i < 3; i++) {
			make_op(&ops[i], i, (int64_t)c * 10 + i, 0, NULL,
				NULL);
			bring_to_state(f, &ops[i],
				       i == 1 ? test->bad_state : OP_QUEUED);
			assert_int_equal(journal_get(f->journal, ops[i].id,
						     &before[i]),
					 JOURNAL_OK);
		}
		if (test->unknown)
			strcpy(ops[1].id,
			       "123e4567-e89b-42d3-a456-426614174000");
		if (test->bad_id)
			ops[1].id[0] = '\0';

		rc = journal_mark_batch_in_flight(f->journal, ops, 3, 99);
		if (rc != test->result)
			print_message("failing case %zu\n", c);
		assert_int_equal(rc, test->result);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(journal_get(f->journal, before[i].id,
						     &after),
					 JOURNAL_OK);
			assert_operation_equal(&after, &before[i]);
		}
	}
}

static struct journal_outcome make_outcome(const char *id,
					   enum journal_outcome_kind kind,
					   const char *text)
{
	struct journal_outcome outcome;

	memset(&outcome, 0, sizeof(outcome));
	strcpy(outcome.id, id);
	outcome.kind = kind;
	strcpy(outcome.text, text);
	return outcome;
}

struct outcome_case {
	enum op_state from;
	enum journal_outcome_kind kind;
	enum op_state retry_state;
	const char *text;
	int result;
	enum op_state to; /* the same as from on error */
};

static const struct outcome_case outcome_cases[] = {
	{OP_IN_FLIGHT, JOURNAL_OUTCOME_ACCEPTED, 0, "REF-9", 0, OP_ACCEPTED},
	{OP_QUEUED, JOURNAL_OUTCOME_ACCEPTED, 0, "REF-9", 0, OP_ACCEPTED},
	{OP_IN_FLIGHT, JOURNAL_OUTCOME_REJECTED, 0, "limit", 0, OP_REJECTED},
	{OP_QUEUED, JOURNAL_OUTCOME_REJECTED, 0, "", 0, OP_REJECTED},
	{OP_IN_FLIGHT, JOURNAL_OUTCOME_RETRY, OP_QUEUED, "refused", 0,
	 OP_QUEUED},
	{OP_IN_FLIGHT, JOURNAL_OUTCOME_RETRY, OP_IN_FLIGHT, "timed out", 0,
	 OP_IN_FLIGHT},
	{OP_QUEUED, JOURNAL_OUTCOME_RETRY, OP_QUEUED, "refused", 0,
	 OP_QUEUED},
	{OP_IN_FLIGHT, JOURNAL_OUTCOME_ATTENTION, 0, "call the bank", 0,
	 OP_NEEDS_ATTENTION},
	{OP_QUEUED, JOURNAL_OUTCOME_ATTENTION, 0, "call the bank", 0,
	 OP_NEEDS_ATTENTION},

	{OP_QUEUED, JOURNAL_OUTCOME_RETRY, OP_IN_FLIGHT, "timed out",
	 JOURNAL_ESTATE, OP_QUEUED},
	{OP_ACCEPTED, JOURNAL_OUTCOME_ACCEPTED, 0, "REF-9", JOURNAL_ESTATE,
	 OP_ACCEPTED},
	{OP_REJECTED, JOURNAL_OUTCOME_ACCEPTED, 0, "REF-9", JOURNAL_ESTATE,
	 OP_REJECTED},
	{OP_NEEDS_ATTENTION, JOURNAL_OUTCOME_REJECTED, 0, "x", JOURNAL_ESTATE,
	 OP_NEEDS_ATTENTION},
	{OP_NEEDS_ATTENTION, JOURNAL_OUTCOME_ATTENTION, 0, "x",
	 JOURNAL_ESTATE, OP_NEEDS_ATTENTION},
	{OP_ACCEPTED, JOURNAL_OUTCOME_RETRY, OP_QUEUED, "x", JOURNAL_ESTATE,
	 OP_ACCEPTED},

	{OP_IN_FLIGHT, JOURNAL_OUTCOME_ACCEPTED, 0, "", JOURNAL_EINVAL,
	 OP_IN_FLIGHT},
	{OP_IN_FLIGHT, JOURNAL_OUTCOME_RETRY, OP_ACCEPTED, "x",
	 JOURNAL_EINVAL, OP_IN_FLIGHT},
	{OP_IN_FLIGHT, JOURNAL_OUTCOME_RETRY, OP_NEEDS_ATTENTION, "x",
	 JOURNAL_EINVAL, OP_IN_FLIGHT},
	{OP_IN_FLIGHT, (enum journal_outcome_kind)9, 0, "x", JOURNAL_EINVAL,
	 OP_IN_FLIGHT},
};

/* What the row must look like after outcome c was recorded on before. */
static void expect_outcome(const struct operation *before,
			   const struct outcome_case *c,
			   struct operation *expected)
{
	*expected = *before;
	if (c->result != JOURNAL_OK)
		return;
	expected->state = c->to;
	expected->updated_at = 50;
	if (c->kind == JOURNAL_OUTCOME_ACCEPTED) {
		strcpy(expected->reference, c->text);
		expected->last_error[0] = '\0';
	} else
		strcpy(expected->last_error, c->text);
	if (c->kind == JOURNAL_OUTCOME_RETRY)
		expected->next_attempt_at = 80;
	/* Queued again means the request never took effect, and so does
	 * attention with retry_state queued (the service applied nothing). */
	if (c->kind == JOURNAL_OUTCOME_RETRY && c->to == OP_QUEUED)
		expected->sent = 0;
	if (c->kind == JOURNAL_OUTCOME_ATTENTION &&
	    c->retry_state == OP_QUEUED)
		expected->sent = 0;
}

static void record_outcomes_table(void **state)
{
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(outcome_cases); i++) {
		const struct outcome_case *c = &outcome_cases[i];
		struct journal_outcome outcome;
		struct operation op;
		struct operation before;
		struct operation after;
		struct operation expected;
		int rc;

		make_op(&op, (int)i, 1, 0, "wallet:1", NULL);
		bring_to_state(f, &op, c->from);
		assert_int_equal(journal_get(f->journal, op.id, &before),
				 JOURNAL_OK);

		outcome = make_outcome(op.id, c->kind, c->text);
		outcome.retry_state = c->retry_state;
		outcome.next_attempt_at = 80;
		rc = journal_record_outcomes(f->journal, &outcome, 1, 50);
		if (rc != c->result)
			print_message("failing case %zu\n", i);
		assert_int_equal(rc, c->result);

		assert_int_equal(journal_get(f->journal, op.id, &after),
				 JOURNAL_OK);
		assert_int_equal(after.state, c->to);
		expect_outcome(&before, c, &expected);
		assert_operation_equal(&after, &expected);

		/* Leave nothing queued that shares the key with the next
		 * case. */
		if (after.state == OP_QUEUED || after.state == OP_IN_FLIGHT)
			assert_int_equal(journal_mark_accepted(f->journal,
							       op.id, "R", 1),
					 JOURNAL_OK);
	}
}

static void record_outcomes_invalid(void **state)
{
	struct journal_fixture *f = *state;
	struct journal_outcome outcomes[2];
	struct operation op;

	make_op(&op, 1, 1, 0, NULL, NULL);
	bring_to_state(f, &op, OP_IN_FLIGHT);
	outcomes[0] = make_outcome(op.id, JOURNAL_OUTCOME_ACCEPTED, "REF-1");
	outcomes[1] = make_outcome(op.id, JOURNAL_OUTCOME_REJECTED, "x");

	assert_int_equal(journal_record_outcomes(f->journal, outcomes, 0, 5),
			 0);
	assert_int_equal(journal_record_outcomes(f->journal, NULL, 0, 5), 0);
	assert_int_equal(journal_record_outcomes(f->journal, outcomes, -1, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_record_outcomes(f->journal, NULL, 1, 5),
			 JOURNAL_EINVAL);

	/* Texts without a NUL and references that do not fit are checked
	 * before anything is written. */
	memset(outcomes[1].text, 'x', sizeof(outcomes[1].text));
	assert_int_equal(journal_record_outcomes(f->journal, outcomes, 2, 5),
			 JOURNAL_EINVAL);
	memset(outcomes[0].text, 'r', JOURNAL_REFERENCE_SIZE);
	outcomes[0].text[JOURNAL_REFERENCE_SIZE] = '\0';
	assert_int_equal(journal_record_outcomes(f->journal, outcomes, 1, 5),
			 JOURNAL_EINVAL);
	outcomes[0].id[0] = '\0';
	strcpy(outcomes[0].text, "REF-1");
	assert_int_equal(journal_record_outcomes(f->journal, outcomes, 1, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(state_of(f, op.id), OP_IN_FLIGHT);
}

/* The operations around a rejected one, in journal order. */
enum hold_role {
	ROLE_EARLIER,      /* before the rejected one: not held */
	ROLE_SAME_TIME,    /* same created_at, inserted before: not held */
	ROLE_REJECTED,     /* in flight, then rejected */
	ROLE_SAME_KEY,     /* later, queued, never sent: held */
	ROLE_OTHER_KEY,    /* later, shares the second key: held */
	ROLE_BOTH_KEYS,    /* later, shares both keys: held once */
	ROLE_IN_FLIGHT,    /* later, in flight: held */
	ROLE_SENT,         /* later, queued again after its request may
			      have arrived (sent again by the agent from
			      needs attention): held */
	ROLE_UNRELATED,    /* later, another wallet: not held */
	ROLE_NO_KEYS,      /* later, no keys: not held */
	ROLE_COUNT,
};

static const struct {
	int64_t created_at;
	const char *key1;
	const char *key2;
	bool held;
} hold_roles[ROLE_COUNT] = {
	[ROLE_EARLIER] = {10, "wallet:1", NULL, false},
	[ROLE_SAME_TIME] = {20, "wallet:1", NULL, false},
	[ROLE_REJECTED] = {20, "wallet:1", "customer:7", false},
	[ROLE_SAME_KEY] = {20, "wallet:1", NULL, true},
	[ROLE_OTHER_KEY] = {30, "customer:7", NULL, true},
	[ROLE_BOTH_KEYS] = {40, "customer:7", "wallet:1", true},
	[ROLE_IN_FLIGHT] = {50, "wallet:1", NULL, true},
	[ROLE_SENT] = {60, "wallet:1", NULL, true},
	[ROLE_UNRELATED] = {70, "wallet:2", NULL, false},
	[ROLE_NO_KEYS] = {80, NULL, NULL, false},
};

static void record_rejection_holds_dependents(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[ROLE_COUNT];
	struct journal_outcome outcome;
	struct operation got;
	char reason[JOURNAL_ERROR_SIZE];

	for (int r = 0; r < ROLE_COUNT; r++) {
		make_op(&ops[r], r, hold_roles[r].created_at, 0,
			hold_roles[r].key1, hold_roles[r].key2);
		bring_to_state(f, &ops[r],
			       r == ROLE_REJECTED || r == ROLE_IN_FLIGHT
				       ? OP_IN_FLIGHT
				       : OP_QUEUED);
	}
	assert_int_equal(journal_mark_in_flight(f->journal, ops[ROLE_SENT].id,
						20),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_attention(f->journal, ops[ROLE_SENT].id,
						"refused", 20),
			 JOURNAL_OK);
	assert_int_equal(journal_retry_attention(f->journal, ops[ROLE_SENT].id,
						 20),
			 JOURNAL_OK);

	outcome = make_outcome(ops[ROLE_REJECTED].id,
			       JOURNAL_OUTCOME_REJECTED, "wallet closed");
	assert_int_equal(journal_record_outcomes(f->journal, &outcome, 1, 90),
			 5);

	for (int r = 0; r < ROLE_COUNT; r++) {
		enum op_state expected = hold_roles[r].held
						 ? OP_NEEDS_ATTENTION
						 : r == ROLE_IN_FLIGHT
						 ? OP_IN_FLIGHT
						 : OP_QUEUED;

		if (r == ROLE_REJECTED)
			expected = OP_REJECTED;
		if (state_of(f, ops[r].id) != expected)
			print_message("failing role %d\n", r);
		assert_int_equal(state_of(f, ops[r].id), expected);
	}

	assert_int_equal(journal_get(f->journal, ops[ROLE_SAME_KEY].id, &got),
			 JOURNAL_OK);
	snprintf(reason, sizeof(reason),
		 "Held: earlier operation %s on wallet:1 was rejected; check "
		 "and retry or cancel", ops[ROLE_REJECTED].id);
	assert_string_equal(got.last_error, reason);
	assert_int_equal(got.updated_at, 90);
	assert_int_equal(got.attempts, 0);

	assert_int_equal(journal_get(f->journal, ops[ROLE_OTHER_KEY].id, &got),
			 JOURNAL_OK);
	snprintf(reason, sizeof(reason),
		 "Held: earlier operation %s on customer:7 was rejected; "
		 "check and retry or cancel", ops[ROLE_REJECTED].id);
	assert_string_equal(got.last_error, reason);

	/* The rejected one keeps the central service's reason. */
	assert_int_equal(journal_get(f->journal, ops[ROLE_REJECTED].id, &got),
			 JOURNAL_OK);
	assert_string_equal(got.last_error, "wallet closed");
}

/* journal_mark_rejected records the rejection alone. */
static void mark_rejected_holds_nothing(void **state)
{
	struct journal_fixture *f = *state;
	struct operation first;
	struct operation second;

	make_op(&first, 1, 1, 0, "wallet:1", NULL);
	make_op(&second, 2, 2, 0, "wallet:1", NULL);
	bring_to_state(f, &first, OP_IN_FLIGHT);
	bring_to_state(f, &second, OP_QUEUED);

	assert_int_equal(journal_mark_rejected(f->journal, first.id, "no", 3),
			 JOURNAL_OK);
	assert_int_equal(state_of(f, second.id), OP_QUEUED);
}

/* A failing outcome late in the list undoes the earlier outcomes and the
 * operations they held. */
static void record_outcomes_all_or_nothing(void **state)
{
	struct journal_fixture *f = *state;
	/* the last outcome of each case fails this way */
	static const int results[] = {JOURNAL_ESTATE, JOURNAL_ENOTFOUND};

	for (size_t c = 0; c < ARRAY_SIZE(results); c++) {
		struct operation ops[4];
		struct operation before[4];
		struct operation after;
		struct journal_outcome outcomes[3];
		char wallet[JOURNAL_KEY_SIZE];

		snprintf(wallet, sizeof(wallet), "wallet:%zu", c);
		for (int i = 0; i < 4; i++) {
			make_op(&ops[i], i, (int64_t)c * 10 + i, 0, wallet,
				NULL);
			bring_to_state(f, &ops[i],
				       i < 2 ? OP_IN_FLIGHT
				       : i == 2 ? OP_QUEUED
						: OP_ACCEPTED);
			assert_int_equal(journal_get(f->journal, ops[i].id,
						     &before[i]),
					 JOURNAL_OK);
		}

		outcomes[0] = make_outcome(ops[0].id, JOURNAL_OUTCOME_ACCEPTED,
					   "REF-1");
		outcomes[1] = make_outcome(ops[1].id, JOURNAL_OUTCOME_REJECTED,
					   "no");
		outcomes[2] = make_outcome(ops[3].id, JOURNAL_OUTCOME_ACCEPTED,
					   "REF-3");
		if (results[c] == JOURNAL_ENOTFOUND)
			strcpy(outcomes[2].id,
			       "123e4567-e89b-42d3-a456-426614174000");

		assert_int_equal(journal_record_outcomes(f->journal, outcomes,
							 3, 40),
				 results[c]);
		for (int i = 0; i < 4; i++) {
			assert_int_equal(journal_get(f->journal, ops[i].id,
						     &after),
					 JOURNAL_OK);
			assert_operation_equal(&after, &before[i]);
		}

		/* Without the failing outcome the same list succeeds. */
		assert_int_equal(journal_record_outcomes(f->journal, outcomes,
							 2, 40),
				 1);
		assert_int_equal(state_of(f, ops[2].id), OP_NEEDS_ATTENTION);
	}
}

enum agent_action {
	ACTION_ATTENTION,
	ACTION_RETRY,
	ACTION_CANCEL,
	ACTION_DISCARD,
	ACTION_ACKNOWLEDGE,
};

struct agent_case {
	enum op_state from;
	bool sent; /* sent once before reaching `from` */
	enum agent_action action;
	int result;
	enum op_state to; /* the same as from on error */
};

static const struct agent_case agent_cases[] = {
	{OP_QUEUED, false, ACTION_ATTENTION, 0, OP_NEEDS_ATTENTION},
	{OP_IN_FLIGHT, true, ACTION_ATTENTION, 0, OP_NEEDS_ATTENTION},
	{OP_ACCEPTED, false, ACTION_ATTENTION, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_REJECTED, true, ACTION_ATTENTION, JOURNAL_ESTATE, OP_REJECTED},
	{OP_NEEDS_ATTENTION, false, ACTION_ATTENTION, JOURNAL_ESTATE,
	 OP_NEEDS_ATTENTION},

	{OP_NEEDS_ATTENTION, false, ACTION_RETRY, 0, OP_QUEUED},
	{OP_NEEDS_ATTENTION, true, ACTION_RETRY, 0, OP_QUEUED},
	{OP_QUEUED, false, ACTION_RETRY, JOURNAL_ESTATE, OP_QUEUED},
	{OP_IN_FLIGHT, true, ACTION_RETRY, JOURNAL_ESTATE, OP_IN_FLIGHT},
	{OP_ACCEPTED, false, ACTION_RETRY, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_REJECTED, true, ACTION_RETRY, JOURNAL_ESTATE, OP_REJECTED},

	{OP_QUEUED, false, ACTION_CANCEL, 0, OP_REJECTED},
	{OP_NEEDS_ATTENTION, false, ACTION_CANCEL, 0, OP_REJECTED},
	{OP_QUEUED, true, ACTION_CANCEL, JOURNAL_ESTATE, OP_QUEUED},
	{OP_NEEDS_ATTENTION, true, ACTION_CANCEL, JOURNAL_ESTATE,
	 OP_NEEDS_ATTENTION},
	{OP_IN_FLIGHT, true, ACTION_CANCEL, JOURNAL_ESTATE, OP_IN_FLIGHT},
	{OP_ACCEPTED, false, ACTION_CANCEL, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_REJECTED, true, ACTION_CANCEL, JOURNAL_ESTATE, OP_REJECTED},

	/* Discard takes a needs-attention operation whether or not it was
	 * sent, and nothing else. */
	{OP_NEEDS_ATTENTION, true, ACTION_DISCARD, 0, OP_REJECTED},
	{OP_NEEDS_ATTENTION, false, ACTION_DISCARD, 0, OP_REJECTED},
	{OP_QUEUED, false, ACTION_DISCARD, JOURNAL_ESTATE, OP_QUEUED},
	{OP_QUEUED, true, ACTION_DISCARD, JOURNAL_ESTATE, OP_QUEUED},
	{OP_IN_FLIGHT, true, ACTION_DISCARD, JOURNAL_ESTATE, OP_IN_FLIGHT},
	{OP_ACCEPTED, false, ACTION_DISCARD, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_REJECTED, true, ACTION_DISCARD, JOURNAL_ESTATE, OP_REJECTED},

	{OP_REJECTED, true, ACTION_ACKNOWLEDGE, 0, OP_REJECTED},
	{OP_QUEUED, false, ACTION_ACKNOWLEDGE, JOURNAL_ESTATE, OP_QUEUED},
	{OP_IN_FLIGHT, true, ACTION_ACKNOWLEDGE, JOURNAL_ESTATE,
	 OP_IN_FLIGHT},
	{OP_ACCEPTED, false, ACTION_ACKNOWLEDGE, JOURNAL_ESTATE, OP_ACCEPTED},
	{OP_NEEDS_ATTENTION, false, ACTION_ACKNOWLEDGE, JOURNAL_ESTATE,
	 OP_NEEDS_ATTENTION},
};

static int run_agent_action(struct journal *journal, const char *id,
			    enum agent_action action)
{
	switch (action) {
	case ACTION_ATTENTION:
		return journal_mark_attention(journal, id, "call the bank", 60);
	case ACTION_RETRY:
		return journal_retry_attention(journal, id, 60);
	case ACTION_CANCEL:
		return journal_cancel(journal, id, "customer left", 60);
	case ACTION_DISCARD:
		return journal_discard(journal, id, "profile changed", 60);
	case ACTION_ACKNOWLEDGE:
		return journal_acknowledge(journal, id, 60);
	}
	return -100;
}

static void expect_agent_action(const struct operation *before,
				enum agent_action action,
				struct operation *expected)
{
	*expected = *before;
	expected->updated_at = 60;
	switch (action) {
	case ACTION_ATTENTION:
		expected->state = OP_NEEDS_ATTENTION;
		strcpy(expected->last_error, "call the bank");
		break;
	case ACTION_RETRY:
		expected->state = OP_QUEUED;
		expected->next_attempt_at = 60;
		expected->age_approved = 1;
		break;
	case ACTION_CANCEL:
		expected->state = OP_REJECTED;
		strcpy(expected->last_error, "customer left");
		expected->acknowledged_at = 60;
		break;
	case ACTION_DISCARD:
		expected->state = OP_REJECTED;
		strcpy(expected->last_error, "profile changed");
		expected->acknowledged_at = 60;
		expected->printed = 1;
		break;
	case ACTION_ACKNOWLEDGE:
		expected->acknowledged_at = 60;
		break;
	}
}

static void agent_action_table(void **state)
{
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(agent_cases); i++) {
		const struct agent_case *c = &agent_cases[i];
		struct operation op;
		struct operation before;
		struct operation after;
		struct operation expected;
		int rc;

		make_op(&op, (int)i, 1, 0, NULL, NULL);
		/* A request that may have arrived (sent) can come back to
		 * queued only through needs attention and the agent. */
		if (c->sent && c->from != OP_IN_FLIGHT &&
		    c->from != OP_REJECTED) {
			bring_to_state(f, &op, OP_IN_FLIGHT);
			assert_int_equal(journal_mark_attention(f->journal,
								op.id, "x",
								10),
					 JOURNAL_OK);
			if (c->from == OP_QUEUED)
				assert_int_equal(
					journal_retry_attention(f->journal,
								op.id, 10),
					JOURNAL_OK);
		} else {
			bring_to_state(f, &op, c->from);
		}
		assert_int_equal(journal_get(f->journal, op.id, &before),
				 JOURNAL_OK);
		assert_int_equal(before.state, c->from);
		assert_int_equal(before.sent, c->sent);

		rc = run_agent_action(f->journal, op.id, c->action);
		if (rc != c->result)
			print_message("failing case %zu\n", i);
		assert_int_equal(rc, c->result);

		assert_int_equal(journal_get(f->journal, op.id, &after),
				 JOURNAL_OK);
		assert_int_equal(after.state, c->to);
		if (rc == JOURNAL_OK)
			expect_agent_action(&before, c->action, &expected);
		else
			expected = before;
		assert_operation_equal(&after, &expected);
		assert_int_equal(after.printed, expected.printed);
	}
}

static void agent_action_invalid(void **state)
{
	struct journal_fixture *f = *state;
	const char *unknown = "123e4567-e89b-42d3-a456-426614174000";
	char long_reason[JOURNAL_ERROR_SIZE + 1];
	struct operation op;

	memset(long_reason, 'r', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	for (int a = ACTION_ATTENTION; a <= ACTION_ACKNOWLEDGE; a++) {
		assert_int_equal(run_agent_action(f->journal, unknown,
						  (enum agent_action)a),
				 JOURNAL_ENOTFOUND);
		assert_int_equal(run_agent_action(f->journal, NULL,
						  (enum agent_action)a),
				 JOURNAL_EINVAL);
		assert_int_equal(run_agent_action(f->journal, "",
						  (enum agent_action)a),
				 JOURNAL_EINVAL);
	}

	make_op(&op, 1, 1, 0, NULL, NULL);
	bring_to_state(f, &op, OP_QUEUED);
	assert_int_equal(journal_cancel(f->journal, op.id, NULL, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_cancel(f->journal, op.id, long_reason, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_attention(f->journal, op.id, "x", 5),
			 JOURNAL_OK);
	assert_int_equal(journal_discard(f->journal, op.id, NULL, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_discard(f->journal, op.id, long_reason, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(state_of(f, op.id), OP_NEEDS_ATTENTION);
	assert_int_equal(journal_retry_attention(f->journal, op.id, 5),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_attention(f->journal, op.id, NULL, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_mark_attention(f->journal, op.id,
						long_reason, 5),
			 JOURNAL_EINVAL);
	assert_int_equal(state_of(f, op.id), OP_QUEUED);
}

/* A second acknowledgement succeeds and keeps the first time. */
static void acknowledge_twice(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;

	make_op(&op, 1, 1, 0, NULL, NULL);
	bring_to_state(f, &op, OP_REJECTED);
	assert_int_equal(journal_acknowledge(f->journal, op.id, 70),
			 JOURNAL_OK);
	assert_int_equal(journal_acknowledge(f->journal, op.id, 80),
			 JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_int_equal(got.acknowledged_at, 70);
	assert_int_equal(got.updated_at, 70);
}

/* A discarded operation was sent but needs no rejection notice, unlike
 * one the central service rejected. */
static void discard_needs_no_notice(void **state)
{
	struct journal_fixture *f = *state;
	struct operation discarded;
	struct operation rejected;
	struct operation got[4];

	make_op(&discarded, 1, 1, 0, NULL, NULL);
	bring_to_state(f, &discarded, OP_IN_FLIGHT);
	assert_int_equal(journal_mark_attention(f->journal, discarded.id,
						"conflict", 20),
			 JOURNAL_OK);
	assert_int_equal(journal_discard(f->journal, discarded.id,
					 "discarded", 30),
			 JOURNAL_OK);
	make_op(&rejected, 2, 2, 0, NULL, NULL);
	bring_to_state(f, &rejected, OP_REJECTED);

	assert_int_equal(journal_list_unprinted(f->journal, got, 4), 1);
	assert_string_equal(got[0].id, rejected.id);
	assert_int_equal(journal_list_unacknowledged(f->journal, got, 4), 1);
	assert_string_equal(got[0].id, rejected.id);
	assert_int_equal(journal_get(f->journal, discarded.id, got),
			 JOURNAL_OK);
	assert_int_equal(got[0].state, OP_REJECTED);
	assert_int_equal(got[0].sent, 1);
	assert_int_equal(got[0].acknowledged_at, 30);
}

/* A held operation that the agent sends again is in the next batch. */
static void retry_attention_sends_again(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation batch[2];

	make_op(&op, 1, 1, 0, "wallet:1", NULL);
	bring_to_state(f, &op, OP_NEEDS_ATTENTION);
	assert_int_equal(journal_next_batch(f->journal, 100, batch, 2), 0);
	assert_int_equal(journal_retry_attention(f->journal, op.id, 100),
			 JOURNAL_OK);
	assert_int_equal(journal_next_batch(f->journal, 100, batch, 2), 1);
	assert_string_equal(batch[0].id, op.id);
	assert_int_equal(batch[0].age_approved, 1);
}

/* Operations in each state for the list tests, created at 10 * (i + 1)
 * in this order. */
static const enum op_state list_states[] = {
	OP_QUEUED,   OP_ACCEPTED, OP_REJECTED,        OP_IN_FLIGHT,
	OP_QUEUED,   OP_REJECTED, OP_NEEDS_ATTENTION, OP_ACCEPTED,
};
#define LIST_COUNT ((int)ARRAY_SIZE(list_states))

static void make_list_ops(struct journal_fixture *f, struct operation *ops)
{
	for (int i = 0; i < LIST_COUNT; i++) {
		make_op(&ops[i], i, 10 * (i + 1), 0, NULL, NULL);
		bring_to_state(f, &ops[i], list_states[i]);
	}
}

struct list_case {
	unsigned mask;
	int offset;
	int max;
	int expected[LIST_COUNT]; /* indexes into list_states */
	int count;
};

#define BIT(state) (1u << (state))

static const struct list_case list_cases[] = {
	{ALL_STATES, 0, 8, {7, 6, 5, 4, 3, 2, 1, 0}, 8},
	{ALL_STATES, 0, 3, {7, 6, 5}, 3},
	{ALL_STATES, 6, 8, {1, 0}, 2},
	{ALL_STATES, 8, 8, {0}, 0},
	{BIT(OP_QUEUED), 0, 8, {4, 0}, 2},
	{BIT(OP_QUEUED) | BIT(OP_IN_FLIGHT), 0, 8, {4, 3, 0}, 3},
	{BIT(OP_REJECTED) | BIT(OP_NEEDS_ATTENTION), 1, 8, {5, 2}, 2},
	{BIT(OP_ACCEPTED), 0, 1, {7}, 1},
	{0, 0, 8, {0}, 0},
	/* Bits above the last state are ignored. */
	{BIT(OP_IN_FLIGHT) | 0xff00u, 0, 8, {3}, 1},
	{ALL_STATES, 0, 0, {0}, 0},
};

static void list_table(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[LIST_COUNT];
	struct operation listed[LIST_COUNT];

	make_list_ops(f, ops);
	for (size_t c = 0; c < ARRAY_SIZE(list_cases); c++) {
		const struct list_case *test = &list_cases[c];
		int count = journal_list(f->journal, test->mask, test->offset,
					 listed, test->max);

		if (count != test->count)
			print_message("failing case %zu\n", c);
		assert_int_equal(count, test->count);
		for (int i = 0; i < count; i++) {
			struct operation expected;

			assert_int_equal(journal_get(f->journal,
						     ops[test->expected[i]].id,
						     &expected),
					 JOURNAL_OK);
			assert_operation_equal(&listed[i], &expected);
		}
	}

	assert_int_equal(journal_list(f->journal, ALL_STATES, -1, listed, 8),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_list(f->journal, ALL_STATES, 0, listed, -1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_list(f->journal, ALL_STATES, 0, NULL, 1),
			 JOURNAL_EINVAL);
}

/* Only rejections that reached the central service and are not yet
 * acknowledged, oldest first. */
static void list_unacknowledged_filters(void **state)
{
	struct journal_fixture *f = *state;
	struct operation sent[3];
	struct operation never_sent;
	struct operation cancelled;
	struct operation listed[4];

	for (int i = 0; i < 3; i++) {
		make_op(&sent[i], i, 30 - i, 0, NULL, NULL);
		bring_to_state(f, &sent[i], OP_REJECTED);
	}
	make_op(&never_sent, 3, 1, 0, NULL, NULL);
	assert_int_equal(journal_insert(f->journal, &never_sent), JOURNAL_OK);
	assert_int_equal(journal_mark_rejected(f->journal, never_sent.id, "x",
					       5),
			 JOURNAL_OK);
	make_op(&cancelled, 4, 2, 0, NULL, NULL);
	assert_int_equal(journal_insert(f->journal, &cancelled), JOURNAL_OK);
	assert_int_equal(journal_cancel(f->journal, cancelled.id, "x", 5),
			 JOURNAL_OK);

	assert_int_equal(journal_list_unacknowledged(f->journal, listed, 4),
			 3);
	assert_string_equal(listed[0].id, sent[2].id);
	assert_string_equal(listed[1].id, sent[1].id);
	assert_string_equal(listed[2].id, sent[0].id);
	assert_int_equal(journal_list_unacknowledged(f->journal, listed, 1),
			 1);
	assert_string_equal(listed[0].id, sent[2].id);

	assert_int_equal(journal_acknowledge(f->journal, sent[1].id, 9),
			 JOURNAL_OK);
	assert_int_equal(journal_list_unacknowledged(f->journal, listed, 4),
			 2);
	assert_string_equal(listed[0].id, sent[2].id);
	assert_string_equal(listed[1].id, sent[0].id);

	assert_int_equal(journal_list_unacknowledged(f->journal, listed, 0),
			 0);
	assert_int_equal(journal_list_unacknowledged(f->journal, listed, -1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_list_unacknowledged(f->journal, NULL, 1),
			 JOURNAL_EINVAL);
}

static const struct {
	const char *type;
	const char *currency;
	int64_t amount;
	enum op_state state;
} sum_ops[] = {
	{"cash_in", "GHS", 100, OP_QUEUED},
	{"cash_in", "GHS", 200, OP_IN_FLIGHT},
	{"cash_in", "USD", 400, OP_NEEDS_ATTENTION},
	{"cash_out", "GHS", 800, OP_QUEUED},
	{"cash_in", "GHS", 1600, OP_ACCEPTED},
	{"cash_in", "GHS", 3200, OP_REJECTED},
};

static const struct {
	const char *type;
	const char *currency;
	int64_t count;
	int64_t amount;
} sum_cases[] = {
	{NULL, NULL, 4, 1500},
	{"cash_in", NULL, 3, 700},
	{NULL, "GHS", 3, 1100},
	{"cash_in", "GHS", 2, 300},
	{"cash_out", "USD", 0, 0},
	{"wallet_transfer", NULL, 0, 0},
};

static void sum_pending_table(void **state)
{
	struct journal_fixture *f = *state;
	int64_t count = -1;
	int64_t amount = -1;

	for (size_t i = 0; i < ARRAY_SIZE(sum_ops); i++) {
		struct operation op;

		make_op(&op, (int)i, 1, 0, NULL, NULL);
		strcpy(op.type, sum_ops[i].type);
		strcpy(op.currency, sum_ops[i].currency);
		op.amount = sum_ops[i].amount;
		bring_to_state(f, &op, sum_ops[i].state);
	}

	for (size_t i = 0; i < ARRAY_SIZE(sum_cases); i++) {
		assert_int_equal(journal_sum_pending(f->journal,
						     sum_cases[i].type,
						     sum_cases[i].currency,
						     &count, &amount),
				 JOURNAL_OK);
		if (count != sum_cases[i].count ||
		    amount != sum_cases[i].amount)
			print_message("failing case %zu\n", i);
		assert_int_equal(count, sum_cases[i].count);
		assert_int_equal(amount, sum_cases[i].amount);
	}

	/* Either output may be left out. */
	amount = -1;
	assert_int_equal(journal_sum_pending(f->journal, NULL, "GHS", NULL,
					     &amount),
			 JOURNAL_OK);
	assert_int_equal(amount, 1100);
	count = -1;
	assert_int_equal(journal_sum_pending(f->journal, "cash_out", NULL,
					     &count, NULL),
			 JOURNAL_OK);
	assert_int_equal(count, 1);

	count = -1;
	assert_int_equal(journal_sum_pending(f->journal, "", NULL, &count,
					     &amount),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_sum_pending(f->journal, NULL, "GHSX", &count,
					     &amount),
			 JOURNAL_EINVAL);
	assert_int_equal(count, -1);
}

/* Operations for the flag_old test, and whether it moves each to needs
 * attention. */
static const struct {
	const char *type;
	int64_t created_at;
	enum op_state state;
	bool approved; /* sent again by the agent after an earlier flag */
	bool flagged;
} old_ops[] = {
	{"cash_in", 10, OP_QUEUED, false, true},
	{"cash_in", 99, OP_QUEUED, false, true},
	{"cash_in", 100, OP_QUEUED, false, false},
	{"cash_in", 10, OP_QUEUED, true, false},
	{"cash_in", 10, OP_IN_FLIGHT, false, false},
	{"cash_in", 10, OP_ACCEPTED, false, false},
	{"cash_out", 10, OP_QUEUED, false, false},
};

static void flag_old_table(void **state)
{
	struct journal_fixture *f = *state;
	const char *reason = "Older than the offline policy allows";
	struct operation ops[ARRAY_SIZE(old_ops)];
	struct operation got;

	for (size_t i = 0; i < ARRAY_SIZE(old_ops); i++) {
		make_op(&ops[i], (int)i, old_ops[i].created_at, 0, NULL, NULL);
		strcpy(ops[i].type, old_ops[i].type);
		if (old_ops[i].approved) {
			bring_to_state(f, &ops[i], OP_NEEDS_ATTENTION);
			assert_int_equal(journal_retry_attention(f->journal,
								 ops[i].id,
								 20),
					 JOURNAL_OK);
		} else {
			bring_to_state(f, &ops[i], old_ops[i].state);
		}
	}

	assert_int_equal(journal_flag_old(f->journal, "cash_in", 100, reason,
					  200),
			 2);
	for (size_t i = 0; i < ARRAY_SIZE(old_ops); i++) {
		enum op_state expected = old_ops[i].flagged
						 ? OP_NEEDS_ATTENTION
						 : old_ops[i].state;

		assert_int_equal(journal_get(f->journal, ops[i].id, &got),
				 JOURNAL_OK);
		if (got.state != expected)
			print_message("failing operation %zu\n", i);
		assert_int_equal(got.state, expected);
		if (!old_ops[i].flagged)
			continue;
		assert_string_equal(got.last_error, reason);
		assert_int_equal(got.updated_at, 200);
	}
	assert_int_equal(journal_flag_old(f->journal, "cash_in", 100, reason,
					  300),
			 0);

	assert_int_equal(journal_flag_old(f->journal, NULL, 100, reason, 1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_flag_old(f->journal, "", 100, reason, 1),
			 JOURNAL_EINVAL);
	assert_int_equal(journal_flag_old(f->journal, "cash_out", 100, NULL,
					  1),
			 JOURNAL_EINVAL);
	assert_int_equal(state_of(f, ops[6].id), OP_QUEUED);
}

static int scale_operations(void)
{
	const char *text = getenv("SPOTAGENT_SCALE_OPERATIONS");
	long value;

	if (text == NULL)
		return SCALE_OPERATIONS;
	value = strtol(text, NULL, 10);
	if (value < 1 || value > SCALE_OPERATIONS_MAX)
		return SCALE_OPERATIONS;
	return (int)value;
}

/* The scale test's record of one operation, found by its amount. */
struct scale_entry {
	int accepted;     /* acceptances recorded */
	bool taken;       /* seen in a batch */
	bool retried;     /* failed once with an unknown outcome */
};

/* Turn a batch into outcomes: every 13th operation times out on its
 * first send and is due again in the next round, the rest are accepted.
 * Checks that an operation is first sent after every earlier operation on
 * its wallet. */
static void scale_outcomes(struct scale_entry *entries, int *last_first,
			   const struct operation *batch, int taken,
			   int64_t now, struct journal_outcome *outcomes)
{
	for (int i = 0; i < taken; i++) {
		int index = (int)(batch[i].amount - 1);
		int wallet = index % SCALE_WALLETS;
		struct scale_entry *entry = &entries[index];

		if (!entry->taken) {
			assert_true(index > last_first[wallet]);
			last_first[wallet] = index;
			entry->taken = true;
		}
		if (index % 13 == 0 && !entry->retried) {
			entry->retried = true;
			outcomes[i] = make_outcome(batch[i].id,
						   JOURNAL_OUTCOME_RETRY,
						   "timed out");
			outcomes[i].retry_state = OP_IN_FLIGHT;
			outcomes[i].next_attempt_at = now + 1;
			continue;
		}
		outcomes[i] = make_outcome(batch[i].id,
					   JOURNAL_OUTCOME_ACCEPTED, "REF");
		entry->accepted++;
	}
}

/* Drain a large queue in batches through next_batch, mark and record,
 * with some timeouts, and check that every operation is accepted exactly
 * once and first sent in wallet order. */
static void scale_drain(void **state)
{
	struct journal_fixture *f = *state;
	int total = scale_operations();
	struct scale_entry *entries = calloc((size_t)total, sizeof(*entries));
	int last_first[SCALE_WALLETS];
	struct operation *batch = calloc(SCALE_BATCH, sizeof(*batch));
	struct journal_outcome *outcomes = calloc(SCALE_BATCH,
						  sizeof(*outcomes));
	int64_t counts[OP_STATE_COUNT];
	int64_t now = 1000000;
	int rounds = 0;
	int taken;

	assert_non_null(entries);
	assert_non_null(batch);
	assert_non_null(outcomes);
	for (int w = 0; w < SCALE_WALLETS; w++)
		last_first[w] = -1;
	bulk_insert(f->path, total, 1, 0, SCALE_WALLETS);

	/* Every round sends at least one operation, so the bound is the
	 * number of sends, each operation at most twice. */
	do {
		taken = journal_next_batch(f->journal, now, batch,
					   SCALE_BATCH);
		assert_true(taken >= 0);
		if (taken == 0)
			break;
		assert_int_equal(journal_mark_batch_in_flight(f->journal,
							      batch, taken,
							      now),
				 JOURNAL_OK);
		scale_outcomes(entries, last_first, batch, taken, now,
			       outcomes);
		assert_int_equal(journal_record_outcomes(f->journal, outcomes,
							 taken, now),
				 0);
		now++;
		rounds++;
	} while (rounds <= 2 * total);

	for (int i = 0; i < total; i++) {
		if (entries[i].accepted != 1)
			print_message("operation %d accepted %d times\n", i,
				      entries[i].accepted);
		assert_int_equal(entries[i].accepted, 1);
	}
	assert_int_equal(journal_count_by_state(f->journal, counts),
			 JOURNAL_OK);
	assert_int_equal(counts[OP_ACCEPTED], total);
	assert_int_equal(counts[OP_QUEUED] + counts[OP_IN_FLIGHT], 0);
	print_message("%d operations drained in %d rounds\n", total, rounds);

	free(entries);
	free(batch);
	free(outcomes);
}

/* Receipts: an accepted operation and one rejected by the central service
 * are listed until marked printed in their state; a queued one, a
 * cancelled one and a refused send (queued again, never took effect) are
 * not. */
static void list_unprinted_tracks_printing(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[4];
	struct operation got[8];
	struct journal_outcome outcome;

	for (int i = 0; i < 4; i++)
		make_op(&ops[i], i, 10 + i, 0, NULL, NULL);
	bring_to_state(f, &ops[0], OP_ACCEPTED);
	bring_to_state(f, &ops[1], OP_IN_FLIGHT);
	bring_to_state(f, &ops[2], OP_QUEUED);
	bring_to_state(f, &ops[3], OP_QUEUED);
	outcome = make_outcome(ops[1].id, JOURNAL_OUTCOME_REJECTED, "closed");
	assert_int_equal(journal_record_outcomes(f->journal, &outcome, 1, 20),
			 0);
	assert_int_equal(journal_cancel(f->journal, ops[2].id, "left", 20),
			 JOURNAL_OK);

	assert_int_equal(journal_list_unprinted(f->journal, got, 8), 2);
	assert_string_equal(got[0].id, ops[0].id);
	assert_string_equal(got[1].id, ops[1].id);
	assert_int_equal(got[1].sent, 1);

	/* A mark for a state the operation is not in changes nothing. */
	assert_int_equal(journal_mark_printed(f->journal, ops[1].id,
					      OP_ACCEPTED),
			 JOURNAL_OK);
	assert_int_equal(journal_list_unprinted(f->journal, got, 8), 2);
	assert_int_equal(journal_mark_printed(f->journal, ops[0].id,
					      OP_ACCEPTED),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_printed(f->journal, ops[1].id,
					      OP_REJECTED),
			 JOURNAL_OK);
	assert_int_equal(journal_list_unprinted(f->journal, got, 8), 0);
	assert_int_equal(journal_mark_printed(f->journal, ops[3].id,
					      OP_QUEUED),
			 JOURNAL_EINVAL);
}

/* A refused connection returns an operation to queued with sent cleared,
 * so the agent may still cancel it; an unknown outcome keeps it sent. */
static void retry_state_sets_sent(void **state)
{
	struct journal_fixture *f = *state;
	struct operation refused;
	struct operation unknown;
	struct operation got;

	make_op(&refused, 1, 10, 0, NULL, NULL);
	make_op(&unknown, 2, 11, 0, NULL, NULL);
	bring_to_state(f, &refused, OP_QUEUED);
	bring_to_state(f, &unknown, OP_IN_FLIGHT);
	assert_int_equal(journal_mark_in_flight(f->journal, refused.id, 20),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_retry(f->journal, refused.id, OP_QUEUED,
					    "refused", 30, 20),
			 JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, refused.id, &got),
			 JOURNAL_OK);
	assert_int_equal(got.sent, 0);
	assert_int_equal(got.attempts, 1);
	assert_int_equal(journal_cancel(f->journal, refused.id, "left", 40),
			 JOURNAL_OK);

	assert_int_equal(journal_get(f->journal, unknown.id, &got),
			 JOURNAL_OK);
	assert_int_equal(got.sent, 1);
	assert_int_equal(journal_mark_attention(f->journal, unknown.id, "x",
						40),
			 JOURNAL_OK);
	assert_int_equal(journal_cancel(f->journal, unknown.id, "left", 40),
			 JOURNAL_ESTATE);
}

#define QUEUE_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		QUEUE_TEST(next_batch_fifo),
		QUEUE_TEST(next_batch_max),
		QUEUE_TEST(next_batch_now),
		QUEUE_TEST(next_batch_dependency_table),
		QUEUE_TEST(next_batch_scan_limit),
		QUEUE_TEST(next_batch_many_blocked_keys),
		QUEUE_TEST(mark_batch_in_flight_all),
		QUEUE_TEST(mark_batch_in_flight_all_or_nothing),
		QUEUE_TEST(record_outcomes_table),
		QUEUE_TEST(record_outcomes_invalid),
		QUEUE_TEST(record_rejection_holds_dependents),
		QUEUE_TEST(mark_rejected_holds_nothing),
		QUEUE_TEST(record_outcomes_all_or_nothing),
		QUEUE_TEST(agent_action_table),
		QUEUE_TEST(agent_action_invalid),
		QUEUE_TEST(acknowledge_twice),
		QUEUE_TEST(discard_needs_no_notice),
		QUEUE_TEST(retry_attention_sends_again),
		QUEUE_TEST(list_table),
		QUEUE_TEST(list_unacknowledged_filters),
		QUEUE_TEST(sum_pending_table),
		QUEUE_TEST(flag_old_table),
		QUEUE_TEST(list_unprinted_tracks_printing),
		QUEUE_TEST(retry_state_sets_sent),
		QUEUE_TEST(scale_drain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
