/* The queue screen: the journal's operations under one filter, a page at
 * a time, newest first, and the keys that open the selected one's details
 * (ui/queue_detail.c) and carry out the numbered action picked there. */
#define LOG_MODULE "ui"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/api_money.h"
#include "../app/currency.h"
#include "../app/log.h"
#include "draw.h"
#include "queue_detail.h"
#include "screen.h"
#include "theme.h"

#define QUEUE_TITLE_ROW 1
#define QUEUE_HINT_ROW 2
#define QUEUE_HEADER_ROW 3
#define QUEUE_LIST_ROW 4
#define QUEUE_PAGE_ROWS 14 /* rows 4 to 17 */
#define QUEUE_PAGE_ROW 18
#define QUEUE_SELECTED_ROW 19
#define QUEUE_TEXT_ROW 20

/* The compact list: title, header, 8 rows, the selected operation's
 * text and the page line. */
#define QUEUE_COMPACT_HEADER_ROW 1
#define QUEUE_COMPACT_LIST_ROW 2
#define QUEUE_COMPACT_PAGE_ROWS 8 /* rows 2 to 9 */
#define QUEUE_COMPACT_TEXT_ROW 10
#define QUEUE_COMPACT_PAGE_ROW 11

/* Columns of the compact list, 40 in all: the selection mark, the local
 * time the operation was made, a short type, the amount (right-aligned)
 * and the state. */
#define QUEUE_COMPACT_COLUMN_TIME 1
#define QUEUE_COMPACT_WIDTH_TIME 5
#define QUEUE_COMPACT_COLUMN_TYPE 7
#define QUEUE_COMPACT_WIDTH_TYPE 8
#define QUEUE_COMPACT_COLUMN_AMOUNT 16
#define QUEUE_COMPACT_WIDTH_AMOUNT 14
#define QUEUE_COMPACT_COLUMN_STATE 31
#define QUEUE_COMPACT_WIDTH_STATE 9

/* Content columns of the list. Age and amount are right-aligned. */
#define QUEUE_COLUMN_STATE 2
#define QUEUE_WIDTH_STATE 9
#define QUEUE_COLUMN_AGE 12
#define QUEUE_WIDTH_AGE 4
#define QUEUE_COLUMN_AMOUNT 18
#define QUEUE_WIDTH_AMOUNT 18
#define QUEUE_COLUMN_TYPE 38
#define QUEUE_WIDTH_TYPE 16
#define QUEUE_COLUMN_TEXT 55
#define QUEUE_WIDTH_TEXT (UI_COLUMNS - QUEUE_COLUMN_TEXT - 1)

#define STATE_BIT(state) (1u << (state))

struct queue_filter_info {
	unsigned mask; /* state bits for journal_list */
	const char *name;
	const char *empty; /* shown when nothing matches */
};

static const struct queue_filter_info queue_filters[QUEUE_FILTER_COUNT] = {
	[QUEUE_FILTER_WAITING] = {
		.mask = STATE_BIT(OP_QUEUED) | STATE_BIT(OP_IN_FLIGHT),
		.name = "Waiting",
		.empty = "No operations are waiting to be sent.",
	},
	[QUEUE_FILTER_ATTENTION] = {
		.mask = STATE_BIT(OP_NEEDS_ATTENTION),
		.name = "Needs attention",
		.empty = "No operations need attention.",
	},
	[QUEUE_FILTER_REJECTED] = {
		.mask = STATE_BIT(OP_REJECTED),
		.name = "Rejected",
		.empty = "No rejected operations.",
	},
	[QUEUE_FILTER_ACCEPTED] = {
		.mask = STATE_BIT(OP_ACCEPTED),
		.name = "Accepted",
		.empty = "No accepted operations.",
	},
	[QUEUE_FILTER_ALL] = {
		.mask = STATE_BIT(OP_QUEUED) | STATE_BIT(OP_IN_FLIGHT) |
			STATE_BIT(OP_ACCEPTED) | STATE_BIT(OP_REJECTED) |
			STATE_BIT(OP_NEEDS_ATTENTION),
		.name = "All",
		.empty = "The journal has no operations.",
	},
};

static const enum theme_role queue_state_roles[OP_STATE_COUNT] = {
	[OP_QUEUED] = THEME_PENDING,
	[OP_IN_FLIGHT] = THEME_PENDING,
	[OP_ACCEPTED] = THEME_OK,
	[OP_REJECTED] = THEME_ERROR,
	[OP_NEEDS_ATTENTION] = THEME_ERROR,
};

struct queue_state {
	enum queue_filter filter;
	int page;     /* rows per page in the layout in use */
	int offset;   /* journal_list offset of rows[0] */
	int count;    /* rows shown, at most page */
	bool more;    /* older rows follow this page */
	int selected; /* index in rows */
	bool stale;   /* reload before the next draw */
	char error[UI_MESSAGE_SIZE];

	/* One row more than a page, to learn whether another page follows. */
	struct operation rows[QUEUE_PAGE_ROWS + 1];

	/* The details view, shown when `detail` is set. */
	bool detail;
	struct queue_detail view;

	/* The action that the open confirmation dialog is for, or
	 * QUEUE_DO_NOTHING. */
	enum queue_action confirming;
};

/* The digit that confirms a cancel or a discard; Esc or any other
 * listed digit keeps the operation. */
#define QUEUE_CONFIRM_YES 1
#define QUEUE_CONFIRM_NO 0

static struct queue_state queue;

#define QUEUE_HELP_KEYS \
	"1 Waiting 2 Needs attention 3 Rejected 4 Accepted 5 All"
#define QUEUE_HELP_KEYS_COMPACT "1-5:Filter"
/* The compact help line has no room for R and P, which still work: the
 * numbered choices offer both actions there. R shows only for an
 * operation that the details offer for reversal. */
#define QUEUE_DETAIL_HELP_KEYS "0-9 Action  R Reverse  P Print copy"
#define QUEUE_DETAIL_HELP_KEYS_NO_REVERSE "0-9 Action  P Print copy"
#define QUEUE_DETAIL_HELP_KEYS_COMPACT "0-9:Action"

static attr_t queue_state_attr(enum op_state state)
{
	if ((int)state < 0 || state >= OP_STATE_COUNT)
		return theme_attr(THEME_ERROR);
	return theme_attr(queue_state_roles[state]);
}

/* Write the local time created_at as "14:05" on the day of now, else as
 * the month and day, "12-03". */
static void queue_format_time(int64_t created_at, int64_t now, char *buf,
			      size_t size)
{
	time_t when = (time_t)created_at;
	time_t today = (time_t)now;
	struct tm made;
	struct tm local_now;

	if (localtime_r(&when, &made) == NULL ||
	    localtime_r(&today, &local_now) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	if (made.tm_year == local_now.tm_year &&
	    made.tm_yday == local_now.tm_yday)
		strftime(buf, size, "%H:%M", &made);
	else
		strftime(buf, size, "%m-%d", &made);
}

/* Write the reference of an accepted operation, else its last error or
 * its progress. A conflict's reason is a JSON object meant for the
 * details view, so the list names the fields instead. */
static void queue_format_text(const struct operation *op, char *buf,
			      size_t size)
{
	struct customer_conflict conflict;
	size_t used;
	int i;

	if (op->state == OP_ACCEPTED) {
		snprintf(buf, size, "Ref %s", op->reference);
	} else if (queue_conflict(op, &conflict)) {
		used = (size_t)snprintf(buf, size, "Changed at Spotbanc:");
		for (i = 0; i < conflict.count && used < size; i++)
			used += (size_t)snprintf(
				buf + used, size - used, "%s %s",
				i > 0 ? "," : "",
				queue_field_word(conflict.fields[i].name));
	} else if (op->last_error[0] != '\0') {
		snprintf(buf, size, "%s", op->last_error);
	} else if (op->state == OP_IN_FLIGHT) {
		snprintf(buf, size, "Sent, waiting for the answer");
	} else if (op->state == OP_QUEUED && op->sent == 0) {
		snprintf(buf, size, "Not sent yet");
	} else {
		buf[0] = '\0';
	}
}

/* Read the page at state->offset, keeping the selection on the same
 * operation when it is still there. */
static void queue_load(struct queue_state *state, struct ui *ui)
{
	const struct queue_filter_info *filter = &queue_filters[state->filter];
	char selected_id[JOURNAL_ID_SIZE] = "";
	int page = state->page;
	int n;
	int i;

	if (state->selected < state->count)
		memcpy(selected_id, state->rows[state->selected].id,
		       sizeof(selected_id));
	state->stale = false;
	state->error[0] = '\0';

	n = journal_list(ui->app->journal, filter->mask, state->offset,
			 state->rows, page + 1);

	/* Rows left the filter and the page is past the end: step back a
	 * page once, then to the first page. */
	if (n == 0 && state->offset > 0) {
		state->offset -= state->offset < page ? state->offset : page;
		n = journal_list(ui->app->journal, filter->mask,
				 state->offset, state->rows, page + 1);
		if (n == 0 && state->offset > 0) {
			state->offset = 0;
			n = journal_list(ui->app->journal, filter->mask, 0,
					 state->rows, page + 1);
		}
	}
	if (n < 0) {
		log_error("cannot list operations (%s): %s", filter->name,
			  journal_strerror(n));
		snprintf(state->error, sizeof(state->error),
			 "Cannot read the journal: %s", journal_strerror(n));
		n = 0;
	}
	state->more = n > page;
	state->count = n > page ? page : n;

	for (i = 0; i < state->count && selected_id[0] != '\0'; i++) {
		if (strcmp(state->rows[i].id, selected_id) == 0) {
			state->selected = i;
			return;
		}
	}
	if (state->selected >= state->count)
		state->selected = state->count > 0 ? state->count - 1 : 0;
}

/* Show the first page of filter. */
static void queue_show_filter(struct queue_state *state, struct ui *ui,
			      enum queue_filter filter)
{
	state->filter = filter;
	state->offset = 0;
	state->selected = 0;
	state->count = 0;
	queue_load(state, ui);
}

/* Return whether the details view offers a reversal. */
static bool queue_offers_reversal(const struct queue_detail *view)
{
	size_t i;

	for (i = 0; i < sizeof(view->actions) / sizeof(view->actions[0]);
	     i++) {
		if (view->actions[i] == QUEUE_DO_REVERSE)
			return true;
	}
	return false;
}

/* Set the help line for the list or the details view. */
static void queue_set_help(struct screen *screen,
			   const struct queue_state *state)
{
	if (state->detail) {
		screen->help = UI_HELP_BACK | UI_HELP_SCROLL;
		screen->back_word = "List";
		screen->help_keys = queue_offers_reversal(&state->view)
					    ? QUEUE_DETAIL_HELP_KEYS
					    : QUEUE_DETAIL_HELP_KEYS_NO_REVERSE;
		screen->help_keys_compact = QUEUE_DETAIL_HELP_KEYS_COMPACT;
		return;
	}
	screen->help = UI_HELP_CONFIRM | UI_HELP_BACK;
	screen->back_word = "Home";
	screen->help_keys = QUEUE_HELP_KEYS;
	screen->help_keys_compact = QUEUE_HELP_KEYS_COMPACT;
}

static void queue_close_detail(struct screen *screen)
{
	struct queue_state *state = screen->state;

	state->detail = false;
	state->view.scroll = 0;
	queue_set_help(screen, state);
}

static void queue_enter(struct screen *screen, struct ui *ui,
			enum screen_id from)
{
	struct queue_state *state = screen->state;

	if (from == SCREEN_HOME && ui->queue_filter >= 0 &&
	    ui->queue_filter < QUEUE_FILTER_COUNT)
		state->filter = ui->queue_filter;
	if (state->page <= 0)
		state->page = ui->compact ? QUEUE_COMPACT_PAGE_ROWS
					  : QUEUE_PAGE_ROWS;
	queue_close_detail(screen);
	queue_show_filter(state, ui, state->filter);
}

/* Follow the layout's page size, keeping the selected operation on the
 * page that now contains it. */
static void queue_layout(struct screen *screen, struct ui *ui)
{
	struct queue_state *state = screen->state;
	int page = ui->compact ? QUEUE_COMPACT_PAGE_ROWS : QUEUE_PAGE_ROWS;
	int index = state->offset + state->selected;

	if (ui->too_small || page == state->page)
		return;
	state->page = page;
	state->offset = index / page * page;
	state->selected = index % page;
	state->count = 0;
	queue_load(state, ui);
}

static void queue_open_detail(struct screen *screen, struct ui *ui,
			      const char *id)
{
	struct queue_state *state = screen->state;

	if (!queue_detail_read(&state->view, ui, id))
		return;
	state->detail = true;
	state->view.scroll = 0;
	queue_set_help(screen, state);
}

static void queue_reload(struct screen *screen, struct ui *ui)
{
	struct queue_state *state = screen->state;

	if (!state->stale)
		return;
	queue_load(state, ui);

	/* The operation may have moved on while its details were shown
	 * (sent, rejected...), and the choices must follow. */
	if (state->detail &&
	    !queue_detail_read(&state->view, ui, state->view.op.id))
		queue_close_detail(screen);
	else
		queue_set_help(screen, state);
}

static void queue_draw_header(const struct queue_state *state,
			      const struct ui *ui)
{
	int x = ui_column(ui, 0);
	char line[UI_COLUMNS * 2];

	snprintf(line, sizeof(line), "%sQueue: %s", ui->compact ? "" : "  ",
		 queue_filters[state->filter].name);
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : QUEUE_TITLE_ROW), x,
		  ui->columns, theme_attr(THEME_TITLE), line);
	if (ui->compact) {
		snprintf(line, sizeof(line), " %-*s %-*s %*s %-*s",
			 QUEUE_COMPACT_WIDTH_TIME, "Time",
			 QUEUE_COMPACT_WIDTH_TYPE, "Type",
			 QUEUE_COMPACT_WIDTH_AMOUNT, "Amount",
			 QUEUE_COMPACT_WIDTH_STATE, "State");
		draw_line(stdscr, ui_row(ui, QUEUE_COMPACT_HEADER_ROW), x,
			  ui->columns, A_BOLD | A_UNDERLINE, line);
		return;
	}
	draw_line(stdscr, ui_row(ui, QUEUE_HINT_ROW), x + 2, UI_COLUMNS - 2,
		  A_DIM,
		  "Newest first.  Up/Down select, PgUp/PgDn page, "
		  "Enter actions, F5 send now");

	snprintf(line, sizeof(line), "%-*s %*s  %*s  %-*s %s",
		 QUEUE_WIDTH_STATE, "State", QUEUE_WIDTH_AGE, "Age",
		 QUEUE_WIDTH_AMOUNT, "Amount", QUEUE_WIDTH_TYPE, "Type",
		 "Reason or reference");
	draw_line(stdscr, ui_row(ui, QUEUE_HEADER_ROW), x + QUEUE_COLUMN_STATE,
		  UI_COLUMNS - QUEUE_COLUMN_STATE, A_BOLD | A_UNDERLINE, line);
}

/* Write the amount right-aligned in width columns. An amount too wide
 * loses its currency code when short_form is set. If it is still too
 * wide, it shows as '#' rather than cut, because a cut amount would be a
 * wrong number. The details show it in full. */
static void queue_amount_cell(const struct operation *op, int width,
			      bool short_form, char *cell, size_t size)
{
	char amount[CURRENCY_TEXT_MAX + 8];
	const char *text = amount;

	queue_format_amount(op, amount, sizeof(amount));
	if (short_form && draw_text_width(text) > width &&
	    strchr(text, ' ') != NULL)
		text = strchr(text, ' ') + 1;
	if (draw_text_width(text) > width)
		snprintf(cell, size, "%.*s", width,
			 "##################################");
	else
		snprintf(cell, size, "%*s", width, text);
}

static void queue_draw_row(const struct operation *op, bool selected,
			   int y, int x, int64_t now)
{
	attr_t base = selected ? A_REVERSE : A_NORMAL;
	char text[JOURNAL_ERROR_SIZE + 8];
	char age[QUEUE_AGE_SIZE];
	char cell[CURRENCY_TEXT_MAX + 8];

	mvwhline(stdscr, y, x, ' ' | base, UI_COLUMNS);
	if (selected)
		draw_text(stdscr, y, x, 2, base | A_BOLD, ">");
	draw_text(stdscr, y, x + QUEUE_COLUMN_STATE, QUEUE_WIDTH_STATE,
		  queue_state_attr(op->state) | base,
		  queue_state_word(op->state));

	queue_format_age(op->created_at, now, age, sizeof(age));
	snprintf(cell, sizeof(cell), "%*s", QUEUE_WIDTH_AGE, age);
	draw_text(stdscr, y, x + QUEUE_COLUMN_AGE, QUEUE_WIDTH_AGE, base,
		  cell);

	queue_amount_cell(op, QUEUE_WIDTH_AMOUNT, false, cell, sizeof(cell));
	draw_text(stdscr, y, x + QUEUE_COLUMN_AMOUNT, QUEUE_WIDTH_AMOUNT,
		  base | A_BOLD, cell);

	draw_text(stdscr, y, x + QUEUE_COLUMN_TYPE, QUEUE_WIDTH_TYPE, base,
		  queue_type_word(op->type, false));
	queue_format_text(op, text, sizeof(text));
	draw_text(stdscr, y, x + QUEUE_COLUMN_TEXT, QUEUE_WIDTH_TEXT, base,
		  text);
}

/* One row of the compact list: time, type, amount and state, the
 * columns that tell operations apart; the reason goes under the list. */
static void queue_draw_compact_row(const struct operation *op,
				   bool selected, int y, int x, int64_t now)
{
	attr_t base = selected ? A_REVERSE : A_NORMAL;
	char cell[CURRENCY_TEXT_MAX + 8];

	mvwhline(stdscr, y, x, ' ' | base, UI_COMPACT_COLUMNS);
	if (selected)
		draw_text(stdscr, y, x, 1, base | A_BOLD, ">");
	queue_format_time(op->created_at, now, cell, sizeof(cell));
	draw_text(stdscr, y, x + QUEUE_COMPACT_COLUMN_TIME,
		  QUEUE_COMPACT_WIDTH_TIME, base, cell);
	draw_text(stdscr, y, x + QUEUE_COMPACT_COLUMN_TYPE,
		  QUEUE_COMPACT_WIDTH_TYPE, base,
		  queue_type_word(op->type, true));
	queue_amount_cell(op, QUEUE_COMPACT_WIDTH_AMOUNT, true, cell,
			  sizeof(cell));
	draw_text(stdscr, y, x + QUEUE_COMPACT_COLUMN_AMOUNT,
		  QUEUE_COMPACT_WIDTH_AMOUNT, base | A_BOLD, cell);
	draw_text(stdscr, y, x + QUEUE_COMPACT_COLUMN_STATE,
		  QUEUE_COMPACT_WIDTH_STATE,
		  queue_state_attr(op->state) | base,
		  queue_state_word(op->state));
}

/* Write the page line: the rows shown and the keys to other pages. */
static void queue_page_line(const struct queue_state *state, bool compact,
			    char *line, size_t size)
{
	snprintf(line, size, "Rows %d-%d%s%s", state->offset + 1,
		 state->offset + state->count,
		 state->more ? (compact ? "  PgDn:older" : "   PgDn: older")
			     : "",
		 state->offset > 0
			 ? (compact ? "  PgUp:newer" : "   PgUp: newer")
			 : "");
}

/* The page line and the selected operation's id and full text. */
static void queue_draw_footer(const struct queue_state *state,
			      const struct ui *ui)
{
	const struct operation *op = &state->rows[state->selected];
	int x = ui_column(ui, 2);
	int width = UI_COLUMNS - 4;
	char line[JOURNAL_ERROR_SIZE + 64];

	if (state->error[0] != '\0') {
		draw_line(stdscr, ui_row(ui, QUEUE_PAGE_ROW), x, width,
			  theme_attr(THEME_ERROR), state->error);
		return;
	}
	if (state->count == 0) {
		draw_line(stdscr, ui_row(ui, QUEUE_PAGE_ROW), x, width,
			  A_NORMAL, queue_filters[state->filter].empty);
		return;
	}
	queue_page_line(state, false, line, sizeof(line));
	draw_line(stdscr, ui_row(ui, QUEUE_PAGE_ROW), x, width, A_DIM, line);

	snprintf(line, sizeof(line), "Operation %s  attempts %d%s", op->id,
		 op->attempts,
		 queue_unacknowledged(op) ? "  NOT ACKNOWLEDGED" : "");
	draw_line(stdscr, ui_row(ui, QUEUE_SELECTED_ROW), x, width, A_BOLD,
		  line);
	queue_format_text(op, line, sizeof(line));
	draw_line(stdscr, ui_row(ui, QUEUE_TEXT_ROW), x, width, A_NORMAL,
		  line);
}

/* The compact footer: the selected operation's text, marked when its
 * rejection is not acknowledged, and the page line. The id is in the
 * details. */
static void queue_draw_compact_footer(const struct queue_state *state,
				      const struct ui *ui)
{
	const struct operation *op = &state->rows[state->selected];
	int x = ui_column(ui, 0);
	int width = ui->columns;
	char text[JOURNAL_ERROR_SIZE + 8];
	char line[JOURNAL_ERROR_SIZE + 32];

	if (state->error[0] != '\0' || state->count == 0) {
		draw_line(stdscr, ui_row(ui, QUEUE_COMPACT_LIST_ROW), x, width,
			  state->error[0] != '\0' ? theme_attr(THEME_ERROR)
						  : A_NORMAL,
			  state->error[0] != '\0'
				  ? state->error
				  : queue_filters[state->filter].empty);
		return;
	}
	queue_format_text(op, text, sizeof(text));
	snprintf(line, sizeof(line), "%s%s",
		 queue_unacknowledged(op) ? "NOT ACKNOWLEDGED " : "", text);
	draw_line(stdscr, ui_row(ui, QUEUE_COMPACT_TEXT_ROW), x, width,
		  A_BOLD, line);
	queue_page_line(state, true, line, sizeof(line));
	draw_line(stdscr, ui_row(ui, QUEUE_COMPACT_PAGE_ROW), x, width, A_DIM,
		  line);
}

static void queue_draw(const struct screen *screen, const struct ui *ui)
{
	const struct queue_state *state = screen->state;
	int64_t now = (int64_t)time(NULL);
	int x = ui_column(ui, 0);
	int row;
	int i;

	for (row = 0; row < ui->rows; row++)
		draw_blank(stdscr, ui_row(ui, row), 0, -1);
	if (state->detail) {
		queue_detail_draw(&state->view, ui);
		return;
	}
	queue_draw_header(state, ui);
	for (i = 0; i < state->count; i++) {
		if (ui->compact)
			queue_draw_compact_row(
				&state->rows[i], i == state->selected,
				ui_row(ui, QUEUE_COMPACT_LIST_ROW + i), x, now);
		else
			queue_draw_row(&state->rows[i], i == state->selected,
				       ui_row(ui, QUEUE_LIST_ROW + i), x, now);
	}
	if (ui->compact)
		queue_draw_compact_footer(state, ui);
	else
		queue_draw_footer(state, ui);
}

/* Move the selection by one row, across page edges. */
static void queue_step(struct queue_state *state, struct ui *ui, int step)
{
	int target = state->selected + step;
	int page = state->page;

	if (target >= 0 && target < state->count) {
		state->selected = target;
		return;
	}
	if (target >= state->count && state->more) {
		state->offset += page;
		state->selected = 0;
		state->count = 0;
		queue_load(state, ui);
	} else if (target < 0 && state->offset > 0) {
		state->offset -= state->offset < page ? state->offset : page;
		state->selected = page - 1;
		state->count = 0;
		queue_load(state, ui);
	}
}

/* Move a page, keeping the selection's place on the page. */
static void queue_page(struct queue_state *state, struct ui *ui, int pages)
{
	int offset = state->offset + pages * state->page;

	if (pages > 0 && !state->more)
		return;
	if (offset < 0)
		offset = 0;
	if (offset == state->offset)
		return;
	state->offset = offset;
	state->count = 0;
	queue_load(state, ui);
}

static int queue_detail_on_action(struct screen *screen, struct ui *ui,
				  enum ui_action action)
{
	struct queue_state *state = screen->state;
	int page = ui->rows / 2;

	switch (action) {
	case UI_ACTION_NEXT:
		queue_detail_scroll(&state->view, ui, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		queue_detail_scroll(&state->view, ui, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		queue_detail_scroll(&state->view, ui, page);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_UP:
		queue_detail_scroll(&state->view, ui, -page);
		return SCREEN_HANDLED;
	case UI_ACTION_BACK:
		queue_close_detail(screen);
		return SCREEN_HANDLED;
	default:
		return SCREEN_IGNORED;
	}
}

static int queue_on_action(struct screen *screen, struct ui *ui,
			   enum ui_action action)
{
	struct queue_state *state = screen->state;

	if (state->detail)
		return queue_detail_on_action(screen, ui, action);
	switch (action) {
	case UI_ACTION_NEXT:
		queue_step(state, ui, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		queue_step(state, ui, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		queue_page(state, ui, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_UP:
		queue_page(state, ui, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_HOME:
		queue_show_filter(state, ui, state->filter);
		return SCREEN_HANDLED;
	case UI_ACTION_CONFIRM:
		if (state->count > 0)
			queue_open_detail(screen, ui,
					  state->rows[state->selected].id);
		return SCREEN_HANDLED;
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

/* Open the reversal form for the operation of the details view, or say
 * on the notice line why it cannot be reversed. */
static int queue_reverse(struct screen *screen, struct ui *ui)
{
	struct queue_state *state = screen->state;
	const char *id = state->view.op.id;
	char message[UI_MESSAGE_SIZE] = "";

	if (money_reversal_check(ui->app->journal, id, message,
				 sizeof(message)) != 0) {
		snprintf(ui->notice, sizeof(ui->notice), "%.*s",
			 (int)sizeof(ui->notice) - 1, message);
		return SCREEN_HANDLED;
	}
	memset(&ui->money, 0, sizeof(ui->money));
	snprintf(ui->money.type, sizeof(ui->money.type), "%s",
		 API_TYPE_REVERSAL);
	snprintf(ui->money.u.reversal.original_id,
		 sizeof(ui->money.u.reversal.original_id), "%s", id);
	queue_close_detail(screen);
	state->stale = true;
	return ui_switch(ui, SCREEN_MONEY);
}

/* Carry out an action on the operation of the details view, show the
 * service layer's message on the notice line, and go back to the list. */
static int queue_run(struct screen *screen, struct ui *ui,
		     enum queue_action action)
{
	struct queue_state *state = screen->state;
	const char *id = state->view.op.id;
	char message[UI_MESSAGE_SIZE] = "";

	/* Both print functions return "Receipt printed", so the message
	 * names the print that came out, as the result screen does. */
	switch (action) {
	case QUEUE_DO_RETRY:
		app_retry_operation(ui->app, id, message, sizeof(message));
		break;
	case QUEUE_DO_CANCEL:
		app_cancel_operation(ui->app, id, message, sizeof(message));
		break;
	case QUEUE_DO_DISCARD:
		app_discard_operation(ui->app, id, message, sizeof(message));
		break;
	case QUEUE_DO_ACKNOWLEDGE:
		app_acknowledge_operation(ui->app, id, message,
					  sizeof(message));
		break;
	case QUEUE_DO_NOTICE:
		if (app_print_notice(ui->app, id, message,
				     sizeof(message)) == 0)
			app_print_outcome(ui->app, "Rejection notice",
					  message, sizeof(message));
		break;
	case QUEUE_DO_RECEIPT:
		app_print_receipt(ui->app, id, true, message, sizeof(message));
		break;
	case QUEUE_DO_REVERSE:
		return queue_reverse(screen, ui);
	case QUEUE_DO_NOTHING:
	default:
		return SCREEN_IGNORED;
	}
	snprintf(ui->notice, sizeof(ui->notice), "%.*s",
		 (int)sizeof(ui->notice) - 1, message);
	queue_close_detail(screen);
	state->stale = true;
	return SCREEN_HANDLED;
}

/* Write the question before a cancel or a discard: the operation, and
 * what the action changes. */
static void queue_confirm_text(const struct operation *op,
			       enum queue_action action, char *text,
			       size_t size)
{
	struct customer_conflict conflict;
	char amount[CURRENCY_TEXT_MAX + 8];

	queue_format_amount(op, amount, sizeof(amount));
	if (action == QUEUE_DO_DISCARD && queue_conflict(op, &conflict)) {
		snprintf(text, size,
			 "Discard this profile edit?\nOperation %s\n"
			 "Spotbanc applied nothing from it and keeps "
			 "version %lld. The edit is closed as rejected; find "
			 "the customer again to edit the current profile.",
			 op->id, (long long)conflict.version);
		return;
	}
	/* A held operation may have been sent and rejected as "not
	 * applied", so the text states only what is certain. */
	if (api_type_moves_money(op->type)) {
		char word[32];

		/* "Wallet transfer" reads "wallet transfer" in a sentence. */
		snprintf(word, sizeof(word), "%s",
			 queue_type_word(op->type, false));
		word[0] = (char)tolower((unsigned char)word[0]);
		snprintf(text, size,
			 "Cancel this %s of %s?\nOperation %s\n"
			 "Spotbanc has not applied it, so no money moves. It "
			 "is closed as rejected and a notice is printed for "
			 "the customer.",
			 word, amount, op->id);
		return;
	}
	snprintf(text, size,
		 "Cancel this %s?\nOperation %s\nSpotbanc has not applied "
		 "it, so nothing changes there. It is closed as rejected.",
		 queue_type_word(op->type, false), op->id);
}

/* Ask before a cancel or a discard, which cannot be undone. */
static int queue_ask(struct screen *screen, struct ui *ui,
		     enum queue_action action)
{
	struct queue_state *state = screen->state;
	bool discard = action == QUEUE_DO_DISCARD;
	const struct dialog_choice choices[] = {
		{ .digit = QUEUE_CONFIRM_YES,
		  .label = discard ? "Discard it" : "Cancel it" },
		{ .digit = QUEUE_CONFIRM_NO, .label = "Keep it" },
	};
	char text[DIALOG_TEXT_SIZE];

	queue_confirm_text(&state->view.op, action, text, sizeof(text));
	dialog_choose(&ui->dialog, discard ? "Discard edit" : "Cancel",
		      text, choices, 2);
	state->confirming = action;
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* Start the digit's action. A cancel or a discard opens a question
 * first. */
static int queue_act(struct screen *screen, struct ui *ui, int digit)
{
	struct queue_state *state = screen->state;
	enum queue_action action = state->view.actions[digit];

	if (action == QUEUE_DO_CANCEL || action == QUEUE_DO_DISCARD)
		return queue_ask(screen, ui, action);
	return queue_run(screen, ui, action);
}

/* Run the action of queue_ask's dialog when the agent picked
 * QUEUE_CONFIRM_YES. Esc closes the dialog without a call. */
static int queue_on_choice(struct screen *screen, struct ui *ui, int digit)
{
	struct queue_state *state = screen->state;
	enum queue_action action = state->confirming;

	state->confirming = QUEUE_DO_NOTHING;
	if (digit != QUEUE_CONFIRM_YES || action == QUEUE_DO_NOTHING ||
	    !state->detail)
		return SCREEN_HANDLED | SCREEN_REDRAW;
	return queue_run(screen, ui, action);
}

/* A digit picks a filter on the list, and an action on the details,
 * where R also reverses and P prints a copy of the receipt. */
static int queue_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct queue_state *state = screen->state;
	int digit = (int)(ch - L'0');

	if (state->detail && (ch == L'r' || ch == L'R'))
		return queue_run(screen, ui, QUEUE_DO_REVERSE);
	if (state->detail && (ch == L'p' || ch == L'P'))
		return queue_run(screen, ui, QUEUE_DO_RECEIPT);
	if (digit < 0 || digit > 9)
		return SCREEN_IGNORED;
	if (state->detail)
		return queue_act(screen, ui, digit);
	if (digit < 1 || digit > QUEUE_FILTER_COUNT)
		return SCREEN_IGNORED;
	queue_show_filter(state, ui, (enum queue_filter)(digit - 1));
	return SCREEN_HANDLED;
}

static int queue_on_event(struct screen *screen, struct ui *ui,
			  const struct event *event)
{
	struct queue_state *state = screen->state;

	(void)ui;

	/* A print job's end changes what the details show of the receipt. */
	if (event->type == EVENT_PRINT_JOB && state->detail) {
		state->stale = true;
		return SCREEN_REDRAW;
	}
	if (event->type != EVENT_QUEUE && event->type != EVENT_OPERATION)
		return SCREEN_IGNORED;
	state->stale = true;
	return SCREEN_REDRAW;
}

struct screen screen_queue = {
	.name = "queue",
	.cursor = false,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK,
	.confirm_word = "Open",
	.back_word = "Home",
	.help_keys = QUEUE_HELP_KEYS,
	.help_keys_compact = QUEUE_HELP_KEYS_COMPACT,
	.enter = queue_enter,
	.layout = queue_layout,
	.reload = queue_reload,
	.draw = queue_draw,
	.on_action = queue_on_action,
	.on_text = queue_on_text,
	.on_event = queue_on_event,
	.on_choice = queue_on_choice,
	.state = &queue,
};
