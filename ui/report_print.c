/* Printing the end-of-day report on the configured receipt printer: the
 * report laid out by report_layout, encoded as one ESC/POS print job for
 * the print worker. */
#define LOG_MODULE "ui"
#include <stdio.h>

#include "../app/log.h"
#include "report_print.h"

int report_print(struct app *app, const struct report *report, bool copy,
		 char *message, size_t message_size)
{
	struct receipt_context context = {
		.terminal_id = app->config.terminal_id,
		.agent_name =
			app->session.logged_in ? app->session.agent_name : NULL,
		.copy = copy,
		.profile = app_print_profile(app),
	};
	const char *kind = report->closed_at != 0 ? "Z" : "X";
	struct receipt receipt;
	struct escpos_buf job;
	int rc;

	if (report_layout(report, &context, context.profile->columns,
			  &receipt) != 0) {
		log_error("report of day %lld not laid out for %d columns",
			  (long long)report->day, context.profile->columns);
		snprintf(message, message_size,
			 "Report not printed: it does not fit the receipt");
		return -1;
	}
	escpos_init(&job);
	escpos_set_profile(&job, context.profile);
	rc = receipt_encode(&receipt, &job);
	if (rc != 0) {
		log_error("report of day %lld not encoded: %s",
			  (long long)report->day, escpos_strerror(rc));
		snprintf(message, message_size, "Report not printed: %s",
			 escpos_strerror(rc));
		escpos_free(&job);
		return -1;
	}
	rc = app_print_job(app, PRINT_KIND_REPORT, NULL, &job, message,
			   message_size);
	escpos_free(&job);
	if (rc != 0)
		return -1;
	log_info("%s report of day %lld sent to the printer%s", kind,
		 (long long)report->day, copy ? " as a copy" : "");
	snprintf(message, message_size, "%s report %ssent to the printer",
		 kind, copy ? "copy " : "");
	return 0;
}
