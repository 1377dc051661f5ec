/* Unit tests of the ESC/POS encoder: command bytes, text that tries to
 * inject commands, code pages and transliteration, QR codes, barcodes,
 * the drawer pulse, and the sticky error with its cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/escpos.h"
#include "../support/escpos_decode.h"

/* A printer with no code page: every character outside ASCII goes
 * through the transliteration table. */
static const struct escpos_profile ascii_profile = {
	.name = "ascii-only",
	.columns = 48,
	.code_page_count = 0,
};

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

static void emit_double_height_on(struct escpos_buf *buf)
{
	escpos_double_height(buf, true);
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
	unsigned char bytes[8];
	size_t len;
};

static const struct command_case command_cases[] = {
	{"reset, CP437", emit_reset, {0x1B, 0x40, 0x1B, 0x74, 0x00}, 5},
	{"align left", emit_align_left, {0x1B, 0x61, 0x00}, 3},
	{"align center", emit_align_center, {0x1B, 0x61, 0x01}, 3},
	{"align right", emit_align_right, {0x1B, 0x61, 0x02}, 3},
	{"align invalid", emit_align_invalid, {0x1B, 0x61, 0x00}, 3},
	{"bold on", emit_bold_on, {0x1B, 0x45, 0x01}, 3},
	{"bold off", emit_bold_off, {0x1B, 0x45, 0x00}, 3},
	{"double on", emit_double_on, {0x1D, 0x21, 0x11}, 3},
	{"double off", emit_double_off, {0x1D, 0x21, 0x00}, 3},
	{"double height on", emit_double_height_on, {0x1D, 0x21, 0x01}, 3},
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
		0x1B, 0x40, 0x1B, 0x74, 0x00, 0x1B, 0x61, 0x01, 0x1B,
		0x45, 0x01, 'O',  'K',  0x1B, 0x45, 0x00, 0x0A, 0x1D,
		0x56, 0x42, 0x03,
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
	{"right-to-left override", "\xe2\x80\xae", ""},
	{"zero-width space", "a\xe2\x80\x8b" "b", "ab"},
	{"Cyrillic name", "\xd0\x96\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0",
	 "Zhanna"},
	{"Cyrillic soft sign", "\xd0\x98\xd0\xb3\xd0\xbe\xd1\x80\xd1\x8c",
	 "Igor"},
	{"Greek name", "\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82", "Nikos"},
	/* ELOT 743 letter pairs. */
	{"Greek ou", "\xce\xa0\xce\xb1\xcf\x80\xce\xb1\xce\xb4\xcf\x8c"
		     "\xcf\x80\xce\xbf\xcf\x85\xce\xbb\xce\xbf\xcf\x82",
	 "Papadopoulos"},
	{"Greek OU capitals", "\xce\x9f\xce\xa5\xce\xa1\xce\x91\xce\x9d"
			      "\xce\x9f\xce\xa3",
	 "OURANOS"},
	{"Greek Ou", "\xce\x9f\xcf\x85\xcf\x81\xce\xb1\xce\xbd\xce\xaf"
		     "\xce\xb1",
	 "Ourania"},
	{"Greek ou accented", "\xce\xbf\xcf\x8d", "ou"},
	{"Greek au before voiced", "\xce\xa0\xce\xb1\xcf\x8d\xce\xbb\xce\xbf"
				   "\xcf\x82",
	 "Pavlos"},
	{"Greek au before voiceless", "\xce\x91\xcf\x85\xcf\x84\xcf\x8c",
	 "Afto"},
	{"Greek eu and gg", "\xce\x95\xcf\x85\xce\xac\xce\xb3\xce\xb3"
			    "\xce\xb5\xce\xbb\xce\xbf\xcf\x82",
	 "Evangelos"},
	{"Greek eu at word end", "\xce\xb5\xcf\x85 x", "ef x"},
	{"Greek gk", "\xce\x86\xce\xb3\xce\xba\xcf\x85\xcf\x81\xce\xb1",
	 "Agkyra"},
	{"Greek gch", "\xce\xac\xce\xb3\xcf\x87\xce\xbf\xcf\x82",
	 "anchos"},
	{"Greek diaeresis splits", "\xce\xbf\xcf\x8b", "oy"},
	{"Greek o at end", "\xce\xbf", "o"},
	{"Polish name", "\xc5\x81\xc3\xb3\x64\xc5\xba", "Lodz"},
	{"hryvnia and rupee", "\xe2\x82\xb4\xe2\x82\xb9", "UAHINR"},
	{"bitcoin sign", "\xe2\x82\xbf", "?"},
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
		escpos_set_profile(&buf, &ascii_profile);
		escpos_text(&buf, c->input);
		check_bytes(c->name, &buf, c->output, strlen(c->output));
		escpos_free(&buf);
	}
}

/* Bytes a text takes after ESC @ and the first code page. */
struct page_case {
	const char *name;
	const char *profile;
	const char *input;
	unsigned char bytes[16];
	size_t len;
};

static const struct page_case page_cases[] = {
	{"e acute in CP437", "generic-80", "\xc3\xa9", {0x82}, 1},
	{"pound sign in CP437", "generic-58", "\xc2\xa3", {0x9C}, 1},
	{"euro switches to CP858", "generic-80", "\xe2\x82\xac",
	 {0x1B, 0x74, 19, 0xD5}, 4},
	{"euro then e acute stays", "generic-80", "\xe2\x82\xac\xc3\xa9",
	 {0x1B, 0x74, 19, 0xD5, 0x82}, 5},
	{"e acute, euro, e acute", "generic-80",
	 "\xc3\xa9\xe2\x82\xac\xc3\xa9", {0x82, 0x1B, 0x74, 19, 0xD5, 0x82},
	 6},
	{"zhe then e acute switches back", "generic-80", "\xd0\x96\xc3\xa9",
	 {0x1B, 0x74, 17, 0x86, 0x1B, 0x74, 0, 0x82}, 8},
	{"S caron in CP1252", "generic-80", "\xc5\xa0",
	 {0x1B, 0x74, 16, 0x8A}, 4},
	{"euro without CP858", "generic-58", "\xe2\x82\xac", "EUR", 3},
	{"naira sign", "generic-80", "\xe2\x82\xa6" "5", "NGN5", 4},
	{"cedi sign", "generic-80", "\xe2\x82\xb5" "5", "GHS5", 4},
	{"Greek without CP737", "generic-80",
	 "\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82", "Nikos", 5},
	{"Greek in CP737", "Epson TM-T20II",
	 "\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82",
	 {0x1B, 0x74, 14, 0x8C, 0xE5, 0xA1, 0xA6, 0xAA}, 8},
	{"Cyrillic without CP866", "generic-58",
	 "\xd0\x96\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0", "Zhanna", 6},
	{"Polish in IBM852", "Epson TM-T20II", "\xc5\x81\xc3\xb3\x64\xc5\xba",
	 {0x1B, 0x74, 18, 0x9D, 0xA2, 'd', 0xAB}, 7},
	{"Polish without IBM852", "generic-80",
	 "\xc5\x81\xc3\xb3\x64\xc5\xba", {'L', 0xA2, 'd', 'z'}, 4},
	{"Yoruba O dot below", "generic-80",
	 "\xe1\xbb\x8c\x6c\xc3\xa1", {'O', 'l', 0xA0}, 3},
};

static void test_text_code_pages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(page_cases) / sizeof(*page_cases);
	     i++) {
		const struct page_case *c = &page_cases[i];
		const struct escpos_profile *profile =
			escpos_profile_find(c->profile);
		struct escpos_buf buf;
		size_t start;

		assert_non_null(profile);
		escpos_init(&buf);
		escpos_set_profile(&buf, profile);
		escpos_reset(&buf);
		start = buf.len;
		escpos_text(&buf, c->input);
		if (buf.len - start != c->len ||
		    memcmp(buf.data + start, c->bytes, c->len) != 0)
			print_error("case \"%s\"\n", c->name);
		assert_int_equal(buf.len - start, c->len);
		assert_memory_equal(buf.data + start, c->bytes, c->len);
		escpos_free(&buf);
	}
}

/* Names and signs that escpos_printable and the decoded print job must
 * agree on, on every profile. */
static const char *const printable_inputs[] = {
	"Ad\xc3\xa9w\xc3\xa1l\xc3\xa9 \xe1\xbb\x8cl\xc3\xa1" "b\xc3\xad"
	"s\xc3\xad",
	"\xd0\x96\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0 \xd0\x98\xd0\xb3\xd0\xbe"
	"\xd1\x80\xd1\x8c",
	"\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82 \xce\x9b\xce\xac\xce\xbc"
	"\xcf\x80\xcf\x81\xce\xbf\xcf\x82",
	"\xce\x95\xcf\x85\xce\xac\xce\xb3\xce\xb3\xce\xb5\xce\xbb\xce\xbf"
	"\xcf\x82 \xce\xa0\xce\xb1\xcf\x80\xce\xb1\xce\xb4\xcf\x8c\xcf\x80"
	"\xce\xbf\xcf\x85\xce\xbb\xce\xbf\xcf\x82",
	"Gra\xc5\xbcyna \xc5\x81\xc3\xb3\x64\xc5\xba",
	"\xe2\x82\xa6" "500 \xe2\x82\xb5" "5 \xe2\x82\xac" "3 \xc2\xa3" "1",
	"a\x1b@b\x1dV\x42\x10\x04 c\xe2\x80\xae" "d\xc3",
	"\xe4\xb8\xad\xf0\x9f\x98\x80",
};

static const char *const printable_profiles[] = {
	"generic-58", "generic-80", "Epson TM-T20II", "Generic 58 mm POS58",
};

static void test_printable_matches_print(void **state)
{
	(void)state;
	for (size_t p = 0; p < 4; p++) {
		const struct escpos_profile *profile =
			escpos_profile_find(printable_profiles[p]);

		assert_non_null(profile);
		for (size_t i = 0; i < sizeof(printable_inputs) /
					       sizeof(*printable_inputs);
		     i++) {
			struct escpos_decoded decoded;
			struct escpos_buf buf;
			char text[256];

			escpos_init(&buf);
			escpos_set_profile(&buf, profile);
			escpos_reset(&buf);
			escpos_text(&buf, printable_inputs[i]);
			escpos_newline(&buf);
			assert_int_equal(escpos_printable(profile,
							  printable_inputs[i],
							  text, sizeof(text)),
					 0);
			if (escpos_decode(buf.data, buf.len, profile,
					  &decoded) != 0)
				print_error("decode: %s\n", decoded.error);
			assert_string_equal(decoded.error, "");
			assert_int_equal(decoded.line_count, 1);
			if (strcmp(decoded.lines[0].text, text) != 0)
				print_error("profile %s input %zu\n",
					    profile->name, i);
			assert_string_equal(decoded.lines[0].text, text);
			assert_int_equal(decoded.resets, 1);
			escpos_decoded_free(&decoded);
			escpos_free(&buf);
		}
	}
}

static void test_printable_injection(void **state)
{
	static const char name[] = "\xd0\x96\x1b@\x1d" "V\x10\x04\xd0\x96";
	char text[64];

	(void)state;
	assert_int_equal(escpos_printable(NULL, name, text, sizeof(text)), 0);
	assert_string_equal(text, "\xd0\x96@V\xd0\x96");
}

static void test_printable_too_small(void **state)
{
	char text[4];

	(void)state;
	/* "e" acute is two bytes: a third would pass the terminator. */
	assert_int_equal(escpos_printable(NULL, "ab\xc3\xa9", text,
					  sizeof(text)),
			 -1);
	assert_string_equal(text, "ab");
	assert_int_equal(escpos_printable(NULL, "abc", text, 0), -1);
}

/* A name with ESC, GS and DLE between Cyrillic letters: the decoder finds
 * one reset, only our page switches and the letters as text. */
static void test_injection_between_pages(void **state)
{
	const struct escpos_profile *profile =
		escpos_profile_find("generic-80");
	struct escpos_decoded decoded;
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	escpos_reset(&buf);
	escpos_text(&buf, "\xd0\x96\x1b@\x1b" "t\x02\x1d" "V\x41\x10\x04\x01"
			  "\xd0\x96");
	escpos_newline(&buf);
	assert_int_equal(escpos_decode(buf.data, buf.len, profile, &decoded),
			 0);
	assert_int_equal(decoded.resets, 1);
	assert_int_equal(decoded.page_switches, 2);
	assert_int_equal(decoded.cut_count, 0);
	assert_string_equal(escpos_decoded_text(&decoded, 0),
			    "\xd0\x96@tVA\xd0\x96");
	escpos_decoded_free(&decoded);
	escpos_free(&buf);
}

/* QR payloads of each size decode back whole; the store function's
 * length is len + 3 in pL pH. */
static void test_qr_sizes(void **state)
{
	static const size_t sizes[] = {1, 252, 253, 255, 256, 504};
	const struct escpos_profile *profile =
		escpos_profile_find("generic-80");

	(void)state;
	assert_int_equal(profile->qr_max, 504);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		unsigned char data[1000];
		struct escpos_decoded decoded;
		struct escpos_buf buf;
		const unsigned char *store;
		size_t stored = sizes[i] + 3;

		for (size_t j = 0; j < sizes[i]; j++)
			data[j] = (unsigned char)('A' + j % 26);
		escpos_init(&buf);
		assert_int_equal(escpos_qr(&buf, data, sizes[i]), ESCPOS_OK);
		/* ESC a 1, then functions 165 (9 bytes), 167 and 169 (8
		 * each), then 180. */
		store = buf.data + 3 + 9 + 8 + 8;
		assert_int_equal(store[0], 0x1D);
		assert_int_equal(store[3], stored & 0xFF);
		assert_int_equal(store[4], stored >> 8);
		assert_int_equal(store[6], 80);
		assert_int_equal(escpos_decode(buf.data, buf.len, profile,
					       &decoded),
				 0);
		assert_int_equal(decoded.qr_count, 1);
		assert_int_equal(decoded.qrs[0].len, sizes[i]);
		assert_memory_equal(decoded.qrs[0].data, data, sizes[i]);
		assert_int_equal(decoded.qrs[0].model, 2);
		assert_int_equal(decoded.qrs[0].module_size, 6);
		assert_int_equal(decoded.qrs[0].level, 'M');
		escpos_decoded_free(&decoded);
		escpos_free(&buf);
	}
}

static void test_qr_rejected(void **state)
{
	static const size_t sizes[] = {0, 505, 1000};
	unsigned char data[1000] = {0};
	struct escpos_buf buf;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		escpos_init(&buf);
		assert_int_equal(escpos_qr(&buf, data, sizes[i]),
				 ESCPOS_EINVAL);
		assert_int_equal(buf.len, 0);
		assert_int_equal(buf.error, ESCPOS_OK);
		escpos_free(&buf);
	}

	/* 256 bytes pass the 251 of 58 mm paper. */
	escpos_init(&buf);
	escpos_set_profile(&buf, escpos_profile_find("generic-58"));
	assert_int_equal(escpos_qr(&buf, data, 251), ESCPOS_OK);
	assert_int_equal(escpos_qr(&buf, data, 256), ESCPOS_EINVAL);
	escpos_free(&buf);

	escpos_init(&buf);
	escpos_set_profile(&buf, &ascii_profile);
	assert_int_equal(escpos_qr(&buf, data, 1), ESCPOS_EINVAL);
	assert_int_equal(buf.len, 0);
	escpos_free(&buf);
}

static void test_barcode_bytes(void **state)
{
	static const unsigned char expected[] = {
		0x1B, 0x61, 0x01, 0x1D, 0x68, 80,   0x1D, 0x77, 2,
		0x1D, 0x48, 2,    0x1D, 0x6B, 73,   7,    '{',  'B',
		'S',  '{',  '{',  '1',  '2',  0x1B, 0x61, 0x00,
	};
	struct escpos_decoded decoded;
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	assert_int_equal(escpos_barcode(&buf, "S{12"), ESCPOS_OK);
	check_bytes("barcode", &buf, expected, sizeof(expected));
	assert_int_equal(escpos_decode(buf.data, buf.len, NULL, &decoded), 0);
	assert_int_equal(decoded.barcode_count, 1);
	assert_string_equal(decoded.barcodes[0].text, "S{12");
	assert_int_equal(decoded.barcodes[0].hri, 2);
	escpos_decoded_free(&decoded);
	escpos_free(&buf);
}

static void test_barcode_rejected(void **state)
{
	struct escpos_buf buf;
	char wide[40];

	(void)state;
	memset(wide, 'A', sizeof(wide) - 1);
	wide[sizeof(wide) - 1] = '\0';
	escpos_init(&buf);
	assert_int_equal(escpos_barcode(&buf, ""), ESCPOS_EINVAL);
	assert_int_equal(escpos_barcode(&buf, NULL), ESCPOS_EINVAL);
	assert_int_equal(escpos_barcode(&buf, "caf\xc3\xa9"), ESCPOS_EINVAL);
	assert_int_equal(escpos_barcode(&buf, "a\x1b" "b"), ESCPOS_EINVAL);
	/* 39 characters take 464 modules, 928 dots: wider than 576. */
	assert_int_equal(escpos_barcode(&buf, wide), ESCPOS_EINVAL);
	assert_int_equal(buf.len, 0);
	escpos_set_profile(&buf, &ascii_profile);
	assert_int_equal(escpos_barcode(&buf, "A1"), ESCPOS_EINVAL);
	assert_int_equal(buf.len, 0);
	escpos_free(&buf);
}

struct drawer_case {
	int pin;
	int on_ms;
	int off_ms;
	int result;
	unsigned char t1;
	unsigned char t2;
};

static const struct drawer_case drawer_cases[] = {
	{ESCPOS_DRAWER_PIN2, 100, 200, ESCPOS_OK, 50, 100},
	{ESCPOS_DRAWER_PIN5, 2, 510, ESCPOS_OK, 1, 255},
	{ESCPOS_DRAWER_PIN2, 3, 509, ESCPOS_OK, 2, 255},
	{ESCPOS_DRAWER_PIN2, 1, 200, ESCPOS_EINVAL, 0, 0},
	{ESCPOS_DRAWER_PIN2, 0, 200, ESCPOS_EINVAL, 0, 0},
	{ESCPOS_DRAWER_PIN2, 100, 511, ESCPOS_EINVAL, 0, 0},
	{ESCPOS_DRAWER_PIN2, -2, 100, ESCPOS_EINVAL, 0, 0},
	{ESCPOS_DRAWER_PIN2, 512, 100, ESCPOS_EINVAL, 0, 0},
	{2, 100, 200, ESCPOS_EINVAL, 0, 0},
};

static void test_drawer_timing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(drawer_cases) / sizeof(*drawer_cases);
	     i++) {
		const struct drawer_case *c = &drawer_cases[i];
		struct escpos_decoded decoded;
		struct escpos_buf buf;

		int rc;

		escpos_init(&buf);
		rc = escpos_drawer_kick(&buf, (enum escpos_drawer_pin)c->pin,
					c->on_ms, c->off_ms);
		if (rc != c->result)
			print_error("drawer case %zu\n", i);
		assert_int_equal(rc, c->result);
		if (c->result != ESCPOS_OK) {
			assert_int_equal(buf.len, 0);
			escpos_free(&buf);
			continue;
		}
		assert_int_equal(buf.len, 5);
		assert_int_equal(buf.data[0], 0x1B);
		assert_int_equal(buf.data[1], 'p');
		assert_int_equal(buf.data[2], c->pin);
		assert_int_equal(buf.data[3], c->t1);
		assert_int_equal(buf.data[4], c->t2);
		assert_int_equal(escpos_decode(buf.data, buf.len, NULL,
					       &decoded),
				 0);
		assert_int_equal(decoded.pulse_count, 1);
		assert_int_equal(decoded.pulses[0].pin,
				 c->pin == ESCPOS_DRAWER_PIN5 ? 5 : 2);
		assert_int_equal(decoded.pulses[0].on_ms, 2 * c->t1);
		assert_int_equal(decoded.pulses[0].off_ms, 2 * c->t2);
		escpos_decoded_free(&decoded);
		escpos_free(&buf);
	}
}

static void test_drawer_without_port(void **state)
{
	struct escpos_buf buf;

	(void)state;
	escpos_init(&buf);
	escpos_set_profile(&buf, &ascii_profile);
	assert_int_equal(escpos_drawer_kick(&buf, ESCPOS_DRAWER_PIN2, 100,
					    200),
			 ESCPOS_EINVAL);
	assert_int_equal(buf.len, 0);
	escpos_free(&buf);
}

/* Cheap 58 mm printers have a drawer port too, so a drawer set in the
 * configuration opens on either paper width. */
static void test_generic_profiles_drawer(void **state)
{
	(void)state;
	assert_true(escpos_profile_find("generic-58")->drawer);
	assert_true(escpos_profile_find("generic-80")->drawer);
}

static void test_profile_choose(void **state)
{
	(void)state;
	assert_string_equal(escpos_profile_choose("auto", NULL, 32)->name,
			    "generic-58");
	assert_string_equal(escpos_profile_choose("auto", NULL, 48)->name,
			    "generic-80");
	assert_string_equal(
		escpos_profile_choose("auto", "Epson TM-T88V", 32)->name,
		"Epson TM-T88V");
	assert_string_equal(
		escpos_profile_choose("generic-58", "Epson TM-T88V", 48)->name,
		"generic-58");
	assert_string_equal(
		escpos_profile_choose(NULL, "Unknown printer", 48)->name,
		"generic-80");
	assert_null(escpos_profile_choose("no-such-printer", NULL, 48));
	assert_null(escpos_profile_choose("auto", NULL, 40));
	assert_null(escpos_profile_find(NULL));
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
	assert_non_null(strstr(escpos_strerror(ESCPOS_EINVAL), "QR code"));
	assert_string_equal(escpos_strerror(-99), "Unknown print job error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_bytes),
		cmocka_unit_test(test_commands_in_sequence),
		cmocka_unit_test(test_text_injection),
		cmocka_unit_test(test_text_transliteration),
		cmocka_unit_test(test_text_code_pages),
		cmocka_unit_test(test_printable_matches_print),
		cmocka_unit_test(test_printable_injection),
		cmocka_unit_test(test_printable_too_small),
		cmocka_unit_test(test_injection_between_pages),
		cmocka_unit_test(test_qr_sizes),
		cmocka_unit_test(test_qr_rejected),
		cmocka_unit_test(test_barcode_bytes),
		cmocka_unit_test(test_barcode_rejected),
		cmocka_unit_test(test_drawer_timing),
		cmocka_unit_test(test_drawer_without_port),
		cmocka_unit_test(test_generic_profiles_drawer),
		cmocka_unit_test(test_profile_choose),
		cmocka_unit_test(test_job_max_accepted),
		cmocka_unit_test(test_job_max_exceeded),
		cmocka_unit_test(test_error_sticky),
		cmocka_unit_test(test_free_resets),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
