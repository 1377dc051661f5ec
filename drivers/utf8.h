/* Strict UTF-8 decoding for text from people and the network. */
#ifndef SPOTAGENT_UTF8_H
#define SPOTAGENT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Marks a byte sequence that is not valid UTF-8. */
#define UTF8_INVALID UINT32_MAX

/* Decode the UTF-8 character at s (NUL-terminated) into *code and return
 * its length in bytes. Overlong forms, surrogates, code points above
 * U+10FFFF and truncated sequences set *code to UTF8_INVALID and return
 * the length of the bad prefix (at least 1), so decoding resumes at the
 * next byte that can start a character. The NUL terminator is never
 * consumed as part of a longer sequence. */
size_t utf8_decode(const unsigned char *s, uint32_t *code);

/* Copy the longest prefix of text that has at most max bytes, ends on a
 * character boundary and is valid UTF-8 into out (max + 1 bytes), which
 * may be text itself. Returns whether all of text was copied. */
bool utf8_copy_prefix(const char *text, size_t max, char *out);

#endif
