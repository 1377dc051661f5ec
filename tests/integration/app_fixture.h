/* The terminal's state against a sandbox of its own, shared by the C
 * integration tests: a test folder, the sandbox, a loaded configuration,
 * the journal with the sandbox's offline policy, and reads of the
 * sandbox's database. */
#ifndef SPOTAGENT_APP_FIXTURE_H
#define SPOTAGENT_APP_FIXTURE_H

#include <stddef.h>

#include "../../app/app.h"
#include "sandbox_process.h"

struct app_fixture {
	struct sandbox_process sandbox;
	struct app app;
};

/* Make the folder build/test-runs/<name>-XXXXXX, start the sandbox there,
 * load the configuration of terminal T0001, open the log and the journal
 * and cache the sandbox's offline policy. Fails the test on any error. */
void app_fixture_setup(struct app_fixture *f, const char *name);

/* Close the journal, stop the sandbox and free f. */
void app_fixture_teardown(struct app_fixture *f);

/* Allocate a fixture, set it up as app_fixture_setup does, initialise the
 * app's lock and mark agent_id logged in with the link up, without a
 * login request. Returns the fixture, and fails the test on any error. */
struct app_fixture *app_fixture_open_session(const char *name,
					     const char *agent_id);

/* Destroy the app's lock and tear the fixture down, for a fixture from
 * app_fixture_open_session whose app was not closed with app_close. */
void app_fixture_close_session(struct app_fixture *f);

/* Write and load the configuration for the client certificate cert_name
 * (see sandbox_write_config). */
void app_fixture_load_config(struct app_fixture *f, const char *cert_name);

/* Cache the sandbox's offline policy, as the sync worker does. */
void app_fixture_refresh_policy(struct app_fixture *f);

/* Cache the sandbox's fee schedule, bank list and corridors, as the sync
 * worker does with the policy. app_fixture_setup calls it, because
 * money_prepare needs the fee schedule. */
void app_fixture_refresh_refdata(struct app_fixture *f);

/* Return the integer that a query with one text parameter reads from the
 * sandbox's database, or -1 when it returns no row. */
int app_fixture_sandbox_int(const struct app_fixture *f, const char *sql,
			    const char *id);

/* Read the text column that a query with one text parameter selects from
 * the sandbox's database into out, or "" when it returns no row. */
void app_fixture_sandbox_text(const struct app_fixture *f, const char *sql,
			      const char *id, char *out, size_t size);

#endif
