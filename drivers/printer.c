/* The printer interface: parses the device setting, keeps the connection
 * and the state, and runs a job as status, write, status over a backend. */
#define LOG_MODULE "printer"

#include "printer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/log.h"
#include "escpos.h"
#include "printer_backend.h"

/* Long enough for a file path of PATH_MAX (4096) after "File ". */
#define PRINTER_DESCRIPTION_SIZE 4200

/* The scheme of a setting: the part before ':', or all of a bare "usb". */
#define PRINTER_SCHEME_MAX 8

/* A printer belongs to one thread (the print worker). */
struct printer {
	const struct printer_backend *backend; /* NULL: no printer */
	struct printer_conn *conn;
	enum printer_state state;
	bool connected;
	/* DLE EOT queries sent on this connection whose reply was not read
	 * yet; see printer_status_query. */
	unsigned unanswered;
	int write_timeout_ms;
	int status_timeout_ms;
	size_t taken; /* bytes of the last job the printer took */
	/* Written by printer_describe through a const printer. */
	char *description;
};

static const struct printer_backend *const printer_backends[] = {
	&printer_file_backend,
	&printer_tcp_backend,
	&printer_usb_backend,
};

/* Find the backend named by spec's scheme and point *target after it.
 * Schemes are lower case and compared exactly. */
static const struct printer_backend *printer_find_backend(const char *spec,
							   const char **target)
{
	size_t count = sizeof(printer_backends) / sizeof(printer_backends[0]);
	const char *colon = strchr(spec, ':');
	size_t len = colon != NULL ? (size_t)(colon - spec) : strlen(spec);

	*target = colon != NULL ? colon + 1 : spec + len;
	if (len == 0 || len >= PRINTER_SCHEME_MAX)
		return NULL;

	for (size_t i = 0; i < count; i++) {
		const char *scheme = printer_backends[i]->scheme;

		if (strlen(scheme) == len && strncmp(spec, scheme, len) == 0)
			return printer_backends[i];
	}
	return NULL;
}

/* Parse spec into a backend and its prepared connection; *backend stays
 * NULL for "none" or "". */
static int printer_parse(const char *spec, struct usb_context *usb,
			 const struct printer_backend **backend,
			 struct printer_conn **conn)
{
	const char *target;

	*backend = NULL;
	*conn = NULL;
	if (spec[0] == '\0' || strcmp(spec, "none") == 0)
		return PRINTER_OK;

	*backend = printer_find_backend(spec, &target);
	if (*backend == NULL) {
		log_error("printer device \"%.64s\" is not understood; use "
			  "none, file:PATH, tcp:HOST[:PORT], usb or "
			  "usb:VVVV:PPPP[:SERIAL]",
			  spec);
		return PRINTER_ESPEC;
	}
	if (target == spec + strlen(spec) && *backend != &printer_usb_backend) {
		log_error("printer device \"%.64s\" needs a target after "
			  "\"%s:\"",
			  spec, (*backend)->scheme);
		return PRINTER_ESPEC;
	}
	/* The USB backend checks the syntax first and gives PRINTER_ENOUSB
	 * for a valid setting when usb is NULL. */
	return (*backend)->prepare(target, usb, conn);
}

int printer_open(const char *spec, struct usb_context *usb,
		 struct printer **out)
{
	const struct printer_backend *backend;
	struct printer_conn *conn;
	struct printer *printer;
	int result;

	*out = NULL;
	if (spec == NULL)
		spec = "";

	result = printer_parse(spec, usb, &backend, &conn);
	if (result != PRINTER_OK)
		return result;

	/* A file is checked now (a local check that cannot block); a USB
	 * or TCP printer connects on the first write or status query. */
	if (backend == &printer_file_backend) {
		result = backend->connect(conn);
		if (result != PRINTER_OK) {
			backend->destroy(conn);
			return result;
		}
	}

	printer = calloc(1, sizeof(*printer));
	if (printer != NULL)
		printer->description = calloc(1, PRINTER_DESCRIPTION_SIZE);
	if (printer == NULL || printer->description == NULL) {
		log_error("out of memory for printer %.64s", spec);
		free(printer);
		if (backend != NULL)
			backend->destroy(conn);
		return PRINTER_EOPEN;
	}
	printer->backend = backend;
	printer->conn = conn;
	printer->write_timeout_ms = PRINTER_WRITE_TIMEOUT_MS;
	printer->status_timeout_ms = PRINTER_STATUS_TIMEOUT_MS;
	if (backend == NULL)
		printer->state = PRINTER_STATE_NONE;
	else if (backend == &printer_file_backend)
		printer->state = PRINTER_STATE_READY;
	else
		printer->state = PRINTER_STATE_DISCONNECTED;

	if (backend != NULL)
		log_info("printer opened: %s", printer_describe(printer));
	else
		log_info("no printer configured");
	*out = printer;
	return PRINTER_OK;
}

void printer_set_timeouts(struct printer *printer, int write_timeout_ms,
			  int status_timeout_ms)
{
	if (printer == NULL)
		return;
	if (write_timeout_ms > 0)
		printer->write_timeout_ms = write_timeout_ms;
	if (status_timeout_ms > 0)
		printer->status_timeout_ms = status_timeout_ms;
}

/* Drop the backend's connection without deciding the state. */
static void printer_drop(struct printer *printer)
{
	if (printer->connected)
		printer->backend->disconnect(printer->conn);
	printer->connected = false;
	printer->unanswered = 0;
}

static int printer_connect(struct printer *printer)
{
	int result;

	if (printer->connected)
		return PRINTER_OK;

	result = printer->backend->connect(printer->conn);
	if (result != PRINTER_OK) {
		printer->state = PRINTER_STATE_DISCONNECTED;
		return result;
	}
	printer->connected = true;
	printer->unanswered = 0;
	log_info("printer connected: %s", printer_describe(printer));
	return PRINTER_OK;
}

/* Whether the connected printer can reply to DLE EOT. A file never can,
 * and a backend can report that one connection cannot (a one-way USB
 * printer). */
static bool printer_has_status(const struct printer *printer)
{
	if (printer->backend->read == NULL)
		return false;
	return printer->backend->has_status == NULL ||
	       printer->backend->has_status(printer->conn);
}

/* A file has no status: it is ready when it can be opened. */
static int printer_query_file(struct printer *printer,
			      struct printer_status *status)
{
	int result = printer->backend->connect(printer->conn);

	printer->state = result == PRINTER_OK ? PRINTER_STATE_READY
					      : PRINTER_STATE_ERROR;
	status->state = printer->state;
	return result;
}

/* Set the state after a failed status round. A second round in a row
 * without a reply drops the connection, and the next call connects again.
 * This way a wrong count of unanswered queries (a printer that skipped a
 * query) cannot make every later round fail. */
static void printer_status_failed(struct printer *printer, int result,
				  bool had_unanswered)
{
	if (result == PRINTER_EGONE) {
		printer_drop(printer);
		printer->state = PRINTER_STATE_DISCONNECTED;
		return;
	}

	printer->state = PRINTER_STATE_OFFLINE;
	if (result != PRINTER_ENOSTATUS || had_unanswered)
		printer_drop(printer);
}

/* One status round with the given time for each reply. */
static int printer_query(struct printer *printer,
			 struct printer_status *status, int timeout_ms)
{
	unsigned char reply[4] = {0};
	bool had_unanswered;
	int result;

	memset(status, 0, sizeof(*status));
	if (printer->backend->read == NULL)
		return printer_query_file(printer, status);

	result = printer_connect(printer);
	if (result != PRINTER_OK) {
		status->state = printer->state;
		return result;
	}
	if (!printer_has_status(printer)) {
		/* Nothing to ask: connected is all that is known. */
		printer->state = PRINTER_STATE_READY;
		status->state = printer->state;
		return PRINTER_OK;
	}

	had_unanswered = printer->unanswered > 0;
	result = printer_status_query(printer->backend, printer->conn,
				      timeout_ms, &printer->unanswered,
				      reply);
	if (result == PRINTER_OK) {
		/* A reply without the fixed bits decodes as offline. */
		result = printer_status_decode(reply, status);
		printer->state = status->state;
	} else {
		printer_status_failed(printer, result, had_unanswered);
	}
	status->state = printer->state;
	if (result != PRINTER_OK)
		log_warn("status of printer %s: %s (%s)",
			 printer_describe(printer), printer_strerror(result),
			 printer_state_name(printer->state));
	return result;
}

int printer_query_status(struct printer *printer, struct printer_status *out)
{
	struct printer_status status;
	int result = PRINTER_OK;

	memset(&status, 0, sizeof(status));
	if (printer == NULL)
		return PRINTER_EINVAL;

	if (printer->backend == NULL)
		status.state = PRINTER_STATE_NONE;
	else
		result = printer_query(printer, &status,
				       printer->status_timeout_ms);
	if (out != NULL)
		*out = status;
	return result;
}

static bool printer_state_prints(enum printer_state state)
{
	return state == PRINTER_STATE_READY ||
	       state == PRINTER_STATE_PAPER_LOW;
}

/* Write the job and set the state from how the write failed. */
static int printer_write_data(struct printer *printer,
			      const unsigned char *data, size_t len)
{
	size_t written = 0;
	int result;

	result = printer->backend->write(printer->conn, data, len,
					 printer->write_timeout_ms, &written);
	printer->taken = result == PRINTER_OK ? len : written;
	if (result == PRINTER_OK)
		return PRINTER_OK;

	log_warn("print job to %s failed after %zu of %zu bytes: %s",
		 printer_describe(printer), written, len,
		 printer_strerror(result));
	if (printer->backend->read == NULL) {
		printer->state = PRINTER_STATE_ERROR;
		return result;
	}

	/* The rest of the job must never reach the printer after it was
	 * held, so the connection is dropped in every case. */
	printer_drop(printer);
	if (result == PRINTER_EGONE)
		printer->state = PRINTER_STATE_DISCONNECTED;
	else if (result == PRINTER_ETIMEOUT)
		printer->state = PRINTER_STATE_OFFLINE;
	else
		printer->state = PRINTER_STATE_ERROR;
	return result;
}

/* Write a job to a printer without status (a file or a one-way USB
 * printer): it is done once written whole, since nothing more can be
 * known. */
static int printer_write_unchecked(struct printer *printer,
				   const unsigned char *data, size_t len)
{
	int result = printer_write_data(printer, data, len);

	if (result == PRINTER_OK) {
		printer->state = PRINTER_STATE_READY;
		log_debug("print job of %zu bytes written to %s (no status "
			  "to check)",
			  len, printer_describe(printer));
	}
	return result;
}

/* The status after a job gets the write timeout for each reply, because
 * the first query waits behind the end of the job in the printer. */
int printer_write_job(struct printer *printer, const unsigned char *data,
		      size_t len)
{
	struct printer_status status;
	int result;

	if (printer == NULL || data == NULL || len == 0 ||
	    len > ESCPOS_JOB_MAX)
		return PRINTER_EINVAL;
	printer->taken = 0;

	if (printer->backend == NULL) {
		log_warn("no printer configured; print job of %zu bytes "
			 "not printed",
			 len);
		return PRINTER_EOPEN;
	}

	if (printer->backend->read == NULL)
		return printer_write_unchecked(printer, data, len);

	result = printer_connect(printer);
	if (result != PRINTER_OK)
		return result;
	if (!printer_has_status(printer))
		return printer_write_unchecked(printer, data, len);

	/* Status before: nothing is written to a printer that cannot
	 * print it. */
	result = printer_query(printer, &status, printer->status_timeout_ms);
	if (result != PRINTER_OK)
		return result;
	if (!printer_state_prints(status.state)) {
		log_warn("print job of %zu bytes not sent: printer %s",
			 len, printer_state_name(status.state));
		return PRINTER_ENOTREADY;
	}

	result = printer_write_data(printer, data, len);
	if (result != PRINTER_OK)
		return result;

	/* Status after: paper can run out or the cover open during the
	 * job. */
	result = printer_query(printer, &status, printer->write_timeout_ms);
	if (result != PRINTER_OK)
		return result;
	if (!printer_state_prints(status.state)) {
		log_warn("print job of %zu bytes sent, but printer %s after it",
			 len, printer_state_name(status.state));
		return PRINTER_ENOTREADY;
	}
	log_debug("print job of %zu bytes printed on %s", len,
		  printer_describe(printer));
	return PRINTER_OK;
}

size_t printer_job_taken(const struct printer *printer)
{
	return printer == NULL ? 0 : printer->taken;
}

void printer_hotplug(struct printer *printer, bool arrived,
		     const struct usb_device_info *info)
{
	if (printer == NULL || printer->backend == NULL ||
	    printer->backend->matches == NULL || info == NULL)
		return;
	if (!printer->backend->matches(printer->conn, info))
		return;

	if (arrived) {
		log_info("printer %04x:%04x arrived", info->vendor,
			 info->product);
		return;
	}
	log_info("printer %04x:%04x left", info->vendor, info->product);
	printer_drop(printer);
	printer->state = PRINTER_STATE_DISCONNECTED;
}

bool printer_is_usb(const struct printer *printer)
{
	return printer != NULL && printer->backend == &printer_usb_backend;
}

/* A file printer has no connection and a printer of "none" no backend:
 * their state stays. */
void printer_disconnect(struct printer *printer)
{
	if (printer == NULL || printer->backend == NULL ||
	    printer->backend->read == NULL)
		return;
	printer_drop(printer);
	printer->state = PRINTER_STATE_DISCONNECTED;
}

enum printer_state printer_get_state(const struct printer *printer)
{
	return printer != NULL ? printer->state : PRINTER_STATE_NONE;
}

const char *printer_model(const struct printer *printer)
{
	char buf[256];

	if (printer == NULL || printer->backend == NULL ||
	    !printer->connected)
		return NULL;
	return printer->backend->describe(printer->conn, buf, sizeof(buf));
}

const char *printer_describe(const struct printer *printer)
{
	if (printer == NULL || printer->backend == NULL)
		return "none";
	printer->backend->describe(printer->conn, printer->description,
				   PRINTER_DESCRIPTION_SIZE);
	return printer->description;
}

const char *printer_state_name(enum printer_state state)
{
	switch (state) {
	case PRINTER_STATE_READY:
		return "ready";
	case PRINTER_STATE_ERROR:
		return "error";
	case PRINTER_STATE_NONE:
		return "none";
	case PRINTER_STATE_PAPER_LOW:
		return "paper low";
	case PRINTER_STATE_PAPER_OUT:
		return "paper out";
	case PRINTER_STATE_COVER_OPEN:
		return "cover open";
	case PRINTER_STATE_OFFLINE:
		return "offline";
	case PRINTER_STATE_DISCONNECTED:
		return "unplugged";
	}
	return "unknown";
}

void printer_close(struct printer *printer)
{
	if (printer == NULL)
		return;
	if (printer->backend != NULL) {
		printer_drop(printer);
		printer->backend->destroy(printer->conn);
	}
	free(printer->description);
	free(printer);
}

const char *printer_strerror(int error)
{
	switch (error) {
	case PRINTER_OK:
		return "No error";
	case PRINTER_ESPEC:
		return "Printer setting not understood: set [printer] device "
		       "to none, file:PATH, tcp:HOST[:PORT], usb or "
		       "usb:VVVV:PPPP[:SERIAL]";
	case PRINTER_EOPEN:
		return "No printer, or its file or folder cannot be opened: "
		       "check [printer] device";
	case PRINTER_EWRITE:
		return "Printer write failed: check the printer and its "
		       "cable (or the disk of a file printer), then print "
		       "again";
	case PRINTER_EINVAL:
		return "Print job is empty or larger than 256 KiB";
	case PRINTER_ETIMEOUT:
		return "Printer stopped taking the job: check it for a paper "
		       "jam, then print again";
	case PRINTER_EGONE:
		return "Printer not connected: plug the printer in or check "
		       "its cable or network";
	case PRINTER_EACCESS:
		return "No permission to use the USB printer: install "
		       "drivers/60-spotagent.rules and add this user to its "
		       "group";
	case PRINTER_ENOTREADY:
		return "Printer not ready: load paper, close the printer "
		       "cover, or turn it off and on to clear an error";
	case PRINTER_ENOSTATUS:
		return "Printer does not answer status requests: check that "
		       "it is on and online";
	case PRINTER_EBUSY:
		return "Another program is using the printer: close it, then "
		       "print again";
	case PRINTER_ENOUSB:
		return "USB could not be started, so the USB printer cannot "
		       "be used: see the log, check that /dev/bus/usb exists, "
		       "then restart spotagent";
	}
	return "Unknown printer error";
}
