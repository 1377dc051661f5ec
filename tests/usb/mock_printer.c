/* ESC/POS receipt printers emulated under umockdev: their sysfs devices
 * and USB descriptors, status replies, print data and test switches. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mock_printer_state.h"

#define DLE 0x10
#define EOT 0x04

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

static void fifo_push(unsigned char *fifo, size_t *len, unsigned char byte)
{
	if (*len < MOCK_FIFO_MAX)
		fifo[(*len)++] = byte;
}

static void reply_to_query(struct mock_printer *printer, int n)
{
	unsigned char reply = status_reply(printer, n);
	size_t i;

	printer->queries++;
	if (printer->late) {
		fifo_push(printer->held, &printer->held_len, reply);
		return;
	}
	for (i = 0; i < printer->held_len; i++)
		fifo_push(printer->fifo, &printer->fifo_len, printer->held[i]);
	printer->held_len = 0;
	fifo_push(printer->fifo, &printer->fifo_len, reply);
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
void mock_printer_take_byte(struct mock_printer *printer,
			    unsigned char byte)
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

/* --- Sysfs description --- */

static void hex_append(GString *text, const unsigned char *bytes,
		       size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		g_string_append_printf(text, "%02x", bytes[i]);
}

/* The device, configuration, interface and endpoint descriptors as the
 * kernel exposes them in sysfs "descriptors": bulk OUT, then bulk IN
 * unless the model is one-way. */
static size_t build_descriptors(const struct mock_model *model,
				unsigned char *out)
{
	const unsigned char lo = (unsigned char)(model->max_packet & 0xff);
	const unsigned char hi = (unsigned char)(model->max_packet >> 8);
	const bool one_way = model->ep_in == 0;
	unsigned char bytes[] = {
		/* device: USB 2.0, class per interface, EP0 64 bytes,
		 * strings 1 to 3, one configuration */
		18, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 64,
		(unsigned char)(model->vendor & 0xff),
		(unsigned char)(model->vendor >> 8),
		(unsigned char)(model->product & 0xff),
		(unsigned char)(model->product >> 8),
		0x00, 0x01, 1, 2, (unsigned char)(model->serial[0] ? 3 : 0),
		1,
		/* configuration 1: 32 bytes in all, self-powered */
		9, 0x02, 32, 0, 1, 1, 0, 0xc0, 50,
		/* interface 0: printer class, bidirectional, 2 endpoints */
		9, 0x04, 0, 0, 2, 0x07, 0x01, 0x02, 0,
		/* bulk OUT and bulk IN */
		7, 0x05, model->ep_out, 0x02, lo, hi, 0,
		7, 0x05, model->ep_in, 0x02, lo, hi, 0,
	};
	size_t len = sizeof(bytes);

	if (one_way) {
		/* 25 bytes in all; one endpoint; protocol 1, unidirectional */
		len -= 7;
		bytes[18 + 2] = (unsigned char)(len - 18);
		bytes[27 + 4] = 1;
		bytes[27 + 7] = 0x01;
	}
	memcpy(out, bytes, len);
	return len;
}

gboolean mock_printer_add_sysfs(struct mock_printer *printer)
{
	unsigned char descriptors[64];
	size_t len = build_descriptors(printer->model, descriptors);
	GString *text = g_string_new(NULL);
	gboolean ok;

	g_string_append_printf(text,
			       "P: %s\n"
			       "N: bus/usb/001/%03d\n"
			       "E: SUBSYSTEM=usb\n"
			       "E: DEVTYPE=usb_device\n"
			       "E: DRIVER=usb\n"
			       "E: BUSNUM=001\n"
			       "E: DEVNUM=%03d\n"
			       "E: DEVNAME=%s\n"
			       "E: PRODUCT=%x/%x/100\n"
			       "A: busnum=1\\n\n"
			       "A: devnum=%d\\n\n"
			       "A: speed=%d\\n\n"
			       "A: bConfigurationValue=1\\n\n"
			       "A: idVendor=%04x\\n\n"
			       "A: idProduct=%04x\\n\n"
			       "H: descriptors=",
			       printer->sysfs_path + strlen("/sys"),
			       printer->address, printer->address,
			       printer->devnode, printer->model->vendor,
			       printer->model->product, printer->address,
			       printer->model->max_packet > 512 ? 5000 : 12,
			       printer->model->vendor, printer->model->product);
	hex_append(text, descriptors, len);
	g_string_append(text, "\n");
	ok = umockdev_testbed_add_from_string(printer->bed->testbed, text->str,
					      NULL);
	g_string_free(text, TRUE);
	return ok;
}

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
	bed->next_address = MOCK_REPLUG_ADDRESS_FIRST;
	return bed;
}

const char *mock_bed_root(const struct mock_bed *bed)
{
	return bed->root;
}

static void printer_free(struct mock_printer *printer)
{
	int i;

	mock_usbfs_free_urbs(printer);
	if (printer->handler)
		g_object_unref(printer->handler);
	for (i = 0; i < printer->replugs; i++)
		g_object_unref(printer->old_handlers[i]);
	pthread_mutex_destroy(&printer->lock);
	free(printer->wire.data);
	free(printer->printed.data);
	free(printer);
}

struct mock_printer *mock_bed_add(struct mock_bed *bed,
				  const struct mock_model *model, int address)
{
	struct mock_printer *printer;

	if (bed->count == MOCK_PRINTERS_MAX || address < 2 || address > 127)
		return NULL;
	printer = calloc(1, sizeof(*printer));
	if (!printer)
		return NULL;
	printer->model = model;
	printer->bed = bed;
	printer->address = address;
	printer->accept_limit = SIZE_MAX;
	printer->paper_out_at = SIZE_MAX;
	printer->halt_out_at = SIZE_MAX;
	printer->driver_bound = model->kernel_driver != NULL;
	pthread_mutex_init(&printer->lock, NULL);
	printer->wire.data = malloc(MOCK_LOG_MAX);
	printer->printed.data = malloc(MOCK_LOG_MAX);
	snprintf(printer->sysfs_path, sizeof(printer->sysfs_path),
		 "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%d",
		 address - 1);
	snprintf(printer->devnode, sizeof(printer->devnode),
		 "/dev/bus/usb/001/%03d", address);
	if (!printer->wire.data || !printer->printed.data)
		goto fail;

	/* The handler must be in place before the device node appears. */
	printer->handler = umockdev_ioctl_base_new();
	g_signal_connect(printer->handler, "handle-ioctl",
			 G_CALLBACK(mock_usbfs_handle_ioctl), printer);
	if (!umockdev_testbed_attach_ioctl(bed->testbed, printer->devnode,
					   printer->handler, NULL))
		goto fail;
	if (!mock_printer_add_sysfs(printer))
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
	for (i = 0; i < bed->count; i++) {
		struct mock_printer *printer = bed->printers[i];
		int k;

		umockdev_testbed_detach_ioctl(bed->testbed, printer->devnode,
					      NULL);
		for (k = 0; k < printer->replugs; k++)
			umockdev_testbed_detach_ioctl(bed->testbed,
						      printer->old_devnodes[k],
						      NULL);
	}
	g_object_unref(bed->testbed);
	for (i = 0; i < bed->count; i++)
		printer_free(bed->printers[i]);
	g_free(bed->root);
	free(bed);
}

const char *mock_printer_devnode(const struct mock_printer *printer)
{
	return printer->devnode;
}

int mock_printer_address(const struct mock_printer *printer)
{
	return printer->address;
}

/* --- Switches, called from the test's thread --- */

void mock_printer_set_condition(struct mock_printer *printer,
				enum mock_condition condition)
{
	pthread_mutex_lock(&printer->lock);
	printer->condition = condition;
	printer->raw_replies = false;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_set_drawer_open(struct mock_printer *printer, bool open)
{
	pthread_mutex_lock(&printer->lock);
	printer->drawer_open = open;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_set_replies(struct mock_printer *printer,
			      const unsigned char reply[4])
{
	pthread_mutex_lock(&printer->lock);
	memcpy(printer->replies, reply, sizeof(printer->replies));
	printer->raw_replies = true;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_stall_after(struct mock_printer *printer, size_t bytes)
{
	pthread_mutex_lock(&printer->lock);
	printer->accept_limit = printer->wire.len + bytes;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_resume(struct mock_printer *printer)
{
	pthread_mutex_lock(&printer->lock);
	printer->accept_limit = SIZE_MAX;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_paper_out_after(struct mock_printer *printer,
				  size_t bytes)
{
	pthread_mutex_lock(&printer->lock);
	printer->paper_out_at = printer->printed.len + bytes;
	if (bytes == 0)
		printer->condition = MOCK_PAPER_OUT;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_set_late(struct mock_printer *printer, bool late)
{
	pthread_mutex_lock(&printer->lock);
	printer->late = late;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_release_late(struct mock_printer *printer)
{
	size_t i;

	pthread_mutex_lock(&printer->lock);
	printer->late = false;
	for (i = 0; i < printer->held_len; i++)
		fifo_push(printer->fifo, &printer->fifo_len, printer->held[i]);
	printer->held_len = 0;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_halt_out_after(struct mock_printer *printer, size_t bytes)
{
	pthread_mutex_lock(&printer->lock);
	if (bytes == 0)
		printer->halted_out = true;
	else
		printer->halt_out_at = printer->wire.len + bytes;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_halt_in(struct mock_printer *printer)
{
	pthread_mutex_lock(&printer->lock);
	printer->halted_in = true;
	pthread_mutex_unlock(&printer->lock);
}

/* NOTE: a real unplug also raises POLLERR on the usbfs file descriptor,
 * which libusb handles as a disconnect; umockdev cannot raise it, so
 * libusb learns of the removal from the reaped ENODEV and the uevent. */
void mock_printer_unplug(struct mock_printer *printer)
{
	pthread_mutex_lock(&printer->lock);
	printer->unplugged = true;
	pthread_mutex_unlock(&printer->lock);
	umockdev_testbed_uevent(printer->bed->testbed, printer->sysfs_path,
				"remove");
}

/* Move the printer to a new address and device node with a new handler;
 * the old handler stays attached to the old node and fails every call. */
static void move_to_new_address(struct mock_printer *printer)
{
	struct mock_bed *bed = printer->bed;
	UMockdevIoctlBase *handler;
	char devnode[sizeof(printer->devnode)];
	int address = bed->next_address++;

	if (printer->replugs == MOCK_REPLUGS_MAX || address > 127)
		abort();
	snprintf(devnode, sizeof(devnode), "/dev/bus/usb/001/%03d", address);
	handler = umockdev_ioctl_base_new();
	g_signal_connect(handler, "handle-ioctl",
			 G_CALLBACK(mock_usbfs_handle_ioctl), printer);
	if (!umockdev_testbed_attach_ioctl(bed->testbed, devnode, handler,
					   NULL))
		abort();

	pthread_mutex_lock(&printer->lock);
	printer->old_handlers[printer->replugs] = printer->handler;
	memcpy(printer->old_devnodes[printer->replugs], printer->devnode,
	       sizeof(printer->devnode));
	printer->replugs++;
	printer->handler = handler;
	printer->address = address;
	memcpy(printer->devnode, devnode, sizeof(devnode));
	pthread_mutex_unlock(&printer->lock);

	umockdev_testbed_remove_device(bed->testbed, printer->sysfs_path);
	if (!mock_printer_add_sysfs(printer))
		abort();
}

void mock_printer_plug(struct mock_printer *printer)
{
	move_to_new_address(printer);
	pthread_mutex_lock(&printer->lock);
	printer->unplugged = false;
	printer->driver_bound = printer->model->kernel_driver != NULL;
	printer->claimed = false;
	printer->fifo_len = 0;
	printer->held_len = 0;
	printer->late = false;
	printer->parser = 0;
	pthread_mutex_unlock(&printer->lock);
	umockdev_testbed_uevent(printer->bed->testbed, printer->sysfs_path,
				"add");
}

void mock_printer_zero_packets(struct mock_printer *printer, int count)
{
	pthread_mutex_lock(&printer->lock);
	printer->zero_packets = count;
	pthread_mutex_unlock(&printer->lock);
}

void mock_printer_send_in(struct mock_printer *printer,
			  const unsigned char *data, size_t len)
{
	size_t i;

	pthread_mutex_lock(&printer->lock);
	for (i = 0; i < len; i++)
		fifo_push(printer->fifo, &printer->fifo_len, data[i]);
	pthread_mutex_unlock(&printer->lock);
}

static size_t log_copy(struct mock_printer *printer,
		       const struct mock_log *log, unsigned char *buf,
		       size_t size)
{
	size_t total;
	size_t n;

	pthread_mutex_lock(&printer->lock);
	total = log->len;
	n = total < MOCK_LOG_MAX ? total : MOCK_LOG_MAX;
	if (n > size)
		n = size;
	if (n > 0)
		memcpy(buf, log->data, n);
	pthread_mutex_unlock(&printer->lock);
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
	pthread_mutex_lock(&printer->lock);
	if (printer->accept_limit != SIZE_MAX)
		printer->accept_limit -= printer->wire.len;
	if (printer->paper_out_at != SIZE_MAX)
		printer->paper_out_at -= printer->printed.len;
	if (printer->halt_out_at != SIZE_MAX)
		printer->halt_out_at -= printer->wire.len;
	printer->wire.len = 0;
	printer->printed.len = 0;
	printer->queries = 0;
	pthread_mutex_unlock(&printer->lock);
}

bool mock_printer_wait_wire(struct mock_printer *printer, size_t len,
			    int timeout_ms)
{
	const struct timespec step = { .tv_nsec = 2 * 1000 * 1000 };
	int waited;
	bool reached = false;

	for (waited = 0; waited <= timeout_ms; waited += 2) {
		pthread_mutex_lock(&printer->lock);
		reached = printer->wire.len >= len;
		pthread_mutex_unlock(&printer->lock);
		if (reached)
			break;
		nanosleep(&step, NULL);
	}
	return reached;
}

static int read_int(struct mock_printer *printer, const int *field)
{
	int value;

	pthread_mutex_lock(&printer->lock);
	value = *field;
	pthread_mutex_unlock(&printer->lock);
	return value;
}

static bool read_bool(struct mock_printer *printer, const bool *field)
{
	bool value;

	pthread_mutex_lock(&printer->lock);
	value = *field;
	pthread_mutex_unlock(&printer->lock);
	return value;
}

int mock_printer_query_count(struct mock_printer *printer)
{
	return read_int(printer, &printer->queries);
}

int mock_printer_halt_clears(struct mock_printer *printer)
{
	return read_int(printer, &printer->halt_clears);
}

int mock_printer_detach_count(struct mock_printer *printer)
{
	return read_int(printer, &printer->detaches);
}

int mock_printer_attach_count(struct mock_printer *printer)
{
	return read_int(printer, &printer->attaches);
}

bool mock_printer_driver_bound(struct mock_printer *printer)
{
	return read_bool(printer, &printer->driver_bound);
}

bool mock_printer_claimed(struct mock_printer *printer)
{
	return read_bool(printer, &printer->claimed);
}
