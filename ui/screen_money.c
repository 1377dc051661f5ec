/* The money form: cash-in, cash-out, bank transfer or reversal, as
 * ui->money.type names, with the fields of that type's table. It hands
 * the prepared operation to SCREEN_MONEY_CONFIRM. The checks and requests
 * before the confirmation (wallet lookup, cash-out code, name enquiry)
 * are in ui/money_check.c, and its view (layout, help line, bank list and
 * drawing) in ui/money_draw.c. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "money_check.h"

/* The types with a form here, one fieldset each. */
static const char *const money_types[] = {
	API_TYPE_CASH_IN,
	API_TYPE_CASH_OUT,
	API_TYPE_BANK_TRANSFER,
	API_TYPE_REVERSAL,
};

_Static_assert(sizeof(money_types) / sizeof(money_types[0]) ==
		       MONEY_TYPE_COUNT,
	       "MONEY_TYPE_COUNT must count the types of money_types");

static struct money_state money;

static int money_init(struct screen *screen, struct ui *ui)
{
	struct money_state *state = screen->state;
	size_t i;

	(void)ui;
	for (i = 0; i < MONEY_TYPE_COUNT; i++) {
		const struct money_form *form = money_form_find(money_types[i]);

		if (form == NULL)
			return -1;
		if (fieldset_init(&state->sets[i], form->wide,
				  form->count) != 0)
			return -1;
		state->ready[i] = true;
	}
	state->kind = 0;
	state->form = money_form_find(money_types[0]);
	state->fields = &state->sets[0];
	return 0;
}

static void money_destroy(struct screen *screen)
{
	struct money_state *state = screen->state;
	size_t i;

	money_banks_close(&state->list);
	for (i = 0; i < MONEY_TYPE_COUNT; i++) {
		if (state->ready[i])
			fieldset_free(&state->sets[i]);
	}
}

/* --- Field text ------------------------------------------------------ */

bool money_is(const struct money_state *state, const char *type)
{
	return strcmp(state->form->type, type) == 0;
}

/* Read every field into state->texts, by field kind. */
void money_read(struct money_state *state)
{
	int i;

	memset(state->texts, 0, sizeof(state->texts));
	for (i = 0; i < state->form->count; i++)
		fieldset_get(state->fields, i,
			     state->texts[state->form->fields[i]],
			     sizeof(state->texts[0]));
}

enum money_field money_current(const struct money_state *state)
{
	return state->form->fields[fieldset_current(state->fields)];
}

void money_set_text(struct money_state *state, enum money_field field,
		    const char *text)
{
	int index = money_form_index(state->form, field);

	if (index != MONEY_FIELD_NONE)
		fieldset_set(state->fields, index, text);
}

/* Put message under field, or on the form's row when the form has no
 * such field. */
void money_field_message(struct money_state *state, int field,
			 const char *message)
{
	int index = field == MONEY_FIELD_NONE
			    ? MONEY_FIELD_NONE
			    : money_form_index(state->form, field);

	if (index == MONEY_FIELD_NONE) {
		snprintf(state->message, sizeof(state->message), "%s",
			 message);
		return;
	}
	snprintf(state->messages[index], sizeof(state->messages[0]), "%s",
		 message);
}

/* Upper-case the currency field in place, so "ghs" is accepted. */
static void money_upcase_currency(struct money_state *state)
{
	char code[MONEY_TEXT_SIZE];
	size_t i;

	if (money_form_index(state->form, MONEY_FIELD_CURRENCY) < 0)
		return;
	money_read(state);
	snprintf(code, sizeof(code), "%s",
		 state->texts[MONEY_FIELD_CURRENCY]);
	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] >= 'a' && code[i] <= 'z')
			code[i] = (char)(code[i] - 'a' + 'A');
	}
	if (strcmp(code, state->texts[MONEY_FIELD_CURRENCY]) != 0)
		money_set_text(state, MONEY_FIELD_CURRENCY, code);
}

/* Whether the wallet field is used: always, except in a bank transfer
 * paid in cash. */
bool money_wallet_used(const struct money_state *state)
{
	if (!money_is(state, API_TYPE_BANK_TRANSFER))
		return true;
	return money_form_wallet_funded(state->texts[MONEY_FIELD_FUNDING]);
}

/* Look the bank field's code up in the cached list for its name and
 * currency. */
void money_update_bank_name(struct money_state *state, struct ui *ui)
{
	struct refdata_bank bank;

	state->bank_name[0] = '\0';
	state->bank_currency[0] = '\0';
	if (state->texts[MONEY_FIELD_BANK][0] == '\0' ||
	    refdata_bank_find(ui->app->journal, state->texts[MONEY_FIELD_BANK],
			      &bank) != REFDATA_OK)
		return;
	snprintf(state->bank_name, sizeof(state->bank_name), "%s", bank.name);
	snprintf(state->bank_currency, sizeof(state->bank_currency), "%s",
		 bank.currency);
}

void money_bank_changed(struct money_state *state, struct ui *ui)
{
	static const enum money_field fields[] = {
		MONEY_FIELD_ACCOUNT, MONEY_FIELD_AMOUNT, MONEY_FIELD_WALLET,
	};
	int wallet;
	size_t i;

	money_update_bank_name(state, ui);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		int index = money_form_index(state->form, fields[i]);

		if (index == MONEY_FIELD_NONE ||
		    state->texts[fields[i]][0] == '\0')
			continue;
		if (fields[i] == MONEY_FIELD_WALLET &&
		    !money_wallet_used(state))
			continue;
		money_form_check(ui->app->journal, fields[i], state->texts,
				 state->messages[index],
				 sizeof(state->messages[index]));
	}
	wallet = money_form_index(state->form, MONEY_FIELD_WALLET);
	if (wallet != MONEY_FIELD_NONE && state->messages[wallet][0] == '\0')
		money_check_wallet_currency(state, ui);
}

/* --- Entering and leaving ------------------------------------------- */

/* Take a receiver picked on the find or registration screen into the
 * cash-in's wallet field, or as a pending customer without a wallet. */
static void money_take_payee(struct money_state *state, struct ui *ui)
{
	if (ui->payee.account[0] != '\0') {
		money_set_text(state, MONEY_FIELD_WALLET, ui->payee.account);
	} else if (ui->payee.customer_id[0] != '\0') {
		state->pending = true;
		snprintf(state->customer_id, sizeof(state->customer_id), "%s",
			 ui->payee.customer_id);
		snprintf(state->customer_name, sizeof(state->customer_name),
			 "%s", ui->payee.name);
	}
	if (currency_find(ui->payee.currency) != NULL) {
		money_set_text(state, MONEY_FIELD_CURRENCY,
			       ui->payee.currency);
		snprintf(state->currency_set, sizeof(state->currency_set),
			 "%s", ui->payee.currency);
	}
	memset(&ui->payee, 0, sizeof(ui->payee));
}

/* Blank the cash-out code and formw's copies of it. */
static void money_wipe_code(struct money_state *state)
{
	int index = money_form_index(state->form, MONEY_FIELD_CODE);

	if (index != MONEY_FIELD_NONE)
		fieldset_wipe(state->fields, index);
	memset(state->texts[MONEY_FIELD_CODE], 0,
	       sizeof(state->texts[MONEY_FIELD_CODE]));
}

/* Start a fresh form of the state's type. */
static void money_clear(struct money_state *state, struct ui *ui)
{
	int i;

	for (i = 0; i < state->form->count; i++)
		fieldset_set(state->fields, i, "");
	money_wipe_code(state);
	money_set_text(state, MONEY_FIELD_CURRENCY, ui->app->config.currency);
	snprintf(state->currency_set, sizeof(state->currency_set), "%s",
		 ui->app->config.currency);
	money_set_text(state, MONEY_FIELD_FUNDING, MONEY_FUNDING_CASH);
	memset(state->messages, 0, sizeof(state->messages));
	state->message[0] = '\0';
	state->bank_name[0] = '\0';
	memset(&state->enquiry, 0, sizeof(state->enquiry));
	memset(&state->code, 0, sizeof(state->code));
	state->deferred = false;
	state->awaiting_lookup = false;
	state->new_code = false;
	state->bank_currency[0] = '\0';
	state->pending = false;
	fieldset_focus(state->fields, 0);
	if (money_is(state, API_TYPE_CASH_IN) && ui->payee.set)
		money_take_payee(state, ui);
}

/* Pick the form of ui->money.type. Returns -1 when it has none. */
static int money_pick_form(struct money_state *state, const char *type)
{
	size_t i;

	for (i = 0; i < MONEY_TYPE_COUNT; i++) {
		if (strcmp(money_types[i], type) != 0)
			continue;
		state->kind = (int)i;
		state->form = money_form_find(type);
		state->fields = &state->sets[i];
		return 0;
	}
	return -1;
}

static void money_enter(struct screen *screen, struct ui *ui,
			enum screen_id from)
{
	struct money_state *state = screen->state;
	const char *type = ui->money.type;

	money_banks_close(&state->list);
	if (money_pick_form(state, type) != 0) {
		log_error("no money form for operation type \"%s\"", type);
		money_pick_form(state, API_TYPE_CASH_IN);
		snprintf(ui->money.type, sizeof(ui->money.type), "%s",
			 API_TYPE_CASH_IN);
	}
	/* Back from the confirmation, the agent edits what was typed. */
	if (from != SCREEN_MONEY_CONFIRM)
		money_clear(state, ui);
	state->message[0] = '\0';
	if (money_is(state, API_TYPE_REVERSAL))
		money_load_original(state, ui);
	money_read(state);
	/* Say at once when the operation needs a link the terminal lacks,
	 * before the agent fills the form in for nothing. */
	money_check_link(ui->app->journal, ui->money.type,
			 ui->app->status.online, state->message,
			 sizeof(state->message));
}

static void money_leave(struct screen *screen, struct ui *ui)
{
	struct money_state *state = screen->state;

	(void)ui;
	money_banks_close(&state->list);
	fieldset_unplace(state->fields);
}


/* --- Keys ------------------------------------------------------------- */

/* Check the field the cursor leaves and set or clear its message. */
static void money_check_field(struct money_state *state, struct ui *ui,
			      int index)
{
	enum money_field field = state->form->fields[index];
	char *message = state->messages[index];
	size_t size = sizeof(state->messages[index]);

	money_upcase_currency(state);
	money_read(state);
	message[0] = '\0';
	if (field == MONEY_FIELD_BANK)
		money_bank_changed(state, ui);
	if (field == MONEY_FIELD_WALLET &&
	    (!money_wallet_used(state) ||
	     (state->pending && state->texts[field][0] == '\0')))
		return;
	/* An empty code is sent for, not wrong. */
	if (field == MONEY_FIELD_CODE && state->texts[field][0] == '\0')
		return;
	if (money_form_check(ui->app->journal, field, state->texts, message,
			     size) != 0)
		return;
	if (field == MONEY_FIELD_WALLET) {
		money_start_lookup(state, ui);
		money_check_wallet_currency(state, ui);
		money_follow_wallet_currency(state, ui);
		money_check_currency(state, ui);
	}
	if (field == MONEY_FIELD_CURRENCY)
		money_check_currency(state, ui);
}

/* Move the cursor by step fields, over the wallet while it is unused. */
static void money_move(struct money_state *state, int step)
{
	int count = state->form->count;
	int next = fieldset_current(state->fields);
	int i;

	for (i = 0; i < count; i++) {
		next = (next + step + count) % count;
		if (state->form->fields[next] != MONEY_FIELD_WALLET ||
		    money_wallet_used(state))
			break;
	}
	fieldset_focus(state->fields, next);
}

/* Fill the operation from the form, send what must come first, prepare
 * it and open the confirmation. `show` puts a bad field's message under
 * it and the cursor there. */
static int money_submit_form(struct money_state *state, struct ui *ui,
			     bool show)
{
	static struct money_operation op;
	struct money_form_extra extra = {
		.wallet_name = money_wallet_name(state, ui),
		.customer_id = state->pending ? state->customer_id : "",
		.holder_name = "",
		.original_id = "",
	};
	char message[UI_MESSAGE_SIZE];
	int bad;
	int flags;

	if (money_is(state, API_TYPE_REVERSAL))
		extra.original_id = ui->money.u.reversal.original_id;
	if (money_check_link(ui->app->journal, ui->money.type,
			     ui->app->status.online, state->message,
			     sizeof(state->message)) != 0)
		return show ? SCREEN_HANDLED : -1;
	money_upcase_currency(state);
	money_read(state);
	money_follow_wallet_currency(state, ui);
	if (money_form_fill(ui->app->journal, state->form, state->texts,
			    &extra, &op, &bad, message, sizeof(message)) != 0) {
		if (!show)
			return -1;
		money_field_message(state, bad, message);
		if (bad != MONEY_FIELD_NONE)
			fieldset_focus(state->fields,
				       money_form_index(state->form, bad));
		return SCREEN_HANDLED;
	}
	if (money_wait_for_lookup(state, ui) != 0)
		return SCREEN_HANDLED;
	if (money_check_known(state, ui) != 0 ||
	    money_check_wallet_currency(state, ui) != 0) {
		fieldset_focus(state->fields,
			       money_form_index(state->form,
						MONEY_FIELD_WALLET));
		return SCREEN_HANDLED;
	}
	if (money_check_currency(state, ui) != 0) {
		fieldset_focus(state->fields,
			       money_form_index(state->form,
						MONEY_FIELD_CURRENCY));
		return SCREEN_HANDLED;
	}
	flags = money_before_prepare(state, ui, &op);
	if (flags != 0)
		return flags;

	if (money_prepare(ui->app->journal, &op, message, sizeof(message)) !=
	    0) {
		bad = money_form_field_of(state->form, message);
		money_field_message(state, bad, message);
		if (bad != MONEY_FIELD_NONE)
			fieldset_focus(state->fields,
				       money_form_index(state->form, bad));
		return SCREEN_HANDLED;
	}
	ui->money = op;
	memset(&op, 0, sizeof(op));
	return ui_switch(ui, SCREEN_MONEY_CONFIRM);
}

static int money_confirm(struct money_state *state, struct ui *ui)
{
	int current = fieldset_current(state->fields);
	int last = state->form->count - 1;
	int flags;

	money_check_field(state, ui, current);
	if (state->messages[current][0] != '\0')
		return SCREEN_HANDLED;
	flags = money_submit_form(state, ui, current == last);
	if (flags >= 0)
		return flags;
	money_move(state, 1);
	return SCREEN_HANDLED;
}

/* An edit of the bank or the account makes the name enquiry's reply
 * stale. A reply still on its way is checked against its key instead. */
static void money_forget_enquiry(struct money_state *state,
				 enum money_field field)
{
	if ((field == MONEY_FIELD_BANK || field == MONEY_FIELD_ACCOUNT) &&
	    state->enquiry.state != MONEY_ASK_WAITING)
		memset(&state->enquiry, 0, sizeof(state->enquiry));
}

/* Keys that the funding field takes: 1 or c for cash, 2 or w for a
 * wallet. */
static void money_type_funding(struct money_state *state, wchar_t ch)
{
	ch = (wchar_t)towlower((wint_t)ch);
	if (ch == L'1' || ch == L'c')
		money_set_text(state, MONEY_FIELD_FUNDING, MONEY_FUNDING_CASH);
	else if (ch == L'2' || ch == L'w')
		money_set_text(state, MONEY_FIELD_FUNDING,
			       MONEY_FUNDING_WALLET);
	money_read(state);
}

static int money_action(struct screen *screen, struct ui *ui,
			enum ui_action action)
{
	struct money_state *state = screen->state;
	enum money_field field;

	if (state->list.open)
		return money_list_action(state, screen, ui, action);
	field = money_current(state);
	state->message[0] = '\0';
	if (action != UI_ACTION_CONFIRM)
		state->awaiting_lookup = false;
	if (field == MONEY_FIELD_FUNDING &&
	    (action == UI_ACTION_ERASE || action == UI_ACTION_DELETE))
		return SCREEN_HANDLED;
	if (fieldset_edit(state->fields, action)) {
		money_read(state);
		money_forget_enquiry(state, field);
		return SCREEN_HANDLED;
	}
	switch (action) {
	case UI_ACTION_NEXT:
	case UI_ACTION_PREV:
		money_check_field(state, ui, fieldset_current(state->fields));
		money_move(state, action == UI_ACTION_NEXT ? 1 : -1);
		return SCREEN_HANDLED;
	case UI_ACTION_PAGE_DOWN:
		if (field != MONEY_FIELD_BANK)
			return SCREEN_IGNORED;
		return money_list_open(state, screen, ui);
	case UI_ACTION_CONFIRM:
		if (field == MONEY_FIELD_BANK &&
		    state->texts[MONEY_FIELD_BANK][0] == '\0')
			return money_list_open(state, screen, ui);
		return money_confirm(state, ui);
	case UI_ACTION_BACK:
		money_wipe_code(state);
		return ui_switch(ui, money_is(state, API_TYPE_REVERSAL)
					     ? SCREEN_QUEUE
					     : SCREEN_SERVICES);
	default:
		return SCREEN_IGNORED;
	}
}

static int money_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct money_state *state = screen->state;
	int current;
	enum money_field field;

	(void)ui;
	if (state->list.open) {
		money_banks_type(&state->list, ch);
		return SCREEN_HANDLED;
	}
	current = fieldset_current(state->fields);
	field = money_current(state);
	state->messages[current][0] = '\0';
	if (state->awaiting_lookup) {
		state->awaiting_lookup = false;
		state->message[0] = '\0';
	}
	switch (field) {
	case MONEY_FIELD_FUNDING:
		money_type_funding(state, ch);
		return SCREEN_HANDLED;
	case MONEY_FIELD_CODE:
		if (!iswdigit((wint_t)ch))
			return SCREEN_HANDLED;
		break;
	case MONEY_FIELD_CURRENCY:
	case MONEY_FIELD_BANK:
		ch = (wchar_t)towupper((wint_t)ch);
		break;
	case MONEY_FIELD_WALLET:
		state->pending = false;
		break;
	default:
		break;
	}
	fieldset_type(state->fields, ch);
	money_read(state);
	money_forget_enquiry(state, field);
	if (field == MONEY_FIELD_BANK)
		state->bank_name[0] = '\0';
	return SCREEN_HANDLED;
}

static int money_event(struct screen *screen, struct ui *ui,
		       const struct event *event)
{
	struct money_state *state = screen->state;

	switch (event->type) {
	case EVENT_MONEY:
		return money_take_reply(state, ui);
	case EVENT_LOOKUP:
		/* The UI loop has stored the lookup in ui->lookup, and the
		 * request thread is free for a request that waited. */
		if (state->deferred && ui->lookup.state != LOOKUP_CHECKING &&
		    state->asking != NULL)
			money_ask_send(state, ui);
		money_read(state);
		money_check_wallet_currency(state, ui);
		money_follow_wallet_currency(state, ui);
		money_check_currency(state, ui);
		if (!state->awaiting_lookup ||
		    ui->lookup.state == LOOKUP_CHECKING)
			return SCREEN_REDRAW;
		state->awaiting_lookup = false;
		state->message[0] = '\0';
		return SCREEN_REDRAW | money_submit_form(state, ui, true);
	default:
		return SCREEN_IGNORED;
	}
}

static int money_on_session(struct screen *screen, struct ui *ui,
			    bool renewed)
{
	struct money_state *state = screen->state;
	struct money_ask *ask = state->asking;

	if (ask == NULL || ask->state != MONEY_ASK_WAITING)
		return SCREEN_REDRAW;
	if (renewed) {
		money_ask_send(state, ui);
		return SCREEN_REDRAW;
	}
	ask->state = MONEY_ASK_FAILED;
	snprintf(ask->text, sizeof(ask->text),
		 "Session expired: not sent; press Enter to try again");
	return SCREEN_REDRAW;
}

/* The fieldset with the card field, for a card number typed by hand. */
static struct fieldset *money_card_fields(struct screen *screen)
{
	struct money_state *state = screen->state;

	return state->fields;
}

static bool money_takes_card(const struct screen *screen,
			     const struct ui *ui)
{
	const struct money_state *state = screen->state;

	(void)ui;
	return !state->list.open && fieldset_takes_card(state->fields);
}

/* Put the card's wallet in the wallet field, check the currency against
 * it as after a wallet lookup, and move on to the next field. */
static int money_card(struct screen *screen, struct ui *ui,
		      const struct api_card_account *account)
{
	struct money_state *state = screen->state;
	int index = money_form_index(state->form, MONEY_FIELD_WALLET);

	if (index == MONEY_FIELD_NONE)
		return SCREEN_IGNORED;
	state->pending = false;
	money_set_text(state, MONEY_FIELD_WALLET, account->account);
	state->messages[index][0] = '\0';
	money_read(state);
	money_check_wallet_currency(state, ui);
	money_follow_wallet_currency(state, ui);
	money_check_currency(state, ui);
	if (fieldset_current(state->fields) == index)
		money_move(state, 1);
	return SCREEN_HANDLED;
}

/* The answer to the question before a new cash-out code. */
static int money_choice(struct screen *screen, struct ui *ui, int digit)
{
	struct money_state *state = screen->state;
	int flags;

	if (digit != MONEY_NEW_CODE_YES) {
		money_field_message(state, MONEY_FIELD_CODE,
				    "Type the code the customer received");
		return SCREEN_HANDLED;
	}
	state->new_code = true;
	flags = money_submit_form(state, ui, true);
	state->new_code = false;
	return flags;
}

/* The handlers, each followed by the help line's update. */
static int money_on_action(struct screen *screen, struct ui *ui,
			   enum ui_action action)
{
	int flags = money_action(screen, ui, action);

	if (!ui->too_small)
		money_set_help(screen, ui, screen->state);
	return flags;
}

static int money_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	int flags = money_text(screen, ui, ch);

	money_set_help(screen, ui, screen->state);
	return flags;
}

static int money_on_event(struct screen *screen, struct ui *ui,
			  const struct event *event)
{
	int flags = money_event(screen, ui, event);

	money_set_help(screen, ui, screen->state);
	return flags;
}

static int money_on_card(struct screen *screen, struct ui *ui,
			 const struct api_card_account *account)
{
	int flags = money_card(screen, ui, account);

	money_set_help(screen, ui, screen->state);
	return flags;
}

static int money_on_choice(struct screen *screen, struct ui *ui, int digit)
{
	int flags = money_choice(screen, ui, digit);

	money_set_help(screen, ui, screen->state);
	return flags;
}

struct screen screen_money = {
	.name = "money",
	.cursor = true,
	.help = MONEY_HELP,
	.init = money_init,
	.enter = money_enter,
	.leave = money_leave,
	.layout = money_layout,
	.draw = money_draw,
	.on_action = money_on_action,
	.on_text = money_on_text,
	.on_event = money_on_event,
	.on_session = money_on_session,
	.on_choice = money_on_choice,
	.takes_card = money_takes_card,
	.card_fields = money_card_fields,
	.on_card = money_on_card,
	.destroy = money_destroy,
	.state = &money,
};
