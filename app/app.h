/* The application context shared by the UI and the service layer: the
 * configuration, the UI thread's journal connection, the event channel,
 * the sync worker, the printer and the agent's session. */
#ifndef SPOTAGENT_APP_H
#define SPOTAGENT_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../drivers/printer.h"
#include "../offline/journal.h"
#include "../offline/sync.h"
#include "api.h"
#include "config.h"
#include "event.h"

/* The agent's session; the token lives in memory only. */
struct session {
	bool logged_in;
	char agent_id[JOURNAL_AGENT_SIZE];
	char agent_name[API_NAME_SIZE];
	char token[API_TOKEN_SIZE];
	int64_t expires_at;
};

/* What the status bar shows; updated on the UI thread from events. */
struct app_status {
	bool online;
	int64_t counts[OP_STATE_COUNT];
	enum printer_state printer;
	char printer_message[128];
};

struct app {
	struct config config;
	struct journal *journal;
	struct event_channel *events;
	struct sync_worker *sync;
	struct printer *printer;
	struct session session;
	struct app_status status;

	/* Results handed from request threads to the UI thread. */
	pthread_mutex_t lock;
	struct api_login pending_login;
	char pending_agent[JOURNAL_AGENT_SIZE];
	struct api_wallet pending_wallet;
};

/* Apply an event to app->status (counts re-read from the journal on
 * EVENT_QUEUE and EVENT_OPERATION). Call on the UI thread for every event
 * before the screen sees it. */
void app_apply_event(struct app *app, const struct event *event);

/* Re-read the queue counts from the journal into app->status. */
void app_refresh_counts(struct app *app);

/* Print the receipt of operation id on the configured printer, laid out
 * from its journal row. Returns 0, or -1 with a line for the agent in
 * message. */
int app_print_receipt(struct app *app, const char *id, bool copy,
		      char *message, size_t message_size);

#endif
