/* State changes of journaled operations: one at a time or in batches, the
 * batch scan that keeps operations sharing a dependency key in order, and
 * the agent's actions on held and rejected operations. */
#define LOG_MODULE "journal"

#include "journal.h"
#include "journal_internal.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../app/log.h"

/* Rows journal_next_batch scans at least, whatever its max. */
#define BATCH_SCAN_MIN 1000

/* Slots of the blocked-key set when its first key arrives. Must be a
 * power of two. */
#define KEY_SET_INITIAL_CAPACITY 64

/* Parameters of the state change statements: ?1 id, ?2 text, ?3 now, and
 * for a retry ?4 next_attempt_at and ?5 the new state's name. A statement
 * may leave some of them out. */
static const char *const statement_sql[STMT_TOTAL] = {
	[STMT_READ_STATE] = "SELECT state, sent FROM operations"
			    " WHERE id = ?1",
	[STMT_MARK_IN_FLIGHT] = "UPDATE operations SET state = 'in_flight',"
				" attempts = attempts + 1, sent = 1,"
				" updated_at = ?3"
				" WHERE id = ?1",
	/* The failures before the acceptance stay in the log only. Each
	 * change to accepted or rejected clears the secret, which the
	 * schema's CHECK requires of a decided row. */
	[STMT_MARK_ACCEPTED] = "UPDATE operations SET state = 'accepted',"
			       " reference = ?2, last_error = '',"
			       " secret = NULL,"
			       " updated_at = ?3 WHERE id = ?1",
	[STMT_MARK_REJECTED] = "UPDATE operations SET state = 'rejected',"
			       " last_error = ?2, secret = NULL,"
			       " updated_at = ?3 WHERE id = ?1",
	/* Back to queued means the request never took effect. */
	[STMT_MARK_RETRY] = "UPDATE operations SET state = ?5,"
			    " last_error = ?2, next_attempt_at = ?4,"
			    " sent = CASE WHEN ?5 = 'queued' THEN 0"
			    " ELSE sent END,"
			    " updated_at = ?3 WHERE id = ?1",
	/* ?4 is true when the central service reported that it did not apply
	 * the operation, which makes it cancellable again. */
	[STMT_MARK_ATTENTION] = "UPDATE operations"
				" SET state = 'needs_attention',"
				" last_error = ?2, updated_at = ?3,"
				" sent = CASE WHEN ?4 THEN 0 ELSE sent END"
				" WHERE id = ?1",
	[STMT_RETRY_ATTENTION] = "UPDATE operations SET state = 'queued',"
				 " next_attempt_at = ?3, updated_at = ?3,"
				 " age_approved = 1 WHERE id = ?1",
	[STMT_CANCEL] = "UPDATE operations SET state = 'rejected',"
			" last_error = ?2, acknowledged_at = ?3,"
			" secret = NULL, updated_at = ?3 WHERE id = ?1",
	/* A final response that applied nothing needs no notice, so the row
	 * counts as printed in its new state. */
	[STMT_DISCARD] = "UPDATE operations SET state = 'rejected',"
			 " last_error = ?2, acknowledged_at = ?3,"
			 " printed_state = 'rejected', secret = NULL,"
			 " updated_at = ?3"
			 " WHERE id = ?1 AND state = 'needs_attention'",
	/* A second acknowledgement keeps the time of the first. */
	[STMT_ACKNOWLEDGE] = "UPDATE operations"
			     " SET acknowledged_at ="
			     " coalesce(acknowledged_at, ?3),"
			     " updated_at = CASE WHEN acknowledged_at IS NULL"
			     " THEN ?3 ELSE updated_at END"
			     " WHERE id = ?1",
	/* Later in journal order than operation ?1, never sent, and
	 * sharing key ?2 with it. */
	/* Operations still waiting, whether or not an earlier request of
	 * theirs may have arrived: with one sender per journal, none of them
	 * has a request outstanding while outcomes are recorded. */
	[STMT_HOLD_DEPENDENTS] = "UPDATE operations"
				 " SET state = 'needs_attention',"
				 " last_error = ?3, updated_at = ?4"
				 " WHERE state IN ('queued', 'in_flight')"
				 " AND id IN (SELECT operation_id"
				 " FROM operation_keys WHERE key = ?2)"
				 " AND (created_at, rowid) >"
				 " (SELECT created_at, rowid FROM operations"
				 " WHERE id = ?1)"
				 " RETURNING id",
	/* The partial index operations_queue is in journal order, so the
	 * scan reads no settled rows, needs no sort and stops at ?1. Without
	 * INDEXED BY and without ANALYZE statistics, SQLite 3.40 picks
	 * operations_due and sorts the whole queue instead. */
	[STMT_QUEUE_SCAN] = "SELECT " JOURNAL_OPERATION_COLUMNS
			    " FROM operations INDEXED BY operations_queue"
			    " WHERE state IN ('queued', 'in_flight')"
			    " ORDER BY created_at, rowid LIMIT ?1",
};

#define STATE_BIT(state) (1u << (state))
#define QUEUE_STATES (STATE_BIT(OP_QUEUED) | STATE_BIT(OP_IN_FLIGHT))

enum state_change_kind {
	CHANGE_IN_FLIGHT,
	CHANGE_ACCEPTED,
	CHANGE_REJECTED,
	CHANGE_RETRY_QUEUED,
	CHANGE_RETRY_IN_FLIGHT,
	CHANGE_ATTENTION,
	CHANGE_RETRY_ATTENTION,
	CHANGE_CANCEL,
	CHANGE_DISCARD,
	CHANGE_ACKNOWLEDGE,
};

/* One allowed state change: its UPDATE, the states it may start from,
 * whether the operation's request must never have left (sent == 0), and
 * the state it leads to. Accepted is final. Rejected allows only the
 * acknowledgement, which keeps the state, and only the agent's retry,
 * cancel or discard leaves needs_attention. */
struct state_change {
	const char *name;
	enum journal_statement statement;
	unsigned allowed_from;
	bool never_sent;
	enum op_state to;
};

static const struct state_change state_changes[] = {
	[CHANGE_IN_FLIGHT] = {
		.name = "mark in flight",
		.statement = STMT_MARK_IN_FLIGHT,
		.allowed_from = QUEUE_STATES,
		.to = OP_IN_FLIGHT,
	},
	[CHANGE_ACCEPTED] = {
		.name = "mark accepted",
		.statement = STMT_MARK_ACCEPTED,
		.allowed_from = QUEUE_STATES,
		.to = OP_ACCEPTED,
	},
	[CHANGE_REJECTED] = {
		.name = "mark rejected",
		.statement = STMT_MARK_REJECTED,
		.allowed_from = QUEUE_STATES,
		.to = OP_REJECTED,
	},
	/* A request that never left the terminal goes back to the queue. */
	[CHANGE_RETRY_QUEUED] = {
		.name = "retry as queued",
		.statement = STMT_MARK_RETRY,
		.allowed_from = QUEUE_STATES,
		.to = OP_QUEUED,
	},
	/* Only a request that was sent can have an unknown outcome. */
	[CHANGE_RETRY_IN_FLIGHT] = {
		.name = "retry as in flight",
		.statement = STMT_MARK_RETRY,
		.allowed_from = STATE_BIT(OP_IN_FLIGHT),
		.to = OP_IN_FLIGHT,
	},
	[CHANGE_ATTENTION] = {
		.name = "mark needs attention",
		.statement = STMT_MARK_ATTENTION,
		.allowed_from = QUEUE_STATES,
		.to = OP_NEEDS_ATTENTION,
	},
	[CHANGE_RETRY_ATTENTION] = {
		.name = "send again",
		.statement = STMT_RETRY_ATTENTION,
		.allowed_from = STATE_BIT(OP_NEEDS_ATTENTION),
		.to = OP_QUEUED,
	},
	/* Only the central service's response can settle an operation that
	 * may have reached it. */
	[CHANGE_CANCEL] = {
		.name = "cancel",
		.statement = STMT_CANCEL,
		.allowed_from = STATE_BIT(OP_QUEUED) |
				STATE_BIT(OP_NEEDS_ATTENTION),
		.never_sent = true,
		.to = OP_REJECTED,
	},
	/* Sent or not: the caller has checked that the central service's
	 * response was final and applied nothing. */
	[CHANGE_DISCARD] = {
		.name = "discard",
		.statement = STMT_DISCARD,
		.allowed_from = STATE_BIT(OP_NEEDS_ATTENTION),
		.to = OP_REJECTED,
	},
	[CHANGE_ACKNOWLEDGE] = {
		.name = "acknowledge",
		.statement = STMT_ACKNOWLEDGE,
		.allowed_from = STATE_BIT(OP_REJECTED),
		.to = OP_REJECTED,
	},
};

/* One requested state change of one operation. */
struct change {
	const char *id;
	enum state_change_kind kind;
	const char *text;        /* NULL when the statement takes none */
	int64_t next_attempt_at; /* retries only */
	bool not_applied;        /* attention: the service applied nothing */
};

/* Set of dependency keys, open addressing with linear probing. An empty
 * slot starts with NUL, which no stored key does. */
struct key_set {
	char (*slots)[JOURNAL_KEY_SIZE];
	size_t capacity; /* a power of two, or 0 before the first key */
	size_t count;
};

static int prepare(struct journal *journal, enum journal_statement which,
		   sqlite3_stmt **out)
{
	return journal_prepare(journal, which, statement_sql[which], out);
}

/* Read the state and the sent flag of operation id. */
static int read_status(struct journal *journal, const char *id,
		       enum op_state *state, int64_t *sent)
{
	sqlite3_stmt *stmt = NULL;
	const char *text;
	int parsed;
	int rc;

	rc = prepare(journal, STMT_READ_STATE, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = JOURNAL_ENOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = journal_sqlite_error(journal, rc, "read state of", id);
		goto out;
	}

	text = (const char *)sqlite3_column_text(stmt, 0);
	parsed = journal_state_parse(text);
	if (parsed < 0) {
		log_error("operation %s: stored state %s is unknown", id,
			  text == NULL ? "(null)" : text);
		rc = JOURNAL_EIO;
		goto out;
	}
	*state = (enum op_state)parsed;
	*sent = sqlite3_column_int64(stmt, 1);
	rc = JOURNAL_OK;
out:
	journal_release(stmt);
	return rc;
}

/* Check that the current state of the operation allows the change. */
static int check_change(struct journal *journal, const struct change *c)
{
	const struct state_change *change = &state_changes[c->kind];
	enum op_state from = OP_QUEUED;
	int64_t sent = 0;
	int rc;

	rc = read_status(journal, c->id, &from, &sent);
	if (rc == JOURNAL_ENOTFOUND)
		log_warn("%s %s: no such operation", change->name, c->id);
	if (rc != JOURNAL_OK)
		return rc;

	if ((change->allowed_from & STATE_BIT(from)) == 0) {
		log_warn("%s %s: not allowed from state %s", change->name,
			 c->id, journal_state_name(from));
		return JOURNAL_ESTATE;
	}
	if (change->never_sent && sent != 0) {
		log_warn("%s %s: not allowed because its request may have "
			 "reached the central service",
			 change->name, c->id);
		return JOURNAL_ESTATE;
	}
	return JOURNAL_OK;
}

/* Apply change c when the current state allows it. Call it inside an
 * IMMEDIATE transaction, so that no other connection changes the row
 * between the read and the write. */
static int change_state(struct journal *journal, const struct change *c,
			int64_t now)
{
	const struct state_change *change = &state_changes[c->kind];
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = check_change(journal, c);
	if (rc != JOURNAL_OK)
		return rc;
	rc = prepare(journal, change->statement, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	journal_bind_text(stmt, 1, c->id);
	if (c->text != NULL)
		journal_bind_text(stmt, 2, c->text);
	sqlite3_bind_int64(stmt, 3, now);
	if (change->statement == STMT_MARK_RETRY) {
		sqlite3_bind_int64(stmt, 4, c->next_attempt_at);
		journal_bind_text(stmt, 5, journal_state_name(change->to));
	}
	if (change->statement == STMT_MARK_ATTENTION)
		sqlite3_bind_int(stmt, 4, c->not_applied ? 1 : 0);

	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		rc = journal_sqlite_error(journal, rc, change->name, c->id);
	} else if (sqlite3_changes(journal->db) != 1) {
		log_error("%s %s: UPDATE changed %d rows instead of 1",
			  change->name, c->id, sqlite3_changes(journal->db));
		rc = JOURNAL_EIO;
	} else {
		log_debug("operation %s: %s to %s", c->id, change->name,
			  journal_state_name(change->to));
		rc = JOURNAL_OK;
	}
	journal_release(stmt);
	return rc;
}

/* change_state in a transaction of its own. */
static int change_one(struct journal *journal, const struct change *c,
		      int64_t now)
{
	int rc;

	rc = journal_check_id(c->id);
	if (rc != JOURNAL_OK)
		return rc;
	rc = journal_begin(journal, true, c->id);
	if (rc != JOURNAL_OK)
		return rc;

	rc = change_state(journal, c, now);
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, c->id);

	if (rc != JOURNAL_OK)
		journal_rollback(journal, c->id);
	return rc;
}

/* Check an outcome before any of its batch is written. */
static int check_outcome(const struct journal_outcome *outcome)
{
	const char *id = outcome->id;
	enum op_state retry = outcome->retry_state;

	if (journal_check_id(id) != JOURNAL_OK)
		return JOURNAL_EINVAL;
	if (!journal_text_fits(outcome->text, sizeof(outcome->text), true)) {
		log_warn("outcome of %s: text is longer than %zu bytes", id,
			 sizeof(outcome->text) - 1);
		return JOURNAL_EINVAL;
	}

	switch (outcome->kind) {
	case JOURNAL_OUTCOME_ACCEPTED:
		if (journal_text_fits(outcome->text, JOURNAL_REFERENCE_SIZE,
				      false))
			return JOURNAL_OK;
		log_warn("mark accepted %s: reference must be 1 to %d bytes",
			 id, JOURNAL_REFERENCE_SIZE - 1);
		return JOURNAL_EINVAL;
	case JOURNAL_OUTCOME_RETRY:
		if (retry == OP_QUEUED || retry == OP_IN_FLIGHT)
			return JOURNAL_OK;
		log_warn("retry %s: state %d is neither queued nor in flight",
			 id, (int)retry);
		return JOURNAL_EINVAL;
	case JOURNAL_OUTCOME_REJECTED:
	case JOURNAL_OUTCOME_ATTENTION:
		return JOURNAL_OK;
	}
	log_warn("outcome of %s: kind %d is unknown", id, (int)outcome->kind);
	return JOURNAL_EINVAL;
}

/* The state change that records a checked outcome. */
static struct change outcome_change(const struct journal_outcome *outcome)
{
	struct change c = {
		.id = outcome->id,
		.text = outcome->text,
		.next_attempt_at = outcome->next_attempt_at,
	};

	switch (outcome->kind) {
	case JOURNAL_OUTCOME_ACCEPTED:
		c.kind = CHANGE_ACCEPTED;
		break;
	case JOURNAL_OUTCOME_REJECTED:
		c.kind = CHANGE_REJECTED;
		break;
	case JOURNAL_OUTCOME_RETRY:
		c.kind = outcome->retry_state == OP_QUEUED
				 ? CHANGE_RETRY_QUEUED
				 : CHANGE_RETRY_IN_FLIGHT;
		break;
	case JOURNAL_OUTCOME_ATTENTION:
		c.kind = CHANGE_ATTENTION;
		c.not_applied = outcome->retry_state == OP_QUEUED;
		break;
	}
	return c;
}

/* Move the later operations that depend on the rejected operation id to
 * needs attention, one UPDATE per key it has. Returns how many moved. */
static int hold_dependents(struct journal *journal, const char *id,
			   int64_t now)
{
	char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE];
	char reason[JOURNAL_ERROR_SIZE];
	sqlite3_stmt *stmt = NULL;
	int held = 0;
	int rc;

	rc = journal_read_keys(journal, id, keys);
	if (rc != JOURNAL_OK)
		return rc;
	if (keys[0][0] == '\0')
		return 0;
	rc = prepare(journal, STMT_HOLD_DEPENDENTS, &stmt);
	if (rc != JOURNAL_OK)
		return rc;

	for (int i = 0; i < JOURNAL_KEYS_MAX && keys[i][0] != '\0'; i++) {
		/* The precisions let -Wformat-truncation see that the reason
		 * fits. */
		snprintf(reason, sizeof(reason),
			 "Held: earlier operation %.*s on %.*s was rejected; "
			 "check and retry or cancel", JOURNAL_ID_SIZE - 1, id,
			 JOURNAL_KEY_SIZE - 1, keys[i]);
		journal_bind_text(stmt, 1, id);
		journal_bind_text(stmt, 2, keys[i]);
		journal_bind_text(stmt, 3, reason);
		sqlite3_bind_int64(stmt, 4, now);

		rc = sqlite3_step(stmt);
		while (rc == SQLITE_ROW) {
			log_warn("operation %s held: earlier operation %s on "
				 "%s was rejected",
				 (const char *)sqlite3_column_text(stmt, 0),
				 id, keys[i]);
			held++;
			rc = sqlite3_step(stmt);
		}
		if (rc != SQLITE_DONE) {
			rc = journal_sqlite_error(journal, rc,
						  "hold dependents of", id);
			goto out;
		}
		sqlite3_reset(stmt);
	}
	rc = held;
out:
	journal_release(stmt);
	return rc;
}

/* Record the outcomes in one transaction, holding the dependents of each
 * rejection when `hold` is set. Returns the number held. */
static int record_outcomes(struct journal *journal,
			   const struct journal_outcome *outcomes, int n,
			   int64_t now, bool hold)
{
	int held = 0;
	int rc;

	for (int i = 0; i < n; i++) {
		rc = check_outcome(&outcomes[i]);
		if (rc != JOURNAL_OK)
			return rc;
	}

	rc = journal_begin(journal, true, "outcomes");
	if (rc != JOURNAL_OK)
		return rc;

	for (int i = 0; i < n && rc == JOURNAL_OK; i++) {
		struct change c = outcome_change(&outcomes[i]);

		rc = change_state(journal, &c, now);
	}

	/* Holds come after every outcome of the batch is recorded, so that
	 * they never touch an operation whose own answer is in this batch
	 * (the central service answers those itself, in order). */
	for (int i = 0; i < n && rc == JOURNAL_OK && hold; i++) {
		if (outcomes[i].kind != JOURNAL_OUTCOME_REJECTED)
			continue;
		rc = hold_dependents(journal, outcomes[i].id, now);
		if (rc >= 0) {
			held += rc;
			rc = JOURNAL_OK;
		}
	}
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, "outcomes");

	if (rc != JOURNAL_OK) {
		journal_rollback(journal, "outcomes");
		return rc;
	}
	return held;
}

int journal_record_outcomes(struct journal *journal,
			    const struct journal_outcome *outcomes, int n,
			    int64_t now)
{
	if (n < 0 || (outcomes == NULL && n > 0)) {
		log_warn("record outcomes: count %d is invalid", n);
		return JOURNAL_EINVAL;
	}
	if (n == 0)
		return 0;
	return record_outcomes(journal, outcomes, n, now, true);
}

/* Record one outcome without holding dependents. Returns JOURNAL_EINVAL
 * for a NULL or oversized id or text. */
static int mark_one(struct journal *journal, const char *id,
		    enum journal_outcome_kind kind, const char *text,
		    enum op_state retry_state, int64_t next_attempt_at,
		    int64_t now)
{
	struct journal_outcome outcome = {
		.kind = kind,
		.retry_state = retry_state,
		.next_attempt_at = next_attempt_at,
	};

	if (journal_check_id(id) != JOURNAL_OK)
		return JOURNAL_EINVAL;
	if (!journal_text_fits(text, sizeof(outcome.text), true)) {
		log_warn("operation %s: text is missing or longer than %zu "
			 "bytes", id, sizeof(outcome.text) - 1);
		return JOURNAL_EINVAL;
	}
	snprintf(outcome.id, sizeof(outcome.id), "%s", id);
	snprintf(outcome.text, sizeof(outcome.text), "%s", text);
	return record_outcomes(journal, &outcome, 1, now, false);
}

int journal_mark_accepted(struct journal *journal, const char *id,
			  const char *reference, int64_t now)
{
	return mark_one(journal, id, JOURNAL_OUTCOME_ACCEPTED, reference,
			OP_QUEUED, 0, now);
}

int journal_mark_rejected(struct journal *journal, const char *id,
			  const char *reason, int64_t now)
{
	return mark_one(journal, id, JOURNAL_OUTCOME_REJECTED, reason,
			OP_QUEUED, 0, now);
}

int journal_mark_retry(struct journal *journal, const char *id,
		       enum op_state state, const char *error,
		       int64_t next_attempt_at, int64_t now)
{
	return mark_one(journal, id, JOURNAL_OUTCOME_RETRY, error, state,
			next_attempt_at, now);
}

int journal_mark_attention(struct journal *journal, const char *id,
			   const char *reason, int64_t now)
{
	return mark_one(journal, id, JOURNAL_OUTCOME_ATTENTION, reason,
			OP_IN_FLIGHT, 0, now);
}

int journal_mark_in_flight(struct journal *journal, const char *id,
			   int64_t now)
{
	struct change c = {.id = id, .kind = CHANGE_IN_FLIGHT};

	return change_one(journal, &c, now);
}

int journal_mark_batch_in_flight(struct journal *journal,
				 const struct operation *ops, int n,
				 int64_t now)
{
	int rc;

	if (n < 0 || (ops == NULL && n > 0)) {
		log_warn("mark batch in flight: count %d is invalid", n);
		return JOURNAL_EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if (journal_check_id(ops[i].id) != JOURNAL_OK)
			return JOURNAL_EINVAL;
	}
	if (n == 0)
		return JOURNAL_OK;

	rc = journal_begin(journal, true, "batch");
	if (rc != JOURNAL_OK)
		return rc;

	for (int i = 0; i < n && rc == JOURNAL_OK; i++) {
		struct change c = {.id = ops[i].id, .kind = CHANGE_IN_FLIGHT};

		rc = change_state(journal, &c, now);
	}
	if (rc == JOURNAL_OK)
		rc = journal_commit(journal, "batch");

	if (rc != JOURNAL_OK)
		journal_rollback(journal, "batch");
	return rc;
}

int journal_retry_attention(struct journal *journal, const char *id,
			    int64_t now)
{
	struct change c = {.id = id, .kind = CHANGE_RETRY_ATTENTION};
	int rc = change_one(journal, &c, now);

	if (rc == JOURNAL_OK)
		log_info("operation %s: the agent sent it again", id);
	return rc;
}

int journal_cancel(struct journal *journal, const char *id,
		   const char *reason, int64_t now)
{
	struct change c = {.id = id, .kind = CHANGE_CANCEL, .text = reason};
	int rc;

	if (!journal_text_fits(reason, JOURNAL_ERROR_SIZE, true)) {
		log_warn("cancel: reason is missing or longer than %d bytes",
			 JOURNAL_ERROR_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = change_one(journal, &c, now);
	if (rc == JOURNAL_OK)
		log_info("operation %s: cancelled by the agent", id);
	return rc;
}

int journal_discard(struct journal *journal, const char *id,
		    const char *reason, int64_t now)
{
	struct change c = {.id = id, .kind = CHANGE_DISCARD, .text = reason};
	int rc;

	if (!journal_text_fits(reason, JOURNAL_ERROR_SIZE, true)) {
		log_warn("discard: reason is missing or longer than %d bytes",
			 JOURNAL_ERROR_SIZE - 1);
		return JOURNAL_EINVAL;
	}
	rc = change_one(journal, &c, now);
	if (rc == JOURNAL_OK)
		log_info("operation %s: discarded by the agent", id);
	return rc;
}

int journal_acknowledge(struct journal *journal, const char *id, int64_t now)
{
	struct change c = {.id = id, .kind = CHANGE_ACKNOWLEDGE};

	return change_one(journal, &c, now);
}

/* FNV-1a, 64-bit. */
static uint64_t hash_key(const char *key)
{
	uint64_t hash = 14695981039346656037u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		hash ^= *p;
		hash *= 1099511628211u;
	}
	return hash;
}

/* The slot that contains key, or the empty slot where it belongs. The set
 * must have a free slot. */
static size_t find_slot(const struct key_set *set, const char *key)
{
	size_t mask = set->capacity - 1;
	size_t slot = (size_t)hash_key(key) & mask;

	while (set->slots[slot][0] != '\0' &&
	       strcmp(set->slots[slot], key) != 0)
		slot = (slot + 1) & mask;
	return slot;
}

static bool key_set_contains(const struct key_set *set, const char *key)
{
	if (set->capacity == 0)
		return false;
	return set->slots[find_slot(set, key)][0] != '\0';
}

static int key_set_grow(struct key_set *set)
{
	struct key_set bigger = {
		.capacity = set->capacity == 0 ? KEY_SET_INITIAL_CAPACITY
					       : set->capacity * 2,
		.count = set->count,
	};

	bigger.slots = calloc(bigger.capacity, sizeof(bigger.slots[0]));
	if (bigger.slots == NULL) {
		log_error("out of memory for %zu blocked dependency keys",
			  bigger.capacity);
		return JOURNAL_EIO;
	}
	for (size_t i = 0; i < set->capacity; i++) {
		if (set->slots[i][0] != '\0')
			memcpy(bigger.slots[find_slot(&bigger, set->slots[i])],
			       set->slots[i], JOURNAL_KEY_SIZE);
	}
	free(set->slots);
	*set = bigger;
	return JOURNAL_OK;
}

/* Add the non-empty keys of op. The load stays at or below one half. */
static int key_set_add_keys(struct key_set *set, const struct operation *op)
{
	size_t slot;
	int rc;

	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (op->keys[i][0] == '\0')
			continue;
		if ((set->count + 1) * 2 > set->capacity) {
			rc = key_set_grow(set);
			if (rc != JOURNAL_OK)
				return rc;
		}
		slot = find_slot(set, op->keys[i]);
		if (set->slots[slot][0] == '\0') {
			memcpy(set->slots[slot], op->keys[i],
			       JOURNAL_KEY_SIZE);
			set->count++;
		}
	}
	return JOURNAL_OK;
}

static bool key_set_shares(const struct key_set *set,
			   const struct operation *op)
{
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (op->keys[i][0] != '\0' &&
		    key_set_contains(set, op->keys[i]))
			return true;
	}
	return false;
}

/* Walk the queue in journal order and take each due operation that shares
 * no key with a skipped one. A skipped operation blocks its keys, so a
 * chain of operations linked by different keys keeps its order too. The
 * set grows only with skipped rows, so the scan limit bounds it. */
static int scan_queue(struct journal *journal, sqlite3_stmt *stmt,
		      int64_t now, struct operation *ops, int max)
{
	struct key_set blocked = {0};
	int taken = 0;
	int rc = JOURNAL_OK;

	while (taken < max) {
		struct operation *op = &ops[taken];

		/* A skipped row is read into the next free slot and then
		 * overwritten. */
		rc = journal_next_operation(journal, stmt, "scan queue", NULL,
					    op);
		if (rc <= 0)
			break;
		if (op->next_attempt_at <= now &&
		    !key_set_shares(&blocked, op)) {
			taken++;
			continue;
		}
		rc = key_set_add_keys(&blocked, op);
		if (rc != JOURNAL_OK)
			break;
	}
	free(blocked.slots);
	return rc < 0 ? rc : taken;
}

int journal_next_batch(struct journal *journal, int64_t now,
		       struct operation *ops, int max)
{
	sqlite3_stmt *stmt = NULL;
	int64_t scan_limit;
	int rc;

	if (max < 0 || (ops == NULL && max > 0)) {
		log_warn("next batch: max %d is invalid", max);
		return JOURNAL_EINVAL;
	}
	if (max == 0)
		return 0;
	scan_limit = 4 * (int64_t)max;
	if (scan_limit < BATCH_SCAN_MIN)
		scan_limit = BATCH_SCAN_MIN;

	rc = prepare(journal, STMT_QUEUE_SCAN, &stmt);
	if (rc != JOURNAL_OK)
		return rc;
	rc = journal_begin(journal, false, "batch scan");
	if (rc != JOURNAL_OK)
		return rc;

	sqlite3_bind_int64(stmt, 1, scan_limit);
	rc = scan_queue(journal, stmt, now, ops, max);
	journal_release(stmt);

	if (rc >= 0) {
		int commit = journal_commit(journal, "batch scan");

		if (commit != JOURNAL_OK)
			rc = commit;
	}
	if (rc < 0)
		journal_rollback(journal, "batch scan");
	return rc;
}
