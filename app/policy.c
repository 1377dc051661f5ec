/* The offline policy: limits on what may be journaled while the central
 * service cannot confirm it, read from the cached policy. */
#define LOG_MODULE "policy"
#include "policy.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "currency.h"
#include "log.h"
#include "op_type.h"

/* Read the cached policy text into *json, a buffer the caller frees, or
 * set *json to NULL when no policy is cached. Returns 0, or -1 when the
 * journal cannot be read or memory runs out. The buffer is on the heap
 * because the text may be up to JOURNAL_META_VALUE_SIZE bytes. */
static int read_policy(struct journal *journal, char **json)
{
	char *text = malloc(JOURNAL_META_VALUE_SIZE);
	int rc;

	*json = NULL;
	if (text == NULL) {
		log_error("no memory for the cached offline policy");
		return -1;
	}
	rc = journal_get_meta(journal, POLICY_META_KEY, text,
			      JOURNAL_META_VALUE_SIZE);
	if (rc == JOURNAL_OK) {
		*json = text;
		return 0;
	}
	free(text);
	if (rc == JOURNAL_ENOTFOUND)
		return 0;
	log_error("cached offline policy not read: %s", journal_strerror(rc));
	return -1;
}

/* Find the rule for type in the policy text json (NULL: none cached).
 * Returns 0 with *rule filled, or 1 when there is no usable rule. */
static int find_rule(const char *json, const char *type,
		     struct api_policy_rule *rule)
{
	int rc;

	if (json == NULL)
		return 1;
	rc = api_policy_rule(json, type, rule);
	if (rc == API_EPROTOCOL)
		log_warn("cached offline policy is not valid; %s needs the "
			 "link", type);
	return rc == API_OK ? 0 : 1;
}

/* Read the cached rule for type as find_rule does. Returns 0 with *rule
 * filled, 1 when there is no usable rule, or -1 when the journal cannot
 * be read. */
static int read_rule(struct journal *journal, const char *type,
		     struct api_policy_rule *rule)
{
	char *json;
	int rc;

	if (read_policy(journal, &json) != 0)
		return -1;
	rc = find_rule(json, type, rule);
	free(json);
	return rc;
}

int policy_online_only(struct journal *journal, const char *type)
{
	struct api_policy_rule rule;
	int rc = read_rule(journal, type, &rule);

	if (rc < 0)
		return -1;
	return rc > 0 || !rule.offline_allowed;
}

/* The agent's line for an operation of type refused offline. */
static void format_needs_link(const char *type, char *message,
			      size_t message_size)
{
	snprintf(message, message_size,
		 "%s needs the link: try again when ONLINE shows",
		 op_type_title(type));
}

int policy_check_link(struct journal *journal, const char *type, bool online,
		      char *message, size_t message_size)
{
	int rc;

	if (online)
		return 0;
	rc = policy_online_only(journal, type);
	if (rc < 0) {
		snprintf(message, message_size,
			 "Journal cannot be read; operation not saved");
		return -1;
	}
	if (rc > 0) {
		format_needs_link(type, message, message_size);
		return -1;
	}
	return 0;
}

void policy_unsent_reason(const char *type, char *reason, size_t size)
{
	char title[JOURNAL_TYPE_SIZE + 32];

	/* The title goes inside the sentence: "... and cash-out needs". */
	snprintf(title, sizeof(title), "%s", op_type_title(type));
	title[0] = (char)tolower((unsigned char)title[0]);
	snprintf(reason, size,
		 "Not sent while the link was down, and %s needs the link: "
		 "send it only if the customer is still here, else cancel it.",
		 title);
}

/* Check the rule's count limit on unconfirmed operations of op's type. */
static int check_count(struct journal *journal, const struct operation *op,
		       const struct api_policy_rule *rule, char *message,
		       size_t message_size)
{
	int64_t count = 0;

	if (journal_sum_pending(journal, op->type, NULL, &count, NULL) !=
	    JOURNAL_OK) {
		snprintf(message, message_size,
			 "Journal cannot be read; operation not saved");
		return -1;
	}
	if (count + 1 > rule->max_queued) {
		snprintf(message, message_size,
			 "Offline limit: at most %lld unconfirmed operations "
			 "of this kind",
			 (long long)rule->max_queued);
		return -1;
	}
	return 0;
}

/* Check the rule's per-currency limits on op's amount and on the total
 * that the central service has not confirmed yet. */
static int check_amounts(struct journal *journal, const struct operation *op,
			 const struct api_policy_rule *rule, char *message,
			 size_t message_size)
{
	char limit_text[CURRENCY_TEXT_MAX];
	int64_t total = 0;
	int i;

	for (i = 0; i < rule->limit_count; i++) {
		if (strcmp(rule->limits[i].currency, op->currency) == 0)
			break;
	}
	if (i == rule->limit_count) {
		snprintf(message, message_size,
			 "Offline, %s is not allowed: try again when ONLINE "
			 "shows",
			 op->currency);
		return -1;
	}
	if (op->amount > rule->limits[i].max_amount) {
		currency_format(op->currency, rule->limits[i].max_amount,
				limit_text, sizeof(limit_text));
		snprintf(message, message_size,
			 "Offline limit: at most %s %s per operation",
			 op->currency, limit_text);
		return -1;
	}
	if (journal_sum_pending(journal, NULL, op->currency, NULL, &total) !=
	    JOURNAL_OK) {
		snprintf(message, message_size,
			 "Journal cannot be read; operation not saved");
		return -1;
	}
	if (total + op->amount > rule->limits[i].max_exposure) {
		currency_format(op->currency, rule->limits[i].max_exposure,
				limit_text, sizeof(limit_text));
		snprintf(message, message_size,
			 "Offline limit: unconfirmed %s would pass %s %s",
			 op->currency, op->currency, limit_text);
		return -1;
	}
	return 0;
}

/* Check every limit of the rule. An operation that moves no money
 * (amount 0, such as a customer registration) has only the count limit,
 * so its rule needs no currencies. */
static int check_limits(struct journal *journal, const struct operation *op,
			const struct api_policy_rule *rule, char *message,
			size_t message_size)
{
	if (op->amount > 0 &&
	    check_amounts(journal, op, rule, message, message_size) != 0)
		return -1;
	return check_count(journal, op, rule, message, message_size);
}

int policy_check(struct journal *journal, const struct operation *op,
		 bool online, char *message, size_t message_size)
{
	struct api_policy_rule rule;
	int rc;

	if (online)
		return 0;
	rc = read_rule(journal, op->type, &rule);
	if (rc < 0) {
		snprintf(message, message_size,
			 "Journal cannot be read; operation not saved");
		return -1;
	}
	if (rc > 0 || !rule.offline_allowed) {
		log_info("operation %s rejected offline: the policy %s", op->id,
			 rc > 0 ? "has no rule for it"
				: "does not allow it offline");
		format_needs_link(op->type, message, message_size);
		return -1;
	}
	if (check_limits(journal, op, &rule, message, message_size) != 0) {
		log_info("operation %s rejected offline: %s", op->id, message);
		return -1;
	}
	return 0;
}

/* Move never-sent operations of type, which needs the link, that are
 * older than the grace period. Returns how many moved, or -1.
 * NOTE: an operation the agent sent again (age_approved) is not checked
 * again. The sync worker returns it to the agent when the link fails, but
 * one held back behind an earlier operation on the same wallet can still
 * be sent later than the agent expects. */
static int flag_unsent(struct journal *journal, const char *type,
		       int64_t now)
{
	char reason[JOURNAL_ERROR_SIZE];
	int moved;

	policy_unsent_reason(type, reason, sizeof(reason));
	moved = journal_flag_unsent(journal, type,
				    now - POLICY_UNSENT_GRACE_SECONDS, reason,
				    now);
	if (moved > 0)
		log_warn("%d %s operations not sent within %d s need the "
			 "agent",
			 moved, type, POLICY_UNSENT_GRACE_SECONDS);
	return moved < 0 ? -1 : moved;
}

/* Move queued operations of type older than the rule's max age. Returns
 * how many moved, or -1. */
static int flag_too_old(struct journal *journal, const char *type,
			const struct api_policy_rule *rule, int64_t now)
{
	char reason[JOURNAL_ERROR_SIZE];
	bool hours = rule->max_age_seconds >= 7200;
	int moved;

	snprintf(reason, sizeof(reason),
		 "Older than the offline policy allows (%lld %s); "
		 "check with the customer, then send again or cancel",
		 (long long)(hours ? rule->max_age_seconds / 3600
				   : (rule->max_age_seconds + 59) / 60),
		 hours ? "hours" : "minutes");
	moved = journal_flag_old(journal, type, now - rule->max_age_seconds,
				 reason, now);
	if (moved > 0)
		log_warn("%d %s operations older than %lld s need the agent",
			 moved, type, (long long)rule->max_age_seconds);
	return moved < 0 ? -1 : moved;
}

/* Apply both checks of policy_flag_old to the operations of type. The
 * unsent check goes first, so that an operation that needs the link gets
 * the reason that names the link rather than the max age's. */
static int flag_type(struct journal *journal, const char *json,
		     const char *type, int64_t now)
{
	struct api_policy_rule rule;
	bool has_rule = find_rule(json, type, &rule) == 0;
	int unsent = 0;
	int old = 0;

	if (!has_rule || !rule.offline_allowed) {
		unsent = flag_unsent(journal, type, now);
		if (unsent < 0)
			return -1;
	}
	if (has_rule && rule.max_age_seconds > 0) {
		old = flag_too_old(journal, type, &rule, now);
		if (old < 0)
			return -1;
	}
	return unsent + old;
}

int policy_flag_old(struct journal *journal, int64_t now)
{
	char *json;
	int flagged = 0;

	if (read_policy(journal, &json) != 0)
		return -1;
	for (size_t i = 0; op_type_at(i) != NULL; i++) {
		int moved = flag_type(journal, json, op_type_at(i)->type, now);

		if (moved < 0) {
			flagged = -1;
			break;
		}
		flagged += moved;
	}
	free(json);
	return flagged;
}

/* Arguments of the policy check inside the journal's write transaction. */
struct policy_context {
	bool online;
	char *message;
	size_t message_size;
};

static int check_policy(struct journal *journal, const struct operation *op,
			void *context)
{
	struct policy_context *c = context;

	return policy_check(journal, op, c->online, c->message,
			    c->message_size);
}

int policy_journal(struct journal *journal, const struct operation *op,
		   bool online, char *message, size_t message_size)
{
	struct policy_context context = {
		.online = online,
		.message = message,
		.message_size = message_size,
	};
	int rc;

	rc = journal_insert_checked(journal, op, check_policy, &context);
	if (rc == JOURNAL_ECHECK)
		return -1;
	if (rc != JOURNAL_OK) {
		log_error("%s %s not journaled: %s", op->type, op->id,
			  journal_strerror(rc));
		snprintf(message, message_size, "Not saved: %s",
			 journal_strerror(rc));
		return -1;
	}
	log_info("%s %s journaled: %lld minor units of %s", op->type, op->id,
		 (long long)op->amount, op->currency);
	return 0;
}
