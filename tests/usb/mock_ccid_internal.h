/* Private header of the emulated CCID reader, shared by mock_ccid.c (the
 * descriptor and the commands) and mock_ccid_options.c (the switches a
 * test sets and what it reads back). */
#ifndef SPOTAGENT_MOCK_CCID_INTERNAL_H
#define SPOTAGENT_MOCK_CCID_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "mock_ccid.h"

#define EP_BULK_OUT 0x01
#define EP_BULK_IN 0x82
#define EP_INTERRUPT_IN 0x83
#define HEADER_SIZE 10
#define DESCRIPTOR_SIZE 54
/* CCID 1.1 6.2: RDR_to_PC message types. */
#define RDR_DATA_BLOCK 0x80
#define RDR_SLOT_STATUS 0x81
#define RDR_PARAMETERS 0x82
#define NOTIFY_SLOT_CHANGE 0x50
#define HARDWARE_ERROR 0x51
/* bmCommandStatus in bits 6 and 7 of bStatus. */
#define STATUS_FAILED 0x40
#define STATUS_TIME_EXTENSION 0x80
/* bError for a bad field is the field's offset in the command. */
#define ERROR_BAD_LENGTH 1
#define ERROR_BAD_SLOT 5
#define ERROR_BAD_BYTE7 7
#define ERROR_COMMAND_NOT_SUPPORTED 0
#define ERROR_OVERRUN 0xfc
#define ICC_ACTIVE 0
#define ICC_INACTIVE 1
#define ICC_ABSENT 2
/* Maximum short APDU: header, Lc, 255 bytes, Le (ISO/IEC 7816-4). */
#define SHORT_APDU_MAX 261
/* bError for a wLevelParameter out of place: the offset of the field. */
#define ERROR_BAD_LEVEL 8
/* wLevelParameter of an XfrBlock and bChainParameter of its reply at
 * extended APDU level (CCID 1.1 6.1.4 and 6.2.1). */
#define CHAIN_WHOLE 0x00
#define CHAIN_BEGINS 0x01
#define CHAIN_ENDS 0x02
#define CHAIN_CONTINUES 0x03
#define CHAIN_EMPTY 0x10

/* Replies held back by mock_ccid_slow_replies at one time: one for the
 * command in progress and a few for commands sent after a cancel. */
#define MOCK_CCID_DELAYED_MAX 4
/* Room for the longest reply and its padding. */
#define MOCK_CCID_REPLY_ROOM (HEADER_SIZE + MOCK_CCID_APDU_MAX + 4096)

/* One reply waiting for its time (CLOCK_MONOTONIC ms). */
struct mock_ccid_delayed {
	unsigned char *bytes;      /* MOCK_CCID_REPLY_ROOM, or NULL */
	size_t len;                /* 0: slot free */
	int64_t due_ms;
};

struct mock_ccid {
	struct mock_device *device;
	struct mock_ccid_config config;

	/* Everything below is under the device's lock. */
	unsigned char *command;    /* bulk OUT bytes of one command */
	size_t command_len;
	unsigned char *reply;      /* the reply being built */
	const struct mock_card *card;
	bool powered;
	int protocol;
	unsigned char parameters[7];
	size_t parameters_len;
	uint8_t last_seq;
	int time_extensions;
	bool stale;
	size_t split_first;
	size_t split_rest;
	size_t pad;
	int remove_after;          /* -1: never */
	enum mock_ccid_malformed malformed;
	int fail_error;            /* bError for the next command; -1: none */
	/* Extended APDU chaining: the blocks of a command so far, and the
	 * card's response with the bytes of it already sent. */
	unsigned char *chained;
	size_t chained_len;
	bool chain_open;           /* a command chain has begun */
	unsigned char *response;
	size_t response_len;
	size_t response_sent;
	bool responding;           /* response blocks are left to send */
	struct mock_ccid_command log[MOCK_CCID_LOG_MAX];
	int log_count;
	/* A time extension with bError multiplier, then no reply to this
	 * or any later command until mock_ccid_end_silence. */
	bool silence_pending;
	bool silent;
	uint8_t silence_multiplier;
	/* Slow replies: each waits slow_ms in delayed[] for the delay
	 * thread, which runs from the first mock_ccid_slow_replies until
	 * mock_ccid_free. */
	int slow_ms;
	struct mock_ccid_delayed delayed[MOCK_CCID_DELAYED_MAX];
	pthread_t delay_thread;
	bool delay_running;
	bool delay_stop;
};

/* Queue len bytes of reply in buf (room MOCK_CCID_REPLY_ROOM) on bulk IN,
 * padded and split as set. Device lock held. */
void mock_ccid_send_reply(struct mock_ccid *ccid, unsigned char *buf,
			  size_t len);

/* Send NotifySlotChange for the slot's state. Device lock held. */
void mock_ccid_notify_slot(struct mock_ccid *ccid);

/* Hold a reply of len bytes for slow_ms, or send it at once when slow
 * replies are off. Device lock held. */
void mock_ccid_reply_later(struct mock_ccid *ccid, unsigned char *buf,
			   size_t len);

/* Stop the delay thread and free the held replies. */
void mock_ccid_stop_delays(struct mock_ccid *ccid);

#endif
