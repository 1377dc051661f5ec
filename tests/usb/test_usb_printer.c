/* USB printer tests: the real USB layer and printer driver on libusb,
 * against printers emulated under umockdev (mock_printer.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../app/receipt.h"
#include "../../drivers/escpos.h"
#include "../../drivers/printer.h"
#include "../../drivers/usb.h"
#include "../support/escpos_decode.h"
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

struct fixture {
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

/* --- Set-up --- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

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

static int teardown(void **state)
{
	struct fixture *f = *state;

	printer_close(f->printer);
	usb_context_close(f->usb);
	mock_bed_free(f->bed);
	pthread_cond_destroy(&f->changed);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void open_printer(struct fixture *f, const char *spec)
{
	assert_int_equal(printer_open(spec, f->usb, &f->printer), PRINTER_OK);
	assert_non_null(f->printer);
}

/* --- Print jobs --- */

/* Lay out and encode the receipt for a profile; *receipt keeps the
 * layout for the checks. */
static void build_receipt(const struct escpos_profile *profile,
			  struct receipt *receipt, struct escpos_buf *job)
{
	struct operation op;

	assert_int_equal(receipt_job_operation(&op), 0);
	assert_int_equal(receipt_job_build(&op, profile, receipt, job), 0);
	assert_true(job->len > 256);
}

/* A job of len bytes of printable text, for tests that only count
 * bytes. */
static void build_text_job(struct escpos_buf *job, size_t len)
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

/* Assert that the printer's print data is exactly the job. */
static void assert_printed(struct mock_printer *mock,
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

/* Assert that the customer reads every line of the layout, no line
 * wider than the paper. */
static void assert_reads_receipt(struct mock_printer *mock,
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
	struct fixture *f = *state;
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
	struct fixture *f = *state;
	struct usb_device_info found[4];

	assert_int_equal(usb_list(f->usb, USB_KIND_CCID | USB_KIND_HID,
				  found, 4),
			 0);
}

static void test_list_max_counts_all(void **state)
{
	struct fixture *f = *state;
	struct usb_device_info found[1];

	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 1), 2);
	assert_int_equal(found[0].vendor, 0x04b8);
}

static void test_open_detaches_usblp(void **state)
{
	struct fixture *f = *state;
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
	struct fixture *f = *state;
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
	struct fixture *f = *state;
	struct printer_status status;

	open_printer(f, EPSON_SPEC);
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
	struct fixture *f = *state;
	struct usb_device_info found[2];
	struct usb_handle *handle = NULL;
	char node[512];
	int open_result;
	int write_result;
	unsigned char job[] = {0x1b, 0x40, 'x', '\n'};

	snprintf(node, sizeof(node), "%s%s", mock_bed_root(f->bed),
		 mock_printer_devnode(f->epson));
	assert_int_equal(usb_list(f->usb, USB_KIND_PRINTER, found, 2), 2);
	open_printer(f, EPSON_SPEC);

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
	struct fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("Epson TM-T20II");
	struct receipt receipt;
	struct escpos_buf job;
	struct escpos_decoded decoded;

	assert_non_null(profile);
	build_receipt(profile, &receipt, &job);
	open_printer(f, EPSON_SPEC);

	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_READY);
	assert_printed(f->epson, &job);
	assert_reads_receipt(f->epson, profile, &receipt);

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
	struct fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("generic-58");
	struct receipt receipt;
	struct escpos_buf job;
	char printable[64];

	assert_non_null(profile);
	build_receipt(profile, &receipt, &job);
	open_printer(f, GENERIC_SPEC);

	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_printed(f->generic, &job);
	assert_reads_receipt(f->generic, profile, &receipt);

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
	struct fixture *f = *state;
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
	open_printer(f, EPSON_SPEC);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_printed(f->epson, &job);

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

/* --- Status --- */

struct status_case {
	enum mock_condition condition;
	bool drawer_open;
	enum printer_state state;
	bool paper_low;
};

static const struct status_case status_cases[] = {
	{MOCK_READY, false, PRINTER_STATE_READY, false},
	{MOCK_READY, true, PRINTER_STATE_READY, false},
	{MOCK_PAPER_LOW, false, PRINTER_STATE_PAPER_LOW, true},
	{MOCK_PAPER_OUT, false, PRINTER_STATE_PAPER_OUT, true},
	{MOCK_COVER_OPEN, false, PRINTER_STATE_COVER_OPEN, false},
	{MOCK_OFFLINE, false, PRINTER_STATE_OFFLINE, false},
	{MOCK_ERROR, false, PRINTER_STATE_ERROR, false},
};

static void test_status_each_condition(void **state)
{
	struct fixture *f = *state;
	size_t i;

	open_printer(f, EPSON_SPEC);
	for (i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]);
	     i++) {
		const struct status_case *c = &status_cases[i];
		struct printer_status status;
		unsigned char raw[4];

		mock_condition_replies(c->condition, raw);
		if (c->drawer_open)
			raw[0] |= 0x04;
		mock_printer_set_condition(f->epson, c->condition);
		mock_printer_set_drawer_open(f->epson, c->drawer_open);
		print_message("case %zu: %s\n", i,
			      printer_state_name(c->state));

		assert_int_equal(printer_query_status(f->printer, &status),
				 PRINTER_OK);
		assert_int_equal(status.state, c->state);
		assert_int_equal(status.paper_low, c->paper_low);
		assert_int_equal(status.drawer_open, c->drawer_open);
		assert_memory_equal(status.raw, raw, 4);
		assert_int_equal(printer_get_state(f->printer), c->state);
		/* One query each of DLE EOT 1, 2, 3 and 4 per round. */
		assert_int_equal(mock_printer_query_count(f->epson),
				 4 * (int)(i + 1));
	}
}

static void test_status_malformed_reply(void **state)
{
	struct fixture *f = *state;
	const unsigned char garbage[4] = {0xff, 0x00, 0x12, 0x12};
	struct printer_status status;

	open_printer(f, EPSON_SPEC);
	mock_printer_set_replies(f->epson, garbage);
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);

	mock_printer_set_condition(f->epson, MOCK_READY);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
}

static void test_job_not_sent_when_not_ready(void **state)
{
	struct fixture *f = *state;
	struct escpos_buf job;

	build_text_job(&job, 600);
	open_printer(f, EPSON_SPEC);
	mock_printer_set_condition(f->epson, MOCK_COVER_OPEN);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ENOTREADY);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_COVER_OPEN);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 0);
	escpos_free(&job);
}

/* An earlier round's replies, held back by the printer, arrive with the
 * next round's first query and must not be taken for its reply. */
static void test_late_reply_with_next_query(void **state)
{
	struct fixture *f = *state;
	struct printer_status status;
	const unsigned char ready[4] = {0x12, 0x12, 0x12, 0x12};
	int64_t start;

	open_printer(f, EPSON_SPEC);
	mock_printer_set_condition(f->epson, MOCK_COVER_OPEN);
	mock_printer_set_late(f->epson, true);
	start = now_ms();
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_true(now_ms() - start < 4 * PRINTER_STATUS_TIMEOUT_MS + 500);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);

	mock_printer_set_condition(f->epson, MOCK_READY);
	mock_printer_set_late(f->epson, false);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_memory_equal(status.raw, ready, 4);

	/* And the round after reads its own replies again. */
	mock_printer_set_condition(f->epson, MOCK_PAPER_LOW);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_PAPER_LOW);
}

/* The late replies are already waiting on bulk IN before the next round
 * starts: they are drained, not read as the reply. */
static void test_late_reply_waiting(void **state)
{
	struct fixture *f = *state;
	struct printer_status status;

	open_printer(f, EPSON_SPEC);
	mock_printer_set_condition(f->epson, MOCK_PAPER_OUT);
	mock_printer_set_late(f->epson, true);
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);

	mock_printer_set_condition(f->epson, MOCK_READY);
	mock_printer_release_late(f->epson);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
}

/* --- Write timeout --- */

static void check_write_timeout(struct fixture *f, int timeout_ms)
{
	struct escpos_buf job;
	struct escpos_buf next;
	int64_t start;
	int64_t elapsed;

	build_text_job(&job, 2000);
	build_text_job(&next, 300);
	open_printer(f, EPSON_SPEC);
	if (timeout_ms != PRINTER_WRITE_TIMEOUT_MS)
		printer_set_timeouts(f->printer, timeout_ms, 0);

	/* Take the status round before the job and 64 bytes of the job,
	 * then nothing more. */
	mock_printer_stall_after(f->epson, STATUS_ROUND_BYTES + 64);
	start = now_ms();
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ETIMEOUT);
	elapsed = now_ms() - start;
	print_message("write timed out after %lld ms\n", (long long)elapsed);
	assert_true(elapsed >= timeout_ms - 50);
	assert_true(elapsed < timeout_ms + 1500);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_OFFLINE);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 64);

	/* The printer takes data again: the next job goes out whole and
	 * nothing of the held one follows it. */
	mock_printer_resume(f->epson);
	mock_printer_clear(f->epson);
	assert_int_equal(printer_write_job(f->printer, next.data, next.len),
			 PRINTER_OK);
	assert_printed(f->epson, &next);
	escpos_free(&job);
	escpos_free(&next);
}

static void test_write_timeout_short(void **state)
{
	check_write_timeout(*state, 400);
}

static void test_write_timeout_default(void **state)
{
	check_write_timeout(*state, PRINTER_WRITE_TIMEOUT_MS);
}

/* --- Endpoint stalls --- */

static void test_write_stall_cleared(void **state)
{
	struct fixture *f = *state;
	struct escpos_buf job;

	build_text_job(&job, 500);
	open_printer(f, EPSON_SPEC);
	/* Bulk OUT stalls 100 bytes into the job. */
	mock_printer_halt_out_after(f->epson, STATUS_ROUND_BYTES + 100);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_EWRITE);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_ERROR);
	assert_int_equal(mock_printer_halt_clears(f->epson), 1);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 100);

	/* The halt was cleared, so the next try prints the job whole. */
	mock_printer_clear(f->epson);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_printed(f->epson, &job);
	escpos_free(&job);
}

static void test_status_stall_cleared(void **state)
{
	struct fixture *f = *state;
	struct printer_status status;

	open_printer(f, EPSON_SPEC);
	mock_printer_halt_in(f->epson);
	assert_true(printer_query_status(f->printer, &status) < 0);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);
	assert_int_equal(mock_printer_halt_clears(f->epson), 1);

	mock_printer_set_condition(f->epson, MOCK_PAPER_LOW);
	assert_int_equal(printer_query_status(f->printer, &status),
			 PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_PAPER_LOW);
}

/* --- Paper out mid-job --- */

static void test_paper_out_mid_job(void **state)
{
	struct fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("Epson TM-T20II");
	struct receipt receipt;
	struct escpos_buf job;

	build_receipt(profile, &receipt, &job);
	open_printer(f, EPSON_SPEC);
	mock_printer_paper_out_after(f->epson, 100);

	/* The printer took the job but ran out of paper: not done. */
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ENOTREADY);
	assert_int_equal(printer_get_state(f->printer),
			 PRINTER_STATE_PAPER_OUT);

	/* Kept: a retry while the paper is out sends nothing. */
	mock_printer_clear(f->epson);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_ENOTREADY);
	assert_int_equal(mock_printer_printed(f->epson, NULL, 0), 0);

	/* Paper loaded: the kept job prints once, whole. */
	mock_printer_set_condition(f->epson, MOCK_READY);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(f->printer), PRINTER_STATE_READY);
	assert_printed(f->epson, &job);
	assert_reads_receipt(f->epson, profile, &receipt);
	escpos_free(&job);
}

/* --- Unplug and hotplug --- */

static void on_hotplug(void *data, bool arrived,
		       const struct usb_device_info *info)
{
	struct fixture *f = data;

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
static bool wait_news(struct fixture *f, const int *counter, int target,
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
	struct fixture *f = *state;
	const struct escpos_profile *profile =
		escpos_profile_find("Epson TM-T20II");
	struct receipt receipt;
	struct escpos_buf job;
	struct write_thread worker;
	struct usb_device_info info;
	pthread_t thread;
	int64_t start;

	build_receipt(profile, &receipt, &job);
	open_printer(f, EPSON_SPEC);
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
	start = now_ms();
	mock_printer_unplug(f->epson);
	pthread_join(thread, NULL);
	assert_true(now_ms() - start < WAIT_MS);
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

	/* Plugged back: usblp is bound again, and the job prints once. */
	mock_printer_plug(f->epson);
	assert_true(wait_news(f, &f->arrivals, 1, &info));
	assert_int_equal(info.vendor, 0x04b8);
	assert_int_equal(info.ep_bulk_out, 0x01);
	printer_hotplug(f->printer, true, &info);
	assert_int_equal(printer_write_job(f->printer, job.data, job.len),
			 PRINTER_OK);
	assert_printed(f->epson, &job);
	assert_reads_receipt(f->epson, profile, &receipt);
	assert_int_equal(mock_printer_detach_count(f->epson), 2);
	escpos_free(&job);
}

/* A printer absent when the terminal starts is unplugged, not an
 * error, and prints once it arrives. */
static void test_absent_at_start_then_arrival(void **state)
{
	struct fixture *f = *state;
	struct printer_status status;
	struct usb_device_info info;
	struct escpos_buf job;

	build_text_job(&job, 400);
	assert_int_equal(usb_watch(f->usb, USB_KIND_PRINTER, on_hotplug, f),
			 USB_OK);
	mock_printer_unplug(f->epson);
	assert_true(wait_news(f, &f->removals, 1, &info));

	open_printer(f, EPSON_SPEC);
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
	assert_printed(f->epson, &job);
	escpos_free(&job);
}

/* A removal of another printer leaves the connection alone. */
static void test_other_removal_ignored(void **state)
{
	struct fixture *f = *state;
	struct printer_status status;
	struct usb_device_info info;

	open_printer(f, EPSON_SPEC);
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

#define FIXTURE_TEST(name) cmocka_unit_test_setup_teardown(name, setup, \
							   teardown)

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
		FIXTURE_TEST(test_status_each_condition),
		FIXTURE_TEST(test_status_malformed_reply),
		FIXTURE_TEST(test_job_not_sent_when_not_ready),
		FIXTURE_TEST(test_late_reply_with_next_query),
		FIXTURE_TEST(test_late_reply_waiting),
		FIXTURE_TEST(test_write_timeout_short),
		FIXTURE_TEST(test_write_timeout_default),
		FIXTURE_TEST(test_write_stall_cleared),
		FIXTURE_TEST(test_status_stall_cleared),
		FIXTURE_TEST(test_paper_out_mid_job),
		FIXTURE_TEST(test_unplug_mid_job_then_arrival),
		FIXTURE_TEST(test_absent_at_start_then_arrival),
		FIXTURE_TEST(test_other_removal_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
