/* The modal dialog. It lives in its own window created for each draw, so
 * closing it only needs the screen below to be refreshed again. */
#include <stdio.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "theme.h"

#define DIALOG_WIDTH 50 /* columns, borders included */
#define DIALOG_TEXT_ROWS 5

static void dialog_open(struct dialog *dialog, enum dialog_kind kind,
			enum dialog_purpose purpose, const char *title,
			const char *text)
{
	dialog->open = true;
	dialog->kind = kind;
	dialog->purpose = purpose;
	snprintf(dialog->title, sizeof(dialog->title), "%s", title);
	snprintf(dialog->text, sizeof(dialog->text), "%s", text);
}

void dialog_ask(struct dialog *dialog, enum dialog_purpose purpose,
		const char *title, const char *text)
{
	dialog_open(dialog, DIALOG_QUESTION, purpose, title, text);
}

void dialog_tell(struct dialog *dialog, const char *title, const char *text)
{
	dialog_open(dialog, DIALOG_MESSAGE, DIALOG_FOR_NOTHING, title, text);
}

enum dialog_answer dialog_handle(struct dialog *dialog,
				 enum ui_action action)
{
	if (!dialog->open)
		return DIALOG_NO;
	if (action == UI_ACTION_CONFIRM) {
		dialog->open = false;
		return dialog->kind == DIALOG_QUESTION ? DIALOG_YES
						       : DIALOG_NO;
	}
	if (action == UI_ACTION_BACK) {
		dialog->open = false;
		return DIALOG_NO;
	}
	return DIALOG_OPEN;
}

/* Break text into at most DIALOG_TEXT_ROWS lines of width bytes, at
 * spaces where it can. Byte counts equal columns only for ASCII, and
 * draw_text clips anything wider, so a long UTF-8 line loses its tail.
 * Returns the number of lines. */
static int wrap_text(const char *text, int width,
		     char lines[DIALOG_TEXT_ROWS][DIALOG_WIDTH + 1])
{
	int count;

	for (count = 0; count < DIALOG_TEXT_ROWS && *text != '\0'; count++) {
		size_t length = strlen(text);
		size_t cut = length;

		if (length > (size_t)width) {
			cut = (size_t)width;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)width;
		}
		memcpy(lines[count], text, cut);
		lines[count][cut] = '\0';
		text += cut;
		while (*text == ' ')
			text++;
	}
	return count;
}

void dialog_draw(const struct dialog *dialog)
{
	char lines[DIALOG_TEXT_ROWS][DIALOG_WIDTH + 1];
	char title[sizeof(dialog->title) + 2];
	int width = DIALOG_WIDTH < COLS ? DIALOG_WIDTH : COLS;
	const char *keys = dialog->kind == DIALOG_QUESTION
				   ? "Enter=yes Esc=no"
				   : "Enter Close";
	int count;
	int height;
	int i;
	WINDOW *win;

	if (!dialog->open || width < 10)
		return;
	count = wrap_text(dialog->text, width - 4, lines);
	height = count + 4;
	if (height > LINES)
		return;
	win = newwin(height, width, (LINES - height) / 2, (COLS - width) / 2);
	if (win == NULL)
		return;
	wbkgd(win, ' ' | theme_attr(THEME_DIALOG));
	werase(win);
	box(win, 0, 0);
	snprintf(title, sizeof(title), " %s ", dialog->title);
	draw_text(win, 0, 1, width - 2, A_BOLD, title);
	for (i = 0; i < count; i++)
		draw_text(win, 1 + i, 2, width - 4, A_NORMAL, lines[i]);
	draw_centered(win, height - 2, 1, width - 2, A_BOLD, keys);
	wnoutrefresh(win);
	delwin(win);
}
