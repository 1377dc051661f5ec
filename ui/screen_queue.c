/* The queue screen: the journal's operations under one filter, a page at
 * a time, newest first, and the selected one's details with the numbered
 * actions the agent can take on it. A profile update that met a newer
 * profile shows both versions field by field. */
#define LOG_MODULE "ui"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/currency.h"
#include "../app/customer.h"
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

/* Room for "%lldd" of any int64_t. */
#define QUEUE_AGE_SIZE 24

/* The details view: paragraphs of at most QUEUE_PARAGRAPH_SIZE bytes,
 * room for a reason of JOURNAL_ERROR_SIZE, a conflict value of
 * API_CONFLICT_REASON_MAX or two names of 64 four-byte characters, each
 * with its label. They are wrapped to the layout's width into at most
 * QUEUE_DETAIL_LINES_MAX lines. */
#define QUEUE_PARAGRAPHS_MAX 28
#define QUEUE_PARAGRAPH_SIZE 640
#define QUEUE_DETAIL_LINES_MAX 96
#define QUEUE_CHOICE_LINES_MAX 4
#define QUEUE_CHOICES_MAX 4

/* The label before each version of a conflicting field, and the columns
 * under which a wrapped value continues. */
#define QUEUE_CONFLICT_CENTRAL "  Spotbanc:  "
#define QUEUE_CONFLICT_EDIT "  This edit: "
#define QUEUE_CONFLICT_HANG 13

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
	const char *short_words; /* at most QUEUE_COMPACT_WIDTH_TYPE */
};

static const struct queue_type_words queue_types[] = {
	{ .type = API_TYPE_WALLET_TRANSFER, .words = "Wallet transfer",
	  .short_words = "Transfer" },
	{ .type = API_TYPE_CUSTOMER_REGISTRATION, .words = "Registration",
	  .short_words = "Register" },
	{ .type = API_TYPE_CUSTOMER_UPDATE, .words = "Profile update",
	  .short_words = "Profile" },
};

/* The words for the profile fields that a conflict names. */
static const struct {
	const char *name;
	const char *words;
} queue_field_words[] = {
	{ "first_name", "First name" }, { "last_name", "Last name" },
	{ "phone", "Phone" },           { "address", "Address" },
	{ "email", "Email" },
};

/* One paragraph of the details view. Its lines after the first start
 * `hang` columns further in, under the value of a "Label: value" line. */
struct queue_paragraph {
	int indent;
	int hang;
	attr_t attr;
	char text[QUEUE_PARAGRAPH_SIZE];
};

/* One wrapped line of a paragraph: a piece of its text. */
struct queue_line {
	const struct queue_paragraph *paragraph;
	size_t start;
	size_t length;
	int x; /* content column */
};

/* The details view's paragraphs, rebuilt from the operation for each
 * draw or scroll. */
struct queue_detail_text {
	struct queue_paragraph paragraphs[QUEUE_PARAGRAPHS_MAX];
	int count;
};

/* A numbered action offered on the details view. */
struct queue_choice {
	int digit;
	const char *label;
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

	/* The details view, when `detail` is set: a copy of the operation,
	 * the first line shown, and what each digit does. */
	bool detail;
	struct operation op;
	int scroll;
	struct queue_choice choices[QUEUE_CHOICES_MAX];
	int choice_count;
	enum queue_action actions[10];
};

static struct queue_state queue;

#define QUEUE_HELP_KEYS \
	"1 Waiting 2 Needs attention 3 Rejected 4 Accepted 5 All"
#define QUEUE_HELP_KEYS_COMPACT "1-5:Filter"
#define QUEUE_DETAIL_HELP_KEYS "0-9 Action"
#define QUEUE_DETAIL_HELP_KEYS_COMPACT "0-9:Action"

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

/* Return the words for an operation type, short ones for the compact
 * list, or the type itself when it is not known. */
static const char *queue_type_word(const char *type, bool short_words)
{
	size_t i;

	for (i = 0; i < sizeof(queue_types) / sizeof(queue_types[0]); i++) {
		if (strcmp(queue_types[i].type, type) == 0)
			return short_words ? queue_types[i].short_words
					   : queue_types[i].words;
	}
	return type;
}

static const char *queue_field_word(const char *name)
{
	size_t count = sizeof(queue_field_words) / sizeof(queue_field_words[0]);
	size_t i;

	for (i = 0; i < count; i++) {
		if (strcmp(queue_field_words[i].name, name) == 0)
			return queue_field_words[i].words;
	}
	return name;
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

/* Whether the operation moves money: other types journal an amount of 0
 * that would mean nothing to the agent. */
static bool queue_has_amount(const struct operation *op)
{
	return strcmp(op->type, API_TYPE_WALLET_TRANSFER) == 0;
}

/* Write the amount as "GHS 12.50", or nothing for an operation that
 * moves no money. */
static void queue_format_amount(const struct operation *op, char *buf,
				size_t size)
{
	char amount[CURRENCY_TEXT_MAX];

	if (!queue_has_amount(op)) {
		buf[0] = '\0';
		return;
	}
	if (currency_format(op->currency, op->amount, amount,
			    sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld (minor units)",
			 (long long)op->amount);
	snprintf(buf, size, "%.3s %s", op->currency, amount);
}

/* Fill *conflict when op is a profile update set aside because the
 * profile changed at the central service. */
static bool queue_conflict(const struct operation *op,
			   struct customer_conflict *conflict)
{
	return op->state == OP_NEEDS_ATTENTION &&
	       strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) == 0 &&
	       customer_conflict_parse(op->last_error, conflict) ==
		       CUSTOMER_OK;
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

/* Set the help line for the list or the details view. */
static void queue_set_help(struct screen *screen,
			   const struct queue_state *state)
{
	if (state->detail) {
		screen->help = UI_HELP_BACK | UI_HELP_SCROLL;
		screen->back_word = "List";
		screen->help_keys = QUEUE_DETAIL_HELP_KEYS;
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
	state->scroll = 0;
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

/* Add a numbered choice to the details view. */
static void queue_offer(struct queue_state *state, int digit,
			enum queue_action action, const char *label)
{
	if (state->choice_count >= QUEUE_CHOICES_MAX)
		return;
	state->actions[digit] = action;
	state->choices[state->choice_count].digit = digit;
	state->choices[state->choice_count].label = label;
	state->choice_count++;
}

/* Fill the choices that state->op's state allows, numbered for a
 * keypad. */
static void queue_set_choices(struct queue_state *state)
{
	const struct operation *op = &state->op;

	memset(state->actions, 0, sizeof(state->actions));
	state->choice_count = 0;
	if (op->state == OP_NEEDS_ATTENTION) {
		queue_offer(state, 1, QUEUE_DO_RETRY, "Send again");
		if (op->sent == 0)
			queue_offer(state, 2, QUEUE_DO_CANCEL, "Cancel");
	} else if (op->state == OP_QUEUED && op->sent == 0) {
		queue_offer(state, 1, QUEUE_DO_CANCEL, "Cancel");
	} else if (op->state == OP_REJECTED && op->acknowledged_at == 0) {
		queue_offer(state, 1, QUEUE_DO_ACKNOWLEDGE, "Acknowledge");
		queue_offer(state, 2, QUEUE_DO_NOTICE, "Print notice");
	}
	queue_offer(state, 9, QUEUE_DO_RECEIPT, "Print receipt copy");
}

/* Append an empty paragraph to text. Returns it, or NULL when text has
 * QUEUE_PARAGRAPHS_MAX already. */
static struct queue_paragraph *queue_add(struct queue_detail_text *text,
					 int indent, int hang, attr_t attr)
{
	struct queue_paragraph *paragraph;

	if (text->count >= QUEUE_PARAGRAPHS_MAX)
		return NULL;
	paragraph = &text->paragraphs[text->count++];
	paragraph->indent = indent;
	paragraph->hang = hang;
	paragraph->attr = attr;
	paragraph->text[0] = '\0';
	return paragraph;
}

/* Append a paragraph written as by printf. */
__attribute__((format(printf, 5, 6))) static void
queue_printf(struct queue_detail_text *text, int indent, int hang,
	     attr_t attr, const char *format, ...)
{
	struct queue_paragraph *paragraph =
		queue_add(text, indent, hang, attr);
	va_list args;

	if (paragraph == NULL)
		return;
	va_start(args, format);
	vsnprintf(paragraph->text, sizeof(paragraph->text), format, args);
	va_end(args);
}

/* Add who the operation is for: the wallets of a transfer, or the
 * customer of a registration or profile update. */
static void queue_add_parties(struct queue_detail_text *text,
			      const struct operation *op)
{
	struct wallet_transfer transfer;
	struct customer_registration registration;
	struct customer_update update;
	bool pending = op->state != OP_ACCEPTED && op->state != OP_REJECTED;

	if (strcmp(op->type, API_TYPE_WALLET_TRANSFER) == 0 &&
	    api_wallet_transfer_decode(op->payload, &transfer) == 0) {
		if (transfer.receiver_customer_id[0] == '\0')
			queue_printf(text, 0, 0, A_NORMAL,
				     "From wallet %s to wallet %s",
				     transfer.sender, transfer.receiver);
		else
			queue_printf(text, 0, 0, A_NORMAL,
				     "From wallet %s to %s (%s)",
				     transfer.sender,
				     transfer.receiver_name[0] != '\0'
					     ? transfer.receiver_name
					     : "new customer",
				     pending ? "registration pending"
					     : "new customer");
	} else if (strcmp(op->type, API_TYPE_CUSTOMER_REGISTRATION) == 0 &&
		   api_customer_registration_decode(op->payload,
						    &registration) == 0) {
		queue_printf(text, 0, 0, A_NORMAL, "Customer %s %s, %s",
			     registration.first_name, registration.last_name,
			     registration.phone);
	} else if (strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) == 0 &&
		   api_customer_update_decode(op->payload, &update) == 0) {
		queue_printf(text, 0, 0, A_NORMAL, "Customer %s",
			     update.customer_id);
	}
}

/* Add one version of a conflicting field: "(none)" for no value, and
 * "..." after a value cut to fit the reason. */
static void queue_add_version(struct queue_detail_text *text,
			      const char *label, const char *value, bool cut)
{
	queue_printf(text, 0, QUEUE_CONFLICT_HANG, A_NORMAL, "%s%s%s", label,
		     value[0] != '\0' ? value : "(none)", cut ? "..." : "");
}

/* Add both versions of each field of a conflict: the central service's
 * and this edit's. */
static void queue_add_conflict(struct queue_detail_text *text,
			       const struct customer_conflict *conflict)
{
	int i;

	queue_printf(text, 0, 0, theme_attr(THEME_ERROR),
		     "Changed at Spotbanc since you read it: Spotbanc has "
		     "version %lld, this edit was made on version %lld.",
		     (long long)conflict->version,
		     (long long)conflict->base_version);
	for (i = 0; i < conflict->count; i++) {
		queue_printf(text, 0, 0, A_BOLD, "%s",
			     queue_field_word(conflict->fields[i].name));
		queue_add_version(text, QUEUE_CONFLICT_CENTRAL,
				  conflict->fields[i].central,
				  conflict->fields[i].central_cut);
		queue_add_version(text, QUEUE_CONFLICT_EDIT,
				  conflict->fields[i].edit,
				  conflict->fields[i].edit_cut);
	}
}

/* Build the details of state->op, one fact per paragraph, with the last
 * error in full, or the versions of a conflict field by field. The
 * compact layout labels the id "Op" so that it fits one line. */
static void queue_detail_build(const struct queue_state *state,
			       bool compact, struct queue_detail_text *text)
{
	const struct operation *op = &state->op;
	struct customer_conflict conflict;
	char amount[CURRENCY_TEXT_MAX + 8];
	char created[32] = "?";
	char age[QUEUE_AGE_SIZE];
	time_t when = (time_t)op->created_at;
	struct tm local;
	const char *label = "Last error";

	text->count = 0;
	if (op->state == OP_REJECTED || op->state == OP_NEEDS_ATTENTION)
		label = "Reason";
	queue_format_amount(op, amount, sizeof(amount));
	queue_format_age(op->created_at, (int64_t)time(NULL), age,
			 sizeof(age));
	if (localtime_r(&when, &local) != NULL)
		strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S",
			 &local);

	queue_printf(text, 0, 0, A_BOLD, "%s  %s%s%s",
		     queue_type_word(op->type, false), amount,
		     amount[0] != '\0' ? "  " : "",
		     queue_state_word(op->state));

	/* The outcome comes first, so that a 40x16 screen shows it without
	 * scrolling. */
	if (op->state == OP_ACCEPTED)
		queue_printf(text, 0, 0, A_NORMAL, "Reference %s",
			     op->reference);
	else if (queue_conflict(op, &conflict))
		queue_add_conflict(text, &conflict);
	else if (op->last_error[0] != '\0')
		queue_printf(text, 0, 0, A_NORMAL, "%s: %s", label,
			     op->last_error);
	if (queue_unacknowledged(op))
		queue_printf(text, 0, 0, theme_attr(THEME_ERROR),
			     "Rejected after it was sent; not acknowledged "
			     "yet.");

	queue_add_parties(text, op);
	queue_printf(text, 0, 0, A_NORMAL, "%s %s",
		     compact ? "Op" : "Operation", op->id);
	queue_printf(text, 0, 0, A_NORMAL,
		     "Created %s (%s ago), attempts %d", created, age,
		     op->attempts);
}

/* Wrap the paragraphs to width columns into lines. Returns the number of
 * lines, at most max. */
static int queue_wrap(const struct queue_detail_text *text, int width,
		      struct queue_line *lines, int max)
{
	int count = 0;
	int i;

	for (i = 0; i < text->count && count < max; i++) {
		const struct queue_paragraph *paragraph = &text->paragraphs[i];
		const char *start = paragraph->text;
		const char *rest = start;
		bool first = true;

		do {
			int x = paragraph->indent;
			size_t cut;

			if (!first)
				x += paragraph->hang;
			cut = draw_wrap_cut(rest, width - x);

			lines[count].paragraph = paragraph;
			lines[count].start = (size_t)(rest - start);
			lines[count].length = cut;
			lines[count].x = x;
			count++;
			first = false;
			rest += cut;
			while (*rest == ' ' || *rest == '\n')
				rest++;
		} while (*rest != '\0' && count < max);
	}
	return count;
}

/* Break the choices into lines of at most width columns, never inside a
 * choice. Returns the number of lines. */
static int queue_choice_lines(const struct queue_state *state, int width,
			      char lines[QUEUE_CHOICE_LINES_MAX][UI_COLUMNS])
{
	int count = 0;
	int i;

	for (i = 0; i < state->choice_count; i++) {
		char item[UI_COLUMNS];
		size_t used = count > 0 ? strlen(lines[count - 1]) : 0;

		snprintf(item, sizeof(item), "%d %s", state->choices[i].digit,
			 state->choices[i].label);
		if (count > 0 &&
		    draw_text_width(lines[count - 1]) + 3 +
				    draw_text_width(item) <= width) {
			snprintf(lines[count - 1] + used, UI_COLUMNS - used,
				 "   %s", item);
			continue;
		}
		if (count == QUEUE_CHOICE_LINES_MAX)
			break;
		snprintf(lines[count++], UI_COLUMNS, "%s", item);
	}
	return count;
}

/* Rows of the details view: the title, then the text from `text` to
 * `choices` - 1, then the choices, and in the wide layout a key hint on
 * the last row. */
struct queue_detail_rows {
	int title;
	int text;
	int text_rows;
	int choices;
};

static struct queue_detail_rows queue_detail_rows(const struct ui *ui,
						  int choice_lines)
{
	struct queue_detail_rows rows;
	int hint = ui->compact ? 0 : 1;

	rows.title = ui->compact ? 0 : 1;
	rows.text = rows.title + (ui->compact ? 1 : 2);
	rows.choices = ui->rows - hint - choice_lines;
	rows.text_rows = rows.choices - rows.text - (ui->compact ? 0 : 1);
	return rows;
}

/* The text width of the details view. */
static int queue_detail_width(const struct ui *ui)
{
	return ui->columns - (ui->compact ? 0 : 4);
}

/* The first line of the details to show: the scroll position, kept
 * inside the text. */
static int queue_detail_first(const struct queue_state *state,
			      int line_count, int text_rows)
{
	int last = line_count - text_rows;
	int first = state->scroll;

	if (first > last)
		first = last;
	return first < 0 ? 0 : first;
}

static void queue_draw_detail(const struct queue_state *state,
			      const struct ui *ui)
{
	struct queue_detail_text text;
	struct queue_line lines[QUEUE_DETAIL_LINES_MAX];
	char choices[QUEUE_CHOICE_LINES_MAX][UI_COLUMNS];
	char piece[QUEUE_PARAGRAPH_SIZE];
	int width = queue_detail_width(ui);
	int margin = ui->compact ? 0 : 2;
	int choice_count = queue_choice_lines(state, width, choices);
	struct queue_detail_rows rows = queue_detail_rows(ui, choice_count);
	int count;
	int first;
	int i;

	queue_detail_build(state, ui->compact, &text);
	count = queue_wrap(&text, width, lines, QUEUE_DETAIL_LINES_MAX);
	first = queue_detail_first(state, count, rows.text_rows);

	draw_line(stdscr, ui_row(ui, rows.title), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE),
		  ui->compact ? "Operation" : "  Operation");
	if (count - first > rows.text_rows || first > 0) {
		const char *more = first == 0 ? "more: Down"
				   : count - first > rows.text_rows
					   ? "more: Up/Down"
					   : "more: Up";
		int more_width = draw_text_width(more);

		draw_text(stdscr, ui_row(ui, rows.title),
			  ui_column(ui, ui->columns - more_width - 1),
			  more_width, theme_attr(THEME_TITLE), more);
	}

	for (i = 0; i < rows.text_rows && first + i < count; i++) {
		const struct queue_line *line = &lines[first + i];

		snprintf(piece, sizeof(piece), "%.*s", (int)line->length,
			 line->paragraph->text + line->start);
		draw_text(stdscr, ui_row(ui, rows.text + i),
			  ui_column(ui, margin + line->x), width - line->x,
			  line->paragraph->attr, piece);
	}
	for (i = 0; i < choice_count; i++)
		draw_text(stdscr, ui_row(ui, rows.choices + i),
			  ui_column(ui, margin), width, A_BOLD, choices[i]);
	if (!ui->compact)
		draw_text(stdscr, ui_row(ui, ui->rows - 1),
			  ui_column(ui, margin), width, A_DIM,
			  "Press a number, or Esc for the list");
}

/* Scroll the details by lines, within the text. */
static void queue_detail_scroll(struct queue_state *state,
				const struct ui *ui, int lines)
{
	struct queue_detail_text text;
	struct queue_line wrapped[QUEUE_DETAIL_LINES_MAX];
	char choices[QUEUE_CHOICE_LINES_MAX][UI_COLUMNS];
	int width = queue_detail_width(ui);
	int choice_count = queue_choice_lines(state, width, choices);
	struct queue_detail_rows rows = queue_detail_rows(ui, choice_count);
	int count;

	queue_detail_build(state, ui->compact, &text);
	count = queue_wrap(&text, width, wrapped, QUEUE_DETAIL_LINES_MAX);

	/* Move from the line shown, then keep the result inside the text. */
	state->scroll = queue_detail_first(state, count, rows.text_rows) +
			lines;
	state->scroll = queue_detail_first(state, count, rows.text_rows);
}

/* Read operation id into the details view and set its choices. Returns
 * false, with a notice, when the journal cannot give it. */
static bool queue_read_detail(struct queue_state *state, struct ui *ui,
			      const char *id)
{
	char copy[JOURNAL_ID_SIZE];
	int rc;

	/* id may point into state->op, which journal_get overwrites. */
	snprintf(copy, sizeof(copy), "%s", id);
	rc = journal_get(ui->app->journal, copy, &state->op);
	if (rc != JOURNAL_OK) {
		snprintf(ui->notice, sizeof(ui->notice),
			 "Cannot read the operation: %s",
			 journal_strerror(rc));
		return false;
	}
	queue_set_choices(state);
	return true;
}

static void queue_open_detail(struct screen *screen, struct ui *ui,
			      const char *id)
{
	struct queue_state *state = screen->state;

	if (!queue_read_detail(state, ui, id))
		return;
	state->detail = true;
	state->scroll = 0;
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
	if (state->detail && !queue_read_detail(state, ui, state->op.id))
		queue_close_detail(screen);
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
		queue_draw_detail(state, ui);
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
		queue_detail_scroll(state, ui, 1);
		return SCREEN_HANDLED;
	case UI_ACTION_PREV:
		queue_detail_scroll(state, ui, -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		queue_detail_scroll(state, ui, page);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_UP:
		queue_detail_scroll(state, ui, -page);
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

/* Carry out the digit's action on the operation of the details view,
 * show the service layer's message on the notice line, and go back to
 * the list. */
static int queue_act(struct screen *screen, struct ui *ui, int digit)
{
	struct queue_state *state = screen->state;
	const char *id = state->op.id;
	char message[UI_MESSAGE_SIZE] = "";

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
	queue_close_detail(screen);
	state->stale = true;
	return SCREEN_HANDLED;
}

/* A digit picks a filter on the list, and an action on the details. */
static int queue_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct queue_state *state = screen->state;
	int digit = (int)(ch - L'0');

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
	.state = &queue,
};
