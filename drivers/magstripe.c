/* Magnetic stripe swipes as text: ISO/IEC 7813 track 1 (format B) and
 * track 2, the card data they carry, and the detection of a swipe in
 * typed input. Discretionary data is checked in place and never copied. */
#include "magstripe.h"

#include <mbedtls/platform_util.h>
#include <stdio.h>
#include <string.h>

#include "magstripe_layout.h"

/* ISO/IEC 7813 track lengths with both sentinels and without the LRC,
 * which keyboard readers do not type. */
#define TRACK1_MAX 79
#define TRACK2_MAX 40
/* PAN lengths accepted. NOTE: the floor of 12 digits is this parser's
 * choice, not checked against ISO/IEC 7812-1; a shorter PAN makes its
 * track unreadable. */
#define PAN_MIN 12
#define PAN_MAX 19
/* Track 1 name field, ISO/IEC 7813. */
#define TRACK1_NAME_MIN 2
#define TRACK1_NAME_MAX 26

enum track_state {
	TRACK_ABSENT = 0,
	TRACK_OK = 1,
	TRACK_BAD = 2,
};

/* The fields read from one track. It contains a PAN, so it is wiped
 * after use. */
struct track {
	enum track_state state;
	const char *reason;        /* why a bad track is unreadable */
	char pan[CARD_PAN_SIZE];
	char expiry[5];
	char name[CARD_NAME_SIZE]; /* track 1 only, already formatted */
};

/* A field of a track as a position in its body. */
struct cursor {
	const char *body;
	size_t len;
	size_t pos;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_start_sentinel(char c)
{
	return c == '%' || c == ';' || c == '+';
}

/* Track 1 data characters: the 6-bit set 0x20 to 0x5F of ISO/IEC 7811
 * without the sentinels. The separator '^' is checked by the caller. */
static bool is_track1_char(char c)
{
	return c >= 0x20 && c <= 0x5F && c != '%' && c != '?';
}

static int bad(struct track *t, const char *reason)
{
	t->state = TRACK_BAD;
	t->reason = reason;
	return -1;
}

/* Read the PAN up to separator. */
static int read_pan(struct cursor *c, char separator, struct track *t)
{
	size_t digits = 0;

	while (c->pos < c->len && c->body[c->pos] != separator) {
		if (!is_digit(c->body[c->pos]) || digits == PAN_MAX)
			return bad(t, "bad card number");
		t->pan[digits++] = c->body[c->pos++];
	}
	t->pan[digits] = '\0';
	if (c->pos == c->len)
		return bad(t, "no field separator");
	if (digits < PAN_MIN)
		return bad(t, "bad card number");
	c->pos++;
	return 0;
}

/* Read YYMM and the three-digit service code, which is checked and not
 * kept. */
static int read_expiry(struct cursor *c, struct track *t)
{
	const char *s = c->body + c->pos;
	int month;

	if (c->len - c->pos < 7)
		return bad(t, "no expiry date");
	for (size_t i = 0; i < 4; i++) {
		if (!is_digit(s[i]))
			return bad(t, "bad expiry date");
	}
	month = (s[2] - '0') * 10 + (s[3] - '0');
	if (month < 1 || month > 12)
		return bad(t, "bad expiry date");
	for (size_t i = 4; i < 7; i++) {
		if (!is_digit(s[i]))
			return bad(t, "bad service code");
	}
	memcpy(t->expiry, s, 4);
	t->expiry[4] = '\0';
	c->pos += 7;
	return 0;
}

/* Read the name field of track 1 up to its '^'. */
static int read_name(struct cursor *c, struct track *t)
{
	const char *name = c->body + c->pos;
	const char *end = memchr(name, '^', c->len - c->pos);
	size_t len;

	if (end == NULL)
		return bad(t, "no name");
	len = (size_t)(end - name);
	if (len < TRACK1_NAME_MIN || len > TRACK1_NAME_MAX)
		return bad(t, "no name");
	for (size_t i = 0; i < len; i++) {
		if (!is_track1_char(name[i]))
			return bad(t, "bad character in name");
	}
	card_format_name(name, len, t->name, sizeof(t->name));
	c->pos += len + 1;
	return 0;
}

/* Check the characters of the discretionary data, which stays where it
 * is. */
static int check_rest(struct cursor *c, bool track1, struct track *t)
{
	for (size_t i = c->pos; i < c->len; i++) {
		char ch = c->body[i];
		bool ok = track1 ? is_track1_char(ch) : is_digit(ch);

		if (!ok)
			return bad(t, "bad character");
	}
	return 0;
}

/* Parse the body of track 1, between '%' and '?'. */
static void parse_track1(const char *body, size_t len, struct track *t)
{
	struct cursor c = {.body = body, .len = len, .pos = 1};

	if (len + 2 > TRACK1_MAX) {
		bad(t, "too long");
		return;
	}
	if (len == 1 && body[0] == 'E') {
		bad(t, "read error");
		return;
	}
	if (len == 0 || body[0] != 'B') {
		bad(t, "not format B");
		return;
	}
	if (read_pan(&c, '^', t) < 0 || read_name(&c, t) < 0 ||
	    read_expiry(&c, t) < 0 || check_rest(&c, true, t) < 0)
		return;
	t->state = TRACK_OK;
}

/* Parse the body of track 2, between ';' and '?'. */
static void parse_track2(const char *body, size_t len, struct track *t)
{
	struct cursor c = {.body = body, .len = len, .pos = 0};

	if (len + 2 > TRACK2_MAX) {
		bad(t, "too long");
		return;
	}
	if (len == 1 && body[0] == 'E') {
		bad(t, "read error");
		return;
	}
	if (read_pan(&c, '=', t) < 0 || read_expiry(&c, t) < 0 ||
	    check_rest(&c, false, t) < 0)
		return;
	t->state = TRACK_OK;
}

/* One track found in the text: its start sentinel and body, and whether
 * an end sentinel closed it. */
struct span {
	char start;
	const char *body;
	size_t len;
	bool ended;
};

/* Find the next track from *pos. Characters outside tracks (line ends,
 * noise) are skipped. A track ends at '?', or without its end sentinel
 * at the next start sentinel, line end or the end of text. */
static bool next_span(const char *text, size_t len, size_t *pos,
		      struct span *span)
{
	size_t i = *pos;

	while (i < len && !is_start_sentinel(text[i]))
		i++;
	if (i == len)
		return false;
	span->start = text[i++];
	span->body = text + i;
	while (i < len && text[i] != '?' && text[i] != '%' &&
	       text[i] != ';' && text[i] != '\r' && text[i] != '\n')
		i++;
	span->len = (size_t)(text + i - span->body);
	span->ended = i < len && text[i] == '?';
	*pos = span->ended ? i + 1 : i;
	return true;
}

/* Split text into tracks and parse track 1 and track 2. A ';' track after
 * track 2 and a '+' track are track 3, which is ignored. */
static void split_tracks(const char *text, size_t len, struct track *t1,
			 struct track *t2)
{
	struct span span;
	size_t pos = 0;

	while (next_span(text, len, &pos, &span)) {
		struct track *t;

		if (span.start == '%' && t1->state == TRACK_ABSENT)
			t = t1;
		else if (span.start == ';' && t2->state == TRACK_ABSENT)
			t = t2;
		else
			continue;
		if (!span.ended)
			bad(t, "no end sentinel");
		else if (t == t1)
			parse_track1(span.body, span.len, t);
		else
			parse_track2(span.body, span.len, t);
	}
}

static void describe(const struct track *t, const char *which, char *out,
		     size_t size)
{
	if (t->state == TRACK_ABSENT)
		snprintf(out, size, "%s missing", which);
	else if (t->state == TRACK_BAD)
		snprintf(out, size, "%s unreadable: %s", which, t->reason);
}

/* Fill *out from the readable tracks, which must agree. */
static int merge_tracks(const struct track *t1, const struct track *t2,
			struct card_data *out)
{
	const struct track *from = t2->state == TRACK_OK ? t2 : t1;

	if (from->state != TRACK_OK)
		return CARD_ENOPAN;
	if (t1->state == TRACK_OK && t2->state == TRACK_OK &&
	    (strcmp(t1->pan, t2->pan) != 0 ||
	     strcmp(t1->expiry, t2->expiry) != 0))
		return CARD_EDATA;
	if (!card_luhn_ok(from->pan))
		return CARD_ELUHN;

	out->source = CARD_SOURCE_STRIPE;
	memcpy(out->pan, from->pan, sizeof(out->pan));
	memcpy(out->expiry, from->expiry, sizeof(out->expiry));
	if (t1->state == TRACK_OK)
		memcpy(out->name, t1->name, sizeof(out->name));
	describe(t1, "track 1", out->missing, sizeof(out->missing));
	describe(t2, "track 2", out->missing, sizeof(out->missing));
	return CARD_OK;
}

/* Parse text as US characters. */
static int parse_us(const char *text, size_t len, struct card_data *out)
{
	struct track t1 = {0};
	struct track t2 = {0};
	int rc;

	split_tracks(text, len, &t1, &t2);
	rc = merge_tracks(&t1, &t2, out);
	mbedtls_platform_zeroize(&t1, sizeof(t1));
	mbedtls_platform_zeroize(&t2, sizeof(t2));
	if (rc != CARD_OK)
		card_data_clear(out);
	return rc;
}

/* The index of the first layout under which text parses, or -1. */
static int find_layout(const char *text, size_t len)
{
	char us[MAGSTRIPE_MAX + 1];
	struct card_data data;
	int found = -1;

	for (size_t i = 0; i < magstripe_layout_count() && found < 0; i++) {
		if (magstripe_layout_remap(i, text, len, us, sizeof(us)) == 0)
			continue;
		if (parse_us(us, strlen(us), &data) == CARD_OK)
			found = (int)i;
		card_data_clear(&data);
	}
	mbedtls_platform_zeroize(us, sizeof(us));
	return found;
}

int magstripe_parse(const char *text, size_t len, struct card_data *out)
{
	int rc;

	if (out == NULL)
		return CARD_EINVAL;
	card_data_clear(out);
	if (text == NULL)
		return CARD_EINVAL;
	if (len == 0)
		return CARD_ENOPAN;
	if (len > MAGSTRIPE_MAX)
		return CARD_EDATA;

	rc = parse_us(text, len, out);
	if (rc != CARD_OK && find_layout(text, len) >= 0)
		rc = CARD_ELAYOUT;
	return rc;
}

bool magstripe_layout_hint(const char *text, size_t len, char *name,
			   size_t size)
{
	struct card_data data;
	int index;

	if (text == NULL || name == NULL || size == 0 || len == 0 ||
	    len > MAGSTRIPE_MAX)
		return false;
	if (parse_us(text, len, &data) == CARD_OK) {
		card_data_clear(&data);
		return false;
	}
	index = find_layout(text, len);
	if (index < 0)
		return false;
	snprintf(name, size, "%s", magstripe_layout_name((size_t)index));
	return true;
}

/* Classify US text: a start sentinel, then what may follow it, up to an
 * end sentinel with optional line ends. */
static enum magstripe_scan scan_us(const char *text, size_t len)
{
	size_t end = len;

	if (len == 0)
		return MAGSTRIPE_NOT_SWIPE;
	if (text[0] == '%') {
		if (len > 1 && text[1] != 'B' && text[1] != 'E')
			return MAGSTRIPE_NOT_SWIPE;
	} else if (text[0] == ';') {
		if (len > 1 && !is_digit(text[1]) && text[1] != 'E')
			return MAGSTRIPE_NOT_SWIPE;
	} else {
		return MAGSTRIPE_NOT_SWIPE;
	}

	while (end > 1 && (text[end - 1] == '\r' || text[end - 1] == '\n'))
		end--;
	if (end > 1 && text[end - 1] == '?')
		return MAGSTRIPE_COMPLETE;
	return MAGSTRIPE_PARTIAL;
}

enum magstripe_scan magstripe_scan(const char *text, size_t len)
{
	char us[MAGSTRIPE_MAX + 1];
	enum magstripe_scan best;

	if (text == NULL || len > MAGSTRIPE_MAX)
		return MAGSTRIPE_NOT_SWIPE;
	best = scan_us(text, len);

	/* Under another layout one start sentinel alone is too likely a
	 * typed character ('5' on French), so two characters are needed. */
	for (size_t i = 0; i < magstripe_layout_count(); i++) {
		enum magstripe_scan scan;

		if (magstripe_layout_remap(i, text, len, us, sizeof(us)) == 0 ||
		    strlen(us) < 2)
			continue;
		scan = scan_us(us, strlen(us));
		if (scan > best)
			best = scan;
	}
	mbedtls_platform_zeroize(us, sizeof(us));
	return best;
}
