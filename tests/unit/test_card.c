/* Unit tests of the PAN rules every card reader shares (drivers/card.c):
 * masking, the Luhn check, what counts as a card number, and the
 * messages for the agent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/card.h"

static void mask_pan_table(void **state)
{
	static const struct {
		const char *pan;
		const char *masked;
	} cases[] = {
		{ "4761739001010010", "476173******0010" },
		{ "5413330089010434", "541333******0434" },
		{ "4111111111111111110", "411111*********1110" },
		{ "4761739001010", "476173***1010" },
		/* Too short to show anything: masked whole. */
		{ "476173900101", "************" },
		{ "", "" },
	};
	char out[CARD_PAN_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_ptr_equal(card_mask_pan(cases[i].pan, out, sizeof(out)),
				 out);
		assert_string_equal(out, cases[i].masked);
	}
}

static void mask_pan_small_buffer(void **state)
{
	char out[5];

	(void)state;
	card_mask_pan("4761739001010010", out, sizeof(out));
	assert_string_equal(out, "****");
}

static void pan_rules_table(void **state)
{
	static const struct {
		const char *text;
		bool luhn;
		bool valid;   /* card_pan_valid */
		bool typed;   /* card_pan_typed */
	} cases[] = {
		{ "4761739001010010", true, true, true },
		{ "4761739001010011", false, false, false },
		{ "4111111111111111110", true, true, true },
		/* 12 digits: a card number from a read, never a typed one. */
		{ "123456789015", true, true, false },
		/* 20 digits: too long for a card. */
		{ "12345678901234567894", true, false, false },
		/* A 10-digit wallet account number. */
		{ "1000000001", false, false, false },
		{ "4761 7390 0101 0010", false, false, false },
		{ "476173900101001a", false, false, false },
		{ "", false, false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(card_luhn_ok(cases[i].text), cases[i].luhn);
		assert_int_equal(card_pan_valid(cases[i].text),
				 cases[i].valid);
		assert_int_equal(card_pan_typed(cases[i].text),
				 cases[i].typed);
	}
	assert_false(card_pan_valid(NULL));
	assert_false(card_pan_typed(NULL));
}

static void data_clear_wipes(void **state)
{
	struct card_data data;

	(void)state;
	memset(&data, 'x', sizeof(data));
	card_data_clear(&data);
	for (size_t i = 0; i < sizeof(data); i++)
		assert_int_equal(((const unsigned char *)&data)[i], 0);
}

/* Every code has its own message, and none is the fallback. */
static void strerror_every_code(void **state)
{
	const char *unknown = card_strerror(1000);

	(void)state;
	for (int code = CARD_OK; code >= CARD_ENOCHOICE; code--) {
		const char *text = card_strerror(code);

		assert_non_null(text);
		assert_string_not_equal(text, unknown);
		for (int other = code + 1; other <= CARD_OK; other++)
			assert_string_not_equal(text, card_strerror(other));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mask_pan_table),
		cmocka_unit_test(mask_pan_small_buffer),
		cmocka_unit_test(pan_rules_table),
		cmocka_unit_test(data_clear_wipes),
		cmocka_unit_test(strerror_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
