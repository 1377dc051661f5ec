/* Drawing helpers shared by the screens: text clipped to a width in
 * terminal columns (UTF-8 aware) and cleaned of control characters,
 * centred text and blank rows. */
#ifndef SPOTAGENT_UI_DRAW_H
#define SPOTAGENT_UI_DRAW_H

#include <curses.h>
#include <stddef.h>

/* Return the width of UTF-8 text in terminal columns, as draw_text
 * would write it. An invalid byte counts as one column. */
int draw_text_width(const char *text);

/* Return the byte length of the longest start of text that fits in
 * width columns and holds no '\n'. A character is never split. */
size_t draw_fit(const char *text, int width);

/* Write text at (y, x) with attr, clipped to width columns by wcwidth.
 * C0 and C1 controls, DEL and the Unicode bidirectional controls (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) are dropped, tabs and
 * line breaks are written as spaces, and each invalid byte or character
 * the locale cannot print as '?'. Returns the columns written. */
int draw_text(WINDOW *win, int y, int x, int width, attr_t attr,
	      const char *text);

/* Write text centred in the columns x .. x + width - 1 of row y. */
void draw_centered(WINDOW *win, int y, int x, int width, attr_t attr,
		   const char *text);

/* Blank `width` columns of row y from x, or up to the end of the row when
 * width < 0. */
void draw_blank(WINDOW *win, int y, int x, int width);

/* Blank `width` columns of row y from x, then write text there with attr,
 * clipped to width. */
void draw_line(WINDOW *win, int y, int x, int width, attr_t attr,
	       const char *text);

/* Room for one drawn line of draw_wrapped: the widest layout's columns,
 * each holding the longest UTF-8 character. */
#define DRAW_LINE_SIZE (4 * 80 + 1)

/* Return the byte length of text's first line when it is wrapped at width
 * columns: up to a '\n', else up to the last blank that fits when the text
 * goes on, else the longest start that fits. A character wider than the
 * line still takes a line of its own, so the result is 0 only for empty
 * text or a leading '\n'. */
size_t draw_wrap_cut(const char *text, int width);

/* Return where the line after a first line of `cut` bytes starts: past
 * the '\n' or the blanks that ended it. */
const char *draw_wrap_next(const char *text, size_t cut);

/* Return the rows text takes when wrapped at width columns, counting at
 * most max. */
int draw_wrapped_rows(const char *text, int width, int max);

/* Draw text wrapped at width columns into `rows` rows from (y, x),
 * blanking the rows it does not fill. What does not fit is cut. */
void draw_wrapped(WINDOW *win, int y, int x, int width, int rows,
		  attr_t attr, const char *text);

struct receipt_line;

/* Draw one line of a receipt as it prints, in `columns` columns from
 * (y, x): centred and total lines in bold, a rule as dashes. */
void draw_receipt_line(WINDOW *win, const struct receipt_line *line, int y,
		       int x, int columns);

#endif
