/* Helpers that the USB test programs share whatever device they emulate:
 * the monotonic clock and a bounded wait for one event from a worker. */
#ifndef SPOTAGENT_TESTS_USB_FIXTURE_H
#define SPOTAGENT_TESTS_USB_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../app/event.h"

/* Return CLOCK_MONOTONIC in milliseconds. */
int64_t usb_fixture_now_ms(void);

/* Read events from channel for at most timeout_ms, dropping those of
 * another type or status, until one of type with status arrives. Returns
 * whether it did; *out (may be NULL) gets it. */
bool usb_fixture_wait_event(struct event_channel *channel,
			    enum event_type type, int status, int timeout_ms,
			    struct event *out);

#endif
