/* Unit tests of app/customer.c: form validation into journal rows, the
 * customer payloads and the bounded offline lookup cache, and the agent's
 * actions on a conflicting profile update (app/app.c). */
#include <limits.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../app/app.h"
#include "../../app/customer.h"
#include "../../app/receipt.h"
#include "journal_fixture.h"

/* 2026-12-04T15:00:00Z */
#define NOW 1796396400

static int setup(void **state)
{
	return journal_fixture_setup(state, "customer");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

static void typed_customer(struct customer_registration *typed)
{
	memset(typed, 0, sizeof(*typed));
	snprintf(typed->first_name, sizeof(typed->first_name), "Esi");
	snprintf(typed->last_name, sizeof(typed->last_name), "Owusu");
	snprintf(typed->phone, sizeof(typed->phone), "0201234567");
	snprintf(typed->date_of_birth, sizeof(typed->date_of_birth),
		 "1990-05-17");
	snprintf(typed->id_type, sizeof(typed->id_type), "drivers_license");
	snprintf(typed->id_number, sizeof(typed->id_number), "dl-12345");
	snprintf(typed->address, sizeof(typed->address), "5 Oxford Street");
	snprintf(typed->currency, sizeof(typed->currency), "GHS");
}

static void registration_builds_row(void **state)
{
	struct customer_registration typed;
	struct customer_registration reg;
	struct customer_registration decoded;
	struct operation op;
	enum customer_field field;
	char message[128];
	char key[JOURNAL_KEY_SIZE];

	(void)state;
	typed_customer(&typed);
	assert_int_equal(customer_registration_build("A1001", &typed, "233",
						     NOW, &reg, &op, &field,
						     message, sizeof(message)),
			 0);
	assert_int_equal(field, CUSTOMER_FIELD_NONE);
	assert_string_equal(reg.phone, "+233201234567");
	assert_string_equal(reg.id_number, "DL-12345");
	assert_string_equal(reg.id_type, "drivers_license");
	assert_string_equal(op.type, API_TYPE_CUSTOMER_REGISTRATION);
	snprintf(key, sizeof(key), "customer:%s", reg.customer_id);
	assert_string_equal(op.keys[0], key);
	assert_string_equal(op.keys[1], "phone:+233201234567");
	assert_non_null(strstr(op.payload, "\"email\":null"));
	assert_int_equal(api_customer_registration_decode(op.payload,
							  &decoded),
			 API_OK);
	assert_memory_equal(&decoded, &reg, sizeof(reg));
}

/* One bad field per case, with the field the form must mark. */
static void registration_rejects_field_table(void **state)
{
	static const struct {
		size_t offset;
		const char *text;
		enum customer_field field;
	} cases[] = {
		{ offsetof(struct customer_registration, first_name), "Es1",
		  CUSTOMER_FIELD_FIRST_NAME },
		{ offsetof(struct customer_registration, last_name), "",
		  CUSTOMER_FIELD_LAST_NAME },
		{ offsetof(struct customer_registration, phone), "12",
		  CUSTOMER_FIELD_PHONE },
		/* 18 on 2026-12-05, so 17 on NOW's date. */
		{ offsetof(struct customer_registration, date_of_birth),
		  "2008-12-05", CUSTOMER_FIELD_DATE_OF_BIRTH },
		{ offsetof(struct customer_registration, id_type), "library",
		  CUSTOMER_FIELD_ID_TYPE },
		{ offsetof(struct customer_registration, id_number), "-AB12",
		  CUSTOMER_FIELD_ID_NUMBER },
		{ offsetof(struct customer_registration, address), "\t",
		  CUSTOMER_FIELD_ADDRESS },
		{ offsetof(struct customer_registration, email), "esi@",
		  CUSTOMER_FIELD_EMAIL },
		{ offsetof(struct customer_registration, currency), "XXQ",
		  CUSTOMER_FIELD_CURRENCY },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct customer_registration typed;
		struct customer_registration reg;
		struct operation op;
		enum customer_field field;
		char message[128] = "";

		typed_customer(&typed);
		strcpy((char *)&typed + cases[i].offset, cases[i].text);
		assert_int_equal(customer_registration_build(
					 "A1001", &typed, "233", NOW, &reg,
					 &op, &field, message,
					 sizeof(message)),
				 -1);
		assert_int_equal(field, cases[i].field);
		assert_true(strlen(message) > 0);
	}
}

static void update_builds_row(void **state)
{
	struct customer_update typed = { .base_version = 2,
					 .changes = API_CHANGE_PHONE |
						    API_CHANGE_EMAIL };
	struct customer_update decoded;
	struct operation op;
	enum customer_field field;
	char message[128];

	(void)state;
	snprintf(typed.customer_id, sizeof(typed.customer_id),
		 "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c04");
	snprintf(typed.phone, sizeof(typed.phone), "0244000009");
	assert_int_equal(customer_update_build("A1001", "GHS", &typed, "233",
					       NOW, &op, &field, message,
					       sizeof(message)),
			 0);
	assert_string_equal(op.keys[0],
			    "customer:5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c04");
	assert_string_equal(op.keys[1], "");
	assert_string_equal(op.payload,
			    "{\"base_version\":2,\"changes\":{\"email\":null,"
			    "\"phone\":\"+233244000009\"},\"customer_id\":"
			    "\"5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c04\"}");
	assert_int_equal(api_customer_update_decode(op.payload, &decoded),
			 API_OK);
	assert_int_equal(decoded.changes, API_CHANGE_PHONE | API_CHANGE_EMAIL);
	assert_string_equal(decoded.email, "");

	typed.changes = 0;
	assert_int_equal(customer_update_build("A1001", "GHS", &typed, "233",
					       NOW, &op, &field, message,
					       sizeof(message)),
			 -1);
}

/* Whether a line of the layout contains text. */
static bool layout_has(const struct receipt *receipt, const char *text)
{
	for (int i = 0; i < receipt->count; i++) {
		if (strstr(receipt->lines[i].text, text) != NULL)
			return true;
	}
	return false;
}

static void registration_receipt_layout(void **state)
{
	struct customer_registration typed;
	struct customer_registration reg;
	struct receipt_context context = { .terminal_id = "T0001" };
	struct receipt receipt;
	struct operation op;
	enum customer_field field;
	char message[128];

	(void)state;
	typed_customer(&typed);
	assert_int_equal(customer_registration_build("A1001", &typed, "233",
						     NOW, &reg, &op, &field,
						     message, sizeof(message)),
			 0);
	op.state = OP_ACCEPTED;
	snprintf(op.reference, sizeof(op.reference), "SBX-000043");
	assert_int_equal(receipt_layout(&op, &context, RECEIPT_COLUMNS_80MM,
					&receipt),
			 0);
	assert_true(layout_has(&receipt, "Customer registration"));
	assert_true(layout_has(&receipt, "Esi Owusu"));
	assert_true(layout_has(&receipt, "+233201234567"));
	assert_true(layout_has(&receipt, "CONFIRMED"));
	assert_true(layout_has(&receipt, "SBX-000043"));
	assert_false(layout_has(&receipt, "Amount"));
}

/* A cached customer numbered n: phone +23320000nnnn, wallet 20000nnnnn. */
static void numbered_customer(int n, struct api_customer *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->profile.customer_id, sizeof(out->profile.customer_id),
		 "00000000-0000-4000-8000-%012d", n);
	snprintf(out->profile.first_name, sizeof(out->profile.first_name),
		 "Ama");
	snprintf(out->profile.last_name, sizeof(out->profile.last_name),
		 "Mensah");
	snprintf(out->profile.phone, sizeof(out->profile.phone),
		 "+23320000%04d", n);
	snprintf(out->profile.date_of_birth,
		 sizeof(out->profile.date_of_birth), "1990-01-01");
	snprintf(out->profile.id_type, sizeof(out->profile.id_type),
		 "passport");
	snprintf(out->profile.id_number, sizeof(out->profile.id_number),
		 "P%05d", n);
	snprintf(out->profile.address, sizeof(out->profile.address), "Accra");
	snprintf(out->profile.currency, sizeof(out->profile.currency), "GHS");
	out->version = 1;
	out->wallet_count = 1;
	snprintf(out->wallets[0].account, sizeof(out->wallets[0].account),
		 "20000%05d", n);
	snprintf(out->wallets[0].currency, sizeof(out->wallets[0].currency),
		 "GHS");
}

static int cache_rows(struct journal_fixture *f)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int count = -1;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY,
					 NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT COUNT(*) FROM "
					    "customer_cache",
					    -1, &stmt, NULL),
			 SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		count = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return count;
}

static void cache_evicts_least_recent(void **state)
{
	struct journal_fixture *f = *state;
	struct api_customer customer;
	struct api_customer found;
	const int extra = 5;

	for (int n = 0; n < CUSTOMER_CACHE_MAX; n++) {
		numbered_customer(n, &customer);
		assert_int_equal(customer_cache_put(f->journal, &customer,
						    NOW + n),
				 CUSTOMER_OK);
	}
	assert_int_equal(cache_rows(f), CUSTOMER_CACHE_MAX);

	/* A lookup makes customer 0 the most recently used. */
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233200000000", NOW + 5000,
						 &found),
			 CUSTOMER_OK);
	for (int n = CUSTOMER_CACHE_MAX; n < CUSTOMER_CACHE_MAX + extra; n++) {
		numbered_customer(n, &customer);
		assert_int_equal(customer_cache_put(f->journal, &customer,
						    NOW + 5000 + n),
				 CUSTOMER_OK);
	}
	assert_int_equal(cache_rows(f), CUSTOMER_CACHE_MAX);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_WALLET,
						 "2000000000", NOW + 9000,
						 &found),
			 CUSTOMER_OK);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_WALLET,
						 "2000000001", NOW + 9000,
						 &found),
			 CUSTOMER_ENOTFOUND);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233200000005", NOW + 9000,
						 &found),
			 CUSTOMER_ENOTFOUND);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233200000006", NOW + 9000,
						 &found),
			 CUSTOMER_OK);
	assert_string_equal(found.wallets[0].account, "2000000006");
}

static void cache_replaces_same_customer(void **state)
{
	struct journal_fixture *f = *state;
	struct api_customer customer;
	struct api_customer found;

	numbered_customer(7, &customer);
	assert_int_equal(customer_cache_put(f->journal, &customer, NOW),
			 CUSTOMER_OK);
	customer.version = 2;
	snprintf(customer.profile.phone, sizeof(customer.profile.phone),
		 "+233209999999");
	assert_int_equal(customer_cache_put(f->journal, &customer, NOW + 1),
			 CUSTOMER_OK);
	assert_int_equal(cache_rows(f), 1);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233200000007", NOW + 2,
						 &found),
			 CUSTOMER_ENOTFOUND);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233209999999", NOW + 2,
						 &found),
			 CUSTOMER_OK);
	assert_int_equal(found.version, 2);
}

/* Journal a registration of typed_customer with `phone` and move it to
 * `state`, returning its payload's customer in *reg. */
static void journal_registration(struct journal_fixture *f, const char *phone,
				 enum op_state state,
				 struct customer_registration *reg)
{
	struct customer_registration typed;
	enum customer_field field;
	struct operation op;
	char message[128];

	typed_customer(&typed);
	snprintf(typed.phone, sizeof(typed.phone), "%s", phone);
	assert_int_equal(customer_registration_build("A1001", &typed, "233",
						     NOW, reg, &op, &field,
						     message,
						     sizeof(message)),
			 0);
	assert_int_equal(journal_insert(f->journal, &op), JOURNAL_OK);
	if (state == OP_IN_FLIGHT)
		assert_int_equal(journal_mark_in_flight(f->journal, op.id,
							NOW),
				 JOURNAL_OK);
	if (state == OP_NEEDS_ATTENTION)
		assert_int_equal(journal_mark_attention(f->journal, op.id,
							"Refused", NOW),
				 JOURNAL_OK);
	if (state == OP_REJECTED)
		assert_int_equal(journal_mark_rejected(f->journal, op.id,
						       "duplicate phone", NOW),
				 JOURNAL_OK);
	if (state == OP_ACCEPTED)
		assert_int_equal(journal_mark_accepted(f->journal, op.id,
						       "SBX-000001", NOW),
				 JOURNAL_OK);
}

static void pending_registration_found(void **state)
{
	static const struct {
		const char *phone;
		enum op_state state;
		int expected;
	} cases[] = {
		{ "+233201000001", OP_QUEUED, CUSTOMER_OK },
		{ "+233201000002", OP_IN_FLIGHT, CUSTOMER_OK },
		{ "+233201000003", OP_NEEDS_ATTENTION, CUSTOMER_OK },
		{ "+233201000004", OP_REJECTED, CUSTOMER_ENOTFOUND },
		{ "+233201000005", OP_ACCEPTED, CUSTOMER_ENOTFOUND },
	};
	struct journal_fixture *f = *state;
	struct customer_registration reg;
	struct api_customer found;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		journal_registration(f, cases[i].phone, cases[i].state, &reg);
		memset(&found, 0xff, sizeof(found));
		assert_int_equal(customer_lookup_offline(f->journal,
							 API_CUSTOMER_BY_PHONE,
							 cases[i].phone, NOW,
							 &found),
				 cases[i].expected);
		if (cases[i].expected != CUSTOMER_OK)
			continue;
		assert_int_equal(found.version, 0);
		assert_int_equal(found.wallet_count, 0);
		assert_string_equal(found.profile.customer_id, reg.customer_id);
		assert_string_equal(found.profile.first_name, "Esi");
		assert_string_equal(found.profile.phone, cases[i].phone);
	}

	/* Only the phone finds a pending registration. */
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_WALLET,
						 "+233201000001", NOW, &found),
			 CUSTOMER_ENOTFOUND);
}

static void pending_newest_and_cache_wins(void **state)
{
	struct journal_fixture *f = *state;
	struct customer_registration older;
	struct customer_registration newer;
	struct api_customer customer;
	struct api_customer found;

	journal_registration(f, "+233201000009", OP_NEEDS_ATTENTION, &older);
	journal_registration(f, "+233201000009", OP_QUEUED, &newer);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233201000009", NOW, &found),
			 CUSTOMER_OK);
	assert_string_equal(found.profile.customer_id, newer.customer_id);

	numbered_customer(9, &customer);
	snprintf(customer.profile.phone, sizeof(customer.profile.phone),
		 "+233201000009");
	customer.version = 3;
	assert_int_equal(customer_cache_put(f->journal, &customer, NOW),
			 CUSTOMER_OK);
	assert_int_equal(customer_lookup_offline(f->journal,
						 API_CUSTOMER_BY_PHONE,
						 "+233201000009", NOW + 1,
						 &found),
			 CUSTOMER_OK);
	assert_int_equal(found.version, 3);
	assert_string_equal(found.profile.customer_id,
			    customer.profile.customer_id);
}

#define PREFIX "Changed at Spotbanc since you read it: "

static void conflict_parse_accepts_table(void **state)
{
	static const struct {
		const char *reason;
		int64_t version;
		int64_t base_version;
		int count;
		const char *name;    /* of the last field */
		const char *central; /* of the last field */
		const char *edit;    /* of the last field */
		bool central_cut;
		bool edit_cut;
	} cases[] = {
		{ PREFIX "{\"version\":3,\"base\":2,\"fields\":[[\"address\","
			 "\"12 Ring Road, \\\"Osu\\\", Accra\",\"9 High St, "
			 "Tema\"]]}",
		  3, 2, 1, "address", "12 Ring Road, \"Osu\", Accra",
		  "9 High St, Tema", false, false },
		{ "{\"version\":2,\"base\":1,\"fields\":[[\"first_name\","
		  "\"Nkechi\",\"Ṅkẹ́chị\"],"
		  "[\"last_name\",\"李\","
		  "\"Παπαδοπούλου\"]]}",
		  2, 1, 2, "last_name", "李", "Παπαδοπούλου",
		  false, false },
		{ PREFIX "{\"version\":7,\"base\":6,\"fields\":[[\"address\","
			 "\"Ɔdɔ Street, Kumas\","
			 "\"Plot 4\",1]]}",
		  7, 6, 1, "address", "Ɔdɔ Street, Kumas", "Plot 4", true,
		  false },
		{ PREFIX "{\"version\":7,\"base\":6,\"fields\":[[\"phone\","
			 "\"+233244000001\",\"+23324\",3]]}",
		  7, 6, 1, "phone", "+233244000001", "+23324", true, true },
		{ PREFIX "{\"version\":4,\"base\":3,\"fields\":[[\"email\","
			 "null,\"esi@example.com\"],"
			 "[\"email\",\"a@b.c\",null]]}",
		  4, 3, 2, "email", "a@b.c", "", false, false },
		{ PREFIX "{\"version\":4,\"base\":3,\"fields\":[]}", 4, 3,
		  0, NULL, NULL, NULL, false, false },
	};
	struct customer_conflict conflict;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int last = cases[i].count - 1;

		memset(&conflict, 0, sizeof(conflict));
		assert_int_equal(customer_conflict_parse(cases[i].reason,
							 &conflict),
				 CUSTOMER_OK);
		assert_int_equal(conflict.version, cases[i].version);
		assert_int_equal(conflict.base_version, cases[i].base_version);
		assert_int_equal(conflict.count, cases[i].count);
		if (last < 0)
			continue;
		assert_string_equal(conflict.fields[last].name, cases[i].name);
		assert_string_equal(conflict.fields[last].central,
				    cases[i].central);
		assert_string_equal(conflict.fields[last].edit, cases[i].edit);
		assert_int_equal(conflict.fields[last].central_cut,
				 cases[i].central_cut);
		assert_int_equal(conflict.fields[last].edit_cut,
				 cases[i].edit_cut);
	}
}

static void conflict_parse_rejects_table(void **state)
{
	static const char *const reasons[] = {
		"",
		"Rejected: The sender's balance is too low for this transfer.",
		"Held: earlier operation 0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a "
		"on customer:6a5b was rejected; check and retry or cancel",
		PREFIX "theirs phone +233244000044, version 3; yours phone "
		       "+233244000055, base 2",
		PREFIX "{}",
		PREFIX "{\"version\":3,\"base\":2}",
		PREFIX "{\"version\":0,\"base\":2,\"fields\":[]}",
		PREFIX "{\"version\":3,\"base\":\"2\",\"fields\":[]}",
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[]} and more",
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[],\"x\":1}",
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[[\"balance\","
		       "\"1\",\"2\"]]}",
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[[\"phone\","
		       "\"1\"]]}",
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[[\"phone\","
		       "\"1\",\"2\",4]]}",
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[[\"phone\","
		       "1,\"2\"]]}",
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[[\"phone\","
		       "\"1\",\"2\"],[\"phone\",\"1\",\"2\"],[\"phone\","
		       "\"1\",\"2\"],[\"phone\",\"1\",\"2\"],[\"phone\","
		       "\"1\",\"2\"],[\"phone\",\"1\",\"2\"]]}",
		/* Cut by the sync worker's %.200s: not a whole object. */
		PREFIX "{\"version\":3,\"base\":2,\"fields\":[[\"address\","
		       "\"12 Ring Road",
	};
	struct customer_conflict conflict = { .version = 42 };

	(void)state;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		assert_int_equal(customer_conflict_parse(reasons[i], &conflict),
				 CUSTOMER_EINVAL);
		assert_int_equal(conflict.version, 42);
	}
	assert_int_equal(customer_conflict_parse(NULL, &conflict),
			 CUSTOMER_EINVAL);
}

#define CONFLICT_REASON                                                     \
	"Changed at Spotbanc since you read it: {\"version\":3,\"base\":2," \
	"\"fields\":[[\"phone\",\"+233244000001\",\"+233244000009\"]]}"

/* How an operation reaches its state before the agent acts. */
enum discard_setup {
	SETUP_SENT_ATTENTION,   /* sent, then set aside with the reason */
	SETUP_UNSENT_ATTENTION, /* set aside before it was sent */
	SETUP_QUEUED_AGAIN,     /* set aside, then sent again by the agent */
	SETUP_ACCEPTED,
};

/* Journal a profile update as `type` and bring it to its state. */
static void journal_for_discard(struct journal_fixture *f, const char *type,
				enum discard_setup setup, const char *reason,
				struct operation *op)
{
	struct customer_update typed = { .base_version = 2,
					 .changes = API_CHANGE_PHONE };
	enum customer_field field;
	char message[128];

	snprintf(typed.customer_id, sizeof(typed.customer_id),
		 "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c01");
	snprintf(typed.phone, sizeof(typed.phone), "+233244000009");
	assert_int_equal(customer_update_build("A1001", "GHS", &typed, "233",
					       NOW, op, &field, message,
					       sizeof(message)),
			 0);
	snprintf(op->type, sizeof(op->type), "%s", type);
	assert_int_equal(journal_insert(f->journal, op), JOURNAL_OK);
	if (setup == SETUP_ACCEPTED) {
		assert_int_equal(journal_mark_accepted(f->journal, op->id,
						       "SBX-1", NOW),
				 JOURNAL_OK);
		return;
	}
	if (setup != SETUP_UNSENT_ATTENTION)
		assert_int_equal(journal_mark_in_flight(f->journal, op->id,
							NOW),
				 JOURNAL_OK);
	assert_int_equal(journal_mark_attention(f->journal, op->id, reason,
						NOW),
			 JOURNAL_OK);
	if (setup == SETUP_QUEUED_AGAIN)
		assert_int_equal(journal_retry_attention(f->journal, op->id,
							 NOW),
				 JOURNAL_OK);
}

/* Only a profile update set aside by a version conflict can be
 * discarded; any other operation keeps its state. */
static void discard_only_version_conflict(void **state)
{
	static const struct {
		const char *type;
		enum discard_setup setup;
		const char *reason;
		int result;
		enum op_state after;
	} cases[] = {
		{ API_TYPE_CUSTOMER_UPDATE, SETUP_SENT_ATTENTION,
		  CONFLICT_REASON, 0, OP_REJECTED },
		{ API_TYPE_CUSTOMER_UPDATE, SETUP_UNSENT_ATTENTION,
		  CONFLICT_REASON, 0, OP_REJECTED },
		{ API_TYPE_CUSTOMER_UPDATE, SETUP_SENT_ATTENTION,
		  "Refused by the central service (proxy); check the "
		  "terminal's configuration, then send again",
		  -1, OP_NEEDS_ATTENTION },
		{ API_TYPE_CUSTOMER_UPDATE, SETUP_SENT_ATTENTION,
		  "Changed at Spotbanc since you read it: {\"version\":3}",
		  -1, OP_NEEDS_ATTENTION },
		{ API_TYPE_WALLET_TRANSFER, SETUP_SENT_ATTENTION,
		  CONFLICT_REASON, -1, OP_NEEDS_ATTENTION },
		{ API_TYPE_CUSTOMER_REGISTRATION, SETUP_SENT_ATTENTION,
		  CONFLICT_REASON, -1, OP_NEEDS_ATTENTION },
		{ API_TYPE_CUSTOMER_UPDATE, SETUP_QUEUED_AGAIN,
		  CONFLICT_REASON, -1, OP_QUEUED },
		{ API_TYPE_CUSTOMER_UPDATE, SETUP_ACCEPTED, "", -1,
		  OP_ACCEPTED },
	};
	struct journal_fixture *f = *state;
	struct app app = { .journal = f->journal };
	struct operation op;
	struct operation after;
	char message[192];
	int rc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		journal_for_discard(f, cases[i].type, cases[i].setup,
				    cases[i].reason, &op);
		message[0] = '\0';
		rc = app_discard_operation(&app, op.id, message,
					   sizeof(message));
		if (rc != cases[i].result)
			print_message("failing case %zu: %s\n", i, message);
		assert_int_equal(rc, cases[i].result);
		assert_int_equal(journal_get(f->journal, op.id, &after),
				 JOURNAL_OK);
		assert_int_equal(after.state, cases[i].after);
		if (rc != 0) {
			assert_string_equal(after.last_error, cases[i].reason);
			assert_int_equal(after.acknowledged_at, 0);
			continue;
		}
		assert_true(after.acknowledged_at > 0);
		assert_non_null(strstr(after.last_error,
				       "Discarded by the agent after a "
				       "version conflict"));
		assert_non_null(strstr(after.last_error, "version 3"));
		assert_non_null(strstr(after.last_error, "version 2"));
	}
	assert_int_equal(app_discard_operation(&app,
					       "123e4567-e89b-42d3-a456-"
					       "426614174000",
					       message, sizeof(message)),
			 -1);
}

/* Sending a version conflict again is rejected, because the central
 * service replays the same response to the same key. */
static void retry_rejects_version_conflict(void **state)
{
	struct journal_fixture *f = *state;
	struct app app = { .journal = f->journal };
	struct operation conflict;
	struct operation held;
	char message[192];

	journal_for_discard(f, API_TYPE_CUSTOMER_UPDATE, SETUP_SENT_ATTENTION,
			    CONFLICT_REASON, &conflict);
	assert_int_equal(app_retry_operation(&app, conflict.id, message,
					     sizeof(message)),
			 -1);
	assert_non_null(strstr(message, "same conflict"));
	assert_int_equal(journal_get(f->journal, conflict.id, &conflict),
			 JOURNAL_OK);
	assert_int_equal(conflict.state, OP_NEEDS_ATTENTION);

	journal_for_discard(f, API_TYPE_CUSTOMER_UPDATE, SETUP_SENT_ATTENTION,
			    "Refused by the central service (proxy)", &held);
	assert_int_equal(app_retry_operation(&app, held.id, message,
					     sizeof(message)),
			 0);
	assert_int_equal(journal_get(f->journal, held.id, &held), JOURNAL_OK);
	assert_int_equal(held.state, OP_QUEUED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registration_builds_row),
		cmocka_unit_test(registration_rejects_field_table),
		cmocka_unit_test(update_builds_row),
		cmocka_unit_test(registration_receipt_layout),
		cmocka_unit_test_setup_teardown(cache_evicts_least_recent,
						setup, teardown),
		cmocka_unit_test_setup_teardown(cache_replaces_same_customer,
						setup, teardown),
		cmocka_unit_test_setup_teardown(pending_registration_found,
						setup, teardown),
		cmocka_unit_test_setup_teardown(pending_newest_and_cache_wins,
						setup, teardown),
		cmocka_unit_test(conflict_parse_accepts_table),
		cmocka_unit_test(conflict_parse_rejects_table),
		cmocka_unit_test_setup_teardown(discard_only_version_conflict,
						setup, teardown),
		cmocka_unit_test_setup_teardown(retry_rejects_version_conflict,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("customer", tests, NULL, NULL);
}
