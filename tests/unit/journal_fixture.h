/* The unit tests' journal fixture: a journal opened in a fresh directory
 * under /tmp, removed with everything in it after the test. */
#ifndef SPOTAGENT_TESTS_JOURNAL_FIXTURE_H
#define SPOTAGENT_TESTS_JOURNAL_FIXTURE_H

struct journal;

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

#endif
