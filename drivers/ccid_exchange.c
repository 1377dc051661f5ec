/* The CCID command exchange on the bulk endpoints: one command and its
 * reply with sequence numbers, time extensions and split replies, and
 * ccid_transmit with extended APDU chaining (CCID specification 1.1). */
#define LOG_MODULE "ccid"
#include "ccid.h"
#include "ccid_reader_internal.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <mbedtls/platform_util.h>

#include "../app/log.h"

/* Stale replies (an earlier bSeq, left by a command that timed out)
 * skipped before a reply counts as malformed. */
#define STALE_MAX 8
/* Time extension requests followed for one command. */
#define EXTENSION_MAX 60
/* Zero-length bulk reads accepted within one message. */
#define EMPTY_READS_MAX 8
/* Blocks of one chained command or response (CCID 1.1 6.1.4): 256 blocks
 * of at least 261 bytes carry the longest extended APDU, 65544 bytes. */
#define CHAIN_MAX 256

/* bError values of a failed command (CCID 1.1 6.2.6). */
#define ERROR_NOT_SUPPORTED 0x00
#define ERROR_ICC_MUTE 0xFE
#define ERROR_HW_ERROR 0xFB
#define ERROR_BAD_ATR_TCK 0xF7
#define ERROR_BAD_ATR_TS 0xF8
#define ERROR_PROTOCOL_NOT_SUPPORTED 0xF6
#define ERROR_CLASS_NOT_SUPPORTED 0xF5

/* bChainParameter of a reply and wLevelParameter of a command (CCID
 * 1.1 6.1.4 and 6.2.1). */
#define CHAIN_WHOLE 0x00
#define CHAIN_BEGINS 0x01
#define CHAIN_ENDS 0x02
#define CHAIN_CONTINUES 0x03
#define CHAIN_EMPTY 0x10

int ccid_from_usb(int usb_error)
{
	switch (usb_error) {
	case USB_OK:
		return CCID_OK;
	case USB_ENODEV:
		return CCID_ENODEV;
	case USB_ETIMEOUT:
		return CCID_ETIMEOUT;
	case USB_EACCESS:
		return CCID_EACCESS;
	case USB_EBUSY:
		return CCID_EBUSY;
	case USB_ENOMEM:
		return CCID_ENOMEM;
	default:
		log_warn("USB error on the card reader: %s",
			 usb_strerror(usb_error));
		return CCID_EUSB;
	}
}

static uint8_t reply_type_for(uint8_t command)
{
	switch (command) {
	case CCID_PC_SET_PARAMETERS:
		return CCID_RDR_PARAMETERS;
	case CCID_PC_POWER_OFF:
	case CCID_PC_GET_SLOT_STATUS:
		return CCID_RDR_SLOT_STATUS;
	default:
		return CCID_RDR_DATA_BLOCK;
	}
}

/* Map the bError of a failed command. */
static int failed_error(const struct ccid_reply *reply)
{
	if (reply->icc == CCID_ICC_ABSENT)
		return CCID_ENOCARD;

	switch (reply->error) {
	case ERROR_ICC_MUTE:
		return CCID_EMUTE;
	case ERROR_HW_ERROR:
		log_error("card reader reported a hardware error");
		return CCID_EHARDWARE;
	case ERROR_NOT_SUPPORTED:
	case ERROR_PROTOCOL_NOT_SUPPORTED:
	case ERROR_CLASS_NOT_SUPPORTED:
		log_warn("card reader rejected command type 0x%02x: bError "
			 "0x%02x (not supported)", reply->type, reply->error);
		return CCID_ENOTSUP;
	case ERROR_BAD_ATR_TS:
	case ERROR_BAD_ATR_TCK:
		log_warn("card reader rejected the card's ATR: bError 0x%02x",
			 reply->error);
		return CCID_EFRAME;
	default:
		log_warn("card reader slot error: bError 0x%02x",
			 reply->error);
		return CCID_ESLOT;
	}
}

/* The size of the next bulk read: the room left in the buffer, in whole
 * packets, because a read shorter than a packet can overflow. */
static size_t read_size(const struct ccid_reader *reader, size_t have)
{
	size_t packet = reader->info.max_packet_in;
	size_t room = reader->buffer_size - have;

	if (packet == 0 || room < packet)
		return room;
	return room - room % packet;
}

int64_t ccid_clock_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Check whether the first have bytes of the buffer hold a whole message.
 * When this returns true, *result is CCID_OK with *length, or CCID_EFRAME
 * for a dwLength over the reader's maximum. */
static bool message_done(struct ccid_reader *reader, size_t have,
			 size_t *length, int *result)
{
	size_t frame = ccid_frame_length(reader->buffer, have);

	if (frame > reader->message_max) {
		log_warn("card reader reply of %zu bytes is over the "
			 "maximum %zu", frame, reader->message_max);
		*result = CCID_EFRAME;
		return true;
	}
	if (frame == 0 || have < frame)
		return false;
	*length = frame;
	*result = CCID_OK;
	return true;
}

bool ccid_cancel_requested(struct ccid_reader *reader)
{
	return reader->cancelled != NULL &&
	       reader->cancelled(reader->cancel_data);
}

/* Read one whole message into reader->buffer, joining bulk reads until
 * dwLength is reached, all within timeout_ms. Each read lasts at most
 * CCID_READ_SLICE_MS, and the cancel check runs before each. Bytes after
 * the message are padding and ignored. Every read but EMPTY_READS_MAX
 * empty ones adds a byte, so the reads that return data are bounded by
 * the buffer's size. Returns CCID_OK with *length, CCID_ETIMEOUT when no
 * byte came, CCID_EFRAME when the message stopped part way,
 * CCID_ECANCELLED, or another negative ccid_error. */
static int read_message(struct ccid_reader *reader, unsigned timeout_ms,
			size_t *length)
{
	int64_t deadline = ccid_clock_ms() + timeout_ms;
	unsigned empty = 0;
	size_t have = 0;
	int result;

	while (have < reader->buffer_size && empty <= EMPTY_READS_MAX) {
		int64_t left = deadline - ccid_clock_ms();
		int slice = CCID_READ_SLICE_MS;
		size_t got = 0;
		int rc;

		if (left <= 0)
			break;
		if (ccid_cancel_requested(reader))
			return CCID_ECANCELLED;
		if (left < slice)
			slice = (int)left;
		rc = usb_bulk_read(reader->usb, reader->buffer + have,
				   read_size(reader, have), slice, &got);
		if (rc == USB_ETIMEOUT)
			continue;
		if (rc != USB_OK)
			return ccid_from_usb(rc);
		if (got == 0)
			empty++;
		have += got;
		if (message_done(reader, have, length, &result))
			return result;
	}
	if (have == 0 && empty <= EMPTY_READS_MAX)
		return CCID_ETIMEOUT;
	log_warn("card reader reply incomplete: %zu bytes after %u ms",
		 have, timeout_ms);
	return CCID_EFRAME;
}

/* Whether seq comes before expected in the modulo-256 sequence. */
static bool is_stale(uint8_t seq, uint8_t expected)
{
	uint8_t behind = (uint8_t)(expected - seq);

	return behind >= 1 && behind <= 127;
}

static unsigned extended_wait(unsigned timeout_ms, uint8_t multiplier)
{
	uint64_t wait_ms = (uint64_t)timeout_ms * (multiplier ? multiplier : 1);

	return wait_ms > INT32_MAX ? INT32_MAX : (unsigned)wait_ms;
}

/* The wait for the next reply: timeout_ms times the multiplier of the
 * last time extension, but never past the command's deadline. Returns 0
 * when the deadline has passed. */
static unsigned next_wait(unsigned wait_ms, int64_t deadline)
{
	int64_t left = deadline - ccid_clock_ms();

	if (left <= 0)
		return 0;
	return (int64_t)wait_ms < left ? wait_ms : (unsigned)left;
}

/* Check one parsed reply against the command. Returns 1 to skip a stale
 * reply, 0 when it is the reply for seq, or CCID_EFRAME. */
static int match_reply(const struct ccid_reply *reply, uint8_t command,
		       uint8_t seq)
{
	if (reply->seq != seq && is_stale(reply->seq, seq)) {
		log_debug("skipped stale reply bSeq %u (expected %u)",
			  reply->seq, seq);
		return 1;
	}
	if (reply->seq != seq || reply->slot != 0 ||
	    reply->type != reply_type_for(command)) {
		log_warn("unexpected reply type 0x%02x slot %u bSeq %u "
			 "to command 0x%02x bSeq %u", reply->type,
			 reply->slot, reply->seq, command, seq);
		return CCID_EFRAME;
	}
	return 0;
}

/* Read replies until the one for seq: stale ones are skipped, time
 * extensions multiply the wait, up to CCID_EXCHANGE_MAX_MS in all. */
static int receive(struct ccid_reader *reader, uint8_t command, uint8_t seq,
		   unsigned timeout_ms, struct ccid_reply *reply)
{
	int64_t deadline = ccid_clock_ms() + CCID_EXCHANGE_MAX_MS;
	unsigned wait_ms = timeout_ms;
	unsigned stale = 0;
	unsigned extensions = 0;

	while (stale <= STALE_MAX && extensions <= EXTENSION_MAX) {
		size_t length = 0;
		unsigned slice_ms = next_wait(wait_ms, deadline);
		int rc;

		if (slice_ms == 0) {
			log_warn("command 0x%02x: no reply within %d ms after "
				 "%u time extensions", command,
				 CCID_EXCHANGE_MAX_MS, extensions);
			return CCID_ETIMEOUT;
		}
		rc = read_message(reader, slice_ms, &length);
		if (rc != CCID_OK)
			return rc;
		rc = ccid_parse_reply(reader->buffer, length,
				      reader->message_max, reply);
		if (rc != CCID_OK) {
			log_warn("malformed reply of %zu bytes, type 0x%02x",
				 length, reader->buffer[0]);
			return rc;
		}
		rc = match_reply(reply, command, seq);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			stale++;
			continue;
		}

		switch (reply->command_status) {
		case 0:
			return CCID_OK;
		case 1:
			return failed_error(reply);
		case 2:
			/* bError is the multiplier of the waiting time. */
			wait_ms = extended_wait(timeout_ms, reply->error);
			extensions++;
			continue;
		default:
			return CCID_EFRAME;
		}
	}
	log_warn("command 0x%02x: %u stale replies, %u time extensions; "
		 "giving up", command, stale, extensions);
	return stale > STALE_MAX ? CCID_EFRAME : CCID_ETIMEOUT;
}

int ccid_command(struct ccid_reader *reader, uint8_t type,
		 const uint8_t specific[3], const uint8_t *data, size_t len,
		 unsigned timeout_ms, struct ccid_reply *reply)
{
	uint8_t seq = reader->seq++;
	int length;
	int rc;

	memset(reply, 0, sizeof(*reply));
	if (reader->unplugged)
		return CCID_ENODEV;
	if (len > reader->message_max - CCID_HEADER_SIZE)
		return CCID_ETOOLONG;
	length = ccid_build(reader->buffer, reader->message_max, type, 0, seq,
			    specific, data, len);
	if (length < 0)
		return length;

	/* NOTE: the write is not cut into slices, so a reader that stops
	 * taking data holds the caller up to timeout_ms before the cancel
	 * check can run. */
	rc = ccid_from_usb(usb_bulk_write(reader->usb, reader->buffer,
					  (size_t)length, (int)timeout_ms,
					  NULL));
	if (rc == CCID_OK)
		rc = receive(reader, type, seq, timeout_ms, reply);

	/* The device node is gone for good: a replugged reader is a new
	 * device that needs ccid_open. */
	if (rc == CCID_ENODEV) {
		reader->unplugged = true;
		reader->powered = false;
	}
	return rc;
}

/* Send one block of a command with wLevelParameter level. */
static int send_block(struct ccid_reader *reader, const uint8_t *data,
		      size_t len, uint16_t level, struct ccid_reply *reply)
{
	const uint8_t specific[3] = {0, (uint8_t)level, (uint8_t)(level >> 8)};
	int rc = ccid_command(reader, CCID_PC_XFR_BLOCK, specific, data, len,
			      reader->reply_timeout_ms, reply);

	/* An empty slot during an exchange means the card was pulled. */
	if (rc == CCID_ENOCARD || reply->icc == CCID_ICC_ABSENT) {
		log_warn("card removed during an exchange");
		reader->powered = false;
		return CCID_EREMOVED;
	}
	return rc;
}

static int append(const struct ccid_reply *reply, uint8_t *out, size_t size,
		  size_t *got)
{
	if (reply->length > size - *got) {
		log_warn("card reply over %zu bytes, the caller's buffer",
			 size);
		return CCID_EFRAME;
	}
	memcpy(out + *got, reply->data, reply->length);
	*got += reply->length;
	return CCID_OK;
}

/* Send a command too long for one message as a chain of blocks; each
 * block but the last gets an empty reply asking for more. */
static int send_chain(struct ccid_reader *reader, const uint8_t *command,
		      size_t len, struct ccid_reply *reply)
{
	size_t piece = reader->message_max - CCID_HEADER_SIZE;
	size_t done = 0;

	for (unsigned blocks = 0; blocks < CHAIN_MAX; blocks++) {
		size_t n = len - done < piece ? len - done : piece;
		bool last = done + n == len;
		uint16_t level = done == 0 ? CHAIN_BEGINS : CHAIN_CONTINUES;
		int rc;

		if (last)
			level = CHAIN_ENDS;
		rc = send_block(reader, command + done, n, level, reply);
		if (rc != CCID_OK || last)
			return rc;
		if (reply->chain != CHAIN_EMPTY) {
			log_warn("reply to a chained block has "
				 "bChainParameter 0x%02x, expected 0x10",
				 reply->chain);
			return CCID_EFRAME;
		}
		done += n;
	}
	return CCID_ETOOLONG;
}

/* Collect a response the reader sends in several blocks. */
static int receive_chain(struct ccid_reader *reader, struct ccid_reply *reply,
			 uint8_t *out, size_t size, size_t *got)
{
	for (unsigned blocks = 0; blocks < CHAIN_MAX; blocks++) {
		int rc = append(reply, out, size, got);

		if (rc != CCID_OK)
			return rc;
		if (reply->chain == CHAIN_WHOLE || reply->chain == CHAIN_ENDS)
			return CCID_OK;
		if (reply->chain != CHAIN_BEGINS &&
		    reply->chain != CHAIN_CONTINUES) {
			log_warn("reply with bChainParameter 0x%02x",
				 reply->chain);
			return CCID_EFRAME;
		}
		rc = send_block(reader, NULL, 0, CHAIN_EMPTY, reply);
		if (rc != CCID_OK)
			return rc;
	}
	log_warn("response chain longer than %d blocks", CHAIN_MAX);
	return CCID_EFRAME;
}

int ccid_transmit(struct ccid_reader *reader, const uint8_t *command,
		  size_t len, uint8_t *reply, size_t size, size_t *got)
{
	struct ccid_reply block;
	bool extended;
	int rc;

	if (got != NULL)
		*got = 0;
	if (reader == NULL || command == NULL || len == 0 || reply == NULL ||
	    got == NULL)
		return CCID_EINVAL;
	if (reader->unplugged)
		return CCID_ENODEV;
	if (!reader->powered)
		return CCID_ENOCARD;

	extended = reader->descriptor.level == CCID_LEVEL_EXTENDED_APDU;
	if (len <= reader->message_max - CCID_HEADER_SIZE)
		rc = send_block(reader, command, len, CHAIN_WHOLE, &block);
	else if (extended)
		rc = send_chain(reader, command, len, &block);
	else
		rc = CCID_ETOOLONG;
	if (rc != CCID_OK)
		goto out;

	/* bChainParameter is only defined for extended APDU readers. */
	if (!extended)
		block.chain = CHAIN_WHOLE;
	rc = receive_chain(reader, &block, reply, size, got);
out:
	/* The buffer held the card's reply (a PAN, track equivalent data),
	 * which the caller now has in reply. */
	mbedtls_platform_zeroize(reader->buffer, reader->buffer_size);
	return rc;
}
