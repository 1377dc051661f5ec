/* Magnetic stripe readers that are USB HID keyboards, emulated under
 * umockdev on tests/usb/mock_device.c: they type a swipe as boot keyboard
 * reports on their interrupt IN endpoint. */
#ifndef SPOTAGENT_MOCK_HID_H
#define SPOTAGENT_MOCK_HID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <umockdev.h>

#include "mock_device.h"

#define MOCK_HID_EP_IN 0x81

/* The ids and strings of an emulated keyboard. */
struct mock_hid_config {
	uint16_t vendor;
	uint16_t product;
	const char *name;
};

/* A MagTek Mini Swipe Reader in keyboard emulation (0801:0001), which the
 * table of known devices lists. */
extern const struct mock_hid_config mock_hid_magtek;
/* A plain keyboard (Cherry 046a:0001), which it does not. */
extern const struct mock_hid_config mock_hid_keyboard;

struct mock_hid;

/* Add a HID boot keyboard to testbed at bus 1, address `address`, with
 * the usbhid driver bound. Returns NULL on failure. */
struct mock_hid *mock_hid_new(UMockdevTestbed *testbed,
			      const struct mock_hid_config *config,
			      int address);

/* Free the keyboard. NULL is allowed. */
void mock_hid_free(struct mock_hid *hid);

/* The emulated device, for unplugging and its driver counters. */
struct mock_device *mock_hid_device(struct mock_hid *hid);

/* Queue one boot keyboard report: modifier byte, reserved byte and the
 * six key codes. Returns 0 or a negative errno. */
int mock_hid_report(struct mock_hid *hid, uint8_t modifier,
		    const uint8_t keys[6]);

/* Queue the reports that type text on a US layout: for each character a
 * press (with left shift where the character needs it) and a release,
 * then Enter pressed and released when enter is true. Returns 0, or -1
 * for a character with no key (the reports before it stay queued). */
int mock_hid_type(struct mock_hid *hid, const char *text, bool enter);

/* The value of the last SET_PROTOCOL request (0 boot, 1 report), or -1
 * when none came. */
int mock_hid_protocol(struct mock_hid *hid);

#endif
