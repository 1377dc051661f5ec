/* The result screen: the operation's state as the journal records it,
 * the receipt preview, and printing. The state line never claims more
 * than the journal row, so it says PENDING until the central service
 * confirms. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>

#include "../app/log.h"
#include "../app/receipt.h"
#include "draw.h"
#include "screen.h"
#include "theme.h"

#define RESULT_STATE_ROW 1
#define RESULT_ID_ROW 2
#define RESULT_PRINT_ROW 3
#define RESULT_BOX_ROW 5
#define RESULT_BOX_ROWS (UI_CONTENT_ROWS - RESULT_BOX_ROW)
#define RESULT_VISIBLE_LINES (RESULT_BOX_ROWS - 2)

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
};

static struct result_state result;

/* Lay out the preview from the operation. */
static void result_build_receipt(struct result_state *state,
				 const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	struct receipt_context context = {
		.terminal_id = ui->app->config.terminal_id,
		.agent_name = session->logged_in ? session->agent_name : NULL,
		.copy = false,
	};

	state->receipt_ready =
		state->loaded && receipt_layout(&state->op, &context,
						state->columns,
						&state->receipt) == 0;
}

static void result_load(struct result_state *state, struct ui *ui)
{
	int rc = journal_get(ui->app->journal, ui->operation_id, &state->op);

	state->loaded = rc == JOURNAL_OK;
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
	if (rc == 0) {
		state->printed = true;
		snprintf(state->print_message, sizeof(state->print_message),
			 copy ? "Receipt copy printed" : "Receipt printed");
	}
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
			snprintf(state->print_message,
				 sizeof(state->print_message),
				 state->op.state == OP_ACCEPTED
					 ? "Receipt printed"
					 : "Rejection notice printed");
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

	(void)from;
	memset(state, 0, sizeof(*state));
	state->columns = ui->app->config.paper_columns == RECEIPT_COLUMNS_58MM
				 ? RECEIPT_COLUMNS_58MM
				 : RECEIPT_COLUMNS_80MM;
	result_load(state, ui);
	result_print_when_due(state, ui);
}

static void result_layout(struct screen *screen, struct ui *ui)
{
	struct result_state *state = screen->state;
	int paper = ui->app->config.paper_columns == RECEIPT_COLUMNS_58MM
			    ? RECEIPT_COLUMNS_58MM
			    : RECEIPT_COLUMNS_80MM;

	/* The preview matches the printed receipt, unless the paper's width
	 * plus the box's borders is wider than the terminal. */
	state->columns = paper + 4 <= COLS ? paper : RECEIPT_COLUMNS_58MM;
	result_build_receipt(state, ui);
}

/* The big state line and its attributes. */
static attr_t result_state_text(const struct result_state *state,
				const struct ui *ui, char *text, size_t size)
{
	const struct operation *op = &state->op;

	if (!state->loaded) {
		snprintf(text, size, "UNKNOWN - %s", state->load_error);
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
	switch (op->state) {
	case OP_QUEUED:
	case OP_IN_FLIGHT:
		snprintf(text, size, "%s",
			 ui->app->status.online
				 ? "PENDING - waiting for Spotbanc"
				 : "PENDING - offline, will be sent "
				   "automatically");
		return theme_attr(THEME_PENDING) | A_REVERSE;
	case OP_ACCEPTED:
		snprintf(text, size, "CONFIRMED  Ref %s", op->reference);
		return theme_attr(THEME_OK) | A_REVERSE;
	case OP_REJECTED:
		snprintf(text, size, "REJECTED: %s", op->last_error);
		return theme_attr(THEME_ERROR) | A_REVERSE;
	case OP_NEEDS_ATTENTION:
	default:
		snprintf(text, size, "NEEDS ATTENTION - call support");
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
}

static void result_draw_line(const struct receipt_line *line, int y, int x,
			     int columns)
{
	switch (line->style) {
	case RECEIPT_STYLE_CENTER:
		draw_centered(stdscr, y, x, columns, A_BOLD, line->text);
		break;
	case RECEIPT_STYLE_TOTAL:
		draw_text(stdscr, y, x, columns, A_BOLD, line->text);
		break;
	case RECEIPT_STYLE_RULE:
		mvwhline(stdscr, y, x, '-', columns);
		break;
	case RECEIPT_STYLE_PLAIN:
	default:
		draw_text(stdscr, y, x, columns, A_NORMAL, line->text);
		break;
	}
}

/* First receipt line to show: the scroll position, kept inside the
 * receipt. */
static int result_first_line(const struct result_state *state)
{
	int last = state->receipt.count - RESULT_VISIBLE_LINES;
	int first = state->scroll;

	if (first > last)
		first = last;
	return first < 0 ? 0 : first;
}

static void result_draw_receipt(const struct result_state *state,
				const struct ui *ui)
{
	int width = state->columns + 4;
	int top = ui_row(ui, RESULT_BOX_ROW);
	int left = ui_column(ui, (UI_COLUMNS - width) / 2);
	int bottom = top + RESULT_BOX_ROWS - 1;
	int first = result_first_line(state);
	int i;

	mvwhline(stdscr, top, left, ACS_HLINE, width);
	mvwhline(stdscr, bottom, left, ACS_HLINE, width);
	mvwvline(stdscr, top, left, ACS_VLINE, RESULT_BOX_ROWS);
	mvwvline(stdscr, top, left + width - 1, ACS_VLINE, RESULT_BOX_ROWS);
	mvwaddch(stdscr, top, left, ACS_ULCORNER);
	mvwaddch(stdscr, top, left + width - 1, ACS_URCORNER);
	mvwaddch(stdscr, bottom, left, ACS_LLCORNER);
	mvwaddch(stdscr, bottom, left + width - 1, ACS_LRCORNER);
	draw_text(stdscr, top, left + 2, width - 4, A_BOLD, " Receipt ");

	for (i = 0; i < RESULT_VISIBLE_LINES; i++) {
		int y = top + 1 + i;

		draw_blank(stdscr, y, left + 1, width - 2);
		if (state->receipt_ready && first + i < state->receipt.count)
			result_draw_line(&state->receipt.lines[first + i], y,
					 left + 2, state->columns);
	}
	if (!state->receipt_ready)
		draw_text(stdscr, top + 1, left + 2, state->columns,
			  theme_attr(THEME_ERROR), "No receipt to show");
	if (first > 0)
		draw_text(stdscr, top, left + width - 12, 10, A_BOLD,
			  " more: Up ");
	if (first + RESULT_VISIBLE_LINES < state->receipt.count)
		draw_text(stdscr, bottom, left + width - 14, 12, A_BOLD,
			  " more: Down ");
}

static void result_draw(const struct screen *screen, const struct ui *ui)
{
	const struct result_state *state = screen->state;
	char text[JOURNAL_ERROR_SIZE + 32];
	int x = ui_column(ui, 0);
	attr_t attr;
	int row;

	for (row = 0; row < UI_CONTENT_ROWS; row++)
		draw_blank(stdscr, ui_row(ui, row), 0, -1);

	attr = result_state_text(state, ui, text, sizeof(text));
	draw_line(stdscr, ui_row(ui, RESULT_STATE_ROW), x, UI_COLUMNS,
		  attr | A_BOLD, "");
	draw_text(stdscr, ui_row(ui, RESULT_STATE_ROW), x + 2, UI_COLUMNS - 4,
		  attr | A_BOLD, text);

	snprintf(text, sizeof(text), "Operation %s", ui->operation_id);
	draw_text(stdscr, ui_row(ui, RESULT_ID_ROW), x + 2, UI_COLUMNS - 4,
		  A_NORMAL, text);
	draw_text(stdscr, ui_row(ui, RESULT_PRINT_ROW), x + 2,
		  UI_COLUMNS - 4,
		  state->print_failed ? theme_attr(THEME_ERROR) : A_BOLD,
		  state->print_message);
	result_draw_receipt(state, ui);
}

static void result_scroll(struct result_state *state, int lines)
{
	int last = state->receipt.count - RESULT_VISIBLE_LINES;

	state->scroll = result_first_line(state) + lines;
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
		return ui_switch(ui, SCREEN_HOME);
	case UI_ACTION_PRINT:
		if (!state->loaded)
			return SCREEN_IGNORED;
		result_print(state, ui, state->printed);
		return SCREEN_HANDLED;
	case UI_ACTION_NEXT:
		result_scroll(state, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		result_scroll(state, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		result_scroll(state, RESULT_VISIBLE_LINES);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_UP:
		result_scroll(state, -RESULT_VISIBLE_LINES);
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
	default:
		return SCREEN_IGNORED;
	}
}

struct screen screen_result = {
	.name = "result",
	.cursor = false,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SCROLL |
		UI_HELP_SYNC | UI_HELP_PRINT | UI_HELP_QUIT,
	.confirm_word = "Home",
	.back_word = "Home",
	.enter = result_enter,
	.layout = result_layout,
	.draw = result_draw,
	.on_action = result_on_action,
	.on_event = result_on_event,
	.state = &result,
};
