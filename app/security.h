/* Security management: agent login and logout. */
#ifndef SPOTAGENT_SECURITY_H
#define SPOTAGENT_SECURITY_H

#include <stddef.h>

#include "app.h"

/* Start logging in on a request thread; EVENT_LOGIN arrives when done.
 * The password is copied and wiped after use. Returns 0, or -1 with a line
 * for the agent in message (bad input, or a login already running). */
int security_login_start(struct app *app, const char *agent_id,
			 const char *password, char *message,
			 size_t message_size);

/* On EVENT_LOGIN with status 0: fill app->session from the result.
 * Returns 0, or -1 when no result is waiting. */
int security_login_finish(struct app *app);

/* End the session and wipe the token. */
void security_logout(struct app *app);

#endif
