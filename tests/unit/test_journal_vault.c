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

#include "../../app/app.h"
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
	journal_fixture_make_op(op, n, 100 + n);
	strcpy(op->type, "cash_out");
	op->amount = 5000 + n;
	if (n < CODE_COUNT)
		snprintf(op->secret, sizeof(op->secret),
			 "{\"code\":\"%s\"}", codes[n]);
}

static void raw_secret(const char *path, const char *id, char *out,
		       size_t size)
{
	journal_fixture_query(path,
			      "SELECT secret FROM operations WHERE id = ?1", id,
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
	KEY_FOLDER,
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
	case KEY_FOLDER:
		assert_int_equal(unlink(key), 0);
		assert_int_equal(mkdir(key, 0700), 0);
		break;
	}
}

/* With a sealed secret in the journal, a missing, exposed, damaged or
 * other key file fails the open with its own problem, and a missing one
 * is never made again. */
static void bad_key_file_rejected(void **state)
{
	static const struct {
		enum key_damage damage;
		int open_result;
		enum journal_key_problem problem;
	} cases[] = {
		{KEY_REMOVED, JOURNAL_EKEY, JOURNAL_KEYFILE_MISSING},
		{KEY_MODE_0644, JOURNAL_EKEY, JOURNAL_KEYFILE_MODE},
		{KEY_MODE_0640, JOURNAL_EKEY, JOURNAL_KEYFILE_MODE},
		{KEY_TRUNCATED, JOURNAL_EKEY, JOURNAL_KEYFILE_SIZE},
		{KEY_REPLACED, JOURNAL_EKEY, JOURNAL_KEYFILE_WRONG},
		{KEY_FOLDER, JOURNAL_EKEY, JOURNAL_KEYFILE_NOT_FILE},
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
		journal_fixture_exec(f->path, "DELETE FROM operations", NULL,
				     NULL);
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
		assert_int_equal(journal_key_problem(f->path),
				 cases[i].problem);
		if (cases[i].open_result != JOURNAL_OK) {
			assert_null(journal);
			if (cases[i].damage == KEY_REMOVED)
				assert_int_not_equal(access(key, F_OK), 0);
			if (cases[i].damage == KEY_FOLDER)
				assert_int_equal(rmdir(key), 0);
			continue;
		}
		assert_int_equal(journal_get(journal, op.id, &got),
				 JOURNAL_OK);
		journal_close(journal);
	}
	/* The fixture's teardown closes a journal. A good open clears the
	 * stored problem. */
	journal_fixture_exec(f->path, "DELETE FROM operations", NULL, NULL);
	assert_int_equal(journal_open(f->path, &f->journal), JOURNAL_OK);
	assert_int_equal(journal_key_problem(f->path), JOURNAL_KEYFILE_NONE);
}

/* Each key file problem gets the message that names its own fix. */
static void key_problem_messages(void **state)
{
	static const struct {
		enum key_damage damage;
		const char *fix; /* after "key file KEY " */
	} cases[] = {
		{KEY_MODE_0644, "is open to group or others; run chmod 600 "},
		{KEY_REMOVED, "is missing, but the journal contains encrypted "
			      "secrets; restore the key file from backup "
			      "with mode 0600"},
		{KEY_TRUNCATED, "is damaged (not 32 bytes long); restore it "
				"from backup with mode 0600"},
		{KEY_FOLDER, "is not a regular file; restore it from backup "
			     "with mode 0600"},
		{KEY_REPLACED, "does not belong to this journal"},
	};
	struct journal_fixture *f = *state;
	struct operation op;
	char key[192];
	char expected[512];
	char message[1024];

	key_path(f, key, sizeof(key));
	make_cash_out(&op, 0);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	journal_close(f->journal);
	f->journal = NULL;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal *journal = NULL;
		unsigned char saved[32];
		FILE *file = fopen(key, "rb");

		print_message("case %zu\n", i);
		assert_non_null(file);
		assert_int_equal(fread(saved, 1, sizeof(saved), file), 32);
		fclose(file);
		damage_key(f, cases[i].damage);
		assert_int_equal(journal_open(f->path, &journal),
				 JOURNAL_EKEY);
		app_describe_journal_error(f->path, JOURNAL_EKEY, message,
					   sizeof(message));
		snprintf(expected, sizeof(expected),
			 "journal %s: key file %s %s", f->path, key,
			 cases[i].fix);
		assert_int_equal(strncmp(message, expected, strlen(expected)),
				 0);

		/* Put the journal's own key back. */
		if (cases[i].damage == KEY_FOLDER)
			assert_int_equal(rmdir(key), 0);
		unlink(key);
		file = fopen(key, "wb");
		assert_non_null(file);
		assert_int_equal(fwrite(saved, 1, sizeof(saved), file), 32);
		assert_int_equal(fclose(file), 0);
		assert_int_equal(chmod(key, 0600), 0);
	}
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
	journal_fixture_exec(f->path,
			     "UPDATE operations SET secret = (SELECT secret"
			     " FROM operations WHERE id = ?1) WHERE id = ?2",
			     a.id, b.id);

	memset(&got, 0, sizeof(got));
	assert_int_equal(journal_get(f->journal, b.id, &got), JOURNAL_EKEY);
	assert_string_equal(got.secret, "");
	assert_int_equal(journal_get(f->journal, a.id, &got), JOURNAL_OK);
	assert_string_equal(got.secret, a.secret);

	/* One secret that unseals shows the key is the journal's, so the
	 * moved one does not stop the open. */
	reopen(f);
	assert_int_equal(journal_key_problem(f->path), JOURNAL_KEYFILE_NONE);
	assert_int_equal(journal_get(f->journal, b.id, &got), JOURNAL_EKEY);
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
			journal_fixture_exec(f->path,
					     "UPDATE operations SET secret = ?2"
					     " WHERE id = ?1",
					     ops[i].id, ops[i].secret);
	}
	journal_fixture_exec(f->path, "PRAGMA user_version = 9", NULL, NULL);
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
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
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
	journal_fixture_exec(f->path, sql, NULL, NULL);

	assert_int_equal(journal_open(f->path, &journal), JOURNAL_EIO);
	assert_null(journal);
	journal_fixture_query(f->path, "PRAGMA user_version", NULL, text,
			      sizeof(text));
	assert_string_equal(text, "9");
	for (int i = 0; i < CODE_COUNT; i++) {
		raw_secret(f->path, ops[i].id, text, sizeof(text));
		assert_string_equal(text, ops[i].secret);
	}

	journal_fixture_exec(f->path, "DROP TRIGGER fail_seal", NULL, NULL);
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
		VAULT_TEST(key_problem_messages),
		VAULT_TEST(moved_secret_rejected),
		VAULT_TEST(configured_key_file),
		VAULT_TEST(migrate_v9_to_v10),
		VAULT_TEST(migrate_v9_failure_rolls_back),
	};

	return cmocka_run_group_tests_name("journal_vault", tests, NULL,
					   NULL);
}
