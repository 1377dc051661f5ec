/* Crash handlers for the time curses controls the terminal. A handler may
 * call only async-signal-safe functions, so curses' own endwin is out:
 * the handler restores the modes saved before curses started with
 * tcsetattr and writes the terminfo strings fetched at install time. The
 * journal needs nothing here: SQLite in WAL mode recovers at the next
 * open, and every confirmed operation was committed before it showed. */
#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "crash.h"

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				     SIGABRT };
#define CRASH_SIGNAL_COUNT (sizeof(crash_signals) / sizeof(crash_signals[0]))

/* Capabilities that undo what curses did to the screen: leave the
 * alternate screen, show the cursor, reset the attributes. */
static const char *const reset_names[] = { "rmcup", "cnorm", "sgr0" };
#define RESET_COUNT (sizeof(reset_names) / sizeof(reset_names[0]))

#define PASTE_MODE_OFF "\033[?2004l"

static struct termios shell_modes;
static bool have_modes;
static const char *reset_strings[RESET_COUNT];
static struct sigaction old_actions[CRASH_SIGNAL_COUNT];
static bool installed;

static void write_all(int fd, const char *text, size_t length)
{
	while (length > 0) {
		ssize_t written = write(fd, text, length);

		if (written <= 0)
			return;
		text += written;
		length -= (size_t)written;
	}
}

static void write_text(const char *text)
{
	write_all(STDERR_FILENO, text, strlen(text));
}

/* Write a small non-negative number without stdio. */
static void write_number(int number)
{
	char digits[12];
	size_t at = sizeof(digits);

	do {
		digits[--at] = (char)('0' + number % 10);
		number /= 10;
	} while (number > 0 && at > 0);
	write_all(STDERR_FILENO, digits + at, sizeof(digits) - at);
}

static void on_crash(int signo)
{
	size_t i;

	if (have_modes)
		tcsetattr(STDIN_FILENO, TCSANOW, &shell_modes);
	/* Curses draws on standard output, and stderr may be a file. */
	for (i = 0; i < RESET_COUNT; i++) {
		if (reset_strings[i] != NULL)
			write_all(STDOUT_FILENO, reset_strings[i],
				  strlen(reset_strings[i]));
	}
	/* Bracketed paste, which ui/input.c turns on, is not in terminfo. */
	write_all(STDOUT_FILENO, PASTE_MODE_OFF, strlen(PASTE_MODE_OFF));
	write_text("spotagent: stopped by signal ");
	write_number(signo);
	write_text(". Operations confirmed before it are kept in the "
		   "journal; start spotagent again.\n");

	/* SA_RESETHAND put the default action back, so this ends the
	 * process as the signal would have. */
	raise(signo);
}

void crash_save_modes(void)
{
	have_modes = isatty(STDIN_FILENO) &&
		     tcgetattr(STDIN_FILENO, &shell_modes) == 0;
}

void crash_install(void)
{
	struct sigaction action;
	size_t i;

	for (i = 0; i < RESET_COUNT; i++) {
		char *text = tigetstr(reset_names[i]);

		reset_strings[i] = text != NULL && text != (char *)-1 ? text
								      : NULL;
	}
	memset(&action, 0, sizeof(action));
	action.sa_handler = on_crash;
	action.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&action.sa_mask);
	for (i = 0; i < CRASH_SIGNAL_COUNT; i++)
		sigaction(crash_signals[i], &action, &old_actions[i]);
	installed = true;
}

void crash_remove(void)
{
	size_t i;

	if (!installed)
		return;
	for (i = 0; i < CRASH_SIGNAL_COUNT; i++)
		sigaction(crash_signals[i], &old_actions[i], NULL);
	installed = false;
}
