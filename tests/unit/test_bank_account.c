/* Unit tests for app/bank_account.c: NUBAN check digits against CBN
 * institution codes, and IBAN normalisation, lengths and mod 97. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../app/bank_account.h"

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))
#define OK BANK_ACCOUNT_OK

/* Larger than either output size, so an overrun past the size the
 * module was given would show as changed bytes after the NUL. */
#define OUT_TEST_SIZE 64

/* NUBAN ---------------------------------------------------------------*/

struct nuban_case {
	const char *text;
	const char *bank_code;
	int rc;
	const char *out; /* expected 10 digits when rc is OK */
};

/* The sums are over the 6-digit institution code and the first 9 digits
 * of the account number, weighted 3,7,3 repeated. The check digit is
 * (10 - sum mod 10) mod 10. */
static const struct nuban_case nuban_cases[] = {
	/* CBN's published example: First Bank "011", serial 000001457,
	 * sum 81, check digit 9. */
	{"0000014579", "011", OK, "0000014579"},
	/* Sum 30, check digit 0. */
	{"0000000220", "011", OK, "0000000220"},
	/* "058", serial 012345678: sum 215, check digit 5. */
	{"0123456785", "058", OK, "0123456785"},
	{"0123456785", "000058", OK, "0123456785"},
	/* "044", serial 123456789: sum 235, check digit 5. */
	{"1234567895", "044", OK, "1234567895"},
	/* "232", serial 000000000: only the code counts, 2*3 + 3*7 + 2*3
	 * = 33, check digit 7. */
	{"0000000007", "232", OK, "0000000007"},
	/* "057", serial 987654321: sum 251, check digit 9. */
	{"9876543219", "057", OK, "9876543219"},
	/* Other financial institution "50547" becomes "950547":
	 * 9*3 + 5*7 + 0*3 + 5*3 + 4*7 + 7*3 = 126, serial 123456789 adds
	 * 195, sum 321, check digit 9. */
	{"1234567899", "50547", OK, "1234567899"},
	{"1234567899", "950547", OK, "1234567899"},
	/* "50211" becomes "950211", serial 200431234: sum 159, check
	 * digit 1. */
	{"2004312341", "50211", OK, "2004312341"},
	/* Spaces anywhere are dropped. */
	{"012 345 6785", "058", OK, "0123456785"},
	{"  0000014579  ", "011", OK, "0000014579"},
	/* The scheme misses a swap of two digits with the same weight:
	 * account digits 6 and 7 both weigh 3. */
	{"0000041579", "011", OK, "0000041579"},

	/* Empty and length. */
	{"", "011", BANK_ACCOUNT_EEMPTY, NULL},
	{"    ", "011", BANK_ACCOUNT_EEMPTY, NULL},
	{"000001457", "011", BANK_ACCOUNT_ENUBAN_LENGTH, NULL},
	{"00000145790", "011", BANK_ACCOUNT_ENUBAN_LENGTH, NULL},
	{"0", "011", BANK_ACCOUNT_ENUBAN_LENGTH, NULL},
	/* Characters other than digits and spaces. */
	{"00000A4579", "011", BANK_ACCOUNT_ENUBAN_DIGITS, NULL},
	{"O000014579", "011", BANK_ACCOUNT_ENUBAN_DIGITS, NULL},
	{"abcdefghij", "011", BANK_ACCOUNT_ENUBAN_DIGITS, NULL},
	{"000-001-4579", "011", BANK_ACCOUNT_ENUBAN_DIGITS, NULL},
	{"0000014579\t", "011", BANK_ACCOUNT_ENUBAN_DIGITS, NULL},
	{"000001457\xef\xbc\x99", "011", BANK_ACCOUNT_ENUBAN_DIGITS, NULL},
	/* A letter is reported before a wrong length. */
	{"1234a", "011", BANK_ACCOUNT_ENUBAN_DIGITS, NULL},
	/* One changed digit: the check digit, a serial digit, a leading
	 * digit. */
	{"0000014578", "011", BANK_ACCOUNT_ENUBAN_CHECK, NULL},
	{"0000024579", "011", BANK_ACCOUNT_ENUBAN_CHECK, NULL},
	{"1000014579", "011", BANK_ACCOUNT_ENUBAN_CHECK, NULL},
	/* Transpositions of digits with weights 7 and 3. */
	{"0000014759", "011", BANK_ACCOUNT_ENUBAN_CHECK, NULL},
	{"0000014597", "011", BANK_ACCOUNT_ENUBAN_CHECK, NULL},
	/* A valid number checked against another bank. */
	{"0000014579", "058", BANK_ACCOUNT_ENUBAN_CHECK, NULL},
	{"1234567899", "50548", BANK_ACCOUNT_ENUBAN_CHECK, NULL},

	/* Bank codes: 3 or 5 digits, or 6 digits that start with "000" or
	 * '9'. A 6-digit NIBSS institution code is not a CBN code. */
	{"0000014579", "", BANK_ACCOUNT_EBANK_CODE, NULL},
	{"0000014579", "11", BANK_ACCOUNT_EBANK_CODE, NULL},
	{"0000014579", "0011", BANK_ACCOUNT_EBANK_CODE, NULL},
	{"0000014579", "01a", BANK_ACCOUNT_EBANK_CODE, NULL},
	{"0000014579", " 011", BANK_ACCOUNT_EBANK_CODE, NULL},
	{"0000014579", "090267", BANK_ACCOUNT_EBANK_CODE, NULL},
	{"0000014579", "123456", BANK_ACCOUNT_EBANK_CODE, NULL},
	{"0000014579", "9505470", BANK_ACCOUNT_EBANK_CODE, NULL},
	/* The bank code is checked before the account number. */
	{"", "0", BANK_ACCOUNT_EBANK_CODE, NULL},
};

/* Check one table case: the result code, the output (the expected text
 * on success, the empty string on failure) and the byte after out_size,
 * which must keep its 'x'. The case number and input are printed when
 * the code differs, since cmocka's own message shows only the values. */
static void check_case(const char *kind, size_t index, const char *text,
		       int rc, int expected_rc, const char *out,
		       const char *expected_out, size_t out_size)
{
	if (rc != expected_rc)
		print_error("%s case %zu \"%s\": rc %d, expected %d\n", kind,
			    index, text, rc, expected_rc);
	assert_int_equal(rc, expected_rc);
	if (expected_rc == OK)
		assert_string_equal(out, expected_out);
	else
		assert_string_equal(out, "");
	assert_int_equal(out[out_size], 'x');
}

static void test_nuban_table(void **state)
{
	(void)state;

	for (size_t i = 0; i < COUNT(nuban_cases); i++) {
		const struct nuban_case *c = &nuban_cases[i];
		char out[OUT_TEST_SIZE];
		int rc;

		memset(out, 'x', sizeof(out));
		rc = bank_account_check_nuban(c->text, c->bank_code, out,
					      BANK_ACCOUNT_NUBAN_SIZE);
		check_case("nuban", i, c->text, rc, c->rc, out, c->out,
			   BANK_ACCOUNT_NUBAN_SIZE);
	}
}

/* For each valid number in the table, exactly one of the ten possible
 * last digits passes. */
static void test_nuban_single_check_digit(void **state)
{
	(void)state;

	for (size_t i = 0; i < COUNT(nuban_cases); i++) {
		const struct nuban_case *c = &nuban_cases[i];
		char text[BANK_ACCOUNT_NUBAN_SIZE];
		char out[BANK_ACCOUNT_NUBAN_SIZE];
		int passing = 0;

		if (c->rc != OK)
			continue;
		memcpy(text, c->out, sizeof(text));
		for (char digit = '0'; digit <= '9'; digit++) {
			text[9] = digit;
			if (bank_account_check_nuban(text, c->bank_code, out,
						     sizeof(out)) == OK)
				passing++;
		}
		assert_int_equal(passing, 1);
	}
}

static void test_nuban_input_limit(void **state)
{
	char text[130];
	char out[BANK_ACCOUNT_NUBAN_SIZE];
	(void)state;

	/* 128 bytes, the limit: 118 spaces and a valid number. */
	memset(text, ' ', 118);
	memcpy(text + 118, "0000014579", 11);
	assert_int_equal(strlen(text), 128);
	assert_int_equal(bank_account_check_nuban(text, "011", out,
						  sizeof(out)),
			 OK);
	assert_string_equal(out, "0000014579");

	/* 129 bytes is rejected unread. */
	memset(text, ' ', 119);
	memcpy(text + 119, "0000014579", 11);
	assert_int_equal(bank_account_check_nuban(text, "011", out,
						  sizeof(out)),
			 BANK_ACCOUNT_ETOO_LONG);
	assert_string_equal(out, "");
}

static void test_nuban_arguments(void **state)
{
	char out[BANK_ACCOUNT_NUBAN_SIZE];
	(void)state;

	assert_int_equal(bank_account_check_nuban(NULL, "011", out,
						  sizeof(out)),
			 BANK_ACCOUNT_EINVAL);
	assert_int_equal(bank_account_check_nuban("0000014579", NULL, out,
						  sizeof(out)),
			 BANK_ACCOUNT_EINVAL);
	assert_int_equal(bank_account_check_nuban("0000014579", "011", NULL,
						  0),
			 BANK_ACCOUNT_ESPACE);
	assert_int_equal(bank_account_check_nuban("0000014579", "011", out,
						  sizeof(out) - 1),
			 BANK_ACCOUNT_ESPACE);
	assert_string_equal(out, "");
}

/* IBAN ----------------------------------------------------------------*/

struct iban_case {
	const char *text;
	int rc;
	const char *out; /* expected electronic format when rc is OK */
};

static const struct iban_case iban_cases[] = {
	/* Published examples, one per country in the table. */
	{"GB82WEST12345698765432", OK, "GB82WEST12345698765432"},
	{"DE89370400440532013000", OK, "DE89370400440532013000"},
	{"FR1420041010050500013M02606", OK, "FR1420041010050500013M02606"},
	{"NL91ABNA0417164300", OK, "NL91ABNA0417164300"},
	{"BE68539007547034", OK, "BE68539007547034"},
	{"ES9121000418450200051332", OK, "ES9121000418450200051332"},
	{"IT60X0542811101000000123456", OK, "IT60X0542811101000000123456"},
	{"IE29AIBK93115212345678", OK, "IE29AIBK93115212345678"},
	{"PT50000201231234567890154", OK, "PT50000201231234567890154"},
	{"AT611904300234573201", OK, "AT611904300234573201"},
	{"CH9300762011623852957", OK, "CH9300762011623852957"},
	{"LU280019400644750000", OK, "LU280019400644750000"},
	{"EG380019000500000000263180002", OK,
	 "EG380019000500000000263180002"},
	{"TN5910006035183598478831", OK, "TN5910006035183598478831"},
	{"MR1300020001010000123456753", OK, "MR1300020001010000123456753"},
	{"MA64011519000001205000534921", OK,
	 "MA64011519000001205000534921"},
	{"LY83002048000020100120361", OK, "LY83002048000020100120361"},
	{"SD2129010501234001", OK, "SD2129010501234001"},
	{"SO211000001001000100141", OK, "SO211000001001000100141"},
	{"MU17BOMM0101101030300200000MUR", OK,
	 "MU17BOMM0101101030300200000MUR"},
	{"SC18SSCB11010000000000001497USD", OK,
	 "SC18SSCB11010000000000001497USD"},
	{"BI4210000100010000332045181", OK, "BI4210000100010000332045181"},
	{"DJ2100010000000154000100186", OK, "DJ2100010000000154000100186"},
	{"ST68000100010051845310112", OK, "ST68000100010051845310112"},
	/* Print format, lower case and stray spaces normalise. */
	{"GB82 WEST 1234 5698 7654 32", OK, "GB82WEST12345698765432"},
	{"gb82west12345698765432", OK, "GB82WEST12345698765432"},
	{" de89 3704 0044 0532 0130 00 ", OK, "DE89370400440532013000"},
	{"fr14 2004 1010 0505 0001 3m02 606", OK,
	 "FR1420041010050500013M02606"},
	/* Check digits 02 pass; the same BBAN with 99 gives the same
	 * remainder but 99 is never issued. */
	{"GB02WEST10000000000014", OK, "GB02WEST10000000000014"},

	/* Empty. */
	{"", BANK_ACCOUNT_EEMPTY, NULL},
	{"   ", BANK_ACCOUNT_EEMPTY, NULL},
	/* Characters. */
	{"GB82-WEST-1234-5698-7654-32", BANK_ACCOUNT_EIBAN_CHARACTER, NULL},
	{"GB82WEST12345698765432.", BANK_ACCOUNT_EIBAN_CHARACTER, NULL},
	{"GB82\tWEST12345698765432", BANK_ACCOUNT_EIBAN_CHARACTER, NULL},
	{"GB82WEST1234569876543\xc3\xa9", BANK_ACCOUNT_EIBAN_CHARACTER, NULL},
	{"GBAAWEST12345698765432", BANK_ACCOUNT_EIBAN_CHARACTER, NULL},
	{"GB8WWEST12345698765432", BANK_ACCOUNT_EIBAN_CHARACTER, NULL},
	/* Countries: not in the table, or not letters. */
	{"US64SVBKUS6S3300958879", BANK_ACCOUNT_EIBAN_COUNTRY, NULL},
	{"XX82WEST12345698765432", BANK_ACCOUNT_EIBAN_COUNTRY, NULL},
	{"NG82WEST12345698765432", BANK_ACCOUNT_EIBAN_COUNTRY, NULL},
	{"1282WEST12345698765432", BANK_ACCOUNT_EIBAN_COUNTRY, NULL},
	{"G", BANK_ACCOUNT_EIBAN_COUNTRY, NULL},
	{"0000014579", BANK_ACCOUNT_EIBAN_COUNTRY, NULL},
	/* Length for the country: one short, one long, far too long. */
	{"GB82", BANK_ACCOUNT_EIBAN_LENGTH, NULL},
	{"GB82WEST1234569876543", BANK_ACCOUNT_EIBAN_LENGTH, NULL},
	{"GB82WEST123456987654321", BANK_ACCOUNT_EIBAN_LENGTH, NULL},
	{"DE8937040044053201300", BANK_ACCOUNT_EIBAN_LENGTH, NULL},
	{"BE6853900754703", BANK_ACCOUNT_EIBAN_LENGTH, NULL},
	{"GB82WEST1234569876543212345678901234567",
	 BANK_ACCOUNT_EIBAN_LENGTH, NULL},
	/* One changed character. */
	{"GB82WEST12345698765433", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"GB28WEST12345698765432", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"GB82WEST22345698765432", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"GB82WESU12345698765432", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"DE89370400440532013001", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"DE82WEST12345698765432", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	/* Transpositions. */
	{"GB82WEST12345698765423", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"DE89370400440532010300", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	/* Check digits that are never issued. */
	{"GB00WEST12345698765432", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"GB01WEST12345698765432", BANK_ACCOUNT_EIBAN_CHECK, NULL},
	{"GB99WEST10000000000014", BANK_ACCOUNT_EIBAN_CHECK, NULL},
};

static void test_iban_table(void **state)
{
	(void)state;

	for (size_t i = 0; i < COUNT(iban_cases); i++) {
		const struct iban_case *c = &iban_cases[i];
		char out[OUT_TEST_SIZE];
		int rc;

		memset(out, 'x', sizeof(out));
		rc = bank_account_check_iban(c->text, out,
					     BANK_ACCOUNT_IBAN_SIZE);
		check_case("iban", i, c->text, rc, c->rc, out, c->out,
			   BANK_ACCOUNT_IBAN_SIZE);
	}
}

struct iban_length_case {
	const char *country;
	int length;
};

static const struct iban_length_case iban_length_cases[] = {
	{"GB", 22}, {"DE", 22}, {"FR", 27}, {"NL", 18}, {"BE", 16},
	{"ES", 24}, {"IT", 27}, {"IE", 22}, {"PT", 25}, {"MA", 28},
	{"TN", 24}, {"EG", 29}, {"MR", 27}, {"SC", 31},
	/* Unknown, lower case, too long, empty. */
	{"US", 0},  {"NG", 0},  {"gb", 0},  {"GBR", 0}, {"", 0},
};

static void test_iban_length(void **state)
{
	(void)state;

	for (size_t i = 0; i < COUNT(iban_length_cases); i++) {
		const struct iban_length_case *c = &iban_length_cases[i];

		assert_int_equal(bank_account_iban_length(c->country),
				 c->length);
	}
	assert_int_equal(bank_account_iban_length(NULL), 0);
}

static void test_iban_input_limit(void **state)
{
	char text[130];
	char out[BANK_ACCOUNT_IBAN_SIZE];
	(void)state;

	/* 128 bytes, the limit: 106 spaces and a valid IBAN. */
	memset(text, ' ', 106);
	memcpy(text + 106, "GB82WEST12345698765432", 23);
	assert_int_equal(strlen(text), 128);
	assert_int_equal(bank_account_check_iban(text, out, sizeof(out)), OK);
	assert_string_equal(out, "GB82WEST12345698765432");

	/* 129 bytes is rejected unread. */
	memset(text, ' ', 107);
	memcpy(text + 107, "GB82WEST12345698765432", 23);
	assert_int_equal(bank_account_check_iban(text, out, sizeof(out)),
			 BANK_ACCOUNT_ETOO_LONG);
	assert_string_equal(out, "");
}

static void test_iban_arguments(void **state)
{
	char out[BANK_ACCOUNT_IBAN_SIZE];
	(void)state;

	assert_int_equal(bank_account_check_iban(NULL, out, sizeof(out)),
			 BANK_ACCOUNT_EINVAL);
	assert_int_equal(bank_account_check_iban("GB82WEST12345698765432",
						 NULL, 0),
			 BANK_ACCOUNT_ESPACE);
	assert_int_equal(bank_account_check_iban("GB82WEST12345698765432",
						 out, sizeof(out) - 1),
			 BANK_ACCOUNT_ESPACE);
	assert_string_equal(out, "");
}

/* Messages ------------------------------------------------------------*/

static const int all_errors[] = {
	BANK_ACCOUNT_EINVAL,	      BANK_ACCOUNT_ESPACE,
	BANK_ACCOUNT_EEMPTY,	      BANK_ACCOUNT_ETOO_LONG,
	BANK_ACCOUNT_ENUBAN_LENGTH,   BANK_ACCOUNT_ENUBAN_DIGITS,
	BANK_ACCOUNT_ENUBAN_CHECK,    BANK_ACCOUNT_EBANK_CODE,
	BANK_ACCOUNT_EIBAN_CHARACTER, BANK_ACCOUNT_EIBAN_COUNTRY,
	BANK_ACCOUNT_EIBAN_LENGTH,    BANK_ACCOUNT_EIBAN_CHECK,
};

/* Each error has its own message, distinct from the others and from the
 * fallback for unknown codes. */
static void test_strerror_distinct(void **state)
{
	const char *unknown = bank_account_strerror(-999);
	(void)state;

	assert_string_equal(bank_account_strerror(OK), "Success");
	assert_string_equal(unknown, "Unknown bank account error");
	for (size_t i = 0; i < COUNT(all_errors); i++) {
		const char *message = bank_account_strerror(all_errors[i]);

		assert_non_null(message);
		assert_string_not_equal(message, unknown);
		for (size_t j = i + 1; j < COUNT(all_errors); j++)
			assert_string_not_equal(
				message, bank_account_strerror(all_errors[j]));
	}
}

/* The messages name what the agent should check. */
static void test_strerror_wording(void **state)
{
	(void)state;

	assert_string_equal(bank_account_strerror(BANK_ACCOUNT_ENUBAN_CHECK),
			    "NUBAN check digit is wrong: check each digit "
			    "and the bank chosen");
	assert_string_equal(bank_account_strerror(BANK_ACCOUNT_EIBAN_COUNTRY),
			    "IBAN country is unknown or not served: check "
			    "the first two letters");
	assert_string_equal(bank_account_strerror(BANK_ACCOUNT_ENUBAN_LENGTH),
			    "NUBAN must have exactly 10 digits: check for a "
			    "missing or extra digit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nuban_table),
		cmocka_unit_test(test_nuban_single_check_digit),
		cmocka_unit_test(test_nuban_input_limit),
		cmocka_unit_test(test_nuban_arguments),
		cmocka_unit_test(test_iban_table),
		cmocka_unit_test(test_iban_length),
		cmocka_unit_test(test_iban_input_limit),
		cmocka_unit_test(test_iban_arguments),
		cmocka_unit_test(test_strerror_distinct),
		cmocka_unit_test(test_strerror_wording),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
