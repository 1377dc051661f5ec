/* The transfers of the USB layer (bulk, interrupt and class control
 * requests) and the translation of libusb errors into usb_error codes. */
#define LOG_MODULE "usb"
#include "usb.h"
#include "usb_internal.h"

#include <libusb.h>
#include <stdint.h>
#include <string.h>

#include "../app/log.h"

/* The largest bulk chunk, so each chunk gets its own timeout. */
#define USB_CHUNK_MAX 4096

int usb_from_libusb(int libusb_error)
{
	if (libusb_error >= 0)
		return USB_OK;

	switch (libusb_error) {
	case LIBUSB_ERROR_IO:
		return USB_EIO;
	case LIBUSB_ERROR_INVALID_PARAM:
		return USB_EINVAL;
	case LIBUSB_ERROR_ACCESS:
		return USB_EACCESS;
	case LIBUSB_ERROR_NO_DEVICE:
		return USB_ENODEV;
	case LIBUSB_ERROR_NOT_FOUND:
		return USB_ENOTFOUND;
	case LIBUSB_ERROR_BUSY:
		return USB_EBUSY;
	case LIBUSB_ERROR_TIMEOUT:
		return USB_ETIMEOUT;
	case LIBUSB_ERROR_OVERFLOW:
		return USB_EOVERFLOW;
	case LIBUSB_ERROR_PIPE:
		return USB_EPIPE;
	case LIBUSB_ERROR_NO_MEM:
		return USB_ENOMEM;
	case LIBUSB_ERROR_NOT_SUPPORTED:
		return USB_ENOTSUP;
	default:
		log_warn("unmapped libusb error %d (%s)", libusb_error,
		         libusb_error_name(libusb_error));
		return USB_EOTHER;
	}
}

const char *usb_strerror(int error)
{
	switch (error) {
	case USB_OK:
		return "no error";
	case USB_EIO:
		return "USB transfer failed: check the cable and try again";
	case USB_EACCESS:
		return "no permission to use the USB device: install "
		       "drivers/60-spotagent.rules and add this user to the "
		       "spotagent group";
	case USB_ENODEV:
		return "USB device unplugged: plug it in again";
	case USB_ENOTFOUND:
		return "USB device not found: check that it is plugged in "
		       "and switched on";
	case USB_EBUSY:
		return "USB device is in use by another program: close it "
		       "and try again";
	case USB_ETIMEOUT:
		return "USB device did not answer in time: check that it is "
		       "switched on";
	case USB_EPIPE:
		return "USB device rejected the transfer: switch it off and "
		       "on again";
	case USB_EOVERFLOW:
		return "USB device sent more data than expected";
	case USB_ENOMEM:
		return "out of memory";
	case USB_EINVAL:
		return "invalid USB request";
	case USB_ENOTSUP:
		return "not supported by this system's USB stack";
	case USB_EOTHER:
		return "USB error: see the log for details";
	default:
		return "unknown USB error";
	}
}

/* Translate a transfer's result; a stalled endpoint is cleared once so
 * that the next transfer can work, and still reported. */
static int transfer_error(struct usb_handle *handle, uint8_t endpoint, int rc)
{
	/* Endpoint 0 recovers from a stall by itself at the next setup. */
	if (rc == LIBUSB_ERROR_PIPE && endpoint != 0) {
		int clear = libusb_clear_halt(handle->device, endpoint);

		log_warn("endpoint 0x%02x stalled; clear halt %s", endpoint,
			 clear == 0 ? "done" : libusb_error_name(clear));
	} else if (rc != LIBUSB_ERROR_TIMEOUT) {
		log_warn("transfer on endpoint 0x%02x failed: %s", endpoint,
		         libusb_error_name(rc));
	}
	return usb_from_libusb(rc);
}

int usb_bulk_write(struct usb_handle *handle, const unsigned char *data,
		   size_t len, int timeout_ms, size_t *written)
{
	size_t done = 0;
	int error = USB_OK;

	if (written != NULL)
		*written = 0;
	if (handle == NULL || (data == NULL && len > 0) || timeout_ms <= 0 ||
	    handle->info.ep_bulk_out == 0)
		return USB_EINVAL;

	while (done < len) {
		size_t chunk = len - done;
		int moved = 0;
		int rc;

		if (chunk > USB_CHUNK_MAX)
			chunk = USB_CHUNK_MAX;
		/* libusb takes a non-const buffer for both directions. */
		rc = libusb_bulk_transfer(handle->device,
		                          handle->info.ep_bulk_out,
		                          (unsigned char *)data + done,
		                          (int)chunk, &moved, timeout_ms);
		done += moved > 0 ? (size_t)moved : 0;
		if (rc != LIBUSB_SUCCESS) {
			error = transfer_error(handle, handle->info.ep_bulk_out,
			                       rc);
			break;
		}
	}
	if (written != NULL)
		*written = done;
	return error;
}

static size_t take_pending(struct usb_handle *handle, unsigned char *buf,
			   size_t size)
{
	size_t n = handle->pending_len < size ? handle->pending_len : size;

	memcpy(buf, handle->pending, n);
	memmove(handle->pending, handle->pending + n, handle->pending_len - n);
	handle->pending_len -= n;
	return n;
}

int usb_bulk_read(struct usb_handle *handle, unsigned char *buf, size_t size,
		  int timeout_ms, size_t *got)
{
	size_t packet;
	size_t length;
	unsigned char *target;
	int moved = 0;
	int rc;

	if (got != NULL)
		*got = 0;
	if (handle == NULL || buf == NULL || got == NULL || size == 0 ||
	    timeout_ms <= 0 || handle->info.ep_bulk_in == 0)
		return USB_EINVAL;
	if (handle->pending_len > 0) {
		*got = take_pending(handle, buf, size);
		return USB_OK;
	}

	/* A read shorter than a packet would overflow when the device sends
	 * a whole one, so it goes through the handle's packet buffer. */
	packet = handle->info.max_packet_in;
	if (packet == 0 || packet > USB_PACKET_MAX)
		packet = USB_PACKET_MAX;
	if (size >= packet) {
		length = size - size % packet;
		target = buf;
	} else {
		length = packet;
		target = handle->pending;
	}
	if (length > INT32_MAX)
		length = INT32_MAX - INT32_MAX % packet;

	rc = libusb_bulk_transfer(handle->device, handle->info.ep_bulk_in,
	                          target, (int)length, &moved, timeout_ms);
	if (target == handle->pending) {
		handle->pending_len = moved > 0 ? (size_t)moved : 0;
		*got = take_pending(handle, buf, size);
	} else {
		*got = moved > 0 ? (size_t)moved : 0;
	}
	if (rc == LIBUSB_ERROR_TIMEOUT && *got > 0)
		return USB_OK;
	if (rc != LIBUSB_SUCCESS)
		return transfer_error(handle, handle->info.ep_bulk_in, rc);
	return USB_OK;
}

int usb_interrupt_read(struct usb_handle *handle, unsigned char *buf,
		       size_t size, int timeout_ms, size_t *got)
{
	int moved = 0;
	int rc;

	if (got != NULL)
		*got = 0;
	if (handle == NULL || buf == NULL || got == NULL || size == 0 ||
	    size > INT32_MAX || timeout_ms <= 0 ||
	    handle->info.ep_interrupt_in == 0)
		return USB_EINVAL;

	rc = libusb_interrupt_transfer(handle->device,
	                               handle->info.ep_interrupt_in, buf,
	                               (int)size, &moved, timeout_ms);
	*got = moved > 0 ? (size_t)moved : 0;
	if (rc == LIBUSB_ERROR_TIMEOUT && *got > 0)
		return USB_OK;
	if (rc != LIBUSB_SUCCESS)
		return transfer_error(handle, handle->info.ep_interrupt_in, rc);
	return USB_OK;
}

int usb_control(struct usb_handle *handle, uint8_t request_type,
		uint8_t request, uint16_t value, unsigned char *data,
		uint16_t len, int timeout_ms)
{
	uint8_t type = (request_type & LIBUSB_ENDPOINT_IN) |
	               LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE;
	int rc;

	if (handle == NULL || (data == NULL && len > 0) || timeout_ms <= 0)
		return USB_EINVAL;
	rc = libusb_control_transfer(handle->device, type, request, value,
	                             handle->info.interface, data, len,
	                             timeout_ms);
	if (rc < 0)
		return transfer_error(handle, 0, rc);
	return rc;
}
