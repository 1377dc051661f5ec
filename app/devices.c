/* The hardware commands: `spotagent devices` lists the USB devices and
 * the configured printer, `spotagent print-test` prints a test page. */
#include "devices.h"

#include <stdio.h>
#include <string.h>

#include "../drivers/ccid.h"
#include "../drivers/escpos.h"
#include "../drivers/printer.h"
#include "../drivers/usb.h"

/* Most USB devices `spotagent devices` lists. */
#define DEVICES_MAX 32

/* Open a USB context for a command, or print why there is none. */
static struct usb_context *open_usb(void)
{
	struct usb_context *usb = NULL;
	int rc = usb_context_open(&usb);

	if (rc != USB_OK) {
		printf("USB: %s\n", usb_strerror(rc));
		return NULL;
	}
	return usb;
}

/* Print the state of printer, with its DLE EOT replies when it has
 * them. */
static void print_printer_state(struct printer *printer)
{
	struct printer_status status;
	int rc = printer_query_status(printer, &status);

	if (rc != PRINTER_OK) {
		printf("%s (%s)", printer_state_name(status.state),
		       printer_strerror(rc));
		return;
	}
	printf("%s", printer_state_name(status.state));
	if (status.raw[0] != 0)
		printf(" (DLE EOT %02x %02x %02x %02x%s)", status.raw[0],
		       status.raw[1], status.raw[2], status.raw[3],
		       status.drawer_open ? ", drawer open" : "");
}

static const char *ccid_level_name(enum ccid_level level)
{
	switch (level) {
	case CCID_LEVEL_CHARACTER:
		return "character";
	case CCID_LEVEL_TPDU:
		return "TPDU";
	case CCID_LEVEL_SHORT_APDU:
		return "short APDU";
	case CCID_LEVEL_EXTENDED_APDU:
		return "extended APDU";
	}
	return "unknown";
}

static const char *icc_name(enum ccid_icc icc)
{
	switch (icc) {
	case CCID_ICC_ACTIVE:
		return "card present (powered)";
	case CCID_ICC_INACTIVE:
		return "card present";
	case CCID_ICC_ABSENT:
		return "no card";
	}
	return "slot state unknown";
}

/* Print a chip reader's exchange level, voltages and whether a card is
 * in it. The card is not powered and nothing of it is read. A reader
 * that a running spotagent has open shows as busy. */
static void print_chip_reader(struct usb_context *usb,
			      const struct usb_device_info *info)
{
	const struct ccid_descriptor *descriptor;
	struct ccid_reader *reader = NULL;
	enum ccid_icc icc = CCID_ICC_ABSENT;
	int rc = ccid_open(usb, info, &reader);

	if (rc != CCID_OK) {
		/* usb_strerror's messages name the udev rule and the
		 * other program. */
		if (rc == CCID_EACCESS)
			printf("cannot be opened: %s\n",
			       usb_strerror(USB_EACCESS));
		else if (rc == CCID_EBUSY)
			printf("cannot be opened: %s\n",
			       usb_strerror(USB_EBUSY));
		else
			printf("cannot be opened: %s\n", ccid_strerror(rc));
		return;
	}
	descriptor = ccid_descriptor_of(reader);
	printf("can be opened, %s exchange, voltages%s%s%s%s%s, ",
	       ccid_level_name(descriptor->level),
	       descriptor->voltages & CCID_VOLTAGE_5V ? " 5V" : "",
	       descriptor->voltages & CCID_VOLTAGE_3V ? " 3V" : "",
	       descriptor->voltages & CCID_VOLTAGE_1_8V ? " 1.8V" : "",
	       (descriptor->voltages & 0x07) == 0 ? " none listed" : "",
	       descriptor->auto_voltage ? " (automatic)" : "");
	rc = ccid_slot_status(reader, &icc);
	if (rc != CCID_OK)
		printf("slot status failed: %s\n", ccid_strerror(rc));
	else
		printf("%s\n", icc_name(icc));
	ccid_close(reader);
}

/* Print one found device: whether it can be opened, and a printer's
 * status. */
static void print_usb_device(struct usb_context *usb,
			     const struct usb_device_info *info)
{
	struct usb_handle *handle = NULL;
	struct printer *printer = NULL;
	char spec[16 + USB_TEXT_SIZE];
	int rc;

	printf("%-12s %04x:%04x  %-24s bus %u address %u  ",
	       usb_kind_name(info->kind), info->vendor, info->product,
	       info->model, info->bus, info->address);
	if (info->serial[0] != '\0')
		printf("serial %s  ", info->serial);

	/* Claiming a HID interface takes it from the kernel's keyboard
	 * driver for a moment, which a keyboard-wedge reader must keep. */
	if (info->kind == USB_KIND_HID) {
		printf("not opened: the kernel's HID driver keeps it\n");
		return;
	}
	if (info->kind == USB_KIND_CCID) {
		print_chip_reader(usb, info);
		return;
	}
	rc = usb_open(usb, info, &handle);
	if (rc != USB_OK) {
		printf("cannot be opened: %s\n", usb_strerror(rc));
		return;
	}
	printf("can be opened%s", usb_driver_detached(handle)
					  ? " (kernel driver detached)"
					  : "");
	usb_close(handle);
	if (info->kind != USB_KIND_PRINTER) {
		printf("\n");
		return;
	}

	/* The serial tells apart two printers of the same model. */
	if (info->serial[0] != '\0')
		snprintf(spec, sizeof(spec), "usb:%04x:%04x:%s", info->vendor,
			 info->product, info->serial);
	else
		snprintf(spec, sizeof(spec), "usb:%04x:%04x", info->vendor,
			 info->product);
	if (printer_open(spec, usb, &printer) == PRINTER_OK) {
		printf(", status ");
		print_printer_state(printer);
	}
	printer_close(printer);
	printf("\n");
}

/* Print the configured printer, its profile and its state. Returns 0,
 * or -1 when the setting cannot be opened. */
static int print_configured_printer(const struct config *config,
				    struct usb_context *usb)
{
	const struct escpos_profile *profile;
	struct printer *printer = NULL;
	int rc;

	printf("\nConfigured printer: [printer] device = %s\n",
	       config->printer);
	rc = printer_open(config->printer, usb, &printer);
	if (rc != PRINTER_OK) {
		printf("  cannot be opened: %s\n", printer_strerror(rc));
		return -1;
	}
	printf("  state: ");
	print_printer_state(printer);
	printf("\n  device: %s\n", printer_describe(printer));
	profile = escpos_profile_choose(config->printer_profile,
					printer_model(printer),
					config->paper_columns);
	printf("  profile: %s (%d columns)\n",
	       profile != NULL ? profile->name : "none",
	       profile != NULL ? profile->columns : 0);
	printer_close(printer);
	return 0;
}

int devices_list(const struct config *config)
{
	static struct usb_device_info found[DEVICES_MAX];
	struct usb_context *usb = open_usb();
	unsigned vendor = 0;
	unsigned product = 0;
	int result;
	int count = 0;

	/* A reader named by [card] hid is listed even when its id is not
	 * in the table of known devices, as the card worker takes it. */
	if (usb != NULL &&
	    sscanf(config->card_hid, "%4x:%4x", &vendor, &product) == 2 &&
	    usb_add_hid_reader(usb, (uint16_t)vendor, (uint16_t)product) !=
		    USB_OK)
		printf("[card] hid = %s is not a valid USB id\n",
		       config->card_hid);
	if (usb != NULL) {
		count = usb_list(usb,
				 USB_KIND_PRINTER | USB_KIND_CCID |
					 USB_KIND_HID,
				 found, DEVICES_MAX);
		if (count < 0) {
			printf("USB devices cannot be listed: %s\n",
			       usb_strerror(count));
			count = 0;
		} else if (count == 0) {
			printf("No USB printer or card reader found\n");
		}
	}
	for (int i = 0; i < count && i < DEVICES_MAX; i++)
		print_usb_device(usb, &found[i]);
	if (count > DEVICES_MAX)
		printf("(%d more not listed)\n", count - DEVICES_MAX);
	result = print_configured_printer(config, usb);
	printf("\nCard readers: [card] reader = %s, hid = %s, timeout = %d "
	       "s\n",
	       config->card_reader == CONFIG_CARD_READER_NONE ? "none"
							      : "auto",
	       config->card_hid, config->card_timeout);
	usb_context_close(usb);
	return result;
}

/* Sample text for a code page the test page shows, by iconv name. */
static const char *code_page_sample(const char *charset)
{
	static const struct {
		const char *charset;
		const char *text;
	} samples[] = {
		{ "CP437", "\u00c4\u00d6\u00dc \u00e4\u00f6\u00fc \u00e9 "
			   "\u00f1 \u00a3 \u00a5 \u2591\u2592\u2593" },
		{ "CP850", "\u00e0\u00e9\u00ee\u00f5\u00fc \u00df \u00a3" },
		{ "CP858", "\u00e0\u00e9\u00ee\u00f5\u00fc \u00df \u20ac" },
		{ "IBM852", "\u0105\u010d\u0119\u0142\u0144\u0151\u0159"
			    "\u0161\u016f\u017e" },
		{ "CP866", "\u041f\u0440\u0438\u0432\u0435\u0442" },
		{ "CP737", "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1"
			   "\u03b1" },
		{ "CP1252", "\u20ac \u201e\u201c \u0153 \u0178" },
	};

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (strcmp(samples[i].charset, charset) == 0)
			return samples[i].text;
	return "";
}

/* Number of characters that text prints as on profile. */
static int test_page_width(const struct escpos_profile *profile,
			   const char *text)
{
	char printable[256];
	int count = 0;

	escpos_printable(profile, text, printable, sizeof(printable));
	for (const char *c = printable; *c != '\0'; c++) {
		/* Count the first byte of each UTF-8 character. */
		if (((unsigned char)*c & 0xC0) != 0x80)
			count++;
	}
	return count;
}

/* Print text on the test page in lines of at most the profile's columns,
 * broken at the last space that fits, else inside a word. */
static void test_page_text(struct escpos_buf *job,
			   const struct escpos_profile *profile,
			   const char *text)
{
	char printable[256];
	char line[sizeof(printable)];
	const char *rest = printable;

	/* Text longer than the buffer loses its end, which is acceptable on
	 * a test page. */
	escpos_printable(profile, text, printable, sizeof(printable));
	do {
		const char *end = rest;
		const char *space = NULL;
		int count = 0;

		while (*end != '\0' && count < profile->columns) {
			if (*end == ' ' && end != rest)
				space = end;
			end++;
			while (((unsigned char)*end & 0xC0) == 0x80)
				end++;
			count++;
		}
		if (*end != '\0' && *end != ' ' && space != NULL)
			end = space;
		snprintf(line, sizeof(line), "%.*s", (int)(end - rest), rest);
		escpos_text(job, line);
		escpos_newline(job);
		rest = end;
		while (*rest == ' ')
			rest++;
	} while (*rest != '\0');
}

/* Lay out the test page for profile into job. */
static void build_test_page(struct escpos_buf *job,
			    const struct escpos_profile *profile,
			    const struct config *config, const char *device,
			    const char *version)
{
	char line[256];
	int columns = profile->columns;

	escpos_set_profile(job, profile);
	escpos_reset(job);
	escpos_align(job, ESCPOS_ALIGN_CENTER);
	escpos_double(job, true);
	escpos_text(job, "TEST PAGE");
	escpos_newline(job);
	escpos_double(job, false);
	snprintf(line, sizeof(line), "spotagent %s", version);
	escpos_text(job, line);
	escpos_newline(job);
	escpos_align(job, ESCPOS_ALIGN_LEFT);
	snprintf(line, sizeof(line), "Profile: %s, %d columns", profile->name,
		 columns);
	test_page_text(job, profile, line);
	snprintf(line, sizeof(line), "Device: %s", device);
	test_page_text(job, profile, line);

	/* The ruler: every tenth column numbered, the last one marked. */
	if (columns >= (int)sizeof(line))
		columns = (int)sizeof(line) - 1;
	for (int i = 0; i < columns; i++)
		line[i] = (char)((i + 1) % 10 == 0 ? '0' + (i + 1) / 10 % 10
						   : '-');
	line[columns - 1] = '|';
	line[columns] = '\0';
	escpos_text(job, line);
	escpos_newline(job);

	for (int i = 0; i < profile->code_page_count; i++) {
		const struct escpos_code_page *page = &profile->code_pages[i];
		const char *sample = code_page_sample(page->charset);

		/* The label and its sample share a line where they fit. */
		snprintf(line, sizeof(line), "ESC t %d %s: %s", page->number,
			 page->charset, sample);
		if (test_page_width(profile, line) <= columns) {
			test_page_text(job, profile, line);
			continue;
		}
		snprintf(line, sizeof(line), "ESC t %d %s:", page->number,
			 page->charset);
		test_page_text(job, profile, line);
		test_page_text(job, profile, sample);
	}
	escpos_bold(job, true);
	escpos_text(job, "Bold text");
	escpos_bold(job, false);
	escpos_newline(job);

	if (config->qr && profile->qr_max > 0) {
		char qr[CONFIG_URL_SIZE + 8];

		snprintf(qr, sizeof(qr), "%sTEST", config->verify_url);
		escpos_qr(job, (const unsigned char *)qr, strlen(qr));
	}
	if (config->barcode && profile->barcode)
		escpos_barcode(job, "SPOTAGENT-TEST");
	escpos_feed(job, 3);
	escpos_cut_partial(job);
}

int devices_print_test(const struct config *config, const char *version)
{
	const struct escpos_profile *profile;
	struct usb_context *usb = NULL;
	struct printer *printer = NULL;
	struct escpos_buf job;
	int result = -1;
	int rc;

	if (strncmp(config->printer, "usb", 3) == 0)
		usb = open_usb();
	rc = printer_open(config->printer, usb, &printer);
	if (rc != PRINTER_OK) {
		fprintf(stderr, "print-test: [printer] device %s: %s\n",
			config->printer, printer_strerror(rc));
		goto out;
	}
	if (printer_get_state(printer) == PRINTER_STATE_NONE) {
		fprintf(stderr, "print-test: no printer is configured; set "
				"[printer] device\n");
		goto out;
	}

	/* The status connects a USB printer, which gives its model. */
	printer_query_status(printer, NULL);
	profile = escpos_profile_choose(config->printer_profile,
					printer_model(printer),
					config->paper_columns);
	escpos_init(&job);
	build_test_page(&job, profile, config, printer_describe(printer),
			version);
	if (job.error != 0) {
		fprintf(stderr, "print-test: %s\n", escpos_strerror(job.error));
		escpos_free(&job);
		goto out;
	}
	rc = printer_write_job(printer, job.data, job.len);
	escpos_free(&job);
	if (rc != PRINTER_OK) {
		fprintf(stderr, "print-test: %s: %s\n",
			printer_describe(printer), printer_strerror(rc));
		goto out;
	}
	printf("Test page printed on %s with profile %s\n",
	       printer_describe(printer), profile->name);
	result = 0;
out:
	printer_close(printer);
	usb_context_close(usb);
	return result;
}
