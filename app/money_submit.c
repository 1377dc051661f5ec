/* Journal rows of money operations: the payload and dependency keys of
 * each type, and journaling through the offline policy. */
#define LOG_MODULE "money"
#include "money.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "policy.h"
#include "uuid.h"
#include "wallet.h"

/* Add key to the first free slot of keys unless it is there already.
 * Returns 0, or -1 when no slot is free or it does not fit. */
static int add_key(char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE],
		   const char *key)
{
	if (key[0] == '\0' || strlen(key) >= JOURNAL_KEY_SIZE)
		return -1;
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (strcmp(keys[i], key) == 0)
			return 0;
		if (keys[i][0] == '\0') {
			snprintf(keys[i], JOURNAL_KEY_SIZE, "%s", key);
			return 0;
		}
	}
	return -1;
}

/* Encode op's payload and secret part into row and set its currency and
 * amount. Only a cash-out has a secret part: the customer's code. */
static int encode_payload(const struct money_operation *op,
			  struct operation *row)
{
	const char *type = op->type;
	char *payload = row->payload;
	size_t size = sizeof(row->payload);
	const char *currency;
	int64_t amount;
	int rc;

	if (strcmp(type, API_TYPE_BANK_TRANSFER) == 0) {
		rc = api_bank_transfer_encode(&op->u.bank, payload, size);
		currency = op->u.bank.currency;
		amount = op->u.bank.amount;
	} else if (strcmp(type, API_TYPE_CASH_IN) == 0) {
		rc = api_cash_in_encode(&op->u.cash_in, payload, size);
		currency = op->u.cash_in.currency;
		amount = op->u.cash_in.amount;
	} else if (strcmp(type, API_TYPE_CASH_OUT) == 0) {
		rc = api_cash_out_encode(&op->u.cash_out, payload, size);
		if (rc == API_OK)
			rc = api_cash_out_secret(&op->u.cash_out, row->secret,
						 sizeof(row->secret));
		currency = op->u.cash_out.currency;
		amount = op->u.cash_out.amount;
	} else if (strcmp(type, API_TYPE_SEND_MONEY) == 0) {
		rc = api_send_money_encode(&op->u.send, payload, size);
		currency = op->u.send.currency;
		amount = op->u.send.amount;
	} else if (strcmp(type, API_TYPE_REVERSAL) == 0) {
		rc = api_reversal_encode(&op->u.reversal, payload, size);
		currency = op->u.reversal.currency;
		amount = op->u.reversal.amount;
	} else {
		return -1;
	}
	if (rc != API_OK)
		return -1;
	snprintf(row->currency, sizeof(row->currency), "%s", currency);
	row->amount = amount;
	return 0;
}

int money_build(const char *agent_id, const struct money_operation *op,
		int64_t now, struct operation *row, char *message,
		size_t message_size)
{
	if (strcmp(op->type, API_TYPE_WALLET_TRANSFER) == 0)
		return wallet_transfer_build(agent_id, &op->u.wallet, now, row,
					     message, message_size);
	memset(row, 0, sizeof(*row));
	if (uuid_generate(row->id) != 0) {
		snprintf(message, message_size,
			 "Not saved: no random source for the operation id");
		return -1;
	}
	if (encode_payload(op, row) != 0 ||
	    api_dependency_keys(op->type, row->payload, row->keys) !=
		    API_OK) {
		snprintf(message, message_size,
			 "Not saved: a field is missing or too long");
		return -1;
	}
	snprintf(row->type, sizeof(row->type), "%s", op->type);
	snprintf(row->agent_id, sizeof(row->agent_id), "%s", agent_id);
	row->state = OP_QUEUED;
	row->created_at = now;
	row->updated_at = now;
	row->next_attempt_at = now;
	return 0;
}

/* Give a reversal's row its original's keys (its wallets), so that the
 * journal sends it in order with the operations on those wallets. */
static int add_original_keys(struct journal *journal, struct operation *row,
			     char *message, size_t message_size)
{
	struct reversal reversal;
	struct operation original;

	if (api_reversal_decode(row->payload, &reversal) != API_OK ||
	    journal_get(journal, reversal.original_id, &original) !=
		    JOURNAL_OK) {
		snprintf(message, message_size,
			 "Not saved: the original operation cannot be read");
		return -1;
	}
	for (int i = 0; i < JOURNAL_KEYS_MAX; i++) {
		if (original.keys[i][0] == '\0')
			continue;
		if (add_key(row->keys, original.keys[i]) != 0) {
			snprintf(message, message_size,
				 "Not saved: too many dependency keys");
			return -1;
		}
	}
	return 0;
}

int money_journal(struct journal *journal, struct operation *row,
		  bool online, char *message, size_t message_size)
{
	struct reversal reversal;

	if (strcmp(row->type, API_TYPE_REVERSAL) == 0) {
		/* Checked again here: another reversal of the same
		 * original may have been journaled since the form. */
		if (api_reversal_decode(row->payload, &reversal) != API_OK) {
			snprintf(message, message_size,
				 "Not saved: the reversal is unreadable");
			return -1;
		}
		if (money_reversal_check(journal, reversal.original_id,
					 message, message_size) != 0 ||
		    add_original_keys(journal, row, message,
				      message_size) != 0)
			return -1;
	}
	return policy_journal(journal, row, online, message, message_size);
}

int money_submit(struct app *app, const struct money_operation *op,
		 char id_out[JOURNAL_ID_SIZE], char *message,
		 size_t message_size)
{
	struct operation row;
	int rc = -1;

	if (!app->session.logged_in) {
		snprintf(message, message_size, "Log in first");
		return -1;
	}
	if (money_check_link(app->journal, op->type, app->status.online,
			     message, message_size) != 0)
		return -1;
	if (strcmp(op->type, API_TYPE_SEND_MONEY) == 0 &&
	    (op->quote_deadline <= 0 ||
	     money_monotonic_seconds() >= op->quote_deadline)) {
		snprintf(message, message_size,
			 "The quote has expired: get a new quote");
		return -1;
	}
	if (money_build(app->session.agent_id, op, (int64_t)time(NULL), &row,
			message, message_size) != 0 ||
	    money_journal(app->journal, &row, app->status.online, message,
			  message_size) != 0)
		goto out;
	memcpy(id_out, row.id, JOURNAL_ID_SIZE);
	/* Only an operation made at this terminal's screens may open the
	 * cash drawer when it is confirmed. */
	app_note_own_operation(app, row.id);
	app_refresh_counts(app);
	sync_kick(app->sync);
	rc = 0;
out:
	/* A cash-out's secret part is the customer's code. */
	explicit_bzero(&row, sizeof(row));
	return rc;
}
