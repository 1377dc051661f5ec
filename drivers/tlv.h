/* Strict BER-TLV parsing for EMV card data (ISO/IEC 8825-1 as EMV Book 3
 * Annex B uses it): one-level iteration and a nested tag search. */
#ifndef SPOTAGENT_TLV_H
#define SPOTAGENT_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tlv_error {
	TLV_OK = 0,
	TLV_ERR_TRUNCATED_TAG = -1,    /* data ends inside a tag */
	TLV_ERR_TAG_TOO_LONG = -2,     /* tag longer than TLV_TAG_MAX_BYTES */
	TLV_ERR_TRUNCATED_LENGTH = -3, /* data ends inside a length */
	TLV_ERR_LENGTH_FORM = -4,      /* 0x80, 0x84 and up, or not minimal */
	TLV_ERR_LENGTH_PAST_END = -5,  /* value runs past its enclosing data */
	TLV_ERR_TOO_DEEP = -6,         /* nesting deeper than TLV_MAX_DEPTH */
	TLV_ERR_PADDING = -7,          /* 0xFF byte where a tag should start */
};

/* Longest tag accepted, in bytes. EMV tags have at most 2 bytes, so 4
 * leaves room for proprietary tags and still fits a uint32_t. */
#define TLV_TAG_MAX_BYTES 4

/* Maximum number of object levels, counting top-level objects as level
 * 1. An FCI with a directory entry nests 4 levels (6F, A5, BF0C, 61). */
#define TLV_MAX_DEPTH 8

/* One data object. value points into the caller's buffer, so an item is
 * valid only as long as that buffer is. */
struct tlv_item {
	uint32_t tag;          /* tag bytes, first byte most significant */
	bool constructed;      /* bit 6 of the first tag byte */
	const uint8_t *value;  /* length bytes; not NULL when length is 0 */
	size_t length;         /* value length in bytes */
};

/* Position in one level of BER-TLV data. Set it with tlv_cursor_init and
 * read it only through tlv_next. */
struct tlv_cursor {
	const uint8_t *data;
	size_t length;
	size_t offset;
};

/* Start a cursor over length bytes at data (the whole input, or the value
 * of a constructed item to iterate its children). data may be NULL only
 * when length is 0. */
void tlv_cursor_init(struct tlv_cursor *cursor, const uint8_t *data,
		     size_t length);

/* Parse the next object at the cursor's level into *item and move past
 * it. Padding bytes 0x00 before, between and after objects are skipped,
 * as EMV Book 3 Annex B allows. A 0xFF byte where a tag should start is
 * rejected with TLV_ERR_PADDING. Returns 1 with an item, 0 at the end
 * of the data, or a negative tlv_error. On error the cursor does not
 * move, so calling again returns the same error. The value of a
 * constructed item is not checked here: iterate it or use tlv_check. */
int tlv_next(struct tlv_cursor *cursor, struct tlv_item *item);

/* Check that all length bytes at data are well-formed BER-TLV, nested
 * constructed objects included, at most TLV_MAX_DEPTH levels deep.
 * Returns 0 or a negative tlv_error for the first fault found. */
int tlv_check(const uint8_t *data, size_t length);

/* Find the first object with tag in the data, searching depth first into
 * constructed objects, after checking the whole input as tlv_check does
 * (so malformed data is rejected even after the match). Returns 1 and
 * fills *item when found, 0 when no object has that tag, or a negative
 * tlv_error. */
int tlv_find(const uint8_t *data, size_t length, uint32_t tag,
	     struct tlv_item *item);

/* Read the next entry of a data object list (DOL, EMV Book 3 5.4): a
 * tag and a length with no value, read by the same rules as tlv_next
 * but with no padding skipped. Returns 1 with *tag and *length, 0 at the
 * end of the list, or a negative tlv_error (the cursor does not move). */
int tlv_next_dol(struct tlv_cursor *cursor, uint32_t *tag, size_t *length);

/* Describe a tlv_error in a short English message (static storage). */
const char *tlv_strerror(int error);

#endif
