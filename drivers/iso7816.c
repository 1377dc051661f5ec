/* ISO/IEC 7816-4 APDU exchange with GET RESPONSE and resend follow-ups,
 * and the T=0 mapping of ISO/IEC 7816-3 12.2 for readers that carry
 * TPDUs. */
#include "iso7816.h"

#include <mbedtls/platform_util.h>
#include <stdbool.h>
#include <string.h>

#define SHORT_LE_MAX 256    /* Le byte 00 in a short APDU */
#define REPLY_MAX (SHORT_LE_MAX + 2)
#define INS_GET_RESPONSE 0xC0
#define SW1_MORE_DATA 0x61  /* SW2 bytes are waiting for GET RESPONSE */
#define SW1_WRONG_LE 0x6C   /* resend with Le = SW2 */

/* A short command APDU taken apart. */
struct apdu {
	uint8_t header[4];    /* CLA INS P1 P2 */
	const uint8_t *data;  /* command data, or NULL */
	size_t lc;            /* 0 when there is no data */
	bool has_le;
	size_t le;            /* 1 to 256 when has_le */
};

/* Split a short APDU into its fields by its length (ISO/IEC 7816-4
 * 5.1: cases 1, 2S, 3S and 4S). Extended lengths are not supported. */
static int parse_apdu(const uint8_t *command, size_t len, struct apdu *apdu)
{
	size_t lc;

	if (len < 4)
		return CARD_EINVAL;
	memcpy(apdu->header, command, 4);
	apdu->data = NULL;
	apdu->lc = 0;
	apdu->has_le = false;
	apdu->le = 0;
	if (len == 4)
		return CARD_OK;
	if (len == 5) {
		apdu->has_le = true;
		apdu->le = command[4] != 0 ? command[4] : SHORT_LE_MAX;
		return CARD_OK;
	}

	/* Lc = 00 would start an extended length field. */
	lc = command[4];
	if (lc == 0 || (len != 5 + lc && len != 6 + lc))
		return CARD_EINVAL;
	apdu->data = command + 5;
	apdu->lc = lc;
	if (len == 6 + lc) {
		apdu->has_le = true;
		apdu->le = command[5 + lc] != 0 ? command[5 + lc] :
						  SHORT_LE_MAX;
	}
	return CARD_OK;
}

/* Encode apdu into out (ISO7816_COMMAND_MAX bytes). A T=0 case 1
 * command carries P3 = 00 (ISO/IEC 7816-3 12.2.2). */
static size_t encode_apdu(const struct apdu *apdu, bool t0, uint8_t *out)
{
	size_t n = 4;

	memcpy(out, apdu->header, 4);
	if (apdu->lc > 0) {
		out[n++] = (uint8_t)apdu->lc;
		memcpy(out + n, apdu->data, apdu->lc);
		n += apdu->lc;
	}
	if (apdu->has_le)
		out[n++] = (uint8_t)(apdu->le & 0xFF);
	else if (t0 && apdu->lc == 0)
		out[n++] = 0;
	return n;
}

/* Turn apdu into GET RESPONSE (00 C0 00 00 Le). */
static void set_get_response(struct apdu *apdu, size_t le)
{
	static const uint8_t header[4] = {0x00, INS_GET_RESPONSE, 0, 0};

	memcpy(apdu->header, header, sizeof(header));
	apdu->data = NULL;
	apdu->lc = 0;
	apdu->has_le = true;
	apdu->le = le;
}

/* Exchange apdu once; *n gets the reply length including SW1 SW2. */
static int exchange_apdu(const struct card_channel *channel,
			 const struct apdu *apdu, uint8_t *reply, size_t *n)
{
	uint8_t command[ISO7816_COMMAND_MAX];
	size_t len;
	int rc;

	len = encode_apdu(apdu, channel->transport == CARD_TRANSPORT_TPDU_T0,
			  command);
	*n = 0;
	rc = channel->exchange(channel->data, command, len, reply, REPLY_MAX,
			       n);
	mbedtls_platform_zeroize(command, sizeof(command));
	if (rc < 0)
		return rc;
	if (*n < 2 || *n > REPLY_MAX)
		return CARD_EPROTO;
	return CARD_OK;
}

int iso7816_transmit(const struct card_channel *channel,
		     const uint8_t *command, size_t len, uint8_t *resp,
		     size_t size, size_t *got, uint16_t *sw)
{
	uint8_t reply[REPLY_MAX];
	struct apdu apdu;
	size_t held_le = 0; /* T=0: the Le taken off a case 4 command */
	size_t n;
	int rc;

	*got = 0;
	*sw = 0;
	rc = parse_apdu(command, len, &apdu);
	if (rc < 0)
		return rc;
	if (channel->transport == CARD_TRANSPORT_TPDU_T0 && apdu.lc > 0 &&
	    apdu.has_le) {
		held_le = apdu.le;
		apdu.has_le = false;
	}

	rc = CARD_EPROTO;
	for (int round = 0; round < ISO7816_ROUNDS_MAX; round++) {
		uint8_t sw1;
		uint8_t sw2;

		rc = exchange_apdu(channel, &apdu, reply, &n);
		if (rc < 0)
			goto out;
		sw1 = reply[n - 2];
		sw2 = reply[n - 1];
		n -= 2;

		/* 6Cxx: the card discarded the command; resend it with the
		 * Le it asked for. A command without Le ends here. */
		if (sw1 == SW1_WRONG_LE && apdu.has_le) {
			apdu.le = sw2 != 0 ? sw2 : SHORT_LE_MAX;
			continue;
		}
		if (n > size - *got) {
			rc = CARD_EPROTO;
			goto out;
		}
		memcpy(resp + *got, reply, n);
		*got += n;

		if (sw1 == SW1_MORE_DATA) {
			set_get_response(&apdu, sw2 != 0 ? sw2 : SHORT_LE_MAX);
			held_le = 0;
			continue;
		}

		/* ISO/IEC 7816-3 12.2.5: after 9000 to the data of a case 4
		 * command the card waits for GET RESPONSE with the Le. */
		if (held_le != 0 && sw1 == 0x90 && sw2 == 0x00 && n == 0) {
			set_get_response(&apdu, held_le);
			held_le = 0;
			continue;
		}
		*sw = (uint16_t)(sw1 << 8 | sw2);
		rc = CARD_OK;
		goto out;
	}
	rc = CARD_EPROTO;
out:
	mbedtls_platform_zeroize(reply, sizeof(reply));
	if (rc < 0) {
		mbedtls_platform_zeroize(resp, *got);
		*got = 0;
	}
	return rc;
}

int iso7816_select_name(const struct card_channel *channel,
			const uint8_t *name, size_t name_len, uint8_t *resp,
			size_t size, size_t *got, uint16_t *sw)
{
	uint8_t command[5 + 16 + 1] = {0x00, 0xA4, 0x04, 0x00};

	if (name_len == 0 || name_len > 16)
		return CARD_EINVAL;
	command[4] = (uint8_t)name_len;
	memcpy(command + 5, name, name_len);
	command[5 + name_len] = 0x00;
	return iso7816_transmit(channel, command, 6 + name_len, resp, size,
				got, sw);
}

int iso7816_read_record(const struct card_channel *channel, uint8_t sfi,
			uint8_t record, uint8_t *resp, size_t size,
			size_t *got, uint16_t *sw)
{
	uint8_t command[5] = {0x00, 0xB2};

	if (sfi < 1 || sfi > 30 || record == 0)
		return CARD_EINVAL;
	/* P2: SFI in bits 8-4, 100 in bits 3-1 for "record number in P1"
	 * (ISO/IEC 7816-4 READ RECORD, EMV Book 3 6.5.11). */
	command[2] = record;
	command[3] = (uint8_t)(sfi << 3 | 0x04);
	command[4] = 0x00;
	return iso7816_transmit(channel, command, sizeof(command), resp, size,
				got, sw);
}

int iso7816_get_processing_options(const struct card_channel *channel,
				   const uint8_t *data, size_t len,
				   uint8_t *resp, size_t size, size_t *got,
				   uint16_t *sw)
{
	uint8_t command[ISO7816_COMMAND_MAX] = {0x80, 0xA8, 0x00, 0x00};
	int rc;

	if (len < 2 || len > 255)
		return CARD_EINVAL;
	command[4] = (uint8_t)len;
	memcpy(command + 5, data, len);
	command[5 + len] = 0x00;
	rc = iso7816_transmit(channel, command, 6 + len, resp, size, got, sw);
	mbedtls_platform_zeroize(command, sizeof(command));
	return rc;
}
