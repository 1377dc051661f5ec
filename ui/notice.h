/* Rejection notices: a printed notice for each operation that the central
 * service rejected after it was sent, at most one per operation in a run. */
#ifndef SPOTAGENT_UI_NOTICE_H
#define SPOTAGENT_UI_NOTICE_H

#include <stdbool.h>
#include <stdint.h>

#include "../app/app.h"

/* Most operations one run remembers; beyond it no more notices are
 * printed by themselves, and the agent prints them from the queue. */
#define NOTICE_IDS_MAX 4096

/* Most unacknowledged rejections one sweep reads from the journal. */
#define NOTICE_SWEEP_MAX 64

/* The operations whose notice this run printed or tried to print, as a
 * sorted array of ids.
 * NOTE: the list lives in memory only, so it is empty after a restart.
 * To keep a restart from printing old notices again, a sweep only picks
 * up rejections recorded since the run started, and a rejection recorded
 * while the terminal was not running gets no notice by itself. The
 * journal is to own print jobs later, which will close this gap. */
struct notice_log {
	int64_t since;      /* Unix seconds when the run started */
	int count;
	bool full_reported; /* the full list was logged once */
	char ids[NOTICE_IDS_MAX][JOURNAL_ID_SIZE];
};

/* Summary of notice calls, for the message to the agent. The calls add
 * to it, so start from a zeroed report. */
struct notice_report {
	int rejected;                    /* notices due in these calls */
	int failed;                      /* of them, not printed */
	char id[JOURNAL_ID_SIZE];        /* the last operation noticed */
	char reason[JOURNAL_ERROR_SIZE]; /* and its reason */
	char print_message[160];         /* the last printing failure */
};

/* Start an empty log for a run that starts at `since`. */
void notice_init(struct notice_log *log, int64_t since);

/* Print the notice of operation id when it is rejected after being sent,
 * not acknowledged and not noticed before in this run. Call it for an
 * EVENT_OPERATION that reports OP_REJECTED. Returns true when a notice
 * was due, printed or not (report->failed counts the failures). */
bool notice_operation(struct notice_log *log, struct app *app,
		      const char *id, struct notice_report *report);

/* Print the notices of unacknowledged rejections recorded since the run
 * started and not noticed yet: the oldest NOTICE_SWEEP_MAX of them. This
 * finds the rejections of a batch too large to be reported one event per
 * operation; call it after EVENT_QUEUE. Returns how many were due. */
int notice_sweep(struct notice_log *log, struct app *app,
		 struct notice_report *report);

#endif
