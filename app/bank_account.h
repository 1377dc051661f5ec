/* Bank account numbers checked by their scheme's check digits: Nigerian
 * NUBAN (10 digits, weighted mod 10) and IBAN (ISO 13616, mod 97). */
#ifndef SPOTAGENT_BANK_ACCOUNT_H
#define SPOTAGENT_BANK_ACCOUNT_H

#include <stddef.h>

enum bank_account_error {
	BANK_ACCOUNT_OK = 0,
	BANK_ACCOUNT_EINVAL = -1,         /* NULL argument */
	BANK_ACCOUNT_ESPACE = -2,         /* output buffer too small */
	BANK_ACCOUNT_EEMPTY = -3,         /* nothing but spaces was typed */
	BANK_ACCOUNT_ETOO_LONG = -4,      /* text above the input limit */
	BANK_ACCOUNT_ENUBAN_LENGTH = -5,  /* NUBAN is not 10 digits long */
	BANK_ACCOUNT_ENUBAN_DIGITS = -6,  /* NUBAN has a non-digit */
	BANK_ACCOUNT_ENUBAN_CHECK = -7,   /* NUBAN check digit is wrong */
	BANK_ACCOUNT_EBANK_CODE = -8,     /* CBN institution code invalid */
	BANK_ACCOUNT_EIBAN_CHARACTER = -9, /* not A-Z or 0-9 where needed */
	BANK_ACCOUNT_EIBAN_COUNTRY = -10, /* IBAN country not in the table */
	BANK_ACCOUNT_EIBAN_LENGTH = -11,  /* wrong length for the country */
	BANK_ACCOUNT_EIBAN_CHECK = -12,   /* IBAN check digits are wrong */
};

/* Output buffer sizes, each including the terminating NUL. */
#define BANK_ACCOUNT_NUBAN_SIZE 11 /* 10 digits */
#define BANK_ACCOUNT_IBAN_SIZE 35  /* ISO 13616 allows 34 characters */

/* Check a Nigerian NUBAN account number against the CBN code of the
 * account's institution, and write the 10 digits to out.
 * text is what the agent typed. ASCII spaces anywhere in it are ignored,
 * so "012 345 6789" is accepted. bank_code is the CBN institution code
 * as digits only: 3 digits for a deposit money bank ("058"), 5 digits
 * for another financial institution such as a microfinance bank
 * ("50547"), or the 6-digit form of either ("000058", "950547").
 * out_size is at least BANK_ACCOUNT_NUBAN_SIZE.
 * Returns BANK_ACCOUNT_OK, or a negative bank_account_error:
 * EINVAL for a NULL argument, ESPACE for a NULL or small out,
 * EBANK_CODE for a bank code of another form, EEMPTY, ETOO_LONG,
 * ENUBAN_DIGITS, ENUBAN_LENGTH or ENUBAN_CHECK for the account number.
 * out is written only on success and contains the empty string after a
 * failure when out_size is above 0.
 * NOTE: a valid check digit does not prove that the account exists, and
 * the same 10 digits pass for about one bank code in ten, so only the
 * name enquiry confirms the account. */
int bank_account_check_nuban(const char *text, const char *bank_code,
			     char *out, size_t out_size);

/* Check an IBAN and write its electronic format (upper case, no spaces,
 * as "GB82WEST12345698765432") to out.
 * text is what the agent typed: ASCII spaces anywhere are ignored and
 * lower-case letters are accepted, so the print format "gb82 west 1234
 * 5698 7654 32" is too. The country must be in this module's table of
 * destination countries (European and African IBAN countries, listed in
 * bank_account.c) and the length must be the one that country uses. The
 * check digits must be 02 to 98 and the whole IBAN must pass the
 * ISO 7064 mod 97-10 check. out_size is at least BANK_ACCOUNT_IBAN_SIZE.
 * Returns BANK_ACCOUNT_OK, or a negative bank_account_error:
 * EINVAL for a NULL text, ESPACE for a NULL or small out, EEMPTY,
 * ETOO_LONG, EIBAN_CHARACTER, EIBAN_COUNTRY, EIBAN_LENGTH or
 * EIBAN_CHECK. out is written only on success and contains the empty
 * string after a failure when out_size is above 0.
 * NOTE: the national check digits inside the BBAN (French RIB key,
 * Spanish and Italian control characters ...) are not verified. */
int bank_account_check_iban(const char *text, char *out, size_t out_size);

/* Return the IBAN length of a country ("DE" returns 22), or 0 when the
 * upper-case ISO 3166 alpha-2 code is not in the table or is NULL. */
int bank_account_iban_length(const char *country);

/* Return a static one-line message for the agent that names what to
 * check, for a bank_account_error. */
const char *bank_account_strerror(int error);

#endif
