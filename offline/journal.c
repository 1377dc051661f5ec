/* The journal's operations on SQLite: inserts and reads of operations and
 * their dependency keys, the offline policy's pending sums and age check,
 * and a small key-value table. Rows become struct operation in
 * journal_row.c, other state changes are in journal_queue.c, and the
 * connection and the schema in journal_schema.c. */
#define LOG_MODULE "journal"

#include "journal.h"
#include "journal_internal.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "../app/uuid.h"

static const char *const statement_sql[STMT_TOTAL] = {
	/* The other columns start at their defaults. An empty secret is
	 * stored as NULL, any other sealed. */
	[STMT_INSERT] = "INSERT INTO operations (id, type, state, agent_id,"
			" currency, amount, payload, created_at, updated_at,"
			" next_attempt_at, secret)"
			" VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8,"
			" ?9, nullif(?10, ''))",
	[STMT_INSERT_KEY] = "INSERT INTO operation_keys (operation_id, key)"
			    " VALUES (?1, ?2)",
	[STMT_GET] = "SELECT " JOURNAL_OPERATION_COLUMNS " FROM operations"
		     " WHERE id = ?1",
	/* Walks the queue in journal order up to the first due row. The
	 * comment on STMT_QUEUE_SCAN in journal_queue.c explains INDEXED BY. */
	[STMT_NEXT_DUE] = "SELECT " JOURNAL_OPERATION_COLUMNS
			  " FROM operations INDEXED BY operations_queue"
			  " WHERE state IN ('queued', 'in_flight')"
			  " AND next_attempt_at <= ?1"
			  " ORDER BY created_at, rowid LIMIT 1",
	/* A state whose bit is clear stays unbound, and NULL matches no
	 * row. */
	[STMT_LIST] = "SELECT " JOURNAL_OPERATION_COLUMNS " FROM operations"
		      " WHERE state IN (?1, ?2, ?3, ?4, ?5)"
		      " ORDER BY created_at DESC, rowid DESC"
		      " LIMIT ?6 OFFSET ?7",
	[STMT_LIST_UNACKNOWLEDGED] = "SELECT " JOURNAL_OPERATION_COLUMNS
				     " FROM operations"
				     " WHERE state = 'rejected'"
				     " AND sent = 1"
				     " AND acknowledged_at IS NULL"
				     " ORDER BY created_at, rowid LIMIT ?1",
	/* Decided operations whose receipt (accepted) or notice (rejected
	 * by the central service) is not printed; a cancellation needs
	 * neither. */
	[STMT_LIST_UNPRINTED] = "SELECT " JOURNAL_OPERATION_COLUMNS
				" FROM operations"
				" INDEXED BY operations_unprinted"
				" WHERE state IN ('accepted', 'rejected')"
				" AND printed_state IS NOT state"
				" AND (state = 'accepted' OR sent = 1)"
				" ORDER BY created_at, rowid LIMIT ?1",
	[STMT_MARK_PRINTED] = "UPDATE operations SET printed_state = ?2"
			      " WHERE id = ?1 AND state = ?2",
	[STMT_SUM_PENDING] = "SELECT count(*), coalesce(sum(amount), 0)"
			     " FROM operations"
			     " WHERE state IN ('queued', 'in_flight',"
			     " 'needs_attention')"
			     " AND (?1 IS NULL OR type = ?1)"
			     " AND (?2 IS NULL OR currency = ?2)",
	[STMT_FLAG_OLD] = "UPDATE operations SET state = 'needs_attention',"
			  " last_error = ?3, updated_at = ?4"
			  " WHERE state = 'queued' AND type = ?1"
			  " AND created_at < ?2 AND age_approved = 0"
			  " RETURNING id",
	[STMT_COUNT_BY_STATE] = "SELECT state, count(*) FROM operations"
				" GROUP BY state",
	[STMT_NEXT_ATTEMPT_TIME] = "SELECT min(next_attempt_at)"
				   " FROM operations"
				   " WHERE state IN ('queued', 'in_flight')",
	[STMT_SET_META] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
			  " ON CONFLICT (key) DO UPDATE"
			  " SET value = excluded.value",
	[STMT_GET_META] = "SELECT value FROM meta WHERE key = ?1",
};

static int prepare(struct journal *journal, enum journal_statement which,
		   sqlite3_stmt **out)
{
	return journal_prepare(journal, which, statement_sql[which], out);
}

/* Run a statement that selects at most one operation. */
static int select_operation(struct journal *journal, sqlite3_stmt *stmt,
			    const char *action, const char *subject,
			    struct operation *out)
{
	int rc = journal_next_operation(journal, stmt, action, subject, out);

	if (rc == 0)
		return JOURNAL_ENOTFOUND;
	return rc < 0 ? rc : JOURNAL_OK;
}

/* Check the dependency keys of op: each fits JOURNAL_KEY_SIZE, and no
 * non-empty key appears twice. Returns NULL when they are valid, else the
 * reason for the log. */
static const char *check_keys(const struct operation *op)
{
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (!journal_text_fits(op->keys[i], JOURNAL_KEY_SIZE, true))
			return "a dependency key is too long";
		if (op->keys[i][0] == '\0')
			continue;
		for (int j = 0; j < i; j++) {
			if (strcmp(op->keys[i], op->keys[j]) == 0)
				return "a dependency key appears twice";
		}
	}
	return NULL;
}

/* Check the fields journal_insert stores. Returns NULL when op is valid,
 * else the reason for the log. */
static const char *check_operation(const struct operation *op)
{
	if (!uuid_is_valid(op->id))
		return "id is not a canonical UUID";
	if (!journal_text_fits(op->type, sizeof(op->type), false))
		return "type is empty or too long";
	if (!journal_text_fits(op->agent_id, sizeof(op->agent_id), false))
		return "agent id is empty or too long";
	if (currency_find(op->currency) == NULL)
		return "currency is not a known ISO 4217 code";
	if (op->amount < 0 || op->amount > CURRENCY_AMOUNT_MAX)
		return "amount is out of range";
	if (!journal_text_fits(op->payload, sizeof(op->payload), true))
		return "payload is too long";
	if (!journal_text_fits(op->secret, sizeof(op->secret), true))
		return "secret is too long";
	return check_keys(op);
}

static bool has_keys(const struct operation *op)
{
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (op->keys[i][0] != '\0')
			return true;
	}
	return false;
}

static int insert_row(struct journal *journal, const struct operation *op)
{
	char sealed[JOURNAL_SEALED_SIZE];
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = journal_seal_secret(journal, op->id, op->secret, sealed,
				 sizeof(sealed));
	if (rc != JOURNAL_OK)
		return rc;
	rc = prepare(journal, STMT_INSERT, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, op->id);
	journal_bind_text(stmt, 2, op->type);
	journal_bind_text(stmt, 3, op->agent_id);
	journal_bind_text(stmt, 4, op->currency);
	sqlite3_bind_int64(stmt, 5, op->amount);
	journal_bind_text(stmt, 6, op->payload);
	sqlite3_bind_int64(stmt, 7, op->created_at);
	sqlite3_bind_int64(stmt, 8, op->updated_at);
	sqlite3_bind_int64(stmt, 9, op->next_attempt_at);
	journal_bind_text(stmt, 10, sealed);

	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = JOURNAL_OK;
	else
		rc = journal_sqlite_error(journal, rc, "insert operation",
					  op->id);
	journal_release(stmt);
	return rc;
}

static int insert_keys(struct journal *journal, const struct operation *op)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, STMT_INSERT_KEY, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, op->id);
	for (int i = 0; i < JOURNAL_KEYS_MAX && rc == JOURNAL_OK; i++) {
		if (op->keys[i][0] == '\0')
			continue;
		journal_bind_text(stmt, 2, op->keys[i]);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_DONE)
			rc = JOURNAL_OK;
		else
			rc = journal_sqlite_error(journal, rc, "insert keys of",
						  op->id);
		/* A reset keeps the bindings, so the id stays bound. */
		sqlite3_reset(stmt);
	}
	journal_release(stmt);
	return rc;
}

int journal_insert(struct journal *journal, const struct operation *op)
{
	return journal_insert_checked(journal, op, NULL, NULL);
}

int journal_insert_checked(struct journal *journal,
			   const struct operation *op,
			   int (*check)(struct journal *journal,
					const struct operation *op,
					void *context),
			   void *context)
{
	const char *invalid;
	bool transaction;
	int rc;

	if (op == NULL)
		return JOURNAL_EINVAL;
	invalid = check_operation(op);
	if (invalid != NULL) {
		log_warn("operation %s not journaled: %s",
			 uuid_is_valid(op->id) ? op->id : "(invalid id)",
			 invalid);
		return JOURNAL_EINVAL;
	}

	/* Without keys or a check the INSERT is a transaction by itself,
	 * which saves the two statements that an explicit one costs. A
	 * duplicate id fails the primary key, so no read comes first. The
	 * check runs inside the write transaction, so that no other writer
	 * can change what it read before the row is in. */
	transaction = has_keys(op) || check != NULL;
	if (transaction) {
		rc = journal_begin(journal, true, op->id);
		if (rc != JOURNAL_OK)
			return rc;
	}

	rc = check != NULL && check(journal, op, context) != 0
		     ? JOURNAL_ECHECK
		     : JOURNAL_OK;
	if (rc == JOURNAL_OK)
		rc = insert_row(journal, op);
	if (rc == JOURNAL_OK && has_keys(op))
		rc = insert_keys(journal, op);
	if (rc == JOURNAL_OK && transaction)
		rc = journal_commit(journal, op->id);

	if (rc != JOURNAL_OK && transaction)
		journal_rollback(journal, op->id);
	return rc;
}

int journal_get(struct journal *journal, const char *id,
		struct operation *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = journal_check_id(id);
	if (rc != JOURNAL_OK)
		return rc;
	rc = prepare(journal, STMT_GET, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, id);
	rc = select_operation(journal, stmt, "read operation", id, out);
	journal_release(stmt);
	return rc;
}

int journal_next_due(struct journal *journal, int64_t now,
		     struct operation *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, STMT_NEXT_DUE, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	sqlite3_bind_int64(stmt, 1, now);
	rc = select_operation(journal, stmt, "read next due operation", NULL,
			      out);
	journal_release(stmt);
	return rc;
}

int journal_list(struct journal *journal, unsigned state_mask, int offset,
		 struct operation *ops, int max)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (offset < 0 || max < 0 || (ops == NULL && max > 0)) {
		log_warn("list operations: offset %d or max %d is invalid",
			 offset, max);
		return JOURNAL_EINVAL;
	}
	if (max == 0 || (state_mask & ((1u << OP_STATE_COUNT) - 1)) == 0)
		return 0;
	rc = prepare(journal, STMT_LIST, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_states(stmt, 1, state_mask);
	sqlite3_bind_int(stmt, OP_STATE_COUNT + 1, max);
	sqlite3_bind_int(stmt, OP_STATE_COUNT + 2, offset);
	rc = journal_fill_operations(journal, stmt, "list operations", ops,
				     max);
	journal_release(stmt);
	return rc;
}

/* Run a listing statement whose only parameter ?1 is the row limit. */
static int list_limited(struct journal *journal, enum journal_statement which,
			const char *what, struct operation *ops, int max)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (max < 0 || (ops == NULL && max > 0)) {
		log_warn("%s: max %d is invalid", what, max);
		return JOURNAL_EINVAL;
	}
	if (max == 0)
		return 0;
	rc = prepare(journal, which, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	sqlite3_bind_int(stmt, 1, max);
	rc = journal_fill_operations(journal, stmt, what, ops, max);
	journal_release(stmt);
	return rc;
}

int journal_list_unacknowledged(struct journal *journal,
				struct operation *ops, int max)
{
	return list_limited(journal, STMT_LIST_UNACKNOWLEDGED,
			    "list unacknowledged rejections", ops, max);
}

int journal_list_unprinted(struct journal *journal, struct operation *ops,
			   int max)
{
	return list_limited(journal, STMT_LIST_UNPRINTED,
			    "list unprinted receipts", ops, max);
}

int journal_mark_printed(struct journal *journal, const char *id,
			 enum op_state state)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (id == NULL || (state != OP_ACCEPTED && state != OP_REJECTED))
		return JOURNAL_EINVAL;
	rc = prepare(journal, STMT_MARK_PRINTED, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, id);
	journal_bind_text(stmt, 2, journal_state_name(state));
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = JOURNAL_OK;
	else
		rc = journal_sqlite_error(journal, rc, "mark printed", id);
	journal_release(stmt);
	return rc;
}

int journal_sum_pending(struct journal *journal, const char *type,
			const char *currency, int64_t *count,
			int64_t *amount)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((type != NULL && !journal_text_fits(type, JOURNAL_TYPE_SIZE,
						false)) ||
	    (currency != NULL && !journal_text_fits(currency, 4, false))) {
		log_warn("sum pending operations: type or currency is empty "
			 "or too long");
		return JOURNAL_EINVAL;
	}
	rc = prepare(journal, STMT_SUM_PENDING, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	/* An unbound parameter is NULL, which the SQL reads as any. */
	if (type != NULL)
		journal_bind_text(stmt, 1, type);
	if (currency != NULL)
		journal_bind_text(stmt, 2, currency);

	/* sum() fails with "integer overflow" rather than wrapping. */
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc,
					  "sum pending operations of type",
					  type);
		goto out;
	}
	if (count != NULL)
		*count = sqlite3_column_int64(stmt, 0);
	if (amount != NULL)
		*amount = sqlite3_column_int64(stmt, 1);
	rc = JOURNAL_OK;
out:
	journal_release(stmt);
	return rc;
}

int journal_flag_old(struct journal *journal, const char *type,
		     int64_t created_before, const char *reason, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int flagged = 0;
	int rc;

	if (!journal_text_fits(type, JOURNAL_TYPE_SIZE, false) ||
	    !journal_text_fits(reason, JOURNAL_ERROR_SIZE, true)) {
		log_warn("flag old operations: type must be 1 to %d bytes and "
			 "reason at most %d bytes", JOURNAL_TYPE_SIZE - 1,
			 JOURNAL_ERROR_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = prepare(journal, STMT_FLAG_OLD, &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	rc = journal_begin(journal, true, type);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, type);
	sqlite3_bind_int64(stmt, 2, created_before);
	journal_bind_text(stmt, 3, reason);
	sqlite3_bind_int64(stmt, 4, now);
	rc = sqlite3_step(stmt);
	while (rc == SQLITE_ROW) {
		log_info("operation %s needs attention: created before %lld",
			 (const char *)sqlite3_column_text(stmt, 0),
			 (long long)created_before);
		flagged++;
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE) {
		rc = journal_sqlite_error(journal, rc,
					  "flag old operations of type", type);
		goto out;
	}
	/* The statement must be reset before the COMMIT. */
	journal_release(stmt);
	rc = journal_commit(journal, type);
out:
	journal_release(stmt);
	if (rc != JOURNAL_OK) {
		journal_rollback(journal, type);
		return rc;
	}
	return flagged;
}

int journal_count_by_state(struct journal *journal,
			   int64_t counts[OP_STATE_COUNT])
{
	int64_t found[OP_STATE_COUNT] = {0};
	sqlite3_stmt *stmt = NULL;
	enum op_state state;
	int rc;

	rc = prepare(journal, STMT_COUNT_BY_STATE, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	/* GROUP BY gives one row per distinct state, and the CHECK
	 * constraint allows only OP_STATE_COUNT of them. */
	rc = sqlite3_step(stmt);
	while (rc == SQLITE_ROW) {
		rc = journal_read_state(stmt, 0, &state, "-");
		if (rc != JOURNAL_OK)
			goto out;
		found[state] = sqlite3_column_int64(stmt, 1);
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE) {
		rc = journal_sqlite_error(journal, rc, "count operations",
					  NULL);
		goto out;
	}

	memcpy(counts, found, sizeof(found));
	rc = JOURNAL_OK;
out:
	journal_release(stmt);
	return rc;
}

int journal_next_attempt_time(struct journal *journal, int64_t *when)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, STMT_NEXT_ATTEMPT_TIME, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc, "read next attempt time",
					  NULL);
	} else if (sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
		rc = JOURNAL_ENOTFOUND;
	} else {
		*when = sqlite3_column_int64(stmt, 0);
		rc = JOURNAL_OK;
	}
	journal_release(stmt);
	return rc;
}

int journal_set_meta(struct journal *journal, const char *key,
		     const char *value)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (!journal_text_fits(key, JOURNAL_META_KEY_SIZE, false) ||
	    !journal_text_fits(value, JOURNAL_META_VALUE_SIZE, true)) {
		log_warn("set meta: key must be 1 to %d bytes and value at "
			 "most %d bytes", JOURNAL_META_KEY_SIZE - 1,
			 JOURNAL_META_VALUE_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = prepare(journal, STMT_SET_META, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, key);
	journal_bind_text(stmt, 2, value);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = JOURNAL_OK;
	else
		rc = journal_sqlite_error(journal, rc, "set meta key", key);
	journal_release(stmt);
	return rc;
}

int journal_get_meta(struct journal *journal, const char *key, char *value,
		     size_t size)
{
	const unsigned char *text;
	sqlite3_stmt *stmt = NULL;
	int bytes;
	int rc;

	if (!journal_text_fits(key, JOURNAL_META_KEY_SIZE, false) ||
	    value == NULL || size == 0) {
		log_warn("read meta: key must be 1 to %d bytes, and a value "
			 "buffer is required", JOURNAL_META_KEY_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = prepare(journal, STMT_GET_META, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = JOURNAL_ENOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc, "read meta key", key);
		goto out;
	}

	/* SQLite's documented order: the text first, then its length. */
	text = sqlite3_column_text(stmt, 0);
	bytes = sqlite3_column_bytes(stmt, 0);
	if (text == NULL) {
		log_error("meta key %s: stored value has no text", key);
		rc = JOURNAL_EIO;
		goto out;
	}
	if ((size_t)bytes >= size) {
		log_warn("meta key %s: value of %d bytes does not fit in %zu",
			 key, bytes, size - 1);
		rc = JOURNAL_EINVAL;
		goto out;
	}
	memcpy(value, text, (size_t)bytes);
	value[bytes] = '\0';
	rc = JOURNAL_OK;
out:
	journal_release(stmt);
	return rc;
}

const char *journal_strerror(int error)
{
	switch (error) {
	case JOURNAL_OK:
		return "Success";
	case JOURNAL_EIO:
		return "Journal database error (details in the log)";
	case JOURNAL_ENOTFOUND:
		return "Operation or value not found in the journal";
	case JOURNAL_EEXIST:
		return "An operation with this id is already in the journal";
	case JOURNAL_ESCHEMA:
		return "Journal file has a newer or unknown schema";
	case JOURNAL_EBUSY:
		return "Journal is locked by another process";
	case JOURNAL_EINVAL:
		return "Invalid, empty or too long operation field";
	case JOURNAL_ESTATE:
		return "Operation state does not allow this change";
	case JOURNAL_ECHECK:
		return "Operation refused by a limit";
	case JOURNAL_EKEY:
		return "Journal key file is missing, unreadable, open to other "
		       "users or does not match (details in the log)";
	default:
		return "Unknown journal error";
	}
}

int journal_data_version(struct journal *journal, int64_t *version)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(journal->db, "PRAGMA data_version",
				-1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int64(stmt, 0);
		rc = JOURNAL_OK;
	} else {
		rc = journal_sqlite_error(journal, rc, "read data_version",
					  "-");
	}
	sqlite3_finalize(stmt);
	return rc;
}
