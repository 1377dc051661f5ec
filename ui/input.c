/* Reading keys for the UI loop: a lone Esc is a key, an Esc followed at
 * once by more keys is a sequence that is read to its end and dropped. */
#define LOG_MODULE "ui"
#include "input.h"

#include "../app/log.h"
#include "keys.h"

/* The maximum number of keys read as one escape sequence, so that a
 * string sequence whose end never comes (ESC ] and a paste without BEL)
 * cannot swallow a whole paste. Key and colour sequences are well under
 * 32 keys. */
#define INPUT_SEQUENCE_KEYS_MAX 256

/* Sequences dropped in one input_read before it gives up for this round,
 * so a paste of escape codes cannot keep the loop from drawing. */
#define INPUT_SEQUENCES_PER_READ 64

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

/* Read the rest of an escape sequence after an Esc was read and drop it
 * whole. Returns false when nothing followed the Esc at once, so it is a
 * lone Esc. */
static bool drop_sequence(void)
{
	enum keys_sequence state;
	wint_t key;
	int count;
	int rc;

	/* curses returns an Esc alone only after ESCDELAY without another
	 * key, or at once with the keys that followed it and matched no
	 * terminfo key, so a key that is there now came with the Esc. */
	rc = wget_wch(stdscr, &key);
	if (rc == ERR)
		return false;
	state = keys_sequence_next(KEYS_SEQUENCE_START, rc, key);
	if (state == KEYS_SEQUENCE_BROKEN) {
		keep_key(rc, key);
		return false;
	}

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
	}
	nodelay(stdscr, TRUE);
	log_debug("ignored an escape sequence of %d keys", count);
	return true;
}

int input_read(wint_t *key, bool *dropped)
{
	int rc = next_key(key);
	int sequences;

	*dropped = false;
	for (sequences = 0; sequences < INPUT_SEQUENCES_PER_READ; sequences++) {
		if (rc != OK || *key != KEYS_ESCAPE || !drop_sequence())
			return rc;
		*dropped = true;
		rc = next_key(key);
	}

	/* The key after the last sequence is handled in the next round. */
	if (rc != ERR)
		keep_key(rc, *key);
	return ERR;
}

void input_flush(void)
{
	/* flushinp empties both curses' queue and the terminal's.
	 * NOTE: the part of a paste that reaches the terminal after this
	 * call, in a later write, is still handled as typed keys. */
	flushinp();
	pending.present = false;
}
