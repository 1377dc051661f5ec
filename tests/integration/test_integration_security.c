/* Integration test of security management against the sandbox over mutual
 * TLS on localhost: offline login after an online login, the offline
 * lockout across a journal reopen, password change, and requests after
 * the session token expired. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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

#include "sandbox_process.h"
#include "../../app/api.h"
#include "../../app/app.h"
#include "../../app/log.h"
#include "../../app/customer.h"
#include "../../app/security.h"
#include "../../offline/credentials.h"

#define AGENT "A1001"
#define PASSWORD "counter-demo-1"
#define NEW_PASSWORD "Harmattan-2027"
#define OTHER_AGENT "A1002"
#define OTHER_PASSWORD "counter-demo-2"
#define EVENT_WAIT_MS 20000
/* Session lifetime of the token expiry tests, in seconds: long enough
 * for the requests after a new login, short enough to wait out. */
#define TOKEN_TTL "3"
/* A demo customer of the sandbox seed (docs/api.md, The sandbox). */
#define AKOSUA_PHONE "+233244000002"

struct fixture {
	struct sandbox_process sandbox;
	struct app app;
};

/* The result of one request, from its EVENT_LOGIN. */
struct reply {
	int status;
	char text[200];
};

/* Write the terminal's configuration with `extra` lines appended to its
 * [terminal] section, into f->sandbox.dir. */
/* Extra sandbox arguments of the running test, or NULL. */
static const char *const *sandbox_extra;

static void start_sandbox(struct fixture *f)
{
	sandbox_process_start(&f->sandbox, 0, sandbox_extra);
}

static void stop_sandbox(struct fixture *f)
{
	sandbox_process_stop(&f->sandbox);
}

static void write_config(struct fixture *f)
{
	char path[PATH_MAX];
	char error[512];

	sandbox_write_config(&f->sandbox, "client-T0001",
			     "offline_login_hours = 72\n", path);
	if (config_load(path, &f->app.config, error, sizeof(error)) != 0)
		fail_msg("config: %s", error);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	mkdir("build/test-runs", 0700);
	snprintf(f->sandbox.dir, sizeof(f->sandbox.dir),
		 "build/test-runs/security-XXXXXX");
	assert_non_null(mkdtemp(f->sandbox.dir));
	sandbox_path_join(f->sandbox.db, f->sandbox.dir, "sandbox.db");
	start_sandbox(f);
	write_config(f);
	log_open(f->app.config.log_target, LOG_LEVEL_DEBUG);
	assert_int_equal(journal_open(f->app.config.journal_path,
				      &f->app.journal),
			 JOURNAL_OK);
	assert_int_equal(event_channel_open(&f->app.events), 0);
	pthread_mutex_init(&f->app.lock, NULL);
	f->app.status.online = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	app_close(&f->app);
	stop_sandbox(f);
	free(f);
	return 0;
}

/* Wait, bounded, for the request's event of `type` and join its
 * thread. */
static struct reply wait_event(struct fixture *f, enum event_type type)
{
	struct pollfd fd = { .fd = event_channel_fd(f->app.events),
			     .events = POLLIN };
	struct reply reply = { .status = 1 };
	struct event event;

	for (int waited = 0; waited < EVENT_WAIT_MS; waited += 100) {
		while (event_read(f->app.events, &event) == 1) {
			app_apply_event(&f->app, &event);
			if (event.type != type)
				continue;
			reply.status = event.status;
			snprintf(reply.text, sizeof(reply.text), "%.*s",
				 (int)sizeof(event.text), event.text);
			return reply;
		}
		poll(&fd, 1, 100);
	}
	fail_msg("no event of type %d within %d ms", (int)type,
		 EVENT_WAIT_MS);
	return reply;
}

static struct reply wait_reply(struct fixture *f)
{
	return wait_event(f, EVENT_LOGIN);
}

static struct reply login(struct fixture *f, const char *agent,
			  const char *password)
{
	char message[256];

	assert_int_equal(security_login_start(&f->app, agent, password,
					      message, sizeof(message)),
			 0);
	return wait_reply(f);
}

static struct reply change_password(struct fixture *f, const char *old,
				    const char *new_password)
{
	char message[256];

	assert_int_equal(security_change_password_start(&f->app, old,
							new_password, message,
							sizeof(message)),
			 0);
	return wait_reply(f);
}

static void assert_contains(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static void test_offline_login_after_online(void **state)
{
	struct fixture *f = *state;
	struct reply reply;

	reply = login(f, AGENT, PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);
	assert_false(f->app.session.offline);
	assert_true(f->app.session.token[0] != '\0');
	security_logout(&f->app);

	/* A verifier from 73 hours ago is past offline_login_hours. */
	assert_int_equal(credentials_store(f->app.journal, OTHER_AGENT,
					   OTHER_PASSWORD,
					   time(NULL) - 73 * 3600),
			 CREDENTIALS_OK);
	stop_sandbox(f);

	reply = login(f, AGENT, PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);
	assert_true(f->app.session.logged_in);
	assert_true(f->app.session.offline);
	assert_string_equal(f->app.session.agent_id, AGENT);
	assert_string_equal(f->app.session.token, "");
	security_logout(&f->app);

	reply = login(f, AGENT, "wrong-password-1");
	assert_true(reply.status < 0);
	assert_contains(reply.text, "Wrong agent ID or password");
	assert_int_equal(security_login_finish(&f->app), -1);

	reply = login(f, OTHER_AGENT, OTHER_PASSWORD);
	assert_true(reply.status < 0);
	assert_contains(reply.text, "within the last 72 hours");

	reply = login(f, "A1003", "any-password-1");
	assert_true(reply.status < 0);
	assert_contains(reply.text, "has not logged in online on this "
				    "terminal yet");
	assert_false(f->app.session.logged_in);
}

static void test_lockout_persists_across_reopen(void **state)
{
	struct fixture *f = *state;
	struct journal *journal = NULL;
	int64_t retry_after = 0;
	struct reply reply;

	reply = login(f, AGENT, PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);
	security_logout(&f->app);
	stop_sandbox(f);

	/* Two wrong passwords are free; the third locks for 30 s. */
	reply = login(f, AGENT, "wrong-password-1");
	assert_contains(reply.text, "Wrong agent ID or password");
	reply = login(f, AGENT, "wrong-password-2");
	assert_contains(reply.text, "Wrong agent ID or password");
	reply = login(f, AGENT, "wrong-password-3");
	assert_contains(reply.text, "next try in 30 s");

	/* Even the right password is refused while locked. */
	reply = login(f, AGENT, PASSWORD);
	assert_true(reply.status < 0);
	assert_contains(reply.text, "Too many wrong passwords: try again in");
	assert_int_equal(security_login_finish(&f->app), -1);

	/* The lockout is in the journal file, not in memory. */
	journal_close(f->app.journal);
	f->app.journal = NULL;
	assert_int_equal(journal_open(f->app.config.journal_path, &journal),
			 JOURNAL_OK);
	assert_int_equal(credentials_check(journal, AGENT, PASSWORD,
					   time(NULL), 72 * 3600,
					   &retry_after),
			 CREDENTIALS_ELOCKED);
	assert_true(retry_after > 0);
	assert_true(retry_after <= 30);
	f->app.journal = journal;
}

static void test_config_security_settings(void **state)
{
	static const struct {
		const char *extra;
		const char *expected; /* part of the error, NULL: loads */
	} cases[] = {
		{ "", NULL },
		{ "lock_minutes = 1\noffline_login_hours = 720\n", NULL },
		{ "lock_minutes = 0\n", "[terminal] lock_minutes" },
		{ "lock_minutes = 16\n", "[terminal] lock_minutes" },
		{ "lock_minutes = five\n", "[terminal] lock_minutes" },
		{ "offline_login_hours = 0\n",
		  "[terminal] offline_login_hours" },
		{ "offline_login_hours = 721\n",
		  "[terminal] offline_login_hours" },
	};
	struct fixture f = { .sandbox = { .port = 1 } };
	struct config config;
	char path[PATH_MAX];
	char error[512];

	(void)state;
	mkdir("build/test-runs", 0700);
	snprintf(f.sandbox.dir, sizeof(f.sandbox.dir),
		 "build/test-runs/security-XXXXXX");
	assert_non_null(mkdtemp(f.sandbox.dir));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		sandbox_write_config(&f.sandbox, "client-T0001",
				     cases[i].extra, path);
		rc = config_load(path, &config, error, sizeof(error));
		if (cases[i].expected != NULL) {
			assert_int_equal(rc, -1);
			assert_contains(error, cases[i].expected);
			continue;
		}
		assert_int_equal(rc, 0);
		if (i == 0) {
			assert_int_equal(config.lock_minutes, 5);
			assert_int_equal(config.offline_login_hours, 72);
		} else {
			assert_int_equal(config.lock_minutes, 1);
			assert_int_equal(config.offline_login_hours, 720);
		}
	}
}

static void test_password_rules_on_terminal(void **state)
{
	static const struct {
		const char *old_password;
		const char *new_password;
		const char *repeat;
		const char *expected; /* part of the message, NULL: valid */
	} cases[] = {
		{ "", NEW_PASSWORD, NEW_PASSWORD, "Enter the old password" },
		{ PASSWORD, NEW_PASSWORD, "Harmattan-2028", "repeated" },
		{ PASSWORD, "short1", "short1", "10 to 64 characters" },
		{ PASSWORD, "no-digits-here", "no-digits-here",
		  "one letter (A-Z or a-z) and one digit" },
		{ PASSWORD, "1234567890", "1234567890", "one digit" },
		{ "a1001", "a1001", "a1001", "must not be the agent ID" },
		{ PASSWORD, PASSWORD, PASSWORD,
		  "differ from the old password" },
		{ PASSWORD, NEW_PASSWORD, NEW_PASSWORD, NULL },
	};
	char message[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = security_password_check(AGENT, cases[i].old_password,
						 cases[i].new_password,
						 cases[i].repeat, message,
						 sizeof(message));

		if (cases[i].expected == NULL) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_contains(message, cases[i].expected);
	}
}

static void test_change_password_online(void **state)
{
	struct fixture *f = *state;
	struct transport *transport = NULL;
	struct api_login result = { 0 };
	char message[256];
	struct reply reply;

	reply = login(f, AGENT, PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);

	reply = change_password(f, "not-the-password-1", NEW_PASSWORD);
	assert_int_equal(reply.status, API_EAUTH);
	assert_string_equal(reply.text, "Old password is wrong");

	/* Sent without the terminal's check, the central service names the
	 * broken rule. */
	reply = change_password(f, PASSWORD, "short1");
	assert_int_equal(reply.status, API_EREJECTED);
	assert_contains(reply.text, "10 to 64 characters");

	reply = change_password(f, PASSWORD, NEW_PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_string_equal(reply.text, "Password changed");

	/* Online: the new password works and the old one does not. */
	assert_int_equal(sync_transport_open(&f->app.config, &transport),
			 TRANSPORT_OK);
	assert_int_equal(api_login(transport, AGENT, NEW_PASSWORD, &result,
				   message, sizeof(message)),
			 API_OK);
	assert_int_equal(api_login(transport, AGENT, PASSWORD, &result,
				   message, sizeof(message)),
			 API_EAUTH);
	transport_close(transport);
	explicit_bzero(&result, sizeof(result));
	security_logout(&f->app);

	/* Offline: the same, from the verifier the change stored. */
	stop_sandbox(f);
	reply = login(f, AGENT, PASSWORD);
	assert_true(reply.status < 0);
	assert_contains(reply.text, "Wrong agent ID or password");
	reply = login(f, AGENT, NEW_PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);
	assert_true(f->app.session.offline);

	/* An offline session cannot change the password: without a link
	 * it needs one, and with the link back it needs an online login. */
	f->app.status.online = false;
	assert_int_equal(security_change_password_start(&f->app, NEW_PASSWORD,
							"Harmattan-2028",
							message,
							sizeof(message)),
			 -1);
	assert_string_equal(message, "Change password needs a connection");
	f->app.status.online = true;
	assert_int_equal(security_change_password_start(&f->app, NEW_PASSWORD,
							"Harmattan-2028",
							message,
							sizeof(message)),
			 -1);
	assert_string_equal(message, "You logged in offline: log out and in "
				     "again to change the password");
}

/* Start the sandbox with sessions that expire after TOKEN_TTL seconds. */
static int setup_short_token(void **state)
{
	static const char *const extra[] = { "--token-ttl", TOKEN_TTL, NULL };

	sandbox_extra = extra;
	return setup(state);
}

static int teardown_short_token(void **state)
{
	sandbox_extra = NULL;
	return teardown(state);
}

/* Wait, bounded, until the session's token has expired at the sandbox. */
static void wait_for_expiry(struct fixture *f)
{
	int64_t until = f->app.session.expires_at + 1;

	assert_true(until - time(NULL) <= 10);
	for (int i = 0; i < 120 && time(NULL) <= until; i++)
		sandbox_sleep_ms(100);
	assert_true(time(NULL) > until);
}

static struct reply lookup_customer(struct fixture *f)
{
	char message[256];

	assert_int_equal(customer_lookup_start(&f->app, API_CUSTOMER_BY_PHONE,
					       AKOSUA_PHONE, message,
					       sizeof(message)),
			 0);
	return wait_event(f, EVENT_LOOKUP);
}

/* Log in online and check the result of api_login for password. */
static int login_status(struct fixture *f, const char *password)
{
	struct transport *transport = NULL;
	struct api_login result = { 0 };
	char message[256];
	int rc;

	assert_int_equal(sync_transport_open(&f->app.config, &transport),
			 TRANSPORT_OK);
	rc = api_login(transport, AGENT, password, &result, message,
		       sizeof(message));
	transport_close(transport);
	explicit_bzero(&result, sizeof(result));
	return rc;
}

/* The token expires while the agent fills a form: the online requests
 * fail with the expired-session error and change nothing, and after the
 * password is typed again the same requests succeed. */
static void test_token_expiry_mid_form(void **state)
{
	struct fixture *f = *state;
	struct api_customer customer;
	struct reply reply;
	char message[256];

	reply = login(f, AGENT, PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);
	assert_false(f->app.session.offline);
	wait_for_expiry(f);

	reply = lookup_customer(f);
	assert_int_equal(reply.status, API_ESESSION);
	assert_true(reply.text[0] != '\0');
	assert_int_equal(customer_lookup_take(&customer), CUSTOMER_ENOTFOUND);

	reply = change_password(f, PASSWORD, NEW_PASSWORD);
	assert_int_equal(reply.status, API_ESESSION);
	assert_int_equal(login_status(f, NEW_PASSWORD), API_EAUTH);
	assert_int_equal(login_status(f, PASSWORD), API_OK);
	assert_true(f->app.session.logged_in);

	/* The password again gives a new token; the same requests work. */
	assert_int_equal(security_unlock_start(&f->app, PASSWORD, message,
					       sizeof(message)),
			 0);
	reply = wait_reply(f);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_unlock_finish(&f->app), 1);

	reply = lookup_customer(f);
	assert_int_equal(reply.status, 0);
	assert_int_equal(customer_lookup_take(&customer), CUSTOMER_OK);
	assert_string_equal(customer.profile.first_name, "Akosua");

	reply = change_password(f, PASSWORD, NEW_PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(login_status(f, NEW_PASSWORD), API_OK);
}

/* A registration is an operation, sent with the terminal's certificate
 * and no session token (docs/api.md, POST /v1/customers), so it is
 * journaled and accepted after the token expired. Only the screens can
 * ask for the password first. */
static void test_registration_after_expiry(void **state)
{
	struct fixture *f = *state;
	struct customer_registration typed = { 0 };
	struct customer_registration reg;
	enum customer_field field;
	struct operation op;
	struct reply reply;
	char message[256];

	reply = login(f, AGENT, PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);
	wait_for_expiry(f);
	reply = lookup_customer(f);
	assert_int_equal(reply.status, API_ESESSION);

	snprintf(typed.first_name, sizeof(typed.first_name), "Abena");
	snprintf(typed.last_name, sizeof(typed.last_name), "Osei");
	snprintf(typed.phone, sizeof(typed.phone), "0209997766");
	snprintf(typed.date_of_birth, sizeof(typed.date_of_birth),
		 "1979-11-02");
	snprintf(typed.id_type, sizeof(typed.id_type), "voter_id");
	snprintf(typed.id_number, sizeof(typed.id_number), "VT-4455667");
	snprintf(typed.address, sizeof(typed.address), "7 Market Lane, Ho");
	snprintf(typed.currency, sizeof(typed.currency), "GHS");
	if (customer_registration_build(AGENT, &typed, "233", time(NULL), &reg,
					&op, &field, message,
					sizeof(message)) != 0)
		fail_msg("build: field %d: %s", field, message);
	if (customer_journal(f->app.journal, &op, true, message,
			     sizeof(message)) != 0)
		fail_msg("journal: %s", message);
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 60, NULL),
			 0);
	assert_int_equal(journal_get(f->app.journal, op.id, &op), JOURNAL_OK);
	assert_int_equal(op.state, OP_ACCEPTED);
}

static void test_unlock_offline_counts_failures(void **state)
{
	struct fixture *f = *state;
	char message[256];
	struct reply reply;

	reply = login(f, AGENT, PASSWORD);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_login_finish(&f->app), 0);

	/* Online unlock with the right password renews the token. */
	assert_int_equal(security_unlock_start(&f->app, PASSWORD, message,
					       sizeof(message)),
			 0);
	reply = wait_reply(f);
	assert_int_equal(reply.status, 0);
	assert_int_equal(security_unlock_finish(&f->app), 1);

	/* Offline, wrong passwords count toward the lockout. */
	stop_sandbox(f);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(security_unlock_start(&f->app, "wrong-pass-9",
						       message,
						       sizeof(message)),
				 0);
		reply = wait_reply(f);
		assert_true(reply.status < 0);
	}
	assert_contains(reply.text, "next try in 30 s");
	assert_int_equal(security_unlock_start(&f->app, PASSWORD, message,
					       sizeof(message)),
			 0);
	reply = wait_reply(f);
	assert_true(reply.status < 0);
	assert_contains(reply.text, "Too many wrong passwords");
	assert_true(f->app.session.logged_in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offline_login_after_online,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_lockout_persists_across_reopen, setup, teardown),
		cmocka_unit_test(test_config_security_settings),
		cmocka_unit_test(test_password_rules_on_terminal),
		cmocka_unit_test_setup_teardown(test_change_password_online,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_unlock_offline_counts_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_expiry_mid_form,
						setup_short_token,
						teardown_short_token),
		cmocka_unit_test_setup_teardown(test_registration_after_expiry,
						setup_short_token,
						teardown_short_token),
	};

	transport_global_init();
	return cmocka_run_group_tests_name("integration_security", tests, NULL,
					   NULL);
}
