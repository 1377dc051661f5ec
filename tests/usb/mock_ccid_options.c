/* The switches of the emulated CCID reader that tests set (a card in
 * the slot, notices, time extensions, slow, silent, split, padded and
 * malformed replies), the held replies of a slow reader, and what a test
 * reads back (the commands received, power and protocol). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mock_ccid_internal.h"

/* How often the delay thread looks for a reply that is due. */
#define DELAY_TICK_US 2000

static int64_t clock_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Send the held replies that are due, oldest first. Device lock held. */
static void send_due(struct mock_ccid *ccid)
{
	int64_t now = clock_ms();

	for (;;) {
		struct mock_ccid_delayed *first = NULL;

		for (int i = 0; i < MOCK_CCID_DELAYED_MAX; i++) {
			struct mock_ccid_delayed *d = &ccid->delayed[i];

			if (d->len > 0 && d->due_ms <= now &&
			    (first == NULL || d->due_ms < first->due_ms))
				first = d;
		}
		if (first == NULL)
			return;
		mock_ccid_send_reply(ccid, first->bytes, first->len);
		first->len = 0;
	}
}

/* The delay thread: it ends when mock_ccid_stop_delays sets delay_stop,
 * and sleeps DELAY_TICK_US between looks. */
static void *run_delays(void *arg)
{
	struct mock_ccid *ccid = arg;
	bool stop = false;

	while (!stop) {
		usleep(DELAY_TICK_US);
		mock_device_lock(ccid->device);
		send_due(ccid);
		stop = ccid->delay_stop;
		mock_device_unlock(ccid->device);
	}
	return NULL;
}

void mock_ccid_reply_later(struct mock_ccid *ccid, unsigned char *buf,
			   size_t len)
{
	if (ccid->slow_ms <= 0) {
		mock_ccid_send_reply(ccid, buf, len);
		return;
	}
	for (int i = 0; i < MOCK_CCID_DELAYED_MAX; i++) {
		struct mock_ccid_delayed *d = &ccid->delayed[i];

		if (d->len > 0 || d->bytes == NULL)
			continue;
		memcpy(d->bytes, buf, len);
		d->len = len;
		d->due_ms = clock_ms() + ccid->slow_ms;
		return;
	}
	/* More commands than slots wait: this one is lost, as a reader
	 * that is overrun would lose it. */
}

void mock_ccid_stop_delays(struct mock_ccid *ccid)
{
	bool running;

	mock_device_lock(ccid->device);
	ccid->delay_stop = true;
	running = ccid->delay_running;
	mock_device_unlock(ccid->device);
	if (running)
		pthread_join(ccid->delay_thread, NULL);
	ccid->delay_running = false;
	for (int i = 0; i < MOCK_CCID_DELAYED_MAX; i++) {
		free(ccid->delayed[i].bytes);
		ccid->delayed[i].bytes = NULL;
		ccid->delayed[i].len = 0;
	}
}

void mock_ccid_slow_replies(struct mock_ccid *ccid, int ms)
{
	mock_device_lock(ccid->device);
	for (int i = 0; ms > 0 && i < MOCK_CCID_DELAYED_MAX; i++) {
		if (ccid->delayed[i].bytes == NULL)
			ccid->delayed[i].bytes = malloc(MOCK_CCID_REPLY_ROOM);
	}
	if (ms > 0 && !ccid->delay_running) {
		ccid->delay_stop = false;
		ccid->delay_running = pthread_create(&ccid->delay_thread, NULL,
						     run_delays, ccid) == 0;
	}
	ccid->slow_ms = ccid->delay_running ? ms : 0;
	mock_device_unlock(ccid->device);
}

void mock_ccid_silence(struct mock_ccid *ccid, uint8_t multiplier)
{
	mock_device_lock(ccid->device);
	ccid->silence_pending = true;
	ccid->silence_multiplier = multiplier;
	mock_device_unlock(ccid->device);
}

void mock_ccid_end_silence(struct mock_ccid *ccid)
{
	mock_device_lock(ccid->device);
	ccid->silence_pending = false;
	ccid->silent = false;
	mock_device_unlock(ccid->device);
}

void mock_ccid_insert(struct mock_ccid *ccid, const struct mock_card *card)
{
	mock_device_lock(ccid->device);
	ccid->card = card;
	ccid->powered = false;
	mock_ccid_notify_slot(ccid);
	mock_device_unlock(ccid->device);
}

void mock_ccid_remove(struct mock_ccid *ccid)
{
	mock_device_lock(ccid->device);
	ccid->card = NULL;
	ccid->powered = false;
	mock_ccid_notify_slot(ccid);
	mock_device_unlock(ccid->device);
}

void mock_ccid_hardware_error(struct mock_ccid *ccid, uint8_t code)
{
	unsigned char message[4] = { HARDWARE_ERROR, 0, 0, code };

	mock_device_lock(ccid->device);
	message[2] = ccid->last_seq;
	mock_device_send(ccid->device, EP_INTERRUPT_IN, message,
			 sizeof(message));
	mock_device_unlock(ccid->device);
}

void mock_ccid_notify_raw(struct mock_ccid *ccid, const unsigned char *buf,
			  size_t len)
{
	mock_device_send(ccid->device, EP_INTERRUPT_IN, buf, len);
}

void mock_ccid_time_extensions(struct mock_ccid *ccid, int count)
{
	mock_device_lock(ccid->device);
	ccid->time_extensions = count;
	mock_device_unlock(ccid->device);
}

void mock_ccid_stale_reply(struct mock_ccid *ccid)
{
	mock_device_lock(ccid->device);
	ccid->stale = true;
	mock_device_unlock(ccid->device);
}

void mock_ccid_split_replies(struct mock_ccid *ccid, size_t first,
			     size_t rest)
{
	mock_device_lock(ccid->device);
	ccid->split_first = first;
	ccid->split_rest = rest;
	mock_device_unlock(ccid->device);
}

void mock_ccid_pad_replies(struct mock_ccid *ccid, size_t extra)
{
	mock_device_lock(ccid->device);
	ccid->pad = extra < 4096 ? extra : 4096;
	mock_device_unlock(ccid->device);
}

void mock_ccid_remove_after(struct mock_ccid *ccid, int count)
{
	mock_device_lock(ccid->device);
	ccid->remove_after = count;
	mock_device_unlock(ccid->device);
}

void mock_ccid_fail_next(struct mock_ccid *ccid, uint8_t error)
{
	mock_device_lock(ccid->device);
	ccid->fail_error = error;
	mock_device_unlock(ccid->device);
}

void mock_ccid_malform_next(struct mock_ccid *ccid,
			    enum mock_ccid_malformed kind)
{
	mock_device_lock(ccid->device);
	ccid->malformed = kind;
	mock_device_unlock(ccid->device);
}

int mock_ccid_commands(struct mock_ccid *ccid, struct mock_ccid_command *out,
		       int max)
{
	int count;
	int first;
	int i;

	mock_device_lock(ccid->device);
	count = ccid->log_count;
	first = count > MOCK_CCID_LOG_MAX ? count - MOCK_CCID_LOG_MAX : 0;
	for (i = 0; i < max && first + i < count; i++)
		out[i] = ccid->log[(first + i) % MOCK_CCID_LOG_MAX];
	mock_device_unlock(ccid->device);
	return count;
}

int mock_ccid_count(struct mock_ccid *ccid, uint8_t type)
{
	int count = 0;
	int first;
	int i;

	mock_device_lock(ccid->device);
	first = ccid->log_count > MOCK_CCID_LOG_MAX ?
			ccid->log_count - MOCK_CCID_LOG_MAX : 0;
	for (i = first; i < ccid->log_count; i++) {
		if (ccid->log[i % MOCK_CCID_LOG_MAX].type == type)
			count++;
	}
	mock_device_unlock(ccid->device);
	return count;
}

void mock_ccid_clear_log(struct mock_ccid *ccid)
{
	mock_device_lock(ccid->device);
	ccid->log_count = 0;
	mock_device_unlock(ccid->device);
}

bool mock_ccid_powered(struct mock_ccid *ccid)
{
	bool powered;

	mock_device_lock(ccid->device);
	powered = ccid->powered;
	mock_device_unlock(ccid->device);
	return powered;
}

int mock_ccid_protocol(struct mock_ccid *ccid)
{
	int protocol;

	mock_device_lock(ccid->device);
	protocol = ccid->protocol;
	mock_device_unlock(ccid->device);
	return protocol;
}
