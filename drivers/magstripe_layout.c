/* Keyboard layouts that garble a swipe: what a US-layout reader's key
 * presses produce on a German or French layout, mapped back to the US
 * characters the reader meant. */
#include "magstripe_layout.h"

#include <mbedtls/platform_util.h>
#include <stdint.h>
#include <string.h>

#include "magstripe.h"
#include "utf8.h"

/* The character a layout produces for a key, and the US character that
 * the same key (with the same shift state) gives. */
struct layout_key {
	uint32_t typed;
	char us;
};

struct layout {
	const char *name;
	const struct layout_key *keys;
	size_t count;
};

/* German, from xkeyboard-config symbols/de "basic" and the latin(type4)
 * it includes (xkb-data 2.35.1, Debian 12). The keys that differ
 * from US: the number row, AE11 (ß ?), AE12 (dead acute and grave),
 * Y and Z swapped (AD06, AB01), AD11, AD12, AC10, AC11, BKSL, TLDE and
 * AB08 to AB10.
 * NOTE: '=' arrives as the acute accent only where the terminal prints a
 * dead key that composes with nothing. Where the terminal drops it,
 * track 2 loses its separator and only track 1 is read. */
static const struct layout_key german_keys[] = {
	{'"', '@'},   {0xA7, '#'},  {'&', '^'},  {'/', '&'},  {'(', '*'},
	{')', '('},   {'=', ')'},   {0xDF, '-'}, {'?', '_'},  {0xB4, '='},
	{'`', '+'},   {'z', 'y'},   {'Z', 'Y'},  {'y', 'z'},  {'Y', 'Z'},
	{0xF6, ';'},  {0xD6, ':'},  {';', '<'},  {':', '>'},  {'-', '/'},
	{'_', '?'},   {0xFC, '['},  {0xDC, '{'}, {'+', ']'},  {'*', '}'},
	{0xE4, '\''}, {0xC4, '"'},  {'#', '\\'}, {'\'', '|'}, {0xB0, '~'},
};

/* French AZERTY, from xkeyboard-config symbols/fr "basic" (xkb-data
 * 2.35.1, Debian 12): digits are shifted on the number row, A and Q and
 * Z and W are swapped, M sits on AC10, AB07 to AB10 carry , ? ; . : / !
 * and §, and AD12, AC11, BKSL and TLDE differ too. */
static const struct layout_key french_keys[] = {
	{'&', '1'},   {0xE9, '2'},  {'"', '3'},  {'\'', '4'}, {'(', '5'},
	{'-', '6'},   {0xE8, '7'},  {'_', '8'},  {0xE7, '9'}, {0xE0, '0'},
	{'1', '!'},   {'2', '@'},   {'3', '#'},  {'4', '$'},  {'5', '%'},
	{'6', '^'},   {'7', '&'},   {'8', '*'},  {'9', '('},  {'0', ')'},
	{')', '-'},   {0xB0, '_'},  {'a', 'q'},  {'A', 'Q'},  {'q', 'a'},
	{'Q', 'A'},   {'z', 'w'},   {'Z', 'W'},  {'w', 'z'},  {'W', 'Z'},
	{'m', ';'},   {'M', ':'},   {',', 'm'},  {'?', 'M'},  {';', ','},
	{'.', '<'},   {':', '.'},   {'/', '>'},  {'!', '/'},  {0xA7, '?'},
	{'$', ']'},   {0xA3, '}'},  {0xF9, '\''}, {'%', '"'}, {'*', '\\'},
	{0xB5, '|'},  {0xB2, '`'},
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const struct layout layouts[] = {
	{"German", german_keys, COUNT(german_keys)},
	{"French", french_keys, COUNT(french_keys)},
};

size_t magstripe_layout_count(void)
{
	return COUNT(layouts);
}

const char *magstripe_layout_name(size_t index)
{
	if (index >= COUNT(layouts))
		return NULL;
	return layouts[index].name;
}

/* The US character for code on layout, and whether it differs. */
static char map_code(const struct layout *layout, uint32_t code,
		     bool *changed)
{
	*changed = false;
	for (size_t i = 0; i < layout->count; i++) {
		if (layout->keys[i].typed == code) {
			*changed = layout->keys[i].us != (char)code;
			return layout->keys[i].us;
		}
	}
	/* Keys the table leaves out give what they give on US. */
	if (code >= 0x20 && code < 0x7F)
		return (char)code;
	if (code == '\r' || code == '\n')
		return (char)code;
	return MAGSTRIPE_LAYOUT_BAD;
}

size_t magstripe_layout_remap(size_t index, const char *text, size_t len,
			      char *out, size_t size)
{
	/* utf8_decode reads up to a NUL, so the text is decoded from a
	 * NUL-ended copy. */
	unsigned char copy[MAGSTRIPE_MAX + 1];
	size_t changed = 0;
	size_t used = 0;
	size_t pos = 0;

	if (size > 0)
		out[0] = '\0';
	if (index >= COUNT(layouts) || len > MAGSTRIPE_MAX || size < len + 1)
		return 0;
	memcpy(copy, text, len);
	copy[len] = '\0';

	while (pos < len) {
		uint32_t code;
		bool differs;

		pos += utf8_decode(copy + pos, &code);
		if (code == UTF8_INVALID || code == 0) {
			out[used++] = MAGSTRIPE_LAYOUT_BAD;
			continue;
		}
		out[used++] = map_code(&layouts[index], code, &differs);
		if (differs)
			changed++;
	}
	out[used] = '\0';
	mbedtls_platform_zeroize(copy, sizeof(copy));
	return changed;
}
