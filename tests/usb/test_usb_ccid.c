/* USB tests of the CCID reader driver against readers emulated under
 * umockdev (mock_ccid.c): discovery, descriptor, slot status, power on,
 * notifications, unplug and hotplug. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "ccid_card.h"

#define WAIT_MS 3000
#define NOTICE_WAIT_MS 500

static int setup(void **state)
{
	struct ccid_bed *bed = ccid_bed_open();

	*state = bed;
	return bed ? 0 : -1;
}

static int teardown(void **state)
{
	ccid_bed_close(*state);
	return 0;
}

/* Insert card into mock, open that reader and power the card on. */
static void open_powered(struct ccid_bed *bed, struct mock_ccid *mock,
			 const struct mock_ccid_config *config,
			 const struct mock_card *card, struct ccid_atr *atr)
{
	mock_ccid_insert(mock, card);
	assert_int_equal(ccid_bed_open_reader(bed, config), CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, atr), CCID_OK);
}

/* The bPowerSelect of each IccPowerOn recorded, in order. */
static int power_selects(struct mock_ccid *mock, uint8_t *out, int max)
{
	struct mock_ccid_command log[MOCK_CCID_LOG_MAX];
	int count = mock_ccid_commands(mock, log, MOCK_CCID_LOG_MAX);
	int found = 0;
	int i;

	for (i = 0; i < count && i < MOCK_CCID_LOG_MAX; i++) {
		if (log[i].type == MOCK_CCID_POWER_ON && found < max)
			out[found++] = log[i].specific[0];
	}
	return found;
}

/* Add a third reader of config: libusb restarts so that it lists the
 * new device without waiting for hotplug. */
static struct mock_ccid *add_reader(struct ccid_bed *bed,
				    const struct mock_ccid_config *config,
				    int address)
{
	struct mock_ccid *mock;

	usb_context_close(bed->usb);
	bed->usb = NULL;
	mock = mock_ccid_new(bed->testbed, config, address);
	assert_non_null(mock);
	assert_int_equal(usb_context_open(&bed->usb), USB_OK);
	return mock;
}

/* Close the reader and libusb, then free the third reader. */
static void drop_reader(struct ccid_bed *bed, struct mock_ccid *mock)
{
	ccid_close(bed->reader);
	bed->reader = NULL;
	usb_context_close(bed->usb);
	bed->usb = NULL;
	mock_ccid_free(mock);
}

/* --- Discovery and descriptor --- */

static void test_discovery_by_class(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char expected[54];
	struct usb_device_info info;

	assert_true(ccid_bed_find(bed, mock_ccid_apdu_reader.vendor,
				  mock_ccid_apdu_reader.product, &info));
	assert_int_equal(info.kind, USB_KIND_CCID);
	assert_int_equal(info.address, CCID_APDU_ADDRESS);
	assert_int_equal(info.interface, 0);
	assert_int_equal(info.ep_bulk_out, 0x01);
	assert_int_equal(info.ep_bulk_in, 0x82);
	assert_int_equal(info.ep_interrupt_in, 0x83);
	assert_int_equal(info.max_packet_in, 64);
	assert_false(info.known);
	assert_string_equal(info.model, "Test APDU Reader");
	assert_string_equal(info.serial, "APDU0001");
	mock_ccid_class_descriptor(&mock_ccid_apdu_reader, expected);
	assert_int_equal(info.class_descriptor_len, sizeof(expected));
	assert_memory_equal(info.class_descriptor, expected,
			    sizeof(expected));
	assert_true(ccid_bed_find(bed, mock_ccid_tpdu_reader.vendor,
				  mock_ccid_tpdu_reader.product, &info));
	assert_int_equal(info.address, CCID_TPDU_ADDRESS);
}

static void test_discovery_skips_printers(void **state)
{
	struct ccid_bed *bed = *state;
	struct usb_device_info found[4];

	assert_int_equal(usb_list(bed->usb, USB_KIND_CCID, found, 4), 2);
	assert_int_equal(usb_list(bed->usb, USB_KIND_PRINTER, found, 4), 0);
	assert_int_equal(usb_list(bed->usb, USB_KIND_HID, found, 4), 0);
}

static void test_descriptor_apdu_reader(void **state)
{
	struct ccid_bed *bed = *state;
	const struct ccid_descriptor *d;

	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_apdu_reader),
			 CCID_OK);
	d = ccid_descriptor_of(bed->reader);
	assert_int_equal(d->level, CCID_LEVEL_SHORT_APDU);
	assert_int_equal(d->voltages, 0x07);
	assert_true(d->auto_voltage);
	assert_true(d->auto_parameters);
	assert_int_equal(d->protocols, 0x03);
	assert_int_equal(d->max_message, 271);
	assert_int_equal(d->max_slot_index, 0);
	assert_int_equal(d->default_clock_khz, 4000);
	assert_int_equal(d->max_ifsd, 254);
	assert_true(mock_device_claimed(mock_ccid_device(bed->apdu)));
}

static void test_descriptor_tpdu_reader(void **state)
{
	struct ccid_bed *bed = *state;
	const struct ccid_descriptor *d;

	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_tpdu_reader),
			 CCID_OK);
	d = ccid_descriptor_of(bed->reader);
	assert_int_equal(d->level, CCID_LEVEL_TPDU);
	assert_false(d->auto_voltage);
	assert_false(d->auto_parameters);
}

static void test_open_detaches_kernel_driver(void **state)
{
	struct mock_ccid_config config = mock_ccid_apdu_reader;
	struct ccid_bed *bed = *state;
	struct mock_device *device;
	struct mock_ccid *mock;

	config.product = 0x90ce;
	config.kernel_driver = "test_ccid";
	mock = add_reader(bed, &config, 10);
	device = mock_ccid_device(mock);
	assert_true(mock_device_driver_bound(device));
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(mock_device_detach_count(device), 1);
	assert_false(mock_device_driver_bound(device));
	assert_true(mock_device_claimed(device));

	ccid_close(bed->reader);
	bed->reader = NULL;
	assert_false(mock_device_claimed(device));
	assert_int_equal(mock_device_attach_count(device), 1);
	assert_true(mock_device_driver_bound(device));
	drop_reader(bed, mock);
}

/* An extended APDU reader takes a reply over 261 bytes in one message. */
static void test_extended_apdu_reader(void **state)
{
	static const unsigned char read_record[] = { 0x00, 0xb2, 0x01, 0x0c,
						     0x00 };
	struct mock_ccid_config config = mock_ccid_apdu_reader;
	struct ccid_bed *bed = *state;
	unsigned char reply[1024];
	struct ccid_atr atr;
	struct mock_ccid *mock;
	size_t got = 0;

	config.product = 0x90cf;
	config.level = MOCK_CCID_EXTENDED_APDU;
	config.max_message = 1034;
	mock = add_reader(bed, &config, 11);
	mock_ccid_insert(mock, &ccid_apdu_card);
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(ccid_descriptor_of(bed->reader)->level,
			 CCID_LEVEL_EXTENDED_APDU);
	assert_int_equal(ccid_descriptor_of(bed->reader)->max_message, 1034);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
	assert_int_equal(ccid_transmit(bed->reader, read_record,
				       sizeof(read_record), reply,
				       sizeof(reply), &got),
			 CCID_OK);
	assert_int_equal(got, CCID_RECORD_LEN + 2);
	drop_reader(bed, mock);
}

/* The dwLength and wLevelParameter of each XfrBlock recorded, in
 * order. Returns how many were copied. */
static int xfr_blocks(struct mock_ccid *mock, size_t *lengths,
		      unsigned *levels, int max)
{
	struct mock_ccid_command log[MOCK_CCID_LOG_MAX];
	int count = mock_ccid_commands(mock, log, MOCK_CCID_LOG_MAX);
	int found = 0;
	int i;

	for (i = 0; i < count && i < MOCK_CCID_LOG_MAX; i++) {
		if (log[i].type != MOCK_CCID_XFR_BLOCK || found >= max)
			continue;
		lengths[found] = log[i].length;
		levels[found] = log[i].specific[1] |
				(unsigned)log[i].specific[2] << 8;
		found++;
	}
	return found;
}

/* Add an extended APDU reader with 271-byte messages at address, insert
 * ccid_extended_card, open and power it, and clear the command log. */
static struct mock_ccid *open_chaining_reader(struct ccid_bed *bed,
					      uint16_t product, int address)
{
	struct mock_ccid_config config = mock_ccid_apdu_reader;
	struct ccid_atr atr;
	struct mock_ccid *mock;

	config.product = product;
	config.level = MOCK_CCID_EXTENDED_APDU;
	config.max_message = 271;
	mock = add_reader(bed, &config, address);
	mock_ccid_insert(mock, &ccid_extended_card);
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
	mock_ccid_clear_log(mock);
	return mock;
}

/* A 702-byte response comes in blocks of 261, 261 and 180 bytes, each
 * after the first asked for with wLevelParameter 10, and is joined. */
static void test_chained_response_joined(void **state)
{
	static const unsigned char read_record[] = { 0x00, 0xb2, 0x01, 0x0c,
						     0x00 };
	struct ccid_bed *bed = *state;
	unsigned char reply[1024];
	struct mock_ccid *mock;
	unsigned levels[8];
	size_t lengths[8];
	size_t got = 0;
	size_t i;

	mock = open_chaining_reader(bed, 0x90d0, 12);
	assert_int_equal(ccid_transmit(bed->reader, read_record,
				       sizeof(read_record), reply,
				       sizeof(reply), &got),
			 CCID_OK);
	assert_int_equal(got, CCID_LONG_RECORD_LEN + 2);
	for (i = 0; i < CCID_LONG_RECORD_LEN; i++)
		assert_int_equal(reply[i], i & 0xff);
	assert_int_equal(reply[CCID_LONG_RECORD_LEN], 0x90);
	assert_int_equal(reply[CCID_LONG_RECORD_LEN + 1], 0x00);

	assert_int_equal(xfr_blocks(mock, lengths, levels, 8), 3);
	assert_int_equal(levels[0], 0x00);
	assert_int_equal(lengths[0], sizeof(read_record));
	assert_int_equal(levels[1], 0x10);
	assert_int_equal(lengths[1], 0);
	assert_int_equal(levels[2], 0x10);
	assert_int_equal(lengths[2], 0);
	drop_reader(bed, mock);
}

/* A 600-byte command goes in blocks of 261, 261 and 78 bytes with
 * wLevelParameter 01, 03 and 02, and its 602-byte echo comes back
 * chained. */
static void test_chained_command_sent(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char command[600];
	unsigned char reply[1024];
	struct mock_ccid *mock;
	unsigned levels[8];
	size_t lengths[8];
	size_t got = 0;
	size_t i;

	/* UPDATE BINARY with an extended Lc of 593 (ISO/IEC 7816-4). */
	for (i = 0; i < sizeof(command); i++)
		command[i] = (unsigned char)(i * 7);
	memcpy(command, "\x00\xd6\x00\x00\x00\x02\x51", 7);
	mock = open_chaining_reader(bed, 0x90d1, 13);
	assert_int_equal(ccid_transmit(bed->reader, command, sizeof(command),
				       reply, sizeof(reply), &got),
			 CCID_OK);
	assert_int_equal(got, sizeof(command) + 2);
	assert_memory_equal(reply, command, sizeof(command));
	assert_int_equal(reply[sizeof(command)], 0x90);
	assert_int_equal(reply[sizeof(command) + 1], 0x00);

	assert_int_equal(xfr_blocks(mock, lengths, levels, 8), 5);
	assert_int_equal(levels[0], 0x01);
	assert_int_equal(lengths[0], 261);
	assert_int_equal(levels[1], 0x03);
	assert_int_equal(lengths[1], 261);
	assert_int_equal(levels[2], 0x02);
	assert_int_equal(lengths[2], 78);
	assert_int_equal(levels[3], 0x10);
	assert_int_equal(lengths[3], 0);
	assert_int_equal(levels[4], 0x10);
	assert_int_equal(lengths[4], 0);
	drop_reader(bed, mock);
}

/* --- Slot status and power --- */

static void test_slot_status_follows_card(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	enum ccid_icc icc = CCID_ICC_ACTIVE;

	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_apdu_reader),
			 CCID_OK);
	assert_int_equal(ccid_slot_status(bed->reader, &icc), CCID_OK);
	assert_int_equal(icc, CCID_ICC_ABSENT);

	mock_ccid_insert(bed->apdu, &ccid_apdu_card);
	assert_int_equal(ccid_slot_status(bed->reader, &icc), CCID_OK);
	assert_int_equal(icc, CCID_ICC_INACTIVE);

	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
	assert_int_equal(ccid_slot_status(bed->reader, &icc), CCID_OK);
	assert_int_equal(icc, CCID_ICC_ACTIVE);

	assert_int_equal(ccid_power_off(bed->reader), CCID_OK);
	assert_false(mock_ccid_powered(bed->apdu));
	assert_int_equal(ccid_slot_status(bed->reader, &icc), CCID_OK);
	assert_int_equal(icc, CCID_ICC_INACTIVE);
}

static void test_power_on_auto_voltage(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	uint8_t selects[8];

	open_powered(bed, bed->apdu, &mock_ccid_apdu_reader, &ccid_apdu_card,
		     &atr);
	assert_true(atr.t0);
	assert_false(atr.t1);
	assert_true(mock_ccid_powered(bed->apdu));
	assert_int_equal(power_selects(bed->apdu, selects, 8), 1);
	assert_int_equal(selects[0], 0);
	/* The reader sets parameters from the ATR itself. */
	assert_int_equal(mock_ccid_count(bed->apdu,
					 MOCK_CCID_SET_PARAMETERS), 0);
}

static void test_power_on_manual_voltage_order(void **state)
{
	static const struct mock_card card_5v = {
		.atr = (const unsigned char *)"\x3b\x02\x14\x50",
		.atr_len = 4,
		.voltages = MOCK_CCID_5V,
	};
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	uint8_t selects[8];

	open_powered(bed, bed->tpdu, &mock_ccid_tpdu_reader, &card_5v, &atr);
	/* 1.8 V, 3 V, then 5 V: from the lowest class up. */
	assert_int_equal(power_selects(bed->tpdu, selects, 8), 3);
	assert_int_equal(selects[0], 3);
	assert_int_equal(selects[1], 2);
	assert_int_equal(selects[2], 1);
	assert_true(mock_ccid_powered(bed->tpdu));
	assert_int_equal(mock_ccid_count(bed->tpdu,
					 MOCK_CCID_SET_PARAMETERS), 1);
	assert_int_equal(mock_ccid_protocol(bed->tpdu), 0);
}

static void test_power_on_skips_missing_voltage(void **state)
{
	static const struct mock_card card_3v = {
		.atr = (const unsigned char *)"\x3b\x02\x14\x50",
		.atr_len = 4,
		.voltages = MOCK_CCID_3V,
	};
	struct mock_ccid_config config = mock_ccid_tpdu_reader;
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	uint8_t selects[8];
	struct mock_ccid *mock;

	/* A reader without 1.8 V. */
	config.product = 0x5117;
	config.voltages = MOCK_CCID_5V | MOCK_CCID_3V;
	mock = add_reader(bed, &config, 7);
	mock_ccid_insert(mock, &card_3v);
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
	assert_int_equal(power_selects(mock, selects, 8), 1);
	assert_int_equal(selects[0], 2);
	drop_reader(bed, mock);
}

/* A reader that lists no voltage and has no automatic selection gets
 * each class in turn, never bPowerSelect 0, which it rejects. */
static void test_power_on_no_voltage_listed(void **state)
{
	static const struct mock_card card_3v = {
		.atr = (const unsigned char *)"\x3b\x02\x14\x50",
		.atr_len = 4,
		.voltages = MOCK_CCID_3V,
	};
	struct mock_ccid_config config = mock_ccid_tpdu_reader;
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	uint8_t selects[8];
	struct mock_ccid *mock;

	config.product = 0x5118;
	config.voltages = 0;
	mock = add_reader(bed, &config, 7);
	mock_ccid_insert(mock, &card_3v);
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
	assert_int_equal(power_selects(mock, selects, 8), 2);
	assert_int_equal(selects[0], 3);
	assert_int_equal(selects[1], 2);
	assert_true(mock_ccid_powered(mock));
	drop_reader(bed, mock);
}

static void test_power_on_mute_card(void **state)
{
	static const struct mock_card card_1_8v = {
		.atr = (const unsigned char *)"\x3b\x02\x14\x50",
		.atr_len = 4,
		.voltages = MOCK_CCID_1_8V,
	};
	struct mock_ccid_config config = mock_ccid_tpdu_reader;
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	uint8_t selects[8];
	struct mock_ccid *mock;

	config.product = 0x5118;
	config.voltages = MOCK_CCID_5V | MOCK_CCID_3V;
	mock = add_reader(bed, &config, 8);
	mock_ccid_insert(mock, &card_1_8v);
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_EMUTE);
	assert_int_equal(power_selects(mock, selects, 8), 2);
	assert_int_equal(selects[0], 2);
	assert_int_equal(selects[1], 1);
	assert_false(mock_ccid_powered(mock));
	drop_reader(bed, mock);
}

static void test_power_on_empty_slot(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;

	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_tpdu_reader),
			 CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_ENOCARD);
}

static void test_t1_card_on_tpdu_reader(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;

	mock_ccid_insert(bed->tpdu, &ccid_t1_card);
	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_tpdu_reader),
			 CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_ENOTSUP);
	assert_int_equal(ccid_to_card_error(CCID_ENOTSUP), CARD_EUNSUPPORTED);
	assert_false(mock_ccid_powered(bed->tpdu));
}

static void test_t1_card_on_apdu_reader(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;

	open_powered(bed, bed->apdu, &mock_ccid_apdu_reader, &ccid_t1_card,
		     &atr);
	assert_true(atr.t1);
	assert_true(mock_ccid_powered(bed->apdu));
}

/* --- Interrupt notifications --- */

static void test_notice_insert_and_remove(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_notice notice;

	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_apdu_reader),
			 CCID_OK);
	assert_int_equal(ccid_wait_notice(bed->reader, 100, &notice), 0);

	mock_ccid_insert(bed->apdu, &ccid_apdu_card);
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_int_equal(notice.kind, CCID_NOTICE_SLOT_CHANGE);
	assert_true(notice.present);
	assert_true(notice.changed);

	mock_ccid_remove(bed->apdu);
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_int_equal(notice.kind, CCID_NOTICE_SLOT_CHANGE);
	assert_false(notice.present);
	assert_true(notice.changed);
}

static void test_notice_hardware_error(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_notice notice;

	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_apdu_reader),
			 CCID_OK);
	mock_ccid_hardware_error(bed->apdu, 0x01);
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_int_equal(notice.kind, CCID_NOTICE_HARDWARE);
	assert_int_equal(notice.slot, 0);
	assert_int_equal(notice.code, 0x01);
}

/* A reader with four slots: slot 0's bits of bmSlotICCState are read
 * whatever the other slots show, and a hardware error names its slot
 * and leaves slot 0 powered. */
static void test_notice_several_slots(void **state)
{
	/* Slot 0 present and unchanged, slot 1 present and changed. */
	static const unsigned char slot1[] = { 0x50, 0x01 | 0x0c };
	/* Slot 0 absent and changed, slots 1 to 3 present. */
	static const unsigned char slot0[] = { 0x50, 0x02 | 0x54 };
	static const unsigned char hardware2[] = { 0x51, 0x02, 0x00, 0x01 };
	static const unsigned char select_apdu[] = { 0x00, 0xa4, 0x04, 0x00,
						     0x02, 0xa0, 0x00, 0x00 };
	struct mock_ccid_config config = mock_ccid_apdu_reader;
	unsigned char reply[64];
	size_t got = 0;
	struct ccid_bed *bed = *state;
	struct ccid_notice notice;
	struct ccid_atr atr;
	struct mock_ccid *mock;

	config.product = 0x90cd;
	config.max_slot_index = 3;
	mock = add_reader(bed, &config, 7);
	mock_ccid_insert(mock, &ccid_apdu_card);
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(ccid_descriptor_of(bed->reader)->max_slot_index, 3);
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);

	mock_ccid_notify_raw(mock, slot1, sizeof(slot1));
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_int_equal(notice.kind, CCID_NOTICE_SLOT_CHANGE);
	assert_true(notice.present);
	assert_false(notice.changed);

	mock_ccid_notify_raw(mock, hardware2, sizeof(hardware2));
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_int_equal(notice.kind, CCID_NOTICE_HARDWARE);
	assert_int_equal(notice.slot, 2);
	/* Slot 0 is still powered: a SELECT goes through. */
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_OK);
	assert_int_equal(got, CCID_FCI_LEN + 2);

	mock_ccid_notify_raw(mock, slot0, sizeof(slot0));
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_false(notice.present);
	assert_true(notice.changed);
	drop_reader(bed, mock);
}

/* An unknown message on the interrupt endpoint is no error: the slot
 * change after it still arrives. */
static void test_notice_unknown_ignored(void **state)
{
	static const unsigned char unknown[] = { 0x5a, 0x01, 0x02 };
	struct ccid_bed *bed = *state;
	struct ccid_notice notice;
	int results[2];

	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_apdu_reader),
			 CCID_OK);
	mock_ccid_notify_raw(bed->apdu, unknown, sizeof(unknown));
	mock_ccid_insert(bed->apdu, &ccid_apdu_card);
	memset(&notice, 0, sizeof(notice));
	results[0] = ccid_wait_notice(bed->reader, NOTICE_WAIT_MS, &notice);
	assert_true(results[0] >= 0);
	results[1] = results[0] == 1 ? 1 :
		ccid_wait_notice(bed->reader, NOTICE_WAIT_MS, &notice);
	assert_int_equal(results[1], 1);
	assert_int_equal(notice.kind, CCID_NOTICE_SLOT_CHANGE);
	assert_true(notice.present);
}

static void test_notice_without_interrupt_endpoint(void **state)
{
	struct mock_ccid_config config = mock_ccid_apdu_reader;
	struct ccid_bed *bed = *state;
	struct ccid_notice notice;
	struct mock_ccid *mock;

	config.product = 0x90cd;
	config.interrupt = false;
	mock = add_reader(bed, &config, 9);
	assert_int_equal(ccid_bed_open_reader(bed, &config), CCID_OK);
	assert_int_equal(ccid_wait_notice(bed->reader, 100, &notice),
			 CCID_ENOTSUP);
	drop_reader(bed, mock);
}

/* --- Unplug and hotplug --- */

static const unsigned char select_apdu[] = { 0x00, 0xa4, 0x04, 0x00, 0x02,
					     0xa0, 0x00, 0x00 };

static void test_unplug_gives_enodev(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char reply[300];
	struct ccid_atr atr;
	size_t got = 1;

	open_powered(bed, bed->apdu, &mock_ccid_apdu_reader, &ccid_apdu_card,
		     &atr);
	mock_device_unplug(mock_ccid_device(bed->apdu));
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_ENODEV);
	assert_int_equal(got, 0);
}

static void test_unplug_channel_enodev(void **state)
{
	struct ccid_bed *bed = *state;
	struct card_channel channel;
	unsigned char reply[300];
	struct ccid_atr atr;
	size_t got = 1;

	open_powered(bed, bed->apdu, &mock_ccid_apdu_reader, &ccid_apdu_card,
		     &atr);
	ccid_channel(bed->reader, &atr, &channel);
	mock_device_unplug(mock_ccid_device(bed->apdu));
	assert_int_equal(channel.exchange(channel.data, select_apdu,
					  sizeof(select_apdu), reply,
					  sizeof(reply), &got),
			 CARD_ENODEV);
	assert_string_equal(card_strerror(CARD_ENODEV),
			    "The card reader was unplugged.");
}

/* Every call after an unplug reports the unplug, not an empty slot. */
static void test_unplug_later_calls_enodev(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_notice notice;
	unsigned char reply[300];
	struct ccid_atr atr;
	enum ccid_icc icc;
	size_t got = 1;

	open_powered(bed, bed->apdu, &mock_ccid_apdu_reader, &ccid_apdu_card,
		     &atr);
	mock_device_unplug(mock_ccid_device(bed->apdu));
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_ENODEV);
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_ENODEV);
	assert_int_equal(ccid_slot_status(bed->reader, &icc), CCID_ENODEV);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_ENODEV);
	assert_int_equal(ccid_power_off(bed->reader), CCID_ENODEV);
	assert_int_equal(ccid_wait_notice(bed->reader, 100, &notice),
			 CCID_ENODEV);
}

static void test_hotplug_arrival(void **state)
{
	struct ccid_bed *bed = *state;
	struct mock_device *device = mock_ccid_device(bed->apdu);
	struct ccid_atr atr;
	struct usb_device_info info;

	assert_int_equal(usb_watch(bed->usb, USB_KIND_CCID,
				   ccid_bed_on_hotplug, bed),
			 USB_OK);
	mock_device_unplug(device);
	assert_true(ccid_bed_wait(bed, &bed->removals, 1, WAIT_MS));
	assert_int_equal(bed->last.kind, USB_KIND_CCID);
	assert_int_equal(bed->last.address, CCID_APDU_ADDRESS);

	assert_int_equal(mock_device_plug(device), 0);
	assert_true(ccid_bed_wait(bed, &bed->arrivals, 1, WAIT_MS));
	pthread_mutex_lock(&bed->lock);
	info = bed->last;
	pthread_mutex_unlock(&bed->lock);
	assert_int_equal(info.kind, USB_KIND_CCID);
	assert_int_equal(info.address, mock_device_address(device));
	assert_int_equal(info.vendor, mock_ccid_apdu_reader.vendor);
	assert_int_equal(info.class_descriptor_len, 54);

	/* The reader works at its new address. */
	mock_ccid_insert(bed->apdu, &ccid_apdu_card);
	assert_int_equal(ccid_open(bed->usb, &info, &bed->reader), CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
}

#define CCID_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CCID_TEST(test_discovery_by_class),
		CCID_TEST(test_discovery_skips_printers),
		CCID_TEST(test_descriptor_apdu_reader),
		CCID_TEST(test_descriptor_tpdu_reader),
		CCID_TEST(test_open_detaches_kernel_driver),
		CCID_TEST(test_extended_apdu_reader),
		CCID_TEST(test_chained_response_joined),
		CCID_TEST(test_chained_command_sent),
		CCID_TEST(test_slot_status_follows_card),
		CCID_TEST(test_power_on_auto_voltage),
		CCID_TEST(test_power_on_manual_voltage_order),
		CCID_TEST(test_power_on_skips_missing_voltage),
		CCID_TEST(test_power_on_no_voltage_listed),
		CCID_TEST(test_power_on_mute_card),
		CCID_TEST(test_power_on_empty_slot),
		CCID_TEST(test_t1_card_on_tpdu_reader),
		CCID_TEST(test_t1_card_on_apdu_reader),
		CCID_TEST(test_notice_insert_and_remove),
		CCID_TEST(test_notice_hardware_error),
		CCID_TEST(test_notice_several_slots),
		CCID_TEST(test_notice_unknown_ignored),
		CCID_TEST(test_notice_without_interrupt_endpoint),
		CCID_TEST(test_unplug_gives_enodev),
		CCID_TEST(test_unplug_channel_enodev),
		CCID_TEST(test_unplug_later_calls_enodev),
		CCID_TEST(test_hotplug_arrival),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
