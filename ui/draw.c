/* Text output clipped by terminal columns rather than bytes, so UTF-8
 * names and receipts never spill past their boxes. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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

static int char_width(wchar_t ch)
{
	int width = wcwidth(ch);

	return width < 0 ? 1 : width;
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

		if (used + ch_width > width)
			break;
		/* Control characters would move the cursor, so they are
		 * shown as '?' and text from the network cannot redraw the
		 * screen. */
		if (ch < L' ' || (ch >= 0x7f && ch < 0xa0))
			ch = L'?';
		if (waddnwstr(win, &ch, 1) == ERR)
			break;
		used += ch_width;
		text += length;
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
