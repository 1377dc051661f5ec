/* `spotagent submit`: journal operations read as JSON lines. */
#ifndef SPOTAGENT_SUBMIT_H
#define SPOTAGENT_SUBMIT_H

#include <stdio.h>

#include "config.h"

/* Read JSON lines from in, one money operation each, for example
 * {"type": "wallet_transfer", "agent_id": "A1001", "sender_account":
 * "1000000001", "receiver_account": "1000000002", "currency": "GHS",
 * "amount": 1250} with the amount in minor units. A line has "type",
 * "agent_id", an optional "operation_id" (a lower-case UUID, so that a
 * script can run its input again after a crash) and the fields of that
 * type's journal payload (docs/configuration.md, spotagent submit):
 * - wallet_transfer: sender_account, receiver_account or
 *   receiver_customer_id, currency, amount;
 * - bank_transfer: funding ("cash" or "wallet"), sender_account with
 *   wallet funding, bank_code, account_number, account_name, currency,
 *   amount;
 * - cash_in: receiver_account or receiver_customer_id, optional
 *   receiver_name, currency, amount;
 * - cash_out: sender_account, optional holder_name, currency, amount,
 *   code;
 * - reversal: original_operation_id (an operation in this journal that
 *   the central service accepted), reason, and optionally currency and
 *   amount, which must be the original's.
 * Each line runs through money_prepare, so the fee comes from the cached
 * fee schedule: a line may name "fee" only with the schedule's value.
 * send_money is rejected, because it needs a quote and the link.
 * Each valid line is checked against the offline policy (the link is not
 * checked, so the limits always apply) and journaled; then "queued <id>"
 * is written to out and flushed. A bad line gets "error: line N: reason"
 * on err and is skipped. Returns the number of lines not journaled, or -1
 * when the journal cannot be opened. */
int submit_run(const struct config *config, FILE *in, FILE *out, FILE *err);

#endif
