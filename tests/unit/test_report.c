/* Unit tests of the end-of-day report against a real journal in a fresh
 * directory under /tmp: totals per column, the float movement, days split
 * by closes, refused and forced closes, the JSON and the receipt layout. */
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
		strcpy(op->agent_id, AGENT);
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
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 10000, 0, 0, -1},
	{API_TYPE_CASH_IN, OP_QUEUED, "GHS", 5000, 0, 0, -1},
	{API_TYPE_CASH_IN, OP_REJECTED, "GHS", 2000, 0, 0, -1},
	{API_TYPE_CASH_OUT, OP_ACCEPTED, "GHS", 5000, 50, 0, -1},
	{API_TYPE_CASH_OUT, OP_IN_FLIGHT, "GHS", 3000, 50, 0, -1},
	{API_TYPE_BANK_TRANSFER, OP_ACCEPTED, "NGN", 500000, 1075,
	 API_FUNDING_CASH, -1},
	{API_TYPE_BANK_TRANSFER, OP_NEEDS_ATTENTION, "NGN", 100000, 1075,
	 API_FUNDING_WALLET, -1},
	{API_TYPE_SEND_MONEY, OP_ACCEPTED, "GHS", 100000, 2000,
	 API_FUNDING_CASH, -1},
	{API_TYPE_SEND_MONEY, OP_REJECTED, "GHS", 50000, 1250,
	 API_FUNDING_WALLET, -1},
	{API_TYPE_WALLET_TRANSFER, OP_ACCEPTED, "GHS", 1000, 0, 0, -1},
	{API_TYPE_CUSTOMER_REGISTRATION, OP_ACCEPTED, "", 0, 0, 0, -1},
	{API_TYPE_CUSTOMER_REGISTRATION, OP_QUEUED, "", 0, 0, 0, -1},
	/* Reverses the accepted cash-out, refunding its fee. */
	{API_TYPE_REVERSAL, OP_QUEUED, "GHS", 5000, 50, 0, 3},
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
	{"send_money", "GHS", {1, 0, 1}, {100000, 0, 50000}, {2000, 0, 1250}},
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
	assert_string_equal(report.floats[0].currency, "GHS");
	assert_int_equal(report.floats[0].confirmed, -107000);
	assert_int_equal(report.floats[0].pending, -7000);
	assert_string_equal(report.floats[1].currency, "NGN");
	assert_int_equal(report.floats[1].confirmed, -501075);
	assert_int_equal(report.floats[1].pending, 0);
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
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 10000, 0, 0, -1},
	{API_TYPE_CASH_OUT, OP_ACCEPTED, "GHS", 4000, 50, 0, -1},
};

static const struct op_spec second_day[] = {
	{API_TYPE_CASH_IN, OP_ACCEPTED, "GHS", 700, 0, 0, -1},
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

	/* An operation whose clock says before the close still belongs to
	 * the new day. */
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
					    -1};
	}
	journal_specs(f->journal, specs, REPORT_LINES_MAX, T0, ops);
	assert_int_equal(report_build(f->journal, &report), REPORT_OK);
	assert_int_equal(report.line_count, REPORT_LINES_MAX);

	journal_specs(f->journal, &specs[REPORT_LINES_MAX], 1, T0 + 3600,
		      &ops[REPORT_LINES_MAX]);
	assert_int_equal(report_build(f->journal, &report), REPORT_EFULL);
}

/* A small closed report, built by hand. */
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
	report->float_count = 1;
	report->floats[0] = (struct report_float){
		.currency = "GHS",
		.confirmed = -15000,
		.pending = -5000,
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
		"\"rejected\":{\"count\":0,\"amount\":0,\"fee\":0}},"
		"{\"type\":\"cash_out\",\"currency\":\"GHS\","
		"\"confirmed\":{\"count\":1,\"amount\":5000,\"fee\":50},"
		"\"pending\":{\"count\":0,\"amount\":0,\"fee\":0},"
		"\"rejected\":{\"count\":1,\"amount\":7000,\"fee\":70}}],"
		"\"floats\":[{\"currency\":\"GHS\",\"confirmed\":-15000,"
		"\"pending\":-5000}]}");

	/* An open day has no close time. */
	report.closed_at = 0;
	report.line_count = 0;
	report.float_count = 0;
	assert_int_equal(report_json(&report, json, sizeof(json)), REPORT_OK);
	assert_string_equal(json, "{\"day\":3,\"status\":\"open\","
				  "\"opened_at\":\"2026-12-04T08:00:00Z\","
				  "\"closed_at\":null,\"lines\":[],"
				  "\"floats\":[]}");

	assert_int_equal(report_json(&report, small, sizeof(small)),
			 REPORT_EINVAL);
	assert_int_equal(report_json(&report, json, 0), REPORT_EINVAL);
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
	"Day                            3",
	"Opened      2026-12-04 08:00 UTC",
	"Closed      2026-12-04 18:00 UTC",
	"Terminal                  T-0001",
	"Agent                 Ama Mensah",
	"--------------------------------",
	"Cash-in GHS",
	"Confirmed 2           GHS 200.00",
	"Pending 1              GHS 50.00",
	"Cash-out GHS",
	"Confirmed 1            GHS 50.00",
	"  Fees                  GHS 0.50",
	"Rejected 1             GHS 70.00",
	"  Fees                  GHS 0.70",
	"--------------------------------",
	"Float movement",
	"GHS confirmed        GHS -150.00",
	"GHS pending           GHS -50.00",
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
		assert_true(find_line(&receipt, "Float movement") > 0);
	}
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
		{REPORT_EEMPTY, "No operation since the last close: nothing "
				"to close"},
		{REPORT_EPENDING, "Some operations are still pending: sync "
				  "first, or close anyway"},
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
		REPORT_TEST(build_empty_journal),
		REPORT_TEST(build_too_many_lines),
		REPORT_TEST(close_splits_days),
		REPORT_TEST(close_rejected_when_empty),
		REPORT_TEST(close_rejected_when_pending),
		REPORT_TEST(layout_widths_and_titles),
		cmocka_unit_test(json_exact),
		cmocka_unit_test(layout_exact_32),
		cmocka_unit_test(layout_bad_width),
		cmocka_unit_test(strerror_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
