/* Private header of the CCID reader, not part of its API: the reader
 * struct that ccid_reader.c opens and powers, and the command exchange
 * that ccid_exchange.c runs over the bulk endpoints. */
#ifndef SPOTAGENT_CCID_READER_INTERNAL_H
#define SPOTAGENT_CCID_READER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccid.h"
#include "usb.h"

/* The PC_to_RDR message types used (CCID 1.1 6.1). */
#define CCID_PC_SET_PARAMETERS 0x61
#define CCID_PC_POWER_ON 0x62
#define CCID_PC_POWER_OFF 0x63
#define CCID_PC_GET_SLOT_STATUS 0x65
#define CCID_PC_XFR_BLOCK 0x6F

/* The largest message the driver handles: a header and an extended
 * response APDU of 65536 data bytes and two status bytes. A reader that
 * declares more gets this. */
#define CCID_MESSAGE_CAP (CCID_HEADER_SIZE + 65538)

/* An open reader. Only slot 0 is used. */
struct ccid_reader {
	struct usb_handle *usb;
	struct usb_device_info info;
	struct ccid_descriptor descriptor;
	size_t message_max;        /* dwMaxCCIDMessageLength, capped */
	uint8_t seq;               /* bSeq of the next command */
	bool powered;
	/* Set at the first CCID_ENODEV: every later call returns it. */
	bool unplugged;
	unsigned long notices_skipped; /* unknown interrupt messages */
	int protocol;              /* 0 or 1 while powered */
	unsigned reply_timeout_ms; /* per XfrBlock reply while powered */
	/* The cancel check of ccid_set_cancel, or NULL. */
	bool (*cancelled)(void *data);
	void *cancel_data;
	unsigned long notices_logged; /* malformed or other-slot notices */
	/* Room for one message out or in, rounded up to whole packets of
	 * the bulk IN endpoint plus one packet. */
	uint8_t *buffer;
	size_t buffer_size;
};

/* Send one command of the given type to slot 0 and read its reply,
 * skipping stale replies and following time extensions. Each reply must
 * be whole within timeout_ms (times the extension's multiplier), and all
 * of them within CCID_EXCHANGE_MAX_MS. The cancel check runs between
 * read slices and gives CCID_ECANCELLED. *reply
 * points into reader->buffer until the next command. Returns CCID_OK, or
 * CCID_ENODEV at once after an unplug, or another negative ccid_error.
 * CCID_ETIMEOUT means no byte of the reply came, and CCID_EFRAME is a
 * reply that is malformed or stopped part way. A failed command maps its
 * bError (CCID_ENOCARD when the slot is empty, CCID_EMUTE, CCID_ENOTSUP,
 * CCID_EHARDWARE, CCID_ESLOT), and *reply is still filled when a reply
 * was parsed. */
int ccid_command(struct ccid_reader *reader, uint8_t type,
		 const uint8_t specific[3], const uint8_t *data, size_t len,
		 unsigned timeout_ms, struct ccid_reply *reply);

/* Whether the cancel check asks to stop waiting. */
bool ccid_cancel_requested(struct ccid_reader *reader);

/* Translate a usb_error into a ccid_error, logging the unmapped ones. */
int ccid_from_usb(int usb_error);

/* The CLOCK_MONOTONIC time in milliseconds, for deadlines. */
int64_t ccid_clock_ms(void);

#endif
