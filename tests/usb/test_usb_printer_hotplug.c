/* USB printer tests of unplugging and hotplug: jobs kept while a
 * printer is gone and printed once it is back, against printers emulated
 * under umockdev (printer_fixture.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "printer_fixture.h"

/* --- Unplug and hotplug --- */

static void on_hotplug(void *data, bool arrived,
		       const struct usb_device_info *info)
{
	struct printer_fixture *f = data;

	pthread_mutex_lock(&f->lock);
	if (arrived)
		f->arrivals++;
	else
		f->removals++;
	f->last = *info;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
}

/* Wait until *counter reaches at least target, for at most WAIT_MS. */
static bool wait_news(struct printer_fixture *f, const int *counter, int target,
		      struct usb_device_info *info)
{
	struct timespec deadline;
	bool reached;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&f->lock);
	while (*counter < target) {
		if (pthread_cond_timedwait(&f->changed, &f->lock,
					   &deadline) != 0)
			break;
	}
	reached = *counter >= target;
	*info = f->last;
	pthread_mutex_unlock(&f->lock);
	return reached;
}

struct write_thread {
	struct printer *printer;
	const struct escpos_buf *job;
	int result;
};

static void *write_job_thread(void *data)
{
	struct write_thread *w = data;

	w->result = printer_write_job(w->printer, w->job->data, w->job->len);
	return NULL;
}

static void test_unplug_mid_job_then_arrival(void **state)
{
	struct printer_fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("Epson TM-T20II");
	struct receipt receipt;
	struct escpos_buf job;
	struct write_thread worker;
	struct usb_device_info info;
	pthread_t thread;
	int64_t start;

	printer_fixture_build_receipt(profile, &receipt, &job);
	printer_fixture_open(f, EPSON_SPEC);
	assert_int_equal(usb_watch(f->usb, USB_KIND_PRINTER, on_hotplug, f),
			 USB_OK);

	/* The print worker's job stops after 200 bytes; the printer is
	 * pulled out while the rest waits. */
	mock_printer_stall_after(f->epson, STATUS_ROUND_BYTES + 200);
	worker = (struct write_thread){.printer = f->printer, .job = &job};
	assert_int_equal(pthread_create(&thread, NULL, write_job_thread,
					&worker),
			 0);
	assert_true(mock_printer_wait_wire(f->epson, STATUS_ROUND_BYTES + 200,
					   WAIT_MS));
	start = printer_fixture_now_ms();
	mock_printer_unplug(f->epson);
	pthread_join(thread, NULL);
	assert_true(printer_fixture_now_ms() - start < WAIT_MS);
	assert_int_equal(worker.result, PRINTER_EGONE);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_DISCONNECTED);

	assert_true(wait_news(f, &f->removals, 1, &info));
	assert_int_equal(info.vendor, 0x04b8);
	assert_int_equal(info.product, 0x0e15);
	printer_hotplug(f->printer, false, &info);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_DISCONNECTED);

	/* Kept while unplugged: nothing reaches the printer. */
	mock_printer_resume(f->epson);
	mock_printer_clear(f->epson);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_EGONE);
	assert_int_equal(mock_printer_wire(f->epson, NULL, 0), 0);

	/* Plugged back at a new address, as Linux does it: usblp is bound
	 * again, and the job prints once. */
	mock_printer_plug(f->epson);
	assert_true(wait_news(f, &f->arrivals, 1, &info));
	assert_int_equal(info.vendor, 0x04b8);
	assert_int_equal(info.ep_bulk_out, 0x01);
	assert_int_not_equal(info.address, EPSON_ADDRESS);
	assert_int_equal(info.address, mock_printer_address(f->epson));
	printer_hotplug(f->printer, true, &info);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_non_null(strstr(printer_describe(f->printer),
			       "address 64)"));
	printer_fixture_assert_printed(f->epson, &job);
	printer_fixture_assert_reads_receipt(f->epson, profile, &receipt);
	assert_int_equal(mock_printer_detach_count(f->epson), 2);
	escpos_free(&job);
}

/* A printer absent when the terminal starts is unplugged, not an
 * error, and prints once it arrives. */
static void test_absent_at_start_then_arrival(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;
	struct usb_device_info info;
	struct escpos_buf job;

	printer_fixture_build_text_job(&job, 400);
	assert_int_equal(usb_watch(f->usb, USB_KIND_PRINTER, on_hotplug, f),
			 USB_OK);
	mock_printer_unplug(f->epson);
	assert_true(wait_news(f, &f->removals, 1, &info));

	printer_fixture_open(f, EPSON_SPEC);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_DISCONNECTED);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_EGONE);
	assert_int_equal(status.state, PRINTER_STATE_DISCONNECTED);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_EGONE);
	assert_int_equal(mock_printer_wire(f->epson, NULL, 0), 0);

	mock_printer_plug(f->epson);
	assert_true(wait_news(f, &f->arrivals, 1, &info));
	printer_hotplug(f->printer, true, &info);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	printer_fixture_assert_printed(f->epson, &job);
	escpos_free(&job);
}

/* After unplug and replug the old handle fails with ENODEV for good,
 * and the device is listed at its new address. */
static void test_old_handle_gone_after_replug(void **state)
{
	struct printer_fixture *f = *state;
	const unsigned char data[] = {0x1b, 0x40};
	struct usb_device_info found[2];
	struct usb_device_info info;
	struct usb_handle *old = NULL;
	struct usb_handle *handle = NULL;
	size_t written = 0;

	assert_int_equal(usb_watch(f->usb, USB_KIND_PRINTER, on_hotplug, f),
			 USB_OK);
	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 2);
	assert_int_equal(usb_open(f->usb, &found[0], &old), USB_OK);
	mock_printer_unplug(f->epson);
	assert_true(wait_news(f, &f->removals, 1, &info));
	mock_printer_plug(f->epson);
	assert_true(wait_news(f, &f->arrivals, 1, &info));

	assert_int_equal(usb_bulk_write(old, data, sizeof(data), 500,
					&written),
			 USB_ENODEV);
	assert_int_equal(written, 0);
	assert_int_equal(usb_bulk_write(old, data, sizeof(data), 500,
					&written),
			 USB_ENODEV);
	usb_close(old);

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 2);
	assert_int_equal(found[0].address, GENERIC_ADDRESS);
	assert_int_equal(found[1].address, mock_printer_address(f->epson));
	assert_int_equal(found[1].vendor, 0x04b8);
	assert_int_equal(usb_open(f->usb, &found[1], &handle), USB_OK);
	assert_int_equal(usb_bulk_write(handle, data, sizeof(data), 500,
					&written),
			 USB_OK);
	assert_int_equal(written, sizeof(data));
	usb_close(handle);
}

/* A removal of another printer leaves the connection alone. */
static void test_other_removal_ignored(void **state)
{
	struct printer_fixture *f = *state;
	struct printer_status status;
	struct usb_device_info info;

	printer_fixture_open(f, EPSON_SPEC);
	assert_int_equal(usb_watch(f->usb, USB_KIND_PRINTER, on_hotplug, f),
			 USB_OK);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	mock_printer_unplug(f->generic);
	assert_true(wait_news(f, &f->removals, 1, &info));
	assert_int_equal(info.vendor, 0x0416);
	printer_hotplug(f->printer, false, &info);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_READY);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(mock_printer_detach_count(f->epson), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_unplug_mid_job_then_arrival),
		FIXTURE_TEST(test_absent_at_start_then_arrival),
		FIXTURE_TEST(test_old_handle_gone_after_replug),
		FIXTURE_TEST(test_other_removal_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
