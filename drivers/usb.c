/* The USB layer on libusb. This version reports the library version;
 * discovery and transfers arrive with the printer and card reader
 * drivers. */
#include "usb.h"

#include <libusb.h>
#include <stdio.h>

const char *usb_library_version(void)
{
	static char text[48];
	const struct libusb_version *version = libusb_get_version();

	snprintf(text, sizeof(text), "%u.%u.%u.%u", version->major,
		 version->minor, version->micro, version->nano);
	return text;
}
