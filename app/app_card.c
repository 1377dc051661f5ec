/* Finding a customer's wallet by payment card: the card lookup at the
 * central service on the request thread, with the card number kept in
 * memory only for that request. */
#define LOG_MODULE "app"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../drivers/utf8.h"
#include "app.h"
#include "log.h"

struct card_request {
	struct app *app;
	char token[API_TOKEN_SIZE];
	char pan[CARD_PAN_SIZE];
	char masked[CARD_PAN_SIZE];
};

/* Free a request after wiping the token and the card number. */
static void card_request_free(struct card_request *request)
{
	explicit_bzero(request, sizeof(*request));
	free(request);
}

static void *run_card_lookup(void *arg)
{
	struct card_request *request = arg;
	struct app *app = request->app;
	struct event event = { .type = EVENT_CARD_LOOKUP };
	struct api_card_account account = { 0 };
	struct transport *transport;
	int rc = API_EINVAL;

	transport = app_request_transport(app, event.text, sizeof(event.text));
	if (transport != NULL)
		rc = api_card_lookup(transport, request->token, request->pan,
				     &account, event.text,
				     sizeof(event.text));
	explicit_bzero(request->pan, sizeof(request->pan));
	explicit_bzero(request->token, sizeof(request->token));

	if (rc == API_OK) {
		/* As for a wallet lookup, a long name is cut on a character
		 * boundary to what the event carries. */
		utf8_copy_prefix(account.holder_name, sizeof(event.text) - 1,
				 event.text);
		snprintf(event.id, sizeof(event.id), "%s", account.account);
		log_info("card %s: wallet %s", request->masked,
			 account.account);
		pthread_mutex_lock(&app->lock);
		app->pending_card = account;
		pthread_mutex_unlock(&app->lock);
	} else {
		log_info("lookup of card %s failed: %s", request->masked,
			 api_strerror(rc));
	}
	event.status = rc;
	card_request_free(request);
	app_request_finish(app);
	event_post(app->events, &event);
	return NULL;
}

/* Check that a card lookup may be sent now. Returns 0, or -1 with a line
 * for the agent in message. */
static int card_lookup_check(const struct app *app,
			     const struct card_data *card, char *message,
			     size_t message_size)
{
	if (!app->session.logged_in) {
		snprintf(message, message_size, "Log in first");
		return -1;
	}
	if (app->session.offline || !app->status.online) {
		snprintf(message, message_size, "%s", APP_CARD_NEEDS_LINK);
		return -1;
	}
	if (!card_pan_valid(card->pan)) {
		snprintf(message, message_size, "%s",
			 card_strerror(CARD_ELUHN));
		return -1;
	}
	return 0;
}

int app_card_lookup(struct app *app, const struct card_data *card,
		    char *message, size_t message_size)
{
	struct card_request *request;

	if (card_lookup_check(app, card, message, message_size) != 0)
		return -1;
	request = calloc(1, sizeof(*request));
	if (request == NULL) {
		snprintf(message, message_size, "Out of memory");
		return -1;
	}
	request->app = app;
	memcpy(request->token, app->session.token, sizeof(request->token));
	memcpy(request->pan, card->pan, sizeof(request->pan));
	card_mask_pan(card->pan, request->masked, sizeof(request->masked));

	pthread_mutex_lock(&app->lock);
	memset(&app->pending_card, 0, sizeof(app->pending_card));
	pthread_mutex_unlock(&app->lock);
	if (app_request_start(app, run_card_lookup, request, message,
			      message_size) != 0) {
		card_request_free(request);
		return -1;
	}
	return 0;
}

int app_card_result(struct app *app, struct api_card_account *out)
{
	int rc = -1;

	pthread_mutex_lock(&app->lock);
	if (app->pending_card.account[0] != '\0') {
		*out = app->pending_card;
		rc = 0;
	}
	pthread_mutex_unlock(&app->lock);
	return rc;
}
