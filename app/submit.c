/* `spotagent submit`: journal operations given as JSON lines on standard
 * input, for scripts, kiosks and tests. */
#define LOG_MODULE "submit"
#include "submit.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "currency.h"
#include "log.h"
#include "wallet.h"

/* Longest input line accepted, newline included. */
#define SUBMIT_LINE_MAX 4096

static int read_text(json_t *line, const char *key, char *out, size_t size,
		     char *message, size_t message_size)
{
	const char *text = json_string_value(json_object_get(line, key));

	if (text == NULL || text[0] == '\0' || strlen(text) >= size) {
		snprintf(message, message_size,
			 "\"%s\" must be a string of 1 to %zu characters", key,
			 size - 1);
		return -1;
	}
	memcpy(out, text, strlen(text) + 1);
	return 0;
}

/* Parse and check one wallet transfer line into *transfer and agent. */
static int parse_transfer(json_t *line, struct wallet_transfer *transfer,
			  char agent[JOURNAL_AGENT_SIZE], char *message,
			  size_t message_size)
{
	json_t *amount = json_object_get(line, "amount");

	memset(transfer, 0, sizeof(*transfer));
	if (read_text(line, "agent_id", agent, JOURNAL_AGENT_SIZE, message,
		      message_size) != 0 ||
	    read_text(line, "sender_account", transfer->sender,
		      sizeof(transfer->sender), message, message_size) != 0 ||
	    read_text(line, "receiver_account", transfer->receiver,
		      sizeof(transfer->receiver), message, message_size) != 0 ||
	    read_text(line, "currency", transfer->currency,
		      sizeof(transfer->currency), message, message_size) != 0)
		return -1;
	if (wallet_account_check(transfer->sender, message, message_size) ||
	    wallet_account_check(transfer->receiver, message, message_size))
		return -1;
	if (strcmp(transfer->sender, transfer->receiver) == 0) {
		snprintf(message, message_size,
			 "sender and receiver accounts are the same");
		return -1;
	}
	if (currency_find(transfer->currency) == NULL) {
		snprintf(message, message_size,
			 "\"currency\" is not an ISO 4217 code");
		return -1;
	}
	if (!json_is_integer(amount) || json_integer_value(amount) < 1 ||
	    json_integer_value(amount) > CURRENCY_AMOUNT_MAX) {
		snprintf(message, message_size,
			 "\"amount\" must be a whole number of minor units "
			 "from 1 to %lld",
			 (long long)CURRENCY_AMOUNT_MAX);
		return -1;
	}
	transfer->amount = (int64_t)json_integer_value(amount);
	return 0;
}

/* Journal one input line. Returns 0 with the id in id, or -1 with the
 * reason in message. */
static int submit_line(struct journal *journal, const char *text,
		       char id[JOURNAL_ID_SIZE], char *message,
		       size_t message_size)
{
	struct wallet_transfer transfer;
	struct operation op;
	char agent[JOURNAL_AGENT_SIZE];
	json_error_t error;
	json_t *line;
	const char *type;
	int rc = -1;

	line = json_loads(text, JSON_REJECT_DUPLICATES, &error);
	if (!json_is_object(line)) {
		snprintf(message, message_size, "not a JSON object: %s",
			 error.text);
		goto out;
	}
	type = json_string_value(json_object_get(line, "type"));
	if (type == NULL || strcmp(type, API_TYPE_WALLET_TRANSFER) != 0) {
		snprintf(message, message_size,
			 "\"type\" must be \"%s\"", API_TYPE_WALLET_TRANSFER);
		goto out;
	}
	if (parse_transfer(line, &transfer, agent, message, message_size) ||
	    wallet_transfer_build(agent, &transfer, (int64_t)time(NULL), &op,
				  message, message_size) ||
	    wallet_transfer_journal(journal, &op, false, message,
				    message_size))
		goto out;
	memcpy(id, op.id, JOURNAL_ID_SIZE);
	rc = 0;
out:
	json_decref(line);
	return rc;
}

int submit_run(const struct config *config, FILE *in, FILE *out, FILE *err)
{
	struct journal *journal = NULL;
	char text[SUBMIT_LINE_MAX + 1];
	char message[512];
	char id[JOURNAL_ID_SIZE];
	long number = 0;
	int failed = 0;
	int rc;

	rc = journal_open(config->journal_path, &journal);
	if (rc != JOURNAL_OK) {
		fprintf(err, "submit: journal %s: %s\n", config->journal_path,
			journal_strerror(rc));
		return -1;
	}
	while (fgets(text, sizeof(text), in) != NULL) {
		size_t length = strlen(text);

		number++;
		if (length == SUBMIT_LINE_MAX && text[length - 1] != '\n') {
			int c;

			/* Skip the rest of an overlong line. */
			do {
				c = fgetc(in);
			} while (c != EOF && c != '\n');
			fprintf(err, "error: line %ld: longer than %d bytes\n",
				number, SUBMIT_LINE_MAX - 1);
			failed++;
			continue;
		}
		if (strspn(text, " \t\r\n") == length)
			continue;
		if (submit_line(journal, text, id, message, sizeof(message))) {
			fprintf(err, "error: line %ld: %s\n", number, message);
			failed++;
			continue;
		}
		fprintf(out, "queued %s\n", id);
		fflush(out);
	}
	journal_close(journal);
	return failed;
}
