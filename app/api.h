/* The API client: the only module that knows the central service's paths
 * and JSON field names (contract in docs/api.md). It maps operations to
 * HTTP requests and replies to outcomes. */
#ifndef SPOTAGENT_API_H
#define SPOTAGENT_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../offline/journal.h"
#include "../offline/transport.h"

#define API_ACCOUNT_SIZE 33
#define API_NAME_SIZE 65
#define API_TOKEN_SIZE 257
#define API_MESSAGE_SIZE 257

enum api_error {
	API_OK = 0,
	API_EUNREACHABLE = -1, /* no connection; nothing was sent */
	API_ETIMEOUT = -2,     /* sent, outcome unknown */
	API_ETLS = -3,         /* TLS setup or certificate check failed */
	API_EAUTH = -4,        /* wrong agent id or password */
	API_ESESSION = -5,     /* session token missing or expired */
	API_ENOTFOUND = -6,    /* the account or resource does not exist */
	API_EREJECTED = -7,    /* final rejection, reason in the message */
	API_EBUSY = -8,        /* 409, 429 or 503: ask again later */
	API_ESERVER = -9,      /* 5xx other than 503 */
	API_EPROTOCOL = -10,   /* reply not in the documented format */
	API_EINVAL = -11,      /* bad argument or field too long */
	API_ECONFLICT = -12,   /* the key is known with another request */
	API_EREFUSED = -13,    /* refused for a reason a person must check,
				  such as a wrong URL or a proxy */
	API_EDEPENDENCY = -14, /* not applied: an earlier operation of the
				  batch on the same wallet was not accepted */
};

/* Most operations in one batch request; the central service accepts
 * 1000 (docs/api.md). */
#define API_BATCH_MAX 1000

/* Most currencies one policy rule may limit. */
#define API_POLICY_CURRENCIES 16

/* The offline policy's rule for one operation type. Amounts are minor
 * units; a currency missing from `limits` may not be used offline. */
struct api_policy_rule {
	bool offline_allowed;
	int64_t max_queued;          /* undecided operations of this type */
	int64_t max_age_seconds;     /* older queued ones need the agent */
	int limit_count;
	struct {
		char currency[4];
		int64_t max_amount;      /* per operation */
		int64_t max_exposure;    /* total of undecided operations */
	} limits[API_POLICY_CURRENCIES];
};

struct wallet_transfer {
	char sender[API_ACCOUNT_SIZE];   /* sender wallet account number */
	char receiver[API_ACCOUNT_SIZE]; /* receiver wallet account number */
	char currency[4];                /* receiving wallet currency */
	int64_t amount;                  /* minor units */
};

struct api_login {
	char token[API_TOKEN_SIZE];
	int64_t expires_at;              /* Unix seconds */
	char agent_name[API_NAME_SIZE];
};

struct api_wallet {
	char account[API_ACCOUNT_SIZE];
	char holder_name[API_NAME_SIZE];
	char currency[4];
};

/* What the central service made of one operation. */
struct api_outcome {
	int result;                      /* API_OK means accepted */
	char reference[JOURNAL_REFERENCE_SIZE];
	char message[JOURNAL_ERROR_SIZE]; /* reason or failure text */
	long retry_after;                /* seconds, or -1 */
	char depends_on[JOURNAL_ID_SIZE]; /* API_EDEPENDENCY: which one */
};

/* Operation type names stored in the journal. */
#define API_TYPE_WALLET_TRANSFER "wallet_transfer"

/* Encode a transfer's fields as the JSON payload kept in the journal.
 * Returns 0, or API_EINVAL when it does not fit in size. */
int api_wallet_transfer_encode(const struct wallet_transfer *transfer,
			       char *payload, size_t size);

/* Decode a journal payload. Returns 0, or API_EPROTOCOL. */
int api_wallet_transfer_decode(const char *payload,
			       struct wallet_transfer *out);

/* Log an agent in. On failure, message gets a line for the agent. */
int api_login(struct transport *transport, const char *agent_id,
	      const char *password, struct api_login *out, char *message,
	      size_t message_size);

/* Look up a wallet by account number (needs a session token). */
int api_wallet_lookup(struct transport *transport, const char *token,
		      const char *account, struct api_wallet *out,
		      char *message, size_t message_size);

/* Change the session's agent's password (needs a session token).
 * Returns API_OK, API_EAUTH when old_password is wrong (the session stays
 * valid), API_EREJECTED when new_password breaks the password rules (the
 * central service's message, naming every broken rule, is in message),
 * API_ESESSION when the token expired, or another api_error. On failure
 * message gets a line for the agent. Neither password is kept. */
int api_change_password(struct transport *transport, const char *token,
			const char *old_password, const char *new_password,
			char *message, size_t message_size);

/* Send a journaled operation with its id as the Idempotency-Key. Always
 * fills *out; out->result is API_OK when accepted, API_EREJECTED when
 * finally rejected, and another api_error when it should be sent again. */
void api_submit(struct transport *transport, const struct operation *op,
		struct api_outcome *out);

/* Send n (1..API_BATCH_MAX) journaled operations as one batch request.
 * Always fills outcomes[0..n): per item as api_submit would, or, when the
 * request as a whole fails, the same failure for every item. */
void api_submit_batch(struct transport *transport,
		      const struct operation *ops, int n,
		      struct api_outcome *outcomes);

/* Fetch the offline policy. On success the policy's JSON text, checked
 * to parse, is copied into json (NUL-terminated). Returns 0 or an
 * api_error (API_EINVAL when it does not fit in size). */
int api_policy_fetch(struct transport *transport, char *json, size_t size);

/* Read the rule for operation `type` from a policy's JSON text. Returns
 * 0, API_ENOTFOUND when the policy has no rule for the type, or
 * API_EPROTOCOL when the text is not a valid policy. */
int api_policy_rule(const char *json, const char *type,
		    struct api_policy_rule *out);

/* Fill keys with the dependency keys of an operation of `type` from its
 * payload (for a wallet transfer: "wallet:" and each account). Returns 0
 * or API_EPROTOCOL. */
int api_dependency_keys(const char *type, const char *payload,
			char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE]);

/* Check that the central service answers (GET health). Returns 0 or an
 * api_error. */
int api_ping(struct transport *transport);

/* Return a static one-line message for an api_error. */
const char *api_strerror(int error);

#endif
