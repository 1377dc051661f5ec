/* The usbdevfs side of the emulated USB device: the IN queues, the URBs
 * libusb's Linux backend submits and reaps, interface claims, the kernel
 * driver, halts and the ioctl dispatch. */
#include <errno.h>
#include <glib.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_device_internal.h"

#define SETUP_SIZE 8

/* --- IN queues --- */

struct in_queue *mock_device_in_queue_of(struct mock_device *device,
					 uint8_t endpoint)
{
	if (endpoint != 0 && endpoint == device->bulk_in.endpoint)
		return &device->bulk_in;
	if (endpoint != 0 && endpoint == device->interrupt_in.endpoint)
		return &device->interrupt_in;
	return NULL;
}

void mock_device_in_queue_drop(struct in_queue *queue)
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

void mock_device_urb_free(struct urb *urb)
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
	struct in_queue *queue = mock_device_in_queue_of(device, endpoint);

	if (queue)
		return queue->halted;
	return endpoint == device->desc.ep_bulk_out && device->halted_out;
}

/* Whether urb is a bulk OUT transfer that ops->bulk_out_partial takes
 * while it is in flight. */
static bool out_partial(const struct mock_device *device,
			const struct urb *urb)
{
	return device->ops && device->ops->bulk_out_partial &&
	       urb->type == USBDEVFS_URB_TYPE_BULK &&
	       device->desc.ep_bulk_out != 0 &&
	       urb->endpoint == device->desc.ep_bulk_out;
}

/* Offer the rest of an OUT URB to ops->bulk_out_partial. */
static void out_offer(struct mock_device *device, struct urb *urb)
{
	bool stall = false;
	size_t left = urb->length - urb->done;
	size_t taken;

	taken = device->ops->bulk_out_partial(
		device, device->data,
		urb->buffer ? urb->buffer->data + urb->done : NULL, left,
		&stall);
	if (taken > left)
		taken = left;
	urb->done += taken;
	if (stall) {
		device->halted_out = true;
		urb_finish(urb, -EPIPE);
	} else if (urb->done == urb->length) {
		urb_finish(urb, 0);
	}
}

/* Advance every URB in flight: partial OUT URBs first, each one only
 * once those before it are done, then IN URBs take queued transfers in
 * submission order. Other OUT URBs were handled when submitted. */
static void pump(struct mock_device *device)
{
	struct in_queue *queue;
	bool out_waiting = false;
	struct urb *urb;

	for (urb = device->urbs; urb; urb = urb->next) {
		if (urb->complete)
			continue;
		if (device->unplugged)
			urb_finish(urb, -ENODEV);
		else if (endpoint_halted(device, urb->endpoint))
			urb_finish(urb, -EPIPE);
		else if (out_partial(device, urb) && !out_waiting)
			out_offer(device, urb);
		if (out_partial(device, urb) && !urb->complete)
			out_waiting = true;
	}
	for (urb = device->urbs; urb; urb = urb->next) {
		if (urb->complete)
			continue;
		queue = mock_device_in_queue_of(device, urb->endpoint);
		if (queue && queue->zero_packets > 0) {
			queue->zero_packets--;
			urb->done = 0;
			urb_finish(urb, 0);
		} else if (queue && queue->head) {
			in_queue_take(queue, urb);
		}
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
		/* Left in flight for pump to offer to the device. */
		if (out_partial(device, urb))
			return;
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
		mock_device_urb_free(urb);
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
		mock_device_urb_free(urb);
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
		mock_device_urb_free(urb);
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}
	umockdev_ioctl_data_set_ptr(pointer, 0, urb->header);
	umockdev_ioctl_client_complete(client, 0, 0);
	umockdev_ioctl_data_unref(pointer);
	mock_device_urb_free(urb);
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
	queue = mock_device_in_queue_of(device, (uint8_t)endpoint);
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
gboolean mock_device_handle_ioctl(UMockdevIoctlBase *handler,
				  UMockdevIoctlClient *client,
				  gpointer user_data)
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
