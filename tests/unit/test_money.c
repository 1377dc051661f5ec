/* Unit tests of the money service layer (app/money*.c) on a journal in a
 * temporary folder: checks and fees of each type, confirmation
 * summaries, journal rows and their keys, float effects, reversal rules,
 * send money's link and quote rules, and `spotagent submit` lines. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../app/app.h"
#include "../../app/currency.h"
#include "../../app/money.h"
#include "../../app/policy.h"
#include "../../app/refdata.h"
#include "../../app/submit.h"
#include "../../app/wallet.h"
#include "journal_fixture.h"

/* 2026-12-04T15:00:00Z */
#define NOW 1796396400
#define AGENT "A1001"
#define CUSTOMER_ID "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"
#define QUOTE_ID "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
/* A valid NUBAN of bank 058 (check digit 5). */
#define NUBAN_058 "0123456785"

/* The sandbox's default fee schedule (docs/api.md, GET /v1/fees). */
static const char fees_json[] =
	"{\"version\":1,\"fees\":{"
	"\"wallet_transfer\":{\"GHS\":[{\"up_to\":null,\"fixed\":0,"
	"\"rate_bp\":0}]},"
	"\"cash_in\":{\"GHS\":[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]},"
	"\"cash_out\":{\"GHS\":[{\"up_to\":10000,\"fixed\":50,\"rate_bp\":0},"
	"{\"up_to\":null,\"fixed\":0,\"rate_bp\":100,\"min\":100,"
	"\"max\":2000}]},"
	"\"bank_transfer\":{\"GHS\":[{\"up_to\":null,\"fixed\":100,"
	"\"rate_bp\":50,\"max\":1500}],"
	"\"NGN\":[{\"up_to\":500000,\"fixed\":1075,\"rate_bp\":0},"
	"{\"up_to\":null,\"fixed\":2688,\"rate_bp\":0}]},"
	"\"send_money\":{\"GHS\":[{\"up_to\":null,\"fixed\":500,"
	"\"rate_bp\":150}]}}}";

static const char banks_json[] =
	"{\"version\":1,\"banks\":["
	"{\"code\":\"058\",\"name\":\"Guaranty Trust Bank\",\"country\":"
	"\"NG\",\"currency\":\"NGN\",\"scheme\":\"nuban\"},"
	"{\"code\":\"GH030100\",\"name\":\"GCB Bank\",\"country\":\"GH\","
	"\"currency\":\"GHS\",\"scheme\":\"digits\",\"min_length\":13,"
	"\"max_length\":13}]}";

/* Offline: cash-in, bank transfers, cash-out and reversals in GHS and
 * NGN up to 2,000.00 GHS; wallet transfers as the sandbox allows. */
static const char policy_json[] =
	"{\"version\":1,\"operations\":{"
	"\"wallet_transfer\":{\"offline_allowed\":true,"
	"\"max_amount\":{\"GHS\":200000},\"max_exposure\":{\"GHS\":1000000},"
	"\"max_queued\":100,\"max_age_seconds\":86400},"
	"\"cash_in\":{\"offline_allowed\":true,"
	"\"max_amount\":{\"GHS\":200000},\"max_exposure\":{\"GHS\":1000000},"
	"\"max_queued\":100,\"max_age_seconds\":86400},"
	"\"bank_transfer\":{\"offline_allowed\":true,"
	"\"max_amount\":{\"NGN\":10000000},"
	"\"max_exposure\":{\"NGN\":50000000},"
	"\"max_queued\":100,\"max_age_seconds\":86400},"
	"\"reversal\":{\"offline_allowed\":true,"
	"\"max_amount\":{\"GHS\":200000,\"NGN\":10000000},"
	"\"max_exposure\":{\"GHS\":1000000,\"NGN\":50000000},"
	"\"max_queued\":20,\"max_age_seconds\":86400}}}";

static int open_fixture(void **state, bool with_refdata)
{
	struct journal_fixture *f;

	if (journal_fixture_setup(state, "money") != 0)
		return -1;
	f = *state;
	if (journal_set_meta(f->journal, POLICY_META_KEY, policy_json) ||
	    (with_refdata &&
	     (journal_set_meta(f->journal, REFDATA_META_FEES, fees_json) ||
	      journal_set_meta(f->journal, REFDATA_META_BANKS, banks_json)))) {
		journal_fixture_teardown(state);
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	return open_fixture(state, true);
}

static int setup_without_refdata(void **state)
{
	return open_fixture(state, false);
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* A valid operation of type, as a form fills it. */
static struct money_operation valid_op(const char *type)
{
	struct money_operation op;

	memset(&op, 0, sizeof(op));
	snprintf(op.type, sizeof(op.type), "%s", type);
	if (strcmp(type, API_TYPE_WALLET_TRANSFER) == 0) {
		struct wallet_transfer *t = &op.u.wallet;

		strcpy(t->sender, "1000000001");
		strcpy(t->receiver, "1000000002");
		strcpy(t->currency, "GHS");
		t->amount = 1250;
	} else if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0) {
		struct bank_transfer *t = &op.u.bank;

		t->funding = API_FUNDING_CASH;
		strcpy(t->bank_code, "058");
		strcpy(t->account_number, "012 345 6785");
		strcpy(t->account_name, "Adaeze Nwosu");
		strcpy(t->currency, "NGN");
		t->amount = 500000;
	} else if (strcmp(type, API_TYPE_CASH_IN) == 0) {
		strcpy(op.u.cash_in.receiver, "1000000002");
		strcpy(op.u.cash_in.currency, "GHS");
		op.u.cash_in.amount = 10000;
	} else if (strcmp(type, API_TYPE_CASH_OUT) == 0) {
		strcpy(op.u.cash_out.sender, "1000000001");
		strcpy(op.u.cash_out.holder_name, "Kofi Boateng");
		strcpy(op.u.cash_out.currency, "GHS");
		op.u.cash_out.amount = 5000;
		strcpy(op.u.cash_out.code, "123456");
	} else if (strcmp(type, API_TYPE_SEND_MONEY) == 0) {
		struct send_money *s = &op.u.send;

		strcpy(s->quote_id, QUOTE_ID);
		s->funding = API_FUNDING_CASH;
		strcpy(s->receiver_name, "Adaeze Nwosu");
		strcpy(s->receiver_phone, "+2348030000009");
		strcpy(s->receiver_account, NUBAN_058);
		strcpy(s->country, "NG");
		strcpy(s->method, "bank_deposit");
		strcpy(s->rate, "123.456000");
		strcpy(s->currency, "GHS");
		s->amount = 100000;
		s->fee = 2000;
		strcpy(s->receive_currency, "NGN");
		s->receive_amount = 12345600;
		op.quote_deadline = money_monotonic_seconds() + 120;
	}
	return op;
}

/* Make a bank transfer or send money paid from wallet 1000000001. */
static void fund_from_wallet(struct money_operation *op)
{
	if (strcmp(op->type, API_TYPE_BANK_TRANSFER) == 0) {
		op->u.bank.funding = API_FUNDING_WALLET;
		strcpy(op->u.bank.sender, "1000000001");
	} else {
		op->u.send.funding = API_FUNDING_WALLET;
		strcpy(op->u.send.sender, "1000000001");
	}
}

/* Prepare, build and journal op online; returns the row. */
static struct operation journal_op(struct journal_fixture *f,
				   struct money_operation op)
{
	struct operation row;
	char message[256];

	if (money_prepare(f->journal, &op, message, sizeof(message)) != 0)
		fail_msg("prepare %s: %s", op.type, message);
	if (money_build(AGENT, &op, NOW, &row, message, sizeof(message)) != 0)
		fail_msg("build %s: %s", op.type, message);
	if (money_journal(f->journal, &row, true, message, sizeof(message)))
		fail_msg("journal %s: %s", op.type, message);
	return row;
}

/* Journal op and record the central service's acceptance. */
static struct operation accepted_op(struct journal_fixture *f,
				    struct money_operation op)
{
	struct operation row = journal_op(f, op);

	assert_int_equal(journal_mark_accepted(f->journal, row.id,
					       "SBX-000042", NOW + 1),
			 JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, row.id, &row), JOURNAL_OK);
	return row;
}

static struct money_operation reversal_of(const char *id)
{
	struct money_operation op;

	memset(&op, 0, sizeof(op));
	strcpy(op.type, API_TYPE_REVERSAL);
	snprintf(op.u.reversal.original_id, sizeof(op.u.reversal.original_id),
		 "%s", id);
	strcpy(op.u.reversal.reason, "Wrong wallet number");
	return op;
}

/* --- Changes that make a valid operation invalid. --- */
static void bad_sender(struct money_operation *op)
{
	strcpy(op->u.wallet.sender, "12a");
}
static void same_wallets(struct money_operation *op)
{
	strcpy(op->u.wallet.receiver, op->u.wallet.sender);
}
static void zero_amount(struct money_operation *op)
{
	op->u.wallet.amount = 0;
}
static void unknown_currency(struct money_operation *op)
{
	strcpy(op->u.wallet.currency, "XYZ");
}
static void both_receivers(struct money_operation *op)
{
	strcpy(op->u.wallet.receiver_customer_id, CUSTOMER_ID);
}
static void unknown_bank(struct money_operation *op)
{
	strcpy(op->u.bank.bank_code, "999");
}
static void wrong_check_digit(struct money_operation *op)
{
	strcpy(op->u.bank.account_number, "0123456789");
}
static void bank_in_other_currency(struct money_operation *op)
{
	strcpy(op->u.bank.currency, "GHS");
}
static void no_account_name(struct money_operation *op)
{
	op->u.bank.account_name[0] = '\0';
}
static void control_in_account_name(struct money_operation *op)
{
	strcpy(op->u.bank.account_name, "Adaeze\tNwosu");
}
static void wallet_funding_without_wallet(struct money_operation *op)
{
	op->u.bank.funding = API_FUNDING_WALLET;
}
static void no_receiver(struct money_operation *op)
{
	op->u.cash_in.receiver[0] = '\0';
}
static void upper_case_customer_id(struct money_operation *op)
{
	op->u.cash_in.receiver[0] = '\0';
	strcpy(op->u.cash_in.receiver_customer_id,
	       "6A5B4C3D-2E1F-4A0B-9C8D-7E6F5A4B3C2D");
}
static void amount_above_max(struct money_operation *op)
{
	op->u.cash_in.amount = CURRENCY_AMOUNT_MAX + 1;
}
static void short_code(struct money_operation *op)
{
	strcpy(op->u.cash_out.code, "12345");
}
static void letter_in_code(struct money_operation *op)
{
	strcpy(op->u.cash_out.code, "12a456");
}
static void bad_cash_out_wallet(struct money_operation *op)
{
	strcpy(op->u.cash_out.sender, "1234");
}
static void no_quote(struct money_operation *op)
{
	op->u.send.quote_id[0] = '\0';
}
static void national_phone(struct money_operation *op)
{
	strcpy(op->u.send.receiver_phone, "0803 000 0009");
}
static void digit_in_name(struct money_operation *op)
{
	strcpy(op->u.send.receiver_name, "Adaeze N2");
}
static void pickup_with_account(struct money_operation *op)
{
	strcpy(op->u.send.method, "cash_pickup");
}
static void short_mobile_wallet(struct money_operation *op)
{
	strcpy(op->u.send.method, "mobile_wallet");
	strcpy(op->u.send.receiver_account, "12");
}
static void bad_iban(struct money_operation *op)
{
	strcpy(op->u.send.receiver_account, "GB82WEST12345698765433");
}
static void no_receive_amount(struct money_operation *op)
{
	op->u.send.receive_amount = 0;
}
static void no_country(struct money_operation *op)
{
	op->u.send.country[0] = '\0';
}
static void unknown_method(struct money_operation *op)
{
	strcpy(op->u.send.method, "pigeon");
}
static void not_a_money_type(struct money_operation *op)
{
	strcpy(op->type, API_TYPE_CUSTOMER_REGISTRATION);
}

static void prepare_refusals_table(void **state)
{
	static const struct {
		const char *type;
		void (*change)(struct money_operation *op);
		const char *message; /* part of the message */
	} cases[] = {
		{ API_TYPE_WALLET_TRANSFER, bad_sender, "Sender wallet" },
		{ API_TYPE_WALLET_TRANSFER, same_wallets, "differ" },
		{ API_TYPE_WALLET_TRANSFER, zero_amount, "above zero" },
		{ API_TYPE_WALLET_TRANSFER, unknown_currency, "ISO 4217" },
		{ API_TYPE_WALLET_TRANSFER, both_receivers, "not both" },
		{ API_TYPE_BANK_TRANSFER, unknown_bank, "choose a bank" },
		{ API_TYPE_BANK_TRANSFER, wrong_check_digit, "check digit" },
		{ API_TYPE_BANK_TRANSFER, bank_in_other_currency,
		  "accounts are in NGN" },
		{ API_TYPE_BANK_TRANSFER, no_account_name,
		  "Account name is missing" },
		{ API_TYPE_BANK_TRANSFER, control_in_account_name,
		  "control character" },
		{ API_TYPE_BANK_TRANSFER, wallet_funding_without_wallet,
		  "Sender wallet" },
		{ API_TYPE_CASH_IN, no_receiver, "Receiver: enter" },
		{ API_TYPE_CASH_IN, upper_case_customer_id,
		  "not a valid UUID" },
		{ API_TYPE_CASH_IN, amount_above_max, "at most" },
		{ API_TYPE_CASH_OUT, short_code, "Code" },
		{ API_TYPE_CASH_OUT, letter_in_code, "Code" },
		{ API_TYPE_CASH_OUT, bad_cash_out_wallet, "Customer wallet" },
		{ API_TYPE_SEND_MONEY, no_quote, "get a quote" },
		{ API_TYPE_SEND_MONEY, national_phone, "country code" },
		{ API_TYPE_SEND_MONEY, digit_in_name, "digits" },
		{ API_TYPE_SEND_MONEY, pickup_with_account,
		  "cash pickup has no" },
		{ API_TYPE_SEND_MONEY, short_mobile_wallet,
		  "mobile wallet number" },
		{ API_TYPE_SEND_MONEY, bad_iban, "IBAN" },
		{ API_TYPE_SEND_MONEY, no_receive_amount, "Receive amount" },
		{ API_TYPE_SEND_MONEY, no_country, "Country" },
		{ API_TYPE_SEND_MONEY, unknown_method, "Delivery" },
		{ API_TYPE_CASH_IN, not_a_money_type, "Not a money operation" },
	};
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct money_operation op = valid_op(cases[i].type);
		struct money_operation before;
		char message[256] = "";

		cases[i].change(&op);
		before = op;
		if (money_prepare(f->journal, &op, message, sizeof(message)) !=
		    -1)
			fail_msg("case %zu (%s) was accepted", i,
				 cases[i].type);
		if (strstr(message, cases[i].message) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, message,
				 cases[i].message);
		/* Nothing is changed on failure. */
		assert_memory_equal(&op, &before, sizeof(op));
	}
}

static void prepare_fills_fee_table(void **state)
{
	static const struct {
		const char *type;
		const char *currency;
		int64_t amount;
		int64_t fee;
	} cases[] = {
		{ API_TYPE_WALLET_TRANSFER, "GHS", 1250, 0 },
		{ API_TYPE_CASH_IN, "GHS", 10000, 0 },
		/* First band up to 100.00, then 1 % within 1.00..20.00. */
		{ API_TYPE_CASH_OUT, "GHS", 5000, 50 },
		{ API_TYPE_CASH_OUT, "GHS", 10000, 50 },
		{ API_TYPE_CASH_OUT, "GHS", 10001, 100 },
		{ API_TYPE_CASH_OUT, "GHS", 15050, 151 },
		{ API_TYPE_CASH_OUT, "GHS", 300000, 2000 },
		{ API_TYPE_BANK_TRANSFER, "NGN", 500000, 1075 },
		{ API_TYPE_BANK_TRANSFER, "NGN", 500001, 2688 },
	};
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct money_operation op = valid_op(cases[i].type);
		struct operation row;
		char message[256];
		int64_t fee = -1;

		/* Each struct has currency and amount; set them by type. */
		if (strcmp(op.type, API_TYPE_WALLET_TRANSFER) == 0)
			op.u.wallet.amount = cases[i].amount;
		else if (strcmp(op.type, API_TYPE_CASH_IN) == 0)
			op.u.cash_in.amount = cases[i].amount;
		else if (strcmp(op.type, API_TYPE_CASH_OUT) == 0)
			op.u.cash_out.amount = cases[i].amount;
		else
			op.u.bank.amount = cases[i].amount;
		if (money_prepare(f->journal, &op, message, sizeof(message)))
			fail_msg("case %zu: %s", i, message);
		assert_int_equal(money_build(AGENT, &op, NOW, &row, message,
					     sizeof(message)),
				 0);
		assert_int_equal(api_payload_fee(row.payload, &fee), API_OK);
		if (fee != cases[i].fee)
			fail_msg("case %zu: fee %lld, expected %lld", i,
				 (long long)fee, (long long)cases[i].fee);
		assert_string_equal(row.currency, cases[i].currency);
		assert_int_equal(row.amount, cases[i].amount);
	}
}

static void prepare_normalises_bank_transfer(void **state)
{
	struct journal_fixture *f = *state;
	struct money_operation op = valid_op(API_TYPE_BANK_TRANSFER);
	char message[256];

	strcpy(op.u.bank.sender, "1000000001");
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_string_equal(op.u.bank.account_number, NUBAN_058);
	assert_string_equal(op.u.bank.bank_name, "Guaranty Trust Bank");
	/* Cash funding names no sender wallet. */
	assert_string_equal(op.u.bank.sender, "");
	assert_int_equal(op.u.bank.fee, 1075);
}

/* Send money keeps the quote's fee and takes the phone in E.164. */
static void prepare_send_keeps_quote_fee(void **state)
{
	struct journal_fixture *f = *state;
	struct money_operation op = valid_op(API_TYPE_SEND_MONEY);
	char message[256];

	op.u.send.fee = 1999;
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(op.u.send.fee, 1999);
	assert_string_equal(op.u.send.receiver_phone, "+2348030000009");
	assert_string_equal(op.u.send.receiver_account, NUBAN_058);

	op = valid_op(API_TYPE_SEND_MONEY);
	strcpy(op.u.send.receiver_account, "gb82 west 1234 5698 7654 32");
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_string_equal(op.u.send.receiver_account,
			    "GB82WEST12345698765432");
}

static void prepare_without_schedule(void **state)
{
	struct journal_fixture *f = *state;
	struct money_operation op = valid_op(API_TYPE_CASH_IN);
	char message[256] = "";

	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "No fee schedule yet"));
	assert_int_equal(op.u.cash_in.fee, 0);

	op = valid_op(API_TYPE_WALLET_TRANSFER);
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "No fee schedule yet"));
}

/* The value of the summary line labelled label, or NULL. */
static const char *summary_value(const struct money_summary *s,
				 const char *label)
{
	for (int i = 0; i < s->count; i++) {
		if (strcmp(s->lines[i].label, label) == 0)
			return s->lines[i].value;
	}
	return NULL;
}

static void summarise_cash_operations(void **state)
{
	struct journal_fixture *f = *state;
	struct money_operation op = valid_op(API_TYPE_CASH_IN);
	struct money_summary s;
	char message[256];

	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_summarise(&op, &s), 0);
	assert_string_equal(s.title, "Cash-in");
	assert_string_equal(summary_value(&s, "To wallet"), "1000000002");
	assert_string_equal(s.amount, "GHS 100.00");
	assert_string_equal(s.fee, "GHS 0.00");
	assert_string_equal(s.total, "GHS 100.00");
	assert_string_equal(s.total_label, "Customer pays in cash");

	op = valid_op(API_TYPE_CASH_OUT);
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_summarise(&op, &s), 0);
	assert_string_equal(s.title, "Cash-out");
	assert_string_equal(summary_value(&s, "Holder"), "Kofi Boateng");
	assert_string_equal(summary_value(&s, "Debited from wallet"),
			    "GHS 50.50");
	assert_string_equal(s.fee, "GHS 0.50");
	assert_string_equal(s.total, "GHS 50.00");
	assert_string_equal(s.total_label, "Customer gets in cash");
	/* The code is never shown. */
	for (int i = 0; i < s.count; i++)
		assert_null(strstr(s.lines[i].value, "123456"));
}

static void summarise_transfers(void **state)
{
	struct journal_fixture *f = *state;
	struct money_operation op = valid_op(API_TYPE_BANK_TRANSFER);
	struct money_summary s;
	char message[256];

	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_summarise(&op, &s), 0);
	assert_string_equal(s.title, "Bank transfer");
	assert_string_equal(summary_value(&s, "Bank"), "Guaranty Trust Bank");
	assert_string_equal(summary_value(&s, "Account"), NUBAN_058);
	assert_string_equal(summary_value(&s, "Account name"),
			    "Adaeze Nwosu");
	assert_string_equal(summary_value(&s, "Paid from"),
			    "Cash at the counter");
	assert_string_equal(s.total, "NGN 5,010.75");
	assert_string_equal(s.total_label, "Customer pays in cash");

	op = valid_op(API_TYPE_SEND_MONEY);
	op.u.send.funding = API_FUNDING_WALLET;
	strcpy(op.u.send.sender, "1000000001");
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_summarise(&op, &s), 0);
	assert_string_equal(s.title, "Send money");
	assert_string_equal(summary_value(&s, "Delivery"), "Bank deposit");
	assert_string_equal(summary_value(&s, "Rate"),
			    "1 GHS = 123.456000 NGN");
	assert_string_equal(summary_value(&s, "Receiver gets"),
			    "NGN 123,456.00");
	assert_string_equal(summary_value(&s, "Paid from"),
			    "Wallet 1000000001");
	assert_string_equal(s.total, "GHS 1,020.00");
	assert_string_equal(s.total_label, "Debited from the wallet");

	strcpy(op.type, "customer_update");
	assert_int_equal(money_summarise(&op, &s), -1);
}

static void summarise_reversal_refund(void **state)
{
	struct journal_fixture *f = *state;
	struct operation original = accepted_op(f, valid_op(API_TYPE_CASH_OUT));
	struct money_operation op = reversal_of(original.id);
	struct money_summary s;
	char message[256];

	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_string_equal(op.u.reversal.currency, "GHS");
	assert_int_equal(op.u.reversal.amount, 5000);
	assert_int_equal(op.u.reversal.refunded_fee, 50);
	assert_string_equal(op.u.reversal.original_type, API_TYPE_CASH_OUT);
	assert_int_equal(money_summarise(&op, &s), 0);
	assert_string_equal(s.title, "Reversal");
	assert_string_equal(summary_value(&s, "Original"), "Cash-out");
	assert_string_equal(summary_value(&s, "Reference"), "SBX-000042");
	assert_string_equal(summary_value(&s, "Reason"),
			    "Wrong wallet number");
	assert_string_equal(s.total, "GHS 50.50");
}

static bool has_key(const struct operation *row, const char *key)
{
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (strcmp(row->keys[i], key) == 0)
			return true;
	}
	return false;
}

static int key_count(const struct operation *row)
{
	int count = 0;

	for (int i = 0; i < JOURNAL_KEYS_MAX; i++)
		count += row->keys[i][0] != '\0';
	return count;
}

static void build_keys_table(void **state)
{
	static const struct {
		const char *type;
		bool wallet_funding;
		const char *keys[3];
	} cases[] = {
		{ API_TYPE_WALLET_TRANSFER, false,
		  { "wallet:1000000001", "wallet:1000000002" } },
		{ API_TYPE_CASH_IN, false, { "wallet:1000000002" } },
		{ API_TYPE_CASH_OUT, false, { "wallet:1000000001" } },
		{ API_TYPE_BANK_TRANSFER, false, { NULL } },
		{ API_TYPE_BANK_TRANSFER, true, { "wallet:1000000001" } },
		{ API_TYPE_SEND_MONEY, false, { NULL } },
		{ API_TYPE_SEND_MONEY, true, { "wallet:1000000001" } },
	};
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct money_operation op = valid_op(cases[i].type);
		struct operation row;
		char message[256];
		int expected = 0;

		if (cases[i].wallet_funding)
			fund_from_wallet(&op);
		if (money_prepare(f->journal, &op, message, sizeof(message)))
			fail_msg("case %zu: %s", i, message);
		assert_int_equal(money_build(AGENT, &op, NOW, &row, message,
					     sizeof(message)),
				 0);
		assert_string_equal(row.type, cases[i].type);
		assert_string_equal(row.agent_id, AGENT);
		assert_int_equal(row.state, OP_QUEUED);
		assert_int_equal(row.created_at, NOW);
		for (int k = 0; k < 3 && cases[i].keys[k] != NULL; k++) {
			if (!has_key(&row, cases[i].keys[k]))
				fail_msg("case %zu lacks key %s", i,
					 cases[i].keys[k]);
			expected++;
		}
		assert_int_equal(key_count(&row), expected);
	}
}

/* Only a cash-out's row has a secret part, its code, and no row's
 * payload has the code. The journal keeps it until the decision. */
static void build_secret_table(void **state)
{
	static const struct {
		const char *type;
		const char *secret;
	} cases[] = {
		{ API_TYPE_WALLET_TRANSFER, "" },
		{ API_TYPE_CASH_IN, "" },
		{ API_TYPE_CASH_OUT, "{\"code\":\"123456\"}" },
		{ API_TYPE_BANK_TRANSFER, "" },
		{ API_TYPE_SEND_MONEY, "" },
	};
	struct journal_fixture *f = *state;
	struct operation row;
	struct operation stored;
	char message[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct money_operation op = valid_op(cases[i].type);

		if (money_prepare(f->journal, &op, message, sizeof(message)))
			fail_msg("case %zu: %s", i, message);
		assert_int_equal(money_build(AGENT, &op, NOW, &row, message,
					     sizeof(message)),
				 0);
		assert_string_equal(row.secret, cases[i].secret);
		assert_null(strstr(row.payload, "\"code\""));
		if (strcmp(cases[i].type, API_TYPE_CASH_OUT) == 0)
			assert_null(strstr(row.payload, "123456"));
	}

	row = journal_op(f, valid_op(API_TYPE_CASH_OUT));
	assert_int_equal(journal_get(f->journal, row.id, &stored),
			 JOURNAL_OK);
	assert_string_equal(stored.secret, "{\"code\":\"123456\"}");
	assert_int_equal(journal_mark_accepted(f->journal, row.id,
					       "SBX-000043", NOW + 1),
			 JOURNAL_OK);
	assert_int_equal(journal_get(f->journal, row.id, &stored),
			 JOURNAL_OK);
	assert_string_equal(stored.secret, "");
}

/* A reversal's row carries "op:<original>" and the original's keys,
 * which never name the agent's float. */
static void reversal_keys(void **state)
{
	struct journal_fixture *f = *state;
	struct operation original = accepted_op(f, valid_op(API_TYPE_CASH_IN));
	struct operation row = journal_op(f, reversal_of(original.id));
	char key[JOURNAL_KEY_SIZE];

	snprintf(key, sizeof(key), "op:%s", original.id);
	assert_int_equal(journal_get(f->journal, row.id, &row), JOURNAL_OK);
	assert_true(has_key(&row, key));
	assert_true(has_key(&row, "wallet:1000000002"));
	assert_int_equal(key_count(&row), 2);
	assert_string_equal(row.currency, "GHS");
	assert_int_equal(row.amount, 10000);
}

static void float_effect_table(void **state)
{
	static const struct {
		const char *type;
		bool wallet_funding;
		int64_t effect;
	} cases[] = {
		{ API_TYPE_WALLET_TRANSFER, false, 0 },
		{ API_TYPE_CASH_IN, false, -10000 },
		{ API_TYPE_CASH_OUT, false, 5000 },
		{ API_TYPE_BANK_TRANSFER, false, -501075 },
		{ API_TYPE_BANK_TRANSFER, true, 0 },
		{ API_TYPE_SEND_MONEY, false, -102000 },
		{ API_TYPE_SEND_MONEY, true, 0 },
	};
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct money_operation op = valid_op(cases[i].type);
		struct operation row;
		struct operation reversal;
		int64_t effect = 1;

		if (cases[i].wallet_funding)
			fund_from_wallet(&op);
		row = accepted_op(f, op);
		assert_int_equal(money_float_effect(f->journal, &row, &effect),
				 0);
		if (effect != cases[i].effect)
			fail_msg("case %zu: effect %lld, expected %lld", i,
				 (long long)effect,
				 (long long)cases[i].effect);

		/* The reversal undoes exactly the original's effect. */
		reversal = journal_op(f, reversal_of(row.id));
		assert_int_equal(money_float_effect(f->journal, &reversal,
						    &effect),
				 0);
		assert_int_equal(effect, -cases[i].effect);
	}
}

static void float_effect_unreadable(void **state)
{
	struct journal_fixture *f = *state;
	struct operation row;

	memset(&row, 0, sizeof(row));
	strcpy(row.type, API_TYPE_CASH_IN);
	strcpy(row.payload, "{\"amount\":\"many\"}");
	assert_int_equal(money_float_effect(f->journal, &row, &(int64_t){ 0 }),
			 -1);

	/* A reversal whose original is not in the journal. */
	strcpy(row.type, API_TYPE_REVERSAL);
	snprintf(row.payload, sizeof(row.payload),
		 "{\"original_operation_id\":\"%s\",\"reason\":\"x\","
		 "\"currency\":\"GHS\",\"amount\":10}",
		 CUSTOMER_ID);
	assert_int_equal(money_float_effect(f->journal, &row, &(int64_t){ 0 }),
			 -1);

	/* Operations that move no money have no effect. */
	strcpy(row.type, API_TYPE_CUSTOMER_UPDATE);
	strcpy(row.payload, "{}");
	assert_int_equal(money_float_effect(f->journal, &row, &(int64_t){ 0 }),
			 0);
}

/* Insert a customer registration row, which moves no money. */
static struct operation registration_row(struct journal_fixture *f)
{
	struct operation row;

	memset(&row, 0, sizeof(row));
	strcpy(row.id, "11111111-2222-4333-8444-555555555555");
	strcpy(row.type, API_TYPE_CUSTOMER_REGISTRATION);
	strcpy(row.agent_id, AGENT);
	strcpy(row.currency, "GHS");
	strcpy(row.payload, "{}");
	row.created_at = row.updated_at = row.next_attempt_at = NOW;
	assert_int_equal(journal_insert(f->journal, &row), JOURNAL_OK);
	assert_int_equal(journal_mark_accepted(f->journal, row.id, "SBX-1",
					       NOW),
			 JOURNAL_OK);
	return row;
}

static void reversal_check_refusals(void **state)
{
	struct journal_fixture *f = *state;
	struct operation accepted = accepted_op(f, valid_op(API_TYPE_CASH_IN));
	struct operation queued = journal_op(f, valid_op(API_TYPE_CASH_OUT));
	struct operation registration = registration_row(f);
	struct operation reversal;
	struct operation row;
	struct money_operation op;
	char message[256] = "";

	assert_int_equal(money_reversal_check(f->journal, CUSTOMER_ID, message,
					      sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "no operation"));
	assert_int_equal(money_reversal_check(f->journal, "not-an-id", message,
					      sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "Original"));
	assert_int_equal(money_reversal_check(f->journal, queued.id, message,
					      sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "this one is queued"));
	assert_int_equal(money_reversal_check(f->journal, registration.id,
					      message, sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "cannot be reversed"));

	/* One reversal at a time: a second is refused until the first is
	 * rejected. */
	assert_int_equal(money_reversal_check(f->journal, accepted.id, message,
					      sizeof(message)),
			 0);
	reversal = journal_op(f, reversal_of(accepted.id));
	assert_int_equal(money_reversal_check(f->journal, accepted.id, message,
					      sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "Already reversed"));
	op = reversal_of(accepted.id);
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 -1);

	/* A row built before the first reversal was journaled is refused
	 * when it is journaled. */
	assert_int_equal(journal_mark_rejected(f->journal, reversal.id,
					       "insufficient_funds", NOW),
			 JOURNAL_OK);
	op = reversal_of(accepted.id);
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_build(AGENT, &op, NOW, &row, message,
				     sizeof(message)),
			 0);
	journal_op(f, reversal_of(accepted.id));
	assert_int_equal(money_journal(f->journal, &row, true, message,
				       sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "Already reversed"));

	/* A reversal is not reversed. */
	row = accepted_op(f, valid_op(API_TYPE_WALLET_TRANSFER));
	reversal = journal_op(f, reversal_of(row.id));
	assert_int_equal(journal_mark_accepted(f->journal, reversal.id,
					       "SBX-000043", NOW),
			 JOURNAL_OK);
	assert_int_equal(money_reversal_check(f->journal, reversal.id, message,
					      sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "cannot be reversed"));
}

/* An app on the fixture's journal, logged in as AGENT. */
static void app_on(struct journal_fixture *f, struct app *app, bool online)
{
	memset(app, 0, sizeof(*app));
	app->journal = f->journal;
	app->session.logged_in = true;
	strcpy(app->session.agent_id, AGENT);
	app->status.online = online;
}

static int64_t journaled_count(struct journal_fixture *f)
{
	int64_t counts[OP_STATE_COUNT] = { 0 };
	int64_t total = 0;

	assert_int_equal(journal_count_by_state(f->journal, counts),
			 JOURNAL_OK);
	for (int i = 0; i < OP_STATE_COUNT; i++)
		total += counts[i];
	return total;
}

static void submit_send_money_rules(void **state)
{
	struct journal_fixture *f = *state;
	struct money_operation op = valid_op(API_TYPE_SEND_MONEY);
	struct operation row;
	struct app app;
	char id[JOURNAL_ID_SIZE];
	char message[256] = "";

	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	app_on(f, &app, false);
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 -1);
	assert_string_equal(message,
			    "Send money needs the link: try again when ONLINE "
			    "shows");

	app.status.online = true;
	op.quote_deadline = money_monotonic_seconds();
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "quote has expired"));
	op.quote_deadline = 0;
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "quote has expired"));
	assert_int_equal(journaled_count(f), 0);

	op.quote_deadline = money_monotonic_seconds() + 60;
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 0);
	assert_int_equal(journal_get(f->journal, id, &row), JOURNAL_OK);
	assert_string_equal(row.type, API_TYPE_SEND_MONEY);
	assert_int_equal(row.amount, 100000);
	assert_int_equal(app.status.counts[OP_QUEUED], 1);
}

static void submit_offline_follows_policy(void **state)
{
	struct journal_fixture *f = *state;
	struct money_operation op = valid_op(API_TYPE_CASH_IN);
	struct app app;
	char id[JOURNAL_ID_SIZE];
	char message[256] = "";

	app_on(f, &app, false);
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 0);

	/* Over the offline limit of 2,000.00. */
	op.u.cash_in.amount = 200001;
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "Offline limit"));

	/* Cash-out has no offline rule in this policy. */
	op = valid_op(API_TYPE_CASH_OUT);
	assert_int_equal(money_prepare(f->journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 -1);
	assert_string_equal(message,
			    "Cash-out needs the link: try again when ONLINE "
			    "shows");
	assert_int_equal(journaled_count(f), 1);

	app.session.logged_in = false;
	assert_int_equal(money_submit(&app, &op, id, message, sizeof(message)),
			 -1);
	assert_string_equal(message, "Log in first");
}

/* What the forms ask before the agent fills one in: offline, only the
 * types the policy allows, and never send money. */
static void check_link_table(void **state)
{
	static const struct {
		const char *type;
		bool online;
		int expected;
		const char *message;
	} cases[] = {
		{ API_TYPE_CASH_OUT, false, -1,
		  "Cash-out needs the link: try again when ONLINE shows" },
		{ API_TYPE_SEND_MONEY, false, -1,
		  "Send money needs the link: try again when ONLINE shows" },
		{ API_TYPE_CASH_IN, false, 0, "" },
		{ API_TYPE_BANK_TRANSFER, false, 0, "" },
		{ API_TYPE_REVERSAL, false, 0, "" },
		{ API_TYPE_WALLET_TRANSFER, false, 0, "" },
		{ API_TYPE_CASH_OUT, true, 0, "" },
		{ API_TYPE_SEND_MONEY, true, 0, "" },
	};
	struct journal_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char message[256] = "";
		int rc = money_check_link(f->journal, cases[i].type,
					  cases[i].online, message,
					  sizeof(message));

		if (rc != cases[i].expected)
			fail_msg("%s %s: %d, expected %d", cases[i].type,
				 cases[i].online ? "online" : "offline", rc,
				 cases[i].expected);
		assert_string_equal(message, cases[i].message);
		assert_true(strlen(message) <= 80);
	}
}

/* The wallet screens' submit carries the fee from the schedule. */
static void wallet_submit_has_fee(void **state)
{
	struct journal_fixture *f = *state;
	struct wallet_transfer transfer = valid_op(API_TYPE_WALLET_TRANSFER)
						  .u.wallet;
	struct operation row;
	struct app app;
	char id[JOURNAL_ID_SIZE];
	char message[256];

	app_on(f, &app, true);
	assert_int_equal(wallet_transfer_submit(&app, &transfer, id, message,
						sizeof(message)),
			 0);
	assert_int_equal(journal_get(f->journal, id, &row), JOURNAL_OK);
	assert_non_null(strstr(row.payload, "\"fee\":0"));
}

/* Run submit_run on input against the fixture's journal. Returns its
 * result; output and errors get what it wrote. */
static int run_submit(struct journal_fixture *f, const char *input,
		      char *output, size_t output_size, char *errors,
		      size_t errors_size)
{
	struct config config;
	FILE *in;
	FILE *out;
	FILE *err;
	int rc;

	memset(&config, 0, sizeof(config));
	snprintf(config.journal_path, sizeof(config.journal_path), "%s",
		 f->path);
	memset(output, 0, output_size);
	memset(errors, 0, errors_size);
	in = fmemopen((void *)input, strlen(input), "r");
	out = fmemopen(output, output_size, "w");
	err = fmemopen(errors, errors_size, "w");
	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(err);
	rc = submit_run(&config, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	return rc;
}

/* The id after the first "queued " in output. */
static void first_queued_id(const char *output, char id[JOURNAL_ID_SIZE])
{
	const char *at = strstr(output, "queued ");

	assert_non_null(at);
	memcpy(id, at + 7, JOURNAL_ID_SIZE - 1);
	id[JOURNAL_ID_SIZE - 1] = '\0';
}

static void submit_lines_table(void **state)
{
	static const struct {
		const char *line;
		const char *error; /* part of the error, NULL: journaled */
	} cases[] = {
		{ "{\"type\":\"cash_in\",\"agent_id\":\"A1001\","
		  "\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":10000}",
		  NULL },
		{ "{\"type\":\"cash_in\",\"agent_id\":\"A1001\","
		  "\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":10000,\"fee\":0}",
		  NULL },
		{ "{\"type\":\"bank_transfer\",\"agent_id\":\"A1001\","
		  "\"funding\":\"cash\",\"bank_code\":\"058\","
		  "\"account_number\":\"" NUBAN_058 "\","
		  "\"account_name\":\"Adaeze Nwosu\",\"currency\":\"NGN\","
		  "\"amount\":500000,\"fee\":1075}",
		  NULL },
		{ "{\"type\":\"bank_transfer\",\"agent_id\":\"A1001\","
		  "\"funding\":\"cash\",\"bank_code\":\"058\","
		  "\"account_number\":\"" NUBAN_058 "\","
		  "\"account_name\":\"Adaeze Nwosu\",\"currency\":\"NGN\","
		  "\"amount\":500000,\"fee\":1000}",
		  "differs from the cached fee schedule's 1075" },
		{ "{\"type\":\"bank_transfer\",\"agent_id\":\"A1001\","
		  "\"funding\":\"card\",\"bank_code\":\"058\","
		  "\"account_number\":\"" NUBAN_058 "\","
		  "\"account_name\":\"Adaeze Nwosu\",\"currency\":\"NGN\","
		  "\"amount\":500000}",
		  "\"funding\" must be" },
		{ "{\"type\":\"cash_in\",\"agent_id\":\"A1001\","
		  "\"receiver_acount\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":10000}",
		  "\"receiver_acount\" is not a field of cash_in" },
		{ "{\"type\":\"cash_in\",\"agent_id\":\"A1001\","
		  "\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":0}",
		  "\"amount\" must be" },
		/* No offline rule for cash-out in this policy. */
		{ "{\"type\":\"cash_out\",\"agent_id\":\"A1001\","
		  "\"sender_account\":\"1000000001\",\"currency\":\"GHS\","
		  "\"amount\":5000,\"code\":\"123456\"}",
		  "Cash-out needs the link" },
		{ "{\"type\":\"cash_out\",\"agent_id\":\"A1001\","
		  "\"sender_account\":\"1000000001\",\"currency\":\"GHS\","
		  "\"amount\":5000}",
		  "\"code\" must be" },
		{ "{\"type\":\"send_money\",\"agent_id\":\"A1001\"}",
		  "not journaled offline" },
		{ "{\"type\":\"customer_update\",\"agent_id\":\"A1001\"}",
		  "\"type\" must be one of" },
		{ "{\"type\":\"reversal\",\"agent_id\":\"A1001\","
		  "\"original_operation_id\":\"" CUSTOMER_ID "\","
		  "\"reason\":\"Wrong wallet\"}",
		  "no operation" },
		{ "{\"type\":\"wallet_transfer\",\"agent_id\":\"A1001\","
		  "\"sender_account\":\"1000000001\","
		  "\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":1250,\"fee\":5}",
		  "differs" },
	};
	struct journal_fixture *f = *state;
	char output[256];
	char errors[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char input[1024];
		int rc;

		snprintf(input, sizeof(input), "%s\n", cases[i].line);
		rc = run_submit(f, input, output, sizeof(output), errors,
				sizeof(errors));
		if (cases[i].error == NULL) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, errors);
			assert_non_null(strstr(output, "queued "));
			continue;
		}
		assert_int_equal(rc, 1);
		if (strstr(errors, cases[i].error) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, errors,
				 cases[i].error);
		assert_string_equal(output, "");
	}
}

/* A reversal line of an accepted operation, run twice with its own id,
 * is journaled once; its fee and amount come from the original. */
static void submit_reversal_line_twice(void **state)
{
	struct journal_fixture *f = *state;
	struct operation original = accepted_op(f, valid_op(API_TYPE_CASH_OUT));
	struct reversal reversal;
	struct operation row;
	char input[512];
	char output[256];
	char errors[512];
	char id[JOURNAL_ID_SIZE];

	/* Another amount than the original's is refused. */
	snprintf(input, sizeof(input),
		 "{\"type\":\"reversal\",\"agent_id\":\"A1001\","
		 "\"original_operation_id\":\"%s\",\"reason\":\"Wrong\","
		 "\"amount\":4000}\n",
		 original.id);
	assert_int_equal(run_submit(f, input, output, sizeof(output), errors,
				    sizeof(errors)),
			 1);
	assert_non_null(strstr(errors, "must be the original's: GHS 5000"));

	snprintf(input, sizeof(input),
		 "{\"type\":\"reversal\",\"agent_id\":\"A1001\","
		 "\"operation_id\":\"" QUOTE_ID "\","
		 "\"original_operation_id\":\"%s\",\"reason\":\"Wrong "
		 "wallet\",\"currency\":\"GHS\",\"amount\":5000}\n",
		 original.id);
	/* The policy has a reversal rule, so it is journaled offline. */
	assert_int_equal(run_submit(f, input, output, sizeof(output), errors,
				    sizeof(errors)),
			 0);
	first_queued_id(output, id);
	assert_string_equal(id, QUOTE_ID);
	assert_int_equal(run_submit(f, input, output, sizeof(output), errors,
				    sizeof(errors)),
			 0);
	first_queued_id(output, id);
	assert_string_equal(id, QUOTE_ID);
	assert_int_equal(journaled_count(f), 2);

	assert_int_equal(journal_get(f->journal, QUOTE_ID, &row), JOURNAL_OK);
	assert_int_equal(api_reversal_decode(row.payload, &reversal), API_OK);
	assert_int_equal(reversal.amount, 5000);
	assert_int_equal(reversal.refunded_fee, 50);
	assert_string_equal(reversal.original_reference, "SBX-000042");

	/* With another id, it is a second reversal of the same original. */
	snprintf(input, sizeof(input),
		 "{\"type\":\"reversal\",\"agent_id\":\"A1001\","
		 "\"original_operation_id\":\"%s\",\"reason\":\"Wrong "
		 "wallet\"}\n",
		 original.id);
	assert_int_equal(run_submit(f, input, output, sizeof(output), errors,
				    sizeof(errors)),
			 1);
	assert_non_null(strstr(errors, "Already reversed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(prepare_refusals_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(prepare_fills_fee_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			prepare_normalises_bank_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(prepare_send_keeps_quote_fee,
						setup, teardown),
		cmocka_unit_test_setup_teardown(prepare_without_schedule,
						setup_without_refdata,
						teardown),
		cmocka_unit_test_setup_teardown(summarise_cash_operations,
						setup, teardown),
		cmocka_unit_test_setup_teardown(summarise_transfers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(summarise_reversal_refund,
						setup, teardown),
		cmocka_unit_test_setup_teardown(build_keys_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(build_secret_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reversal_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(float_effect_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(float_effect_unreadable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reversal_check_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(submit_send_money_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(submit_offline_follows_policy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(check_link_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wallet_submit_has_fee, setup,
						teardown),
		cmocka_unit_test_setup_teardown(submit_lines_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(submit_reversal_line_twice,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
