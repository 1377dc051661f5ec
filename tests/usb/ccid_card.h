/* Glue of the CCID USB tests: small test cards for the emulated reader
 * (mock_ccid.c), and a bed with an APDU-level and a TPDU-level reader
 * under umockdev and the USB layer opened on it. */
#ifndef SPOTAGENT_TESTS_CCID_CARD_H
#define SPOTAGENT_TESTS_CCID_CARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../drivers/ccid.h"
#include "../../drivers/usb.h"
#include "../support/virtual_card.h"
#include "mock_ccid.h"

#define CCID_APDU_ADDRESS 5
#define CCID_TPDU_ADDRESS 6
/* Data bytes the test cards return to READ RECORD: several packets. */
#define CCID_RECORD_LEN 240
/* Data bytes ccid_extended_card returns to READ RECORD: more than one
 * message of a 271-byte reader carries. */
#define CCID_LONG_RECORD_LEN 700
/* The FCI the test cards return to SELECT. */
#define CCID_FCI_LEN 6

/* A T=0 card (ATR 3B 02 14 50) answering whole APDUs: SELECT gives the
 * FCI and 90 00, READ RECORD gives CCID_RECORD_LEN bytes (byte i is i)
 * and 90 00, anything else 6D 00. */
extern const struct mock_card ccid_apdu_card;
/* The same card on a TPDU reader: a case 4 SELECT gets 61 06 and the FCI
 * comes with GET RESPONSE; READ RECORD with Le other than
 * CCID_RECORD_LEN gets 6C F0. */
extern const struct mock_card ccid_t0_card;
/* A T=1-only card (ATR 3B 80 01 81). */
extern const struct mock_card ccid_t1_card;
/* A card for extended APDUs (ATR 3B 02 14 50): READ RECORD gives
 * CCID_LONG_RECORD_LEN bytes (byte i is i modulo 256) and 90 00, and any
 * other command of 4 bytes or more comes back whole, followed by 90 00. */
extern const struct mock_card ccid_extended_card;

/* Write the record the test cards return into out (CCID_RECORD_LEN). */
void ccid_card_record(unsigned char *out);

/* Write the FCI the test cards return into out (CCID_FCI_LEN). */
void ccid_card_fci(unsigned char *out);

/* A virtual card (tests/support/virtual_card.h) in an emulated reader's
 * slot: its ATR, and its exchange as the card's answer, where any error
 * of the virtual card makes the card mute. */
struct ccid_virtual_card {
	struct mock_card card;
	struct virtual_card *virtual;
};

/* Fill out to put virtual (not owned) in a reader's slot at any
 * voltage. */
void ccid_card_from_virtual(struct virtual_card *virtual,
			    struct ccid_virtual_card *out);

/* The emulated readers, the USB context on them and what hotplug
 * reported. */
struct ccid_bed {
	UMockdevTestbed *testbed;
	struct mock_ccid *apdu;    /* mock_ccid_apdu_reader */
	struct mock_ccid *tpdu;    /* mock_ccid_tpdu_reader */
	struct usb_context *usb;
	struct ccid_reader *reader; /* closed by ccid_bed_close */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int arrivals;
	int removals;
	struct usb_device_info last;
};

/* Build the testbed with both readers (slots empty), then open the USB
 * layer. Returns NULL on failure. */
struct ccid_bed *ccid_bed_open(void);

/* Close the reader, the USB layer and the testbed. NULL is allowed. */
void ccid_bed_close(struct ccid_bed *bed);

/* Find the reader with vendor:product through usb_list. Returns
 * whether it was found. */
bool ccid_bed_find(struct ccid_bed *bed, uint16_t vendor, uint16_t product,
		   struct usb_device_info *info);

/* Open the reader with the ids of config into bed->reader. Returns a
 * ccid_error (CCID_EINVAL when usb_list does not find it). */
int ccid_bed_open_reader(struct ccid_bed *bed,
			 const struct mock_ccid_config *config);

/* A usb_hotplug_fn counting arrivals and removals into the bed given as
 * data. */
void ccid_bed_on_hotplug(void *data, bool arrived,
			 const struct usb_device_info *info);

/* Wait up to timeout_ms until *counter reaches target. Returns whether
 * it did. */
bool ccid_bed_wait(struct ccid_bed *bed, const int *counter, int target,
		   int timeout_ms);

#endif
