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
 * wallet accounts, and mark the row used at now. By phone, a customer
 * that is not cached but whose registration is journaled on this terminal
 * and not yet accepted (queued, in flight or needs attention) is found
 * too, newest registration first, with out->version 0 and no wallets:
 * version 0 means "registration pending", and such a customer can be
 * paid only by customer id. A cached customer wins over a pending
 * registration. Before it reads the cache, it applies to each cached
 * customer the profile updates that the central service accepted on the
 * cached version: their changed fields, and the version raised by one as
 * for every accepted update. Returns CUSTOMER_OK, CUSTOMER_ENOTFOUND,
 * CUSTOMER_EINVAL for a bad argument, or CUSTOMER_EIO. *out is changed
 * only on success. */
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

/* Most changed fields in one conflict: every field a profile update may
 * change (enum api_customer_change). */
#define CUSTOMER_CONFLICT_FIELDS_MAX 5

/* A profile update's version conflict, as customer_conflict_parse reads
 * it from the reason. A value is empty when the profile has none (an
 * email removed or never given). A value marked cut is a prefix of the
 * real one, cut on a character boundary so that the reason fits. */
struct customer_conflict {
	int64_t version;      /* the central service's current version */
	int64_t base_version; /* the version the update was made on */
	int count;            /* entries used in fields */
	struct {
		char name[16];    /* JSON name, such as "phone" or "address" */
		char central[API_CONFLICT_REASON_MAX + 1];
		char edit[API_CONFLICT_REASON_MAX + 1];
		bool central_cut;
		bool edit_cut;
	} fields[CUSTOMER_CONFLICT_FIELDS_MAX];
};

/* Read the reason of a version conflict, as the journal stores it (the
 * sync worker's prefix, "Changed at Spotbanc since you read it: ", is
 * skipped), into *out. The reason is any text without '{', then one JSON
 * object of at most API_CONFLICT_REASON_MAX bytes:
 *     {"version":3,"base":2,"fields":[["phone","+233...","+233..."],
 *      ["email",null,"esi@example.com",1]]}
 * Each entry of fields is the field's name, the central service's value
 * and the update's value (null for none), and optionally the cut bits: 1
 * when the central value is cut, 2 when the update's value is. Returns
 * CUSTOMER_OK, or CUSTOMER_EINVAL when reason is not such a conflict;
 * *out is changed only on success. */
int customer_conflict_parse(const char *reason, struct customer_conflict *out);

/* Return a static one-line message for a customer_error. */
const char *customer_strerror(int error);

#endif
