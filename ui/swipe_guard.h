/* Swipe guard: the classification of a burst of fast keys as typing or
 * as a keyboard-wedge card swipe, and the check that keeps card data out
 * of text fields. Pure functions: no curses, no clock. */
#ifndef SPOTAGENT_UI_SWIPE_GUARD_H
#define SPOTAGENT_UI_SWIPE_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* The maximum gap between two keys of one burst, in milliseconds. A
 * keyboard-wedge reader types a character every 1 to 10 ms (one USB
 * keyboard report to press a key and one to release it, polled every
 * 1 to 8 ms). A person typing 120 words a minute leaves about 100 ms
 * between keys. An estimate: no reader was timed for it. Every key is
 * held this long, which a person does not notice. */
#define SWIPE_GUARD_KEY_GAP_MS 50

/* How long a burst that may be the start of a swipe waits for the rest
 * after its last key, and how long after a swipe its tail is dropped, in
 * milliseconds. It covers an SSH link or a loaded terminal that splits a
 * swipe into several bursts. An estimate. */
#define SWIPE_GUARD_WAIT_MS 1000

enum swipe_guard_class {
	SWIPE_GUARD_TYPING = 0,  /* keys a person typed or pasted */
	SWIPE_GUARD_PARTIAL = 1, /* may be a swipe whose rest is coming */
	SWIPE_GUARD_TRACK = 2,   /* a swipe in the US or a known layout */
	SWIPE_GUARD_FOREIGN = 3, /* a swipe in a layout not known: a PAN
				    and an expiry date with other separators */
};

/* Classify the UTF-8 text of a burst, with '\n' for Enter and '\t' for Tab
 * (line ends) that came in it. A track shape (track 2: ';', 12 to 19 digits,
 * '=', 4 or more digits; track 1: '%', format code, 12 to 19 digits,
 * '^', name, '^', 4 or more digits) in the text or in its remap by a
 * known layout is TRACK once it ends with an end sentinel or final is
 * set, else PARTIAL. A run of 13 to 19 digits passing the Luhn check,
 * one other character and 4 or more digits is FOREIGN. A start sentinel
 * followed by digits, or 8 or more track characters with 6 or more
 * digits and a non-digit, is PARTIAL unless final is set. Then it is
 * TRACK with a start sentinel and 12 or more digits, FOREIGN with 12 or
 * more digits followed by a separator, else TYPING. Set final when no
 * more keys will join the burst. */
enum swipe_guard_class swipe_guard_classify(const char *text, size_t len,
					    bool final);

/* Whether ch may be part of a swipe's tail: a digit, a letter, a space,
 * one of "%;^=?/.-_" or a character above U+007F that a layout makes of
 * a sentinel or separator. */
bool swipe_guard_track_char(wint_t ch);

/* Whether text, typed into a text field, contains card data: a track
 * start ("%B" or ';' with 12 to 19 digits and '^' or '='), a track tail
 * ('^' with 4 or more digits and an end sentinel '?', or '=' with 7 or
 * more digits), or, when the text contains a letter, a run of 13 to 19
 * digits passing the Luhn check. Fields of digits only keep account
 * numbers that pass the Luhn check by chance. */
bool swipe_guard_has_card_data(const char *text);

#endif
