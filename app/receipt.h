/* Receipt layout from a journal row. One layout feeds both the on-screen
 * preview and the ESC/POS print job, so both always agree. */
#ifndef SPOTAGENT_RECEIPT_H
#define SPOTAGENT_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../drivers/escpos.h"
#include "../offline/journal.h"

#define RECEIPT_COLUMNS_58MM 32
#define RECEIPT_COLUMNS_80MM 48
#define RECEIPT_LINES_MAX 160
/* Largest QR payload kept, above every profile's qr_max. */
#define RECEIPT_QR_SIZE 1024

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
	/* The printer the text was made printable for (NULL: generic
	 * 80 mm), from the context given to receipt_add_header. */
	const struct escpos_profile *profile;
	char qr[RECEIPT_QR_SIZE];             /* QR payload, "" for none */
	char barcode[JOURNAL_REFERENCE_SIZE]; /* CODE128 text, "" for none */
	int codes_line; /* the QR code and barcode print before this line */
};

/* Terminal facts printed on every receipt. */
struct receipt_context {
	const char *terminal_id;
	const char *agent_name;   /* may be NULL */
	bool copy;                /* reprint: marked as a copy */
	bool notice;              /* rejection notice: headed as such */
	/* The journal row of the operation's reversal, from
	 * receipt_find_reversal, or NULL when it has none. */
	const struct operation *reversal;
	/* The printer: text is made printable for its code pages. NULL
	 * lays out a screen preview, printable for the generic 80 mm
	 * profile, at the width the caller requests. */
	const struct escpos_profile *profile;
	bool qr;                  /* a CONFIRMED receipt gets a QR code */
	bool barcode;             /* and a CODE128 barcode of its reference */
	/* Put before the reference in the QR code; NULL or "" for the
	 * reference alone. */
	const char *verify_url;
};

/* Lay out the receipt of op for `columns` (32 or 48). The status line says
 * PENDING for queued and in-flight operations, CONFIRMED with the reference
 * once accepted, and REJECTED with the reason. A CONFIRMED receipt gets
 * the QR code (context->verify_url then the reference) and the barcode
 * that context requests and the profile can print; one that does not fit
 * the profile is left out and logged. A rejected operation's
 * receipt is headed as a rejection notice whatever context->notice is,
 * and its money lines print what to give back instead of what was paid.
 * Returns 0, or -1 for an unsupported width, an unknown type or state, a
 * payload that is unreadable or disagrees with the row's currency and
 * amount, or a layout longer than RECEIPT_LINES_MAX. */
int receipt_layout(const struct operation *op,
		   const struct receipt_context *context, int columns,
		   struct receipt *out);

/* --- Building blocks of layouts, shared by the operation receipts
 * (receipt.c, receipt_money.c) and the day report (report.c). Text is
 * cleaned of control characters and made printable for the receipt's
 * profile first (escpos_printable), so its character count is its
 * printed width. Each returns 0, or -1 when the receipt has no line left
 * or the text cannot fit. --- */

/* Start an empty layout of `columns` (32 or 48) with no profile, QR code
 * or barcode. Returns -1 for another width. */
int receipt_begin(struct receipt *out, int columns);

/* Take the profile from context, then append "SPOTBANC", the title, and
 * the copy or rejection-notice marks that context requests, centred,
 * then a rule. */
int receipt_add_header(struct receipt *out,
		       const struct receipt_context *context,
		       const char *title);

/* Append a line of dashes. */
int receipt_add_rule(struct receipt *out);

/* Append text wrapped at the full width in `style`. */
int receipt_add_paragraph(struct receipt *out, enum receipt_style style,
			  const char *text);

/* Append a label (at most 9 columns) and its value right-aligned, the
 * value wrapped onto further lines when it is too long. */
int receipt_add_pair(struct receipt *out, enum receipt_style style,
		     const char *label, const char *value);

/* Append left and right on one line, right-aligned, or right alone on a
 * second line when the two do not fit. Neither may pass the width. */
int receipt_add_columns(struct receipt *out, enum receipt_style style,
			const char *left, const char *right);

/* Append the date (op's created_at in UTC), terminal and agent lines. */
int receipt_add_origin(struct receipt *out, const struct operation *op,
		       const struct receipt_context *context);

/* Append the status of op: PENDING, CONFIRMED with the reference,
 * REJECTED with the reason, or NEEDS ATTENTION. */
int receipt_add_status(struct receipt *out, const struct operation *op);

/* Mark the place of the QR code and barcode (after the lines so far) and
 * store the ones that context requests when op is CONFIRMED with a
 * reference, as receipt_layout describes. */
int receipt_add_codes(struct receipt *out, const struct operation *op,
		      const struct receipt_context *context);

/* Append "Reversed by REFERENCE on DATE" (the reversal's created_at in
 * UTC) for the accepted reversal in context->reversal, "Reversal pending"
 * for one not decided yet, and nothing when there is none or it was
 * rejected. */
int receipt_add_reversal(struct receipt *out,
			 const struct receipt_context *context);

/* Append the closing lines: "Keep this receipt", and on a reprint a
 * second copy mark. */
int receipt_add_footer(struct receipt *out,
		       const struct receipt_context *context);

/* Write "GHS 1,234.50" (negative with a '-' before the number) into buf.
 * Returns 0, or -1 for an unknown currency or a buffer too small. */
int receipt_format_amount(const char *currency, int64_t amount, char *buf,
			  size_t size);

/* Lay out the receipt of a cash-in, cash-out, bank transfer, send money
 * or reversal (receipt_money.c), as receipt_layout does. Returns 0, or -1
 * for another type and the failures of receipt_layout. The cash-out code
 * is never printed. */
int receipt_money_layout(const struct operation *op,
			 const struct receipt_context *context, int columns,
			 struct receipt *out);

/* Find the reversal of operation id that the central service has not
 * rejected (queued, in flight, accepted or needing attention) and copy its
 * journal row into *reversal, for receipt_context.reversal. Returns 1 when
 * found, 0 when there is none, or a negative journal_error. */
int receipt_find_reversal(struct journal *journal, const char *id,
			  struct operation *reversal);

/* Encode a layout as one ESC/POS print job into buf for buf->profile:
 * reset and first code page, header centred, totals bold and double
 * height, the QR code and barcode after the status, then a feed and a
 * partial cut. A QR code or barcode buf->profile cannot print is left out
 * and logged. Returns 0, or a negative escpos_error. */
int receipt_encode(const struct receipt *receipt, struct escpos_buf *buf);

#endif
