/* `spotagent submit`: journal operations given as JSON lines on standard
 * input, for scripts, kiosks and tests. */
#define LOG_MODULE "submit"
#include "submit.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "currency.h"
#include "log.h"
#include "security.h"
#include "uuid.h"
#include "wallet.h"

/* Maximum input line length accepted, newline included. */
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

/* Read the receiver: exactly one of "receiver_account" and, for a
 * customer whose registration may still be queued, "receiver_customer_id"
 * (a lower-case UUID). */
static int parse_receiver(json_t *line, struct wallet_transfer *transfer,
			  char *message, size_t message_size)
{
	bool by_account = json_object_get(line, "receiver_account") != NULL;
	bool by_id = json_object_get(line, "receiver_customer_id") != NULL;

	if (by_account == by_id) {
		snprintf(message, message_size,
			 "give exactly one of \"receiver_account\" and "
			 "\"receiver_customer_id\"");
		return -1;
	}
	if (by_account) {
		if (read_text(line, "receiver_account", transfer->receiver,
			      sizeof(transfer->receiver), message,
			      message_size) != 0)
			return -1;
		return wallet_account_check(transfer->receiver, message,
					    message_size);
	}
	if (read_text(line, "receiver_customer_id",
		      transfer->receiver_customer_id,
		      sizeof(transfer->receiver_customer_id), message,
		      message_size) != 0)
		return -1;
	if (!uuid_is_valid(transfer->receiver_customer_id)) {
		snprintf(message, message_size,
			 "\"receiver_customer_id\" must be a UUID in "
			 "lower-case hex");
		return -1;
	}
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
	    security_agent_id_check(agent, message, message_size) != 0 ||
	    read_text(line, "sender_account", transfer->sender,
		      sizeof(transfer->sender), message, message_size) != 0 ||
	    wallet_account_check(transfer->sender, message, message_size) ||
	    parse_receiver(line, transfer, message, message_size) != 0 ||
	    read_text(line, "currency", transfer->currency,
		      sizeof(transfer->currency), message, message_size) != 0)
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

/* Use the line's own "operation_id" when it has one, so that a script
 * can run its input again after a crash without journaling an operation
 * twice. */
static int take_given_id(json_t *line, struct operation *op, char *message,
			 size_t message_size)
{
	json_t *given = json_object_get(line, "operation_id");
	const char *text = json_string_value(given);

	if (given == NULL)
		return 0;
	if (text == NULL || !uuid_is_valid(text)) {
		snprintf(message, message_size,
			 "\"operation_id\" must be a lower-case UUID");
		return -1;
	}
	memcpy(op->id, text, JOURNAL_ID_SIZE);
	return 0;
}

/* Whether the journal already has op under its id with the same content.
 * The same id with other content is refused by journal_insert later. */
static bool is_journaled(struct journal *journal, const struct operation *op)
{
	struct operation stored;

	if (journal_get(journal, op->id, &stored) != JOURNAL_OK)
		return false;
	return strcmp(stored.type, op->type) == 0 &&
	       strcmp(stored.agent_id, op->agent_id) == 0 &&
	       strcmp(stored.payload, op->payload) == 0;
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
	if (line == NULL) {
		snprintf(message, message_size, "not a JSON object: %s",
			 error.text);
		goto out;
	}
	if (!json_is_object(line)) {
		snprintf(message, message_size,
			 "not a JSON object but another JSON value");
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
	    take_given_id(line, &op, message, message_size))
		goto out;
	if (is_journaled(journal, &op)) {
		log_info("operation %s was journaled before; not again", op.id);
	} else if (wallet_transfer_journal(journal, &op, false, message,
					   message_size)) {
		goto out;
	}
	memcpy(id, op.id, JOURNAL_ID_SIZE);
	rc = 0;
out:
	json_decref(line);
	return rc;
}

enum line_status {
	LINE_OK,
	LINE_END,      /* end of input, nothing read */
	LINE_TOO_LONG, /* skipped up to its newline */
	LINE_NUL,      /* contains a NUL byte */
};

/* Read one line (without its newline) into buf, NUL-terminated, with its
 * length in *length. Bytes past the buffer are read and dropped up to the
 * newline, so memory stays bounded whatever the input. */
static enum line_status read_line(FILE *in, char *buf, size_t size,
				  size_t *length)
{
	bool nul = false;
	bool too_long = false;
	int c;

	*length = 0;
	c = getc(in);
	if (c == EOF)
		return LINE_END;
	while (c != EOF && c != '\n') {
		if (c == '\0')
			nul = true;
		if (*length + 1 < size)
			buf[(*length)++] = (char)c;
		else
			too_long = true;
		c = getc(in);
	}
	buf[*length] = '\0';
	if (too_long)
		return LINE_TOO_LONG;
	return nul ? LINE_NUL : LINE_OK;
}

int submit_run(const struct config *config, FILE *in, FILE *out, FILE *err)
{
	struct journal *journal = NULL;
	char text[SUBMIT_LINE_MAX];
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
	for (;;) {
		size_t length = 0;
		enum line_status status = read_line(in, text, sizeof(text),
						    &length);

		if (status == LINE_END)
			break;
		number++;
		if (status == LINE_TOO_LONG) {
			fprintf(err, "error: line %ld: longer than %d bytes\n",
				number, SUBMIT_LINE_MAX - 1);
			failed++;
			continue;
		}
		if (status == LINE_NUL) {
			fprintf(err, "error: line %ld: contains a NUL byte\n",
				number);
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
