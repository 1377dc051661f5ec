/* Reference data cached in the journal's meta table: the fee schedule with
 * the fee computation, the bank list with account number checks, and the
 * send-money corridors. */
#define LOG_MODULE "refdata"
#include "refdata.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "bank_account.h"
#include "currency.h"
#include "log.h"

/* Maximum length of an account number as typed, spaces included. */
#define ACCOUNT_TEXT_MAX 64

static const struct {
	enum api_reference which;
	const char *key;
	const char *name;
} kinds[] = {
	{ API_REFERENCE_FEES, REFDATA_META_FEES, "fee schedule" },
	{ API_REFERENCE_BANKS, REFDATA_META_BANKS, "bank list" },
	{ API_REFERENCE_CORRIDORS, REFDATA_META_CORRIDORS, "corridor list" },
};

#define KIND_COUNT (sizeof(kinds) / sizeof(kinds[0]))

/* Fetch one kind and cache it with its fetch time. Returns 0 or an
 * api_error. A journal failure is API_EINVAL, as in sync_refresh_policy. */
static int refresh_one(struct journal *journal, struct transport *transport,
		       size_t kind, char *json)
{
	char key[JOURNAL_META_KEY_SIZE];
	char stamp[24];
	int rc;

	rc = api_reference_fetch(transport, kinds[kind].which, json,
				 JOURNAL_META_VALUE_SIZE);
	if (rc != API_OK) {
		log_warn("%s not refreshed: %s", kinds[kind].name,
			 api_strerror(rc));
		return rc;
	}
	snprintf(key, sizeof(key), "%s_fetched_at", kinds[kind].key);
	snprintf(stamp, sizeof(stamp), "%lld", (long long)time(NULL));
	if (journal_set_meta(journal, kinds[kind].key, json) != JOURNAL_OK ||
	    journal_set_meta(journal, key, stamp) != JOURNAL_OK) {
		log_warn("%s not cached: the journal failed",
			 kinds[kind].name);
		return API_EINVAL;
	}
	return API_OK;
}

int refdata_refresh(struct journal *journal, struct transport *transport)
{
	char *json = malloc(JOURNAL_META_VALUE_SIZE);
	int result = API_OK;

	if (json == NULL)
		return API_EINVAL;
	for (size_t i = 0; i < KIND_COUNT; i++) {
		int rc = refresh_one(journal, transport, i, json);

		if (rc != API_OK && result == API_OK)
			result = rc;
	}
	free(json);
	if (result == API_OK)
		log_info("reference data refreshed");
	return result;
}

/* Read the cached text of key into a new buffer (*text, freed by the
 * caller). Returns 0 or a refdata_error. */
static int load_cached(struct journal *journal, const char *key, char **text)
{
	char *buffer = malloc(JOURNAL_META_VALUE_SIZE);
	int rc;

	*text = NULL;
	if (buffer == NULL)
		return REFDATA_EIO;
	rc = journal_get_meta(journal, key, buffer, JOURNAL_META_VALUE_SIZE);
	if (rc != JOURNAL_OK) {
		free(buffer);
		if (rc == JOURNAL_ENOTFOUND)
			return REFDATA_EMISSING;
		log_error("cached %s not read: %s", key, journal_strerror(rc));
		return REFDATA_EIO;
	}
	*text = buffer;
	return REFDATA_OK;
}

/* Return the rate part of a fee, round half up of amount * rate_bp /
 * 10000. The amount is split at 10000 so that no product overflows:
 * amount * rate_bp = (high * 10000 + low) * rate_bp, and high * rate_bp
 * is a whole number of the result. */
static int64_t rate_part(int64_t amount, int64_t rate_bp)
{
	int64_t high = amount / 10000;
	int64_t low = amount % 10000;

	return high * rate_bp + (low * rate_bp + 5000) / 10000;
}

/* The fee of a checked band for amount. */
static int64_t band_fee(json_t *band, int64_t amount)
{
	json_t *min = json_object_get(band, "min");
	json_t *max = json_object_get(band, "max");
	int64_t fee = json_integer_value(json_object_get(band, "fixed")) +
		      rate_part(amount, json_integer_value(json_object_get(
						band, "rate_bp")));

	if (min != NULL && fee < json_integer_value(min))
		fee = json_integer_value(min);
	if (max != NULL && fee > json_integer_value(max))
		fee = json_integer_value(max);
	return fee;
}

int refdata_fee_from(const char *schedule, const char *type,
		     const char *currency, int64_t amount, int64_t *fee)
{
	json_t *root;
	json_t *bands;
	size_t count;
	int64_t result = 0;

	if (amount < 1 || amount > CURRENCY_AMOUNT_MAX)
		return REFDATA_ERANGE;
	if (type == NULL || currency == NULL ||
	    api_reference_check(API_REFERENCE_FEES, schedule) != API_OK)
		return REFDATA_EPROTOCOL;
	root = json_loads(schedule, 0, NULL);
	bands = json_object_get(
		json_object_get(json_object_get(root, "fees"), type), currency);
	count = json_array_size(bands);
	/* The bands are checked to rise, with the last one unbounded, so
	 * exactly one applies. */
	for (size_t i = 0; i < count; i++) {
		json_t *band = json_array_get(bands, i);
		json_t *up_to = json_object_get(band, "up_to");

		if (json_is_null(up_to) ||
		    json_integer_value(up_to) >= amount) {
			result = band_fee(band, amount);
			break;
		}
	}
	json_decref(root);
	*fee = result;
	return REFDATA_OK;
}

int refdata_fee(struct journal *journal, const char *type,
		const char *currency, int64_t amount, int64_t *fee)
{
	char *schedule;
	int rc;

	if (amount < 1 || amount > CURRENCY_AMOUNT_MAX)
		return REFDATA_ERANGE;
	rc = load_cached(journal, REFDATA_META_FEES, &schedule);
	if (rc != REFDATA_OK)
		return rc;
	rc = refdata_fee_from(schedule, type, currency, amount, fee);
	free(schedule);
	return rc;
}

/* Load the cached list of kind `which` (checked again, because the
 * journal file may be old or edited) and return its array `member` in
 * *list, with the root in *root for the caller to release. */
static int load_list(struct journal *journal, enum api_reference which,
		     const char *key, const char *member, json_t **root,
		     json_t **list)
{
	char *text;
	int rc;

	*root = NULL;
	rc = load_cached(journal, key, &text);
	if (rc != REFDATA_OK)
		return rc;
	if (api_reference_check(which, text) != API_OK) {
		free(text);
		return REFDATA_EPROTOCOL;
	}
	*root = json_loads(text, 0, NULL);
	free(text);
	*list = json_object_get(*root, member);
	return json_is_array(*list) ? REFDATA_OK : REFDATA_EPROTOCOL;
}

/* Fill out from a checked bank object. */
static int read_bank(json_t *item, struct refdata_bank *out)
{
	const char *scheme = json_string_value(json_object_get(item, "scheme"));
	int64_t length;

	memset(out, 0, sizeof(*out));
	if (copy_string(item, "code", out->code, sizeof(out->code)) != 0 ||
	    copy_string(item, "name", out->name, sizeof(out->name)) != 0 ||
	    copy_string(item, "country", out->country,
			sizeof(out->country)) != 0 ||
	    copy_string(item, "currency", out->currency,
			sizeof(out->currency)) != 0 ||
	    scheme == NULL)
		return REFDATA_EPROTOCOL;
	if (strcmp(scheme, "nuban") == 0) {
		out->scheme = REFDATA_SCHEME_NUBAN;
	} else if (strcmp(scheme, "iban") == 0) {
		out->scheme = REFDATA_SCHEME_IBAN;
	} else {
		out->scheme = REFDATA_SCHEME_DIGITS;
		if (read_integer(item, "min_length", 1, INT32_MAX, &length))
			return REFDATA_EPROTOCOL;
		out->min_length = (int)length;
		if (read_integer(item, "max_length", 1, INT32_MAX, &length))
			return REFDATA_EPROTOCOL;
		out->max_length = (int)length;
	}
	return REFDATA_OK;
}

int refdata_banks(struct journal *journal, struct refdata_bank *banks,
		  int max)
{
	json_t *root;
	json_t *list;
	int count = 0;
	int rc;

	rc = load_list(journal, API_REFERENCE_BANKS, REFDATA_META_BANKS,
		       "banks", &root, &list);
	for (size_t i = 0; rc == REFDATA_OK && i < json_array_size(list) &&
			   count < max;
	     i++) {
		rc = read_bank(json_array_get(list, i), &banks[count]);
		if (rc == REFDATA_OK)
			count++;
	}
	json_decref(root);
	return rc == REFDATA_OK ? count : rc;
}

int refdata_bank_find(struct journal *journal, const char *code,
		      struct refdata_bank *out)
{
	struct refdata_bank bank;
	json_t *root;
	json_t *list;
	int rc;

	if (code == NULL)
		return REFDATA_ENOTFOUND;
	rc = load_list(journal, API_REFERENCE_BANKS, REFDATA_META_BANKS,
		       "banks", &root, &list);
	for (size_t i = 0; rc == REFDATA_OK && i < json_array_size(list);
	     i++) {
		const char *item_code = json_string_value(
			json_object_get(json_array_get(list, i), "code"));

		if (item_code == NULL || strcmp(item_code, code) != 0)
			continue;
		rc = read_bank(json_array_get(list, i), &bank);
		if (rc == REFDATA_OK)
			*out = bank;
		json_decref(root);
		return rc;
	}
	json_decref(root);
	return rc == REFDATA_OK ? REFDATA_ENOTFOUND : rc;
}

/* Fill out from a checked corridor object. */
static int read_corridor(json_t *item, struct refdata_corridor *out)
{
	json_t *methods = json_object_get(item, "methods");

	memset(out, 0, sizeof(*out));
	if (copy_string(item, "country", out->country,
			sizeof(out->country)) != 0 ||
	    copy_string(item, "name", out->name, sizeof(out->name)) != 0 ||
	    copy_string(item, "currency", out->currency,
			sizeof(out->currency)) != 0 ||
	    json_array_size(methods) > REFDATA_METHODS_MAX)
		return REFDATA_EPROTOCOL;
	for (size_t i = 0; i < json_array_size(methods); i++) {
		const char *name =
			json_string_value(json_array_get(methods, i));

		if (name == NULL || strlen(name) >= API_METHOD_SIZE)
			return REFDATA_EPROTOCOL;
		memcpy(out->methods[i], name, strlen(name) + 1);
		out->method_count++;
	}
	return REFDATA_OK;
}

int refdata_corridors(struct journal *journal,
		      struct refdata_corridor *corridors, int max)
{
	json_t *root;
	json_t *list;
	int count = 0;
	int rc;

	rc = load_list(journal, API_REFERENCE_CORRIDORS,
		       REFDATA_META_CORRIDORS, "corridors", &root, &list);
	for (size_t i = 0; rc == REFDATA_OK && i < json_array_size(list) &&
			   count < max;
	     i++) {
		rc = read_corridor(json_array_get(list, i), &corridors[count]);
		if (rc == REFDATA_OK)
			count++;
	}
	json_decref(root);
	return rc == REFDATA_OK ? count : rc;
}

/* Check a number of a digits-scheme bank: ASCII spaces are ignored, the
 * rest must be min_length..max_length digits. */
static int check_digits(const struct refdata_bank *bank, const char *text,
			char *out, size_t out_size, char *message,
			size_t message_size)
{
	char digits[ACCOUNT_TEXT_MAX + 1];
	size_t length = 0;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9') {
			snprintf(message, message_size,
				 "The account number may contain only digits");
			return -1;
		}
		digits[length++] = *p;
	}
	digits[length] = '\0';
	if (length == 0) {
		snprintf(message, message_size, "Enter the account number");
		return -1;
	}
	if ((int)length < bank->min_length || (int)length > bank->max_length) {
		if (bank->min_length == bank->max_length)
			snprintf(message, message_size,
				 "%s account numbers have %d digits",
				 bank->name, bank->min_length);
		else
			snprintf(message, message_size,
				 "%s account numbers have %d to %d digits",
				 bank->name, bank->min_length,
				 bank->max_length);
		return -1;
	}
	if (length >= out_size) {
		snprintf(message, message_size, "Account number too long");
		return -1;
	}
	memcpy(out, digits, length + 1);
	return 0;
}

/* Check an IBAN, which must belong to the bank's country. */
static int check_iban(const struct refdata_bank *bank, const char *text,
		      char *out, size_t out_size, char *message,
		      size_t message_size)
{
	char iban[BANK_ACCOUNT_IBAN_SIZE];
	int rc = bank_account_check_iban(text, iban, sizeof(iban));

	if (rc != BANK_ACCOUNT_OK) {
		snprintf(message, message_size, "%s",
			 bank_account_strerror(rc));
		return -1;
	}
	if (strncmp(iban, bank->country, 2) != 0) {
		snprintf(message, message_size,
			 "The IBAN is from %.2s, but %s is in %s", iban,
			 bank->name, bank->country);
		return -1;
	}
	if (strlen(iban) >= out_size) {
		snprintf(message, message_size, "Account number too long");
		return -1;
	}
	memcpy(out, iban, strlen(iban) + 1);
	return 0;
}

int refdata_bank_account_check(const struct refdata_bank *bank,
			       const char *text, char *out, size_t out_size,
			       char *message, size_t message_size)
{
	char nuban[BANK_ACCOUNT_NUBAN_SIZE];
	char typed[ACCOUNT_TEXT_MAX + 1];
	int rc;

	if (bank == NULL || text == NULL || out == NULL || out_size == 0) {
		snprintf(message, message_size, "Invalid account number");
		return -1;
	}
	/* A copy, because text may be out itself. */
	rc = snprintf(typed, sizeof(typed), "%s", text);
	out[0] = '\0';
	if (rc < 0 || (size_t)rc >= sizeof(typed)) {
		snprintf(message, message_size,
			 "The account number is longer than %d characters",
			 ACCOUNT_TEXT_MAX);
		return -1;
	}
	text = typed;
	if (bank->scheme == REFDATA_SCHEME_DIGITS)
		return check_digits(bank, text, out, out_size, message,
				    message_size);
	if (bank->scheme == REFDATA_SCHEME_IBAN)
		return check_iban(bank, text, out, out_size, message,
				  message_size);
	rc = bank_account_check_nuban(text, bank->code, nuban, sizeof(nuban));
	if (rc != BANK_ACCOUNT_OK || strlen(nuban) >= out_size) {
		snprintf(message, message_size, "%s",
			 bank_account_strerror(rc != BANK_ACCOUNT_OK
						       ? rc
						       : BANK_ACCOUNT_ESPACE));
		return -1;
	}
	memcpy(out, nuban, strlen(nuban) + 1);
	return 0;
}

const char *refdata_strerror(int error)
{
	switch (error) {
	case REFDATA_OK:
		return "Success";
	case REFDATA_EIO:
		return "The journal failed: see the log";
	case REFDATA_EMISSING:
		return "No fee schedule, bank or corridor list yet: connect "
		       "to the central service once";
	case REFDATA_EPROTOCOL:
		return "The cached reference data is unreadable: connect to "
		       "the central service to refresh it";
	case REFDATA_ENOTFOUND:
		return "Bank or corridor not in the cached list";
	case REFDATA_ERANGE:
		return "Amount out of range";
	default:
		return "Unknown error";
	}
}
