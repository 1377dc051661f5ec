/* Bank account number checks: NUBAN weighted mod 10 check digit and the
 * ISO 13616 IBAN mod 97 check with per-country lengths. */
#include "bank_account.h"

#include <stdbool.h>
#include <string.h>

/* Maximum text examined, in bytes. The IBAN print format of 34
 * characters with a space every 4 is 42 bytes, so 128 leaves room for
 * stray spaces and longer text is rejected unread. */
#define TEXT_BYTES_MAX 128

#define NUBAN_DIGITS 10
#define NUBAN_SERIAL_DIGITS 9
#define NUBAN_INSTITUTION_DIGITS 6

/* IBAN length per country, sorted by code: the European countries that
 * transfers go to and the African countries with an IBAN format. Every
 * length is at most 34, so the IBAN fits BANK_ACCOUNT_IBAN_SIZE. */
struct iban_country {
	char code[3];
	int length;
};

static const struct iban_country iban_countries[] = {
	{"AT", 20}, {"BE", 16}, {"BI", 27}, {"CH", 21}, {"DE", 22},
	{"DJ", 27}, {"EG", 29}, {"ES", 24}, {"FR", 27}, {"GB", 22},
	{"IE", 22}, {"IT", 27}, {"LU", 20}, {"LY", 25},
	/* NOTE: Morocco is not in the ISO 13616 registry. Its length of 28
	 * is the one IBAN libraries list for its experimental format, and
	 * no registry entry confirms it. */
	{"MA", 28},
	{"MR", 27}, {"MU", 30}, {"NL", 18}, {"PT", 25}, {"SC", 31},
	{"SD", 18}, {"SO", 23}, {"ST", 25}, {"TN", 24},
};

static void clear_output(char *out, size_t out_size)
{
	if (out != NULL && out_size > 0)
		out[0] = '\0';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Copy text to buf without its ASCII spaces, upper-casing ASCII letters
 * when upper is true. buf has TEXT_BYTES_MAX + 1 bytes. Returns
 * BANK_ACCOUNT_OK and sets *length, or ETOO_LONG or EEMPTY. */
static int compact_text(const char *text, bool upper, char *buf,
			size_t *length)
{
	size_t text_length = strnlen(text, TEXT_BYTES_MAX + 1);
	size_t used = 0;

	if (text_length > TEXT_BYTES_MAX)
		return BANK_ACCOUNT_ETOO_LONG;

	for (size_t i = 0; i < text_length; i++) {
		char c = text[i];

		if (c == ' ')
			continue;
		if (upper && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		buf[used++] = c;
	}
	buf[used] = '\0';

	if (used == 0)
		return BANK_ACCOUNT_EEMPTY;
	*length = used;
	return BANK_ACCOUNT_OK;
}

/* Expand a CBN institution code to the 6 digits that the check digit
 * covers. The CBN's revised NUBAN standard (2020) puts 3 zeros before
 * a 3-digit deposit money bank code ("058" gives "000058") and a '9'
 * before a 5-digit code of another financial institution ("50547"
 * gives "950547"). A 6-digit code must already have one of those two
 * forms. Returns false for any other code. */
static bool expand_institution_code(const char *bank_code,
				    char institution[NUBAN_INSTITUTION_DIGITS])
{
	size_t length = strnlen(bank_code, NUBAN_INSTITUTION_DIGITS + 1);
	const char *prefix;

	for (size_t i = 0; i < length; i++) {
		if (!is_digit(bank_code[i]))
			return false;
	}

	if (length == 3)
		prefix = "000";
	else if (length == 5)
		prefix = "9";
	else if (length == 6 && (bank_code[0] == '9' ||
				 strncmp(bank_code, "000", 3) == 0))
		prefix = "";
	else
		return false;

	memcpy(institution, prefix, strlen(prefix));
	memcpy(institution + strlen(prefix), bank_code, length);
	return true;
}

/* Compute the NUBAN check digit of the 15 digits formed by the 6-digit
 * institution code and the 9-digit serial number. The digits are
 * weighted 3, 7, 3 repeated from the left, and the check digit is
 * (10 - sum mod 10) mod 10. With a 3-digit bank code the 3 leading zeros
 * add nothing, which leaves the original 2010 rule: weights
 * 3,7,3,3,7,3,3,7,3,3,7,3 over the bank code and the serial number. */
static int compute_nuban_check_digit(
	const char institution[NUBAN_INSTITUTION_DIGITS], const char *serial)
{
	static const int weights[3] = {3, 7, 3};
	int sum = 0;
	int position = 0;

	for (int i = 0; i < NUBAN_INSTITUTION_DIGITS; i++, position++)
		sum += (institution[i] - '0') * weights[position % 3];
	for (int i = 0; i < NUBAN_SERIAL_DIGITS; i++, position++)
		sum += (serial[i] - '0') * weights[position % 3];

	return (10 - sum % 10) % 10;
}

int bank_account_check_nuban(const char *text, const char *bank_code,
			     char *out, size_t out_size)
{
	char digits[TEXT_BYTES_MAX + 1];
	char institution[NUBAN_INSTITUTION_DIGITS];
	size_t length = 0;
	int rc;

	clear_output(out, out_size);
	if (text == NULL || bank_code == NULL)
		return BANK_ACCOUNT_EINVAL;
	if (out == NULL || out_size < BANK_ACCOUNT_NUBAN_SIZE)
		return BANK_ACCOUNT_ESPACE;
	if (!expand_institution_code(bank_code, institution))
		return BANK_ACCOUNT_EBANK_CODE;

	rc = compact_text(text, false, digits, &length);
	if (rc != BANK_ACCOUNT_OK)
		return rc;

	/* Characters first, so "12345abcde" is reported as letters, not as
	 * a length that happens to be right. */
	for (size_t i = 0; i < length; i++) {
		if (!is_digit(digits[i]))
			return BANK_ACCOUNT_ENUBAN_DIGITS;
	}
	if (length != NUBAN_DIGITS)
		return BANK_ACCOUNT_ENUBAN_LENGTH;

	if (compute_nuban_check_digit(institution, digits) !=
	    digits[NUBAN_SERIAL_DIGITS] - '0')
		return BANK_ACCOUNT_ENUBAN_CHECK;

	memcpy(out, digits, NUBAN_DIGITS + 1);
	return BANK_ACCOUNT_OK;
}

int bank_account_iban_length(const char *country)
{
	if (country == NULL)
		return 0;

	for (size_t i = 0;
	     i < sizeof(iban_countries) / sizeof(iban_countries[0]); i++) {
		if (strcmp(iban_countries[i].code, country) == 0)
			return iban_countries[i].length;
	}
	return 0;
}

/* Compute the ISO 7064 mod 97-10 remainder of an IBAN in electronic
 * format. The first four characters move to the end, each letter
 * becomes two digits (A = 10 ... Z = 35), and the remainder of that
 * decimal number divided by 97 is built one digit or letter at a time,
 * so no value exceeds 96 * 100 + 35. */
static unsigned int compute_iban_remainder(const char *iban, size_t length)
{
	unsigned int remainder = 0;

	for (size_t n = 0; n < length; n++) {
		char c = iban[(n + 4) % length];

		unsigned int value;

		if (is_digit(c)) {
			value = (unsigned int)(c - '0');
			remainder = (remainder * 10 + value) % 97;
		} else {
			value = (unsigned int)(c - 'A' + 10);
			remainder = (remainder * 100 + value) % 97;
		}
	}
	return remainder;
}

int bank_account_check_iban(const char *text, char *out, size_t out_size)
{
	char iban[TEXT_BYTES_MAX + 1];
	char country[3];
	size_t length = 0;
	int check_digits;
	int rc;

	clear_output(out, out_size);
	if (text == NULL)
		return BANK_ACCOUNT_EINVAL;
	if (out == NULL || out_size < BANK_ACCOUNT_IBAN_SIZE)
		return BANK_ACCOUNT_ESPACE;

	rc = compact_text(text, true, iban, &length);
	if (rc != BANK_ACCOUNT_OK)
		return rc;

	for (size_t i = 0; i < length; i++) {
		if (!is_digit(iban[i]) && !is_upper(iban[i]))
			return BANK_ACCOUNT_EIBAN_CHARACTER;
	}

	/* Country code: two letters that are in the table. */
	if (length < 2 || !is_upper(iban[0]) || !is_upper(iban[1]))
		return BANK_ACCOUNT_EIBAN_COUNTRY;
	memcpy(country, iban, 2);
	country[2] = '\0';
	if (bank_account_iban_length(country) == 0)
		return BANK_ACCOUNT_EIBAN_COUNTRY;
	if ((int)length != bank_account_iban_length(country))
		return BANK_ACCOUNT_EIBAN_LENGTH;

	/* Check digits: two digits from 02 to 98, since 98 minus a remainder
	 * of 0 to 96 never gives 00, 01 or 99. */
	if (!is_digit(iban[2]) || !is_digit(iban[3]))
		return BANK_ACCOUNT_EIBAN_CHARACTER;
	check_digits = (iban[2] - '0') * 10 + (iban[3] - '0');
	if (check_digits < 2 || check_digits > 98)
		return BANK_ACCOUNT_EIBAN_CHECK;

	if (compute_iban_remainder(iban, length) != 1)
		return BANK_ACCOUNT_EIBAN_CHECK;

	memcpy(out, iban, length + 1);
	return BANK_ACCOUNT_OK;
}

const char *bank_account_strerror(int error)
{
	switch (error) {
	case BANK_ACCOUNT_OK:
		return "Success";
	case BANK_ACCOUNT_EINVAL:
		return "Account number or bank code is missing";
	case BANK_ACCOUNT_ESPACE:
		return "Output buffer is too small for the account number";
	case BANK_ACCOUNT_EEMPTY:
		return "Account number is empty: type the account number";
	case BANK_ACCOUNT_ETOO_LONG:
		return "Account number is too long: check what was typed";
	case BANK_ACCOUNT_ENUBAN_LENGTH:
		return "NUBAN must have exactly 10 digits: check for a "
		       "missing or extra digit";
	case BANK_ACCOUNT_ENUBAN_DIGITS:
		return "NUBAN must contain digits only: remove letters and "
		       "symbols";
	case BANK_ACCOUNT_ENUBAN_CHECK:
		return "NUBAN check digit is wrong: check each digit and the "
		       "bank chosen";
	case BANK_ACCOUNT_EBANK_CODE:
		return "Bank code is invalid: choose the bank from the list "
		       "again";
	case BANK_ACCOUNT_EIBAN_CHARACTER:
		return "IBAN must contain letters and digits only, with "
		       "digits in places 3 and 4";
	case BANK_ACCOUNT_EIBAN_COUNTRY:
		return "IBAN country is unknown or not served: check the "
		       "first two letters";
	case BANK_ACCOUNT_EIBAN_LENGTH:
		return "IBAN length is wrong for its country: check for a "
		       "missing or extra character";
	case BANK_ACCOUNT_EIBAN_CHECK:
		return "IBAN check digits are wrong: check each character "
		       "and the order";
	default:
		return "Unknown bank account error";
	}
}
