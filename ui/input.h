/* Keys from curses with escape sequences that match no known key (Alt+key,
 * pasted escape codes) dropped whole, so that only a lone Esc reaches the
 * screens. */
#ifndef SPOTAGENT_UI_INPUT_H
#define SPOTAGENT_UI_INPUT_H

#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

/* How long curses waits after an Esc byte for the rest of a function
 * key's sequence. Terminals send a key's sequence in one write, so 50 ms
 * is enough, and a lone Esc still acts without a noticeable delay. */
#define INPUT_ESCAPE_DELAY_MS 50

/* Read the next key as wget_wch does (OK or KEY_CODE_YES with *key, or
 * ERR when none is waiting). Escape sequences read on the way are dropped
 * and set *dropped. Paste markers are not reported, and a line break or
 * tab inside a paste is dropped. Each wait for the rest of a sequence
 * lasts at most INPUT_ESCAPE_DELAY_MS. */
int input_read(wint_t *key, bool *dropped);

/* Ask the terminal to mark pastes (bracketed paste), so that line breaks
 * and tabs in pasted text are dropped instead of moving on or confirming.
 * Call after curses started; input_stop turns it off before curses ends.
 * Terminals without the mode ignore the request. */
void input_start(void);
void input_stop(void);

/* Drop every key typed and not yet read, in curses and the terminal. */
void input_flush(void);

#endif
