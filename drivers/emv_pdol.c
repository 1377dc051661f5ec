/* The terminal's answers to a card's PDOL: a table of fixed defaults
 * plus the date, time and unpredictable number, formatted by the DOL
 * rules of EMV Book 3 5.4. */
#include "card.h"
#include "emv_internal.h"
#include "tlv.h"

#include <errno.h>
#include <mbedtls/platform_util.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define VALUE_MAX 6
#define RANDOM_TRIES 3

/* EMV format n (BCD, right-aligned) or anything else (b, an, ans). */
enum value_format { FORMAT_NUMERIC, FORMAT_OTHER };

struct terminal_default {
	uint32_t tag;
	enum value_format format;
	size_t len;
	uint8_t value[VALUE_MAX];
};

/* Fixed terminal data for reading a card to identify the account: no
 * amount, no CVM, no offline data authentication.
 * NOTE: the country and currency (566, Nigeria and naira, ISO 3166-1
 * and ISO 4217) are fixed here until the agent's country is configured.
 * NOTE: the bit meanings of 9F66, 9F33 and 9F40 follow EMV Book 4 Annex
 * A and the contactless kernel specifications as recalled; they were
 * not checked against the texts. */
static const struct terminal_default defaults[] = {
	/* Terminal Transaction Qualifiers: qVSDC, online PIN, signature. */
	{0x9F66, FORMAT_OTHER, 4, {0x26, 0x00, 0x00, 0x00}},
	{0x9F02, FORMAT_NUMERIC, 6, {0}}, /* Amount, Authorised: zero */
	{0x9F03, FORMAT_NUMERIC, 6, {0}}, /* Amount, Other: zero */
	{0x9F1A, FORMAT_NUMERIC, 2, {0x05, 0x66}}, /* Terminal Country */
	{0x5F2A, FORMAT_NUMERIC, 2, {0x05, 0x66}}, /* Transaction Currency */
	{0x5F36, FORMAT_NUMERIC, 1, {0x02}}, /* Currency Exponent */
	/* Transaction Type 31: balance inquiry (ISO 8583 processing code). */
	{0x9C, FORMAT_NUMERIC, 1, {0x31}},
	{0x95, FORMAT_OTHER, 5, {0}}, /* Terminal Verification Results */
	/* Terminal Type 22: attended, merchant, offline with online. */
	{0x9F35, FORMAT_NUMERIC, 1, {0x22}},
	/* Terminal Capabilities: manual entry, magnetic stripe, IC. */
	{0x9F33, FORMAT_OTHER, 3, {0xE0, 0x00, 0x00}},
	/* Additional Terminal Capabilities: cash, inquiry, transfer, cash
	 * deposit; keys; attendant printer and display; code table 1. */
	{0x9F40, FORMAT_OTHER, 5, {0x8C, 0x01, 0xF0, 0xA0, 0x01}},
};

static uint8_t to_bcd(int value)
{
	return (uint8_t)((value / 10) << 4 | (value % 10));
}

static int fill_random(uint8_t *out, size_t len)
{
	for (int i = 0; i < RANDOM_TRIES; i++) {
		ssize_t n = getrandom(out, len, 0);

		if (n == (ssize_t)len)
			return CARD_OK;
		if (n < 0 && errno != EINTR)
			break;
	}
	return CARD_EUNSUPPORTED;
}

/* The value the terminal has for tag: 1 with *len bytes in value, 0 when
 * it has none, or a negative card_error. */
static int find_value(uint32_t tag, uint8_t *value, size_t *len,
		      enum value_format *format)
{
	time_t now = time(NULL);
	struct tm utc;

	*format = FORMAT_NUMERIC;
	if (tag == 0x9A || tag == 0x9F21) {
		/* Transaction Date YYMMDD, Transaction Time HHMMSS, in UTC. */
		gmtime_r(&now, &utc);
		value[0] = to_bcd(tag == 0x9A ? utc.tm_year % 100 :
						utc.tm_hour);
		value[1] = to_bcd(tag == 0x9A ? utc.tm_mon + 1 : utc.tm_min);
		value[2] = to_bcd(tag == 0x9A ? utc.tm_mday : utc.tm_sec % 60);
		*len = 3;
		return 1;
	}
	if (tag == 0x9F37) {
		*format = FORMAT_OTHER;
		*len = 4;
		return fill_random(value, 4) == CARD_OK ? 1 : CARD_EUNSUPPORTED;
	}
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if (defaults[i].tag != tag)
			continue;
		memcpy(value, defaults[i].value, defaults[i].len);
		*len = defaults[i].len;
		*format = defaults[i].format;
		return 1;
	}
	return 0;
}

/* Fit have bytes of value into want bytes at out (EMV Book 3 5.4):
 * numeric values lose or gain leading bytes, others trailing bytes. */
static void fit_value(uint8_t *out, size_t want, const uint8_t *value,
		      size_t have, enum value_format format)
{
	memset(out, 0, want);
	if (want <= have) {
		if (format == FORMAT_NUMERIC)
			memcpy(out, value + (have - want), want);
		else
			memcpy(out, value, want);
	} else if (format == FORMAT_NUMERIC) {
		memcpy(out + (want - have), value, have);
	} else {
		memcpy(out, value, have);
	}
}

int emv_pdol_build(const uint8_t *dol, size_t len, uint8_t *out,
		   size_t size, size_t *got)
{
	struct tlv_cursor cursor;
	uint8_t value[VALUE_MAX];
	enum value_format format;
	uint32_t tag;
	size_t want;
	size_t have;
	int rc;

	*got = 0;
	tlv_cursor_init(&cursor, dol, len);
	for (;;) {
		rc = tlv_next_dol(&cursor, &tag, &want);
		if (rc == 0)
			break;
		if (rc < 0 || want > size - *got) {
			rc = CARD_EDATA;
			break;
		}
		rc = find_value(tag, value, &have, &format);
		if (rc < 0)
			break;
		if (rc == 0)
			memset(out + *got, 0, want);
		else
			fit_value(out + *got, want, value, have, format);
		*got += want;
	}
	mbedtls_platform_zeroize(value, sizeof(value));
	if (rc < 0)
		*got = 0;
	return rc < 0 ? rc : CARD_OK;
}
