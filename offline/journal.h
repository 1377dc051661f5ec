/* The journal: every operation, its state and its receipt data, in SQLite
 * (WAL, synchronous=FULL) with a versioned schema. One struct journal per
 * thread; SQLite serialises writers across connections. */
#ifndef SPOTAGENT_JOURNAL_H
#define SPOTAGENT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_ID_SIZE 37        /* canonical UUID text plus NUL */
#define JOURNAL_TYPE_SIZE 32
#define JOURNAL_AGENT_SIZE 33
#define JOURNAL_REFERENCE_SIZE 65
#define JOURNAL_ERROR_SIZE 257
#define JOURNAL_PAYLOAD_SIZE 2048 /* JSON object of the operation's fields */
#define JOURNAL_KEYS_MAX 4
#define JOURNAL_KEY_SIZE 48
#define JOURNAL_META_KEY_SIZE 65
#define JOURNAL_META_VALUE_SIZE 16385 /* room for the cached policy */
#define JOURNAL_SECRET_SIZE 256   /* JSON object of the secret fields */
#define JOURNAL_PATH_SIZE 4096    /* journal and key file paths */

enum journal_error {
	JOURNAL_OK = 0,
	JOURNAL_EIO = -1,       /* SQLite failed; details are logged */
	JOURNAL_ENOTFOUND = -2, /* no such operation, or nothing due */
	JOURNAL_EEXIST = -3,    /* an operation with this id exists */
	JOURNAL_ESCHEMA = -4,   /* the file has a newer or unknown schema */
	JOURNAL_EBUSY = -5,     /* locked by another process for too long */
	JOURNAL_EINVAL = -6,    /* argument out of range or too long */
	JOURNAL_ESTATE = -7,    /* state change not allowed from the state */
	JOURNAL_ECHECK = -8,    /* the caller's check refused the insert */
	JOURNAL_EKEY = -9,      /* the key file is missing, unreadable or
				   invalid, or a sealed secret does not
				   match it; details are logged */
};

/* Stored as text in the journal; the order is the UI's display order. */
enum op_state {
	OP_QUEUED = 0,
	OP_IN_FLIGHT = 1,
	OP_ACCEPTED = 2,
	OP_REJECTED = 3,
	OP_NEEDS_ATTENTION = 4,
};
#define OP_STATE_COUNT 5

struct operation {
	char id[JOURNAL_ID_SIZE];       /* UUID, also the idempotency key */
	char type[JOURNAL_TYPE_SIZE];   /* e.g. "wallet_transfer" */
	enum op_state state;
	char agent_id[JOURNAL_AGENT_SIZE];
	char currency[4];
	int64_t amount;                 /* minor units of currency; 0 for
					   an operation that moves no money,
					   such as a customer registration */
	char payload[JOURNAL_PAYLOAD_SIZE];
	int64_t created_at;             /* Unix seconds */
	int64_t updated_at;
	int64_t next_attempt_at;        /* not sent before this time */
	int attempts;                   /* sends so far */
	char reference[JOURNAL_REFERENCE_SIZE]; /* set once accepted */
	char last_error[JOURNAL_ERROR_SIZE];    /* reason or last failure */
	/* Dependency keys such as "wallet:1000000001"; unused ones are
	 * empty. Operations sharing a key are sent in journal order. */
	char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE];
	int64_t acknowledged_at;        /* agent saw the rejection; 0 if not */
	int age_approved;               /* agent approved sending it although
					   older than the policy's max age */
	int sent;                       /* its request may have reached the
					   central service */
	int printed;                    /* the receipt or notice of its
					   current state is printed */
	/* Fields sent to the central service but never kept once the
	 * operation is decided, as a JSON object such as
	 * {"code":"123456"}; empty when there are none. The journal stores
	 * it in its own column sealed with AES-256-GCM under the journal's
	 * key file (offline/vault.h), with the operation id as associated
	 * data, clears it in the transaction that moves the operation to
	 * accepted or rejected, and runs with secure_delete so that SQLite
	 * overwrites the cleared bytes. */
	char secret[JOURNAL_SECRET_SIZE];
};

/* The decision of the central service (or the agent) on one operation,
 * for journal_record_outcomes. */
enum journal_outcome_kind {
	JOURNAL_OUTCOME_ACCEPTED = 0,  /* text is the reference */
	JOURNAL_OUTCOME_REJECTED = 1,  /* text is the reason */
	JOURNAL_OUTCOME_RETRY = 2,     /* text is the failure; retry_state
					  queued means it never took effect */
	JOURNAL_OUTCOME_ATTENTION = 3, /* text says what a person must do;
					  retry_state queued means the
					  central service applied nothing */
};

struct journal_outcome {
	char id[JOURNAL_ID_SIZE];
	enum journal_outcome_kind kind;
	enum op_state retry_state;     /* RETRY only: queued or in flight */
	int64_t next_attempt_at;       /* RETRY only */
	char text[JOURNAL_ERROR_SIZE];
};

struct journal;

/* Open or create the journal at path and bring its schema up to date.
 * The key of its sealed secrets is in the file that journal_key_file
 * names. That file is created with mode 0600 when the first secret is
 * sealed, and never while sealed secrets exist. Upgrading from a schema
 * before version 10 seals the secrets stored in plain text in the same
 * transaction.
 * Returns JOURNAL_OK and a handle the caller closes with journal_close,
 * or a negative journal_error (*out is then NULL): JOURNAL_ESCHEMA for a
 * newer schema or another application's database, which are left
 * unchanged, JOURNAL_EIO for a file that is not SQLite, and JOURNAL_EKEY
 * for a key file that is missing while sealed secrets exist, or that is
 * unreadable, open to group or others, not a regular file, not 32 bytes
 * long, or not the key of the journal's sealed secrets. Then
 * journal_key_problem returns which. */
int journal_open(const char *path, struct journal **out);

/* Make key_file the key file of the journal at journal_path for every
 * later journal_open in this process; an empty or NULL key_file restores
 * the default. Only one journal has a set key file at a time. Returns
 * JOURNAL_OK, or JOURNAL_EINVAL for a path of JOURNAL_PATH_SIZE bytes or
 * more. */
int journal_set_key_file(const char *journal_path, const char *key_file);

/* Write into out the key file of the journal at journal_path: the one
 * set with journal_set_key_file, else journal_path followed by ".key".
 * Returns JOURNAL_OK, or JOURNAL_EINVAL when it does not fit size. */
int journal_key_file(const char *journal_path, char *out, size_t size);

/* Reason a journal's key file was rejected, so that the message names
 * the fix. */
enum journal_key_problem {
	JOURNAL_KEYFILE_NONE = 0,       /* no problem recorded */
	JOURNAL_KEYFILE_MISSING = 1,    /* missing while sealed secrets exist */
	JOURNAL_KEYFILE_MODE = 2,       /* open to group or others */
	JOURNAL_KEYFILE_NOT_FILE = 3,   /* not a regular file */
	JOURNAL_KEYFILE_SIZE = 4,       /* not 32 bytes long */
	JOURNAL_KEYFILE_UNREADABLE = 5, /* cannot be opened, read or written */
	JOURNAL_KEYFILE_WRONG = 6,      /* no sealed secret of the journal
				       decrypts with it */
};

/* Return the problem behind the last JOURNAL_EKEY that journal_open
 * returned in this process for the journal at journal_path, or
 * JOURNAL_KEYFILE_NONE when it has none, or when a later open succeeded.
 * Only the last journal's problem is kept. */
enum journal_key_problem journal_key_problem(const char *journal_path);

/* Close the handle and free it. NULL is ignored. */
void journal_close(struct journal *journal);

/* Insert op in state OP_QUEUED in one transaction, with its dependency
 * keys, secret, created_at,
 * updated_at and next_attempt_at taken from op; attempts start at 0 and
 * reference and last_error empty. Returns JOURNAL_EEXIST for a duplicate
 * id, JOURNAL_EINVAL for empty or oversized fields, an id that is not a
 * canonical UUID, an unknown currency or an amount outside
 * 0..CURRENCY_AMOUNT_MAX, and JOURNAL_EKEY when a secret cannot be sealed
 * because the key file cannot be created or read. */
int journal_insert(struct journal *journal, const struct operation *op);

/* Insert op as journal_insert does, after check(journal, op, context)
 * returned 0 inside the same write transaction, so that limits it reads
 * (sums of pending amounts) cannot change before the row is in. Returns
 * JOURNAL_ECHECK, with nothing inserted, when the check returned
 * non-zero; check may be NULL. */
int journal_insert_checked(struct journal *journal,
			   const struct operation *op,
			   int (*check)(struct journal *journal,
					const struct operation *op,
					void *context),
			   void *context);

/* Read one operation into *out. Returns JOURNAL_ENOTFOUND if absent,
 * JOURNAL_EIO when a stored field does not fit its buffer in struct
 * operation, and JOURNAL_EKEY when its secret does not unseal with the
 * key file (as for every function that reads operations). *out is
 * changed only on success. */
int journal_get(struct journal *journal, const char *id,
		struct operation *out);

/* Read the oldest queued or in-flight operation whose next_attempt_at is
 * at or before now. Returns JOURNAL_ENOTFOUND when none is due. */
int journal_next_due(struct journal *journal, int64_t now,
		     struct operation *out);

/* Move a queued or in-flight operation to in flight and count the
 * attempt, in one transaction, before its request is sent.
 *
 * All journal_mark_ functions return JOURNAL_ENOTFOUND for an unknown id,
 * JOURNAL_ESTATE (and change nothing) when the current state does not allow
 * the change, and JOURNAL_EINVAL for a NULL or oversized text argument.
 * Accepted and rejected are final states. Every change to one of them
 * (journal_mark_accepted, journal_mark_rejected, journal_record_outcomes,
 * journal_cancel, journal_discard) sets the operation's secret to empty
 * in the same transaction. */
int journal_mark_in_flight(struct journal *journal, const char *id,
			   int64_t now);

/* Record the central service's acceptance and its reference (not empty).
 * Allowed from queued and in flight. */
int journal_mark_accepted(struct journal *journal, const char *id,
			  const char *reference, int64_t now);

/* Record a final rejection with the central service's reason (may be
 * empty). Allowed from queued and in flight. */
int journal_mark_rejected(struct journal *journal, const char *id,
			  const char *reason, int64_t now);

/* Schedule another attempt. `state` is OP_QUEUED when the request never
 * left the terminal, OP_IN_FLIGHT when its outcome is unknown; the id is
 * kept either way. OP_QUEUED is allowed from queued and in flight,
 * OP_IN_FLIGHT only from in flight; any other `state` is JOURNAL_EINVAL. */
int journal_mark_retry(struct journal *journal, const char *id,
		       enum op_state state, const char *error,
		       int64_t next_attempt_at, int64_t now);

/* Fill ops with up to max operations to send now, in journal order
 * (created_at, then insertion order): queued or in flight, with
 * next_attempt_at <= now (pass INT64_MAX to ignore backoff). An operation
 * is skipped when it shares a dependency key with an earlier queued or
 * in-flight operation that is not due or was skipped itself, so operations
 * on one wallet keep their order, while unrelated ones are never blocked.
 * Scans at most max(4 * max, 1000) rows. Returns the number filled (0 when
 * none is due), or a negative journal_error. */
int journal_next_batch(struct journal *journal, int64_t now,
		       struct operation *ops, int max);

/* Move the n operations to in flight and count one attempt each, in one
 * transaction, before their batch is sent. All or nothing: JOURNAL_ESTATE
 * when any of them is not queued or in flight. */
int journal_mark_batch_in_flight(struct journal *journal,
				 const struct operation *ops, int n,
				 int64_t now);

/* Record n outcomes in one transaction. ACCEPTED and REJECTED need queued
 * or in flight; RETRY follows the journal_mark_retry rules; ATTENTION
 * needs queued or in flight. After all of them, each rejection holds every
 * later operation, queued or in flight, that shares a dependency key with
 * it: each moves to needs attention with a reason naming the rejected
 * operation. The caller must be the journal's only sender, so that no held
 * operation has a request outstanding. All or nothing. Returns the number
 * of operations held (0 or more), or a negative journal_error. */
int journal_record_outcomes(struct journal *journal,
			    const struct journal_outcome *outcomes, int n,
			    int64_t now);

/* Move a queued or in-flight operation to needs attention with reason. */
int journal_mark_attention(struct journal *journal, const char *id,
			   const char *reason, int64_t now);

/* Agent action: send a needs-attention operation again with its original
 * id and key. It becomes queued, due now, with age_approved set. */
int journal_retry_attention(struct journal *journal, const char *id,
			    int64_t now);

/* Agent action: cancel an operation whose request never reached the
 * central service (sent == 0: queued, or needs attention after being
 * held). It becomes rejected with reason and counts as acknowledged.
 * JOURNAL_ESTATE when it may have been sent. */
int journal_cancel(struct journal *journal, const char *id,
		   const char *reason, int64_t now);

/* Agent action: close a needs-attention operation whose request reached
 * the central service (sent may be 1) when its final response applied
 * nothing, such as a profile update's version conflict. It becomes
 * rejected with reason, counts as acknowledged and needs no rejection
 * notice, so journal_list_unprinted skips it. The journal cannot tell a
 * final response from an unknown outcome: the caller checks the reason
 * first (app_discard_operation). JOURNAL_ESTATE from any other state,
 * JOURNAL_EINVAL for a NULL or oversized reason. */
int journal_discard(struct journal *journal, const char *id,
		    const char *reason, int64_t now);

/* Agent action: mark a rejected operation as seen. */
int journal_acknowledge(struct journal *journal, const char *id, int64_t now);

/* Fill ops with up to max operations whose state bit (1 << state) is in
 * state_mask, newest first, skipping the first `offset`. Returns the number
 * filled or a negative journal_error. */
int journal_list(struct journal *journal, unsigned state_mask, int offset,
		 struct operation *ops, int max);

/* Fill ops with up to max operations rejected by the central service
 * (sent == 1) and not yet acknowledged, oldest first. Returns the number
 * filled or a negative journal_error. */
int journal_list_unacknowledged(struct journal *journal,
				struct operation *ops, int max);

/* Fill ops with up to max decided operations whose final receipt
 * (accepted) or rejection notice (rejected by the central service) is not
 * printed yet, oldest first. Returns the number filled or a negative
 * journal_error. */
int journal_list_unprinted(struct journal *journal, struct operation *ops,
			   int max);

/* Record that the receipt or notice of operation id in `state` was
 * printed. A change of state since then is ignored (JOURNAL_OK, nothing
 * marked), so the newer state still gets printed. */
int journal_mark_printed(struct journal *journal, const char *id,
			 enum op_state state);

/* Fill ops with up to max operations that carry dependency key `key`
 * (such as "op:<id>" of a reversal) and whose state bit (1 << state) is
 * in state_mask, oldest first. Returns the number filled or a negative
 * journal_error. */
int journal_list_by_key(struct journal *journal, const char *key,
			unsigned state_mask, struct operation *ops, int max);

/* --- Day closings (offline/journal_day.c). A day holds the operations
 * journaled after the previous close, in insertion order, so a wrong
 * clock cannot move an operation to another day. --- */

#define JOURNAL_DAY_REPORT_SIZE 8192 /* a closed day's report, NUL included */

struct journal_day {
	int64_t day;                    /* 1 for the journal's first day */
	int64_t opened_at;              /* Unix seconds: the previous close's
					   closed_at, else the first
					   operation's created_at; 0 when
					   there is neither */
	int64_t closed_at;              /* 0 while the day is open */
	int64_t operations;             /* operations in the day */
	char last_id[JOURNAL_ID_SIZE];  /* the day's last operation in
					   insertion order; empty if none */
};

/* Fill *out with the open day and call visit(op, context) on each of its
 * operations in insertion order, all inside one read transaction. visit
 * may read the journal but not write to it or begin a transaction; it
 * returns 0 to go on, and any other value stops the scan with
 * JOURNAL_ECHECK. visit may be NULL. Returns JOURNAL_OK or a negative
 * journal_error. */
int journal_day_scan(struct journal *journal,
		     int (*visit)(const struct operation *op, void *context),
		     void *context, struct journal_day *out);

/* Record the close of day->day at day->closed_at with its report (text
 * of at most JOURNAL_DAY_REPORT_SIZE - 1 bytes) in one write transaction.
 * day->last_id must be an operation journaled after the previous close's
 * last one; later operations belong to the next day. Returns JOURNAL_OK;
 * JOURNAL_EEXIST when day->day is already closed (another close got in
 * first); JOURNAL_EINVAL when day->day is not the open day, last_id is
 * not after the previous close, or report is empty or too long;
 * JOURNAL_ENOTFOUND when last_id is not in the journal. */
int journal_day_record(struct journal *journal, const struct journal_day *day,
		       const char *report);

/* Read the close of day `day` into *out and its report into report (size
 * bytes, NUL included). Returns JOURNAL_ENOTFOUND when the day is not
 * closed, JOURNAL_EINVAL when the report does not fit in size. */
int journal_day_get(struct journal *journal, int64_t day,
		    struct journal_day *out, char *report, size_t size);

/* Operations carried from an earlier close: each close records which of
 * its day's operations were still queued, in flight or needing
 * attention, and the report of a later open day counts those decided
 * since. journal_day_record records them too, but only
 * journal_day_close settles the decided ones. */

/* Call visit(op, context) on each carried operation that is now
 * accepted or rejected, by day and then insertion order, inside one read
 * transaction, and set *count to how many were visited. visit follows
 * the rules of journal_day_scan and may be NULL. Returns JOURNAL_OK,
 * JOURNAL_ECHECK when visit stopped the scan, or another negative
 * journal_error. */
int journal_day_scan_carried(struct journal *journal,
			     int (*visit)(const struct operation *op,
					  void *context),
			     void *context, int64_t *count);

/* The callbacks of journal_day_close, all called inside its write
 * transaction with the same context. visit_day and visit_carried follow
 * the rules of journal_day_scan's visit and may be NULL. */
struct journal_day_close {
	/* Called on each operation of the open day, in insertion order. */
	int (*visit_day)(const struct operation *op, void *context);
	/* Called on each carried operation now accepted or rejected. */
	int (*visit_carried)(const struct operation *op, void *context);
	/* Called last with the day to close, its closed_at set, and how
	 * many carried operations visit_carried was given. Writes the
	 * report, text of 1 to size - 1 bytes, into report and returns 0;
	 * any other value records nothing. Must not be NULL. */
	int (*compose)(const struct journal_day *day, int64_t carried,
		       char *report, size_t size, void *context);
	void *context;
};

/* Close the open day at closed_at in one write transaction: scan its
 * operations and the carried ones now decided through calls, record the
 * close with the report that calls->compose writes, carry the day's
 * undecided operations to later reports and drop the decided carried
 * ones, whose report is now recorded. A day without operations closes
 * only when a carried operation was decided, and its last_id is then
 * the previous close's. On success *out is the closed day. Returns
 * JOURNAL_OK; JOURNAL_ECHECK when a callback stopped the close;
 * JOURNAL_EINVAL when the day has no operation and nothing carried was
 * decided; or another negative journal_error. */
int journal_day_close(struct journal *journal, int64_t closed_at,
		      const struct journal_day_close *calls,
		      struct journal_day *out);

/* Count and sum the amounts of operations of `type` in `currency` that are
 * queued, in flight or need attention (not yet decided by the central
 * service). type or currency NULL means any. */
int journal_sum_pending(struct journal *journal, const char *type,
			const char *currency, int64_t *count,
			int64_t *amount);

/* Move every queued operation of `type` created before created_before and
 * not age_approved to needs attention with reason. Returns how many moved
 * (0 or more) or a negative journal_error. */
int journal_flag_old(struct journal *journal, const char *type,
		     int64_t created_before, const char *reason, int64_t now);

/* Move every queued operation of `type` whose request never left the
 * terminal (sent == 0), created before created_before and not
 * age_approved, to needs attention with reason (offline/journal_age.c).
 * Returns how many moved (0 or more) or a negative journal_error:
 * JOURNAL_EINVAL for an empty or oversized type or an oversized reason. */
int journal_flag_unsent(struct journal *journal, const char *type,
			int64_t created_before, const char *reason,
			int64_t now);

/* Set *version to SQLite's PRAGMA data_version for this connection: it
 * changes whenever another connection (another thread's or another
 * process's) commits to the journal. */
int journal_data_version(struct journal *journal, int64_t *version);

/* Fill counts[OP_STATE_COUNT] with the number of operations per state. */
int journal_count_by_state(struct journal *journal,
			   int64_t counts[OP_STATE_COUNT]);

/* Earliest next_attempt_at among queued and in-flight operations, or
 * JOURNAL_ENOTFOUND when the queue is empty. */
int journal_next_attempt_time(struct journal *journal, int64_t *when);

/* Store or read a small text value (last sync time and the like). Keys
 * must fit JOURNAL_META_KEY_SIZE and values JOURNAL_META_VALUE_SIZE, NUL
 * included. Reading a missing key returns JOURNAL_ENOTFOUND, and a value
 * longer than size - 1 returns JOURNAL_EINVAL. */
int journal_set_meta(struct journal *journal, const char *key,
		     const char *value);
int journal_get_meta(struct journal *journal, const char *key, char *value,
		     size_t size);

/* --- Print jobs (journal_print.c): the bytes of one receipt on their way
 * to the printer, kept so that none is lost or printed twice. A job goes
 * waiting -> printing -> done, or held when the printer did not take it
 * whole or reported an error afterwards; the agent releases held jobs
 * (held -> waiting). A drawer pulse is tried once: it ends done or
 * failed, never held. Done and failed jobs keep their row without their
 * bytes. --- */

/* Largest job the journal stores; ESCPOS_JOB_MAX is the same. */
#define JOURNAL_PRINT_DATA_MAX (256 * 1024)

/* Done and failed jobs older than this are deleted by
 * journal_print_recover. */
#define JOURNAL_PRINT_KEEP_SECONDS (30 * 86400)

/* Stored as text in the journal. */
enum print_kind {
	PRINT_KIND_RECEIPT = 0, /* an operation's receipt, first print */
	PRINT_KIND_NOTICE = 1,  /* a rejection or cancellation notice */
	PRINT_KIND_COPY = 2,    /* a reprint asked for by the agent */
	PRINT_KIND_REPORT = 3,  /* an end-of-day report */
	PRINT_KIND_TEST = 4,    /* a test page */
	PRINT_KIND_DRAWER = 5,  /* a cash drawer pulse */
};
#define PRINT_KIND_COUNT 6

/* Stored as text in the journal. */
enum print_state {
	PRINT_WAITING = 0,
	PRINT_PRINTING = 1,
	PRINT_HELD = 2,
	PRINT_DONE = 3,
	PRINT_FAILED = 4,
};
#define PRINT_STATE_COUNT 5

struct print_job {
	int64_t id;
	char operation_id[JOURNAL_ID_SIZE]; /* empty for none */
	enum print_kind kind;
	enum print_state state;
	int64_t created_at;                 /* Unix seconds */
	int64_t updated_at;
	int attempts;                       /* writes started */
	char last_error[JOURNAL_ERROR_SIZE]; /* why it is held or failed */
	size_t size;                        /* bytes kept; 0 once done */
	bool taken; /* the printer took bytes of it, so it may have printed */
};

/* Add a waiting job of len bytes (1 to JOURNAL_PRINT_DATA_MAX) for
 * operation_id (NULL or "" for none). When mark is OP_ACCEPTED or
 * OP_REJECTED, the same transaction records the operation's receipt or
 * notice of that state as printed (see journal_mark_printed), so a crash
 * leaves either both or neither. The job is then added only when the
 * operation is still in state mark and not yet marked, else the result
 * is JOURNAL_ESTATE and nothing changes. Pass mark -1 to mark nothing.
 * A receipt or notice job added with a mark also ends, in the same
 * transaction, every waiting or held receipt or notice job of an older
 * state of the operation (done, "superseded by the receipt of STATE"),
 * so a stale receipt never prints after the newer one.
 * Sets *id (may be NULL) to the new job's id. Returns JOURNAL_OK, or
 * JOURNAL_EINVAL for a bad argument, JOURNAL_ENOTFOUND for an unknown
 * operation_id, or another journal_error. */
int journal_print_add(struct journal *journal, const char *operation_id,
		      enum print_kind kind, const unsigned char *data,
		      size_t len, int mark, int64_t now, int64_t *id);

/* Take the oldest waiting drawer pulse, else the oldest waiting job, so
 * that a pulse never waits behind receipts released after a hold: it
 * becomes printing, its attempts grow by one, *job is filled and *data
 * gets a copy of its bytes, job->size long, which the caller frees.
 * Returns JOURNAL_OK, JOURNAL_ENOTFOUND when none waits, or another
 * journal_error. */
int journal_print_take(struct journal *journal, int64_t now,
		       struct print_job *job, unsigned char **data);

/* End a printing job in state done (its bytes dropped), held or failed
 * (reason required, at most JOURNAL_ERROR_SIZE - 1 bytes). Returns
 * JOURNAL_OK, JOURNAL_ENOTFOUND for an unknown id, JOURNAL_ESTATE when
 * the job is not printing, JOURNAL_EINVAL for another state or a missing
 * reason. */
int journal_print_finish(struct journal *journal, int64_t id,
			 enum print_state state, const char *reason,
			 int64_t now);

/* Record that the printer took bytes of printing job id before the job
 * failed, so it may have printed: a receipt or notice is then never
 * printed again as an original (see journal_print_replace). Returns
 * JOURNAL_OK, JOURNAL_ENOTFOUND, or JOURNAL_ESTATE when the job is not
 * printing. */
int journal_print_mark_taken(struct journal *journal, int64_t id,
			     int64_t now);

/* Fail every waiting drawer pulse created at or before `before`, with
 * reason. Sets *failed (may be NULL) to their number. Returns a
 * journal_error. */
int journal_print_fail_drawer(struct journal *journal, int64_t before,
			      const char *reason, int64_t now, int *failed);

/* Hold every waiting job created at or before `before`, with reason,
 * except drawer pulses, which fail with it. Sets *held (may be NULL) to
 * the number of jobs held. Returns a journal_error. */
int journal_print_hold_waiting(struct journal *journal, int64_t before,
			       const char *reason, int64_t now, int *held);

/* Release every held job (held -> waiting) as it is, so that it prints
 * once more, as the agent asked. app_print_release replaces the taken
 * receipts by copies first. Sets *released (may be NULL) to their number.
 * Returns a journal_error. */
int journal_print_release(struct journal *journal, int64_t now,
			  int *released);

/* Release held job id (held -> waiting) as it is. Returns JOURNAL_OK,
 * JOURNAL_ENOTFOUND, or JOURNAL_ESTATE when the job is not held. */
int journal_print_release_job(struct journal *journal, int64_t id,
			      int64_t now);

/* End held job id without printing it: state done, its bytes dropped,
 * last_error reason (required, at most JOURNAL_ERROR_SIZE - 1 bytes).
 * For a report or test page that may have printed. Returns JOURNAL_OK,
 * JOURNAL_EINVAL for a missing reason, JOURNAL_ENOTFOUND, or
 * JOURNAL_ESTATE when the job is not held. */
int journal_print_end_held(struct journal *journal, int64_t id,
			   const char *reason, int64_t now);

/* Replace held job id, which may have printed, by a new waiting job of
 * kind copy for the same operation with len bytes of data (the receipt
 * laid out as a copy), in one transaction: the old job ends done, its
 * bytes dropped and last_error "replaced by copy job N", so the customer
 * never holds two originals. Sets *new_id (may be NULL). Returns
 * JOURNAL_OK, JOURNAL_EINVAL for bad data, JOURNAL_ENOTFOUND, or
 * JOURNAL_ESTATE when the job is not held. */
int journal_print_replace(struct journal *journal, int64_t id,
			  const unsigned char *data, size_t len, int64_t now,
			  int64_t *new_id);

/* Fill jobs with up to max held jobs, oldest first; operation_id NULL
 * for all, else only that operation's. Returns the number filled or a
 * negative journal_error. */
int journal_print_list_held(struct journal *journal,
			    const char *operation_id, struct print_job *jobs,
			    int max);

/* Fix the jobs that a stopped print worker left, at its start. A
 * printing job becomes held and taken ("stopped while printing; it may
 * have printed"). A drawer pulse that is waiting or printing fails,
 * because it is never tried later, with a reason for each case. Done and
 * failed jobs updated more than JOURNAL_PRINT_KEEP_SECONDS before now
 * are deleted. Call it from the one
 * print worker only, since another process's printing job would be
 * taken for a stopped one. Sets *held (may be NULL) to the number held.
 * Returns a journal_error. */
int journal_print_recover(struct journal *journal, int64_t now, int *held);

/* journal_print_recover, also setting *drawers (may be NULL) to the
 * number of drawer pulses it failed, for the agent. */
int journal_print_recover_counts(struct journal *journal, int64_t now,
				 int *held, int *drawers);

/* Count jobs by state into counts[PRINT_STATE_COUNT]. Returns a
 * journal_error. */
int journal_print_count(struct journal *journal,
			int64_t counts[PRINT_STATE_COUNT]);

/* Read job id into *job. Returns JOURNAL_OK, JOURNAL_ENOTFOUND or another
 * journal_error. */
int journal_print_get(struct journal *journal, int64_t id,
		      struct print_job *job);

/* Fill jobs with up to max jobs of operation_id, oldest first. Returns
 * the number filled or a negative journal_error. */
int journal_print_list_operation(struct journal *journal,
				 const char *operation_id,
				 struct print_job *jobs, int max);

/* Static names: "receipt", "notice", "copy", "report", "test", "drawer"
 * and "waiting", "printing", "held", "done", "failed"; "unknown" for a
 * value out of range. The parse functions return -1 for unknown text. */
const char *journal_print_kind_name(enum print_kind kind);
const char *journal_print_state_name(enum print_state state);
int journal_print_kind_parse(const char *name);
int journal_print_state_parse(const char *name);

/* Static names: "queued", "in_flight", "accepted", "rejected",
 * "needs_attention", and "unknown" for a value out of range.
 * journal_state_parse returns -1 for unknown text. */
const char *journal_state_name(enum op_state state);
int journal_state_parse(const char *name);

/* Return a static one-line message for a journal_error. */
const char *journal_strerror(int error);

#endif
