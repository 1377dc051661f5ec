/* The application context's printing: receipt and notice print jobs,
 * the printer profile, cash drawer pulses and release of held jobs. */
#define LOG_MODULE "app"
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "money.h"
#include "receipt.h"

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

const struct escpos_profile *app_print_profile_of(struct journal *journal,
						  const struct config *config)
{
	char model[USB_TEXT_SIZE];
	const char *known = NULL;
	const struct escpos_profile *profile;

	/* The model the print worker stored is only a USB printer's. */
	if (strncmp(config->printer, "usb", 3) == 0 &&
	    journal_get_meta(journal, PRINT_QUEUE_MODEL_KEY, model,
			     sizeof(model)) == JOURNAL_OK)
		known = model;
	profile = escpos_profile_choose(config->printer_profile, known,
					config->paper_columns);

	/* config_load accepted the setting, so a NULL here means a stored
	 * model that no profile matches; the paper width still gives one. */
	if (profile == NULL)
		profile = escpos_profile_choose("auto", NULL,
						config->paper_columns);
	return profile;
}

const struct escpos_profile *app_print_profile(struct app *app)
{
	return app_print_profile_of(app->journal, &app->config);
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
			 print_queue_state_words(app->status.printer));
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

/* Find the first receipt or notice job of operation id (and its copies
 * when copies is true) that is waiting, printing or held, into *found
 * (may be NULL). Returns 1 when found, 0 when none, or a negative
 * journal_error. */
static int find_pending(struct app *app, const char *id, bool copies,
			struct print_job *found)
{
	struct print_job jobs[JOBS_PER_OPERATION_MAX];
	int count = journal_print_list_operation(app->journal, id, jobs,
						 JOBS_PER_OPERATION_MAX);

	for (int i = 0; i < count; i++) {
		const struct print_job *job = &jobs[i];
		bool kind = job->kind == PRINT_KIND_RECEIPT ||
			    job->kind == PRINT_KIND_NOTICE ||
			    (copies && job->kind == PRINT_KIND_COPY);

		if (!kind)
			continue;
		if (job->state != PRINT_WAITING &&
		    job->state != PRINT_PRINTING && job->state != PRINT_HELD)
			continue;
		if (found != NULL)
			*found = *job;
		return 1;
	}
	return count < 0 ? count : 0;
}

int app_print_original_pending(struct app *app, const char *id,
			       struct print_job *original)
{
	return find_pending(app, id, false, original);
}

int app_print_job_pending(struct app *app, const char *id,
			  struct print_job *pending)
{
	return find_pending(app, id, true, pending);
}

static int release_jobs(struct app *app, const char *operation_id,
			int *released, int *ended);

/* Instead of a second job for the same receipt, release the pending job
 * of id when it is held, and tell the agent that one is already waiting
 * for the printer. */
static int release_pending(struct app *app, const char *id,
			   const struct print_job *pending, char *message,
			   size_t message_size)
{
	int released = 0;
	int ended = 0;

	if (pending->state == PRINT_HELD &&
	    release_jobs(app, id, &released, &ended) != 0) {
		snprintf(message, message_size,
			 "Held receipt not released: the journal refused it");
		return -1;
	}
	if (released > 0) {
		log_info("operation %s: held %s released for a copy request",
			 id, journal_print_kind_name(pending->kind));
		print_queue_kick(app->print);
		app_refresh_print_counts(app);
	}
	if (printer_ready(app))
		snprintf(message, message_size,
			 "A receipt is already waiting for the printer");
	else
		snprintf(message, message_size,
			 "A receipt is already waiting for the printer: %s",
			 print_queue_state_words(app->status.printer));
	return 0;
}

int app_print_receipt(struct app *app, const char *id, bool copy,
		      char *message, size_t message_size)
{
	struct receipt_context context = base_context(app);
	struct print_job pending;

	if (copy && app_print_job_pending(app, id, &pending) == 1)
		return release_pending(app, id, &pending, message,
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

/* Why a report or test page that may have printed is not printed
 * again. */
#define APP_PRINT_NOT_AGAIN "may have printed; print a copy from the " \
			    "report screen"

/* Release one held job: a receipt or notice that may have printed comes
 * out again as a copy, a report or test page that may have printed ends
 * without printing (*ended set), any other job prints as it is. */
static int release_job(struct app *app, const struct print_job *job,
		       bool *ended)
{
	*ended = false;
	if (job->taken && job->operation_id[0] != '\0' &&
	    (job->kind == PRINT_KIND_RECEIPT || job->kind == PRINT_KIND_NOTICE))
		return replace_with_copy(app, job);
	if (job->taken &&
	    (job->kind == PRINT_KIND_REPORT || job->kind == PRINT_KIND_TEST)) {
		*ended = true;
		log_info("held print job %lld (%s) may have printed: ended",
			 (long long)job->id,
			 journal_print_kind_name(job->kind));
		return journal_print_end_held(app->journal, job->id,
					      APP_PRINT_NOT_AGAIN,
					      (int64_t)time(NULL));
	}
	return journal_print_release_job(app->journal, job->id,
					 (int64_t)time(NULL));
}

/* Held jobs read at once by release_jobs, and its rounds at most. */
#define RELEASE_BATCH 32
#define RELEASE_ROUNDS 64

/* Release the held jobs of operation_id (NULL for all) with release_job.
 * Sets *released, and *ended to the jobs ended without printing. Returns
 * 0, or -1 when the journal refused every one or could not list them
 * (each refusal is logged). */
static int release_jobs(struct app *app, const char *operation_id,
			int *released, int *ended)
{
	struct print_job jobs[RELEASE_BATCH];
	int failed = 0;
	int count;

	*released = 0;
	*ended = 0;
	for (int round = 0; round < RELEASE_ROUNDS; round++) {
		count = journal_print_list_held(app->journal, operation_id,
						jobs, RELEASE_BATCH);
		if (count < 0)
			return -1;
		for (int i = 0; i < count; i++) {
			bool not_again = false;
			int rc = release_job(app, &jobs[i], &not_again);

			if (rc == JOURNAL_OK && not_again) {
				(*ended)++;
				continue;
			}
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
	return failed > 0 && *released == 0 && *ended == 0 ? -1 : 0;
}

void app_note_own_operation(struct app *app, const char *id)
{
	int slot = app->own_next;

	snprintf(app->own_ids[slot], JOURNAL_ID_SIZE, "%s", id);
	app->own_next = (slot + 1) % APP_OWN_OPERATIONS_MAX;
}

bool app_own_operation(const struct app *app, const char *id)
{
	for (int i = 0; i < APP_OWN_OPERATIONS_MAX; i++)
		if (app->own_ids[i][0] != '\0' &&
		    strcmp(app->own_ids[i], id) == 0)
			return true;
	return false;
}

bool app_print_drawer_due(struct app *app, const struct operation *op,
			  int64_t now)
{
	int64_t effect = 0;

	if (app->config.drawer == CONFIG_DRAWER_NONE ||
	    op->state != OP_ACCEPTED || now < op->created_at ||
	    now - op->created_at > APP_DRAWER_SECONDS ||
	    !app_own_operation(app, op->id))
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

/* The notice for report or test pages not printed again by a release,
 * after the outcome of the released ones. */
static void tell_not_again(int released, int ended, char *message,
			   size_t message_size)
{
	char outcome[96];

	if (released == 0) {
		snprintf(message, message_size,
			 "%d report%s may have printed: print a copy from the "
			 "report screen",
			 ended, ended == 1 ? "" : "s");
		return;
	}
	snprintf(outcome, sizeof(outcome), "%s", message);
	snprintf(message, message_size,
		 "%.60s; %d report%s may have printed: not printed again",
		 outcome, ended, ended == 1 ? "" : "s");
}

int app_print_release(struct app *app, char *message, size_t message_size)
{
	char what[48];
	int released = 0;
	int ended = 0;

	if (release_jobs(app, NULL, &released, &ended) != 0) {
		snprintf(message, message_size,
			 "Held receipts not released: the journal refused "
			 "it");
		return -1;
	}
	log_info("%d held print jobs released by the agent, %d ended",
		 released, ended);
	print_queue_kick(app->print);
	app_refresh_print_counts(app);
	snprintf(what, sizeof(what), "%d held %s", released,
		 released == 1 ? "job" : "jobs");
	app_print_outcome(app, what, message, message_size);
	if (ended > 0)
		tell_not_again(released, ended, message, message_size);
	return released;
}
