/* The card layer's messages, and the PAN rules every reader shares:
 * masking, the Luhn check and wiping card data from memory. */
#include "card.h"

#include <mbedtls/platform_util.h>
#include <string.h>

const char *card_strerror(int error)
{
	switch (error) {
	case CARD_OK:
		return "The card was read.";
	case CARD_ENOCARD:
		return "No card in the reader. Insert, tap or swipe the card.";
	case CARD_EREMOVED:
		return "The card was removed before it was read. Insert it "
		       "again.";
	case CARD_EMUTE:
		return "The card does not answer. Check it is inserted chip "
		       "first, or swipe it.";
	case CARD_EPROTO:
		return "The reader or card sent a reply that makes no sense. "
		       "Try again.";
	case CARD_EUNSUPPORTED:
		return "This reader cannot read this card. Swipe it or type "
		       "the number.";
	case CARD_EREADER:
		return "The card reader reported a fault. Unplug it and plug "
		       "it in again.";
	case CARD_ENODEV:
		return "The card reader was unplugged.";
	case CARD_ESTATUS:
		return "The card refused the request. Swipe it or type the "
		       "number.";
	case CARD_ENOAPP:
		return "No payment application on this card. Swipe it or "
		       "type the number.";
	case CARD_EDATA:
		return "The card's data is damaged. Swipe it or type the "
		       "number.";
	case CARD_ECANCELLED:
		return "Card reading cancelled.";
	case CARD_ETIMEOUT:
		return "No card was presented in time.";
	case CARD_ENOPAN:
		return "No card number could be read. Try again or type it.";
	case CARD_ELUHN:
		return "The card number read is not valid. Try again or type "
		       "it.";
	case CARD_ELAYOUT:
		return "The swipe was garbled by the keyboard layout. Set the "
		       "reader or the keyboard to the US layout.";
	case CARD_ENOREADER:
		return "No card reader is connected.";
	case CARD_EACCESS:
		return "No permission to open the card reader. Install the "
		       "udev rule (make install).";
	case CARD_EBUSY:
		return "Another program is using the card reader.";
	case CARD_ENOMEM:
		return "Out of memory while reading the card.";
	case CARD_EINVAL:
		return "Card reading was asked for wrongly.";
	default:
		return "Unknown card reader error.";
	}
}

void card_data_clear(struct card_data *data)
{
	mbedtls_platform_zeroize(data, sizeof(*data));
}

char *card_mask_pan(const char *pan, char *out, size_t size)
{
	size_t len = strnlen(pan, CARD_PAN_SIZE - 1);

	if (size == 0)
		return out;
	if (len >= size)
		len = size - 1;
	for (size_t i = 0; i < len; i++) {
		bool shown = len >= 13 && (i < 6 || i >= len - 4);

		out[i] = shown ? pan[i] : '*';
	}
	out[len] = '\0';
	return out;
}

bool card_luhn_ok(const char *pan)
{
	size_t len = strlen(pan);
	unsigned sum = 0;

	if (len == 0)
		return false;
	/* From the right, every second digit is doubled, and a two-digit
	 * result counts as the sum of its digits. */
	for (size_t i = 0; i < len; i++) {
		char c = pan[len - 1 - i];
		unsigned digit;

		if (c < '0' || c > '9')
			return false;
		digit = (unsigned)(c - '0');
		if (i % 2 == 1) {
			digit *= 2;
			if (digit > 9)
				digit -= 9;
		}
		sum += digit;
	}
	return sum % 10 == 0;
}
