/* The key table: every key binding of the terminal UI, and the words the
 * help line uses for them. */
#include <curses.h>
#include <stdbool.h>
#include <stdio.h>

#include "keys.h"

/* Control keys as raw() mode delivers them, instead of as signals or
 * flow control. Ctrl-Z (26), Ctrl-\ (28), Ctrl-S (19) and Ctrl-Q (17)
 * have no binding, so the UI loop ignores them: at a counter they must
 * neither suspend, end nor freeze the session. */
#define KEY_CTRL_C 3

/* BEL, which ends an operating system command such as ESC ] 0 ; title. */
#define KEY_BEL 7

struct key_binding {
	bool function_key; /* wget_wch returned KEY_CODE_YES */
	wint_t key;
	enum ui_action action;
};

static const struct key_binding bindings[] = {
	{ .function_key = false, .key = '\r', .action = UI_ACTION_CONFIRM },
	{ .function_key = false, .key = '\n', .action = UI_ACTION_CONFIRM },
	{ .function_key = true, .key = KEY_ENTER, .action = UI_ACTION_CONFIRM },
	{ .function_key = false, .key = KEYS_ESCAPE, .action = UI_ACTION_BACK },
	{ .function_key = false, .key = '\t', .action = UI_ACTION_NEXT },
	{ .function_key = true, .key = KEY_DOWN, .action = UI_ACTION_NEXT },
	{ .function_key = true, .key = KEY_BTAB, .action = UI_ACTION_PREV },
	{ .function_key = true, .key = KEY_UP, .action = UI_ACTION_PREV },
	{ .function_key = true, .key = KEY_BACKSPACE,
	  .action = UI_ACTION_ERASE },
	{ .function_key = false, .key = 127, .action = UI_ACTION_ERASE },
	{ .function_key = false, .key = 8, .action = UI_ACTION_ERASE },
	{ .function_key = true, .key = KEY_DC, .action = UI_ACTION_DELETE },
	{ .function_key = true, .key = KEY_LEFT, .action = UI_ACTION_LEFT },
	{ .function_key = true, .key = KEY_RIGHT, .action = UI_ACTION_RIGHT },
	{ .function_key = true, .key = KEY_HOME, .action = UI_ACTION_HOME },
	{ .function_key = true, .key = KEY_END, .action = UI_ACTION_END },
	{ .function_key = true, .key = KEY_PPAGE,
	  .action = UI_ACTION_PAGE_UP },
	{ .function_key = true, .key = KEY_NPAGE,
	  .action = UI_ACTION_PAGE_DOWN },
	{ .function_key = true, .key = KEY_F(5), .action = UI_ACTION_SYNC },
	{ .function_key = true, .key = KEY_F(6), .action = UI_ACTION_CARD },
	{ .function_key = true, .key = KEY_F(9), .action = UI_ACTION_PRINT },
	{ .function_key = true, .key = KEY_F(10), .action = UI_ACTION_QUIT },
	{ .function_key = false, .key = KEY_CTRL_C, .action = UI_ACTION_QUIT },
	{ .function_key = true, .key = KEY_RESIZE, .action = UI_ACTION_RESIZE },
};

struct help_entry {
	unsigned bit;
	const char *key;
	const char *word;
	const char *short_word;
};

/* In the order the help line lists them, with the shorter words of the
 * compact layout. */
static const struct help_entry help_entries[] = {
	{ .bit = UI_HELP_CONFIRM, .key = "Enter", .word = "Confirm",
	  .short_word = "OK" },
	{ .bit = UI_HELP_BACK, .key = "Esc", .word = "Back",
	  .short_word = "Back" },
	{ .bit = UI_HELP_NEXT, .key = "Tab", .word = "Next",
	  .short_word = "Next" },
	{ .bit = UI_HELP_SCROLL, .key = "Up/Down", .word = "Scroll",
	  .short_word = "Scroll" },
	{ .bit = UI_HELP_SYNC, .key = "F5", .word = "Sync",
	  .short_word = "Sync" },
	{ .bit = UI_HELP_PRINT, .key = "F9", .word = "Print",
	  .short_word = "Print" },
	{ .bit = UI_HELP_QUIT, .key = "F10", .word = "Quit",
	  .short_word = "Quit" },
	{ .bit = UI_HELP_CARD, .key = "F6", .word = "Card",
	  .short_word = "Card" },
};

enum ui_action keys_action(int rc, wint_t key)
{
	bool function_key = rc == KEY_CODE_YES;
	size_t i;

	for (i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
		if (bindings[i].function_key == function_key &&
		    bindings[i].key == key)
			return bindings[i].action;
	}
	return UI_ACTION_NONE;
}

/* The state after ESC and `key`: what the second byte introduces. */
static enum keys_sequence keys_sequence_intro(wint_t key)
{
	switch (key) {
	case '[':
		return KEYS_SEQUENCE_CSI_FIRST;
	case 'O':
		return KEYS_SEQUENCE_LAST_KEY;
	case ']':
	case 'P':
	case 'X':
	case '^':
	case '_':
		return KEYS_SEQUENCE_STRING;
	default:
		return KEYS_SEQUENCE_END; /* Alt+key */
	}
}

/* The state after `key` inside a CSI. */
static enum keys_sequence keys_sequence_csi(enum keys_sequence state,
					    wint_t key)
{
	/* The Linux console sends F1 to F5 as ESC [ [ A to ESC [ [ E. */
	if (state == KEYS_SEQUENCE_CSI_FIRST && key == '[')
		return KEYS_SEQUENCE_LAST_KEY;
	if (key >= 0x20 && key <= 0x3f)
		return KEYS_SEQUENCE_CSI;

	/* A final byte, or a key that cannot be in a CSI. */
	return KEYS_SEQUENCE_END;
}

enum keys_sequence keys_sequence_next(enum keys_sequence state, int rc,
				      wint_t key)
{
	bool function_key = rc == KEY_CODE_YES;

	if (function_key && key == KEY_RESIZE)
		return KEYS_SEQUENCE_BROKEN;
	if (!function_key && key == KEYS_ESCAPE &&
	    state != KEYS_SEQUENCE_STRING)
		return KEYS_SEQUENCE_BROKEN;

	switch (state) {
	case KEYS_SEQUENCE_START:
		return function_key ? KEYS_SEQUENCE_END
				    : keys_sequence_intro(key);
	case KEYS_SEQUENCE_CSI_FIRST:
	case KEYS_SEQUENCE_CSI:
		return function_key ? KEYS_SEQUENCE_END
				    : keys_sequence_csi(state, key);
	case KEYS_SEQUENCE_STRING:
		if (function_key)
			return KEYS_SEQUENCE_STRING;
		if (key == KEYS_ESCAPE)
			return KEYS_SEQUENCE_STRING_ESC;
		return key == KEY_BEL ? KEYS_SEQUENCE_END
				      : KEYS_SEQUENCE_STRING;
	default:
		/* KEYS_SEQUENCE_LAST_KEY, and the ESC \ that ends a
		 * string, or whatever follows that Esc. */
		return KEYS_SEQUENCE_END;
	}
}

void keys_help(unsigned help, const char *confirm_word,
	       const char *back_word, bool compact, char *buf, size_t size)
{
	const char *gap = compact ? " " : "  ";
	const char *joint = compact ? ":" : " ";
	size_t used = 0;
	size_t i;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(help_entries) / sizeof(help_entries[0]); i++) {
		const struct help_entry *entry = &help_entries[i];
		const char *word = compact ? entry->short_word : entry->word;
		int written;

		if ((help & entry->bit) == 0)
			continue;
		if (entry->bit == UI_HELP_CONFIRM && confirm_word != NULL)
			word = confirm_word;
		if (entry->bit == UI_HELP_BACK && back_word != NULL)
			word = back_word;
		written = snprintf(buf + used, size - used, "%s%s%s%s",
				   used > 0 ? gap : "", entry->key, joint,
				   word);
		if (written < 0 || (size_t)written >= size - used)
			return;
		used += (size_t)written;
	}
}
