/* The journal's lookups by dependency key and the day closings: the open
 * day's operations in insertion order and each closed day's report. A
 * close also carries its pending operations until a later close counts
 * their decision. */
#define LOG_MODULE "journal"

#include "journal.h"
#include "journal_internal.h"

#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "../app/log.h"

static const char *const statement_sql[STMT_TOTAL] = {
	/* A state whose bit is clear stays unbound, and NULL matches no
	 * row. */
	[STMT_LIST_BY_KEY] = "SELECT " JOURNAL_OPERATION_COLUMNS
			     " FROM operations"
			     " WHERE id IN (SELECT operation_id"
			     " FROM operation_keys WHERE key = ?1)"
			     " AND state IN (?2, ?3, ?4, ?5, ?6)"
			     " ORDER BY created_at, rowid LIMIT ?7",
	[STMT_DAY_LATEST] = "SELECT day, closed_at, last_operation_id"
			    " FROM day_closes ORDER BY day DESC LIMIT 1",
	/* The day's operation count follows from the rowids of its last
	 * operation and of the previous day's. */
	[STMT_DAY_GET] = "SELECT c.day, c.opened_at, c.closed_at,"
			 " c.last_operation_id, c.report,"
			 " (SELECT count(*) FROM operations"
			 "  WHERE rowid <= (SELECT rowid FROM operations"
			 "  WHERE id = c.last_operation_id)"
			 "  AND rowid > coalesce((SELECT o.rowid"
			 "  FROM day_closes p JOIN operations o"
			 "  ON o.id = p.last_operation_id"
			 "  WHERE p.day = c.day - 1), 0))"
			 " FROM day_closes c WHERE c.day = ?1",
	[STMT_DAY_SCAN] = "SELECT " JOURNAL_OPERATION_COLUMNS
			  " FROM operations WHERE rowid > ?1 ORDER BY rowid",
	[STMT_DAY_ROWID] = "SELECT rowid FROM operations WHERE id = ?1",
	[STMT_DAY_INSERT] = "INSERT INTO day_closes (day, opened_at,"
			    " closed_at, last_operation_id, report)"
			    " VALUES (?1, ?2, ?3, ?4, ?5)",
	/* day_pending is small, so each of its rows is looked up by the
	 * primary key of operations. */
	[STMT_DAY_CARRIED_SCAN] = "SELECT " JOURNAL_OPERATION_COLUMNS
				  " FROM operations"
				  " WHERE id IN (SELECT operation_id"
				  " FROM day_pending)"
				  " AND state IN ('accepted', 'rejected')"
				  " ORDER BY rowid",
	/* The undecided operations of day ?1, whose rowids are after ?2
	 * and up to ?3. */
	[STMT_DAY_CARRY] = "INSERT INTO day_pending (operation_id, day)"
			   " SELECT id, ?1 FROM operations"
			   " WHERE rowid > ?2 AND rowid <= ?3"
			   " AND state IN ('queued', 'in_flight',"
			   " 'needs_attention')",
	[STMT_DAY_SETTLE] = "DELETE FROM day_pending"
			    " WHERE (SELECT state FROM operations"
			    " WHERE id = day_pending.operation_id)"
			    " IN ('accepted', 'rejected')",
};

static int prepare(struct journal *journal, enum journal_statement which,
		   sqlite3_stmt **out)
{
	return journal_prepare(journal, which, statement_sql[which], out);
}

int journal_list_by_key(struct journal *journal, const char *key,
			unsigned state_mask, struct operation *ops, int max)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (!journal_text_fits(key, JOURNAL_KEY_SIZE, false) || max < 0 ||
	    (ops == NULL && max > 0)) {
		log_warn("list operations by key: key must be 1 to %d bytes "
			 "and max %d at least 0", JOURNAL_KEY_SIZE - 1, max);
		return JOURNAL_EINVAL;
	}
	if (max == 0 || (state_mask & ((1u << OP_STATE_COUNT) - 1)) == 0)
		return 0;
	rc = prepare(journal, STMT_LIST_BY_KEY, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, key);
	journal_bind_states(stmt, 2, state_mask);
	sqlite3_bind_int(stmt, OP_STATE_COUNT + 2, max);
	rc = journal_fill_operations(journal, stmt, "list operations by key",
				     ops, max);
	journal_release(stmt);
	return rc;
}

/* The latest close: its day, closed_at, last operation and that
 * operation's rowid, all 0 or empty when no day is closed yet. */
struct latest_close {
	int64_t day;
	int64_t closed_at;
	int64_t last_rowid;
	char last_id[JOURNAL_ID_SIZE];
};

/* Read the rowid of operation id into *rowid. Returns JOURNAL_ENOTFOUND
 * when id is not in the journal. */
static int read_rowid(struct journal *journal, const char *id,
		      int64_t *rowid)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, STMT_DAY_ROWID, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*rowid = sqlite3_column_int64(stmt, 0);
		rc = JOURNAL_OK;
	} else if (rc == SQLITE_DONE) {
		rc = JOURNAL_ENOTFOUND;
	} else {
		rc = journal_sqlite_error(journal, rc, "find operation", id);
	}
	journal_release(stmt);
	return rc;
}

static int read_latest_close(struct journal *journal,
			     struct latest_close *out)
{
	sqlite3_stmt *stmt = NULL;
	const char *text;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = prepare(journal, STMT_DAY_LATEST, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = JOURNAL_OK;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc, "read the last close",
					  NULL);
		goto out;
	}
	out->day = sqlite3_column_int64(stmt, 0);
	out->closed_at = sqlite3_column_int64(stmt, 1);
	text = (const char *)sqlite3_column_text(stmt, 2);
	if (!journal_text_fits(text, sizeof(out->last_id), false)) {
		log_error("close of day %lld names no valid last operation",
			  (long long)out->day);
		rc = JOURNAL_EIO;
		goto out;
	}
	memcpy(out->last_id, text, strlen(text) + 1);
	journal_release(stmt);

	/* The foreign key keeps the operation in the journal. */
	rc = read_rowid(journal, out->last_id, &out->last_rowid);
	if (rc == JOURNAL_ENOTFOUND) {
		log_error("close of day %lld names operation %s, which is not "
			  "in the journal", (long long)out->day, out->last_id);
		rc = JOURNAL_EIO;
	}
out:
	journal_release(stmt);
	return rc;
}

/* Step the scan of the open day, calling visit on each operation. */
static int visit_operations(struct journal *journal, sqlite3_stmt *stmt,
			    int (*visit)(const struct operation *op,
					 void *context),
			    void *context, struct journal_day *day)
{
	struct operation op;
	int rc;

	for (;;) {
		rc = journal_next_operation(journal, stmt, "scan the open day",
					    NULL, &op);
		if (rc <= 0)
			return rc;

		if (day->operations == 0 && day->opened_at == 0)
			day->opened_at = op.created_at;
		day->operations++;
		memcpy(day->last_id, op.id, sizeof(day->last_id));
		if (visit != NULL && visit(&op, context) != 0)
			return JOURNAL_ECHECK;
	}
}

/* Read the latest close into *latest and scan the open day after it
 * into *day, inside the caller's transaction. */
static int scan_open_day(struct journal *journal, struct latest_close *latest,
			 int (*visit)(const struct operation *op,
				      void *context),
			 void *context, struct journal_day *day)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = read_latest_close(journal, latest);
	if (rc != JOURNAL_OK)
		return rc;
	memset(day, 0, sizeof(*day));
	day->day = latest->day + 1;
	day->opened_at = latest->closed_at;

	rc = prepare(journal, STMT_DAY_SCAN, &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, latest->last_rowid);
	rc = visit_operations(journal, stmt, visit, context, day);
	journal_release(stmt);
	return rc;
}

int journal_day_scan(struct journal *journal,
		     int (*visit)(const struct operation *op, void *context),
		     void *context, struct journal_day *out)
{
	struct latest_close latest;
	struct journal_day day;
	int rc;

	if (out == NULL)
		return JOURNAL_EINVAL;
	rc = journal_begin(journal, false, "open day");
	if (rc != JOURNAL_OK)
		return rc;

	rc = scan_open_day(journal, &latest, visit, context, &day);
	if (rc != JOURNAL_OK)
		goto out;

	rc = journal_commit(journal, "open day");
	if (rc == JOURNAL_OK)
		*out = day;
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, "open day");
	return rc;
}

/* Check the close against the latest one, inside the write
 * transaction, and set *after and *last to the rowids that bound the
 * day's operations. */
static int check_close(struct journal *journal, const struct journal_day *day,
		       int64_t *after, int64_t *last)
{
	struct latest_close latest;
	int64_t rowid;
	int rc;

	rc = read_latest_close(journal, &latest);
	if (rc != JOURNAL_OK)
		return rc;
	if (day->day <= latest.day) {
		log_warn("day %lld is already closed", (long long)day->day);
		return JOURNAL_EEXIST;
	}
	if (day->day != latest.day + 1) {
		log_warn("cannot close day %lld: the open day is %lld",
			 (long long)day->day, (long long)(latest.day + 1));
		return JOURNAL_EINVAL;
	}

	rc = read_rowid(journal, day->last_id, &rowid);
	if (rc != JOURNAL_OK)
		return rc;
	if (rowid <= latest.last_rowid) {
		log_warn("cannot close day %lld at operation %s, which "
			 "belongs to an earlier day", (long long)day->day,
			 day->last_id);
		return JOURNAL_EINVAL;
	}
	*after = latest.last_rowid;
	*last = rowid;
	return JOURNAL_OK;
}

static int insert_close(struct journal *journal,
			const struct journal_day *day, const char *report)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, STMT_DAY_INSERT, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	sqlite3_bind_int64(stmt, 1, day->day);
	sqlite3_bind_int64(stmt, 2, day->opened_at);
	sqlite3_bind_int64(stmt, 3, day->closed_at);
	journal_bind_text(stmt, 4, day->last_id);
	journal_bind_text(stmt, 5, report);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = JOURNAL_OK;
	else
		rc = journal_sqlite_error(journal, rc, "record close of day at",
					  day->last_id);
	journal_release(stmt);
	return rc;
}

/* Carry the undecided operations of day `day`, those with rowids after
 * `after` and up to `last`, to the reports of later days. */
static int carry_pending(struct journal *journal, int64_t day, int64_t after,
			 int64_t last)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, STMT_DAY_CARRY, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	sqlite3_bind_int64(stmt, 1, day);
	sqlite3_bind_int64(stmt, 2, after);
	sqlite3_bind_int64(stmt, 3, last);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = JOURNAL_OK;
		if (sqlite3_changes(journal->db) > 0)
			log_info("day %lld carries %d pending operations",
				 (long long)day, sqlite3_changes(journal->db));
	} else {
		rc = journal_sqlite_error(journal, rc,
					  "carry pending operations of day",
					  NULL);
	}
	journal_release(stmt);
	return rc;
}

/* Drop the carried operations now decided, which the report being
 * recorded counts, and set *settled to how many. */
static int settle_carried(struct journal *journal, int64_t *settled)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, STMT_DAY_SETTLE, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		*settled = sqlite3_changes(journal->db);
		rc = JOURNAL_OK;
	} else {
		rc = journal_sqlite_error(journal, rc,
					  "settle carried operations", NULL);
	}
	journal_release(stmt);
	return rc;
}

int journal_day_record(struct journal *journal, const struct journal_day *day,
		       const char *report)
{
	int64_t after = 0;
	int64_t last = 0;
	int rc;

	if (day == NULL || day->day < 1 ||
	    !journal_text_fits(day->last_id, sizeof(day->last_id), false) ||
	    !journal_text_fits(report, JOURNAL_DAY_REPORT_SIZE, false)) {
		log_warn("record close: day must be 1 or more, with a last "
			 "operation and a report of 1 to %d bytes",
			 JOURNAL_DAY_REPORT_SIZE - 1);
		return JOURNAL_EINVAL;
	}

	rc = journal_begin(journal, true, day->last_id);
	if (rc != JOURNAL_OK)
		return rc;
	rc = check_close(journal, day, &after, &last);
	if (rc == JOURNAL_OK)
		rc = insert_close(journal, day, report);
	if (rc == JOURNAL_OK)
		rc = carry_pending(journal, day->day, after, last);
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, day->last_id);
	if (rc != JOURNAL_OK) {
		journal_rollback(journal, day->last_id);
		return rc;
	}
	log_info("day %lld closed at operation %s", (long long)day->day,
		 day->last_id);
	return JOURNAL_OK;
}

/* Copy the close under stmt, selected by STMT_DAY_GET. */
static int read_close(sqlite3_stmt *stmt, struct journal_day *out,
		      char *report, size_t size)
{
	const char *last_id = (const char *)sqlite3_column_text(stmt, 3);
	const char *text = (const char *)sqlite3_column_text(stmt, 4);
	int64_t day = sqlite3_column_int64(stmt, 0);
	int bytes = sqlite3_column_bytes(stmt, 4);

	if (!journal_text_fits(last_id, sizeof(out->last_id), false) ||
	    text == NULL) {
		log_error("close of day %lld is unreadable", (long long)day);
		return JOURNAL_EIO;
	}
	if ((size_t)bytes >= size) {
		log_warn("report of day %lld is %d bytes, more than the "
			 "%zu-byte buffer holds", (long long)day, bytes,
			 size - 1);
		return JOURNAL_EINVAL;
	}

	memset(out, 0, sizeof(*out));
	out->day = day;
	out->opened_at = sqlite3_column_int64(stmt, 1);
	out->closed_at = sqlite3_column_int64(stmt, 2);
	out->operations = sqlite3_column_int64(stmt, 5);
	memcpy(out->last_id, last_id, strlen(last_id) + 1);
	memcpy(report, text, (size_t)bytes);
	report[bytes] = '\0';
	return JOURNAL_OK;
}

int journal_day_get(struct journal *journal, int64_t day,
		    struct journal_day *out, char *report, size_t size)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (out == NULL || report == NULL || size == 0)
		return JOURNAL_EINVAL;
	rc = prepare(journal, STMT_DAY_GET, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	sqlite3_bind_int64(stmt, 1, day);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = read_close(stmt, out, report, size);
	else if (rc == SQLITE_DONE)
		rc = JOURNAL_ENOTFOUND;
	else
		rc = journal_sqlite_error(journal, rc, "read close of day",
					  NULL);
	journal_release(stmt);
	return rc;
}

/* Visit the carried operations now decided, inside the caller's
 * transaction, counting them in *count. */
static int scan_carried(struct journal *journal,
			int (*visit)(const struct operation *op,
				     void *context),
			void *context, int64_t *count)
{
	struct operation op;
	sqlite3_stmt *stmt = NULL;
	int rc;

	*count = 0;
	rc = prepare(journal, STMT_DAY_CARRIED_SCAN, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	for (;;) {
		rc = journal_next_operation(journal, stmt,
					    "scan the carried operations",
					    NULL, &op);
		if (rc <= 0)
			break;
		(*count)++;
		if (visit != NULL && visit(&op, context) != 0) {
			rc = JOURNAL_ECHECK;
			break;
		}
	}
	journal_release(stmt);
	return rc;
}

int journal_day_scan_carried(struct journal *journal,
			     int (*visit)(const struct operation *op,
					  void *context),
			     void *context, int64_t *count)
{
	int64_t visited = 0;
	int rc;

	if (count == NULL)
		return JOURNAL_EINVAL;
	rc = journal_begin(journal, false, "carried operations");
	if (rc != JOURNAL_OK)
		return rc;

	rc = scan_carried(journal, visit, context, &visited);
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, "carried operations");
	if (rc != JOURNAL_OK) {
		journal_rollback(journal, "carried operations");
		return rc;
	}
	*count = visited;
	return JOURNAL_OK;
}

/* Record the close of *day, composed by calls, then move the carried
 * operations: the decided ones leave, the day's undecided ones come. */
static int record_composed(struct journal *journal,
			   const struct journal_day_close *calls,
			   const struct latest_close *latest,
			   const struct journal_day *day, int64_t carried)
{
	char report[JOURNAL_DAY_REPORT_SIZE];
	int64_t last = latest->last_rowid;
	int64_t settled = 0;
	int rc;

	report[0] = '\0';
	if (calls->compose(day, carried, report, sizeof(report),
			   calls->context) != 0)
		return JOURNAL_ECHECK;
	if (day->operations == 0 && (carried == 0 || latest->day == 0)) {
		log_warn("day %lld has no operation and no carried operation "
			 "was decided: nothing to close", (long long)day->day);
		return JOURNAL_EINVAL;
	}
	if (!journal_text_fits(report, sizeof(report), false)) {
		log_warn("close of day %lld: the report must be 1 to %d bytes",
			 (long long)day->day, JOURNAL_DAY_REPORT_SIZE - 1);
		return JOURNAL_EINVAL;
	}

	rc = insert_close(journal, day, report);
	if (rc == JOURNAL_OK && day->operations > 0)
		rc = read_rowid(journal, day->last_id, &last);
	if (rc == JOURNAL_OK)
		rc = settle_carried(journal, &settled);
	if (rc == JOURNAL_OK)
		rc = carry_pending(journal, day->day, latest->last_rowid, last);
	if (rc == JOURNAL_OK && settled > 0)
		log_info("day %lld counts %lld carried operations decided "
			 "since an earlier close", (long long)day->day,
			 (long long)settled);
	return rc;
}

int journal_day_close(struct journal *journal, int64_t closed_at,
		      const struct journal_day_close *calls,
		      struct journal_day *out)
{
	struct latest_close latest;
	struct journal_day day;
	int64_t carried = 0;
	int rc;

	if (calls == NULL || calls->compose == NULL || out == NULL)
		return JOURNAL_EINVAL;
	rc = journal_begin(journal, true, "close of the open day");
	if (rc != JOURNAL_OK)
		return rc;

	/* The write lock is held from the scans to the commit, so the
	 * report shows exactly the states that the close records. */
	rc = scan_open_day(journal, &latest, calls->visit_day, calls->context,
			   &day);
	if (rc == JOURNAL_OK)
		rc = scan_carried(journal, calls->visit_carried,
				  calls->context, &carried);
	if (rc != JOURNAL_OK)
		goto out;
	day.closed_at = closed_at;
	if (day.operations == 0)
		memcpy(day.last_id, latest.last_id, sizeof(day.last_id));

	rc = record_composed(journal, calls, &latest, &day, carried);
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, "close of the open day");
out:
	if (rc != JOURNAL_OK) {
		journal_rollback(journal, "close of the open day");
		return rc;
	}
	log_info("day %lld closed at operation %s", (long long)day.day,
		 day.last_id);
	*out = day;
	return JOURNAL_OK;
}
