/* Customer management: registration and profile updates built and
 * journaled like transfers, and a bounded cache of customers for lookups
 * while the central service cannot be reached. */
#ifndef SPOTAGENT_CUSTOMER_H
#define SPOTAGENT_CUSTOMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../offline/journal.h"
#include "api.h"

/* Age a customer must have reached on the registration date, as the
 * central service checks it (docs/api.md, POST /v1/customers). */
#define CUSTOMER_MINIMUM_AGE 18

/* Maximum number of customers in the journal's lookup cache. A cached row is at
 * most about 3 KB (the profile JSON with 64-character names and a
 * 200-character address), so the cache stays below about 3 MB of the
 * journal file. 1000 is an estimate of the customers one counter serves
 * in a few weeks, which covers the repeat customers of an outage. The
 * least recently used row is evicted when an insert would pass it. */
#define CUSTOMER_CACHE_MAX 1000

enum customer_error {
	CUSTOMER_OK = 0,
	CUSTOMER_EINVAL = -1,    /* a field or argument is invalid */
	CUSTOMER_EIO = -2,       /* the journal failed; details are logged */
	CUSTOMER_ENOTFOUND = -3, /* no cached customer matches */
};

/* Fields of the customer form, numbered for the build functions. */
enum customer_field {
	CUSTOMER_FIELD_NONE = -1,
	CUSTOMER_FIELD_FIRST_NAME = 0,
	CUSTOMER_FIELD_LAST_NAME = 1,
	CUSTOMER_FIELD_PHONE = 2,
	CUSTOMER_FIELD_DATE_OF_BIRTH = 3,
	CUSTOMER_FIELD_ID_TYPE = 4,
	CUSTOMER_FIELD_ID_NUMBER = 5,
	CUSTOMER_FIELD_ADDRESS = 6,
	CUSTOMER_FIELD_EMAIL = 7,
	CUSTOMER_FIELD_CURRENCY = 8,
	CUSTOMER_FIELD_CUSTOMER_ID = 9,
	CUSTOMER_FIELD_BASE_VERSION = 10,
};

/* Validate the registration form as typed (typed->customer_id is
 * ignored) with the validators of app/validate.h: names of at most 64
 * characters, a phone number normalised to E.164 with
 * default_country_code for national numbers, an age of at least
 * CUSTOMER_MINIMUM_AGE on the UTC date of now, an ID document, an address
 * of at most 200 characters, an optional email and a known currency.
 * Then build the journal row of agent_id at now: a new UUID as customer id
 * in *out, a new UUID as operation id and idempotency key, the payload and
 * the keys "customer:<id>" and "phone:<e164>". Returns 0, or -1 with the
 * first bad field in *field and a line for the agent in message. */
int customer_registration_build(const char *agent_id,
				const struct customer_registration *typed,
				const char *default_country_code, int64_t now,
				struct customer_registration *out,
				struct operation *op,
				enum customer_field *field, char *message,
				size_t message_size);

/* Validate a profile update as typed (the fields whose bit is set in
 * typed->changes, checked as for registration) and build its journal row
 * with the key "customer:<id>". currency is the journal row's currency,
 * normally the terminal's. Returns 0, or -1 with *field and message set as
 * for registration. */
int customer_update_build(const char *agent_id, const char *currency,
			  const struct customer_update *typed,
			  const char *default_country_code, int64_t now,
			  struct operation *op, enum customer_field *field,
			  char *message, size_t message_size);

/* Check op against the offline policy (when not online) and journal it in
 * one transaction. Returns 0, or -1 with a line for the agent in message;
 * on failure nothing is journaled. */
int customer_journal(struct journal *journal, const struct operation *op,
		     bool online, char *message, size_t message_size);

/* Store customer in the lookup cache with used_at now, replacing a row of
 * the same customer id, and evict the least recently used rows beyond
 * CUSTOMER_CACHE_MAX, in one transaction. Returns a customer_error. */
int customer_cache_put(struct journal *journal,
		       const struct api_customer *customer, int64_t now);

/* Store an accepted registration in the lookup cache as profile version 1
 * with its new wallet (wallet_account may be empty when unknown).
 * Returns a customer_error. */
int customer_cache_put_registration(struct journal *journal,
				    const struct customer_registration *reg,
				    const char *wallet_account, int64_t now);

/* Look a customer up in the cache by phone (E.164) or by any of its
 * wallet accounts, and mark the row used at now. Returns CUSTOMER_OK,
 * CUSTOMER_ENOTFOUND, CUSTOMER_EINVAL for a bad argument, or CUSTOMER_EIO.
 * *out is changed only on success. */
int customer_lookup_offline(struct journal *journal, enum api_customer_key by,
			    const char *value, int64_t now,
			    struct api_customer *out);

/* Look a customer up at the central service and, on success, store it in
 * the cache. A cache failure is logged and does not fail the lookup.
 * Returns as api_customer_lookup. */
int customer_lookup_online(struct journal *journal,
			   struct transport *transport, const char *token,
			   enum api_customer_key by, const char *value,
			   int64_t now, struct api_customer *out,
			   char *message, size_t message_size);

struct app;

/* The event id of customer_lookup_start's EVENT_LOOKUP; no wallet
 * account has letters, so it never matches a wallet lookup. */
#define CUSTOMER_LOOKUP_EVENT_ID "customer-lookup"

/* Start a lookup at the central service on app's request thread with
 * the session token. EVENT_LOOKUP arrives with id
 * CUSTOMER_LOOKUP_EVENT_ID and status 0 or a negative api_error (a
 * message in text); after status 0, customer_lookup_take gives the
 * customer. Nothing is cached: the UI thread calls customer_cache_put.
 * Returns 0, or -1 with a line for the agent in message. */
int customer_lookup_start(struct app *app, enum api_customer_key by,
			  const char *value, char *message,
			  size_t message_size);

/* Move the customer found by the last successful customer_lookup_start
 * into *out. Returns CUSTOMER_OK, or CUSTOMER_ENOTFOUND when there is
 * none. Call on the UI thread after its event. */
int customer_lookup_take(struct api_customer *out);

/* Return a static one-line message for a customer_error. */
const char *customer_strerror(int error);

#endif
