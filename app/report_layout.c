/* The end-of-day report laid out for the receipt printer: the
 * terminal's lines for the day, the block of operations decided since an
 * earlier close, and each agent's float movement. */
#define LOG_MODULE "report"

#include "report.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api_money.h"
#include "currency.h"
#include "log.h"
#include "op_type.h"

static const char *const column_titles[REPORT_COLUMNS] = {
	[REPORT_CONFIRMED] = "Confirmed",
	[REPORT_PENDING] = "Pending",
	[REPORT_REJECTED] = "Rejected",
};

/* Append label and a formatted amount, or the label alone when the
 * currency is empty. */
static int add_amount(struct receipt *out, enum receipt_style style,
		      const char *label, const char *currency, int64_t amount)
{
	char text[4 + CURRENCY_TEXT_MAX];

	if (currency[0] == '\0')
		return receipt_add_paragraph(out, style, label);
	if (receipt_format_amount(currency, amount, text, sizeof(text)) < 0)
		return -1;
	return receipt_add_columns(out, style, label, text);
}

/* A line's heading, then one line per column that has operations, with
 * its fee total below when not zero. The rejected column prints no fee:
 * a rejected operation charged none. */
static int layout_line(struct receipt *out, const struct report_line *line)
{
	char heading[JOURNAL_TYPE_SIZE + 8];
	char label[48];
	int rc;

	snprintf(heading, sizeof(heading), "%s%s%s", op_type_title(line->type),
		 line->currency[0] != '\0' ? " " : "", line->currency);
	if (receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL, heading) < 0)
		return -1;

	for (int c = 0; c < REPORT_COLUMNS; c++) {
		if (line->count[c] == 0)
			continue;
		snprintf(label, sizeof(label), "%s %lld", column_titles[c],
			 (long long)line->count[c]);
		if (add_amount(out, RECEIPT_STYLE_PLAIN, label, line->currency,
			       line->amount[c]) < 0)
			return -1;
		if (c == REPORT_REJECTED || line->fee[c] == 0)
			continue;
		/* A reversal's fee is negative: print what it refunded. */
		if (strcmp(line->type, API_TYPE_REVERSAL) == 0)
			rc = add_amount(out, RECEIPT_STYLE_PLAIN,
					"  Fees refunded", line->currency,
					-line->fee[c]);
		else
			rc = add_amount(out, RECEIPT_STYLE_PLAIN, "  Fees",
					line->currency, line->fee[c]);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The operations that an earlier close left pending and that are
 * decided now, under their own heading, when there are any. */
static int layout_carried(struct receipt *out, const struct report *report)
{
	if (report->carried_count == 0)
		return 0;
	if (receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL,
				  "Decided since an earlier close") < 0)
		return -1;
	for (int i = 0; i < report->carried_count; i++) {
		if (layout_line(out, &report->carried[i]) < 0)
			return -1;
	}
	return receipt_add_rule(out);
}

/* Append the heading of an agent's floats. A report recorded by an
 * earlier version has one float per currency for all agents. */
static int layout_float_agent(struct receipt *out, const char *agent_id)
{
	char heading[8 + JOURNAL_AGENT_SIZE];

	if (agent_id[0] == '\0')
		return receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN,
					     "All agents");
	snprintf(heading, sizeof(heading), "Agent %s", agent_id);
	return receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN, heading);
}

/* Each agent's float movement, under the agent's heading, because each
 * agent pays cash-ins from their own float. */
static int layout_floats(struct receipt *out, const struct report *report)
{
	char label[32];

	if (report->float_count == 0)
		return 0;
	if (receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL,
				  "Float movement per agent") < 0)
		return -1;
	for (int i = 0; i < report->float_count; i++) {
		const struct report_float *f = &report->floats[i];

		if ((i == 0 ||
		     strcmp(f->agent_id, report->floats[i - 1].agent_id) !=
			     0) &&
		    layout_float_agent(out, f->agent_id) < 0)
			return -1;

		snprintf(label, sizeof(label), "%s confirmed", f->currency);
		if (add_amount(out, RECEIPT_STYLE_PLAIN, label, f->currency,
			       f->confirmed) < 0)
			return -1;
		/* Shown apart: it belongs to operations of earlier days. */
		snprintf(label, sizeof(label), "%s carried", f->currency);
		if (f->carried_confirmed != 0 &&
		    add_amount(out, RECEIPT_STYLE_PLAIN, label, f->currency,
			       f->carried_confirmed) < 0)
			return -1;
		snprintf(label, sizeof(label), "%s pending", f->currency);
		if (add_amount(out, RECEIPT_STYLE_PLAIN, label, f->currency,
			       f->pending) < 0)
			return -1;
	}
	return receipt_add_rule(out);
}

static int add_time(struct receipt *out, const char *label, int64_t t)
{
	time_t seconds = (time_t)t;
	char text[32];
	struct tm tm;

	if (gmtime_r(&seconds, &tm) == NULL ||
	    strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &tm) == 0) {
		log_warn("report time %lld is out of range", (long long)t);
		return -1;
	}
	return receipt_add_pair(out, RECEIPT_STYLE_PLAIN, label, text);
}

/* Terminal, day and times, then the agent who prints it. The report
 * counts every agent's operations on the terminal, so it names the agent
 * only as the one who printed it. */
static int layout_origin(struct receipt *out, const struct report *report,
			 const struct receipt_context *context)
{
	char day[24];

	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Terminal",
			     context->terminal_id != NULL
				     ? context->terminal_id
				     : "") < 0)
		return -1;
	snprintf(day, sizeof(day), "%lld", (long long)report->day);
	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Day", day) < 0)
		return -1;
	if (report->opened_at != 0 &&
	    add_time(out, "Opened", report->opened_at) < 0)
		return -1;
	if (report->closed_at != 0 &&
	    add_time(out, "Closed", report->closed_at) < 0)
		return -1;
	if (context->agent_name != NULL && context->agent_name[0] != '\0' &&
	    receipt_add_columns(out, RECEIPT_STYLE_PLAIN, "Printed by",
				context->agent_name) < 0)
		return -1;
	return receipt_add_rule(out);
}

int report_layout(const struct report *report,
		  const struct receipt_context *context, int columns,
		  struct receipt *out)
{
	bool closed = report->closed_at != 0;

	if (receipt_begin(out, columns) < 0)
		return -1;
	if (receipt_add_header(out, context,
			       closed ? "Z REPORT"
				      : "X REPORT (day still open)") < 0 ||
	    layout_origin(out, report, context) < 0)
		return -1;

	if (report->line_count == 0 &&
	    receipt_add_paragraph(out, RECEIPT_STYLE_PLAIN,
				  "No operations") < 0)
		return -1;
	for (int i = 0; i < report->line_count; i++) {
		if (layout_line(out, &report->lines[i]) < 0)
			return -1;
	}
	if (receipt_add_rule(out) < 0 || layout_carried(out, report) < 0 ||
	    layout_floats(out, report) < 0)
		return -1;

	if (receipt_add_paragraph(out, RECEIPT_STYLE_CENTER,
				  closed ? "Day closed: totals recorded"
					 : "Totals change until the day is "
					   "closed") < 0)
		return -1;
	if (context->copy &&
	    receipt_add_paragraph(out, RECEIPT_STYLE_CENTER,
				  "*** COPY ***") < 0)
		return -1;
	return 0;
}
