/* Reading keys for the UI loop: a lone Esc is a key, an Esc followed at
 * once by more keys is a sequence that is read to its end and dropped. */
#define LOG_MODULE "ui"
#include "input.h"

#include <stdio.h>
#include <string.h>

#include "../app/log.h"
#include "keys.h"

/* The maximum number of keys read as one escape sequence, so that a
 * string sequence whose end never comes (ESC ] and a paste without BEL)
 * cannot swallow a whole paste. Key and colour sequences are well under
 * 32 keys. */
#define INPUT_SEQUENCE_KEYS_MAX 256

/* Sequences and pasted line breaks skipped in one input_read before it
 * gives up for this round, so a paste cannot keep the loop from
 * drawing. */
#define INPUT_SKIPPED_PER_READ 64

/* Bracketed paste: with it on, the terminal sends ESC [ 200 ~ before
 * pasted text and ESC [ 201 ~ after it, so a paste can be distinguished
 * from typing. */
#define PASTE_ON "\033[?2004h"
#define PASTE_OFF "\033[?2004l"
#define PASTE_START "[200~"
#define PASTE_END "[201~"

/* Keys after the Esc that are kept to recognise a paste marker. */
#define MARKER_KEYS 8

/* The kind of the keys read after an Esc. */
enum sequence {
	SEQUENCE_NONE = 0,    /* nothing followed: a lone Esc */
	SEQUENCE_DROPPED,     /* an unknown sequence, dropped */
	SEQUENCE_PASTE_START, /* pasted text follows */
	SEQUENCE_PASTE_END,
};

/* Whether the keys read now are pasted, not typed. */
static bool pasting;

/* A key read while looking at what follows an Esc, to be handled next. */
static struct {
	bool present;
	int rc;
	wint_t key;
} pending;

/* The pending key if there is one, else the next key from curses. */
static int next_key(wint_t *key)
{
	if (pending.present) {
		pending.present = false;
		*key = pending.key;
		return pending.rc;
	}
	return wget_wch(stdscr, key);
}

static void keep_key(int rc, wint_t key)
{
	pending.present = true;
	pending.rc = rc;
	pending.key = key;
}

/* Tell a paste marker from other sequences by the keys after the Esc. */
static enum sequence classify(const char *keys)
{
	if (strcmp(keys, PASTE_START) == 0)
		return SEQUENCE_PASTE_START;
	if (strcmp(keys, PASTE_END) == 0)
		return SEQUENCE_PASTE_END;
	return SEQUENCE_DROPPED;
}

/* Read the rest of an escape sequence after an Esc was read and drop it
 * whole. Returns SEQUENCE_NONE when nothing followed the Esc at once, so
 * it is a lone Esc. */
static enum sequence drop_sequence(void)
{
	enum keys_sequence state;
	char keys[MARKER_KEYS + 1] = "";
	wint_t key;
	int count;
	int rc;

	/* curses returns an Esc alone only after ESCDELAY without another
	 * key, or at once with the keys that followed it and matched no
	 * terminfo key, so a key that is there now came with the Esc. */
	rc = wget_wch(stdscr, &key);
	if (rc == ERR)
		return SEQUENCE_NONE;
	state = keys_sequence_next(KEYS_SEQUENCE_START, rc, key);
	if (state == KEYS_SEQUENCE_BROKEN) {
		keep_key(rc, key);
		return SEQUENCE_NONE;
	}
	if (rc == OK && key < 0x80)
		keys[0] = (char)key;

	/* The rest may come in the terminal's next write. */
	wtimeout(stdscr, INPUT_ESCAPE_DELAY_MS);
	for (count = 2; count < INPUT_SEQUENCE_KEYS_MAX; count++) {
		if (state == KEYS_SEQUENCE_END)
			break;
		rc = wget_wch(stdscr, &key);
		if (rc == ERR)
			break;
		state = keys_sequence_next(state, rc, key);
		if (state == KEYS_SEQUENCE_BROKEN) {
			keep_key(rc, key);
			break;
		}
		if (count - 1 < MARKER_KEYS && rc == OK && key < 0x80) {
			keys[count - 1] = (char)key;
			keys[count] = '\0';
		}
	}
	nodelay(stdscr, TRUE);
	log_debug("read an escape sequence of %d keys", count);
	return classify(keys);
}

/* Whether a key would move on or confirm: dropped inside a paste, so that
 * pasted text never leaves its field or confirms anything. */
static bool is_paste_control(int rc, wint_t key)
{
	if (rc == KEY_CODE_YES)
		return key == KEY_ENTER;
	return key == L'\r' || key == L'\n' || key == L'\t';
}

int input_read(wint_t *key, bool *dropped)
{
	int rc = next_key(key);
	int skipped;

	*dropped = false;
	for (skipped = 0; skipped < INPUT_SKIPPED_PER_READ; skipped++) {
		enum sequence sequence = SEQUENCE_NONE;

		if (rc == ERR)
			return ERR;
		if (rc == OK && *key == KEYS_ESCAPE)
			sequence = drop_sequence();
		if (sequence == SEQUENCE_PASTE_START)
			pasting = true;
		else if (sequence == SEQUENCE_PASTE_END)
			pasting = false;
		else if (sequence == SEQUENCE_DROPPED)
			*dropped = true;
		else if (!pasting || !is_paste_control(rc, *key))
			return rc;
		rc = next_key(key);
	}

	/* The key after the last one skipped is handled in the next
	 * round. */
	if (rc != ERR)
		keep_key(rc, *key);
	return ERR;
}

void input_start(void)
{
	pasting = false;
	fputs(PASTE_ON, stdout);
	fflush(stdout);
}

void input_stop(void)
{
	fputs(PASTE_OFF, stdout);
	fflush(stdout);
}

void input_flush(void)
{
	/* flushinp empties both curses' queue and the terminal's.
	 * NOTE: the part of a paste that reaches the terminal after this
	 * call, in a later write, is still handled as typed keys. */
	flushinp();
	pending.present = false;
}
