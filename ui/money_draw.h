/* The money screen's state and layouts, shared by its logic in
 * ui/screen_money.c and its view (layout, help line, bank list and
 * drawing) in ui/money_draw.c, and the float estimate that the float
 * screen makes for the money confirmation. */
#ifndef SPOTAGENT_UI_MONEY_DRAW_H
#define SPOTAGENT_UI_MONEY_DRAW_H

#include <stdbool.h>

#include "../app/currency.h"
#include "../app/money.h"
#include "fieldset.h"
#include "money_form.h"
#include "screen.h"

/* Wide layout: labels from column 4, fields from column 22, hints or the
 * wallet holder and the bank's name from column 44, each field's message
 * under it. */
#define MONEY_LABEL_COLUMN 4
#define MONEY_FIELD_COLUMN 22
#define MONEY_HINT_COLUMN 44
#define MONEY_FIELD_ROW 3
#define MONEY_HOLDER_ROW 14   /* name enquiry of a bank transfer */
#define MONEY_MESSAGE_ROW 16

/* Compact layout: labels in columns 0..11, fields from column 12, and
 * two rows for the current field's message and the form's. */
#define MONEY_COMPACT_FIELD_COLUMN 12
#define MONEY_COMPACT_FIELD_ROW 2
#define MONEY_COMPACT_HOLDER_ROW 8
#define MONEY_COMPACT_CODE_ROW 7
#define MONEY_COMPACT_MESSAGE_ROW 10 /* and the row under it */

/* The bank list: rows it takes from content row 3 (wide) or 2. */
#define MONEY_LIST_ROW 3
#define MONEY_LIST_ROWS 15
#define MONEY_COMPACT_LIST_ROW 2
#define MONEY_COMPACT_LIST_ROWS 8
#define MONEY_LIST_MARGIN 2

/* The compact help line leaves out F5 and F10, which still work, so that
 * "Enter:Get code" fits 40 columns, and Tab on the bank field, for
 * PgDn. */
#define MONEY_HELP \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT | UI_HELP_SYNC | \
	 UI_HELP_QUIT)
#define MONEY_HELP_COMPACT (UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT)
#define MONEY_LIST_HELP (UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SCROLL)


/* The operation types with a form on this screen: cash-in, cash-out,
 * bank transfer and reversal. */
#define MONEY_TYPE_COUNT 4

/* A request that must succeed before the confirmation: the name enquiry
 * of a bank account, or the cash-out code sent to the customer. `key`
 * contains its inputs, so the reply is used only while they stay the
 * same. */
enum money_ask_state {
	MONEY_ASK_NONE = 0,
	MONEY_ASK_WAITING,
	MONEY_ASK_DONE,   /* text: holder name, or where the code went */
	MONEY_ASK_FAILED, /* text: why, for the agent */
};

struct money_ask {
	enum money_ask_state state;
	char key[128];
	char text[API_NAME_SIZE];
	char sent_to[API_MASKED_PHONE_SIZE]; /* cash-out code: masked phone */
	int64_t done_at;                /* Unix seconds of the reply */
};

struct money_state {
	struct fieldset sets[MONEY_TYPE_COUNT];
	bool ready[MONEY_TYPE_COUNT];
	int kind;                       /* index in money_types */
	const struct money_form *form;
	struct fieldset *fields;        /* sets[kind] */
	char texts[MONEY_FIELD_COUNT][MONEY_TEXT_SIZE];
	char messages[FIELDSET_MAX][UI_MESSAGE_SIZE]; /* under each field */
	char message[UI_MESSAGE_SIZE];  /* for the whole form */
	char bank_name[API_BANK_NAME_SIZE]; /* of the bank field's code */
	char bank_currency[4];          /* of the bank field's code, or "" */
	char currency_set[4];           /* what the form put in the currency
					   field (the default, a payee's or
					   the wallet's currency), to tell it
					   from a currency the agent typed */

	struct money_ask enquiry;       /* bank transfer */
	struct money_ask code;          /* cash-out */
	struct money_request request;   /* the last one sent, to send again
					   after the agent logs in again */
	struct money_ask *asking;       /* the one `request` is for */
	bool deferred;                  /* waits for the wallet lookup, which
					   holds the request thread */
	bool awaiting_lookup;           /* Enter was pressed before the wallet
					   lookup answered, and the form goes
					   on when it does */
	bool new_code;                  /* the agent agreed to replace the
					   cash-out code sent */
	struct money_reply reply;

	/* A cash-in receiver picked on the find screen whose registration
	 * is pending: named by customer id instead of a wallet. */
	bool pending;
	char customer_id[JOURNAL_ID_SIZE];
	char customer_name[API_NAME_SIZE];

	/* The reversal's original operation, as the journal has it. */
	bool original_loaded;
	char original_type[JOURNAL_TYPE_SIZE];
	char original_reference[JOURNAL_REFERENCE_SIZE];
	char original_amount[CURRENCY_TEXT_MAX + 8];

	struct money_banks list;        /* the bank field's list */
};

/* --- Defined in ui/screen_money.c ------------------------------------ */

/* Return whether the form in use is of operation type `type`. */
bool money_is(const struct money_state *state, const char *type);

/* Read every field into state->texts, by field kind. */
void money_read(struct money_state *state);

/* Return the kind of the field that has the cursor. */
enum money_field money_current(const struct money_state *state);

/* Set the text of field kind `field`, when the form has that field. */
void money_set_text(struct money_state *state, enum money_field field,
		    const char *text);

/* Put message under field kind `field`, or on the form's row when field
 * is MONEY_FIELD_NONE or a kind the form does not have. */
void money_field_message(struct money_state *state, int field,
			 const char *message);

/* Return whether the wallet field is used: always, except in a bank
 * transfer paid in cash. Reads state->texts, so call money_read first. */
bool money_wallet_used(const struct money_state *state);

/* Look the bank field's code up in the cached bank list and keep its name
 * and currency in state->bank_name and state->bank_currency, or "" when
 * it is not listed. */
void money_update_bank_name(struct money_state *state, struct ui *ui);

/* After a change of the bank field: update its name and check again the
 * fields that depend on the bank (the account's scheme, the amount's
 * currency and the paying wallet's currency). Reads state->texts, so
 * call money_read first. */
void money_bank_changed(struct money_state *state, struct ui *ui);

/* --- Defined in ui/money_draw.c -------------------------------------- */

/* Set the help line's bits and words for the layout in use and for what
 * Enter does next: send the cash-out code, check the bank account's
 * name, pick a bank from the list, or confirm. */
void money_set_help(struct screen *screen, const struct ui *ui,
		    const struct money_state *state);

/* The screen's layout callback: place the fields, or the bank list while
 * it is open, for the layout in use, keeping what was typed. */
void money_layout(struct screen *screen, struct ui *ui);

/* Read the reversal's original operation (ui->money's original_id) for
 * the lines shown above the reason, and put in state->message why it
 * cannot be reversed, or why it could not be read. */
void money_load_original(struct money_state *state, struct ui *ui);

/* Open the bank list over the form, on the bank field's code. Returns
 * SCREEN_HANDLED, with a message under the bank field when there is no
 * cached bank list. */
int money_list_open(struct money_state *state, struct screen *screen,
		    struct ui *ui);

/* Handle an action while the bank list is open: Enter picks the bank and
 * moves to the account field, Esc closes the list, and the others move
 * in it. Returns enum screen_flag bits. */
int money_list_action(struct money_state *state, struct screen *screen,
		      struct ui *ui, enum ui_action action);

/* The screen's draw callback: the form of the layout in use, or the bank
 * list while it is open. Reads the state and changes nothing. */
void money_draw(const struct screen *screen, const struct ui *ui);

/* --- Defined in ui/screen_float.c ------------------------------------ */

/* The float of an agent in one currency as the terminal estimates it:
 * minor units, negative movements taken from the float. */
struct float_estimate {
	int64_t fetched;    /* balance the central service returned */
	int64_t fetched_at; /* Unix seconds of that reply */
	int64_t since;      /* effect of the agent's operations accepted
			       since, by the journal's updated_at */
	int64_t pending;    /* effect of the agent's operations queued, in
			       flight or needing attention */
};

/* Estimate agent_id's float in currency from the last float fetched for
 * that agent (in memory, or kept in the journal's meta table) and the
 * journal's operations since. Returns 0, or -1 when no float in currency
 * was fetched for the agent or the journal cannot be read (logged). */
int float_estimate(struct journal *journal, const char *agent_id,
		   const char *currency, struct float_estimate *out);

#endif
