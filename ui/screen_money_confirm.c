/* The confirmation of a money operation (ui->money, prepared by its
 * form): what money_summarise lists, then the amount, the fee and the
 * total the customer pays or receives, aligned and emphasised. Enter
 * journals it with money_submit and shows the result. */
#define LOG_MODULE "ui"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "amount_rows.h"
#include "draw.h"
#include "money_draw.h"
#include "screen.h"
#include "theme.h"

/* Wide layout: labels from column 4, values after the widest label, and
 * the amounts right-aligned so that they end in column 52. */
#define MONEY_CONFIRM_LABEL_COLUMN 4
#define MONEY_CONFIRM_LABEL_MAX 24
#define MONEY_CONFIRM_AMOUNT_END 52
#define MONEY_CONFIRM_FIRST_ROW 3
#define MONEY_CONFIRM_MESSAGE_ROW 19

/* Compact layout: labels of up to 19 columns, the amounts end in the
 * last column, and the message takes the last two content rows. */
#define MONEY_CONFIRM_COMPACT_LABEL_MAX 19
#define MONEY_CONFIRM_COMPACT_FIRST_ROW 2
#define MONEY_CONFIRM_COMPACT_MESSAGE_ROW 10

#define MONEY_CONFIRM_HELP \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SCROLL | UI_HELP_SYNC | \
	 UI_HELP_QUIT)
#define MONEY_CONFIRM_HELP_COMPACT \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SCROLL)

struct money_confirm_state {
	struct money_summary summary;
	bool ready;                    /* summary filled */
	enum screen_id back;           /* the form that opened it */
	int scroll;                    /* first summary line shown */
	int64_t quote_deadline;        /* send money: as in ui->money */
	char message[UI_MESSAGE_SIZE]; /* why it was not journaled */
	char warning[UI_MESSAGE_SIZE]; /* the float may be too low */
};

static struct money_confirm_state money_confirm;

/* Put a line into the summary at position `at`, moving the lines after
 * it down. The last line is dropped when the summary is full. */
static void money_confirm_insert(struct money_summary *summary, int at,
				 const char *label, const char *value)
{
	int last = summary->count < MONEY_SUMMARY_LINES
			   ? summary->count
			   : MONEY_SUMMARY_LINES - 1;
	int i;

	if (at > last)
		at = last;
	for (i = last; i > at; i--)
		summary->lines[i] = summary->lines[i - 1];
	snprintf(summary->lines[at].label, sizeof(summary->lines[at].label),
		 "%s", label);
	snprintf(summary->lines[at].value, sizeof(summary->lines[at].value),
		 "%s", value);
	if (summary->count < MONEY_SUMMARY_LINES)
		summary->count++;
}

/* The wallet whose holder the form looked up (the cash-in's receiver,
 * the cash-out's sender, or the wallet that pays a bank transfer), with
 * the holder the form put in op, or "" for a bank transfer, and the
 * summary line under which the holder goes. Returns NULL for others. */
static const char *money_confirm_wallet(const struct money_operation *op,
					const char **holder, int *line)
{
	*line = 1;
	if (strcmp(op->type, API_TYPE_CASH_IN) == 0) {
		*holder = op->u.cash_in.receiver_name;
		return op->u.cash_in.receiver;
	}
	if (strcmp(op->type, API_TYPE_CASH_OUT) == 0) {
		*holder = op->u.cash_out.holder_name;
		return op->u.cash_out.sender;
	}
	if (strcmp(op->type, API_TYPE_BANK_TRANSFER) == 0 &&
	    op->u.bank.funding == API_FUNDING_WALLET) {
		*holder = "";
		*line = MONEY_SUMMARY_LINES;
		return op->u.bank.sender;
	}
	return NULL;
}

/* Add the holder of the operation's wallet when the summary lacks it:
 * the lookup's answer, or why it was not checked. */
static void money_confirm_holder(struct money_confirm_state *state,
				 const struct ui *ui)
{
	const struct ui_lookup *lookup = &ui->lookup;
	const char *holder = "";
	int line = 0;
	const char *account = money_confirm_wallet(&ui->money, &holder, &line);
	bool same;
	char text[API_NAME_SIZE];

	if (account == NULL || account[0] == '\0' || holder[0] != '\0')
		return;
	same = strcmp(lookup->account, account) == 0;
	if (same && lookup->state == LOOKUP_FOUND)
		snprintf(text, sizeof(text), "%s", lookup->text);
	else if (ui->app->session.offline || !ui->app->status.online)
		snprintf(text, sizeof(text), "not checked: offline");
	else if (same && lookup->state == LOOKUP_FAILED)
		snprintf(text, sizeof(text), "not checked: %.*s",
			 (int)sizeof(text) - 16, lookup->text);
	else
		snprintf(text, sizeof(text), "not checked");
	money_confirm_insert(&state->summary, line,
			     line == 1 ? "Holder" : "Wallet holder", text);
}

/* Write ", GHS 8,000.00 pending" for a movement of minor units out of
 * the float, with a '+' for one into it, or "" for none. */
static void money_confirm_movement(const char *currency, int64_t minor,
				   const char *word, char *buf, size_t size)
{
	char amount[CURRENCY_TEXT_MAX];
	int64_t magnitude = minor < 0 ? -minor : minor;

	buf[0] = '\0';
	if (minor == 0)
		return;
	if (currency_format(currency, magnitude, amount, sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld", (long long)magnitude);
	snprintf(buf, size, ", %s %s%s %s", currency, minor > 0 ? "+" : "",
		 amount, word);
}

/* Warn when the operation needs more than the float the terminal
 * estimates: the float last fetched plus the effect of the agent's
 * operations accepted since and of those still pending. The central
 * service decides, so nothing is blocked. Only a cash-in and a bank
 * transfer paid in cash are paid from the float. */
static void money_confirm_float(struct money_confirm_state *state,
				const struct ui *ui)
{
	const struct money_operation *op = &ui->money;
	const char *currency;
	struct float_estimate estimate;
	int64_t need;
	char amount[CURRENCY_TEXT_MAX];
	char since[CURRENCY_TEXT_MAX + 32];
	char pending[CURRENCY_TEXT_MAX + 32];
	char at[16] = "?";
	struct tm local;
	time_t when;

	if (strcmp(op->type, API_TYPE_CASH_IN) == 0) {
		currency = op->u.cash_in.currency;
		need = op->u.cash_in.amount + op->u.cash_in.fee;
	} else if (strcmp(op->type, API_TYPE_BANK_TRANSFER) == 0 &&
		   op->u.bank.funding == API_FUNDING_CASH) {
		currency = op->u.bank.currency;
		need = op->u.bank.amount + op->u.bank.fee;
	} else {
		return;
	}
	if (float_estimate(ui->app->journal, ui->app->session.agent_id,
			   currency, &estimate) != 0 ||
	    need <= estimate.fetched + estimate.since + estimate.pending)
		return;
	if (currency_format(currency, estimate.fetched, amount,
			    sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld",
			 (long long)estimate.fetched);
	when = (time_t)estimate.fetched_at;
	if (localtime_r(&when, &local) != NULL)
		strftime(at, sizeof(at), "%H:%M", &local);
	money_confirm_movement(currency, estimate.since, "confirmed since",
			       since, sizeof(since));
	money_confirm_movement(currency, estimate.pending, "pending", pending,
			       sizeof(pending));
	snprintf(state->warning, sizeof(state->warning),
		 "Your float may be too low: %s %s at %s%.48s%.48s", currency,
		 amount, at, since, pending);
}

static void money_confirm_enter(struct screen *screen, struct ui *ui,
				enum screen_id from)
{
	struct money_confirm_state *state = screen->state;

	memset(state, 0, sizeof(*state));
	state->back = from == SCREEN_SEND || from == SCREEN_MONEY
			      ? from
			      : strcmp(ui->money.type, API_TYPE_SEND_MONEY) == 0
					? SCREEN_SEND
					: SCREEN_MONEY;
	state->ready = money_summarise(&ui->money, &state->summary) == 0;
	if (state->ready) {
		money_confirm_holder(state, ui);
		money_confirm_float(state, ui);
	}
	if (!state->ready) {
		log_error("no summary for operation type \"%s\"",
			  ui->money.type);
		snprintf(state->message, sizeof(state->message),
			 "Cannot show this operation: press Esc and try "
			 "again");
	}
	/* A quote's countdown is drawn again every second. */
	state->quote_deadline = ui->money.quote_deadline;
	screen->every_second = state->quote_deadline > 0;
	screen->help = ui->compact ? MONEY_CONFIRM_HELP_COMPACT
				   : MONEY_CONFIRM_HELP;

	/* A line break pasted into the form after the one that opened this
	 * screen must not confirm what the agent has not seen yet. */
	ui_flush_typeahead(ui);
}

static int money_confirm_visible(const struct money_confirm_state *state,
				 const struct ui *ui);

/* Up/Down show on the help line only when lines are hidden. */
static void money_confirm_layout(struct screen *screen, struct ui *ui)
{
	const struct money_confirm_state *state = screen->state;

	screen->help = ui->compact ? MONEY_CONFIRM_HELP_COMPACT
				   : MONEY_CONFIRM_HELP;
	if (money_confirm_visible(state, ui) >= state->summary.count)
		screen->help &= ~(unsigned)UI_HELP_SCROLL;
}

/* The width of the label column: the widest label, within max. */
static int money_confirm_label_width(const struct money_summary *summary,
				     int max)
{
	int width = 0;
	int i;

	for (i = 0; i < summary->count && i < MONEY_SUMMARY_LINES; i++) {
		int w = draw_text_width(summary->lines[i].label);

		if (w > width)
			width = w;
	}
	return width > max ? max : width;
}

/* How many summary lines fit above the amounts. */
static int money_confirm_visible(const struct money_confirm_state *state,
				 const struct ui *ui)
{
	int first = ui->compact ? MONEY_CONFIRM_COMPACT_FIRST_ROW
				: MONEY_CONFIRM_FIRST_ROW;
	int message = ui->compact ? MONEY_CONFIRM_COMPACT_MESSAGE_ROW
				  : MONEY_CONFIRM_MESSAGE_ROW;
	/* A blank row, three amounts, the quote's expiry and, when wide,
	 * a blank row and the keys. */
	int below = 4 + (state->quote_deadline > 0 ? 1 : 0) +
		    (ui->compact ? 0 : 2);
	int visible = message - first - below;

	if (visible > state->summary.count)
		visible = state->summary.count;
	return visible < 0 ? 0 : visible;
}

/* The title: "Confirm cash-in" from the summary's "Cash-in". */
static void money_confirm_title(const struct money_summary *summary,
				bool compact, char *title, size_t size)
{
	const char *name = summary->title;
	char first = name[0];

	if (isupper((unsigned char)first) && islower((unsigned char)name[1]))
		first = (char)tolower((unsigned char)first);
	if (first == '\0')
		snprintf(title, size, "%sConfirm", compact ? "" : "  ");
	else
		snprintf(title, size, "%sConfirm %c%s", compact ? "" : "  ",
			 first, name + 1);
}

static void money_confirm_draw_lines(const struct money_confirm_state *state,
				     const struct ui *ui, int visible)
{
	const struct money_summary *summary = &state->summary;
	int label_column = ui->compact ? 0 : MONEY_CONFIRM_LABEL_COLUMN;
	int first_row = ui->compact ? MONEY_CONFIRM_COMPACT_FIRST_ROW
				    : MONEY_CONFIRM_FIRST_ROW;
	int label_width = money_confirm_label_width(
		summary, ui->compact ? MONEY_CONFIRM_COMPACT_LABEL_MAX
				     : MONEY_CONFIRM_LABEL_MAX);
	int value_column = label_column + label_width + 2;
	int x = ui_column(ui, 0);
	int i;

	for (i = 0; i < visible; i++) {
		int line = state->scroll + i;
		int row = first_row + i;

		if (line >= summary->count)
			break;
		draw_text(stdscr, ui_row(ui, row), x + label_column,
			  label_width, A_NORMAL, summary->lines[line].label);
		draw_text(stdscr, ui_row(ui, row), x + value_column,
			  ui->columns - value_column, A_BOLD,
			  summary->lines[line].value);
	}
	if (state->scroll + visible < summary->count)
		draw_text(stdscr, ui_row(ui, first_row + visible),
			  x + label_column, ui->columns - label_column, A_DIM,
			  "more: Down");
}

/* The quote's countdown line of a send money. */
static void money_confirm_quote(const struct money_confirm_state *state,
				char *text, size_t size)
{
	int64_t left = state->quote_deadline - money_monotonic_seconds();

	if (left <= 0)
		snprintf(text, size, "Quote expired: Esc for a new one");
	else
		snprintf(text, size, "Quote valid for %lld s more",
			 (long long)left);
}

static void money_confirm_draw(const struct screen *screen,
			       const struct ui *ui)
{
	const struct money_confirm_state *state = screen->state;
	const struct money_summary *summary = &state->summary;
	int label_column = ui->compact ? 0 : MONEY_CONFIRM_LABEL_COLUMN;
	int end = ui->compact ? ui->columns : MONEY_CONFIRM_AMOUNT_END;
	int visible = money_confirm_visible(state, ui);
	int row = (ui->compact ? MONEY_CONFIRM_COMPACT_FIRST_ROW
			       : MONEY_CONFIRM_FIRST_ROW) +
		  visible + 1;
	int message_row = ui->compact ? MONEY_CONFIRM_COMPACT_MESSAGE_ROW
				      : MONEY_CONFIRM_MESSAGE_ROW;
	char text[UI_MESSAGE_SIZE];
	int i;

	for (i = 0; i < ui->rows; i++)
		draw_blank(stdscr, ui_row(ui, i), ui_column(ui, 0),
			   ui->columns);
	money_confirm_title(summary, ui->compact, text, sizeof(text));
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE), text);
	if (state->ready) {
		money_confirm_draw_lines(state, ui, visible);
		amount_rows_draw(ui, row, label_column, end, summary);
		row += 3;
		if (state->quote_deadline > 0) {
			money_confirm_quote(state, text, sizeof(text));
			draw_text(stdscr, ui_row(ui, row),
				  ui_column(ui, label_column),
				  ui->columns - label_column,
				  theme_attr(THEME_PENDING), text);
			row++;
		}
		if (!ui->compact)
			draw_text(stdscr, ui_row(ui, row + 1),
				  ui_column(ui, label_column),
				  ui->columns - label_column, A_BOLD,
				  "Enter Confirm  Esc Edit");
	}
	/* The float warning may take two rows in both layouts. */
	if (state->message[0] == '\0')
		draw_wrapped(stdscr, ui_row(ui, message_row),
			     ui_column(ui, label_column),
			     ui->columns - label_column, 2,
			     theme_attr(THEME_PENDING) | A_BOLD,
			     state->warning);
	else
		draw_wrapped(stdscr, ui_row(ui, message_row),
			     ui_column(ui, label_column),
			     ui->columns - label_column, ui->compact ? 2 : 1,
			     theme_attr(THEME_ERROR), state->message);
}

static int money_confirm_submit(struct money_confirm_state *state,
				struct ui *ui)
{
	char id[JOURNAL_ID_SIZE];

	if (!state->ready)
		return SCREEN_HANDLED;
	if (money_submit(ui->app, &ui->money, id, state->message,
			 sizeof(state->message)) != 0)
		return SCREEN_HANDLED;

	/* The journal has the code now; the UI keeps no copy of it. */
	if (strcmp(ui->money.type, API_TYPE_CASH_OUT) == 0)
		memset(ui->money.u.cash_out.code, 0,
		       sizeof(ui->money.u.cash_out.code));
	snprintf(ui->operation_id, sizeof(ui->operation_id), "%s", id);
	return ui_switch(ui, SCREEN_RESULT);
}

static void money_confirm_scroll(struct money_confirm_state *state,
				 const struct ui *ui, int step)
{
	int last = state->summary.count - money_confirm_visible(state, ui);

	state->scroll += step;
	if (state->scroll > last)
		state->scroll = last;
	if (state->scroll < 0)
		state->scroll = 0;
}

static int money_confirm_on_action(struct screen *screen, struct ui *ui,
				   enum ui_action action)
{
	struct money_confirm_state *state = screen->state;

	switch (action) {
	case UI_ACTION_CONFIRM:
		return money_confirm_submit(state, ui);
	case UI_ACTION_BACK:
		return ui_switch(ui, state->back);
	case UI_ACTION_NEXT:
		money_confirm_scroll(state, ui, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		money_confirm_scroll(state, ui, -1);
		return SCREEN_HANDLED;
	default:
		return SCREEN_IGNORED;
	}
}

struct screen screen_money_confirm = {
	.name = "money confirm",
	.cursor = false,
	.help = MONEY_CONFIRM_HELP,
	.back_word = "Edit",
	.enter = money_confirm_enter,
	.layout = money_confirm_layout,
	.draw = money_confirm_draw,
	.on_action = money_confirm_on_action,
	.state = &money_confirm,
};
