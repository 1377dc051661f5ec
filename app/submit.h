/* `spotagent submit`: journal operations read as JSON lines. */
#ifndef SPOTAGENT_SUBMIT_H
#define SPOTAGENT_SUBMIT_H

#include <stdio.h>

#include "config.h"

/* Read JSON lines from in, one operation each, for example
 * {"type": "wallet_transfer", "agent_id": "A1001", "sender_account":
 * "1000000001", "receiver_account": "1000000002", "currency": "GHS",
 * "amount": 1250} with the amount in minor units. Each valid line is
 * checked against the offline policy (the link is not checked, so the
 * limits always apply) and journaled; then "queued <id>" is written to
 * out and flushed. A bad line gets "error: line N: reason" on err and is
 * skipped. Returns the number of lines not journaled, or -1 when the
 * journal cannot be opened. */
int submit_run(const struct config *config, FILE *in, FILE *out, FILE *err);

#endif
