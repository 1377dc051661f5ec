/* Unit tests of the printer interface: device settings, DLE EOT status
 * decoding, state names and messages, and the file backend in a temporary
 * folder. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../drivers/escpos.h"
#include "../../drivers/printer.h"

#define PATH_SIZE 512

static const unsigned char job_one[] = {0x1B, 0x40, 'o', 'n', 'e', 0x0A};
static const unsigned char job_two[] = {0x1B, 0x40, 't', 'w', 'o', 0x00,
					0xFF, 0x0A, 0x1D, 0x56, 0x42, 0x03};

/* A temporary folder for one test, removed with everything in it. */
struct fixture {
	char folder[PATH_SIZE];
};

static int setup_folder(void **state)
{
	struct fixture *fixture = calloc(1, sizeof(*fixture));

	if (fixture == NULL)
		return -1;
	strcpy(fixture->folder, "/tmp/test_printer.XXXXXX");
	if (mkdtemp(fixture->folder) == NULL) {
		free(fixture);
		return -1;
	}
	*state = fixture;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_folder(void **state)
{
	struct fixture *fixture = *state;
	int result;

	result = nftw(fixture->folder, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(fixture);
	return result;
}

/* Format "<prefix><folder>/<name>" into out. */
static void make_path(const struct fixture *fixture, const char *prefix,
		      const char *name, char *out)
{
	int len = snprintf(out, PATH_SIZE, "%s%s/%s", prefix, fixture->folder,
			   name);

	assert_true(len > 0 && len < PATH_SIZE);
}

/* Open the file printer "file:<folder>/<name>" and write the file's path
 * into path. */
static struct printer *open_file_printer(const struct fixture *fixture,
					 const char *name, char *path)
{
	char spec[PATH_SIZE];
	struct printer *printer = NULL;

	make_path(fixture, "file:", name, spec);
	make_path(fixture, "", name, path);
	assert_int_equal(printer_open(spec, NULL, &printer), PRINTER_OK);
	return printer;
}

/* Make the folder "<folder>/spool" and open the file printer of
 * spool/receipts.bin in it; folder and path get their paths. */
static struct printer *open_spool_printer(const struct fixture *fixture,
					  char *folder, char *path)
{
	make_path(fixture, "", "spool", folder);
	assert_int_equal(mkdir(folder, 0700), 0);
	return open_file_printer(fixture, "spool/receipts.bin", path);
}

/* Read the file at path into buf and return its length. */
static size_t read_file(const char *path, unsigned char *buf, size_t size)
{
	FILE *file = fopen(path, "rb");
	size_t len;

	assert_non_null(file);
	len = fread(buf, 1, size, file);
	assert_int_equal(ferror(file), 0);
	fclose(file);
	return len;
}

struct spec_case {
	const char *name;
	const char *prefix; /* before the temporary folder, or NULL */
	const char *spec;   /* file name in the folder, or the whole spec */
	int result;
	enum printer_state state;
};

static const struct spec_case spec_cases[] = {
	{"empty", NULL, "", PRINTER_OK, PRINTER_STATE_NONE},
	{"none", NULL, "none", PRINTER_OK, PRINTER_STATE_NONE},
	{"usb without USB", NULL, "usb", PRINTER_ENOUSB, 0},
	{"usb id without USB", NULL, "usb:04b8:0202", PRINTER_ENOUSB, 0},
	{"usb serial without USB", NULL, "usb:04b8:0202:A1", PRINTER_ENOUSB,
	 0},
	{"bad usb id without USB", NULL, "usb:04b8", PRINTER_ESPEC, 0},
	{"tcp with port", NULL, "tcp:127.0.0.1:9100", PRINTER_OK,
	 PRINTER_STATE_DISCONNECTED},
	{"tcp default port", NULL, "tcp:127.0.0.1", PRINTER_OK,
	 PRINTER_STATE_DISCONNECTED},
	{"tcp host name", NULL, "tcp:receipt-1.shop.example:9101", PRINTER_OK,
	 PRINTER_STATE_DISCONNECTED},
	{"tcp IPv6", NULL, "tcp:[::1]:9100", PRINTER_OK,
	 PRINTER_STATE_DISCONNECTED},
	{"tcp IPv6 default port", NULL, "tcp:[fe80::1]", PRINTER_OK,
	 PRINTER_STATE_DISCONNECTED},
	{"tcp without colon", NULL, "tcp", PRINTER_ESPEC, 0},
	{"tcp without host", NULL, "tcp:", PRINTER_ESPEC, 0},
	{"tcp empty host", NULL, "tcp::9100", PRINTER_ESPEC, 0},
	{"tcp empty port", NULL, "tcp:host:", PRINTER_ESPEC, 0},
	{"tcp port 0", NULL, "tcp:host:0", PRINTER_ESPEC, 0},
	{"tcp port too big", NULL, "tcp:host:65536", PRINTER_ESPEC, 0},
	{"tcp port too long", NULL, "tcp:host:000009100", PRINTER_ESPEC, 0},
	{"tcp port not a number", NULL, "tcp:host:lp", PRINTER_ESPEC, 0},
	{"tcp two ports", NULL, "tcp:host:9100:1", PRINTER_ESPEC, 0},
	{"tcp space in host", NULL, "tcp:my host", PRINTER_ESPEC, 0},
	{"tcp IPv6 unclosed", NULL, "tcp:[::1:9100", PRINTER_ESPEC, 0},
	{"tcp IPv6 bad suffix", NULL, "tcp:[::1]9100", PRINTER_ESPEC, 0},
	{"tcp colon outside brackets", NULL, "tcp:::1", PRINTER_ESPEC, 0},
	{"unknown scheme", NULL, "lpt:1", PRINTER_ESPEC, 0},
	{"no prefix", NULL, "/dev/usb/lp0", PRINTER_ESPEC, 0},
	{"prefix case", NULL, "FILE:/tmp/x", PRINTER_ESPEC, 0},
	{"file without path", NULL, "file:", PRINTER_ESPEC, 0},
	{"file without colon", NULL, "file", PRINTER_ESPEC, 0},
	{"missing folder", "file:", "missing/receipts.bin", PRINTER_EOPEN, 0},
	{"path is a folder", "file:", ".", PRINTER_EOPEN, 0},
	{"FIFO without reader", "file:", "fifo", PRINTER_EOPEN, 0},
	{"new file", "file:", "receipts.bin", PRINTER_OK,
	 PRINTER_STATE_READY},
};

static void test_open_specs(void **state)
{
	struct fixture *fixture = *state;
	char fifo[PATH_SIZE];

	make_path(fixture, "", "fifo", fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);

	for (size_t i = 0; i < sizeof(spec_cases) / sizeof(*spec_cases);
	     i++) {
		const struct spec_case *c = &spec_cases[i];
		int result = 0;
		/* Not NULL, so the test checks that printer_open clears it. */
		struct printer *printer = (struct printer *)&result;
		char spec[PATH_SIZE];

		if (c->prefix != NULL)
			make_path(fixture, c->prefix, c->spec, spec);
		else
			snprintf(spec, sizeof(spec), "%s", c->spec);

		print_message("case \"%s\"\n", c->name);
		result = printer_open(spec, NULL, &printer);
		assert_int_equal(result, c->result);
		if (result != PRINTER_OK) {
			assert_null(printer);
			continue;
		}
		assert_non_null(printer);
		assert_int_equal(printer_get_state(printer), c->state);
		printer_close(printer);
	}
}

static void test_open_creates_private_file(void **state)
{
	struct fixture *fixture = *state;
	char path[PATH_SIZE];
	struct printer *printer;
	struct stat st;

	printer = open_file_printer(fixture, "receipts.bin", path);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 0);
	printer_close(printer);
}

static void test_file_appends_jobs(void **state)
{
	struct fixture *fixture = *state;
	unsigned char expected[sizeof(job_one) + sizeof(job_two)];
	unsigned char content[256];
	char path[PATH_SIZE];
	struct printer *printer;

	printer = open_file_printer(fixture, "receipts.bin", path);
	assert_int_equal(printer_write_job(printer, job_one, sizeof(job_one)),
			 PRINTER_OK);
	assert_int_equal(printer_write_job(printer, job_two, sizeof(job_two)),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_READY);
	printer_close(printer);

	memcpy(expected, job_one, sizeof(job_one));
	memcpy(expected + sizeof(job_one), job_two, sizeof(job_two));
	assert_int_equal(read_file(path, content, sizeof(content)),
			 sizeof(expected));
	assert_memory_equal(content, expected, sizeof(expected));
}

static void test_file_keeps_existing_content(void **state)
{
	struct fixture *fixture = *state;
	unsigned char content[256];
	char path[PATH_SIZE];
	struct printer *printer;
	FILE *file;

	make_path(fixture, "", "receipts.bin", path);
	file = fopen(path, "wb");
	assert_non_null(file);
	assert_int_equal(fputs("old", file) >= 0, 1);
	assert_int_equal(fclose(file), 0);

	printer = open_file_printer(fixture, "receipts.bin", path);
	assert_int_equal(printer_write_job(printer, job_one, sizeof(job_one)),
			 PRINTER_OK);
	printer_close(printer);

	assert_int_equal(read_file(path, content, sizeof(content)),
			 3 + sizeof(job_one));
	assert_memory_equal(content, "old", 3);
	assert_memory_equal(content + 3, job_one, sizeof(job_one));
}

static void test_file_recreated_after_delete(void **state)
{
	struct fixture *fixture = *state;
	unsigned char content[256];
	char path[PATH_SIZE];
	struct printer *printer;

	printer = open_file_printer(fixture, "receipts.bin", path);
	assert_int_equal(printer_write_job(printer, job_one, sizeof(job_one)),
			 PRINTER_OK);
	assert_int_equal(unlink(path), 0);

	assert_int_equal(printer_write_job(printer, job_two, sizeof(job_two)),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_READY);
	printer_close(printer);

	assert_int_equal(read_file(path, content, sizeof(content)),
			 sizeof(job_two));
	assert_memory_equal(content, job_two, sizeof(job_two));
}

/* A failed job sets the error state and the next good job clears it. */
static void test_file_error_then_ready(void **state)
{
	struct fixture *fixture = *state;
	char folder[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;

	printer = open_spool_printer(fixture, folder, path);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(folder), 0);
	assert_int_equal(printer_write_job(printer, job_one, sizeof(job_one)),
			 PRINTER_EOPEN);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_ERROR);

	assert_int_equal(mkdir(folder, 0700), 0);
	assert_int_equal(printer_write_job(printer, job_one, sizeof(job_one)),
			 PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_READY);
	printer_close(printer);
}

static void test_file_job_size_limits(void **state)
{
	struct fixture *fixture = *state;
	char path[PATH_SIZE];
	struct printer *printer;
	unsigned char *big;
	struct stat st;

	big = calloc(1, ESCPOS_JOB_MAX + 1);
	assert_non_null(big);
	printer = open_file_printer(fixture, "receipts.bin", path);

	assert_int_equal(printer_write_job(printer, job_one, 0),
			 PRINTER_EINVAL);
	assert_int_equal(printer_write_job(printer, NULL, 4), PRINTER_EINVAL);
	assert_int_equal(printer_write_job(printer, big, ESCPOS_JOB_MAX + 1),
			 PRINTER_EINVAL);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_READY);
	assert_int_equal(printer_write_job(NULL, job_one, sizeof(job_one)),
			 PRINTER_EINVAL);

	assert_int_equal(printer_write_job(printer, big, ESCPOS_JOB_MAX),
			 PRINTER_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, ESCPOS_JOB_MAX);
	printer_close(printer);
	free(big);
}

static void test_none_rejects_jobs(void **state)
{
	struct printer *printer;

	(void)state;
	assert_int_equal(printer_open("none", NULL, &printer), PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_NONE);
	assert_int_equal(printer_write_job(printer, job_one, sizeof(job_one)),
			 PRINTER_EOPEN);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_NONE);
	assert_int_equal(printer_write_job(printer, job_one, 0),
			 PRINTER_EINVAL);
	printer_close(printer);

	assert_int_equal(printer_open(NULL, NULL, &printer), PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_NONE);
	printer_close(printer);
	assert_int_equal(printer_get_state(NULL), PRINTER_STATE_NONE);
	printer_close(NULL);
}

/* A file printer is ready while its file can be opened. */
static void test_file_status(void **state)
{
	struct fixture *fixture = *state;
	struct printer_status status;
	char folder[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;

	printer = open_spool_printer(fixture, folder, path);

	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_int_equal(printer_query_status(printer, NULL), PRINTER_OK);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(folder), 0);
	assert_int_equal(printer_query_status(printer, &status),
			 PRINTER_EOPEN);
	assert_int_equal(status.state, PRINTER_STATE_ERROR);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_ERROR);

	/* A file has no connection to drop: disconnect keeps the state. */
	printer_disconnect(printer);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_ERROR);
	printer_close(printer);
}

static void test_none_status(void **state)
{
	struct printer_status status;
	struct printer *printer;

	(void)state;
	assert_int_equal(printer_open("none", NULL, &printer), PRINTER_OK);
	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_NONE);
	printer_disconnect(printer);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_NONE);
	assert_false(printer_is_usb(printer));
	assert_null(printer_model(printer));
	assert_string_equal(printer_describe(printer), "none");
	printer_close(printer);
	assert_int_equal(printer_query_status(NULL, &status), PRINTER_EINVAL);
}

struct describe_case {
	const char *spec;
	const char *description;
};

static const struct describe_case describe_cases[] = {
	{"tcp:127.0.0.1", "TCP 127.0.0.1:9100"},
	{"tcp:receipts.example:9101", "TCP receipts.example:9101"},
	{"tcp:[::1]:9102", "TCP [::1]:9102"},
	{"tcp:[::1]", "TCP [::1]:9100"},
};

static void test_describe_tcp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(describe_cases) / sizeof(*describe_cases);
	     i++) {
		const struct describe_case *c = &describe_cases[i];
		struct printer *printer;

		print_message("case \"%s\"\n", c->spec);
		assert_int_equal(printer_open(c->spec, NULL, &printer),
				 PRINTER_OK);
		assert_string_equal(printer_describe(printer),
				    c->description);
		assert_false(printer_is_usb(printer));
		assert_null(printer_model(printer));
		printer_close(printer);
	}
}

static void test_describe_file(void **state)
{
	struct fixture *fixture = *state;
	char expected[PATH_SIZE];
	char spec[PATH_SIZE];
	struct printer *printer;

	make_path(fixture, "file:", "receipts.bin", spec);
	make_path(fixture, "File ", "receipts.bin", expected);
	assert_int_equal(printer_open(spec, NULL, &printer), PRINTER_OK);
	assert_string_equal(printer_describe(printer), expected);
	assert_false(printer_is_usb(printer));
	assert_null(printer_model(printer));
	printer_close(printer);
}

/* Hotplug news is only for USB printers; the others ignore it. */
static void test_hotplug_ignored_by_tcp(void **state)
{
	struct usb_device_info info = {.vendor = 0x04b8, .product = 0x0e15};
	struct printer *printer;

	(void)state;
	assert_int_equal(printer_open("tcp:127.0.0.1:9", NULL, &printer),
			 PRINTER_OK);
	printer_hotplug(printer, false, &info);
	assert_int_equal(printer_get_state(printer),
			 PRINTER_STATE_DISCONNECTED);
	printer_hotplug(printer, true, &info);
	assert_int_equal(printer_get_state(printer),
			 PRINTER_STATE_DISCONNECTED);
	printer_hotplug(NULL, true, &info);
	printer_close(printer);
}

struct decode_case {
	const char *name;
	unsigned char reply[4]; /* DLE EOT 1, 2, 3, 4 */
	int result;
	enum printer_state state;
	bool drawer_open;
	bool paper_low;
};

static const struct decode_case decode_cases[] = {
	{"ready", {0x12, 0x12, 0x12, 0x12}, PRINTER_OK, PRINTER_STATE_READY,
	 false, false},
	{"drawer open", {0x16, 0x12, 0x12, 0x12}, PRINTER_OK,
	 PRINTER_STATE_READY, true, false},
	{"near end", {0x12, 0x12, 0x12, 0x1E}, PRINTER_OK,
	 PRINTER_STATE_PAPER_LOW, false, true},
	{"near end first sensor", {0x12, 0x12, 0x12, 0x16}, PRINTER_OK,
	 PRINTER_STATE_PAPER_LOW, false, true},
	{"near end second sensor", {0x12, 0x12, 0x12, 0x1A}, PRINTER_OK,
	 PRINTER_STATE_PAPER_LOW, false, true},
	{"paper end", {0x1A, 0x32, 0x12, 0x7E}, PRINTER_OK,
	 PRINTER_STATE_PAPER_OUT, false, true},
	{"paper end bit 5 only", {0x1A, 0x32, 0x12, 0x32}, PRINTER_OK,
	 PRINTER_STATE_PAPER_OUT, false, false},
	{"paper end bit 6 only", {0x1A, 0x12, 0x12, 0x52}, PRINTER_OK,
	 PRINTER_STATE_PAPER_OUT, false, false},
	{"paper end stop only", {0x1A, 0x32, 0x12, 0x12}, PRINTER_OK,
	 PRINTER_STATE_PAPER_OUT, false, false},
	{"cover open", {0x1A, 0x16, 0x12, 0x12}, PRINTER_OK,
	 PRINTER_STATE_COVER_OPEN, false, false},
	{"cover open and paper end", {0x1A, 0x36, 0x12, 0x7E}, PRINTER_OK,
	 PRINTER_STATE_COVER_OPEN, false, true},
	{"cover open and error", {0x1A, 0x56, 0x52, 0x12}, PRINTER_OK,
	 PRINTER_STATE_COVER_OPEN, false, false},
	{"recoverable error", {0x1A, 0x52, 0x16, 0x12}, PRINTER_OK,
	 PRINTER_STATE_ERROR, false, false},
	{"cutter error", {0x1A, 0x52, 0x1A, 0x12}, PRINTER_OK,
	 PRINTER_STATE_ERROR, false, false},
	{"unrecoverable error", {0x1A, 0x52, 0x32, 0x12}, PRINTER_OK,
	 PRINTER_STATE_ERROR, false, false},
	{"auto-recoverable error", {0x1A, 0x52, 0x52, 0x12}, PRINTER_OK,
	 PRINTER_STATE_ERROR, false, false},
	{"error bit without cause", {0x1A, 0x52, 0x12, 0x12}, PRINTER_OK,
	 PRINTER_STATE_ERROR, false, false},
	{"error cause while online", {0x12, 0x12, 0x1A, 0x12}, PRINTER_OK,
	 PRINTER_STATE_ERROR, false, false},
	{"error and near end", {0x1A, 0x52, 0x1A, 0x1E}, PRINTER_OK,
	 PRINTER_STATE_ERROR, false, true},
	{"paper end and error", {0x1A, 0x72, 0x1A, 0x7E}, PRINTER_OK,
	 PRINTER_STATE_PAPER_OUT, false, true},
	{"offline without cause", {0x1A, 0x12, 0x12, 0x12}, PRINTER_OK,
	 PRINTER_STATE_OFFLINE, false, false},
	{"offline feed button", {0x1A, 0x1A, 0x12, 0x12}, PRINTER_OK,
	 PRINTER_STATE_OFFLINE, false, false},
	{"offline and near end", {0x1A, 0x12, 0x12, 0x1E}, PRINTER_OK,
	 PRINTER_STATE_OFFLINE, false, true},
	{"offline and drawer open", {0x1E, 0x12, 0x12, 0x12}, PRINTER_OK,
	 PRINTER_STATE_OFFLINE, true, false},
	{"zero byte", {0x00, 0x12, 0x12, 0x12}, PRINTER_ENOSTATUS,
	 PRINTER_STATE_OFFLINE, false, false},
	{"bit 0 set", {0x12, 0x13, 0x12, 0x12}, PRINTER_ENOSTATUS,
	 PRINTER_STATE_OFFLINE, false, false},
	{"bit 1 clear", {0x12, 0x12, 0x10, 0x12}, PRINTER_ENOSTATUS,
	 PRINTER_STATE_OFFLINE, false, false},
	{"bit 4 clear", {0x12, 0x12, 0x12, 0x02}, PRINTER_ENOSTATUS,
	 PRINTER_STATE_OFFLINE, false, false},
	{"bit 7 set", {0x12, 0x12, 0x12, 0x92}, PRINTER_ENOSTATUS,
	 PRINTER_STATE_OFFLINE, false, false},
	{"all bits set", {0xFF, 0xFF, 0xFF, 0xFF}, PRINTER_ENOSTATUS,
	 PRINTER_STATE_OFFLINE, false, false},
};

static void test_status_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(decode_cases) / sizeof(*decode_cases);
	     i++) {
		const struct decode_case *c = &decode_cases[i];
		struct printer_status status;

		memset(&status, 0xA5, sizeof(status));
		print_message("case \"%s\"\n", c->name);
		assert_int_equal(printer_status_decode(c->reply, &status),
				 c->result);
		assert_int_equal(status.state, c->state);
		assert_int_equal(status.drawer_open, c->drawer_open);
		assert_int_equal(status.paper_low, c->paper_low);
		assert_memory_equal(status.raw, c->reply, 4);
	}
}

struct name_case {
	enum printer_state state;
	const char *name;
};

static const struct name_case name_cases[] = {
	{PRINTER_STATE_READY, "ready"},
	{PRINTER_STATE_ERROR, "error"},
	{PRINTER_STATE_NONE, "none"},
	{PRINTER_STATE_PAPER_LOW, "paper low"},
	{PRINTER_STATE_PAPER_OUT, "paper out"},
	{PRINTER_STATE_COVER_OPEN, "cover open"},
	{PRINTER_STATE_OFFLINE, "offline"},
	{PRINTER_STATE_DISCONNECTED, "unplugged"},
	{(enum printer_state)8, "unknown"},
	{(enum printer_state)-1, "unknown"},
};

static void test_state_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(name_cases) / sizeof(*name_cases);
	     i++) {
		assert_string_equal(printer_state_name(name_cases[i].state),
				    name_cases[i].name);
	}
}

struct message_case {
	int error;
	const char *part; /* text the message must contain */
};

static const struct message_case message_cases[] = {
	{PRINTER_ESPEC, "[printer] device"},
	{PRINTER_ESPEC, "file:PATH"},
	{PRINTER_ESPEC, "tcp:HOST[:PORT]"},
	{PRINTER_ESPEC, "usb:VVVV:PPPP"},
	{PRINTER_EOPEN, "No printer"},
	{PRINTER_EOPEN, "[printer] device"},
	{PRINTER_EWRITE, "print again"},
	{PRINTER_EINVAL, "empty"},
	{PRINTER_ETIMEOUT, "stopped taking the job"},
	{PRINTER_EGONE, "plug the printer in or check its cable"},
	{PRINTER_EACCESS, "drivers/60-spotagent.rules"},
	{PRINTER_ENOTREADY, "load paper"},
	{PRINTER_ENOTREADY, "close the printer cover"},
	{PRINTER_ENOSTATUS, "status"},
	{PRINTER_EBUSY, "Another program"},
	{PRINTER_ENOUSB, "USB could not be started"},
};

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(printer_strerror(PRINTER_OK), "No error");
	for (size_t i = 0; i < sizeof(message_cases) / sizeof(*message_cases);
	     i++) {
		const struct message_case *c = &message_cases[i];

		print_message("error %d: \"%s\"\n", c->error, c->part);
		assert_non_null(strstr(printer_strerror(c->error), c->part));
	}
	for (int error = PRINTER_EBUSY; error <= PRINTER_OK; error++) {
		assert_string_not_equal(printer_strerror(error),
					"Unknown printer error");
	}
	assert_string_equal(printer_strerror(-99), "Unknown printer error");
	assert_string_equal(printer_strerror(1), "Unknown printer error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_specs, setup_folder,
						teardown_folder),
		cmocka_unit_test_setup_teardown(test_open_creates_private_file,
						setup_folder, teardown_folder),
		cmocka_unit_test_setup_teardown(test_file_appends_jobs,
						setup_folder, teardown_folder),
		cmocka_unit_test_setup_teardown(
			test_file_keeps_existing_content, setup_folder,
			teardown_folder),
		cmocka_unit_test_setup_teardown(
			test_file_recreated_after_delete, setup_folder,
			teardown_folder),
		cmocka_unit_test_setup_teardown(test_file_error_then_ready,
						setup_folder, teardown_folder),
		cmocka_unit_test_setup_teardown(test_file_job_size_limits,
						setup_folder, teardown_folder),
		cmocka_unit_test_setup_teardown(test_file_status, setup_folder,
						teardown_folder),
		cmocka_unit_test_setup_teardown(test_describe_file,
						setup_folder, teardown_folder),
		cmocka_unit_test(test_none_rejects_jobs),
		cmocka_unit_test(test_none_status),
		cmocka_unit_test(test_describe_tcp),
		cmocka_unit_test(test_hotplug_ignored_by_tcp),
		cmocka_unit_test(test_status_decode),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
