/* Unit tests for drivers/magstripe.c: swipes of one, both or broken
 * tracks, swipes garbled by German and French keyboard layouts, name
 * formatting, and the detection of a swipe in typed input. Failure
 * messages show PANs masked only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/magstripe.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Test PANs that pass the Luhn check, and one that does not. */
#define PAN_VISA "4111111111111111"
#define PAN_MC "5555555555554444"
#define PAN_BAD "4111111111111112"

/* Every track below carries this discretionary data, which must never
 * show up in struct card_data. */
#define SECRET "789012345"

#define T1 "%B" PAN_VISA "^SMITH/JOHN A.MR^2512101" "56" SECRET "?"
#define T2 ";" PAN_VISA "=2512101" "56" SECRET "?"

struct parse_case {
	const char *name;
	const char *text;
	int expected;
	const char *pan;
	const char *expiry;
	const char *holder;
	const char *missing;
};

static const struct parse_case parse_cases[] = {
	{"both tracks", T1 T2, CARD_OK, PAN_VISA, "2512", "MR JOHN A SMITH",
	 ""},
	{"track 1 only", T1, CARD_OK, PAN_VISA, "2512", "MR JOHN A SMITH",
	 "track 2 missing"},
	{"track 2 only", T2, CARD_OK, PAN_VISA, "2512", "", "track 1 missing"},
	{"tracks reversed", T2 T1, CARD_OK, PAN_VISA, "2512",
	 "MR JOHN A SMITH", ""},
	{"line ends between", T1 "\r\n" T2 "\r\n", CARD_OK, PAN_VISA, "2512",
	 "MR JOHN A SMITH", ""},
	{"track 3 with ';'", T1 T2 ";011234567890123456=1234?", CARD_OK,
	 PAN_VISA, "2512", "MR JOHN A SMITH", ""},
	{"track 3 with '+'", T1 "+0112345?" T2, CARD_OK, PAN_VISA, "2512",
	 "MR JOHN A SMITH", ""},
	{"track 1 no end sentinel",
	 "%B" PAN_VISA "^SMITH/JOHN^2512101" SECRET T2, CARD_OK, PAN_VISA,
	 "2512", "", "track 1 unreadable: no end sentinel"},
	{"track 2 no end sentinel", T1 ";" PAN_VISA "=2512101" SECRET,
	 CARD_OK, PAN_VISA, "2512", "MR JOHN A SMITH",
	 "track 2 unreadable: no end sentinel"},
	{"noise in track 1 pan",
	 "%B41111111X1111111^SMITH/JOHN^2512101" SECRET "?" T2, CARD_OK,
	 PAN_VISA, "2512", "", "track 1 unreadable: bad card number"},
	{"noise in track 2 pan",
	 T1 ";4111 111111111111=2512101" SECRET "?", CARD_OK, PAN_VISA,
	 "2512", "MR JOHN A SMITH", "track 2 unreadable: bad card number"},
	{"noise in both pans",
	 "%B41111111X1111111^SMITH/JOHN^2512101?;4111a111111111111=2512101?",
	 CARD_ENOPAN, "", "", "", ""},
	{"track 1 read error", "%E?" T2, CARD_OK, PAN_VISA, "2512", "",
	 "track 1 unreadable: read error"},
	{"track 2 read error", T1 ";E?", CARD_OK, PAN_VISA, "2512",
	 "MR JOHN A SMITH", "track 2 unreadable: read error"},
	{"both read errors", "%E?;E?\r", CARD_ENOPAN, "", "", "", ""},
	{"track 1 no name", "%B" PAN_VISA "^^2512101?" T2, CARD_OK, PAN_VISA,
	 "2512", "", "track 1 unreadable: no name"},
	{"track 1 lower case", "%B" PAN_VISA "^smith/john^2512101?" T2,
	 CARD_OK, PAN_VISA, "2512", "", "track 1 unreadable: bad character "
	 "in name"},
	{"track 1 not format b", "%A" PAN_VISA "^SMITH/JOHN^2512101?" T2,
	 CARD_OK, PAN_VISA, "2512", "", "track 1 unreadable: not format B"},
	{"bad month", ";" PAN_VISA "=2513101" SECRET "?", CARD_ENOPAN, "", "",
	 "", ""},
	{"no service code", ";" PAN_VISA "=251210?", CARD_ENOPAN, "", "", "",
	 ""},
	{"short pan", ";41111111111=2512101?", CARD_ENOPAN, "", "", "", ""},
	{"bad luhn", ";" PAN_BAD "=2512101?", CARD_ELUHN, "", "", "", ""},
	{"pans disagree", T1 ";" PAN_MC "=2512101?", CARD_EDATA, "", "", "",
	 ""},
	{"expiry disagrees", T1 ";" PAN_VISA "=2612101?", CARD_EDATA, "", "",
	 "", ""},
	{"empty", "", CARD_ENOPAN, "", "", "", ""},
	{"typed digits", PAN_VISA, CARD_ENOPAN, "", "", "", ""},
	{"only line ends", "\r\n\r\n", CARD_ENOPAN, "", "", "", ""},
	{"track 2 too long", ";" PAN_VISA "=2512101"
	 "12345678901234567890123?", CARD_ENOPAN, "", "", "", ""},
};

/* Check a PAN without printing it whole when the check fails. */
static void assert_pan(const char *actual, const char *expected)
{
	char masked_actual[CARD_PAN_SIZE];
	char masked_expected[CARD_PAN_SIZE];

	card_mask_pan(actual, masked_actual, sizeof(masked_actual));
	card_mask_pan(expected, masked_expected, sizeof(masked_expected));
	assert_string_equal(masked_actual, masked_expected);
	assert_int_equal(strcmp(actual, expected), 0);
}

static void assert_no_secret(const struct card_data *data)
{
	assert_null(memmem(data, sizeof(*data), SECRET, strlen(SECRET)));
}

static void parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct card_data data;
		int rc;

		print_message("case: %s\n", c->name);
		memset(&data, 0x55, sizeof(data));
		rc = magstripe_parse(c->text, strlen(c->text), &data);
		assert_int_equal(rc, c->expected);
		assert_pan(data.pan, c->pan);
		assert_string_equal(data.expiry, c->expiry);
		assert_string_equal(data.name, c->holder);
		assert_string_equal(data.missing, c->missing);
		assert_string_equal(data.label, "");
		if (rc == CARD_OK)
			assert_int_equal(data.source, CARD_SOURCE_STRIPE);
		assert_no_secret(&data);
	}
}

/* What a US-layout reader's keys give on a layout: US character, then the
 * UTF-8 text that arrives, from xkeyboard-config symbols/de and
 * symbols/fr "basic". Characters not listed arrive unchanged. */
struct garble {
	char us;
	const char *typed;
};

static const struct garble german[] = {
	{'^', "&"},        {'?', "_"}, {';', "\xc3\xb6"}, {'=', "\xc2\xb4"},
	{'/', "-"},        {'Y', "Z"}, {'Z', "Y"},        {'-', "\xc3\x9f"},
};

static const struct garble french[] = {
	{'1', "&"},        {'2', "\xc3\xa9"}, {'3', "\""}, {'4', "'"},
	{'5', "("},        {'6', "-"},        {'7', "\xc3\xa8"},
	{'8', "_"},        {'9', "\xc3\xa7"}, {'0', "\xc3\xa0"},
	{'%', "5"},        {'^', "6"},        {'?', "\xc2\xa7"},
	{'/', "!"},        {'.', ":"},        {';', "m"}, {'M', "?"},
	{'A', "Q"},        {'Q', "A"},        {'W', "Z"}, {'Z', "W"},
};

/* Type us through a layout into out. */
static void garble(const struct garble *table, size_t count, const char *us,
		   char *out, size_t size)
{
	size_t used = 0;

	for (; *us != '\0'; us++) {
		char plain[2] = {*us, '\0'};
		const char *typed = plain;

		for (size_t i = 0; i < count; i++) {
			if (table[i].us == *us)
				typed = table[i].typed;
		}
		assert_true(used + strlen(typed) < size);
		memcpy(out + used, typed, strlen(typed));
		used += strlen(typed);
	}
	out[used] = '\0';
}

struct layout_case {
	const char *name;
	const struct garble *table;
	size_t count;
	const char *us;
	int expected;
	const char *hint;
};

static const struct layout_case layout_cases[] = {
	{"german both tracks", german, COUNT(german),
	 "%B" PAN_VISA "^ZYLA/YVES^2512101" SECRET "?" T2, CARD_ELAYOUT,
	 "German"},
	{"german track 2", german, COUNT(german), T2, CARD_ELAYOUT, "German"},
	{"german track 1 dead key lost", german, COUNT(german),
	 T1 ";" PAN_VISA "2512101?", CARD_ELAYOUT, "German"},
	{"french both tracks", french, COUNT(french), T1 "\r" T2,
	 CARD_ELAYOUT, "French"},
	{"french track 1", french, COUNT(french),
	 "%B" PAN_VISA "^MAQUET/ZOE M.MME^2512101" SECRET "?", CARD_ELAYOUT,
	 "French"},
	{"french track 2", french, COUNT(french), T2, CARD_ELAYOUT, "French"},
	{"french bad luhn", french, COUNT(french), ";" PAN_BAD "=2512101?",
	 CARD_ENOPAN, NULL},
};

static void layout_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(layout_cases); i++) {
		const struct layout_case *c = &layout_cases[i];
		char text[MAGSTRIPE_MAX + 1];
		char name[16] = "";
		struct card_data data;
		bool hinted;

		print_message("case: %s\n", c->name);
		garble(c->table, c->count, c->us, text, sizeof(text));
		assert_int_equal(magstripe_parse(text, strlen(text), &data),
				 c->expected);
		assert_pan(data.pan, "");
		assert_string_equal(data.name, "");
		hinted = magstripe_layout_hint(text, strlen(text), name,
					       sizeof(name));
		assert_int_equal(hinted, c->hint != NULL);
		if (c->hint != NULL)
			assert_string_equal(name, c->hint);
	}
}

/* A literal German swipe, to check the table helper above too. */
static void layout_german_literal(void **state)
{
	static const char text[] = "\xc3\xb6" PAN_VISA "\xc2\xb4"
				   "2512101_";
	char name[16] = "";
	struct card_data data;

	(void)state;
	assert_int_equal(magstripe_parse(text, strlen(text), &data),
			 CARD_ELAYOUT);
	assert_true(magstripe_layout_hint(text, strlen(text), name,
					  sizeof(name)));
	assert_string_equal(name, "German");
}

static void layout_hint_us_swipe(void **state)
{
	char name[16] = "unchanged";

	(void)state;
	assert_false(magstripe_layout_hint(T1 T2, strlen(T1 T2), name,
					   sizeof(name)));
	assert_string_equal(name, "unchanged");
	assert_false(magstripe_layout_hint(PAN_VISA, strlen(PAN_VISA), name,
					   sizeof(name)));
	assert_false(magstripe_layout_hint(NULL, 4, name, sizeof(name)));
}

struct name_case {
	const char *raw;
	const char *expected;
};

static const struct name_case name_cases[] = {
	{"SMITH/JOHN", "JOHN SMITH"},
	{"SMITH/JOHN A.MR", "MR JOHN A SMITH"},
	{"DOE/JANE            ", "JANE DOE"},
	{"O NEIL/ MARY  .DR", "DR MARY O NEIL"},
	{"CARDHOLDER", "CARDHOLDER"},
	{"  VALUED  CUSTOMER  ", "VALUED CUSTOMER"},
	{" /", ""},
	{"ABCDEFGHIJKLM/NOPQRSTUVWXY", "NOPQRSTUVWXY ABCDEFGHIJKLM"},
};

static void name_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(name_cases); i++) {
		const struct name_case *c = &name_cases[i];
		char text[128];
		struct card_data data;

		print_message("case: %s\n", c->raw);
		snprintf(text, sizeof(text), "%%B%s^%s^2512101?", PAN_VISA,
			 c->raw);
		assert_int_equal(magstripe_parse(text, strlen(text), &data),
				 CARD_OK);
		assert_string_equal(data.name, c->expected);
		assert_string_equal(data.expiry, "2512");
	}
}

struct format_case {
	const char *raw;
	size_t size; /* room in out */
	const char *expected;
};

/* card_format_name directly, as EMV tag 5F20 uses it: no track 1 length
 * limit applies, and a small out cuts the result. */
static const struct format_case format_cases[] = {
	{"TEST/CARDHOLDER", 27, "CARDHOLDER TEST"},
	{"SMITH/JOHN A.MR  ", 27, "MR JOHN A SMITH"},
	{"SMITH/JOHN", 5, "JOHN"},
	{"SMITH/JOHN", 1, ""},
	{"/", 27, ""},
	{"", 27, ""},
	{"NO SLASH.MR", 27, "NO SLASH.MR"},
};

static void format_name_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		const struct format_case *c = &format_cases[i];
		char out[32];

		print_message("case: \"%s\" in %zu bytes\n", c->raw, c->size);
		memset(out, 'x', sizeof(out));
		card_format_name(c->raw, strlen(c->raw), out, c->size);
		assert_string_equal(out, c->expected);
		assert_int_equal(out[c->size], 'x');
	}
}

struct scan_case {
	const char *name;
	const char *text;
	enum magstripe_scan expected;
};

static const struct scan_case scan_cases[] = {
	{"empty", "", MAGSTRIPE_NOT_SWIPE},
	{"typed digits", "4111111111111111", MAGSTRIPE_NOT_SWIPE},
	{"typed five", "5", MAGSTRIPE_NOT_SWIPE},
	{"typed word", "hello", MAGSTRIPE_NOT_SWIPE},
	{"percent then letter", "%X", MAGSTRIPE_NOT_SWIPE},
	{"semicolon then letter", ";A", MAGSTRIPE_NOT_SWIPE},
	{"semicolon", ";", MAGSTRIPE_PARTIAL},
	{"semicolon digits", ";4111", MAGSTRIPE_PARTIAL},
	{"percent", "%", MAGSTRIPE_PARTIAL},
	{"track 1 start", "%B4111", MAGSTRIPE_PARTIAL},
	{"track 2 error", ";E?", MAGSTRIPE_COMPLETE},
	{"track 2", T2, MAGSTRIPE_COMPLETE},
	{"both tracks", T1 T2, MAGSTRIPE_COMPLETE},
	{"both tracks line end", T1 T2 "\r\n", MAGSTRIPE_COMPLETE},
	{"german track 2 start", "\xc3\xb6" "4111", MAGSTRIPE_PARTIAL},
	{"german track 2", "\xc3\xb6" PAN_VISA "\xc2\xb4" "2512101_",
	 MAGSTRIPE_COMPLETE},
	{"french track 1 start", "5B'&&&", MAGSTRIPE_PARTIAL},
	{"french track 2 start", "m'&&&", MAGSTRIPE_PARTIAL},
	{"french track 2", "m'&=\xc3\xa9(&\xc3\xa9&\xc3\xa0&\xc2\xa7",
	 MAGSTRIPE_COMPLETE},
};

static void scan_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(scan_cases); i++) {
		const struct scan_case *c = &scan_cases[i];

		print_message("case: %s\n", c->name);
		assert_int_equal(magstripe_scan(c->text, strlen(c->text)),
				 c->expected);
	}
}

static void scan_too_long(void **state)
{
	char text[MAGSTRIPE_MAX + 2];

	(void)state;
	memset(text, '1', sizeof(text) - 1);
	text[0] = ';';
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(magstripe_scan(text, MAGSTRIPE_MAX),
			 MAGSTRIPE_PARTIAL);
	assert_int_equal(magstripe_scan(text, MAGSTRIPE_MAX + 1),
			 MAGSTRIPE_NOT_SWIPE);
	assert_int_equal(magstripe_scan(NULL, 0), MAGSTRIPE_NOT_SWIPE);
}

static void parse_bad_arguments(void **state)
{
	char text[MAGSTRIPE_MAX + 2];
	struct card_data data;

	(void)state;
	memset(text, ' ', sizeof(text) - 1);
	memcpy(text, T2, strlen(T2));
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(magstripe_parse(text, MAGSTRIPE_MAX, &data),
			 CARD_OK);
	assert_int_equal(magstripe_parse(text, MAGSTRIPE_MAX + 1, &data),
			 CARD_EDATA);
	assert_pan(data.pan, "");
	assert_int_equal(magstripe_parse(NULL, 4, &data), CARD_EINVAL);
	assert_int_equal(magstripe_parse(T2, strlen(T2), NULL), CARD_EINVAL);
}

/* The length given counts, not a NUL: a swipe cut short is incomplete. */
static void parse_uses_length(void **state)
{
	struct card_data data;

	(void)state;
	assert_int_equal(magstripe_parse(T1 T2, strlen(T1), &data), CARD_OK);
	assert_string_equal(data.missing, "track 2 missing");
	assert_int_equal(magstripe_parse(T2, strlen(T2) - 1, &data),
			 CARD_ENOPAN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_table),
		cmocka_unit_test(layout_table),
		cmocka_unit_test(layout_german_literal),
		cmocka_unit_test(layout_hint_us_swipe),
		cmocka_unit_test(name_table),
		cmocka_unit_test(format_name_table),
		cmocka_unit_test(scan_table),
		cmocka_unit_test(scan_too_long),
		cmocka_unit_test(parse_bad_arguments),
		cmocka_unit_test(parse_uses_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
