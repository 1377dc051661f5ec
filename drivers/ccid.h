/* CCID smart-card readers (USB class 0x0b, CCID specification 1.1): the
 * class descriptor, the bulk messages and interrupt notifications, and a
 * reader on the USB layer with slot status, power on and off, and block
 * exchanges that a struct card_channel wraps. */
#ifndef SPOTAGENT_CCID_H
#define SPOTAGENT_CCID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card.h"
#include "usb.h"

enum ccid_error {
	CCID_OK = 0,
	CCID_EDESCRIPTOR = -1, /* class descriptor missing or malformed */
	CCID_EFRAME = -2,      /* a reply that is not a valid CCID message */
	CCID_ENOCARD = -3,     /* no card in the slot */
	CCID_EREMOVED = -4,    /* the card left during the exchange */
	CCID_EMUTE = -5,       /* the card did not respond (ICC_MUTE) */
	CCID_ESLOT = -6,       /* the reader reported another slot error */
	CCID_EHARDWARE = -7,   /* the reader reported a hardware error */
	CCID_ENOTSUP = -8,     /* the reader cannot do this with the card */
	CCID_ETIMEOUT = -9,    /* no reply within the computed timeout */
	CCID_EUSB = -10,       /* the USB transfer failed; see the log */
	CCID_ENODEV = -11,     /* the reader was unplugged, and every
				  later call on it returns this */
	CCID_ETOOLONG = -12,   /* a command over the reader's maximum */
	CCID_ENOMEM = -13,
	CCID_EACCESS = -14,    /* no permission (udev rule) */
	CCID_EBUSY = -15,      /* another program claimed the reader */
	CCID_EINVAL = -16,     /* bad argument */
	CCID_ECANCELLED = -17, /* the cancel check of ccid_set_cancel ended
				  the wait for a reply */
};

/* The longest single bulk read while the driver waits for a reply, so
 * that the cancel check of ccid_set_cancel runs at least this often. */
#define CCID_READ_SLICE_MS 100

/* The longest one command may wait for its reply, time extensions
 * included. A reader may ask for 255 times the card's waiting time per
 * extension, which for a T=1 card is minutes. No EMV command the
 * terminal sends should take more than a few seconds, and the agent's
 * request ends within [card] timeout (at most 120 s) anyway, so a reply
 * after this is taken as a timeout. NOTE: 30 s is an estimate with
 * headroom over slow RSA cards, not a figure from EMV. */
#define CCID_EXCHANGE_MAX_MS 30000

/* The exchange level from dwFeatures. */
enum ccid_level {
	CCID_LEVEL_CHARACTER = 0,
	CCID_LEVEL_TPDU = 1,
	CCID_LEVEL_SHORT_APDU = 2,
	CCID_LEVEL_EXTENDED_APDU = 3,
};

/* bVoltageSupport bits. */
#define CCID_VOLTAGE_5V 0x01
#define CCID_VOLTAGE_3V 0x02
#define CCID_VOLTAGE_1_8V 0x04

/* The fields of the CCID class descriptor (CCID 1.1 table 5.1-1) that
 * the driver uses. */
struct ccid_descriptor {
	uint8_t max_slot_index;    /* bMaxSlotIndex */
	uint8_t voltages;          /* bVoltageSupport */
	uint32_t protocols;        /* dwProtocols: bit 0 T=0, bit 1 T=1 */
	uint32_t default_clock_khz;
	uint32_t max_ifsd;
	uint32_t features;         /* dwFeatures */
	uint32_t max_message;      /* dwMaxCCIDMessageLength */
	enum ccid_level level;
	bool auto_voltage;         /* feature 0x08 */
	bool auto_parameters;      /* feature 0x02 or 0x80 */
};

/* Parse the 54-byte CCID class descriptor (bDescriptorType 0x21). Returns
 * CCID_OK or CCID_EDESCRIPTOR when it is short, has the wrong type, or
  * contains impossible values (no protocol, message length under 271). */
int ccid_parse_descriptor(const uint8_t *data, size_t len,
			  struct ccid_descriptor *out);

/* The bulk IN message types (bMessageType). */
#define CCID_RDR_DATA_BLOCK 0x80
#define CCID_RDR_SLOT_STATUS 0x81
#define CCID_RDR_PARAMETERS 0x82
#define CCID_HEADER_SIZE 10

/* bmICCStatus of a reply. */
enum ccid_icc {
	CCID_ICC_ACTIVE = 0,
	CCID_ICC_INACTIVE = 1,     /* present, not powered */
	CCID_ICC_ABSENT = 2,
};

/* One reply parsed from the bulk IN endpoint. data points into the
 * caller's buffer. */
struct ccid_reply {
	uint8_t type;              /* CCID_RDR_... */
	uint8_t slot;
	uint8_t seq;
	enum ccid_icc icc;
	uint8_t command_status;    /* bmCommandStatus: 0 ok, 1 failed,
				      2 time extension */
	uint8_t error;             /* bError */
	uint8_t chain;             /* bChainParameter (data block) */
	const uint8_t *data;
	size_t length;             /* dwLength */
};

/* Parse one reply of exactly len bytes (header and dwLength data). It
 * must not be longer than max_message. Returns CCID_OK or CCID_EFRAME:
 * short header, unknown type, dwLength not matching len or over
 * max_message, bmICCStatus 3. Padding after the message is the caller's
 * concern: ccid_frame_length tells where a message ends. */
int ccid_parse_reply(const uint8_t *data, size_t len, size_t max_message,
		     struct ccid_reply *out);

/* The length of the message at data (header plus dwLength) when at least
 * a header is present, else 0. */
size_t ccid_frame_length(const uint8_t *data, size_t len);

/* Write a PC_to_RDR message into out (room for size bytes): type,
 * slot, seq, three message-specific bytes and len bytes of data. Returns
 * its length, or CCID_ETOOLONG when it does not fit. */
int ccid_build(uint8_t *out, size_t size, uint8_t type, uint8_t slot,
	       uint8_t seq, const uint8_t specific[3], const uint8_t *data,
	       size_t len);

/* An interrupt IN notification (CCID 1.1 6.3). */
enum ccid_notice_kind {
	CCID_NOTICE_SLOT_CHANGE = 1, /* RDR_to_PC_NotifySlotChange 0x50 */
	CCID_NOTICE_HARDWARE = 2,    /* RDR_to_PC_HardwareError 0x51 */
};

struct ccid_notice {
	enum ccid_notice_kind kind;
	/* SLOT_CHANGE: the state of slot 0 (bits 0 and 1 of
	 * bmSlotICCState, whatever the number of slots). changed false
	 * means the notice is about another slot. */
	bool present;
	bool changed;
	/* HARDWARE: slot, seq and bHardwareErrorCode (1 overcurrent). */
	uint8_t slot;
	uint8_t seq;
	uint8_t code;
};

/* Parse one notification. Returns CCID_OK, CCID_ENOTSUP for a message
 * type other than 0x50 and 0x51 (a vendor's message, to be skipped), or
 * CCID_EFRAME for an empty message or one too short for its fields. */
int ccid_parse_notice(const uint8_t *data, size_t len,
		      struct ccid_notice *out);

/* Longest ATR (ISO/IEC 7816-3: 33 bytes). */
#define CCID_ATR_MAX 33

/* The fields of an ATR (ISO/IEC 7816-3 8.2) that the driver uses. */
struct ccid_atr {
	bool t0;                  /* T=0 offered (the default without TD1) */
	bool t1;                  /* T=1 offered */
	uint8_t ta1;              /* Fi/Di, 0x11 when absent */
	uint8_t tc1;              /* extra guard time, 0 when absent */
	uint8_t wi;               /* T=0 waiting integer (TC2), 10 default */
	uint8_t ifsc;             /* T=1 IFSC, 32 default */
	uint8_t bwi;              /* T=1 block waiting integer, 4 default */
	uint8_t cwi;              /* T=1 character waiting integer, 13 */
	bool crc;                 /* T=1 error detection CRC, else LRC */
	/* The protocol the card uses unless PPS selects another: TA2's T
	 * in specific mode, else the T of TD1, else 0. */
	uint8_t default_protocol;
	bool specific_mode;       /* TA2 present: no PPS is possible */
	bool specific_ta1;        /* TA2 bit 5 clear: TA1 applies at once */
	bool inverse;             /* TS 3F, inverse convention */
	bool contactless;         /* a PC/SC part 3 ATR of a tapped card */
};

/* Parse an ATR. Returns CCID_OK or CCID_EFRAME (wrong TS, truncated,
 * bytes after the end, wrong TCK when one is required, more than
 * CCID_ATR_MAX bytes, an IFSC of 00 or FF). */
int ccid_parse_atr(const uint8_t *atr, size_t len, struct ccid_atr *out);

/* The timeout in milliseconds for one reply to a block carrying protocol
 * T=protocol (0 or 1) to the card of atr, at a clock of clock_khz (0
 * means 3580): twice the card's waiting time (T=0 WT from WI and Fi, T=1
 * BWT from BWI), never below 1000. */
unsigned ccid_reply_timeout_ms(const struct ccid_atr *atr, int protocol,
			       uint32_t clock_khz);

struct ccid_reader;

/* Open the reader of info (kind USB_KIND_CCID): parse its class
 * descriptor, claim its interface. Returns CCID_OK and a reader for
 * ccid_close, or CCID_EDESCRIPTOR, CCID_ENOTSUP (a character-level
 * reader), CCID_EACCESS, CCID_EBUSY, CCID_ENODEV, CCID_ENOMEM, CCID_EUSB.
 * A reader is used by one thread at a time. */
int ccid_open(struct usb_context *context, const struct usb_device_info *info,
	      struct ccid_reader **out);

/* Power the card off if it is on, release and close. NULL is allowed. */
void ccid_close(struct ccid_reader *reader);

/* The descriptor read at ccid_open. */
const struct ccid_descriptor *ccid_descriptor_of(
	const struct ccid_reader *reader);

/* Make every later wait for a reply on reader call cancelled(data) before
 * each bulk read slice (at most CCID_READ_SLICE_MS). When it returns true
 * the command ends with CCID_ECANCELLED. The command already sent is not
 * taken back: the next command skips its late reply as stale. A NULL
 * cancelled removes the check. cancelled runs on the reader's thread. */
void ccid_set_cancel(struct ccid_reader *reader,
		     bool (*cancelled)(void *data), void *data);

/* Ask slot 0's state (PC_to_RDR_GetSlotStatus). Returns CCID_OK with
 * *icc, or a negative ccid_error. */
int ccid_slot_status(struct ccid_reader *reader, enum ccid_icc *icc);

/* Power the card on and read its ATR. With automatic voltage selection
 * the reader chooses. Otherwise each voltage the reader supports is tried
 * from the lowest, as ISO/IEC 7816-3 6.2.4 orders class selection, until
 * the card sends an ATR. A reader that lists no voltage (bVoltageSupport
 * 0) gets each of 1.8, 3 and 5 V in turn. Then the protocol is chosen.
 * When the reader makes PPS itself (dwFeatures 0x40 or 0x80) and the
 * card is not in specific mode, it is T=1 when offered, else T=0.
 * Otherwise it is the card's default protocol. Unless the reader sets
 * parameters itself, they are set with PC_to_RDR_SetParameters.
 * Returns CCID_OK, CCID_ENOCARD, CCID_EMUTE (no voltage woke the card),
 * CCID_ENOTSUP (T=1 card on a TPDU reader: the block protocol is not
 * implemented), or another error. */
int ccid_power_on(struct ccid_reader *reader, struct ccid_atr *atr);

/* Power the card off. Returns CCID_OK or a negative ccid_error. */
int ccid_power_off(struct ccid_reader *reader);

/* Send one block (PC_to_RDR_XfrBlock) and read its reply into reply,
 * following time extension requests, skipping replies with an earlier
 * sequence number, joining replies split over several bulk reads and
 * ignoring bytes padded after the message. An extended APDU reader gets
 * a command over its maximum message as a chain of blocks, and its
 * chained response is joined. The timeout per reply comes from the
 * card's waiting time and the reader's clock (ccid_reply_timeout_ms).
 * Returns CCID_OK with *got, or a negative ccid_error. CCID_ENOCARD
 * means the card is not powered, and CCID_EREMOVED that the slot turned
 * empty. CCID_ETOOLONG is a command over the reader's maximum below
 * extended APDU level. CCID_EFRAME is a malformed reply, one that stopped
 * part way, or one longer than size. CCID_ETIMEOUT means that no byte of
 * a reply came within the timeout, or that time extensions went past
 * CCID_EXCHANGE_MAX_MS. CCID_ECANCELLED comes from the cancel check.
 * Others are CCID_EMUTE, CCID_ENODEV ... The reader's buffer is wiped
 * before this returns, because it held the card's reply. */
int ccid_transmit(struct ccid_reader *reader, const uint8_t *command,
		  size_t len, uint8_t *reply, size_t size, size_t *got);

/* A card channel on the powered card: its exchange is ccid_transmit with
 * errors mapped to card_error, its transport APDU or TPDU_T0 by the
 * reader's level, contactless from the ATR. Valid while the reader is
 * open and the card powered. */
void ccid_channel(struct ccid_reader *reader, const struct ccid_atr *atr,
		  struct card_channel *out);

/* Wait up to timeout_ms for one interrupt notification. Messages of an
 * unknown type are logged and skipped, at most 16 per call. A hardware
 * error on a slot other than 0 leaves slot 0 powered. Returns 1
 * with *out, 0 when no known notification came, or a negative ccid_error
 * (CCID_ENODEV when unplugged, CCID_EFRAME for a malformed notification,
 * which is logged). A reader without an interrupt endpoint returns
 * CCID_ENOTSUP; poll ccid_slot_status instead. */
int ccid_wait_notice(struct ccid_reader *reader, int timeout_ms,
		     struct ccid_notice *out);

/* Map a ccid_error to the card layer's code. */
int ccid_to_card_error(int error);

/* Return a static message for the log. */
const char *ccid_strerror(int error);

#endif
