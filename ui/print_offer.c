/* Print news in the UI: the held-jobs offer and the notice line's print
 * messages. */
#define LOG_MODULE "ui"
#include "print_offer.h"

#include <stdio.h>
#include <string.h>

#include "../app/app.h"
#include "../app/log.h"

/* The end of a notice for a job the worker has not written yet, with
 * the printer ready or not (app_print_outcome). */
static const char sent_suffix[] = " sent to the printer";
static const char waiting_infix[] = " waiting for the printer: ";

/* The start of the worker's news that jobs were held after waiting. */
static const char stale_news[] = " held: not printed within";

/* Most held jobs read to sort them for the offer. */
#define HELD_READ_MAX 64

/* Counts of held jobs by what happens to them when the agent accepts. */
struct held_sorted {
	int receipts; /* receipts, notices and copies */
	int copies;   /* of those, the ones that come out marked COPY */
	int reports;  /* reports and test pages */
	int skipped;  /* of those, the ones that may have printed: ended */
};

/* Count the held jobs into *out. Returns false when the journal cannot
 * list them. */
static bool held_sort(struct app *app, struct held_sorted *out)
{
	struct print_job jobs[HELD_READ_MAX];
	int count = journal_print_list_held(app->journal, NULL, jobs,
					    HELD_READ_MAX);

	memset(out, 0, sizeof(*out));
	if (count < 0)
		return false;
	for (int i = 0; i < count; i++) {
		const struct print_job *job = &jobs[i];
		bool report = job->kind == PRINT_KIND_REPORT ||
			      job->kind == PRINT_KIND_TEST;

		if (report) {
			out->reports++;
			out->skipped += job->taken;
			continue;
		}
		out->receipts++;
		if (job->kind == PRINT_KIND_COPY || job->taken)
			out->copies++;
	}
	return true;
}

/* "2 receipts", "1 report", "2 receipts and 1 report". */
static void held_what(const struct held_sorted *held, char *what,
		      size_t size)
{
	char receipts[32] = "";
	char reports[32] = "";

	if (held->receipts > 0)
		snprintf(receipts, sizeof(receipts), "%d receipt%s",
			 held->receipts, held->receipts == 1 ? "" : "s");
	if (held->reports > 0)
		snprintf(reports, sizeof(reports), "%d report%s",
			 held->reports, held->reports == 1 ? "" : "s");
	snprintf(what, size, "%s%s%s", receipts,
		 receipts[0] != '\0' && reports[0] != '\0' ? " and " : "",
		 reports);
}

/* Write the offer's question about the held jobs into text. */
static void offer_text(const struct held_sorted *held, char *text,
		       size_t size)
{
	int count = held->receipts + held->reports;
	const char *them = count == 1 ? "it" : "them";
	char what[80];
	size_t used;

	held_what(held, what, sizeof(what));
	if (held->reports == 0 && held->copies == held->receipts) {
		snprintf(text, size,
			 "%s may not have printed. Print %s again "
			 "(marked COPY)?\n"
			 "Y or Enter: print. N or Esc: keep %s held.",
			 what, them, them);
		return;
	}
	used = (size_t)snprintf(text, size, "%s did not print. Print %s "
				"now?\n", what, them);
	if (used < size && held->copies > 0)
		used += (size_t)snprintf(text + used, size - used,
					 "%d of the receipts come%s out "
					 "marked COPY.\n",
					 held->copies,
					 held->copies == 1 ? "s" : "");
	if (used < size && held->skipped > 0)
		used += (size_t)snprintf(text + used, size - used,
					 "%d report%s may have printed: not "
					 "printed again; print a copy from "
					 "the report screen.\n",
					 held->skipped,
					 held->skipped == 1 ? "" : "s");
	if (used < size)
		snprintf(text + used, size - used,
			 "Y or Enter: print. N or Esc: keep %s held.", them);
}

static void offer_held(struct ui *ui, int count)
{
	char text[DIALOG_TEXT_SIZE];
	struct held_sorted held;

	/* The login asks the print worker to offer them again. */
	if (count <= 0 || !ui->app->session.logged_in)
		return;
	if (ui->lock != UI_LOCK_NONE || ui->dialog.open) {
		snprintf(ui->notice, sizeof(ui->notice),
			 "%d held print %s: offered when the printer is "
			 "ready",
			 count, count == 1 ? "job" : "jobs");
		ui->dirty = true;
		return;
	}
	if (!held_sort(ui->app, &held) || held.receipts + held.reports == 0) {
		/* Unreadable: count them all as receipts to print. */
		memset(&held, 0, sizeof(held));
		held.receipts = count;
	}
	offer_text(&held, text, sizeof(text));
	dialog_ask(&ui->dialog, DIALOG_FOR_PRINT_HELD, "Printer ready", text);

	/* It opens without the agent's key, so keys typed for the screen
	 * below must not close it. */
	dialog_guard(&ui->dialog);
	ui->dirty = true;
}

bool print_offer_mark_printed(char *message, size_t size)
{
	size_t length = strnlen(message, size);
	size_t suffix = sizeof(sent_suffix) - 1;
	const char *waiting;

	if (length >= size)
		return false;

	/* "Receipt waiting for the printer: paper out" once printed. */
	waiting = strstr(message, waiting_infix);
	if (waiting != NULL && waiting > message) {
		snprintf(message + (waiting - message),
			 size - (size_t)(waiting - message), " printed");
		return true;
	}
	if (length <= suffix ||
	    strcmp(message + length - suffix, sent_suffix) != 0)
		return false;
	snprintf(message + length - suffix, size - (length - suffix),
		 " printed");
	return true;
}

/* Most print jobs of one operation read: receipt, copies, a drawer. */
#define JOBS_PER_OPERATION_MAX 16

void print_offer_describe(struct app *app, const char *id, const char *what,
			  char *message, size_t size)
{
	struct print_job jobs[JOBS_PER_OPERATION_MAX];
	const struct print_job *last = NULL;
	int count;

	count = journal_print_list_operation(app->journal, id, jobs,
					     JOBS_PER_OPERATION_MAX);
	for (int i = 0; i < count; i++)
		if (jobs[i].kind != PRINT_KIND_DRAWER)
			last = &jobs[i];
	if (last == NULL || last->state == PRINT_WAITING ||
	    last->state == PRINT_PRINTING)
		app_print_outcome(app,
				  last != NULL && last->kind == PRINT_KIND_COPY
					  ? "Receipt copy"
					  : what,
				  message, size);
	else if (last->state == PRINT_DONE && last->last_error[0] == '\0')
		snprintf(message, size, "%s printed",
			 last->kind == PRINT_KIND_COPY ? "Receipt copy" : what);
	else if (last->state == PRINT_HELD && last->taken)
		snprintf(message, size, "%s held: may have printed", what);
	else if (last->state == PRINT_HELD)
		snprintf(message, size, "%s held: %s", what,
			 app->status.printer == PRINTER_STATE_READY ||
					 app->status.printer ==
						 PRINTER_STATE_PAPER_LOW
				 ? "not printed yet"
				 : print_queue_state_words(
					   app->status.printer));
	else
		snprintf(message, size, "%s not printed: %s", what,
			 last->last_error);
}

/* Clear the worker's news that jobs were held after waiting once none is
 * held any more: they printed or were released. */
static void clear_stale_news(struct ui *ui)
{
	if (ui->app->status.print_held > 0 ||
	    strstr(ui->notice, stale_news) == NULL)
		return;
	ui->notice[0] = '\0';
	ui->dirty = true;
}

void print_offer_note(struct ui *ui, const struct event *event)
{
	switch (event->type) {
	case EVENT_PRINT_HELD:
		offer_held(ui, event->status);
		return;
	case EVENT_PRINT_JOB:
		if (event->status == PRINT_DONE) {
			clear_stale_news(ui);
			/* A drawer pulse that ends prints no receipt. */
			if (strcmp(event->id, journal_print_kind_name(
						      PRINT_KIND_DRAWER)) == 0)
				return;
			if (print_offer_mark_printed(ui->notice,
						     sizeof(ui->notice)))
				ui->dirty = true;
			return;
		}
		if (event->text[0] != '\0') {
			snprintf(ui->notice, sizeof(ui->notice), "%.*s",
				 (int)sizeof(ui->notice) - 1, event->text);
			ui->dirty = true;
		}
		return;
	default:
		return;
	}
}

bool print_offer_answer(struct ui *ui, enum dialog_purpose purpose,
			enum dialog_answer answer)
{
	char message[UI_COLUMNS];

	if (purpose != DIALOG_FOR_PRINT_HELD)
		return false;
	if (answer == DIALOG_YES) {
		app_print_release(ui->app, message, sizeof(message));
		snprintf(ui->notice, sizeof(ui->notice), "%s", message);
	} else if (answer == DIALOG_NO) {
		log_info("agent kept the held print jobs");
		snprintf(ui->notice, sizeof(ui->notice),
			 "Held jobs kept: offered again when the printer is "
			 "ready");
	}
	ui->dirty = true;
	return true;
}
