/* The card layer's messages, and the rules every reader shares: PAN
 * masking, the Luhn check, wiping card data from memory and the
 * cardholder name's format. */
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
		return "This reader cannot read this card. Swipe it, or type "
		       "the customer's wallet account number.";
	case CARD_EREADER:
		return "The card reader reported a fault. Remove the card; "
		       "if the fault stays, unplug the reader and plug it in "
		       "again.";
	case CARD_ENODEV:
		return "The card reader was unplugged.";
	case CARD_ESTATUS:
		return "The card refused the request. Swipe it, or type the "
		       "customer's wallet account number.";
	case CARD_ENOAPP:
		return "No payment application on this card. Swipe it, or "
		       "type the customer's wallet account number.";
	case CARD_EDATA:
		return "The card's data is damaged. Swipe it, or type the "
		       "customer's wallet account number.";
	case CARD_ECANCELLED:
		return "Card reading cancelled.";
	case CARD_ETIMEOUT:
		return "No card was presented in time.";
	case CARD_ENOPAN:
		return "No card number could be read. Try again, or type the "
		       "customer's wallet account number.";
	case CARD_ELUHN:
		return "The card number read is not valid. Try again, or type "
		       "the customer's wallet account number.";
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
	case CARD_ENOCHOICE:
		return "No application was chosen in time. Present the card "
		       "again.";
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

/* Whether text is min_digits to 19 digits that pass the Luhn check. */
static bool is_pan_of(const char *text, size_t min_digits)
{
	size_t length;

	if (text == NULL)
		return false;
	length = strnlen(text, CARD_PAN_SIZE);
	return length >= min_digits && length < CARD_PAN_SIZE &&
	       strspn(text, "0123456789") == length && card_luhn_ok(text);
}

bool card_pan_valid(const char *pan)
{
	return is_pan_of(pan, 12);
}

bool card_pan_typed(const char *text)
{
	return is_pan_of(text, 13);
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

/* Append the words of part to out, one space between words, so runs of
 * spaces collapse and none leads or trails. */
static void append_words(char *out, size_t size, const char *part,
			 size_t len)
{
	size_t used = strlen(out);
	bool gap = used > 0;

	for (size_t i = 0; i < len; i++) {
		if (part[i] == ' ') {
			gap = used > 0;
			continue;
		}
		if (gap && used + 1 < size)
			out[used++] = ' ';
		gap = false;
		if (used + 1 < size)
			out[used++] = part[i];
	}
	out[used] = '\0';
}

void card_format_name(const char *raw, size_t len, char *out, size_t size)
{
	const char *end = raw + len;
	const char *slash = memchr(raw, '/', len);
	const char *first_names;
	const char *dot;

	if (size == 0)
		return;
	out[0] = '\0';
	if (slash == NULL) {
		append_words(out, size, raw, len);
		return;
	}

	first_names = slash + 1;
	dot = memchr(first_names, '.', (size_t)(end - first_names));
	if (dot != NULL) {
		/* The title goes first. */
		append_words(out, size, dot + 1, (size_t)(end - dot - 1));
		end = dot;
	}
	append_words(out, size, first_names, (size_t)(end - first_names));
	append_words(out, size, raw, (size_t)(slash - raw));
}
