/* A small modal dialog drawn over the current screen: a question
 * answered with Enter or Esc, or a message closed with either key. */
#ifndef SPOTAGENT_UI_DIALOG_H
#define SPOTAGENT_UI_DIALOG_H

#include <stdbool.h>

#include "keys.h"

enum dialog_kind {
	DIALOG_QUESTION = 0, /* Enter means yes, Esc means no */
	DIALOG_MESSAGE = 1,  /* Enter or Esc closes it */
};

/* The purpose of a question, from which the UI loop decides what "yes" does. */
enum dialog_purpose {
	DIALOG_FOR_NOTHING = 0,
	DIALOG_FOR_QUIT = 1,
};

enum dialog_answer {
	DIALOG_OPEN = 0, /* still waiting for Enter or Esc */
	DIALOG_YES = 1,
	DIALOG_NO = 2,
};

struct dialog {
	bool open;
	enum dialog_kind kind;
	enum dialog_purpose purpose;
	char title[32];
	char text[192];
};

/* Open a question or a message; the text is copied and clipped. */
void dialog_ask(struct dialog *dialog, enum dialog_purpose purpose,
		const char *title, const char *text);
void dialog_tell(struct dialog *dialog, const char *title,
		 const char *text);

/* Feed an action to an open dialog. Returns DIALOG_YES or DIALOG_NO and
 * closes the dialog on Enter or Esc (a message always returns
 * DIALOG_NO), or DIALOG_OPEN for other keys. */
enum dialog_answer dialog_handle(struct dialog *dialog,
				 enum ui_action action);

/* Draw an open dialog centred on the terminal into curses' virtual screen
 * (wnoutrefresh); the caller runs doupdate. Does nothing when closed. */
void dialog_draw(const struct dialog *dialog);

#endif
