/* Reading one EMV application (EMV Book 3 chapter 10): SELECT, GET
 * PROCESSING OPTIONS with the PDOL filled, READ RECORD of every record
 * the AFL names, and the PAN, expiry and name taken from them. */
#include "emv.h"

#include "emv_internal.h"
#include "iso7816.h"
#include "tlv.h"

#include <mbedtls/platform_util.h>
#include <stdlib.h>
#include <string.h>

#define REPLY_MAX 1024
#define AFL_MAX 252         /* an AFL fits in one short response */
#define RECORDS_MAX 64      /* records read from one application */
#define PAN_BYTES_MAX 10    /* tag 5A: cn, up to 19 digits */
#define TRACK2_BYTES_MAX 19 /* tag 57: up to 37 digits and separator */
#define NAME_MAX_LEN 26     /* tag 5F20: ans 2 to 26 */

/* Data elements collected from the GPO response and the records. A PAN,
 * track 2 or expiry tag that occurs again must repeat its first value;
 * for the name and label the first occurrence counts. */
struct found {
	uint8_t pan[PAN_BYTES_MAX];
	size_t pan_len;
	uint8_t expiry[3]; /* YYMMDD, BCD */
	bool has_expiry;
	uint8_t track2[TRACK2_BYTES_MAX];
	size_t track2_len;
	char name[CARD_NAME_SIZE];
	bool has_name;
	char label[17];
};

/* Reading state: the channel and the buffers that may hold a PAN. */
struct reader {
	const struct card_channel *channel;
	uint8_t reply[REPLY_MAX];
	size_t got;
	uint16_t sw;
	uint8_t afl[AFL_MAX];
	size_t afl_len;
	struct found found;
};

/* Copy a primitive value of min to max bytes into out the first time
 * the tag is seen. A later occurrence must repeat the same bytes,
 * because a card that gives two PANs or two expiry dates cannot be
 * trusted for either. Returns CARD_OK, or CARD_EDATA for a length out
 * of range or a value that differs from the one already taken. */
static int take_value(const struct tlv_item *item, size_t min, size_t max,
		      uint8_t *out, size_t *len)
{
	if (item->length < min || item->length > max)
		return CARD_EDATA;
	if (*len == 0) {
		memcpy(out, item->value, item->length);
		*len = item->length;
		return CARD_OK;
	}
	if (*len != item->length || memcmp(out, item->value, *len) != 0)
		return CARD_EDATA;
	return CARD_OK;
}

/* Collect the data elements among the children of a template. */
static int collect(struct found *f, const uint8_t *data, size_t len)
{
	struct tlv_cursor cursor;
	struct tlv_item item;
	size_t expiry_len = f->has_expiry ? 3 : 0;
	int rc;

	tlv_cursor_init(&cursor, data, len);
	while ((rc = tlv_next(&cursor, &item)) == 1) {
		if (item.tag == 0x5A)
			rc = take_value(&item, 1, PAN_BYTES_MAX, f->pan,
					&f->pan_len);
		else if (item.tag == 0x57)
			rc = take_value(&item, 1, TRACK2_BYTES_MAX, f->track2,
					&f->track2_len);
		else if (item.tag == 0x5F24)
			rc = take_value(&item, 3, 3, f->expiry, &expiry_len);
		else if (item.tag == 0x5F20 && !f->has_name) {
			emv_copy_text(f->name, sizeof(f->name), item.value,
				      item.length < NAME_MAX_LEN ?
					      item.length : NAME_MAX_LEN);
			f->has_name = true;
		}
		if (rc < 0)
			return rc;
		f->has_expiry = expiry_len == 3;
	}
	return rc < 0 ? CARD_EDATA : CARD_OK;
}

/* SELECT the application; keep its label and fill the GPO command data
 * (template 83 with the PDOL values) into data. */
static int select_app(struct reader *r, const struct emv_app *app,
		      uint8_t *data, size_t *data_len)
{
	struct tlv_item item;
	size_t values_len;
	size_t head;
	int rc;

	rc = iso7816_select_name(r->channel, app->aid, app->aid_len, r->reply,
				 sizeof(r->reply), &r->got, &r->sw);
	if (rc < 0)
		return rc;
	if (r->sw != ISO7816_SW_OK)
		return CARD_ESTATUS;
	rc = tlv_find(r->reply, r->got, 0x50, &item);
	if (rc < 0)
		return CARD_EDATA;
	if (rc == 1)
		emv_copy_text(r->found.label, sizeof(r->found.label),
			      item.value, item.length);

	rc = tlv_find(r->reply, r->got, 0x9F38, &item);
	values_len = 0;
	head = 2;
	if (rc == 1) {
		rc = emv_pdol_build(item.value, item.length, data + 3,
				    EMV_PDOL_DATA_MAX, &values_len);
		if (rc < 0)
			return rc;
		head = values_len < 0x80 ? 2 : 3;
		memmove(data + head, data + 3, values_len);
	}
	/* Template 83: length in short form, or 81 xx from 128 bytes. */
	data[0] = 0x83;
	if (head == 3) {
		data[1] = 0x81;
		data[2] = (uint8_t)values_len;
	} else {
		data[1] = (uint8_t)values_len;
	}
	*data_len = head + values_len;
	return CARD_OK;
}

/* GET PROCESSING OPTIONS; keep the AFL and any data elements of a
 * format 2 response (EMV Book 3 6.5.8.4). */
static int get_processing_options(struct reader *r, const uint8_t *data,
				  size_t len)
{
	struct tlv_cursor cursor;
	struct tlv_item top;
	struct tlv_item afl = {.length = 0};
	int rc;

	rc = iso7816_get_processing_options(r->channel, data, len, r->reply,
					    sizeof(r->reply), &r->got, &r->sw);
	if (rc < 0)
		return rc;
	if (r->sw != ISO7816_SW_OK)
		return CARD_ESTATUS;
	if (tlv_check(r->reply, r->got) < 0)
		return CARD_EDATA;
	tlv_cursor_init(&cursor, r->reply, r->got);
	if (tlv_next(&cursor, &top) != 1)
		return CARD_EDATA;

	if (top.tag == 0x80) {
		/* Format 1: AIP (2 bytes), then the AFL. */
		if (top.length < 2)
			return CARD_EDATA;
		afl.value = top.value + 2;
		afl.length = top.length - 2;
	} else if (top.tag == 0x77) {
		rc = tlv_find(top.value, top.length, 0x94, &afl);
		if (rc < 0)
			return CARD_EDATA;
		rc = collect(&r->found, top.value, top.length);
		if (rc < 0)
			return rc;
	} else {
		return CARD_EDATA;
	}
	if (afl.length > AFL_MAX)
		return CARD_EDATA;
	if (afl.length > 0)
		memcpy(r->afl, afl.value, afl.length);
	r->afl_len = afl.length;
	return CARD_OK;
}

/* Check every AFL entry (EMV Book 3 10.2): SFI 1 to 30 in bits 8-4 with
 * bits 3-1 zero, first record at least 1, last not before first, and
 * the records in total at most RECORDS_MAX. */
static int check_afl(const uint8_t *afl, size_t len)
{
	size_t total = 0;

	if (len % 4 != 0)
		return CARD_EDATA;
	for (size_t i = 0; i < len; i += 4) {
		uint8_t sfi = afl[i] >> 3;

		if ((afl[i] & 0x07) != 0 || sfi < 1 || sfi > 30)
			return CARD_EDATA;
		if (afl[i + 1] < 1 || afl[i + 2] < afl[i + 1])
			return CARD_EDATA;
		if (afl[i + 3] > afl[i + 2] - afl[i + 1] + 1)
			return CARD_EDATA;
		total += (size_t)(afl[i + 2] - afl[i + 1] + 1);
	}
	return total <= RECORDS_MAX ? CARD_OK : CARD_EDATA;
}

/* READ RECORD one record; it must be a template 70 (EMV Book 3 10.2). */
static int read_one_record(struct reader *r, uint8_t sfi, uint8_t number)
{
	struct tlv_cursor cursor;
	struct tlv_item item;
	int rc;

	rc = iso7816_read_record(r->channel, sfi, number, r->reply,
				 sizeof(r->reply), &r->got, &r->sw);
	if (rc < 0)
		return rc;
	if (r->sw != ISO7816_SW_OK)
		return CARD_ESTATUS;
	if (tlv_check(r->reply, r->got) < 0)
		return CARD_EDATA;
	tlv_cursor_init(&cursor, r->reply, r->got);
	if (tlv_next(&cursor, &item) != 1 || item.tag != 0x70)
		return CARD_EDATA;
	rc = collect(&r->found, item.value, item.length);
	mbedtls_platform_zeroize(r->reply, r->got);
	return rc;
}

static int read_records(struct reader *r)
{
	int rc = check_afl(r->afl, r->afl_len);

	for (size_t i = 0; rc == CARD_OK && i < r->afl_len; i += 4) {
		uint8_t sfi = r->afl[i] >> 3;

		for (unsigned n = r->afl[i + 1]; n <= r->afl[i + 2]; n++) {
			rc = read_one_record(r, sfi, (uint8_t)n);
			if (rc < 0)
				break;
		}
	}
	return rc;
}

static uint8_t nibble_at(const uint8_t *bytes, size_t i)
{
	return i % 2 == 0 ? bytes[i / 2] >> 4 : bytes[i / 2] & 0x0F;
}

/* Decode a PAN of BCD digits with 'F' padding allowed only at the end
 * (tag 5A, format cn) into out. Returns CARD_OK or CARD_EDATA. */
static int decode_pan(const uint8_t *bytes, size_t len, char *out)
{
	size_t digits = 0;
	bool padding = false;

	for (size_t i = 0; i < len * 2; i++) {
		uint8_t nibble = nibble_at(bytes, i);

		if (nibble == 0x0F) {
			padding = true;
			continue;
		}
		if (nibble > 9 || padding || digits == CARD_PAN_SIZE - 1)
			return CARD_EDATA;
		out[digits++] = (char)('0' + nibble);
	}
	out[digits] = '\0';
	return CARD_OK;
}

/* Take the PAN and YYMM from track 2 equivalent data (tag 57, EMV Book
 * 3 Annex A): PAN digits, separator 'D', YYMM, service code and
 * discretionary data, then 'F' to fill the last byte. */
static int decode_track2(const uint8_t *bytes, size_t len, char *pan,
			 char *expiry)
{
	size_t count = len * 2;
	size_t i = 0;

	while (i < count && nibble_at(bytes, i) <= 9 &&
	       i < CARD_PAN_SIZE - 1) {
		pan[i] = (char)('0' + nibble_at(bytes, i));
		i++;
	}
	pan[i] = '\0';
	if (i == count || nibble_at(bytes, i) != 0x0D || count - i < 5)
		return CARD_EDATA;
	for (size_t j = 0; j < 4; j++) {
		uint8_t nibble = nibble_at(bytes, i + 1 + j);

		if (nibble > 9)
			return CARD_EDATA;
		expiry[j] = (char)('0' + nibble);
	}
	expiry[4] = '\0';
	for (i += 5; i < count; i++) {
		uint8_t nibble = nibble_at(bytes, i);

		if (nibble > 9 && !(nibble == 0x0F && i == count - 1))
			return CARD_EDATA;
	}
	return CARD_OK;
}

/* Check YYMM: four digits and a month from 01 to 12. */
static bool expiry_ok(const char *yymm)
{
	int month;

	for (int i = 0; i < 4; i++) {
		if (yymm[i] < '0' || yymm[i] > '9')
			return false;
	}
	month = (yymm[2] - '0') * 10 + (yymm[3] - '0');
	return month >= 1 && month <= 12;
}

/* Check the day of tag 5F24 (EMV Book 3 Annex A, format n 6 YYMMDD):
 * two BCD digits from 01 to 31. The year and month are checked as YYMM
 * by expiry_ok. */
static bool expiry_day_ok(uint8_t dd)
{
	uint8_t tens = dd >> 4;
	uint8_t units = dd & 0x0F;
	int day = tens * 10 + units;

	return tens <= 9 && units <= 9 && day >= 1 && day <= 31;
}

/* Write the YYMM of tag 5F24 (three BCD bytes YYMMDD) into out (5
 * bytes). Nibbles above 9 give characters that expiry_ok rejects. */
static void expiry_from_5f24(const uint8_t *bcd, char *out)
{
	for (size_t i = 0; i < 4; i++)
		out[i] = (char)('0' + nibble_at(bcd, i));
	out[4] = '\0';
}

/* Take the PAN into out->pan: from 5A, else from 57. When the card has
 * both, they must be the same number (the stripe parser rejects tracks
 * that disagree in the same way). */
static int take_pan(const struct found *f, const char *track2_pan,
		    struct card_data *out)
{
	int rc;

	if (f->pan_len == 0) {
		if (f->track2_len == 0)
			return CARD_ENOPAN;
		memcpy(out->pan, track2_pan, CARD_PAN_SIZE);
		return CARD_OK;
	}
	rc = decode_pan(f->pan, f->pan_len, out->pan);
	if (rc < 0)
		return rc;
	if (f->track2_len > 0 && strcmp(out->pan, track2_pan) != 0)
		return CARD_EDATA;
	return CARD_OK;
}

/* Take the expiry into out->expiry: from 5F24, else from 57, and check
 * it. When the card has both, their YYMM must agree. */
static int take_expiry(const struct found *f, const char *track2_expiry,
		       struct card_data *out)
{
	if (!f->has_expiry) {
		memcpy(out->expiry, track2_expiry, sizeof(out->expiry));
		if (out->expiry[0] != '\0' && !expiry_ok(out->expiry))
			return CARD_EDATA;
		return CARD_OK;
	}
	expiry_from_5f24(f->expiry, out->expiry);
	if (!expiry_ok(out->expiry) || !expiry_day_ok(f->expiry[2]))
		return CARD_EDATA;
	if (f->track2_len > 0 && strcmp(out->expiry, track2_expiry) != 0)
		return CARD_EDATA;
	return CARD_OK;
}

/* Fill out from the collected data: the PAN and expiry, checked against
 * each other where 5A, 5F24 and 57 overlap, the name formatted like a
 * swipe's, and the label. */
static int fill_card_data(const struct found *f, const struct emv_app *app,
			  struct card_data *out)
{
	char track2_pan[CARD_PAN_SIZE] = "";
	char track2_expiry[5] = "";
	size_t digits;
	int rc;

	if (f->track2_len > 0) {
		rc = decode_track2(f->track2, f->track2_len, track2_pan,
				   track2_expiry);
		if (rc < 0)
			goto out;
	}
	rc = take_pan(f, track2_pan, out);
	if (rc < 0)
		goto out;

	/* ISO/IEC 7812-1: 12 to 19 digits, the last a Luhn check digit. */
	digits = strlen(out->pan);
	rc = CARD_EDATA;
	if (digits < 12 || digits > 19)
		goto out;
	rc = CARD_ELUHN;
	if (!card_luhn_ok(out->pan))
		goto out;
	rc = take_expiry(f, track2_expiry, out);
	if (rc < 0)
		goto out;

	card_format_name(f->name, strlen(f->name), out->name,
			 sizeof(out->name));
	memcpy(out->label, f->label[0] != '\0' ? f->label : app->label,
	       sizeof(out->label));
	out->label[sizeof(out->label) - 1] = '\0';
	rc = CARD_OK;
out:
	mbedtls_platform_zeroize(track2_pan, sizeof(track2_pan));
	mbedtls_platform_zeroize(track2_expiry, sizeof(track2_expiry));
	return rc;
}

int emv_read_app(const struct card_channel *channel,
		 const struct emv_app *app, struct card_data *out)
{
	struct reader *r;
	uint8_t gpo_data[3 + EMV_PDOL_DATA_MAX];
	size_t gpo_len = 0;
	int rc;

	if (channel == NULL || app == NULL || out == NULL ||
	    app->aid_len < 5 || app->aid_len > 16)
		return CARD_EINVAL;
	card_data_clear(out);
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return CARD_ENOMEM;
	r->channel = channel;

	rc = select_app(r, app, gpo_data, &gpo_len);
	if (rc < 0)
		goto out;
	rc = get_processing_options(r, gpo_data, gpo_len);
	if (rc < 0)
		goto out;
	rc = read_records(r);
	if (rc < 0)
		goto out;
	out->source = channel->contactless ? CARD_SOURCE_CONTACTLESS :
					     CARD_SOURCE_CHIP;
	rc = fill_card_data(&r->found, app, out);
out:
	if (rc < 0)
		card_data_clear(out);
	mbedtls_platform_zeroize(gpo_data, sizeof(gpo_data));
	mbedtls_platform_zeroize(r, sizeof(*r));
	free(r);
	return rc;
}
