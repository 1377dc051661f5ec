/* Opening and closing the journal: connection set-up, a schema check that
 * leaves newer or foreign files unchanged, and the schema migrations. */
#define LOG_MODULE "journal"

#include "journal_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../app/log.h"

/* Schema version this code writes, kept in PRAGMA user_version. */
#define JOURNAL_SCHEMA_VERSION 1

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
};

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

/* Switch to WAL and set the per-connection pragmas. */
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
			  "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
			  "set pragmas on", path);
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Apply the migrations from the file's version up to
 * JOURNAL_SCHEMA_VERSION in one transaction. The version is read again
 * inside the transaction because another process may have migrated the
 * file since it was checked. */
static int migrate_schema(struct journal *journal, const char *path)
{
	int64_t version;
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

	rc = journal_exec(journal, "COMMIT", "commit migration of", path);
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, path);
	return rc;
}

static int open_connection(struct journal *journal, const char *path)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, &journal->db, flags, NULL);

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
	free(journal);
}
