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

/* The request body {"pan":"<digits>"}: 9 + 19 + 2 bytes and a NUL. */
#define REQUEST_SIZE 32

/* Write the request body {"pan":"..."} into body (REQUEST_SIZE bytes),
 * which the caller wipes. pan must have passed card_pan_valid: digits
 * only, so it needs no JSON escaping, and the text is what jansson's
 * json_dumps(JSON_COMPACT) gives. Formatting it here, not in jansson,
 * keeps the PAN out of heap blocks that are freed without a wipe.
 * Returns 0, or -1 when the body does not fit. */
static int encode_request(const char *pan, char *body)
{
	int written = snprintf(body, REQUEST_SIZE, "{\"pan\":\"%s\"}", pan);

	return written > 0 && written < REQUEST_SIZE ? 0 : -1;
}

int api_card_lookup(struct transport *transport, const char *token,
		    const char *pan, struct api_card_account *out,
		    char *message, size_t message_size)
{
	struct transport_response resp;
	char authorization[API_TOKEN_SIZE + 32];
	const char *headers[] = { authorization, api_json_headers[0],
				  api_json_headers[1], NULL };
	char body[REQUEST_SIZE];
	int error;

	if (!card_pan_valid(pan) || token == NULL || token[0] == '\0') {
		api_set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	if (encode_request(pan, body) != 0) {
		explicit_bzero(body, sizeof(body));
		api_set_message(message, message_size, API_EINVAL);
		return API_EINVAL;
	}
	snprintf(authorization, sizeof(authorization),
		 "Authorization: Bearer %s", token);
	/* NOTE: libcurl 7.88 copies a CURLOPT_POSTFIELDS body under 64 KiB
	 * into its HTTP/1.1 request buffer after the headers (lib/http.c,
	 * Curl_http_bodysend). It frees that buffer without wiping it, so
	 * the PAN and the token stay in a freed heap block out of this
	 * code's reach. CURLOPT_COPYPOSTFIELDS would add a copy, not remove
	 * this one. */
	error = transport_request(transport, "POST", PATH_CARDS_LOOKUP,
				  headers, body, &resp);
	explicit_bzero(authorization, sizeof(authorization));
	explicit_bzero(body, sizeof(body));
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
