/* A generic USB device emulated under umockdev: sysfs description, the
 * usbdevfs ioctls libusb's Linux backend makes, IN queues, unplug and
 * plug. The behaviour itself comes from struct mock_device_ops. */
#include <errno.h>
#include <glib.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_device.h"

#define SETUP_SIZE 8
#define REPLUGS_MAX 8
#define DEVNODE_SIZE 32
/* Replugged devices take addresses from here to 127, then wrap. */
#define REPLUG_ADDRESS_FIRST 64
#define REPLUG_ADDRESS_LAST 127

/* One transfer queued on an IN endpoint. */
struct in_chunk {
	struct in_chunk *next;
	size_t len;
	size_t taken;              /* bytes read by the host so far */
	unsigned char data[];
};

struct in_queue {
	uint8_t endpoint;          /* 0: the device has no such endpoint */
	uint16_t max_packet;
	struct in_chunk *head;
	size_t bytes;
	bool halted;
};

/* One URB submitted and not reaped yet. */
struct urb {
	UMockdevIoctlClient *client;
	UMockdevIoctlData *header; /* struct usbdevfs_urb, local copy */
	UMockdevIoctlData *buffer; /* its data buffer, local copy */
	unsigned char type;
	unsigned char endpoint;
	size_t length;
	size_t done;
	bool complete;
	int status;                /* 0 or a negative errno */
	struct urb *next;
};

struct mock_device {
	struct mock_device_desc desc;
	unsigned char class_descriptor[MOCK_DEVICE_CLASS_MAX];
	const struct mock_device_ops *ops;
	void *data;
	UMockdevTestbed *testbed;
	UMockdevIoctlBase *handler;
	int address;
	char sysfs_path[96];
	char devnode[DEVNODE_SIZE];
	/* Handlers of earlier plug-ins' nodes: they fail every call. */
	UMockdevIoctlBase *old_handlers[REPLUGS_MAX];
	char old_devnodes[REPLUGS_MAX][DEVNODE_SIZE];
	int replugs;

	/* Everything below is shared with umockdev's thread. */
	pthread_mutex_t lock;
	struct in_queue bulk_in;
	struct in_queue interrupt_in;
	bool halted_out;
	bool unplugged;
	bool driver_bound;
	bool claimed;
	int detaches;
	int attaches;
	int halt_clears;
	struct urb *urbs;
};

static pthread_mutex_t replug_lock = PTHREAD_MUTEX_INITIALIZER;
static int replug_next = REPLUG_ADDRESS_FIRST;

/* --- IN queues --- */

static struct in_queue *in_queue_of(struct mock_device *device,
				    uint8_t endpoint)
{
	if (endpoint != 0 && endpoint == device->bulk_in.endpoint)
		return &device->bulk_in;
	if (endpoint != 0 && endpoint == device->interrupt_in.endpoint)
		return &device->interrupt_in;
	return NULL;
}

static void in_queue_drop(struct in_queue *queue)
{
	struct in_chunk *chunk;

	while (queue->head) {
		chunk = queue->head;
		queue->head = chunk->next;
		free(chunk);
	}
	queue->bytes = 0;
}

/* Hand the head transfer of queue to an IN URB; see mock_device_send. */
static void in_queue_take(struct in_queue *queue, struct urb *urb)
{
	struct in_chunk *chunk = queue->head;
	size_t left = chunk->len - chunk->taken;
	size_t n = left;

	urb->status = 0;
	if (n > urb->length) {
		n = urb->length;
		if (urb->length % queue->max_packet != 0)
			urb->status = -EOVERFLOW;
	}
	if (n > 0)
		memcpy(urb->buffer->data, chunk->data + chunk->taken, n);
	chunk->taken += n;
	queue->bytes -= n;
	urb->done = n;
	urb->complete = true;
	if (chunk->taken == chunk->len || urb->status != 0) {
		queue->bytes -= chunk->len - chunk->taken;
		queue->head = chunk->next;
		free(chunk);
	}
}

/* --- URBs --- */

static void urb_free(struct urb *urb)
{
	if (urb->buffer)
		umockdev_ioctl_data_unref(urb->buffer);
	umockdev_ioctl_data_unref(urb->header);
	g_object_unref(urb->client);
	free(urb);
}

static void urb_finish(struct urb *urb, int status)
{
	urb->complete = true;
	urb->status = status;
}

static bool endpoint_halted(struct mock_device *device, uint8_t endpoint)
{
	struct in_queue *queue = in_queue_of(device, endpoint);

	if (queue)
		return queue->halted;
	return endpoint == device->desc.ep_bulk_out && device->halted_out;
}

/* Advance every URB in flight: IN URBs take queued transfers in
 * submission order. OUT URBs were handled when submitted. */
static void pump(struct mock_device *device)
{
	struct in_queue *queue;
	struct urb *urb;

	for (urb = device->urbs; urb; urb = urb->next) {
		if (urb->complete)
			continue;
		if (device->unplugged) {
			urb_finish(urb, -ENODEV);
			continue;
		}
		if (endpoint_halted(device, urb->endpoint)) {
			urb_finish(urb, -EPIPE);
			continue;
		}
		queue = in_queue_of(device, urb->endpoint);
		if (queue && queue->head)
			in_queue_take(queue, urb);
	}
}

/* Append a UTF-16LE string descriptor of text (ASCII) to out. */
static int string_descriptor(const char *text, unsigned char *out,
			     size_t size)
{
	size_t len = strlen(text);
	size_t i;

	if (size < 2)
		return -EPIPE;
	if (2 + 2 * len > size)
		len = (size - 2) / 2;
	if (len > 126)
		len = 126;
	out[0] = (unsigned char)(2 + 2 * len);
	out[1] = 0x03;
	for (i = 0; i < len; i++) {
		out[2 + 2 * i] = (unsigned char)text[i];
		out[3 + 2 * i] = 0;
	}
	return (int)(2 + 2 * len);
}

static int control_reply(struct mock_device *device,
			 const unsigned char *setup, unsigned char *buf,
			 size_t size)
{
	const char *strings[] = { NULL, device->desc.manufacturer,
				  device->desc.product_name,
				  device->desc.serial };
	uint8_t index = setup[2];

	/* GET_DESCRIPTOR(string) to the device. */
	if (setup[0] == 0x80 && setup[1] == 0x06 && setup[3] == 0x03) {
		if (index == 0 && size >= 4) {
			memcpy(buf, "\x04\x03\x09\x04", 4);
			return 4;
		}
		if (index >= 4 || !strings[index] || !strings[index][0])
			return -EPIPE;
		return string_descriptor(strings[index], buf, size);
	}
	if (!device->ops || !device->ops->control)
		return -EPIPE;
	return device->ops->control(device, device->data, setup, buf, size);
}

static void submit_control(struct mock_device *device, struct urb *urb)
{
	unsigned char *data = urb->buffer->data;
	int got;

	if (urb->length < SETUP_SIZE) {
		urb_finish(urb, -EINVAL);
		return;
	}
	got = control_reply(device, data, data + SETUP_SIZE,
			    urb->length - SETUP_SIZE);
	if (got < 0) {
		urb_finish(urb, got);
		return;
	}
	/* An OUT request's data stage is taken whole. */
	if (!(data[0] & 0x80))
		got = (int)(urb->length - SETUP_SIZE);
	urb->done = (size_t)got;
	urb_finish(urb, 0);
}

/* Check the URB's type against its endpoint and handle OUT data now. */
static void submit_dispatch(struct mock_device *device, struct urb *urb)
{
	const struct mock_device_desc *desc = &device->desc;
	bool bulk = urb->type == USBDEVFS_URB_TYPE_BULK;
	bool interrupt = urb->type == USBDEVFS_URB_TYPE_INTERRUPT;

	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		submit_control(device, urb);
		return;
	}
	if (bulk && desc->ep_bulk_out && urb->endpoint == desc->ep_bulk_out) {
		if (device->halted_out) {
			urb_finish(urb, -EPIPE);
			return;
		}
		if (device->ops && device->ops->bulk_out)
			device->ops->bulk_out(device, device->data,
					      urb->buffer ? urb->buffer->data :
							    NULL,
					      urb->length);
		urb->done = urb->length;
		urb_finish(urb, 0);
		return;
	}
	if (bulk && desc->ep_bulk_in && urb->endpoint == desc->ep_bulk_in)
		return;
	if (interrupt && desc->ep_interrupt_in &&
	    urb->endpoint == desc->ep_interrupt_in)
		return;
	urb_finish(urb, -EINVAL);
}

static struct urb *urb_new(UMockdevIoctlClient *client,
			   UMockdevIoctlData *arg, int *error)
{
	UMockdevIoctlData *header;
	struct usbdevfs_urb *fields;
	struct urb *urb;

	*error = EFAULT;
	header = umockdev_ioctl_data_resolve(arg, 0,
					     sizeof(struct usbdevfs_urb),
					     NULL);
	if (!header)
		return NULL;
	urb = calloc(1, sizeof(*urb));
	if (!urb) {
		umockdev_ioctl_data_unref(header);
		*error = ENOMEM;
		return NULL;
	}
	fields = (struct usbdevfs_urb *)header->data;
	urb->client = g_object_ref(client);
	urb->header = header;
	urb->type = fields->type;
	urb->endpoint = fields->endpoint;
	urb->length = fields->buffer_length > 0 ?
			      (size_t)fields->buffer_length : 0;
	if (urb->length > 0)
		urb->buffer = umockdev_ioctl_data_resolve(
			header, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
			urb->length, NULL);
	if (urb->length > 0 && !urb->buffer) {
		urb_free(urb);
		return NULL;
	}
	return urb;
}

static void handle_submit(struct mock_device *device,
			  UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	struct urb **tail;
	struct urb *urb;
	int error;

	urb = urb_new(client, arg, &error);
	if (!urb) {
		umockdev_ioctl_client_complete(client, -1, error);
		return;
	}
	submit_dispatch(device, urb);

	tail = &device->urbs;
	while (*tail)
		tail = &(*tail)->next;
	*tail = urb;
	pump(device);
	umockdev_ioctl_client_complete(client, 0, 0);
}

/* Drop URBs of clients that closed their file descriptor. */
static void sweep_urbs(struct mock_device *device)
{
	struct urb **link = &device->urbs;
	struct urb *urb;

	while (*link) {
		urb = *link;
		if (umockdev_ioctl_client_get_connected(urb->client)) {
			link = &urb->next;
			continue;
		}
		*link = urb->next;
		urb_free(urb);
	}
}

static struct urb *unlink_complete(struct mock_device *device,
				   UMockdevIoctlClient *client)
{
	struct urb **link = &device->urbs;
	struct urb *urb;

	while (*link) {
		urb = *link;
		if (urb->client == client && urb->complete) {
			*link = urb->next;
			return urb;
		}
		link = &urb->next;
	}
	return NULL;
}

/* gone: the device is unplugged, or client uses an earlier node. */
static void handle_reap(struct mock_device *device,
			UMockdevIoctlClient *client, UMockdevIoctlData *arg,
			bool gone)
{
	struct usbdevfs_urb *fields;
	UMockdevIoctlData *pointer;
	struct urb *urb;

	sweep_urbs(device);
	pump(device);
	urb = unlink_complete(device, client);
	if (!urb) {
		umockdev_ioctl_client_complete(client, -1,
					       gone ? ENODEV : EAGAIN);
		return;
	}

	fields = (struct usbdevfs_urb *)urb->header->data;
	fields->status = urb->status;
	fields->actual_length = (int)urb->done;
	/* Mark both blocks for writing back to the client. */
	umockdev_ioctl_data_update(urb->header, 0, urb->header->data,
				   urb->header->data_len);
	if (urb->buffer)
		umockdev_ioctl_data_update(urb->buffer, 0, urb->buffer->data,
					   urb->buffer->data_len);

	pointer = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);
	if (!pointer) {
		urb_free(urb);
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}
	umockdev_ioctl_data_set_ptr(pointer, 0, urb->header);
	umockdev_ioctl_client_complete(client, 0, 0);
	umockdev_ioctl_data_unref(pointer);
	urb_free(urb);
}

static int handle_discard(struct mock_device *device,
			  UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	gulong address = *(gulong *)arg->data;
	struct urb *urb;

	for (urb = device->urbs; urb; urb = urb->next) {
		if (urb->client == client &&
		    urb->header->client_addr == address)
			break;
	}
	if (!urb || urb->complete)
		return EINVAL;
	urb_finish(urb, -ENOENT);
	return 0;
}

/* --- Interface claim, kernel driver, halts --- */

static UMockdevIoctlData *resolve_arg(UMockdevIoctlData *arg, size_t size)
{
	return umockdev_ioctl_data_resolve(arg, 0, size, NULL);
}

static int handle_claim(struct mock_device *device, UMockdevIoctlData *arg,
			bool claim)
{
	UMockdevIoctlData *data = resolve_arg(arg, sizeof(unsigned int));
	int error = 0;

	if (!data)
		return EFAULT;
	if (*(unsigned int *)data->data != 0)
		error = EINVAL;
	else if (claim && device->driver_bound)
		error = EBUSY;
	else if (!claim && !device->claimed)
		error = EINVAL;
	else
		device->claimed = claim;
	umockdev_ioctl_data_unref(data);
	return error;
}

static int handle_getdriver(struct mock_device *device,
			    UMockdevIoctlData *arg)
{
	struct usbdevfs_getdriver *request;
	UMockdevIoctlData *data;
	const char *name = NULL;
	int error = 0;

	data = resolve_arg(arg, sizeof(struct usbdevfs_getdriver));
	if (!data)
		return EFAULT;
	request = (struct usbdevfs_getdriver *)data->data;
	if (device->claimed)
		name = "usbfs";
	else if (device->driver_bound)
		name = device->desc.kernel_driver;

	if (request->interface != 0)
		error = EINVAL;
	else if (!name)
		error = ENODATA;
	else
		snprintf(request->driver, sizeof(request->driver), "%s",
			 name);
	umockdev_ioctl_data_unref(data);
	return error;
}

static int detach_driver(struct mock_device *device)
{
	if (device->claimed)
		return EBUSY;
	if (!device->driver_bound)
		return ENODATA;
	device->driver_bound = false;
	device->detaches++;
	return 0;
}

/* USBDEVFS_IOCTL carrying USBDEVFS_DISCONNECT or USBDEVFS_CONNECT. */
static int handle_driver_ioctl(struct mock_device *device,
			       UMockdevIoctlData *arg)
{
	struct usbdevfs_ioctl *request;
	UMockdevIoctlData *data;
	int error = 0;

	data = resolve_arg(arg, sizeof(struct usbdevfs_ioctl));
	if (!data)
		return EFAULT;
	request = (struct usbdevfs_ioctl *)data->data;
	if (request->ifno != 0) {
		error = EINVAL;
	} else if (request->ioctl_code == (int)USBDEVFS_DISCONNECT) {
		error = detach_driver(device);
	} else if (request->ioctl_code == (int)USBDEVFS_CONNECT) {
		if (device->claimed) {
			error = EBUSY;
		} else if (device->desc.kernel_driver &&
			   !device->driver_bound) {
			device->driver_bound = true;
			device->attaches++;
		}
	} else {
		error = ENOTTY;
	}
	umockdev_ioctl_data_unref(data);
	return error;
}

/* USBDEVFS_DISCONNECT_CLAIM, as libusb's auto-detach uses it. */
static int handle_disconnect_claim(struct mock_device *device,
				   UMockdevIoctlData *arg)
{
	struct usbdevfs_disconnect_claim *request;
	const char *bound = device->driver_bound ?
				    device->desc.kernel_driver : NULL;
	UMockdevIoctlData *data;
	bool named;
	int error = 0;

	data = resolve_arg(arg, sizeof(struct usbdevfs_disconnect_claim));
	if (!data)
		return EFAULT;
	request = (struct usbdevfs_disconnect_claim *)data->data;
	request->driver[sizeof(request->driver) - 1] = '\0';
	named = bound && strcmp(bound, request->driver) == 0;

	if (request->interface != 0) {
		error = EINVAL;
	} else if (device->claimed) {
		error = 0;
	} else if (bound &&
		   (((request->flags &
		      USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) && !named) ||
		    ((request->flags &
		      USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) && named))) {
		error = EBUSY;
	} else {
		if (bound)
			detach_driver(device);
		device->claimed = true;
	}
	umockdev_ioctl_data_unref(data);
	return error;
}

static int handle_clear_halt(struct mock_device *device,
			     UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data = resolve_arg(arg, sizeof(unsigned int));
	struct in_queue *queue;
	unsigned int endpoint;
	int error = 0;

	if (!data)
		return EFAULT;
	endpoint = *(unsigned int *)data->data;
	queue = in_queue_of(device, (uint8_t)endpoint);
	if (queue)
		queue->halted = false;
	else if (endpoint != 0 && endpoint == device->desc.ep_bulk_out)
		device->halted_out = false;
	else
		error = EINVAL;
	if (error == 0)
		device->halt_clears++;
	umockdev_ioctl_data_unref(data);
	return error;
}

static int handle_capabilities(UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data = resolve_arg(arg, sizeof(uint32_t));

	if (!data)
		return EFAULT;
	/* Without scatter-gather and bulk continuation, libusb 1.0.26
	 * submits each bulk transfer as one URB. */
	*(uint32_t *)data->data = USBDEVFS_CAP_ZERO_PACKET |
				  USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				  USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
	umockdev_ioctl_data_unref(data);
	return 0;
}

static void complete_errno(UMockdevIoctlClient *client, int error)
{
	umockdev_ioctl_client_complete(client, error ? -1 : 0, error);
}

/* The ioctls that answer with an errno alone. Returns -1 for one that
 * is not among them. */
static int handle_simple(struct mock_device *device, gulong request,
			 UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	switch (request) {
	case USBDEVFS_GET_CAPABILITIES:
		return handle_capabilities(arg);
	case USBDEVFS_DISCARDURB:
		return handle_discard(device, client, arg);
	case USBDEVFS_CLAIMINTERFACE:
		return handle_claim(device, arg, true);
	case USBDEVFS_RELEASEINTERFACE:
		return handle_claim(device, arg, false);
	case USBDEVFS_GETDRIVER:
		return handle_getdriver(device, arg);
	case USBDEVFS_IOCTL:
		return handle_driver_ioctl(device, arg);
	case USBDEVFS_DISCONNECT_CLAIM:
		return handle_disconnect_claim(device, arg);
	case USBDEVFS_CLEAR_HALT:
		return handle_clear_halt(device, arg);
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET:
		return 0;
	default:
		return -1;
	}
}

/* Runs on umockdev's thread for each ioctl on one of the device's
 * nodes. */
static gboolean handle_ioctl(UMockdevIoctlBase *handler,
			     UMockdevIoctlClient *client, gpointer user_data)
{
	struct mock_device *device = user_data;
	gulong request = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	gboolean handled = TRUE;
	bool gone;
	int error;

	pthread_mutex_lock(&device->lock);
	/* A node of an earlier plug-in is gone for good, as on Linux. */
	gone = device->unplugged || handler != device->handler;
	if (request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY) {
		handle_reap(device, client, arg, gone);
	} else if (gone) {
		complete_errno(client, ENODEV);
	} else if (request == USBDEVFS_SUBMITURB) {
		handle_submit(device, client, arg);
	} else {
		error = handle_simple(device, request, client, arg);
		if (error >= 0)
			complete_errno(client, error);
		else
			handled = FALSE; /* umockdev fails it with ENOTTY */
	}
	pthread_mutex_unlock(&device->lock);
	return handled;
}

/* --- Sysfs description --- */

static size_t put_endpoint(unsigned char *out, uint8_t address,
			   uint8_t attributes, uint16_t max_packet,
			   uint8_t interval)
{
	const unsigned char bytes[7] = {
		7, 0x05, address, attributes,
		(unsigned char)(max_packet & 0xff),
		(unsigned char)(max_packet >> 8), interval,
	};

	memcpy(out, bytes, sizeof(bytes));
	return sizeof(bytes);
}

static uint8_t string_index(const char *text, uint8_t index)
{
	return text && text[0] ? index : 0;
}

/* The descriptors as the kernel exposes them in sysfs "descriptors":
 * device, configuration, interface, class descriptor, endpoints. */
static size_t build_descriptors(const struct mock_device *device,
				unsigned char *out)
{
	const struct mock_device_desc *desc = &device->desc;
	uint8_t endpoints = (uint8_t)((desc->ep_bulk_out != 0) +
				      (desc->ep_bulk_in != 0) +
				      (desc->ep_interrupt_in != 0));
	size_t total = 9 + 9 + desc->class_descriptor_len + 7u * endpoints;
	const unsigned char head[] = {
		/* device: USB 2.0, class per interface, EP0 64 bytes */
		18, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 64,
		(unsigned char)(desc->vendor & 0xff),
		(unsigned char)(desc->vendor >> 8),
		(unsigned char)(desc->product & 0xff),
		(unsigned char)(desc->product >> 8), 0x00, 0x01,
		string_index(desc->manufacturer, 1),
		string_index(desc->product_name, 2),
		string_index(desc->serial, 3), 1,
		/* configuration 1, bus-powered, 100 mA */
		9, 0x02, (unsigned char)(total & 0xff),
		(unsigned char)(total >> 8), 1, 1, 0, 0x80, 50,
		/* interface 0 */
		9, 0x04, 0, 0, endpoints, desc->interface_class,
		desc->interface_subclass, desc->interface_protocol, 0,
	};
	size_t len = sizeof(head);

	memcpy(out, head, len);
	memcpy(out + len, device->class_descriptor,
	       desc->class_descriptor_len);
	len += desc->class_descriptor_len;
	if (desc->ep_bulk_out)
		len += put_endpoint(out + len, desc->ep_bulk_out, 0x02,
				    desc->bulk_max_packet, 0);
	if (desc->ep_bulk_in)
		len += put_endpoint(out + len, desc->ep_bulk_in, 0x02,
				    desc->bulk_max_packet, 0);
	if (desc->ep_interrupt_in)
		len += put_endpoint(out + len, desc->ep_interrupt_in, 0x03,
				    desc->interrupt_max_packet,
				    desc->interrupt_interval);
	return len;
}

static int speed_of(uint16_t max_packet)
{
	if (max_packet > 512)
		return 5000;
	return max_packet > 64 ? 480 : 12;
}

static gboolean add_sysfs(struct mock_device *device)
{
	unsigned char descriptors[64 + MOCK_DEVICE_CLASS_MAX];
	size_t len = build_descriptors(device, descriptors);
	GString *text = g_string_new(NULL);
	gboolean ok;
	size_t i;

	g_string_append_printf(
		text,
		"P: %s\nN: bus/usb/001/%03d\nE: SUBSYSTEM=usb\n"
		"E: DEVTYPE=usb_device\nE: DRIVER=usb\nE: BUSNUM=001\n"
		"E: DEVNUM=%03d\nE: DEVNAME=%s\nE: PRODUCT=%x/%x/100\n"
		"A: busnum=1\\n\nA: devnum=%d\\n\nA: speed=%d\\n\n"
		"A: bConfigurationValue=1\\n\nA: idVendor=%04x\\n\n"
		"A: idProduct=%04x\\n\nH: descriptors=",
		device->sysfs_path + strlen("/sys"), device->address,
		device->address, device->devnode, device->desc.vendor,
		device->desc.product, device->address,
		speed_of(device->desc.bulk_max_packet), device->desc.vendor,
		device->desc.product);
	for (i = 0; i < len; i++)
		g_string_append_printf(text, "%02x", descriptors[i]);
	g_string_append(text, "\n");
	ok = umockdev_testbed_add_from_string(device->testbed, text->str,
					      NULL);
	g_string_free(text, TRUE);
	return ok;
}

/* --- Life cycle --- */

static bool desc_valid(const struct mock_device_desc *desc, int address)
{
	if (address < 2 || address >= REPLUG_ADDRESS_FIRST)
		return false;
	if (desc->class_descriptor_len > MOCK_DEVICE_CLASS_MAX)
		return false;
	if (desc->class_descriptor_len > 0 && !desc->class_descriptor)
		return false;
	if ((desc->ep_bulk_out || desc->ep_bulk_in) &&
	    desc->bulk_max_packet == 0)
		return false;
	return !desc->ep_interrupt_in || desc->interrupt_max_packet > 0;
}

static UMockdevIoctlBase *attach_handler(struct mock_device *device,
					 const char *devnode)
{
	UMockdevIoctlBase *handler = umockdev_ioctl_base_new();

	g_signal_connect(handler, "handle-ioctl", G_CALLBACK(handle_ioctl),
			 device);
	if (!umockdev_testbed_attach_ioctl(device->testbed, devnode, handler,
					   NULL)) {
		g_object_unref(handler);
		return NULL;
	}
	return handler;
}

static void set_address(struct mock_device *device, int address)
{
	device->address = address;
	snprintf(device->devnode, sizeof(device->devnode),
		 "/dev/bus/usb/001/%03d", address);
}

struct mock_device *mock_device_new(UMockdevTestbed *testbed,
				    const struct mock_device_desc *desc,
				    int address,
				    const struct mock_device_ops *ops,
				    void *data)
{
	pthread_mutexattr_t attributes;
	struct mock_device *device;

	if (!testbed || !desc || !desc_valid(desc, address))
		return NULL;
	device = calloc(1, sizeof(*device));
	if (!device)
		return NULL;
	device->desc = *desc;
	if (desc->class_descriptor_len > 0)
		memcpy(device->class_descriptor, desc->class_descriptor,
		       desc->class_descriptor_len);
	device->ops = ops;
	device->data = data;
	device->testbed = g_object_ref(testbed);
	device->bulk_in.endpoint = desc->ep_bulk_in;
	device->bulk_in.max_packet = desc->bulk_max_packet;
	device->interrupt_in.endpoint = desc->ep_interrupt_in;
	device->interrupt_in.max_packet = desc->interrupt_max_packet;
	device->driver_bound = desc->kernel_driver != NULL;
	pthread_mutexattr_init(&attributes);
	pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&device->lock, &attributes);
	pthread_mutexattr_destroy(&attributes);
	snprintf(device->sysfs_path, sizeof(device->sysfs_path),
		 "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%d",
		 address - 1);
	set_address(device, address);

	/* The handler must be in place before the device node appears. */
	device->handler = attach_handler(device, device->devnode);
	if (!device->handler || !add_sysfs(device)) {
		mock_device_free(device);
		return NULL;
	}
	return device;
}

void mock_device_free(struct mock_device *device)
{
	struct urb *urb;
	int i;

	if (!device)
		return;
	if (device->handler) {
		umockdev_testbed_detach_ioctl(device->testbed, device->devnode,
					      NULL);
		g_object_unref(device->handler);
	}
	for (i = 0; i < device->replugs; i++) {
		umockdev_testbed_detach_ioctl(device->testbed,
					      device->old_devnodes[i], NULL);
		g_object_unref(device->old_handlers[i]);
	}
	while (device->urbs) {
		urb = device->urbs;
		device->urbs = urb->next;
		urb_free(urb);
	}
	in_queue_drop(&device->bulk_in);
	in_queue_drop(&device->interrupt_in);
	g_object_unref(device->testbed);
	pthread_mutex_destroy(&device->lock);
	free(device);
}

void mock_device_lock(struct mock_device *device)
{
	pthread_mutex_lock(&device->lock);
}

void mock_device_unlock(struct mock_device *device)
{
	pthread_mutex_unlock(&device->lock);
}

/* --- Switches, called from any thread --- */

int mock_device_send(struct mock_device *device, uint8_t endpoint,
		     const unsigned char *buf, size_t len)
{
	struct in_chunk **tail;
	struct in_chunk *chunk;
	struct in_queue *queue;
	int result = 0;

	pthread_mutex_lock(&device->lock);
	queue = in_queue_of(device, endpoint);
	if (!queue) {
		result = -EINVAL;
		goto out;
	}
	if (queue->bytes + len > MOCK_DEVICE_IN_MAX) {
		result = -ENOSPC;
		goto out;
	}
	chunk = malloc(sizeof(*chunk) + len);
	if (!chunk) {
		result = -ENOMEM;
		goto out;
	}
	chunk->next = NULL;
	chunk->len = len;
	chunk->taken = 0;
	if (len > 0)
		memcpy(chunk->data, buf, len);
	tail = &queue->head;
	while (*tail)
		tail = &(*tail)->next;
	*tail = chunk;
	queue->bytes += len;
out:
	pthread_mutex_unlock(&device->lock);
	return result;
}

void mock_device_drop_in(struct mock_device *device, uint8_t endpoint)
{
	struct in_queue *queue;

	pthread_mutex_lock(&device->lock);
	queue = in_queue_of(device, endpoint);
	if (queue)
		in_queue_drop(queue);
	pthread_mutex_unlock(&device->lock);
}

size_t mock_device_pending_in(struct mock_device *device, uint8_t endpoint)
{
	struct in_queue *queue;
	size_t bytes = 0;

	pthread_mutex_lock(&device->lock);
	queue = in_queue_of(device, endpoint);
	if (queue)
		bytes = queue->bytes;
	pthread_mutex_unlock(&device->lock);
	return bytes;
}

void mock_device_halt(struct mock_device *device, uint8_t endpoint)
{
	struct in_queue *queue;

	pthread_mutex_lock(&device->lock);
	queue = in_queue_of(device, endpoint);
	if (queue)
		queue->halted = true;
	else if (endpoint != 0 && endpoint == device->desc.ep_bulk_out)
		device->halted_out = true;
	pthread_mutex_unlock(&device->lock);
}

/* NOTE: a real unplug also raises POLLERR on the usbfs file descriptor;
 * umockdev cannot raise it, so libusb learns of the removal from the
 * reaped ENODEV and the uevent. */
void mock_device_unplug(struct mock_device *device)
{
	pthread_mutex_lock(&device->lock);
	device->unplugged = true;
	pthread_mutex_unlock(&device->lock);
	umockdev_testbed_uevent(device->testbed, device->sysfs_path,
				"remove");
}

static int next_replug_address(void)
{
	int address;

	/* NOTE: after 64 plug-ins in one process the addresses wrap, so a
	 * testbed that lives that long could reuse a node. */
	pthread_mutex_lock(&replug_lock);
	address = replug_next++;
	if (replug_next > REPLUG_ADDRESS_LAST)
		replug_next = REPLUG_ADDRESS_FIRST;
	pthread_mutex_unlock(&replug_lock);
	return address;
}

/* Move the device to a new address and node with a new handler; the old
 * handler stays on the old node and fails every call. */
static int move_to_new_address(struct mock_device *device)
{
	char devnode[DEVNODE_SIZE];
	UMockdevIoctlBase *handler;
	int address = next_replug_address();

	if (device->replugs == REPLUGS_MAX)
		return -1;
	snprintf(devnode, sizeof(devnode), "/dev/bus/usb/001/%03d", address);
	handler = attach_handler(device, devnode);
	if (!handler)
		return -1;

	pthread_mutex_lock(&device->lock);
	device->old_handlers[device->replugs] = device->handler;
	memcpy(device->old_devnodes[device->replugs], device->devnode,
	       sizeof(device->devnode));
	device->replugs++;
	device->handler = handler;
	set_address(device, address);
	pthread_mutex_unlock(&device->lock);

	umockdev_testbed_remove_device(device->testbed, device->sysfs_path);
	return add_sysfs(device) ? 0 : -1;
}

int mock_device_plug(struct mock_device *device)
{
	if (move_to_new_address(device) != 0)
		return -1;
	pthread_mutex_lock(&device->lock);
	device->unplugged = false;
	device->driver_bound = device->desc.kernel_driver != NULL;
	device->claimed = false;
	device->halted_out = false;
	device->bulk_in.halted = false;
	device->interrupt_in.halted = false;
	in_queue_drop(&device->bulk_in);
	in_queue_drop(&device->interrupt_in);
	pthread_mutex_unlock(&device->lock);
	umockdev_testbed_uevent(device->testbed, device->sysfs_path, "add");
	return 0;
}

const char *mock_device_devnode(const struct mock_device *device)
{
	return device->devnode;
}

int mock_device_address(const struct mock_device *device)
{
	return device->address;
}

static int read_int(struct mock_device *device, const int *field)
{
	int value;

	pthread_mutex_lock(&device->lock);
	value = *field;
	pthread_mutex_unlock(&device->lock);
	return value;
}

static bool read_bool(struct mock_device *device, const bool *field)
{
	bool value;

	pthread_mutex_lock(&device->lock);
	value = *field;
	pthread_mutex_unlock(&device->lock);
	return value;
}

int mock_device_detach_count(struct mock_device *device)
{
	return read_int(device, &device->detaches);
}

int mock_device_attach_count(struct mock_device *device)
{
	return read_int(device, &device->attaches);
}

bool mock_device_driver_bound(struct mock_device *device)
{
	return read_bool(device, &device->driver_bound);
}

bool mock_device_claimed(struct mock_device *device)
{
	return read_bool(device, &device->claimed);
}

int mock_device_halt_clears(struct mock_device *device)
{
	return read_int(device, &device->halt_clears);
}
