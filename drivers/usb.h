/* The USB layer on libusb, shared by printers and card readers: one
 * context with its event thread, discovery, hotplug, bulk and interrupt
 * transfers, and libusb errors translated into the project's own codes. */
#ifndef SPOTAGENT_USB_H
#define SPOTAGENT_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum usb_error {
	USB_OK = 0,
	USB_EIO = -1,       /* a transfer failed */
	USB_EACCESS = -2,   /* no permission: the udev rule is missing */
	USB_ENODEV = -3,    /* the device is gone (unplugged) */
	USB_ENOTFOUND = -4, /* no device matches */
	USB_EBUSY = -5,     /* another program has claimed the interface */
	USB_ETIMEOUT = -6,  /* the transfer did not complete in time */
	USB_EPIPE = -7,     /* the endpoint stalled */
	USB_EOVERFLOW = -8, /* the device sent more than was asked */
	USB_ENOMEM = -9,    /* allocation failed */
	USB_EINVAL = -10,   /* bad argument */
	USB_ENOTSUP = -11,  /* not supported here (hotplug, detach) */
	USB_EOTHER = -12,   /* any other libusb error; it is logged */
};

/* The role of a device at the terminal. The values are bits, so a
 * caller can request several kinds at once. */
enum usb_kind {
	USB_KIND_PRINTER = 1 << 0, /* interface class 7, or a known id */
	USB_KIND_CCID = 1 << 1,    /* interface class 0x0b: chip cards */
	USB_KIND_HID = 1 << 2,     /* interface class 3 with a stripe reader's
				      id (known or configured) */
};

#define USB_CLASS_HID 0x03
#define USB_CLASS_PRINTER 0x07
#define USB_CLASS_CCID 0x0b

#define USB_TEXT_SIZE 64
#define USB_CLASS_DESCRIPTOR_MAX 64

/* One interface of one device that the terminal can use. */
struct usb_device_info {
	enum usb_kind kind;
	uint8_t bus;
	uint8_t address;
	uint16_t vendor;
	uint16_t product;
	uint8_t interface;         /* bInterfaceNumber */
	uint8_t alt_setting;       /* bAlternateSetting */
	uint8_t ep_bulk_out;       /* endpoint addresses; 0 when absent */
	uint8_t ep_bulk_in;
	uint8_t ep_interrupt_in;
	uint16_t max_packet_in;    /* wMaxPacketSize of ep_bulk_in */
	/* The model from the table of known devices, else the product
	 * string, else "VVVV:PPPP" in hex. */
	char model[USB_TEXT_SIZE];
	bool known;                /* found in the table of known devices */
	char serial[USB_TEXT_SIZE];   /* "" when unreadable */
	/* The interface's class-specific descriptor (the CCID class
	 * descriptor for card readers), as read. */
	unsigned char class_descriptor[USB_CLASS_DESCRIPTOR_MAX];
	size_t class_descriptor_len;
};

/* A row of the table of known devices (usb_known.c). */
struct usb_known_device {
	uint16_t vendor;
	uint16_t product;
	enum usb_kind kind;
	const char *model;         /* also names the printer profile */
};

/* Find vendor:product in the table of known devices. Returns the row or
 * NULL. */
const struct usb_known_device *usb_find_known(uint16_t vendor,
					      uint16_t product);

struct usb_context;
/* An open device. A handle is used by one thread at a time: its
 * transfers and its buffer of unread bulk IN bytes are not locked. */
struct usb_handle;

/* Called on the USB event thread when a device of a watched kind arrives
 * or leaves. It must return quickly and must not call usb_open or make
 * transfers; a caller hands the news to its own thread. For a removal
 * only kind, bus, address, vendor, product and model are filled. */
typedef void (*usb_hotplug_fn)(void *data, bool arrived,
			       const struct usb_device_info *info);

/* Initialise libusb and start the thread that handles its events.
 * Returns USB_OK and a context for usb_context_close, or a negative
 * usb_error. */
int usb_context_open(struct usb_context **out);

/* Stop the event thread and release libusb. Every handle must be closed
 * first. NULL is allowed. */
void usb_context_close(struct usb_context *context);

/* Count the HID interface of vendor:product as a stripe reader in this
 * context, besides the HID ids in the table of known devices, because the
 * operator named it in the settings. Other HID devices (keyboards, mice)
 * are never listed. Call it before usb_watch and usb_list. Returns USB_OK
 * or USB_EINVAL when vendor is 0. */
int usb_add_hid_reader(struct usb_context *context, uint16_t vendor,
		       uint16_t product);

/* Call fn for every arrival and removal of a device of the given kinds
 * (a mask of usb_kind) until the context closes. One watcher per context
 * for each kind. Returns USB_OK, USB_ENOTSUP when this system has no
 * hotplug (callers then poll with usb_list), or another usb_error. */
int usb_watch(struct usb_context *context, unsigned kinds, usb_hotplug_fn fn,
	      void *data);

/* Fill out with up to max usable interfaces of the given kinds, found by
 * interface class and by the table of known devices, in bus and address
 * order. Returns the number found (which may be more than max; only max
 * are written) or a negative usb_error. */
int usb_list(struct usb_context *context, unsigned kinds,
	     struct usb_device_info *out, int max);

/* Open the device of info, detach any kernel driver from its interface
 * (libusb's auto-detach, because the usblp driver often claims printers)
 * and claim the interface. Returns USB_OK and a handle for usb_close, or
 * a negative usb_error: USB_ENODEV when it has gone, USB_EACCESS without
 * permission, USB_EBUSY when another program has claimed it. */
int usb_open(struct usb_context *context, const struct usb_device_info *info,
	     struct usb_handle **out);

/* Release the interface (the kernel driver is attached again) and close.
 * NULL is allowed. */
void usb_close(struct usb_handle *handle);

/* Whether the kernel driver was detached when the interface was
 * claimed. */
bool usb_driver_detached(const struct usb_handle *handle);

/* Write len bytes to the bulk OUT endpoint in chunks of at most 4096
 * bytes, each given timeout_ms. *written (may be NULL) gets the bytes the
 * device took, also on failure. Returns USB_OK only when all were taken,
 * else a negative usb_error (USB_ETIMEOUT, USB_ENODEV ...). */
int usb_bulk_write(struct usb_handle *handle, const unsigned char *data,
		   size_t len, int timeout_ms, size_t *written);

/* Read what the bulk IN endpoint sends within timeout_ms into buf (reads
 * are made in multiples of the endpoint's packet size, so size should be
 * one). *got gets the bytes read. A timeout with nothing read returns
 * USB_ETIMEOUT and *got 0. Returns USB_OK or a negative usb_error. */
int usb_bulk_read(struct usb_handle *handle, unsigned char *buf, size_t size,
		  int timeout_ms, size_t *got);

/* As usb_bulk_read, on the interrupt IN endpoint. */
int usb_interrupt_read(struct usb_handle *handle, unsigned char *buf,
		       size_t size, int timeout_ms, size_t *got);

/* A class control request to the interface (recipient interface, type
 * class; IN when request_type has bit 7). Returns the bytes moved or a
 * negative usb_error. */
int usb_control(struct usb_handle *handle, uint8_t request_type,
		uint8_t request, uint16_t value, unsigned char *data,
		uint16_t len, int timeout_ms);

/* Translate a libusb error code; codes not mapped are logged and give
 * USB_EOTHER. */
int usb_from_libusb(int libusb_error);

/* Return a static one-line message telling the agent what to do; the
 * one for USB_EACCESS names the udev rule. */
const char *usb_strerror(int error);

/* "printer", "card reader" or "card reader (HID)" for one kind bit. */
const char *usb_kind_name(enum usb_kind kind);

/* Return libusb's run-time version as "1.0.26.11724" in a static
 * buffer. */
const char *usb_library_version(void);

#endif
