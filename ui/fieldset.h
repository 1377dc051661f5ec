/* A set of one-line text fields on the ncurses form library (formw),
 * posted on stdscr, moved after a resize and switched between the wide
 * and compact layouts without losing what was typed. */
#ifndef SPOTAGENT_UI_FIELDSET_H
#define SPOTAGENT_UI_FIELDSET_H

#include <form.h>
#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

#define FIELDSET_MAX 8

/* Maximum text width of a field, in terminal columns: an address of 200
 * characters, as the central service takes, of two columns each. */
#define FIELDSET_WIDTH_MAX 400

/* Columns a field of text width `width` takes on screen: one more than
 * its text, for the cursor after the last character. */
#define FIELDSET_SCREEN_WIDTH(width) ((width) + 1)

struct fieldset_spec {
	int row;      /* relative to the fieldset's top-left corner */
	int column;
	int width;    /* maximum text width in terminal columns, 1 to
			 FIELDSET_WIDTH_MAX (see FIELDSET_SCREEN_WIDTH) */
	bool secret;  /* O_PUBLIC off: what is typed is not displayed */
	bool replace; /* prefilled: the cursor starts at the beginning and
			 the first character typed, or Backspace, replaces
			 the whole text */
	int view;     /* columns the field takes on screen, 2 or more, when
			 fewer than FIELDSET_SCREEN_WIDTH(width): the text
			 then scrolls sideways. 0: the whole width shows */
	int length;   /* maximum characters, for a limit that is counted
			 in characters rather than columns. 0: only width
			 limits the text */
	bool card;    /* a customer's card or wallet account field: F6 and
			 a keyboard-wedge swipe read a card into it
			 (ui/card_input.c) */
};

struct fieldset {
	const struct fieldset_spec *specs; /* the specs the fields follow */
	FORM *form;
	WINDOW *sub;
	FIELD *fields[FIELDSET_MAX + 1]; /* NULL-terminated for new_form */
	int count;
	int rows;
	int columns;
	bool posted;
	int width[FIELDSET_MAX];    /* maximum text width in columns */
	bool replace[FIELDSET_MAX];
	bool secret[FIELDSET_MAX];
	bool card[FIELDSET_MAX];    /* fieldset_spec.card */
	int length[FIELDSET_MAX];   /* maximum characters, 0 for no limit */
	bool fresh;                 /* the current field is a `replace` field
				       that nothing has been typed into */
	int column;                 /* where fieldset_place puts the cursor
				       in the current field: a column of its
				       text, or INT_MAX for after the text */
};

/* Create count fields from specs. Returns 0, or -1 when a spec is out of
 * range or formw fails (the set is then empty and fieldset_free is still
 * safe). */
int fieldset_init(struct fieldset *set, const struct fieldset_spec *specs,
		  int count);

/* Rebuild the fields of an initialised set with other specs, such as
 * those of the other layout. There must be as many as at init, and the
 * widths should match. Each field keeps its text. Once the set is placed
 * again, the cursor is in the same field at the same column of its text.
 * The set is left unplaced. Does nothing when the set already follows
 * specs.
 * Returns 0, or -1 when formw fails (the set is then empty). */
int fieldset_use(struct fieldset *set, const struct fieldset_spec *specs);

/* Free the form and its fields. Safe on an empty set. */
void fieldset_free(struct fieldset *set);

/* Post the form on stdscr with its top-left corner at (y, x), moving it
 * there if it was posted elsewhere. The cursor keeps its column in the
 * current field's text. Returns 0, or -1 when it does not fit the
 * terminal. */
int fieldset_place(struct fieldset *set, int y, int x);

/* Unpost the form, keeping every field's text. */
void fieldset_unplace(struct fieldset *set);

bool fieldset_posted(const struct fieldset *set);

/* Return the index of the field with the cursor. */
int fieldset_current(const struct fieldset *set);

/* Whether the set is placed and the field with the cursor is marked
 * `card` in its spec. */
bool fieldset_takes_card(const struct fieldset *set);

/* Move the cursor to field `index`: to its beginning for a `replace`
 * field, else to the end of its text. */
void fieldset_focus(struct fieldset *set, int index);

/* Pass one form request (REQ_LEFT_CHAR ...) to the current field.
 * Returns formw's result (E_OK, E_REQUEST_DENIED...). */
int fieldset_request(struct fieldset *set, int request);

/* Insert one typed character at the cursor of the current field. Returns
 * E_REQUEST_DENIED, changing nothing, when the text would then be wider
 * than the field's width or longer than its length, or the character has
 * no width of its own (a combining mark). Also E_REQUEST_DENIED, with the
 * field blanked, when the text would then contain card track data. Else
 * formw's result. */
int fieldset_type(struct fieldset *set, wchar_t ch);

/* Whether fieldset_type has cleared a field since the last call because
 * the character typed made its text contain card track data (see
 * swipe_guard_has_card_data). The call resets it, and the UI then shows
 * CARD_INPUT_TRACK_DATA_TEXT. */
bool fieldset_take_track_data(void);

/* Apply an editing action (erase, delete, left, right, home, end) to the
 * current field. Erase deletes the character before the cursor, and
 * right stops after the last character. Returns true when the action is
 * one of those. */
bool fieldset_edit(struct fieldset *set, enum ui_action action);

/* Copy field `index`'s text, without the padding blanks at either end,
 * into buf (always NUL-terminated). Formw pads fields with blanks, so
 * blanks typed at either end are lost too. */
void fieldset_get(const struct fieldset *set, int index, char *buf,
		  size_t size);

/* Replace field `index`'s text, cut at a character boundary to the
 * field's width and length. */
void fieldset_set(struct fieldset *set, int index, const char *text);

/* Blank field `index` and overwrite formw's text copies of it, for a
 * field that contained a password. */
void fieldset_wipe(struct fieldset *set, int index);

/* Draw one '*' per character of secret field `index` over the field, to
 * show the agent how much was typed. Formw cannot do this itself, because
 * with O_PUBLIC off it shows only the pad character, over the whole
 * field. */
void fieldset_draw_mask(const struct fieldset *set, int index);

/* Put the terminal cursor where the current field's cursor is. Call it
 * after everything else on stdscr is drawn. */
void fieldset_show_cursor(const struct fieldset *set);

#endif
