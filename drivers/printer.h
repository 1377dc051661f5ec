/* One printer interface over the backends. This version has the file
 * backend ("file:PATH", each job appended); USB and TCP come later. */
#ifndef SPOTAGENT_PRINTER_H
#define SPOTAGENT_PRINTER_H

#include <stddef.h>

enum printer_error {
	PRINTER_OK = 0,
	PRINTER_ESPEC = -1,     /* device setting is not understood */
	PRINTER_EOPEN = -2,     /* device cannot be opened */
	PRINTER_EWRITE = -3,    /* the job was not written whole */
	PRINTER_EINVAL = -4,    /* empty or oversized job */
};

enum printer_state {
	PRINTER_STATE_READY = 0,
	PRINTER_STATE_ERROR = 1,
	PRINTER_STATE_NONE = 2, /* no printer configured */
};

struct printer;

/* Parse a device setting and prepare the backend. "none" or an empty
 * string gives a printer whose state is PRINTER_STATE_NONE. Returns
 * PRINTER_OK and a handle for printer_close, or a negative printer_error.
 * Opening checks that the device can be written. */
int printer_open(const char *spec, struct printer **out);

/* Write one whole print job. For a file, the job is appended and flushed
 * to disk (fsync) before PRINTER_OK is returned. */
int printer_write_job(struct printer *printer, const unsigned char *data,
		      size_t len);

enum printer_state printer_get_state(const struct printer *printer);

/* Static names for the status bar: "ready", "error", "none". */
const char *printer_state_name(enum printer_state state);

void printer_close(struct printer *printer);

/* Return a static one-line message for a printer_error. */
const char *printer_strerror(int error);

#endif
