/* USB printer tests of printers that differ from the fixture's two: a
 * one-way printer without bulk IN, two printers with the same ids told
 * apart by serial number, and 1024-byte SuperSpeed packets, against
 * printers emulated under umockdev. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "printer_fixture.h"

#define FIRST_ADDRESS 2
#define SECOND_ADDRESS 3

/* A testbed with one or two printers of the given models; first and
 * second are kept in the fixture's epson and generic fields. */
static int setup_models(void **state, const struct mock_model *first,
			const struct mock_model *second)
{
	struct printer_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->changed, NULL);
	f->bed = mock_bed_new();
	if (!f->bed)
		return -1;
	f->epson = mock_bed_add(f->bed, first, FIRST_ADDRESS);
	if (!f->epson)
		return -1;
	if (second) {
		f->generic = mock_bed_add(f->bed, second, SECOND_ADDRESS);
		if (!f->generic)
			return -1;
	}
	if (usb_context_open(&f->usb) != USB_OK)
		return -1;
	*state = f;
	return 0;
}

static int setup_one_way(void **state)
{
	return setup_models(state, &mock_one_way_58, NULL);
}

static int setup_twins(void **state)
{
	return setup_models(state, &mock_epson_tm_t20ii,
			    &mock_epson_tm_t20ii_second);
}

static int setup_superspeed(void **state)
{
	return setup_models(state, &mock_superspeed_80, NULL);
}

/* --- One-way printer --- */

static void test_one_way_listed_without_in(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[2];

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 1);
	assert_int_equal(found[0].vendor, 0x1fc9);
	assert_int_equal(found[0].ep_bulk_out, 0x02);
	assert_int_equal(found[0].ep_bulk_in, 0);
	assert_int_equal(found[0].max_packet_in, 0);
}

/* Without bulk IN there is no status to ask: the job is written whole
 * and counts as done, and the state is ready while connected. */
static void test_one_way_job_printed(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;
	struct escpos_buf job;

	printer_fixture_build_text_job(&job, 6000);
	printer_fixture_open(f, "usb:1fc9:2016");
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_READY);
	printer_fixture_assert_printed(f->epson, &job);
	assert_int_equal(mock_printer_query_count(f->epson), 0);

	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_int_equal(status.raw[0], 0);
	assert_int_equal(mock_printer_query_count(f->epson), 0);
	assert_non_null(strstr(printer_describe(f->printer),
			       "one-way: no paper or cover status"));
	escpos_free(&job);
}

/* Chunks still have their timeout: a one-way printer that stops taking
 * data fails the job, and its state is offline. */
static void test_one_way_write_timeout(void **state)
{
	struct printer_fixture *f = *state;
	struct escpos_buf job;
	int64_t start;

	printer_fixture_build_text_job(&job, 2000);
	printer_fixture_open(f, "usb:1fc9:2016");
	printer_set_timeouts(f->printer, 300, 0);
	mock_printer_stall_after(f->epson, 100);
	start = printer_fixture_now_ms();
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ETIMEOUT);
	assert_true(printer_fixture_now_ms() - start < 300 + 1500);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_OFFLINE);
	escpos_free(&job);
}

/* --- Two printers with the same ids --- */

static void test_twins_listed_with_serials(void **state)
{
	struct printer_fixture *f = *state;
	struct usb_device_info found[2];

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 2);
	assert_int_equal(found[0].product, found[1].product);
	assert_string_equal(found[0].serial, "T20II00017");
	assert_string_equal(found[1].serial, "T20II00018");
}

struct twin_case {
	const char *spec;
	int printed_first;  /* which printer gets the job: 1 or 2 */
};

static const struct twin_case twin_cases[] = {
	{"usb:04b8:0e15", 1},
	{"usb:04b8:0e15:T20II00017", 1},
	{"usb:04b8:0e15:T20II00018", 2},
};

static void test_twins_chosen_by_serial(void **state)
{
	struct printer_fixture *f = *state;
	struct escpos_buf job;
	size_t i;

	printer_fixture_build_text_job(&job, 500);
	for (i = 0; i < sizeof(twin_cases) / sizeof(twin_cases[0]); i++) {
		const struct twin_case *c = &twin_cases[i];
		struct mock_printer *chosen =
			c->printed_first == 1 ? f->epson : f->generic;
		struct mock_printer *other =
			c->printed_first == 1 ? f->generic : f->epson;

		print_message("case %s\n", c->spec);
		mock_printer_clear(f->epson);
		mock_printer_clear(f->generic);
		printer_fixture_open(f, c->spec);
		assert_int_equal(printer_write_job(f->printer, job.data,
						   job.len),
				 PRINTER_OK);
		printer_fixture_assert_printed(chosen, &job);
		assert_int_equal(mock_printer_wire(other, NULL, 0), 0);
		printer_close(f->printer);
		f->printer = NULL;
	}
	escpos_free(&job);
}

/* A serial number no printer has: not connected, nothing written. */
static void test_twins_serial_absent(void **state)
{
	struct printer_fixture *f = *state;
	struct escpos_buf job;

	printer_fixture_build_text_job(&job, 500);
	printer_fixture_open(f, "usb:04b8:0e15:T20II99999");
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_EGONE);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_DISCONNECTED);
	assert_int_equal(mock_printer_wire(f->epson, NULL, 0), 0);
	assert_int_equal(mock_printer_wire(f->generic, NULL, 0), 0);
	escpos_free(&job);
}

/* --- SuperSpeed packets --- */

/* A read shorter than a packet goes through the handle's packet buffer,
 * which must hold a whole 1024-byte packet. */
static void test_superspeed_short_read(void **state)
{
	struct printer_fixture *f = *state;
	static unsigned char sent[1000];
	unsigned char buf[64];
	struct usb_device_info found[1];
	struct usb_handle *handle = NULL;
	size_t total = 0;
	size_t got = 0;
	size_t i;

	for (i = 0; i < sizeof(sent); i++)
		sent[i] = (unsigned char)(i * 7);
	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 1), 1);
	assert_int_equal(found[0].max_packet_in, 1024);
	assert_int_equal(usb_open(f->usb, &found[0], &handle), USB_OK);

	mock_printer_send_in(f->epson, sent, sizeof(sent));
	for (i = 0; i < 32 && total < sizeof(sent); i++) {
		assert_int_equal(usb_bulk_read(handle, buf, sizeof(buf), 500,
					       &got),
				 USB_OK);
		assert_true(got > 0);
		assert_true(got <= sizeof(buf));
		assert_memory_equal(buf, sent + total, got);
		total += got;
	}
	assert_int_equal(total, sizeof(sent));
	usb_close(handle);
}

static void test_superspeed_status(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;

	printer_fixture_open(f, "usb:1fc9:2080");
	mock_printer_set_condition(f->epson, MOCK_PAPER_LOW);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_PAPER_LOW);
}

#define MODEL_TEST(name, setup) \
	cmocka_unit_test_setup_teardown(name, setup, \
					printer_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		MODEL_TEST(test_one_way_listed_without_in, setup_one_way),
		MODEL_TEST(test_one_way_job_printed, setup_one_way),
		MODEL_TEST(test_one_way_write_timeout, setup_one_way),
		MODEL_TEST(test_twins_listed_with_serials, setup_twins),
		MODEL_TEST(test_twins_chosen_by_serial, setup_twins),
		MODEL_TEST(test_twins_serial_absent, setup_twins),
		MODEL_TEST(test_superspeed_short_read, setup_superspeed),
		MODEL_TEST(test_superspeed_status, setup_superspeed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
