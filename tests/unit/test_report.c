/* Unit tests of the end-of-day report against a real journal in a fresh
 * directory under /tmp: totals per column, the float movement, days split
 * by closes, refused and forced closes, operations decided after the
 * close that left them pending, the JSON and the receipt layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../app/api.h"
#include "../../app/api_money.h"
#include "../../app/report.h"
#include "../../app/uuid.h"
#include "journal_fixture.h"

#define AGENT "A1001"
#define T0 1796371200 /* 2026-12-04 08:00:00 UTC */

static int setup(void **state)
{
	return journal_fixture_setup(state, "report");
}

static int teardown(void **state)
{
	return journal_fixture_teardown(state);
}

/* One operation to journal: its type, state and money. */
struct op_spec {
	const char *type;
	enum op_state state;
	const char *currency;
	int64_t amount;
	int64_t fee;
	enum api_funding funding;
	int reverses;      /* reversal: index of the original, else -1 */
	const char *agent; /* the agent who journals it; NULL for AGENT */
};

/* Write the payload of spec into op; original is the reversed
 * operation. */
static void encode_payload(const struct op_spec *spec,
			   const struct operation *original,
			   struct operation *op)
{
	char *p = op->payload;
	size_t size = sizeof(op->payload);
	int rc = -1;

	if (strcmp(spec->type, API_TYPE_CASH_IN) == 0) {
		struct cash_in in = {.receiver = "1000000002",
				     .amount = spec->amount,
				     .fee = spec->fee};

		strcpy(in.currency, spec->currency);
		rc = api_cash_in_encode(&in, p, size);
	} else if (strcmp(spec->type, API_TYPE_CASH_OUT) == 0) {
		struct cash_out out = {.sender = "1000000001",
				       .amount = spec->amount,
				       .fee = spec->fee,
				       .code = "123456"};

		strcpy(out.currency, spec->currency);
		rc = api_cash_out_encode(&out, p, size);
	} else if (strcmp(spec->type, API_TYPE_BANK_TRANSFER) == 0) {
		struct bank_transfer bank = {.funding = spec->funding,
					     .bank_code = "058",
					     .account_number = "0123456789",
					     .account_name = "Adaeze Nwosu",
					     .amount = spec->amount,
					     .fee = spec->fee};

		if (spec->funding == API_FUNDING_WALLET)
			strcpy(bank.sender, "1000000001");
		strcpy(bank.currency, spec->currency);
		rc = api_bank_transfer_encode(&bank, p, size);
	} else if (strcmp(spec->type, API_TYPE_SEND_MONEY) == 0) {
		struct send_money send = {
			.quote_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7",
			.funding = spec->funding,
			.receiver_name = "Adaeze Nwosu",
			.receiver_phone = "+2348030000009",
			.country = "NG",
			.method = "cash_pickup",
			.rate = "123.456000",
			.receive_currency = "NGN",
			.amount = spec->amount,
			.fee = spec->fee,
			.receive_amount = spec->amount * 123,
		};

		if (spec->funding == API_FUNDING_WALLET)
			strcpy(send.sender, "1000000001");
		strcpy(send.currency, spec->currency);
		rc = api_send_money_encode(&send, p, size);
	} else if (strcmp(spec->type, API_TYPE_REVERSAL) == 0) {
		struct reversal reversal = {.reason = "Wrong wallet",
					    .amount = spec->amount,
					    .refunded_fee = spec->fee};

		strcpy(reversal.original_id, original->id);
		strcpy(reversal.original_type, original->type);
		strcpy(reversal.currency, spec->currency);
		rc = api_reversal_encode(&reversal, p, size);
	} else if (strcmp(spec->type, API_TYPE_WALLET_TRANSFER) == 0) {
		struct wallet_transfer transfer = {.sender = "1000000001",
						   .receiver = "1000000002",
						   .amount = spec->amount};

		strcpy(transfer.currency, spec->currency);
		rc = api_wallet_transfer_encode(&transfer, p, size);
	} else {
		/* Operations that move no money: the report reads no
		 * payload. */
		rc = snprintf(p, size, "{}") < 0;
	}
	assert_int_equal(rc, 0);
}

static void move_to_state(struct journal *journal, const char *id,
			  enum op_state state)
{
	switch (state) {
	case OP_QUEUED:
		return;
	case OP_IN_FLIGHT:
		assert_int_equal(journal_mark_in_flight(journal, id, T0),
				 JOURNAL_OK);
		return;
	case OP_ACCEPTED:
		assert_int_equal(journal_mark_accepted(journal, id, "SBX-1",
						       T0),
				 JOURNAL_OK);
		return;
	case OP_REJECTED:
		assert_int_equal(journal_mark_rejected(journal, id,
						       "insufficient_float",
						       T0),
				 JOURNAL_OK);
		return;
	case OP_NEEDS_ATTENTION:
		assert_int_equal(journal_mark_attention(journal, id, "check",
							T0),
				 JOURNAL_OK);
		return;
	}
}

/* Journal the n specs in order, created a minute apart from created_at,
 * into ops. */
static void journal_specs(struct journal *journal, const struct op_spec *specs,
			  int n, int64_t created_at, struct operation *ops)
{
	for (int i = 0; i < n; i++) {
		const struct op_spec *spec = &specs[i];
		struct operation *op = &ops[i];

		memset(op, 0, sizeof(*op));
		assert_int_equal(uuid_generate(op->id), 0);
		snprintf(op->type, sizeof(op->type), "%s", spec->type);
		strcpy(op->agent_id,
		       spec->agent != NULL ? spec->agent : AGENT);
		strcpy(op->currency,
		       spec->currency[0] != '\0' ? spec->currency : "GHS");
		op->amount = spec->amount;
		op->created_at = created_at + 60 * i;
		op->updated_at = op->created_at;
		op->next_attempt_at = op->created_at;
		encode_payload(spec, spec->reverses >= 0 ? &ops[spec->reverses]
							 : NULL,
			       op);
		assert_int_equal(journal_insert(journal, op), JOURNAL_OK);
		move_to_state(journal, op->id, spec->state);
	}
}

/* A day with every type in every column. */
static const struct op_spec day_specs[] = {
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 10000, 0, 0, -1, NULL},
	{API_TYPE_CASH_IN, OP_QUEUED, "GHS", 5000, 0, 0, -1, NULL},
	{API_TYPE_CASH_IN, OP_REJECTED, "GHS", 2000, 0, 0, -1, NULL},
	{API_TYPE_CASH_OUT, OP_ACCEPTED, "GHS", 5000, 50, 0, -1, NULL},
	{API_TYPE_CASH_OUT, OP_IN_FLIGHT, "GHS", 3000, 50, 0, -1, NULL},
	{API_TYPE_BANK_TRANSFER, OP_ACCEPTED, "NGN", 500000, 1075,
	 API_FUNDING_CASH, -1, NULL},
	{API_TYPE_BANK_TRANSFER, OP_NEEDS_ATTENTION, "NGN", 100000, 1075,
	 API_FUNDING_WALLET, -1, NULL},
	{API_TYPE_SEND_MONEY, OP_ACCEPTED, "GHS", 100000, 2000,
	 API_FUNDING_CASH, -1, NULL},
	{API_TYPE_SEND_MONEY, OP_REJECTED, "GHS", 50000, 1250,
	 API_FUNDING_WALLET, -1, NULL},
	{API_TYPE_WALLET_TRANSFER, OP_ACCEPTED, "GHS", 1000, 0, 0, -1, NULL},
	{API_TYPE_CUSTOMER_REGISTRATION, OP_ACCEPTED, "", 0, 0, 0, -1, NULL},
	{API_TYPE_CUSTOMER_REGISTRATION, OP_QUEUED, "", 0, 0, 0, -1, NULL},
	/* Reverses the accepted cash-out, refunding its fee. */
	{API_TYPE_REVERSAL, OP_QUEUED, "GHS", 5000, 50, 0, 3, NULL},
};
#define DAY_SPECS ((int)(sizeof(day_specs) / sizeof(day_specs[0])))

struct expected_line {
	const char *type;
	const char *currency;
	int64_t count[REPORT_COLUMNS];
	int64_t amount[REPORT_COLUMNS];
	int64_t fee[REPORT_COLUMNS];
};

/* Sorted by type, then currency. */
static const struct expected_line day_lines[] = {
	{"bank_transfer", "NGN", {1, 1, 0}, {500000, 100000, 0},
	 {1075, 1075, 0}},
	{"cash_in", "GHS", {1, 1, 1}, {10000, 5000, 2000}, {0, 0, 0}},
	{"cash_out", "GHS", {1, 1, 0}, {5000, 3000, 0}, {50, 50, 0}},
	{"customer_registration", "", {1, 1, 0}, {0, 0, 0}, {0, 0, 0}},
	{"reversal", "GHS", {0, 1, 0}, {0, 5000, 0}, {0, -50, 0}},
	/* The rejected send money's fee of 1250 was never charged. */
	{"send_money", "GHS", {1, 0, 1}, {100000, 0, 50000}, {2000, 0, 0}},
	{"wallet_transfer", "GHS", {1, 0, 0}, {1000, 0, 0}, {0, 0, 0}},
};
#define DAY_LINES ((int)(sizeof(day_lines) / sizeof(day_lines[0])))

static void check_lines(const struct report *report,
			const struct expected_line *lines, int n)
{
	assert_int_equal(report->line_count, n);
	for (int i = 0; i < n; i++) {
		const struct report_line *got = &report->lines[i];

		print_message("line %d: %s %s\n", i, lines[i].type,
			      lines[i].currency);
		assert_string_equal(got->type, lines[i].type);
		assert_string_equal(got->currency, lines[i].currency);
		for (int c = 0; c < REPORT_COLUMNS; c++) {
			assert_int_equal(got->count[c], lines[i].count[c]);
			assert_int_equal(got->amount[c], lines[i].amount[c]);
			assert_int_equal(got->fee[c], lines[i].fee[c]);
		}
	}
}

static void build_totals_per_column(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[DAY_SPECS];
	struct report report;

	journal_specs(f->journal, day_specs, DAY_SPECS, T0, ops);
	assert_int_equal(report_build(f->journal, &report), REPORT_OK);
	assert_int_equal(report.day, 1);
	assert_int_equal(report.opened_at, T0);
	assert_int_equal(report.closed_at, 0);
	check_lines(&report, day_lines, DAY_LINES);
}

static void build_float_movement(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[DAY_SPECS];
	struct report report;

	journal_specs(f->journal, day_specs, DAY_SPECS, T0, ops);
	assert_int_equal(report_build(f->journal, &report), REPORT_OK);

	/* GHS confirmed: cash-in -10000, cash-out +5000, cash-funded send
	 * money -102000. Pending: cash-in -5000, cash-out +3000, and the
	 * reversal of the confirmed cash-out -5000. NGN: the cash-funded
	 * bank transfer -501075; the wallet-funded one leaves the float
	 * alone. */
	assert_int_equal(report.float_count, 2);
	assert_string_equal(report.floats[0].agent_id, AGENT);
	assert_string_equal(report.floats[0].currency, "GHS");
	assert_int_equal(report.floats[0].confirmed, -107000);
	assert_int_equal(report.floats[0].pending, -7000);
	assert_string_equal(report.floats[1].agent_id, AGENT);
	assert_string_equal(report.floats[1].currency, "NGN");
	assert_int_equal(report.floats[1].confirmed, -501075);
	assert_int_equal(report.floats[1].pending, 0);
}

/* Two agents on one terminal: the lines add up both, and each agent's
 * float moves apart. A reversal moves the float of its original's agent,
 * whichever agent journals it. */
static const struct op_spec agents_specs[] = {
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 10000, 0, 0, -1, "A1001"},
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 30000, 0, 0, -1, "A1002"},
	{API_TYPE_CASH_OUT, OP_QUEUED, "GHS", 5000, 50, 0, -1, "A1002"},
	{API_TYPE_BANK_TRANSFER, OP_ACCEPTED, "NGN", 1000, 10,
	 API_FUNDING_CASH, -1, "A1001"},
	{API_TYPE_REVERSAL, OP_QUEUED, "GHS", 10000, 0, 0, 0, "A1002"},
};
#define AGENTS_SPECS ((int)(sizeof(agents_specs) / sizeof(agents_specs[0])))

static const struct expected_line agents_lines[] = {
	{"bank_transfer", "NGN", {1, 0, 0}, {1000, 0, 0}, {10, 0, 0}},
	{"cash_in", "GHS", {2, 0, 0}, {40000, 0, 0}, {0, 0, 0}},
	{"cash_out", "GHS", {0, 1, 0}, {0, 5000, 0}, {0, 50, 0}},
	{"reversal", "GHS", {0, 1, 0}, {0, 10000, 0}, {0, 0, 0}},
};
#define AGENTS_LINES ((int)(sizeof(agents_lines) / sizeof(agents_lines[0])))

struct expected_float {
	const char *agent_id;
	const char *currency;
	int64_t confirmed;
	int64_t pending;
};

static const struct expected_float agents_floats[] = {
	{"A1001", "GHS", -10000, 10000},
	{"A1001", "NGN", -1010, 0},
	{"A1002", "GHS", -30000, 5000},
};
#define AGENTS_FLOATS                                                         \
	((int)(sizeof(agents_floats) / sizeof(agents_floats[0])))

static void check_floats(const struct report *report,
			 const struct expected_float *floats, int n)
{
	assert_int_equal(report->float_count, n);
	for (int i = 0; i < n; i++) {
		const struct report_float *got = &report->floats[i];

		print_message("float %d: %s %s\n", i, floats[i].agent_id,
			      floats[i].currency);
		assert_string_equal(got->agent_id, floats[i].agent_id);
		assert_string_equal(got->currency, floats[i].currency);
		assert_int_equal(got->confirmed, floats[i].confirmed);
		assert_int_equal(got->pending, floats[i].pending);
	}
}

static void build_float_per_agent(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[AGENTS_SPECS];
	struct report report;
	struct report closed;
	struct report again;

	journal_specs(f->journal, agents_specs, AGENTS_SPECS, T0, ops);
	assert_int_equal(report_build(f->journal, &report), REPORT_OK);
	check_lines(&report, agents_lines, AGENTS_LINES);
	check_floats(&report, agents_floats, AGENTS_FLOATS);

	/* The recorded report keeps the agents apart. */
	assert_int_equal(report_close_day(f->journal, T0 + 3600, 1, &closed),
			 REPORT_OK);
	check_floats(&closed, agents_floats, AGENTS_FLOATS);
	assert_int_equal(report_get_closed(f->journal, 1, &again), REPORT_OK);
	assert_memory_equal(&again, &closed, sizeof(closed));
}

/* A rejected operation's fee was never charged: the rejected column
 * counts the operation and its amount, and sums no fee. */
static void build_rejected_without_fee(void **state)
{
	struct journal_fixture *f = *state;
	const struct op_spec specs[] = {
		{API_TYPE_CASH_OUT, OP_REJECTED, "GHS", 15000, 176, 0, -1,
		 NULL},
		{API_TYPE_CASH_OUT, OP_REJECTED, "GHS", 2050, 25, 0, -1, NULL},
		{API_TYPE_CASH_OUT, OP_ACCEPTED, "GHS", 1000, 25, 0, -1, NULL},
	};
	const struct expected_line lines[] = {
		{"cash_out", "GHS", {1, 0, 2}, {1000, 0, 17050}, {25, 0, 0}},
	};
	struct operation ops[3];
	struct report report;

	journal_specs(f->journal, specs, 3, T0, ops);
	assert_int_equal(report_build(f->journal, &report), REPORT_OK);
	check_lines(&report, lines, 1);
}

static void build_empty_journal(void **state)
{
	struct journal_fixture *f = *state;
	struct report report;

	assert_int_equal(report_build(f->journal, &report), REPORT_OK);
	assert_int_equal(report.day, 1);
	assert_int_equal(report.opened_at, 0);
	assert_int_equal(report.line_count, 0);
	assert_int_equal(report.float_count, 0);
}

static const struct op_spec first_day[] = {
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 10000, 0, 0, -1, NULL},
	{API_TYPE_CASH_OUT, OP_ACCEPTED, "GHS", 4000, 50, 0, -1, NULL},
};

static const struct op_spec second_day[] = {
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 700, 0, 0, -1, NULL},
};

static void close_splits_days(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[2];
	struct report closed;
	struct report open;
	struct report again;
	const struct expected_line second[] = {
		{"cash_in", "GHS", {1, 0, 0}, {700, 0, 0}, {0, 0, 0}},
	};

	journal_specs(f->journal, first_day, 2, T0, ops);
	assert_int_equal(report_close_day(f->journal, T0 + 3600, 0, &closed),
			 REPORT_OK);
	assert_int_equal(closed.day, 1);
	assert_int_equal(closed.opened_at, T0);
	assert_int_equal(closed.closed_at, T0 + 3600);
	assert_int_equal(closed.line_count, 2);

	/* An operation stamped before the close by a wrong clock still
	 * belongs to the new day. */
	journal_specs(f->journal, second_day, 1, T0 - 86400, ops);
	assert_int_equal(report_build(f->journal, &open), REPORT_OK);
	assert_int_equal(open.day, 2);
	assert_int_equal(open.opened_at, T0 + 3600);
	assert_int_equal(open.closed_at, 0);
	check_lines(&open, second, 1);
	assert_int_equal(open.float_count, 1);
	assert_int_equal(open.floats[0].confirmed, -700);

	/* The recorded report reads back as it was closed. */
	assert_int_equal(report_get_closed(f->journal, 1, &again), REPORT_OK);
	assert_memory_equal(&again, &closed, sizeof(closed));
	assert_int_equal(report_get_closed(f->journal, 2, &again),
			 REPORT_EINVAL);
	assert_int_equal(report_get_closed(f->journal, 0, &again),
			 REPORT_EINVAL);

	assert_int_equal(report_close_day(f->journal, T0 + 7200, 0, &closed),
			 REPORT_OK);
	assert_int_equal(closed.day, 2);
	assert_int_equal(report_get_closed(f->journal, 2, &again), REPORT_OK);
	check_lines(&again, second, 1);
}

static void close_rejected_when_empty(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[2];
	struct report report;

	assert_int_equal(report_close_day(f->journal, T0, 1, &report),
			 REPORT_EEMPTY);
	journal_specs(f->journal, first_day, 2, T0, ops);
	assert_int_equal(report_close_day(f->journal, T0 + 60, 0, &report),
			 REPORT_OK);
	assert_int_equal(report_close_day(f->journal, T0 + 120, 1, &report),
			 REPORT_EEMPTY);
	assert_int_equal(report_get_closed(f->journal, 2, &report),
			 REPORT_EINVAL);
}

static void close_rejected_when_pending(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[DAY_SPECS];
	struct report report;
	struct report open;

	journal_specs(f->journal, day_specs, DAY_SPECS, T0, ops);
	assert_int_equal(report_close_day(f->journal, T0 + 3600, 0, &report),
			 REPORT_EPENDING);

	/* Nothing was recorded: day 1 is still open. */
	assert_int_equal(report_get_closed(f->journal, 1, &report),
			 REPORT_EINVAL);
	assert_int_equal(report_build(f->journal, &open), REPORT_OK);
	assert_int_equal(open.day, 1);

	/* Forced, the pending operations stay pending in the record. */
	assert_int_equal(report_close_day(f->journal, T0 + 3600, 1, &report),
			 REPORT_OK);
	assert_int_equal(report.day, 1);
	check_lines(&report, day_lines, DAY_LINES);
	assert_int_equal(report_get_closed(f->journal, 1, &open), REPORT_OK);
	check_lines(&open, day_lines, DAY_LINES);
	assert_int_equal(open.floats[0].pending, -7000);

	assert_int_equal(report_build(f->journal, &open), REPORT_OK);
	assert_int_equal(open.day, 2);
	assert_int_equal(open.line_count, 0);
}

/* A screen closes the day it showed, and nothing when another program
 * closed that day meanwhile. */
static void close_shown_day_only(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[2];
	struct report report;

	journal_specs(f->journal, first_day, 2, T0, ops);
	assert_int_equal(report_close_shown_day(f->journal, 1, T0 + 3600, 0,
						&report),
			 REPORT_OK);
	assert_int_equal(report.day, 1);

	journal_specs(f->journal, second_day, 1, T0 + 4000, ops);
	assert_int_equal(report_close_shown_day(f->journal, 1, T0 + 7200, 1,
						&report),
			 REPORT_ECLOSED);
	assert_int_equal(report_get_closed(f->journal, 2, &report),
			 REPORT_EINVAL);
	assert_int_equal(report_close_shown_day(f->journal, 0, T0 + 7200, 1,
						&report),
			 REPORT_EINVAL);
	assert_int_equal(report_close_shown_day(f->journal, 2, T0 + 7200, 0,
						&report),
			 REPORT_OK);
	assert_int_equal(report.day, 2);
}

static void build_too_many_lines(void **state)
{
	struct journal_fixture *f = *state;
	struct op_spec specs[REPORT_LINES_MAX + 1];
	struct operation ops[REPORT_LINES_MAX + 1];
	char types[REPORT_LINES_MAX + 1][8];
	struct report report;

	for (int i = 0; i <= REPORT_LINES_MAX; i++) {
		snprintf(types[i], sizeof(types[i]), "type%02d", i);
		specs[i] = (struct op_spec){types[i], OP_ACCEPTED, "", 0, 0, 0,
					    -1, NULL};
	}
	journal_specs(f->journal, specs, REPORT_LINES_MAX, T0, ops);
	assert_int_equal(report_build(f->journal, &report), REPORT_OK);
	assert_int_equal(report.line_count, REPORT_LINES_MAX);

	journal_specs(f->journal, &specs[REPORT_LINES_MAX], 1, T0 + 3600,
		      &ops[REPORT_LINES_MAX]);
	assert_int_equal(report_build(f->journal, &report), REPORT_EFULL);
}

/* A small closed report of two agents, built by hand. Its rejected
 * column has a fee, which report_build never sums, so that the tests
 * show that neither the JSON nor the layout prints one. */
static void make_small_report(struct report *report)
{
	memset(report, 0, sizeof(*report));
	report->day = 3;
	report->opened_at = T0;
	report->closed_at = T0 + 36000;
	report->line_count = 2;
	report->lines[0] = (struct report_line){
		.type = "cash_in",
		.currency = "GHS",
		.count = {2, 1, 0},
		.amount = {20000, 5000, 0},
		.fee = {0, 0, 0},
	};
	report->lines[1] = (struct report_line){
		.type = "cash_out",
		.currency = "GHS",
		.count = {1, 0, 1},
		.amount = {5000, 0, 7000},
		.fee = {50, 0, 70},
	};
	report->float_count = 2;
	report->floats[0] = (struct report_float){
		.agent_id = "A1001",
		.currency = "GHS",
		.confirmed = -15000,
		.pending = -5000,
	};
	report->floats[1] = (struct report_float){
		.agent_id = "A1002",
		.currency = "GHS",
		.confirmed = -30000,
	};
}

static void json_exact(void **state)
{
	struct report report;
	char json[REPORT_JSON_SIZE];
	char small[64];

	(void)state;
	make_small_report(&report);
	assert_int_equal(report_json(&report, json, sizeof(json)), REPORT_OK);
	assert_string_equal(
		json,
		"{\"day\":3,\"status\":\"closed\","
		"\"opened_at\":\"2026-12-04T08:00:00Z\","
		"\"closed_at\":\"2026-12-04T18:00:00Z\","
		"\"lines\":[{\"type\":\"cash_in\",\"currency\":\"GHS\","
		"\"confirmed\":{\"count\":2,\"amount\":20000,\"fee\":0},"
		"\"pending\":{\"count\":1,\"amount\":5000,\"fee\":0},"
		"\"rejected\":{\"count\":0,\"amount\":0}},"
		"{\"type\":\"cash_out\",\"currency\":\"GHS\","
		"\"confirmed\":{\"count\":1,\"amount\":5000,\"fee\":50},"
		"\"pending\":{\"count\":0,\"amount\":0,\"fee\":0},"
		"\"rejected\":{\"count\":1,\"amount\":7000}}],"
		"\"carried\":[],"
		"\"floats\":[{\"agent_id\":\"A1001\",\"currency\":\"GHS\","
		"\"confirmed\":-15000,\"carried_confirmed\":0,"
		"\"pending\":-5000},"
		"{\"agent_id\":\"A1002\",\"currency\":\"GHS\","
		"\"confirmed\":-30000,\"carried_confirmed\":0,"
		"\"pending\":0}]}");

	/* An open day has no close time. */
	report.closed_at = 0;
	report.line_count = 0;
	report.float_count = 0;
	assert_int_equal(report_json(&report, json, sizeof(json)), REPORT_OK);
	assert_string_equal(json, "{\"day\":3,\"status\":\"open\","
				  "\"opened_at\":\"2026-12-04T08:00:00Z\","
				  "\"closed_at\":null,\"lines\":[],"
				  "\"carried\":[],\"floats\":[]}");

	assert_int_equal(report_json(&report, small, sizeof(small)),
			 REPORT_EINVAL);
	assert_int_equal(report_json(&report, json, 0), REPORT_EINVAL);
}

/* The decided carried operations of a report: one cash-in reversal
 * confirmed since an earlier close, in a day of its own. */
static void make_carried_report(struct report *report)
{
	memset(report, 0, sizeof(*report));
	report->day = 2;
	report->opened_at = T0;
	report->closed_at = T0 + 36000;
	report->carried_count = 1;
	report->carried[0] = (struct report_line){
		.type = "reversal",
		.currency = "GHS",
		.count = {1, 0, 0},
		.amount = {10000, 0, 0},
		.fee = {0, 0, 0},
	};
	report->float_count = 1;
	report->floats[0] = (struct report_float){
		.agent_id = "A1001",
		.currency = "GHS",
		.carried_confirmed = 10000,
	};
}

static void json_exact_carried(void **state)
{
	struct report report;
	char json[REPORT_JSON_SIZE];

	(void)state;
	make_carried_report(&report);
	assert_int_equal(report_json(&report, json, sizeof(json)), REPORT_OK);
	assert_string_equal(
		json,
		"{\"day\":2,\"status\":\"closed\","
		"\"opened_at\":\"2026-12-04T08:00:00Z\","
		"\"closed_at\":\"2026-12-04T18:00:00Z\",\"lines\":[],"
		"\"carried\":[{\"type\":\"reversal\",\"currency\":\"GHS\","
		"\"confirmed\":{\"count\":1,\"amount\":10000,\"fee\":0},"
		"\"rejected\":{\"count\":0,\"amount\":0}}],"
		"\"floats\":[{\"agent_id\":\"A1001\",\"currency\":\"GHS\","
		"\"confirmed\":0,\"carried_confirmed\":10000,"
		"\"pending\":0}]}");
}

/* Journal a cash-in and its reversal, the reversal in `state`. */
static void journal_reversed_cash_in(struct journal *journal,
				     enum op_state state, int64_t created_at,
				     struct operation ops[2])
{
	const struct op_spec specs[] = {
		{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 10000, 0, 0, -1, NULL},
		{API_TYPE_REVERSAL, state, "GHS", 10000, 0, 0, 0, NULL},
	};

	journal_specs(journal, specs, 2, created_at, ops);
}

/* A reversal pending at a forced close and confirmed afterwards counts
 * in the next day's report, once, and the day can close on it alone. */
static void carried_counted_once(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[2];
	struct report closed;
	struct report open;
	struct report again;
	const struct expected_line reversal[] = {
		{"reversal", "GHS", {1, 0, 0}, {10000, 0, 0}, {0, 0, 0}},
	};

	journal_reversed_cash_in(f->journal, OP_QUEUED, T0, ops);
	assert_int_equal(report_close_day(f->journal, T0 + 3600, 1, &closed),
			 REPORT_OK);
	assert_int_equal(closed.carried_count, 0);
	assert_int_equal(closed.floats[0].pending, 10000);

	assert_int_equal(journal_mark_accepted(f->journal, ops[1].id,
					       "SBX-2", T0 + 4000),
			 JOURNAL_OK);
	assert_int_equal(report_build(f->journal, &open), REPORT_OK);
	assert_int_equal(open.day, 2);
	assert_int_equal(open.line_count, 0);
	check_lines(&(struct report){.line_count = open.carried_count,
				     .lines = {open.carried[0]}},
		    reversal, 1);
	assert_int_equal(open.float_count, 1);
	assert_string_equal(open.floats[0].currency, "GHS");
	assert_int_equal(open.floats[0].confirmed, 0);
	assert_int_equal(open.floats[0].carried_confirmed, 10000);
	assert_int_equal(open.floats[0].pending, 0);

	/* Day 1's record is unchanged: it still shows it pending. */
	assert_int_equal(report_get_closed(f->journal, 1, &again), REPORT_OK);
	assert_int_equal(again.carried_count, 0);
	assert_int_equal(again.floats[0].pending, 10000);

	/* Day 2 has no operation of its own but closes on the decision. */
	assert_int_equal(report_close_day(f->journal, T0 + 7200, 0, &closed),
			 REPORT_OK);
	assert_int_equal(closed.day, 2);
	assert_int_equal(closed.carried_count, 1);
	assert_int_equal(report_get_closed(f->journal, 2, &again), REPORT_OK);
	assert_memory_equal(&again, &closed, sizeof(closed));

	/* Counted once: day 3 carries nothing and has nothing to close. */
	assert_int_equal(report_build(f->journal, &open), REPORT_OK);
	assert_int_equal(open.day, 3);
	assert_int_equal(open.carried_count, 0);
	assert_int_equal(open.float_count, 0);
	assert_int_equal(report_close_day(f->journal, T0 + 9000, 1, &closed),
			 REPORT_EEMPTY);
}

/* A rejected carried operation counts in the rejected column with no
 * float movement, and one still pending at the next close waits for the
 * report of the day its decision comes in. */
static void carried_rejected_and_late(void **state)
{
	struct journal_fixture *f = *state;
	struct operation first[2];
	struct operation second[2];
	struct report closed;
	struct report open;
	const struct expected_line day_two[] = {
		{"cash_in", "GHS", {1, 0, 0}, {10000, 0, 0}, {0, 0, 0}},
		{"reversal", "GHS", {0, 1, 0}, {0, 10000, 0}, {0, 0, 0}},
	};
	const struct expected_line carried_two[] = {
		{"reversal", "GHS", {0, 0, 1}, {0, 0, 10000}, {0, 0, 0}},
	};
	const struct expected_line carried_three[] = {
		{"reversal", "GHS", {1, 0, 0}, {10000, 0, 0}, {0, 0, 0}},
	};

	journal_reversed_cash_in(f->journal, OP_IN_FLIGHT, T0, first);
	assert_int_equal(report_close_day(f->journal, T0 + 3600, 1, &closed),
			 REPORT_OK);
	journal_reversed_cash_in(f->journal, OP_NEEDS_ATTENTION, T0 + 4000,
				 second);
	assert_int_equal(journal_mark_rejected(f->journal, first[1].id,
					       "already_reversed", T0 + 5000),
			 JOURNAL_OK);

	/* Day 2: its own cash-in and pending reversal, and day 1's reversal
	 * rejected. */
	assert_int_equal(report_close_day(f->journal, T0 + 7200, 1, &closed),
			 REPORT_OK);
	assert_int_equal(closed.day, 2);
	check_lines(&closed, day_two, 2);
	check_lines(&(struct report){.line_count = closed.carried_count,
				     .lines = {closed.carried[0]}},
		    carried_two, 1);
	assert_int_equal(closed.floats[0].confirmed, -10000);
	assert_int_equal(closed.floats[0].carried_confirmed, 0);
	assert_int_equal(closed.floats[0].pending, 10000);

	/* Day 3 closes with day 2's reversal still pending: still carried. */
	assert_int_equal(report_close_day(f->journal, T0 + 9000, 1, &closed),
			 REPORT_EEMPTY);
	assert_int_equal(journal_retry_attention(f->journal, second[1].id,
						 T0 + 9500),
			 JOURNAL_OK);
	assert_int_equal(journal_mark_accepted(f->journal, second[1].id,
					       "SBX-3", T0 + 9600),
			 JOURNAL_OK);
	assert_int_equal(report_build(f->journal, &open), REPORT_OK);
	assert_int_equal(open.day, 3);
	assert_int_equal(open.line_count, 0);
	check_lines(&(struct report){.line_count = open.carried_count,
				     .lines = {open.carried[0]}},
		    carried_three, 1);
	assert_int_equal(open.floats[0].carried_confirmed, 10000);
}

/* A report recorded by an earlier version reads back with no carried
 * operations and with floats of no agent. The fees it summed for
 * rejected operations read back as 0. */
static void closed_report_without_carried(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[2];
	struct journal_day day;
	struct report report;

	journal_specs(f->journal, first_day, 2, T0, ops);
	assert_int_equal(journal_day_scan(f->journal, NULL, NULL, &day),
			 JOURNAL_OK);
	day.closed_at = T0 + 3600;
	assert_int_equal(
		journal_day_record(
			f->journal, &day,
			"{\"day\":1,\"status\":\"closed\","
			"\"opened_at\":\"2026-12-04T08:00:00Z\","
			"\"closed_at\":\"2026-12-04T09:00:00Z\","
			"\"lines\":[{\"type\":\"cash_out\","
			"\"currency\":\"GHS\",\"confirmed\":{\"count\":1,"
			"\"amount\":4000,\"fee\":50},\"pending\":{"
			"\"count\":0,\"amount\":0,\"fee\":0},"
			"\"rejected\":{\"count\":1,\"amount\":7000,"
			"\"fee\":70}}],"
			"\"floats\":[{\"currency\":\"GHS\","
			"\"confirmed\":-6000,\"pending\":0}]}"),
		JOURNAL_OK);
	assert_int_equal(report_get_closed(f->journal, 1, &report), REPORT_OK);
	assert_int_equal(report.carried_count, 0);
	assert_int_equal(report.line_count, 1);
	assert_int_equal(report.lines[0].fee[REPORT_CONFIRMED], 50);
	assert_int_equal(report.lines[0].count[REPORT_REJECTED], 1);
	assert_int_equal(report.lines[0].amount[REPORT_REJECTED], 7000);
	assert_int_equal(report.lines[0].fee[REPORT_REJECTED], 0);
	assert_int_equal(report.float_count, 1);
	assert_string_equal(report.floats[0].agent_id, "");
	assert_int_equal(report.floats[0].confirmed, -6000);
	assert_int_equal(report.floats[0].carried_confirmed, 0);
}

static int count_code_points(const char *text)
{
	int count = 0;

	for (; *text != '\0'; text++)
		count += ((unsigned char)*text & 0xC0) != 0x80;
	return count;
}

static int find_line(const struct receipt *receipt, const char *text)
{
	for (int i = 0; i < receipt->count; i++) {
		if (strcmp(receipt->lines[i].text, text) == 0)
			return i;
	}
	return -1;
}

static const char *const small_32[] = {
	"SPOTBANC",
	"Z REPORT",
	"--------------------------------",
	"Terminal                  T-0001",
	"Day                            3",
	"Opened      2026-12-04 08:00 UTC",
	"Closed      2026-12-04 18:00 UTC",
	"Printed by            Ama Mensah",
	"--------------------------------",
	"Cash-in GHS",
	"Confirmed 2           GHS 200.00",
	"Pending 1              GHS 50.00",
	"Cash-out GHS",
	"Confirmed 1            GHS 50.00",
	"  Fees                  GHS 0.50",
	"Rejected 1             GHS 70.00",
	"--------------------------------",
	"Float movement per agent",
	"Agent A1001",
	"GHS confirmed        GHS -150.00",
	"GHS pending           GHS -50.00",
	"Agent A1002",
	"GHS confirmed        GHS -300.00",
	"GHS pending             GHS 0.00",
	"--------------------------------",
	"Day closed: totals recorded",
	NULL,
};

static void layout_exact_32(void **state)
{
	const struct receipt_context context = {
		.terminal_id = "T-0001",
		.agent_name = "Ama Mensah",
	};
	struct report report;
	struct receipt receipt;
	int n = 0;

	(void)state;
	make_small_report(&report);
	assert_int_equal(report_layout(&report, &context, 32, &receipt), 0);
	while (small_32[n] != NULL)
		n++;
	assert_int_equal(receipt.count, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(receipt.lines[i].text, small_32[i]);
	assert_int_equal(receipt.lines[1].style, RECEIPT_STYLE_CENTER);
	assert_int_equal(receipt.lines[9].style, RECEIPT_STYLE_TOTAL);
}

static const char *const carried_32[] = {
	"SPOTBANC",
	"Z REPORT",
	"--------------------------------",
	"Terminal                  T-0001",
	"Day                            2",
	"Opened      2026-12-04 08:00 UTC",
	"Closed      2026-12-04 18:00 UTC",
	"--------------------------------",
	"No operations",
	"--------------------------------",
	"Decided since an earlier close",
	"Reversal GHS",
	"Confirmed 1           GHS 100.00",
	"--------------------------------",
	"Float movement per agent",
	"Agent A1001",
	"GHS confirmed           GHS 0.00",
	"GHS carried           GHS 100.00",
	"GHS pending             GHS 0.00",
	"--------------------------------",
	"Day closed: totals recorded",
	NULL,
};

static void layout_carried_32(void **state)
{
	const struct receipt_context context = {.terminal_id = "T-0001"};
	struct report report;
	struct receipt receipt;
	int n = 0;

	(void)state;
	make_carried_report(&report);
	assert_int_equal(report_layout(&report, &context, 32, &receipt), 0);
	while (carried_32[n] != NULL)
		n++;
	for (int i = 0; i < n && i < receipt.count; i++)
		assert_string_equal(receipt.lines[i].text, carried_32[i]);
	assert_int_equal(receipt.count, n);
	assert_int_equal(receipt.lines[10].style, RECEIPT_STYLE_TOTAL);
}

struct layout_case {
	int columns;
	bool closed;
	bool copy;
	const char *title;
};

static const struct layout_case layout_cases[] = {
	{32, true, false, "Z REPORT"},
	{48, true, true, "Z REPORT"},
	{32, false, false, "X REPORT (day still open)"},
	{48, false, true, "X REPORT (day still open)"},
};

static void layout_widths_and_titles(void **state)
{
	struct journal_fixture *f = *state;
	struct operation ops[DAY_SPECS];
	struct report report;

	journal_specs(f->journal, day_specs, DAY_SPECS, T0, ops);
	assert_int_equal(report_build(f->journal, &report), REPORT_OK);
	for (size_t i = 0; i < sizeof(layout_cases) / sizeof(layout_cases[0]);
	     i++) {
		const struct layout_case *c = &layout_cases[i];
		const struct receipt_context context = {
			.terminal_id = "T-0001",
			.copy = c->copy,
		};
		struct receipt receipt;

		print_message("%d columns, closed %d\n", c->columns,
			      c->closed);
		report.closed_at = c->closed ? T0 + 36000 : 0;
		assert_int_equal(report_layout(&report, &context, c->columns,
					       &receipt),
				 0);
		for (int j = 0; j < receipt.count; j++)
			assert_true(count_code_points(receipt.lines[j].text) <=
				    c->columns);
		assert_string_equal(receipt.lines[1].text, c->title);
		assert_int_equal(find_line(&receipt, "*** COPY ***") >= 0,
				 c->copy);
		assert_int_equal(find_line(&receipt, "Z REPORT") >= 0,
				 c->closed);
		assert_true(find_line(&receipt, "Customer registration") > 0);
		assert_true(find_line(&receipt, "Bank transfer NGN") > 0);
		assert_true(find_line(&receipt, "Reversal GHS") > 0);
		assert_true(find_line(&receipt, "Float movement per agent") >
			    0);
		assert_true(find_line(&receipt, "Agent " AGENT) > 0);
		assert_int_equal(find_line(&receipt, "Agent"), -1);
	}
}

/* A report recorded before floats were split by agent prints its floats
 * under "All agents". */
static void layout_float_of_all_agents(void **state)
{
	const struct receipt_context context = {.terminal_id = "T-0001"};
	struct report report;
	struct receipt receipt;
	int heading;

	(void)state;
	make_carried_report(&report);
	report.floats[0].agent_id[0] = '\0';
	assert_int_equal(report_layout(&report, &context, 32, &receipt), 0);
	heading = find_line(&receipt, "Float movement per agent");
	assert_true(heading > 0);
	assert_int_equal(find_line(&receipt, "All agents"), heading + 1);
	assert_int_equal(find_line(&receipt, "Agent "), -1);
}

static void layout_bad_width(void **state)
{
	const struct receipt_context context = {.terminal_id = "T-0001"};
	struct report report;
	struct receipt receipt;

	(void)state;
	make_small_report(&report);
	assert_int_equal(report_layout(&report, &context, 40, &receipt), -1);
}

static void strerror_messages(void **state)
{
	static const struct {
		int error;
		const char *message;
	} cases[] = {
		{REPORT_OK, "Success"},
		{REPORT_EIO, "Journal error while building the report "
			     "(details in the log)"},
		{REPORT_EFULL, "Too many operation types and currencies for "
			       "one report"},
		{REPORT_EINVAL, "No such closed day, or the report does not "
				"fit"},
		{REPORT_EEMPTY, "No operation since the last close and no "
				"pending one decided since: nothing to close"},
		{REPORT_EPENDING, "Some operations are still pending: sync "
				  "first, or close anyway"},
		{REPORT_ECLOSED, "This day was closed meanwhile by another "
				 "program"},
		{-99, "Unknown report error"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(report_strerror(cases[i].error),
				    cases[i].message);
}

#define REPORT_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		REPORT_TEST(build_totals_per_column),
		REPORT_TEST(build_float_movement),
		REPORT_TEST(build_float_per_agent),
		REPORT_TEST(build_rejected_without_fee),
		REPORT_TEST(build_empty_journal),
		REPORT_TEST(build_too_many_lines),
		REPORT_TEST(close_splits_days),
		REPORT_TEST(close_rejected_when_empty),
		REPORT_TEST(close_rejected_when_pending),
		REPORT_TEST(close_shown_day_only),
		REPORT_TEST(carried_counted_once),
		REPORT_TEST(carried_rejected_and_late),
		REPORT_TEST(closed_report_without_carried),
		REPORT_TEST(layout_widths_and_titles),
		cmocka_unit_test(json_exact),
		cmocka_unit_test(json_exact_carried),
		cmocka_unit_test(layout_carried_32),
		cmocka_unit_test(layout_exact_32),
		cmocka_unit_test(layout_float_of_all_agents),
		cmocka_unit_test(layout_bad_width),
		cmocka_unit_test(strerror_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
