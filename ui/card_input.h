/* Card input: the card dialog that waits for a reader, the guard that
 * holds keyboard-wedge swipes back from every screen and reads them only
 * in a card or account field, and the card lookup whose wallet fills
 * that field. */
#ifndef SPOTAGENT_UI_CARD_INPUT_H
#define SPOTAGENT_UI_CARD_INPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "../drivers/card.h"
#include "../drivers/magstripe.h"
#include "dialog.h"
#include "keys.h"

/* The longest gap between two keys of one swipe, in milliseconds. A
 * keyboard-wedge reader types a character every 1 to 10 ms (one USB
 * keyboard report to press a key and one to release it, polled every
 * 1 to 8 ms). A person typing 120 words a minute leaves about 100 ms
 * between keys, and only a rare pair of keys comes closer. 50 ms lies
 * between the two, with room for a terminal link that delays keys. An
 * estimate: no reader was timed for it. */
#define CARD_INPUT_KEY_GAP_MS 50

/* Characters that came within CARD_INPUT_KEY_GAP_MS of each other, a
 * start sentinel and a track's format code or PAN digits, from which the
 * text counts as a swipe even without an end sentinel. A person cannot
 * type 8 keys that fast, and a track is longer: track 2 alone has a
 * sentinel and 12 or more digits. */
#define CARD_INPUT_BURST_MIN 8

/* After an end sentinel, how long to wait for the reader's line end or
 * another track, in milliseconds, before the swipe is handled. An
 * estimate: readers send them in the same burst. */
#define CARD_INPUT_SETTLE_MS 150

/* What the agent sees when a swipe came outside a card field. */
#define CARD_INPUT_IGNORED_TEXT                                        \
	"Card swipe ignored: put the cursor in a card or account field " \
	"first."

/* What the agent sees when a field was cleared because of track data. */
#define CARD_INPUT_TRACK_DATA_TEXT \
	"Card data is not allowed in this field: it was cleared."

enum card_input_state {
	CARD_INPUT_IDLE = 0,
	CARD_INPUT_WAITING,  /* the card dialog waits for a card */
	CARD_INPUT_CHOOSING, /* the agent picks the card's application */
	CARD_INPUT_LOOKUP,   /* the central service is finding the wallet */
};

struct card_input {
	enum card_input_state state;
	bool reader;            /* the dialog's wait includes a reader */
	int64_t deadline_ms;    /* CLOCK_MONOTONIC end of the wait */
	int64_t shown_s;        /* countdown seconds last written */

	/* Keys held back because they may be a keyboard-wedge swipe: their
	 * text (UTF-8, wiped once handled), when the last one came, and
	 * whether the swipe goes to a card field or the card dialog. */
	bool capturing;
	bool to_card;
	char swipe[MAGSTRIPE_MAX + 1];
	size_t length;
	int64_t last_key_ms;

	/* The rest of a swipe that was handled before its end (too long, or
	 * cut by a key a person typed) is dropped while keys keep coming in
	 * its burst. */
	bool draining;

	char masked[CARD_PAN_SIZE]; /* the card being looked up, masked */
};

struct ui;
struct screen;
struct event;

/* Feed one key (wget_wch's rc and key, and its action) to card input
 * before the dialog or the screen gets it, on every screen. A start
 * sentinel (or its form in a non-US keyboard layout) and the keys that
 * follow it within CARD_INPUT_KEY_GAP_MS are held back. When they turn
 * out to be a swipe, one started in a card field or the card dialog is
 * parsed and looked up, and one started anywhere else is wiped with
 * CARD_INPUT_IGNORED_TEXT; the reader's line ends never reach a screen.
 * When they turn out to be typing, they go to the UI as typed, in order
 * (ui_deliver_key). It also takes F6 in a card field, which opens the
 * card dialog, and a card number typed by hand in a card field, which
 * Enter, Tab or Shift-Tab sends to the card lookup. Returns true when it
 * took the key, with screen flags in *flags. */
bool card_input_key(struct ui *ui, int rc, wint_t key,
		    enum ui_action action, int *flags);

/* Whether text contains card track data: "%B" and 12 to 19 digits
 * followed by '^', or ';' and 12 to 19 digits followed by '='. */
bool card_input_has_track_data(const char *text);

/* Apply how the agent closed the card dialog (purpose DIALOG_FOR_CARD):
 * Esc cancels the wait or drops the lookup, and a digit picks the
 * application. */
void card_input_answer(struct ui *ui, enum dialog_answer answer,
		       int chosen);

/* Handle EVENT_CARD, EVENT_CARD_APPS and EVENT_CARD_LOOKUP for a request
 * of card input; a found wallet goes to screen's on_card. Call after
 * app_apply_event. Returns enum screen_flag bits. */
int card_input_event(struct ui *ui, struct screen *screen,
		     const struct event *event);

/* Hand held keys to the UI or end a swipe after a pause, move the
 * dialog's countdown and close it when the wait is over. Call on every
 * turn of the UI loop. Returns enum screen_flag bits. */
int card_input_tick(struct ui *ui, struct screen *screen);

/* How long the UI loop may wait for keys, in milliseconds: shorter while
 * keys are held, else tick_ms. */
int card_input_poll_ms(const struct ui *ui, int tick_ms);

/* Whether screen's cursor is in a field that takes a card. */
bool card_input_takes_card(const struct screen *screen, const struct ui *ui);

#endif
