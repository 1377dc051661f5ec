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

/* Open the card dialog and ask the card worker for a card. Without a
 * reader the dialog still takes a keyboard-wedge swipe. Offline it tells
 * the agent at once that the lookup needs the link. */
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

/* Characters up to U+00FF that may start a swipe, and those that may
 * follow a start sentinel (a track's format code or a PAN digit), in the
 * US keyboard layout or one that magstripe_scan knows. Built from
 * magstripe_scan on first use, because the characters depend on the
 * layouts it knows and on the locale's encoding. */
static struct {
	bool ready;
	bool start[0x100];
	bool digit[0x100];
} track_chars;

/* Whether c is tried as a character of a track: printable, not a
 * space, and at most U+00FF, which covers the layouts known. */
static bool is_candidate(wchar_t c)
{
	return c > 0x20 && c <= 0xff && (c < 0x7f || c > 0xa0);
}

/* Whether first followed by second may start a swipe. */
static bool scan_pair(wchar_t first, wchar_t second)
{
	char text[2 * MB_LEN_MAX];
	size_t n = key_bytes((wint_t)first, text);
	size_t m = n > 0 ? key_bytes((wint_t)second, text + n) : 0;
	bool found;

	found = m > 0 && magstripe_scan(text, n + m) != MAGSTRIPE_NOT_SWIPE;
	explicit_bzero(text, sizeof(text));
	return found;
}

/* Whether first may start a swipe, alone (a US start sentinel) or with
 * the character after it ('5' then 'B' on French). */
static bool scan_start(wchar_t first)
{
	char text[MB_LEN_MAX];
	size_t n = key_bytes((wint_t)first, text);

	if (n > 0 && magstripe_scan(text, n) != MAGSTRIPE_NOT_SWIPE)
		return true;
	for (wchar_t next = 0x21; next <= 0xff; next++) {
		if (is_candidate(next) && scan_pair(first, next))
			return true;
	}
	return false;
}

static void track_chars_build(void)
{
	for (wchar_t c = 0; c <= 0xff; c++)
		track_chars.start[c] = is_candidate(c) && scan_start(c);
	for (wchar_t first = 0; first <= 0xff; first++) {
		if (!track_chars.start[first])
			continue;
		for (wchar_t next = 0; next <= 0xff; next++) {
			if (is_candidate(next) && scan_pair(first, next))
				track_chars.digit[next] = true;
		}
	}
	track_chars.ready = true;
}

/* Whether a typed key may start a swipe. Keys above U+00FF are checked
 * alone, as no known layout makes a start sentinel of them. */
static bool may_start_swipe(wint_t key)
{
	char text[MB_LEN_MAX];
	size_t n;

	if (!track_chars.ready)
		track_chars_build();
	if (key <= 0xff)
		return track_chars.start[key];
	n = key_bytes(key, text);
	return n > 0 && magstripe_scan(text, n) != MAGSTRIPE_NOT_SWIPE;
}

/* Count the characters at the start of the held text that may be the
 * start of a track, up to CARD_INPUT_BURST_MIN: after the first, a
 * format code or PAN digits in some known layout. Returns -1 when one
 * of them cannot be, as in "Nyamékyé", which starts with the French
 * forms of ';' and '2'. */
static int track_prefix(const struct card_input *card)
{
	mbstate_t state;
	size_t used = 0;
	int count = 0;

	memset(&state, 0, sizeof(state));
	while (used < card->length && count < CARD_INPUT_BURST_MIN) {
		wchar_t ch;
		size_t n = mbrtowc(&ch, card->swipe + used,
				   card->length - used, &state);

		if (n == 0 || n > card->length - used)
			return -1;
		if (count > 0 && (ch > 0xff || !track_chars.digit[ch]))
			return -1;
		used += n;
		count++;
	}
	return count;
}

/* Whether the held text is a swipe rather than keys a person typed: it
 * ends a track, or more keys that may be a track came in one burst than
 * a person types. */
static bool swipe_like(const struct card_input *card)
{
	if (magstripe_scan(card->swipe, card->length) == MAGSTRIPE_COMPLETE)
		return true;
	return track_prefix(card) == CARD_INPUT_BURST_MIN;
}

/* Give held keys that turned out not to be a swipe to the UI as the keys
 * they were typed as, in order. */
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

/* Handle held keys that are a swipe, and drop the rest of its burst. */
static void swipe_end(struct ui *ui)
{
	if (ui->card.to_card)
		swipe_finish(ui);
	else
		swipe_drop(ui);
	ui->card.draining = true;
}

/* A key that came while the rest of a handled swipe may still be coming.
 * Returns true when it belongs to that swipe and is dropped. */
static bool drain_key(struct ui *ui, int rc, wint_t key,
		      enum ui_action action)
{
	struct card_input *card = &ui->card;
	int64_t gap = now_ms() - card->last_key_ms;

	if ((is_typed(rc, key, action) && gap < CARD_INPUT_KEY_GAP_MS) ||
	    (is_line_end(action) && gap < CARD_INPUT_SETTLE_MS)) {
		card->last_key_ms = now_ms();
		return true;
	}
	card->draining = false;
	return false;
}

/* Add a typed key that came within the burst to the held keys. */
static void capture_add(struct ui *ui, wint_t key)
{
	struct card_input *card = &ui->card;
	char bytes[MB_LEN_MAX];
	size_t n = key_bytes(key, bytes);
	enum magstripe_scan scan;

	if (n == 0 || !swipe_append(card, bytes, n)) {
		/* Too long for a swipe that came this fast: a garbled one. */
		explicit_bzero(bytes, sizeof(bytes));
		swipe_end(ui);
		return;
	}
	explicit_bzero(bytes, sizeof(bytes));
	scan = magstripe_scan(card->swipe, card->length);
	if (scan == MAGSTRIPE_NOT_SWIPE ||
	    (scan == MAGSTRIPE_PARTIAL && track_prefix(card) < 0)) {
		swipe_release(ui);
		return;
	}
	if (swipe_like(card))
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
	int64_t now = now_ms();
	int64_t gap = now - card->last_key_ms;

	/* The reader's line end after a track. */
	if (is_line_end(action) && gap < CARD_INPUT_SETTLE_MS &&
	    magstripe_scan(card->swipe, card->length) == MAGSTRIPE_COMPLETE) {
		card->last_key_ms = now;
		if (!swipe_append(card, "\n", 1))
			swipe_end(ui);
		return true;
	}
	if (is_typed(rc, key, action) && gap < CARD_INPUT_KEY_GAP_MS) {
		card->last_key_ms = now;
		capture_add(ui, key);
		return true;
	}

	/* A pause, or a key no reader sends in a track. */
	if (!swipe_like(card)) {
		swipe_release(ui);
		return false;
	}
	if (action == UI_ACTION_BACK) {
		swipe_wipe(ui);
		snprintf(ui->notice, sizeof(ui->notice), "Swipe ignored");
		return true;
	}
	swipe_end(ui);
	if (is_line_end(action) && gap < CARD_INPUT_KEY_GAP_MS) {
		/* It closes a garbled swipe with no end sentinel. */
		card->last_key_ms = now;
		return true;
	}
	return false;
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

/* Hold a typed key back when it may start a swipe. Returns whether it
 * did. */
static bool capture_start(struct ui *ui, wint_t key)
{
	struct card_input *card = &ui->card;
	char bytes[MB_LEN_MAX];
	size_t n = key_bytes(key, bytes);
	bool start = n > 0 && may_start_swipe(key);

	if (start) {
		card->length = 0;
		swipe_append(card, bytes, n);
		card->capturing = true;
		card->to_card = swipe_to_card(ui);
		card->last_key_ms = now_ms();
	}
	explicit_bzero(bytes, sizeof(bytes));
	return start;
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
	if (card->draining && drain_key(ui, rc, key, action))
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

/* Whether text from start is 12 to 19 digits followed by separator. */
static bool digits_then(const char *start, char separator)
{
	size_t count = 0;

	while (count < 20 && start[count] >= '0' && start[count] <= '9')
		count++;
	return count >= 12 && count <= 19 && start[count] == separator;
}

bool card_input_has_track_data(const char *text)
{
	for (const char *at = text; *at != '\0'; at++) {
		if (at[0] == '%' && at[1] == 'B' && digits_then(at + 2, '^'))
			return true;
		if (at[0] == ';' && digits_then(at + 1, '='))
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
	if (card->capturing && !swipe_like(card) &&
	    quiet >= CARD_INPUT_KEY_GAP_MS) {
		swipe_release(ui);
		return SCREEN_REDRAW;
	}
	if (card->capturing && swipe_like(card) &&
	    quiet >= CARD_INPUT_SETTLE_MS) {
		swipe_end(ui);
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
		return CARD_INPUT_KEY_GAP_MS / 2;
	if (ui->card.state == CARD_INPUT_WAITING)
		return tick_ms < 250 ? tick_ms : 250;
	return tick_ms;
}
