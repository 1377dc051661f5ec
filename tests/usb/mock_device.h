/* A generic USB device emulated under umockdev: its sysfs description and
 * descriptors, and a usbdevfs ioctl handler that hands bulk OUT data and
 * control requests to callbacks and sends what the test queues on its IN
 * endpoints. One configuration with one interface (number 0). */
#ifndef SPOTAGENT_MOCK_DEVICE_H
#define SPOTAGENT_MOCK_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <umockdev.h>

/* Bytes waiting on one IN endpoint, over all queued transfers. */
#define MOCK_DEVICE_IN_MAX (64 * 1024)
/* Maximum length of the class-specific descriptor. */
#define MOCK_DEVICE_CLASS_MAX 64

/* The descriptors of a device. The strings are not copied: they must
 * outlive the device (string literals do). */
struct mock_device_desc {
	uint16_t vendor;
	uint16_t product;
	const char *manufacturer;  /* string 1; NULL or "": none */
	const char *product_name;  /* string 2; NULL or "": none */
	const char *serial;        /* string 3; NULL or "": none */
	uint8_t interface_class;
	uint8_t interface_subclass;
	uint8_t interface_protocol;
	/* Written between the interface and the endpoint descriptors, as a
	 * CCID or HID class descriptor sits; copied. */
	const unsigned char *class_descriptor;
	size_t class_descriptor_len;
	uint8_t ep_bulk_out;       /* endpoint addresses; 0: absent */
	uint8_t ep_bulk_in;
	uint8_t ep_interrupt_in;
	uint16_t bulk_max_packet;  /* wMaxPacketSize of both bulk endpoints;
				      over 64 the device is high speed */
	uint16_t interrupt_max_packet;
	uint8_t interrupt_interval; /* bInterval */
	/* Kernel driver bound to interface 0 at plug-in, or NULL. */
	const char *kernel_driver;
	/* bmAttributes of the configuration: self-powered or, when false,
	 * bus-powered. */
	bool self_powered;
};

struct mock_device;

/* The device's behaviour. The callbacks run on umockdev's thread with
 * the device's lock held; they may call the mock_device_ functions
 * below (the lock is recursive). */
struct mock_device_ops {
	/* One bulk OUT transfer of len bytes (len may be 0), taken whole. */
	void (*bulk_out)(struct mock_device *device, void *data,
			 const unsigned char *buf, size_t len);
	/* A control request other than GET_DESCRIPTOR(string): setup is
	 * the 8-byte setup packet and buf has size bytes for the data
	 * stage (holding the host's data for an OUT request). Returns the
	 * bytes of the data stage moved, or a negative errno (-EPIPE for
	 * a stall). NULL: every such request stalls. */
	int (*control)(struct mock_device *device, void *data,
		       const unsigned char setup[8], unsigned char *buf,
		       size_t size);
	/* Optional, in place of bulk_out, for a device that can stop taking
	 * data or stall partway: offered the len bytes of a bulk OUT
	 * transfer not taken yet (len may be 0), returns how many it takes,
	 * 0 to len. The transfer stays in flight until every byte is taken,
	 * and the bulk OUT transfers behind it wait. The rest is offered
	 * again at each submit and reap. Setting *stall halts the endpoint,
	 * so the transfer ends with EPIPE after the bytes taken. */
	size_t (*bulk_out_partial)(struct mock_device *device, void *data,
				   const unsigned char *buf, size_t len,
				   bool *stall);
};

/* Add a device described by desc to testbed at bus 1, address `address`
 * (2..63), plugged in. The testbed must exist before libusb_init, and
 * libusb_exit must come before mock_device_free. ops and data are kept.
 * Returns the device, or NULL when desc is invalid or umockdev rejects
 * it. */
struct mock_device *mock_device_new(UMockdevTestbed *testbed,
				    const struct mock_device_desc *desc,
				    int address,
				    const struct mock_device_ops *ops,
				    void *data);

/* Detach the handlers and free the device. NULL is allowed. */
void mock_device_free(struct mock_device *device);

/* Take and release the device's lock, which serialises the test's
 * thread with umockdev's. A behaviour built on the device can keep its
 * own state under it. The lock is recursive. */
void mock_device_lock(struct mock_device *device);
void mock_device_unlock(struct mock_device *device);

/* Queue one transfer of len bytes on IN endpoint `endpoint` (bulk or
 * interrupt). A host read takes at most one queued transfer, and len 0
 * is a zero-length packet. A transfer longer than the read's buffer is
 * taken over several reads. But a read whose length is not a whole
 * number of packets then fails with EOVERFLOW (babble) after the bytes
 * it took, and the rest of that transfer is dropped. Returns 0, -EINVAL
 * for an endpoint the device lacks, or -ENOSPC past MOCK_DEVICE_IN_MAX
 * bytes. */
int mock_device_send(struct mock_device *device, uint8_t endpoint,
		     const unsigned char *buf, size_t len);

/* End the next count reads on IN endpoint `endpoint` with a zero-length
 * packet each, ahead of the transfers queued there. Count 0 cancels
 * those not read yet. Returns 0, or -EINVAL for an endpoint the device
 * lacks or a negative count. */
int mock_device_zero_packets(struct mock_device *device, uint8_t endpoint,
			     int count);

/* Drop every transfer queued on IN endpoint `endpoint`. */
void mock_device_drop_in(struct mock_device *device, uint8_t endpoint);

/* Bytes queued on IN endpoint `endpoint` and not read yet. */
size_t mock_device_pending_in(struct mock_device *device, uint8_t endpoint);

/* Stall endpoint `endpoint`: its transfers fail with EPIPE until the
 * host clears the halt. */
void mock_device_halt(struct mock_device *device, uint8_t endpoint);

/* Unplug: transfers in flight complete with ENODEV, every usbdevfs call
 * fails with ENODEV, and a removal uevent goes out. */
void mock_device_unplug(struct mock_device *device);

/* Plug back in, as Linux does it: at a new address (64 and up) with a new
 * device node, while the old node keeps failing with ENODEV. The kernel
 * driver is bound again, nothing is claimed or halted, the IN queues are
 * empty, and an add uevent goes out. Returns 0, or -1 when umockdev
 * rejects the device or it was replugged too often. */
int mock_device_plug(struct mock_device *device);

/* Plug back in as mock_device_plug does, but at `address` (64..127),
 * for an owner that numbers its own devices' plug-ins. The caller keeps
 * the address unused in the testbed. Returns 0, or -1 for an address out
 * of range or when mock_device_plug would fail. */
int mock_device_plug_at(struct mock_device *device, int address);

/* The device node of the current plug-in, e.g. "/dev/bus/usb/001/002",
 * and its address. */
const char *mock_device_devnode(const struct mock_device *device);
int mock_device_address(const struct mock_device *device);

/* Times the kernel driver was detached and attached again through
 * usbdevfs since the device was made. */
int mock_device_detach_count(struct mock_device *device);
int mock_device_attach_count(struct mock_device *device);

/* Whether the kernel driver is bound, and whether a program has claimed
 * interface 0, now. */
bool mock_device_driver_bound(struct mock_device *device);
bool mock_device_claimed(struct mock_device *device);

/* Number of halts the host cleared since the device was made. */
int mock_device_halt_clears(struct mock_device *device);

#endif
