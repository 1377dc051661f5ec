/* Integration test of the card lookup against the sandbox over mutual TLS
 * on localhost. A linked card finds its wallet and an unlinked one gets
 * not found. Bad card numbers and a missing link fail at once, and no
 * full card number reaches the terminal's log. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "../../app/api_card.h"
#include "../../app/app.h"
#include "../../app/log.h"

#define AGENT "A1001"
#define PASSWORD "counter-demo-1"
#define EVENT_WAIT_MS 20000
/* Cards of the sandbox seed (docs/api.md, The sandbox). */
#define KOFI_CARD "4761739001010010"
#define KOFI_CARD_MASKED "476173******0010"
#define AKOSUA_CARD "5413330089010434"
#define UNLINKED_CARD "5555555555554444"
#define KOFI_WALLET "1000000001"
#define AKOSUA_WALLET "1000000002"
#define KOFI_ID "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c01"

static int setup(void **state)
{
	struct app_fixture *f = app_fixture_open_session("card", AGENT);
	struct transport *transport = NULL;
	struct api_login login = { 0 };
	char message[256];

	assert_int_equal(event_channel_open(&f->app.events), 0);
	assert_int_equal(sync_transport_open(&f->app.config, &transport),
			 TRANSPORT_OK);
	assert_int_equal(api_login(transport, AGENT, PASSWORD, &login,
				   message, sizeof(message)),
			 API_OK);
	transport_close(transport);
	memcpy(f->app.session.token, login.token, sizeof(login.token));
	explicit_bzero(&login, sizeof(login));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct app_fixture *f = *state;

	transport_close(f->app.request_transport);
	event_channel_close(f->app.events);
	explicit_bzero(&f->app.session, sizeof(f->app.session));
	app_fixture_close_session(f);
	return 0;
}

/* Wait, bounded, for EVENT_CARD_LOOKUP, letting app_apply_event join
 * the request thread. */
static struct event wait_card_event(struct app_fixture *f)
{
	struct pollfd fd = { .fd = event_channel_fd(f->app.events),
			     .events = POLLIN };
	struct event event = { 0 };

	for (int waited = 0; waited < EVENT_WAIT_MS; waited += 100) {
		while (event_read(f->app.events, &event) == 1) {
			app_apply_event(&f->app, &event);
			if (event.type == EVENT_CARD_LOOKUP)
				return event;
		}
		poll(&fd, 1, 100);
	}
	fail_msg("no card lookup event within %d ms", EVENT_WAIT_MS);
	return event;
}

static void card_of(struct card_data *card, const char *pan)
{
	memset(card, 0, sizeof(*card));
	card->source = CARD_SOURCE_STRIPE;
	snprintf(card->pan, sizeof(card->pan), "%s", pan);
}

static void test_linked_card_finds_wallet(void **state)
{
	struct app_fixture *f = *state;
	struct api_card_account account = { 0 };
	struct card_data card;
	struct event event;
	char message[256] = "";

	card_of(&card, KOFI_CARD);
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 0);
	card_data_clear(&card);
	event = wait_card_event(f);
	assert_int_equal(event.status, API_OK);
	assert_string_equal(event.id, KOFI_WALLET);
	assert_string_equal(event.text, "Kofi Boateng");
	assert_int_equal(app_card_result(&f->app, &account), 0);
	assert_string_equal(account.account, KOFI_WALLET);
	assert_string_equal(account.holder_name, "Kofi Boateng");
	assert_string_equal(account.currency, "GHS");
	assert_string_equal(account.customer_id, KOFI_ID);
	assert_string_equal(account.pan_last4, "0010");
}

static void test_second_card_other_wallet(void **state)
{
	struct app_fixture *f = *state;
	struct api_card_account account = { 0 };
	struct card_data card;
	struct event event;
	char message[256] = "";

	card_of(&card, AKOSUA_CARD);
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 0);
	card_data_clear(&card);
	event = wait_card_event(f);
	assert_int_equal(event.status, API_OK);
	assert_string_equal(event.id, AKOSUA_WALLET);
	assert_int_equal(app_card_result(&f->app, &account), 0);
	assert_string_equal(account.holder_name, "Akosua Darko");
	assert_string_equal(account.pan_last4, "0434");
}

static void test_unlinked_card_not_found(void **state)
{
	struct app_fixture *f = *state;
	struct api_card_account account = { 0 };
	struct card_data card;
	struct event event;
	char message[256] = "";

	card_of(&card, UNLINKED_CARD);
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 0);
	card_data_clear(&card);
	event = wait_card_event(f);
	assert_int_equal(event.status, API_ENOTFOUND);
	assert_string_equal(event.text,
			    "No wallet is linked to the card ending 4444.");
	assert_null(strstr(event.text, UNLINKED_CARD));
	assert_int_equal(app_card_result(&f->app, &account), -1);
}

/* Card numbers that are refused before any request is sent. */
static void test_bad_card_fails_at_once(void **state)
{
	static const char *const cases[] = {
		"4111111111111112",     /* Luhn check fails */
		"41111111118",          /* 11 digits */
		"",
	};
	struct app_fixture *f = *state;
	struct card_data card;
	char message[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		card_of(&card, cases[i]);
		message[0] = '\0';
		assert_int_equal(app_card_lookup(&f->app, &card, message,
						 sizeof(message)),
				 -1);
		assert_string_equal(message, card_strerror(CARD_ELUHN));
	}
	assert_false(f->app.request_active);
}

static void test_offline_fails_at_once(void **state)
{
	struct app_fixture *f = *state;
	struct card_data card;
	char message[256] = "";

	card_of(&card, KOFI_CARD);
	f->app.status.online = false;
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 -1);
	assert_string_equal(message, APP_CARD_NEEDS_LINK);
	f->app.status.online = true;
	f->app.session.offline = true;
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 -1);
	assert_string_equal(message, APP_CARD_NEEDS_LINK);
	assert_false(f->app.request_active);
	card_data_clear(&card);
}

static void test_expired_session_reported(void **state)
{
	struct app_fixture *f = *state;
	struct card_data card;
	struct event event;
	char message[256] = "";

	memset(f->app.session.token, '0', 64);
	f->app.session.token[64] = '\0';
	card_of(&card, KOFI_CARD);
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 0);
	card_data_clear(&card);
	event = wait_card_event(f);
	assert_int_equal(event.status, API_ESESSION);
}

/* Read the whole terminal log into a new buffer. */
static char *read_log(const struct app_fixture *f)
{
	FILE *file = fopen(f->app.config.log_target, "r");
	char *text = calloc(1, 1 << 20);
	size_t got;

	assert_non_null(file);
	assert_non_null(text);
	got = fread(text, 1, (1 << 20) - 1, file);
	text[got] = '\0';
	fclose(file);
	return text;
}

static void test_log_has_masked_pan_only(void **state)
{
	struct app_fixture *f = *state;
	struct card_data card;
	char message[256] = "";
	char *log;

	card_of(&card, KOFI_CARD);
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 0);
	card_data_clear(&card);
	assert_int_equal(wait_card_event(f).status, API_OK);
	card_of(&card, UNLINKED_CARD);
	assert_int_equal(app_card_lookup(&f->app, &card, message,
					 sizeof(message)),
			 0);
	card_data_clear(&card);
	assert_int_equal(wait_card_event(f).status, API_ENOTFOUND);

	log = read_log(f);
	assert_non_null(strstr(log, KOFI_CARD_MASKED));
	assert_null(strstr(log, KOFI_CARD));
	assert_null(strstr(log, UNLINKED_CARD));
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_linked_card_finds_wallet,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_card_other_wallet,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlinked_card_not_found,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_card_fails_at_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_fails_at_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_session_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_has_masked_pan_only,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
