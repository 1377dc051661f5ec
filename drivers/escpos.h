/* ESC/POS command encoding into a growing byte buffer. Text is UTF-8 in and
 * printer code page bytes out; control bytes in text are removed so names
 * and references from people or the network cannot carry commands. */
#ifndef SPOTAGENT_ESCPOS_H
#define SPOTAGENT_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>

/* Largest print job accepted, far above any receipt. */
#define ESCPOS_JOB_MAX (256 * 1024)

enum escpos_error {
	ESCPOS_OK = 0,
	ESCPOS_ENOMEM = -1,  /* allocation failed */
	ESCPOS_ETOOBIG = -2, /* job would pass ESCPOS_JOB_MAX */
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
};

void escpos_init(struct escpos_buf *buf);
void escpos_free(struct escpos_buf *buf);

/* ESC @: reset the printer so nothing of an earlier job leaks in. */
void escpos_reset(struct escpos_buf *buf);
void escpos_align(struct escpos_buf *buf, enum escpos_align align);
void escpos_bold(struct escpos_buf *buf, bool on);
/* Double height and width (GS ! 0x11) or normal size (GS ! 0x00). */
void escpos_double(struct escpos_buf *buf, bool on);
/* Append UTF-8 text: control bytes dropped, characters outside ASCII
 * transliterated to ASCII or '?'. Does not end the line. */
void escpos_text(struct escpos_buf *buf, const char *utf8);
void escpos_newline(struct escpos_buf *buf);
/* ESC d n: feed n lines (n is clamped to 0..255). */
void escpos_feed(struct escpos_buf *buf, int lines);
/* GS V 66 n: feed n dots then partial cut. */
void escpos_cut_partial(struct escpos_buf *buf);

/* Return a static one-line message for an escpos_error. */
const char *escpos_strerror(int error);

#endif
