/* The API client's card lookup (docs/api.md, POST /v1/cards/lookup): the
 * wallet linked to a customer's payment card, found by its card number. */
#ifndef SPOTAGENT_API_CARD_H
#define SPOTAGENT_API_CARD_H

#include <stddef.h>

#include "../drivers/card.h"
#include "api.h"

/* The wallet a card is linked to. It has no field for the full card
 * number: pan_last4 is what the central service returns to name the
 * card. */
struct api_card_account {
	char account[API_ACCOUNT_SIZE];
	char holder_name[API_NAME_SIZE];
	char currency[4];
	char customer_id[JOURNAL_ID_SIZE];
	char pan_last4[5];
};

/* Look up the wallet linked to the card number pan (12 to 19 digits that
 * pass the Luhn check), with a session token. The card number is sent
 * only in the request body, which is wiped after sending. Returns API_OK
 * with *out filled, API_EINVAL for a malformed pan or a missing token
 * (nothing sent), API_ENOTFOUND when no wallet is linked to the card,
 * API_ESESSION, or another api_error. On failure message gets a line for
 * the agent and *out is unchanged. */
int api_card_lookup(struct transport *transport, const char *token,
		    const char *pan, struct api_card_account *out,
		    char *message, size_t message_size);

#endif
