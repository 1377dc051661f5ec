/* The print worker thread: status polling, USB hotplug news, and the
 * journal's print jobs written oldest first, each done, held or failed. */
#define LOG_MODULE "print"
#include "print_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../drivers/printer.h"
#include "../offline/journal.h"
#include "log.h"

/* Hotplug news kept until the worker reads it. More in a burst are
 * dropped, because the next status poll finds the printer anyway. */
#define HOTPLUG_NEWS_MAX 8

struct hotplug_news {
	bool arrived;
	struct usb_device_info info;
};

struct print_queue {
	struct printer *printer;  /* used by the worker thread only */
	struct journal *journal;  /* used by the worker thread only */
	struct event_channel *events;
	pthread_t thread;

	/* Shared with other threads, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool kicked;
	bool offer;
	struct hotplug_news news[HOTPLUG_NEWS_MAX];
	int news_count;

	/* Read and written by the worker thread only. */
	enum printer_state state;
	bool state_posted;
	char model[USB_TEXT_SIZE]; /* stored in the journal meta */
	int recovered_drawers; /* failed at start; told after a login */
};

static bool state_prints(enum printer_state state)
{
	return state == PRINTER_STATE_READY ||
	       state == PRINTER_STATE_PAPER_LOW;
}

/* A short message on the state for the status bar and the news line. */
static const char *state_message(enum printer_state state)
{
	switch (state) {
	case PRINTER_STATE_READY:
		return "Printer ready";
	case PRINTER_STATE_PAPER_LOW:
		return "Printer paper is running low";
	case PRINTER_STATE_PAPER_OUT:
		return "Printer is out of paper: load a roll";
	case PRINTER_STATE_COVER_OPEN:
		return "Printer cover is open: close it";
	case PRINTER_STATE_OFFLINE:
		return "Printer is offline: check it";
	case PRINTER_STATE_ERROR:
		return "Printer error: switch it off and on";
	case PRINTER_STATE_DISCONNECTED:
		return "Printer is not connected: check the cable";
	case PRINTER_STATE_NONE:
		return "No printer configured";
	}
	return "Printer state unknown";
}

static void post(struct print_queue *queue, enum event_type type,
		 int status, const char *id, const char *text)
{
	struct event event = { .type = type, .status = status };

	/* Longer texts are cut, because an event must fit one pipe
	 * write. */
	if (id != NULL)
		memcpy(event.id, id, strnlen(id, sizeof(event.id) - 1));
	if (text != NULL)
		memcpy(event.text, text,
		       strnlen(text, sizeof(event.text) - 1));
	event_post(queue->events, &event);
}

/* Hand hotplug news to the worker. Called on the USB event thread. */
static void on_hotplug(void *data, bool arrived,
		       const struct usb_device_info *info)
{
	struct print_queue *queue = data;

	pthread_mutex_lock(&queue->lock);
	if (queue->news_count < HOTPLUG_NEWS_MAX) {
		queue->news[queue->news_count].arrived = arrived;
		queue->news[queue->news_count].info = *info;
		queue->news_count++;
	}
	queue->kicked = true;
	pthread_cond_signal(&queue->wake);
	pthread_mutex_unlock(&queue->lock);
}

static int64_t held_count(struct print_queue *queue)
{
	int64_t counts[PRINT_STATE_COUNT] = { 0 };

	if (journal_print_count(queue->journal, counts) != JOURNAL_OK)
		return 0;
	return counts[PRINT_HELD];
}

/* Store the model of the connected printer for the profile of new jobs,
 * when it changed. */
static void store_model(struct print_queue *queue)
{
	const char *model = printer_model(queue->printer);
	int rc;

	if (model == NULL || strcmp(model, queue->model) == 0)
		return;
	rc = journal_set_meta(queue->journal, PRINT_QUEUE_MODEL_KEY, model);
	if (rc != JOURNAL_OK) {
		log_error("printer model %s not stored: %s", model,
			  journal_strerror(rc));
		return;
	}
	snprintf(queue->model, sizeof(queue->model), "%s", model);
}

/* Ask the status and post what changed. Offers held jobs when the
 * printer turns ready, or when offer is set. */
static void check_status(struct print_queue *queue, bool offer)
{
	struct printer_status status;
	enum printer_state before = queue->state;
	int64_t held;

	printer_query_status(queue->printer, &status);
	queue->state = status.state;
	if (!queue->state_posted || queue->state != before) {
		log_info("printer %s: %s", printer_describe(queue->printer),
			 printer_state_name(queue->state));
		post(queue, EVENT_PRINTER, (int)queue->state, NULL,
		     state_message(queue->state));
		queue->state_posted = true;
		offer = offer || !state_prints(before);
	}
	if (!state_prints(queue->state))
		return;
	store_model(queue);
	held = offer ? held_count(queue) : 0;
	if (held > 0)
		post(queue, EVENT_PRINT_HELD, (int)held, NULL, NULL);
}

const char *print_queue_state_words(enum printer_state state)
{
	switch (state) {
	case PRINTER_STATE_READY:
		return "ready";
	case PRINTER_STATE_PAPER_LOW:
		return "paper low";
	case PRINTER_STATE_PAPER_OUT:
		return "out of paper";
	case PRINTER_STATE_COVER_OPEN:
		return "cover open";
	case PRINTER_STATE_OFFLINE:
		return "offline";
	case PRINTER_STATE_ERROR:
		return "in error";
	case PRINTER_STATE_DISCONNECTED:
		return "unplugged";
	case PRINTER_STATE_NONE:
		return "no printer";
	}
	return "state unknown";
}

/* Why a job did not print, in a few words: the printer's state when it
 * is one that stops printing, else the write's error rc. */
static const char *failure_reason(enum printer_state state, int rc)
{
	if (state_prints(state) || state == PRINTER_STATE_NONE)
		return printer_strerror(rc);
	return print_queue_state_words(state);
}

/* The message for the agent about a job that did not print, short
 * enough for a 40-column notice line: "Receipt held: out of paper". */
static void describe_failure(const struct print_job *job, const char *reason,
			     char *text, size_t size)
{
	const char *what = "Print job";

	if (job->kind == PRINT_KIND_DRAWER) {
		snprintf(text, size,
			 "Cash drawer not opened: %.100s; open it by hand",
			 reason);
		return;
	}
	if (job->kind == PRINT_KIND_RECEIPT)
		what = "Receipt";
	else if (job->kind == PRINT_KIND_NOTICE)
		what = "Notice";
	else if (job->kind == PRINT_KIND_COPY)
		what = "Receipt copy";
	else if (job->kind == PRINT_KIND_REPORT)
		what = "Report";
	else if (job->kind == PRINT_KIND_TEST)
		what = "Test page";
	snprintf(text, size, "%s held: %.120s", what, reason);
}

/* Record that the printer took bytes of job before it failed, so that it
 * is never printed again as an original. */
static void mark_taken(struct print_queue *queue, const struct print_job *job)
{
	int rc;

	if (printer_job_taken(queue->printer) == 0)
		return;
	rc = journal_print_mark_taken(queue->journal, job->id,
				      (int64_t)time(NULL));
	if (rc != JOURNAL_OK)
		log_error("print job %lld may have printed, not recorded: %s",
			  (long long)job->id, journal_strerror(rc));
}

/* End job after a write with result rc: done, or held (a drawer pulse
 * failed) with the printer's reason, and tell the UI. */
static void finish_job(struct print_queue *queue, const struct print_job *job,
		       int rc)
{
	enum print_state state = PRINT_DONE;
	char reason[JOURNAL_ERROR_SIZE] = "";
	char text[sizeof(((struct event *)0)->text)] = "";
	const char *kind = journal_print_kind_name(job->kind);
	int result;

	if (rc != PRINTER_OK) {
		state = job->kind == PRINT_KIND_DRAWER ? PRINT_FAILED
						       : PRINT_HELD;
		snprintf(reason, sizeof(reason), "%s",
			 failure_reason(printer_get_state(queue->printer),
					rc));
		describe_failure(job, reason, text, sizeof(text));
		mark_taken(queue, job);
	}
	result = journal_print_finish(queue->journal, job->id, state, reason,
				      (int64_t)time(NULL));
	if (result != JOURNAL_OK)
		log_error("print job %lld (%s %s) ended %s but not recorded: "
			  "%s",
			  (long long)job->id, kind, job->operation_id,
			  journal_print_state_name(state),
			  journal_strerror(result));
	if (rc == PRINTER_OK)
		log_info("print job %lld (%s %s) printed", (long long)job->id,
			 kind, job->operation_id);
	else
		log_warn("print job %lld (%s %s) %s: %s", (long long)job->id,
			 kind, job->operation_id,
			 journal_print_state_name(state), reason);

	/* The operation names a receipt's job, the kind any other. */
	post(queue, EVENT_PRINT_JOB, (int)state,
	     job->kind == PRINT_KIND_DRAWER || job->operation_id[0] == '\0'
		     ? kind
		     : job->operation_id,
	     text);
}

static bool stopping(struct print_queue *queue)
{
	bool stop;

	pthread_mutex_lock(&queue->lock);
	stop = queue->stop;
	pthread_mutex_unlock(&queue->lock);
	return stop;
}

/* Fail drawer pulse job, just taken, when it was made more than
 * PRINT_QUEUE_DRAWER_WAIT_SECONDS before now: the agent has opened the
 * drawer by hand or given up, so a late pulse would surprise them.
 * Returns whether it failed. */
static bool drawer_stale(struct print_queue *queue,
			 const struct print_job *job, int64_t now)
{
	char reason[JOURNAL_ERROR_SIZE];
	char text[sizeof(((struct event *)0)->text)];
	int rc;

	if (now - job->created_at <= PRINT_QUEUE_DRAWER_WAIT_SECONDS)
		return false;
	snprintf(reason, sizeof(reason), "not sent within %d s",
		 PRINT_QUEUE_DRAWER_WAIT_SECONDS);
	rc = journal_print_finish(queue->journal, job->id, PRINT_FAILED,
				  reason, now);
	if (rc != JOURNAL_OK)
		log_error("late drawer pulse %lld not failed: %s",
			  (long long)job->id, journal_strerror(rc));
	log_warn("drawer pulse %lld of operation %s failed: %s",
		 (long long)job->id, job->operation_id, reason);
	snprintf(text, sizeof(text),
		 "Cash drawer not opened: too late; open it by hand");
	post(queue, EVENT_PRINT_JOB, PRINT_FAILED,
	     journal_print_kind_name(PRINT_KIND_DRAWER), text);
	return true;
}

/* Write waiting jobs oldest first while the printer takes them, until
 * print_queue_stop sets the stop flag, so a stop waits for one job only. */
static void write_waiting(struct print_queue *queue)
{
	struct print_job job;
	unsigned char *data = NULL;
	int rc;

	while (state_prints(queue->state) && !stopping(queue)) {
		rc = journal_print_take(queue->journal, (int64_t)time(NULL),
					&job, &data);
		if (rc == JOURNAL_ENOTFOUND)
			return;
		if (rc != JOURNAL_OK) {
			log_error("print job not read: %s",
				  journal_strerror(rc));
			return;
		}
		if (job.kind == PRINT_KIND_DRAWER &&
		    drawer_stale(queue, &job, (int64_t)time(NULL))) {
			free(data);
			data = NULL;
			continue;
		}
		rc = printer_write_job(queue->printer, data, job.size);
		free(data);
		data = NULL;
		finish_job(queue, &job, rc);
		if (rc != PRINTER_OK) {
			/* The state that stopped the job, for the bar. */
			check_status(queue, false);
			return;
		}
	}
}

/* Fail the drawer pulses that waited longer than
 * PRINT_QUEUE_DRAWER_WAIT_SECONDS for a printer that is not ready, and
 * tell the agent to open the drawer by hand. */
static void fail_stale_drawer(struct print_queue *queue, int64_t now)
{
	char reason[JOURNAL_ERROR_SIZE];
	char text[sizeof(((struct event *)0)->text)];
	int failed = 0;
	int rc;

	snprintf(reason, sizeof(reason), "printer not ready within %d s: %s",
		 PRINT_QUEUE_DRAWER_WAIT_SECONDS,
		 print_queue_state_words(queue->state));
	rc = journal_print_fail_drawer(queue->journal,
				       now - PRINT_QUEUE_DRAWER_WAIT_SECONDS,
				       reason, now, &failed);
	if (rc != JOURNAL_OK) {
		log_error("waiting drawer pulses not failed: %s",
			  journal_strerror(rc));
		return;
	}
	if (failed == 0)
		return;
	log_warn("%d cash drawer pulses failed: %s", failed, reason);
	snprintf(text, sizeof(text),
		 "Cash drawer not opened: printer %s; open it by hand",
		 print_queue_state_words(queue->state));
	post(queue, EVENT_PRINT_JOB, PRINT_FAILED,
	     journal_print_kind_name(PRINT_KIND_DRAWER), text);
}

/* Hold the jobs that waited longer than PRINT_QUEUE_WAIT_SECONDS for a
 * printer that is not ready; drawer pulses fail sooner. */
static void hold_stale(struct print_queue *queue)
{
	int64_t now = (int64_t)time(NULL);
	char reason[JOURNAL_ERROR_SIZE];
	int held = 0;
	int rc;

	fail_stale_drawer(queue, now);
	snprintf(reason, sizeof(reason), "not printed within %d s: %s",
		 PRINT_QUEUE_WAIT_SECONDS, state_message(queue->state));
	rc = journal_print_hold_waiting(queue->journal,
					now - PRINT_QUEUE_WAIT_SECONDS,
					reason, now, &held);
	if (rc != JOURNAL_OK)
		log_error("waiting print jobs not held: %s",
			  journal_strerror(rc));
	else if (held > 0) {
		log_warn("%d print jobs held: %s", held, reason);
		snprintf(reason, sizeof(reason), "%d print %s held: not "
			 "printed within %d s",
			 held, held == 1 ? "job" : "jobs",
			 PRINT_QUEUE_WAIT_SECONDS);
		post(queue, EVENT_PRINT_JOB, PRINT_HELD, NULL, reason);
	}
}

static bool jobs_waiting(struct print_queue *queue)
{
	int64_t counts[PRINT_STATE_COUNT] = { 0 };

	if (journal_print_count(queue->journal, counts) != JOURNAL_OK)
		return false;
	return counts[PRINT_WAITING] > 0;
}

/* Wait for a kick, hotplug news, a stop or the poll interval; hand the
 * news to the printer. Returns false when the worker must stop. */
static bool wait_for_work(struct print_queue *queue, int wait_ms,
			  bool *offer)
{
	struct hotplug_news news[HOTPLUG_NEWS_MAX];
	struct timespec deadline;
	int count;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	pthread_mutex_lock(&queue->lock);
	while (!queue->stop && !queue->kicked && !queue->offer) {
		if (pthread_cond_timedwait(&queue->wake, &queue->lock,
					   &deadline) == ETIMEDOUT)
			break;
	}
	stop = queue->stop;
	*offer = queue->offer;
	queue->offer = false;
	queue->kicked = false;
	count = queue->news_count;
	memcpy(news, queue->news, sizeof(news[0]) * (size_t)count);
	queue->news_count = 0;
	pthread_mutex_unlock(&queue->lock);

	for (int i = 0; i < count; i++) {
		log_info("USB printer %04x:%04x %s", news[i].info.vendor,
			 news[i].info.product,
			 news[i].arrived ? "arrived" : "left");
		printer_hotplug(queue->printer, news[i].arrived,
				&news[i].info);
	}
	return !stop;
}

/* Tell the agent, once, about the drawer pulses that recovery failed at
 * start: each operation's drawer stayed shut. */
static void tell_recovered_drawers(struct print_queue *queue)
{
	char text[sizeof(((struct event *)0)->text)];

	if (queue->recovered_drawers <= 0)
		return;
	snprintf(text, sizeof(text),
		 "Cash drawer not opened: the terminal stopped (%d %s); "
		 "open it by hand",
		 queue->recovered_drawers,
		 queue->recovered_drawers == 1 ? "pulse" : "pulses");
	queue->recovered_drawers = 0;
	post(queue, EVENT_PRINT_JOB, PRINT_FAILED,
	     journal_print_kind_name(PRINT_KIND_DRAWER), text);
}

static void *run_worker(void *arg)
{
	struct print_queue *queue = arg;
	bool offer = true;
	bool first = true;
	int wait_ms;

	log_info("print worker started");
	do {
		/* The first round's offer comes before any login. */
		if (offer && !first)
			tell_recovered_drawers(queue);
		first = false;
		check_status(queue, offer);
		if (state_prints(queue->state))
			write_waiting(queue);
		else if (queue->state != PRINTER_STATE_NONE)
			hold_stale(queue);
		wait_ms = jobs_waiting(queue) || !state_prints(queue->state)
				  ? PRINT_QUEUE_BUSY_POLL_MS
				  : PRINT_QUEUE_IDLE_POLL_MS;
		/* With no printer configured ("none") app.c makes no jobs,
		 * so the worker only idles. */
	} while (wait_for_work(queue, wait_ms, &offer));
	log_info("print worker stopped");
	return NULL;
}

/* Open the printer and the journal connection and fix what a stopped
 * worker left. */
static int open_resources(struct print_queue *queue,
			  const struct config *config,
			  struct usb_context *usb, char *error,
			  size_t error_size)
{
	int held = 0;
	int rc;

	rc = printer_open(config->printer, usb, &queue->printer);
	if (rc != PRINTER_OK) {
		snprintf(error, error_size, "[printer] device \"%s\": %s",
			 config->printer, printer_strerror(rc));
		return -1;
	}
	rc = journal_open(config->journal_path, &queue->journal);
	if (rc != JOURNAL_OK) {
		snprintf(error, error_size, "journal %s: %s",
			 config->journal_path, journal_strerror(rc));
		return -1;
	}
	rc = journal_print_recover_counts(queue->journal, (int64_t)time(NULL),
					  &held, &queue->recovered_drawers);
	if (rc != JOURNAL_OK) {
		snprintf(error, error_size, "print jobs not recovered: %s",
			 journal_strerror(rc));
		return -1;
	}
	if (held > 0)
		log_warn("%d print jobs were being printed when the terminal "
			 "stopped; they are held for the agent",
			 held);
	if (queue->recovered_drawers > 0)
		log_warn("%d cash drawer pulses failed: the terminal stopped "
			 "before they were sent",
			 queue->recovered_drawers);
	queue->state = printer_get_state(queue->printer);
	return 0;
}

/* Free the queue's memory and locks. */
static void free_queue(struct print_queue *queue)
{
	pthread_cond_destroy(&queue->wake);
	pthread_mutex_destroy(&queue->lock);
	free(queue);
}

int print_queue_start(const struct config *config, struct usb_context *usb,
		      struct event_channel *events, struct print_queue **out,
		      char *error, size_t error_size)
{
	struct print_queue *queue = calloc(1, sizeof(*queue));
	pthread_condattr_t attributes;
	int rc;

	*out = NULL;
	if (queue == NULL) {
		snprintf(error, error_size, "out of memory");
		return -1;
	}
	queue->events = events;
	pthread_mutex_init(&queue->lock, NULL);
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&queue->wake, &attributes);
	pthread_condattr_destroy(&attributes);

	if (open_resources(queue, config, usb, error, error_size) != 0)
		goto fail;
	if (pthread_create(&queue->thread, NULL, run_worker, queue) != 0) {
		snprintf(error, error_size, "cannot start the print worker");
		goto fail;
	}

	/* Last, because a watch lasts until the context closes and so
	 * needs the queue's memory until print_queue_free. */
	if (usb != NULL && printer_is_usb(queue->printer)) {
		rc = usb_watch(usb, USB_KIND_PRINTER, on_hotplug, queue);
		if (rc != USB_OK)
			/* The status poll finds the printer without it. */
			log_warn("no USB hotplug news: %s", usb_strerror(rc));
	}
	*out = queue;
	return 0;
fail:
	printer_close(queue->printer);
	journal_close(queue->journal);
	free_queue(queue);
	return -1;
}

void print_queue_kick(struct print_queue *queue)
{
	if (queue == NULL)
		return;
	pthread_mutex_lock(&queue->lock);
	queue->kicked = true;
	pthread_cond_signal(&queue->wake);
	pthread_mutex_unlock(&queue->lock);
}

void print_queue_offer_held(struct print_queue *queue)
{
	if (queue == NULL)
		return;
	pthread_mutex_lock(&queue->lock);
	queue->offer = true;
	pthread_cond_signal(&queue->wake);
	pthread_mutex_unlock(&queue->lock);
}

void print_queue_stop(struct print_queue *queue)
{
	if (queue == NULL)
		return;
	pthread_mutex_lock(&queue->lock);
	queue->stop = true;
	pthread_cond_signal(&queue->wake);
	pthread_mutex_unlock(&queue->lock);
	pthread_join(queue->thread, NULL);
	printer_close(queue->printer);
	queue->printer = NULL;
	journal_close(queue->journal);
	queue->journal = NULL;
}

void print_queue_free(struct print_queue *queue)
{
	if (queue != NULL)
		free_queue(queue);
}
