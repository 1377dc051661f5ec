/* Print jobs in the journal: adding a job together with the operation's
 * printed mark, taking and ending jobs for the print worker, holding,
 * releasing and recovering them. */
#define LOG_MODULE "journal"

#include "journal_internal.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../app/log.h"

/* Print jobs are few (one or two per operation), so their statements are
 * prepared for each call instead of taking slots in the statement
 * cache. */

#define PRINT_JOB_COLUMNS \
	"id, coalesce(operation_id, ''), kind, state, created_at," \
	" updated_at, attempts, last_error, coalesce(length(data), 0)," \
	" taken"

static const char *const kind_names[PRINT_KIND_COUNT] = {
	[PRINT_KIND_RECEIPT] = "receipt", [PRINT_KIND_NOTICE] = "notice",
	[PRINT_KIND_COPY] = "copy",       [PRINT_KIND_REPORT] = "report",
	[PRINT_KIND_TEST] = "test",       [PRINT_KIND_DRAWER] = "drawer",
};

static const char *const state_names[PRINT_STATE_COUNT] = {
	[PRINT_WAITING] = "waiting", [PRINT_PRINTING] = "printing",
	[PRINT_HELD] = "held",       [PRINT_DONE] = "done",
	[PRINT_FAILED] = "failed",
};

const char *journal_print_kind_name(enum print_kind kind)
{
	if ((unsigned)kind >= PRINT_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

const char *journal_print_state_name(enum print_state state)
{
	if ((unsigned)state >= PRINT_STATE_COUNT)
		return "unknown";
	return state_names[state];
}

static int parse_name(const char *const *names, int count, const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int journal_print_kind_parse(const char *name)
{
	return parse_name(kind_names, PRINT_KIND_COUNT, name);
}

int journal_print_state_parse(const char *name)
{
	return parse_name(state_names, PRINT_STATE_COUNT, name);
}

static int prepare(struct journal *journal, const char *sql,
		   sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v2(journal->db, sql, -1, out, NULL);

	if (rc != SQLITE_OK)
		return journal_sqlite_error(journal, rc, "prepare", sql);
	return JOURNAL_OK;
}

/* Step a statement that returns no row. *changes (may be NULL) gets the
 * rows it changed. The statement is finalised. */
static int run(struct journal *journal, sqlite3_stmt *stmt,
	       const char *action, const char *subject, int *changes)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_DONE) {
		rc = JOURNAL_OK;
		if (changes != NULL)
			*changes = sqlite3_changes(journal->db);
	} else {
		rc = journal_sqlite_error(journal, rc, action, subject);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Read the row under stmt, selected with PRINT_JOB_COLUMNS. */
static int read_job(sqlite3_stmt *stmt, struct print_job *out)
{
	const char *operation_id =
		(const char *)sqlite3_column_text(stmt, 1);
	const char *kind = (const char *)sqlite3_column_text(stmt, 2);
	const char *state = (const char *)sqlite3_column_text(stmt, 3);
	const char *error = (const char *)sqlite3_column_text(stmt, 7);
	struct print_job job = { 0 };
	int kind_value = journal_print_kind_parse(kind);
	int state_value = journal_print_state_parse(state);

	job.id = sqlite3_column_int64(stmt, 0);
	if (kind_value < 0 || state_value < 0 || operation_id == NULL ||
	    error == NULL || strlen(operation_id) >= JOURNAL_ID_SIZE ||
	    strlen(error) >= JOURNAL_ERROR_SIZE) {
		log_error("print job %lld has a field this build cannot read",
			  (long long)job.id);
		return JOURNAL_EIO;
	}
	snprintf(job.operation_id, sizeof(job.operation_id), "%s",
		 operation_id);
	job.kind = (enum print_kind)kind_value;
	job.state = (enum print_state)state_value;
	job.created_at = sqlite3_column_int64(stmt, 4);
	job.updated_at = sqlite3_column_int64(stmt, 5);
	job.attempts = sqlite3_column_int(stmt, 6);
	snprintf(job.last_error, sizeof(job.last_error), "%s", error);
	job.size = (size_t)sqlite3_column_int64(stmt, 8);
	job.taken = sqlite3_column_int(stmt, 9) != 0;
	*out = job;
	return JOURNAL_OK;
}

/* Record the operation's receipt or notice of state `mark` as printed,
 * inside the caller's transaction. JOURNAL_ESTATE when the operation is
 * in another state or already marked. */
static int mark_operation(struct journal *journal, const char *operation_id,
			  enum op_state mark)
{
	sqlite3_stmt *stmt = NULL;
	int changes = 0;
	int rc;

	rc = prepare(journal,
		     "UPDATE operations SET printed_state = state"
		     " WHERE id = ?1 AND state = ?2"
		     " AND printed_state IS NOT state",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	journal_bind_text(stmt, 1, operation_id);
	journal_bind_text(stmt, 2, journal_state_name(mark));
	rc = run(journal, stmt, "mark printed", operation_id, &changes);
	if (rc == JOURNAL_OK && changes != 1)
		rc = JOURNAL_ESTATE;
	return rc;
}

static int insert_job(struct journal *journal, const char *operation_id,
		      enum print_kind kind, const unsigned char *data,
		      size_t len, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal,
		     "INSERT INTO print_jobs (operation_id, kind, state, data,"
		     " created_at, updated_at)"
		     " VALUES (?1, ?2, 'waiting', ?3, ?4, ?4)",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	if (operation_id != NULL)
		journal_bind_text(stmt, 1, operation_id);
	journal_bind_text(stmt, 2, journal_print_kind_name(kind));
	sqlite3_bind_blob(stmt, 3, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, now);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = JOURNAL_OK;
	else if ((rc & 0xff) == SQLITE_CONSTRAINT)
		/* The only foreign key: an operation that does not exist. */
		rc = JOURNAL_ENOTFOUND;
	else
		rc = journal_sqlite_error(journal, rc, "add print job for",
					  operation_id);
	sqlite3_finalize(stmt);
	return rc;
}

/* End the waiting or held receipt and notice jobs of operation_id other
 * than job keep, inside the caller's transaction: the receipt of state
 * mark replaces them. A printing one is left to end as it does. */
static int supersede_jobs(struct journal *journal, const char *operation_id,
			  int64_t keep, enum op_state mark, int64_t now)
{
	char reason[64];
	sqlite3_stmt *stmt = NULL;
	int rc;

	snprintf(reason, sizeof(reason), "superseded by the receipt of %s",
		 mark == OP_ACCEPTED ? "CONFIRMED" : "REJECTED");
	rc = prepare(journal,
		     "UPDATE print_jobs SET state = 'done', data = NULL,"
		     " last_error = ?3, updated_at = ?4"
		     " WHERE operation_id = ?1 AND id <> ?2"
		     " AND kind IN ('receipt', 'notice')"
		     " AND state IN ('waiting', 'held')",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	journal_bind_text(stmt, 1, operation_id);
	sqlite3_bind_int64(stmt, 2, keep);
	journal_bind_text(stmt, 3, reason);
	sqlite3_bind_int64(stmt, 4, now);
	return run(journal, stmt, "supersede print jobs of", operation_id,
		   NULL);
}

int journal_print_add(struct journal *journal, const char *operation_id,
		      enum print_kind kind, const unsigned char *data,
		      size_t len, int mark, int64_t now, int64_t *id)
{
	const char *subject;
	int64_t added;
	int rc;

	if (operation_id != NULL && operation_id[0] == '\0')
		operation_id = NULL;
	subject = operation_id != NULL ? operation_id : "-";
	if ((unsigned)kind >= PRINT_KIND_COUNT || data == NULL || len == 0 ||
	    len > JOURNAL_PRINT_DATA_MAX ||
	    (operation_id != NULL && journal_check_id(operation_id) != 0) ||
	    (mark != -1 && mark != OP_ACCEPTED && mark != OP_REJECTED) ||
	    (mark != -1 && operation_id == NULL))
		return JOURNAL_EINVAL;

	rc = journal_begin(journal, true, subject);
	if (rc != JOURNAL_OK)
		return rc;
	if (mark != -1) {
		rc = mark_operation(journal, operation_id, (enum op_state)mark);
		if (rc != JOURNAL_OK)
			goto out;
	}
	rc = insert_job(journal, operation_id, kind, data, len, now);
	if (rc != JOURNAL_OK)
		goto out;
	added = sqlite3_last_insert_rowid(journal->db);
	if (mark != -1 &&
	    (kind == PRINT_KIND_RECEIPT || kind == PRINT_KIND_NOTICE))
		rc = supersede_jobs(journal, operation_id, added,
				    (enum op_state)mark, now);
	if (rc != JOURNAL_OK)
		goto out;
	if (id != NULL)
		*id = added;
	rc = journal_commit(journal, subject);
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, subject);
	return rc;
}

/* Copy the oldest waiting job and its bytes, inside the caller's
 * transaction. */
static int read_oldest_waiting(struct journal *journal, struct print_job *job,
			       unsigned char **data)
{
	sqlite3_stmt *stmt = NULL;
	const void *blob;
	int rc;

	rc = prepare(journal,
		     "SELECT " PRINT_JOB_COLUMNS ", data FROM print_jobs"
		     " WHERE state = 'waiting'"
		     " ORDER BY kind = 'drawer' DESC, id LIMIT 1",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = JOURNAL_ENOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc, "read print job", "-");
		goto out;
	}
	rc = read_job(stmt, job);
	if (rc != JOURNAL_OK)
		goto out;
	blob = sqlite3_column_blob(stmt, 10);
	if (blob == NULL || job->size == 0) {
		log_error("waiting print job %lld has no bytes",
			  (long long)job->id);
		rc = JOURNAL_EIO;
		goto out;
	}
	*data = malloc(job->size);
	if (*data == NULL) {
		log_error("out of memory reading print job %lld",
			  (long long)job->id);
		rc = JOURNAL_EIO;
		goto out;
	}
	memcpy(*data, blob, job->size);
out:
	sqlite3_finalize(stmt);
	return rc;
}

int journal_print_take(struct journal *journal, int64_t now,
		       struct print_job *job, unsigned char **data)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*data = NULL;
	rc = journal_begin(journal, true, "print job");
	if (rc != JOURNAL_OK)
		return rc;
	rc = read_oldest_waiting(journal, job, data);
	if (rc != JOURNAL_OK)
		goto out;
	rc = prepare(journal,
		     "UPDATE print_jobs SET state = 'printing',"
		     " attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
		     &stmt);
	if (rc != JOURNAL_OK)
		goto out;
	sqlite3_bind_int64(stmt, 1, job->id);
	sqlite3_bind_int64(stmt, 2, now);
	rc = run(journal, stmt, "take print job", "-", NULL);
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, "print job");
	if (rc == JOURNAL_OK) {
		job->state = PRINT_PRINTING;
		job->attempts++;
		job->updated_at = now;
	}
out:
	if (rc != JOURNAL_OK) {
		journal_rollback(journal, "print job");
		free(*data);
		*data = NULL;
	}
	return rc;
}

/* The current state of job id, or a negative journal_error. */
static int read_state(struct journal *journal, int64_t id)
{
	struct print_job job;
	int rc = journal_print_get(journal, id, &job);

	return rc != JOURNAL_OK ? rc : (int)job.state;
}

int journal_print_finish(struct journal *journal, int64_t id,
			 enum print_state state, const char *reason,
			 int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int changes = 0;
	int rc;

	if (state != PRINT_DONE && state != PRINT_HELD &&
	    state != PRINT_FAILED)
		return JOURNAL_EINVAL;
	if (state != PRINT_DONE &&
	    !journal_text_fits(reason, JOURNAL_ERROR_SIZE, false))
		return JOURNAL_EINVAL;
	if (reason == NULL || state == PRINT_DONE)
		reason = "";

	rc = prepare(journal,
		     "UPDATE print_jobs SET state = ?2, last_error = ?3,"
		     " updated_at = ?4,"
		     " data = CASE WHEN ?2 = 'held' THEN data END"
		     " WHERE id = ?1 AND state = 'printing'",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	journal_bind_text(stmt, 2, journal_print_state_name(state));
	journal_bind_text(stmt, 3, reason);
	sqlite3_bind_int64(stmt, 4, now);
	rc = run(journal, stmt, "end print job", "-", &changes);
	if (rc != JOURNAL_OK || changes == 1)
		return rc;
	rc = read_state(journal, id);
	return rc < 0 ? rc : JOURNAL_ESTATE;
}

/* Run sql, an UPDATE of waiting jobs with ?1 the creation cut-off, ?2
 * the reason and ?3 now, inside the caller's transaction. *changes (may
 * be NULL) gets the rows it changed. */
static int update_waiting(struct journal *journal, const char *sql,
			  int64_t before, const char *reason, int64_t now,
			  const char *action, int *changes)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, sql, &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, before);
	journal_bind_text(stmt, 2, reason);
	sqlite3_bind_int64(stmt, 3, now);
	return run(journal, stmt, action, "-", changes);
}

int journal_print_hold_waiting(struct journal *journal, int64_t before,
			       const char *reason, int64_t now, int *held)
{
	int changes = 0;
	int rc;

	if (held != NULL)
		*held = 0;
	if (!journal_text_fits(reason, JOURNAL_ERROR_SIZE, false))
		return JOURNAL_EINVAL;
	rc = journal_begin(journal, true, "held print jobs");
	if (rc != JOURNAL_OK)
		return rc;
	rc = update_waiting(journal,
			    "UPDATE print_jobs SET state = 'failed',"
			    " data = NULL, last_error = ?2, updated_at = ?3"
			    " WHERE state = 'waiting' AND kind = 'drawer'"
			    " AND created_at <= ?1",
			    before, reason, now, "fail drawer pulses", NULL);
	if (rc != JOURNAL_OK)
		goto out;
	rc = update_waiting(journal,
			    "UPDATE print_jobs SET state = 'held',"
			    " last_error = ?2, updated_at = ?3"
			    " WHERE state = 'waiting' AND created_at <= ?1",
			    before, reason, now, "hold print jobs", &changes);
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, "held print jobs");
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, "held print jobs");
	else if (held != NULL)
		*held = changes;
	return rc;
}

int journal_print_release(struct journal *journal, int64_t now,
			  int *released)
{
	sqlite3_stmt *stmt = NULL;
	int changes = 0;
	int rc;

	if (released != NULL)
		*released = 0;
	rc = prepare(journal,
		     "UPDATE print_jobs SET state = 'waiting', last_error = '',"
		     " updated_at = ?1 WHERE state = 'held'",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, now);
	rc = run(journal, stmt, "release held print jobs", "-", &changes);
	if (rc == JOURNAL_OK && released != NULL)
		*released = changes;
	return rc;
}

static int read_jobs(struct journal *journal, sqlite3_stmt *stmt,
		     struct print_job *jobs, int max, const char *action,
		     const char *subject);

/* Run sql, an UPDATE of job ?1 at time ?2, and map "no row changed" to
 * JOURNAL_ENOTFOUND or JOURNAL_ESTATE. */
static int update_job(struct journal *journal, const char *sql, int64_t id,
		      int64_t now, const char *action)
{
	sqlite3_stmt *stmt = NULL;
	int changes = 0;
	int rc;

	rc = prepare(journal, sql, &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now);
	rc = run(journal, stmt, action, "-", &changes);
	if (rc != JOURNAL_OK || changes == 1)
		return rc;
	rc = read_state(journal, id);
	return rc < 0 ? rc : JOURNAL_ESTATE;
}

int journal_print_mark_taken(struct journal *journal, int64_t id,
			     int64_t now)
{
	return update_job(journal,
			  "UPDATE print_jobs SET taken = 1, updated_at = ?2"
			  " WHERE id = ?1 AND state = 'printing'",
			  id, now, "mark print job taken");
}

int journal_print_release_job(struct journal *journal, int64_t id,
			      int64_t now)
{
	return update_job(journal,
			  "UPDATE print_jobs SET state = 'waiting',"
			  " last_error = '', updated_at = ?2"
			  " WHERE id = ?1 AND state = 'held'",
			  id, now, "release print job");
}

int journal_print_fail_drawer(struct journal *journal, int64_t before,
			      const char *reason, int64_t now, int *failed)
{
	int changes = 0;
	int rc;

	if (failed != NULL)
		*failed = 0;
	if (!journal_text_fits(reason, JOURNAL_ERROR_SIZE, false))
		return JOURNAL_EINVAL;
	rc = update_waiting(journal,
			    "UPDATE print_jobs SET state = 'failed',"
			    " data = NULL, last_error = ?2, updated_at = ?3"
			    " WHERE state = 'waiting' AND kind = 'drawer'"
			    " AND created_at <= ?1",
			    before, reason, now, "fail drawer pulses",
			    &changes);
	if (rc == JOURNAL_OK && failed != NULL)
		*failed = changes;
	return rc;
}

/* Set held job id done with reason, dropping its bytes; *changes gets 1,
 * or 0 when the job is not held. Returns a journal_error. */
static int end_held(struct journal *journal, int64_t id, const char *reason,
		    int64_t now, const char *what, int *changes)
{
	sqlite3_stmt *stmt = NULL;
	int rc = prepare(journal,
			 "UPDATE print_jobs SET state = 'done', data = NULL,"
			 " last_error = ?2, updated_at = ?3"
			 " WHERE id = ?1 AND state = 'held'",
			 &stmt);

	if (rc != JOURNAL_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	journal_bind_text(stmt, 2, reason);
	sqlite3_bind_int64(stmt, 3, now);
	return run(journal, stmt, what, "-", changes);
}

int journal_print_end_held(struct journal *journal, int64_t id,
			   const char *reason, int64_t now)
{
	int changes = 0;
	int rc;

	if (!journal_text_fits(reason, JOURNAL_ERROR_SIZE, false))
		return JOURNAL_EINVAL;
	rc = end_held(journal, id, reason, now, "end held print job",
		      &changes);
	if (rc != JOURNAL_OK || changes == 1)
		return rc;
	rc = read_state(journal, id);
	return rc < 0 ? rc : JOURNAL_ESTATE;
}

/* End held job id as replaced by copy job new_id, inside the caller's
 * transaction. */
static int end_replaced(struct journal *journal, int64_t id, int64_t new_id,
			int64_t now)
{
	char reason[64];
	int changes = 0;
	int rc;

	snprintf(reason, sizeof(reason), "replaced by copy job %lld",
		 (long long)new_id);
	rc = end_held(journal, id, reason, now, "replace print job",
		      &changes);
	if (rc == JOURNAL_OK && changes != 1)
		rc = JOURNAL_ESTATE;
	return rc;
}

int journal_print_replace(struct journal *journal, int64_t id,
			  const unsigned char *data, size_t len, int64_t now,
			  int64_t *new_id)
{
	struct print_job old;
	int64_t added;
	int rc;

	if (data == NULL || len == 0 || len > JOURNAL_PRINT_DATA_MAX)
		return JOURNAL_EINVAL;
	rc = journal_begin(journal, true, "replace print job");
	if (rc != JOURNAL_OK)
		return rc;
	rc = journal_print_get(journal, id, &old);
	if (rc == JOURNAL_OK && old.state != PRINT_HELD)
		rc = JOURNAL_ESTATE;
	if (rc != JOURNAL_OK)
		goto out;
	rc = insert_job(journal,
			old.operation_id[0] != '\0' ? old.operation_id : NULL,
			PRINT_KIND_COPY, data, len, now);
	if (rc != JOURNAL_OK)
		goto out;
	added = sqlite3_last_insert_rowid(journal->db);
	rc = end_replaced(journal, id, added, now);
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, "replace print job");
	if (rc == JOURNAL_OK && new_id != NULL)
		*new_id = added;
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, "replace print job");
	return rc;
}

int journal_print_list_held(struct journal *journal,
			    const char *operation_id, struct print_job *jobs,
			    int max)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (max < 0 || (operation_id != NULL &&
			journal_check_id(operation_id) != JOURNAL_OK))
		return JOURNAL_EINVAL;
	rc = prepare(journal,
		     "SELECT " PRINT_JOB_COLUMNS " FROM print_jobs"
		     " WHERE state = 'held'"
		     " AND (?1 IS NULL OR operation_id = ?1) ORDER BY id",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	if (operation_id != NULL)
		journal_bind_text(stmt, 1, operation_id);
	return read_jobs(journal, stmt, jobs, max, "list held print jobs",
			 operation_id != NULL ? operation_id : "-");
}

/* The statements of journal_print_recover, run in this order. ?1 is now,
 * ?2 the cut-off time for deleting finished jobs; a statement without one
 * of them ignores its binding. */
static const char *const recover_sql[] = {
	"UPDATE print_jobs SET state = 'failed', data = NULL,"
	" last_error = 'the terminal stopped during the drawer pulse;"
	" open the drawer by hand if it stayed shut', updated_at = ?1"
	" WHERE kind = 'drawer' AND state = 'printing'",
	"UPDATE print_jobs SET state = 'failed', data = NULL,"
	" last_error = 'the terminal stopped before the drawer pulse was"
	" sent; open the drawer by hand', updated_at = ?1"
	" WHERE kind = 'drawer' AND state = 'waiting'",
	"UPDATE print_jobs SET state = 'held', taken = 1,"
	" last_error = 'stopped while printing; it may have printed',"
	" updated_at = ?1 WHERE state = 'printing'",
	"DELETE FROM print_jobs WHERE state IN ('done', 'failed')"
	" AND updated_at < ?2",
};

int journal_print_recover(struct journal *journal, int64_t now, int *held)
{
	return journal_print_recover_counts(journal, now, held, NULL);
}

int journal_print_recover_counts(struct journal *journal, int64_t now,
				 int *held, int *drawers)
{
	sqlite3_stmt *stmt = NULL;
	int counts[sizeof(recover_sql) / sizeof(recover_sql[0])] = { 0 };
	int rc;

	if (held != NULL)
		*held = 0;
	if (drawers != NULL)
		*drawers = 0;
	rc = journal_begin(journal, true, "print job recovery");
	if (rc != JOURNAL_OK)
		return rc;
	for (size_t i = 0; i < sizeof(recover_sql) / sizeof(recover_sql[0]);
	     i++) {
		rc = prepare(journal, recover_sql[i], &stmt);
		if (rc != JOURNAL_OK)
			goto out;
		sqlite3_bind_int64(stmt, 1, now);
		sqlite3_bind_int64(stmt, 2, now - JOURNAL_PRINT_KEEP_SECONDS);
		rc = run(journal, stmt, "recover print jobs", "-",
			 &counts[i]);
		if (rc != JOURNAL_OK)
			goto out;
	}
	rc = journal_commit(journal, "print job recovery");
out:
	if (rc != JOURNAL_OK)
		journal_rollback(journal, "print job recovery");
	if (rc == JOURNAL_OK && held != NULL)
		*held = counts[2];
	if (rc == JOURNAL_OK && drawers != NULL)
		*drawers = counts[0] + counts[1];
	return rc;
}

int journal_print_count(struct journal *journal,
			int64_t counts[PRINT_STATE_COUNT])
{
	sqlite3_stmt *stmt = NULL;
	int64_t found[PRINT_STATE_COUNT] = { 0 };
	int rc;

	rc = prepare(journal,
		     "SELECT state, count(*) FROM print_jobs GROUP BY state",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int state = journal_print_state_parse(
			(const char *)sqlite3_column_text(stmt, 0));

		if (state >= 0)
			found[state] = sqlite3_column_int64(stmt, 1);
	}
	if (rc == SQLITE_DONE) {
		rc = JOURNAL_OK;
		memcpy(counts, found, sizeof(found));
	} else {
		rc = journal_sqlite_error(journal, rc, "count print jobs", "-");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Step stmt, which selects PRINT_JOB_COLUMNS, and read up to max rows
 * into jobs. Returns the number read or a negative journal_error. The
 * statement is finalised. */
static int read_jobs(struct journal *journal, sqlite3_stmt *stmt,
		     struct print_job *jobs, int max, const char *action,
		     const char *subject)
{
	int count = 0;
	int rc = SQLITE_DONE;

	while (count < max && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rc = read_job(stmt, &jobs[count]);
		if (rc != JOURNAL_OK)
			goto out;
		count++;
	}
	if (count == max || rc == SQLITE_DONE)
		rc = count;
	else
		rc = journal_sqlite_error(journal, rc, action, subject);
out:
	sqlite3_finalize(stmt);
	return rc;
}

int journal_print_get(struct journal *journal, int64_t id,
		      struct print_job *job)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal,
		     "SELECT " PRINT_JOB_COLUMNS " FROM print_jobs"
		     " WHERE id = ?1",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	rc = read_jobs(journal, stmt, job, 1, "read print job", "-");
	if (rc == 0)
		return JOURNAL_ENOTFOUND;
	return rc < 0 ? rc : JOURNAL_OK;
}

int journal_print_list_operation(struct journal *journal,
				 const char *operation_id,
				 struct print_job *jobs, int max)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (journal_check_id(operation_id) != JOURNAL_OK || max < 0)
		return JOURNAL_EINVAL;
	rc = prepare(journal,
		     "SELECT " PRINT_JOB_COLUMNS " FROM print_jobs"
		     " WHERE operation_id = ?1 ORDER BY id",
		     &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	journal_bind_text(stmt, 1, operation_id);
	return read_jobs(journal, stmt, jobs, max, "list print jobs of",
			 operation_id);
}
