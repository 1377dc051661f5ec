/* The card worker's read of one card: wait for an insert, tap or swipe,
 * read the chip's EMV application (asking the agent to choose when the
 * card has several), keep the result and post EVENT_CARD. */
#define LOG_MODULE "card"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../drivers/magstripe.h"
#include "card_worker_internal.h"
#include "log.h"

/* Attempts to post EVENT_CARD into a full event pipe, CARD_SLICE_MS
 * apart, before it is given up (the result still waits for
 * card_worker_take). */
#define POST_ATTEMPTS 20

/* Interrupt reads after a failed exchange, and the wait of each. A
 * notice sent during the exchange is already queued, so a short wait
 * finds it. Several reads take a hardware error and the slot change
 * that may follow it. */
#define NOTICE_PEEKS 4
#define NOTICE_PEEK_MS 10

static int64_t now_ms(void)
{
	return card_worker_now_ms();
}

static const char *source_name(enum card_source source)
{
	switch (source) {
	case CARD_SOURCE_CHIP:
		return "chip";
	case CARD_SOURCE_CONTACTLESS:
		return "contactless chip";
	case CARD_SOURCE_STRIPE:
		return "magnetic stripe";
	}
	return "card";
}

/* Post EVENT_CARD, retrying while the pipe is full, because the screen
 * that requested the card waits for it. */
static void post_result(struct card_worker *worker, int status)
{
	struct event event = { .type = EVENT_CARD, .status = status };

	for (int attempt = 1; attempt <= POST_ATTEMPTS; attempt++) {
		if (event_post(worker->events, &event) == 0)
			return;
		if (attempt == POST_ATTEMPTS || card_worker_interrupted(worker))
			break;
		card_worker_nap(worker, CARD_SLICE_MS);
	}
	log_error("card request result %d not posted: the event pipe stays "
		  "full", status);
}

/* Keep the result under the lock, wipe the caller's copy, end the
 * request, and post EVENT_CARD and the state. A request cancelled
 * or stopped ends with CARD_ECANCELLED and keeps no card data, even when
 * the read completed. The PAN is neither logged nor posted. */
static void finish(struct card_worker *worker, int status,
		   struct card_data *data)
{
	enum card_source source = data->source;

	pthread_mutex_lock(&worker->lock);
	if (worker->cancelled || worker->stop)
		status = CARD_ECANCELLED;
	card_data_clear(&worker->result);
	if (status == CARD_OK)
		worker->result = *data;
	worker->result_status = status;
	worker->result_ready = true;
	worker->request_active = false;
	worker->request_started = false;
	worker->cancelled = false;
	pthread_mutex_unlock(&worker->lock);
	card_data_clear(data);
	if (status == CARD_OK)
		log_info("card read from its %s", source_name(source));
	else
		log_info("card request ended: %s", card_strerror(status));
	/* card_worker_state is right when the screen gets EVENT_CARD, and
	 * the state event follows it. */
	card_worker_store_state(worker);
	post_result(worker, status);
	card_worker_publish(worker);
}

/* Close the reader that left during a read at once, so that the state
 * shows no reader before the hotplug news comes. */
static int unplugged(struct card_worker *worker)
{
	card_worker_close_chip(worker, "unplugged during a read");
	return CARD_ENODEV;
}

/* Apply the interrupt notices that came during the failed exchange, in
 * up to NOTICE_PEEKS reads. A removal or hardware error is then seen
 * without another slow command. A reader without an interrupt endpoint
 * is skipped. Returns CARD_OK, or CARD_ENODEV with the reader closed
 * when it was unplugged. */
static int apply_waiting_notices(struct card_worker *worker)
{
	for (int i = 0; i < NOTICE_PEEKS; i++) {
		if (worker->ccid == NULL || worker->ccid_polled)
			break;
		if (card_worker_watch_chip(worker, NOTICE_PEEK_MS) ==
		    CARD_ENODEV)
			return CARD_ENODEV;
	}
	return CARD_OK;
}

/* The error of a failed chip step. A removed card shows as a mute card,
 * a broken frame, a failed transfer or a timeout, depending on when it
 * left. A hardware error (an overcurrent) also shows as a mute card.
 * So the waiting notices and then the slot status decide. Returns
 * CARD_ENODEV for an unplugged reader, CARD_EREADER for a hardware
 * error, CARD_EREMOVED for an empty slot, else card_error. */
static int chip_failure(struct card_worker *worker, int card_error)
{
	enum ccid_icc icc = CCID_ICC_ACTIVE;
	int rc;

	if (card_error == CARD_EREMOVED)
		return card_error;
	if (card_error == CARD_ENODEV)
		return unplugged(worker);

	/* The read's deadline may be over, and the cancel check would end
	 * the commands below at once. */
	worker->read_deadline_ms = 0;
	if (apply_waiting_notices(worker) == CARD_ENODEV)
		return CARD_ENODEV;
	if (worker->fault[0] != '\0')
		return CARD_EREADER;
	if (!worker->card_present)
		return CARD_EREMOVED;

	rc = ccid_slot_status(worker->ccid, &icc);
	if (rc == CCID_ENODEV)
		return unplugged(worker);
	if (rc == CCID_EHARDWARE) {
		snprintf(worker->fault, sizeof(worker->fault),
			 "hardware error; remove the card");
		return CARD_EREADER;
	}
	if (rc == CCID_OK && icc == CCID_ICC_ABSENT) {
		worker->card_present = false;
		return CARD_EREMOVED;
	}
	return card_error;
}

/* Publish the applications and wait for card_worker_choose, a cancel, a
 * stop, timeout_s or the card's removal. Returns the chosen index or a
 * negative card_error. */
static int choose_app(struct card_worker *worker, const struct emv_app *apps,
		      int count, int timeout_s)
{
	int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
	struct event event = { .type = EVENT_CARD_APPS, .status = count };
	int chosen = -1;
	int rc = CARD_OK;

	pthread_mutex_lock(&worker->lock);
	memcpy(worker->apps, apps, sizeof(apps[0]) * (size_t)count);
	worker->app_count = count;
	worker->chosen = -1;
	pthread_mutex_unlock(&worker->lock);
	log_info("card has %d applications: the agent chooses", count);
	event_post(worker->events, &event);

	/* Hotplug news waits until the read ends, because a reader opened
	 * now must not replace the one the channel uses. */
	while (rc == CARD_OK && chosen < 0) {
		pthread_mutex_lock(&worker->lock);
		chosen = worker->chosen;
		pthread_mutex_unlock(&worker->lock);
		if (chosen >= 0)
			break;
		if (card_worker_interrupted(worker))
			rc = CARD_ECANCELLED;
		else if (now_ms() >= deadline)
			rc = CARD_ENOCHOICE;
		else if (card_worker_watch_chip(worker, CARD_SLICE_MS) != 0)
			rc = CARD_ENODEV;
		else if (!worker->card_present)
			rc = CARD_EREMOVED;
		card_worker_publish(worker);
	}

	pthread_mutex_lock(&worker->lock);
	worker->app_count = 0;
	worker->chosen = -1;
	pthread_mutex_unlock(&worker->lock);
	return rc == CARD_OK ? chosen : rc;
}

/* Read the application list and the chosen application of the powered
 * card on channel into *out. */
static int read_emv(struct card_worker *worker,
		    const struct card_channel *channel, int timeout_s,
		    struct card_data *out)
{
	struct emv_app apps[EMV_APPS_MAX];
	char aid[33];
	int index = 0;
	int count;
	int rc;

	count = emv_list_apps(channel, apps, EMV_APPS_MAX);
	if (count < 0)
		return count;
	if (count > 1) {
		/* The agent's time to choose does not count against the
		 * read. */
		worker->read_deadline_ms = 0;
		index = choose_app(worker, apps, count, timeout_s);
		if (index < 0)
			return index;
		worker->read_start_ms = now_ms();
		worker->read_deadline_ms = worker->read_start_ms +
					   (int64_t)timeout_s * 1000;
	}
	if (card_worker_interrupted(worker))
		return CARD_ECANCELLED;
	log_info("reading application %s \"%s\"",
		 emv_aid_hex(&apps[index], aid, sizeof(aid)),
		 apps[index].label);
	rc = emv_read_app(channel, &apps[index], out);
	if (rc == CARD_OK && out->label[0] == '\0')
		snprintf(out->label, sizeof(out->label), "%s",
			 apps[index].label);
	return rc;
}

/* The error of a read that the reader's cancel check ended: a cancel or
 * stop, or else the read's deadline, when the card or reader was too
 * slow or the card left or the reader failed meanwhile (see
 * chip_failure). */
static int cancelled_error(struct card_worker *worker)
{
	if (card_worker_interrupted(worker))
		return CARD_ECANCELLED;
	log_warn("card read took over its %lld ms deadline",
		 (long long)(worker->read_deadline_ms - worker->read_start_ms));
	return chip_failure(worker, CARD_EMUTE);
}

/* Power the card on, read it and power it off, all within timeout_s
 * besides the agent's choice of application. */
static int read_chip(struct card_worker *worker, int timeout_s,
		     struct card_data *out)
{
	struct card_channel channel;
	struct ccid_atr atr;
	int rc;

	worker->read_start_ms = now_ms();
	worker->read_deadline_ms = worker->read_start_ms +
				   (int64_t)timeout_s * 1000;
	rc = ccid_power_on(worker->ccid, &atr);
	if (rc != CCID_OK) {
		log_warn("card not powered on: %s", ccid_strerror(rc));
		if (rc == CCID_ENOCARD) {
			worker->card_present = false;
			rc = CARD_EREMOVED;
		} else if (rc == CCID_ECANCELLED) {
			rc = cancelled_error(worker);
		} else {
			rc = chip_failure(worker, ccid_to_card_error(rc));
		}
		goto out;
	}
	ccid_channel(worker->ccid, &atr, &channel);
	rc = read_emv(worker, &channel, timeout_s, out);
	if (rc == CARD_OK)
		out->source = channel.contactless ? CARD_SOURCE_CONTACTLESS
						  : CARD_SOURCE_CHIP;
	else if (rc == CARD_ECANCELLED)
		rc = cancelled_error(worker);
	else if (rc != CARD_ETIMEOUT && rc != CARD_ENOCHOICE)
		rc = chip_failure(worker, rc);

	/* After a cancel the power off is sent but its reply not awaited:
	 * the next command skips it as stale. */
	if (rc != CARD_ENODEV && worker->ccid != NULL)
		ccid_power_off(worker->ccid);
out:
	worker->read_deadline_ms = 0;
	return rc;
}

/* Read one swipe slice from the HID reader. Returns 1 with a status in
 * *status when a swipe ended the wait, else 0. */
static int read_swipe(struct card_worker *worker, int slice_ms,
		      struct card_data *out, int *status)
{
	char text[MAGSTRIPE_MAX + 1];
	size_t len = 0;
	int rc = hid_reader_read(worker->hid, slice_ms, text, sizeof(text),
				 &len);

	if (rc == 1)
		*status = magstripe_parse(text, len, out);
	explicit_bzero(text, sizeof(text));
	if (rc == CARD_ENODEV) {
		log_info("HID card reader unplugged");
		hid_reader_close(worker->hid);
		worker->hid = NULL;
		return 0;
	}
	if (rc < 0) {
		log_warn("HID card reader: %s", card_strerror(rc));
		*status = rc;
		return 1;
	}
	return rc == 1;
}

/* Wait for a card until the deadline, reading it when it comes. */
static int wait_and_read(struct card_worker *worker, int timeout_s,
			 struct card_data *out)
{
	int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
	int slice;
	int status = CARD_OK;

	for (;;) {
		/* A reader plugged in now can take the card. */
		card_worker_apply_news(worker);
		if (card_worker_interrupted(worker))
			return CARD_ECANCELLED;
		if (now_ms() >= deadline)
			return CARD_ETIMEOUT;
		if (worker->ccid != NULL && worker->card_present &&
		    worker->fault[0] == '\0')
			return read_chip(worker, timeout_s, out);
		if (worker->ccid == NULL && worker->hid == NULL)
			return CARD_ENODEV;
		/* A state change held back by CARD_STATE_POST_MS goes
		 * out now. */
		card_worker_publish(worker);

		slice = worker->ccid != NULL && worker->hid != NULL
				? CARD_SLICE_MS / 2
				: CARD_SLICE_MS;
		if (worker->ccid != NULL)
			card_worker_watch_chip(worker, slice);
		if (worker->hid != NULL &&
		    read_swipe(worker, slice, out, &status) == 1)
			return status;
	}
}

void card_worker_serve(struct card_worker *worker, int timeout_s)
{
	struct card_data data;
	int status;

	memset(&data, 0, sizeof(data));
	log_info("card requested: waiting up to %d s", timeout_s);
	card_worker_publish(worker);
	status = wait_and_read(worker, timeout_s, &data);
	finish(worker, status, &data);
}
