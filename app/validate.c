/* Validators for customer fields typed by an agent. Each returns a one-line
 * message for the agent and, where one exists, a normalised form. */
#include "validate.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../drivers/utf8.h"

/* Maximum text length examined, in bytes. Longer text is rejected
 * unread. The limit is far above every field limit, so it never decides a
 * real case. */
#define TEXT_BYTES_MAX 4096

/* ITU-T Recommendation E.164 ("The international public telecommunication
 * numbering plan") allows at most 15 digits, country code included.
 * NOTE: E.164 sets no minimum. The minimum of 8 is this product's guard
 * against truncated numbers and rejects a few short numbering plans. */
#define PHONE_DIGITS_MIN 8
#define PHONE_DIGITS_MAX 15

/* Digits collected while scanning, enough for "00" and a country code in
 * front of a too long number, so the message can state the count. */
#define PHONE_SCAN_MAX 24

#define DOB_YEAR_MIN 1900

#define EMAIL_LOCAL_MAX 64
#define EMAIL_DOMAIN_MAX 253
#define EMAIL_LABEL_MAX 63
#define EMAIL_TOTAL_MAX 254

#define ID_CHARS_MIN 5
#define ID_CHARS_MAX 20

#define RIGHT_SINGLE_QUOTATION_MARK 0x2019

__attribute__((format(printf, 3, 4))) static int
fail(char *message, size_t message_size, const char *format, ...)
{
	va_list args;

	if (message != NULL && message_size > 0) {
		va_start(args, format);
		vsnprintf(message, message_size, format, args);
		va_end(args);
	}
	return VALIDATE_EINVALID;
}

static int succeed(char *message, size_t message_size)
{
	if (message != NULL && message_size > 0)
		message[0] = '\0';
	return VALIDATE_OK;
}

static void clear_output(char *out, size_t out_size)
{
	if (out != NULL && out_size > 0)
		out[0] = '\0';
}

/* Find the text between leading and trailing ASCII spaces: *start is its
 * offset and *length its length in bytes. Returns false when text is
 * longer than TEXT_BYTES_MAX. */
static bool trim_spaces(const char *text, size_t *start, size_t *length)
{
	size_t end = strnlen(text, TEXT_BYTES_MAX + 1);
	size_t begin = 0;

	if (end > TEXT_BYTES_MAX)
		return false;
	while (begin < end && text[begin] == ' ')
		begin++;
	while (end > begin && text[end - 1] == ' ')
		end--;
	*start = begin;
	*length = end - begin;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ascii_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_control(uint32_t code)
{
	return code < 0x20 || (code >= 0x7F && code <= 0x9F);
}

/* Phone numbers ---------------------------------------------------------*/

struct phone_scan {
	char digits[PHONE_SCAN_MAX + 1];
	size_t count;
	bool plus;
};

/* Check one parenthesis at digit position `count`. *state is 0 before the
 * pair, 1 inside it and 2 after it; *open is the digit count at '('. */
static int scan_parenthesis(char c, const struct phone_scan *scan,
			    int *state, size_t *open, char *message,
			    size_t message_size)
{
	size_t inside = scan->count - *open;

	if (c == '(') {
		if (*state != 0)
			return fail(message, message_size,
				    "Phone number may have only one pair of "
				    "parentheses");
		*state = 1;
		*open = scan->count;
		return VALIDATE_OK;
	}
	if (*state != 1)
		return fail(message, message_size,
			    "Phone number has ')' without '('");
	if (inside == 0)
		return fail(message, message_size,
			    "Phone number has empty parentheses");
	if (inside == 1 && scan->digits[*open] == '0')
		return fail(message, message_size,
			    "Phone number must not contain (0); type the "
			    "number without it");
	*state = 2;
	return VALIDATE_OK;
}

/* Collect the digits of a phone number and check its separators. */
static int scan_phone(const char *text, size_t length,
		      struct phone_scan *scan, char *message,
		      size_t message_size)
{
	int paren_state = 0;
	size_t paren_open = 0;

	for (size_t i = 0; i < length; i++) {
		char c = text[i];

		if (is_digit(c)) {
			if (scan->count == PHONE_SCAN_MAX)
				return fail(message, message_size,
					    "Phone number has too many digits; "
					    "expected at most %d",
					    PHONE_DIGITS_MAX);
			scan->digits[scan->count++] = c;
		} else if (c == '+') {
			if (i != 0)
				return fail(message, message_size,
					    "Phone number may have '+' only at "
					    "the start");
			scan->plus = true;
		} else if (c == '(' || c == ')') {
			if (scan_parenthesis(c, scan, &paren_state,
					     &paren_open, message,
					     message_size) != VALIDATE_OK)
				return VALIDATE_EINVALID;
		} else if (is_ascii_letter(c)) {
			return fail(message, message_size,
				    "Phone number must not contain letters; "
				    "type digits only");
		} else if (c != ' ' && c != '-' && c != '.') {
			return fail(message, message_size,
				    "Phone number has an invalid character; "
				    "use digits, spaces, hyphens or dots");
		}
	}

	if (paren_state == 1)
		return fail(message, message_size,
			    "Phone number has '(' without ')'");
	scan->digits[scan->count] = '\0';
	return VALIDATE_OK;
}

/* Return true when code is a country calling code: 1 to 3 digits, the
 * first not 0 (ITU-T E.164 assigns no code starting with 0). */
static bool is_country_code(const char *code)
{
	size_t length;

	if (code == NULL)
		return false;
	length = strnlen(code, 4);
	if (length < 1 || length > 3 || code[0] == '0')
		return false;
	for (size_t i = 0; i < length; i++) {
		if (!is_digit(code[i]))
			return false;
	}
	return true;
}

int validate_phone(const char *text, const char *default_country_code,
		   char *out, size_t out_size, char *message,
		   size_t message_size)
{
	struct phone_scan scan = {.count = 0};
	const char *prefix = "";
	const char *number;
	size_t start, length, total;

	clear_output(out, out_size);
	if (out == NULL || out_size < VALIDATE_PHONE_SIZE)
		return fail(message, message_size,
			    "Phone number output buffer is too small");
	if (text == NULL || !trim_spaces(text, &start, &length))
		return fail(message, message_size,
			    "Phone number is missing or too long");
	if (scan_phone(text + start, length, &scan, message, message_size) !=
	    VALIDATE_OK)
		return VALIDATE_EINVALID;
	if (scan.count == 0)
		return fail(message, message_size,
			    "Phone number is missing; type it with the "
			    "country code or as a national number");

	/* Split into country code prefix and the digits after it. */
	number = scan.digits;
	if (!scan.plus && strncmp(number, "00", 2) == 0) {
		number += 2;
	} else if (!scan.plus) {
		if (!is_country_code(default_country_code))
			return fail(message, message_size,
				    "Phone number needs its country code; type "
				    "it as +<country code><number>");
		prefix = default_country_code;
		if (number[0] == '0')
			number++; /* national trunk prefix */
	}
	if (prefix[0] == '\0' && number[0] == '0')
		return fail(message, message_size,
			    "Phone number has a country code starting with "
			    "0; check the number");

	total = strlen(prefix) + strlen(number);
	if (total < PHONE_DIGITS_MIN || total > PHONE_DIGITS_MAX)
		return fail(message, message_size,
			    "Phone number has %zu digits with the country "
			    "code; expected %d to %d",
			    total, PHONE_DIGITS_MIN, PHONE_DIGITS_MAX);

	snprintf(out, out_size, "+%s%s", prefix, number);
	return succeed(message, message_size);
}

/* Dates of birth --------------------------------------------------------*/

struct date {
	int year;
	int month;
	int day;
};

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

static bool is_real_date(const struct date *date)
{
	return date->year >= 1 && date->year <= 9999 && date->month >= 1 &&
	       date->month <= 12 && date->day >= 1 &&
	       date->day <= days_in_month(date->year, date->month);
}

/* Negative, zero or positive as a is before, equal to or after b. */
static int compare_dates(const struct date *a, const struct date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

/* Read min_digits to max_digits decimal digits at text[*pos]. */
static bool read_number(const char *text, size_t length, size_t *pos,
			size_t min_digits, size_t max_digits, int *value)
{
	size_t count = 0;

	*value = 0;
	while (*pos < length && count < max_digits && is_digit(text[*pos])) {
		*value = *value * 10 + (text[*pos] - '0');
		(*pos)++;
		count++;
	}
	return count >= min_digits;
}

static bool read_char(const char *text, size_t length, size_t *pos, char c)
{
	if (*pos >= length || text[*pos] != c)
		return false;
	(*pos)++;
	return true;
}

/* Parse YYYY-MM-DD (exactly) or DD/MM/YYYY (day and month 1 or 2 digits)
 * into *date without checking the calendar. */
static bool parse_date(const char *text, size_t length, struct date *date)
{
	size_t pos = 0;

	if (length == 10 && text[4] == '-') {
		return read_number(text, length, &pos, 4, 4, &date->year) &&
		       read_char(text, length, &pos, '-') &&
		       read_number(text, length, &pos, 2, 2, &date->month) &&
		       read_char(text, length, &pos, '-') &&
		       read_number(text, length, &pos, 2, 2, &date->day) &&
		       pos == length;
	}
	return read_number(text, length, &pos, 1, 2, &date->day) &&
	       read_char(text, length, &pos, '/') &&
	       read_number(text, length, &pos, 1, 2, &date->month) &&
	       read_char(text, length, &pos, '/') &&
	       read_number(text, length, &pos, 4, 4, &date->year) &&
	       pos == length;
}

/* Age in whole years on `today`. A 29 February birthday counts as
 * 1 March in years that are not leap years. */
static int age_in_years(const struct date *birth, const struct date *today)
{
	struct date birthday = {today->year, birth->month, birth->day};

	if (birth->month == 2 && birth->day == 29 &&
	    !is_leap_year(today->year)) {
		birthday.month = 3;
		birthday.day = 1;
	}
	if (compare_dates(today, &birthday) < 0)
		return today->year - birth->year - 1;
	return today->year - birth->year;
}

int validate_date_of_birth(const char *text, const struct tm *today,
			   int minimum_age_years, char *out_iso,
			   size_t out_size, char *message,
			   size_t message_size)
{
	struct date birth, now;
	size_t start, length;
	int age;

	clear_output(out_iso, out_size);
	if (out_iso == NULL || out_size < VALIDATE_DATE_SIZE)
		return fail(message, message_size,
			    "Date of birth output buffer is too small");
	if (today == NULL || minimum_age_years < 0)
		return fail(message, message_size,
			    "Date of birth check needs today's date and a "
			    "minimum age");
	now.year = today->tm_year + 1900;
	now.month = today->tm_mon + 1;
	now.day = today->tm_mday;
	if (!is_real_date(&now) || now.year < DOB_YEAR_MIN)
		return fail(message, message_size,
			    "Today's date is invalid; check the terminal "
			    "clock");

	if (text == NULL || !trim_spaces(text, &start, &length) ||
	    length == 0)
		return fail(message, message_size,
			    "Date of birth is missing; expected YYYY-MM-DD "
			    "or DD/MM/YYYY");
	if (!parse_date(text + start, length, &birth))
		return fail(message, message_size,
			    "Date of birth must be YYYY-MM-DD or DD/MM/YYYY");
	if (!is_real_date(&birth))
		return fail(message, message_size,
			    "Date of birth is not a real calendar date; check "
			    "the day and month");
	if (birth.year < DOB_YEAR_MIN)
		return fail(message, message_size,
			    "Date of birth is before %d; check the year",
			    DOB_YEAR_MIN);
	if (compare_dates(&birth, &now) > 0)
		return fail(message, message_size,
			    "Date of birth is in the future; check the year");

	age = age_in_years(&birth, &now);
	if (age < minimum_age_years)
		return fail(message, message_size,
			    "Customer is %d years old; the minimum age is %d",
			    age, minimum_age_years);

	snprintf(out_iso, out_size, "%04d-%02d-%02d", birth.year, birth.month,
		 birth.day);
	return succeed(message, message_size);
}

/* Names -----------------------------------------------------------------*/

struct code_range {
	uint32_t first;
	uint32_t last;
};

/* Code points above U+007F that are not letters of a name: controls,
 * punctuation, symbols, digits and invisible characters, chosen by block.
 * Checked against the Unicode 14.0 character database, the ranges cover
 * every decimal digit of the BMP and contain no letter or mark. The
 * exceptions are blocks listed on purpose because their characters
 * imitate letters: letterlike symbols, mathematical alphanumerics, CJK
 * radicals and Hangul fillers. The ranges are sorted and do not overlap,
 * as in_ranges expects. */
static const struct code_range non_letters[] = {
	{0x0080, 0x00A9}, {0x00AB, 0x00B4}, {0x00B6, 0x00B9},
	{0x00BB, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},
	{0x02C2, 0x02C5}, {0x02D2, 0x02DF}, {0x02E5, 0x02EB},
	{0x02ED, 0x02ED}, {0x02EF, 0x02FF}, {0x037E, 0x037E},
	{0x0384, 0x0385}, {0x0387, 0x0387}, {0x055A, 0x055F},
	{0x0589, 0x058A}, {0x058D, 0x058F}, {0x05BE, 0x05BE},
	{0x05C0, 0x05C0}, {0x05C3, 0x05C3}, {0x05C6, 0x05C6},
	{0x05F3, 0x05F4}, {0x0600, 0x060F}, {0x061B, 0x061F},
	{0x0660, 0x066D}, {0x06D4, 0x06D4}, {0x06DD, 0x06DE},
	{0x06E9, 0x06E9}, {0x06F0, 0x06F9}, {0x06FD, 0x06FE},
	{0x0700, 0x070F}, {0x07C0, 0x07C9}, {0x07F6, 0x07F9},
	{0x07FE, 0x07FF}, {0x0830, 0x083E}, {0x0964, 0x0970},
	{0x09E6, 0x09EF}, {0x09F2, 0x09FB}, {0x0A66, 0x0A6F},
	{0x0AE6, 0x0AF1}, {0x0B66, 0x0B70}, {0x0B72, 0x0B77},
	{0x0BE6, 0x0BFA}, {0x0C66, 0x0C6F}, {0x0C78, 0x0C7F},
	{0x0CE6, 0x0CEF}, {0x0D66, 0x0D79}, {0x0DE6, 0x0DEF},
	{0x0DF4, 0x0DF4}, {0x0E3F, 0x0E3F}, {0x0E4F, 0x0E5B},
	{0x0ED0, 0x0ED9}, {0x0F01, 0x0F17}, {0x0F1A, 0x0F34},
	{0x0F36, 0x0F36}, {0x0F38, 0x0F38}, {0x0F3A, 0x0F3D},
	{0x1040, 0x104F}, {0x1090, 0x1099}, {0x10FB, 0x10FB},
	{0x115F, 0x1160}, {0x1360, 0x137C}, {0x1390, 0x1399},
	{0x1400, 0x1400}, {0x166D, 0x166E}, {0x1680, 0x1680},
	{0x169B, 0x169C}, {0x16EB, 0x16ED}, {0x17D4, 0x17D6},
	{0x17D8, 0x17DB}, {0x17E0, 0x17E9}, {0x17F0, 0x17F9},
	{0x1800, 0x180A}, {0x180E, 0x180E}, {0x1810, 0x1819},
	{0x1946, 0x194F}, {0x19D0, 0x19DA}, {0x19DE, 0x19FF},
	{0x1A80, 0x1A99}, {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9},
	{0x1C40, 0x1C49}, {0x1C50, 0x1C59}, {0x1FBD, 0x1FBD},
	{0x1FBF, 0x1FC1}, {0x1FCD, 0x1FCF}, {0x1FDD, 0x1FDF},
	{0x1FED, 0x1FEF}, {0x1FFD, 0x1FFE}, {0x2000, 0x2018},
	{0x201A, 0x218F}, {0x2190, 0x2BFF}, {0x2CE5, 0x2CEA},
	{0x2CF9, 0x2CFF}, {0x2E00, 0x2FFF}, {0x3000, 0x3004},
	{0x3008, 0x3029}, {0x3030, 0x3030}, {0x3036, 0x3037},
	{0x303D, 0x303F}, {0x309B, 0x309C}, {0x30A0, 0x30A0},
	{0x30FB, 0x30FB}, {0x3164, 0x3164}, {0x3190, 0x319F},
	{0x31C0, 0x31EF}, {0x3200, 0x33FF}, {0x4DC0, 0x4DFF},
	{0xA490, 0xA4CF}, {0xA4FE, 0xA4FF}, {0xA60D, 0xA60F},
	{0xA620, 0xA629}, {0xA6F2, 0xA6F7}, {0xA700, 0xA716},
	{0xA720, 0xA721}, {0xA789, 0xA78A}, {0xA828, 0xA82B},
	{0xA830, 0xA839}, {0xA874, 0xA877}, {0xA8D0, 0xA8D9},
	{0xA900, 0xA909}, {0xA9C1, 0xA9CD}, {0xA9D0, 0xA9D9},
	{0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9},
	{0xD800, 0xF8FF}, {0xFBB2, 0xFBC2}, {0xFD3E, 0xFD4F},
	{0xFDCF, 0xFDCF}, {0xFDD0, 0xFDEF}, {0xFDFC, 0xFDFF},
	{0xFE00, 0xFE1F}, {0xFE30, 0xFE6F}, {0xFEFF, 0xFEFF},
	{0xFF01, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65},
	{0xFFA0, 0xFFA0}, {0xFFE0, 0xFFFF}, {0x104A0, 0x104A9},
	{0x16E80, 0x16E9A}, {0x1D000, 0x1D7FF}, {0x1E950, 0x1E95F},
	{0x1F000, 0x1FBFF}, {0xE0000, 0x10FFFF},
};

/* Combining diacritical mark blocks: a mark there belongs to the letter
 * before it, so it may not start a name or follow a separator. */
static const struct code_range combining_marks[] = {
	{0x0300, 0x036F},
	{0x1AB0, 0x1AFF},
	{0x1DC0, 0x1DFF},
	{0xFE20, 0xFE2F},
};

static bool in_ranges(uint32_t code, const struct code_range *ranges,
		      size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (code < ranges[i].first)
			return false;
		if (code <= ranges[i].last)
			return true;
	}
	return false;
}

static bool is_name_letter(uint32_t code)
{
	if (code < 0x80)
		return is_ascii_letter((char)code);
	return !in_ranges(code, non_letters,
			  sizeof(non_letters) / sizeof(non_letters[0]));
}

static bool is_combining_mark(uint32_t code)
{
	return in_ranges(code, combining_marks,
			 sizeof(combining_marks) / sizeof(combining_marks[0]));
}

static bool is_name_separator(uint32_t code)
{
	return code == ' ' || code == '-' || code == '.' || code == '\'' ||
	       code == RIGHT_SINGLE_QUOTATION_MARK;
}

/* Check one character of a name against the one before it (previous is 0
 * at the start). */
static int check_name_char(uint32_t code, uint32_t previous, char *message,
			   size_t message_size)
{
	bool after_separator = previous == 0 || is_name_separator(previous);

	if (code == UTF8_INVALID)
		return fail(message, message_size,
			    "Name has an invalid character encoding; retype "
			    "it");
	if (is_name_separator(code)) {
		if (previous == 0 && (code == '-' || code == '.'))
			return fail(message, message_size,
				    "Name must start with a letter");
		if (previous != 0 && after_separator &&
		    !(previous == '.' && code == ' '))
			return fail(message, message_size,
				    "Name has two spaces or punctuation marks "
				    "in a row");
		return VALIDATE_OK;
	}
	if (is_combining_mark(code)) {
		if (after_separator)
			return fail(message, message_size,
				    "Name has an accent mark without a letter "
				    "before it");
		return VALIDATE_OK;
	}
	if (code >= '0' && code <= '9')
		return fail(message, message_size,
			    "Name must not contain digits");
	if (is_control(code))
		return fail(message, message_size,
			    "Name must not contain control characters");
	if (!is_name_letter(code))
		return fail(message, message_size,
			    "Name may contain only letters, spaces, hyphens, "
			    "apostrophes and periods");
	return VALIDATE_OK;
}

int validate_person_name(const char *text, size_t max_chars, char *message,
			 size_t message_size)
{
	const unsigned char *bytes;
	uint32_t code, previous = 0;
	size_t start, length, pos, count = 0;

	if (text == NULL || !trim_spaces(text, &start, &length))
		return fail(message, message_size,
			    "Name is missing or too long");
	if (length == 0)
		return fail(message, message_size, "Name is missing");

	bytes = (const unsigned char *)text;
	for (pos = start; pos < start + length;) {
		pos += utf8_decode(bytes + pos, &code);
		count++;
		if (count > max_chars)
			return fail(message, message_size,
				    "Name is longer than %zu characters",
				    max_chars);
		if (check_name_char(code, previous, message, message_size) !=
		    VALIDATE_OK)
			return VALIDATE_EINVALID;
		previous = code;
	}

	if (previous == '-')
		return fail(message, message_size,
			    "Name must not end with a hyphen");
	return succeed(message, message_size);
}

/* Email addresses -------------------------------------------------------*/

/* RFC 5322 atext: the characters of a dot-atom other than the dot. */
static bool is_atext(char c)
{
	return is_ascii_letter(c) || is_digit(c) ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int check_email_local(const char *local, size_t length,
			     char *message, size_t message_size)
{
	if (length < 1 || length > EMAIL_LOCAL_MAX)
		return fail(message, message_size,
			    "Email address needs 1 to %d characters before "
			    "the @",
			    EMAIL_LOCAL_MAX);
	for (size_t i = 0; i < length; i++) {
		if (local[i] == '.') {
			if (i == 0 || i == length - 1 || local[i - 1] == '.')
				return fail(message, message_size,
					    "Email address has a dot at the "
					    "start, at the end or twice in a "
					    "row before the @");
		} else if (!is_atext(local[i])) {
			return fail(message, message_size,
				    "Email address has a character that is "
				    "not allowed before the @");
		}
	}
	return VALIDATE_OK;
}

static int check_email_label(const char *label, size_t length,
			     char *message, size_t message_size)
{
	if (length < 1 || length > EMAIL_LABEL_MAX)
		return fail(message, message_size,
			    "Email domain needs parts of 1 to %d characters "
			    "between dots",
			    EMAIL_LABEL_MAX);
	if (label[0] == '-' || label[length - 1] == '-')
		return fail(message, message_size,
			    "Email domain parts must not start or end with a "
			    "hyphen");
	for (size_t i = 0; i < length; i++) {
		if (!is_ascii_letter(label[i]) && !is_digit(label[i]) &&
		    label[i] != '-')
			return fail(message, message_size,
				    "Email domain may contain only letters, "
				    "digits, hyphens and dots");
	}
	return VALIDATE_OK;
}

static int check_email_domain(const char *domain, size_t length,
			      char *message, size_t message_size)
{
	size_t label_start = 0;

	if (length < 1 || length > EMAIL_DOMAIN_MAX)
		return fail(message, message_size,
			    "Email domain needs 1 to %d characters after the @",
			    EMAIL_DOMAIN_MAX);
	if (memchr(domain, '.', length) == NULL)
		return fail(message, message_size,
			    "Email domain needs a dot, as in example.com");

	for (size_t i = 0; i <= length; i++) {
		if (i < length && domain[i] != '.')
			continue;
		if (check_email_label(domain + label_start, i - label_start,
				      message, message_size) != VALIDATE_OK)
			return VALIDATE_EINVALID;
		label_start = i + 1;
	}
	return VALIDATE_OK;
}

int validate_email(const char *text, char *message, size_t message_size)
{
	const char *address, *at;
	size_t start, length, local_length;

	if (text == NULL || !trim_spaces(text, &start, &length))
		return fail(message, message_size,
			    "Email address is missing or too long");
	if (length == 0)
		return succeed(message, message_size);
	if (length > EMAIL_TOTAL_MAX)
		return fail(message, message_size,
			    "Email address is longer than %d characters",
			    EMAIL_TOTAL_MAX);

	address = text + start;
	at = memchr(address, '@', length);
	if (at == NULL || memchr(at + 1, '@', length - (size_t)(at - address) -
					      1) != NULL)
		return fail(message, message_size,
			    "Email address must contain exactly one @");

	local_length = (size_t)(at - address);
	if (check_email_local(address, local_length, message, message_size) !=
	    VALIDATE_OK)
		return VALIDATE_EINVALID;
	if (check_email_domain(at + 1, length - local_length - 1, message,
			       message_size) != VALIDATE_OK)
		return VALIDATE_EINVALID;
	return succeed(message, message_size);
}

/* ID documents ----------------------------------------------------------*/

struct id_type {
	const char *name;  /* value stored with the customer */
	const char *label; /* name of the document in messages */
};

static const struct id_type id_types[] = {
	{"national_id", "National ID"},
	{"passport", "Passport"},
	{"voter_id", "Voter ID"},
	{"drivers_licence", "Driver's licence"},
};

static const struct id_type *find_id_type(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(id_types) / sizeof(id_types[0]); i++) {
		if (strcmp(id_types[i].name, name) == 0)
			return &id_types[i];
	}
	return NULL;
}

/* Ghana Card personal ID number: "GHA-", 9 digits, '-', 1 digit. */
static bool is_ghana_card(const char *id)
{
	if (strlen(id) != 15 || strncmp(id, "GHA-", 4) != 0 || id[13] != '-')
		return false;
	for (size_t i = 4; i < 15; i++) {
		if (i != 13 && !is_digit(id[i]))
			return false;
	}
	return true;
}

/* Upper-case text into id (ID_CHARS_MAX + 1 bytes) and check its
 * characters. */
static int copy_id(const struct id_type *type, const char *text,
		   size_t length, char *id, char *message,
		   size_t message_size)
{
	if (length < ID_CHARS_MIN || length > ID_CHARS_MAX)
		return fail(message, message_size,
			    "%s number must have %d to %d characters",
			    type->label, ID_CHARS_MIN, ID_CHARS_MAX);

	for (size_t i = 0; i < length; i++) {
		char c = text[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!is_ascii_letter(c) && !is_digit(c) && c != '-')
			return fail(message, message_size,
				    "%s number may contain only letters A-Z, "
				    "digits and hyphens",
				    type->label);
		if (c == '-' && (i == 0 || i == length - 1 || id[i - 1] == '-'))
			return fail(message, message_size,
				    "%s number has a hyphen at the start, at "
				    "the end or twice in a row",
				    type->label);
		id[i] = c;
	}
	id[length] = '\0';
	return VALIDATE_OK;
}

int validate_id_number(const char *type, const char *text, char *out,
		       size_t out_size, char *message, size_t message_size)
{
	const struct id_type *id_type = find_id_type(type);
	char id[ID_CHARS_MAX + 1];
	size_t start, length;

	clear_output(out, out_size);
	if (out == NULL || out_size < VALIDATE_ID_SIZE)
		return fail(message, message_size,
			    "ID number output buffer is too small");
	if (id_type == NULL)
		return fail(message, message_size,
			    "ID type is unknown; expected national_id, "
			    "passport, voter_id or drivers_licence");
	if (text == NULL || !trim_spaces(text, &start, &length) ||
	    length == 0)
		return fail(message, message_size, "%s number is missing",
			    id_type->label);
	if (copy_id(id_type, text + start, length, id, message,
		    message_size) != VALIDATE_OK)
		return VALIDATE_EINVALID;

	if (strcmp(id_type->name, "national_id") == 0 &&
	    strncmp(id, "GHA-", 4) == 0 && !is_ghana_card(id))
		return fail(message, message_size,
			    "Ghana Card number must be GHA-, 9 digits, a "
			    "hyphen and 1 digit");

	snprintf(out, out_size, "%s", id);
	return succeed(message, message_size);
}

/* Addresses -------------------------------------------------------------*/

/* Line breaks and invisible format characters that would hide or reorder
 * text on a screen or a receipt. */
static const struct code_range address_rejects[] = {
	{0x200B, 0x200F},
	{0x2028, 0x202E},
	{0x2060, 0x206F},
	{0xFEFF, 0xFEFF},
};

int validate_address(const char *text, size_t max_chars, char *message,
		     size_t message_size)
{
	const unsigned char *bytes;
	size_t start, length, pos, count = 0;
	uint32_t code;

	if (text == NULL || !trim_spaces(text, &start, &length))
		return fail(message, message_size,
			    "Address is missing or too long");
	if (length == 0)
		return fail(message, message_size, "Address is missing");

	bytes = (const unsigned char *)text;
	for (pos = start; pos < start + length;) {
		pos += utf8_decode(bytes + pos, &code);
		count++;
		if (count > max_chars)
			return fail(message, message_size,
				    "Address is longer than %zu characters",
				    max_chars);
		if (code == UTF8_INVALID)
			return fail(message, message_size,
				    "Address has an invalid character "
				    "encoding; retype it");
		if (is_control(code) ||
		    in_ranges(code, address_rejects,
			      sizeof(address_rejects) /
				      sizeof(address_rejects[0])))
			return fail(message, message_size,
				    "Address must be on one line without "
				    "control characters");
	}
	return succeed(message, message_size);
}

const char *validate_strerror(int error)
{
	switch (error) {
	case VALIDATE_OK:
		return "valid";
	case VALIDATE_EINVALID:
		return "invalid input";
	default:
		return "unknown validation error";
	}
}
