/* The login screen: agent ID and password, and the wait for the reply of
 * the central service or of the offline verifier, which arrives as
 * EVENT_LOGIN. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>

#include "../app/log.h"
#include "../app/security.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

enum login_field {
	LOGIN_FIELD_AGENT = 0,
	LOGIN_FIELD_PASSWORD = 1,
	LOGIN_FIELD_COUNT = 2,
};

/* Field widths in terminal columns. The password rules allow 64
 * characters (security_password_check), and the password field takes 64
 * columns, as on the change password screen. Its wide view ends in the
 * last of 80 columns and scrolls for the longest passwords. */
#define LOGIN_AGENT_WIDTH 32
#define LOGIN_PASSWORD_WIDTH 64
#define LOGIN_PASSWORD_VIEW 62
#define LOGIN_LABEL_COLUMN 4
#define LOGIN_FIELD_COLUMN 18
#define LOGIN_FIELD_ROW 5   /* content row of the agent ID field */
#define LOGIN_STATUS_ROW 12

/* The compact layout: each label on its field's row, one row for the
 * message of the current field, and two rows for the status. */
#define LOGIN_COMPACT_LABEL_COLUMN 1
#define LOGIN_COMPACT_FIELD_COLUMN 12
#define LOGIN_COMPACT_VIEW 27
#define LOGIN_COMPACT_FIELD_ROW 4
#define LOGIN_COMPACT_MESSAGE_ROW 8
#define LOGIN_COMPACT_STATUS_ROW 10
#define LOGIN_COMPACT_STATUS_ROWS 2

/* Each field's row relative to the first, with its message below it. */
static const struct fieldset_spec login_specs[LOGIN_FIELD_COUNT] = {
	[LOGIN_FIELD_AGENT] = { .row = 0, .column = 0,
				.width = LOGIN_AGENT_WIDTH },
	[LOGIN_FIELD_PASSWORD] = { .row = 3, .column = 0,
				   .width = LOGIN_PASSWORD_WIDTH,
				   .secret = true,
				   .view = LOGIN_PASSWORD_VIEW },
};

static const struct fieldset_spec login_compact_specs[LOGIN_FIELD_COUNT] = {
	[LOGIN_FIELD_AGENT] = { .row = 0, .column = 0,
				.width = LOGIN_AGENT_WIDTH,
				.view = LOGIN_COMPACT_VIEW },
	[LOGIN_FIELD_PASSWORD] = { .row = 2, .column = 0,
				   .width = LOGIN_PASSWORD_WIDTH,
				   .secret = true,
				   .view = LOGIN_COMPACT_VIEW },
};

static const char *const login_labels[LOGIN_FIELD_COUNT] = {
	[LOGIN_FIELD_AGENT] = "Agent ID",
	[LOGIN_FIELD_PASSWORD] = "Password",
};

struct login_state {
	struct fieldset fields;
	bool busy; /* a login request is running */
	char messages[LOGIN_FIELD_COUNT][UI_MESSAGE_SIZE];
	char status[UI_MESSAGE_SIZE];
	bool status_is_error;
};

static struct login_state login;

static void login_set_status(struct login_state *state, bool error,
			     const char *text)
{
	state->status_is_error = error;
	snprintf(state->status, sizeof(state->status), "%s", text);
}

static int login_init(struct screen *screen, struct ui *ui)
{
	struct login_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, login_specs, LOGIN_FIELD_COUNT);
}

static void login_destroy(struct screen *screen)
{
	struct login_state *state = screen->state;

	fieldset_wipe(&state->fields, LOGIN_FIELD_PASSWORD);
	fieldset_free(&state->fields);
}

static void login_enter(struct screen *screen, struct ui *ui,
			enum screen_id from)
{
	struct login_state *state = screen->state;
	char agent[JOURNAL_AGENT_SIZE];

	(void)ui;
	(void)from;
	memset(state->messages, 0, sizeof(state->messages));
	state->status[0] = '\0';
	state->busy = false;
	fieldset_wipe(&state->fields, LOGIN_FIELD_PASSWORD);

	/* After a logout the agent ID is still filled in, so the cursor
	 * starts at the password. */
	fieldset_get(&state->fields, LOGIN_FIELD_AGENT, agent, sizeof(agent));
	fieldset_focus(&state->fields, agent[0] != '\0'
					       ? LOGIN_FIELD_PASSWORD
					       : LOGIN_FIELD_AGENT);
}

static void login_leave(struct screen *screen, struct ui *ui)
{
	struct login_state *state = screen->state;

	(void)ui;
	fieldset_wipe(&state->fields, LOGIN_FIELD_PASSWORD);
	fieldset_unplace(&state->fields);
}

static void login_layout(struct screen *screen, struct ui *ui)
{
	struct login_state *state = screen->state;

	if (ui->too_small) {
		fieldset_unplace(&state->fields);
		return;
	}
	if (ui->compact) {
		fieldset_use(&state->fields, login_compact_specs);
		fieldset_place(&state->fields,
			       ui_row(ui, LOGIN_COMPACT_FIELD_ROW),
			       ui_column(ui, LOGIN_COMPACT_FIELD_COLUMN));
		return;
	}
	fieldset_use(&state->fields, login_specs);
	fieldset_place(&state->fields, ui_row(ui, LOGIN_FIELD_ROW),
		       ui_column(ui, LOGIN_FIELD_COLUMN));
}

/* Draw text wrapped at blanks over `rows` rows from content row `row`,
 * blanking the rows it does not need. What does not fit is cut. */
static void login_draw_wrapped(const struct ui *ui, int row, int rows,
			       int column, attr_t attr, const char *text)
{
	draw_wrapped(stdscr, ui_row(ui, row), ui_column(ui, column),
		     ui->columns - column - 1, rows, attr, text);
}

static void login_draw_wide(const struct login_state *state,
			    const struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	int x = ui_column(ui, 0);
	int i;

	draw_line(stdscr, ui_row(ui, 1), x, UI_COLUMNS,
		  theme_attr(THEME_TITLE), "  Agent login");
	draw_line(stdscr, ui_row(ui, 3), x, UI_COLUMNS, A_NORMAL,
		  "  Log in with your agent ID and password.");

	for (i = 0; i < LOGIN_FIELD_COUNT; i++) {
		int row = LOGIN_FIELD_ROW + login_specs[i].row;

		draw_line(stdscr, ui_row(ui, row), x + LOGIN_LABEL_COLUMN,
			  LOGIN_FIELD_COLUMN - LOGIN_LABEL_COLUMN,
			  i == current ? A_BOLD : A_NORMAL, login_labels[i]);
		draw_line(stdscr, ui_row(ui, row + 1), x + LOGIN_FIELD_COLUMN,
			  UI_COLUMNS - LOGIN_FIELD_COLUMN,
			  theme_attr(THEME_ERROR), state->messages[i]);
	}
	draw_line(stdscr, ui_row(ui, LOGIN_STATUS_ROW), x + LOGIN_LABEL_COLUMN,
		  UI_COLUMNS - LOGIN_LABEL_COLUMN,
		  state->status_is_error ? theme_attr(THEME_ERROR) : A_BOLD,
		  state->status);
}

/* The compact layout has one message row: the current field's message,
 * or else the other field's, so that none is hidden. */
static void login_draw_compact(const struct login_state *state,
			       const struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	const char *message = state->messages[current];
	int i;

	draw_line(stdscr, ui_row(ui, 0), ui_column(ui, 0), ui->columns,
		  theme_attr(THEME_TITLE), " Agent login");
	draw_line(stdscr, ui_row(ui, 2), ui_column(ui, 0), ui->columns,
		  A_NORMAL, " Enter your agent ID and password.");
	for (i = 0; i < LOGIN_FIELD_COUNT; i++) {
		int row = LOGIN_COMPACT_FIELD_ROW + login_compact_specs[i].row;

		draw_line(stdscr, ui_row(ui, row),
			  ui_column(ui, LOGIN_COMPACT_LABEL_COLUMN),
			  LOGIN_COMPACT_FIELD_COLUMN -
				  LOGIN_COMPACT_LABEL_COLUMN,
			  i == current ? A_BOLD : A_NORMAL, login_labels[i]);
		if (message[0] == '\0')
			message = state->messages[i];
	}
	login_draw_wrapped(ui, LOGIN_COMPACT_MESSAGE_ROW, 1,
			   LOGIN_COMPACT_LABEL_COLUMN, theme_attr(THEME_ERROR),
			   message);
	login_draw_wrapped(ui, LOGIN_COMPACT_STATUS_ROW,
			   LOGIN_COMPACT_STATUS_ROWS,
			   LOGIN_COMPACT_LABEL_COLUMN,
			   state->status_is_error ? theme_attr(THEME_ERROR)
						  : A_BOLD,
			   state->status);
}

static void login_draw(const struct screen *screen, const struct ui *ui)
{
	const struct login_state *state = screen->state;

	if (ui->compact)
		login_draw_compact(state, ui);
	else
		login_draw_wide(state, ui);
	fieldset_draw_mask(&state->fields, LOGIN_FIELD_PASSWORD);
	fieldset_show_cursor(&state->fields);
}

/* Send the agent ID and password to a request thread. */
static int login_submit(struct login_state *state, struct ui *ui)
{
	char agent[JOURNAL_AGENT_SIZE];
	char password[4 * LOGIN_PASSWORD_WIDTH + 1];
	char message[160];
	int result;

	/* A message from the previous attempt would read as if it were
	 * about this one. */
	memset(state->messages, 0, sizeof(state->messages));
	login_set_status(state, false, "");

	fieldset_get(&state->fields, LOGIN_FIELD_AGENT, agent, sizeof(agent));
	if (agent[0] == '\0') {
		snprintf(state->messages[LOGIN_FIELD_AGENT],
			 sizeof(state->messages[0]), "Agent ID is missing");
		fieldset_focus(&state->fields, LOGIN_FIELD_AGENT);
		return SCREEN_HANDLED;
	}
	fieldset_get(&state->fields, LOGIN_FIELD_PASSWORD, password,
		     sizeof(password));
	if (password[0] == '\0') {
		snprintf(state->messages[LOGIN_FIELD_PASSWORD],
			 sizeof(state->messages[0]), "Password is missing");
		return SCREEN_HANDLED;
	}

	result = security_login_start(ui->app, agent, password, message,
				      sizeof(message));
	explicit_bzero(password, sizeof(password));
	if (result != 0) {
		login_set_status(state, true, message);
		return SCREEN_HANDLED;
	}
	fieldset_wipe(&state->fields, LOGIN_FIELD_PASSWORD);
	state->busy = true;
	login_set_status(state, false, "Logging in...");
	return SCREEN_HANDLED;
}

static int login_on_action(struct screen *screen, struct ui *ui,
			   enum ui_action action)
{
	struct login_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	if (state->busy)
		return SCREEN_IGNORED;
	if (fieldset_edit(&state->fields, action)) {
		state->messages[current][0] = '\0';
		return SCREEN_HANDLED;
	}

	switch (action) {
	case UI_ACTION_CONFIRM:
		if (current == LOGIN_FIELD_PASSWORD)
			return login_submit(state, ui);
		fieldset_focus(&state->fields, LOGIN_FIELD_PASSWORD);
		return SCREEN_HANDLED;
	case UI_ACTION_NEXT:
	case UI_ACTION_PREV:
		fieldset_focus(&state->fields,
			       current == LOGIN_FIELD_AGENT
				       ? LOGIN_FIELD_PASSWORD
				       : LOGIN_FIELD_AGENT);
		return SCREEN_HANDLED;
	default:
		return SCREEN_IGNORED;
	}
}

static int login_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct login_state *state = screen->state;

	(void)ui;
	if (state->busy)
		return SCREEN_IGNORED;
	state->messages[fieldset_current(&state->fields)][0] = '\0';
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

static int login_on_event(struct screen *screen, struct ui *ui,
			  const struct event *event)
{
	struct login_state *state = screen->state;
	char text[sizeof(event->text) + 1];

	if (event->type != EVENT_LOGIN)
		return SCREEN_IGNORED;
	state->busy = false;

	if (event->status == 0) {
		if (security_login_finish(ui->app) == 0) {
			/* A holder name found in an earlier session is not
			 * reused. */
			memset(&ui->lookup, 0, sizeof(ui->lookup));
			app_refresh_counts(ui->app);
			print_queue_offer_held(ui->app->print);
			if (ui->app->session.offline)
				snprintf(ui->notice, sizeof(ui->notice),
					 "Offline login: the central service "
					 "is unreachable");
			return ui_switch(ui, SCREEN_HOME);
		}
		login_set_status(state, true,
				 "Login failed: the result was lost; log in "
				 "again");
		return SCREEN_HANDLED;
	}

	ui_event_text(event, text, sizeof(text));
	login_set_status(state, true,
			 text[0] != '\0' ? text : api_strerror(event->status));
	fieldset_wipe(&state->fields, LOGIN_FIELD_PASSWORD);
	fieldset_focus(&state->fields, LOGIN_FIELD_PASSWORD);
	return SCREEN_HANDLED;
}

struct screen screen_login = {
	.name = "login",
	.cursor = true,
	.help = UI_HELP_CONFIRM | UI_HELP_NEXT | UI_HELP_QUIT,
	.init = login_init,
	.enter = login_enter,
	.leave = login_leave,
	.layout = login_layout,
	.draw = login_draw,
	.on_action = login_on_action,
	.on_text = login_on_text,
	.on_event = login_on_event,
	.destroy = login_destroy,
	.state = &login,
};
