/* `spotagent submit`: journal operations given as JSON lines on standard
 * input, for scripts, kiosks, tests and simulated terminals. */
#define LOG_MODULE "submit"
#include "submit.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "currency.h"
#include "log.h"
#include "money.h"
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

/* Read "amount" (or another amount field) into *out. */
static int read_amount(json_t *line, const char *key, int64_t *out,
		       char *message, size_t message_size)
{
	json_t *amount = json_object_get(line, key);

	if (!json_is_integer(amount) || json_integer_value(amount) < 1 ||
	    json_integer_value(amount) > CURRENCY_AMOUNT_MAX) {
		snprintf(message, message_size,
			 "\"%s\" must be a whole number of minor units "
			 "from 1 to %lld",
			 key, (long long)CURRENCY_AMOUNT_MAX);
		return -1;
	}
	*out = (int64_t)json_integer_value(amount);
	return 0;
}

/* Parse and check one wallet transfer line into *transfer. */
static int parse_transfer(json_t *line, struct wallet_transfer *transfer,
			  char *message, size_t message_size)
{
	memset(transfer, 0, sizeof(*transfer));
	if (read_text(line, "sender_account", transfer->sender,
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
	return read_amount(line, "amount", &transfer->amount, message,
			   message_size);
}

/* Kinds of fields in a money operation's line. */
enum field_kind {
	FIELD_TEXT,     /* a string, required */
	FIELD_OPTIONAL, /* a string, may be absent */
	FIELD_AMOUNT,   /* minor units, 1..CURRENCY_AMOUNT_MAX */
	FIELD_FUNDING,  /* "cash" or "wallet" */
};

/* One field of a line and where it goes in struct money_operation. */
struct field_spec {
	const char *name;
	enum field_kind kind;
	size_t offset;
	size_t size; /* of a text buffer */
};

#define MONEY_FIELD(name, kind, member)                                    \
	{ name, kind, offsetof(struct money_operation, member),            \
	  sizeof(((struct money_operation *)0)->member) }

/* The fields of each type's line, as in its journal payload; "fee" is
 * read separately because it may be absent. */
static const struct field_spec bank_fields[] = {
	MONEY_FIELD("funding", FIELD_FUNDING, u.bank.funding),
	MONEY_FIELD("sender_account", FIELD_OPTIONAL, u.bank.sender),
	MONEY_FIELD("bank_code", FIELD_TEXT, u.bank.bank_code),
	MONEY_FIELD("account_number", FIELD_TEXT, u.bank.account_number),
	MONEY_FIELD("account_name", FIELD_TEXT, u.bank.account_name),
	MONEY_FIELD("currency", FIELD_TEXT, u.bank.currency),
	MONEY_FIELD("amount", FIELD_AMOUNT, u.bank.amount),
	{ NULL, FIELD_TEXT, 0, 0 },
};

static const struct field_spec cash_in_fields[] = {
	MONEY_FIELD("receiver_account", FIELD_OPTIONAL, u.cash_in.receiver),
	MONEY_FIELD("receiver_customer_id", FIELD_OPTIONAL,
		    u.cash_in.receiver_customer_id),
	MONEY_FIELD("receiver_name", FIELD_OPTIONAL, u.cash_in.receiver_name),
	MONEY_FIELD("currency", FIELD_TEXT, u.cash_in.currency),
	MONEY_FIELD("amount", FIELD_AMOUNT, u.cash_in.amount),
	{ NULL, FIELD_TEXT, 0, 0 },
};

static const struct field_spec cash_out_fields[] = {
	MONEY_FIELD("sender_account", FIELD_TEXT, u.cash_out.sender),
	MONEY_FIELD("holder_name", FIELD_OPTIONAL, u.cash_out.holder_name),
	MONEY_FIELD("currency", FIELD_TEXT, u.cash_out.currency),
	MONEY_FIELD("amount", FIELD_AMOUNT, u.cash_out.amount),
	MONEY_FIELD("code", FIELD_TEXT, u.cash_out.code),
	{ NULL, FIELD_TEXT, 0, 0 },
};

static const struct field_spec reversal_fields[] = {
	MONEY_FIELD("original_operation_id", FIELD_TEXT,
		    u.reversal.original_id),
	MONEY_FIELD("reason", FIELD_TEXT, u.reversal.reason),
	{ NULL, FIELD_TEXT, 0, 0 },
};

static const struct {
	const char *type;
	const struct field_spec *fields;
} line_types[] = {
	{ API_TYPE_BANK_TRANSFER, bank_fields },
	{ API_TYPE_CASH_IN, cash_in_fields },
	{ API_TYPE_CASH_OUT, cash_out_fields },
	{ API_TYPE_REVERSAL, reversal_fields },
};

static int read_funding(json_t *line, enum api_funding *out, char *message,
			size_t message_size)
{
	const char *text = json_string_value(json_object_get(line, "funding"));

	if (text != NULL && strcmp(text, "cash") == 0) {
		*out = API_FUNDING_CASH;
		return 0;
	}
	if (text != NULL && strcmp(text, "wallet") == 0) {
		*out = API_FUNDING_WALLET;
		return 0;
	}
	snprintf(message, message_size,
		 "\"funding\" must be \"cash\" or \"wallet\"");
	return -1;
}

static int read_field(json_t *line, const struct field_spec *spec,
		      struct money_operation *op, char *message,
		      size_t message_size)
{
	char *at = (char *)op + spec->offset;

	switch (spec->kind) {
	case FIELD_OPTIONAL:
		if (json_object_get(line, spec->name) == NULL)
			return 0;
		/* fall through */
	case FIELD_TEXT:
		return read_text(line, spec->name, at, spec->size, message,
				 message_size);
	case FIELD_AMOUNT:
		return read_amount(line, spec->name, (int64_t *)(void *)at,
				   message, message_size);
	case FIELD_FUNDING:
		return read_funding(line, (enum api_funding *)(void *)at,
				    message, message_size);
	}
	return -1;
}

/* Whether name is a field of fields or one that every line may have. */
static bool is_known_field(const struct field_spec *fields, const char *name)
{
	static const char *const common[] = { "type", "agent_id",
					      "operation_id", "fee" };

	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		if (strcmp(name, common[i]) == 0)
			return true;
	}
	for (const struct field_spec *spec = fields; spec->name; spec++) {
		if (strcmp(name, spec->name) == 0)
			return true;
	}
	return false;
}

/* Parse a line of a money type other than a wallet transfer into *op.
 * A reversal's currency and amount may be given, and are checked
 * against its original after money_prepare. */
static int parse_money(json_t *line, const char *type,
		       struct money_operation *op, char *message,
		       size_t message_size)
{
	const struct field_spec *fields = NULL;
	const char *key;
	json_t *value;

	for (size_t i = 0; i < sizeof(line_types) / sizeof(line_types[0]);
	     i++) {
		if (strcmp(type, line_types[i].type) == 0)
			fields = line_types[i].fields;
	}
	if (fields == NULL)
		return -1;
	json_object_foreach(line, key, value) {
		bool repeated = strcmp(type, API_TYPE_REVERSAL) == 0 &&
				(strcmp(key, "currency") == 0 ||
				 strcmp(key, "amount") == 0);

		if (!repeated && !is_known_field(fields, key)) {
			snprintf(message, message_size,
				 "\"%.40s\" is not a field of %s", key, type);
			return -1;
		}
	}
	for (const struct field_spec *spec = fields; spec->name; spec++) {
		if (read_field(line, spec, op, message, message_size) != 0)
			return -1;
	}
	return 0;
}

/* Read the optional "fee" into *fee, and set *given when it is there. */
static int read_fee(json_t *line, int64_t *fee, bool *given, char *message,
		    size_t message_size)
{
	json_t *value = json_object_get(line, "fee");

	*given = value != NULL;
	*fee = 0;
	if (value == NULL)
		return 0;
	if (!json_is_integer(value) || json_integer_value(value) < 0 ||
	    json_integer_value(value) > CURRENCY_AMOUNT_MAX) {
		snprintf(message, message_size,
			 "\"fee\" must be a whole number of minor units "
			 "from 0 to %lld",
			 (long long)CURRENCY_AMOUNT_MAX);
		return -1;
	}
	*fee = (int64_t)json_integer_value(value);
	return 0;
}

/* The fee money_prepare set for op. */
static int64_t prepared_fee(const struct money_operation *op)
{
	if (strcmp(op->type, API_TYPE_WALLET_TRANSFER) == 0)
		return op->u.wallet.fee;
	if (strcmp(op->type, API_TYPE_BANK_TRANSFER) == 0)
		return op->u.bank.fee;
	if (strcmp(op->type, API_TYPE_CASH_IN) == 0)
		return op->u.cash_in.fee;
	if (strcmp(op->type, API_TYPE_CASH_OUT) == 0)
		return op->u.cash_out.fee;
	return 0;
}

/* Check what the line gave against what money_prepare filled in: a
 * fee the line names must be the cached schedule's, and a reversal's
 * currency and amount its original's. */
static int check_prepared(json_t *line, const struct money_operation *op,
			  int64_t line_fee, bool fee_given, char *message,
			  size_t message_size)
{
	const char *currency =
		json_string_value(json_object_get(line, "currency"));
	json_t *amount = json_object_get(line, "amount");

	if (fee_given && line_fee != prepared_fee(op)) {
		snprintf(message, message_size,
			 "\"fee\" %lld differs from the cached fee "
			 "schedule's %lld",
			 (long long)line_fee, (long long)prepared_fee(op));
		return -1;
	}
	if (strcmp(op->type, API_TYPE_REVERSAL) != 0)
		return 0;
	if ((json_object_get(line, "currency") != NULL &&
	     (currency == NULL ||
	      strcmp(currency, op->u.reversal.currency) != 0)) ||
	    (amount != NULL &&
	     (!json_is_integer(amount) ||
	      json_integer_value(amount) != op->u.reversal.amount))) {
		snprintf(message, message_size,
			 "\"currency\" and \"amount\" must be the "
			 "original's: %s %lld",
			 op->u.reversal.currency,
			 (long long)op->u.reversal.amount);
		return -1;
	}
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
 * The same id with other content is refused by journal_insert later. A
 * decided operation no longer has its secret part (a cash-out's code),
 * so the secret is compared only while the stored one has it. */
static bool is_journaled(struct journal *journal, const struct operation *op)
{
	struct operation stored;
	bool same;

	if (journal_get(journal, op->id, &stored) != JOURNAL_OK)
		return false;
	same = strcmp(stored.type, op->type) == 0 &&
	       strcmp(stored.agent_id, op->agent_id) == 0 &&
	       strcmp(stored.payload, op->payload) == 0 &&
	       (stored.secret[0] == '\0' ||
		strcmp(stored.secret, op->secret) == 0);
	explicit_bzero(&stored, sizeof(stored));
	return same;
}

/* Whether the journal already has the reversal of the line under its
 * given id. Checked before money_prepare, which refuses a second
 * reversal of the same original: the stored one itself. */
static bool is_reversal_journaled(struct journal *journal, json_t *line,
				  const char *agent,
				  const struct money_operation *op)
{
	const char *given =
		json_string_value(json_object_get(line, "operation_id"));
	struct operation stored;
	struct reversal reversal;

	if (given == NULL || !uuid_is_valid(given) ||
	    journal_get(journal, given, &stored) != JOURNAL_OK ||
	    strcmp(stored.type, API_TYPE_REVERSAL) != 0 ||
	    strcmp(stored.agent_id, agent) != 0 ||
	    api_reversal_decode(stored.payload, &reversal) != API_OK)
		return false;
	return strcmp(reversal.original_id, op->u.reversal.original_id) == 0 &&
	       strcmp(reversal.reason, op->u.reversal.reason) == 0;
}

/* Read the type, the agent and the type's fields of a line into *op and
 * agent, and the fee it names, if any. */
static int parse_line(json_t *line, struct money_operation *op,
		      char agent[JOURNAL_AGENT_SIZE], int64_t *fee,
		      bool *fee_given, char *message, size_t message_size)
{
	const char *type = json_string_value(json_object_get(line, "type"));

	memset(op, 0, sizeof(*op));
	if (type == NULL || !api_type_moves_money(type)) {
		snprintf(message, message_size,
			 "\"type\" must be one of wallet_transfer, "
			 "bank_transfer, cash_in, cash_out, reversal");
		return -1;
	}
	if (strcmp(type, API_TYPE_SEND_MONEY) == 0) {
		snprintf(message, message_size,
			 "send_money needs a quote and the link to the "
			 "central service, so it is not journaled offline");
		return -1;
	}
	snprintf(op->type, sizeof(op->type), "%s", type);
	if (read_text(line, "agent_id", agent, JOURNAL_AGENT_SIZE, message,
		      message_size) != 0 ||
	    security_agent_id_check(agent, message, message_size) != 0 ||
	    read_fee(line, fee, fee_given, message, message_size) != 0)
		return -1;
	if (strcmp(type, API_TYPE_WALLET_TRANSFER) == 0)
		return parse_transfer(line, &op->u.wallet, message,
				      message_size);
	return parse_money(line, type, op, message, message_size);
}

/* Journal one input line. Returns 0 with the id in id, or -1 with the
 * reason in message. */
static int submit_line(struct journal *journal, const char *text,
		       char id[JOURNAL_ID_SIZE], char *message,
		       size_t message_size)
{
	struct money_operation money;
	struct operation op;
	char agent[JOURNAL_AGENT_SIZE];
	json_error_t error;
	json_t *line;
	int64_t fee = 0;
	bool fee_given = false;
	int rc = -1;

	memset(&op, 0, sizeof(op));
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
	if (parse_line(line, &money, agent, &fee, &fee_given, message,
		       message_size) != 0)
		goto out;
	if (strcmp(money.type, API_TYPE_REVERSAL) == 0 &&
	    is_reversal_journaled(journal, line, agent, &money)) {
		snprintf(id, JOURNAL_ID_SIZE, "%s",
			 json_string_value(
				 json_object_get(line, "operation_id")));
		log_info("operation %s was journaled before; not again", id);
		rc = 0;
		goto out;
	}
	if (money_prepare(journal, &money, message, message_size) ||
	    check_prepared(line, &money, fee, fee_given, message,
			   message_size) ||
	    money_build(agent, &money, (int64_t)time(NULL), &op, message,
			message_size) ||
	    take_given_id(line, &op, message, message_size))
		goto out;
	if (is_journaled(journal, &op)) {
		log_info("operation %s was journaled before; not again", op.id);
	} else if (money_journal(journal, &op, false, message,
				 message_size)) {
		goto out;
	}
	memcpy(id, op.id, JOURNAL_ID_SIZE);
	rc = 0;
out:
	/* A cash-out's line and secret part carry the customer's code. */
	explicit_bzero(&money, sizeof(money));
	explicit_bzero(&op, sizeof(op));
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
