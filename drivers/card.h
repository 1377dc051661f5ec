/* The card layer every reader driver shares: its error codes, a
 * channel that exchanges one command with a chip card, and the card data
 * read from a chip or a magnetic stripe. */
#ifndef SPOTAGENT_CARD_H
#define SPOTAGENT_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum card_error {
	CARD_OK = 0,
	CARD_ENOCARD = -1,      /* no card in the reader */
	CARD_EREMOVED = -2,     /* the card was pulled out mid-read */
	CARD_EMUTE = -3,        /* the card does not respond */
	CARD_EPROTO = -4,       /* a malformed reply from reader or card */
	CARD_EUNSUPPORTED = -5, /* the reader cannot talk to this card */
	CARD_EREADER = -6,      /* the reader reported a hardware error */
	CARD_ENODEV = -7,       /* the reader was unplugged */
	CARD_ESTATUS = -8,      /* the card refused a command (status word) */
	CARD_ENOAPP = -9,       /* no payment application on the card */
	CARD_EDATA = -10,       /* the card's data is malformed */
	CARD_ECANCELLED = -11,  /* the agent cancelled */
	CARD_ETIMEOUT = -12,    /* no card was presented in time */
	CARD_ENOPAN = -13,      /* the card or swipe gave no card number */
	CARD_ELUHN = -14,       /* the card number fails the Luhn check */
	CARD_ELAYOUT = -15,     /* a swipe garbled by the keyboard layout */
	CARD_ENOREADER = -16,   /* no card reader is connected */
	CARD_EACCESS = -17,     /* no permission to open the reader */
	CARD_EBUSY = -18,       /* another program claimed the reader */
	CARD_ENOMEM = -19,      /* allocation failed */
	CARD_EINVAL = -20,      /* bad argument */
	CARD_ENOCHOICE = -21,   /* no application was chosen in time */
};

/* Return a static one-line message for the agent, e.g. "The card was
 * removed before it was read. Insert it again." */
const char *card_strerror(int error);

/* The unit a reader carries commands in: whole APDUs (short or extended
 * APDU-level CCID readers, and the test card), or T=0 TPDUs, where the
 * host itself splits a case 4 command and fetches the response. */
enum card_transport {
	CARD_TRANSPORT_APDU = 0,
	CARD_TRANSPORT_TPDU_T0 = 1,
};

/* A way to exchange one command with a chip card. exchange sends len
 * bytes of command and fills reply (size bytes of room) with the card's
 * whole response including the two status bytes; *got gets its length.
 * It returns CARD_OK or a negative card_error (CARD_EREMOVED,
 * CARD_EMUTE, CARD_EPROTO, CARD_ENODEV ...). It never follows 61xx or
 * 6Cxx itself: drivers/iso7816.c does. */
struct card_channel {
	enum card_transport transport;
	bool contactless;          /* the card was tapped, not inserted */
	int (*exchange)(void *data, const uint8_t *command, size_t len,
			uint8_t *reply, size_t size, size_t *got);
	void *data;
};

/* Longest PAN (ISO/IEC 7812: up to 19 digits) plus its NUL. */
#define CARD_PAN_SIZE 20
/* Cardholder name: EMV tag 5F20 and track 1 allow 26 characters. */
#define CARD_NAME_SIZE 27

/* The source of card data. */
enum card_source {
	CARD_SOURCE_CHIP = 0,
	CARD_SOURCE_CONTACTLESS = 1,
	CARD_SOURCE_STRIPE = 2,
};

/* The card data a read yields. It contains the full PAN, so it lives on the
 * stack of the code that uses it and is wiped with card_data_clear as
 * soon as the PAN has been handed on. Track data and card verification
 * values are never kept in it. */
struct card_data {
	enum card_source source;
	char pan[CARD_PAN_SIZE];   /* digits only */
	char expiry[5];            /* "YYMM", or "" when the card has none */
	char name[CARD_NAME_SIZE]; /* as on the card, trimmed; may be "" */
	char label[17];            /* the application label, or "" */
	/* For a swipe: what is missing, e.g. "track 1 unreadable: no
	 * name", or "" when both tracks were read. */
	char missing[64];
};

/* Wipe *data so that no digit of the PAN stays in memory. */
void card_data_clear(struct card_data *data);

/* Write the PAN masked to its first six and last four digits, the rest
 * as '*' ("412345******1234"), into out (size at least CARD_PAN_SIZE).
 * A PAN shorter than 13 digits is masked whole. Returns out. */
char *card_mask_pan(const char *pan, char *out, size_t size);

/* Whether pan is a card number as a read yields it: 12 to 19 digits
 * (ISO/IEC 7812-1) that pass the Luhn check. */
bool card_pan_valid(const char *pan);

/* Whether text, typed into an account field, is a card number: 13 to 19
 * digits that pass the Luhn check. No wallet account number has that
 * form (docs/api.md), so such text never goes to a wallet lookup. */
bool card_pan_typed(const char *text);

/* Whether the digits of pan pass the Luhn check (ISO/IEC 7812-1 annex
 * B). False for an empty string or one with a non-digit. */
bool card_luhn_ok(const char *pan);

/* Turn a cardholder name in the ISO/IEC 7813 track 1 form, len bytes of
 * raw as "SURNAME/FIRST MIDDLE.TITLE", into "TITLE FIRST MIDDLE SURNAME"
 * in out (size bytes, always NUL-terminated when size > 0). A name
 * without '/' keeps its order. Runs of spaces collapse to one and none
 * leads or trails. The result is never longer than len, and it is cut
 * to size - 1 bytes when out is smaller. Track 1 and EMV tag 5F20 use
 * this form. */
void card_format_name(const char *raw, size_t len, char *out, size_t size);

#endif
