/* Unit tests of the USB layer parts that need no device: libusb error
 * translation, messages, the table of known devices and the USB printer
 * backend's target parsing and description. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libusb.h>

#include "../../drivers/printer_backend.h"
#include "../../drivers/usb.h"

static void test_usb_from_libusb_table(void **state)
{
	static const struct {
		int libusb;
		int expected;
	} cases[] = {
	        {LIBUSB_SUCCESS, USB_OK},
	        {12, USB_OK}, /* a byte count */
	        {LIBUSB_ERROR_IO, USB_EIO},
	        {LIBUSB_ERROR_INVALID_PARAM, USB_EINVAL},
	        {LIBUSB_ERROR_ACCESS, USB_EACCESS},
	        {LIBUSB_ERROR_NO_DEVICE, USB_ENODEV},
	        {LIBUSB_ERROR_NOT_FOUND, USB_ENOTFOUND},
	        {LIBUSB_ERROR_BUSY, USB_EBUSY},
	        {LIBUSB_ERROR_TIMEOUT, USB_ETIMEOUT},
	        {LIBUSB_ERROR_OVERFLOW, USB_EOVERFLOW},
	        {LIBUSB_ERROR_PIPE, USB_EPIPE},
	        {LIBUSB_ERROR_NO_MEM, USB_ENOMEM},
	        {LIBUSB_ERROR_NOT_SUPPORTED, USB_ENOTSUP},
	        {LIBUSB_ERROR_INTERRUPTED, USB_EOTHER},
	        {LIBUSB_ERROR_OTHER, USB_EOTHER},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(usb_from_libusb(cases[i].libusb),
		                 cases[i].expected);
}

static void test_usb_strerror_messages(void **state)
{
	(void)state;
	for (int error = USB_OK; error >= USB_EOTHER; error--) {
		const char *text = usb_strerror(error);

		assert_non_null(text);
		assert_true(strlen(text) > 0);
	}
	assert_non_null(strstr(usb_strerror(USB_EACCESS),
	                       "drivers/60-spotagent.rules"));
	assert_non_null(strstr(usb_strerror(USB_EACCESS), "spotagent group"));
	assert_string_equal(usb_strerror(-99), "unknown USB error");
}

static void test_usb_kind_names(void **state)
{
	(void)state;
	assert_string_equal(usb_kind_name(USB_KIND_PRINTER), "printer");
	assert_string_equal(usb_kind_name(USB_KIND_CCID), "card reader");
	assert_string_equal(usb_kind_name(USB_KIND_HID), "card reader (HID)");
}

/* Every row of the table, in the table's order: a lookup fails for a row
 * that breaks the sort, so this also checks the order bsearch needs. */
static const struct usb_known_device expected_known[] = {
	{0x0416, 0x5011, USB_KIND_PRINTER, "Generic 58 mm POS58"},
	{0x04b8, 0x0202, USB_KIND_PRINTER, "Epson TM"},
	{0x04b8, 0x0e15, USB_KIND_PRINTER, "Epson TM-T20II"},
	{0x04b8, 0x0e21, USB_KIND_PRINTER, "Epson TM-T88VI"},
	{0x04b8, 0x0e27, USB_KIND_PRINTER, "Epson TM-T20IIIL"},
	{0x04b8, 0x0e28, USB_KIND_PRINTER, "Epson TM-T20III"},
	{0x0519, 0x0001, USB_KIND_PRINTER, "Star TSP650II"},
	{0x0519, 0x0003, USB_KIND_PRINTER, "Star TSP100"},
	{0x072f, 0xb100, USB_KIND_CCID, "ACS ACR39U"},
	{0x076b, 0x3021, USB_KIND_CCID, "Omnikey 3121"},
	{0x076b, 0x3022, USB_KIND_CCID, "Omnikey 3121"},
	{0x08e6, 0x3437, USB_KIND_CCID, "Gemalto IDBridge CT30"},
};

static void test_usb_known_rows_found(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(expected_known) / sizeof(expected_known[0]); i++) {
		const struct usb_known_device *row = &expected_known[i];
		const struct usb_known_device *found =
		        usb_find_known(row->vendor, row->product);

		assert_non_null(found);
		assert_int_equal(found->vendor, row->vendor);
		assert_int_equal(found->product, row->product);
		assert_int_equal(found->kind, row->kind);
		assert_string_equal(found->model, row->model);
	}
}

static void test_usb_known_absent_ids(void **state)
{
	static const uint16_t absent[][2] = {
	        {0x0000, 0x0000}, {0x0416, 0x5010}, {0x0416, 0x5012},
	        {0x04b8, 0x0201}, {0x04b8, 0x0e16}, {0x0519, 0x0002},
	        {0x08e6, 0x3438}, {0xffff, 0xffff}, {0x5011, 0x0416},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_null(usb_find_known(absent[i][0], absent[i][1]));
}

/* prepare only stores the context; it never dereferences it. */
static int fake_context_storage;
#define FAKE_CONTEXT ((struct usb_context *)&fake_context_storage)

static void test_printer_usb_targets_valid(void **state)
{
	static const struct {
		const char *target;
		const char *description;
	} cases[] = {
	        {"", "USB first printer (not connected)"},
	        {"04b8:0e15", "USB 04b8:0e15 Epson TM-T20II (not connected)"},
	        {"04B8:0E28", "USB 04b8:0e28 Epson TM-T20III (not connected)"},
	        {"1234:abcd", "USB 1234:abcd (not connected)"},
	        {"04b8:0e15:T20II00017",
	         "USB 04b8:0e15 Epson TM-T20II serial T20II00017 "
	         "(not connected)"},
	        {"1234:abcd:X", "USB 1234:abcd serial X (not connected)"},
	        {"1234:abcd:"
	         "123456789012345678901234567890123456789012345678901234567890"
	         "123",
	         "USB 1234:abcd serial "
	         "123456789012345678901234567890123456789012345678901234567890"
	         "123 (not connected)"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct printer_conn *conn = NULL;
		char text[128];
		const char *model;

		assert_int_equal(printer_usb_backend.prepare(
		                         cases[i].target, FAKE_CONTEXT, &conn),
		                 PRINTER_OK);
		assert_non_null(conn);
		model = printer_usb_backend.describe(conn, text, sizeof(text));
		assert_null(model);
		assert_string_equal(text, cases[i].description);
		printer_usb_backend.destroy(conn);
	}
}

static void test_printer_usb_targets_invalid(void **state)
{
	static const char *const cases[] = {
	        "04b8",       "04b8:",     "04b8:0e1",  "04b8:0e155",
	        "04b8-0e15",  "0xb8:0e15", "04b8:0e1g", " 04b8:0e15",
	        "04b8:0e15 ", "04b80e15",  "usb",       ":",
	        "04b8:0e15:", "04b8:0e15:A B", "04b8:0e15;AB",
	        "04b8:0e15:\t", "04b8:0e15:caf\xc3\xa9",
	        "04b8:0e15:"
	        "123456789012345678901234567890123456789012345678901234567890"
	        "1234",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct printer_conn *conn = NULL;

		assert_int_equal(printer_usb_backend.prepare(
		                         cases[i], FAKE_CONTEXT, &conn),
		                 PRINTER_ESPEC);
		assert_null(conn);
	}
}

/* Without a USB context a valid target has its own error, and an
 * invalid one is still a setting not understood. */
static void test_printer_usb_needs_context(void **state)
{
	static const struct {
		const char *target;
		int expected;
	} cases[] = {
	        {"", PRINTER_ENOUSB},
	        {"04b8:0e15", PRINTER_ENOUSB},
	        {"04b8:0e15:T20II00017", PRINTER_ENOUSB},
	        {"04b8", PRINTER_ESPEC},
	        {"04b8:0e15:", PRINTER_ESPEC},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct printer_conn *conn = NULL;

		assert_int_equal(printer_usb_backend.prepare(cases[i].target,
		                                             NULL, &conn),
		                 cases[i].expected);
		assert_null(conn);
	}
}

static void test_printer_usb_matches(void **state)
{
	struct printer_conn *any = NULL;
	struct printer_conn *one = NULL;
	struct printer_conn *serial = NULL;
	struct usb_device_info info = {
	        .kind = USB_KIND_PRINTER,
	        .bus = 1,
	        .address = 4,
	        .vendor = 0x04b8,
	        .product = 0x0e15,
	};

	(void)state;
	assert_int_equal(printer_usb_backend.prepare("", FAKE_CONTEXT, &any),
	                 PRINTER_OK);
	assert_int_equal(printer_usb_backend.prepare("04b8:0e15:B2",
	                                             FAKE_CONTEXT, &serial),
	                 PRINTER_OK);
	assert_int_equal(
	        printer_usb_backend.prepare("04b8:0e15", FAKE_CONTEXT, &one),
	        PRINTER_OK);

	assert_true(printer_usb_backend.matches(any, &info));
	assert_true(printer_usb_backend.matches(one, &info));
	/* Hotplug news has no serial number: the ids decide. */
	assert_true(printer_usb_backend.matches(serial, &info));
	info.product = 0x0e28;
	assert_false(printer_usb_backend.matches(serial, &info));
	assert_true(printer_usb_backend.matches(any, &info));
	assert_false(printer_usb_backend.matches(one, &info));
	info.kind = USB_KIND_CCID;
	assert_false(printer_usb_backend.matches(any, &info));

	printer_usb_backend.destroy(any);
	printer_usb_backend.destroy(one);
	printer_usb_backend.destroy(serial);
}

static void test_printer_usb_disconnected_io(void **state)
{
	struct printer_conn *conn = NULL;
	unsigned char buf[8] = {0};
	size_t n = 99;

	(void)state;
	assert_int_equal(
	        printer_usb_backend.prepare("04b8:0e15", FAKE_CONTEXT, &conn),
	        PRINTER_OK);
	assert_int_equal(
	        printer_usb_backend.write(conn, buf, sizeof(buf), 100, &n),
	        PRINTER_EGONE);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(
	        printer_usb_backend.read(conn, buf, sizeof(buf), 100, &n),
	        PRINTER_EGONE);
	assert_int_equal(n, 0);
	printer_usb_backend.disconnect(conn);
	printer_usb_backend.destroy(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_usb_from_libusb_table),
	        cmocka_unit_test(test_usb_strerror_messages),
	        cmocka_unit_test(test_usb_kind_names),
	        cmocka_unit_test(test_usb_known_rows_found),
	        cmocka_unit_test(test_usb_known_absent_ids),
	        cmocka_unit_test(test_printer_usb_targets_valid),
	        cmocka_unit_test(test_printer_usb_targets_invalid),
	        cmocka_unit_test(test_printer_usb_needs_context),
	        cmocka_unit_test(test_printer_usb_matches),
	        cmocka_unit_test(test_printer_usb_disconnected_io),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
