/* Benchmark tool for `make bench`, run by tests/bench/run.sh. It times
 * receipt_encode of a typical 80 mm cash-in receipt whose customer has a
 * Cyrillic name against a bare copy of the same text bytes into the
 * print job buffer, and prints "name: value" lines.
 *   encode    receipt_encode against the bare copy */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/api.h"
#include "../../app/api_money.h"
#include "../../app/log.h"
#include "../../app/receipt.h"
#include "../../drivers/escpos.h"
#include "bench_util.h"

#define ENCODE_SAMPLES 10000
#define ENCODE_SAMPLES_MIN 1000
#define ENCODE_SECONDS_MAX 60

/* Fill op as an accepted GHS 150.00 cash-in to a customer named in
 * Cyrillic. Returns 0, or -1 when the payload cannot be encoded. */
static int make_cash_in(struct operation *op)
{
	struct cash_in in = {
		.receiver = "0244000001",
		.receiver_name = "\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0 "
				 "\xd0\x9a\xd1\x83\xd0\xb7\xd0\xbd\xd0\xb5"
				 "\xd1\x86\xd0\xbe\xd0\xb2\xd0\xb0",
		.currency = "GHS",
		.amount = 15000,
		.fee = 0,
	};

	memset(op, 0, sizeof(*op));
	snprintf(op->id, sizeof(op->id),
		 "5f0c2a9e-7b3d-4c1a-9e8f-1a2b3c4d5e6f");
	snprintf(op->type, sizeof(op->type), "%s", API_TYPE_CASH_IN);
	snprintf(op->agent_id, sizeof(op->agent_id), "AG-1001");
	snprintf(op->currency, sizeof(op->currency), "GHS");
	snprintf(op->reference, sizeof(op->reference), "SPB-20261204-000417");
	op->state = OP_ACCEPTED;
	op->amount = in.amount;
	op->created_at = 1796396400; /* 2026-12-04 15:00 UTC */
	return api_cash_in_encode(&in, op->payload, sizeof(op->payload));
}

/* Copy every line's text and a line feed into buf, with no mapping. */
static void copy_text(const struct receipt *receipt, struct escpos_buf *buf)
{
	for (int i = 0; i < receipt->count; i++) {
		size_t len = strlen(receipt->lines[i].text);

		if (buf->len + len + 1 > buf->cap)
			return;
		memcpy(buf->data + buf->len, receipt->lines[i].text, len);
		buf->len += len;
		buf->data[buf->len++] = '\n';
	}
}

static int run_encode(void)
{
	static double encode[ENCODE_SAMPLES], bare[ENCODE_SAMPLES];
	const struct escpos_profile *profile =
		escpos_profile_find("generic-80");
	struct receipt_context context = {
		.terminal_id = "T-0001",
		.agent_name = "Ama Mensah",
		.profile = profile,
		.qr = true,
		.verify_url = "https://verify.spotbanc.example/r/",
	};
	double limit = bench_now_ms() + ENCODE_SECONDS_MAX * 1000.0;
	static struct receipt receipt;
	struct escpos_buf job, copy;
	struct operation op;
	int samples = 0;
	size_t job_len = 0;

	if (make_cash_in(&op) != 0 ||
	    receipt_layout(&op, &context, RECEIPT_COLUMNS_80MM, &receipt) !=
		    0) {
		fprintf(stderr, "bench: receipt not laid out\n");
		return 1;
	}
	escpos_init(&copy);
	copy.cap = 4096;
	copy.data = malloc(copy.cap);
	if (copy.data == NULL)
		return 1;

	while (samples < ENCODE_SAMPLES && bench_now_ms() < limit) {
		double start = bench_now_ms();

		escpos_init(&job);
		escpos_set_profile(&job, profile);
		if (receipt_encode(&receipt, &job) != 0) {
			fprintf(stderr, "bench: receipt not encoded\n");
			escpos_free(&job);
			free(copy.data);
			return 1;
		}
		job_len = job.len;
		escpos_free(&job);
		encode[samples] = bench_now_ms() - start;

		start = bench_now_ms();
		copy.len = 0;
		copy_text(&receipt, &copy);
		bare[samples] = bench_now_ms() - start;
		samples++;
	}
	free(copy.data);
	if (samples < ENCODE_SAMPLES_MIN)
		return 1;
	printf("escpos_receipt_lines: %d\n", receipt.count);
	printf("escpos_job_bytes: %zu\n", job_len);
	printf("escpos_samples: %d\n", samples);
	printf("escpos_encode_ms: %.4f\n", bench_median(encode, samples));
	printf("escpos_copy_ms: %.4f\n", bench_median(bare, samples));
	printf("escpos_encode_ratio: %.2f\n",
	       bench_median(encode, samples) / bench_median(bare, samples));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "encode") != 0) {
		fprintf(stderr, "usage: bench_escpos encode\n");
		return 2;
	}
	log_open("stderr", LOG_LEVEL_ERROR);
	return run_encode();
}
