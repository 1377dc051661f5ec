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
 * driver while it is open, and ask it for boot keyboard reports
 * (SET_PROTOCOL; a reader that stalls the request is still used).
 * Returns CARD_OK and a reader for hid_reader_close, or CARD_ENODEV,
 * CARD_EACCESS, CARD_EBUSY, CARD_EUNSUPPORTED (no interrupt IN
 * endpoint), CARD_ENOMEM, CARD_EINVAL (NULL argument or another kind),
 * or CARD_EREADER for any other USB failure. */
int hid_reader_open(struct usb_context *context,
		    const struct usb_device_info *info,
		    struct hid_reader **out);

/* Give the interface back to the kernel and close. NULL is allowed. */
void hid_reader_close(struct hid_reader *reader);

/* Wait up to timeout_ms for a swipe to start, then read it whole. Keyboard
 * reports become characters by the US layout up to the Enter that ends a
 * swipe, or up to 200 ms without a new character, so a swipe in progress
 * may run past timeout_ms. Writes the text, NUL ended, into text (size at least
 * MAGSTRIPE_MAX + 1). Returns 1 with a swipe (*len its length), 0 when
 * none came, or a negative card_error: CARD_ENODEV when unplugged,
 * CARD_EPROTO for a swipe longer than MAGSTRIPE_MAX, CARD_EREADER for
 * another USB failure, CARD_EINVAL for a bad argument. On failure text is
 * wiped. The caller parses it with magstripe_parse and wipes text. */
int hid_reader_read(struct hid_reader *reader, int timeout_ms, char *text,
		    size_t size, size_t *len);

#endif
