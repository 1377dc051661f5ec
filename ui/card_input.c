/* Card input: the card dialog with its countdown, keyboard-wedge swipes
 * held back from every screen and read only in card and account fields,
 * and the card lookup that fills the field with the card's wallet. The
 * full card number lives only in a struct card_data on the stack, wiped
 * once app_card_lookup has copied it, and in the swipe buffer, wiped
 * after parsing. */
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
#include "fieldset.h"
#include "screen.h"
#include "swipe_guard.h"

#define CARD_TITLE "Card"
#define CARD_READING_TEXT "Reading swipe..."
#define CARD_NO_READER_TEXT \
	"No card reader is connected: swipe the card on a keyboard reader."
#define CARD_BUSY_TEXT \
	"A card lookup is still running: wait for its result."
#define CARD_NOT_LINKED_TEXT                                         \
	"Type the customer's wallet account number, or register the " \
	"card at the bank."

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
		 "Insert, tap or swipe the card.\n%s%s%lld s left.",
		 card->reader ? "" : CARD_NO_READER_TEXT,
		 card->reader ? "" : "\n", (long long)left);
	dialog_wait(&ui->dialog, CARD_TITLE, text);
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

/* The card wait from [card] timeout, in seconds. */
static int card_wait_seconds(const struct ui *ui)
{
	int seconds = ui->app->config.card_timeout;

	return seconds > 0 ? seconds : CARD_WORKER_WAIT_SECONDS;
}

/* Whether the central service cannot be asked now: logged in offline, or
 * the link is down. */
static bool card_offline(const struct ui *ui)
{
	return ui->app->session.offline || !ui->app->status.online;
}

/* Open the card dialog and request a card from the card worker. Without a
 * reader the dialog still takes a keyboard-wedge swipe. Offline it shows
 * at once that the lookup needs the link. */
static void card_open(struct ui *ui)
{
	struct card_input *card = &ui->card;
	int seconds = card_wait_seconds(ui);
	int rc = CARD_ENOREADER;

	if (card_offline(ui)) {
		card_fail(ui, APP_CARD_NEEDS_LINK);
		return;
	}
	if (ui->app->card != NULL)
		rc = card_worker_request(ui->app->card, seconds);
	if (rc != 0 && rc != CARD_ENOREADER) {
		card_fail(ui, card_strerror(rc));
		return;
	}
	card->reader = rc == 0;
	card->state = CARD_INPUT_WAITING;
	card->deadline_ms = now_ms() + (int64_t)seconds * 1000;
	show_waiting(ui);
}

/* Send the card's number to the central service and wipe *data. */
static void card_lookup(struct ui *ui, struct card_data *data)
{
	struct card_input *card = &ui->card;
	char message[UI_MESSAGE_SIZE];
	char text[DIALOG_TEXT_SIZE];

	card_mask_pan(data->pan, card->masked, sizeof(card->masked));
	if (card_offline(ui)) {
		card_data_clear(data);
		card_fail(ui, APP_CARD_NEEDS_LINK);
		return;
	}
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

/* Parse the held swipe into *data, writing why it failed into message.
 * A swipe in a layout that the parser does not know is not parsed,
 * because its separators cannot be told from its data. Returns a card
 * error code. */
static int swipe_parse(const struct card_input *card,
		       enum swipe_guard_class class, struct card_data *data,
		       char *message, size_t size)
{
	char layout[32];
	int rc;

	memset(data, 0, sizeof(*data));
	if (class == SWIPE_GUARD_FOREIGN) {
		snprintf(message, size, "%s", CARD_INPUT_FOREIGN_TEXT);
		return CARD_ELAYOUT;
	}
	rc = magstripe_parse(card->swipe, card->length, data);
	if (rc == CARD_ELAYOUT &&
	    magstripe_layout_hint(card->swipe, card->length, layout,
				  sizeof(layout)))
		snprintf(message, size,
			 "The swipe was typed in a %s keyboard layout. Set "
			 "the reader or the terminal keyboard to US.",
			 layout);
	else
		snprintf(message, size, "%s", card_strerror(rc));
	return rc;
}

/* Parse the captured swipe and look its card up, or tell the agent why
 * not. */
static void swipe_finish(struct ui *ui, enum swipe_guard_class class)
{
	struct card_input *card = &ui->card;
	struct card_data data;
	char message[UI_MESSAGE_SIZE];
	int rc;

	rc = swipe_parse(card, class, &data, message, sizeof(message));
	swipe_wipe(ui);

	/* The swipe ends the card dialog's wait for a reader. */
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

/* Whether a key is a character typed, not a bound key. */
static bool is_typed(int rc, wint_t key, enum ui_action action)
{
	return action == UI_ACTION_NONE && rc == OK && iswprint(key);
}

/* Whether a key is a line end that a reader sends after a track: Enter,
 * or Tab on readers set up for it. */
static bool is_line_end(enum ui_action action)
{
	return action == UI_ACTION_CONFIRM || action == UI_ACTION_NEXT;
}


/* A key that came while the tail of a handled swipe may still be coming.
 * Returns true when it is part of that tail and is dropped: a track
 * character or a line end within SWIPE_GUARD_WAIT_MS of the key before,
 * up to a line end after an end sentinel. */
static bool tail_key(struct ui *ui, int rc, wint_t key,
		     enum ui_action action)
{
	struct card_input *card = &ui->card;
	int64_t now = now_ms();

	if (now - card->last_key_ms >= SWIPE_GUARD_WAIT_MS) {
		card->draining = false;
		return false;
	}
	if (is_line_end(action)) {
		card->last_key_ms = now;
		if (card->tail_end)
			card->draining = false;
		return true;
	}
	if (is_typed(rc, key, action) && swipe_guard_track_char(key)) {
		card->last_key_ms = now;
		/* Only an end sentinel, in whatever layout, comes before a
		 * reader's line end. */
		card->tail_end = !iswalnum(key) && key != L' ';
		return true;
	}
	card->draining = false;
	return false;
}


/* Give held keys that turned out not to be a swipe to the UI as the keys
 * they were typed as, in order: a held line end goes as Enter or Tab. */
static void swipe_release(struct ui *ui)
{
	char text[MAGSTRIPE_MAX + 1];
	size_t length = ui->card.length;
	size_t used = 0;
	mbstate_t state;

	memcpy(text, ui->card.swipe, length);
	swipe_wipe(ui);
	memset(&state, 0, sizeof(state));
	while (used < length) {
		wchar_t ch;
		size_t n = mbrtowc(&ch, text + used, length - used, &state);

		if (n == 0 || n > length - used)
			break;
		ui_deliver_key(ui, OK, (wint_t)ch);
		used += n;
	}
	explicit_bzero(text, sizeof(text));
}

/* Wipe a swipe that came outside a card field and tell the agent. */
static void swipe_drop(struct ui *ui)
{
	bool busy = ui->card.state == CARD_INPUT_LOOKUP;

	swipe_wipe(ui);
	log_info("card swipe outside a card field dropped");
	snprintf(ui->notice, sizeof(ui->notice), "%s",
		 busy ? CARD_BUSY_TEXT : CARD_INPUT_IGNORED_TEXT);
}

/* Whether the held swipe ends as a reader ends one: an end sentinel, in
 * whatever layout, then a line end. */
static bool swipe_ended(const struct card_input *card)
{
	char last;

	if (card->length < 2)
		return false;
	last = card->swipe[card->length - 2];
	if (card->swipe[card->length - 1] != '\n' &&
	    card->swipe[card->length - 1] != '\t')
		return false;
	return last != ' ' && !(last >= '0' && last <= '9') &&
	       !(last >= 'A' && last <= 'Z') && !(last >= 'a' && last <= 'z');
}

/* Handle held keys that are a swipe. Unless the swipe ended as a reader
 * ends one, drop its tail: the track keys and line ends that follow
 * within SWIPE_GUARD_WAIT_MS. */
static void swipe_end(struct ui *ui, enum swipe_guard_class class)
{
	bool ended = swipe_ended(&ui->card);

	if (ui->card.to_card)
		swipe_finish(ui, class);
	else
		swipe_drop(ui);
	ui->card.draining = !ended;
	ui->card.tail_end = false;
	ui->card.last_key_ms = now_ms();
}

/* Decide what the held keys are, final when no more keys may join them.
 * A possible swipe start that is not final stays held. */
static void capture_resolve(struct ui *ui, bool final)
{
	struct card_input *card = &ui->card;
	enum swipe_guard_class class;

	class = swipe_guard_classify(card->swipe, card->length, final);
	if (class == SWIPE_GUARD_TYPING)
		swipe_release(ui);
	else if (class != SWIPE_GUARD_PARTIAL)
		swipe_end(ui, class);
}

/* Hold one more key of the burst, ch being its character or '\n' or
 * '\t' for a line end. */
static void capture_add(struct ui *ui, wint_t ch)
{
	struct card_input *card = &ui->card;
	char bytes[MB_LEN_MAX];
	size_t n = key_bytes(ch, bytes);
	bool added = n > 0 && swipe_append(card, bytes, n);

	explicit_bzero(bytes, sizeof(bytes));
	card->last_key_ms = now_ms();
	if (!added) {
		/* Too long for the buffer: judge what came, and the tail
		 * drop takes the rest of a swipe. */
		capture_resolve(ui, true);
		return;
	}
	if (swipe_guard_classify(card->swipe, card->length, false) !=
	    SWIPE_GUARD_TYPING)
		snprintf(ui->notice, sizeof(ui->notice), "%s",
			 CARD_READING_TEXT);
}

/* Handle a key that came while keys are held. Returns true when the
 * capture took it. Returns false when the capture ended, because the
 * held keys were released or handled as a swipe, so the key is to be
 * handled as any other. */
static bool capture_key(struct ui *ui, int rc, wint_t key,
			enum ui_action action)
{
	struct card_input *card = &ui->card;
	int64_t gap = now_ms() - card->last_key_ms;
	enum swipe_guard_class class;
	bool joins;

	class = swipe_guard_classify(card->swipe, card->length, false);
	joins = gap < SWIPE_GUARD_KEY_GAP_MS ||
		(class == SWIPE_GUARD_PARTIAL && gap < SWIPE_GUARD_WAIT_MS);
	if (joins && is_typed(rc, key, action)) {
		capture_add(ui, key);
		return true;
	}

	/* A reader's line end inside a swipe; after typing it is the
	 * agent's own Enter or Tab. */
	if (joins && is_line_end(action) && class != SWIPE_GUARD_TYPING) {
		capture_add(ui, action == UI_ACTION_CONFIRM ? L'\n' : L'\t');
		return true;
	}

	/* A key no reader sends, or one after the burst. */
	capture_resolve(ui, true);
	return card->draining && tail_key(ui, rc, key, action);
}

/* Whether a swipe held now goes to the card path: in a card field with
 * no dialog, or in the card dialog while it waits. */
static bool swipe_to_card(struct ui *ui)
{
	struct screen *screen = ui_active_screen(ui);

	if (card_dialog_open(ui))
		return ui->card.state == CARD_INPUT_WAITING;
	return !ui->dialog.open && ui->card.state != CARD_INPUT_LOOKUP &&
	       card_input_takes_card(screen, ui);
}

/* Hold a typed key back as the first of a burst. Returns whether it did:
 * a key with no UTF-8 form goes to the UI at once. */
static bool capture_start(struct ui *ui, wint_t key)
{
	struct card_input *card = &ui->card;
	char bytes[MB_LEN_MAX];
	size_t n = key_bytes(key, bytes);

	if (n > 0) {
		card->length = 0;
		swipe_append(card, bytes, n);
		card->capturing = true;
		card->to_card = swipe_to_card(ui);
		card->last_key_ms = now_ms();
	}
	explicit_bzero(bytes, sizeof(bytes));
	return n > 0;
}


/* Look a card number typed by hand into the card field up as a card,
 * blanking the field, so that it never goes to the wallet lookup's URL.
 * Returns whether the field held one. */
static bool typed_card(struct ui *ui)
{
	struct screen *screen = ui_active_screen(ui);
	struct fieldset *fields;
	struct card_data data;
	char text[2 * CARD_PAN_SIZE];
	bool card_number;
	int index;

	if (ui->dialog.open || screen->card_fields == NULL ||
	    !card_input_takes_card(screen, ui))
		return false;
	fields = screen->card_fields(screen);
	if (fields == NULL)
		return false;
	index = fieldset_current(fields);
	fieldset_get(fields, index, text, sizeof(text));
	card_number = card_pan_typed(text);
	memset(&data, 0, sizeof(data));
	if (card_number)
		snprintf(data.pan, sizeof(data.pan), "%.19s", text);
	explicit_bzero(text, sizeof(text));
	if (!card_number)
		return false;
	fieldset_wipe(fields, index);
	data.source = CARD_SOURCE_STRIPE;
	card_lookup(ui, &data);
	return true;
}


bool card_input_key(struct ui *ui, int rc, wint_t key,
		    enum ui_action action, int *flags)
{
	struct card_input *card = &ui->card;

	*flags = SCREEN_IGNORED;
	if (card->draining && tail_key(ui, rc, key, action))
		return true;
	if (card->capturing && capture_key(ui, rc, key, action)) {
		*flags = SCREEN_REDRAW;
		return true;
	}
	if (action == UI_ACTION_CARD) {
		if (ui->dialog.open ||
		    !card_input_takes_card(ui_active_screen(ui), ui))
			return false;
		ui->notice[0] = '\0';
		card_open(ui);
		*flags = SCREEN_HANDLED;
		return true;
	}
	if (is_typed(rc, key, action))
		return capture_start(ui, key);
	if ((is_line_end(action) || action == UI_ACTION_PREV) &&
	    typed_card(ui)) {
		*flags = SCREEN_HANDLED;
		return true;
	}
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

/* A card read by the reader ended. The worker's result is taken and
 * wiped even when no dialog waits for it any more (the agent pressed Esc
 * as the read finished), so no card number stays in the worker. */
static void card_read(struct ui *ui, int status)
{
	struct card_data data;
	bool waiting = ui->card.state == CARD_INPUT_WAITING ||
		       ui->card.state == CARD_INPUT_CHOOSING;
	int rc = status;

	memset(&data, 0, sizeof(data));
	if (ui->app->card != NULL)
		rc = card_worker_take(ui->app->card, &data);
	if (!waiting) {
		card_data_clear(&data);
		return;
	}
	if (status == CARD_ECANCELLED) {
		card_data_clear(&data);
		ui->card.state = CARD_INPUT_IDLE;
		return;
	}
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

/* Write why the card lookup of event failed and what to do next. */
static void card_lookup_failed(const struct ui *ui, const struct event *event,
			       char *message, size_t size)
{
	char text[UI_MESSAGE_SIZE];

	(void)ui;
	ui_event_text(event, text, sizeof(text));
	switch (event->status) {
	case API_ESESSION:
		snprintf(message, size,
			 "The session has expired. Log in again, then "
			 "present the card again.");
		break;
	case API_EUNREACHABLE:
	case API_ETIMEOUT:
		snprintf(message, size, "%.100s. %s", text,
			 APP_CARD_NEEDS_LINK);
		break;
	case API_ENOTFOUND:
		snprintf(message, size, "%.100s %s", text,
			 CARD_NOT_LINKED_TEXT);
		break;
	default:
		snprintf(message, size, "%s", text);
		break;
	}
}

int card_input_event(struct ui *ui, struct screen *screen,
		     const struct event *event)
{
	struct card_input *card = &ui->card;
	char message[UI_MESSAGE_SIZE];

	switch (event->type) {
	case EVENT_CARD:
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
		card_lookup_failed(ui, event, message, sizeof(message));
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
	if (card->draining && quiet >= SWIPE_GUARD_WAIT_MS)
		card->draining = false;
	if (card->capturing && quiet >= SWIPE_GUARD_KEY_GAP_MS) {
		capture_resolve(ui, quiet >= SWIPE_GUARD_WAIT_MS);
		if (!card->capturing)
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
		return SWIPE_GUARD_KEY_GAP_MS / 2;
	if (ui->card.state == CARD_INPUT_WAITING)
		return tick_ms < 250 ? tick_ms : 250;
	return tick_ms;
}
