/* The money form's checks and requests before the confirmation: the
 * wallet holder lookup and the wallet's currency, the cash-out code and
 * the bank's name enquiry, and their replies. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "../app/wallet.h"
#include "dialog.h"
#include "money_check.h"

/* Whether the central service cannot be asked now: logged in offline, or
 * the link is down. */
static bool money_offline(const struct ui *ui)
{
	return ui->app->session.offline || !ui->app->status.online;
}

/* --- Wallet holder lookup -------------------------------------------- */

/* Start the lookup of the wallet field's holder, shown next to it, unless
 * it is known or on its way already. It shares the request thread with
 * the money requests, so none starts while one of those runs. */
void money_start_lookup(struct money_state *state, struct ui *ui)
{
	struct ui_lookup *lookup = &ui->lookup;
	const char *account = state->texts[MONEY_FIELD_WALLET];
	char message[sizeof(lookup->text)];

	if (money_offline(ui) || account[0] == '\0' ||
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
const char *money_wallet_name(const struct money_state *state,
			      const struct ui *ui)
{
	if (ui->lookup.state == LOOKUP_FOUND &&
	    strcmp(ui->lookup.account, state->texts[MONEY_FIELD_WALLET]) == 0)
		return ui->lookup.text;
	return "";
}

/* Find the currency of the wallet field's account, which the lookup
 * stored with the holder. Returns false while it is not known. */
static bool money_wallet_currency(const struct money_state *state,
				  const struct ui *ui, char currency[4])
{
	const char *account = state->texts[MONEY_FIELD_WALLET];
	struct api_wallet wallet;

	if (ui->lookup.state != LOOKUP_FOUND ||
	    strcmp(ui->lookup.account, account) != 0)
		return false;
	pthread_mutex_lock(&ui->app->lock);
	wallet = ui->app->pending_wallet;
	pthread_mutex_unlock(&ui->app->lock);
	if (strcmp(wallet.account, account) != 0 ||
	    currency_find(wallet.currency) == NULL)
		return false;
	memcpy(currency, wallet.currency, 4);
	return true;
}

/* Check that the wallet paying a bank transfer holds the bank's
 * currency, when both are known. Returns 0, or -1 with the message under
 * the wallet field. */
int money_check_wallet_currency(struct money_state *state,
				const struct ui *ui)
{
	char currency[4];
	char message[UI_MESSAGE_SIZE];

	if (!money_is(state, API_TYPE_BANK_TRANSFER) ||
	    !money_wallet_used(state) || state->bank_currency[0] == '\0' ||
	    !money_wallet_currency(state, ui, currency) ||
	    strcmp(currency, state->bank_currency) == 0)
		return 0;
	snprintf(message, sizeof(message),
		 "Wallet %.*s is in %s, but bank %.*s pays out %s: pay in cash "
		 "or from a %s wallet",
		 API_ACCOUNT_SIZE - 1, state->texts[MONEY_FIELD_WALLET],
		 currency, API_BANK_CODE_SIZE - 1,
		 state->texts[MONEY_FIELD_BANK], state->bank_currency,
		 state->bank_currency);
	money_field_message(state, MONEY_FIELD_WALLET, message);
	return -1;
}

/* Whether the form's currency must be its wallet's: a cash-in or a
 * cash-out, whose wallet the central service credits or debits in its
 * own currency only. */
static bool money_follows_wallet(const struct money_state *state)
{
	return money_is(state, API_TYPE_CASH_IN) ||
	       money_is(state, API_TYPE_CASH_OUT);
}

void money_follow_wallet_currency(struct money_state *state,
				  const struct ui *ui)
{
	const char *typed = state->texts[MONEY_FIELD_CURRENCY];
	int currency = money_form_index(state->form, MONEY_FIELD_CURRENCY);
	int amount = money_form_index(state->form, MONEY_FIELD_AMOUNT);
	char wallet[4];

	if (!money_follows_wallet(state) || currency == MONEY_FIELD_NONE ||
	    !money_wallet_currency(state, ui, wallet) ||
	    strcmp(typed, wallet) == 0 ||
	    strcmp(typed, state->currency_set) != 0)
		return;
	money_set_text(state, MONEY_FIELD_CURRENCY, wallet);
	memcpy(state->currency_set, wallet, sizeof(state->currency_set));
	money_read(state);
	state->messages[currency][0] = '\0';

	/* The amount's digits and maximum depend on the currency. */
	if (amount == MONEY_FIELD_NONE ||
	    state->texts[MONEY_FIELD_AMOUNT][0] == '\0')
		return;
	state->messages[amount][0] = '\0';
	money_form_check(ui->app->journal, MONEY_FIELD_AMOUNT, state->texts,
			 state->messages[amount],
			 sizeof(state->messages[amount]));
}

int money_check_currency(struct money_state *state, const struct ui *ui)
{
	char wallet[4];
	char message[UI_MESSAGE_SIZE];

	if (!money_follows_wallet(state) ||
	    !money_wallet_currency(state, ui, wallet) ||
	    strcmp(state->texts[MONEY_FIELD_CURRENCY], wallet) == 0)
		return 0;
	snprintf(message, sizeof(message),
		 "Wallet %.*s is in %s: change the currency to %s",
		 API_ACCOUNT_SIZE - 1, state->texts[MONEY_FIELD_WALLET], wallet,
		 wallet);
	money_field_message(state, MONEY_FIELD_CURRENCY, message);
	return -1;
}

/* --- Requests before the confirmation -------------------------------- */

/* Put why a request failed under the field it is for, where the whole
 * line fits, and keep a short word beside the code field. */
static void money_ask_failed(struct money_state *state, struct money_ask *ask)
{
	if (ask == &state->enquiry) {
		money_field_message(state, MONEY_FIELD_ACCOUNT, ask->text);
		return;
	}
	money_field_message(state, MONEY_FIELD_CODE, ask->text);
	snprintf(ask->text, sizeof(ask->text), "Code not sent");
}

void money_ask_send(struct money_state *state, struct ui *ui)
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
		money_ask_failed(state, ask);
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

/* Reject a wallet that the lookup did not find at the central
 * service. */
int money_check_known(struct money_state *state, struct ui *ui)
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

/* Ask the agent before a new cash-out code replaces the one sent, which
 * then stops working. */
static int money_ask_new_code(struct money_state *state, struct ui *ui)
{
	static const struct dialog_choice choices[] = {
		{ .digit = MONEY_NEW_CODE_YES, .label = "Send a new code" },
		{ .digit = MONEY_NEW_CODE_NO, .label = "Keep the code sent" },
	};
	time_t when = (time_t)state->code.done_at;
	char text[DIALOG_TEXT_SIZE];
	char at[16] = "?";
	struct tm local;

	if (localtime_r(&when, &local) != NULL)
		strftime(at, sizeof(at), "%H:%M", &local);
	snprintf(text, sizeof(text),
		 "A code was sent to %s at %s.\nSend a new one? The old one "
		 "stops working.",
		 state->code.sent_to, at);
	dialog_choose(&ui->dialog, "Cash-out code", text, choices, 2);
	return SCREEN_HANDLED;
}

/* Enter on a cash-out without a code: request one, unless one is on its
 * way, and ask first when one was sent already. */
static int money_code_needed(struct money_state *state, struct ui *ui,
			     const struct money_operation *op)
{
	if (state->code.state == MONEY_ASK_WAITING) {
		money_field_message(state, MONEY_FIELD_NONE,
				    "Code requested: waiting for the central "
				    "service");
		return SCREEN_HANDLED;
	}
	if (state->code.state == MONEY_ASK_DONE && !state->new_code)
		return money_ask_new_code(state, ui);
	state->new_code = false;
	return money_send_code(state, ui, op);
}

/* The requests a cash-out and a bank transfer need first. Returns 0 when
 * op may go to money_prepare, else the flags of what was done. */
int money_before_prepare(struct money_state *state, struct ui *ui,
			 struct money_operation *op)
{
	char key[128];

	if (money_is(state, API_TYPE_CASH_OUT)) {
		money_code_key(op, key, sizeof(key));
		if (op->u.cash_out.code[0] == '\0')
			return money_code_needed(state, ui, op);
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

/* Hold the form while the wallet lookup of the wallet field's account
 * has not answered, starting it when it has not started. The Enter is
 * kept: the form goes on by itself once the lookup answers. Offline
 * nothing is asked, and the confirmation says that the holder was not
 * checked. Returns 0 to go on, or SCREEN_HANDLED while it waits. */
int money_wait_for_lookup(struct money_state *state, struct ui *ui)
{
	const struct ui_lookup *lookup = &ui->lookup;
	const char *account = state->texts[MONEY_FIELD_WALLET];

	state->awaiting_lookup = false;
	if (!money_wallet_used(state) || account[0] == '\0' ||
	    money_offline(ui))
		return 0;
	if (strcmp(lookup->account, account) != 0 ||
	    lookup->state == LOOKUP_NONE)
		money_start_lookup(state, ui);
	if (strcmp(lookup->account, account) != 0 ||
	    lookup->state != LOOKUP_CHECKING)
		return 0;
	state->awaiting_lookup = true;
	snprintf(state->message, sizeof(state->message),
		 "Checking wallet %.*s... the form goes on when the central "
		 "service answers",
		 API_ACCOUNT_SIZE - 1, account);
	return SCREEN_HANDLED;
}

/* --- Replies ---------------------------------------------------------- */

/* Note the reply of the request in state->asking. */
int money_take_reply(struct money_state *state, struct ui *ui)
{
	struct money_reply *reply = &state->reply;
	struct money_ask *ask = state->asking;

	if (money_request_take(reply) != 0)
		return SCREEN_REDRAW;
	if (ask == NULL || ask->state != MONEY_ASK_WAITING ||
	    reply->kind != state->request.kind)
		return SCREEN_REDRAW;

	/* The reply replaces "waiting" on the form's row. */
	state->message[0] = '\0';
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
		money_ask_failed(state, ask);
		return SCREEN_REDRAW;
	}
	ask->state = MONEY_ASK_DONE;
	ask->done_at = (int64_t)time(NULL);
	if (ask == &state->enquiry) {
		snprintf(ask->text, sizeof(ask->text), "%s",
			 reply->holder_name);
		return SCREEN_REDRAW;
	}
	snprintf(ask->sent_to, sizeof(ask->sent_to), "%s", reply->sent_to);
	snprintf(ask->text, sizeof(ask->text), "Code sent to %s",
		 reply->sent_to);
	return SCREEN_REDRAW;
}

