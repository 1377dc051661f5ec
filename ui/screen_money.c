/* The money form: cash-in, cash-out, bank transfer or reversal, as
 * ui->money.type names, with the fields of that type's table. It sends
 * the requests that must come before the confirmation (the cash-out code
 * and the bank's name enquiry) and hands the prepared operation to
 * SCREEN_MONEY_CONFIRM. Its view (layout, help line, bank list and
 * drawing) is in ui/money_draw.c. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "../app/wallet.h"
#include "money_draw.h"

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

/* Look the bank field's code up in the cached list for its name. */
void money_update_bank_name(struct money_state *state, struct ui *ui)
{
	struct refdata_bank bank;

	state->bank_name[0] = '\0';
	if (state->texts[MONEY_FIELD_BANK][0] != '\0' &&
	    refdata_bank_find(ui->app->journal, state->texts[MONEY_FIELD_BANK],
			      &bank) == REFDATA_OK)
		snprintf(state->bank_name, sizeof(state->bank_name), "%s",
			 bank.name);
}

/* --- Wallet holder lookup -------------------------------------------- */

/* Start the lookup of the wallet field's holder, shown next to it, unless
 * it is known or on its way already. It shares the request thread with
 * the money requests, so none starts while one of those runs. */
static void money_start_lookup(struct money_state *state, struct ui *ui)
{
	struct ui_lookup *lookup = &ui->lookup;
	const char *account = state->texts[MONEY_FIELD_WALLET];
	char message[sizeof(lookup->text)];

	if (ui->app->session.offline || account[0] == '\0' ||
	    wallet_account_check(account, message, sizeof(message)) != 0)
		return;
	if (strcmp(lookup->account, account) == 0 &&
	    (lookup->state == LOOKUP_FOUND ||
	     lookup->state == LOOKUP_CHECKING))
		return;
	if ((state->enquiry.state == MONEY_ASK_WAITING ||
	     state->code.state == MONEY_ASK_WAITING) && !state->deferred)
		return;
	/* wallet_account_check has limited it to 20 digits. */
	snprintf(lookup->account, sizeof(lookup->account), "%.*s",
		 (int)sizeof(lookup->account) - 1, account);
	lookup->text[0] = '\0';
	lookup->state = LOOKUP_CHECKING;
	if (wallet_lookup_start(ui->app, account, message,
				sizeof(message)) != 0) {
		lookup->state = LOOKUP_FAILED;
		snprintf(lookup->text, sizeof(lookup->text), "%s", message);
	}
}

/* The holder of the wallet field's account, when the lookup found it. */
static const char *money_wallet_name(const struct money_state *state,
				     const struct ui *ui)
{
	if (ui->lookup.state == LOOKUP_FOUND &&
	    strcmp(ui->lookup.account, state->texts[MONEY_FIELD_WALLET]) == 0)
		return ui->lookup.text;
	return "";
}

/* --- Requests before the confirmation -------------------------------- */

static void money_ask_send(struct money_state *state, struct ui *ui)
{
	struct money_ask *ask = state->asking;
	char message[UI_MESSAGE_SIZE];

	/* The wallet lookup occupies the request thread until its
	 * reply. */
	if (ui->lookup.state == LOOKUP_CHECKING) {
		state->deferred = true;
		return;
	}
	state->deferred = false;
	if (money_request_start(ui->app, &state->request, message,
				sizeof(message)) != 0) {
		ask->state = MONEY_ASK_FAILED;
		snprintf(ask->text, sizeof(ask->text), "%s", message);
	}
}

static void money_ask_start(struct money_state *state, struct ui *ui,
			    struct money_ask *ask,
			    const struct money_request *request,
			    const char *key, const char *waiting)
{
	ask->state = MONEY_ASK_WAITING;
	snprintf(ask->key, sizeof(ask->key), "%s", key);
	snprintf(ask->text, sizeof(ask->text), "%s", waiting);
	state->request = *request;
	state->asking = ask;
	money_ask_send(state, ui);
}

/* The inputs of the cash-out code: wallet, currency and amount. */
static void money_code_key(const struct money_operation *op, char *key,
			   size_t size)
{
	const struct cash_out *out = &op->u.cash_out;

	snprintf(key, size, "%s/%s/%lld", out->sender, out->currency,
		 (long long)out->amount);
}

static void money_enquiry_key(const struct money_operation *op, char *key,
			      size_t size)
{
	snprintf(key, size, "%s/%s", op->u.bank.bank_code,
		 op->u.bank.account_number);
}

static int money_send_code(struct money_state *state, struct ui *ui,
			   const struct money_operation *op)
{
	struct money_request request;
	char key[sizeof(state->code.key)];

	memset(&request, 0, sizeof(request));
	request.kind = MONEY_REQUEST_CASH_OUT_CODE;
	snprintf(request.account, sizeof(request.account), "%s",
		 op->u.cash_out.sender);
	snprintf(request.currency, sizeof(request.currency), "%s",
		 op->u.cash_out.currency);
	request.amount = op->u.cash_out.amount;
	money_code_key(op, key, sizeof(key));
	money_ask_start(state, ui, &state->code, &request, key,
			"Sending the code to the customer's phone...");
	fieldset_focus(state->fields,
		       money_form_index(state->form, MONEY_FIELD_CODE));
	return SCREEN_HANDLED;
}

static int money_send_enquiry(struct money_state *state, struct ui *ui,
			      const struct money_operation *op)
{
	struct money_request request;
	char key[sizeof(state->enquiry.key)];

	memset(&request, 0, sizeof(request));
	request.kind = MONEY_REQUEST_NAME_ENQUIRY;
	snprintf(request.bank_code, sizeof(request.bank_code), "%s",
		 op->u.bank.bank_code);
	snprintf(request.account, sizeof(request.account), "%s",
		 op->u.bank.account_number);
	money_enquiry_key(op, key, sizeof(key));
	money_ask_start(state, ui, &state->enquiry, &request, key,
			"checking with the bank...");
	return SCREEN_HANDLED;
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
	if (currency_find(ui->payee.currency) != NULL)
		money_set_text(state, MONEY_FIELD_CURRENCY,
			       ui->payee.currency);
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
	money_set_text(state, MONEY_FIELD_FUNDING, MONEY_FUNDING_CASH);
	memset(state->messages, 0, sizeof(state->messages));
	state->message[0] = '\0';
	state->bank_name[0] = '\0';
	memset(&state->enquiry, 0, sizeof(state->enquiry));
	memset(&state->code, 0, sizeof(state->code));
	state->deferred = false;
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
		money_update_bank_name(state, ui);
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
	if (field == MONEY_FIELD_WALLET)
		money_start_lookup(state, ui);
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

/* Reject a wallet that the lookup did not find at the central
 * service. */
static int money_check_known(struct money_state *state, struct ui *ui)
{
	const struct ui_lookup *lookup = &ui->lookup;

	if (!money_wallet_used(state) || lookup->state != LOOKUP_NOT_FOUND ||
	    strcmp(lookup->account, state->texts[MONEY_FIELD_WALLET]) != 0)
		return 0;
	money_field_message(state, MONEY_FIELD_WALLET, lookup->text);
	fieldset_focus(state->fields,
		       money_form_index(state->form, MONEY_FIELD_WALLET));
	return -1;
}

/* The requests a cash-out and a bank transfer need first. Returns 0 when
 * op may go to money_prepare, else the flags of what was done. */
static int money_before_prepare(struct money_state *state, struct ui *ui,
				struct money_operation *op)
{
	char key[128];

	if (money_is(state, API_TYPE_CASH_OUT)) {
		money_code_key(op, key, sizeof(key));
		if (op->u.cash_out.code[0] == '\0')
			return money_send_code(state, ui, op);
		if (state->code.state == MONEY_ASK_DONE &&
		    strcmp(state->code.key, key) != 0) {
			money_field_message(state, MONEY_FIELD_CODE,
					    "The code was sent for another "
					    "wallet or amount: erase it and "
					    "press Enter for a new one");
			return SCREEN_HANDLED;
		}
		return 0;
	}
	if (!money_is(state, API_TYPE_BANK_TRANSFER))
		return 0;
	money_enquiry_key(op, key, sizeof(key));
	if (strcmp(state->enquiry.key, key) == 0 &&
	    state->enquiry.state == MONEY_ASK_WAITING)
		return SCREEN_HANDLED;
	if (strcmp(state->enquiry.key, key) != 0 ||
	    state->enquiry.state != MONEY_ASK_DONE)
		return money_send_enquiry(state, ui, op);
	snprintf(op->u.bank.account_name, sizeof(op->u.bank.account_name),
		 "%s", state->enquiry.text);
	return 0;
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
	money_upcase_currency(state);
	money_read(state);
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
	if (money_check_known(state, ui) != 0)
		return SCREEN_HANDLED;
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

/* --- Replies ---------------------------------------------------------- */

/* Note the reply of the request in state->asking. */
static int money_take_reply(struct money_state *state, struct ui *ui)
{
	struct money_reply *reply = &state->reply;
	struct money_ask *ask = state->asking;

	if (money_request_take(reply) != 0)
		return SCREEN_REDRAW;
	if (ask == NULL || ask->state != MONEY_ASK_WAITING ||
	    reply->kind != state->request.kind)
		return SCREEN_REDRAW;
	if (reply->result == API_ESESSION) {
		snprintf(ask->text, sizeof(ask->text),
			 "Session expired: log in again to send it");
		ui_session_expired(ui);
		return SCREEN_REDRAW;
	}
	if (reply->result != 0) {
		ask->state = MONEY_ASK_FAILED;
		snprintf(ask->text, sizeof(ask->text), "%s",
			 reply->message[0] != '\0'
				 ? reply->message
				 : api_strerror(reply->result));
		if (ask == &state->enquiry)
			money_field_message(state, MONEY_FIELD_ACCOUNT,
					    ask->text);
		return SCREEN_REDRAW;
	}
	ask->state = MONEY_ASK_DONE;
	if (ask == &state->enquiry)
		snprintf(ask->text, sizeof(ask->text), "%s",
			 reply->holder_name);
	else
		snprintf(ask->text, sizeof(ask->text), "Code sent to %s",
			 reply->sent_to);
	return SCREEN_REDRAW;
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
		return SCREEN_REDRAW;
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
	.destroy = money_destroy,
	.state = &money,
};
