/* Strict BER-TLV parser for EMV card replies: every tag, length and value
 * is checked against the end of its enclosing data before it is read. */
#include "tlv.h"

#define TLV_PADDING_BYTE 0x00
#define TLV_INVALID_TAG_BYTE 0xFF
#define TLV_TAG_NUMBER_MASK 0x1F /* all set: more tag bytes follow */
#define TLV_TAG_MORE_BIT 0x80    /* in later tag bytes: another follows */
#define TLV_TAG_CONSTRUCTED 0x20
#define TLV_LENGTH_LONG_BIT 0x80
#define TLV_LENGTH_MAX_BYTES 3 /* long forms 0x81, 0x82 and 0x83 */

/* Search state of the recursive walk. Tag 0 matches no object, so a
 * search for it only checks the data. */
struct tlv_search {
	uint32_t tag;
	bool found;
	struct tlv_item item;
};

void tlv_cursor_init(struct tlv_cursor *cursor, const uint8_t *data,
		     size_t length)
{
	cursor->data = data;
	cursor->length = length;
	cursor->offset = 0;
}

/* Read a tag of 1 to TLV_TAG_MAX_BYTES bytes at *offset. */
static int read_tag(const uint8_t *data, size_t end, size_t *offset,
		    uint32_t *tag)
{
	size_t at = *offset;
	uint32_t value = data[at];
	bool more = (data[at] & TLV_TAG_NUMBER_MASK) == TLV_TAG_NUMBER_MASK;
	size_t count = 1;

	at++;
	while (more) {
		if (count == TLV_TAG_MAX_BYTES)
			return TLV_ERR_TAG_TOO_LONG;
		if (at >= end)
			return TLV_ERR_TRUNCATED_TAG;
		value = value << 8 | data[at];
		more = (data[at] & TLV_TAG_MORE_BIT) != 0;
		count++;
		at++;
	}
	*offset = at;
	*tag = value;
	return TLV_OK;
}

/* Read a short or long form length at *offset. Long forms must be
 * minimal (0x81 only for 128 to 255, and so on), because a card that
 * pads a length is as suspect as one that overruns it. */
static int read_length(const uint8_t *data, size_t end, size_t *offset,
		       size_t *length)
{
	size_t at = *offset;
	size_t count;
	size_t value = 0;

	if (at >= end)
		return TLV_ERR_TRUNCATED_LENGTH;
	if ((data[at] & TLV_LENGTH_LONG_BIT) == 0) {
		*length = data[at];
		*offset = at + 1;
		return TLV_OK;
	}

	/* 0x80 is BER's indefinite form, which EMV does not use. */
	count = data[at] & ~TLV_LENGTH_LONG_BIT;
	if (count == 0 || count > TLV_LENGTH_MAX_BYTES)
		return TLV_ERR_LENGTH_FORM;
	at++;
	if (count > end - at)
		return TLV_ERR_TRUNCATED_LENGTH;
	for (size_t i = 0; i < count; i++)
		value = value << 8 | data[at + i];

	/* Minimal: the short form for under 128, no leading zero byte. */
	if (value < 0x80 || (count > 1 && data[at] == 0))
		return TLV_ERR_LENGTH_FORM;
	*length = value;
	*offset = at + count;
	return TLV_OK;
}

int tlv_next(struct tlv_cursor *cursor, struct tlv_item *item)
{
	const uint8_t *data = cursor->data;
	size_t end = cursor->length;
	size_t offset = cursor->offset;
	size_t start;
	uint32_t tag;
	size_t length;
	int rc;

	while (offset < end && data[offset] == TLV_PADDING_BYTE)
		offset++;
	if (offset == end) {
		cursor->offset = offset;
		return 0;
	}
	start = offset;

	/* ISO/IEC 7816-4 Annex D allows '00' or 'FF' bytes before, between
	 * or after objects. EMV allows only '00' (Book 3 Annex B, and
	 * Specification Update 69, which also warns issuers not to use
	 * tags starting with 'FF' because terminals may not recognise
	 * them), so 0xFF here is rejected.
	 * NOTE: SU 69 allows padding only inside templates; this parser
	 * also skips 0x00 at the top level. */
	if (data[offset] == TLV_INVALID_TAG_BYTE)
		return TLV_ERR_PADDING;

	rc = read_tag(data, end, &offset, &tag);
	if (rc < 0)
		return rc;
	rc = read_length(data, end, &offset, &length);
	if (rc < 0)
		return rc;
	if (length > end - offset)
		return TLV_ERR_LENGTH_PAST_END;

	item->tag = tag;
	item->constructed = (data[start] & TLV_TAG_CONSTRUCTED) != 0;
	item->value = data + offset;
	item->length = length;
	cursor->offset = offset + length;
	return 1;
}

int tlv_next_dol(struct tlv_cursor *cursor, uint32_t *tag, size_t *length)
{
	size_t offset = cursor->offset;
	uint32_t value;
	size_t size;
	int rc;

	if (offset >= cursor->length)
		return 0;
	rc = read_tag(cursor->data, cursor->length, &offset, &value);
	if (rc < 0)
		return rc;
	rc = read_length(cursor->data, cursor->length, &offset, &size);
	if (rc < 0)
		return rc;
	*tag = value;
	*length = size;
	cursor->offset = offset;
	return 1;
}

/* Walk one level and every constructed value below it, recording the
 * first object with search->tag in depth-first order. The recursion is
 * bounded by TLV_MAX_DEPTH. */
static int walk_level(const uint8_t *data, size_t length, int level,
		      struct tlv_search *search)
{
	struct tlv_cursor cursor;
	struct tlv_item item;
	int rc;

	tlv_cursor_init(&cursor, data, length);
	for (;;) {
		rc = tlv_next(&cursor, &item);
		if (rc <= 0)
			return rc;
		if (level > TLV_MAX_DEPTH)
			return TLV_ERR_TOO_DEEP;

		if (!search->found && search->tag != 0 &&
		    item.tag == search->tag) {
			search->found = true;
			search->item = item;
		}
		if (item.constructed) {
			rc = walk_level(item.value, item.length, level + 1,
					search);
			if (rc < 0)
				return rc;
		}
	}
}

int tlv_check(const uint8_t *data, size_t length)
{
	struct tlv_search search = {.tag = 0};

	return walk_level(data, length, 1, &search);
}

int tlv_find(const uint8_t *data, size_t length, uint32_t tag,
	     struct tlv_item *item)
{
	struct tlv_search search = {.tag = tag};
	int rc;

	rc = walk_level(data, length, 1, &search);
	if (rc < 0)
		return rc;
	if (!search.found)
		return 0;
	*item = search.item;
	return 1;
}

const char *tlv_strerror(int error)
{
	switch (error) {
	case TLV_OK:
		return "success";
	case TLV_ERR_TRUNCATED_TAG:
		return "TLV data ends inside a tag";
	case TLV_ERR_TAG_TOO_LONG:
		return "TLV tag longer than 4 bytes";
	case TLV_ERR_TRUNCATED_LENGTH:
		return "TLV data ends inside a length";
	case TLV_ERR_LENGTH_FORM:
		return "invalid TLV length form (indefinite, over 3 bytes "
		       "or not minimal)";
	case TLV_ERR_LENGTH_PAST_END:
		return "TLV value runs past the end of its data";
	case TLV_ERR_TOO_DEEP:
		return "TLV objects nested more than 8 levels deep";
	case TLV_ERR_PADDING:
		return "invalid padding byte 0xFF where a TLV tag should start";
	}
	return "unknown TLV error";
}
