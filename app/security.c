/* Security management: API login on the request thread, and logout. */
#define LOG_MODULE "security"
#include "security.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define PASSWORD_MAX 128

struct login_request {
	struct app *app;
	char agent_id[JOURNAL_AGENT_SIZE];
	char password[PASSWORD_MAX + 1];
};

static void *run_login(void *arg)
{
	struct login_request *request = arg;
	struct app *app = request->app;
	struct event event = { .type = EVENT_LOGIN };
	struct api_login result = { 0 };
	struct transport *transport;
	int rc = API_EINVAL;

	transport = app_request_transport(app, event.text, sizeof(event.text));
	if (transport != NULL)
		rc = api_login(transport, request->agent_id,
			       request->password, &result, event.text,
			       sizeof(event.text));
	explicit_bzero(request->password, sizeof(request->password));

	if (rc == API_OK) {
		log_info("agent %s logged in", request->agent_id);
		pthread_mutex_lock(&app->lock);
		app->pending_login = result;
		snprintf(app->pending_agent, sizeof(app->pending_agent), "%s",
			 request->agent_id);
		pthread_mutex_unlock(&app->lock);
	} else {
		/* The agent ID is not logged on failure: agents sometimes
		 * type the password into the ID field. */
		log_warn("login failed for an agent ID of %zu characters: %s",
			 strlen(request->agent_id), api_strerror(rc));
	}
	explicit_bzero(&result, sizeof(result));
	event.status = rc;
	snprintf(event.id, sizeof(event.id), "%s", request->agent_id);
	free(request);
	app_request_finish(app);
	event_post(app->events, &event);
	return NULL;
}

static int check_agent_id(const char *agent_id, char *message, size_t size)
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

int security_login_start(struct app *app, const char *agent_id,
			 const char *password, char *message,
			 size_t message_size)
{
	struct login_request *request;
	size_t length = strlen(password);

	if (check_agent_id(agent_id, message, message_size) != 0)
		return -1;
	if (length == 0 || length > PASSWORD_MAX) {
		snprintf(message, message_size,
			 length == 0 ? "Enter your password"
				     : "Password is too long");
		return -1;
	}
	request = calloc(1, sizeof(*request));
	if (request == NULL) {
		snprintf(message, message_size, "Out of memory");
		return -1;
	}
	request->app = app;
	snprintf(request->agent_id, sizeof(request->agent_id), "%s", agent_id);
	memcpy(request->password, password, length + 1);
	if (app_request_start(app, run_login, request, message,
			      message_size) != 0) {
		explicit_bzero(request, sizeof(*request));
		free(request);
		return -1;
	}
	return 0;
}

int security_login_finish(struct app *app)
{
	int result = -1;

	pthread_mutex_lock(&app->lock);
	if (app->pending_login.token[0] != '\0') {
		struct session *session = &app->session;

		session->logged_in = true;
		memcpy(session->agent_id, app->pending_agent,
		       sizeof(session->agent_id));
		memcpy(session->agent_name, app->pending_login.agent_name,
		       sizeof(session->agent_name));
		memcpy(session->token, app->pending_login.token,
		       sizeof(session->token));
		session->expires_at = app->pending_login.expires_at;
		memset(&app->pending_login, 0, sizeof(app->pending_login));
		result = 0;
	}
	pthread_mutex_unlock(&app->lock);
	return result;
}

void security_logout(struct app *app)
{
	if (app->session.logged_in)
		log_info("agent %s logged out", app->session.agent_id);
	explicit_bzero(&app->session, sizeof(app->session));
}
