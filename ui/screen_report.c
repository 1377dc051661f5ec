/* The end-of-day screen: the open day's X report as it prints, scrolled,
 * printed with P, and closing the day with C after a confirmation, which
 * records, shows and prints the Z report. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/log.h"
#include "../app/report.h"
#include "draw.h"
#include "report_print.h"
#include "screen.h"
#include "theme.h"

/* Content rows: title, a hint line in the wide layout, the report box,
 * and the message row last. */
#define REPORT_TITLE_ROW 1
#define REPORT_HINT_ROW 2
#define REPORT_BOX_ROW 3
#define REPORT_COMPACT_BOX_ROW 1

/* The report on screen has the width of the 80 mm paper in the wide
 * layout and of the 58 mm paper in the compact one. */
#define REPORT_WIDE_COLUMNS RECEIPT_COLUMNS_80MM
#define REPORT_COMPACT_COLUMNS RECEIPT_COLUMNS_58MM

/* Digits of the close dialogs. */
#define REPORT_CLOSE_YES 1
#define REPORT_CLOSE_NO 0

enum report_asking {
	REPORT_ASKING_NOTHING = 0,
	REPORT_ASKING_CLOSE, /* close the day? */
	REPORT_ASKING_FORCE, /* close it with pending operations? */
};

struct report_state {
	struct report report; /* the open day's, or the Z report */
	bool built;
	bool closed;            /* report is the Z report just recorded */
	bool stale;             /* build the open day's report again */
	struct receipt preview; /* report laid out for the layout's width */
	bool preview_ready;
	int scroll;
	enum report_asking asking;
	char message[UI_MESSAGE_SIZE];
	bool message_ok; /* the message reports a success */
};

static struct report_state report_view;

#define REPORT_HELP_KEYS "P Print  C Close day"
#define REPORT_HELP_KEYS_COMPACT "P:Print C:Close"
#define REPORT_HELP                                                            \
	(UI_HELP_BACK | UI_HELP_SCROLL | UI_HELP_SYNC | UI_HELP_QUIT)
#define REPORT_HELP_COMPACT (UI_HELP_BACK | UI_HELP_SCROLL)

static void report_set_message(struct report_state *state, bool ok,
			       const char *message)
{
	snprintf(state->message, sizeof(state->message), "%s", message);
	state->message_ok = ok;
}

/* Lay the report out for the screen's width. */
static void report_prepare_preview(struct report_state *state,
				   const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	struct receipt_context context = {
		.terminal_id = ui->app->config.terminal_id,
		.agent_name = session->logged_in ? session->agent_name : NULL,
	};

	state->preview_ready =
		state->built &&
		report_layout(&state->report, &context,
			      ui->compact ? REPORT_COMPACT_COLUMNS
					  : REPORT_WIDE_COLUMNS,
			      &state->preview) == 0;
}

/* Build the open day's report from the journal. */
static void report_load(struct report_state *state, struct ui *ui)
{
	int rc = report_build(ui->app->journal, &state->report);

	state->stale = false;
	state->built = rc == REPORT_OK;
	state->closed = false;
	if (rc != REPORT_OK) {
		log_error("end-of-day report not built: %s",
			  report_strerror(rc));
		snprintf(state->message, sizeof(state->message),
			 "Cannot build the report: %s", report_strerror(rc));
		state->message_ok = false;
	}
	report_prepare_preview(state, ui);
}

static void report_enter(struct screen *screen, struct ui *ui,
			 enum screen_id from)
{
	struct report_state *state = screen->state;

	(void)from;
	state->scroll = 0;
	state->asking = REPORT_ASKING_NOTHING;
	state->message[0] = '\0';
	report_load(state, ui);
}

static void report_layout_screen(struct screen *screen, struct ui *ui)
{
	struct report_state *state = screen->state;

	screen->help = ui->compact ? REPORT_HELP_COMPACT : REPORT_HELP;
	if (!ui->too_small)
		report_prepare_preview(state, ui);
}

static void report_reload(struct screen *screen, struct ui *ui)
{
	struct report_state *state = screen->state;

	if (state->stale && !state->closed)
		report_load(state, ui);
}

/* Rows the report box has in the layout in use: up to the message row. */
static int report_box_rows(const struct ui *ui)
{
	return ui->rows - 1 -
	       (ui->compact ? REPORT_COMPACT_BOX_ROW : REPORT_BOX_ROW);
}

/* The first line shown: the scroll position, kept inside the report. */
static int report_first_line(const struct report_state *state,
			     const struct ui *ui)
{
	int last = state->preview.count - report_box_rows(ui);
	int first = state->scroll;

	if (first > last)
		first = last;
	return first < 0 ? 0 : first;
}

/* The title names the report and, when the box scrolls, where it is. */
static void report_draw_title(const struct report_state *state,
			      const struct ui *ui, int first)
{
	char title[UI_COLUMNS];
	char more[48] = "";
	int rows = report_box_rows(ui);
	int more_width;

	/* The compact title leaves out the state, which the report's own
	 * heading gives, so that the line position fits beside it. */
	snprintf(title, sizeof(title), "%s%s report, day %lld%s",
		 ui->compact ? "" : "  ", state->closed ? "Z" : "X",
		 (long long)state->report.day,
		 ui->compact     ? ""
		 : state->closed ? " (closed)"
				 : " (open)");
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : REPORT_TITLE_ROW),
		  ui_column(ui, 0), ui->columns, theme_attr(THEME_TITLE),
		  title);
	if (state->preview.count > rows)
		snprintf(more, sizeof(more),
			 ui->compact ? "%d-%d/%d" : "lines %d-%d of %d",
			 first + 1,
			 first + rows < state->preview.count
				 ? first + rows
				 : state->preview.count,
			 state->preview.count);
	more_width = draw_text_width(more);
	draw_text(stdscr, ui_row(ui, ui->compact ? 0 : REPORT_TITLE_ROW),
		  ui_column(ui, ui->columns - more_width - 1), more_width,
		  theme_attr(THEME_TITLE), more);
}

static void report_draw(const struct screen *screen, const struct ui *ui)
{
	const struct report_state *state = screen->state;
	int columns = state->preview.columns;
	int x = ui_column(ui, (ui->columns - columns) / 2);
	int top = ui->compact ? REPORT_COMPACT_BOX_ROW : REPORT_BOX_ROW;
	int first = report_first_line(state, ui);
	int row;
	int i;

	for (row = 0; row < ui->rows; row++)
		draw_blank(stdscr, ui_row(ui, row), ui_column(ui, 0),
			   ui->columns);
	report_draw_title(state, ui, first);
	if (!ui->compact)
		draw_line(stdscr, ui_row(ui, REPORT_HINT_ROW), ui_column(ui, 2),
			  ui->columns - 2, A_DIM,
			  state->closed
				  ? "The Z report is recorded. New "
				    "operations count in the next day."
				  : "Totals of the open day as the journal "
				    "holds them now. C closes the day.");
	for (i = 0; state->preview_ready && i < report_box_rows(ui) &&
		    first + i < state->preview.count;
	     i++)
		draw_receipt_line(stdscr, &state->preview.lines[first + i],
				  ui_row(ui, top + i), x, columns);
	draw_line(stdscr, ui_row(ui, ui->rows - 1), ui_column(ui, 0),
		  ui->columns,
		  state->message_ok ? theme_attr(THEME_OK) | A_BOLD
				    : theme_attr(THEME_ERROR),
		  state->message);
}

static void report_print_shown(struct report_state *state, struct ui *ui)
{
	char message[UI_MESSAGE_SIZE];

	if (!state->built) {
		report_set_message(state, false, "No report to print");
		return;
	}
	if (report_print(ui->app, &state->report, message, sizeof(message)) ==
	    0)
		report_set_message(state, true, message);
	else
		report_set_message(state, false, message);
}

/* Return how many operations the open day still has undecided. */
static int64_t report_pending_count(const struct report *report)
{
	int64_t count = 0;
	int i;

	for (i = 0; i < report->line_count; i++)
		count += report->lines[i].count[REPORT_PENDING];
	return count;
}

static int report_ask_close(struct report_state *state, struct ui *ui)
{
	const struct dialog_choice choices[] = {
		{.digit = REPORT_CLOSE_YES, .label = "Close the day"},
		{.digit = REPORT_CLOSE_NO, .label = "Keep it open"},
	};
	char text[DIALOG_TEXT_SIZE];

	snprintf(text, sizeof(text),
		 "Close day %lld?\nIts Z report is recorded in the journal "
		 "and printed. Operations made after it count in day %lld.",
		 (long long)state->report.day,
		 (long long)state->report.day + 1);
	dialog_choose(&ui->dialog, "Close the day", text, choices, 2);
	state->asking = REPORT_ASKING_CLOSE;
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* The day has undecided operations: say how many and ask again. */
static int report_ask_force(struct report_state *state, struct ui *ui,
			    const struct report *open)
{
	const struct dialog_choice choices[] = {
		{.digit = REPORT_CLOSE_YES, .label = "Close with them pending"},
		{.digit = REPORT_CLOSE_NO, .label = "Keep the day open"},
	};
	int64_t pending = report_pending_count(open);
	char text[DIALOG_TEXT_SIZE];

	snprintf(text, sizeof(text),
		 "%lld operation%s of day %lld %s not confirmed by Spotbanc "
		 "yet.\n%s PENDING in the Z report, and %s print "
		 "when Spotbanc decides. Close the day anyway?",
		 (long long)pending, pending == 1 ? "" : "s",
		 (long long)open->day, pending == 1 ? "is" : "are",
		 pending == 1 ? "It stays" : "They stay",
		 pending == 1 ? "its receipt" : "their receipts");
	dialog_choose(&ui->dialog, "Pending operations", text, choices, 2);
	state->asking = REPORT_ASKING_FORCE;
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* Close the day, forced or not. Refused for pending operations, it asks
 * again; closed, it shows and prints the Z report. */
static int report_close(struct report_state *state, struct ui *ui, bool force)
{
	struct report closed;
	char message[UI_MESSAGE_SIZE];
	int rc;

	rc = report_close_day(ui->app->journal, (int64_t)time(NULL),
			      force ? 1 : 0, &closed);
	if (rc == REPORT_EPENDING && !force) {
		report_load(state, ui);
		return report_ask_force(state, ui, &state->report);
	}
	if (rc != REPORT_OK) {
		snprintf(message, sizeof(message), "Day not closed: %s",
			 report_strerror(rc));
		report_set_message(state, false, message);
		return SCREEN_HANDLED;
	}
	log_info("day %lld closed from the end-of-day screen%s",
		 (long long)closed.day,
		 force ? " with pending operations" : "");
	state->report = closed;
	state->built = true;
	state->closed = true;
	state->scroll = 0;
	report_prepare_preview(state, ui);
	if (report_print(ui->app, &state->report, message, sizeof(message)) ==
	    0) {
		snprintf(message, sizeof(message),
			 "Day %lld closed; Z report printed",
			 (long long)closed.day);
		report_set_message(state, true, message);
	} else {
		/* The close is recorded; P prints the Z report again. */
		report_set_message(state, false, message);
	}
	return SCREEN_HANDLED;
}

static int report_on_choice(struct screen *screen, struct ui *ui, int digit)
{
	struct report_state *state = screen->state;
	enum report_asking asking = state->asking;

	state->asking = REPORT_ASKING_NOTHING;
	if (digit != REPORT_CLOSE_YES || asking == REPORT_ASKING_NOTHING)
		return SCREEN_HANDLED | SCREEN_REDRAW;
	return report_close(state, ui, asking == REPORT_ASKING_FORCE);
}

/* Scroll the report by `lines`, kept inside it. */
static void report_scroll(struct report_state *state, const struct ui *ui,
			  int lines)
{
	state->scroll = report_first_line(state, ui) + lines;
	state->scroll = report_first_line(state, ui);
}

static int report_on_action(struct screen *screen, struct ui *ui,
			    enum ui_action action)
{
	struct report_state *state = screen->state;
	int page = report_box_rows(ui) - 1;

	switch (action) {
	case UI_ACTION_NEXT:
		report_scroll(state, ui, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		report_scroll(state, ui, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		report_scroll(state, ui, page);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_UP:
		report_scroll(state, ui, -page);
		return SCREEN_HANDLED;
	case UI_ACTION_PRINT:
		report_print_shown(state, ui);
		return SCREEN_HANDLED;
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_SERVICES);
	default:
		return SCREEN_IGNORED;
	}
}

static int report_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct report_state *state = screen->state;

	switch (ch) {
	case L'p':
	case L'P':
		report_print_shown(state, ui);
		return SCREEN_HANDLED;
	case L'c':
	case L'C':
		state->message[0] = '\0';
		if (state->closed) {
			report_set_message(state, false,
					   "This day is closed already");
			return SCREEN_HANDLED;
		}
		return report_ask_close(state, ui);
	default:
		return SCREEN_IGNORED;
	}
}

/* Operations that change state change the open day's totals. */
static int report_on_event(struct screen *screen, struct ui *ui,
			   const struct event *event)
{
	struct report_state *state = screen->state;

	(void)ui;
	if (event->type != EVENT_QUEUE && event->type != EVENT_OPERATION)
		return SCREEN_IGNORED;
	state->stale = true;
	return SCREEN_REDRAW;
}

struct screen screen_report = {
	.name = "report",
	.cursor = false,
	.help = REPORT_HELP,
	.help_keys = REPORT_HELP_KEYS,
	.help_keys_compact = REPORT_HELP_KEYS_COMPACT,
	.enter = report_enter,
	.layout = report_layout_screen,
	.reload = report_reload,
	.draw = report_draw,
	.on_action = report_on_action,
	.on_text = report_on_text,
	.on_event = report_on_event,
	.on_choice = report_on_choice,
	.state = &report_view,
};
