/* The state of a journaled operation that the result screens show in
 * large type, the same words on every screen, with its reason wrapped. */
#ifndef SPOTAGENT_UI_STATE_LINE_H
#define SPOTAGENT_UI_STATE_LINE_H

#include <curses.h>
#include <stddef.h>

#include "screen.h"

/* Write op's state line into text and return its attributes. It never
 * claims more than the journal row, so it shows PENDING until the central
 * service accepts. load_error, when not NULL, means the row could not be
 * read and is shown instead. attention is the text for an operation in
 * needs attention, or NULL for "NEEDS ATTENTION: " and its last error. */
attr_t state_line(const struct ui *ui, const struct operation *op,
		  const char *load_error, const char *attention, char *text,
		  size_t size);

/* Return the rows that text takes as a state line in ui's layout: it
 * wraps at blanks onto the rows below, from 1 up to 5 rows wide or 4
 * compact, where the rest of a longer reason is cut. */
int state_line_rows(const struct ui *ui, const char *text);

/* Draw text as a state line from content row `row` over `rows` rows,
 * wrapped at blanks within the layout's margins. The rows it does not
 * fill are blanked. */
void state_line_draw(const struct ui *ui, int row, int rows, attr_t attr,
		     const char *text);

#endif
