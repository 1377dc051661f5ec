/* Wallet management: checks of the transfer form, receiver lookup on the
 * request thread, and journaling a wallet-to-wallet transfer with its
 * fee. */
#define LOG_MODULE "wallet"
#include "wallet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../drivers/utf8.h"
#include "currency.h"
#include "log.h"
#include "money.h"
#include "policy.h"
#include "uuid.h"

#define ACCOUNT_MIN_DIGITS 6
#define ACCOUNT_MAX_DIGITS 20

/* Write account into out for a log line, masked when it is a card
 * number. Returns out. */
static const char *account_for_log(const char *account, char *out,
				   size_t size)
{
	if (card_pan_typed(account))
		return card_mask_pan(account, out, size);
	snprintf(out, size, "%s", account);
	return out;
}

int wallet_account_check(const char *text, char *message,
			 size_t message_size)
{
	size_t length = strlen(text);

	if (length == 0) {
		snprintf(message, message_size,
			 "Enter a wallet account number");
		return -1;
	}
	if (strspn(text, "0123456789") != length) {
		snprintf(message, message_size,
			 "Wallet account number: digits only");
		return -1;
	}
	if (card_pan_typed(text)) {
		snprintf(message, message_size,
			 "That is a card number: press Tab in a customer "
			 "wallet field to find its wallet");
		return -1;
	}
	if (length < ACCOUNT_MIN_DIGITS || length > ACCOUNT_MAX_DIGITS) {
		snprintf(message, message_size,
			 "Wallet account number must have %d to %d digits",
			 ACCOUNT_MIN_DIGITS, ACCOUNT_MAX_DIGITS);
		return -1;
	}
	return 0;
}

/* Check the currency and amount fields into *parsed, the part of the
 * form that both kinds of receiver share. */
static int check_currency_amount(const char *currency, const char *amount,
				 struct wallet_transfer *parsed,
				 enum wallet_field *field, char *message,
				 size_t message_size)
{
	int rc;

	*field = WALLET_FIELD_CURRENCY;
	if (currency_find(currency) == NULL) {
		snprintf(message, message_size,
			 "Currency: enter an ISO 4217 code such as GHS");
		return -1;
	}
	*field = WALLET_FIELD_AMOUNT;
	rc = currency_parse(currency, amount, &parsed->amount);
	if (rc != CURRENCY_OK) {
		currency_describe_error(currency, amount, rc, message,
					message_size);
		return -1;
	}
	snprintf(parsed->currency, sizeof(parsed->currency), "%s", currency);
	return 0;
}

int wallet_transfer_validate(const char *sender, const char *receiver,
			     const char *currency, const char *amount,
			     struct wallet_transfer *out,
			     enum wallet_field *field, char *message,
			     size_t message_size)
{
	struct wallet_transfer parsed = { 0 };

	*field = WALLET_FIELD_SENDER;
	if (wallet_account_check(sender, message, message_size) != 0)
		return -1;
	*field = WALLET_FIELD_RECEIVER;
	if (wallet_account_check(receiver, message, message_size) != 0)
		return -1;
	if (strcmp(sender, receiver) == 0) {
		snprintf(message, message_size,
			 "Receiver must differ from the sender");
		return -1;
	}
	if (check_currency_amount(currency, amount, &parsed, field, message,
				  message_size) != 0)
		return -1;

	snprintf(parsed.sender, sizeof(parsed.sender), "%s", sender);
	snprintf(parsed.receiver, sizeof(parsed.receiver), "%s", receiver);
	*out = parsed;
	*field = WALLET_FIELD_NONE;
	return 0;
}

int wallet_transfer_validate_to_customer(const char *sender,
					 const char *customer_id,
					 const char *currency,
					 const char *amount,
					 struct wallet_transfer *out,
					 enum wallet_field *field,
					 char *message, size_t message_size)
{
	struct wallet_transfer parsed = { 0 };

	*field = WALLET_FIELD_SENDER;
	if (wallet_account_check(sender, message, message_size) != 0)
		return -1;
	*field = WALLET_FIELD_RECEIVER;
	if (customer_id == NULL || !uuid_is_valid(customer_id)) {
		snprintf(message, message_size,
			 "Receiver: the customer id is not a valid UUID");
		return -1;
	}
	if (check_currency_amount(currency, amount, &parsed, field, message,
				  message_size) != 0)
		return -1;

	snprintf(parsed.sender, sizeof(parsed.sender), "%s", sender);
	snprintf(parsed.receiver_customer_id,
		 sizeof(parsed.receiver_customer_id), "%s", customer_id);
	*out = parsed;
	*field = WALLET_FIELD_NONE;
	return 0;
}

struct lookup_request {
	struct app *app;
	char token[API_TOKEN_SIZE];
	char account[API_ACCOUNT_SIZE];
};

static void *run_lookup(void *arg)
{
	struct lookup_request *request = arg;
	struct app *app = request->app;
	struct event event = { .type = EVENT_LOOKUP };
	struct api_wallet wallet = { 0 };
	struct transport *transport;
	int rc = API_EINVAL;

	transport = app_request_transport(app, event.text, sizeof(event.text));
	if (transport != NULL)
		rc = api_wallet_lookup(transport, request->token,
				       request->account, &wallet, event.text,
				       sizeof(event.text));
	explicit_bzero(request->token, sizeof(request->token));

	if (rc == API_OK) {
		/* The screens show no more than the event carries, so a long
		 * name is cut there, on a character boundary. */
		utf8_copy_prefix(wallet.holder_name, sizeof(event.text) - 1,
				 event.text);
		pthread_mutex_lock(&app->lock);
		app->pending_wallet = wallet;
		pthread_mutex_unlock(&app->lock);
	} else {
		char shown[API_ACCOUNT_SIZE];

		log_info("lookup of wallet %s failed: %s",
			 account_for_log(request->account, shown,
					 sizeof(shown)),
			 api_strerror(rc));
	}
	event.status = rc;
	snprintf(event.id, sizeof(event.id), "%s", request->account);
	free(request);
	app_request_finish(app);
	event_post(app->events, &event);
	return NULL;
}

int wallet_lookup_start(struct app *app, const char *account, char *message,
			size_t message_size)
{
	struct lookup_request *request;

	if (wallet_account_check(account, message, message_size) != 0)
		return -1;
	if (!app->session.logged_in) {
		snprintf(message, message_size, "Log in first");
		return -1;
	}
	request = calloc(1, sizeof(*request));
	if (request == NULL) {
		snprintf(message, message_size, "Out of memory");
		return -1;
	}
	request->app = app;
	memcpy(request->token, app->session.token, sizeof(request->token));
	snprintf(request->account, sizeof(request->account), "%s", account);
	if (app_request_start(app, run_lookup, request, message,
			      message_size) != 0) {
		explicit_bzero(request, sizeof(*request));
		free(request);
		return -1;
	}
	return 0;
}

int wallet_transfer_build(const char *agent_id,
			  const struct wallet_transfer *transfer,
			  int64_t now, struct operation *op, char *message,
			  size_t message_size)
{
	memset(op, 0, sizeof(*op));
	if (uuid_generate(op->id) != 0) {
		snprintf(message, message_size,
			 "Not saved: no random source for the operation id");
		return -1;
	}
	if (api_wallet_transfer_encode(transfer, op->payload,
				       sizeof(op->payload)) != API_OK ||
	    api_dependency_keys(API_TYPE_WALLET_TRANSFER, op->payload,
				op->keys) != API_OK) {
		snprintf(message, message_size, "Not saved: fields too long");
		return -1;
	}
	snprintf(op->type, sizeof(op->type), "%s", API_TYPE_WALLET_TRANSFER);
	snprintf(op->agent_id, sizeof(op->agent_id), "%s", agent_id);
	snprintf(op->currency, sizeof(op->currency), "%s", transfer->currency);
	op->amount = transfer->amount;
	op->state = OP_QUEUED;
	op->created_at = now;
	op->updated_at = now;
	op->next_attempt_at = now;
	return 0;
}

int wallet_transfer_journal(struct journal *journal, const struct operation *op,
			    bool online, char *message, size_t message_size)
{
	return policy_journal(journal, op, online, message, message_size);
}

int wallet_transfer_submit(struct app *app,
			   const struct wallet_transfer *transfer,
			   char id_out[JOURNAL_ID_SIZE], char *message,
			   size_t message_size)
{
	struct money_operation op = { .type = API_TYPE_WALLET_TRANSFER };

	/* money_prepare sets the fee from the cached schedule, the one the
	 * confirmation screen showed. */
	op.u.wallet = *transfer;
	if (money_prepare(app->journal, &op, message, message_size) != 0)
		return -1;
	return money_submit(app, &op, id_out, message, message_size);
}
