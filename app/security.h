/* Security management: agent login (online, or offline with the
 * journal's verifier), unlocking an idle terminal, password change and
 * logout. */
#ifndef SPOTAGENT_SECURITY_H
#define SPOTAGENT_SECURITY_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* The event id of EVENT_LOGIN events that carry a password change's
 * result. Agent IDs cannot contain '#', so it never names an agent. */
#define SECURITY_EVENT_PASSWORD "#password"

/* [terminal] offline_login_hours when the configuration has none. */
#define SECURITY_OFFLINE_HOURS_DEFAULT 72

/* Check an agent ID as typed or read: letters, digits, - and _, 1 to
 * JOURNAL_AGENT_SIZE - 1 characters. Returns 0, or -1 with a line for the
 * agent in message. */
int security_agent_id_check(const char *agent_id, char *message,
			    size_t size);

/* Start logging in on a request thread; EVENT_LOGIN arrives when done,
 * with the agent ID as its id. The login is tried online, and after a
 * success the offline verifier is stored. When the central service is
 * unreachable or does not reply, the offline verifier decides, with
 * [terminal] offline_login_hours as its maximum age. The event's text
 * has the message for the agent. The password is copied and wiped after
 * use. Returns 0, or -1 with a line for the agent in message (bad input,
 * or a request already running). */
int security_login_start(struct app *app, const char *agent_id,
			 const char *password, char *message,
			 size_t message_size);

/* On EVENT_LOGIN with status 0 after security_login_start: fill
 * app->session from the result, with session.offline set and no token
 * after an offline login. Returns 0, or -1 when no result is waiting. */
int security_login_finish(struct app *app);

/* Start checking the session's agent's password again on a request thread
 * (unlocking an idle terminal, or a new token after API_ESESSION).
 * EVENT_LOGIN arrives as for security_login_start. A lockout of the
 * offline verifier is honoured first, and a wrong password counts toward
 * it. The central service checks the password when it is reachable, else
 * the offline verifier does. Returns 0, or -1 with a line for the agent
 * in message. */
int security_unlock_start(struct app *app, const char *password,
			  char *message, size_t message_size);

/* On EVENT_LOGIN with status 0 after security_unlock_start: keep the
 * session, with the new token when the check was online. Returns 1 with a
 * new token, 0 after an offline check (the session's token is unchanged),
 * or -1 when no result for the session's agent is waiting. */
int security_unlock_finish(struct app *app);

/* Check a new password on the terminal against the central service's
 * rules (docs/api.md): 10 to 64 characters, a letter and a digit, not
 * the agent id (ignoring case), not the old password; repeat must equal
 * it. The rule against the last 3 passwords only the central service
 * checks. Returns 0, or -1 with a line for the agent in message, worded
 * as the central service words it where the rule is the same. */
int security_password_check(const char *agent_id, const char *old_password,
			    const char *new_password, const char *repeat,
			    char *message, size_t message_size);

/* Start a password change on a request thread; EVENT_LOGIN arrives with
 * id SECURITY_EVENT_PASSWORD, status 0 or a negative api_error and the
 * message for the agent in text. After a success the offline verifier
 * is stored for the new password. Needs an online session. Returns 0, or
 * -1 with a line for the agent in message ("Change password needs a
 * connection" when offline). */
int security_change_password_start(struct app *app,
				   const char *old_password,
				   const char *new_password, char *message,
				   size_t message_size);

/* Write the message for the agent for a credentials_check result rc,
 * with the seconds of lockout left and the configured maximum age. */
void security_offline_message(int rc, int64_t retry_after,
			      int max_age_hours, char *message, size_t size);

/* End the session and wipe the token. */
void security_logout(struct app *app);

#endif
