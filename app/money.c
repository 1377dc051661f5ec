/* Money operations before they are built: the checks of each type's
 * fields, the fee from the cached schedule, the reversal rules and the
 * effect of an operation on the agent's float. */
#define LOG_MODULE "money"
#include "money.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../drivers/utf8.h"
#include "bank_account.h"
#include "currency.h"
#include "log.h"
#include "op_type.h"
#include "policy.h"
#include "refdata.h"
#include "uuid.h"
#include "validate.h"
#include "wallet.h"

/* Maximum length in characters of a reversal's reason (docs/api.md,
 * POST /v1/reversals). */
#define REASON_MAX_CHARS 100
/* A full name: first and last name of up to 64 characters and a space,
 * the room API_NAME_SIZE leaves. */
#define NAME_MAX_CHARS 129
/* A mobile wallet abroad is numbered like a wallet here. */
#define MOBILE_WALLET_MIN_DIGITS 6
#define MOBILE_WALLET_MAX_DIGITS 20
#define CASH_OUT_CODE_DIGITS 6

int64_t money_monotonic_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec;
}

/* Check a wallet account and prefix the message with label. */
static int check_wallet(const char *label, const char *account,
			char *message, size_t message_size)
{
	char reason[128];

	if (wallet_account_check(account, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(message, message_size, "%s: %s", label, reason);
	return -1;
}

/* Check a currency code and an amount in minor units. */
static int check_amount(const char *label, const char *currency,
			int64_t amount, char *message, size_t message_size)
{
	char limit[CURRENCY_TEXT_MAX];

	if (currency_find(currency) == NULL) {
		snprintf(message, message_size,
			 "%s currency: enter an ISO 4217 code such as GHS",
			 label);
		return -1;
	}
	if (amount >= 1 && amount <= CURRENCY_AMOUNT_MAX)
		return 0;
	if (currency_format(currency, CURRENCY_AMOUNT_MAX, limit,
			    sizeof(limit)) < 0)
		snprintf(limit, sizeof(limit), "%lld",
			 (long long)CURRENCY_AMOUNT_MAX);
	snprintf(message, message_size,
		 "%s must be above zero and at most %s", label, limit);
	return -1;
}

/* Check text from a person or the central service that is shown and
 * printed: valid UTF-8 of 1 to max_chars characters without control
 * characters. */
static int check_text(const char *label, const char *text, size_t max_chars,
		      char *message, size_t message_size)
{
	const unsigned char *at = (const unsigned char *)text;
	size_t count = 0;

	if (text[0] == '\0') {
		snprintf(message, message_size, "%s is missing", label);
		return -1;
	}
	while (*at != '\0') {
		uint32_t code;

		at += utf8_decode(at, &code);
		if (code == UTF8_INVALID || code < 0x20 ||
		    (code >= 0x7f && code < 0xa0)) {
			snprintf(message, message_size,
				 "%s has an invalid or control character",
				 label);
			return -1;
		}
		count++;
	}
	if (count > max_chars) {
		snprintf(message, message_size,
			 "%s is longer than %zu characters", label, max_chars);
		return -1;
	}
	return 0;
}

/* Set *fee from the cached schedule for type. */
static int fill_fee(struct journal *journal, const char *type,
		    const char *currency, int64_t amount, int64_t *fee,
		    char *message, size_t message_size)
{
	int rc = refdata_fee(journal, type, currency, amount, fee);

	if (rc == REFDATA_OK)
		return 0;
	if (rc == REFDATA_EMISSING)
		snprintf(message, message_size,
			 "No fee schedule yet: connect to the central "
			 "service once, then try again");
	else
		snprintf(message, message_size, "Fee not known: %s",
			 refdata_strerror(rc));
	log_warn("fee of %s in %s: %s", type, currency, refdata_strerror(rc));
	return -1;
}

/* Exactly one receiver: a wallet account or a customer named by id. */
static int check_receiver(const char *account, const char *customer_id,
			  char *message, size_t message_size)
{
	bool by_account = account[0] != '\0';
	bool by_id = customer_id[0] != '\0';

	if (!by_account && !by_id) {
		snprintf(message, message_size,
			 "Receiver: enter a wallet account number");
		return -1;
	}
	if (by_account && by_id) {
		snprintf(message, message_size,
			 "Receiver: give a wallet account or a customer id, "
			 "not both");
		return -1;
	}
	if (by_account)
		return check_wallet("Receiver wallet", account, message,
				    message_size);
	if (!uuid_is_valid(customer_id)) {
		snprintf(message, message_size,
			 "Receiver: the customer id is not a valid UUID");
		return -1;
	}
	return 0;
}

static int prepare_wallet(struct journal *journal, struct wallet_transfer *t,
			  char *message, size_t message_size)
{
	if (check_wallet("Sender wallet", t->sender, message, message_size) ||
	    check_receiver(t->receiver, t->receiver_customer_id, message,
			   message_size))
		return -1;
	if (strcmp(t->sender, t->receiver) == 0) {
		snprintf(message, message_size,
			 "Receiver must differ from the sender");
		return -1;
	}
	if (check_amount("Amount", t->currency, t->amount, message,
			 message_size))
		return -1;
	return fill_fee(journal, API_TYPE_WALLET_TRANSFER, t->currency,
			t->amount, &t->fee, message, message_size);
}

static int check_funding(enum api_funding funding, char *sender,
			 size_t sender_size, char *message,
			 size_t message_size)
{
	if (funding == API_FUNDING_WALLET)
		return check_wallet("Sender wallet", sender, message,
				    message_size);
	if (funding != API_FUNDING_CASH) {
		snprintf(message, message_size,
			 "Funding must be cash or a wallet");
		return -1;
	}
	/* Cash funding names no wallet: the float pays. */
	memset(sender, 0, sender_size);
	return 0;
}

static int prepare_bank(struct journal *journal, struct bank_transfer *t,
			char *message, size_t message_size)
{
	struct refdata_bank bank;
	char account[API_BANK_ACCOUNT_SIZE];
	int rc;

	if (check_funding(t->funding, t->sender, sizeof(t->sender), message,
			  message_size))
		return -1;
	rc = REFDATA_ENOTFOUND;
	if (t->bank_code[0] != '\0')
		rc = refdata_bank_find(journal, t->bank_code, &bank);
	if (rc == REFDATA_ENOTFOUND) {
		snprintf(message, message_size,
			 "Bank: choose a bank from the list");
		return -1;
	}
	if (rc != REFDATA_OK) {
		snprintf(message, message_size, "Bank list: %s",
			 refdata_strerror(rc));
		return -1;
	}
	if (refdata_bank_account_check(&bank, t->account_number, account,
				       sizeof(account), message,
				       message_size) != 0)
		return -1;
	if (check_text("Account name", t->account_name, NAME_MAX_CHARS,
		       message, message_size))
		return -1;
	if (strcmp(t->currency, bank.currency) != 0) {
		snprintf(message, message_size,
			 "%s accounts are in %s, not %s", bank.name,
			 bank.currency, t->currency);
		return -1;
	}
	if (check_amount("Amount", t->currency, t->amount, message,
			 message_size) ||
	    fill_fee(journal, API_TYPE_BANK_TRANSFER, t->currency, t->amount,
		     &t->fee, message, message_size))
		return -1;
	snprintf(t->account_number, sizeof(t->account_number), "%s", account);
	snprintf(t->bank_name, sizeof(t->bank_name), "%s", bank.name);
	return 0;
}

static int prepare_cash_in(struct journal *journal, struct cash_in *c,
			   char *message, size_t message_size)
{
	if (check_receiver(c->receiver, c->receiver_customer_id, message,
			   message_size) ||
	    check_amount("Amount", c->currency, c->amount, message,
			 message_size))
		return -1;
	return fill_fee(journal, API_TYPE_CASH_IN, c->currency, c->amount,
			&c->fee, message, message_size);
}

static int prepare_cash_out(struct journal *journal, struct cash_out *c,
			    char *message, size_t message_size)
{
	if (check_wallet("Customer wallet", c->sender, message,
			 message_size) ||
	    check_amount("Amount", c->currency, c->amount, message,
			 message_size))
		return -1;
	if (strlen(c->code) != CASH_OUT_CODE_DIGITS ||
	    strspn(c->code, "0123456789") != CASH_OUT_CODE_DIGITS) {
		snprintf(message, message_size,
			 "Code: enter the %d digits the customer received",
			 CASH_OUT_CODE_DIGITS);
		return -1;
	}
	return fill_fee(journal, API_TYPE_CASH_OUT, c->currency, c->amount,
			&c->fee, message, message_size);
}

static bool is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Check the receiver's account for the delivery method and normalise it:
 * a bank account or IBAN for a bank deposit, a wallet number for a
 * mobile wallet, none for a cash pickup. */
static int check_send_account(struct send_money *s, char *message,
			      size_t message_size)
{
	char iban[BANK_ACCOUNT_IBAN_SIZE];
	size_t length = strlen(s->receiver_account);
	int rc;

	if (strcmp(s->method, "cash_pickup") == 0) {
		if (length == 0)
			return 0;
		snprintf(message, message_size,
			 "Account: a cash pickup has no receiver account");
		return -1;
	}
	if (strcmp(s->method, "mobile_wallet") == 0) {
		if (length >= MOBILE_WALLET_MIN_DIGITS &&
		    length <= MOBILE_WALLET_MAX_DIGITS &&
		    strspn(s->receiver_account, "0123456789") == length)
			return 0;
		snprintf(message, message_size,
			 "Account: enter the mobile wallet number, %d to %d "
			 "digits",
			 MOBILE_WALLET_MIN_DIGITS, MOBILE_WALLET_MAX_DIGITS);
		return -1;
	}
	if (strcmp(s->method, "bank_deposit") != 0) {
		snprintf(message, message_size,
			 "Delivery: choose bank deposit, mobile wallet or "
			 "cash pickup");
		return -1;
	}
	if (length == 0) {
		snprintf(message, message_size,
			 "Account: enter the receiver's bank account or "
			 "IBAN");
		return -1;
	}
	/* An IBAN starts with its country's two letters. Other account
	 * numbers abroad have no scheme that the terminal can check. */
	if (is_letter(s->receiver_account[0])) {
		rc = bank_account_check_iban(s->receiver_account, iban,
					     sizeof(iban));
		if (rc != BANK_ACCOUNT_OK) {
			snprintf(message, message_size, "Account: %s",
				 bank_account_strerror(rc));
			return -1;
		}
		snprintf(s->receiver_account, sizeof(s->receiver_account),
			 "%s", iban);
		return 0;
	}
	if (strspn(s->receiver_account, "0123456789") != length) {
		snprintf(message, message_size,
			 "Account: digits only, or an IBAN");
		return -1;
	}
	return 0;
}

/* The fee of send money is the quote's: the central service checks it
 * against the quote (quote_mismatch), not against the schedule. */
static int prepare_send(struct send_money *s, char *message,
			size_t message_size)
{
	char phone[VALIDATE_PHONE_SIZE];
	char reason[VALIDATE_MESSAGE_SIZE];

	if (strlen(s->country) != 2 || !is_letter(s->country[0]) ||
	    !is_letter(s->country[1])) {
		snprintf(message, message_size,
			 "Country: choose the destination country");
		return -1;
	}
	if (!uuid_is_valid(s->quote_id)) {
		snprintf(message, message_size,
			 "Quote: get a quote before sending");
		return -1;
	}
	if (check_funding(s->funding, s->sender, sizeof(s->sender), message,
			  message_size))
		return -1;
	if (validate_person_name(s->receiver_name, NAME_MAX_CHARS, reason,
				 sizeof(reason)) != VALIDATE_OK) {
		snprintf(message, message_size, "Receiver: %s", reason);
		return -1;
	}
	/* The receiver is abroad, so only international forms. */
	if (validate_phone(s->receiver_phone, NULL, phone, sizeof(phone),
			   reason, sizeof(reason)) != VALIDATE_OK) {
		snprintf(message, message_size, "Receiver: %s", reason);
		return -1;
	}
	if (check_send_account(s, message, message_size) ||
	    check_amount("Send amount", s->currency, s->amount, message,
			 message_size) ||
	    check_amount("Receive amount", s->receive_currency,
			 s->receive_amount, message, message_size))
		return -1;
	if (s->fee < 0 || s->fee > CURRENCY_AMOUNT_MAX) {
		snprintf(message, message_size,
			 "Fee: the quote's fee is out of range; get a new "
			 "quote");
		return -1;
	}
	snprintf(s->receiver_phone, sizeof(s->receiver_phone), "%s", phone);
	return 0;
}

int money_reversal_check(struct journal *journal, const char *id,
			 char *message, size_t message_size)
{
	enum { FOUND_MAX = 4 };
	const unsigned live = 1u << OP_QUEUED | 1u << OP_IN_FLIGHT |
			      1u << OP_ACCEPTED | 1u << OP_NEEDS_ATTENTION;
	struct operation original;
	struct operation found[FOUND_MAX];
	char key[JOURNAL_KEY_SIZE];
	int rc;

	if (id == NULL || !uuid_is_valid(id)) {
		snprintf(message, message_size,
			 "Original: enter the operation id of the "
			 "operation to reverse");
		return -1;
	}
	rc = journal_get(journal, id, &original);
	if (rc == JOURNAL_ENOTFOUND) {
		snprintf(message, message_size,
			 "Original: no operation %s in this terminal's "
			 "journal",
			 id);
		return -1;
	}
	if (rc != JOURNAL_OK) {
		snprintf(message, message_size, "Journal: %s",
			 journal_strerror(rc));
		return -1;
	}
	if (!api_type_moves_money(original.type) ||
	    strcmp(original.type, API_TYPE_REVERSAL) == 0) {
		snprintf(message, message_size,
			 "A %s cannot be reversed: only money movements can",
			 original.type);
		return -1;
	}
	if (original.state != OP_ACCEPTED) {
		snprintf(message, message_size,
			 "Only an operation the central service accepted can "
			 "be reversed; this one is %s",
			 journal_state_name(original.state));
		return -1;
	}

	snprintf(key, sizeof(key), "op:%s", id);
	rc = journal_list_by_key(journal, key, live, found, FOUND_MAX);
	if (rc < 0) {
		snprintf(message, message_size, "Journal: %s",
			 journal_strerror(rc));
		return -1;
	}
	for (int i = 0; i < rc; i++) {
		if (strcmp(found[i].type, API_TYPE_REVERSAL) != 0)
			continue;
		snprintf(message, message_size,
			 "Already reversed: reversal %s is %s", found[i].id,
			 journal_state_name(found[i].state));
		return -1;
	}
	return 0;
}

/* Fill a reversal from its original in the journal: currency, amount,
 * the fee it refunds, the original's type and reference. */
static int prepare_reversal(struct journal *journal, struct reversal *r,
			    char *message, size_t message_size)
{
	struct operation original;
	int64_t fee = 0;

	if (money_reversal_check(journal, r->original_id, message,
				 message_size) != 0)
		return -1;
	if (check_text("Reason", r->reason, REASON_MAX_CHARS, message,
		       message_size))
		return -1;
	if (journal_get(journal, r->original_id, &original) != JOURNAL_OK ||
	    api_payload_fee(original.payload, &fee) != API_OK) {
		snprintf(message, message_size,
			 "Original: its journal row cannot be read");
		log_error("original %s of a reversal is unreadable",
			  r->original_id);
		return -1;
	}
	snprintf(r->currency, sizeof(r->currency), "%s", original.currency);
	r->amount = original.amount;
	r->refunded_fee = fee;
	snprintf(r->original_type, sizeof(r->original_type), "%s",
		 original.type);
	snprintf(r->original_reference, sizeof(r->original_reference), "%s",
		 original.reference);
	return 0;
}

int money_check_link(struct journal *journal, const char *type, bool online,
		     char *message, size_t message_size)
{
	if (!online && strcmp(type, API_TYPE_SEND_MONEY) == 0) {
		snprintf(message, message_size,
			 "%s needs the link: try again when ONLINE shows",
			 op_type_title(type));
		return -1;
	}
	return policy_check_link(journal, type, online, message,
				 message_size);
}

int money_prepare(struct journal *journal, struct money_operation *op,
		  char *message, size_t message_size)
{
	struct money_operation checked = *op;
	const char *type = checked.type;
	int rc;

	if (strcmp(type, API_TYPE_WALLET_TRANSFER) == 0)
		rc = prepare_wallet(journal, &checked.u.wallet, message,
				    message_size);
	else if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0)
		rc = prepare_bank(journal, &checked.u.bank, message,
				  message_size);
	else if (strcmp(type, API_TYPE_CASH_IN) == 0)
		rc = prepare_cash_in(journal, &checked.u.cash_in, message,
				     message_size);
	else if (strcmp(type, API_TYPE_CASH_OUT) == 0)
		rc = prepare_cash_out(journal, &checked.u.cash_out, message,
				      message_size);
	else if (strcmp(type, API_TYPE_SEND_MONEY) == 0)
		rc = prepare_send(&checked.u.send, message, message_size);
	else if (strcmp(type, API_TYPE_REVERSAL) == 0)
		rc = prepare_reversal(journal, &checked.u.reversal, message,
				      message_size);
	else {
		snprintf(message, message_size,
			 "Not a money operation: %.32s", type);
		rc = -1;
	}
	if (rc != 0)
		return -1;
	*op = checked;
	explicit_bzero(&checked, sizeof(checked));
	return 0;
}

/* The float effect of a decoded operation that is not a reversal. */
static int effect_of(const char *type, const char *payload, int64_t *effect)
{
	struct bank_transfer bank;
	struct cash_in cash_in;
	struct cash_out cash_out;
	struct send_money send;

	*effect = 0;
	if (strcmp(type, API_TYPE_CASH_IN) == 0) {
		if (api_cash_in_decode(payload, &cash_in) != API_OK)
			return -1;
		*effect = -(cash_in.amount + cash_in.fee);
	} else if (strcmp(type, API_TYPE_CASH_OUT) == 0) {
		if (api_cash_out_decode(payload, &cash_out) != API_OK)
			return -1;
		*effect = cash_out.amount;
		explicit_bzero(&cash_out, sizeof(cash_out));
	} else if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0) {
		if (api_bank_transfer_decode(payload, &bank) != API_OK)
			return -1;
		if (bank.funding == API_FUNDING_CASH)
			*effect = -(bank.amount + bank.fee);
	} else if (strcmp(type, API_TYPE_SEND_MONEY) == 0) {
		if (api_send_money_decode(payload, &send) != API_OK)
			return -1;
		if (send.funding == API_FUNDING_CASH)
			*effect = -(send.amount + send.fee);
	}
	return 0;
}

int money_float_effect(struct journal *journal, const struct operation *op,
		       int64_t *effect)
{
	struct reversal reversal;
	struct operation original;
	int64_t undone = 0;

	if (strcmp(op->type, API_TYPE_REVERSAL) != 0)
		return effect_of(op->type, op->payload, effect);

	/* A reversal moves the original's amount and fee back to its
	 * sender, so it undoes exactly the original's effect. */
	if (api_reversal_decode(op->payload, &reversal) != API_OK ||
	    journal_get(journal, reversal.original_id, &original) !=
		    JOURNAL_OK ||
	    strcmp(original.type, API_TYPE_REVERSAL) == 0 ||
	    effect_of(original.type, original.payload, &undone) != 0)
		return -1;
	*effect = -undone;
	return 0;
}
