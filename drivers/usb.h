/* The USB layer on libusb, shared by printers and card readers. */
#ifndef SPOTAGENT_USB_H
#define SPOTAGENT_USB_H

/* Return libusb's run-time version as "1.0.26.11724" in a static
 * buffer. */
const char *usb_library_version(void);

#endif
