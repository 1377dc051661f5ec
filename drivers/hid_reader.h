/* Magnetic stripe readers that are USB HID keyboards, read through libusb
 * with the kernel's HID driver detached, so a swipe reaches the terminal
 * as card data and never as keystrokes in whatever has the focus. */
#ifndef SPOTAGENT_HID_READER_H
#define SPOTAGENT_HID_READER_H

#include <stddef.h>

#include "card.h"
#include "usb.h"

struct hid_reader;

/* Open the reader of info (kind USB_KIND_HID), detaching the kernel HID
 * driver while it is open. Returns CARD_OK and a reader for
 * hid_reader_close, or CARD_ENODEV, CARD_EACCESS, CARD_EBUSY,
 * CARD_EUNSUPPORTED (no interrupt IN endpoint), CARD_ENOMEM. */
int hid_reader_open(struct usb_context *context,
		    const struct usb_device_info *info,
		    struct hid_reader **out);

/* Give the interface back to the kernel and close. NULL is allowed. */
void hid_reader_close(struct hid_reader *reader);

/* Wait up to timeout_ms for a whole swipe: keyboard reports turned into
 * characters by the US layout, up to the Enter that ends a swipe, or
 * 200 ms of silence after some characters. Writes the text, NUL ended,
 * into text (size at least MAGSTRIPE_MAX + 1). Returns 1 with a swipe
 * (*len its length), 0 when none came, or a negative card_error
 * (CARD_ENODEV when unplugged, CARD_EPROTO for a swipe longer than
 * MAGSTRIPE_MAX). The caller parses it with magstripe_parse and wipes
 * text. */
int hid_reader_read(struct hid_reader *reader, int timeout_ms, char *text,
		    size_t size, size_t *len);

#endif
