/* Operator logging: level macros that add the module and function name,
 * written to a file or to syslog. Never pass a secret to these macros. */
#ifndef SPOTAGENT_LOG_H
#define SPOTAGENT_LOG_H

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/* Open the log. `target` is "syslog", "stderr", or a file path opened for
 * appending; NULL means stderr. Returns 0, or -1 when the file cannot be
 * opened (the log then falls back to stderr). Safe to call again. */
int log_open(const char *target, enum log_level level);

/* Parse "error", "warn", "info" or "debug". Returns -1 when unknown. */
int log_level_parse(const char *text);

/* Silence stderr output while curses owns the terminal. A log opened on
 * stderr is quiet until log_set_quiet(0). */
void log_set_quiet(int quiet);

void log_close(void);

/* Write one line. Use the macros below instead of calling this. */
void log_write(enum log_level level, const char *module, const char *function,
	       const char *format, ...)
	__attribute__((format(printf, 4, 5)));

#ifndef LOG_MODULE
#define LOG_MODULE "spotagent"
#endif

#define log_error(...) \
	log_write(LOG_LEVEL_ERROR, LOG_MODULE, __func__, __VA_ARGS__)
#define log_warn(...) \
	log_write(LOG_LEVEL_WARN, LOG_MODULE, __func__, __VA_ARGS__)
#define log_info(...) \
	log_write(LOG_LEVEL_INFO, LOG_MODULE, __func__, __VA_ARGS__)
#define log_debug(...) \
	log_write(LOG_LEVEL_DEBUG, LOG_MODULE, __func__, __VA_ARGS__)

#endif
