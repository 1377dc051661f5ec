/* Fuzz target for the CCID frame parsers (drivers/ccid.c, ccid_atr.c):
 * the class descriptor, bulk replies, interrupt notifications and ATRs.
 * The first byte chooses the parser, the rest is its input. */
#include <string.h>

#include "../../drivers/ccid.h"
#include "fuzz.h"

/* The largest dwMaxCCIDMessageLength the fuzzer gives the reply parser:
 * a short APDU reader's 271 bytes, or an extended one's. */
static const size_t max_messages[] = {271, 1024, 65544};

static void fuzz_reply(const uint8_t *data, size_t size, size_t max)
{
	struct ccid_reply reply;
	size_t frame = ccid_frame_length(data, size);
	int rc = ccid_parse_reply(data, size, max, &reply);

	if (size < CCID_HEADER_SIZE)
		fuzz_check(frame == 0, "frame length without a header");
	if (rc != CCID_OK) {
		fuzz_check(rc == CCID_EFRAME, "unexpected reply error");
		return;
	}
	fuzz_check(frame == size, "parsed reply of another length");
	fuzz_check(reply.length == size - CCID_HEADER_SIZE,
		   "dwLength differs from the data");
	fuzz_check(reply.length == 0 ||
			   reply.data == data + CCID_HEADER_SIZE,
		   "reply data outside the message");
	fuzz_check(size <= max,
		   "reply over the maximum accepted");
	fuzz_check(reply.icc <= CCID_ICC_ABSENT, "ICC status 3 accepted");
}

static void fuzz_atr(const uint8_t *data, size_t size)
{
	struct ccid_atr atr;
	int rc = ccid_parse_atr(data, size, &atr);

	if (rc != CCID_OK) {
		fuzz_check(rc == CCID_EFRAME, "unexpected ATR error");
		return;
	}
	fuzz_check(size >= 2 && size <= CCID_ATR_MAX, "ATR size accepted");
	fuzz_check(data[0] == 0x3b || data[0] == 0x3f, "TS accepted");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccid_descriptor descriptor;
	struct ccid_notice notice;
	int rc;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		rc = ccid_parse_descriptor(data + 1, size - 1, &descriptor);
		fuzz_check(rc == CCID_OK || rc == CCID_EDESCRIPTOR,
			   "unexpected descriptor error");
		if (rc == CCID_OK)
			fuzz_check(descriptor.max_message >= 271 &&
					   descriptor.protocols != 0,
				   "impossible descriptor accepted");
		break;
	case 1:
		fuzz_reply(data + 1, size - 1,
			   max_messages[(data[0] >> 2) % 3]);
		break;
	case 2:
		rc = ccid_parse_notice(data + 1, size - 1, &notice);
		fuzz_check(rc == CCID_OK || rc == CCID_EFRAME ||
				   rc == CCID_ENOTSUP,
			   "unexpected notice error");
		fuzz_check(rc != CCID_ENOTSUP || (data[1] != 0x50 &&
						  data[1] != 0x51),
			   "known notice type taken for unknown");
		fuzz_check(rc != CCID_EFRAME || size == 1 ||
				   data[1] == 0x50 || data[1] == 0x51,
			   "unknown notice type taken for malformed");
		if (rc == CCID_OK)
			fuzz_check(notice.kind == CCID_NOTICE_SLOT_CHANGE ||
					   notice.kind == CCID_NOTICE_HARDWARE,
				   "notice of no known kind");
		break;
	default:
		fuzz_atr(data + 1, size - 1);
		break;
	}
	return 0;
}
