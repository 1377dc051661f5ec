/* The unit tests' journal fixture: a journal in a fresh directory under
 * /tmp, set up and torn down around each test, and raw SQL on its file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/uuid.h"
#include "../../offline/journal.h"
#include "journal_fixture.h"

int journal_fixture_setup(void **state, const char *name)
{
	struct journal_fixture *f = calloc(1, sizeof(*f));
	int n;

	if (f == NULL)
		return -1;
	n = snprintf(f->dir, sizeof(f->dir), "/tmp/spotagent-test-%s-XXXXXX",
		     name);
	if (n < 0 || (size_t)n >= sizeof(f->dir) || mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/journal.db", f->dir);
	if (journal_open(f->path, &f->journal) != JOURNAL_OK) {
		rmdir(f->dir);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* Remove every file in the directory, then the directory. Tests make no
 * subdirectories, so one level is enough. */
static void remove_dir(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *entry;

	if (dir == NULL)
		return;
	for (entry = readdir(dir); entry != NULL; entry = readdir(dir)) {
		if (strcmp(entry->d_name, ".") != 0 &&
		    strcmp(entry->d_name, "..") != 0)
			unlinkat(dirfd(dir), entry->d_name, 0);
	}
	closedir(dir);
	rmdir(path);
}

int journal_fixture_teardown(void **state)
{
	struct journal_fixture *f = *state;

	journal_close(f->journal);
	remove_dir(f->dir);
	free(f);
	return 0;
}

void journal_fixture_make_op(struct operation *op, int n,
			     int64_t created_at)
{
	memset(op, 0, sizeof(*op));
	assert_int_equal(uuid_generate(op->id), 0);
	strcpy(op->type, "wallet_transfer");
	op->state = OP_QUEUED;
	strcpy(op->agent_id, "agent-0042");
	strcpy(op->currency, "GHS");
	op->amount = 1000 + n;
	snprintf(op->payload, sizeof(op->payload), "{\"n\":%d}", n);
	op->created_at = created_at;
	op->updated_at = created_at;
	op->next_attempt_at = created_at;
}

void journal_fixture_assert_operation_equal(const struct operation *a,
					    const struct operation *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->type, b->type);
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->agent_id, b->agent_id);
	assert_string_equal(a->currency, b->currency);
	assert_int_equal(a->amount, b->amount);
	assert_string_equal(a->payload, b->payload);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->updated_at, b->updated_at);
	assert_int_equal(a->next_attempt_at, b->next_attempt_at);
	assert_int_equal(a->attempts, b->attempts);
	assert_string_equal(a->reference, b->reference);
	assert_string_equal(a->last_error, b->last_error);
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++)
		assert_string_equal(a->keys[i], b->keys[i]);
	assert_int_equal(a->acknowledged_at, b->acknowledged_at);
	assert_int_equal(a->age_approved, b->age_approved);
	assert_string_equal(a->secret, b->secret);
}

/* Open a second connection to path that waits for the journal's locks. */
static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* Bind the text value to parameter index of stmt where both exist. */
static void raw_bind(sqlite3_stmt *stmt, int index, const char *value)
{
	if (value != NULL && sqlite3_bind_parameter_count(stmt) >= index)
		assert_int_equal(sqlite3_bind_text(stmt, index, value, -1,
						   SQLITE_STATIC),
				 SQLITE_OK);
}

void journal_fixture_exec(const char *path, const char *sql,
			  const char *first, const char *second)
{
	sqlite3 *db = raw_open(path);
	const char *next = sql;
	sqlite3_stmt *stmt;
	int rc;

	/* Run one statement at a time. Trailing white space or a comment
	 * prepares to a NULL stmt. */
	while (next != NULL && *next != '\0') {
		stmt = NULL;
		assert_int_equal(sqlite3_prepare_v2(db, next, -1, &stmt,
						    &next),
				 SQLITE_OK);
		if (stmt == NULL)
			break;
		raw_bind(stmt, 1, first);
		raw_bind(stmt, 2, second);
		rc = sqlite3_step(stmt);
		while (rc == SQLITE_ROW)
			rc = sqlite3_step(stmt);
		assert_int_equal(rc, SQLITE_DONE);
		sqlite3_finalize(stmt);
	}
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

void journal_fixture_query(const char *path, const char *sql,
			   const char *param, char *out, size_t size)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *stmt = NULL;
	const char *text;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
			 SQLITE_OK);
	raw_bind(stmt, 1, param);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	text = (const char *)sqlite3_column_text(stmt, 0);
	snprintf(out, size, "%s", text == NULL ? "(null)" : text);
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}
