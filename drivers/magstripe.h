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
 * line ends between and a third track ignored. A track with a bad
 * sentinel, separator or character is unreadable; the other still
 * counts. Fills *out (source CARD_SOURCE_STRIPE, missing naming what
 * was not read) and returns CARD_OK when a PAN passing the Luhn check
 * came out; else CARD_ELAYOUT (the text matches a swipe typed through
 * a non-US keyboard layout), CARD_ELUHN, CARD_ENOPAN. *out is cleared on
 * failure. Discretionary data and CVV never leave this function, and the
 * caller wipes its copy of text. */
int magstripe_parse(const char *text, size_t len, struct card_data *out);

enum magstripe_scan {
	MAGSTRIPE_NOT_SWIPE = 0, /* ordinary typing */
	MAGSTRIPE_PARTIAL = 1,   /* could be a swipe still arriving */
	MAGSTRIPE_COMPLETE = 2,  /* ends with an end sentinel: parse it */
};

/* Classify text typed into a card or account field so far: a swipe
 * starts with a start sentinel ('%' or ';', or what a known non-US
 * layout turns them into) and ends with '?' (or its layout variant).
 * Digits alone are ordinary typing. */
enum magstripe_scan magstripe_scan(const char *text, size_t len);

/* If text is a swipe garbled by a known keyboard layout, write the
 * layout's name ("German", "French" ...) into name and return true. */
bool magstripe_layout_hint(const char *text, size_t len, char *name,
			   size_t size);

#endif
