/* Integration test of transfers to a customer whose registration is still
 * queued, against the sandbox over mutual TLS on localhost. The transfer
 * names the customer by id and waits for the registration. When the
 * registration is rejected, the transfer is held and never applied. */
#include <limits.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "../../app/api.h"
#include "../../app/app.h"
#include "../../app/customer.h"
#include "../../app/log.h"
#include "../../app/receipt.h"
#include "../../app/wallet.h"

#define AGENT "A1001"
/* Demo data of the sandbox seed (docs/api.md, The sandbox): Kofi
 * Boateng's wallet, 5,000.00 GHS, and Akosua Darko's phone number. */
#define KOFI_WALLET "1000000001"
#define AKOSUA_PHONE "+233244000002"
#define DRAIN_SECONDS 60

static void start_sandbox(struct app_fixture *f, int port)
{
	sandbox_process_start(&f->sandbox, port, NULL);
}

static int setup(void **state)
{
	struct app_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	app_fixture_setup(f, "pending");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct app_fixture *f = *state;

	app_fixture_teardown(f);
	return 0;
}

/* Journal a registration of a customer with phone, as typed offline. */
static void register_offline(struct app_fixture *f, const char *phone,
			     struct customer_registration *reg,
			     struct operation *op)
{
	struct customer_registration typed = { 0 };
	enum customer_field field;
	char message[256];

	snprintf(typed.first_name, sizeof(typed.first_name), "Yaa");
	snprintf(typed.last_name, sizeof(typed.last_name), "Asantewaa");
	snprintf(typed.phone, sizeof(typed.phone), "%s", phone);
	snprintf(typed.date_of_birth, sizeof(typed.date_of_birth),
		 "1988-02-29");
	snprintf(typed.id_type, sizeof(typed.id_type), "passport");
	snprintf(typed.id_number, sizeof(typed.id_number), "G1234567");
	snprintf(typed.address, sizeof(typed.address), "3 Palace Road, Ejisu");
	snprintf(typed.currency, sizeof(typed.currency), "GHS");
	if (customer_registration_build(AGENT, &typed, "233", time(NULL), reg,
					op, &field, message,
					sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, op, false, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
}

/* Journal an offline transfer of `amount` GHS from Kofi's wallet to the
 * customer customer_id, named by id. */
static void transfer_to_customer(struct app_fixture *f, const char *customer_id,
				 const char *name, const char *amount,
				 struct operation *op)
{
	struct wallet_transfer transfer;
	enum wallet_field field;
	char message[256];

	if (wallet_transfer_validate_to_customer(KOFI_WALLET, customer_id,
						 "GHS", amount, &transfer,
						 &field, message,
						 sizeof(message)) != 0)
		fail_msg("validate: field %d: %s", field, message);
	snprintf(transfer.receiver_name, sizeof(transfer.receiver_name), "%s",
		 name);
	if (wallet_transfer_build(AGENT, &transfer, time(NULL), op, message,
				  sizeof(message)) != 0 ||
	    wallet_transfer_journal(f->app.journal, op, false, message,
				    sizeof(message)) != 0)
		fail_msg("transfer: %s", message);
}

/* Find the customer pending under phone, as the agent does offline, and
 * journal a transfer to them. */
static void transfer_to_pending(struct app_fixture *f, const char *phone,
				const char *amount, struct operation *op)
{
	struct api_customer pending;
	char name[2 * API_PERSON_NAME_SIZE];

	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_PHONE, phone,
						 time(NULL), &pending),
			 CUSTOMER_OK);
	assert_int_equal(pending.version, 0);
	assert_int_equal(pending.wallet_count, 0);
	snprintf(name, sizeof(name), "%s %s", pending.profile.first_name,
		 pending.profile.last_name);
	transfer_to_customer(f, pending.profile.customer_id, name, amount,
			     op);
}

/* Whether a line of receipt starts with label and contains value. */
static bool receipt_has_pair(const struct receipt *receipt,
			     const char *label, const char *value)
{
	for (int i = 0; i < receipt->count; i++) {
		const char *text = receipt->lines[i].text;

		if (strncmp(text, label, strlen(label)) == 0 &&
		    strstr(text, value) != NULL)
			return true;
	}
	return false;
}

static int drain(struct app_fixture *f)
{
	return sync_drain(&f->app.config, time(NULL) + DRAIN_SECONDS, NULL);
}

static void reload(struct app_fixture *f, struct operation *op)
{
	assert_int_equal(journal_get(f->app.journal, op->id, op), JOURNAL_OK);
}

static long reference_number(const char *reference)
{
	assert_memory_equal(reference, "SBX-", 4);
	return strtol(reference + 4, NULL, 10);
}

/* Journal a registration and a transfer to the new customer offline,
 * then sync them in batches of batch_size operations. */
static void check_transfer_waits(struct app_fixture *f, int batch_size)
{
	struct customer_registration reg;
	struct api_customer cached;
	struct operation registration;
	struct operation transfer;
	struct receipt receipt;
	struct receipt_context context = { .terminal_id = "T0001" };
	char account[64];
	char text[64];
	int port = f->sandbox.port;

	f->app.config.batch_size = batch_size;
	sandbox_process_stop(&f->sandbox);
	register_offline(f, "0209990001", &reg, &registration);
	transfer_to_pending(f, "+233209990001", "12.50", &transfer);
	snprintf(text, sizeof(text), "customer:%s", reg.customer_id);
	assert_string_equal(transfer.keys[1], text);
	assert_int_equal(drain(f), 2);
	reload(f, &registration);
	reload(f, &transfer);
	assert_int_equal(registration.state, OP_QUEUED);
	assert_int_equal(transfer.state, OP_QUEUED);

	/* The pending receipt names the customer, not an empty account. */
	assert_int_equal(receipt_layout(&transfer, &context,
					RECEIPT_COLUMNS_80MM, &receipt),
			 0);
	assert_true(receipt_has_pair(&receipt, "To ", "Yaa Asantewaa"));

	start_sandbox(f, port);
	assert_int_equal(drain(f), 0);
	reload(f, &registration);
	reload(f, &transfer);
	assert_int_equal(registration.state, OP_ACCEPTED);
	assert_int_equal(transfer.state, OP_ACCEPTED);
	assert_true(reference_number(registration.reference) <
		    reference_number(transfer.reference));

	/* The ledger moved the money into the new customer's wallet. */
	app_fixture_sandbox_text(f,
				 "SELECT account FROM wallets WHERE "
				 "customer_id = ?",
				 reg.customer_id, account, sizeof(account));
	assert_int_equal(strlen(account), 10);
	app_fixture_sandbox_text(f,
				 "SELECT receiver FROM ledger WHERE "
				 "operation_id = ?",
				 transfer.id, text, sizeof(text));
	assert_string_equal(text, account);
	app_fixture_sandbox_text(f,
				 "SELECT sender || ' ' || amount FROM ledger "
				 "WHERE operation_id = ?",
				 transfer.id, text, sizeof(text));
	assert_string_equal(text, KOFI_WALLET " 1250");
	app_fixture_sandbox_text(f,
				 "SELECT balance FROM wallets WHERE account = "
				 "?",
				 account, text, sizeof(text));
	assert_string_equal(text, "1250");

	/* Accepted, the customer is cached with the wallet, no longer
	 * pending. */
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233209990001", time(NULL),
						 &cached),
			 CUSTOMER_OK);
	assert_int_equal(cached.version, 1);
	assert_string_equal(cached.wallets[0].account, account);
}

/* Journal a registration that the sandbox rejects and a transfer to its
 * customer offline, then sync them in batches of batch_size operations. */
static void check_rejected_holds(struct app_fixture *f, int batch_size)
{
	struct customer_registration reg;
	struct operation registration;
	struct operation held;
	struct operation late;
	char text[64];
	int port = f->sandbox.port;

	/* Akosua's phone is taken, so the sandbox rejects the
	 * registration. */
	f->app.config.batch_size = batch_size;
	sandbox_process_stop(&f->sandbox);
	register_offline(f, AKOSUA_PHONE, &reg, &registration);
	transfer_to_pending(f, AKOSUA_PHONE, "20.00", &held);
	start_sandbox(f, port);

	assert_int_equal(drain(f), 0);
	reload(f, &registration);
	reload(f, &held);
	assert_int_equal(registration.state, OP_REJECTED);
	assert_non_null(strstr(registration.last_error, "phone"));
	assert_int_equal(held.state, OP_NEEDS_ATTENTION);
	assert_non_null(strstr(held.last_error, "Held"));
	assert_non_null(strstr(held.last_error, registration.id));

	/* Another drain leaves it held: it is not sent. */
	assert_int_equal(drain(f), 0);
	reload(f, &held);
	assert_int_equal(held.state, OP_NEEDS_ATTENTION);
	assert_int_equal(held.sent, 0);
	app_fixture_sandbox_text(f,
				 "SELECT COUNT(*) FROM ledger WHERE "
				 "operation_id = ?",
				 held.id, text, sizeof(text));
	assert_string_equal(text, "0");
	app_fixture_sandbox_text(f,
				 "SELECT COUNT(*) FROM idempotency WHERE "
				 "idempotency_key = ?",
				 held.id, text, sizeof(text));
	assert_string_equal(text, "0");

	/* The agent cancels the held transfer and enters it again. With the
	 * registration rejected, nothing holds the new one back, so it is
	 * sent, and the central service rejects it because the customer does
	 * not exist. Neither is applied. */
	assert_int_equal(journal_cancel(f->app.journal, held.id,
					"Cancelled by the agent", time(NULL)),
			 JOURNAL_OK);
	transfer_to_customer(f, reg.customer_id, "", "20.00", &late);
	assert_int_equal(drain(f), 0);
	reload(f, &late);
	assert_int_equal(late.state, OP_REJECTED);
	assert_non_null(strstr(late.last_error, "not registered"));
	app_fixture_sandbox_text(f,
				 "SELECT COUNT(*) FROM ledger WHERE "
				 "operation_id = ?",
				 late.id, text, sizeof(text));
	assert_string_equal(text, "0");
	app_fixture_sandbox_text(f,
				 "SELECT COUNT(*) FROM customers WHERE "
				 "customer_id = ?",
				 reg.customer_id, text, sizeof(text));
	assert_string_equal(text, "0");
}

/* In one batch, the central service applies the two in order. */
static void test_transfer_waits_in_batch(void **state)
{
	check_transfer_waits(*state, 100);
}

/* One operation a batch: the terminal's queue keeps the order. */
static void test_transfer_waits_alone(void **state)
{
	check_transfer_waits(*state, 1);
}

/* In one batch, the central service holds the transfer (424). */
static void test_rejected_holds_in_batch(void **state)
{
	check_rejected_holds(*state, 100);
}

/* One operation a batch: the terminal holds the transfer itself when the
 * registration is rejected. */
static void test_rejected_holds_alone(void **state)
{
	check_rejected_holds(*state, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transfer_waits_in_batch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer_waits_alone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected_holds_in_batch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected_holds_alone,
						setup, teardown),
	};

	transport_global_init();
	return cmocka_run_group_tests_name("integration_pending", tests, NULL,
					   NULL);
}
