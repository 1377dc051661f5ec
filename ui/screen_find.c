/* The find customer screen: one field for a phone number or a wallet
 * account, looked up at Spotbanc when online, else in the terminal's
 * cache, and the profile found with its actions: edit, transfer,
 * cash-in, balance. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/customer.h"
#include "../app/log.h"
#include "../app/validate.h"
#include "country.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

/* The wide layout. */
#define FIND_LABEL_COLUMN 2
#define FIND_FIELD_COLUMN 20
#define FIND_FIELD_ROW 3
#define FIND_STATE_ROW 6
#define FIND_PROFILE_ROW 8
#define FIND_ACTION_ROW 17

/* The compact layout: the label in columns 0 to 11 and the field from
 * column 12, a hint or state row, then the message or the profile. */
#define FIND_COMPACT_FIELD_COLUMN 12
#define FIND_COMPACT_FIELD_ROW 1
#define FIND_COMPACT_STATE_ROW 2
#define FIND_COMPACT_PROFILE_ROW 3
#define FIND_COMPACT_ACTION_ROW 10

#define FIND_WALLET_MIN_DIGITS 6
#define FIND_WALLET_MAX_DIGITS 20
#define FIND_TEXT_SIZE (4 * FIELDSET_WIDTH_MAX + 1)

enum find_result {
	FIND_NONE = 0,
	FIND_CHECKING,
	FIND_FOUND,  /* the profile shows, with its actions */
	FIND_FAILED, /* message says why, found nothing included */
};

/* The field fits both layouts whole, so they share one spec. */
static const struct fieldset_spec find_specs[] = {
	{ .row = 0, .width = 20, .card = true },
};

struct find_state {
	struct fieldset fields;
	enum find_result result;
	bool online;                  /* the profile came from Spotbanc */
	struct api_customer customer; /* once found; version 0 while its
					 registration is pending here */
	enum api_customer_key by;     /* of the lookup sent */
	char value[API_PHONE_SIZE + API_ACCOUNT_SIZE];
	char message[UI_MESSAGE_SIZE];
};

static struct find_state find;

static int find_init(struct screen *screen, struct ui *ui)
{
	struct find_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, find_specs, 1);
}

static void find_destroy(struct screen *screen)
{
	struct find_state *state = screen->state;

	fieldset_free(&state->fields);
}

/* Forget the result and empty the field for a new search. */
static void find_clear(struct find_state *state)
{
	fieldset_set(&state->fields, 0, "");
	state->result = FIND_NONE;
	state->message[0] = '\0';
}

static void find_enter(struct screen *screen, struct ui *ui,
		       enum screen_id from)
{
	struct find_state *state = screen->state;

	(void)ui;
	/* Back from the edit form or the transfer form, the customer found
	 * still shows. */
	if (from == SCREEN_HOME)
		find_clear(state);
}

static void find_leave(struct screen *screen, struct ui *ui)
{
	struct find_state *state = screen->state;

	(void)ui;
	fieldset_unplace(&state->fields);
}

static void find_layout(struct screen *screen, struct ui *ui)
{
	struct find_state *state = screen->state;

	if (ui->too_small) {
		fieldset_unplace(&state->fields);
		return;
	}
	if (ui->compact)
		fieldset_place(&state->fields,
			       ui_row(ui, FIND_COMPACT_FIELD_ROW),
			       ui_column(ui, FIND_COMPACT_FIELD_COLUMN));
	else
		fieldset_place(&state->fields, ui_row(ui, FIND_FIELD_ROW),
			       ui_column(ui, FIND_FIELD_COLUMN));
}

/* Wipe the profile rows off the terminal. erase() also wipes the field's
 * window, so the field is placed again. */
static void find_wipe(struct ui *ui)
{
	erase();
	if (ui->lock == UI_LOCK_NONE)
		find_layout(&screen_find, ui);
	ui->dirty = true;
}

/* Return whether text is a wallet account: 6 to 20 digits, not starting
 * with 0 (a national phone number does). */
static bool find_is_wallet(const char *text)
{
	size_t length = strlen(text);

	return length >= FIND_WALLET_MIN_DIGITS &&
	       length <= FIND_WALLET_MAX_DIGITS && text[0] != '0' &&
	       strspn(text, "0123456789") == length;
}

/* Show a customer found in the cache, or why there is none. */
static void find_offline(struct find_state *state, struct ui *ui,
			 enum api_customer_key by, const char *value)
{
	int rc = customer_lookup_offline(ui->app->journal, by, value,
					 (int64_t)time(NULL),
					 &state->customer);

	state->online = false;
	if (rc == CUSTOMER_OK) {
		state->result = FIND_FOUND;
		return;
	}
	state->result = FIND_FAILED;
	if (rc == CUSTOMER_ENOTFOUND)
		snprintf(state->message, sizeof(state->message),
			 "No customer with %s %s in this terminal's cache "
			 "(%s)",
			 by == API_CUSTOMER_BY_WALLET ? "wallet" : "phone",
			 value,
			 ui->app->session.offline && ui->app->status.online
				 ? "offline login: log out and in to search "
				   "Spotbanc"
				 : "offline");
	else
		snprintf(state->message, sizeof(state->message),
			 "Cannot read the cache: %s", customer_strerror(rc));
}

/* After Spotbanc returned "not found": a customer whose registration is
 * journaled here and not yet accepted is found with version 0. Any other
 * cached row is out of date, because Spotbanc no longer has it. */
static void find_pending(struct find_state *state, struct ui *ui)
{
	struct api_customer pending;
	int rc = customer_lookup_offline(ui->app->journal, state->by,
					 state->value, (int64_t)time(NULL),
					 &pending);

	if (rc == CUSTOMER_OK && pending.version == 0) {
		state->customer = pending;
		state->online = false;
		state->result = FIND_FOUND;
		return;
	}
	if (rc != CUSTOMER_OK && rc != CUSTOMER_ENOTFOUND)
		log_warn("pending registrations not searched: %s",
			 customer_strerror(rc));
	state->result = FIND_FAILED;
	snprintf(state->message, sizeof(state->message),
		 "No such customer at Spotbanc: check the number");
}

static int find_start(struct find_state *state, struct ui *ui)
{
	char text[FIND_TEXT_SIZE];
	char value[API_PHONE_SIZE + API_ACCOUNT_SIZE];
	enum api_customer_key by = API_CUSTOMER_BY_WALLET;
	const struct session *session = &ui->app->session;

	state->message[0] = '\0';
	fieldset_get(&state->fields, 0, text, sizeof(text));
	if (find_is_wallet(text)) {
		snprintf(value, sizeof(value), "%s", text);
	} else {
		by = API_CUSTOMER_BY_PHONE;
		if (validate_phone(text,
				   country_code_for_currency(
					   ui->app->config.currency),
				   value, sizeof(value), state->message,
				   sizeof(state->message)) != 0) {
			state->result = FIND_FAILED;
			return SCREEN_HANDLED | SCREEN_REDRAW;
		}
	}
	state->by = by;
	snprintf(state->value, sizeof(state->value), "%s", value);
	if (session->offline || session->token[0] == '\0') {
		find_offline(state, ui, by, value);
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
	if (customer_lookup_start(ui->app, by, value, state->message,
				  sizeof(state->message)) != 0) {
		state->result = FIND_FAILED;
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
	state->result = FIND_CHECKING;
	snprintf(state->message, sizeof(state->message),
		 "Looking up %s at Spotbanc...", value);
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* Draw text over at most two rows of the compact layout from content row
 * `row`, wrapped at blanks. */
static void find_draw_wrapped(const struct ui *ui, int row, attr_t attr,
			      const char *text)
{
	draw_wrapped(stdscr, ui_row(ui, row), ui_column(ui, 0), ui->columns,
		     2, attr, text);
}

/* Draw a label and its value on a content row of either layout. */
static void find_draw_value(const struct ui *ui, int row, const char *label,
			    const char *value)
{
	int label_column = ui->compact ? 0 : FIND_LABEL_COLUMN;
	int value_column = ui->compact ? FIND_COMPACT_FIELD_COLUMN
				       : FIND_FIELD_COLUMN;

	draw_line(stdscr, ui_row(ui, row), ui_column(ui, label_column),
		  value_column - label_column, A_NORMAL, label);
	draw_line(stdscr, ui_row(ui, row), ui_column(ui, value_column),
		  ui->columns - value_column, A_BOLD, value);
}

/* Write where the profile came from into buf, and return its
 * attributes. */
static attr_t find_source(const struct find_state *state,
			  const struct ui *ui, char *buf, size_t size)
{
	long long version = (long long)state->customer.version;

	if (state->customer.version == 0) {
		snprintf(buf, size, "%s",
			 ui->compact ? "REGISTRATION PENDING"
				     : "Registration pending: journaled on "
				       "this terminal, not yet accepted");
		return theme_attr(THEME_PENDING) | A_BOLD;
	}
	if (state->online) {
		if (ui->compact)
			snprintf(buf, size, "From Spotbanc, version %lld",
				 version);
		else
			snprintf(buf, size, "Customer found, from Spotbanc");
		return theme_attr(THEME_OK) | A_BOLD;
	}
	if (ui->compact)
		snprintf(buf, size, "From cache, may be old, version %lld",
			 version);
	else
		snprintf(buf, size, "Customer found, from this terminal's "
				    "cache (may be out of date)");
	return theme_attr(THEME_PENDING) | A_BOLD;
}

static void find_draw_profile(const struct find_state *state,
			      const struct ui *ui)
{
	const struct customer_registration *p = &state->customer.profile;
	char text[2 * API_PERSON_NAME_SIZE + 2 * UI_MESSAGE_SIZE];
	size_t used = 0;
	int row = ui->compact ? FIND_COMPACT_PROFILE_ROW : FIND_PROFILE_ROW;
	attr_t attr = find_source(state, ui, text, sizeof(text));
	int i;

	if (ui->compact)
		draw_line(stdscr, ui_row(ui, FIND_COMPACT_STATE_ROW),
			  ui_column(ui, 0), ui->columns, attr, text);
	else
		draw_line(stdscr, ui_row(ui, FIND_STATE_ROW),
			  ui_column(ui, FIND_LABEL_COLUMN),
			  ui->columns - FIND_LABEL_COLUMN, attr, text);
	snprintf(text, sizeof(text), "%s %s", p->first_name, p->last_name);
	find_draw_value(ui, row++, "Name", text);
	find_draw_value(ui, row++, "Phone", p->phone);
	find_draw_value(ui, row++, ui->compact ? "Born" : "Date of birth",
			p->date_of_birth);
	snprintf(text, sizeof(text), "%s %s", p->id_type, p->id_number);
	find_draw_value(ui, row++, "ID", text);
	find_draw_value(ui, row++, "Address", p->address);
	find_draw_value(ui, row++, "E-mail",
			p->email[0] != '\0' ? p->email : "none");
	text[0] = '\0';
	for (i = 0; i < state->customer.wallet_count &&
		    i < API_CUSTOMER_WALLETS_MAX && used < sizeof(text);
	     i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "%s%s %s", i > 0 ? ", " : "",
					 state->customer.wallets[i].account,
					 state->customer.wallets[i].currency);
	find_draw_value(ui, row++, "Wallets",
			text[0] != '\0' ? text : "none yet");
	if (!ui->compact) {
		snprintf(text, sizeof(text), "%lld",
			 (long long)state->customer.version);
		find_draw_value(ui, row, "Profile version",
				state->customer.version > 0 ? text
							    : "none yet");
	}
}

/* The actions on the customer found, by digit. */
static void find_draw_actions(const struct ui *ui)
{
	int row = ui->compact ? FIND_COMPACT_ACTION_ROW : FIND_ACTION_ROW;
	int column = ui->compact ? 0 : FIND_LABEL_COLUMN;

	draw_line(stdscr, ui_row(ui, row), ui_column(ui, column),
		  ui->columns - column, A_BOLD,
		  ui->compact ? "1 Edit  2 Transfer  3 Cash-in  4 Balance"
			      : "1 Edit profile   2 Transfer to this "
				"customer   3 Cash-in   4 Balance");
	draw_line(stdscr, ui_row(ui, row + 1), ui_column(ui, column),
		  ui->columns - column, A_NORMAL,
		  ui->compact ? "Enter: refresh  Esc: new search"
			      : "Enter looks the customer up again, Esc "
				"starts a new search");
}

static void find_draw(const struct screen *screen, const struct ui *ui)
{
	const struct find_state *state = screen->state;
	attr_t attr = state->result == FIND_FAILED ? theme_attr(THEME_ERROR)
						   : A_NORMAL;

	if (ui->compact) {
		draw_line(stdscr, ui_row(ui, 0), ui_column(ui, 0),
			  ui->columns, theme_attr(THEME_TITLE),
			  "Find customer");
		draw_line(stdscr, ui_row(ui, FIND_COMPACT_FIELD_ROW),
			  ui_column(ui, 0), FIND_COMPACT_FIELD_COLUMN, A_BOLD,
			  "Number");
		if (state->result != FIND_FOUND) {
			draw_line(stdscr, ui_row(ui, FIND_COMPACT_STATE_ROW),
				  ui_column(ui, 0), ui->columns, A_DIM,
				  "A phone, or a wallet of 6-20 digits");
			find_draw_wrapped(ui, FIND_COMPACT_PROFILE_ROW, attr,
					  state->message);
		}
	} else {
		draw_line(stdscr, ui_row(ui, 1), ui_column(ui, 0),
			  ui->columns, theme_attr(THEME_TITLE),
			  "  Find customer");
		draw_line(stdscr, ui_row(ui, FIND_FIELD_ROW),
			  ui_column(ui, FIND_LABEL_COLUMN),
			  FIND_FIELD_COLUMN - FIND_LABEL_COLUMN, A_BOLD,
			  "Phone or wallet");
		draw_line(stdscr, ui_row(ui, FIND_FIELD_ROW + 1),
			  ui_column(ui, FIND_FIELD_COLUMN),
			  ui->columns - FIND_FIELD_COLUMN, A_DIM,
			  "+233... or 0... for a phone, 6-20 digits for a "
			  "wallet");
		if (state->result != FIND_FOUND)
			draw_line(stdscr, ui_row(ui, FIND_STATE_ROW),
				  ui_column(ui, FIND_LABEL_COLUMN),
				  ui->columns - FIND_LABEL_COLUMN, attr,
				  state->message);
	}
	if (state->result == FIND_FOUND) {
		find_draw_profile(state, ui);
		find_draw_actions(ui);
	}
	fieldset_show_cursor(&state->fields);
}

/* Open the edit form on the customer found. */
static int find_edit(struct find_state *state, struct ui *ui)
{
	ui->edit = true;
	ui->edit_customer = state->customer;
	return ui_switch(ui, SCREEN_CUSTOMER);
}

/* Put the customer found in ui->payee for the transfer, cash-in or
 * balance screen: by their wallet in the terminal's currency, or by
 * customer id while the registration is pending, so an operation waits
 * for it. Returns 0, or -1 with the reason on the notice line when the
 * customer has neither. */
static int find_set_payee(struct find_state *state, struct ui *ui)
{
	const struct api_customer *c = &state->customer;
	const char *currency = ui->app->config.currency;
	char name[2 * API_PERSON_NAME_SIZE + 2];
	size_t length;
	int i;

	memset(&ui->payee, 0, sizeof(ui->payee));
	for (i = 0; i < c->wallet_count && i < API_CUSTOMER_WALLETS_MAX; i++) {
		if (strcmp(c->wallets[i].currency, currency) == 0) {
			snprintf(ui->payee.account, sizeof(ui->payee.account),
				 "%s", c->wallets[i].account);
			break;
		}
	}
	if (ui->payee.account[0] == '\0' && c->version == 0)
		snprintf(ui->payee.customer_id, sizeof(ui->payee.customer_id),
			 "%s", c->profile.customer_id);
	if (ui->payee.account[0] == '\0' &&
	    ui->payee.customer_id[0] == '\0') {
		snprintf(ui->notice, sizeof(ui->notice),
			 "This customer has no %s wallet", currency);
		return -1;
	}

	/* Cut the name on a character boundary to fit the payee's. */
	snprintf(name, sizeof(name), "%s %s", c->profile.first_name,
		 c->profile.last_name);
	length = strlen(name);
	if (length >= sizeof(ui->payee.name)) {
		length = sizeof(ui->payee.name) - 1;
		while (length > 0 &&
		       ((unsigned char)name[length] & 0xc0) == 0x80)
			length--;
	}
	memcpy(ui->payee.name, name, length);
	ui->payee.name[length] = '\0';
	snprintf(ui->payee.currency, sizeof(ui->payee.currency), "%s",
		 currency);
	ui->payee.set = true;
	return 0;
}

/* Hand the customer found to the transfer form. */
static int find_pay(struct find_state *state, struct ui *ui)
{
	if (find_set_payee(state, ui) != 0)
		return SCREEN_HANDLED | SCREEN_REDRAW;
	return ui_switch(ui, SCREEN_TRANSFER);
}

/* Open a fresh cash-in form on the customer found. The form takes a
 * pending customer by customer id, and the cash-in waits for the
 * registration. */
static int find_cash_in(struct find_state *state, struct ui *ui)
{
	if (find_set_payee(state, ui) != 0)
		return SCREEN_HANDLED | SCREEN_REDRAW;
	memset(&ui->money, 0, sizeof(ui->money));
	snprintf(ui->money.type, sizeof(ui->money.type), "%s",
		 API_TYPE_CASH_IN);
	return ui_switch(ui, SCREEN_MONEY);
}

/* Open the balance and mini-statement screen on the customer's wallet.
 * A customer whose registration is pending has no wallet yet. */
static int find_balance(struct find_state *state, struct ui *ui)
{
	if (state->customer.version == 0) {
		snprintf(ui->notice, sizeof(ui->notice),
			 "No balance yet: this customer's registration is "
			 "still pending");
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
	if (find_set_payee(state, ui) != 0)
		return SCREEN_HANDLED | SCREEN_REDRAW;
	return ui_switch(ui, SCREEN_WALLET_INFO);
}

/* Keys while a customer shows: Enter looks them up again, Esc starts a
 * new search, and an editing key goes back to the field. */
static int find_on_found_action(struct find_state *state, struct ui *ui,
				enum ui_action action)
{
	switch (action) {
	case UI_ACTION_CONFIRM:
		find_wipe(ui);
		return find_start(state, ui);
	case UI_ACTION_BACK:
		find_clear(state);
		find_wipe(ui);
		return SCREEN_HANDLED | SCREEN_REDRAW;
	default:
		if (!fieldset_edit(&state->fields, action))
			return SCREEN_IGNORED;
		state->result = FIND_NONE;
		find_wipe(ui);
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
}

static int find_on_action(struct screen *screen, struct ui *ui,
			  enum ui_action action)
{
	struct find_state *state = screen->state;

	if (state->result == FIND_FOUND)
		return find_on_found_action(state, ui, action);
	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;
	switch (action) {
	case UI_ACTION_CONFIRM:
		if (state->result == FIND_CHECKING)
			return SCREEN_HANDLED;
		find_wipe(ui);
		return find_start(state, ui);
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

/* While a customer shows, 1 to 4 pick an action and any other
 * character starts a new search with it. */
static int find_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct find_state *state = screen->state;

	if (state->result == FIND_FOUND) {
		if (ch == L'1')
			return find_edit(state, ui);
		if (ch == L'2')
			return find_pay(state, ui);
		if (ch == L'3')
			return find_cash_in(state, ui);
		if (ch == L'4')
			return find_balance(state, ui);
		find_clear(state);
		find_wipe(ui);
	}
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

/* Keep the lookup waiting while the agent logs in again over the
 * screen; find_on_session then sends it again or uses the cache. */
static int find_session_expired(struct find_state *state, struct ui *ui)
{
	state->result = FIND_CHECKING;
	snprintf(state->message, sizeof(state->message),
		 "Session expired: log in again to look %s up", state->value);
	ui_session_expired(ui);
	return SCREEN_REDRAW;
}

static int find_on_session(struct screen *screen, struct ui *ui,
			   bool renewed)
{
	struct find_state *state = screen->state;

	if (renewed)
		return find_start(state, ui);
	state->result = FIND_FAILED;
	find_offline(state, ui, state->by, state->value);
	return SCREEN_REDRAW;
}

static int find_on_event(struct screen *screen, struct ui *ui,
			 const struct event *event)
{
	struct find_state *state = screen->state;

	if (event->type != EVENT_LOOKUP || state->result != FIND_CHECKING ||
	    !ui_event_is_for(event, CUSTOMER_LOOKUP_EVENT_ID))
		return SCREEN_IGNORED;
	find_wipe(ui);
	state->message[0] = '\0';
	if (event->status == API_OK &&
	    customer_lookup_take(&state->customer) == CUSTOMER_OK) {
		state->result = FIND_FOUND;
		state->online = true;
		if (customer_cache_put(ui->app->journal, &state->customer,
				       (int64_t)time(NULL)) != CUSTOMER_OK)
			log_warn("found customer not cached");
		return SCREEN_REDRAW;
	}
	state->result = FIND_FAILED;
	if (event->status == API_ENOTFOUND)
		find_pending(state, ui);
	else if (event->status == API_ESESSION)
		return find_session_expired(state, ui);
	else
		/* Spotbanc cannot be reached: the cache may know. */
		find_offline(state, ui, state->by, state->value);
	return SCREEN_REDRAW;
}

/* The fieldset with the card field, for a card number typed by hand. */
static struct fieldset *find_card_fields(struct screen *screen)
{
	struct find_state *state = screen->state;

	return &state->fields;
}

static bool find_takes_card(const struct screen *screen,
			    const struct ui *ui)
{
	const struct find_state *state = screen->state;

	(void)ui;
	return state->result != FIND_CHECKING &&
	       fieldset_takes_card(&state->fields);
}

/* Look up the customer of the card's wallet, as if its account had been
 * typed. */
static int find_on_card(struct screen *screen, struct ui *ui,
			const struct api_card_account *account)
{
	struct find_state *state = screen->state;

	find_clear(state);
	fieldset_set(&state->fields, 0, account->account);
	find_wipe(ui);
	return find_start(state, ui);
}

struct screen screen_find = {
	.name = "find",
	.cursor = true,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC | UI_HELP_QUIT,
	.confirm_word = "Look up",
	.init = find_init,
	.enter = find_enter,
	.leave = find_leave,
	.layout = find_layout,
	.draw = find_draw,
	.on_action = find_on_action,
	.on_text = find_on_text,
	.on_event = find_on_event,
	.on_session = find_on_session,
	.takes_card = find_takes_card,
	.card_fields = find_card_fields,
	.on_card = find_on_card,
	.destroy = find_destroy,
	.state = &find,
};
