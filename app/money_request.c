/* The online requests an agent makes before a money operation (name
 * enquiry, cash-out code, quote) and the wallet and float enquiries, run
 * on the request thread with the session's token. */
#define LOG_MODULE "money"
#include "money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../drivers/utf8.h"
#include "currency.h"
#include "log.h"
#include "wallet.h"

struct money_job {
	struct app *app;
	char token[API_TOKEN_SIZE];
	char agent_id[JOURNAL_AGENT_SIZE];
	struct money_request request;
};

/* The finished request's reply, until the UI thread takes it. */
static pthread_mutex_t reply_lock = PTHREAD_MUTEX_INITIALIZER;
static struct money_reply finished;
static bool finished_ready;

/* Short names of the kinds, for logs and the event's id. */
static const char *kind_name(enum money_request_kind kind)
{
	static const char *const names[] = {
		[MONEY_REQUEST_NAME_ENQUIRY] = "name_enquiry",
		[MONEY_REQUEST_CASH_OUT_CODE] = "cash_out_code",
		[MONEY_REQUEST_QUOTE] = "quote",
		[MONEY_REQUEST_BALANCE] = "balance",
		[MONEY_REQUEST_STATEMENT] = "statement",
		[MONEY_REQUEST_FLOAT] = "float",
	};

	if ((unsigned)kind >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[kind];
}

/* Send the job's request and fill reply. Returns an api_error. */
static int send_request(struct app *app, struct money_job *job,
			struct money_reply *reply)
{
	const struct money_request *r = &job->request;
	char *message = reply->message;
	size_t size = sizeof(reply->message);
	struct transport *transport;
	int64_t started;
	int rc;

	transport = app_request_transport(app, message, size);
	if (transport == NULL)
		return API_EUNREACHABLE;
	switch (r->kind) {
	case MONEY_REQUEST_NAME_ENQUIRY:
		return api_name_enquiry(transport, job->token, r->bank_code,
					r->account, reply->holder_name,
					message, size);
	case MONEY_REQUEST_CASH_OUT_CODE:
		return api_cash_out_code(transport, job->token, r->account,
					 r->currency, r->amount,
					 reply->sent_to, &reply->expires_in,
					 message, size);
	case MONEY_REQUEST_QUOTE:
		/* The deadline counts from before the request, so that it
		 * never falls after the central service's expiry. */
		started = money_monotonic_seconds();
		rc = api_quote(transport, job->token, &r->quote,
			       &reply->quote, message, size);
		if (rc == API_OK)
			reply->quote_deadline =
				started + reply->quote.expires_in;
		return rc;
	case MONEY_REQUEST_BALANCE:
		return api_wallet_balance(transport, job->token, r->account,
					  &reply->balance, message, size);
	case MONEY_REQUEST_STATEMENT:
		return api_wallet_statement(transport, job->token, r->account,
					    &reply->statement, message, size);
	case MONEY_REQUEST_FLOAT:
		return api_agent_float(transport, job->token, job->agent_id,
				       &reply->agent_float, message, size);
	}
	snprintf(message, size, "Unknown request");
	return API_EINVAL;
}

/* Return the message for a request that found no link. Each request
 * needs the central service, so the agent tries again once the status
 * bar shows ONLINE. */
static const char *unreachable_message(enum money_request_kind kind)
{
	switch (kind) {
	case MONEY_REQUEST_NAME_ENQUIRY:
		return "Name check needs the link: try again when ONLINE "
		       "shows";
	case MONEY_REQUEST_CASH_OUT_CODE:
		return "Cash-out needs the link: try again when ONLINE shows";
	case MONEY_REQUEST_QUOTE:
		return "Send money needs the link: try again when ONLINE "
		       "shows";
	case MONEY_REQUEST_BALANCE:
	case MONEY_REQUEST_STATEMENT:
		return "Wallet enquiry needs the link: try again when ONLINE "
		       "shows";
	case MONEY_REQUEST_FLOAT:
		return "Float enquiry needs the link: try again when ONLINE "
		       "shows";
	}
	return "No link to the central service: try again when ONLINE "
	       "shows";
}

/* The event's text: the holder's name after a name enquiry, where the
 * code went after a cash-out code request, else the message. */
static void event_text(const struct money_reply *reply, struct event *event)
{
	const char *text = reply->message;

	if (reply->result == API_OK) {
		text = "";
		if (reply->kind == MONEY_REQUEST_NAME_ENQUIRY)
			text = reply->holder_name;
		else if (reply->kind == MONEY_REQUEST_CASH_OUT_CODE)
			text = reply->sent_to;
	}
	utf8_copy_prefix(text, sizeof(event->text) - 1, event->text);
}

static void *run_request(void *arg)
{
	struct money_job *job = arg;
	struct app *app = job->app;
	struct event event = { .type = EVENT_MONEY };
	struct money_reply *reply;
	int rc = API_EINVAL;

	reply = calloc(1, sizeof(*reply));
	if (reply == NULL) {
		snprintf(event.text, sizeof(event.text), "Out of memory");
		goto done;
	}
	reply->kind = job->request.kind;
	rc = send_request(app, job, reply);
	reply->result = rc;
	if (rc != API_OK)
		log_info("%s request failed: %s", kind_name(reply->kind),
			 api_strerror(rc));
	if (rc == API_EUNREACHABLE)
		snprintf(reply->message, sizeof(reply->message), "%s",
			 unreachable_message(reply->kind));
	event_text(reply, &event);
	pthread_mutex_lock(&reply_lock);
	finished = *reply;
	finished_ready = true;
	pthread_mutex_unlock(&reply_lock);

done:
	free(reply);
	explicit_bzero(job->token, sizeof(job->token));
	event.status = rc;
	snprintf(event.id, sizeof(event.id), "%s",
		 kind_name(job->request.kind));
	free(job);
	app_request_finish(app);
	event_post(app->events, &event);
	return NULL;
}

static int check_quote(const struct api_quote_request *q, char *message,
		       size_t message_size)
{
	bool by_send = q->send_amount > 0;
	bool by_receive = q->receive_amount > 0;
	int64_t amount = by_send ? q->send_amount : q->receive_amount;

	if (strlen(q->country) != 2 || q->method[0] == '\0') {
		snprintf(message, message_size,
			 "Choose the destination country and delivery "
			 "method");
		return -1;
	}
	if (currency_find(q->send_currency) == NULL ||
	    currency_find(q->receive_currency) == NULL) {
		snprintf(message, message_size,
			 "Currency: enter ISO 4217 codes such as GHS");
		return -1;
	}
	if (by_send == by_receive) {
		snprintf(message, message_size,
			 "Enter either the send amount or the receive "
			 "amount");
		return -1;
	}
	if (amount > CURRENCY_AMOUNT_MAX || q->send_amount < 0 ||
	    q->receive_amount < 0) {
		snprintf(message, message_size, "Amount is out of range");
		return -1;
	}
	return 0;
}

/* Check the request's fields before anything is sent. */
static int check_request(const struct money_request *r, char *message,
			 size_t message_size)
{
	switch (r->kind) {
	case MONEY_REQUEST_NAME_ENQUIRY:
		if (r->bank_code[0] != '\0' && r->account[0] != '\0')
			return 0;
		snprintf(message, message_size,
			 "Choose the bank and enter the account number");
		return -1;
	case MONEY_REQUEST_CASH_OUT_CODE:
		if (wallet_account_check(r->account, message, message_size))
			return -1;
		if (currency_find(r->currency) != NULL && r->amount >= 1 &&
		    r->amount <= CURRENCY_AMOUNT_MAX)
			return 0;
		snprintf(message, message_size,
			 "Enter the currency and an amount above zero");
		return -1;
	case MONEY_REQUEST_QUOTE:
		return check_quote(&r->quote, message, message_size);
	case MONEY_REQUEST_BALANCE:
	case MONEY_REQUEST_STATEMENT:
		return wallet_account_check(r->account, message, message_size);
	case MONEY_REQUEST_FLOAT:
		return 0;
	}
	snprintf(message, message_size, "Unknown request");
	return -1;
}

int money_request_start(struct app *app, const struct money_request *request,
			char *message, size_t message_size)
{
	struct money_job *job;

	if (!app->session.logged_in || app->session.token[0] == '\0') {
		snprintf(message, message_size, "Log in online first");
		return -1;
	}
	if (check_request(request, message, message_size) != 0)
		return -1;
	job = calloc(1, sizeof(*job));
	if (job == NULL) {
		snprintf(message, message_size, "Out of memory");
		return -1;
	}
	job->app = app;
	job->request = *request;
	memcpy(job->token, app->session.token, sizeof(job->token));
	memcpy(job->agent_id, app->session.agent_id, sizeof(job->agent_id));
	pthread_mutex_lock(&reply_lock);
	finished_ready = false;
	pthread_mutex_unlock(&reply_lock);
	if (app_request_start(app, run_request, job, message,
			      message_size) != 0) {
		explicit_bzero(job, sizeof(*job));
		free(job);
		return -1;
	}
	return 0;
}

int money_request_take(struct money_reply *out)
{
	int rc = -1;

	pthread_mutex_lock(&reply_lock);
	if (finished_ready) {
		*out = finished;
		finished_ready = false;
		rc = 0;
	}
	pthread_mutex_unlock(&reply_lock);
	return rc;
}
