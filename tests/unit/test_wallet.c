/* Unit tests of wallet transfers to an account or to a customer by id:
 * form validation, the journal payload, its dependency keys and
 * `spotagent submit`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../app/api.h"
#include "../../app/policy.h"
#include "../../app/refdata.h"
#include "../../app/submit.h"
#include "../../app/wallet.h"

/* 2026-12-04T15:00:00Z */
#define NOW 1796396400
#define CUSTOMER_ID "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"

static void validate_to_customer_table(void **state)
{
	static const struct {
		const char *sender;
		const char *customer_id;
		const char *currency;
		const char *amount;
		enum wallet_field field; /* WALLET_FIELD_NONE: valid */
		const char *message;     /* part of the message */
	} cases[] = {
		{ "1000000001", CUSTOMER_ID, "GHS", "12.50", WALLET_FIELD_NONE,
		  NULL },
		{ "10001", CUSTOMER_ID, "GHS", "12.50", WALLET_FIELD_SENDER,
		  "6 to 20 digits" },
		{ "4761739001010010", CUSTOMER_ID, "GHS", "12.50",
		  WALLET_FIELD_SENDER, "That is a card number" },
		{ "1000000001", "", "GHS", "12.50", WALLET_FIELD_RECEIVER,
		  "not a valid UUID" },
		{ "1000000001", "6A5B4C3D-2E1F-4A0B-9C8D-7E6F5A4B3C2D", "GHS",
		  "12.50", WALLET_FIELD_RECEIVER, "not a valid UUID" },
		{ "1000000001", "1000000002", "GHS", "12.50",
		  WALLET_FIELD_RECEIVER, "not a valid UUID" },
		{ "1000000001", CUSTOMER_ID, "XYZ", "12.50",
		  WALLET_FIELD_CURRENCY, "ISO 4217" },
		{ "1000000001", CUSTOMER_ID, "GHS", "0", WALLET_FIELD_AMOUNT,
		  "Amount must be above zero: type e.g. 12.50" },
		{ "1000000001", CUSTOMER_ID, "GHS", "1.234",
		  WALLET_FIELD_AMOUNT, "GHS has at most 2 decimals" },
		{ "1000000001", CUSTOMER_ID, "GHS", "12.",
		  WALLET_FIELD_AMOUNT, "type 12 or 12.00" },
		{ "1000000001", CUSTOMER_ID, "GHS", "100000000000000",
		  WALLET_FIELD_AMOUNT,
		  "above the maximum of GHS 10,000,000,000,000.00" },
	};
	struct wallet_transfer transfer;
	enum wallet_field field;
	char message[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		memset(&transfer, 0x5a, sizeof(transfer));
		message[0] = '\0';
		rc = wallet_transfer_validate_to_customer(
			cases[i].sender, cases[i].customer_id,
			cases[i].currency, cases[i].amount, &transfer, &field,
			message, sizeof(message));
		assert_int_equal(field, cases[i].field);
		if (cases[i].field != WALLET_FIELD_NONE) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(message, cases[i].message));
			assert_true(message[0] != '\0');
			/* Nothing is changed on failure. */
			assert_int_equal((unsigned char)transfer.sender[0],
					 0x5a);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(transfer.sender, "1000000001");
		assert_string_equal(transfer.receiver, "");
		assert_string_equal(transfer.receiver_customer_id,
				    CUSTOMER_ID);
		assert_string_equal(transfer.currency, "GHS");
		assert_int_equal(transfer.amount, 1250);
	}
}

static void validate_to_account_unchanged(void **state)
{
	struct wallet_transfer transfer;
	enum wallet_field field;
	char message[128];

	(void)state;
	assert_int_equal(wallet_transfer_validate("1000000001", "1000000002",
						  "GHS", "5", &transfer,
						  &field, message,
						  sizeof(message)),
			 0);
	assert_string_equal(transfer.receiver, "1000000002");
	assert_string_equal(transfer.receiver_customer_id, "");
	assert_int_equal(transfer.amount, 500);
	assert_int_equal(wallet_transfer_validate("1000000001", "1000000001",
						  "GHS", "5", &transfer,
						  &field, message,
						  sizeof(message)),
			 -1);
	assert_int_equal(field, WALLET_FIELD_RECEIVER);
}

static void build_to_customer_keys(void **state)
{
	struct wallet_transfer transfer = {
		.sender = "1000000001",
		.receiver_customer_id = CUSTOMER_ID,
		.currency = "GHS",
		.amount = 1250,
		.receiver_name = "Esi Owusu",
	};
	struct wallet_transfer decoded;
	struct operation op;
	char message[128];

	(void)state;
	assert_int_equal(wallet_transfer_build("A1001", &transfer, NOW, &op,
					       message, sizeof(message)),
			 0);
	assert_string_equal(op.keys[0], "wallet:1000000001");
	assert_string_equal(op.keys[1], "customer:" CUSTOMER_ID);
	assert_string_equal(op.keys[2], "");
	assert_null(strstr(op.payload, "receiver_account"));
	assert_non_null(strstr(op.payload,
			       "\"receiver_customer_id\":\"" CUSTOMER_ID "\""));
	assert_int_equal(api_wallet_transfer_decode(op.payload, &decoded),
			 API_OK);
	assert_string_equal(decoded.receiver, "");
	assert_string_equal(decoded.receiver_customer_id, CUSTOMER_ID);
	assert_string_equal(decoded.receiver_name, "Esi Owusu");
	assert_int_equal(decoded.amount, 1250);
}

static void encode_by_account_has_no_name(void **state)
{
	struct wallet_transfer transfer = {
		.sender = "1000000001",
		.receiver = "1000000002",
		.currency = "GHS",
		.amount = 1250,
		.receiver_name = "Not kept",
	};
	char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE];
	char payload[JOURNAL_PAYLOAD_SIZE];

	(void)state;
	assert_int_equal(api_wallet_transfer_encode(&transfer, payload,
						    sizeof(payload)),
			 API_OK);
	assert_string_equal(payload,
			    "{\"amount\":1250,\"currency\":\"GHS\",\"fee\":0,"
			    "\"receiver_account\":\"1000000002\","
			    "\"sender_account\":\"1000000001\"}");
	assert_int_equal(api_dependency_keys(API_TYPE_WALLET_TRANSFER, payload,
					     keys),
			 API_OK);
	assert_string_equal(keys[1], "wallet:1000000002");

	memset(transfer.receiver, 0, sizeof(transfer.receiver));
	assert_int_equal(api_wallet_transfer_encode(&transfer, payload,
						    sizeof(payload)),
			 API_EINVAL);
}

/* A name cut in the middle of a character loses that character only. */
static void encode_cuts_name_on_character(void **state)
{
	struct wallet_transfer transfer = {
		.sender = "1000000001",
		.receiver_customer_id = CUSTOMER_ID,
		.currency = "GHS",
		.amount = 1,
	};
	struct wallet_transfer decoded;
	char payload[JOURNAL_PAYLOAD_SIZE];
	size_t length;

	(void)state;
	/* 21 three-byte characters, then the first byte of a 22nd. */
	for (int i = 0; i < 21; i++)
		memcpy(transfer.receiver_name + 3 * i, "李", 3);
	transfer.receiver_name[63] = (char)0xE6;
	transfer.receiver_name[64] = '\0';
	assert_int_equal(api_wallet_transfer_encode(&transfer, payload,
						    sizeof(payload)),
			 API_OK);
	assert_int_equal(api_wallet_transfer_decode(payload, &decoded),
			 API_OK);
	length = strlen(decoded.receiver_name);
	assert_int_equal(length, 63);
	assert_memory_equal(decoded.receiver_name, transfer.receiver_name, 63);
}

static void decode_rejects_receiver_table(void **state)
{
	static const char *const payloads[] = {
		"{\"amount\":1,\"currency\":\"GHS\",\"sender_account\":"
		"\"1000000001\"}",
		"{\"amount\":1,\"currency\":\"GHS\",\"receiver_account\":"
		"\"1000000002\",\"receiver_customer_id\":\"" CUSTOMER_ID "\","
		"\"sender_account\":\"1000000001\"}",
		"{\"amount\":1,\"currency\":\"GHS\",\"receiver_customer_id\":"
		"\"\",\"sender_account\":\"1000000001\"}",
		"{\"amount\":1,\"currency\":\"GHS\",\"receiver_customer_id\":"
		"\"" CUSTOMER_ID "\",\"receiver_name\":7,"
		"\"sender_account\":\"1000000001\"}",
	};
	struct wallet_transfer decoded;
	char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		assert_int_equal(api_wallet_transfer_decode(payloads[i],
							    &decoded),
				 API_EPROTOCOL);
		assert_int_equal(api_dependency_keys(API_TYPE_WALLET_TRANSFER,
						     payloads[i], keys),
				 API_EPROTOCOL);
	}
}

/* A policy that lets GHS transfers of up to 2,000.00 be journaled. */
static const char transfer_policy[] =
	"{\"version\":1,\"operations\":{\"wallet_transfer\":"
	"{\"offline_allowed\":true,\"max_amount\":{\"GHS\":200000},"
	"\"max_exposure\":{\"GHS\":1000000},\"max_queued\":100,"
	"\"max_age_seconds\":86400}}}";

/* A fee schedule with free GHS transfers, as the sandbox's default:
 * submit takes the fee from the cached schedule. */
static const char free_transfers[] =
	"{\"version\":1,\"fees\":{\"wallet_transfer\":{\"GHS\":"
	"[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]}}}";

/* Run submit_run on input with a journal in a new folder under /tmp.
 * Returns its result; the journal is left in config->journal_path. */
static int run_submit(struct config *config, const char *input,
		      char *output, size_t output_size)
{
	char dir[] = "/tmp/spotagent-test-wallet-XXXXXX";
	struct journal *journal = NULL;
	FILE *in;
	FILE *out;
	FILE *err;
	int rc;

	memset(config, 0, sizeof(*config));
	assert_non_null(mkdtemp(dir));
	snprintf(config->journal_path, sizeof(config->journal_path),
		 "%s/journal.db", dir);
	assert_int_equal(journal_open(config->journal_path, &journal),
			 JOURNAL_OK);
	assert_int_equal(journal_set_meta(journal, POLICY_META_KEY,
					  transfer_policy),
			 JOURNAL_OK);
	assert_int_equal(journal_set_meta(journal, REFDATA_META_FEES,
					  free_transfers),
			 JOURNAL_OK);
	journal_close(journal);

	in = fmemopen((void *)input, strlen(input), "r");
	out = fmemopen(output, output_size, "w");
	err = tmpfile();
	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(err);
	rc = submit_run(config, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	return rc;
}

/* Delete the journal that run_submit made and its folder. */
static void remove_journal(const struct config *config)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[sizeof(config->journal_path) + 8];
	char *slash;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", config->journal_path,
			 suffixes[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s", config->journal_path);
	slash = strrchr(path, '/');
	assert_non_null(slash);
	*slash = '\0';
	assert_int_equal(rmdir(path), 0);
}

static void submit_takes_customer_id(void **state)
{
	static const char input[] =
		"{\"type\":\"wallet_transfer\",\"agent_id\":\"A1001\","
		"\"sender_account\":\"1000000001\","
		"\"receiver_customer_id\":\"" CUSTOMER_ID "\","
		"\"currency\":\"GHS\",\"amount\":1250}\n"
		/* Both receivers. */
		"{\"type\":\"wallet_transfer\",\"agent_id\":\"A1001\","
		"\"sender_account\":\"1000000001\","
		"\"receiver_account\":\"1000000002\","
		"\"receiver_customer_id\":\"" CUSTOMER_ID "\","
		"\"currency\":\"GHS\",\"amount\":1250}\n"
		/* An upper-case id. */
		"{\"type\":\"wallet_transfer\",\"agent_id\":\"A1001\","
		"\"sender_account\":\"1000000001\","
		"\"receiver_customer_id\":"
		"\"6A5B4C3D-2E1F-4A0B-9C8D-7E6F5A4B3C2D\","
		"\"currency\":\"GHS\",\"amount\":1250}\n";
	struct config config;
	struct journal *journal = NULL;
	struct wallet_transfer decoded;
	struct operation op;
	char output[256] = "";
	char id[JOURNAL_ID_SIZE];

	(void)state;
	assert_int_equal(run_submit(&config, input, output, sizeof(output)),
			 2);
	assert_memory_equal(output, "queued ", 7);
	assert_int_equal(strlen(output), 7 + JOURNAL_ID_SIZE - 1 + 1);
	memcpy(id, output + 7, JOURNAL_ID_SIZE - 1);
	id[JOURNAL_ID_SIZE - 1] = '\0';

	assert_int_equal(journal_open(config.journal_path, &journal),
			 JOURNAL_OK);
	assert_int_equal(journal_get(journal, id, &op), JOURNAL_OK);
	journal_close(journal);
	remove_journal(&config);
	/* The journal returns keys in byte order. */
	assert_string_equal(op.keys[0], "customer:" CUSTOMER_ID);
	assert_string_equal(op.keys[1], "wallet:1000000001");
	assert_int_equal(api_wallet_transfer_decode(op.payload, &decoded),
			 API_OK);
	assert_string_equal(decoded.receiver_customer_id, CUSTOMER_ID);
	assert_string_equal(decoded.receiver, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validate_to_customer_table),
		cmocka_unit_test(validate_to_account_unchanged),
		cmocka_unit_test(build_to_customer_keys),
		cmocka_unit_test(encode_by_account_has_no_name),
		cmocka_unit_test(encode_cuts_name_on_character),
		cmocka_unit_test(decode_rejects_receiver_table),
		cmocka_unit_test(submit_takes_customer_id),
	};

	return cmocka_run_group_tests_name("wallet", tests, NULL, NULL);
}
