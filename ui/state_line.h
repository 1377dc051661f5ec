/* The one-line state of a journaled operation that the result screens
 * show in large type, the same words on every screen. */
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

#endif
