/* Fuzz target for the BER-TLV parser (drivers/tlv.c): any input is either
 * rejected with an error or walked without reading outside it, and
 * tlv_check, tlv_next and tlv_find agree on what is well formed. */
#include <stdbool.h>

#include "../../drivers/tlv.h"
#include "fuzz.h"

/* Walk every level below data. Returns the first error tlv_next gives,
 * or 0. */
static int walk(const uint8_t *data, size_t length, const uint8_t *start,
		const uint8_t *end, int depth)
{
	struct tlv_cursor cursor;
	struct tlv_item item;
	int rc;

	tlv_cursor_init(&cursor, data, length);
	for (;;) {
		rc = tlv_next(&cursor, &item);
		if (rc <= 0)
			return rc;
		fuzz_check(item.value >= start && item.value <= end,
			   "a value starts outside the input");
		fuzz_check(item.length <= (size_t)(end - item.value),
			   "a value runs past the input");
		if (item.constructed && depth < TLV_MAX_DEPTH) {
			rc = walk(item.value, item.length, start, end,
				  depth + 1);
			if (rc < 0)
				return rc;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t tags[] = {0x5a, 0x57, 0x6f, 0x70, 0x77,
					0xbf0c, 0x9f38, 0x5f20};
	struct tlv_item item;
	int checked = tlv_check(data, size);
	int walked = walk(data, size, data, data + size, 1);

	fuzz_check(checked <= 0, "tlv_check returned a positive value");
	if (checked == 0)
		fuzz_check(walked == 0, "tlv_next failed on checked input");

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		int found = tlv_find(data, size, tags[i], &item);

		if (checked < 0) {
			fuzz_check(found < 0, "tlv_find accepted bad input");
			continue;
		}
		fuzz_check(found == 0 || found == 1, "tlv_find failed");
		if (found == 1) {
			fuzz_check(item.tag == tags[i], "wrong tag found");
			fuzz_check(item.value >= data &&
					   item.length <= (size_t)(data + size -
								  item.value),
				   "found value outside the input");
		}
	}
	return 0;
}
