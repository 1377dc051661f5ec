/* Magnetic stripe swipes: ISO/IEC 7813 track 1 and track 2 as a reader
 * types them (keyboard wedge) or as drivers/hid_reader.c turns HID
 * reports into text, and the detection of a swipe in typed input. */
#ifndef SPOTAGENT_MAGSTRIPE_H
#define SPOTAGENT_MAGSTRIPE_H

#include <stdbool.h>
#include <stddef.h>

#include "card.h"

/* Longest swipe text accepted: track 1 (79 characters) and track 2
 * (40), with a third track and separators some readers add. */
#define MAGSTRIPE_MAX 256

/* Parse a swipe: "%B<PAN>^<NAME>^<YYMM><service code>...?" and/or
 * ";<PAN>=<YYMM><service code>...?", in either order, with optional
 * line ends between and a third track (';' after track 2, or '+')
 * ignored. A track with a bad sentinel, separator or character, or one
 * that reports "E" (a read error), is unreadable; the other still
 * counts. Fills *out (source CARD_SOURCE_STRIPE, name formatted as
 * "TITLE FIRST MIDDLE SURNAME", missing naming what was not read, such
 * as "track 2 missing" or "track 1 unreadable: no name") and returns
 * CARD_OK when a PAN passing the Luhn check came out. Else it returns
 * CARD_ELAYOUT (the text parses only as a swipe typed through a non-US
 * keyboard layout), CARD_ELUHN, CARD_EDATA (the two tracks disagree on
 * PAN or expiry date, or len is over MAGSTRIPE_MAX), CARD_ENOPAN or
 * CARD_EINVAL (NULL argument). *out is cleared on failure. Discretionary
 * data and CVV never leave this function, and the caller wipes its copy
 * of text. */
int magstripe_parse(const char *text, size_t len, struct card_data *out);

enum magstripe_scan {
	MAGSTRIPE_NOT_SWIPE = 0, /* ordinary typing */
	MAGSTRIPE_PARTIAL = 1,   /* could be a swipe still arriving */
	MAGSTRIPE_COMPLETE = 2,  /* ends with an end sentinel: parse it */
};

/* Classify text typed into a card or account field so far. A swipe
 * starts with a start sentinel: '%' followed by 'B' or 'E', or ';'
 * followed by a digit or 'E'. It is COMPLETE once it ends with '?',
 * optionally followed by line ends. A German or French keyboard layout
 * turns these into other characters; such text counts from its second
 * character on, so that a lone '5' typed on AZERTY stays typing.
 * Digits alone are ordinary typing, and so is text longer than
 * MAGSTRIPE_MAX. NOTE: a reader that sends track 2 after track 1 makes
 * the text COMPLETE after track 1 already; a caller that waits for the
 * line end or a short pause gets both tracks. */
enum magstripe_scan magstripe_scan(const char *text, size_t len);

/* If text is a swipe garbled by a known keyboard layout (it fails to
 * parse as typed and parses after undoing the layout), write the
 * layout's name ("German" or "French") into name and return true. */
bool magstripe_layout_hint(const char *text, size_t len, char *name,
			   size_t size);

#endif
