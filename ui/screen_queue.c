/* The queue screen: the journal's operations under one filter, a page at
 * a time, newest first, and a numbered dialog of what the agent can do
 * with the selected one. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "draw.h"
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

/* Room for "%lldd" of any int64_t. */
#define QUEUE_AGE_SIZE 24

#define STATE_BIT(state) (1u << (state))

/* Actions that a digit of the action dialog starts. */
enum queue_action {
	QUEUE_DO_NOTHING = 0,
	QUEUE_DO_RETRY,
	QUEUE_DO_CANCEL,
	QUEUE_DO_ACKNOWLEDGE,
	QUEUE_DO_NOTICE,
	QUEUE_DO_RECEIPT,
};

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

/* The state as the agent reads it, the same word as on receipts. */
static const char *const queue_state_words[OP_STATE_COUNT] = {
	[OP_QUEUED] = "PENDING",
	[OP_IN_FLIGHT] = "SENDING",
	[OP_ACCEPTED] = "CONFIRMED",
	[OP_REJECTED] = "REJECTED",
	[OP_NEEDS_ATTENTION] = "ATTENTION",
};

static const enum theme_role queue_state_roles[OP_STATE_COUNT] = {
	[OP_QUEUED] = THEME_PENDING,
	[OP_IN_FLIGHT] = THEME_PENDING,
	[OP_ACCEPTED] = THEME_OK,
	[OP_REJECTED] = THEME_ERROR,
	[OP_NEEDS_ATTENTION] = THEME_ERROR,
};

struct queue_type_words {
	const char *type;
	const char *words;
};

static const struct queue_type_words queue_types[] = {
	{ .type = API_TYPE_WALLET_TRANSFER, .words = "Wallet transfer" },
};

struct queue_state {
	enum queue_filter filter;
	int offset;   /* journal_list offset of rows[0] */
	int count;    /* rows shown, at most QUEUE_PAGE_ROWS */
	bool more;    /* older rows follow this page */
	int selected; /* index in rows */
	bool stale;   /* reload before the next draw */
	char error[UI_MESSAGE_SIZE];

	/* One row more than a page, to learn whether another page follows. */
	struct operation rows[QUEUE_PAGE_ROWS + 1];

	/* The operation in the action dialog and what each digit does. */
	char dialog_id[JOURNAL_ID_SIZE];
	enum queue_action actions[10];
};

static struct queue_state queue;

static const char *queue_state_word(enum op_state state)
{
	if ((int)state < 0 || state >= OP_STATE_COUNT)
		return "UNKNOWN";
	return queue_state_words[state];
}

static attr_t queue_state_attr(enum op_state state)
{
	if ((int)state < 0 || state >= OP_STATE_COUNT)
		return theme_attr(THEME_ERROR);
	return theme_attr(queue_state_roles[state]);
}

static const char *queue_type_word(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(queue_types) / sizeof(queue_types[0]); i++) {
		if (strcmp(queue_types[i].type, type) == 0)
			return queue_types[i].words;
	}
	return type;
}

/* Write the time since created_at as "45s", "12m", "3h" or "2d". */
static void queue_format_age(int64_t created_at, int64_t now, char *buf,
			     size_t size)
{
	int64_t age = now > created_at ? now - created_at : 0;

	if (age < 60)
		snprintf(buf, size, "%llds", (long long)age);
	else if (age < 3600)
		snprintf(buf, size, "%lldm", (long long)(age / 60));
	else if (age < 86400)
		snprintf(buf, size, "%lldh", (long long)(age / 3600));
	else
		snprintf(buf, size, "%lldd", (long long)(age / 86400));
}

/* Write the amount as "GHS 12.50". */
static void queue_format_amount(const struct operation *op, char *buf,
				size_t size)
{
	char amount[CURRENCY_TEXT_MAX];

	if (currency_format(op->currency, op->amount, amount,
			    sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld (minor units)",
			 (long long)op->amount);
	snprintf(buf, size, "%.3s %s", op->currency, amount);
}

/* Write the reference of an accepted operation, else its last error or
 * its progress. */
static void queue_format_text(const struct operation *op, char *buf,
			      size_t size)
{
	if (op->state == OP_ACCEPTED)
		snprintf(buf, size, "Ref %s", op->reference);
	else if (op->last_error[0] != '\0')
		snprintf(buf, size, "%s", op->last_error);
	else if (op->state == OP_IN_FLIGHT)
		snprintf(buf, size, "Sent, waiting for the answer");
	else if (op->state == OP_QUEUED && op->sent == 0)
		snprintf(buf, size, "Not sent yet");
	else
		buf[0] = '\0';
}

/* Whether the agent still has to acknowledge the operation's rejection. */
static bool queue_unacknowledged(const struct operation *op)
{
	return op->state == OP_REJECTED && op->sent &&
	       op->acknowledged_at == 0;
}

/* Read the page at state->offset, keeping the selection on the same
 * operation when it is still there. */
static void queue_load(struct queue_state *state, struct ui *ui)
{
	const struct queue_filter_info *filter = &queue_filters[state->filter];
	char selected_id[JOURNAL_ID_SIZE] = "";
	int n;
	int i;

	if (state->selected < state->count)
		memcpy(selected_id, state->rows[state->selected].id,
		       sizeof(selected_id));
	state->stale = false;
	state->error[0] = '\0';

	n = journal_list(ui->app->journal, filter->mask, state->offset,
			 state->rows, QUEUE_PAGE_ROWS + 1);

	/* Rows left the filter and the page is past the end: step back a
	 * page once, then to the first page. */
	if (n == 0 && state->offset > 0) {
		state->offset -= state->offset < QUEUE_PAGE_ROWS
					 ? state->offset
					 : QUEUE_PAGE_ROWS;
		n = journal_list(ui->app->journal, filter->mask,
				 state->offset, state->rows,
				 QUEUE_PAGE_ROWS + 1);
		if (n == 0 && state->offset > 0) {
			state->offset = 0;
			n = journal_list(ui->app->journal, filter->mask, 0,
					 state->rows, QUEUE_PAGE_ROWS + 1);
		}
	}
	if (n < 0) {
		log_error("cannot list operations (%s): %s", filter->name,
			  journal_strerror(n));
		snprintf(state->error, sizeof(state->error),
			 "Cannot read the journal: %s", journal_strerror(n));
		n = 0;
	}
	state->more = n > QUEUE_PAGE_ROWS;
	state->count = n > QUEUE_PAGE_ROWS ? QUEUE_PAGE_ROWS : n;

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

static void queue_enter(struct screen *screen, struct ui *ui,
			enum screen_id from)
{
	struct queue_state *state = screen->state;

	if (from == SCREEN_HOME && ui->queue_filter >= 0 &&
	    ui->queue_filter < QUEUE_FILTER_COUNT)
		state->filter = ui->queue_filter;
	state->dialog_id[0] = '\0';
	queue_show_filter(state, ui, state->filter);
}

/* Add a numbered choice to the dialog being built. */
static void queue_offer(struct queue_state *state,
			struct dialog_choice *choices, int *count, int digit,
			enum queue_action action, const char *label)
{
	state->actions[digit] = action;
	choices[*count].digit = digit;
	choices[*count].label = label;
	(*count)++;
}

/* Fill the choices the operation's state allows, numbered for a keypad.
 * Returns how many. */
static int queue_choices(struct queue_state *state,
			 const struct operation *op,
			 struct dialog_choice choices[DIALOG_CHOICES_MAX])
{
	int count = 0;

	memset(state->actions, 0, sizeof(state->actions));
	if (op->state == OP_NEEDS_ATTENTION) {
		queue_offer(state, choices, &count, 1, QUEUE_DO_RETRY,
			    "Send again");
		if (op->sent == 0)
			queue_offer(state, choices, &count, 2, QUEUE_DO_CANCEL,
				    "Cancel");
	} else if (op->state == OP_QUEUED && op->sent == 0) {
		queue_offer(state, choices, &count, 1, QUEUE_DO_CANCEL,
			    "Cancel");
	} else if (op->state == OP_REJECTED && op->acknowledged_at == 0) {
		queue_offer(state, choices, &count, 1, QUEUE_DO_ACKNOWLEDGE,
			    "Acknowledge");
		queue_offer(state, choices, &count, 2, QUEUE_DO_NOTICE,
			    "Print notice");
	}
	queue_offer(state, choices, &count, 9, QUEUE_DO_RECEIPT,
		    "Print receipt copy");
	return count;
}

/* Write the operation's details for the action dialog, one fact per
 * line, with the last error in full. */
static void queue_details(const struct operation *op, char *text,
			  size_t size)
{
	struct wallet_transfer transfer;
	char amount[CURRENCY_TEXT_MAX + 8];
	char created[32] = "?";
	char age[QUEUE_AGE_SIZE];
	time_t when = (time_t)op->created_at;
	struct tm local;
	size_t used;
	const char *label = "Last error";

	if (op->state == OP_REJECTED || op->state == OP_NEEDS_ATTENTION)
		label = "Reason";
	queue_format_amount(op, amount, sizeof(amount));
	queue_format_age(op->created_at, (int64_t)time(NULL), age,
			 sizeof(age));
	if (localtime_r(&when, &local) != NULL)
		strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S",
			 &local);
	used = (size_t)snprintf(text, size,
				"%s  %s  %s\nOperation %s\nCreated %s (%s "
				"ago), attempts %d\n",
				queue_type_word(op->type), amount,
				queue_state_word(op->state), op->id, created,
				age, op->attempts);

	if (used < size && strcmp(op->type, API_TYPE_WALLET_TRANSFER) == 0 &&
	    api_wallet_transfer_decode(op->payload, &transfer) == 0)
		used += (size_t)snprintf(text + used, size - used,
					 "From wallet %s to wallet %s\n",
					 transfer.sender, transfer.receiver);
	if (used < size && op->state == OP_ACCEPTED)
		used += (size_t)snprintf(text + used, size - used,
					 "Reference %s\n", op->reference);
	else if (used < size && op->last_error[0] != '\0')
		used += (size_t)snprintf(text + used, size - used, "%s: %s\n",
					 label, op->last_error);
	if (used < size && queue_unacknowledged(op))
		snprintf(text + used, size - used,
			 "Rejected after it was sent; not acknowledged yet.");
}

/* Open, or rebuild, the action dialog for operation id. Returns false
 * when the journal has no such operation. */
static bool queue_open_dialog(struct queue_state *state, struct ui *ui,
			      const char *id)
{
	struct dialog_choice choices[DIALOG_CHOICES_MAX];
	struct operation op;
	char text[DIALOG_TEXT_SIZE];
	int count;
	int rc = journal_get(ui->app->journal, id, &op);

	if (rc != JOURNAL_OK) {
		snprintf(ui->notice, sizeof(ui->notice),
			 "Cannot read the operation: %s",
			 journal_strerror(rc));
		return false;
	}
	memcpy(state->dialog_id, op.id, sizeof(state->dialog_id));
	count = queue_choices(state, &op, choices);
	queue_details(&op, text, sizeof(text));
	dialog_choose(&ui->dialog, "Operation", text, choices, count);
	return true;
}

/* Whether the open dialog is this screen's action dialog. */
static bool queue_dialog_open(const struct queue_state *state,
			      const struct ui *ui)
{
	return ui->dialog.open && ui->dialog.purpose == DIALOG_FOR_SCREEN &&
	       state->dialog_id[0] != '\0';
}

static void queue_reload(struct screen *screen, struct ui *ui)
{
	struct queue_state *state = screen->state;
	char id[JOURNAL_ID_SIZE];

	if (!state->stale)
		return;
	queue_load(state, ui);

	/* The operation may have moved on while its dialog was open (sent,
	 * rejected...), and the choices must follow. */
	if (queue_dialog_open(state, ui)) {
		memcpy(id, state->dialog_id, sizeof(id));
		queue_open_dialog(state, ui, id);
	}
}

static void queue_draw_header(const struct queue_state *state,
			      const struct ui *ui)
{
	int x = ui_column(ui, 0);
	char line[UI_COLUMNS * 2];

	snprintf(line, sizeof(line), "  Queue: %s",
		 queue_filters[state->filter].name);
	draw_line(stdscr, ui_row(ui, QUEUE_TITLE_ROW), x, UI_COLUMNS,
		  theme_attr(THEME_TITLE), line);
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

static void queue_draw_row(const struct operation *op, bool selected,
			   int y, int x, int64_t now)
{
	attr_t base = selected ? A_REVERSE : A_NORMAL;
	char text[JOURNAL_ERROR_SIZE + 8];
	char age[QUEUE_AGE_SIZE];
	char cell[CURRENCY_TEXT_MAX + 8];
	char amount[CURRENCY_TEXT_MAX + 8];

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

	/* An amount too wide for its column shows as '#' rather than cut,
	 * which would show a wrong number; the dialog has it in full. */
	queue_format_amount(op, amount, sizeof(amount));
	if (draw_text_width(amount) > QUEUE_WIDTH_AMOUNT)
		snprintf(cell, sizeof(cell), "%.*s", QUEUE_WIDTH_AMOUNT,
			 "##################################");
	else
		snprintf(cell, sizeof(cell), "%*s", QUEUE_WIDTH_AMOUNT,
			 amount);
	draw_text(stdscr, y, x + QUEUE_COLUMN_AMOUNT, QUEUE_WIDTH_AMOUNT,
		  base | A_BOLD, cell);

	draw_text(stdscr, y, x + QUEUE_COLUMN_TYPE, QUEUE_WIDTH_TYPE, base,
		  queue_type_word(op->type));
	queue_format_text(op, text, sizeof(text));
	draw_text(stdscr, y, x + QUEUE_COLUMN_TEXT, QUEUE_WIDTH_TEXT, base,
		  text);
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
	snprintf(line, sizeof(line), "Rows %d-%d%s%s", state->offset + 1,
		 state->offset + state->count,
		 state->more ? "   PgDn: older" : "",
		 state->offset > 0 ? "   PgUp: newer" : "");
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

static void queue_draw(const struct screen *screen, const struct ui *ui)
{
	const struct queue_state *state = screen->state;
	int64_t now = (int64_t)time(NULL);
	int x = ui_column(ui, 0);
	int row;
	int i;

	for (row = 0; row < UI_CONTENT_ROWS; row++)
		draw_blank(stdscr, ui_row(ui, row), 0, -1);
	queue_draw_header(state, ui);
	for (i = 0; i < state->count; i++)
		queue_draw_row(&state->rows[i], i == state->selected,
			       ui_row(ui, QUEUE_LIST_ROW + i), x, now);
	queue_draw_footer(state, ui);
}

/* Move the selection by one row, across page edges. */
static void queue_step(struct queue_state *state, struct ui *ui, int step)
{
	int target = state->selected + step;

	if (target >= 0 && target < state->count) {
		state->selected = target;
		return;
	}
	if (target >= state->count && state->more) {
		state->offset += QUEUE_PAGE_ROWS;
		state->selected = 0;
		state->count = 0;
		queue_load(state, ui);
	} else if (target < 0 && state->offset > 0) {
		state->offset -= state->offset < QUEUE_PAGE_ROWS
					 ? state->offset
					 : QUEUE_PAGE_ROWS;
		state->selected = QUEUE_PAGE_ROWS - 1;
		state->count = 0;
		queue_load(state, ui);
	}
}

/* Move a page, keeping the selection's place on the page. */
static void queue_page(struct queue_state *state, struct ui *ui, int pages)
{
	int offset = state->offset + pages * QUEUE_PAGE_ROWS;

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

static int queue_on_action(struct screen *screen, struct ui *ui,
			   enum ui_action action)
{
	struct queue_state *state = screen->state;

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
			queue_open_dialog(state, ui,
					  state->rows[state->selected].id);
		return SCREEN_HANDLED;
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

static int queue_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct queue_state *state = screen->state;
	int filter = (int)(ch - L'1');

	if (filter < 0 || filter >= QUEUE_FILTER_COUNT)
		return SCREEN_IGNORED;
	queue_show_filter(state, ui, (enum queue_filter)filter);
	return SCREEN_HANDLED;
}

/* Carry out the digit's action on the dialog's operation and show the
 * service layer's message on the notice line. */
static int queue_on_choice(struct screen *screen, struct ui *ui, int digit)
{
	struct queue_state *state = screen->state;
	const char *id = state->dialog_id;
	char message[UI_MESSAGE_SIZE] = "";

	if (digit < 0 || digit > 9)
		return SCREEN_IGNORED;

	/* Both print functions return "Receipt printed", so the message
	 * names the print that came out, as the result screen does. */
	switch (state->actions[digit]) {
	case QUEUE_DO_RETRY:
		app_retry_operation(ui->app, id, message, sizeof(message));
		break;
	case QUEUE_DO_CANCEL:
		app_cancel_operation(ui->app, id, message, sizeof(message));
		break;
	case QUEUE_DO_ACKNOWLEDGE:
		app_acknowledge_operation(ui->app, id, message,
					  sizeof(message));
		break;
	case QUEUE_DO_NOTICE:
		if (app_print_notice(ui->app, id, message,
				     sizeof(message)) == 0)
			snprintf(message, sizeof(message),
				 "Rejection notice printed");
		break;
	case QUEUE_DO_RECEIPT:
		if (app_print_receipt(ui->app, id, true, message,
				      sizeof(message)) == 0)
			snprintf(message, sizeof(message),
				 "Receipt copy printed");
		break;
	case QUEUE_DO_NOTHING:
	default:
		return SCREEN_IGNORED;
	}
	snprintf(ui->notice, sizeof(ui->notice), "%.*s",
		 (int)sizeof(ui->notice) - 1, message);
	state->dialog_id[0] = '\0';
	state->stale = true;
	return SCREEN_HANDLED;
}

static int queue_on_event(struct screen *screen, struct ui *ui,
			  const struct event *event)
{
	struct queue_state *state = screen->state;

	(void)ui;
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
	.help_keys = "1 Waiting 2 Needs attention 3 Rejected 4 Accepted "
		     "5 All",
	.enter = queue_enter,
	.reload = queue_reload,
	.draw = queue_draw,
	.on_action = queue_on_action,
	.on_text = queue_on_text,
	.on_event = queue_on_event,
	.on_choice = queue_on_choice,
	.state = &queue,
};
