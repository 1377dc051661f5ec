/* A CCID reader emulated on mock_device, with slot 0 in use: its class
 * descriptor, the bulk commands and replies of CCID 1.1 chapter 6 with
 * extended APDU chaining, and the interrupt notifications. The switches
 * that tests set are in mock_ccid_options.c. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mock_ccid_internal.h"

/* The T=0 parameters a reader starts with (CCID 1.1 6.1.7): Fi/Di 0x11,
 * direct convention, no guard time, WI 10, clock running. */
static const unsigned char default_t0_parameters[5] = {
	0x11, 0x00, 0x00, 0x0a, 0x00
};

const struct mock_ccid_config mock_ccid_apdu_reader = {
	.vendor = 0x072f,
	.product = 0x90cc,
	.name = "Test APDU Reader",
	.serial = "APDU0001",
	.level = MOCK_CCID_SHORT_APDU,
	.voltages = MOCK_CCID_5V | MOCK_CCID_3V | MOCK_CCID_1_8V,
	.auto_voltage = true,
	.auto_parameters = true,
	.protocols = 0x03,
	.max_message = 271,
	.interrupt = true,
	.max_packet = 64,
};

const struct mock_ccid_config mock_ccid_tpdu_reader = {
	.vendor = 0x04e6,
	.product = 0x5116,
	.name = "Test TPDU Reader",
	.serial = "TPDU0001",
	.level = MOCK_CCID_TPDU,
	.voltages = MOCK_CCID_5V | MOCK_CCID_3V | MOCK_CCID_1_8V,
	.auto_voltage = false,
	.auto_parameters = false,
	.protocols = 0x03,
	.max_message = 271,
	.interrupt = true,
	.max_packet = 64,
};


static void put_le32(unsigned char *out, uint32_t value)
{
	out[0] = (unsigned char)(value & 0xff);
	out[1] = (unsigned char)((value >> 8) & 0xff);
	out[2] = (unsigned char)((value >> 16) & 0xff);
	out[3] = (unsigned char)(value >> 24);
}

static uint32_t get_le32(const unsigned char *in)
{
	return (uint32_t)in[0] | (uint32_t)in[1] << 8 |
	       (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
}

/* dwFeatures: automatic parameters (0x02 from the ATR, 0x80 PPS),
 * automatic voltage (0x08), clock and baud rate (0x10, 0x20), and the
 * exchange level (0x10000 TPDU, 0x20000 short APDU, 0x40000 extended). */
static uint32_t features_of(const struct mock_ccid_config *config)
{
	uint32_t features = 0x10 | 0x20;

	if (config->auto_parameters)
		features |= 0x02 | 0x80;
	if (config->auto_voltage)
		features |= 0x08;
	if (config->level == MOCK_CCID_TPDU)
		features |= 0x00010000;
	else if (config->level == MOCK_CCID_SHORT_APDU)
		features |= 0x00020000;
	else
		features |= 0x00040000;
	return features;
}

/* The layout of CCID 1.1 table 5.1-1. */
void mock_ccid_class_descriptor(const struct mock_ccid_config *config,
				unsigned char out[54])
{
	memset(out, 0, DESCRIPTOR_SIZE);
	out[0] = DESCRIPTOR_SIZE;
	out[1] = 0x21;
	out[2] = 0x10;                       /* bcdCCID 1.10 */
	out[3] = 0x01;
	out[4] = config->max_slot_index;
	out[5] = config->voltages;
	put_le32(out + 6, config->protocols);
	put_le32(out + 10, 4000);            /* dwDefaultClock, kHz */
	put_le32(out + 14, 4000);            /* dwMaximumClock */
	out[18] = 0;
	put_le32(out + 19, 10752);           /* dwDataRate, bps */
	put_le32(out + 23, 344086);          /* dwMaxDataRate */
	out[27] = 0;
	put_le32(out + 28, 254);             /* dwMaxIFSD */
	put_le32(out + 32, 0);               /* dwSynchProtocols */
	put_le32(out + 36, 0);               /* dwMechanical */
	put_le32(out + 40, features_of(config));
	put_le32(out + 44, config->max_message);
	out[48] = 0xff;                      /* bClassGetResponse: echo */
	out[49] = 0xff;                      /* bClassEnvelope */
	out[52] = 0;                         /* bPINSupport */
	out[53] = 1;                         /* bMaxCCIDBusySlots */
}

/* --- Replies --- */

static size_t put_header(unsigned char *out, uint8_t type, size_t length,
			 uint8_t seq, uint8_t status, uint8_t error,
			 uint8_t specific)
{
	out[0] = type;
	put_le32(out + 1, (uint32_t)length);
	out[5] = 0;
	out[6] = seq;
	out[7] = status;
	out[8] = error;
	out[9] = specific;
	return HEADER_SIZE + length;
}

static uint8_t icc_status(const struct mock_ccid *ccid)
{
	if (!ccid->card)
		return ICC_ABSENT;
	return ccid->powered ? ICC_ACTIVE : ICC_INACTIVE;
}

static uint8_t reply_type_of(uint8_t command)
{
	switch (command) {
	case MOCK_CCID_POWER_ON:
	case MOCK_CCID_XFR_BLOCK:
		return RDR_DATA_BLOCK;
	case MOCK_CCID_GET_PARAMETERS:
	case MOCK_CCID_SET_PARAMETERS:
		return RDR_PARAMETERS;
	default:
		return RDR_SLOT_STATUS;
	}
}

void mock_ccid_send_reply(struct mock_ccid *ccid, unsigned char *buf,
			  size_t len)
{
	size_t chunk = ccid->split_first;
	size_t sent = 0;
	size_t n;

	memset(buf + len, 0xa5, ccid->pad);
	len += ccid->pad;
	do {
		n = len - sent;
		if (chunk > 0 && chunk < n)
			n = chunk;
		mock_device_send(ccid->device, EP_BULK_IN, buf + sent, n);
		sent += n;
		chunk = ccid->split_rest;
	} while (sent < len);
}

void mock_ccid_notify_slot(struct mock_ccid *ccid)
{
	unsigned char message[2] = { NOTIFY_SLOT_CHANGE, 0x02 };

	if (!ccid->config.interrupt)
		return;
	if (ccid->card)
		message[1] |= 0x01;
	mock_device_send(ccid->device, EP_INTERRUPT_IN, message,
			 sizeof(message));
}

/* Rewrite the reply of len bytes into a malformed one. Returns its new
 * length. */
static size_t malform(struct mock_ccid *ccid, unsigned char *reply,
		      size_t len)
{
	enum mock_ccid_malformed kind = ccid->malformed;

	ccid->malformed = MOCK_CCID_MALFORMED_NONE;
	switch (kind) {
	case MOCK_CCID_BAD_LENGTH:
		put_le32(reply + 1, 0x00100000);
		return len;
	case MOCK_CCID_UNKNOWN_TYPE:
		reply[0] = 0x84;
		return len;
	case MOCK_CCID_WRONG_TYPE:
		return put_header(reply, RDR_SLOT_STATUS, 0, reply[6],
				  reply[7], reply[8], 0);
	case MOCK_CCID_TRUNCATED:
		return 6;
	case MOCK_CCID_NO_REPLY:
		return 0;
	case MOCK_CCID_MALFORMED_NONE:
		break;
	}
	return len;
}

/* --- Commands --- */

static size_t fail(struct mock_ccid *ccid, const unsigned char *command,
		   uint8_t error)
{
	return put_header(ccid->reply, reply_type_of(command[0]), 0,
			  command[6], STATUS_FAILED | icc_status(ccid),
			  error, 0);
}

/* The voltage bit that bPowerSelect selects. For 0 (automatic) it is
 * the lowest that reader and card share. 0: none. */
static uint8_t voltage_for(const struct mock_ccid *ccid, uint8_t select)
{
	static const uint8_t bits[] = { 0, MOCK_CCID_5V, MOCK_CCID_3V,
					MOCK_CCID_1_8V };
	static const uint8_t lowest_first[] = { MOCK_CCID_1_8V, MOCK_CCID_3V,
						MOCK_CCID_5V };
	uint8_t card = ccid->card->voltages ? ccid->card->voltages : 0x07;
	size_t i;

	if (select != 0)
		return select < 4 ? bits[select] : 0;
	for (i = 0; i < sizeof(lowest_first); i++) {
		if (ccid->config.voltages & card & lowest_first[i])
			return lowest_first[i];
	}
	return 0;
}

static size_t power_on(struct mock_ccid *ccid, const unsigned char *command)
{
	uint8_t select = command[7];
	uint8_t voltage;
	uint8_t card;

	if (!ccid->card)
		return fail(ccid, command, MOCK_CCID_ERROR_MUTE);
	if (select > 3 || (select == 0 && !ccid->config.auto_voltage))
		return fail(ccid, command, ERROR_BAD_BYTE7);
	voltage = voltage_for(ccid, select);
	/* A reader whose bVoltageSupport lists none supplies every class
	 * it is asked for. */
	if (select != 0 && ccid->config.voltages != 0 &&
	    !(ccid->config.voltages & voltage))
		return fail(ccid, command, ERROR_BAD_BYTE7);
	card = ccid->card->voltages ? ccid->card->voltages : 0x07;
	if (!(voltage & card)) {
		ccid->powered = false;
		return fail(ccid, command, MOCK_CCID_ERROR_MUTE);
	}

	ccid->powered = true;
	ccid->protocol = -1;
	memcpy(ccid->parameters, default_t0_parameters,
	       sizeof(default_t0_parameters));
	ccid->parameters_len = sizeof(default_t0_parameters);
	memcpy(ccid->reply + HEADER_SIZE, ccid->card->atr,
	       ccid->card->atr_len);
	return put_header(ccid->reply, RDR_DATA_BLOCK, ccid->card->atr_len,
			  command[6], ICC_ACTIVE, 0, 0);
}

static size_t slot_status(struct mock_ccid *ccid,
			  const unsigned char *command)
{
	/* bClockStatus: 0 running, 3 stopped in an unknown state. */
	return put_header(ccid->reply, RDR_SLOT_STATUS, 0, command[6],
			  icc_status(ccid), 0, ccid->powered ? 0 : 3);
}

/* The card leaves at this exchange: the reply reports ICC absent, and
 * NotifySlotChange follows on the interrupt endpoint. */
static size_t remove_now(struct mock_ccid *ccid, const unsigned char *command)
{
	size_t len;

	ccid->card = NULL;
	ccid->powered = false;
	ccid->remove_after = -1;
	len = fail(ccid, command, MOCK_CCID_ERROR_MUTE);
	return len;
}

/* The next block of the card's response, at most the reader's message
 * data, with the bChainParameter of its place in the response. */
static size_t response_block(struct mock_ccid *ccid,
			     const unsigned char *command)
{
	size_t room = ccid->config.max_message - HEADER_SIZE;
	size_t left = ccid->response_len - ccid->response_sent;
	size_t n = left < room ? left : room;
	bool first = ccid->response_sent == 0;
	bool last = n == left;
	uint8_t chain;

	if (first)
		chain = last ? CHAIN_WHOLE : CHAIN_BEGINS;
	else
		chain = last ? CHAIN_ENDS : CHAIN_CONTINUES;
	memcpy(ccid->reply + HEADER_SIZE, ccid->response + ccid->response_sent,
	       n);
	ccid->response_sent += n;
	ccid->responding = !last;
	return put_header(ccid->reply, RDR_DATA_BLOCK, n, command[6],
			  ICC_ACTIVE, 0, chain);
}

/* Give apdu to the card and send the first block of its response. */
static size_t answer_chained(struct mock_ccid *ccid,
			     const unsigned char *command,
			     const unsigned char *apdu, size_t len)
{
	int got = ccid->card->answer(ccid->card->data, apdu, len,
				     ccid->response, MOCK_CCID_APDU_MAX);

	ccid->chain_open = false;
	ccid->responding = false;
	if (got < 0)
		return fail(ccid, command, MOCK_CCID_ERROR_MUTE);
	ccid->response_len = (size_t)got;
	ccid->response_sent = 0;
	return response_block(ccid, command);
}

/* Keep one block of a chained command. Returns false, closing the
 * chain, when the command would pass MOCK_CCID_APDU_MAX. */
static bool collect_block(struct mock_ccid *ccid,
			  const unsigned char *command, size_t length)
{
	if (ccid->chained_len + length > MOCK_CCID_APDU_MAX) {
		ccid->chain_open = false;
		return false;
	}
	memcpy(ccid->chained + ccid->chained_len, command + HEADER_SIZE,
	       length);
	ccid->chained_len += length;
	ccid->chain_open = true;
	return true;
}

/* Keep a block that is not the last; the reply asks for the next. */
static size_t continue_chain(struct mock_ccid *ccid,
			     const unsigned char *command, size_t length)
{
	if (!collect_block(ccid, command, length))
		return fail(ccid, command, ERROR_BAD_LENGTH);
	return put_header(ccid->reply, RDR_DATA_BLOCK, 0, command[6],
			  ICC_ACTIVE, 0, CHAIN_EMPTY);
}

/* An XfrBlock at extended APDU level, by its wLevelParameter. A block
 * out of place fails with bError 8, the offset of wLevelParameter. */
static size_t xfr_extended(struct mock_ccid *ccid,
			   const unsigned char *command, size_t length)
{
	uint16_t level = (uint16_t)(command[8] | command[9] << 8);

	if (level == CHAIN_WHOLE)
		return answer_chained(ccid, command, command + HEADER_SIZE,
				      length);
	if (level == CHAIN_BEGINS) {
		ccid->chained_len = 0;
		return continue_chain(ccid, command, length);
	}
	if (level == CHAIN_CONTINUES && ccid->chain_open)
		return continue_chain(ccid, command, length);
	if (level == CHAIN_ENDS && ccid->chain_open) {
		if (!collect_block(ccid, command, length))
			return fail(ccid, command, ERROR_BAD_LENGTH);
		return answer_chained(ccid, command, ccid->chained,
				      ccid->chained_len);
	}
	if (level == CHAIN_EMPTY && ccid->responding && length == 0)
		return response_block(ccid, command);
	ccid->chain_open = false;
	ccid->responding = false;
	return fail(ccid, command, ERROR_BAD_LEVEL);
}

static size_t xfr_block(struct mock_ccid *ccid, const unsigned char *command,
			size_t length)
{
	size_t room = ccid->config.max_message - HEADER_SIZE;
	int got;

	if (!ccid->card || !ccid->powered)
		return fail(ccid, command, MOCK_CCID_ERROR_MUTE);
	if (ccid->remove_after == 0)
		return remove_now(ccid, command);
	if (ccid->remove_after > 0)
		ccid->remove_after--;
	if (ccid->config.level == MOCK_CCID_EXTENDED_APDU)
		return xfr_extended(ccid, command, length);
	if (ccid->config.level == MOCK_CCID_SHORT_APDU &&
	    length > SHORT_APDU_MAX)
		return fail(ccid, command, ERROR_BAD_LENGTH);

	got = ccid->card->answer(ccid->card->data, command + HEADER_SIZE,
				 length, ccid->reply + HEADER_SIZE,
				 MOCK_CCID_APDU_MAX);
	if (got < 0)
		return fail(ccid, command, MOCK_CCID_ERROR_MUTE);
	if ((size_t)got > room)
		return fail(ccid, command, ERROR_OVERRUN);
	return put_header(ccid->reply, RDR_DATA_BLOCK, (size_t)got,
			  command[6], ICC_ACTIVE, 0, 0);
}

static size_t parameters(struct mock_ccid *ccid, const unsigned char *command)
{
	uint8_t protocol = ccid->protocol == 1 ? 1 : 0;

	if (!ccid->card)
		return fail(ccid, command, MOCK_CCID_ERROR_MUTE);
	memcpy(ccid->reply + HEADER_SIZE, ccid->parameters,
	       ccid->parameters_len);
	return put_header(ccid->reply, RDR_PARAMETERS, ccid->parameters_len,
			  command[6], icc_status(ccid), 0, protocol);
}

/* SetParameters: 5 bytes for T=0, 7 for T=1 (CCID 1.1 6.1.7). */
static size_t set_parameters(struct mock_ccid *ccid,
			     const unsigned char *command, size_t length)
{
	uint8_t protocol = command[7];
	size_t expected = protocol == 1 ? 7 : 5;

	if (protocol > 1 || !(ccid->config.protocols & (1u << protocol)))
		return fail(ccid, command, ERROR_BAD_BYTE7);
	if (length != expected)
		return fail(ccid, command, ERROR_BAD_LENGTH);
	ccid->protocol = protocol;
	memcpy(ccid->parameters, command + HEADER_SIZE, length);
	ccid->parameters_len = length;
	return parameters(ccid, command);
}

static size_t run_command(struct mock_ccid *ccid,
			  const unsigned char *command, size_t length)
{
	if (command[5] != 0)
		return fail(ccid, command, ERROR_BAD_SLOT);
	switch (command[0]) {
	case MOCK_CCID_POWER_ON:
		return power_on(ccid, command);
	case MOCK_CCID_POWER_OFF:
		ccid->powered = false;
		return slot_status(ccid, command);
	case MOCK_CCID_GET_SLOT_STATUS:
		return slot_status(ccid, command);
	case MOCK_CCID_XFR_BLOCK:
		return xfr_block(ccid, command, length);
	case MOCK_CCID_GET_PARAMETERS:
		return parameters(ccid, command);
	case MOCK_CCID_SET_PARAMETERS:
		return set_parameters(ccid, command, length);
	default:
		return fail(ccid, command, ERROR_COMMAND_NOT_SUPPORTED);
	}
}

static void log_command(struct mock_ccid *ccid, const unsigned char *command,
			size_t length)
{
	struct mock_ccid_command *entry;

	entry = &ccid->log[ccid->log_count % MOCK_CCID_LOG_MAX];
	entry->type = command[0];
	entry->seq = command[6];
	memcpy(entry->specific, command + 7, 3);
	entry->length = length;
	ccid->log_count++;
}

/* Send what comes before the real reply: time extensions and a stale
 * reply. */
static void send_early(struct mock_ccid *ccid, const unsigned char *command)
{
	unsigned char early[HEADER_SIZE + 4096];
	uint8_t type = reply_type_of(command[0]);

	for (; ccid->time_extensions > 0; ccid->time_extensions--) {
		put_header(early, type, 0, command[6],
			   STATUS_TIME_EXTENSION | icc_status(ccid), 1, 0);
		mock_ccid_send_reply(ccid, early, HEADER_SIZE);
	}
	if (ccid->silence_pending) {
		ccid->silence_pending = false;
		ccid->silent = true;
		put_header(early, type, 0, command[6],
			   STATUS_TIME_EXTENSION | icc_status(ccid),
			   ccid->silence_multiplier, 0);
		mock_ccid_send_reply(ccid, early, HEADER_SIZE);
	}
	if (ccid->stale) {
		ccid->stale = false;
		put_header(early, type, 0, (uint8_t)(command[6] - 1),
			   icc_status(ccid), 0, 0);
		mock_ccid_send_reply(ccid, early, HEADER_SIZE);
	}
}

static void handle_command(struct mock_ccid *ccid,
			   const unsigned char *command, size_t length)
{
	bool had_card = ccid->card != NULL;
	size_t len;

	log_command(ccid, command, length);
	ccid->last_seq = command[6];
	send_early(ccid, command);
	if (ccid->silent)
		return;
	if (ccid->fail_error >= 0) {
		len = fail(ccid, command, (uint8_t)ccid->fail_error);
		ccid->fail_error = -1;
	} else {
		len = run_command(ccid, command, length);
	}
	if (ccid->malformed != MOCK_CCID_MALFORMED_NONE)
		len = malform(ccid, ccid->reply, len);
	if (len > 0)
		mock_ccid_reply_later(ccid, ccid->reply, len);
	if (had_card && !ccid->card)
		mock_ccid_notify_slot(ccid);
}

/* Collect bulk OUT bytes until a whole command (header and dwLength)
 * is in; a command over dwMaxCCIDMessageLength is failed unread. */
static void on_bulk_out(struct mock_device *device, void *data,
			const unsigned char *buf, size_t len)
{
	struct mock_ccid *ccid = data;
	size_t room = ccid->config.max_message;
	size_t length;

	(void)device;
	if (ccid->command_len + len > room + HEADER_SIZE) {
		ccid->command_len = 0;
		if (len < HEADER_SIZE)
			return;
		mock_ccid_send_reply(ccid, ccid->reply,
				     fail(ccid, buf, ERROR_BAD_LENGTH));
		return;
	}
	memcpy(ccid->command + ccid->command_len, buf, len);
	ccid->command_len += len;
	if (ccid->command_len < HEADER_SIZE)
		return;
	length = get_le32(ccid->command + 1);
	if (length > room - HEADER_SIZE) {
		mock_ccid_send_reply(ccid, ccid->reply,
				     fail(ccid, ccid->command,
					  ERROR_BAD_LENGTH));
		ccid->command_len = 0;
		return;
	}
	if (ccid->command_len < HEADER_SIZE + length)
		return;
	handle_command(ccid, ccid->command, length);
	ccid->command_len = 0;
}

static const struct mock_device_ops ccid_ops = {
	.bulk_out = on_bulk_out,
	.control = NULL,
};

/* --- Life cycle and switches --- */

struct mock_ccid *mock_ccid_new(UMockdevTestbed *testbed,
				const struct mock_ccid_config *config,
				int address)
{
	unsigned char descriptor[DESCRIPTOR_SIZE];
	struct mock_device_desc desc = {
		.vendor = config->vendor,
		.product = config->product,
		.manufacturer = "Spotagent Test",
		.product_name = config->name,
		.serial = config->serial,
		.interface_class = 0x0b,
		.class_descriptor = descriptor,
		.class_descriptor_len = sizeof(descriptor),
		.ep_bulk_out = EP_BULK_OUT,
		.ep_bulk_in = EP_BULK_IN,
		.ep_interrupt_in = config->interrupt ? EP_INTERRUPT_IN : 0,
		.bulk_max_packet = config->max_packet,
		.interrupt_max_packet = 8,
		.interrupt_interval = 16,
		.kernel_driver = config->kernel_driver,
	};
	struct mock_ccid *ccid;

	ccid = calloc(1, sizeof(*ccid));
	if (!ccid)
		return NULL;
	ccid->config = *config;
	ccid->protocol = -1;
	ccid->remove_after = -1;
	ccid->fail_error = -1;
	/* Room for the longest command or reply plus padding. */
	ccid->command = malloc(config->max_message + HEADER_SIZE);
	ccid->reply = malloc(MOCK_CCID_REPLY_ROOM);
	ccid->chained = malloc(MOCK_CCID_APDU_MAX);
	ccid->response = malloc(MOCK_CCID_APDU_MAX);
	if (!ccid->command || !ccid->reply || !ccid->chained ||
	    !ccid->response || config->max_message < 64)
		goto fail;
	mock_ccid_class_descriptor(config, descriptor);
	ccid->device = mock_device_new(testbed, &desc, address, &ccid_ops,
				       ccid);
	if (!ccid->device)
		goto fail;
	return ccid;

fail:
	mock_ccid_free(ccid);
	return NULL;
}

void mock_ccid_free(struct mock_ccid *ccid)
{
	if (!ccid)
		return;
	mock_ccid_stop_delays(ccid);
	mock_device_free(ccid->device);
	free(ccid->command);
	free(ccid->reply);
	free(ccid->chained);
	free(ccid->response);
	free(ccid);
}

struct mock_device *mock_ccid_device(struct mock_ccid *ccid)
{
	return ccid->device;
}
