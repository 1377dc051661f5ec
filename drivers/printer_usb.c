/* The USB printer backend: ESC/POS over the bulk endpoints of the first
 * printer found, or of the printer with a given vendor and product id
 * and, optionally, serial number. */
#define LOG_MODULE "printer"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/log.h"
#include "printer_backend.h"

/* Printers looked at per connect; a terminal has one or two. */
#define PRINTER_USB_LIST_MAX 16

/* "VVVV:PPPP" in a target. */
#define USB_ID_TEXT_LEN 9

struct printer_conn {
	struct usb_context *usb;
	bool any;        /* "usb": the first printer found */
	uint16_t vendor; /* "usb:VVVV:PPPP" */
	uint16_t product;
	char serial[USB_TEXT_SIZE]; /* "usb:VVVV:PPPP:SERIAL"; "" for any */
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

/* A serial number of a setting: 1 to USB_TEXT_SIZE - 1 printable ASCII
 * characters other than space, as libusb returns string descriptors in
 * ASCII. */
static bool serial_valid(const char *serial)
{
	size_t len = strlen(serial);

	if (len == 0 || len >= USB_TEXT_SIZE)
		return false;
	for (size_t i = 0; i < len; i++)
		if (serial[i] <= ' ' || serial[i] > '~')
			return false;
	return true;
}

/* Parse "VVVV:PPPP" or "VVVV:PPPP:SERIAL" into conn. */
static bool usb_target_parse(const char *target, struct printer_conn *conn)
{
	size_t len = strlen(target);

	if (len < USB_ID_TEXT_LEN || target[4] != ':' ||
	    !parse_hex4(target, &conn->vendor) ||
	    !parse_hex4(target + 5, &conn->product))
		return false;
	if (len == USB_ID_TEXT_LEN)
		return true;
	if (target[USB_ID_TEXT_LEN] != ':' ||
	    !serial_valid(target + USB_ID_TEXT_LEN + 1))
		return false;
	snprintf(conn->serial, sizeof(conn->serial), "%s",
	         target + USB_ID_TEXT_LEN + 1);
	return true;
}

static int usb_printer_prepare(const char *target, struct usb_context *usb,
			       struct printer_conn **out)
{
	struct printer_conn *conn;

	*out = NULL;
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL)
		return PRINTER_EOPEN;
	conn->any = target == NULL || target[0] == '\0';
	if (!conn->any && !usb_target_parse(target, conn)) {
		log_error("invalid USB printer \"usb:%.80s\": expected "
		          "usb:VVVV:PPPP in hex, or usb:VVVV:PPPP:SERIAL",
		          target);
		free(conn);
		return PRINTER_ESPEC;
	}
	if (usb == NULL) {
		log_error("USB printer \"usb%s%.80s\" configured, but libusb "
		          "did not start (see its error above)",
		          conn->any ? "" : ":", conn->any ? "" : target);
		free(conn);
		return PRINTER_ENOUSB;
	}
	conn->usb = usb;
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

/* Whether info is the printer to open. Hotplug news carries no serial
 * number, so matches() uses wanted() alone and only a connect compares
 * it. */
static bool wanted_serial(const struct printer_conn *conn,
			  const struct usb_device_info *info)
{
	if (!wanted(conn, info))
		return false;
	return conn->serial[0] == '\0' ||
	       strcmp(info->serial, conn->serial) == 0;
}

/* Warn that a setting without a serial number matches several printers,
 * naming their serial numbers so that one can be put in the setting. */
static void warn_several(const struct usb_device_info *found, int count,
			 const struct printer_conn *conn)
{
	char serials[256] = "";
	size_t used = 0;
	int matches = 0;

	for (int i = 0; i < count; i++) {
		int n;

		if (!wanted(conn, &found[i]))
			continue;
		matches++;
		n = snprintf(serials + used, sizeof(serials) - used,
		             "%s%04x:%04x serial \"%s\" (bus %u address %u)",
		             matches > 1 ? ", " : "", found[i].vendor,
		             found[i].product, found[i].serial, found[i].bus,
		             found[i].address);
		if (n < 0 || (size_t)n >= sizeof(serials) - used)
			break;
		used += (size_t)n;
	}
	if (matches < 2)
		return;
	log_warn("%d USB printers match the setting: %s; using the first. "
	         "Set [printer] device to usb:VVVV:PPPP:SERIAL to choose one",
	         matches, serials);
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
	if (conn->serial[0] == '\0')
		warn_several(found, count, conn);

	for (int i = 0; i < count; i++) {
		if (!wanted_serial(conn, &found[i]))
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

static bool usb_printer_has_status(const struct printer_conn *conn)
{
	return conn->handle != NULL && conn->info.ep_bulk_in != 0;
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
		snprintf(buf, size, "USB %04x:%04x %s (bus %u address %u)%s",
		         conn->info.vendor, conn->info.product,
		         conn->info.model, conn->info.bus, conn->info.address,
		         conn->info.ep_bulk_in == 0
		                 ? ", one-way: no paper or cover status"
		                 : "");
		return conn->info.known ? conn->info.model : NULL;
	}
	if (conn->any) {
		snprintf(buf, size, "USB first printer (not connected)");
		return NULL;
	}
	known = usb_find_known(conn->vendor, conn->product);
	snprintf(buf, size, "USB %04x:%04x%s%s%s%s (not connected)",
	         conn->vendor, conn->product, known != NULL ? " " : "",
	         known != NULL ? known->model : "",
	         conn->serial[0] != '\0' ? " serial " : "", conn->serial);
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
	.has_status = usb_printer_has_status,
	.disconnect = usb_printer_disconnect,
	.matches = usb_printer_matches,
	.describe = usb_printer_describe,
	.destroy = usb_printer_destroy,
};
