/* Card input: the card dialog with its countdown, keyboard-wedge swipes
 * captured from card and account fields, and the card lookup that fills
 * the field with the card's wallet. The full card number lives only in a
 * struct card_data on the stack, wiped once app_card_lookup has copied
 * it, and in the swipe buffer, wiped after parsing. */
#define LOG_MODULE "ui"
#include "card_input.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "../app/card_worker.h"
#include "../app/log.h"
#include "../drivers/utf8.h"
#include "screen.h"

#define CARD_TITLE "Card"
#define CARD_READING_TEXT "Reading swipe..."
#define CARD_NO_READER_TEXT \
	"No card reader is connected: swipe the card on a keyboard reader."

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

bool card_input_takes_card(const struct screen *screen, const struct ui *ui)
{
	return ui->lock == UI_LOCK_NONE && !ui->too_small &&
	       screen->takes_card != NULL && screen->takes_card(screen, ui);
}

/* Whether the card dialog is the dialog on screen. */
static bool card_dialog_open(const struct ui *ui)
{
	return ui->dialog.open && ui->dialog.purpose == DIALOG_FOR_CARD;
}

static void swipe_wipe(struct ui *ui)
{
	struct card_input *card = &ui->card;

	explicit_bzero(card->swipe, sizeof(card->swipe));
	card->length = 0;
	card->capturing = false;
	if (strcmp(ui->notice, CARD_READING_TEXT) == 0)
		ui->notice[0] = '\0';
}

/* Open or rewrite the card dialog while it waits for a card. */
static void show_waiting(struct ui *ui)
{
	struct card_input *card = &ui->card;
	int64_t left = (card->deadline_ms - now_ms() + 999) / 1000;
	char text[DIALOG_TEXT_SIZE];

	if (left < 0)
		left = 0;
	snprintf(text, sizeof(text),
		 "Insert, tap or swipe the card.\n%s%s%lld s left. Esc "
		 "cancels.",
		 card->reader ? "" : CARD_NO_READER_TEXT,
		 card->reader ? "" : "\n", (long long)left);
	dialog_tell(&ui->dialog, CARD_TITLE, text);
	ui->dialog.purpose = DIALOG_FOR_CARD;
	card->shown_s = left;
}

/* Tell the agent why the card gave no account, leaving the form as it
 * was. */
static void card_fail(struct ui *ui, const char *message)
{
	ui->card.state = CARD_INPUT_IDLE;
	dialog_tell(&ui->dialog, CARD_TITLE, message);
}

/* Open the card dialog and ask the card worker for a card. Without a
 * reader the dialog still takes a keyboard-wedge swipe. */
static void card_open(struct ui *ui)
{
	struct card_input *card = &ui->card;
	int rc = CARD_ENOREADER;

	if (ui->app->card != NULL)
		rc = card_worker_request(ui->app->card,
					 CARD_WORKER_WAIT_SECONDS);
	if (rc != 0 && rc != CARD_ENOREADER) {
		card_fail(ui, card_strerror(rc));
		return;
	}
	card->reader = rc == 0;
	card->state = CARD_INPUT_WAITING;
	card->deadline_ms = now_ms() + CARD_WORKER_WAIT_SECONDS * 1000;
	show_waiting(ui);
}

/* Send the card's number to the central service and wipe *data. */
static void card_lookup(struct ui *ui, struct card_data *data)
{
	struct card_input *card = &ui->card;
	char message[UI_MESSAGE_SIZE];
	char text[DIALOG_TEXT_SIZE];

	card_mask_pan(data->pan, card->masked, sizeof(card->masked));
	if (app_card_lookup(ui->app, data, message, sizeof(message)) != 0) {
		card_data_clear(data);
		card_fail(ui, message);
		return;
	}
	card_data_clear(data);
	card->state = CARD_INPUT_LOOKUP;
	snprintf(text, sizeof(text),
		 "Card %s\n\nFinding the customer's wallet...", card->masked);
	dialog_tell(&ui->dialog, CARD_TITLE, text);
	ui->dialog.purpose = DIALOG_FOR_CARD;
}

/* Parse the captured swipe and look its card up, or tell the agent why
 * not. */
static void swipe_finish(struct ui *ui)
{
	struct card_input *card = &ui->card;
	struct card_data data;
	char layout[32];
	char message[UI_MESSAGE_SIZE];
	int rc;

	rc = magstripe_parse(card->swipe, card->length, &data);
	if (rc == CARD_ELAYOUT &&
	    magstripe_layout_hint(card->swipe, card->length, layout,
				  sizeof(layout)))
		snprintf(message, sizeof(message),
			 "The swipe was typed in a %s keyboard layout. Set "
			 "the reader or the terminal keyboard to US.",
			 layout);
	else
		snprintf(message, sizeof(message), "%s", card_strerror(rc));
	swipe_wipe(ui);

	/* A reader's wait ends: the swipe answered the dialog. */
	if (card->state == CARD_INPUT_WAITING && card->reader)
		card_worker_cancel(ui->app->card);
	if (rc != CARD_OK) {
		log_info("swipe not read: %s", card_strerror(rc));
		card_fail(ui, message);
		return;
	}
	card_lookup(ui, &data);
}

/* Write key as UTF-8 into bytes (MB_LEN_MAX of room). Returns the number
 * of bytes, or 0 for a key that has no encoding. */
static size_t key_bytes(wint_t key, char *bytes)
{
	mbstate_t state;
	size_t n;

	memset(&state, 0, sizeof(state));
	n = wcrtomb(bytes, (wchar_t)key, &state);
	return n == (size_t)-1 ? 0 : n;
}

/* Add n bytes to the swipe. Returns false, adding nothing, when the swipe
 * would be longer than MAGSTRIPE_MAX. */
static bool swipe_append(struct card_input *card, const char *bytes,
			 size_t n)
{
	if (card->length + n > MAGSTRIPE_MAX)
		return false;
	memcpy(card->swipe + card->length, bytes, n);
	card->length += n;
	card->swipe[card->length] = '\0';
	return true;
}

/* Give text that turned out not to be a swipe to the screen as the keys
 * it was typed as, unless the card dialog took it (which has no field).
 * Returns the screen's flags. */
static int swipe_replay(struct ui *ui, struct screen *screen)
{
	char text[MAGSTRIPE_MAX + 1];
	size_t length = ui->card.length;
	size_t used = 0;
	mbstate_t state;
	int flags = SCREEN_HANDLED;

	memcpy(text, ui->card.swipe, length);
	swipe_wipe(ui);
	memset(&state, 0, sizeof(state));
	while (used < length && !card_dialog_open(ui) &&
	       screen->on_text != NULL) {
		wchar_t ch;
		size_t n = mbrtowc(&ch, text + used, length - used, &state);

		if (n == 0 || n > length - used)
			break;
		flags |= screen->on_text(screen, ui, ch);
		used += n;
	}
	explicit_bzero(text, sizeof(text));
	return flags;
}

/* A key while a swipe is captured. Enter after a complete track is a
 * line end between tracks, and otherwise it ends the swipe. Returns
 * screen flags. */
static int swipe_key(struct ui *ui, struct screen *screen, int rc,
		     wint_t key, enum ui_action action)
{
	struct card_input *card = &ui->card;
	char bytes[MB_LEN_MAX];
	size_t n;

	card->last_key_ms = now_ms();
	if (action == UI_ACTION_NONE && rc == OK && iswprint(key)) {
		n = key_bytes(key, bytes);
		if (n == 0 || !swipe_append(card, bytes, n)) {
			swipe_finish(ui);
			return SCREEN_REDRAW;
		}
		explicit_bzero(bytes, sizeof(bytes));
		if (magstripe_scan(card->swipe, card->length) ==
		    MAGSTRIPE_NOT_SWIPE)
			return swipe_replay(ui, screen);
		snprintf(ui->notice, sizeof(ui->notice), "%s",
			 CARD_READING_TEXT);
		return SCREEN_HANDLED;
	}
	if (action == UI_ACTION_CONFIRM) {
		if (magstripe_scan(card->swipe, card->length) !=
			    MAGSTRIPE_COMPLETE ||
		    !swipe_append(card, "\n", 1))
			swipe_finish(ui);
		return SCREEN_REDRAW;
	}
	if (action == UI_ACTION_BACK) {
		swipe_wipe(ui);
		snprintf(ui->notice, sizeof(ui->notice), "Swipe ignored");
	}
	return SCREEN_REDRAW;
}

/* Whether a typed key may start a swipe now: in a card field with no
 * dialog, or in the card dialog while it waits. NOTE: a swipe anywhere
 * else reaches the screen as typed keys, as it did before card input. */
static bool swipe_may_start(const struct ui *ui,
			    const struct screen *screen)
{
	if (card_dialog_open(ui))
		return ui->card.state == CARD_INPUT_WAITING;
	return !ui->dialog.open && card_input_takes_card(screen, ui);
}

/* Start a swipe with the character in bytes, or with the character typed
 * just before and this one. A non-US keyboard layout turns a start
 * sentinel into a character that starts a swipe only with the next one
 * ('5' then 'B' on French). Returns whether a swipe started. */
static bool swipe_start(struct ui *ui, struct screen *screen,
			const char *bytes, size_t n)
{
	struct card_input *card = &ui->card;
	bool recent = card->typed_length > 0 &&
		      now_ms() - card->typed_ms < CARD_INPUT_PAUSE_MS;

	card->length = 0;
	if (recent && swipe_append(card, card->typed, card->typed_length) &&
	    swipe_append(card, bytes, n) &&
	    magstripe_scan(card->swipe, card->length) !=
		    MAGSTRIPE_NOT_SWIPE) {
		/* The first character went to the field: take it back.
		 * NOTE: this assumes the field took it, so in a full field
		 * Backspace removes the field's last character instead. */
		if (card->typed_to_field && screen->on_action != NULL)
			screen->on_action(screen, ui, UI_ACTION_ERASE);
	} else {
		card->length = 0;
		swipe_append(card, bytes, n);
		if (magstripe_scan(card->swipe, card->length) ==
		    MAGSTRIPE_NOT_SWIPE) {
			swipe_wipe(ui);
			return false;
		}
	}
	explicit_bzero(card->typed, sizeof(card->typed));
	card->typed_length = 0;
	card->capturing = true;
	card->last_key_ms = now_ms();
	snprintf(ui->notice, sizeof(ui->notice), "%s", CARD_READING_TEXT);
	return true;
}

bool card_input_key(struct ui *ui, struct screen *screen, int rc,
		    wint_t key, enum ui_action action, int *flags)
{
	struct card_input *card = &ui->card;
	char bytes[MB_LEN_MAX];
	size_t n;

	*flags = SCREEN_IGNORED;
	if (card->capturing) {
		*flags = swipe_key(ui, screen, rc, key, action);
		return true;
	}
	if (action == UI_ACTION_CARD) {
		if (ui->dialog.open || !card_input_takes_card(screen, ui))
			return false;
		card_open(ui);
		*flags = SCREEN_HANDLED;
		return true;
	}
	if (action != UI_ACTION_NONE || rc != OK || !iswprint(key) ||
	    !swipe_may_start(ui, screen)) {
		card->typed_length = 0;
		return false;
	}

	/* Only a start sentinel (or its layout variant) starts a swipe, so
	 * digits typed by hand go to the field. */
	n = key_bytes(key, bytes);
	if (n > 0 && swipe_start(ui, screen, bytes, n)) {
		explicit_bzero(bytes, sizeof(bytes));
		*flags = SCREEN_HANDLED;
		return true;
	}
	memcpy(card->typed, bytes, n);
	card->typed_length = n;
	card->typed_ms = now_ms();
	card->typed_to_field = !card_dialog_open(ui);
	explicit_bzero(bytes, sizeof(bytes));
	return false;
}

void card_input_answer(struct ui *ui, enum dialog_answer answer,
		       int chosen)
{
	struct card_input *card = &ui->card;

	if (answer == DIALOG_CHOSEN && card->state == CARD_INPUT_CHOOSING) {
		if (card_worker_choose(ui->app->card, chosen - 1) == 0) {
			card->state = CARD_INPUT_WAITING;
			show_waiting(ui);
			return;
		}
		answer = DIALOG_NO;
	}
	if (answer != DIALOG_NO)
		return;
	if (card->state == CARD_INPUT_WAITING ||
	    card->state == CARD_INPUT_CHOOSING) {
		if (card->reader)
			card_worker_cancel(ui->app->card);
	}
	/* A lookup already sent still ends, and its result is dropped. */
	card->state = CARD_INPUT_IDLE;
	swipe_wipe(ui);
}

/* Offer the card's applications, in the card's order, by digit. */
static void card_choose(struct ui *ui)
{
	struct emv_app apps[DIALOG_CHOICES_MAX];
	struct dialog_choice choices[DIALOG_CHOICES_MAX];
	char labels[DIALOG_CHOICES_MAX][sizeof(apps[0].label) + 16];
	int count;

	/* NOTE: a card with more than DIALOG_CHOICES_MAX applications
	 * offers only its first ones. */
	count = card_worker_apps(ui->app->card, apps, DIALOG_CHOICES_MAX);
	if (count <= 0) {
		card_fail(ui, card_strerror(CARD_ENOAPP));
		return;
	}
	for (int i = 0; i < count; i++) {
		snprintf(labels[i], sizeof(labels[i]), "%s",
			 apps[i].label[0] != '\0' ? apps[i].label
						  : "Application");
		choices[i] = (struct dialog_choice){ .digit = i + 1,
						     .label = labels[i] };
	}
	dialog_choose(&ui->dialog, CARD_TITLE,
		      "The card has several applications. Which one?",
		      choices, count);
	ui->dialog.purpose = DIALOG_FOR_CARD;
	ui->card.state = CARD_INPUT_CHOOSING;
}

/* A card read by the reader ended. */
static void card_read(struct ui *ui, int status)
{
	struct card_data data;
	int rc;

	if (status == CARD_ECANCELLED) {
		ui->card.state = CARD_INPUT_IDLE;
		return;
	}
	memset(&data, 0, sizeof(data));
	rc = card_worker_take(ui->app->card, &data);
	if (rc != CARD_OK) {
		card_data_clear(&data);
		card_fail(ui, card_strerror(rc));
		return;
	}
	card_lookup(ui, &data);
}

/* The card's wallet was found: fill the field and show the holder as
 * the wallet lookup does, with the card masked. */
static int card_found(struct ui *ui, struct screen *screen)
{
	struct api_card_account account;
	struct api_wallet wallet = { 0 };
	char name[48];
	int flags = SCREEN_REDRAW;

	if (app_card_result(ui->app, &account) != 0) {
		card_fail(ui, "The card's wallet was not received");
		return SCREEN_REDRAW;
	}
	snprintf(wallet.account, sizeof(wallet.account), "%s",
		 account.account);
	snprintf(wallet.holder_name, sizeof(wallet.holder_name), "%s",
		 account.holder_name);
	snprintf(wallet.currency, sizeof(wallet.currency), "%s",
		 account.currency);
	pthread_mutex_lock(&ui->app->lock);
	ui->app->pending_wallet = wallet;
	pthread_mutex_unlock(&ui->app->lock);
	ui->lookup.state = LOOKUP_FOUND;
	snprintf(ui->lookup.account, sizeof(ui->lookup.account), "%s",
		 account.account);
	utf8_copy_prefix(account.holder_name, sizeof(ui->lookup.text) - 1,
			 ui->lookup.text);
	utf8_copy_prefix(account.holder_name, sizeof(name) - 1, name);

	if (card_dialog_open(ui))
		ui->dialog.open = false;
	ui->card.state = CARD_INPUT_IDLE;
	if (screen->on_card != NULL)
		flags |= screen->on_card(screen, ui, &account);
	snprintf(ui->notice, sizeof(ui->notice), "Card %s: %s",
		 ui->card.masked, name);
	return flags;
}

int card_input_event(struct ui *ui, struct screen *screen,
		     const struct event *event)
{
	struct card_input *card = &ui->card;
	char message[UI_MESSAGE_SIZE];

	switch (event->type) {
	case EVENT_CARD:
		if (card->state == CARD_INPUT_WAITING ||
		    card->state == CARD_INPUT_CHOOSING)
			card_read(ui, event->status);
		return SCREEN_REDRAW;
	case EVENT_CARD_APPS:
		if (card->state == CARD_INPUT_WAITING)
			card_choose(ui);
		return SCREEN_REDRAW;
	case EVENT_CARD_LOOKUP:
		if (card->state != CARD_INPUT_LOOKUP)
			return SCREEN_IGNORED;
		if (event->status == 0)
			return card_found(ui, screen);
		if (event->status == API_ESESSION)
			snprintf(message, sizeof(message),
				 "The session has expired. Log in again, then "
				 "present the card again.");
		else
			ui_event_text(event, message, sizeof(message));
		card_fail(ui, message);
		return SCREEN_REDRAW;
	default:
		return SCREEN_IGNORED;
	}
}

int card_input_tick(struct ui *ui, struct screen *screen)
{
	struct card_input *card = &ui->card;
	int64_t now = now_ms();
	int64_t quiet = now - card->last_key_ms;

	(void)screen;
	if (card->capturing &&
	    (quiet >= CARD_INPUT_PAUSE_MS ||
	     (quiet >= CARD_INPUT_SETTLE_MS &&
	      magstripe_scan(card->swipe, card->length) ==
		      MAGSTRIPE_COMPLETE))) {
		swipe_finish(ui);
		return SCREEN_REDRAW;
	}
	if (card->state != CARD_INPUT_WAITING || !card_dialog_open(ui))
		return SCREEN_IGNORED;
	if (now >= card->deadline_ms && !card->reader) {
		card_fail(ui, card_strerror(CARD_ETIMEOUT));
		return SCREEN_REDRAW;
	}
	if ((card->deadline_ms - now + 999) / 1000 == card->shown_s)
		return SCREEN_IGNORED;
	show_waiting(ui);
	return SCREEN_REDRAW;
}

int card_input_poll_ms(const struct ui *ui, int tick_ms)
{
	if (ui->card.capturing)
		return CARD_INPUT_SETTLE_MS / 3;
	if (ui->card.state == CARD_INPUT_WAITING)
		return tick_ms < 250 ? tick_ms : 250;
	return tick_ms;
}
