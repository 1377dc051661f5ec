/* Fuzz target for EMV reading (drivers/emv.c, emv_read.c, emv_pdol.c)
 * and the command layer under it (drivers/iso7816.c). The input is a
 * card: its first byte sets the channel, the rest is the card's replies
 * in the order the commands go out. emv_list_apps and emv_read_app then
 * run against it as they run against a real card.
 *
 * Input format:
 *   byte 0     bit 0: 1 for CARD_TRANSPORT_TPDU_T0, 0 for APDU
 *              bit 1: 1 for a contactless channel
 *   then       replies, each a 2-byte big-endian length and that many
 *              bytes (data and status word); length 0 makes the
 *              exchange fail with CARD_EPROTO, as a reader does for a
 *              garbled frame. Past the last reply the card is removed. */
#include <stdbool.h>
#include <string.h>

#include "../../drivers/emv.h"
#include "fuzz.h"

/* Replies the input still holds. */
struct replies {
	const uint8_t *data;
	size_t size;
	size_t offset;
	unsigned exchanges;
};

static int exchange_reply(void *data, const uint8_t *command, size_t len,
			  uint8_t *reply, size_t size, size_t *got)
{
	struct replies *r = data;
	size_t length;

	fuzz_check(command != NULL && len >= 4,
		   "command shorter than CLA INS P1 P2");
	fuzz_check(len <= 5 + 255 + 1, "command longer than a short APDU");
	r->exchanges++;
	if (r->size - r->offset < 2)
		return CARD_EREMOVED;
	length = (size_t)r->data[r->offset] << 8 | r->data[r->offset + 1];
	r->offset += 2;
	if (length == 0)
		return CARD_EPROTO;
	if (length > r->size - r->offset)
		length = r->size - r->offset;
	r->offset += length;
	if (length > size)
		return CARD_EPROTO;
	memcpy(reply, r->data + r->offset - length, length);
	*got = length;
	return CARD_OK;
}

static bool is_card_error(int rc)
{
	return rc <= CARD_ENOCARD && rc >= CARD_EINVAL;
}

static bool is_printable(const char *text, size_t size)
{
	size_t len = strnlen(text, size);

	if (len == size)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < 0x20 || text[i] > 0x7E)
			return false;
	}
	return true;
}

static void check_apps(const struct emv_app *apps, int count)
{
	for (int i = 0; i < count; i++) {
		fuzz_check(apps[i].aid_len >= 5 && apps[i].aid_len <= 16,
			   "listed AID of impossible length");
		fuzz_check(is_printable(apps[i].label, sizeof(apps[i].label)),
			   "listed label not printable text");
		fuzz_check(apps[i].priority <= 15, "priority over 15");
	}
}

static void check_data(const struct card_data *data, int rc)
{
	size_t digits = strnlen(data->pan, sizeof(data->pan));

	if (rc != CARD_OK) {
		fuzz_check(is_card_error(rc), "read error not a card_error");
		fuzz_check(digits == 0, "PAN left after a failed read");
		return;
	}
	fuzz_check(digits >= 12 && digits <= 19, "PAN of impossible length");
	fuzz_check(card_luhn_ok(data->pan), "PAN fails the Luhn check");
	fuzz_check(strlen(data->expiry) == 0 || strlen(data->expiry) == 4,
		   "expiry not YYMM");
	fuzz_check(is_printable(data->name, sizeof(data->name)),
		   "name not printable text");
	fuzz_check(data->name[0] != ' ', "name starts with a space");
	fuzz_check(is_printable(data->label, sizeof(data->label)),
		   "label not printable text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Visa, read when the card lists nothing, so that every input
	 * reaches emv_read_app. */
	static const struct emv_app fallback = {
		.aid = {0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10},
		.aid_len = 7,
	};
	struct replies replies = {.data = data, .size = size};
	struct emv_app apps[EMV_APPS_MAX];
	struct card_channel channel;
	struct card_data card;
	int count;
	int rc;

	if (size == 0)
		return 0;
	channel.transport = (data[0] & 1) != 0 ? CARD_TRANSPORT_TPDU_T0 :
						 CARD_TRANSPORT_APDU;
	channel.contactless = (data[0] & 2) != 0;
	channel.exchange = exchange_reply;
	channel.data = &replies;
	replies.offset = 1;

	count = emv_list_apps(&channel, apps, EMV_APPS_MAX);
	fuzz_check(count <= EMV_APPS_MAX, "more applications than room");
	fuzz_check(count != 0, "empty list reported as success");
	if (count > 0)
		check_apps(apps, count);
	else
		fuzz_check(is_card_error(count), "list error not a card_error");

	rc = emv_read_app(&channel, count > 0 ? &apps[0] : &fallback, &card);
	check_data(&card, rc);
	card_data_clear(&card);
	return 0;
}
