/* USB tests of drivers/hid_reader.c and HID discovery in drivers/usb.c
 * against keyboards emulated under umockdev: a known stripe reader and a
 * plain keyboard. Failure messages show PANs masked only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../drivers/hid_reader.h"
#include "../../drivers/magstripe.h"
#include "../../drivers/usb.h"
#include "mock_hid.h"
#include "usb_fixture.h"

#define READER_ADDRESS 2
#define KEYBOARD_ADDRESS 3

#define PAN_VISA "4111111111111111"
#define SWIPE "%B" PAN_VISA "^SMITH/JOHN^2512101789012345?;" PAN_VISA \
	      "=2512101789012345?"

struct fixture {
	UMockdevTestbed *testbed;
	struct mock_hid *reader_mock;
	struct mock_hid *keyboard_mock;
	struct usb_context *usb;
	struct usb_device_info info;
	struct hid_reader *reader;
	char text[MAGSTRIPE_MAX + 1];
	size_t len;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	/* The testbed and its devices exist before libusb starts. */
	f->testbed = umockdev_testbed_new();
	if (!f->testbed)
		return -1;
	f->reader_mock = mock_hid_new(f->testbed, &mock_hid_magtek,
				      READER_ADDRESS);
	f->keyboard_mock = mock_hid_new(f->testbed, &mock_hid_keyboard,
					KEYBOARD_ADDRESS);
	if (!f->reader_mock || !f->keyboard_mock)
		return -1;
	if (usb_context_open(&f->usb) != USB_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hid_reader_close(f->reader);
	usb_context_close(f->usb);
	mock_hid_free(f->reader_mock);
	mock_hid_free(f->keyboard_mock);
	g_object_unref(f->testbed);
	free(f);
	return 0;
}

/* Find the reader with usb_list and open it. */
static void open_reader(struct fixture *f)
{
	assert_int_equal(usb_list(f->usb, USB_KIND_HID, &f->info, 1), 1);
	assert_int_equal(hid_reader_open(f->usb, &f->info, &f->reader),
			 CARD_OK);
	assert_non_null(f->reader);
}

static int read_swipe(struct fixture *f, int timeout_ms)
{
	return hid_reader_read(f->reader, timeout_ms, f->text,
			       sizeof(f->text), &f->len);
}

static void discovery_lists_known_reader(void **state)
{
	struct fixture *f = *state;
	struct usb_device_info infos[4];
	int count;

	count = usb_list(f->usb, USB_KIND_HID, infos, 4);
	assert_int_equal(count, 1);
	assert_int_equal(infos[0].kind, USB_KIND_HID);
	assert_int_equal(infos[0].vendor, 0x0801);
	assert_int_equal(infos[0].product, 0x0001);
	assert_int_equal(infos[0].address, READER_ADDRESS);
	assert_true(infos[0].known);
	assert_string_equal(infos[0].model, "MagTek Mini Swipe Reader");
	assert_int_equal(infos[0].ep_interrupt_in, MOCK_HID_EP_IN);
}

/* A keyboard is HID too, but its id is not a known stripe reader. */
static void discovery_skips_plain_keyboard(void **state)
{
	struct fixture *f = *state;
	struct usb_device_info infos[4];
	int count;

	count = usb_list(f->usb, USB_KIND_PRINTER | USB_KIND_CCID |
			 USB_KIND_HID, infos, 4);
	assert_int_equal(count, 1);
	assert_int_equal(infos[0].vendor, 0x0801);
	for (int i = 0; i < count; i++)
		assert_int_not_equal(infos[i].address, KEYBOARD_ADDRESS);
}

/* An id the settings name counts as a stripe reader, and no other. */
static void discovery_lists_configured_reader(void **state)
{
	struct fixture *f = *state;
	struct usb_device_info infos[4];
	int count;

	assert_int_equal(usb_add_hid_reader(f->usb, 0, 1), USB_EINVAL);
	assert_int_equal(usb_add_hid_reader(f->usb, 0x046a, 0x0001), USB_OK);
	count = usb_list(f->usb, USB_KIND_HID, infos, 4);
	assert_int_equal(count, 2);
	assert_int_equal(infos[1].vendor, 0x046a);
	assert_int_equal(infos[1].address, KEYBOARD_ADDRESS);
	assert_int_equal(infos[1].kind, USB_KIND_HID);
	assert_true(infos[1].known);
}

static void open_detaches_kernel_driver(void **state)
{
	struct fixture *f = *state;
	struct mock_device *device = mock_hid_device(f->reader_mock);

	assert_true(mock_device_driver_bound(device));
	open_reader(f);
	assert_int_equal(mock_device_detach_count(device), 1);
	assert_false(mock_device_driver_bound(device));
	assert_true(mock_device_claimed(device));
	assert_int_equal(mock_hid_protocol(f->reader_mock), 0);

	hid_reader_close(f->reader);
	f->reader = NULL;
	assert_int_equal(mock_device_attach_count(device), 1);
	assert_true(mock_device_driver_bound(device));
	assert_false(mock_device_claimed(device));
}

static void open_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct usb_device_info info;

	assert_int_equal(usb_list(f->usb, USB_KIND_HID, &info, 1), 1);
	assert_int_equal(hid_reader_open(f->usb, &info, NULL), CARD_EINVAL);
	info.ep_interrupt_in = 0;
	assert_int_equal(hid_reader_open(f->usb, &info, &f->reader),
			 CARD_EUNSUPPORTED);
	assert_null(f->reader);
	info.kind = USB_KIND_CCID;
	assert_int_equal(hid_reader_open(f->usb, &info, &f->reader),
			 CARD_EINVAL);
}

static void swipe_read_and_parsed(void **state)
{
	struct fixture *f = *state;
	struct card_data data;

	open_reader(f);
	assert_int_equal(mock_hid_type(f->reader_mock, SWIPE, true), 0);
	assert_int_equal(read_swipe(f, 2000), 1);
	assert_int_equal(f->len, strlen(SWIPE));
	assert_int_equal(memcmp(f->text, SWIPE, f->len), 0);

	assert_int_equal(magstripe_parse(f->text, f->len, &data), CARD_OK);
	assert_int_equal(strcmp(data.pan, PAN_VISA), 0);
	assert_string_equal(data.expiry, "2512");
	assert_string_equal(data.name, "JOHN SMITH");
	assert_string_equal(data.missing, "");
	card_data_clear(&data);
}

/* Two swipes in a row: Enter ends the first, and the second comes whole
 * from the next read. */
static void swipe_two_in_a_row(void **state)
{
	struct fixture *f = *state;
	const char *second = ";" PAN_VISA "=2612101?";

	open_reader(f);
	assert_int_equal(mock_hid_type(f->reader_mock, SWIPE, true), 0);
	assert_int_equal(mock_hid_type(f->reader_mock, second, true), 0);
	assert_int_equal(read_swipe(f, 2000), 1);
	assert_int_equal(f->len, strlen(SWIPE));
	assert_int_equal(read_swipe(f, 2000), 1);
	assert_int_equal(f->len, strlen(second));
	assert_int_equal(memcmp(f->text, second, f->len), 0);
}

/* "11" comes as press 1, release, press 1; a key held over several
 * reports types once. */
static void swipe_repeated_digits(void **state)
{
	struct fixture *f = *state;
	const uint8_t one[6] = {0x1E};
	const uint8_t one_two[6] = {0x1E, 0x1F};
	const uint8_t none[6] = {0};

	open_reader(f);
	assert_int_equal(mock_hid_type(f->reader_mock, ";11", false), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, one), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, one), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, one_two), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, none), 0);
	assert_int_equal(mock_hid_type(f->reader_mock, "?", true), 0);
	assert_int_equal(read_swipe(f, 2000), 1);
	assert_string_equal(f->text, ";1112?");
	assert_int_equal(f->len, 6);
}

/* Shift comes from the modifier byte, left or right; a roll-over report
 * changes nothing. */
static void swipe_shift_and_rollover(void **state)
{
	struct fixture *f = *state;
	const uint8_t five[6] = {0x22};
	const uint8_t b[6] = {0x05};
	const uint8_t rollover[6] = {1, 1, 1, 1, 1, 1};
	const uint8_t none[6] = {0};

	open_reader(f);
	assert_int_equal(mock_hid_report(f->reader_mock, 0x20, five), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0x20, rollover), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, none), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0x02, b), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, b), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, none), 0);
	assert_int_equal(mock_hid_report(f->reader_mock, 0, b), 0);
	assert_int_equal(mock_hid_type(f->reader_mock, "", true), 0);
	assert_int_equal(read_swipe(f, 2000), 1);
	assert_string_equal(f->text, "%Bb");
}

/* Without Enter, 200 ms without a new character ends the swipe. */
static void swipe_ends_after_silence(void **state)
{
	struct fixture *f = *state;
	int64_t start;
	int64_t took;

	open_reader(f);
	assert_int_equal(mock_hid_type(f->reader_mock, SWIPE, false), 0);
	start = usb_fixture_now_ms();
	assert_int_equal(read_swipe(f, 5000), 1);
	took = usb_fixture_now_ms() - start;
	assert_int_equal(f->len, strlen(SWIPE));
	assert_true(took >= 200);
	assert_true(took < 2000);
}

static void read_times_out_without_swipe(void **state)
{
	struct fixture *f = *state;
	int64_t start;
	int64_t took;

	open_reader(f);
	start = usb_fixture_now_ms();
	assert_int_equal(read_swipe(f, 300), 0);
	took = usb_fixture_now_ms() - start;
	assert_int_equal(f->len, 0);
	assert_true(took >= 300);
	assert_true(took < 2000);
}

static void read_rejects_overlong_swipe(void **state)
{
	struct fixture *f = *state;
	char text[MAGSTRIPE_MAX + 2];

	open_reader(f);
	memset(text, '1', sizeof(text) - 1);
	text[0] = ';';
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(mock_hid_type(f->reader_mock, text, true), 0);
	assert_int_equal(read_swipe(f, 2000), CARD_EPROTO);
	assert_int_equal(f->len, 0);
	assert_null(memchr(f->text, '1', sizeof(f->text)));
}

static void read_rejects_small_buffer(void **state)
{
	struct fixture *f = *state;

	open_reader(f);
	assert_int_equal(hid_reader_read(f->reader, 100, f->text,
					 MAGSTRIPE_MAX, &f->len),
			 CARD_EINVAL);
	assert_int_equal(hid_reader_read(f->reader, 0, f->text,
					 sizeof(f->text), &f->len),
			 CARD_EINVAL);
}

static void *unplug_later(void *data)
{
	struct mock_hid *mock = data;

	usleep(100 * 1000);
	mock_device_unplug(mock_hid_device(mock));
	return NULL;
}

/* Half a swipe arrives, then the reader is pulled out while the read
 * waits for the rest. */
static void unplug_mid_swipe(void **state)
{
	struct fixture *f = *state;
	pthread_t thread;
	int64_t start;

	open_reader(f);
	assert_int_equal(mock_hid_type(f->reader_mock, "%B4111", false), 0);
	/* A silence of 200 ms would end the swipe; the unplug comes
	 * first. */
	assert_int_equal(pthread_create(&thread, NULL, unplug_later,
					f->reader_mock), 0);
	start = usb_fixture_now_ms();
	assert_int_equal(read_swipe(f, 5000), CARD_ENODEV);
	assert_true(usb_fixture_now_ms() - start < 2000);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(f->len, 0);
	assert_null(memchr(f->text, '4', sizeof(f->text)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(discovery_lists_known_reader,
						setup, teardown),
		cmocka_unit_test_setup_teardown(discovery_skips_plain_keyboard,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			discovery_lists_configured_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(open_detaches_kernel_driver,
						setup, teardown),
		cmocka_unit_test_setup_teardown(open_rejects_bad_arguments,
						setup, teardown),
		cmocka_unit_test_setup_teardown(swipe_read_and_parsed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(swipe_two_in_a_row, setup,
						teardown),
		cmocka_unit_test_setup_teardown(swipe_repeated_digits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(swipe_shift_and_rollover,
						setup, teardown),
		cmocka_unit_test_setup_teardown(swipe_ends_after_silence,
						setup, teardown),
		cmocka_unit_test_setup_teardown(read_times_out_without_swipe,
						setup, teardown),
		cmocka_unit_test_setup_teardown(read_rejects_overlong_swipe,
						setup, teardown),
		cmocka_unit_test_setup_teardown(read_rejects_small_buffer,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unplug_mid_swipe, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
