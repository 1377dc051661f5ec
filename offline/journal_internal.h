/* Private header, not part of the public API: the journal handle and the
 * SQLite helpers shared by offline/journal.c and offline/journal_schema.c. */
#ifndef SPOTAGENT_JOURNAL_INTERNAL_H
#define SPOTAGENT_JOURNAL_INTERNAL_H

#include <sqlite3.h>

#include "journal.h"

/* Index into the statement cache of struct journal and into statement_sql
 * in journal.c. */
enum journal_statement {
	STMT_INSERT,
	STMT_GET,
	STMT_NEXT_DUE,
	STMT_READ_STATE,
	STMT_MARK_IN_FLIGHT,
	STMT_MARK_ACCEPTED,
	STMT_MARK_REJECTED,
	STMT_MARK_RETRY,
	STMT_COUNT_BY_STATE,
	STMT_NEXT_ATTEMPT_TIME,
	STMT_SET_META,
	STMT_GET_META,
	STMT_TOTAL,
};

/* One SQLite connection, used by one thread at a time. */
struct journal {
	sqlite3 *db;
	/* Prepared on first use and kept until journal_close. */
	sqlite3_stmt *statements[STMT_TOTAL];
};

/* Log rc with SQLite's message and return its journal_error. Call it before
 * any other call on the connection, which would replace the message. */
int journal_sqlite_error(struct journal *journal, int rc, const char *action,
			 const char *subject);

/* Run constant SQL with no values in it. Returns a journal_error. */
int journal_exec(struct journal *journal, const char *sql, const char *action,
		 const char *subject);

/* Roll back the open transaction, if any. A failure is only logged. */
void journal_rollback(struct journal *journal, const char *subject);

#endif
