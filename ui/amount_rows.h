/* The amount, fee and total rows that the confirmation screens show
 * before an operation is journaled. */
#ifndef SPOTAGENT_UI_AMOUNT_ROWS_H
#define SPOTAGENT_UI_AMOUNT_ROWS_H

#include <curses.h>

#include "../app/money.h"
#include "screen.h"

/* Draw one row at content row `row`: `label` from content column
 * `label_column`, then `amount` right-aligned to end just before column
 * `end`, both with attr. The row is blanked first; an amount too wide
 * keeps one column after the label and is cut. */
void amount_rows_draw_one(const struct ui *ui, int row, int label_column,
			  int end, const char *label, const char *amount,
			  attr_t attr);

/* Draw the summary's amount, fee and total on three rows from `row`, as
 * amount_rows_draw_one does, the total in reverse video. */
void amount_rows_draw(const struct ui *ui, int row, int label_column,
		      int end, const struct money_summary *summary);

#endif
