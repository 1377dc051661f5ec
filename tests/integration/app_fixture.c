/* The shared fixture of the C integration tests: the terminal's state
 * against a sandbox started for the test. */
#include "app_fixture.h"

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../app/api.h"
#include "../../app/config.h"
#include "../../app/log.h"
#include "../../app/refdata.h"
#include "../../offline/sync.h"

void app_fixture_load_config(struct app_fixture *f, const char *cert_name)
{
	char path[PATH_MAX];
	char error[512];

	sandbox_write_config(&f->sandbox, cert_name, "", path);
	if (config_load(path, &f->app.config, error, sizeof(error)) != 0)
		fail_msg("config: %s", error);
}

void app_fixture_refresh_policy(struct app_fixture *f)
{
	struct transport *transport = NULL;

	assert_int_equal(sync_transport_open(&f->app.config, &transport),
			 TRANSPORT_OK);
	assert_int_equal(sync_refresh_policy(f->app.journal, transport),
			 API_OK);
	transport_close(transport);
}

void app_fixture_refresh_refdata(struct app_fixture *f)
{
	struct transport *transport = NULL;

	assert_int_equal(sync_transport_open(&f->app.config, &transport),
			 TRANSPORT_OK);
	assert_int_equal(refdata_refresh(f->app.journal, transport), API_OK);
	transport_close(transport);
}

void app_fixture_setup(struct app_fixture *f, const char *name)
{
	int length;

	mkdir("build/test-runs", 0700);
	length = snprintf(f->sandbox.dir, sizeof(f->sandbox.dir),
			  "build/test-runs/%s-XXXXXX", name);
	assert_true(length > 0 && (size_t)length < sizeof(f->sandbox.dir));
	assert_non_null(mkdtemp(f->sandbox.dir));
	sandbox_path_join(f->sandbox.db, f->sandbox.dir, "sandbox.db");
	sandbox_process_start(&f->sandbox, 0, NULL);
	app_fixture_load_config(f, "client-T0001");
	log_open(f->app.config.log_target, LOG_LEVEL_DEBUG);
	assert_int_equal(journal_open(f->app.config.journal_path,
				      &f->app.journal),
			 JOURNAL_OK);
	app_fixture_refresh_policy(f);
	app_fixture_refresh_refdata(f);
}

void app_fixture_teardown(struct app_fixture *f)
{
	journal_close(f->app.journal);
	sandbox_process_stop(&f->sandbox);
	free(f);
}

struct app_fixture *app_fixture_open_session(const char *name,
					     const char *agent_id)
{
	struct app_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	app_fixture_setup(f, name);
	pthread_mutex_init(&f->app.lock, NULL);
	f->app.session.logged_in = true;
	f->app.status.online = true;
	snprintf(f->app.session.agent_id, sizeof(f->app.session.agent_id),
		 "%s", agent_id);
	return f;
}

void app_fixture_close_session(struct app_fixture *f)
{
	pthread_mutex_destroy(&f->app.lock);
	app_fixture_teardown(f);
}

/* Open the sandbox's database read-only and prepare sql with id bound to
 * its one parameter. */
static void prepare_query(const struct app_fixture *f, const char *sql,
			  const char *id, sqlite3 **db, sqlite3_stmt **stmt)
{
	assert_int_equal(sqlite3_open_v2(f->sandbox.db, db,
					 SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	sqlite3_busy_timeout(*db, 5000);
	assert_int_equal(sqlite3_prepare_v2(*db, sql, -1, stmt, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(*stmt, 1, id, -1, SQLITE_TRANSIENT);
}

int app_fixture_sandbox_int(const struct app_fixture *f, const char *sql,
			    const char *id)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int value = -1;

	prepare_query(f, sql, id, &db, &stmt);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

void app_fixture_sandbox_text(const struct app_fixture *f, const char *sql,
			      const char *id, char *out, size_t size)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	prepare_query(f, sql, id, &db, &stmt);
	out[0] = '\0';
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0) != NULL)
		snprintf(out, size, "%s",
			 (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}
