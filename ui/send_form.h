/* The send money form: its fields in both layouts, the destinations
 * from the journal's cached corridors, the check of each field and of the
 * whole form, and the operation built from the form and a quote. */
#ifndef SPOTAGENT_UI_SEND_FORM_H
#define SPOTAGENT_UI_SEND_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "../app/money.h"
#include "../app/refdata.h"
#include "fieldset.h"
#include "keys.h"
#include "screen.h"

/* The fields, in the order Tab visits them. */
enum send_field {
	SEND_FIELD_COUNTRY = 0,
	SEND_FIELD_METHOD,
	SEND_FIELD_CURRENCY,
	SEND_FIELD_SEND_AMOUNT,
	SEND_FIELD_RECEIVE_AMOUNT,
	SEND_FIELD_NAME,
	SEND_FIELD_PHONE,
	SEND_FIELD_ACCOUNT,
	SEND_FIELD_COUNT,
};

/* A receiver name has at most 64 columns here, and an account at most
 * 34 characters, the length of the longest IBAN. */
#define SEND_NAME_WIDTH 64
#define SEND_ACCOUNT_WIDTH 34
#define SEND_TEXT_SIZE (4 * SEND_NAME_WIDTH + 1)

/* The fields and what the agent picked. */
struct send_form {
	struct fieldset fields;
	char messages[SEND_FIELD_COUNT][UI_MESSAGE_SIZE];
	struct refdata_corridor corridors[REFDATA_CORRIDORS_MAX];
	int corridor_count;
	int corridor; /* index of the typed country, or -1 */
	int method;   /* index in the corridor's methods, or -1 */
};

/* The field positions of the two layouts, indexed by enum send_field,
 * and the labels and hints the screen draws. */
extern const struct fieldset_spec send_form_wide_specs[SEND_FIELD_COUNT];
extern const struct fieldset_spec send_form_compact_specs[SEND_FIELD_COUNT];
extern const char *const send_form_labels[SEND_FIELD_COUNT];
extern const char *const send_form_compact_labels[SEND_FIELD_COUNT];
extern const char *const send_form_hints[SEND_FIELD_COUNT];

/* Create the fields in the wide layout. Returns 0, or -1 as
 * fieldset_init. */
int send_form_init(struct send_form *form);
void send_form_free(struct send_form *form);

/* Empty the form, prefill the send currency and read the corridors from
 * the journal's cache. Returns 0, or -1 with a line for the agent in
 * message when no corridor can be offered. */
int send_form_clear(struct send_form *form, struct journal *journal,
		    const char *currency, char *message, size_t message_size);

/* Return the corridor of the country typed, or NULL. */
const struct refdata_corridor *send_form_corridor(const struct send_form *form);

/* Return the delivery method picked ("bank_deposit" ...), or "". */
const char *send_form_method(const struct send_form *form);

/* Return the words for a delivery method, or the method itself when it
 * is not known. */
const char *send_form_method_word(const char *method);

/* Return whether the delivery needs the receiver's account: every
 * method but cash pickup. */
bool send_form_needs_account(const struct send_form *form);

/* Pick the corridor's method of index `method` (-1 for none), and empty
 * the account when the method needs none. */
void send_form_set_method(struct send_form *form, int method);

/* Find the corridor of the country field, keeping the method when the
 * corridor offers it, else picking its first. */
void send_form_sync_country(struct send_form *form);

/* Apply an editing action to the current field: Left and Right pick the
 * country and the method, which cannot be erased. Returns true when the
 * action was one of those or of fieldset_edit. */
bool send_form_edit(struct send_form *form, enum ui_action action);

/* Type one character into the current field: a digit picks the method,
 * codes are upper-cased, and typing one amount empties the other. */
void send_form_type(struct send_form *form, wchar_t ch);

/* Return the field `step` (1 or -1) places from field, skipping the
 * account when the method needs none. */
int send_form_next(const struct send_form *form, int field, int step);

/* Check field index and set its message, or clear it. */
void send_form_check_field(struct send_form *form, int index);

/* Write into note what the screen shows after field index: the
 * corridor's name and currency, an amount's currency, or that cash pickup
 * needs no account. */
void send_form_note(const struct send_form *form, int index, char *note,
		    size_t size);

/* Check every field and fill the quote request from the form. Returns 0,
 * or -1 with the fields' messages set and the cursor on the first field
 * with one. */
int send_form_validate(struct send_form *form,
		       struct api_quote_request *request);

/* Fill op with the send money of the form and quote, paid in cash, with
 * quote_deadline on the money_monotonic_seconds clock. */
void send_form_fill(const struct send_form *form, const struct api_quote *quote,
		    int64_t quote_deadline, struct money_operation *op);

#endif
