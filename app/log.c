/* Operator log: one line per event with time, level, module and function,
 * to a file, stderr or syslog. Thread-safe. */
#include "log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static int log_syslog;
static int log_quiet;
static enum log_level log_threshold = LOG_LEVEL_INFO;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static const int syslog_priorities[] = {
	[LOG_LEVEL_ERROR] = LOG_ERR,
	[LOG_LEVEL_WARN] = LOG_WARNING,
	[LOG_LEVEL_INFO] = LOG_INFO,
	[LOG_LEVEL_DEBUG] = LOG_DEBUG,
};

static void close_target(void)
{
	if (log_file != NULL && log_file != stderr)
		fclose(log_file);
	log_file = NULL;
	if (log_syslog)
		closelog();
	log_syslog = 0;
}

/* Open path for appending, creating it with mode 0600 because the log
 * names customers and operations; an existing file keeps its mode.
 * Returns NULL with errno set on failure. */
static FILE *open_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *file;

	if (fd < 0)
		return NULL;
	file = fdopen(fd, "a");
	if (file == NULL)
		close(fd);
	return file;
}

int log_open(const char *target, enum log_level level)
{
	int result = 0;

	pthread_mutex_lock(&log_lock);
	close_target();
	log_threshold = level;
	if (target == NULL || target[0] == '\0' ||
	    strcmp(target, "stderr") == 0) {
		log_file = stderr;
	} else if (strcmp(target, "syslog") == 0) {
		openlog("spotagent", LOG_PID, LOG_USER);
		log_syslog = 1;
	} else {
		log_file = open_private(target);
		if (log_file == NULL) {
			log_file = stderr;
			result = -1;
		} else {
			setvbuf(log_file, NULL, _IOLBF, 0);
		}
	}
	pthread_mutex_unlock(&log_lock);
	return result;
}

int log_level_parse(const char *text)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (strcmp(text, level_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void log_set_quiet(int quiet)
{
	pthread_mutex_lock(&log_lock);
	log_quiet = quiet;
	pthread_mutex_unlock(&log_lock);
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	close_target();
	pthread_mutex_unlock(&log_lock);
}

void log_write(enum log_level level, const char *module, const char *function,
	       const char *format, ...)
{
	char message[1024];
	char stamp[32];
	struct timespec now;
	struct tm tm;
	FILE *out;
	va_list args;

	if (level > log_threshold)
		return;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);

	pthread_mutex_lock(&log_lock);
	if (log_syslog) {
		syslog(syslog_priorities[level], "%s: %s: %s", module,
		       function, message);
		goto out;
	}

	out = log_file != NULL ? log_file : stderr;
	if (out == stderr && log_quiet)
		goto out;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, "%s.%03ldZ %s %s: %s: %s\n", stamp,
		now.tv_nsec / 1000000L, level_names[level], module, function,
		message);
out:
	pthread_mutex_unlock(&log_lock);
}
