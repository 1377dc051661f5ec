/* One table of the words for each operation type, so that a receipt, the
 * end-of-day report, a summary and the queue name a type alike. */
#include "op_type.h"

#include <stddef.h>
#include <string.h>

#include "api.h"
#include "api_money.h"

static const struct op_type_words op_types[] = {
	{ .type = API_TYPE_WALLET_TRANSFER, .title = "Wallet transfer",
	  .label = "Wallet transfer", .short_label = "Transfer",
	  .money = true },
	{ .type = API_TYPE_CUSTOMER_REGISTRATION,
	  .title = "Customer registration", .label = "Registration",
	  .short_label = "Register", .money = false },
	{ .type = API_TYPE_CUSTOMER_UPDATE, .title = "Profile update",
	  .label = "Profile update", .short_label = "Profile",
	  .money = false },
	{ .type = API_TYPE_BANK_TRANSFER, .title = "Bank transfer",
	  .label = "Bank transfer", .short_label = "Bank", .money = true },
	{ .type = API_TYPE_CASH_IN, .title = "Cash-in", .label = "Cash-in",
	  .short_label = "Cash-in", .money = true },
	{ .type = API_TYPE_CASH_OUT, .title = "Cash-out", .label = "Cash-out",
	  .short_label = "Cash-out", .money = true },
	{ .type = API_TYPE_SEND_MONEY, .title = "Send money",
	  .label = "Send money", .short_label = "Send", .money = true },
	{ .type = API_TYPE_REVERSAL, .title = "Reversal", .label = "Reversal",
	  .short_label = "Reversal", .money = true },
};

const struct op_type_words *op_type_find(const char *type)
{
	if (type == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(op_types) / sizeof(op_types[0]); i++) {
		if (strcmp(op_types[i].type, type) == 0)
			return &op_types[i];
	}
	return NULL;
}

const struct op_type_words *op_type_at(size_t index)
{
	if (index >= sizeof(op_types) / sizeof(op_types[0]))
		return NULL;
	return &op_types[index];
}

const char *op_type_title(const char *type)
{
	const struct op_type_words *words = op_type_find(type);

	return words != NULL ? words->title : type;
}
