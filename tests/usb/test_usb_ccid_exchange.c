/* USB tests of ccid_transmit against readers emulated under umockdev
 * (mock_ccid.c) that misbehave: time extensions, stale, split and padded
 * replies, malformed replies, and a card pulled out mid-exchange. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "../../drivers/ccid_reader_internal.h"
#include "ccid_card.h"

#define NOTICE_WAIT_MS 500
/* The goal for a cancelled wait is CCID_READ_SLICE_MS; the bound is
 * generous because a loaded machine must not fail the test. */
#define CANCEL_BOUND_MS 2000
/* A reply waited for at most twice the card's 1786 ms waiting time. */
#define EXCHANGE_MAX_MS 4000

static const unsigned char select_apdu[] = { 0x00, 0xa4, 0x04, 0x00, 0x02,
					     0xa0, 0x00, 0x00 };
static const unsigned char read_record[] = { 0x00, 0xb2, 0x01, 0x0c, 0x00 };

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

static long now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

static void open_apdu_reader(struct ccid_bed *bed, struct ccid_atr *atr)
{
	mock_ccid_insert(bed->apdu, &ccid_apdu_card);
	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_apdu_reader),
			 CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, atr), CCID_OK);
}

/* READ RECORD through the reader; the reply is the record and 90 00. */
static void assert_reads_record(struct ccid_bed *bed)
{
	unsigned char expected[CCID_RECORD_LEN];
	unsigned char reply[512];
	size_t got = 0;

	ccid_card_record(expected);
	assert_int_equal(ccid_transmit(bed->reader, read_record,
				       sizeof(read_record), reply,
				       sizeof(reply), &got),
			 CCID_OK);
	assert_int_equal(got, CCID_RECORD_LEN + 2);
	assert_memory_equal(reply, expected, CCID_RECORD_LEN);
	assert_int_equal(reply[CCID_RECORD_LEN], 0x90);
	assert_int_equal(reply[CCID_RECORD_LEN + 1], 0x00);
}

/* --- Misbehaviours the driver rides over --- */

static void no_misbehaviour(struct mock_ccid *mock)
{
	(void)mock;
}

static void three_time_extensions(struct mock_ccid *mock)
{
	mock_ccid_time_extensions(mock, 3);
}

static void stale_reply(struct mock_ccid *mock)
{
	mock_ccid_stale_reply(mock);
}

/* The 252-byte reply comes in 36 transfers of at most 7 bytes, many
 * more than its 4 packets of 64 bytes. */
static void split_in_short_transfers(struct mock_ccid *mock)
{
	mock_ccid_split_replies(mock, 7, 7);
}

static void split_header_alone(struct mock_ccid *mock)
{
	mock_ccid_split_replies(mock, 10, 0);
}

static void split_in_packets(struct mock_ccid *mock)
{
	mock_ccid_split_replies(mock, 64, 64);
}

static void padded_reply(struct mock_ccid *mock)
{
	mock_ccid_pad_replies(mock, 5);
}

static void padded_past_packet(struct mock_ccid *mock)
{
	mock_ccid_pad_replies(mock, 70);
}

static void extension_then_stale(struct mock_ccid *mock)
{
	mock_ccid_time_extensions(mock, 1);
	mock_ccid_stale_reply(mock);
}

static const struct {
	const char *name;
	void (*apply)(struct mock_ccid *mock);
} ride_cases[] = {
	{ "plain", no_misbehaviour },
	{ "three time extensions", three_time_extensions },
	{ "stale reply first", stale_reply },
	{ "split in 7-byte transfers", split_in_short_transfers },
	{ "header alone, then data", split_header_alone },
	{ "split in whole packets", split_in_packets },
	{ "padded by 5 bytes", padded_reply },
	{ "padded by 70 bytes", padded_past_packet },
	{ "time extension and stale reply", extension_then_stale },
};

static void test_transmit_rides_misbehaviours(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	size_t i;
	long start;

	open_apdu_reader(bed, &atr);
	for (i = 0; i < sizeof(ride_cases) / sizeof(ride_cases[0]); i++) {
		print_message("case: %s\n", ride_cases[i].name);
		ride_cases[i].apply(bed->apdu);
		start = now_ms();
		assert_reads_record(bed);
		assert_true(now_ms() - start < EXCHANGE_MAX_MS);
		/* The next exchange stays in step. */
		mock_ccid_split_replies(bed->apdu, 0, 0);
		mock_ccid_pad_replies(bed->apdu, 0);
		assert_reads_record(bed);
	}
	assert_int_equal(mock_device_pending_in(mock_ccid_device(bed->apdu),
						0x82), 0);
}

static void test_transmit_short_reply(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char expected[CCID_FCI_LEN];
	unsigned char reply[64];
	struct ccid_atr atr;
	size_t got = 0;

	open_apdu_reader(bed, &atr);
	ccid_card_fci(expected);
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_OK);
	assert_int_equal(got, CCID_FCI_LEN + 2);
	assert_memory_equal(reply, expected, CCID_FCI_LEN);
	assert_int_equal(mock_ccid_count(bed->apdu, MOCK_CCID_XFR_BLOCK), 1);
}

static int answer_mute(void *data, const unsigned char *command, size_t len,
		       unsigned char *reply, size_t size)
{
	(void)data;
	(void)command;
	(void)len;
	(void)reply;
	(void)size;
	return -1;
}

/* A card that answers reset but no command. */
static void test_transmit_mute_card(void **state)
{
	static const struct mock_card mute = {
		.atr = (const unsigned char *)"\x3b\x02\x14\x50",
		.atr_len = 4,
		.answer = answer_mute,
	};
	struct ccid_bed *bed = *state;
	unsigned char reply[64];
	struct ccid_atr atr;
	size_t got = 1;

	mock_ccid_insert(bed->apdu, &mute);
	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_apdu_reader),
			 CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_EMUTE);
	assert_int_equal(got, 0);
	assert_int_equal(ccid_to_card_error(CCID_EMUTE), CARD_EMUTE);
}

/* A command over the short APDU reader's 261-byte message data is
 * rejected before it is sent. */
static void test_transmit_command_too_long(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char command[262];
	unsigned char reply[64];
	struct ccid_atr atr;
	size_t got = 1;

	open_apdu_reader(bed, &atr);
	memset(command, 0, sizeof(command));
	command[1] = 0xd6;
	mock_ccid_clear_log(bed->apdu);
	assert_int_equal(ccid_transmit(bed->reader, command, sizeof(command),
				       reply, sizeof(reply), &got),
			 CCID_ETOOLONG);
	assert_int_equal(got, 0);
	assert_int_equal(mock_ccid_count(bed->apdu, MOCK_CCID_XFR_BLOCK), 0);
}

/* The reader fails an XfrBlock with bError HW_ERROR. */
static void test_transmit_hardware_error(void **state)
{
	struct ccid_bed *bed = *state;
	struct card_channel channel;
	unsigned char reply[64];
	struct ccid_atr atr;
	size_t got = 1;

	open_apdu_reader(bed, &atr);
	ccid_channel(bed->reader, &atr, &channel);
	mock_ccid_fail_next(bed->apdu, MOCK_CCID_ERROR_HARDWARE);
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_EHARDWARE);
	assert_int_equal(got, 0);
	mock_ccid_fail_next(bed->apdu, MOCK_CCID_ERROR_HARDWARE);
	assert_int_equal(channel.exchange(channel.data, select_apdu,
					  sizeof(select_apdu), reply,
					  sizeof(reply), &got),
			 CARD_EREADER);
}

/* --- Malformed replies --- */

static const struct {
	const char *name;
	enum mock_ccid_malformed kind;
} malformed_cases[] = {
	{ "dwLength over the maximum", MOCK_CCID_BAD_LENGTH },
	{ "unknown message type", MOCK_CCID_UNKNOWN_TYPE },
	{ "SlotStatus to an XfrBlock", MOCK_CCID_WRONG_TYPE },
};

static void test_transmit_malformed_reply(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char reply[512];
	struct ccid_atr atr;
	size_t got;
	size_t i;

	open_apdu_reader(bed, &atr);
	for (i = 0; i < sizeof(malformed_cases) / sizeof(malformed_cases[0]);
	     i++) {
		print_message("case: %s\n", malformed_cases[i].name);
		mock_ccid_malform_next(bed->apdu, malformed_cases[i].kind);
		got = 1;
		assert_int_equal(ccid_transmit(bed->reader, read_record,
					       sizeof(read_record), reply,
					       sizeof(reply), &got),
				 CCID_EFRAME);
		assert_int_equal(got, 0);
		mock_device_drop_in(mock_ccid_device(bed->apdu), 0x82);
	}
	assert_int_equal(ccid_to_card_error(CCID_EFRAME), CARD_EPROTO);
}

/* Six bytes of header and then nothing: a malformed reply, not a card
 * that is slow to answer. */
static void test_transmit_truncated_header(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char reply[512];
	struct ccid_atr atr;
	size_t got = 1;
	long start;

	open_apdu_reader(bed, &atr);
	mock_ccid_malform_next(bed->apdu, MOCK_CCID_TRUNCATED);
	start = now_ms();
	assert_int_equal(ccid_transmit(bed->reader, read_record,
				       sizeof(read_record), reply,
				       sizeof(reply), &got),
			 CCID_EFRAME);
	assert_int_equal(got, 0);
	assert_true(now_ms() - start < EXCHANGE_MAX_MS);
}

/* No reply at all: a timeout once the reply timeout (from the ATR and
 * the reader's 4000 kHz clock) has passed, and the next exchange works. */
static void test_transmit_no_reply_timeout(void **state)
{
	struct ccid_bed *bed = *state;
	unsigned char reply[512];
	struct ccid_atr atr;
	unsigned timeout_ms;
	size_t got = 1;
	long elapsed;
	long start;

	open_apdu_reader(bed, &atr);
	timeout_ms = ccid_reply_timeout_ms(&atr, 0, 4000);
	mock_ccid_malform_next(bed->apdu, MOCK_CCID_NO_REPLY);
	start = now_ms();
	assert_int_equal(ccid_transmit(bed->reader, read_record,
				       sizeof(read_record), reply,
				       sizeof(reply), &got),
			 CCID_ETIMEOUT);
	elapsed = now_ms() - start;
	assert_int_equal(got, 0);
	assert_true(elapsed >= (long)timeout_ms);
	assert_true(elapsed < EXCHANGE_MAX_MS);
	assert_reads_record(bed);
}

/* --- Cancel, slow readers and the reply buffer --- */

struct cancel_flag {
	long after_ms;             /* the check returns true from then on */
	int calls;
};

static bool cancel_after(void *data)
{
	struct cancel_flag *flag = data;

	flag->calls++;
	return now_ms() >= flag->after_ms;
}

/* A reader that asks for 255 times the waiting time and then says
 * nothing: without the cancel check the wait would last minutes. */
static void test_cancel_ends_silent_wait(void **state)
{
	struct ccid_bed *bed = *state;
	struct cancel_flag flag = { 0 };
	unsigned char reply[512];
	struct ccid_atr atr;
	size_t got = 1;
	long elapsed;
	long start;

	open_apdu_reader(bed, &atr);
	mock_ccid_silence(bed->apdu, 255);
	start = now_ms();
	flag.after_ms = start + 300;
	ccid_set_cancel(bed->reader, cancel_after, &flag);
	assert_int_equal(ccid_transmit(bed->reader, read_record,
				       sizeof(read_record), reply,
				       sizeof(reply), &got),
			 CCID_ECANCELLED);
	elapsed = now_ms() - start;
	assert_int_equal(got, 0);
	assert_true(elapsed >= 300);
	if (elapsed > 300 + CANCEL_BOUND_MS)
		fail_msg("cancelled wait ended after %ld ms", elapsed);
	/* Checked once per slice at least, not once per reply. */
	assert_true(flag.calls >= 2);
	assert_int_equal(ccid_to_card_error(CCID_ECANCELLED),
			 CARD_ECANCELLED);

	/* The reader answers again: the next command skips nothing it
	 * should not and reads the record. */
	ccid_set_cancel(bed->reader, NULL, NULL);
	mock_ccid_end_silence(bed->apdu);
	assert_reads_record(bed);
}

/* Replies that come 600 ms late, well within the card's waiting time,
 * still arrive through many read slices. */
static void test_slow_reply_read_in_slices(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;
	long elapsed;
	long start;

	open_apdu_reader(bed, &atr);
	mock_ccid_slow_replies(bed->apdu, 600);
	start = now_ms();
	assert_reads_record(bed);
	elapsed = now_ms() - start;
	assert_true(elapsed >= 600);
	assert_true(elapsed < EXCHANGE_MAX_MS);
	mock_ccid_slow_replies(bed->apdu, 0);
}

/* A cancel while the slow reader holds the reply: the late reply is
 * skipped as stale by the next command. */
static void test_cancel_then_stale_reply(void **state)
{
	struct ccid_bed *bed = *state;
	struct cancel_flag flag = { 0 };
	unsigned char reply[512];
	struct ccid_atr atr;
	size_t got = 0;

	open_apdu_reader(bed, &atr);
	mock_ccid_slow_replies(bed->apdu, 400);
	flag.after_ms = now_ms() + 100;
	ccid_set_cancel(bed->reader, cancel_after, &flag);
	assert_int_equal(ccid_transmit(bed->reader, select_apdu,
				       sizeof(select_apdu), reply,
				       sizeof(reply), &got),
			 CCID_ECANCELLED);
	ccid_set_cancel(bed->reader, NULL, NULL);
	assert_reads_record(bed);
	mock_ccid_slow_replies(bed->apdu, 0);
}

/* Whether the n bytes at p are all zero. */
static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0)
			return false;
	}
	return true;
}

/* The reader's buffer keeps nothing of the card's reply. */
static void test_buffer_wiped_after_transmit(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_atr atr;

	open_apdu_reader(bed, &atr);
	assert_reads_record(bed);
	assert_true(all_zero(bed->reader->buffer, bed->reader->buffer_size));

	/* A failed exchange is wiped too. */
	mock_ccid_malform_next(bed->apdu, MOCK_CCID_TRUNCATED);
	{
		unsigned char reply[512];
		size_t got = 0;

		assert_int_not_equal(ccid_transmit(bed->reader, read_record,
						   sizeof(read_record), reply,
						   sizeof(reply), &got),
				     CCID_OK);
	}
	assert_true(all_zero(bed->reader->buffer, bed->reader->buffer_size));
}

/* --- Card removal --- */

static void test_removal_mid_exchange(void **state)
{
	struct ccid_bed *bed = *state;
	struct ccid_notice notice;
	unsigned char reply[512];
	struct ccid_atr atr;
	enum ccid_icc icc;
	size_t got = 1;

	open_apdu_reader(bed, &atr);
	mock_ccid_remove_after(bed->apdu, 1);
	assert_reads_record(bed);
	assert_int_equal(ccid_transmit(bed->reader, read_record,
				       sizeof(read_record), reply,
				       sizeof(reply), &got),
			 CCID_EREMOVED);
	assert_int_equal(got, 0);

	/* The insert's notice, then the removal's. */
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_true(notice.present);
	assert_int_equal(ccid_wait_notice(bed->reader, NOTICE_WAIT_MS,
					  &notice), 1);
	assert_int_equal(notice.kind, CCID_NOTICE_SLOT_CHANGE);
	assert_false(notice.present);
	assert_true(notice.changed);
	assert_int_equal(ccid_slot_status(bed->reader, &icc), CCID_OK);
	assert_int_equal(icc, CCID_ICC_ABSENT);
}

static void test_removal_card_error_message(void **state)
{
	struct ccid_bed *bed = *state;
	struct card_channel channel;
	unsigned char reply[512];
	struct ccid_atr atr;
	size_t got = 1;
	int rc;

	open_apdu_reader(bed, &atr);
	ccid_channel(bed->reader, &atr, &channel);
	assert_int_equal(channel.transport, CARD_TRANSPORT_APDU);
	assert_false(channel.contactless);
	mock_ccid_remove_after(bed->apdu, 0);
	rc = channel.exchange(channel.data, read_record, sizeof(read_record),
			      reply, sizeof(reply), &got);
	assert_int_equal(rc, CARD_EREMOVED);
	assert_string_equal(card_strerror(rc),
			    "The card was removed before it was read. "
			    "Insert it again.");
	/* Later exchanges find the slot empty. */
	rc = channel.exchange(channel.data, read_record, sizeof(read_record),
			      reply, sizeof(reply), &got);
	assert_int_equal(rc, CARD_ENOCARD);
}

/* --- TPDU reader with a T=0 card --- */

static void test_tpdu_get_response(void **state)
{
	static const unsigned char select_tpdu[] = { 0x00, 0xa4, 0x04, 0x00,
						     0x02, 0xa0, 0x00 };
	static const unsigned char get_response[] = { 0x00, 0xc0, 0x00, 0x00,
						      CCID_FCI_LEN };
	struct ccid_bed *bed = *state;
	unsigned char expected[CCID_FCI_LEN];
	struct card_channel channel;
	unsigned char reply[64];
	struct ccid_atr atr;
	size_t got = 0;

	mock_ccid_insert(bed->tpdu, &ccid_t0_card);
	assert_int_equal(ccid_bed_open_reader(bed, &mock_ccid_tpdu_reader),
			 CCID_OK);
	assert_int_equal(ccid_power_on(bed->reader, &atr), CCID_OK);
	ccid_channel(bed->reader, &atr, &channel);
	assert_int_equal(channel.transport, CARD_TRANSPORT_TPDU_T0);

	assert_int_equal(channel.exchange(channel.data, select_tpdu,
					  sizeof(select_tpdu), reply,
					  sizeof(reply), &got),
			 CARD_OK);
	assert_int_equal(got, 2);
	assert_int_equal(reply[0], 0x61);
	assert_int_equal(reply[1], CCID_FCI_LEN);
	assert_int_equal(channel.exchange(channel.data, get_response,
					  sizeof(get_response), reply,
					  sizeof(reply), &got),
			 CARD_OK);
	ccid_card_fci(expected);
	assert_int_equal(got, CCID_FCI_LEN + 2);
	assert_memory_equal(reply, expected, CCID_FCI_LEN);
}

#define CCID_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CCID_TEST(test_transmit_rides_misbehaviours),
		CCID_TEST(test_transmit_short_reply),
		CCID_TEST(test_transmit_mute_card),
		CCID_TEST(test_transmit_command_too_long),
		CCID_TEST(test_transmit_hardware_error),
		CCID_TEST(test_transmit_malformed_reply),
		CCID_TEST(test_transmit_truncated_header),
		CCID_TEST(test_transmit_no_reply_timeout),
		CCID_TEST(test_cancel_ends_silent_wait),
		CCID_TEST(test_slow_reply_read_in_slices),
		CCID_TEST(test_cancel_then_stale_reply),
		CCID_TEST(test_buffer_wiped_after_transmit),
		CCID_TEST(test_removal_mid_exchange),
		CCID_TEST(test_removal_card_error_message),
		CCID_TEST(test_tpdu_get_response),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
