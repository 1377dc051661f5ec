/* The terminal UI: curses set-up and tear-down, and the loop that polls
 * the keyboard and the event channel together and feeds the screens. */
#define LOG_MODULE "ui"
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wctype.h>

#include "../app/log.h"
#include "draw.h"
#include "screen.h"
#include "statusbar.h"
#include "theme.h"
#include "ui.h"

/* How long curses waits after an Esc byte for the rest of a function
 * key's sequence. Terminals send a key's sequence in one write, so 50 ms
 * is enough, and a lone Esc still acts without a noticeable delay. */
#define UI_ESCAPE_DELAY_MS 50

/* The poll timeout, so the clock in the status bar moves on. */
#define UI_TICK_MS 1000

/* Bounds on the keys and events handled between two redraws, so a flood
 * of either cannot starve the other. */
#define UI_KEYS_PER_ROUND 256
#define UI_EVENTS_PER_ROUND 256

static struct screen *const screens[SCREEN_COUNT] = {
	[SCREEN_LOGIN] = &screen_login,
	[SCREEN_HOME] = &screen_home,
	[SCREEN_TRANSFER] = &screen_transfer,
	[SCREEN_CONFIRM] = &screen_confirm,
	[SCREEN_RESULT] = &screen_result,
};

static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };
#define STOP_SIGNAL_COUNT (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* The signal that asked the UI to stop, or 0. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signo)
{
	stop_signal = signo;
}

/* Installed before curses starts, so ncurses leaves these signals to us
 * instead of installing its own handlers, which end the process. */
static void signals_install(struct sigaction old[STOP_SIGNAL_COUNT])
{
	struct sigaction action;
	size_t i;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_stop_signal;
	sigemptyset(&action.sa_mask);
	for (i = 0; i < STOP_SIGNAL_COUNT; i++)
		sigaction(stop_signals[i], &action, &old[i]);
}

static void signals_restore(const struct sigaction old[STOP_SIGNAL_COUNT])
{
	size_t i;

	for (i = 0; i < STOP_SIGNAL_COUNT; i++)
		sigaction(stop_signals[i], &old[i], NULL);
}

int ui_switch(struct ui *ui, enum screen_id next)
{
	ui->next = next;
	return SCREEN_SWITCH | SCREEN_HANDLED;
}

void ui_sync_now(struct ui *ui)
{
	ui->dirty = true;
	if (ui->app->sync == NULL) {
		snprintf(ui->notice, sizeof(ui->notice),
			 "Sync is not running; the log says why");
		return;
	}
	sync_kick(ui->app->sync);
	snprintf(ui->notice, sizeof(ui->notice), "Sync requested");
}

bool ui_event_is_for(const struct event *event, const char *id)
{
	size_t length = strnlen(event->id, sizeof(event->id));

	return length < sizeof(event->id) && strcmp(event->id, id) == 0;
}

void ui_event_text(const struct event *event, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)sizeof(event->text), event->text);
}

int ui_row(const struct ui *ui, int content_row)
{
	return ui->top + content_row;
}

int ui_column(const struct ui *ui, int content_column)
{
	return ui->left + content_column;
}

/* Work out where the layout goes for the terminal's size and let the
 * current screen place its windows there. */
static void ui_layout(struct ui *ui)
{
	struct screen *screen = screens[ui->current];

	ui->too_small = LINES < UI_ROWS || COLS < UI_COLUMNS;
	ui->top = 1;
	ui->left = ui->too_small ? 0 : (COLS - UI_COLUMNS) / 2;

	/* clear() rather than erase(), so the next refresh repaints the
	 * whole terminal, which a resize leaves in an unknown state. */
	clear();
	if (screen->layout != NULL)
		screen->layout(screen, ui);
	ui->dirty = true;
}

static void ui_show(struct ui *ui, enum screen_id next)
{
	struct screen *old = screens[ui->current];
	struct screen *screen = screens[next];
	enum screen_id from = ui->current;

	if (old->leave != NULL)
		old->leave(old, ui);
	ui->current = next;
	log_debug("screen %s", screen->name);
	if (screen->enter != NULL)
		screen->enter(screen, ui, from);
	ui_layout(ui);
}

static void ui_ask_quit(struct ui *ui)
{
	dialog_ask(&ui->dialog, DIALOG_FOR_QUIT, "Quit", "Quit spotagent?");
	ui->dirty = true;
}

static void ui_apply(struct ui *ui, int flags)
{
	if (flags & (SCREEN_HANDLED | SCREEN_REDRAW))
		ui->dirty = true;
	if (flags & SCREEN_SWITCH)
		ui_show(ui, ui->next);
	if (flags & SCREEN_QUIT)
		ui_ask_quit(ui);
}

static void ui_answer_dialog(struct ui *ui, enum ui_action action)
{
	enum dialog_purpose purpose = ui->dialog.purpose;

	if (dialog_handle(&ui->dialog, action) == DIALOG_YES &&
	    purpose == DIALOG_FOR_QUIT)
		ui->quit = true;
	ui->dirty = true;
}

static void ui_handle_key(struct ui *ui, int rc, wint_t key)
{
	struct screen *screen = screens[ui->current];
	enum ui_action action = keys_action(rc, key);
	int flags = SCREEN_IGNORED;

	if (action == UI_ACTION_RESIZE) {
		ui_layout(ui);
		return;
	}
	ui->notice[0] = '\0';
	ui->dirty = true;
	if (ui->dialog.open) {
		ui_answer_dialog(ui, action);
		return;
	}
	if (ui->too_small)
		return;

	switch (action) {
	case UI_ACTION_QUIT:
		ui_ask_quit(ui);
		return;
	case UI_ACTION_SYNC:
		ui_sync_now(ui);
		return;
	case UI_ACTION_NONE:
		if (rc == OK && iswprint(key) && screen->on_text != NULL)
			flags = screen->on_text(screen, ui, (wchar_t)key);
		break;
	default:
		if (screen->on_action != NULL)
			flags = screen->on_action(screen, ui, action);
		break;
	}
	ui_apply(ui, flags);
}

/* Handle every key curses has, including KEY_RESIZE, which curses makes
 * up after SIGWINCH. */
static void ui_read_keys(struct ui *ui)
{
	wint_t key;
	int rc;
	int count;

	for (count = 0; count < UI_KEYS_PER_ROUND && !ui->quit; count++) {
		rc = wget_wch(stdscr, &key);
		if (rc == ERR)
			break;
		ui_handle_key(ui, rc, key);
	}
}

static void ui_note_lookup(struct ui *ui, const struct event *event)
{
	struct ui_lookup *lookup = &ui->lookup;

	/* A late reply for an account the agent has since changed. */
	if (lookup->state != LOOKUP_CHECKING ||
	    !ui_event_is_for(event, lookup->account))
		return;
	lookup->state = event->status == 0 ? LOOKUP_FOUND : LOOKUP_FAILED;
	ui_event_text(event, lookup->text, sizeof(lookup->text));
}

/* Open a dialog for an operation that the central service rejected (and
 * print its receipt as a notice), or for one that needs attention. The
 * result screen does this itself for the operation it shows. */
static void ui_note_operation(struct ui *ui, const struct event *event)
{
	struct operation op;
	char printed[UI_MESSAGE_SIZE];
	char text[sizeof(ui->dialog.text)];
	size_t length;

	if (ui->current == SCREEN_RESULT &&
	    ui_event_is_for(event, ui->operation_id))
		return;
	if (strnlen(event->id, sizeof(event->id)) >= sizeof(event->id) ||
	    journal_get(ui->app->journal, event->id, &op) != JOURNAL_OK)
		return;

	if (op.state == OP_NEEDS_ATTENTION) {
		snprintf(text, sizeof(text),
			 "Operation %s needs attention: call support.", op.id);
		dialog_tell(&ui->dialog, "Needs attention", text);
		return;
	}
	if (op.state != OP_REJECTED)
		return;
	if (app_print_receipt(ui->app, op.id, false, printed,
			      sizeof(printed)) == 0)
		snprintf(printed, sizeof(printed), "Receipt printed.");

	/* The reason is usually a sentence with its own full stop. */
	length = strnlen(op.last_error, sizeof(op.last_error));
	if (length > 0 && op.last_error[length - 1] == '.')
		op.last_error[length - 1] = '\0';
	snprintf(text, sizeof(text),
		 "Operation %.36s was rejected: %.60s. %.60s", op.id,
		 op.last_error, printed);
	dialog_tell(&ui->dialog, "Rejected", text);
	log_warn("operation %s rejected: %s", op.id, op.last_error);
}

static void ui_read_events(struct ui *ui)
{
	struct event event;
	int count;

	for (count = 0; count < UI_EVENTS_PER_ROUND; count++) {
		struct screen *screen = screens[ui->current];
		int flags = SCREEN_REDRAW;

		if (event_read(ui->app->events, &event) != 1)
			break;
		app_apply_event(ui->app, &event);
		if (event.type == EVENT_LOOKUP)
			ui_note_lookup(ui, &event);
		if (event.type == EVENT_OPERATION)
			ui_note_operation(ui, &event);
		if (screen->on_event != NULL)
			flags |= screen->on_event(screen, ui, &event);
		ui_apply(ui, flags);
	}
}

static void ui_draw_too_small(void)
{
	char size[48];

	/* TODO: a compact 40x16 layout for POS terminals. Until it exists,
	 * smaller terminals only get this message. */
	erase();
	snprintf(size, sizeof(size), "This one is %dx%d", COLS, LINES);
	draw_centered(stdscr, LINES / 2 - 1, 0, COLS, A_BOLD,
		      "Terminal too small: need 80x24");
	draw_centered(stdscr, LINES / 2, 0, COLS, A_NORMAL, size);
}

static void ui_draw(struct ui *ui)
{
	const struct screen *screen = screens[ui->current];
	attr_t bar = theme_attr(THEME_BAR);
	char help[2 * UI_COLUMNS];

	if (ui->too_small) {
		ui_draw_too_small();
	} else {
		statusbar_draw(ui->app, time(NULL));
		draw_blank(stdscr, LINES - 2, 0, -1);
		draw_text(stdscr, LINES - 2, ui->left + 1, UI_COLUMNS - 2,
			  A_BOLD, ui->notice);
		keys_help(screen->help, screen->confirm_word,
			  screen->back_word, help, sizeof(help));
		mvwhline(stdscr, LINES - 1, 0, ' ' | bar, COLS);
		draw_text(stdscr, LINES - 1, ui->left + 1, UI_COLUMNS - 2, bar,
			  help);
		if (screen->draw != NULL)
			screen->draw(screen, ui);
	}
	curs_set(screen->cursor && !ui->too_small && !ui->dialog.open ? 1
									: 0);

	/* The form and menu windows are subwindows of stdscr, and the
	 * dialog may have covered it, so all of stdscr is repainted. The
	 * cost is small because doupdate sends only what changed. */
	touchwin(stdscr);
	wnoutrefresh(stdscr);
	dialog_draw(&ui->dialog);
	doupdate();
	ui->dirty = false;
}

static void ui_loop(struct ui *ui)
{
	struct pollfd fds[2];
	time_t minute = -1;
	int ready;

	while (!ui->quit && stop_signal == 0) {
		if (time(NULL) / 60 != minute) {
			minute = time(NULL) / 60;
			ui->dirty = true;
		}
		if (ui->dirty)
			ui_draw(ui);

		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		fds[1].fd = ui->app->events != NULL
				    ? event_channel_fd(ui->app->events)
				    : -1;
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		ready = poll(fds, 2, UI_TICK_MS);
		if (ready < 0 && errno != EINTR) {
			log_error("poll failed: %s", strerror(errno));
			break;
		}
		if (ready > 0 &&
		    (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
			log_warn("terminal closed, stopping the UI");
			break;
		}

		/* Read keys after every wake-up, also on EINTR, because
		 * SIGWINCH interrupts poll and curses reports the resize as a
		 * key. */
		ui_read_keys(ui);
		if (ready > 0 && (fds[1].revents & POLLIN))
			ui_read_events(ui);
	}
	if (stop_signal != 0)
		log_info("stopping the UI on signal %d", (int)stop_signal);
}

/* Set up curses modes, colours and the screens. Returns 0, or -1 with a
 * message for stderr. */
static int ui_start(struct ui *ui, char *message, size_t message_size)
{
	int i;

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(UI_ESCAPE_DELAY_MS);
	theme_init();

	for (i = 0; i < SCREEN_COUNT; i++) {
		struct screen *screen = screens[i];

		if (screen->init != NULL && screen->init(screen, ui) != 0) {
			snprintf(message, message_size,
				 "cannot create the %s screen", screen->name);
			return -1;
		}
	}
	ui->current = SCREEN_LOGIN;
	if (screens[SCREEN_LOGIN]->enter != NULL)
		screens[SCREEN_LOGIN]->enter(screens[SCREEN_LOGIN], ui,
					     SCREEN_LOGIN);
	ui_layout(ui);
	return 0;
}

static void ui_stop(struct ui *ui)
{
	struct screen *screen = screens[ui->current];
	int i;

	if (screen->leave != NULL)
		screen->leave(screen, ui);
	for (i = 0; i < SCREEN_COUNT; i++) {
		if (screens[i]->destroy != NULL)
			screens[i]->destroy(screens[i]);
	}
}

int ui_run(struct app *app)
{
	struct sigaction old_actions[STOP_SIGNAL_COUNT];
	struct ui ui;
	SCREEN *terminal;
	char message[128] = "";
	int result;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "spotagent: the terminal UI needs a terminal "
				"on standard input and output\n");
		return 1;
	}
	memset(&ui, 0, sizeof(ui));
	ui.app = app;
	setlocale(LC_ALL, "");
	stop_signal = 0;
	signals_install(old_actions);
	set_escdelay(UI_ESCAPE_DELAY_MS);

	/* newterm rather than initscr, because initscr ends the process
	 * when the terminal type is unknown and the journal would not be
	 * closed cleanly. */
	terminal = newterm(NULL, stdout, stdin);
	if (terminal == NULL) {
		signals_restore(old_actions);
		fprintf(stderr,
			"spotagent: cannot start the terminal UI: terminal "
			"type \"%s\" is unknown; set TERM\n",
			getenv("TERM") != NULL ? getenv("TERM") : "");
		return 1;
	}
	log_set_quiet(1);
	log_info("terminal UI started");

	result = ui_start(&ui, message, sizeof(message));
	if (result == 0)
		ui_loop(&ui);
	ui_stop(&ui);

	endwin();
	delscreen(terminal);
	log_set_quiet(0);
	signals_restore(old_actions);
	if (result != 0) {
		log_error("terminal UI failed: %s", message);
		fprintf(stderr, "spotagent: %s\n", message);
		return 1;
	}
	log_info("terminal UI stopped");
	return 0;
}
