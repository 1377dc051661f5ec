/* A generic USB device emulated under umockdev: its sysfs description,
 * life cycle, unplug and plug, and the switches a test calls. The usbdevfs
 * ioctls are in mock_device_urb.c, and the behaviour itself comes from
 * struct mock_device_ops. */
#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_device_internal.h"

/* Replugged devices take addresses from here to 127, then wrap. */
#define REPLUG_ADDRESS_FIRST 64
#define REPLUG_ADDRESS_LAST 127

static pthread_mutex_t replug_lock = PTHREAD_MUTEX_INITIALIZER;
static int replug_next = REPLUG_ADDRESS_FIRST;

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
		/* configuration 1, 100 mA */
		9, 0x02, (unsigned char)(total & 0xff),
		(unsigned char)(total >> 8), 1, 1, 0,
		desc->self_powered ? 0xc0 : 0x80, 50,
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

	g_signal_connect(handler, "handle-ioctl",
			 G_CALLBACK(mock_device_handle_ioctl), device);
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
		mock_device_urb_free(urb);
	}
	mock_device_in_queue_drop(&device->bulk_in);
	mock_device_in_queue_drop(&device->interrupt_in);
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
	queue = mock_device_in_queue_of(device, endpoint);
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

int mock_device_zero_packets(struct mock_device *device, uint8_t endpoint,
			     int count)
{
	struct in_queue *queue;
	int result = -EINVAL;

	pthread_mutex_lock(&device->lock);
	queue = mock_device_in_queue_of(device, endpoint);
	if (queue && count >= 0) {
		queue->zero_packets = count;
		result = 0;
	}
	pthread_mutex_unlock(&device->lock);
	return result;
}

void mock_device_drop_in(struct mock_device *device, uint8_t endpoint)
{
	struct in_queue *queue;

	pthread_mutex_lock(&device->lock);
	queue = mock_device_in_queue_of(device, endpoint);
	if (queue)
		mock_device_in_queue_drop(queue);
	pthread_mutex_unlock(&device->lock);
}

size_t mock_device_pending_in(struct mock_device *device, uint8_t endpoint)
{
	struct in_queue *queue;
	size_t bytes = 0;

	pthread_mutex_lock(&device->lock);
	queue = mock_device_in_queue_of(device, endpoint);
	if (queue)
		bytes = queue->bytes;
	pthread_mutex_unlock(&device->lock);
	return bytes;
}

void mock_device_halt(struct mock_device *device, uint8_t endpoint)
{
	struct in_queue *queue;

	pthread_mutex_lock(&device->lock);
	queue = mock_device_in_queue_of(device, endpoint);
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
static int move_to_address(struct mock_device *device, int address)
{
	char devnode[DEVNODE_SIZE];
	UMockdevIoctlBase *handler;

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

/* Reset what a new plug-in starts without, and announce it. */
static void plug_in(struct mock_device *device)
{
	pthread_mutex_lock(&device->lock);
	device->unplugged = false;
	device->driver_bound = device->desc.kernel_driver != NULL;
	device->claimed = false;
	device->halted_out = false;
	device->bulk_in.halted = false;
	device->interrupt_in.halted = false;
	mock_device_in_queue_drop(&device->bulk_in);
	mock_device_in_queue_drop(&device->interrupt_in);
	device->bulk_in.zero_packets = 0;
	device->interrupt_in.zero_packets = 0;
	pthread_mutex_unlock(&device->lock);
	umockdev_testbed_uevent(device->testbed, device->sysfs_path, "add");
}

int mock_device_plug(struct mock_device *device)
{
	if (move_to_address(device, next_replug_address()) != 0)
		return -1;
	plug_in(device);
	return 0;
}

int mock_device_plug_at(struct mock_device *device, int address)
{
	if (address < REPLUG_ADDRESS_FIRST || address > REPLUG_ADDRESS_LAST)
		return -1;
	if (move_to_address(device, address) != 0)
		return -1;
	plug_in(device);
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
