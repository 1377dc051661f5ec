/* Unit tests for drivers/ccid.c: the CCID class descriptor, PC_to_RDR
 * messages, RDR_to_PC replies, interrupt notifications and error codes,
 * with no USB device involved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/ccid.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The fields of a class descriptor that a case sets; the rest are laid
 * out as CCID 1.1 table 5.1-1 orders them. */
struct descriptor_fields {
	uint8_t length;            /* bLength */
	uint8_t type;              /* bDescriptorType */
	uint8_t max_slot;
	uint8_t voltages;
	uint32_t protocols;
	uint32_t clock_khz;
	uint32_t max_ifsd;
	uint32_t features;
	uint32_t max_message;
};

static void put_le32(uint8_t *p, uint32_t value)
{
	p[0] = (uint8_t)value;
	p[1] = (uint8_t)(value >> 8);
	p[2] = (uint8_t)(value >> 16);
	p[3] = (uint8_t)(value >> 24);
}

static void make_descriptor(const struct descriptor_fields *f,
			    uint8_t out[54])
{
	memset(out, 0, 54);
	out[0] = f->length;
	out[1] = f->type;
	out[2] = 0x10; /* bcdCCID 1.10 */
	out[3] = 0x01;
	out[4] = f->max_slot;
	out[5] = f->voltages;
	put_le32(out + 6, f->protocols);
	put_le32(out + 10, f->clock_khz);
	put_le32(out + 14, f->clock_khz);          /* dwMaximumClock */
	out[18] = 1;                               /* bNumClockSupported */
	put_le32(out + 19, 9600);                  /* dwDataRate */
	put_le32(out + 23, 344086);                /* dwMaxDataRate */
	out[27] = 1;                               /* bNumDataRatesSupported */
	put_le32(out + 28, f->max_ifsd);
	put_le32(out + 32, 0);                     /* dwSynchProtocols */
	put_le32(out + 36, 0);                     /* dwMechanical */
	put_le32(out + 40, f->features);
	put_le32(out + 44, f->max_message);
	out[48] = 0xFF;                            /* bClassGetResponse */
	out[49] = 0xFF;                            /* bClassEnvelope */
	out[53] = 1;                               /* bMaxCCIDBusySlots */
}

struct descriptor_case {
	const char *name;
	struct descriptor_fields fields;
	size_t len;
	int expected;
	enum ccid_level level;
	bool auto_voltage;
	bool auto_parameters;
};

static const struct descriptor_case descriptor_cases[] = {
	/* A TPDU reader with automatic parameters from the ATR, automatic
	 * clock and baud rate changes and automatic IFSD exchange. */
	{"tpdu reader", {54, 0x21, 0, 0x07, 0x3, 4000, 254, 0x000104BA, 271},
	 54, CCID_OK, CCID_LEVEL_TPDU, true, true},
	/* A short APDU reader that selects no voltage by itself. */
	{"short apdu reader", {54, 0x21, 0, 0x03, 0x3, 3580, 254,
			       0x00020040, 271},
	 54, CCID_OK, CCID_LEVEL_SHORT_APDU, false, false},
	/* An extended APDU reader with automatic PPS. */
	{"extended apdu reader", {54, 0x21, 1, 0x07, 0x3, 4800, 254,
				  0x000400FE, 65544},
	 54, CCID_OK, CCID_LEVEL_EXTENDED_APDU, true, true},
	{"character reader", {54, 0x21, 0, 0x01, 0x1, 3580, 0, 0x0, 271},
	 54, CCID_OK, CCID_LEVEL_CHARACTER, false, false},
	{"short", {54, 0x21, 0, 0x07, 0x3, 4000, 254, 0x00010000, 271},
	 53, CCID_EDESCRIPTOR, 0, false, false},
	{"bLength too small", {53, 0x21, 0, 0x07, 0x3, 4000, 254,
			       0x00010000, 271},
	 54, CCID_EDESCRIPTOR, 0, false, false},
	{"wrong type", {54, 0x24, 0, 0x07, 0x3, 4000, 254, 0x00010000, 271},
	 54, CCID_EDESCRIPTOR, 0, false, false},
	{"no protocol", {54, 0x21, 0, 0x07, 0x0, 4000, 254, 0x00010000, 271},
	 54, CCID_EDESCRIPTOR, 0, false, false},
	{"only unknown protocol", {54, 0x21, 0, 0x07, 0x4, 4000, 254,
				   0x00010000, 271},
	 54, CCID_EDESCRIPTOR, 0, false, false},
	{"message length 270", {54, 0x21, 0, 0x07, 0x3, 4000, 254,
				0x00010000, 270},
	 54, CCID_EDESCRIPTOR, 0, false, false},
};

static void descriptor_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(descriptor_cases); i++) {
		const struct descriptor_case *c = &descriptor_cases[i];
		uint8_t data[54];
		struct ccid_descriptor d;
		int rc;

		print_message("case: %s\n", c->name);
		make_descriptor(&c->fields, data);
		memset(&d, 0xAA, sizeof(d));
		rc = ccid_parse_descriptor(data, c->len, &d);
		assert_int_equal(rc, c->expected);
		if (rc != CCID_OK)
			continue;
		assert_int_equal(d.max_slot_index, c->fields.max_slot);
		assert_int_equal(d.voltages, c->fields.voltages);
		assert_int_equal(d.protocols, c->fields.protocols);
		assert_int_equal(d.default_clock_khz, c->fields.clock_khz);
		assert_int_equal(d.max_ifsd, c->fields.max_ifsd);
		assert_int_equal(d.features, c->fields.features);
		assert_int_equal(d.max_message, c->fields.max_message);
		assert_int_equal(d.level, c->level);
		assert_int_equal(d.auto_voltage, c->auto_voltage);
		assert_int_equal(d.auto_parameters, c->auto_parameters);
	}
}

static void descriptor_null(void **state)
{
	struct ccid_descriptor d;

	(void)state;
	assert_int_equal(ccid_parse_descriptor(NULL, 54, &d),
			 CCID_EDESCRIPTOR);
}

static void build_power_on(void **state)
{
	const uint8_t specific[3] = {0x01, 0x00, 0x00};
	const uint8_t expected[] = {0x62, 0, 0, 0, 0, 0x00, 0x07, 0x01, 0, 0};
	uint8_t out[16];
	int len;

	(void)state;
	len = ccid_build(out, sizeof(out), 0x62, 0, 7, specific, NULL, 0);
	assert_int_equal(len, 10);
	assert_memory_equal(out, expected, sizeof(expected));
}

static void build_xfr_block(void **state)
{
	const uint8_t apdu[] = {0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00};
	const uint8_t specific[3] = {0x00, 0x10, 0x00};
	const uint8_t header[] = {0x6F, 7, 0, 0, 0, 0x00, 0xFF, 0x00, 0x10,
				  0x00};
	uint8_t out[32];
	int len;

	(void)state;
	len = ccid_build(out, sizeof(out), 0x6F, 0, 0xFF, specific, apdu,
			 sizeof(apdu));
	assert_int_equal(len, 17);
	assert_memory_equal(out, header, sizeof(header));
	assert_memory_equal(out + 10, apdu, sizeof(apdu));
}

static void build_null_specific(void **state)
{
	uint8_t out[10];

	(void)state;
	memset(out, 0xEE, sizeof(out));
	assert_int_equal(ccid_build(out, sizeof(out), 0x65, 0, 1, NULL, NULL,
				    0), 10);
	assert_int_equal(out[7], 0);
	assert_int_equal(out[8], 0);
	assert_int_equal(out[9], 0);
}

static void build_too_long(void **state)
{
	const uint8_t data[8] = {0};
	uint8_t out[17];

	(void)state;
	assert_int_equal(ccid_build(out, sizeof(out), 0x6F, 0, 0, NULL, data,
				    sizeof(data)), CCID_ETOOLONG);
	assert_int_equal(ccid_build(out, 9, 0x65, 0, 0, NULL, NULL, 0),
			 CCID_ETOOLONG);
}

struct reply_case {
	const char *name;
	uint8_t bytes[16];
	size_t len;
	size_t max_message;
	int expected;
	uint8_t type;
	uint8_t seq;
	enum ccid_icc icc;
	uint8_t command_status;
	uint8_t error;
	uint8_t chain;
	size_t length;
};

static const struct reply_case reply_cases[] = {
	{"data block with status word",
	 {0x80, 2, 0, 0, 0, 0, 3, 0x00, 0x00, 0x00, 0x90, 0x00}, 12, 271,
	 CCID_OK, 0x80, 3, CCID_ICC_ACTIVE, 0, 0, 0, 2},
	{"data block chained",
	 {0x80, 1, 0, 0, 0, 0, 4, 0x00, 0x00, 0x01, 0x6F}, 11, 271,
	 CCID_OK, 0x80, 4, CCID_ICC_ACTIVE, 0, 0, 1, 1},
	{"slot status absent",
	 {0x81, 0, 0, 0, 0, 0, 9, 0x02, 0x00, 0x00}, 10, 271,
	 CCID_OK, 0x81, 9, CCID_ICC_ABSENT, 0, 0, 0, 0},
	{"slot status failed mute",
	 {0x81, 0, 0, 0, 0, 0, 9, 0x41, 0xFE, 0x00}, 10, 271,
	 CCID_OK, 0x81, 9, CCID_ICC_INACTIVE, 1, 0xFE, 0, 0},
	{"time extension",
	 {0x80, 0, 0, 0, 0, 0, 5, 0x80, 0x02, 0x00}, 10, 271,
	 CCID_OK, 0x80, 5, CCID_ICC_ACTIVE, 2, 2, 0, 0},
	{"parameters t1",
	 {0x82, 1, 0, 0, 0, 0, 6, 0x00, 0x00, 0x01, 0x11}, 11, 271,
	 CCID_OK, 0x82, 6, CCID_ICC_ACTIVE, 0, 0, 0, 1},
	{.name = "truncated header",
	 .bytes = {0x80, 0, 0, 0, 0, 0, 3, 0x00, 0x00},
	 .len = 9, .max_message = 271, .expected = CCID_EFRAME},
	{.name = "dwLength over bytes",
	 .bytes = {0x80, 3, 0, 0, 0, 0, 3, 0x00, 0x00, 0x00, 0x90, 0x00},
	 .len = 12, .max_message = 271, .expected = CCID_EFRAME},
	{.name = "dwLength under bytes",
	 .bytes = {0x80, 1, 0, 0, 0, 0, 3, 0x00, 0x00, 0x00, 0x90, 0x00},
	 .len = 12, .max_message = 271, .expected = CCID_EFRAME},
	{.name = "over max message",
	 .bytes = {0x80, 2, 0, 0, 0, 0, 3, 0x00, 0x00, 0x00, 0x90, 0x00},
	 .len = 12, .max_message = 11, .expected = CCID_EFRAME},
	{.name = "huge dwLength",
	 .bytes = {0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0, 3, 0, 0, 0},
	 .len = 10, .max_message = 271, .expected = CCID_EFRAME},
	{.name = "unknown type",
	 .bytes = {0x83, 0, 0, 0, 0, 0, 3, 0x00, 0x00, 0x00},
	 .len = 10, .max_message = 271, .expected = CCID_EFRAME},
	{.name = "command type echoed",
	 .bytes = {0x6F, 0, 0, 0, 0, 0, 3, 0x00, 0x00, 0x00},
	 .len = 10, .max_message = 271, .expected = CCID_EFRAME},
	{.name = "icc status 3",
	 .bytes = {0x81, 0, 0, 0, 0, 0, 3, 0x03, 0x00, 0x00},
	 .len = 10, .max_message = 271, .expected = CCID_EFRAME},
};

static void reply_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(reply_cases); i++) {
		const struct reply_case *c = &reply_cases[i];
		struct ccid_reply r;
		int rc;

		print_message("case: %s\n", c->name);
		rc = ccid_parse_reply(c->bytes, c->len, c->max_message, &r);
		assert_int_equal(rc, c->expected);
		if (rc != CCID_OK)
			continue;
		assert_int_equal(r.type, c->type);
		assert_int_equal(r.slot, 0);
		assert_int_equal(r.seq, c->seq);
		assert_int_equal(r.icc, c->icc);
		assert_int_equal(r.command_status, c->command_status);
		assert_int_equal(r.error, c->error);
		assert_int_equal(r.chain, c->chain);
		assert_int_equal(r.length, c->length);
		assert_ptr_equal(r.data, c->bytes + 10);
	}
}

static void frame_length_cases(void **state)
{
	const uint8_t reply[] = {0x80, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0x90, 0x00,
				 0x00, 0x00};
	const uint8_t large[] = {0x80, 0x00, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0};

	(void)state;
	assert_int_equal(ccid_frame_length(reply, 9), 0);
	assert_int_equal(ccid_frame_length(reply, 10), 12);
	/* Padding after the message does not change its length. */
	assert_int_equal(ccid_frame_length(reply, sizeof(reply)), 12);
	assert_int_equal(ccid_frame_length(large, sizeof(large)),
			 10 + 0x010100);
	assert_int_equal(ccid_frame_length(NULL, 10), 0);
}

struct notice_case {
	const char *name;
	uint8_t bytes[4];
	size_t len;
	int expected;
	enum ccid_notice_kind kind;
	bool present;
	bool changed;
	uint8_t slot;
	uint8_t seq;
	uint8_t code;
};

static const struct notice_case notice_cases[] = {
	{"card inserted", {0x50, 0x03}, 2, CCID_OK, CCID_NOTICE_SLOT_CHANGE,
	 true, true, 0, 0, 0},
	{"card removed", {0x50, 0x02}, 2, CCID_OK, CCID_NOTICE_SLOT_CHANGE,
	 false, true, 0, 0, 0},
	{"present unchanged", {0x50, 0x01}, 2, CCID_OK,
	 CCID_NOTICE_SLOT_CHANGE, true, false, 0, 0, 0},
	{"slot 1 changed only", {0x50, 0x0C}, 2, CCID_OK,
	 CCID_NOTICE_SLOT_CHANGE, false, false, 0, 0, 0},
	{"overcurrent", {0x51, 0x00, 0x07, 0x01}, 4, CCID_OK,
	 CCID_NOTICE_HARDWARE, false, false, 0, 7, 1},
	{.name = "slot change short", .bytes = {0x50}, .len = 1,
	 .expected = CCID_EFRAME},
	{.name = "hardware error short", .bytes = {0x51, 0x00, 0x07}, .len = 3,
	 .expected = CCID_EFRAME},
	{.name = "unknown type", .bytes = {0x52, 0x03}, .len = 2,
	 .expected = CCID_ENOTSUP},
	{.name = "unknown type alone", .bytes = {0x5a}, .len = 1,
	 .expected = CCID_ENOTSUP},
	{.name = "data block on interrupt",
	 .bytes = {0x80, 0x00, 0x00, 0x00}, .len = 4,
	 .expected = CCID_ENOTSUP},
	{.name = "empty", .bytes = {0}, .len = 0,
	 .expected = CCID_EFRAME},
};

static void notice_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(notice_cases); i++) {
		const struct notice_case *c = &notice_cases[i];
		struct ccid_notice n;
		int rc;

		print_message("case: %s\n", c->name);
		rc = ccid_parse_notice(c->bytes, c->len, &n);
		assert_int_equal(rc, c->expected);
		if (rc != CCID_OK)
			continue;
		assert_int_equal(n.kind, c->kind);
		assert_int_equal(n.present, c->present);
		assert_int_equal(n.changed, c->changed);
		assert_int_equal(n.slot, c->slot);
		assert_int_equal(n.seq, c->seq);
		assert_int_equal(n.code, c->code);
	}
}

struct error_case {
	int ccid;
	int card;
};

static const struct error_case error_cases[] = {
	{CCID_OK, CARD_OK},
	{CCID_EDESCRIPTOR, CARD_EPROTO},
	{CCID_EFRAME, CARD_EPROTO},
	{CCID_ENOCARD, CARD_ENOCARD},
	{CCID_EREMOVED, CARD_EREMOVED},
	{CCID_EMUTE, CARD_EMUTE},
	{CCID_ESLOT, CARD_EPROTO},
	{CCID_EHARDWARE, CARD_EREADER},
	{CCID_ENOTSUP, CARD_EUNSUPPORTED},
	{CCID_ETIMEOUT, CARD_EMUTE},
	{CCID_EUSB, CARD_EPROTO},
	{CCID_ENODEV, CARD_ENODEV},
	{CCID_ETOOLONG, CARD_EINVAL},
	{CCID_ENOMEM, CARD_ENOMEM},
	{CCID_EACCESS, CARD_EACCESS},
	{CCID_EBUSY, CARD_EBUSY},
	{CCID_EINVAL, CARD_EINVAL},
	{-99, CARD_EPROTO},
};

static void error_mapping(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(error_cases); i++) {
		print_message("case: ccid error %d\n", error_cases[i].ccid);
		assert_int_equal(ccid_to_card_error(error_cases[i].ccid),
				 error_cases[i].card);
	}
}

static void error_messages(void **state)
{
	(void)state;
	assert_string_equal(ccid_strerror(CCID_ENOTSUP),
			    "the reader cannot read this card");
	assert_string_equal(ccid_strerror(CCID_EMUTE),
			    "card does not answer (ICC_MUTE)");
	assert_string_equal(ccid_strerror(-99), "unknown CCID error");
	/* Every code has its own message. */
	for (int a = CCID_EINVAL; a <= CCID_OK; a++) {
		for (int b = a + 1; b <= CCID_OK; b++)
			assert_string_not_equal(ccid_strerror(a),
						ccid_strerror(b));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(descriptor_table),
		cmocka_unit_test(descriptor_null),
		cmocka_unit_test(build_power_on),
		cmocka_unit_test(build_xfr_block),
		cmocka_unit_test(build_null_specific),
		cmocka_unit_test(build_too_long),
		cmocka_unit_test(reply_table),
		cmocka_unit_test(frame_length_cases),
		cmocka_unit_test(notice_table),
		cmocka_unit_test(error_mapping),
		cmocka_unit_test(error_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
