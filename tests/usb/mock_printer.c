/* ESC/POS receipt printers emulated on mock_device: their models, the
 * DLE EOT status replies, print data and the test switches. The
 * usbdevfs side (URBs, claims, the kernel driver, halts, unplug) is
 * mock_device's. */
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mock_device.h"
#include "mock_printer.h"

#define DLE 0x10
#define EOT 0x04

#define MOCK_PRINTERS_MAX 4
/* Each bed numbers its printers' later plug-ins from here to 127. */
#define REPLUG_ADDRESS_FIRST 64
#define MOCK_LOG_MAX (1024 * 1024)
/* Replies held back while late is set. */
#define HELD_MAX 2048

struct mock_log {
	unsigned char *data;
	size_t len;                /* total count, may pass MOCK_LOG_MAX */
};

struct mock_printer {
	const struct mock_model *model;
	struct mock_bed *bed;
	struct mock_device *device;

	/* Everything below is under the device's lock, because umockdev's
	 * thread changes it. */
	struct mock_log wire;
	struct mock_log printed;
	int parser;                /* bytes of "DLE EOT" seen: 0, 1 or 2 */
	int queries;
	enum mock_condition condition;
	bool drawer_open;
	bool raw_replies;
	unsigned char replies[4];
	unsigned char held[HELD_MAX]; /* replies not sent yet */
	size_t held_len;
	bool late;
	size_t accept_limit;       /* take nothing once wire.len reaches it */
	size_t paper_out_at;       /* paper out when printed.len reaches it */
	size_t halt_out_at;        /* halt bulk OUT when wire.len reaches it */
};

struct mock_bed {
	UMockdevTestbed *testbed;
	char *root;
	struct mock_printer *printers[MOCK_PRINTERS_MAX];
	int count;
	int next_address;          /* for a replugged printer */
};

const struct mock_model mock_epson_tm_t20ii = {
	.vendor = 0x04b8,
	.product = 0x0e15,
	.manufacturer = "EPSON",
	.name = "TM-T20II",
	.serial = "T20II00017",
	.ep_out = 0x01,
	.ep_in = 0x82,
	.max_packet = 64,
	.kernel_driver = "usblp",
	.drawer = true,
	.device_id = "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;",
};

const struct mock_model mock_generic_58 = {
	.vendor = 0x0416,
	.product = 0x5011,
	.manufacturer = "Printer",
	.name = "POS58 USB Printer",
	.serial = "",
	.ep_out = 0x03,
	.ep_in = 0x81,
	.max_packet = 64,
	.kernel_driver = NULL,
	.drawer = false,
	.device_id = "MFG:Printer;CMD:ESC/POS;MDL:POS58;CLS:PRINTER;",
};

const struct mock_model mock_epson_tm_t20ii_second = {
	.vendor = 0x04b8,
	.product = 0x0e15,
	.manufacturer = "EPSON",
	.name = "TM-T20II",
	.serial = "T20II00018",
	.ep_out = 0x01,
	.ep_in = 0x82,
	.max_packet = 64,
	.kernel_driver = "usblp",
	.drawer = true,
	.device_id = "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;",
};

/* Ids not in the table of known devices: found by its printer class. */
const struct mock_model mock_one_way_58 = {
	.vendor = 0x1fc9,
	.product = 0x2016,
	.manufacturer = "Printer",
	.name = "USB Printer P58",
	.serial = "OW58-0001",
	.ep_out = 0x02,
	.ep_in = 0,
	.max_packet = 64,
	.kernel_driver = "usblp",
	.drawer = false,
	.device_id = "MFG:Printer;CMD:ESC/POS;MDL:P58;CLS:PRINTER;",
};

const struct mock_model mock_superspeed_80 = {
	.vendor = 0x1fc9,
	.product = 0x2080,
	.manufacturer = "Printer",
	.name = "USB3 Printer 80",
	.serial = "SS80-0001",
	.ep_out = 0x01,
	.ep_in = 0x81,
	.max_packet = 1024,
	.kernel_driver = NULL,
	.drawer = false,
	.device_id = "MFG:Printer;CMD:ESC/POS;MDL:80;CLS:PRINTER;",
};

/* --- Status replies (Epson's DLE EOT bit layout) --- */

void mock_condition_replies(enum mock_condition condition,
			    unsigned char reply[4])
{
	/* Bits 1 and 4 are fixed to 1 in every reply. */
	reply[0] = 0x12;
	reply[1] = 0x12;
	reply[2] = 0x12;
	reply[3] = 0x12;

	switch (condition) {
	case MOCK_READY:
	case MOCK_CONDITION_COUNT:
		break;
	case MOCK_PAPER_LOW:
		reply[3] |= 0x0c;               /* near-end sensor */
		break;
	case MOCK_PAPER_OUT:
		reply[0] |= 0x08;               /* offline */
		reply[1] |= 0x20;               /* stopped by paper end */
		reply[3] |= 0x0c | 0x60;        /* near end and end */
		break;
	case MOCK_COVER_OPEN:
		reply[0] |= 0x08;
		reply[1] |= 0x04;               /* cover open */
		break;
	case MOCK_OFFLINE:
		reply[0] |= 0x08;
		reply[1] |= 0x08;               /* paper fed by the button */
		break;
	case MOCK_ERROR:
		reply[0] |= 0x08;
		reply[1] |= 0x40;               /* error occurred */
		reply[2] |= 0x08;               /* autocutter error */
		break;
	}
}

static unsigned char status_reply(struct mock_printer *printer, int n)
{
	unsigned char reply[4];

	if (printer->raw_replies)
		return printer->replies[n - 1];
	mock_condition_replies(printer->condition, reply);
	if (n == 1 && printer->drawer_open)
		reply[0] |= 0x04;
	return reply[n - 1];
}


/* Send the held replies as one transfer, as a printer sends what its
 * buffer holds. A one-way printer has no bulk IN, so they are lost. */
static void send_held(struct mock_printer *printer)
{
	if (printer->held_len > 0 && printer->model->ep_in != 0)
		mock_device_send(printer->device, printer->model->ep_in,
				 printer->held, printer->held_len);
	printer->held_len = 0;
}

static void reply_to_query(struct mock_printer *printer, int n)
{
	printer->queries++;
	if (printer->held_len < HELD_MAX)
		printer->held[printer->held_len++] = status_reply(printer, n);
	if (!printer->late)
		send_held(printer);
}

/* --- Bulk OUT data --- */

static void log_append(struct mock_log *log, unsigned char byte)
{
	if (log->len < MOCK_LOG_MAX)
		log->data[log->len] = byte;
	log->len++;
}

static void print_byte(struct mock_printer *printer, unsigned char byte)
{
	log_append(&printer->printed, byte);
	if (printer->printed.len == printer->paper_out_at)
		printer->condition = MOCK_PAPER_OUT;
}

/* DLE EOT n (n 1..4) is a real-time status query wherever it appears,
 * everything else is print data. */
static void take_byte(struct mock_printer *printer, unsigned char byte)
{
	log_append(&printer->wire, byte);

	if (printer->parser == 2 && byte >= 1 && byte <= 4) {
		printer->parser = 0;
		reply_to_query(printer, byte);
		return;
	}
	if (printer->parser == 1 && byte == EOT) {
		printer->parser = 2;
		return;
	}
	if (printer->parser >= 1)
		print_byte(printer, DLE);
	if (printer->parser == 2)
		print_byte(printer, EOT);
	printer->parser = 0;
	if (byte == DLE)
		printer->parser = 1;
	else
		print_byte(printer, byte);
}

/* mock_device's bulk_out_partial: take bytes until accept_limit, and
 * stall bulk OUT when the wire reaches halt_out_at. */
static size_t printer_bulk_out(struct mock_device *device, void *data,
			       const unsigned char *buf, size_t len,
			       bool *stall)
{
	struct mock_printer *printer = data;
	size_t taken = 0;

	(void)device;
	while (taken < len && printer->wire.len < printer->accept_limit) {
		if (printer->wire.len == printer->halt_out_at) {
			printer->halt_out_at = SIZE_MAX;
			*stall = true;
			break;
		}
		take_byte(printer, buf[taken]);
		taken++;
	}
	return taken;
}

/* The printer class requests (USB Printer Class 1.1, section 4.2);
 * mock_device returns the string descriptors. */
static int printer_control(struct mock_device *device, void *data,
			   const unsigned char setup[8], unsigned char *buf,
			   size_t size)
{
	struct mock_printer *printer = data;
	const char *id = printer->model->device_id;
	size_t len;

	(void)device;
	/* GET_DEVICE_ID: a big-endian length, then the IEEE 1284 ID. */
	if (setup[0] == 0xa1 && setup[1] == 0x00 && size >= 2) {
		len = strlen(id);
		if (len + 2 > size)
			len = size - 2;
		buf[0] = (unsigned char)((len + 2) >> 8);
		buf[1] = (unsigned char)(len + 2);
		memcpy(buf + 2, id, len);
		return (int)(len + 2);
	}
	/* GET_PORT_STATUS: selected, no error, paper. */
	if (setup[0] == 0xa1 && setup[1] == 0x01 && size >= 1) {
		buf[0] = 0x18;
		return 1;
	}
	return -EPIPE;
}

static const struct mock_device_ops printer_ops = {
	.bulk_out = NULL,
	.control = printer_control,
	.bulk_out_partial = printer_bulk_out,
};

/* --- The bed --- */

struct mock_bed *mock_bed_new(void)
{
	struct mock_bed *bed;

	bed = calloc(1, sizeof(*bed));
	if (!bed)
		return NULL;
	bed->testbed = umockdev_testbed_new();
	if (!bed->testbed) {
		free(bed);
		return NULL;
	}
	bed->root = umockdev_testbed_get_root_dir(bed->testbed);
	bed->next_address = REPLUG_ADDRESS_FIRST;
	return bed;
}

const char *mock_bed_root(const struct mock_bed *bed)
{
	return bed->root;
}

static void printer_free(struct mock_printer *printer)
{
	mock_device_free(printer->device);
	free(printer->wire.data);
	free(printer->printed.data);
	free(printer);
}

static struct mock_device *printer_device_new(struct mock_printer *printer,
					      int address)
{
	const struct mock_model *model = printer->model;
	const struct mock_device_desc desc = {
		.vendor = model->vendor,
		.product = model->product,
		.manufacturer = model->manufacturer,
		.product_name = model->name,
		.serial = model->serial,
		.interface_class = 0x07,    /* printer */
		.interface_subclass = 0x01,
		/* bidirectional, or unidirectional without bulk IN */
		.interface_protocol = model->ep_in ? 0x02 : 0x01,
		.ep_bulk_out = model->ep_out,
		.ep_bulk_in = model->ep_in,
		.bulk_max_packet = model->max_packet,
		.kernel_driver = model->kernel_driver,
		.self_powered = true,
	};

	return mock_device_new(printer->bed->testbed, &desc, address,
			       &printer_ops, printer);
}

struct mock_printer *mock_bed_add(struct mock_bed *bed,
				  const struct mock_model *model, int address)
{
	struct mock_printer *printer;

	if (bed->count == MOCK_PRINTERS_MAX)
		return NULL;
	printer = calloc(1, sizeof(*printer));
	if (!printer)
		return NULL;
	printer->model = model;
	printer->bed = bed;
	printer->accept_limit = SIZE_MAX;
	printer->paper_out_at = SIZE_MAX;
	printer->halt_out_at = SIZE_MAX;
	printer->wire.data = malloc(MOCK_LOG_MAX);
	printer->printed.data = malloc(MOCK_LOG_MAX);
	if (!printer->wire.data || !printer->printed.data)
		goto fail;
	printer->device = printer_device_new(printer, address);
	if (!printer->device)
		goto fail;
	bed->printers[bed->count++] = printer;
	return printer;

fail:
	printer_free(printer);
	return NULL;
}

void mock_bed_free(struct mock_bed *bed)
{
	int i;

	if (!bed)
		return;
	for (i = 0; i < bed->count; i++)
		printer_free(bed->printers[i]);
	g_object_unref(bed->testbed);
	g_free(bed->root);
	free(bed);
}

const char *mock_printer_devnode(const struct mock_printer *printer)
{
	return mock_device_devnode(printer->device);
}

int mock_printer_address(const struct mock_printer *printer)
{
	return mock_device_address(printer->device);
}

/* --- Switches, called from the test's thread --- */

void mock_printer_set_condition(struct mock_printer *printer,
				enum mock_condition condition)
{
	mock_device_lock(printer->device);
	printer->condition = condition;
	printer->raw_replies = false;
	mock_device_unlock(printer->device);
}

void mock_printer_set_drawer_open(struct mock_printer *printer, bool open)
{
	mock_device_lock(printer->device);
	printer->drawer_open = open;
	mock_device_unlock(printer->device);
}

void mock_printer_set_replies(struct mock_printer *printer,
			      const unsigned char reply[4])
{
	mock_device_lock(printer->device);
	memcpy(printer->replies, reply, sizeof(printer->replies));
	printer->raw_replies = true;
	mock_device_unlock(printer->device);
}

void mock_printer_stall_after(struct mock_printer *printer, size_t bytes)
{
	mock_device_lock(printer->device);
	printer->accept_limit = printer->wire.len + bytes;
	mock_device_unlock(printer->device);
}

void mock_printer_resume(struct mock_printer *printer)
{
	mock_device_lock(printer->device);
	printer->accept_limit = SIZE_MAX;
	mock_device_unlock(printer->device);
}

void mock_printer_paper_out_after(struct mock_printer *printer,
				  size_t bytes)
{
	mock_device_lock(printer->device);
	printer->paper_out_at = printer->printed.len + bytes;
	if (bytes == 0)
		printer->condition = MOCK_PAPER_OUT;
	mock_device_unlock(printer->device);
}

void mock_printer_set_late(struct mock_printer *printer, bool late)
{
	mock_device_lock(printer->device);
	printer->late = late;
	mock_device_unlock(printer->device);
}

void mock_printer_release_late(struct mock_printer *printer)
{
	mock_device_lock(printer->device);
	printer->late = false;
	send_held(printer);
	mock_device_unlock(printer->device);
}

void mock_printer_halt_out_after(struct mock_printer *printer, size_t bytes)
{
	mock_device_lock(printer->device);
	if (bytes == 0)
		mock_device_halt(printer->device, printer->model->ep_out);
	else
		printer->halt_out_at = printer->wire.len + bytes;
	mock_device_unlock(printer->device);
}

void mock_printer_halt_in(struct mock_printer *printer)
{
	mock_device_halt(printer->device, printer->model->ep_in);
}

int mock_printer_halt_clears(struct mock_printer *printer)
{
	return mock_device_halt_clears(printer->device);
}

void mock_printer_unplug(struct mock_printer *printer)
{
	mock_device_unplug(printer->device);
}

void mock_printer_plug(struct mock_printer *printer)
{
	/* Reset before the plug-in, while every call on the device still
	 * fails, so no byte meets the old state. */
	mock_device_lock(printer->device);
	printer->held_len = 0;
	printer->late = false;
	printer->parser = 0;
	mock_device_unlock(printer->device);
	if (mock_device_plug_at(printer->device,
				printer->bed->next_address++) != 0)
		abort();
}

void mock_printer_zero_packets(struct mock_printer *printer, int count)
{
	mock_device_zero_packets(printer->device, printer->model->ep_in,
				 count);
}

void mock_printer_send_in(struct mock_printer *printer,
			  const unsigned char *data, size_t len)
{
	mock_device_send(printer->device, printer->model->ep_in, data, len);
}

static size_t log_copy(struct mock_printer *printer,
		       const struct mock_log *log, unsigned char *buf,
		       size_t size)
{
	size_t total;
	size_t n;

	mock_device_lock(printer->device);
	total = log->len;
	n = total < MOCK_LOG_MAX ? total : MOCK_LOG_MAX;
	if (n > size)
		n = size;
	if (n > 0)
		memcpy(buf, log->data, n);
	mock_device_unlock(printer->device);
	return total;
}

size_t mock_printer_wire(struct mock_printer *printer, unsigned char *buf,
			 size_t size)
{
	return log_copy(printer, &printer->wire, buf, size);
}

size_t mock_printer_printed(struct mock_printer *printer, unsigned char *buf,
			    size_t size)
{
	return log_copy(printer, &printer->printed, buf, size);
}

void mock_printer_clear(struct mock_printer *printer)
{
	mock_device_lock(printer->device);
	if (printer->accept_limit != SIZE_MAX)
		printer->accept_limit -= printer->wire.len;
	if (printer->paper_out_at != SIZE_MAX)
		printer->paper_out_at -= printer->printed.len;
	if (printer->halt_out_at != SIZE_MAX)
		printer->halt_out_at -= printer->wire.len;
	printer->wire.len = 0;
	printer->printed.len = 0;
	printer->queries = 0;
	mock_device_unlock(printer->device);
}

bool mock_printer_wait_wire(struct mock_printer *printer, size_t len,
			    int timeout_ms)
{
	const struct timespec step = { .tv_nsec = 2 * 1000 * 1000 };
	int waited;
	bool reached = false;

	for (waited = 0; waited <= timeout_ms; waited += 2) {
		mock_device_lock(printer->device);
		reached = printer->wire.len >= len;
		mock_device_unlock(printer->device);
		if (reached)
			break;
		nanosleep(&step, NULL);
	}
	return reached;
}

int mock_printer_query_count(struct mock_printer *printer)
{
	int count;

	mock_device_lock(printer->device);
	count = printer->queries;
	mock_device_unlock(printer->device);
	return count;
}

int mock_printer_detach_count(struct mock_printer *printer)
{
	return mock_device_detach_count(printer->device);
}

int mock_printer_attach_count(struct mock_printer *printer)
{
	return mock_device_attach_count(printer->device);
}

bool mock_printer_driver_bound(struct mock_printer *printer)
{
	return mock_device_driver_bound(printer->device);
}

bool mock_printer_claimed(struct mock_printer *printer)
{
	return mock_device_claimed(printer->device);
}
