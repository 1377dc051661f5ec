/* The unit tests' journal fixture: a journal in a fresh directory under
 * /tmp, set up and torn down around each test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
