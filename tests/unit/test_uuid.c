/* Unit tests for app/uuid.c: generated ids and the canonical-form check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../app/uuid.h"

#define GENERATED_COUNT 1000

static int is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Check the layout without uuid_is_valid, so that a bug shared by both
 * functions still shows. */
static void generate_format(void **state)
{
	char id[UUID_TEXT_SIZE];

	(void)state;
	memset(id, 'x', sizeof(id));
	assert_int_equal(uuid_generate(id), 0);
	assert_int_equal(strlen(id), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(id[i], '-');
		else
			assert_true(is_lower_hex(id[i]));
	}
}

/* Version 4 in the first digit of the third group, RFC 4122 variant (8, 9,
 * a or b) in the first digit of the fourth group, on every id. */
static void generate_version_variant(void **state)
{
	(void)state;
	for (int i = 0; i < GENERATED_COUNT; i++) {
		char id[UUID_TEXT_SIZE];

		assert_int_equal(uuid_generate(id), 0);
		assert_int_equal(id[14], '4');
		assert_non_null(strchr("89ab", id[19]));
		assert_int_not_equal(id[19], '\0');
	}
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void generate_valid_distinct(void **state)
{
	char(*ids)[UUID_TEXT_SIZE] = calloc(GENERATED_COUNT, UUID_TEXT_SIZE);

	(void)state;
	assert_non_null(ids);
	for (int i = 0; i < GENERATED_COUNT; i++) {
		assert_int_equal(uuid_generate(ids[i]), 0);
		assert_int_equal(uuid_is_valid(ids[i]), 1);
	}

	qsort(ids, GENERATED_COUNT, UUID_TEXT_SIZE, compare_ids);
	for (int i = 1; i < GENERATED_COUNT; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	free(ids);
}

/* The random part is not stuck: across 1000 ids every hex digit appears
 * in the first position. */
static void generate_spread(void **state)
{
	int seen[16] = {0};

	(void)state;
	for (int i = 0; i < GENERATED_COUNT; i++) {
		char id[UUID_TEXT_SIZE];
		const char *hex = "0123456789abcdef";

		assert_int_equal(uuid_generate(id), 0);
		seen[strchr(hex, id[0]) - hex]++;
	}
	for (int i = 0; i < 16; i++)
		assert_true(seen[i] > 0);
}

struct valid_case {
	const char *text;
	int valid;
};

static const struct valid_case valid_cases[] = {
	{"123e4567-e89b-42d3-a456-426614174000", 1},
	{"00000000-0000-0000-0000-000000000000", 1},
	{"ffffffff-ffff-ffff-ffff-ffffffffffff", 1},
	/* Any version is accepted, not only 4. */
	{"123e4567-e89b-12d3-a456-426614174000", 1},
	/* Upper case is rejected so that each key has one spelling. */
	{"123E4567-E89B-42D3-A456-426614174000", 0},
	{"123e4567-e89b-42d3-a456-42661417400A", 0},
	{"", 0},
	{"123e4567-e89b-42d3-a456-42661417400", 0},
	{"123e4567-e89b-42d3-a456-4266141740000", 0},
	{"123e4567e89b42d3a456426614174000", 0},
	{"{123e4567-e89b-42d3-a456-426614174000}", 0},
	{"123e4567-e89b-42d3-a456_426614174000", 0},
	{"123e4567-e89b-42d3a-456-426614174000", 0},
	{"123e456-7e89b-42d3-a456-426614174000", 0},
	{"123e4567-e89b-42d3-a456-42661417400g", 0},
	{"123e4567-e89b-42d3-a456-42661417400 ", 0},
	{" 123e4567-e89b-42d3-a456-42661417400", 0},
	{"123e4567-e89b-42d3-a456-426614174000\n", 0},
	{"------------------------------------", 0},
	{"urn:uuid:123e4567-e89b-42d3-a456-426614174000", 0},
	{NULL, 0},
};

static void is_valid_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]);
	     i++) {
		const struct valid_case *c = &valid_cases[i];
		int valid = uuid_is_valid(c->text);

		if (valid != c->valid)
			print_message("failing case %zu: \"%s\"\n", i,
				      c->text ? c->text : "NULL");
		assert_int_equal(valid, c->valid);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generate_format),
		cmocka_unit_test(generate_version_variant),
		cmocka_unit_test(generate_valid_distinct),
		cmocka_unit_test(generate_spread),
		cmocka_unit_test(is_valid_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
