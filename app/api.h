/* The API client: the only module that contains the central service's paths
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
/* A person's full name: first and last name of up to 64 characters each
 * and a space, at most 4 bytes of UTF-8 each. */
#define API_NAME_SIZE (4 * (64 + 1 + 64) + 1)
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
	API_ECONFLICT_VERSION = -15, /* 412: the profile changed since the
					update's base version */
};

/* Maximum operations in one batch request; the central service accepts
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
	char receiver[API_ACCOUNT_SIZE]; /* receiver wallet account number,
					    or empty when named by id */
	char receiver_customer_id[JOURNAL_ID_SIZE]; /* a receiver whose
					    registration is still pending,
					    by customer id; else empty */
	char currency[4];                /* receiving wallet currency */
	int64_t amount;                  /* minor units */
	int64_t fee;                     /* minor units of currency, shown
					    to the customer; 0 when free */
	/* The name of a receiver named by customer id, for the receipt:
	 * kept in the journal's payload but never sent. May be empty. */
	char receiver_name[API_NAME_SIZE];
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

/* The central service's decision on one operation. */
struct api_outcome {
	int result;                      /* API_OK means accepted */
	char reference[JOURNAL_REFERENCE_SIZE];
	char message[JOURNAL_ERROR_SIZE]; /* reason or failure text */
	long retry_after;                /* seconds, or -1 */
	char depends_on[JOURNAL_ID_SIZE]; /* API_EDEPENDENCY: which one */
	/* Accepted customer registration: the new wallet's account. */
	char wallet_account[API_ACCOUNT_SIZE];
};

/* Operation type names stored in the journal. */
#define API_TYPE_WALLET_TRANSFER "wallet_transfer"
#define API_TYPE_CUSTOMER_REGISTRATION "customer_registration"
#define API_TYPE_CUSTOMER_UPDATE "customer_update"

/* Customer field buffer sizes, NUL included. Names and addresses are
 * counted in characters by the central service, so the buffers have room
 * for 4 UTF-8 bytes a character (64 and 200 characters). */
#define API_PERSON_NAME_SIZE 257
#define API_PHONE_SIZE 17          /* '+' and at most 15 digits */
#define API_DATE_SIZE 11           /* YYYY-MM-DD */
#define API_ID_TYPE_SIZE 16
#define API_ID_NUMBER_SIZE 33      /* at most 32 characters */
#define API_ADDRESS_SIZE 801
#define API_EMAIL_SIZE 255         /* at most 254 characters */
#define API_CUSTOMER_WALLETS_MAX 4 /* wallets kept per looked-up customer */

/* A customer's registration; email is empty when the customer has none. */
struct customer_registration {
	char customer_id[JOURNAL_ID_SIZE]; /* chosen by the terminal */
	char first_name[API_PERSON_NAME_SIZE];
	char last_name[API_PERSON_NAME_SIZE];
	char phone[API_PHONE_SIZE];        /* E.164 */
	char date_of_birth[API_DATE_SIZE];
	char id_type[API_ID_TYPE_SIZE];    /* "national_id", "passport",
					      "drivers_license", "voter_id" */
	char id_number[API_ID_NUMBER_SIZE];
	char address[API_ADDRESS_SIZE];
	char email[API_EMAIL_SIZE];
	char currency[4];                  /* the new wallet's currency */
};

/* Profile fields a customer update may change, as bits of
 * customer_update.changes. */
enum api_customer_change {
	API_CHANGE_FIRST_NAME = 1 << 0,
	API_CHANGE_LAST_NAME = 1 << 1,
	API_CHANGE_PHONE = 1 << 2,
	API_CHANGE_ADDRESS = 1 << 3,
	API_CHANGE_EMAIL = 1 << 4, /* an empty email removes it */
};

/* A profile update: the fields whose bit is set in `changes`, applied to
 * profile version base_version. */
struct customer_update {
	char customer_id[JOURNAL_ID_SIZE];
	int64_t base_version;              /* 1 or more */
	unsigned changes;                  /* enum api_customer_change bits */
	char first_name[API_PERSON_NAME_SIZE];
	char last_name[API_PERSON_NAME_SIZE];
	char phone[API_PHONE_SIZE];
	char address[API_ADDRESS_SIZE];
	char email[API_EMAIL_SIZE];
};

/* A customer as GET /v1/customers returns it. profile.currency is the
 * first wallet's currency. */
struct api_customer {
	struct customer_registration profile;
	int64_t version;
	int wallet_count;
	struct {
		char account[API_ACCOUNT_SIZE];
		char currency[4];
	} wallets[API_CUSTOMER_WALLETS_MAX];
};

/* How api_customer_lookup finds a customer. */
enum api_customer_key {
	API_CUSTOMER_BY_PHONE = 0,  /* value is E.164 */
	API_CUSTOMER_BY_WALLET = 1, /* value is a wallet account number */
};

/* Encode a transfer's fields as the JSON payload kept in the journal:
 * receiver_customer_id in place of receiver_account when it is set,
 * receiver_name (cut on a character boundary) only with it, and always the
 * fee. Returns 0, or API_EINVAL when neither receiver is set, the fee is
 * negative or it does not fit in size. */
int api_wallet_transfer_encode(const struct wallet_transfer *transfer,
			       char *payload, size_t size);

/* Decode a journal payload, which names the receiver by exactly one of
 * account and customer id. A payload without a fee (written before fees
 * existed) gives fee 0. Returns 0, or API_EPROTOCOL. */
int api_wallet_transfer_decode(const char *payload,
			       struct wallet_transfer *out);

/* Encode a registration as the JSON payload kept in the journal (email
 * null when empty). Returns 0, or API_EINVAL when it does not fit. */
int api_customer_registration_encode(const struct customer_registration *reg,
				     char *payload, size_t size);

/* Decode a registration payload. Returns 0, or API_EPROTOCOL. */
int api_customer_registration_decode(const char *payload,
				     struct customer_registration *out);

/* Encode an update (customer_id, base_version and the changed fields) as
 * the JSON payload kept in the journal. Returns 0, or API_EINVAL when no
 * field changes, base_version is below 1 or it does not fit. */
int api_customer_update_encode(const struct customer_update *update,
			       char *payload, size_t size);

/* Decode an update payload. Returns 0, or API_EPROTOCOL. */
int api_customer_update_decode(const char *payload,
			       struct customer_update *out);

/* Encode a looked-up customer as compact JSON in the form of the lookup
 * reply, for the offline cache. Returns 0, or API_EINVAL. */
int api_customer_encode(const struct api_customer *customer, char *json,
			size_t size);

/* Decode a lookup reply, or api_customer_encode's text. Returns 0, or
 * API_EPROTOCOL. */
int api_customer_decode(const char *json, struct api_customer *out);

/* Look a customer up by phone (E.164) or wallet account (needs a session
 * token). Returns API_OK, API_EINVAL for a malformed value, API_ENOTFOUND
 * when no customer matches, API_ESESSION, or another api_error; on
 * failure message gets a line for the agent. */
int api_customer_lookup(struct transport *transport, const char *token,
			enum api_customer_key by, const char *value,
			struct api_customer *out, char *message,
			size_t message_size);

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

/* Maximum length in bytes of the reason of a version conflict. The sync
 * worker keeps 200 bytes of it behind its own prefix in one
 * JOURNAL_ERROR_SIZE reason (offline/sync.c), so this keeps it whole. */
#define API_CONFLICT_REASON_MAX 200

/* Send a journaled operation with its id as the Idempotency-Key. Always
 * fills *out; out->result is API_OK when accepted, API_EREJECTED when
 * finally rejected, API_ECONFLICT_VERSION when a profile update met a
 * newer profile (out->message compares both versions in the format that
 * customer_conflict_parse reads, at most API_CONFLICT_REASON_MAX bytes),
 * and another api_error when it should be sent again. */
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
 * payload. A wallet transfer gets "wallet:" and each account, or
 * "customer:<id>" for a receiver named by customer id, so that it waits
 * for that registration. A registration gets "customer:<id>" and
 * "phone:<e164>", and an update "customer:<id>". The money operations of
 * app/api_money.h get "wallet:<account>" for each customer wallet they
 * name (a send-money receiver is abroad, so not one), a cash-in named by
 * customer id "customer:<id>", and a reversal "op:<original id>". The
 * agent's float is no key (app/money.h, money_build). Unused keys are
 * empty. Returns 0 or API_EPROTOCOL. */
int api_dependency_keys(const char *type, const char *payload,
			char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE]);

/* Check that the central service replies (GET health). Returns 0 or an
 * api_error. */
int api_ping(struct transport *transport);

/* Return a static one-line message for an api_error. */
const char *api_strerror(int error);

#endif
