/* The modal dialog. It lives in its own window created for each draw, so
 * closing it only needs the screen below to be refreshed again. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dialog.h"
#include "draw.h"
#include "input.h"
#include "screen.h"
#include "theme.h"

/* Columns, borders included: as wide as the result screen's receipt box
 * for 80 mm paper (48 columns, a space and a border on each side), so
 * that over it the two frames coincide instead of standing side by
 * side. */
#define DIALOG_WIDTH 52
#define DIALOG_CHOICE_WIDTH 72 /* room for an operation id and a reason */
#define DIALOG_TEXT_ROWS 18    /* what fits 24 rows with the frame */

/* One wrapped line: a piece of dialog->text, not NUL-terminated. */
struct dialog_line {
	const char *start;
	size_t length;
};

static void dialog_open(struct dialog *dialog, enum dialog_kind kind,
			enum dialog_purpose purpose, const char *title,
			const char *text)
{
	dialog->open = true;
	dialog->kind = kind;
	dialog->purpose = purpose;
	dialog->width = DIALOG_WIDTH;
	dialog->choices[0] = '\0';
	dialog->digits[0] = '\0';
	dialog->chosen = -1;
	dialog->keys_from_ms = 0;
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

void dialog_wait(struct dialog *dialog, const char *title, const char *text)
{
	dialog_open(dialog, DIALOG_WAIT, DIALOG_FOR_NOTHING, title, text);
}

void dialog_choose(struct dialog *dialog, const char *title,
		   const char *text, const struct dialog_choice *choices,
		   int count)
{
	size_t used = 0;
	int kept = 0;
	int i;

	dialog_open(dialog, DIALOG_CHOICE, DIALOG_FOR_SCREEN, title, text);
	dialog->width = DIALOG_CHOICE_WIDTH;
	for (i = 0; i < count && kept < DIALOG_CHOICES_MAX; i++) {
		int written;

		if (choices[i].digit < 0 || choices[i].digit > 9)
			continue;
		written = snprintf(dialog->choices + used,
				   sizeof(dialog->choices) - used, "%s%d %s",
				   used > 0 ? "   " : "", choices[i].digit,
				   choices[i].label);
		if (written < 0 ||
		    (size_t)written >= sizeof(dialog->choices) - used)
			break;
		used += (size_t)written;
		dialog->digits[kept++] = (char)('0' + choices[i].digit);
	}
	dialog->digits[kept] = '\0';
}

static int64_t monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

void dialog_guard(struct dialog *dialog)
{
	input_flush();
	dialog->keys_from_ms = monotonic_ms() + DIALOG_GUARD_MS;
}

/* Whether the terminal has room for the compact layout. Below it the UI
 * shows only "Terminal too small", so a dialog is not drawn there and
 * takes no keys. */
static bool dialog_fits(void)
{
	return LINES >= UI_COMPACT_ROWS && COLS >= UI_COMPACT_COLUMNS;
}

enum dialog_answer dialog_handle(struct dialog *dialog,
				 enum ui_action action, wchar_t ch)
{
	if (!dialog->open)
		return DIALOG_NO;

	/* The agent cannot see the dialog, or has not had time to. */
	if (!dialog_fits() || monotonic_ms() < dialog->keys_from_ms)
		return DIALOG_OPEN;

	if (action == UI_ACTION_BACK) {
		dialog->open = false;
		return DIALOG_NO;
	}
	if (dialog->kind == DIALOG_WAIT)
		return DIALOG_OPEN;
	if (dialog->kind == DIALOG_CHOICE) {
		if (action != UI_ACTION_NONE || ch < L'0' || ch > L'9' ||
		    strchr(dialog->digits, (int)ch) == NULL)
			return DIALOG_OPEN;
		dialog->open = false;
		dialog->chosen = (int)(ch - L'0');
		return DIALOG_CHOSEN;
	}
	if (action == UI_ACTION_CONFIRM) {
		dialog->open = false;
		return dialog->kind == DIALOG_QUESTION ? DIALOG_YES
						       : DIALOG_NO;
	}
	if (dialog->kind == DIALOG_QUESTION && action == UI_ACTION_NONE &&
	    (ch == L'y' || ch == L'Y' || ch == L'n' || ch == L'N')) {
		dialog->open = false;
		return ch == L'y' || ch == L'Y' ? DIALOG_YES : DIALOG_NO;
	}
	return DIALOG_OPEN;
}

/* Break text into at most max lines of width columns, at spaces where
 * it can and at every '\n'. Returns the number of lines. */
static int wrap_text(const char *text, int width, struct dialog_line *lines,
		     int max)
{
	int count;

	for (count = 0; count < max && *text != '\0'; count++) {
		size_t cut = draw_wrap_cut(text, width);

		lines[count].start = text;
		lines[count].length = cut;
		text = draw_wrap_next(text, cut);
	}
	return count;
}

static void draw_piece(WINDOW *win, int y, int x, int width, attr_t attr,
		       const struct dialog_line *line)
{
	char text[DIALOG_TEXT_SIZE];

	snprintf(text, sizeof(text), "%.*s", (int)line->length, line->start);
	draw_text(win, y, x, width, attr, text);
}

static const char *dialog_keys(const struct dialog *dialog)
{
	switch (dialog->kind) {
	case DIALOG_QUESTION:
		return "Enter=yes Esc=no";
	case DIALOG_CHOICE:
		return dialog->digits[0] != '\0'
			       ? "Press a number, or Esc to go back"
			       : "Esc Go back";
	case DIALOG_WAIT:
		return "Esc Cancel";
	case DIALOG_MESSAGE:
	default:
		return "Enter Close";
	}
}

/* Write the help line's text for the dialog's keys into buf, in the
 * help line's form (see keys_help). */
static void dialog_help(const struct dialog *dialog, bool compact, char *buf,
			size_t size)
{
	char digits[2 * DIALOG_CHOICES_MAX] = "";
	char back[64];
	size_t used = 0;

	switch (dialog->kind) {
	case DIALOG_QUESTION:
		keys_help(UI_HELP_CONFIRM | UI_HELP_BACK, "Yes", "No", compact,
			  buf, size);
		return;
	case DIALOG_CHOICE:
		keys_help(UI_HELP_BACK, NULL, NULL, compact, back,
			  sizeof(back));
		if (dialog->digits[0] == '\0') {
			snprintf(buf, size, "%s", back);
			return;
		}
		/* The digits that pick, as "1/2". */
		for (size_t i = 0; dialog->digits[i] != '\0' &&
				   used + 2 < sizeof(digits);
		     i++) {
			if (i > 0)
				digits[used++] = '/';
			digits[used++] = dialog->digits[i];
		}
		digits[used] = '\0';
		snprintf(buf, size, "%s%sChoose%s%s", digits,
			 compact ? ":" : " ", compact ? " " : "  ", back);
		return;
	case DIALOG_WAIT:
		keys_help(UI_HELP_BACK, NULL, "Cancel", compact, buf, size);
		return;
	case DIALOG_MESSAGE:
	default:
		keys_help(UI_HELP_CONFIRM, "Close", NULL, compact, buf, size);
		return;
	}
}

/* Show the dialog's keys on the help line, where the screen's keys would
 * mislead, unless the dialog covers that line. The place and width
 * follow the layout that ui.c picks for the terminal's size. */
static void dialog_draw_help(const struct dialog *dialog, int bottom)
{
	bool compact = LINES < UI_ROWS || COLS < UI_COLUMNS;
	int columns = compact ? UI_COMPACT_COLUMNS : UI_COLUMNS;
	int left = (COLS - columns) / 2 + (compact ? 0 : 1);
	char help[2 * UI_COLUMNS];
	WINDOW *win;

	if (bottom >= LINES - 1)
		return;
	win = newwin(1, COLS, LINES - 1, 0);
	if (win == NULL)
		return;
	wbkgd(win, ' ' | theme_attr(THEME_BAR));
	werase(win);
	dialog_help(dialog, compact, help, sizeof(help));
	draw_text(win, 0, left, columns - (compact ? 0 : 2),
		  theme_attr(THEME_BAR), help);
	wnoutrefresh(win);
	delwin(win);
}

void dialog_draw(const struct dialog *dialog)
{
	struct dialog_line lines[DIALOG_TEXT_ROWS];
	char title[sizeof(dialog->title) + 2];
	int width = dialog->width < COLS ? dialog->width : COLS;
	int extra = dialog->kind == DIALOG_CHOICE ? 2 : 0;
	int max = LINES - 4 - extra;
	int count;
	int height;
	int i;
	WINDOW *win;

	if (!dialog->open || !dialog_fits() || width < 10 || max < 1)
		return;
	if (max > DIALOG_TEXT_ROWS)
		max = DIALOG_TEXT_ROWS;
	count = wrap_text(dialog->text, width - 4, lines, max);
	height = count + 4 + extra;
	win = newwin(height, width, (LINES - height) / 2, (COLS - width) / 2);
	if (win == NULL)
		return;
	wbkgd(win, ' ' | theme_attr(THEME_DIALOG));
	werase(win);
	box(win, 0, 0);
	snprintf(title, sizeof(title), " %s ", dialog->title);
	draw_text(win, 0, 1, width - 2, A_BOLD, title);
	for (i = 0; i < count; i++)
		draw_piece(win, 1 + i, 2, width - 4, A_NORMAL, &lines[i]);
	if (extra > 0)
		draw_text(win, count + 2, 2, width - 4, A_BOLD,
			  dialog->choices);
	draw_centered(win, height - 2, 1, width - 2, A_BOLD,
		      dialog_keys(dialog));
	wnoutrefresh(win);
	delwin(win);
	dialog_draw_help(dialog, (LINES - height) / 2 + height - 1);
}
