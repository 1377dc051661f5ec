/* ESC/POS command encoding: a growing print job buffer with a sticky error,
 * and UTF-8 text reduced to printable ASCII so it can never carry a command. */
#include "escpos.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1B
#define GS 0x1D
#define LF 0x0A

/* First allocation of a job. An 80 mm receipt of 21 lines encodes to
 * 923 bytes, so most jobs need a single allocation. */
#define ESCPOS_INITIAL_CAP 2048

/* The n of GS V 66 n. Function B of GS V feeds the paper to the cutting
 * position plus n vertical motion units (set by GS P) and then cuts, as
 * the Epson TM-T88III programming guide describes, so a small n suffices. */
#define ESCPOS_CUT_FEED_UNITS 3

/* A character outside printable ASCII and its ASCII replacement. */
struct transliteration {
	uint32_t code;
	const char *ascii;
};

/* The only transliteration table, sorted by code point for bsearch.
 * Letters map to their base letter without accent; currency signs with no
 * glyph in common printer code pages map to their ISO 4217 code. */
static const struct transliteration transliterations[] = {
	/* Latin-1 Supplement: no-break space, pound and yen signs, letters. */
	{0x00A0, " "}, {0x00A3, "GBP"}, {0x00A5, "JPY"}, {0x00C0, "A"},
	{0x00C1, "A"}, {0x00C2, "A"}, {0x00C3, "A"}, {0x00C4, "A"},
	{0x00C5, "A"}, {0x00C6, "AE"}, {0x00C7, "C"}, {0x00C8, "E"},
	{0x00C9, "E"}, {0x00CA, "E"}, {0x00CB, "E"}, {0x00CC, "I"},
	{0x00CD, "I"}, {0x00CE, "I"}, {0x00CF, "I"}, {0x00D0, "D"},
	{0x00D1, "N"}, {0x00D2, "O"}, {0x00D3, "O"}, {0x00D4, "O"},
	{0x00D5, "O"}, {0x00D6, "O"}, {0x00D7, "x"}, {0x00D8, "O"},
	{0x00D9, "U"}, {0x00DA, "U"}, {0x00DB, "U"}, {0x00DC, "U"},
	{0x00DD, "Y"}, {0x00DE, "TH"}, {0x00DF, "ss"}, {0x00E0, "a"},
	{0x00E1, "a"}, {0x00E2, "a"}, {0x00E3, "a"}, {0x00E4, "a"},
	{0x00E5, "a"}, {0x00E6, "ae"}, {0x00E7, "c"}, {0x00E8, "e"},
	{0x00E9, "e"}, {0x00EA, "e"}, {0x00EB, "e"}, {0x00EC, "i"},
	{0x00ED, "i"}, {0x00EE, "i"}, {0x00EF, "i"}, {0x00F0, "d"},
	{0x00F1, "n"}, {0x00F2, "o"}, {0x00F3, "o"}, {0x00F4, "o"},
	{0x00F5, "o"}, {0x00F6, "o"}, {0x00F8, "o"}, {0x00F9, "u"},
	{0x00FA, "u"}, {0x00FB, "u"}, {0x00FC, "u"}, {0x00FD, "y"},
	{0x00FE, "th"}, {0x00FF, "y"},
	/* Latin Extended-A. */
	{0x0100, "A"}, {0x0101, "a"}, {0x0102, "A"}, {0x0103, "a"},
	{0x0104, "A"}, {0x0105, "a"}, {0x0106, "C"}, {0x0107, "c"},
	{0x0108, "C"}, {0x0109, "c"}, {0x010A, "C"}, {0x010B, "c"},
	{0x010C, "C"}, {0x010D, "c"}, {0x010E, "D"}, {0x010F, "d"},
	{0x0110, "D"}, {0x0111, "d"}, {0x0112, "E"}, {0x0113, "e"},
	{0x0114, "E"}, {0x0115, "e"}, {0x0116, "E"}, {0x0117, "e"},
	{0x0118, "E"}, {0x0119, "e"}, {0x011A, "E"}, {0x011B, "e"},
	{0x011C, "G"}, {0x011D, "g"}, {0x011E, "G"}, {0x011F, "g"},
	{0x0120, "G"}, {0x0121, "g"}, {0x0122, "G"}, {0x0123, "g"},
	{0x0124, "H"}, {0x0125, "h"}, {0x0126, "H"}, {0x0127, "h"},
	{0x0128, "I"}, {0x0129, "i"}, {0x012A, "I"}, {0x012B, "i"},
	{0x012C, "I"}, {0x012D, "i"}, {0x012E, "I"}, {0x012F, "i"},
	{0x0130, "I"}, {0x0131, "i"}, {0x0132, "IJ"}, {0x0133, "ij"},
	{0x0134, "J"}, {0x0135, "j"}, {0x0136, "K"}, {0x0137, "k"},
	{0x0138, "q"}, {0x0139, "L"}, {0x013A, "l"}, {0x013B, "L"},
	{0x013C, "l"}, {0x013D, "L"}, {0x013E, "l"}, {0x013F, "L"},
	{0x0140, "l"}, {0x0141, "L"}, {0x0142, "l"}, {0x0143, "N"},
	{0x0144, "n"}, {0x0145, "N"}, {0x0146, "n"}, {0x0147, "N"},
	{0x0148, "n"}, {0x0149, "'n"}, {0x014A, "N"}, {0x014B, "n"},
	{0x014C, "O"}, {0x014D, "o"}, {0x014E, "O"}, {0x014F, "o"},
	{0x0150, "O"}, {0x0151, "o"}, {0x0152, "OE"}, {0x0153, "oe"},
	{0x0154, "R"}, {0x0155, "r"}, {0x0156, "R"}, {0x0157, "r"},
	{0x0158, "R"}, {0x0159, "r"}, {0x015A, "S"}, {0x015B, "s"},
	{0x015C, "S"}, {0x015D, "s"}, {0x015E, "S"}, {0x015F, "s"},
	{0x0160, "S"}, {0x0161, "s"}, {0x0162, "T"}, {0x0163, "t"},
	{0x0164, "T"}, {0x0165, "t"}, {0x0166, "T"}, {0x0167, "t"},
	{0x0168, "U"}, {0x0169, "u"}, {0x016A, "U"}, {0x016B, "u"},
	{0x016C, "U"}, {0x016D, "u"}, {0x016E, "U"}, {0x016F, "u"},
	{0x0170, "U"}, {0x0171, "u"}, {0x0172, "U"}, {0x0173, "u"},
	{0x0174, "W"}, {0x0175, "w"}, {0x0176, "Y"}, {0x0177, "y"},
	{0x0178, "Y"}, {0x0179, "Z"}, {0x017A, "z"}, {0x017B, "Z"},
	{0x017C, "z"}, {0x017D, "Z"}, {0x017E, "z"}, {0x017F, "s"},
	/* Latin Extended-B: Hausa hooked letters, Akan and Ewe open vowels,
	 * vowels with caron, Yoruba N with grave. */
	{0x0181, "B"}, {0x0186, "O"}, {0x0189, "D"}, {0x018A, "D"},
	{0x018E, "E"}, {0x0190, "E"}, {0x0191, "F"}, {0x0192, "f"},
	{0x0194, "G"}, {0x0198, "K"}, {0x0199, "k"}, {0x01B2, "V"},
	{0x01B3, "Y"}, {0x01B4, "y"}, {0x01CD, "A"}, {0x01CE, "a"},
	{0x01CF, "I"}, {0x01D0, "i"}, {0x01D1, "O"}, {0x01D2, "o"},
	{0x01D3, "U"}, {0x01D4, "u"}, {0x01D5, "U"}, {0x01D6, "u"},
	{0x01D7, "U"}, {0x01D8, "u"}, {0x01D9, "U"}, {0x01DA, "u"},
	{0x01DB, "U"}, {0x01DC, "u"}, {0x01DD, "e"}, {0x01F8, "N"},
	{0x01F9, "n"},
	/* IPA letters used in West African orthographies. */
	{0x0253, "b"}, {0x0254, "o"}, {0x0256, "d"}, {0x0257, "d"},
	{0x025B, "e"}, {0x0263, "g"}, {0x028B, "v"},
	/* Latin Extended Additional: dot below (Yoruba, Igbo), Vietnamese. */
	{0x1E00, "A"}, {0x1E01, "a"}, {0x1E02, "B"}, {0x1E03, "b"},
	{0x1E04, "B"}, {0x1E05, "b"}, {0x1E06, "B"}, {0x1E07, "b"},
	{0x1E08, "C"}, {0x1E09, "c"}, {0x1E0A, "D"}, {0x1E0B, "d"},
	{0x1E0C, "D"}, {0x1E0D, "d"}, {0x1E0E, "D"}, {0x1E0F, "d"},
	{0x1E10, "D"}, {0x1E11, "d"}, {0x1E12, "D"}, {0x1E13, "d"},
	{0x1E14, "E"}, {0x1E15, "e"}, {0x1E16, "E"}, {0x1E17, "e"},
	{0x1E18, "E"}, {0x1E19, "e"}, {0x1E1A, "E"}, {0x1E1B, "e"},
	{0x1E1C, "E"}, {0x1E1D, "e"}, {0x1E1E, "F"}, {0x1E1F, "f"},
	{0x1E20, "G"}, {0x1E21, "g"}, {0x1E22, "H"}, {0x1E23, "h"},
	{0x1E24, "H"}, {0x1E25, "h"}, {0x1E26, "H"}, {0x1E27, "h"},
	{0x1E28, "H"}, {0x1E29, "h"}, {0x1E2A, "H"}, {0x1E2B, "h"},
	{0x1E2C, "I"}, {0x1E2D, "i"}, {0x1E2E, "I"}, {0x1E2F, "i"},
	{0x1E30, "K"}, {0x1E31, "k"}, {0x1E32, "K"}, {0x1E33, "k"},
	{0x1E34, "K"}, {0x1E35, "k"}, {0x1E36, "L"}, {0x1E37, "l"},
	{0x1E38, "L"}, {0x1E39, "l"}, {0x1E3A, "L"}, {0x1E3B, "l"},
	{0x1E3C, "L"}, {0x1E3D, "l"}, {0x1E3E, "M"}, {0x1E3F, "m"},
	{0x1E40, "M"}, {0x1E41, "m"}, {0x1E42, "M"}, {0x1E43, "m"},
	{0x1E44, "N"}, {0x1E45, "n"}, {0x1E46, "N"}, {0x1E47, "n"},
	{0x1E48, "N"}, {0x1E49, "n"}, {0x1E4A, "N"}, {0x1E4B, "n"},
	{0x1E4C, "O"}, {0x1E4D, "o"}, {0x1E4E, "O"}, {0x1E4F, "o"},
	{0x1E50, "O"}, {0x1E51, "o"}, {0x1E52, "O"}, {0x1E53, "o"},
	{0x1E54, "P"}, {0x1E55, "p"}, {0x1E56, "P"}, {0x1E57, "p"},
	{0x1E58, "R"}, {0x1E59, "r"}, {0x1E5A, "R"}, {0x1E5B, "r"},
	{0x1E5C, "R"}, {0x1E5D, "r"}, {0x1E5E, "R"}, {0x1E5F, "r"},
	{0x1E60, "S"}, {0x1E61, "s"}, {0x1E62, "S"}, {0x1E63, "s"},
	{0x1E64, "S"}, {0x1E65, "s"}, {0x1E66, "S"}, {0x1E67, "s"},
	{0x1E68, "S"}, {0x1E69, "s"}, {0x1E6A, "T"}, {0x1E6B, "t"},
	{0x1E6C, "T"}, {0x1E6D, "t"}, {0x1E6E, "T"}, {0x1E6F, "t"},
	{0x1E70, "T"}, {0x1E71, "t"}, {0x1E72, "U"}, {0x1E73, "u"},
	{0x1E74, "U"}, {0x1E75, "u"}, {0x1E76, "U"}, {0x1E77, "u"},
	{0x1E78, "U"}, {0x1E79, "u"}, {0x1E7A, "U"}, {0x1E7B, "u"},
	{0x1E7C, "V"}, {0x1E7D, "v"}, {0x1E7E, "V"}, {0x1E7F, "v"},
	{0x1E80, "W"}, {0x1E81, "w"}, {0x1E82, "W"}, {0x1E83, "w"},
	{0x1E84, "W"}, {0x1E85, "w"}, {0x1E86, "W"}, {0x1E87, "w"},
	{0x1E88, "W"}, {0x1E89, "w"}, {0x1E8A, "X"}, {0x1E8B, "x"},
	{0x1E8C, "X"}, {0x1E8D, "x"}, {0x1E8E, "Y"}, {0x1E8F, "y"},
	{0x1E90, "Z"}, {0x1E91, "z"}, {0x1E92, "Z"}, {0x1E93, "z"},
	{0x1E94, "Z"}, {0x1E95, "z"}, {0x1E96, "h"}, {0x1E97, "t"},
	{0x1E98, "w"}, {0x1E99, "y"}, {0x1E9E, "SS"}, {0x1EA0, "A"},
	{0x1EA1, "a"}, {0x1EA2, "A"}, {0x1EA3, "a"}, {0x1EA4, "A"},
	{0x1EA5, "a"}, {0x1EA6, "A"}, {0x1EA7, "a"}, {0x1EA8, "A"},
	{0x1EA9, "a"}, {0x1EAA, "A"}, {0x1EAB, "a"}, {0x1EAC, "A"},
	{0x1EAD, "a"}, {0x1EAE, "A"}, {0x1EAF, "a"}, {0x1EB0, "A"},
	{0x1EB1, "a"}, {0x1EB2, "A"}, {0x1EB3, "a"}, {0x1EB4, "A"},
	{0x1EB5, "a"}, {0x1EB6, "A"}, {0x1EB7, "a"}, {0x1EB8, "E"},
	{0x1EB9, "e"}, {0x1EBA, "E"}, {0x1EBB, "e"}, {0x1EBC, "E"},
	{0x1EBD, "e"}, {0x1EBE, "E"}, {0x1EBF, "e"}, {0x1EC0, "E"},
	{0x1EC1, "e"}, {0x1EC2, "E"}, {0x1EC3, "e"}, {0x1EC4, "E"},
	{0x1EC5, "e"}, {0x1EC6, "E"}, {0x1EC7, "e"}, {0x1EC8, "I"},
	{0x1EC9, "i"}, {0x1ECA, "I"}, {0x1ECB, "i"}, {0x1ECC, "O"},
	{0x1ECD, "o"}, {0x1ECE, "O"}, {0x1ECF, "o"}, {0x1ED0, "O"},
	{0x1ED1, "o"}, {0x1ED2, "O"}, {0x1ED3, "o"}, {0x1ED4, "O"},
	{0x1ED5, "o"}, {0x1ED6, "O"}, {0x1ED7, "o"}, {0x1ED8, "O"},
	{0x1ED9, "o"}, {0x1EDA, "O"}, {0x1EDB, "o"}, {0x1EDC, "O"},
	{0x1EDD, "o"}, {0x1EDE, "O"}, {0x1EDF, "o"}, {0x1EE0, "O"},
	{0x1EE1, "o"}, {0x1EE2, "O"}, {0x1EE3, "o"}, {0x1EE4, "U"},
	{0x1EE5, "u"}, {0x1EE6, "U"}, {0x1EE7, "u"}, {0x1EE8, "U"},
	{0x1EE9, "u"}, {0x1EEA, "U"}, {0x1EEB, "u"}, {0x1EEC, "U"},
	{0x1EED, "u"}, {0x1EEE, "U"}, {0x1EEF, "u"}, {0x1EF0, "U"},
	{0x1EF1, "u"}, {0x1EF2, "Y"}, {0x1EF3, "y"}, {0x1EF4, "Y"},
	{0x1EF5, "y"}, {0x1EF6, "Y"}, {0x1EF7, "y"}, {0x1EF8, "Y"},
	{0x1EF9, "y"},
	/* Punctuation, and currency signs that common code pages lack. */
	{0x2010, "-"}, {0x2011, "-"}, {0x2013, "-"}, {0x2014, "-"},
	{0x2018, "'"}, {0x2019, "'"}, {0x201A, "'"}, {0x201C, "\""},
	{0x201D, "\""}, {0x201E, "\""}, {0x2026, "..."}, {0x20A6, "NGN"},
	{0x20AC, "EUR"}, {0x20B5, "GHS"},
};

void escpos_init(struct escpos_buf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->error = ESCPOS_OK;
}

void escpos_free(struct escpos_buf *buf)
{
	free(buf->data);
	escpos_init(buf);
}

/* Make room for `extra` more bytes. Returns false, with buf->error set,
 * when an earlier call failed, the job would pass ESCPOS_JOB_MAX or memory
 * runs out. */
static bool escpos_reserve(struct escpos_buf *buf, size_t extra)
{
	unsigned char *data;
	size_t cap;

	if (buf->error != ESCPOS_OK)
		return false;
	if (extra > ESCPOS_JOB_MAX - buf->len) {
		buf->error = ESCPOS_ETOOBIG;
		return false;
	}
	if (buf->len + extra <= buf->cap)
		return true;

	cap = buf->cap > 0 ? buf->cap : ESCPOS_INITIAL_CAP;
	while (cap < buf->len + extra)
		cap *= 2;
	if (cap > ESCPOS_JOB_MAX)
		cap = ESCPOS_JOB_MAX;

	data = realloc(buf->data, cap);
	if (data == NULL) {
		buf->error = ESCPOS_ENOMEM;
		return false;
	}
	buf->data = data;
	buf->cap = cap;
	return true;
}

static void escpos_append(struct escpos_buf *buf, const void *bytes,
			  size_t len)
{
	if (!escpos_reserve(buf, len))
		return;
	memcpy(buf->data + buf->len, bytes, len);
	buf->len += len;
}

static void escpos_command(struct escpos_buf *buf, unsigned char first,
			   unsigned char second, unsigned char parameter)
{
	const unsigned char command[] = {first, second, parameter};

	escpos_append(buf, command, sizeof(command));
}

void escpos_reset(struct escpos_buf *buf)
{
	const unsigned char command[] = {ESC, '@'};

	escpos_append(buf, command, sizeof(command));
}

void escpos_align(struct escpos_buf *buf, enum escpos_align align)
{
	/* ESC a accepts 0, 1 and 2; anything else falls back to left. */
	if (align != ESCPOS_ALIGN_CENTER && align != ESCPOS_ALIGN_RIGHT)
		align = ESCPOS_ALIGN_LEFT;
	escpos_command(buf, ESC, 'a', (unsigned char)align);
}

void escpos_bold(struct escpos_buf *buf, bool on)
{
	escpos_command(buf, ESC, 'E', on ? 1 : 0);
}

void escpos_double(struct escpos_buf *buf, bool on)
{
	/* GS ! n: bits 4-6 are the width factor, bits 0-2 the height. */
	escpos_command(buf, GS, '!', on ? 0x11 : 0x00);
}

void escpos_newline(struct escpos_buf *buf)
{
	const unsigned char command[] = {LF};

	escpos_append(buf, command, sizeof(command));
}

void escpos_feed(struct escpos_buf *buf, int lines)
{
	if (lines < 0)
		lines = 0;
	if (lines > 255)
		lines = 255;
	escpos_command(buf, ESC, 'd', (unsigned char)lines);
}

void escpos_cut_partial(struct escpos_buf *buf)
{
	const unsigned char command[] = {GS, 'V', 66, ESCPOS_CUT_FEED_UNITS};

	escpos_append(buf, command, sizeof(command));
}

static int compare_transliteration(const void *key, const void *element)
{
	uint32_t code = *(const uint32_t *)key;
	const struct transliteration *entry = element;

	if (code < entry->code)
		return -1;
	return code > entry->code ? 1 : 0;
}

/* Append the printer's rendering of one decoded character: printable
 * ASCII as it is, other characters through the transliteration table or
 * as '?'. Control characters are dropped. */
static void escpos_append_char(struct escpos_buf *buf, uint32_t code)
{
	const struct transliteration *entry;
	unsigned char byte;

	if (code == UTF8_INVALID) {
		escpos_append(buf, "?", 1);
		return;
	}
	/* C0 controls, DEL and C1 controls: ESC, GS, DLE, CR, LF, NEL and
	 * the rest could start or end a printer command. */
	if (code < 0x20 || (code >= 0x7F && code <= 0x9F))
		return;
	if (code < 0x7F) {
		byte = (unsigned char)code;
		escpos_append(buf, &byte, 1);
		return;
	}
	/* Combining diacritical marks: text in decomposed form ("e" followed
	 * by U+0301) keeps its base letter. */
	if (code >= 0x0300 && code <= 0x036F)
		return;

	entry = bsearch(&code, transliterations,
			sizeof(transliterations) / sizeof(transliterations[0]),
			sizeof(transliterations[0]), compare_transliteration);
	if (entry == NULL) {
		escpos_append(buf, "?", 1);
		return;
	}
	escpos_append(buf, entry->ascii, strlen(entry->ascii));
}

void escpos_text(struct escpos_buf *buf, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;

	if (utf8 == NULL)
		return;
	while (*s != '\0' && buf->error == ESCPOS_OK) {
		uint32_t code;

		s += utf8_decode(s, &code);
		escpos_append_char(buf, code);
	}
}

const char *escpos_strerror(int error)
{
	switch (error) {
	case ESCPOS_OK:
		return "No error";
	case ESCPOS_ENOMEM:
		return "Out of memory while building the print job";
	case ESCPOS_ETOOBIG:
		return "Print job is larger than the 256 KiB limit";
	default:
		return "Unknown print job error";
	}
}
