/* Private header, not part of the public API: the journal handle and the
 * SQLite helpers shared by the offline/journal*.c files. */
#ifndef SPOTAGENT_JOURNAL_INTERNAL_H
#define SPOTAGENT_JOURNAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "journal.h"
#include "vault.h"

/* Buffer size of the stored, sealed form of struct operation's secret. */
#define JOURNAL_SEALED_SIZE VAULT_SEALED_SIZE(JOURNAL_SECRET_SIZE)

/* Columns of struct operation, in the order journal_read_operation reads
 * them. Keys are in their own table. A missing secret is NULL, and a
 * present one is sealed with the journal's key (journal_vault.c). */
#define JOURNAL_OPERATION_COLUMNS \
	"id, type, state, agent_id, currency, amount, payload, created_at," \
	" updated_at, next_attempt_at, attempts, reference, last_error," \
	" acknowledged_at, age_approved, sent, printed_state IS state," \
	" coalesce(secret, '')"

/* Index into the statement cache of struct journal. Each file keeps the
 * SQL of its own statements in a table indexed by these values. */
enum journal_statement {
	/* journal_schema.c: transaction control */
	STMT_BEGIN,
	STMT_BEGIN_IMMEDIATE,
	STMT_COMMIT,
	/* journal.c: inserts, reads and the offline-policy helpers */
	STMT_INSERT,
	STMT_INSERT_KEY,
	STMT_GET,
	STMT_GET_KEYS,
	STMT_NEXT_DUE,
	STMT_LIST,
	STMT_LIST_UNACKNOWLEDGED,
	STMT_LIST_UNPRINTED,
	STMT_MARK_PRINTED,
	STMT_SUM_PENDING,
	STMT_FLAG_OLD,
	STMT_COUNT_BY_STATE,
	STMT_NEXT_ATTEMPT_TIME,
	STMT_SET_META,
	STMT_GET_META,
	/* journal_queue.c: state changes and batches */
	STMT_READ_STATE,
	STMT_MARK_IN_FLIGHT,
	STMT_MARK_ACCEPTED,
	STMT_MARK_REJECTED,
	STMT_MARK_RETRY,
	STMT_MARK_ATTENTION,
	STMT_RETRY_ATTENTION,
	STMT_CANCEL,
	STMT_DISCARD,
	STMT_ACKNOWLEDGE,
	STMT_HOLD_DEPENDENTS,
	STMT_QUEUE_SCAN,
	/* journal_day.c: lookups by key and the day closings */
	STMT_LIST_BY_KEY,
	STMT_DAY_LATEST,
	STMT_DAY_GET,
	STMT_DAY_SCAN,
	STMT_DAY_ROWID,
	STMT_DAY_INSERT,
	STMT_DAY_CARRIED_SCAN,
	STMT_DAY_CARRY,
	STMT_DAY_SETTLE,
	/* credentials.c: offline login verifiers */
	STMT_CREDENTIALS_STORE,
	STMT_CREDENTIALS_READ,
	STMT_CREDENTIALS_FAIL,
	STMT_CREDENTIALS_RESET,
	STMT_CREDENTIALS_FORGET,
	/* app/customer.c: the offline customer cache */
	STMT_CUSTOMER_CACHE_PUT,
	STMT_CUSTOMER_CACHE_EVICT,
	STMT_CUSTOMER_CACHE_FIND,
	STMT_CUSTOMER_CACHE_TOUCH,
	STMT_CUSTOMER_CACHE_FOLLOW,
	STMT_TOTAL,
};

/* One SQLite connection, used by one thread at a time. */
struct journal {
	sqlite3 *db;
	/* Prepared on first use and kept until journal_close. */
	sqlite3_stmt *statements[STMT_TOTAL];
	/* The key of the sealed secrets: loaded at open when the key file
	 * exists, else NULL until the first secret creates the file. */
	struct vault *vault;
	char key_path[JOURNAL_PATH_SIZE];
};

/* Log rc with SQLite's message and return its journal_error. Call it before
 * any other call on the connection, which would replace the message. */
int journal_sqlite_error(struct journal *journal, int rc, const char *action,
			 const char *subject);

/* Run constant SQL with no values in it. Returns a journal_error. */
int journal_exec(struct journal *journal, const char *sql, const char *action,
		 const char *subject);

/* Return in *out the cached statement `which`, preparing it from sql on
 * first use. The caller passes the same sql for a given `which` every time
 * and calls journal_release after each use. Returns a journal_error. */
int journal_prepare(struct journal *journal, enum journal_statement which,
		    const char *sql, sqlite3_stmt **out);

/* Make a cached statement ready for its next use. Bindings use
 * SQLITE_STATIC, so they are cleared before the caller's strings go. */
void journal_release(sqlite3_stmt *stmt);

/* Start a transaction: a deferred one for reads, an immediate one, which
 * takes the write lock at once, for changes. Returns a journal_error. */
int journal_begin(struct journal *journal, bool immediate,
		  const char *subject);

/* Commit the open transaction. On failure the transaction is still open,
 * so the caller rolls it back. Returns a journal_error. */
int journal_commit(struct journal *journal, const char *subject);

/* Roll back the open transaction, if any. A failure is only logged. */
void journal_rollback(struct journal *journal, const char *subject);

/* Bind text with SQLITE_STATIC. The result is not checked because binding
 * fails only for a wrong index or a text over SQLITE_MAX_LENGTH, which the
 * length checks rule out. A value left unbound would still fail a NOT NULL
 * constraint or a one-row check. */
void journal_bind_text(sqlite3_stmt *stmt, int index, const char *text);

/* True when text has a NUL within size bytes, and is not empty unless
 * allow_empty. */
bool journal_text_fits(const char *text, size_t size, bool allow_empty);

/* Check that id is a non-empty text that fits JOURNAL_ID_SIZE. Returns
 * JOURNAL_OK or JOURNAL_EINVAL. */
int journal_check_id(const char *id);

/* Bind the name of each state in state_mask to parameter first + state,
 * for an "IN (?, ...)" with OP_STATE_COUNT parameters. Parameters of
 * states not in the mask stay NULL, which matches no row, and bits above
 * the last state are ignored. */
void journal_bind_states(sqlite3_stmt *stmt, int first, unsigned state_mask);

/* Read the row under stmt, selected with JOURNAL_OPERATION_COLUMNS, and
 * its keys into *out, which is left unchanged on failure. Returns
 * JOURNAL_EIO for a stored value that does not fit struct operation. */
int journal_read_operation(struct journal *journal, sqlite3_stmt *stmt,
			   struct operation *out);

/* Read the state stored as text in column of stmt's current row into
 * *state. Returns JOURNAL_OK, or JOURNAL_EIO (logged with id) for a
 * state name the journal does not know. */
int journal_read_state(sqlite3_stmt *stmt, int column,
		       enum op_state *state, const char *id);

/* Read the dependency keys of operation id into keys, in byte order, with
 * unused entries empty. Returns JOURNAL_EIO when more than
 * JOURNAL_KEYS_MAX keys are stored or one does not fit. */
int journal_read_keys(struct journal *journal, const char *id,
		      char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE]);

/* Step stmt, which selects operations, and read the next row into *out.
 * Returns 1 with *out filled, 0 when no row is left, or a negative
 * journal_error: a failed step is logged with action and subject (which
 * may be NULL), and a row that does not fit struct operation is
 * JOURNAL_EIO. */
int journal_next_operation(struct journal *journal, sqlite3_stmt *stmt,
			   const char *action, const char *subject,
			   struct operation *out);

/* Step stmt, which selects operations, and fill ops with up to max rows.
 * Returns the number filled or a negative journal_error. */
int journal_fill_operations(struct journal *journal, sqlite3_stmt *stmt,
			    const char *action, struct operation *ops,
			    int max);

/* Find the key file of the journal at path, and load its key into
 * journal->vault when the file exists. The journal's schema is at
 * version. Returns JOURNAL_OK, also when the file is missing and no
 * secret is sealed yet. Returns JOURNAL_EKEY for a key file that is
 * missing while sealed secrets exist, or that cannot be read, is open to
 * group or others, is not a regular file, has the wrong size, or
 * decrypts none of the sealed secrets it is checked against. The
 * failure is logged with the file name, and journal_key_problem returns
 * its reason. */
int journal_open_vault(struct journal *journal, const char *path,
		       int64_t version);

/* Seal the text plain, the secret of operation id, into sealed (at least
 * JOURNAL_SEALED_SIZE bytes), loading the key or creating the key file
 * first when needed. An empty plain gives an empty sealed. Returns
 * JOURNAL_OK, JOURNAL_EKEY or JOURNAL_EIO. */
int journal_seal_secret(struct journal *journal, const char *id,
			const char *plain, char *sealed, size_t size);

/* Unseal the stored secret of operation id into plain. An empty sealed
 * gives an empty plain. Returns JOURNAL_OK, or JOURNAL_EKEY (logged) for
 * a missing key, a wrong key or id, a changed or damaged value, or one
 * that does not fit size; plain is then wiped. */
int journal_unseal_secret(struct journal *journal, const char *id,
			  const char *sealed, char *plain, size_t size);

/* Seal every secret stored in plain text, as schema versions before 10
 * kept them, inside the caller's transaction. Returns the number sealed
 * or a negative journal_error. */
int journal_seal_plaintext(struct journal *journal, const char *path);

#endif
