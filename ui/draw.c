/* Text output clipped by terminal columns rather than bytes, so UTF-8
 * names and receipts never spill past their boxes, and cleaned of the
 * control characters that text from the network may carry. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../app/receipt.h"
#include "draw.h"

/* Decode the next character of text into *out and return its byte
 * length, treating an invalid or truncated sequence as one byte shown as
 * '?'. Returns 0 at the end of the text. */
static size_t next_char(const char *text, mbstate_t *state, wchar_t *out)
{
	size_t length;

	if (*text == '\0')
		return 0;
	length = mbrtowc(out, text, MB_CUR_MAX, state);
	if (length == (size_t)-1 || length == (size_t)-2 || length == 0) {
		memset(state, 0, sizeof(*state));
		*out = L'?';
		return 1;
	}
	return length;
}

/* Return whether ch is a Unicode bidirectional control (the Bidi_Control
 * property: ALM, LRM, RLM, the embeddings and overrides U+202A..U+202E,
 * and the isolates U+2066..U+2069). They draw nothing themselves but can
 * make a line read in another order than its bytes, such as a holder
 * name that appears to end in another account number. */
static bool is_bidi_control(wchar_t ch)
{
	return ch == 0x061C || ch == 0x200E || ch == 0x200F ||
	       (ch >= 0x202A && ch <= 0x202E) ||
	       (ch >= 0x2066 && ch <= 0x2069);
}

/* Return the character to draw for ch, or 0 to drop it. Text from the
 * network passes through here. C0 and C1 controls and DEL could move the
 * cursor or change the terminal's state, so they are dropped, and so are
 * the bidirectional controls. Line breaks and tabs become spaces so that
 * words stay apart, and a character the locale cannot print becomes
 * '?'. */
static wchar_t screen_char(wchar_t ch)
{
	if (ch == L'\t' || ch == L'\n' || ch == L'\r' || ch == 0x2028 ||
	    ch == 0x2029)
		return L' ';
	if (ch < L' ' || (ch >= 0x7f && ch < 0xa0) || is_bidi_control(ch))
		return 0;
	if (wcwidth(ch) < 0)
		return L'?';
	return ch;
}

/* Return the columns that ch takes once screen_char has cleaned it. */
static int char_width(wchar_t ch)
{
	wchar_t cleaned = screen_char(ch);

	return cleaned == 0 ? 0 : wcwidth(cleaned);
}

int draw_text_width(const char *text)
{
	mbstate_t state;
	wchar_t ch;
	size_t length;
	int width = 0;

	memset(&state, 0, sizeof(state));
	while ((length = next_char(text, &state, &ch)) > 0) {
		width += char_width(ch);
		text += length;
	}
	return width;
}

size_t draw_fit(const char *text, int width)
{
	mbstate_t state;
	wchar_t ch;
	size_t length;
	size_t used = 0;
	int columns = 0;

	memset(&state, 0, sizeof(state));
	while (text[used] != '\n') {
		length = next_char(text + used, &state, &ch);
		if (length == 0 || columns + char_width(ch) > width)
			break;
		columns += char_width(ch);
		used += length;
	}
	return used;
}

int draw_text(WINDOW *win, int y, int x, int width, attr_t attr,
	      const char *text)
{
	mbstate_t state;
	wchar_t ch;
	size_t length;
	int used = 0;

	if (width <= 0 || wmove(win, y, x) == ERR)
		return 0;
	memset(&state, 0, sizeof(state));
	wattr_on(win, attr, NULL);
	while ((length = next_char(text, &state, &ch)) > 0) {
		int ch_width = char_width(ch);
		wchar_t cleaned = screen_char(ch);

		text += length;
		if (cleaned == 0)
			continue;
		if (used + ch_width > width)
			break;
		if (waddnwstr(win, &cleaned, 1) == ERR)
			break;
		used += ch_width;
	}
	wattr_off(win, attr, NULL);
	return used;
}

void draw_centered(WINDOW *win, int y, int x, int width, attr_t attr,
		   const char *text)
{
	int text_width = draw_text_width(text);
	int offset = text_width < width ? (width - text_width) / 2 : 0;

	draw_text(win, y, x + offset, width - offset, attr, text);
}

void draw_blank(WINDOW *win, int y, int x, int width)
{
	if (wmove(win, y, x) == ERR)
		return;
	if (width < 0)
		wclrtoeol(win);
	else
		whline(win, ' ', width);
}

void draw_line(WINDOW *win, int y, int x, int width, attr_t attr,
	       const char *text)
{
	draw_blank(win, y, x, width);
	draw_text(win, y, x, width, attr, text);
}

size_t draw_wrap_cut(const char *text, int width)
{
	size_t cut = draw_fit(text, width);
	size_t space = cut;

	if (text[cut] != '\0' && text[cut] != '\n' && text[cut] != ' ') {
		while (space > 0 && text[space] != ' ')
			space--;
		if (space > 0)
			cut = space;
	}

	/* A character wider than the line still takes a line of its own,
	 * whole, so the cut stays on a character boundary. */
	if (cut == 0 && text[0] != '\0' && text[0] != '\n') {
		cut = 1;
		while (((unsigned char)text[cut] & 0xC0) == 0x80)
			cut++;
	}
	return cut;
}

const char *draw_wrap_next(const char *text, size_t cut)
{
	const char *rest = text + cut;

	if (*rest == '\n')
		return rest + 1;
	while (*rest == ' ')
		rest++;
	return rest;
}

int draw_wrapped_rows(const char *text, int width, int max)
{
	int rows = 0;

	while (*text != '\0' && rows < max) {
		text = draw_wrap_next(text, draw_wrap_cut(text, width));
		rows++;
	}
	return rows;
}

void draw_wrapped(WINDOW *win, int y, int x, int width, int rows,
		  attr_t attr, const char *text)
{
	char line[DRAW_LINE_SIZE];
	int i;

	for (i = 0; i < rows; i++) {
		size_t cut = draw_wrap_cut(text, width);

		size_t length = cut;

		/* Only zero-width characters can make a line longer than the
		 * buffer. The rest of such a line is dropped. */
		if (length >= sizeof(line)) {
			length = sizeof(line) - 1;
			while (length > 0 &&
			       ((unsigned char)text[length] & 0xC0) == 0x80)
				length--;
		}
		memcpy(line, text, length);
		line[length] = '\0';
		draw_line(win, y + i, x, width, attr, line);
		text = draw_wrap_next(text, cut);
	}
}

void draw_receipt_line(WINDOW *win, const struct receipt_line *line, int y,
		       int x, int columns)
{
	switch (line->style) {
	case RECEIPT_STYLE_CENTER:
		draw_centered(win, y, x, columns, A_BOLD, line->text);
		break;
	case RECEIPT_STYLE_TOTAL:
		draw_text(win, y, x, columns, A_BOLD, line->text);
		break;
	case RECEIPT_STYLE_RULE:
		mvwhline(win, y, x, '-', columns);
		break;
	case RECEIPT_STYLE_PLAIN:
	default:
		draw_text(win, y, x, columns, A_NORMAL, line->text);
		break;
	}
}
