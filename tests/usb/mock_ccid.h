/* A CCID smart-card reader (USB class 0x0b, CCID specification 1.1)
 * emulated on mock_device, with its card in slot 0, and the switches
 * that make it misbehave. The card in its slot is a struct mock_card. */
#ifndef SPOTAGENT_MOCK_CCID_H
#define SPOTAGENT_MOCK_CCID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <umockdev.h>

#include "mock_device.h"

/* bVoltageSupport bits and what a card answers at. */
#define MOCK_CCID_5V 0x01
#define MOCK_CCID_3V 0x02
#define MOCK_CCID_1_8V 0x04

/* PC_to_RDR message types (CCID 1.1 6.1). */
#define MOCK_CCID_POWER_ON 0x62
#define MOCK_CCID_POWER_OFF 0x63
#define MOCK_CCID_GET_SLOT_STATUS 0x65
#define MOCK_CCID_XFR_BLOCK 0x6f
#define MOCK_CCID_GET_PARAMETERS 0x6c
#define MOCK_CCID_SET_PARAMETERS 0x61

/* bError values of a failed command (CCID 1.1 table 6.2-2). */
#define MOCK_CCID_ERROR_MUTE 0xfe
#define MOCK_CCID_ERROR_HARDWARE 0xfb

/* Commands recorded for the test to check. */
#define MOCK_CCID_LOG_MAX 64
/* Maximum length of a command to the card or of its reply. */
#define MOCK_CCID_APDU_MAX 65544

/* The exchange level the class descriptor's dwFeatures announces. At
 * extended APDU level the reader takes a command in a chain of XfrBlocks
 * (wLevelParameter 01, 03 ..., 02, each but the last answered by an
 * empty block with bChainParameter 10), and sends a response over its
 * message data as a chain of blocks (bChainParameter 01, 03 ..., 02),
 * each after the host's empty XfrBlock with wLevelParameter 10. */
enum mock_ccid_level {
	MOCK_CCID_TPDU = 0,
	MOCK_CCID_SHORT_APDU,
	MOCK_CCID_EXTENDED_APDU,
};

struct mock_ccid_config {
	uint16_t vendor;
	uint16_t product;
	const char *name;          /* iProduct; kept, not copied */
	const char *serial;        /* kept, not copied; may be NULL */
	enum mock_ccid_level level;
	uint8_t voltages;          /* MOCK_CCID_5V | ...; 0 lists none
				      but takes any class selected */
	bool auto_voltage;         /* dwFeatures 0x08 */
	bool auto_parameters;      /* dwFeatures 0x02 and 0x80 */
	uint32_t protocols;        /* dwProtocols: bit 0 T=0, bit 1 T=1 */
	uint32_t max_message;      /* dwMaxCCIDMessageLength */
	bool interrupt;            /* has the interrupt IN endpoint */
	uint16_t max_packet;       /* bulk wMaxPacketSize */
	/* bMaxSlotIndex; only slot 0 holds a card, and other slots show
	 * up only in the notices a test sends with mock_ccid_notify_raw. */
	uint8_t max_slot_index;
	/* Kernel driver bound at plug-in, or NULL (the usual case, because
	 * CCID readers are driven from user space). */
	const char *kernel_driver;
};

/* A reader most tests use: short APDU level, 5 V, 3 V and 1.8 V with
 * automatic voltage and parameters, T=0 and T=1, 271-byte messages,
 * 64-byte packets, an interrupt endpoint. */
extern const struct mock_ccid_config mock_ccid_apdu_reader;
/* A TPDU-level reader, no automatic voltage or parameters. */
extern const struct mock_ccid_config mock_ccid_tpdu_reader;

/* The card in the slot. answer runs on umockdev's thread with the
 * reader's lock held, for each XfrBlock: command is the APDU (APDU level)
 * or the T=0 TPDU (TPDU level). It writes the reply with its status
 * bytes into reply (size bytes) and returns its length, or returns -1
 * for a mute card (the reader reports ICC_MUTE). */
struct mock_card {
	const unsigned char *atr;  /* kept, not copied */
	size_t atr_len;
	uint8_t voltages;          /* where it answers; 0: at any */
	int (*answer)(void *data, const unsigned char *command, size_t len,
		      unsigned char *reply, size_t size);
	void *data;
};

/* A malformed reply, sent once in place of the next real reply. */
enum mock_ccid_malformed {
	MOCK_CCID_MALFORMED_NONE = 0,
	MOCK_CCID_BAD_LENGTH,      /* dwLength far over the message */
	MOCK_CCID_UNKNOWN_TYPE,    /* bMessageType 0x84 */
	MOCK_CCID_WRONG_TYPE,      /* a SlotStatus to an XfrBlock */
	MOCK_CCID_TRUNCATED,       /* 6 bytes of the 10-byte header */
	MOCK_CCID_NO_REPLY,        /* nothing at all */
};

/* One command as the reader received it. */
struct mock_ccid_command {
	uint8_t type;
	uint8_t seq;
	uint8_t specific[3];       /* bytes 7 to 9 */
	size_t length;             /* dwLength */
};

struct mock_ccid;

/* Add a reader of config to testbed at bus 1, address `address`, with
 * an empty slot; as mock_device_new otherwise. Returns NULL on failure. */
struct mock_ccid *mock_ccid_new(UMockdevTestbed *testbed,
				const struct mock_ccid_config *config,
				int address);

/* Free the reader (after libusb_exit). NULL is allowed. */
void mock_ccid_free(struct mock_ccid *ccid);

/* The USB device under the reader, for unplug, plug and counts. */
struct mock_device *mock_ccid_device(struct mock_ccid *ccid);

/* The CCID class descriptor config gives (54 bytes into out). */
void mock_ccid_class_descriptor(const struct mock_ccid_config *config,
				unsigned char out[54]);

/* Insert card (kept, not copied), unpowered, and send NotifySlotChange
 * when the reader has an interrupt endpoint. */
void mock_ccid_insert(struct mock_ccid *ccid, const struct mock_card *card);

/* Take the card out and send NotifySlotChange. */
void mock_ccid_remove(struct mock_ccid *ccid);

/* Send RDR_to_PC_HardwareError with bHardwareErrorCode code. */
void mock_ccid_hardware_error(struct mock_ccid *ccid, uint8_t code);

/* Send len raw bytes on the interrupt endpoint. */
void mock_ccid_notify_raw(struct mock_ccid *ccid, const unsigned char *buf,
			  size_t len);

/* Answer the next command with count time extension requests before the
 * real reply. */
void mock_ccid_time_extensions(struct mock_ccid *ccid, int count);

/* From now on hold every reply (time extensions excepted) for ms before
 * it is sent, on a thread of the mock, so that umockdev's thread stays
 * free; 0 sends replies at once again. */
void mock_ccid_slow_replies(struct mock_ccid *ccid, int ms);

/* Answer the next command with one time extension of bError multiplier
 * and then send no reply to it or any later command until
 * mock_ccid_end_silence: a reader that hangs after asking for time. */
void mock_ccid_silence(struct mock_ccid *ccid, uint8_t multiplier);

/* Answer commands again from the next one on. */
void mock_ccid_end_silence(struct mock_ccid *ccid);

/* Send a reply with the previous bSeq before the next real reply. */
void mock_ccid_stale_reply(struct mock_ccid *ccid);

/* From now on send every reply as a first transfer of at most first
 * bytes, then transfers of at most rest bytes each (0: all that is
 * left). mock_ccid_split_replies(ccid, 0, 0) sends replies whole. */
void mock_ccid_split_replies(struct mock_ccid *ccid, size_t first,
			     size_t rest);

/* From now on pad every reply with extra bytes in the same transfer. */
void mock_ccid_pad_replies(struct mock_ccid *ccid, size_t extra);

/* Answer count more XfrBlocks, then take the card out at the next one:
 * it fails with ICC absent and NotifySlotChange follows. */
void mock_ccid_remove_after(struct mock_ccid *ccid, int count);

/* Fail the next command with bError error (MOCK_CCID_ERROR_...), the
 * slot's state unchanged. */
void mock_ccid_fail_next(struct mock_ccid *ccid, uint8_t error);

/* Replace the next reply with a malformed one. */
void mock_ccid_malform_next(struct mock_ccid *ccid,
			    enum mock_ccid_malformed kind);

/* Copy up to max recorded commands into out, oldest first. Returns the
 * count recorded since the last mock_ccid_clear_log (may exceed max and
 * MOCK_CCID_LOG_MAX; the oldest beyond that are lost). */
int mock_ccid_commands(struct mock_ccid *ccid, struct mock_ccid_command *out,
		       int max);

/* Count the recorded commands of one type. */
int mock_ccid_count(struct mock_ccid *ccid, uint8_t type);

/* Forget the recorded commands. */
void mock_ccid_clear_log(struct mock_ccid *ccid);

/* Whether the card is powered now, and the protocol last set by
 * SetParameters (-1: none). */
bool mock_ccid_powered(struct mock_ccid *ccid);
int mock_ccid_protocol(struct mock_ccid *ccid);

#endif
