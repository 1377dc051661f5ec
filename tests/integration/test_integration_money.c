/* Integration test of the money service layer against the sandbox over
 * mutual TLS on localhost. Each money operation runs online, and cash-in
 * and a reversal also offline then synced, with the balances and ledger
 * checked in the sandbox's database. A cash-out that the link kept unsent
 * too long must wait for the agent. Rejections (insufficient float,
 * wrong cash-out code, fee and name mismatches, an expired quote), a
 * reversal sent twice applying once, and the requests on the request
 * thread (name enquiry, cash-out code, quote, balance, statement, float)
 * are tested too. */
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "../../app/api.h"
#include "../../app/app.h"
#include "../../app/money.h"
#include "../../app/policy.h"
#include "../../app/wallet.h"

#define AGENT "A1001"
#define PASSWORD "counter-demo-1"
/* Demo data of the sandbox (docs/api.md, The sandbox). */
#define KOFI_WALLET "1000000001"  /* GHS 5,000.00 */
#define AKOSUA_WALLET "1000000002" /* GHS 250.00 */
#define CHIDI_WALLET "1000000003"  /* NGN 100,000.00 */
#define FLOAT_GHS "float:" AGENT ":GHS"
#define FLOAT_NGN "float:" AGENT ":NGN"
#define ADAEZE_NUBAN "0123456785"  /* at bank 058 */
#define TUNDE_NUBAN "0690000018"   /* at bank 044 */
#define EVENT_WAIT_MS 20000
#define QUOTE_TTL_SECONDS "2"

static int setup(void **state)
{
	struct app_fixture *f = app_fixture_open_session("money", AGENT);

	assert_int_equal(event_channel_open(&f->app.events), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct app_fixture *f = *state;

	/* Joins the request thread and closes the journal and channel. */
	app_close(&f->app);
	app_fixture_teardown(f);
	return 0;
}

/* Log the agent in online, so that requests carry a session token. */
static void login(struct app_fixture *f)
{
	struct transport *transport = NULL;
	struct api_login result;
	char message[256];

	assert_int_equal(sync_transport_open(&f->app.config, &transport),
			 TRANSPORT_OK);
	assert_int_equal(api_login(transport, AGENT, PASSWORD, &result,
				   message, sizeof(message)),
			 API_OK);
	transport_close(transport);
	memcpy(f->app.session.token, result.token,
	       sizeof(f->app.session.token));
}

/* Balance of a wallet or system account in the sandbox's database. */
static int balance(const struct app_fixture *f, const char *account)
{
	return app_fixture_sandbox_int(f,
				       "SELECT balance FROM wallets WHERE "
				       "account = ?1 UNION ALL SELECT balance "
				       "FROM accounts WHERE account = ?1",
				       account);
}

/* Sum of every balance in currency, which no operation changes. */
static int currency_total(const struct app_fixture *f, const char *currency)
{
	return app_fixture_sandbox_int(f,
				       "SELECT SUM(balance) FROM (SELECT "
				       "balance, currency FROM wallets UNION "
				       "ALL SELECT balance, currency FROM "
				       "accounts) WHERE currency = ?",
				       currency);
}

static void check_conserved(const struct app_fixture *f)
{
	/* Seeded: wallets GHS 525000 and NGN 10000000, two agents' floats
	 * of GHS 1000000 and NGN 50000000 each. */
	assert_int_equal(currency_total(f, "GHS"), 2525000);
	assert_int_equal(currency_total(f, "NGN"), 110000000);
}

static int ledger_count(const struct app_fixture *f, const char *id)
{
	return app_fixture_sandbox_int(f,
				       "SELECT COUNT(*) FROM ledger WHERE "
				       "operation_id = ?",
				       id);
}

static void ledger_text(const struct app_fixture *f, const char *column,
			const char *id, char *out, size_t size)
{
	char sql[128];

	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM ledger WHERE operation_id = ?", column);
	app_fixture_sandbox_text(f, sql, id, out, size);
}

static void drain(struct app_fixture *f)
{
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 60, NULL),
			 0);
}

/* Prepare and submit op through the service layer; returns its id. */
static void submit(struct app_fixture *f, struct money_operation *op,
		   char id[JOURNAL_ID_SIZE])
{
	char message[256];

	if (money_prepare(f->app.journal, op, message, sizeof(message)) != 0)
		fail_msg("prepare %s: %s", op->type, message);
	if (money_submit(&f->app, op, id, message, sizeof(message)) != 0)
		fail_msg("submit %s: %s", op->type, message);
}

/* Build and journal op without money_submit's checks, so that the
 * central service decides what the terminal would refuse. */
static void journal_unchecked(struct app_fixture *f,
			      const struct money_operation *op,
			      char id[JOURNAL_ID_SIZE])
{
	struct operation row;
	char message[256];

	if (money_build(AGENT, op, time(NULL), &row, message,
			sizeof(message)) != 0)
		fail_msg("build: %s", message);
	assert_int_equal(journal_insert(f->app.journal, &row), JOURNAL_OK);
	memcpy(id, row.id, JOURNAL_ID_SIZE);
}

static struct operation journaled(struct app_fixture *f, const char *id)
{
	struct operation op;

	assert_int_equal(journal_get(f->app.journal, id, &op), JOURNAL_OK);
	return op;
}

static void check_rejected(struct app_fixture *f, const char *id,
			   const char *reason)
{
	struct operation op = journaled(f, id);

	assert_int_equal(op.state, OP_REJECTED);
	if (strstr(op.last_error, reason) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", op.last_error, reason);
	assert_int_equal(ledger_count(f, id), 0);
}

/* Run request on the request thread and wait, bounded, for its event;
 * returns the event's status with the reply in *reply. */
static int run_request(struct app_fixture *f,
		       const struct money_request *request,
		       struct money_reply *reply)
{
	struct pollfd fd = { .fd = event_channel_fd(f->app.events),
			     .events = POLLIN };
	struct event event;
	char message[256];

	if (money_request_start(&f->app, request, message, sizeof(message)))
		fail_msg("request: %s", message);
	for (int waited = 0; waited < EVENT_WAIT_MS; waited += 100) {
		while (event_read(f->app.events, &event) == 1) {
			if (event.type != EVENT_MONEY)
				continue;
			assert_int_equal(money_request_take(reply), 0);
			assert_int_equal(reply->kind, request->kind);
			assert_int_equal(reply->result, event.status);
			/* The reply is taken once. */
			assert_int_equal(money_request_take(reply), -1);
			return event.status;
		}
		poll(&fd, 1, 100);
	}
	fail_msg("no EVENT_MONEY within %d ms", EVENT_WAIT_MS);
	return 1;
}

static struct money_operation cash_in(const char *wallet, int64_t amount)
{
	struct money_operation op = { .type = API_TYPE_CASH_IN };

	snprintf(op.u.cash_in.receiver, sizeof(op.u.cash_in.receiver), "%s",
		 wallet);
	strcpy(op.u.cash_in.currency, "GHS");
	op.u.cash_in.amount = amount;
	return op;
}

static struct money_operation reversal_of(const char *id)
{
	struct money_operation op = { .type = API_TYPE_REVERSAL };

	snprintf(op.u.reversal.original_id, sizeof(op.u.reversal.original_id),
		 "%s", id);
	strcpy(op.u.reversal.reason, "Wrong wallet number");
	return op;
}

static void test_cash_in_online(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op = cash_in(AKOSUA_WALLET, 10000);
	char id[JOURNAL_ID_SIZE];
	char text[64];

	submit(f, &op, id);
	drain(f);
	assert_int_equal(journaled(f, id).state, OP_ACCEPTED);
	assert_int_equal(ledger_count(f, id), 1);
	ledger_text(f, "sender", id, text, sizeof(text));
	assert_string_equal(text, FLOAT_GHS);
	ledger_text(f, "receiver", id, text, sizeof(text));
	assert_string_equal(text, AKOSUA_WALLET);
	assert_int_equal(balance(f, AKOSUA_WALLET), 35000);
	assert_int_equal(balance(f, FLOAT_GHS), 990000);
	check_conserved(f);
}

static void test_cash_in_offline_synced(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op = cash_in(AKOSUA_WALLET, 20000);
	char id[JOURNAL_ID_SIZE];
	int port = f->sandbox.port;

	sandbox_process_stop(&f->sandbox);
	f->app.status.online = false;
	submit(f, &op, id);
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 30, NULL),
			 1);
	assert_int_equal(journaled(f, id).state, OP_QUEUED);

	sandbox_process_start(&f->sandbox, port, NULL);
	f->app.status.online = true;
	drain(f);
	assert_int_equal(journaled(f, id).state, OP_ACCEPTED);
	assert_int_equal(ledger_count(f, id), 1);
	assert_int_equal(balance(f, AKOSUA_WALLET), 45000);
	assert_int_equal(balance(f, FLOAT_GHS), 980000);
	check_conserved(f);
}

static void test_insufficient_float(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op = cash_in(AKOSUA_WALLET, 1000001);
	char id[JOURNAL_ID_SIZE];

	submit(f, &op, id);
	drain(f);
	check_rejected(f, id, "too low");
	assert_int_equal(balance(f, FLOAT_GHS), 1000000);
	check_conserved(f);
}

/* Request a cash-out code for amount and read it from the sandbox, the
 * stand-in for the customer's SMS. */
static void request_code(struct app_fixture *f, int64_t amount, char *code,
			 size_t size)
{
	struct money_request request = { .kind = MONEY_REQUEST_CASH_OUT_CODE };
	struct money_reply reply;

	strcpy(request.account, KOFI_WALLET);
	strcpy(request.currency, "GHS");
	request.amount = amount;
	assert_int_equal(run_request(f, &request, &reply), API_OK);
	/* Every digit but the country code and the last two is masked. */
	assert_string_equal(reply.sent_to, "+233*******01");
	assert_true(reply.expires_in > 0);
	app_fixture_sandbox_text(f,
				 "SELECT code FROM cash_out_codes WHERE "
				 "wallet_account = ? AND used_by IS NULL",
				 KOFI_WALLET, code, size);
	assert_int_equal(strlen(code), 6);
}

static struct money_operation cash_out(const char *code, int64_t amount)
{
	struct money_operation op = { .type = API_TYPE_CASH_OUT };

	strcpy(op.u.cash_out.sender, KOFI_WALLET);
	strcpy(op.u.cash_out.holder_name, "Kofi Boateng");
	strcpy(op.u.cash_out.currency, "GHS");
	op.u.cash_out.amount = amount;
	snprintf(op.u.cash_out.code, sizeof(op.u.cash_out.code), "%s", code);
	return op;
}

static void test_cash_out_with_code(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op;
	char id[JOURNAL_ID_SIZE];
	char code[16];
	char used_by[64];

	login(f);
	request_code(f, 5000, code, sizeof(code));
	op = cash_out(code, 5000);
	submit(f, &op, id);
	assert_int_equal(op.u.cash_out.fee, 50);
	drain(f);
	assert_int_equal(journaled(f, id).state, OP_ACCEPTED);
	assert_int_equal(balance(f, KOFI_WALLET), 500000 - 5050);
	assert_int_equal(balance(f, FLOAT_GHS), 1000000 + 5000);
	assert_int_equal(balance(f, "fees:GHS"), 50);
	app_fixture_sandbox_text(f,
				 "SELECT used_by FROM cash_out_codes WHERE "
				 "code = ?",
				 code, used_by, sizeof(used_by));
	assert_string_equal(used_by, id);
	check_conserved(f);
}

static void test_cash_out_wrong_code(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op;
	char id[JOURNAL_ID_SIZE];
	char code[16];

	login(f);
	request_code(f, 5000, code, sizeof(code));
	/* Change the last digit, so the code is wrong. */
	code[5] = (char)('0' + (code[5] - '0' + 1) % 10);
	op = cash_out(code, 5000);
	submit(f, &op, id);
	drain(f);
	check_rejected(f, id, "not valid for this wallet");
	assert_int_equal(balance(f, KOFI_WALLET), 500000);
	check_conserved(f);
}

/* Whether the sandbox ever received a request with idempotency key id. */
static int received(const struct app_fixture *f, const char *id)
{
	return app_fixture_sandbox_int(f,
				       "SELECT COUNT(*) FROM idempotency "
				       "WHERE idempotency_key = ?",
				       id);
}

/* Sleep until the clock passes `until` (Unix seconds), at most
 * POLICY_UNSENT_GRACE_SECONDS. */
static void sleep_past(int64_t until)
{
	struct timespec pause = { 0, 100000000L };

	for (int i = 0; i < POLICY_UNSENT_GRACE_SECONDS * 10; i++) {
		if ((int64_t)time(NULL) > until)
			return;
		nanosleep(&pause, NULL);
	}
	fail_msg("the clock did not pass %lld", (long long)until);
}

static void check_held_unsent(struct app_fixture *f, const char *id)
{
	struct operation op = journaled(f, id);
	char reason[JOURNAL_ERROR_SIZE];

	policy_unsent_reason(API_TYPE_CASH_OUT, reason, sizeof(reason));
	assert_int_equal(op.state, OP_NEEDS_ATTENTION);
	assert_int_equal(op.sent, 0);
	assert_string_equal(op.last_error, reason);
	assert_int_equal(received(f, id), 0);
	assert_int_equal(ledger_count(f, id), 0);
	assert_int_equal(balance(f, KOFI_WALLET), 500000);
}

/* A cash-out confirmed while the terminal still believed it was online,
 * as the sandbox stopped, is not sent when the sandbox is back after
 * POLICY_UNSENT_GRACE_SECONDS: it waits for the agent. Rather than wait
 * a minute, the test journals it as money_submit would have done at a
 * time 2 s before the grace period ends, through the same
 * money_build and money_journal. */
static void test_cash_out_not_sent_late(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op;
	struct operation row;
	char message[256];
	char code[16];
	int port = f->sandbox.port;
	int64_t confirmed_at;

	login(f);
	request_code(f, 5000, code, sizeof(code));
	op = cash_out(code, 5000);
	assert_int_equal(money_prepare(f->app.journal, &op, message,
				       sizeof(message)),
			 0);

	sandbox_process_stop(&f->sandbox);
	confirmed_at = (int64_t)time(NULL) - POLICY_UNSENT_GRACE_SECONDS + 2;
	assert_int_equal(money_build(AGENT, &op, confirmed_at, &row, message,
				     sizeof(message)),
			 0);
	assert_int_equal(money_journal(f->app.journal, &row, true, message,
				       sizeof(message)),
			 0);
	/* Within the grace period the sync tries, and the link fails. */
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 30, NULL),
			 1);
	assert_int_equal(journaled(f, row.id).state, OP_QUEUED);
	assert_true(journaled(f, row.id).attempts > 0);

	sleep_past(confirmed_at + POLICY_UNSENT_GRACE_SECONDS);
	sandbox_process_start(&f->sandbox, port, NULL);
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 30, NULL),
			 0);
	check_held_unsent(f, row.id);

	/* The agent sends it again, but the link is down again: it comes
	 * back to the agent instead of waiting in the queue. */
	sandbox_process_stop(&f->sandbox);
	assert_int_equal(journal_retry_attention(f->app.journal, row.id,
						 time(NULL)),
			 JOURNAL_OK);
	assert_int_equal(sync_drain(&f->app.config, time(NULL) + 30, NULL),
			 0);
	sandbox_process_start(&f->sandbox, port, NULL);
	check_held_unsent(f, row.id);

	/* With the link back and the customer still there, it goes. */
	assert_int_equal(journal_retry_attention(f->app.journal, row.id,
						 time(NULL)),
			 JOURNAL_OK);
	drain(f);
	assert_int_equal(journaled(f, row.id).state, OP_ACCEPTED);
	assert_int_equal(ledger_count(f, row.id), 1);
	assert_int_equal(balance(f, KOFI_WALLET), 500000 - 5050);
	check_conserved(f);
	explicit_bzero(&row, sizeof(row));
}

/* A bank transfer whose account name comes from the name enquiry. */
static struct money_operation bank_transfer(struct app_fixture *f,
					    const char *bank_code,
					    const char *account)
{
	struct money_request request = { .kind = MONEY_REQUEST_NAME_ENQUIRY };
	struct money_operation op = { .type = API_TYPE_BANK_TRANSFER };
	struct money_reply reply;

	snprintf(request.bank_code, sizeof(request.bank_code), "%s",
		 bank_code);
	snprintf(request.account, sizeof(request.account), "%s", account);
	assert_int_equal(run_request(f, &request, &reply), API_OK);
	snprintf(op.u.bank.bank_code, sizeof(op.u.bank.bank_code), "%s",
		 bank_code);
	snprintf(op.u.bank.account_number, sizeof(op.u.bank.account_number),
		 "%s", account);
	memcpy(op.u.bank.account_name, reply.holder_name,
	       sizeof(op.u.bank.account_name));
	strcpy(op.u.bank.currency, "NGN");
	return op;
}

static void test_bank_transfers_online(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op;
	char cash_id[JOURNAL_ID_SIZE];
	char wallet_id[JOURNAL_ID_SIZE];

	login(f);
	op = bank_transfer(f, "058", ADAEZE_NUBAN);
	assert_string_equal(op.u.bank.account_name, "Adaeze Nwosu");
	op.u.bank.funding = API_FUNDING_CASH;
	op.u.bank.amount = 500000;
	submit(f, &op, cash_id);
	assert_int_equal(op.u.bank.fee, 1075);

	op = bank_transfer(f, "044", TUNDE_NUBAN);
	assert_string_equal(op.u.bank.account_name, "Tunde Bakare");
	op.u.bank.funding = API_FUNDING_WALLET;
	strcpy(op.u.bank.sender, CHIDI_WALLET);
	op.u.bank.amount = 600000;
	submit(f, &op, wallet_id);
	assert_int_equal(op.u.bank.fee, 2688);

	drain(f);
	assert_int_equal(journaled(f, cash_id).state, OP_ACCEPTED);
	assert_int_equal(journaled(f, wallet_id).state, OP_ACCEPTED);
	assert_int_equal(balance(f, FLOAT_NGN), 50000000 - 501075);
	assert_int_equal(balance(f, "bank:058"), 500000);
	assert_int_equal(balance(f, CHIDI_WALLET), 10000000 - 602688);
	assert_int_equal(balance(f, "bank:044"), 600000);
	assert_int_equal(balance(f, "fees:NGN"), 1075 + 2688);
	check_conserved(f);
}

static void test_bank_transfer_rejections(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op;
	char name_id[JOURNAL_ID_SIZE];
	char fee_id[JOURNAL_ID_SIZE];
	char message[256];

	login(f);
	op = bank_transfer(f, "058", ADAEZE_NUBAN);
	op.u.bank.funding = API_FUNDING_CASH;
	op.u.bank.amount = 100000;
	strcpy(op.u.bank.account_name, "Adaeze Okafor");
	submit(f, &op, name_id);
	/* Sent alone, so that each rejection comes from its own batch. */
	drain(f);

	/* A fee other than the schedule's, as a stale cache would give. */
	op = bank_transfer(f, "058", ADAEZE_NUBAN);
	op.u.bank.funding = API_FUNDING_CASH;
	op.u.bank.amount = 100000;
	assert_int_equal(money_prepare(f->app.journal, &op, message,
				       sizeof(message)),
			 0);
	op.u.bank.fee = 1000;
	journal_unchecked(f, &op, fee_id);

	drain(f);
	check_rejected(f, name_id, "account name differs");
	check_rejected(f, fee_id, "fee shown was 1000");
	assert_int_equal(balance(f, FLOAT_NGN), 50000000);
	check_conserved(f);
}

/* Get a quote for GHS 1,000.00 to a bank account in Nigeria. */
static struct money_reply quote(struct app_fixture *f)
{
	struct money_request request = { .kind = MONEY_REQUEST_QUOTE };
	struct money_reply reply;

	strcpy(request.quote.country, "NG");
	strcpy(request.quote.method, "bank_deposit");
	strcpy(request.quote.send_currency, "GHS");
	strcpy(request.quote.receive_currency, "NGN");
	request.quote.send_amount = 100000;
	assert_int_equal(run_request(f, &request, &reply), API_OK);
	assert_int_equal(reply.quote.send_amount, 100000);
	assert_int_equal(reply.quote.receive_amount, 12345600);
	assert_int_equal(reply.quote.fee, 2000);
	assert_int_equal(reply.quote.total, 102000);
	assert_true(reply.quote_deadline > money_monotonic_seconds() - 1);
	assert_true(reply.quote_deadline <=
		    money_monotonic_seconds() + reply.quote.expires_in);
	return reply;
}

static struct money_operation send_money(const struct money_reply *reply)
{
	struct money_operation op = { .type = API_TYPE_SEND_MONEY };
	struct send_money *s = &op.u.send;
	const struct api_quote *q = &reply->quote;

	memcpy(s->quote_id, q->quote_id, sizeof(s->quote_id));
	s->funding = API_FUNDING_CASH;
	strcpy(s->receiver_name, "Adaeze Nwosu");
	strcpy(s->receiver_phone, "+2348030000009");
	strcpy(s->receiver_account, ADAEZE_NUBAN);
	memcpy(s->country, q->country, sizeof(s->country));
	memcpy(s->method, q->method, sizeof(s->method));
	memcpy(s->rate, q->rate, sizeof(s->rate));
	memcpy(s->currency, q->send_currency, sizeof(s->currency));
	s->amount = q->send_amount;
	s->fee = q->fee;
	memcpy(s->receive_currency, q->receive_currency,
	       sizeof(s->receive_currency));
	s->receive_amount = q->receive_amount;
	op.quote_deadline = reply->quote_deadline;
	return op;
}

static void test_send_money_online(void **state)
{
	struct app_fixture *f = *state;
	struct money_reply reply;
	struct money_operation op;
	char id[JOURNAL_ID_SIZE];
	char used_by[64];
	char message[256];

	login(f);
	reply = quote(f);
	assert_string_equal(reply.quote.rate, "123.456000");
	op = send_money(&reply);

	/* Refused offline, whatever the policy. */
	f->app.status.online = false;
	assert_int_equal(money_prepare(f->app.journal, &op, message,
				       sizeof(message)),
			 0);
	assert_int_equal(money_submit(&f->app, &op, id, message,
				      sizeof(message)),
			 -1);
	assert_string_equal(message,
			    "Send money needs the link: try again when ONLINE "
			    "shows");
	f->app.status.online = true;

	submit(f, &op, id);
	drain(f);
	assert_int_equal(journaled(f, id).state, OP_ACCEPTED);
	assert_int_equal(balance(f, FLOAT_GHS), 1000000 - 102000);
	assert_int_equal(balance(f, "remit:NG:GHS"), 100000);
	assert_int_equal(balance(f, "fees:GHS"), 2000);
	app_fixture_sandbox_text(f,
				 "SELECT used_by FROM quotes WHERE "
				 "quote_id = ?",
				 reply.quote.quote_id, used_by,
				 sizeof(used_by));
	assert_string_equal(used_by, id);
	check_conserved(f);
}

static void test_expired_quote(void **state)
{
	static const char *const short_quotes[] = { "--quote-ttl",
						     QUOTE_TTL_SECONDS, NULL };
	struct app_fixture *f = *state;
	struct money_reply reply;
	struct money_operation op;
	char id[JOURNAL_ID_SIZE];
	char message[256];
	int port = f->sandbox.port;

	sandbox_process_stop(&f->sandbox);
	sandbox_process_start(&f->sandbox, port, short_quotes);
	login(f);
	reply = quote(f);
	assert_int_equal(reply.quote.expires_in, atoi(QUOTE_TTL_SECONDS));
	op = send_money(&reply);
	assert_int_equal(money_prepare(f->app.journal, &op, message,
				       sizeof(message)),
			 0);

	/* Bounded wait past the quote's lifetime. */
	for (int i = 0; i < 50 && money_monotonic_seconds() <=
					  reply.quote_deadline + 1;
	     i++)
		sandbox_sleep_ms(100);
	assert_int_equal(money_submit(&f->app, &op, id, message,
				      sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "quote has expired"));

	/* The central service refuses it too. */
	journal_unchecked(f, &op, id);
	drain(f);
	check_rejected(f, id, "quote has expired");
	assert_int_equal(balance(f, FLOAT_GHS), 1000000);
	check_conserved(f);
}

/* A reversal applies once, however often it is sent. A second reversal
 * of the same original is refused by the terminal and by the central
 * service. */
static void test_reversal_sent_twice(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op = cash_in(AKOSUA_WALLET, 10000);
	struct money_operation first;
	struct transport *transport = NULL;
	struct api_outcome outcome;
	struct operation reversal;
	char original[JOURNAL_ID_SIZE];
	char id[JOURNAL_ID_SIZE];
	char second[JOURNAL_ID_SIZE];
	char message[256];

	submit(f, &op, original);
	drain(f);
	op = reversal_of(original);
	submit(f, &op, id);
	first = op;
	assert_int_equal(op.u.reversal.amount, 10000);
	drain(f);
	reversal = journaled(f, id);
	assert_int_equal(reversal.state, OP_ACCEPTED);
	assert_int_equal(balance(f, AKOSUA_WALLET), 25000);
	assert_int_equal(balance(f, FLOAT_GHS), 1000000);

	/* Sent again with its own key: the replay, applied once. */
	assert_int_equal(sync_transport_open(&f->app.config, &transport),
			 TRANSPORT_OK);
	api_submit(transport, &reversal, &outcome);
	transport_close(transport);
	assert_int_equal(outcome.result, API_OK);
	assert_string_equal(outcome.reference, reversal.reference);
	assert_int_equal(ledger_count(f, id), 1);
	assert_int_equal(balance(f, AKOSUA_WALLET), 25000);

	op = reversal_of(original);
	assert_int_equal(money_prepare(f->app.journal, &op, message,
				       sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "Already reversed"));
	journal_unchecked(f, &first, second);
	drain(f);
	check_rejected(f, second, "already reversed");
	assert_int_equal(balance(f, AKOSUA_WALLET), 25000);
	check_conserved(f);
}

static void test_reversal_offline_synced(void **state)
{
	struct app_fixture *f = *state;
	struct money_operation op;
	char original[JOURNAL_ID_SIZE];
	char id[JOURNAL_ID_SIZE];
	char code[16];
	int port = f->sandbox.port;

	/* Reverse a cash-out: the wallet gets the amount and fee back. */
	login(f);
	request_code(f, 20000, code, sizeof(code));
	op = cash_out(code, 20000);
	submit(f, &op, original);
	drain(f);
	assert_int_equal(balance(f, KOFI_WALLET), 500000 - 20200);

	sandbox_process_stop(&f->sandbox);
	f->app.status.online = false;
	op = reversal_of(original);
	submit(f, &op, id);
	assert_int_equal(op.u.reversal.refunded_fee, 200);
	assert_int_equal(journaled(f, id).state, OP_QUEUED);

	sandbox_process_start(&f->sandbox, port, NULL);
	f->app.status.online = true;
	drain(f);
	assert_int_equal(journaled(f, id).state, OP_ACCEPTED);
	assert_int_equal(ledger_count(f, id), 1);
	assert_int_equal(balance(f, KOFI_WALLET), 500000);
	assert_int_equal(balance(f, FLOAT_GHS), 1000000);
	assert_int_equal(balance(f, "fees:GHS"), 0);
	check_conserved(f);
}

/* The wallet screens' transfer carries the schedule's fee. */
static void test_wallet_transfer_with_fee(void **state)
{
	struct app_fixture *f = *state;
	struct wallet_transfer transfer;
	enum wallet_field field;
	char id[JOURNAL_ID_SIZE];
	char message[256];

	assert_int_equal(wallet_transfer_validate(KOFI_WALLET, AKOSUA_WALLET,
						  "GHS", "12.50", &transfer,
						  &field, message,
						  sizeof(message)),
			 0);
	assert_int_equal(wallet_transfer_submit(&f->app, &transfer, id,
						message, sizeof(message)),
			 0);
	assert_non_null(strstr(journaled(f, id).payload, "\"fee\":0"));
	drain(f);
	assert_int_equal(journaled(f, id).state, OP_ACCEPTED);
	assert_int_equal(balance(f, AKOSUA_WALLET), 25000 + 1250);
	check_conserved(f);
}

static void test_float_balance_statement(void **state)
{
	struct app_fixture *f = *state;
	struct money_request request = { .kind = MONEY_REQUEST_FLOAT };
	struct money_reply reply;
	struct money_operation op;
	char id[JOURNAL_ID_SIZE];
	char code[16];
	char message[256];

	assert_int_equal(money_request_start(&f->app, &request, message,
					     sizeof(message)),
			 -1);
	assert_string_equal(message, "Log in online first");
	login(f);
	assert_int_equal(run_request(f, &request, &reply), API_OK);
	assert_int_equal(reply.agent_float.count, 2);
	for (int i = 0; i < reply.agent_float.count; i++) {
		if (strcmp(reply.agent_float.floats[i].currency, "GHS") == 0)
			assert_int_equal(reply.agent_float.floats[i].balance,
					 1000000);
		else
			assert_int_equal(reply.agent_float.floats[i].balance,
					 50000000);
	}

	request_code(f, 5000, code, sizeof(code));
	op = cash_out(code, 5000);
	submit(f, &op, id);
	drain(f);

	request.kind = MONEY_REQUEST_BALANCE;
	strcpy(request.account, KOFI_WALLET);
	assert_int_equal(run_request(f, &request, &reply), API_OK);
	assert_string_equal(reply.balance.holder_name, "Kofi Boateng");
	assert_int_equal(reply.balance.balance, 500000 - 5050);

	request.kind = MONEY_REQUEST_STATEMENT;
	assert_int_equal(run_request(f, &request, &reply), API_OK);
	assert_int_equal(reply.statement.balance, 500000 - 5050);
	assert_true(reply.statement.count >= 1);
	assert_string_equal(reply.statement.movements[0].type,
			    API_TYPE_CASH_OUT);
	assert_int_equal(reply.statement.movements[0].amount, -5050);
	assert_string_equal(reply.statement.movements[0].reference,
			    journaled(f, id).reference);

	/* An unknown wallet is the central service's reply, not a
	 * transport failure. */
	strcpy(request.account, "1999999999");
	assert_int_equal(run_request(f, &request, &reply), API_ENOTFOUND);
	assert_true(reply.message[0] != '\0');

	request.kind = MONEY_REQUEST_NAME_ENQUIRY;
	strcpy(request.bank_code, "058");
	strcpy(request.account, "2003004004");
	assert_int_equal(run_request(f, &request, &reply), API_OK);
	assert_string_equal(reply.holder_name, "Emeka Obi");
	/* A valid NUBAN that no seeded holder has. */
	strcpy(request.account, "9999999990");
	assert_int_equal(run_request(f, &request, &reply), API_ENOTFOUND);
	/* A wrong check digit is a malformed account: 400. */
	strcpy(request.account, "9999999991");
	assert_int_equal(run_request(f, &request, &reply), API_EREJECTED);
}

#define MONEY_TEST(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		MONEY_TEST(test_cash_in_online),
		MONEY_TEST(test_cash_in_offline_synced),
		MONEY_TEST(test_insufficient_float),
		MONEY_TEST(test_cash_out_with_code),
		MONEY_TEST(test_cash_out_wrong_code),
		MONEY_TEST(test_cash_out_not_sent_late),
		MONEY_TEST(test_bank_transfers_online),
		MONEY_TEST(test_bank_transfer_rejections),
		MONEY_TEST(test_send_money_online),
		MONEY_TEST(test_expired_quote),
		MONEY_TEST(test_reversal_sent_twice),
		MONEY_TEST(test_reversal_offline_synced),
		MONEY_TEST(test_wallet_transfer_with_fee),
		MONEY_TEST(test_float_balance_statement),
	};

	transport_global_init();
	return cmocka_run_group_tests_name("integration_money", tests, NULL,
					   NULL);
}
