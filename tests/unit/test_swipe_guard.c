/* Unit tests of the swipe guard's burst classifier and its check for card
 * data in text fields. The guard lives in ui/, which unit tests do not
 * link, and it calls no curses, so its source is compiled in here. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../ui/swipe_guard.h"

struct classify_case {
	const char *name;
	const char *text;
	bool final;
	enum swipe_guard_class expected;
};

static const struct classify_case classify_cases[] = {
	{ "US track 2 with Enter", ";4111111111111111=28121010000000000?\n",
	  false, SWIPE_GUARD_TRACK },
	{ "US track 1", "%B4111111111111111^CARDHOLDER/VISA^2812101000?",
	  false, SWIPE_GUARD_TRACK },
	{ "track without end sentinel", ";4111111111111111=2812101", false,
	  SWIPE_GUARD_PARTIAL },
	{ "track without end sentinel, final", ";4111111111111111=2812101",
	  true, SWIPE_GUARD_TRACK },
	{ "first 10 keys of track 1", "%B41111111", false,
	  SWIPE_GUARD_PARTIAL },
	{ "first 10 keys of track 1, final", "%B41111111", true,
	  SWIPE_GUARD_TYPING },
	{ "partial track 2, final", ";4111111111111", true,
	  SWIPE_GUARD_TRACK },
	{ "Spanish track 2", "ñ4111111111111111¡28121010000000000_\n", false,
	  SWIPE_GUARD_FOREIGN },
	{ "Spanish start", "ñ411111111", false, SWIPE_GUARD_PARTIAL },
	{ "Spanish start, final", "ñ411111111", true, SWIPE_GUARD_TYPING },
	{ "pasted address", "Tel;0241234567, Ring Road", false,
	  SWIPE_GUARD_TYPING },
	{ "address with percent", "50%", false, SWIPE_GUARD_TYPING },
	{ "name with accents", "Nyamékyé Adjoa", false, SWIPE_GUARD_TYPING },
	{ "typed card number", "4111111111111111", false,
	  SWIPE_GUARD_TYPING },
	{ "phone number", "+233241234567", false, SWIPE_GUARD_TYPING },
	{ "agent ID", "A1001", false, SWIPE_GUARD_TYPING },
	{ "password", "counter-demo-1", false, SWIPE_GUARD_TYPING },
	{ "empty", "", true, SWIPE_GUARD_TYPING },
	{ "PAN failing Luhn with expiry", "4111111111111112x2812", false,
	  SWIPE_GUARD_PARTIAL },
	{ "PAN failing Luhn with expiry, final", "4111111111111112x2812",
	  true, SWIPE_GUARD_FOREIGN },
	{ "short digits with letters, final", "AB123456 CD", true,
	  SWIPE_GUARD_TYPING },
	{ "bank account in an address, final", "Acct 1441000123456 Accra",
	  true, SWIPE_GUARD_TYPING },
	{ "reference in a note, final", "Ref 202412050001 paid", true,
	  SWIPE_GUARD_TYPING },
	{ "two pasted wallets, final", "10000000011000000002 3.00", true,
	  SWIPE_GUARD_TYPING },
};

static void classify_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(classify_cases) /
				       sizeof(classify_cases[0]);
	     i++) {
		const struct classify_case *c = &classify_cases[i];
		enum swipe_guard_class got;

		got = swipe_guard_classify(c->text, strlen(c->text), c->final);
		if (got != c->expected)
			print_error("case \"%s\": class %d, expected %d\n",
				    c->name, (int)got, (int)c->expected);
		assert_int_equal(got, c->expected);
	}
}

struct data_case {
	const char *name;
	const char *text;
	bool expected;
};

static const struct data_case data_cases[] = {
	{ "track 2 start", "x;4111111111111111=2812", true },
	{ "track 1 start", "%B4111111111111111^NAME", true },
	{ "track 1 tail", "11111111^CARDHOLDER/VISA^2812101000000000000?",
	  true },
	{ "track 2 tail", "1111=28121010000000000?", true },
	{ "PAN in words", "card 4111111111111111 please", true },
	{ "account number alone", "4111111111111111", false },
	{ "address", "Tel;0241234567, Ring Road", false },
	{ "phone with plus", "+233241234567", false },
	{ "PAN failing Luhn in words", "ref 4111111111111112", false },
	{ "caret without end sentinel", "a^1234 b", false },
};

static void card_data_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(data_cases) / sizeof(data_cases[0]);
	     i++) {
		const struct data_case *c = &data_cases[i];
		bool got = swipe_guard_has_card_data(c->text);

		if (got != c->expected)
			print_error("case \"%s\": %d, expected %d\n", c->name,
				    (int)got, (int)c->expected);
		assert_int_equal(got, c->expected);
	}
}

struct char_case {
	wint_t ch;
	bool expected;
};

static const struct char_case char_cases[] = {
	{ L'7', true },  { L'C', true },  { L' ', true },  { L'^', true },
	{ L'?', true },  { L'ñ', true },  { L'¡', true },  { L',', false },
	{ L'+', false }, { L'(', false },
};

static void track_char_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(char_cases) / sizeof(char_cases[0]);
	     i++) {
		if (swipe_guard_track_char(char_cases[i].ch) !=
		    char_cases[i].expected)
			print_error("case U+%04X\n",
				    (unsigned)char_cases[i].ch);
		assert_int_equal(swipe_guard_track_char(char_cases[i].ch),
				 char_cases[i].expected);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify_table),
		cmocka_unit_test(card_data_table),
		cmocka_unit_test(track_char_table),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
