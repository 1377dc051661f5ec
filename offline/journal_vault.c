/* The journal's encrypted fields: which key file belongs to a journal,
 * loading or creating its key, sealing an operation's secret on insert,
 * unsealing it on read, and sealing the plain secrets of an older
 * schema. */
#define LOG_MODULE "journal"

#include "journal.h"
#include "journal_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>
#include <sqlite3.h>

#include "../app/log.h"
#include "vault.h"

/* Sealed secrets that journal_open tries to unseal to tell a wrong key
 * from a damaged row: a wrong key fails on every one. */
#define KEY_CHECK_ROWS 8

/* The one key file set with journal_set_key_file, and its journal. */
static pthread_mutex_t key_file_lock = PTHREAD_MUTEX_INITIALIZER;
static char key_file_journal[JOURNAL_PATH_SIZE];
static char key_file_path[JOURNAL_PATH_SIZE];
/* The last key file problem, and the key file it was found in. */
static enum journal_key_problem problem_found;
static char problem_key_path[JOURNAL_PATH_SIZE];

/* Store problem as the last one found with the key file at key_path.
 * JOURNAL_KEYFILE_NONE clears a stored problem of that file. */
static void record_problem(const char *key_path,
			   enum journal_key_problem problem)
{
	pthread_mutex_lock(&key_file_lock);
	if (problem != JOURNAL_KEYFILE_NONE) {
		problem_found = problem;
		snprintf(problem_key_path, sizeof(problem_key_path), "%s",
			 key_path);
	} else if (strcmp(problem_key_path, key_path) == 0) {
		problem_found = JOURNAL_KEYFILE_NONE;
		problem_key_path[0] = '\0';
	}
	pthread_mutex_unlock(&key_file_lock);
}

enum journal_key_problem journal_key_problem(const char *journal_path)
{
	char key_path[JOURNAL_PATH_SIZE];
	enum journal_key_problem problem = JOURNAL_KEYFILE_NONE;

	if (journal_key_file(journal_path, key_path, sizeof(key_path)) !=
	    JOURNAL_OK)
		return JOURNAL_KEYFILE_NONE;
	pthread_mutex_lock(&key_file_lock);
	if (strcmp(problem_key_path, key_path) == 0)
		problem = problem_found;
	pthread_mutex_unlock(&key_file_lock);
	return problem;
}

/* The journal_key_problem of a vault_open failure. */
static enum journal_key_problem problem_of(int vault_error)
{
	switch (vault_error) {
	case VAULT_EMISSING:
		return JOURNAL_KEYFILE_MISSING;
	case VAULT_EMODE:
		return JOURNAL_KEYFILE_MODE;
	case VAULT_ENOTFILE:
		return JOURNAL_KEYFILE_NOT_FILE;
	case VAULT_ESIZE:
		return JOURNAL_KEYFILE_SIZE;
	default:
		return JOURNAL_KEYFILE_UNREADABLE;
	}
}

int journal_set_key_file(const char *journal_path, const char *key_file)
{
	if (!journal_text_fits(journal_path, JOURNAL_PATH_SIZE, false) ||
	    (key_file != NULL &&
	     !journal_text_fits(key_file, JOURNAL_PATH_SIZE, true)))
		return JOURNAL_EINVAL;

	pthread_mutex_lock(&key_file_lock);
	if (key_file == NULL || key_file[0] == '\0') {
		key_file_journal[0] = '\0';
		key_file_path[0] = '\0';
	} else {
		snprintf(key_file_journal, sizeof(key_file_journal), "%s",
			 journal_path);
		snprintf(key_file_path, sizeof(key_file_path), "%s",
			 key_file);
	}
	pthread_mutex_unlock(&key_file_lock);
	return JOURNAL_OK;
}

int journal_key_file(const char *journal_path, char *out, size_t size)
{
	int written;

	if (journal_path == NULL || out == NULL || size == 0)
		return JOURNAL_EINVAL;
	pthread_mutex_lock(&key_file_lock);
	if (key_file_path[0] != '\0' &&
	    strcmp(key_file_journal, journal_path) == 0)
		written = snprintf(out, size, "%s", key_file_path);
	else
		written = snprintf(out, size, "%s.key", journal_path);
	pthread_mutex_unlock(&key_file_lock);
	if (written < 0 || (size_t)written >= size) {
		log_warn("key file path of journal %s is too long",
			 journal_path);
		return JOURNAL_EINVAL;
	}
	return JOURNAL_OK;
}

/* Whether the journal at schema `version` contains a sealed secret. The
 * secret column exists from version 7 on. Returns 1, 0 or a negative
 * journal_error. */
static int has_sealed(struct journal *journal, int64_t version)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (version < 7)
		return 0;
	rc = sqlite3_prepare_v2(journal->db,
				"SELECT EXISTS (SELECT 1 FROM operations"
				" WHERE secret GLOB '" VAULT_PREFIX "*')",
				-1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_int(stmt, 0);
	else
		rc = journal_sqlite_error(journal, rc,
					  "look for sealed secrets with",
					  journal->key_path);
	sqlite3_finalize(stmt);
	return rc;
}

/* Load the key into journal->vault, or create it when may_create and
 * the file is missing. Returns JOURNAL_OK, JOURNAL_ENOTFOUND for a
 * missing file when no sealed value exists and may_create is false, or
 * JOURNAL_EKEY (logged). A missing key while sealed values exist is an
 * error, never a new key. */
static int load_vault(struct journal *journal, bool may_create,
		      bool sealed_exist)
{
	int rc;

	if (journal->vault != NULL)
		return JOURNAL_OK;
	rc = vault_open(journal->key_path, may_create && !sealed_exist,
			&journal->vault);
	if (rc == VAULT_OK)
		return JOURNAL_OK;
	if (rc == VAULT_EMISSING && !sealed_exist)
		return JOURNAL_ENOTFOUND;
	/* vault_open logged the other failures with their details. */
	if (rc == VAULT_EMISSING)
		log_error("key file %s is missing, but the journal contains "
			  "encrypted secrets; restore the key file from "
			  "backup", journal->key_path);
	record_problem(journal->key_path, problem_of(rc));
	return JOURNAL_EKEY;
}

/* Try to unseal up to KEY_CHECK_ROWS sealed secrets with the loaded
 * key. Returns JOURNAL_OK when one unseals or none fails authentication
 * (a damaged row is the row's problem, found when it is read),
 * JOURNAL_EKEY (logged) when every one fails authentication, or
 * JOURNAL_EIO. */
static int check_key_matches(struct journal *journal, const char *path)
{
	char plain[JOURNAL_SECRET_SIZE];
	sqlite3_stmt *stmt = NULL;
	int mismatches = 0;
	int rc;

	rc = sqlite3_prepare_v2(journal->db,
				"SELECT id, secret FROM operations"
				" WHERE secret GLOB '" VAULT_PREFIX "*'"
				" LIMIT ?1",
				-1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(stmt, 1, KEY_CHECK_ROWS);
		rc = sqlite3_step(stmt);
	}
	while (rc == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);
		const char *sealed =
			(const char *)sqlite3_column_text(stmt, 1);
		int vault_rc = vault_unseal(journal->vault, sealed, id, plain,
					    sizeof(plain));

		mbedtls_platform_zeroize(plain, sizeof(plain));
		if (vault_rc == VAULT_OK) {
			mismatches = 0;
			rc = SQLITE_DONE;
			break;
		}
		if (vault_rc == VAULT_EAUTH)
			mismatches++;
		rc = sqlite3_step(stmt);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return journal_sqlite_error(journal, rc, "check the key of",
					    path);
	if (mismatches == 0)
		return JOURNAL_OK;
	log_error("journal %s: key file %s decrypts none of %d encrypted "
		  "secrets checked, so it is not this journal's key; restore "
		  "the journal's own key file from backup",
		  path, journal->key_path, mismatches);
	record_problem(journal->key_path, JOURNAL_KEYFILE_WRONG);
	return JOURNAL_EKEY;
}

int journal_open_vault(struct journal *journal, const char *path,
		       int64_t version)
{
	int sealed;
	int rc;

	rc = journal_key_file(path, journal->key_path,
			      sizeof(journal->key_path));
	if (rc != JOURNAL_OK)
		return rc;
	sealed = has_sealed(journal, version);
	if (sealed < 0)
		return sealed;

	/* Without sealed values a missing key waits for the first secret,
	 * so that a journal that never contains one gets no key file. An
	 * existing key is checked now either way. */
	rc = load_vault(journal, false, sealed == 1);
	if (rc == JOURNAL_ENOTFOUND)
		rc = JOURNAL_OK;
	if (rc == JOURNAL_OK && sealed == 1)
		rc = check_key_matches(journal, path);
	if (rc == JOURNAL_OK)
		record_problem(journal->key_path, JOURNAL_KEYFILE_NONE);
	return rc;
}

/* Load or create the key before a secret is sealed. */
static int vault_for_sealing(struct journal *journal)
{
	int sealed;

	if (journal->vault != NULL)
		return JOURNAL_OK;
	/* The secret column exists: the journal is open, or its SQL
	 * migrations ran. */
	sealed = has_sealed(journal, 7);
	if (sealed < 0)
		return sealed;
	return load_vault(journal, true, sealed == 1);
}

int journal_seal_secret(struct journal *journal, const char *id,
			const char *plain, char *sealed, size_t size)
{
	int rc;

	if (plain[0] == '\0') {
		sealed[0] = '\0';
		return JOURNAL_OK;
	}
	rc = vault_for_sealing(journal);
	if (rc != JOURNAL_OK)
		return rc;
	rc = vault_seal(journal->vault, plain, id, sealed, size);
	if (rc != VAULT_OK) {
		log_error("operation %s: cannot seal the secret: %s", id,
			  vault_strerror(rc));
		return rc == VAULT_ERANGE ? JOURNAL_EINVAL : JOURNAL_EIO;
	}
	return JOURNAL_OK;
}

int journal_unseal_secret(struct journal *journal, const char *id,
			  const char *sealed, char *plain, size_t size)
{
	int rc;

	if (sealed[0] == '\0') {
		plain[0] = '\0';
		return JOURNAL_OK;
	}
	/* Another connection may have made the key after this one
	 * opened. */
	rc = load_vault(journal, false, true);
	if (rc != JOURNAL_OK)
		return rc;
	rc = vault_unseal(journal->vault, sealed, id, plain, size);
	if (rc != VAULT_OK) {
		log_error("operation %s: cannot unseal the secret with key "
			  "file %s: %s", id, journal->key_path,
			  vault_strerror(rc));
		return JOURNAL_EKEY;
	}
	return JOURNAL_OK;
}

/* Rows with a plain secret that one pass of seal_plaintext reads. */
#define PLAIN_BATCH 32

struct plain_secret {
	char id[JOURNAL_ID_SIZE];
	char secret[JOURNAL_SECRET_SIZE];
};

/* Read up to PLAIN_BATCH rows whose secret is not sealed. Returns the
 * number read or a negative journal_error. */
static int read_plain(struct journal *journal, const char *path,
		      struct plain_secret *rows)
{
	sqlite3_stmt *stmt = NULL;
	int count = 0;
	int rc;

	rc = sqlite3_prepare_v2(journal->db,
				"SELECT id, secret FROM operations"
				" WHERE secret IS NOT NULL"
				" AND secret NOT GLOB '" VAULT_PREFIX "*'"
				" LIMIT ?1",
				-1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(stmt, 1, PLAIN_BATCH);
		rc = sqlite3_step(stmt);
	}
	while (rc == SQLITE_ROW && count < PLAIN_BATCH) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);
		const char *secret =
			(const char *)sqlite3_column_text(stmt, 1);

		if (id == NULL || secret == NULL ||
		    !journal_text_fits(id, JOURNAL_ID_SIZE, false) ||
		    !journal_text_fits(secret, JOURNAL_SECRET_SIZE, true)) {
			log_error("journal %s: operation %s has a secret that "
				  "does not fit %d bytes", path,
				  id == NULL ? "-" : id,
				  JOURNAL_SECRET_SIZE - 1);
			rc = JOURNAL_EIO;
			goto out;
		}
		snprintf(rows[count].id, sizeof(rows[count].id), "%s", id);
		snprintf(rows[count].secret, sizeof(rows[count].secret), "%s",
			 secret);
		count++;
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = journal_sqlite_error(journal, rc, "read plain secrets of",
					  path);
		goto out;
	}
	rc = count;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Replace the secret of row with its sealed form. */
static int store_sealed(struct journal *journal, const struct plain_secret *row)
{
	char sealed[JOURNAL_SEALED_SIZE];
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = journal_seal_secret(journal, row->id, row->secret, sealed,
				 sizeof(sealed));
	if (rc != JOURNAL_OK)
		return rc;
	rc = sqlite3_prepare_v2(journal->db,
				"UPDATE operations SET secret = ?2"
				" WHERE id = ?1",
				-1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		journal_bind_text(stmt, 1, row->id);
		journal_bind_text(stmt, 2, sealed);
		rc = sqlite3_step(stmt);
	}
	rc = rc == SQLITE_DONE ? JOURNAL_OK
			       : journal_sqlite_error(journal, rc,
						      "seal secret of",
						      row->id);
	sqlite3_finalize(stmt);
	return rc;
}

int journal_seal_plaintext(struct journal *journal, const char *path)
{
	struct plain_secret rows[PLAIN_BATCH];
	int sealed = 0;
	int count;
	int rc = JOURNAL_OK;

	/* Each pass seals what it read, so the next one reads new rows.
	 * The loop ends when a pass finds none, or at the first error. */
	do {
		count = read_plain(journal, path, rows);
		for (int i = 0; i < count && rc == JOURNAL_OK; i++)
			rc = store_sealed(journal, &rows[i]);
		if (count > 0)
			sealed += count;
	} while (count > 0 && rc == JOURNAL_OK);
	mbedtls_platform_zeroize(rows, sizeof(rows));

	if (count < 0)
		return count;
	if (rc != JOURNAL_OK)
		return rc;
	if (sealed > 0)
		log_info("journal %s: sealed %d plain secrets with key file %s",
			 path, sealed, journal->key_path);
	return sealed;
}
