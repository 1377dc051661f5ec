/* Key bindings: one table maps curses key codes to the actions that
 * screens handle, and one table names those actions for the help line. */
#ifndef SPOTAGENT_UI_KEYS_H
#define SPOTAGENT_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* The Esc key as wget_wch returns it: the ESC byte, alone once
 * ESCDELAY has passed, or as the start of a sequence curses did not
 * match. */
#define KEYS_ESCAPE 27

enum ui_action {
	UI_ACTION_NONE = 0, /* not bound, so a printable key goes to on_text */
	UI_ACTION_CONFIRM,
	UI_ACTION_BACK,
	UI_ACTION_NEXT,
	UI_ACTION_PREV,
	UI_ACTION_ERASE,
	UI_ACTION_DELETE,
	UI_ACTION_LEFT,
	UI_ACTION_RIGHT,
	UI_ACTION_HOME,
	UI_ACTION_END,
	UI_ACTION_PAGE_UP,
	UI_ACTION_PAGE_DOWN,
	UI_ACTION_SYNC,
	UI_ACTION_PRINT,
	UI_ACTION_QUIT,
	UI_ACTION_RESIZE,
	UI_ACTION_CARD,     /* read a customer's card into a card field */
};

/* Bits for keys_help: which actions a screen lists on its help line. */
enum ui_help {
	UI_HELP_CONFIRM = 1 << 0,
	UI_HELP_BACK = 1 << 1,
	UI_HELP_NEXT = 1 << 2,
	UI_HELP_SCROLL = 1 << 3,
	UI_HELP_SYNC = 1 << 4,
	UI_HELP_PRINT = 1 << 5,
	UI_HELP_QUIT = 1 << 6,
	UI_HELP_CARD = 1 << 7,
};

/* Position of keys_sequence_next in an escape sequence. An escape
 * sequence is an Esc followed at once by more keys: a key the terminfo
 * entry does not know, an Alt+key or pasted terminal output. */
enum keys_sequence {
	KEYS_SEQUENCE_START = 0, /* the Esc was read */
	KEYS_SEQUENCE_CSI_FIRST, /* ESC [ was read */
	KEYS_SEQUENCE_CSI,       /* parameter or intermediate bytes */
	KEYS_SEQUENCE_LAST_KEY,  /* one key ends it: ESC O x, ESC [ [ x */
	KEYS_SEQUENCE_STRING,    /* ESC ] and the like, up to BEL or ST */
	KEYS_SEQUENCE_STRING_ESC, /* an Esc inside a string, before ST */
	KEYS_SEQUENCE_END,       /* the key read completes the sequence */
	KEYS_SEQUENCE_BROKEN,    /* the key read is not part of it: an Esc
				    that starts anew, or KEY_RESIZE */
};

/* Step the escape sequence in `state` with the next result of wget_wch.
 * ESC [ ends with a byte in 0x40..0x7E (ECMA-48 CSI), and ESC O and
 * ESC [ [ end with one more key. ESC ] ESC P ESC X ESC ^ ESC _ end with
 * BEL or ESC \, and an Esc with any other key (Alt+key) ends with that
 * key. A key outside 0x20..0x7E inside a CSI also ends it. Returns the
 * new state: KEYS_SEQUENCE_END when the key completes the sequence, and
 * KEYS_SEQUENCE_BROKEN when the key belongs to no sequence and must be
 * handled on its own. */
enum keys_sequence keys_sequence_next(enum keys_sequence state, int rc,
				      wint_t key);

/* Map one result of wget_wch (rc is OK or KEY_CODE_YES, key the value it
 * stored) to an action. Returns UI_ACTION_NONE for keys not in the
 * table. */
enum ui_action keys_action(int rc, wint_t key);

/* Write the help line for the UI_HELP_* bits in `help` into buf, as
 * "Enter Confirm  Esc Back  Tab Next ...", or when compact in the shorter
 * form "Enter:OK Esc:Back Tab:Next ...". confirm_word and back_word
 * replace the words for Enter and Esc when not NULL. Always
 * NUL-terminates. */
void keys_help(unsigned help, const char *confirm_word,
	       const char *back_word, bool compact, char *buf, size_t size);

#endif
