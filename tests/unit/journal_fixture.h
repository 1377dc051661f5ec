/* The unit tests' journal fixture: a journal opened in a fresh directory
 * under /tmp, removed with everything in it after the test, and raw SQL
 * on the journal's file through a second connection. */
#ifndef SPOTAGENT_TESTS_JOURNAL_FIXTURE_H
#define SPOTAGENT_TESTS_JOURNAL_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct journal;
struct operation;

struct journal_fixture {
	char dir[64];   /* /tmp/spotagent-test-<name>-XXXXXX, made */
	char path[128]; /* dir/journal.db */
	struct journal *journal;
};

/* Make the directory /tmp/spotagent-test-`name`-XXXXXX, open the journal
 * dir/journal.db in it and store the new fixture in *state, as a cmocka
 * setup does. `name` is the test program's, so that a left-over
 * directory shows which program made it. Returns 0, or -1 with nothing
 * left behind when the directory or the journal cannot be made. */
int journal_fixture_setup(void **state, const char *name);

/* Close the journal of the fixture in *state, remove every file in its
 * directory (the database, its -wal and -shm, files a test wrote), the
 * directory, and free the fixture. Returns 0, as a cmocka teardown. */
int journal_fixture_teardown(void **state);

/* Fill op with a valid queued operation number n: a new UUID, a GHS
 * wallet transfer of 1000 + n minor units, created at created_at and due
 * then, with no keys and no secret. Fails the test when no UUID can be
 * made. */
void journal_fixture_make_op(struct operation *op, int n,
			     int64_t created_at);

/* Assert that every field of a and b except sent is equal, one assert a
 * field. Tests whose operations went through a sync attempt compare sent
 * themselves. */
void journal_fixture_assert_operation_equal(const struct operation *a,
					    const struct operation *b);

/* Run the SQL statements in sql on a second SQLite connection to the
 * journal file at path, as another writer would, with ?1 and ?2 bound to
 * first and second where they are not NULL. Fails the test when the file
 * cannot be opened or a statement fails. */
void journal_fixture_exec(const char *path, const char *sql,
			  const char *first, const char *second);

/* Run the statement sql on a second connection to path, with ?1 bound to
 * param where it is not NULL, and copy the first column of its first row
 * as text into out (size bytes, truncated), "(null)" for SQL NULL. Fails
 * the test when the statement fails or returns no row. */
void journal_fixture_query(const char *path, const char *sql,
			   const char *param, char *out, size_t size);

#endif
