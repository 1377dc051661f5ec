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
#include "../app/security.h"
#include "../app/wallet.h"
#include "crash.h"
#include "draw.h"
#include "fieldset.h"
#include "input.h"
#include "news.h"
#include "print_offer.h"
#include "screen.h"
#include "statusbar.h"
#include "theme.h"
#include "ui.h"

/* The poll timeout, so the clock in the status bar moves on. */
#define UI_TICK_MS 1000

/* The environment variable that sets the idle lock in seconds, for
 * tests, and its range. */
#define UI_LOCK_ENV "SPOTAGENT_LOCK_SECONDS"
#define UI_LOCK_ENV_MAX 900

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
	[SCREEN_QUEUE] = &screen_queue,
	[SCREEN_PASSWORD] = &screen_password,
	[SCREEN_CUSTOMER] = &screen_customer,
	[SCREEN_FIND] = &screen_find,
	[SCREEN_SERVICES] = &screen_services,
	[SCREEN_MONEY] = &screen_money,
	[SCREEN_MONEY_CONFIRM] = &screen_money_confirm,
	[SCREEN_SEND] = &screen_send,
	[SCREEN_WALLET_INFO] = &screen_wallet_info,
	[SCREEN_FLOAT] = &screen_float,
	[SCREEN_REPORT] = &screen_report,
	[SCREEN_LOCK] = &screen_lock,
};

/* raw() turns the terminal's signal keys off, so SIGINT here comes from
 * outside (kill -INT) and stops the UI like SIGTERM. */
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

/* The screen that gets keys and draws: the lock screen while it is up. */
static struct screen *ui_active(const struct ui *ui)
{
	return screens[ui->lock != UI_LOCK_NONE ? SCREEN_LOCK : ui->current];
}

struct screen *ui_active_screen(const struct ui *ui)
{
	return ui_active(ui);
}

static time_t ui_monotonic(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec;
}

/* Pick the layout for the terminal's size, work out where it goes and
 * let the current screen place its windows there. */
static void ui_layout(struct ui *ui)
{
	struct screen *screen = ui_active(ui);

	ui->compact = LINES < UI_ROWS || COLS < UI_COLUMNS;
	ui->too_small = LINES < UI_COMPACT_ROWS || COLS < UI_COMPACT_COLUMNS;
	ui->rows = ui->compact ? UI_COMPACT_CONTENT_ROWS : UI_CONTENT_ROWS;
	ui->columns = ui->compact ? UI_COMPACT_COLUMNS : UI_COLUMNS;
	ui->top = 1;
	ui->left = ui->too_small ? 0 : (COLS - ui->columns) / 2;

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

void ui_lock_start(struct ui *ui, enum ui_lock why)
{
	struct screen *current = screens[ui->current];

	if (ui->lock == why || ui->lock == UI_LOCK_IDLE)
		return;
	if (ui->lock == UI_LOCK_NONE) {
		/* The screen unplaces its fields and keeps their text. */
		if (current->leave != NULL)
			current->leave(current, ui);
		ui->saved_dialog = ui->dialog;
		ui->dialog.open = false;
	}
	ui->lock = why;

	/* Keys typed for the screen below must not reach the password
	 * field. The lock screen drops those that come while it opens. */
	input_flush();
	log_debug("typeahead flushed on opening the lock screen");
	if (screen_lock.enter != NULL)
		screen_lock.enter(&screen_lock, ui, ui->current);
	ui_layout(ui);
}

/* Take the lock screen down and bring the current screen back. */
static void ui_lock_remove(struct ui *ui)
{
	if (screen_lock.leave != NULL)
		screen_lock.leave(&screen_lock, ui);
	ui->lock = UI_LOCK_NONE;
	ui->dialog = ui->saved_dialog;
	memset(&ui->saved_dialog, 0, sizeof(ui->saved_dialog));
	ui->last_key = ui_monotonic();
	ui_layout(ui);
}

/* Send the receiver lookup again after the agent logged in again. */
static void ui_lookup_retry(struct ui *ui)
{
	struct ui_lookup *lookup = &ui->lookup;
	char message[sizeof(lookup->text)];

	ui->lookup_retry = false;
	if (lookup->state != LOOKUP_CHECKING)
		return;
	if (wallet_lookup_start(ui->app, lookup->account, message,
				sizeof(message)) != 0) {
		lookup->state = LOOKUP_FAILED;
		snprintf(lookup->text, sizeof(lookup->text), "%s", message);
	}
}

static void ui_apply(struct ui *ui, int flags);

/* Tell the current screen how the lock for its request's expired session
 * ended, so it sends the request again or marks it not sent. */
static void ui_session_answer(struct ui *ui, bool renewed)
{
	struct screen *screen = screens[ui->current];

	if (!ui->session_retry)
		return;
	ui->session_retry = false;
	if (screen->on_session != NULL)
		ui_apply(ui, screen->on_session(screen, ui, renewed));
}

void ui_session_expired(struct ui *ui)
{
	ui->session_retry = true;
	ui_lock_start(ui, UI_LOCK_SESSION);
}

void ui_lock_end(struct ui *ui, bool new_token)
{
	ui_lock_remove(ui);
	if (!new_token) {
		ui_lock_cancel(ui);
		return;
	}
	if (ui->lookup_retry)
		ui_lookup_retry(ui);
	ui_session_answer(ui, true);
}

void ui_lock_cancel(struct ui *ui)
{
	struct ui_lookup *lookup = &ui->lookup;

	if (ui->lock != UI_LOCK_NONE)
		ui_lock_remove(ui);
	if (ui->lookup_retry && lookup->state == LOOKUP_CHECKING) {
		lookup->state = LOOKUP_FAILED;
		snprintf(lookup->text, sizeof(lookup->text),
			 "session expired");
		snprintf(ui->notice, sizeof(ui->notice),
			 "Session expired: not checked");
	}
	ui->lookup_retry = false;
	ui_session_answer(ui, false);
	ui->dirty = true;
}

void ui_lock_logout(struct ui *ui)
{
	if (screen_lock.leave != NULL)
		screen_lock.leave(&screen_lock, ui);
	ui->lock = UI_LOCK_NONE;
	ui->lookup_retry = false;
	ui->session_retry = false;
	memset(&ui->saved_dialog, 0, sizeof(ui->saved_dialog));
	ui->dialog.open = false;
	security_logout(ui->app);
	ui_show(ui, SCREEN_LOGIN);
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

static void ui_answer_dialog(struct ui *ui, enum ui_action action,
			     wchar_t ch)
{
	struct screen *screen = ui_active(ui);
	enum dialog_purpose purpose = ui->dialog.purpose;
	enum dialog_answer answer = dialog_handle(&ui->dialog, action, ch);
	int flags = SCREEN_IGNORED;

	ui->dirty = true;
	if (answer == DIALOG_YES && purpose == DIALOG_FOR_QUIT)
		ui->quit = true;
	print_offer_answer(ui, purpose, answer);
	if (purpose == DIALOG_FOR_CARD)
		card_input_answer(ui, answer, ui->dialog.chosen);

	/* The dialog is modal, so the screen that opened it is current. */
	if (answer == DIALOG_CHOSEN && purpose == DIALOG_FOR_SCREEN &&
	    screen->on_choice != NULL)
		flags = screen->on_choice(screen, ui, ui->dialog.chosen);
	ui_apply(ui, flags);
}

void ui_deliver_key(struct ui *ui, int rc, wint_t key)
{
	struct screen *screen = ui_active(ui);
	enum ui_action action = keys_action(rc, key);
	int flags = SCREEN_IGNORED;

	ui->notice[0] = '\0';
	ui->dirty = true;

	/* F5 sends now on every screen, and over a dialog too. */
	if (action == UI_ACTION_SYNC) {
		ui_sync_now(ui);
		return;
	}
	/* Below the smallest layout a dialog is not drawn, so a key must
	 * not act on it either. */
	if (ui->too_small)
		return;
	if (ui->dialog.open) {
		ui_answer_dialog(ui, action,
				 action == UI_ACTION_NONE && rc == OK
					 ? (wchar_t)key
					 : 0);
		return;
	}

	switch (action) {
	case UI_ACTION_QUIT:
		/* On the lock screen F10 offers log out instead. */
		if (ui->lock == UI_LOCK_NONE) {
			ui_ask_quit(ui);
			return;
		}
		flags = screen->on_action(screen, ui, action);
		break;
	case UI_ACTION_NONE:
		if (rc == OK && iswprint(key) && screen->on_text != NULL)
			flags = screen->on_text(screen, ui, (wchar_t)key);
		break;
	default:
		if (screen->on_action != NULL)
			flags = screen->on_action(screen, ui, action);
		break;
	}
	if (fieldset_take_track_data())
		snprintf(ui->notice, sizeof(ui->notice), "%s",
			 CARD_INPUT_TRACK_DATA_TEXT);
	ui_apply(ui, flags);
}

/* A key from the terminal: card input sees it first, on every screen and
 * over every dialog, so that a card swipe never reaches a screen as
 * typed keys. */
static void ui_handle_key(struct ui *ui, int rc, wint_t key)
{
	enum ui_action action = keys_action(rc, key);
	int flags = SCREEN_IGNORED;

	ui->last_key = ui_monotonic();
	if (action == UI_ACTION_RESIZE) {
		ui_layout(ui);
		return;
	}
	if (!ui->too_small &&
	    card_input_key(ui, rc, key, action, &flags)) {
		ui_apply(ui, flags);
		return;
	}
	ui_deliver_key(ui, rc, key);
}

void ui_flush_typeahead(struct ui *ui)
{
	input_flush();
	log_debug("typeahead flushed on entering the %s screen",
		  screens[ui->current]->name);
	ui->dirty = true;
}

/* Handle every key curses has, including KEY_RESIZE, which curses makes
 * up after SIGWINCH. Only a lone Esc is UI_ACTION_BACK: an Esc followed
 * at once by more keys is dropped with them. */
static void ui_read_keys(struct ui *ui)
{
	wint_t key;
	int rc;
	int count;

	for (count = 0; count < UI_KEYS_PER_ROUND && !ui->quit; count++) {
		bool dropped = false;

		rc = input_read(&key, &dropped);
		if (dropped) {
			ui->last_key = ui_monotonic();
			ui->dirty = true;
			snprintf(ui->notice, sizeof(ui->notice),
				 "Unknown key ignored");
		}
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
	if (event->status == API_ESESSION) {
		/* Stays LOOKUP_CHECKING: sent again once the agent has
		 * logged in again, or marked not checked on Esc. */
		ui->lookup_retry = true;
		ui_lock_start(ui, UI_LOCK_SESSION);
		return;
	}
	if (event->status == API_ENOTFOUND) {
		lookup->state = LOOKUP_NOT_FOUND;
		snprintf(lookup->text, sizeof(lookup->text),
			 "No wallet %s at Spotbanc: check the number",
			 lookup->account);
		return;
	}
	lookup->state = event->status == 0 ? LOOKUP_FOUND : LOOKUP_FAILED;
	ui_event_text(event, lookup->text, sizeof(lookup->text));
}

/* Take the reply of a money request whose screen is no longer shown, so
 * that it does not wait for a screen that will not take it. */
static void ui_drop_money_reply(void)
{
	static struct money_reply reply;

	if (money_request_take(&reply) == 0)
		log_info("reply to a money request of an earlier screen "
			 "dropped");
	memset(&reply, 0, sizeof(reply));
}

static void ui_read_events(struct ui *ui)
{
	struct news news;
	struct event event;
	int count;

	memset(&news, 0, sizeof(news));
	for (count = 0; count < UI_EVENTS_PER_ROUND; count++) {
		struct screen *screen = screens[ui->current];
		int flags = SCREEN_REDRAW;
		int handled = SCREEN_IGNORED;

		if (event_read(ui->app->events, &event) != 1)
			break;

		/* A login result during the lock is the unlock's, and a
		 * password change's result stays with its screen. */
		if (ui->lock != UI_LOCK_NONE && event.type == EVENT_LOGIN &&
		    !ui_event_is_for(&event, SECURITY_EVENT_PASSWORD))
			screen = screens[SCREEN_LOCK];
		app_apply_event(ui->app, &event);
		if (event.type == EVENT_LOOKUP)
			ui_note_lookup(ui, &event);
		flags |= card_input_event(ui, screen, &event);

		/* The screen first, so that the result screen prints its
		 * receipt before any notice. A money request's reply goes to
		 * the current screen, as a lookup's does, even under the lock
		 * screen. */
		if (screen->on_event != NULL)
			handled = screen->on_event(screen, ui, &event);
		if (event.type == EVENT_MONEY && handled == SCREEN_IGNORED)
			ui_drop_money_reply();
		ui_apply(ui, flags | handled);
		if (event.type == EVENT_OPERATION)
			news_note_operation(&event, &news);
		print_offer_note(ui, &event);
	}
	news.rejected = ui->app->printed;
	memset(&ui->app->printed, 0, sizeof(ui->app->printed));
	news_tell(ui, &news);
}

static void ui_draw_too_small(void)
{
	char size[48];

	erase();
	snprintf(size, sizeof(size), "This one is %dx%d", COLS, LINES);
	draw_centered(stdscr, LINES / 2 - 1, 0, COLS, A_BOLD,
		      "Terminal too small: need 40x16");
	draw_centered(stdscr, LINES / 2, 0, COLS, A_NORMAL, size);
}

/* The notice above the help line. In the compact layout a notice too
 * long for one line is broken at a space onto the line above. */
static void ui_draw_notice(const struct ui *ui)
{
	int width = ui->columns - 2;
	char first[UI_COLUMNS];
	const char *rest;
	size_t cut = draw_fit(ui->notice, width);

	draw_blank(stdscr, LINES - 2, 0, -1);
	if (!ui->compact || ui->notice[cut] == '\0') {
		draw_text(stdscr, LINES - 2, ui->left + 1, width, A_BOLD,
			  ui->notice);
		return;
	}
	while (cut > 0 && ui->notice[cut] != ' ')
		cut--;
	if (cut == 0)
		cut = draw_fit(ui->notice, width);
	snprintf(first, sizeof(first), "%.*s", (int)cut, ui->notice);
	rest = ui->notice + cut;
	while (*rest == ' ')
		rest++;
	draw_blank(stdscr, LINES - 3, 0, -1);
	draw_text(stdscr, LINES - 3, ui->left + 1, width, A_BOLD, first);
	draw_text(stdscr, LINES - 2, ui->left + 1, width, A_BOLD, rest);
}

static void ui_draw(struct ui *ui)
{
	const struct screen *screen = ui_active(ui);
	attr_t bar = theme_attr(THEME_BAR);
	char keys[2 * UI_COLUMNS];
	char help[4 * UI_COLUMNS];

	/* Nothing of the screen under the lock may show. */
	if (ui->lock != UI_LOCK_NONE)
		erase();
	if (ui->too_small) {
		ui_draw_too_small();
	} else {
		const char *own = screen->help_keys;
		const char *gap = ui->compact ? " " : "  ";

		if (ui->compact && screen->help_keys_compact != NULL)
			own = screen->help_keys_compact;
		statusbar_draw(ui->app, time(NULL), ui->compact);
		ui_draw_notice(ui);
		keys_help(screen->help | UI_HELP_CARD, screen->confirm_word,
			  screen->back_word, ui->compact, keys, sizeof(keys));
		snprintf(help, sizeof(help), "%s%s%s", own != NULL ? own : "",
			 own != NULL ? gap : "", keys);
		/* F6 is listed last, and only where it fits whole. */
		if (!card_input_takes_card(screen, ui) ||
		    (int)strlen(help) > ui->columns - (ui->compact ? 0 : 2)) {
			keys_help(screen->help, screen->confirm_word,
				  screen->back_word, ui->compact, keys,
				  sizeof(keys));
			snprintf(help, sizeof(help), "%s%s%s",
				 own != NULL ? own : "", own != NULL ? gap : "",
				 keys);
		}
		mvwhline(stdscr, LINES - 1, 0, ' ' | bar, COLS);
		draw_text(stdscr, LINES - 1, ui->left + (ui->compact ? 0 : 1),
			  ui->columns - (ui->compact ? 0 : 2), bar, help);
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

static void ui_reload(struct ui *ui)
{
	struct screen *screen = ui_active(ui);

	if (!ui->too_small && screen->reload != NULL)
		screen->reload(screen, ui);
}

/* Lock a logged-in terminal after ui->lock_seconds without a key. */
static void ui_check_idle(struct ui *ui)
{
	if (!ui->app->session.logged_in || ui->current == SCREEN_LOGIN ||
	    ui->lock == UI_LOCK_IDLE)
		return;
	if (ui_monotonic() - ui->last_key < ui->lock_seconds)
		return;
	log_info("terminal locked after %d s without a key",
		 ui->lock_seconds);
	ui_lock_start(ui, UI_LOCK_IDLE);
}

/* How often the UI looks for journal changes made by other processes. */
#define UI_JOURNAL_POLL_SECONDS 3

/* Journal reads that may fail in a row before the UI stops: a busy
 * journal passes, but one that cannot be read cannot record the next
 * operation either. */
#define UI_JOURNAL_FAILURES_MAX 3

/* Stop the UI because it cannot go on safely. ui_run restores the
 * terminal, then prints the message, and the caller closes the journal. */
static void ui_fatal(struct ui *ui, const char *message)
{
	snprintf(ui->fatal, sizeof(ui->fatal), "%s", message);
	log_error("stopping the UI: %s", message);
	ui->quit = true;
}

static void ui_poll_journal(struct ui *ui)
{
	bool watch = ui->current == SCREEN_RESULT ||
		     ui->current == SCREEN_CUSTOMER;
	char message[sizeof(ui->fatal)];
	int rc;

	rc = app_poll_journal(ui->app, watch ? ui->operation_id : NULL);
	if (rc == 0 || rc == JOURNAL_EBUSY) {
		ui->journal_failures = 0;
		return;
	}
	if (++ui->journal_failures < UI_JOURNAL_FAILURES_MAX)
		return;
	snprintf(message, sizeof(message),
		 "the journal cannot be read (%s), so no operation could be "
		 "recorded; check the disk and start spotagent again",
		 journal_strerror(rc));
	ui_fatal(ui, message);
}

static void ui_loop(struct ui *ui)
{
	struct pollfd fds[2];
	time_t minute = -1;
	time_t second = -1;
	time_t next_poll = 0;
	int ready;

	while (!ui->quit && stop_signal == 0) {
		if (time(NULL) / 60 != minute) {
			minute = time(NULL) / 60;
			ui->dirty = true;
		}
		/* A countdown, such as a quote's expiry, moves every second. */
		if (ui_active(ui)->every_second && time(NULL) != second) {
			second = time(NULL);
			ui->dirty = true;
		}
		/* Another process (spotagent sync from cron) may decide
		 * operations; its changes arrive as events like our own. */
		if (time(NULL) >= next_poll) {
			next_poll = time(NULL) + UI_JOURNAL_POLL_SECONDS;
			ui_poll_journal(ui);
		}
		ui_check_idle(ui);
		ui_apply(ui, card_input_tick(ui, ui_active(ui)));
		if (ui->dirty) {
			ui_reload(ui);
			ui_draw(ui);
		}

		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		fds[1].fd = ui->app->events != NULL
				    ? event_channel_fd(ui->app->events)
				    : -1;
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		ready = poll(fds, 2, card_input_poll_ms(ui, UI_TICK_MS));
		if (ready < 0 && errno != EINTR) {
			char message[sizeof(ui->fatal)];

			snprintf(message, sizeof(message),
				 "waiting for keys failed: %s",
				 strerror(errno));
			ui_fatal(ui, message);
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

/* The idle time before the lock: [terminal] lock_minutes, or for tests
 * SPOTAGENT_LOCK_SECONDS (1 to 900) when it is set. */
static int ui_lock_seconds(const struct config *config)
{
	const char *text = getenv(UI_LOCK_ENV);
	int minutes = config->lock_minutes > 0 ? config->lock_minutes : 5;
	char *end = NULL;
	long seconds;

	if (text == NULL)
		return minutes * 60;
	errno = 0;
	seconds = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || seconds < 1 ||
	    seconds > UI_LOCK_ENV_MAX) {
		log_warn("%s must be 1 to %d seconds; using [terminal] "
			 "lock_minutes = %d",
			 UI_LOCK_ENV, UI_LOCK_ENV_MAX, minutes);
		return minutes * 60;
	}
	log_info("idle lock after %ld s from %s", seconds, UI_LOCK_ENV);
	return (int)seconds;
}

/* Set up curses modes, colours and the screens. Returns 0, or -1 with a
 * message for stderr. */
static int ui_start(struct ui *ui, char *message, size_t message_size)
{
	int i;

	/* raw() rather than cbreak(): Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-S
	 * reach the key table as keys instead of ending, suspending or
	 * freezing the session. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(INPUT_ESCAPE_DELAY_MS);
	theme_init();

	for (i = 0; i < SCREEN_COUNT; i++) {
		struct screen *screen = screens[i];

		if (screen->init != NULL && screen->init(screen, ui) != 0) {
			snprintf(message, message_size,
				 "cannot create the %s screen", screen->name);
			return -1;
		}
	}
	ui->lock_seconds = ui_lock_seconds(&ui->app->config);
	ui->last_key = ui_monotonic();
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

	if (ui->lock != UI_LOCK_NONE && screen_lock.leave != NULL)
		screen_lock.leave(&screen_lock, ui);
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
	set_escdelay(INPUT_ESCAPE_DELAY_MS);

	crash_save_modes();

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
	crash_install();
	input_start();
	log_set_quiet(1);
	log_info("terminal UI started");

	result = ui_start(&ui, message, sizeof(message));
	if (result == 0)
		ui_loop(&ui);
	ui_stop(&ui);

	input_stop();
	crash_remove();
	endwin();
	delscreen(terminal);
	log_set_quiet(0);
	signals_restore(old_actions);
	if (result != 0) {
		log_error("terminal UI failed: %s", message);
		fprintf(stderr, "spotagent: %s\n", message);
		return 1;
	}
	if (ui.fatal[0] != '\0') {
		fprintf(stderr, "spotagent: %s\n", ui.fatal);
		return 1;
	}
	log_info("terminal UI stopped");
	return 0;
}
