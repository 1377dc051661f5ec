/* ISO 4217 currency table, parsing of amounts typed by an agent into
 * integer minor units, and formatting of minor units for screens and
 * receipts. Integer arithmetic only. */
#include "currency.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Active currencies of ISO 4217 Table A.1 ("list one", as published by the
 * maintenance agency SIX on 2024-06-25) with their minor-unit exponents.
 * Funds (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI) and the codes without
 * minor units (XAG, XAU, XBA-XBD, XDR, XPD, XPT, XSU, XTS, XUA, XXX) are
 * left out, so operations in them are rejected as unknown currencies.
 * NOTE: amendments published after 2024-06-25 are not applied here. */
static const struct currency currencies[] = {
	{"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2},
	{"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2}, {"AZN", 2},
	{"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3},
	{"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2},
	{"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2},
	{"CAD", 2}, {"CDF", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2},
	{"COP", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2},
	{"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2},
	{"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2},
	{"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2},
	{"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2},
	{"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2},
	{"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
	{"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2},
	{"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2},
	{"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2},
	{"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2},
	{"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2},
	{"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2},
	{"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2},
	{"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
	{"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0},
	{"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0},
	{"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2},
	{"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2},
	{"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2},
	{"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2},
	{"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2},
	{"UGX", 0}, {"USD", 2}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2},
	{"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2},
	{"XAF", 0}, {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2},
	{"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
};

#define CURRENCY_COUNT (sizeof(currencies) / sizeof(currencies[0]))

static bool is_upper_code(const char *code)
{
	for (int i = 0; i < 3; i++) {
		if (code[i] < 'A' || code[i] > 'Z')
			return false;
	}
	return code[3] == '\0';
}

const struct currency *currency_find(const char *code)
{
	if (code == NULL || !is_upper_code(code))
		return NULL;

	for (size_t i = 0; i < CURRENCY_COUNT; i++) {
		if (memcmp(currencies[i].code, code, 4) == 0)
			return &currencies[i];
	}
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Append one decimal digit to *value, or return false when the result
 * would pass CURRENCY_AMOUNT_MAX. */
static bool append_digit(int64_t *value, int digit)
{
	if (*value > (CURRENCY_AMOUNT_MAX - digit) / 10)
		return false;
	*value = *value * 10 + digit;
	return true;
}

/* Check the shape of an amount between begin and end: one or more digits,
 * optionally a '.' followed by one or more digits. Sets *decimals to the
 * number of digits after the point. */
static int check_syntax(const char *begin, const char *end, int *decimals)
{
	const char *p = begin;
	const char *point = NULL;

	if (p == end)
		return CURRENCY_ESYNTAX;

	for (; p < end; p++) {
		if (*p == '.' && point == NULL) {
			point = p;
			continue;
		}
		if (!is_digit(*p))
			return CURRENCY_ESYNTAX;
	}

	if (point == begin || point == end - 1)
		return CURRENCY_ESYNTAX;
	*decimals = point == NULL ? 0 : (int)(end - point - 1);
	return CURRENCY_OK;
}

int currency_parse(const char *code, const char *text, int64_t *minor)
{
	const struct currency *currency = currency_find(code);
	const char *begin;
	const char *end;
	int decimals = 0;
	int64_t value = 0;
	int rc;

	if (currency == NULL)
		return CURRENCY_EUNKNOWN;
	if (text == NULL)
		return CURRENCY_ESYNTAX;

	/* Form fields pad with spaces, so spaces around the amount are
	 * dropped; nothing else is. */
	begin = text;
	while (*begin == ' ')
		begin++;
	end = begin + strlen(begin);
	while (end > begin && end[-1] == ' ')
		end--;

	rc = check_syntax(begin, end, &decimals);
	if (rc != CURRENCY_OK)
		return rc;
	if (decimals > currency->exponent)
		return CURRENCY_EPRECISION;

	/* The syntax is known to be good, so every character but the point
	 * is a digit. The value is capped at the maximum, so it cannot
	 * overflow however many digits there are. */
	for (const char *p = begin; p < end; p++) {
		if (*p == '.')
			continue;
		if (!append_digit(&value, *p - '0'))
			return CURRENCY_ERANGE;
	}
	for (int i = decimals; i < currency->exponent; i++) {
		if (!append_digit(&value, 0))
			return CURRENCY_ERANGE;
	}

	if (value < 1)
		return CURRENCY_ERANGE;
	*minor = value;
	return CURRENCY_OK;
}

/* Write magnitude as "1,234.56" backwards from end, and return the start.
 * The caller's buffer must hold CURRENCY_TEXT_MAX bytes. */
static char *format_backwards(uint64_t magnitude, int exponent, char *end)
{
	char *p = end;
	int group = 0;

	for (int i = 0; i < exponent; i++) {
		*--p = (char)('0' + magnitude % 10);
		magnitude /= 10;
	}
	if (exponent > 0)
		*--p = '.';

	do {
		if (group == 3) {
			*--p = ',';
			group = 0;
		}
		*--p = (char)('0' + magnitude % 10);
		magnitude /= 10;
		group++;
	} while (magnitude > 0);

	return p;
}

int currency_format(const char *code, int64_t minor, char *buf, size_t size)
{
	const struct currency *currency = currency_find(code);
	char text[CURRENCY_TEXT_MAX];
	char *end = text + sizeof(text) - 1;
	char *start;
	uint64_t magnitude;
	size_t length;

	if (currency == NULL)
		return CURRENCY_EUNKNOWN;
	if (buf == NULL || size == 0)
		return CURRENCY_ESPACE;

	/* The magnitude of INT64_MIN does not fit in int64_t, so negate in
	 * unsigned arithmetic. */
	magnitude = minor < 0 ? 0 - (uint64_t)minor : (uint64_t)minor;

	/* 19 digits, 6 commas, a point and a sign fit in CURRENCY_TEXT_MAX
	 * for every exponent in the table (4 at most). */
	*end = '\0';
	start = format_backwards(magnitude, currency->exponent, end);
	if (minor < 0)
		*--start = '-';

	length = (size_t)(end - start);
	if (length + 1 > size) {
		buf[0] = '\0';
		return CURRENCY_ESPACE;
	}
	memcpy(buf, start, length + 1);
	return (int)length;
}

const char *currency_strerror(int error)
{
	switch (error) {
	case CURRENCY_OK:
		return "Success";
	case CURRENCY_EUNKNOWN:
		return "Currency code is not a known ISO 4217 code";
	case CURRENCY_ESYNTAX:
		return "Amount must be digits with at most one decimal point, "
		       "and a digit on each side of it";
	case CURRENCY_EPRECISION:
		return "Amount has more decimals than the currency allows";
	case CURRENCY_ERANGE:
		return "Amount must be above zero and at most "
		       "1,000,000,000,000,000 minor units";
	case CURRENCY_ESPACE:
		return "Output buffer is too small for the amount";
	default:
		return "Unknown currency error";
	}
}

/* Write an amount of currency to show in messages: 12.50 with two
 * decimals, 12.5 with one, 12 with none. */
static void example_amount(const struct currency *currency, char *buf,
			   size_t size)
{
	int64_t minor = 12;

	if (currency->exponent >= 1) {
		minor = 125;
		for (int i = 1; i < currency->exponent; i++)
			minor *= 10;
	}
	if (currency_format(currency->code, minor, buf, size) < 0)
		snprintf(buf, size, "12");
}

/* The longest run of digits a message quotes from what was typed. */
#define QUOTED_DIGITS_MAX 20

/* Describe a CURRENCY_ESYNTAX amount: a character that is no digit,
 * several points, or a point without digits on both sides. Only digits
 * of the text are quoted. */
static void describe_syntax(const struct currency *currency, const char *text,
			    const char *example, char *message, size_t size)
{
	const char *begin = text == NULL ? "" : text;
	size_t length;
	size_t digits;
	size_t points = 0;
	size_t others = 0;

	while (*begin == ' ')
		begin++;
	length = strlen(begin);
	while (length > 0 && begin[length - 1] == ' ')
		length--;
	for (size_t i = 0; i < length; i++) {
		if (begin[i] == '.')
			points++;
		else if (!is_digit(begin[i]))
			others++;
	}
	digits = length - points - others;

	if (length == 0) {
		snprintf(message, size, "Enter the amount, e.g. %s", example);
	} else if (others > 0) {
		snprintf(message, size,
			 "Amount has a character that is not a digit: type "
			 "only digits and one decimal point, e.g. %s",
			 example);
	} else if (points > 1) {
		snprintf(message, size,
			 "Amount has %zu decimal points: type one at most, "
			 "e.g. %s", points, example);
	} else if (digits == 0) {
		snprintf(message, size,
			 "Amount has no digits: type e.g. %s", example);
	} else if (begin[0] == '.') {
		snprintf(message, size,
			 "Amount starts with a decimal point: type a digit "
			 "before it, as in 0%.*s", QUOTED_DIGITS_MAX + 1,
			 begin);
	} else if (currency->exponent == 0) {
		snprintf(message, size,
			 "Amount ends with a decimal point, and %s has no "
			 "decimals: type %.*s", currency->code,
			 (int)(digits < QUOTED_DIGITS_MAX ? digits
							 : QUOTED_DIGITS_MAX),
			 begin);
	} else {
		int shown = (int)(digits < QUOTED_DIGITS_MAX
					  ? digits
					  : QUOTED_DIGITS_MAX);

		snprintf(message, size,
			 "Amount ends with a decimal point: type %.*s or "
			 "%.*s.%.*s", shown, begin, shown, begin,
			 currency->exponent, "0000");
	}
}

/* Whether text has a digit other than 0, so that a CURRENCY_ERANGE is
 * above the maximum rather than zero. */
static bool has_nonzero_digit(const char *text)
{
	return text != NULL && strpbrk(text, "123456789") != NULL;
}

void currency_describe_error(const char *code, const char *text, int error,
			     char *message, size_t message_size)
{
	const struct currency *currency = currency_find(code);
	char example[CURRENCY_TEXT_MAX];
	char limit[CURRENCY_TEXT_MAX];

	if (message == NULL || message_size == 0)
		return;
	if (currency == NULL) {
		snprintf(message, message_size,
			 "Unknown currency: use an ISO 4217 code such as GHS");
		return;
	}
	example_amount(currency, example, sizeof(example));
	switch (error) {
	case CURRENCY_ESYNTAX:
		describe_syntax(currency, text, example, message,
				message_size);
		return;
	case CURRENCY_EPRECISION:
		if (currency->exponent == 0)
			snprintf(message, message_size,
				 "%s has no decimals: type whole units, "
				 "e.g. %s", currency->code, example);
		else
			snprintf(message, message_size,
				 "%s has at most %d decimal%s: type e.g. %s",
				 currency->code, currency->exponent,
				 currency->exponent == 1 ? "" : "s", example);
		return;
	case CURRENCY_ERANGE:
		if (!has_nonzero_digit(text)) {
			snprintf(message, message_size,
				 "Amount must be above zero: type e.g. %s",
				 example);
			return;
		}
		if (currency_format(code, CURRENCY_AMOUNT_MAX, limit,
				    sizeof(limit)) < 0)
			snprintf(limit, sizeof(limit), "?");
		snprintf(message, message_size,
			 "Amount is above the maximum of %s %s",
			 currency->code, limit);
		return;
	default:
		snprintf(message, message_size, "%s",
			 currency_strerror(error));
		return;
	}
}
