/* Unit tests for drivers/ccid_atr.c: ATRs of contact and contactless
 * cards, malformed ones, and the reply timeout computed from
 * the card's waiting time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/ccid.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

struct atr_case {
	const char *name;
	uint8_t bytes[40];
	size_t len;
	/* Set the last byte to the TCK that makes the XOR of T0 to TCK
	 * zero; with bad_tck, to that value with one bit flipped. */
	bool fix_tck;
	bool bad_tck;
	int expected;
	bool t0;
	bool t1;
	uint8_t default_protocol;
	uint8_t ta1;
	uint8_t tc1;
	uint8_t wi;
	uint8_t ifsc;
	uint8_t bwi;
	uint8_t cwi;
	bool crc;
	bool specific_mode;
	bool inverse;
	bool contactless;
	bool specific_ta1;
};

/* After the input: expected, t0, t1, default_protocol, ta1, tc1, wi,
 * ifsc, bwi, cwi, then crc, specific_mode, inverse, contactless and
 * specific_ta1. */
static const struct atr_case atr_cases[] = {
	/* TA1 = 96 (Fi 512, Di 32), TD1 = 40 (TC2 follows, T=0), WI 20,
	 * two historical bytes and no TCK. */
	{"t0 only with wi", {0x3B, 0x92, 0x96, 0x40, 0x14, 0x31, 0xC0}, 7,
	 false, false,
	 CCID_OK, true, false, 0, 0x96, 0, 20, 32, 4, 13,
	 false, false, false, false, false},
	/* TB1 and TC1 only, no historical bytes. */
	{"t0 minimal", {0x3B, 0x60, 0x00, 0x02}, 4, false, false,
	 CCID_OK, true, false, 0, 0x11, 2, 10, 32, 4, 13,
	 false, false, false, false, false},
	/* TD1 = 81, TD2 = 31: TA3 IFSC 254, TB3 BWI 4 CWI 5, nine
	 * historical bytes and TCK. */
	{"t1 with ifsc and bwi",
	 {0x3B, 0xE9, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x45, 0x4D, 0x56,
	  0x20, 0x54, 0x45, 0x53, 0x54, 0x31, 0x00}, 18, true, false,
	 CCID_OK, false, true, 1, 0x11, 0, 10, 254, 4, 5,
	 false, false, false, false, false},
	/* TD1 = 90: T=0 first, TA2 = 01: specific mode T=1 with TA1 in
	 * force, TD2 = 71: TA3 IFSC 32, TB3 BWI 7 CWI 7, TC3 CRC. */
	{"t0 and t1 specific crc",
	 {0x3B, 0x90, 0x18, 0x90, 0x01, 0x71, 0x20, 0x77, 0x01, 0x00}, 10,
	 true, false,
	 CCID_OK, true, true, 1, 0x18, 0, 10, 32, 7, 7,
	 true, true, false, false, true},
	{"inverse convention", {0x3F, 0x60, 0x00, 0x00}, 4, false, false,
	 CCID_OK, true, false, 0, 0x11, 0, 10, 32, 4, 13,
	 false, false, true, false, false},
	/* TD2 names T=15 with a class indicator in TA3: TCK is required. */
	{"t0 and t15 with tck", {0x3B, 0x80, 0x80, 0x1F, 0x03, 0x00}, 6,
	 true, false,
	 CCID_OK, true, false, 0, 0x11, 0, 10, 32, 4, 13,
	 false, false, false, false, false},
	/* PC/SC part 3 ATR of a storage card: 3B 8F 80 01, the RID and
	 * card name in 15 historical bytes, TCK. */
	{"contactless storage card",
	 {0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03,
	  0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00}, 20,
	 true, false,
	 CCID_OK, true, true, 0, 0x11, 0, 10, 32, 4, 13,
	 false, false, false, true, false},
	/* PC/SC part 3 ATR of an ISO/IEC 14443-4 card with eight
	 * historical bytes from its ATS. */
	{"contactless iso 14443-4",
	 {0x3B, 0x88, 0x80, 0x01, 0x00, 0x31, 0xC1, 0x73, 0xC8, 0x40, 0x00,
	  0x90, 0x00}, 13, true, false,
	 CCID_OK, true, true, 0, 0x11, 0, 10, 32, 4, 13,
	 false, false, false, true, false},
	{.name = "t1 wrong tck",
	 .bytes = {0x3B, 0xE9, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x45,
		   0x4D, 0x56,
		   0x20, 0x54, 0x45, 0x53, 0x54, 0x31, 0x00},
	 .len = 18, .fix_tck = true, .bad_tck = true,
	 .expected = CCID_EFRAME},
	{.name = "t1 missing tck",
	 .bytes = {0x3B, 0xE9, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x45,
		   0x4D, 0x56,
		   0x20, 0x54, 0x45, 0x53, 0x54, 0x31},
	 .len = 17, .fix_tck = false, .bad_tck = false,
	 .expected = CCID_EFRAME},
	{.name = "truncated interface bytes",
	 .bytes = {0x3B, 0xE9, 0x00, 0x00, 0x81},
	 .len = 5, .fix_tck = false, .bad_tck = false,
	 .expected = CCID_EFRAME},
	{.name = "truncated historical bytes",
	 .bytes = {0x3B, 0x92, 0x96, 0x40, 0x14, 0x31},
	 .len = 6, .fix_tck = false, .bad_tck = false,
	 .expected = CCID_EFRAME},
	{.name = "byte after the end",
	 .bytes = {0x3B, 0x60, 0x00, 0x00, 0x00},
	 .len = 5, .fix_tck = false, .bad_tck = false,
	 .expected = CCID_EFRAME},
	{.name = "wrong ts",
	 .bytes = {0x3C, 0x60, 0x00, 0x00},
	 .len = 4, .fix_tck = false, .bad_tck = false,
	 .expected = CCID_EFRAME},
	{.name = "ts only",
	 .bytes = {0x3B},
	 .len = 1, .fix_tck = false, .bad_tck = false,
	 .expected = CCID_EFRAME},
	{.name = "ifsc zero",
	 .bytes = {0x3B, 0x80, 0x81, 0x11, 0x00, 0x00},
	 .len = 6, .fix_tck = true, .bad_tck = false,
	 .expected = CCID_EFRAME},
	{.name = "too long",
	 .bytes = {0x3B, 0x0F, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
		   15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
		   29, 30, 31, 32},
	 .len = 34, .fix_tck = false, .bad_tck = false,
	 .expected = CCID_EFRAME},
};

static void set_tck(uint8_t *atr, size_t len, bool bad)
{
	uint8_t check = 0;

	for (size_t i = 1; i + 1 < len; i++)
		check ^= atr[i];
	atr[len - 1] = bad ? (uint8_t)(check ^ 0x01) : check;
}

static void check_fields(const struct atr_case *c, const struct ccid_atr *a)
{
	assert_int_equal(a->t0, c->t0);
	assert_int_equal(a->t1, c->t1);
	assert_int_equal(a->default_protocol, c->default_protocol);
	assert_int_equal(a->ta1, c->ta1);
	assert_int_equal(a->tc1, c->tc1);
	assert_int_equal(a->wi, c->wi);
	assert_int_equal(a->ifsc, c->ifsc);
	assert_int_equal(a->bwi, c->bwi);
	assert_int_equal(a->cwi, c->cwi);
	assert_int_equal(a->crc, c->crc);
	assert_int_equal(a->specific_mode, c->specific_mode);
	assert_int_equal(a->specific_ta1, c->specific_ta1);
	assert_int_equal(a->inverse, c->inverse);
	assert_int_equal(a->contactless, c->contactless);
}

static void atr_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(atr_cases); i++) {
		const struct atr_case *c = &atr_cases[i];
		uint8_t bytes[40];
		struct ccid_atr atr;
		int rc;

		print_message("case: %s\n", c->name);
		memcpy(bytes, c->bytes, sizeof(bytes));
		if (c->fix_tck)
			set_tck(bytes, c->len, c->bad_tck);
		rc = ccid_parse_atr(bytes, c->len, &atr);
		assert_int_equal(rc, c->expected);
		if (rc == CCID_OK)
			check_fields(c, &atr);
	}
}

static void atr_tck_when_only_t0(void **state)
{
	/* "t0 minimal" with one more byte: only T=0 is offered, so that
	 * byte cannot be a TCK, even one that checks. */
	uint8_t bytes[] = {0x3B, 0x60, 0x00, 0x02, 0x00};
	struct ccid_atr atr;

	(void)state;
	set_tck(bytes, sizeof(bytes), false);
	assert_int_equal(ccid_parse_atr(bytes, sizeof(bytes), &atr),
			 CCID_EFRAME);
}

static void atr_null(void **state)
{
	const uint8_t bytes[] = {0x3B, 0x00};
	struct ccid_atr atr;

	(void)state;
	assert_int_equal(ccid_parse_atr(NULL, 2, &atr), CCID_EFRAME);
	assert_int_equal(ccid_parse_atr(bytes, sizeof(bytes), NULL),
			 CCID_EFRAME);
	assert_int_equal(ccid_parse_atr(bytes, sizeof(bytes), &atr), CCID_OK);
	assert_true(atr.t0);
}

struct timeout_case {
	const char *name;
	uint8_t ta1;
	uint8_t wi;
	uint8_t bwi;
	int protocol;
	uint32_t clock_khz;
	unsigned expected_ms;
};

/* Twice the waiting time, rounded down to whole ms plus one:
 * T=0 WT = WI x 960 x Fi / f, T=1 BWT = 11 etu + 2^BWI x 960 x 372 / f. */
static const struct timeout_case timeout_cases[] = {
	{"t0 defaults", 0x11, 10, 4, 0, 3580, 2 * 998},
	{"t0 wi 20 fi 512", 0x96, 20, 4, 0, 4000, 2 * 2458},
	{"t1 bwi 4", 0x11, 10, 4, 1, 3580, 2 * 1598},
	{"t1 bwi 4 fi 512 di 32", 0x96, 10, 4, 1, 4000, 2 * 1429},
	{"t1 short floor", 0x11, 10, 0, 1, 14000, 1000},
	{"t1 reserved bwi", 0x11, 10, 15, 1, 3580, 2 * 51076},
	{"unknown clock", 0x11, 10, 4, 0, 0, 2 * 998},
	{"reserved fi", 0x71, 10, 4, 0, 3580, 2 * 998},
};

static void timeout_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(timeout_cases); i++) {
		const struct timeout_case *c = &timeout_cases[i];
		struct ccid_atr atr;

		print_message("case: %s\n", c->name);
		memset(&atr, 0, sizeof(atr));
		atr.ta1 = c->ta1;
		atr.wi = c->wi;
		atr.bwi = c->bwi;
		assert_int_equal(ccid_reply_timeout_ms(&atr, c->protocol,
						       c->clock_khz),
				 c->expected_ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(atr_table),
		cmocka_unit_test(atr_tck_when_only_t0),
		cmocka_unit_test(atr_null),
		cmocka_unit_test(timeout_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
