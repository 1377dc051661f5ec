/* Key bindings: one table maps curses key codes to the actions that
 * screens handle, and one table names those actions for the help line. */
#ifndef SPOTAGENT_UI_KEYS_H
#define SPOTAGENT_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

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
};

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
