/* Transaction and wallet management at the counter: cash-in, cash-out,
 * bank transfer, send money and reversal built, checked against the fee
 * schedule and the policy, and journaled; and the online requests the
 * agent makes before them, on the request thread. */
#ifndef SPOTAGENT_MONEY_H
#define SPOTAGENT_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_money.h"
#include "app.h"

/* One money operation of any type, as the forms fill it. `type` is one of
 * the API_TYPE_ names of a money movement. */
struct money_operation {
	char type[JOURNAL_TYPE_SIZE];
	union {
		struct wallet_transfer wallet;    /* API_TYPE_WALLET_TRANSFER */
		struct bank_transfer bank;         /* API_TYPE_BANK_TRANSFER */
		struct cash_in cash_in;            /* API_TYPE_CASH_IN */
		struct cash_out cash_out;          /* API_TYPE_CASH_OUT */
		struct send_money send;            /* API_TYPE_SEND_MONEY */
		struct reversal reversal;          /* API_TYPE_REVERSAL */
	} u;
	/* Send money only: CLOCK_MONOTONIC second at which the quote
	 * expires (money_monotonic_seconds); 0 otherwise. */
	int64_t quote_deadline;
};

/* The lines of the confirmation screen. Labels and values are UTF-8 for
 * the agent, and amounts are already formatted with their currency. */
#define MONEY_SUMMARY_LINES 12
struct money_summary {
	char title[64];                        /* "Cash-in" ... */
	int count;
	struct {
		char label[32];
		char value[API_NAME_SIZE];
	} lines[MONEY_SUMMARY_LINES];
	char amount[48];                       /* principal, formatted */
	char fee[48];
	char total[48];                        /* what the customer pays */
	char total_label[48];                  /* "Customer pays in cash" ... */
};

/* Check the operation's fields (accounts, currencies, amount in
 * 1..CURRENCY_AMOUNT_MAX, the bank's account scheme, the receiver's phone)
 * and fill its fee from the cached fee schedule. A reversal is filled from
 * its original in the journal (currency, amount, refunded fee, original
 * type and reference) and must be allowed by money_reversal_check.
 * Returns 0, or -1 with a line for the agent in message (for example when
 * no fee schedule is cached yet); *op is changed only on success. */
int money_prepare(struct journal *journal, struct money_operation *op,
		  char *message, size_t message_size);

/* Check that an operation of `type` may be journaled in the link state
 * `online`, for a form to call before the agent fills it in and again
 * before the confirmation. Offline, it rejects send money, because its
 * quote needs the link, and every type that policy_check_link rejects.
 * money_submit checks it too. Returns 0, or -1 with a line for the agent
 * of at most 80 columns in message, such as "Cash-out needs the link: try
 * again when ONLINE shows". */
int money_check_link(struct journal *journal, const char *type, bool online,
		     char *message, size_t message_size);

/* Fill *out with the confirmation screen's lines for a prepared op.
 * Returns 0, or -1 for an unknown type. */
int money_summarise(const struct money_operation *op,
		    struct money_summary *out);

/* Build the journal row of a prepared op by agent_id at `now`: a new
 * UUID as id and idempotency key, the payload, the amount and currency,
 * and the dependency keys (the wallets named, and "op:<original id>" for
 * a reversal). The agent's float is not a key: a rejection for too
 * little float must not hold the agent's later cash operations, which
 * the central service decides one by one. Returns 0, or -1 with a line
 * for the agent in message. */
int money_build(const char *agent_id, const struct money_operation *op,
		int64_t now, struct operation *row, char *message,
		size_t message_size);

/* Journal a row that money_build made, in one transaction, after the
 * offline policy's check when not online. A reversal is checked again
 * with money_reversal_check and its row gets its original's dependency
 * keys, so that it keeps its order with the operations on the same
 * wallets. Returns 0, or -1 with a line for the agent in
 * message; on failure nothing is journaled. */
int money_journal(struct journal *journal, struct operation *row,
		  bool online, char *message, size_t message_size);

/* Build and journal a prepared op for the session's agent in one
 * transaction (after money_check_link and the offline policy's limits
 * when offline), then wake the sync worker. Send money is also refused
 * after its quote's deadline. Returns 0 with the id in id_out, or -1
 * with a line for the agent in message; on failure nothing is
 * journaled. */
int money_submit(struct app *app, const struct money_operation *op,
		 char id_out[JOURNAL_ID_SIZE], char *message,
		 size_t message_size);

/* Whether the journaled operation id may be reversed: accepted by the
 * central service, a money movement other than a reversal, and without a
 * reversal in the journal that is not rejected. Returns 0, or -1 with a
 * line for the agent in message. */
int money_reversal_check(struct journal *journal, const char *id,
			 char *message, size_t message_size);

/* The online requests made on the request thread. */
enum money_request_kind {
	MONEY_REQUEST_NAME_ENQUIRY = 0, /* bank_code, account */
	MONEY_REQUEST_CASH_OUT_CODE,    /* account, currency, amount */
	MONEY_REQUEST_QUOTE,            /* quote */
	MONEY_REQUEST_BALANCE,          /* account */
	MONEY_REQUEST_STATEMENT,        /* account */
	MONEY_REQUEST_FLOAT,            /* the session's agent */
};

struct money_request {
	enum money_request_kind kind;
	char bank_code[API_BANK_CODE_SIZE];
	char account[API_BANK_ACCOUNT_SIZE];
	char currency[4];
	int64_t amount;
	struct api_quote_request quote;
};

/* The reply of a finished request; `result` is 0 or a negative
 * api_error with `message` for the agent. Only the member of the
 * request's kind is filled. */
struct money_reply {
	enum money_request_kind kind;
	int result;
	char message[API_MESSAGE_SIZE];
	char holder_name[API_NAME_SIZE];        /* name enquiry */
	char sent_to[API_MASKED_PHONE_SIZE];    /* cash-out code */
	int64_t expires_in;                     /* cash-out code */
	struct api_quote quote;
	int64_t quote_deadline;                 /* monotonic, as above */
	struct api_balance balance;
	struct api_statement statement;
	struct api_float agent_float;
};

/* Start request on the request thread with the session's token. When it
 * finishes, EVENT_MONEY arrives with status 0 or a negative api_error and
 * the reply waits for money_request_take. Returns 0, or -1 with a line for
 * the agent in message (not logged in online, a request still running). */
int money_request_start(struct app *app, const struct money_request *request,
			char *message, size_t message_size);

/* Take the finished request's reply. Returns 0, or -1 when none waits. */
int money_request_take(struct money_reply *out);

/* The effect of an operation on the agent's float in its currency, in
 * minor units (negative when the float pays): a cash-in pays amount and
 * fee, a cash-out gets the amount, a cash-funded bank transfer or send
 * money pays amount and fee, and a reversal undoes its original's effect
 * (read from the journal). 0 for operations that do not touch the float.
 * Returns 0, or -1 for an unreadable payload or original. */
int money_float_effect(struct journal *journal, const struct operation *op,
		       int64_t *effect);

/* Monotonic seconds, the clock of quote deadlines. */
int64_t money_monotonic_seconds(void);

#endif
