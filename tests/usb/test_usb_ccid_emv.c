/* End-to-end USB tests of EMV reading: emv_list_apps and emv_read_app
 * through ccid_channel on emulated readers (mock_ccid.c) with a virtual
 * card from tests/cards/ in the slot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/emv.h"
#include "ccid_card.h"

#define CARD_TEXT_MAX 4096
/* visa_pse.card: the PAN is compared masked, so that a failure never
 * prints it whole. */
#define VISA_PAN "4761739001010010"
#define VISA_PAN_MASKED "476173******0010"

struct emv_fixture {
	struct ccid_bed *bed;
	struct virtual_card *virtual;
	struct ccid_virtual_card card;
	struct ccid_atr atr;
	struct card_channel channel;
};

static int setup(void **state)
{
	struct emv_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->bed = ccid_bed_open();
	*state = f;
	return f->bed ? 0 : -1;
}

static int teardown(void **state)
{
	struct emv_fixture *f = *state;

	ccid_bed_close(f->bed);
	virtual_card_free(f->virtual);
	free(f);
	return 0;
}

/* Read tests/cards/<file> into text, replace the line `from` (when not
 * NULL) with `to`, and append `extra`. */
static void card_text(const char *file, const char *from, const char *to,
		      const char *extra, char *text, size_t size)
{
	char path[512];
	char *line;
	size_t len;
	FILE *in;

	assert_int_equal(virtual_card_path(file, path, sizeof(path)), 0);
	in = fopen(path, "r");
	assert_non_null(in);
	len = fread(text, 1, size - 1, in);
	fclose(in);
	text[len] = '\0';
	if (from) {
		line = strstr(text, from);
		assert_non_null(line);
		assert_int_equal(strlen(from), strlen(to));
		memcpy(line, to, strlen(to));
	}
	assert_true(len + strlen(extra) < size);
	strcat(text, extra);
}

/* Load the card text, put it in mock's slot, open the reader of config
 * and power the card on. */
static void insert_and_power(struct emv_fixture *f, struct mock_ccid *mock,
			     const struct mock_ccid_config *config,
			     const char *text)
{
	char error[256];

	assert_int_equal(virtual_card_parse(text, "test card", &f->virtual,
					    error, sizeof(error)),
			 0);
	ccid_card_from_virtual(f->virtual, &f->card);
	mock_ccid_insert(mock, &f->card.card);
	assert_int_equal(ccid_bed_open_reader(f->bed, config), CCID_OK);
	assert_int_equal(ccid_power_on(f->bed->reader, &f->atr), CCID_OK);
	ccid_channel(f->bed->reader, &f->atr, &f->channel);
	assert_false(f->channel.contactless);
}

static void assert_visa_read(const struct card_channel *channel)
{
	struct emv_app apps[EMV_APPS_MAX];
	struct card_data data;
	char masked[CARD_PAN_SIZE];

	assert_int_equal(emv_list_apps(channel, apps, EMV_APPS_MAX), 1);
	assert_string_equal(apps[0].label, "VISA DEBIT");
	assert_int_equal(emv_read_app(channel, &apps[0], &data), CARD_OK);
	assert_string_equal(card_mask_pan(data.pan, masked, sizeof(masked)),
			    VISA_PAN_MASKED);
	assert_true(strcmp(data.pan, VISA_PAN) == 0);
	assert_string_equal(data.expiry, "2712");
	assert_string_equal(data.name, "CARDHOLDER TEST");
	assert_int_equal(data.source, CARD_SOURCE_CHIP);
	card_data_clear(&data);
}

/* A contact card with a PSE on a short APDU reader: whole APDUs. */
static void test_emv_pse_apdu_reader(void **state)
{
	struct emv_fixture *f = *state;
	char text[CARD_TEXT_MAX];

	card_text("visa_pse.card", "protocol T=0", "protocol T=1", "", text,
		  sizeof(text));
	insert_and_power(f, f->bed->apdu, &mock_ccid_apdu_reader, text);
	assert_int_equal(f->channel.transport, CARD_TRANSPORT_APDU);
	assert_visa_read(&f->channel);
	assert_true(virtual_card_counters(f->virtual)->select >= 2);
	assert_true(virtual_card_counters(f->virtual)->read_record >= 3);
}

/* The same card over T=0 on a TPDU reader: case 4 commands get 61xx. */
static void test_emv_pse_tpdu_reader(void **state)
{
	struct emv_fixture *f = *state;
	char text[CARD_TEXT_MAX];

	card_text("visa_pse.card", NULL, NULL, "", text, sizeof(text));
	insert_and_power(f, f->bed->tpdu, &mock_ccid_tpdu_reader, text);
	assert_int_equal(f->channel.transport, CARD_TRANSPORT_TPDU_T0);
	assert_visa_read(&f->channel);
	assert_true(virtual_card_counters(f->virtual)->sent_61 > 0);
	assert_int_equal(mock_ccid_protocol(f->bed->tpdu), 0);
}

/* A T=0 card that hands every reply out in 16-byte pieces through 61xx
 * and GET RESPONSE, on a TPDU reader. */
static void test_emv_chained_61xx_tpdu_reader(void **state)
{
	struct emv_fixture *f = *state;
	char text[CARD_TEXT_MAX];
	const struct virtual_card_counters *counters;

	card_text("visa_pse.card", NULL, NULL, "behaviour chain61 16\n", text,
		  sizeof(text));
	insert_and_power(f, f->bed->tpdu, &mock_ccid_tpdu_reader, text);
	assert_visa_read(&f->channel);
	counters = virtual_card_counters(f->virtual);
	assert_true(counters->get_response > counters->select);
	assert_true(counters->sent_61 > 3);
}

/* The card is pulled out at the third exchange of the read. */
static void test_emv_removal_mid_read(void **state)
{
	struct emv_fixture *f = *state;
	struct emv_app apps[EMV_APPS_MAX];
	struct card_data data;
	char text[CARD_TEXT_MAX];
	struct ccid_notice notice;
	int rc;

	card_text("visa_pse.card", "protocol T=0", "protocol T=1", "", text,
		  sizeof(text));
	insert_and_power(f, f->bed->apdu, &mock_ccid_apdu_reader, text);
	assert_int_equal(emv_list_apps(&f->channel, apps, EMV_APPS_MAX), 1);
	mock_ccid_remove_after(f->bed->apdu, 2);
	memset(&data, 0x55, sizeof(data));
	rc = emv_read_app(&f->channel, &apps[0], &data);
	assert_int_equal(rc, CARD_EREMOVED);
	assert_string_equal(card_strerror(rc),
			    "The card was removed before it was read. "
			    "Insert it again.");
	assert_string_equal(data.pan, "");

	/* The insert's notice, then the removal's. */
	assert_int_equal(ccid_wait_notice(f->bed->reader, 500, &notice), 1);
	assert_int_equal(ccid_wait_notice(f->bed->reader, 500, &notice), 1);
	assert_false(notice.present);
}

#define EMV_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		EMV_TEST(test_emv_pse_apdu_reader),
		EMV_TEST(test_emv_pse_tpdu_reader),
		EMV_TEST(test_emv_chained_61xx_tpdu_reader),
		EMV_TEST(test_emv_removal_mid_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
