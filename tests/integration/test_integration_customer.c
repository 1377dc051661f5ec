/* Integration test of the customer service against the sandbox over
 * mutual TLS on localhost: registration online, offline and with a taken
 * phone number, lookups online and from the offline cache, and profile
 * updates: accepted, on a stale version and to a taken phone number, the
 * offline cache following an accepted update, and the agent discarding a
 * conflicting update. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "../../app/api.h"
#include "../../app/app.h"
#include "../../app/log.h"
#include "../../app/customer.h"

#define AGENT "A1001"
#define PASSWORD "counter-demo-1"
/* Demo customers of the sandbox seed (docs/api.md, The sandbox). */
#define AKOSUA_PHONE "+233244000002"
#define CHIDI_WALLET "1000000003"
#define NGOZI_ID "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c04"
#define KOFI_ID "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c01"
#define AKOSUA_ID "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c02"
#define CHIDI_ID "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c03"
#define APPLY_WAIT_MS 30000

static void start_sandbox(struct app_fixture *f, int port)
{
	sandbox_process_start(&f->sandbox, port, NULL);
}

static void stop_sandbox(struct app_fixture *f)
{
	sandbox_process_stop(&f->sandbox);
}

static int open_transport(struct app_fixture *f, struct transport **out)
{
	return sync_transport_open(&f->app.config, out);
}

static int setup(void **state)
{
	*state = app_fixture_open_session("customer", AGENT);
	return 0;
}

static int teardown(void **state)
{
	app_fixture_close_session(*state);
	return 0;
}

/* The form of a new customer as an agent types it. */
static void typed_customer(struct customer_registration *typed,
			   const char *phone)
{
	memset(typed, 0, sizeof(*typed));
	snprintf(typed->first_name, sizeof(typed->first_name), "Esi");
	snprintf(typed->last_name, sizeof(typed->last_name), "Owusu");
	snprintf(typed->phone, sizeof(typed->phone), "%s", phone);
	snprintf(typed->date_of_birth, sizeof(typed->date_of_birth),
		 "17/05/1990");
	snprintf(typed->id_type, sizeof(typed->id_type), "national_id");
	snprintf(typed->id_number, sizeof(typed->id_number),
		 "GHA-700000001-2");
	snprintf(typed->address, sizeof(typed->address),
		 " 5 Oxford Street, Accra ");
	snprintf(typed->email, sizeof(typed->email), "esi@example.com");
	snprintf(typed->currency, sizeof(typed->currency), "GHS");
}

/* Build and journal a registration into *reg and *op. */
static void register_customer(struct app_fixture *f, const char *phone,
			      struct customer_registration *reg,
			      struct operation *op)
{
	struct customer_registration typed;
	enum customer_field field;
	char message[256];

	typed_customer(&typed, phone);
	if (customer_registration_build(AGENT, &typed, "233", time(NULL),
					reg, op, &field, message,
					sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, op, f->app.status.online, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
}

static void drain(struct app_fixture *f)
{
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 60, NULL),
			 0);
}

static void login(struct app_fixture *f, struct api_login *out)
{
	struct transport *transport = NULL;
	char message[256];

	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	assert_int_equal(api_login(transport, AGENT, PASSWORD, out, message,
				   sizeof(message)),
			 API_OK);
	transport_close(transport);
}

static void test_registration_accepted(void **state)
{
	struct app_fixture *f = *state;
	struct customer_registration reg;
	struct api_customer cached;
	struct transport *transport = NULL;
	struct api_outcome outcome;
	struct operation op;

	register_customer(f, "020 123 4567", &reg, &op);
	assert_string_equal(reg.phone, "+233201234567");
	assert_string_equal(reg.address, "5 Oxford Street, Accra");
	assert_string_equal(op.type, API_TYPE_CUSTOMER_REGISTRATION);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_ACCEPTED);
	assert_memory_equal(op.reference, "SBX-", 4);

	/* A resend replays the acceptance with the new wallet. */
	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	api_submit(transport, &op, &outcome);
	transport_close(transport);
	assert_int_equal(outcome.result, API_OK);
	assert_string_equal(outcome.reference, op.reference);
	assert_int_equal(strlen(outcome.wallet_account), 10);
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT COUNT(*) FROM customers WHERE "
				       "customer_id = ? AND phone = "
				       "'+233201234567'",
				       reg.customer_id),
			 1);
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT COUNT(*) FROM wallets WHERE "
				       "account = ?",
				       outcome.wallet_account),
			 1);

	assert_int_equal(customer_cache_put_registration(
				 f->app.journal, &reg, outcome.wallet_account,
				 time(NULL)),
			 CUSTOMER_OK);
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_WALLET,
						 outcome.wallet_account,
						 time(NULL), &cached),
			 CUSTOMER_OK);
	assert_string_equal(cached.profile.customer_id, reg.customer_id);
}

/* A holder whose first and last names both have the full 64 characters,
 * each of 3 bytes in UTF-8, is named in full by the wallet lookup. */
static void test_long_name_wallet_lookup(void **state)
{
	struct app_fixture *f = *state;
	struct customer_registration typed;
	struct customer_registration reg;
	struct transport *transport = NULL;
	struct api_outcome outcome;
	struct api_login session;
	struct api_wallet wallet;
	struct operation op;
	enum customer_field field;
	char expected[API_NAME_SIZE];
	char message[256];
	size_t used = 0;

	typed_customer(&typed, "020 123 4999");
	for (int i = 0; i < 64; i++) {
		memcpy(typed.first_name + used, "\xe7\x8e\x8b", 3); /* 王 */
		memcpy(typed.last_name + used, "\xe6\x98\x8e", 3);  /* 明 */
		used += 3;
	}
	typed.first_name[used] = '\0';
	typed.last_name[used] = '\0';
	if (customer_registration_build(AGENT, &typed, "233", time(NULL),
					&reg, &op, &field, message,
					sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	assert_int_equal(customer_journal(f->app.journal, &op, true, message,
					  sizeof(message)),
			 0);
	drain(f);

	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	api_submit(transport, &op, &outcome);
	assert_int_equal(outcome.result, API_OK);
	login(f, &session);
	assert_int_equal(api_wallet_lookup(transport, session.token,
					   outcome.wallet_account, &wallet,
					   message, sizeof(message)),
			 API_OK);
	transport_close(transport);
	snprintf(expected, sizeof(expected), "%s %s", typed.first_name,
		 typed.last_name);
	assert_string_equal(wallet.holder_name, expected);
}

static void test_duplicate_phone_rejected(void **state)
{
	struct app_fixture *f = *state;
	struct customer_registration reg;
	struct operation op;

	register_customer(f, AKOSUA_PHONE, &reg, &op);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_REJECTED);
	assert_non_null(strstr(op.last_error, "phone"));
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT COUNT(*) FROM customers WHERE "
				       "customer_id = ?",
				       reg.customer_id),
			 0);
}

static void test_offline_registration_synced(void **state)
{
	struct app_fixture *f = *state;
	struct customer_registration reg;
	struct api_customer cached;
	struct operation op;
	int port = f->sandbox.port;

	stop_sandbox(f);
	f->app.status.online = false;
	register_customer(f, "+233209998877", &reg, &op);
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 30, NULL),
			 1);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_QUEUED);

	start_sandbox(f, port);
	f->app.status.online = true;
	drain(f);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_ACCEPTED);
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT COUNT(*) FROM customers WHERE "
				       "customer_id = ?",
				       reg.customer_id),
			 1);

	/* The sync worker caches the accepted registration for offline
	 * lookups, with its new wallet. */
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233209998877", time(NULL),
						 &cached),
			 CUSTOMER_OK);
	assert_string_equal(cached.profile.customer_id, reg.customer_id);
	assert_int_equal(cached.wallet_count, 1);
	assert_int_equal(strlen(cached.wallets[0].account), 10);
}

static void test_lookup_online_then_offline(void **state)
{
	struct app_fixture *f = *state;
	struct transport *transport = NULL;
	struct api_login session;
	struct api_customer customer;
	char message[256];
	int port = f->sandbox.port;

	login(f, &session);
	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	assert_int_equal(customer_lookup_online(f->app.journal, transport,
						session.token,
						API_CUSTOMER_BY_PHONE,
						AKOSUA_PHONE, time(NULL),
						&customer, message,
						sizeof(message)),
			 API_OK);
	assert_string_equal(customer.profile.last_name, "Darko");
	assert_int_equal(customer_lookup_online(f->app.journal, transport,
						session.token,
						API_CUSTOMER_BY_WALLET,
						CHIDI_WALLET, time(NULL),
						&customer, message,
						sizeof(message)),
			 API_OK);
	assert_string_equal(customer.profile.first_name, "Chidi");
	assert_int_equal(customer_lookup_online(f->app.journal, transport,
						session.token,
						API_CUSTOMER_BY_PHONE,
						"+233209999999", time(NULL),
						&customer, message,
						sizeof(message)),
			 API_ENOTFOUND);
	transport_close(transport);

	stop_sandbox(f);
	memset(&customer, 0, sizeof(customer));
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_PHONE,
						 AKOSUA_PHONE, time(NULL),
						 &customer),
			 CUSTOMER_OK);
	assert_string_equal(customer.profile.first_name, "Akosua");
	assert_int_equal(customer.wallet_count, 1);
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_WALLET,
						 CHIDI_WALLET, time(NULL),
						 &customer),
			 CUSTOMER_OK);
	assert_string_equal(customer.profile.last_name, "Okafor");
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_WALLET,
						 "1000000004", time(NULL),
						 &customer),
			 CUSTOMER_ENOTFOUND);
	start_sandbox(f, port);
}

/* Journal a phone change of the demo customer Ngozi Eze. */
static void update_phone(struct app_fixture *f, const char *phone,
			 int64_t base_version, struct operation *op)
{
	struct customer_update typed = { .base_version = base_version,
					 .changes = API_CHANGE_PHONE };
	enum customer_field field;
	char message[256];

	snprintf(typed.customer_id, sizeof(typed.customer_id), NGOZI_ID);
	snprintf(typed.phone, sizeof(typed.phone), "%s", phone);
	if (customer_update_build(AGENT, "GHS", &typed, "234", time(NULL), op,
				  &field, message, sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, op, true, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
}

static void test_stale_update_needs_attention(void **state)
{
	struct app_fixture *f = *state;
	struct transport *transport = NULL;
	struct api_outcome outcome;
	struct customer_conflict conflict;
	struct operation first;
	struct operation stale;

	update_phone(f, "08030000044", 1, &first);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, first.id, &first),
			 JOURNAL_OK);
	assert_int_equal(first.state, OP_ACCEPTED);
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT version FROM customers WHERE "
				       "customer_id = ?",
				       NGOZI_ID),
			 2);

	update_phone(f, "+2348030000055", 1, &stale);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, stale.id, &stale),
			 JOURNAL_OK);
	assert_int_equal(stale.state, OP_NEEDS_ATTENTION);
	assert_non_null(strstr(stale.last_error, "Changed at Spotbanc"));
	assert_int_equal(customer_conflict_parse(stale.last_error, &conflict),
			 CUSTOMER_OK);
	assert_int_equal(conflict.version, 2);
	assert_int_equal(conflict.base_version, 1);
	assert_int_equal(conflict.count, 1);
	assert_string_equal(conflict.fields[0].name, "phone");
	assert_string_equal(conflict.fields[0].central, "+2348030000044");
	assert_string_equal(conflict.fields[0].edit, "+2348030000055");
	assert_false(conflict.fields[0].central_cut);
	assert_false(conflict.fields[0].edit_cut);

	/* Sent alone to the profile path, the key replays the stored 412. */
	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	api_submit(transport, &stale, &outcome);
	transport_close(transport);
	assert_int_equal(outcome.result, API_ECONFLICT_VERSION);
	assert_int_equal(customer_conflict_parse(outcome.message, &conflict),
			 CUSTOMER_OK);
	assert_int_equal(conflict.version, 2);
}

/* The agent cannot send a conflicting update again, only discard it,
 * which closes it as acknowledged with no notice due. */
static void test_conflict_discarded(void **state)
{
	struct app_fixture *f = *state;
	struct operation first;
	struct operation stale;
	struct operation after;
	char message[256];

	update_phone(f, "+2348030000066", 2, &first);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, first.id, &first),
			 JOURNAL_OK);
	assert_int_equal(first.state, OP_ACCEPTED);
	update_phone(f, "+2348030000077", 2, &stale);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, stale.id, &stale),
			 JOURNAL_OK);
	assert_int_equal(stale.state, OP_NEEDS_ATTENTION);
	assert_int_equal(stale.sent, 1);

	assert_int_equal(app_retry_operation(&f->app, stale.id, message,
					     sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "same conflict"));
	assert_int_equal(app_discard_operation(&f->app, stale.id, message,
					       sizeof(message)),
			 0);
	assert_non_null(strstr(message, "discarded"));

	assert_int_equal(journal_get(f->app.journal, stale.id, &after),
			 JOURNAL_OK);
	assert_int_equal(after.state, OP_REJECTED);
	assert_true(after.acknowledged_at > 0);
	assert_true(after.printed);
	assert_non_null(strstr(after.last_error,
			       "Discarded by the agent after a version "
			       "conflict"));
	assert_non_null(strstr(after.last_error, "version 3"));
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT version FROM customers WHERE "
				       "customer_id = ?",
				       NGOZI_ID),
			 3);
}

/* After its own update is accepted, the terminal's cache has the new
 * fields and version, so the next edit made offline from the cache is
 * accepted instead of meeting a conflict. */
static void test_cache_follows_accepted_update(void **state)
{
	struct app_fixture *f = *state;
	struct transport *transport = NULL;
	struct customer_update typed = { .changes = API_CHANGE_PHONE |
						    API_CHANGE_ADDRESS };
	struct api_login session;
	struct api_customer customer;
	struct api_customer cached;
	enum customer_field field;
	struct operation op;
	char message[256];
	int64_t version;

	login(f, &session);
	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	assert_int_equal(customer_lookup_online(f->app.journal, transport,
						session.token,
						API_CUSTOMER_BY_PHONE,
						AKOSUA_PHONE, time(NULL),
						&customer, message,
						sizeof(message)),
			 API_OK);
	transport_close(transport);
	version = customer.version;

	snprintf(typed.customer_id, sizeof(typed.customer_id), AKOSUA_ID);
	typed.base_version = version;
	snprintf(typed.phone, sizeof(typed.phone), "+233244000092");
	snprintf(typed.address, sizeof(typed.address), "7 Castle Road, Accra");
	if (customer_update_build(AGENT, "GHS", &typed, "233", time(NULL), &op,
				  &field, message, sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, &op, true, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_ACCEPTED);
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT version FROM customers WHERE "
				       "customer_id = ?",
				       AKOSUA_ID),
			 version + 1);

	/* Offline, by the new phone. The old phone is not found. */
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233244000092", time(NULL),
						 &cached),
			 CUSTOMER_OK);
	assert_int_equal(cached.version, version + 1);
	assert_string_equal(cached.profile.customer_id, AKOSUA_ID);
	assert_string_equal(cached.profile.address, "7 Castle Road, Accra");
	assert_string_equal(cached.profile.first_name,
			    customer.profile.first_name);
	assert_int_equal(cached.wallet_count, customer.wallet_count);
	assert_string_equal(cached.wallets[0].account,
			    customer.wallets[0].account);
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_PHONE,
						 AKOSUA_PHONE, time(NULL),
						 &cached),
			 CUSTOMER_ENOTFOUND);

	/* The next edit, made on the cached version, is accepted. */
	typed.base_version = version + 1;
	typed.changes = API_CHANGE_ADDRESS;
	snprintf(typed.address, sizeof(typed.address), "9 Castle Road, Accra");
	if (customer_update_build(AGENT, "GHS", &typed, "233", time(NULL), &op,
				  &field, message, sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, &op, true, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_ACCEPTED);
	assert_int_equal(customer_lookup_offline(f->app.journal,
						 API_CUSTOMER_BY_WALLET,
						 customer.wallets[0].account,
						 time(NULL), &cached),
			 CUSTOMER_OK);
	assert_int_equal(cached.version, version + 2);
	assert_string_equal(cached.profile.address, "9 Castle Road, Accra");
	assert_string_equal(cached.profile.phone, "+233244000092");
}

/* Journal an update of the demo customer Kofi Boateng on base_version
 * and send it. */
static void update_kofi(struct app_fixture *f, struct customer_update *typed,
			int64_t base_version, struct operation *op)
{
	enum customer_field field;
	char message[256];

	snprintf(typed->customer_id, sizeof(typed->customer_id), KOFI_ID);
	typed->base_version = base_version;
	if (customer_update_build(AGENT, "GHS", typed, "233", time(NULL), op,
				  &field, message, sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, op, true, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, op->id, op), JOURNAL_OK);
}

/* A stale edit of two long fields: the conflict's values are cut on
 * character boundaries, so that the whole reason fits the journal. */
static void test_conflict_cuts_long_values(void **state)
{
	/* 121 characters in 189 bytes, with combining marks, commas and
	 * quotes. */
	static const char address[] =
		"Flat 2, \"Ọ̀nà\" House, "
		"Ọbáfẹ́mi Awólọ́wọ̀ Way, "
		"Ìkẹjà, Èkó; ẹ̀gbẹ́ ọjà "
		"Ọ̀ṣọ́dì, \"Àdúgbò\" "
		"Ìsàlẹ̀ Ẹ̀kọ́, "
		"Ọ̀nà Àgbáyé, Ilé Àṣẹ";
	struct app_fixture *f = *state;
	struct customer_update email = { .changes = API_CHANGE_EMAIL };
	struct customer_update stale = { .changes = API_CHANGE_ADDRESS |
						    API_CHANGE_FIRST_NAME };
	struct customer_conflict conflict;
	struct operation op;
	size_t length;

	/* Another terminal's edit raises the profile to version 2. */
	snprintf(email.email, sizeof(email.email), "kofi@example.org");
	update_kofi(f, &email, 1, &op);
	assert_int_equal(op.state, OP_ACCEPTED);

	snprintf(stale.address, sizeof(stale.address), "%s", address);
	snprintf(stale.first_name, sizeof(stale.first_name), "Kọ́fí");
	update_kofi(f, &stale, 1, &op);
	assert_int_equal(op.state, OP_NEEDS_ATTENTION);
	assert_true(strlen(op.last_error) < JOURNAL_ERROR_SIZE - 1);

	assert_int_equal(customer_conflict_parse(op.last_error, &conflict),
			 CUSTOMER_OK);
	assert_int_equal(conflict.version, 2);
	assert_int_equal(conflict.base_version, 1);
	assert_int_equal(conflict.count, 2);
	assert_string_equal(conflict.fields[0].name, "first_name");
	assert_string_equal(conflict.fields[0].central, "Kofi");
	assert_string_equal(conflict.fields[0].edit, "Kọ́fí");
	assert_false(conflict.fields[0].central_cut);
	assert_false(conflict.fields[0].edit_cut);
	assert_string_equal(conflict.fields[1].name, "address");
	assert_string_equal(conflict.fields[1].central, "12 Ring Road, Accra");
	assert_false(conflict.fields[1].central_cut);
	assert_true(conflict.fields[1].edit_cut);
	length = strlen(conflict.fields[1].edit);
	assert_true(length > 20);
	assert_true(length < strlen(address));
	assert_memory_equal(conflict.fields[1].edit, address, length);
	/* The cut falls between characters: the next byte starts one. */
	assert_true(((unsigned char)address[length] & 0xC0) != 0x80);
}

/* A profile update to a phone number another customer has is rejected
 * and changes nothing. */
static void test_update_duplicate_phone_rejected(void **state)
{
	struct app_fixture *f = *state;
	struct customer_update typed = { .base_version = 1,
					 .changes = API_CHANGE_PHONE };
	enum customer_field field;
	struct operation op;
	char message[256];

	snprintf(typed.customer_id, sizeof(typed.customer_id), CHIDI_ID);
	snprintf(typed.phone, sizeof(typed.phone), AKOSUA_PHONE);
	if (customer_update_build(AGENT, "GHS", &typed, "234", time(NULL), &op,
				  &field, message, sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, &op, true, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
	drain(f);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_REJECTED);
	assert_non_null(strstr(op.last_error, "phone"));
	assert_int_equal(app_fixture_sandbox_int(f,
				       "SELECT version FROM customers WHERE "
				       "customer_id = ?",
				       CHIDI_ID),
			 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registration_accepted),
		cmocka_unit_test(test_long_name_wallet_lookup),
		cmocka_unit_test(test_duplicate_phone_rejected),
		cmocka_unit_test(test_offline_registration_synced),
		cmocka_unit_test(test_lookup_online_then_offline),
		cmocka_unit_test(test_stale_update_needs_attention),
		cmocka_unit_test(test_conflict_discarded),
		cmocka_unit_test(test_conflict_cuts_long_values),
		cmocka_unit_test(test_update_duplicate_phone_rejected),
		cmocka_unit_test(test_cache_follows_accepted_update),
	};

	transport_global_init();
	return cmocka_run_group_tests_name("integration_customer", tests,
					   setup, teardown);
}
