/* The answer to reset (ISO/IEC 7816-3 clause 8) as the CCID driver needs
 * it, and the card's waiting times (ISO/IEC 7816-3 10.2 and 11.4.3). */
#include "ccid.h"

#include <string.h>

/* ISO/IEC 7816-3 table 7: the clock rate conversion factor Fi by the
 * high nibble of TA1, and table 8: the baud rate adjustment factor Di by
 * its low nibble. 0 marks a reserved value. */
static const unsigned fi_table[16] = {
	372, 372, 558, 744, 1116, 1488, 1860, 0,
	0, 512, 768, 1024, 1536, 2048, 0, 0,
};
static const unsigned di_table[16] = {
	0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0,
};

/* ISO/IEC 7816-3 defaults when the ATR leaves a value out. */
#define DEFAULT_TA1 0x11
#define DEFAULT_WI 10
#define DEFAULT_IFSC 32
#define DEFAULT_BWI 4
#define DEFAULT_CWI 13
#define DEFAULT_CLOCK_KHZ 3580
/* BWI values above 9 are reserved (ISO/IEC 7816-3 11.4.3). */
#define BWI_MAX 9

/* The parse state of the interface bytes. */
struct atr_walk {
	size_t pos;
	unsigned offered;         /* bit T for each T named by a TDi */
	bool t1_group_seen;       /* the first T=1 specific group was read */
};

static void set_defaults(struct ccid_atr *out)
{
	memset(out, 0, sizeof(*out));
	out->ta1 = DEFAULT_TA1;
	out->wi = DEFAULT_WI;
	out->ifsc = DEFAULT_IFSC;
	out->bwi = DEFAULT_BWI;
	out->cwi = DEFAULT_CWI;
}

/* Store the meaning of TAi, TBi and TCi (value -1 when absent) for group
 * i, whose protocol is that of TD(i-1) (tprev). Returns CCID_OK, or
 * CCID_EFRAME for an IFSC that ISO/IEC 7816-3 11.4.2 forbids. */
static int apply_group(struct ccid_atr *out, struct atr_walk *walk,
		       unsigned i, unsigned tprev, int ta, int tb, int tc)
{
	if (i == 1) {
		if (ta >= 0)
			out->ta1 = (uint8_t)ta;
		if (tc >= 0)
			out->tc1 = (uint8_t)tc;
		return CCID_OK;
	}
	if (i == 2) {
		/* TA2: bit 8 "cannot change", bit 5 "implicit Fi and Di",
		 * low nibble the protocol of the specific mode. */
		out->specific_mode = ta >= 0;
		out->specific_ta1 = ta >= 0 && (ta & 0x10) == 0;
		if (ta >= 0)
			out->default_protocol = (uint8_t)(ta & 0x0F);
		/* TC2 is specific to T=0; WI 0 is reserved. */
		if (tc > 0)
			out->wi = (uint8_t)tc;
		return CCID_OK;
	}
	if (tprev != 1 || walk->t1_group_seen)
		return CCID_OK;

	/* The first TA, TB and TC after a TD naming T=1, from i = 3. */
	walk->t1_group_seen = true;
	if (ta == 0x00 || ta == 0xFF)
		return CCID_EFRAME;
	if (ta > 0)
		out->ifsc = (uint8_t)ta;
	if (tb >= 0) {
		out->bwi = (uint8_t)(tb >> 4);
		out->cwi = (uint8_t)(tb & 0x0F);
	}
	if (tc >= 0)
		out->crc = (tc & 0x01) != 0;
	return CCID_OK;
}

static int next_byte(const uint8_t *atr, size_t len, struct atr_walk *walk,
		     bool present)
{
	if (!present)
		return -1;
	if (walk->pos >= len)
		return -2;
	return atr[walk->pos++];
}

/* Walk the interface bytes from T0's Y1 on. Returns CCID_OK with
 * walk->pos after the last interface byte, or CCID_EFRAME. */
static int walk_interface(const uint8_t *atr, size_t len,
			  struct ccid_atr *out, struct atr_walk *walk)
{
	unsigned y = atr[1] >> 4;
	unsigned tprev = 0;

	/* Each group takes at least one byte when it continues, and the
	 * ATR is at most CCID_ATR_MAX bytes, so the loop is bounded. */
	for (unsigned i = 1; i <= CCID_ATR_MAX; i++) {
		int ta = next_byte(atr, len, walk, y & 0x1);
		int tb = next_byte(atr, len, walk, y & 0x2);
		int tc = next_byte(atr, len, walk, y & 0x4);
		int td = next_byte(atr, len, walk, y & 0x8);
		int rc;

		if (ta == -2 || tb == -2 || tc == -2 || td == -2)
			return CCID_EFRAME;
		rc = apply_group(out, walk, i, tprev, ta, tb, tc);
		if (rc != CCID_OK)
			return rc;
		if (td < 0)
			return CCID_OK;
		tprev = (unsigned)td & 0x0F;
		walk->offered |= 1u << tprev;
		if (i == 1)
			out->default_protocol = (uint8_t)tprev;
		y = (unsigned)td >> 4;
	}
	return CCID_EFRAME;
}

/* PC/SC part 3 (3.1.3.2.3): a contactless reader builds the ATR of a
 * tapped card as 3B 8n 80 01, n historical bytes and TCK. */
static bool is_contactless(const uint8_t *atr, size_t len)
{
	return len >= 5 && atr[0] == 0x3B && (atr[1] & 0xF0) == 0x80 &&
	       atr[2] == 0x80 && atr[3] == 0x01;
}

int ccid_parse_atr(const uint8_t *atr, size_t len, struct ccid_atr *out)
{
	struct atr_walk walk = {.pos = 2};
	size_t expected;
	bool tck;
	int rc;

	if (atr == NULL || out == NULL || len < 2 || len > CCID_ATR_MAX)
		return CCID_EFRAME;
	if (atr[0] != 0x3B && atr[0] != 0x3F)
		return CCID_EFRAME;

	set_defaults(out);
	out->inverse = atr[0] == 0x3F;
	rc = walk_interface(atr, len, out, &walk);
	if (rc != CCID_OK)
		return rc;

	/* Without TD1 only T=0 is offered. TCK is absent when only T=0 is
	 * indicated, and present in every other case, T=15 included
	 * (ISO/IEC 7816-3 8.2.5). */
	if (walk.offered == 0)
		walk.offered = 1u << 0;
	tck = (walk.offered & ~1u) != 0;
	expected = walk.pos + (atr[1] & 0x0F) + (tck ? 1 : 0);
	if (len != expected)
		return CCID_EFRAME;
	if (tck) {
		uint8_t check = 0;

		/* The XOR of T0 to TCK included is zero. */
		for (size_t i = 1; i < len; i++)
			check ^= atr[i];
		if (check != 0)
			return CCID_EFRAME;
	}

	out->t0 = (walk.offered & (1u << 0)) != 0;
	out->t1 = (walk.offered & (1u << 1)) != 0;
	out->contactless = is_contactless(atr, len);
	return CCID_OK;
}

unsigned ccid_reply_timeout_ms(const struct ccid_atr *atr, int protocol,
			       uint32_t clock_khz)
{
	unsigned fi = fi_table[atr->ta1 >> 4];
	unsigned di = di_table[atr->ta1 & 0x0F];
	uint64_t wait_ms;

	if (fi == 0)
		fi = 372;
	if (di == 0)
		di = 1;
	if (clock_khz == 0)
		clock_khz = DEFAULT_CLOCK_KHZ;

	if (protocol == 1) {
		unsigned bwi = atr->bwi > BWI_MAX ? BWI_MAX : atr->bwi;

		/* BWT = 11 etu + 2^BWI x 960 x 372 / f, with one etu of
		 * Fi / (Di x f) seconds (ISO/IEC 7816-3 11.4.3). */
		wait_ms = ((uint64_t)11 * fi / di +
			   ((uint64_t)1 << bwi) * 960 * 372) / clock_khz + 1;
	} else {
		/* WT = WI x 960 x Fi / f (ISO/IEC 7816-3 10.2). */
		wait_ms = (uint64_t)atr->wi * 960 * fi / clock_khz + 1;
	}

	/* The margin covers the reader's own work around the exchange. */
	wait_ms *= 2;
	if (wait_ms < 1000)
		wait_ms = 1000;
	if (wait_ms > UINT32_MAX / 2)
		wait_ms = UINT32_MAX / 2;
	return (unsigned)wait_ms;
}
