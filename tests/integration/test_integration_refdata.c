/* Integration test of the reference data and the online money requests
 * against the sandbox over mutual TLS on localhost: the fee schedule, bank
 * and corridor lists cached in the journal, name enquiry, cash-out code,
 * quote, balance, statement and agent float. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "../../app/api.h"
#include "../../app/api_money.h"
#include "../../app/refdata.h"
#include "../../offline/sync.h"

#define AGENT "A1001"
#define PASSWORD "counter-demo-1"
#define KOFI_WALLET "1000000001"

struct context {
	struct app_fixture *fixture;             /* freed by its teardown */
	struct transport *transport;
	char token[API_TOKEN_SIZE];
};

static int setup(void **state)
{
	struct context *c = calloc(1, sizeof(*c));
	struct api_login login;
	char message[API_MESSAGE_SIZE];

	assert_non_null(c);
	c->fixture = calloc(1, sizeof(*c->fixture));
	assert_non_null(c->fixture);
	app_fixture_setup(c->fixture, "refdata");
	assert_int_equal(sync_transport_open(&c->fixture->app.config,
					     &c->transport),
			 TRANSPORT_OK);
	assert_int_equal(api_login(c->transport, AGENT, PASSWORD, &login,
				   message, sizeof(message)),
			 API_OK);
	memcpy(c->token, login.token, sizeof(c->token));
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct context *c = *state;

	transport_close(c->transport);
	app_fixture_teardown(c->fixture);
	free(c);
	return 0;
}

static void refresh_caches_all_kinds(void **state)
{
	struct context *c = *state;
	struct journal *journal = c->fixture->app.journal;
	struct refdata_bank banks[REFDATA_BANKS_MAX];
	struct refdata_corridor corridors[REFDATA_CORRIDORS_MAX];
	struct refdata_bank bank;
	char stamp[32];
	int64_t fee = -1;

	/* The fixture refreshed the caches once already; a second refresh
	 * replaces them. */
	assert_int_equal(refdata_refresh(journal, c->transport), API_OK);

	/* The sandbox's default schedule: GHS 0.50 up to GHS 100.00. */
	assert_int_equal(refdata_fee(journal, API_TYPE_CASH_OUT, "GHS", 5000,
				     &fee),
			 REFDATA_OK);
	assert_int_equal(fee, 50);
	assert_int_equal(refdata_fee(journal, API_TYPE_CASH_IN, "GHS", 5000,
				     &fee),
			 REFDATA_OK);
	assert_int_equal(fee, 0);
	assert_int_equal(journal_get_meta(journal, "fees_fetched_at", stamp,
					  sizeof(stamp)),
			 JOURNAL_OK);
	assert_true(atoll(stamp) > 0);

	assert_true(refdata_banks(journal, banks, REFDATA_BANKS_MAX) >= 4);
	assert_int_equal(refdata_bank_find(journal, "GH280100", &bank),
			 REFDATA_OK);
	assert_int_equal(bank.scheme, REFDATA_SCHEME_DIGITS);
	assert_int_equal(bank.max_length, 16);
	assert_true(refdata_corridors(journal, corridors,
				      REFDATA_CORRIDORS_MAX) >= 1);
	assert_int_equal(journal_get_meta(journal, "corridors_fetched_at",
					  stamp, sizeof(stamp)),
			 JOURNAL_OK);
}

static void reference_fetch_too_small(void **state)
{
	struct context *c = *state;
	char json[16];

	assert_int_equal(api_reference_fetch(c->transport,
					     API_REFERENCE_BANKS, json,
					     sizeof(json)),
			 API_EINVAL);
}

static void name_enquiry_seeded_accounts(void **state)
{
	struct context *c = *state;
	char holder[API_NAME_SIZE] = "";
	char message[API_MESSAGE_SIZE];

	/* Serial 012345678 at bank 058 has check digit 5. */
	assert_int_equal(api_name_enquiry(c->transport, c->token, "058",
					  "0123456785", holder, message,
					  sizeof(message)),
			 API_OK);
	assert_string_equal(holder, "Adaeze Nwosu");
	assert_int_equal(api_name_enquiry(c->transport, c->token, "GH280100",
					  "1441000000000002", holder, message,
					  sizeof(message)),
			 API_OK);
	assert_string_equal(holder, "Kojo Annan");
	/* A valid NUBAN (serial 000000001, check digit 8) that no seeded
	 * holder has. */
	assert_int_equal(api_name_enquiry(c->transport, c->token, "058",
					  "0000000018", holder, message,
					  sizeof(message)),
			 API_ENOTFOUND);
	/* A wrong check digit is a malformed account. */
	assert_int_equal(api_name_enquiry(c->transport, c->token, "058",
					  "0000000017", holder, message,
					  sizeof(message)),
			 API_EREJECTED);
	assert_int_equal(api_name_enquiry(c->transport, c->token, "999",
					  "0123456785", holder, message,
					  sizeof(message)),
			 API_ENOTFOUND);
	assert_int_equal(api_name_enquiry(c->transport, c->token, "058",
					  "01/23", holder, message,
					  sizeof(message)),
			 API_EINVAL);
	assert_int_equal(api_name_enquiry(c->transport, "not-a-token", "058",
					  "0123456785", holder, message,
					  sizeof(message)),
			 API_ESESSION);
}

static void cash_out_code_sent(void **state)
{
	struct context *c = *state;
	char sent_to[API_MASKED_PHONE_SIZE] = "";
	char message[API_MESSAGE_SIZE];
	int64_t expires_in = 0;

	assert_int_equal(api_cash_out_code(c->transport, c->token, KOFI_WALLET,
					   "GHS", 5000, sent_to, &expires_in,
					   message, sizeof(message)),
			 API_OK);
	assert_true(sent_to[0] == '+');
	assert_non_null(strchr(sent_to, '*'));
	assert_true(expires_in > 0);
	assert_int_equal(api_cash_out_code(c->transport, c->token, KOFI_WALLET,
					   "NGN", 5000, sent_to, &expires_in,
					   message, sizeof(message)),
			 API_EREJECTED);
	assert_int_equal(api_cash_out_code(c->transport, c->token,
					   "1999999999", "GHS", 5000, sent_to,
					   &expires_in, message,
					   sizeof(message)),
			 API_ENOTFOUND);
}

static void quote_send_amount(void **state)
{
	struct context *c = *state;
	struct api_quote_request request = {
		.country = "NG",
		.method = "bank_deposit",
		.send_currency = "GHS",
		.receive_currency = "NGN",
		.send_amount = 100000,
	};
	struct api_quote quote;
	char message[API_MESSAGE_SIZE];

	assert_int_equal(api_quote(c->transport, c->token, &request, &quote,
				   message, sizeof(message)),
			 API_OK);
	assert_int_equal(quote.send_amount, 100000);
	/* GHS send money: fixed 5.00 and 1.5 %. */
	assert_int_equal(quote.fee, 2000);
	assert_int_equal(quote.total, 102000);
	assert_true(quote.receive_amount > 0);
	assert_true(quote.expires_in > 0);
	assert_int_equal(strlen(quote.quote_id), JOURNAL_ID_SIZE - 1);

	/* Both amounts at once are not sent. */
	request.receive_amount = 5;
	assert_int_equal(api_quote(c->transport, c->token, &request, &quote,
				   message, sizeof(message)),
			 API_EINVAL);
	request.receive_amount = 0;
	request.country[0] = 'Z';
	request.country[1] = 'Z';
	assert_int_equal(api_quote(c->transport, c->token, &request, &quote,
				   message, sizeof(message)),
			 API_EREJECTED);
}

static void wallet_balance_and_statement(void **state)
{
	struct context *c = *state;
	struct api_balance balance;
	struct api_statement *statement = calloc(1, sizeof(*statement));
	char message[API_MESSAGE_SIZE];

	assert_non_null(statement);
	assert_int_equal(api_wallet_balance(c->transport, c->token,
					    KOFI_WALLET, &balance, message,
					    sizeof(message)),
			 API_OK);
	assert_string_equal(balance.account, KOFI_WALLET);
	assert_string_equal(balance.currency, "GHS");
	assert_true(balance.holder_name[0] != '\0');
	assert_int_equal(api_wallet_statement(c->transport, c->token,
					      KOFI_WALLET, statement, message,
					      sizeof(message)),
			 API_OK);
	assert_string_equal(statement->account, KOFI_WALLET);
	assert_int_equal(statement->balance, balance.balance);
	assert_true(statement->count >= 0);
	assert_true(statement->count <= API_STATEMENT_MAX);
	assert_int_equal(api_wallet_balance(c->transport, c->token,
					    "1999999999", &balance, message,
					    sizeof(message)),
			 API_ENOTFOUND);
	free(statement);
}

static void agent_float_own_only(void **state)
{
	struct context *c = *state;
	struct api_float agent_float;
	char message[API_MESSAGE_SIZE];
	int64_t ghs = -1;

	assert_int_equal(api_agent_float(c->transport, c->token, AGENT,
					 &agent_float, message,
					 sizeof(message)),
			 API_OK);
	for (int i = 0; i < agent_float.count; i++) {
		if (strcmp(agent_float.floats[i].currency, "GHS") == 0)
			ghs = agent_float.floats[i].balance;
	}
	/* The sandbox seeds GHS 10,000.00 for A1001. */
	assert_int_equal(ghs, 1000000);
	assert_int_equal(api_agent_float(c->transport, c->token, "A1002",
					 &agent_float, message,
					 sizeof(message)),
			 API_EREJECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refresh_caches_all_kinds),
		cmocka_unit_test(reference_fetch_too_small),
		cmocka_unit_test(name_enquiry_seeded_accounts),
		cmocka_unit_test(cash_out_code_sent),
		cmocka_unit_test(quote_send_amount),
		cmocka_unit_test(wallet_balance_and_statement),
		cmocka_unit_test(agent_float_own_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
