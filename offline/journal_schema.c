/* The journal's SQLite connection: opening and closing, the statement
 * cache, transactions, error translation, argument checks and the schema
 * migrations. */
#define LOG_MODULE "journal"

#include "journal_internal.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../app/log.h"

/* Schema version this code writes, kept in PRAGMA user_version. */
#define JOURNAL_SCHEMA_VERSION 10

/* The first version whose secrets are sealed (journal_vault.c). */
#define JOURNAL_SEALED_VERSION 10

/* PRAGMA application_id of a spotagent journal: "SPAJ" in ASCII. */
#define JOURNAL_APPLICATION_ID 1397768522 /* 0x5350414a */

/* How long a statement waits for another connection's lock. */
#define JOURNAL_BUSY_TIMEOUT_MS 5000

#define STRINGIFY(x) #x
#define STRINGIFY_VALUE(x) STRINGIFY(x)

/* migrations[v] brings a journal from version v to v + 1, including the
 * new user_version. They run in order inside one transaction. */
static const char *const migrations[JOURNAL_SCHEMA_VERSION] = {
	"CREATE TABLE operations ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" type TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('queued', 'in_flight',"
	"  'accepted', 'rejected', 'needs_attention')),"
	" agent_id TEXT NOT NULL,"
	" currency TEXT NOT NULL,"
	" amount INTEGER NOT NULL,"
	" payload TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" next_attempt_at INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" reference TEXT NOT NULL DEFAULT '',"
	" last_error TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	"CREATE INDEX operations_due ON operations (state, next_attempt_at);"
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL"
	") STRICT;"
	"PRAGMA application_id = " STRINGIFY_VALUE(JOURNAL_APPLICATION_ID) ";"
	"PRAGMA user_version = 1;",

	/* Dependency keys, the agent's acknowledgement of a rejection and
	 * approval of an old operation, and an index in journal order over
	 * the queue only, so that a batch scan reads no settled rows. */
	"ALTER TABLE operations ADD COLUMN acknowledged_at INTEGER;"
	"ALTER TABLE operations ADD COLUMN age_approved INTEGER NOT NULL"
	" DEFAULT 0 CHECK (age_approved IN (0, 1));"
	"CREATE TABLE operation_keys ("
	" operation_id TEXT NOT NULL REFERENCES operations (id),"
	" key TEXT NOT NULL,"
	" PRIMARY KEY (key, operation_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX operation_keys_operation"
	" ON operation_keys (operation_id);"
	"CREATE INDEX operations_queue ON operations (created_at)"
	" WHERE state IN ('queued', 'in_flight');"
	"PRAGMA user_version = 2;",

	/* Whether the request may have left the terminal, which decides if
	 * the agent may still cancel, and the state whose receipt or notice
	 * was printed. Rows decided before this version count as printed so
	 * that an upgrade prints nothing old. */
	"ALTER TABLE operations ADD COLUMN sent INTEGER NOT NULL"
	" DEFAULT 0 CHECK (sent IN (0, 1));"
	"UPDATE operations SET sent = 1"
	" WHERE attempts > 0 AND state != 'queued';"
	"ALTER TABLE operations ADD COLUMN printed_state TEXT;"
	"UPDATE operations SET printed_state = state"
	" WHERE state IN ('accepted', 'rejected');"
	"CREATE INDEX operations_unprinted ON operations (created_at)"
	" WHERE state IN ('accepted', 'rejected')"
	" AND printed_state IS NOT state;"
	"PRAGMA user_version = 3;",

	/* Offline login verifiers, one per agent, written by
	 * offline/credentials.c: a PBKDF2-HMAC-SHA256 key of the password,
	 * the time of the last online login and the failed-attempt lockout.
	 * Times are Unix seconds. */
	"CREATE TABLE credentials ("
	" agent_id TEXT PRIMARY KEY NOT NULL,"
	" salt BLOB NOT NULL CHECK (length(salt) = 16),"
	" iterations INTEGER NOT NULL CHECK (iterations > 0),"
	" hash BLOB NOT NULL CHECK (length(hash) = 32),"
	" stored_at INTEGER NOT NULL,"
	" failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),"
	" locked_until INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"PRAGMA user_version = 4;",

	/* Customers this terminal looked up or registered, for lookups while
	 * offline, written by app/customer.c. json is the profile in the
	 * form of the lookup reply; wallet is its first wallet account, or
	 * empty before the registration is accepted. used_at (Unix seconds)
	 * picks the row to evict. */
	"CREATE TABLE customer_cache ("
	" customer_id TEXT PRIMARY KEY NOT NULL,"
	" phone TEXT NOT NULL,"
	" wallet TEXT NOT NULL,"
	" json TEXT NOT NULL,"
	" used_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX customer_cache_phone ON customer_cache (phone);"
	"CREATE INDEX customer_cache_wallet ON customer_cache (wallet);"
	"CREATE INDEX customer_cache_used ON customer_cache (used_at);"
	"PRAGMA user_version = 5;",

	/* The agent's closed days, written by offline/journal_day.c. Day 1
	 * is the journal's first. last_operation_id is the last operation
	 * of the day in insertion order (rowid), so every later row belongs
	 * to the next day whatever its created_at. report is the day's
	 * report as app/report.c writes it. Times are Unix seconds. */
	"CREATE TABLE day_closes ("
	" day INTEGER PRIMARY KEY NOT NULL CHECK (day > 0),"
	" opened_at INTEGER NOT NULL,"
	" closed_at INTEGER NOT NULL,"
	" last_operation_id TEXT NOT NULL UNIQUE"
	"  REFERENCES operations (id),"
	" report TEXT NOT NULL"
	") STRICT;"
	"PRAGMA user_version = 6;",

	/* The secret part of an operation (struct operation's secret), which
	 * only a queued, in-flight or needs-attention row may hold. A
	 * cash-out journaled by version 6 kept the customer's code in its
	 * payload: a pending one's code moves to the secret, and every
	 * cash-out payload loses it. A payload that is not JSON is left as
	 * it is, and CASE keeps the JSON functions away from it. */
	"ALTER TABLE operations ADD COLUMN secret TEXT"
	" CHECK (secret IS NULL"
	" OR state IN ('queued', 'in_flight', 'needs_attention'));"
	"UPDATE operations"
	" SET secret = json_object('code', json_extract(payload, '$.code'))"
	" WHERE type = 'cash_out'"
	" AND state IN ('queued', 'in_flight', 'needs_attention')"
	" AND CASE WHEN json_valid(payload)"
	" THEN json_type(payload, '$.code') = 'text' ELSE 0 END;"
	"UPDATE operations SET payload = json_remove(payload, '$.code')"
	" WHERE type = 'cash_out'"
	" AND CASE WHEN json_valid(payload)"
	" THEN json_type(payload, '$.code') IS NOT NULL ELSE 0 END;"
	"PRAGMA user_version = 7;",

	/* The operations that a close left pending (day_pending), so that
	 * the report of a later open day counts them once decided. A day
	 * without operations may now close when carried operations were
	 * decided: its last_operation_id repeats the previous close's, so
	 * day_closes is rebuilt without UNIQUE on that column, keeping
	 * every row. The operations of closed days that are still pending
	 * are carried from their own day. */
	"CREATE TABLE day_closes_v8 ("
	" day INTEGER PRIMARY KEY NOT NULL CHECK (day > 0),"
	" opened_at INTEGER NOT NULL,"
	" closed_at INTEGER NOT NULL,"
	" last_operation_id TEXT NOT NULL REFERENCES operations (id),"
	" report TEXT NOT NULL"
	") STRICT;"
	"INSERT INTO day_closes_v8 (day, opened_at, closed_at,"
	" last_operation_id, report)"
	" SELECT day, opened_at, closed_at, last_operation_id, report"
	" FROM day_closes;"
	"DROP TABLE day_closes;"
	"ALTER TABLE day_closes_v8 RENAME TO day_closes;"
	"CREATE TABLE day_pending ("
	" operation_id TEXT PRIMARY KEY NOT NULL"
	"  REFERENCES operations (id),"
	" day INTEGER NOT NULL REFERENCES day_closes (day)"
	") STRICT;"
	/* NOTE: the journal cannot distinguish an operation decided after
	 * its day closed but before this upgrade from one decided before
	 * the close, so it is not carried and no report counts it. */
	"INSERT INTO day_pending (operation_id, day)"
	" SELECT o.id, (SELECT min(c.day) FROM day_closes c"
	"  JOIN operations l ON l.id = c.last_operation_id"
	"  WHERE l.rowid >= o.rowid)"
	" FROM operations o"
	" WHERE o.state IN ('queued', 'in_flight', 'needs_attention')"
	" AND o.rowid <= (SELECT max(l.rowid) FROM day_closes c"
	"  JOIN operations l ON l.id = c.last_operation_id);"
	"PRAGMA user_version = 8;",

	/* Print jobs, written by offline/journal_print.c: the bytes of a
	 * receipt, notice, copy, report, test page or drawer pulse on
	 * their way to the printer. data is NULL once the job is done.
	 * operation_id is NULL for jobs of no operation (a report, a test
	 * page). Times are Unix seconds. */
	"CREATE TABLE print_jobs ("
	" id INTEGER PRIMARY KEY NOT NULL,"
	" operation_id TEXT REFERENCES operations (id),"
	" kind TEXT NOT NULL CHECK (kind IN ('receipt', 'notice', 'copy',"
	"  'report', 'test', 'drawer')),"
	" state TEXT NOT NULL CHECK (state IN ('waiting', 'printing',"
	"  'held', 'done', 'failed')),"
	" data BLOB CHECK (data IS NOT NULL OR state IN ('done',"
	"  'failed')),"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
	" last_error TEXT NOT NULL DEFAULT '',"
	" taken INTEGER NOT NULL DEFAULT 0 CHECK (taken IN (0, 1))"
	") STRICT;"
	"CREATE INDEX print_jobs_open ON print_jobs (state, id)"
	" WHERE state IN ('waiting', 'printing', 'held');"
	"CREATE INDEX print_jobs_operation ON print_jobs (operation_id)"
	" WHERE operation_id IS NOT NULL;"
	"PRAGMA user_version = 9;",

	/* Secrets are sealed with AES-256-GCM. The SQL changes nothing
	 * else: migrate_schema seals the plain ones in C, with the key,
	 * in the same transaction. */
	"PRAGMA user_version = 10;",
};

static const char *const statement_sql[STMT_TOTAL] = {
	[STMT_BEGIN] = "BEGIN",
	[STMT_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
};

/* What each transaction statement does, for the log. */
static const char *const control_actions[STMT_TOTAL] = {
	[STMT_BEGIN] = "begin read transaction for",
	[STMT_BEGIN_IMMEDIATE] = "begin write transaction for",
	[STMT_COMMIT] = "commit transaction for",
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

/* Run constant SQL with no values in it (pragmas, migrations). */
int journal_exec(struct journal *journal, const char *sql, const char *action,
		 const char *subject)
{
	int rc = sqlite3_exec(journal->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return journal_sqlite_error(journal, rc, action, subject);
	return JOURNAL_OK;
}

int journal_prepare(struct journal *journal, enum journal_statement which,
		    const char *sql, sqlite3_stmt **out)
{
	int rc;

	if (journal->statements[which] == NULL) {
		rc = sqlite3_prepare_v3(journal->db, sql, -1,
					SQLITE_PREPARE_PERSISTENT,
					&journal->statements[which], NULL);
		if (rc != SQLITE_OK)
			return journal_sqlite_error(journal, rc, "prepare",
						    sql);
	}
	*out = journal->statements[which];
	return JOURNAL_OK;
}

void journal_release(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* Run one of the cached transaction statements. */
static int run_control(struct journal *journal, enum journal_statement which,
		       const char *subject)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = journal_prepare(journal, which, statement_sql[which], &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = JOURNAL_OK;
	else
		rc = journal_sqlite_error(journal, rc, control_actions[which],
					  subject);
	sqlite3_reset(stmt);
	return rc;
}

int journal_begin(struct journal *journal, bool immediate,
		  const char *subject)
{
	return run_control(journal,
			   immediate ? STMT_BEGIN_IMMEDIATE : STMT_BEGIN,
			   subject);
}

int journal_commit(struct journal *journal, const char *subject)
{
	return run_control(journal, STMT_COMMIT, subject);
}

/* Roll back the open transaction, if SQLite has not already done so. */
void journal_rollback(struct journal *journal, const char *subject)
{
	if (sqlite3_get_autocommit(journal->db))
		return;
	journal_exec(journal, "ROLLBACK", "roll back", subject);
}

void journal_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

bool journal_text_fits(const char *text, size_t size, bool allow_empty)
{
	size_t length;

	if (text == NULL)
		return false;
	length = strnlen(text, size);
	return length < size && (allow_empty || length > 0);
}

int journal_check_id(const char *id)
{
	if (!journal_text_fits(id, JOURNAL_ID_SIZE, false)) {
		log_warn("operation id is missing, empty or longer than %d "
			 "bytes", JOURNAL_ID_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	return JOURNAL_OK;
}

static int read_integer_pragma(struct journal *journal, const char *sql,
			       const char *path, int64_t *value)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(journal->db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc, "read schema of journal",
					  path);
		goto out;
	}
	*value = sqlite3_column_int64(stmt, 0);
	rc = JOURNAL_OK;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Read the schema version and reject a file that this code must not
 * change: a newer schema, another application's database, or a database
 * with tables but no version. Only reads. */
static int check_schema(struct journal *journal, const char *path,
			int64_t *version)
{
	int64_t application_id;
	int64_t tables;
	int rc;

	rc = read_integer_pragma(journal, "PRAGMA user_version", path,
				 version);
	if (rc != JOURNAL_OK)
		return rc;
	if (*version > JOURNAL_SCHEMA_VERSION || *version < 0) {
		log_error("journal %s has schema version %lld, but this "
			  "build knows versions up to %d", path,
			  (long long)*version, JOURNAL_SCHEMA_VERSION);
		return JOURNAL_ESCHEMA;
	}

	rc = read_integer_pragma(journal, "PRAGMA application_id", path,
				 &application_id);
	if (rc == JOURNAL_OK)
		rc = read_integer_pragma(journal,
					 "SELECT count(*) FROM sqlite_schema",
					 path, &tables);
	if (rc != JOURNAL_OK)
		return rc;

	if (*version > 0 && application_id != JOURNAL_APPLICATION_ID) {
		log_error("%s is not a spotagent journal (application_id %lld)",
			  path, (long long)application_id);
		return JOURNAL_ESCHEMA;
	}
	if (*version == 0 && tables > 0) {
		log_error("%s has tables but no schema version, so it is not "
			  "a spotagent journal", path);
		return JOURNAL_ESCHEMA;
	}
	return JOURNAL_OK;
}

/* Switch to WAL and set the per-connection pragmas. secure_delete makes
 * SQLite overwrite deleted content with zeros, such as a secret that a
 * decided operation no longer holds. Debian's SQLite 3.40 has it on by
 * default (SQLITE_SECURE_DELETE); other builds may not. */
static int configure_connection(struct journal *journal, const char *path)
{
	sqlite3_stmt *stmt = NULL;
	const char *mode;
	int rc;

	rc = sqlite3_prepare_v2(journal->db, "PRAGMA journal_mode = WAL", -1,
				&stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc, "set WAL mode on", path);
		goto out;
	}

	/* SQLite keeps the old mode, without an error, when it cannot use
	 * WAL (for example without shared memory support). */
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		log_error("journal %s stays in journal_mode %s, expected wal",
			  path, mode == NULL ? "(null)" : mode);
		rc = JOURNAL_EIO;
		goto out;
	}

	rc = journal_exec(journal,
			  "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
			  " PRAGMA secure_delete = ON",
			  "set pragmas on", path);
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Copy the pages with the newly sealed secrets into the database file
 * and truncate the WAL file, so that the plain secrets that older frames
 * contain leave it. secure_delete has already zeroed the plain text in the
 * pages. A reader on another connection can keep the checkpoint from
 * finishing, which is logged: the frames are then overwritten as the WAL
 * file is reused. */
static void checkpoint_plaintext(struct journal *journal, const char *path)
{
	int rc = sqlite3_wal_checkpoint_v2(journal->db, NULL,
					   SQLITE_CHECKPOINT_TRUNCATE, NULL,
					   NULL);

	if (rc != SQLITE_OK)
		log_warn("journal %s: checkpoint after sealing secrets did "
			 "not finish: %s (SQLite code %d)", path,
			 sqlite3_errmsg(journal->db), rc);
}

/* Apply the migrations from the file's version up to
 * JOURNAL_SCHEMA_VERSION in one transaction. The version is read again
 * inside the transaction because another process may have migrated the
 * file since it was checked. */
static int migrate_schema(struct journal *journal, const char *path)
{
	int64_t version;
	int sealed;
	int rc;

	rc = journal_exec(journal, "BEGIN IMMEDIATE", "begin migration of",
			  path);
	if (rc != JOURNAL_OK)
		return rc;

	rc = check_schema(journal, path, &version);
	if (rc != JOURNAL_OK)
		goto out;

	for (int64_t v = version; v < JOURNAL_SCHEMA_VERSION; v++) {
		rc = journal_exec(journal, migrations[v], "migrate", path);
		if (rc != JOURNAL_OK)
			goto out;
		log_info("journal %s migrated to schema version %lld", path,
			 (long long)(v + 1));
	}

	/* A crash before the COMMIT leaves the old version with its plain
	 * secrets, and the next open runs all of it again. */
	sealed = 0;
	if (version < JOURNAL_SEALED_VERSION) {
		sealed = journal_seal_plaintext(journal, path);
		rc = sealed < 0 ? sealed : JOURNAL_OK;
		if (rc != JOURNAL_OK)
			goto out;
	}

	rc = journal_exec(journal, "COMMIT", "commit migration of", path);
	if (rc == JOURNAL_OK && sealed > 0)
		checkpoint_plaintext(journal, path);
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, path);
	return rc;
}

/* Create the journal file with mode 0600 when it does not exist yet,
 * because it contains customers' names, wallets and amounts. SQLite would
 * create it with 0666 less the umask, and gives the -wal and -shm files
 * the database file's mode. An existing file keeps its mode. Any
 * failure is left for sqlite3_open_v2() to report. */
static void create_private_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0)
		close(fd);
}

static int open_connection(struct journal *journal, const char *path)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX;
	int rc;

	create_private_file(path);
	rc = sqlite3_open_v2(path, &journal->db, flags, NULL);
	if (rc != SQLITE_OK)
		return journal_sqlite_error(journal, rc, "open journal", path);

	sqlite3_extended_result_codes(journal->db, 1);
	sqlite3_busy_timeout(journal->db, JOURNAL_BUSY_TIMEOUT_MS);
	return JOURNAL_OK;
}

int journal_open(const char *path, struct journal **out)
{
	struct journal *journal;
	int64_t version = 0;
	int rc;

	if (out == NULL)
		return JOURNAL_EINVAL;
	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return JOURNAL_EINVAL;

	journal = calloc(1, sizeof(*journal));
	if (journal == NULL) {
		log_error("out of memory opening journal %s", path);
		return JOURNAL_EIO;
	}

	/* Check before anything is written, so that a file this code must
	 * not touch is left as it was. */
	rc = open_connection(journal, path);
	if (rc != JOURNAL_OK)
		goto fail;
	rc = check_schema(journal, path, &version);
	if (rc != JOURNAL_OK)
		goto fail;
	rc = configure_connection(journal, path);
	if (rc != JOURNAL_OK)
		goto fail;
	rc = journal_open_vault(journal, path, version);
	if (rc != JOURNAL_OK)
		goto fail;
	if (version < JOURNAL_SCHEMA_VERSION) {
		rc = migrate_schema(journal, path);
		if (rc != JOURNAL_OK)
			goto fail;
	}

	log_info("journal %s opened", path);
	*out = journal;
	return JOURNAL_OK;
fail:
	journal_close(journal);
	return rc;
}

void journal_close(struct journal *journal)
{
	int rc;

	if (journal == NULL)
		return;

	for (int i = 0; i < STMT_TOTAL; i++)
		sqlite3_finalize(journal->statements[i]);

	rc = sqlite3_close(journal->db);
	if (rc != SQLITE_OK)
		log_error("closing the journal failed: %s (SQLite code %d)",
			  sqlite3_errmsg(journal->db), rc);
	vault_close(journal->vault);
	free(journal);
}
