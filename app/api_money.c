/* The journal payload codecs of the money operations (bank transfer,
 * cash-in, cash-out, send money, reversal), their dependency keys and
 * receipt-only fields. */
#include "api_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "currency.h"

static const char *const funding_names[] = {
	[API_FUNDING_CASH] = "cash",
	[API_FUNDING_WALLET] = "wallet",
};

/* The payload fields of each journaled type kept only for the receipt. */
static const struct {
	const char *type;
	const char *fields[4];
} receipt_fields[] = {
	{ API_TYPE_WALLET_TRANSFER, { "receiver_name" } },
	{ API_TYPE_CUSTOMER_REGISTRATION, { NULL } },
	{ API_TYPE_CUSTOMER_UPDATE, { NULL } },
	{ API_TYPE_BANK_TRANSFER, { "bank_name" } },
	{ API_TYPE_CASH_IN, { "receiver_name" } },
	{ API_TYPE_CASH_OUT, { "holder_name" } },
	{ API_TYPE_SEND_MONEY,
	  { "destination_country", "delivery_method", "rate" } },
	{ API_TYPE_REVERSAL,
	  { "original_type", "original_reference", "refunded_fee" } },
};

#define RECEIPT_TYPE_COUNT (sizeof(receipt_fields) / sizeof(receipt_fields[0]))

/* --- Encoding helpers. Each returns 0, or -1 when the value cannot be
 * added, such as a text that does not end inside its `size` bytes. --- */

static int add_text(json_t *object, const char *key, const char *text,
		    size_t size, bool required)
{
	if (strnlen(text, size) >= size)
		return -1;
	if (text[0] == '\0')
		return required ? -1 : 0;
	return json_object_set_new(object, key, json_string(text));
}

static int add_integer(json_t *object, const char *key, int64_t value,
		       int64_t min, int64_t max)
{
	if (value < min || value > max)
		return -1;
	return json_object_set_new(object, key,
				   json_integer((json_int_t)value));
}

/* Add the currency, amount (1..CURRENCY_AMOUNT_MAX) and fee. */
static int add_money(json_t *object, const char *currency, int64_t amount,
		     int64_t fee)
{
	if (add_text(object, "currency", currency, 4, true) != 0 ||
	    add_integer(object, "amount", amount, 1,
			CURRENCY_AMOUNT_MAX) != 0 ||
	    add_integer(object, "fee", fee, 0, CURRENCY_AMOUNT_MAX) != 0)
		return -1;
	return 0;
}

/* Add funding, and sender_account with wallet funding only. */
static int add_funding(json_t *object, enum api_funding funding,
		       const char *sender, size_t size)
{
	if (funding != API_FUNDING_CASH && funding != API_FUNDING_WALLET)
		return -1;
	if (json_object_set_new(object, "funding",
				json_string(funding_names[funding])) != 0)
		return -1;
	if (funding == API_FUNDING_CASH)
		return 0;
	return add_text(object, "sender_account", sender, size, true);
}

/* Dump object into payload, or drop it when failed is set. */
static int finish_encode(json_t *object, bool failed, char *payload,
			 size_t size)
{
	if (failed) {
		json_decref(object);
		return API_EINVAL;
	}
	return api_dump_payload(object, payload, size);
}

/* --- Decoding helpers: each returns 0, or -1. --- */

static int read_money(json_t *object, char currency[4], int64_t *amount,
		      int64_t *fee)
{
	if (copy_string(object, "currency", currency, 4) != 0 ||
	    read_integer(object, "amount", 1, CURRENCY_AMOUNT_MAX, amount) ||
	    read_integer(object, "fee", 0, CURRENCY_AMOUNT_MAX, fee) != 0)
		return -1;
	return 0;
}

/* Read funding and its sender_account, which only wallet funding has. */
static int read_funding(json_t *object, enum api_funding *funding,
			char *sender, size_t size)
{
	const char *name =
		json_string_value(json_object_get(object, "funding"));
	bool has_sender = json_object_get(object, "sender_account") != NULL;

	if (name != NULL && strcmp(name, "cash") == 0 && !has_sender) {
		*funding = API_FUNDING_CASH;
		return 0;
	}
	if (name != NULL && strcmp(name, "wallet") == 0) {
		*funding = API_FUNDING_WALLET;
		return copy_string(object, "sender_account", sender, size);
	}
	return -1;
}

int api_read_fee(json_t *object, int64_t *fee)
{
	if (json_object_get(object, "fee") == NULL) {
		*fee = 0;
		return 0;
	}
	return read_integer(object, "fee", 0, CURRENCY_AMOUNT_MAX, fee);
}

/* --- Bank transfer --- */

int api_bank_transfer_encode(const struct bank_transfer *in, char *payload,
			     size_t size)
{
	json_t *object = json_object();
	bool failed = object == NULL ||
		      add_funding(object, in->funding, in->sender,
				  sizeof(in->sender)) != 0 ||
		      add_text(object, "bank_code", in->bank_code,
			       sizeof(in->bank_code), true) != 0 ||
		      add_text(object, "bank_name", in->bank_name,
			       sizeof(in->bank_name), false) != 0 ||
		      add_text(object, "account_number", in->account_number,
			       sizeof(in->account_number), true) != 0 ||
		      add_text(object, "account_name", in->account_name,
			       sizeof(in->account_name), true) != 0 ||
		      add_money(object, in->currency, in->amount, in->fee) != 0;

	return finish_encode(object, failed, payload, size);
}

int api_bank_transfer_decode(const char *payload, struct bank_transfer *out)
{
	struct bank_transfer parsed = { 0 };
	json_t *object = api_load_payload(payload);
	int result = API_EPROTOCOL;

	if (object == NULL ||
	    read_funding(object, &parsed.funding, parsed.sender,
			 sizeof(parsed.sender)) != 0 ||
	    copy_string(object, "bank_code", parsed.bank_code,
			sizeof(parsed.bank_code)) != 0 ||
	    copy_optional(object, "bank_name", parsed.bank_name,
			  sizeof(parsed.bank_name)) != 0 ||
	    copy_string(object, "account_number", parsed.account_number,
			sizeof(parsed.account_number)) != 0 ||
	    copy_string(object, "account_name", parsed.account_name,
			sizeof(parsed.account_name)) != 0 ||
	    read_money(object, parsed.currency, &parsed.amount,
		       &parsed.fee) != 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

/* --- Cash-in --- */

int api_cash_in_encode(const struct cash_in *in, char *payload, size_t size)
{
	json_t *object = json_object();
	bool by_id = in->receiver_customer_id[0] != '\0';
	bool failed = object == NULL;

	/* A receiver whose registration is pending has no account number
	 * yet, so it is named by customer id. */
	if (!failed && by_id)
		failed = add_text(object, "receiver_customer_id",
				  in->receiver_customer_id,
				  sizeof(in->receiver_customer_id), true) != 0;
	else if (!failed)
		failed = add_text(object, "receiver_account", in->receiver,
				  sizeof(in->receiver), true) != 0;
	if (!failed)
		failed = add_text(object, "receiver_name", in->receiver_name,
				  sizeof(in->receiver_name), false) != 0 ||
			 add_money(object, in->currency, in->amount,
				   in->fee) != 0;
	return finish_encode(object, failed, payload, size);
}

int api_cash_in_decode(const char *payload, struct cash_in *out)
{
	struct cash_in parsed = { 0 };
	json_t *object = api_load_payload(payload);
	bool by_account;
	int result = API_EPROTOCOL;

	if (object == NULL)
		goto out;
	by_account = json_object_get(object, "receiver_account") != NULL;
	if (by_account == (json_object_get(object, "receiver_customer_id") !=
			   NULL))
		goto out;
	if ((by_account ? copy_string(object, "receiver_account",
				      parsed.receiver, sizeof(parsed.receiver))
			: copy_string(object, "receiver_customer_id",
				      parsed.receiver_customer_id,
				      sizeof(parsed.receiver_customer_id))) !=
		    0 ||
	    copy_optional(object, "receiver_name", parsed.receiver_name,
			  sizeof(parsed.receiver_name)) != 0 ||
	    read_money(object, parsed.currency, &parsed.amount,
		       &parsed.fee) != 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

/* --- Cash-out --- */

int api_cash_out_encode(const struct cash_out *in, char *payload,
			size_t size)
{
	json_t *object = json_object();
	bool failed = object == NULL ||
		      add_text(object, "sender_account", in->sender,
			       sizeof(in->sender), true) != 0 ||
		      add_text(object, "holder_name", in->holder_name,
			       sizeof(in->holder_name), false) != 0 ||
		      add_money(object, in->currency, in->amount, in->fee) != 0;

	return finish_encode(object, failed, payload, size);
}

int api_cash_out_secret(const struct cash_out *in, char *secret,
			size_t size)
{
	json_t *object = json_object();
	bool failed = object == NULL ||
		      add_text(object, "code", in->code, sizeof(in->code),
			       true) != 0;

	return finish_encode(object, failed, secret, size);
}

int api_cash_out_decode(const char *payload, struct cash_out *out)
{
	struct cash_out parsed = { 0 };
	json_t *object = api_load_payload(payload);
	int result = API_EPROTOCOL;

	if (object == NULL ||
	    copy_string(object, "sender_account", parsed.sender,
			sizeof(parsed.sender)) != 0 ||
	    copy_optional(object, "holder_name", parsed.holder_name,
			  sizeof(parsed.holder_name)) != 0 ||
	    copy_optional(object, "code", parsed.code, sizeof(parsed.code)) ||
	    read_money(object, parsed.currency, &parsed.amount,
		       &parsed.fee) != 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

/* --- Send money --- */

static int add_send_money_fields(json_t *object, const struct send_money *in)
{
	if (add_text(object, "quote_id", in->quote_id, sizeof(in->quote_id),
		     true) != 0 ||
	    add_funding(object, in->funding, in->sender,
			sizeof(in->sender)) != 0 ||
	    add_text(object, "receiver_name", in->receiver_name,
		     sizeof(in->receiver_name), true) != 0 ||
	    add_text(object, "receiver_phone", in->receiver_phone,
		     sizeof(in->receiver_phone), true) != 0 ||
	    add_text(object, "receiver_account", in->receiver_account,
		     sizeof(in->receiver_account), false) != 0 ||
	    add_text(object, "destination_country", in->country,
		     sizeof(in->country), false) != 0 ||
	    add_text(object, "delivery_method", in->method,
		     sizeof(in->method), false) != 0 ||
	    add_text(object, "rate", in->rate, sizeof(in->rate), false) != 0 ||
	    add_money(object, in->currency, in->amount, in->fee) != 0 ||
	    add_text(object, "receive_currency", in->receive_currency, 4,
		     true) != 0 ||
	    add_integer(object, "receive_amount", in->receive_amount, 1,
			CURRENCY_AMOUNT_MAX) != 0)
		return -1;
	return 0;
}

int api_send_money_encode(const struct send_money *in, char *payload,
			  size_t size)
{
	json_t *object = json_object();
	bool failed = object == NULL ||
		      add_send_money_fields(object, in) != 0;

	return finish_encode(object, failed, payload, size);
}

int api_send_money_decode(const char *payload, struct send_money *out)
{
	struct send_money parsed = { 0 };
	json_t *object = api_load_payload(payload);
	int result = API_EPROTOCOL;

	if (object == NULL ||
	    copy_string(object, "quote_id", parsed.quote_id,
			sizeof(parsed.quote_id)) != 0 ||
	    read_funding(object, &parsed.funding, parsed.sender,
			 sizeof(parsed.sender)) != 0 ||
	    copy_string(object, "receiver_name", parsed.receiver_name,
			sizeof(parsed.receiver_name)) != 0 ||
	    copy_string(object, "receiver_phone", parsed.receiver_phone,
			sizeof(parsed.receiver_phone)) != 0 ||
	    copy_optional(object, "receiver_account", parsed.receiver_account,
			  sizeof(parsed.receiver_account)) != 0 ||
	    copy_optional(object, "destination_country", parsed.country,
			  sizeof(parsed.country)) != 0 ||
	    copy_optional(object, "delivery_method", parsed.method,
			  sizeof(parsed.method)) != 0 ||
	    copy_optional(object, "rate", parsed.rate, sizeof(parsed.rate)) ||
	    read_money(object, parsed.currency, &parsed.amount,
		       &parsed.fee) != 0 ||
	    copy_string(object, "receive_currency", parsed.receive_currency,
			sizeof(parsed.receive_currency)) != 0 ||
	    read_integer(object, "receive_amount", 1, CURRENCY_AMOUNT_MAX,
			 &parsed.receive_amount) != 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

/* --- Reversal. It has no fee of its own, and refunded_fee is the
 * original's fee, for the receipt. --- */

int api_reversal_encode(const struct reversal *in, char *payload,
			size_t size)
{
	json_t *object = json_object();
	bool failed =
		object == NULL ||
		add_text(object, "original_operation_id", in->original_id,
			 sizeof(in->original_id), true) != 0 ||
		add_text(object, "original_type", in->original_type,
			 sizeof(in->original_type), false) != 0 ||
		add_text(object, "original_reference", in->original_reference,
			 sizeof(in->original_reference), false) != 0 ||
		add_text(object, "reason", in->reason, sizeof(in->reason),
			 true) != 0 ||
		add_text(object, "currency", in->currency, 4, true) != 0 ||
		add_integer(object, "amount", in->amount, 1,
			    CURRENCY_AMOUNT_MAX) != 0 ||
		add_integer(object, "refunded_fee", in->refunded_fee, 0,
			    CURRENCY_AMOUNT_MAX) != 0;

	return finish_encode(object, failed, payload, size);
}

int api_reversal_decode(const char *payload, struct reversal *out)
{
	struct reversal parsed = { 0 };
	json_t *object = api_load_payload(payload);
	int result = API_EPROTOCOL;

	if (object == NULL ||
	    copy_string(object, "original_operation_id", parsed.original_id,
			sizeof(parsed.original_id)) != 0 ||
	    copy_optional(object, "original_type", parsed.original_type,
			  sizeof(parsed.original_type)) != 0 ||
	    copy_optional(object, "original_reference",
			  parsed.original_reference,
			  sizeof(parsed.original_reference)) != 0 ||
	    copy_string(object, "reason", parsed.reason,
			sizeof(parsed.reason)) != 0 ||
	    copy_string(object, "currency", parsed.currency,
			sizeof(parsed.currency)) != 0 ||
	    read_integer(object, "amount", 1, CURRENCY_AMOUNT_MAX,
			 &parsed.amount) != 0)
		goto out;
	if (json_object_get(object, "refunded_fee") != NULL &&
	    read_integer(object, "refunded_fee", 0, CURRENCY_AMOUNT_MAX,
			 &parsed.refunded_fee) != 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

/* --- Operation types --- */

bool api_type_moves_money(const char *type)
{
	static const char *const types[] = {
		API_TYPE_WALLET_TRANSFER, API_TYPE_BANK_TRANSFER,
		API_TYPE_CASH_IN,         API_TYPE_CASH_OUT,
		API_TYPE_SEND_MONEY,      API_TYPE_REVERSAL,
	};

	for (size_t i = 0; type != NULL && i < sizeof(types) / sizeof(*types);
	     i++) {
		if (strcmp(type, types[i]) == 0)
			return true;
	}
	return false;
}

int api_payload_fee(const char *payload, int64_t *fee)
{
	json_t *object = api_load_payload(payload);
	int64_t parsed;
	int result = API_EPROTOCOL;

	if (object != NULL && api_read_fee(object, &parsed) == 0) {
		*fee = parsed;
		result = API_OK;
	}
	json_decref(object);
	return result;
}

int api_strip_receipt_fields(const char *type, json_t *root)
{
	for (size_t i = 0; i < RECEIPT_TYPE_COUNT; i++) {
		const char *const *fields = receipt_fields[i].fields;

		if (strcmp(type, receipt_fields[i].type) != 0)
			continue;
		for (size_t k = 0; k < 4 && fields[k] != NULL; k++)
			json_object_del(root, fields[k]);
		return API_OK;
	}
	return API_EINVAL;
}

/* Write "prefix:value" into key. The values come from decoded payloads,
 * so they fit JOURNAL_KEY_SIZE. */
static void set_key(char key[JOURNAL_KEY_SIZE], const char *prefix,
		    const char *value)
{
	snprintf(key, JOURNAL_KEY_SIZE, "%s:%s", prefix, value);
}

int api_money_dependency_keys(const char *type, const char *payload,
			      char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE])
{
	union {
		struct bank_transfer bank;
		struct cash_in cash_in;
		struct cash_out cash_out;
		struct send_money send;
		struct reversal reversal;
	} u;

	memset(keys, 0, JOURNAL_KEYS_MAX * JOURNAL_KEY_SIZE);
	if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0) {
		if (api_bank_transfer_decode(payload, &u.bank) != API_OK)
			return API_EPROTOCOL;
		if (u.bank.funding == API_FUNDING_WALLET)
			set_key(keys[0], "wallet", u.bank.sender);
	} else if (strcmp(type, API_TYPE_CASH_IN) == 0) {
		if (api_cash_in_decode(payload, &u.cash_in) != API_OK)
			return API_EPROTOCOL;
		if (u.cash_in.receiver_customer_id[0] != '\0')
			set_key(keys[0], "customer",
				u.cash_in.receiver_customer_id);
		else
			set_key(keys[0], "wallet", u.cash_in.receiver);
	} else if (strcmp(type, API_TYPE_CASH_OUT) == 0) {
		if (api_cash_out_decode(payload, &u.cash_out) != API_OK)
			return API_EPROTOCOL;
		set_key(keys[0], "wallet", u.cash_out.sender);
	} else if (strcmp(type, API_TYPE_SEND_MONEY) == 0) {
		/* The receiver's account is abroad, so it orders nothing. */
		if (api_send_money_decode(payload, &u.send) != API_OK)
			return API_EPROTOCOL;
		if (u.send.funding == API_FUNDING_WALLET)
			set_key(keys[0], "wallet", u.send.sender);
	} else if (strcmp(type, API_TYPE_REVERSAL) == 0) {
		if (api_reversal_decode(payload, &u.reversal) != API_OK)
			return API_EPROTOCOL;
		set_key(keys[0], "op", u.reversal.original_id);
	} else {
		return API_EPROTOCOL;
	}
	return API_OK;
}
