/* Private to the magnetic stripe parser: keyboard layouts that garble what
 * a reader sends as US-layout key presses, and their undoing. */
#ifndef SPOTAGENT_MAGSTRIPE_LAYOUT_H
#define SPOTAGENT_MAGSTRIPE_LAYOUT_H

#include <stddef.h>

/* Written for a character that the layout cannot produce from a key that
 * a reader presses. No track allows it, so the track that contains it
 * is unreadable. */
#define MAGSTRIPE_LAYOUT_BAD '\x7f'

/* The number of non-US layouts known. */
size_t magstripe_layout_count(void);

/* The English name of layout index ("German"), or NULL when index is not
 * below magstripe_layout_count(). */
const char *magstripe_layout_name(size_t index);

/* Rewrite UTF-8 text, typed by a US-layout reader into a terminal set to
 * layout index, as the US characters the reader sent: one byte for each
 * character, NUL ended, into out (size at least len + 1). Invalid UTF-8
 * and characters the layout cannot produce become MAGSTRIPE_LAYOUT_BAD.
 * Returns the number of characters that the layout changed, or 0 when
 * index is unknown or out is too small (out is then ""). The caller wipes
 * out. */
size_t magstripe_layout_remap(size_t index, const char *text, size_t len,
			      char *out, size_t size);

#endif
