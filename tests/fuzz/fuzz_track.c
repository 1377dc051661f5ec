/* Fuzz target for magnetic stripe parsing (drivers/magstripe.c): any
 * typed text is either rejected or gives a card number that is all
 * digits and passes the Luhn check, and scanning never fails. */
#include <string.h>

#include "../../drivers/magstripe.h"
#include "fuzz.h"

static void check_text(const char *text, size_t size, const char *message)
{
	fuzz_check(memchr(text, '\0', size) != NULL, message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct card_data card;
	char layout[32];
	enum magstripe_scan scan = magstripe_scan(text, size);
	int rc = magstripe_parse(text, size, &card);

	fuzz_check(scan == MAGSTRIPE_NOT_SWIPE || scan == MAGSTRIPE_PARTIAL ||
			   scan == MAGSTRIPE_COMPLETE,
		   "scan gave no known class");
	if (magstripe_layout_hint(text, size, layout, sizeof(layout)))
		check_text(layout, sizeof(layout), "layout name not ended");
	if (rc != CARD_OK) {
		fuzz_check(rc < 0, "parse failed with a positive code");
		fuzz_check(card.pan[0] == '\0', "PAN left after a failure");
		return 0;
	}
	check_text(card.pan, sizeof(card.pan), "PAN not ended");
	check_text(card.name, sizeof(card.name), "name not ended");
	check_text(card.expiry, sizeof(card.expiry), "expiry not ended");
	check_text(card.missing, sizeof(card.missing), "missing not ended");
	fuzz_check(card.source == CARD_SOURCE_STRIPE, "source not stripe");
	fuzz_check(card_luhn_ok(card.pan), "PAN fails the Luhn check");
	fuzz_check(strlen(card.pan) >= 12, "PAN under 12 digits");
	card_data_clear(&card);
	return 0;
}
