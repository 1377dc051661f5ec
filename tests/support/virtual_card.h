/* A virtual chip card for tests: it replies to command APDUs (or T=0
 * TPDUs) from a card data file, the way a real payment card would. */
#ifndef SPOTAGENT_VIRTUAL_CARD_H
#define SPOTAGENT_VIRTUAL_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../drivers/card.h"

/* Card data file format, one statement a line, '#' starts a comment,
 * hex bytes may be split by spaces:
 *
 *   atr <hex>                          answer to reset
 *   protocol T=0 | T=1                 T=0 takes TPDUs: a case 4 command
 *                                      comes without Le and gets 61xx,
 *                                      its data only through GET RESPONSE
 *   interface contact | contactless
 *   select <DF name hex> -> <reply>    SELECT by name, first occurrence
 *   record <sfi> <number> -> <reply>   READ RECORD
 *   gpo -> <reply>                     GET PROCESSING OPTIONS
 *   behaviour chain61 <chunk>          hand data out in chunks of 1 to
 *                                      255 bytes through 61xx and
 *                                      GET RESPONSE
 *   behaviour wrong_le                 answer 6Cxx to a READ RECORD or
 *                                      GET RESPONSE whose Le is not the
 *                                      exact length
 *   behaviour more_forever             answer 61 10 with no data to
 *                                      every command
 *   behaviour remove_after <n>         answer n commands, then fail with
 *                                      CARD_EREMOVED as if pulled out
 *
 * <reply> is "<hex>" (status 9000), "<hex> status <SW hex>" or
 * "status <SW hex>". Commands the file does not name get 6A82 (SELECT),
 * 6A83 (READ RECORD), 6985 (GPO) or 6D00 (any other instruction). */

/* Commands the card has seen and the follow-ups it has asked for. */
struct virtual_card_counters {
	unsigned commands;     /* every exchange, failed ones included */
	unsigned select;
	unsigned read_record;
	unsigned gpo;
	unsigned get_response;
	unsigned sent_61;      /* replies with SW1 61 */
	unsigned sent_6c;      /* replies with SW1 6C */
	unsigned wrong_length; /* 6700 for a TPDU whose P3 did not fit */
};

struct virtual_card;

/* Load the card data file at path. On success *card gets a card the
 * caller frees with virtual_card_free, and 0 is returned. On failure
 * returns -1 and writes "path:line: reason" into error. */
int virtual_card_load(const char *path, struct virtual_card **card,
		      char *error, size_t error_size);

/* As virtual_card_load, from the NUL-terminated text; name stands for
 * the path in error messages. */
int virtual_card_parse(const char *text, const char *name,
		       struct virtual_card **card, char *error,
		       size_t error_size);

void virtual_card_free(struct virtual_card *card);

/* Write the path of tests/cards/<file> into out, found from the working
 * directory (the source tree's top) or else from the test binary's own
 * place under build/tests/. Returns 0, or -1 when not found. */
int virtual_card_path(const char *file, char *out, size_t size);

/* Reply to one command; data is the struct virtual_card. It has the
 * signature of struct card_channel's exchange. Returns CARD_OK with the
 * reply, CARD_EREMOVED after remove_after commands, CARD_EPROTO when
 * the reply does not fit size. Not thread-safe: a caller on several
 * threads holds its own lock. */
int virtual_card_exchange(void *data, const uint8_t *command, size_t len,
			  uint8_t *reply, size_t size, size_t *got);

/* Fill *channel to talk to card: transport from its protocol, contact
 * or contactless from its interface. */
void virtual_card_channel(struct virtual_card *card,
			  struct card_channel *channel);

/* Clear the counters and any half-fetched response, as a new power-up
 * does. */
void virtual_card_reset(struct virtual_card *card);

const struct virtual_card_counters *
virtual_card_counters(const struct virtual_card *card);

/* The answer to reset; its length goes to *len. */
const uint8_t *virtual_card_atr(const struct virtual_card *card,
				size_t *len);

/* The data field of the last GET PROCESSING OPTIONS command; its length
 * goes to *len (0 before any). */
const uint8_t *virtual_card_last_gpo(const struct virtual_card *card,
				     size_t *len);

#endif
