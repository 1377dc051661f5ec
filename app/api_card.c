/* The card lookup request of the API client: the one place that contains
 * its path and field names (docs/api.md, POST /v1/cards/lookup). */
#define LOG_MODULE "api"
#include "api_card.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "log.h"
#include "uuid.h"

#define PATH_CARDS_LOOKUP "/v1/cards/lookup"

/* Whether pan is 12 to 19 digits that pass the Luhn check. */
static bool is_pan(const char *pan)
{
	size_t length;

	if (pan == NULL)
		return false;
	length = strnlen(pan, CARD_PAN_SIZE);
	return length >= 12 && length < CARD_PAN_SIZE && card_luhn_ok(pan);
}

static int parse_card_account(const char *body, struct api_card_account *out)
{
	struct api_card_account parsed = { 0 };
	json_t *root = json_loads(body, 0, NULL);
	int result = API_EPROTOCOL;

	if (copy_string(root, "account", parsed.account,
			sizeof(parsed.account)) != 0 ||
	    !api_is_account_number(parsed.account) ||
	    copy_string(root, "holder_name", parsed.holder_name,
			sizeof(parsed.holder_name)) != 0 ||
	    copy_string(root, "currency", parsed.currency,
			sizeof(parsed.currency)) != 0 ||
	    copy_string(root, "customer_id", parsed.customer_id,
			sizeof(parsed.customer_id)) != 0 ||
	    !uuid_is_valid(parsed.customer_id) ||
	    copy_string(root, "pan_last4", parsed.pan_last4,
			sizeof(parsed.pan_last4)) != 0 ||
	    strlen(parsed.pan_last4) != 4 ||
	    strspn(parsed.pan_last4, "0123456789") != 4)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(root);
	return result;
}

/* Build the request body {"pan": "..."}. Returns text the caller wipes
 * and frees, or NULL. */
static char *encode_request(const char *pan)
{
	json_t *request = json_pack("{s:s}", "pan", pan);
	char *body = request != NULL ? json_dumps(request, JSON_COMPACT) : NULL;
	json_t *value = json_object_get(request, "pan");

	/* jansson keeps its own copy of the string until the object goes. */
	if (json_is_string(value))
		explicit_bzero((char *)json_string_value(value), strlen(pan));
	json_decref(request);
	return body;
}

int api_card_lookup(struct transport *transport, const char *token,
		    const char *pan, struct api_card_account *out,
		    char *message, size_t message_size)
{
	struct transport_response resp;
	char authorization[API_TOKEN_SIZE + 32];
	const char *headers[] = { authorization, api_json_headers[0],
				  api_json_headers[1], NULL };
	char *body;
	int error;

	if (!is_pan(pan) || token == NULL || token[0] == '\0') {
		api_set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	body = encode_request(pan);
	if (body == NULL) {
		api_set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	snprintf(authorization, sizeof(authorization),
		 "Authorization: Bearer %s", token);
	error = transport_request(transport, "POST", PATH_CARDS_LOOKUP,
				  headers, body, &resp);
	explicit_bzero(authorization, sizeof(authorization));
	explicit_bzero(body, strlen(body));
	free(body);
	if (error != TRANSPORT_OK) {
		error = api_map_transport(error);
		api_set_message(message, message_size, error);
		return error;
	}

	if (resp.status == 200) {
		error = parse_card_account(resp.body, out);
		api_set_message(message, message_size, error);
	} else {
		error = api_map_status(resp.status);
		api_read_error(&resp, message, message_size);
	}
	free(resp.body);
	return error;
}
