/* The fixture and the print job helpers of the USB printer tests, on
 * printers emulated under umockdev (mock_printer.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/escpos_decode.h"
#include "printer_fixture.h"
#include "usb_fixture.h"

int printer_fixture_setup(void **state)
{
	struct printer_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->changed, NULL);
	/* The testbed and its devices exist before libusb starts. */
	f->bed = mock_bed_new();
	if (!f->bed)
		return -1;
	f->epson = mock_bed_add(f->bed, &mock_epson_tm_t20ii, EPSON_ADDRESS);
	f->generic = mock_bed_add(f->bed, &mock_generic_58, GENERIC_ADDRESS);
	if (!f->epson || !f->generic)
		return -1;
	if (usb_context_open(&f->usb) != USB_OK)
		return -1;
	*state = f;
	return 0;
}

int printer_fixture_teardown(void **state)
{
	struct printer_fixture *f = *state;

	printer_close(f->printer);
	usb_context_close(f->usb);
	mock_bed_free(f->bed);
	pthread_cond_destroy(&f->changed);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return 0;
}

int64_t printer_fixture_now_ms(void)
{
	return usb_fixture_now_ms();
}

void printer_fixture_open(struct printer_fixture *f, const char *spec)
{
	assert_int_equal(printer_open(spec, f->usb, &f->printer), PRINTER_OK);
	assert_non_null(f->printer);
}

void printer_fixture_build_receipt(const struct escpos_profile *profile,
				   struct receipt *receipt,
				   struct escpos_buf *job)
{
	struct operation op;

	assert_int_equal(receipt_job_operation(&op), 0);
	assert_int_equal(receipt_job_build(&op, profile, receipt, job), 0);
	assert_true(job->len > 256);
}

void printer_fixture_build_text_job(struct escpos_buf *job, size_t len)
{
	char line[33];
	size_t i;

	escpos_init(job);
	escpos_reset(job);
	for (i = 0; job->len + sizeof(line) < len; i++) {
		snprintf(line, sizeof(line), "line %04zu of a long job ....",
			 i);
		escpos_text(job, line);
		escpos_newline(job);
	}
	escpos_cut_partial(job);
	assert_int_equal(job->error, ESCPOS_OK);
}

void printer_fixture_assert_printed(struct mock_printer *mock,
				    const struct escpos_buf *job)
{
	static unsigned char printed[JOB_MAX];
	size_t len = mock_printer_printed(mock, printed, sizeof(printed));

	assert_int_equal(len, job->len);
	assert_memory_equal(printed, job->data, job->len);
}

static size_t count_code_points(const char *text)
{
	size_t count = 0;

	for (; *text; text++) {
		if (((unsigned char)*text & 0xc0) != 0x80)
			count++;
	}
	return count;
}

void printer_fixture_assert_reads_receipt(struct mock_printer *mock,
					  const struct escpos_profile *profile,
					  const struct receipt *receipt)
{
	static unsigned char printed[JOB_MAX];
	size_t len = mock_printer_printed(mock, printed, sizeof(printed));
	struct escpos_decoded decoded;
	size_t i;
	int result;

	memset(&decoded, 0, sizeof(decoded));
	result = escpos_decode(printed, len, profile, &decoded);
	if (result != 0)
		print_error("decode error at %zu: %s\n", decoded.error_offset,
			    decoded.error);
	assert_int_equal(result, 0);
	assert_int_equal(decoded.resets, 1);
	assert_int_equal(decoded.cut_count, 1);
	assert_true(decoded.cuts[0].partial);

	for (i = 0; i < (size_t)receipt->count; i++) {
		const char *text = receipt->lines[i].text;

		if (receipt->lines[i].style == RECEIPT_STYLE_RULE ||
		    text[0] == '\0')
			continue;
		if (escpos_decoded_find(&decoded, text) < 0)
			print_error("line %zu not printed: \"%s\"\n", i,
				    text);
		assert_true(escpos_decoded_find(&decoded, text) >= 0);
	}
	for (i = 0; i < decoded.line_count; i++)
		assert_true(count_code_points(decoded.lines[i].text) <=
			    (size_t)profile->columns);
	assert_true(escpos_decoded_find(&decoded, REFERENCE) >= 0);
	assert_true(escpos_decoded_find(&decoded, "1,234.50") >= 0);
	assert_int_equal(decoded.qr_count, 1);
	assert_string_equal((const char *)decoded.qrs[0].data,
			    VERIFY_URL REFERENCE);
	escpos_decoded_free(&decoded);
}
