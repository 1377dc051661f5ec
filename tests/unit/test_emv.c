/* Unit tests for drivers/emv.c and drivers/emv_read.c: application
 * lists and card data read from the virtual cards in tests/cards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/emv.h"
#include "../support/virtual_card.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

#define VISA_PAN "4761739001010010"
#define MC_PAN "5413330089010434"

struct read_case {
	const char *file;
	int list_rc;            /* apps listed, or the error */
	const char *first_label;
	int read_rc;
	const char *pan;
	const char *expiry;
	const char *name;
	const char *label;
	enum card_source source;
	unsigned min_get_response; /* follow-ups the card must have seen */
	unsigned min_sent_6c;
};

static const struct read_case read_cases[] = {
	{"visa_pse.card", 1, "VISA DEBIT", CARD_OK, VISA_PAN, "2712",
	 "CARDHOLDER TEST", "VISA DEBIT", CARD_SOURCE_CHIP, 3, 0},
	{"mastercard_no_pse.card", 1, "MASTERCARD", CARD_OK, MC_PAN, "2811",
	 "CARD MC TEST", "MASTERCARD", CARD_SOURCE_CHIP, 0, 0},
	{"multi_app.card", 3, "CREDIT", CARD_OK, VISA_PAN, "2906", "",
	 "CREDIT", CARD_SOURCE_CHIP, 0, 0},
	{"chain61.card", 1, "VISA DEBIT", CARD_OK, VISA_PAN, "2712",
	 "CARDHOLDER TEST", "VISA DEBIT", CARD_SOURCE_CHIP, 10, 0},
	{"wrong_le.card", 1, "VISA DEBIT", CARD_OK, VISA_PAN, "2712",
	 "CARDHOLDER TEST", "VISA DEBIT", CARD_SOURCE_CHIP, 3, 4},
	{"contactless_ppse.card", 1, "VISA CONTACTLESS", CARD_OK, VISA_PAN,
	 "2603", "TEST CONTACTLESS", "VISA CONTACTLESS",
	 CARD_SOURCE_CONTACTLESS, 0, 0},
	{"pdol.card", 1, "MC PDOL", CARD_OK, MC_PAN, "2811", "", "MC PDOL",
	 CARD_SOURCE_CHIP, 0, 0},
	{"track2_only.card", 1, "VISA", CARD_OK, VISA_PAN, "3002",
	 "TWO ONLY TRACK", "VISA", CARD_SOURCE_CHIP, 0, 0},
	{"malformed_tlv.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"bad_luhn.card", 1, "VISA", CARD_ELUHN, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"pse_bad_record.card", 1, "VISA", CARD_OK, VISA_PAN, "2712",
	 "CARD TEST", "VISA", CARD_SOURCE_CHIP, 0, 0},
	{"pse_entry_no_aid.card", 1, "VISA", CARD_OK, VISA_PAN, "2712",
	 "CARD TEST", "VISA", CARD_SOURCE_CHIP, 0, 0},
	{"pse_ddf_self.card", 1, "VISA", CARD_OK, VISA_PAN, "2712",
	 "CARD TEST", "VISA", CARD_SOURCE_CHIP, 0, 0},
	{"aid_one_bad_fci.card", 1, "VISA", CARD_OK, MC_PAN, "2811", "",
	 "VISA", CARD_SOURCE_CHIP, 0, 0},
	{"dup_pan_57_differs.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"exp_57_differs.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"exp_day_ff.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"name_title.card", 1, "VISA", CARD_OK, VISA_PAN, "2712",
	 "MR JOHN A SMITH", "VISA", CARD_SOURCE_CHIP, 0, 0},
	{"two_rec_pan_differs.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"two_rec_57_differs.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"dup_pan_same_record.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"dup_exp_differs.card", 1, "VISA", CARD_EDATA, "", "", "", "",
	 CARD_SOURCE_CHIP, 0, 0},
	{"two_rec_pan_same.card", 1, "VISA", CARD_OK, VISA_PAN, "2712",
	 "CARD TEST", "VISA", CARD_SOURCE_CHIP, 0, 0},
};

/* Compare PANs, showing only masked ones if they differ. */
static void assert_pan_equal(const char *actual, const char *expected)
{
	char masked_actual[CARD_PAN_SIZE];
	char masked_expected[CARD_PAN_SIZE];

	if (strcmp(actual, expected) == 0)
		return;
	card_mask_pan(actual, masked_actual, sizeof(masked_actual));
	card_mask_pan(expected, masked_expected, sizeof(masked_expected));
	fail_msg("PAN %s (%zu digits), expected %s", masked_actual,
		 strlen(actual), masked_expected);
}

static struct virtual_card *load_card(const char *file)
{
	struct virtual_card *card = NULL;
	char path[512];
	char error[512];

	assert_int_equal(virtual_card_path(file, path, sizeof(path)), 0);
	if (virtual_card_load(path, &card, error, sizeof(error)) != 0)
		fail_msg("%s", error);
	return card;
}

static void read_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(read_cases); i++) {
		const struct read_case *c = &read_cases[i];
		const struct virtual_card_counters *counters;
		struct virtual_card *card = load_card(c->file);
		struct emv_app apps[EMV_APPS_MAX];
		struct card_channel channel;
		struct card_data data;
		int rc;

		print_message("card: %s\n", c->file);
		virtual_card_channel(card, &channel);
		rc = emv_list_apps(&channel, apps, EMV_APPS_MAX);
		assert_int_equal(rc, c->list_rc);
		assert_string_equal(apps[0].label, c->first_label);

		memset(&data, 0x55, sizeof(data));
		rc = emv_read_app(&channel, &apps[0], &data);
		assert_int_equal(rc, c->read_rc);
		assert_pan_equal(data.pan, c->pan);
		assert_string_equal(data.expiry, c->expiry);
		assert_string_equal(data.name, c->name);
		assert_string_equal(data.label, c->label);
		if (rc == CARD_OK)
			assert_int_equal(data.source, c->source);

		counters = virtual_card_counters(card);
		assert_true(counters->get_response >= c->min_get_response);
		assert_true(counters->sent_6c >= c->min_sent_6c);
		/* No T=0 command ever went out with a P3 that did not fit. */
		assert_int_equal(counters->wrong_length, 0);
		card_data_clear(&data);
		virtual_card_free(card);
	}
}

/* PSE entries with priorities none, 2 and 1 come out 1, 2, none. */
static void list_orders_by_priority(void **state)
{
	static const char *const labels[] = {"CREDIT", "DEBIT", "MAESTRO"};
	static const uint8_t priorities[] = {1, 2, 0};
	static const bool confirms[] = {true, false, false};
	struct virtual_card *card = load_card("multi_app.card");
	struct emv_app apps[EMV_APPS_MAX];
	struct card_channel channel;
	char hex[33];

	(void)state;
	virtual_card_channel(card, &channel);
	assert_int_equal(emv_list_apps(&channel, apps, EMV_APPS_MAX), 3);
	for (size_t i = 0; i < COUNT(labels); i++) {
		assert_string_equal(apps[i].label, labels[i]);
		assert_int_equal(apps[i].priority, priorities[i]);
		assert_int_equal(apps[i].confirm, confirms[i]);
	}
	assert_string_equal(emv_aid_hex(&apps[0], hex, sizeof(hex)),
			    "A0000000031010");
	assert_string_equal(emv_aid_hex(&apps[1], hex, sizeof(hex)),
			    "A0000000032010");

	/* Room for two keeps the two best. */
	assert_int_equal(emv_list_apps(&channel, apps, 2), 2);
	assert_string_equal(apps[1].label, "DEBIT");
	virtual_card_free(card);
}

/* The GPO command carries the PDOL values in template 83. */
static void gpo_carries_pdol_values(void **state)
{
	static const uint8_t fixed_head[] = {
		0x83, 0x19,
		0x26, 0x00, 0x00, 0x00,             /* 9F66 TTQ */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 9F02 amount */
		0x00, 0x05, 0x66,                   /* 9F1A in 3 bytes */
		0x66,                               /* 5F2A cut to 1 byte */
		0x31,                               /* 9C */
	};
	static const uint8_t tail[] = {
		0x00, 0x00, 0x00, /* DF7F: no default, zeros */
		0xE0, 0x00, 0x00, /* 9F33 */
	};
	struct virtual_card *card = load_card("pdol.card");
	struct emv_app apps[EMV_APPS_MAX];
	struct card_channel channel;
	struct card_data data;
	const uint8_t *gpo;
	size_t len;

	(void)state;
	virtual_card_channel(card, &channel);
	assert_int_equal(emv_list_apps(&channel, apps, EMV_APPS_MAX), 1);
	assert_int_equal(emv_read_app(&channel, &apps[0], &data), CARD_OK);
	gpo = virtual_card_last_gpo(card, &len);
	/* 17 fixed bytes, 4 unpredictable, 6 fixed. */
	assert_int_equal(len, sizeof(fixed_head) + 4 + sizeof(tail));
	assert_memory_equal(gpo, fixed_head, sizeof(fixed_head));
	assert_memory_equal(gpo + sizeof(fixed_head) + 4, tail, sizeof(tail));
	card_data_clear(&data);
	virtual_card_free(card);
}

struct failure_case {
	const char *name;
	const char *card; /* card text, or a file in tests/cards */
	int list_rc;
};

#define ATR "atr 3B 00\n"
#define VISA_SELECT \
	"select A0000000031010 -> 6F 0B 84 07 A0000000031010 A5 00\n"
#define PSE_SELECT \
	"select 315041592E5359532E4444463031 -> " \
	"6F 15 84 0E 315041592E5359532E4444463031 A5 03 88 01 01\n"
#define PPSE_SELECT "select 325041592E5359532E4444463031 -> "

static const struct failure_case failure_cases[] = {
	{"no application", ATR, CARD_ENOAPP},
	{"no application contactless", ATR "interface contactless\n",
	 CARD_ENOAPP},
	{"pse without sfi", ATR "select 315041592E5359532E4444463031 -> "
	 "6F 10 84 0E 315041592E5359532E4444463031\n", CARD_ENOAPP},
	{"pse record malformed", ATR PSE_SELECT
	 "record 1 1 -> 70 05 61 04 4F 09 A0\n", CARD_ENOAPP},
	{"pse fci malformed, aid found", ATR "select "
	 "315041592E5359532E4444463031 -> 6F 13 84 0E "
	 "315041592E5359532E4444463031 A5 01 88 01 01\n" VISA_SELECT, 1},
	{"pse names itself", "pse_self.card", CARD_ENOAPP},
	{"pse record malformed, aid found", ATR PSE_SELECT
	 "record 1 1 -> 70 05 61 04 4F 09 A0\n" VISA_SELECT, 1},
	{"pse entry with long aid skipped", ATR PSE_SELECT
	 "record 1 1 -> 70 23 61 13 4F 11 A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0"
	 " 61 0C 4F 07 A0000000031010 87 01 01\n", 1},
	{"pse record not 70, aid found", ATR PSE_SELECT
	 "record 1 1 -> 71 09 61 07 4F 05 A000000003\n" VISA_SELECT, 1},
	{"pse record status, aid found", ATR PSE_SELECT
	 "record 1 1 -> status 6A82\n" VISA_SELECT, 1},
	{"ppse directory malformed, aid found",
	 ATR "interface contactless\n" PPSE_SELECT
	 "6F 08 84 01 32 A5 03 BF 0C 05\n" VISA_SELECT, 1},
	{"ppse entry without aid, aid found",
	 ATR "interface contactless\n" PPSE_SELECT
	 "6F 0B 84 01 32 A5 06 BF 0C 03 61 01 50\n" VISA_SELECT, 1},
	{"all fcis malformed", ATR "select A0000000031010 -> 6F 05 84 09 A0\n"
	 "select A0000000041010 -> 6F 04 A5 02 4F 01\n", CARD_ENOAPP},
	{"removed during list", ATR "behaviour remove_after 3\n",
	 CARD_EREMOVED},
	{"61xx forever", ATR "behaviour more_forever\n", CARD_EPROTO},
};

static void list_failures(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(failure_cases); i++) {
		const struct failure_case *c = &failure_cases[i];
		struct virtual_card *card;
		struct emv_app apps[EMV_APPS_MAX];
		struct card_channel channel;
		char error[256];

		print_message("case: %s\n", c->name);
		if (strstr(c->card, ".card") != NULL)
			card = load_card(c->card);
		else if (virtual_card_parse(c->card, c->name, &card, error,
					    sizeof(error)) != 0)
			fail_msg("%s", error);
		virtual_card_channel(card, &channel);
		assert_int_equal(emv_list_apps(&channel, apps, EMV_APPS_MAX),
				 c->list_rc);
		virtual_card_free(card);
	}
}

/* Load visa_pse.card with "behaviour remove_after <after>" added, list
 * its applications and read the first. Returns the first error or
 * CARD_OK; *commands gets the commands the card saw. */
static int read_removed_after(const char *text, unsigned after,
			      unsigned *commands)
{
	struct virtual_card *card;
	struct emv_app apps[EMV_APPS_MAX];
	struct card_channel channel;
	struct card_data data;
	char card_text[4096 + 64];
	char error[512];
	int rc;

	snprintf(card_text, sizeof(card_text), "%sbehaviour remove_after %u\n",
		 text, after);
	assert_int_equal(virtual_card_parse(card_text, "removed", &card, error,
					    sizeof(error)),
			 0);
	virtual_card_channel(card, &channel);
	rc = emv_list_apps(&channel, apps, EMV_APPS_MAX);
	if (rc > 0) {
		memset(&data, 0x55, sizeof(data));
		rc = emv_read_app(&channel, &apps[0], &data);
		/* On failure the data is cleared: no digit is left. */
		if (rc < 0)
			assert_int_equal(strlen(data.pan), 0);
		card_data_clear(&data);
	}
	*commands = virtual_card_counters(card)->commands;
	virtual_card_free(card);
	return rc;
}

/* A card pulled out before any of the commands a whole read takes gives
 * CARD_EREMOVED. */
static void read_removed_at_each_command(void **state)
{
	char path[512];
	char text[4096];
	unsigned needed;
	unsigned seen;
	FILE *file;
	size_t n;

	(void)state;
	assert_int_equal(virtual_card_path("visa_pse.card", path,
					   sizeof(path)), 0);
	file = fopen(path, "r");
	assert_non_null(file);
	n = fread(text, 1, sizeof(text) - 1, file);
	fclose(file);
	assert_true(n < sizeof(text) - 1);
	text[n] = '\0';

	/* A limit far past the read succeeds and counts the commands. */
	assert_int_equal(read_removed_after(text, 1000, &needed), CARD_OK);
	assert_true(needed >= 10);
	for (unsigned after = 1; after < needed; after++) {
		print_message("removed after %u of %u commands\n", after,
			      needed);
		assert_int_equal(read_removed_after(text, after, &seen),
				 CARD_EREMOVED);
		assert_int_equal(seen, after + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_table),
		cmocka_unit_test(list_orders_by_priority),
		cmocka_unit_test(gpo_carries_pdol_values),
		cmocka_unit_test(list_failures),
		cmocka_unit_test(read_removed_at_each_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
