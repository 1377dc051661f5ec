/* The money services menu: a numbered menu (menuw) of cash-in, cash-out,
 * bank transfer, send money, balance and statement, agent float and end
 * of day. A digit picks an item at once. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "numbered_menu.h"
#include "screen.h"
#include "theme.h"

enum services_item {
	SERVICES_CASH_IN = 0,
	SERVICES_CASH_OUT,
	SERVICES_BANK_TRANSFER,
	SERVICES_SEND_MONEY,
	SERVICES_WALLET_INFO,
	SERVICES_FLOAT,
	SERVICES_REPORT,
	SERVICES_ITEM_COUNT,
};

#define SERVICES_MENU_ROW 3
#define SERVICES_MENU_COLUMN 4
#define SERVICES_MENU_WIDTH 30
#define SERVICES_NOTE_ROW 12
#define SERVICES_COMPACT_MENU_ROW 2
#define SERVICES_COMPACT_MENU_COLUMN 1
#define SERVICES_COMPACT_NOTE_ROW 10

/* The digit before each name also picks the item. */
static const char *const services_names[SERVICES_ITEM_COUNT] = {
	[SERVICES_CASH_IN] = "1 Cash-in",
	[SERVICES_CASH_OUT] = "2 Cash-out",
	[SERVICES_BANK_TRANSFER] = "3 Bank transfer",
	[SERVICES_SEND_MONEY] = "4 Send money",
	[SERVICES_WALLET_INFO] = "5 Balance and statement",
	[SERVICES_FLOAT] = "6 Agent float",
	[SERVICES_REPORT] = "7 End of day",
};

static struct numbered_menu services_menu;

static void services_destroy(struct screen *screen)
{
	numbered_menu_destroy(screen->state);
}

static int services_init(struct screen *screen, struct ui *ui)
{
	(void)ui;
	return numbered_menu_init(screen->state, services_names,
				  SERVICES_ITEM_COUNT);
}

static void services_enter(struct screen *screen, struct ui *ui,
			   enum screen_id from)
{
	(void)ui;
	/* From home the menu starts on its first item; back from a service
	 * it stays on the one the agent used. */
	if (from == SCREEN_HOME)
		numbered_menu_select(screen->state, SERVICES_CASH_IN);
}

static void services_leave(struct screen *screen, struct ui *ui)
{
	(void)ui;
	numbered_menu_unpost(screen->state);
}

static void services_layout(struct screen *screen, struct ui *ui)
{
	int row = ui->compact ? SERVICES_COMPACT_MENU_ROW : SERVICES_MENU_ROW;
	int column = ui->compact ? SERVICES_COMPACT_MENU_COLUMN
				 : SERVICES_MENU_COLUMN;

	numbered_menu_unpost(screen->state);
	screen->help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC;
	if (!ui->compact)
		screen->help |= UI_HELP_NEXT | UI_HELP_QUIT;
	if (ui->too_small)
		return;
	numbered_menu_post(screen->state, ui, row, column,
			   SERVICES_MENU_WIDTH);
}

static void services_draw(const struct screen *screen, const struct ui *ui)
{
	(void)screen;
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE),
		  ui->compact ? " Money services" : "  Money services");
	if (ui->compact)
		draw_line(stdscr, ui_row(ui, SERVICES_COMPACT_NOTE_ROW),
			  ui_column(ui, 1), ui->columns - 2, A_DIM,
			  "Fees show before you confirm");
	else
		draw_line(stdscr, ui_row(ui, SERVICES_NOTE_ROW),
			  ui_column(ui, SERVICES_MENU_COLUMN),
			  ui->columns - SERVICES_MENU_COLUMN, A_DIM,
			  "Each operation shows its fee and total before "
			  "you confirm it.");
}

/* Open the form of a money operation of `type` on a fresh operation. */
static int services_open_form(struct ui *ui, const char *type)
{
	memset(&ui->money, 0, sizeof(ui->money));
	snprintf(ui->money.type, sizeof(ui->money.type), "%s", type);
	return ui_switch(ui, SCREEN_MONEY);
}

static int services_activate(struct ui *ui, int item)
{
	switch (item) {
	case SERVICES_CASH_IN:
		return services_open_form(ui, API_TYPE_CASH_IN);
	case SERVICES_CASH_OUT:
		return services_open_form(ui, API_TYPE_CASH_OUT);
	case SERVICES_BANK_TRANSFER:
		return services_open_form(ui, API_TYPE_BANK_TRANSFER);
	case SERVICES_SEND_MONEY:
		return ui_switch(ui, SCREEN_SEND);
	case SERVICES_WALLET_INFO:
		return ui_switch(ui, SCREEN_WALLET_INFO);
	case SERVICES_FLOAT:
		return ui_switch(ui, SCREEN_FLOAT);
	case SERVICES_REPORT:
		return ui_switch(ui, SCREEN_REPORT);
	default:
		return SCREEN_IGNORED;
	}
}

static int services_on_action(struct screen *screen, struct ui *ui,
			      enum ui_action action)
{
	if (numbered_menu_move(screen->state, action))
		return SCREEN_HANDLED;
	switch (action) {
	case UI_ACTION_CONFIRM:
		return services_activate(ui,
					 numbered_menu_current(screen->state));
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

static int services_on_text(struct screen *screen, struct ui *ui,
			    wchar_t ch)
{
	int item = numbered_menu_pick(screen->state, ch);

	if (item < 0)
		return SCREEN_IGNORED;
	return services_activate(ui, item);
}

struct screen screen_services = {
	.name = "services",
	.cursor = false,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT | UI_HELP_SYNC |
		UI_HELP_QUIT,
	.help_keys_compact = "1-7:Pick",
	.init = services_init,
	.enter = services_enter,
	.leave = services_leave,
	.layout = services_layout,
	.draw = services_draw,
	.on_action = services_on_action,
	.on_text = services_on_text,
	.destroy = services_destroy,
	.state = &services_menu,
};
