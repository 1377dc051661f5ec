/* The terminal's end-of-day (Z) report: counts and totals of all its
 * agents per operation type and currency, confirmed versus pending versus
 * rejected, the operations decided since an earlier close, and each
 * agent's float movement. Closing the day records it in the journal. */
#ifndef SPOTAGENT_REPORT_H
#define SPOTAGENT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../offline/journal.h"
#include "receipt.h"

#define REPORT_LINES_MAX 32     /* type and currency pairs */
#define REPORT_CARRIED_MAX 16   /* pairs of carried operations */
#define REPORT_FLOATS_MAX 16    /* agent and currency pairs */
#define REPORT_JSON_SIZE 8192   /* report_json's output fits this */

enum report_error {
	REPORT_OK = 0,
	REPORT_EIO = -1,        /* the journal failed; details are logged */
	REPORT_EFULL = -2,      /* more type and currency pairs than fit */
	REPORT_EINVAL = -3,     /* bad argument, or output does not fit */
	REPORT_EEMPTY = -4,     /* close: no operation since the last close
				   and no carried one decided */
	REPORT_EPENDING = -5,   /* close: operations still undecided */
	REPORT_ECLOSED = -6,    /* close: the day to close was closed
				   meanwhile, by another program */
};

/* The column of a line that an operation counts in. Queued, in flight and
 * needs attention are pending. */
enum report_column {
	REPORT_CONFIRMED = 0,
	REPORT_PENDING = 1,
	REPORT_REJECTED = 2,
	REPORT_COLUMNS = 3,
};

struct report_line {
	char type[JOURNAL_TYPE_SIZE];
	char currency[4];          /* empty for operations that move no
				      money (customer registration ...) */
	int64_t count[REPORT_COLUMNS];
	int64_t amount[REPORT_COLUMNS]; /* minor units */
	int64_t fee[REPORT_COLUMNS];    /* always 0 in the rejected column:
					   a rejected operation charged no
					   fee */
};

/* The movement of one agent's float in one currency. */
struct report_float {
	char agent_id[JOURNAL_AGENT_SIZE]; /* the agent whose float moved;
					      empty in reports recorded
					      before floats were split by
					      agent */
	char currency[4];
	int64_t confirmed;         /* float movement of the day's accepted
				      operations */
	int64_t carried_confirmed; /* of carried operations accepted since
				      an earlier close; the day's confirmed
				      movement is the sum of both */
	int64_t pending;           /* of undecided ones, if all are accepted */
};

struct report {
	int64_t day;               /* 1 for the journal's first day */
	int64_t opened_at;         /* Unix seconds: the previous close, or
				      the first operation's created_at */
	int64_t closed_at;         /* 0 while the day is open */
	int line_count;            /* lines sorted by type, then currency */
	struct report_line lines[REPORT_LINES_MAX];
	/* Operations that an earlier close recorded as pending and that are
	 * now accepted or rejected ("Decided since an earlier close"), sorted
	 * like lines. Their pending column is always 0. */
	int carried_count;
	struct report_line carried[REPORT_CARRIED_MAX];
	int float_count;           /* floats sorted by agent, then currency */
	struct report_float floats[REPORT_FLOATS_MAX];
};

/* Build the report of the open day: every operation journaled since the
 * last close (by journal order, so a wrong clock cannot move one to
 * another day), with each one's current state, and the carried
 * operations decided since the close that left them pending. Returns 0,
 * or a negative report_error. */
int report_build(struct journal *journal, struct report *out);

/* Read the report recorded by the close of day `day`. Returns 0,
 * REPORT_EINVAL when no such close exists, or REPORT_EIO. */
int report_get_closed(struct journal *journal, int64_t day,
		      struct report *out);

/* Close the open day at `now`: build its report and record it in the
 * journal in one transaction, so later operations start the next day.
 * The day's pending operations are carried, and the report of the first
 * open day after their decision counts them. Returns REPORT_EEMPTY when
 * no operation was journaled since the last close and no carried one
 * was decided. Returns REPORT_EPENDING when some of the day's are
 * undecided, unless `force` is set (the agent closes with pending
 * operations, which stay pending in the recorded report). On success
 * *out is the recorded report. */
int report_close_day(struct journal *journal, int64_t now, int force,
		     struct report *out);

/* Close day `day` as report_close_day does, for a caller that showed
 * that day's report. Returns REPORT_ECLOSED, closing nothing, when the
 * open day is another one because day `day` was closed meanwhile. */
int report_close_shown_day(struct journal *journal, int64_t day,
			   int64_t now, int force, struct report *out);

/* Write the report as compact JSON (documented in docs/configuration.md
 * under `spotagent report`) into buf. Returns 0, or REPORT_EINVAL when it
 * does not fit. */
int report_json(const struct report *report, char *buf, size_t size);

/* Lay the report out for the receipt printer (`columns` 32 or 48),
 * headed with context's terminal and, when context names one, the agent
 * who prints it ("Printed by"), and marked as a copy when context->copy
 * is set.
 * Returns 0, or -1 when it does not fit RECEIPT_LINES_MAX or the width
 * is unsupported. */
int report_layout(const struct report *report,
		  const struct receipt_context *context, int columns,
		  struct receipt *out);

/* Return a static one-line message for the agent for a report_error. */
const char *report_strerror(int error);

#endif
