/* A small modal dialog drawn over the current screen: a question
 * answered with Enter or Esc, a message closed with either key, or a
 * numbered choice picked with a digit key. */
#ifndef SPOTAGENT_UI_DIALOG_H
#define SPOTAGENT_UI_DIALOG_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "keys.h"

/* Room for the text: an operation's details with its reason in full. */
#define DIALOG_TEXT_SIZE 768
#define DIALOG_CHOICES_MAX 4

/* How long a dialog that opens without the agent's key ignores keys, in
 * milliseconds. An agent typing into a form goes on for a moment after a
 * window appears. 600 ms is an estimate of that reaction time, short
 * enough not to slow an agent who reads the dialog first. */
#define DIALOG_GUARD_MS 600

enum dialog_kind {
	DIALOG_QUESTION = 0, /* Enter means yes, Esc means no */
	DIALOG_MESSAGE = 1,  /* Enter or Esc closes it */
	DIALOG_CHOICE = 2,   /* a listed digit picks, Esc closes */
	DIALOG_WAIT = 3,     /* a wait that only Esc cancels */
};

/* The purpose of a dialog, from which the UI loop decides what the
 * answer does. */
enum dialog_purpose {
	DIALOG_FOR_NOTHING = 0,
	DIALOG_FOR_QUIT = 1,
	DIALOG_FOR_SCREEN = 2, /* the digit goes to the screen's on_choice */
	DIALOG_FOR_PRINT_HELD = 3, /* yes prints the held print jobs */
	DIALOG_FOR_CARD = 4, /* the card dialog of ui/card_input.c */
};

enum dialog_answer {
	DIALOG_OPEN = 0, /* still waiting for an answer */
	DIALOG_YES = 1,
	DIALOG_NO = 2,
	DIALOG_CHOSEN = 3, /* closed with a digit, in dialog->chosen */
};

/* One numbered choice: the digit key and its words. */
struct dialog_choice {
	int digit; /* 0 to 9 */
	const char *label;
};

struct dialog {
	bool open;
	enum dialog_kind kind;
	enum dialog_purpose purpose;
	int width; /* columns, borders included */
	char title[32];
	char text[DIALOG_TEXT_SIZE]; /* wrapped; '\n' starts a new line */
	char choices[96];            /* "1 Send again  2 Cancel" */
	char digits[DIALOG_CHOICES_MAX + 1]; /* digits that pick, as text */
	int chosen;                  /* the digit of a DIALOG_CHOSEN answer */
	/* CLOCK_MONOTONIC time in ms until which keys are ignored, or 0 */
	int64_t keys_from_ms;
};

/* Open a question or a message; the text is copied and clipped. */
void dialog_ask(struct dialog *dialog, enum dialog_purpose purpose,
		const char *title, const char *text);
void dialog_tell(struct dialog *dialog, const char *title,
		 const char *text);

/* Open a wait that only Esc closes (DIALOG_NO), with "Esc Cancel" as its
 * keys; the text is copied and clipped. */
void dialog_wait(struct dialog *dialog, const char *title,
		 const char *text);

/* Open a wide dialog with DIALOG_FOR_SCREEN that lists up to
 * DIALOG_CHOICES_MAX numbered choices under the text; more are dropped.
 * The text is copied and clipped. */
void dialog_choose(struct dialog *dialog, const char *title,
		   const char *text, const struct dialog_choice *choices,
		   int count);

/* Drop the keys typed and not yet read, and make the open dialog ignore
 * keys for DIALOG_GUARD_MS from now. For a dialog that opens without the
 * agent's key (news from the sync worker), so that keys typed for the
 * screen below do not act on it. */
void dialog_guard(struct dialog *dialog);

/* Feed a key to an open dialog: its action, and for a typed character
 * (UI_ACTION_NONE) the character in ch, else 0. A question returns
 * DIALOG_YES on Enter, Y or y and DIALOG_NO on Esc, N or n, and a
 * message DIALOG_NO on
 * either. A choice returns DIALOG_CHOSEN on one of its digits and
 * DIALOG_NO on Esc. Each of these closes the dialog; other keys return
 * DIALOG_OPEN. So do all keys while the terminal is smaller than
 * UI_COMPACT_COLUMNS x UI_COMPACT_ROWS, where the dialog is not drawn,
 * and during a guard from dialog_guard. A closed dialog returns
 * DIALOG_NO. */
enum dialog_answer dialog_handle(struct dialog *dialog,
				 enum ui_action action, wchar_t ch);

/* Draw an open dialog centred on the terminal into curses' virtual screen
 * (wnoutrefresh); the caller runs doupdate. Does nothing when closed or
 * when the terminal is smaller than UI_COMPACT_COLUMNS x UI_COMPACT_ROWS.
 * Text that does not fit the terminal's height loses its last lines. */
void dialog_draw(const struct dialog *dialog);

#endif
