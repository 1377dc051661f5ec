/* Offline login verifiers in the journal's credentials table, derived
 * with mbedTLS PBKDF2-HMAC-SHA256 from getrandom(2) salts, and the
 * lockout after wrong passwords. */
#define LOG_MODULE "credentials"

#include "credentials.h"
#include "journal_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <mbedtls/constant_time.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform_util.h>
#include <sqlite3.h>

#include "../app/log.h"

/* getrandom(2) calls before giving up. Only a signal during the wait for
 * the kernel's entropy pool makes a second one necessary. */
#define RANDOM_ATTEMPTS_MAX 8

/* Failures stop being counted here, far past the capped delay, so that
 * the count cannot overflow. */
#define FAILURES_MAX 1000000

/* Columns of STMT_CREDENTIALS_READ. */
enum verifier_column {
	COLUMN_SALT,
	COLUMN_ITERATIONS,
	COLUMN_HASH,
	COLUMN_STORED_AT,
	COLUMN_FAILURES,
	COLUMN_LOCKED_UNTIL,
};

/* Parameters: ?1 agent id, then as each statement lists them. */
static const char *const statement_sql[STMT_TOTAL] = {
	/* ?2 salt, ?3 iterations, ?4 hash, ?5 stored_at. */
	[STMT_CREDENTIALS_STORE] = "INSERT INTO credentials (agent_id, salt,"
				   " iterations, hash, stored_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5)"
				   " ON CONFLICT (agent_id) DO UPDATE"
				   " SET salt = excluded.salt,"
				   " iterations = excluded.iterations,"
				   " hash = excluded.hash,"
				   " stored_at = excluded.stored_at,"
				   " failures = 0, locked_until = 0",
	[STMT_CREDENTIALS_READ] = "SELECT salt, iterations, hash, stored_at,"
				  " failures, locked_until FROM credentials"
				  " WHERE agent_id = ?1",
	/* ?2 failures, ?3 locked_until. */
	[STMT_CREDENTIALS_FAIL] = "UPDATE credentials SET failures = ?2,"
				  " locked_until = ?3 WHERE agent_id = ?1",
	[STMT_CREDENTIALS_RESET] = "UPDATE credentials SET failures = 0,"
				   " locked_until = 0 WHERE agent_id = ?1",
	[STMT_CREDENTIALS_FORGET] = "DELETE FROM credentials"
				    " WHERE agent_id = ?1",
};

/* One stored verifier. The hash is wiped after use. */
struct verifier {
	unsigned char salt[CREDENTIALS_SALT_SIZE];
	unsigned char hash[CREDENTIALS_HASH_SIZE];
	unsigned int iterations;
	int64_t stored_at;
	int64_t failures;
	int64_t locked_until;
};

static int prepare(struct journal *journal, enum journal_statement which,
		   sqlite3_stmt **out)
{
	int rc = journal_prepare(journal, which, statement_sql[which], out);

	return rc == JOURNAL_OK ? CREDENTIALS_OK : CREDENTIALS_EIO;
}

/* Log a SQLite failure and return CREDENTIALS_EIO, which every SQLite
 * failure becomes here. */
static int sqlite_error(struct journal *journal, int rc, const char *action,
			const char *agent_id)
{
	journal_sqlite_error(journal, rc, action, agent_id);
	return CREDENTIALS_EIO;
}

static bool agent_id_valid(const char *agent_id)
{
	if (journal_text_fits(agent_id, JOURNAL_AGENT_SIZE, false))
		return true;
	log_warn("agent id is missing, empty or longer than %d bytes",
		 JOURNAL_AGENT_SIZE - 1);
	return false;
}

/* Return the password's length, or 0 when it is missing, empty or longer
 * than CREDENTIALS_PASSWORD_MAX. */
static size_t password_length(const char *password)
{
	size_t length;

	if (password == NULL)
		return 0;
	length = strnlen(password, CREDENTIALS_PASSWORD_MAX + 1);
	if (length > CREDENTIALS_PASSWORD_MAX)
		return 0;
	return length;
}

static int fill_random(unsigned char *buf, size_t size)
{
	size_t done = 0;

	for (int i = 0; i < RANDOM_ATTEMPTS_MAX && done < size; i++) {
		ssize_t n = getrandom(buf + done, size - done, 0);

		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno != EINTR) {
			log_error("getrandom failed: %s", strerror(errno));
			return CREDENTIALS_ECRYPTO;
		}
	}
	if (done < size) {
		log_error("getrandom returned %zu of %zu bytes after %d calls",
			  done, size, RANDOM_ATTEMPTS_MAX);
		return CREDENTIALS_ECRYPTO;
	}
	return CREDENTIALS_OK;
}

/* Derive CREDENTIALS_HASH_SIZE bytes into key with PBKDF2-HMAC-SHA256.
 * The caller wipes key. */
static int derive_key(const char *password, size_t length,
		      const unsigned char *salt, unsigned int iterations,
		      unsigned char key[CREDENTIALS_HASH_SIZE])
{
	const mbedtls_md_info_t *sha256;
	mbedtls_md_context_t md;
	int rc;

	mbedtls_md_init(&md);
	sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	if (sha256 == NULL) {
		log_error("mbedTLS has no SHA-256");
		rc = CREDENTIALS_ECRYPTO;
		goto out;
	}
	rc = mbedtls_md_setup(&md, sha256, 1);
	if (rc != 0) {
		log_error("mbedtls_md_setup failed: -0x%04x",
			  (unsigned int)-rc);
		rc = CREDENTIALS_ECRYPTO;
		goto out;
	}

	rc = mbedtls_pkcs5_pbkdf2_hmac(&md, (const unsigned char *)password,
				       length, salt, CREDENTIALS_SALT_SIZE,
				       iterations, CREDENTIALS_HASH_SIZE, key);
	if (rc != 0) {
		log_error("mbedtls_pkcs5_pbkdf2_hmac failed: -0x%04x",
			  (unsigned int)-rc);
		rc = CREDENTIALS_ECRYPTO;
		goto out;
	}
	rc = CREDENTIALS_OK;
out:
	/* mbedtls_md_free wipes the HMAC pads, which derive from the
	 * password. */
	mbedtls_md_free(&md);
	return rc;
}

int credentials_store(struct journal *journal, const char *agent_id,
		      const char *password, int64_t now)
{
	unsigned char salt[CREDENTIALS_SALT_SIZE];
	unsigned char key[CREDENTIALS_HASH_SIZE];
	size_t length = password_length(password);
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (journal == NULL || !agent_id_valid(agent_id) || length == 0)
		return CREDENTIALS_EINVAL;

	/* Derive before touching the journal, so that no lock is held
	 * during the slow part. */
	rc = fill_random(salt, sizeof(salt));
	if (rc != CREDENTIALS_OK)
		goto out;
	rc = derive_key(password, length, salt, CREDENTIALS_ITERATIONS, key);
	if (rc != CREDENTIALS_OK)
		goto out;

	/* One statement, so one transaction. */
	rc = prepare(journal, STMT_CREDENTIALS_STORE, &stmt);
	if (rc != CREDENTIALS_OK)
		goto out;
	journal_bind_text(stmt, 1, agent_id);
	sqlite3_bind_blob(stmt, 2, salt, sizeof(salt), SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, CREDENTIALS_ITERATIONS);
	sqlite3_bind_blob(stmt, 4, key, sizeof(key), SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, now);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		rc = sqlite_error(journal, rc, "store verifier of agent",
				  agent_id);
		goto out;
	}
	log_info("stored the offline login verifier of agent %s", agent_id);
	rc = CREDENTIALS_OK;
out:
	if (stmt != NULL)
		journal_release(stmt);
	mbedtls_platform_zeroize(key, sizeof(key));
	return rc;
}

/* Copy a blob column of exactly size bytes into dst. */
static int read_blob(sqlite3_stmt *stmt, int column, unsigned char *dst,
		     size_t size, const char *agent_id)
{
	const void *blob = sqlite3_column_blob(stmt, column);
	int bytes = sqlite3_column_bytes(stmt, column);

	if (blob == NULL || bytes < 0 || (size_t)bytes != size) {
		log_error("agent %s: stored %s is %d bytes, expected %zu",
			  agent_id, sqlite3_column_name(stmt, column), bytes,
			  size);
		return CREDENTIALS_EIO;
	}
	memcpy(dst, blob, size);
	return CREDENTIALS_OK;
}

/* Read the verifier of agent_id into *out inside the caller's
 * transaction. Returns CREDENTIALS_ENOTFOUND when there is none and
 * CREDENTIALS_EIO for a damaged row. */
static int read_verifier(struct journal *journal, const char *agent_id,
			 struct verifier *out)
{
	sqlite3_stmt *stmt = NULL;
	int64_t iterations;
	int rc;

	rc = prepare(journal, STMT_CREDENTIALS_READ, &stmt);
	if (rc != CREDENTIALS_OK)
		return rc;

	journal_bind_text(stmt, 1, agent_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = CREDENTIALS_ENOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = sqlite_error(journal, rc, "read verifier of agent",
				  agent_id);
		goto out;
	}

	rc = read_blob(stmt, COLUMN_SALT, out->salt, sizeof(out->salt),
		       agent_id);
	if (rc == CREDENTIALS_OK)
		rc = read_blob(stmt, COLUMN_HASH, out->hash,
			       sizeof(out->hash), agent_id);
	if (rc != CREDENTIALS_OK)
		goto out;

	iterations = sqlite3_column_int64(stmt, COLUMN_ITERATIONS);
	if (iterations < 1 || iterations > CREDENTIALS_ITERATIONS_MAX) {
		log_error("agent %s: stored iteration count %lld is outside "
			  "1..%d", agent_id, (long long)iterations,
			  CREDENTIALS_ITERATIONS_MAX);
		rc = CREDENTIALS_EIO;
		goto out;
	}
	out->iterations = (unsigned int)iterations;
	out->stored_at = sqlite3_column_int64(stmt, COLUMN_STORED_AT);
	out->failures = sqlite3_column_int64(stmt, COLUMN_FAILURES);
	out->locked_until = sqlite3_column_int64(stmt, COLUMN_LOCKED_UNTIL);
	rc = CREDENTIALS_OK;
out:
	journal_release(stmt);
	return rc;
}

int64_t credentials_delay(int64_t failures)
{
	int64_t delay = CREDENTIALS_DELAY_FIRST;

	if (failures <= CREDENTIALS_FREE_FAILURES)
		return 0;
	/* Doubling stops at the cap, which bounds the loop and rules out
	 * overflow. */
	for (int64_t n = CREDENTIALS_FREE_FAILURES + 1;
	     n < failures && delay < CREDENTIALS_DELAY_MAX; n++)
		delay *= 2;
	return delay < CREDENTIALS_DELAY_MAX ? delay : CREDENTIALS_DELAY_MAX;
}

/* Run an update of agent_id's row: STMT_CREDENTIALS_FAIL with failures
 * and locked_until, or STMT_CREDENTIALS_RESET. */
static int update_row(struct journal *journal, enum journal_statement which,
		      const char *agent_id, int64_t failures,
		      int64_t locked_until)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = prepare(journal, which, &stmt);
	if (rc != CREDENTIALS_OK)
		return rc;

	journal_bind_text(stmt, 1, agent_id);
	if (which == STMT_CREDENTIALS_FAIL) {
		sqlite3_bind_int64(stmt, 2, failures);
		sqlite3_bind_int64(stmt, 3, locked_until);
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		rc = CREDENTIALS_OK;
	else
		rc = sqlite_error(journal, rc, "update failures of agent",
				  agent_id);
	journal_release(stmt);
	return rc;
}

/* Count one more failure and lock the agent out for its delay. */
static int record_failure(struct journal *journal, const char *agent_id,
			  const struct verifier *verifier, int64_t now,
			  int64_t *retry_after)
{
	int64_t failures = verifier->failures + 1;
	int64_t delay;
	int rc;

	if (failures > FAILURES_MAX)
		failures = FAILURES_MAX;
	delay = credentials_delay(failures);
	rc = update_row(journal, STMT_CREDENTIALS_FAIL, agent_id, failures,
			now + delay);
	if (rc != CREDENTIALS_OK)
		return rc;

	log_warn("agent %s: wrong password for offline login, failure %lld, "
		 "locked out for %lld s", agent_id, (long long)failures,
		 (long long)delay);
	*retry_after = delay;
	return CREDENTIALS_EWRONG;
}

/* Decide one offline login inside the caller's write transaction. */
static int decide_login(struct journal *journal, const char *agent_id,
			const char *password, size_t length, int64_t now,
			int64_t max_age_seconds, int64_t *retry_after)
{
	unsigned char key[CREDENTIALS_HASH_SIZE];
	struct verifier verifier;
	int rc;

	memset(&verifier, 0, sizeof(verifier));
	rc = read_verifier(journal, agent_id, &verifier);
	if (rc == CREDENTIALS_ENOTFOUND)
		log_info("agent %s has no offline login verifier", agent_id);
	if (rc != CREDENTIALS_OK)
		goto out;

	/* A login time in the future means the clock went back, so the
	 * window cannot be trusted. */
	if (now < verifier.stored_at ||
	    now - verifier.stored_at > max_age_seconds) {
		log_info("agent %s: last online login at %lld is outside the "
			 "%lld s window at %lld", agent_id,
			 (long long)verifier.stored_at,
			 (long long)max_age_seconds, (long long)now);
		rc = CREDENTIALS_EEXPIRED;
		goto out;
	}
	if (now < verifier.locked_until) {
		*retry_after = verifier.locked_until - now;
		log_info("agent %s is locked out for %lld s more", agent_id,
			 (long long)*retry_after);
		rc = CREDENTIALS_ELOCKED;
		goto out;
	}

	rc = derive_key(password, length, verifier.salt, verifier.iterations,
			key);
	if (rc != CREDENTIALS_OK)
		goto out;
	if (mbedtls_ct_memcmp(key, verifier.hash, sizeof(key)) != 0) {
		rc = record_failure(journal, agent_id, &verifier, now,
				    retry_after);
		goto out;
	}

	if (verifier.failures != 0 || verifier.locked_until != 0)
		rc = update_row(journal, STMT_CREDENTIALS_RESET, agent_id, 0,
				0);
	if (rc == CREDENTIALS_OK)
		log_info("agent %s logged in offline", agent_id);
out:
	mbedtls_platform_zeroize(key, sizeof(key));
	mbedtls_platform_zeroize(&verifier, sizeof(verifier));
	return rc;
}

int credentials_check(struct journal *journal, const char *agent_id,
		      const char *password, int64_t now,
		      int64_t max_age_seconds, int64_t *retry_after)
{
	size_t length = password_length(password);
	int rc;
	int commit;

	if (retry_after == NULL)
		return CREDENTIALS_EINVAL;
	*retry_after = 0;
	if (journal == NULL || !agent_id_valid(agent_id) || length == 0 ||
	    max_age_seconds < 0)
		return CREDENTIALS_EINVAL;

	/* The write lock is taken first and held through the derivation,
	 * so that two checks cannot both pass before a failure counts. */
	if (journal_begin(journal, true, agent_id) != JOURNAL_OK)
		return CREDENTIALS_EIO;

	rc = decide_login(journal, agent_id, password, length, now,
			  max_age_seconds, retry_after);
	if (rc == CREDENTIALS_EIO || rc == CREDENTIALS_ECRYPTO) {
		journal_rollback(journal, agent_id);
		*retry_after = 0;
		return rc;
	}

	commit = journal_commit(journal, agent_id);
	if (commit != JOURNAL_OK) {
		journal_rollback(journal, agent_id);
		*retry_after = 0;
		return CREDENTIALS_EIO;
	}
	return rc;
}

int credentials_forget(struct journal *journal, const char *agent_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (journal == NULL || !agent_id_valid(agent_id))
		return CREDENTIALS_EINVAL;

	rc = prepare(journal, STMT_CREDENTIALS_FORGET, &stmt);
	if (rc != CREDENTIALS_OK)
		return rc;
	journal_bind_text(stmt, 1, agent_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		if (sqlite3_changes(journal->db) > 0)
			log_info("forgot the offline login verifier of agent "
				 "%s", agent_id);
		rc = CREDENTIALS_OK;
	} else {
		rc = sqlite_error(journal, rc, "delete verifier of agent",
				  agent_id);
	}
	journal_release(stmt);
	return rc;
}

int credentials_time_check(unsigned int iterations, int64_t *elapsed_ns)
{
	static const unsigned char salt[CREDENTIALS_SALT_SIZE] = {0};
	static const char password[] = "calibration password";
	unsigned char key[CREDENTIALS_HASH_SIZE];
	struct timespec start;
	struct timespec end;
	int rc;

	if (elapsed_ns == NULL || iterations < 1 ||
	    iterations > CREDENTIALS_ITERATIONS_MAX)
		return CREDENTIALS_EINVAL;

	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = derive_key(password, sizeof(password) - 1, salt, iterations,
			key);
	clock_gettime(CLOCK_MONOTONIC, &end);
	mbedtls_platform_zeroize(key, sizeof(key));
	if (rc != CREDENTIALS_OK)
		return rc;

	*elapsed_ns = (int64_t)(end.tv_sec - start.tv_sec) * 1000000000 +
		      (end.tv_nsec - start.tv_nsec);
	return CREDENTIALS_OK;
}

const char *credentials_strerror(int error)
{
	switch (error) {
	case CREDENTIALS_OK:
		return "Success";
	case CREDENTIALS_ENOTFOUND:
		return "No offline login for this agent before an online "
		       "login on this terminal";
	case CREDENTIALS_EEXPIRED:
		return "Last online login is too old for an offline login";
	case CREDENTIALS_ELOCKED:
		return "Too many wrong passwords, so wait before the next "
		       "attempt";
	case CREDENTIALS_EWRONG:
		return "Wrong password";
	case CREDENTIALS_EINVAL:
		return "Invalid, empty or too long agent id or password";
	case CREDENTIALS_EIO:
		return "Journal database error (details in the log)";
	case CREDENTIALS_ECRYPTO:
		return "Password check failed (details in the log)";
	default:
		return "Unknown credentials error";
	}
}
