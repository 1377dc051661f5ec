/* Unit tests of the cached reference data: the fee computation by band,
 * rate, min and max, malformed schedules, bank account checks per scheme,
 * bank and corridor lists and the journal cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../app/currency.h"
#include "../../app/refdata.h"
#include "journal_fixture.h"

/* The sandbox's default schedule (tests/sandbox/fees.py) without its
 * free cash-in, with two test entries added: cash_in in XAF and the
 * made-up type "rounding". */
static const char schedule[] =
	"{\"version\":1,\"fees\":{"
	"\"wallet_transfer\":{\"GHS\":[{\"up_to\":null,\"fixed\":0,"
	"\"rate_bp\":0}]},"
	"\"cash_out\":{\"GHS\":[{\"up_to\":10000,\"fixed\":50,\"rate_bp\":0},"
	"{\"up_to\":null,\"fixed\":0,\"rate_bp\":100,\"min\":100,"
	"\"max\":2000}]},"
	"\"bank_transfer\":{\"GHS\":[{\"up_to\":null,\"fixed\":100,"
	"\"rate_bp\":50,\"max\":1500}],"
	"\"NGN\":[{\"up_to\":500000,\"fixed\":1075,\"rate_bp\":0},"
	"{\"up_to\":null,\"fixed\":2688,\"rate_bp\":0}]},"
	"\"send_money\":{\"GHS\":[{\"up_to\":null,\"fixed\":500,"
	"\"rate_bp\":150}],"
	"\"NGN\":[{\"up_to\":null,\"fixed\":50000,\"rate_bp\":150,"
	"\"max\":500000}]},"
	"\"cash_in\":{\"XAF\":[{\"up_to\":null,\"fixed\":1000000000000,"
	"\"rate_bp\":1000}]},"
	"\"rounding\":{\"GHS\":[{\"up_to\":null,\"fixed\":0,\"rate_bp\":1}]}"
	"}}";

static void fee_table(void **state)
{
	static const struct {
		const char *type;
		const char *currency;
		int64_t amount;
		int64_t fee;
	} cases[] = {
		{ "wallet_transfer", "GHS", 123456, 0 },
		/* The first band's edge and the second band's start. */
		{ "cash_out", "GHS", 1, 50 },
		{ "cash_out", "GHS", 10000, 50 },
		/* 1 % of 10001 is 100.01, rounded to 100, the min. */
		{ "cash_out", "GHS", 10001, 100 },
		{ "cash_out", "GHS", 15000, 150 },
		/* Raised to the min. */
		{ "cash_out", "GHS", 10050, 101 },
		/* The max: 1 % reaches it at 200000. */
		{ "cash_out", "GHS", 199999, 2000 },
		{ "cash_out", "GHS", 200000, 2000 },
		{ "cash_out", "GHS", 250000, 2000 },
		{ "bank_transfer", "GHS", 100000, 600 },
		{ "bank_transfer", "GHS", 280000, 1500 },
		{ "bank_transfer", "GHS", 280001, 1500 },
		{ "bank_transfer", "NGN", 500000, 1075 },
		{ "bank_transfer", "NGN", 500001, 2688 },
		{ "send_money", "GHS", 100000, 2000 },
		{ "send_money", "NGN", 100000000, 500000 },
		/* Round half up: 0.4999, 0.5, 1.5 and 2.5 minor units. */
		{ "rounding", "GHS", 4999, 0 },
		{ "rounding", "GHS", 5000, 1 },
		{ "rounding", "GHS", 15000, 2 },
		{ "rounding", "GHS", 25000, 3 },
		{ "rounding", "GHS", 25001, 3 },
		/* The largest amount at the largest rate and fixed part. */
		{ "cash_in", "XAF", CURRENCY_AMOUNT_MAX,
		  100000000000000LL + 1000000000000LL },
		{ "cash_in", "XAF", CURRENCY_AMOUNT_MAX - 1,
		  100000000000000LL + 1000000000000LL },
		/* A type or currency the schedule leaves out is free. */
		{ "cash_in", "GHS", 10000, 0 },
		{ "reversal", "GHS", 10000, 0 },
		{ "cash_out", "NGN", 10000, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t fee = -1;

		assert_int_equal(refdata_fee_from(schedule, cases[i].type,
						  cases[i].currency,
						  cases[i].amount, &fee),
				 REFDATA_OK);
		assert_int_equal(fee, cases[i].fee);
	}
}

static void fee_amount_out_of_range(void **state)
{
	static const int64_t amounts[] = { 0, -1, CURRENCY_AMOUNT_MAX + 1,
					   INT64_MAX, INT64_MIN };
	int64_t fee = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++) {
		assert_int_equal(refdata_fee_from(schedule, "cash_out", "GHS",
						  amounts[i], &fee),
				 REFDATA_ERANGE);
		assert_int_equal(fee, 7);
	}
}

static void fee_malformed_schedules(void **state)
{
	static const char *const cases[] = {
		"",
		"not json",
		"[]",
		"{\"fees\":{}}",
		"{\"version\":\"1\",\"fees\":{}}",
		"{\"version\":1}",
		"{\"version\":1,\"fees\":[]}",
		"{\"version\":1,\"fees\":{\"cash_out\":[]}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":[]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":{}}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"ghs\":"
		"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]}}}",
		/* The last band has a bound. */
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":100,\"fixed\":0,\"rate_bp\":0}]}}}",
		/* A band before the last is unbounded. */
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0},"
		"{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]}}}",
		/* Bounds that do not rise. */
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":100,\"fixed\":0,\"rate_bp\":0},"
		"{\"up_to\":100,\"fixed\":0,\"rate_bp\":0},"
		"{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":0,\"fixed\":0,\"rate_bp\":0},"
		"{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":1001}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":-1,\"rate_bp\":0}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":1000000000001,\"rate_bp\":0}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"rate_bp\":0}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":0}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0.5}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0,\"min\":200,"
		"\"max\":100}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0,\"min\":-1}]}}}",
		"{\"version\":1,\"fees\":{\"cash_out\":{\"GHS\":[5]}}}",
		/* A malformed type elsewhere spoils the whole schedule. */
		"{\"version\":1,\"fees\":{\"cash_in\":{\"GHS\":"
		"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]},"
		"\"cash_out\":{\"GHS\":[]}}}",
	};
	int64_t fee = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(refdata_fee_from(cases[i], "cash_in", "GHS",
						  100, &fee),
				 REFDATA_EPROTOCOL);
		assert_int_equal(fee, 7);
	}
}

static const struct refdata_bank gtb = {
	.code = "058",
	.name = "Guaranty Trust Bank",
	.country = "NG",
	.currency = "NGN",
	.scheme = REFDATA_SCHEME_NUBAN,
};

static const struct refdata_bank deutsche = {
	.code = "DEUTDEFF",
	.name = "Deutsche Bank",
	.country = "DE",
	.currency = "EUR",
	.scheme = REFDATA_SCHEME_IBAN,
};

static const struct refdata_bank ecobank = {
	.code = "GH280100",
	.name = "Ecobank Ghana",
	.country = "GH",
	.currency = "GHS",
	.scheme = REFDATA_SCHEME_DIGITS,
	.min_length = 13,
	.max_length = 16,
};

static const struct refdata_bank gcb = {
	.code = "GH030100",
	.name = "GCB Bank",
	.country = "GH",
	.currency = "GHS",
	.scheme = REFDATA_SCHEME_DIGITS,
	.min_length = 13,
	.max_length = 13,
};

static void bank_account_check_table(void **state)
{
	static const struct {
		const struct refdata_bank *bank;
		const char *text;
		const char *out;      /* NULL: rejected */
		const char *message;  /* part of the message when rejected */
	} cases[] = {
		{ &gtb, "0123456785", "0123456785", NULL },
		{ &gtb, "012 345 6785", "0123456785", NULL },
		{ &gtb, "0123456784", NULL, "" },
		{ &gtb, "012345678", NULL, "" },
		{ &gtb, "", NULL, "" },
		{ &deutsche, "DE89370400440532013000",
		  "DE89370400440532013000", NULL },
		{ &deutsche, "de89 3704 0044 0532 0130 00",
		  "DE89370400440532013000", NULL },
		{ &deutsche, "DE89370400440532013001", NULL, "" },
		{ &deutsche, "GB82WEST12345698765432", NULL,
		  "Deutsche Bank is in DE" },
		{ &ecobank, "1234567890123", "1234567890123", NULL },
		{ &ecobank, "1234 5678 9012 3456", "1234567890123456", NULL },
		{ &ecobank, "123456789012", NULL, "13 to 16 digits" },
		{ &ecobank, "12345678901234567", NULL, "13 to 16 digits" },
		{ &ecobank, "12345678901A3", NULL, "only digits" },
		{ &ecobank, "   ", NULL, "Enter the account number" },
		{ &gcb, "1234567890123", "1234567890123", NULL },
		{ &gcb, "12345678901234", NULL, "have 13 digits" },
		{ &gcb,
		  "1234567890123456789012345678901234567890123456789012345678"
		  "9012345",
		  NULL, "longer than 64" },
	};
	char out[API_BANK_ACCOUNT_SIZE];
	char message[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		memset(out, 'x', sizeof(out));
		message[0] = '\0';
		rc = refdata_bank_account_check(cases[i].bank, cases[i].text,
						out, sizeof(out), message,
						sizeof(message));
		if (cases[i].out != NULL) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].out);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_string_equal(out, "");
		assert_true(message[0] != '\0');
		assert_non_null(strstr(message, cases[i].message));
	}
}

/* The account number may be checked in place. */
static void bank_account_check_in_place(void **state)
{
	char text[API_BANK_ACCOUNT_SIZE] = "012 345 6785";
	char message[128];

	(void)state;
	assert_int_equal(refdata_bank_account_check(&gtb, text, text,
						    sizeof(text), message,
						    sizeof(message)),
			 0);
	assert_string_equal(text, "0123456785");
}

static int setup(void **state)
{
	return journal_fixture_setup(state, "refdata");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

static const char banks[] =
	"{\"version\":1,\"banks\":["
	"{\"code\":\"058\",\"name\":\"Guaranty Trust Bank\","
	"\"country\":\"NG\",\"currency\":\"NGN\",\"scheme\":\"nuban\"},"
	"{\"code\":\"DEUTDEFF\",\"name\":\"Deutsche Bank\","
	"\"country\":\"DE\",\"currency\":\"EUR\",\"scheme\":\"iban\"},"
	"{\"code\":\"GH280100\",\"name\":\"Ecobank Ghana\","
	"\"country\":\"GH\",\"currency\":\"GHS\",\"scheme\":\"digits\","
	"\"min_length\":13,\"max_length\":16}]}";

static const char corridors[] =
	"{\"version\":1,\"corridors\":["
	"{\"country\":\"NG\",\"name\":\"Nigeria\",\"currency\":\"NGN\","
	"\"methods\":[\"bank_deposit\",\"mobile_wallet\",\"cash_pickup\"]},"
	"{\"country\":\"GB\",\"name\":\"United Kingdom\",\"currency\":\"GBP\","
	"\"methods\":[\"bank_deposit\"]}]}";

static void cache_missing(void **state)
{
	struct journal_fixture *f = *state;
	struct refdata_corridor corridor;
	struct refdata_bank bank;
	int64_t fee = 7;

	assert_int_equal(refdata_fee(f->journal, "cash_out", "GHS", 100, &fee),
			 REFDATA_EMISSING);
	assert_int_equal(fee, 7);
	assert_int_equal(refdata_banks(f->journal, &bank, 1),
			 REFDATA_EMISSING);
	assert_int_equal(refdata_bank_find(f->journal, "058", &bank),
			 REFDATA_EMISSING);
	assert_int_equal(refdata_corridors(f->journal, &corridor, 1),
			 REFDATA_EMISSING);
}

static void cache_fee_round_trip(void **state)
{
	struct journal_fixture *f = *state;
	int64_t fee = -1;

	assert_int_equal(journal_set_meta(f->journal, REFDATA_META_FEES,
					  schedule),
			 JOURNAL_OK);
	assert_int_equal(refdata_fee(f->journal, "cash_out", "GHS", 10000,
				     &fee),
			 REFDATA_OK);
	assert_int_equal(fee, 50);
	assert_int_equal(refdata_fee(f->journal, "cash_out", "GHS", 0, &fee),
			 REFDATA_ERANGE);

	/* An edited or damaged copy is rejected, not read. */
	assert_int_equal(journal_set_meta(f->journal, REFDATA_META_FEES,
					  "{\"version\":1,\"fees\":[]}"),
			 JOURNAL_OK);
	assert_int_equal(refdata_fee(f->journal, "cash_out", "GHS", 10000,
				     &fee),
			 REFDATA_EPROTOCOL);
}

static void cache_banks(void **state)
{
	struct journal_fixture *f = *state;
	struct refdata_bank list[REFDATA_BANKS_MAX];
	struct refdata_bank bank;

	assert_int_equal(journal_set_meta(f->journal, REFDATA_META_BANKS,
					  banks),
			 JOURNAL_OK);
	assert_int_equal(refdata_banks(f->journal, list, REFDATA_BANKS_MAX),
			 3);
	assert_string_equal(list[0].code, "058");
	assert_string_equal(list[0].name, "Guaranty Trust Bank");
	assert_string_equal(list[0].country, "NG");
	assert_string_equal(list[0].currency, "NGN");
	assert_int_equal(list[0].scheme, REFDATA_SCHEME_NUBAN);
	assert_int_equal(list[1].scheme, REFDATA_SCHEME_IBAN);
	assert_int_equal(list[2].scheme, REFDATA_SCHEME_DIGITS);
	assert_int_equal(list[2].min_length, 13);
	assert_int_equal(list[2].max_length, 16);
	/* At most max are filled. */
	assert_int_equal(refdata_banks(f->journal, list, 2), 2);
	assert_int_equal(refdata_banks(f->journal, list, 0), 0);

	assert_int_equal(refdata_bank_find(f->journal, "GH280100", &bank),
			 REFDATA_OK);
	assert_string_equal(bank.name, "Ecobank Ghana");
	assert_int_equal(refdata_bank_find(f->journal, "044", &bank),
			 REFDATA_ENOTFOUND);
}

static void cache_malformed_banks(void **state)
{
	static const char *const cases[] = {
		"{\"version\":1,\"banks\":{}}",
		"{\"version\":1,\"banks\":[{\"code\":\"058\"}]}",
		/* An unknown scheme. */
		"{\"version\":1,\"banks\":[{\"code\":\"058\",\"name\":\"A\","
		"\"country\":\"NG\",\"currency\":\"NGN\",\"scheme\":\"x\"}]}",
		/* A digits bank without lengths, or with min above max. */
		"{\"version\":1,\"banks\":[{\"code\":\"058\",\"name\":\"A\","
		"\"country\":\"NG\",\"currency\":\"NGN\","
		"\"scheme\":\"digits\"}]}",
		"{\"version\":1,\"banks\":[{\"code\":\"058\",\"name\":\"A\","
		"\"country\":\"NG\",\"currency\":\"NGN\",\"scheme\":\"digits\","
		"\"min_length\":14,\"max_length\":13}]}",
		/* A code that would need escaping in a path. */
		"{\"version\":1,\"banks\":[{\"code\":\"05/8\",\"name\":\"A\","
		"\"country\":\"NG\",\"currency\":\"NGN\","
		"\"scheme\":\"nuban\"}]}",
		"{\"version\":1,\"banks\":[{\"code\":\"058\",\"name\":\"A\","
		"\"country\":\"Nigeria\",\"currency\":\"NGN\","
		"\"scheme\":\"nuban\"}]}",
	};
	struct journal_fixture *f = *state;
	struct refdata_bank list[2];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(journal_set_meta(f->journal,
						  REFDATA_META_BANKS,
						  cases[i]),
				 JOURNAL_OK);
		assert_int_equal(refdata_banks(f->journal, list, 2),
				 REFDATA_EPROTOCOL);
	}
}

static void cache_corridors(void **state)
{
	struct journal_fixture *f = *state;
	struct refdata_corridor list[REFDATA_CORRIDORS_MAX];

	assert_int_equal(journal_set_meta(f->journal, REFDATA_META_CORRIDORS,
					  corridors),
			 JOURNAL_OK);
	assert_int_equal(refdata_corridors(f->journal, list,
					   REFDATA_CORRIDORS_MAX),
			 2);
	assert_string_equal(list[0].country, "NG");
	assert_string_equal(list[0].name, "Nigeria");
	assert_string_equal(list[0].currency, "NGN");
	assert_int_equal(list[0].method_count, 3);
	assert_string_equal(list[0].methods[0], "bank_deposit");
	assert_string_equal(list[0].methods[2], "cash_pickup");
	assert_int_equal(list[1].method_count, 1);
	assert_string_equal(list[1].currency, "GBP");
	assert_int_equal(refdata_corridors(f->journal, list, 1), 1);
}

static void cache_malformed_corridors(void **state)
{
	static const char *const cases[] = {
		"{\"version\":1}",
		"{\"version\":1,\"corridors\":[{\"country\":\"NG\","
		"\"name\":\"Nigeria\",\"currency\":\"NGN\",\"methods\":[]}]}",
		"{\"version\":1,\"corridors\":[{\"country\":\"NG\","
		"\"name\":\"Nigeria\",\"currency\":\"NGN\","
		"\"methods\":[\"teleport\"]}]}",
		"{\"version\":1,\"corridors\":[{\"country\":\"NG\","
		"\"name\":\"Nigeria\",\"currency\":\"NGN\","
		"\"methods\":[\"cash_pickup\",\"cash_pickup\"]}]}",
		"{\"version\":1,\"corridors\":[{\"country\":\"NG\","
		"\"currency\":\"NGN\",\"methods\":[\"cash_pickup\"]}]}",
	};
	struct journal_fixture *f = *state;
	struct refdata_corridor list[2];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(journal_set_meta(f->journal,
						  REFDATA_META_CORRIDORS,
						  cases[i]),
				 JOURNAL_OK);
		assert_int_equal(refdata_corridors(f->journal, list, 2),
				 REFDATA_EPROTOCOL);
	}
}

static void strerror_table(void **state)
{
	static const int errors[] = { REFDATA_OK,        REFDATA_EIO,
				      REFDATA_EMISSING,  REFDATA_EPROTOCOL,
				      REFDATA_ENOTFOUND, REFDATA_ERANGE };

	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		assert_string_not_equal(refdata_strerror(errors[i]),
					"Unknown error");
	assert_string_equal(refdata_strerror(-99), "Unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fee_table),
		cmocka_unit_test(fee_amount_out_of_range),
		cmocka_unit_test(fee_malformed_schedules),
		cmocka_unit_test(bank_account_check_table),
		cmocka_unit_test(bank_account_check_in_place),
		cmocka_unit_test_setup_teardown(cache_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_fee_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(cache_banks, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_malformed_banks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(cache_corridors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(cache_malformed_corridors,
						setup, teardown),
		cmocka_unit_test(strerror_table),
	};

	return cmocka_run_group_tests(tests, 0, NULL);
}
