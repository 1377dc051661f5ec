/* Validators for the customer fields an agent types at registration:
 * phone number, date of birth, name, email, ID document and address. */
#ifndef SPOTAGENT_VALIDATE_H
#define SPOTAGENT_VALIDATE_H

#include <stddef.h>
#include <time.h>

enum validate_error {
	VALIDATE_OK = 0,
	VALIDATE_EINVALID = -1, /* the text, or an argument, is invalid */
};

/* Output buffer sizes, each including the terminating NUL. */
#define VALIDATE_PHONE_SIZE 17   /* '+' and at most 15 digits (E.164) */
#define VALIDATE_DATE_SIZE 11    /* YYYY-MM-DD */
#define VALIDATE_ID_SIZE 21      /* at most 20 characters */
#define VALIDATE_MESSAGE_SIZE 96 /* fits every message of this module */

/* Common contract of the validators below:
 * - text is what the agent typed, in UTF-8. Leading and trailing ASCII
 *   spaces are ignored. The validators without an output buffer check the
 *   trimmed text, so the caller stores it trimmed.
 * - Each returns VALIDATE_OK, or VALIDATE_EINVALID with a one-line message
 *   for the agent (what is wrong and what is expected) in message. The
 *   message is truncated to message_size and is the empty string on
 *   success. message may be NULL when message_size is 0.
 * - An output buffer is written only on success. On failure it contains
 *   the empty string when its size is above 0.
 * - A NULL text, a NULL or too small output buffer, or another invalid
 *   argument is VALIDATE_EINVALID with a message that names the problem.
 * - The messages never quote the typed text, so nothing the agent typed
 *   (control characters included) reaches a screen through them. */

/* Check a phone number and normalise it to E.164 ("+233241234567") in out.
 * Accepted forms: "+<country code><number>", "00<country code><number>",
 * and a national number ("0241234567" or "241234567") that gets
 * default_country_code ("233": 1 to 3 digits, first not 0) after one
 * leading trunk 0 is dropped. Spaces, hyphens and dots may separate
 * digits, and one pair of parentheses may enclose digits, but "(0)" is
 * rejected because it hides a trunk prefix. The result has 8 to 15 digits
 * after '+' (ITU-T E.164 allows at most 15) and a country code that does
 * not start with 0. default_country_code may be NULL when only
 * international forms are allowed. out_size is at least
 * VALIDATE_PHONE_SIZE.
 * NOTE: per-country numbering plans (valid country codes, lengths, mobile
 * prefixes, a trunk 0 typed after the country code) are not checked. */
int validate_phone(const char *text, const char *default_country_code,
		   char *out, size_t out_size, char *message,
		   size_t message_size);

/* Check a date of birth typed as YYYY-MM-DD or DD/MM/YYYY (day and month
 * in the second form may have one digit) and write it as YYYY-MM-DD in
 * out_iso. The date must exist in the Gregorian calendar, be no earlier
 * than 1900-01-01 and no later than today, and give an age of at least
 * minimum_age_years (0 or more) on today's date. Someone born on
 * 29 February reaches each new age on 1 March in years that are not leap
 * years. today is a broken-down local date (tm_year, tm_mon, tm_mday as
 * from localtime_r); other fields are ignored. out_size is at least
 * VALIDATE_DATE_SIZE. */
int validate_date_of_birth(const char *text, const struct tm *today,
			   int minimum_age_years, char *out_iso,
			   size_t out_size, char *message,
			   size_t message_size);

/* Check a person's name: valid UTF-8 of 1 to max_chars characters. A
 * character is a Unicode code point, so a letter with a separate combining
 * accent counts as two. A name contains letters of any script, combining
 * marks after a letter, and the separators space, hyphen, period,
 * apostrophe (U+0027) and right single quotation mark (U+2019). Two
 * separators in a row are rejected, except a period followed by one space
 * ("J. Mensah"). A name does not start with a hyphen, period or combining
 * mark and does not end with a hyphen.
 * Letters are recognised without the process locale: a code point is a
 * letter unless it falls in a list of known non-letter ranges. The list
 * covers controls, ASCII and Latin-1 punctuation and symbols, the decimal
 * digits of every BMP script, general punctuation, symbol and emoji
 * blocks, private use and specials.
 * NOTE: the list is not the full Unicode category table, so an unassigned
 * code point or a rare script's punctuation passes. The zero width
 * non-joiner and joiner (U+200C, U+200D) are rejected, which rules out a
 * few Persian and Indic spellings. */
int validate_person_name(const char *text, size_t max_chars, char *message,
			 size_t message_size);

/* Check an optional email address; the empty string (after trimming) is
 * valid. Otherwise it is local@domain with exactly one '@': a local part
 * of 1 to 64 RFC 5322 dot-atom characters (letters, digits and
 * !#$%&'*+-/=?^_`{|}~, with dots only between them), a domain of 1 to
 * 253 characters in at least two dot-separated labels of 1 to 63
 * letters, digits and hyphens that neither start nor end with a hyphen,
 * and at most 254 characters in all.
 * NOTE: quoted local parts, domain literals ("[192.0.2.1]") and
 * internationalised addresses (non-ASCII, RFC 6531) are rejected. */
int validate_email(const char *text, char *message, size_t message_size);

/* Check an ID document number and write it in upper case to out, which
 * has at least VALIDATE_ID_SIZE bytes. type is one of "national_id",
 * "passport", "voter_id" and "drivers_licence". The number has 5 to 20
 * characters of A-Z, 0-9 and '-' after ASCII letters are upper-cased, and
 * no hyphen at either end or twice in a row. A national_id that starts
 * with "GHA-" must be a Ghana Card number: "GHA-" then 9 digits, '-' and
 * 1 digit.
 * NOTE: the last digit of a Ghana Card number is not verified as a check
 * digit. */
int validate_id_number(const char *type, const char *text, char *out,
		       size_t out_size, char *message, size_t message_size);

/* Check an address: valid UTF-8 of 1 to max_chars characters (Unicode code
 * points) without control characters (C0, DEL, C1), line or paragraph
 * separators (U+2028, U+2029), or invisible format characters (U+200B to
 * U+200F, U+202A to U+202E, U+2060 to U+206F, U+FEFF). */
int validate_address(const char *text, size_t max_chars, char *message,
		     size_t message_size);

/* Return a static one-line message for a validate_error. */
const char *validate_strerror(int error);

#endif
