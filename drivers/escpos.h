/* ESC/POS command encoding into a growing byte buffer. Text is UTF-8 in and
 * printer code page bytes out; control bytes in text are removed so names
 * and references from people or the network cannot carry commands. */
/* Characters go out in the first code page of the profile that has them
 * (switching with ESC t n), else transliterated (letters to their base
 * letter, currency signs no code page has to their ISO 4217 code), else
 * '?'. */
#ifndef SPOTAGENT_ESCPOS_H
#define SPOTAGENT_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>

#include "escpos_profile.h"

/* Largest print job accepted, far above any receipt. */
#define ESCPOS_JOB_MAX (256 * 1024)

enum escpos_error {
	ESCPOS_OK = 0,
	ESCPOS_ENOMEM = -1,  /* allocation failed */
	ESCPOS_ETOOBIG = -2, /* job would pass ESCPOS_JOB_MAX */
	ESCPOS_EINVAL = -3,  /* QR or barcode data the printer cannot take,
				or a bad drawer setting */
};

enum escpos_drawer_pin {
	ESCPOS_DRAWER_PIN2 = 0, /* m of ESC p: connector pin 2 */
	ESCPOS_DRAWER_PIN5 = 1, /* connector pin 5 */
};

enum escpos_align {
	ESCPOS_ALIGN_LEFT = 0,
	ESCPOS_ALIGN_CENTER = 1,
	ESCPOS_ALIGN_RIGHT = 2,
};

/* A print job under construction. The first failure is kept in `error`
 * and later calls do nothing, so a caller checks once at the end. */
struct escpos_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	int error;
	/* Set by escpos_init to the generic 80 mm profile. */
	const struct escpos_profile *profile;
	int code_page;           /* index into profile->code_pages, or -1
				    when none is selected yet */
};

void escpos_init(struct escpos_buf *buf);
void escpos_free(struct escpos_buf *buf);

/* Use profile's code pages from now on (NULL: generic 80 mm). */
void escpos_set_profile(struct escpos_buf *buf,
			const struct escpos_profile *profile);

/* ESC @: reset the printer so nothing of an earlier job leaks in, then
 * select the profile's first code page. */
void escpos_reset(struct escpos_buf *buf);
void escpos_align(struct escpos_buf *buf, enum escpos_align align);
void escpos_bold(struct escpos_buf *buf, bool on);
/* Double height and width (GS ! 0x11) or normal size (GS ! 0x00). */
void escpos_double(struct escpos_buf *buf, bool on);
/* Double height at normal width (GS ! 0x01), which keeps a line's
 * width, or normal size (GS ! 0x00). */
void escpos_double_height(struct escpos_buf *buf, bool on);
/* Append UTF-8 text: control bytes dropped, each other character in the
 * code page that has it or transliterated (see the top of this file).
 * Does not end the line. */
void escpos_text(struct escpos_buf *buf, const char *utf8);

/* Write into out (size bytes, NUL-terminated) the UTF-8 text that
 * escpos_text would print on profile: control characters removed and
 * characters no code page has transliterated. Its character count is
 * its printed width. Returns 0, or -1 when out is too small (out then
 * holds a prefix ending on a character boundary). */
int escpos_printable(const struct escpos_profile *profile, const char *utf8,
		     char *out, size_t size);
void escpos_newline(struct escpos_buf *buf);
/* ESC d n: feed n lines (n is clamped to 0..255). */
void escpos_feed(struct escpos_buf *buf, int lines);
/* GS V 66 n: feed n dots then partial cut. */
void escpos_cut_partial(struct escpos_buf *buf);

/* A native QR code (GS ( k: model 2, error correction M, module size 6)
 * of len bytes of data, centred, then left alignment again. Returns 0,
 * or ESCPOS_EINVAL when len is 0 or over the profile's qr_max (nothing is
 * appended). */
int escpos_qr(struct escpos_buf *buf, const unsigned char *data, size_t len);

/* A CODE128 barcode (GS k 73) of printable ASCII text, up to 253
 * characters, centred, with its text printed below. Returns 0, or
 * ESCPOS_EINVAL for other text, bars wider than the paper or a profile
 * without barcodes (nothing is appended). */
int escpos_barcode(struct escpos_buf *buf, const char *text);

/* ESC p m t1 t2: a pulse on the drawer port pin, on_ms on and off_ms
 * off, each 2 to 510 ms in steps of 2 ms. Returns 0, or ESCPOS_EINVAL
 * for times out of range or a profile without a drawer port. */
int escpos_drawer_kick(struct escpos_buf *buf, enum escpos_drawer_pin pin,
		       int on_ms, int off_ms);

/* Return a static one-line message for an escpos_error. */
const char *escpos_strerror(int error);

#endif
