/* Benchmark tool for `make bench`, run by tests/bench/run.sh. It reads a
 * contact Visa card with a PSE over T=0 (tests/cards/visa_pse.card) with
 * emv_list_apps and emv_read_app, and times that against a replay of the
 * same commands straight to the virtual card, which is the card's own
 * share of the work. It prints "name: value" lines. On a real reader each
 * exchange costs milliseconds on the wire, so the number of exchanges is
 * the figure that decides how long the agent waits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/log.h"
#include "../../drivers/emv.h"
#include "../support/virtual_card.h"
#include "bench_util.h"

#define READ_SAMPLES 5000
#define READ_SAMPLES_MIN 500
#define READ_SECONDS_MAX 60
#define COMMANDS_MAX 64
#define COMMAND_SIZE 261
#define REPLY_SIZE 258

/* The commands of one read, recorded for the replay. */
struct recording {
	struct virtual_card *card;
	uint8_t commands[COMMANDS_MAX][COMMAND_SIZE];
	size_t lengths[COMMANDS_MAX];
	int count;
};

/* A channel exchange that records each command, then passes it on. */
static int record_exchange(void *data, const uint8_t *command, size_t len,
			   uint8_t *reply, size_t size, size_t *got)
{
	struct recording *recording = data;

	if (recording->count < COMMANDS_MAX && len <= COMMAND_SIZE) {
		memcpy(recording->commands[recording->count], command, len);
		recording->lengths[recording->count] = len;
		recording->count++;
	}
	return virtual_card_exchange(recording->card, command, len, reply,
				     size, got);
}

/* Read the card once through channel. Returns CARD_OK or the error. */
static int read_card(const struct card_channel *channel)
{
	struct emv_app apps[EMV_APPS_MAX];
	struct card_data data;
	int count = emv_list_apps(channel, apps, EMV_APPS_MAX);
	int rc;

	if (count < 1)
		return count < 0 ? count : CARD_ENOAPP;
	rc = emv_read_app(channel, &apps[0], &data);
	card_data_clear(&data);
	return rc;
}

/* Send the recorded commands to the card with no EMV logic around them. */
static int replay(struct recording *recording)
{
	uint8_t reply[REPLY_SIZE];
	size_t got;

	for (int i = 0; i < recording->count; i++) {
		int rc = virtual_card_exchange(recording->card,
					       recording->commands[i],
					       recording->lengths[i], reply,
					       sizeof(reply), &got);

		if (rc != CARD_OK)
			return rc;
	}
	return CARD_OK;
}

static int run_read(struct recording *recording)
{
	static double reads[READ_SAMPLES], replays[READ_SAMPLES];
	struct card_channel channel;
	double limit = bench_now_ms() + READ_SECONDS_MAX * 1000.0;
	int samples = 0;

	virtual_card_channel(recording->card, &channel);
	channel.exchange = record_exchange;
	channel.data = recording;
	if (read_card(&channel) != CARD_OK) {
		fprintf(stderr, "bench: the virtual card was not read\n");
		return 1;
	}

	while (samples < READ_SAMPLES && bench_now_ms() < limit) {
		double start;
		int rc;

		virtual_card_reset(recording->card);
		recording->count = 0;
		start = bench_now_ms();
		rc = read_card(&channel);
		reads[samples] = bench_now_ms() - start;

		virtual_card_reset(recording->card);
		start = bench_now_ms();
		if (rc == CARD_OK)
			rc = replay(recording);
		replays[samples] = bench_now_ms() - start;
		if (rc != CARD_OK) {
			fprintf(stderr, "bench: %s\n", card_strerror(rc));
			return 1;
		}
		samples++;
	}
	if (samples < READ_SAMPLES_MIN)
		return 1;
	printf("card_read_exchanges: %d\n", recording->count);
	printf("card_read_samples: %d\n", samples);
	printf("card_read_ms: %.4f\n", bench_median(reads, samples));
	printf("card_replay_ms: %.4f\n", bench_median(replays, samples));
	printf("card_read_ratio: %.2f\n", bench_median(reads, samples) /
					     bench_median(replays, samples));
	return 0;
}

int main(int argc, char **argv)
{
	static struct recording recording;
	char path[512];
	char error[256];
	int rc;

	if (argc != 2 || strcmp(argv[1], "read") != 0) {
		fprintf(stderr, "usage: bench_card read\n");
		return 2;
	}
	log_open("stderr", LOG_LEVEL_ERROR);
	if (virtual_card_path("visa_pse.card", path, sizeof(path)) != 0 ||
	    virtual_card_load(path, &recording.card, error, sizeof(error)) !=
		    0) {
		fprintf(stderr, "bench: card file not loaded: %s\n", error);
		return 1;
	}
	rc = run_read(&recording);
	virtual_card_free(recording.card);
	return rc;
}
