/* The confirmation screen: what will be sent, with the receiver's holder
 * name once the lookup returns, or the name of a receiver whose
 * registration is pending, and the fee and total from the cached fee
 * schedule. Enter journals the transfer, unless the lookup returned that
 * the receiver's wallet does not exist. */
#include <stdio.h>
#include <string.h>

#include "../app/currency.h"
#include "../app/money.h"
#include "../app/wallet.h"
#include "amount_rows.h"
#include "draw.h"
#include "screen.h"
#include "theme.h"

#define CONFIRM_LABEL_COLUMN 4
#define CONFIRM_VALUE_COLUMN 16

/* The compact layout: labels from column 0, values from column 8. */
#define CONFIRM_COMPACT_VALUE_COLUMN 8

/* The amount, fee and total end in this column (the compact layout's
 * last), as on the money operations' confirmation. */
#define CONFIRM_AMOUNT_END 52

/* Content rows of each line in the two layouts. */
struct confirm_rows {
	int title;
	int from;
	int to;
	int holder;
	int amount; /* then the fee and the total under it */
	int keys;
	int message; /* two rows when compact */
};

static const struct confirm_rows confirm_wide_rows = {
	.title = 1, .from = 3, .to = 5, .holder = 6, .amount = 8, .keys = 12,
	.message = 14,
};

static const struct confirm_rows confirm_compact_rows = {
	.title = 0, .from = 2, .to = 3, .holder = 4, .amount = 5, .keys = 9,
	.message = 10,
};

struct confirm_state {
	char message[UI_MESSAGE_SIZE]; /* why the transfer was not journaled */
	struct money_summary summary;  /* amount, fee and total */
	bool fee_ready;
	char fee_message[UI_MESSAGE_SIZE]; /* why the fee is not known */
};

static struct confirm_state confirm;

#define CONFIRM_HELP \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC | UI_HELP_QUIT)

/* Return whether the lookup found that the receiver has no wallet. Only
 * then is Enter refused: any other failed lookup leaves the transfer to
 * be journaled and sent once the central service can be reached. */
static bool confirm_receiver_unknown(const struct ui *ui)
{
	if (ui->transfer.receiver_customer_id[0] != '\0')
		return false;
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

/* Work out the fee from the cached schedule, and keep it in
 * ui->transfer so that the transfer carries the fee shown. Without a
 * schedule the transfer may still go without one: the central service
 * then applies its own fee. */
static void confirm_prepare_fee(struct confirm_state *state, struct ui *ui)
{
	struct money_operation op;

	memset(&op, 0, sizeof(op));
	snprintf(op.type, sizeof(op.type), "%s", API_TYPE_WALLET_TRANSFER);
	op.u.wallet = ui->transfer;
	state->fee_message[0] = '\0';
	state->fee_ready = money_prepare(ui->app->journal, &op,
					 state->fee_message,
					 sizeof(state->fee_message)) == 0 &&
			   money_summarise(&op, &state->summary) == 0;
	if (state->fee_ready)
		ui->transfer = op.u.wallet;
	else if (state->fee_message[0] == '\0')
		snprintf(state->fee_message, sizeof(state->fee_message),
			 "cannot be worked out");
}

static void confirm_enter(struct screen *screen, struct ui *ui,
			  enum screen_id from)
{
	struct confirm_state *state = screen->state;

	(void)from;
	state->message[0] = '\0';
	confirm_set_help(screen, ui);
	confirm_prepare_fee(state, ui);

	/* A line break pasted into the form after the one that opened this
	 * screen must not confirm what the agent has not seen yet. */
	ui_flush_typeahead(ui);
}

static void confirm_draw_value(const struct ui *ui, int row,
			       const char *label, attr_t attr,
			       const char *value)
{
	int x = ui_column(ui, 0);
	int label_column = ui->compact ? 0 : CONFIRM_LABEL_COLUMN;
	int value_column = ui->compact ? CONFIRM_COMPACT_VALUE_COLUMN
				       : CONFIRM_VALUE_COLUMN;

	draw_line(stdscr, ui_row(ui, row), x, value_column, A_NORMAL, "");
	draw_text(stdscr, ui_row(ui, row), x + label_column,
		  value_column - label_column, A_NORMAL, label);
	draw_line(stdscr, ui_row(ui, row), x + value_column,
		  ui->columns - value_column, attr, value);
}

static void confirm_draw_holder(const struct ui *ui, int row)
{
	const struct ui_lookup *lookup = &ui->lookup;
	char text[sizeof(lookup->text) + 32];
	attr_t attr = A_BOLD;

	/* A receiver named by customer id has no wallet to look up. */
	if (ui->transfer.receiver_customer_id[0] != '\0') {
		confirm_draw_value(ui, row, "", theme_attr(THEME_PENDING),
				   "registration pending");
		return;
	}
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

/* The amount, the fee and the total, or the amount and why the fee is
 * not known. */
static void confirm_draw_amounts(const struct confirm_state *state,
				 const struct ui *ui, int row)
{
	const struct wallet_transfer *transfer = &ui->transfer;
	int label_column = ui->compact ? 0 : CONFIRM_LABEL_COLUMN;
	int end = ui->compact ? ui->columns : CONFIRM_AMOUNT_END;
	char amount[CURRENCY_TEXT_MAX];
	char text[CURRENCY_TEXT_MAX + 8];
	char fee[UI_MESSAGE_SIZE + 16];

	if (state->fee_ready) {
		amount_rows_draw(ui, row, label_column, end, &state->summary);
		return;
	}
	if (currency_format(transfer->currency, transfer->amount, amount,
			    sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "?");
	snprintf(text, sizeof(text), "%s %s", transfer->currency, amount);
	amount_rows_draw_one(ui, row, label_column, end, "Amount", text,
			     A_BOLD);
	snprintf(fee, sizeof(fee), "Fee not known: %s", state->fee_message);
	draw_line(stdscr, ui_row(ui, row + 1), ui_column(ui, label_column),
		  ui->columns - label_column, theme_attr(THEME_PENDING), fee);
}

/* Draw the message on one row, or in the compact layout on two: broken
 * at the last space that fits, else cut. */
static void confirm_draw_message(const struct ui *ui, int row,
				 const char *message)
{
	attr_t attr = theme_attr(THEME_ERROR);
	int x = ui_column(ui, ui->compact ? 0 : CONFIRM_LABEL_COLUMN);
	int width = ui->columns - (ui->compact ? 0 : CONFIRM_LABEL_COLUMN);
	char first[UI_MESSAGE_SIZE];
	size_t cut = draw_fit(message, width);

	if (!ui->compact || message[cut] == '\0') {
		draw_line(stdscr, ui_row(ui, row), x, width, attr, message);
		if (ui->compact)
			draw_blank(stdscr, ui_row(ui, row + 1), x, width);
		return;
	}
	while (cut > 0 && message[cut] != ' ')
		cut--;
	if (cut == 0)
		cut = draw_fit(message, width);
	snprintf(first, sizeof(first), "%.*s", (int)cut, message);
	message += cut;
	while (*message == ' ')
		message++;
	draw_line(stdscr, ui_row(ui, row), x, width, attr, first);
	draw_line(stdscr, ui_row(ui, row + 1), x, width, attr, message);
}

static void confirm_draw(const struct screen *screen, const struct ui *ui)
{
	const struct confirm_state *state = screen->state;
	const struct wallet_transfer *transfer = &ui->transfer;
	const struct confirm_rows *rows =
		ui->compact ? &confirm_compact_rows : &confirm_wide_rows;
	const char *receiver = transfer->receiver;
	int row;

	for (row = 0; row < ui->rows; row++)
		draw_blank(stdscr, ui_row(ui, row), ui_column(ui, 0),
			   ui->columns);
	draw_line(stdscr, ui_row(ui, rows->title), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE),
		  ui->compact ? "Confirm wallet transfer"
			      : "  Confirm wallet transfer");
	confirm_draw_value(ui, rows->from, "From", A_BOLD, transfer->sender);

	/* A pending customer is named, with "registration pending" under
	 * the name where the holder would be. */
	if (transfer->receiver_customer_id[0] != '\0')
		receiver = transfer->receiver_name[0] != '\0'
				   ? transfer->receiver_name
				   : "New customer";
	confirm_draw_value(ui, rows->to, "To", A_BOLD, receiver);
	confirm_draw_holder(ui, rows->holder);

	confirm_draw_amounts(state, ui, rows->amount);

	confirm_draw_value(ui, rows->keys, "", A_BOLD,
			   confirm_receiver_unknown(ui)
				   ? "Esc Edit the receiver wallet"
				   : "Enter Confirm  Esc Edit");
	confirm_draw_message(ui, rows->message, state->message);
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
