/* The journal's check for operations that waited too long unsent: those
 * of a type that needs the link go to needs attention before they could
 * be sent long after the agent confirmed them. */
#define LOG_MODULE "journal"

#include "journal.h"
#include "journal_internal.h"

#include <sqlite3.h>

#include "../app/log.h"

/* Prepared on each call rather than cached in struct journal: the sync
 * worker runs it once per type before a batch, which costs far less than
 * the batch's request. */
static const char flag_unsent_sql[] =
	"UPDATE operations SET state = 'needs_attention',"
	" last_error = ?3, updated_at = ?4"
	" WHERE state = 'queued' AND sent = 0 AND age_approved = 0"
	" AND type = ?1 AND created_at < ?2"
	" RETURNING id";

/* Run the prepared UPDATE of journal_flag_unsent in the open transaction
 * and log each operation it moves. Returns how many moved or a negative
 * journal_error. */
static int step_flag_unsent(struct journal *journal, sqlite3_stmt *stmt,
			    const char *type, int64_t created_before)
{
	int flagged = 0;
	int rc = sqlite3_step(stmt);

	while (rc == SQLITE_ROW) {
		log_info("operation %s needs attention: %s not sent since "
			 "before %lld",
			 (const char *)sqlite3_column_text(stmt, 0), type,
			 (long long)created_before);
		flagged++;
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE)
		return journal_sqlite_error(journal, rc,
					    "flag unsent operations of type",
					    type);
	return flagged;
}

int journal_flag_unsent(struct journal *journal, const char *type,
			int64_t created_before, const char *reason,
			int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int flagged = 0;
	int rc;

	if (!journal_text_fits(type, JOURNAL_TYPE_SIZE, false) ||
	    !journal_text_fits(reason, JOURNAL_ERROR_SIZE, true)) {
		log_warn("flag unsent operations: type must be 1 to %d bytes "
			 "and reason at most %d bytes",
			 JOURNAL_TYPE_SIZE - 1, JOURNAL_ERROR_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = journal_begin(journal, true, type);
	if (rc != JOURNAL_OK)
		return rc;
	rc = sqlite3_prepare_v2(journal->db, flag_unsent_sql, -1, &stmt,
				NULL);
	if (rc != SQLITE_OK) {
		rc = journal_sqlite_error(journal, rc,
					  "prepare the unsent check of type",
					  type);
		goto out;
	}
	journal_bind_text(stmt, 1, type);
	sqlite3_bind_int64(stmt, 2, created_before);
	journal_bind_text(stmt, 3, reason);
	sqlite3_bind_int64(stmt, 4, now);
	flagged = step_flag_unsent(journal, stmt, type, created_before);
	rc = flagged < 0 ? flagged : JOURNAL_OK;

	/* The statement must be finished before the COMMIT. */
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, type);
out:
	sqlite3_finalize(stmt);
	if (rc != JOURNAL_OK) {
		journal_rollback(journal, type);
		return rc;
	}
	return flagged;
}
