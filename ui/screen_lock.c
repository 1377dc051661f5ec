/* The lock screen: covers the current screen after [terminal]
 * lock_minutes without a key, or when the session token expired during a
 * request, and requests the agent's password. It draws nothing of the
 * screen below, whose state is kept for the agent's return. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/log.h"
#include "../app/security.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

/* The lock screen's message for a rejected password. */
#define LOCK_WRONG_PASSWORD_TEXT "Wrong password"

/* The password field's width in terminal columns. The password rules
 * allow 64 characters (security_password_check), and the field takes 64
 * columns, as on the change password screen. Its wide view ends in the
 * last of 80 columns and scrolls for the longest passwords. */
#define LOCK_WIDTH 64
#define LOCK_VIEW 62
#define LOCK_LABEL_COLUMN 4
#define LOCK_FIELD_COLUMN 18
#define LOCK_FIELD_ROW 8
#define LOCK_STATUS_ROW 11

/* The prompt for an expired session opens over a form while the agent
 * may still be typing into it, so it drops the keys that come less than
 * LOCK_OPEN_MS after it opened. Each dropped key drops those that come
 * less than LOCK_SETTLE_MS after it too, so that only keys typed after a
 * pause reach the password field. Both are estimates: 300 ms is about
 * the fastest reaction to a new prompt, and 500 ms is longer than most
 * gaps between two keys of an agent typing on. */
#define LOCK_OPEN_MS 300
#define LOCK_SETTLE_MS 500

/* The digit of the log out choice in the F10 dialog. */
#define LOCK_CHOICE_LOGOUT 1

/* The compact layout: the label on the field's row, and two rows each
 * for the explanation and the status. */
#define LOCK_COMPACT_LABEL_COLUMN 1
#define LOCK_COMPACT_FIELD_COLUMN 12
#define LOCK_COMPACT_VIEW 27
#define LOCK_COMPACT_TEXT_ROW 5
#define LOCK_COMPACT_FIELD_ROW 8
#define LOCK_COMPACT_STATUS_ROW 10

static const struct fieldset_spec lock_specs[1] = {
	{ .row = 0, .column = 0, .width = LOCK_WIDTH, .secret = true,
	  .view = LOCK_VIEW },
};

static const struct fieldset_spec lock_compact_specs[1] = {
	{ .row = 0, .column = 0, .width = LOCK_WIDTH, .secret = true,
	  .view = LOCK_COMPACT_VIEW },
};

struct lock_state {
	struct fieldset fields;
	enum ui_lock why;
	bool busy; /* a password check is running */
	long long settle_until_ms; /* CLOCK_MONOTONIC time in ms */
	char status[UI_MESSAGE_SIZE];
	bool status_is_error;
};

static struct lock_state lock;

static void lock_set_status(struct lock_state *state, bool error,
			    const char *text)
{
	state->status_is_error = error;
	snprintf(state->status, sizeof(state->status), "%s", text);
}

static long long lock_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Drop a key that comes before the agent paused after the prompt opened,
 * say so on the status row and return true. Each dropped key moves the
 * end of the wait on. */
static bool lock_drop_key(struct lock_state *state)
{
	long long now = lock_now_ms();

	if (now >= state->settle_until_ms)
		return false;
	state->settle_until_ms = now + LOCK_SETTLE_MS;
	lock_set_status(state, true,
			"Keys typed as this prompt opened were dropped. "
			"Type the password.");
	return true;
}

static int lock_init(struct screen *screen, struct ui *ui)
{
	struct lock_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, lock_specs, 1);
}

static void lock_destroy(struct screen *screen)
{
	struct lock_state *state = screen->state;

	fieldset_wipe(&state->fields, 0);
	fieldset_free(&state->fields);
}

/* Esc closes only the prompt for an expired session: an idle lock must
 * not be left without the password. */
static void lock_set_help(struct screen *screen, enum ui_lock why)
{
	screen->help = UI_HELP_CONFIRM;
	screen->help_keys = "F10 Log out";
	screen->help_keys_compact = "F10:Log out";
	screen->confirm_word = "Unlock";
	if (why == UI_LOCK_SESSION) {
		screen->help |= UI_HELP_BACK;
		screen->confirm_word = "Log in";
	}
}

static void lock_enter(struct screen *screen, struct ui *ui,
		       enum screen_id from)
{
	struct lock_state *state = screen->state;

	(void)from;
	/* A switch from the session prompt to the idle lock keeps a check
	 * that is running. */
	if (state->why == UI_LOCK_NONE || !state->busy) {
		state->busy = false;
		state->status[0] = '\0';
		fieldset_wipe(&state->fields, 0);
	}
	/* The idle lock opens only after the keyboard was idle, so only the
	 * session prompt can catch an agent in the middle of typing. */
	state->settle_until_ms = 0;
	if (state->why == UI_LOCK_NONE && ui->lock == UI_LOCK_SESSION)
		state->settle_until_ms = lock_now_ms() + LOCK_OPEN_MS;
	state->why = ui->lock;
	lock_set_help(screen, state->why);
	fieldset_focus(&state->fields, 0);
}

static void lock_leave(struct screen *screen, struct ui *ui)
{
	struct lock_state *state = screen->state;

	(void)ui;
	fieldset_wipe(&state->fields, 0);
	fieldset_unplace(&state->fields);
	state->why = UI_LOCK_NONE;
	state->busy = false;
}

static void lock_layout(struct screen *screen, struct ui *ui)
{
	struct lock_state *state = screen->state;

	if (ui->too_small) {
		fieldset_unplace(&state->fields);
		return;
	}
	if (ui->compact) {
		fieldset_use(&state->fields, lock_compact_specs);
		fieldset_place(&state->fields,
			       ui_row(ui, LOCK_COMPACT_FIELD_ROW),
			       ui_column(ui, LOCK_COMPACT_FIELD_COLUMN));
		return;
	}
	fieldset_use(&state->fields, lock_specs);
	fieldset_place(&state->fields, ui_row(ui, LOCK_FIELD_ROW),
		       ui_column(ui, LOCK_FIELD_COLUMN));
}

/* Draw text wrapped at blanks over `rows` rows from content row `row`,
 * blanking the rows it does not need. What does not fit is cut. */
static void lock_draw_wrapped(const struct ui *ui, int row, int rows,
			      attr_t attr, const char *text)
{
	int column = LOCK_COMPACT_LABEL_COLUMN;

	draw_wrapped(stdscr, ui_row(ui, row), ui_column(ui, column),
		     ui->columns - column - 1, rows, attr, text);
}

static const char *lock_title(const struct lock_state *state)
{
	return state->why == UI_LOCK_SESSION ? "Session expired"
					     : "Terminal locked";
}

/* The explanation. Its '\n' breaks the line in the compact layout and
 * is drawn as a blank in the wide one. */
static const char *lock_text(const struct lock_state *state)
{
	return state->why == UI_LOCK_SESSION
		       ? "Log in again to send the request;\nEsc goes on "
			 "without it."
		       : "Enter your password to go on.\nUnsent work is "
			 "kept.";
}

static void lock_draw_wide(const struct lock_state *state,
			   const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	int x = ui_column(ui, 0);
	char line[JOURNAL_AGENT_SIZE + API_NAME_SIZE + 16];

	snprintf(line, sizeof(line), "  %s", lock_title(state));
	draw_line(stdscr, ui_row(ui, 1), x, UI_COLUMNS,
		  theme_attr(THEME_TITLE), line);
	if (session->agent_name[0] != '\0')
		snprintf(line, sizeof(line), "  Agent %s (%s)",
			 session->agent_id, session->agent_name);
	else
		snprintf(line, sizeof(line), "  Agent %s", session->agent_id);
	draw_line(stdscr, ui_row(ui, 3), x, UI_COLUMNS, A_NORMAL, line);
	snprintf(line, sizeof(line), "  %s", lock_text(state));
	draw_line(stdscr, ui_row(ui, 5), x, UI_COLUMNS, A_NORMAL, line);
	draw_line(stdscr, ui_row(ui, LOCK_FIELD_ROW), x + LOCK_LABEL_COLUMN,
		  LOCK_FIELD_COLUMN - LOCK_LABEL_COLUMN, A_BOLD, "Password");
	draw_line(stdscr, ui_row(ui, LOCK_STATUS_ROW), x + LOCK_LABEL_COLUMN,
		  UI_COLUMNS - LOCK_LABEL_COLUMN,
		  state->status_is_error ? theme_attr(THEME_ERROR) : A_BOLD,
		  state->status);
}

/* The compact layout puts the agent's name on a row of its own. */
static void lock_draw_compact(const struct lock_state *state,
			      const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	int x = ui_column(ui, LOCK_COMPACT_LABEL_COLUMN);
	int width = ui->columns - LOCK_COMPACT_LABEL_COLUMN - 1;
	char line[UI_COLUMNS * 2];

	draw_line(stdscr, ui_row(ui, 0), x, width, theme_attr(THEME_TITLE),
		  lock_title(state));
	snprintf(line, sizeof(line), "Agent %s", session->agent_id);
	draw_line(stdscr, ui_row(ui, 2), x, width, A_NORMAL, line);
	draw_line(stdscr, ui_row(ui, 3), x, width, A_NORMAL,
		  session->agent_name);
	lock_draw_wrapped(ui, LOCK_COMPACT_TEXT_ROW, 2, A_NORMAL,
			  lock_text(state));
	draw_line(stdscr, ui_row(ui, LOCK_COMPACT_FIELD_ROW), x,
		  LOCK_COMPACT_FIELD_COLUMN - LOCK_COMPACT_LABEL_COLUMN,
		  A_BOLD, "Password");
	lock_draw_wrapped(ui, LOCK_COMPACT_STATUS_ROW, 2,
			  state->status_is_error ? theme_attr(THEME_ERROR)
						 : A_BOLD,
			  state->status);
}

static void lock_draw(const struct screen *screen, const struct ui *ui)
{
	const struct lock_state *state = screen->state;

	if (ui->compact)
		lock_draw_compact(state, ui);
	else
		lock_draw_wide(state, ui);
	fieldset_draw_mask(&state->fields, 0);
	fieldset_show_cursor(&state->fields);
}

/* Set an error on the status row. The lock screen asks only for the
 * password, so the shared "wrong agent ID or password" text of a rejected
 * login becomes "Wrong password". */
static void lock_set_error(struct lock_state *state, const char *text)
{
	if (strcmp(text, api_strerror(API_EAUTH)) == 0)
		text = LOCK_WRONG_PASSWORD_TEXT;
	lock_set_status(state, true, text);
}

static int lock_submit(struct lock_state *state, struct ui *ui)
{
	char password[4 * LOCK_WIDTH + 1];
	char message[160];
	int result;

	fieldset_get(&state->fields, 0, password, sizeof(password));
	if (password[0] == '\0') {
		lock_set_status(state, true, "Password is missing");
		return SCREEN_HANDLED;
	}
	result = security_unlock_start(ui->app, password, message,
				       sizeof(message));
	explicit_bzero(password, sizeof(password));
	fieldset_wipe(&state->fields, 0);
	if (result != 0) {
		lock_set_error(state, message);
		return SCREEN_HANDLED;
	}
	state->busy = true;
	lock_set_status(state, false, "Checking the password...");
	return SCREEN_HANDLED;
}

static int lock_on_action(struct screen *screen, struct ui *ui,
			  enum ui_action action)
{
	static const struct dialog_choice logout[] = {
		{ .digit = LOCK_CHOICE_LOGOUT,
		  .label = "Log out (unsent work stays queued)" },
	};
	struct lock_state *state = screen->state;

	if (lock_drop_key(state))
		return SCREEN_HANDLED;
	if (state->busy)
		return SCREEN_IGNORED;
	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;

	switch (action) {
	case UI_ACTION_CONFIRM:
		return lock_submit(state, ui);
	case UI_ACTION_BACK:
		if (state->why != UI_LOCK_SESSION)
			return SCREEN_IGNORED;
		ui_lock_cancel(ui);
		return SCREEN_HANDLED;
	case UI_ACTION_QUIT:
		dialog_choose(&ui->dialog, "Log out",
			      "Log out of spotagent? The journal and its "
			      "queue are kept.",
			      logout, 1);
		return SCREEN_HANDLED;
	default:
		return SCREEN_IGNORED;
	}
}

static int lock_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct lock_state *state = screen->state;

	(void)ui;
	if (lock_drop_key(state))
		return SCREEN_HANDLED;
	if (state->busy)
		return SCREEN_IGNORED;
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

static int lock_on_choice(struct screen *screen, struct ui *ui, int digit)
{
	struct lock_state *state = screen->state;

	if (digit != LOCK_CHOICE_LOGOUT || state->busy)
		return SCREEN_IGNORED;
	log_info("agent %s logged out from the lock screen",
		 ui->app->session.agent_id);
	ui_lock_logout(ui);
	return SCREEN_HANDLED;
}

static int lock_on_event(struct screen *screen, struct ui *ui,
			 const struct event *event)
{
	struct lock_state *state = screen->state;
	char text[sizeof(event->text) + 1];
	int result;

	if (event->type != EVENT_LOGIN || !state->busy)
		return SCREEN_IGNORED;
	state->busy = false;
	if (event->status == 0) {
		result = security_unlock_finish(ui->app);
		if (result >= 0) {
			ui_lock_end(ui, result == 1);
			return SCREEN_HANDLED;
		}
	}
	ui_event_text(event, text, sizeof(text));
	lock_set_error(state,
		       text[0] != '\0' ? text : api_strerror(event->status));
	fieldset_focus(&state->fields, 0);
	return SCREEN_HANDLED;
}

struct screen screen_lock = {
	.name = "lock",
	.cursor = true,
	.help = UI_HELP_CONFIRM,
	.confirm_word = "Unlock",
	.back_word = "Not now",
	.help_keys = "F10 Log out",
	.help_keys_compact = "F10:Log out",
	.init = lock_init,
	.enter = lock_enter,
	.leave = lock_leave,
	.layout = lock_layout,
	.draw = lock_draw,
	.on_action = lock_on_action,
	.on_text = lock_on_text,
	.on_event = lock_on_event,
	.on_choice = lock_on_choice,
	.destroy = lock_destroy,
	.state = &lock,
};
