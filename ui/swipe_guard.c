/* Swipe guard: whether a burst of fast keys is a keyboard-wedge swipe, in
 * the US layout, a layout the magnetic stripe parser undoes, or one it
 * does not know, and whether a text field's value contains card data.
 * Copies of the text that may hold a card number are wiped. */
#include "swipe_guard.h"

#include <string.h>
#include <wctype.h>

#include "../drivers/card.h"
#include "../drivers/magstripe.h"
#include "../drivers/magstripe_layout.h"

/* The PAN lengths of payment cards, 13 to 19 digits, and the minimum
 * that the final judgement of a partial track counts as a card number. */
#define PAN_MIN 13
#define PAN_MAX 19
#define PARTIAL_PAN_MIN 12

/* Track characters in a burst before it may be a swipe without a start
 * sentinel, and the digits among them. A person cannot type 8 keys
 * within SWIPE_GUARD_KEY_GAP_MS of each other. NOTE: a paste or fast
 * typing of that form, such as "AB123456 CD", reaches the screen only
 * after SWIPE_GUARD_WAIT_MS. */
#define LOOSE_CHARS_MIN 8
#define LOOSE_DIGITS_MIN 6

/* The count of ASCII digits at s, up to limit. */
static size_t digit_run(const char *s, size_t limit)
{
	size_t n = 0;

	while (n < limit && s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* Whether s, US characters, starts with a track 2 shape. */
static bool track2_at(const char *s)
{
	size_t pan;

	if (s[0] != ';')
		return false;
	pan = digit_run(s + 1, PAN_MAX + 1);
	if (pan < PARTIAL_PAN_MIN || pan > PAN_MAX || s[1 + pan] != '=')
		return false;
	return digit_run(s + 2 + pan, 4) == 4;
}

/* Whether s, US characters, starts with a track 1 shape. The name field
 * is at most 26 characters (ISO/IEC 7813). */
static bool track1_at(const char *s)
{
	size_t pan;
	size_t at;
	size_t name = 0;

	if (s[0] != '%' || s[1] < 'A' || s[1] > 'Z')
		return false;
	pan = digit_run(s + 2, PAN_MAX + 1);
	if (pan < PARTIAL_PAN_MIN || pan > PAN_MAX || s[2 + pan] != '^')
		return false;
	at = 3 + pan;
	while (name <= 26 && s[at + name] != '\0' && s[at + name] != '^' &&
	       s[at + name] != '\n')
		name++;
	if (s[at + name] != '^')
		return false;
	return digit_run(s + at + name + 1, 4) == 4;
}

static bool track_shape(const char *s)
{
	for (; *s != '\0'; s++) {
		if (track1_at(s) || track2_at(s))
			return true;
	}
	return false;
}

/* Whether text, as typed or undone from a known layout, has a track
 * shape. */
static bool known_shape(const char *text, size_t len)
{
	char us[MAGSTRIPE_MAX + 1];
	bool found = false;

	if (len > MAGSTRIPE_MAX)
		return false;
	memcpy(us, text, len);
	us[len] = '\0';
	found = track_shape(us);
	for (size_t i = 0; !found && i < magstripe_layout_count(); i++) {
		if (magstripe_layout_remap(i, text, len, us, sizeof(us)) > 0)
			found = track_shape(us);
	}
	explicit_bzero(us, sizeof(us));
	return found;
}

/* Decode UTF-8 text into wide, at most size - 1 characters, ending it
 * with 0. Returns the count, or -1 for invalid or too long text. */
static int decode(const char *text, size_t len, wchar_t *wide, size_t size)
{
	mbstate_t state;
	size_t used = 0;
	size_t count = 0;

	memset(&state, 0, sizeof(state));
	while (used < len) {
		size_t n = mbrtowc(&wide[count], text + used, len - used,
				   &state);

		if (n == 0 || n > len - used || count + 1 >= size)
			return -1;
		used += n;
		count++;
	}
	wide[count] = 0;
	return (int)count;
}

static bool is_line_end(wchar_t c)
{
	return c == L'\n' || c == L'\t';
}

static bool is_digit(wchar_t c)
{
	return c >= L'0' && c <= L'9';
}

/* Whether wide has a run of PAN_MIN to PAN_MAX digits passing the Luhn
 * check, then one character other than a digit or line end, then 4 or
 * more digits: a PAN and an expiry date whatever the separators. */
static bool pan_and_expiry(const wchar_t *wide, int count)
{
	char pan[PAN_MAX + 1];
	bool found = false;

	for (int i = 0; i < count && !found; i++) {
		int n = 0;

		if (!is_digit(wide[i]) || (i > 0 && is_digit(wide[i - 1])))
			continue;
		while (i + n < count && is_digit(wide[i + n]))
			n++;
		if (n < PAN_MIN || n > PAN_MAX || i + n + 5 > count ||
		    is_line_end(wide[i + n]))
			continue;
		for (int k = 0; k < n; k++)
			pan[k] = (char)wide[i + k];
		pan[n] = '\0';
		found = is_digit(wide[i + n + 1]) &&
			is_digit(wide[i + n + 2]) &&
			is_digit(wide[i + n + 3]) &&
			is_digit(wide[i + n + 4]) && card_luhn_ok(pan);
	}
	explicit_bzero(pan, sizeof(pan));
	return found;
}

bool swipe_guard_track_char(wint_t ch)
{
	if (ch > 0x7f)
		return iswprint(ch);
	return iswalnum(ch) || (ch != 0 && strchr(" %;^=?/.-_", (int)ch));
}

/* Counts of the burst's characters, line ends left out. */
struct burst_counts {
	int chars;
	int digits;
	bool separated;      /* a card number is followed by a character
				other than a line end (see count_burst) */
	bool track_only;     /* every character is a track character */
};

/* Whether the run of n digits that ends before wide[end] is a card
 * number, so that a long account or reference number pasted with a
 * space after it is not taken for a swipe. */
static bool run_is_pan(const wchar_t *wide, int end, int n)
{
	char pan[PAN_MAX + 1];
	bool valid;

	if (n < PAN_MIN || n > PAN_MAX)
		return false;
	for (int k = 0; k < n; k++)
		pan[k] = (char)wide[end - n + k];
	pan[n] = '\0';
	valid = card_luhn_ok(pan);
	explicit_bzero(pan, sizeof(pan));
	return valid;
}

static void count_burst(const wchar_t *wide, int count,
			struct burst_counts *out)
{
	int run = 0;

	memset(out, 0, sizeof(*out));
	out->track_only = true;
	for (int i = 0; i < count; i++) {
		if (is_line_end(wide[i])) {
			run = 0;
			continue;
		}
		out->chars++;
		if (!swipe_guard_track_char((wint_t)wide[i]))
			out->track_only = false;
		if (is_digit(wide[i])) {
			out->digits++;
			run++;
			continue;
		}
		/* A swipe misread in one digit still has an expiry after
		 * its separator; other text needs a valid card number. */
		if (run_is_pan(wide, i, run) ||
		    (run >= PARTIAL_PAN_MIN && run <= PAN_MAX &&
		     i + 4 < count && is_digit(wide[i + 1]) &&
		     is_digit(wide[i + 2]) && is_digit(wide[i + 3]) &&
		     is_digit(wide[i + 4])))
			out->separated = true;
		run = 0;
	}
}

enum swipe_guard_class swipe_guard_classify(const char *text, size_t len,
					    bool final)
{
	wchar_t wide[MAGSTRIPE_MAX + 1];
	struct burst_counts counts;
	enum magstripe_scan scan;
	enum swipe_guard_class result = SWIPE_GUARD_TYPING;
	bool sentinel;
	int count;

	count = decode(text, len, wide, MAGSTRIPE_MAX + 1);
	if (count <= 0)
		goto out;
	scan = magstripe_scan(text, len);

	/* A whole track in US or a known layout. */
	if (known_shape(text, len)) {
		result = final || scan == MAGSTRIPE_COMPLETE
				 ? SWIPE_GUARD_TRACK
				 : SWIPE_GUARD_PARTIAL;
		goto out;
	}
	if (pan_and_expiry(wide, count)) {
		result = SWIPE_GUARD_FOREIGN;
		goto out;
	}

	/* The start of a swipe, cut by a pause. */
	count_burst(wide, count, &counts);
	sentinel = scan != MAGSTRIPE_NOT_SWIPE && counts.digits > 0;
	if (!counts.track_only ||
	    (!sentinel && (counts.chars < LOOSE_CHARS_MIN ||
			   counts.digits < LOOSE_DIGITS_MIN ||
			   counts.digits == counts.chars)))
		goto out;
	if (!final)
		result = SWIPE_GUARD_PARTIAL;
	else if (sentinel && counts.digits >= PARTIAL_PAN_MIN)
		result = SWIPE_GUARD_TRACK;
	else if (counts.separated)
		result = SWIPE_GUARD_FOREIGN;
out:
	explicit_bzero(wide, sizeof(wide));
	return result;
}

/* Whether text from start is 12 to 19 digits followed by separator. */
static bool digits_then(const char *start, char separator)
{
	size_t count = digit_run(start, PAN_MAX + 1);

	return count >= PARTIAL_PAN_MIN && count <= PAN_MAX &&
	       start[count] == separator;
}

/* Whether text has a track's start or its tail. */
static bool has_track_part(const char *text)
{
	for (const char *at = text; *at != '\0'; at++) {
		size_t run;

		if (at[0] == '%' && at[1] == 'B' && digits_then(at + 2, '^'))
			return true;
		if (at[0] == ';' && digits_then(at + 1, '='))
			return true;
		if (at[0] == '^') {
			run = digit_run(at + 1, MAGSTRIPE_MAX);
			if (run >= 4 && at[1 + run] == '?')
				return true;
		}
		if (at[0] == '=' && digit_run(at + 1, 7) == 7)
			return true;
	}
	return false;
}

/* Whether text has a letter and a run of PAN_MIN to PAN_MAX digits that
 * passes the Luhn check. */
static bool has_pan_in_words(const char *text)
{
	char pan[PAN_MAX + 1];
	bool letter = false;
	bool found = false;

	for (const char *at = text; *at != '\0'; at++) {
		if ((*at >= 'A' && *at <= 'Z') || (*at >= 'a' && *at <= 'z') ||
		    (unsigned char)*at >= 0x80)
			letter = true;
	}
	for (const char *at = text; letter && !found && *at != '\0'; at++) {
		size_t run;

		if (at != text && at[-1] >= '0' && at[-1] <= '9')
			continue;
		run = digit_run(at, PAN_MAX + 1);
		if (run < PAN_MIN || run > PAN_MAX)
			continue;
		memcpy(pan, at, run);
		pan[run] = '\0';
		found = card_luhn_ok(pan);
	}
	explicit_bzero(pan, sizeof(pan));
	return found;
}

bool swipe_guard_has_card_data(const char *text)
{
	return has_track_part(text) || has_pan_in_words(text);
}
