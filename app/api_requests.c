/* The API client's online requests that come before a money operation
 * (name enquiry, cash-out code, quote, balance, statement, agent float)
 * and the fetch and checks of reference data (docs/api.md). */
#define LOG_MODULE "api"
#include "api_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "currency.h"
#include "log.h"

#define PATH_BANKS "/v1/banks"
#define PATH_ACCOUNTS "/accounts/"
#define PATH_CASH_OUT_CODES "/v1/cash-out/codes"
#define PATH_QUOTES "/v1/quotes"
#define PATH_WALLETS "/v1/wallets/"
#define PATH_BALANCE "/balance"
#define PATH_STATEMENT "/statement"
#define PATH_AGENTS "/v1/agents/"
#define PATH_FLOAT "/float"

/* Limits of the fee schedule (docs/api.md, GET /v1/fees). */
#define RATE_BP_MAX 1000                   /* 10 % */
#define FIXED_MAX 1000000000000LL          /* also min and max */
#define BANKS_MAX 200
#define METHODS_MAX 3

static const char *const delivery_methods[METHODS_MAX] = {
	"bank_deposit",
	"mobile_wallet",
	"cash_pickup",
};

static const char *const reference_paths[] = {
	[API_REFERENCE_FEES] = "/v1/fees",
	[API_REFERENCE_BANKS] = "/v1/banks",
	[API_REFERENCE_CORRIDORS] = "/v1/corridors",
};

/* Whether text has 1 to max_length characters, all from `allowed`. Path
 * segments are checked with it, so they need no URL escaping. */
static bool is_segment(const char *text, size_t max_length,
		       const char *allowed)
{
	size_t length = text != NULL ? strlen(text) : 0;

	return length > 0 && length <= max_length &&
	       strspn(text, allowed) == length;
}

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"

/* Send a request with the session token and read its JSON reply. body is
 * compact JSON text or NULL. Returns API_OK for a 200 or 201 with the
 * reply object in *reply, which the caller releases with json_decref.
 * Else returns an api_error with a line for the agent in message, which
 * is the central service's own message for an error status. */
static int session_request(struct transport *transport, const char *token,
			   const char *method, const char *path,
			   const char *body, json_t **reply, char *message,
			   size_t message_size)
{
	struct transport_response resp;
	char authorization[API_TOKEN_SIZE + 32];
	const char *headers[] = { authorization, api_json_headers[0],
				  api_json_headers[1], NULL };
	int error;

	*reply = NULL;
	if (token == NULL || token[0] == '\0' ||
	    strlen(token) >= API_TOKEN_SIZE) {
		api_set_message(message, message_size, API_ESESSION);
		return API_ESESSION;
	}
	snprintf(authorization, sizeof(authorization),
		 "Authorization: Bearer %s", token);
	error = transport_request(transport, method, path, headers, body,
				  &resp);
	explicit_bzero(authorization, sizeof(authorization));
	if (error != TRANSPORT_OK) {
		error = api_map_transport(error);
		api_set_message(message, message_size, error);
		return error;
	}
	if (resp.status == 200 || resp.status == 201) {
		*reply = json_loads(resp.body, 0, NULL);
		error = json_is_object(*reply) ? API_OK : API_EPROTOCOL;
		api_set_message(message, message_size, error);
	} else {
		/* A 403 (another agent's float) is no reason to log in
		 * again, unlike a 401. */
		error = resp.status == 403 ? API_EREJECTED
					   : api_map_status(resp.status);
		api_read_error(&resp, message, message_size);
	}
	free(resp.body);
	if (error != API_OK) {
		json_decref(*reply);
		*reply = NULL;
	}
	return error;
}

/* Release the reply of request `what` and return API_OK when parsed is 0,
 * else log it and return API_EPROTOCOL. message gets the matching line. */
static int finish_reply(const char *what, json_t *reply, int parsed,
			char *message, size_t message_size)
{
	int error = parsed == 0 ? API_OK : API_EPROTOCOL;

	json_decref(reply);
	api_set_message(message, message_size, error);
	if (error != API_OK)
		log_error("%s reply is not in the documented form", what);
	return error;
}

static int fail_invalid(char *message, size_t message_size)
{
	api_set_message(message, message_size, API_EINVAL);
	return API_EINVAL;
}

int api_name_enquiry(struct transport *transport, const char *token,
		     const char *bank_code, const char *account,
		     char holder_name[API_NAME_SIZE], char *message,
		     size_t message_size)
{
	char path[sizeof(PATH_BANKS) + sizeof(PATH_ACCOUNTS) +
		  API_BANK_CODE_SIZE + API_BANK_ACCOUNT_SIZE + 1];
	char name[API_NAME_SIZE];
	json_t *reply;
	int error;

	if (!is_segment(bank_code, API_BANK_CODE_SIZE - 1, UPPER DIGITS) ||
	    !is_segment(account, API_BANK_ACCOUNT_SIZE - 1,
			UPPER LOWER DIGITS))
		return fail_invalid(message, message_size);
	snprintf(path, sizeof(path), "%s/%s%s%s", PATH_BANKS, bank_code,
		 PATH_ACCOUNTS, account);
	error = session_request(transport, token, "GET", path, NULL, &reply,
				message, message_size);
	if (error != API_OK)
		return error;
	error = copy_string(reply, "holder_name", name, sizeof(name));
	if (error == 0)
		memcpy(holder_name, name, strlen(name) + 1);
	return finish_reply("name enquiry", reply, error, message,
			    message_size);
}

/* Encode object as compact JSON and release it. Returns NULL on
 * failure. */
static char *dump_request(json_t *object)
{
	char *text = object != NULL ? json_dumps(object, JSON_COMPACT) : NULL;

	json_decref(object);
	return text;
}

int api_cash_out_code(struct transport *transport, const char *token,
		      const char *wallet, const char *currency,
		      int64_t amount, char sent_to[API_MASKED_PHONE_SIZE],
		      int64_t *expires_in, char *message, size_t message_size)
{
	char masked[API_MASKED_PHONE_SIZE];
	int64_t lifetime = 0;
	json_t *reply;
	char *body;
	int error;

	if (wallet == NULL || !api_is_account_number(wallet) ||
	    currency_find(currency) == NULL || amount < 1 ||
	    amount > CURRENCY_AMOUNT_MAX)
		return fail_invalid(message, message_size);
	body = dump_request(json_pack("{s:s, s:s, s:I}", "wallet_account",
				      wallet, "currency", currency, "amount",
				      (json_int_t)amount));
	if (body == NULL)
		return fail_invalid(message, message_size);
	error = session_request(transport, token, "POST", PATH_CASH_OUT_CODES,
				body, &reply, message, message_size);
	free(body);
	if (error != API_OK)
		return error;
	error = copy_string(reply, "sent_to", masked, sizeof(masked)) != 0 ||
		read_integer(reply, "expires_in", 1, INT32_MAX, &lifetime);
	if (error == 0) {
		memcpy(sent_to, masked, strlen(masked) + 1);
		*expires_in = lifetime;
	}
	return finish_reply("cash-out code", reply, error, message,
			    message_size);
}

static char *quote_body(const struct api_quote_request *request)
{
	bool by_send = request->send_amount > 0;
	json_t *object;

	if (by_send == (request->receive_amount > 0) ||
	    request->send_amount > CURRENCY_AMOUNT_MAX ||
	    request->receive_amount > CURRENCY_AMOUNT_MAX ||
	    request->send_amount < 0 || request->receive_amount < 0)
		return NULL;
	object = json_pack("{s:s, s:s, s:s, s:s, s:I}", "destination_country",
			   request->country, "delivery_method",
			   request->method, "send_currency",
			   request->send_currency, "receive_currency",
			   request->receive_currency,
			   by_send ? "send_amount" : "receive_amount",
			   (json_int_t)(by_send ? request->send_amount
						: request->receive_amount));
	return dump_request(object);
}

/* Read a quote reply and check that it quotes the request: the same
 * corridor, method and currencies, the requested amount, and total equal
 * to send amount plus fee. Returns 0 or -1. */
static int read_quote(json_t *reply, const struct api_quote_request *request,
		      struct api_quote *out)
{
	struct api_quote parsed = { 0 };

	if (copy_string(reply, "quote_id", parsed.quote_id,
			sizeof(parsed.quote_id)) != 0 ||
	    copy_string(reply, "destination_country", parsed.country,
			sizeof(parsed.country)) != 0 ||
	    copy_string(reply, "delivery_method", parsed.method,
			sizeof(parsed.method)) != 0 ||
	    copy_string(reply, "send_currency", parsed.send_currency, 4) ||
	    copy_string(reply, "receive_currency", parsed.receive_currency,
			4) != 0 ||
	    copy_string(reply, "rate", parsed.rate, sizeof(parsed.rate)) ||
	    read_integer(reply, "send_amount", 1, CURRENCY_AMOUNT_MAX,
			 &parsed.send_amount) != 0 ||
	    read_integer(reply, "receive_amount", 1, CURRENCY_AMOUNT_MAX,
			 &parsed.receive_amount) != 0 ||
	    read_integer(reply, "fee", 0, CURRENCY_AMOUNT_MAX, &parsed.fee) ||
	    read_integer(reply, "total", 1, 2 * CURRENCY_AMOUNT_MAX,
			 &parsed.total) != 0 ||
	    read_integer(reply, "expires_in", 0, INT32_MAX,
			 &parsed.expires_in) != 0)
		return -1;
	if (strcmp(parsed.country, request->country) != 0 ||
	    strcmp(parsed.method, request->method) != 0 ||
	    strcmp(parsed.send_currency, request->send_currency) != 0 ||
	    strcmp(parsed.receive_currency, request->receive_currency) != 0 ||
	    (request->send_amount > 0 &&
	     parsed.send_amount != request->send_amount) ||
	    (request->receive_amount > 0 &&
	     parsed.receive_amount != request->receive_amount) ||
	    parsed.total != parsed.send_amount + parsed.fee)
		return -1;
	*out = parsed;
	return 0;
}

int api_quote(struct transport *transport, const char *token,
	      const struct api_quote_request *request, struct api_quote *out,
	      char *message, size_t message_size)
{
	json_t *reply;
	char *body = quote_body(request);
	int error;

	if (body == NULL)
		return fail_invalid(message, message_size);
	error = session_request(transport, token, "POST", PATH_QUOTES, body,
				&reply, message, message_size);
	free(body);
	if (error != API_OK)
		return error;
	return finish_reply("quote", reply, read_quote(reply, request, out),
			    message, message_size);
}

/* Send GET /v1/wallets/{account}/<suffix> and return its reply. */
static int wallet_request(struct transport *transport, const char *token,
			  const char *account, const char *suffix,
			  json_t **reply, char *message, size_t message_size)
{
	char path[sizeof(PATH_WALLETS) + API_ACCOUNT_SIZE + 16];

	*reply = NULL;
	if (account == NULL || !api_is_account_number(account))
		return fail_invalid(message, message_size);
	snprintf(path, sizeof(path), "%s%s%s", PATH_WALLETS, account, suffix);
	return session_request(transport, token, "GET", path, NULL, reply,
			       message, message_size);
}

int api_wallet_balance(struct transport *transport, const char *token,
		       const char *account, struct api_balance *out,
		       char *message, size_t message_size)
{
	struct api_balance parsed = { 0 };
	json_t *reply;
	int error;

	error = wallet_request(transport, token, account, PATH_BALANCE, &reply,
			       message, message_size);
	if (error != API_OK)
		return error;
	error = copy_string(reply, "account", parsed.account,
			    sizeof(parsed.account)) != 0 ||
		copy_string(reply, "holder_name", parsed.holder_name,
			    sizeof(parsed.holder_name)) != 0 ||
		copy_string(reply, "currency", parsed.currency, 4) != 0 ||
		read_integer(reply, "balance", 0, INT64_MAX,
			     &parsed.balance) != 0;
	if (error == 0)
		*out = parsed;
	return finish_reply("balance", reply, error, message, message_size);
}

static int read_movement(json_t *item, struct api_movement *out)
{
	if (copy_string(item, "reference", out->reference,
			sizeof(out->reference)) != 0 ||
	    copy_string(item, "type", out->type, sizeof(out->type)) != 0 ||
	    read_integer(item, "amount", INT64_MIN, INT64_MAX,
			 &out->amount) != 0 ||
	    copy_optional(item, "description", out->description,
			  sizeof(out->description)) != 0)
		return -1;
	out->at = api_parse_time(
		json_string_value(json_object_get(item, "at")));
	return out->at < 0 ? -1 : 0;
}

/* Read a statement reply. Movements past API_STATEMENT_MAX, which the
 * central service does not send, are ignored. */
static int read_statement(json_t *reply, struct api_statement *out)
{
	struct api_statement parsed = { 0 };
	json_t *movements = json_object_get(reply, "movements");
	size_t count = json_array_size(movements);

	if (copy_string(reply, "account", parsed.account,
			sizeof(parsed.account)) != 0 ||
	    copy_string(reply, "currency", parsed.currency, 4) != 0 ||
	    read_integer(reply, "balance", 0, INT64_MAX, &parsed.balance) ||
	    !json_is_array(movements))
		return -1;
	for (size_t i = 0; i < count && i < API_STATEMENT_MAX; i++) {
		if (read_movement(json_array_get(movements, i),
				  &parsed.movements[i]) != 0)
			return -1;
		parsed.count++;
	}
	*out = parsed;
	return 0;
}

int api_wallet_statement(struct transport *transport, const char *token,
			 const char *account, struct api_statement *out,
			 char *message, size_t message_size)
{
	struct api_statement *parsed = calloc(1, sizeof(*parsed));
	json_t *reply;
	int error;

	if (parsed == NULL)
		return fail_invalid(message, message_size);
	error = wallet_request(transport, token, account, PATH_STATEMENT,
			       &reply, message, message_size);
	if (error == API_OK) {
		error = finish_reply("statement", reply,
				     read_statement(reply, parsed), message,
				     message_size);
		if (error == API_OK)
			*out = *parsed;
	}
	free(parsed);
	return error;
}

/* Read a float reply of agent_id. Currencies past API_FLOAT_CURRENCIES
 * are ignored. */
static int read_float(json_t *reply, const char *agent_id,
		      struct api_float *out)
{
	struct api_float parsed = { 0 };
	json_t *floats = json_object_get(reply, "floats");
	const char *agent = json_string_value(json_object_get(reply,
							      "agent_id"));

	if (agent == NULL || strcmp(agent, agent_id) != 0 ||
	    !json_is_array(floats))
		return -1;
	for (size_t i = 0; i < json_array_size(floats); i++) {
		json_t *item = json_array_get(floats, i);
		int n = parsed.count;

		if (n >= API_FLOAT_CURRENCIES)
			break;
		if (copy_string(item, "currency", parsed.floats[n].currency,
				4) != 0 ||
		    read_integer(item, "balance", 0, INT64_MAX,
				 &parsed.floats[n].balance) != 0)
			return -1;
		parsed.count++;
	}
	*out = parsed;
	return 0;
}

int api_agent_float(struct transport *transport, const char *token,
		    const char *agent_id, struct api_float *out,
		    char *message, size_t message_size)
{
	char path[sizeof(PATH_AGENTS) + JOURNAL_AGENT_SIZE + 8];
	json_t *reply;
	int error;

	if (!is_segment(agent_id, JOURNAL_AGENT_SIZE - 1,
			UPPER LOWER DIGITS "-_"))
		return fail_invalid(message, message_size);
	snprintf(path, sizeof(path), "%s%s%s", PATH_AGENTS, agent_id,
		 PATH_FLOAT);
	error = session_request(transport, token, "GET", path, NULL, &reply,
				message, message_size);
	if (error != API_OK)
		return error;
	return finish_reply("float", reply, read_float(reply, agent_id, out),
			    message, message_size);
}

/* --- Reference data checks. Each check_ function returns NULL when its
 * value has the documented form, else what is wrong, for the log. --- */

static bool is_upper_code(const char *text, size_t length)
{
	if (text == NULL || strlen(text) != length)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (text[i] < 'A' || text[i] > 'Z')
			return false;
	}
	return true;
}

/* Whether member key of object is absent, or an integer within
 * min..max. */
static bool is_optional_integer(json_t *object, const char *key, int64_t min,
				int64_t max)
{
	int64_t value;

	return json_object_get(object, key) == NULL ||
	       read_integer(object, key, min, max, &value) == 0;
}

static const char *check_band(json_t *band, bool last, int64_t *previous)
{
	json_t *up_to = json_object_get(band, "up_to");
	int64_t bound;
	int64_t min = 0;
	int64_t max = FIXED_MAX;

	if (!json_is_object(band))
		return "a band is not an object";
	if (last && !json_is_null(up_to))
		return "the last band's up_to is not null";
	if (!last) {
		if (read_integer(band, "up_to", *previous + 1,
				 CURRENCY_AMOUNT_MAX, &bound) != 0)
			return "an up_to is not above the band before it";
		*previous = bound;
	}
	if (read_integer(band, "fixed", 0, FIXED_MAX, &bound) != 0)
		return "a band's fixed is missing or out of range";
	if (read_integer(band, "rate_bp", 0, RATE_BP_MAX, &bound) != 0)
		return "a band's rate_bp is missing or above 1000";
	if (!is_optional_integer(band, "min", 0, FIXED_MAX) ||
	    !is_optional_integer(band, "max", 0, FIXED_MAX))
		return "a band's min or max is out of range";
	read_integer(band, "min", 0, FIXED_MAX, &min);
	read_integer(band, "max", 0, FIXED_MAX, &max);
	if (min > max)
		return "a band's min is above its max";
	return NULL;
}

static const char *check_fees(json_t *root)
{
	json_t *fees = json_object_get(root, "fees");
	const char *type;
	const char *currency;
	json_t *currencies;
	json_t *bands;

	if (!json_is_object(fees))
		return "fees is not an object";
	json_object_foreach(fees, type, currencies) {
		if (!json_is_object(currencies))
			return "an operation type is not an object";
		json_object_foreach(currencies, currency, bands) {
			size_t count = json_array_size(bands);
			int64_t previous = 0;

			if (!is_upper_code(currency, 3))
				return "a currency is not an ISO 4217 code";
			if (!json_is_array(bands) || count == 0)
				return "a currency has no bands";
			for (size_t i = 0; i < count; i++) {
				const char *wrong = check_band(
					json_array_get(bands, i),
					i + 1 == count, &previous);

				if (wrong != NULL)
					return wrong;
			}
		}
	}
	return NULL;
}

static const char *check_bank(json_t *bank)
{
	static const char *const schemes[] = { "nuban", "iban", "digits" };
	const char *scheme =
		json_string_value(json_object_get(bank, "scheme"));
	char text[API_BANK_NAME_SIZE];
	int64_t min = 0;
	int64_t max = 0;
	bool known = false;

	if (copy_string(bank, "code", text, API_BANK_CODE_SIZE) != 0 ||
	    strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
		    strlen(text))
		return "a bank's code is missing or not A-Z and 0-9";
	if (copy_string(bank, "name", text, sizeof(text)) != 0)
		return "a bank's name is missing or too long";
	if (!is_upper_code(json_string_value(json_object_get(bank, "country")),
			   2) ||
	    !is_upper_code(json_string_value(json_object_get(bank, "currency")),
			   3))
		return "a bank's country or currency is not a code";
	for (size_t i = 0; scheme != NULL && i < 3; i++)
		known = known || strcmp(scheme, schemes[i]) == 0;
	if (!known)
		return "a bank's scheme is not nuban, iban or digits";
	if (strcmp(scheme, "digits") != 0)
		return NULL;
	if (read_integer(bank, "min_length", 1, API_BANK_ACCOUNT_SIZE - 1,
			 &min) != 0 ||
	    read_integer(bank, "max_length", min, API_BANK_ACCOUNT_SIZE - 1,
			 &max) != 0)
		return "a digits bank's min_length or max_length is invalid";
	return NULL;
}

static const char *check_banks(json_t *root)
{
	json_t *banks = json_object_get(root, "banks");
	const char *wrong = NULL;

	if (!json_is_array(banks) || json_array_size(banks) > BANKS_MAX)
		return "banks is not an array of at most 200";
	for (size_t i = 0; wrong == NULL && i < json_array_size(banks); i++)
		wrong = check_bank(json_array_get(banks, i));
	return wrong;
}

static const char *check_methods(json_t *methods)
{
	size_t count = json_array_size(methods);

	if (!json_is_array(methods) || count == 0 || count > METHODS_MAX)
		return "a corridor has no methods or too many";
	for (size_t i = 0; i < count; i++) {
		const char *name =
			json_string_value(json_array_get(methods, i));
		bool known = false;

		for (size_t k = 0; name != NULL && k < METHODS_MAX; k++)
			known = known || strcmp(name, delivery_methods[k]) == 0;
		for (size_t k = 0; known && k < i; k++)
			known = strcmp(name, json_string_value(json_array_get(
						     methods, k))) != 0;
		if (!known)
			return "a corridor's method is unknown or repeated";
	}
	return NULL;
}

static const char *check_corridor(json_t *corridor)
{
	char name[API_BANK_NAME_SIZE];

	if (!is_upper_code(json_string_value(json_object_get(corridor,
							     "country")),
			   2) ||
	    !is_upper_code(json_string_value(json_object_get(corridor,
							     "currency")),
			   3))
		return "a corridor's country or currency is not a code";
	if (copy_string(corridor, "name", name, sizeof(name)) != 0)
		return "a corridor's name is missing or too long";
	return check_methods(json_object_get(corridor, "methods"));
}

static const char *check_corridors(json_t *root)
{
	json_t *corridors = json_object_get(root, "corridors");
	const char *wrong = NULL;

	if (!json_is_array(corridors))
		return "corridors is not an array";
	for (size_t i = 0; wrong == NULL && i < json_array_size(corridors);
	     i++)
		wrong = check_corridor(json_array_get(corridors, i));
	return wrong;
}

int api_reference_check(enum api_reference which, const char *json)
{
	static const char *const names[] = {
		[API_REFERENCE_FEES] = "fee schedule",
		[API_REFERENCE_BANKS] = "bank list",
		[API_REFERENCE_CORRIDORS] = "corridor list",
	};
	json_t *root = json != NULL ? json_loads(json, JSON_REJECT_DUPLICATES,
						 NULL)
				    : NULL;
	const char *wrong;

	if (which < API_REFERENCE_FEES || which > API_REFERENCE_CORRIDORS) {
		json_decref(root);
		return API_EINVAL;
	}
	if (!json_is_object(root) ||
	    !json_is_integer(json_object_get(root, "version")))
		wrong = "not an object with an integer version";
	else if (which == API_REFERENCE_FEES)
		wrong = check_fees(root);
	else if (which == API_REFERENCE_BANKS)
		wrong = check_banks(root);
	else
		wrong = check_corridors(root);
	json_decref(root);
	if (wrong == NULL)
		return API_OK;
	log_error("%s is malformed: %s", names[which], wrong);
	return API_EPROTOCOL;
}

int api_reference_fetch(struct transport *transport,
			enum api_reference which, char *json, size_t size)
{
	struct transport_response resp;
	int error;

	if (which < API_REFERENCE_FEES || which > API_REFERENCE_CORRIDORS ||
	    json == NULL || size == 0)
		return API_EINVAL;
	error = transport_request(transport, "GET", reference_paths[which],
				  api_json_headers, NULL, &resp);
	if (error != TRANSPORT_OK)
		return api_map_transport(error);
	if (resp.status != 200) {
		error = api_map_status(resp.status);
		log_warn("GET %s returned %ld", reference_paths[which],
			 resp.status);
	} else if (api_reference_check(which, resp.body) != API_OK) {
		error = API_EPROTOCOL;
	} else if (resp.body_len >= size ||
		   resp.body_len >= JOURNAL_META_VALUE_SIZE) {
		/* NOTE: a journal meta value has room for 16 KiB, less
		 * than the 64 KiB the contract allows a bank list. */
		log_error("%s reply of %zu bytes does not fit the cache",
			  reference_paths[which], resp.body_len);
		error = API_EINVAL;
	} else {
		memcpy(json, resp.body, resp.body_len + 1);
		error = API_OK;
	}
	free(resp.body);
	return error;
}
