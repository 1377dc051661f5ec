/* Receipt layouts of the money operations other than a wallet transfer:
 * cash-in, cash-out, bank transfer, send money and reversal. */
#define LOG_MODULE "receipt"

#include "receipt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api_money.h"
#include "currency.h"
#include "log.h"
#include "op_type.h"

/* Hex digits of a customer id shown for a receiver without a name. */
#define SHORT_ID_LENGTH 8

/* "GHS " and a formatted amount. */
#define AMOUNT_TEXT_SIZE (4 + CURRENCY_TEXT_MAX)

/* Every payload this file reads, decoded by the operation's type. */
union money_payload {
	struct cash_in cash_in;
	struct cash_out cash_out;
	struct bank_transfer bank;
	struct send_money send;
	struct reversal reversal;
};

/* Where the money of an operation comes from, which decides the lines
 * its receipt prints once the operation is rejected. */
enum money_source {
	MONEY_CASH_TAKEN,  /* the customer paid the total in cash */
	MONEY_WALLET,      /* a wallet pays the total */
	MONEY_CASH_OUT,    /* a wallet pays the total, the agent pays cash */
	MONEY_REFUND,      /* a reversal refunds the total */
};

/* The money lines of a receipt: the amount, the fee and what the
 * customer paid or received in total, with an optional second total. */
struct money_lines {
	enum money_source source;
	const char *currency;
	int64_t amount;
	const char *fee_label;       /* NULL for "Fee" */
	int64_t fee;
	const char *total_label;
	int64_t total;
	const char *extra_label;     /* NULL for none */
	const char *extra_currency;
	int64_t extra;
};

static bool is_blank(const char *text)
{
	return strspn(text, " ") == strlen(text);
}

static const char *funding_total_label(enum api_funding funding)
{
	return funding == API_FUNDING_WALLET ? "From wallet" : "Paid in cash";
}

static enum money_source funding_source(enum api_funding funding)
{
	return funding == API_FUNDING_WALLET ? MONEY_WALLET : MONEY_CASH_TAKEN;
}

static const char *method_title(const char *method)
{
	if (strcmp(method, "bank_deposit") == 0)
		return "Bank deposit";
	if (strcmp(method, "mobile_wallet") == 0)
		return "Mobile wallet";
	if (strcmp(method, "cash_pickup") == 0)
		return "Cash pickup";
	return method;
}

/* The title of a money operation type, also used for a reversal's
 * original. Returns NULL for a type this file does not lay out. */
static const char *type_title(const char *type)
{
	const struct op_type_words *words = op_type_find(type);

	return words != NULL && words->money ? words->title : NULL;
}

static int add_amount_line(struct receipt *out, enum receipt_style style,
			   const char *label, const char *currency,
			   int64_t amount)
{
	char text[AMOUNT_TEXT_SIZE];

	if (receipt_format_amount(currency, amount, text, sizeof(text)) < 0)
		return -1;
	return receipt_add_columns(out, style, label, text);
}

/* The totals of a rejected operation, which moved no money. They tell
 * the agent to give back the cash taken, or to pay no cash out. */
static int add_rejected_totals(struct receipt *out,
			       const struct money_lines *lines)
{
	switch (lines->source) {
	case MONEY_CASH_TAKEN:
		return add_amount_line(out, RECEIPT_STYLE_TOTAL,
				       "Give back to the customer",
				       lines->currency, lines->total);
	case MONEY_WALLET:
		return receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN,
					     "Nothing was debited");
	case MONEY_CASH_OUT:
		if (receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN,
					  "Nothing was debited") < 0)
			return -1;
		return receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL,
					     "No cash to pay out");
	case MONEY_REFUND:
		return receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN,
					     "Nothing was refunded");
	}
	return -1;
}

/* The totals of an operation that is not rejected. Cash taken for an
 * operation still undecided is marked so, because a rejection gives it
 * back, and the cash of an undecided cash-out is not paid out yet,
 * because a rejection debits nothing. */
static int add_totals(struct receipt *out, const struct money_lines *lines,
		      enum op_state state)
{
	bool pending = state == OP_QUEUED || state == OP_IN_FLIGHT ||
		       state == OP_NEEDS_ATTENTION;

	if (add_amount_line(out, RECEIPT_STYLE_TOTAL, lines->total_label,
			    lines->currency, lines->total) < 0)
		return -1;
	if (pending && lines->source == MONEY_CASH_TAKEN &&
	    receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN,
				  "Cash taken pending confirmation") < 0)
		return -1;
	if (pending && lines->source == MONEY_CASH_OUT) {
		if (add_amount_line(out, RECEIPT_STYLE_PLAIN,
				    "Cash to pay out", lines->extra_currency,
				    lines->extra) < 0)
			return -1;
		return receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL,
					     "Pay out only when CONFIRMED");
	}
	if (lines->extra_label != NULL &&
	    add_amount_line(out, RECEIPT_STYLE_TOTAL, lines->extra_label,
			    lines->extra_currency, lines->extra) < 0)
		return -1;
	return 0;
}

static int add_money_lines(struct receipt *out,
			   const struct money_lines *lines,
			   enum op_state state)
{
	int rc;

	if (add_amount_line(out, RECEIPT_STYLE_PLAIN, "Amount",
			    lines->currency, lines->amount) < 0 ||
	    add_amount_line(out, RECEIPT_STYLE_PLAIN,
			    lines->fee_label != NULL ? lines->fee_label : "Fee",
			    lines->currency, lines->fee) < 0)
		return -1;
	if (state == OP_REJECTED)
		rc = add_rejected_totals(out, lines);
	else
		rc = add_totals(out, lines, state);
	if (rc < 0)
		return -1;
	return receipt_add_rule(out);
}

static int add_cash_in(struct receipt *out, const struct cash_in *cash_in,
		       struct money_lines *lines)
{
	char customer[sizeof("new customer ") + SHORT_ID_LENGTH];

	if (cash_in->receiver[0] != '\0') {
		if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Wallet",
				     cash_in->receiver) < 0)
			return -1;
	} else if (is_blank(cash_in->receiver_name)) {
		snprintf(customer, sizeof(customer), "new customer %.*s",
			 SHORT_ID_LENGTH, cash_in->receiver_customer_id);
		if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Customer",
				     customer) < 0)
			return -1;
	}
	if (!is_blank(cash_in->receiver_name) &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Name",
			     cash_in->receiver_name) < 0)
		return -1;

	*lines = (struct money_lines){
		.source = MONEY_CASH_TAKEN,
		.currency = cash_in->currency,
		.amount = cash_in->amount,
		.fee = cash_in->fee,
		.total_label = "Paid in cash",
		.total = cash_in->amount + cash_in->fee,
	};
	return 0;
}

/* The payload may hold the code the customer gave, which is never
 * printed. */
static int add_cash_out(struct receipt *out, const struct cash_out *cash_out,
			struct money_lines *lines)
{
	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Wallet",
			     cash_out->sender) < 0)
		return -1;
	if (!is_blank(cash_out->holder_name) &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Name",
			     cash_out->holder_name) < 0)
		return -1;

	*lines = (struct money_lines){
		.source = MONEY_CASH_OUT,
		.currency = cash_out->currency,
		.amount = cash_out->amount,
		.fee = cash_out->fee,
		.total_label = "From wallet",
		.total = cash_out->amount + cash_out->fee,
		.extra_label = "Cash paid out",
		.extra_currency = cash_out->currency,
		.extra = cash_out->amount,
	};
	return 0;
}

static int add_bank_transfer(struct receipt *out,
			     const struct bank_transfer *bank,
			     struct money_lines *lines)
{
	const char *bank_name =
		is_blank(bank->bank_name) ? bank->bank_code : bank->bank_name;

	if (bank->funding == API_FUNDING_WALLET &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "From", bank->sender) <
		    0)
		return -1;
	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Bank", bank_name) <
		    0 ||
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Account",
			     bank->account_number) < 0 ||
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Holder",
			     bank->account_name) < 0)
		return -1;

	*lines = (struct money_lines){
		.source = funding_source(bank->funding),
		.currency = bank->currency,
		.amount = bank->amount,
		.fee = bank->fee,
		.total_label = funding_total_label(bank->funding),
		.total = bank->amount + bank->fee,
	};
	return 0;
}

static int add_send_money(struct receipt *out, const struct send_money *send,
			  struct money_lines *lines)
{
	char rate[sizeof("1  = ") + 2 * sizeof(send->currency) +
		  sizeof(send->rate)];

	snprintf(rate, sizeof(rate), "1 %s = %s %s", send->currency,
		 send->rate, send->receive_currency);
	if (send->funding == API_FUNDING_WALLET &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "From", send->sender) <
		    0)
		return -1;
	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Country",
			     send->country) < 0 ||
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Method",
			     method_title(send->method)) < 0 ||
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Receiver",
			     send->receiver_name) < 0 ||
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Phone",
			     send->receiver_phone) < 0)
		return -1;
	if (send->receiver_account[0] != '\0' &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Account",
			     send->receiver_account) < 0)
		return -1;
	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Rate", rate) < 0 ||
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Quote",
			     send->quote_id) < 0)
		return -1;

	*lines = (struct money_lines){
		.source = funding_source(send->funding),
		.currency = send->currency,
		.amount = send->amount,
		.fee = send->fee,
		.total_label = funding_total_label(send->funding),
		.total = send->amount + send->fee,
		.extra_label = "Receiver gets",
		.extra_currency = send->receive_currency,
		.extra = send->receive_amount,
	};
	return 0;
}

/* A reversal names its original by the central service's reference, or
 * by the operation id when the payload has none. */
static int add_reversal(struct receipt *out, const struct reversal *reversal,
			struct money_lines *lines)
{
	const char *original = reversal->original_reference[0] != '\0'
				       ? reversal->original_reference
				       : reversal->original_id;
	const char *title = type_title(reversal->original_type);

	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Original",
			     original) < 0)
		return -1;
	if (title != NULL &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Reverses", title) < 0)
		return -1;
	if (!is_blank(reversal->reason) &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Reason",
			     reversal->reason) < 0)
		return -1;

	*lines = (struct money_lines){
		.source = MONEY_REFUND,
		.currency = reversal->currency,
		.amount = reversal->amount,
		.fee_label = "Fee refunded",
		.fee = reversal->refunded_fee,
		.total_label = "Total refunded",
		.total = reversal->amount + reversal->refunded_fee,
	};
	return 0;
}

/* Decode op's payload by its type and check that it agrees with the
 * journal row's currency and amount. */
static int read_payload(const struct operation *op, union money_payload *p,
			const char **currency, int64_t *amount)
{
	int rc;

	if (strcmp(op->type, API_TYPE_CASH_IN) == 0) {
		rc = api_cash_in_decode(op->payload, &p->cash_in);
		*currency = p->cash_in.currency;
		*amount = p->cash_in.amount;
	} else if (strcmp(op->type, API_TYPE_CASH_OUT) == 0) {
		rc = api_cash_out_decode(op->payload, &p->cash_out);
		explicit_bzero(p->cash_out.code, sizeof(p->cash_out.code));
		*currency = p->cash_out.currency;
		*amount = p->cash_out.amount;
	} else if (strcmp(op->type, API_TYPE_BANK_TRANSFER) == 0) {
		rc = api_bank_transfer_decode(op->payload, &p->bank);
		*currency = p->bank.currency;
		*amount = p->bank.amount;
	} else if (strcmp(op->type, API_TYPE_SEND_MONEY) == 0) {
		rc = api_send_money_decode(op->payload, &p->send);
		*currency = p->send.currency;
		*amount = p->send.amount;
	} else if (strcmp(op->type, API_TYPE_REVERSAL) == 0) {
		rc = api_reversal_decode(op->payload, &p->reversal);
		*currency = p->reversal.currency;
		*amount = p->reversal.amount;
	} else {
		log_warn("operation %s: no receipt layout for type %s", op->id,
			 op->type);
		return -1;
	}

	if (rc != 0) {
		log_warn("operation %s: payload is not a %s", op->id, op->type);
		return -1;
	}
	if (strcmp(*currency, op->currency) != 0 || *amount != op->amount) {
		log_warn("operation %s: payload amount differs from the "
			 "journal row",
			 op->id);
		return -1;
	}
	return 0;
}

static int add_details(struct receipt *out, const struct operation *op,
		       const union money_payload *p,
		       struct money_lines *lines)
{
	if (strcmp(op->type, API_TYPE_CASH_IN) == 0)
		return add_cash_in(out, &p->cash_in, lines);
	if (strcmp(op->type, API_TYPE_CASH_OUT) == 0)
		return add_cash_out(out, &p->cash_out, lines);
	if (strcmp(op->type, API_TYPE_BANK_TRANSFER) == 0)
		return add_bank_transfer(out, &p->bank, lines);
	if (strcmp(op->type, API_TYPE_SEND_MONEY) == 0)
		return add_send_money(out, &p->send, lines);
	return add_reversal(out, &p->reversal, lines);
}

int receipt_money_layout(const struct operation *op,
			 const struct receipt_context *context, int columns,
			 struct receipt *out)
{
	union money_payload payload;
	struct money_lines lines;
	const char *currency;
	const char *title;
	int64_t amount;

	if (receipt_begin(out, columns) < 0)
		return -1;
	title = type_title(op->type);
	if (title == NULL || strcmp(op->type, API_TYPE_WALLET_TRANSFER) == 0) {
		log_warn("operation %s: no money receipt layout for type %s",
			 op->id, op->type);
		return -1;
	}
	if (read_payload(op, &payload, &currency, &amount) < 0)
		return -1;

	memset(&lines, 0, sizeof(lines));
	if (receipt_add_header(out, context, title) < 0 ||
	    receipt_add_origin(out, op, context) < 0 ||
	    add_details(out, op, &payload, &lines) < 0 ||
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Operation", op->id) <
		    0 ||
	    receipt_add_rule(out) < 0 ||
	    add_money_lines(out, &lines, op->state) < 0 ||
	    receipt_add_status(out, op) < 0 ||
	    receipt_add_codes(out, op, context) < 0 ||
	    receipt_add_reversal(out, context) < 0 ||
	    receipt_add_footer(out, context) < 0)
		return -1;
	return 0;
}

int receipt_find_reversal(struct journal *journal, const char *id,
			  struct operation *reversal)
{
	enum { FOUND_MAX = 4 };
	const unsigned undecided_or_accepted =
		1u << OP_QUEUED | 1u << OP_IN_FLIGHT | 1u << OP_ACCEPTED |
		1u << OP_NEEDS_ATTENTION;
	struct operation found[FOUND_MAX];
	char key[JOURNAL_KEY_SIZE];
	int count;

	if ((size_t)snprintf(key, sizeof(key), "op:%s", id) >= sizeof(key))
		return 0;
	count = journal_list_by_key(journal, key, undecided_or_accepted,
				    found, FOUND_MAX);
	if (count < 0) {
		log_warn("operation %s: reversal lookup failed: %s", id,
			 journal_strerror(count));
		return count;
	}

	/* Only a reversal carries the key "op:<id>", and
	 * money_reversal_check journals another only after a rejection, so
	 * at most one is left once rejected ones are filtered out. */
	for (int i = 0; i < count; i++) {
		if (strcmp(found[i].type, API_TYPE_REVERSAL) != 0)
			continue;
		*reversal = found[i];
		return 1;
	}
	return 0;
}
