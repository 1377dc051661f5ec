/* The agent float screen. Per currency it shows the float that the
 * central service returned at its last fetch (kept in the journal per
 * agent), the effect of the agent's operations accepted since and of
 * those still undecided, and the float once those are confirmed. */
#define LOG_MODULE "ui"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "draw.h"
#include "money_draw.h"
#include "screen.h"
#include "theme.h"

#define FLOAT_CURRENCIES_MAX 8

/* Journal rows read at a time when adding up the pending movement. */
#define FLOAT_PAGE 16

/* Operations the central service has not decided yet. */
#define FLOAT_PENDING_MASK                                                     \
	((1u << OP_QUEUED) | (1u << OP_IN_FLIGHT) | (1u << OP_NEEDS_ATTENTION))

/* The journal's meta key of an agent's last fetched float: the prefix and
 * the agent id. */
#define FLOAT_META_PREFIX "float:"

/* The wide table: currency, then four amounts right-aligned. */
#define FLOAT_COLUMN_CURRENCY 4
#define FLOAT_COLUMN_FETCHED 8
#define FLOAT_COLUMN_SINCE 26
#define FLOAT_COLUMN_PENDING 44
#define FLOAT_COLUMN_AFTER 62
#define FLOAT_WIDTH_AMOUNT 17
#define FLOAT_HEADER_ROW 5
#define FLOAT_LIST_ROW 6
#define FLOAT_NOTE_ROW 15 /* and the row under it */
#define FLOAT_MESSAGE_ROW 18

/* The compact layout: four rows per currency, and one for the message. */
#define FLOAT_COMPACT_LIST_ROW 3
#define FLOAT_COMPACT_LABEL_COLUMN 4
#define FLOAT_COMPACT_AMOUNT_COLUMN 18
#define FLOAT_COMPACT_WIDTH_AMOUNT 22
#define FLOAT_COMPACT_MESSAGE_ROW 11

/* The note on the figures after the fetch. */
#define FLOAT_OWN_COUNT                                                        \
	"Figures since the fetch are this terminal's own count."

struct float_line {
	char currency[4];
	bool fetched;      /* the central service gave a float for it */
	int64_t confirmed; /* minor units, at the fetch */
	int64_t since;     /* effect of operations accepted since the fetch */
	int64_t pending;   /* effect of undecided operations */
};

struct float_state {
	/* The last float fetched for fetched_for, also kept in the journal
	 * so that it can be shown offline and after a restart. */
	bool have_float;
	struct api_float fetched;
	int64_t fetched_at; /* Unix seconds of the reply */
	/* Operations created before this Unix second were decided before
	 * the fetch: the older of fetched_at and the oldest operation then
	 * undecided. */
	int64_t scan_from;
	char fetched_for[JOURNAL_AGENT_SIZE]; /* the agent it belongs to */
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

/* The float movement of the operations that float_visit reads, kept
 * per currency or for one currency. */
struct float_sum {
	struct float_state *state; /* add to its lines, or NULL */
	const char *currency;      /* with state NULL: the one to add */
	int64_t after;             /* with a since sum: accepted after this */
	int64_t total;             /* with state NULL */
	bool since;                /* accepted since the fetch, else pending */
};

/* Add op's float effect to sum, when it counts. */
static void float_sum_add(struct float_sum *sum, const struct operation *op,
			  int64_t effect)
{
	struct float_line *line;

	/* NOTE: times are whole seconds, so an operation accepted in the
	 * second of the fetch is not counted: the fetched float may
	 * already hold it. */
	if (sum->since && op->updated_at <= sum->after)
		return;
	if (sum->state == NULL) {
		if (strcmp(op->currency, sum->currency) == 0)
			sum->total += effect;
		return;
	}
	line = float_line(sum->state, op->currency);
	if (line == NULL)
		return;
	if (sum->since) {
		line->since += effect;
		return;
	}
	line->pending += effect;
	sum->state->pending_count++;
}

/* Add to sum the float effect of the agent's operations in state_mask,
 * page by page, newest first, and stop at those created before `from`.
 * Returns 0, or a negative journal_error. */
static int float_visit(struct journal *journal, const char *agent,
		       unsigned state_mask, int64_t from,
		       struct operation *rows, struct float_sum *sum)
{
	int offset = 0;
	int n;
	int i;

	do {
		n = journal_list(journal, state_mask, offset, rows, FLOAT_PAGE);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			const struct operation *op = &rows[i];
			int64_t effect = 0;

			if (op->created_at < from)
				return 0;
			if (strcmp(op->agent_id, agent) != 0 ||
			    money_float_effect(journal, op, &effect) != 0 ||
			    effect == 0)
				continue;
			float_sum_add(sum, op, effect);
		}
		offset += n;
	} while (n == FLOAT_PAGE);
	return 0;
}

/* Find when the agent's oldest undecided operation was created, or
 * return `now` when there is none. Returns `now` too when the journal
 * cannot be read, which the rebuild then reports. */
static int64_t float_oldest_pending(struct journal *journal,
				    const char *agent, struct operation *rows,
				    int64_t now)
{
	int64_t oldest = now;
	int offset = 0;
	int n;
	int i;

	do {
		n = journal_list(journal, FLOAT_PENDING_MASK, offset, rows,
				 FLOAT_PAGE);
		for (i = 0; i < n; i++) {
			if (strcmp(rows[i].agent_id, agent) == 0 &&
			    rows[i].created_at < oldest)
				oldest = rows[i].created_at;
		}
		offset += n > 0 ? n : 0;
	} while (n == FLOAT_PAGE);
	return oldest;
}

/* Build the journal's meta key of agent's float into key. */
static void float_meta_key(const char *agent, char *key, size_t size)
{
	snprintf(key, size, "%s%s", FLOAT_META_PREFIX, agent);
}

/* Keep the fetched float in the journal, as {"fetched_at":...,
 * "scan_from":...,"floats":[{"currency":"GHS","balance":913050}]}. A
 * failure is logged: the float is still shown while the terminal runs. */
static void float_save(const struct float_state *state,
		       struct journal *journal)
{
	char key[JOURNAL_META_KEY_SIZE];
	json_t *root;
	json_t *floats;
	char *text = NULL;
	int rc = JOURNAL_EINVAL;
	int i;

	floats = json_array();
	for (i = 0; floats != NULL && i < state->fetched.count &&
		    i < API_FLOAT_CURRENCIES;
	     i++) {
		json_int_t balance = state->fetched.floats[i].balance;

		const char *currency = state->fetched.floats[i].currency;

		json_array_append_new(floats,
				      json_pack("{s:s, s:I}", "currency",
						currency, "balance", balance));
	}
	root = json_pack("{s:I, s:I, s:o}", "fetched_at",
			 (json_int_t)state->fetched_at, "scan_from",
			 (json_int_t)state->scan_from, "floats", floats);
	if (root != NULL)
		text = json_dumps(root, JSON_COMPACT);
	if (text != NULL) {
		float_meta_key(state->fetched_for, key, sizeof(key));
		rc = journal_set_meta(journal, key, text);
	}
	if (rc != JOURNAL_OK)
		log_error("float of agent %s not kept in the journal: %s",
			  state->fetched_for, journal_strerror(rc));
	free(text);
	json_decref(root);
}

/* Read into state the float that the journal keeps for agent. Returns
 * true, or false when there is none or it cannot be read (logged). */
static bool float_load(struct float_state *state, struct journal *journal,
		       const char *agent)
{
	char key[JOURNAL_META_KEY_SIZE];
	char text[1024];
	json_int_t fetched_at = 0;
	json_int_t scan_from = 0;
	json_t *floats = NULL;
	json_t *root;
	json_t *entry;
	size_t i;
	int rc;

	state->have_float = false;
	float_meta_key(agent, key, sizeof(key));
	rc = journal_get_meta(journal, key, text, sizeof(text));
	if (rc == JOURNAL_ENOTFOUND)
		return false;
	root = rc == JOURNAL_OK ? json_loads(text, 0, NULL) : NULL;
	if (root == NULL ||
	    json_unpack(root, "{s:I, s:I, s:o}", "fetched_at", &fetched_at,
			"scan_from", &scan_from, "floats", &floats) != 0 ||
	    !json_is_array(floats)) {
		log_error("float of agent %s in the journal not read: %s",
			  agent,
			  rc == JOURNAL_OK ? "invalid JSON"
					   : journal_strerror(rc));
		json_decref(root);
		return false;
	}
	memset(&state->fetched, 0, sizeof(state->fetched));
	json_array_foreach(floats, i, entry) {
		const char *currency = NULL;
		json_int_t balance = 0;

		if (state->fetched.count >= API_FLOAT_CURRENCIES ||
		    json_unpack(entry, "{s:s, s:I}", "currency", &currency,
				"balance", &balance) != 0 ||
		    currency_find(currency) == NULL)
			continue;
		snprintf(state->fetched.floats[state->fetched.count].currency,
			 4, "%s", currency);
		state->fetched.floats[state->fetched.count++].balance =
			(int64_t)balance;
	}
	json_decref(root);
	state->fetched_at = (int64_t)fetched_at;
	state->scan_from = (int64_t)scan_from;
	snprintf(state->fetched_for, sizeof(state->fetched_for), "%s", agent);
	state->have_float = true;
	return true;
}

/* Make state hold agent's last fetched float, from the journal when the
 * one in memory is another agent's. Returns whether there is one. */
static bool float_fetched_for(struct float_state *state,
			      struct journal *journal, const char *agent)
{
	if (state->have_float && strcmp(state->fetched_for, agent) == 0)
		return true;
	return float_load(state, journal, agent);
}

/* Rebuild the lines from the last float fetched and the journal. */
static void float_rebuild(struct float_state *state, struct ui *ui)
{
	const char *agent = ui->app->session.agent_id;
	struct float_sum pending = { .state = state };
	struct float_sum since = { .state = state, .since = true };
	int rc;
	int i;

	state->stale = false;
	state->line_count = 0;
	state->pending_count = 0;
	float_fetched_for(state, ui->app->journal, agent);
	for (i = 0; state->have_float && i < state->fetched.count; i++) {
		struct float_line *line =
			float_line(state, state->fetched.floats[i].currency);

		if (line == NULL)
			continue;
		line->fetched = true;
		line->confirmed = state->fetched.floats[i].balance;
	}
	rc = float_visit(ui->app->journal, agent, FLOAT_PENDING_MASK,
			 INT64_MIN, state->rows, &pending);
	if (rc == 0 && state->have_float) {
		since.after = state->fetched_at;
		rc = float_visit(ui->app->journal, agent, 1u << OP_ACCEPTED,
				 state->scan_from, state->rows, &since);
	}
	if (rc < 0) {
		log_error("float: operations not read: %s",
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
	/* The compact layout has no room for the note under the table, so
	 * it follows a shorter time here. */
	if (localtime_r(&when, &local) != NULL)
		strftime(at, sizeof(at),
			 ui->compact ? "%m-%d %H:%M" : "%Y-%m-%d %H:%M:%S",
			 &local);
	if (ui->compact) {
		snprintf(buf, size, "%s %s%s; later figures are this "
			 "terminal's own count",
			 float_offline(ui) ? "Offline: fetched" : "Fetched", at,
			 state->asking ? ", asking again" : "");
		return;
	}
	snprintf(buf, size, "%s %s%s",
		 float_offline(ui) ? "Offline: last fetched" : "Fetched", at,
		 state->asking ? ", asking again..." : "");
}

/* One amount of a line right-aligned in width columns from (y, x). */
static void float_draw_amount(const struct float_line *line, int64_t minor,
			      bool known, bool show_sign, int y, int x,
			      int width, attr_t attr)
{
	char cell[CURRENCY_TEXT_MAX + 8];
	char text[CURRENCY_TEXT_MAX + 32];

	float_format(line->currency, minor, known, show_sign, cell,
		     sizeof(cell));
	snprintf(text, sizeof(text), "%*s", width, cell);
	draw_text(stdscr, y, x, width, attr, text);
}

static void float_draw_row(const struct float_line *line, const struct ui *ui,
			   int row)
{
	int x = ui_column(ui, 0);
	int y = ui_row(ui, row);

	draw_text(stdscr, y, x + FLOAT_COLUMN_CURRENCY, 4, A_BOLD,
		  line->currency);
	float_draw_amount(line, line->confirmed, line->fetched, false, y,
			  x + FLOAT_COLUMN_FETCHED, FLOAT_WIDTH_AMOUNT,
			  theme_attr(THEME_OK) | A_BOLD);
	float_draw_amount(line, line->since, true, true, y,
			  x + FLOAT_COLUMN_SINCE, FLOAT_WIDTH_AMOUNT, A_NORMAL);
	float_draw_amount(line, line->pending, true, true, y,
			  x + FLOAT_COLUMN_PENDING, FLOAT_WIDTH_AMOUNT,
			  theme_attr(THEME_PENDING));
	float_draw_amount(line, line->confirmed + line->since + line->pending,
			  line->fetched, false, y, x + FLOAT_COLUMN_AFTER,
			  FLOAT_WIDTH_AMOUNT, A_NORMAL);
}

/* Four rows of a currency in the compact layout. */
static void float_draw_compact(const struct float_line *line,
			       const struct ui *ui, int row)
{
	static const char *const labels[4] = {"Fetched", "Since", "Pending",
					      "After"};
	int64_t values[4] = {line->confirmed, line->since, line->pending,
			     line->confirmed + line->since + line->pending};
	bool known[4] = {line->fetched, true, true, line->fetched};
	attr_t attrs[4] = {theme_attr(THEME_OK) | A_BOLD, A_NORMAL,
			   theme_attr(THEME_PENDING), A_NORMAL};
	int x = ui_column(ui, 0);
	int i;

	draw_text(stdscr, ui_row(ui, row), x, 4, A_BOLD, line->currency);
	for (i = 0; i < 4; i++) {
		draw_text(stdscr, ui_row(ui, row + i),
			  x + FLOAT_COMPACT_LABEL_COLUMN,
			  FLOAT_COMPACT_AMOUNT_COLUMN -
				  FLOAT_COMPACT_LABEL_COLUMN,
			  A_NORMAL, labels[i]);
		float_draw_amount(line, values[i], known[i], i == 1 || i == 2,
				  ui_row(ui, row + i),
				  x + FLOAT_COMPACT_AMOUNT_COLUMN,
				  FLOAT_COMPACT_WIDTH_AMOUNT, attrs[i]);
	}
}

static void float_draw_wide(const struct float_state *state,
			    const struct ui *ui)
{
	char line[UI_COLUMNS * 2];
	int x = ui_column(ui, 0);
	int i;

	snprintf(line, sizeof(line), "%-*s%*s %*s %*s %*s",
		 FLOAT_COLUMN_FETCHED - FLOAT_COLUMN_CURRENCY, "Cur.",
		 FLOAT_WIDTH_AMOUNT, "Fetched float", FLOAT_WIDTH_AMOUNT,
		 "Confirmed since", FLOAT_WIDTH_AMOUNT, "Pending",
		 FLOAT_WIDTH_AMOUNT, "Once confirmed");
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
	draw_line(stdscr, ui_row(ui, FLOAT_NOTE_ROW + 1),
		  x + FLOAT_COLUMN_CURRENCY, UI_COLUMNS - FLOAT_COLUMN_CURRENCY,
		  A_DIM, FLOAT_OWN_COUNT);
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
			    FLOAT_COMPACT_LIST_ROW + 4 * i + 4 <=
				    FLOAT_COMPACT_MESSAGE_ROW;
		     i++)
			float_draw_compact(&state->lines[i], ui,
					   FLOAT_COMPACT_LIST_ROW + 4 * i);
	} else {
		float_draw_wide(state, ui);
	}
	draw_wrapped(stdscr,
		     ui_row(ui, ui->compact ? FLOAT_COMPACT_MESSAGE_ROW
					    : FLOAT_MESSAGE_ROW),
		     x + (ui->compact ? 0 : FLOAT_COLUMN_CURRENCY),
		     ui->columns - (ui->compact ? 0 : FLOAT_COLUMN_CURRENCY),
		     ui->compact ? 1 : 2, theme_attr(THEME_ERROR),
		     state->message);
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
		snprintf(state->fetched_for, sizeof(state->fetched_for), "%s",
			 ui->app->session.agent_id);
		state->scan_from = float_oldest_pending(
			ui->app->journal, state->fetched_for, state->rows,
			state->fetched_at);
		state->have_float = true;
		state->stale = true;
		float_save(state, ui->app->journal);
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

int float_estimate(struct journal *journal, const char *agent_id,
		   const char *currency, struct float_estimate *out)
{
	struct float_state *state = &float_view;
	struct float_sum pending = { .currency = currency };
	struct float_sum since = { .currency = currency, .since = true };
	int rc;
	int i;

	memset(out, 0, sizeof(*out));
	if (!float_fetched_for(state, journal, agent_id))
		return -1;
	for (i = 0; i < state->fetched.count && i < API_FLOAT_CURRENCIES;
	     i++) {
		if (strcmp(state->fetched.floats[i].currency, currency) == 0)
			break;
	}
	if (i >= state->fetched.count || i >= API_FLOAT_CURRENCIES)
		return -1;
	out->fetched = state->fetched.floats[i].balance;
	out->fetched_at = state->fetched_at;
	since.after = state->fetched_at;
	rc = float_visit(journal, agent_id, FLOAT_PENDING_MASK, INT64_MIN,
			 state->rows, &pending);
	if (rc == 0)
		rc = float_visit(journal, agent_id, 1u << OP_ACCEPTED,
				 state->scan_from, state->rows, &since);
	if (rc != 0) {
		log_error("float estimate: operations not read: %s",
			  journal_strerror(rc));
		return -1;
	}
	out->pending = pending.total;
	out->since = since.total;
	return 0;
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
