/* Wallet management: wallet lookup and wallet-to-wallet transfer. */
#ifndef SPOTAGENT_WALLET_H
#define SPOTAGENT_WALLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* Fields of the transfer form, numbered for wallet_transfer_validate. */
enum wallet_field {
	WALLET_FIELD_NONE = -1,
	WALLET_FIELD_SENDER = 0,
	WALLET_FIELD_RECEIVER = 1,
	WALLET_FIELD_CURRENCY = 2,
	WALLET_FIELD_AMOUNT = 3,
};

/* Check one wallet account number as typed (digits only, 6 to 20 long).
 * Returns 0, or -1 with a line for the agent in message. */
int wallet_account_check(const char *text, char *message,
			 size_t message_size);

/* Validate the transfer form's text fields into *out. Returns 0, or -1
 * with the first bad field in *field and a line for the agent in message.
 * Nothing is changed on failure. */
int wallet_transfer_validate(const char *sender, const char *receiver,
			     const char *currency, const char *amount,
			     struct wallet_transfer *out,
			     enum wallet_field *field, char *message,
			     size_t message_size);

/* As wallet_transfer_validate, for a receiver named by customer id: a
 * customer whose registration is still pending, so that the transfer
 * waits for it. customer_id must be a lower-case UUID; out->receiver is
 * left empty. On failure *field is WALLET_FIELD_RECEIVER for a bad id. */
int wallet_transfer_validate_to_customer(const char *sender,
					 const char *customer_id,
					 const char *currency,
					 const char *amount,
					 struct wallet_transfer *out,
					 enum wallet_field *field,
					 char *message, size_t message_size);

/* Start a lookup of the receiver's wallet on a request thread; EVENT_LOOKUP
 * arrives with status 0 and the holder name in text, or a negative
 * api_error and a message in text. Returns 0 or -1 (message set). */
int wallet_lookup_start(struct app *app, const char *account, char *message,
			size_t message_size);

/* Build the journal row of a transfer by agent_id at `now`: a new UUID
 * as id and idempotency key, the payload and the dependency keys.
 * Returns 0, or -1 with a line for the agent in message. */
int wallet_transfer_build(const char *agent_id,
			  const struct wallet_transfer *transfer,
			  int64_t now, struct operation *op, char *message,
			  size_t message_size);

/* Check op against the offline policy (when not online) and journal it in
 * one transaction. Returns 0, or -1 with a line for the agent in message;
 * on failure nothing is journaled. */
int wallet_transfer_journal(struct journal *journal,
			    const struct operation *op, bool online,
			    char *message, size_t message_size);

/* Journal the transfer in one transaction (a new UUID as id and
 * idempotency key), then wake the sync worker. Returns 0 with the id in
 * id_out, or -1 with a line for the agent in message; on failure nothing
 * is journaled. */
int wallet_transfer_submit(struct app *app,
			   const struct wallet_transfer *transfer,
			   char id_out[JOURNAL_ID_SIZE], char *message,
			   size_t message_size);

#endif
