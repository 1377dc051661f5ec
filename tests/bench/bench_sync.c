/* Benchmark tool for `make bench` (tests/bench/run.sh runs it). Each
 * subcommand measures one figure and prints "name: value" lines; run.sh
 * turns them into ratios against baselines measured in the same run.
 *   enqueue DIR          durable journal insert against a bare insert
 *   fill CONFIG N        put N queued transfers in the journal (setup)
 *   drain CONFIG         drain the queue with the sync engine
 *   naive CONFIG N       one new TLS connection and request per transfer
 *   ping CONFIG N        round trips over one kept-alive connection */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../app/api.h"
#include "../../app/app.h"
#include "../../app/log.h"
#include "../../app/wallet.h"
#include "bench_util.h"

#define ENQUEUE_SAMPLES 300 /* each kind; medians of interleaved runs */

/* A transfer of 0.01 GHS between the sandbox's two seeded GHS wallets. */
static void build_transfer(struct operation *op)
{
	struct wallet_transfer transfer = {
		.sender = "1000000001",
		.receiver = "1000000002",
		.currency = "GHS",
		.amount = 1,
	};
	char message[256];

	if (wallet_transfer_build("A1001", &transfer, (int64_t)time(NULL), op,
				  message, sizeof(message)) != 0) {
		fprintf(stderr, "bench: %s\n", message);
		exit(1);
	}
}

static sqlite3 *open_bare(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE IF NOT EXISTS t(id TEXT PRIMARY KEY,"
			 " type TEXT, state TEXT, agent TEXT, currency TEXT,"
			 " amount INTEGER, payload TEXT, created INTEGER,"
			 " updated INTEGER, next INTEGER);",
			 NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", path, sqlite3_errmsg(db));
		exit(1);
	}
	return db;
}

static double bare_insert_ms(sqlite3 *db, sqlite3_stmt *stmt)
{
	struct operation op;
	double start;

	build_transfer(&op);
	start = bench_now_ms();
	sqlite3_bind_text(stmt, 1, op.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, op.type, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, op.agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, op.currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, op.amount);
	sqlite3_bind_text(stmt, 6, op.payload, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, op.created_at);
	sqlite3_bind_int64(stmt, 8, op.updated_at);
	sqlite3_bind_int64(stmt, 9, op.next_attempt_at);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		fprintf(stderr, "bench: bare insert: %s\n",
			sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(stmt);
	return bench_now_ms() - start;
}

static double journal_insert_ms(struct journal *journal)
{
	struct operation op;
	double start;

	build_transfer(&op);
	start = bench_now_ms();
	if (journal_insert(journal, &op) != JOURNAL_OK)
		exit(1);
	return bench_now_ms() - start;
}

/* Durable journal inserts (with the dependency keys a transfer has)
 * against bare inserts of the same row, alternated so that both see the
 * same disk conditions. */
static int run_enqueue(const char *dir)
{
	static double journal_ms[ENQUEUE_SAMPLES];
	static double bare_ms[ENQUEUE_SAMPLES];
	char journal_path[PATH_MAX];
	char bare_path[PATH_MAX];
	struct journal *journal = NULL;
	sqlite3_stmt *stmt = NULL;
	sqlite3 *db;
	double journal_median;
	double bare_median;

	snprintf(journal_path, sizeof(journal_path), "%s/enqueue.db", dir);
	snprintf(bare_path, sizeof(bare_path), "%s/bare.db", dir);
	if (journal_open(journal_path, &journal) != JOURNAL_OK)
		return 1;
	db = open_bare(bare_path);
	sqlite3_prepare_v2(db,
			   "INSERT INTO t VALUES(?1, ?2, 'queued', ?3, ?4, ?5,"
			   " ?6, ?7, ?8, ?9)",
			   -1, &stmt, NULL);
	for (int i = 0; i < ENQUEUE_SAMPLES; i++) {
		journal_ms[i] = journal_insert_ms(journal);
		bare_ms[i] = bare_insert_ms(db, stmt);
	}
	journal_median = bench_median(journal_ms, ENQUEUE_SAMPLES);
	bare_median = bench_median(bare_ms, ENQUEUE_SAMPLES);
	printf("enqueue_journal_ms: %.3f\n", journal_median);
	printf("enqueue_bare_ms: %.3f\n", bare_median);
	printf("enqueue_overhead_ratio: %.2f\n", journal_median / bare_median);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	journal_close(journal);
	return 0;
}

/* Setup only: N queued transfers written in one transaction, so that a
 * queue of 100,000 takes seconds, not an fsync each. The rows match what
 * wallet_transfer_build and journal_insert write. */
static int run_fill(const struct config *config, long count)
{
	static const char sql[] =
		"BEGIN;"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
		" FROM n WHERE i < ?1)"
		" INSERT INTO operations (id, type, state, agent_id, currency,"
		" amount, payload, created_at, updated_at, next_attempt_at)"
		" SELECT lower(hex(randomblob(4))) || '-' ||"
		" lower(hex(randomblob(2))) || '-4' ||"
		" substr(lower(hex(randomblob(2))), 2) || '-8' ||"
		" substr(lower(hex(randomblob(2))), 2) || '-' ||"
		" lower(hex(randomblob(6))), 'wallet_transfer', 'queued',"
		" 'A1001', 'GHS', 1, '{\"amount\":1,\"currency\":\"GHS\","
		"\"receiver_account\":\"1000000002\",\"sender_account\":"
		"\"1000000001\"}', ?2, ?2, ?2 FROM n;"
		"INSERT INTO operation_keys (operation_id, key)"
		" SELECT id, 'wallet:1000000001' FROM operations"
		" WHERE state = 'queued' UNION ALL"
		" SELECT id, 'wallet:1000000002' FROM operations"
		" WHERE state = 'queued';"
		"COMMIT;";
	struct journal *journal = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	const char *tail = sql;
	int rc = SQLITE_OK;

	/* journal_open creates the schema; the rows go in directly. */
	if (journal_open(config->journal_path, &journal) != JOURNAL_OK)
		return 1;
	journal_close(journal);
	if (sqlite3_open(config->journal_path, &db) != SQLITE_OK)
		return 1;
	while (rc == SQLITE_OK && tail != NULL && *tail != '\0') {
		rc = sqlite3_prepare_v2(db, tail, -1, &stmt, &tail);
		if (rc != SQLITE_OK || stmt == NULL)
			break;
		if (sqlite3_bind_parameter_count(stmt) >= 2) {
			sqlite3_bind_int64(stmt, 1, count);
			sqlite3_bind_int64(stmt, 2, (int64_t)time(NULL));
		}
		rc = sqlite3_step(stmt);
		rc = rc == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(stmt);
	}
	if (rc != SQLITE_OK)
		fprintf(stderr, "bench: fill: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : 1;
}

static int run_drain(const struct config *config)
{
	double start = bench_now_ms();
	int remaining = sync_drain(config, (int64_t)time(NULL) + 900, NULL);

	if (remaining != 0) {
		fprintf(stderr, "bench: %d operations left after the drain\n",
			remaining);
		return 1;
	}
	printf("drain_ms: %.1f\n", bench_now_ms() - start);
	return 0;
}

/* The naive way: a new connection, TLS handshake and request for each
 * operation, as a shell loop around the curl command would do. */
static int run_naive(const struct config *config, long count)
{
	double start = bench_now_ms();

	for (long i = 0; i < count; i++) {
		struct transport *transport = NULL;
		struct api_outcome outcome;
		struct operation op;

		build_transfer(&op);
		if (sync_transport_open(config, &transport) != TRANSPORT_OK)
			return 1;
		api_submit(transport, &op, &outcome);
		transport_close(transport);
		if (outcome.result != API_OK) {
			fprintf(stderr, "bench: naive send failed: %s\n",
				outcome.message);
			return 1;
		}
	}
	printf("naive_ms_per_op: %.3f\n", (bench_now_ms() - start) / count);
	return 0;
}

static int run_ping(const struct config *config, long count)
{
	static double samples[1000];
	struct transport *transport = NULL;

	if (count < 1 || count > 1000 ||
	    sync_transport_open(config, &transport) != TRANSPORT_OK ||
	    api_ping(transport) != API_OK)
		return 1;
	for (long i = 0; i < count; i++) {
		double start = bench_now_ms();

		if (api_ping(transport) != API_OK)
			return 1;
		samples[i] = bench_now_ms() - start;
	}
	transport_close(transport);
	printf("round_trip_ms: %.3f\n", bench_median(samples, (int)count));
	return 0;
}

int main(int argc, char **argv)
{
	struct config config;
	char error[512];
	long count = argc > 3 ? strtol(argv[3], NULL, 10) : 0;

	if (argc < 3) {
		fprintf(stderr,
			"usage: bench_sync enqueue DIR | fill CONFIG N |"
			" drain CONFIG | naive CONFIG N | ping CONFIG N\n");
		return 2;
	}
	log_open("stderr", LOG_LEVEL_ERROR);
	if (strcmp(argv[1], "enqueue") == 0)
		return run_enqueue(argv[2]);
	if (config_load(argv[2], &config, error, sizeof(error)) != 0) {
		fprintf(stderr, "bench: %s\n", error);
		return 2;
	}
	log_open(config.log_target, LOG_LEVEL_WARN);
	transport_global_init();
	if (strcmp(argv[1], "fill") == 0)
		return run_fill(&config, count);
	if (strcmp(argv[1], "drain") == 0)
		return run_drain(&config);
	if (strcmp(argv[1], "naive") == 0)
		return run_naive(&config, count);
	if (strcmp(argv[1], "ping") == 0)
		return run_ping(&config, count);
	fprintf(stderr, "bench: unknown subcommand %s\n", argv[1]);
	return 2;
}
