/* ISO 4217 currencies and amounts in integer minor units.
 * No floating point touches money anywhere in spotagent. */
#ifndef SPOTAGENT_CURRENCY_H
#define SPOTAGENT_CURRENCY_H

#include <stddef.h>
#include <stdint.h>

/* Largest amount accepted in minor units: 10^15, far above any single
 * agent operation and far below INT64_MAX so sums cannot overflow. */
#define CURRENCY_AMOUNT_MAX 1000000000000000LL

/* Longest formatted amount including the terminating NUL. */
#define CURRENCY_TEXT_MAX 32

enum currency_error {
	CURRENCY_OK = 0,
	CURRENCY_EUNKNOWN = -1,   /* code is not in the ISO 4217 table */
	CURRENCY_ESYNTAX = -2,    /* text is not a decimal amount */
	CURRENCY_EPRECISION = -3, /* more decimals than the exponent */
	CURRENCY_ERANGE = -4,     /* zero, negative or above the maximum */
	CURRENCY_ESPACE = -5,     /* output buffer too small */
};

struct currency {
	char code[4];      /* alphabetic code, e.g. "GHS" */
	int exponent;      /* digits after the decimal point */
};

/* Look up an alphabetic code (upper case, exactly three letters).
 * Returns NULL when the code is not known. */
const struct currency *currency_find(const char *code);

/* Parse text typed by an agent ("12", "12.5", "12.50") into minor units of
 * the currency `code`. Digit grouping and signs are not accepted; spaces
 * around the amount are. Returns CURRENCY_OK and sets *minor, or a negative
 * currency_error and leaves *minor unchanged. A NULL code is
 * CURRENCY_EUNKNOWN and a NULL text CURRENCY_ESYNTAX. */
int currency_parse(const char *code, const char *text, int64_t *minor);

/* Format `minor` units of `code` as "1,234.50" (grouped thousands, exactly
 * `exponent` decimals, a leading '-' when negative) into buf. Returns the
 * length written without the NUL, or a negative currency_error. On
 * CURRENCY_ESPACE, buf contains the empty string when size > 0. */
int currency_format(const char *code, int64_t minor, char *buf, size_t size);

/* Return a static one-line message for a currency_error. */
const char *currency_strerror(int error);

/* Write a one-line message for the agent on why currency_parse(code,
 * text) returned error: what is wrong with the amount and what to type
 * instead, naming the maximum with its currency for an amount above it.
 * The message quotes no more of text than its digits. */
void currency_describe_error(const char *code, const char *text, int error,
			     char *message, size_t message_size);

#endif
