/* The offline policy: cached from the central service in the journal and
 * enforced before an operation is journaled while the terminal is
 * offline. */
#ifndef SPOTAGENT_POLICY_H
#define SPOTAGENT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../offline/journal.h"

/* Journal meta keys of the cached policy and its fetch time. */
#define POLICY_META_KEY "policy"
#define POLICY_META_FETCHED "policy_fetched_at"

/* Check op (not yet journaled) against the cached policy. Online, every
 * operation may be journaled and the central service decides. Offline (or
 * when the link is unknown), the operation's type must be allowed offline
 * and the amount, the total undecided amount in its currency and the
 * number of undecided operations of its type must stay within the
 * limits. Returns 0, or -1 with a line for the agent in message that
 * names the limit hit; nothing is changed either way. */
int policy_check(struct journal *journal, const struct operation *op,
		 bool online, char *message, size_t message_size);

/* Check op against the policy (when not online) and journal it in one
 * write transaction, so that concurrent writers cannot together pass a
 * limit. Returns 0, or -1 with a line for the agent in message; on failure
 * nothing is journaled. */
int policy_journal(struct journal *journal, const struct operation *op,
		   bool online, char *message, size_t message_size);

/* Move queued operations older than their type's max age to needs
 * attention, so they are not sent without the agent. Returns how many
 * moved, or -1 when the journal fails. Without a cached policy nothing
 * moves. */
int policy_flag_old(struct journal *journal, int64_t now);

#endif
