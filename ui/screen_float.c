/* The agent float screen: per currency the float the central service
 * confirms, the movement of the agent's operations still undecided in the
 * journal, and the float once those are confirmed. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "draw.h"
#include "screen.h"
#include "theme.h"

#define FLOAT_CURRENCIES_MAX 8

/* Journal rows read at a time when adding up the pending movement. */
#define FLOAT_PAGE 16

/* Operations the central service has not decided yet. */
#define FLOAT_PENDING_MASK                                                     \
	((1u << OP_QUEUED) | (1u << OP_IN_FLIGHT) | (1u << OP_NEEDS_ATTENTION))

/* The wide table: currency, then three amounts right-aligned. */
#define FLOAT_COLUMN_CURRENCY 4
#define FLOAT_COLUMN_CONFIRMED 10
#define FLOAT_COLUMN_PENDING 32
#define FLOAT_COLUMN_AFTER 54
#define FLOAT_WIDTH_AMOUNT 20
#define FLOAT_HEADER_ROW 5
#define FLOAT_LIST_ROW 6
#define FLOAT_NOTE_ROW 16
#define FLOAT_MESSAGE_ROW 18

/* The compact layout: three rows per currency. */
#define FLOAT_COMPACT_LIST_ROW 3
#define FLOAT_COMPACT_LABEL_COLUMN 4
#define FLOAT_COMPACT_AMOUNT_COLUMN 18
#define FLOAT_COMPACT_WIDTH_AMOUNT 22
#define FLOAT_COMPACT_MESSAGE_ROW 10 /* two rows */

struct float_line {
	char currency[4];
	bool fetched;      /* the central service gave a float for it */
	int64_t confirmed; /* minor units */
	int64_t pending;   /* effect of undecided operations */
};

struct float_state {
	/* The last float fetched, kept while the terminal runs so that it
	 * can be shown offline. */
	bool have_float;
	struct api_float fetched;
	int64_t fetched_at; /* Unix seconds of the reply */
	bool asking;        /* a float request runs */
	bool ask_again;     /* an operation was accepted meanwhile */
	bool stale;         /* add up the pending movement again */
	int pending_count;  /* undecided operations of the agent */
	struct float_line lines[FLOAT_CURRENCIES_MAX];
	int line_count;
	char message[UI_MESSAGE_SIZE];
	struct operation rows[FLOAT_PAGE];
	struct money_reply reply;
};

static struct float_state float_view;

#define FLOAT_HELP                                                             \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC | UI_HELP_QUIT)
#define FLOAT_HELP_COMPACT (UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC)

static bool float_offline(const struct ui *ui)
{
	return ui->app->session.offline || !ui->app->status.online;
}

/* Return the line of currency, added when there is room, or NULL. */
static struct float_line *float_line(struct float_state *state,
				     const char *currency)
{
	struct float_line *line;
	int i;

	for (i = 0; i < state->line_count; i++) {
		if (strcmp(state->lines[i].currency, currency) == 0)
			return &state->lines[i];
	}
	if (state->line_count >= FLOAT_CURRENCIES_MAX)
		return NULL;
	line = &state->lines[state->line_count++];
	memset(line, 0, sizeof(*line));
	snprintf(line->currency, sizeof(line->currency), "%s", currency);
	return line;
}

/* Add the float effect of the agent's undecided operations, page by
 * page. Returns 0, or a negative journal_error. */
static int float_add_pending(struct float_state *state, struct ui *ui)
{
	const char *agent = ui->app->session.agent_id;
	int offset = 0;
	int n;
	int i;

	do {
		n = journal_list(ui->app->journal, FLOAT_PENDING_MASK, offset,
				 state->rows, FLOAT_PAGE);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			const struct operation *op = &state->rows[i];
			struct float_line *line;
			int64_t effect = 0;

			if (strcmp(op->agent_id, agent) != 0 ||
			    money_float_effect(ui->app->journal, op, &effect) !=
				    0 ||
			    effect == 0)
				continue;
			line = float_line(state, op->currency);
			if (line == NULL)
				continue;
			line->pending += effect;
			state->pending_count++;
		}
		offset += n;
	} while (n == FLOAT_PAGE);
	return 0;
}

/* Rebuild the lines from the last float fetched and the journal. */
static void float_rebuild(struct float_state *state, struct ui *ui)
{
	int rc;
	int i;

	state->stale = false;
	state->line_count = 0;
	state->pending_count = 0;
	for (i = 0; state->have_float && i < state->fetched.count; i++) {
		struct float_line *line =
			float_line(state, state->fetched.floats[i].currency);

		if (line == NULL)
			continue;
		line->fetched = true;
		line->confirmed = state->fetched.floats[i].balance;
	}
	rc = float_add_pending(state, ui);
	if (rc < 0) {
		log_error("float: pending operations not read: %s",
			  journal_strerror(rc));
		snprintf(state->message, sizeof(state->message),
			 "Cannot read the journal: %s", journal_strerror(rc));
	}
}

/* Ask for the float, or once the running request ends. */
static void float_ask(struct float_state *state, struct ui *ui)
{
	struct money_request request;

	if (float_offline(ui))
		return;
	if (state->asking) {
		state->ask_again = true;
		return;
	}
	memset(&request, 0, sizeof(request));
	request.kind = MONEY_REQUEST_FLOAT;
	state->message[0] = '\0';
	if (money_request_start(ui->app, &request, state->message,
				sizeof(state->message)) != 0)
		return;
	state->asking = true;
	state->ask_again = false;
}

static void float_enter(struct screen *screen, struct ui *ui,
			enum screen_id from)
{
	struct float_state *state = screen->state;

	(void)from;
	state->message[0] = '\0';
	state->asking = false;
	state->stale = true;
	float_ask(state, ui);
}

static void float_layout(struct screen *screen, struct ui *ui)
{
	screen->help = ui->compact ? FLOAT_HELP_COMPACT : FLOAT_HELP;
}

static void float_reload(struct screen *screen, struct ui *ui)
{
	struct float_state *state = screen->state;

	if (state->stale)
		float_rebuild(state, ui);
}

/* Write minor units of code as "1,234.50", with a '+' before a positive
 * value when show_sign is set, or "-" for a value not known. */
static void float_format(const char *code, int64_t minor, bool known,
			 bool show_sign, char *buf, size_t size)
{
	char amount[CURRENCY_TEXT_MAX];
	int64_t magnitude = minor < 0 ? -minor : minor;
	const char *sign = "";

	if (minor < 0)
		sign = "-";
	else if (show_sign)
		sign = "+";
	if (!known) {
		snprintf(buf, size, "-");
		return;
	}
	if (currency_format(code, magnitude, amount, sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld", (long long)magnitude);
	snprintf(buf, size, "%s%s", sign, amount);
}

/* Write when the float shown was fetched, and whether the terminal is
 * offline since, or why no float is shown. */
static void float_as_of(const struct float_state *state, const struct ui *ui,
			char *buf, size_t size)
{
	time_t when = (time_t)state->fetched_at;
	struct tm local;
	char at[32] = "?";

	if (!state->have_float) {
		snprintf(buf, size, "%s",
			 float_offline(ui) ? "No float fetched yet: it needs "
					     "the link to the central service."
			 : state->asking   ? "Asking the central service..."
					   : "No float fetched yet.");
		return;
	}
	if (localtime_r(&when, &local) != NULL)
		strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", &local);
	snprintf(buf, size, "%s %s%s",
		 float_offline(ui) ? "Offline: last fetched" : "Fetched", at,
		 state->asking ? ", asking again..." : "");
}

static void float_draw_row(const struct float_line *line, const struct ui *ui,
			   int row)
{
	char cell[CURRENCY_TEXT_MAX + 8];
	char text[CURRENCY_TEXT_MAX + 32];
	int x = ui_column(ui, 0);
	int y = ui_row(ui, row);

	draw_text(stdscr, y, x + FLOAT_COLUMN_CURRENCY, 4, A_BOLD,
		  line->currency);
	float_format(line->currency, line->confirmed, line->fetched, false,
		     cell, sizeof(cell));
	snprintf(text, sizeof(text), "%*s", FLOAT_WIDTH_AMOUNT, cell);
	draw_text(stdscr, y, x + FLOAT_COLUMN_CONFIRMED, FLOAT_WIDTH_AMOUNT,
		  theme_attr(THEME_OK) | A_BOLD, text);
	float_format(line->currency, line->pending, true, true, cell,
		     sizeof(cell));
	snprintf(text, sizeof(text), "%*s", FLOAT_WIDTH_AMOUNT, cell);
	draw_text(stdscr, y, x + FLOAT_COLUMN_PENDING, FLOAT_WIDTH_AMOUNT,
		  theme_attr(THEME_PENDING), text);
	float_format(line->currency, line->confirmed + line->pending,
		     line->fetched, false, cell, sizeof(cell));
	snprintf(text, sizeof(text), "%*s", FLOAT_WIDTH_AMOUNT, cell);
	draw_text(stdscr, y, x + FLOAT_COLUMN_AFTER, FLOAT_WIDTH_AMOUNT,
		  A_NORMAL, text);
}

/* Three rows of a currency in the compact layout. */
static void float_draw_compact(const struct float_line *line,
			       const struct ui *ui, int row)
{
	static const char *const labels[3] = {"Float", "Pending", "After"};
	int64_t values[3] = {line->confirmed, line->pending,
			     line->confirmed + line->pending};
	bool known[3] = {line->fetched, true, line->fetched};
	attr_t attrs[3] = {theme_attr(THEME_OK) | A_BOLD,
			   theme_attr(THEME_PENDING), A_NORMAL};
	char cell[CURRENCY_TEXT_MAX + 8];
	char text[CURRENCY_TEXT_MAX + 32];
	int x = ui_column(ui, 0);
	int i;

	draw_text(stdscr, ui_row(ui, row), x, 4, A_BOLD, line->currency);
	for (i = 0; i < 3; i++) {
		float_format(line->currency, values[i], known[i], i == 1, cell,
			     sizeof(cell));
		snprintf(text, sizeof(text), "%*s", FLOAT_COMPACT_WIDTH_AMOUNT,
			 cell);
		draw_text(stdscr, ui_row(ui, row + i),
			  x + FLOAT_COMPACT_LABEL_COLUMN,
			  FLOAT_COMPACT_AMOUNT_COLUMN -
				  FLOAT_COMPACT_LABEL_COLUMN,
			  A_NORMAL, labels[i]);
		draw_text(stdscr, ui_row(ui, row + i),
			  x + FLOAT_COMPACT_AMOUNT_COLUMN,
			  FLOAT_COMPACT_WIDTH_AMOUNT, attrs[i], text);
	}
}

static void float_draw_wide(const struct float_state *state,
			    const struct ui *ui)
{
	char line[UI_COLUMNS * 2];
	int x = ui_column(ui, 0);
	int i;

	snprintf(line, sizeof(line), "%-*s%*s  %*s  %*s",
		 FLOAT_COLUMN_CONFIRMED - FLOAT_COLUMN_CURRENCY, "Cur.",
		 FLOAT_WIDTH_AMOUNT, "Confirmed float", FLOAT_WIDTH_AMOUNT,
		 "Pending movement", FLOAT_WIDTH_AMOUNT, "Once confirmed");
	draw_line(stdscr, ui_row(ui, FLOAT_HEADER_ROW),
		  x + FLOAT_COLUMN_CURRENCY, UI_COLUMNS - FLOAT_COLUMN_CURRENCY,
		  A_BOLD | A_UNDERLINE, line);
	for (i = 0;
	     i < state->line_count && i < FLOAT_NOTE_ROW - FLOAT_LIST_ROW; i++)
		float_draw_row(&state->lines[i], ui, FLOAT_LIST_ROW + i);
	snprintf(line, sizeof(line),
		 "Pending: %d operation%s of yours not yet confirmed by "
		 "Spotbanc.",
		 state->pending_count, state->pending_count == 1 ? "" : "s");
	draw_line(stdscr, ui_row(ui, FLOAT_NOTE_ROW), x + FLOAT_COLUMN_CURRENCY,
		  UI_COLUMNS - FLOAT_COLUMN_CURRENCY, A_DIM, line);
}

static void float_draw(const struct screen *screen, const struct ui *ui)
{
	const struct float_state *state = screen->state;
	int x = ui_column(ui, 0);
	char line[UI_MESSAGE_SIZE];
	int row;
	int i;

	for (row = 0; row < ui->rows; row++)
		draw_blank(stdscr, ui_row(ui, row), x, ui->columns);
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), x, ui->columns,
		  theme_attr(THEME_TITLE),
		  ui->compact ? "Agent float" : "  Agent float");
	float_as_of(state, ui, line, sizeof(line));
	draw_wrapped(stdscr, ui_row(ui, ui->compact ? 1 : 3),
		     x + (ui->compact ? 0 : FLOAT_COLUMN_CURRENCY),
		     ui->columns - (ui->compact ? 0 : FLOAT_COLUMN_CURRENCY),
		     ui->compact ? 2 : 1,
		     state->have_float ? A_NORMAL : theme_attr(THEME_PENDING),
		     line);
	if (ui->compact) {
		for (i = 0; i < state->line_count &&
			    FLOAT_COMPACT_LIST_ROW + 3 * i + 3 <=
				    FLOAT_COMPACT_MESSAGE_ROW;
		     i++)
			float_draw_compact(&state->lines[i], ui,
					   FLOAT_COMPACT_LIST_ROW + 3 * i);
	} else {
		float_draw_wide(state, ui);
	}
	draw_wrapped(stdscr,
		     ui_row(ui, ui->compact ? FLOAT_COMPACT_MESSAGE_ROW
					    : FLOAT_MESSAGE_ROW),
		     x + (ui->compact ? 0 : FLOAT_COLUMN_CURRENCY),
		     ui->columns - (ui->compact ? 0 : FLOAT_COLUMN_CURRENCY), 2,
		     theme_attr(THEME_ERROR), state->message);
}

static int float_on_action(struct screen *screen, struct ui *ui,
			   enum ui_action action)
{
	struct float_state *state = screen->state;

	switch (action) {
	case UI_ACTION_CONFIRM:
		state->stale = true;
		float_ask(state, ui);
		return SCREEN_HANDLED;
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_SERVICES);
	default:
		return SCREEN_IGNORED;
	}
}

static int float_take_reply(struct float_state *state, struct ui *ui)
{
	struct money_reply *reply = &state->reply;

	if (!state->asking || money_request_take(reply) != 0 ||
	    reply->kind != MONEY_REQUEST_FLOAT)
		return SCREEN_IGNORED;
	if (reply->result == API_ESESSION) {
		ui_session_expired(ui);
		return SCREEN_HANDLED;
	}
	state->asking = false;
	if (reply->result != 0) {
		snprintf(state->message, sizeof(state->message), "%.*s",
			 (int)sizeof(state->message) - 1, reply->message);
	} else {
		state->fetched = reply->agent_float;
		state->fetched_at = (int64_t)time(NULL);
		state->have_float = true;
		state->stale = true;
	}
	if (state->ask_again)
		float_ask(state, ui);
	return SCREEN_HANDLED;
}

/* Whether event is the acceptance of one of the agent's operations. The
 * operation is read into the state's first row. */
static bool float_accepted(struct float_state *state, struct ui *ui,
			   const struct event *event)
{
	struct operation *op = &state->rows[0];
	char id[JOURNAL_ID_SIZE];

	if (event->type != EVENT_OPERATION || event->status != OP_ACCEPTED)
		return false;
	snprintf(id, sizeof(id), "%.*s", (int)sizeof(id) - 1, event->id);
	return journal_get(ui->app->journal, id, op) == JOURNAL_OK &&
	       strcmp(op->agent_id, ui->app->session.agent_id) == 0;
}

static int float_on_event(struct screen *screen, struct ui *ui,
			  const struct event *event)
{
	struct float_state *state = screen->state;

	switch (event->type) {
	case EVENT_MONEY:
		return float_take_reply(state, ui);
	case EVENT_OPERATION:
		state->stale = true;
		if (float_accepted(state, ui, event))
			float_ask(state, ui);
		return SCREEN_REDRAW;
	case EVENT_QUEUE:
		state->stale = true;
		return SCREEN_REDRAW;
	case EVENT_LINK:
		return SCREEN_REDRAW;
	default:
		return SCREEN_IGNORED;
	}
}

static int float_on_session(struct screen *screen, struct ui *ui, bool renewed)
{
	struct float_state *state = screen->state;

	state->asking = false;
	if (renewed) {
		float_ask(state, ui);
		return SCREEN_HANDLED;
	}
	snprintf(state->message, sizeof(state->message),
		 "Session expired: the float was not asked");
	return SCREEN_HANDLED;
}

struct screen screen_float = {
	.name = "float",
	.cursor = false,
	.help = FLOAT_HELP,
	.confirm_word = "Refresh",
	.enter = float_enter,
	.layout = float_layout,
	.reload = float_reload,
	.draw = float_draw,
	.on_action = float_on_action,
	.on_event = float_on_event,
	.on_session = float_on_session,
	.state = &float_view,
};
