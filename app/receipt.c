/* Receipt layout of a journal row for 58 mm and 80 mm paper, and its
 * encoding as one ESC/POS print job. */
#define LOG_MODULE "receipt"

#include "receipt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "currency.h"
#include "log.h"
#include "../drivers/utf8.h"

/* Width of the label column: the longest label ("Operation", "Reference")
 * and the space that always separates it from the value. */
#define LABEL_COLUMN 10
_Static_assert(sizeof("Operation") <= LABEL_COLUMN &&
		       sizeof("Reference") <= LABEL_COLUMN,
	       "every label leaves a space before the value column");

/* Longest cleaned value in bytes. A value with more code points than the
 * receipt has cells cannot fit, so it fails the layout either way. */
#define VALUE_SIZE (4 * RECEIPT_LINES_MAX * RECEIPT_COLUMNS_80MM + 1)

/* Lines fed before the cut, so the last line clears the tear bar. */
#define RECEIPT_FEED_LINES 3

/* Characters that must not reach the screen or the paper: C0 controls,
 * DEL, C1 controls, line and paragraph separators, and the bidirectional
 * marks, embeddings, overrides and isolates that can make a line read
 * differently from its bytes. */
static bool is_control(uint32_t code)
{
	return code < 0x20 || (code >= 0x7F && code <= 0x9F) ||
	       code == 0x200E || code == 0x200F ||
	       (code >= 0x2028 && code <= 0x202E) ||
	       (code >= 0x2066 && code <= 0x2069);
}

/* Maximum size in bytes of one character's printable form: the character
 * itself (4 bytes at most) or a transliteration such as "Shch". */
#define PRINTABLE_CHAR_SIZE 16

/* Copy src into dst as valid UTF-8 without control characters, each
 * character as profile prints it (escpos_printable). Tabs and line breaks
 * become spaces so that words stay apart, and each invalid sequence
 * becomes '?'. Returns 0, or -1 when dst is too small. */
static int clean_text(const struct escpos_profile *profile, const char *src,
		      char *dst, size_t size)
{
	const unsigned char *s = (const unsigned char *)src;
	char printable[PRINTABLE_CHAR_SIZE];
	size_t used = 0;

	while (*s != '\0') {
		uint32_t code;
		size_t len = utf8_decode(s, &code);
		const unsigned char *bytes = s;

		s += len;
		if (code == UTF8_INVALID) {
			bytes = (const unsigned char *)"?";
			len = 1;
		} else if (code == '\t' || code == '\n' || code == '\r') {
			bytes = (const unsigned char *)" ";
		} else if (is_control(code)) {
			continue;
		} else if (code >= 0x80) {
			char one[5];

			memcpy(one, bytes, len);
			one[len] = '\0';
			if (escpos_printable(profile, one, printable,
					     sizeof(printable)) < 0)
				return -1;
			bytes = (const unsigned char *)printable;
			len = strlen(printable);
		}
		if (len >= size - used) {
			log_warn("text of more than %zu bytes cannot fit on a "
				 "receipt",
				 size - 1);
			return -1;
		}
		memcpy(dst + used, bytes, len);
		used += len;
	}
	dst[used] = '\0';
	return 0;
}

/* Length in bytes of the character that starts with lead, in text that
 * clean_text has made valid UTF-8. */
static size_t utf8_length(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if (lead < 0xE0)
		return 2;
	return lead < 0xF0 ? 3 : 4;
}

/* Number of code points in text that clean_text has made valid UTF-8. */
static int utf8_count(const char *text)
{
	int count = 0;

	for (; *text != '\0'; text += utf8_length((unsigned char)*text))
		count++;
	return count;
}

/* Find the first chunk of text that fits in width code points. It ends
 * at the last space that fits, which is dropped. A word longer than width
 * ends after its last hyphen that fits, so that an operation id breaks
 * between its groups, or else after width code points. Sets *bytes and
 * *count to the chunk's size in bytes and code points and returns the
 * rest of text. */
static const char *next_chunk(const char *text, int width, size_t *bytes,
			      int *count)
{
	const char *end = text;
	const char *space = NULL;
	const char *hyphen = NULL;
	int space_count = 0;
	int hyphen_count = 0;
	int n = 0;

	while (*end != '\0' && n < width) {
		if (*end == ' ' && end != text) {
			space = end;
			space_count = n;
		}
		end += utf8_length((unsigned char)*end);
		n++;
		if (end[-1] == '-') {
			hyphen = end;
			hyphen_count = n;
		}
	}

	if (*end == '\0' || *end == ' ' || (space == NULL && hyphen == NULL)) {
		*bytes = (size_t)(end - text);
		*count = n;
		return *end == ' ' ? end + 1 : end;
	}
	if (space == NULL) {
		*bytes = (size_t)(hyphen - text);
		*count = hyphen_count;
		return hyphen;
	}
	*bytes = (size_t)(space - text);
	*count = space_count;
	return space + 1;
}

/* Append a line whose text is bytes long; the caller keeps it within the
 * receipt's columns. Returns -1 when the receipt has no line left. */
static int add_line(struct receipt *out, enum receipt_style style,
		    const char *text, size_t bytes)
{
	struct receipt_line *line;

	if (out->count >= RECEIPT_LINES_MAX || bytes >= sizeof(line->text)) {
		log_warn("receipt needs more than %d lines of %d columns",
			 RECEIPT_LINES_MAX, out->columns);
		return -1;
	}
	line = &out->lines[out->count++];
	line->style = style;
	memcpy(line->text, text, bytes);
	line->text[bytes] = '\0';
	return 0;
}

static int add_text(struct receipt *out, enum receipt_style style,
		    const char *text)
{
	return add_line(out, style, text, strlen(text));
}

static int add_rule(struct receipt *out)
{
	char rule[RECEIPT_COLUMNS_80MM];

	memset(rule, '-', sizeof(rule));
	return add_line(out, RECEIPT_STYLE_RULE, rule, (size_t)out->columns);
}

/* Append label on the left and a chunk of value right-aligned. */
static int add_aligned(struct receipt *out, enum receipt_style style,
		       const char *label, const char *chunk, size_t bytes,
		       int count)
{
	char text[sizeof(out->lines[0].text)];
	size_t label_len = strlen(label);
	size_t pad = (size_t)(out->columns - count) - label_len;

	memcpy(text, label, label_len);
	memset(text + label_len, ' ', pad);
	memcpy(text + label_len + pad, chunk, bytes);
	return add_line(out, style, text, label_len + pad + bytes);
}

/* Append a label and its value, the value wrapped onto continuation lines
 * in the value column when it is too long. Nothing is cut off. */
static int add_pair(struct receipt *out, enum receipt_style style,
		    const char *label, const char *value)
{
	char clean[VALUE_SIZE];
	const char *rest = clean;
	bool first = true;

	if (clean_text(out->profile, value, clean, sizeof(clean)) < 0)
		return -1;

	do {
		const char *chunk = rest;
		size_t bytes;
		int count;

		rest = next_chunk(chunk, out->columns - LABEL_COLUMN, &bytes,
				  &count);
		if (add_aligned(out, style, first ? label : "", chunk, bytes,
				count) < 0)
			return -1;
		first = false;
	} while (*rest != '\0');
	return 0;
}

/* Append text as left-aligned lines wrapped at the full width. */
int receipt_add_paragraph(struct receipt *out, enum receipt_style style,
			  const char *text)
{
	char clean[VALUE_SIZE];
	const char *rest = clean;

	if (clean_text(out->profile, text, clean, sizeof(clean)) < 0)
		return -1;

	do {
		const char *chunk = rest;
		size_t bytes;
		int count;

		rest = next_chunk(chunk, out->columns, &bytes, &count);
		if (add_line(out, style, chunk, bytes) < 0)
			return -1;
	} while (*rest != '\0');
	return 0;
}

static int add_paragraph(struct receipt *out, const char *text)
{
	return receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN, text);
}

static int add_header(struct receipt *out,
		      const struct receipt_context *context, const char *title)
{
	out->profile = context->profile;
	if (add_text(out, RECEIPT_STYLE_CENTER, "SPOTBANC") < 0 ||
	    add_text(out, RECEIPT_STYLE_CENTER, title) < 0)
		return -1;
	if (context->copy &&
	    add_text(out, RECEIPT_STYLE_CENTER, "*** COPY ***") < 0)
		return -1;
	if (context->notice &&
	    add_text(out, RECEIPT_STYLE_CENTER, "*** REJECTION NOTICE ***") < 0)
		return -1;
	return add_rule(out);
}

/* Write op's created_at as "2026-12-04 15:00 UTC" into date. */
static int format_date(const struct operation *op, char *date, size_t size)
{
	time_t created = (time_t)op->created_at;
	struct tm tm;

	if (gmtime_r(&created, &tm) == NULL ||
	    strftime(date, size, "%Y-%m-%d %H:%M UTC", &tm) == 0) {
		log_warn("operation %s: created_at %lld is out of range",
			 op->id, (long long)op->created_at);
		return -1;
	}
	return 0;
}

/* The date, terminal and agent lines that every receipt starts with. */
static int add_origin(struct receipt *out, const struct operation *op,
		      const struct receipt_context *context)
{
	const char *agent = op->agent_id;
	const char *terminal = context->terminal_id;
	char date[64];

	if (format_date(op, date, sizeof(date)) < 0)
		return -1;
	if (context->agent_name != NULL && context->agent_name[0] != '\0')
		agent = context->agent_name;
	if (terminal == NULL)
		terminal = "";

	if (add_pair(out, RECEIPT_STYLE_PLAIN, "Date", date) < 0 ||
	    add_pair(out, RECEIPT_STYLE_PLAIN, "Terminal", terminal) < 0 ||
	    add_pair(out, RECEIPT_STYLE_PLAIN, "Agent", agent) < 0)
		return -1;
	return 0;
}

/* Hex digits of a customer id shown for a receiver without a name. */
#define SHORT_ID_LENGTH 8

/* Write the "To" value: the account, or for a receiver named by customer
 * id the customer's name, else "new customer" and the id's first
 * SHORT_ID_LENGTH digits, so the line is never empty. */
static void receiver_text(const struct wallet_transfer *transfer, char *text,
			  size_t size)
{
	const char *name = transfer->receiver_name;

	if (transfer->receiver_customer_id[0] == '\0')
		snprintf(text, size, "%s", transfer->receiver);
	else if (strspn(name, " ") != strlen(name))
		snprintf(text, size, "%s", name);
	else
		snprintf(text, size, "new customer %.*s", SHORT_ID_LENGTH,
			 transfer->receiver_customer_id);
}

static int add_details(struct receipt *out, const struct operation *op,
		       const struct receipt_context *context,
		       const struct wallet_transfer *transfer)
{
	char receiver[sizeof(transfer->receiver_name) + JOURNAL_ID_SIZE];

	receiver_text(transfer, receiver, sizeof(receiver));
	if (add_origin(out, op, context) < 0 ||
	    add_pair(out, RECEIPT_STYLE_PLAIN, "From", transfer->sender) < 0 ||
	    add_pair(out, RECEIPT_STYLE_PLAIN, "To", receiver) < 0 ||
	    add_pair(out, RECEIPT_STYLE_PLAIN, "Operation", op->id) < 0)
		return -1;
	return add_rule(out);
}

static int add_amount(struct receipt *out, const struct operation *op,
		      const struct wallet_transfer *transfer)
{
	char number[CURRENCY_TEXT_MAX];
	char amount[sizeof(transfer->currency) + CURRENCY_TEXT_MAX];
	int result;

	result = currency_format(transfer->currency, transfer->amount, number,
				 sizeof(number));
	if (result < 0) {
		log_warn("operation %s: amount %lld %s: %s", op->id,
			 (long long)transfer->amount, transfer->currency,
			 currency_strerror(result));
		return -1;
	}
	snprintf(amount, sizeof(amount), "%s %s", transfer->currency, number);

	if (add_pair(out, RECEIPT_STYLE_TOTAL, "Amount", amount) < 0)
		return -1;

	/* A free transfer, or one journaled before fees, prints none. */
	if (transfer->fee > 0 &&
	    (receipt_format_amount(transfer->currency, transfer->fee, amount,
				   sizeof(amount)) < 0 ||
	     receipt_add_columns(out, RECEIPT_STYLE_PLAIN, "Fee", amount) <
		     0))
		return -1;

	/* A rejected transfer moved no money, whatever its fee. */
	if (op->state == OP_REJECTED) {
		if (add_paragraph(out, "Nothing was debited") < 0)
			return -1;
	} else if (transfer->fee > 0 &&
		   (receipt_format_amount(transfer->currency,
					  transfer->amount + transfer->fee,
					  amount, sizeof(amount)) < 0 ||
		    receipt_add_columns(out, RECEIPT_STYLE_TOTAL,
					"From wallet", amount) < 0)) {
		return -1;
	}
	return add_rule(out);
}

/* The status never claims more than the journal row: only an accepted
 * operation is CONFIRMED. */
static int add_status(struct receipt *out, const struct operation *op)
{
	switch (op->state) {
	case OP_QUEUED:
	case OP_IN_FLIGHT:
		if (add_pair(out, RECEIPT_STYLE_PLAIN, "Status", "PENDING") < 0)
			return -1;
		return add_paragraph(out, "Not yet confirmed by Spotbanc");
	case OP_ACCEPTED:
		if (add_pair(out, RECEIPT_STYLE_PLAIN, "Status", "CONFIRMED") <
		    0)
			return -1;
		return add_pair(out, RECEIPT_STYLE_PLAIN, "Reference",
				op->reference);
	case OP_REJECTED:
		if (add_pair(out, RECEIPT_STYLE_PLAIN, "Status", "REJECTED") <
		    0)
			return -1;
		return add_paragraph(out, op->last_error[0] != '\0'
						  ? op->last_error
						  : "No reason given");
	case OP_NEEDS_ATTENTION:
		if (add_pair(out, RECEIPT_STYLE_PLAIN, "Status",
			     "NEEDS ATTENTION") < 0)
			return -1;
		return add_paragraph(out,
				     "Not confirmed; contact Spotbanc support");
	}
	log_warn("operation %s: unknown state %d", op->id, (int)op->state);
	return -1;
}

/* Whether text can be a CODE128 code set B barcode: printable ASCII. */
static bool is_barcode_text(const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text < 0x20 || *text >= 0x7F)
			return false;
	}
	return true;
}

/* Mark where the QR code and barcode print: right after the status.
 * Only a CONFIRMED receipt with a reference gets them. */
static int add_codes(struct receipt *out, const struct operation *op,
		     const struct receipt_context *context)
{
	const struct escpos_profile *profile = out->profile;
	const char *url = context->verify_url;
	size_t len;

	if (profile == NULL)
		profile = escpos_profile_find("generic-80");
	out->codes_line = out->count;
	if (op->state != OP_ACCEPTED || op->reference[0] == '\0')
		return 0;

	if (context->qr && profile->qr_max > 0) {
		len = (size_t)snprintf(out->qr, sizeof(out->qr), "%s%s",
				       url != NULL ? url : "", op->reference);
		if (len >= sizeof(out->qr) || len > profile->qr_max) {
			log_warn("operation %s: QR code of %zu bytes is over "
				 "the %zu of printer profile %s; printed "
				 "without it",
				 op->id, len, profile->qr_max, profile->name);
			out->qr[0] = '\0';
		}
	}
	if (context->barcode && profile->barcode &&
	    is_barcode_text(op->reference))
		snprintf(out->barcode, sizeof(out->barcode), "%s",
			 op->reference);
	return 0;
}

/* --- The building blocks other layouts share (receipt.h). --- */

int receipt_begin(struct receipt *out, int columns)
{
	out->columns = columns;
	out->count = 0;
	out->profile = NULL;
	out->qr[0] = '\0';
	out->barcode[0] = '\0';
	out->codes_line = -1;
	if (columns != RECEIPT_COLUMNS_58MM && columns != RECEIPT_COLUMNS_80MM)
		return -1;
	return 0;
}

int receipt_add_header(struct receipt *out,
		       const struct receipt_context *context,
		       const char *title)
{
	return add_header(out, context, title);
}

int receipt_add_rule(struct receipt *out)
{
	return add_rule(out);
}

int receipt_add_pair(struct receipt *out, enum receipt_style style,
		     const char *label, const char *value)
{
	return add_pair(out, style, label, value);
}

int receipt_add_columns(struct receipt *out, enum receipt_style style,
			const char *left, const char *right)
{
	char clean_left[sizeof(out->lines[0].text)];
	char clean_right[sizeof(out->lines[0].text)];
	int left_count;
	int right_count;

	if (clean_text(out->profile, left, clean_left, sizeof(clean_left)) <
		    0 ||
	    clean_text(out->profile, right, clean_right,
		       sizeof(clean_right)) < 0)
		return -1;
	left_count = utf8_count(clean_left);
	right_count = utf8_count(clean_right);
	if (left_count > out->columns || right_count > out->columns) {
		log_warn("\"%s\" or \"%s\" is wider than %d columns",
			 clean_left, clean_right, out->columns);
		return -1;
	}

	/* At least one space between the two. */
	if (left_count + 1 + right_count <= out->columns)
		return add_aligned(out, style, clean_left, clean_right,
				   strlen(clean_right), right_count);
	if (add_line(out, style, clean_left, strlen(clean_left)) < 0)
		return -1;
	return add_aligned(out, style, "", clean_right, strlen(clean_right),
			   right_count);
}

int receipt_add_origin(struct receipt *out, const struct operation *op,
		       const struct receipt_context *context)
{
	return add_origin(out, op, context);
}

int receipt_add_status(struct receipt *out, const struct operation *op)
{
	return add_status(out, op);
}

int receipt_add_codes(struct receipt *out, const struct operation *op,
		      const struct receipt_context *context)
{
	return add_codes(out, op, context);
}

int receipt_add_reversal(struct receipt *out,
			 const struct receipt_context *context)
{
	const struct operation *reversal = context->reversal;
	char text[sizeof("Reversed by  on ") + JOURNAL_REFERENCE_SIZE + 64];
	char date[64];

	if (reversal == NULL || reversal->state == OP_REJECTED)
		return 0;
	if (reversal->state != OP_ACCEPTED)
		return receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL,
					     "Reversal pending");

	/* The date of the reversal's own receipt, which is its created_at. */
	if (format_date(reversal, date, sizeof(date)) < 0)
		return -1;
	snprintf(text, sizeof(text), "Reversed by %s on %s",
		 reversal->reference[0] != '\0' ? reversal->reference
						: reversal->id,
		 date);
	return receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL, text);
}

int receipt_add_footer(struct receipt *out,
		       const struct receipt_context *context)
{
	if (add_rule(out) < 0 ||
	    add_text(out, RECEIPT_STYLE_CENTER, "Keep this receipt") < 0)
		return -1;
	if (context->copy &&
	    add_text(out, RECEIPT_STYLE_CENTER, "*** COPY ***") < 0)
		return -1;
	return 0;
}

int receipt_format_amount(const char *currency, int64_t amount, char *buf,
			  size_t size)
{
	char number[CURRENCY_TEXT_MAX];
	int result;

	result = currency_format(currency, amount, number, sizeof(number));
	if (result < 0) {
		log_warn("amount %lld %s: %s", (long long)amount,
			 currency == NULL ? "(null)" : currency,
			 currency_strerror(result));
		return -1;
	}
	if ((size_t)snprintf(buf, size, "%s %s", currency, number) >= size) {
		log_warn("amount %s %s does not fit in %zu bytes", currency,
			 number, size);
		return -1;
	}
	return 0;
}

static bool has_nul(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

/* Check that every text field of op ends inside its array. */
static int check_terminators(const struct operation *op)
{
	if (!has_nul(op->id, sizeof(op->id)) ||
	    !has_nul(op->type, sizeof(op->type)) ||
	    !has_nul(op->agent_id, sizeof(op->agent_id)) ||
	    !has_nul(op->currency, sizeof(op->currency)) ||
	    !has_nul(op->payload, sizeof(op->payload)) ||
	    !has_nul(op->reference, sizeof(op->reference)) ||
	    !has_nul(op->last_error, sizeof(op->last_error))) {
		log_warn("operation has a text field without its terminator");
		return -1;
	}
	return 0;
}

/* Read a transfer's payload, which must agree with the row's own currency
 * and amount. */
static int read_transfer(const struct operation *op,
			 struct wallet_transfer *transfer)
{
	if (strcmp(op->type, API_TYPE_WALLET_TRANSFER) != 0) {
		log_warn("operation %s: no receipt layout for type %s", op->id,
			 op->type);
		return -1;
	}
	if (api_wallet_transfer_decode(op->payload, transfer) != 0) {
		log_warn("operation %s: payload is not a wallet transfer",
			 op->id);
		return -1;
	}
	if (strcmp(transfer->currency, op->currency) != 0 ||
	    transfer->amount != op->amount) {
		log_warn("operation %s: payload amount differs from the "
			 "journal row",
			 op->id);
		return -1;
	}
	return 0;
}

/* The customer and phone lines of a registration or profile update. An
 * update shows the new name and phone when it changes them, else the
 * customer id. */
static int add_customer(struct receipt *out, const struct operation *op)
{
	struct customer_registration reg;
	struct customer_update update;
	char name[2 * API_PERSON_NAME_SIZE];

	if (strcmp(op->type, API_TYPE_CUSTOMER_REGISTRATION) == 0) {
		if (api_customer_registration_decode(op->payload, &reg) != 0)
			goto unreadable;
		snprintf(name, sizeof(name), "%s %s", reg.first_name,
			 reg.last_name);
		if (add_pair(out, RECEIPT_STYLE_PLAIN, "Name", name) < 0 ||
		    add_pair(out, RECEIPT_STYLE_PLAIN, "Phone", reg.phone) < 0)
			return -1;
		return 0;
	}
	if (api_customer_update_decode(op->payload, &update) != 0)
		goto unreadable;
	if (add_pair(out, RECEIPT_STYLE_PLAIN, "Customer",
		     update.customer_id) < 0)
		return -1;
	if ((update.changes & (API_CHANGE_FIRST_NAME | API_CHANGE_LAST_NAME)) !=
	    0) {
		snprintf(name, sizeof(name), "%s %s", update.first_name,
			 update.last_name);
		if (add_pair(out, RECEIPT_STYLE_PLAIN, "Name", name) < 0)
			return -1;
	}
	if ((update.changes & API_CHANGE_PHONE) &&
	    add_pair(out, RECEIPT_STYLE_PLAIN, "Phone", update.phone) < 0)
		return -1;
	return 0;
unreadable:
	log_warn("operation %s: payload is not a %s", op->id, op->type);
	return -1;
}

/* Lay out the receipt of a registration or profile update: no amount,
 * since neither moves money. */
static int layout_customer(const struct operation *op,
			   const struct receipt_context *context,
			   struct receipt *out)
{
	const char *title =
		strcmp(op->type, API_TYPE_CUSTOMER_REGISTRATION) == 0
			? "Customer registration"
			: "Profile update";

	if (add_header(out, context, title) < 0 ||
	    add_origin(out, op, context) < 0 || add_customer(out, op) < 0 ||
	    add_pair(out, RECEIPT_STYLE_PLAIN, "Operation", op->id) < 0 ||
	    add_rule(out) < 0 || add_status(out, op) < 0 ||
	    add_codes(out, op, context) < 0 ||
	    receipt_add_footer(out, context) < 0)
		return -1;
	return 0;
}

int receipt_layout(const struct operation *op,
		   const struct receipt_context *context, int columns,
		   struct receipt *out)
{
	struct receipt_context headed = *context;
	struct wallet_transfer transfer;

	if (receipt_begin(out, columns) < 0)
		return -1;
	if (check_terminators(op) < 0)
		return -1;

	/* A copy of a rejection notice, or its preview, is a notice too. */
	if (op->state == OP_REJECTED)
		headed.notice = true;
	if (strcmp(op->type, API_TYPE_CUSTOMER_REGISTRATION) == 0 ||
	    strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) == 0)
		return layout_customer(op, &headed, out);
	if (strcmp(op->type, API_TYPE_WALLET_TRANSFER) != 0)
		return receipt_money_layout(op, &headed, columns, out);
	if (read_transfer(op, &transfer) < 0)
		return -1;

	if (add_header(out, &headed, "Wallet transfer") < 0 ||
	    add_details(out, op, &headed, &transfer) < 0 ||
	    add_amount(out, op, &transfer) < 0 || add_status(out, op) < 0 ||
	    add_codes(out, op, &headed) < 0 ||
	    receipt_add_reversal(out, &headed) < 0 ||
	    receipt_add_footer(out, &headed) < 0)
		return -1;
	return 0;
}

static void encode_line(struct escpos_buf *buf,
			const struct receipt_line *line, int columns)
{
	char rule[RECEIPT_COLUMNS_80MM + 1];

	switch (line->style) {
	case RECEIPT_STYLE_CENTER:
		escpos_align(buf, ESCPOS_ALIGN_CENTER);
		escpos_text(buf, line->text);
		break;
	case RECEIPT_STYLE_TOTAL:
		/* Double height keeps the width, so the line still fits 32
		 * columns. */
		escpos_align(buf, ESCPOS_ALIGN_LEFT);
		escpos_bold(buf, true);
		escpos_double_height(buf, true);
		escpos_text(buf, line->text);
		escpos_double_height(buf, false);
		escpos_bold(buf, false);
		break;
	case RECEIPT_STYLE_RULE:
		memset(rule, '-', (size_t)columns);
		rule[columns] = '\0';
		escpos_align(buf, ESCPOS_ALIGN_LEFT);
		escpos_text(buf, rule);
		break;
	default:
		escpos_align(buf, ESCPOS_ALIGN_LEFT);
		escpos_text(buf, line->text);
		break;
	}
	escpos_newline(buf);
}

/* The QR code and barcode of a CONFIRMED receipt. One the printer cannot
 * print is left out: the reference is on the receipt as text too. */
static void encode_codes(const struct receipt *receipt,
			 struct escpos_buf *buf)
{
	size_t qr_len = strnlen(receipt->qr, sizeof(receipt->qr));
	int rc;

	if (qr_len > 0 && qr_len < sizeof(receipt->qr)) {
		rc = escpos_qr(buf, (const unsigned char *)receipt->qr,
			       qr_len);
		if (rc != ESCPOS_OK)
			log_warn("QR code of %zu bytes left out for printer "
				 "profile %s: %s",
				 qr_len, buf->profile->name,
				 escpos_strerror(rc));
	}
	if (receipt->barcode[0] != '\0' &&
	    memchr(receipt->barcode, '\0', sizeof(receipt->barcode)) != NULL) {
		rc = escpos_barcode(buf, receipt->barcode);
		if (rc != ESCPOS_OK)
			log_warn("barcode of \"%s\" left out for printer "
				 "profile %s: %s",
				 receipt->barcode, buf->profile->name,
				 escpos_strerror(rc));
	}
}

int receipt_encode(const struct receipt *receipt, struct escpos_buf *buf)
{
	int columns = receipt->columns;
	int count = receipt->count;

	/* Bounds for a receipt that receipt_layout did not fill. */
	if (columns < 0 || columns > RECEIPT_COLUMNS_80MM)
		columns = RECEIPT_COLUMNS_80MM;
	if (count < 0 || count > RECEIPT_LINES_MAX)
		count = 0;

	escpos_reset(buf);
	for (int i = 0; i < count; i++) {
		if (i == receipt->codes_line)
			encode_codes(receipt, buf);
		encode_line(buf, &receipt->lines[i], columns);
	}
	if (receipt->codes_line == count)
		encode_codes(receipt, buf);
	escpos_feed(buf, RECEIPT_FEED_LINES);
	escpos_cut_partial(buf);
	return buf->error;
}
