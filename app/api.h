/* The API client: the only module that knows the central service's paths
 * and JSON field names (contract in docs/api.md). It maps operations to
 * HTTP requests and replies to outcomes. */
#ifndef SPOTAGENT_API_H
#define SPOTAGENT_API_H

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

/* Send a journaled operation with its id as the Idempotency-Key. Always
 * fills *out; out->result is API_OK when accepted, API_EREJECTED when
 * finally rejected, and another api_error when it should be sent again. */
void api_submit(struct transport *transport, const struct operation *op,
		struct api_outcome *out);

/* Check that the central service answers (GET health). Returns 0 or an
 * api_error. */
int api_ping(struct transport *transport);

/* Return a static one-line message for an api_error. */
const char *api_strerror(int error);

#endif
