/* The end-of-day report: totals per operation type and currency built
 * from the journal's open day, the float's movement, its JSON form and
 * receipt layout, and the close that records it. */
#define LOG_MODULE "report"

#include "report.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api.h"
#include "api_money.h"
#include "currency.h"
#include "log.h"
#include "money.h"
#include "op_type.h"

/* How many times a close is tried when another close of the same day
 * got in between the build and the record. */
#define CLOSE_ATTEMPTS 2

static const char *const column_names[REPORT_COLUMNS] = {
	[REPORT_CONFIRMED] = "confirmed",
	[REPORT_PENDING] = "pending",
	[REPORT_REJECTED] = "rejected",
};

/* The state of a report_build in progress. */
struct build {
	struct journal *journal;
	struct report *report;
	int error;                 /* report_error that stopped the scan */
};

static enum report_column column_of(enum op_state state)
{
	if (state == OP_ACCEPTED)
		return REPORT_CONFIRMED;
	if (state == OP_REJECTED)
		return REPORT_REJECTED;
	return REPORT_PENDING;
}

/* Find the line of type and currency, inserting it in sorted place when
 * absent. Returns NULL when the report has no room for another. */
static struct report_line *find_line(struct report *report, const char *type,
				     const char *currency)
{
	int i;

	for (i = 0; i < report->line_count; i++) {
		struct report_line *line = &report->lines[i];
		int order = strcmp(line->type, type);

		if (order == 0)
			order = strcmp(line->currency, currency);
		if (order == 0)
			return line;
		if (order > 0)
			break;
	}
	if (report->line_count == REPORT_LINES_MAX)
		return NULL;

	memmove(&report->lines[i + 1], &report->lines[i],
		(size_t)(report->line_count - i) * sizeof(report->lines[0]));
	report->line_count++;
	memset(&report->lines[i], 0, sizeof(report->lines[i]));
	snprintf(report->lines[i].type, sizeof(report->lines[i].type), "%s",
		 type);
	snprintf(report->lines[i].currency,
		 sizeof(report->lines[i].currency), "%s", currency);
	return &report->lines[i];
}

static struct report_float *find_float(struct report *report,
				       const char *currency)
{
	int i;

	for (i = 0; i < report->float_count; i++) {
		int order = strcmp(report->floats[i].currency, currency);

		if (order == 0)
			return &report->floats[i];
		if (order > 0)
			break;
	}
	if (report->float_count == REPORT_FLOATS_MAX)
		return NULL;

	memmove(&report->floats[i + 1], &report->floats[i],
		(size_t)(report->float_count - i) *
			sizeof(report->floats[0]));
	report->float_count++;
	memset(&report->floats[i], 0, sizeof(report->floats[i]));
	snprintf(report->floats[i].currency,
		 sizeof(report->floats[i].currency), "%s", currency);
	return &report->floats[i];
}

/* The fee of a money operation: the one the customer paid, or for a
 * reversal the fee it refunds as a negative number, as the central
 * service's ledger records it, so that the fees of all lines add up to
 * the fees earned. */
static int read_fee(const struct operation *op, int64_t *fee)
{
	struct reversal reversal;

	if (strcmp(op->type, API_TYPE_REVERSAL) == 0) {
		if (api_reversal_decode(op->payload, &reversal) != 0)
			return -1;
		*fee = -reversal.refunded_fee;
		return 0;
	}
	return api_payload_fee(op->payload, fee) == 0 ? 0 : -1;
}

/* Add value to *sum. Returns -1, with *sum unchanged, on overflow. */
static int add_checked(int64_t *sum, int64_t value)
{
	int64_t result;

	if (__builtin_add_overflow(*sum, value, &result))
		return -1;
	*sum = result;
	return 0;
}

static int add_float_effect(struct build *build, const struct operation *op,
			    enum report_column column)
{
	struct report_float *entry;
	int64_t effect = 0;

	if (column == REPORT_REJECTED)
		return REPORT_OK;
	if (money_float_effect(build->journal, op, &effect) != 0) {
		log_error("operation %s: float effect of the %s is unreadable",
			  op->id, op->type);
		return REPORT_EIO;
	}
	if (effect == 0)
		return REPORT_OK;

	entry = find_float(build->report, op->currency);
	if (entry == NULL) {
		log_warn("report has float movements in more than %d "
			 "currencies", REPORT_FLOATS_MAX);
		return REPORT_EFULL;
	}
	if (add_checked(column == REPORT_CONFIRMED ? &entry->confirmed
						   : &entry->pending,
			effect) < 0)
		return REPORT_EINVAL;
	return REPORT_OK;
}

/* Count one operation of the open day in its line and the float. */
static int count_operation(struct build *build, const struct operation *op)
{
	enum report_column column = column_of(op->state);
	bool moves_money = api_type_moves_money(op->type);
	struct report_line *line;
	int64_t fee = 0;

	line = find_line(build->report, op->type,
			 moves_money ? op->currency : "");
	if (line == NULL) {
		log_warn("report has more than %d type and currency pairs",
			 REPORT_LINES_MAX);
		return REPORT_EFULL;
	}
	line->count[column]++;
	if (!moves_money)
		return REPORT_OK;

	if (read_fee(op, &fee) < 0) {
		log_error("operation %s: the fee in its payload is unreadable",
			  op->id);
		return REPORT_EIO;
	}
	if (add_checked(&line->amount[column], op->amount) < 0 ||
	    add_checked(&line->fee[column], fee) < 0) {
		log_warn("report totals of %s in %s overflow", op->type,
			 op->currency);
		return REPORT_EINVAL;
	}
	return add_float_effect(build, op, column);
}

static int visit_operation(const struct operation *op, void *context)
{
	struct build *build = context;

	build->error = count_operation(build, op);
	return build->error != REPORT_OK;
}

static int report_from_journal_error(int rc)
{
	return rc == JOURNAL_EINVAL ? REPORT_EINVAL : REPORT_EIO;
}

/* Build the open day's report and return the day's span in *day. */
static int build_open_day(struct journal *journal, struct report *out,
			  struct journal_day *day)
{
	struct build build = {.journal = journal, .report = out};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = journal_day_scan(journal, visit_operation, &build, day);
	if (rc == JOURNAL_ECHECK)
		return build.error;
	if (rc != JOURNAL_OK) {
		log_error("reading the open day failed: %s",
			  journal_strerror(rc));
		return report_from_journal_error(rc);
	}
	out->day = day->day;
	out->opened_at = day->opened_at;
	out->closed_at = 0;
	return REPORT_OK;
}

int report_build(struct journal *journal, struct report *out)
{
	struct report report;
	struct journal_day day;
	int rc;

	if (journal == NULL || out == NULL)
		return REPORT_EINVAL;
	rc = build_open_day(journal, &report, &day);
	if (rc == REPORT_OK)
		*out = report;
	return rc;
}

static int64_t pending_count(const struct report *report)
{
	int64_t count = 0;

	for (int i = 0; i < report->line_count; i++)
		count += report->lines[i].count[REPORT_PENDING];
	return count;
}

/* Build the open day and record its close at now. Sets *raced when
 * another close of the same day got in first, so nothing was recorded. */
static int close_once(struct journal *journal, int64_t now, int force,
		      struct report *out, bool *raced)
{
	char json[REPORT_JSON_SIZE];
	struct journal_day day;
	int rc;

	*raced = false;
	rc = build_open_day(journal, out, &day);
	if (rc != REPORT_OK)
		return rc;
	if (day.operations == 0)
		return REPORT_EEMPTY;
	if (!force && pending_count(out) > 0)
		return REPORT_EPENDING;

	out->closed_at = now;
	day.closed_at = now;
	rc = report_json(out, json, sizeof(json));
	if (rc != REPORT_OK)
		return rc;

	rc = journal_day_record(journal, &day, json);
	if (rc == JOURNAL_EEXIST) {
		*raced = true;
		return REPORT_EIO;
	}
	if (rc != JOURNAL_OK) {
		log_error("recording the close of day %lld failed: %s",
			  (long long)day.day, journal_strerror(rc));
		return report_from_journal_error(rc);
	}
	log_info("day %lld closed with %lld operations, %lld pending",
		 (long long)day.day, (long long)day.operations,
		 (long long)pending_count(out));
	return REPORT_OK;
}

int report_close_day(struct journal *journal, int64_t now, int force,
		     struct report *out)
{
	struct report report;
	bool raced = false;
	int rc = REPORT_EIO;

	if (journal == NULL || out == NULL)
		return REPORT_EINVAL;

	/* Another process may close the same day between the build and the
	 * record; the record then fails and the new open day is tried. */
	for (int attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
		rc = close_once(journal, now, force, &report, &raced);
		if (!raced)
			break;
		log_warn("day %lld was closed by another process first",
			 (long long)report.day);
	}
	if (rc == REPORT_OK)
		*out = report;
	return rc;
}

/* Format t as RFC 3339 UTC. Returns -1 when t is out of range. */
static int format_time(int64_t t, char *buf, size_t size)
{
	time_t seconds = (time_t)t;
	struct tm tm;

	if (gmtime_r(&seconds, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

static int parse_time(const char *text, int64_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

static json_t *line_to_json(const struct report_line *line)
{
	json_t *object = json_pack("{s:s, s:s}", "type", line->type,
				   "currency", line->currency);

	for (int c = 0; object != NULL && c < REPORT_COLUMNS; c++) {
		json_t *column = json_pack(
			"{s:I, s:I, s:I}", "count", (json_int_t)line->count[c],
			"amount", (json_int_t)line->amount[c], "fee",
			(json_int_t)line->fee[c]);

		if (json_object_set_new(object, column_names[c], column) != 0) {
			json_decref(object);
			return NULL;
		}
	}
	return object;
}

static json_t *report_to_json(const struct report *report)
{
	char opened[32];
	char closed[32];
	json_t *lines = json_array();
	json_t *floats = json_array();
	json_t *root = NULL;
	bool failed;

	if (format_time(report->opened_at, opened, sizeof(opened)) < 0 ||
	    format_time(report->closed_at, closed, sizeof(closed)) < 0 ||
	    lines == NULL || floats == NULL)
		goto fail;
	for (int i = 0; i < report->line_count; i++) {
		if (json_array_append_new(lines,
					  line_to_json(&report->lines[i])) != 0)
			goto fail;
	}
	for (int i = 0; i < report->float_count; i++) {
		const struct report_float *f = &report->floats[i];

		if (json_array_append_new(
			    floats,
			    json_pack("{s:s, s:I, s:I}", "currency",
				      f->currency, "confirmed",
				      (json_int_t)f->confirmed, "pending",
				      (json_int_t)f->pending)) != 0)
			goto fail;
	}

	root = json_pack("{s:I, s:s, s:s, s:s?}", "day",
			 (json_int_t)report->day, "status",
			 report->closed_at != 0 ? "closed" : "open",
			 "opened_at", opened, "closed_at",
			 report->closed_at != 0 ? closed : NULL);
	if (root == NULL)
		goto fail;

	/* json_object_set_new takes the reference even when it fails. */
	failed = json_object_set_new(root, "lines", lines) != 0;
	lines = NULL;
	failed = json_object_set_new(root, "floats", floats) != 0 || failed;
	floats = NULL;
	if (failed)
		goto fail;
	return root;
fail:
	json_decref(root);
	json_decref(lines);
	json_decref(floats);
	return NULL;
}

int report_json(const struct report *report, char *buf, size_t size)
{
	json_t *root;
	size_t needed;
	int rc = REPORT_EINVAL;

	if (report == NULL || buf == NULL || size == 0)
		return REPORT_EINVAL;
	root = report_to_json(report);
	if (root == NULL) {
		log_warn("report of day %lld cannot be written as JSON",
			 (long long)report->day);
		return REPORT_EINVAL;
	}

	/* json_dumpb does not write the NUL, and returns the full length
	 * even when buf is too small. */
	needed = json_dumpb(root, buf, size,
			    JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (needed == 0 || needed >= size) {
		log_warn("report of day %lld needs %zu bytes of JSON, more "
			 "than %zu", (long long)report->day, needed, size - 1);
		goto out;
	}
	buf[needed] = '\0';
	rc = REPORT_OK;
out:
	json_decref(root);
	return rc;
}

static int copy_text(const char *text, char *dst, size_t size)
{
	size_t length;

	if (text == NULL)
		return -1;
	length = strlen(text);
	if (length >= size)
		return -1;
	memcpy(dst, text, length + 1);
	return 0;
}

static int line_from_json(json_t *object, struct report_line *line)
{
	const char *type = NULL;
	const char *currency = NULL;

	memset(line, 0, sizeof(*line));
	if (json_unpack(object, "{s:s, s:s}", "type", &type, "currency",
			&currency) != 0 ||
	    copy_text(type, line->type, sizeof(line->type)) < 0 ||
	    copy_text(currency, line->currency, sizeof(line->currency)) < 0)
		return -1;

	for (int c = 0; c < REPORT_COLUMNS; c++) {
		json_int_t count;
		json_int_t amount;
		json_int_t fee;

		if (json_unpack(json_object_get(object, column_names[c]),
				"{s:I, s:I, s:I}", "count", &count, "amount",
				&amount, "fee", &fee) != 0)
			return -1;
		line->count[c] = count;
		line->amount[c] = amount;
		line->fee[c] = fee;
	}
	return 0;
}

static int float_from_json(json_t *object, struct report_float *entry)
{
	const char *currency = NULL;
	json_int_t confirmed;
	json_int_t pending;

	memset(entry, 0, sizeof(*entry));
	if (json_unpack(object, "{s:s, s:I, s:I}", "currency", &currency,
			"confirmed", &confirmed, "pending", &pending) != 0 ||
	    copy_text(currency, entry->currency, sizeof(entry->currency)) < 0)
		return -1;
	entry->confirmed = confirmed;
	entry->pending = pending;
	return 0;
}

/* Read a report that report_json wrote. */
static int report_from_json(const char *text, struct report *out)
{
	json_t *root = json_loads(text, 0, NULL);
	json_t *lines = NULL;
	json_t *floats = NULL;
	const char *opened = NULL;
	const char *closed = NULL;
	json_int_t day;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (root == NULL ||
	    json_unpack(root, "{s:I, s:s, s:s, s:o, s:o}", "day", &day,
			"opened_at", &opened, "closed_at", &closed, "lines",
			&lines, "floats", &floats) != 0 ||
	    parse_time(opened, &out->opened_at) < 0 ||
	    parse_time(closed, &out->closed_at) < 0 ||
	    json_array_size(lines) > REPORT_LINES_MAX ||
	    json_array_size(floats) > REPORT_FLOATS_MAX)
		goto out;
	out->day = day;
	out->line_count = (int)json_array_size(lines);
	out->float_count = (int)json_array_size(floats);
	for (int i = 0; i < out->line_count; i++) {
		if (line_from_json(json_array_get(lines, i), &out->lines[i]) <
		    0)
			goto out;
	}
	for (int i = 0; i < out->float_count; i++) {
		if (float_from_json(json_array_get(floats, i),
				    &out->floats[i]) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int report_get_closed(struct journal *journal, int64_t day,
		      struct report *out)
{
	char json[JOURNAL_DAY_REPORT_SIZE];
	struct journal_day close;
	struct report report;
	int rc;

	if (journal == NULL || out == NULL)
		return REPORT_EINVAL;
	rc = journal_day_get(journal, day, &close, json, sizeof(json));
	if (rc == JOURNAL_ENOTFOUND)
		return REPORT_EINVAL;
	if (rc != JOURNAL_OK)
		return REPORT_EIO;

	if (report_from_json(json, &report) < 0 || report.day != day) {
		log_error("the recorded report of day %lld is unreadable",
			  (long long)day);
		return REPORT_EIO;
	}
	*out = report;
	return REPORT_OK;
}

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
 * its fee total below when not zero. */
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
		if (line->fee[c] == 0)
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

static int layout_floats(struct receipt *out, const struct report *report)
{
	char label[32];

	if (report->float_count == 0)
		return 0;
	if (receipt_add_paragraph(out, RECEIPT_STYLE_TOTAL,
				  "Float movement") < 0)
		return -1;
	for (int i = 0; i < report->float_count; i++) {
		const struct report_float *f = &report->floats[i];

		snprintf(label, sizeof(label), "%s confirmed", f->currency);
		if (add_amount(out, RECEIPT_STYLE_PLAIN, label, f->currency,
			       f->confirmed) < 0)
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

/* Day, times, terminal and agent. */
static int layout_origin(struct receipt *out, const struct report *report,
			 const struct receipt_context *context)
{
	char day[24];

	snprintf(day, sizeof(day), "%lld", (long long)report->day);
	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Day", day) < 0)
		return -1;
	if (report->opened_at != 0 &&
	    add_time(out, "Opened", report->opened_at) < 0)
		return -1;
	if (report->closed_at != 0 &&
	    add_time(out, "Closed", report->closed_at) < 0)
		return -1;
	if (receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Terminal",
			     context->terminal_id != NULL
				     ? context->terminal_id
				     : "") < 0)
		return -1;
	if (context->agent_name != NULL && context->agent_name[0] != '\0' &&
	    receipt_add_pair(out, RECEIPT_STYLE_PLAIN, "Agent",
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
	if (receipt_add_rule(out) < 0 || layout_floats(out, report) < 0)
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

const char *report_strerror(int error)
{
	switch (error) {
	case REPORT_OK:
		return "Success";
	case REPORT_EIO:
		return "Journal error while building the report (details in "
		       "the log)";
	case REPORT_EFULL:
		return "Too many operation types and currencies for one "
		       "report";
	case REPORT_EINVAL:
		return "No such closed day, or the report does not fit";
	case REPORT_EEMPTY:
		return "No operation since the last close: nothing to close";
	case REPORT_EPENDING:
		return "Some operations are still pending: sync first, or "
		       "close anyway";
	default:
		return "Unknown report error";
	}
}
