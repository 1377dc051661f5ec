/* The table of known USB devices: receipt printers (also those with a
 * vendor-specific interface class), chip-card readers and the magnetic
 * stripe readers that are HID keyboards, by id. */
#include "usb.h"

#include <stdlib.h>

/* Sorted by vendor, then product, for bsearch. The Epson ids come from
 * the "USB descriptor" tables of the TM-T20III, TM-T20IIIL and TM-T88VI
 * Technical Reference Guides. The readers come from the CCID driver's
 * readers/supported_readers.txt. 0416:5011 and the Star ids come from the
 * device profiles of Niels Leenheer's WebUSB receipt printer library.
 * The HID stripe readers come from the usb.ids list (usbids/usbids on
 * GitHub), which names 0801:0001 "Mini Swipe Reader (Keyboard
 * Emulation)". Its neighbour 0801:0002 sends the HID magnetic stripe
 * page, not keyboard reports, and ID TECH's entries there (0acd:0401,
 * 0acd:0630) are a chip-card reader and a USB-CDC reader, so they are
 * left out.
 * NOTE: 04b8:0e15 (TM-T20II) comes from ESC/POS projects' device lists,
 * not from an Epson document. */
static const struct usb_known_device known_devices[] = {
	/* Zjiang ZJ-5805 and the many 58 mm printers sold as "POS58". */
	{0x0416, 0x5011, USB_KIND_PRINTER, "Generic 58 mm POS58"},
	/* Every TM model in the vendor-defined class uses 0202; usb.c
	 * names the model from the product string (e.g. "TM-T88V"). */
	{0x04b8, 0x0202, USB_KIND_PRINTER, "Epson TM"},
	{0x04b8, 0x0e15, USB_KIND_PRINTER, "Epson TM-T20II"},
	{0x04b8, 0x0e21, USB_KIND_PRINTER, "Epson TM-T88VI"},
	{0x04b8, 0x0e27, USB_KIND_PRINTER, "Epson TM-T20IIIL"},
	{0x04b8, 0x0e28, USB_KIND_PRINTER, "Epson TM-T20III"},
	/* NOTE: Star shares 0001 among TSP650II, TSP700II, TSP800II and
	 * SP700, and 0003 among the TSP100 models. Out of the box these
	 * speak Star Line or Star Graphics mode, not ESC/POS. */
	{0x0519, 0x0001, USB_KIND_PRINTER, "Star TSP650II"},
	{0x0519, 0x0003, USB_KIND_PRINTER, "Star TSP100"},
	{0x072f, 0xb100, USB_KIND_CCID, "ACS ACR39U"},
	{0x076b, 0x3021, USB_KIND_CCID, "Omnikey 3121"},
	{0x076b, 0x3022, USB_KIND_CCID, "Omnikey 3121"},
	{0x0801, 0x0001, USB_KIND_HID, "MagTek Mini Swipe Reader"},
	/* Listed by the CCID driver as "Gemalto PC Twin Reader". */
	{0x08e6, 0x3437, USB_KIND_CCID, "Gemalto IDBridge CT30"},
};

static int known_compare(const void *key, const void *element)
{
	const struct usb_known_device *a = key;
	const struct usb_known_device *b = element;
	unsigned long id_a = ((unsigned long)a->vendor << 16) | a->product;
	unsigned long id_b = ((unsigned long)b->vendor << 16) | b->product;

	if (id_a < id_b)
		return -1;
	return id_a > id_b ? 1 : 0;
}

const struct usb_known_device *usb_find_known(uint16_t vendor, uint16_t product)
{
	struct usb_known_device key = {.vendor = vendor, .product = product};

	return bsearch(&key, known_devices,
	               sizeof(known_devices) / sizeof(known_devices[0]),
	               sizeof(known_devices[0]), known_compare);
}
