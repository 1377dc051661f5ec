/* The home screen: a numbered menu (menuw) of the agent's tasks, the
 * state of the queue, and rejections the agent has not acknowledged. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/log.h"
#include "../app/security.h"
#include "draw.h"
#include "numbered_menu.h"
#include "screen.h"
#include "theme.h"

enum home_item {
	HOME_TRANSFER = 0,
	HOME_QUEUE,
	HOME_SYNC,
	HOME_LOGOUT,
	HOME_PASSWORD,
	HOME_CUSTOMER,
	HOME_FIND,
	HOME_SERVICES,
	HOME_ITEM_COUNT,
};

#define HOME_MENU_ROW 3
#define HOME_MENU_COLUMN 4
#define HOME_MENU_WIDTH 30
#define HOME_QUEUE_ROW 11
#define HOME_REJECTED_ROW 15
#define HOME_REJECTED_ROWS 5

/* The compact layout: the menu right under the title, one row of
 * counts, then two rows for what needs the agent. */
#define HOME_COMPACT_MENU_ROW 1
#define HOME_COMPACT_MENU_COLUMN 1
#define HOME_COMPACT_COUNTS_ROW 9
#define HOME_COMPACT_ALERT_ROW 10

/* Most unacknowledged rejections read for the block; with this many the
 * block shows "At least". */
#define HOME_UNACKNOWLEDGED_MAX 32

/* The digit before each name also picks the item. */
static const char *const home_names[HOME_ITEM_COUNT] = {
	[HOME_TRANSFER] = "1 Wallet transfer",
	[HOME_QUEUE] = "2 Queue",
	[HOME_SYNC] = "3 Sync now",
	[HOME_LOGOUT] = "4 Log out",
	[HOME_PASSWORD] = "5 Change password",
	[HOME_CUSTOMER] = "6 Register customer",
	[HOME_FIND] = "7 Find customer",
	[HOME_SERVICES] = "8 Money services",
};

struct home_state {
	struct numbered_menu menu;

	/* Rejected after sending and not acknowledged, from the journal. */
	bool stale;         /* reload before the next draw */
	int unacknowledged; /* at most HOME_UNACKNOWLEDGED_MAX */
	char reason[JOURNAL_ERROR_SIZE]; /* of the latest rejection */
	char error[UI_MESSAGE_SIZE];     /* why the journal was not read */
};

static struct home_state home;

static void home_destroy(struct screen *screen)
{
	struct home_state *state = screen->state;

	numbered_menu_destroy(&state->menu);
	memset(state, 0, sizeof(*state));
}

static int home_init(struct screen *screen, struct ui *ui)
{
	struct home_state *state = screen->state;

	(void)ui;
	memset(state, 0, sizeof(*state));
	return numbered_menu_init(&state->menu, home_names, HOME_ITEM_COUNT);
}

/* Read the unacknowledged rejections: how many, and the reason of the
 * one rejected last. */
static void home_load(struct home_state *state, struct ui *ui)
{
	struct operation *ops;
	int latest = 0;
	int n;
	int i;

	state->stale = false;
	state->unacknowledged = 0;
	state->reason[0] = '\0';
	state->error[0] = '\0';
	ops = calloc(HOME_UNACKNOWLEDGED_MAX, sizeof(*ops));
	if (ops == NULL) {
		snprintf(state->error, sizeof(state->error),
			 "Cannot check for rejected operations: no memory");
		return;
	}
	n = journal_list_unacknowledged(ui->app->journal, ops,
					HOME_UNACKNOWLEDGED_MAX);
	if (n < 0) {
		log_error("cannot list rejected operations: %s",
			  journal_strerror(n));
		snprintf(state->error, sizeof(state->error),
			 "Cannot check for rejected operations: %s",
			 journal_strerror(n));
		n = 0;
	}
	for (i = 1; i < n; i++) {
		if (ops[i].updated_at >= ops[latest].updated_at)
			latest = i;
	}
	state->unacknowledged = n;
	if (n > 0)
		snprintf(state->reason, sizeof(state->reason), "%s",
			 ops[latest].last_error);
	free(ops);
}

static void home_enter(struct screen *screen, struct ui *ui,
		       enum screen_id from)
{
	struct home_state *state = screen->state;

	/* The menu keeps its item between visits, but after a login it
	 * starts on item 1, so Enter does not pick "4 Log out" again. */
	if (from == SCREEN_LOGIN)
		numbered_menu_select(&state->menu, HOME_TRANSFER);
	app_refresh_counts(ui->app);
	home_load(state, ui);
}

static void home_reload(struct screen *screen, struct ui *ui)
{
	struct home_state *state = screen->state;

	if (state->stale)
		home_load(state, ui);
}

static int home_on_event(struct screen *screen, struct ui *ui,
			 const struct event *event)
{
	struct home_state *state = screen->state;

	(void)ui;
	if (event->type != EVENT_QUEUE && event->type != EVENT_OPERATION)
		return SCREEN_IGNORED;
	state->stale = true;
	return SCREEN_REDRAW;
}

static void home_leave(struct screen *screen, struct ui *ui)
{
	struct home_state *state = screen->state;

	(void)ui;
	numbered_menu_unpost(&state->menu);
}

/* The compact help line has no room for Tab, and the digits are the
 * quicker way on a keypad anyway. */
static void home_set_help(struct screen *screen, bool compact)
{
	screen->help = UI_HELP_CONFIRM | UI_HELP_SYNC | UI_HELP_QUIT;
	if (!compact)
		screen->help |= UI_HELP_NEXT;
}

static void home_layout(struct screen *screen, struct ui *ui)
{
	struct home_state *state = screen->state;
	int row = ui->compact ? HOME_COMPACT_MENU_ROW : HOME_MENU_ROW;
	int column = ui->compact ? HOME_COMPACT_MENU_COLUMN : HOME_MENU_COLUMN;

	numbered_menu_unpost(&state->menu);
	home_set_help(screen, ui->compact);
	if (ui->too_small)
		return;
	numbered_menu_post(&state->menu, ui, row, column, HOME_MENU_WIDTH);
}

static void home_draw_queue(const struct home_state *state,
			    const struct ui *ui)
{
	const int64_t *counts = ui->app->status.counts;
	long long waiting = (long long)(counts[OP_QUEUED] +
					counts[OP_IN_FLIGHT]);
	int x = ui_column(ui, 2);
	int width = UI_COLUMNS - 2;
	char line[UI_COLUMNS * 2];

	draw_line(stdscr, ui_row(ui, HOME_QUEUE_ROW), x, width,
		  theme_attr(THEME_TITLE), "Queue");
	snprintf(line, sizeof(line),
		 "Queued %lld   In flight %lld   Accepted %lld   "
		 "Rejected %lld   Needs attention %lld",
		 (long long)counts[OP_QUEUED], (long long)counts[OP_IN_FLIGHT],
		 (long long)counts[OP_ACCEPTED],
		 (long long)counts[OP_REJECTED],
		 (long long)counts[OP_NEEDS_ATTENTION]);
	draw_line(stdscr, ui_row(ui, HOME_QUEUE_ROW + 1), x, width, A_NORMAL,
		  line);

	if (waiting == 0)
		snprintf(line, sizeof(line),
			 "No operations waiting to be sent");
	else
		snprintf(line, sizeof(line),
			 "%lld operation%s waiting to be sent%s", waiting,
			 waiting == 1 ? "" : "s",
			 ui->app->status.online ? ""
						: " (offline: sent when the "
						  "link is back)");
	draw_line(stdscr, ui_row(ui, HOME_QUEUE_ROW + 2), x, width,
		  waiting == 0 ? A_NORMAL : theme_attr(THEME_PENDING), line);

	/* With rejections to review, 2 opens the queue on those, and the
	 * agent picks the Needs attention filter there. */
	line[0] = '\0';
	if (counts[OP_NEEDS_ATTENTION] > 0)
		snprintf(line, sizeof(line),
			 "%lld operation%s NEED%s ATTENTION: %s",
			 (long long)counts[OP_NEEDS_ATTENTION],
			 counts[OP_NEEDS_ATTENTION] == 1 ? "" : "s",
			 counts[OP_NEEDS_ATTENTION] == 1 ? "S" : "",
			 state->unacknowledged > 0 ? "press 2, then 2"
						   : "press 2 to review");
	draw_line(stdscr, ui_row(ui, HOME_QUEUE_ROW + 3), x, width,
		  theme_attr(THEME_ERROR), line);
}

/* The block for rejections after sending, in words and in colour. */
static void home_draw_rejected(const struct home_state *state,
			       const struct ui *ui)
{
	attr_t attr = theme_attr(THEME_ERROR) | A_REVERSE;
	int x = ui_column(ui, 2);
	int width = UI_COLUMNS - 4;
	int top = ui_row(ui, HOME_REJECTED_ROW);
	char line[JOURNAL_ERROR_SIZE + 32];
	int i;

	for (i = 0; i < HOME_REJECTED_ROWS; i++)
		draw_blank(stdscr, top + i, x, width);
	if (state->error[0] != '\0') {
		draw_text(stdscr, top, x, width, theme_attr(THEME_ERROR),
			  state->error);
		return;
	}
	if (state->unacknowledged == 0)
		return;

	for (i = 0; i < HOME_REJECTED_ROWS; i++)
		mvwhline(stdscr, top + i, x, ' ' | attr, width);
	snprintf(line, sizeof(line),
		 "!! %s%d operation%s REJECTED by Spotbanc after sending",
		 state->unacknowledged >= HOME_UNACKNOWLEDGED_MAX ? "At least "
								  : "",
		 state->unacknowledged,
		 state->unacknowledged == 1 ? "" : "s");
	draw_text(stdscr, top + 1, x + 2, width - 4, attr | A_BOLD, line);
	snprintf(line, sizeof(line), "   Latest reason: %s",
		 state->reason[0] != '\0' ? state->reason : "none given");
	draw_text(stdscr, top + 2, x + 2, width - 4, attr, line);
	draw_text(stdscr, top + 3, x + 2, width - 4, attr | A_BOLD,
		  "   Press 2 to review");
}

/* The row of counts of the compact layout. Accepted operations are left
 * out for room: the queue screen lists them. */
static void home_draw_compact_counts(const struct ui *ui)
{
	const int64_t *counts = ui->app->status.counts;
	long long attention = (long long)counts[OP_NEEDS_ATTENTION];
	int x = ui_column(ui, 1);
	int width = ui->columns - 2;
	int top = ui_row(ui, HOME_COMPACT_COUNTS_ROW);
	char line[UI_COLUMNS * 2];
	int used;

	if (attention == 0) {
		snprintf(line, sizeof(line),
			 "Queued %lld  In flight %lld  Rejected %lld",
			 (long long)counts[OP_QUEUED],
			 (long long)counts[OP_IN_FLIGHT],
			 (long long)counts[OP_REJECTED]);
		draw_line(stdscr, top, x, width, A_NORMAL, line);
		return;
	}

	/* Operations that need attention are sent only after the agent
	 * acts, and a rejection may take the alert rows below, so their count
	 * comes first. It replaces the queued and in-flight counts, whose sum
	 * the status bar shows. */
	snprintf(line, sizeof(line), "Needs attention %lld", attention);
	draw_line(stdscr, top, x, width, theme_attr(THEME_ERROR) | A_BOLD,
		  line);
	used = draw_text_width(line);
	snprintf(line, sizeof(line), "  Rejected %lld",
		 (long long)counts[OP_REJECTED]);
	if (used < width)
		draw_text(stdscr, top, x + used, width - used, A_NORMAL, line);
}

/* The two alert rows of the compact layout, for the most urgent of:
 * rejections after sending, operations that need attention, operations
 * waiting to be sent. Returns the rows' attributes. */
static attr_t home_compact_alert(const struct home_state *state,
				 const struct ui *ui, char *first,
				 char *second, size_t size)
{
	/* Both buffers have `size` bytes, enough for any reason. */
	const int64_t *counts = ui->app->status.counts;
	long long attention = (long long)counts[OP_NEEDS_ATTENTION];
	long long waiting = (long long)(counts[OP_QUEUED] +
					counts[OP_IN_FLIGHT]);

	if (state->error[0] != '\0') {
		snprintf(first, size, "Cannot check for rejections");
		snprintf(second, size, "%s", state->error);
		return theme_attr(THEME_ERROR);
	}
	if (state->unacknowledged > 0) {
		snprintf(first, size, "!! %s%d REJECTED after sending",
			 state->unacknowledged >= HOME_UNACKNOWLEDGED_MAX
				 ? "At least "
				 : "",
			 state->unacknowledged);
		snprintf(second, size, "Press 2. Reason: %s",
			 state->reason[0] != '\0' ? state->reason
						  : "none given");
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
	if (attention > 0) {
		snprintf(first, size, "%lld operation%s NEED%s ATTENTION",
			 attention, attention == 1 ? "" : "s",
			 attention == 1 ? "S" : "");
		snprintf(second, size, "Press 2 to review");
		return theme_attr(THEME_ERROR);
	}
	if (waiting == 0) {
		snprintf(first, size, "Nothing waiting to be sent");
		return A_NORMAL;
	}
	snprintf(first, size, "%lld waiting to be sent", waiting);
	if (!ui->app->status.online)
		snprintf(second, size, "Offline: sent when the link is back");
	return theme_attr(THEME_PENDING);
}

static void home_draw_compact_alert(const struct home_state *state,
				    const struct ui *ui)
{
	int x = ui_column(ui, 1);
	int width = ui->columns - 2;
	int top = ui_row(ui, HOME_COMPACT_ALERT_ROW);
	char first[JOURNAL_ERROR_SIZE + 32] = "";
	char second[JOURNAL_ERROR_SIZE + 32] = "";
	attr_t attr;

	attr = home_compact_alert(state, ui, first, second, sizeof(first));
	draw_line(stdscr, top, x, width, attr | A_BOLD, first);
	draw_line(stdscr, top + 1, x, width, attr, second);
}

static void home_draw(const struct screen *screen, const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	const char *agent = session->agent_name[0] != '\0'
				    ? session->agent_name
				    : session->agent_id;
	char title[API_NAME_SIZE + 16];

	if (ui->compact) {
		snprintf(title, sizeof(title), " Home - %s", agent);
		draw_line(stdscr, ui_row(ui, 0), ui_column(ui, 0),
			  ui->columns, theme_attr(THEME_TITLE), title);
		home_draw_compact_counts(ui);
		home_draw_compact_alert(screen->state, ui);
		return;
	}
	snprintf(title, sizeof(title), "  Home - %s", agent);
	draw_line(stdscr, ui_row(ui, 1), ui_column(ui, 0), UI_COLUMNS,
		  theme_attr(THEME_TITLE), title);
	home_draw_queue(screen->state, ui);
	home_draw_rejected(screen->state, ui);
}

/* Open the queue on what needs the agent most. */
static int home_open_queue(const struct home_state *state, struct ui *ui)
{
	ui->queue_filter = QUEUE_FILTER_WAITING;
	if (ui->app->status.counts[OP_NEEDS_ATTENTION] > 0)
		ui->queue_filter = QUEUE_FILTER_ATTENTION;
	if (state->unacknowledged > 0)
		ui->queue_filter = QUEUE_FILTER_REJECTED;
	return ui_switch(ui, SCREEN_QUEUE);
}

static int home_activate(const struct home_state *state, struct ui *ui,
			 int item)
{
	switch (item) {
	case HOME_TRANSFER:
		return ui_switch(ui, SCREEN_TRANSFER);
	case HOME_QUEUE:
		return home_open_queue(state, ui);
	case HOME_SYNC:
		ui_sync_now(ui);
		return SCREEN_HANDLED;
	case HOME_LOGOUT:
		security_logout(ui->app);
		return ui_switch(ui, SCREEN_LOGIN);
	case HOME_PASSWORD:
		return ui_switch(ui, SCREEN_PASSWORD);
	case HOME_CUSTOMER:
		return ui_switch(ui, SCREEN_CUSTOMER);
	case HOME_FIND:
		return ui_switch(ui, SCREEN_FIND);
	case HOME_SERVICES:
		return ui_switch(ui, SCREEN_SERVICES);
	default:
		return SCREEN_IGNORED;
	}
}

static int home_on_action(struct screen *screen, struct ui *ui,
			  enum ui_action action)
{
	struct home_state *state = screen->state;

	if (numbered_menu_move(&state->menu, action))
		return SCREEN_HANDLED;
	if (action == UI_ACTION_CONFIRM)
		return home_activate(state, ui,
				     numbered_menu_current(&state->menu));
	return SCREEN_IGNORED;
}

static int home_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct home_state *state = screen->state;
	int item = numbered_menu_pick(&state->menu, ch);

	if (item < 0)
		return SCREEN_IGNORED;
	return home_activate(state, ui, item);
}

struct screen screen_home = {
	.name = "home",
	.cursor = false,
	.help = UI_HELP_CONFIRM | UI_HELP_NEXT | UI_HELP_SYNC | UI_HELP_QUIT,
	.help_keys_compact = "1-8:Pick",
	.init = home_init,
	.enter = home_enter,
	.leave = home_leave,
	.layout = home_layout,
	.reload = home_reload,
	.draw = home_draw,
	.on_action = home_on_action,
	.on_text = home_on_text,
	.on_event = home_on_event,
	.destroy = home_destroy,
	.state = &home,
};
