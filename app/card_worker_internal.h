/* The card worker's private state, shared by card_worker.c (the thread,
 * the readers and the public calls) and card_worker_read.c (the read of
 * one card). */
#ifndef SPOTAGENT_CARD_WORKER_INTERNAL_H
#define SPOTAGENT_CARD_WORKER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../drivers/ccid.h"
#include "../drivers/hid_reader.h"
#include "card_worker.h"

/* Hotplug news kept until the worker reads it; more in a burst are
 * dropped, because a reader that arrived is found by the next scan. */
#define CARD_NEWS_MAX 8

/* Maximum time in ms the worker blocks on one reader call, so that a
 * cancel, a stop or a new request is seen within about 200 ms. */
#define CARD_SLICE_MS 100

/* How often a reader without an interrupt endpoint is asked for its slot
 * status. */
#define CARD_POLL_MS 500

struct card_news {
	bool arrived;
	struct usb_device_info info;
};

/* [card] hid: which HID interface the worker takes from the kernel. */
enum card_hid_mode {
	CARD_HID_NONE = 0,
	CARD_HID_AUTO = 1, /* an id listed as a HID reader in usb_known.c */
	CARD_HID_ID = 2,   /* the vendor:product of [card] hid */
};

struct card_worker {
	struct usb_context *usb;
	struct event_channel *events;
	pthread_t thread;
	bool joined;               /* card_worker_stop has run */
	bool ccid_enabled;         /* [card] reader = auto */
	enum card_hid_mode hid_mode;
	uint16_t hid_vendor;
	uint16_t hid_product;
	int default_timeout_s;     /* [card] timeout */

	/* Used by the worker thread only. */
	struct ccid_reader *ccid;
	struct usb_device_info ccid_info;
	bool ccid_polled;          /* no interrupt endpoint: poll status */
	struct timespec next_poll;
	bool card_present;
	int open_error;            /* card_error of the last failed open */
	time_t next_open_retry;    /* CLOCK_MONOTONIC seconds */
	char fault[96];            /* why the state is FAULT, or "" */
	int notice_failures;       /* notification reads failed in a row */
	struct hid_reader *hid;
	struct usb_device_info hid_info;

	/* Shared with other threads, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	struct card_news news[CARD_NEWS_MAX];
	int news_count;
	enum card_reader_state state;
	char state_text[128];
	int state_error;           /* open_error when state was set */
	bool state_posted;
	bool request_active;       /* from card_worker_request to its end */
	bool request_started;      /* the worker has taken it up */
	int request_timeout_s;
	bool cancelled;
	struct emv_app apps[EMV_APPS_MAX];
	int app_count;             /* > 0 while the agent chooses */
	int chosen;                /* the chosen index, or -1 */
	bool result_ready;
	int result_status;
	struct card_data result;
};

/* Open and close readers by the hotplug news that waits. Returns false
 * when the worker must stop. */
bool card_worker_apply_news(struct card_worker *worker);

/* Whether card_worker_stop or card_worker_cancel ended the request. */
bool card_worker_interrupted(struct card_worker *worker);

/* Wait for one slice on the chip reader (a notice, or a status poll on
 * a reader without an interrupt endpoint) and apply the result to
 * card_present, fault and the open reader. Returns 0, or CARD_ENODEV
 * when the reader left (it is then closed). */
int card_worker_watch_chip(struct card_worker *worker, int slice_ms);

/* Sleep up to ms on the worker's condition, woken by news, a request, a
 * cancel or a stop. */
void card_worker_nap(struct card_worker *worker, int ms);

/* Publish the state computed from the worker's readers and post
 * EVENT_CARD_READER when it changed. Worker thread only. */
void card_worker_publish(struct card_worker *worker);

/* Serve the request just taken up: wait for a card until timeout_s,
 * read it, keep the result and post EVENT_CARD. In card_worker_read.c. */
void card_worker_serve(struct card_worker *worker, int timeout_s);

#endif
