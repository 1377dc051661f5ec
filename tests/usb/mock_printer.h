/* ESC/POS receipt printers emulated under umockdev, each one a
 * mock_device (mock_device.h) that plays the printer. */
#ifndef SPOTAGENT_MOCK_PRINTER_H
#define SPOTAGENT_MOCK_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the printer reports through DLE EOT 1 to 4. */
enum mock_condition {
	MOCK_READY = 0,
	MOCK_PAPER_LOW,   /* near-end sensor: still prints */
	MOCK_PAPER_OUT,
	MOCK_COVER_OPEN,
	MOCK_OFFLINE,     /* offline while paper is fed with the button */
	MOCK_ERROR,       /* autocutter error */
	MOCK_CONDITION_COUNT,
};

/* One printer model: its descriptors and its behaviour. */
struct mock_model {
	uint16_t vendor;
	uint16_t product;
	const char *manufacturer;  /* string descriptor 1 */
	const char *name;          /* string descriptor 2 (iProduct) */
	const char *serial;        /* string descriptor 3 */
	uint8_t ep_out;            /* bulk OUT endpoint address */
	uint8_t ep_in;             /* bulk IN endpoint address; 0: none
				      (a one-way printer) */
	uint16_t max_packet;       /* wMaxPacketSize of both endpoints;
				      above 512 the device is SuperSpeed */
	/* Kernel driver bound to interface 0 at plug-in, or NULL. */
	const char *kernel_driver;
	bool drawer;               /* has a cash drawer kick connector */
	const char *device_id;     /* IEEE 1284 device ID */
};

/* Epson TM-T20II (80 mm, drawer port), bound to usblp. */
extern const struct mock_model mock_epson_tm_t20ii;
/* A generic 58 mm printer with no kernel driver bound. */
extern const struct mock_model mock_generic_58;
/* A second TM-T20II: the same ids, another serial number. */
extern const struct mock_model mock_epson_tm_t20ii_second;
/* A one-way 58 mm printer: bulk OUT only, so no status replies. */
extern const struct mock_model mock_one_way_58;
/* An 80 mm printer on SuperSpeed, with 1024-byte bulk packets. */
extern const struct mock_model mock_superspeed_80;

/* The testbed and the printers in it. Create it before libusb_init
 * (usb_context_open) and free it after libusb_exit (usb_context_close). */
struct mock_bed;
struct mock_printer;

/* Create an empty umockdev testbed. Returns NULL on failure. */
struct mock_bed *mock_bed_new(void);

/* Add a printer of model at bus 1, address `address` (2..63), plugged
 * in. Returns it (owned by the bed) or NULL on failure. */
struct mock_printer *mock_bed_add(struct mock_bed *bed,
				  const struct mock_model *model,
				  int address);

/* Free the testbed and its printers. NULL is allowed. */
void mock_bed_free(struct mock_bed *bed);

/* The umockdev testbed's root directory (the emulated / for /dev and
 * /sys); owned by the bed. */
const char *mock_bed_root(const struct mock_bed *bed);

/* The device node of the current plug-in, e.g. "/dev/bus/usb/001/002". */
const char *mock_printer_devnode(const struct mock_printer *printer);

/* The device address of the current plug-in. */
int mock_printer_address(const struct mock_printer *printer);

/* Set the condition the DLE EOT replies report, from now on. */
void mock_printer_set_condition(struct mock_printer *printer,
				enum mock_condition condition);

/* Set drawer kick connector pin 3 (bit 2 of the DLE EOT 1 reply). */
void mock_printer_set_drawer_open(struct mock_printer *printer, bool open);

/* Replace the four replies to DLE EOT 1..4 with raw bytes (malformed
 * replies); mock_printer_set_condition restores computed ones. */
void mock_printer_set_replies(struct mock_printer *printer,
			      const unsigned char reply[4]);

/* The replies to DLE EOT 1..4 of a printer in condition (drawer closed). */
void mock_condition_replies(enum mock_condition condition,
			    unsigned char reply[4]);

/* Take at most `bytes` more bytes on bulk OUT, then take nothing more
 * (the URB in flight stays pending, so the host's write times out). */
void mock_printer_stall_after(struct mock_printer *printer, size_t bytes);

/* Take bulk OUT data again without limit. */
void mock_printer_resume(struct mock_printer *printer);

/* Switch to MOCK_PAPER_OUT once `bytes` more bytes of print data (bytes
 * that are not DLE EOT queries) have arrived. The printer goes on taking
 * data, so the host's write completes and only the status after it shows
 * paper out. */
void mock_printer_paper_out_after(struct mock_printer *printer,
				  size_t bytes);

/* While late is set, replies to DLE EOT are held back instead of sent.
 * The first query after late is cleared sends the held replies first,
 * then its own reply: an earlier query's reply arrives late. */
void mock_printer_set_late(struct mock_printer *printer, bool late);

/* Clear late and send the held replies now, so they wait on bulk IN
 * before the host's next query. */
void mock_printer_release_late(struct mock_printer *printer);

/* Stall bulk OUT once `bytes` more bytes have arrived (0: now). Its URBs
 * complete with EPIPE until the host clears the halt. */
void mock_printer_halt_out_after(struct mock_printer *printer, size_t bytes);

/* Stall bulk IN now, until the host clears the halt. */
void mock_printer_halt_in(struct mock_printer *printer);

/* Number of halts the host cleared since the bed was made. */
int mock_printer_halt_clears(struct mock_printer *printer);

/* Unplug: transfers in flight complete with ENODEV, every usbdevfs call
 * fails with ENODEV, and a removal uevent goes out. */
void mock_printer_unplug(struct mock_printer *printer);

/* Plug back in, as Linux does it: the device comes back at a new address
 * (each bed counts from 64 up) with a new device node, while the old
 * node's descriptors keep failing with ENODEV for good. The kernel driver
 * is bound again, nothing is claimed or halted, no reply is waiting, and
 * an add uevent goes out. Fails the test's process (abort) when umockdev
 * cannot add the device. */
void mock_printer_plug(struct mock_printer *printer);

/* End the next count bulk IN transfers with a zero-length packet, before
 * any reply waiting. A plug-in cancels those not read yet. */
void mock_printer_zero_packets(struct mock_printer *printer, int count);

/* Put len bytes on bulk IN as one transfer, as if the printer sent them
 * unasked. They go out in packets of max_packet: a read whose length is
 * not a whole number of packets and that cannot take the whole transfer
 * fails with EOVERFLOW (babble) and drops the rest, as mock_device_send
 * describes. A transfer that would bring the bytes waiting past
 * MOCK_DEVICE_IN_MAX (64 KiB) is dropped whole. */
void mock_printer_send_in(struct mock_printer *printer,
			  const unsigned char *data, size_t len);

/* Copy up to size bytes of everything written to bulk OUT (print data
 * and DLE EOT queries) into buf. Returns the total count written. */
size_t mock_printer_wire(struct mock_printer *printer, unsigned char *buf,
			 size_t size);

/* Copy up to size bytes of the print data (bulk OUT without the DLE EOT
 * queries, which a printer takes as real-time commands) into buf.
 * Returns the total count. */
size_t mock_printer_printed(struct mock_printer *printer, unsigned char *buf,
			    size_t size);

/* Forget what was written so far (wire, print data, query count). */
void mock_printer_clear(struct mock_printer *printer);

/* Wait until at least len bytes have arrived on bulk OUT since the last
 * mock_printer_clear, for at most timeout_ms. Returns whether they did. */
bool mock_printer_wait_wire(struct mock_printer *printer, size_t len,
			    int timeout_ms);

/* Number of DLE EOT queries taken since the last mock_printer_clear. */
int mock_printer_query_count(struct mock_printer *printer);

/* Times the kernel driver was detached (disconnected) and attached
 * again (connected) through usbdevfs since the bed was made. */
int mock_printer_detach_count(struct mock_printer *printer);
int mock_printer_attach_count(struct mock_printer *printer);

/* Whether the kernel driver is bound now, and whether a program has
 * claimed the interface through usbdevfs. */
bool mock_printer_driver_bound(struct mock_printer *printer);
bool mock_printer_claimed(struct mock_printer *printer);

#endif
