/* The fields of the money forms (cash-in, cash-out, bank transfer and
 * reversal): one table per operation type with the fieldset specs of
 * both layouts, and the checks that turn the typed text into a
 * struct money_operation. The bank field's list is here too. */
#ifndef SPOTAGENT_UI_MONEY_FORM_H
#define SPOTAGENT_UI_MONEY_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include <menu.h>

#include "../app/money.h"
#include "../app/refdata.h"
#include "fieldset.h"
#include "keys.h"

/* The kind of a field's content. A form lists the kinds it has in
 * display order, and the texts of a form are indexed by kind. */
enum money_field {
	MONEY_FIELD_WALLET = 0, /* the customer's wallet account */
	MONEY_FIELD_CURRENCY,
	MONEY_FIELD_AMOUNT,
	MONEY_FIELD_CODE,       /* cash-out code, 6 digits, masked */
	MONEY_FIELD_BANK,       /* bank code from the cached bank list */
	MONEY_FIELD_ACCOUNT,    /* bank account number */
	MONEY_FIELD_FUNDING,    /* "Cash" or "Wallet" */
	MONEY_FIELD_REASON,     /* reversal reason, 1 to 100 characters */
	MONEY_FIELD_COUNT,
};

#define MONEY_FIELD_NONE (-1)

/* Room for any field's text: the reason's 100 characters of at most 4
 * bytes. */
#define MONEY_TEXT_SIZE API_REASON_SIZE

/* The funding field's two values. */
#define MONEY_FUNDING_CASH "Cash"
#define MONEY_FUNDING_WALLET "Wallet"

struct money_form {
	const char *type;     /* API_TYPE_ name */
	const char *title;    /* "Cash-in" ... */
	int count;            /* fields, at most FIELDSET_MAX */
	const enum money_field *fields; /* kind of each field, in order */
	const struct fieldset_spec *wide;
	const struct fieldset_spec *compact;
};

/* The facts a form collected beyond its fields. */
struct money_form_extra {
	const char *wallet_name;   /* holder of the wallet field, or "" */
	const char *customer_id;   /* cash-in to a pending customer, or "" */
	const char *holder_name;   /* from the name enquiry, or "" */
	const char *original_id;   /* the operation a reversal reverses */
};

/* Return the form of operation type `type`, or NULL when there is none
 * (wallet transfer and send money have screens of their own). */
const struct money_form *money_form_find(const char *type);

/* Return the position of field kind `field` in form, or MONEY_FIELD_NONE
 * when the form does not have it. */
int money_form_index(const struct money_form *form, enum money_field field);

/* Return the field's label for the layout in use. */
const char *money_form_label(enum money_field field, bool compact);

/* Return the field's hint: what to type, e.g. "e.g. 12.50". */
const char *money_form_hint(enum money_field field);

/* Return whether the funding text means a customer's wallet pays. */
bool money_form_wallet_funded(const char *funding);

/* Check the text of one field as the cursor leaves it, with the other
 * texts for context (the amount needs the currency, the account the
 * bank). texts has MONEY_FIELD_COUNT rows, indexed by enum money_field.
 * Returns 0, or -1 with a line for the agent in message. */
int money_form_check(struct journal *journal, enum money_field field,
		     char (*texts)[MONEY_TEXT_SIZE],
		     char *message, size_t message_size);

/* Fill *op (type, fields and extras; the fee is left to money_prepare)
 * from the texts of form's fields. The account is written back
 * normalised into texts. Returns 0, or -1 with the field that is wrong
 * in *bad (MONEY_FIELD_NONE for the form as a whole) and a line for the
 * agent in message. */
int money_form_fill(struct journal *journal, const struct money_form *form,
		    char (*texts)[MONEY_TEXT_SIZE],
		    const struct money_form_extra *extra,
		    struct money_operation *op, int *bad, char *message,
		    size_t message_size);

/* Guess which field a message of money_prepare is about from the words
 * it uses, since it returns only the message. Returns a field kind that
 * form has, or MONEY_FIELD_NONE. */
int money_form_field_of(const struct money_form *form, const char *message);

/* Room for one entry of the bank list: code, name and the widest
 * layout's columns of 4-byte characters. */
#define MONEY_BANKS_ENTRY_SIZE (4 * 80 + 1)

/* The cached banks as a menuw menu, "058      Guaranty Trust Bank" one a
 * row, open while `open` is set. */
struct money_banks {
	bool open;
	int count;
	struct refdata_bank banks[REFDATA_BANKS_MAX];
	char entries[REFDATA_BANKS_MAX][MONEY_BANKS_ENTRY_SIZE];
	ITEM *items[REFDATA_BANKS_MAX + 1]; /* NULL-terminated */
	MENU *menu;
	WINDOW *sub;
	bool posted;
};

/* Load the cached banks into the list, each entry cut to width columns,
 * with the bank of code `code` current when it is listed. The list is
 * left unplaced. Returns 0, or -1 with a line for the agent in message
 * (no bank list cached yet, or curses failed), the list then closed. */
int money_banks_open(struct money_banks *list, struct journal *journal,
		     int width, const char *code, char *message,
		     size_t message_size);

/* Post the list on stdscr in at most `rows` rows from (y, x), `width`
 * columns wide, moving it there if it was posted elsewhere. Returns the
 * rows it takes. */
int money_banks_place(struct money_banks *list, int rows, int y, int x,
		      int width);

/* Take the list down and free it. Safe on a closed list. */
void money_banks_close(struct money_banks *list);

/* Move the current bank by an action (Up, Down, PgUp, PgDn, Home, End),
 * or to the first code that starts with what was typed. */
void money_banks_move(struct money_banks *list, enum ui_action action);
void money_banks_type(struct money_banks *list, wchar_t ch);

/* Return the current bank, or NULL when the list is closed. */
const struct refdata_bank *money_banks_current(const struct money_banks *list);

#endif
