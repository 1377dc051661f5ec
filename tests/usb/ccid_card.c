/* Test cards for the emulated CCID reader and the bed of the CCID USB
 * tests. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccid_card.h"

#define INS_SELECT 0xa4
#define INS_READ_RECORD 0xb2
#define INS_GET_RESPONSE 0xc0

static const unsigned char t0_atr[] = { 0x3b, 0x02, 0x14, 0x50 };
/* TD1 = 01: T=1 only, so TCK (80 ^ 01) follows. */
static const unsigned char t1_atr[] = { 0x3b, 0x80, 0x01, 0x81 };

void ccid_card_record(unsigned char *out)
{
	size_t i;

	for (i = 0; i < CCID_RECORD_LEN; i++)
		out[i] = (unsigned char)i;
}

void ccid_card_fci(unsigned char *out)
{
	static const unsigned char fci[CCID_FCI_LEN] = {
		0x6f, 0x04, 0x84, 0x02, 0xa0, 0x00
	};

	memcpy(out, fci, sizeof(fci));
}

static int status_only(unsigned char *reply, unsigned char sw1,
		       unsigned char sw2)
{
	reply[0] = sw1;
	reply[1] = sw2;
	return 2;
}

static int with_ok(unsigned char *reply, size_t len)
{
	reply[len] = 0x90;
	reply[len + 1] = 0x00;
	return (int)len + 2;
}

static int answer_apdu(void *data, const unsigned char *command, size_t len,
		       unsigned char *reply, size_t size)
{
	(void)data;
	if (len < 4 || size < CCID_RECORD_LEN + 2)
		return status_only(reply, 0x67, 0x00);
	if (command[1] == INS_SELECT) {
		ccid_card_fci(reply);
		return with_ok(reply, CCID_FCI_LEN);
	}
	if (command[1] == INS_READ_RECORD) {
		ccid_card_record(reply);
		return with_ok(reply, CCID_RECORD_LEN);
	}
	return status_only(reply, 0x6d, 0x00);
}

/* T=0 TPDUs (ISO/IEC 7816-3 10.3): a header of five bytes and, for a
 * command with data, P3 data bytes. */
static int answer_tpdu(void *data, const unsigned char *command, size_t len,
		       unsigned char *reply, size_t size)
{
	(void)data;
	if (len < 5 || size < CCID_RECORD_LEN + 2)
		return status_only(reply, 0x67, 0x00);
	if (command[1] == INS_SELECT) {
		if (len != 5u + command[4])
			return status_only(reply, 0x67, 0x00);
		return status_only(reply, 0x61, CCID_FCI_LEN);
	}
	if (command[1] == INS_GET_RESPONSE) {
		if (len != 5 || command[4] != CCID_FCI_LEN)
			return status_only(reply, 0x6c, CCID_FCI_LEN);
		ccid_card_fci(reply);
		return with_ok(reply, CCID_FCI_LEN);
	}
	if (command[1] == INS_READ_RECORD) {
		if (len != 5 || command[4] != CCID_RECORD_LEN)
			return status_only(reply, 0x6c, CCID_RECORD_LEN);
		ccid_card_record(reply);
		return with_ok(reply, CCID_RECORD_LEN);
	}
	return status_only(reply, 0x6d, 0x00);
}

const struct mock_card ccid_apdu_card = {
	.atr = t0_atr,
	.atr_len = sizeof(t0_atr),
	.voltages = 0,
	.answer = answer_apdu,
	.data = NULL,
};

const struct mock_card ccid_t0_card = {
	.atr = t0_atr,
	.atr_len = sizeof(t0_atr),
	.voltages = 0,
	.answer = answer_tpdu,
	.data = NULL,
};

const struct mock_card ccid_t1_card = {
	.atr = t1_atr,
	.atr_len = sizeof(t1_atr),
	.voltages = 0,
	.answer = answer_apdu,
	.data = NULL,
};

/* Extended APDUs (ISO/IEC 7816-4 5.1): the long record, or the command
 * itself, so that a test sees which bytes reached the card. */
static int answer_extended(void *data, const unsigned char *command,
			   size_t len, unsigned char *reply, size_t size)
{
	size_t i;

	(void)data;
	if (len < 4 || size < CCID_LONG_RECORD_LEN + 2 || size < len + 2)
		return status_only(reply, 0x67, 0x00);
	if (command[1] == INS_READ_RECORD) {
		for (i = 0; i < CCID_LONG_RECORD_LEN; i++)
			reply[i] = (unsigned char)i;
		return with_ok(reply, CCID_LONG_RECORD_LEN);
	}
	memcpy(reply, command, len);
	return with_ok(reply, len);
}

const struct mock_card ccid_extended_card = {
	.atr = t0_atr,
	.atr_len = sizeof(t0_atr),
	.voltages = 0,
	.answer = answer_extended,
	.data = NULL,
};

/* --- A virtual card in the slot --- */

static int answer_virtual(void *data, const unsigned char *command,
			  size_t len, unsigned char *reply, size_t size)
{
	size_t got = 0;
	int rc = virtual_card_exchange(data, command, len, reply, size, &got);

	if (rc != CARD_OK || got > (size_t)MOCK_CCID_APDU_MAX)
		return -1;
	return (int)got;
}

void ccid_card_from_virtual(struct virtual_card *virtual,
			    struct ccid_virtual_card *out)
{
	memset(out, 0, sizeof(*out));
	out->virtual = virtual;
	out->card.atr = virtual_card_atr(virtual, &out->card.atr_len);
	out->card.voltages = 0;
	out->card.answer = answer_virtual;
	out->card.data = virtual;
}

/* --- The bed --- */

struct ccid_bed *ccid_bed_open(void)
{
	struct ccid_bed *bed = calloc(1, sizeof(*bed));

	if (!bed)
		return NULL;
	pthread_mutex_init(&bed->lock, NULL);
	pthread_cond_init(&bed->changed, NULL);
	/* The testbed and its devices exist before libusb starts. */
	bed->testbed = umockdev_testbed_new();
	if (!bed->testbed)
		goto fail;
	bed->apdu = mock_ccid_new(bed->testbed, &mock_ccid_apdu_reader,
				  CCID_APDU_ADDRESS);
	bed->tpdu = mock_ccid_new(bed->testbed, &mock_ccid_tpdu_reader,
				  CCID_TPDU_ADDRESS);
	if (!bed->apdu || !bed->tpdu)
		goto fail;
	if (usb_context_open(&bed->usb) != USB_OK)
		goto fail;
	return bed;

fail:
	ccid_bed_close(bed);
	return NULL;
}

void ccid_bed_close(struct ccid_bed *bed)
{
	if (!bed)
		return;
	ccid_close(bed->reader);
	usb_context_close(bed->usb);
	mock_ccid_free(bed->apdu);
	mock_ccid_free(bed->tpdu);
	if (bed->testbed)
		g_object_unref(bed->testbed);
	pthread_cond_destroy(&bed->changed);
	pthread_mutex_destroy(&bed->lock);
	free(bed);
}

bool ccid_bed_find(struct ccid_bed *bed, uint16_t vendor, uint16_t product,
		   struct usb_device_info *info)
{
	struct usb_device_info found[8];
	int count = usb_list(bed->usb, USB_KIND_CCID, found, 8);
	int i;

	for (i = 0; i < count && i < 8; i++) {
		if (found[i].vendor == vendor && found[i].product == product) {
			*info = found[i];
			return true;
		}
	}
	return false;
}

int ccid_bed_open_reader(struct ccid_bed *bed,
			 const struct mock_ccid_config *config)
{
	struct usb_device_info info;

	if (!ccid_bed_find(bed, config->vendor, config->product, &info))
		return CCID_EINVAL;
	return ccid_open(bed->usb, &info, &bed->reader);
}

void ccid_bed_on_hotplug(void *data, bool arrived,
			 const struct usb_device_info *info)
{
	struct ccid_bed *bed = data;

	pthread_mutex_lock(&bed->lock);
	if (arrived)
		bed->arrivals++;
	else
		bed->removals++;
	bed->last = *info;
	pthread_cond_broadcast(&bed->changed);
	pthread_mutex_unlock(&bed->lock);
}

bool ccid_bed_wait(struct ccid_bed *bed, const int *counter, int target,
		   int timeout_ms)
{
	struct timespec deadline;
	bool reached;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&bed->lock);
	while (*counter < target) {
		if (pthread_cond_timedwait(&bed->changed, &bed->lock,
					   &deadline) != 0)
			break;
	}
	reached = *counter >= target;
	pthread_mutex_unlock(&bed->lock);
	return reached;
}
