/* The application context: opening and closing the terminal's resources,
 * status bookkeeping from events, and receipt print jobs. */
#define LOG_MODULE "app"
#include "app.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api_money.h"
#include "customer.h"
#include "log.h"
#include "money.h"
#include "receipt.h"

void app_describe_journal_error(const char *path, int rc, char *error,
			    size_t error_size)
{
	char copy[PATH_MAX];
	const char *folder;

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
	print_queue_stop(app->print);
	usb_context_close(app->usb);
	app->usb = NULL;
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
	}
}

/* Whether a printer is configured; else a line for the agent. */
static bool printer_configured(struct app *app, const char *what,
			       char *message, size_t message_size)
{
	if (strcmp(app->config.printer, "none") != 0 &&
	    app->config.printer[0] != '\0')
		return true;
	snprintf(message, message_size,
		 "%s not printed: no printer is configured ([printer] device)",
		 what);
	return false;
}

const struct escpos_profile *app_print_profile(struct app *app)
{
	char model[USB_TEXT_SIZE];
	const char *known = NULL;
	const struct escpos_profile *profile;

	/* The model the print worker stored is only a USB printer's. */
	if (strncmp(app->config.printer, "usb", 3) == 0 &&
	    journal_get_meta(app->journal, PRINT_QUEUE_MODEL_KEY, model,
			     sizeof(model)) == JOURNAL_OK)
		known = model;
	profile = escpos_profile_choose(app->config.printer_profile, known,
					app->config.paper_columns);
	if (profile == NULL)
		/* config_load checked the setting, so this is a model the
		 * table lost; the paper width still gives a profile. */
		profile = escpos_profile_choose("auto", NULL,
						app->config.paper_columns);
	return profile;
}

void app_refresh_print_counts(struct app *app)
{
	int64_t counts[PRINT_STATE_COUNT] = { 0 };
	int rc;

	rc = journal_print_count(app->journal, counts);
	if (rc != JOURNAL_OK) {
		log_error("print job counts not read: %s",
			  journal_strerror(rc));
		return;
	}
	app->status.print_waiting = counts[PRINT_WAITING] +
				    counts[PRINT_PRINTING];
	app->status.print_held = counts[PRINT_HELD];
}

/* Add job as a print job, recording the printed mark of state `mark` of
 * operation_id in the same transaction unless mark is -1. Returns a
 * journal_error. */
static int add_job(struct app *app, enum print_kind kind,
		   const char *operation_id, const struct escpos_buf *job,
		   int mark)
{
	int64_t id = 0;
	int rc;

	if (job->error != 0) {
		log_error("%s print job%s%s not encoded: %s",
			  journal_print_kind_name(kind),
			  operation_id != NULL ? " of operation " : "",
			  operation_id != NULL ? operation_id : "",
			  escpos_strerror(job->error));
		return JOURNAL_EINVAL;
	}
	rc = journal_print_add(app->journal, operation_id, kind, job->data,
			       job->len, mark, (int64_t)time(NULL), &id);
	if (rc != JOURNAL_OK) {
		if (rc != JOURNAL_ESTATE)
			log_error("%s print job of operation %s not added: %s",
				  journal_print_kind_name(kind),
				  operation_id != NULL ? operation_id : "-",
				  journal_strerror(rc));
		return rc;
	}
	log_info("print job %lld (%s%s%s) added", (long long)id,
		 journal_print_kind_name(kind),
		 operation_id != NULL ? " of operation " : "",
		 operation_id != NULL ? operation_id : "");
	print_queue_kick(app->print);
	app_refresh_print_counts(app);
	return JOURNAL_OK;
}

int app_print_job(struct app *app, enum print_kind kind,
		  const char *operation_id, const struct escpos_buf *job,
		  char *message, size_t message_size)
{
	int rc;

	if (!printer_configured(app, "Job", message, message_size))
		return -1;
	rc = add_job(app, kind, operation_id, job, -1);
	if (rc != JOURNAL_OK) {
		snprintf(message, message_size, "Not sent to the printer: %s",
			 job->error != 0 ? escpos_strerror(job->error)
					 : journal_strerror(rc));
		return -1;
	}
	snprintf(message, message_size, "Sent to the printer");
	return 0;
}

/* Lay out and encode the receipt of op with context for the printer's
 * profile into job (initialised here; the caller frees it). */
static int encode_operation(struct app *app, const struct operation *op,
			    const struct receipt_context *context,
			    struct escpos_buf *job, char *message,
			    size_t message_size)
{
	const struct escpos_profile *profile = app_print_profile(app);
	struct receipt_context full = *context;
	struct operation reversal;
	struct receipt receipt;
	int rc;

	full.profile = profile;
	full.qr = app->config.qr != 0;
	full.barcode = app->config.barcode != 0;
	full.verify_url = app->config.verify_url;

	/* A failed lookup prints the receipt without the reversal line
	 * rather than no receipt; receipt_find_reversal logs it. */
	if (receipt_find_reversal(app->journal, op->id, &reversal) == 1)
		full.reversal = &reversal;
	escpos_init(job);
	if (receipt_layout(op, &full, profile->columns, &receipt) != 0) {
		log_error("receipt layout failed for operation %s", op->id);
		snprintf(message, message_size,
			 "Receipt not printed: cannot lay out operation");
		return -1;
	}
	escpos_set_profile(job, profile);
	rc = receipt_encode(&receipt, job);
	if (rc != 0) {
		log_error("receipt for operation %s not encoded: %s", op->id,
			  escpos_strerror(rc));
		snprintf(message, message_size, "Receipt not printed: %s",
			 escpos_strerror(rc));
		return -1;
	}
	return 0;
}

static bool printer_ready(const struct app *app)
{
	return app->status.printer == PRINTER_STATE_READY ||
	       app->status.printer == PRINTER_STATE_PAPER_LOW;
}

void app_print_outcome(const struct app *app, const char *what,
		       char *message, size_t message_size)
{
	if (printer_ready(app))
		snprintf(message, message_size, "%s sent to the printer",
			 what);
	else
		snprintf(message, message_size,
			 "%s waiting for the printer: %s", what,
			 printer_state_name(app->status.printer));
}

/* Make the print job of the receipt of id with the given context. mark
 * is as journal_print_add's; JOURNAL_ESTATE there means the job exists
 * already, which is success. */
static int print_operation(struct app *app, const char *id,
			   const struct receipt_context *context,
			   enum print_kind kind, bool mark, char *message,
			   size_t message_size)
{
	struct operation op;
	struct escpos_buf job;
	int rc;

	if (!printer_configured(app, "Receipt", message, message_size))
		return -1;
	rc = journal_get(app->journal, id, &op);
	if (rc != JOURNAL_OK) {
		snprintf(message, message_size, "Receipt not printed: %s",
			 journal_strerror(rc));
		return -1;
	}
	if (encode_operation(app, &op, context, &job, message,
			     message_size) != 0) {
		escpos_free(&job);
		return -1;
	}

	/* Only a decided state not printed yet takes the mark. */
	mark = mark && !op.printed &&
	       (op.state == OP_ACCEPTED || op.state == OP_REJECTED);
	rc = add_job(app, kind, id, &job, mark ? (int)op.state : -1);
	escpos_free(&job);
	if (rc != JOURNAL_OK && rc != JOURNAL_ESTATE) {
		snprintf(message, message_size, "Receipt not printed: %s",
			 journal_strerror(rc));
		return -1;
	}
	app_print_outcome(app,
			  kind == PRINT_KIND_COPY     ? "Receipt copy"
			  : kind == PRINT_KIND_NOTICE ? "Notice"
						      : "Receipt",
			  message, message_size);
	return 0;
}

/* The receipt facts of the agent and terminal. */
static struct receipt_context base_context(struct app *app)
{
	struct receipt_context context = {
		.terminal_id = app->config.terminal_id,
		.agent_name = app->session.logged_in ? app->session.agent_name
						     : NULL,
	};

	return context;
}

/* Most print jobs of one operation read: receipt, copies, a drawer. */
#define JOBS_PER_OPERATION_MAX 16

int app_print_original_pending(struct app *app, const char *id,
			       struct print_job *original)
{
	struct print_job jobs[JOBS_PER_OPERATION_MAX];
	int count = journal_print_list_operation(app->journal, id, jobs,
						 JOBS_PER_OPERATION_MAX);

	for (int i = 0; i < count; i++) {
		const struct print_job *job = &jobs[i];

		if (job->kind != PRINT_KIND_RECEIPT &&
		    job->kind != PRINT_KIND_NOTICE)
			continue;
		if (job->state != PRINT_WAITING &&
		    job->state != PRINT_PRINTING && job->state != PRINT_HELD)
			continue;
		if (original != NULL)
			*original = *job;
		return 1;
	}
	return count < 0 ? count : 0;
}

static int release_jobs(struct app *app, const char *operation_id,
			int *released);

/* Instead of a copy that would print before the original it copies,
 * release the original of id when it is held, and tell the agent that
 * it prints when the printer is ready. */
static int release_original(struct app *app, const char *id,
			    const struct print_job *original, char *message,
			    size_t message_size)
{
	int released = 0;

	if (original->state == PRINT_HELD &&
	    release_jobs(app, id, &released) != 0) {
		snprintf(message, message_size,
			 "Held receipt not released: the journal refused it");
		return -1;
	}
	if (released > 0) {
		log_info("operation %s: held %s released for a copy request",
			 id, journal_print_kind_name(original->kind));
		print_queue_kick(app->print);
		app_refresh_print_counts(app);
	}
	snprintf(message, message_size,
		 "The receipt has not printed yet: %s; it prints when the "
		 "printer is ready",
		 printer_state_name(app->status.printer));
	return 0;
}

int app_print_receipt(struct app *app, const char *id, bool copy,
		      char *message, size_t message_size)
{
	struct receipt_context context = base_context(app);
	struct print_job original;

	if (copy && app_print_original_pending(app, id, &original) == 1)
		return release_original(app, id, &original, message,
					message_size);
	context.copy = copy;
	return print_operation(app, id, &context,
			       copy ? PRINT_KIND_COPY : PRINT_KIND_RECEIPT,
			       !copy, message, message_size);
}

int app_print_notice(struct app *app, const char *id, char *message,
		     size_t message_size)
{
	struct receipt_context context = base_context(app);

	context.notice = true;
	return print_operation(app, id, &context, PRINT_KIND_NOTICE, true,
			       message, message_size);
}

/* Replace held receipt or notice job, which may have printed, by the
 * same receipt laid out as a copy, so that no second original comes
 * out. Returns a journal_error. */
static int replace_with_copy(struct app *app, const struct print_job *job)
{
	struct receipt_context context = base_context(app);
	char message[160];
	struct operation op;
	struct escpos_buf copy;
	int64_t new_id = 0;
	int rc;

	rc = journal_get(app->journal, job->operation_id, &op);
	if (rc != JOURNAL_OK)
		return rc;
	context.copy = true;
	context.notice = job->kind == PRINT_KIND_NOTICE;
	if (encode_operation(app, &op, &context, &copy, message,
			     sizeof(message)) != 0 ||
	    copy.error != 0) {
		escpos_free(&copy);
		return JOURNAL_EINVAL;
	}
	rc = journal_print_replace(app->journal, job->id, copy.data, copy.len,
				   (int64_t)time(NULL), &new_id);
	escpos_free(&copy);
	if (rc == JOURNAL_OK)
		log_info("held print job %lld of operation %s may have "
			 "printed: replaced by copy job %lld",
			 (long long)job->id, job->operation_id,
			 (long long)new_id);
	return rc;
}

/* Release one held job: a receipt or notice that may have printed comes
 * out again as a copy, any other job as it is. */
static int release_job(struct app *app, const struct print_job *job)
{
	if (job->taken && job->operation_id[0] != '\0' &&
	    (job->kind == PRINT_KIND_RECEIPT || job->kind == PRINT_KIND_NOTICE))
		return replace_with_copy(app, job);
	return journal_print_release_job(app->journal, job->id,
					 (int64_t)time(NULL));
}

/* Held jobs read at once by release_jobs, and its rounds at most. */
#define RELEASE_BATCH 32
#define RELEASE_ROUNDS 64

/* Release the held jobs of operation_id (NULL for all) with release_job.
 * Sets *released. Returns 0, or -1 when the journal refused every one or
 * could not list them (each refusal is logged). */
static int release_jobs(struct app *app, const char *operation_id,
			int *released)
{
	struct print_job jobs[RELEASE_BATCH];
	int failed = 0;
	int count;

	*released = 0;
	for (int round = 0; round < RELEASE_ROUNDS; round++) {
		count = journal_print_list_held(app->journal, operation_id,
						jobs, RELEASE_BATCH);
		if (count < 0)
			return -1;
		for (int i = 0; i < count; i++) {
			int rc = release_job(app, &jobs[i]);

			if (rc == JOURNAL_OK) {
				(*released)++;
				continue;
			}
			log_error("held print job %lld not released: %s",
				  (long long)jobs[i].id, journal_strerror(rc));
			failed++;
		}
		/* A job that failed stays held, so stop before reading it
		 * again. */
		if (count < RELEASE_BATCH || failed > 0)
			break;
	}
	return failed > 0 && *released == 0 ? -1 : 0;
}

bool app_print_drawer_due(struct app *app, const struct operation *op,
			  int64_t now)
{
	int64_t effect = 0;

	if (app->config.drawer == CONFIG_DRAWER_NONE ||
	    op->state != OP_ACCEPTED || now < op->created_at ||
	    now - op->created_at > APP_DRAWER_SECONDS)
		return false;
	if (money_float_effect(app->journal, op, &effect) != 0)
		return false;
	return effect != 0;
}

/* Add the drawer pulse of confirmed cash operation op. A failure is
 * named in report; the pulse is never tried again. */
static void add_drawer_job(struct app *app, const struct operation *op,
			   struct app_print_report *report)
{
	const struct escpos_profile *profile = app_print_profile(app);
	enum escpos_drawer_pin pin = app->config.drawer == CONFIG_DRAWER_PIN5
					     ? ESCPOS_DRAWER_PIN5
					     : ESCPOS_DRAWER_PIN2;
	struct escpos_buf job;
	int rc;

	escpos_init(&job);
	escpos_set_profile(&job, profile);
	escpos_reset(&job);
	rc = escpos_drawer_kick(&job, pin, app->config.drawer_on_ms,
				app->config.drawer_off_ms);
	if (rc != 0) {
		log_error("cash drawer pulse for operation %s not made: "
			  "printer profile %s: %s",
			  op->id, profile->name, escpos_strerror(rc));
		snprintf(report->drawer_message,
			 sizeof(report->drawer_message),
			 "Cash drawer not opened: printer profile %s has no "
			 "drawer port; open it by hand",
			 profile->name);
	} else if (add_job(app, PRINT_KIND_DRAWER, op->id, &job, -1) !=
		   JOURNAL_OK) {
		snprintf(report->drawer_message,
			 sizeof(report->drawer_message),
			 "Cash drawer not opened: the journal refused the "
			 "job; open it by hand");
	}
	escpos_free(&job);
}

/* Most receipts laid out in one call, so that a backlog after a long
 * outage does not hold the UI thread for long. */
#define PRINT_DUE_MAX 16

int app_print_due(struct app *app, struct app_print_report *report)
{
	struct operation *ops;
	char message[160];
	int64_t now = (int64_t)time(NULL);
	int due;

	if (!printer_configured(app, "Receipt", message, sizeof(message)))
		return 0;
	ops = calloc(PRINT_DUE_MAX, sizeof(*ops));
	if (ops == NULL)
		return 0;
	due = journal_list_unprinted(app->journal, ops, PRINT_DUE_MAX);
	for (int i = 0; i < due; i++) {
		const struct operation *op = &ops[i];
		bool rejected = op->state == OP_REJECTED;
		int rc = rejected ? app_print_notice(app, op->id, message,
						     sizeof(message))
				  : app_print_receipt(app, op->id, false,
						      message, sizeof(message));

		if (rejected) {
			report->rejected++;
			memcpy(report->id, op->id, sizeof(report->id));
			memcpy(report->reason, op->last_error,
			       sizeof(report->reason));
		}
		if (rc != 0) {
			report->failed++;
			snprintf(report->print_message,
				 sizeof(report->print_message), "%s", message);
			break;
		}
		if (!rejected)
			report->receipts++;
		if (app_print_drawer_due(app, op, now))
			add_drawer_job(app, op, report);
	}
	free(ops);
	return due < 0 ? 0 : due;
}

int app_print_release(struct app *app, char *message, size_t message_size)
{
	char what[48];
	int released = 0;

	if (release_jobs(app, NULL, &released) != 0) {
		snprintf(message, message_size,
			 "Held receipts not released: the journal refused "
			 "it");
		return -1;
	}
	log_info("%d held print jobs released by the agent", released);
	print_queue_kick(app->print);
	app_refresh_print_counts(app);
	snprintf(what, sizeof(what), "%d held %s", released,
		 released == 1 ? "job" : "jobs");
	app_print_outcome(app, what, message, message_size);
	return released;
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
