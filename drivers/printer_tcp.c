/* The raw TCP printer backend (port 9100): a non-blocking socket, every
 * connect, write and read bounded by poll timeouts. */
#define LOG_MODULE "printer"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "../app/log.h"
#include "printer_backend.h"

#define TCP_DEFAULT_PORT "9100"
#define TCP_CONNECT_TIMEOUT_MS 3000

/* Bytes handed to the socket at a time; the printer must acknowledge
 * each chunk within the write timeout. */
#define TCP_CHUNK_SIZE 4096

/* How often the send queue is checked while waiting for the printer to
 * acknowledge a chunk. */
#define TCP_ACK_POLL_MS 10

/* A host name (RFC 1035: at most 253 characters) or an IPv6 literal. */
#define TCP_HOST_MAX 254
#define TCP_PORT_MAX 6

struct printer_conn {
	char host[TCP_HOST_MAX];
	char port[TCP_PORT_MAX];
	int fd;     /* -1 when not connected */
	bool abort; /* a write failed: reset instead of a graceful close */
};

static int64_t tcp_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Accept letters, digits, '.', '-' and '_' in a host name, plus ':' in a
 * bracketed IPv6 literal. */
static bool tcp_host_valid(const char *host, size_t len, bool ipv6)
{
	if (len == 0 || len >= TCP_HOST_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = host[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && c != '.' && c != '-' && c != '_' &&
		    !(ipv6 && c == ':'))
			return false;
	}
	return true;
}

/* A port is 1 to 65535 in decimal digits. */
static bool tcp_port_valid(const char *port)
{
	size_t len = strlen(port);
	long value = 0;

	if (len == 0 || len >= TCP_PORT_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (port[i] < '0' || port[i] > '9')
			return false;
		value = value * 10 + (port[i] - '0');
	}
	return value >= 1 && value <= 65535;
}

/* Split "HOST[:PORT]" or "[IPV6][:PORT]" into conn. */
static int tcp_parse(const char *target, struct printer_conn *conn)
{
	const char *host = target;
	const char *rest;
	size_t host_len;
	bool ipv6 = target[0] == '[';

	if (ipv6) {
		const char *close = strchr(target, ']');

		if (close == NULL)
			return PRINTER_ESPEC;
		host = target + 1;
		host_len = (size_t)(close - host);
		rest = close + 1;
	} else {
		rest = strchr(target, ':');
		if (rest == NULL)
			rest = target + strlen(target);
		host_len = (size_t)(rest - target);
	}

	if (!tcp_host_valid(host, host_len, ipv6))
		return PRINTER_ESPEC;
	memcpy(conn->host, host, host_len);
	conn->host[host_len] = '\0';

	if (rest[0] == '\0') {
		memcpy(conn->port, TCP_DEFAULT_PORT, sizeof(TCP_DEFAULT_PORT));
		return PRINTER_OK;
	}
	if (rest[0] != ':' || !tcp_port_valid(rest + 1))
		return PRINTER_ESPEC;
	snprintf(conn->port, sizeof(conn->port), "%s", rest + 1);
	return PRINTER_OK;
}

static int tcp_prepare(const char *target, struct usb_context *usb,
		       struct printer_conn **out)
{
	struct printer_conn *conn;

	(void)usb;
	*out = NULL;
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL) {
		log_error("out of memory for TCP printer %.64s", target);
		return PRINTER_EOPEN;
	}
	conn->fd = -1;

	if (tcp_parse(target, conn) != PRINTER_OK) {
		log_error("printer device \"tcp:%.64s\" is not HOST[:PORT] "
			  "with a port of 1 to 65535",
			  target);
		free(conn);
		return PRINTER_ESPEC;
	}
	*out = conn;
	return PRINTER_OK;
}

/* Wait for events on fd until deadline. Returns the revents, 0 on a
 * timeout, or -1 with errno set. */
static int tcp_wait(int fd, short events, int64_t deadline)
{
	for (int i = 0; i < 1000; i++) {
		struct pollfd pfd = {.fd = fd, .events = events};
		int64_t remaining = deadline - tcp_now_ms();
		int count;

		if (remaining < 0)
			remaining = 0;
		count = poll(&pfd, 1, (int)remaining);
		if (count < 0 && errno == EINTR)
			continue;
		if (count <= 0)
			return count;
		return pfd.revents;
	}
	return 0;
}

/* Connect one address within the deadline. Returns a connected
 * non-blocking socket or -1 with errno set. */
static int tcp_connect_addr(const struct addrinfo *ai, int64_t deadline)
{
	int error = 0;
	socklen_t error_len = sizeof(error);
	int revents;
	int fd;

	fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;

	revents = tcp_wait(fd, POLLOUT, deadline);
	if (revents < 0)
		goto fail;
	if (revents == 0) {
		errno = ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_len) < 0)
		goto fail;
	if (error != 0) {
		errno = error;
		goto fail;
	}
	return fd;

fail:
	error = errno;
	close(fd);
	errno = error;
	return -1;
}

/* Resolve the host (getaddrinfo may block on DNS; it runs on the print
 * worker) and try each address until one connects, all within
 * TCP_CONNECT_TIMEOUT_MS. */
static int tcp_connect(struct printer_conn *conn)
{
	const struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_ADDRCONFIG,
	};
	int64_t deadline = tcp_now_ms() + TCP_CONNECT_TIMEOUT_MS;
	struct addrinfo *list = NULL;
	char text[128];
	int saved = 0;
	int enable = 1;
	int fd = -1;
	int rc;

	rc = getaddrinfo(conn->host, conn->port, &hints, &list);
	if (rc != 0) {
		log_warn("printer host %s cannot be resolved: %s", conn->host,
			 gai_strerror(rc));
		return PRINTER_EGONE;
	}

	for (struct addrinfo *ai = list; ai != NULL && fd < 0;
	     ai = ai->ai_next) {
		fd = tcp_connect_addr(ai, deadline);
		if (fd < 0)
			saved = errno;
	}
	freeaddrinfo(list);

	if (fd < 0) {
		log_warn("printer %s port %s is not reachable: %s",
			 conn->host, conn->port,
			 strerror_r(saved, text, sizeof(text)));
		return PRINTER_EGONE;
	}

	/* Status queries are 3 bytes each: send them without Nagle's
	 * delay. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &enable,
		   sizeof(enable));
	conn->fd = fd;
	conn->abort = false;
	return PRINTER_OK;
}

/* Map a socket error: a peer that closed or reset is gone. */
static int tcp_error(const struct printer_conn *conn, int error,
		     const char *what)
{
	char text[128];

	log_warn("%s on printer %s port %s failed: %s", what, conn->host,
		 conn->port, strerror_r(error, text, sizeof(text)));
	switch (error) {
	case EPIPE:
	case ECONNRESET:
	case ECONNABORTED:
	case ENOTCONN:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
		return PRINTER_EGONE;
	default:
		return PRINTER_EWRITE;
	}
}

/* Hand one chunk to the socket, waiting up to timeout_ms each time the
 * socket buffer is full. */
static int tcp_send_chunk(struct printer_conn *conn,
			  const unsigned char *data, size_t len,
			  int timeout_ms, size_t *sent)
{
	int64_t deadline = tcp_now_ms() + timeout_ms;

	*sent = 0;
	while (*sent < len) {
		ssize_t count = send(conn->fd, data + *sent, len - *sent,
				     MSG_NOSIGNAL | MSG_DONTWAIT);
		int revents;

		if (count > 0) {
			*sent += (size_t)count;
			deadline = tcp_now_ms() + timeout_ms;
			continue;
		}
		if (count < 0 && errno != EAGAIN && errno != EINTR)
			return tcp_error(conn, errno, "send");

		revents = tcp_wait(conn->fd, POLLOUT, deadline);
		if (revents < 0)
			return tcp_error(conn, errno, "poll");
		if (revents == 0)
			return PRINTER_ETIMEOUT;
	}
	return PRINTER_OK;
}

/* Wait until the printer has acknowledged every byte sent (the send
 * queue is empty), allowing timeout_ms without progress. A write only
 * counts once the printer took it, not once the kernel buffered it. */
static int tcp_wait_acked(struct printer_conn *conn, int timeout_ms)
{
	int64_t deadline = tcp_now_ms() + timeout_ms;
	int last = -1;

	while (tcp_now_ms() < deadline) {
		int queued = 0;
		int revents;

		if (ioctl(conn->fd, SIOCOUTQ, &queued) < 0)
			return tcp_error(conn, errno, "SIOCOUTQ");
		if (queued == 0)
			return PRINTER_OK;
		if (queued != last) {
			last = queued;
			deadline = tcp_now_ms() + timeout_ms;
		}

		/* POLLRDHUP and POLLERR report a peer that closed or reset;
		 * POLLIN is not asked, so waiting status bytes do not end
		 * the wait early. */
		revents = tcp_wait(conn->fd, POLLRDHUP,
				   tcp_now_ms() + TCP_ACK_POLL_MS);
		if (revents < 0)
			return tcp_error(conn, errno, "poll");
		if (revents & (POLLERR | POLLHUP | POLLRDHUP)) {
			log_warn("printer %s port %s closed the connection",
				 conn->host, conn->port);
			return PRINTER_EGONE;
		}
	}
	return PRINTER_ETIMEOUT;
}

static int tcp_write(struct printer_conn *conn, const unsigned char *data,
		     size_t len, int timeout_ms, size_t *written)
{
	int result = PRINTER_OK;

	*written = 0;
	if (conn->fd < 0)
		return PRINTER_EGONE;

	while (*written < len && result == PRINTER_OK) {
		size_t chunk = len - *written;
		size_t sent = 0;

		if (chunk > TCP_CHUNK_SIZE)
			chunk = TCP_CHUNK_SIZE;
		result = tcp_send_chunk(conn, data + *written, chunk,
					timeout_ms, &sent);
		if (result == PRINTER_OK)
			result = tcp_wait_acked(conn, timeout_ms);
		if (result == PRINTER_OK)
			*written += sent;
	}

	if (result != PRINTER_OK) {
		conn->abort = true;
		log_warn("printer %s port %s took %zu of %zu bytes",
			 conn->host, conn->port, *written, len);
	}
	return result;
}

static int tcp_read(struct printer_conn *conn, unsigned char *buf,
		    size_t size, int timeout_ms, size_t *got)
{
	int64_t deadline = tcp_now_ms() + timeout_ms;
	ssize_t count;
	int revents;

	*got = 0;
	if (conn->fd < 0)
		return PRINTER_EGONE;

	revents = tcp_wait(conn->fd, POLLIN, deadline);
	if (revents < 0)
		return tcp_error(conn, errno, "poll");
	if (revents == 0)
		return PRINTER_OK;

	count = recv(conn->fd, buf, size, MSG_DONTWAIT);
	if (count < 0 && (errno == EAGAIN || errno == EINTR))
		return PRINTER_OK;
	if (count < 0)
		return tcp_error(conn, errno, "recv");
	if (count == 0) {
		log_warn("printer %s port %s closed the connection",
			 conn->host, conn->port);
		return PRINTER_EGONE;
	}
	*got = (size_t)count;
	return PRINTER_OK;
}

/* After a failed write, bytes of the job may still sit in the send
 * queue; a reset (SO_LINGER of 0) discards them, so the printer never
 * prints the rest of a job that is held to be printed again. */
static void tcp_disconnect(struct printer_conn *conn)
{
	if (conn->fd < 0)
		return;
	if (conn->abort) {
		struct linger linger = {.l_onoff = 1, .l_linger = 0};

		setsockopt(conn->fd, SOL_SOCKET, SO_LINGER, &linger,
			   sizeof(linger));
	}
	close(conn->fd);
	conn->fd = -1;
	conn->abort = false;
}

static const char *tcp_describe(const struct printer_conn *conn, char *buf,
				size_t size)
{
	if (strchr(conn->host, ':') != NULL)
		snprintf(buf, size, "TCP [%s]:%s", conn->host, conn->port);
	else
		snprintf(buf, size, "TCP %s:%s", conn->host, conn->port);
	return NULL;
}

static void tcp_destroy(struct printer_conn *conn)
{
	if (conn == NULL)
		return;
	tcp_disconnect(conn);
	free(conn);
}

const struct printer_backend printer_tcp_backend = {
	.scheme = "tcp",
	.prepare = tcp_prepare,
	.connect = tcp_connect,
	.write = tcp_write,
	.read = tcp_read,
	.disconnect = tcp_disconnect,
	.matches = NULL,
	.describe = tcp_describe,
	.destroy = tcp_destroy,
};
