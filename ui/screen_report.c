/* The end-of-day screen: the open day's X report as it prints, scrolled,
 * printed with P, and closing the day with C after a confirmation, which
 * records, shows and prints the Z report. D shows the Z report of an
 * earlier closed day, which P prints as a copy, and X the open day
 * again. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/log.h"
#include "../app/report.h"
#include "draw.h"
#include "print_offer.h"
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

/* Digits of a day number typed after D: up to 999,999,999 closes. */
#define REPORT_DAY_DIGITS 9

enum report_asking {
	REPORT_ASKING_NOTHING = 0,
	REPORT_ASKING_CLOSE, /* close the day? */
	REPORT_ASKING_FORCE, /* close it with pending operations? */
};

struct report_state {
	struct report report; /* the open day's, or a Z report */
	bool built;
	bool closed;            /* report is a Z report */
	bool read_back;         /* the Z report was read from the journal:
				   an earlier close, or one by another
				   program */
	bool copy;              /* P prints the Z report as a copy: it was
				   read back, or printed once already */
	bool stale;             /* build the open day's report again */
	struct receipt preview; /* report laid out for the layout's width */
	bool preview_ready;
	int scroll;
	enum report_asking asking;
	bool typing_day;        /* D was pressed: digits go to day_text */
	char day_text[REPORT_DAY_DIGITS + 1];
	int64_t last_closed;    /* the day that Enter alone shows */
	char message[UI_MESSAGE_SIZE];
	bool message_ok; /* the message reports a success */
};

static struct report_state report_view;

/* The help line lists the keys of the report shown: C for the open day,
 * X for a closed one. The compact line has no room for Up/Down. */
#define REPORT_HELP_KEYS_OPEN "P Print  C Close day  D Past day"
#define REPORT_HELP_KEYS_CLOSED "P Print  D Past day  X Open day"
#define REPORT_HELP_KEYS_OPEN_COMPACT "P:Print C:Close D:Past"
#define REPORT_HELP_KEYS_CLOSED_COMPACT "P:Print D:Past X:Open"
#define REPORT_HELP                                                            \
	(UI_HELP_BACK | UI_HELP_SCROLL | UI_HELP_SYNC | UI_HELP_QUIT)
#define REPORT_HELP_COMPACT UI_HELP_BACK

static void report_set_message(struct report_state *state, bool ok,
			       const char *message)
{
	snprintf(state->message, sizeof(state->message), "%s", message);
	state->message_ok = ok;
}

/* Set the help line's keys for the report shown. */
static void report_set_help(struct screen *screen,
			    const struct report_state *state)
{
	screen->help_keys = state->closed ? REPORT_HELP_KEYS_CLOSED
					  : REPORT_HELP_KEYS_OPEN;
	screen->help_keys_compact = state->closed
					    ? REPORT_HELP_KEYS_CLOSED_COMPACT
					    : REPORT_HELP_KEYS_OPEN_COMPACT;
}

/* Lay the report out for the screen's width. */
static void report_prepare_preview(struct report_state *state,
				   const struct ui *ui)
{
	const struct session *session = &ui->app->session;
	struct receipt_context context = {
		.terminal_id = ui->app->config.terminal_id,
		.agent_name = session->logged_in ? session->agent_name : NULL,
		.copy = state->closed && state->read_back,
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
	state->read_back = false;
	state->copy = false;
	if (rc != REPORT_OK) {
		log_error("end-of-day report not built: %s",
			  report_strerror(rc));
		snprintf(state->message, sizeof(state->message),
			 "Cannot build the report: %s", report_strerror(rc));
		state->message_ok = false;
	}
	report_prepare_preview(state, ui);
}

/* Show the Z report recorded by the close of `day`, which P prints as a
 * copy. Returns REPORT_OK, or the report_error of report_get_closed with
 * the reason in the message and the report shown before kept. */
static int report_show_closed(struct report_state *state, struct ui *ui,
			      int64_t day)
{
	struct report closed;
	char message[UI_MESSAGE_SIZE];
	int rc = report_get_closed(ui->app->journal, day, &closed);

	if (rc != REPORT_OK) {
		snprintf(message, sizeof(message),
			 "Cannot read the Z report of day %lld: %s",
			 (long long)day, report_strerror(rc));
		report_set_message(state, false, message);
		return rc;
	}
	state->report = closed;
	state->built = true;
	state->closed = true;
	state->read_back = true;
	state->copy = true;
	state->stale = false;
	state->scroll = 0;
	report_prepare_preview(state, ui);
	return REPORT_OK;
}

/* Another program (`spotagent report --close`) closed the day shown:
 * tell the agent and show its Z report instead. */
static void report_show_closed_meanwhile(struct report_state *state,
					 struct ui *ui, int64_t day)
{
	char message[UI_MESSAGE_SIZE];

	log_info("day %lld was closed by another program while its X report "
		 "was shown", (long long)day);
	if (report_show_closed(state, ui, day) != REPORT_OK)
		return;
	snprintf(message, sizeof(message),
		 ui->compact ? "Day %lld closed elsewhere: P prints it"
			     : "Day %lld was closed by another program: its "
			       "Z report is shown, P prints it",
		 (long long)day);
	report_set_message(state, false, message);
}

/* Build the open day's report again before it is printed or closed.
 * Returns true when the day shown was closed meanwhile, which then shows
 * its Z report. A Z report shown stays as it is. */
static bool report_refresh(struct report_state *state, struct ui *ui)
{
	int64_t shown_day = state->report.day;
	bool was_built = state->built;

	if (state->closed)
		return false;
	report_load(state, ui);
	if (!was_built || !state->built || state->report.day == shown_day)
		return false;
	report_show_closed_meanwhile(state, ui, shown_day);
	return true;
}

static void report_enter(struct screen *screen, struct ui *ui,
			 enum screen_id from)
{
	struct report_state *state = screen->state;

	(void)from;
	state->scroll = 0;
	state->asking = REPORT_ASKING_NOTHING;
	state->typing_day = false;
	state->message[0] = '\0';
	report_load(state, ui);
	report_set_help(screen, state);
}

static void report_layout_screen(struct screen *screen, struct ui *ui)
{
	struct report_state *state = screen->state;

	screen->help = ui->compact ? REPORT_HELP_COMPACT : REPORT_HELP;
	report_set_help(screen, state);
	if (!ui->too_small)
		report_prepare_preview(state, ui);
}

static void report_reload(struct screen *screen, struct ui *ui)
{
	struct report_state *state = screen->state;

	if (state->stale && !state->closed) {
		report_refresh(state, ui);
		report_set_help(screen, state);
	}
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

/* The wide layout's hint under the title: what the report shown is. */
static void report_draw_hint(const struct report_state *state,
			     const struct ui *ui)
{
	char hint[UI_COLUMNS];

	if (!state->closed)
		snprintf(hint, sizeof(hint),
			 "Totals of the open day as the journal holds them "
			 "now. C closes the day.");
	else if (state->read_back)
		snprintf(hint, sizeof(hint),
			 "Recorded when day %lld closed. P prints a copy, X "
			 "shows the open day.",
			 (long long)state->report.day);
	else
		snprintf(hint, sizeof(hint),
			 "The Z report is recorded. New operations count in "
			 "the next day.");
	draw_line(stdscr, ui_row(ui, REPORT_HINT_ROW), ui_column(ui, 2),
		  ui->columns - 2, A_DIM, hint);
}

/* The message row: the day number being typed after D, or the last
 * message. */
static void report_draw_message(const struct report_state *state,
				const struct ui *ui)
{
	char prompt[UI_MESSAGE_SIZE];

	if (!state->typing_day) {
		draw_line(stdscr, ui_row(ui, ui->rows - 1), ui_column(ui, 0),
			  ui->columns,
			  state->message_ok ? theme_attr(THEME_OK) | A_BOLD
					    : theme_attr(THEME_ERROR),
			  state->message);
		return;
	}
	snprintf(prompt, sizeof(prompt),
		 ui->compact ? "Day (Enter: %lld): %s_"
			     : "Closed day to show (Enter alone: day %lld, "
			       "Esc: cancel): %s_",
		 (long long)state->last_closed, state->day_text);
	draw_line(stdscr, ui_row(ui, ui->rows - 1), ui_column(ui, 0),
		  ui->columns, A_BOLD, prompt);
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
		report_draw_hint(state, ui);
	for (i = 0; state->preview_ready && i < report_box_rows(ui) &&
		    first + i < state->preview.count;
	     i++)
		draw_receipt_line(stdscr, &state->preview.lines[first + i],
				  ui_row(ui, top + i), x, columns);
	report_draw_message(state, ui);
}

/* Print the report shown: the open day's built again first, so that the
 * printout has the journal's totals, and a Z report as a copy once it
 * was printed or when it was read back from the journal. */
static void report_print_shown(struct report_state *state, struct ui *ui)
{
	char message[UI_MESSAGE_SIZE];

	/* A report that cannot be built has its reason in the message. */
	if (report_refresh(state, ui) || !state->built)
		return;
	if (report_print(ui->app, &state->report, state->closed && state->copy,
			 message, sizeof(message)) != 0) {
		report_set_message(state, false, message);
		return;
	}
	report_set_message(state, true, message);
	if (state->closed)
		state->copy = true;
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

/* Ask to close the open day, built again first so that a day closed
 * meanwhile is shown instead of asked about. */
static int report_ask_close(struct report_state *state, struct ui *ui)
{
	const struct dialog_choice choices[] = {
		{.digit = REPORT_CLOSE_YES, .label = "Close the day"},
		{.digit = REPORT_CLOSE_NO, .label = "Keep it open"},
	};
	char text[DIALOG_TEXT_SIZE];

	if (report_refresh(state, ui) || !state->built)
		return SCREEN_HANDLED;
	snprintf(text, sizeof(text),
		 "Close day %lld?\nIts Z report is recorded in the journal "
		 "and printed. Operations made after it count in day %lld.",
		 (long long)state->report.day,
		 (long long)state->report.day + 1);
	dialog_choose(&ui->dialog, "Close the day", text, choices, 2);
	state->asking = REPORT_ASKING_CLOSE;
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* The day has undecided operations: show how many and ask again. */
static int report_ask_force(struct report_state *state, struct ui *ui,
			    const struct report *open)
{
	const struct dialog_choice choices[] = {
		{.digit = REPORT_CLOSE_YES, .label = "Close anyway"},
		{.digit = REPORT_CLOSE_NO, .label = "Keep the day open"},
	};
	int64_t pending = report_pending_count(open);
	char text[DIALOG_TEXT_SIZE];

	snprintf(text, sizeof(text),
		 "%lld operation%s of day %lld %s not confirmed by Spotbanc "
		 "yet.\n%s PENDING in the Z report. When Spotbanc decides, "
		 "%s and a later day's report counts %s. Close the day "
		 "anyway?",
		 (long long)pending, pending == 1 ? "" : "s",
		 (long long)open->day, pending == 1 ? "is" : "are",
		 pending == 1 ? "It stays" : "They stay",
		 pending == 1 ? "its receipt prints" : "their receipts print",
		 pending == 1 ? "it" : "them");
	dialog_choose(&ui->dialog, "Pending operations", text, choices, 2);
	/* It opens on the key that answered the first question, so a
	 * double press must not answer this one too. */
	dialog_guard(&ui->dialog);
	state->asking = REPORT_ASKING_FORCE;
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* Close the day shown, forced or not. When pending operations stop the
 * close, ask again. Once closed, show and print the Z report. A day that
 * another program closed meanwhile is shown instead, and nothing else is
 * closed. */
static int report_close(struct report_state *state, struct ui *ui, bool force)
{
	struct report closed;
	char message[UI_MESSAGE_SIZE];
	int64_t shown_day = state->report.day;
	int rc;

	rc = report_close_shown_day(ui->app->journal, shown_day,
				    (int64_t)time(NULL), force ? 1 : 0,
				    &closed);
	if (rc == REPORT_ECLOSED) {
		report_show_closed_meanwhile(state, ui, shown_day);
		return SCREEN_HANDLED;
	}
	if (rc == REPORT_EPENDING && !force) {
		if (report_refresh(state, ui) || !state->built)
			return SCREEN_HANDLED;
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
	state->read_back = false;
	state->copy = false;
	state->scroll = 0;
	report_prepare_preview(state, ui);
	if (report_print(ui->app, &state->report, false, message,
			 sizeof(message)) == 0) {
		snprintf(message, sizeof(message),
			 "Day %lld closed; Z report sent to the printer",
			 (long long)closed.day);
		report_set_message(state, true, message);
		state->copy = true;
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
	int flags;

	state->asking = REPORT_ASKING_NOTHING;
	if (digit != REPORT_CLOSE_YES || asking == REPORT_ASKING_NOTHING)
		return SCREEN_HANDLED | SCREEN_REDRAW;
	flags = report_close(state, ui, asking == REPORT_ASKING_FORCE);
	report_set_help(screen, state);
	return flags;
}

/* D: ask for the number of a closed day, the last one by default. */
static void report_start_day(struct report_state *state, struct ui *ui)
{
	struct journal_day open;
	int rc = journal_day_scan(ui->app->journal, NULL, NULL, &open);

	if (rc != JOURNAL_OK) {
		log_error("open day not read: %s", journal_strerror(rc));
		report_set_message(state, false,
				   "Cannot read the closed days from the "
				   "journal");
		return;
	}
	state->message[0] = '\0';
	if (open.day <= 1) {
		report_set_message(state, false, "No day is closed yet");
		return;
	}
	state->last_closed = open.day - 1;
	state->day_text[0] = '\0';
	state->typing_day = true;
}

/* Enter after D: show the typed closed day, or the last one. */
static void report_finish_day(struct report_state *state, struct ui *ui)
{
	char message[UI_MESSAGE_SIZE];
	int64_t day = state->last_closed;
	int rc;
	size_t i;

	state->typing_day = false;
	if (state->day_text[0] != '\0') {
		day = 0;
		for (i = 0; state->day_text[i] != '\0'; i++)
			day = day * 10 + (state->day_text[i] - '0');
	}
	if (day < 1) {
		report_set_message(state, false,
				   "Day numbers start at 1: nothing shown");
		return;
	}
	rc = report_show_closed(state, ui, day);
	if (rc == REPORT_OK) {
		state->message[0] = '\0';
	} else if (rc == REPORT_EINVAL) {
		snprintf(message, sizeof(message),
			 "Day %lld is not closed: closed days are 1 to %lld",
			 (long long)day, (long long)state->last_closed);
		report_set_message(state, false, message);
	}
}

/* Keys while a day number is typed after D. Every key is taken, so that
 * none acts on the report shown below the prompt. */
static int report_on_day_action(struct report_state *state, struct ui *ui,
				enum ui_action action)
{
	size_t length = strlen(state->day_text);

	switch (action) {
	case UI_ACTION_CONFIRM:
		report_finish_day(state, ui);
		break;
	case UI_ACTION_BACK:
		state->typing_day = false;
		break;
	case UI_ACTION_ERASE:
		if (length > 0)
			state->day_text[length - 1] = '\0';
		break;
	default:
		break;
	}
	return SCREEN_HANDLED;
}

static void report_type_day_digit(struct report_state *state, wchar_t ch)
{
	size_t length = strlen(state->day_text);

	if (ch < L'0' || ch > L'9' || length >= REPORT_DAY_DIGITS)
		return;
	state->day_text[length] = (char)('0' + (ch - L'0'));
	state->day_text[length + 1] = '\0';
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
	int flags;

	if (state->typing_day) {
		flags = report_on_day_action(state, ui, action);
		report_set_help(screen, state);
		return flags;
	}
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
		report_set_help(screen, state);
		return SCREEN_HANDLED;
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_SERVICES);
	default:
		return SCREEN_IGNORED;
	}
}

/* The letter keys of the screen, outside typing a day number. */
static int report_on_letter(struct report_state *state, struct ui *ui,
			    wchar_t ch)
{
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
	case L'd':
	case L'D':
		report_start_day(state, ui);
		return SCREEN_HANDLED;
	case L'x':
	case L'X':
		state->message[0] = '\0';
		state->scroll = 0;
		report_load(state, ui);
		return SCREEN_HANDLED;
	default:
		return SCREEN_IGNORED;
	}
}

static int report_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct report_state *state = screen->state;
	int flags = SCREEN_HANDLED;

	if (state->typing_day)
		report_type_day_digit(state, ch);
	else
		flags = report_on_letter(state, ui, ch);
	report_set_help(screen, state);
	return flags;
}

/* Operations that change state change the open day's totals, and a
 * close by another program ends the open day shown. */
static int report_on_event(struct screen *screen, struct ui *ui,
			   const struct event *event)
{
	struct report_state *state = screen->state;

	(void)ui;
	if (event->type == EVENT_PRINT_JOB &&
	    strcmp(event->id, journal_print_kind_name(PRINT_KIND_REPORT)) ==
		    0) {
		if (event->status == PRINT_DONE)
			print_offer_mark_printed(state->message,
						 sizeof(state->message));
		else if (event->text[0] != '\0')
			report_set_message(state, false, event->text);
		return SCREEN_REDRAW;
	}
	if (event->type != EVENT_QUEUE && event->type != EVENT_OPERATION)
		return SCREEN_IGNORED;
	state->stale = true;
	return SCREEN_REDRAW;
}

struct screen screen_report = {
	.name = "report",
	.cursor = false,
	.help = REPORT_HELP,
	.help_keys = REPORT_HELP_KEYS_OPEN,
	.help_keys_compact = REPORT_HELP_KEYS_OPEN_COMPACT,
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
