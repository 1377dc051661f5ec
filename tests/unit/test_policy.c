/* Unit tests of the offline policy (app/policy.c) on a journal in a
 * temporary folder: which types need the link, the agent's messages, and
 * the operations that policy_flag_old moves to needs attention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../app/api.h"
#include "../../app/api_money.h"
#include "../../app/op_type.h"
#include "../../app/policy.h"
#include "../../app/uuid.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

/* 2026-12-04T15:00:00Z */
#define NOW 1796396400
#define HOUR 3600
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Like the sandbox's default policy: cash-out has a rule that keeps it
 * online, and bank transfer and send money have none. The other types
 * may wait an hour. */
static const char policy_json[] =
	"{\"version\":1,\"operations\":{"
	"\"wallet_transfer\":{\"offline_allowed\":true,"
	"\"max_amount\":{\"GHS\":200000},\"max_exposure\":{\"GHS\":1000000},"
	"\"max_queued\":100,\"max_age_seconds\":3600},"
	"\"customer_registration\":{\"offline_allowed\":true,"
	"\"max_queued\":100,\"max_age_seconds\":3600},"
	"\"customer_update\":{\"offline_allowed\":true,"
	"\"max_queued\":100,\"max_age_seconds\":3600},"
	"\"cash_in\":{\"offline_allowed\":true,"
	"\"max_amount\":{\"GHS\":200000},\"max_exposure\":{\"GHS\":1000000},"
	"\"max_queued\":100,\"max_age_seconds\":3600},"
	"\"cash_out\":{\"offline_allowed\":false,"
	"\"max_amount\":{\"GHS\":200000},\"max_exposure\":{\"GHS\":1000000},"
	"\"max_queued\":100,\"max_age_seconds\":3600},"
	"\"reversal\":{\"offline_allowed\":true,"
	"\"max_amount\":{\"GHS\":200000},\"max_exposure\":{\"GHS\":1000000},"
	"\"max_queued\":20,\"max_age_seconds\":3600}}}";

#define UNSENT_CASH_OUT                                                       \
	"Not sent while the link was down, and cash-out needs the link: "    \
	"send it only if the customer is still here, else cancel it."
#define TOO_OLD "Older than the offline policy allows (60 minutes)"

static int setup(void **state)
{
	struct journal_fixture *f;

	if (journal_fixture_setup(state, "policy") != 0)
		return -1;
	f = *state;
	if (journal_set_meta(f->journal, POLICY_META_KEY, policy_json) !=
	    JOURNAL_OK) {
		journal_fixture_teardown(state);
		return -1;
	}
	return 0;
}

static int setup_without_policy(void **state)
{
	return journal_fixture_setup(state, "policy");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* How an operation got where it is before policy_flag_old runs. */
enum history {
	HISTORY_QUEUED,      /* journaled, never tried */
	HISTORY_LINK_FAILED, /* tried, the link failed before a request */
	HISTORY_IN_FLIGHT,   /* its request may have reached the service */
	HISTORY_APPROVED,    /* flagged, then sent again by the agent */
};

/* Journal an operation of type created `age` seconds before NOW and give
 * it `history`. */
static void journal_op(struct journal *journal, const char *type,
		       int64_t age, enum history history,
		       struct operation *op)
{
	int64_t created_at = NOW - age;

	memset(op, 0, sizeof(*op));
	assert_int_equal(uuid_generate(op->id), 0);
	snprintf(op->type, sizeof(op->type), "%s", type);
	strcpy(op->agent_id, "A1001");
	strcpy(op->currency, "GHS");
	op->amount = 5000;
	strcpy(op->payload, "{}");
	op->created_at = created_at;
	op->updated_at = created_at;
	op->next_attempt_at = created_at;
	assert_int_equal(journal_insert(journal, op), JOURNAL_OK);

	if (history == HISTORY_QUEUED)
		return;
	assert_int_equal(journal_mark_in_flight(journal, op->id,
						created_at + 1),
			 JOURNAL_OK);
	if (history == HISTORY_LINK_FAILED)
		assert_int_equal(journal_mark_retry(journal, op->id, OP_QUEUED,
						    "connection refused",
						    created_at + 2,
						    created_at + 1),
				 JOURNAL_OK);
	if (history == HISTORY_APPROVED) {
		assert_int_equal(journal_mark_retry(journal, op->id, OP_QUEUED,
						    "connection refused",
						    created_at + 2,
						    created_at + 1),
				 JOURNAL_OK);
		assert_int_equal(journal_mark_attention(journal, op->id,
							"old", created_at + 2),
				 JOURNAL_OK);
		assert_int_equal(journal_retry_attention(journal, op->id,
							 created_at + 3),
				 JOURNAL_OK);
	}
}

struct flag_case {
	const char *name;
	const char *type;
	int64_t age;
	enum history history;
	enum op_state expected;
	const char *reason; /* start of last_error when flagged */
};

static const struct flag_case flag_cases[] = {
	{ "cash-out just past the grace", API_TYPE_CASH_OUT,
	  POLICY_UNSENT_GRACE_SECONDS + 1, HISTORY_QUEUED,
	  OP_NEEDS_ATTENTION, UNSENT_CASH_OUT },
	{ "cash-out at the grace", API_TYPE_CASH_OUT,
	  POLICY_UNSENT_GRACE_SECONDS, HISTORY_QUEUED, OP_QUEUED, NULL },
	{ "cash-out after a link failure", API_TYPE_CASH_OUT,
	  POLICY_UNSENT_GRACE_SECONDS + 1, HISTORY_LINK_FAILED,
	  OP_NEEDS_ATTENTION, UNSENT_CASH_OUT },
	{ "cash-out that may have arrived", API_TYPE_CASH_OUT, 10 * HOUR,
	  HISTORY_IN_FLIGHT, OP_IN_FLIGHT, NULL },
	{ "cash-out the agent approved", API_TYPE_CASH_OUT, 10 * HOUR,
	  HISTORY_APPROVED, OP_QUEUED, NULL },
	{ "bank transfer without a rule", API_TYPE_BANK_TRANSFER,
	  POLICY_UNSENT_GRACE_SECONDS + 1, HISTORY_QUEUED,
	  OP_NEEDS_ATTENTION,
	  "Not sent while the link was down, and bank transfer needs" },
	{ "send money without a rule", API_TYPE_SEND_MONEY,
	  POLICY_UNSENT_GRACE_SECONDS + 1, HISTORY_QUEUED,
	  OP_NEEDS_ATTENTION,
	  "Not sent while the link was down, and send money needs" },
	{ "cash-in within its max age", API_TYPE_CASH_IN, HOUR - 1,
	  HISTORY_QUEUED, OP_QUEUED, NULL },
	{ "cash-in past its max age", API_TYPE_CASH_IN, HOUR + 1,
	  HISTORY_QUEUED, OP_NEEDS_ATTENTION, TOO_OLD },
	{ "reversal past its max age", API_TYPE_REVERSAL, HOUR + 1,
	  HISTORY_LINK_FAILED, OP_NEEDS_ATTENTION, TOO_OLD },
	{ "wallet transfer past its max age", API_TYPE_WALLET_TRANSFER,
	  HOUR + 1, HISTORY_QUEUED, OP_NEEDS_ATTENTION, TOO_OLD },
	{ "registration past its max age", API_TYPE_CUSTOMER_REGISTRATION,
	  HOUR + 1, HISTORY_QUEUED, OP_NEEDS_ATTENTION, TOO_OLD },
};

static void check_flagged(struct journal *journal, const char *name,
			  const struct operation *op, enum op_state expected,
			  const char *reason)
{
	struct operation now;

	assert_int_equal(journal_get(journal, op->id, &now), JOURNAL_OK);
	if (now.state != expected)
		fail_msg("%s: state %s, expected %s", name,
			 journal_state_name(now.state),
			 journal_state_name(expected));
	if (reason != NULL &&
	    strncmp(now.last_error, reason, strlen(reason)) != 0)
		fail_msg("%s: reason \"%s\", expected \"%s...\"", name,
			 now.last_error, reason);
}

/* All cases share one journal, so each type's check must leave the
 * other types' operations alone. */
static void flag_old_table(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[ARRAY_SIZE(flag_cases)];
	int expected_moves = 0;

	for (size_t i = 0; i < ARRAY_SIZE(flag_cases); i++) {
		const struct flag_case *c = &flag_cases[i];

		journal_op(f->journal, c->type, c->age, c->history, &ops[i]);
		if (c->expected == OP_NEEDS_ATTENTION)
			expected_moves++;
	}
	assert_int_equal(policy_flag_old(f->journal, NOW), expected_moves);
	for (size_t i = 0; i < ARRAY_SIZE(flag_cases); i++)
		check_flagged(f->journal, flag_cases[i].name, &ops[i],
			      flag_cases[i].expected, flag_cases[i].reason);

	/* A second run moves nothing more. */
	assert_int_equal(policy_flag_old(f->journal, NOW), 0);
}

/* The agent can still cancel a cash-out that never left. */
static void flagged_unsent_cancellable(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;

	journal_op(f->journal, API_TYPE_CASH_OUT, 10 * HOUR,
		   HISTORY_LINK_FAILED, &op);
	assert_int_equal(policy_flag_old(f->journal, NOW), 1);
	assert_int_equal(journal_cancel(f->journal, op.id, "Cancelled", NOW),
			 JOURNAL_OK);
}

/* Without a cached policy every type needs the link. */
static void flag_without_policy(void **state)
{
	struct journal_fixture *f = *state;
	struct operation late;
	struct operation recent;

	journal_op(f->journal, API_TYPE_CASH_IN,
		   POLICY_UNSENT_GRACE_SECONDS + 1, HISTORY_QUEUED, &late);
	journal_op(f->journal, API_TYPE_CASH_IN, 1, HISTORY_QUEUED, &recent);
	assert_int_equal(policy_flag_old(f->journal, NOW), 1);
	check_flagged(f->journal, "late cash-in", &late, OP_NEEDS_ATTENTION,
		      "Not sent while the link was down, and cash-in needs");
	check_flagged(f->journal, "recent cash-in", &recent, OP_QUEUED, NULL);
}

struct link_case {
	const char *type;
	bool online;
	int expected;
	const char *message;
};

static const struct link_case link_cases[] = {
	{ API_TYPE_CASH_OUT, false, -1,
	  "Cash-out needs the link: try again when ONLINE shows" },
	{ API_TYPE_BANK_TRANSFER, false, -1,
	  "Bank transfer needs the link: try again when ONLINE shows" },
	{ API_TYPE_SEND_MONEY, false, -1,
	  "Send money needs the link: try again when ONLINE shows" },
	{ API_TYPE_CASH_IN, false, 0, "" },
	{ API_TYPE_REVERSAL, false, 0, "" },
	{ API_TYPE_CASH_OUT, true, 0, "" },
	{ API_TYPE_SEND_MONEY, true, 0, "" },
};

static void check_link_table(void **state)
{
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(link_cases); i++) {
		const struct link_case *c = &link_cases[i];
		char message[256] = "";
		int rc = policy_check_link(f->journal, c->type, c->online,
					   message, sizeof(message));

		if (rc != c->expected)
			fail_msg("%s %s: %d, expected %d", c->type,
				 c->online ? "online" : "offline", rc,
				 c->expected);
		assert_string_equal(message, c->message);
	}
}

static void online_only_types(void **state)
{
	struct journal_fixture *f = *state;

	assert_int_equal(policy_online_only(f->journal, API_TYPE_CASH_OUT), 1);
	assert_int_equal(policy_online_only(f->journal, API_TYPE_SEND_MONEY),
			 1);
	assert_int_equal(policy_online_only(f->journal, API_TYPE_CASH_IN), 0);
	assert_int_equal(policy_online_only(f->journal, "no_such_type"), 1);
}

/* The agent reads each line on an 80-column status line, so every
 * message of a type that needs the link fits it. */
static void messages_fit_80_columns(void **state)
{
	struct journal_fixture *f = *state;
	for (size_t i = 0; op_type_at(i) != NULL; i++) {
		const struct op_type_words *words = op_type_at(i);
		char message[256] = "";
		char reason[JOURNAL_ERROR_SIZE];

		assert_int_equal(policy_check_link(f->journal, words->type,
						   false, message,
						   sizeof(message)),
				 -1);
		if (strlen(message) > 80)
			fail_msg("%zu columns: %s", strlen(message), message);
		policy_unsent_reason(words->type, reason, sizeof(reason));
		assert_true(strlen(reason) < sizeof(reason) - 1);
	}
}

/* policy_check gives the same line as policy_check_link for an
 * operation that needs the link, and nothing is journaled. */
static void policy_journal_offline_cash_out(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	int64_t counts[OP_STATE_COUNT] = { 0 };
	char message[256] = "";

	memset(&op, 0, sizeof(op));
	assert_int_equal(uuid_generate(op.id), 0);
	strcpy(op.type, API_TYPE_CASH_OUT);
	strcpy(op.agent_id, "A1001");
	strcpy(op.currency, "GHS");
	op.amount = 5000;
	strcpy(op.payload, "{}");
	op.created_at = NOW;
	op.updated_at = NOW;
	op.next_attempt_at = NOW;
	assert_int_equal(policy_journal(f->journal, &op, false, message,
					sizeof(message)),
			 -1);
	assert_string_equal(message, link_cases[0].message);
	assert_int_equal(journal_count_by_state(f->journal, counts),
			 JOURNAL_OK);
	assert_int_equal(counts[OP_QUEUED], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(flag_old_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(flagged_unsent_cancellable,
						setup, teardown),
		cmocka_unit_test_setup_teardown(flag_without_policy,
						setup_without_policy,
						teardown),
		cmocka_unit_test_setup_teardown(check_link_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(online_only_types, setup,
						teardown),
		cmocka_unit_test_setup_teardown(messages_fit_80_columns,
						setup_without_policy,
						teardown),
		cmocka_unit_test_setup_teardown(
			policy_journal_offline_cash_out, setup, teardown),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
