/* The USB printer backend: ESC/POS over the bulk endpoints of the first
 * printer found, or of the printer with a given vendor and product id. */
#define LOG_MODULE "printer"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/log.h"
#include "printer_backend.h"

/* Printers looked at per connect; a terminal has one or two. */
#define PRINTER_USB_LIST_MAX 16

struct printer_conn {
	struct usb_context *usb;
	bool any;        /* "usb": the first printer found */
	uint16_t vendor; /* "usb:VVVV:PPPP" */
	uint16_t product;
	struct usb_handle *handle; /* NULL while disconnected */
	struct usb_device_info info;
};

/* Parse exactly four hex digits. */
static bool parse_hex4(const char *text, uint16_t *out)
{
	unsigned value = 0;

	for (int i = 0; i < 4; i++) {
		char c = text[i];
		unsigned digit;

		if (c >= '0' && c <= '9')
			digit = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			digit = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			digit = (unsigned)(c - 'A' + 10);
		else
			return false;
		value = value * 16 + digit;
	}
	*out = (uint16_t)value;
	return true;
}

static int usb_printer_prepare(const char *target, struct usb_context *usb,
			       struct printer_conn **out)
{
	struct printer_conn *conn;
	uint16_t vendor = 0;
	uint16_t product = 0;
	bool any = target == NULL || target[0] == '\0';

	*out = NULL;
	if (usb == NULL) {
		log_error("USB printer configured but USB is not available");
		return PRINTER_ESPEC;
	}
	if (!any && (strlen(target) != 9 || target[4] != ':' ||
	             !parse_hex4(target, &vendor) ||
	             !parse_hex4(target + 5, &product))) {
		log_error("invalid USB printer \"usb:%.40s\": expected "
		          "usb:VVVV:PPPP in hex",
		          target);
		return PRINTER_ESPEC;
	}

	conn = calloc(1, sizeof(*conn));
	if (conn == NULL)
		return PRINTER_EOPEN;
	conn->usb = usb;
	conn->any = any;
	conn->vendor = vendor;
	conn->product = product;
	*out = conn;
	return PRINTER_OK;
}

static bool wanted(const struct printer_conn *conn,
		   const struct usb_device_info *info)
{
	if ((info->kind & USB_KIND_PRINTER) == 0)
		return false;
	if (conn->any)
		return true;
	return info->vendor == conn->vendor && info->product == conn->product;
}

static int from_usb_error(int error)
{
	switch (error) {
	case USB_OK:
		return PRINTER_OK;
	case USB_ENODEV:
	case USB_ENOTFOUND:
		return PRINTER_EGONE;
	case USB_EACCESS:
		return PRINTER_EACCESS;
	case USB_EBUSY:
		return PRINTER_EBUSY;
	case USB_ETIMEOUT:
		return PRINTER_ETIMEOUT;
	default:
		return PRINTER_EOPEN;
	}
}

static int usb_printer_connect(struct printer_conn *conn)
{
	struct usb_device_info found[PRINTER_USB_LIST_MAX];
	int count;
	int error;

	if (conn->handle != NULL)
		return PRINTER_OK;
	count = usb_list(conn->usb, USB_KIND_PRINTER, found,
	                 PRINTER_USB_LIST_MAX);
	if (count < 0) {
		log_warn("cannot list USB printers: %s", usb_strerror(count));
		return from_usb_error(count);
	}
	if (count > PRINTER_USB_LIST_MAX)
		count = PRINTER_USB_LIST_MAX;

	for (int i = 0; i < count; i++) {
		if (!wanted(conn, &found[i]))
			continue;
		error = usb_open(conn->usb, &found[i], &conn->handle);
		if (error != USB_OK) {
			conn->handle = NULL;
			return from_usb_error(error);
		}
		conn->info = found[i];
		return PRINTER_OK;
	}
	return PRINTER_EGONE;
}

static void usb_printer_disconnect(struct printer_conn *conn)
{
	usb_close(conn->handle);
	conn->handle = NULL;
}

static int usb_printer_write(struct printer_conn *conn,
			     const unsigned char *data, size_t len,
			     int timeout_ms, size_t *written)
{
	int error;

	*written = 0;
	if (conn->handle == NULL)
		return PRINTER_EGONE;
	error = usb_bulk_write(conn->handle, data, len, timeout_ms, written);
	switch (error) {
	case USB_OK:
		return PRINTER_OK;
	case USB_ETIMEOUT:
		return PRINTER_ETIMEOUT;
	case USB_ENODEV:
		/* Unplugged: the next connect starts from a fresh list. */
		usb_printer_disconnect(conn);
		return PRINTER_EGONE;
	default:
		return PRINTER_EWRITE;
	}
}

static int usb_printer_read(struct printer_conn *conn, unsigned char *buf,
			    size_t size, int timeout_ms, size_t *got)
{
	int error;

	*got = 0;
	if (conn->handle == NULL)
		return PRINTER_EGONE;
	/* A printer without a bulk IN endpoint cannot send a status reply. */
	if (conn->info.ep_bulk_in == 0)
		return PRINTER_OK;
	error = usb_bulk_read(conn->handle, buf, size, timeout_ms, got);
	switch (error) {
	case USB_OK:
		return PRINTER_OK;
	case USB_ETIMEOUT:
		*got = 0;
		return PRINTER_OK;
	case USB_ENODEV:
		usb_printer_disconnect(conn);
		return PRINTER_EGONE;
	default:
		return PRINTER_ENOSTATUS;
	}
}

static bool usb_printer_matches(const struct printer_conn *conn,
				const struct usb_device_info *info)
{
	if (conn->handle != NULL)
		return info->bus == conn->info.bus &&
		       info->address == conn->info.address &&
		       info->vendor == conn->info.vendor &&
		       info->product == conn->info.product;
	return wanted(conn, info);
}

static const char *usb_printer_describe(const struct printer_conn *conn,
					char *buf, size_t size)
{
	const struct usb_known_device *known;

	if (conn->handle != NULL) {
		snprintf(buf, size, "USB %04x:%04x %s (bus %u address %u)",
		         conn->info.vendor, conn->info.product,
		         conn->info.model, conn->info.bus, conn->info.address);
		return conn->info.known ? conn->info.model : NULL;
	}
	if (conn->any) {
		snprintf(buf, size, "USB first printer (not connected)");
		return NULL;
	}
	known = usb_find_known(conn->vendor, conn->product);
	snprintf(buf, size, "USB %04x:%04x%s%s (not connected)", conn->vendor,
	         conn->product, known != NULL ? " " : "",
	         known != NULL ? known->model : "");
	return NULL;
}

static void usb_printer_destroy(struct printer_conn *conn)
{
	if (conn == NULL)
		return;
	usb_printer_disconnect(conn);
	free(conn);
}

const struct printer_backend printer_usb_backend = {
	.scheme = "usb",
	.prepare = usb_printer_prepare,
	.connect = usb_printer_connect,
	.write = usb_printer_write,
	.read = usb_printer_read,
	.disconnect = usb_printer_disconnect,
	.matches = usb_printer_matches,
	.describe = usb_printer_describe,
	.destroy = usb_printer_destroy,
};
