/* Unit tests of the ESC/POS decoder that receipt and USB tests read print
 * jobs with: text and styles, code pages, QR codes, barcodes, cuts,
 * drawer pulses, and malformed jobs reported as errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../support/escpos_decode.h"

#define BYTES(...) ((const unsigned char[]){__VA_ARGS__})
#define LEN(...) sizeof((const unsigned char[]){__VA_ARGS__})
#define DECODE(out, ...)                                                   \
	escpos_decode(BYTES(__VA_ARGS__), LEN(__VA_ARGS__), NULL, out)

static void test_decode_lines_and_styles(void **state)
{
	struct escpos_decoded d;

	(void)state;
	assert_int_equal(DECODE(&d, 0x1B, '@', 0x1B, 'a', 1, 'H', 'i', 0x0A,
				0x1B, 'a', 0, 0x1B, 'E', 1, 0x1D, '!', 0x01,
				'T', 0x1D, '!', 0x00, 0x1B, 'E', 0, 'x', 0x0A,
				'e', 'n', 'd'),
			 0);
	assert_string_equal(d.error, "");
	assert_int_equal(d.resets, 1);
	assert_int_equal(d.line_count, 3);
	assert_string_equal(escpos_decoded_text(&d, 0), "Hi");
	assert_int_equal(d.lines[0].align, ESCPOS_ALIGN_CENTER);
	assert_false(d.lines[0].bold);
	assert_string_equal(escpos_decoded_text(&d, 1), "Tx");
	assert_int_equal(d.lines[1].align, ESCPOS_ALIGN_LEFT);
	assert_true(d.lines[1].bold);
	assert_int_equal(d.lines[1].height, 2);
	assert_int_equal(d.lines[1].width, 1);
	/* Text with no line feed at the end still counts. */
	assert_string_equal(escpos_decoded_text(&d, 2), "end");
	assert_null(escpos_decoded_text(&d, 3));
	assert_int_equal(escpos_decoded_find(&d, "x"), 1);
	assert_int_equal(escpos_decoded_find(&d, "none"), -1);
	escpos_decoded_free(&d);
}

static void test_decode_feed_and_cuts(void **state)
{
	struct escpos_decoded d;

	(void)state;
	assert_int_equal(DECODE(&d, 'a', 0x1B, 'd', 2, 0x1D, 'V', 66, 3,
				0x1D, 'V', 0, 0x1D, 'V', 49, 0x1D, 'V', 65,
				0),
			 0);
	assert_int_equal(d.line_count, 3);
	assert_string_equal(escpos_decoded_text(&d, 0), "a");
	assert_string_equal(escpos_decoded_text(&d, 1), "");
	assert_int_equal(d.cut_count, 4);
	assert_true(d.cuts[0].partial);
	assert_int_equal(d.cuts[0].line, 3);
	assert_false(d.cuts[1].partial);
	assert_true(d.cuts[2].partial);
	assert_false(d.cuts[3].partial);
	escpos_decoded_free(&d);
}

static void test_decode_code_pages(void **state)
{
	struct escpos_decoded d;

	(void)state;
	/* CP437 e acute, CP858 euro, CP866 zhe, CP1252 S caron. */
	assert_int_equal(DECODE(&d, 0x82, 0x1B, 't', 19, 0xD5, 0x1B, 't', 17,
				0x86, 0x1B, 't', 16, 0x8A, 0x0A),
			 0);
	assert_string_equal(escpos_decoded_text(&d, 0),
			    "\xc3\xa9\xe2\x82\xac\xd0\x96\xc5\xa0");
	assert_int_equal(d.page_switches, 3);
	assert_int_equal(d.page_number, 16);
	escpos_decoded_free(&d);

	/* ESC @ selects the first page again. */
	assert_int_equal(DECODE(&d, 0x1B, 't', 17, 0x1B, '@', 0x82), 0);
	assert_string_equal(escpos_decoded_text(&d, 0), "\xc3\xa9");
	escpos_decoded_free(&d);
}

static void test_decode_qr(void **state)
{
	struct escpos_decoded d;

	(void)state;
	assert_int_equal(DECODE(&d, 0x1D, '(', 'k', 4, 0, 49, 65, 50, 0,
				0x1D, '(', 'k', 3, 0, 49, 67, 6, 0x1D, '(',
				'k', 3, 0, 49, 69, 51, 0x1D, '(', 'k', 5, 0,
				49, 80, 48, 'O', 'K', 0x1D, '(', 'k', 3, 0, 49,
				81, 48),
			 0);
	assert_int_equal(d.qr_count, 1);
	assert_int_equal(d.qrs[0].len, 2);
	assert_string_equal((const char *)d.qrs[0].data, "OK");
	assert_int_equal(d.qrs[0].model, 2);
	assert_int_equal(d.qrs[0].module_size, 6);
	assert_int_equal(d.qrs[0].level, 'H');
	escpos_decoded_free(&d);
}

static void test_decode_barcode_and_pulse(void **state)
{
	struct escpos_decoded d;

	(void)state;
	assert_int_equal(DECODE(&d, 0x1D, 'h', 80, 0x1D, 'w', 2, 0x1D, 'H', 2,
				0x1D, 'k', 73, 6, '{', 'B', 'A', '{', '{', '1',
				0x1B, 'p', 1, 50, 100),
			 0);
	assert_int_equal(d.barcode_count, 1);
	assert_string_equal(d.barcodes[0].text, "A{1");
	assert_int_equal(d.barcodes[0].height, 80);
	assert_int_equal(d.barcodes[0].module_width, 2);
	assert_int_equal(d.barcodes[0].hri, 2);
	assert_int_equal(d.pulse_count, 1);
	assert_int_equal(d.pulses[0].pin, 5);
	assert_int_equal(d.pulses[0].on_ms, 100);
	assert_int_equal(d.pulses[0].off_ms, 200);
	escpos_decoded_free(&d);
}

struct malformed_case {
	const char *name;
	const unsigned char *bytes;
	size_t len;
	const char *error;   /* part of the message */
	size_t offset;
};

#define MALFORMED(name, error, offset, ...)                                \
	{name, BYTES(__VA_ARGS__), LEN(__VA_ARGS__), error, offset}

static const struct malformed_case malformed_cases[] = {
	MALFORMED("unknown ESC", "unknown command ESC 0x2D", 1, 'a', 0x1B,
		  '-', 1),
	MALFORMED("unknown GS", "unknown command GS 0x42", 0, 0x1D, 'B', 1),
	MALFORMED("DLE EOT", "control byte 0x10", 1, 'a', 0x10, 0x04, 1),
	MALFORMED("carriage return", "control byte 0x0D", 0, 0x0D),
	MALFORMED("truncated ESC a", "truncated", 0, 0x1B, 'a'),
	MALFORMED("truncated ESC", "truncated", 1, 'x', 0x1B),
	MALFORMED("ESC a 3", "out of range", 0, 0x1B, 'a', 3),
	MALFORMED("ESC p pin 2", "pin", 0, 0x1B, 'p', 2, 1, 1),
	MALFORMED("page not in profile", "names no code page", 0, 0x1B, 't',
		  99),
	MALFORMED("byte undefined in CP1252", "not in code page", 3, 0x1B,
		  't', 16, 0x81),
	MALFORMED("QR store longer than the job", "truncated", 0, 0x1D, '(',
		  'k', 10, 0, 49, 80, 48, 'a'),
	MALFORMED("QR print with nothing stored", "no stored data", 0, 0x1D,
		  '(', 'k', 3, 0, 49, 81, 48),
	MALFORMED("QR unknown function", "unknown QR function", 0, 0x1D, '(',
		  'k', 3, 0, 49, 99, 48),
	MALFORMED("PDF417 symbol", "not a QR code", 0, 0x1D, '(', 'k', 3, 0,
		  48, 65, 0),
	MALFORMED("barcode type", "not CODE128", 0, 0x1D, 'k', 4, 'A', 0),
	MALFORMED("barcode code set A", "code set B", 0, 0x1D, 'k', 73, 3, '{',
		  'A', 'x'),
	MALFORMED("barcode function code", "function code", 0, 0x1D, 'k', 73,
		  4, '{', 'B', '{', '1'),
	MALFORMED("barcode truncated", "truncated", 0, 0x1D, 'k', 73, 9, '{',
		  'B'),
	MALFORMED("GS V 2", "not a cut", 0, 0x1D, 'V', 2),
};

static void test_decode_malformed(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(malformed_cases) / sizeof(*malformed_cases); i++) {
		const struct malformed_case *c = &malformed_cases[i];
		struct escpos_decoded d;
		int rc = escpos_decode(c->bytes, c->len, NULL, &d);

		if (rc != -1 || strstr(d.error, c->error) == NULL ||
		    d.error_offset != c->offset)
			print_error("case \"%s\": \"%s\" at %zu\n", c->name,
				    d.error, d.error_offset);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(d.error, c->error));
		assert_int_equal(d.error_offset, c->offset);
		escpos_decoded_free(&d);
	}
}

/* What came before an error stays decoded. */
static void test_decode_keeps_prefix(void **state)
{
	struct escpos_decoded d;

	(void)state;
	assert_int_equal(DECODE(&d, 'o', 'k', 0x0A, 0x1B, 'Z'), -1);
	assert_int_equal(d.line_count, 1);
	assert_string_equal(escpos_decoded_text(&d, 0), "ok");
	escpos_decoded_free(&d);
	assert_null(d.lines);
	assert_int_equal(d.line_count, 0);
}

static void test_decode_empty(void **state)
{
	struct escpos_decoded d;

	(void)state;
	assert_int_equal(escpos_decode(NULL, 0, NULL, &d), 0);
	assert_int_equal(d.line_count, 0);
	assert_int_equal(d.cut_count, 0);
	escpos_decoded_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_lines_and_styles),
		cmocka_unit_test(test_decode_feed_and_cuts),
		cmocka_unit_test(test_decode_code_pages),
		cmocka_unit_test(test_decode_qr),
		cmocka_unit_test(test_decode_barcode_and_pulse),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_keeps_prefix),
		cmocka_unit_test(test_decode_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
