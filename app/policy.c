/* The offline policy: limits on what may be journaled while the central
 * service cannot confirm it, read from the cached policy. */
#define LOG_MODULE "policy"
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "currency.h"
#include "log.h"

/* Operation types the terminal journals; each may have a policy rule. */
static const char *const operation_types[] = {
	API_TYPE_WALLET_TRANSFER,
};

#define TYPE_COUNT (sizeof(operation_types) / sizeof(operation_types[0]))

/* Read the cached policy's rule for type. Returns 0, or -1 with message
 * set when there is none. The policy text is heap-allocated because it
 * may be up to JOURNAL_META_VALUE_SIZE bytes. */
static int load_rule(struct journal *journal, const char *type,
		     struct api_policy_rule *rule, char *message,
		     size_t message_size)
{
	char *json = malloc(JOURNAL_META_VALUE_SIZE);
	int rc;

	if (json == NULL) {
		snprintf(message, message_size, "Out of memory");
		return -1;
	}
	rc = journal_get_meta(journal, POLICY_META_KEY, json,
			      JOURNAL_META_VALUE_SIZE);
	if (rc == JOURNAL_OK)
		rc = api_policy_rule(json, type, rule);
	free(json);
	if (rc == JOURNAL_ENOTFOUND) {
		snprintf(message, message_size,
			 "Offline: no offline policy received yet; connect "
			 "to Spotbanc once before working offline");
		return -1;
	}
	if (rc != 0) {
		snprintf(message, message_size,
			 "Offline: the offline policy has no rule for this "
			 "operation, so it needs a connection");
		return -1;
	}
	return 0;
}

static int check_limits(struct journal *journal, const struct operation *op,
			const struct api_policy_rule *rule, char *message,
			size_t message_size)
{
	char limit_text[CURRENCY_TEXT_MAX];
	int64_t count = 0;
	int64_t total = 0;
	int i;

	for (i = 0; i < rule->limit_count; i++) {
		if (strcmp(rule->limits[i].currency, op->currency) == 0)
			break;
	}
	if (i == rule->limit_count) {
		snprintf(message, message_size,
			 "Offline: %s is not allowed offline; connect to send "
			 "it", op->currency);
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
		    JOURNAL_OK ||
	    journal_sum_pending(journal, op->type, NULL, &count, NULL) !=
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
	if (count + 1 > rule->max_queued) {
		snprintf(message, message_size,
			 "Offline limit: at most %lld unconfirmed operations "
			 "of this kind",
			 (long long)rule->max_queued);
		return -1;
	}
	return 0;
}

int policy_check(struct journal *journal, const struct operation *op,
		 bool online, char *message, size_t message_size)
{
	struct api_policy_rule rule;

	if (online)
		return 0;
	if (load_rule(journal, op->type, &rule, message, message_size) != 0)
		return -1;
	if (!rule.offline_allowed) {
		snprintf(message, message_size,
			 "Offline: this operation needs a connection to "
			 "Spotbanc");
		return -1;
	}
	if (check_limits(journal, op, &rule, message, message_size) != 0) {
		log_info("operation %s refused offline: %s", op->id, message);
		return -1;
	}
	return 0;
}

int policy_flag_old(struct journal *journal, int64_t now)
{
	struct api_policy_rule rule;
	char message[JOURNAL_ERROR_SIZE];
	int flagged = 0;

	for (size_t i = 0; i < TYPE_COUNT; i++) {
		int moved;

		if (load_rule(journal, operation_types[i], &rule, message,
			      sizeof(message)) != 0 ||
		    rule.max_age_seconds <= 0)
			continue;
		snprintf(message, sizeof(message),
			 "Older than the offline policy allows (%lld hours); "
			 "check with the customer, then send again or cancel",
			 (long long)(rule.max_age_seconds / 3600));
		moved = journal_flag_old(journal, operation_types[i],
					 now - rule.max_age_seconds, message,
					 now);
		if (moved < 0)
			return -1;
		if (moved > 0)
			log_warn("%d %s operations older than %lld s need the "
				 "agent",
				 moved, operation_types[i],
				 (long long)rule.max_age_seconds);
		flagged += moved;
	}
	return flagged;
}
