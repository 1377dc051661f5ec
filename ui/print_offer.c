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

/* Most held jobs read to find one that may have printed. */
#define HELD_READ_MAX 64

/* The number of held jobs that may have printed (the printer took some
 * of their bytes), so that they print again marked COPY. */
static int held_taken(struct app *app)
{
	struct print_job jobs[HELD_READ_MAX];
	int count = journal_print_list_held(app->journal, NULL, jobs,
					    HELD_READ_MAX);
	int taken = 0;

	for (int i = 0; i < count; i++)
		if (jobs[i].taken)
			taken++;
	return taken;
}

static void offer_held(struct ui *ui, int count)
{
	char text[DIALOG_TEXT_SIZE];
	int taken;

	/* The login asks the print worker to offer them again. */
	if (count <= 0 || !ui->app->session.logged_in)
		return;
	if (ui->lock != UI_LOCK_NONE || ui->dialog.open) {
		snprintf(ui->notice, sizeof(ui->notice),
			 "%d held %s: offered when the printer is ready",
			 count, count == 1 ? "receipt" : "receipts");
		ui->dirty = true;
		return;
	}
	taken = held_taken(ui->app);
	if (taken > 0)
		snprintf(text, sizeof(text),
			 "%d %s may not have printed. Print %s again "
			 "(marked COPY)?\n"
			 "Y or Enter: print. N or Esc: keep %s held.",
			 count, count == 1 ? "receipt" : "receipts",
			 count == 1 ? "it" : "them",
			 count == 1 ? "it" : "them");
	else
		snprintf(text, sizeof(text),
			 "%d %s did not print. Print %s now?\n"
			 "Y or Enter: print. N or Esc: keep %s held.",
			 count, count == 1 ? "receipt" : "receipts",
			 count == 1 ? "it" : "them",
			 count == 1 ? "it" : "them");
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
	if (last != NULL && last->state == PRINT_DONE)
		snprintf(message, size, "%s printed", what);
	else if (last != NULL && (last->state == PRINT_HELD ||
				  last->state == PRINT_FAILED))
		snprintf(message, size, "%s not printed: %s", what,
			 last->last_error);
	else
		app_print_outcome(app, what, message, size);
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
			 "Held receipts kept: offered again when the printer "
			 "is ready");
	}
	ui->dirty = true;
	return true;
}
