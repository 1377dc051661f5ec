/* Tests of the TCP printer backend against a listener thread on 127.0.0.1
 * that plays an ESC/POS printer: it stores job bytes, answers DLE EOT with
 * set status bytes, and can answer late, stop reading or close mid-job. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../drivers/printer.h"

#define JOB_MAX (256 * 1024)

/* Every wait of the listener thread is at most POLL_MS, and the thread
 * stops by itself after LISTENER_LIFE_MS. */
#define POLL_MS 20
#define LISTENER_LIFE_MS 30000

/* Short timeouts so that timeout cases finish quickly. */
#define TEST_WRITE_TIMEOUT_MS 300
#define TEST_STATUS_TIMEOUT_MS 100

/* A small receive buffer, so a listener that stops reading makes the
 * client's writes stall after a few KiB. */
#define LISTENER_RCVBUF 4096

static const unsigned char status_ready[4] = {0x12, 0x12, 0x12, 0x12};
static const unsigned char status_paper_low[4] = {0x12, 0x12, 0x12, 0x1E};
static const unsigned char status_paper_out[4] = {0x1A, 0x32, 0x12, 0x7E};
static const unsigned char status_cover_open[4] = {0x1A, 0x16, 0x12, 0x12};

struct listener {
	pthread_mutex_t lock;
	pthread_t thread;
	int listen_fd;
	int port;
	bool stop;

	/* Behaviour, set by the test under the lock. */
	unsigned char status[4];  /* replies to DLE EOT 1 to 4 */
	int late_query;           /* 1-based query count answered late */
	int late_ms;
	/* One unasked byte sent extra_delay_ms after the reply to this
	 * 1-based query count, before the next query is read; 0: never. */
	int extra_after_query;
	int extra_delay_ms;
	unsigned char extra_byte;
	size_t stall_after;       /* stop reading after this many job
				     bytes; 0: never */
	size_t close_after;       /* close the connection after this many
				     job bytes; 0: never; once only */
	/* Status to set after the next job byte arrives; mid-job paper
	 * out. */
	bool change_after_job;
	unsigned char status_after_job[4];

	/* What arrived on the current connection. */
	unsigned char job[JOB_MAX];
	size_t job_len;
	int queries;              /* DLE EOT queries, over all connections */
	int connections;
};

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec delay = {.tv_sec = ms / 1000,
				 .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&delay, NULL);
}

static bool listener_stopped(struct listener *l, int64_t deadline)
{
	bool stop;

	pthread_mutex_lock(&l->lock);
	stop = l->stop;
	pthread_mutex_unlock(&l->lock);
	return stop || now_ms() >= deadline;
}

/* Answer DLE EOT n, late when this query is the one set to be, and
 * follow the reply with an unasked byte when set. */
static void listener_answer(struct listener *l, int fd, unsigned char n)
{
	unsigned char reply;
	unsigned char extra = 0;
	int late_ms = 0;
	int extra_ms = -1;

	pthread_mutex_lock(&l->lock);
	l->queries++;
	reply = l->status[(n - 1) & 3];
	if (l->queries == l->late_query)
		late_ms = l->late_ms;
	if (l->queries == l->extra_after_query) {
		extra_ms = l->extra_delay_ms;
		extra = l->extra_byte;
	}
	pthread_mutex_unlock(&l->lock);

	if (late_ms > 0)
		sleep_ms(late_ms);
	send(fd, &reply, 1, MSG_NOSIGNAL);
	if (extra_ms < 0)
		return;
	sleep_ms(extra_ms);
	send(fd, &extra, 1, MSG_NOSIGNAL);
}

/* Wait without reading until the client closes or the test stops. */
static void listener_stall(struct listener *l, int fd, int64_t deadline)
{
	while (!listener_stopped(l, deadline)) {
		struct pollfd pfd = {.fd = fd, .events = POLLRDHUP};

		if (poll(&pfd, 1, POLL_MS) > 0 &&
		    (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)))
			return;
	}
}

/* Store one job byte; returns true when the connection must close. */
static bool listener_store(struct listener *l, unsigned char byte,
			   bool *stall)
{
	bool close_now = false;

	pthread_mutex_lock(&l->lock);
	if (l->job_len < JOB_MAX)
		l->job[l->job_len++] = byte;
	if (l->change_after_job) {
		memcpy(l->status, l->status_after_job, 4);
		l->change_after_job = false;
	}
	if (l->close_after > 0 && l->job_len >= l->close_after) {
		l->close_after = 0;
		close_now = true;
	}
	if (l->stall_after > 0 && l->job_len >= l->stall_after) {
		l->stall_after = 0;
		*stall = true;
	}
	pthread_mutex_unlock(&l->lock);
	return close_now;
}

/* Serve one connection until the client closes it, the script closes it,
 * or the test stops. */
static void listener_serve(struct listener *l, int fd, int64_t deadline)
{
	unsigned char buf[1024];
	int dle_state = 0; /* 0: data, 1: after DLE, 2: after DLE EOT */

	while (!listener_stopped(l, deadline)) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		bool stall = false;
		ssize_t count;

		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		count = recv(fd, buf, sizeof(buf), 0);
		if (count <= 0)
			return;

		for (ssize_t i = 0; i < count; i++) {
			if (dle_state == 0 && buf[i] == 0x10) {
				dle_state = 1;
			} else if (dle_state == 1 && buf[i] == 0x04) {
				dle_state = 2;
			} else if (dle_state == 2) {
				listener_answer(l, fd, buf[i]);
				dle_state = 0;
			} else {
				dle_state = 0;
				if (listener_store(l, buf[i], &stall))
					return;
			}
			if (stall) {
				listener_stall(l, fd, deadline);
				return;
			}
		}
	}
}

static void *listener_run(void *data)
{
	struct listener *l = data;
	int64_t deadline = now_ms() + LISTENER_LIFE_MS;

	while (!listener_stopped(l, deadline)) {
		struct pollfd pfd = {.fd = l->listen_fd, .events = POLLIN};
		int fd;

		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		fd = accept(l->listen_fd, NULL, NULL);
		if (fd < 0)
			continue;

		pthread_mutex_lock(&l->lock);
		l->connections++;
		l->job_len = 0;
		pthread_mutex_unlock(&l->lock);

		listener_serve(l, fd, deadline);
		close(fd);
	}
	return NULL;
}

static int listener_setup(void **state)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t addr_len = sizeof(addr);
	int rcvbuf = LISTENER_RCVBUF;
	struct listener *l;

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -1;
	pthread_mutex_init(&l->lock, NULL);
	memcpy(l->status, status_ready, 4);

	/* Port 0: the kernel picks a free port on 127.0.0.1. Accepted
	 * sockets inherit the small receive buffer. */
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->listen_fd < 0 ||
	    setsockopt(l->listen_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		       sizeof(rcvbuf)) < 0 ||
	    bind(l->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(l->listen_fd, 4) < 0 ||
	    getsockname(l->listen_fd, (struct sockaddr *)&addr, &addr_len) < 0)
		return -1;
	l->port = ntohs(addr.sin_port);

	if (pthread_create(&l->thread, NULL, listener_run, l) != 0)
		return -1;
	*state = l;
	return 0;
}

static int listener_teardown(void **state)
{
	struct listener *l = *state;

	pthread_mutex_lock(&l->lock);
	l->stop = true;
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	close(l->listen_fd);
	pthread_mutex_destroy(&l->lock);
	free(l);
	return 0;
}

static void listener_set_status(struct listener *l,
				const unsigned char status[4])
{
	pthread_mutex_lock(&l->lock);
	memcpy(l->status, status, 4);
	pthread_mutex_unlock(&l->lock);
}

static size_t listener_job_len(struct listener *l)
{
	size_t len;

	pthread_mutex_lock(&l->lock);
	len = l->job_len;
	pthread_mutex_unlock(&l->lock);
	return len;
}

static int listener_connections(struct listener *l)
{
	int count;

	pthread_mutex_lock(&l->lock);
	count = l->connections;
	pthread_mutex_unlock(&l->lock);
	return count;
}

static int listener_queries(struct listener *l)
{
	int count;

	pthread_mutex_lock(&l->lock);
	count = l->queries;
	pthread_mutex_unlock(&l->lock);
	return count;
}

/* Open the printer on the listener's port with the test timeouts. */
static struct printer *open_printer(const struct listener *l)
{
	struct printer *printer = NULL;
	char spec[64];

	snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%d", l->port);
	assert_int_equal(printer_open(spec, NULL, &printer), PRINTER_OK);
	assert_int_equal(printer_get_state(printer),
			 PRINTER_STATE_DISCONNECTED);
	printer_set_timeouts(printer, TEST_WRITE_TIMEOUT_MS,
			     TEST_STATUS_TIMEOUT_MS);
	return printer;
}

/* A job of text lines without DLE (0x10), so the listener never takes its
 * bytes for a status query. */
static unsigned char *make_job(size_t len)
{
	unsigned char *job = malloc(len);

	assert_non_null(job);
	for (size_t i = 0; i < len; i++) {
		job[i] = (i % 48 == 47) ? '\n' : (unsigned char)('A' + i % 26);
	}
	job[0] = 0x1B;
	job[1] = 0x40;
	return job;
}

static void test_job_arrives_whole(void **state)
{
	struct listener *l = *state;
	struct printer_status status;
	struct printer *printer = open_printer(l);
	size_t len = 20000;
	unsigned char *job = make_job(len);

	assert_int_equal(printer_write_job(printer, job, len), PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_READY);
	assert_int_equal(listener_queries(l), 8);

	/* The status after the job was answered, so the listener has read
	 * every job byte before it. */
	pthread_mutex_lock(&l->lock);
	assert_int_equal(l->job_len, len);
	assert_memory_equal(l->job, job, len);
	pthread_mutex_unlock(&l->lock);

	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_memory_equal(status.raw, status_ready, 4);
	assert_int_equal(listener_connections(l), 1);
	printer_close(printer);
	free(job);
}

static void test_paper_low_still_prints(void **state)
{
	struct listener *l = *state;
	struct printer *printer = open_printer(l);
	unsigned char *job = make_job(500);

	listener_set_status(l, status_paper_low);
	assert_int_equal(printer_write_job(printer, job, 500), PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_PAPER_LOW);
	assert_int_equal(listener_job_len(l), 500);
	printer_close(printer);
	free(job);
}

struct not_ready_case {
	const char *name;
	const unsigned char *status;
	enum printer_state state;
};

static const struct not_ready_case not_ready_cases[] = {
	{"paper out", status_paper_out, PRINTER_STATE_PAPER_OUT},
	{"cover open", status_cover_open, PRINTER_STATE_COVER_OPEN},
};

/* A printer that cannot print gets no byte of the job. */
static void test_not_ready_writes_nothing(void **state)
{
	struct listener *l = *state;

	for (size_t i = 0;
	     i < sizeof(not_ready_cases) / sizeof(*not_ready_cases); i++) {
		const struct not_ready_case *c = &not_ready_cases[i];
		struct printer *printer = open_printer(l);
		unsigned char *job = make_job(500);
		int queries = listener_queries(l);

		print_message("case \"%s\"\n", c->name);
		listener_set_status(l, c->status);
		assert_int_equal(printer_write_job(printer, job, 500),
				 PRINTER_ENOTREADY);
		assert_int_equal(printer_get_state(printer), c->state);
		assert_int_equal(listener_queries(l), queries + 4);
		/* The listener answered all four queries, so it has read
		 * every byte sent before the last one. */
		assert_int_equal(listener_job_len(l), 0);
		assert_int_equal(printer_job_taken(printer), 0);
		printer_close(printer);
		free(job);
	}
}

/* Paper runs out during the job: the job is written but not done. */
static void test_paper_out_after_job(void **state)
{
	struct listener *l = *state;
	struct printer *printer = open_printer(l);
	unsigned char *job = make_job(3000);

	pthread_mutex_lock(&l->lock);
	memcpy(l->status_after_job, status_paper_out, 4);
	l->change_after_job = true;
	pthread_mutex_unlock(&l->lock);

	assert_int_equal(printer_write_job(printer, job, 3000),
			 PRINTER_ENOTREADY);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_PAPER_OUT);
	assert_int_equal(listener_job_len(l), 3000);
	/* The printer took all of it: the job may have printed. */
	assert_int_equal(printer_job_taken(printer), 3000);
	printer_close(printer);
	free(job);
}

/* The reply to query 1 of the first round comes after that round gave
 * up. wait_ms before the second round decides whether it is waiting when
 * the round starts (dropped by the drain) or comes during it (counted as
 * a late reply). Either way the paper-out byte is not taken for the
 * current status. */
static void check_late_reply(struct listener *l, int wait_ms)
{
	struct printer_status status;
	struct printer *printer = open_printer(l);

	pthread_mutex_lock(&l->lock);
	memcpy(l->status, status_paper_out, 4);
	l->late_query = l->queries + 1;
	l->late_ms = TEST_STATUS_TIMEOUT_MS + 50;
	pthread_mutex_unlock(&l->lock);

	assert_int_equal(printer_query_status(printer, &status),
			 PRINTER_ENOSTATUS);
	assert_int_equal(status.state, PRINTER_STATE_OFFLINE);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_OFFLINE);

	/* The listener took the paper-out byte before sleeping. */
	listener_set_status(l, status_ready);
	if (wait_ms > 0)
		sleep_ms(wait_ms);

	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_memory_equal(status.raw, status_ready, 4);
	assert_int_equal(listener_connections(l), 1);
	printer_close(printer);
}

static void test_late_reply_during_round(void **state)
{
	check_late_reply(*state, 0);
}

static void test_late_reply_before_round(void **state)
{
	check_late_reply(*state, TEST_STATUS_TIMEOUT_MS * 2);
}

/* The printer sends one unasked byte (Automatic Status Back, or its reply
 * sent twice) 3 ms after its reply to DLE EOT 1, before it reads DLE EOT
 * 2. The byte arrives during the 10 ms drain before DLE EOT 2 and is
 * dropped there. Taken for the reply to DLE EOT 2, it would shift every
 * later reply of the round. NOTE: a byte that arrives while a reply is
 * awaited cannot be told from the reply, so no drain catches it. */
static void test_unasked_byte_between_queries(void **state)
{
	struct listener *l = *state;
	struct printer_status status;
	struct printer *printer = open_printer(l);

	pthread_mutex_lock(&l->lock);
	l->extra_after_query = l->queries + 1;
	l->extra_delay_ms = 3;
	l->extra_byte = status_paper_out[0];
	pthread_mutex_unlock(&l->lock);

	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_memory_equal(status.raw, status_ready, 4);
	assert_int_equal(listener_queries(l), 4);

	/* Nothing is left over for the next round either. */
	listener_set_status(l, status_paper_low);
	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_PAPER_LOW);
	assert_memory_equal(status.raw, status_paper_low, 4);
	assert_int_equal(listener_connections(l), 1);
	printer_close(printer);
}

/* A printer behind Wi-Fi or a serial bridge answers in 0.7 s: with the
 * default status timeout it is ready, not offline. */
static void test_slow_reply_default_timeout(void **state)
{
	struct listener *l = *state;
	struct printer_status status;
	struct printer *printer = open_printer(l);

	printer_set_timeouts(printer, TEST_WRITE_TIMEOUT_MS,
			     PRINTER_STATUS_TIMEOUT_MS);
	pthread_mutex_lock(&l->lock);
	l->late_query = l->queries + 1;
	l->late_ms = 700;
	pthread_mutex_unlock(&l->lock);

	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_memory_equal(status.raw, status_ready, 4);
	printer_close(printer);
}

/* The peer closes mid-job: the job fails as gone, and the next job
 * connects again and arrives whole. */
static void test_peer_closes_mid_job(void **state)
{
	struct listener *l = *state;
	struct printer *printer = open_printer(l);
	size_t len = 64 * 1024;
	unsigned char *job = make_job(len);

	pthread_mutex_lock(&l->lock);
	l->close_after = 1000;
	pthread_mutex_unlock(&l->lock);

	assert_int_equal(printer_write_job(printer, job, len), PRINTER_EGONE);
	assert_int_equal(printer_get_state(printer),
			 PRINTER_STATE_DISCONNECTED);

	assert_int_equal(printer_write_job(printer, job, 2000), PRINTER_OK);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_READY);
	assert_int_equal(listener_connections(l), 2);
	pthread_mutex_lock(&l->lock);
	assert_int_equal(l->job_len, 2000);
	assert_memory_equal(l->job, job, 2000);
	pthread_mutex_unlock(&l->lock);
	printer_close(printer);
	free(job);
}

/* The peer stops reading: the write times out within a bounded time and
 * the next job works once the peer reads again. */
static void test_stalled_write_times_out(void **state)
{
	struct listener *l = *state;
	struct printer *printer = open_printer(l);
	size_t len = 128 * 1024;
	unsigned char *job = make_job(len);
	int64_t start;
	int64_t elapsed;

	pthread_mutex_lock(&l->lock);
	l->stall_after = 1;
	pthread_mutex_unlock(&l->lock);

	start = now_ms();
	assert_int_equal(printer_write_job(printer, job, len),
			 PRINTER_ETIMEOUT);
	elapsed = now_ms() - start;
	print_message("stalled write returned after %lld ms\n",
		      (long long)elapsed);
	assert_true(elapsed >= TEST_WRITE_TIMEOUT_MS);
	assert_true(elapsed < TEST_WRITE_TIMEOUT_MS + 1500);
	assert_int_equal(printer_get_state(printer), PRINTER_STATE_OFFLINE);
	assert_true(listener_job_len(l) < len);

	assert_int_equal(printer_write_job(printer, job, 1000), PRINTER_OK);
	assert_int_equal(listener_connections(l), 2);
	assert_int_equal(listener_job_len(l), 1000);
	printer_close(printer);
	free(job);
}

/* Nothing listens on the port: a job fails as gone, quickly. */
static void test_refused_is_disconnected(void **state)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t addr_len = sizeof(addr);
	struct printer_status status;
	struct printer *printer;
	unsigned char job[] = {0x1B, 0x40, 'x', '\n'};
	char spec[64];
	int fd;

	(void)state;
	/* A port the kernel just gave out and that is closed again. */
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(
		getsockname(fd, (struct sockaddr *)&addr, &addr_len), 0);
	close(fd);

	snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%d",
		 ntohs(addr.sin_port));
	assert_int_equal(printer_open(spec, NULL, &printer), PRINTER_OK);
	assert_int_equal(printer_write_job(printer, job, sizeof(job)),
			 PRINTER_EGONE);
	assert_int_equal(printer_get_state(printer),
			 PRINTER_STATE_DISCONNECTED);
	assert_int_equal(printer_query_status(printer, &status),
			 PRINTER_EGONE);
	assert_int_equal(status.state, PRINTER_STATE_DISCONNECTED);
	printer_close(printer);
}

/* printer_disconnect drops the socket; the next query connects again. */
static void test_disconnect_then_reconnect(void **state)
{
	struct listener *l = *state;
	struct printer_status status;
	struct printer *printer = open_printer(l);

	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	printer_disconnect(printer);
	assert_int_equal(printer_get_state(printer),
			 PRINTER_STATE_DISCONNECTED);
	assert_int_equal(printer_query_status(printer, &status), PRINTER_OK);
	assert_int_equal(status.state, PRINTER_STATE_READY);
	assert_int_equal(listener_connections(l), 2);
	printer_close(printer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_job_arrives_whole,
						listener_setup,
						listener_teardown),
		cmocka_unit_test_setup_teardown(test_paper_low_still_prints,
						listener_setup,
						listener_teardown),
		cmocka_unit_test_setup_teardown(test_not_ready_writes_nothing,
						listener_setup,
						listener_teardown),
		cmocka_unit_test_setup_teardown(test_paper_out_after_job,
						listener_setup,
						listener_teardown),
		cmocka_unit_test_setup_teardown(test_late_reply_during_round,
						listener_setup,
						listener_teardown),
		cmocka_unit_test_setup_teardown(test_late_reply_before_round,
						listener_setup,
						listener_teardown),
		cmocka_unit_test_setup_teardown(
			test_unasked_byte_between_queries, listener_setup,
			listener_teardown),
		cmocka_unit_test_setup_teardown(
			test_slow_reply_default_timeout, listener_setup,
			listener_teardown),
		cmocka_unit_test_setup_teardown(test_peer_closes_mid_job,
						listener_setup,
						listener_teardown),
		cmocka_unit_test_setup_teardown(test_stalled_write_times_out,
						listener_setup,
						listener_teardown),
		cmocka_unit_test(test_refused_is_disconnected),
		cmocka_unit_test_setup_teardown(
			test_disconnect_then_reconnect, listener_setup,
			listener_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
