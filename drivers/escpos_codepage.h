/* How one character goes to a printer: a byte of one of the profile's code
 * pages (found through iconv), a transliteration, or nothing. Internal to
 * escpos.c and escpos_codepage.c. */
#ifndef SPOTAGENT_ESCPOS_CODEPAGE_H
#define SPOTAGENT_ESCPOS_CODEPAGE_H

#include <stdint.h>

#include "escpos_profile.h"

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

#endif
