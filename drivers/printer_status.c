/* ESC/POS status through DLE EOT: decoding the four replies (Epson's bit
 * layout) and the query protocol that never takes a late reply for a new one.
 */
#define LOG_MODULE "printer"

#include <stdint.h>
#include <time.h>


#include "../app/log.h"
#include "printer_backend.h"

#define DLE 0x10
#define EOT 0x04

/* Every DLE EOT reply has bits 1 and 4 set and bits 0 and 7 clear. */
#define STATUS_FIXED_MASK 0x93
#define STATUS_FIXED_BITS 0x12

/* DLE EOT 1: printer status. */
#define STATUS1_DRAWER_PIN3 0x04
#define STATUS1_OFFLINE 0x08

/* DLE EOT 2: offline cause. */
#define STATUS2_COVER_OPEN 0x04
#define STATUS2_PAPER_END_STOP 0x20
#define STATUS2_ERROR 0x40

/* DLE EOT 3: error cause. Bit 2 is a recoverable error (Epson: mechanical
 * error, Citizen: black mark detection error). */
#define STATUS3_RECOVERABLE 0x04
#define STATUS3_CUTTER 0x08
#define STATUS3_UNRECOVERABLE 0x20
#define STATUS3_AUTO_RECOVERABLE 0x40
#define STATUS3_ANY_ERROR                                              \
	(STATUS3_RECOVERABLE | STATUS3_CUTTER | STATUS3_UNRECOVERABLE | \
	 STATUS3_AUTO_RECOVERABLE)

/* DLE EOT 4: paper sensors. A printer with one sensor of a kind sets both
 * bits of its pair; printers with two (such as Citizen's) set one each. */
#define STATUS4_NEAR_END 0x0C
#define STATUS4_PAPER_END 0x60

/* Before each query, bytes already waiting are read with short reads:
 * each waits STATUS_DRAIN_TIMEOUT_MS, and at most STATUS_DRAIN_READS_MAX
 * are made, so a device that never stops sending cannot hold the round
 * for more than 80 ms per query. */
#define STATUS_DRAIN_TIMEOUT_MS 10
#define STATUS_DRAIN_READS_MAX 8

/* Pause after a read that returned nothing before its timeout (a
 * zero-length USB packet), so a run of them cannot spin the CPU. The
 * reply read itself is bounded by its deadline. */
#define STATUS_EMPTY_READ_PAUSE_MS 1

/* One full-speed USB bulk packet: USB reads are made in whole packets. */
#define STATUS_READ_SIZE 64

/* Conditions in the order they win (see printer_status_decode). */
static enum printer_state status_state(const unsigned char reply[4])
{
	if (reply[1] & STATUS2_COVER_OPEN)
		return PRINTER_STATE_COVER_OPEN;
	if ((reply[3] & STATUS4_PAPER_END) ||
	    (reply[1] & STATUS2_PAPER_END_STOP))
		return PRINTER_STATE_PAPER_OUT;
	if ((reply[2] & STATUS3_ANY_ERROR) || (reply[1] & STATUS2_ERROR))
		return PRINTER_STATE_ERROR;
	if (reply[0] & STATUS1_OFFLINE)
		return PRINTER_STATE_OFFLINE;
	if (reply[3] & STATUS4_NEAR_END)
		return PRINTER_STATE_PAPER_LOW;
	return PRINTER_STATE_READY;
}

/* Decode the four replies. When several conditions hold, the first one
 * the agent can act on wins: cover open, then paper out, then an error,
 * then offline with no cause given (such as the feed button held), then
 * paper low. The cover comes first because other bits often follow from
 * it: a roll being changed reads as paper end, and some printers (such
 * as Bixolon's) set the auto-recoverable error bit while it is open.
 * PRINTER_STATE_DISCONNECTED never comes from here: it comes from the
 * transport, and it wins over all of these. A reply without the fixed
 * bits gives PRINTER_ENOSTATUS and PRINTER_STATE_OFFLINE. */
int printer_status_decode(const unsigned char reply[4],
			  struct printer_status *out)
{
	for (int i = 0; i < 4; i++) {
		out->raw[i] = reply[i];
	}

	for (int i = 0; i < 4; i++) {
		if ((reply[i] & STATUS_FIXED_MASK) != STATUS_FIXED_BITS) {
			out->state = PRINTER_STATE_OFFLINE;
			out->drawer_open = false;
			out->paper_low = false;
			return PRINTER_ENOSTATUS;
		}
	}

	out->state = status_state(reply);
	out->drawer_open = (reply[0] & STATUS1_DRAWER_PIN3) != 0;
	out->paper_low = (reply[3] & STATUS4_NEAR_END) != 0;
	return PRINTER_OK;
}

static int64_t status_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void status_pause_ms(int ms)
{
	struct timespec delay = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000};

	nanosleep(&delay, NULL);
}

/* Read and drop what is already waiting: replies to queries of an earlier
 * round that came after that round gave up, or bytes the printer sent
 * unasked (Automatic Status Back, a reply sent twice). Each byte dropped
 * counts off *unanswered, and bytes beyond it were sent unasked. */
static int status_drain(const struct printer_backend *backend,
			struct printer_conn *conn, unsigned *unanswered)
{
	unsigned char buf[STATUS_READ_SIZE];
	size_t dropped = 0;

	for (int i = 0; i < STATUS_DRAIN_READS_MAX; i++) {
		size_t got = 0;
		int result = backend->read(conn, buf, sizeof(buf),
					   STATUS_DRAIN_TIMEOUT_MS, &got);

		if (result != PRINTER_OK)
			return result;
		if (got == 0)
			break;
		dropped += got;
	}

	if (dropped > 0)
		log_debug("dropped %zu waiting bytes (%u late replies "
			  "expected)",
			  dropped, *unanswered);
	*unanswered = dropped < *unanswered ? *unanswered - (unsigned)dropped
					    : 0;
	return PRINTER_OK;
}

/* Read the reply to the query just sent, until deadline (CLOCK_MONOTONIC
 * in ms). The printer answers in order, so while *unanswered is above 1
 * the next byte is a late reply to an earlier query and is dropped; the
 * byte that brings it to 0 is the reply. Bytes after it in the same read
 * were sent unasked (only one query is out at a time) and are dropped
 * too. Reads that return nothing (zero-length USB packets) go on until
 * the deadline, however many there are. */
static int status_read_reply(const struct printer_backend *backend,
			     struct printer_conn *conn, int64_t deadline,
			     unsigned *unanswered, unsigned char *reply)
{
	unsigned char buf[STATUS_READ_SIZE];
	size_t stale = 0;
	size_t extra = 0;
	size_t empty = 0;
	bool found = false;

	while (!found) {
		int64_t remaining = deadline - status_now_ms();
		int64_t started = status_now_ms();
		size_t got = 0;
		int result;

		if (remaining <= 0)
			break;
		result = backend->read(conn, buf, sizeof(buf),
				       (int)remaining, &got);
		if (result != PRINTER_OK)
			return result;
		if (got == 0) {
			empty++;
			if (status_now_ms() - started < remaining)
				status_pause_ms(STATUS_EMPTY_READ_PAUSE_MS);
			continue;
		}

		for (size_t k = 0; k < got; k++) {
			if (found) {
				extra++;
			} else if (*unanswered > 1) {
				(*unanswered)--;
				stale++;
			} else {
				*reply = buf[k];
				*unanswered = 0;
				found = true;
			}
		}
	}

	if (stale > 0 || extra > 0 || empty > 1)
		log_debug("dropped %zu late replies and %zu unasked bytes "
			  "after %zu empty reads",
			  stale, extra, empty);
	return found ? PRINTER_OK : PRINTER_ENOSTATUS;
}

/* Send DLE EOT n and read its reply, all within timeout_ms. */
static int status_ask(const struct printer_backend *backend,
		      struct printer_conn *conn, unsigned char n,
		      int timeout_ms, unsigned *unanswered,
		      unsigned char *reply)
{
	const unsigned char query[3] = {DLE, EOT, n};
	int64_t deadline = status_now_ms() + timeout_ms;
	size_t written = 0;
	int result;

	result = backend->write(conn, query, sizeof(query), timeout_ms,
				&written);
	if (written == sizeof(query))
		(*unanswered)++;
	if (result != PRINTER_OK)
		return result;

	result = status_read_reply(backend, conn, deadline, unanswered,
				   reply);
	if (result != PRINTER_OK)
		log_debug("no reply to DLE EOT %u within %d ms", n,
			  timeout_ms);
	return result;
}

/* One round: DLE EOT n for n = 1 to 4, each reply read before the next
 * query is sent. What is waiting is drained before each query, not only
 * before the first, so one unasked byte between two queries cannot shift
 * the replies of the rest of the round. A round that times out keeps its
 * count in *unanswered, so its late reply is dropped by the next drain
 * when it has come by then, or counted as stale by status_read_reply
 * when it comes after the drain. Each query gets timeout_ms for its
 * write and reply together, so a round takes at most 4 x timeout_ms plus
 * the drains. */
int printer_status_query(const struct printer_backend *backend,
			 struct printer_conn *conn, int timeout_ms,
			 unsigned *unanswered, unsigned char reply[4])
{
	for (unsigned char n = 1; n <= 4; n++) {
		int result = status_drain(backend, conn, unanswered);

		if (result != PRINTER_OK)
			return result;
		result = status_ask(backend, conn, n, timeout_ms, unanswered,
				    &reply[n - 1]);
		if (result != PRINTER_OK)
			return result;
	}
	return PRINTER_OK;
}
