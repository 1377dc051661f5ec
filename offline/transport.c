/* HTTPS transport on libcurl with the mbedTLS backend. The TLS policy is
 * set twice: through libcurl's options, and directly on the mbedTLS
 * configuration libcurl exposes, because libcurl's mbedTLS defaults are
 * looser than the terminal's rules. */
#define LOG_MODULE "transport"
#include "transport.h"

#include <curl/curl.h>
#include <errno.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../app/log.h"

struct transport {
	CURL *curl;
	char *url;
	char *ca_file;
	char *cert_file;
	char *key_file;
	char *pin;
	long connect_timeout;
	long request_timeout;
	char error[CURL_ERROR_SIZE]; /* libcurl's detail of the last failure */
};

struct body_sink {
	char *data;
	size_t len;
	size_t cap;
	bool too_big;
	long retry_after;
};

int transport_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void transport_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *transport_version(void)
{
	return curl_version();
}

static char *copy_or_null(const char *text)
{
	if (text == NULL || text[0] == '\0')
		return NULL;
	return strdup(text);
}

void transport_close(struct transport *transport)
{
	if (transport == NULL)
		return;
	if (transport->curl != NULL)
		curl_easy_cleanup(transport->curl);
	free(transport->url);
	free(transport->ca_file);
	free(transport->cert_file);
	free(transport->key_file);
	free(transport->pin);
	free(transport);
}

int transport_open(const struct transport_config *config,
		   struct transport **out)
{
	struct transport *transport;

	*out = NULL;
	transport = calloc(1, sizeof(*transport));
	if (transport == NULL)
		return TRANSPORT_ESETUP;
	transport->url = copy_or_null(config->url);
	transport->ca_file = copy_or_null(config->ca_file);
	transport->cert_file = copy_or_null(config->cert_file);
	transport->key_file = copy_or_null(config->key_file);
	transport->pin = copy_or_null(config->pin);
	transport->connect_timeout = config->connect_timeout;
	transport->request_timeout = config->request_timeout;
	transport->curl = curl_easy_init();
	if (transport->curl == NULL || transport->url == NULL ||
	    transport->ca_file == NULL) {
		log_error("cannot set up libcurl for %s",
			  config->url != NULL ? config->url : "(no url)");
		transport_close(transport);
		return TRANSPORT_ESETUP;
	}
	*out = transport;
	return TRANSPORT_OK;
}

/* CURLOPT_SSL_CTX_FUNCTION: libcurl passes the mbedTLS configuration
 * before the handshake; require TLS 1.2 or newer and a verified peer. */
static CURLcode set_tls_policy(CURL *curl, void *ssl_ctx, void *user)
{
	mbedtls_ssl_config *tls = ssl_ctx;

	(void)curl;
	(void)user;
	mbedtls_ssl_conf_min_version(tls, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_authmode(tls, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_renegotiation(tls, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	/* libcurl 7.88 (lib/vtls/mbedtls.c) turns session tickets off, and
	 * the sandbox's OpenSSL server did not resume by session ID alone
	 * when tried here. With tickets on it does, so a reconnect after a
	 * dropped link skips the full handshake. */
	mbedtls_ssl_conf_session_tickets(tls,
					 MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
	return CURLE_OK;
}

static size_t collect_body(char *data, size_t size, size_t count, void *user)
{
	struct body_sink *sink = user;
	size_t bytes = size * count;
	size_t wanted;
	char *grown;

	if (sink->len + bytes > TRANSPORT_BODY_MAX) {
		sink->too_big = true;
		return 0;
	}
	wanted = sink->len + bytes + 1;
	if (wanted > sink->cap) {
		size_t cap = sink->cap == 0 ? 4096 : sink->cap;

		while (cap < wanted)
			cap *= 2;
		grown = realloc(sink->data, cap);
		if (grown == NULL)
			return 0;
		sink->data = grown;
		sink->cap = cap;
	}
	memcpy(sink->data + sink->len, data, bytes);
	sink->len += bytes;
	sink->data[sink->len] = '\0';
	return bytes;
}

/* Reads Retry-After given in seconds; an HTTP date is not used by the
 * central service (docs/api.md) and is ignored. */
static size_t collect_header(char *data, size_t size, size_t count,
			     void *user)
{
	struct body_sink *sink = user;
	size_t bytes = size * count;
	static const char name[] = "retry-after:";
	char value[32];
	size_t length;
	char *end = NULL;
	long seconds;

	if (bytes <= sizeof(name) - 1 ||
	    strncasecmp(data, name, sizeof(name) - 1) != 0)
		return bytes;
	length = bytes - (sizeof(name) - 1);
	if (length >= sizeof(value))
		return bytes;
	memcpy(value, data + sizeof(name) - 1, length);
	value[length] = '\0';
	errno = 0;
	seconds = strtol(value, &end, 10);
	if (errno == 0 && end != value && seconds >= 0 && seconds <= 86400)
		sink->retry_after = seconds;
	return bytes;
}

static int setup_request(struct transport *t, const char *method,
			 const char *url, struct curl_slist *headers,
			 const char *body, struct body_sink *sink)
{
	CURL *c = t->curl;
	CURLcode rc = CURLE_OK;

	curl_easy_reset(c);
	t->error[0] = '\0';
	rc |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->error);
	rc |= curl_easy_setopt(c, CURLOPT_URL, url);
	rc |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, t->connect_timeout);
	rc |= curl_easy_setopt(c, CURLOPT_TIMEOUT, t->request_timeout);
	rc |= curl_easy_setopt(c, CURLOPT_SSLVERSION,
			       (long)CURL_SSLVERSION_TLSv1_2);
	rc |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	rc |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	rc |= curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
	rc |= curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	rc |= curl_easy_setopt(c, CURLOPT_SSLCERT, t->cert_file);
	rc |= curl_easy_setopt(c, CURLOPT_SSLKEY, t->key_file);
	rc |= curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, set_tls_policy);
	if (t->pin != NULL)
		rc |= curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, t->pin);
	rc |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	rc |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	rc |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
	rc |= curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
	rc |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_header);
	rc |= curl_easy_setopt(c, CURLOPT_HEADERDATA, sink);
	if (body != NULL) {
		rc |= curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		rc |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
				       (long)strlen(body));
	} else if (strcmp(method, "GET") == 0) {
		rc |= curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	return rc == CURLE_OK ? 0 : -1;
}

/* Map a libcurl result to the transport's codes. `sent` is true when any
 * request bytes left, which separates "never sent" from "unknown". */
static int map_curl_error(CURLcode code, bool sent, bool too_big)
{
	if (too_big)
		return TRANSPORT_ETOOBIG;
	switch (code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return TRANSPORT_ECONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_INITFAILED:
		return TRANSPORT_ETLS;
	case CURLE_OPERATION_TIMEDOUT:
		return sent ? TRANSPORT_ETIMEOUT : TRANSPORT_ECONNECT;
	default:
		return sent ? TRANSPORT_ERESPONSE : TRANSPORT_ECONNECT;
	}
}

int transport_request(struct transport *transport, const char *method,
		      const char *path, const char *const *headers,
		      const char *body, struct transport_response *resp)
{
	struct body_sink sink = { .retry_after = -1 };
	struct curl_slist *list = NULL;
	char *url = NULL;
	long request_size = 0;
	CURLcode code;
	int result = TRANSPORT_ESETUP;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after = -1;
	if (asprintf(&url, "%s%s", transport->url, path) < 0) {
		url = NULL;
		goto out;
	}
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		struct curl_slist *grown = curl_slist_append(list, headers[i]);

		if (grown == NULL)
			goto out;
		list = grown;
	}
	if (setup_request(transport, method, url, list, body, &sink) != 0) {
		log_error("libcurl rejected an option for %s %s", method, path);
		goto out;
	}

	code = curl_easy_perform(transport->curl);
	curl_easy_getinfo(transport->curl, CURLINFO_REQUEST_SIZE,
			  &request_size);
	if (code != CURLE_OK) {
		result = map_curl_error(code, request_size > 0, sink.too_big);
		log_warn("%s %s failed: %s (curl %d)", method, path,
			 transport->error[0] != '\0'
				 ? transport->error
				 : curl_easy_strerror(code),
			 (int)code);
		goto out;
	}

	curl_easy_getinfo(transport->curl, CURLINFO_RESPONSE_CODE,
			  &resp->status);
	resp->body = sink.data != NULL ? sink.data : strdup("");
	sink.data = NULL;
	resp->body_len = sink.len;
	resp->retry_after = sink.retry_after;
	result = resp->body != NULL ? TRANSPORT_OK : TRANSPORT_ESETUP;
out:
	free(sink.data);
	free(url);
	curl_slist_free_all(list);
	return result;
}

int transport_check_file(const char *path, enum transport_file kind,
			 char *reason, size_t reason_size)
{
	mbedtls_x509_crt certificates;
	mbedtls_pk_context key;
	char text[100];
	int rc;

	if (access(path, R_OK) != 0) {
		snprintf(reason, reason_size, "%s", strerror(errno));
		return -1;
	}
	if (kind == TRANSPORT_FILE_CERTIFICATE) {
		mbedtls_x509_crt_init(&certificates);
		rc = mbedtls_x509_crt_parse_file(&certificates, path);
		mbedtls_x509_crt_free(&certificates);
	} else {
		mbedtls_pk_init(&key);
		rc = mbedtls_pk_parse_keyfile(&key, path, NULL);
		mbedtls_pk_free(&key);
	}
	if (rc != 0) {
		mbedtls_strerror(rc, text, sizeof(text));
		snprintf(reason, reason_size, "not a PEM %s: %s",
			 kind == TRANSPORT_FILE_KEY ? "private key"
						    : "certificate",
			 text);
		return -1;
	}
	return 0;
}

const char *transport_strerror(int error)
{
	switch (error) {
	case TRANSPORT_OK:
		return "Success";
	case TRANSPORT_ECONNECT:
		return "Central service unreachable";
	case TRANSPORT_ETLS:
		return "Secure connection failed: check the certificates";
	case TRANSPORT_ETIMEOUT:
		return "Central service timed out";
	case TRANSPORT_ERESPONSE:
		return "Connection lost before the reply arrived";
	case TRANSPORT_ETOOBIG:
		return "Reply from the central service is too large";
	case TRANSPORT_ESETUP:
		return "Network library could not be set up";
	default:
		return "Unknown transport error";
	}
}
