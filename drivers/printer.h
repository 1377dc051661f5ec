/* One printer interface over three backends: USB bulk endpoints through
 * the USB layer, raw TCP (port 9100) and a file. Status comes from DLE
 * EOT. A struct printer belongs to one thread (the print worker). */
#ifndef SPOTAGENT_PRINTER_H
#define SPOTAGENT_PRINTER_H

#include <stdbool.h>
#include <stddef.h>

#include "usb.h"

/* Time the printer gets to take one chunk of a job, and to reply to one
 * status query. A printer behind Wi-Fi or a serial bridge can take about
 * 0.7 s to reply to DLE EOT, so the status timeout leaves a margin over
 * that. The wait runs on the print worker, not the UI thread. */
#define PRINTER_WRITE_TIMEOUT_MS 5000
#define PRINTER_STATUS_TIMEOUT_MS 1500

enum printer_error {
	PRINTER_OK = 0,
	PRINTER_ESPEC = -1,     /* device setting is not understood */
	PRINTER_EOPEN = -2,     /* device cannot be opened */
	PRINTER_EWRITE = -3,    /* the job was not written whole */
	PRINTER_EINVAL = -4,    /* empty or oversized job */
	PRINTER_ETIMEOUT = -5,  /* the printer stopped taking the job */
	PRINTER_EGONE = -6,     /* disconnected or unplugged */
	PRINTER_EACCESS = -7,   /* no permission: the udev rule */
	PRINTER_ENOTREADY = -8, /* paper out, cover open, offline, error */
	PRINTER_ENOSTATUS = -9, /* no reply to a status query */
	PRINTER_EBUSY = -10,    /* another program has claimed the printer */
	PRINTER_ENOUSB = -11,   /* a USB printer, but libusb did not start */
};

/* The order is the status bar's: worse states come later. */
enum printer_state {
	PRINTER_STATE_READY = 0,
	PRINTER_STATE_ERROR = 1,        /* cutter, mechanical, other */
	PRINTER_STATE_NONE = 2,         /* no printer configured */
	PRINTER_STATE_PAPER_LOW = 3,    /* paper near end: still prints */
	PRINTER_STATE_PAPER_OUT = 4,
	PRINTER_STATE_COVER_OPEN = 5,
	PRINTER_STATE_OFFLINE = 6,      /* offline for another cause, or
					   no answer to DLE EOT */
	PRINTER_STATE_DISCONNECTED = 7, /* unplugged or not reachable */
};

/* The four DLE EOT replies, decoded. */
struct printer_status {
	enum printer_state state;
	bool drawer_open;       /* drawer kick connector pin 3 is high */
	bool paper_low;         /* near-end sensor, also in a worse state */
	unsigned char raw[4];   /* replies to DLE EOT 1, 2, 3 and 4 */
};

struct printer;

/* Parse a device setting and prepare the backend:
 *   "none" or ""            no printer (PRINTER_STATE_NONE)
 *   "file:PATH"             each job appended to PATH and synced
 *   "tcp:HOST[:PORT]"       raw TCP, port 9100 by default
 *   "usb"                   the first USB printer found
 *   "usb:VVVV:PPPP"         the first USB printer with that vendor and
 *                           product (a warning names the serial numbers
 *                           when several match)
 *   "usb:VVVV:PPPP:SERIAL"  the one with that serial number too (1 to 63
 *                           printable ASCII characters, no space)
 * usb may be NULL when no USB context exists; a valid "usb" setting then
 * gives PRINTER_ENOUSB. A USB or TCP printer that is absent at open is not an
 * error: it starts PRINTER_STATE_DISCONNECTED and connects on the next
 * write or status query. A file is checked for writing at open. Returns
 * PRINTER_OK and a handle for printer_close, or a negative printer_error
 * (PRINTER_ESPEC for a setting that is not understood). */
int printer_open(const char *spec, struct usb_context *usb,
		 struct printer **out);

/* Write one whole print job. Connects first when needed and queries the
 * status (backends that can). Nothing is written unless the printer is
 * ready or low on paper. The job then goes out in chunks, each with
 * PRINTER_WRITE_TIMEOUT_MS, and the status is queried again. Returns PRINTER_OK
 * only when the printer took all of it and reports no error; otherwise
 * the job must be kept: PRINTER_ENOTREADY, PRINTER_ETIMEOUT,
 * PRINTER_EGONE ... A file is appended and synced (fsync) to disk. A
 * printer without status (a file, or a one-way USB printer with no bulk
 * IN endpoint) gets no status round: its job is done once written whole,
 * even if paper ran out. */
int printer_write_job(struct printer *printer, const unsigned char *data,
		      size_t len);

/* Query the printer's status with DLE EOT 1 to 4, connecting first when
 * needed. Bytes already waiting (late replies to an earlier query, or
 * bytes the printer sent unrequested) are read and dropped before each
 * query. Replies still owed from a round that timed out are counted and
 * dropped when they arrive, so an old reply is not taken for the current
 * one. A round never
 * waits longer than about 4 x PRINTER_STATUS_TIMEOUT_MS (6 s) plus 80 ms
 * for each query's drain. Fills *out (may be NULL) and returns
 * PRINTER_OK, or a negative printer_error with the state set to
 * DISCONNECTED or OFFLINE. A file printer is ready when its file can be
 * opened (else ERROR and PRINTER_EOPEN); a connected printer without
 * status (a one-way USB printer) is READY with raw all 0; a printer of
 * "none" gives PRINTER_OK and PRINTER_STATE_NONE. */
int printer_query_status(struct printer *printer,
			 struct printer_status *out);

/* Set the time the printer gets to take one chunk of a job and to reply
 * to one status query, in milliseconds, in place of PRINTER_WRITE_TIMEOUT_MS
 * and PRINTER_STATUS_TIMEOUT_MS; a value of 0 or less keeps the current
 * one. Meant for tests that check a timeout quickly. */
void printer_set_timeouts(struct printer *printer, int write_timeout_ms,
			  int status_timeout_ms);

/* Decode the replies to DLE EOT 1, 2, 3 and 4 (Epson's bit layout).
 * When several conditions hold, the state is the first of cover open,
 * paper out, error, offline and paper low. Returns PRINTER_OK, or
 * PRINTER_ENOSTATUS and PRINTER_STATE_OFFLINE when a byte does not have
 * the fixed bits of a status reply (bits 1 and 4 set, 0 and 7 clear). */
int printer_status_decode(const unsigned char reply[4],
			  struct printer_status *out);

/* Tell a USB printer that its device arrived or left (from a usb_watch
 * callback, passed on to the printer's thread). A removal of the open
 * device closes it and sets DISCONNECTED; an arrival lets the next call
 * connect. Other printers ignore it. */
void printer_hotplug(struct printer *printer, bool arrived,
		     const struct usb_device_info *info);

/* Whether the printer uses USB (and so wants hotplug news). */
bool printer_is_usb(const struct printer *printer);

/* Drop the connection (a TCP socket or a USB handle) so that the next
 * call connects again; the state becomes DISCONNECTED. */
void printer_disconnect(struct printer *printer);

/* Bytes of the last printer_write_job that the printer took: 0 when it
 * wrote nothing (not ready before the job, not connected), the whole
 * length when the status after the job failed. A job held with bytes
 * taken may have printed. */
size_t printer_job_taken(const struct printer *printer);

enum printer_state printer_get_state(const struct printer *printer);

/* The model of the connected USB printer from the table of known
 * devices, or NULL (not USB, not connected, or not known). */
const char *printer_model(const struct printer *printer);

/* A one-line description for logs and `spotagent devices`, such as
 * "USB 04b8:0e15 Epson TM-T20II (bus 1 address 4)" or "TCP
 * 10.0.0.5:9100". A connected one-way USB printer ends with "one-way: no
 * paper or cover status". Static to the printer; valid until the next
 * call. */
const char *printer_describe(const struct printer *printer);

/* Static names for the status bar: "ready", "paper low", "paper out",
 * "cover open", "offline", "error", "unplugged", "none". */
const char *printer_state_name(enum printer_state state);

/* Close the connection and free the printer. NULL is allowed. */
void printer_close(struct printer *printer);

/* Return a static one-line message for a printer_error, saying what the
 * agent should do. */
const char *printer_strerror(int error);

#endif
