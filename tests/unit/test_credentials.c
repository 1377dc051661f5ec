/* Unit tests for offline/credentials.c on real journal files in a fresh
 * directory under /tmp, with a fake clock and a second SQLite connection
 * to read what was stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../app/uuid.h"
#include "../../offline/credentials.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

/* Fake Unix time of the online login in most tests. */
#define T0 INT64_C(1700000000)

/* Offline login window used by most tests: one week. */
#define WINDOW (7 * 24 * 3600)

#define AGENT "agent-0042"
#define PASSWORD "correct horse 42"
#define WRONG "correct horse 43"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int setup(void **state)
{
	return journal_fixture_setup(state, "credentials");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* Close and reopen the fixture's journal, as a restart does. */
static void reopen(struct journal_fixture *f)
{
	journal_close(f->journal);
	f->journal = NULL;
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
}

/* The stored "failures,locked_until" of agent_id. */
static void read_lockout(struct journal_fixture *f, const char *agent_id,
			 char *out, size_t size)
{
	journal_fixture_query(
		f->path,
		"SELECT failures || ',' || locked_until FROM credentials"
		" WHERE agent_id = ?1",
		agent_id, out, size);
}

static int check(struct journal_fixture *f, const char *agent_id,
		 const char *password, int64_t now, int64_t *retry_after)
{
	return credentials_check(f->journal, agent_id, password, now, WINDOW,
				 retry_after);
}

static void store_then_check_ok(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;
	char expected[128];
	char text[128];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, AGENT, PASSWORD, T0 + 60, &retry_after),
			 CREDENTIALS_OK);
	assert_int_equal(retry_after, 0);

	journal_fixture_query(
		f->path,
		"SELECT length(salt) || ',' || iterations || ','"
		" || length(hash) || ',' || stored_at FROM credentials"
		" WHERE agent_id = ?1",
		AGENT, text, sizeof(text));
	snprintf(expected, sizeof(expected), "16,%d,32,1700000000",
		 CREDENTIALS_ITERATIONS);
	assert_string_equal(text, expected);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "0,0");
}

static void wrong_password_persists(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;
	char text[64];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, AGENT, WRONG, T0 + 10, &retry_after),
			 CREDENTIALS_EWRONG);
	assert_int_equal(retry_after, 0);

	reopen(f);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "1,1700000010");

	/* The count goes on from the stored value after the restart. */
	assert_int_equal(check(f, AGENT, WRONG, T0 + 11, &retry_after),
			 CREDENTIALS_EWRONG);
	assert_int_equal(check(f, AGENT, WRONG, T0 + 12, &retry_after),
			 CREDENTIALS_EWRONG);
	assert_int_equal(retry_after, 30);
	reopen(f);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "3,1700000042");
	assert_int_equal(check(f, AGENT, PASSWORD, T0 + 41, &retry_after),
			 CREDENTIALS_ELOCKED);
	assert_int_equal(retry_after, 1);
}

/* Each wrong password is tried as soon as the previous lockout ends. */
static void lockout_sequence_delays(void **state)
{
	static const int64_t delays[] = {
		0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600,
	};
	struct journal_fixture *f = *state;
	int64_t now = T0;
	int64_t retry_after;
	char expected[64];
	char text[64];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	for (size_t i = 0; i < ARRAY_SIZE(delays); i++) {
		retry_after = -1;
		assert_int_equal(check(f, AGENT, WRONG, now, &retry_after),
				 CREDENTIALS_EWRONG);
		assert_int_equal(retry_after, delays[i]);

		snprintf(expected, sizeof(expected), "%zu,%lld", i + 1,
			 (long long)(now + delays[i]));
		read_lockout(f, AGENT, text, sizeof(text));
		assert_string_equal(text, expected);

		if (delays[i] > 0) {
			assert_int_equal(check(f, AGENT, WRONG,
					       now + delays[i] - 1,
					       &retry_after),
					 CREDENTIALS_ELOCKED);
			assert_int_equal(retry_after, 1);
		}
		now += delays[i];
	}
}

static void delay_schedule_table(void **state)
{
	static const struct {
		int64_t failures;
		int64_t delay;
	} cases[] = {
		{-1, 0},    {0, 0},      {1, 0},       {2, 0},
		{3, 30},    {4, 60},     {5, 120},     {6, 240},
		{7, 480},   {8, 960},    {9, 1920},    {10, 3600},
		{11, 3600}, {100, 3600}, {INT64_MAX, 3600},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(credentials_delay(cases[i].failures),
				 cases[i].delay);
}

/* A check during a lockout neither derives nor counts, even with the
 * right password. */
static void check_while_locked(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;
	char text[64];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(check(f, AGENT, WRONG, T0 + 100,
				       &retry_after),
				 CREDENTIALS_EWRONG);
	assert_int_equal(retry_after, 30);

	assert_int_equal(check(f, AGENT, WRONG, T0 + 110, &retry_after),
			 CREDENTIALS_ELOCKED);
	assert_int_equal(retry_after, 20);
	assert_int_equal(check(f, AGENT, PASSWORD, T0 + 129, &retry_after),
			 CREDENTIALS_ELOCKED);
	assert_int_equal(retry_after, 1);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "3,1700000130");

	assert_int_equal(check(f, AGENT, PASSWORD, T0 + 130, &retry_after),
			 CREDENTIALS_OK);
	assert_int_equal(retry_after, 0);
}

static void success_resets_failures(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;
	char text[64];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, AGENT, WRONG, T0 + 1, &retry_after),
			 CREDENTIALS_EWRONG);
	assert_int_equal(check(f, AGENT, WRONG, T0 + 2, &retry_after),
			 CREDENTIALS_EWRONG);
	assert_int_equal(check(f, AGENT, PASSWORD, T0 + 3, &retry_after),
			 CREDENTIALS_OK);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "0,0");

	/* The next two failures are free again. */
	assert_int_equal(check(f, AGENT, WRONG, T0 + 4, &retry_after),
			 CREDENTIALS_EWRONG);
	assert_int_equal(retry_after, 0);
	assert_int_equal(check(f, AGENT, WRONG, T0 + 5, &retry_after),
			 CREDENTIALS_EWRONG);
	assert_int_equal(retry_after, 0);
}

/* A new online login replaces the verifier and ends a lockout. */
static void store_replaces_and_unlocks(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;
	char text[64];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(check(f, AGENT, WRONG, T0 + 1,
				       &retry_after),
				 CREDENTIALS_EWRONG);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "3,1700000031");

	assert_int_equal(credentials_store(f->journal, AGENT, WRONG, T0 + 5),
			 CREDENTIALS_OK);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "0,0");
	assert_int_equal(check(f, AGENT, WRONG, T0 + 6, &retry_after),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, AGENT, PASSWORD, T0 + 7, &retry_after),
			 CREDENTIALS_EWRONG);
}

static void expired_window_table(void **state)
{
	static const struct {
		int64_t now;
		int64_t max_age;
		int expected;
	} cases[] = {
		{T0, 0, CREDENTIALS_OK},
		{T0 + 100, 100, CREDENTIALS_OK},
		{T0 + 101, 100, CREDENTIALS_EEXPIRED},
		{T0 + WINDOW + 1, WINDOW, CREDENTIALS_EEXPIRED},
		{T0 + 1, 0, CREDENTIALS_EEXPIRED},
		/* The clock went back since the online login. */
		{T0 - 1, WINDOW, CREDENTIALS_EEXPIRED},
	};
	struct journal_fixture *f = *state;
	int64_t retry_after;
	char text[64];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		retry_after = -1;
		assert_int_equal(credentials_check(f->journal, AGENT, PASSWORD,
						   cases[i].now,
						   cases[i].max_age,
						   &retry_after),
				 cases[i].expected);
		assert_int_equal(retry_after, 0);
	}

	/* An expired check of a wrong password counts nothing. */
	assert_int_equal(credentials_check(f->journal, AGENT, WRONG, T0 + 101,
					   100, &retry_after),
			 CREDENTIALS_EEXPIRED);
	read_lockout(f, AGENT, text, sizeof(text));
	assert_string_equal(text, "0,0");
}

static void unknown_agent(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;

	assert_int_equal(check(f, AGENT, PASSWORD, T0, &retry_after),
			 CREDENTIALS_ENOTFOUND);
	assert_int_equal(retry_after, 0);

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, "agent-0043", PASSWORD, T0, &retry_after),
			 CREDENTIALS_ENOTFOUND);

	assert_int_equal(credentials_forget(f->journal, AGENT),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, AGENT, PASSWORD, T0, &retry_after),
			 CREDENTIALS_ENOTFOUND);
	assert_int_equal(credentials_forget(f->journal, AGENT),
			 CREDENTIALS_OK);
}

static void two_agents_independent(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;
	char text[64];

	assert_int_equal(credentials_store(f->journal, "agent-a", PASSWORD,
					   T0),
			 CREDENTIALS_OK);
	assert_int_equal(credentials_store(f->journal, "agent-b", WRONG, T0),
			 CREDENTIALS_OK);

	/* One agent's password is wrong for the other. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(check(f, "agent-a", WRONG, T0 + 1,
				       &retry_after),
				 CREDENTIALS_EWRONG);
	assert_int_equal(check(f, "agent-a", PASSWORD, T0 + 2, &retry_after),
			 CREDENTIALS_ELOCKED);

	assert_int_equal(check(f, "agent-b", WRONG, T0 + 2, &retry_after),
			 CREDENTIALS_OK);
	assert_int_equal(retry_after, 0);
	read_lockout(f, "agent-b", text, sizeof(text));
	assert_string_equal(text, "0,0");
	read_lockout(f, "agent-a", text, sizeof(text));
	assert_string_equal(text, "3,1700000031");

	assert_int_equal(credentials_forget(f->journal, "agent-b"),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, "agent-a", PASSWORD, T0 + 31, &retry_after),
			 CREDENTIALS_OK);
}

static void salt_differs_per_store(void **state)
{
	struct journal_fixture *f = *state;
	char first[128];
	char second[128];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	journal_fixture_query(
		f->path,
		"SELECT hex(salt) || ':' || hex(hash) FROM credentials"
		" WHERE agent_id = ?1",
		AGENT, first, sizeof(first));
	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	journal_fixture_query(
		f->path,
		"SELECT hex(salt) || ':' || hex(hash) FROM credentials"
		" WHERE agent_id = ?1",
		AGENT, second, sizeof(second));

	assert_int_equal(strlen(first), 32 + 1 + 64);
	assert_string_not_equal(first, second);
	/* Salts and keys both differ. */
	assert_memory_not_equal(first, second, 32);
	assert_string_not_equal(first + 33, second + 33);
}

/* A stored row whose iteration count is out of range is reported, not
 * run. */
static void check_damaged_row(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	journal_fixture_exec(f->path,
			     "UPDATE credentials SET iterations = 2000000000",
			     NULL, NULL);
	assert_int_equal(check(f, AGENT, PASSWORD, T0, &retry_after),
			 CREDENTIALS_EIO);
	assert_int_equal(retry_after, 0);
}

static void invalid_arguments_table(void **state)
{
	static char long_agent[JOURNAL_AGENT_SIZE + 1];
	static char long_password[CREDENTIALS_PASSWORD_MAX + 2];
	static char max_password[CREDENTIALS_PASSWORD_MAX + 1];
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;

	memset(long_agent, 'a', sizeof(long_agent) - 1);
	memset(long_password, 'p', sizeof(long_password) - 1);
	memset(max_password, 'p', sizeof(max_password) - 1);

	const struct {
		const char *agent_id;
		const char *password;
		int expected;
	} cases[] = {
		{NULL, PASSWORD, CREDENTIALS_EINVAL},
		{"", PASSWORD, CREDENTIALS_EINVAL},
		{long_agent, PASSWORD, CREDENTIALS_EINVAL},
		{AGENT, NULL, CREDENTIALS_EINVAL},
		{AGENT, "", CREDENTIALS_EINVAL},
		{AGENT, long_password, CREDENTIALS_EINVAL},
		{AGENT, max_password, CREDENTIALS_OK},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(credentials_store(f->journal,
						   cases[i].agent_id,
						   cases[i].password, T0),
				 cases[i].expected);
		assert_int_equal(credentials_check(f->journal,
						   cases[i].agent_id,
						   cases[i].password, T0,
						   WINDOW, &retry_after),
				 cases[i].expected);
	}

	assert_int_equal(credentials_store(NULL, AGENT, PASSWORD, T0),
			 CREDENTIALS_EINVAL);
	assert_int_equal(credentials_check(NULL, AGENT, PASSWORD, T0, WINDOW,
					   &retry_after),
			 CREDENTIALS_EINVAL);
	assert_int_equal(credentials_check(f->journal, AGENT, PASSWORD, T0,
					   -1, &retry_after),
			 CREDENTIALS_EINVAL);
	assert_int_equal(credentials_check(f->journal, AGENT, PASSWORD, T0,
					   WINDOW, NULL),
			 CREDENTIALS_EINVAL);
	assert_int_equal(credentials_forget(NULL, AGENT), CREDENTIALS_EINVAL);
	assert_int_equal(credentials_forget(f->journal, ""),
			 CREDENTIALS_EINVAL);
}

/* Turn the fixture's journal back into a version 3 file: migrations 4
 * to 9 only add the credentials, customer cache, day close, carried
 * operation and print job tables and the operations' secret column, so
 * dropping them and the version is what a version 3 build leaves on
 * disk. */
static void downgrade_to_v3(struct journal_fixture *f)
{
	journal_close(f->journal);
	f->journal = NULL;
	journal_fixture_exec(
		f->path,
		"DROP TABLE customer_cache; DROP TABLE credentials;"
		" DROP TABLE print_jobs;"
		" DROP TABLE day_pending; DROP TABLE day_closes;"
		" ALTER TABLE operations DROP COLUMN secret;"
		" PRAGMA user_version = 3;",
		NULL, NULL);
}

static void migrate_v3_to_v4(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;
	int64_t retry_after = -1;
	char text[64];

	memset(&op, 0, sizeof(op));
	assert_int_equal(uuid_generate(op.id), 0);
	strcpy(op.type, "cash_in");
	strcpy(op.agent_id, AGENT);
	strcpy(op.currency, "GHS");
	op.amount = 2500;
	strcpy(op.payload, "{\"n\":1}");
	op.created_at = T0;
	op.updated_at = T0;
	op.next_attempt_at = T0;
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(journal_mark_in_flight(f->journal, op.id, T0 + 1),
			 JOURNAL_OK);

	downgrade_to_v3(f);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "3");
	journal_fixture_query(f->path,
			      "SELECT count(*) FROM sqlite_schema"
			      " WHERE name = 'credentials'",
			      NULL, text, sizeof(text));
	assert_string_equal(text, "0");

	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");

	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_int_equal(got.state, OP_IN_FLIGHT);
	assert_int_equal(got.attempts, 1);
	assert_int_equal(got.amount, 2500);
	assert_string_equal(got.payload, "{\"n\":1}");

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	assert_int_equal(check(f, AGENT, PASSWORD, T0, &retry_after),
			 CREDENTIALS_OK);
}

static void reopen_is_idempotent(void **state)
{
	struct journal_fixture *f = *state;
	int64_t retry_after = -1;
	char text[64];

	assert_int_equal(credentials_store(f->journal, AGENT, PASSWORD, T0),
			 CREDENTIALS_OK);
	reopen(f);
	reopen(f);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "10");
	journal_fixture_query(f->path, "SELECT count(*) FROM credentials", NULL,
			      text, sizeof(text));
	assert_string_equal(text, "1");
	assert_int_equal(check(f, AGENT, PASSWORD, T0, &retry_after),
			 CREDENTIALS_OK);
}

/* Prints the time of one check; machines differ, so nothing is asserted
 * on it. */
static void time_check_calibration(void **state)
{
	int64_t elapsed_ns = -1;

	(void)state;
	assert_int_equal(credentials_time_check(CREDENTIALS_ITERATIONS,
						&elapsed_ns),
			 CREDENTIALS_OK);
	assert_true(elapsed_ns > 0);
	printf("# one check with %d iterations took %.1f ms\n",
	       CREDENTIALS_ITERATIONS, (double)elapsed_ns / 1e6);

	assert_int_equal(credentials_time_check(0, &elapsed_ns),
			 CREDENTIALS_EINVAL);
	assert_int_equal(credentials_time_check(CREDENTIALS_ITERATIONS_MAX + 1,
						&elapsed_ns),
			 CREDENTIALS_EINVAL);
	assert_int_equal(credentials_time_check(1, NULL), CREDENTIALS_EINVAL);
}

static void strerror_messages(void **state)
{
	static const struct {
		int error;
		const char *message;
	} messages[] = {
		{CREDENTIALS_OK, "Success"},
		{CREDENTIALS_ENOTFOUND,
		 "No offline login for this agent before an online login on "
		 "this terminal"},
		{CREDENTIALS_EEXPIRED,
		 "Last online login is too old for an offline login"},
		{CREDENTIALS_ELOCKED,
		 "Too many wrong passwords, so wait before the next attempt"},
		{CREDENTIALS_EWRONG, "Wrong password"},
		{CREDENTIALS_EINVAL,
		 "Invalid, empty or too long agent id or password"},
		{CREDENTIALS_EIO,
		 "Journal database error (details in the log)"},
		{CREDENTIALS_ECRYPTO,
		 "Password check failed (details in the log)"},
		{-99, "Unknown credentials error"},
		{1, "Unknown credentials error"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(messages); i++)
		assert_string_equal(credentials_strerror(messages[i].error),
				    messages[i].message);
}

#define CREDENTIALS_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CREDENTIALS_TEST(store_then_check_ok),
		CREDENTIALS_TEST(wrong_password_persists),
		CREDENTIALS_TEST(lockout_sequence_delays),
		CREDENTIALS_TEST(check_while_locked),
		CREDENTIALS_TEST(success_resets_failures),
		CREDENTIALS_TEST(store_replaces_and_unlocks),
		CREDENTIALS_TEST(expired_window_table),
		CREDENTIALS_TEST(unknown_agent),
		CREDENTIALS_TEST(two_agents_independent),
		CREDENTIALS_TEST(salt_differs_per_store),
		CREDENTIALS_TEST(check_damaged_row),
		CREDENTIALS_TEST(invalid_arguments_table),
		CREDENTIALS_TEST(migrate_v3_to_v4),
		CREDENTIALS_TEST(reopen_is_idempotent),
		cmocka_unit_test(delay_schedule_table),
		cmocka_unit_test(time_check_calibration),
		cmocka_unit_test(strerror_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
