/* The state of an emulated printer, shared by its printer behaviour
 * (mock_printer.c) and its usbdevfs ioctl handler (mock_usbfs.c). */
#ifndef SPOTAGENT_MOCK_PRINTER_STATE_H
#define SPOTAGENT_MOCK_PRINTER_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <umockdev.h>

#include "mock_printer.h"

#define MOCK_PRINTERS_MAX 4
/* Plug-ins of one printer after the first, each at a new address. */
#define MOCK_REPLUGS_MAX 8
/* The first address a replugged printer gets; tests add printers below
 * it. */
#define MOCK_REPLUG_ADDRESS_FIRST 64
#define MOCK_LOG_MAX (1024 * 1024)
/* Bytes waiting on bulk IN: more than one 1024-byte packet. */
#define MOCK_FIFO_MAX 2048

/* One URB submitted and not reaped yet. */
struct mock_urb {
	UMockdevIoctlClient *client;
	UMockdevIoctlData *urb;    /* struct usbdevfs_urb, local copy */
	UMockdevIoctlData *buffer; /* its data buffer, local copy */
	unsigned char type;
	unsigned char endpoint;
	size_t length;
	size_t done;               /* bytes moved so far */
	bool complete;
	int status;                /* 0 or a negative errno */
	struct mock_urb *next;
};

struct mock_log {
	unsigned char *data;
	size_t len;                /* total count, may pass MOCK_LOG_MAX */
};

struct mock_printer {
	const struct mock_model *model;
	struct mock_bed *bed;
	UMockdevIoctlBase *handler;
	int address;
	char sysfs_path[96];
	char devnode[32];
	/* Handlers of the device nodes of earlier plug-ins: every call on
	 * them fails with ENODEV, as an old usbfs descriptor does. */
	UMockdevIoctlBase *old_handlers[MOCK_REPLUGS_MAX];
	char old_devnodes[MOCK_REPLUGS_MAX][32];
	int replugs;

	/* Everything below is shared with umockdev's thread. */
	pthread_mutex_t lock;
	struct mock_log wire;
	struct mock_log printed;
	int parser;                /* bytes of "DLE EOT" seen: 0, 1 or 2 */
	int queries;
	enum mock_condition condition;
	bool drawer_open;
	bool raw_replies;
	unsigned char replies[4];
	unsigned char fifo[MOCK_FIFO_MAX]; /* waiting on bulk IN */
	size_t fifo_len;
	unsigned char held[MOCK_FIFO_MAX]; /* late replies */
	size_t held_len;
	bool late;
	size_t accept_limit;       /* stall when wire.len reaches it */
	size_t paper_out_at;       /* paper out when printed.len reaches it */
	bool unplugged;
	bool halted_out;           /* endpoint stalled until CLEAR_HALT */
	bool halted_in;
	size_t halt_out_at;        /* halt bulk OUT when wire.len reaches it */
	int zero_packets;          /* bulk IN URBs to end with no data */
	int halt_clears;
	bool driver_bound;
	bool claimed;
	int detaches;
	int attaches;
	struct mock_urb *urbs;
};

struct mock_bed {
	UMockdevTestbed *testbed;
	char *root;
	struct mock_printer *printers[MOCK_PRINTERS_MAX];
	int count;
	int next_address;          /* for a replugged printer */
};

/* Add the printer's sysfs device at its current address and device
 * node. Returns whether umockdev took it. */
gboolean mock_printer_add_sysfs(struct mock_printer *printer);

/* Take one byte from bulk OUT as the printer does. Called with
 * printer->lock held. */
void mock_printer_take_byte(struct mock_printer *printer,
			    unsigned char byte);

/* The "handle-ioctl" signal handler of printer's UMockdevIoctlBase; runs
 * on umockdev's thread. */
gboolean mock_usbfs_handle_ioctl(UMockdevIoctlBase *handler,
				 UMockdevIoctlClient *client,
				 gpointer printer);

/* Free the URBs still in flight (the bed is going away). */
void mock_usbfs_free_urbs(struct mock_printer *printer);

#endif
