/* EMV application reading (EMV Book 1 chapter 12, Book 3 chapter 10)
 * over a card channel: the application list from the PSE, the PPSE or a
 * table of known application ids, then GET PROCESSING OPTIONS and the
 * records the AFL names, for the PAN, expiry and cardholder name. No
 * cryptograms, no PIN, no offline data authentication. */
#ifndef SPOTAGENT_EMV_H
#define SPOTAGENT_EMV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card.h"

/* Most applications a list holds; a card offering more is cut to the
 * ones with the best priority. */
#define EMV_APPS_MAX 8

/* One application the card offers. */
struct emv_app {
	uint8_t aid[16];
	size_t aid_len;            /* 5 to 16 */
	char label[17];            /* tag 50 (or 9F12), printable, or "" */
	uint8_t priority;          /* tag 87 bits 1-4; 0 when none */
	bool confirm;              /* tag 87 bit 8: cardholder confirms */
};

/* List the card's applications, best priority first (1 is best; no
 * priority sorts after every priority, and equal ones keep the card's
 * order). A contactless channel tries the PPSE, a contact one the PSE.
 * Malformed directory records, entries and FCIs are skipped. When the
 * PSE or PPSE lists nothing usable or fails with anything but a lost
 * card or reader, each known application id is selected instead.
 * Returns the number listed (at least 1), or a negative card_error:
 * CARD_ENOAPP, or the channel's error. */
int emv_list_apps(const struct card_channel *channel, struct emv_app *apps,
		  int max);

/* Select app, get processing options (the PDOL filled from the terminal
 * defaults documented in emv.c), read the records the AFL names, and
 * fill *out with the PAN, expiry and name (from tags 5A, 5F24, 5F20, or
 * else from the track 2 equivalent data in tag 57, which is then wiped).
 * Returns CARD_OK, or CARD_ENOPAN, CARD_ELUHN, CARD_EDATA, CARD_ESTATUS
 * or the channel's error. *out is cleared on failure. */
int emv_read_app(const struct card_channel *channel,
		 const struct emv_app *app, struct card_data *out);

/* Format app's AID as upper-case hex into out (33 bytes). Returns out. */
char *emv_aid_hex(const struct emv_app *app, char *out, size_t size);

#endif
