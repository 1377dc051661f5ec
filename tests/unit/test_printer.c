/* Unit tests of the printer interface: device settings, the file backend
 * in a temporary folder, and printer states. */
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
	{"usb", NULL, "usb:04b8:0202", PRINTER_ESPEC, 0},
	{"tcp", NULL, "tcp:127.0.0.1:9100", PRINTER_ESPEC, 0},
	{"no prefix", NULL, "/dev/usb/lp0", PRINTER_ESPEC, 0},
	{"prefix case", NULL, "FILE:/tmp/x", PRINTER_ESPEC, 0},
	{"file without path", NULL, "file:", PRINTER_ESPEC, 0},
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
		result = printer_open(spec, &printer);
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
	char spec[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;
	struct stat st;

	make_path(fixture, "file:", "receipts.bin", spec);
	make_path(fixture, "", "receipts.bin", path);
	assert_int_equal(printer_open(spec, &printer), PRINTER_OK);
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
	char spec[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;

	make_path(fixture, "file:", "receipts.bin", spec);
	make_path(fixture, "", "receipts.bin", path);
	assert_int_equal(printer_open(spec, &printer), PRINTER_OK);
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
	char spec[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;
	FILE *file;

	make_path(fixture, "file:", "receipts.bin", spec);
	make_path(fixture, "", "receipts.bin", path);
	file = fopen(path, "wb");
	assert_non_null(file);
	assert_int_equal(fputs("old", file) >= 0, 1);
	assert_int_equal(fclose(file), 0);

	assert_int_equal(printer_open(spec, &printer), PRINTER_OK);
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
	char spec[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;

	make_path(fixture, "file:", "receipts.bin", spec);
	make_path(fixture, "", "receipts.bin", path);
	assert_int_equal(printer_open(spec, &printer), PRINTER_OK);
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
	char spec[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;

	make_path(fixture, "", "spool", folder);
	make_path(fixture, "file:", "spool/receipts.bin", spec);
	make_path(fixture, "", "spool/receipts.bin", path);
	assert_int_equal(mkdir(folder, 0700), 0);
	assert_int_equal(printer_open(spec, &printer), PRINTER_OK);

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
	char spec[PATH_SIZE];
	char path[PATH_SIZE];
	struct printer *printer;
	unsigned char *big;
	struct stat st;

	make_path(fixture, "file:", "receipts.bin", spec);
	make_path(fixture, "", "receipts.bin", path);
	big = calloc(1, ESCPOS_JOB_MAX + 1);
	assert_non_null(big);
	assert_int_equal(printer_open(spec, &printer), PRINTER_OK);

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
	assert_int_equal(printer_open("none", &printer), PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_NONE);
	assert_int_equal(printer_write_job(printer, job_one, sizeof(job_one)),
			 PRINTER_EOPEN);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_NONE);
	assert_int_equal(printer_write_job(printer, job_one, 0),
			 PRINTER_EINVAL);
	printer_close(printer);

	assert_int_equal(printer_open(NULL, &printer), PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_NONE);
	printer_close(printer);
	assert_int_equal(printer_get_state(NULL), PRINTER_STATE_NONE);
	printer_close(NULL);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(printer_state_name(PRINTER_STATE_READY), "ready");
	assert_string_equal(printer_state_name(PRINTER_STATE_ERROR), "error");
	assert_string_equal(printer_state_name(PRINTER_STATE_NONE), "none");
	assert_string_equal(printer_state_name((enum printer_state)9),
			    "unknown");
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(printer_strerror(PRINTER_OK), "No error");
	assert_non_null(strstr(printer_strerror(PRINTER_ESPEC), "file:PATH"));
	assert_non_null(strstr(printer_strerror(PRINTER_ESPEC), "none"));
	assert_non_null(strstr(printer_strerror(PRINTER_ESPEC),
			       "not supported in this version"));
	assert_non_null(
		strstr(printer_strerror(PRINTER_EOPEN), "[printer] device"));
	assert_non_null(strstr(printer_strerror(PRINTER_EOPEN),
			       "No printer"));
	assert_non_null(strstr(printer_strerror(PRINTER_EWRITE), "again"));
	assert_non_null(strstr(printer_strerror(PRINTER_EINVAL), "empty"));
	assert_string_equal(printer_strerror(-99), "Unknown printer error");
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
		cmocka_unit_test(test_none_rejects_jobs),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
