/* Printing the end-of-day report on the configured receipt printer: the
 * report laid out by report_layout, encoded as one ESC/POS print job. */
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
	};
	const char *kind = report->closed_at != 0 ? "Z" : "X";
	struct receipt receipt;
	struct escpos_buf job;
	int rc;

	if (report_layout(report, &context, app->config.paper_columns,
			  &receipt) != 0) {
		log_error("report of day %lld not laid out for %d columns",
			  (long long)report->day, app->config.paper_columns);
		snprintf(message, message_size,
			 "Report not printed: it does not fit the receipt");
		return -1;
	}
	escpos_init(&job);
	rc = receipt_encode(&receipt, &job);
	if (rc == 0)
		rc = printer_write_job(app->printer, job.data, job.len);
	else
		log_error("report of day %lld not encoded: %s",
			  (long long)report->day, escpos_strerror(rc));
	escpos_free(&job);
	if (rc != 0) {
		app->status.printer = printer_get_state(app->printer);
		log_error("report of day %lld not printed: %s",
			  (long long)report->day, printer_strerror(rc));
		snprintf(message, message_size, "Report not printed: %s",
			 printer_strerror(rc));
		return -1;
	}
	app->status.printer = printer_get_state(app->printer);
	log_info("%s report of day %lld printed%s", kind,
		 (long long)report->day, copy ? " as a copy" : "");
	snprintf(message, message_size, "%s report %sprinted", kind,
		 copy ? "copy " : "");
	return 0;
}
