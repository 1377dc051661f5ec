/* Version 4 UUIDs (RFC 4122 section 4.4) from the kernel's random source,
 * and a check of the canonical text form. */
#include "uuid.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>

#define UUID_BYTES 16

/* Fill buf from getrandom(2), retrying after a signal or a short read.
 * Returns 0, or -1 with errno set by getrandom. */
static int read_random(uint8_t *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = getrandom(buf + done, size - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Byte indexes before which the canonical text has a hyphen (8-4-4-4-12
 * hex digits). */
static bool is_group_start(int byte)
{
	return byte == 4 || byte == 6 || byte == 8 || byte == 10;
}

/* Text offsets of the four hyphens in the canonical form. */
static bool is_hyphen_position(int i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

int uuid_generate(char out[UUID_TEXT_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t bytes[UUID_BYTES];
	char *p = out;

	if (read_random(bytes, sizeof(bytes)) != 0) {
		out[0] = '\0';
		return -1;
	}

	/* Version 4 in the high nibble of byte 6, variant 10xx (RFC 4122) in
	 * the high bits of byte 8. */
	bytes[6] = (uint8_t)((bytes[6] & 0x0f) | 0x40);
	bytes[8] = (uint8_t)((bytes[8] & 0x3f) | 0x80);

	for (int i = 0; i < UUID_BYTES; i++) {
		if (is_group_start(i))
			*p++ = '-';
		*p++ = hex[bytes[i] >> 4];
		*p++ = hex[bytes[i] & 0x0f];
	}
	*p = '\0';
	return 0;
}

int uuid_is_valid(const char *text)
{
	if (text == NULL)
		return 0;

	for (int i = 0; i < UUID_TEXT_SIZE - 1; i++) {
		char c = text[i];

		if (is_hyphen_position(i)) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') ||
			     (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	return text[UUID_TEXT_SIZE - 1] == '\0';
}
