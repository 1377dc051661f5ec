/* CCID messages without USB: the class descriptor, PC_to_RDR messages,
 * RDR_to_PC replies and interrupt notifications (CCID specification 1.1),
 * the driver's error codes and their mapping to the card layer. */
#include "ccid.h"

#include <string.h>

/* Class descriptor (CCID 1.1 table 5.1-1): its length, type and the byte
 * offsets of the fields the driver reads. */
#define DESC_LENGTH 54
#define DESC_TYPE 0x21
#define DESC_MAX_SLOT 4
#define DESC_VOLTAGE 5
#define DESC_PROTOCOLS 6
#define DESC_DEFAULT_CLOCK 10
#define DESC_MAX_IFSD 28
#define DESC_FEATURES 40
#define DESC_MAX_MESSAGE 44

/* dwFeatures bits (CCID 1.1 table 5.1-1). */
#define FEATURE_AUTO_PARAMETERS 0x00000002u
#define FEATURE_AUTO_VOLTAGE 0x00000008u
#define FEATURE_AUTO_PPS 0x00000080u
#define FEATURE_TPDU 0x00010000u
#define FEATURE_SHORT_APDU 0x00020000u
#define FEATURE_EXTENDED_APDU 0x00040000u

/* A short APDU-level or TPDU message: 10 bytes of header, 5 of command
 * header and 256 of data, so smaller readers cannot carry one command. */
#define MESSAGE_MIN 271

/* The notifications of CCID 1.1 6.3. */
#define NOTIFY_SLOT_CHANGE 0x50
#define NOTIFY_HARDWARE_ERROR 0x51

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static enum ccid_level level_of(uint32_t features)
{
	if (features & FEATURE_EXTENDED_APDU)
		return CCID_LEVEL_EXTENDED_APDU;
	if (features & FEATURE_SHORT_APDU)
		return CCID_LEVEL_SHORT_APDU;
	if (features & FEATURE_TPDU)
		return CCID_LEVEL_TPDU;
	return CCID_LEVEL_CHARACTER;
}

int ccid_parse_descriptor(const uint8_t *data, size_t len,
			  struct ccid_descriptor *out)
{
	struct ccid_descriptor d;

	if (data == NULL || out == NULL || len < DESC_LENGTH)
		return CCID_EDESCRIPTOR;
	if (data[0] < DESC_LENGTH || data[1] != DESC_TYPE)
		return CCID_EDESCRIPTOR;

	memset(&d, 0, sizeof(d));
	d.max_slot_index = data[DESC_MAX_SLOT];
	d.voltages = data[DESC_VOLTAGE];
	d.protocols = get_le32(data + DESC_PROTOCOLS);
	d.default_clock_khz = get_le32(data + DESC_DEFAULT_CLOCK);
	d.max_ifsd = get_le32(data + DESC_MAX_IFSD);
	d.features = get_le32(data + DESC_FEATURES);
	d.max_message = get_le32(data + DESC_MAX_MESSAGE);
	d.level = level_of(d.features);
	d.auto_voltage = (d.features & FEATURE_AUTO_VOLTAGE) != 0;
	d.auto_parameters = (d.features &
			     (FEATURE_AUTO_PARAMETERS | FEATURE_AUTO_PPS)) != 0;

	/* T=0 and T=1 are the only protocols the driver supports. */
	if ((d.protocols & 0x3) == 0 || d.max_message < MESSAGE_MIN)
		return CCID_EDESCRIPTOR;
	*out = d;
	return CCID_OK;
}

size_t ccid_frame_length(const uint8_t *data, size_t len)
{
	if (data == NULL || len < CCID_HEADER_SIZE)
		return 0;
	return CCID_HEADER_SIZE + (size_t)get_le32(data + 1);
}

int ccid_parse_reply(const uint8_t *data, size_t len, size_t max_message,
		     struct ccid_reply *out)
{
	uint32_t length;
	uint8_t status;

	if (data == NULL || out == NULL || len < CCID_HEADER_SIZE)
		return CCID_EFRAME;
	if (data[0] != CCID_RDR_DATA_BLOCK && data[0] != CCID_RDR_SLOT_STATUS &&
	    data[0] != CCID_RDR_PARAMETERS)
		return CCID_EFRAME;
	length = get_le32(data + 1);
	if (len > max_message || len - CCID_HEADER_SIZE != length)
		return CCID_EFRAME;

	/* bStatus: bmICCStatus in bits 0-1, bmCommandStatus in bits 6-7,
	 * the rest reserved (CCID 1.1 6.2.6). */
	status = data[7];
	if ((status & 0x03) == 3)
		return CCID_EFRAME;

	memset(out, 0, sizeof(*out));
	out->type = data[0];
	out->slot = data[5];
	out->seq = data[6];
	out->icc = (enum ccid_icc)(status & 0x03);
	out->command_status = (uint8_t)(status >> 6);
	out->error = data[8];
	if (data[0] == CCID_RDR_DATA_BLOCK)
		out->chain = data[9];
	out->data = data + CCID_HEADER_SIZE;
	out->length = length;
	return CCID_OK;
}

int ccid_build(uint8_t *out, size_t size, uint8_t type, uint8_t slot,
	       uint8_t seq, const uint8_t specific[3], const uint8_t *data,
	       size_t len)
{
	if (out == NULL || (data == NULL && len > 0))
		return CCID_ETOOLONG;
	if (size < CCID_HEADER_SIZE || len > size - CCID_HEADER_SIZE ||
	    len > INT32_MAX - CCID_HEADER_SIZE)
		return CCID_ETOOLONG;

	out[0] = type;
	out[1] = (uint8_t)len;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)(len >> 16);
	out[4] = (uint8_t)(len >> 24);
	out[5] = slot;
	out[6] = seq;
	if (specific != NULL)
		memcpy(out + 7, specific, 3);
	else
		memset(out + 7, 0, 3);
	if (len > 0)
		memcpy(out + CCID_HEADER_SIZE, data, len);
	return (int)(CCID_HEADER_SIZE + len);
}

int ccid_parse_notice(const uint8_t *data, size_t len,
		      struct ccid_notice *out)
{
	if (data == NULL || out == NULL || len == 0)
		return CCID_EFRAME;

	memset(out, 0, sizeof(*out));
	switch (data[0]) {
	case NOTIFY_SLOT_CHANGE:
		/* bmSlotICCState: two bits per slot from bit 0, the first
		 * "card present", the second "changed". */
		if (len < 2)
			return CCID_EFRAME;
		out->kind = CCID_NOTICE_SLOT_CHANGE;
		out->present = (data[1] & 0x01) != 0;
		out->changed = (data[1] & 0x02) != 0;
		return CCID_OK;
	case NOTIFY_HARDWARE_ERROR:
		if (len < 4)
			return CCID_EFRAME;
		out->kind = CCID_NOTICE_HARDWARE;
		out->slot = data[1];
		out->seq = data[2];
		out->code = data[3];
		return CCID_OK;
	default:
		/* A vendor's message, or one of a later CCID revision. */
		return CCID_ENOTSUP;
	}
}

int ccid_to_card_error(int error)
{
	switch (error) {
	case CCID_OK:
		return CARD_OK;
	case CCID_ENOCARD:
		return CARD_ENOCARD;
	case CCID_EREMOVED:
		return CARD_EREMOVED;
	case CCID_EMUTE:
		return CARD_EMUTE;
	case CCID_EHARDWARE:
		return CARD_EREADER;
	case CCID_ENOTSUP:
		return CARD_EUNSUPPORTED;
	case CCID_ENODEV:
		return CARD_ENODEV;
	case CCID_ETOOLONG:
		return CARD_EINVAL;
	case CCID_ENOMEM:
		return CARD_ENOMEM;
	case CCID_EACCESS:
		return CARD_EACCESS;
	case CCID_EBUSY:
		return CARD_EBUSY;
	case CCID_EINVAL:
		return CARD_EINVAL;
	case CCID_ECANCELLED:
		return CARD_ECANCELLED;
	case CCID_ETIMEOUT:
		/* The reader, not the agent, did not reply in time, and
		 * CARD_ETIMEOUT means no card was presented. */
		return CARD_EMUTE;
	default:
		/* CCID_EDESCRIPTOR, CCID_EFRAME, CCID_ESLOT, CCID_EUSB and
		 * unknown codes. */
		return CARD_EPROTO;
	}
}

const char *ccid_strerror(int error)
{
	switch (error) {
	case CCID_OK:
		return "no error";
	case CCID_EDESCRIPTOR:
		return "CCID class descriptor missing or malformed";
	case CCID_EFRAME:
		return "malformed CCID reply from the reader";
	case CCID_ENOCARD:
		return "no card in the reader's slot";
	case CCID_EREMOVED:
		return "card removed during the exchange";
	case CCID_EMUTE:
		return "card does not answer (ICC_MUTE)";
	case CCID_ESLOT:
		return "the reader reported a slot error";
	case CCID_EHARDWARE:
		return "the reader reported a hardware error";
	case CCID_ENOTSUP:
		return "the reader cannot read this card";
	case CCID_ETIMEOUT:
		return "no reply from the reader within the timeout";
	case CCID_EUSB:
		return "USB transfer to the reader failed";
	case CCID_ENODEV:
		return "card reader unplugged";
	case CCID_ETOOLONG:
		return "command longer than the reader's maximum message";
	case CCID_ENOMEM:
		return "out of memory";
	case CCID_EACCESS:
		return "no permission to open the card reader";
	case CCID_EBUSY:
		return "the card reader is in use by another program";
	case CCID_EINVAL:
		return "invalid argument to the card reader driver";
	case CCID_ECANCELLED:
		return "wait for the reader's reply cancelled";
	default:
		return "unknown CCID error";
	}
}
