/* The API client: every path and JSON field name of the central service's
 * contract (docs/api.md) lives here and nowhere else. */
#define LOG_MODULE "api"
#include "api.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "../drivers/utf8.h"

#define PATH_HEALTH "/v1/health"
#define PATH_SESSIONS "/v1/sessions"
#define PATH_PASSWORD "/v1/sessions/password"
#define PATH_WALLETS "/v1/wallets/"
#define PATH_WALLET_TRANSFER "/v1/transfers/wallet"
#define PATH_BATCH "/v1/operations/batch"
#define PATH_POLICY "/v1/policy"
#define PATH_CUSTOMERS "/v1/customers"
#define PATH_PROFILE "/profile"

static const char *const json_headers[] = {
	"Content-Type: application/json",
	"Accept: application/json",
	NULL,
};

static int copy_optional(json_t *object, const char *key, char *buf,
			 size_t size);
static int dump_into(json_t *object, char *buf, size_t size);

/* Copy a JSON string member into buf. Returns 0, or -1 when it is missing,
 * not a string, empty, or does not fit. */
static int copy_string(json_t *object, const char *key, char *buf,
		       size_t size)
{
	const char *text = json_string_value(json_object_get(object, key));

	if (text == NULL || text[0] == '\0' || strlen(text) >= size)
		return -1;
	memcpy(buf, text, strlen(text) + 1);
	return 0;
}

/* Parse "2026-12-04T15:00:00Z" into Unix seconds. Returns -1 on bad text. */
static int64_t parse_time(const char *text)
{
	struct tm tm = { 0 };
	const char *end;

	if (text == NULL)
		return -1;
	end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return (int64_t)timegm(&tm);
}

static void format_time(int64_t seconds, char *buf, size_t size)
{
	time_t t = (time_t)seconds;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Copy the longest prefix of text that has at most max bytes, ends on a
 * character boundary and is valid UTF-8 into out (max + 1 bytes), which
 * may be text itself. Returns whether all of text was copied. */
static bool copy_utf8_prefix(const char *text, size_t max, char *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t used = 0;

	while (s[used] != '\0') {
		uint32_t code;
		size_t len = utf8_decode(s + used, &code);

		if (code == UTF8_INVALID || used + len > max)
			break;
		used += len;
	}
	memmove(out, text, used);
	out[used] = '\0';
	return s[used] == '\0';
}

int api_wallet_transfer_encode(const struct wallet_transfer *transfer,
			       char *payload, size_t size)
{
	char name[API_NAME_SIZE];
	json_t *object;
	bool by_id = transfer->receiver_customer_id[0] != '\0';

	if (!by_id && transfer->receiver[0] == '\0')
		return API_EINVAL;
	object = json_pack("{s:s, s:s, s:s, s:I}", "sender_account",
			   transfer->sender,
			   by_id ? "receiver_customer_id" : "receiver_account",
			   by_id ? transfer->receiver_customer_id
				 : transfer->receiver,
			   "currency", transfer->currency, "amount",
			   (json_int_t)transfer->amount);
	if (object == NULL)
		return API_EINVAL;
	copy_utf8_prefix(transfer->receiver_name, sizeof(name) - 1, name);
	if (by_id && name[0] != '\0' &&
	    json_object_set_new(object, "receiver_name",
				json_string(name)) != 0) {
		json_decref(object);
		return API_EINVAL;
	}
	return dump_into(object, payload, size);
}

/* Read the receiver of a transfer payload: exactly one of an account and
 * a customer id, and the optional name that goes with the id. */
static int read_receiver(json_t *object, struct wallet_transfer *out)
{
	bool by_account = json_object_get(object, "receiver_account") != NULL;
	bool by_id = json_object_get(object, "receiver_customer_id") != NULL;

	if (by_account == by_id)
		return -1;
	if (by_account)
		return copy_string(object, "receiver_account", out->receiver,
				   sizeof(out->receiver));
	if (copy_string(object, "receiver_customer_id",
			out->receiver_customer_id,
			sizeof(out->receiver_customer_id)) != 0)
		return -1;
	return copy_optional(object, "receiver_name", out->receiver_name,
			     sizeof(out->receiver_name));
}

int api_wallet_transfer_decode(const char *payload,
			       struct wallet_transfer *out)
{
	struct wallet_transfer parsed = { 0 };
	json_t *object;
	json_t *amount;
	int result = API_EPROTOCOL;

	object = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(object))
		goto out;
	amount = json_object_get(object, "amount");
	if (!json_is_integer(amount) || json_integer_value(amount) <= 0)
		goto out;
	if (copy_string(object, "sender_account", parsed.sender,
			sizeof(parsed.sender)) != 0 ||
	    read_receiver(object, &parsed) != 0 ||
	    copy_string(object, "currency", parsed.currency,
			sizeof(parsed.currency)) != 0)
		goto out;
	parsed.amount = (int64_t)json_integer_value(amount);
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

/* Copy an optional JSON string member (absent or null gives "") into
 * buf. Returns 0, or -1 when it has another type or does not fit. */
static int copy_optional(json_t *object, const char *key, char *buf,
			 size_t size)
{
	json_t *value = json_object_get(object, key);
	const char *text = json_string_value(value);

	if (value == NULL || json_is_null(value)) {
		buf[0] = '\0';
		return 0;
	}
	if (text == NULL || strlen(text) >= size)
		return -1;
	memcpy(buf, text, strlen(text) + 1);
	return 0;
}

/* Dump object as compact JSON with sorted keys into buf and drop it.
 * Returns 0, or API_EINVAL when it is NULL or does not fit. */
static int dump_into(json_t *object, char *buf, size_t size)
{
	char *text = object != NULL
			     ? json_dumps(object, JSON_COMPACT | JSON_SORT_KEYS)
			     : NULL;
	int result = API_EINVAL;

	if (text != NULL && strlen(text) < size) {
		memcpy(buf, text, strlen(text) + 1);
		result = API_OK;
	}
	free(text);
	json_decref(object);
	return result;
}

/* A JSON string, or null for the empty string (no email address). */
static json_t *string_or_null(const char *text)
{
	return text[0] != '\0' ? json_string(text) : json_null();
}

/* The registration fields shared by a registration payload and a looked-up
 * profile, without customer_id and currency. */
static json_t *profile_fields(const struct customer_registration *reg)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
			 "first_name", reg->first_name, "last_name",
			 reg->last_name, "phone", reg->phone,
			 "date_of_birth", reg->date_of_birth, "id_type",
			 reg->id_type, "id_number", reg->id_number,
			 "address", reg->address, "email",
			 string_or_null(reg->email));
}

/* Read the profile fields and customer_id of object into *out. */
static int read_profile(json_t *object, struct customer_registration *out)
{
	if (copy_string(object, "customer_id", out->customer_id,
			sizeof(out->customer_id)) != 0 ||
	    copy_string(object, "first_name", out->first_name,
			sizeof(out->first_name)) != 0 ||
	    copy_string(object, "last_name", out->last_name,
			sizeof(out->last_name)) != 0 ||
	    copy_string(object, "phone", out->phone, sizeof(out->phone)) != 0 ||
	    copy_string(object, "date_of_birth", out->date_of_birth,
			sizeof(out->date_of_birth)) != 0 ||
	    copy_string(object, "id_type", out->id_type,
			sizeof(out->id_type)) != 0 ||
	    copy_string(object, "id_number", out->id_number,
			sizeof(out->id_number)) != 0 ||
	    copy_string(object, "address", out->address,
			sizeof(out->address)) != 0 ||
	    copy_optional(object, "email", out->email, sizeof(out->email)) != 0)
		return -1;
	return 0;
}

int api_customer_registration_encode(const struct customer_registration *reg,
				     char *payload, size_t size)
{
	json_t *object = profile_fields(reg);

	if (object == NULL ||
	    json_object_set_new(object, "customer_id",
				json_string(reg->customer_id)) != 0 ||
	    json_object_set_new(object, "currency",
				json_string(reg->currency)) != 0) {
		json_decref(object);
		return API_EINVAL;
	}
	return dump_into(object, payload, size);
}

int api_customer_registration_decode(const char *payload,
				     struct customer_registration *out)
{
	struct customer_registration parsed = { 0 };
	json_t *object = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	int result = API_EPROTOCOL;

	if (json_is_object(object) && read_profile(object, &parsed) == 0 &&
	    copy_string(object, "currency", parsed.currency,
			sizeof(parsed.currency)) == 0) {
		*out = parsed;
		result = API_OK;
	}
	json_decref(object);
	return result;
}

/* The changeable profile fields: bit, JSON name and offset of the text in
 * struct customer_update. */
static const struct {
	unsigned bit;
	const char *name;
	size_t offset;
	size_t size;
} update_fields[] = {
	{ API_CHANGE_FIRST_NAME, "first_name",
	  offsetof(struct customer_update, first_name), API_PERSON_NAME_SIZE },
	{ API_CHANGE_LAST_NAME, "last_name",
	  offsetof(struct customer_update, last_name), API_PERSON_NAME_SIZE },
	{ API_CHANGE_PHONE, "phone", offsetof(struct customer_update, phone),
	  API_PHONE_SIZE },
	{ API_CHANGE_ADDRESS, "address",
	  offsetof(struct customer_update, address), API_ADDRESS_SIZE },
	{ API_CHANGE_EMAIL, "email", offsetof(struct customer_update, email),
	  API_EMAIL_SIZE },
};

#define UPDATE_FIELD_COUNT (sizeof(update_fields) / sizeof(update_fields[0]))

static const char *update_text(const struct customer_update *update,
			       size_t field)
{
	return (const char *)update + update_fields[field].offset;
}

int api_customer_update_encode(const struct customer_update *update,
			       char *payload, size_t size)
{
	json_t *changes = json_object();
	json_t *object;

	if (changes == NULL || update->base_version < 1 ||
	    (update->changes & ~(unsigned)0x1f) != 0 || update->changes == 0) {
		json_decref(changes);
		return API_EINVAL;
	}
	for (size_t i = 0; i < UPDATE_FIELD_COUNT; i++) {
		json_t *value;

		if ((update->changes & update_fields[i].bit) == 0)
			continue;
		value = string_or_null(update_text(update, i));
		if (json_object_set_new(changes, update_fields[i].name,
					value) != 0) {
			json_decref(changes);
			return API_EINVAL;
		}
	}
	object = json_pack("{s:s, s:I, s:o}", "customer_id",
			   update->customer_id, "base_version",
			   (json_int_t)update->base_version, "changes",
			   changes);
	return dump_into(object, payload, size);
}

int api_customer_update_decode(const char *payload,
			       struct customer_update *out)
{
	struct customer_update parsed = { 0 };
	json_t *object = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	json_t *changes = json_object_get(object, "changes");
	json_t *base = json_object_get(object, "base_version");
	int result = API_EPROTOCOL;

	if (!json_is_object(changes) || !json_is_integer(base) ||
	    json_integer_value(base) < 1 ||
	    copy_string(object, "customer_id", parsed.customer_id,
			sizeof(parsed.customer_id)) != 0)
		goto out;
	parsed.base_version = json_integer_value(base);
	for (size_t i = 0; i < UPDATE_FIELD_COUNT; i++) {
		if (json_object_get(changes, update_fields[i].name) == NULL)
			continue;
		if (copy_optional(changes, update_fields[i].name,
				  (char *)&parsed + update_fields[i].offset,
				  update_fields[i].size) != 0)
			goto out;
		parsed.changes |= update_fields[i].bit;
	}
	if (parsed.changes == 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

int api_customer_encode(const struct api_customer *customer, char *json,
			size_t size)
{
	json_t *object = profile_fields(&customer->profile);
	json_t *wallets = json_array();

	if (object == NULL || wallets == NULL ||
	    json_object_set_new(object, "customer_id",
				json_string(customer->profile.customer_id)) ||
	    json_object_set_new(object, "version",
				json_integer(customer->version)))
		goto fail;
	for (int i = 0; i < customer->wallet_count; i++) {
		if (json_array_append_new(
			    wallets,
			    json_pack("{s:s, s:s}", "account",
				      customer->wallets[i].account,
				      "currency",
				      customer->wallets[i].currency)) != 0)
			goto fail;
	}
	if (json_object_set(object, "wallets", wallets) != 0)
		goto fail;
	json_decref(wallets);
	return dump_into(object, json, size);
fail:
	json_decref(wallets);
	json_decref(object);
	return API_EINVAL;
}

static int read_customer(json_t *root, struct api_customer *out)
{
	struct api_customer parsed = { 0 };
	json_t *version = json_object_get(root, "version");
	json_t *wallets = json_object_get(root, "wallets");
	json_t *wallet;
	size_t i;

	if (read_profile(root, &parsed.profile) != 0 ||
	    !json_is_integer(version) || !json_is_array(wallets))
		return API_EPROTOCOL;
	parsed.version = json_integer_value(version);
	json_array_foreach(wallets, i, wallet) {
		int n = parsed.wallet_count;

		/* NOTE: wallets past API_CUSTOMER_WALLETS_MAX are dropped. */
		if (n >= API_CUSTOMER_WALLETS_MAX)
			break;
		if (copy_string(wallet, "account", parsed.wallets[n].account,
				sizeof(parsed.wallets[n].account)) != 0 ||
		    copy_string(wallet, "currency", parsed.wallets[n].currency,
				sizeof(parsed.wallets[n].currency)) != 0)
			return API_EPROTOCOL;
		parsed.wallet_count++;
	}
	if (parsed.wallet_count > 0)
		memcpy(parsed.profile.currency, parsed.wallets[0].currency, 4);
	*out = parsed;
	return API_OK;
}

int api_customer_decode(const char *json, struct api_customer *out)
{
	json_t *root = json_loads(json, 0, NULL);
	int result = json_is_object(root) ? read_customer(root, out)
					  : API_EPROTOCOL;

	json_decref(root);
	return result;
}

/* Copy the documented error object's message (or its code) into message
 * and its code into code. */
static void read_error_object(json_t *error, long status, char *message,
			      size_t size, char *code, size_t code_size)
{
	const char *text = json_string_value(json_object_get(error, "message"));
	const char *name = json_string_value(json_object_get(error, "code"));

	if (text != NULL && text[0] != '\0')
		snprintf(message, size, "%s", text);
	else if (name != NULL)
		snprintf(message, size, "%s", name);
	else
		snprintf(message, size, "HTTP status %ld", status);
	snprintf(code, code_size, "%s", name != NULL ? name : "");
}

/* Read the error body of a reply into message; returns nothing but logs
 * the status and code for operators. */
static void read_error(const struct transport_response *resp, char *message,
		       size_t size)
{
	json_t *root = json_loads(resp->body, 0, NULL);
	char code[64];

	read_error_object(json_object_get(root, "error"), resp->status,
			  message, size, code, sizeof(code));
	log_info("central service returned %ld %s", resp->status,
		 code[0] != '\0' ? code : "(no error code)");
	json_decref(root);
}

/* Map a transport failure to an api_error. */
static int map_transport(int error)
{
	switch (error) {
	case TRANSPORT_ECONNECT:
		return API_EUNREACHABLE;
	case TRANSPORT_ETLS:
		return API_ETLS;
	case TRANSPORT_ETIMEOUT:
	case TRANSPORT_ERESPONSE:
		return API_ETIMEOUT;
	case TRANSPORT_ETOOBIG:
		return API_EPROTOCOL;
	default:
		return API_EUNREACHABLE;
	}
}

/* Map an HTTP error status to an api_error. */
static int map_status(long status)
{
	if (status == 401 || status == 403)
		return API_ESESSION;
	if (status == 404)
		return API_ENOTFOUND;
	if (status == 409 || status == 429 || status == 503)
		return API_EBUSY;
	if (status >= 500)
		return API_ESERVER;
	return API_EREJECTED;
}

/* Map the status and error code of one operation's reply to its outcome.
 * Only 400 and 422 decide an operation (docs/api.md). Any other 4xx or a
 * redirect comes from a wrong URL, a proxy or a certificate problem, so
 * the operation waits for a person instead of being rejected. */
static int operation_result(long status, const char *code)
{
	if (status == 200 || status == 201)
		return API_OK;
	if (status == 422 && strcmp(code, "idempotency_key_reused") == 0)
		return API_ECONFLICT;
	if (status == 400 || status == 422)
		return API_EREJECTED;
	if (status == 412)
		return API_ECONFLICT_VERSION;
	if (status == 408)
		return API_ETIMEOUT;
	if (status == 409 || status == 429 || status == 503)
		return API_EBUSY;
	if (status >= 500)
		return API_ESERVER;
	return API_EREFUSED;
}

static void set_message(char *message, size_t size, int error)
{
	if (message != NULL && size > 0)
		snprintf(message, size, "%s", api_strerror(error));
}

static int parse_login(const char *body, struct api_login *out)
{
	struct api_login parsed = { 0 };
	json_t *root = json_loads(body, 0, NULL);
	json_t *agent = json_object_get(root, "agent");
	int result = API_EPROTOCOL;

	if (copy_string(root, "token", parsed.token, sizeof(parsed.token)) ||
	    copy_string(agent, "name", parsed.agent_name,
			sizeof(parsed.agent_name)))
		goto out;
	parsed.expires_at = parse_time(
		json_string_value(json_object_get(root, "expires_at")));
	if (parsed.expires_at < 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(root);
	return result;
}

int api_login(struct transport *transport, const char *agent_id,
	      const char *password, struct api_login *out, char *message,
	      size_t message_size)
{
	struct transport_response resp;
	json_t *request;
	char *body;
	int error;

	request = json_pack("{s:s, s:s}", "agent_id", agent_id, "password",
			    password);
	body = request != NULL ? json_dumps(request, JSON_COMPACT) : NULL;
	json_decref(request);
	if (body == NULL) {
		set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	error = transport_request(transport, "POST", PATH_SESSIONS,
				  json_headers, body, &resp);
	explicit_bzero(body, strlen(body));
	free(body);
	if (error != TRANSPORT_OK) {
		error = map_transport(error);
		set_message(message, message_size, error);
		return error;
	}

	if (resp.status == 201 || resp.status == 200) {
		error = parse_login(resp.body, out);
		set_message(message, message_size, error);
	} else if (resp.status == 401) {
		error = API_EAUTH;
		read_error(&resp, message, message_size);
	} else {
		error = map_status(resp.status);
		read_error(&resp, message, message_size);
	}
	free(resp.body);
	return error;
}

static bool is_account_number(const char *text)
{
	size_t length = strlen(text);

	if (length < 6 || length > 20)
		return false;
	return strspn(text, "0123456789") == length;
}

static int parse_wallet(const char *body, struct api_wallet *out)
{
	struct api_wallet parsed = { 0 };
	json_t *root = json_loads(body, 0, NULL);
	int result = API_EPROTOCOL;

	if (copy_string(root, "account", parsed.account,
			sizeof(parsed.account)) == 0 &&
	    copy_string(root, "holder_name", parsed.holder_name,
			sizeof(parsed.holder_name)) == 0 &&
	    copy_string(root, "currency", parsed.currency,
			sizeof(parsed.currency)) == 0) {
		*out = parsed;
		result = API_OK;
	}
	json_decref(root);
	return result;
}

int api_wallet_lookup(struct transport *transport, const char *token,
		      const char *account, struct api_wallet *out,
		      char *message, size_t message_size)
{
	struct transport_response resp;
	char authorization[API_TOKEN_SIZE + 32];
	char path[64];
	const char *headers[] = { authorization, "Accept: application/json",
				  NULL };
	int error;

	if (!is_account_number(account) || token == NULL ||
	    token[0] == '\0') {
		set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	snprintf(authorization, sizeof(authorization),
		 "Authorization: Bearer %s", token);
	snprintf(path, sizeof(path), "%s%s", PATH_WALLETS, account);
	error = transport_request(transport, "GET", path, headers, NULL,
				  &resp);
	explicit_bzero(authorization, sizeof(authorization));
	if (error != TRANSPORT_OK) {
		error = map_transport(error);
		set_message(message, message_size, error);
		return error;
	}
	if (resp.status == 200) {
		error = parse_wallet(resp.body, out);
		set_message(message, message_size, error);
	} else {
		error = map_status(resp.status);
		read_error(&resp, message, message_size);
	}
	free(resp.body);
	return error;
}

/* Whether text is E.164: '+' then 8 to 15 digits, the first not 0. */
static bool is_e164(const char *text)
{
	size_t digits = strlen(text) - 1;

	if (text[0] != '+' || text[1] < '1' || text[1] > '9')
		return false;
	return digits >= 8 && digits <= 15 &&
	       strspn(text + 1, "0123456789") == digits;
}

int api_customer_lookup(struct transport *transport, const char *token,
			enum api_customer_key by, const char *value,
			struct api_customer *out, char *message,
			size_t message_size)
{
	struct transport_response resp;
	char authorization[API_TOKEN_SIZE + 32];
	char path[64];
	const char *headers[] = { authorization, "Accept: application/json",
				  NULL };
	json_t *root;
	int error;

	if (token == NULL || token[0] == '\0' || value == NULL ||
	    (by == API_CUSTOMER_BY_PHONE && !is_e164(value)) ||
	    (by == API_CUSTOMER_BY_WALLET && !is_account_number(value)) ||
	    (by != API_CUSTOMER_BY_PHONE && by != API_CUSTOMER_BY_WALLET)) {
		set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	/* The phone's '+' is sent as %2B, and the rest are digits. */
	if (by == API_CUSTOMER_BY_PHONE)
		snprintf(path, sizeof(path), "%s?phone=%%2B%s", PATH_CUSTOMERS,
			 value + 1);
	else
		snprintf(path, sizeof(path), "%s?wallet=%s", PATH_CUSTOMERS,
			 value);
	snprintf(authorization, sizeof(authorization),
		 "Authorization: Bearer %s", token);
	error = transport_request(transport, "GET", path, headers, NULL,
				  &resp);
	explicit_bzero(authorization, sizeof(authorization));
	if (error != TRANSPORT_OK) {
		error = map_transport(error);
		set_message(message, message_size, error);
		return error;
	}
	if (resp.status == 200) {
		root = json_loads(resp.body, 0, NULL);
		error = json_is_object(root) ? read_customer(root, out)
					     : API_EPROTOCOL;
		json_decref(root);
		set_message(message, message_size, error);
	} else {
		error = map_status(resp.status);
		read_error(&resp, message, message_size);
	}
	free(resp.body);
	return error;
}

/* Return whether an error reply's error object has code `code`. */
static bool reply_has_code(const struct transport_response *resp,
			   const char *code)
{
	json_t *root = json_loads(resp->body != NULL ? resp->body : "", 0,
				  NULL);
	const char *name = json_string_value(
		json_object_get(json_object_get(root, "error"), "code"));
	bool found = name != NULL && strcmp(name, code) == 0;

	json_decref(root);
	return found;
}

/* Send a password change. A 401 reply is API_EAUTH when its code is
 * invalid_credentials (wrong old password), else API_ESESSION. */
int api_change_password(struct transport *transport, const char *token,
			const char *old_password, const char *new_password,
			char *message, size_t message_size)
{
	struct transport_response resp;
	char authorization[API_TOKEN_SIZE + 32];
	const char *headers[] = { authorization, json_headers[0],
				  json_headers[1], NULL };
	json_t *request;
	char *body;
	int error;

	if (token == NULL || token[0] == '\0' || old_password == NULL ||
	    new_password == NULL) {
		set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	request = json_pack("{s:s, s:s}", "old_password", old_password,
			    "new_password", new_password);
	body = request != NULL ? json_dumps(request, JSON_COMPACT) : NULL;
	json_decref(request);
	if (body == NULL) {
		set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	snprintf(authorization, sizeof(authorization),
		 "Authorization: Bearer %s", token);
	error = transport_request(transport, "POST", PATH_PASSWORD, headers,
				  body, &resp);
	explicit_bzero(authorization, sizeof(authorization));
	explicit_bzero(body, strlen(body));
	free(body);
	if (error != TRANSPORT_OK) {
		error = map_transport(error);
		set_message(message, message_size, error);
		return error;
	}

	if (resp.status == 204 || resp.status == 200) {
		error = API_OK;
		set_message(message, message_size, error);
	} else {
		error = map_status(resp.status);
		read_error(&resp, message, message_size);
		if (resp.status == 401 &&
		    reply_has_code(&resp, "invalid_credentials"))
			error = API_EAUTH;
	}
	free(resp.body);
	return error;
}

/* Build the request object of a journaled operation: its payload, less
 * the receipt-only receiver_name, plus id, agent and creation time. The
 * text is the same on every resend, as
 * the idempotency rules require. Returns NULL for an unreadable row. */
static json_t *operation_json(const struct operation *op)
{
	char created[32];
	json_t *root;

	if (strcmp(op->type, API_TYPE_WALLET_TRANSFER) != 0 &&
	    strcmp(op->type, API_TYPE_CUSTOMER_REGISTRATION) != 0 &&
	    strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) != 0)
		return NULL;
	root = json_loads(op->payload, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root))
		goto fail;
	/* The receiver's name is only for the receipt. */
	json_object_del(root, "receiver_name");
	format_time(op->created_at, created, sizeof(created));
	if (json_object_set_new(root, "operation_id",
				json_string(op->id)) != 0 ||
	    json_object_set_new(root, "agent_id",
				json_string(op->agent_id)) != 0 ||
	    json_object_set_new(root, "created_at", json_string(created)) != 0)
		goto fail;
	return root;
fail:
	json_decref(root);
	return NULL;
}

static char *operation_body(const struct operation *op)
{
	json_t *root = operation_json(op);
	char *text = NULL;

	if (root != NULL)
		text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return text;
}

/* One changed field of a version conflict: its name, then per side (0:
 * the central service's profile, 1: the update) its value, whether it
 * has one, and whether the value was cut. */
struct conflict_field {
	const char *name;
	char values[2][API_ADDRESS_SIZE];
	bool present[2];
	bool cut[2];
};

/* Encode a conflict as the documented reason object: {"version":V,
 * "base":B,"fields":[[name, central, edit(, cut bits)], ...]}. */
static char *dump_conflict(json_int_t version, json_int_t base,
			   const struct conflict_field *fields, int count)
{
	json_t *list = json_array();
	json_t *root;
	char *text;

	for (int i = 0; i < count && list != NULL; i++) {
		const struct conflict_field *f = &fields[i];
		json_t *central = f->present[0] ? json_string(f->values[0])
						: json_null();
		json_t *edit = f->present[1] ? json_string(f->values[1])
					     : json_null();
		json_t *row = json_pack("[s, o, o]", f->name, central, edit);
		int bits = (f->cut[0] ? 1 : 0) | (f->cut[1] ? 2 : 0);

		if (row != NULL && bits != 0)
			json_array_append_new(row, json_integer(bits));
		if (row == NULL || json_array_append_new(list, row) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	root = json_pack("{s:I, s:I, s:o}", "version", version, "base", base,
			 "fields", list);
	text = root != NULL ? json_dumps(root, JSON_COMPACT |
						       JSON_PRESERVE_ORDER)
			    : NULL;
	json_decref(root);
	return text;
}

/* Cut the longest remaining value of fields by one character. Returns
 * false when every value is already empty.
 * NOTE: the cut is on a code point, so it can drop a combining mark and
 * leave its base letter last. */
static bool cut_longest(struct conflict_field *fields, int count)
{
	struct conflict_field *longest = NULL;
	int side = 0;
	size_t max = 0;

	for (int i = 0; i < count; i++) {
		for (int k = 0; k < 2; k++) {
			size_t length = strlen(fields[i].values[k]);

			if (length > max) {
				max = length;
				longest = &fields[i];
				side = k;
			}
		}
	}
	if (longest == NULL)
		return false;
	copy_utf8_prefix(longest->values[side], max - 1,
			 longest->values[side]);
	longest->cut[side] = true;
	return true;
}

/* Write a 412 version conflict's reason into out->message: for each
 * field the update changes, the value in the central service's `current`
 * profile and the update's value. The longest values are cut, one
 * character at a time, until the reason has at most
 * API_CONFLICT_REASON_MAX bytes; customer_conflict_parse reads it. */
static void read_version_conflict(json_t *current, const struct operation *op,
				  struct api_outcome *out)
{
	struct customer_update update = { 0 };
	struct conflict_field fields[UPDATE_FIELD_COUNT];
	json_t *version = json_object_get(current, "version");
	char *text = NULL;
	int count = 0;

	out->result = API_ECONFLICT_VERSION;
	if (api_customer_update_decode(op->payload, &update) != API_OK)
		update.changes = 0;
	memset(fields, 0, sizeof(fields));
	for (size_t i = 0; i < UPDATE_FIELD_COUNT; i++) {
		const char *central = json_string_value(
			json_object_get(current, update_fields[i].name));
		const char *edit = update_text(&update, i);

		if ((update.changes & update_fields[i].bit) == 0)
			continue;
		fields[count].name = update_fields[i].name;
		fields[count].present[0] = central != NULL;
		fields[count].present[1] = edit[0] != '\0';
		fields[count].cut[0] = !copy_utf8_prefix(
			central != NULL ? central : "",
			sizeof(fields[count].values[0]) - 1,
			fields[count].values[0]);
		copy_utf8_prefix(edit, sizeof(fields[count].values[1]) - 1,
				 fields[count].values[1]);
		count++;
	}

	/* Bounded: each round removes a character or ends the loop. */
	for (;;) {
		free(text);
		text = dump_conflict(json_integer_value(version),
				     (json_int_t)update.base_version, fields,
				     count);
		if (text == NULL || strlen(text) <= API_CONFLICT_REASON_MAX ||
		    !cut_longest(fields, count))
			break;
	}
	if (text != NULL && strlen(text) <= API_CONFLICT_REASON_MAX)
		snprintf(out->message, sizeof(out->message), "%s", text);
	else
		snprintf(out->message, sizeof(out->message),
			 "{\"version\":%lld,\"base\":%lld,\"fields\":[]}",
			 (long long)json_integer_value(version),
			 (long long)update.base_version);
	free(text);
}

/* Copy the new wallet of an accepted registration, if the reply has one,
 * into out->wallet_account. */
static void read_wallet_account(json_t *reply, struct api_outcome *out)
{
	if (copy_optional(reply, "wallet_account", out->wallet_account,
			  sizeof(out->wallet_account)) != 0)
		out->wallet_account[0] = '\0';
}

static void read_acceptance(const struct transport_response *resp,
			    struct api_outcome *out)
{
	json_t *root = json_loads(resp->body, 0, NULL);
	const char *status = json_string_value(json_object_get(root, "status"));

	if (status == NULL || strcmp(status, "accepted") != 0 ||
	    copy_string(root, "reference", out->reference,
			sizeof(out->reference)) != 0) {
		out->result = API_EPROTOCOL;
		snprintf(out->message, sizeof(out->message), "%s",
			 api_strerror(API_EPROTOCOL));
	} else {
		out->result = API_OK;
		read_wallet_account(root, out);
	}
	json_decref(root);
}

/* Write the single endpoint's path of op into path. An update's customer
 * id comes from its payload; an unreadable one gives a path that the
 * central service rejects with 400. */
static void operation_path(const struct operation *op, char *path,
			   size_t size)
{
	struct customer_update update = { 0 };

	if (strcmp(op->type, API_TYPE_CUSTOMER_REGISTRATION) == 0) {
		snprintf(path, size, "%s", PATH_CUSTOMERS);
	} else if (strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) == 0) {
		if (api_customer_update_decode(op->payload, &update) != API_OK)
			snprintf(update.customer_id,
				 sizeof(update.customer_id), "invalid");
		snprintf(path, size, "%s/%s%s", PATH_CUSTOMERS,
			 update.customer_id, PATH_PROFILE);
	} else {
		snprintf(path, size, "%s", PATH_WALLET_TRANSFER);
	}
}

void api_submit(struct transport *transport, const struct operation *op,
		struct api_outcome *out)
{
	struct transport_response resp;
	char key_header[JOURNAL_ID_SIZE + 32];
	const char *headers[] = { json_headers[0], json_headers[1], key_header,
				  NULL };
	char path[128];
	char *body = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	out->retry_after = -1;
	body = operation_body(op);
	if (body == NULL) {
		out->result = API_EREJECTED;
		snprintf(out->message, sizeof(out->message),
			 "Operation %s of type %s cannot be encoded", op->id,
			 op->type);
		return;
	}
	snprintf(key_header, sizeof(key_header), "Idempotency-Key: %s",
		 op->id);
	operation_path(op, path, sizeof(path));

	error = transport_request(transport, "POST", path, headers, body,
				  &resp);
	free(body);
	if (error != TRANSPORT_OK) {
		out->result = map_transport(error);
		snprintf(out->message, sizeof(out->message), "%s",
			 transport_strerror(error));
		return;
	}
	out->retry_after = resp.retry_after;
	if (resp.status == 200 || resp.status == 201) {
		read_acceptance(&resp, out);
	} else {
		json_t *root = json_loads(resp.body, 0, NULL);
		char code[64];

		read_error_object(json_object_get(root, "error"), resp.status,
				  out->message, sizeof(out->message), code,
				  sizeof(code));
		out->result = operation_result(resp.status, code);
		if (out->result == API_ECONFLICT_VERSION)
			read_version_conflict(json_object_get(root, "current"),
					      op, out);
		log_info("operation %s: central service returned %ld %s",
			 op->id, resp.status, code);
		json_decref(root);
	}
	free(resp.body);
}

/* Give every outcome the same failure of the whole batch request. */
static void fail_all(struct api_outcome *outcomes, int n, int result,
		     const char *message, long retry_after)
{
	for (int i = 0; i < n; i++) {
		memset(&outcomes[i], 0, sizeof(outcomes[i]));
		outcomes[i].result = result;
		outcomes[i].retry_after = retry_after;
		snprintf(outcomes[i].message, sizeof(outcomes[i].message), "%s",
			 message);
	}
}

static char *batch_body(const struct operation *ops, int n)
{
	json_t *items = json_array();
	json_t *root = json_pack("{s:o}", "operations", items);
	char *text = NULL;

	if (root == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		json_t *item = operation_json(&ops[i]);

		if (item != NULL &&
		    json_object_set_new(item, "type",
					json_string(ops[i].type)) != 0) {
			json_decref(item);
			item = NULL;
		}
		/* json_array_append_new takes the item even on failure. */
		if (item == NULL || json_array_append_new(items, item) != 0) {
			log_error("operation %s cannot be encoded", ops[i].id);
			goto out;
		}
	}
	text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(root);
	return text;
}

/* Read one item of a batch reply into out; the item must name op. */
static void read_batch_item(json_t *item, const struct operation *op,
			    struct api_outcome *out)
{
	const char *id =
		json_string_value(json_object_get(item, "operation_id"));
	const char *depends_on =
		json_string_value(json_object_get(item, "depends_on"));
	json_t *status = json_object_get(item, "status");
	json_t *retry = json_object_get(item, "retry_after");
	char code[64] = "";

	memset(out, 0, sizeof(*out));
	out->retry_after = json_is_integer(retry) ? json_integer_value(retry)
						  : -1;
	if (id == NULL || strcmp(id, op->id) != 0 || !json_is_integer(status)) {
		out->result = API_EPROTOCOL;
		snprintf(out->message, sizeof(out->message), "%s",
			 api_strerror(API_EPROTOCOL));
		return;
	}
	out->result = operation_result(json_integer_value(status), "");
	if (out->result == API_OK) {
		if (copy_string(item, "reference", out->reference,
				sizeof(out->reference)) != 0) {
			out->result = API_EPROTOCOL;
			snprintf(out->message, sizeof(out->message), "%s",
				 api_strerror(API_EPROTOCOL));
		}
		read_wallet_account(item, out);
		return;
	}
	if (out->result == API_ECONFLICT_VERSION) {
		read_version_conflict(json_object_get(item, "current"), op,
				      out);
		return;
	}
	read_error_object(json_object_get(item, "error"),
			  json_integer_value(status), out->message,
			  sizeof(out->message), code, sizeof(code));
	out->result = operation_result(json_integer_value(status), code);
	if (json_integer_value(status) == 424 && depends_on != NULL &&
	    strlen(depends_on) < sizeof(out->depends_on)) {
		out->result = API_EDEPENDENCY;
		memcpy(out->depends_on, depends_on, strlen(depends_on) + 1);
	}
}

static void read_batch_reply(const struct transport_response *resp,
			     const struct operation *ops, int n,
			     struct api_outcome *outcomes)
{
	json_t *root = json_loads(resp->body, 0, NULL);
	json_t *results = json_object_get(root, "results");

	if (!json_is_array(results) || (int)json_array_size(results) != n) {
		log_error("batch reply has %d results for %d operations",
			  json_is_array(results) ? (int)json_array_size(results)
						 : -1,
			  n);
		fail_all(outcomes, n, API_EPROTOCOL,
			 api_strerror(API_EPROTOCOL), -1);
	} else {
		for (int i = 0; i < n; i++)
			read_batch_item(json_array_get(results, i), &ops[i],
					&outcomes[i]);
	}
	json_decref(root);
}

void api_submit_batch(struct transport *transport,
		      const struct operation *ops, int n,
		      struct api_outcome *outcomes)
{
	struct transport_response resp;
	char message[JOURNAL_ERROR_SIZE];
	char *body;
	int error;

	body = n > 0 && n <= API_BATCH_MAX ? batch_body(ops, n) : NULL;
	if (body == NULL) {
		fail_all(outcomes, n, API_EINVAL, "Batch cannot be encoded",
			 -1);
		return;
	}
	error = transport_request(transport, "POST", PATH_BATCH, json_headers,
				  body, &resp);
	free(body);
	if (error != TRANSPORT_OK) {
		fail_all(outcomes, n, map_transport(error),
			 transport_strerror(error), -1);
		return;
	}
	if (resp.status == 200) {
		read_batch_reply(&resp, ops, n, outcomes);
	} else {
		/* A batch refused as a whole decides none of its items: a
		 * 400 or 422 here is not about one operation, so it is
		 * treated like any other refusal and left to a person. */
		int result = operation_result(resp.status, "");

		if (result == API_EREJECTED)
			result = API_EREFUSED;
		read_error(&resp, message, sizeof(message));
		fail_all(outcomes, n, result, message, resp.retry_after);
	}
	free(resp.body);
}

static int check_policy_rules(const char *json);

int api_policy_fetch(struct transport *transport, char *json, size_t size)
{
	struct transport_response resp;
	int error;

	error = transport_request(transport, "GET", PATH_POLICY, json_headers,
				  NULL, &resp);
	if (error != TRANSPORT_OK)
		return map_transport(error);
	if (resp.status != 200) {
		error = map_status(resp.status);
	} else if (check_policy_rules(resp.body) != API_OK) {
		error = API_EPROTOCOL;
	} else if (resp.body_len >= size) {
		log_error("policy of %zu bytes does not fit the cache",
			  resp.body_len);
		error = API_EINVAL;
	} else {
		memcpy(json, resp.body, resp.body_len + 1);
		error = API_OK;
	}
	free(resp.body);
	return error;
}

/* Read the per-currency limits. A rule for operations that move no money
 * may leave out both objects, and then has no currencies. */
static int read_limits(json_t *rule, struct api_policy_rule *out)
{
	json_t *amounts = json_object_get(rule, "max_amount");
	json_t *exposures = json_object_get(rule, "max_exposure");
	const char *currency;
	json_t *value;

	if (amounts == NULL && exposures == NULL)
		return 0;
	if (!json_is_object(amounts) || !json_is_object(exposures))
		return -1;
	json_object_foreach(amounts, currency, value) {
		json_t *exposure = json_object_get(exposures, currency);
		int i = out->limit_count;

		if (i >= API_POLICY_CURRENCIES || strlen(currency) != 3 ||
		    !json_is_integer(value) || !json_is_integer(exposure) ||
		    json_integer_value(value) < 0 ||
		    json_integer_value(exposure) < 0)
			return -1;
		memcpy(out->limits[i].currency, currency, 4);
		out->limits[i].max_amount = json_integer_value(value);
		out->limits[i].max_exposure = json_integer_value(exposure);
		out->limit_count++;
	}
	return 0;
}

static int read_nonnegative(json_t *rule, const char *key, int64_t *out)
{
	json_t *value = json_object_get(rule, key);

	if (!json_is_integer(value) || json_integer_value(value) < 0)
		return -1;
	*out = json_integer_value(value);
	return 0;
}

/* Read one operation type's rule. Returns 0, or -1 when a field is
 * missing, of the wrong type or negative. */
static int read_rule(json_t *rule, struct api_policy_rule *out)
{
	if (!json_is_boolean(json_object_get(rule, "offline_allowed")) ||
	    read_nonnegative(rule, "max_queued", &out->max_queued) != 0 ||
	    read_nonnegative(rule, "max_age_seconds",
			     &out->max_age_seconds) != 0 ||
	    read_limits(rule, out) != 0)
		return -1;
	out->offline_allowed =
		json_is_true(json_object_get(rule, "offline_allowed"));
	return 0;
}

/* Check every rule of a policy, so that a malformed policy never
 * replaces the cached one. */
static int check_policy_rules(const char *json)
{
	json_t *root = json_loads(json, 0, NULL);
	json_t *operations = json_object_get(root, "operations");
	const char *type;
	json_t *rule;
	int result = API_EPROTOCOL;

	if (!json_is_integer(json_object_get(root, "version")) ||
	    !json_is_object(operations))
		goto out;
	json_object_foreach(operations, type, rule) {
		struct api_policy_rule parsed = { 0 };

		if (read_rule(rule, &parsed) != 0) {
			log_error("policy rule for %s is malformed; the cached "
				  "policy stays",
				  type);
			goto out;
		}
	}
	result = API_OK;
out:
	json_decref(root);
	return result;
}

int api_policy_rule(const char *json, const char *type,
		    struct api_policy_rule *out)
{
	struct api_policy_rule parsed = { 0 };
	json_t *root = json_loads(json, 0, NULL);
	json_t *operations = json_object_get(root, "operations");
	json_t *rule;
	int result = API_EPROTOCOL;

	if (!json_is_integer(json_object_get(root, "version")) ||
	    !json_is_object(operations))
		goto out;
	rule = json_object_get(operations, type);
	if (rule == NULL) {
		result = API_ENOTFOUND;
		goto out;
	}
	if (read_rule(rule, &parsed) != 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(root);
	return result;
}

int api_dependency_keys(const char *type, const char *payload,
			char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE])
{
	struct wallet_transfer transfer;
	struct customer_registration reg;
	struct customer_update update;

	memset(keys, 0, JOURNAL_KEYS_MAX * JOURNAL_KEY_SIZE);
	if (strcmp(type, API_TYPE_CUSTOMER_REGISTRATION) == 0) {
		if (api_customer_registration_decode(payload, &reg) != API_OK)
			return API_EPROTOCOL;
		snprintf(keys[0], JOURNAL_KEY_SIZE, "customer:%s",
			 reg.customer_id);
		snprintf(keys[1], JOURNAL_KEY_SIZE, "phone:%s", reg.phone);
		return API_OK;
	}
	if (strcmp(type, API_TYPE_CUSTOMER_UPDATE) == 0) {
		if (api_customer_update_decode(payload, &update) != API_OK)
			return API_EPROTOCOL;
		snprintf(keys[0], JOURNAL_KEY_SIZE, "customer:%s",
			 update.customer_id);
		return API_OK;
	}
	if (strcmp(type, API_TYPE_WALLET_TRANSFER) != 0 ||
	    api_wallet_transfer_decode(payload, &transfer) != API_OK)
		return API_EPROTOCOL;
	snprintf(keys[0], JOURNAL_KEY_SIZE, "wallet:%s", transfer.sender);
	if (transfer.receiver_customer_id[0] != '\0')
		snprintf(keys[1], JOURNAL_KEY_SIZE, "customer:%s",
			 transfer.receiver_customer_id);
	else
		snprintf(keys[1], JOURNAL_KEY_SIZE, "wallet:%s",
			 transfer.receiver);
	return API_OK;
}

int api_ping(struct transport *transport)
{
	struct transport_response resp;
	int error;

	error = transport_request(transport, "GET", PATH_HEALTH, json_headers,
				  NULL, &resp);
	if (error != TRANSPORT_OK)
		return map_transport(error);
	error = resp.status == 200 ? API_OK : map_status(resp.status);
	free(resp.body);
	return error;
}

const char *api_strerror(int error)
{
	switch (error) {
	case API_OK:
		return "Success";
	case API_EUNREACHABLE:
		return "Central service unreachable";
	case API_ETIMEOUT:
		return "No reply from the central service in time";
	case API_ETLS:
		return "Secure connection failed: check the certificates";
	case API_EAUTH:
		return "Wrong agent ID or password";
	case API_ESESSION:
		return "Session expired: log in again";
	case API_ENOTFOUND:
		return "Not found at the central service";
	case API_EREJECTED:
		return "Rejected by the central service";
	case API_EBUSY:
		return "Central service busy: will try again";
	case API_ESERVER:
		return "Central service error: will try again";
	case API_EPROTOCOL:
		return "Unexpected reply from the central service";
	case API_EINVAL:
		return "Invalid request";
	case API_ECONFLICT:
		return "Central service holds another request under this "
		       "operation's id";
	case API_EREFUSED:
		return "Refused by the central service: check [central] url "
		       "and the network path";
	case API_EDEPENDENCY:
		return "Waiting for an earlier operation on the same wallet";
	case API_ECONFLICT_VERSION:
		return "The customer's profile changed at the central service "
		       "since it was read";
	default:
		return "Unknown error";
	}
}
