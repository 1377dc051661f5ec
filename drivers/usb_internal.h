/* Private header of the USB layer, not part of its API: the open-handle
 * struct that usb.c fills and usb_transfer.c moves data through. */
#ifndef SPOTAGENT_USB_INTERNAL_H
#define SPOTAGENT_USB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <libusb.h>

#include "usb.h"

/* The largest wMaxPacketSize of a bulk endpoint: 512 at high speed and
 * 1024 at SuperSpeed. */
#define USB_PACKET_MAX  1024

/* An open device whose interface usb_open claimed. */
struct usb_handle {
	libusb_device_handle *device;
	struct usb_device_info info;
	bool claimed;
	bool detached;
	/* Bytes of a bulk IN packet beyond what the caller asked for, handed
	 * out first by the next read. */
	unsigned char pending[USB_PACKET_MAX];
	size_t pending_len;
};

#endif
