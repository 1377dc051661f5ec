/* The fixture of the USB printer tests: an Epson TM-T20II and a generic
 * 58 mm printer under umockdev, the USB layer on them, and the print job
 * builders and checks that the test programs share. */
#ifndef SPOTAGENT_TESTS_PRINTER_FIXTURE_H
#define SPOTAGENT_TESTS_PRINTER_FIXTURE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../../app/receipt.h"
#include "../../drivers/escpos.h"
#include "../../drivers/printer.h"
#include "../../drivers/usb.h"
#include "mock_printer.h"
#include "receipt_job.h"

#define EPSON_SPEC "usb:04b8:0e15"
#define GENERIC_SPEC "usb:0416:5011"
#define EPSON_ADDRESS 2
#define GENERIC_ADDRESS 3
/* Every wait on the event thread or a worker ends by itself. */
#define WAIT_MS 3000
#define JOB_MAX (64 * 1024)
/* Bytes of one status round: DLE EOT 1, 2, 3 and 4. */
#define STATUS_ROUND_BYTES 12

#define REFERENCE RECEIPT_JOB_REFERENCE
#define AGENT_NAME RECEIPT_JOB_AGENT
#define VERIFY_URL RECEIPT_JOB_VERIFY_URL

struct printer_fixture {
	struct mock_bed *bed;
	struct mock_printer *epson;
	struct mock_printer *generic;
	struct usb_context *usb;
	struct printer *printer;

	/* Hotplug news from the USB event thread. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int arrivals;
	int removals;
	struct usb_device_info last;
};

/* Make the testbed with both printers plugged in, open the USB context
 * and store the new fixture in *state, as a cmocka setup does. Returns 0,
 * or -1 when the testbed or libusb cannot start. */
int printer_fixture_setup(void **state);

/* Close the fixture's printer, the USB context and the testbed, and free
 * the fixture. Returns 0, as a cmocka teardown. */
int printer_fixture_teardown(void **state);

#define FIXTURE_TEST(name) \
	cmocka_unit_test_setup_teardown(name, printer_fixture_setup, \
					printer_fixture_teardown)

/* Return CLOCK_MONOTONIC in milliseconds. */
int64_t printer_fixture_now_ms(void);

/* Open the printer of spec into f->printer, which teardown closes. */
void printer_fixture_open(struct printer_fixture *f, const char *spec);

/* Lay out the receipt for a profile into *receipt, which the checks
 * compare with, and encode it into job, which the caller frees with
 * escpos_free. */
void printer_fixture_build_receipt(const struct escpos_profile *profile,
				   struct receipt *receipt,
				   struct escpos_buf *job);

/* Fill job with lines of printable text and a cut, a little under len
 * bytes in all, for tests that only count bytes. The caller frees job
 * with escpos_free. */
void printer_fixture_build_text_job(struct escpos_buf *job, size_t len);

/* Assert that the printer's print data is exactly the job. */
void printer_fixture_assert_printed(struct mock_printer *mock,
				    const struct escpos_buf *job);

/* Assert that the customer reads every line of the layout, no line
 * wider than the paper. */
void printer_fixture_assert_reads_receipt(struct mock_printer *mock,
					  const struct escpos_profile *profile,
					  const struct receipt *receipt);

#endif
