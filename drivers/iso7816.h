/* ISO/IEC 7816-4 command APDUs over a card channel: one transmit call
 * that follows 61xx and 6Cxx up itself and maps case 4 commands onto T=0,
 * plus builders for the commands EMV reading uses. */
#ifndef SPOTAGENT_ISO7816_H
#define SPOTAGENT_ISO7816_H

#include <stddef.h>
#include <stdint.h>

#include "card.h"

/* Status words (ISO/IEC 7816-4 5.1.3) that callers test for. */
#define ISO7816_SW_OK 0x9000
#define ISO7816_SW_WRONG_LENGTH 0x6700
#define ISO7816_SW_FILE_NOT_FOUND 0x6A82
#define ISO7816_SW_RECORD_NOT_FOUND 0x6A83

/* Most exchanges one iso7816_transmit call makes: the command itself
 * plus its GET RESPONSE and resend follow-ups. A card that keeps
 * answering 61xx or 6Cxx past this gets CARD_EPROTO. */
#define ISO7816_ROUNDS_MAX 32

/* Longest short command APDU: header, Lc, 255 data bytes and Le. */
#define ISO7816_COMMAND_MAX 261

/* Send one short command APDU (case 1 to 4, ISO/IEC 7816-4 5.1) and
 * collect the whole response. 61xx is followed by GET RESPONSE
 * (00 C0 00 00 xx) and the pieces are concatenated; 6Cxx resends the
 * command with Le = xx. On a CARD_TRANSPORT_TPDU_T0 channel a case 4
 * command goes out without Le, and its data is fetched with GET RESPONSE
 * after 61xx or after 9000 (ISO/IEC 7816-3 12.2.5). The response data
 * (without status word) goes to resp, its length to *got, the final
 * status word to *sw; any status word is CARD_OK for this function.
 * Returns CARD_EINVAL for a malformed command, CARD_EPROTO for a reply
 * shorter than 2 bytes, data past size bytes or more than
 * ISO7816_ROUNDS_MAX exchanges, or the channel's error. */
int iso7816_transmit(const struct card_channel *channel,
		     const uint8_t *command, size_t len, uint8_t *resp,
		     size_t size, size_t *got, uint16_t *sw);

/* SELECT by DF name (00 A4 04 00, first occurrence, FCI requested) with
 * Le = 00. Returns as iso7816_transmit; CARD_EINVAL when name_len is 0
 * or over 16. */
int iso7816_select_name(const struct card_channel *channel,
			const uint8_t *name, size_t name_len, uint8_t *resp,
			size_t size, size_t *got, uint16_t *sw);

/* READ RECORD (00 B2) of record number record (1 to 255) in the file
 * with short file identifier sfi (1 to 30), Le = 00. Returns as
 * iso7816_transmit; CARD_EINVAL for an out-of-range sfi or record. */
int iso7816_read_record(const struct card_channel *channel, uint8_t sfi,
			uint8_t record, uint8_t *resp, size_t size,
			size_t *got, uint16_t *sw);

/* GET PROCESSING OPTIONS (80 A8 00 00, EMV Book 3 6.5.8) with data
 * (the command template 83 with the PDOL values, 2 to 255 bytes) and
 * Le = 00. Returns as iso7816_transmit; CARD_EINVAL for a bad length. */
int iso7816_get_processing_options(const struct card_channel *channel,
				   const uint8_t *data, size_t len,
				   uint8_t *resp, size_t size, size_t *got,
				   uint16_t *sw);

#endif
