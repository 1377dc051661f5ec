/* Helpers shared by api.c (HTTP requests and replies) and api_payload.c
 * (JSON payload codecs): small JSON readers and the codecs replies use. */
#ifndef SPOTAGENT_API_INTERNAL_H
#define SPOTAGENT_API_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "api.h"

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
