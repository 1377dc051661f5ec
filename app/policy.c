/* The offline policy: limits on what may be journaled while the central
 * service cannot confirm it, read from the cached policy. */
#define LOG_MODULE "policy"
#include "policy.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "currency.h"
#include "log.h"

/* Operation types the terminal journals; each may have a policy rule. */
static const char *const operation_types[] = {
	API_TYPE_WALLET_TRANSFER,
	API_TYPE_CUSTOMER_REGISTRATION,
	API_TYPE_CUSTOMER_UPDATE,
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
		log_info("operation %s rejected offline: %s", op->id, message);
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
		bool hours;
		int moved;

		if (load_rule(journal, operation_types[i], &rule, message,
			      sizeof(message)) != 0 ||
		    rule.max_age_seconds <= 0)
			continue;
		hours = rule.max_age_seconds >= 7200;
		snprintf(message, sizeof(message),
			 "Older than the offline policy allows (%lld %s); "
			 "check with the customer, then send again or cancel",
			 (long long)(hours ? rule.max_age_seconds / 3600
					   : (rule.max_age_seconds + 59) / 60),
			 hours ? "hours" : "minutes");
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
