/* USB printer tests of discovery, the kernel driver, permission and
 * receipts: the real USB layer and printer driver on libusb, against
 * printers emulated under umockdev (printer_fixture.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../support/escpos_decode.h"
#include "printer_fixture.h"

static bool receipt_has_text(const struct receipt *receipt,
			     const char *text)
{
	int i;

	for (i = 0; i < receipt->count; i++) {
		if (strstr(receipt->lines[i].text, text))
			return true;
	}
	return false;
}

/* --- Discovery and the kernel driver --- */

struct expected_device {
	uint16_t vendor;
	uint16_t product;
	uint8_t address;
	uint8_t ep_out;
	uint8_t ep_in;
	const char *model;
	const char *serial;
};

static const struct expected_device expected_devices[] = {
	{0x04b8, 0x0e15, EPSON_ADDRESS, 0x01, 0x82, "Epson TM-T20II",
	 "T20II00017"},
	{0x0416, 0x5011, GENERIC_ADDRESS, 0x03, 0x81, "Generic 58 mm POS58",
	 ""},
};

static void test_list_finds_both_printers(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[4];
	size_t i;

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 4), 2);
	for (i = 0; i < 2; i++) {
		const struct expected_device *e = &expected_devices[i];

		assert_int_equal(found[i].kind, USB_KIND_PRINTER);
		assert_int_equal(found[i].bus, 1);
		assert_int_equal(found[i].address, e->address);
		assert_int_equal(found[i].vendor, e->vendor);
		assert_int_equal(found[i].product, e->product);
		assert_int_equal(found[i].interface, 0);
		assert_int_equal(found[i].alt_setting, 0);
		assert_int_equal(found[i].ep_bulk_out, e->ep_out);
		assert_int_equal(found[i].ep_bulk_in, e->ep_in);
		assert_int_equal(found[i].ep_interrupt_in, 0);
		assert_int_equal(found[i].max_packet_in, 64);
		assert_string_equal(found[i].model, e->model);
		assert_true(found[i].known);
		assert_string_equal(found[i].serial, e->serial);
	}
}

static void test_list_other_kinds_empty(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[4];

	assert_int_equal(usb_list(f->usb, USB_KIND_CCID | USB_KIND_HID,
				  found, 4),
			 0);
}

static void test_list_max_counts_all(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[1];

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 1), 2);
	assert_int_equal(found[0].vendor, 0x04b8);
}

static void test_open_detaches_usblp(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[2];
	struct usb_handle *handle = NULL;

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 2);
	assert_true(mock_printer_driver_bound(f->epson));

	assert_int_equal(usb_open(f->usb, &found[0], &handle), USB_OK);
	assert_true(usb_driver_detached(handle));
	assert_int_equal(mock_printer_detach_count(f->epson), 1);
	assert_false(mock_printer_driver_bound(f->epson));
	assert_true(mock_printer_claimed(f->epson));

	/* Closing gives the interface back to usblp. */
	usb_close(handle);
	assert_false(mock_printer_claimed(f->epson));
	assert_true(mock_printer_driver_bound(f->epson));
	assert_int_equal(mock_printer_attach_count(f->epson), 1);
}

static void test_open_without_kernel_driver(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[2];
	struct usb_handle *handle = NULL;

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 2);
	assert_int_equal(usb_open(f->usb, &found[1], &handle), USB_OK);
	assert_false(usb_driver_detached(handle));
	assert_int_equal(mock_printer_detach_count(f->generic), 0);
	assert_true(mock_printer_claimed(f->generic));
	usb_close(handle);
	assert_false(mock_printer_claimed(f->generic));
	assert_false(mock_printer_driver_bound(f->generic));
}

static void test_printer_names_model(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;

	printer_fixture_open(f, EPSON_SPEC);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_DISCONNECTED);
	assert_true(printer_is_usb(f->printer));
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_non_null(printer_model(f->printer));
	assert_string_equal(printer_model(f->printer), "Epson TM-T20II");
	assert_non_null(strstr(printer_describe(f->printer), "04b8:0e15"));
}

/* --- Permission --- */

/* Set or clear CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH in this thread's
 * effective set, so that root also gets EACCES from a mode 000 node. */
static int set_dac_override(bool on)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	const uint32_t bits = (1u << CAP_DAC_OVERRIDE) |
			      (1u << CAP_DAC_READ_SEARCH);

	if (syscall(SYS_capget, &header, data) != 0)
		return -1;
	if (on)
		data[0].effective |= bits & data[0].permitted;
	else
		data[0].effective &= ~bits;
	return (int)syscall(SYS_capset, &header, data);
}

static void test_permission_names_udev_rule(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[2];
	struct usb_handle *handle = NULL;
	char node[512];
	int open_result;
	int write_result;
	unsigned char job[] = {0x1b, 0x40, 'x', '\n'};

	snprintf(node, sizeof(node), "%s%s", mock_bed_root(f->bed),
		 mock_printer_devnode(f->epson));
	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 2);
	printer_fixture_open(f, EPSON_SPEC);

	assert_int_equal(chmod(node, 0), 0);
	assert_int_equal(set_dac_override(false), 0);
	open_result = usb_open(f->usb, &found[0], &handle);
	write_result = printer_write_job(f->printer, job, sizeof(job));
	assert_int_equal(set_dac_override(true), 0);
	assert_int_equal(chmod(node, 0644), 0);

	assert_int_equal(open_result, USB_EACCESS);
	assert_null(handle);
	assert_non_null(strstr(usb_strerror(USB_EACCESS),
			       "60-spotagent.rules"));
	assert_int_equal(write_result, PRINTER_EACCESS);
	assert_non_null(strstr(printer_strerror(PRINTER_EACCESS),
			       "60-spotagent.rules"));
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 0);
}

/* --- Receipts --- */

static void test_receipt_80mm_byte_for_byte(void **state)
{
	struct printer_fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("Epson TM-T20II");
	struct receipt receipt;
	struct escpos_buf job;
	struct escpos_decoded decoded;

	assert_non_null(profile);
	printer_fixture_build_receipt(profile, &receipt, &job);
	printer_fixture_open(f, EPSON_SPEC);

	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_READY);
	printer_fixture_assert_printed(f->epson, &job);
	printer_fixture_assert_reads_receipt(f->epson, profile, &receipt);

	/* The Cyrillic name goes out in a code page that has it. */
	memset(&decoded, 0, sizeof(decoded));
	assert_int_equal(escpos_decode(job.data, job.len, profile, &decoded),
			 0);
	assert_true(escpos_decoded_find(&decoded, AGENT_NAME) >= 0);
	assert_true(decoded.page_switches >= 1);
	escpos_decoded_free(&decoded);
	escpos_free(&job);
}

static void test_receipt_58mm_byte_for_byte(void **state)
{
	struct printer_fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("generic-58");
	struct receipt receipt;
	struct escpos_buf job;
	char printable[64];

	assert_non_null(profile);
	printer_fixture_build_receipt(profile, &receipt, &job);
	printer_fixture_open(f, GENERIC_SPEC);

	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	printer_fixture_assert_printed(f->generic, &job);
	printer_fixture_assert_reads_receipt(f->generic, profile, &receipt);

	/* PC437 has no Cyrillic: the name is printed transliterated, as
	 * the layout already shows it. */
	assert_int_equal(escpos_printable(profile, AGENT_NAME, printable,
					  sizeof(printable)),
			 0);
	assert_string_not_equal(printable, AGENT_NAME);
	assert_true(receipt_has_text(&receipt, printable));
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 0);
	escpos_free(&job);
}

static void test_drawer_kick_reaches_printer(void **state)
{
	struct printer_fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("Epson TM-T20II");
	static unsigned char printed[256];
	struct escpos_buf job;
	struct escpos_decoded decoded;
	size_t len;

	escpos_init(&job);
	escpos_set_profile(&job, profile);
	assert_int_equal(escpos_drawer_kick(&job, ESCPOS_DRAWER_PIN2, 100,
					    200),
			 ESCPOS_OK);
	printer_fixture_open(f, EPSON_SPEC);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	printer_fixture_assert_printed(f->epson, &job);

	len = mock_printer_printed(f->epson, printed, sizeof(printed));
	memset(&decoded, 0, sizeof(decoded));
	assert_int_equal(escpos_decode(printed, len, profile, &decoded), 0);
	assert_int_equal(decoded.pulse_count, 1);
	assert_int_equal(decoded.pulses[0].pin, 2);
	assert_int_equal(decoded.pulses[0].on_ms, 100);
	assert_int_equal(decoded.pulses[0].off_ms, 200);
	escpos_decoded_free(&decoded);
	escpos_free(&job);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_list_finds_both_printers),
		FIXTURE_TEST(test_list_other_kinds_empty),
		FIXTURE_TEST(test_list_max_counts_all),
		FIXTURE_TEST(test_open_detaches_usblp),
		FIXTURE_TEST(test_open_without_kernel_driver),
		FIXTURE_TEST(test_printer_names_model),
		FIXTURE_TEST(test_permission_names_udev_rule),
		FIXTURE_TEST(test_receipt_80mm_byte_for_byte),
		FIXTURE_TEST(test_receipt_58mm_byte_for_byte),
		FIXTURE_TEST(test_drawer_kick_reaches_printer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
