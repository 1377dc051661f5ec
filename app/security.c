/* Security management on the request thread: API login with an offline
 * fallback, unlocking an idle terminal and password change, and logout. */
#define LOG_MODULE "security"
#include "security.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../offline/credentials.h"
#include "log.h"

/* Password rules of the central service (docs/api.md). The rule that a
 * new password is not one of the last 3 only the central service can
 * check. */
#define RULE_LENGTH_MIN 10
#define RULE_LENGTH_MAX 64

/* Bytes of the longest password: the rules' maximum in characters of up
 * to 4 bytes of UTF-8 each, as the offline verifier takes. */
#define PASSWORD_MAX (4 * RULE_LENGTH_MAX)
_Static_assert(PASSWORD_MAX <= CREDENTIALS_PASSWORD_MAX,
	       "the offline verifier must take every valid password");

enum request_kind {
	REQUEST_LOGIN,    /* online login, offline fallback */
	REQUEST_UNLOCK,   /* the session's agent again, session kept */
	REQUEST_PASSWORD, /* password change */
};

struct login_request {
	struct app *app;
	enum request_kind kind;
	char agent_id[JOURNAL_AGENT_SIZE];
	char password[PASSWORD_MAX + 1];
	char new_password[PASSWORD_MAX + 1];
	char token[API_TOKEN_SIZE];
};

/* Whether an online attempt failed because the central service could not
 * be reached, so the offline verifier may decide instead. */
static bool is_unreachable(int rc)
{
	return rc == API_EUNREACHABLE || rc == API_ETIMEOUT;
}

/* Open the request thread's own journal connection, because the UI
 * thread's connection is not shared across threads. */
static struct journal *open_journal(struct app *app)
{
	struct journal *journal = NULL;
	int rc = journal_open(app->config.journal_path, &journal);

	if (rc != JOURNAL_OK) {
		log_error("cannot open the journal for the offline verifier: "
			  "%s",
			  journal_strerror(rc));
		return NULL;
	}
	return journal;
}

/* Keep the verifier for offline login after a successful online login or
 * password change. A failure only costs the offline login, so it is
 * logged and the online result is kept. */
static void store_verifier(struct app *app, const char *agent_id,
			   const char *password)
{
	struct journal *journal = open_journal(app);
	int rc;

	if (journal == NULL)
		return;
	rc = credentials_store(journal, agent_id, password, time(NULL));
	if (rc != CREDENTIALS_OK)
		log_error("offline login verifier of agent %s not stored: %s",
			  agent_id, credentials_strerror(rc));
	journal_close(journal);
}

void security_offline_message(int rc, int64_t retry_after,
			      int max_age_hours, char *message, size_t size)
{
	switch (rc) {
	case CREDENTIALS_OK:
		snprintf(message, size, "Logged in offline");
		break;
	case CREDENTIALS_ELOCKED:
		snprintf(message, size,
			 "Too many wrong passwords: try again in %lld s",
			 (long long)retry_after);
		break;
	case CREDENTIALS_EEXPIRED:
		snprintf(message, size,
			 "Offline login needs an online login on this "
			 "terminal within the last %d hours",
			 max_age_hours);
		break;
	case CREDENTIALS_ENOTFOUND:
		snprintf(message, size,
			 "This agent has not logged in online on this "
			 "terminal yet");
		break;
	case CREDENTIALS_EWRONG:
		if (retry_after > 0)
			snprintf(message, size,
				 "Wrong password: next try in %lld s",
				 (long long)retry_after);
		else
			snprintf(message, size,
				 "Wrong agent ID or password");
		break;
	default:
		snprintf(message, size, "Offline login failed: %s",
			 credentials_strerror(rc));
		break;
	}
}

/* Check the password against the offline verifier. Returns a
 * credentials_error with the message for the agent in message. */
static int check_offline(struct app *app, const char *agent_id,
			 const char *password, char *message, size_t size)
{
	int hours = app->config.offline_login_hours;
	struct journal *journal = open_journal(app);
	int64_t retry_after = 0;
	int rc = CREDENTIALS_EIO;

	if (hours < 1)
		hours = SECURITY_OFFLINE_HOURS_DEFAULT;
	if (journal != NULL) {
		rc = credentials_check(journal, agent_id, password, time(NULL),
				       (int64_t)hours * 3600, &retry_after);
		journal_close(journal);
	}
	security_offline_message(rc, retry_after, hours, message, size);

	/* An unknown agent ID may be a password typed into the wrong
	 * field, so it is not logged. */
	if (rc == CREDENTIALS_ENOTFOUND)
		log_info("offline check for an agent ID of %zu characters: %s",
			 strlen(agent_id), credentials_strerror(rc));
	else
		log_info("offline check for agent %s: %s", agent_id,
			 credentials_strerror(rc));
	return rc;
}

/* Hand a successful result to the UI thread. An empty token means the
 * offline verifier accepted the password. */
static void hand_over(struct app *app, const char *agent_id,
		      const struct api_login *result)
{
	pthread_mutex_lock(&app->lock);
	app->pending_login = *result;
	snprintf(app->pending_agent, sizeof(app->pending_agent), "%s",
		 agent_id);
	pthread_mutex_unlock(&app->lock);
}

/* Log in online, or with the offline verifier when the central service
 * is unreachable. Returns 0 or a negative api_error, with a line for
 * the agent in message. */
static int do_login(struct login_request *request,
		    struct transport *transport, char *message, size_t size)
{
	struct app *app = request->app;
	struct api_login result = { 0 };
	int rc = API_EINVAL;

	if (transport != NULL)
		rc = api_login(transport, request->agent_id,
			       request->password, &result, message, size);
	if (rc == API_OK) {
		log_info("agent %s logged in", request->agent_id);
		store_verifier(app, request->agent_id, request->password);
		hand_over(app, request->agent_id, &result);
	} else if (transport == NULL || is_unreachable(rc)) {
		if (check_offline(app, request->agent_id, request->password,
				  message, size) == CREDENTIALS_OK) {
			log_info("agent %s logged in offline",
				 request->agent_id);
			memset(&result, 0, sizeof(result));
			hand_over(app, request->agent_id, &result);
			rc = API_OK;
		}
	} else {
		/* The agent ID is not logged on failure: agents sometimes
		 * type the password into the ID field. */
		log_warn("login failed for an agent ID of %zu characters: %s",
			 strlen(request->agent_id), api_strerror(rc));
	}
	explicit_bzero(&result, sizeof(result));
	return rc;
}

/* Unlock the session's agent. A local lockout is honoured first, so that
 * it cannot be bypassed online. The offline check also counts a wrong
 * password toward the lockout. */
static int do_unlock(struct login_request *request,
		     struct transport *transport, char *message, size_t size)
{
	struct app *app = request->app;
	struct api_login result = { 0 };
	char offline[160];
	int local;
	int rc = API_EUNREACHABLE;

	local = check_offline(app, request->agent_id, request->password,
			      offline, sizeof(offline));
	if (local == CREDENTIALS_ELOCKED) {
		snprintf(message, size, "%s", offline);
		return API_EAUTH;
	}
	if (transport != NULL)
		rc = api_login(transport, request->agent_id,
			       request->password, &result, message, size);
	if (rc == API_OK) {
		log_info("agent %s unlocked the terminal", request->agent_id);
		store_verifier(app, request->agent_id, request->password);
		hand_over(app, request->agent_id, &result);
	} else if (is_unreachable(rc)) {
		snprintf(message, size, "%s", offline);
		rc = local == CREDENTIALS_OK ? API_OK : rc;
		if (rc == API_OK) {
			memset(&result, 0, sizeof(result));
			hand_over(app, request->agent_id, &result);
		}
	} else if (rc == API_EAUTH && local == CREDENTIALS_OK) {
		/* The password changed elsewhere: the verifier is stale. */
		struct journal *journal = open_journal(app);

		if (journal != NULL) {
			credentials_forget(journal, request->agent_id);
			journal_close(journal);
		}
	} else if (rc == API_EAUTH && local == CREDENTIALS_EWRONG) {
		snprintf(message, size, "%s", offline);
	}
	explicit_bzero(&result, sizeof(result));
	return rc;
}

static int do_change_password(struct login_request *request,
			      struct transport *transport, char *message,
			      size_t size)
{
	int rc = API_EINVAL;

	if (transport != NULL)
		rc = api_change_password(transport, request->token,
					 request->password,
					 request->new_password, message, size);
	if (rc == API_OK) {
		log_info("agent %s changed the password", request->agent_id);
		store_verifier(request->app, request->agent_id,
			       request->new_password);
		snprintf(message, size, "Password changed");
	} else if (rc == API_EAUTH) {
		snprintf(message, size, "Old password is wrong");
	} else if (rc == API_EUNREACHABLE) {
		snprintf(message, size, "Change password needs a connection");
	} else if (rc == API_ETIMEOUT) {
		snprintf(message, size,
			 "No reply from the central service: the password "
			 "may have changed; try the new one at next login");
	}
	if (rc != API_OK)
		log_warn("password change of agent %s failed: %s",
			 request->agent_id, api_strerror(rc));
	return rc;
}

static void *run_request(void *arg)
{
	struct login_request *request = arg;
	struct app *app = request->app;
	struct event event = { .type = EVENT_LOGIN };
	struct transport *transport;
	char message[sizeof(event.text)] = "";
	int rc;

	transport = app_request_transport(app, message, sizeof(message));
	switch (request->kind) {
	case REQUEST_LOGIN:
		rc = do_login(request, transport, message, sizeof(message));
		break;
	case REQUEST_UNLOCK:
		rc = do_unlock(request, transport, message, sizeof(message));
		break;
	default:
		rc = do_change_password(request, transport, message,
					sizeof(message));
		break;
	}
	event.status = rc;
	snprintf(event.text, sizeof(event.text), "%s", message);
	snprintf(event.id, sizeof(event.id), "%s",
		 request->kind == REQUEST_PASSWORD ? SECURITY_EVENT_PASSWORD
						   : request->agent_id);
	explicit_bzero(request, sizeof(*request));
	free(request);
	app_request_finish(app);
	event_post(app->events, &event);
	return NULL;
}

/* Copy the request and start it on the request thread. */
static int start_request(struct app *app, const struct login_request *copy,
			 char *message, size_t message_size)
{
	struct login_request *request = calloc(1, sizeof(*request));

	if (request == NULL) {
		snprintf(message, message_size, "Out of memory");
		return -1;
	}
	*request = *copy;
	request->app = app;
	if (app_request_start(app, run_request, request, message,
			      message_size) != 0) {
		explicit_bzero(request, sizeof(*request));
		free(request);
		return -1;
	}
	return 0;
}

int security_agent_id_check(const char *agent_id, char *message, size_t size)
{
	size_t length = strlen(agent_id);

	if (length == 0) {
		snprintf(message, size, "Enter your agent ID");
		return -1;
	}
	if (length >= JOURNAL_AGENT_SIZE ||
	    strspn(agent_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
		    length) {
		snprintf(message, size,
			 "Agent ID: letters, digits, - and _ only, at most "
			 "%d characters",
			 JOURNAL_AGENT_SIZE - 1);
		return -1;
	}
	return 0;
}

/* Check a password's length for a request. Returns 0, or -1 with a line
 * for the agent in message. */
static int check_password_length(const char *password, char *message,
				 size_t message_size)
{
	size_t length = strlen(password);

	if (length == 0 || length > PASSWORD_MAX) {
		snprintf(message, message_size,
			 length == 0 ? "Enter your password"
				     : "Password is too long");
		return -1;
	}
	return 0;
}

int security_login_start(struct app *app, const char *agent_id,
			 const char *password, char *message,
			 size_t message_size)
{
	struct login_request request = { .kind = REQUEST_LOGIN };
	int rc;

	if (security_agent_id_check(agent_id, message, message_size) != 0 ||
	    check_password_length(password, message, message_size) != 0)
		return -1;
	snprintf(request.agent_id, sizeof(request.agent_id), "%s", agent_id);
	snprintf(request.password, sizeof(request.password), "%s", password);
	rc = start_request(app, &request, message, message_size);
	explicit_bzero(&request, sizeof(request));
	return rc;
}

int security_unlock_start(struct app *app, const char *password,
			  char *message, size_t message_size)
{
	struct login_request request = { .kind = REQUEST_UNLOCK };
	int rc;

	if (!app->session.logged_in) {
		snprintf(message, message_size, "Log in first");
		return -1;
	}
	if (check_password_length(password, message, message_size) != 0)
		return -1;
	snprintf(request.agent_id, sizeof(request.agent_id), "%s",
		 app->session.agent_id);
	snprintf(request.password, sizeof(request.password), "%s", password);
	rc = start_request(app, &request, message, message_size);
	explicit_bzero(&request, sizeof(request));
	return rc;
}

/* Count UTF-8 code points: every byte that does not continue a
 * sequence. */
static size_t count_code_points(const char *text)
{
	size_t count = 0;

	for (; *text != '\0'; text++) {
		if (((unsigned char)*text & 0xC0) != 0x80)
			count++;
	}
	return count;
}

int security_password_check(const char *agent_id, const char *old_password,
			    const char *new_password, const char *repeat,
			    char *message, size_t message_size)
{
	size_t length = count_code_points(new_password);
	char rules[256] = "";
	size_t used = 0;

	if (old_password[0] == '\0' || new_password[0] == '\0') {
		snprintf(message, message_size,
			 old_password[0] == '\0' ? "Enter the old password"
						 : "Enter the new password");
		return -1;
	}
	if (strcmp(new_password, repeat) != 0) {
		snprintf(message, message_size,
			 "The repeated password differs from the new one");
		return -1;
	}

	/* The same sentences as the central service, in its order. */
	if (length < RULE_LENGTH_MIN || length > RULE_LENGTH_MAX)
		used += (size_t)snprintf(rules + used, sizeof(rules) - used,
					 "; it must be %d to %d characters "
					 "long",
					 RULE_LENGTH_MIN, RULE_LENGTH_MAX);
	if (used < sizeof(rules) &&
	    (strpbrk(new_password, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "abcdefghijklmnopqrstuvwxyz") == NULL ||
	     strpbrk(new_password, "0123456789") == NULL))
		used += (size_t)snprintf(rules + used, sizeof(rules) - used,
					 "; it must contain at least one "
					 "letter (A-Z or a-z) and one digit "
					 "(0-9)");
	if (used < sizeof(rules) && strcasecmp(new_password, agent_id) == 0)
		used += (size_t)snprintf(rules + used, sizeof(rules) - used,
					 "; it must not be the agent ID");
	if (used < sizeof(rules) && strcmp(new_password, old_password) == 0)
		used += (size_t)snprintf(rules + used, sizeof(rules) - used,
					 "; it must differ from the old "
					 "password");
	if (used == 0)
		return 0;
	snprintf(message, message_size,
		 "The new password breaks the password rules: %s.", rules + 2);
	return -1;
}

int security_change_password_start(struct app *app,
				   const char *old_password,
				   const char *new_password, char *message,
				   size_t message_size)
{
	struct login_request request = { .kind = REQUEST_PASSWORD };
	int rc;

	if (app->session.logged_in && app->session.offline &&
	    app->status.online) {
		snprintf(message, message_size,
			 "You logged in offline: log out and in again to "
			 "change the password");
		return -1;
	}
	if (!app->session.logged_in || app->session.offline ||
	    app->session.token[0] == '\0' || !app->status.online) {
		snprintf(message, message_size,
			 "Change password needs a connection");
		return -1;
	}
	if (check_password_length(old_password, message, message_size) != 0 ||
	    check_password_length(new_password, message, message_size) != 0)
		return -1;
	snprintf(request.agent_id, sizeof(request.agent_id), "%s",
		 app->session.agent_id);
	snprintf(request.password, sizeof(request.password), "%s",
		 old_password);
	snprintf(request.new_password, sizeof(request.new_password), "%s",
		 new_password);
	memcpy(request.token, app->session.token, sizeof(request.token));
	rc = start_request(app, &request, message, message_size);
	explicit_bzero(&request, sizeof(request));
	return rc;
}

int security_login_finish(struct app *app)
{
	struct session *session = &app->session;
	int result = -1;

	pthread_mutex_lock(&app->lock);
	if (app->pending_agent[0] != '\0') {
		memset(session, 0, sizeof(*session));
		session->logged_in = true;
		session->offline = app->pending_login.token[0] == '\0';
		memcpy(session->agent_id, app->pending_agent,
		       sizeof(session->agent_id));
		memcpy(session->agent_name, app->pending_login.agent_name,
		       sizeof(session->agent_name));
		memcpy(session->token, app->pending_login.token,
		       sizeof(session->token));
		session->expires_at = app->pending_login.expires_at;
		result = 0;
	}
	memset(&app->pending_login, 0, sizeof(app->pending_login));
	memset(app->pending_agent, 0, sizeof(app->pending_agent));
	pthread_mutex_unlock(&app->lock);
	return result;
}

int security_unlock_finish(struct app *app)
{
	struct session *session = &app->session;
	int result = -1;

	pthread_mutex_lock(&app->lock);
	if (app->pending_agent[0] != '\0' &&
	    strcmp(app->pending_agent, session->agent_id) == 0) {
		result = 0;
		if (app->pending_login.token[0] != '\0') {
			memcpy(session->token, app->pending_login.token,
			       sizeof(session->token));
			session->expires_at = app->pending_login.expires_at;
			if (app->pending_login.agent_name[0] != '\0')
				memcpy(session->agent_name,
				       app->pending_login.agent_name,
				       sizeof(session->agent_name));
			session->offline = false;
			result = 1;
		}
	}
	memset(&app->pending_login, 0, sizeof(app->pending_login));
	memset(app->pending_agent, 0, sizeof(app->pending_agent));
	pthread_mutex_unlock(&app->lock);
	return result;
}

void security_logout(struct app *app)
{
	if (app->session.logged_in)
		log_info("agent %s logged out", app->session.agent_id);
	explicit_bzero(&app->session, sizeof(app->session));
}
