/* Private header of the emulated USB device, not part of its API: the
 * device's state, shared by the testbed side (mock_device.c) and the
 * usbdevfs ioctl and URB handling (mock_device_urb.c). */
#ifndef SPOTAGENT_MOCK_DEVICE_INTERNAL_H
#define SPOTAGENT_MOCK_DEVICE_INTERNAL_H

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <umockdev.h>

#include "mock_device.h"

#define REPLUGS_MAX 8
#define DEVNODE_SIZE 32

/* One transfer queued on an IN endpoint. */
struct in_chunk {
	struct in_chunk *next;
	size_t len;
	size_t taken;              /* bytes read by the host so far */
	unsigned char data[];
};

struct in_queue {
	uint8_t endpoint;          /* 0: the device has no such endpoint */
	uint16_t max_packet;
	struct in_chunk *head;
	size_t bytes;
	int zero_packets;          /* reads to end with no data first */
	bool halted;
};

/* One URB submitted and not reaped yet. */
struct urb {
	UMockdevIoctlClient *client;
	UMockdevIoctlData *header; /* struct usbdevfs_urb, local copy */
	UMockdevIoctlData *buffer; /* its data buffer, local copy */
	unsigned char type;
	unsigned char endpoint;
	size_t length;
	size_t done;
	bool complete;
	int status;                /* 0 or a negative errno */
	struct urb *next;
};

struct mock_device {
	struct mock_device_desc desc;
	unsigned char class_descriptor[MOCK_DEVICE_CLASS_MAX];
	const struct mock_device_ops *ops;
	void *data;
	UMockdevTestbed *testbed;
	UMockdevIoctlBase *handler;
	int address;
	char sysfs_path[96];
	char devnode[DEVNODE_SIZE];
	/* Handlers of earlier plug-ins' nodes: they fail every call. */
	UMockdevIoctlBase *old_handlers[REPLUGS_MAX];
	char old_devnodes[REPLUGS_MAX][DEVNODE_SIZE];
	int replugs;

	/* Everything below is shared with umockdev's thread. */
	pthread_mutex_t lock;
	struct in_queue bulk_in;
	struct in_queue interrupt_in;
	bool halted_out;
	bool unplugged;
	bool driver_bound;
	bool claimed;
	int detaches;
	int attaches;
	int halt_clears;
	struct urb *urbs;
};

/* The IN queue of endpoint, or NULL when the device has no such IN
 * endpoint. Called with the device's lock held. */
struct in_queue *mock_device_in_queue_of(struct mock_device *device,
					 uint8_t endpoint);

/* Free every transfer queued on queue. */
void mock_device_in_queue_drop(struct in_queue *queue);

/* Free an URB that is not on the device's list. */
void mock_device_urb_free(struct urb *urb);

/* The "handle-ioctl" signal handler of each of the device's nodes; runs
 * on umockdev's thread with user_data the device. */
gboolean mock_device_handle_ioctl(UMockdevIoctlBase *handler,
				  UMockdevIoctlClient *client,
				  gpointer user_data);

#endif
