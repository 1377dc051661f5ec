/* Benchmark tool for `make bench`, run by tests/bench/run.sh. It times the
 * offline login check and the offline customer lookup, each against the
 * bare library call it is built on, and prints "name: value" lines.
 *   login DIR    credentials_check against bare PBKDF2-HMAC-SHA256
 *   lookup DIR   customer_lookup_offline against a bare indexed SELECT */
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>

#include "../../app/customer.h"
#include "../../app/log.h"
#include "../../offline/credentials.h"
#include "bench_util.h"

/* Offline login checks (and as many bare derivations) at about 100 ms
 * each, so the loop takes about 8 s. It stops early at the time limit
 * and fails with fewer than LOGIN_SAMPLES_MIN checks. */
#define LOGIN_SAMPLES 40
#define LOGIN_SAMPLES_MIN 6
#define LOGIN_SECONDS_MAX 120

/* Lookups of each kind, at well under a millisecond each. */
#define LOOKUP_SAMPLES 2000
#define LOOKUP_SAMPLES_MIN 100
#define LOOKUP_SECONDS_MAX 60

/* Registrations journaled and not yet sent, which a lookup by phone
 * searches when the cache has no match. */
#define PENDING_REGISTRATIONS 100

/* Phone of pending registration number n as the agent types it (the
 * national form), and as the journal stores it (E.164). */
#define PENDING_TYPED_PHONE "024100%04d"
#define PENDING_E164_PHONE "+23324100%04d"

/* A prime that does not divide CUSTOMER_CACHE_MAX, so that stepping by it
 * visits the cached customers in a scattered order. */
#define LOOKUP_STRIDE 379

#define AGENT_ID "A1001"
#define PASSWORD "correct horse 42"
#define WRONG_PASSWORD "correct horse 43"
#define LOGIN_MAX_AGE_SECONDS 604800 /* a week */

/* The verifier credentials_store wrote, read back from the journal file
 * so that the bare derivation uses the same salt and iteration count. */
struct stored_verifier {
	unsigned char salt[CREDENTIALS_SALT_SIZE];
	unsigned char hash[CREDENTIALS_HASH_SIZE];
	unsigned int iterations;
};

static int read_stored_verifier(const char *path, struct stored_verifier *out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT salt, hash, iterations FROM credentials"
			       " WHERE agent_id = ?1",
			       -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", path, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_text(stmt, 1, AGENT_ID, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW ||
	    sqlite3_column_bytes(stmt, 0) != CREDENTIALS_SALT_SIZE ||
	    sqlite3_column_bytes(stmt, 1) != CREDENTIALS_HASH_SIZE) {
		fprintf(stderr, "bench: verifier of %s not found in %s\n",
			AGENT_ID, path);
		goto out;
	}
	memcpy(out->salt, sqlite3_column_blob(stmt, 0), sizeof(out->salt));
	memcpy(out->hash, sqlite3_column_blob(stmt, 1), sizeof(out->hash));
	out->iterations = (unsigned int)sqlite3_column_int64(stmt, 2);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return rc;
}

/* Time one bare PBKDF2-HMAC-SHA256 of PASSWORD on a context set up by the
 * caller, and check that it gives the stored hash. Returns -1 on failure
 * or a different key. */
static double bare_derive_ms(mbedtls_md_context_t *md,
			     const struct stored_verifier *verifier)
{
	unsigned char key[CREDENTIALS_HASH_SIZE];
	double start = bench_now_ms();
	double elapsed;
	int rc;

	rc = mbedtls_pkcs5_pbkdf2_hmac(md, (const unsigned char *)PASSWORD,
				       strlen(PASSWORD), verifier->salt,
				       sizeof(verifier->salt),
				       verifier->iterations, sizeof(key), key);
	elapsed = bench_now_ms() - start;
	if (rc != 0) {
		fprintf(stderr,
			"bench: mbedtls_pkcs5_pbkdf2_hmac failed: -0x%04x\n",
			(unsigned int)-rc);
		return -1;
	}
	if (memcmp(key, verifier->hash, sizeof(key)) != 0) {
		fprintf(stderr, "bench: bare key differs from the stored "
				"verifier\n");
		return -1;
	}
	return elapsed;
}

/* Time one credentials_check. Checks alternate between the wrong and the
 * right password, so that each one writes its failure count. A wrong one
 * counts the first free failure, and the right one after it clears it.
 * Returns -1 when the result is not the expected one. */
static double login_check_ms(struct journal *journal, int sample)
{
	bool wrong = sample % 2 == 0;
	int expected = wrong ? CREDENTIALS_EWRONG : CREDENTIALS_OK;
	int64_t retry_after = -1;
	double start = bench_now_ms();
	double elapsed;
	int rc;

	rc = credentials_check(journal, AGENT_ID,
			       wrong ? WRONG_PASSWORD : PASSWORD,
			       (int64_t)time(NULL), LOGIN_MAX_AGE_SECONDS,
			       &retry_after);
	elapsed = bench_now_ms() - start;
	if (rc != expected || retry_after != 0) {
		fprintf(stderr, "bench: check %d returned %s, retry after %lld "
				"s; expected %s\n", sample,
			credentials_strerror(rc), (long long)retry_after,
			credentials_strerror(expected));
		return -1;
	}
	return elapsed;
}

/* Interleave login checks and bare derivations until LOGIN_SAMPLES or
 * LOGIN_SECONDS_MAX. Returns the number of pairs timed, or -1. */
static int time_logins(struct journal *journal, mbedtls_md_context_t *md,
		       const struct stored_verifier *verifier,
		       double check_ms[], double bare_ms[])
{
	double deadline = bench_now_ms() + LOGIN_SECONDS_MAX * 1000.0;
	int count = 0;

	while (count < LOGIN_SAMPLES && bench_now_ms() < deadline) {
		check_ms[count] = login_check_ms(journal, count);
		bare_ms[count] = bare_derive_ms(md, verifier);
		if (check_ms[count] < 0 || bare_ms[count] < 0)
			return -1;
		count++;
	}
	if (count < LOGIN_SAMPLES_MIN) {
		fprintf(stderr, "bench: timed out after %d s with %d login "
				"checks, fewer than %d\n", LOGIN_SECONDS_MAX,
			count, LOGIN_SAMPLES_MIN);
		return -1;
	}
	return count;
}

/* Print the medians of the wrong-password checks (even samples), the
 * right-password checks (odd samples) and all checks, then the bare
 * derivations and the ratio. */
static void print_logins(double check_ms[], double bare_ms[], int count,
			 unsigned int iterations)
{
	double wrong_ms[LOGIN_SAMPLES];
	double right_ms[LOGIN_SAMPLES];
	int wrong = 0;
	int right = 0;
	double check;
	double bare;

	for (int i = 0; i < count; i++) {
		if (i % 2 == 0)
			wrong_ms[wrong++] = check_ms[i];
		else
			right_ms[right++] = check_ms[i];
	}
	check = bench_median(check_ms, count);
	bare = bench_median(bare_ms, count);
	printf("login_iterations: %u\n", iterations);
	printf("login_checks: %d\n", count);
	printf("login_check_wrong_ms: %.1f\n", bench_median(wrong_ms, wrong));
	printf("login_check_right_ms: %.1f\n", bench_median(right_ms, right));
	printf("login_check_ms: %.1f\n", check);
	printf("login_bare_ms: %.1f\n", bare);
	printf("offline_login_check_ratio: %.2f\n", check / bare);
}

/* The offline login check as the product runs it, on a verifier stored in
 * a journal file, against bare mbedTLS PBKDF2 of the same password, salt
 * and iteration count. */
static int run_login(const char *dir)
{
	static double check_ms[LOGIN_SAMPLES];
	static double bare_ms[LOGIN_SAMPLES];
	struct stored_verifier verifier;
	struct journal *journal = NULL;
	mbedtls_md_context_t md;
	char path[PATH_MAX];
	int count = -1;

	mbedtls_md_init(&md);
	snprintf(path, sizeof(path), "%s/login.db", dir);
	if (journal_open(path, &journal) != JOURNAL_OK ||
	    credentials_store(journal, AGENT_ID, PASSWORD,
			      (int64_t)time(NULL)) != CREDENTIALS_OK ||
	    read_stored_verifier(path, &verifier) != 0)
		goto out;
	if (mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
			     1) != 0) {
		fprintf(stderr, "bench: mbedtls_md_setup failed\n");
		goto out;
	}

	count = time_logins(journal, &md, &verifier, check_ms, bare_ms);
	if (count > 0)
		print_logins(check_ms, bare_ms, count, verifier.iterations);
out:
	mbedtls_md_free(&md);
	journal_close(journal);
	return count > 0 ? 0 : 1;
}

/* Cached customer number n: phone +23320000nnnn, wallet 20000nnnnn, with
 * every profile field filled as a lookup reply would fill it. */
static void numbered_customer(int n, struct api_customer *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->profile.customer_id, sizeof(out->profile.customer_id),
		 "00000000-0000-4000-8000-%012d", n);
	snprintf(out->profile.first_name, sizeof(out->profile.first_name),
		 "Akosua");
	snprintf(out->profile.last_name, sizeof(out->profile.last_name),
		 "Mensah-Boateng");
	snprintf(out->profile.phone, sizeof(out->profile.phone),
		 "+23320000%04d", n);
	snprintf(out->profile.date_of_birth,
		 sizeof(out->profile.date_of_birth), "1988-03-14");
	snprintf(out->profile.id_type, sizeof(out->profile.id_type),
		 "national_id");
	snprintf(out->profile.id_number, sizeof(out->profile.id_number),
		 "GHA-7%08d-3", n);
	snprintf(out->profile.address, sizeof(out->profile.address),
		 "House %d, Kwame Nkrumah Avenue, Adabraka, Accra", n);
	snprintf(out->profile.email, sizeof(out->profile.email),
		 "customer%d@example.com", n);
	snprintf(out->profile.currency, sizeof(out->profile.currency), "GHS");
	out->version = 1;
	out->wallet_count = 1;
	snprintf(out->wallets[0].account, sizeof(out->wallets[0].account),
		 "20000%05d", n);
	snprintf(out->wallets[0].currency, sizeof(out->wallets[0].currency),
		 "GHS");
}

/* Journal queued registration number n, with PENDING_TYPED_PHONE. */
static int journal_pending(struct journal *journal, int n, int64_t now)
{
	struct customer_registration typed = { 0 };
	struct customer_registration reg;
	enum customer_field field;
	struct operation op;
	char message[128];

	snprintf(typed.first_name, sizeof(typed.first_name), "Kofi");
	snprintf(typed.last_name, sizeof(typed.last_name), "Asante");
	snprintf(typed.phone, sizeof(typed.phone), PENDING_TYPED_PHONE, n);
	snprintf(typed.date_of_birth, sizeof(typed.date_of_birth),
		 "1992-07-01");
	snprintf(typed.id_type, sizeof(typed.id_type), "passport");
	snprintf(typed.id_number, sizeof(typed.id_number), "G%07d", n);
	snprintf(typed.address, sizeof(typed.address), "Tema Community 4");
	snprintf(typed.currency, sizeof(typed.currency), "GHS");
	if (customer_registration_build(AGENT_ID, &typed, "233", now, &reg,
					&op, &field, message,
					sizeof(message)) != 0) {
		fprintf(stderr, "bench: registration %d: %s\n", n, message);
		return -1;
	}
	return journal_insert(journal, &op) == JOURNAL_OK ? 0 : -1;
}

/* Fill the cache to CUSTOMER_CACHE_MAX customers, one durable
 * customer_cache_put each as lookups at the central service do, and
 * journal PENDING_REGISTRATIONS registrations. */
static int fill_lookup_journal(struct journal *journal, int64_t now)
{
	struct api_customer customer;

	for (int n = 0; n < CUSTOMER_CACHE_MAX; n++) {
		numbered_customer(n, &customer);
		if (customer_cache_put(journal, &customer, now + n) !=
		    CUSTOMER_OK) {
			fprintf(stderr, "bench: customer %d not cached\n", n);
			return -1;
		}
	}
	for (int n = 0; n < PENDING_REGISTRATIONS; n++) {
		if (journal_pending(journal, n, now) != 0)
			return -1;
	}
	return 0;
}

/* Open a second connection to the journal file with a copy of the
 * cache's phones and profiles in a table of its own, indexed by phone,
 * and prepare the SELECT of one row. */
static int open_bare_lookup(const char *path, sqlite3 **db,
			    sqlite3_stmt **stmt)
{
	if (sqlite3_open(path, db) != SQLITE_OK ||
	    sqlite3_exec(*db,
			 "CREATE TABLE bench_lookup (phone TEXT NOT NULL,"
			 " json TEXT NOT NULL) STRICT;"
			 "INSERT INTO bench_lookup SELECT phone, json"
			 " FROM customer_cache;"
			 "CREATE INDEX bench_lookup_phone"
			 " ON bench_lookup (phone);",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(*db,
			       "SELECT json FROM bench_lookup WHERE phone = ?1",
			       -1, stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", path, sqlite3_errmsg(*db));
		return -1;
	}
	return 0;
}

/* Time the bare SELECT of phone's row, reading its profile text. */
static double bare_select_ms(sqlite3 *db, sqlite3_stmt *stmt,
			     const char *phone)
{
	double start = bench_now_ms();
	int found = 0;
	double elapsed;

	sqlite3_bind_text(stmt, 1, phone, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		found = sqlite3_column_text(stmt, 0) != NULL &&
			sqlite3_column_bytes(stmt, 0) > 0;
	sqlite3_reset(stmt);
	elapsed = bench_now_ms() - start;
	if (!found) {
		fprintf(stderr, "bench: bare SELECT found no %s: %s\n", phone,
			sqlite3_errmsg(db));
		return -1;
	}
	return elapsed;
}

/* Time customer_lookup_offline by phone and check that it found the
 * customer with the expected version: 1 when cached, 0 when pending. */
static double lookup_ms(struct journal *journal, const char *phone,
			int64_t now, int64_t version)
{
	struct api_customer found;
	double start = bench_now_ms();
	double elapsed;
	int rc;

	rc = customer_lookup_offline(journal, API_CUSTOMER_BY_PHONE, phone,
				     now, &found);
	elapsed = bench_now_ms() - start;
	if (rc != CUSTOMER_OK || found.version != version ||
	    strcmp(found.profile.phone, phone) != 0) {
		fprintf(stderr, "bench: lookup of %s returned %s, version "
				"%lld; expected version %lld\n", phone,
			customer_strerror(rc), (long long)found.version,
			(long long)version);
		return -1;
	}
	return elapsed;
}

/* The three kinds of sample a lookup iteration takes. */
enum lookup_kind {
	LOOKUP_CACHED,
	LOOKUP_PENDING,
	LOOKUP_BARE,
	LOOKUP_KINDS,
};

/* Take one sample of each kind: a cached customer, a pending
 * registration and the bare SELECT of the same cached phone. */
static int time_lookup_round(struct journal *journal, sqlite3 *db,
			     sqlite3_stmt *stmt, int i, int64_t now,
			     double *samples[LOOKUP_KINDS])
{
	char phone[API_PHONE_SIZE];

	snprintf(phone, sizeof(phone), "+23320000%04d",
		 (int)(((long)i * LOOKUP_STRIDE) % CUSTOMER_CACHE_MAX));
	samples[LOOKUP_CACHED][i] = lookup_ms(journal, phone, now + i, 1);
	samples[LOOKUP_BARE][i] = bare_select_ms(db, stmt, phone);

	snprintf(phone, sizeof(phone), PENDING_E164_PHONE,
		 i % PENDING_REGISTRATIONS);
	samples[LOOKUP_PENDING][i] = lookup_ms(journal, phone, now + i, 0);

	for (int kind = 0; kind < LOOKUP_KINDS; kind++) {
		if (samples[kind][i] < 0)
			return -1;
	}
	return 0;
}

static void print_lookups(double *samples[LOOKUP_KINDS], int count)
{
	double cached = bench_median(samples[LOOKUP_CACHED], count);
	double pending = bench_median(samples[LOOKUP_PENDING], count);
	double bare = bench_median(samples[LOOKUP_BARE], count);

	printf("customer_cache_rows: %d\n", CUSTOMER_CACHE_MAX);
	printf("customer_pending_registrations: %d\n", PENDING_REGISTRATIONS);
	printf("customer_lookups: %d\n", count);
	printf("customer_lookup_ms: %.3f\n", cached);
	printf("customer_pending_lookup_ms: %.3f\n", pending);
	printf("customer_bare_select_ms: %.3f\n", bare);
	printf("customer_cache_lookup_ratio: %.2f\n", cached / bare);
}

/* Offline lookups by phone in a full cache, and of pending
 * registrations, against a bare indexed SELECT in the same file. */
static int run_lookup(const char *dir)
{
	static double cached_ms[LOOKUP_SAMPLES];
	static double pending_ms[LOOKUP_SAMPLES];
	static double bare_ms[LOOKUP_SAMPLES];
	double *samples[LOOKUP_KINDS] = {
		[LOOKUP_CACHED] = cached_ms,
		[LOOKUP_PENDING] = pending_ms,
		[LOOKUP_BARE] = bare_ms,
	};
	int64_t now = (int64_t)time(NULL);
	struct journal *journal = NULL;
	sqlite3_stmt *stmt = NULL;
	sqlite3 *db = NULL;
	char path[PATH_MAX];
	double deadline;
	int count = 0;
	int rc = 1;

	snprintf(path, sizeof(path), "%s/lookup.db", dir);
	if (journal_open(path, &journal) != JOURNAL_OK ||
	    fill_lookup_journal(journal, now) != 0 ||
	    open_bare_lookup(path, &db, &stmt) != 0)
		goto out;

	now += CUSTOMER_CACHE_MAX;
	deadline = bench_now_ms() + LOOKUP_SECONDS_MAX * 1000.0;
	while (count < LOOKUP_SAMPLES && bench_now_ms() < deadline) {
		if (time_lookup_round(journal, db, stmt, count, now,
				      samples) != 0)
			goto out;
		count++;
	}
	if (count < LOOKUP_SAMPLES_MIN) {
		fprintf(stderr, "bench: timed out after %d s with %d lookups, "
				"fewer than %d\n", LOOKUP_SECONDS_MAX, count,
			LOOKUP_SAMPLES_MIN);
		goto out;
	}
	print_lookups(samples, count);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	journal_close(journal);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_security login DIR |"
				" lookup DIR\n");
		return 2;
	}
	/* Errors only: each wrong password of the login run logs a
	 * warning. */
	log_open("stderr", LOG_LEVEL_ERROR);
	if (strcmp(argv[1], "login") == 0)
		return run_login(argv[2]);
	if (strcmp(argv[1], "lookup") == 0)
		return run_lookup(argv[2]);
	fprintf(stderr, "bench: unknown subcommand %s\n", argv[1]);
	return 2;
}
