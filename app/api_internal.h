/* Helpers shared by the API client's files (api.c, api_payload.c,
 * api_money.c, api_requests.c) and refdata.c: small JSON readers, request
 * and error mapping helpers, and the checks of reference data. */
#ifndef SPOTAGENT_API_INTERNAL_H
#define SPOTAGENT_API_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "api.h"
#include "api_money.h"

/* Content-Type and Accept for JSON, NULL-terminated. */
extern const char *const api_json_headers[];

/* Parse "2026-12-04T15:00:00Z" into Unix seconds. Returns -1 on bad text
 * or NULL. */
int64_t api_parse_time(const char *text);

/* Map a transport_error to an api_error. */
int api_map_transport(int error);

/* Map an HTTP error status of a request that is not a journaled
 * operation to an api_error (401 and 403 are API_ESESSION). */
int api_map_status(long status);

/* Copy the message of an error reply's error object (or its code, or the
 * status) into message and log the status and code for operators. */
void api_read_error(const struct transport_response *resp, char *message,
		    size_t size);

/* Write api_strerror(error) into message when it is not NULL. */
void api_set_message(char *message, size_t size, int error);

/* Whether text is a wallet account number: 6 to 20 ASCII digits. */
bool api_is_account_number(const char *text);

/* Delete from a journaled operation's request object the payload fields
 * of `type` kept only for the receipt. Returns API_OK, or API_EINVAL for
 * a type that is not a journaled operation. */
int api_strip_receipt_fields(const char *type, json_t *root);

/* Build the request object of a journaled operation, as api_submit and
 * api_submit_batch send it: its payload, less the fields kept only for
 * the receipt, plus the fields of its secret part, the id, the agent and
 * the creation time. The text is the same on every resend, as the
 * idempotency rules require. Returns a new reference the caller
 * releases with json_decref, or NULL for an unreadable payload, an
 * unknown type, or a secret that is not a JSON object or repeats a
 * payload field. */
json_t *api_operation_json(const struct operation *op);

/* Check that json is reference data of kind `which` in the documented
 * form (GET /v1/fees, /v1/banks or /v1/corridors). Returns API_OK,
 * API_EPROTOCOL (and logs what is wrong), or API_EINVAL for an unknown
 * kind. */
int api_reference_check(enum api_reference which, const char *json);

/* Copy a JSON string member into buf. Returns 0, or -1 when it is missing,
 * not a string, empty, or does not fit. */
static inline int copy_string(json_t *object, const char *key, char *buf,
			      size_t size)
{
	const char *text = json_string_value(json_object_get(object, key));

	if (text == NULL || text[0] == '\0' || strlen(text) >= size)
		return -1;
	memcpy(buf, text, strlen(text) + 1);
	return 0;
}

/* Copy an optional JSON string member (absent or null gives "") into
 * buf. Returns 0, or -1 when it has another type or does not fit. */
static inline int copy_optional(json_t *object, const char *key, char *buf,
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

/* Read an integer member within min..max into *out. Returns 0, or -1 when
 * it is missing, not an integer or out of range (*out unchanged). */
static inline int read_integer(json_t *object, const char *key, int64_t min,
			       int64_t max, int64_t *out)
{
	json_t *value = json_object_get(object, key);

	if (!json_is_integer(value) || json_integer_value(value) < min ||
	    json_integer_value(value) > max)
		return -1;
	*out = (int64_t)json_integer_value(value);
	return 0;
}

/* Dump object as compact JSON with sorted keys into buf, wipe the dumped
 * text, which may be a cash-out's secret part, and release object.
 * Returns API_OK, or API_EINVAL when object is NULL or the text does not
 * fit in `size` bytes. */
int api_dump_payload(json_t *object, char *buf, size_t size);

/* Parse a journaled payload. Returns a new reference to its JSON object,
 * or NULL when payload is NULL, not JSON, repeats a key or is not an
 * object. */
json_t *api_load_payload(const char *payload);

/* Read the optional "fee" member of a payload: absent gives 0, else an
 * integer 0..CURRENCY_AMOUNT_MAX. Returns 0 or -1. */
int api_read_fee(json_t *object, int64_t *fee);

/* Fill keys with the dependency keys of a money operation of `type` other
 * than a wallet transfer (api_dependency_keys). Returns API_OK, or
 * API_EPROTOCOL for an unreadable payload or another type. */
int api_money_dependency_keys(const char *type, const char *payload,
			      char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE]);

/* Write a 412 version conflict's reason into out->message and set
 * out->result to API_ECONFLICT_VERSION. The reason lists, for each field
 * that the update op changes, the value in the central service's `current`
 * profile and the update's value. The longest values are cut one character
 * at a time until the reason has at most API_CONFLICT_REASON_MAX bytes,
 * the form that customer_conflict_parse reads. */
void api_read_version_conflict(json_t *current, const struct operation *op,
			       struct api_outcome *out);

/* Check every rule of the policy text json, so that a malformed policy
 * never replaces the cached one. Returns API_OK, or API_EPROTOCOL (and
 * logs the operation type) when the text is not a policy or a rule is
 * malformed. */
int api_check_policy_rules(const char *json);

#endif
