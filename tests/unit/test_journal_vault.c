/* Unit tests of the journal's sealed secrets, checked through a second
 * SQLite connection. They cover what the file stores, the key file's
 * creation and checks at open, a secret moved to another row, a
 * configured key file, and the upgrade of plain secrets from version 9. */
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

#include "../../app/uuid.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

/* Customer cash-out codes, none of which may appear in the file. */
static const char *const codes[] = {"918273", "554433", "771122"};
#define CODE_COUNT 3

static int setup(void **state)
{
	return journal_fixture_setup(state, "journal-vault");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* A pending cash-out number n whose secret contains codes[n], or no secret
 * when n is CODE_COUNT or more. */
static void make_cash_out(struct operation *op, int n)
{
	memset(op, 0, sizeof(*op));
	assert_int_equal(uuid_generate(op->id), 0);
	strcpy(op->type, "cash_out");
	op->state = OP_QUEUED;
	strcpy(op->agent_id, "agent-0042");
	strcpy(op->currency, "GHS");
	op->amount = 5000 + n;
	snprintf(op->payload, sizeof(op->payload), "{\"n\":%d}", n);
	if (n < CODE_COUNT)
		snprintf(op->secret, sizeof(op->secret),
			 "{\"code\":\"%s\"}", codes[n]);
	op->created_at = 100 + n;
	op->updated_at = op->created_at;
	op->next_attempt_at = op->created_at;
}

/* Run sql on a second connection, with ?1 and ?2 bound when not NULL. */
static void raw_exec(const char *path, const char *sql, const char *first,
		     const char *second)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
			 SQLITE_OK);
	if (first != NULL)
		sqlite3_bind_text(stmt, 1, first, -1, SQLITE_STATIC);
	if (second != NULL)
		sqlite3_bind_text(stmt, 2, second, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* The first column of the first row of sql, with ?1 bound to param when
 * not NULL, as text, or "(null)". */
static void raw_query(const char *path, const char *sql, const char *param,
		      char *out, size_t size)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	const char *text;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
			 SQLITE_OK);
	if (param != NULL)
		sqlite3_bind_text(stmt, 1, param, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	text = (const char *)sqlite3_column_text(stmt, 0);
	snprintf(out, size, "%s", text == NULL ? "(null)" : text);
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void raw_secret(const char *path, const char *id, char *out,
		       size_t size)
{
	raw_query(path, "SELECT secret FROM operations WHERE id = ?1", id,
		  out, size);
}

/* Whether the bytes of text occur anywhere in the file at path. */
static int file_contains(const char *path, const char *text)
{
	FILE *file = fopen(path, "rb");
	char *data = malloc(1 << 20);
	size_t size;
	int found;

	assert_non_null(file);
	assert_non_null(data);
	size = fread(data, 1, 1 << 20, file);
	assert_true(size < (1 << 20));
	fclose(file);
	found = memmem(data, size, text, strlen(text)) != NULL;
	free(data);
	return found;
}

static void key_path(const struct journal_fixture *f, char *out,
		     size_t size)
{
	snprintf(out, size, "%s.key", f->path);
}

static void reopen(struct journal_fixture *f)
{
	journal_close(f->journal);
	f->journal = NULL;
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
}

/* A cash-out's code is stored sealed and read back plain, and the key
 * file appears, with mode 0600, with the first secret. */
static void cash_out_code_sealed(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;
	char key[192];
	char text[512];
	struct stat st;

	key_path(f, key, sizeof(key));
	assert_int_not_equal(access(key, F_OK), 0);
	make_cash_out(&op, 0);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);

	raw_secret(f->path, op.id, text, sizeof(text));
	assert_int_equal(strncmp(text, "v1:", 3), 0);
	assert_null(strstr(text, codes[0]));
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_string_equal(got.secret, op.secret);

	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 32);

	/* Another connection reads it with the same key file. */
	reopen(f);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_string_equal(got.secret, op.secret);
	journal_close(f->journal);
	f->journal = NULL;
	assert_false(file_contains(f->path, codes[0]));
}

/* A journal that never held a secret gets no key file. */
static void no_key_without_secret(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;
	char key[192];

	make_cash_out(&op, CODE_COUNT);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	reopen(f);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_string_equal(got.secret, "");
	key_path(f, key, sizeof(key));
	assert_int_not_equal(access(key, F_OK), 0);
}

enum key_damage {
	KEY_REMOVED,
	KEY_MODE_0644,
	KEY_MODE_0640,
	KEY_TRUNCATED,
	KEY_REPLACED,
};

/* Damage the key file of the closed journal f. */
static void damage_key(const struct journal_fixture *f,
		       enum key_damage damage)
{
	unsigned char other[32];
	char key[192];
	FILE *file;

	key_path(f, key, sizeof(key));
	switch (damage) {
	case KEY_REMOVED:
		assert_int_equal(unlink(key), 0);
		break;
	case KEY_MODE_0644:
		assert_int_equal(chmod(key, 0644), 0);
		break;
	case KEY_MODE_0640:
		assert_int_equal(chmod(key, 0640), 0);
		break;
	case KEY_TRUNCATED:
		assert_int_equal(truncate(key, 16), 0);
		break;
	case KEY_REPLACED:
		memset(other, 0x33, sizeof(other));
		file = fopen(key, "wb");
		assert_non_null(file);
		assert_int_equal(fwrite(other, 1, sizeof(other), file),
				 sizeof(other));
		assert_int_equal(fclose(file), 0);
		break;
	}
}

/* With a sealed secret in the journal, a missing, exposed or damaged key
 * file fails the open, and a missing one is never made again. A key
 * that merely differs opens, but the secret does not unseal. */
static void bad_key_file_rejected(void **state)
{
	static const struct {
		enum key_damage damage;
		int open_result;
	} cases[] = {
		{KEY_REMOVED, JOURNAL_EKEY},
		{KEY_MODE_0644, JOURNAL_EKEY},
		{KEY_MODE_0640, JOURNAL_EKEY},
		{KEY_TRUNCATED, JOURNAL_EKEY},
		{KEY_REPLACED, JOURNAL_OK},
	};
	struct journal_fixture *f = *state;

	journal_close(f->journal);
	f->journal = NULL;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal *journal = (struct journal *)f;
		struct operation op;
		struct operation got;
		char key[192];

		key_path(f, key, sizeof(key));
		unlink(key);
		raw_exec(f->path, "DELETE FROM operations", NULL, NULL);
		assert_int_equal(journal_open(f->path, &f->journal),
				 JOURNAL_OK);
		make_cash_out(&op, 1);
		assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
		journal_close(f->journal);
		f->journal = NULL;

		damage_key(f, cases[i].damage);
		print_message("case %zu\n", i);
		assert_int_equal(journal_open(f->path, &journal),
				 cases[i].open_result);
		if (cases[i].open_result != JOURNAL_OK) {
			assert_null(journal);
			if (cases[i].damage == KEY_REMOVED)
				assert_int_not_equal(access(key, F_OK), 0);
			continue;
		}
		assert_int_equal(journal_get(journal, op.id, &got),
				 JOURNAL_EKEY);
		journal_close(journal);
	}
	/* The fixture's teardown closes a journal. */
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
}

/* The operation id is the associated data: a sealed secret copied to
 * another row does not unseal there. */
static void moved_secret_rejected(void **state)
{
	struct journal_fixture *f = *state;
	struct operation a;
	struct operation b;
	struct operation got;

	make_cash_out(&a, 0);
	make_cash_out(&b, CODE_COUNT);
	assert_int_equal(journal_insert(f->journal, &a), JOURNAL_OK);
	assert_int_equal(journal_insert(f->journal, &b), JOURNAL_OK);
	raw_exec(f->path,
		 "UPDATE operations SET secret = (SELECT secret"
		 " FROM operations WHERE id = ?1) WHERE id = ?2",
		 a.id, b.id);

	memset(&got, 0, sizeof(got));
	assert_int_equal(journal_get(f->journal, b.id, &got), JOURNAL_EKEY);
	assert_string_equal(got.secret, "");
	assert_int_equal(journal_get(f->journal, a.id, &got), JOURNAL_OK);
	assert_string_equal(got.secret, a.secret);
}

/* journal_set_key_file moves the key file of one journal. */
static void configured_key_file(void **state)
{
	struct journal_fixture *f = *state;
	struct operation op;
	struct operation got;
	char custom[192];
	char found[JOURNAL_PATH_SIZE];
	char key[192];

	snprintf(custom, sizeof(custom), "%s/custom.key", f->dir);
	assert_int_equal(journal_set_key_file(f->path, custom), JOURNAL_OK);
	assert_int_equal(journal_key_file(f->path, found, sizeof(found)),
			 JOURNAL_OK);
	assert_string_equal(found, custom);
	reopen(f);
	make_cash_out(&op, 2);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	assert_int_equal(access(custom, F_OK), 0);
	key_path(f, key, sizeof(key));
	assert_int_not_equal(access(key, F_OK), 0);
	reopen(f);
	assert_int_equal(journal_get(f->journal, op.id, &got), JOURNAL_OK);
	assert_string_equal(got.secret, op.secret);

	/* Back to the default, which does not exist: the open fails. */
	assert_int_equal(journal_set_key_file(f->path, NULL), JOURNAL_OK);
	journal_close(f->journal);
	f->journal = (struct journal *)f;
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_EKEY);
	assert_null(f->journal);
	assert_int_equal(journal_set_key_file(f->path, custom), JOURNAL_OK);
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	assert_int_equal(journal_set_key_file(f->path, NULL), JOURNAL_OK);
}

/* Turn the journal of f, holding ops, into a version 9 file as a version
 * 9 build leaves it: every secret in plain text, and no key file. */
static void downgrade_to_v9(struct journal_fixture *f,
			    const struct operation *ops, int count)
{
	char key[192];

	journal_close(f->journal);
	f->journal = NULL;
	for (int i = 0; i < count; i++) {
		if (ops[i].secret[0] != '\0')
			raw_exec(f->path,
				 "UPDATE operations SET secret = ?2"
				 " WHERE id = ?1",
				 ops[i].id, ops[i].secret);
	}
	raw_exec(f->path, "PRAGMA user_version = 9", NULL, NULL);
	key_path(f, key, sizeof(key));
	unlink(key);
}

/* Pending cash-outs with codes in each pending state and one without. */
static void insert_pending(struct journal_fixture *f, struct operation *ops)
{
	for (int i = 0; i <= CODE_COUNT; i++) {
		make_cash_out(&ops[i], i);
		assert_int_equal(journal_insert(f->journal, &ops[i]),
				 JOURNAL_OK);
	}
	assert_int_equal(journal_mark_in_flight(f->journal, ops[1].id, 110),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_attention(f->journal, ops[2].id,
						"check", 120),
			 JOURNAL_OK);
}

/* Check that every code of ops is sealed in the journal file and reads
 * back plain. */
static void assert_sealed(struct journal_fixture *f,
			  const struct operation *ops)
{
	struct operation got;
	char text[512];

	for (int i = 0; i <= CODE_COUNT; i++) {
		raw_secret(f->path, ops[i].id, text, sizeof(text));
		if (i == CODE_COUNT) {
			assert_string_equal(text, "(null)");
		} else {
			assert_int_equal(strncmp(text, "v1:", 3), 0);
			assert_null(strstr(text, codes[i]));
		}
		assert_int_equal(journal_get(f->journal, ops[i].id, &got),
				 JOURNAL_OK);
		assert_string_equal(got.secret, ops[i].secret);
	}
}

/* The upgrade seals every plain secret, makes the key file, and leaves
 * no code in the database file. */
static void migrate_v9_to_v10(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[CODE_COUNT + 1];
	char text[64];
	char key[192];
	char wal[192];

	insert_pending(f, ops);
	downgrade_to_v9(f, ops, CODE_COUNT + 1);
	raw_secret(f->path, ops[0].id, text, sizeof(text));
	assert_string_equal(text, ops[0].secret);

	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	raw_query(f->path, "PRAGMA user_version", NULL, text, sizeof(text));
	assert_string_equal(text, "10");
	key_path(f, key, sizeof(key));
	assert_int_equal(access(key, F_OK), 0);
	assert_sealed(f, ops);

	journal_close(f->journal);
	f->journal = NULL;
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_not_equal(access(wal, F_OK), 0);
	for (int i = 0; i < CODE_COUNT; i++)
		assert_false(file_contains(f->path, codes[i]));
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	assert_sealed(f, ops);
}

/* An upgrade that fails part way, as after a crash, leaves version 9 and
 * every secret plain. The next open seals them all, and another open
 * changes nothing. */
static void migrate_v9_failure_rolls_back(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[CODE_COUNT + 1];
	struct journal *journal = (struct journal *)f;
	char sealed[CODE_COUNT][512];
	char sql[256];
	char text[512];

	insert_pending(f, ops);
	downgrade_to_v9(f, ops, CODE_COUNT + 1);
	/* Sealing the second code fails. A trigger cannot hold a bound
	 * parameter, so the id is written into its SQL. */
	snprintf(sql, sizeof(sql),
		 "CREATE TRIGGER fail_seal BEFORE UPDATE OF secret"
		 " ON operations WHEN NEW.secret GLOB 'v1:*'"
		 " AND OLD.id = '%s'"
		 " BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
		 ops[1].id);
	raw_exec(f->path, sql, NULL, NULL);

	assert_int_equal(journal_open(f->path, &journal), JOURNAL_EIO);
	assert_null(journal);
	raw_query(f->path, "PRAGMA user_version", NULL, text, sizeof(text));
	assert_string_equal(text, "9");
	for (int i = 0; i < CODE_COUNT; i++) {
		raw_secret(f->path, ops[i].id, text, sizeof(text));
		assert_string_equal(text, ops[i].secret);
	}

	raw_exec(f->path, "DROP TRIGGER fail_seal", NULL, NULL);
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	assert_sealed(f, ops);
	for (int i = 0; i < CODE_COUNT; i++)
		raw_secret(f->path, ops[i].id, sealed[i], sizeof(sealed[i]));
	reopen(f);
	for (int i = 0; i < CODE_COUNT; i++) {
		raw_secret(f->path, ops[i].id, text, sizeof(text));
		assert_string_equal(text, sealed[i]);
	}
}

#define VAULT_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		VAULT_TEST(cash_out_code_sealed),
		VAULT_TEST(no_key_without_secret),
		VAULT_TEST(bad_key_file_rejected),
		VAULT_TEST(moved_secret_rejected),
		VAULT_TEST(configured_key_file),
		VAULT_TEST(migrate_v9_to_v10),
		VAULT_TEST(migrate_v9_failure_rolls_back),
	};

	return cmocka_run_group_tests_name("journal_vault", tests, NULL,
					   NULL);
}
