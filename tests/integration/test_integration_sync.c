/* Integration test of the first end-to-end path against the sandbox over
 * mutual TLS on localhost: login, lookup, a transfer journaled and sent,
 * replay, rejection, bad certificates, and a transfer queued while the
 * sandbox is down and applied exactly once after it returns. */
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
#include "../../app/wallet.h"

#define AGENT "A1001"
#define PASSWORD "counter-demo-1"
#define RICH_WALLET "1000000001"  /* GHS 5,000.00 in the sandbox seed */
#define POOR_WALLET "1000000002"  /* GHS 250.00 */
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

/* Count the sandbox's ledger rows for one operation. */
static int ledger_count(struct app_fixture *f, const char *id)
{
	return app_fixture_sandbox_int(f,
				       "SELECT COUNT(*) FROM ledger "
				       "WHERE operation_id = ?",
				       id);
}

static int setup(void **state)
{
	*state = app_fixture_open_session("sync", AGENT);
	return 0;
}

static int teardown(void **state)
{
	app_fixture_close_session(*state);
	return 0;
}

/* Journal a transfer through the service layer. */
static void submit(struct app_fixture *f, const char *from, const char *to,
		   const char *amount, char id[JOURNAL_ID_SIZE])
{
	struct wallet_transfer transfer;
	enum wallet_field field;
	char message[256];

	assert_int_equal(wallet_transfer_validate(from, to, "GHS", amount,
						  &transfer, &field, message,
						  sizeof(message)),
			 0);
	assert_int_equal(wallet_transfer_submit(&f->app, &transfer, id,
						message, sizeof(message)),
			 0);
}

static void test_login_and_lookup(void **state)
{
	struct app_fixture *f = *state;
	struct transport *transport = NULL;
	struct api_login login = { 0 };
	struct api_wallet wallet = { 0 };
	char message[256];

	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	assert_int_equal(api_login(transport, AGENT, "wrong-password", &login,
				   message, sizeof(message)),
			 API_EAUTH);
	assert_int_equal(api_login(transport, AGENT, PASSWORD, &login,
				   message, sizeof(message)),
			 API_OK);
	assert_string_equal(login.agent_name, "Ama Mensah");
	assert_true(login.expires_at > (int64_t)time(NULL));
	assert_int_equal(api_wallet_lookup(transport, login.token,
					   POOR_WALLET, &wallet, message,
					   sizeof(message)),
			 API_OK);
	assert_string_equal(wallet.holder_name, "Akosua Darko");
	assert_string_equal(wallet.currency, "GHS");
	assert_int_equal(api_wallet_lookup(transport, login.token,
					   "9999999999", &wallet, message,
					   sizeof(message)),
			 API_ENOTFOUND);
	assert_int_equal(api_wallet_lookup(transport, "0000", POOR_WALLET,
					   &wallet, message, sizeof(message)),
			 API_ESESSION);
	transport_close(transport);
}

static void test_transfer_accepted_once(void **state)
{
	struct app_fixture *f = *state;
	struct transport *transport = NULL;
	struct api_outcome outcome;
	struct operation op;
	char id[JOURNAL_ID_SIZE];

	submit(f, RICH_WALLET, POOR_WALLET, "12.50", id);
	assert_int_equal(journal_get(f->app.journal, id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_QUEUED);
	assert_int_equal(op.amount, 1250);

	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 60, NULL),
			 0);
	assert_int_equal(journal_get(f->app.journal, id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_ACCEPTED);
	assert_memory_equal(op.reference, "SBX-", 4);
	assert_int_equal(ledger_count(f, id), 1);

	/* A resend of the same operation is a replay, not a new transfer. */
	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	api_submit(transport, &op, &outcome);
	transport_close(transport);
	assert_int_equal(outcome.result, API_OK);
	assert_string_equal(outcome.reference, op.reference);
	assert_int_equal(ledger_count(f, id), 1);
}

static void test_transfer_rejected_with_reason(void **state)
{
	struct app_fixture *f = *state;
	struct operation op;
	char id[JOURNAL_ID_SIZE];

	submit(f, POOR_WALLET, RICH_WALLET, "100000", id);
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 60, NULL),
			 0);
	assert_int_equal(journal_get(f->app.journal, id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_REJECTED);
	assert_true(strlen(op.last_error) > 0);
	assert_int_equal(ledger_count(f, id), 0);
}

static void test_untrusted_certificates(void **state)
{
	struct app_fixture *f = *state;
	struct transport *transport = NULL;
	struct config good = f->app.config;

	/* A client certificate from another CA is refused by the sandbox. */
	app_fixture_load_config(f, "client-rogue");
	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	assert_int_equal(api_ping(transport), API_ETLS);
	transport_close(transport);

	/* A CA that did not sign the server's certificate is not trusted. */
	f->app.config = good;
	snprintf(f->app.config.ca_file, sizeof(f->app.config.ca_file),
		 "build/certs/rogue-ca.pem");
	assert_int_equal(open_transport(f, &transport), TRANSPORT_OK);
	assert_int_equal(api_ping(transport), API_ETLS);
	transport_close(transport);
	f->app.config = good;
}

static void test_offline_then_applied_once(void **state)
{
	struct app_fixture *f = *state;
	struct sync_worker *worker = NULL;
	struct wallet_transfer transfer;
	struct operation op;
	enum wallet_field field;
	char message[256];
	char id[JOURNAL_ID_SIZE];
	int port = f->sandbox.port;
	int waited;

	stop_sandbox(f);
	f->app.status.online = false;

	/* The sandbox's policy allows GHS 2,000.00 per operation offline. */
	assert_int_equal(wallet_transfer_validate(RICH_WALLET, POOR_WALLET,
						  "GHS", "2000.01", &transfer,
						  &field, message,
						  sizeof(message)),
			 0);
	assert_int_equal(wallet_transfer_submit(&f->app, &transfer, id,
						message, sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "Offline limit"));

	submit(f, RICH_WALLET, POOR_WALLET, "7.25", id);
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 30, NULL),
			 1);
	assert_int_equal(journal_get(f->app.journal, id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_QUEUED);
	assert_int_equal(op.attempts, 1);

	/* The worker runs while the sandbox is down, then finds it back. */
	assert_int_equal(sync_start(&f->app.config, NULL, &worker), 0);
	sandbox_sleep_ms(1500);
	start_sandbox(f, port);
	for (waited = 0; waited < APPLY_WAIT_MS; waited += 100) {
		assert_int_equal(journal_get(f->app.journal, id, &op),
				 JOURNAL_OK);
		if (op.state == OP_ACCEPTED)
			break;
		sandbox_sleep_ms(100);
	}
	sync_stop(worker);
	assert_int_equal(op.state, OP_ACCEPTED);
	assert_int_equal(ledger_count(f, id), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_and_lookup),
		cmocka_unit_test(test_transfer_accepted_once),
		cmocka_unit_test(test_transfer_rejected_with_reason),
		cmocka_unit_test(test_untrusted_certificates),
		cmocka_unit_test(test_offline_then_applied_once),
	};

	transport_global_init();
	return cmocka_run_group_tests_name("integration_sync", tests, setup,
					   teardown);
}
