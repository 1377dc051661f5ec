/* Unit tests of the money operations' payload codecs: round trips, the
 * fields kept only for the receipt, the cash-out's secret part and the
 * request body it joins, malformed payloads, dependency keys, fees and
 * the wallet transfer's optional fee. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../app/api_internal.h"
#include "../../app/api_money.h"
#include "../../app/currency.h"

#define QUOTE_ID "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
#define ORIGINAL_ID "3f1c2a7e-8b4d-4e6f-9a0b-1c2d3e4f5a6b"
#define CUSTOMER_ID "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"

static const struct bank_transfer bank_cash = {
	.funding = API_FUNDING_CASH,
	.bank_code = "058",
	.bank_name = "Guaranty Trust Bank",
	.account_number = "0123456785",
	.account_name = "Adaeze Nwosu",
	.currency = "NGN",
	.amount = 500000,
	.fee = 1075,
};

static const struct bank_transfer bank_wallet = {
	.funding = API_FUNDING_WALLET,
	.sender = "1000000003",
	.bank_code = "GH030100",
	.account_number = "1234567890123",
	.account_name = "Kwame Mensah",
	.currency = "GHS",
	.amount = 1,
	.fee = 0,
};

static const struct cash_in cash_in_account = {
	.receiver = "1000000002",
	.receiver_name = "Ama Owusu",
	.currency = "GHS",
	.amount = 10000,
	.fee = 0,
};

static const struct cash_in cash_in_customer = {
	.receiver_customer_id = CUSTOMER_ID,
	.currency = "GHS",
	.amount = CURRENCY_AMOUNT_MAX,
	.fee = 12,
};

static const struct cash_out cash_out = {
	.sender = "1000000001",
	.holder_name = "Kofi Boateng",
	.currency = "GHS",
	.amount = 5000,
	.fee = 50,
	.code = "123456",
};

static const struct send_money send_cash = {
	.quote_id = QUOTE_ID,
	.funding = API_FUNDING_CASH,
	.receiver_name = "Adaeze Nwosu",
	.receiver_phone = "+2348030000009",
	.receiver_account = "0123456785",
	.country = "NG",
	.method = "bank_deposit",
	.rate = "123.456000",
	.currency = "GHS",
	.amount = 100000,
	.fee = 2000,
	.receive_currency = "NGN",
	.receive_amount = 12345600,
};

static const struct send_money send_wallet = {
	.quote_id = QUOTE_ID,
	.funding = API_FUNDING_WALLET,
	.sender = "1000000001",
	.receiver_name = "Wanjiru Kamau",
	.receiver_phone = "+254712000001",
	.country = "KE",
	.method = "cash_pickup",
	.currency = "GHS",
	.amount = 2000,
	.fee = 530,
	.receive_currency = "KES",
	.receive_amount = 21000,
};

static const struct reversal reversal = {
	.original_id = ORIGINAL_ID,
	.original_type = "cash_in",
	.original_reference = "SBX-000042",
	.reason = "Wrong wallet number",
	.currency = "GHS",
	.amount = 10000,
	.refunded_fee = 25,
};

static void bank_transfer_round_trip(void **state)
{
	const struct bank_transfer *cases[] = { &bank_cash, &bank_wallet };
	char payload[JOURNAL_PAYLOAD_SIZE];
	struct bank_transfer out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(api_bank_transfer_encode(cases[i], payload,
							  sizeof(payload)),
				 API_OK);
		memset(&out, 0x5a, sizeof(out));
		assert_int_equal(api_bank_transfer_decode(payload, &out),
				 API_OK);
		assert_int_equal(out.funding, cases[i]->funding);
		assert_string_equal(out.sender, cases[i]->sender);
		assert_string_equal(out.bank_code, cases[i]->bank_code);
		assert_string_equal(out.bank_name, cases[i]->bank_name);
		assert_string_equal(out.account_number,
				    cases[i]->account_number);
		assert_string_equal(out.account_name, cases[i]->account_name);
		assert_string_equal(out.currency, cases[i]->currency);
		assert_int_equal(out.amount, cases[i]->amount);
		assert_int_equal(out.fee, cases[i]->fee);
	}
}

static void cash_in_round_trip(void **state)
{
	const struct cash_in *cases[] = { &cash_in_account,
					  &cash_in_customer };
	char payload[JOURNAL_PAYLOAD_SIZE];
	struct cash_in out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(api_cash_in_encode(cases[i], payload,
						    sizeof(payload)),
				 API_OK);
		memset(&out, 0x5a, sizeof(out));
		assert_int_equal(api_cash_in_decode(payload, &out), API_OK);
		assert_string_equal(out.receiver, cases[i]->receiver);
		assert_string_equal(out.receiver_customer_id,
				    cases[i]->receiver_customer_id);
		assert_string_equal(out.receiver_name,
				    cases[i]->receiver_name);
		assert_string_equal(out.currency, cases[i]->currency);
		assert_int_equal(out.amount, cases[i]->amount);
		assert_int_equal(out.fee, cases[i]->fee);
	}
}

static void cash_out_round_trip(void **state)
{
	char payload[JOURNAL_PAYLOAD_SIZE];
	struct cash_out out;

	(void)state;
	assert_int_equal(api_cash_out_encode(&cash_out, payload,
					     sizeof(payload)),
			 API_OK);
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(api_cash_out_decode(payload, &out), API_OK);
	assert_string_equal(out.sender, cash_out.sender);
	assert_string_equal(out.holder_name, cash_out.holder_name);
	assert_string_equal(out.currency, cash_out.currency);
	assert_int_equal(out.amount, cash_out.amount);
	assert_int_equal(out.fee, cash_out.fee);
	assert_string_equal(out.code, "");
	assert_null(strstr(payload, "code"));
	assert_null(strstr(payload, cash_out.code));

	/* A payload journaled before the secret part still decodes. */
	assert_int_equal(api_cash_out_decode(
				 "{\"sender_account\":\"1000000001\","
				 "\"currency\":\"GHS\",\"amount\":1,"
				 "\"fee\":0,\"code\":\"654321\"}",
				 &out),
			 API_OK);
	assert_string_equal(out.code, "654321");
}

static void cash_out_secret_part(void **state)
{
	char secret[JOURNAL_SECRET_SIZE];
	struct cash_out out = cash_out;

	(void)state;
	assert_int_equal(api_cash_out_secret(&cash_out, secret,
					     sizeof(secret)),
			 API_OK);
	assert_string_equal(secret, "{\"code\":\"123456\"}");
	/* Too small for the object, and an empty code. */
	assert_int_equal(api_cash_out_secret(&cash_out, secret, 17),
			 API_EINVAL);
	out.code[0] = '\0';
	assert_int_equal(api_cash_out_secret(&out, secret, sizeof(secret)),
			 API_EINVAL);
}

/* A journal row of the test cash-out, as money_build writes it. */
static void make_cash_out_row(struct operation *op)
{
	memset(op, 0, sizeof(*op));
	strcpy(op->id, ORIGINAL_ID);
	strcpy(op->type, API_TYPE_CASH_OUT);
	strcpy(op->agent_id, "agent-0042");
	strcpy(op->currency, "GHS");
	op->amount = cash_out.amount;
	op->created_at = 1700000000;
	assert_int_equal(api_cash_out_encode(&cash_out, op->payload,
					     sizeof(op->payload)),
			 API_OK);
	assert_int_equal(api_cash_out_secret(&cash_out, op->secret,
					     sizeof(op->secret)),
			 API_OK);
}

/* The request body has the code from the secret part, which the
 * payload lacks, and no receipt-only field. */
static void operation_json_adds_secret(void **state)
{
	struct operation op;
	json_t *root;

	(void)state;
	make_cash_out_row(&op);
	assert_null(strstr(op.payload, cash_out.code));
	root = api_operation_json(&op);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "code")),
			    cash_out.code);
	assert_string_equal(json_string_value(json_object_get(
				    root, "sender_account")),
			    cash_out.sender);
	assert_string_equal(json_string_value(json_object_get(
				    root, "operation_id")),
			    ORIGINAL_ID);
	assert_null(json_object_get(root, "holder_name"));
	json_decref(root);

	/* Without a secret part the body has no code. */
	op.secret[0] = '\0';
	root = api_operation_json(&op);
	assert_non_null(root);
	assert_null(json_object_get(root, "code"));
	json_decref(root);
}

/* A secret part that is not a JSON object, or repeats a payload field,
 * makes the operation fail to encode. */
static void operation_json_rejects_bad_secret(void **state)
{
	static const char *const secrets[] = {
		"not json",
		"[\"123456\"]",
		"\"123456\"",
		"{\"code\":\"1\",\"code\":\"2\"}",
		"{\"amount\":1}",
	};
	struct operation op;

	(void)state;
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		make_cash_out_row(&op);
		strcpy(op.secret, secrets[i]);
		assert_null(api_operation_json(&op));
	}
}

static void send_money_round_trip(void **state)
{
	const struct send_money *cases[] = { &send_cash, &send_wallet };
	char payload[JOURNAL_PAYLOAD_SIZE];
	struct send_money out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(api_send_money_encode(cases[i], payload,
						       sizeof(payload)),
				 API_OK);
		memset(&out, 0x5a, sizeof(out));
		assert_int_equal(api_send_money_decode(payload, &out), API_OK);
		assert_string_equal(out.quote_id, cases[i]->quote_id);
		assert_int_equal(out.funding, cases[i]->funding);
		assert_string_equal(out.sender, cases[i]->sender);
		assert_string_equal(out.receiver_name,
				    cases[i]->receiver_name);
		assert_string_equal(out.receiver_phone,
				    cases[i]->receiver_phone);
		assert_string_equal(out.receiver_account,
				    cases[i]->receiver_account);
		assert_string_equal(out.country, cases[i]->country);
		assert_string_equal(out.method, cases[i]->method);
		assert_string_equal(out.rate, cases[i]->rate);
		assert_string_equal(out.currency, cases[i]->currency);
		assert_int_equal(out.amount, cases[i]->amount);
		assert_int_equal(out.fee, cases[i]->fee);
		assert_string_equal(out.receive_currency,
				    cases[i]->receive_currency);
		assert_int_equal(out.receive_amount, cases[i]->receive_amount);
	}
}

static void reversal_round_trip(void **state)
{
	char payload[JOURNAL_PAYLOAD_SIZE];
	struct reversal out;

	(void)state;
	assert_int_equal(api_reversal_encode(&reversal, payload,
					     sizeof(payload)),
			 API_OK);
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(api_reversal_decode(payload, &out), API_OK);
	assert_string_equal(out.original_id, reversal.original_id);
	assert_string_equal(out.original_type, reversal.original_type);
	assert_string_equal(out.original_reference,
			    reversal.original_reference);
	assert_string_equal(out.reason, reversal.reason);
	assert_string_equal(out.currency, reversal.currency);
	assert_int_equal(out.amount, reversal.amount);
	assert_int_equal(out.refunded_fee, reversal.refunded_fee);
}

/* The payload of each test operation, encoded by its codec. */
static void encode_case(const char *type, const void *in, char *payload)
{
	int rc = API_EINVAL;

	if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0)
		rc = api_bank_transfer_encode(in, payload,
					      JOURNAL_PAYLOAD_SIZE);
	else if (strcmp(type, API_TYPE_CASH_IN) == 0)
		rc = api_cash_in_encode(in, payload, JOURNAL_PAYLOAD_SIZE);
	else if (strcmp(type, API_TYPE_CASH_OUT) == 0)
		rc = api_cash_out_encode(in, payload, JOURNAL_PAYLOAD_SIZE);
	else if (strcmp(type, API_TYPE_SEND_MONEY) == 0)
		rc = api_send_money_encode(in, payload, JOURNAL_PAYLOAD_SIZE);
	else if (strcmp(type, API_TYPE_REVERSAL) == 0)
		rc = api_reversal_encode(in, payload, JOURNAL_PAYLOAD_SIZE);
	else if (strcmp(type, API_TYPE_WALLET_TRANSFER) == 0)
		rc = api_wallet_transfer_encode(in, payload,
						JOURNAL_PAYLOAD_SIZE);
	assert_int_equal(rc, API_OK);
}

static const struct wallet_transfer transfer_by_id = {
	.sender = "1000000001",
	.receiver_customer_id = CUSTOMER_ID,
	.currency = "GHS",
	.amount = 1250,
	.fee = 0,
	.receiver_name = "Ama Owusu",
};

/* The fields of each type kept only for the receipt, and the fields sent
 * to the central service. */
static const struct {
	const char *type;
	const void *in;
	const char *receipt_only[4];
	const char *sent[6];
} body_cases[] = {
	{ API_TYPE_BANK_TRANSFER, &bank_cash, { "bank_name" },
	  { "funding", "bank_code", "account_number", "account_name", "fee",
	    "amount" } },
	{ API_TYPE_CASH_IN, &cash_in_account, { "receiver_name" },
	  { "receiver_account", "currency", "amount", "fee" } },
	{ API_TYPE_CASH_OUT, &cash_out, { "holder_name" },
	  { "sender_account", "currency", "amount", "fee" } },
	{ API_TYPE_SEND_MONEY, &send_cash,
	  { "destination_country", "delivery_method", "rate" },
	  { "quote_id", "receiver_name", "receiver_phone", "receiver_account",
	    "receive_currency", "receive_amount" } },
	{ API_TYPE_REVERSAL, &reversal,
	  { "original_type", "original_reference", "refunded_fee" },
	  { "original_operation_id", "reason", "currency", "amount" } },
	{ API_TYPE_WALLET_TRANSFER, &transfer_by_id, { "receiver_name" },
	  { "sender_account", "receiver_customer_id", "currency", "amount",
	    "fee" } },
};

static void receipt_fields_not_in_body(void **state)
{
	char payload[JOURNAL_PAYLOAD_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]);
	     i++) {
		json_t *root;

		encode_case(body_cases[i].type, body_cases[i].in, payload);
		root = json_loads(payload, 0, NULL);
		assert_non_null(root);
		for (size_t k = 0; k < 4 && body_cases[i].receipt_only[k];
		     k++)
			assert_non_null(json_object_get(
				root, body_cases[i].receipt_only[k]));
		assert_int_equal(api_strip_receipt_fields(body_cases[i].type,
							  root),
				 API_OK);
		for (size_t k = 0; k < 4 && body_cases[i].receipt_only[k];
		     k++)
			assert_null(json_object_get(
				root, body_cases[i].receipt_only[k]));
		for (size_t k = 0; k < 6 && body_cases[i].sent[k]; k++)
			assert_non_null(
				json_object_get(root, body_cases[i].sent[k]));
		json_decref(root);
	}
}

static void receipt_fields_unknown_type(void **state)
{
	json_t *root = json_object();

	(void)state;
	assert_int_equal(api_strip_receipt_fields("teleport", root),
			 API_EINVAL);
	assert_int_equal(api_strip_receipt_fields(
				 API_TYPE_CUSTOMER_REGISTRATION, root),
			 API_OK);
	json_decref(root);
}

/* Each codec rejects structs with a required field empty or a number out
 * of range. */
static void encode_rejects_invalid(void **state)
{
	char payload[JOURNAL_PAYLOAD_SIZE];
	struct bank_transfer bank = bank_wallet;
	struct cash_in in = cash_in_account;
	struct cash_out out = cash_out;
	struct send_money send = send_cash;
	struct reversal rev = reversal;

	(void)state;
	bank.sender[0] = '\0';
	assert_int_equal(api_bank_transfer_encode(&bank, payload,
						  sizeof(payload)),
			 API_EINVAL);
	bank = bank_cash;
	bank.funding = 7;
	assert_int_equal(api_bank_transfer_encode(&bank, payload,
						  sizeof(payload)),
			 API_EINVAL);
	bank = bank_cash;
	bank.fee = -1;
	assert_int_equal(api_bank_transfer_encode(&bank, payload,
						  sizeof(payload)),
			 API_EINVAL);
	in.receiver[0] = '\0';
	assert_int_equal(api_cash_in_encode(&in, payload, sizeof(payload)),
			 API_EINVAL);
	in = cash_in_account;
	in.amount = 0;
	assert_int_equal(api_cash_in_encode(&in, payload, sizeof(payload)),
			 API_EINVAL);
	in = cash_in_account;
	in.amount = CURRENCY_AMOUNT_MAX + 1;
	assert_int_equal(api_cash_in_encode(&in, payload, sizeof(payload)),
			 API_EINVAL);
	out.sender[0] = '\0';
	assert_int_equal(api_cash_out_encode(&out, payload, sizeof(payload)),
			 API_EINVAL);
	send.quote_id[0] = '\0';
	assert_int_equal(api_send_money_encode(&send, payload,
					       sizeof(payload)),
			 API_EINVAL);
	send = send_cash;
	send.receive_amount = 0;
	assert_int_equal(api_send_money_encode(&send, payload,
					       sizeof(payload)),
			 API_EINVAL);
	rev.reason[0] = '\0';
	assert_int_equal(api_reversal_encode(&rev, payload, sizeof(payload)),
			 API_EINVAL);
	/* A payload that does not fit its buffer. */
	assert_int_equal(api_cash_out_encode(&cash_out, payload, 16),
			 API_EINVAL);
}

static int decode_case(const char *type, const char *payload)
{
	union {
		struct bank_transfer bank;
		struct cash_in cash_in;
		struct cash_out cash_out;
		struct send_money send;
		struct reversal reversal;
	} out;
	int rc;

	memset(&out, 0x5a, sizeof(out));
	if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0)
		rc = api_bank_transfer_decode(payload, &out.bank);
	else if (strcmp(type, API_TYPE_CASH_IN) == 0)
		rc = api_cash_in_decode(payload, &out.cash_in);
	else if (strcmp(type, API_TYPE_CASH_OUT) == 0)
		rc = api_cash_out_decode(payload, &out.cash_out);
	else if (strcmp(type, API_TYPE_SEND_MONEY) == 0)
		rc = api_send_money_decode(payload, &out.send);
	else
		rc = api_reversal_decode(payload, &out.reversal);
	/* *out is unchanged on failure. */
	if (rc != API_OK)
		assert_int_equal(((unsigned char *)&out)[0], 0x5a);
	return rc;
}

static void decode_rejects_malformed(void **state)
{
	static const struct {
		const char *type;
		const char *payload;
	} cases[] = {
		{ API_TYPE_BANK_TRANSFER, "" },
		{ API_TYPE_BANK_TRANSFER, "[]" },
		{ API_TYPE_BANK_TRANSFER, "{\"funding\":\"cash\"}" },
		/* Cash funding with a sender wallet. */
		{ API_TYPE_BANK_TRANSFER,
		  "{\"funding\":\"cash\",\"sender_account\":\"1000000001\","
		  "\"bank_code\":\"058\",\"account_number\":\"0123456785\","
		  "\"account_name\":\"A\",\"currency\":\"NGN\",\"amount\":1,"
		  "\"fee\":0}" },
		/* Wallet funding without one. */
		{ API_TYPE_BANK_TRANSFER,
		  "{\"funding\":\"wallet\",\"bank_code\":\"058\","
		  "\"account_number\":\"0123456785\",\"account_name\":\"A\","
		  "\"currency\":\"NGN\",\"amount\":1,\"fee\":0}" },
		{ API_TYPE_BANK_TRANSFER,
		  "{\"funding\":\"card\",\"bank_code\":\"058\","
		  "\"account_number\":\"0123456785\",\"account_name\":\"A\","
		  "\"currency\":\"NGN\",\"amount\":1,\"fee\":0}" },
		/* Money operations but the reversal need their fee. */
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":1}" },
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":1,\"fee\":-1}" },
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":0,\"fee\":0}" },
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":1000000000000001,\"fee\":0}" },
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":\"100\",\"fee\":0}" },
		/* Both receivers, or neither. */
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\","
		  "\"receiver_customer_id\":\"" CUSTOMER_ID "\","
		  "\"currency\":\"GHS\",\"amount\":1,\"fee\":0}" },
		{ API_TYPE_CASH_IN,
		  "{\"currency\":\"GHS\",\"amount\":1,\"fee\":0}" },
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\",\"currency\":\"GHSX\","
		  "\"amount\":1,\"fee\":0}" },
		/* A duplicate key. */
		{ API_TYPE_CASH_IN,
		  "{\"receiver_account\":\"1000000002\",\"currency\":\"GHS\","
		  "\"amount\":1,\"amount\":2,\"fee\":0}" },
		{ API_TYPE_CASH_OUT,
		  "{\"currency\":\"GHS\",\"amount\":1,\"fee\":0}" },
		{ API_TYPE_CASH_OUT,
		  "{\"sender_account\":\"1000000001\",\"currency\":\"GHS\","
		  "\"amount\":1,\"fee\":0,\"code\":\"1234567\"}" },
		{ API_TYPE_SEND_MONEY,
		  "{\"quote_id\":\"" QUOTE_ID "\",\"funding\":\"cash\","
		  "\"receiver_name\":\"A\","
		  "\"receiver_phone\":\"+2348030000009\","
		  "\"currency\":\"GHS\",\"amount\":1,\"fee\":0,"
		  "\"receive_currency\":\"NGN\"}" },
		{ API_TYPE_SEND_MONEY,
		  "{\"funding\":\"cash\",\"receiver_name\":\"A\","
		  "\"receiver_phone\":\"+2348030000009\",\"currency\":\"GHS\","
		  "\"amount\":1,\"fee\":0,\"receive_currency\":\"NGN\","
		  "\"receive_amount\":1}" },
		{ API_TYPE_REVERSAL,
		  "{\"original_operation_id\":\"" ORIGINAL_ID "\","
		  "\"currency\":\"GHS\",\"amount\":1}" },
		{ API_TYPE_REVERSAL,
		  "{\"original_operation_id\":\"" ORIGINAL_ID "\","
		  "\"reason\":\"x\",\"currency\":\"GHS\",\"amount\":1,"
		  "\"refunded_fee\":-5}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(decode_case(cases[i].type, cases[i].payload),
				 API_EPROTOCOL);
}

static void dependency_keys_table(void **state)
{
	static const struct {
		const char *type;
		const void *in;
		const char *key;        /* the only key */
	} cases[] = {
		{ API_TYPE_BANK_TRANSFER, &bank_cash, "" },
		{ API_TYPE_BANK_TRANSFER, &bank_wallet, "wallet:1000000003" },
		{ API_TYPE_CASH_IN, &cash_in_account, "wallet:1000000002" },
		{ API_TYPE_CASH_IN, &cash_in_customer,
		  "customer:" CUSTOMER_ID },
		{ API_TYPE_CASH_OUT, &cash_out, "wallet:1000000001" },
		{ API_TYPE_SEND_MONEY, &send_cash, "" },
		{ API_TYPE_SEND_MONEY, &send_wallet, "wallet:1000000001" },
		{ API_TYPE_REVERSAL, &reversal, "op:" ORIGINAL_ID },
	};
	char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE];
	char payload[JOURNAL_PAYLOAD_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		encode_case(cases[i].type, cases[i].in, payload);
		memset(keys, 'x', sizeof(keys));
		assert_int_equal(api_dependency_keys(cases[i].type, payload,
						     keys),
				 API_OK);
		assert_string_equal(keys[0], cases[i].key);
		for (int k = 1; k < JOURNAL_KEYS_MAX; k++)
			assert_string_equal(keys[k], "");
	}
	assert_int_equal(api_dependency_keys(API_TYPE_CASH_OUT, "{}", keys),
			 API_EPROTOCOL);
	assert_int_equal(api_dependency_keys("teleport", "{}", keys),
			 API_EPROTOCOL);
}

static void type_moves_money_table(void **state)
{
	static const struct {
		const char *type;
		bool moves;
	} cases[] = {
		{ API_TYPE_WALLET_TRANSFER, true },
		{ API_TYPE_BANK_TRANSFER, true },
		{ API_TYPE_CASH_IN, true },
		{ API_TYPE_CASH_OUT, true },
		{ API_TYPE_SEND_MONEY, true },
		{ API_TYPE_REVERSAL, true },
		{ API_TYPE_CUSTOMER_REGISTRATION, false },
		{ API_TYPE_CUSTOMER_UPDATE, false },
		{ "", false },
		{ NULL, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(api_type_moves_money(cases[i].type),
				 cases[i].moves);
}

static void payload_fee_table(void **state)
{
	static const struct {
		const char *payload;
		int result;
		int64_t fee;
	} cases[] = {
		{ "{\"fee\":1075}", API_OK, 1075 },
		{ "{\"fee\":0}", API_OK, 0 },
		{ "{\"amount\":5}", API_OK, 0 },
		{ "{\"fee\":-1}", API_EPROTOCOL, 99 },
		{ "{\"fee\":\"5\"}", API_EPROTOCOL, 99 },
		{ "{\"fee\":1.5}", API_EPROTOCOL, 99 },
		{ "not json", API_EPROTOCOL, 99 },
		{ "[1]", API_EPROTOCOL, 99 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t fee = 99;

		assert_int_equal(api_payload_fee(cases[i].payload, &fee),
				 cases[i].result);
		assert_int_equal(fee, cases[i].fee);
	}
}

static void wallet_transfer_fee(void **state)
{
	struct wallet_transfer transfer = {
		.sender = "1000000001",
		.receiver = "1000000002",
		.currency = "GHS",
		.amount = 1250,
		.fee = 25,
	};
	struct wallet_transfer out;
	char payload[JOURNAL_PAYLOAD_SIZE];

	(void)state;
	assert_int_equal(api_wallet_transfer_encode(&transfer, payload,
						    sizeof(payload)),
			 API_OK);
	assert_non_null(strstr(payload, "\"fee\":25"));
	assert_int_equal(api_wallet_transfer_decode(payload, &out), API_OK);
	assert_int_equal(out.fee, 25);

	/* A free transfer still carries its fee. */
	transfer.fee = 0;
	assert_int_equal(api_wallet_transfer_encode(&transfer, payload,
						    sizeof(payload)),
			 API_OK);
	assert_non_null(strstr(payload, "\"fee\":0"));

	transfer.fee = -1;
	assert_int_equal(api_wallet_transfer_encode(&transfer, payload,
						    sizeof(payload)),
			 API_EINVAL);

	/* A payload journaled before fees existed decodes with fee 0. */
	out.fee = 99;
	assert_int_equal(api_wallet_transfer_decode(
				 "{\"amount\":1,\"currency\":\"GHS\","
				 "\"receiver_account\":\"1000000002\","
				 "\"sender_account\":\"1000000001\"}",
				 &out),
			 API_OK);
	assert_int_equal(out.fee, 0);
	assert_int_equal(api_wallet_transfer_decode(
				 "{\"amount\":1,\"currency\":\"GHS\","
				 "\"receiver_account\":\"1000000002\","
				 "\"sender_account\":\"1000000001\","
				 "\"fee\":-3}",
				 &out),
			 API_EPROTOCOL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bank_transfer_round_trip),
		cmocka_unit_test(cash_in_round_trip),
		cmocka_unit_test(cash_out_round_trip),
		cmocka_unit_test(cash_out_secret_part),
		cmocka_unit_test(operation_json_adds_secret),
		cmocka_unit_test(operation_json_rejects_bad_secret),
		cmocka_unit_test(send_money_round_trip),
		cmocka_unit_test(reversal_round_trip),
		cmocka_unit_test(receipt_fields_not_in_body),
		cmocka_unit_test(receipt_fields_unknown_type),
		cmocka_unit_test(encode_rejects_invalid),
		cmocka_unit_test(decode_rejects_malformed),
		cmocka_unit_test(dependency_keys_table),
		cmocka_unit_test(type_moves_money_table),
		cmocka_unit_test(payload_fee_table),
		cmocka_unit_test(wallet_transfer_fee),
	};

	return cmocka_run_group_tests(tests, 0, NULL);
}
