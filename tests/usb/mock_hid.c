/* HID keyboard stripe readers emulated on tests/usb/mock_device.c: the
 * US layout turned into boot keyboard reports, and SET_PROTOCOL. */
#include "mock_hid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MODIFIER_LEFT_SHIFT 0x02
#define USAGE_ENTER 0x28

const struct mock_hid_config mock_hid_magtek = {
	.vendor = 0x0801,
	.product = 0x0001,
	.name = "Mini Swipe Reader",
};

const struct mock_hid_config mock_hid_keyboard = {
	.vendor = 0x046a,
	.product = 0x0001,
	.name = "Keyboard",
};

struct mock_hid {
	struct mock_device *device;
	int protocol; /* under the device's lock */
};

/* HID 1.11 section 6.2.1: HID descriptor of version 1.11 with one report
 * descriptor of 63 bytes, the size of the boot keyboard example in
 * appendix E.6. */
static const unsigned char hid_descriptor[] = {
	0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00,
};

static int hid_control(struct mock_device *device, void *data,
		       const unsigned char setup[8], unsigned char *buf,
		       size_t size)
{
	struct mock_hid *hid = data;

	(void)device;
	(void)buf;
	(void)size;
	/* Class request to the interface, host to device: SET_PROTOCOL. */
	if (setup[0] == 0x21 && setup[1] == 0x0B) {
		hid->protocol = setup[2];
		return 0;
	}
	return -EPIPE;
}

static const struct mock_device_ops hid_ops = {
	.bulk_out = NULL,
	.control = hid_control,
};

struct mock_hid *mock_hid_new(UMockdevTestbed *testbed,
			      const struct mock_hid_config *config,
			      int address)
{
	struct mock_device_desc desc = {
		.vendor = config->vendor,
		.product = config->product,
		.manufacturer = "Spotagent Test",
		.product_name = config->name,
		.interface_class = 0x03,
		.interface_subclass = 0x01, /* boot interface */
		.interface_protocol = 0x01, /* keyboard */
		.class_descriptor = hid_descriptor,
		.class_descriptor_len = sizeof(hid_descriptor),
		.ep_interrupt_in = MOCK_HID_EP_IN,
		.interrupt_max_packet = 8,
		.interrupt_interval = 10,
		.kernel_driver = "usbhid",
	};
	struct mock_hid *hid = calloc(1, sizeof(*hid));

	if (!hid)
		return NULL;
	hid->protocol = -1;
	hid->device = mock_device_new(testbed, &desc, address, &hid_ops, hid);
	if (!hid->device) {
		free(hid);
		return NULL;
	}
	return hid;
}

void mock_hid_free(struct mock_hid *hid)
{
	if (!hid)
		return;
	mock_device_free(hid->device);
	free(hid);
}

struct mock_device *mock_hid_device(struct mock_hid *hid)
{
	return hid->device;
}

int mock_hid_report(struct mock_hid *hid, uint8_t modifier,
		    const uint8_t keys[6])
{
	unsigned char report[8] = {modifier, 0};

	memcpy(report + 2, keys, 6);
	return mock_device_send(hid->device, MOCK_HID_EP_IN, report,
				sizeof(report));
}

/* US characters by usage from 0x04 (HID Usage Tables, Keyboard page
 * 0x07), without and with shift; '\1' marks keys that type nothing. */
static const char us_plain[] = "abcdefghijklmnopqrstuvwxyz1234567890"
			       "\1\1\1\1 -=[]\\\1;'`,./";
static const char us_shift[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()"
			       "\1\1\1\1 _+{}|\1:\"~<>?";

static int index_in(const char *set, char c)
{
	const char *at = c > '\1' ? strchr(set, c) : NULL;

	return at != NULL ? (int)(at - set) : -1;
}

/* The key code and shift state of c on a US layout, or 0 for no key. */
static uint8_t key_of(char c, bool *shift)
{
	int index = index_in(us_plain, c);

	*shift = false;
	if (index < 0) {
		index = index_in(us_shift, c);
		*shift = true;
	}
	return index < 0 ? 0 : (uint8_t)(0x04 + index);
}

static int press_release(struct mock_hid *hid, uint8_t key, bool shift)
{
	const uint8_t pressed[6] = {key};
	const uint8_t none[6] = {0};
	int rc;

	rc = mock_hid_report(hid, shift ? MODIFIER_LEFT_SHIFT : 0, pressed);
	if (rc == 0)
		rc = mock_hid_report(hid, 0, none);
	return rc;
}

int mock_hid_type(struct mock_hid *hid, const char *text, bool enter)
{
	for (; *text; text++) {
		bool shift;
		uint8_t key = key_of(*text, &shift);

		if (key == 0 || press_release(hid, key, shift) != 0)
			return -1;
	}
	if (enter && press_release(hid, USAGE_ENTER, false) != 0)
		return -1;
	return 0;
}

int mock_hid_protocol(struct mock_hid *hid)
{
	int protocol;

	mock_device_lock(hid->device);
	protocol = hid->protocol;
	mock_device_unlock(hid->device);
	return protocol;
}
