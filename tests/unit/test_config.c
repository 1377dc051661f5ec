/* Unit tests of the configuration loader: a valid file, defaults, path
 * resolution, and a table of bad files whose messages must name the
 * setting and the file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../app/config.h"
#include "../../app/log.h"
#include "../../offline/journal.h"

/* The TLS files must parse, so the fixture copies the build's test
 * certificates (made by `make certs`) into its folder. cert_file is given
 * as an absolute path by the fixture to test both forms. */
static const char valid_format[] =
	"[central]\n"
	"url = https://localhost:8443\n"
	"ca_file = ca.pem\n"
	"cert_file = %s/terminal.pem\n"
	"key_file = terminal.key\n"
	"[terminal]\n"
	"id = T0001\n"
	"currency = GHS\n"
	"[journal]\n"
	"path = journal.db\n";

static const char *const certificate_copies[][2] = {
	{ "build/certs/ca.pem", "ca.pem" },
	{ "build/certs/client-T0001.pem", "terminal.pem" },
	{ "build/certs/client-T0001.key", "terminal.key" },
};

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 32];
	char valid[PATH_MAX + sizeof(valid_format)];
};

static void copy_file(const char *from, const char *dir, const char *name)
{
	char to[PATH_MAX + 64];
	char buffer[4096];
	FILE *in = fopen(from, "rb");
	FILE *out;
	size_t got;

	if (in == NULL)
		fail_msg("%s is missing; run make certs", from);
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	out = fopen(to, "wb");
	assert_non_null(out);
	while ((got = fread(buffer, 1, sizeof(buffer), in)) > 0)
		assert_int_equal(fwrite(buffer, 1, got, out), got);
	fclose(in);
	fclose(out);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char made[] = "/tmp/spotagent-config-XXXXXX";

	assert_non_null(f);
	assert_non_null(mkdtemp(made));
	/* The loader resolves the folder through symbolic links. */
	assert_non_null(realpath(made, f->dir));
	snprintf(f->path, sizeof(f->path), "%s/spotagent.conf", f->dir);
	snprintf(f->valid, sizeof(f->valid), valid_format, f->dir);
	for (size_t i = 0; i < 3; i++)
		copy_file(certificate_copies[i][0], f->dir,
			  certificate_copies[i][1]);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	char path[PATH_MAX + 64];

	unlink(f->path);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir,
			 certificate_copies[i][1]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const struct fixture *f, const char *text,
		       const char *extra)
{
	FILE *file = fopen(f->path, "w");

	assert_non_null(file);
	fputs(text, file);
	fputs(extra, file);
	fclose(file);
}

static void test_valid_file_and_defaults(void **state)
{
	struct fixture *f = *state;
	struct config config;
	char error[512] = "";
	char expected[PATH_MAX + 32];

	write_file(f, f->valid, "");
	assert_int_equal(config_load(f->path, &config, error, sizeof(error)),
			 0);
	assert_string_equal(config.url, "https://localhost:8443");
	snprintf(expected, sizeof(expected), "%s/ca.pem", f->dir);
	assert_string_equal(config.ca_file, expected);
	snprintf(expected, sizeof(expected), "%s/terminal.pem", f->dir);
	assert_string_equal(config.cert_file, expected);
	snprintf(expected, sizeof(expected), "%s/journal.db", f->dir);
	assert_string_equal(config.journal_path, expected);
	assert_string_equal(config.terminal_id, "T0001");
	assert_string_equal(config.currency, "GHS");
	assert_string_equal(config.printer, "none");
	assert_string_equal(config.log_target, "syslog");
	assert_int_equal(config.log_level, LOG_LEVEL_INFO);
	assert_int_equal(config.paper_columns, 48);
	assert_int_equal(config.connect_timeout, 10);
	assert_int_equal(config.request_timeout, 30);
	assert_int_equal(config.retry_min, 2);
	assert_int_equal(config.retry_max, 300);
	assert_string_equal(config.printer_profile, "auto");
	assert_int_equal(config.drawer, CONFIG_DRAWER_NONE);
	assert_int_equal(config.drawer_on_ms, 100);
	assert_int_equal(config.drawer_off_ms, 200);
	assert_int_equal(config.qr, 1);
	assert_int_equal(config.barcode, 0);
	assert_string_equal(config.verify_url, "");
	assert_int_equal(config.card_reader, CONFIG_CARD_READER_AUTO);
	assert_string_equal(config.card_hid, "none");
	assert_int_equal(config.card_timeout, 30);
	snprintf(expected, sizeof(expected), "%s/journal.db.key", f->dir);
	assert_string_equal(config.journal_key_file, expected);
}

/* Each accepted [card] setting and the values it stores. */
static void test_card_settings_table(void **state)
{
	static const struct {
		const char *extra;
		int reader;
		const char *hid;
		int timeout;
	} cases[] = {
		{ "reader = none\n", CONFIG_CARD_READER_NONE, "none", 30 },
		{ "reader = auto\n", CONFIG_CARD_READER_AUTO, "none", 30 },
		{ "hid = auto\n", CONFIG_CARD_READER_AUTO, "auto", 30 },
		{ "hid = 0801:0002\n", CONFIG_CARD_READER_AUTO, "0801:0002",
		  30 },
		{ "hid = 0aBc:FfFf\nreader = none\n", CONFIG_CARD_READER_NONE,
		  "0aBc:FfFf", 30 },
		{ "timeout = 5\n", CONFIG_CARD_READER_AUTO, "none", 5 },
		{ "timeout = 120\n", CONFIG_CARD_READER_AUTO, "none", 120 },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char extra[256];
		struct config config;
		char error[512] = "";

		snprintf(extra, sizeof(extra), "[card]\n%s", cases[i].extra);
		write_file(f, f->valid, extra);
		if (config_load(f->path, &config, error, sizeof(error)) != 0)
			fail_msg("case %zu: %s", i, error);
		assert_int_equal(config.card_reader, cases[i].reader);
		assert_string_equal(config.card_hid, cases[i].hid);
		assert_int_equal(config.card_timeout, cases[i].timeout);
	}
}

/* [journal] key_file resolves against the file's folder and becomes the
 * key file that journal_open uses for that journal. */
static void test_journal_key_file(void **state)
{
	struct fixture *f = *state;
	struct config config;
	char error[512] = "";
	char expected[PATH_MAX + 32];
	char found[JOURNAL_PATH_SIZE];
	char other[PATH_MAX + 32];

	snprintf(expected, sizeof(expected), "%s/keys", f->dir);
	assert_int_equal(mkdir(expected, 0700), 0);
	write_file(f, f->valid, "key_file = keys/journal.key\n");
	if (config_load(f->path, &config, error, sizeof(error)) != 0)
		fail_msg("%s", error);
	snprintf(expected, sizeof(expected), "%s/keys/journal.key", f->dir);
	assert_string_equal(config.journal_key_file, expected);
	assert_int_equal(journal_key_file(config.journal_path, found,
					  sizeof(found)),
			 JOURNAL_OK);
	assert_string_equal(found, expected);

	/* Another journal keeps its default. */
	snprintf(other, sizeof(other), "%s/other.db", f->dir);
	assert_int_equal(journal_key_file(other, found, sizeof(found)),
			 JOURNAL_OK);
	snprintf(expected, sizeof(expected), "%s/other.db.key", f->dir);
	assert_string_equal(found, expected);
	assert_int_equal(journal_set_key_file(config.journal_path, NULL),
			 JOURNAL_OK);
	snprintf(expected, sizeof(expected), "%s/keys", f->dir);
	assert_int_equal(rmdir(expected), 0);
}

/* Each accepted [printer] setting and the value it stores. */
static void test_printer_settings_table(void **state)
{
	static const struct {
		const char *extra;
		const char *device;   /* expected, NULL: not checked */
		const char *profile;  /* expected, NULL: not checked */
		int drawer;
		int on_ms;
		int off_ms;
		int qr;
		int barcode;
	} cases[] = {
		{ "device = usb\n", "usb", "auto", 0, 100, 200, 1, 0 },
		{ "device = usb:04b8:0E15\n", "usb:04b8:0E15", NULL, 0, 100,
		  200, 1, 0 },
		{ "device = usb:04b8:0e15:TM20-0017\n",
		  "usb:04b8:0e15:TM20-0017", NULL, 0, 100, 200, 1, 0 },
		{ "device = tcp:localhost\n", "tcp:localhost", NULL, 0, 100,
		  200, 1, 0 },
		{ "device = tcp:10.0.0.5:9100\nprofile = generic-58\n",
		  "tcp:10.0.0.5:9100", "generic-58", 0, 100, 200, 1, 0 },
		{ "drawer = pin2\ndrawer_on_ms = 2\ndrawer_off_ms = 510\n",
		  NULL, NULL, CONFIG_DRAWER_PIN2, 2, 510, 1, 0 },
		{ "drawer = pin5\nqr = no\nbarcode = yes\n", NULL, NULL,
		  CONFIG_DRAWER_PIN5, 100, 200, 0, 1 },
		{ "profile = Epson TM-T20II\n", NULL, "Epson TM-T20II", 0,
		  100, 200, 1, 0 },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char extra[256];
		struct config config;
		char error[512] = "";

		snprintf(extra, sizeof(extra), "[printer]\n%s",
			 cases[i].extra);
		write_file(f, f->valid, extra);
		if (config_load(f->path, &config, error, sizeof(error)) != 0)
			fail_msg("case %zu: %s", i, error);
		if (cases[i].device != NULL)
			assert_string_equal(config.printer, cases[i].device);
		if (cases[i].profile != NULL)
			assert_string_equal(config.printer_profile,
					    cases[i].profile);
		assert_int_equal(config.drawer, cases[i].drawer);
		assert_int_equal(config.drawer_on_ms, cases[i].on_ms);
		assert_int_equal(config.drawer_off_ms, cases[i].off_ms);
		assert_int_equal(config.qr, cases[i].qr);
		assert_int_equal(config.barcode, cases[i].barcode);
	}
}

static void test_verify_url_stored(void **state)
{
	struct fixture *f = *state;
	struct config config;
	char error[512] = "";

	write_file(f, f->valid,
		   "[printer]\nverify_url = https://spotbanc.example/v?r=\n");
	assert_int_equal(config_load(f->path, &config, error, sizeof(error)),
			 0);
	assert_string_equal(config.verify_url,
			    "https://spotbanc.example/v?r=");
}

static void test_relative_device_and_log(void **state)
{
	struct fixture *f = *state;
	struct config config;
	char error[512] = "";
	char expected[PATH_MAX + 32];

	write_file(f, f->valid,
		   "[printer]\ndevice = file:out/receipts.bin\npaper = 58\n"
		   "[log]\nfile = spotagent.log\nlevel = debug\n");
	assert_int_equal(config_load(f->path, &config, error, sizeof(error)),
			 0);
	snprintf(expected, sizeof(expected), "file:%s/out/receipts.bin",
		 f->dir);
	assert_string_equal(config.printer, expected);
	snprintf(expected, sizeof(expected), "%s/spotagent.log", f->dir);
	assert_string_equal(config.log_target, expected);
	assert_int_equal(config.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(config.paper_columns, 32);

	write_file(f, f->valid, "[log]\nfile = stderr\n");
	assert_int_equal(config_load(f->path, &config, error, sizeof(error)),
			 0);
	assert_string_equal(config.log_target, "stderr");
}

/* A profile set without a paper width sets the width, so the screen's
 * preview has the printed width; one with a matching width is taken. */
static void test_profile_sets_paper(void **state)
{
	static const struct {
		const char *extra;
		int columns;
	} cases[] = {
		{ "profile = generic-58\n", 32 },
		{ "profile = Generic 58 mm POS58\ndrawer = pin5\n", 32 },
		{ "profile = generic-80\n", 48 },
		{ "profile = generic-58\npaper = 58\n", 32 },
		{ "paper = 80\nprofile = Epson TM-T88V\n", 48 },
		{ "profile = auto\npaper = 58\n", 32 },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char extra[256];
		struct config config;
		char error[512] = "";

		snprintf(extra, sizeof(extra), "[printer]\n%s",
			 cases[i].extra);
		write_file(f, f->valid, extra);
		if (config_load(f->path, &config, error, sizeof(error)) != 0)
			fail_msg("case %zu: %s", i, error);
		assert_int_equal(config.paper_columns, cases[i].columns);
	}
}

/* A configuration file given by a relative path still resolves its
 * relative paths to absolute ones in its own folder. */
static void test_relative_config_path(void **state)
{
	struct fixture *f = *state;
	struct config config;
	char error[512] = "";
	char expected[PATH_MAX + 32];
	char previous[PATH_MAX];

	int result;

	write_file(f, f->valid, "[printer]\ndevice = file:relative.bin\n");
	assert_non_null(getcwd(previous, sizeof(previous)));
	assert_int_equal(chdir(f->dir), 0);
	result = config_load("spotagent.conf", &config, error, sizeof(error));
	assert_int_equal(chdir(previous), 0);

	if (result != 0)
		fail_msg("%s", error);
	snprintf(expected, sizeof(expected), "file:%s/relative.bin", f->dir);
	assert_string_equal(config.printer, expected);
	snprintf(expected, sizeof(expected), "%s/journal.db", f->dir);
	assert_string_equal(config.journal_path, expected);
}

struct bad_case {
	const char *extra;      /* appended to the valid file */
	const char *base;       /* replaces the valid file when not NULL */
	const char *message;    /* expected in the error text */
};

static const struct bad_case bad_cases[] = {
	{ "[central]\nsurprise = 1\n", NULL, "unknown setting [central] "
					     "surprise" },
	{ "[printer]\npaper = 100\n", NULL,
	  "[printer] paper must be 58 or 80 (mm), not \"100\"" },
	{ "[printer]\npaper = 70\n", NULL,
	  "[printer] paper must be 58 or 80 (mm), not \"70\"" },
	{ "[printer]\npaper = 57\n", NULL,
	  "[printer] paper must be 58 or 80 (mm), not \"57\"" },
	{ "[printer]\npaper = 80.0\n", NULL,
	  "[printer] paper must be 58 or 80 (mm), not \"80.0\"" },
	{ "[printer]\npaper = 60\n", NULL,
	  "[printer] paper must be 58 or 80 (mm), not \"60\"" },
	{ "[central]\nconnect_timeout = ten\n", NULL,
	  "[central] connect_timeout must be a whole number" },
	{ "[central]\nrequest_timeout = 0\n", NULL,
	  "[central] request_timeout must be a whole number from 1 to 600" },
	{ "[log]\nlevel = loud\n", NULL, "[log] level must be error, warn, "
					 "info or debug" },
	{ "[sync]\nretry_min_seconds = 50\nretry_max_seconds = 10\n", NULL,
	  "retry_min_seconds is above retry_max_seconds" },
	{ "[central]\nurl = http://localhost:1\n", NULL,
	  "[central] url must be https://HOST" },
	{ "[terminal]\ncurrency = XYZ\n", NULL,
	  "[terminal] currency \"XYZ\" is not an ISO 4217 code" },
	{ "[central]\nurl = https://localhost:8443/api\n", NULL,
	  "[central] url must be https://HOST or https://HOST:PORT with no "
	  "path" },
	{ "[central]\npin = abc\n", NULL, "[central] pin must start with "
					   "sha256//" },
	{ "[central]\nca_file = missing.pem\n", NULL,
	  "[central] ca_file" },
	{ "[central]\nkey_file = ca.pem\n", NULL,
	  "[central] key_file" },
	{ "[central]\ncert_file = terminal.key\n", NULL,
	  "not a PEM certificate" },
	{ "", "url = https://localhost:1\n",
	  "setting url comes before any [section]" },
	{ "", "[central]\nurl = https://localhost:1\n",
	  "missing setting [central] ca_file" },
	{ "", "[central]\nurl = https://localhost:1\nca_file = a\n"
	      "cert_file = b\nkey_file = c\n[terminal]\nid = T1\n"
	      "currency = GHS\n",
	  "missing setting [journal] path" },
	{ "key_file = journal.db\n", NULL,
	  "[journal] key_file must not be the journal or its -wal or -shm "
	  "file" },
	{ "key_file = journal.db-wal\n", NULL,
	  "[journal] key_file must not be the journal" },
	{ "key_file = ./journal.db-shm\n", NULL,
	  "[journal] key_file must not be the journal" },
	{ "key_file =\n", NULL,
	  "[journal] key_file is empty; name the key file, or remove the "
	  "line to use " },
	{ "key_file = missing/journal.key\n", NULL,
	  "/missing/journal.key: folder " },
	{ "key_file = missing/journal.key\n", NULL,
	  "/missing cannot be used: No such file or directory; create it "
	  "or correct key_file" },
	{ "", "this line has no equals sign\n", "line 1 is not valid INI" },
	{ "[printer]\ndevice = lpt1\n", NULL,
	  "[printer] device must be none, file:PATH, tcp:HOST[:PORT], usb "
	  "or usb:VVVV:PPPP[:SERIAL]" },
	{ "[printer]\ndevice = usb:04b8:0e15:\n", NULL,
	  "[printer] device must be" },
	{ "[printer]\ndevice = usb:04b8:0e15:A B\n", NULL,
	  "[printer] device must be" },
	{ "[printer]\ndevice = usb:4b8:e15\n", NULL,
	  "[printer] device must be" },
	{ "[printer]\ndevice = tcp:host:99999\n", NULL,
	  "[printer] device must be" },
	{ "[printer]\ndevice = tcp:\n", NULL, "[printer] device must be" },
	{ "[printer]\ndevice = file:\n", NULL, "[printer] device must be" },
	{ "[printer]\nprofile = Acme 9000\n", NULL,
	  "[printer] profile \"Acme 9000\" is not known; use auto or one "
	  "of: generic-58, generic-80, Epson TM, Epson TM-T20II" },
	{ "[printer]\nprofile = generic-80\npaper = 58\n", NULL,
	  "[printer] profile \"generic-80\" is for 80 mm paper, but "
	  "[printer] paper is 58; set paper = 80 or another profile" },
	{ "[printer]\npaper = 80\nprofile = generic-58\n", NULL,
	  "[printer] profile \"generic-58\" is for 58 mm paper, but "
	  "[printer] paper is 80; set paper = 58 or another profile" },
	{ "[printer]\nprofile = Epson TM-T88V\npaper = 58\n", NULL,
	  "[printer] profile \"Epson TM-T88V\" is for 80 mm paper" },
	{ "[printer]\ndrawer = pin3\n", NULL,
	  "[printer] drawer must be one of none, pin2, pin5, not \"pin3\"" },
	{ "[printer]\ndrawer_on_ms = 1\n", NULL,
	  "[printer] drawer_on_ms must be a whole number from 2 to 510" },
	{ "[printer]\ndrawer_off_ms = 600\n", NULL,
	  "[printer] drawer_off_ms must be a whole number from 2 to 510" },
	{ "[printer]\nqr = maybe\n", NULL,
	  "[printer] qr must be one of no, yes" },
	{ "[printer]\nbarcode = 1\n", NULL,
	  "[printer] barcode must be one of no, yes" },
	{ "[printer]\nverify_url = ftp://x/\n", NULL,
	  "[printer] verify_url must be an http:// or https:// URL" },
	{ "[printer]\nverify_url = https://a b/\n", NULL,
	  "[printer] verify_url must be" },
	{ "[printer]\nverify_url = https://verify.example/\x01r=\n", NULL,
	  "[printer] verify_url contains the control character 0x01 at "
	  "byte 24; remove it" },
	{ "[printer]\nverify_url = https://verify.example/\x7f\n", NULL,
	  "[printer] verify_url contains the control character 0x7F" },
	{ "[printer]\nverify_url = https://verify.example/\x1b@\n", NULL,
	  "[printer] verify_url contains the control character 0x1B" },
	{ "[printer]\nverify_url = https:///r?ref=\n", NULL,
	  "[printer] verify_url has no host; write https://HOST/PATH, not "
	  "\"https:///r?ref=\"" },
	{ "[printer]\nverify_url = https://\n", NULL,
	  "[printer] verify_url has no host" },
	{ "[printer]\nverify_url = http://?ref=\n", NULL,
	  "[printer] verify_url has no host" },
	{ "[printer]\nverify_url = https://:8443/r\n", NULL,
	  "[printer] verify_url has no host" },
	{ "[printer]\nverify_url = https://example.com/"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789\n",
	  NULL, "[printer] verify_url is longer than 180 characters" },
	{ "[card]\nreader = first\n", NULL,
	  "[card] reader must be one of auto, none, not \"first\"" },
	{ "[card]\ntimeout = 4\n", NULL,
	  "[card] timeout must be a whole number from 5 to 120, not \"4\"" },
	{ "[card]\ntimeout = 121\n", NULL,
	  "[card] timeout must be a whole number from 5 to 120" },
	{ "[card]\nhid = yes\n", NULL,
	  "[card] hid must be none, auto or VVVV:PPPP (hexadecimal vendor "
	  "and product of a HID card reader), not \"yes\"" },
	{ "[card]\nhid = 801:0002\n", NULL, "[card] hid must be none" },
	{ "[card]\nhid = 0801-0002\n", NULL, "[card] hid must be none" },
	{ "[card]\nhid = 080g:0002\n", NULL, "[card] hid must be none" },
	{ "[card]\nhid = 0000:0001\n", NULL,
	  "[card] hid has vendor id 0000, which no USB device has. Write "
	  "the reader's id as lsusb shows it, not \"0000:0001\"" },
	{ "[card]\nhid = 0801:0002:serial\n", NULL,
	  "[card] hid is longer than 9 characters" },
	{ "[card]\nsurprise = 1\n", NULL, "unknown setting [card] surprise" },
};

static void test_bad_files_name_setting(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct config config;
		char error[512] = "";

		write_file(f, c->base != NULL ? c->base : f->valid, c->extra);
		assert_int_equal(config_load(f->path, &config, error,
					     sizeof(error)),
				 -1);
		if (strstr(error, c->message) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, error,
				 c->message);
		if (strstr(error, f->path) == NULL)
			fail_msg("case %zu: \"%s\" does not name the file", i,
				 error);
	}
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	struct config config;
	char error[512] = "";

	assert_int_equal(config_load(f->path, &config, error, sizeof(error)),
			 -1);
	assert_non_null(strstr(error, f->path));
	assert_non_null(strstr(error, "No such file or directory"));
	assert_non_null(strstr(error, "--config FILE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_file_and_defaults,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_device_and_log,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_printer_settings_table,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_settings_table,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_url_stored,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_sets_paper,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_config_path,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_key_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_name_setting,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
