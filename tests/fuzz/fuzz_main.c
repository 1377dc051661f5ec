/* A driver for the fuzz targets without libFuzzer, for `make test`: it
 * runs each seed input, then mutations of the seeds drawn from a fixed
 * pseudo-random sequence, within a bounded count and time. The targets
 * are built with AddressSanitizer and UndefinedBehaviorSanitizer, so a
 * fault aborts the run with a report. `make fuzz` runs the same targets
 * under libFuzzer for longer. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

#define INPUT_MAX 4096
#define SEEDS_MAX 256
#define LINE_MAX_BYTES 8192

struct seed {
	uint8_t *data;
	size_t size;
};

struct seeds {
	struct seed items[SEEDS_MAX];
	int count;
};

/* xorshift64*: reproducible for a given seed, which is all this driver
 * needs; it is not for cryptography. */
static uint64_t random_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
	random_state ^= random_state >> 12;
	random_state ^= random_state << 25;
	random_state ^= random_state >> 27;
	return random_state * 0x2545f4914f6cdd1du;
}

static size_t random_below(size_t bound)
{
	return bound == 0 ? 0 : (size_t)(next_random() % bound);
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one seed line: hex digits, spaces ignored; a line starting with
 * '"' is taken as text up to the closing quote. Returns the size, or -1
 * for a malformed line. */
static long decode_line(const char *line, uint8_t *out)
{
	size_t n = 0;
	int high = -1;

	if (line[0] == '"') {
		const char *end = strrchr(line + 1, '"');

		if (end == NULL || end == line)
			return -1;
		n = (size_t)(end - line - 1);
		memcpy(out, line + 1, n);
		return (long)n;
	}
	for (const char *p = line; *p != '\0' && *p != '\n'; p++) {
		int value = hex_value((unsigned char)*p);

		if (*p == ' ' || *p == '\t' || *p == '\r')
			continue;
		if (value < 0 || n >= INPUT_MAX)
			return -1;
		if (high < 0) {
			high = value;
			continue;
		}
		out[n++] = (uint8_t)(high << 4 | value);
		high = -1;
	}
	return high < 0 ? (long)n : -1;
}

/* Read the seed file: one input per line, '#' starts a comment line.
 * Returns 0, or -1 with a message on stderr. */
static int load_seeds(const char *path, struct seeds *seeds)
{
	char line[LINE_MAX_BYTES];
	uint8_t buf[INPUT_MAX];
	int number = 0;
	FILE *file = fopen(path, "r");

	if (file == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), file) != NULL) {
		long size;

		number++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		size = decode_line(line, buf);
		if (size < 0 || seeds->count == SEEDS_MAX) {
			fprintf(stderr, "%s:%d: invalid seed line\n", path,
				number);
			fclose(file);
			return -1;
		}
		seeds->items[seeds->count].data = malloc((size_t)size + 1);
		if (seeds->items[seeds->count].data == NULL) {
			fclose(file);
			return -1;
		}
		memcpy(seeds->items[seeds->count].data, buf, (size_t)size);
		seeds->items[seeds->count].size = (size_t)size;
		seeds->count++;
	}
	fclose(file);
	return 0;
}

/* Byte values that sit on the edges parsers check: BER-TLV length forms,
 * padding, CCID message types and the track sentinels. */
static const uint8_t interesting[] = {
	0x00, 0x01, 0x1f, 0x20, 0x3b, 0x3f, 0x50, 0x51, 0x5e, 0x7f,
	0x80, 0x81, 0x82, 0x83, 0x84, 0xfe, 0xff, '%', ';', '=', '?',
	'^', 'B', '0', '9',
};

/* Apply one random edit to buf (size *size, room INPUT_MAX). */
static void mutate_once(uint8_t *buf, size_t *size, const struct seeds *seeds)
{
	size_t at = random_below(*size + 1);
	const struct seed *other;
	size_t take;

	switch (random_below(7)) {
	case 0: /* flip a bit */
		if (*size > 0) {
			uint8_t bit = (uint8_t)(1u << random_below(8));

			buf[random_below(*size)] ^= bit;
		}
		break;
	case 1: /* set an edge value */
		if (*size > 0)
			buf[random_below(*size)] =
				interesting[random_below(sizeof(interesting))];
		break;
	case 2: /* insert a byte */
		if (*size < INPUT_MAX) {
			memmove(buf + at + 1, buf + at, *size - at);
			buf[at] = (uint8_t)next_random();
			(*size)++;
		}
		break;
	case 3: /* delete a byte */
		if (at < *size) {
			memmove(buf + at, buf + at + 1, *size - at - 1);
			(*size)--;
		}
		break;
	case 4: /* cut the end off */
		*size = at;
		break;
	case 5: /* splice in the start of another seed */
		other = &seeds->items[random_below((size_t)seeds->count)];
		take = random_below(other->size + 1);
		if (at + take > INPUT_MAX)
			take = INPUT_MAX - at;
		memcpy(buf + at, other->data, take);
		if (at + take > *size)
			*size = at + take;
		break;
	default: /* repeat a stretch */
		take = random_below(*size - at + 1);
		if (*size + take <= INPUT_MAX) {
			memmove(buf + at + take, buf + at, *size - at);
			*size += take;
		}
		break;
	}
}

/* Run one input from a heap copy of exactly its size, so that
 * AddressSanitizer catches a read one byte past the end. */
static void run_input(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size > 0 ? size : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	static struct seeds seeds;
	static uint8_t buf[INPUT_MAX];
	long runs;
	double limit;
	struct timespec start;
	long done = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SEED_FILE RUNS SECONDS\n", argv[0]);
		return 2;
	}
	runs = strtol(argv[2], NULL, 10);
	limit = strtod(argv[3], NULL);
	if (load_seeds(argv[1], &seeds) != 0 || seeds.count == 0)
		return 2;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < seeds.count; i++)
		run_input(seeds.items[i].data, seeds.items[i].size);

	/* Mutations: bounded by count and by time, whichever ends first. */
	while (done < runs && seconds_since(&start) < limit) {
		const struct seed *base =
			&seeds.items[random_below((size_t)seeds.count)];
		size_t size = base->size;
		int edits = 1 + (int)random_below(4);

		memcpy(buf, base->data, size);
		for (int e = 0; e < edits; e++)
			mutate_once(buf, &size, &seeds);
		run_input(buf, size);
		done++;
	}
	printf("%s: %d seeds and %ld mutated inputs in %.1f s, no fault\n",
	       argv[0], seeds.count, done, seconds_since(&start));
	for (int i = 0; i < seeds.count; i++)
		free(seeds.items[i].data);
	return 0;
}
