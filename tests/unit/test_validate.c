/* Unit tests for app/validate.c: phone numbers, dates of birth, names,
 * email addresses, ID numbers and addresses typed by an agent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../app/validate.h"

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))
#define OK VALIDATE_OK
#define BAD VALIDATE_EINVALID

/* Message buffer for the tables: larger than VALIDATE_MESSAGE_SIZE, so a
 * message that would not fit that size is caught. */
#define MESSAGE_TEST_SIZE 256

/* Check the message contract: empty on success, not empty on failure, and
 * short enough for VALIDATE_MESSAGE_SIZE. */
static void check_message(int rc, const char *message)
{
	if (rc == VALIDATE_OK)
		assert_string_equal(message, "");
	else
		assert_true(strlen(message) > 0);
	assert_true(strlen(message) < VALIDATE_MESSAGE_SIZE);
}

/* Phone numbers ---------------------------------------------------------*/

struct phone_case {
	const char *text;
	const char *country_code;
	int rc;
	const char *out; /* expected E.164 form when rc is OK */
};

static const struct phone_case phone_cases[] = {
	/* International and national forms. */
	{"+233241234567", "233", OK, "+233241234567"},
	{"00233241234567", "233", OK, "+233241234567"},
	{"0241234567", "233", OK, "+233241234567"},
	{"241234567", "233", OK, "+233241234567"},
	{"+234 803 123 4567", "233", OK, "+2348031234567"},
	{"08031234567", "234", OK, "+2348031234567"},
	{"+1 (415) 555-2671", NULL, OK, "+14155552671"},
	{"024-123-4567", "233", OK, "+233241234567"},
	{"024.123.4567", "233", OK, "+233241234567"},
	{"(024) 123 4567", "233", OK, "+233241234567"},
	{"  +233241234567  ", "233", OK, "+233241234567"},
	{"+44 20 7946 0958", "233", OK, "+442079460958"},
	/* Digits are read as one run, so "0 0..." is the 00 prefix. */
	{"0 0241234567", "233", OK, "+241234567"},
	/* Boundaries: 8 and 15 digits after '+'. */
	{"+12345678", NULL, OK, "+12345678"},
	{"+1234567", NULL, BAD, NULL},
	{"+123456789012345", NULL, OK, "+123456789012345"},
	{"+1234567890123456", NULL, BAD, NULL},
	{"00123456789012345", NULL, OK, "+123456789012345"},
	{"0012345678901234567890123", NULL, BAD, NULL},
	{"012345", "233", OK, "+23312345"},
	{"01234", "233", BAD, NULL},
	/* Country codes. */
	{"+0241234567", "233", BAD, NULL},
	{"000241234567", "233", BAD, NULL},
	{"0241234567", NULL, BAD, NULL},
	{"0241234567", "", BAD, NULL},
	{"0241234567", "0233", BAD, NULL},
	{"0241234567", "+233", BAD, NULL},
	{"0241234567", "23a", BAD, NULL},
	/* Characters. */
	{"", "233", BAD, NULL},
	{"   ", "233", BAD, NULL},
	{"+", "233", BAD, NULL},
	{"- . -", "233", BAD, NULL},
	{"024123456a", "233", BAD, NULL},
	{"O241234567", "233", BAD, NULL},
	{"233+241234567", "233", BAD, NULL},
	{"++233241234567", "233", BAD, NULL},
	{" + 233241234567", "233", OK, "+233241234567"},
	{"(+233) 241234567", "233", BAD, NULL},
	{"024/1234567", "233", BAD, NULL},
	{"024\t1234567", "233", BAD, NULL},
	{"0241234567\n", "233", BAD, NULL},
	{"\xef\xbc\x90" "241234567", "233", BAD, NULL},
	{"024#1234567", "233", BAD, NULL},
	/* Parentheses. */
	{"+44 (0)20 7946 0958", "44", BAD, NULL},
	{"(024)(123) 4567", "233", BAD, NULL},
	{"(024 123 4567", "233", BAD, NULL},
	{"024) 123 4567", "233", BAD, NULL},
	{"() 0241234567", "233", BAD, NULL},
	{"((024)) 1234567", "233", BAD, NULL},
	{NULL, "233", BAD, NULL},
};

static void phone_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(phone_cases); i++) {
		const struct phone_case *c = &phone_cases[i];
		char out[VALIDATE_PHONE_SIZE] = "junk";
		char message[MESSAGE_TEST_SIZE] = "junk";
		int rc;

		rc = validate_phone(c->text, c->country_code, out, sizeof(out),
				    message, sizeof(message));
		if (rc != c->rc)
			print_message("failing case %zu: \"%s\" (%s)\n", i,
				      c->text ? c->text : "NULL", message);
		assert_int_equal(rc, c->rc);
		check_message(rc, message);
		assert_string_equal(out, c->rc == OK ? c->out : "");
	}
}

static void phone_small_output(void **state)
{
	char out[VALIDATE_PHONE_SIZE - 1] = "junk";
	char message[VALIDATE_MESSAGE_SIZE] = "";

	(void)state;
	assert_int_equal(validate_phone("+233241234567", "233", out,
					sizeof(out), message, sizeof(message)),
			 BAD);
	assert_string_equal(out, "");
	assert_true(strlen(message) > 0);
	assert_int_equal(validate_phone("+233241234567", "233", NULL, 0,
					message, sizeof(message)),
			 BAD);
}

/* Dates of birth --------------------------------------------------------*/

struct date_case {
	const char *text;
	int today[3]; /* year, month, day */
	int minimum_age;
	int rc;
	const char *out; /* expected YYYY-MM-DD when rc is OK */
};

#define TODAY {2024, 6, 15}

static const struct date_case date_cases[] = {
	/* Both formats. */
	{"1990-03-05", TODAY, 18, OK, "1990-03-05"},
	{"05/03/1990", TODAY, 18, OK, "1990-03-05"},
	{"5/3/1990", TODAY, 18, OK, "1990-03-05"},
	{"  1990-03-05 ", TODAY, 18, OK, "1990-03-05"},
	{"31/12/1999", TODAY, 18, OK, "1999-12-31"},
	/* Syntax. */
	{"1990-3-5", TODAY, 18, BAD, NULL},
	{"1990/03/05", TODAY, 18, BAD, NULL},
	{"05-03-1990", TODAY, 18, BAD, NULL},
	{"05/03/90", TODAY, 18, BAD, NULL},
	{"005/03/1990", TODAY, 18, BAD, NULL},
	{"05/03/19900", TODAY, 18, BAD, NULL},
	{"1990-03-05x", TODAY, 18, BAD, NULL},
	{"19900305", TODAY, 18, BAD, NULL},
	{"1990-03-0a", TODAY, 18, BAD, NULL},
	{"", TODAY, 18, BAD, NULL},
	{"   ", TODAY, 18, BAD, NULL},
	{NULL, TODAY, 18, BAD, NULL},
	/* Calendar. */
	{"1990-02-29", TODAY, 18, BAD, NULL},
	{"1992-02-29", TODAY, 18, OK, "1992-02-29"},
	{"2000-02-29", TODAY, 18, OK, "2000-02-29"},
	{"1900-02-29", TODAY, 18, BAD, NULL},
	{"1990-04-31", TODAY, 18, BAD, NULL},
	{"1990-13-01", TODAY, 18, BAD, NULL},
	{"1990-00-10", TODAY, 18, BAD, NULL},
	{"00/01/1990", TODAY, 18, BAD, NULL},
	{"32/01/1990", TODAY, 18, BAD, NULL},
	/* Range: 1900 to today. */
	{"1900-01-01", TODAY, 18, OK, "1900-01-01"},
	{"1899-12-31", TODAY, 18, BAD, NULL},
	{"2024-06-15", TODAY, 0, OK, "2024-06-15"},
	{"2024-06-16", TODAY, 0, BAD, NULL},
	{"2025-01-01", TODAY, 0, BAD, NULL},
	/* Age is exact to the day. */
	{"2006-06-15", TODAY, 18, OK, "2006-06-15"},
	{"2006-06-16", TODAY, 18, BAD, NULL},
	{"2006-06-14", TODAY, 18, OK, "2006-06-14"},
	{"2006-07-01", TODAY, 18, BAD, NULL},
	{"2006-06-15", TODAY, 19, BAD, NULL},
	/* 29 February birthdays: 1 March in years that are not leap. */
	{"2005-02-28", {2023, 2, 28}, 18, OK, "2005-02-28"},
	{"2005-03-01", {2023, 2, 28}, 18, BAD, NULL},
	{"2004-02-29", {2022, 2, 28}, 18, BAD, NULL},
	{"2004-02-29", {2022, 3, 1}, 18, OK, "2004-02-29"},
	{"2004-02-29", {2021, 12, 31}, 18, BAD, NULL},
	{"2004-02-29", {2024, 2, 28}, 20, BAD, NULL},
	{"2004-02-29", {2024, 2, 29}, 20, OK, "2004-02-29"},
	/* Invalid arguments. */
	{"1990-03-05", TODAY, -1, BAD, NULL},
	{"1990-03-05", {2023, 2, 29}, 18, BAD, NULL},
	{"1990-03-05", {1899, 12, 31}, 18, BAD, NULL},
};

static void date_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(date_cases); i++) {
		const struct date_case *c = &date_cases[i];
		struct tm today = {.tm_year = c->today[0] - 1900,
				   .tm_mon = c->today[1] - 1,
				   .tm_mday = c->today[2]};
		char out[VALIDATE_DATE_SIZE] = "junk";
		char message[MESSAGE_TEST_SIZE] = "junk";
		int rc;

		rc = validate_date_of_birth(c->text, &today, c->minimum_age,
					    out, sizeof(out), message,
					    sizeof(message));
		if (rc != c->rc)
			print_message("failing case %zu: \"%s\" (%s)\n", i,
				      c->text ? c->text : "NULL", message);
		assert_int_equal(rc, c->rc);
		check_message(rc, message);
		assert_string_equal(out, c->rc == OK ? c->out : "");
	}
}

static void date_age_message(void **state)
{
	struct tm today = {.tm_year = 124, .tm_mon = 5, .tm_mday = 15};
	char out[VALIDATE_DATE_SIZE];
	char message[VALIDATE_MESSAGE_SIZE];

	(void)state;
	assert_int_equal(validate_date_of_birth("2006-06-16", &today, 18, out,
						sizeof(out), message,
						sizeof(message)),
			 BAD);
	assert_string_equal(message,
			    "Customer is 17 years old; the minimum age is 18");
	assert_int_equal(validate_date_of_birth("2006-06-16", NULL, 18, out,
						sizeof(out), message,
						sizeof(message)),
			 BAD);
	assert_int_equal(validate_date_of_birth("2006-06-16", &today, 18, out,
						VALIDATE_DATE_SIZE - 1,
						message, sizeof(message)),
			 BAD);
}

/* Names -----------------------------------------------------------------*/

struct length_case {
	const char *text;
	size_t max_chars;
	int rc;
};

static const struct length_case name_cases[] = {
	/* Several scripts. */
	{"Ɛfua", 60, OK},
	{"Chukwuemeka", 60, OK},
	{"Ọlá", 60, OK},
	{"O\xcc\xa3la\xcc\x81", 60, OK}, /* decomposed: O, U+0323, la, U+0301 */
	{"José", 60, OK},
	{"Ψ", 60, OK},
	{"محمد عبد الله", 60, OK},
	{"张伟", 60, OK},
	{"佐々木", 60, OK},
	{"Ελένη Παπαδοπούλου", 60, OK},
	{"Наталья", 60, OK},
	{"አበበ ቢቂላ", 60, OK},
	{"Nguyễn Thị Minh Khai", 60, OK},
	{"Kwame Nkrumah", 60, OK},
	/* Separators. */
	{"Mary-Jane O'Neil", 60, OK},
	{"N’Golo Kanté", 60, OK},
	{"J. Mensah", 60, OK},
	{"Kofi Annan Jr.", 60, OK},
	{"'t Hooft", 60, OK},
	{"  Ama Owusu  ", 60, OK},
	{"Ama  Owusu", 60, BAD},
	{"Ama--Owusu", 60, BAD},
	{"Ama -Owusu", 60, BAD},
	{"J.. Mensah", 60, BAD},
	{"J.  Mensah", 60, BAD},
	{"O''Neil", 60, BAD},
	{"-Ama", 60, BAD},
	{".Ama", 60, BAD},
	{"Ama-", 60, BAD},
	{"\xcc\x81" "Ama", 60, BAD},
	{"Ama- \xcc\x81", 60, BAD},
	/* Length in characters, not bytes. */
	{"Ɛfua", 4, OK},
	{"Ɛfua", 3, BAD},
	{"张伟", 2, OK},
	{"张伟", 1, BAD},
	{"A", 1, OK},
	{"  A  ", 1, OK},
	{"", 60, BAD},
	{"    ", 60, BAD},
	{"A", 0, BAD},
	{NULL, 60, BAD},
	/* Characters that are not letters. */
	{"Ama2", 60, BAD},
	{"Ama Owusu 3rd", 60, BAD},
	{"Ama\tOwusu", 60, BAD},
	{"Ama\nOwusu", 60, BAD},
	{"Ama\x7f", 60, BAD},
	{"Ama\xc2\x85", 60, BAD},         /* U+0085 next line */
	{"Ama\xc2\xa0Owusu", 60, BAD},    /* U+00A0 no-break space */
	{"Ama\xe2\x80\x8bOwusu", 60, BAD}, /* U+200B zero width space */
	{"Ama\xe2\x80\x9cOwusu", 60, BAD}, /* U+201C quotation mark */
	{"Ama_Owusu", 60, BAD},
	{"Ama@Owusu", 60, BAD},
	{"Ama, Owusu", 60, BAD},
	{"محمد٣", 60, BAD},   /* U+0663 Arabic-Indic digit three */
	{"Ama१", 60, BAD},    /* U+0967 Devanagari digit one */
	{"Ama１", 60, BAD},   /* U+FF11 fullwidth digit one */
	{"Ama€", 60, BAD},
	{"Ama 😀", 60, BAD},
	{"Ama\xee\x80\x80", 60, BAD},     /* U+E000 private use */
	{"Ama\xef\xbb\xbf", 60, BAD},     /* U+FEFF byte order mark */
	/* Invalid UTF-8. */
	{"Jos\xe9", 60, BAD},             /* Latin-1, not UTF-8 */
	{"\xc3\x28", 60, BAD},
	{"\xc0\xa0" "Ama", 60, BAD},      /* overlong space */
	{"Ama\xed\xa0\x80", 60, BAD},     /* surrogate U+D800 */
	{"Ama\xf4\x90\x80\x80", 60, BAD}, /* above U+10FFFF */
	{"Ama\xe2\x82", 60, BAD},         /* truncated sequence */
	{"\x80" "Ama", 60, BAD},
};

static void name_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(name_cases); i++) {
		const struct length_case *c = &name_cases[i];
		char message[MESSAGE_TEST_SIZE] = "junk";
		int rc;

		rc = validate_person_name(c->text, c->max_chars, message,
					  sizeof(message));
		if (rc != c->rc)
			print_message("failing case %zu: \"%s\" (%s)\n", i,
				      c->text ? c->text : "NULL", message);
		assert_int_equal(rc, c->rc);
		check_message(rc, message);
	}
}

/* Email addresses -------------------------------------------------------*/

struct email_case {
	const char *text;
	int rc;
};

static const struct email_case email_cases[] = {
	/* Optional: empty is valid. */
	{"", OK},
	{"   ", OK},
	{"ama@example.com", OK},
	{"  ama@example.com ", OK},
	{"ama.owusu+kyc@mail.example.com.gh", OK},
	{"a@b.co", OK},
	{"!#$%&'*+-/=?^_`{|}~@example.com", OK},
	{"ama@my-bank.example", OK},
	{"ama@123.example", OK},
	{"AMA@EXAMPLE.COM", OK},
	/* The '@'. */
	{"ama.example.com", BAD},
	{"ama@@example.com", BAD},
	{"ama@owusu@example.com", BAD},
	{"@example.com", BAD},
	{"ama@", BAD},
	/* Local part. */
	{".ama@example.com", BAD},
	{"ama.@example.com", BAD},
	{"ama..owusu@example.com", BAD},
	{"\"ama owusu\"@example.com", BAD},
	{"ama owusu@example.com", BAD},
	{"ama(x)@example.com", BAD},
	{"amá@example.com", BAD},
	{"ama,b@example.com", BAD},
	/* Domain. */
	{"ama@example", BAD},
	{"ama@.example.com", BAD},
	{"ama@example.com.", BAD},
	{"ama@example..com", BAD},
	{"ama@-example.com", BAD},
	{"ama@example-.com", BAD},
	{"ama@exa_mple.com", BAD},
	{"ama@[192.0.2.1]", BAD},
	{"ama@exämple.com", BAD},
	{"ama@example.com\n", BAD},
	{"ama@exam ple.com", BAD},
	{NULL, BAD},
};

static void email_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(email_cases); i++) {
		const struct email_case *c = &email_cases[i];
		char message[MESSAGE_TEST_SIZE] = "junk";
		int rc;

		rc = validate_email(c->text, message, sizeof(message));
		if (rc != c->rc)
			print_message("failing case %zu: \"%s\" (%s)\n", i,
				      c->text ? c->text : "NULL", message);
		assert_int_equal(rc, c->rc);
		check_message(rc, message);
	}
}

/* Build local@domain where the local part has local_length 'a's and the
 * domain is labels of label_length 'b's joined by dots, domain_length
 * characters in all (the last label is shorter when needed). */
static void build_email(char *buf, size_t size, size_t local_length,
			size_t label_length, size_t domain_length)
{
	size_t pos = 0;

	assert_true(local_length + domain_length + 2 <= size);
	memset(buf, 'a', local_length);
	pos = local_length;
	buf[pos++] = '@';
	for (size_t i = 0; i < domain_length; i++)
		buf[pos++] = i % (label_length + 1) == label_length ? '.' : 'b';
	buf[pos] = '\0';
	assert_true(buf[pos - 1] != '.');
}

struct email_length_case {
	size_t local_length;
	size_t label_length;
	size_t domain_length;
	int rc;
};

static const struct email_length_case email_length_cases[] = {
	{64, 10, 20, OK},   /* local part at its maximum */
	{65, 10, 20, BAD},  /* local part one over */
	{10, 63, 100, OK},  /* labels at their maximum */
	{10, 64, 100, BAD}, /* a label one over */
	{1, 61, 252, OK},   /* 254 in all */
	{1, 61, 253, BAD},  /* 255 in all */
	{64, 61, 189, OK},  /* 254 in all, long local part */
	{64, 61, 190, BAD}, /* 255 in all */
};

static void email_lengths(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(email_length_cases); i++) {
		const struct email_length_case *c = &email_length_cases[i];
		char text[400];
		char message[MESSAGE_TEST_SIZE] = "junk";
		int rc;

		build_email(text, sizeof(text), c->local_length,
			    c->label_length, c->domain_length);
		rc = validate_email(text, message, sizeof(message));
		if (rc != c->rc)
			print_message("failing case %zu: %zu characters (%s)\n",
				      i, strlen(text), message);
		assert_int_equal(rc, c->rc);
		check_message(rc, message);
	}
}

/* ID numbers ------------------------------------------------------------*/

struct id_case {
	const char *type;
	const char *text;
	int rc;
	const char *out; /* expected normalised form when rc is OK */
};

static const struct id_case id_cases[] = {
	/* Every type. */
	{"national_id", "GHA-123456789-0", OK, "GHA-123456789-0"},
	{"national_id", "gha-123456789-0", OK, "GHA-123456789-0"},
	{"national_id", "  GHA-123456789-0 ", OK, "GHA-123456789-0"},
	{"national_id", "A1234567", OK, "A1234567"},
	{"passport", "g1234567", OK, "G1234567"},
	{"voter_id", "7654321098", OK, "7654321098"},
	{"drivers_licence", "dl-2023-0001", OK, "DL-2023-0001"},
	/* Ghana Card format applies to national_id only. */
	{"national_id", "GHA-12345678-0", BAD, NULL},
	{"national_id", "GHA-1234567890-0", BAD, NULL},
	{"national_id", "GHA-123456789-01", BAD, NULL},
	{"national_id", "GHA-123456789", BAD, NULL},
	{"national_id", "GHA-12345678A-0", BAD, NULL},
	{"national_id", "GHA-123456789-A", BAD, NULL},
	{"national_id", "GHA-123-456789-0", BAD, NULL},
	{"passport", "GHA-12345", OK, "GHA-12345"},
	{"national_id", "GHA123456789", OK, "GHA123456789"},
	/* Length 5 to 20. */
	{"passport", "A1234", OK, "A1234"},
	{"passport", "A123", BAD, NULL},
	{"passport", "ABCDEFGHIJ0123456789", OK, "ABCDEFGHIJ0123456789"},
	{"passport", "ABCDEFGHIJ0123456789X", BAD, NULL},
	{"passport", "", BAD, NULL},
	{"passport", "     ", BAD, NULL},
	{"passport", NULL, BAD, NULL},
	/* Characters. */
	{"passport", "G123 4567", BAD, NULL},
	{"passport", "G123/4567", BAD, NULL},
	{"passport", "G123_4567", BAD, NULL},
	{"passport", "É1234567", BAD, NULL},
	{"passport", "G1234567\n", BAD, NULL},
	{"passport", "-G1234567", BAD, NULL},
	{"passport", "G1234567-", BAD, NULL},
	{"passport", "G123--4567", BAD, NULL},
	{"passport", "-----", BAD, NULL},
	/* Types. */
	{"drivers_license", "DL12345", BAD, NULL},
	{"National_ID", "A1234567", BAD, NULL},
	{"", "A1234567", BAD, NULL},
	{NULL, "A1234567", BAD, NULL},
};

static void id_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(id_cases); i++) {
		const struct id_case *c = &id_cases[i];
		char out[VALIDATE_ID_SIZE] = "junk";
		char message[MESSAGE_TEST_SIZE] = "junk";
		int rc;

		rc = validate_id_number(c->type, c->text, out, sizeof(out),
					message, sizeof(message));
		if (rc != c->rc)
			print_message("failing case %zu: %s \"%s\" (%s)\n", i,
				      c->type ? c->type : "NULL",
				      c->text ? c->text : "NULL", message);
		assert_int_equal(rc, c->rc);
		check_message(rc, message);
		assert_string_equal(out, c->rc == OK ? c->out : "");
	}
}

static void id_message_names_type(void **state)
{
	char out[VALIDATE_ID_SIZE];
	char message[VALIDATE_MESSAGE_SIZE];

	(void)state;
	assert_int_equal(validate_id_number("drivers_licence", "DL1", out,
					    sizeof(out), message,
					    sizeof(message)),
			 BAD);
	assert_string_equal(message, "Driver's licence number must have 5 to "
				     "20 characters");
	assert_int_equal(validate_id_number("passport", "A12345", out,
					    VALIDATE_ID_SIZE - 1, message,
					    sizeof(message)),
			 BAD);
}

/* Addresses -------------------------------------------------------------*/

static const struct length_case address_cases[] = {
	{"12 Independence Avenue, Accra", 200, OK},
	{"Plot 7, Allen Avenue, Ikeja, Lagos", 200, OK},
	{"P.O. Box 1234, Kumasi", 200, OK},
	{"شارع التحرير ١٢، القاهرة", 200, OK},
	{"北京市朝阳区建国路 88 号", 200, OK},
	{"Rue de l'Église #4 (2e étage)", 200, OK},
	{"  House 5  ", 200, OK},
	{"A", 1, OK},
	{"Ɛ", 1, OK},
	{"AB", 1, BAD},
	{"北京", 2, OK},
	{"北京市", 2, BAD},
	{"", 200, BAD},
	{"    ", 200, BAD},
	{NULL, 200, BAD},
	{"House 5\nAccra", 200, BAD},
	{"House 5\r", 200, BAD},
	{"House\t5", 200, BAD},
	{"House 5\x1b[2J", 200, BAD},
	{"House 5\x7f", 200, BAD},
	{"House 5\xc2\x9b", 200, BAD},     /* U+009B control sequence intro */
	{"House 5\xe2\x80\xa8", 200, BAD}, /* U+2028 line separator */
	{"House 5\xe2\x80\xae", 200, BAD}, /* U+202E right-to-left override */
	{"House 5\xef\xbb\xbf", 200, BAD}, /* U+FEFF byte order mark */
	{"House 5\xff", 200, BAD},
	{"House 5\xc3", 200, BAD},
	{"House \xe0\x80\xb5", 200, BAD}, /* overlong '5' */
};

static void address_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(address_cases); i++) {
		const struct length_case *c = &address_cases[i];
		char message[MESSAGE_TEST_SIZE] = "junk";
		int rc;

		rc = validate_address(c->text, c->max_chars, message,
				      sizeof(message));
		if (rc != c->rc)
			print_message("failing case %zu: \"%s\" (%s)\n", i,
				      c->text ? c->text : "NULL", message);
		assert_int_equal(rc, c->rc);
		check_message(rc, message);
	}
}

/* Every validator ---------------------------------------------------------*/

/* Text past the 4096-byte scan limit is rejected without reading it all,
 * even where the character limit is higher. */
static void overlong_text_rejected(void **state)
{
	char *text = malloc(10001);
	char out[VALIDATE_ID_SIZE + VALIDATE_PHONE_SIZE];
	char message[VALIDATE_MESSAGE_SIZE];
	struct tm today = {.tm_year = 124, .tm_mon = 5, .tm_mday = 15};

	(void)state;
	assert_non_null(text);
	memset(text, 'a', 10000);
	text[10000] = '\0';
	assert_int_equal(validate_person_name(text, 20000, message,
					      sizeof(message)),
			 BAD);
	assert_int_equal(validate_address(text, 20000, message,
					  sizeof(message)),
			 BAD);
	assert_int_equal(validate_email(text, message, sizeof(message)), BAD);
	assert_int_equal(validate_id_number("passport", text, out, sizeof(out),
					    message, sizeof(message)),
			 BAD);
	assert_int_equal(validate_date_of_birth(text, &today, 0, out,
						sizeof(out), message,
						sizeof(message)),
			 BAD);
	memset(text, '5', 10000);
	assert_int_equal(validate_phone(text, "233", out, sizeof(out),
					message, sizeof(message)),
			 BAD);
	assert_string_equal(out, "");
	free(text);
}

/* A short message buffer gets a truncated, terminated message, and a NULL
 * message with size 0 is allowed. */
static void message_buffer_limits(void **state)
{
	char message[8];

	(void)state;
	memset(message, 'x', sizeof(message));
	assert_int_equal(validate_address("", 10, message, sizeof(message)),
			 BAD);
	assert_int_equal(strlen(message), sizeof(message) - 1);
	assert_int_equal(validate_address("", 10, NULL, 0), BAD);
	assert_int_equal(validate_address("Accra", 10, NULL, 0), OK);
	assert_int_equal(validate_email("bad", NULL, 0), BAD);
}

static void strerror_codes(void **state)
{
	(void)state;
	assert_string_equal(validate_strerror(VALIDATE_OK), "valid");
	assert_string_equal(validate_strerror(VALIDATE_EINVALID),
			    "invalid input");
	assert_string_equal(validate_strerror(-99),
			    "unknown validation error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phone_table),
		cmocka_unit_test(phone_small_output),
		cmocka_unit_test(date_table),
		cmocka_unit_test(date_age_message),
		cmocka_unit_test(name_table),
		cmocka_unit_test(email_table),
		cmocka_unit_test(email_lengths),
		cmocka_unit_test(id_table),
		cmocka_unit_test(id_message_names_type),
		cmocka_unit_test(address_table),
		cmocka_unit_test(overlong_text_rejected),
		cmocka_unit_test(message_buffer_limits),
		cmocka_unit_test(strerror_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
