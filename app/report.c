/* The end-of-day report: the terminal's totals per operation type and
 * currency built from the journal's open day and the operations decided
 * since an earlier close, each agent's float movement, the report's JSON
 * form, and the close that records it. */
#define LOG_MODULE "report"

#include "report.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api.h"
#include "api_money.h"
#include "log.h"
#include "money.h"

static const char *const column_names[REPORT_COLUMNS] = {
	[REPORT_CONFIRMED] = "confirmed",
	[REPORT_PENDING] = "pending",
	[REPORT_REJECTED] = "rejected",
};

/* The state of a report_build or report_close_day in progress. */
struct build {
	struct journal *journal;
	struct report *report;
	bool carried;              /* visiting carried operations */
	bool force;                /* close with pending operations */
	int64_t shown_day;         /* close only this day; 0 for any */
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

/* Find the line of type and currency among the *count of lines,
 * inserting it in sorted place when absent. Returns NULL when all max
 * lines are taken. */
static struct report_line *find_line(struct report_line *lines, int *count,
				     int max, const char *type,
				     const char *currency)
{
	int i;

	for (i = 0; i < *count; i++) {
		struct report_line *line = &lines[i];
		int order = strcmp(line->type, type);

		if (order == 0)
			order = strcmp(line->currency, currency);
		if (order == 0)
			return line;
		if (order > 0)
			break;
	}
	if (*count == max)
		return NULL;

	memmove(&lines[i + 1], &lines[i],
		(size_t)(*count - i) * sizeof(lines[0]));
	(*count)++;
	memset(&lines[i], 0, sizeof(lines[i]));
	snprintf(lines[i].type, sizeof(lines[i].type), "%s", type);
	snprintf(lines[i].currency, sizeof(lines[i].currency), "%s",
		 currency);
	return &lines[i];
}

/* Find the float of agent_id in currency, inserting it in sorted place
 * when absent. Returns NULL when all REPORT_FLOATS_MAX are taken. */
static struct report_float *find_float(struct report *report,
				       const char *agent_id,
				       const char *currency)
{
	struct report_float *entry;
	int i;

	for (i = 0; i < report->float_count; i++) {
		int order = strcmp(report->floats[i].agent_id, agent_id);

		if (order == 0)
			order = strcmp(report->floats[i].currency, currency);
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
	entry = &report->floats[i];
	memset(entry, 0, sizeof(*entry));
	snprintf(entry->agent_id, sizeof(entry->agent_id), "%s", agent_id);
	snprintf(entry->currency, sizeof(entry->currency), "%s", currency);
	return entry;
}

/* Copy into agent_id the agent whose float op moves: its own, or for a
 * reversal its original's, because the central service moves the money
 * back to the original's sender, whichever agent journals the reversal. */
static int float_agent(struct journal *journal, const struct operation *op,
		       char agent_id[JOURNAL_AGENT_SIZE])
{
	struct reversal reversal;
	struct operation original;

	if (strcmp(op->type, API_TYPE_REVERSAL) != 0) {
		memcpy(agent_id, op->agent_id, JOURNAL_AGENT_SIZE);
		return 0;
	}
	if (api_reversal_decode(op->payload, &reversal) != 0 ||
	    journal_get(journal, reversal.original_id, &original) !=
		    JOURNAL_OK)
		return -1;
	memcpy(agent_id, original.agent_id, JOURNAL_AGENT_SIZE);
	return 0;
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
	char agent_id[JOURNAL_AGENT_SIZE];
	struct report_float *entry;
	int64_t *sum;
	int64_t effect = 0;

	if (column == REPORT_REJECTED)
		return REPORT_OK;
	if (money_float_effect(build->journal, op, &effect) != 0 ||
	    (effect != 0 && float_agent(build->journal, op, agent_id) != 0)) {
		log_error("operation %s: float effect of the %s is unreadable",
			  op->id, op->type);
		return REPORT_EIO;
	}
	if (effect == 0)
		return REPORT_OK;

	entry = find_float(build->report, agent_id, op->currency);
	if (entry == NULL) {
		log_warn("report has float movements of more than %d agent "
			 "and currency pairs", REPORT_FLOATS_MAX);
		return REPORT_EFULL;
	}
	if (column == REPORT_PENDING)
		sum = &entry->pending;
	else if (build->carried)
		sum = &entry->carried_confirmed;
	else
		sum = &entry->confirmed;
	if (add_checked(sum, effect) < 0)
		return REPORT_EINVAL;
	return REPORT_OK;
}

/* Find the line that op counts in: among the day's lines, or among the
 * carried ones while those are visited. */
static struct report_line *line_of(struct build *build,
				   const struct operation *op,
				   bool moves_money)
{
	struct report *report = build->report;
	const char *currency = moves_money ? op->currency : "";
	struct report_line *line;

	if (build->carried)
		line = find_line(report->carried, &report->carried_count,
				 REPORT_CARRIED_MAX, op->type, currency);
	else
		line = find_line(report->lines, &report->line_count,
				 REPORT_LINES_MAX, op->type, currency);
	if (line == NULL)
		log_warn("report has more than %d type and currency pairs%s",
			 build->carried ? REPORT_CARRIED_MAX
					: REPORT_LINES_MAX,
			 build->carried ? " of carried operations" : "");
	return line;
}

/* Count one operation in its line and the float. */
static int count_operation(struct build *build, const struct operation *op)
{
	enum report_column column = column_of(op->state);
	bool moves_money = api_type_moves_money(op->type);
	struct report_line *line;
	int64_t fee = 0;

	line = line_of(build, op, moves_money);
	if (line == NULL)
		return REPORT_EFULL;
	line->count[column]++;
	if (!moves_money)
		return REPORT_OK;

	/* A rejected operation charged no fee, so its column sums none. */
	if (column != REPORT_REJECTED && read_fee(op, &fee) < 0) {
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

static int visit_day_operation(const struct operation *op, void *context)
{
	struct build *build = context;

	build->carried = false;
	build->error = count_operation(build, op);
	return build->error != REPORT_OK;
}

static int visit_carried_operation(const struct operation *op,
				   void *context)
{
	struct build *build = context;

	build->carried = true;
	build->error = count_operation(build, op);
	return build->error != REPORT_OK;
}

static int report_from_journal_error(int rc)
{
	return rc == JOURNAL_EINVAL ? REPORT_EINVAL : REPORT_EIO;
}

/* Translate the result of a journal scan or close, logged with what
 * was read. */
static int report_from_scan(int rc, const struct build *build,
			    const char *what)
{
	if (rc == JOURNAL_OK)
		return REPORT_OK;
	if (rc == JOURNAL_ECHECK)
		return build->error;
	log_error("reading %s failed: %s", what, journal_strerror(rc));
	return report_from_journal_error(rc);
}

/* Build the open day's report. The day and the carried operations are
 * read in two transactions: an operation is in only one of them, so a
 * decision in between moves nothing from one block to the other. */
int report_build(struct journal *journal, struct report *out)
{
	struct report report;
	struct build build = {.journal = journal, .report = &report};
	struct journal_day day;
	int64_t carried = 0;
	int rc;

	if (journal == NULL || out == NULL)
		return REPORT_EINVAL;
	memset(&report, 0, sizeof(report));
	rc = journal_day_scan(journal, visit_day_operation, &build, &day);
	rc = report_from_scan(rc, &build, "the open day");
	if (rc != REPORT_OK)
		return rc;
	rc = journal_day_scan_carried(journal, visit_carried_operation,
				      &build, &carried);
	rc = report_from_scan(rc, &build, "the carried operations");
	if (rc != REPORT_OK)
		return rc;

	report.day = day.day;
	report.opened_at = day.opened_at;
	report.closed_at = 0;
	*out = report;
	return REPORT_OK;
}

static int64_t pending_count(const struct report *report)
{
	int64_t count = 0;

	for (int i = 0; i < report->line_count; i++)
		count += report->lines[i].count[REPORT_PENDING];
	return count;
}

/* Check the day that journal_day_close scanned and write its report as
 * the JSON to record. Returns 0, or 1 with build->error set to refuse
 * the close. */
static int compose_close(const struct journal_day *day, int64_t carried,
			 char *json, size_t size, void *context)
{
	struct build *build = context;
	struct report *report = build->report;

	report->day = day->day;
	report->opened_at = day->opened_at;
	report->closed_at = day->closed_at;
	if (build->shown_day != 0 && day->day != build->shown_day)
		build->error = REPORT_ECLOSED;
	else if (day->operations == 0 && carried == 0)
		build->error = REPORT_EEMPTY;
	else if (!build->force && pending_count(report) > 0)
		build->error = REPORT_EPENDING;
	else
		build->error = report_json(report, json, size);
	return build->error != REPORT_OK;
}

/* Close the open day, or only day shown_day when it is not 0. */
static int close_day(struct journal *journal, int64_t shown_day, int64_t now,
		     int force, struct report *out)
{
	struct report report;
	struct build build = {
		.journal = journal,
		.report = &report,
		.force = force != 0,
		.shown_day = shown_day,
	};
	const struct journal_day_close calls = {
		.visit_day = visit_day_operation,
		.visit_carried = visit_carried_operation,
		.compose = compose_close,
		.context = &build,
	};
	struct journal_day day;
	int rc;

	if (journal == NULL || out == NULL)
		return REPORT_EINVAL;
	memset(&report, 0, sizeof(report));

	/* The close holds the journal's write lock from the scan to the
	 * record, so no other close or decision gets in between. */
	rc = journal_day_close(journal, now, &calls, &day);
	rc = report_from_scan(rc, &build, "and closing the open day");
	if (rc != REPORT_OK)
		return rc;
	log_info("day %lld closed with %lld operations, %lld pending, and "
		 "%d type and currency pairs decided since an earlier close",
		 (long long)day.day, (long long)day.operations,
		 (long long)pending_count(&report), report.carried_count);
	*out = report;
	return REPORT_OK;
}

int report_close_day(struct journal *journal, int64_t now, int force,
		     struct report *out)
{
	return close_day(journal, 0, now, force, out);
}

int report_close_shown_day(struct journal *journal, int64_t day,
			   int64_t now, int force, struct report *out)
{
	if (day < 1)
		return REPORT_EINVAL;
	return close_day(journal, day, now, force, out);
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

/* A line as JSON. A carried line leaves out its pending column, which
 * is always 0, and the rejected column has no fee because a rejected
 * operation charged none. */
static json_t *line_to_json(const struct report_line *line, bool carried)
{
	json_t *object = json_pack("{s:s, s:s}", "type", line->type,
				   "currency", line->currency);

	for (int c = 0; object != NULL && c < REPORT_COLUMNS; c++) {
		json_t *column;

		if (carried && c == REPORT_PENDING)
			continue;
		if (c == REPORT_REJECTED)
			column = json_pack("{s:I, s:I}", "count",
					   (json_int_t)line->count[c],
					   "amount",
					   (json_int_t)line->amount[c]);
		else
			column = json_pack("{s:I, s:I, s:I}", "count",
					   (json_int_t)line->count[c],
					   "amount",
					   (json_int_t)line->amount[c], "fee",
					   (json_int_t)line->fee[c]);

		if (json_object_set_new(object, column_names[c], column) != 0) {
			json_decref(object);
			return NULL;
		}
	}
	return object;
}

/* The n lines as a JSON array, or NULL. */
static json_t *lines_to_json(const struct report_line *lines, int n,
			     bool carried)
{
	json_t *array = json_array();

	for (int i = 0; array != NULL && i < n; i++) {
		if (json_array_append_new(array,
					  line_to_json(&lines[i], carried)) !=
		    0) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

static json_t *floats_to_json(const struct report *report)
{
	json_t *array = json_array();

	for (int i = 0; array != NULL && i < report->float_count; i++) {
		const struct report_float *f = &report->floats[i];

		if (json_array_append_new(
			    array,
			    json_pack("{s:s, s:s, s:I, s:I, s:I}", "agent_id",
				      f->agent_id, "currency", f->currency,
				      "confirmed", (json_int_t)f->confirmed,
				      "carried_confirmed",
				      (json_int_t)f->carried_confirmed,
				      "pending",
				      (json_int_t)f->pending)) != 0) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

static json_t *report_to_json(const struct report *report)
{
	char opened[32];
	char closed[32];
	json_t *lines = lines_to_json(report->lines, report->line_count,
				      false);
	json_t *carried = lines_to_json(report->carried,
					report->carried_count, true);
	json_t *floats = floats_to_json(report);
	json_t *root = NULL;
	bool failed;

	if (format_time(report->opened_at, opened, sizeof(opened)) < 0 ||
	    format_time(report->closed_at, closed, sizeof(closed)) < 0 ||
	    lines == NULL || carried == NULL || floats == NULL)
		goto fail;

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
	failed = json_object_set_new(root, "carried", carried) != 0 || failed;
	carried = NULL;
	failed = json_object_set_new(root, "floats", floats) != 0 || failed;
	floats = NULL;
	if (failed)
		goto fail;
	return root;
fail:
	json_decref(root);
	json_decref(lines);
	json_decref(carried);
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

/* Read a line that line_to_json wrote with the same `carried`. */
static int line_from_json(json_t *object, struct report_line *line,
			  bool carried)
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
		json_int_t fee = 0;

		if (carried && c == REPORT_PENDING)
			continue;
		if (json_unpack(json_object_get(object, column_names[c]),
				"{s:I, s:I, s?I}", "count", &count, "amount",
				&amount, "fee", &fee) != 0)
			return -1;
		line->count[c] = count;
		line->amount[c] = amount;

		/* Reports recorded by earlier versions summed the fees of
		 * rejected operations, which were never charged, so those
		 * read back as 0. */
		line->fee[c] = c == REPORT_REJECTED ? 0 : fee;
	}
	return 0;
}

static int float_from_json(json_t *object, struct report_float *entry)
{
	const char *agent_id = "";
	const char *currency = NULL;
	json_int_t confirmed;
	json_int_t carried_confirmed = 0;
	json_int_t pending;

	/* Reports recorded by schema version 7 have no carried_confirmed.
	 * Those recorded by earlier versions have no agent_id, because one
	 * entry per currency covered all agents. */
	memset(entry, 0, sizeof(*entry));
	if (json_unpack(object, "{s?s, s:s, s:I, s?I, s:I}", "agent_id",
			&agent_id, "currency", &currency, "confirmed",
			&confirmed, "carried_confirmed", &carried_confirmed,
			"pending", &pending) != 0 ||
	    copy_text(agent_id, entry->agent_id, sizeof(entry->agent_id)) < 0 ||
	    copy_text(currency, entry->currency, sizeof(entry->currency)) < 0)
		return -1;
	entry->confirmed = confirmed;
	entry->carried_confirmed = carried_confirmed;
	entry->pending = pending;
	return 0;
}

/* Read a report that report_json wrote. */
static int report_from_json(const char *text, struct report *out)
{
	json_t *root = json_loads(text, 0, NULL);
	json_t *lines = NULL;
	json_t *carried = NULL;
	json_t *floats = NULL;
	const char *opened = NULL;
	const char *closed = NULL;
	json_int_t day;
	int rc = -1;

	/* Reports recorded by schema version 7 have no carried lines. */
	memset(out, 0, sizeof(*out));
	if (root == NULL ||
	    json_unpack(root, "{s:I, s:s, s:s, s:o, s?o, s:o}", "day", &day,
			"opened_at", &opened, "closed_at", &closed, "lines",
			&lines, "carried", &carried, "floats", &floats) != 0 ||
	    parse_time(opened, &out->opened_at) < 0 ||
	    parse_time(closed, &out->closed_at) < 0 ||
	    json_array_size(lines) > REPORT_LINES_MAX ||
	    json_array_size(carried) > REPORT_CARRIED_MAX ||
	    json_array_size(floats) > REPORT_FLOATS_MAX)
		goto out;
	out->day = day;
	out->line_count = (int)json_array_size(lines);
	out->carried_count = (int)json_array_size(carried);
	out->float_count = (int)json_array_size(floats);
	for (int i = 0; i < out->line_count; i++) {
		if (line_from_json(json_array_get(lines, i), &out->lines[i],
				   false) < 0)
			goto out;
	}
	for (int i = 0; i < out->carried_count; i++) {
		if (line_from_json(json_array_get(carried, i),
				   &out->carried[i], true) < 0)
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
		return "No operation since the last close and no pending one "
		       "decided since: nothing to close";
	case REPORT_EPENDING:
		return "Some operations are still pending: sync first, or "
		       "close anyway";
	case REPORT_ECLOSED:
		return "This day was closed meanwhile by another program";
	default:
		return "Unknown report error";
	}
}
