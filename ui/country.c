/* The country calling code for national phone numbers, by the
 * terminal's currency. */
#include "country.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *currency;
	const char *country_code;
} country_codes[] = {
	{ "GHS", "233" },
	{ "NGN", "234" },
};

const char *country_code_for_currency(const char *currency)
{
	size_t i;

	for (i = 0; i < sizeof(country_codes) / sizeof(country_codes[0]);
	     i++) {
		if (strcmp(currency, country_codes[i].currency) == 0)
			return country_codes[i].country_code;
	}
	return NULL;
}
