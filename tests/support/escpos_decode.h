/* A decoder for tests: ESC/POS bytes back into what a customer reads,
 * lines of UTF-8 text with their style, QR payloads, barcodes, cuts and
 * drawer pulses. Every byte it does not understand is an error. */
#ifndef SPOTAGENT_TESTS_ESCPOS_DECODE_H
#define SPOTAGENT_TESTS_ESCPOS_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "../../drivers/escpos.h"

struct escpos_decoded_line {
	char *text;              /* UTF-8, NUL-terminated */
	enum escpos_align align; /* ESC a in force when the line started */
	bool bold;               /* ESC E of its first character */
	int width;               /* GS ! width factor of its first character */
	int height;              /* GS ! height factor */
};

struct escpos_decoded_qr {
	unsigned char *data; /* stored payload, NUL-terminated for tests */
	size_t len;
	int model;           /* 1 or 2 */
	int module_size;     /* dots per module */
	char level;          /* 'L', 'M', 'Q' or 'H' */
	size_t line;         /* lines printed before it */
};

struct escpos_decoded_barcode {
	char *text;          /* data after "{B", "{{" read as '{' */
	int height;          /* GS h, dots */
	int module_width;    /* GS w */
	int hri;             /* GS H: 0 none, 1 above, 2 below, 3 both */
	size_t line;
};

struct escpos_decoded_pulse {
	int pin;             /* 2 or 5 */
	int on_ms;
	int off_ms;
};

struct escpos_decoded_cut {
	bool partial;
	size_t line;         /* lines printed before it */
};

struct escpos_decoded {
	struct escpos_decoded_line *lines;
	size_t line_count;
	struct escpos_decoded_qr *qrs;
	size_t qr_count;
	struct escpos_decoded_barcode *barcodes;
	size_t barcode_count;
	struct escpos_decoded_pulse *pulses;
	size_t pulse_count;
	struct escpos_decoded_cut *cuts;
	size_t cut_count;
	int resets;          /* ESC @ */
	int page_switches;   /* ESC t */
	int page_number;     /* ESC t n in force at the end */
	/* The first error, "" when none, and the offset of its command. */
	char error[160];
	size_t error_offset;
};

/* Decode len bytes of a print job. ESC t numbers are read through
 * profile's code pages (NULL: generic 80 mm); page 0 is in force at the
 * start and after ESC @. Text is converted with iconv. Returns 0, or -1
 * with out->error set at the first unknown command, control byte, bad
 * parameter, page number outside the profile, or truncated command.
 * What was decoded before the error stays in out. Free out with
 * escpos_decoded_free in either case. */
int escpos_decode(const unsigned char *data, size_t len,
		  const struct escpos_profile *profile,
		  struct escpos_decoded *out);

void escpos_decoded_free(struct escpos_decoded *decoded);

/* Return line i's text, or NULL past the last line. */
const char *escpos_decoded_text(const struct escpos_decoded *decoded,
				size_t i);

/* Return the index of the first line whose text contains needle, or -1. */
int escpos_decoded_find(const struct escpos_decoded *decoded,
			const char *needle);

#endif
