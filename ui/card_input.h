/* Card input on the screens that take a customer's wallet account: the
 * card dialog that waits for a reader, keyboard-wedge swipes captured
 * from a card or account field, and the card lookup whose wallet fills
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

/* A swipe ends when no key came for this long, in milliseconds. Readers
 * type a whole swipe in one burst, a few milliseconds a character, so
 * 500 ms is an estimate of a pause that no reader makes inside a swipe. */
#define CARD_INPUT_PAUSE_MS 500

/* After an end sentinel, how long to wait for another track, in
 * milliseconds, before the swipe is parsed. An estimate, as above. */
#define CARD_INPUT_SETTLE_MS 150

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

	/* A keyboard-wedge swipe being typed: its bytes (UTF-8, wiped after
	 * parsing) and when the last key came. */
	bool capturing;
	char swipe[MAGSTRIPE_MAX + 1];
	size_t length;
	int64_t last_key_ms;

	/* The character typed into a card field just before, which may turn
	 * out to be a start sentinel in a non-US keyboard layout. */
	char typed[MB_LEN_MAX];
	size_t typed_length;
	int64_t typed_ms;
	bool typed_to_field;    /* it went to the field, not to the dialog */

	char masked[CARD_PAN_SIZE]; /* the card being looked up, masked */
};

struct ui;
struct screen;
struct event;

/* Feed one key (wget_wch's rc and key, and its action) to card input
 * before the dialog or the screen gets it. It takes the keys of a swipe
 * being captured and F6 where the cursor is in a card field, which opens
 * the card dialog. A start sentinel typed in such a field or in the card
 * dialog starts a capture. Text captured that stops
 * looking like a swipe goes to screen's on_text. Returns true when it
 * took the key, with screen flags in *flags. */
bool card_input_key(struct ui *ui, struct screen *screen, int rc,
		    wint_t key, enum ui_action action, int *flags);

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

/* End a swipe after a pause, move the dialog's countdown and close it
 * when the wait is over. Call on every turn of the UI loop. Returns
 * enum screen_flag bits. */
int card_input_tick(struct ui *ui, struct screen *screen);

/* How long the UI loop may wait for keys, in milliseconds: shorter while
 * a swipe is being captured, else tick_ms. */
int card_input_poll_ms(const struct ui *ui, int tick_ms);

/* Whether screen's cursor is in a field that takes a card. */
bool card_input_takes_card(const struct screen *screen, const struct ui *ui);

#endif
