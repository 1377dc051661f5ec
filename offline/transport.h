/* HTTPS to the central service: libcurl on mbedTLS, mutual TLS with the
 * terminal's key and certificate, TLS 1.2 or newer, trust limited to the
 * configured CA, optional public-key pin. One transport per thread. */
#ifndef SPOTAGENT_TRANSPORT_H
#define SPOTAGENT_TRANSPORT_H

#include <stddef.h>

/* Largest response body accepted from the central service. */
#define TRANSPORT_BODY_MAX (1024 * 1024)

enum transport_error {
	TRANSPORT_OK = 0,
	TRANSPORT_ECONNECT = -1,  /* no connection: the request never left */
	TRANSPORT_ETLS = -2,      /* TLS handshake or verification failed */
	TRANSPORT_ETIMEOUT = -3,  /* timed out; the request may have left */
	TRANSPORT_ERESPONSE = -4, /* connection lost or reply unreadable */
	TRANSPORT_ETOOBIG = -5,   /* reply larger than TRANSPORT_BODY_MAX */
	TRANSPORT_ESETUP = -6,    /* libcurl could not be set up */
};

struct transport_config {
	const char *url;          /* base URL, https://host:port */
	const char *ca_file;
	const char *cert_file;
	const char *key_file;
	const char *pin;          /* "sha256//BASE64", or NULL */
	long connect_timeout;     /* seconds */
	long request_timeout;     /* seconds */
};

struct transport_response {
	long status;              /* HTTP status, 0 when none arrived */
	char *body;               /* NUL-terminated; free with free() */
	size_t body_len;
	long retry_after;         /* seconds from Retry-After, or -1 */
};

struct transport;

/* Call once in main before any thread starts. Returns 0 or -1. */
int transport_global_init(void);
void transport_global_cleanup(void);

/* Create a transport; strings in config are copied. Returns 0, or a
 * negative transport_error. */
int transport_open(const struct transport_config *config,
		   struct transport **out);
void transport_close(struct transport *transport);

/* Send one request to base URL + path. `headers` is a NULL-terminated list
 * of "Name: value" lines or NULL; body may be NULL (no body). On
 * TRANSPORT_OK, resp holds the status and body even for 4xx and 5xx; the
 * caller frees resp->body. On error, resp->body is NULL. */
int transport_request(struct transport *transport, const char *method,
		      const char *path, const char *const *headers,
		      const char *body, struct transport_response *resp);

enum transport_file {
	TRANSPORT_FILE_CERTIFICATE, /* PEM certificates (CA or terminal) */
	TRANSPORT_FILE_KEY,         /* PEM private key, unencrypted */
};

/* Check that path is a readable file that mbedTLS parses as `kind`.
 * Returns 0, or -1 with the reason in reason. */
int transport_check_file(const char *path, enum transport_file kind,
			 char *reason, size_t reason_size);

/* Return a static one-line message for a transport_error. */
const char *transport_strerror(int error);

/* Return libcurl's version text including its TLS backend. */
const char *transport_version(void);

#endif
