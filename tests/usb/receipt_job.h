/* The receipt print job the USB tests send: an accepted wallet transfer
 * laid out and encoded for one printer profile. */
#ifndef SPOTAGENT_TESTS_RECEIPT_JOB_H
#define SPOTAGENT_TESTS_RECEIPT_JOB_H

#include "../../app/receipt.h"
#include "../../drivers/escpos.h"
#include "../../offline/journal.h"

#define RECEIPT_JOB_REFERENCE "SPB-20261204-000417"
#define RECEIPT_JOB_AGENT "Анна Петрова"
#define RECEIPT_JOB_VERIFY_URL "https://verify.spotbanc.example/r/"

/* Fill op as the journal row of an accepted GHS 1,234.50 wallet
 * transfer. Returns 0, or -1 when its payload cannot be encoded. */
int receipt_job_operation(struct operation *op);

/* Lay out op's receipt for profile (with a QR code of
 * RECEIPT_JOB_VERIFY_URL and the reference) into *receipt and encode it
 * into job, which the caller frees with escpos_free. Returns 0, or -1
 * when the layout or the encoding fails. */
int receipt_job_build(const struct operation *op,
		      const struct escpos_profile *profile,
		      struct receipt *receipt, struct escpos_buf *job);

#endif
