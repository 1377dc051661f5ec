/* The country calling code the UI uses for phone numbers typed in the
 * national form. */
#ifndef SPOTAGENT_UI_COUNTRY_H
#define SPOTAGENT_UI_COUNTRY_H

/* Return the calling code for the terminal's currency (digits, no '+'),
 * or NULL when there is none and only international numbers are taken.
 * NOTE: a stand-in until the configuration has a country setting. A
 * currency used in several countries (XOF, XAF) cannot be mapped. */
const char *country_code_for_currency(const char *currency);

#endif
