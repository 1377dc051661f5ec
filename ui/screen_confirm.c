/* The confirmation screen: what will be sent, with the receiver's holder
 * name once the lookup returns. Enter journals the transfer, unless the
 * lookup returned that the receiver's wallet does not exist. */
#include <stdio.h>
#include <string.h>

#include "../app/currency.h"
#include "../app/wallet.h"
#include "draw.h"
#include "screen.h"
#include "theme.h"

#define CONFIRM_LABEL_COLUMN 4
#define CONFIRM_VALUE_COLUMN 16

struct confirm_state {
	char message[UI_MESSAGE_SIZE]; /* why the transfer was not journaled */
};

static struct confirm_state confirm;

#define CONFIRM_HELP \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC | UI_HELP_QUIT)

/* Return whether the lookup found that the receiver has no wallet. Only
 * then is Enter refused: any other failed lookup leaves the transfer to
 * be journaled and sent once the central service can be reached. */
static bool confirm_receiver_unknown(const struct ui *ui)
{
	return ui->lookup.state == LOOKUP_NOT_FOUND &&
	       strcmp(ui->lookup.account, ui->transfer.receiver) == 0;
}

/* Leave Enter off the help line while it is refused. */
static void confirm_set_help(struct screen *screen, const struct ui *ui)
{
	screen->help = confirm_receiver_unknown(ui)
			       ? CONFIRM_HELP & ~(unsigned)UI_HELP_CONFIRM
			       : CONFIRM_HELP;
}

static void confirm_enter(struct screen *screen, struct ui *ui,
			  enum screen_id from)
{
	struct confirm_state *state = screen->state;

	(void)from;
	state->message[0] = '\0';
	confirm_set_help(screen, ui);
}

static void confirm_draw_value(const struct ui *ui, int row,
			       const char *label, attr_t attr,
			       const char *value)
{
	int x = ui_column(ui, 0);

	draw_line(stdscr, ui_row(ui, row), x, CONFIRM_VALUE_COLUMN, A_NORMAL,
		  "");
	draw_text(stdscr, ui_row(ui, row), x + CONFIRM_LABEL_COLUMN,
		  CONFIRM_VALUE_COLUMN - CONFIRM_LABEL_COLUMN, A_NORMAL,
		  label);
	draw_line(stdscr, ui_row(ui, row), x + CONFIRM_VALUE_COLUMN,
		  UI_COLUMNS - CONFIRM_VALUE_COLUMN, attr, value);
}

static void confirm_draw_holder(const struct ui *ui, int row)
{
	const struct ui_lookup *lookup = &ui->lookup;
	char text[sizeof(lookup->text) + 32];
	attr_t attr = A_BOLD;

	switch (lookup->state) {
	case LOOKUP_FOUND:
		snprintf(text, sizeof(text), "%s", lookup->text);
		break;
	case LOOKUP_NOT_FOUND:
		snprintf(text, sizeof(text), "%s", lookup->text);
		attr = theme_attr(THEME_ERROR);
		break;
	case LOOKUP_FAILED:
		/* The transfer may still go: it is journaled and can be
		 * sent offline, so a failed lookup only warns. */
		snprintf(text, sizeof(text), "not checked: %s", lookup->text);
		attr = theme_attr(THEME_PENDING);
		break;
	default:
		snprintf(text, sizeof(text), "checking...");
		attr = A_NORMAL;
		break;
	}
	confirm_draw_value(ui, row, "", attr, text);
}

static void confirm_draw(const struct screen *screen, const struct ui *ui)
{
	const struct confirm_state *state = screen->state;
	const struct wallet_transfer *transfer = &ui->transfer;
	char amount[CURRENCY_TEXT_MAX];
	char text[CURRENCY_TEXT_MAX + 8];
	int row;

	draw_line(stdscr, ui_row(ui, 1), ui_column(ui, 0), UI_COLUMNS,
		  theme_attr(THEME_TITLE), "  Confirm wallet transfer");
	confirm_draw_value(ui, 3, "From", A_BOLD, transfer->sender);
	confirm_draw_value(ui, 5, "To", A_BOLD, transfer->receiver);
	confirm_draw_holder(ui, 6);

	if (currency_format(transfer->currency, transfer->amount, amount,
			    sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "?");
	snprintf(text, sizeof(text), "%s %s", transfer->currency, amount);
	confirm_draw_value(ui, 8, "Amount", A_BOLD, text);

	confirm_draw_value(ui, 11, "", A_BOLD,
			   confirm_receiver_unknown(ui)
				   ? "Esc Edit the receiver wallet"
				   : "Enter Confirm  Esc Edit");
	confirm_draw_value(ui, 13, "", theme_attr(THEME_ERROR),
			   state->message);
	for (row = 14; row < UI_CONTENT_ROWS; row++)
		draw_blank(stdscr, ui_row(ui, row), ui_column(ui, 0),
			   UI_COLUMNS);
}

static int confirm_submit(struct confirm_state *state, struct ui *ui)
{
	char id[JOURNAL_ID_SIZE];

	if (wallet_transfer_submit(ui->app, &ui->transfer, id, state->message,
				   sizeof(state->message)) != 0)
		return SCREEN_HANDLED;
	snprintf(ui->operation_id, sizeof(ui->operation_id), "%s", id);
	return ui_switch(ui, SCREEN_RESULT);
}

static int confirm_on_action(struct screen *screen, struct ui *ui,
			     enum ui_action action)
{
	struct confirm_state *state = screen->state;

	switch (action) {
	case UI_ACTION_CONFIRM:
		if (confirm_receiver_unknown(ui)) {
			snprintf(state->message, sizeof(state->message),
				 "Not sent: press Esc and correct the "
				 "receiver wallet");
			return SCREEN_HANDLED;
		}
		return confirm_submit(state, ui);
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_TRANSFER);
	default:
		return SCREEN_IGNORED;
	}
}

static int confirm_on_event(struct screen *screen, struct ui *ui,
			    const struct event *event)
{
	if (event->type != EVENT_LOOKUP)
		return SCREEN_IGNORED;

	/* The UI loop has stored the lookup's result in ui->lookup. */
	confirm_set_help(screen, ui);
	return SCREEN_REDRAW;
}

struct screen screen_confirm = {
	.name = "confirm",
	.cursor = false,
	.help = CONFIRM_HELP,
	.back_word = "Edit",
	.enter = confirm_enter,
	.draw = confirm_draw,
	.on_action = confirm_on_action,
	.on_event = confirm_on_event,
	.state = &confirm,
};
