/* The sandbox as a child process of a C integration test. */
#include "sandbox_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define EXTRA_ARGS_MAX 8

extern char **environ;

void sandbox_sleep_ms(long ms)
{
	struct timespec delay = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&delay, NULL);
}

void sandbox_path_join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

static void wait_for_port(struct sandbox_process *s, const char *port_file,
			  const char *log_path)
{
	for (int waited = 0; waited < SANDBOX_START_WAIT_MS; waited += 50) {
		FILE *file = fopen(port_file, "r");

		if (file != NULL) {
			int got = fscanf(file, "%d", &s->port);

			fclose(file);
			if (got == 1 && s->port > 0)
				return;
		}
		sandbox_sleep_ms(50);
	}
	fail_msg("sandbox did not start within %d ms; see %s",
		 SANDBOX_START_WAIT_MS, log_path);
}

void sandbox_process_start(struct sandbox_process *s, int port,
			   const char *const *extra)
{
	char port_file[PATH_MAX];
	char log_path[PATH_MAX];
	char port_text[16];
	char *argv[10 + EXTRA_ARGS_MAX + 1] = {
		"python3", "tests/sandbox/sandbox.py", "--certs", "build/certs",
		"--db", s->db, "--port", port_text, "--port-file", port_file,
	};
	posix_spawn_file_actions_t actions;
	int count = 10;

	for (int i = 0; extra != NULL && extra[i] != NULL; i++) {
		assert_true(i < EXTRA_ARGS_MAX);
		argv[count++] = (char *)extra[i];
	}
	argv[count] = NULL;
	sandbox_path_join(port_file, s->dir, "port");
	sandbox_path_join(log_path, s->dir, "sandbox.log");
	unlink(port_file);
	snprintf(port_text, sizeof(port_text), "%d", port);

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY,
					 0);
	posix_spawn_file_actions_addopen(&actions, 2, log_path,
					 O_WRONLY | O_CREAT | O_APPEND, 0600);
	assert_int_equal(posix_spawnp(&s->pid, "python3", &actions, NULL,
				      argv, environ),
			 0);
	posix_spawn_file_actions_destroy(&actions);
	wait_for_port(s, port_file, log_path);
}

void sandbox_process_stop(struct sandbox_process *s)
{
	int status;

	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	for (int waited = 0; waited < 5000; waited += 50) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			return;
		}
		sandbox_sleep_ms(50);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &status, 0);
	s->pid = 0;
}

void sandbox_write_config(const struct sandbox_process *s,
			  const char *cert_name, const char *terminal_extra,
			  char *path)
{
	char cwd[PATH_MAX];
	FILE *file;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	sandbox_path_join(path, s->dir, "spotagent.conf");
	file = fopen(path, "w");
	assert_non_null(file);
	fprintf(file,
		"[central]\nurl = https://localhost:%d\n"
		"ca_file = %s/build/certs/ca.pem\n"
		"cert_file = %s/build/certs/%s.pem\n"
		"key_file = %s/build/certs/%s.key\n"
		"connect_timeout = 5\nrequest_timeout = 10\n"
		"[terminal]\nid = T0001\ncurrency = GHS\n%s"
		"[journal]\npath = journal.db\n"
		"[printer]\ndevice = file:receipts.bin\n"
		"[log]\nfile = spotagent.log\nlevel = debug\n"
		"[sync]\nretry_min_seconds = 1\nretry_max_seconds = 2\n"
		"idle_check_seconds = 1\n",
		s->port, cwd, cwd, cert_name, cwd, cert_name, terminal_extra);
	assert_int_equal(fclose(file), 0);
}
