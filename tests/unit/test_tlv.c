/* Unit tests for drivers/tlv.c: EMV-shaped objects that parse, and
 * malformed input that each parser entry point rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/tlv.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* A file control information template as a contact card returns it for
 * SELECT: DF name, then the proprietary template with the SFI, language,
 * a PDOL and one directory entry in the issuer discretionary data. */
static const uint8_t fci[] = {
	0x6F, 0x2A,
	0x84, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10,
	0xA5, 0x1F,
	0x88, 0x01, 0x01,
	0x5F, 0x2D, 0x02, 'e', 'n',
	0x9F, 0x38, 0x03, 0x9F, 0x1A, 0x02,
	0xBF, 0x0C, 0x0E,
	0x61, 0x0C,
	0x4F, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10,
	0x87, 0x01, 0x01,
};

/* A READ RECORD reply with a test card's track 2 equivalent data, PAN,
 * expiry date and cardholder name. */
static const uint8_t record[] = {
	0x70, 0x31,
	0x57, 0x10, 0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x00, 0x10,
	0xD2, 0x21, 0x22, 0x01, 0x17, 0x58, 0x92, 0x89,
	0x5A, 0x08, 0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x00, 0x10,
	0x5F, 0x24, 0x03, 0x22, 0x12, 0x31,
	0x5F, 0x20, 0x0C, 'C', 'A', 'R', 'D', 'H', 'O', 'L', 'D', 'E', 'R',
	'/', 'A',
};

struct find_case {
	const char *name;
	const uint8_t *data;
	size_t length;
	uint32_t tag;
	int expected;
	size_t value_length;
	uint8_t first_byte; /* first value byte, when value_length > 0 */
	bool constructed;
};

static const struct find_case find_cases[] = {
	{"fci template", fci, sizeof(fci), 0x6F, 1, 42, 0x84, true},
	{"fci df name", fci, sizeof(fci), 0x84, 1, 7, 0xA0, false},
	{"fci proprietary", fci, sizeof(fci), 0xA5, 1, 31, 0x88, true},
	{"fci sfi", fci, sizeof(fci), 0x88, 1, 1, 0x01, false},
	{"fci language", fci, sizeof(fci), 0x5F2D, 1, 2, 'e', false},
	{"fci pdol", fci, sizeof(fci), 0x9F38, 1, 3, 0x9F, false},
	{"fci discretionary", fci, sizeof(fci), 0xBF0C, 1, 14, 0x61, true},
	{"fci directory entry", fci, sizeof(fci), 0x61, 1, 12, 0x4F, true},
	{"fci entry aid", fci, sizeof(fci), 0x4F, 1, 7, 0xA0, false},
	{"fci entry priority", fci, sizeof(fci), 0x87, 1, 1, 0x01, false},
	{"fci absent tag", fci, sizeof(fci), 0x5A, 0, 0, 0, false},
	{"pdol content not a tag", fci, sizeof(fci), 0x9F1A, 0, 0, 0, false},
	{"record template", record, sizeof(record), 0x70, 1, 49, 0x57, true},
	{"record track 2", record, sizeof(record), 0x57, 1, 16, 0x47, false},
	{"record pan", record, sizeof(record), 0x5A, 1, 8, 0x47, false},
	{"record expiry", record, sizeof(record), 0x5F24, 1, 3, 0x22, false},
	{"record name", record, sizeof(record), 0x5F20, 1, 12, 'C', false},
	{"record absent tag", record, sizeof(record), 0x9F38, 0, 0, 0, false},
};

static void find_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(find_cases); i++) {
		const struct find_case *c = &find_cases[i];
		struct tlv_item item;
		int rc;

		memset(&item, 0, sizeof(item));
		print_message("case: %s\n", c->name);
		rc = tlv_find(c->data, c->length, c->tag, &item);
		assert_int_equal(rc, c->expected);
		if (rc != 1)
			continue;
		assert_int_equal(item.tag, c->tag);
		assert_int_equal(item.length, c->value_length);
		assert_int_equal(item.constructed, c->constructed);
		assert_true(item.value >= c->data);
		assert_true(item.value + item.length <= c->data + c->length);
		assert_int_equal(item.value[0], c->first_byte);
	}
}

/* The children of A5, in order, through the one-level iterator. */
static void next_children_in_order(void **state)
{
	static const uint32_t tags[] = {0x88, 0x5F2D, 0x9F38, 0xBF0C};
	struct tlv_cursor cursor;
	struct tlv_item item;

	(void)state;
	assert_int_equal(tlv_find(fci, sizeof(fci), 0xA5, &item), 1);
	tlv_cursor_init(&cursor, item.value, item.length);
	for (size_t i = 0; i < COUNT(tags); i++) {
		assert_int_equal(tlv_next(&cursor, &item), 1);
		assert_int_equal(item.tag, tags[i]);
	}
	assert_int_equal(tlv_next(&cursor, &item), 0);
	assert_int_equal(tlv_next(&cursor, &item), 0);
}

static void next_top_level_one_item(void **state)
{
	struct tlv_cursor cursor;
	struct tlv_item item;

	(void)state;
	tlv_cursor_init(&cursor, fci, sizeof(fci));
	assert_int_equal(tlv_next(&cursor, &item), 1);
	assert_int_equal(item.tag, 0x6F);
	assert_true(item.constructed);
	assert_ptr_equal(item.value, fci + 2);
	assert_int_equal(item.length, sizeof(fci) - 2);
	assert_int_equal(tlv_next(&cursor, &item), 0);
}

static void next_empty_input(void **state)
{
	struct tlv_cursor cursor;
	struct tlv_item item;

	(void)state;
	tlv_cursor_init(&cursor, NULL, 0);
	assert_int_equal(tlv_next(&cursor, &item), 0);
	assert_int_equal(tlv_check(NULL, 0), 0);
	assert_int_equal(tlv_find(NULL, 0, 0x5A, &item), 0);
}

/* A failed tlv_next leaves the cursor in place and fails again. */
static void next_error_repeats(void **state)
{
	static const uint8_t data[] = {0x5A, 0x01, 0x01, 0x5A, 0x02, 0x01};
	struct tlv_cursor cursor;
	struct tlv_item item;

	(void)state;
	tlv_cursor_init(&cursor, data, sizeof(data));
	assert_int_equal(tlv_next(&cursor, &item), 1);
	assert_int_equal(tlv_next(&cursor, &item), TLV_ERR_LENGTH_PAST_END);
	assert_int_equal(tlv_next(&cursor, &item), TLV_ERR_LENGTH_PAST_END);
	assert_int_equal(cursor.offset, 3);
}

/* Long forms 0x81 (128 to 255) and 0x82 (256 and up) at their lowest
 * values, around a primitive and around a constructed object. */
static void long_forms(void **state)
{
	static uint8_t data[4 + 256 + 4];
	struct tlv_item item;

	(void)state;
	memset(data, 0xAB, sizeof(data));
	data[0] = 0x9F;
	data[1] = 0x4B;
	data[2] = 0x81;
	data[3] = 0x80;
	assert_int_equal(tlv_find(data, 4 + 128, 0x9F4B, &item), 1);
	assert_int_equal(item.length, 128);
	assert_ptr_equal(item.value, data + 4);
	assert_int_equal(tlv_find(data, 4 + 127, 0x9F4B, &item),
			 TLV_ERR_LENGTH_PAST_END);

	/* 70 82 01 00 around 9F4B 81 FC and 252 value bytes. */
	data[0] = 0x70;
	data[1] = 0x82;
	data[2] = 0x01;
	data[3] = 0x00;
	data[4] = 0x9F;
	data[5] = 0x4B;
	data[6] = 0x81;
	data[7] = 0xFC;
	assert_int_equal(tlv_find(data, 4 + 256, 0x70, &item), 1);
	assert_int_equal(item.length, 256);
	assert_int_equal(tlv_find(data, 4 + 256, 0x9F4B, &item), 1);
	assert_int_equal(item.length, 0xFC);
	assert_ptr_equal(item.value, data + 8);
}

/* Long form 0x83 for 65536 bytes, one byte short, and not minimal. */
static void long_form_three_bytes(void **state)
{
	static uint8_t data[6 + 0x10000];
	struct tlv_item item;

	(void)state;
	memset(data, 0, sizeof(data));
	data[0] = 0xDF;
	data[1] = 0x01;
	data[2] = 0x83;
	data[3] = 0x01;
	assert_int_equal(tlv_find(data, sizeof(data), 0xDF01, &item), 1);
	assert_int_equal(item.length, 0x10000);
	assert_int_equal(tlv_check(data, sizeof(data) - 1),
			 TLV_ERR_LENGTH_PAST_END);

	data[3] = 0x00;
	data[4] = 0xFF;
	data[5] = 0xFF;
	assert_int_equal(tlv_check(data, sizeof(data)), TLV_ERR_LENGTH_FORM);
}

/* Each prefix of 5F2D 02 'e' 'n' fails with the error for where it is
 * cut, and the whole object parses. */
static void truncated_each_byte(void **state)
{
	static const uint8_t object[] = {0x5F, 0x2D, 0x02, 'e', 'n'};
	static const int expected[] = {
		0,
		TLV_ERR_TRUNCATED_TAG,
		TLV_ERR_TRUNCATED_LENGTH,
		TLV_ERR_LENGTH_PAST_END,
		TLV_ERR_LENGTH_PAST_END,
	};
	struct tlv_item item;

	(void)state;
	for (size_t length = 0; length < sizeof(object); length++) {
		print_message("prefix of %zu bytes\n", length);
		assert_int_equal(tlv_check(object, length), expected[length]);
	}
	assert_int_equal(tlv_check(object, sizeof(object)), 0);
	assert_int_equal(tlv_find(object, sizeof(object), 0x5F2D, &item), 1);
}

struct check_case {
	const char *name;
	const uint8_t *data;
	size_t length;
	int expected;
};

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, \
	sizeof((const uint8_t[]){__VA_ARGS__})

/* E1 is a private constructed tag, used here only to nest. */
static const struct check_case check_cases[] = {
	{"fci", fci, sizeof(fci), 0},
	{"record", record, sizeof(record), 0},
	{"empty primitive", BYTES(0x5A, 0x00), 0},
	{"one past end", BYTES(0x5A, 0x03, 0x01, 0x02),
	 TLV_ERR_LENGTH_PAST_END},
	{"indefinite 0x80", BYTES(0x70, 0x80, 0x5A, 0x00, 0x00, 0x00),
	 TLV_ERR_LENGTH_FORM},
	{"four length bytes 0x84",
	 BYTES(0x5A, 0x84, 0x00, 0x00, 0x00, 0x01, 0x00), TLV_ERR_LENGTH_FORM},
	{"non-minimal 0x81 0x05",
	 BYTES(0x5A, 0x81, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05),
	 TLV_ERR_LENGTH_FORM},
	{"non-minimal 0x82 0x00 0x80",
	 BYTES(0x5A, 0x82, 0x00, 0x80, 0x01), TLV_ERR_LENGTH_FORM},
	{"long form cut", BYTES(0x5A, 0x82, 0x01), TLV_ERR_TRUNCATED_LENGTH},
	{"long form no bytes", BYTES(0x5A, 0x81), TLV_ERR_TRUNCATED_LENGTH},
	{"four byte tag", BYTES(0xDF, 0xFF, 0xFF, 0x7F, 0x00), 0},
	{"five byte tag", BYTES(0xDF, 0xFF, 0xFF, 0xFF, 0x01, 0x00),
	 TLV_ERR_TAG_TOO_LONG},
	{"tag cut after more bit", BYTES(0x9F, 0x81), TLV_ERR_TRUNCATED_TAG},
	{"children overrun parent",
	 BYTES(0x70, 0x04, 0x5A, 0x05, 0x01, 0x02), TLV_ERR_LENGTH_PAST_END},
	{"child cut inside parent",
	 BYTES(0x70, 0x01, 0x5F, 0x5A, 0x00), TLV_ERR_TRUNCATED_TAG},
	{"zero padding between and after",
	 BYTES(0x5A, 0x01, 0x01, 0x00, 0x00, 0x5A, 0x01, 0x02, 0x00), 0},
	{"zero padding before", BYTES(0x00, 0x5A, 0x00), 0},
	{"zero padding inside template",
	 BYTES(0x70, 0x05, 0x00, 0x5A, 0x01, 0x01, 0x00), 0},
	{"only zero padding", BYTES(0x00, 0x00), 0},
	{"0xFF padding between",
	 BYTES(0x5A, 0x01, 0x01, 0xFF, 0x5A, 0x01, 0x02), TLV_ERR_PADDING},
	{"0xFF padding after", BYTES(0x5A, 0x01, 0x01, 0xFF), TLV_ERR_PADDING},
	{"0xFF padding inside template",
	 BYTES(0x70, 0x04, 0x5A, 0x01, 0x01, 0xFF), TLV_ERR_PADDING},
	{"eight levels, innermost empty",
	 BYTES(0xE1, 0x0E, 0xE1, 0x0C, 0xE1, 0x0A, 0xE1, 0x08, 0xE1, 0x06,
	       0xE1, 0x04, 0xE1, 0x02, 0xE1, 0x00),
	 0},
	{"nine levels",
	 BYTES(0xE1, 0x10, 0xE1, 0x0E, 0xE1, 0x0C, 0xE1, 0x0A, 0xE1, 0x08,
	       0xE1, 0x06, 0xE1, 0x04, 0xE1, 0x02, 0x5A, 0x00),
	 TLV_ERR_TOO_DEEP},
};

static void check_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		struct tlv_item item;

		print_message("case: %s\n", c->name);
		assert_int_equal(tlv_check(c->data, c->length), c->expected);
		/* tlv_find checks the whole input too, match or not. */
		assert_int_equal(tlv_find(c->data, c->length, 0x9F02, &item),
				 c->expected);
	}
}

/* The search finds a tag before a fault but still reports the fault. */
static void find_rejects_fault_after_match(void **state)
{
	static const uint8_t data[] = {0x5A, 0x01, 0x01, 0x57, 0x81, 0x05};
	struct tlv_item item;

	(void)state;
	assert_int_equal(tlv_find(data, sizeof(data), 0x5A, &item),
			 TLV_ERR_LENGTH_FORM);
}

/* DOL entries: tags of 1 and 2 bytes, lengths, no values; a cut entry
 * fails and leaves the cursor in place. */
static void next_dol_entries(void **state)
{
	static const uint8_t dol[] = {0x9F, 0x66, 0x04, 0x95, 0x05,
				      0x9F, 0x37, 0x04, 0x5F, 0x2A};
	struct tlv_cursor cursor;
	uint32_t tag = 0;
	size_t length = 0;

	(void)state;
	tlv_cursor_init(&cursor, dol, sizeof(dol));
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length), 1);
	assert_int_equal(tag, 0x9F66);
	assert_int_equal(length, 4);
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length), 1);
	assert_int_equal(tag, 0x95);
	assert_int_equal(length, 5);
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length), 1);
	assert_int_equal(tag, 0x9F37);
	assert_int_equal(length, 4);
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length),
			 TLV_ERR_TRUNCATED_LENGTH);
	assert_int_equal(cursor.offset, 8);

	tlv_cursor_init(&cursor, dol, 8);
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length), 1);
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length), 1);
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length), 1);
	assert_int_equal(tlv_next_dol(&cursor, &tag, &length), 0);
}

static void strerror_each_code(void **state)
{
	static const int codes[] = {
		TLV_ERR_TRUNCATED_TAG,    TLV_ERR_TAG_TOO_LONG,
		TLV_ERR_TRUNCATED_LENGTH, TLV_ERR_LENGTH_FORM,
		TLV_ERR_LENGTH_PAST_END,  TLV_ERR_TOO_DEEP,
		TLV_ERR_PADDING,
	};
	const char *unknown = tlv_strerror(-100);

	(void)state;
	assert_string_equal(unknown, "unknown TLV error");
	for (size_t i = 0; i < COUNT(codes); i++) {
		const char *text = tlv_strerror(codes[i]);

		assert_non_null(text);
		assert_string_not_equal(text, unknown);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(text, tlv_strerror(codes[j]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_table),
		cmocka_unit_test(next_children_in_order),
		cmocka_unit_test(next_top_level_one_item),
		cmocka_unit_test(next_empty_input),
		cmocka_unit_test(next_error_repeats),
		cmocka_unit_test(long_forms),
		cmocka_unit_test(long_form_three_bytes),
		cmocka_unit_test(truncated_each_byte),
		cmocka_unit_test(check_table),
		cmocka_unit_test(find_rejects_fault_after_match),
		cmocka_unit_test(next_dol_entries),
		cmocka_unit_test(strerror_each_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
