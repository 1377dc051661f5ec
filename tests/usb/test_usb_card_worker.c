/* Card worker tests: the real worker thread, CCID driver, EMV reader and
 * USB layer against a CCID reader emulated under umockdev (mock_ccid.c)
 * with a virtual card (tests/support/virtual_card.c) in its slot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../app/card_worker.h"
#include "../../app/config.h"
#include "../../app/devices.h"
#include "../../app/event.h"
#include "../../app/log.h"
#include "../../drivers/card.h"
#include "../../drivers/usb.h"
#include "../support/virtual_card.h"
#include "mock_ccid.h"
#include "mock_device.h"
#include "mock_hid.h"

#define READER_ADDRESS 5
#define STRIPE_ADDRESS 6
/* Longer than a status poll (500 ms) plus a few reader slices. */
#define EVENT_WAIT_MS 3000
/* A cancel must end the request within about 200 ms; the margin covers
 * a loaded test machine. */
#define CANCEL_MAX_MS 600
/* The bound for a cancel or stop while the reader itself is slow or
 * silent. The goal is again about 200 ms, but make test runs these on
 * busy machines and has no timing assertion that can flake, so the
 * bound is 2 s: the faults it guards against took 11 s and minutes. */
#define SLOW_CANCEL_MAX_MS 2000

/* A contact card with one Visa application found by its AID (no PSE):
 * the PAN 4761739001010010 passes the Luhn check. */
static const char one_app_card[] =
	"atr 3B 02 14 50\n"
	"protocol T=1\n"
	"interface contact\n"
	"select A0000000031010 -> 6F 1A 84 07 A0000000031010"
	" A5 0F 50 0D 56495341204352454449544F52\n"
	"gpo -> 77 0A 82 02 1C00 94 04 08010100\n"
	"record 1 1 -> 70 18 5A 08 4761739001010010 5F24 03 301231"
	" 5F20 05 4A4F484E20\n";

/* A contact card whose PSE lists two applications, the second (MAEST)
 * with the better priority. Both read the same record. */
static const char two_app_card[] =
	"atr 3B 02 14 50\n"
	"protocol T=1\n"
	"interface contact\n"
	"select 315041592E5359532E4444463031 -> 6F 1E 84 0E"
	" 315041592E5359532E4444463031 A5 0C 88 01 01 5F2D 02 656E"
	" 9F11 01 01\n"
	"record 1 1 -> 70 2A 61 13 4F 07 A0000000041010 50 05 4D41535452"
	" 87 01 02 61 13 4F 07 A0000000043060 50 05 4D41455354 87 01"
	" 01\n"
	"select A0000000041010 -> 6F 10 84 07 A0000000041010 A5 05 50 03"
	" 4D4331\n"
	"select A0000000043060 -> 6F 10 84 07 A0000000043060 A5 05 50 03"
	" 4D4332\n"
	"gpo -> 77 0A 82 02 1C00 94 04 10010100\n"
	"record 2 1 -> 70 10 5A 08 5413330089010020 5F24 03 301231\n";

struct fixture {
	struct config config;
	UMockdevTestbed *testbed;
	struct mock_ccid *reader;
	struct mock_hid *stripe;   /* NULL unless the test adds one */
	struct usb_context *usb;
	struct event_channel *events;
	struct card_worker *worker;
	struct virtual_card *card;
	pthread_mutex_t card_lock;
	struct mock_card slot_card;
};

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The mock card's answer: the virtual card's reply, or -1 (mute) when
 * it fails. Runs on umockdev's thread. */
static int answer_card(void *data, const unsigned char *command, size_t len,
		       unsigned char *reply, size_t size)
{
	struct fixture *f = data;
	size_t got = 0;
	int rc;

	pthread_mutex_lock(&f->card_lock);
	rc = virtual_card_exchange(f->card, command, len, reply, size, &got);
	pthread_mutex_unlock(&f->card_lock);
	return rc == CARD_OK ? (int)got : -1;
}

static int setup_with(void **state, const struct mock_ccid_config *reader)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	pthread_mutex_init(&f->card_lock, NULL);
	f->config.card_reader = CONFIG_CARD_READER_AUTO;
	snprintf(f->config.card_hid, sizeof(f->config.card_hid), "none");
	f->config.card_timeout = CARD_WORKER_WAIT_SECONDS;

	/* The testbed and the reader exist before libusb starts. */
	f->testbed = umockdev_testbed_new();
	if (f->testbed == NULL)
		return -1;
	f->reader = mock_ccid_new(f->testbed, reader, READER_ADDRESS);
	if (f->reader == NULL)
		return -1;
	if (usb_context_open(&f->usb) != USB_OK)
		return -1;
	return event_channel_open(&f->events);
}

static int setup(void **state)
{
	return setup_with(state, &mock_ccid_apdu_reader);
}

/* A reader without an interrupt endpoint, whose slot is polled. */
static int setup_polled(void **state)
{
	static struct mock_ccid_config polled;

	polled = mock_ccid_apdu_reader;
	polled.interrupt = false;
	return setup_with(state, &polled);
}

/* The chip reader and a MagTek HID stripe reader, which [card] hid
 * names. */
static int setup_stripe(void **state)
{
	struct fixture *f;

	if (setup_with(state, &mock_ccid_apdu_reader) != 0)
		return -1;
	f = *state;
	snprintf(f->config.card_hid, sizeof(f->config.card_hid), "0801:0001");
	/* libusb has started, so the stripe reader arrives by hotplug. */
	f->stripe = mock_hid_new(f->testbed, &mock_hid_magtek,
				 STRIPE_ADDRESS);
	return f->stripe != NULL ? 0 : -1;
}

/* A reader with four slots, of which the worker uses slot 0. */
static int setup_slots(void **state)
{
	static struct mock_ccid_config slots;

	slots = mock_ccid_apdu_reader;
	slots.max_slot_index = 3;
	return setup_with(state, &slots);
}

/* A reader that lists no voltage and has no automatic selection. */
static int setup_no_voltage(void **state)
{
	static struct mock_ccid_config none;

	none = mock_ccid_apdu_reader;
	none.voltages = 0;
	none.auto_voltage = false;
	return setup_with(state, &none);
}

/* The chip reader and a stripe reader whose id no table knows, named
 * by [card] hid. */
static int setup_unknown_hid(void **state)
{
	static const struct mock_hid_config odd = {
		.vendor = 0x1234,
		.product = 0x5678,
		.name = "Odd Swipe",
	};
	struct fixture *f;

	if (setup_with(state, &mock_ccid_apdu_reader) != 0)
		return -1;
	f = *state;
	snprintf(f->config.card_hid, sizeof(f->config.card_hid), "1234:5678");
	f->stripe = mock_hid_new(f->testbed, &odd, STRIPE_ADDRESS);
	return f->stripe != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	card_worker_stop(f->worker);
	usb_context_close(f->usb);
	card_worker_free(f->worker);
	mock_ccid_free(f->reader);
	mock_hid_free(f->stripe);
	if (f->testbed != NULL)
		g_object_unref(f->testbed);
	event_channel_close(f->events);
	virtual_card_free(f->card);
	pthread_mutex_destroy(&f->card_lock);
	free(f);
	return 0;
}

static void start_worker(struct fixture *f)
{
	char error[256] = "";

	if (card_worker_start(&f->config, f->usb, f->events, &f->worker,
			      error, sizeof(error)) != 0)
		fail_msg("card worker: %s", error);
	assert_non_null(f->worker);
}

/* Wait up to timeout_ms for an event of type with status, dropping
 * others. Returns whether it arrived; *out (may be NULL) gets it. */
static bool wait_event(struct fixture *f, enum event_type type, int status,
		       int timeout_ms, struct event *out)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct pollfd pollfd = {
		.fd = event_channel_fd(f->events),
		.events = POLLIN,
	};
	struct event event;
	int64_t left;

	while ((left = deadline - now_ms()) > 0) {
		while (event_read(f->events, &event) == 1) {
			if (event.type != type || event.status != status)
				continue;
			if (out != NULL)
				*out = event;
			return true;
		}
		poll(&pollfd, 1, (int)left);
	}
	return false;
}

static void expect_event(struct fixture *f, enum event_type type,
			 int status, struct event *out)
{
	if (!wait_event(f, type, status, EVENT_WAIT_MS, out))
		fail_msg("no event %d with status %d within %d ms", type,
			 status, EVENT_WAIT_MS);
}

/* Put the virtual card of text into the reader's slot. */
static void insert_card(struct fixture *f, const char *text)
{
	char error[256] = "";
	size_t atr_len = 0;

	if (virtual_card_parse(text, "test card", &f->card, error,
			       sizeof(error)) != 0)
		fail_msg("%s", error);
	f->slot_card.atr = virtual_card_atr(f->card, &atr_len);
	f->slot_card.atr_len = atr_len;
	f->slot_card.answer = answer_card;
	f->slot_card.data = f;
	mock_ccid_insert(f->reader, &f->slot_card);
}

/* Assert the PAN without printing it whole on failure. */
static void assert_pan(const char *pan, const char *expected)
{
	char got_masked[CARD_PAN_SIZE];
	char expected_masked[CARD_PAN_SIZE];

	if (strcmp(pan, expected) == 0)
		return;
	fail_msg("PAN %s, expected %s",
		 card_mask_pan(pan, got_masked, sizeof(got_masked)),
		 card_mask_pan(expected, expected_masked,
			       sizeof(expected_masked)));
}

static void test_reader_arrival_ready(void **state)
{
	struct fixture *f = *state;
	struct mock_device *device = mock_ccid_device(f->reader);
	char text[128];

	mock_device_unplug(device);
	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_NONE, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_ENOREADER);

	assert_int_equal(mock_device_plug(device), 0);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	assert_int_equal(card_worker_state(f->worker, text, sizeof(text)),
			 CARD_READER_READY);
	assert_string_equal(text, "reader ready");
}

static void test_card_insert_and_remove(void **state)
{
	struct fixture *f = *state;
	struct event event;

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, &event);
	assert_string_equal(event.text, "card in reader");
	mock_ccid_remove(f->reader);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
}

static void test_polled_reader_sees_card(void **state)
{
	struct fixture *f = *state;

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
}

static void test_request_reads_pan(void **state)
{
	struct fixture *f = *state;
	struct card_data data;
	struct event event;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);

	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_EBUSY);
	expect_event(f, EVENT_CARD, CARD_OK, &event);
	/* The event carries no digit of the card. */
	assert_string_equal(event.id, "");
	assert_string_equal(event.text, "");

	assert_int_equal(card_worker_take(f->worker, &data), CARD_OK);
	assert_pan(data.pan, "4761739001010010");
	assert_string_equal(data.expiry, "3012");
	assert_int_equal(data.source, CARD_SOURCE_CHIP);
	assert_false(mock_ccid_powered(f->reader));
	card_data_clear(&data);

	/* The worker's copy is gone after the take. */
	assert_int_equal(card_worker_take(f->worker, &data), CARD_EINVAL);
	assert_string_equal(data.pan, "");
}

/* Whether the file at path contains text. */
static bool file_contains(const char *path, const char *text)
{
	static char content[256 * 1024];
	FILE *file = fopen(path, "r");
	size_t len;

	assert_non_null(file);
	len = fread(content, 1, sizeof(content) - 1, file);
	fclose(file);
	content[len] = '\0';
	return strstr(content, text) != NULL;
}

static void test_pan_never_logged(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/spotagent-card-log-XXXXXX";
	struct card_data data;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_open(path, LOG_LEVEL_DEBUG), 0);
	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_OK, NULL);
	assert_int_equal(card_worker_take(f->worker, &data), CARD_OK);
	card_data_clear(&data);
	card_worker_stop(f->worker);
	log_open("stderr", LOG_LEVEL_INFO);

	assert_true(file_contains(path, "card read from its chip"));
	assert_false(file_contains(path, "4761739001010010"));
	assert_false(file_contains(path, "47617390"));
	/* Nor as the hex of an APDU trace. */
	assert_false(file_contains(path, "47 61 73 90 01 01"));
	unlink(path);
}

static void test_two_apps_agent_chooses(void **state)
{
	struct fixture *f = *state;
	struct emv_app apps[EMV_APPS_MAX];
	struct card_data data;
	struct event event;

	start_worker(f);
	insert_card(f, two_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD_APPS, 2, &event);

	assert_int_equal(card_worker_apps(f->worker, apps, EMV_APPS_MAX), 2);
	/* Priority 1 first. */
	assert_string_equal(apps[0].label, "MAEST");
	assert_string_equal(apps[1].label, "MASTR");
	assert_int_equal(card_worker_choose(f->worker, 2), CARD_EINVAL);
	assert_int_equal(card_worker_choose(f->worker, 1), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_OK, NULL);
	assert_int_equal(card_worker_apps(f->worker, apps, EMV_APPS_MAX), 0);

	assert_int_equal(card_worker_take(f->worker, &data), CARD_OK);
	assert_pan(data.pan, "5413330089010020");
	card_data_clear(&data);
}

static void test_cancel_during_choice(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	start_worker(f);
	insert_card(f, two_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD_APPS, 2, NULL);
	card_worker_cancel(f->worker);
	expect_event(f, EVENT_CARD, CARD_ECANCELLED, NULL);
	assert_false(mock_ccid_powered(f->reader));
	assert_int_equal(card_worker_choose(f->worker, 0), CARD_EINVAL);
	assert_int_equal(card_worker_take(f->worker, &data),
			 CARD_ECANCELLED);
	assert_string_equal(data.pan, "");
}

/* An agent who never chooses gets a message of its own, not the one
 * for a card that was never presented. */
static void test_choice_times_out(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	start_worker(f);
	insert_card(f, two_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	assert_int_equal(card_worker_request(f->worker, 1), CARD_OK);
	expect_event(f, EVENT_CARD_APPS, 2, NULL);
	expect_event(f, EVENT_CARD, CARD_ENOCHOICE, NULL);
	assert_false(mock_ccid_powered(f->reader));
	assert_int_equal(card_worker_take(f->worker, &data), CARD_ENOCHOICE);
	assert_string_equal(data.pan, "");
}

static void test_cancel_ends_request(void **state)
{
	struct fixture *f = *state;
	struct card_data data;
	int64_t started;

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	assert_int_equal(card_worker_request(f->worker, 30), CARD_OK);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READING, NULL);

	started = now_ms();
	card_worker_cancel(f->worker);
	expect_event(f, EVENT_CARD, CARD_ECANCELLED, NULL);
	if (now_ms() - started > CANCEL_MAX_MS)
		fail_msg("cancel took %lld ms",
			 (long long)(now_ms() - started));
	assert_int_equal(card_worker_take(f->worker, &data),
			 CARD_ECANCELLED);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
}

static void test_request_times_out(void **state)
{
	struct fixture *f = *state;
	int64_t started;
	int64_t elapsed;

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	started = now_ms();
	assert_int_equal(card_worker_request(f->worker, 1), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_ETIMEOUT, NULL);
	elapsed = now_ms() - started;
	if (elapsed < 900 || elapsed > 1000 + CANCEL_MAX_MS)
		fail_msg("a 1 s request ended after %lld ms",
			 (long long)elapsed);
}

static void test_card_removed_mid_read(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_remove_after(f->reader, 1);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_EREMOVED, NULL);
	assert_int_equal(card_worker_take(f->worker, &data), CARD_EREMOVED);
	assert_string_equal(data.pan, "");
}

static void test_hardware_error_fault(void **state)
{
	struct fixture *f = *state;
	struct event event;
	char text[128];

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	mock_ccid_hardware_error(f->reader, 1);
	expect_event(f, EVENT_CARD_READER, CARD_READER_FAULT, &event);
	assert_non_null(strstr(event.text, "hardware error 1"));
	assert_int_equal(card_worker_state(f->worker, text, sizeof(text)),
			 CARD_READER_FAULT);

	/* The next slot change shows the reader works again. */
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
}

static void test_unknown_notice_ignored(void **state)
{
	struct fixture *f = *state;
	static const unsigned char unknown[] = { 0x5f, 0x00 };

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	mock_ccid_notify_raw(f->reader, unknown, sizeof(unknown));
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
}

static void test_unplug_gives_none(void **state)
{
	struct fixture *f = *state;

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	mock_device_unplug(mock_ccid_device(f->reader));
	expect_event(f, EVENT_CARD_READER, CARD_READER_NONE, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_ENOREADER);
}

static void test_reader_none_setting(void **state)
{
	struct fixture *f = *state;

	f->config.card_reader = CONFIG_CARD_READER_NONE;
	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_NONE, NULL);
	assert_false(mock_device_claimed(mock_ccid_device(f->reader)));
	assert_int_equal(card_worker_request(f->worker, 5), CARD_ENOREADER);
}

/* `spotagent devices` on the emulated reader with a card in it: the
 * reader's level, voltages and the card's presence, and no card data. */
static void test_devices_lists_reader(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/spotagent-devices-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDOUT_FILENO);

	assert_true(fd >= 0);
	assert_true(saved >= 0);
	snprintf(f->config.printer, sizeof(f->config.printer), "none");
	snprintf(f->config.printer_profile,
		 sizeof(f->config.printer_profile), "auto");
	f->config.paper_columns = 48;
	insert_card(f, one_app_card);

	fflush(stdout);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	devices_list(&f->config);
	fflush(stdout);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	close(fd);

	assert_true(file_contains(path, "short APDU exchange"));
	assert_true(file_contains(path, "voltages 5V 3V 1.8V (automatic)"));
	assert_true(file_contains(path, "card present"));
	assert_true(file_contains(path, "[card] reader = auto, hid = none"));
	assert_false(mock_ccid_powered(f->reader));
	unlink(path);
}

static void test_swipe_fills_request(void **state)
{
	struct fixture *f = *state;
	struct card_data data;
	int64_t deadline = now_ms() + EVENT_WAIT_MS;

	start_worker(f);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
	/* The stripe reader is taken from the kernel once it is open. */
	while (mock_device_driver_bound(mock_hid_device(f->stripe)) &&
	       now_ms() < deadline)
		poll(NULL, 0, 20);
	assert_false(mock_device_driver_bound(mock_hid_device(f->stripe)));

	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READING, NULL);
	assert_int_equal(mock_hid_type(f->stripe,
				       ";4761739001010010=3012101000000?",
				       true),
			 0);
	expect_event(f, EVENT_CARD, CARD_OK, NULL);
	assert_int_equal(card_worker_take(f->worker, &data), CARD_OK);
	assert_pan(data.pan, "4761739001010010");
	assert_string_equal(data.expiry, "3012");
	assert_int_equal(data.source, CARD_SOURCE_STRIPE);
	card_data_clear(&data);
}

/* Wait until the mock reader has received count XfrBlocks. */
static void wait_xfr_blocks(struct fixture *f, int count)
{
	int64_t deadline = now_ms() + 4 * EVENT_WAIT_MS;

	while (mock_ccid_count(f->reader, MOCK_CCID_XFR_BLOCK) < count &&
	       now_ms() < deadline)
		poll(NULL, 0, 5);
	assert_true(mock_ccid_count(f->reader, MOCK_CCID_XFR_BLOCK) >= count);
}

/* Each reply of the reader takes 1.2 s: a cancel still ends the read
 * at once, not after the reply. */
static void test_cancel_slow_reader(void **state)
{
	struct fixture *f = *state;
	struct card_data data;
	int64_t started;
	int64_t elapsed;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_clear_log(f->reader);
	mock_ccid_slow_replies(f->reader, 1200);
	assert_int_equal(card_worker_request(f->worker, 10), CARD_OK);
	wait_xfr_blocks(f, 1);

	started = now_ms();
	card_worker_cancel(f->worker);
	if (!wait_event(f, EVENT_CARD, CARD_ECANCELLED, 4 * EVENT_WAIT_MS,
			NULL))
		fail_msg("no EVENT_CARD after the cancel");
	elapsed = now_ms() - started;
	if (elapsed > SLOW_CANCEL_MAX_MS)
		fail_msg("cancel took %lld ms", (long long)elapsed);
	assert_int_equal(card_worker_take(f->worker, &data),
			 CARD_ECANCELLED);
	assert_string_equal(data.pan, "");
	mock_ccid_slow_replies(f->reader, 0);
}

/* A reader that asks for 255 times the waiting time and goes silent:
 * card_worker_stop returns at once. */
static void test_stop_silent_reader(void **state)
{
	struct fixture *f = *state;
	int64_t started;
	int64_t elapsed;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_silence(f->reader, 255);
	assert_int_equal(card_worker_request(f->worker, 10), CARD_OK);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READING, NULL);
	poll(NULL, 0, 300);

	started = now_ms();
	card_worker_stop(f->worker);
	elapsed = now_ms() - started;
	if (elapsed > SLOW_CANCEL_MAX_MS)
		fail_msg("stop took %lld ms", (long long)elapsed);
	mock_ccid_end_silence(f->reader);
}

/* A cancel after the reader's silence also ends the request. */
static void test_cancel_silent_reader(void **state)
{
	struct fixture *f = *state;
	int64_t started;
	int64_t elapsed;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_silence(f->reader, 255);
	assert_int_equal(card_worker_request(f->worker, 10), CARD_OK);
	poll(NULL, 0, 500);

	started = now_ms();
	card_worker_cancel(f->worker);
	expect_event(f, EVENT_CARD, CARD_ECANCELLED, NULL);
	elapsed = now_ms() - started;
	if (elapsed > SLOW_CANCEL_MAX_MS)
		fail_msg("cancel took %lld ms", (long long)elapsed);
	mock_ccid_end_silence(f->reader);
}

/* A cancel while the record with the PAN is on its way: the request
 * ends cancelled and no PAN stays in the worker. */
static void test_cancel_during_app_read(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_clear_log(f->reader);
	mock_ccid_slow_replies(f->reader, 300);
	assert_int_equal(card_worker_request(f->worker, 10), CARD_OK);
	/* SELECT, GET PROCESSING OPTIONS, then READ RECORD. */
	wait_xfr_blocks(f, 3);
	card_worker_cancel(f->worker);
	expect_event(f, EVENT_CARD, CARD_ECANCELLED, NULL);
	assert_int_equal(card_worker_take(f->worker, &data),
			 CARD_ECANCELLED);
	assert_string_equal(data.pan, "");
	mock_ccid_slow_replies(f->reader, 0);
}

/* A cancel that comes after the read ended but before the take wipes
 * the result. */
static void test_cancel_after_read_wipes(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_OK, NULL);
	card_worker_cancel(f->worker);
	assert_int_equal(card_worker_take(f->worker, &data),
			 CARD_ECANCELLED);
	assert_string_equal(data.pan, "");
}

/* A request during a hardware fault is rejected at once. */
static void test_request_rejected_on_fault(void **state)
{
	struct fixture *f = *state;

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_hardware_error(f->reader, 1);
	expect_event(f, EVENT_CARD_READER, CARD_READER_FAULT, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_EREADER);
	assert_false(wait_event(f, EVENT_CARD_READER, CARD_READER_READING,
				300, NULL));
}

/* With a reader that holds each reply 1.2 s, the read of a 2 s request
 * outlives its deadline. Returns when the first XfrBlock was sent. */
static void start_slow_read(struct fixture *f)
{
	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_clear_log(f->reader);
	mock_ccid_slow_replies(f->reader, 1200);
	assert_int_equal(card_worker_request(f->worker, 2), CARD_OK);
	wait_xfr_blocks(f, 1);
}

/* A card pulled while a slow reader works on a command is reported as
 * CARD_EREMOVED, not as a mute card (CARD_EMUTE). */
static void test_removed_slow_reader(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	start_slow_read(f);
	mock_ccid_remove(f->reader);
	if (!wait_event(f, EVENT_CARD, CARD_EREMOVED, 4 * EVENT_WAIT_MS,
			NULL))
		fail_msg("no EVENT_CARD with CARD_EREMOVED");
	assert_int_equal(card_worker_take(f->worker, &data), CARD_EREMOVED);
	assert_string_equal(data.pan, "");
	mock_ccid_slow_replies(f->reader, 0);
}

/* The same with a reader without an interrupt endpoint: the slot status
 * asked after the deadline shows the empty slot. */
static void test_removed_slow_polled(void **state)
{
	test_removed_slow_reader(state);
}

/* An overcurrent notice during a slow read is reported as the reader's
 * fault. The message of the request then rejected tells the agent to
 * remove the card, which clears the fault. */
static void test_hardware_error_slow_read(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	start_slow_read(f);
	mock_ccid_hardware_error(f->reader, 1);
	if (!wait_event(f, EVENT_CARD, CARD_EREADER, 4 * EVENT_WAIT_MS,
			NULL))
		fail_msg("no EVENT_CARD with CARD_EREADER");
	assert_int_equal(card_worker_take(f->worker, &data), CARD_EREADER);
	assert_string_equal(data.pan, "");
	mock_ccid_slow_replies(f->reader, 0);

	assert_int_equal(card_worker_request(f->worker, 5), CARD_EREADER);
	assert_non_null(strstr(card_strerror(CARD_EREADER), "Remove the card"));

	/* Removing the card clears the fault, as the message states. */
	mock_ccid_remove(f->reader);
	expect_event(f, EVENT_CARD_READER, CARD_READER_READY, NULL);
}

/* Notices about slots 1 and 2 change nothing on slot 0. */
static void test_other_slots_ignored(void **state)
{
	/* Slot 0 present and unchanged, slot 1 present and changed. */
	static const unsigned char slot1[] = { 0x50, 0x01 | 0x0c };
	static const unsigned char hardware2[] = { 0x51, 0x02, 0x00, 0x01 };
	struct fixture *f = *state;
	struct card_data data;
	char text[128];

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_notify_raw(f->reader, slot1, sizeof(slot1));
	mock_ccid_notify_raw(f->reader, hardware2, sizeof(hardware2));
	assert_false(wait_event(f, EVENT_CARD_READER, CARD_READER_FAULT, 500,
				NULL));
	assert_int_equal(card_worker_state(f->worker, text, sizeof(text)),
			 CARD_READER_CARD);

	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_OK, NULL);
	assert_int_equal(card_worker_take(f->worker, &data), CARD_OK);
	assert_pan(data.pan, "4761739001010010");
	card_data_clear(&data);
}

/* An unplug during a read shows no reader as soon as the request
 * ends, before the hotplug news. */
static void test_unplug_mid_read_state(void **state)
{
	struct fixture *f = *state;
	char text[128];

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	mock_ccid_clear_log(f->reader);
	mock_ccid_slow_replies(f->reader, 200);
	assert_int_equal(card_worker_request(f->worker, 10), CARD_OK);
	wait_xfr_blocks(f, 1);
	mock_device_unplug(mock_ccid_device(f->reader));
	expect_event(f, EVENT_CARD, CARD_ENODEV, NULL);
	assert_int_equal(card_worker_state(f->worker, text, sizeof(text)),
			 CARD_READER_NONE);
	assert_string_equal(text, "no card reader");
}

/* Count the lines of the file at path that contain text. */
static int count_lines(const char *path, const char *text)
{
	char line[512];
	FILE *file = fopen(path, "r");
	int count = 0;

	assert_non_null(file);
	while (fgets(line, sizeof(line), file) != NULL) {
		if (strstr(line, text) != NULL)
			count++;
	}
	fclose(file);
	return count;
}

/* 2000 slot changes and 500 malformed notices: few state events and
 * log lines, and the next request's result still arrives. */
static void test_notice_flood_bounded(void **state)
{
	static const unsigned char present[] = { 0x50, 0x03 };
	static const unsigned char absent[] = { 0x50, 0x02 };
	static const unsigned char malformed[] = { 0x51, 0x00 };
	struct fixture *f = *state;
	char path[] = "/tmp/spotagent-card-flood-XXXXXX";
	struct event event;
	int fd = mkstemp(path);
	int reader_events = 0;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_open(path, LOG_LEVEL_INFO), 0);
	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	for (int i = 0; i < 2000; i++)
		mock_ccid_notify_raw(f->reader, i % 2 ? present : absent, 2);
	mock_ccid_notify_raw(f->reader, present, sizeof(present));
	for (int i = 0; i < 500; i++)
		mock_ccid_notify_raw(f->reader, malformed, sizeof(malformed));
	mock_ccid_notify_raw(f->reader, present, sizeof(present));
	poll(NULL, 0, 2000);
	while (event_read(f->events, &event) == 1)
		reader_events += event.type == EVENT_CARD_READER;

	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_OK, NULL);
	card_worker_stop(f->worker);
	log_open("stderr", LOG_LEVEL_INFO);

	/* At most one per CARD_STATE_POST_MS of the flood, with room for
	 * a slow machine; each notice gave one before. */
	assert_true(reader_events < 200);
	assert_true(count_lines(path, "card reader state") < 200);
	assert_true(count_lines(path, "malformed notification") < 20);
	assert_true(count_lines(path, "dropped") < 20);
	unlink(path);
}

/* A reader that lists no voltage reads the card, and `spotagent
 * devices` says so. */
static void test_no_voltage_reader(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/spotagent-devices-XXXXXX";
	struct card_data data;
	int fd = mkstemp(path);
	int saved = dup(STDOUT_FILENO);

	assert_true(fd >= 0);
	assert_true(saved >= 0);
	snprintf(f->config.printer, sizeof(f->config.printer), "none");
	snprintf(f->config.printer_profile,
		 sizeof(f->config.printer_profile), "auto");
	f->config.paper_columns = 48;
	fflush(stdout);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	devices_list(&f->config);
	fflush(stdout);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	close(fd);
	assert_true(file_contains(path, "voltages none listed, "));
	unlink(path);

	start_worker(f);
	insert_card(f, one_app_card);
	expect_event(f, EVENT_CARD_READER, CARD_READER_CARD, NULL);
	assert_int_equal(card_worker_request(f->worker, 5), CARD_OK);
	expect_event(f, EVENT_CARD, CARD_OK, NULL);
	assert_int_equal(card_worker_take(f->worker, &data), CARD_OK);
	assert_pan(data.pan, "4761739001010010");
	card_data_clear(&data);
}

/* `spotagent devices` lists the HID reader that [card] hid names by an
 * id no table knows. */
static void test_devices_lists_named_hid(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/spotagent-devices-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDOUT_FILENO);

	assert_true(fd >= 0);
	assert_true(saved >= 0);
	snprintf(f->config.printer, sizeof(f->config.printer), "none");
	snprintf(f->config.printer_profile,
		 sizeof(f->config.printer_profile), "auto");
	f->config.paper_columns = 48;
	fflush(stdout);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	devices_list(&f->config);
	fflush(stdout);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	close(fd);
	assert_true(file_contains(path,
				  "1234:5678  HID stripe reader (configured)"));
	unlink(path);
}

static void test_null_worker_calls(void **state)
{
	struct card_data data;
	struct emv_app apps[1];
	char text[32];

	(void)state;
	assert_int_equal(card_worker_state(NULL, text, sizeof(text)),
			 CARD_READER_NONE);
	assert_string_equal(text, "no card reader");
	assert_int_equal(card_worker_request(NULL, 5), CARD_ENOREADER);
	assert_int_equal(card_worker_apps(NULL, apps, 1), 0);
	assert_int_equal(card_worker_choose(NULL, 0), CARD_EINVAL);
	assert_int_equal(card_worker_take(NULL, &data), CARD_EINVAL);
	card_worker_cancel(NULL);
	card_worker_stop(NULL);
	card_worker_free(NULL);
}

#define WORKER_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		WORKER_TEST(test_reader_arrival_ready),
		WORKER_TEST(test_card_insert_and_remove),
		cmocka_unit_test_setup_teardown(test_polled_reader_sees_card,
						setup_polled, teardown),
		WORKER_TEST(test_request_reads_pan),
		WORKER_TEST(test_pan_never_logged),
		WORKER_TEST(test_two_apps_agent_chooses),
		WORKER_TEST(test_cancel_during_choice),
		WORKER_TEST(test_choice_times_out),
		WORKER_TEST(test_cancel_ends_request),
		WORKER_TEST(test_request_times_out),
		WORKER_TEST(test_card_removed_mid_read),
		WORKER_TEST(test_hardware_error_fault),
		WORKER_TEST(test_unknown_notice_ignored),
		WORKER_TEST(test_unplug_gives_none),
		WORKER_TEST(test_reader_none_setting),
		WORKER_TEST(test_devices_lists_reader),
		cmocka_unit_test_setup_teardown(test_swipe_fills_request,
						setup_stripe, teardown),
		WORKER_TEST(test_cancel_slow_reader),
		WORKER_TEST(test_removed_slow_reader),
		cmocka_unit_test_setup_teardown(test_removed_slow_polled,
						setup_polled, teardown),
		WORKER_TEST(test_hardware_error_slow_read),
		WORKER_TEST(test_stop_silent_reader),
		WORKER_TEST(test_cancel_silent_reader),
		WORKER_TEST(test_cancel_during_app_read),
		WORKER_TEST(test_cancel_after_read_wipes),
		WORKER_TEST(test_request_rejected_on_fault),
		cmocka_unit_test_setup_teardown(test_other_slots_ignored,
						setup_slots, teardown),
		WORKER_TEST(test_unplug_mid_read_state),
		WORKER_TEST(test_notice_flood_bounded),
		cmocka_unit_test_setup_teardown(test_no_voltage_reader,
						setup_no_voltage, teardown),
		cmocka_unit_test_setup_teardown(test_devices_lists_named_hid,
						setup_unknown_hid, teardown),
		cmocka_unit_test(test_null_worker_calls),
	};

	return cmocka_run_group_tests_name("usb_card_worker", tests, NULL,
					   NULL);
}
