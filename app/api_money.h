/* The API client's money operations (docs/api.md): payload codecs of bank
 * transfers, cash-in, cash-out, send money and reversals, and the online
 * requests that come before them (name enquiry, cash-out code, quote,
 * balance, statement, float, reference data). */
#ifndef SPOTAGENT_API_MONEY_H
#define SPOTAGENT_API_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"

/* Operation type names stored in the journal, as in a batch item. */
#define API_TYPE_BANK_TRANSFER "bank_transfer"
#define API_TYPE_CASH_IN "cash_in"
#define API_TYPE_CASH_OUT "cash_out"
#define API_TYPE_SEND_MONEY "send_money"
#define API_TYPE_REVERSAL "reversal"

/* Buffer sizes, NUL included. */
#define API_BANK_CODE_SIZE 16
#define API_BANK_NAME_SIZE (4 * 64 + 1)     /* 64 characters */
#define API_BANK_ACCOUNT_SIZE 35            /* an IBAN has at most 34 */
#define API_CODE_SIZE 7                     /* cash-out code: 6 digits */
#define API_COUNTRY_SIZE 3                  /* ISO 3166 alpha-2 */
#define API_METHOD_SIZE 16                  /* "bank_deposit" ... */
#define API_RATE_SIZE 24                    /* "123.456000" */
#define API_REASON_SIZE (4 * 100 + 1)       /* 100 characters */
#define API_DESCRIPTION_SIZE (4 * 64 + 1)   /* 64 characters */
#define API_MASKED_PHONE_SIZE 20
#define API_STATEMENT_MAX 10
#define API_FLOAT_CURRENCIES 8

/* The payer of a bank transfer or send money: the customer in cash at the
 * counter, which the agent's float pays on, or a customer's wallet. */
enum api_funding {
	API_FUNDING_CASH = 0,
	API_FUNDING_WALLET = 1,
};

/* Fields marked "receipt only" are kept in the journal's payload for the
 * receipt and never sent. Amounts and fees are minor units of currency. */
struct bank_transfer {
	enum api_funding funding;
	char sender[API_ACCOUNT_SIZE];          /* wallet funding only */
	char bank_code[API_BANK_CODE_SIZE];
	char bank_name[API_BANK_NAME_SIZE];     /* receipt only */
	char account_number[API_BANK_ACCOUNT_SIZE];
	char account_name[API_NAME_SIZE];       /* from the name enquiry */
	char currency[4];
	int64_t amount;
	int64_t fee;
};

struct cash_in {
	char receiver[API_ACCOUNT_SIZE];        /* or empty when named by id */
	char receiver_customer_id[JOURNAL_ID_SIZE]; /* pending customer */
	char receiver_name[API_NAME_SIZE];      /* receipt only */
	char currency[4];
	int64_t amount;
	int64_t fee;
};

/* The code is a one-time authorisation the customer received. It goes to
 * the journal's secret part (api_cash_out_secret), never to the payload,
 * and is never logged, shown after entry or printed. */
struct cash_out {
	char sender[API_ACCOUNT_SIZE];
	char holder_name[API_NAME_SIZE];        /* receipt only */
	char currency[4];
	int64_t amount;
	int64_t fee;
	char code[API_CODE_SIZE];
};

struct send_money {
	char quote_id[JOURNAL_ID_SIZE];
	enum api_funding funding;
	char sender[API_ACCOUNT_SIZE];          /* wallet funding only */
	char receiver_name[API_NAME_SIZE];
	char receiver_phone[API_PHONE_SIZE];    /* E.164 */
	char receiver_account[API_BANK_ACCOUNT_SIZE]; /* empty for pickup */
	char country[API_COUNTRY_SIZE];         /* receipt only */
	char method[API_METHOD_SIZE];           /* receipt only */
	char rate[API_RATE_SIZE];               /* receipt only */
	char currency[4];                       /* send currency */
	int64_t amount;                         /* send amount */
	int64_t fee;
	char receive_currency[4];
	int64_t receive_amount;
};

/* A reversal repeats the original's currency and amount (docs/api.md). */
struct reversal {
	char original_id[JOURNAL_ID_SIZE];
	char original_type[JOURNAL_TYPE_SIZE];  /* receipt only */
	char original_reference[JOURNAL_REFERENCE_SIZE]; /* receipt only */
	char reason[API_REASON_SIZE];
	char currency[4];
	int64_t amount;
	int64_t refunded_fee;                   /* receipt only */
};

/* Payload codecs. Each encode writes the JSON object kept in the
 * journal's payload (the body's fields without operation_id, agent_id
 * and created_at, which api_submit adds, plus the receipt-only fields)
 * and returns 0, or API_EINVAL when a required field is empty or it
 * does not fit in size. Each decode fills *out from such a payload and
 * returns 0, or API_EPROTOCOL with *out unchanged. */
int api_bank_transfer_encode(const struct bank_transfer *in, char *payload,
			     size_t size);
int api_bank_transfer_decode(const char *payload, struct bank_transfer *out);
int api_cash_in_encode(const struct cash_in *in, char *payload, size_t size);
int api_cash_in_decode(const char *payload, struct cash_in *out);
int api_cash_out_encode(const struct cash_out *in, char *payload,
			size_t size);
int api_cash_out_decode(const char *payload, struct cash_out *out);
/* Write the secret part of a cash-out for struct operation's secret: the
 * JSON object {"code":...}, which api_submit and api_submit_batch merge
 * into the body. Returns 0, or API_EINVAL when the code is empty or the
 * object does not fit in size. The payload codecs above leave the code
 * out: encode never writes it, and decode leaves it empty unless the
 * payload has one. Other types have no secret fields. */
int api_cash_out_secret(const struct cash_out *in, char *secret,
			size_t size);
int api_send_money_encode(const struct send_money *in, char *payload,
			  size_t size);
int api_send_money_decode(const char *payload, struct send_money *out);
int api_reversal_encode(const struct reversal *in, char *payload,
			size_t size);
int api_reversal_decode(const char *payload, struct reversal *out);

/* Return true for the operation types that move money (wallet transfer,
 * bank transfer, cash-in, cash-out, send money, reversal). */
bool api_type_moves_money(const char *type);

/* Read the fee an operation's payload carries into *fee (0 when the
 * payload has none, as an old wallet transfer). Returns 0, or
 * API_EPROTOCOL for unreadable JSON or a negative fee. */
int api_payload_fee(const char *payload, int64_t *fee);

/* --- Online requests; each needs a session token. On failure message
 * gets a line for the agent, and the api_error is returned:
 * API_ESESSION when the token expired, API_ENOTFOUND when the account,
 * bank or wallet does not exist, API_EREJECTED with the central
 * service's reason, or a transport failure. --- */

/* Name enquiry: the holder name of account at bank_code. */
int api_name_enquiry(struct transport *transport, const char *token,
		     const char *bank_code, const char *account,
		     char holder_name[API_NAME_SIZE], char *message,
		     size_t message_size);

/* Ask the central service to send a cash-out code to the holder of
 * wallet for amount. sent_to gets the masked phone and *expires_in the
 * code's lifetime in seconds. */
int api_cash_out_code(struct transport *transport, const char *token,
		      const char *wallet, const char *currency,
		      int64_t amount, char sent_to[API_MASKED_PHONE_SIZE],
		      int64_t *expires_in, char *message, size_t message_size);

/* A send-money quote request: exactly one of send_amount and
 * receive_amount is above 0. */
struct api_quote_request {
	char country[API_COUNTRY_SIZE];
	char method[API_METHOD_SIZE];
	char send_currency[4];
	char receive_currency[4];
	int64_t send_amount;
	int64_t receive_amount;
};

struct api_quote {
	char quote_id[JOURNAL_ID_SIZE];
	char country[API_COUNTRY_SIZE];
	char method[API_METHOD_SIZE];
	char send_currency[4];
	char receive_currency[4];
	int64_t send_amount;
	int64_t receive_amount;
	int64_t fee;
	int64_t total;                          /* send_amount + fee */
	char rate[API_RATE_SIZE];
	int64_t expires_in;                     /* seconds from the reply */
};

/* Get a quote. API_EREJECTED for an unsupported corridor or amount. */
int api_quote(struct transport *transport, const char *token,
	      const struct api_quote_request *request, struct api_quote *out,
	      char *message, size_t message_size);

struct api_balance {
	char account[API_ACCOUNT_SIZE];
	char holder_name[API_NAME_SIZE];
	char currency[4];
	int64_t balance;
};

struct api_movement {
	char reference[JOURNAL_REFERENCE_SIZE];
	char type[JOURNAL_TYPE_SIZE];
	int64_t amount;                         /* signed: a debit is < 0 */
	int64_t at;                             /* Unix seconds */
	char description[API_DESCRIPTION_SIZE];
};

struct api_statement {
	char account[API_ACCOUNT_SIZE];
	char currency[4];
	int64_t balance;
	int count;                              /* 0..API_STATEMENT_MAX */
	struct api_movement movements[API_STATEMENT_MAX]; /* newest first */
};

int api_wallet_balance(struct transport *transport, const char *token,
		       const char *account, struct api_balance *out,
		       char *message, size_t message_size);
int api_wallet_statement(struct transport *transport, const char *token,
			 const char *account, struct api_statement *out,
			 char *message, size_t message_size);

struct api_float {
	int count;
	struct {
		char currency[4];
		int64_t balance;
	} floats[API_FLOAT_CURRENCIES];
};

/* The float of agent_id, which must be the session's agent. */
int api_agent_float(struct transport *transport, const char *token,
		    const char *agent_id, struct api_float *out,
		    char *message, size_t message_size);

/* Reference data the terminal caches for offline use, fetched with the
 * client certificate alone. */
enum api_reference {
	API_REFERENCE_FEES = 0,
	API_REFERENCE_BANKS = 1,
	API_REFERENCE_CORRIDORS = 2,
};

/* Fetch one kind of reference data. On success its JSON text, checked to
 * have the documented form, is copied into json (NUL-terminated). Returns
 * 0, API_EPROTOCOL for a reply of another form, API_EINVAL when it does
 * not fit in size, or another api_error. */
int api_reference_fetch(struct transport *transport,
			enum api_reference which, char *json, size_t size);

#endif
