/* The event channel: a non-blocking pipe carrying struct event records from
 * worker threads to the UI loop. */
#define LOG_MODULE "event"
#include "event.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

/* Dropped events between two log lines: a UI that stops reading would
 * otherwise get a line for every event a worker posts. */
#define DROP_LOG_EVERY 100

_Static_assert(sizeof(struct event) <= PIPE_BUF,
	       "an event must fit one atomic pipe write");

struct event_channel {
	int read_fd;
	int write_fd;
	_Atomic unsigned long dropped; /* events not posted, pipe full */
};

int event_channel_open(struct event_channel **out)
{
	struct event_channel *channel;
	int fds[2];

	*out = NULL;
	channel = calloc(1, sizeof(*channel));
	if (channel == NULL)
		return -1;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		log_error("pipe2 failed: errno %d", errno);
		free(channel);
		return -1;
	}
	channel->read_fd = fds[0];
	channel->write_fd = fds[1];
	*out = channel;
	return 0;
}

void event_channel_close(struct event_channel *channel)
{
	if (channel == NULL)
		return;
	close(channel->read_fd);
	close(channel->write_fd);
	free(channel);
}

int event_post(struct event_channel *channel, const struct event *event)
{
	ssize_t written;

	if (channel == NULL)
		return 0;
	do {
		written = write(channel->write_fd, event, sizeof(*event));
	} while (written < 0 && errno == EINTR);
	if (written != (ssize_t)sizeof(*event)) {
		int error = errno;
		unsigned long dropped = channel->dropped++;

		if (dropped % DROP_LOG_EVERY == 0)
			log_warn("event %d dropped: errno %d (%lu dropped so "
				 "far)", (int)event->type, error, dropped + 1);
		return -1;
	}
	return 0;
}

int event_channel_fd(const struct event_channel *channel)
{
	return channel->read_fd;
}

int event_read(struct event_channel *channel, struct event *out)
{
	ssize_t got;

	do {
		got = read(channel->read_fd, out, sizeof(*out));
	} while (got < 0 && errno == EINTR);
	return got == (ssize_t)sizeof(*out) ? 1 : 0;
}
