/* Reference data the central service publishes and the terminal caches in
 * its journal for offline use: the fee schedule, the bank list and the
 * send-money corridors, with the fee computation. */
#ifndef SPOTAGENT_REFDATA_H
#define SPOTAGENT_REFDATA_H

#include <stddef.h>
#include <stdint.h>

#include "../offline/journal.h"
#include "../offline/transport.h"
#include "api_money.h"

/* Journal meta keys of the cached copies; each also has "<key>_fetched_at"
 * with the Unix time of the fetch. */
#define REFDATA_META_FEES "fees"
#define REFDATA_META_BANKS "banks"
#define REFDATA_META_CORRIDORS "corridors"

#define REFDATA_BANKS_MAX 120
#define REFDATA_CORRIDORS_MAX 40
#define REFDATA_METHODS_MAX 3

enum refdata_error {
	REFDATA_OK = 0,
	REFDATA_EIO = -1,        /* the journal failed; details are logged */
	REFDATA_EMISSING = -2,   /* never fetched: nothing cached yet */
	REFDATA_EPROTOCOL = -3,  /* the cached text is not of the documented
				    form */
	REFDATA_ENOTFOUND = -4,  /* no such bank or corridor */
	REFDATA_ERANGE = -5,     /* amount out of range for the fee */
};

/* How a bank's account numbers are checked (docs/api.md, GET /v1/banks). */
enum refdata_scheme {
	REFDATA_SCHEME_NUBAN = 0,
	REFDATA_SCHEME_IBAN = 1,
	REFDATA_SCHEME_DIGITS = 2,
};

struct refdata_bank {
	char code[API_BANK_CODE_SIZE];
	char name[API_BANK_NAME_SIZE];
	char country[API_COUNTRY_SIZE];
	char currency[4];
	enum refdata_scheme scheme;
	int min_length;                 /* SCHEME_DIGITS only */
	int max_length;
};

struct refdata_corridor {
	char country[API_COUNTRY_SIZE];
	char name[API_BANK_NAME_SIZE];
	char currency[4];
	int method_count;
	char methods[REFDATA_METHODS_MAX][API_METHOD_SIZE];
};

/* Fetch all three kinds with the client certificate and cache each one
 * that arrives in the documented form (a failed one keeps its old copy).
 * Called by the sync worker with the policy. Returns 0 when all three
 * were refreshed, else the first api_error. */
int refdata_refresh(struct journal *journal, struct transport *transport);

/* The fee of an operation of `type` for amount in currency, by the
 * cached schedule (docs/api.md, GET /v1/fees): 0 for a type or currency
 * the schedule leaves out. Returns 0 with *fee set, REFDATA_EMISSING
 * when no schedule is cached, REFDATA_EPROTOCOL for an unreadable one,
 * REFDATA_ERANGE for an amount outside 1..CURRENCY_AMOUNT_MAX, or
 * REFDATA_EIO. */
int refdata_fee(struct journal *journal, const char *type,
		const char *currency, int64_t amount, int64_t *fee);

/* The same computation on a schedule's JSON text, for tests and for
 * callers that hold the text. */
int refdata_fee_from(const char *schedule, const char *type,
		     const char *currency, int64_t amount, int64_t *fee);

/* Fill banks with up to max cached banks in the published order.
 * Returns the number filled (0 or more) or a negative refdata_error. */
int refdata_banks(struct journal *journal, struct refdata_bank *banks,
		  int max);

/* Find a cached bank by code. Returns 0, REFDATA_ENOTFOUND or another
 * refdata_error. */
int refdata_bank_find(struct journal *journal, const char *code,
		      struct refdata_bank *out);

/* Check an account number as typed for bank by its scheme (app/
 * bank_account.h) and write the normalised number to out (at least
 * API_BANK_ACCOUNT_SIZE). Returns 0, or -1 with a line for the agent in
 * message. */
int refdata_bank_account_check(const struct refdata_bank *bank,
			       const char *text, char *out, size_t out_size,
			       char *message, size_t message_size);

/* Fill corridors with up to max cached corridors. Returns the number
 * filled or a negative refdata_error. */
int refdata_corridors(struct journal *journal,
		      struct refdata_corridor *corridors, int max);

/* Return a static one-line message for the agent for a refdata_error. */
const char *refdata_strerror(int error);

#endif
