/* Unit tests of the ESC/POS encoder: command bytes, text that tries to
 * inject commands, transliteration, and the sticky error with its cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/escpos.h"

/* Compare the job with the expected bytes. The case name is printed first,
 * so that a failed assert points to one row of a table. */
static void check_bytes(const char *name, const struct escpos_buf *buf,
			const void *expected, size_t len)
{
	if (buf->len != len ||
	    (len > 0 && memcmp(buf->data, expected, len) != 0))
		print_error("case \"%s\"\n", name);
	assert_int_equal(buf->error, ESCPOS_OK);
	assert_int_equal(buf->len, len);
	if (len > 0)
		assert_memory_equal(buf->data, expected, len);
}

static void emit_reset(struct escpos_buf *buf)
{
	escpos_reset(buf);
}

static void emit_align_left(struct escpos_buf *buf)
{
	escpos_align(buf, ESCPOS_ALIGN_LEFT);
}

static void emit_align_center(struct escpos_buf *buf)
{
	escpos_align(buf, ESCPOS_ALIGN_CENTER);
}

static void emit_align_right(struct escpos_buf *buf)
{
	escpos_align(buf, ESCPOS_ALIGN_RIGHT);
}

static void emit_align_invalid(struct escpos_buf *buf)
{
	escpos_align(buf, (enum escpos_align)27);
}

static void emit_bold_on(struct escpos_buf *buf)
{
	escpos_bold(buf, true);
}

static void emit_bold_off(struct escpos_buf *buf)
{
	escpos_bold(buf, false);
}

static void emit_double_on(struct escpos_buf *buf)
{
	escpos_double(buf, true);
}

static void emit_double_off(struct escpos_buf *buf)
{
	escpos_double(buf, false);
}

static void emit_newline(struct escpos_buf *buf)
{
	escpos_newline(buf);
}

static void emit_feed_3(struct escpos_buf *buf)
{
	escpos_feed(buf, 3);
}

static void emit_feed_negative(struct escpos_buf *buf)
{
	escpos_feed(buf, -1);
}

static void emit_feed_300(struct escpos_buf *buf)
{
	escpos_feed(buf, 300);
}

static void emit_cut(struct escpos_buf *buf)
{
	escpos_cut_partial(buf);
}

static void emit_text_null(struct escpos_buf *buf)
{
	escpos_text(buf, NULL);
}

struct command_case {
	const char *name;
	void (*emit)(struct escpos_buf *buf);
	unsigned char bytes[4];
	size_t len;
};

static const struct command_case command_cases[] = {
	{"reset", emit_reset, {0x1B, 0x40}, 2},
	{"align left", emit_align_left, {0x1B, 0x61, 0x00}, 3},
	{"align center", emit_align_center, {0x1B, 0x61, 0x01}, 3},
	{"align right", emit_align_right, {0x1B, 0x61, 0x02}, 3},
	{"align invalid", emit_align_invalid, {0x1B, 0x61, 0x00}, 3},
	{"bold on", emit_bold_on, {0x1B, 0x45, 0x01}, 3},
	{"bold off", emit_bold_off, {0x1B, 0x45, 0x00}, 3},
	{"double on", emit_double_on, {0x1D, 0x21, 0x11}, 3},
	{"double off", emit_double_off, {0x1D, 0x21, 0x00}, 3},
	{"newline", emit_newline, {0x0A}, 1},
	{"feed 3", emit_feed_3, {0x1B, 0x64, 0x03}, 3},
	{"feed negative", emit_feed_negative, {0x1B, 0x64, 0x00}, 3},
	{"feed 300", emit_feed_300, {0x1B, 0x64, 0xFF}, 3},
	{"cut partial", emit_cut, {0x1D, 0x56, 0x42, 0x03}, 4},
	{"text NULL", emit_text_null, {0}, 0},
};

static void test_command_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(command_cases) / sizeof(*command_cases);
	     i++) {
		const struct command_case *c = &command_cases[i];
		struct escpos_buf buf;

		escpos_init(&buf);
		c->emit(&buf);
		check_bytes(c->name, &buf, c->bytes, c->len);
		escpos_free(&buf);
	}
}

static void test_commands_in_sequence(void **state)
{
	static const unsigned char expected[] = {
		0x1B, 0x40, 0x1B, 0x61, 0x01, 0x1B, 0x45, 0x01, 'O',
		'K',  0x1B, 0x45, 0x00, 0x0A, 0x1D, 0x56, 0x42, 0x03,
	};
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	escpos_reset(&buf);
	escpos_align(&buf, ESCPOS_ALIGN_CENTER);
	escpos_bold(&buf, true);
	escpos_text(&buf, "OK");
	escpos_bold(&buf, false);
	escpos_newline(&buf);
	escpos_cut_partial(&buf);
	check_bytes("sequence", &buf, expected, sizeof(expected));
	escpos_free(&buf);
}

struct text_case {
	const char *name;
	const char *input;
	const char *output;
};

/* Text that tries to carry a command or is not valid UTF-8. */
static const struct text_case injection_cases[] = {
	{"ESC @", "A\x1b@B", "A@B"},
	{"GS V cut", "A\x1dV\x42\x03", "AVB"},
	{"DLE EOT status", "\x10\x04\x01x", "x"},
	{"NUL ends the text", "A\0\x1b@", "A"},
	{"CR LF", "a\r\nb", "ab"},
	{"tab and form feed", "a\t\fb", "ab"},
	{"DEL", "a\x7f" "b", "ab"},
	{"NEL U+0085 as UTF-8", "a\xc2\x85" "b", "ab"},
	{"CSI U+009B as UTF-8", "a\xc2\x9b" "b", "ab"},
	{"bare C1 byte", "a\x85" "b", "a?b"},
	{"bytes FF FE", "\xff\xfe", "??"},
	{"overlong ESC, 2 bytes", "\xc0\x9b", "??"},
	{"overlong ESC, 3 bytes", "\xe0\x80\x9b", "???"},
	{"overlong ESC, 4 bytes", "\xf0\x80\x80\x9b", "????"},
	{"overlong NUL", "a\xc0\x80" "b", "a??b"},
	{"surrogate", "\xed\xa0\x80", "???"},
	{"above U+10FFFF", "\xf4\x90\x80\x80", "????"},
	{"truncated 2 bytes", "a\xc3", "a?"},
	{"truncated 3 bytes", "a\xe2\x82", "a?"},
	{"truncated before ESC", "\xe2\x82\x1b@", "?@"},
	{"lone continuation", "\x80\x9b", "??"},
};

static void test_text_injection(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(injection_cases) / sizeof(*injection_cases); i++) {
		const struct text_case *c = &injection_cases[i];
		struct escpos_buf buf;

		escpos_init(&buf);
		escpos_text(&buf, c->input);
		for (size_t j = 0; j < buf.len; j++) {
			if (buf.data[j] < 0x20 || buf.data[j] >= 0x7F)
				print_error("case \"%s\" byte %zu\n", c->name,
					    j);
			assert_true(buf.data[j] >= 0x20);
			assert_true(buf.data[j] < 0x7F);
		}
		check_bytes(c->name, &buf, c->output, strlen(c->output));
		escpos_free(&buf);
	}
}

static const struct text_case transliteration_cases[] = {
	{"printable ASCII", " ~Az09!", " ~Az09!"},
	{"e acute", "\xc3\xa9", "e"},
	{"o circumflex", "\xc3\xb4", "o"},
	{"n tilde", "\xc3\xb1", "n"},
	{"c cedilla", "\xc3\xa7", "c"},
	{"sharp s", "Stra\xc3\x9f" "e", "Strasse"},
	{"A grave", "\xc3\x80", "A"},
	{"AE ligature", "\xc3\x86", "AE"},
	{"open E", "\xc6\x90\xc9\x9b", "Ee"},
	{"open O", "\xc6\x86\xc9\x94", "Oo"},
	{"O dot below", "\xe1\xbb\x8c\xe1\xbb\x8d", "Oo"},
	{"E dot below", "\xe1\xba\xb8\xe1\xba\xb9", "Ee"},
	{"S dot below", "\xe1\xb9\xa2\xe1\xb9\xa3", "Ss"},
	{"eng", "\xc5\x8a\xc5\x8b", "Nn"},
	{"Hausa hooked b", "\xc6\x81\xc9\x93", "Bb"},
	{"Ewe v", "\xc6\xb2\xca\x8b", "Vv"},
	{"y tilde", "\xe1\xbb\xb9", "y"},
	{"Yoruba name", "Ad\xc3\xa9w\xc3\xa1l\xc3\xa9 \xe1\xbb\x8cl\xc3\xa1"
			"b\xc3\xad" "s\xc3\xad",
	 "Adewale Olabisi"},
	{"combining acute", "e\xcc\x81" "e", "ee"},
	{"naira sign", "\xe2\x82\xa6" "500", "NGN500"},
	{"cedi sign", "\xe2\x82\xb5" "5", "GHS5"},
	{"euro sign", "\xe2\x82\xac", "EUR"},
	{"pound sign", "\xc2\xa3", "GBP"},
	{"yen sign", "\xc2\xa5", "JPY"},
	{"no-break space", "a\xc2\xa0" "b", "a b"},
	{"right single quote", "O\xe2\x80\x99" "Neil", "O'Neil"},
	{"ellipsis", "\xe2\x80\xa6", "..."},
	{"CJK", "\xe4\xb8\xad", "?"},
	{"emoji", "\xf0\x9f\x98\x80", "?"},
	{"right-to-left override", "\xe2\x80\xae", "?"},
};

static void test_text_transliteration(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(transliteration_cases) /
				       sizeof(*transliteration_cases);
	     i++) {
		const struct text_case *c = &transliteration_cases[i];
		struct escpos_buf buf;

		escpos_init(&buf);
		escpos_text(&buf, c->input);
		check_bytes(c->name, &buf, c->output, strlen(c->output));
		escpos_free(&buf);
	}
}

/* Fill buf with exactly len bytes of printable text. */
static void fill_text(struct escpos_buf *buf, size_t len)
{
	char *text = malloc(len + 1);

	assert_non_null(text);
	memset(text, 'a', len);
	text[len] = '\0';
	escpos_text(buf, text);
	free(text);
}

static void test_job_max_accepted(void **state)
{
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	fill_text(&buf, ESCPOS_JOB_MAX);
	assert_int_equal(buf.error, ESCPOS_OK);
	assert_int_equal(buf.len, ESCPOS_JOB_MAX);
	assert_true(buf.cap <= ESCPOS_JOB_MAX);
	escpos_free(&buf);
}

static void test_job_max_exceeded(void **state)
{
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	fill_text(&buf, ESCPOS_JOB_MAX - 1);
	assert_int_equal(buf.error, ESCPOS_OK);

	/* Four bytes do not fit; nothing of the command is kept. */
	escpos_cut_partial(&buf);
	assert_int_equal(buf.error, ESCPOS_ETOOBIG);
	assert_int_equal(buf.len, ESCPOS_JOB_MAX - 1);

	/* One byte would fit, but the error is sticky. */
	escpos_newline(&buf);
	escpos_text(&buf, "b");
	assert_int_equal(buf.error, ESCPOS_ETOOBIG);
	assert_int_equal(buf.len, ESCPOS_JOB_MAX - 1);
	escpos_free(&buf);
}

static void test_error_sticky(void **state)
{
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	buf.error = ESCPOS_ENOMEM;
	escpos_reset(&buf);
	escpos_align(&buf, ESCPOS_ALIGN_CENTER);
	escpos_bold(&buf, true);
	escpos_double(&buf, true);
	escpos_text(&buf, "text");
	escpos_newline(&buf);
	escpos_feed(&buf, 3);
	escpos_cut_partial(&buf);
	assert_int_equal(buf.error, ESCPOS_ENOMEM);
	assert_int_equal(buf.len, 0);
	assert_null(buf.data);
	escpos_free(&buf);
}

static void test_free_resets(void **state)
{
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	escpos_text(&buf, "text");
	escpos_free(&buf);
	assert_null(buf.data);
	assert_int_equal(buf.len, 0);
	assert_int_equal(buf.cap, 0);
	assert_int_equal(buf.error, ESCPOS_OK);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(escpos_strerror(ESCPOS_OK), "No error");
	assert_non_null(strstr(escpos_strerror(ESCPOS_ENOMEM), "memory"));
	assert_non_null(strstr(escpos_strerror(ESCPOS_ETOOBIG), "256 KiB"));
	assert_string_equal(escpos_strerror(-99), "Unknown print job error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_bytes),
		cmocka_unit_test(test_commands_in_sequence),
		cmocka_unit_test(test_text_injection),
		cmocka_unit_test(test_text_transliteration),
		cmocka_unit_test(test_job_max_accepted),
		cmocka_unit_test(test_job_max_exceeded),
		cmocka_unit_test(test_error_sticky),
		cmocka_unit_test(test_free_resets),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
