/* Benchmark tool for `make bench`, run by tests/bench/run.sh. It times the
 * end-of-day report and the fee shown on a confirmation screen, each
 * against the bare library call it is built on, and prints "name: value"
 * lines.
 *   report DIR   report_build of a busy day against a bare GROUP BY
 *   fee DIR      refdata_fee from the journal's cached schedule against a
 *                bare jansson parse of the same text */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../app/api_money.h"
#include "../../app/log.h"
#include "../../app/refdata.h"
#include "../../app/report.h"
#include "../../app/uuid.h"
#include "../../offline/journal.h"
#include "bench_util.h"

/* A busy counter's day: about 1,000 operations an hour for ten hours. */
#define DAY_OPERATIONS 10000
#define REPORT_SAMPLES 15
#define REPORT_SAMPLES_MIN 3
#define REPORT_SECONDS_MAX 120

#define FEE_SAMPLES 2000
#define FEE_SAMPLES_MIN 100
#define FEE_SECONDS_MAX 60

#define AGENT_ID "A1001"
#define DAY_START 1796400000 /* 2026-12-04, Unix seconds */

/* The sandbox's default schedule for the types the day uses
 * (docs/api.md, GET /v1/fees). */
static const char fee_schedule[] =
	"{\"version\":1,\"fees\":{"
	"\"wallet_transfer\":{\"GHS\":[{\"up_to\":null,\"fixed\":0,"
	"\"rate_bp\":0}]},"
	"\"cash_in\":{\"GHS\":[{\"up_to\":null,\"fixed\":0,\"rate_bp\":0}]},"
	"\"cash_out\":{\"GHS\":[{\"up_to\":10000,\"fixed\":50,\"rate_bp\":0},"
	"{\"up_to\":null,\"fixed\":0,\"rate_bp\":100,\"min\":100,"
	"\"max\":2000}]},"
	"\"bank_transfer\":{\"GHS\":[{\"up_to\":null,\"fixed\":100,"
	"\"rate_bp\":50,\"max\":1500}]}}}";

/* Fill op with operation n of the day: cash-in, cash-out and bank
 * transfer in turn, in GHS, with amounts that cross the fee bands.
 * Returns 0, or -1 when a payload cannot be encoded. */
static int day_operation(int n, struct operation *op)
{
	struct cash_in in = { 0 };
	struct cash_out out = { 0 };
	struct bank_transfer bank = { 0 };
	int64_t amount = 500 + (int64_t)(n % 97) * 1000;
	int rc;

	memset(op, 0, sizeof(*op));
	uuid_generate(op->id);
	snprintf(op->agent_id, sizeof(op->agent_id), "%s", AGENT_ID);
	snprintf(op->currency, sizeof(op->currency), "GHS");
	op->amount = amount;
	op->created_at = DAY_START + n * 3;
	op->updated_at = op->created_at;
	op->next_attempt_at = op->created_at;
	switch (n % 3) {
	case 0:
		snprintf(op->type, sizeof(op->type), "%s", API_TYPE_CASH_IN);
		snprintf(in.receiver, sizeof(in.receiver), "1000000002");
		snprintf(in.currency, sizeof(in.currency), "GHS");
		in.amount = amount;
		rc = api_cash_in_encode(&in, op->payload, sizeof(op->payload));
		snprintf(op->keys[0], sizeof(op->keys[0]), "wallet:%s",
			 in.receiver);
		break;
	case 1:
		snprintf(op->type, sizeof(op->type), "%s", API_TYPE_CASH_OUT);
		snprintf(out.sender, sizeof(out.sender), "1000000001");
		snprintf(out.currency, sizeof(out.currency), "GHS");
		snprintf(out.code, sizeof(out.code), "123456");
		out.amount = amount;
		rc = refdata_fee_from(fee_schedule, op->type, "GHS", amount,
				      &out.fee);
		if (rc == 0)
			rc = api_cash_out_encode(&out, op->payload,
						 sizeof(op->payload));
		snprintf(op->keys[0], sizeof(op->keys[0]), "wallet:%s",
			 out.sender);
		break;
	default:
		snprintf(op->type, sizeof(op->type), "%s",
			 API_TYPE_BANK_TRANSFER);
		bank.funding = API_FUNDING_CASH;
		snprintf(bank.bank_code, sizeof(bank.bank_code), "GH030100");
		snprintf(bank.bank_name, sizeof(bank.bank_name), "GCB Bank");
		snprintf(bank.account_number, sizeof(bank.account_number),
			 "1020304050607");
		snprintf(bank.account_name, sizeof(bank.account_name),
			 "Efua Mensah");
		snprintf(bank.currency, sizeof(bank.currency), "GHS");
		bank.amount = amount;
		rc = refdata_fee_from(fee_schedule, op->type, "GHS", amount,
				      &bank.fee);
		if (rc == 0)
			rc = api_bank_transfer_encode(&bank, op->payload,
						      sizeof(op->payload));
		break;
	}
	snprintf(op->keys[1], sizeof(op->keys[1]), "float:%s:GHS", AGENT_ID);
	return rc == 0 ? 0 : -1;
}

/* Journal the day: most operations accepted, some rejected, the last
 * tenth still queued, as at a counter whose link came back late in the
 * afternoon. Returns 0, or -1 with the failure on stderr. */
static int fill_day(struct journal *journal)
{
	struct operation op;
	char reference[JOURNAL_REFERENCE_SIZE];
	int rc;

	for (int n = 0; n < DAY_OPERATIONS; n++) {
		if (day_operation(n, &op) != 0) {
			fprintf(stderr, "bench: operation %d not encoded\n",
				n);
			return -1;
		}
		rc = journal_insert(journal, &op);
		if (rc == 0 && n < DAY_OPERATIONS * 9 / 10) {
			snprintf(reference, sizeof(reference), "SBX-%06d",
				 n + 1);
			if (n % 50 == 7)
				rc = journal_mark_rejected(
					journal, op.id, "insufficient_float",
					op.created_at + 1);
			else
				rc = journal_mark_accepted(journal, op.id,
							   reference,
							   op.created_at + 1);
		}
		if (rc != 0) {
			fprintf(stderr, "bench: journal: %s\n",
				journal_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* The bare baseline: counts and sums per type, currency and state in
 * one indexed-free GROUP BY over the same rows, read to the end. */
static double bare_group_ms(sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	double start = bench_now_ms();
	long long total = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT type, currency, state, count(*),"
			       " sum(amount) FROM operations"
			       " GROUP BY type, currency, state",
			       -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	while (sqlite3_step(stmt) == SQLITE_ROW)
		total += sqlite3_column_int64(stmt, 3);
	sqlite3_finalize(stmt);
	if (total != DAY_OPERATIONS) {
		fprintf(stderr, "bench: GROUP BY counted %lld rows\n", total);
		return -1;
	}
	return bench_now_ms() - start;
}

static int run_report(const char *dir)
{
	char path[4096];
	struct journal *journal = NULL;
	sqlite3 *db = NULL;
	struct report *report = calloc(1, sizeof(*report));
	double built[REPORT_SAMPLES], bare[REPORT_SAMPLES];
	double limit = bench_now_ms() + REPORT_SECONDS_MAX * 1000.0;
	int samples = 0, rc = 1;
	int64_t counted = 0;

	snprintf(path, sizeof(path), "%s/report-journal.db", dir);
	remove(path);
	if (report == NULL || journal_open(path, &journal) != 0 ||
	    fill_day(journal) != 0 ||
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
		    SQLITE_OK)
		goto out;
	while (samples < REPORT_SAMPLES && bench_now_ms() < limit) {
		double start = bench_now_ms();

		if (report_build(journal, report) != 0) {
			fprintf(stderr, "bench: report_build failed\n");
			goto out;
		}
		built[samples] = bench_now_ms() - start;
		bare[samples] = bare_group_ms(db);
		if (bare[samples] < 0)
			goto out;
		samples++;
	}
	if (samples < REPORT_SAMPLES_MIN) {
		fprintf(stderr, "bench: only %d reports in %d s\n", samples,
			REPORT_SECONDS_MAX);
		goto out;
	}
	for (int i = 0; i < report->line_count; i++)
		for (int c = 0; c < REPORT_COLUMNS; c++)
			counted += report->lines[i].count[c];
	if (counted != DAY_OPERATIONS) {
		fprintf(stderr, "bench: the report counted %lld operations\n",
			(long long)counted);
		goto out;
	}
	printf("report_operations: %d\n", DAY_OPERATIONS);
	printf("report_build_ms: %.2f\n", bench_median(built, samples));
	printf("report_bare_group_ms: %.2f\n", bench_median(bare, samples));
	printf("eod_report_ratio: %.2f\n",
	       bench_median(built, samples) / bench_median(bare, samples));
	rc = 0;
out:
	sqlite3_close(db);
	journal_close(journal);
	free(report);
	return rc;
}

/* Time one bare parse of the schedule and a walk to the cash-out band. */
static double bare_parse_ms(void)
{
	double start = bench_now_ms();
	json_t *root = json_loads(fee_schedule, 0, NULL);
	json_t *bands = json_object_get(
		json_object_get(json_object_get(root, "fees"), "cash_out"),
		"GHS");
	double elapsed;

	elapsed = bench_now_ms() - start;
	if (json_array_size(bands) != 2)
		elapsed = -1;
	json_decref(root);
	return elapsed;
}

static int run_fee(const char *dir)
{
	char path[4096];
	struct journal *journal = NULL;
	double cached[FEE_SAMPLES], bare[FEE_SAMPLES];
	double limit = bench_now_ms() + FEE_SECONDS_MAX * 1000.0;
	int samples = 0, rc = 1;
	int64_t fee = -1;

	snprintf(path, sizeof(path), "%s/fee-journal.db", dir);
	remove(path);
	if (journal_open(path, &journal) != 0 ||
	    journal_set_meta(journal, REFDATA_META_FEES, fee_schedule) != 0)
		goto out;
	while (samples < FEE_SAMPLES && bench_now_ms() < limit) {
		double start = bench_now_ms();

		if (refdata_fee(journal, API_TYPE_CASH_OUT, "GHS", 250000,
				&fee) != 0 || fee != 2000) {
			fprintf(stderr, "bench: refdata_fee gave %lld\n",
				(long long)fee);
			goto out;
		}
		cached[samples] = bench_now_ms() - start;
		bare[samples] = bare_parse_ms();
		if (bare[samples] < 0)
			goto out;
		samples++;
	}
	if (samples < FEE_SAMPLES_MIN)
		goto out;
	printf("fee_cached_ms: %.4f\n", bench_median(cached, samples));
	printf("fee_bare_parse_ms: %.4f\n", bench_median(bare, samples));
	printf("fee_lookup_ratio: %.2f\n",
	       bench_median(cached, samples) / bench_median(bare, samples));
	rc = 0;
out:
	journal_close(journal);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_money report|fee DIR\n");
		return 2;
	}
	log_open("stderr", LOG_LEVEL_ERROR);
	if (strcmp(argv[1], "report") == 0)
		return run_report(argv[2]);
	if (strcmp(argv[1], "fee") == 0)
		return run_fee(argv[2]);
	fprintf(stderr, "bench_money: unknown figure %s\n", argv[1]);
	return 2;
}
