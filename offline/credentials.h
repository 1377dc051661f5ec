/* Offline login: a per-agent password verifier kept in the journal, with
 * a lockout after failed attempts that survives restarts. */
#ifndef SPOTAGENT_CREDENTIALS_H
#define SPOTAGENT_CREDENTIALS_H

#include <stdint.h>

#include "journal.h"

/* PBKDF2-HMAC-SHA256 iterations for a new verifier, chosen so that one
 * check takes about 100 ms. It was measured on 2026-12-04 with
 * credentials_time_check and mbedTLS 2.28.3 from Debian 12 on a 2-core
 * AMD EPYC virtual machine. In 25 runs, 110000 iterations took 96 to
 * 102 ms (0.88 us per iteration) on the idle machine, and up to 130 ms
 * while other builds ran. Each verifier stores its own count, so a new
 * value applies from the next online login and old verifiers still
 * check. */
#define CREDENTIALS_ITERATIONS 110000

/* Largest stored iteration count that credentials_check accepts, so that
 * a damaged row cannot make one check run for minutes. */
#define CREDENTIALS_ITERATIONS_MAX 10000000

#define CREDENTIALS_SALT_SIZE 16 /* bytes of random salt per verifier */
#define CREDENTIALS_HASH_SIZE 32 /* bytes of derived key stored */

/* Maximum password length in bytes, without the NUL. */
#define CREDENTIALS_PASSWORD_MAX 256

/* Lockout: the first CREDENTIALS_FREE_FAILURES wrong passwords in a row
 * cost nothing. Failure number CREDENTIALS_FREE_FAILURES + n (n >= 1)
 * locks the agent out for CREDENTIALS_DELAY_FIRST * 2^(n - 1) seconds,
 * capped at CREDENTIALS_DELAY_MAX: 30 s, 60 s, 120 s, ... 1920 s, then
 * 3600 s for the 10th failure and every later one. */
#define CREDENTIALS_FREE_FAILURES 2
#define CREDENTIALS_DELAY_FIRST 30  /* seconds */
#define CREDENTIALS_DELAY_MAX 3600  /* seconds */

enum credentials_error {
	CREDENTIALS_OK = 0,
	CREDENTIALS_ENOTFOUND = -1, /* no verifier, so no online login here */
	CREDENTIALS_EEXPIRED = -2,  /* last online login is too old */
	CREDENTIALS_ELOCKED = -3,   /* locked out for retry_after seconds */
	CREDENTIALS_EWRONG = -4,    /* wrong password, failure counted */
	CREDENTIALS_EINVAL = -5,    /* missing, empty or too long argument */
	CREDENTIALS_EIO = -6,       /* journal failed, details in the log */
	CREDENTIALS_ECRYPTO = -7,   /* mbedTLS or getrandom failed, logged */
};

/* Store a new verifier for agent_id after a successful online login at
 * `now` (Unix seconds). The verifier is PBKDF2-HMAC-SHA256 of password
 * with a fresh 16-byte salt from getrandom(2) and CREDENTIALS_ITERATIONS,
 * and now is kept as the time of the last online login. It replaces any
 * earlier verifier of the agent and clears its failure count and lockout,
 * in one transaction. agent_id must be non-empty and fit
 * JOURNAL_AGENT_SIZE. password must be non-empty and at most
 * CREDENTIALS_PASSWORD_MAX bytes. The password is read, never copied, and
 * the derived key is wiped before returning. Returns CREDENTIALS_OK,
 * CREDENTIALS_EINVAL, CREDENTIALS_ECRYPTO or CREDENTIALS_EIO. On failure
 * the journal is unchanged. */
int credentials_store(struct journal *journal, const char *agent_id,
		      const char *password, int64_t now);

/* Check password against the stored verifier of agent_id for an offline
 * login at `now`. In this order, it returns:
 * - CREDENTIALS_EINVAL for a bad argument (max_age_seconds < 0 included),
 * - CREDENTIALS_ENOTFOUND when the agent has no verifier,
 * - CREDENTIALS_EEXPIRED when the last online login is more than
 *   max_age_seconds before now, or after now (the clock went back),
 * - CREDENTIALS_ELOCKED when now is before the lockout's end, with
 *   *retry_after set to the seconds left; nothing is derived or counted,
 * - CREDENTIALS_OK for the right password, which clears the failure count,
 * - CREDENTIALS_EWRONG for a wrong one, which adds one failure, sets the
 *   lockout's end to now plus credentials_delay(failures), and sets
 *   *retry_after to that delay (0 for the first two failures in a row).
 * *retry_after is 0 for any other result. Expired and locked checks change
 * nothing. A check runs in one write transaction, so a concurrent check of
 * the same journal waits (one PBKDF2, about 100 ms) instead of racing past
 * the failure count. The derived key is wiped before returning.
 * NOTE: the delays and the window use the caller's clock, so an agent
 * who can set the terminal's clock forward can shorten a lockout. */
int credentials_check(struct journal *journal, const char *agent_id,
		      const char *password, int64_t now,
		      int64_t max_age_seconds, int64_t *retry_after);

/* Delete the verifier of agent_id, failure count included. Returns
 * CREDENTIALS_OK (also when there was none), CREDENTIALS_EINVAL or
 * CREDENTIALS_EIO. */
int credentials_forget(struct journal *journal, const char *agent_id);

/* Lockout in seconds after `failures` wrong passwords in a row, following
 * the schedule above. 0 for failures <= CREDENTIALS_FREE_FAILURES. */
int64_t credentials_delay(int64_t failures);

/* Run one PBKDF2-HMAC-SHA256 derivation with `iterations` on a fixed
 * password and salt, as credentials_check does, and set *elapsed_ns to the
 * monotonic time it took. For calibrating CREDENTIALS_ITERATIONS. Returns
 * CREDENTIALS_OK, CREDENTIALS_EINVAL for iterations outside
 * 1..CREDENTIALS_ITERATIONS_MAX, or CREDENTIALS_ECRYPTO. */
int credentials_time_check(unsigned int iterations, int64_t *elapsed_ns);

/* Return a static one-line message for a credentials_error. */
const char *credentials_strerror(int error);

#endif
