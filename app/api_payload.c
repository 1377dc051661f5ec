/* The JSON payload codecs of the API client: the operations the journal
 * stores, looked-up customers, version-conflict reasons and the policy. */
#define LOG_MODULE "api"
#include "api_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "../drivers/utf8.h"

int api_dump_payload(json_t *object, char *buf, size_t size)
{
	char *text = object != NULL
			     ? json_dumps(object, JSON_COMPACT | JSON_SORT_KEYS)
			     : NULL;
	int result = API_EINVAL;

	if (text != NULL && strlen(text) < size) {
		memcpy(buf, text, strlen(text) + 1);
		result = API_OK;
	}
	/* The text may be a cash-out's secret part. */
	if (text != NULL)
		explicit_bzero(text, strlen(text));
	free(text);
	json_decref(object);
	return result;
}

json_t *api_load_payload(const char *payload)
{
	json_t *object = payload != NULL ? json_loads(payload,
						      JSON_REJECT_DUPLICATES,
						      NULL)
					 : NULL;

	if (json_is_object(object))
		return object;
	json_decref(object);
	return NULL;
}

/* A JSON string, or null for the empty string (no email address). */
static json_t *string_or_null(const char *text)
{
	return text[0] != '\0' ? json_string(text) : json_null();
}

int api_wallet_transfer_encode(const struct wallet_transfer *transfer,
			       char *payload, size_t size)
{
	char name[API_NAME_SIZE];
	json_t *object;
	bool by_id = transfer->receiver_customer_id[0] != '\0';

	if ((!by_id && transfer->receiver[0] == '\0') || transfer->fee < 0)
		return API_EINVAL;
	object = json_pack("{s:s, s:s, s:s, s:I, s:I}", "sender_account",
			   transfer->sender,
			   by_id ? "receiver_customer_id" : "receiver_account",
			   by_id ? transfer->receiver_customer_id
				 : transfer->receiver,
			   "currency", transfer->currency, "amount",
			   (json_int_t)transfer->amount, "fee",
			   (json_int_t)transfer->fee);
	if (object == NULL)
		return API_EINVAL;
	utf8_copy_prefix(transfer->receiver_name, sizeof(name) - 1, name);
	if (by_id && name[0] != '\0' &&
	    json_object_set_new(object, "receiver_name",
				json_string(name)) != 0) {
		json_decref(object);
		return API_EINVAL;
	}
	return api_dump_payload(object, payload, size);
}

/* Read the receiver of a transfer payload: exactly one of an account and
 * a customer id, and the optional name that goes with the id. */
static int read_receiver(json_t *object, struct wallet_transfer *out)
{
	bool by_account = json_object_get(object, "receiver_account") != NULL;
	bool by_id = json_object_get(object, "receiver_customer_id") != NULL;

	if (by_account == by_id)
		return -1;
	if (by_account)
		return copy_string(object, "receiver_account", out->receiver,
				   sizeof(out->receiver));
	if (copy_string(object, "receiver_customer_id",
			out->receiver_customer_id,
			sizeof(out->receiver_customer_id)) != 0)
		return -1;
	return copy_optional(object, "receiver_name", out->receiver_name,
			     sizeof(out->receiver_name));
}

int api_wallet_transfer_decode(const char *payload,
			       struct wallet_transfer *out)
{
	struct wallet_transfer parsed = { 0 };
	json_t *object;
	json_t *amount;
	int result = API_EPROTOCOL;

	object = api_load_payload(payload);
	if (object == NULL)
		goto out;
	amount = json_object_get(object, "amount");
	if (!json_is_integer(amount) || json_integer_value(amount) <= 0)
		goto out;
	if (copy_string(object, "sender_account", parsed.sender,
			sizeof(parsed.sender)) != 0 ||
	    read_receiver(object, &parsed) != 0 ||
	    copy_string(object, "currency", parsed.currency,
			sizeof(parsed.currency)) != 0 ||
	    api_read_fee(object, &parsed.fee) != 0)
		goto out;
	parsed.amount = (int64_t)json_integer_value(amount);
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

/* The registration fields shared by a registration payload and a looked-up
 * profile, without customer_id and currency. */
static json_t *profile_fields(const struct customer_registration *reg)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
			 "first_name", reg->first_name, "last_name",
			 reg->last_name, "phone", reg->phone,
			 "date_of_birth", reg->date_of_birth, "id_type",
			 reg->id_type, "id_number", reg->id_number,
			 "address", reg->address, "email",
			 string_or_null(reg->email));
}

/* Read the profile fields and customer_id of object into *out. */
static int read_profile(json_t *object, struct customer_registration *out)
{
	if (copy_string(object, "customer_id", out->customer_id,
			sizeof(out->customer_id)) != 0 ||
	    copy_string(object, "first_name", out->first_name,
			sizeof(out->first_name)) != 0 ||
	    copy_string(object, "last_name", out->last_name,
			sizeof(out->last_name)) != 0 ||
	    copy_string(object, "phone", out->phone, sizeof(out->phone)) != 0 ||
	    copy_string(object, "date_of_birth", out->date_of_birth,
			sizeof(out->date_of_birth)) != 0 ||
	    copy_string(object, "id_type", out->id_type,
			sizeof(out->id_type)) != 0 ||
	    copy_string(object, "id_number", out->id_number,
			sizeof(out->id_number)) != 0 ||
	    copy_string(object, "address", out->address,
			sizeof(out->address)) != 0 ||
	    copy_optional(object, "email", out->email, sizeof(out->email)) != 0)
		return -1;
	return 0;
}

int api_customer_registration_encode(const struct customer_registration *reg,
				     char *payload, size_t size)
{
	json_t *object = profile_fields(reg);

	if (object == NULL ||
	    json_object_set_new(object, "customer_id",
				json_string(reg->customer_id)) != 0 ||
	    json_object_set_new(object, "currency",
				json_string(reg->currency)) != 0) {
		json_decref(object);
		return API_EINVAL;
	}
	return api_dump_payload(object, payload, size);
}

int api_customer_registration_decode(const char *payload,
				     struct customer_registration *out)
{
	struct customer_registration parsed = { 0 };
	json_t *object = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	int result = API_EPROTOCOL;

	if (json_is_object(object) && read_profile(object, &parsed) == 0 &&
	    copy_string(object, "currency", parsed.currency,
			sizeof(parsed.currency)) == 0) {
		*out = parsed;
		result = API_OK;
	}
	json_decref(object);
	return result;
}

/* The changeable profile fields: bit, JSON name and offset of the text in
 * struct customer_update. */
static const struct {
	unsigned bit;
	const char *name;
	size_t offset;
	size_t size;
} update_fields[] = {
	{ API_CHANGE_FIRST_NAME, "first_name",
	  offsetof(struct customer_update, first_name), API_PERSON_NAME_SIZE },
	{ API_CHANGE_LAST_NAME, "last_name",
	  offsetof(struct customer_update, last_name), API_PERSON_NAME_SIZE },
	{ API_CHANGE_PHONE, "phone", offsetof(struct customer_update, phone),
	  API_PHONE_SIZE },
	{ API_CHANGE_ADDRESS, "address",
	  offsetof(struct customer_update, address), API_ADDRESS_SIZE },
	{ API_CHANGE_EMAIL, "email", offsetof(struct customer_update, email),
	  API_EMAIL_SIZE },
};

#define UPDATE_FIELD_COUNT (sizeof(update_fields) / sizeof(update_fields[0]))

static const char *update_text(const struct customer_update *update,
			       size_t field)
{
	return (const char *)update + update_fields[field].offset;
}

int api_customer_update_encode(const struct customer_update *update,
			       char *payload, size_t size)
{
	json_t *changes = json_object();
	json_t *object;

	if (changes == NULL || update->base_version < 1 ||
	    (update->changes & ~(unsigned)0x1f) != 0 || update->changes == 0) {
		json_decref(changes);
		return API_EINVAL;
	}
	for (size_t i = 0; i < UPDATE_FIELD_COUNT; i++) {
		json_t *value;

		if ((update->changes & update_fields[i].bit) == 0)
			continue;
		value = string_or_null(update_text(update, i));
		if (json_object_set_new(changes, update_fields[i].name,
					value) != 0) {
			json_decref(changes);
			return API_EINVAL;
		}
	}
	object = json_pack("{s:s, s:I, s:o}", "customer_id",
			   update->customer_id, "base_version",
			   (json_int_t)update->base_version, "changes",
			   changes);
	return api_dump_payload(object, payload, size);
}

int api_customer_update_decode(const char *payload,
			       struct customer_update *out)
{
	struct customer_update parsed = { 0 };
	json_t *object = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	json_t *changes = json_object_get(object, "changes");
	json_t *base = json_object_get(object, "base_version");
	int result = API_EPROTOCOL;

	if (!json_is_object(changes) || !json_is_integer(base) ||
	    json_integer_value(base) < 1 ||
	    copy_string(object, "customer_id", parsed.customer_id,
			sizeof(parsed.customer_id)) != 0)
		goto out;
	parsed.base_version = json_integer_value(base);
	for (size_t i = 0; i < UPDATE_FIELD_COUNT; i++) {
		if (json_object_get(changes, update_fields[i].name) == NULL)
			continue;
		if (copy_optional(changes, update_fields[i].name,
				  (char *)&parsed + update_fields[i].offset,
				  update_fields[i].size) != 0)
			goto out;
		parsed.changes |= update_fields[i].bit;
	}
	if (parsed.changes == 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(object);
	return result;
}

int api_customer_encode(const struct api_customer *customer, char *json,
			size_t size)
{
	json_t *object = profile_fields(&customer->profile);
	json_t *wallets = json_array();

	if (object == NULL || wallets == NULL ||
	    json_object_set_new(object, "customer_id",
				json_string(customer->profile.customer_id)) ||
	    json_object_set_new(object, "version",
				json_integer(customer->version)))
		goto fail;
	for (int i = 0; i < customer->wallet_count; i++) {
		if (json_array_append_new(
			    wallets,
			    json_pack("{s:s, s:s}", "account",
				      customer->wallets[i].account,
				      "currency",
				      customer->wallets[i].currency)) != 0)
			goto fail;
	}
	if (json_object_set(object, "wallets", wallets) != 0)
		goto fail;
	json_decref(wallets);
	return api_dump_payload(object, json, size);
fail:
	json_decref(wallets);
	json_decref(object);
	return API_EINVAL;
}

static int read_customer(json_t *root, struct api_customer *out)
{
	struct api_customer parsed = { 0 };
	json_t *version = json_object_get(root, "version");
	json_t *wallets = json_object_get(root, "wallets");
	json_t *wallet;
	size_t i;

	if (read_profile(root, &parsed.profile) != 0 ||
	    !json_is_integer(version) || !json_is_array(wallets))
		return API_EPROTOCOL;
	parsed.version = json_integer_value(version);
	json_array_foreach(wallets, i, wallet) {
		int n = parsed.wallet_count;

		/* NOTE: wallets past API_CUSTOMER_WALLETS_MAX are dropped. */
		if (n >= API_CUSTOMER_WALLETS_MAX)
			break;
		if (copy_string(wallet, "account", parsed.wallets[n].account,
				sizeof(parsed.wallets[n].account)) != 0 ||
		    copy_string(wallet, "currency", parsed.wallets[n].currency,
				sizeof(parsed.wallets[n].currency)) != 0)
			return API_EPROTOCOL;
		parsed.wallet_count++;
	}
	if (parsed.wallet_count > 0)
		memcpy(parsed.profile.currency, parsed.wallets[0].currency, 4);
	*out = parsed;
	return API_OK;
}

int api_customer_decode(const char *json, struct api_customer *out)
{
	json_t *root = json_loads(json, 0, NULL);
	int result = json_is_object(root) ? read_customer(root, out)
					  : API_EPROTOCOL;

	json_decref(root);
	return result;
}

/* One changed field of a version conflict: its name, then per side (0:
 * the central service's profile, 1: the update) its value, whether it
 * has one, and whether the value was cut. */
struct conflict_field {
	const char *name;
	char values[2][API_ADDRESS_SIZE];
	bool present[2];
	bool cut[2];
};

/* Encode a conflict as the documented reason object: {"version":V,
 * "base":B,"fields":[[name, central, edit(, cut bits)], ...]}. */
static char *dump_conflict(json_int_t version, json_int_t base,
			   const struct conflict_field *fields, int count)
{
	json_t *list = json_array();
	json_t *root;
	char *text;

	for (int i = 0; i < count && list != NULL; i++) {
		const struct conflict_field *f = &fields[i];
		json_t *central = f->present[0] ? json_string(f->values[0])
						: json_null();
		json_t *edit = f->present[1] ? json_string(f->values[1])
					     : json_null();
		json_t *row = json_pack("[s, o, o]", f->name, central, edit);
		int bits = (f->cut[0] ? 1 : 0) | (f->cut[1] ? 2 : 0);

		if (row != NULL && bits != 0)
			json_array_append_new(row, json_integer(bits));
		if (row == NULL || json_array_append_new(list, row) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	root = json_pack("{s:I, s:I, s:o}", "version", version, "base", base,
			 "fields", list);
	text = root != NULL ? json_dumps(root, JSON_COMPACT |
						       JSON_PRESERVE_ORDER)
			    : NULL;
	json_decref(root);
	return text;
}

/* Cut the longest remaining value of fields by one character. Returns
 * false when every value is already empty.
 * NOTE: the cut is on a code point, so it can drop a combining mark and
 * leave its base letter last. */
static bool cut_longest(struct conflict_field *fields, int count)
{
	struct conflict_field *longest = NULL;
	int side = 0;
	size_t max = 0;

	for (int i = 0; i < count; i++) {
		for (int k = 0; k < 2; k++) {
			size_t length = strlen(fields[i].values[k]);

			if (length > max) {
				max = length;
				longest = &fields[i];
				side = k;
			}
		}
	}
	if (longest == NULL)
		return false;
	utf8_copy_prefix(longest->values[side], max - 1,
			 longest->values[side]);
	longest->cut[side] = true;
	return true;
}

void api_read_version_conflict(json_t *current, const struct operation *op,
			       struct api_outcome *out)
{
	struct customer_update update = { 0 };
	struct conflict_field fields[UPDATE_FIELD_COUNT];
	json_t *version = json_object_get(current, "version");
	char *text = NULL;
	int count = 0;

	out->result = API_ECONFLICT_VERSION;
	if (api_customer_update_decode(op->payload, &update) != API_OK)
		update.changes = 0;
	memset(fields, 0, sizeof(fields));
	for (size_t i = 0; i < UPDATE_FIELD_COUNT; i++) {
		const char *central = json_string_value(
			json_object_get(current, update_fields[i].name));
		const char *edit = update_text(&update, i);

		if ((update.changes & update_fields[i].bit) == 0)
			continue;
		fields[count].name = update_fields[i].name;
		fields[count].present[0] = central != NULL;
		fields[count].present[1] = edit[0] != '\0';
		fields[count].cut[0] = !utf8_copy_prefix(
			central != NULL ? central : "",
			sizeof(fields[count].values[0]) - 1,
			fields[count].values[0]);
		utf8_copy_prefix(edit, sizeof(fields[count].values[1]) - 1,
				 fields[count].values[1]);
		count++;
	}

	/* Bounded: each round removes a character or ends the loop. */
	for (;;) {
		free(text);
		text = dump_conflict(json_integer_value(version),
				     (json_int_t)update.base_version, fields,
				     count);
		if (text == NULL || strlen(text) <= API_CONFLICT_REASON_MAX ||
		    !cut_longest(fields, count))
			break;
	}
	if (text != NULL && strlen(text) <= API_CONFLICT_REASON_MAX)
		snprintf(out->message, sizeof(out->message), "%s", text);
	else
		snprintf(out->message, sizeof(out->message),
			 "{\"version\":%lld,\"base\":%lld,\"fields\":[]}",
			 (long long)json_integer_value(version),
			 (long long)update.base_version);
	free(text);
}

/* Read the per-currency limits. A rule for operations that move no money
 * may leave out both objects, and then has no currencies. */
static int read_limits(json_t *rule, struct api_policy_rule *out)
{
	json_t *amounts = json_object_get(rule, "max_amount");
	json_t *exposures = json_object_get(rule, "max_exposure");
	const char *currency;
	json_t *value;

	if (amounts == NULL && exposures == NULL)
		return 0;
	if (!json_is_object(amounts) || !json_is_object(exposures))
		return -1;
	json_object_foreach(amounts, currency, value) {
		json_t *exposure = json_object_get(exposures, currency);
		int i = out->limit_count;

		if (i >= API_POLICY_CURRENCIES || strlen(currency) != 3 ||
		    !json_is_integer(value) || !json_is_integer(exposure) ||
		    json_integer_value(value) < 0 ||
		    json_integer_value(exposure) < 0)
			return -1;
		memcpy(out->limits[i].currency, currency, 4);
		out->limits[i].max_amount = json_integer_value(value);
		out->limits[i].max_exposure = json_integer_value(exposure);
		out->limit_count++;
	}
	return 0;
}

static int read_nonnegative(json_t *rule, const char *key, int64_t *out)
{
	json_t *value = json_object_get(rule, key);

	if (!json_is_integer(value) || json_integer_value(value) < 0)
		return -1;
	*out = json_integer_value(value);
	return 0;
}

/* Read one operation type's rule. Returns 0, or -1 when a field is
 * missing, of the wrong type or negative. */
static int read_rule(json_t *rule, struct api_policy_rule *out)
{
	if (!json_is_boolean(json_object_get(rule, "offline_allowed")) ||
	    read_nonnegative(rule, "max_queued", &out->max_queued) != 0 ||
	    read_nonnegative(rule, "max_age_seconds",
			     &out->max_age_seconds) != 0 ||
	    read_limits(rule, out) != 0)
		return -1;
	out->offline_allowed =
		json_is_true(json_object_get(rule, "offline_allowed"));
	return 0;
}

int api_check_policy_rules(const char *json)
{
	json_t *root = json_loads(json, 0, NULL);
	json_t *operations = json_object_get(root, "operations");
	const char *type;
	json_t *rule;
	int result = API_EPROTOCOL;

	if (!json_is_integer(json_object_get(root, "version")) ||
	    !json_is_object(operations))
		goto out;
	json_object_foreach(operations, type, rule) {
		struct api_policy_rule parsed = { 0 };

		if (read_rule(rule, &parsed) != 0) {
			log_error("policy rule for %s is malformed; the cached "
				  "policy stays",
				  type);
			goto out;
		}
	}
	result = API_OK;
out:
	json_decref(root);
	return result;
}

int api_policy_rule(const char *json, const char *type,
		    struct api_policy_rule *out)
{
	struct api_policy_rule parsed = { 0 };
	json_t *root = json_loads(json, 0, NULL);
	json_t *operations = json_object_get(root, "operations");
	json_t *rule;
	int result = API_EPROTOCOL;

	if (!json_is_integer(json_object_get(root, "version")) ||
	    !json_is_object(operations))
		goto out;
	rule = json_object_get(operations, type);
	if (rule == NULL) {
		result = API_ENOTFOUND;
		goto out;
	}
	if (read_rule(rule, &parsed) != 0)
		goto out;
	*out = parsed;
	result = API_OK;
out:
	json_decref(root);
	return result;
}

int api_dependency_keys(const char *type, const char *payload,
			char keys[JOURNAL_KEYS_MAX][JOURNAL_KEY_SIZE])
{
	struct wallet_transfer transfer;
	struct customer_registration reg;
	struct customer_update update;

	memset(keys, 0, JOURNAL_KEYS_MAX * JOURNAL_KEY_SIZE);
	if (strcmp(type, API_TYPE_CUSTOMER_REGISTRATION) == 0) {
		if (api_customer_registration_decode(payload, &reg) != API_OK)
			return API_EPROTOCOL;
		snprintf(keys[0], JOURNAL_KEY_SIZE, "customer:%s",
			 reg.customer_id);
		snprintf(keys[1], JOURNAL_KEY_SIZE, "phone:%s", reg.phone);
		return API_OK;
	}
	if (strcmp(type, API_TYPE_CUSTOMER_UPDATE) == 0) {
		if (api_customer_update_decode(payload, &update) != API_OK)
			return API_EPROTOCOL;
		snprintf(keys[0], JOURNAL_KEY_SIZE, "customer:%s",
			 update.customer_id);
		return API_OK;
	}
	if (strcmp(type, API_TYPE_WALLET_TRANSFER) != 0)
		return api_money_dependency_keys(type, payload, keys);
	if (api_wallet_transfer_decode(payload, &transfer) != API_OK)
		return API_EPROTOCOL;
	snprintf(keys[0], JOURNAL_KEY_SIZE, "wallet:%s", transfer.sender);
	if (transfer.receiver_customer_id[0] != '\0')
		snprintf(keys[1], JOURNAL_KEY_SIZE, "customer:%s",
			 transfer.receiver_customer_id);
	else
		snprintf(keys[1], JOURNAL_KEY_SIZE, "wallet:%s",
			 transfer.receiver);
	return API_OK;
}
