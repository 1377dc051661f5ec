/* The customer screen's state and layouts, shared by its logic in
 * ui/screen_customer.c and its drawing in ui/customer_draw.c. */
#ifndef SPOTAGENT_UI_CUSTOMER_DRAW_H
#define SPOTAGENT_UI_CUSTOMER_DRAW_H

#include <stdbool.h>

#include "../app/customer.h"
#include "fieldset.h"
#include "screen.h"

#define CUSTOMER_FORM_FIELDS 8

/* The wide layout: a label, its field and a hint on one row, and the
 * field's message on the row below. */
#define CUSTOMER_LABEL_COLUMN 2
#define CUSTOMER_FIELD_COLUMN 20
#define CUSTOMER_FIELD_ROW 3   /* content row of the first field */
#define CUSTOMER_MESSAGE_ROW 20

/* Columns of the wide layout's scrolling views: names leave room for a
 * hint, and the address and email end in column 76. */
#define CUSTOMER_NAME_VIEW 41
#define CUSTOMER_LONG_VIEW 57

/* The compact layout: a label in columns 0 to 11 and its field from
 * column 12 on each row, then one hint row and two message rows for the
 * current field. */
#define CUSTOMER_COMPACT_FIELD_COLUMN 12
#define CUSTOMER_COMPACT_FIELD_ROW 1
#define CUSTOMER_COMPACT_VIEW 27
#define CUSTOMER_COMPACT_HINT_ROW 9
#define CUSTOMER_COMPACT_MESSAGE_ROW 10
#define CUSTOMER_COMPACT_MESSAGE_ROWS 2

/* The text buffers hold a full field of 4-byte UTF-8 characters, which
 * is more than the longest text the fields' lengths let through. */
#define CUSTOMER_TEXT_SIZE (4 * FIELDSET_WIDTH_MAX + 1)

enum customer_mode {
	CUSTOMER_MODE_FORM = 0,
	CUSTOMER_MODE_CONFIRM,
	CUSTOMER_MODE_RESULT,
};

struct customer_state {
	enum customer_mode mode;
	struct fieldset fields;
	char messages[CUSTOMER_FORM_FIELDS][UI_MESSAGE_SIZE]; /* per field */
	char message[UI_MESSAGE_SIZE]; /* for the whole form or confirmation */

	/* Edit mode: the profile as looked up, and the changes built from
	 * the form, normalised as journaled. */
	bool editing;
	struct api_customer base;
	struct customer_update update;

	struct customer_registration reg; /* normalised, once valid */
	struct operation op;              /* built, then as journaled */

	/* The result, reloaded from the journal. */
	bool stale;
	bool loaded;
	char wallet_account[API_ACCOUNT_SIZE]; /* from the cache, if known */
};

/* Field positions of the wide and the compact form, indexed by enum
 * customer_field. Defined in ui/screen_customer.c. */
extern const struct fieldset_spec customer_wide_specs[CUSTOMER_FORM_FIELDS];
extern const struct fieldset_spec customer_compact_specs[CUSTOMER_FORM_FIELDS];

/* Return the ID type, as app/validate.h spells it, that a digit from 1 to
 * 4 alone in text picks, or NULL for any other text. */
const char *customer_id_type(const char *text);

/* Return whether the agent may type into field `index`: in edit mode the
 * date of birth and the ID document are fixed. */
bool customer_editable(const struct customer_state *state, int index);

/* Return whether the registration on the result may receive a transfer:
 * it is loaded, not an update, and queued, in flight or accepted. While
 * the registration is pending, the transfer waits for it. */
bool customer_can_pay(const struct customer_state *state);

/* Draw the screen in its current mode: the form, the confirmation of the
 * registration or the changes, or the result with a conflict's versions.
 * Reads state and changes nothing. Defined in ui/customer_draw.c. */
void customer_draw(const struct screen *screen, const struct ui *ui);

#endif
