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

/* Seconds an operation of a type that needs the link may wait unsent
 * after the agent confirmed it: long enough to ride out a short drop of
 * the link, short enough that the customer is still at the counter. Sent
 * later, a cash-out could debit a customer who left without the cash, and
 * a send money quote or a cash-out code may have expired after the cash
 * changed hands. */
#define POLICY_UNSENT_GRACE_SECONDS 60

/* Decide whether operations of `type` need the link to the central
 * service: true when no policy is cached, the policy has no rule for the
 * type or cannot be read as a policy, or the rule does not allow the type
 * offline. Returns 1 when the type needs the link, 0 when it may be
 * journaled offline, or -1 when the journal cannot be read. */
int policy_online_only(struct journal *journal, const char *type);

/* Check that an operation of `type` may be journaled in the link state
 * `online`. Online any type may be, and offline only a type for which
 * policy_online_only returns 0. Only the type is checked, not the limits,
 * so a form can call it before the agent fills anything in. Returns 0,
 * or -1 with a line for the agent of at most 80 columns in message, such
 * as "Cash-out needs the link: try again when ONLINE shows". */
int policy_check_link(struct journal *journal, const char *type, bool online,
		      char *message, size_t message_size);

/* Write to reason (size bytes) the reason that policy_flag_old gives an
 * operation of `type` that waited unsent past
 * POLICY_UNSENT_GRACE_SECONDS: what happened and what the agent does. */
void policy_unsent_reason(const char *type, char *reason, size_t size);

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

/* Move to needs attention, so that they are not sent without the agent,
 * the queued operations of every type in app/op_type.h that are either
 * older than their rule's max_age_seconds, or of a type that needs the
 * link (policy_online_only), never sent (sent == 0) and created more than
 * POLICY_UNSENT_GRACE_SECONDS before now. Operations the agent approved
 * (age_approved) stay queued. Without a cached policy every type needs the
 * link and none has a max age. Returns how many moved, or -1 when the
 * journal fails. */
int policy_flag_old(struct journal *journal, int64_t now);

#endif
