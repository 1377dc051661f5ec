/* Unit tests for app/currency.c: the ISO 4217 table, parsing typed amounts
 * into minor units, and formatting minor units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../app/currency.h"

struct find_case {
	const char *code;
	int exponent; /* -1: not found */
};

static const struct find_case find_cases[] = {
	{"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"CNY", 2}, {"INR", 2},
	{"JPY", 0}, {"KWD", 3}, {"BHD", 3}, {"OMR", 3}, {"JOD", 3},
	{"TND", 3}, {"LYD", 3}, {"IQD", 3}, {"XOF", 0}, {"XAF", 0},
	{"UGX", 0}, {"RWF", 0}, {"KMF", 0}, {"GNF", 0}, {"BIF", 0},
	{"DJF", 0}, {"GHS", 2}, {"KES", 2}, {"NGN", 2}, {"ZAR", 2},
	{"TZS", 2}, {"ZMW", 2}, {"MWK", 2}, {"ETB", 2}, {"EGP", 2},
	{"MAD", 2}, {"DZD", 2}, {"SLE", 2}, {"ZWG", 2}, {"MRU", 2},
	{"STN", 2}, {"SSP", 2}, {"CDF", 2}, {"MGA", 2}, {"SZL", 2},
	{"UYW", 4},
	{"usd", -1}, {"Usd", -1}, {"US", -1}, {"USDX", -1}, {"", -1},
	{"XXX", -1}, {"XTS", -1}, {"XAU", -1}, {"USN", -1}, {"ZWL", -1},
	{"SLL", -1}, {"ABC", -1}, {"U$D", -1}, {NULL, -1},
};

static void find_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(find_cases) / sizeof(find_cases[0]);
	     i++) {
		const struct find_case *c = &find_cases[i];
		const struct currency *found = currency_find(c->code);

		if ((found == NULL) != (c->exponent < 0))
			print_message("failing case %zu: %s\n", i,
				      c->code ? c->code : "NULL");
		if (c->exponent < 0) {
			assert_null(found);
			continue;
		}
		assert_non_null(found);
		assert_string_equal(found->code, c->code);
		assert_int_equal(found->exponent, c->exponent);
	}
}

struct parse_case {
	const char *code;
	const char *text;
	int result;
	int64_t minor; /* expected when result is CURRENCY_OK */
};

#define NOT_SET INT64_C(-777)

static const struct parse_case parse_cases[] = {
	/* Valid, exponent 2. */
	{"USD", "12", CURRENCY_OK, 1200},
	{"USD", "12.5", CURRENCY_OK, 1250},
	{"USD", "12.50", CURRENCY_OK, 1250},
	{"USD", "0.01", CURRENCY_OK, 1},
	{"USD", "0.10", CURRENCY_OK, 10},
	{"USD", "007", CURRENCY_OK, 700},
	{"USD", " 5 ", CURRENCY_OK, 500},
	{"USD", "   5.25", CURRENCY_OK, 525},
	{"USD", "5.25   ", CURRENCY_OK, 525},
	/* Valid, exponent 0 and 3. */
	{"UGX", "5000", CURRENCY_OK, 5000},
	{"XOF", "1", CURRENCY_OK, 1},
	{"JPY", "1234567", CURRENCY_OK, 1234567},
	{"KWD", "1.234", CURRENCY_OK, 1234},
	{"KWD", "1.2", CURRENCY_OK, 1200},
	{"KWD", "0.001", CURRENCY_OK, 1},
	{"TND", "3", CURRENCY_OK, 3000},
	{"UYW", "1.0001", CURRENCY_OK, 10001},
	/* Boundaries at CURRENCY_AMOUNT_MAX (10^15 minor units). */
	{"USD", "10000000000000", CURRENCY_OK, CURRENCY_AMOUNT_MAX},
	{"USD", "10000000000000.00", CURRENCY_OK, CURRENCY_AMOUNT_MAX},
	{"USD", "9999999999999.99", CURRENCY_OK, CURRENCY_AMOUNT_MAX - 1},
	{"USD", "10000000000000.01", CURRENCY_ERANGE, NOT_SET},
	{"USD", "10000000000001", CURRENCY_ERANGE, NOT_SET},
	{"JPY", "1000000000000000", CURRENCY_OK, CURRENCY_AMOUNT_MAX},
	{"JPY", "1000000000000001", CURRENCY_ERANGE, NOT_SET},
	{"KWD", "1000000000000", CURRENCY_OK, CURRENCY_AMOUNT_MAX},
	{"KWD", "1000000000000.001", CURRENCY_ERANGE, NOT_SET},
	{"JPY", "0001000000000000000", CURRENCY_OK, CURRENCY_AMOUNT_MAX},
	/* Overflow attempts: far past INT64_MAX, and exactly at it. */
	{"USD", "99999999999999999999", CURRENCY_ERANGE, NOT_SET},
	{"JPY", "9223372036854775807", CURRENCY_ERANGE, NOT_SET},
	{"JPY", "9223372036854775808", CURRENCY_ERANGE, NOT_SET},
	{"USD", "92233720368547758.07", CURRENCY_ERANGE, NOT_SET},
	{"USD",
	 "999999999999999999999999999999999999999999999999999999999999",
	 CURRENCY_ERANGE, NOT_SET},
	/* Zero is not an amount. */
	{"USD", "0", CURRENCY_ERANGE, NOT_SET},
	{"USD", "0.00", CURRENCY_ERANGE, NOT_SET},
	{"JPY", "000", CURRENCY_ERANGE, NOT_SET},
	/* Syntax. */
	{"USD", "", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "   ", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", ".", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "1.", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", ".5", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "1..2", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "1.2.3", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "5a", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "a5", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "-5", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "+5", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "1,000", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "1 000", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "1e3", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "0x10", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "\t5", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "5\n", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", "1,5", CURRENCY_ESYNTAX, NOT_SET},
	{"JPY", "1.", CURRENCY_ESYNTAX, NOT_SET},
	{"USD", NULL, CURRENCY_ESYNTAX, NOT_SET},
	/* Precision. */
	{"USD", "1.234", CURRENCY_EPRECISION, NOT_SET},
	{"USD", "0.001", CURRENCY_EPRECISION, NOT_SET},
	{"JPY", "1.0", CURRENCY_EPRECISION, NOT_SET},
	{"UGX", "100.5", CURRENCY_EPRECISION, NOT_SET},
	{"KWD", "1.2345", CURRENCY_EPRECISION, NOT_SET},
	/* Currency. */
	{"usd", "5", CURRENCY_EUNKNOWN, NOT_SET},
	{"ABC", "5", CURRENCY_EUNKNOWN, NOT_SET},
	{"", "5", CURRENCY_EUNKNOWN, NOT_SET},
	{NULL, "5", CURRENCY_EUNKNOWN, NOT_SET},
};

static void parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]);
	     i++) {
		const struct parse_case *c = &parse_cases[i];
		int64_t minor = NOT_SET;
		int rc;

		rc = currency_parse(c->code, c->text, &minor);
		if (rc != c->result || minor != c->minor)
			print_message("failing case %zu: %s \"%s\"\n", i,
				      c->code ? c->code : "NULL",
				      c->text ? c->text : "NULL");
		assert_int_equal(rc, c->result);
		/* On failure *minor must be left as it was. */
		assert_int_equal(minor, c->minor);
	}
}

struct format_case {
	const char *code;
	int64_t minor;
	const char *text;
};

static const struct format_case format_cases[] = {
	{"USD", 0, "0.00"},
	{"USD", 1, "0.01"},
	{"USD", 99, "0.99"},
	{"USD", 100, "1.00"},
	{"USD", 999, "9.99"},
	{"USD", 99999, "999.99"},
	{"USD", 100000, "1,000.00"},
	{"USD", 123456789, "1,234,567.89"},
	{"USD", CURRENCY_AMOUNT_MAX, "10,000,000,000,000.00"},
	{"USD", -1, "-0.01"},
	{"USD", -100000, "-1,000.00"},
	{"USD", -123456789, "-1,234,567.89"},
	{"JPY", 0, "0"},
	{"JPY", 1, "1"},
	{"JPY", 999, "999"},
	{"JPY", 1000, "1,000"},
	{"JPY", 1234567, "1,234,567"},
	{"JPY", -1000, "-1,000"},
	{"JPY", 100000, "100,000"},
	{"KWD", 1, "0.001"},
	{"KWD", 1234, "1.234"},
	{"KWD", 1234567, "1,234.567"},
	{"KWD", -5, "-0.005"},
	{"UYW", 10001, "1.0001"},
	{"UGX", 5000, "5,000"},
	{"JPY", INT64_MAX, "9,223,372,036,854,775,807"},
	{"JPY", INT64_MIN, "-9,223,372,036,854,775,808"},
	{"USD", INT64_MIN, "-92,233,720,368,547,758.08"},
	{"UYW", INT64_MIN, "-922,337,203,685,477.5808"},
};

static void format_table(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
		const struct format_case *c = &format_cases[i];
		char buf[CURRENCY_TEXT_MAX];
		int length;

		memset(buf, 'x', sizeof(buf));
		length = currency_format(c->code, c->minor, buf, sizeof(buf));
		if (length < 0 || strcmp(buf, c->text) != 0)
			print_message("failing case %zu: %s %lld\n", i,
				      c->code, (long long)c->minor);
		assert_int_equal(length, (int)strlen(c->text));
		assert_string_equal(buf, c->text);
	}
}

/* A buffer one byte too small fails and writes nothing past its size; a
 * buffer of exactly length + 1 succeeds. */
static void format_buffer_size(void **state)
{
	char buf[16];
	const char *expected = "1,234,567.89"; /* 12 characters */
	int rc;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	rc = currency_format("USD", 123456789, buf, 12);
	assert_int_equal(rc, CURRENCY_ESPACE);
	assert_int_equal(buf[0], '\0');
	for (size_t i = 12; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'x');

	memset(buf, 'x', sizeof(buf));
	rc = currency_format("USD", 123456789, buf, 13);
	assert_int_equal(rc, 12);
	assert_string_equal(buf, expected);
	assert_int_equal(buf[13], 'x');

	memset(buf, 'x', sizeof(buf));
	rc = currency_format("USD", 5, buf, 1);
	assert_int_equal(rc, CURRENCY_ESPACE);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');

	rc = currency_format("USD", 5, buf, 0);
	assert_int_equal(rc, CURRENCY_ESPACE);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');

	rc = currency_format("USD", 5, NULL, 10);
	assert_int_equal(rc, CURRENCY_ESPACE);
}

static void format_unknown_code(void **state)
{
	char buf[CURRENCY_TEXT_MAX] = "unchanged";

	(void)state;
	assert_int_equal(currency_format("XYZ", 1, buf, sizeof(buf)),
			 CURRENCY_EUNKNOWN);
	assert_int_equal(currency_format(NULL, 1, buf, sizeof(buf)),
			 CURRENCY_EUNKNOWN);
	assert_string_equal(buf, "unchanged");
}

/* Whatever parse accepts, format prints back in the same digits. */
static void parse_format_round_trip(void **state)
{
	static const struct {
		const char *code;
		const char *input;
		const char *formatted;
	} cases[] = {
		{"USD", "1234.5", "1,234.50"},
		{"GHS", "0.07", "0.07"},
		{"XAF", "2500", "2,500"},
		{"BHD", "12.3", "12.300"},
		{"USD", "10000000000000", "10,000,000,000,000.00"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[CURRENCY_TEXT_MAX];
		int64_t minor = 0;

		assert_int_equal(currency_parse(cases[i].code, cases[i].input,
						&minor),
				 CURRENCY_OK);
		assert_true(currency_format(cases[i].code, minor, buf,
					    sizeof(buf)) > 0);
		assert_string_equal(buf, cases[i].formatted);
	}
}

static void strerror_messages(void **state)
{
	(void)state;
	assert_string_equal(currency_strerror(CURRENCY_OK), "Success");
	assert_string_equal(currency_strerror(CURRENCY_EUNKNOWN),
			    "Currency code is not a known ISO 4217 code");
	assert_string_equal(currency_strerror(CURRENCY_ESYNTAX),
			    "Amount must be digits with at most one decimal "
			    "point, and a digit on each side of it");
	assert_string_equal(
		currency_strerror(CURRENCY_EPRECISION),
		"Amount has more decimals than the currency allows");
	assert_string_equal(currency_strerror(CURRENCY_ERANGE),
			    "Amount must be above zero and at most "
			    "1,000,000,000,000,000 minor units");
	assert_string_equal(currency_strerror(CURRENCY_ESPACE),
			    "Output buffer is too small for the amount");
	assert_string_equal(currency_strerror(-99), "Unknown currency error");
	assert_string_equal(currency_strerror(1), "Unknown currency error");
}

/* Each amount the parser rejects gets a message that says what is wrong
 * and what to type. */
static void describe_error_table(void **state)
{
	static const struct {
		const char *code;
		const char *text;
		const char *message;
	} cases[] = {
		{ "GHS", "12.", "Amount ends with a decimal point: type 12 or "
				"12.00" },
		{ "KWD", " 7. ", "Amount ends with a decimal point: type 7 or "
				 "7.000" },
		{ "JPY", "12.", "Amount ends with a decimal point, and JPY has "
				"no decimals: type 12" },
		{ "GHS", ".5", "Amount starts with a decimal point: type a "
			       "digit before it, as in 0.5" },
		{ "GHS", "12a", "Amount has a character that is not a digit: "
				"type only digits and one decimal point, "
				"e.g. 12.50" },
		{ "GHS", "-5", "Amount has a character that is not a digit: "
			       "type only digits and one decimal point, "
			       "e.g. 12.50" },
		{ "GHS", "1.2.3", "Amount has 2 decimal points: type one at "
				  "most, e.g. 12.50" },
		{ "GHS", ".", "Amount has no digits: type e.g. 12.50" },
		{ "GHS", "  ", "Enter the amount, e.g. 12.50" },
		{ "GHS", "0", "Amount must be above zero: type e.g. 12.50" },
		{ "GHS", "0.00", "Amount must be above zero: type e.g. 12.50" },
		{ "GHS", "99999999999999999999",
		  "Amount is above the maximum of GHS "
		  "10,000,000,000,000.00" },
		{ "JPY", "1000000000000001",
		  "Amount is above the maximum of JPY "
		  "1,000,000,000,000,000" },
		{ "GHS", "1.234", "GHS has at most 2 decimals: type e.g. "
				  "12.50" },
		{ "JPY", "1.5", "JPY has no decimals: type whole units, e.g. "
				"12" },
	};
	char message[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t minor = 0;
		int rc = currency_parse(cases[i].code, cases[i].text, &minor);

		assert_int_not_equal(rc, CURRENCY_OK);
		currency_describe_error(cases[i].code, cases[i].text, rc,
					message, sizeof(message));
		assert_string_equal(message, cases[i].message);
	}
}

/* An unknown currency and a message buffer that is too small. */
static void describe_error_edges(void **state)
{
	char message[16];

	(void)state;
	currency_describe_error("XYZ", "12", CURRENCY_EUNKNOWN, message,
				sizeof(message));
	assert_string_equal(message, "Unknown currenc");
	currency_describe_error("GHS", "0", CURRENCY_ERANGE, message, 0);
	assert_string_equal(message, "Unknown currenc");
	currency_describe_error("GHS", NULL, CURRENCY_ESYNTAX, message,
				sizeof(message));
	assert_string_equal(message, "Enter the amoun");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_table),
		cmocka_unit_test(parse_table),
		cmocka_unit_test(format_table),
		cmocka_unit_test(format_buffer_size),
		cmocka_unit_test(format_unknown_code),
		cmocka_unit_test(parse_format_round_trip),
		cmocka_unit_test(strerror_messages),
		cmocka_unit_test(describe_error_table),
		cmocka_unit_test(describe_error_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
