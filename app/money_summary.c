/* The confirmation screen's summary of a prepared money operation: what
 * moves where, the amount, the fee and what the customer pays or gets. */
#include "money.h"

#include <stdio.h>
#include <string.h>

#include "../drivers/utf8.h"
#include "currency.h"
#include "op_type.h"

/* Format "GHS 1,250.00" into out. */
static void format_money(const char *currency, int64_t minor, char *out,
			 size_t size)
{
	char amount[CURRENCY_TEXT_MAX];

	if (currency_format(currency, minor, amount, sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld", (long long)minor);
	snprintf(out, size, "%s %s", currency, amount);
}

/* Append one line. A value too long for the line is cut on a character
 * boundary, and lines past MONEY_SUMMARY_LINES are dropped. */
static void add_line(struct money_summary *out, const char *label,
		     const char *value)
{
	int i = out->count;

	if (i >= MONEY_SUMMARY_LINES)
		return;
	snprintf(out->lines[i].label, sizeof(out->lines[i].label), "%s",
		 label);
	utf8_copy_prefix(value, sizeof(out->lines[i].value) - 1,
			 out->lines[i].value);
	out->count++;
}

static void set_totals(struct money_summary *out, const char *currency,
		       int64_t amount, int64_t fee, int64_t total,
		       const char *total_label)
{
	format_money(currency, amount, out->amount, sizeof(out->amount));
	format_money(currency, fee, out->fee, sizeof(out->fee));
	format_money(currency, total, out->total, sizeof(out->total));
	snprintf(out->total_label, sizeof(out->total_label), "%s",
		 total_label);
}

static const char *funding_name(enum api_funding funding,
				const char *sender, char *out, size_t size)
{
	if (funding == API_FUNDING_WALLET)
		snprintf(out, size, "Wallet %s", sender);
	else
		snprintf(out, size, "Cash at the counter");
	return out;
}

/* The label of the total the customer pays: in cash at the counter, or
 * from a wallet. */
static const char *payer_label(enum api_funding funding)
{
	return funding == API_FUNDING_WALLET ? "Debited from the wallet"
					     : "Customer pays in cash";
}

static void summarise_wallet(const struct wallet_transfer *t,
			     struct money_summary *out)
{
	snprintf(out->title, sizeof(out->title), "Wallet transfer");
	add_line(out, "From wallet", t->sender);
	if (t->receiver[0] != '\0') {
		add_line(out, "To wallet", t->receiver);
	} else {
		add_line(out, "To customer",
			 t->receiver_name[0] != '\0' ? t->receiver_name
						     : "New customer");
		add_line(out, "Status", "Registration pending");
	}
	set_totals(out, t->currency, t->amount, t->fee, t->amount + t->fee,
		   "Debited from the wallet");
}

static void summarise_bank(const struct bank_transfer *t,
			   struct money_summary *out)
{
	char funding[64];

	snprintf(out->title, sizeof(out->title), "Bank transfer");
	add_line(out, "Bank", t->bank_name[0] != '\0' ? t->bank_name
						      : t->bank_code);
	add_line(out, "Account", t->account_number);
	add_line(out, "Account name", t->account_name);
	add_line(out, "Paid from",
		 funding_name(t->funding, t->sender, funding,
			      sizeof(funding)));
	set_totals(out, t->currency, t->amount, t->fee, t->amount + t->fee,
		   payer_label(t->funding));
}

static void summarise_cash_in(const struct cash_in *c,
			      struct money_summary *out)
{
	snprintf(out->title, sizeof(out->title), "Cash-in");
	if (c->receiver[0] != '\0') {
		add_line(out, "To wallet", c->receiver);
		if (c->receiver_name[0] != '\0')
			add_line(out, "Holder", c->receiver_name);
	} else {
		add_line(out, "To customer",
			 c->receiver_name[0] != '\0' ? c->receiver_name
						     : "New customer");
		add_line(out, "Status", "Registration pending");
	}
	set_totals(out, c->currency, c->amount, c->fee, c->amount + c->fee,
		   "Customer pays in cash");
}

static void summarise_cash_out(const struct cash_out *c,
			       struct money_summary *out)
{
	char debit[48];

	snprintf(out->title, sizeof(out->title), "Cash-out");
	add_line(out, "From wallet", c->sender);
	if (c->holder_name[0] != '\0')
		add_line(out, "Holder", c->holder_name);
	format_money(c->currency, c->amount + c->fee, debit, sizeof(debit));
	add_line(out, "Debited from wallet", debit);
	/* The code is a secret: the summary never shows it. */
	set_totals(out, c->currency, c->amount, c->fee, c->amount,
		   "Customer gets in cash");
}

static const char *method_name(const char *method)
{
	if (strcmp(method, "bank_deposit") == 0)
		return "Bank deposit";
	if (strcmp(method, "mobile_wallet") == 0)
		return "Mobile wallet";
	if (strcmp(method, "cash_pickup") == 0)
		return "Cash pickup";
	return method;
}

static void summarise_send(const struct send_money *s,
			   struct money_summary *out)
{
	char text[96];

	snprintf(out->title, sizeof(out->title), "Send money");
	add_line(out, "Receiver", s->receiver_name);
	add_line(out, "Phone", s->receiver_phone);
	add_line(out, "Country", s->country);
	add_line(out, "Delivery", method_name(s->method));
	if (s->receiver_account[0] != '\0')
		add_line(out, "Account", s->receiver_account);
	if (s->rate[0] != '\0') {
		snprintf(text, sizeof(text), "1 %s = %s %s", s->currency,
			 s->rate, s->receive_currency);
		add_line(out, "Rate", text);
	}
	format_money(s->receive_currency, s->receive_amount, text,
		     sizeof(text));
	add_line(out, "Receiver gets", text);
	add_line(out, "Paid from",
		 funding_name(s->funding, s->sender, text, sizeof(text)));
	set_totals(out, s->currency, s->amount, s->fee, s->amount + s->fee,
		   payer_label(s->funding));
}

static void summarise_reversal(const struct reversal *r,
			       struct money_summary *out)
{
	snprintf(out->title, sizeof(out->title), "Reversal");
	add_line(out, "Original", op_type_title(r->original_type));
	add_line(out, "Reference", r->original_reference[0] != '\0'
					   ? r->original_reference
					   : r->original_id);
	add_line(out, "Reason", r->reason);
	/* The fee is the original's, refunded with the amount. */
	set_totals(out, r->currency, r->amount, r->refunded_fee,
		   r->amount + r->refunded_fee, "Returned to the sender");
}

int money_summarise(const struct money_operation *op,
		    struct money_summary *out)
{
	const char *type = op->type;

	memset(out, 0, sizeof(*out));
	if (strcmp(type, API_TYPE_WALLET_TRANSFER) == 0)
		summarise_wallet(&op->u.wallet, out);
	else if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0)
		summarise_bank(&op->u.bank, out);
	else if (strcmp(type, API_TYPE_CASH_IN) == 0)
		summarise_cash_in(&op->u.cash_in, out);
	else if (strcmp(type, API_TYPE_CASH_OUT) == 0)
		summarise_cash_out(&op->u.cash_out, out);
	else if (strcmp(type, API_TYPE_SEND_MONEY) == 0)
		summarise_send(&op->u.send, out);
	else if (strcmp(type, API_TYPE_REVERSAL) == 0)
		summarise_reversal(&op->u.reversal, out);
	else
		return -1;
	return 0;
}
