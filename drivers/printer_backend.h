/* The backends behind the printer interface, as tables of callbacks.
 * Private to drivers/printer*.c. */
#ifndef SPOTAGENT_PRINTER_BACKEND_H
#define SPOTAGENT_PRINTER_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "printer.h"
#include "usb.h"

/* A backend's own connection state. */
struct printer_conn;

struct printer_backend {
	const char *scheme; /* "file", "tcp" or "usb" */

	/* Called by printer_open with the setting after "scheme:" (""
	 * for a bare "usb"). Checks the target's syntax only and returns
	 * PRINTER_OK with a connection that is not connected yet,
	 * PRINTER_ESPEC, or PRINTER_ENOUSB for a valid USB target when usb
	 * is NULL. */
	int (*prepare)(const char *target, struct usb_context *usb,
		       struct printer_conn **out);

	/* Called before each write or status query when not connected.
	 * Returns PRINTER_OK, PRINTER_EGONE when the device is absent or
	 * unreachable, PRINTER_EACCESS or PRINTER_EBUSY. */
	int (*connect)(struct printer_conn *conn);

	/* Write len bytes, each chunk within timeout_ms. *written gets what
	 * the device took. Returns PRINTER_OK only for all of it, else
	 * PRINTER_ETIMEOUT, PRINTER_EGONE or PRINTER_EWRITE. */
	int (*write)(struct printer_conn *conn, const unsigned char *data,
		     size_t len, int timeout_ms, size_t *written);

	/* Read up to size bytes that arrive within timeout_ms. A timeout
	 * with nothing read is PRINTER_OK with *got 0. Returns PRINTER_EGONE
	 * when the device went away. NULL for a backend without status (a
	 * file). */
	int (*read)(struct printer_conn *conn, unsigned char *buf,
		    size_t size, int timeout_ms, size_t *got);

	/* Called after a successful connect: whether this connection can
	 * read status replies. A USB printer without a bulk IN endpoint
	 * (one-way) cannot, so it is written to like a file: no status
	 * round, and a job is done once it was written whole. NULL means
	 * the connection has status whenever read is set. */
	bool (*has_status)(const struct printer_conn *conn);

	/* Drop the connection; prepare's state stays, so connect can be
	 * called again. */
	void (*disconnect)(struct printer_conn *conn);

	/* Whether a hotplug event is about this connection's device;
	 * NULL for backends other than USB. */
	bool (*matches)(const struct printer_conn *conn,
			const struct usb_device_info *info);

	/* Write a one-line description into buf (see printer_describe)
	 * and return the model from the table of known devices or NULL. */
	const char *(*describe)(const struct printer_conn *conn, char *buf,
				size_t size);

	/* Free the connection (disconnected first). */
	void (*destroy)(struct printer_conn *conn);
};

/* Ask the status with DLE EOT 1, 2, 3 and 4 over conn, one query at a
 * time, dropping the bytes already waiting before each. Each query's
 * write and reply together get timeout_ms (printer_status.c). *unanswered
 * counts the queries sent on this connection whose reply has not been
 * read yet: it is 0 after connect, and a round that times out leaves it
 * above 0 so that the late reply is dropped when it comes. Fills reply
 * with the four replies and returns PRINTER_OK, or PRINTER_ENOSTATUS
 * when a reply did not come in time, or the backend's error (such as
 * PRINTER_EGONE). The backend must have a read callback. */
int printer_status_query(const struct printer_backend *backend,
			 struct printer_conn *conn, int timeout_ms,
			 unsigned *unanswered, unsigned char reply[4]);

extern const struct printer_backend printer_file_backend;
extern const struct printer_backend printer_tcp_backend;
extern const struct printer_backend printer_usb_backend;

#endif
