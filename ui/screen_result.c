/* The result screen of any journaled operation: its state as the
 * journal records it, the receipt preview, and printing. The state line
 * never claims more than the journal row, so it says PENDING until the
 * central service confirms. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>

#include "../app/api_money.h"
#include "../app/log.h"
#include "../app/receipt.h"
#include "draw.h"
#include "print_offer.h"
#include "screen.h"
#include "state_line.h"
#include "theme.h"

/* Content rows of each line in the two layouts. The receipt box takes
 * the rows from box to the last content row. The compact box starts a
 * row lower when the receiver line is shown. */
struct result_rows {
	int state;
	int id;
	int print;
	int receiver;
	int box;
};

static const struct result_rows result_wide_rows = {
	.state = 1, .id = 2, .print = 3, .receiver = 4, .box = 5,
};

static const struct result_rows result_compact_rows = {
	.state = 0, .id = 1, .print = 2, .receiver = 3, .box = 3,
};

/* Room for a line of the screen: a name or the state with its reason. */
#define RESULT_TEXT_SIZE (API_NAME_SIZE + JOURNAL_ERROR_SIZE)

/* The compact help line leaves out Esc (the same as Enter here), F5 and
 * F10, which all still work, so that it fits 40 columns. */
#define RESULT_HELP \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SCROLL | UI_HELP_SYNC | \
	 UI_HELP_PRINT | UI_HELP_QUIT)
#define RESULT_HELP_COMPACT \
	(UI_HELP_CONFIRM | UI_HELP_SCROLL | UI_HELP_PRINT)

struct result_state {
	struct operation op;
	bool loaded;
	char load_error[UI_MESSAGE_SIZE];
	struct receipt receipt;
	bool receipt_ready;
	int columns;          /* receipt width in the preview */
	int scroll;           /* first receipt line shown */
	bool printed;         /* a receipt of this operation was printed */
	bool printed_pending; /* the offline PENDING one was tried */
	char print_message[UI_MESSAGE_SIZE];
	bool print_failed;

	/* A wallet transfer or cash-in to a customer whose registration is
	 * pending names the receiver by customer id. */
	bool to_customer;
	char receiver_name[API_NAME_SIZE];
	enum screen_id back; /* where Enter and Esc go */
};

static struct result_state result;

/* Lay out the preview from the operation, with its reversal as a print
 * shows it. */
static void result_build_receipt(struct result_state *state,
				 const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	static struct operation reversal;
	struct receipt_context context = {
		.terminal_id = ui->app->config.terminal_id,
		.agent_name = session->logged_in ? session->agent_name : NULL,
		.copy = false,
	};

	if (state->loaded &&
	    receipt_find_reversal(ui->app->journal, state->op.id,
				  &reversal) == 1)
		context.reversal = &reversal;
	state->receipt_ready =
		state->loaded && receipt_layout(&state->op, &context,
						state->columns,
						&state->receipt) == 0;
}

/* Note a receiver named by customer id, from the payload of a wallet
 * transfer or a cash-in. */
static void result_find_receiver(struct result_state *state)
{
	static struct wallet_transfer transfer;
	static struct cash_in cash_in;

	state->to_customer = false;
	state->receiver_name[0] = '\0';
	if (!state->loaded)
		return;
	if (strcmp(state->op.type, API_TYPE_WALLET_TRANSFER) == 0 &&
	    api_wallet_transfer_decode(state->op.payload, &transfer) == 0) {
		state->to_customer = transfer.receiver_customer_id[0] != '\0';
		snprintf(state->receiver_name, sizeof(state->receiver_name),
			 "%s", transfer.receiver_name);
	} else if (strcmp(state->op.type, API_TYPE_CASH_IN) == 0 &&
		   api_cash_in_decode(state->op.payload, &cash_in) == 0) {
		state->to_customer = cash_in.receiver_customer_id[0] != '\0';
		snprintf(state->receiver_name, sizeof(state->receiver_name),
			 "%s", cash_in.receiver_name);
	}
}

static void result_load(struct result_state *state, struct ui *ui)
{
	int rc = journal_get(ui->app->journal, ui->operation_id, &state->op);

	state->loaded = rc == JOURNAL_OK;
	result_find_receiver(state);
	if (!state->loaded) {
		log_error("cannot read operation %s: %s", ui->operation_id,
			  journal_strerror(rc));
		snprintf(state->load_error, sizeof(state->load_error),
			 "Cannot read the operation from the journal: %s",
			 journal_strerror(rc));
	}
	result_build_receipt(state, ui);
}

static void result_print(struct result_state *state, struct ui *ui,
			 bool copy)
{
	int rc = app_print_receipt(ui->app, ui->operation_id, copy,
				   state->print_message,
				   sizeof(state->print_message));

	state->print_failed = rc != 0;
	if (rc == 0)
		state->printed = true;
}

/* Print a PENDING receipt once while the operation waits in the queue
 * with the link down, so the customer leaves with one. The final receipt
 * is printed by app_apply_event whatever screen shows, and recorded in
 * the journal. */
static void result_print_when_due(struct result_state *state, struct ui *ui)
{
	if (!state->loaded)
		return;
	switch (state->op.state) {
	case OP_ACCEPTED:
	case OP_REJECTED:
		if (state->op.printed && !state->printed)
			print_offer_describe(ui->app, ui->operation_id,
					     state->op.state == OP_ACCEPTED
						     ? "Receipt"
						     : "Rejection notice",
					     state->print_message,
					     sizeof(state->print_message));
		state->printed = state->op.printed;
		return;
	case OP_QUEUED:
	case OP_IN_FLIGHT:
		if (state->printed_pending || ui->app->status.online)
			return;
		state->printed_pending = true;
		result_print(state, ui, false);
		return;
	default:
		return;
	}
}

static void result_enter(struct screen *screen, struct ui *ui,
			 enum screen_id from)
{
	struct result_state *state = screen->state;

	memset(state, 0, sizeof(*state));
	state->columns = ui->app->config.paper_columns == RECEIPT_COLUMNS_58MM
				 ? RECEIPT_COLUMNS_58MM
				 : RECEIPT_COLUMNS_80MM;
	result_load(state, ui);
	result_print_when_due(state, ui);

	/* After an operation of the money services menu the agent goes back
	 * to that menu, for the next customer. */
	state->back = SCREEN_HOME;
	if (from == SCREEN_MONEY_CONFIRM || from == SCREEN_SEND)
		state->back = SCREEN_SERVICES;
	if (state->loaded && strcmp(state->op.type, API_TYPE_REVERSAL) == 0)
		state->back = SCREEN_HOME;
	screen->confirm_word =
		state->back == SCREEN_SERVICES ? "Services" : "Home";
	screen->back_word = screen->confirm_word;
}

static void result_layout(struct screen *screen, struct ui *ui)
{
	struct result_state *state = screen->state;
	int paper = ui->app->config.paper_columns == RECEIPT_COLUMNS_58MM
			    ? RECEIPT_COLUMNS_58MM
			    : RECEIPT_COLUMNS_80MM;

	/* The preview matches the printed receipt, unless the paper's width
	 * plus the box's borders is wider than the layout. */
	state->columns = paper + 4 <= ui->columns ? paper
						  : RECEIPT_COLUMNS_58MM;
	screen->help = ui->compact ? RESULT_HELP_COMPACT : RESULT_HELP;
	result_build_receipt(state, ui);
}

/* Whether the receiver is a customer whose registration is still
 * pending: the transfer names it by customer id and has not been
 * accepted, which the central service does only after the
 * registration. */
static bool result_receiver_pending(const struct result_state *state)
{
	if (!state->to_customer)
		return false;
	return state->op.state == OP_QUEUED ||
	       state->op.state == OP_IN_FLIGHT ||
	       state->op.state == OP_NEEDS_ATTENTION;
}

/* The big state line and its attributes. */
static attr_t result_state_text(const struct result_state *state,
				const struct ui *ui, char *text, size_t size)
{
	return state_line(ui, &state->op,
			  state->loaded ? NULL : state->load_error,
			  ui->compact ? "NEEDS ATTENTION - see queue"
				      : "NEEDS ATTENTION - call support",
			  text, size);
}

/* Rows the state line takes. A reason wraps onto the rows below it,
 * which moves the lines under it and the receipt box down. */
static int result_state_rows(const struct result_state *state,
			     const struct ui *ui)
{
	char text[RESULT_TEXT_SIZE];

	result_state_text(state, ui, text, sizeof(text));
	return state_line_rows(ui, text);
}

/* Content row of the receipt box's top border. */
static int result_box_row(const struct result_state *state,
			  const struct ui *ui)
{
	int below_state = result_state_rows(state, ui) - 1;

	if (!ui->compact)
		return result_wide_rows.box + below_state;
	return result_compact_rows.box + below_state +
	       (result_receiver_pending(state) ? 1 : 0);
}

/* Receipt lines the box shows, inside its top and bottom borders. */
static int result_visible_lines(const struct result_state *state,
				const struct ui *ui)
{
	return ui->rows - result_box_row(state, ui) - 2;
}

/* First receipt line to show: the scroll position, kept inside the
 * receipt. */
static int result_first_line(const struct result_state *state, int visible)
{
	int last = state->receipt.count - visible;
	int first = state->scroll;

	if (first > last)
		first = last;
	return first < 0 ? 0 : first;
}

static void result_draw_receipt(const struct result_state *state,
				const struct ui *ui)
{
	int visible = result_visible_lines(state, ui);
	int width = state->columns + 4;
	int top = ui_row(ui, result_box_row(state, ui));
	int left = ui_column(ui, (ui->columns - width) / 2);
	int bottom = top + visible + 1;
	int first = result_first_line(state, visible);
	int i;

	mvwhline(stdscr, top, left, ACS_HLINE, width);
	mvwhline(stdscr, bottom, left, ACS_HLINE, width);
	mvwvline(stdscr, top, left, ACS_VLINE, visible + 2);
	mvwvline(stdscr, top, left + width - 1, ACS_VLINE, visible + 2);
	mvwaddch(stdscr, top, left, ACS_ULCORNER);
	mvwaddch(stdscr, top, left + width - 1, ACS_URCORNER);
	mvwaddch(stdscr, bottom, left, ACS_LLCORNER);
	mvwaddch(stdscr, bottom, left + width - 1, ACS_LRCORNER);
	draw_text(stdscr, top, left + 2, width - 4, A_BOLD, " Receipt ");

	for (i = 0; i < visible; i++) {
		int y = top + 1 + i;

		draw_blank(stdscr, y, left + 1, width - 2);
		if (state->receipt_ready && first + i < state->receipt.count)
			draw_receipt_line(stdscr,
					  &state->receipt.lines[first + i], y,
					  left + 2, state->columns);
	}
	if (!state->receipt_ready)
		draw_text(stdscr, top + 1, left + 2, state->columns,
			  theme_attr(THEME_ERROR), "No receipt to show");
	if (first > 0)
		draw_text(stdscr, top, left + width - 12, 10, A_BOLD,
			  " more: Up ");
	if (first + visible < state->receipt.count)
		draw_text(stdscr, bottom, left + width - 14, 12, A_BOLD,
			  " more: Down ");
}

/* Write the receiver of a transfer or cash-in to a pending customer as
 * "To Name - registration pending"; the receipt names the customer
 * without the state of the registration. */
static void result_receiver_text(const struct result_state *state,
				 char *text, size_t size)
{
	const char *name = state->receiver_name;

	snprintf(text, size, "To %s - registration pending",
		 name[0] != '\0' ? name : "new customer");
}

static void result_draw(const struct screen *screen, const struct ui *ui)
{
	const struct result_state *state = screen->state;
	const struct result_rows *rows =
		ui->compact ? &result_compact_rows : &result_wide_rows;
	char text[RESULT_TEXT_SIZE];
	int margin = ui->compact ? 0 : 2;
	int x = ui_column(ui, margin);
	int width = ui->columns - 2 * margin;
	int state_rows = result_state_rows(state, ui);
	int below_state = state_rows - 1;
	attr_t attr;
	int row;

	for (row = 0; row < ui->rows; row++)
		draw_blank(stdscr, ui_row(ui, row), 0, -1);

	attr = result_state_text(state, ui, text, sizeof(text));
	state_line_draw(ui, rows->state, state_rows, attr | A_BOLD, text);

	/* "Op " keeps the whole id within 40 columns. */
	snprintf(text, sizeof(text), "%s %s",
		 ui->compact ? "Op" : "Operation", ui->operation_id);
	draw_text(stdscr, ui_row(ui, rows->id + below_state), x, width,
		  A_NORMAL, text);
	draw_text(stdscr, ui_row(ui, rows->print + below_state), x, width,
		  state->print_failed ? theme_attr(THEME_ERROR) : A_BOLD,
		  state->print_message);
	if (result_receiver_pending(state)) {
		result_receiver_text(state, text, sizeof(text));
		draw_text(stdscr, ui_row(ui, rows->receiver + below_state), x,
			  width, theme_attr(THEME_PENDING) | A_BOLD, text);
	}
	result_draw_receipt(state, ui);
}

static void result_scroll(struct result_state *state, const struct ui *ui,
			  int lines)
{
	int visible = result_visible_lines(state, ui);
	int last = state->receipt.count - visible;

	state->scroll = result_first_line(state, visible) + lines;
	if (state->scroll > last)
		state->scroll = last;
	if (state->scroll < 0)
		state->scroll = 0;
}

static int result_on_action(struct screen *screen, struct ui *ui,
			    enum ui_action action)
{
	struct result_state *state = screen->state;

	switch (action) {
	case UI_ACTION_CONFIRM:
	case UI_ACTION_BACK:
		return ui_switch(ui, state->back);
	case UI_ACTION_PRINT:
		if (!state->loaded)
			return SCREEN_IGNORED;
		result_print(state, ui, state->printed);
		return SCREEN_HANDLED;
	case UI_ACTION_NEXT:
		result_scroll(state, ui, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		result_scroll(state, ui, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		result_scroll(state, ui,
			      result_visible_lines(state, ui));
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_UP:
		result_scroll(state, ui,
			      -result_visible_lines(state, ui));
		return SCREEN_HANDLED;
	default:
		return SCREEN_IGNORED;
	}
}

static int result_on_event(struct screen *screen, struct ui *ui,
			   const struct event *event)
{
	struct result_state *state = screen->state;

	switch (event->type) {
	case EVENT_OPERATION:
		if (!ui_event_is_for(event, ui->operation_id))
			return SCREEN_IGNORED;
		result_load(state, ui);
		result_print_when_due(state, ui);
		return SCREEN_REDRAW;
	case EVENT_LINK:
		result_print_when_due(state, ui);
		return SCREEN_REDRAW;
	case EVENT_PRINT_JOB:
		if (!ui_event_is_for(event, ui->operation_id))
			return SCREEN_IGNORED;
		/* The line follows the operation's last job, whichever
		 * job's end this is. */
		print_offer_describe(ui->app, ui->operation_id,
				     state->loaded &&
						     state->op.state ==
							     OP_REJECTED
					     ? "Rejection notice"
					     : "Receipt",
				     state->print_message,
				     sizeof(state->print_message));
		state->print_failed = event->status != PRINT_DONE;
		return SCREEN_REDRAW;
	default:
		return SCREEN_IGNORED;
	}
}

struct screen screen_result = {
	.name = "result",
	.cursor = false,
	.help = RESULT_HELP,
	.confirm_word = "Home",
	.back_word = "Home",
	.enter = result_enter,
	.layout = result_layout,
	.draw = result_draw,
	.on_action = result_on_action,
	.on_event = result_on_event,
	.state = &result,
};
