/* The card worker thread: the readers it opens and watches (hotplug,
 * CCID notices or status polls), the state it publishes for the status
 * bar, and the calls the UI thread makes. */
#define LOG_MODULE "card"
#include "card_worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../drivers/magstripe.h"
#include "card_worker_internal.h"
#include "log.h"

/* Maximum number of interfaces one scan looks at. */
#define SCAN_MAX 16

/* How often a chip reader that failed to open is tried again. */
#define OPEN_RETRY_MS 5000

/* Failed notification reads between two log lines: a nap of
 * CARD_SLICE_MS follows each failure, so 300 take at least 30 s. */
#define NOTICE_LOG_EVERY 300

static void post(struct card_worker *worker, enum event_type type,
		 int status, const char *text)
{
	struct event event = { .type = type, .status = status };

	/* Longer texts are cut, because an event must fit one pipe
	 * write. */
	if (text != NULL)
		memcpy(event.text, text,
		       strnlen(text, sizeof(event.text) - 1));
	event_post(worker->events, &event);
}

static bool running_request(struct card_worker *worker)
{
	bool running;

	pthread_mutex_lock(&worker->lock);
	running = worker->request_active;
	pthread_mutex_unlock(&worker->lock);
	return running;
}

/* The state of the worker's readers, worst first, and its words. */
static enum card_reader_state compute_state(struct card_worker *worker,
					    char *text, size_t size)
{
	if (worker->fault[0] != '\0') {
		snprintf(text, size, "reader fault: %s", worker->fault);
		return CARD_READER_FAULT;
	}
	if (running_request(worker)) {
		snprintf(text, size, "waiting for a card");
		return CARD_READER_READING;
	}
	if (worker->ccid != NULL && worker->card_present) {
		snprintf(text, size, "card in reader");
		return CARD_READER_CARD;
	}
	if (worker->ccid != NULL || worker->hid != NULL) {
		snprintf(text, size, "reader ready");
		return CARD_READER_READY;
	}
	snprintf(text, size, "no card reader");
	return CARD_READER_NONE;
}

int64_t card_worker_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Take one post from the limit of CARD_STATE_BURST, refilled by one
 * every CARD_STATE_POST_MS. Returns false when none is left. */
static bool take_post_token(struct card_worker *worker, int64_t now)
{
	int64_t refills = (now - worker->refill_ms) / CARD_STATE_POST_MS;

	if (refills > 0) {
		int64_t tokens = worker->post_tokens + refills;

		worker->post_tokens = tokens > CARD_STATE_BURST
					      ? CARD_STATE_BURST
					      : (int)tokens;
		worker->refill_ms += refills * CARD_STATE_POST_MS;
	}
	if (worker->post_tokens == 0)
		return false;
	worker->post_tokens--;
	return true;
}

/* Post EVENT_CARD_READER and log the state when it differs from the last
 * one posted and the post limit allows. */
static void post_state(struct card_worker *worker,
		       enum card_reader_state state, const char *text)
{
	if (worker->state_posted && state == worker->posted_state &&
	    strcmp(text, worker->posted_text) == 0)
		return;
	if (!take_post_token(worker, card_worker_now_ms())) {
		worker->changes_not_posted++;
		return;
	}
	if (worker->changes_not_posted > 0)
		log_info("card reader state: %s (%lu changes before it not "
			 "logged)", text, worker->changes_not_posted);
	else
		log_info("card reader state: %s", text);
	worker->posted_state = state;
	snprintf(worker->posted_text, sizeof(worker->posted_text), "%s",
		 text);
	worker->changes_not_posted = 0;
	worker->state_posted = true;
	post(worker, EVENT_CARD_READER, (int)state, text);
}

void card_worker_store_state(struct card_worker *worker)
{
	char text[sizeof(worker->state_text)];
	enum card_reader_state state = compute_state(worker, text,
						     sizeof(text));

	pthread_mutex_lock(&worker->lock);
	worker->state = state;
	snprintf(worker->state_text, sizeof(worker->state_text), "%s", text);
	worker->state_error = worker->open_error;
	pthread_mutex_unlock(&worker->lock);
}

void card_worker_publish(struct card_worker *worker)
{
	char text[sizeof(worker->state_text)];
	enum card_reader_state state;

	card_worker_store_state(worker);
	pthread_mutex_lock(&worker->lock);
	state = worker->state;
	snprintf(text, sizeof(text), "%s", worker->state_text);
	pthread_mutex_unlock(&worker->lock);
	post_state(worker, state, text);
}

/* Hand hotplug news to the worker. Called on the USB event thread. */
static void on_hotplug(void *data, bool arrived,
		       const struct usb_device_info *info)
{
	struct card_worker *worker = data;

	pthread_mutex_lock(&worker->lock);
	if (worker->news_count < CARD_NEWS_MAX) {
		worker->news[worker->news_count].arrived = arrived;
		worker->news[worker->news_count].info = *info;
		worker->news_count++;
	}
	pthread_cond_signal(&worker->wake);
	pthread_mutex_unlock(&worker->lock);
}

void card_worker_nap(struct card_worker *worker, int ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&worker->lock);
	/* One wait: a wake-up for any reason ends the nap early, and the
	 * caller checks what changed. News that came before the nap waits
	 * for its end, or a read in progress would spin on it. */
	if (!worker->stop && !worker->cancelled &&
	    !(worker->request_active && !worker->request_started))
		pthread_cond_timedwait(&worker->wake, &worker->lock,
				       &deadline);
	pthread_mutex_unlock(&worker->lock);
}

bool card_worker_interrupted(struct card_worker *worker)
{
	bool interrupted;

	pthread_mutex_lock(&worker->lock);
	interrupted = worker->stop || worker->cancelled;
	pthread_mutex_unlock(&worker->lock);
	return interrupted;
}

/* Whether info is the HID stripe reader that [card] hid names. */
static bool hid_wanted(const struct card_worker *worker,
		       const struct usb_device_info *info)
{
	const struct usb_known_device *known;

	if (info->kind != USB_KIND_HID)
		return false;
	switch (worker->hid_mode) {
	case CARD_HID_NONE:
		return false;
	case CARD_HID_AUTO:
		known = usb_find_known(info->vendor, info->product);
		return known != NULL && known->kind == USB_KIND_HID;
	case CARD_HID_ID:
		return info->vendor == worker->hid_vendor &&
		       info->product == worker->hid_product;
	}
	return false;
}

/* The message for the agent on a reader that did not open. */
static const char *open_failure_text(int card_error)
{
	if (card_error == CARD_EACCESS)
		return usb_strerror(USB_EACCESS);
	if (card_error == CARD_EBUSY)
		return usb_strerror(USB_EBUSY);
	return card_strerror(card_error);
}

static void read_slot(struct card_worker *worker)
{
	enum ccid_icc icc = CCID_ICC_ABSENT;
	int rc = ccid_slot_status(worker->ccid, &icc);

	if (rc != CCID_OK) {
		log_warn("card reader %04x:%04x slot status: %s",
			 worker->ccid_info.vendor, worker->ccid_info.product,
			 ccid_strerror(rc));
		return;
	}
	worker->card_present = icc != CCID_ICC_ABSENT;
}

/* The chip reader's cancel check: a cancel or a stop, or the end of the
 * read in progress. */
static bool exchange_cancelled(void *data)
{
	struct card_worker *worker = data;

	if (card_worker_interrupted(worker))
		return true;
	return worker->read_deadline_ms > 0 &&
	       card_worker_now_ms() >= worker->read_deadline_ms;
}

static void open_chip_reader(struct card_worker *worker,
			     const struct usb_device_info *info)
{
	int rc = ccid_open(worker->usb, info, &worker->ccid);

	if (rc == CCID_ENODEV) {
		/* Gone again, or listed while it was leaving: no fault. */
		worker->ccid = NULL;
		log_info("card reader %04x:%04x left before it was opened",
			 info->vendor, info->product);
		return;
	}
	if (rc != CCID_OK) {
		worker->ccid = NULL;
		/* The retries every OPEN_RETRY_MS log a change only. */
		if (worker->open_error != ccid_to_card_error(rc))
			log_error("card reader %04x:%04x (bus %u address %u) "
				  "not opened: %s",
				  info->vendor, info->product, info->bus,
				  info->address, ccid_strerror(rc));
		worker->open_error = ccid_to_card_error(rc);
		snprintf(worker->fault, sizeof(worker->fault), "%s",
			 open_failure_text(worker->open_error));
		return;
	}
	ccid_set_cancel(worker->ccid, exchange_cancelled, worker);
	worker->ccid_info = *info;
	worker->open_error = CARD_OK;
	worker->fault[0] = '\0';
	worker->ccid_polled = info->ep_interrupt_in == 0;
	clock_gettime(CLOCK_MONOTONIC, &worker->next_poll);
	read_slot(worker);
	log_info("card reader %s %04x:%04x opened%s", info->model,
		 info->vendor, info->product,
		 worker->ccid_polled ? ", slot status polled" : "");
}

static void open_hid_reader(struct card_worker *worker,
			    const struct usb_device_info *info)
{
	int rc = hid_reader_open(worker->usb, info, &worker->hid);

	if (rc != CARD_OK) {
		worker->hid = NULL;
		log_error("HID card reader %04x:%04x not opened: %s",
			  info->vendor, info->product, card_strerror(rc));
		return;
	}
	worker->hid_info = *info;
	log_info("HID card reader %s %04x:%04x opened", info->model,
		 info->vendor, info->product);
}

void card_worker_close_chip(struct card_worker *worker, const char *why)
{
	if (worker->ccid == NULL)
		return;
	log_info("card reader %04x:%04x closed: %s", worker->ccid_info.vendor,
		 worker->ccid_info.product, why);
	ccid_close(worker->ccid);
	worker->ccid = NULL;
	worker->card_present = false;
	worker->fault[0] = '\0';
}

/* Open a reader that arrived or was found, when the worker wants it. */
static void take_device(struct card_worker *worker,
			const struct usb_device_info *info)
{
	if (info->kind == USB_KIND_CCID && worker->ccid_enabled &&
	    worker->ccid == NULL)
		open_chip_reader(worker, info);
	else if (worker->hid == NULL && hid_wanted(worker, info))
		open_hid_reader(worker, info);
}

static bool same_device(const struct usb_device_info *a,
			const struct usb_device_info *b)
{
	return a->bus == b->bus && a->address == b->address;
}

/* Close the reader that left. A reader that failed to open leaves its
 * fault behind until it goes. */
static void drop_device(struct card_worker *worker,
			const struct usb_device_info *info)
{
	if (worker->ccid != NULL && same_device(&worker->ccid_info, info)) {
		card_worker_close_chip(worker, "unplugged");
	} else if (worker->hid != NULL &&
		   same_device(&worker->hid_info, info)) {
		log_info("HID card reader %04x:%04x unplugged",
			 info->vendor, info->product);
		hid_reader_close(worker->hid);
		worker->hid = NULL;
	} else if (worker->ccid == NULL && info->kind == USB_KIND_CCID) {
		worker->fault[0] = '\0';
		worker->open_error = CARD_OK;
	}
}

/* Open the first chip reader and the HID reader that are connected. */
static void scan_devices(struct card_worker *worker)
{
	struct usb_device_info found[SCAN_MAX];
	unsigned kinds = USB_KIND_CCID;
	int count;

	if (worker->usb == NULL)
		return;
	if (worker->hid_mode != CARD_HID_NONE)
		kinds |= USB_KIND_HID;
	count = usb_list(worker->usb, kinds, found, SCAN_MAX);
	if (count < 0) {
		log_error("card readers not listed: %s", usb_strerror(count));
		return;
	}
	for (int i = 0; i < count && i < SCAN_MAX; i++)
		take_device(worker, &found[i]);
}

bool card_worker_apply_news(struct card_worker *worker)
{
	struct card_news news[CARD_NEWS_MAX];
	bool left = false;
	int count;
	bool stop;

	pthread_mutex_lock(&worker->lock);
	stop = worker->stop;
	count = worker->news_count;
	memcpy(news, worker->news, sizeof(news[0]) * (size_t)count);
	worker->news_count = 0;
	pthread_mutex_unlock(&worker->lock);

	for (int i = 0; i < count; i++) {
		log_info("USB %s %04x:%04x %s",
			 usb_kind_name(news[i].info.kind),
			 news[i].info.vendor, news[i].info.product,
			 news[i].arrived ? "arrived" : "left");
		if (news[i].arrived) {
			take_device(worker, &news[i].info);
		} else {
			drop_device(worker, &news[i].info);
			left = true;
		}
	}

	/* Another reader that was connected all along takes over. */
	if (left && (worker->ccid == NULL || worker->hid == NULL))
		scan_devices(worker);
	return !stop;
}

/* Count a notice about a slot other than 0, the only one used, and log
 * the first and every NOTICE_LOG_EVERY-th. */
static void skip_other_slot(struct card_worker *worker,
			    const struct ccid_notice *notice)
{
	if (worker->other_slot_notices++ % NOTICE_LOG_EVERY != 0)
		return;
	log_warn("card reader %04x:%04x: %s on slot %u ignored, only slot 0 "
		 "is used (%lu such notices so far)",
		 worker->ccid_info.vendor, worker->ccid_info.product,
		 notice->kind == CCID_NOTICE_HARDWARE ? "hardware error"
						      : "slot change",
		 notice->slot, worker->other_slot_notices);
}

/* Apply one interrupt notification. */
static void apply_notice(struct card_worker *worker,
			 const struct ccid_notice *notice)
{
	switch (notice->kind) {
	case CCID_NOTICE_SLOT_CHANGE:
		/* Slot 0's bits always give its current state, but only a
		 * change of slot 0 shows that the reader works again. */
		worker->card_present = notice->present;
		if (notice->changed)
			worker->fault[0] = '\0';
		else
			skip_other_slot(worker, notice);
		return;
	case CCID_NOTICE_HARDWARE:
		if (notice->slot != 0) {
			skip_other_slot(worker, notice);
			return;
		}
		snprintf(worker->fault, sizeof(worker->fault),
			 "hardware error %u%s; remove the card", notice->code,
			 notice->code == 1 ? " (overcurrent)" : "");
		log_error("card reader %04x:%04x hardware error: slot 0 "
			  "sequence %u code %u",
			  worker->ccid_info.vendor, worker->ccid_info.product,
			  notice->seq, notice->code);
		return;
	}
	log_warn("card reader %04x:%04x: notification of kind %d ignored",
		 worker->ccid_info.vendor, worker->ccid_info.product,
		 (int)notice->kind);
}

static bool poll_due(struct card_worker *worker)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < worker->next_poll.tv_sec ||
	    (now.tv_sec == worker->next_poll.tv_sec &&
	     now.tv_nsec < worker->next_poll.tv_nsec))
		return false;
	worker->next_poll = now;
	worker->next_poll.tv_nsec += CARD_POLL_MS * 1000000L;
	if (worker->next_poll.tv_nsec >= 1000000000L) {
		worker->next_poll.tv_sec++;
		worker->next_poll.tv_nsec -= 1000000000L;
	}
	return true;
}

/* Ask the slot status of a reader without an interrupt endpoint when a
 * poll is due, else nap. */
static int poll_chip(struct card_worker *worker, int slice_ms)
{
	enum ccid_icc icc = CCID_ICC_ABSENT;
	int rc;

	if (!poll_due(worker)) {
		card_worker_nap(worker, slice_ms);
		return 0;
	}
	rc = ccid_slot_status(worker->ccid, &icc);
	if (rc == CCID_ENODEV) {
		card_worker_close_chip(worker, "unplugged");
		return CARD_ENODEV;
	}
	if (rc == CCID_EHARDWARE) {
		snprintf(worker->fault, sizeof(worker->fault),
			 "hardware error; remove the card");
		return 0;
	}
	if (rc != CCID_OK) {
		log_warn("card reader slot status: %s", ccid_strerror(rc));
		return 0;
	}
	worker->card_present = icc != CCID_ICC_ABSENT;
	return 0;
}

int card_worker_watch_chip(struct card_worker *worker, int slice_ms)
{
	struct ccid_notice notice;
	int rc;

	if (worker->ccid == NULL) {
		card_worker_nap(worker, slice_ms);
		return CARD_ENODEV;
	}
	if (worker->ccid_polled)
		return poll_chip(worker, slice_ms);
	rc = ccid_wait_notice(worker->ccid, slice_ms, &notice);
	if (rc >= 0)
		worker->notice_failures = 0;
	if (rc == 1) {
		apply_notice(worker, &notice);
		return 0;
	}
	if (rc == 0 || rc == CCID_EFRAME)
		return 0; /* a malformed notice is logged by the driver */
	if (rc == CCID_ENOTSUP) {
		log_info("card reader %04x:%04x has no notifications; slot "
			 "status polled every %d ms",
			 worker->ccid_info.vendor, worker->ccid_info.product,
			 CARD_POLL_MS);
		worker->ccid_polled = true;
		return 0;
	}
	if (rc == CCID_ENODEV) {
		card_worker_close_chip(worker, "unplugged");
		return CARD_ENODEV;
	}
	/* A reader that keeps failing is logged at the first failure and
	 * then every NOTICE_LOG_EVERY failures. */
	worker->notice_failures++;
	if (worker->notice_failures % NOTICE_LOG_EVERY == 1)
		log_warn("card reader %04x:%04x notification failed %d "
			 "times in a row: %s",
			 worker->ccid_info.vendor, worker->ccid_info.product,
			 worker->notice_failures, ccid_strerror(rc));
	card_worker_nap(worker, slice_ms);
	return 0;
}

/* Read and drop a swipe made while no request runs, so that it neither
 * fills a later request nor stays in memory. */
static void drain_swipe(struct card_worker *worker, int slice_ms)
{
	char text[MAGSTRIPE_MAX + 1];
	size_t len = 0;
	int rc = hid_reader_read(worker->hid, slice_ms, text, sizeof(text),
				 &len);

	explicit_bzero(text, sizeof(text));
	if (rc == 1)
		log_info("swipe ignored: no card was requested");
	else if (rc == CARD_ENODEV) {
		hid_reader_close(worker->hid);
		worker->hid = NULL;
	}
}

/* Take up a request made by card_worker_request. Returns its timeout, or
 * 0 when none waits. */
static int take_request(struct card_worker *worker)
{
	int timeout_s = 0;

	pthread_mutex_lock(&worker->lock);
	if (worker->request_active && !worker->request_started) {
		worker->request_started = true;
		timeout_s = worker->request_timeout_s;
	}
	pthread_mutex_unlock(&worker->lock);
	return timeout_s;
}

/* Open again a chip reader that failed to open (busy, no permission)
 * every OPEN_RETRY_MS, so that it is taken once the other program lets
 * it go or the permission is fixed. */
static void retry_open(struct card_worker *worker)
{
	struct timespec now;

	if (worker->ccid != NULL || worker->open_error == CARD_OK)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < worker->next_open_retry)
		return;
	worker->next_open_retry = now.tv_sec + OPEN_RETRY_MS / 1000;
	scan_devices(worker);
}

/* Wait one slice for a reader's news while no request runs. */
static void idle_slice(struct card_worker *worker)
{
	int slice = worker->hid != NULL && worker->ccid != NULL
			    ? CARD_SLICE_MS / 2
			    : CARD_SLICE_MS;

	retry_open(worker);
	if (worker->ccid == NULL && worker->hid == NULL) {
		card_worker_nap(worker, CARD_POLL_MS);
		return;
	}
	if (worker->ccid != NULL)
		card_worker_watch_chip(worker, slice);
	if (worker->hid != NULL)
		drain_swipe(worker, slice);
}

static void *run_worker(void *arg)
{
	struct card_worker *worker = arg;
	int timeout_s;

	log_info("card worker started");
	scan_devices(worker);
	card_worker_publish(worker);
	while (card_worker_apply_news(worker)) {
		timeout_s = take_request(worker);
		if (timeout_s > 0)
			card_worker_serve(worker, timeout_s);
		else
			idle_slice(worker);
		card_worker_publish(worker);
	}
	card_worker_close_chip(worker, "terminal stopping");
	hid_reader_close(worker->hid);
	worker->hid = NULL;
	log_info("card worker stopped");
	return NULL;
}

/* Parse [card] hid: none, auto or VVVV:PPPP (checked by config.c). */
static void parse_hid(struct card_worker *worker, const char *value)
{
	unsigned vendor = 0;
	unsigned product = 0;

	worker->hid_mode = CARD_HID_NONE;
	if (strcmp(value, "auto") == 0) {
		worker->hid_mode = CARD_HID_AUTO;
	} else if (sscanf(value, "%4x:%4x", &vendor, &product) == 2) {
		worker->hid_mode = CARD_HID_ID;
		worker->hid_vendor = (uint16_t)vendor;
		worker->hid_product = (uint16_t)product;
	}
}

static void free_worker(struct card_worker *worker)
{
	explicit_bzero(&worker->result, sizeof(worker->result));
	pthread_cond_destroy(&worker->wake);
	pthread_mutex_destroy(&worker->lock);
	free(worker);
}

int card_worker_start(const struct config *config, struct usb_context *usb,
		      struct event_channel *events, struct card_worker **out,
		      char *error, size_t error_size)
{
	struct card_worker *worker = calloc(1, sizeof(*worker));
	pthread_condattr_t attributes;
	unsigned kinds = USB_KIND_CCID;
	int rc;

	*out = NULL;
	if (worker == NULL) {
		snprintf(error, error_size, "out of memory");
		return -1;
	}
	worker->usb = usb;
	worker->events = events;
	worker->ccid_enabled = config->card_reader == CONFIG_CARD_READER_AUTO;
	parse_hid(worker, config->card_hid);
	worker->default_timeout_s = config->card_timeout;
	worker->chosen = -1;
	worker->post_tokens = CARD_STATE_BURST;
	worker->refill_ms = card_worker_now_ms();
	pthread_mutex_init(&worker->lock, NULL);
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&worker->wake, &attributes);
	pthread_condattr_destroy(&attributes);

	/* A configured id joins the USB layer's stripe readers before the
	 * thread's first scan. */
	if (usb != NULL && worker->hid_mode == CARD_HID_ID)
		usb_add_hid_reader(usb, worker->hid_vendor,
				   worker->hid_product);
	if (pthread_create(&worker->thread, NULL, run_worker, worker) != 0) {
		snprintf(error, error_size, "cannot start the card worker");
		free_worker(worker);
		return -1;
	}

	/* Last, because a watch lasts until the context closes and so
	 * needs the worker's memory until card_worker_free. */
	if (worker->hid_mode != CARD_HID_NONE)
		kinds |= USB_KIND_HID;
	if (usb != NULL && (worker->ccid_enabled ||
			    worker->hid_mode != CARD_HID_NONE)) {
		rc = usb_watch(usb, kinds, on_hotplug, worker);
		if (rc != USB_OK)
			log_warn("no USB hotplug news for card readers: %s; "
				 "readers connected later are not seen",
				 usb_strerror(rc));
	}
	*out = worker;
	return 0;
}

enum card_reader_state card_worker_state(struct card_worker *worker,
					 char *text, size_t size)
{
	enum card_reader_state state;

	if (worker == NULL) {
		if (text != NULL && size > 0)
			snprintf(text, size, "no card reader");
		return CARD_READER_NONE;
	}
	pthread_mutex_lock(&worker->lock);
	state = worker->state;
	if (text != NULL && size > 0)
		snprintf(text, size, "%s", worker->state_text);
	pthread_mutex_unlock(&worker->lock);
	return state;
}

int card_worker_request(struct card_worker *worker, int timeout_s)
{
	enum card_reader_state state;
	int rc = CARD_OK;

	if (worker == NULL)
		return CARD_ENOREADER;
	if (timeout_s <= 0)
		timeout_s = worker->default_timeout_s;
	pthread_mutex_lock(&worker->lock);
	state = worker->state;
	if (worker->request_active) {
		rc = CARD_EBUSY;
	} else if (state == CARD_READER_NONE) {
		rc = worker->state_error != CARD_OK ? worker->state_error
						    : CARD_ENOREADER;
	} else if (state == CARD_READER_FAULT) {
		/* A reader that did not open, or reported a hardware
		 * error: no card can be read until the fault clears. */
		rc = worker->state_error != CARD_OK ? worker->state_error
						    : CARD_EREADER;
	} else {
		explicit_bzero(&worker->result, sizeof(worker->result));
		worker->result_ready = false;
		worker->request_active = true;
		worker->request_started = false;
		worker->request_timeout_s = timeout_s;
		worker->cancelled = false;
		pthread_cond_signal(&worker->wake);
	}
	pthread_mutex_unlock(&worker->lock);
	return rc;
}

int card_worker_apps(struct card_worker *worker, struct emv_app *apps,
		     int max)
{
	int count;

	if (worker == NULL || apps == NULL || max <= 0)
		return 0;
	pthread_mutex_lock(&worker->lock);
	count = worker->app_count < max ? worker->app_count : max;
	memcpy(apps, worker->apps, sizeof(apps[0]) * (size_t)count);
	pthread_mutex_unlock(&worker->lock);
	return count;
}

int card_worker_choose(struct card_worker *worker, int index)
{
	int rc = CARD_EINVAL;

	if (worker == NULL)
		return CARD_EINVAL;
	pthread_mutex_lock(&worker->lock);
	if (index >= 0 && index < worker->app_count && worker->chosen < 0) {
		worker->chosen = index;
		pthread_cond_signal(&worker->wake);
		rc = CARD_OK;
	}
	pthread_mutex_unlock(&worker->lock);
	return rc;
}

void card_worker_cancel(struct card_worker *worker)
{
	if (worker == NULL)
		return;
	pthread_mutex_lock(&worker->lock);
	if (worker->request_active) {
		worker->cancelled = true;
		pthread_cond_signal(&worker->wake);
	}

	/* A read that ended just before the cancel is not handed out: the
	 * agent no longer waits for it. */
	if (worker->result_ready && worker->result_status == CARD_OK) {
		card_data_clear(&worker->result);
		worker->result_status = CARD_ECANCELLED;
	}
	pthread_mutex_unlock(&worker->lock);
}

int card_worker_take(struct card_worker *worker, struct card_data *out)
{
	int rc = CARD_EINVAL;

	card_data_clear(out);
	if (worker == NULL)
		return CARD_EINVAL;
	pthread_mutex_lock(&worker->lock);
	if (worker->result_ready) {
		rc = worker->result_status;
		if (rc == CARD_OK)
			*out = worker->result;
		card_data_clear(&worker->result);
		worker->result_ready = false;
	}
	pthread_mutex_unlock(&worker->lock);
	return rc;
}

void card_worker_stop(struct card_worker *worker)
{
	if (worker == NULL || worker->joined)
		return;
	pthread_mutex_lock(&worker->lock);
	worker->stop = true;
	pthread_cond_signal(&worker->wake);
	pthread_mutex_unlock(&worker->lock);
	pthread_join(worker->thread, NULL);
	worker->joined = true;
	card_data_clear(&worker->result);
	worker->result_ready = false;
}

void card_worker_free(struct card_worker *worker)
{
	if (worker != NULL)
		free_worker(worker);
}
