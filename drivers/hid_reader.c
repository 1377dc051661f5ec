/* Magnetic stripe readers that are USB HID keyboards: boot keyboard
 * reports from the interrupt IN endpoint turned into the characters of a
 * swipe, with the kernel's HID driver detached while the reader is open. */
#define LOG_MODULE "hid"
#include "hid_reader.h"

#include <mbedtls/platform_util.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/log.h"
#include "magstripe.h"

/* A boot keyboard input report (HID 1.11 appendix B.1): modifier bits,
 * a reserved byte and up to six key codes of keys held down. */
#define REPORT_SIZE 8
#define REPORT_KEYS 6
#define MODIFIER_SHIFT 0x22 /* left shift (bit 1) or right shift (bit 5) */

/* Keyboard/Keypad page (0x07) usages, HID Usage Tables section 10. */
#define USAGE_ERROR_ROLL_OVER 0x01
#define USAGE_ENTER 0x28
#define USAGE_KEYPAD_ENTER 0x58

/* A swipe ends after this much time without a new character. */
#define SILENCE_MS 200
/* HID class request SET_PROTOCOL (HID 1.11 section 7.2.6), value 0 for
 * the boot protocol. */
#define HID_SET_PROTOCOL 0x0B
#define CONTROL_TIMEOUT_MS 1000

struct hid_reader {
	struct usb_handle *handle;
	/* Key codes held down in the last report, so that only a newly
	 * pressed key gives a character. */
	uint8_t held[REPORT_KEYS];
};

/* US characters for usages 0x04 to 0x38, without and with shift. */
static const char usage_plain[] = "abcdefghijklmnopqrstuvwxyz1234567890"
				  "\n\x1b\b\t -=[]\\#;'`,./";
static const char usage_shift[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()"
				  "\n\x1b\b\t _+{}|~:\"~<>?";

/* Keypad usages 0x54 to 0x63, as with NumLock on. */
static const char usage_keypad[] = "/*-+\n1234567890.";

_Static_assert(sizeof(usage_plain) == 0x38 - 0x04 + 2, "usage table");
_Static_assert(sizeof(usage_shift) == 0x38 - 0x04 + 2, "usage table");
_Static_assert(sizeof(usage_keypad) == 0x63 - 0x54 + 2, "keypad table");

/* The character of usage, or '\0' for keys that type nothing here
 * (Enter, Escape, Backspace, Tab, function and arrow keys). */
static char usage_char(uint8_t usage, bool shift)
{
	char c = '\0';

	if (usage >= 0x04 && usage <= 0x38)
		c = (shift ? usage_shift : usage_plain)[usage - 0x04];
	else if (usage >= 0x54 && usage <= 0x63)
		c = usage_keypad[usage - 0x54];
	if (c == '\n' || c == '\x1b' || c == '\b' || c == '\t')
		return '\0';
	return c;
}

static int card_from_usb(int error)
{
	switch (error) {
	case USB_ENODEV:
	case USB_ENOTFOUND:
		return CARD_ENODEV;
	case USB_EACCESS:
		return CARD_EACCESS;
	case USB_EBUSY:
		return CARD_EBUSY;
	case USB_ENOMEM:
		return CARD_ENOMEM;
	case USB_EOVERFLOW:
		return CARD_EPROTO;
	default:
		return CARD_EREADER;
	}
}

int hid_reader_open(struct usb_context *context,
		    const struct usb_device_info *info,
		    struct hid_reader **out)
{
	struct hid_reader *reader;
	int rc;

	if (out == NULL)
		return CARD_EINVAL;
	*out = NULL;
	if (context == NULL || info == NULL || info->kind != USB_KIND_HID)
		return CARD_EINVAL;
	if (info->ep_interrupt_in == 0)
		return CARD_EUNSUPPORTED;
	reader = calloc(1, sizeof(*reader));
	if (reader == NULL)
		return CARD_ENOMEM;

	rc = usb_open(context, info, &reader->handle);
	if (rc != USB_OK) {
		log_warn("failed to open HID reader %04x:%04x: %s",
			 info->vendor, info->product, usb_strerror(rc));
		free(reader);
		return card_from_usb(rc);
	}
	if (!usb_driver_detached(reader->handle))
		log_info("no kernel driver was bound to HID reader %04x:%04x",
			 info->vendor, info->product);

	/* In report protocol the reports may have another layout than the
	 * boot report. A reader without boot support stalls the request,
	 * and its reports are then read as they come. */
	rc = usb_control(reader->handle, 0x00, HID_SET_PROTOCOL, 0, NULL, 0,
			 CONTROL_TIMEOUT_MS);
	if (rc < 0)
		log_info("HID reader %04x:%04x rejected SET_PROTOCOL(boot): "
			 "%s", info->vendor, info->product, usb_strerror(rc));
	*out = reader;
	return CARD_OK;
}

void hid_reader_close(struct hid_reader *reader)
{
	if (reader == NULL)
		return;
	usb_close(reader->handle);
	free(reader);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The state of a swipe being read. */
struct swipe {
	char *text;
	size_t len;
	bool ended;    /* Enter came */
	bool overflow; /* more than MAGSTRIPE_MAX characters */
};

static bool was_held(const struct hid_reader *reader, uint8_t usage)
{
	for (size_t i = 0; i < REPORT_KEYS; i++) {
		if (reader->held[i] == usage)
			return true;
	}
	return false;
}

/* Add the characters of the keys newly pressed in report. Returns the
 * number added. */
static size_t take_report(struct hid_reader *reader, const uint8_t *report,
			  size_t got, struct swipe *swipe)
{
	uint8_t keys[REPORT_KEYS] = {0};
	bool shift = (report[0] & MODIFIER_SHIFT) != 0;
	size_t added = 0;

	for (size_t i = 2; i < got && i < REPORT_SIZE; i++) {
		/* On roll-over every key slot contains 0x01, so the keys
		 * held are unknown and the report is ignored. */
		if (report[i] == USAGE_ERROR_ROLL_OVER)
			return 0;
		keys[i - 2] = report[i];
	}

	for (size_t i = 0; i < REPORT_KEYS && !swipe->ended; i++) {
		char c;

		if (keys[i] == 0 || was_held(reader, keys[i]))
			continue;
		if (keys[i] == USAGE_ENTER || keys[i] == USAGE_KEYPAD_ENTER) {
			swipe->ended = swipe->len > 0;
			continue;
		}
		c = usage_char(keys[i], shift);
		if (c == '\0')
			continue;
		if (swipe->len == MAGSTRIPE_MAX) {
			swipe->overflow = true;
			break;
		}
		swipe->text[swipe->len++] = c;
		added++;
	}
	memcpy(reader->held, keys, sizeof(keys));
	mbedtls_platform_zeroize(keys, sizeof(keys));
	return added;
}

/* How long the next read may wait: until the deadline before the first
 * character, then until the silence that ends the swipe. */
static int next_wait(long long deadline, long long last, size_t len)
{
	long long until = len == 0 ? deadline : last + SILENCE_MS;
	long long wait = until - now_ms();

	return wait > 0 ? (int)wait : 0;
}

/* Read reports until the swipe ends. Returns 1, 0 or a card_error. */
static int read_swipe(struct hid_reader *reader, int timeout_ms,
		      struct swipe *swipe)
{
	uint8_t report[REPORT_SIZE];
	long long deadline = now_ms() + timeout_ms;
	long long last = 0;
	int result = 0;

	for (;;) {
		int wait = next_wait(deadline, last, swipe->len);
		size_t got = 0;
		int rc;

		if (wait == 0) {
			result = swipe->len > 0 ? 1 : 0;
			break;
		}
		rc = usb_interrupt_read(reader->handle, report, sizeof(report),
					wait, &got);
		if (rc == USB_ETIMEOUT)
			continue;
		if (rc != USB_OK) {
			result = card_from_usb(rc);
			break;
		}
		if (got < 3)
			continue;
		if (take_report(reader, report, got, swipe) > 0)
			last = now_ms();
		if (swipe->overflow) {
			result = CARD_EPROTO;
			break;
		}
		if (swipe->ended) {
			result = 1;
			break;
		}
	}
	mbedtls_platform_zeroize(report, sizeof(report));
	return result;
}

int hid_reader_read(struct hid_reader *reader, int timeout_ms, char *text,
		    size_t size, size_t *len)
{
	struct swipe swipe = {.text = text};
	int rc;

	if (len != NULL)
		*len = 0;
	if (reader == NULL || text == NULL || len == NULL ||
	    size < MAGSTRIPE_MAX + 1 || timeout_ms <= 0)
		return CARD_EINVAL;

	rc = read_swipe(reader, timeout_ms, &swipe);
	if (rc != 1) {
		if (rc == CARD_ENODEV)
			log_warn("HID reader unplugged during a read");
		else if (rc < 0)
			log_warn("HID reader read failed: %s",
				 card_strerror(rc));
		mbedtls_platform_zeroize(text, size);
		return rc;
	}
	text[swipe.len] = '\0';
	*len = swipe.len;
	return 1;
}
