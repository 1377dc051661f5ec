/* The end-of-day (Z) report: counts and totals per operation type and
 * currency from the journal, confirmed versus pending versus rejected,
 * and the float's movement; and closing the day, which records the
 * report in the journal. */
#ifndef SPOTAGENT_REPORT_H
#define SPOTAGENT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../offline/journal.h"
#include "receipt.h"

#define REPORT_LINES_MAX 32     /* type and currency pairs */
#define REPORT_FLOATS_MAX 8     /* currencies */
#define REPORT_JSON_SIZE 8192   /* report_json's output fits this */

enum report_error {
	REPORT_OK = 0,
	REPORT_EIO = -1,        /* the journal failed; details are logged */
	REPORT_EFULL = -2,      /* more type and currency pairs than fit */
	REPORT_EINVAL = -3,     /* bad argument, or output does not fit */
	REPORT_EEMPTY = -4,     /* close: no operation since the last close */
	REPORT_EPENDING = -5,   /* close: operations still undecided */
};

/* Which column of a line an operation counts in. Queued, in flight and
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
	int64_t fee[REPORT_COLUMNS];
};

struct report_float {
	char currency[4];
	int64_t confirmed;         /* float movement of accepted operations */
	int64_t pending;           /* of undecided ones, if all are accepted */
};

struct report {
	int64_t day;               /* 1 for the journal's first day */
	int64_t opened_at;         /* Unix seconds: the previous close, or
				      the first operation's created_at */
	int64_t closed_at;         /* 0 while the day is open */
	int line_count;            /* lines sorted by type, then currency */
	struct report_line lines[REPORT_LINES_MAX];
	int float_count;
	struct report_float floats[REPORT_FLOATS_MAX];
};

/* Build the report of the open day: every operation journaled since the
 * last close (by journal order, so a wrong clock cannot move one to
 * another day), with each one's current state. Returns 0, or a negative
 * report_error. */
int report_build(struct journal *journal, struct report *out);

/* Read the report recorded by the close of day `day`. Returns 0,
 * REPORT_EINVAL when no such close exists, or REPORT_EIO. */
int report_get_closed(struct journal *journal, int64_t day,
		      struct report *out);

/* Close the open day at `now`: build its report and record it in the
 * journal in one transaction, so later operations start the next day.
 * Refused with REPORT_EEMPTY when no operation was journaled since the
 * last close, and with REPORT_EPENDING when some are undecided unless
 * `force` is set (the agent closes with pending operations, which stay
 * pending in the recorded report). On success *out is the recorded
 * report. */
int report_close_day(struct journal *journal, int64_t now, int force,
		     struct report *out);

/* Write the report as compact JSON (documented in docs/configuration.md
 * under `spotagent report`) into buf. Returns 0, or REPORT_EINVAL when it
 * does not fit. */
int report_json(const struct report *report, char *buf, size_t size);

/* Lay the report out for the receipt printer (`columns` 32 or 48), with
 * context's terminal and agent. Returns 0, or -1 when it does not fit
 * RECEIPT_LINES_MAX or the width is unsupported. */
int report_layout(const struct report *report,
		  const struct receipt_context *context, int columns,
		  struct receipt *out);

/* Return a static one-line message for the agent for a report_error. */
const char *report_strerror(int error);

#endif
