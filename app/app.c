/* The application context: opening and closing the terminal's resources,
 * status bookkeeping from events, and the agent's actions on the queue. */
#define LOG_MODULE "app"
#include "app.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api_money.h"
#include "customer.h"
#include "log.h"

/* Write the message for a key file that journal_open rejected with
 * problem, naming the fix that problem needs. */
static void describe_key_problem(const char *path, const char *key_file,
				 enum journal_key_problem problem,
				 char *error, size_t error_size)
{
	switch (problem) {
	case JOURNAL_KEYFILE_MODE:
		snprintf(error, error_size,
			 "journal %s: key file %s is open to group or others; "
			 "run chmod 600 %s",
			 path, key_file, key_file);
		break;
	case JOURNAL_KEYFILE_MISSING:
		snprintf(error, error_size,
			 "journal %s: key file %s is missing, but the journal "
			 "contains encrypted secrets; restore the key file "
			 "from backup with mode 0600, or check [journal] "
			 "key_file",
			 path, key_file);
		break;
	case JOURNAL_KEYFILE_NOT_FILE:
	case JOURNAL_KEYFILE_SIZE:
		snprintf(error, error_size,
			 "journal %s: key file %s is %s; restore it from "
			 "backup with mode 0600",
			 path, key_file,
			 problem == JOURNAL_KEYFILE_SIZE ?
				 "damaged (not 32 bytes long)" :
				 "not a regular file");
		break;
	case JOURNAL_KEYFILE_WRONG:
		snprintf(error, error_size,
			 "journal %s: key file %s does not belong to this "
			 "journal (its encrypted secrets do not decrypt with "
			 "it); restore the journal's own key file from "
			 "backup, or check [journal] key_file",
			 path, key_file);
		break;
	case JOURNAL_KEYFILE_NONE:
		snprintf(error, error_size,
			 "journal %s: key file %s is missing, unreadable, "
			 "open to group or others, or not the journal's key "
			 "(details in the log); check [journal] key_file",
			 path, key_file);
		break;
	default:
		snprintf(error, error_size,
			 "journal %s: key file %s cannot be read (details in "
			 "the log); check its owner, or restore it from "
			 "backup with mode 0600",
			 path, key_file);
		break;
	}
}

void app_describe_journal_error(const char *path, int rc, char *error,
			    size_t error_size)
{
	char key_file[JOURNAL_PATH_SIZE];
	char copy[PATH_MAX];
	const char *folder;

	if (rc == JOURNAL_EKEY &&
	    journal_key_file(path, key_file, sizeof(key_file)) ==
		    JOURNAL_OK) {
		describe_key_problem(path, key_file, journal_key_problem(path),
				     error, error_size);
		return;
	}
	snprintf(copy, sizeof(copy), "%s", path);
	folder = dirname(copy);
	if (access(folder, W_OK | X_OK) != 0)
		snprintf(error, error_size,
			 "journal %s: folder %s is missing or not writable; "
			 "check [journal] path",
			 path, folder);
	else if (rc == JOURNAL_ESCHEMA || rc == JOURNAL_EIO)
		snprintf(error, error_size,
			 "journal %s cannot be opened as a spotagent journal "
			 "(another program's file, damaged, or from a newer "
			 "version; details in the log); check [journal] path",
			 path);
	else
		snprintf(error, error_size, "journal %s: %s", path,
			 journal_strerror(rc));
}

/* Start the card worker; the terminal works without it (account numbers
 * are typed or swiped through a keyboard-wedge reader). */
static void start_card_worker(struct app *app)
{
	char error[160];

	app->status.card_reader = CARD_READER_NONE;
	app->status.card_message[0] = '\0';
	if (card_worker_start(&app->config, app->usb, app->events, &app->card,
			      error, sizeof(error)) != 0) {
		log_error("card worker not started: %s", error);
		app->card = NULL;
	}
}

int app_open(struct app *app, char *error, size_t error_size)
{
	int rc;

	pthread_mutex_init(&app->lock, NULL);
	rc = journal_open(app->config.journal_path, &app->journal);
	if (rc != JOURNAL_OK) {
		app_describe_journal_error(app->config.journal_path, rc, error,
				       error_size);
		goto fail;
	}
	if (event_channel_open(&app->events) != 0) {
		snprintf(error, error_size, "cannot create the event channel");
		goto fail;
	}
	rc = usb_context_open(&app->usb);
	if (rc != USB_OK) {
		/* Only a USB printer needs it, and printer_open reports
		 * that. */
		log_warn("USB not available: %s", usb_strerror(rc));
		app->usb = NULL;
	}
	if (print_queue_start(&app->config, app->usb, app->events,
			      &app->print, error, error_size) != 0)
		goto fail;
	/* Until the print worker's first status: a file was checked for
	 * writing by printer_open, a USB or TCP printer is not known yet. */
	if (strcmp(app->config.printer, "none") == 0)
		app->status.printer = PRINTER_STATE_NONE;
	else if (strncmp(app->config.printer, "file:", 5) == 0)
		app->status.printer = PRINTER_STATE_READY;
	else
		app->status.printer = PRINTER_STATE_DISCONNECTED;
	start_card_worker(app);
	app_refresh_counts(app);
	app_refresh_print_counts(app);
	app_print_due(app, &app->printed);
	if (sync_start(&app->config, app->events, &app->sync) != 0) {
		snprintf(error, error_size, "cannot start the sync worker");
		goto fail;
	}
	return 0;
fail:
	app_close(app);
	return -1;
}

/* Join a finished or running request thread. */
static void join_request(struct app *app)
{
	if (!app->request_active)
		return;
	pthread_join(app->request_thread, NULL);
	app->request_active = false;
	app->request_done = false;
}

int app_request_start(struct app *app, void *(*run)(void *), void *arg,
		      char *message, size_t message_size)
{
	bool busy;

	pthread_mutex_lock(&app->lock);
	busy = app->request_active && !app->request_done;
	pthread_mutex_unlock(&app->lock);
	if (busy) {
		snprintf(message, message_size,
			 "Still waiting for the central service");
		return -1;
	}
	join_request(app);
	if (pthread_create(&app->request_thread, NULL, run, arg) != 0) {
		log_error("cannot create a request thread");
		snprintf(message, message_size, "Cannot start the request");
		return -1;
	}
	app->request_active = true;
	return 0;
}

struct transport *app_request_transport(struct app *app, char *message,
					size_t message_size)
{
	int rc;

	if (app->request_transport != NULL)
		return app->request_transport;
	rc = sync_transport_open(&app->config, &app->request_transport);
	if (rc != TRANSPORT_OK) {
		snprintf(message, message_size, "%s", transport_strerror(rc));
		return NULL;
	}
	return app->request_transport;
}

void app_request_finish(struct app *app)
{
	pthread_mutex_lock(&app->lock);
	app->request_done = true;
	pthread_mutex_unlock(&app->lock);
}

void app_close(struct app *app)
{
	sync_stop(app->sync);
	app->sync = NULL;
	join_request(app);
	transport_close(app->request_transport);
	app->request_transport = NULL;
	card_worker_stop(app->card);
	print_queue_stop(app->print);
	usb_context_close(app->usb);
	app->usb = NULL;
	card_worker_free(app->card);
	app->card = NULL;
	print_queue_free(app->print);
	app->print = NULL;
	event_channel_close(app->events);
	app->events = NULL;
	journal_close(app->journal);
	app->journal = NULL;
	explicit_bzero(&app->session, sizeof(app->session));
	explicit_bzero(&app->pending_login, sizeof(app->pending_login));
	pthread_mutex_destroy(&app->lock);
}

int app_poll_journal(struct app *app, const char *watched)
{
	struct event event = { .type = EVENT_QUEUE };
	struct operation op;
	int64_t version = 0;
	int rc;

	rc = journal_data_version(app->journal, &version);
	if (rc != JOURNAL_OK)
		return rc;
	if (version == app->data_version)
		return 0;
	app->data_version = version;
	event_post(app->events, &event);
	if (watched == NULL || watched[0] == '\0' ||
	    journal_get(app->journal, watched, &op) != JOURNAL_OK)
		return 0;
	event.type = EVENT_OPERATION;
	event.status = (int)op.state;
	snprintf(event.id, sizeof(event.id), "%s", watched);
	event_post(app->events, &event);
	return 0;
}

void app_refresh_counts(struct app *app)
{
	int64_t counts[OP_STATE_COUNT] = { 0 };
	int rc;

	rc = journal_count_by_state(app->journal, counts);
	if (rc != JOURNAL_OK) {
		log_error("queue counts not read: %s", journal_strerror(rc));
		return;
	}
	memcpy(app->status.counts, counts, sizeof(counts));
}

void app_apply_event(struct app *app, const struct event *event)
{
	switch (event->type) {
	case EVENT_LINK:
		app->status.online = event->status != 0;
		break;
	case EVENT_QUEUE:
	case EVENT_OPERATION:
		app_refresh_counts(app);
		app_print_due(app, &app->printed);
		break;
	case EVENT_LOGIN:
	case EVENT_LOOKUP:
	case EVENT_MONEY:
	case EVENT_CARD_LOOKUP:
		join_request(app);
		break;
	case EVENT_PRINTER:
		app->status.printer = (enum printer_state)event->status;
		snprintf(app->status.printer_message,
			 sizeof(app->status.printer_message), "%s",
			 event->text);
		break;
	case EVENT_PRINT_JOB:
		if (event->text[0] != '\0')
			snprintf(app->status.printer_message,
				 sizeof(app->status.printer_message), "%s",
				 event->text);
		app_refresh_print_counts(app);
		break;
	case EVENT_PRINT_HELD:
		app_refresh_print_counts(app);
		break;
	case EVENT_CARD_READER:
		app->status.card_reader = (enum card_reader_state)event->status;
		snprintf(app->status.card_message,
			 sizeof(app->status.card_message), "%s", event->text);
		break;
	case EVENT_CARD:
	case EVENT_CARD_APPS:
		/* The screen that requested the card handles these. */
		break;
	}
}

/* Report a journal refusal of an agent action in the agent's words. */
static int action_result(struct app *app, int rc, const char *id,
			 const char *done, char *message, size_t message_size)
{
	if (rc == JOURNAL_OK) {
		log_info("operation %s: %s", id, done);
		snprintf(message, message_size, "%s", done);
		app_refresh_counts(app);
		return 0;
	}
	if (rc == JOURNAL_ESTATE)
		snprintf(message, message_size,
			 "Not possible in the operation's current state");
	else
		snprintf(message, message_size, "%s", journal_strerror(rc));
	log_warn("operation %s: action rejected: %s", id,
		 journal_strerror(rc));
	return -1;
}

/* Whether op is a profile update set aside by a version conflict: the
 * central service's 412, a final response that applied nothing. */
static bool is_version_conflict(const struct operation *op,
				struct customer_conflict *conflict)
{
	return op->state == OP_NEEDS_ATTENTION &&
	       strcmp(op->type, API_TYPE_CUSTOMER_UPDATE) == 0 &&
	       customer_conflict_parse(op->last_error, conflict) ==
		       CUSTOMER_OK;
}

int app_retry_operation(struct app *app, const char *id, char *message,
			size_t message_size)
{
	struct customer_conflict conflict;
	struct operation op;
	int rc;

	/* The central service replays its first response to the same key. */
	if (journal_get(app->journal, id, &op) == JOURNAL_OK &&
	    is_version_conflict(&op, &conflict)) {
		log_warn("operation %s: send again rejected: version conflict "
			 "with profile version %lld",
			 id, (long long)conflict.version);
		snprintf(message, message_size,
			 "Sending again meets the same conflict; discard "
			 "this edit");
		return -1;
	}
	rc = journal_retry_attention(app->journal, id, (int64_t)time(NULL));
	if (rc == JOURNAL_OK)
		sync_kick(app->sync);
	return action_result(app, rc, id, "Queued to send again", message,
			     message_size);
}

int app_cancel_operation(struct app *app, const char *id, char *message,
			 size_t message_size)
{
	char printed[160];
	struct operation op;
	bool moves_money;
	int rc;

	moves_money = journal_get(app->journal, id, &op) == JOURNAL_OK &&
		      api_type_moves_money(op.type);
	rc = journal_cancel(app->journal, id,
			    "Cancelled by the agent before it was sent",
			    (int64_t)time(NULL));
	if (action_result(app, rc, id, "Cancelled", message, message_size) !=
	    0)
		return -1;
	if (!moves_money)
		return 0;

	/* The customer may hold its PENDING receipt. journal_list_unprinted
	 * leaves out what was never sent, so app_print_due would not print
	 * this notice, and a failed print is not tried again by itself.
	 * NOTE: receipt_layout heads it "REJECTION NOTICE"; the status
	 * REJECTED and the reason show that the agent cancelled it. */
	if (app_print_notice(app, id, printed, sizeof(printed)) == 0)
		app_print_outcome(app, "Cancelled; cancellation notice",
				  message, message_size);
	else
		snprintf(message, message_size, "Cancelled. %s", printed);
	return 0;
}

int app_discard_operation(struct app *app, const char *id, char *message,
			  size_t message_size)
{
	struct customer_conflict conflict;
	char reason[JOURNAL_ERROR_SIZE];
	struct operation op;
	int rc;

	/* Only the agent's actions on this terminal change a needs-attention
	 * row, and journal_discard checks the state again as it writes. */
	rc = journal_get(app->journal, id, &op);
	if (rc != JOURNAL_OK)
		return action_result(app, rc, id, "Discarded", message,
				     message_size);
	if (!is_version_conflict(&op, &conflict)) {
		log_warn("operation %s: discard rejected: %s in state %s is "
			 "not a profile update in a version conflict",
			 id, op.type, journal_state_name(op.state));
		snprintf(message, message_size,
			 "Only a profile edit in a version conflict can be "
			 "discarded");
		return -1;
	}

	snprintf(reason, sizeof(reason),
		 "Discarded by the agent after a version conflict: Spotbanc "
		 "has profile version %lld, this edit was made on version "
		 "%lld; nothing was changed",
		 (long long)conflict.version, (long long)conflict.base_version);
	rc = journal_discard(app->journal, id, reason, (int64_t)time(NULL));
	return action_result(app, rc, id,
			     "Edit discarded; find the customer to edit the "
			     "current profile",
			     message, message_size);
}

int app_acknowledge_operation(struct app *app, const char *id,
			      char *message, size_t message_size)
{
	int rc = journal_acknowledge(app->journal, id, (int64_t)time(NULL));

	return action_result(app, rc, id, "Acknowledged", message,
			     message_size);
}
