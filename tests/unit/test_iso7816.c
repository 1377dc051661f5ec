/* Unit tests for drivers/iso7816.c: the exact command bytes sent for
 * each APDU case over APDU and T=0 channels, and the 61xx, 6Cxx and
 * failure follow-ups against scripted and virtual cards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/iso7816.h"
#include "../support/virtual_card.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define STEPS_MAX 4
#define BYTES_MAX 24

/* One expected command and the reply a scripted card gives to it. */
struct step {
	uint8_t command[BYTES_MAX];
	size_t command_len;
	uint8_t reply[BYTES_MAX];
	size_t reply_len;
};

struct script_case {
	const char *name;
	enum card_transport transport;
	uint8_t command[BYTES_MAX];
	size_t command_len;
	struct step steps[STEPS_MAX];
	size_t step_count;
	int expected_rc;
	uint16_t expected_sw;
	size_t expected_got;
};

struct script {
	const struct script_case *c;
	size_t next;
};

/* Check each command against the script and give its reply. */
static int script_exchange(void *data, const uint8_t *command, size_t len,
			   uint8_t *reply, size_t size, size_t *got)
{
	struct script *s = data;
	const struct step *step;

	assert_true(s->next < s->c->step_count);
	step = &s->c->steps[s->next++];
	assert_int_equal(len, step->command_len);
	assert_memory_equal(command, step->command, len);
	assert_true(step->reply_len <= size);
	memcpy(reply, step->reply, step->reply_len);
	*got = step->reply_len;
	return CARD_OK;
}

#define APDU CARD_TRANSPORT_APDU
#define T0 CARD_TRANSPORT_TPDU_T0

static const struct script_case script_cases[] = {
	{"apdu case 1", APDU, {0x00, 0x44, 0x00, 0x00}, 4,
	 {{{0x00, 0x44, 0x00, 0x00}, 4, {0x90, 0x00}, 2}}, 1,
	 CARD_OK, 0x9000, 0},
	{"t0 case 1 gets P3 00", T0, {0x00, 0x44, 0x00, 0x00}, 4,
	 {{{0x00, 0x44, 0x00, 0x00, 0x00}, 5, {0x90, 0x00}, 2}}, 1,
	 CARD_OK, 0x9000, 0},
	{"apdu case 4 keeps Le", APDU,
	 {0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00, 0x00}, 8,
	 {{{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00, 0x00}, 8,
	   {0x6F, 0x00, 0x90, 0x00}, 4}}, 1,
	 CARD_OK, 0x9000, 2},
	{"t0 case 4 drops Le, 61xx", T0,
	 {0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00, 0x00}, 8,
	 {{{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00}, 7, {0x61, 0x03}, 2},
	  {{0x00, 0xC0, 0x00, 0x00, 0x03}, 5,
	   {0x6F, 0x01, 0x00, 0x90, 0x00}, 5}}, 2,
	 CARD_OK, 0x9000, 3},
	{"t0 case 4 9000 then get response", T0,
	 {0x80, 0xA8, 0x00, 0x00, 0x02, 0x83, 0x00, 0x00}, 8,
	 {{{0x80, 0xA8, 0x00, 0x00, 0x02, 0x83, 0x00}, 7, {0x90, 0x00}, 2},
	  {{0x00, 0xC0, 0x00, 0x00, 0x00}, 5,
	   {0x80, 0x02, 0x18, 0x00, 0x90, 0x00}, 6}}, 2,
	 CARD_OK, 0x9000, 4},
	{"t0 case 4 refused", T0,
	 {0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00, 0x00}, 8,
	 {{{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00}, 7, {0x6A, 0x82}, 2}},
	 1, CARD_OK, 0x6A82, 0},
	{"case 2 Le 00 then 6Cxx", T0, {0x00, 0xB2, 0x01, 0x0C, 0x00}, 5,
	 {{{0x00, 0xB2, 0x01, 0x0C, 0x00}, 5, {0x6C, 0x02}, 2},
	  {{0x00, 0xB2, 0x01, 0x0C, 0x02}, 5,
	   {0x70, 0x00, 0x90, 0x00}, 4}}, 2,
	 CARD_OK, 0x9000, 2},
	{"61xx chained twice", APDU, {0x00, 0xB2, 0x01, 0x0C, 0x00}, 5,
	 {{{0x00, 0xB2, 0x01, 0x0C, 0x00}, 5, {0xAA, 0x61, 0x01}, 3},
	  {{0x00, 0xC0, 0x00, 0x00, 0x01}, 5, {0xBB, 0x61, 0x00}, 3},
	  {{0x00, 0xC0, 0x00, 0x00, 0x00}, 5, {0xCC, 0x62, 0x81}, 3}}, 3,
	 CARD_OK, 0x6281, 3},
	{"reply of one byte", APDU, {0x00, 0x44, 0x00, 0x00}, 4,
	 {{{0x00, 0x44, 0x00, 0x00}, 4, {0x90}, 1}}, 1,
	 CARD_EPROTO, 0, 0},
	{"command of three bytes", APDU, {0x00, 0x44, 0x00}, 3,
	 {{{0}, 0, {0}, 0}}, 0,
	 CARD_EINVAL, 0, 0},
	{"Lc past the command", APDU, {0x00, 0xA4, 0x04, 0x00, 0x05, 0x01}, 6,
	 {{{0}, 0, {0}, 0}}, 0, CARD_EINVAL, 0, 0},
	{"extended length", APDU, {0x00, 0xA4, 0x04, 0x00, 0x00, 0x00, 0x01},
	 7, {{{0}, 0, {0}, 0}}, 0, CARD_EINVAL, 0, 0},
};

static void transmit_script_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(script_cases); i++) {
		const struct script_case *c = &script_cases[i];
		struct script s = {.c = c};
		struct card_channel channel = {
			.transport = c->transport,
			.exchange = script_exchange,
			.data = &s,
		};
		uint8_t resp[16];
		size_t got = 99;
		uint16_t sw = 1;
		int rc;

		print_message("case: %s\n", c->name);
		rc = iso7816_transmit(&channel, c->command, c->command_len,
				      resp, sizeof(resp), &got, &sw);
		assert_int_equal(rc, c->expected_rc);
		assert_int_equal(s.next, c->step_count);
		assert_int_equal(got, c->expected_got);
		if (rc == CARD_OK)
			assert_int_equal(sw, c->expected_sw);
	}
}

/* A virtual card and what iso7816 must do with it. */
struct virtual_case {
	const char *name;
	const char *card;
	int rc;
	uint16_t sw;
	size_t got;
	unsigned commands;
	unsigned get_response;
	unsigned sent_6c;
};

#define ATR "atr 3B 00\n"
#define RECORD "record 1 1 -> 70 08 5A 06 11 22 33 44 55 66\n"

static const struct virtual_case virtual_cases[] = {
	{"t1 plain", ATR RECORD, CARD_OK, 0x9000, 10, 1, 0, 0},
	{"t1 chain61 3", ATR "behaviour chain61 3\n" RECORD, CARD_OK, 0x9000,
	 10, 5, 4, 0},
	{"t0 wrong_le", ATR "protocol T=0\nbehaviour wrong_le\n" RECORD,
	 CARD_OK, 0x9000, 10, 2, 0, 1},
	{"t0 chain61 and wrong_le",
	 ATR "protocol T=0\nbehaviour wrong_le\nbehaviour chain61 4\n" RECORD,
	 CARD_OK, 0x9000, 10, 4, 3, 0},
	{"record not found", ATR, CARD_OK, 0x6A83, 0, 1, 0, 0},
	{"61xx forever", ATR "behaviour more_forever\n" RECORD, CARD_EPROTO,
	 0, 0, ISO7816_ROUNDS_MAX, 0, 0},
	{"removed", ATR "behaviour remove_after 1\n" RECORD, CARD_EREMOVED, 0,
	 0, 2, 0, 0},
};

static void transmit_virtual_table(void **state)
{
	static const uint8_t command[] = {0x00, 0xB2, 0x01, 0x0C, 0x00};
	static const uint8_t before[] = {0x00, 0xA4, 0x04, 0x00, 0x05,
					 1, 2, 3, 4, 5, 0x00};

	(void)state;
	for (size_t i = 0; i < COUNT(virtual_cases); i++) {
		const struct virtual_case *c = &virtual_cases[i];
		const struct virtual_card_counters *counters;
		struct virtual_card *card;
		struct card_channel channel;
		char error[256];
		uint8_t resp[64];
		size_t got;
		uint16_t sw = 0;
		int rc;

		print_message("case: %s\n", c->name);
		rc = virtual_card_parse(c->card, c->name, &card, error,
					sizeof(error));
		assert_int_equal(rc, 0);
		virtual_card_channel(card, &channel);

		/* "removed" fails from its second command, so send one
		 * first. */
		if (strstr(c->card, "remove_after") != NULL) {
			rc = iso7816_transmit(&channel, before, sizeof(before),
					      resp, sizeof(resp), &got, &sw);
			assert_int_equal(rc, CARD_OK);
			assert_int_equal(sw, 0x6A82);
		}
		rc = iso7816_transmit(&channel, command, sizeof(command), resp,
				      sizeof(resp), &got, &sw);
		counters = virtual_card_counters(card);
		assert_int_equal(rc, c->rc);
		assert_int_equal(got, c->got);
		if (rc == CARD_OK)
			assert_int_equal(sw, c->sw);
		assert_int_equal(counters->commands, c->commands);
		assert_int_equal(counters->get_response, c->get_response);
		assert_int_equal(counters->sent_6c, c->sent_6c);
		virtual_card_free(card);
	}
}

/* Ten bytes of data do not fit a buffer of 4, even in chained pieces. */
static void transmit_response_too_big(void **state)
{
	static const uint8_t command[] = {0x00, 0xB2, 0x01, 0x0C, 0x00};
	static const char *const cards[] = {
		ATR RECORD,
		ATR "behaviour chain61 3\n" RECORD,
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cards); i++) {
		struct virtual_card *card;
		struct card_channel channel;
		char error[256];
		uint8_t resp[4];
		size_t got = 7;
		uint16_t sw;

		assert_int_equal(virtual_card_parse(cards[i], "inline", &card,
						    error, sizeof(error)),
				 0);
		virtual_card_channel(card, &channel);
		assert_int_equal(iso7816_transmit(&channel, command,
						  sizeof(command), resp,
						  sizeof(resp), &got, &sw),
				 CARD_EPROTO);
		assert_int_equal(got, 0);
		virtual_card_free(card);
	}
}

/* The command builders reject what cannot be encoded. */
static void builders_reject_bad_arguments(void **state)
{
	static const uint8_t name[17] = {0xA0};
	struct card_channel channel = {.exchange = script_exchange};
	uint8_t resp[8];
	size_t got;
	uint16_t sw;

	(void)state;
	assert_int_equal(iso7816_select_name(&channel, name, 0, resp,
					     sizeof(resp), &got, &sw),
			 CARD_EINVAL);
	assert_int_equal(iso7816_select_name(&channel, name, 17, resp,
					     sizeof(resp), &got, &sw),
			 CARD_EINVAL);
	assert_int_equal(iso7816_read_record(&channel, 0, 1, resp,
					     sizeof(resp), &got, &sw),
			 CARD_EINVAL);
	assert_int_equal(iso7816_read_record(&channel, 31, 1, resp,
					     sizeof(resp), &got, &sw),
			 CARD_EINVAL);
	assert_int_equal(iso7816_read_record(&channel, 1, 0, resp,
					     sizeof(resp), &got, &sw),
			 CARD_EINVAL);
	assert_int_equal(iso7816_get_processing_options(&channel, name, 1,
							resp, sizeof(resp),
							&got, &sw),
			 CARD_EINVAL);
}

/* Strict card file parsing: each fault names its line. */
static void virtual_card_parse_errors(void **state)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
		{"", "f:1: no atr line"},
		{"atr 3B 00\nfoo\n", "f:2: unknown statement \"foo\""},
		{"atr 3B 00\n\nrecord 0 1 -> 70 00\n",
		 "f:3: invalid number \"0\" (expected 1 to 30)"},
		{"atr 3B 00\nselect A000000003 70 00\n",
		 "f:2: expected \"->\""},
		{"atr 3B 00\ngpo -> 7\n",
		 "f:2: odd number of hex digits in \"7\""},
		{"atr 3B 00\ngpo -> status 6110\n",
		 "f:2: status 6110 is the card's own follow-up"},
		{"atr 3B 00\nprotocol T=2\n",
		 "f:2: expected T=0 or T=1, not \"T=2\""},
		{"atr 3B 00\nrecord 1 1 -> 70 00\nrecord 1 1 -> 70 00\n",
		 "f:3: second reply to the same command"},
		{"atr 3B 00\nbehaviour chain61 256\n",
		 "f:2: invalid number \"256\" (expected 1 to 255)"},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct virtual_card *card = (struct virtual_card *)1;
		char error[256] = "";

		print_message("case %zu\n", i);
		assert_int_equal(virtual_card_parse(cases[i].text, "f", &card,
						    error, sizeof(error)),
				 -1);
		assert_null(card);
		assert_string_equal(error, cases[i].error);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transmit_script_table),
		cmocka_unit_test(transmit_virtual_table),
		cmocka_unit_test(transmit_response_too_big),
		cmocka_unit_test(builders_reject_bad_arguments),
		cmocka_unit_test(virtual_card_parse_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
