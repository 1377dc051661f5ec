/* Customer management: validation and journal rows of registrations and
 * profile updates, and the journal's cache of customers for offline
 * lookups. */
#define LOG_MODULE "customer"
#include "customer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "../offline/journal_internal.h"
#include "app.h"
#include "currency.h"
#include "log.h"
#include "policy.h"
#include "uuid.h"
#include "validate.h"

/* Limits of the central service's registration rules, in characters. */
#define NAME_MAX_CHARS 64
#define ADDRESS_MAX_CHARS 200

/* Room for one cached profile as JSON. */
#define CACHE_JSON_SIZE 4096

static const char *const cache_sql[STMT_TOTAL] = {
	[STMT_CUSTOMER_CACHE_PUT] =
		"INSERT OR REPLACE INTO customer_cache"
		" (customer_id, phone, wallet, json, used_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
	/* The newest rows by used_at, then by insertion, stay. */
	[STMT_CUSTOMER_CACHE_EVICT] =
		"DELETE FROM customer_cache WHERE rowid IN"
		" (SELECT rowid FROM customer_cache"
		" ORDER BY used_at DESC, rowid DESC LIMIT -1 OFFSET ?1)",
	/* ?1 is the api_customer_key. A wallet matches any account in the
	 * JSON, which api_customer_encode writes without spaces. */
	[STMT_CUSTOMER_CACHE_FIND] =
		"SELECT customer_id, json FROM customer_cache"
		" WHERE (?1 = 0 AND phone = ?2) OR (?1 = 1 AND (wallet = ?2"
		" OR instr(json, '\"account\":\"' || ?2 || '\"') > 0))"
		" ORDER BY used_at DESC LIMIT 1",
	[STMT_CUSTOMER_CACHE_TOUCH] =
		"UPDATE customer_cache SET used_at = ?2"
		" WHERE customer_id = ?1",
	/* The oldest accepted profile update made on the version that the
	 * cache holds. It walks the cache, at most CUSTOMER_CACHE_MAX rows,
	 * with one probe of operation_keys' primary key each, and parses
	 * JSON only for accepted updates. */
	[STMT_CUSTOMER_CACHE_FOLLOW] =
		"SELECT o.id, o.payload, c.json FROM customer_cache c"
		" JOIN operation_keys k ON k.key = 'customer:' || c.customer_id"
		" JOIN operations o ON o.id = k.operation_id"
		" WHERE o.type = '" API_TYPE_CUSTOMER_UPDATE "'"
		" AND o.state = 'accepted'"
		" AND json_extract(o.payload, '$.base_version') ="
		" json_extract(c.json, '$.version')"
		" ORDER BY o.created_at, o.rowid LIMIT 1",
};

/* Most accepted updates applied to the cache in one lookup. More wait for
 * the next lookup. */
#define FOLLOW_MAX 64

/* Copy text without leading and trailing ASCII spaces into out, as the
 * validators check it. Returns 0, or -1 when it does not fit. */
static int copy_trimmed(const char *text, char *out, size_t size)
{
	size_t length;

	while (*text == ' ')
		text++;
	length = strlen(text);
	while (length > 0 && text[length - 1] == ' ')
		length--;
	if (length >= size)
		return -1;
	memcpy(out, text, length);
	out[length] = '\0';
	return 0;
}

/* Set *field to which and message to text (unless NULL), and return
 * -1. */
static int reject(enum customer_field *field, enum customer_field which,
		  char *message, size_t message_size, const char *text)
{
	*field = which;
	if (text != NULL)
		snprintf(message, message_size, "%s", text);
	return -1;
}

/* Check a name and store it trimmed. */
static int check_name(const char *text, char *out, size_t size,
		      char *message, size_t message_size)
{
	if (validate_person_name(text, NAME_MAX_CHARS, message,
				 message_size) != VALIDATE_OK)
		return -1;
	if (copy_trimmed(text, out, size) != 0) {
		snprintf(message, message_size, "Name too long");
		return -1;
	}
	return 0;
}

static int check_address(const char *text, char *out, size_t size,
			 char *message, size_t message_size)
{
	if (validate_address(text, ADDRESS_MAX_CHARS, message,
			     message_size) != VALIDATE_OK)
		return -1;
	if (copy_trimmed(text, out, size) != 0) {
		snprintf(message, message_size, "Address too long");
		return -1;
	}
	return 0;
}

static int check_email(const char *text, char *out, size_t size,
		       char *message, size_t message_size)
{
	if (validate_email(text, message, message_size) != VALIDATE_OK)
		return -1;
	if (copy_trimmed(text, out, size) != 0) {
		snprintf(message, message_size, "Email address too long");
		return -1;
	}
	return 0;
}

/* Check the ID type and number. The API spells "drivers_license" and
 * app/validate.h "drivers_licence", so both are taken and the API's
 * spelling is stored. */
static int check_id(const char *type, const char *number,
		    struct customer_registration *out,
		    enum customer_field *field, char *message,
		    size_t message_size)
{
	static const char *const types[][2] = {
		{ "national_id", "national_id" },
		{ "passport", "passport" },
		{ "voter_id", "voter_id" },
		{ "drivers_license", "drivers_licence" },
		{ "drivers_licence", "drivers_licence" },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(type, types[i][0]) == 0)
			break;
	}
	if (i == sizeof(types) / sizeof(types[0]))
		return reject(field, CUSTOMER_FIELD_ID_TYPE, message,
			      message_size,
			      "ID type must be national_id, passport, "
			      "drivers_license or voter_id");
	if (validate_id_number(types[i][1], number, out->id_number,
			       sizeof(out->id_number), message,
			       message_size) != VALIDATE_OK)
		return reject(field, CUSTOMER_FIELD_ID_NUMBER, message,
			      message_size, NULL);
	snprintf(out->id_type, sizeof(out->id_type), "%s",
		 strcmp(types[i][1], "drivers_licence") == 0
			 ? "drivers_license"
			 : types[i][0]);
	return 0;
}

/* Validate every registration field into *out, in the form's order. */
static int validate_registration(const struct customer_registration *typed,
				 const char *default_country_code,
				 int64_t now, struct customer_registration *out,
				 enum customer_field *field, char *message,
				 size_t message_size)
{
	time_t seconds = (time_t)now;
	struct tm today;

	gmtime_r(&seconds, &today);
	if (check_name(typed->first_name, out->first_name,
		       sizeof(out->first_name), message, message_size) != 0)
		return reject(field, CUSTOMER_FIELD_FIRST_NAME, message,
			      message_size, NULL);
	if (check_name(typed->last_name, out->last_name,
		       sizeof(out->last_name), message, message_size) != 0)
		return reject(field, CUSTOMER_FIELD_LAST_NAME, message,
			      message_size, NULL);
	if (validate_phone(typed->phone, default_country_code, out->phone,
			   sizeof(out->phone), message,
			   message_size) != VALIDATE_OK)
		return reject(field, CUSTOMER_FIELD_PHONE, message,
			      message_size, NULL);
	if (validate_date_of_birth(typed->date_of_birth, &today,
				   CUSTOMER_MINIMUM_AGE, out->date_of_birth,
				   sizeof(out->date_of_birth), message,
				   message_size) != VALIDATE_OK)
		return reject(field, CUSTOMER_FIELD_DATE_OF_BIRTH, message,
			      message_size, NULL);
	if (check_id(typed->id_type, typed->id_number, out, field, message,
		     message_size) != 0)
		return -1;
	if (check_address(typed->address, out->address, sizeof(out->address),
			  message, message_size) != 0)
		return reject(field, CUSTOMER_FIELD_ADDRESS, message,
			      message_size, NULL);
	if (check_email(typed->email, out->email, sizeof(out->email), message,
			message_size) != 0)
		return reject(field, CUSTOMER_FIELD_EMAIL, message,
			      message_size, NULL);
	if (currency_find(typed->currency) == NULL)
		return reject(field, CUSTOMER_FIELD_CURRENCY, message,
			      message_size, "Currency is not supported");
	snprintf(out->currency, sizeof(out->currency), "%s", typed->currency);
	return 0;
}

/* Fill the fields of a journal row that every customer operation shares.
 * The payload and keys are already in op. */
static void fill_operation(struct operation *op, const char *type,
			   const char *agent_id, const char *currency,
			   int64_t now)
{
	snprintf(op->type, sizeof(op->type), "%s", type);
	snprintf(op->agent_id, sizeof(op->agent_id), "%s", agent_id);
	snprintf(op->currency, sizeof(op->currency), "%s", currency);
	op->amount = 0; /* a customer operation moves no money */
	op->state = OP_QUEUED;
	op->created_at = now;
	op->updated_at = now;
	op->next_attempt_at = now;
}

int customer_registration_build(const char *agent_id,
				const struct customer_registration *typed,
				const char *default_country_code, int64_t now,
				struct customer_registration *out,
				struct operation *op,
				enum customer_field *field, char *message,
				size_t message_size)
{
	struct customer_registration reg = { 0 };

	*field = CUSTOMER_FIELD_NONE;
	if (validate_registration(typed, default_country_code, now, &reg,
				  field, message, message_size) != 0)
		return -1;

	memset(op, 0, sizeof(*op));
	if (uuid_generate(reg.customer_id) != 0 || uuid_generate(op->id) != 0) {
		snprintf(message, message_size,
			 "Not saved: no random source for the customer id");
		return -1;
	}
	if (api_customer_registration_encode(&reg, op->payload,
					     sizeof(op->payload)) != API_OK ||
	    api_dependency_keys(API_TYPE_CUSTOMER_REGISTRATION, op->payload,
				op->keys) != API_OK) {
		snprintf(message, message_size, "Not saved: fields too long");
		return -1;
	}
	fill_operation(op, API_TYPE_CUSTOMER_REGISTRATION, agent_id,
		       reg.currency, now);
	*out = reg;
	return 0;
}

/* Validate the changed fields of typed into *out. */
static int validate_update(const struct customer_update *typed,
			   const char *default_country_code,
			   struct customer_update *out,
			   enum customer_field *field, char *message,
			   size_t message_size)
{
	unsigned changes = typed->changes;

	if ((changes & API_CHANGE_FIRST_NAME) &&
	    check_name(typed->first_name, out->first_name,
		       sizeof(out->first_name), message, message_size) != 0)
		return reject(field, CUSTOMER_FIELD_FIRST_NAME, message,
			      message_size, NULL);
	if ((changes & API_CHANGE_LAST_NAME) &&
	    check_name(typed->last_name, out->last_name,
		       sizeof(out->last_name), message, message_size) != 0)
		return reject(field, CUSTOMER_FIELD_LAST_NAME, message,
			      message_size, NULL);
	if ((changes & API_CHANGE_PHONE) &&
	    validate_phone(typed->phone, default_country_code, out->phone,
			   sizeof(out->phone), message,
			   message_size) != VALIDATE_OK)
		return reject(field, CUSTOMER_FIELD_PHONE, message,
			      message_size, NULL);
	if ((changes & API_CHANGE_ADDRESS) &&
	    check_address(typed->address, out->address, sizeof(out->address),
			  message, message_size) != 0)
		return reject(field, CUSTOMER_FIELD_ADDRESS, message,
			      message_size, NULL);
	if ((changes & API_CHANGE_EMAIL) &&
	    check_email(typed->email, out->email, sizeof(out->email), message,
			message_size) != 0)
		return reject(field, CUSTOMER_FIELD_EMAIL, message,
			      message_size, NULL);
	return 0;
}

int customer_update_build(const char *agent_id, const char *currency,
			  const struct customer_update *typed,
			  const char *default_country_code, int64_t now,
			  struct operation *op, enum customer_field *field,
			  char *message, size_t message_size)
{
	struct customer_update update = { 0 };

	*field = CUSTOMER_FIELD_NONE;
	if (!uuid_is_valid(typed->customer_id))
		return reject(field, CUSTOMER_FIELD_CUSTOMER_ID, message,
			      message_size, "Customer id is not a valid UUID");
	if (typed->base_version < 1)
		return reject(field, CUSTOMER_FIELD_BASE_VERSION, message,
			      message_size,
			      "Profile version must be 1 or more");
	if (typed->changes == 0 || (typed->changes & ~0x1fu) != 0)
		return reject(field, CUSTOMER_FIELD_NONE, message, message_size,
			      "Change at least one field");
	if (currency == NULL || currency_find(currency) == NULL)
		return reject(field, CUSTOMER_FIELD_CURRENCY, message,
			      message_size, "Currency is not supported");
	if (validate_update(typed, default_country_code, &update, field,
			    message, message_size) != 0)
		return -1;
	memcpy(update.customer_id, typed->customer_id,
	       sizeof(update.customer_id));
	update.base_version = typed->base_version;
	update.changes = typed->changes;

	memset(op, 0, sizeof(*op));
	if (uuid_generate(op->id) != 0) {
		snprintf(message, message_size,
			 "Not saved: no random source for the operation id");
		return -1;
	}
	if (api_customer_update_encode(&update, op->payload,
				       sizeof(op->payload)) != API_OK ||
	    api_dependency_keys(API_TYPE_CUSTOMER_UPDATE, op->payload,
				op->keys) != API_OK) {
		snprintf(message, message_size, "Not saved: fields too long");
		return -1;
	}
	fill_operation(op, API_TYPE_CUSTOMER_UPDATE, agent_id, currency, now);
	return 0;
}

int customer_journal(struct journal *journal, const struct operation *op,
		     bool online, char *message, size_t message_size)
{
	return policy_journal(journal, op, online, message, message_size);
}

/* Prepare a cache statement. The journal logs a failure. */
static int prepare(struct journal *journal, enum journal_statement which,
		   sqlite3_stmt **out)
{
	return journal_prepare(journal, which, cache_sql[which], out) ==
			       JOURNAL_OK
		       ? CUSTOMER_OK
		       : CUSTOMER_EIO;
}

/* Run a cache statement that returns no rows. */
static int step_done(struct journal *journal, sqlite3_stmt *stmt,
		     const char *action, const char *subject)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE) {
		journal_sqlite_error(journal, rc, action, subject);
		journal_release(stmt);
		return CUSTOMER_EIO;
	}
	journal_release(stmt);
	return CUSTOMER_OK;
}

/* Insert or replace one row, then evict beyond CUSTOMER_CACHE_MAX. Runs
 * inside the caller's transaction. */
static int cache_write(struct journal *journal,
		       const struct api_customer *customer, const char *json,
		       int64_t now)
{
	const char *id = customer->profile.customer_id;
	sqlite3_stmt *stmt;

	if (prepare(journal, STMT_CUSTOMER_CACHE_PUT, &stmt) != CUSTOMER_OK)
		return CUSTOMER_EIO;
	journal_bind_text(stmt, 1, id);
	journal_bind_text(stmt, 2, customer->profile.phone);
	journal_bind_text(stmt, 3, customer->wallet_count > 0
					   ? customer->wallets[0].account
					   : "");
	journal_bind_text(stmt, 4, json);
	sqlite3_bind_int64(stmt, 5, now);
	if (step_done(journal, stmt, "cache customer", id) != CUSTOMER_OK)
		return CUSTOMER_EIO;

	if (prepare(journal, STMT_CUSTOMER_CACHE_EVICT, &stmt) != CUSTOMER_OK)
		return CUSTOMER_EIO;
	sqlite3_bind_int(stmt, 1, CUSTOMER_CACHE_MAX);
	return step_done(journal, stmt, "evict cached customers for", id);
}

int customer_cache_put(struct journal *journal,
		       const struct api_customer *customer, int64_t now)
{
	char json[CACHE_JSON_SIZE];
	const char *id;
	int rc;

	if (journal == NULL || customer == NULL ||
	    !uuid_is_valid(customer->profile.customer_id) ||
	    api_customer_encode(customer, json, sizeof(json)) != API_OK)
		return CUSTOMER_EINVAL;
	id = customer->profile.customer_id;
	if (journal_begin(journal, true, id) != JOURNAL_OK)
		return CUSTOMER_EIO;
	rc = cache_write(journal, customer, json, now);
	if (rc == CUSTOMER_OK && journal_commit(journal, id) != JOURNAL_OK)
		rc = CUSTOMER_EIO;
	if (rc != CUSTOMER_OK)
		journal_rollback(journal, id);
	return rc;
}

int customer_cache_put_registration(struct journal *journal,
				    const struct customer_registration *reg,
				    const char *wallet_account, int64_t now)
{
	struct api_customer customer = { 0 };

	if (reg == NULL || wallet_account == NULL ||
	    strlen(wallet_account) >= sizeof(customer.wallets[0].account))
		return CUSTOMER_EINVAL;
	customer.profile = *reg;
	customer.version = 1;
	if (wallet_account[0] != '\0') {
		memcpy(customer.wallets[0].account, wallet_account,
		       strlen(wallet_account) + 1);
		memcpy(customer.wallets[0].currency, reg->currency, 4);
		customer.wallet_count = 1;
	}
	return customer_cache_put(journal, &customer, now);
}

/* Apply the changed fields of update to customer, and the version that
 * the central service gives an accepted update: every accepted update
 * raises the version by 1, and it is accepted only on the current
 * version (docs/api.md, POST /v1/customers/{customer_id}/profile). */
static void apply_update(const struct customer_update *update,
			 struct api_customer *customer)
{
	struct customer_registration *profile = &customer->profile;

	if (update->changes & API_CHANGE_FIRST_NAME)
		memcpy(profile->first_name, update->first_name,
		       sizeof(profile->first_name));
	if (update->changes & API_CHANGE_LAST_NAME)
		memcpy(profile->last_name, update->last_name,
		       sizeof(profile->last_name));
	if (update->changes & API_CHANGE_PHONE)
		memcpy(profile->phone, update->phone, sizeof(profile->phone));
	if (update->changes & API_CHANGE_ADDRESS)
		memcpy(profile->address, update->address,
		       sizeof(profile->address));
	if (update->changes & API_CHANGE_EMAIL)
		memcpy(profile->email, update->email, sizeof(profile->email));
	customer->version = update->base_version + 1;
}

/* Read the next accepted update that the cache has not followed into
 * *update, with the cached customer it applies to. Returns CUSTOMER_OK,
 * CUSTOMER_ENOTFOUND when there is none, or CUSTOMER_EIO. */
static int follow_next(struct journal *journal, struct customer_update *update,
		       struct api_customer *customer)
{
	sqlite3_stmt *stmt;
	const char *id;
	const char *payload;
	const char *json;
	int rc;

	if (prepare(journal, STMT_CUSTOMER_CACHE_FOLLOW, &stmt) != CUSTOMER_OK)
		return CUSTOMER_EIO;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		journal_release(stmt);
		return CUSTOMER_ENOTFOUND;
	}
	if (rc != SQLITE_ROW) {
		journal_sqlite_error(journal, rc, "find accepted updates for",
				     "the customer cache");
		journal_release(stmt);
		return CUSTOMER_EIO;
	}
	id = (const char *)sqlite3_column_text(stmt, 0);
	payload = (const char *)sqlite3_column_text(stmt, 1);
	json = (const char *)sqlite3_column_text(stmt, 2);
	rc = CUSTOMER_OK;
	if (payload == NULL || json == NULL ||
	    api_customer_update_decode(payload, update) != API_OK ||
	    api_customer_decode(json, customer) != API_OK ||
	    strcmp(update->customer_id, customer->profile.customer_id) != 0) {
		log_error("accepted update %s cannot be applied to the "
			  "customer cache",
			  id != NULL ? id : "(null)");
		rc = CUSTOMER_EIO;
	}
	journal_release(stmt);
	return rc;
}

/* Bring cached profiles up to date with the profile updates that the
 * central service accepted since they were cached, so that an edit made
 * offline from the cache is made on the current version. Any connection
 * (the sync worker's, or `spotagent sync` in another process) may have
 * recorded the acceptance, so the cache follows the journal here, before
 * it is read. Returns CUSTOMER_OK or CUSTOMER_EIO. */
static int cache_follow_updates(struct journal *journal, int64_t now)
{
	struct customer_update *update = malloc(sizeof(*update));
	struct api_customer *customer = malloc(sizeof(*customer));
	int rc = CUSTOMER_EIO;

	if (update == NULL || customer == NULL)
		goto out;
	for (int i = 0; i < FOLLOW_MAX; i++) {
		rc = follow_next(journal, update, customer);
		if (rc == CUSTOMER_ENOTFOUND) {
			rc = CUSTOMER_OK;
			break;
		}
		if (rc != CUSTOMER_OK)
			break;
		apply_update(update, customer);
		rc = customer_cache_put(journal, customer, now);
		if (rc != CUSTOMER_OK)
			break;
		log_info("cached customer %s follows an accepted update: "
			 "profile version %lld",
			 customer->profile.customer_id,
			 (long long)customer->version);
	}
out:
	free(update);
	free(customer);
	return rc;
}

/* Read the matching row's id and JSON into *out. */
static int cache_find(struct journal *journal, enum api_customer_key by,
		      const char *value, struct api_customer *out,
		      char id[JOURNAL_ID_SIZE])
{
	sqlite3_stmt *stmt;
	const char *text;
	int rc;

	if (prepare(journal, STMT_CUSTOMER_CACHE_FIND, &stmt) != CUSTOMER_OK)
		return CUSTOMER_EIO;
	sqlite3_bind_int(stmt, 1, (int)by);
	journal_bind_text(stmt, 2, value);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = CUSTOMER_ENOTFOUND;
	} else if (rc != SQLITE_ROW) {
		journal_sqlite_error(journal, rc, "look up cached customer",
				     value);
		rc = CUSTOMER_EIO;
	} else {
		text = (const char *)sqlite3_column_text(stmt, 0);
		snprintf(id, JOURNAL_ID_SIZE, "%s", text != NULL ? text : "");
		text = (const char *)sqlite3_column_text(stmt, 1);
		rc = text != NULL && api_customer_decode(text, out) == API_OK
			     ? CUSTOMER_OK
			     : CUSTOMER_EIO;
		if (rc != CUSTOMER_OK)
			log_error("cached customer %s cannot be read", id);
	}
	journal_release(stmt);
	return rc;
}

/* The newest registration journaled with the key "phone:<e164>" and not
 * yet decided. It is prepared on each use rather than cached, because
 * lookups are rare and the cache's slots are defined in offline/. */
static const char pending_sql[] =
	"SELECT o.id, o.payload FROM operations o"
	" JOIN operation_keys k ON k.operation_id = o.id"
	" WHERE k.key = 'phone:' || ?1 AND o.type = '"
	API_TYPE_CUSTOMER_REGISTRATION "'"
	" AND o.state IN ('queued', 'in_flight', 'needs_attention')"
	" ORDER BY o.created_at DESC, o.rowid DESC LIMIT 1";

/* Find a pending registration by phone into *out, as version 0 without
 * wallets. Returns CUSTOMER_OK, CUSTOMER_ENOTFOUND or CUSTOMER_EIO. */
static int pending_find(struct journal *journal, const char *phone,
			struct api_customer *out)
{
	struct api_customer pending = { 0 };
	sqlite3_stmt *stmt = NULL;
	const char *payload;
	int rc;

	rc = sqlite3_prepare_v2(journal->db, pending_sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		journal_sqlite_error(journal, rc, "prepare pending lookup of",
				     phone);
		return CUSTOMER_EIO;
	}
	sqlite3_bind_text(stmt, 1, phone, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = CUSTOMER_ENOTFOUND;
	} else if (rc != SQLITE_ROW) {
		journal_sqlite_error(journal, rc,
				     "look up pending registration", phone);
		rc = CUSTOMER_EIO;
	} else {
		payload = (const char *)sqlite3_column_text(stmt, 1);
		rc = payload != NULL && api_customer_registration_decode(
						payload, &pending.profile) ==
						API_OK
			     ? CUSTOMER_OK
			     : CUSTOMER_EIO;
		if (rc != CUSTOMER_OK)
			log_error("registration %s cannot be read",
				  (const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	if (rc == CUSTOMER_OK)
		*out = pending;
	return rc;
}

int customer_lookup_offline(struct journal *journal, enum api_customer_key by,
			    const char *value, int64_t now,
			    struct api_customer *out)
{
	struct api_customer found;
	char id[JOURNAL_ID_SIZE];
	sqlite3_stmt *stmt;
	int rc;

	if (journal == NULL || value == NULL || value[0] == '\0' ||
	    (by != API_CUSTOMER_BY_PHONE && by != API_CUSTOMER_BY_WALLET))
		return CUSTOMER_EINVAL;

	/* A stale row is still better than none, so a failure here is
	 * only logged. */
	if (cache_follow_updates(journal, now) != CUSTOMER_OK)
		log_warn("customer cache not brought up to date before the "
			 "lookup of %s",
			 value);
	rc = cache_find(journal, by, value, &found, id);
	if (rc == CUSTOMER_ENOTFOUND && by == API_CUSTOMER_BY_PHONE)
		return pending_find(journal, value, out);
	if (rc != CUSTOMER_OK)
		return rc;

	/* A failed touch only makes the row older for eviction. */
	if (prepare(journal, STMT_CUSTOMER_CACHE_TOUCH, &stmt) == CUSTOMER_OK) {
		journal_bind_text(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, now);
		step_done(journal, stmt, "mark cached customer used", id);
	}
	*out = found;
	return CUSTOMER_OK;
}

int customer_lookup_online(struct journal *journal,
			   struct transport *transport, const char *token,
			   enum api_customer_key by, const char *value,
			   int64_t now, struct api_customer *out,
			   char *message, size_t message_size)
{
	int rc = api_customer_lookup(transport, token, by, value, out, message,
				     message_size);
	int cached;

	if (rc != API_OK)
		return rc;
	cached = customer_cache_put(journal, out, now);
	if (cached != CUSTOMER_OK)
		log_warn("customer %s not cached: %s", out->profile.customer_id,
			 customer_strerror(cached));
	return API_OK;
}

struct lookup_request {
	struct app *app;
	char token[API_TOKEN_SIZE];
	enum api_customer_key by;
	char value[API_PHONE_SIZE + API_ACCOUNT_SIZE];
};

/* The customer found on the request thread, until the UI thread takes it. */
static pthread_mutex_t found_lock = PTHREAD_MUTEX_INITIALIZER;
static struct api_customer found;
static bool found_ready;

static void *run_lookup(void *arg)
{
	struct lookup_request *request = arg;
	struct app *app = request->app;
	struct event event = { .type = EVENT_LOOKUP };
	struct api_customer *customer;
	struct transport *transport;
	int rc = API_EINVAL;

	customer = calloc(1, sizeof(*customer));
	if (customer == NULL) {
		snprintf(event.text, sizeof(event.text), "Out of memory");
		goto done;
	}
	transport = app_request_transport(app, event.text, sizeof(event.text));
	if (transport != NULL)
		rc = api_customer_lookup(transport, request->token,
					 request->by, request->value, customer,
					 event.text, sizeof(event.text));
	if (rc == API_OK) {
		pthread_mutex_lock(&found_lock);
		found = *customer;
		found_ready = true;
		pthread_mutex_unlock(&found_lock);
	} else {
		log_info("customer lookup failed: %s", api_strerror(rc));
	}

done:
	free(customer);
	explicit_bzero(request->token, sizeof(request->token));
	event.status = rc;
	snprintf(event.id, sizeof(event.id), "%s", CUSTOMER_LOOKUP_EVENT_ID);
	free(request);
	app_request_finish(app);
	event_post(app->events, &event);
	return NULL;
}

int customer_lookup_start(struct app *app, enum api_customer_key by,
			  const char *value, char *message,
			  size_t message_size)
{
	struct lookup_request *request;

	if (!app->session.logged_in || app->session.token[0] == '\0') {
		snprintf(message, message_size, "Log in online first");
		return -1;
	}
	request = calloc(1, sizeof(*request));
	if (request == NULL) {
		snprintf(message, message_size, "Out of memory");
		return -1;
	}
	request->app = app;
	request->by = by;
	memcpy(request->token, app->session.token, sizeof(request->token));
	snprintf(request->value, sizeof(request->value), "%s", value);
	pthread_mutex_lock(&found_lock);
	found_ready = false;
	pthread_mutex_unlock(&found_lock);
	if (app_request_start(app, run_lookup, request, message,
			      message_size) != 0) {
		explicit_bzero(request, sizeof(*request));
		free(request);
		return -1;
	}
	return 0;
}

int customer_lookup_take(struct api_customer *out)
{
	int rc = CUSTOMER_ENOTFOUND;

	pthread_mutex_lock(&found_lock);
	if (found_ready) {
		*out = found;
		found_ready = false;
		rc = CUSTOMER_OK;
	}
	pthread_mutex_unlock(&found_lock);
	return rc;
}

/* Names of the fields a conflict may list: those of a profile update. */
static bool is_update_field(const char *name)
{
	static const char *const names[] = { "first_name", "last_name",
					     "phone", "address", "email" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0)
			return true;
	}
	return false;
}

/* Copy a conflict value, a string or null (none), into out. */
static int read_conflict_value(json_t *value, char *out, size_t size)
{
	const char *text = json_string_value(value);

	if (json_is_null(value)) {
		out[0] = '\0';
		return 0;
	}
	if (text == NULL || strlen(text) >= size)
		return -1;
	memcpy(out, text, strlen(text) + 1);
	return 0;
}

/* Read one entry of a conflict's fields: [name, central, edit(, bits)]. */
static int read_conflict_field(json_t *entry, struct customer_conflict *out)
{
	size_t size = json_array_size(entry);
	const char *name = json_string_value(json_array_get(entry, 0));
	json_t *bits = json_array_get(entry, 3);
	int n = out->count;

	if (!json_is_array(entry) || (size != 3 && size != 4) ||
	    name == NULL || !is_update_field(name) ||
	    (size == 4 && (!json_is_integer(bits) ||
			   json_integer_value(bits) < 1 ||
			   json_integer_value(bits) > 3)))
		return -1;
	snprintf(out->fields[n].name, sizeof(out->fields[n].name), "%s", name);
	if (read_conflict_value(json_array_get(entry, 1),
				out->fields[n].central,
				sizeof(out->fields[n].central)) != 0 ||
	    read_conflict_value(json_array_get(entry, 2), out->fields[n].edit,
				sizeof(out->fields[n].edit)) != 0)
		return -1;
	if (size == 4) {
		json_int_t cut = json_integer_value(bits);

		out->fields[n].central_cut = (cut & 1) != 0;
		out->fields[n].edit_cut = (cut & 2) != 0;
	}
	out->count++;
	return 0;
}

int customer_conflict_parse(const char *reason, struct customer_conflict *out)
{
	struct customer_conflict *parsed;
	const char *start = reason != NULL ? strchr(reason, '{') : NULL;
	json_t *root = NULL;
	json_t *version;
	json_t *base;
	json_t *fields;
	json_t *entry;
	size_t i;
	int rc = CUSTOMER_EINVAL;

	if (start == NULL || strlen(start) > API_CONFLICT_REASON_MAX)
		return CUSTOMER_EINVAL;
	parsed = calloc(1, sizeof(*parsed));
	root = json_loads(start, JSON_REJECT_DUPLICATES, NULL);
	version = json_object_get(root, "version");
	base = json_object_get(root, "base");
	fields = json_object_get(root, "fields");
	if (parsed == NULL || !json_is_integer(version) ||
	    json_integer_value(version) < 1 || !json_is_integer(base) ||
	    json_integer_value(base) < 1 || !json_is_array(fields) ||
	    json_array_size(fields) > CUSTOMER_CONFLICT_FIELDS_MAX ||
	    json_object_size(root) != 3)
		goto out;
	parsed->version = json_integer_value(version);
	parsed->base_version = json_integer_value(base);
	json_array_foreach(fields, i, entry) {
		if (read_conflict_field(entry, parsed) != 0)
			goto out;
	}
	*out = *parsed;
	rc = CUSTOMER_OK;
out:
	json_decref(root);
	free(parsed);
	return rc;
}

const char *customer_strerror(int error)
{
	switch (error) {
	case CUSTOMER_OK:
		return "Success";
	case CUSTOMER_EINVAL:
		return "Invalid customer data or argument";
	case CUSTOMER_EIO:
		return "Customer cache in the journal failed";
	case CUSTOMER_ENOTFOUND:
		return "Customer not found on this terminal";
	default:
		return "Unknown error";
	}
}
