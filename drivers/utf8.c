/* Strict UTF-8 decoding and cutting, shared by the receipt layout, the
 * ESC/POS encoder and text from the network. */
#include <string.h>

#include "utf8.h"

size_t utf8_decode(const unsigned char *s, uint32_t *code)
{
	unsigned char low = 0x80;
	unsigned char high = 0xBF;
	size_t extra;
	uint32_t value;

	if (s[0] < 0x80) {
		*code = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		extra = 1;
		value = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		extra = 2;
		value = s[0] & 0x0F;
		low = s[0] == 0xE0 ? 0xA0 : 0x80;  /* no overlong forms */
		high = s[0] == 0xED ? 0x9F : 0xBF; /* no surrogates */
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		extra = 3;
		value = s[0] & 0x07;
		low = s[0] == 0xF0 ? 0x90 : 0x80;  /* no overlong forms */
		high = s[0] == 0xF4 ? 0x8F : 0xBF; /* nothing past U+10FFFF */
	} else {
		*code = UTF8_INVALID;
		return 1;
	}

	for (size_t i = 1; i <= extra; i++) {
		if (s[i] < low || s[i] > high) {
			*code = UTF8_INVALID;
			return i;
		}
		value = value << 6 | (s[i] & 0x3F);
		low = 0x80;
		high = 0xBF;
	}
	*code = value;
	return extra + 1;
}

bool utf8_copy_prefix(const char *text, size_t max, char *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t used = 0;

	while (s[used] != '\0') {
		uint32_t code;
		size_t length = utf8_decode(s + used, &code);

		if (code == UTF8_INVALID || used + length > max)
			break;
		used += length;
	}
	memmove(out, text, used);
	out[used] = '\0';
	return s[used] == '\0';
}
