/* The home screen: a numbered menu (menuw) of the agent's tasks and the
 * state of the queue. */
#include <menu.h>
#include <stdio.h>
#include <string.h>

#include "../app/security.h"
#include "draw.h"
#include "screen.h"
#include "theme.h"

enum home_item {
	HOME_TRANSFER = 0,
	HOME_SYNC,
	HOME_LOGOUT,
	HOME_ITEM_COUNT,
};

#define HOME_MENU_ROW 3
#define HOME_MENU_COLUMN 4
#define HOME_MENU_WIDTH 30
#define HOME_QUEUE_ROW 8

/* The digit before each name also picks the item. */
static const char *const home_names[HOME_ITEM_COUNT] = {
	[HOME_TRANSFER] = "1 Wallet transfer",
	[HOME_SYNC] = "2 Sync now",
	[HOME_LOGOUT] = "3 Log out",
};

struct home_state {
	ITEM *items[HOME_ITEM_COUNT + 1]; /* NULL-terminated for new_menu */
	MENU *menu;
	WINDOW *sub;
	bool posted;
};

static struct home_state home;

static void home_unplace(struct home_state *state)
{
	if (state->posted) {
		unpost_menu(state->menu);
		state->posted = false;
	}
	if (state->sub != NULL) {
		set_menu_sub(state->menu, NULL);
		delwin(state->sub);
		state->sub = NULL;
	}
}

static void home_destroy(struct screen *screen)
{
	struct home_state *state = screen->state;
	int i;

	if (state->menu != NULL) {
		home_unplace(state);
		free_menu(state->menu);
	}
	for (i = 0; i < HOME_ITEM_COUNT; i++) {
		if (state->items[i] != NULL)
			free_item(state->items[i]);
	}
	memset(state, 0, sizeof(*state));
}

static int home_init(struct screen *screen, struct ui *ui)
{
	struct home_state *state = screen->state;
	int i;

	(void)ui;
	memset(state, 0, sizeof(*state));
	for (i = 0; i < HOME_ITEM_COUNT; i++) {
		state->items[i] = new_item(home_names[i], "");
		if (state->items[i] == NULL)
			goto fail;
	}
	state->menu = new_menu(state->items);
	if (state->menu == NULL)
		goto fail;
	set_menu_format(state->menu, HOME_ITEM_COUNT, 1);
	menu_opts_off(state->menu, O_SHOWDESC | O_NONCYCLIC);
	set_menu_mark(state->menu, "> ");
	set_menu_fore(state->menu, A_REVERSE | A_BOLD);
	return 0;

fail:
	home_destroy(screen);
	return -1;
}

static void home_enter(struct screen *screen, struct ui *ui,
		       enum screen_id from)
{
	(void)screen;
	(void)from;
	app_refresh_counts(ui->app);
}

static void home_leave(struct screen *screen, struct ui *ui)
{
	(void)ui;
	home_unplace(screen->state);
}

static void home_layout(struct screen *screen, struct ui *ui)
{
	struct home_state *state = screen->state;

	home_unplace(state);
	if (ui->too_small)
		return;
	state->sub = derwin(stdscr, HOME_ITEM_COUNT, HOME_MENU_WIDTH,
			    ui_row(ui, HOME_MENU_ROW),
			    ui_column(ui, HOME_MENU_COLUMN));
	if (state->sub == NULL)
		return;
	set_menu_win(state->menu, stdscr);
	set_menu_sub(state->menu, state->sub);
	state->posted = post_menu(state->menu) == E_OK;
}

static void home_draw_queue(const struct ui *ui)
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
	draw_line(stdscr, ui_row(ui, HOME_QUEUE_ROW + 3), x, width,
		  waiting == 0 ? A_NORMAL : theme_attr(THEME_PENDING), line);

	line[0] = '\0';
	if (counts[OP_NEEDS_ATTENTION] > 0)
		snprintf(line, sizeof(line),
			 "%lld operation%s need%s attention: call support",
			 (long long)counts[OP_NEEDS_ATTENTION],
			 counts[OP_NEEDS_ATTENTION] == 1 ? "" : "s",
			 counts[OP_NEEDS_ATTENTION] == 1 ? "s" : "");
	draw_line(stdscr, ui_row(ui, HOME_QUEUE_ROW + 4), x, width,
		  theme_attr(THEME_ERROR), line);
}

static void home_draw(const struct screen *screen, const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	char title[UI_COLUMNS * 2];

	(void)screen;
	snprintf(title, sizeof(title), "  Home - %s",
		 session->agent_name[0] != '\0' ? session->agent_name
						: session->agent_id);
	draw_line(stdscr, ui_row(ui, 1), ui_column(ui, 0), UI_COLUMNS,
		  theme_attr(THEME_TITLE), title);
	home_draw_queue(ui);
}

static int home_activate(struct ui *ui, int item)
{
	switch (item) {
	case HOME_TRANSFER:
		return ui_switch(ui, SCREEN_TRANSFER);
	case HOME_SYNC:
		ui_sync_now(ui);
		return SCREEN_HANDLED;
	case HOME_LOGOUT:
		security_logout(ui->app);
		return ui_switch(ui, SCREEN_LOGIN);
	default:
		return SCREEN_IGNORED;
	}
}

static int home_on_action(struct screen *screen, struct ui *ui,
			  enum ui_action action)
{
	struct home_state *state = screen->state;

	switch (action) {
	case UI_ACTION_NEXT:
		menu_driver(state->menu, REQ_DOWN_ITEM);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		menu_driver(state->menu, REQ_UP_ITEM);
		return SCREEN_HANDLED;
	case UI_ACTION_CONFIRM:
		return home_activate(ui,
				     item_index(current_item(state->menu)));
	default:
		return SCREEN_IGNORED;
	}
}

static int home_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct home_state *state = screen->state;
	int item = (int)(ch - L'1');

	if (item < 0 || item >= HOME_ITEM_COUNT)
		return SCREEN_IGNORED;
	set_current_item(state->menu, state->items[item]);
	return home_activate(ui, item);
}

struct screen screen_home = {
	.name = "home",
	.cursor = false,
	.help = UI_HELP_CONFIRM | UI_HELP_NEXT | UI_HELP_SYNC | UI_HELP_QUIT,
	.init = home_init,
	.enter = home_enter,
	.leave = home_leave,
	.layout = home_layout,
	.draw = home_draw,
	.on_action = home_on_action,
	.on_text = home_on_text,
	.destroy = home_destroy,
	.state = &home,
};
