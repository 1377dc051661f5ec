/* Characters to printer bytes: code page lookup through glibc iconv with
 * one cached conversion per code page, and the transliteration table. */
#define LOG_MODULE "escpos"

#include "escpos_codepage.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../app/log.h"
#include "utf8.h"

/* Distinct charsets that profiles name; a charset past this many is
 * treated as having no character beyond ASCII. */
#define CODEPAGE_CACHE_MAX 16

/* An open conversion from UTF-32 to one code page. */
struct codepage_cache_entry {
	const char *charset;
	iconv_t cd;    /* (iconv_t)-1 when iconv_open failed */
	/* Whether the page has the whole Greek or Cyrillic alphabet. CP437
	 * has a dozen Greek letters for mathematics, and a name printed
	 * half in those and half transliterated would be hard to read. So
	 * Greek and Cyrillic come only from a page with the whole alphabet. */
	bool greek;
	bool cyrillic;
};

/* iconv descriptors keep shift state and are not safe to share between
 * threads, and both the UI thread (previews) and the print worker encode
 * text, so one mutex guards the cache and every conversion. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct codepage_cache_entry cache[CODEPAGE_CACHE_MAX];
static int cache_count;

/* A character outside printable ASCII and its ASCII replacement. */
struct transliteration {
	uint32_t code;
	const char *ascii;
};

/* The only transliteration table, sorted by code point for bsearch, for
 * characters that no code page of the profile has.
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
	/* Greek, for printers without CP737: letter by letter after ELOT
	 * 743, with accents and diaeresis dropped. The letter pairs that
	 * ELOT 743 spells together are in escpos_greek_pair. */
	{0x0386, "A"}, {0x0388, "E"}, {0x0389, "I"}, {0x038A, "I"},
	{0x038C, "O"}, {0x038E, "Y"}, {0x038F, "O"}, {0x0390, "i"},
	{0x0391, "A"}, {0x0392, "V"}, {0x0393, "G"}, {0x0394, "D"},
	{0x0395, "E"}, {0x0396, "Z"}, {0x0397, "I"}, {0x0398, "Th"},
	{0x0399, "I"}, {0x039A, "K"}, {0x039B, "L"}, {0x039C, "M"},
	{0x039D, "N"}, {0x039E, "X"}, {0x039F, "O"}, {0x03A0, "P"},
	{0x03A1, "R"}, {0x03A3, "S"}, {0x03A4, "T"}, {0x03A5, "Y"},
	{0x03A6, "F"}, {0x03A7, "Ch"}, {0x03A8, "Ps"}, {0x03A9, "O"},
	{0x03AA, "I"}, {0x03AB, "Y"}, {0x03AC, "a"}, {0x03AD, "e"},
	{0x03AE, "i"}, {0x03AF, "i"}, {0x03B0, "y"}, {0x03B1, "a"},
	{0x03B2, "v"}, {0x03B3, "g"}, {0x03B4, "d"}, {0x03B5, "e"},
	{0x03B6, "z"}, {0x03B7, "i"}, {0x03B8, "th"}, {0x03B9, "i"},
	{0x03BA, "k"}, {0x03BB, "l"}, {0x03BC, "m"}, {0x03BD, "n"},
	{0x03BE, "x"}, {0x03BF, "o"}, {0x03C0, "p"}, {0x03C1, "r"},
	{0x03C2, "s"}, {0x03C3, "s"}, {0x03C4, "t"}, {0x03C5, "y"},
	{0x03C6, "f"}, {0x03C7, "ch"}, {0x03C8, "ps"}, {0x03C9, "o"},
	{0x03CA, "i"}, {0x03CB, "y"}, {0x03CC, "o"}, {0x03CD, "y"},
	{0x03CE, "o"},
	/* Cyrillic, for printers without CP866: Russian letters as in ICAO
	 * Doc 9303 passports (the soft sign is dropped), and the Ukrainian,
	 * Belarusian and Serbian letters by their usual Latin spelling. */
	{0x0400, "E"}, {0x0401, "E"}, {0x0402, "Dj"}, {0x0403, "G"},
	{0x0404, "Ye"}, {0x0405, "Dz"}, {0x0406, "I"}, {0x0407, "Yi"},
	{0x0408, "J"}, {0x0409, "Lj"}, {0x040A, "Nj"}, {0x040B, "C"},
	{0x040C, "K"}, {0x040D, "I"}, {0x040E, "U"}, {0x040F, "Dz"},
	{0x0410, "A"}, {0x0411, "B"}, {0x0412, "V"}, {0x0413, "G"},
	{0x0414, "D"}, {0x0415, "E"}, {0x0416, "Zh"}, {0x0417, "Z"},
	{0x0418, "I"}, {0x0419, "I"}, {0x041A, "K"}, {0x041B, "L"},
	{0x041C, "M"}, {0x041D, "N"}, {0x041E, "O"}, {0x041F, "P"},
	{0x0420, "R"}, {0x0421, "S"}, {0x0422, "T"}, {0x0423, "U"},
	{0x0424, "F"}, {0x0425, "Kh"}, {0x0426, "Ts"}, {0x0427, "Ch"},
	{0x0428, "Sh"}, {0x0429, "Shch"}, {0x042A, "Ie"}, {0x042B, "Y"},
	{0x042C, ""}, {0x042D, "E"}, {0x042E, "Iu"}, {0x042F, "Ia"},
	{0x0430, "a"}, {0x0431, "b"}, {0x0432, "v"}, {0x0433, "g"},
	{0x0434, "d"}, {0x0435, "e"}, {0x0436, "zh"}, {0x0437, "z"},
	{0x0438, "i"}, {0x0439, "i"}, {0x043A, "k"}, {0x043B, "l"},
	{0x043C, "m"}, {0x043D, "n"}, {0x043E, "o"}, {0x043F, "p"},
	{0x0440, "r"}, {0x0441, "s"}, {0x0442, "t"}, {0x0443, "u"},
	{0x0444, "f"}, {0x0445, "kh"}, {0x0446, "ts"}, {0x0447, "ch"},
	{0x0448, "sh"}, {0x0449, "shch"}, {0x044A, "ie"}, {0x044B, "y"},
	{0x044C, ""}, {0x044D, "e"}, {0x044E, "iu"}, {0x044F, "ia"},
	{0x0450, "e"}, {0x0451, "e"}, {0x0452, "dj"}, {0x0453, "g"},
	{0x0454, "ye"}, {0x0455, "dz"}, {0x0456, "i"}, {0x0457, "yi"},
	{0x0458, "j"}, {0x0459, "lj"}, {0x045A, "nj"}, {0x045B, "c"},
	{0x045C, "k"}, {0x045D, "i"}, {0x045E, "u"}, {0x045F, "dz"},
	{0x0490, "G"}, {0x0491, "g"},
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
	/* Greek Extended: polytonic letters as their base letter. */
	{0x1F00, "a"}, {0x1F01, "a"}, {0x1F02, "a"}, {0x1F03, "a"},
	{0x1F04, "a"}, {0x1F05, "a"}, {0x1F06, "a"}, {0x1F07, "a"},
	{0x1F08, "A"}, {0x1F09, "A"}, {0x1F0A, "A"}, {0x1F0B, "A"},
	{0x1F0C, "A"}, {0x1F0D, "A"}, {0x1F0E, "A"}, {0x1F0F, "A"},
	{0x1F10, "e"}, {0x1F11, "e"}, {0x1F12, "e"}, {0x1F13, "e"},
	{0x1F14, "e"}, {0x1F15, "e"}, {0x1F18, "E"}, {0x1F19, "E"},
	{0x1F1A, "E"}, {0x1F1B, "E"}, {0x1F1C, "E"}, {0x1F1D, "E"},
	{0x1F20, "i"}, {0x1F21, "i"}, {0x1F22, "i"}, {0x1F23, "i"},
	{0x1F24, "i"}, {0x1F25, "i"}, {0x1F26, "i"}, {0x1F27, "i"},
	{0x1F28, "I"}, {0x1F29, "I"}, {0x1F2A, "I"}, {0x1F2B, "I"},
	{0x1F2C, "I"}, {0x1F2D, "I"}, {0x1F2E, "I"}, {0x1F2F, "I"},
	{0x1F30, "i"}, {0x1F31, "i"}, {0x1F32, "i"}, {0x1F33, "i"},
	{0x1F34, "i"}, {0x1F35, "i"}, {0x1F36, "i"}, {0x1F37, "i"},
	{0x1F38, "I"}, {0x1F39, "I"}, {0x1F3A, "I"}, {0x1F3B, "I"},
	{0x1F3C, "I"}, {0x1F3D, "I"}, {0x1F3E, "I"}, {0x1F3F, "I"},
	{0x1F40, "o"}, {0x1F41, "o"}, {0x1F42, "o"}, {0x1F43, "o"},
	{0x1F44, "o"}, {0x1F45, "o"}, {0x1F48, "O"}, {0x1F49, "O"},
	{0x1F4A, "O"}, {0x1F4B, "O"}, {0x1F4C, "O"}, {0x1F4D, "O"},
	{0x1F50, "y"}, {0x1F51, "y"}, {0x1F52, "y"}, {0x1F53, "y"},
	{0x1F54, "y"}, {0x1F55, "y"}, {0x1F56, "y"}, {0x1F57, "y"},
	{0x1F59, "Y"}, {0x1F5B, "Y"}, {0x1F5D, "Y"}, {0x1F5F, "Y"},
	{0x1F60, "o"}, {0x1F61, "o"}, {0x1F62, "o"}, {0x1F63, "o"},
	{0x1F64, "o"}, {0x1F65, "o"}, {0x1F66, "o"}, {0x1F67, "o"},
	{0x1F68, "O"}, {0x1F69, "O"}, {0x1F6A, "O"}, {0x1F6B, "O"},
	{0x1F6C, "O"}, {0x1F6D, "O"}, {0x1F6E, "O"}, {0x1F6F, "O"},
	{0x1F70, "a"}, {0x1F71, "a"}, {0x1F72, "e"}, {0x1F73, "e"},
	{0x1F74, "i"}, {0x1F75, "i"}, {0x1F76, "i"}, {0x1F77, "i"},
	{0x1F78, "o"}, {0x1F79, "o"}, {0x1F7A, "y"}, {0x1F7B, "y"},
	{0x1F7C, "o"}, {0x1F7D, "o"}, {0x1F80, "a"}, {0x1F81, "a"},
	{0x1F82, "a"}, {0x1F83, "a"}, {0x1F84, "a"}, {0x1F85, "a"},
	{0x1F86, "a"}, {0x1F87, "a"}, {0x1F88, "A"}, {0x1F89, "A"},
	{0x1F8A, "A"}, {0x1F8B, "A"}, {0x1F8C, "A"}, {0x1F8D, "A"},
	{0x1F8E, "A"}, {0x1F8F, "A"}, {0x1F90, "i"}, {0x1F91, "i"},
	{0x1F92, "i"}, {0x1F93, "i"}, {0x1F94, "i"}, {0x1F95, "i"},
	{0x1F96, "i"}, {0x1F97, "i"}, {0x1F98, "I"}, {0x1F99, "I"},
	{0x1F9A, "I"}, {0x1F9B, "I"}, {0x1F9C, "I"}, {0x1F9D, "I"},
	{0x1F9E, "I"}, {0x1F9F, "I"}, {0x1FA0, "o"}, {0x1FA1, "o"},
	{0x1FA2, "o"}, {0x1FA3, "o"}, {0x1FA4, "o"}, {0x1FA5, "o"},
	{0x1FA6, "o"}, {0x1FA7, "o"}, {0x1FA8, "O"}, {0x1FA9, "O"},
	{0x1FAA, "O"}, {0x1FAB, "O"}, {0x1FAC, "O"}, {0x1FAD, "O"},
	{0x1FAE, "O"}, {0x1FAF, "O"}, {0x1FB0, "a"}, {0x1FB1, "a"},
	{0x1FB2, "a"}, {0x1FB3, "a"}, {0x1FB4, "a"}, {0x1FB6, "a"},
	{0x1FB7, "a"}, {0x1FB8, "A"}, {0x1FB9, "A"}, {0x1FBA, "A"},
	{0x1FBB, "A"}, {0x1FBC, "A"}, {0x1FBE, "i"}, {0x1FC2, "i"},
	{0x1FC3, "i"}, {0x1FC4, "i"}, {0x1FC6, "i"}, {0x1FC7, "i"},
	{0x1FC8, "E"}, {0x1FC9, "E"}, {0x1FCA, "I"}, {0x1FCB, "I"},
	{0x1FCC, "I"}, {0x1FD0, "i"}, {0x1FD1, "i"}, {0x1FD2, "i"},
	{0x1FD3, "i"}, {0x1FD6, "i"}, {0x1FD7, "i"}, {0x1FD8, "I"},
	{0x1FD9, "I"}, {0x1FDA, "I"}, {0x1FDB, "I"}, {0x1FE0, "y"},
	{0x1FE1, "y"}, {0x1FE2, "y"}, {0x1FE3, "y"}, {0x1FE4, "r"},
	{0x1FE5, "r"}, {0x1FE6, "y"}, {0x1FE7, "y"}, {0x1FE8, "Y"},
	{0x1FE9, "Y"}, {0x1FEA, "Y"}, {0x1FEB, "Y"}, {0x1FEC, "R"},
	{0x1FF2, "o"}, {0x1FF3, "o"}, {0x1FF4, "o"}, {0x1FF6, "o"},
	{0x1FF7, "o"}, {0x1FF8, "O"}, {0x1FF9, "O"}, {0x1FFA, "O"},
	{0x1FFB, "O"}, {0x1FFC, "O"},
	/* Punctuation, and currency signs in U+20A0..U+20C0 that stand for
	 * a single ISO 4217 currency. The euro sign is used only when no
	 * code page of the profile has it. */
	{0x2010, "-"}, {0x2011, "-"}, {0x2013, "-"}, {0x2014, "-"},
	{0x2018, "'"}, {0x2019, "'"}, {0x201A, "'"}, {0x201C, "\""},
	{0x201D, "\""}, {0x201E, "\""}, {0x2026, "..."}, {0x20A6, "NGN"},
	{0x20AA, "ILS"}, {0x20AB, "VND"}, {0x20AC, "EUR"}, {0x20AD, "LAK"},
	{0x20AE, "MNT"}, {0x20B1, "PHP"}, {0x20B2, "PYG"}, {0x20B4, "UAH"},
	{0x20B5, "GHS"}, {0x20B8, "KZT"}, {0x20B9, "INR"}, {0x20BA, "TRY"},
	{0x20BC, "AZN"}, {0x20BD, "RUB"}, {0x20BE, "GEL"}, {0x20C0, "KGS"},
};

/* Return the byte that stands for code through cd, or -1 when iconv
 * cannot convert it to exactly one byte or that byte is a control code,
 * which would reach the printer as a command. */
static int convert_one(iconv_t cd, uint32_t code)
{
	unsigned char in[4] = {
		(unsigned char)code, (unsigned char)(code >> 8),
		(unsigned char)(code >> 16), (unsigned char)(code >> 24),
	};
	unsigned char out[8];
	char *in_ptr = (char *)in;
	char *out_ptr = (char *)out;
	size_t in_left = sizeof(in);
	size_t out_left = sizeof(out);

	/* Reset the shift state a failed call may have left behind. */
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) == (size_t)-1)
		return -1;
	if (sizeof(out) - out_left != 1 || out[0] < 0x20 || out[0] == 0x7F)
		return -1;
	return out[0];
}

/* Return the cache entry of charset, opening its conversion on first
 * use, or NULL when the cache is full. Called with cache_lock held. */
static struct codepage_cache_entry *codepage_open(const char *charset)
{
	struct codepage_cache_entry *entry;

	for (int i = 0; i < cache_count; i++) {
		if (strcmp(cache[i].charset, charset) == 0)
			return &cache[i];
	}
	if (cache_count == CODEPAGE_CACHE_MAX) {
		log_warn("more than %d code pages; only ASCII prints in %s",
			 CODEPAGE_CACHE_MAX, charset);
		return NULL;
	}

	entry = &cache[cache_count++];
	entry->charset = charset;
	entry->cd = iconv_open(charset, "UTF-32LE");
	entry->greek = false;
	entry->cyrillic = false;
	if (entry->cd == (iconv_t)-1) {
		log_warn("code page %s is not available in iconv: %s; only "
			 "ASCII prints in it",
			 charset, strerror(errno));
		return entry;
	}
	/* Lambda and zhe are in no page without the whole alphabet. */
	entry->greek = convert_one(entry->cd, 0x039B) >= 0 &&
		       convert_one(entry->cd, 0x03BB) >= 0;
	entry->cyrillic = convert_one(entry->cd, 0x0416) >= 0 &&
			  convert_one(entry->cd, 0x0436) >= 0;
	return entry;
}

/* Return the byte that stands for code in charset, or -1. */
static int codepage_byte(const char *charset, uint32_t code)
{
	struct codepage_cache_entry *entry;
	int byte = -1;

	pthread_mutex_lock(&cache_lock);
	entry = codepage_open(charset);
	if (entry == NULL || entry->cd == (iconv_t)-1)
		goto out;
	if (code >= 0x0370 && code <= 0x03FF && !entry->greek)
		goto out;
	if (code >= 0x0400 && code <= 0x04FF && !entry->cyrillic)
		goto out;
	byte = convert_one(entry->cd, code);
out:
	pthread_mutex_unlock(&cache_lock);
	return byte;
}

static int compare_transliteration(const void *key, const void *element)
{
	uint32_t code = *(const uint32_t *)key;
	const struct transliteration *entry = element;

	if (code < entry->code)
		return -1;
	return code > entry->code ? 1 : 0;
}

/* Characters that must not reach the paper: C0 controls, DEL and C1
 * controls (ESC, GS, DLE, CR, LF, NEL ... could start or end a printer
 * command), zero-width and bidirectional format characters, line and
 * paragraph separators, the byte order mark, and combining marks, so
 * that decomposed text ("e" and U+0301) keeps its base letter. */
static bool is_dropped(uint32_t code)
{
	return code < 0x20 || (code >= 0x7F && code <= 0x9F) ||
	       (code >= 0x0300 && code <= 0x036F) ||
	       (code >= 0x200B && code <= 0x200F) ||
	       (code >= 0x2028 && code <= 0x202E) ||
	       (code >= 0x2060 && code <= 0x2069) || code == 0xFEFF;
}

/* Find a code page of profile with code in it, trying `current` first.
 * Sets *byte and returns the page's index, or -1. */
static int find_page(const struct escpos_profile *profile, int current,
		     uint32_t code, unsigned char *byte)
{
	int count = profile->code_page_count;
	int found;

	if (count > ESCPOS_CODE_PAGES_MAX)
		count = ESCPOS_CODE_PAGES_MAX;
	if (current >= 0 && current < count) {
		found = codepage_byte(profile->code_pages[current].charset,
				      code);
		if (found >= 0) {
			*byte = (unsigned char)found;
			return current;
		}
	}
	for (int i = 0; i < count; i++) {
		if (i == current)
			continue;
		found = codepage_byte(profile->code_pages[i].charset, code);
		if (found >= 0) {
			*byte = (unsigned char)found;
			return i;
		}
	}
	return -1;
}

void escpos_char_map(const struct escpos_profile *profile, int current,
		     uint32_t code, struct escpos_char *out)
{
	const struct transliteration *entry;

	out->page = -1;
	out->byte = '?';
	out->text = "?";
	if (code == UTF8_INVALID) {
		out->kind = ESCPOS_CHAR_TEXT;
		return;
	}
	if (is_dropped(code)) {
		out->kind = ESCPOS_CHAR_DROP;
		return;
	}
	if (code < 0x7F) {
		out->kind = ESCPOS_CHAR_ASCII;
		out->byte = (unsigned char)code;
		return;
	}

	out->page = find_page(profile, current, code, &out->byte);
	if (out->page >= 0) {
		out->kind = ESCPOS_CHAR_PAGE;
		return;
	}
	out->kind = ESCPOS_CHAR_TEXT;
	entry = bsearch(&code, transliterations,
			sizeof(transliterations) / sizeof(transliterations[0]),
			sizeof(transliterations[0]), compare_transliteration);
	if (entry != NULL)
		out->text = entry->ascii;
}

/* Whether code is a Greek capital letter, with or without tonos. */
static bool is_greek_capital(uint32_t code)
{
	return (code >= 0x0386 && code <= 0x038F) ||
	       (code >= 0x0391 && code <= 0x03AB);
}

/* Whether code is upsilon without diaeresis: a diaeresis marks an
 * upsilon that is read on its own. */
static bool is_pair_upsilon(uint32_t code)
{
	return code == 0x03C5 || code == 0x03CD || code == 0x03A5 ||
	       code == 0x038E;
}

/* Whether code is a voiceless consonant (theta, kappa, xi, pi, sigma,
 * final sigma, tau, phi, chi, psi), either case. */
static bool is_voiceless(uint32_t code)
{
	static const uint32_t voiceless[] = {
		0x0398, 0x039A, 0x039E, 0x03A0, 0x03A3, 0x03A4, 0x03A6,
		0x03A7, 0x03A8, 0x03B8, 0x03BA, 0x03BE, 0x03C0, 0x03C2,
		0x03C3, 0x03C4, 0x03C6, 0x03C7, 0x03C8,
	};

	for (size_t i = 0; i < sizeof(voiceless) / sizeof(voiceless[0]); i++)
		if (voiceless[i] == code)
			return true;
	return false;
}

/* Whether code is a Greek letter of the basic block. */
static bool is_greek_letter(uint32_t code)
{
	return code >= 0x0386 && code <= 0x03CE && code != 0x0387;
}

int escpos_greek_pair(uint32_t code, const unsigned char *rest,
		      char out[ESCPOS_PAIR_SIZE])
{
	uint32_t next;
	uint32_t after = 0;
	size_t next_length;
	const char *vowel;

	if (*rest == '\0')
		return -1;
	next_length = utf8_decode(rest, &next);

	/* Gamma before gamma, xi or chi is a nasal; before kappa ELOT 743
	 * keeps "gk". */
	if (code == 0x03B3 || code == 0x0393) {
		if (next != 0x03B3 && next != 0x0393 && next != 0x03BE &&
		    next != 0x039E && next != 0x03C7 && next != 0x03A7)
			return -1;
		snprintf(out, ESCPOS_PAIR_SIZE, "%s",
			 code == 0x0393 ? "N" : "n");
		return 0;
	}

	if (!is_pair_upsilon(next))
		return -1;
	if (code == 0x03BF || code == 0x039F) {
		snprintf(out, ESCPOS_PAIR_SIZE, "%s",
			 code == 0x03BF		      ? "ou"
			 : is_greek_capital(next) ? "OU"
						  : "Ou");
		return (int)next_length;
	}

	if (code == 0x03B1 || code == 0x0391)
		vowel = code == 0x0391 ? "A" : "a";
	else if (code == 0x03B5 || code == 0x0395)
		vowel = code == 0x0395 ? "E" : "e";
	else if (code == 0x03B7 || code == 0x0397)
		vowel = code == 0x0397 ? "I" : "i";
	else
		return -1;
	if (rest[next_length] != '\0')
		utf8_decode(rest + next_length, &after);

	/* Upsilon is f before a voiceless consonant or at a word's end. */
	if (is_voiceless(after) || !is_greek_letter(after))
		snprintf(out, ESCPOS_PAIR_SIZE, "%s%s", vowel,
			 is_greek_capital(next) ? "F" : "f");
	else
		snprintf(out, ESCPOS_PAIR_SIZE, "%s%s", vowel,
			 is_greek_capital(next) ? "V" : "v");
	return (int)next_length;
}
