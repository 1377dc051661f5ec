/* The receipt print job the USB tests send (see receipt_job.h). */
#include "receipt_job.h"

#include <string.h>

#include "../../app/api.h"

int receipt_job_operation(struct operation *op)
{
	struct wallet_transfer transfer = {
		.sender = "0244000001",
		.receiver = "0554000002",
		.currency = "GHS",
		.amount = 123450,
	};

	memset(op, 0, sizeof(*op));
	strcpy(op->id, "5f0c2a9e-7b3d-4c1a-9e8f-1a2b3c4d5e6f");
	strcpy(op->type, API_TYPE_WALLET_TRANSFER);
	op->state = OP_ACCEPTED;
	strcpy(op->agent_id, "AG-1001");
	strcpy(op->currency, "GHS");
	op->amount = 123450;
	op->created_at = 1796396400; /* 2026-12-04 15:00:00 UTC */
	op->updated_at = op->created_at;
	strcpy(op->reference, RECEIPT_JOB_REFERENCE);
	return api_wallet_transfer_encode(&transfer, op->payload,
					  sizeof(op->payload)) == 0
		       ? 0
		       : -1;
}

int receipt_job_build(const struct operation *op,
		      const struct escpos_profile *profile,
		      struct receipt *receipt, struct escpos_buf *job)
{
	const struct receipt_context context = {
		.terminal_id = "T-0001",
		.agent_name = RECEIPT_JOB_AGENT,
		.profile = profile,
		.qr = true,
		.verify_url = RECEIPT_JOB_VERIFY_URL,
	};

	escpos_init(job);
	if (receipt_layout(op, &context, profile->columns, receipt) != 0)
		return -1;
	escpos_set_profile(job, profile);
	return receipt_encode(receipt, job) == ESCPOS_OK ? 0 : -1;
}
