/* The journal's operations on SQLite: inserts, reads and state changes, and
 * a small key-value table. Opening and migrating are in journal_schema.c. */
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

/* Columns of struct operation, in the order of enum operation_column. */
#define OPERATION_COLUMNS \
	"id, type, state, agent_id, currency, amount, payload, created_at," \
	" updated_at, next_attempt_at, attempts, reference, last_error"

enum operation_column {
	COLUMN_ID,
	COLUMN_TYPE,
	COLUMN_STATE,
	COLUMN_AGENT_ID,
	COLUMN_CURRENCY,
	COLUMN_AMOUNT,
	COLUMN_PAYLOAD,
	COLUMN_CREATED_AT,
	COLUMN_UPDATED_AT,
	COLUMN_NEXT_ATTEMPT_AT,
	COLUMN_ATTEMPTS,
	COLUMN_REFERENCE,
	COLUMN_LAST_ERROR,
};

static const char *const statement_sql[STMT_TOTAL] = {
	[STMT_INSERT] = "INSERT INTO operations (" OPERATION_COLUMNS ")"
			" VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			" 0, '', '')",
	[STMT_GET] = "SELECT " OPERATION_COLUMNS " FROM operations"
		     " WHERE id = ?1",
	[STMT_NEXT_DUE] = "SELECT " OPERATION_COLUMNS " FROM operations"
			  " WHERE state IN ('queued', 'in_flight')"
			  " AND next_attempt_at <= ?1"
			  " ORDER BY created_at, rowid LIMIT 1",
	[STMT_READ_STATE] = "SELECT state FROM operations WHERE id = ?1",
	[STMT_MARK_IN_FLIGHT] = "UPDATE operations SET state = 'in_flight',"
				" attempts = attempts + 1, updated_at = ?2"
				" WHERE id = ?1",
	[STMT_MARK_ACCEPTED] = "UPDATE operations SET state = 'accepted',"
			       " reference = ?2, updated_at = ?3"
			       " WHERE id = ?1",
	[STMT_MARK_REJECTED] = "UPDATE operations SET state = 'rejected',"
			       " last_error = ?2, updated_at = ?3"
			       " WHERE id = ?1",
	[STMT_MARK_RETRY] = "UPDATE operations SET state = ?2,"
			    " last_error = ?3, next_attempt_at = ?4,"
			    " updated_at = ?5 WHERE id = ?1",
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

#define STATE_BIT(state) (1u << (state))

enum state_change_kind {
	CHANGE_IN_FLIGHT,
	CHANGE_ACCEPTED,
	CHANGE_REJECTED,
	CHANGE_RETRY_QUEUED,
	CHANGE_RETRY_IN_FLIGHT,
};

/* One allowed state change: the states it may start from and the state it
 * leads to. Accepted and rejected are final, and no function leaves
 * needs_attention, so neither appears in any allowed_from. */
struct state_change {
	const char *name;
	unsigned allowed_from;
	enum op_state to;
};

static const struct state_change state_changes[] = {
	[CHANGE_IN_FLIGHT] = {
		.name = "mark in flight",
		.allowed_from = STATE_BIT(OP_QUEUED) | STATE_BIT(OP_IN_FLIGHT),
		.to = OP_IN_FLIGHT,
	},
	[CHANGE_ACCEPTED] = {
		.name = "mark accepted",
		.allowed_from = STATE_BIT(OP_QUEUED) | STATE_BIT(OP_IN_FLIGHT),
		.to = OP_ACCEPTED,
	},
	[CHANGE_REJECTED] = {
		.name = "mark rejected",
		.allowed_from = STATE_BIT(OP_QUEUED) | STATE_BIT(OP_IN_FLIGHT),
		.to = OP_REJECTED,
	},
	/* A request that never left the terminal goes back to the queue. */
	[CHANGE_RETRY_QUEUED] = {
		.name = "retry as queued",
		.allowed_from = STATE_BIT(OP_QUEUED) | STATE_BIT(OP_IN_FLIGHT),
		.to = OP_QUEUED,
	},
	/* Only a request that was sent can have an unknown outcome. */
	[CHANGE_RETRY_IN_FLIGHT] = {
		.name = "retry as in flight",
		.allowed_from = STATE_BIT(OP_IN_FLIGHT),
		.to = OP_IN_FLIGHT,
	},
};

static const char *const state_names[OP_STATE_COUNT] = {
	[OP_QUEUED] = "queued",
	[OP_IN_FLIGHT] = "in_flight",
	[OP_ACCEPTED] = "accepted",
	[OP_REJECTED] = "rejected",
	[OP_NEEDS_ATTENTION] = "needs_attention",
};

/* Translate a SQLite result code to a journal_error where it enters, and
 * log SQLite's message with the action and the id, path or key involved.
 * Must be called before any other call on the connection, which would
 * replace the message. */
int journal_sqlite_error(struct journal *journal, int rc, const char *action,
			 const char *subject)
{
	const char *message = sqlite3_errmsg(journal->db);

	if (subject == NULL)
		subject = "-";

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_error("%s %s: %s (SQLite code %d)", action, subject,
			  message, rc);
		return JOURNAL_EBUSY;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
			log_warn("%s %s: %s", action, subject, message);
			return JOURNAL_EEXIST;
		}
		break;
	default:
		break;
	}

	log_error("%s %s: %s (SQLite code %d)", action, subject, message, rc);
	return JOURNAL_EIO;
}

/* Run constant SQL with no values in it (transaction control, pragmas). */
int journal_exec(struct journal *journal, const char *sql, const char *action,
		 const char *subject)
{
	int rc = sqlite3_exec(journal->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return journal_sqlite_error(journal, rc, action, subject);
	return JOURNAL_OK;
}

/* Roll back the open transaction, if SQLite has not already done so. */
void journal_rollback(struct journal *journal, const char *subject)
{
	if (sqlite3_get_autocommit(journal->db))
		return;
	journal_exec(journal, "ROLLBACK", "roll back", subject);
}

static int journal_prepare(struct journal *journal,
			   enum journal_statement which, sqlite3_stmt **out)
{
	int rc;

	if (journal->statements[which] == NULL) {
		rc = sqlite3_prepare_v3(journal->db, statement_sql[which], -1,
					SQLITE_PREPARE_PERSISTENT,
					&journal->statements[which], NULL);
		if (rc != SQLITE_OK)
			return journal_sqlite_error(journal, rc, "prepare",
						    statement_sql[which]);
	}
	*out = journal->statements[which];
	return JOURNAL_OK;
}

/* Make a cached statement ready for its next use. Bindings use
 * SQLITE_STATIC, so they are cleared before the caller's strings go. */
static void journal_release(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* The bind functions are not checked because they fail only for a wrong
 * index or a text over SQLITE_MAX_LENGTH, which the length checks rule
 * out. A value left unbound would still fail a NOT NULL constraint, or the
 * one-row check in apply_state_change. */
static void bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

/* True when text has a NUL within size bytes, and is not empty unless
 * allow_empty. */
static bool text_fits(const char *text, size_t size, bool allow_empty)
{
	size_t length;

	if (text == NULL)
		return false;
	length = strnlen(text, size);
	return length < size && (allow_empty || length > 0);
}

static int check_id(const char *id)
{
	if (!text_fits(id, JOURNAL_ID_SIZE, false)) {
		log_warn("operation id is missing, empty or longer than %d "
			 "bytes", JOURNAL_ID_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	return JOURNAL_OK;
}

/* Copy a text column into dst. A value that does not fit is an error,
 * never truncated. */
static int copy_text_column(sqlite3_stmt *stmt, int column, char *dst,
			    size_t size, const char *id)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);
	int bytes = sqlite3_column_bytes(stmt, column);

	if (text == NULL) {
		log_error("operation %s: column %s has no text", id,
			  sqlite3_column_name(stmt, column));
		return JOURNAL_EIO;
	}
	if ((size_t)bytes >= size) {
		log_error("operation %s: stored %s is %d bytes, more than "
			  "the %zu-byte buffer holds", id,
			  sqlite3_column_name(stmt, column), bytes, size - 1);
		return JOURNAL_EIO;
	}
	memcpy(dst, text, (size_t)bytes);
	dst[bytes] = '\0';
	return JOURNAL_OK;
}

static int read_state_column(sqlite3_stmt *stmt, int column,
			     enum op_state *state, const char *id)
{
	const char *text = (const char *)sqlite3_column_text(stmt, column);
	int parsed = journal_state_parse(text);

	if (parsed < 0) {
		log_error("operation %s: stored state %s is unknown", id,
			  text == NULL ? "(null)" : text);
		return JOURNAL_EIO;
	}
	*state = (enum op_state)parsed;
	return JOURNAL_OK;
}

/* Read the row under stmt, selected with OPERATION_COLUMNS, into *out.
 * *out is left unchanged on failure. */
static int read_operation(sqlite3_stmt *stmt, struct operation *out)
{
	struct operation op;
	int64_t attempts;
	int rc;

	memset(&op, 0, sizeof(op));
	rc = copy_text_column(stmt, COLUMN_ID, op.id, sizeof(op.id), "-");
	if (rc != JOURNAL_OK)
		return rc;

	const struct {
		int column;
		char *dst;
		size_t size;
	} texts[] = {
		{COLUMN_TYPE, op.type, sizeof(op.type)},
		{COLUMN_AGENT_ID, op.agent_id, sizeof(op.agent_id)},
		{COLUMN_CURRENCY, op.currency, sizeof(op.currency)},
		{COLUMN_PAYLOAD, op.payload, sizeof(op.payload)},
		{COLUMN_REFERENCE, op.reference, sizeof(op.reference)},
		{COLUMN_LAST_ERROR, op.last_error, sizeof(op.last_error)},
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		rc = copy_text_column(stmt, texts[i].column, texts[i].dst,
				      texts[i].size, op.id);
		if (rc != JOURNAL_OK)
			return rc;
	}

	rc = read_state_column(stmt, COLUMN_STATE, &op.state, op.id);
	if (rc != JOURNAL_OK)
		return rc;

	attempts = sqlite3_column_int64(stmt, COLUMN_ATTEMPTS);
	if (attempts < 0 || attempts > INT_MAX) {
		log_error("operation %s: stored attempts %lld is out of range",
			  op.id, (long long)attempts);
		return JOURNAL_EIO;
	}
	op.attempts = (int)attempts;
	op.amount = sqlite3_column_int64(stmt, COLUMN_AMOUNT);
	op.created_at = sqlite3_column_int64(stmt, COLUMN_CREATED_AT);
	op.updated_at = sqlite3_column_int64(stmt, COLUMN_UPDATED_AT);
	op.next_attempt_at = sqlite3_column_int64(stmt,
						  COLUMN_NEXT_ATTEMPT_AT);

	*out = op;
	return JOURNAL_OK;
}

/* Run a statement that selects at most one operation. */
static int select_operation(struct journal *journal, sqlite3_stmt *stmt,
			    const char *action, const char *subject,
			    struct operation *out)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return read_operation(stmt, out);
	if (rc == SQLITE_DONE)
		return JOURNAL_ENOTFOUND;
	return journal_sqlite_error(journal, rc, action, subject);
}

/* Check the fields journal_insert stores. Returns NULL when op is valid,
 * else the reason for the log. */
static const char *check_operation(const struct operation *op)
{
	if (!uuid_is_valid(op->id))
		return "id is not a canonical UUID";
	if (!text_fits(op->type, sizeof(op->type), false))
		return "type is empty or too long";
	if (!text_fits(op->agent_id, sizeof(op->agent_id), false))
		return "agent id is empty or too long";
	if (currency_find(op->currency) == NULL)
		return "currency is not a known ISO 4217 code";
	if (op->amount < 1 || op->amount > CURRENCY_AMOUNT_MAX)
		return "amount is out of range";
	if (!text_fits(op->payload, sizeof(op->payload), true))
		return "payload is too long";
	return NULL;
}

int journal_insert(struct journal *journal, const struct operation *op)
{
	const char *invalid;
	sqlite3_stmt *stmt = NULL;
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

	rc = journal_prepare(journal, STMT_INSERT, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, op->id);
	bind_text(stmt, 2, op->type);
	bind_text(stmt, 3, op->agent_id);
	bind_text(stmt, 4, op->currency);
	sqlite3_bind_int64(stmt, 5, op->amount);
	bind_text(stmt, 6, op->payload);
	sqlite3_bind_int64(stmt, 7, op->created_at);
	sqlite3_bind_int64(stmt, 8, op->updated_at);
	sqlite3_bind_int64(stmt, 9, op->next_attempt_at);

	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = JOURNAL_OK;
	else
		rc = journal_sqlite_error(journal, rc, "insert operation",
					  op->id);
	journal_release(stmt);
	return rc;
}

int journal_get(struct journal *journal, const char *id,
		struct operation *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = check_id(id);
	if (rc != JOURNAL_OK)
		return rc;
	rc = journal_prepare(journal, STMT_GET, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, id);
	rc = select_operation(journal, stmt, "read operation", id, out);
	journal_release(stmt);
	return rc;
}

int journal_next_due(struct journal *journal, int64_t now,
		     struct operation *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = journal_prepare(journal, STMT_NEXT_DUE, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	sqlite3_bind_int64(stmt, 1, now);
	rc = select_operation(journal, stmt, "read next due operation", NULL,
			      out);
	journal_release(stmt);
	return rc;
}

static int read_state(struct journal *journal, const char *id,
		      enum op_state *state)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = journal_prepare(journal, STMT_READ_STATE, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = read_state_column(stmt, 0, state, id);
	else if (rc == SQLITE_DONE)
		rc = JOURNAL_ENOTFOUND;
	else
		rc = journal_sqlite_error(journal, rc, "read state of", id);
	journal_release(stmt);
	return rc;
}

/* Run the bound UPDATE `update` on operation id when its current state
 * allows the change, reading the state and writing in one IMMEDIATE
 * transaction so that no other connection changes the row in between.
 * The caller releases `update`. */
static int apply_state_change(struct journal *journal, const char *id,
			      enum state_change_kind kind,
			      sqlite3_stmt *update)
{
	const struct state_change *change = &state_changes[kind];
	enum op_state from;
	int rc;

	rc = journal_exec(journal, "BEGIN IMMEDIATE", change->name, id);
	if (rc != JOURNAL_OK)
		return rc;

	rc = read_state(journal, id, &from);
	if (rc == JOURNAL_ENOTFOUND)
		log_warn("%s %s: no such operation", change->name, id);
	if (rc != JOURNAL_OK)
		goto out;

	if ((change->allowed_from & STATE_BIT(from)) == 0) {
		log_warn("%s %s: not allowed from state %s", change->name, id,
			 journal_state_name(from));
		rc = JOURNAL_ESTATE;
		goto out;
	}

	rc = sqlite3_step(update);
	if (rc != SQLITE_DONE) {
		rc = journal_sqlite_error(journal, rc, change->name, id);
		goto out;
	}
	if (sqlite3_changes(journal->db) != 1) {
		log_error("%s %s: UPDATE changed %d rows instead of 1",
			  change->name, id, sqlite3_changes(journal->db));
		rc = JOURNAL_EIO;
		goto out;
	}

	rc = journal_exec(journal, "COMMIT", change->name, id);
	if (rc == JOURNAL_OK)
		log_debug("operation %s: %s to %s", id, change->name,
			  journal_state_name(change->to));
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, id);
	return rc;
}

int journal_mark_in_flight(struct journal *journal, const char *id,
			   int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = check_id(id);
	if (rc != JOURNAL_OK)
		return rc;
	rc = journal_prepare(journal, STMT_MARK_IN_FLIGHT, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now);
	rc = apply_state_change(journal, id, CHANGE_IN_FLIGHT, stmt);
	journal_release(stmt);
	return rc;
}

int journal_mark_accepted(struct journal *journal, const char *id,
			  const char *reference, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = check_id(id);
	if (rc != JOURNAL_OK)
		return rc;
	if (!text_fits(reference, JOURNAL_REFERENCE_SIZE, false)) {
		log_warn("mark accepted %s: reference must be 1 to %d bytes",
			 id, JOURNAL_REFERENCE_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = journal_prepare(journal, STMT_MARK_ACCEPTED, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, id);
	bind_text(stmt, 2, reference);
	sqlite3_bind_int64(stmt, 3, now);
	rc = apply_state_change(journal, id, CHANGE_ACCEPTED, stmt);
	journal_release(stmt);
	return rc;
}

int journal_mark_rejected(struct journal *journal, const char *id,
			  const char *reason, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = check_id(id);
	if (rc != JOURNAL_OK)
		return rc;
	if (!text_fits(reason, JOURNAL_ERROR_SIZE, true)) {
		log_warn("mark rejected %s: reason is missing or longer than "
			 "%d bytes", id, JOURNAL_ERROR_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = journal_prepare(journal, STMT_MARK_REJECTED, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, id);
	bind_text(stmt, 2, reason);
	sqlite3_bind_int64(stmt, 3, now);
	rc = apply_state_change(journal, id, CHANGE_REJECTED, stmt);
	journal_release(stmt);
	return rc;
}

int journal_mark_retry(struct journal *journal, const char *id,
		       enum op_state state, const char *error,
		       int64_t next_attempt_at, int64_t now)
{
	enum state_change_kind kind;
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = check_id(id);
	if (rc != JOURNAL_OK)
		return rc;
	if (state == OP_QUEUED) {
		kind = CHANGE_RETRY_QUEUED;
	} else if (state == OP_IN_FLIGHT) {
		kind = CHANGE_RETRY_IN_FLIGHT;
	} else {
		log_warn("retry %s: state %d is neither queued nor in flight",
			 id, (int)state);
		return JOURNAL_EINVAL;
	}
	if (!text_fits(error, JOURNAL_ERROR_SIZE, true)) {
		log_warn("retry %s: error text is missing or longer than %d "
			 "bytes", id, JOURNAL_ERROR_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = journal_prepare(journal, STMT_MARK_RETRY, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, id);
	bind_text(stmt, 2, journal_state_name(state));
	bind_text(stmt, 3, error);
	sqlite3_bind_int64(stmt, 4, next_attempt_at);
	sqlite3_bind_int64(stmt, 5, now);
	rc = apply_state_change(journal, id, kind, stmt);
	journal_release(stmt);
	return rc;
}

int journal_count_by_state(struct journal *journal,
			   int64_t counts[OP_STATE_COUNT])
{
	int64_t found[OP_STATE_COUNT] = {0};
	sqlite3_stmt *stmt = NULL;
	enum op_state state;
	int rc;

	rc = journal_prepare(journal, STMT_COUNT_BY_STATE, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	/* GROUP BY gives one row per distinct state, and the CHECK
	 * constraint allows only OP_STATE_COUNT of them. */
	rc = sqlite3_step(stmt);
	while (rc == SQLITE_ROW) {
		rc = read_state_column(stmt, 0, &state, "-");
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

	rc = journal_prepare(journal, STMT_NEXT_ATTEMPT_TIME, &stmt);
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

	if (!text_fits(key, JOURNAL_META_KEY_SIZE, false) ||
	    !text_fits(value, JOURNAL_META_VALUE_SIZE, true)) {
		log_warn("set meta: key must be 1 to %d bytes and value at "
			 "most %d bytes", JOURNAL_META_KEY_SIZE - 1,
			 JOURNAL_META_VALUE_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = journal_prepare(journal, STMT_SET_META, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, key);
	bind_text(stmt, 2, value);
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

	if (!text_fits(key, JOURNAL_META_KEY_SIZE, false) || value == NULL ||
	    size == 0) {
		log_warn("read meta: key must be 1 to %d bytes, and a value "
			 "buffer is required", JOURNAL_META_KEY_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = journal_prepare(journal, STMT_GET_META, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	bind_text(stmt, 1, key);
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

const char *journal_state_name(enum op_state state)
{
	if ((unsigned)state >= OP_STATE_COUNT)
		return "unknown";
	return state_names[state];
}

int journal_state_parse(const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < OP_STATE_COUNT; i++) {
		if (strcmp(state_names[i], name) == 0)
			return i;
	}
	return -1;
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
	default:
		return "Unknown journal error";
	}
}
