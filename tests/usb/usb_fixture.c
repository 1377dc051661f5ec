/* Helpers that the USB test programs share: the clock and event waits. */
#include <poll.h>
#include <time.h>

#include "usb_fixture.h"

int64_t usb_fixture_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

bool usb_fixture_wait_event(struct event_channel *channel,
			    enum event_type type, int status, int timeout_ms,
			    struct event *out)
{
	int64_t deadline = usb_fixture_now_ms() + timeout_ms;
	struct pollfd pollfd = {
		.fd = event_channel_fd(channel),
		.events = POLLIN,
	};
	struct event event;
	int64_t left = timeout_ms;

	while (left > 0) {
		while (event_read(channel, &event) == 1) {
			if (event.type != type || event.status != status)
				continue;
			if (out != NULL)
				*out = event;
			return true;
		}
		left = deadline - usb_fixture_now_ms();
		if (left > 0)
			poll(&pollfd, 1, (int)left);
	}
	return false;
}
