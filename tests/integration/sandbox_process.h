/* The sandbox as a child process of a C integration test: started on
 * 127.0.0.1 with its database in the test's folder, and stopped. */
#ifndef SPOTAGENT_SANDBOX_PROCESS_H
#define SPOTAGENT_SANDBOX_PROCESS_H

#include <limits.h>
#include <sys/types.h>

/* Maximum wait for the sandbox to write its port file. */
#define SANDBOX_START_WAIT_MS 15000

struct sandbox_process {
	char dir[PATH_MAX]; /* the test's folder: port file, log */
	char db[PATH_MAX];  /* the sandbox's SQLite file */
	int port;           /* set once it listens */
	pid_t pid;          /* 0 when not running */
};

/* Sleep for ms milliseconds. */
void sandbox_sleep_ms(long ms);

/* Write dir/name into out (PATH_MAX bytes); fails the test when it does
 * not fit. */
void sandbox_path_join(char *out, const char *dir, const char *name);

/* Start `python3 tests/sandbox/sandbox.py` for s->dir and s->db on port
 * (0: a free one) with the NULL-terminated extra arguments (may be NULL),
 * output in s->dir/sandbox.log, and wait at most SANDBOX_START_WAIT_MS
 * for its port. Fails the running test when it does not start. */
void sandbox_process_start(struct sandbox_process *s, int port,
			   const char *const *extra);

/* Write s->dir/spotagent.conf for a terminal of this sandbox: the URL
 * https://localhost:<s->port>, the build's CA and the client certificate
 * cert_name (such as "client-T0001"), terminal T0001 in GHS with
 * terminal_extra added to [terminal] ("" for none), the journal, receipts
 * and log in s->dir, and sync retries of 1 to 2 s. Its path goes into
 * path (PATH_MAX bytes). Fails the running test when it cannot write. */
void sandbox_write_config(const struct sandbox_process *s,
			  const char *cert_name, const char *terminal_extra,
			  char *path);

/* Stop the sandbox: SIGTERM, up to 5 s, then SIGKILL. Does nothing when
 * it is not running. */
void sandbox_process_stop(struct sandbox_process *s);

#endif
