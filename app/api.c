/* The API client's HTTP side: the central service's paths, requests,
 * replies and error mapping (docs/api.md). Payload codecs are in
 * api_payload.c and api_money.c, the money requests in api_requests.c. */
#define LOG_MODULE "api"
#include "api_internal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define PATH_HEALTH "/v1/health"
#define PATH_SESSIONS "/v1/sessions"
#define PATH_PASSWORD "/v1/sessions/password"
#define PATH_WALLETS "/v1/wallets/"
#define PATH_BATCH "/v1/operations/batch"
#define PATH_POLICY "/v1/policy"
#define PATH_CUSTOMERS "/v1/customers"
#define PATH_PROFILE "/profile"

/* The single endpoint of each journaled operation type but a profile
 * update, whose path names its customer. */
static const struct {
	const char *type;
	const char *path;
} operation_paths[] = {
	{ API_TYPE_WALLET_TRANSFER, "/v1/transfers/wallet" },
	{ API_TYPE_CUSTOMER_REGISTRATION, "/v1/customers" },
	{ API_TYPE_BANK_TRANSFER, "/v1/transfers/bank" },
	{ API_TYPE_CASH_IN, "/v1/cash-in" },
	{ API_TYPE_CASH_OUT, "/v1/cash-out" },
	{ API_TYPE_SEND_MONEY, "/v1/transfers/send-money" },
	{ API_TYPE_REVERSAL, "/v1/reversals" },
};

const char *const api_json_headers[] = {
	"Content-Type: application/json",
	"Accept: application/json",
	NULL,
};

int64_t api_parse_time(const char *text)
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

void api_read_error(const struct transport_response *resp, char *message,
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

int api_map_transport(int error)
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

int api_map_status(long status)
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

void api_set_message(char *message, size_t size, int error)
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
	parsed.expires_at = api_parse_time(
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
		api_set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	error = transport_request(transport, "POST", PATH_SESSIONS,
				  api_json_headers, body, &resp);
	explicit_bzero(body, strlen(body));
	free(body);
	if (error != TRANSPORT_OK) {
		error = api_map_transport(error);
		api_set_message(message, message_size, error);
		return error;
	}

	if (resp.status == 201 || resp.status == 200) {
		error = parse_login(resp.body, out);
		api_set_message(message, message_size, error);
	} else if (resp.status == 401) {
		error = API_EAUTH;
		api_read_error(&resp, message, message_size);
	} else {
		error = api_map_status(resp.status);
		api_read_error(&resp, message, message_size);
	}
	free(resp.body);
	return error;
}

bool api_is_account_number(const char *text)
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

	if (!api_is_account_number(account) || token == NULL ||
	    token[0] == '\0') {
		api_set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	snprintf(authorization, sizeof(authorization),
		 "Authorization: Bearer %s", token);
	snprintf(path, sizeof(path), "%s%s", PATH_WALLETS, account);
	error = transport_request(transport, "GET", path, headers, NULL,
				  &resp);
	explicit_bzero(authorization, sizeof(authorization));
	if (error != TRANSPORT_OK) {
		error = api_map_transport(error);
		api_set_message(message, message_size, error);
		return error;
	}
	if (resp.status == 200) {
		error = parse_wallet(resp.body, out);
		api_set_message(message, message_size, error);
	} else {
		error = api_map_status(resp.status);
		api_read_error(&resp, message, message_size);
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
	int error;

	if (token == NULL || token[0] == '\0' || value == NULL ||
	    (by == API_CUSTOMER_BY_PHONE && !is_e164(value)) ||
	    (by == API_CUSTOMER_BY_WALLET && !api_is_account_number(value)) ||
	    (by != API_CUSTOMER_BY_PHONE && by != API_CUSTOMER_BY_WALLET)) {
		api_set_message(message, message_size, API_EINVAL);
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
		error = api_map_transport(error);
		api_set_message(message, message_size, error);
		return error;
	}
	if (resp.status == 200) {
		error = api_customer_decode(resp.body, out);
		api_set_message(message, message_size, error);
	} else {
		error = api_map_status(resp.status);
		api_read_error(&resp, message, message_size);
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
	const char *headers[] = { authorization, api_json_headers[0],
				  api_json_headers[1], NULL };
	json_t *request;
	char *body;
	int error;

	if (token == NULL || token[0] == '\0' || old_password == NULL ||
	    new_password == NULL) {
		api_set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	request = json_pack("{s:s, s:s}", "old_password", old_password,
			    "new_password", new_password);
	body = request != NULL ? json_dumps(request, JSON_COMPACT) : NULL;
	json_decref(request);
	if (body == NULL) {
		api_set_message(message, message_size, API_EINVAL);
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
		error = api_map_transport(error);
		api_set_message(message, message_size, error);
		return error;
	}

	if (resp.status == 204 || resp.status == 200) {
		error = API_OK;
		api_set_message(message, message_size, error);
	} else {
		error = api_map_status(resp.status);
		api_read_error(&resp, message, message_size);
		if (resp.status == 401 &&
		    reply_has_code(&resp, "invalid_credentials"))
			error = API_EAUTH;
	}
	free(resp.body);
	return error;
}

/* Add the fields of op's secret part, if it has one, to root. Returns 0,
 * or -1 when the secret is not a JSON object or repeats a payload field.
 * The secret's text never goes to the log. */
static int merge_secret(json_t *root, const struct operation *op)
{
	json_t *secret;
	const char *key;
	json_t *value;
	int rc = 0;

	if (op->secret[0] == '\0')
		return 0;
	secret = json_loads(op->secret, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(secret)) {
		json_decref(secret);
		return -1;
	}
	json_object_foreach(secret, key, value) {
		if (json_object_get(root, key) != NULL ||
		    json_object_set(root, key, value) != 0) {
			rc = -1;
			break;
		}
	}
	json_decref(secret);
	return rc;
}

json_t *api_operation_json(const struct operation *op)
{
	char created[32];
	json_t *root;

	root = json_loads(op->payload, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root) ||
	    api_strip_receipt_fields(op->type, root) != API_OK ||
	    merge_secret(root, op) != 0)
		goto fail;
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
	json_t *root = api_operation_json(op);
	char *text = NULL;

	if (root != NULL)
		text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return text;
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
 * central service rejects with 400. api_operation_json refuses unknown
 * types before a path is needed. */
static void operation_path(const struct operation *op, char *path,
			   size_t size)
{
	struct customer_update update = { 0 };
	size_t count = sizeof(operation_paths) / sizeof(operation_paths[0]);

	if (strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) == 0) {
		if (api_customer_update_decode(op->payload, &update) != API_OK)
			snprintf(update.customer_id,
				 sizeof(update.customer_id), "invalid");
		snprintf(path, size, "%s/%s%s", PATH_CUSTOMERS,
			 update.customer_id, PATH_PROFILE);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		if (strcmp(op->type, operation_paths[i].type) == 0) {
			snprintf(path, size, "%s", operation_paths[i].path);
			return;
		}
	}
	snprintf(path, size, "%s", "/v1/invalid");
}

void api_submit(struct transport *transport, const struct operation *op,
		struct api_outcome *out)
{
	struct transport_response resp;
	char key_header[JOURNAL_ID_SIZE + 32];
	const char *headers[] = { api_json_headers[0], api_json_headers[1],
				  key_header, NULL };
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
	/* The body may carry the operation's secret part. */
	explicit_bzero(body, strlen(body));
	free(body);
	if (error != TRANSPORT_OK) {
		out->result = api_map_transport(error);
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
			api_read_version_conflict(
				json_object_get(root, "current"), op, out);
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
		json_t *item = api_operation_json(&ops[i]);

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
		api_read_version_conflict(json_object_get(item, "current"),
					  op, out);
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
	error = transport_request(transport, "POST", PATH_BATCH,
				  api_json_headers, body, &resp);
	/* The body may carry the operations' secret parts. */
	explicit_bzero(body, strlen(body));
	free(body);
	if (error != TRANSPORT_OK) {
		fail_all(outcomes, n, api_map_transport(error),
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
		api_read_error(&resp, message, sizeof(message));
		fail_all(outcomes, n, result, message, resp.retry_after);
	}
	free(resp.body);
}

int api_policy_fetch(struct transport *transport, char *json, size_t size)
{
	struct transport_response resp;
	int error;

	error = transport_request(transport, "GET", PATH_POLICY,
				  api_json_headers, NULL, &resp);
	if (error != TRANSPORT_OK)
		return api_map_transport(error);
	if (resp.status != 200) {
		error = api_map_status(resp.status);
	} else if (api_check_policy_rules(resp.body) != API_OK) {
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

int api_ping(struct transport *transport)
{
	struct transport_response resp;
	int error;

	error = transport_request(transport, "GET", PATH_HEALTH,
				  api_json_headers, NULL, &resp);
	if (error != TRANSPORT_OK)
		return api_map_transport(error);
	error = resp.status == 200 ? API_OK : api_map_status(resp.status);
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
