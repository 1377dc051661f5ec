/* Benchmark of the durable journal and of draining the queue to the
 * sandbox. Each figure is printed with a baseline measured in the same
 * run: raw SQLite inserts with the same durability settings, and plain
 * health requests over the same kept-alive TLS connection. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../app/api.h"
#include "../../app/app.h"
#include "../../app/log.h"
#include "../../app/uuid.h"

#define OPERATIONS 200  /* per figure; bounded so a run takes seconds */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void fill_operation(struct operation *op, int64_t created_at)
{
	struct wallet_transfer transfer = {
		.sender = "1000000001",
		.receiver = "1000000002",
		.currency = "GHS",
		.amount = 1,
	};

	memset(op, 0, sizeof(*op));
	if (uuid_generate(op->id) != 0)
		abort();
	snprintf(op->type, sizeof(op->type), "%s", API_TYPE_WALLET_TRANSFER);
	snprintf(op->agent_id, sizeof(op->agent_id), "A1001");
	snprintf(op->currency, sizeof(op->currency), "GHS");
	op->amount = 1;
	op->created_at = created_at;
	op->updated_at = created_at;
	op->next_attempt_at = created_at;
	api_wallet_transfer_encode(&transfer, op->payload,
				   sizeof(op->payload));
}

/* Baseline: one INSERT per transaction into a table of the same shape,
 * WAL and synchronous=FULL, as the journal does. */
static double raw_sqlite_ms(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	struct operation op;
	double start;
	double elapsed;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		abort();
	sqlite3_exec(db,
		     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		     "CREATE TABLE t(id TEXT PRIMARY KEY, type TEXT, state "
		     "TEXT, agent TEXT, currency TEXT, amount INTEGER, payload "
		     "TEXT, created INTEGER, updated INTEGER, next INTEGER);",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT INTO t VALUES(?, ?, 'queued', ?, ?, ?, ?, "
			   "?, ?, ?)",
			   -1, &stmt, NULL);
	start = now_ms();
	for (int i = 0; i < OPERATIONS; i++) {
		fill_operation(&op, time(NULL));
		sqlite3_bind_text(stmt, 1, op.id, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, op.type, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, op.agent_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, op.currency, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, op.amount);
		sqlite3_bind_text(stmt, 6, op.payload, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 7, op.created_at);
		sqlite3_bind_int64(stmt, 8, op.updated_at);
		sqlite3_bind_int64(stmt, 9, op.next_attempt_at);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			abort();
		sqlite3_reset(stmt);
	}
	elapsed = now_ms() - start;
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return elapsed;
}

static double journal_ms(struct journal *journal)
{
	struct operation op;
	double start = now_ms();

	for (int i = 0; i < OPERATIONS; i++) {
		fill_operation(&op, time(NULL));
		if (journal_insert(journal, &op) != JOURNAL_OK)
			abort();
	}
	return now_ms() - start;
}

/* Baseline for the drain: health requests over one kept-alive
 * connection, the floor of any request round trip. */
static double ping_ms(const struct config *config)
{
	struct transport *transport = NULL;
	double start;
	double elapsed;

	if (sync_transport_open(config, &transport) != TRANSPORT_OK ||
	    api_ping(transport) != API_OK)
		abort();
	start = now_ms();
	for (int i = 0; i < OPERATIONS; i++) {
		if (api_ping(transport) != API_OK)
			abort();
	}
	elapsed = now_ms() - start;
	transport_close(transport);
	return elapsed;
}

static void report(const char *name, double measured, double baseline,
		   const char *baseline_name)
{
	printf("| %s | %d | %.3f ms | %.3f ms (%s) | %.2f |\n", name,
	       OPERATIONS, measured / OPERATIONS, baseline / OPERATIONS,
	       baseline_name, measured / baseline);
}

int main(int argc, char **argv)
{
	struct config config;
	struct journal *journal = NULL;
	char error[512];
	char raw_path[PATH_MAX];
	double drain_start;
	double drain;
	double baseline;
	int remaining;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_sync CONFIG RAW_DB\n");
		return 2;
	}
	if (config_load(argv[1], &config, error, sizeof(error)) != 0) {
		fprintf(stderr, "bench_sync: %s\n", error);
		return 2;
	}
	snprintf(raw_path, sizeof(raw_path), "%s", argv[2]);
	log_open(config.log_target, LOG_LEVEL_WARN);
	transport_global_init();
	if (journal_open(config.journal_path, &journal) != JOURNAL_OK)
		return 1;

	printf("| figure | operations | per operation | baseline per "
	       "operation | ratio |\n|---|---|---|---|---|\n");
	baseline = raw_sqlite_ms(raw_path);
	report("journal insert", journal_ms(journal), baseline,
	       "raw SQLite insert, same settings");

	baseline = ping_ms(&config);
	drain_start = now_ms();
	remaining = sync_drain(&config, time(NULL) + 600, NULL);
	drain = now_ms() - drain_start;
	if (remaining != 0) {
		fprintf(stderr, "bench_sync: %d operations left queued\n",
			remaining);
		return 1;
	}
	report("drain to sandbox", drain, baseline,
	       "health request, same connection");
	journal_close(journal);
	transport_global_cleanup();
	return 0;
}
