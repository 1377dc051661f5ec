/* The usbdevfs ioctls of an emulated printer, as libusb's Linux backend
 * makes them: URBs, interface claims and the kernel driver. */
#include <errno.h>
#include <glib.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_printer_state.h"

#define MOCK_SETUP_SIZE 8

/* --- URBs --- */

static void urb_free(struct mock_urb *urb)
{
	if (urb->buffer)
		umockdev_ioctl_data_unref(urb->buffer);
	umockdev_ioctl_data_unref(urb->urb);
	g_object_unref(urb->client);
	free(urb);
}

static void urb_finish(struct mock_urb *urb, int status)
{
	urb->complete = true;
	urb->status = status;
}

/* Move what the printer takes from an OUT URB, within accept_limit. */
static void pump_out(struct mock_printer *printer, struct mock_urb *urb)
{
	while (urb->done < urb->length &&
	       printer->wire.len < printer->accept_limit) {
		if (printer->wire.len == printer->halt_out_at) {
			printer->halted_out = true;
			printer->halt_out_at = SIZE_MAX;
			urb_finish(urb, -EPIPE);
			return;
		}
		mock_printer_take_byte(printer, urb->buffer->data[urb->done]);
		urb->done++;
	}
	if (urb->done == urb->length)
		urb_finish(urb, 0);
}

/* Hand waiting bytes to an IN URB in packets of max_packet. A URB whose
 * length is not a whole number of packets cannot take a full packet at
 * its end: when more is waiting than it holds, it fails with EOVERFLOW
 * (babble) after the bytes it did take. */
static void pump_in(struct mock_printer *printer, struct mock_urb *urb)
{
	size_t n = printer->fifo_len;
	size_t packet = printer->model->max_packet;
	int status = 0;

	if (printer->zero_packets > 0) {
		printer->zero_packets--;
		urb_finish(urb, 0);
		return;
	}
	if (n == 0)
		return;
	if (n > urb->length) {
		n = urb->length;
		if (urb->length % packet != 0)
			status = -EOVERFLOW;
	}
	memcpy(urb->buffer->data, printer->fifo, n);
	memmove(printer->fifo, printer->fifo + n, printer->fifo_len - n);
	printer->fifo_len -= n;
	urb->done = n;
	urb_finish(urb, status);
}

static bool endpoint_halted(const struct mock_printer *printer,
			    unsigned char endpoint)
{
	if (endpoint == printer->model->ep_out)
		return printer->halted_out;
	return endpoint == printer->model->ep_in && printer->halted_in;
}

/* Advance every URB in flight: OUT data in submission order, replies to
 * the first IN URB waiting. */
static void pump(struct mock_printer *printer)
{
	struct mock_urb *urb;

	for (urb = printer->urbs; urb; urb = urb->next) {
		if (urb->complete || urb->type != USBDEVFS_URB_TYPE_BULK)
			continue;
		if (printer->unplugged) {
			urb_finish(urb, -ENODEV);
			continue;
		}
		if (endpoint_halted(printer, urb->endpoint)) {
			urb_finish(urb, -EPIPE);
			continue;
		}
		if (!(urb->endpoint & 0x80)) {
			pump_out(printer, urb);
			if (!urb->complete)
				break;
		}
	}
	for (urb = printer->urbs; urb; urb = urb->next) {
		if (!urb->complete && (urb->endpoint & 0x80) &&
		    urb->type == USBDEVFS_URB_TYPE_BULK)
			pump_in(printer, urb);
	}
}

/* Append a UTF-16LE string descriptor of text (ASCII) to out. */
static size_t string_descriptor(const char *text, unsigned char *out,
				size_t size)
{
	size_t len = strlen(text);
	size_t i;

	if (2 + 2 * len > size)
		len = (size - 2) / 2;
	out[0] = (unsigned char)(2 + 2 * len);
	out[1] = 0x03;
	for (i = 0; i < len; i++) {
		out[2 + 2 * i] = (unsigned char)text[i];
		out[3 + 2 * i] = 0;
	}
	return 2 + 2 * len;
}

/* Build the reply to a control request into reply (the data stage of an
 * IN request). Returns its length or a negative errno (-EPIPE: a stall). */
static int control_reply(struct mock_printer *printer,
			 const unsigned char *setup, unsigned char *reply,
			 size_t size)
{
	const struct mock_model *model = printer->model;
	uint8_t type = setup[0];
	uint8_t request = setup[1];
	uint8_t index = setup[2];
	uint8_t descriptor = setup[3];
	const char *strings[] = { NULL, model->manufacturer, model->name,
				  model->serial };
	size_t len;

	if (type == 0x80 && request == 0x06 && descriptor == 0x03) {
		if (index == 0 && size >= 4) {
			memcpy(reply, "\x04\x03\x09\x04", 4);
			return 4;
		}
		if (index >= 4 || strings[index][0] == '\0')
			return -EPIPE;
		return (int)string_descriptor(strings[index], reply, size);
	}
	/* Printer class GET_DEVICE_ID: a big-endian length, then the ID. */
	if (type == 0xa1 && request == 0x00) {
		len = strlen(model->device_id);
		if (len + 2 > size)
			len = size - 2;
		reply[0] = (unsigned char)((len + 2) >> 8);
		reply[1] = (unsigned char)(len + 2);
		memcpy(reply + 2, model->device_id, len);
		return (int)(len + 2);
	}
	/* Printer class GET_PORT_STATUS: selected, no error, paper. */
	if (type == 0xa1 && request == 0x01 && size >= 1) {
		reply[0] = 0x18;
		return 1;
	}
	return -EPIPE;
}

static void submit_control(struct mock_printer *printer,
			   struct mock_urb *urb)
{
	unsigned char *data = urb->buffer->data;
	int got;

	if (urb->length < MOCK_SETUP_SIZE) {
		urb_finish(urb, -EINVAL);
		return;
	}
	got = control_reply(printer, data, data + MOCK_SETUP_SIZE,
			    urb->length - MOCK_SETUP_SIZE);
	if (got < 0) {
		urb_finish(urb, got);
		return;
	}
	/* An OUT request's data stage is taken whole. */
	if (!(data[0] & 0x80))
		got = (int)(urb->length - MOCK_SETUP_SIZE);
	urb->done = (size_t)got;
	urb_finish(urb, 0);
}

static void handle_submit(struct mock_printer *printer,
			  UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data;
	struct usbdevfs_urb *header;
	struct mock_urb *urb;
	struct mock_urb **tail;

	data = umockdev_ioctl_data_resolve(arg, 0,
					   sizeof(struct usbdevfs_urb), NULL);
	if (!data) {
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}
	header = (struct usbdevfs_urb *)data->data;
	urb = calloc(1, sizeof(*urb));
	if (!urb) {
		umockdev_ioctl_data_unref(data);
		umockdev_ioctl_client_complete(client, -1, ENOMEM);
		return;
	}
	urb->client = g_object_ref(client);
	urb->urb = data;
	urb->type = header->type;
	urb->endpoint = header->endpoint;
	urb->length = header->buffer_length > 0 ?
			      (size_t)header->buffer_length : 0;
	if (urb->length > 0) {
		urb->buffer = umockdev_ioctl_data_resolve(
			data, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
			urb->length, NULL);
	}
	if (urb->length > 0 && !urb->buffer) {
		urb_free(urb);
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}

	if (urb->type == USBDEVFS_URB_TYPE_CONTROL)
		submit_control(printer, urb);
	else if (urb->type != USBDEVFS_URB_TYPE_BULK ||
		 (urb->endpoint != printer->model->ep_out &&
		  urb->endpoint != printer->model->ep_in))
		urb_finish(urb, -EINVAL);

	tail = &printer->urbs;
	while (*tail)
		tail = &(*tail)->next;
	*tail = urb;
	pump(printer);
	umockdev_ioctl_client_complete(client, 0, 0);
}

/* Drop URBs of clients that closed their file descriptor. */
static void sweep_urbs(struct mock_printer *printer)
{
	struct mock_urb **link = &printer->urbs;
	struct mock_urb *urb;

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

/* gone: the device is unplugged, or client uses the node of an earlier
 * plug-in. */
static void handle_reap(struct mock_printer *printer,
			UMockdevIoctlClient *client, UMockdevIoctlData *arg,
			bool gone)
{
	struct mock_urb **link = &printer->urbs;
	struct mock_urb *urb = NULL;
	struct usbdevfs_urb *header;
	UMockdevIoctlData *pointer;

	sweep_urbs(printer);
	pump(printer);
	while (*link) {
		if ((*link)->client == client && (*link)->complete) {
			urb = *link;
			*link = urb->next;
			break;
		}
		link = &(*link)->next;
	}
	if (!urb) {
		umockdev_ioctl_client_complete(client, -1,
					       gone ? ENODEV : EAGAIN);
		return;
	}

	header = (struct usbdevfs_urb *)urb->urb->data;
	header->status = urb->status;
	header->actual_length = (int)urb->done;
	/* Mark both blocks for writing back to the client. */
	umockdev_ioctl_data_update(urb->urb, 0, urb->urb->data,
				   urb->urb->data_len);
	if (urb->buffer)
		umockdev_ioctl_data_update(urb->buffer, 0, urb->buffer->data,
					   urb->buffer->data_len);

	pointer = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);
	if (!pointer) {
		urb_free(urb);
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}
	umockdev_ioctl_data_set_ptr(pointer, 0, urb->urb);
	umockdev_ioctl_client_complete(client, 0, 0);
	umockdev_ioctl_data_unref(pointer);
	urb_free(urb);
}

static void handle_discard(struct mock_printer *printer,
			   UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	gulong address = *(gulong *)arg->data;
	struct mock_urb *urb;

	for (urb = printer->urbs; urb; urb = urb->next) {
		if (urb->client == client && urb->urb->client_addr == address)
			break;
	}
	if (!urb || urb->complete) {
		umockdev_ioctl_client_complete(client, -1, EINVAL);
		return;
	}
	urb_finish(urb, -ENOENT);
	umockdev_ioctl_client_complete(client, 0, 0);
}

/* --- Interface claim and the kernel driver --- */

/* Resolve the ioctl argument as a struct of size bytes. */
static UMockdevIoctlData *resolve_arg(UMockdevIoctlData *arg, size_t size)
{
	return umockdev_ioctl_data_resolve(arg, 0, size, NULL);
}

static int handle_claim(struct mock_printer *printer, UMockdevIoctlData *arg,
			bool claim)
{
	UMockdevIoctlData *data = resolve_arg(arg, sizeof(unsigned int));
	int error = 0;

	if (!data)
		return EFAULT;
	if (*(unsigned int *)data->data != 0)
		error = EINVAL;
	else if (claim && printer->driver_bound)
		error = EBUSY;
	else if (!claim && !printer->claimed)
		error = EINVAL;
	else
		printer->claimed = claim;
	umockdev_ioctl_data_unref(data);
	return error;
}

static int handle_getdriver(struct mock_printer *printer,
			    UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data;
	struct usbdevfs_getdriver *request;
	const char *name = NULL;
	int error = 0;

	data = resolve_arg(arg, sizeof(struct usbdevfs_getdriver));
	if (!data)
		return EFAULT;
	request = (struct usbdevfs_getdriver *)data->data;
	if (printer->claimed)
		name = "usbfs";
	else if (printer->driver_bound)
		name = printer->model->kernel_driver;

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

static int detach_driver(struct mock_printer *printer)
{
	if (printer->claimed)
		return EBUSY;
	if (!printer->driver_bound)
		return ENODATA;
	printer->driver_bound = false;
	printer->detaches++;
	return 0;
}

/* USBDEVFS_IOCTL: USBDEVFS_DISCONNECT and USBDEVFS_CONNECT of the kernel
 * driver on one interface. */
static int handle_driver_ioctl(struct mock_printer *printer,
			       UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data;
	struct usbdevfs_ioctl *request;
	int error = 0;

	data = resolve_arg(arg, sizeof(struct usbdevfs_ioctl));
	if (!data)
		return EFAULT;
	request = (struct usbdevfs_ioctl *)data->data;
	if (request->ifno != 0) {
		error = EINVAL;
	} else if (request->ioctl_code == (int)USBDEVFS_DISCONNECT) {
		error = detach_driver(printer);
	} else if (request->ioctl_code == (int)USBDEVFS_CONNECT) {
		if (printer->claimed) {
			error = EBUSY;
		} else if (printer->model->kernel_driver &&
			   !printer->driver_bound) {
			printer->driver_bound = true;
			printer->attaches++;
		}
	} else {
		error = ENOTTY;
	}
	umockdev_ioctl_data_unref(data);
	return error;
}

/* USBDEVFS_DISCONNECT_CLAIM, as libusb's auto-detach uses it. */
static int handle_disconnect_claim(struct mock_printer *printer,
				   UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data;
	struct usbdevfs_disconnect_claim *request;
	const char *bound = printer->driver_bound ?
				    printer->model->kernel_driver : NULL;
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
	} else if (printer->claimed) {
		error = 0;
	} else if (bound &&
		   (((request->flags &
		      USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) && !named) ||
		    ((request->flags &
		      USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) && named))) {
		error = EBUSY;
	} else {
		if (bound)
			detach_driver(printer);
		printer->claimed = true;
	}
	umockdev_ioctl_data_unref(data);
	return error;
}

/* CLEAR_FEATURE(ENDPOINT_HALT) on one endpoint. */
static int handle_clear_halt(struct mock_printer *printer,
			     UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data = resolve_arg(arg, sizeof(unsigned int));
	unsigned int endpoint;
	int error = 0;

	if (!data)
		return EFAULT;
	endpoint = *(unsigned int *)data->data;
	if (endpoint == printer->model->ep_out)
		printer->halted_out = false;
	else if (endpoint == printer->model->ep_in)
		printer->halted_in = false;
	else
		error = EINVAL;
	if (error == 0)
		printer->halt_clears++;
	umockdev_ioctl_data_unref(data);
	return error;
}

static void handle_capabilities(UMockdevIoctlClient *client,
				UMockdevIoctlData *arg)
{
	UMockdevIoctlData *data = resolve_arg(arg, sizeof(uint32_t));

	if (!data) {
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}
	/* Without scatter-gather and bulk continuation, libusb 1.0.26 submits
	 * each bulk transfer as one URB. */
	*(uint32_t *)data->data = USBDEVFS_CAP_ZERO_PACKET |
				  USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				  USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
	umockdev_ioctl_client_complete(client, 0, 0);
	umockdev_ioctl_data_unref(data);
}

static void complete_errno(UMockdevIoctlClient *client, int error)
{
	umockdev_ioctl_client_complete(client, error ? -1 : 0, error);
}

/* Runs on umockdev's thread for each ioctl on the device node. */
gboolean mock_usbfs_handle_ioctl(UMockdevIoctlBase *handler,
				 UMockdevIoctlClient *client,
				 gpointer user_data)
{
	struct mock_printer *printer = user_data;
	gulong request = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	gboolean handled = TRUE;
	bool gone;

	pthread_mutex_lock(&printer->lock);
	/* A node of an earlier plug-in is gone for good, as on Linux. */
	gone = printer->unplugged || handler != printer->handler;
	if (gone && request != USBDEVFS_REAPURBNDELAY &&
	    request != USBDEVFS_REAPURB) {
		complete_errno(client, ENODEV);
		goto out;
	}

	switch (request) {
	case USBDEVFS_GET_CAPABILITIES:
		handle_capabilities(client, arg);
		break;
	case USBDEVFS_SUBMITURB:
		handle_submit(printer, client, arg);
		break;
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		handle_reap(printer, client, arg, gone);
		break;
	case USBDEVFS_DISCARDURB:
		handle_discard(printer, client, arg);
		break;
	case USBDEVFS_CLAIMINTERFACE:
		complete_errno(client, handle_claim(printer, arg, true));
		break;
	case USBDEVFS_RELEASEINTERFACE:
		complete_errno(client, handle_claim(printer, arg, false));
		break;
	case USBDEVFS_GETDRIVER:
		complete_errno(client, handle_getdriver(printer, arg));
		break;
	case USBDEVFS_IOCTL:
		complete_errno(client, handle_driver_ioctl(printer, arg));
		break;
	case USBDEVFS_DISCONNECT_CLAIM:
		complete_errno(client, handle_disconnect_claim(printer, arg));
		break;
	case USBDEVFS_CLEAR_HALT:
		complete_errno(client, handle_clear_halt(printer, arg));
		break;
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET:
		complete_errno(client, 0);
		break;
	default:
		/* Not handled: umockdev fails it with ENOTTY. */
		handled = FALSE;
		break;
	}
out:
	pthread_mutex_unlock(&printer->lock);
	return handled;
}

void mock_usbfs_free_urbs(struct mock_printer *printer)
{
	struct mock_urb *urb;

	while (printer->urbs) {
		urb = printer->urbs;
		printer->urbs = urb->next;
		urb_free(urb);
	}
}
