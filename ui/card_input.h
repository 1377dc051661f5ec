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

/* The message for a swipe that came outside a card field. */
#define CARD_INPUT_IGNORED_TEXT                                        \
	"Card swipe ignored: put the cursor in a card or account field " \
	"first."

/* The message for a swipe in a card field that matched only the PAN
 * and expiry date rule of swipe_guard_classify. */
#define CARD_INPUT_FOREIGN_TEXT                                         \
	"The swipe was typed in a keyboard layout spotagent does not "  \
	"know. Set the reader or the keyboard to US."

/* The message for a field cleared because it contained card data. */
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

	/* Whether the tail of a handled swipe is being dropped, which lasts
	 * while its keys keep coming (SWIPE_GUARD_WAIT_MS). The flag tail_end
	 * is set after an end sentinel, so that the next line end ends it. */
	bool draining;
	bool tail_end;

	char masked[CARD_PAN_SIZE]; /* the card being looked up, masked */
};

struct ui;
struct screen;
struct event;

/* Feed one key (wget_wch's rc and key, and its action) to card input
 * before the dialog or the screen gets it, on every screen. Every typed
 * key is held for SWIPE_GUARD_KEY_GAP_MS, and with the keys that follow
 * in its burst it is classified by swipe_guard_classify when the burst
 * ends. A possible swipe start waits up to SWIPE_GUARD_WAIT_MS for more.
 * A swipe started in a card field or the card dialog is parsed and
 * looked up, one started anywhere else is wiped with
 * CARD_INPUT_IGNORED_TEXT, and the track keys and line ends that follow
 * it within SWIPE_GUARD_WAIT_MS are dropped. Typing goes to the UI as
 * typed, in order (ui_deliver_key). It also takes F6 in a card field,
 * which opens the card dialog, and a card number typed by hand in a card
 * field, which Enter, Tab or Shift-Tab sends to the card lookup.
 * Returns true when it took the key, with screen flags in *flags. */
bool card_input_key(struct ui *ui, int rc, wint_t key,
		    enum ui_action action, int *flags);

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
