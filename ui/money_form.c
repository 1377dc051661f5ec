/* The money forms' field tables and checks: which fields each operation
 * type has, where they go in the two layouts, and how their text becomes
 * a struct money_operation. The bank list on menuw is here too. */
#include <stdio.h>
#include <string.h>

#include "../app/currency.h"
#include "../app/wallet.h"
#include "draw.h"
#include "money_form.h"

/* The wide layout puts a field every second row, with its message on the
 * row under it. The compact one puts the fields one under the other and
 * leaves rows free for the wallet holder, the bank's name and the
 * original of a reversal. An account number is at most 34 characters (an
 * IBAN), a reason at most 100 characters of up to 2 columns. */
#define MONEY_COMPACT_VIEW 27
#define MONEY_WIDE_ACCOUNT_VIEW 21
#define MONEY_WIDE_REASON_VIEW 56

#define SPEC_WALLET(r) { .row = (r), .width = 20, .card = true }
#define SPEC_CURRENCY(r) { .row = (r), .width = 3, .replace = true }
#define SPEC_AMOUNT(r) { .row = (r), .width = 20 }

static const enum money_field cash_in_fields[] = {
	MONEY_FIELD_WALLET, MONEY_FIELD_CURRENCY, MONEY_FIELD_AMOUNT,
};

static const struct fieldset_spec cash_in_wide[] = {
	SPEC_WALLET(0), SPEC_CURRENCY(2), SPEC_AMOUNT(4),
};

static const struct fieldset_spec cash_in_compact[] = {
	SPEC_WALLET(0), SPEC_CURRENCY(2), SPEC_AMOUNT(3),
};

static const enum money_field cash_out_fields[] = {
	MONEY_FIELD_WALLET, MONEY_FIELD_CURRENCY, MONEY_FIELD_AMOUNT,
	MONEY_FIELD_CODE,
};

static const struct fieldset_spec cash_out_wide[] = {
	SPEC_WALLET(0), SPEC_CURRENCY(2), SPEC_AMOUNT(4),
	{ .row = 6, .width = API_CODE_SIZE - 1, .secret = true },
};

static const struct fieldset_spec cash_out_compact[] = {
	SPEC_WALLET(0), SPEC_CURRENCY(2), SPEC_AMOUNT(3),
	{ .row = 4, .width = API_CODE_SIZE - 1, .secret = true },
};

static const enum money_field bank_fields[] = {
	MONEY_FIELD_BANK, MONEY_FIELD_ACCOUNT, MONEY_FIELD_FUNDING,
	MONEY_FIELD_WALLET, MONEY_FIELD_AMOUNT,
};

static const struct fieldset_spec bank_wide[] = {
	{ .row = 0, .width = API_BANK_CODE_SIZE - 1 },
	{ .row = 2, .width = API_BANK_ACCOUNT_SIZE - 1,
	  .view = MONEY_WIDE_ACCOUNT_VIEW },
	{ .row = 4, .width = 6 },
	SPEC_WALLET(6),
	SPEC_AMOUNT(8),
};

static const struct fieldset_spec bank_compact[] = {
	{ .row = 0, .width = API_BANK_CODE_SIZE - 1 },
	{ .row = 2, .width = API_BANK_ACCOUNT_SIZE - 1,
	  .view = MONEY_COMPACT_VIEW },
	{ .row = 3, .width = 6 },
	SPEC_WALLET(4),
	SPEC_AMOUNT(5),
};

static const enum money_field reversal_fields[] = {
	MONEY_FIELD_REASON,
};

static const struct fieldset_spec reversal_wide[] = {
	{ .row = 4, .width = 200, .length = 100,
	  .view = MONEY_WIDE_REASON_VIEW },
};

static const struct fieldset_spec reversal_compact[] = {
	{ .row = 4, .width = 200, .length = 100, .view = MONEY_COMPACT_VIEW },
};

#define FORM(t, name, f)                                              \
	{                                                             \
		.type = (t), .title = (name),                         \
		.count = (int)(sizeof(f##_fields) / sizeof(f##_fields[0])), \
		.fields = f##_fields, .wide = f##_wide,               \
		.compact = f##_compact,                               \
	}

static const struct money_form money_forms[] = {
	FORM(API_TYPE_CASH_IN, "Cash-in", cash_in),
	FORM(API_TYPE_CASH_OUT, "Cash-out", cash_out),
	FORM(API_TYPE_BANK_TRANSFER, "Bank transfer", bank),
	FORM(API_TYPE_REVERSAL, "Reversal request", reversal),
};

#define MONEY_FORM_COUNT (sizeof(money_forms) / sizeof(money_forms[0]))

static const char *const wide_labels[MONEY_FIELD_COUNT] = {
	[MONEY_FIELD_WALLET] = "Customer wallet",
	[MONEY_FIELD_CURRENCY] = "Currency",
	[MONEY_FIELD_AMOUNT] = "Amount",
	[MONEY_FIELD_CODE] = "Cash-out code",
	[MONEY_FIELD_BANK] = "Bank",
	[MONEY_FIELD_ACCOUNT] = "Account number",
	[MONEY_FIELD_FUNDING] = "Paid by",
	[MONEY_FIELD_REASON] = "Reason",
};

static const char *const compact_labels[MONEY_FIELD_COUNT] = {
	[MONEY_FIELD_WALLET] = "Wallet",
	[MONEY_FIELD_CURRENCY] = "Currency",
	[MONEY_FIELD_AMOUNT] = "Amount",
	[MONEY_FIELD_CODE] = "Code",
	[MONEY_FIELD_BANK] = "Bank",
	[MONEY_FIELD_ACCOUNT] = "Account",
	[MONEY_FIELD_FUNDING] = "Paid by",
	[MONEY_FIELD_REASON] = "Reason",
};

static const char *const hints[MONEY_FIELD_COUNT] = {
	[MONEY_FIELD_WALLET] = "account number",
	[MONEY_FIELD_CURRENCY] = "e.g. GHS",
	[MONEY_FIELD_AMOUNT] = "e.g. 12.50",
	[MONEY_FIELD_CODE] = "6 digits the customer received",
	[MONEY_FIELD_BANK] = "bank code; PgDn lists the banks",
	[MONEY_FIELD_ACCOUNT] = "account number at the bank",
	[MONEY_FIELD_FUNDING] = "1 Cash  2 Wallet",
	[MONEY_FIELD_REASON] = "why, 1 to 100 characters",
};

const struct money_form *money_form_find(const char *type)
{
	size_t i;

	for (i = 0; i < MONEY_FORM_COUNT; i++) {
		if (strcmp(money_forms[i].type, type) == 0)
			return &money_forms[i];
	}
	return NULL;
}

int money_form_index(const struct money_form *form, enum money_field field)
{
	int i;

	for (i = 0; i < form->count; i++) {
		if (form->fields[i] == field)
			return i;
	}
	return MONEY_FIELD_NONE;
}

const char *money_form_label(enum money_field field, bool compact)
{
	return compact ? compact_labels[field] : wide_labels[field];
}

const char *money_form_hint(enum money_field field)
{
	return hints[field];
}

bool money_form_wallet_funded(const char *funding)
{
	return strcmp(funding, MONEY_FUNDING_WALLET) == 0;
}

/* The currency the amount is in: the bank's for a bank transfer, else
 * the currency field's. Returns NULL when it is not known yet. */
static const char *
money_form_amount_currency(struct journal *journal,
			   char (*texts)[MONEY_TEXT_SIZE],
			   struct refdata_bank *bank)
{
	if (texts[MONEY_FIELD_BANK][0] != '\0') {
		if (refdata_bank_find(journal, texts[MONEY_FIELD_BANK],
				      bank) != REFDATA_OK)
			return NULL;
		return bank->currency;
	}
	if (currency_find(texts[MONEY_FIELD_CURRENCY]) == NULL)
		return NULL;
	return texts[MONEY_FIELD_CURRENCY];
}

static int money_form_check_amount(
	struct journal *journal, char (*texts)[MONEY_TEXT_SIZE],
	char *message, size_t message_size)
{
	struct refdata_bank bank;
	const char *currency;
	int64_t minor;
	int rc;

	if (texts[MONEY_FIELD_AMOUNT][0] == '\0') {
		snprintf(message, message_size, "Enter the amount");
		return -1;
	}
	/* The bank or currency field has the message. */
	currency = money_form_amount_currency(journal, texts, &bank);
	if (currency == NULL)
		return 0;
	rc = currency_parse(currency, texts[MONEY_FIELD_AMOUNT], &minor);
	if (rc != CURRENCY_OK) {
		currency_describe_error(currency, texts[MONEY_FIELD_AMOUNT], rc,
					message, message_size);
		return -1;
	}
	return 0;
}

static int money_form_check_bank(struct journal *journal, const char *code,
				 struct refdata_bank *bank, char *message,
				 size_t message_size)
{
	int rc;

	if (code[0] == '\0') {
		snprintf(message, message_size,
			 "Enter the bank code, or press PgDn for the list");
		return -1;
	}
	rc = refdata_bank_find(journal, code, bank);
	if (rc == REFDATA_ENOTFOUND) {
		snprintf(message, message_size,
			 "No bank with code %s: press PgDn for the list",
			 code);
		return -1;
	}
	if (rc != REFDATA_OK) {
		snprintf(message, message_size, "%s", refdata_strerror(rc));
		return -1;
	}
	return 0;
}

/* Check the cash-out code: exactly 6 digits. */
static int money_form_check_code(const char *code, char *message,
				 size_t message_size)
{
	size_t length = strlen(code);
	size_t i;

	for (i = 0; i < length; i++) {
		if (code[i] < '0' || code[i] > '9')
			break;
	}
	if (length == API_CODE_SIZE - 1 && i == length)
		return 0;
	snprintf(message, message_size,
		 "Type the 6-digit code the customer got");
	return -1;
}

int money_form_check(struct journal *journal, enum money_field field,
		     char (*texts)[MONEY_TEXT_SIZE],
		     char *message, size_t message_size)
{
	struct refdata_bank bank;
	char account[API_BANK_ACCOUNT_SIZE];
	const char *text = texts[field];

	message[0] = '\0';
	switch (field) {
	case MONEY_FIELD_WALLET:
		return wallet_account_check(text, message, message_size);
	case MONEY_FIELD_CURRENCY:
		if (currency_find(text) != NULL)
			return 0;
		snprintf(message, message_size, "Unknown currency \"%s\": use "
			 "an ISO 4217 code such as GHS", text);
		return -1;
	case MONEY_FIELD_AMOUNT:
		return money_form_check_amount(journal, texts, message,
					       message_size);
	case MONEY_FIELD_CODE:
		return money_form_check_code(text, message, message_size);
	case MONEY_FIELD_BANK:
		return money_form_check_bank(journal, text, &bank, message,
					     message_size);
	case MONEY_FIELD_ACCOUNT:
		if (refdata_bank_find(journal, texts[MONEY_FIELD_BANK],
				      &bank) != REFDATA_OK)
			return 0; /* the bank field has the message */
		return refdata_bank_account_check(&bank, text, account,
						  sizeof(account), message,
						  message_size);
	case MONEY_FIELD_FUNDING:
		if (strcmp(text, MONEY_FUNDING_CASH) == 0 ||
		    money_form_wallet_funded(text))
			return 0;
		snprintf(message, message_size,
			 "Press 1 for cash or 2 for a customer's wallet");
		return -1;
	case MONEY_FIELD_REASON:
		if (text[0] != '\0')
			return 0;
		snprintf(message, message_size,
			 "Enter the reason for the reversal");
		return -1;
	default:
		return 0;
	}
}

/* Check every field of the form in order. Returns 0, or -1 with the
 * first bad field in *bad. The wallet of a bank transfer paid in cash
 * and the receiver wallet of a cash-in to a pending customer are not
 * checked, because they are not used. An empty cash-out code is left to
 * the caller, which requests one from the central service. */
static int money_form_check_all(struct journal *journal,
				const struct money_form *form,
				char (*texts)[MONEY_TEXT_SIZE],
				const struct money_form_extra *extra,
				int *bad, char *message, size_t message_size)
{
	bool bank = strcmp(form->type, API_TYPE_BANK_TRANSFER) == 0;
	int i;

	for (i = 0; i < form->count; i++) {
		enum money_field field = form->fields[i];

		if (field == MONEY_FIELD_WALLET && bank &&
		    !money_form_wallet_funded(texts[MONEY_FIELD_FUNDING]))
			continue;
		if (field == MONEY_FIELD_WALLET && !bank &&
		    extra->customer_id[0] != '\0' &&
		    texts[MONEY_FIELD_WALLET][0] == '\0')
			continue;
		if (field == MONEY_FIELD_CODE &&
		    texts[MONEY_FIELD_CODE][0] == '\0')
			continue;
		if (money_form_check(journal, field, texts, message,
				     message_size) != 0) {
			*bad = field;
			return -1;
		}
	}
	return 0;
}

static void money_form_fill_bank(struct journal *journal,
				 char (*texts)[MONEY_TEXT_SIZE],
				 const struct money_form_extra *extra,
				 struct bank_transfer *out)
{
	struct refdata_bank bank;
	char message[API_MESSAGE_SIZE];

	/* money_form_check_all has found the bank and checked the account,
	 * so neither fails here. */
	refdata_bank_find(journal, texts[MONEY_FIELD_BANK], &bank);
	refdata_bank_account_check(&bank, texts[MONEY_FIELD_ACCOUNT],
				   out->account_number,
				   sizeof(out->account_number), message,
				   sizeof(message));
	snprintf(texts[MONEY_FIELD_ACCOUNT], MONEY_TEXT_SIZE, "%s",
		 out->account_number);
	out->funding = money_form_wallet_funded(texts[MONEY_FIELD_FUNDING])
			       ? API_FUNDING_WALLET
			       : API_FUNDING_CASH;
	if (out->funding == API_FUNDING_WALLET)
		snprintf(out->sender, sizeof(out->sender), "%s",
			 texts[MONEY_FIELD_WALLET]);
	snprintf(out->bank_code, sizeof(out->bank_code), "%s", bank.code);
	snprintf(out->bank_name, sizeof(out->bank_name), "%s", bank.name);
	snprintf(out->account_name, sizeof(out->account_name), "%s",
		 extra->holder_name);
	snprintf(out->currency, sizeof(out->currency), "%s", bank.currency);
	currency_parse(bank.currency, texts[MONEY_FIELD_AMOUNT], &out->amount);
}

static void money_form_fill_cash(char (*texts)[MONEY_TEXT_SIZE],
				 const struct money_form_extra *extra,
				 struct money_operation *op)
{
	const char *currency = texts[MONEY_FIELD_CURRENCY];
	const char *amount = texts[MONEY_FIELD_AMOUNT];

	if (strcmp(op->type, API_TYPE_CASH_IN) == 0) {
		struct cash_in *in = &op->u.cash_in;

		snprintf(in->receiver, sizeof(in->receiver), "%s",
			 texts[MONEY_FIELD_WALLET]);
		if (in->receiver[0] == '\0')
			snprintf(in->receiver_customer_id,
				 sizeof(in->receiver_customer_id), "%s",
				 extra->customer_id);
		snprintf(in->receiver_name, sizeof(in->receiver_name), "%s",
			 extra->wallet_name);
		snprintf(in->currency, sizeof(in->currency), "%s", currency);
		currency_parse(currency, amount, &in->amount);
		return;
	}
	snprintf(op->u.cash_out.sender, sizeof(op->u.cash_out.sender), "%s",
		 texts[MONEY_FIELD_WALLET]);
	snprintf(op->u.cash_out.holder_name,
		 sizeof(op->u.cash_out.holder_name), "%s", extra->wallet_name);
	snprintf(op->u.cash_out.currency, sizeof(op->u.cash_out.currency),
		 "%s", currency);
	currency_parse(currency, amount, &op->u.cash_out.amount);
	snprintf(op->u.cash_out.code, sizeof(op->u.cash_out.code), "%s",
		 texts[MONEY_FIELD_CODE]);
}

int money_form_fill(struct journal *journal, const struct money_form *form,
		    char (*texts)[MONEY_TEXT_SIZE],
		    const struct money_form_extra *extra,
		    struct money_operation *op, int *bad, char *message,
		    size_t message_size)
{
	*bad = MONEY_FIELD_NONE;
	if (money_form_check_all(journal, form, texts, extra, bad, message,
				 message_size) != 0)
		return -1;

	memset(op, 0, sizeof(*op));
	snprintf(op->type, sizeof(op->type), "%s", form->type);
	if (strcmp(form->type, API_TYPE_BANK_TRANSFER) == 0) {
		money_form_fill_bank(journal, texts, extra, &op->u.bank);
	} else if (strcmp(form->type, API_TYPE_REVERSAL) == 0) {
		snprintf(op->u.reversal.original_id,
			 sizeof(op->u.reversal.original_id), "%s",
			 extra->original_id);
		snprintf(op->u.reversal.reason, sizeof(op->u.reversal.reason),
			 "%s", texts[MONEY_FIELD_REASON]);
	} else {
		money_form_fill_cash(texts, extra, op);
	}
	return 0;
}

/* Words that tie a message to a field, tried in this order: "wallet
 * account" is about the wallet, "bank account" about the account. */
static const struct {
	enum money_field field;
	const char *word;
} money_form_words[] = {
	{ MONEY_FIELD_WALLET, "wallet" },
	{ MONEY_FIELD_ACCOUNT, "account" },
	{ MONEY_FIELD_BANK, "bank" },
	{ MONEY_FIELD_CURRENCY, "currency" },
	{ MONEY_FIELD_AMOUNT, "amount" },
	{ MONEY_FIELD_REASON, "reason" },
	{ MONEY_FIELD_CODE, "code" },
};

int money_form_field_of(const struct money_form *form, const char *message)
{
	size_t i;

	for (i = 0; i < sizeof(money_form_words) / sizeof(money_form_words[0]);
	     i++) {
		if (money_form_index(form, money_form_words[i].field) ==
		    MONEY_FIELD_NONE)
			continue;
		if (strcasestr(message, money_form_words[i].word) != NULL)
			return money_form_words[i].field;
	}
	return MONEY_FIELD_NONE;
}

/* --- The bank list ---------------------------------------------------- */

/* Columns of the code before the bank's name: the longest code in the
 * sandbox's list, GH030100, and a space. */
#define MONEY_BANKS_CODE_COLUMNS 9

void money_banks_close(struct money_banks *list)
{
	int i;

	if (list->posted) {
		unpost_menu(list->menu);
		list->posted = false;
	}
	if (list->sub != NULL) {
		if (list->menu != NULL)
			set_menu_sub(list->menu, NULL);
		delwin(list->sub);
		list->sub = NULL;
	}
	if (list->menu != NULL) {
		free_menu(list->menu);
		list->menu = NULL;
	}
	for (i = 0; i < list->count; i++) {
		if (list->items[i] != NULL)
			free_item(list->items[i]);
		list->items[i] = NULL;
	}
	list->count = 0;
	list->open = false;
}

/* Make the menu items from the banks. Returns 0, or -1 when curses
 * fails. */
static int money_banks_items(struct money_banks *list, int width)
{
	char line[MONEY_BANKS_ENTRY_SIZE];
	int i;

	for (i = 0; i < list->count; i++) {
		snprintf(line, sizeof(line), "%-*s %s",
			 MONEY_BANKS_CODE_COLUMNS - 1, list->banks[i].code,
			 list->banks[i].name);
		snprintf(list->entries[i], sizeof(list->entries[i]), "%.*s",
			 (int)draw_fit(line, width), line);
		list->items[i] = new_item(list->entries[i], "");
		if (list->items[i] == NULL)
			return -1;
	}
	list->items[list->count] = NULL;
	list->menu = new_menu(list->items);
	if (list->menu == NULL)
		return -1;
	menu_opts_off(list->menu, O_SHOWDESC);
	set_menu_mark(list->menu, "> ");
	set_menu_fore(list->menu, A_REVERSE | A_BOLD);
	return 0;
}

int money_banks_open(struct money_banks *list, struct journal *journal,
		     int width, const char *code, char *message,
		     size_t message_size)
{
	int n;
	int i;

	money_banks_close(list);
	n = refdata_banks(journal, list->banks, REFDATA_BANKS_MAX);
	if (n <= 0) {
		snprintf(message, message_size, "%s",
			 n == 0 ? "The bank list is empty"
				: refdata_strerror(n));
		return -1;
	}
	list->count = n;
	if (money_banks_items(list, width) != 0) {
		snprintf(message, message_size, "Cannot show the bank list");
		money_banks_close(list);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(list->banks[i].code, code) == 0)
			set_current_item(list->menu, list->items[i]);
	}
	list->open = true;
	return 0;
}

int money_banks_place(struct money_banks *list, int rows, int y, int x,
		      int width)
{
	ITEM *current;

	if (list->posted) {
		unpost_menu(list->menu);
		list->posted = false;
	}
	if (list->sub != NULL) {
		set_menu_sub(list->menu, NULL);
		delwin(list->sub);
		list->sub = NULL;
	}
	if (rows > list->count)
		rows = list->count;
	current = current_item(list->menu);
	set_menu_format(list->menu, rows, 1);
	if (current != NULL)
		set_current_item(list->menu, current);
	list->sub = derwin(stdscr, rows, width, y, x);
	if (list->sub == NULL)
		return rows;

	/* The subwindow shares stdscr's cells: blank what the form left. */
	werase(list->sub);
	set_menu_win(list->menu, stdscr);
	set_menu_sub(list->menu, list->sub);
	list->posted = post_menu(list->menu) == E_OK;
	return rows;
}

void money_banks_move(struct money_banks *list, enum ui_action action)
{
	static const struct {
		enum ui_action action;
		int request;
	} requests[] = {
		{ UI_ACTION_NEXT, REQ_DOWN_ITEM },
		{ UI_ACTION_PREV, REQ_UP_ITEM },
		{ UI_ACTION_PAGE_DOWN, REQ_SCR_DPAGE },
		{ UI_ACTION_PAGE_UP, REQ_SCR_UPAGE },
		{ UI_ACTION_HOME, REQ_FIRST_ITEM },
		{ UI_ACTION_END, REQ_LAST_ITEM },
	};
	size_t i;

	if (!list->open)
		return;
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		if (requests[i].action == action)
			menu_driver(list->menu, requests[i].request);
	}
}

void money_banks_type(struct money_banks *list, wchar_t ch)
{
	/* Codes are ASCII; menuw matches the typed characters against the
	 * start of the entries. */
	if (list->open && ch > 0x20 && ch < 0x7f)
		menu_driver(list->menu, (int)ch);
}

const struct refdata_bank *money_banks_current(const struct money_banks *list)
{
	int index;

	if (!list->open)
		return NULL;
	index = item_index(current_item(list->menu));
	if (index < 0 || index >= list->count)
		return NULL;
	return &list->banks[index];
}
