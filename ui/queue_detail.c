/* The queue screen's details view of one operation, wrapped to the layout
 * with its numbered choices, and the words for an operation the list uses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/currency.h"
#include "../app/op_type.h"
#include "draw.h"
#include "queue_detail.h"
#include "theme.h"

/* The details view: paragraphs of at most QUEUE_PARAGRAPH_SIZE bytes,
 * room for a reason of JOURNAL_ERROR_SIZE, a conflict value of
 * API_CONFLICT_REASON_MAX or two names of 64 four-byte characters, each
 * with its label. They are wrapped to the layout's width into at most
 * QUEUE_DETAIL_LINES_MAX lines. */
#define QUEUE_PARAGRAPHS_MAX 28
#define QUEUE_PARAGRAPH_SIZE 640
#define QUEUE_DETAIL_LINES_MAX 96
#define QUEUE_CHOICE_LINES_MAX 4

/* The label before each version of a conflicting field, and the columns
 * under which a wrapped value continues. */
#define QUEUE_CONFLICT_CENTRAL "  Spotbanc:  "
#define QUEUE_CONFLICT_EDIT "  This edit: "
#define QUEUE_CONFLICT_HANG 13

/* The state as the agent reads it, the same word as on receipts. */
static const char *const queue_state_words[OP_STATE_COUNT] = {
	[OP_QUEUED] = "PENDING",
	[OP_IN_FLIGHT] = "SENDING",
	[OP_ACCEPTED] = "CONFIRMED",
	[OP_REJECTED] = "REJECTED",
	[OP_NEEDS_ATTENTION] = "ATTENTION",
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

const char *queue_state_word(enum op_state state)
{
	if ((int)state < 0 || state >= OP_STATE_COUNT)
		return "UNKNOWN";
	return queue_state_words[state];
}

const char *queue_type_word(const char *type, bool short_words)
{
	const struct op_type_words *words = op_type_find(type);

	if (words == NULL)
		return type;
	return short_words ? words->short_label : words->label;
}

const char *queue_field_word(const char *name)
{
	size_t count = sizeof(queue_field_words) / sizeof(queue_field_words[0]);
	size_t i;

	for (i = 0; i < count; i++) {
		if (strcmp(queue_field_words[i].name, name) == 0)
			return queue_field_words[i].words;
	}
	return name;
}

void queue_format_age(int64_t created_at, int64_t now, char *buf, size_t size)
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

/* Whether the operation moves money: other types journal an amount of 0
 * that would mean nothing to the agent. */
static bool queue_has_amount(const struct operation *op)
{
	return api_type_moves_money(op->type);
}

void queue_format_amount(const struct operation *op, char *buf, size_t size)
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

bool queue_conflict(const struct operation *op,
		    struct customer_conflict *conflict)
{
	return op->state == OP_NEEDS_ATTENTION &&
	       strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) == 0 &&
	       customer_conflict_parse(op->last_error, conflict) ==
		       CUSTOMER_OK;
}

bool queue_unacknowledged(const struct operation *op)
{
	return op->state == OP_REJECTED && op->sent &&
	       op->acknowledged_at == 0;
}

/* Add a numbered choice to the details view. */
static void queue_offer(struct queue_detail *detail, int digit,
			enum queue_action action, const char *label)
{
	if (detail->choice_count >= QUEUE_CHOICES_MAX)
		return;
	detail->actions[digit] = action;
	detail->choices[detail->choice_count].digit = digit;
	detail->choices[detail->choice_count].label = label;
	detail->choice_count++;
}

/* The original receipt or notice job of the operation that
 * queue_detail_read read last, while it has not printed: the details show
 * it, and 9 releases it instead of printing a copy before it. One
 * details view shows at a time, and queue_detail_read refreshes it. */
static struct print_job detail_original;
static bool detail_original_pending;

/* Fill the choices that detail->op's state allows, numbered for a
 * keypad. A version conflict is final because the central service replays
 * it to the same key, so the agent can only discard it. An accepted money
 * operation is offered for reversal when `reversible`. */
static void queue_set_choices(struct queue_detail *detail, bool reversible)
{
	const struct operation *op = &detail->op;
	struct customer_conflict conflict;

	memset(detail->actions, 0, sizeof(detail->actions));
	detail->choice_count = 0;
	if (queue_conflict(op, &conflict)) {
		queue_offer(detail, 1, QUEUE_DO_DISCARD, "Discard this edit");
	} else if (op->state == OP_NEEDS_ATTENTION) {
		queue_offer(detail, 1, QUEUE_DO_RETRY, "Send again");
		if (op->sent == 0)
			queue_offer(detail, 2, QUEUE_DO_CANCEL, "Cancel");
	} else if (op->state == OP_QUEUED && op->sent == 0) {
		queue_offer(detail, 1, QUEUE_DO_CANCEL, "Cancel");
	} else if (op->state == OP_REJECTED && op->acknowledged_at == 0) {
		queue_offer(detail, 1, QUEUE_DO_ACKNOWLEDGE, "Acknowledge");
		queue_offer(detail, 2, QUEUE_DO_NOTICE, "Print notice");
	} else if (reversible) {
		queue_offer(detail, 1, QUEUE_DO_REVERSE, "Reverse");
	}
	if (detail_original_pending && detail_original.state == PRINT_HELD &&
	    !detail_original.taken)
		queue_offer(detail, 9, QUEUE_DO_RECEIPT,
			    "Print held receipt");
	else
		queue_offer(detail, 9, QUEUE_DO_RECEIPT, "Print receipt copy");
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

/* Write "GHS 12.50", or the minor units when the currency is unknown. */
static void queue_money(const char *currency, int64_t minor, char *buf,
			size_t size)
{
	char amount[CURRENCY_TEXT_MAX];

	if (currency_format(currency, minor, amount, sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld (minor units)",
			 (long long)minor);
	snprintf(buf, size, "%.3s %s", currency, amount);
}

/* Add the parties of a bank transfer, cash-in or cash-out. */
static void queue_add_counter_parties(struct queue_detail_text *text,
				      const struct operation *op)
{
	struct bank_transfer bank;
	struct cash_in cash_in;
	struct cash_out cash_out;

	if (strcmp(op->type, API_TYPE_BANK_TRANSFER) == 0 &&
	    api_bank_transfer_decode(op->payload, &bank) == 0) {
		queue_printf(text, 0, 0, A_NORMAL,
			     "To %s, account %s at %s", bank.account_name,
			     bank.account_number,
			     bank.bank_name[0] != '\0' ? bank.bank_name
						       : bank.bank_code);
		if (bank.funding == API_FUNDING_WALLET)
			queue_printf(text, 0, 0, A_NORMAL, "From wallet %s",
				     bank.sender);
		else
			queue_printf(text, 0, 0, A_NORMAL, "Paid in cash");
	} else if (strcmp(op->type, API_TYPE_CASH_IN) == 0 &&
		   api_cash_in_decode(op->payload, &cash_in) == 0) {
		queue_printf(text, 0, 0, A_NORMAL, "Into wallet %s%s%s%s",
			     cash_in.receiver[0] != '\0'
				     ? cash_in.receiver
				     : "of a new customer",
			     cash_in.receiver_name[0] != '\0' ? " (" : "",
			     cash_in.receiver_name,
			     cash_in.receiver_name[0] != '\0' ? ")" : "");
	} else if (strcmp(op->type, API_TYPE_CASH_OUT) == 0 &&
		   api_cash_out_decode(op->payload, &cash_out) == 0) {
		queue_printf(text, 0, 0, A_NORMAL, "From wallet %s%s%s%s",
			     cash_out.sender,
			     cash_out.holder_name[0] != '\0' ? " (" : "",
			     cash_out.holder_name,
			     cash_out.holder_name[0] != '\0' ? ")" : "");
	}
}

/* Add the parties of a send money or a reversal. */
static void queue_add_remote_parties(struct queue_detail_text *text,
				     const struct operation *op)
{
	struct send_money send;
	struct reversal reversal;
	char amount[CURRENCY_TEXT_MAX + 8];

	if (strcmp(op->type, API_TYPE_SEND_MONEY) == 0 &&
	    api_send_money_decode(op->payload, &send) == 0) {
		queue_money(send.receive_currency, send.receive_amount,
			    amount, sizeof(amount));
		queue_printf(text, 0, 0, A_NORMAL, "To %s, %s, in %s (%s)",
			     send.receiver_name, send.receiver_phone,
			     send.country, send.method);
		queue_printf(text, 0, 0, A_NORMAL, "Receiver gets %s%s%s",
			     amount,
			     send.receiver_account[0] != '\0' ? ", account "
							      : "",
			     send.receiver_account);
	} else if (strcmp(op->type, API_TYPE_REVERSAL) == 0 &&
		   api_reversal_decode(op->payload, &reversal) == 0) {
		queue_printf(text, 0, 0, A_NORMAL,
			     "Reverses %s %s (operation %s)",
			     queue_type_word(reversal.original_type, false),
			     reversal.original_reference,
			     reversal.original_id);
		queue_printf(text, 0, 0, A_NORMAL, "Reason: %s",
			     reversal.reason);
	}
}

/* Add the fee a money operation carries, when it has one. */
static void queue_add_fee(struct queue_detail_text *text,
			  const struct operation *op)
{
	char amount[CURRENCY_TEXT_MAX + 8];
	int64_t fee = 0;

	if (!queue_has_amount(op) || api_payload_fee(op->payload, &fee) != 0 ||
	    fee == 0)
		return;
	queue_money(op->currency, fee, amount, sizeof(amount));
	queue_printf(text, 0, 0, A_NORMAL, "Fee %s", amount);
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

/* Add whether the operation's receipt or notice has not printed yet. */
static void queue_add_print(struct queue_detail_text *text)
{
	const char *what = detail_original.kind == PRINT_KIND_NOTICE
				   ? "Notice"
				   : "Receipt";

	if (!detail_original_pending)
		return;
	if (detail_original.state == PRINT_HELD && detail_original.taken)
		queue_printf(text, 0, 0, theme_attr(THEME_ERROR),
			     "%s may have printed (stopped while printing). "
			     "9 prints a copy.",
			     what);
	else if (detail_original.state == PRINT_HELD)
		queue_printf(text, 0, 0, theme_attr(THEME_ERROR),
			     "%s held, not printed: %s. 9 prints it.", what,
			     detail_original.last_error);
	else
		queue_printf(text, 0, 0, A_NORMAL,
			     "%s waiting for the printer.", what);
}

/* Add whether the operation's request left the terminal, as the journal
 * row records it, for an operation not yet decided. */
static void queue_add_progress(struct queue_detail_text *text,
			       const struct operation *op, bool conflict)
{
	const char *progress = NULL;

	if (conflict)
		progress = "Sent, and Spotbanc applied nothing: it would "
			   "give the same answer again.";
	else if (op->state == OP_NEEDS_ATTENTION && op->sent)
		progress = "Sent: Spotbanc may have received it.";
	else if (op->state == OP_NEEDS_ATTENTION)
		progress = "Not applied at Spotbanc: it was not sent, or "
			   "Spotbanc applied nothing.";
	else if (op->state == OP_IN_FLIGHT)
		progress = "Sent, waiting for the answer.";
	else if (op->state == OP_QUEUED && op->sent)
		progress = "Sent before; it will be sent again with the same "
			   "key.";
	else if (op->state == OP_QUEUED)
		progress = "Not sent yet.";
	if (progress != NULL)
		queue_printf(text, 0, 0, A_NORMAL, "%s", progress);
}

/* Build the details of detail->op, one fact per paragraph, with the last
 * error in full, or the versions of a conflict field by field. The
 * compact layout labels the id "Op" so that it fits one line. */
static void queue_detail_build(const struct queue_detail *detail,
			       bool compact, struct queue_detail_text *text)
{
	const struct operation *op = &detail->op;
	struct customer_conflict conflict;
	char amount[CURRENCY_TEXT_MAX + 8];
	char created[32] = "?";
	char age[QUEUE_AGE_SIZE];
	time_t when = (time_t)op->created_at;
	struct tm local;
	const char *label = "Last error";
	bool in_conflict = queue_conflict(op, &conflict);

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
	else if (in_conflict)
		queue_add_conflict(text, &conflict);
	else if (op->last_error[0] != '\0')
		queue_printf(text, 0, 0, A_NORMAL, "%s: %s", label,
			     op->last_error);
	queue_add_progress(text, op, in_conflict);
	queue_add_print(text);
	if (queue_unacknowledged(op))
		queue_printf(text, 0, 0, theme_attr(THEME_ERROR),
			     "Rejected after it was sent; not acknowledged "
			     "yet.");

	queue_add_parties(text, op);
	queue_add_counter_parties(text, op);
	queue_add_remote_parties(text, op);
	queue_add_fee(text, op);
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
static int queue_choice_lines(const struct queue_detail *detail, int width,
			      char lines[QUEUE_CHOICE_LINES_MAX][UI_COLUMNS])
{
	int count = 0;
	int i;

	for (i = 0; i < detail->choice_count; i++) {
		char item[UI_COLUMNS];
		size_t used = count > 0 ? strlen(lines[count - 1]) : 0;

		snprintf(item, sizeof(item), "%d %s", detail->choices[i].digit,
			 detail->choices[i].label);
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
static int queue_detail_first(const struct queue_detail *detail,
			      int line_count, int text_rows)
{
	int last = line_count - text_rows;
	int first = detail->scroll;

	if (first > last)
		first = last;
	return first < 0 ? 0 : first;
}

void queue_detail_draw(const struct queue_detail *detail, const struct ui *ui)
{
	struct queue_detail_text text;
	struct queue_line lines[QUEUE_DETAIL_LINES_MAX];
	char choices[QUEUE_CHOICE_LINES_MAX][UI_COLUMNS];
	char piece[QUEUE_PARAGRAPH_SIZE];
	int width = queue_detail_width(ui);
	int margin = ui->compact ? 0 : 2;
	int choice_count = queue_choice_lines(detail, width, choices);
	struct queue_detail_rows rows = queue_detail_rows(ui, choice_count);
	int count;
	int first;
	int i;

	queue_detail_build(detail, ui->compact, &text);
	count = queue_wrap(&text, width, lines, QUEUE_DETAIL_LINES_MAX);
	first = queue_detail_first(detail, count, rows.text_rows);

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

void queue_detail_scroll(struct queue_detail *detail, const struct ui *ui,
			 int lines)
{
	struct queue_detail_text text;
	struct queue_line wrapped[QUEUE_DETAIL_LINES_MAX];
	char choices[QUEUE_CHOICE_LINES_MAX][UI_COLUMNS];
	int width = queue_detail_width(ui);
	int choice_count = queue_choice_lines(detail, width, choices);
	struct queue_detail_rows rows = queue_detail_rows(ui, choice_count);
	int count;

	queue_detail_build(detail, ui->compact, &text);
	count = queue_wrap(&text, width, wrapped, QUEUE_DETAIL_LINES_MAX);

	/* Move from the line shown, then keep the result inside the text. */
	detail->scroll = queue_detail_first(detail, count, rows.text_rows) +
			 lines;
	detail->scroll = queue_detail_first(detail, count, rows.text_rows);
}

bool queue_detail_read(struct queue_detail *detail, struct ui *ui,
		       const char *id)
{
	char copy[JOURNAL_ID_SIZE];
	char message[UI_MESSAGE_SIZE];
	int rc;

	/* id may point into detail->op, which journal_get overwrites. */
	snprintf(copy, sizeof(copy), "%s", id);
	rc = journal_get(ui->app->journal, copy, &detail->op);
	if (rc != JOURNAL_OK) {
		snprintf(ui->notice, sizeof(ui->notice),
			 "Cannot read the operation: %s",
			 journal_strerror(rc));
		return false;
	}
	detail_original_pending =
		app_print_original_pending(ui->app, detail->op.id,
					   &detail_original) == 1;
	queue_set_choices(detail,
			  detail->op.state == OP_ACCEPTED &&
				  money_reversal_check(ui->app->journal,
						       detail->op.id, message,
						       sizeof(message)) == 0);
	return true;
}

