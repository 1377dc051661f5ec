/* Rejection notices printed once per operation, with the operations
 * already noticed kept in a sorted array for this run. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/log.h"
#include "notice.h"

void notice_init(struct notice_log *log, int64_t since)
{
	log->since = since;
	log->count = 0;
	log->full_reported = false;
}

/* Return the index of id in the log, or of the place it would go, with
 * *found set accordingly. */
static int notice_find(const struct notice_log *log, const char *id,
		       bool *found)
{
	int low = 0;
	int high = log->count;

	while (low < high) {
		int middle = low + (high - low) / 2;
		int order = strcmp(log->ids[middle], id);

		if (order == 0) {
			*found = true;
			return middle;
		}
		if (order < 0)
			low = middle + 1;
		else
			high = middle;
	}
	*found = false;
	return low;
}

/* Add id to the log. Returns false when it is there already or the log
 * is full, so that no notice is printed twice. */
static bool notice_remember(struct notice_log *log, const char *id)
{
	bool found;
	int index = notice_find(log, id, &found);

	if (found)
		return false;
	if (log->count >= NOTICE_IDS_MAX) {
		if (!log->full_reported)
			log_warn("%d rejection notices printed in this run; "
				 "more are printed only from the queue",
				 NOTICE_IDS_MAX);
		log->full_reported = true;
		return false;
	}
	memmove(log->ids[index + 1], log->ids[index],
		(size_t)(log->count - index) * sizeof(log->ids[0]));
	snprintf(log->ids[index], sizeof(log->ids[index]), "%s", id);
	log->count++;
	return true;
}

/* Print the notice of op when one is due. recent_only leaves out the
 * rejections recorded before the run started. */
static bool notice_consider(struct notice_log *log, struct app *app,
			    const struct operation *op, bool recent_only,
			    struct notice_report *report)
{
	char message[sizeof(report->print_message)];

	if (op->state != OP_REJECTED || op->attempts <= 0 ||
	    op->acknowledged_at != 0)
		return false;
	if (recent_only && op->updated_at < log->since)
		return false;
	if (!notice_remember(log, op->id))
		return false;

	report->rejected++;
	snprintf(report->id, sizeof(report->id), "%s", op->id);
	snprintf(report->reason, sizeof(report->reason), "%s",
		 op->last_error);
	if (app_print_notice(app, op->id, message, sizeof(message)) != 0) {
		report->failed++;
		snprintf(report->print_message,
			 sizeof(report->print_message), "%s", message);
		log_warn("rejection notice for operation %s not printed: %s",
			 op->id, message);
	}
	return true;
}

bool notice_operation(struct notice_log *log, struct app *app,
		      const char *id, struct notice_report *report)
{
	struct operation op;
	int rc = journal_get(app->journal, id, &op);

	if (rc != JOURNAL_OK) {
		log_error("cannot read rejected operation %s: %s", id,
			  journal_strerror(rc));
		return false;
	}
	return notice_consider(log, app, &op, false, report);
}

int notice_sweep(struct notice_log *log, struct app *app,
		 struct notice_report *report)
{
	struct operation *ops;
	int due = 0;
	int n;
	int i;

	ops = calloc(NOTICE_SWEEP_MAX, sizeof(*ops));
	if (ops == NULL) {
		log_error("no memory to look for rejected operations");
		return 0;
	}

	/* NOTE: this reads the oldest unacknowledged rejections only, so
	 * while more than NOTICE_SWEEP_MAX wait, a newer one that no event
	 * reported gets its notice once the agent acknowledges older ones. */
	n = journal_list_unacknowledged(app->journal, ops, NOTICE_SWEEP_MAX);
	if (n < 0)
		log_error("cannot list rejected operations: %s",
			  journal_strerror(n));
	for (i = 0; i < n; i++) {
		if (notice_consider(log, app, &ops[i], true, report))
			due++;
	}
	free(ops);
	return due;
}
