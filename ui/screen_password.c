/* The change password screen: old, new and repeated new password, checked
 * on the terminal against the password rules before the central service
 * checks them again. The result arrives as EVENT_LOGIN with id
 * SECURITY_EVENT_PASSWORD. */
#include <stdio.h>
#include <string.h>

#include "../app/security.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

enum password_field {
	PASSWORD_FIELD_OLD = 0,
	PASSWORD_FIELD_NEW = 1,
	PASSWORD_FIELD_REPEAT = 2,
	PASSWORD_FIELD_COUNT = 3,
};

/* The rules allow 64 characters. At 80 columns a field has room for 63
 * from its column, so the wide view scrolls for the last one. */
#define PASSWORD_WIDTH 64
#define PASSWORD_VIEW 63
#define PASSWORD_LABEL_COLUMN 2
#define PASSWORD_FIELD_COLUMN 16
#define PASSWORD_FIELD_ROW 3
#define PASSWORD_RULES_ROW 11
#define PASSWORD_STATUS_ROW 15

/* The compact layout: each label on its field's row, then the rules and
 * the status below. A status longer than PASSWORD_COMPACT_STATUS_ROWS
 * rows covers the rules, which it restates when it is about them. */
#define PASSWORD_COMPACT_LABEL_COLUMN 1
#define PASSWORD_COMPACT_FIELD_COLUMN 12
#define PASSWORD_COMPACT_VIEW 27
#define PASSWORD_COMPACT_FIELD_ROW 2
#define PASSWORD_COMPACT_RULES_ROW 5
#define PASSWORD_COMPACT_STATUS_ROWS 3

static const char password_rules[] =
	"10 to 64 characters, with a letter and a digit; not your agent "
	"ID, not the old password, and none of the 3 before it.";

static const struct fieldset_spec password_specs[PASSWORD_FIELD_COUNT] = {
	[PASSWORD_FIELD_OLD] = { .row = 0, .column = 0,
				 .width = PASSWORD_WIDTH, .secret = true,
				 .view = PASSWORD_VIEW },
	[PASSWORD_FIELD_NEW] = { .row = 3, .column = 0,
				 .width = PASSWORD_WIDTH, .secret = true,
				 .view = PASSWORD_VIEW },
	[PASSWORD_FIELD_REPEAT] = { .row = 5, .column = 0,
				    .width = PASSWORD_WIDTH, .secret = true,
				    .view = PASSWORD_VIEW },
};

static const struct fieldset_spec
	password_compact_specs[PASSWORD_FIELD_COUNT] = {
		[PASSWORD_FIELD_OLD] = { .row = 0, .column = 0,
					 .width = PASSWORD_WIDTH,
					 .secret = true,
					 .view = PASSWORD_COMPACT_VIEW },
		[PASSWORD_FIELD_NEW] = { .row = 1, .column = 0,
					 .width = PASSWORD_WIDTH,
					 .secret = true,
					 .view = PASSWORD_COMPACT_VIEW },
		[PASSWORD_FIELD_REPEAT] = { .row = 2, .column = 0,
					    .width = PASSWORD_WIDTH,
					    .secret = true,
					    .view = PASSWORD_COMPACT_VIEW },
	};

static const char *const password_labels[PASSWORD_FIELD_COUNT] = {
	[PASSWORD_FIELD_OLD] = "Old password",
	[PASSWORD_FIELD_NEW] = "New password",
	[PASSWORD_FIELD_REPEAT] = "Repeat new",
};

/* Shorter, for the 11 columns before a compact field. */
static const char *const password_compact_labels[PASSWORD_FIELD_COUNT] = {
	[PASSWORD_FIELD_OLD] = "Old",
	[PASSWORD_FIELD_NEW] = "New",
	[PASSWORD_FIELD_REPEAT] = "Repeat new",
};

struct password_state {
	struct fieldset fields;
	bool busy; /* a change request is running */
	char status[2 * UI_MESSAGE_SIZE];
	bool status_is_error;
};

static struct password_state password;

static void password_set_status(struct password_state *state, bool error,
				const char *text)
{
	state->status_is_error = error;
	snprintf(state->status, sizeof(state->status), "%s", text);
}

static void password_wipe(struct password_state *state)
{
	int i;

	for (i = 0; i < PASSWORD_FIELD_COUNT; i++)
		fieldset_wipe(&state->fields, i);
	fieldset_focus(&state->fields, PASSWORD_FIELD_OLD);
}

static int password_init(struct screen *screen, struct ui *ui)
{
	struct password_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, password_specs,
			     PASSWORD_FIELD_COUNT);
}

static void password_destroy(struct screen *screen)
{
	struct password_state *state = screen->state;

	password_wipe(state);
	fieldset_free(&state->fields);
}

static void password_enter(struct screen *screen, struct ui *ui,
			   enum screen_id from)
{
	struct password_state *state = screen->state;

	(void)ui;
	(void)from;
	state->busy = false;
	password_set_status(state, false, "");
	password_wipe(state);
}

/* The text stays: the lock screen calls leave too, and the agent comes
 * back to the same input. Enter, Esc and success wipe it. */
static void password_leave(struct screen *screen, struct ui *ui)
{
	struct password_state *state = screen->state;

	(void)ui;
	fieldset_unplace(&state->fields);
}

static void password_layout(struct screen *screen, struct ui *ui)
{
	struct password_state *state = screen->state;

	if (ui->too_small) {
		fieldset_unplace(&state->fields);
		return;
	}
	if (ui->compact) {
		fieldset_use(&state->fields, password_compact_specs);
		fieldset_place(&state->fields,
			       ui_row(ui, PASSWORD_COMPACT_FIELD_ROW),
			       ui_column(ui, PASSWORD_COMPACT_FIELD_COLUMN));
		return;
	}
	fieldset_use(&state->fields, password_specs);
	fieldset_place(&state->fields, ui_row(ui, PASSWORD_FIELD_ROW),
		       ui_column(ui, PASSWORD_FIELD_COLUMN));
}

static attr_t password_status_attr(const struct password_state *state)
{
	return state->status_is_error ? theme_attr(THEME_ERROR) : A_BOLD;
}

static void password_draw_wide(const struct password_state *state,
			       const struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	int x = ui_column(ui, 0);
	int width = UI_COLUMNS - PASSWORD_LABEL_COLUMN;
	int row;
	int i;

	draw_line(stdscr, ui_row(ui, 1), x, UI_COLUMNS,
		  theme_attr(THEME_TITLE), "  Change password");
	for (i = 0; i < PASSWORD_FIELD_COUNT; i++) {
		row = PASSWORD_FIELD_ROW + password_specs[i].row;
		draw_line(stdscr, ui_row(ui, row), x + PASSWORD_LABEL_COLUMN,
			  PASSWORD_FIELD_COLUMN - PASSWORD_LABEL_COLUMN,
			  i == current ? A_BOLD : A_NORMAL,
			  password_labels[i]);
	}
	draw_wrapped(stdscr, ui_row(ui, PASSWORD_RULES_ROW),
		     x + PASSWORD_LABEL_COLUMN, width, 2, A_DIM,
		     password_rules);

	/* A message from the central service may take two lines. */
	draw_wrapped(stdscr, ui_row(ui, PASSWORD_STATUS_ROW),
		     x + PASSWORD_LABEL_COLUMN, width, 2,
		     password_status_attr(state), state->status);
}

static void password_draw_compact(const struct password_state *state,
				  const struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	int x = ui_column(ui, PASSWORD_COMPACT_LABEL_COLUMN);
	int width = ui->columns - PASSWORD_COMPACT_LABEL_COLUMN - 1;
	int last = ui->rows - 1;
	int status_rows;
	int row;
	int i;

	draw_line(stdscr, ui_row(ui, 0), x, width, theme_attr(THEME_TITLE),
		  "Change password");
	for (i = 0; i < PASSWORD_FIELD_COUNT; i++) {
		row = PASSWORD_COMPACT_FIELD_ROW +
		      password_compact_specs[i].row;
		draw_line(stdscr, ui_row(ui, row), x,
			  PASSWORD_COMPACT_FIELD_COLUMN -
				  PASSWORD_COMPACT_LABEL_COLUMN,
			  i == current ? A_BOLD : A_NORMAL,
			  password_compact_labels[i]);
	}

	/* The status ends on the last content row, and the rules get the
	 * rows above it that are left. */
	status_rows = draw_wrapped_rows(state->status, width,
					last - PASSWORD_COMPACT_RULES_ROW + 1);
	if (status_rows < PASSWORD_COMPACT_STATUS_ROWS)
		status_rows = PASSWORD_COMPACT_STATUS_ROWS;
	row = last - status_rows + 1;
	draw_wrapped(stdscr, ui_row(ui, PASSWORD_COMPACT_RULES_ROW), x, width,
		     row - PASSWORD_COMPACT_RULES_ROW, A_DIM, password_rules);
	draw_wrapped(stdscr, ui_row(ui, row), x, width, status_rows,
		     password_status_attr(state), state->status);
}

static void password_draw(const struct screen *screen, const struct ui *ui)
{
	const struct password_state *state = screen->state;
	int i;

	if (ui->compact)
		password_draw_compact(state, ui);
	else
		password_draw_wide(state, ui);
	for (i = 0; i < PASSWORD_FIELD_COUNT; i++)
		fieldset_draw_mask(&state->fields, i);
	fieldset_show_cursor(&state->fields);
}

/* Check the fields on the terminal, then send the change. */
static int password_submit(struct password_state *state, struct ui *ui)
{
	char text[PASSWORD_FIELD_COUNT][4 * PASSWORD_WIDTH + 1];
	char message[2 * UI_MESSAGE_SIZE];
	int result;
	int i;

	for (i = 0; i < PASSWORD_FIELD_COUNT; i++)
		fieldset_get(&state->fields, i, text[i], sizeof(text[i]));
	result = security_password_check(ui->app->session.agent_id,
					 text[PASSWORD_FIELD_OLD],
					 text[PASSWORD_FIELD_NEW],
					 text[PASSWORD_FIELD_REPEAT], message,
					 sizeof(message));
	if (result == 0)
		result = security_change_password_start(
			ui->app, text[PASSWORD_FIELD_OLD],
			text[PASSWORD_FIELD_NEW], message, sizeof(message));
	explicit_bzero(text, sizeof(text));
	if (result != 0) {
		password_set_status(state, true, message);
		return SCREEN_HANDLED;
	}
	state->busy = true;
	password_set_status(state, false, "Changing the password...");
	return SCREEN_HANDLED;
}

static int password_on_action(struct screen *screen, struct ui *ui,
			      enum ui_action action)
{
	struct password_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	if (state->busy)
		return SCREEN_IGNORED;
	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;

	switch (action) {
	case UI_ACTION_CONFIRM:
		if (current == PASSWORD_FIELD_REPEAT)
			return password_submit(state, ui);
		fieldset_focus(&state->fields, current + 1);
		return SCREEN_HANDLED;
	case UI_ACTION_NEXT:
	case UI_ACTION_PREV:
		current += action == UI_ACTION_NEXT ? 1 : -1;
		current = (current + PASSWORD_FIELD_COUNT) %
			  PASSWORD_FIELD_COUNT;
		fieldset_focus(&state->fields, current);
		return SCREEN_HANDLED;
	case UI_ACTION_BACK:
		password_wipe(state);
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

static int password_on_text(struct screen *screen, struct ui *ui,
			    wchar_t ch)
{
	struct password_state *state = screen->state;

	(void)ui;
	if (state->busy)
		return SCREEN_IGNORED;
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

static int password_on_event(struct screen *screen, struct ui *ui,
			     const struct event *event)
{
	struct password_state *state = screen->state;
	char text[sizeof(event->text) + 1];

	if (event->type != EVENT_LOGIN ||
	    !ui_event_is_for(event, SECURITY_EVENT_PASSWORD) || !state->busy)
		return SCREEN_IGNORED;
	state->busy = false;
	ui_event_text(event, text, sizeof(text));
	if (event->status == 0) {
		password_wipe(state);
		snprintf(ui->notice, sizeof(ui->notice), "Password changed");
		return ui_switch(ui, SCREEN_HOME);
	}
	if (event->status == API_ESESSION) {
		/* The fields stay filled, so the change goes again once the
		 * agent has logged in again. */
		password_set_status(state, true,
				    "Session expired: the password was not "
				    "changed");
		ui_session_expired(ui);
		return SCREEN_HANDLED;
	}
	password_set_status(state, true,
			    text[0] != '\0' ? text
					    : api_strerror(event->status));
	if (event->status == API_EAUTH) {
		fieldset_wipe(&state->fields, PASSWORD_FIELD_OLD);
		fieldset_focus(&state->fields, PASSWORD_FIELD_OLD);
	}
	return SCREEN_HANDLED;
}

/* Send the change again after a new login, or leave the form as it is
 * with the expiry in the status. */
static int password_on_session(struct screen *screen, struct ui *ui,
			       bool renewed)
{
	struct password_state *state = screen->state;

	if (!renewed)
		return SCREEN_REDRAW;
	return password_submit(state, ui);
}

struct screen screen_password = {
	.name = "password",
	.cursor = true,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT | UI_HELP_QUIT,
	.init = password_init,
	.enter = password_enter,
	.leave = password_leave,
	.layout = password_layout,
	.draw = password_draw,
	.on_action = password_on_action,
	.on_text = password_on_text,
	.on_event = password_on_event,
	.on_session = password_on_session,
	.destroy = password_destroy,
	.state = &password,
};
