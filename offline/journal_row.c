/* Reading operation rows of the journal into struct operation: the
 * columns, the dependency keys and the state names, shared by every
 * query that returns operations. */
#define LOG_MODULE "journal"

#include "journal.h"
#include "journal_internal.h"

#include <limits.h>
#include <string.h>

#include <mbedtls/platform_util.h>
#include <sqlite3.h>

#include "../app/log.h"

/* Column numbers of JOURNAL_OPERATION_COLUMNS. */
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
	COLUMN_ACKNOWLEDGED_AT,
	COLUMN_AGE_APPROVED,
	COLUMN_SENT,
	COLUMN_PRINTED,
	COLUMN_SECRET,
};

static const char *const state_names[OP_STATE_COUNT] = {
	[OP_QUEUED] = "queued",
	[OP_IN_FLIGHT] = "in_flight",
	[OP_ACCEPTED] = "accepted",
	[OP_REJECTED] = "rejected",
	[OP_NEEDS_ATTENTION] = "needs_attention",
};

/* The dependency keys of one operation, in a stable order. */
static const char get_keys_sql[] = "SELECT key FROM operation_keys"
				   " WHERE operation_id = ?1 ORDER BY key";

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

int journal_read_state(sqlite3_stmt *stmt, int column,
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

int journal_read_keys(struct journal *journal, const char *id,
		      char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE])
{
	char found[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE];
	sqlite3_stmt *stmt = NULL;
	int count = 0;
	int rc;

	rc = journal_prepare(journal, STMT_GET_KEYS, get_keys_sql, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	memset(found, 0, sizeof(found));
	journal_bind_text(stmt, 1, id);
	rc = sqlite3_step(stmt);
	while (rc == SQLITE_ROW) {
		if (count == JOURNAL_KEYS_MAX) {
			log_error("operation %s has more than %d dependency "
				  "keys", id, JOURNAL_KEYS_MAX);
			rc = JOURNAL_EIO;
			goto out;
		}
		rc = copy_text_column(stmt, 0, found[count], JOURNAL_KEY_SIZE,
				      id);
		if (rc != JOURNAL_OK)
			goto out;
		count++;
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE) {
		rc = journal_sqlite_error(journal, rc, "read keys of", id);
		goto out;
	}

	memcpy(keys, found, sizeof(found));
	rc = JOURNAL_OK;
out:
	journal_release(stmt);
	return rc;
}

/* Read the sealed secret column and unseal it into op->secret. */
static int read_secret(struct journal *journal, sqlite3_stmt *stmt,
		       struct operation *op)
{
	char sealed[JOURNAL_SEALED_SIZE];
	int rc;

	rc = copy_text_column(stmt, COLUMN_SECRET, sealed, sizeof(sealed),
			      op->id);
	if (rc != JOURNAL_OK)
		return rc;
	return journal_unseal_secret(journal, op->id, sealed, op->secret,
				     sizeof(op->secret));
}

/* Read the columns other than the secret into *op, which starts zeroed
 * with its id set. */
static int read_fields(sqlite3_stmt *stmt, struct operation *op)
{
	int64_t attempts;
	int rc;

	const struct {
		int column;
		char *dst;
		size_t size;
	} texts[] = {
		{COLUMN_TYPE, op->type, sizeof(op->type)},
		{COLUMN_AGENT_ID, op->agent_id, sizeof(op->agent_id)},
		{COLUMN_CURRENCY, op->currency, sizeof(op->currency)},
		{COLUMN_PAYLOAD, op->payload, sizeof(op->payload)},
		{COLUMN_REFERENCE, op->reference, sizeof(op->reference)},
		{COLUMN_LAST_ERROR, op->last_error, sizeof(op->last_error)},
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		rc = copy_text_column(stmt, texts[i].column, texts[i].dst,
				      texts[i].size, op->id);
		if (rc != JOURNAL_OK)
			return rc;
	}

	rc = journal_read_state(stmt, COLUMN_STATE, &op->state, op->id);
	if (rc != JOURNAL_OK)
		return rc;

	attempts = sqlite3_column_int64(stmt, COLUMN_ATTEMPTS);
	if (attempts < 0 || attempts > INT_MAX) {
		log_error("operation %s: stored attempts %lld is out of range",
			  op->id, (long long)attempts);
		return JOURNAL_EIO;
	}
	op->attempts = (int)attempts;
	op->amount = sqlite3_column_int64(stmt, COLUMN_AMOUNT);
	op->created_at = sqlite3_column_int64(stmt, COLUMN_CREATED_AT);
	op->updated_at = sqlite3_column_int64(stmt, COLUMN_UPDATED_AT);
	op->next_attempt_at = sqlite3_column_int64(stmt,
						   COLUMN_NEXT_ATTEMPT_AT);
	/* NULL, not yet acknowledged, reads as 0. */
	op->acknowledged_at = sqlite3_column_int64(stmt,
						   COLUMN_ACKNOWLEDGED_AT);
	op->age_approved = sqlite3_column_int(stmt, COLUMN_AGE_APPROVED);
	op->sent = sqlite3_column_int(stmt, COLUMN_SENT);
	op->printed = sqlite3_column_int(stmt, COLUMN_PRINTED);
	return JOURNAL_OK;
}

int journal_read_operation(struct journal *journal, sqlite3_stmt *stmt,
			   struct operation *out)
{
	struct operation op;
	int rc;

	memset(&op, 0, sizeof(op));
	rc = copy_text_column(stmt, COLUMN_ID, op.id, sizeof(op.id), "-");
	if (rc != JOURNAL_OK)
		return rc;

	rc = read_fields(stmt, &op);
	if (rc == JOURNAL_OK)
		rc = read_secret(journal, stmt, &op);
	if (rc == JOURNAL_OK)
		rc = journal_read_keys(journal, op.id, op.keys);
	if (rc == JOURNAL_OK)
		*out = op;

	/* The stack copy contains the plain secret. */
	mbedtls_platform_zeroize(&op, sizeof(op));
	return rc;
}

int journal_next_operation(struct journal *journal, sqlite3_stmt *stmt,
			   const char *action, const char *subject,
			   struct operation *out)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return journal_sqlite_error(journal, rc, action, subject);
	rc = journal_read_operation(journal, stmt, out);
	return rc == JOURNAL_OK ? 1 : rc;
}

int journal_fill_operations(struct journal *journal, sqlite3_stmt *stmt,
			    const char *action, struct operation *ops,
			    int max)
{
	int filled = 0;
	int rc;

	while (filled < max) {
		rc = journal_next_operation(journal, stmt, action, NULL,
					    &ops[filled]);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		filled++;
	}
	return filled;
}

void journal_bind_states(sqlite3_stmt *stmt, int first, unsigned state_mask)
{
	/* Bits above the last state match no operation. */
	for (int state = 0; state < OP_STATE_COUNT; state++) {
		if (state_mask & (1u << state))
			journal_bind_text(stmt, first + state,
					  state_names[state]);
	}
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
