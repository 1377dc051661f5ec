/* Receipt layout from a journal row. One layout feeds both the on-screen
 * preview and the ESC/POS print job, so both always agree. */
#ifndef SPOTAGENT_RECEIPT_H
#define SPOTAGENT_RECEIPT_H

#include <stdbool.h>

#include "../drivers/escpos.h"
#include "../offline/journal.h"

#define RECEIPT_COLUMNS_58MM 32
#define RECEIPT_COLUMNS_80MM 48
#define RECEIPT_LINES_MAX 64

enum receipt_style {
	RECEIPT_STYLE_PLAIN = 0,
	RECEIPT_STYLE_CENTER = 1,  /* centred header */
	RECEIPT_STYLE_TOTAL = 2,   /* emphasised (bold) */
	RECEIPT_STYLE_RULE = 3,    /* a line of dashes */
};

struct receipt_line {
	enum receipt_style style;
	char text[4 * RECEIPT_COLUMNS_80MM + 1]; /* UTF-8, at most columns */
};

struct receipt {
	int columns;
	int count;
	struct receipt_line lines[RECEIPT_LINES_MAX];
};

/* Terminal facts printed on every receipt. */
struct receipt_context {
	const char *terminal_id;
	const char *agent_name;   /* may be NULL */
	bool copy;                /* reprint: marked as a copy */
	bool notice;              /* rejection notice: headed as such */
};

/* Lay out the receipt of op for `columns` (32 or 48). The status line says
 * PENDING for queued and in-flight operations, CONFIRMED with the reference
 * once accepted, and REJECTED with the reason. Returns 0, or -1 for an
 * unsupported width, an unknown type or state, a payload that is
 * unreadable or disagrees with the row's currency and amount, or a layout
 * longer than RECEIPT_LINES_MAX. */
int receipt_layout(const struct operation *op,
		   const struct receipt_context *context, int columns,
		   struct receipt *out);

/* Encode a layout as one ESC/POS print job into buf (reset first, cut
 * last). Returns 0, or a negative escpos_error. */
int receipt_encode(const struct receipt *receipt, struct escpos_buf *buf);

#endif
