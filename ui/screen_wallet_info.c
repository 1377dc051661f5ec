/* The balance and mini-statement screen: a customer's wallet account,
 * then its holder, balance and last movements from the central service,
 * asked one after the other on the request thread. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/currency.h"
#include "../app/wallet.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

#define INFO_OFFLINE_TEXT                                                      \
	"Balance and statement need the link to the central service."

/* The wide layout: the field, holder and balance, then the movements
 * under a header, all ten at once. */
#define INFO_LABEL_COLUMN 4
#define INFO_FIELD_COLUMN 22
#define INFO_FIELD_ROW 3
#define INFO_HOLDER_ROW 5
#define INFO_HEADER_ROW 8
#define INFO_LIST_ROW 9
#define INFO_MESSAGE_ROW 20

/* Columns of a wide movement row: date and time, description, amount
 * right-aligned with its currency. */
#define INFO_COLUMN_DESCRIPTION 22
#define INFO_WIDTH_DESCRIPTION 34
#define INFO_COLUMN_AMOUNT 57
#define INFO_WIDTH_AMOUNT 21

/* The compact layout: six movements at a time, scrolled. */
#define INFO_COMPACT_FIELD_COLUMN 12
#define INFO_COMPACT_FIELD_ROW 1
#define INFO_COMPACT_HOLDER_ROW 2
#define INFO_COMPACT_HEADER_ROW 4
#define INFO_COMPACT_LIST_ROW 5
#define INFO_COMPACT_LIST_ROWS 6
#define INFO_COMPACT_MESSAGE_ROW 11
#define INFO_COMPACT_COLUMN_DESCRIPTION 6
#define INFO_COMPACT_WIDTH_DESCRIPTION 20
#define INFO_COMPACT_COLUMN_AMOUNT 27
#define INFO_COMPACT_WIDTH_AMOUNT 13

enum info_step {
	INFO_EDIT = 0,  /* nothing asked yet, or a request failed */
	INFO_BALANCE,   /* the balance request runs */
	INFO_STATEMENT, /* the statement request runs */
	INFO_SHOWN,     /* both replies are in */
};

static const struct fieldset_spec info_specs[1] = {
	{.row = 0, .column = 0, .width = 20, .card = true},
};

struct info_state {
	struct fieldset fields;
	enum info_step step;
	char account[API_ACCOUNT_SIZE]; /* the account asked about */
	bool have_balance;
	struct api_balance balance;
	bool have_statement;
	struct api_statement statement;
	int scroll; /* first movement shown in the compact layout */
	char message[UI_MESSAGE_SIZE];
	struct money_reply reply;
};

static struct info_state info;

/* The wide layout shows all ten movements, so only the compact one
 * scrolls. */
#define INFO_HELP (UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC | UI_HELP_QUIT)
#define INFO_HELP_COMPACT (UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SCROLL)

static bool info_offline(const struct ui *ui)
{
	return ui->app->session.offline || !ui->app->status.online;
}

static int info_init(struct screen *screen, struct ui *ui)
{
	struct info_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, info_specs, 1);
}

static void info_destroy(struct screen *screen)
{
	struct info_state *state = screen->state;

	fieldset_free(&state->fields);
}

static void info_forget(struct info_state *state)
{
	state->step = INFO_EDIT;
	state->have_balance = false;
	state->have_statement = false;
	state->scroll = 0;
	state->message[0] = '\0';
}

/* A fresh screen, with the account of a customer picked on the find
 * screen when there is one. */
static void info_enter(struct screen *screen, struct ui *ui,
		       enum screen_id from)
{
	struct info_state *state = screen->state;

	(void)from;
	info_forget(state);
	fieldset_set(&state->fields, 0, "");
	if (ui->payee.set && ui->payee.account[0] != '\0')
		fieldset_set(&state->fields, 0, ui->payee.account);
	if (ui->payee.set)
		memset(&ui->payee, 0, sizeof(ui->payee));
	fieldset_focus(&state->fields, 0);
}

static void info_leave(struct screen *screen, struct ui *ui)
{
	struct info_state *state = screen->state;

	(void)ui;
	fieldset_unplace(&state->fields);
}

static void info_layout(struct screen *screen, struct ui *ui)
{
	struct info_state *state = screen->state;

	if (ui->too_small) {
		fieldset_unplace(&state->fields);
		return;
	}
	screen->help = ui->compact ? INFO_HELP_COMPACT : INFO_HELP;
	if (ui->compact)
		fieldset_place(&state->fields,
			       ui_row(ui, INFO_COMPACT_FIELD_ROW),
			       ui_column(ui, INFO_COMPACT_FIELD_COLUMN));
	else
		fieldset_place(&state->fields, ui_row(ui, INFO_FIELD_ROW),
			       ui_column(ui, INFO_FIELD_COLUMN));
}

/* Write "GHS 1,234.50", signed with '+' or '-' when `sign` is set. */
static void info_format(const char *code, int64_t minor, bool sign, char *buf,
			size_t size)
{
	char amount[CURRENCY_TEXT_MAX];
	int64_t magnitude = minor < 0 ? -minor : minor;
	const char *prefix = "";

	if (minor < 0)
		prefix = "-";
	else if (sign)
		prefix = "+";
	if (currency_format(code, magnitude, amount, sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld", (long long)magnitude);
	snprintf(buf, size, "%s%.3s %s", prefix, code, amount);
}

/* Write the local time of a movement: "2026-12-03 14:05" wide, "12-03"
 * compact. */
static void info_format_time(int64_t at, bool compact, char *buf, size_t size)
{
	time_t when = (time_t)at;
	struct tm local;

	if (localtime_r(&when, &local) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	strftime(buf, size, compact ? "%m-%d" : "%Y-%m-%d %H:%M", &local);
}

static void info_draw_movement(const struct info_state *state,
			       const struct ui *ui, int index, int row)
{
	const struct api_movement *movement =
		&state->statement.movements[index];
	const char *code = state->statement.currency;
	char when[32];
	char amount[3 * CURRENCY_TEXT_MAX];
	char cell[2 * CURRENCY_TEXT_MAX];
	int x = ui_column(ui, 0);
	int y = ui_row(ui, row);
	attr_t attr = movement->amount < 0 ? A_NORMAL : theme_attr(THEME_OK);

	info_format_time(movement->at, ui->compact, when, sizeof(when));
	draw_line(stdscr, y, x, ui->columns, A_NORMAL, "");
	if (ui->compact) {
		info_format(code, movement->amount, true, amount,
			    sizeof(amount));
		/* The currency is on the balance line; the cell keeps the
		 * sign and the number. */
		snprintf(cell, sizeof(cell), "%c%.*s", amount[0],
			 CURRENCY_TEXT_MAX,
			 strchr(amount, ' ') != NULL ? strchr(amount, ' ') + 1
						     : amount + 1);
		draw_text(stdscr, y, x, 5, A_NORMAL, when);
		draw_text(stdscr, y, x + INFO_COMPACT_COLUMN_DESCRIPTION,
			  INFO_COMPACT_WIDTH_DESCRIPTION, A_NORMAL,
			  movement->description);
		snprintf(amount, sizeof(amount), "%*s",
			 INFO_COMPACT_WIDTH_AMOUNT, cell);
		draw_text(stdscr, y, x + INFO_COMPACT_COLUMN_AMOUNT,
			  INFO_COMPACT_WIDTH_AMOUNT, attr | A_BOLD, amount);
		return;
	}
	info_format(code, movement->amount, true, cell, sizeof(cell));
	snprintf(amount, sizeof(amount), "%*s", INFO_WIDTH_AMOUNT, cell);
	draw_text(stdscr, y, x + INFO_LABEL_COLUMN,
		  INFO_COLUMN_DESCRIPTION - INFO_LABEL_COLUMN, A_NORMAL, when);
	draw_text(stdscr, y, x + INFO_COLUMN_DESCRIPTION,
		  INFO_WIDTH_DESCRIPTION, A_NORMAL, movement->description);
	draw_text(stdscr, y, x + INFO_COLUMN_AMOUNT, INFO_WIDTH_AMOUNT,
		  attr | A_BOLD, amount);
}

/* Holder and balance on two rows from `row`. */
static void info_draw_balance(const struct info_state *state,
			      const struct ui *ui, int row)
{
	int x = ui_column(ui, ui->compact ? 0 : INFO_LABEL_COLUMN);
	int value = ui->compact ? INFO_COMPACT_FIELD_COLUMN
				: INFO_FIELD_COLUMN - INFO_LABEL_COLUMN;
	int width = ui->columns - (ui->compact ? 0 : INFO_LABEL_COLUMN);
	char amount[CURRENCY_TEXT_MAX + 8];

	if (!state->have_balance)
		return;
	draw_text(stdscr, ui_row(ui, row), x, value, A_NORMAL, "Holder");
	draw_text(stdscr, ui_row(ui, row), x + value, width - value, A_BOLD,
		  state->balance.holder_name);
	info_format(state->balance.currency, state->balance.balance, false,
		    amount, sizeof(amount));
	draw_text(stdscr, ui_row(ui, row + 1), x, value, A_NORMAL, "Balance");
	draw_text(stdscr, ui_row(ui, row + 1), x + value, width - value, A_BOLD,
		  amount);
}

static void info_draw_statement(const struct info_state *state,
				const struct ui *ui)
{
	int header = ui->compact ? INFO_COMPACT_HEADER_ROW : INFO_HEADER_ROW;
	int list = ui->compact ? INFO_COMPACT_LIST_ROW : INFO_LIST_ROW;
	int rows = ui->compact ? INFO_COMPACT_LIST_ROWS : API_STATEMENT_MAX;
	int first = ui->compact ? state->scroll : 0;
	char line[UI_COLUMNS * 2];
	int i;

	if (!state->have_statement)
		return;
	if (ui->compact)
		snprintf(line, sizeof(line), "%-5s %-*s %*s", "Date",
			 INFO_COMPACT_WIDTH_DESCRIPTION, "Last movements",
			 INFO_COMPACT_WIDTH_AMOUNT, "Amount");
	else
		snprintf(line, sizeof(line), "%-*s%-*s %*s",
			 INFO_COLUMN_DESCRIPTION - INFO_LABEL_COLUMN, "Date",
			 INFO_WIDTH_DESCRIPTION, "Last movements, newest first",
			 INFO_WIDTH_AMOUNT, "Amount");
	draw_line(stdscr, ui_row(ui, header),
		  ui_column(ui, ui->compact ? 0 : INFO_LABEL_COLUMN),
		  ui->columns - (ui->compact ? 0 : INFO_LABEL_COLUMN),
		  A_BOLD | A_UNDERLINE, line);
	if (state->statement.count == 0)
		draw_line(stdscr, ui_row(ui, list),
			  ui_column(ui, ui->compact ? 0 : INFO_LABEL_COLUMN),
			  ui->columns, A_NORMAL, "No movements yet.");
	for (i = 0; i < rows && first + i < state->statement.count; i++)
		info_draw_movement(state, ui, first + i, list + i);
}

/* The message row: the offline notice, the request in progress, a
 * failure, or in the compact layout where the list is scrolled. */
static void info_draw_message(const struct info_state *state,
			      const struct ui *ui)
{
	int row = ui->compact ? INFO_COMPACT_MESSAGE_ROW : INFO_MESSAGE_ROW;
	int x = ui_column(ui, ui->compact ? 0 : INFO_LABEL_COLUMN);
	int width = ui->columns - (ui->compact ? 0 : INFO_LABEL_COLUMN);
	char line[UI_MESSAGE_SIZE];
	attr_t attr = theme_attr(THEME_ERROR);
	const char *text = state->message;

	if (info_offline(ui) && state->step != INFO_SHOWN) {
		text = INFO_OFFLINE_TEXT;
	} else if (state->step == INFO_BALANCE ||
		   state->step == INFO_STATEMENT) {
		text = state->step == INFO_BALANCE ? "Asking for the balance..."
						   : "Asking for the "
						     "statement...";
		attr = theme_attr(THEME_PENDING);
	} else if (text[0] == '\0' && ui->compact && state->have_statement &&
		   state->statement.count > INFO_COMPACT_LIST_ROWS) {
		snprintf(line, sizeof(line), "Movements %d-%d of %d",
			 state->scroll + 1,
			 state->scroll + INFO_COMPACT_LIST_ROWS <
					 state->statement.count
				 ? state->scroll + INFO_COMPACT_LIST_ROWS
				 : state->statement.count,
			 state->statement.count);
		text = line;
		attr = A_DIM;
	}
	draw_line(stdscr, ui_row(ui, row), x, width, attr, text);
}

static void info_draw(const struct screen *screen, const struct ui *ui)
{
	const struct info_state *state = screen->state;
	int x = ui_column(ui, 0);
	int field_row = ui->compact ? INFO_COMPACT_FIELD_ROW : INFO_FIELD_ROW;
	int field_column =
		ui->compact ? INFO_COMPACT_FIELD_COLUMN : INFO_FIELD_COLUMN;
	int row;

	/* Every row but the field's is blanked: the field's window shares
	 * stdscr's cells. */
	for (row = 0; row < ui->rows; row++) {
		if (row != field_row)
			draw_blank(stdscr, ui_row(ui, row), x, ui->columns);
	}
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), x, ui->columns,
		  theme_attr(THEME_TITLE),
		  ui->compact ? "Balance and statement"
			      : "  Balance and statement");
	draw_line(stdscr, ui_row(ui, field_row),
		  x + (ui->compact ? 0 : INFO_LABEL_COLUMN),
		  field_column - (ui->compact ? 0 : INFO_LABEL_COLUMN), A_BOLD,
		  ui->compact ? "Wallet" : "Wallet account");
	if (!ui->compact)
		draw_line(stdscr, ui_row(ui, field_row),
			  x + FIELDSET_SCREEN_WIDTH(20) + INFO_FIELD_COLUMN + 2,
			  UI_COLUMNS - INFO_FIELD_COLUMN -
				  FIELDSET_SCREEN_WIDTH(20) - 2,
			  A_DIM, "Enter asks Spotbanc");
	info_draw_balance(state, ui,
			  ui->compact ? INFO_COMPACT_HOLDER_ROW
				      : INFO_HOLDER_ROW);
	info_draw_statement(state, ui);
	info_draw_message(state, ui);
	fieldset_show_cursor(&state->fields);
}

/* Start the request of `kind` for state->account. Returns 0, or -1 with
 * the message set and the screen back to INFO_EDIT. */
static int info_request(struct info_state *state, struct ui *ui,
			enum money_request_kind kind)
{
	struct money_request request;

	memset(&request, 0, sizeof(request));
	request.kind = kind;
	snprintf(request.account, sizeof(request.account), "%s",
		 state->account);
	state->message[0] = '\0';
	if (money_request_start(ui->app, &request, state->message,
				sizeof(state->message)) != 0) {
		state->step = INFO_EDIT;
		return -1;
	}
	state->step =
		kind == MONEY_REQUEST_BALANCE ? INFO_BALANCE : INFO_STATEMENT;
	return 0;
}

static int info_confirm(struct info_state *state, struct ui *ui)
{
	char account[API_ACCOUNT_SIZE];

	if (state->step == INFO_BALANCE || state->step == INFO_STATEMENT)
		return SCREEN_HANDLED;
	fieldset_get(&state->fields, 0, account, sizeof(account));
	info_forget(state);
	if (wallet_account_check(account, state->message,
				 sizeof(state->message)) != 0)
		return SCREEN_HANDLED;
	if (info_offline(ui))
		return SCREEN_HANDLED;
	snprintf(state->account, sizeof(state->account), "%s", account);
	info_request(state, ui, MONEY_REQUEST_BALANCE);
	return SCREEN_HANDLED;
}

/* Scroll the compact list by `lines`, kept within the movements. */
static void info_scroll(struct info_state *state, int lines)
{
	int last = state->statement.count - INFO_COMPACT_LIST_ROWS;

	state->scroll += lines;
	if (state->scroll > last)
		state->scroll = last;
	if (state->scroll < 0)
		state->scroll = 0;
}

static int info_on_action(struct screen *screen, struct ui *ui,
			  enum ui_action action)
{
	struct info_state *state = screen->state;

	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;
	switch (action) {
	case UI_ACTION_NEXT:
		info_scroll(state, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		info_scroll(state, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		info_scroll(state, INFO_COMPACT_LIST_ROWS);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_UP:
		info_scroll(state, -INFO_COMPACT_LIST_ROWS);
		return SCREEN_HANDLED;
	case UI_ACTION_CONFIRM:
		return info_confirm(state, ui);
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_SERVICES);
	default:
		return SCREEN_IGNORED;
	}
}

static int info_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct info_state *state = screen->state;

	(void)ui;
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

/* Take a reply: the balance starts the statement, and a failure shows
 * its message with what came before it. */
static int info_take_reply(struct info_state *state, struct ui *ui)
{
	struct money_reply *reply = &state->reply;
	bool balance = state->step == INFO_BALANCE;

	if (money_request_take(reply) != 0)
		return SCREEN_IGNORED;
	if ((balance && reply->kind != MONEY_REQUEST_BALANCE) ||
	    (state->step == INFO_STATEMENT &&
	     reply->kind != MONEY_REQUEST_STATEMENT) ||
	    (!balance && state->step != INFO_STATEMENT))
		return SCREEN_IGNORED;
	if (reply->result == API_ESESSION) {
		ui_session_expired(ui);
		return SCREEN_HANDLED;
	}
	if (reply->result != 0) {
		state->step = state->have_balance ? INFO_SHOWN : INFO_EDIT;
		snprintf(state->message, sizeof(state->message), "%.*s",
			 (int)sizeof(state->message) - 1, reply->message);
		return SCREEN_HANDLED;
	}
	if (balance) {
		state->balance = reply->balance;
		state->have_balance = true;
		info_request(state, ui, MONEY_REQUEST_STATEMENT);
		return SCREEN_HANDLED;
	}
	state->statement = reply->statement;
	state->have_statement = true;
	state->step = INFO_SHOWN;
	return SCREEN_HANDLED;
}

static int info_on_event(struct screen *screen, struct ui *ui,
			 const struct event *event)
{
	if (event->type == EVENT_MONEY)
		return info_take_reply(screen->state, ui);
	if (event->type == EVENT_LINK)
		return SCREEN_REDRAW;
	return SCREEN_IGNORED;
}

/* The request met an expired session: ask again after a new login. */
static int info_on_session(struct screen *screen, struct ui *ui, bool renewed)
{
	struct info_state *state = screen->state;
	enum money_request_kind kind = state->step == INFO_STATEMENT
					       ? MONEY_REQUEST_STATEMENT
					       : MONEY_REQUEST_BALANCE;

	if (state->step != INFO_BALANCE && state->step != INFO_STATEMENT)
		return SCREEN_HANDLED;
	if (renewed) {
		info_request(state, ui, kind);
		return SCREEN_HANDLED;
	}
	state->step = state->have_balance ? INFO_SHOWN : INFO_EDIT;
	snprintf(state->message, sizeof(state->message),
		 "Session expired: nothing was asked");
	return SCREEN_HANDLED;
}

/* The fieldset with the card field, for a card number typed by hand. */
static struct fieldset *info_card_fields(struct screen *screen)
{
	struct info_state *state = screen->state;

	return &state->fields;
}

static bool info_takes_card(const struct screen *screen,
			    const struct ui *ui)
{
	const struct info_state *state = screen->state;

	(void)ui;
	return state->step != INFO_BALANCE && state->step != INFO_STATEMENT &&
	       fieldset_takes_card(&state->fields);
}

/* Ask for the balance of the card's wallet, as if its account had been
 * typed. */
static int info_on_card(struct screen *screen, struct ui *ui,
			const struct api_card_account *account)
{
	struct info_state *state = screen->state;

	fieldset_set(&state->fields, 0, account->account);
	return info_confirm(state, ui);
}

struct screen screen_wallet_info = {
	.name = "wallet info",
	.cursor = true,
	.help = INFO_HELP,
	.confirm_word = "Ask",
	.init = info_init,
	.enter = info_enter,
	.leave = info_leave,
	.layout = info_layout,
	.draw = info_draw,
	.on_action = info_on_action,
	.on_text = info_on_text,
	.on_event = info_on_event,
	.on_session = info_on_session,
	.takes_card = info_takes_card,
	.card_fields = info_card_fields,
	.on_card = info_on_card,
	.destroy = info_destroy,
	.state = &info,
};
