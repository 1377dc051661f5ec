/* How one character goes to a printer: a byte of one of the profile's code
 * pages (found through iconv), a transliteration, or nothing. Internal to
 * escpos.c and escpos_codepage.c. */
#ifndef SPOTAGENT_ESCPOS_CODEPAGE_H
#define SPOTAGENT_ESCPOS_CODEPAGE_H

#include <stdint.h>

#include "escpos_profile.h"

/* Room for the text of escpos_greek_pair and its NUL. */
#define ESCPOS_PAIR_SIZE 4

enum escpos_char_kind {
	ESCPOS_CHAR_DROP,  /* control or format character, combining mark */
	ESCPOS_CHAR_ASCII, /* printable ASCII, the same in every code page */
	ESCPOS_CHAR_PAGE,  /* a byte of code page `page` */
	ESCPOS_CHAR_TEXT,  /* ASCII replacement text, maybe empty */
};

struct escpos_char {
	enum escpos_char_kind kind;
	int page;           /* index into profile->code_pages (PAGE) */
	unsigned char byte; /* the byte to send (ASCII and PAGE) */
	const char *text;   /* the replacement (TEXT) */
};

/* Decide how code (a code point, or UTF8_INVALID) prints on profile:
 * in code page `current` (an index, or -1) when that page has it, else
 * in the first of the profile's pages that has it, else through the
 * transliteration table, else as "?". Safe to call from any thread. */
void escpos_char_map(const struct escpos_profile *profile, int current,
		     uint32_t code, struct escpos_char *out);

/* Transliterate a Greek letter together with the next one where ELOT 743
 * spells the pair as one sound. Omicron and upsilon become "ou". Alpha,
 * epsilon or eta before upsilon become "av", "ev" or "iv", with "f" for
 * "v" before a voiceless consonant or at the end of a word. Gamma before
 * gamma, xi or chi becomes "n". code is the first letter and rest the
 * text after it. Writes the ASCII text into out and returns the number
 * of bytes of rest that it covers (0 for gamma), or -1 when code starts
 * no such pair. Only for letters that escpos_char_map transliterates. */
int escpos_greek_pair(uint32_t code, const unsigned char *rest,
		      char out[ESCPOS_PAIR_SIZE]);

#endif
