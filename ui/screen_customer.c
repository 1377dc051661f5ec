/* The customer screen: the registration form, or the profile edit form
 * of a customer picked on the find screen, checked field by field, a
 * confirmation, then the journaled operation's state. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/customer.h"
#include "../app/log.h"
#include "../app/validate.h"
#include "../offline/sync.h"
#include "country.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

#define CUSTOMER_FORM_FIELDS 8
#define CUSTOMER_NAME_MAX 64    /* characters, as the central service */
#define CUSTOMER_ADDRESS_MAX 200

/* The wide layout: a label, its field and a hint on one row, and the
 * field's message on the row below. */
#define CUSTOMER_LABEL_COLUMN 2
#define CUSTOMER_FIELD_COLUMN 20
#define CUSTOMER_FIELD_ROW 3   /* content row of the first field */
#define CUSTOMER_MESSAGE_ROW 20

/* The compact layout: a label in columns 0 to 11 and its field from
 * column 12 on each row, then one hint row and two message rows for the
 * current field. */
#define CUSTOMER_COMPACT_FIELD_COLUMN 12
#define CUSTOMER_COMPACT_FIELD_ROW 1
#define CUSTOMER_COMPACT_VIEW 27
#define CUSTOMER_COMPACT_HINT_ROW 9
#define CUSTOMER_COMPACT_MESSAGE_ROW 10
#define CUSTOMER_COMPACT_MESSAGE_ROWS 2

/* The text buffers hold a full field of 4-byte UTF-8 characters. */
#define CUSTOMER_TEXT_SIZE (4 * FIELDSET_WIDTH_MAX + 1)

enum customer_mode {
	CUSTOMER_MODE_FORM = 0,
	CUSTOMER_MODE_CONFIRM,
	CUSTOMER_MODE_RESULT,
};

/* Indexed by enum customer_field. The widths fit 80 columns, so a name,
 * address or email longer than its field cannot be typed, and both
 * layouts keep the same widths.
 * NOTE: the central service takes addresses of up to 200 characters and
 * emails of up to 254, but the form holds only 56 of them. */
static const struct fieldset_spec customer_wide_specs[CUSTOMER_FORM_FIELDS] = {
	[CUSTOMER_FIELD_FIRST_NAME] = { .row = 0, .width = 40 },
	[CUSTOMER_FIELD_LAST_NAME] = { .row = 2, .width = 40 },
	[CUSTOMER_FIELD_PHONE] = { .row = 4, .width = 20 },
	[CUSTOMER_FIELD_DATE_OF_BIRTH] = { .row = 6, .width = 10 },
	[CUSTOMER_FIELD_ID_TYPE] = { .row = 8, .width = 1 },
	[CUSTOMER_FIELD_ID_NUMBER] = { .row = 10, .width = 20 },
	[CUSTOMER_FIELD_ADDRESS] = { .row = 12, .width = 56 },
	[CUSTOMER_FIELD_EMAIL] = { .row = 14, .width = 56 },
};

static const struct fieldset_spec
	customer_compact_specs[CUSTOMER_FORM_FIELDS] = {
		[CUSTOMER_FIELD_FIRST_NAME] = { .row = 0, .width = 40,
						.view = CUSTOMER_COMPACT_VIEW },
		[CUSTOMER_FIELD_LAST_NAME] = { .row = 1, .width = 40,
					       .view = CUSTOMER_COMPACT_VIEW },
		[CUSTOMER_FIELD_PHONE] = { .row = 2, .width = 20 },
		[CUSTOMER_FIELD_DATE_OF_BIRTH] = { .row = 3, .width = 10 },
		[CUSTOMER_FIELD_ID_TYPE] = { .row = 4, .width = 1 },
		[CUSTOMER_FIELD_ID_NUMBER] = { .row = 5, .width = 20 },
		[CUSTOMER_FIELD_ADDRESS] = { .row = 6, .width = 56,
					     .view = CUSTOMER_COMPACT_VIEW },
		[CUSTOMER_FIELD_EMAIL] = { .row = 7, .width = 56,
					   .view = CUSTOMER_COMPACT_VIEW },
	};

/* Labels of the wide layout, then of the compact one (11 columns). */
static const char *const customer_labels[2][CUSTOMER_FORM_FIELDS] = {
	{
		[CUSTOMER_FIELD_FIRST_NAME] = "First name",
		[CUSTOMER_FIELD_LAST_NAME] = "Last name",
		[CUSTOMER_FIELD_PHONE] = "Phone",
		[CUSTOMER_FIELD_DATE_OF_BIRTH] = "Date of birth",
		[CUSTOMER_FIELD_ID_TYPE] = "ID type",
		[CUSTOMER_FIELD_ID_NUMBER] = "ID number",
		[CUSTOMER_FIELD_ADDRESS] = "Address",
		[CUSTOMER_FIELD_EMAIL] = "E-mail (optional)",
	},
	{
		[CUSTOMER_FIELD_FIRST_NAME] = "First name",
		[CUSTOMER_FIELD_LAST_NAME] = "Last name",
		[CUSTOMER_FIELD_PHONE] = "Phone",
		[CUSTOMER_FIELD_DATE_OF_BIRTH] = "Born",
		[CUSTOMER_FIELD_ID_TYPE] = "ID type",
		[CUSTOMER_FIELD_ID_NUMBER] = "ID number",
		[CUSTOMER_FIELD_ADDRESS] = "Address",
		[CUSTOMER_FIELD_EMAIL] = "E-mail",
	},
};

/* Hints of the registration form, wide then compact (40 columns). */
static const char *const customer_hints[2][CUSTOMER_FORM_FIELDS] = {
	{
		[CUSTOMER_FIELD_DATE_OF_BIRTH] = "YYYY-MM-DD or DD/MM/YYYY",
		[CUSTOMER_FIELD_ID_TYPE] = "1 national_id 2 passport "
					   "3 voter_id 4 drivers_licence",
	},
	{
		[CUSTOMER_FIELD_DATE_OF_BIRTH] = "YYYY-MM-DD or DD/MM/YYYY",
		[CUSTOMER_FIELD_ID_TYPE] =
			"1 national 2 passport 3 voter 4 driver",
		[CUSTOMER_FIELD_EMAIL] = "optional",
	},
};

/* ID types by the digit typed minus one, as app/validate.h spells them. */
static const char *const customer_id_types[] = {
	"national_id",
	"passport",
	"voter_id",
	"drivers_licence",
};

#define CUSTOMER_ID_TYPE_COUNT \
	((int)(sizeof(customer_id_types) / sizeof(customer_id_types[0])))

/* The profile fields an update may change, in the order of the form,
 * with their JSON names as a version conflict gives them. */
static const struct {
	unsigned bit;
	enum customer_field field;
	const char *name;
} customer_changes[] = {
	{ API_CHANGE_FIRST_NAME, CUSTOMER_FIELD_FIRST_NAME, "first_name" },
	{ API_CHANGE_LAST_NAME, CUSTOMER_FIELD_LAST_NAME, "last_name" },
	{ API_CHANGE_PHONE, CUSTOMER_FIELD_PHONE, "phone" },
	{ API_CHANGE_ADDRESS, CUSTOMER_FIELD_ADDRESS, "address" },
	{ API_CHANGE_EMAIL, CUSTOMER_FIELD_EMAIL, "email" },
};

#define CUSTOMER_CHANGE_COUNT \
	((int)(sizeof(customer_changes) / sizeof(customer_changes[0])))

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

static struct customer_state customer;

/* Return the ID type picked by the digit in text, or NULL. */
static const char *customer_id_type(const char *text)
{
	if (text[0] < '1' || text[0] >= '1' + CUSTOMER_ID_TYPE_COUNT ||
	    text[1] != '\0')
		return NULL;
	return customer_id_types[text[0] - '1'];
}

/* Return whether the agent may type into field `index`: in edit mode the
 * date of birth and the ID document are fixed. */
static bool customer_editable(const struct customer_state *state, int index)
{
	return !state->editing || (index != CUSTOMER_FIELD_DATE_OF_BIRTH &&
				   index != CUSTOMER_FIELD_ID_TYPE &&
				   index != CUSTOMER_FIELD_ID_NUMBER);
}

/* Return the next field the agent may type into after `index` in
 * direction `step` (1 or -1), wrapping around. */
static int customer_step(const struct customer_state *state, int index,
			 int step)
{
	int i;

	for (i = 0; i < CUSTOMER_FORM_FIELDS; i++) {
		index = (index + step + CUSTOMER_FORM_FIELDS) %
			CUSTOMER_FORM_FIELDS;
		if (customer_editable(state, index))
			break;
	}
	return index;
}

static int customer_init(struct screen *screen, struct ui *ui)
{
	struct customer_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, customer_wide_specs,
			     CUSTOMER_FORM_FIELDS);
}

static void customer_destroy(struct screen *screen)
{
	struct customer_state *state = screen->state;

	fieldset_free(&state->fields);
}

/* Check one field as the cursor leaves it and set or clear its
 * message. */
static void customer_check_field(struct customer_state *state,
				 const struct ui *ui, int index)
{
	char text[CUSTOMER_TEXT_SIZE];
	char type_text[4];
	char out[CUSTOMER_TEXT_SIZE];
	char *message = state->messages[index];
	size_t size = sizeof(state->messages[index]);
	const char *type;
	time_t now = time(NULL);
	struct tm today;

	message[0] = '\0';
	if (!customer_editable(state, index))
		return;
	fieldset_get(&state->fields, index, text, sizeof(text));
	switch (index) {
	case CUSTOMER_FIELD_FIRST_NAME:
	case CUSTOMER_FIELD_LAST_NAME:
		validate_person_name(text, CUSTOMER_NAME_MAX, message, size);
		break;
	case CUSTOMER_FIELD_PHONE:
		validate_phone(text,
			       country_code_for_currency(
				       ui->app->config.currency),
			       out, sizeof(out), message, size);
		break;
	case CUSTOMER_FIELD_DATE_OF_BIRTH:
		/* The central service checks the age on the UTC date, as
		 * customer_registration_build does. */
		if (gmtime_r(&now, &today) == NULL) {
			snprintf(message, size, "Cannot read today's date");
			break;
		}
		validate_date_of_birth(text, &today, CUSTOMER_MINIMUM_AGE, out,
				       sizeof(out), message, size);
		break;
	case CUSTOMER_FIELD_ID_TYPE:
		if (customer_id_type(text) == NULL)
			snprintf(message, size,
				 "Type 1 to %d for the ID type",
				 CUSTOMER_ID_TYPE_COUNT);
		break;
	case CUSTOMER_FIELD_ID_NUMBER:
		fieldset_get(&state->fields, CUSTOMER_FIELD_ID_TYPE, type_text,
			     sizeof(type_text));
		type = customer_id_type(type_text);
		if (type == NULL)
			break; /* the ID type field has the message */
		validate_id_number(type, text, out, sizeof(out), message,
				   size);
		break;
	case CUSTOMER_FIELD_ADDRESS:
		validate_address(text, CUSTOMER_ADDRESS_MAX, message, size);
		break;
	case CUSTOMER_FIELD_EMAIL:
		validate_email(text, message, size);
		break;
	default:
		break;
	}
}

/* Empty the form for a new registration. */
static void customer_clear(struct customer_state *state)
{
	int i;

	for (i = 0; i < CUSTOMER_FORM_FIELDS; i++)
		fieldset_set(&state->fields, i, "");
	memset(state->messages, 0, sizeof(state->messages));
	state->editing = false;
	fieldset_focus(&state->fields, CUSTOMER_FIELD_FIRST_NAME);
	state->mode = CUSTOMER_MODE_FORM;
}

/* Fill the form with the profile of ui->edit_customer for edit mode. An
 * ID type the form does not list leaves its field empty, and the hint
 * then shows the type. */
static void customer_start_edit(struct customer_state *state,
				const struct ui *ui)
{
	const struct customer_registration *p = &ui->edit_customer.profile;
	char digit[2] = "";
	int i;

	state->base = ui->edit_customer;
	for (i = 0; i < CUSTOMER_ID_TYPE_COUNT; i++) {
		if (strcmp(p->id_type, customer_id_types[i]) == 0)
			digit[0] = (char)('1' + i);
	}
	fieldset_set(&state->fields, CUSTOMER_FIELD_FIRST_NAME, p->first_name);
	fieldset_set(&state->fields, CUSTOMER_FIELD_LAST_NAME, p->last_name);
	fieldset_set(&state->fields, CUSTOMER_FIELD_PHONE, p->phone);
	fieldset_set(&state->fields, CUSTOMER_FIELD_DATE_OF_BIRTH,
		     p->date_of_birth);
	fieldset_set(&state->fields, CUSTOMER_FIELD_ID_TYPE, digit);
	fieldset_set(&state->fields, CUSTOMER_FIELD_ID_NUMBER, p->id_number);
	fieldset_set(&state->fields, CUSTOMER_FIELD_ADDRESS, p->address);
	fieldset_set(&state->fields, CUSTOMER_FIELD_EMAIL, p->email);
	memset(state->messages, 0, sizeof(state->messages));
	state->editing = true;
	fieldset_focus(&state->fields, CUSTOMER_FIELD_FIRST_NAME);
	state->mode = CUSTOMER_MODE_FORM;
}

/* Read the journaled operation and, once a registration is accepted, the
 * new wallet from the lookup cache that the sync worker fills. */
static void customer_load(struct customer_state *state, struct ui *ui)
{
	struct api_customer cached;
	int rc;

	state->stale = false;
	rc = journal_get(ui->app->journal, state->op.id, &state->op);
	state->loaded = rc == JOURNAL_OK;
	if (!state->loaded) {
		log_error("cannot read operation %s: %s", state->op.id,
			  journal_strerror(rc));
		snprintf(state->message, sizeof(state->message),
			 "Cannot read the operation from the journal: %s",
			 journal_strerror(rc));
		return;
	}
	if (state->editing || state->op.state != OP_ACCEPTED ||
	    state->wallet_account[0] != '\0')
		return;
	rc = customer_lookup_offline(ui->app->journal, API_CUSTOMER_BY_PHONE,
				     state->reg.phone, (int64_t)time(NULL),
				     &cached);
	if (rc == CUSTOMER_OK &&
	    strcmp(cached.profile.customer_id, state->reg.customer_id) == 0 &&
	    cached.wallet_count > 0)
		snprintf(state->wallet_account, sizeof(state->wallet_account),
			 "%s", cached.wallets[0].account);
}

static void customer_enter(struct screen *screen, struct ui *ui,
			   enum screen_id from)
{
	struct customer_state *state = screen->state;

	/* Back from another screen, such as a transfer started on the
	 * result, the agent goes on where they were. */
	if (from == SCREEN_FIND && ui->edit)
		customer_start_edit(state, ui);
	else if (from == SCREEN_HOME)
		customer_clear(state);
	state->message[0] = '\0';
}

static void customer_leave(struct screen *screen, struct ui *ui)
{
	struct customer_state *state = screen->state;

	(void)ui;
	fieldset_unplace(&state->fields);
}

static void customer_layout(struct screen *screen, struct ui *ui)
{
	struct customer_state *state = screen->state;

	if (ui->too_small || state->mode != CUSTOMER_MODE_FORM) {
		fieldset_unplace(&state->fields);
		return;
	}
	if (fieldset_use(&state->fields, ui->compact ? customer_compact_specs
						     : customer_wide_specs) !=
	    0) {
		log_error("rebuilding the customer form failed");
		return;
	}
	if (ui->compact)
		fieldset_place(&state->fields,
			       ui_row(ui, CUSTOMER_COMPACT_FIELD_ROW),
			       ui_column(ui, CUSTOMER_COMPACT_FIELD_COLUMN));
	else
		fieldset_place(&state->fields, ui_row(ui, CUSTOMER_FIELD_ROW),
			       ui_column(ui, CUSTOMER_FIELD_COLUMN));
}

static void customer_reload(struct screen *screen, struct ui *ui)
{
	struct customer_state *state = screen->state;

	if (state->mode == CUSTOMER_MODE_RESULT && state->stale)
		customer_load(state, ui);
}

/* Draw text over at most `rows` rows of `width` columns from content
 * position (row, column), wrapped at blanks and cut after the last row. */
static void customer_draw_wrapped(const struct ui *ui, int row, int column,
				  int width, int rows, attr_t attr,
				  const char *text)
{
	draw_wrapped(stdscr, ui_row(ui, row), ui_column(ui, column), width,
		     rows, attr, text);
}

/* Draw a message for the agent on the message row, or the two message
 * rows of the compact layout. */
static void customer_draw_message(const struct ui *ui, attr_t attr,
				  const char *text)
{
	if (ui->compact)
		customer_draw_wrapped(ui, CUSTOMER_COMPACT_MESSAGE_ROW, 0,
				      ui->columns,
				      CUSTOMER_COMPACT_MESSAGE_ROWS, attr,
				      text);
	else
		draw_line(stdscr, ui_row(ui, CUSTOMER_MESSAGE_ROW),
			  ui_column(ui, CUSTOMER_LABEL_COLUMN),
			  ui->columns - CUSTOMER_LABEL_COLUMN, attr, text);
}

/* Write the hint of field `index` into buf: the format to type, or in
 * edit mode that the field is fixed. */
static void customer_hint(const struct customer_state *state,
			  const struct ui *ui, int index, char *buf,
			  size_t size)
{
	const char *hint = customer_hints[ui->compact][index];

	if (index == CUSTOMER_FIELD_ID_TYPE && state->editing)
		snprintf(buf, size, "%s, not editable",
			 state->base.profile.id_type);
	else if (!customer_editable(state, index))
		snprintf(buf, size, "not editable");
	else
		snprintf(buf, size, "%s", hint != NULL ? hint : "");
}

/* Draw the label of field `index`: bold on the current field, dim on a
 * fixed one, and in the error colour when the field has a message. */
static void customer_draw_label(const struct customer_state *state,
				const struct ui *ui, int index, int current)
{
	attr_t attr = index == current ? A_BOLD : A_NORMAL;
	int row;

	if (!customer_editable(state, index))
		attr = A_DIM;
	if (state->messages[index][0] != '\0')
		attr |= theme_attr(THEME_ERROR);
	if (ui->compact) {
		row = CUSTOMER_COMPACT_FIELD_ROW +
		      customer_compact_specs[index].row;
		draw_line(stdscr, ui_row(ui, row), ui_column(ui, 0),
			  CUSTOMER_COMPACT_FIELD_COLUMN, attr,
			  customer_labels[1][index]);
		return;
	}
	row = CUSTOMER_FIELD_ROW + customer_wide_specs[index].row;
	draw_line(stdscr, ui_row(ui, row), ui_column(ui, CUSTOMER_LABEL_COLUMN),
		  CUSTOMER_FIELD_COLUMN - CUSTOMER_LABEL_COLUMN, attr,
		  customer_labels[0][index]);
}

/* Write the message the compact form shows into buf: the current
 * field's, else the first other field's after its label, so a mistake
 * left behind stays visible, else the form's. */
static void customer_first_message(const struct customer_state *state,
				   int current, char *buf, size_t size)
{
	int i;

	if (state->messages[current][0] != '\0') {
		snprintf(buf, size, "%s", state->messages[current]);
		return;
	}
	for (i = 0; i < CUSTOMER_FORM_FIELDS; i++) {
		if (state->messages[i][0] != '\0') {
			snprintf(buf, size, "%s: %s", customer_labels[1][i],
				 state->messages[i]);
			return;
		}
	}
	snprintf(buf, size, "%s", state->message);
}

/* The compact form shows the hint of the current field, one message, and
 * the type picked beside the ID type field. */
static void customer_draw_compact_form(const struct customer_state *state,
				       const struct ui *ui, int current)
{
	char text[CUSTOMER_TEXT_SIZE];
	char message[UI_MESSAGE_SIZE + 16];
	const char *type;
	int column = CUSTOMER_COMPACT_FIELD_COLUMN + 3;

	fieldset_get(&state->fields, CUSTOMER_FIELD_ID_TYPE, text,
		     sizeof(text));
	type = state->editing ? state->base.profile.id_type
			      : customer_id_type(text);
	draw_line(stdscr,
		  ui_row(ui, CUSTOMER_COMPACT_FIELD_ROW +
				     customer_compact_specs
					     [CUSTOMER_FIELD_ID_TYPE]
						     .row),
		  ui_column(ui, column), ui->columns - column, A_DIM,
		  type != NULL ? type : "");
	customer_hint(state, ui, current, text, sizeof(text));
	draw_line(stdscr, ui_row(ui, CUSTOMER_COMPACT_HINT_ROW),
		  ui_column(ui, 0), ui->columns, A_DIM, text);
	customer_first_message(state, current, message, sizeof(message));
	customer_draw_message(ui, theme_attr(THEME_ERROR), message);
}

static void customer_draw_form(const struct customer_state *state,
			       const struct ui *ui)
{
	char hint[UI_MESSAGE_SIZE];
	int current = fieldset_current(&state->fields);
	int i;

	for (i = 0; i < CUSTOMER_FORM_FIELDS; i++)
		customer_draw_label(state, ui, i, current);
	if (ui->compact) {
		customer_draw_compact_form(state, ui, current);
		fieldset_show_cursor(&state->fields);
		return;
	}
	for (i = 0; i < CUSTOMER_FORM_FIELDS; i++) {
		int row = CUSTOMER_FIELD_ROW + customer_wide_specs[i].row;
		int column =
			CUSTOMER_FIELD_COLUMN +
			FIELDSET_SCREEN_WIDTH(customer_wide_specs[i].width) +
			2;

		customer_hint(state, ui, i, hint, sizeof(hint));
		draw_line(stdscr, ui_row(ui, row), ui_column(ui, column),
			  ui->columns - column, A_DIM, hint);
		draw_line(stdscr, ui_row(ui, row + 1),
			  ui_column(ui, CUSTOMER_FIELD_COLUMN),
			  ui->columns - CUSTOMER_FIELD_COLUMN,
			  theme_attr(THEME_ERROR), state->messages[i]);
	}
	customer_draw_message(ui, theme_attr(THEME_ERROR), state->message);
	fieldset_show_cursor(&state->fields);
}

/* Content row of line i of a list of values: every other row from row 3
 * when wide, every row from row 1 when compact. */
static int customer_list_row(const struct ui *ui, int i)
{
	return ui->compact ? 1 + i : 3 + 2 * i;
}

/* Draw a label and its value on one content row. label is the wide
 * layout's label, and compact the one of at most 11 columns. */
static void customer_draw_value(const struct ui *ui, int row,
				const char *label, const char *compact,
				const char *value)
{
	int label_column = ui->compact ? 0 : CUSTOMER_LABEL_COLUMN;
	int value_column = ui->compact ? CUSTOMER_COMPACT_FIELD_COLUMN
				       : CUSTOMER_FIELD_COLUMN;

	draw_line(stdscr, ui_row(ui, row), ui_column(ui, label_column),
		  value_column - label_column, A_NORMAL,
		  ui->compact ? compact : label);
	draw_line(stdscr, ui_row(ui, row), ui_column(ui, value_column),
		  ui->columns - value_column, A_BOLD, value);
}

/* Draw a line of text from the label column on a content row. */
static void customer_draw_text(const struct ui *ui, int row, attr_t attr,
			       const char *text)
{
	int column = ui->compact ? 0 : CUSTOMER_LABEL_COLUMN;

	draw_line(stdscr, ui_row(ui, row), ui_column(ui, column),
		  ui->columns - column, attr, text);
}

static void customer_draw_confirm_registration(
	const struct customer_state *state, const struct ui *ui)
{
	const struct customer_registration *reg = &state->reg;
	char text[2 * API_PERSON_NAME_SIZE + 2];

	snprintf(text, sizeof(text), "%s %s", reg->first_name,
		 reg->last_name);
	customer_draw_value(ui, customer_list_row(ui, 0), "Name", "Name",
			    text);
	customer_draw_value(ui, customer_list_row(ui, 1), "Phone", "Phone",
			    reg->phone);
	customer_draw_value(ui, customer_list_row(ui, 2), "Date of birth",
			    "Born", reg->date_of_birth);
	snprintf(text, sizeof(text), "%s %s", reg->id_type, reg->id_number);
	customer_draw_value(ui, customer_list_row(ui, 3), "ID", "ID", text);
	customer_draw_value(ui, customer_list_row(ui, 4), "Address",
			    "Address", reg->address);
	customer_draw_value(ui, customer_list_row(ui, 5), "E-mail", "E-mail",
			    reg->email[0] != '\0' ? reg->email : "none");
	customer_draw_value(ui, customer_list_row(ui, 6), "Wallet currency",
			    "Currency", reg->currency);
	customer_draw_text(ui, ui->compact ? 8 : 17, A_NORMAL,
			   ui->compact ? "Enter registers, Esc goes back"
				       : "Enter registers the customer, Esc "
					 "goes back to the form");
}

/* Return the text of a changeable field in a profile or an update. */
static const char *customer_profile_text(
	const struct customer_registration *profile, enum customer_field field)
{
	switch (field) {
	case CUSTOMER_FIELD_FIRST_NAME:
		return profile->first_name;
	case CUSTOMER_FIELD_LAST_NAME:
		return profile->last_name;
	case CUSTOMER_FIELD_PHONE:
		return profile->phone;
	case CUSTOMER_FIELD_ADDRESS:
		return profile->address;
	default:
		return profile->email;
	}
}

static const char *customer_update_text(const struct customer_update *update,
					enum customer_field field)
{
	switch (field) {
	case CUSTOMER_FIELD_FIRST_NAME:
		return update->first_name;
	case CUSTOMER_FIELD_LAST_NAME:
		return update->last_name;
	case CUSTOMER_FIELD_PHONE:
		return update->phone;
	case CUSTOMER_FIELD_ADDRESS:
		return update->address;
	default:
		return update->email;
	}
}

/* Draw one value of a change, "old" or "new", after the label column. */
static void customer_draw_change(const struct ui *ui, int row,
				 const char *label, const char *which,
				 const char *value)
{
	char text[API_ADDRESS_SIZE + 8];

	snprintf(text, sizeof(text), "%s %s", which,
		 value[0] != '\0' ? value : "(none)");
	customer_draw_value(ui, row, label, label, text);
}

/* List each change with its old and new value on two rows. */
static void customer_draw_confirm_update(const struct customer_state *state,
					 const struct ui *ui)
{
	const char *const *labels = customer_labels[ui->compact];
	int row = ui->compact ? 1 : 3;
	int i;

	for (i = 0; i < CUSTOMER_CHANGE_COUNT; i++) {
		enum customer_field field = customer_changes[i].field;

		if ((state->update.changes & customer_changes[i].bit) == 0)
			continue;
		customer_draw_change(
			ui, row, labels[field], "old",
			customer_profile_text(&state->base.profile, field));
		customer_draw_change(
			ui, row + 1, "", "new",
			customer_update_text(&state->update, field));
		row += 2;
	}
	customer_draw_text(ui, ui->compact ? 11 : 17, A_NORMAL,
			   ui->compact ? "Enter saves, Esc goes back"
				       : "Enter saves the changes, Esc goes "
					 "back to the form");
}

/* The state line of the result and its attributes. It never claims more
 * than the journal row, so it shows PENDING until the central service
 * accepts. conflict is the parsed reason of a version conflict, or
 * NULL. */
static attr_t customer_state_text(const struct customer_state *state,
				  const struct ui *ui,
				  const struct customer_conflict *conflict,
				  char *text, size_t size)
{
	const struct operation *op = &state->op;

	if (!state->loaded) {
		snprintf(text, size, "UNKNOWN - %s", state->message);
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
	switch (op->state) {
	case OP_QUEUED:
	case OP_IN_FLIGHT:
		snprintf(text, size, "%s",
			 ui->app->status.online
				 ? "PENDING - waiting for Spotbanc"
				 : "PENDING - offline, will be sent "
				   "automatically");
		return theme_attr(THEME_PENDING) | A_REVERSE;
	case OP_ACCEPTED:
		snprintf(text, size, "CONFIRMED  Ref %s", op->reference);
		return theme_attr(THEME_OK) | A_REVERSE;
	case OP_REJECTED:
		snprintf(text, size, "REJECTED: %s", op->last_error);
		return theme_attr(THEME_ERROR) | A_REVERSE;
	case OP_NEEDS_ATTENTION:
	default:
		if (conflict != NULL)
			snprintf(text, size,
				 "NEEDS ATTENTION: changed at Spotbanc since "
				 "version %lld, which is now version %lld",
				 (long long)conflict->base_version,
				 (long long)conflict->version);
		else if (op->last_error[0] != '\0')
			snprintf(text, size, "NEEDS ATTENTION: %s",
				 op->last_error);
		else
			snprintf(text, size,
				 "NEEDS ATTENTION - call support");
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
}

/* Return whether the registration on the result may receive a transfer:
 * while pending, the transfer waits for it. */
static bool customer_can_pay(const struct customer_state *state)
{
	return !state->editing && state->loaded &&
	       (state->op.state == OP_QUEUED ||
		state->op.state == OP_IN_FLIGHT ||
		state->op.state == OP_ACCEPTED);
}

/* Return the form label of a field by its JSON name, or the name. */
static const char *customer_change_label(const struct ui *ui,
					 const char *name)
{
	int i;

	for (i = 0; i < CUSTOMER_CHANGE_COUNT; i++) {
		if (strcmp(customer_changes[i].name, name) == 0)
			return customer_labels[ui->compact]
					      [customer_changes[i].field];
	}
	return name;
}

/* List both versions of each field of a conflict from content row `row`:
 * two rows a field when wide, and when compact one row a field, cut, for
 * as many as fit before row `end`. */
static void customer_draw_conflict(const struct ui *ui,
				   const struct customer_conflict *conflict,
				   int row, int end)
{
	char text[2 * API_CONFLICT_REASON_MAX + 32];
	int i;

	for (i = 0; i < conflict->count && row < end; i++) {
		const char *label =
			customer_change_label(ui, conflict->fields[i].name);
		const char *central = conflict->fields[i].central;
		const char *edit = conflict->fields[i].edit;

		if (ui->compact) {
			snprintf(text, sizeof(text), "%s / yours %s",
				 central[0] != '\0' ? central : "(none)",
				 edit[0] != '\0' ? edit : "(none)");
			customer_draw_value(ui, row++, label, label, text);
			continue;
		}
		customer_draw_change(ui, row++, label, "Spotbanc", central);
		customer_draw_change(ui, row++, "", "yours   ", edit);
	}
}

static void customer_draw_result(const struct customer_state *state,
				 const struct ui *ui)
{
	char text[2 * API_PERSON_NAME_SIZE + JOURNAL_ERROR_SIZE];
	const struct customer_registration *who =
		state->editing ? &state->base.profile : &state->reg;
	struct customer_conflict conflict;
	bool conflicted = state->editing && state->loaded &&
			  state->op.state == OP_NEEDS_ATTENTION &&
			  customer_conflict_parse(state->op.last_error,
						  &conflict) == CUSTOMER_OK;
	attr_t attr = customer_state_text(state, ui,
					  conflicted ? &conflict : NULL, text,
					  sizeof(text));
	int row = ui->compact ? 1 : 3;
	int column = ui->compact ? 0 : CUSTOMER_LABEL_COLUMN;

	/* The state with its reason may take two rows. */
	customer_draw_wrapped(ui, row, column, ui->columns - 2 * column, 2,
			      attr | A_BOLD, text);
	row += 2;
	if (ui->compact) {
		customer_draw_text(ui, row++, A_NORMAL, "Operation");
		customer_draw_text(ui, row++, A_NORMAL, state->op.id);
	} else {
		snprintf(text, sizeof(text), "Operation %s", state->op.id);
		customer_draw_text(ui, row, A_NORMAL, text);
		row += 2;
	}
	snprintf(text, sizeof(text), "%s %s", who->first_name,
		 who->last_name);
	customer_draw_value(ui, row++, "Customer", "Customer", text);
	customer_draw_value(ui, row++, "Phone", "Phone", who->phone);
	if (state->editing) {
		snprintf(text, sizeof(text), "%lld",
			 (long long)(state->base.version >= 1
					     ? state->base.version
					     : 1));
		customer_draw_value(ui, row++, "Based on version",
				    "Version", text);
	} else if (state->loaded && state->op.state == OP_ACCEPTED) {
		customer_draw_value(ui, row++, "Wallet account", "Wallet",
				    state->wallet_account[0] != '\0'
					    ? state->wallet_account
					    : "not known yet");
	}
	if (conflicted)
		customer_draw_conflict(ui, &conflict, row,
				       ui->compact ? 10 : 20);
	row = ui->compact ? 9 : 13;
	if (state->editing && !ui->compact)
		row = 19; /* below a conflict's rows */
	if (customer_can_pay(state))
		customer_draw_text(ui, row, A_BOLD,
				   "1 Transfer to this customer");
	customer_draw_text(ui, row + 1, A_NORMAL,
			   ui->compact ? "Enter or Esc: home screen"
				       : "Enter or Esc returns to the home "
					 "screen");
}

static void customer_draw(const struct screen *screen, const struct ui *ui)
{
	const struct customer_state *state = screen->state;
	static const char *const titles[2][3] = {
		{
			[CUSTOMER_MODE_FORM] = "Register customer",
			[CUSTOMER_MODE_CONFIRM] =
				"Confirm customer registration",
			[CUSTOMER_MODE_RESULT] = "Customer registration",
		},
		{
			[CUSTOMER_MODE_FORM] = "Edit customer profile",
			[CUSTOMER_MODE_CONFIRM] = "Confirm profile changes",
			[CUSTOMER_MODE_RESULT] = "Profile update",
		},
	};
	char title[UI_MESSAGE_SIZE];
	const char *name = titles[state->editing][state->mode];

	if (state->editing && state->mode == CUSTOMER_MODE_FORM &&
	    state->base.version < 1)
		snprintf(title, sizeof(title), "%s%s (%s)",
			 ui->compact ? "" : "  ", name,
			 ui->compact ? "pending" : "registration pending");
	else if (state->editing && state->mode == CUSTOMER_MODE_FORM)
		snprintf(title, sizeof(title), "%s%s, version %lld",
			 ui->compact ? "" : "  ", name,
			 (long long)state->base.version);
	else
		snprintf(title, sizeof(title), "%s%s", ui->compact ? "" : "  ",
			 name);
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE), title);
	switch (state->mode) {
	case CUSTOMER_MODE_FORM:
		customer_draw_form(state, ui);
		break;
	case CUSTOMER_MODE_CONFIRM:
		if (state->editing)
			customer_draw_confirm_update(state, ui);
		else
			customer_draw_confirm_registration(state, ui);
		/* Only a failure to journal has a message here, and in the
		 * compact layout it covers the last rows. */
		if (state->message[0] != '\0')
			customer_draw_message(ui, theme_attr(THEME_ERROR),
					      state->message);
		break;
	case CUSTOMER_MODE_RESULT:
	default:
		customer_draw_result(state, ui);
		break;
	}
}

/* Switch between the form and the other modes, posting or unposting the
 * form to match. */
static void customer_set_mode(struct customer_state *state, struct ui *ui,
			      enum customer_mode mode)
{
	state->mode = mode;
	state->message[0] = '\0';
	/* Nothing of the previous mode may stay on the terminal. */
	erase();
	if (mode == CUSTOMER_MODE_FORM)
		customer_layout(&screen_customer, ui);
	else
		fieldset_unplace(&state->fields);
	ui->dirty = true;
}

/* Read the registration form into a registration and build its journal
 * row in state->reg and state->op. Returns 0, or -1 with *field and
 * message set as customer_registration_build does. */
static int customer_build_registration(struct customer_state *state,
				       const struct ui *ui,
				       enum customer_field *field,
				       char *message, size_t size)
{
	struct customer_registration *typed;
	char type_text[4];
	const char *type;
	int rc;

	typed = calloc(1, sizeof(*typed));
	if (typed == NULL) {
		*field = CUSTOMER_FIELD_NONE;
		snprintf(message, size, "Not saved: no memory");
		return -1;
	}
	fieldset_get(&state->fields, CUSTOMER_FIELD_FIRST_NAME,
		     typed->first_name, sizeof(typed->first_name));
	fieldset_get(&state->fields, CUSTOMER_FIELD_LAST_NAME,
		     typed->last_name, sizeof(typed->last_name));
	fieldset_get(&state->fields, CUSTOMER_FIELD_PHONE, typed->phone,
		     sizeof(typed->phone));
	fieldset_get(&state->fields, CUSTOMER_FIELD_DATE_OF_BIRTH,
		     typed->date_of_birth, sizeof(typed->date_of_birth));
	fieldset_get(&state->fields, CUSTOMER_FIELD_ID_TYPE, type_text,
		     sizeof(type_text));
	type = customer_id_type(type_text);
	snprintf(typed->id_type, sizeof(typed->id_type), "%s",
		 type != NULL ? type : type_text);
	fieldset_get(&state->fields, CUSTOMER_FIELD_ID_NUMBER,
		     typed->id_number, sizeof(typed->id_number));
	fieldset_get(&state->fields, CUSTOMER_FIELD_ADDRESS, typed->address,
		     sizeof(typed->address));
	fieldset_get(&state->fields, CUSTOMER_FIELD_EMAIL, typed->email,
		     sizeof(typed->email));
	snprintf(typed->currency, sizeof(typed->currency), "%s",
		 ui->app->config.currency);

	rc = customer_registration_build(
		ui->app->session.agent_id, typed,
		country_code_for_currency(ui->app->config.currency),
		(int64_t)time(NULL), &state->reg, &state->op, field, message,
		size);
	free(typed);
	return rc;
}

/* Return whether the phone typed is the profile's phone, in any form
 * that normalises to the same E.164 number. */
static bool customer_same_phone(const struct ui *ui, const char *typed,
				const char *phone)
{
	char e164[VALIDATE_PHONE_SIZE];
	char message[UI_MESSAGE_SIZE];

	if (validate_phone(typed,
			   country_code_for_currency(ui->app->config.currency),
			   e164, sizeof(e164), message,
			   sizeof(message)) != VALIDATE_OK)
		return false;
	return strcmp(e164, phone) == 0;
}

/* Compare the edit form with the profile and build the update of the
 * changed fields in state->op, and in state->update as journaled.
 * Returns 0, or -1 with *field and message set as customer_update_build
 * does, and *field CUSTOMER_FIELD_NONE when nothing changed. */
static int customer_build_update(struct customer_state *state,
				 const struct ui *ui,
				 enum customer_field *field, char *message,
				 size_t size)
{
	const struct customer_registration *old = &state->base.profile;
	struct customer_update *typed;
	int rc = -1;

	*field = CUSTOMER_FIELD_NONE;
	typed = calloc(1, sizeof(*typed));
	if (typed == NULL) {
		snprintf(message, size, "Not saved: no memory");
		return -1;
	}
	fieldset_get(&state->fields, CUSTOMER_FIELD_FIRST_NAME,
		     typed->first_name, sizeof(typed->first_name));
	fieldset_get(&state->fields, CUSTOMER_FIELD_LAST_NAME,
		     typed->last_name, sizeof(typed->last_name));
	fieldset_get(&state->fields, CUSTOMER_FIELD_PHONE, typed->phone,
		     sizeof(typed->phone));
	fieldset_get(&state->fields, CUSTOMER_FIELD_ADDRESS, typed->address,
		     sizeof(typed->address));
	fieldset_get(&state->fields, CUSTOMER_FIELD_EMAIL, typed->email,
		     sizeof(typed->email));
	if (strcmp(typed->first_name, old->first_name) != 0)
		typed->changes |= API_CHANGE_FIRST_NAME;
	if (strcmp(typed->last_name, old->last_name) != 0)
		typed->changes |= API_CHANGE_LAST_NAME;
	if (!customer_same_phone(ui, typed->phone, old->phone))
		typed->changes |= API_CHANGE_PHONE;
	if (strcmp(typed->address, old->address) != 0)
		typed->changes |= API_CHANGE_ADDRESS;
	if (strcmp(typed->email, old->email) != 0)
		typed->changes |= API_CHANGE_EMAIL;
	if (typed->changes == 0) {
		snprintf(message, size,
			 "Nothing changed: edit a field, or Esc to leave");
		goto out;
	}

	/* A customer whose registration is still pending has version 0
	 * here; the registration makes version 1. */
	snprintf(typed->customer_id, sizeof(typed->customer_id), "%s",
		 old->customer_id);
	typed->base_version = state->base.version >= 1 ? state->base.version
						       : 1;
	if (customer_update_build(
		    ui->app->session.agent_id, ui->app->config.currency, typed,
		    country_code_for_currency(ui->app->config.currency),
		    (int64_t)time(NULL), &state->op, field, message,
		    size) != 0)
		goto out;
	if (api_customer_update_decode(state->op.payload, &state->update) !=
	    API_OK) {
		log_error("update %s: decoding its payload failed",
			  state->op.id);
		snprintf(message, size, "Not saved: the update is malformed");
		goto out;
	}
	rc = 0;
out:
	free(typed);
	return rc;
}

/* Validate and build the registration or the update. Returns 0 with
 * state->op set, or -1 with the message on the first bad field and the
 * cursor on it, or on the form. */
static int customer_build(struct customer_state *state, struct ui *ui)
{
	char message[UI_MESSAGE_SIZE];
	char type_text[4];
	enum customer_field field = CUSTOMER_FIELD_NONE;
	int rc;

	if (state->editing)
		rc = customer_build_update(state, ui, &field, message,
					   sizeof(message));
	else
		rc = customer_build_registration(state, ui, &field, message,
						 sizeof(message));
	if (rc == 0)
		return 0;

	/* An ID type typed as a digit has its own message on the form. */
	fieldset_get(&state->fields, CUSTOMER_FIELD_ID_TYPE, type_text,
		     sizeof(type_text));
	if (field == CUSTOMER_FIELD_ID_TYPE &&
	    customer_id_type(type_text) == NULL) {
		customer_check_field(state, ui, CUSTOMER_FIELD_ID_TYPE);
		fieldset_focus(&state->fields, field);
	} else if (field >= 0 && field < CUSTOMER_FORM_FIELDS) {
		snprintf(state->messages[field], sizeof(state->messages[0]),
			 "%s", message);
		fieldset_focus(&state->fields, field);
	} else {
		snprintf(state->message, sizeof(state->message), "%s",
			 message);
	}
	return -1;
}

/* Enter on the form: the next field the agent may type into, or after
 * the last one the confirmation. */
static int customer_form_confirm(struct customer_state *state, struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	int next = customer_step(state, current, 1);

	customer_check_field(state, ui, current);
	if (next > current) {
		fieldset_focus(&state->fields, next);
		return SCREEN_HANDLED;
	}
	if (customer_build(state, ui) != 0)
		return SCREEN_HANDLED;
	customer_set_mode(state, ui, CUSTOMER_MODE_CONFIRM);
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* Journal the confirmed registration or update and show its state. */
static int customer_submit(struct customer_state *state, struct ui *ui)
{
	char message[UI_MESSAGE_SIZE];

	if (customer_journal(ui->app->journal, &state->op,
			     ui->app->status.online, message,
			     sizeof(message)) != 0) {
		snprintf(state->message, sizeof(state->message), "%s",
			 message);
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
	log_info("customer %s %s journaled",
		 state->editing ? "update" : "registration", state->op.id);
	snprintf(ui->operation_id, sizeof(ui->operation_id), "%s",
		 state->op.id);
	state->wallet_account[0] = '\0';
	customer_set_mode(state, ui, CUSTOMER_MODE_RESULT);
	customer_load(state, ui);
	app_refresh_counts(ui->app);
	if (ui->app->sync != NULL)
		sync_kick(ui->app->sync);
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* Hand the registered customer to the transfer form: by the new wallet
 * once known, else by customer id, so the transfer waits for the
 * registration. */
static int customer_pay(struct customer_state *state, struct ui *ui)
{
	const struct customer_registration *reg = &state->reg;
	char name[2 * API_PERSON_NAME_SIZE + 2];
	size_t length;

	memset(&ui->payee, 0, sizeof(ui->payee));
	if (state->op.state == OP_ACCEPTED && state->wallet_account[0] != '\0')
		snprintf(ui->payee.account, sizeof(ui->payee.account), "%s",
			 state->wallet_account);
	else
		snprintf(ui->payee.customer_id, sizeof(ui->payee.customer_id),
			 "%s", reg->customer_id);
	snprintf(name, sizeof(name), "%s %s", reg->first_name,
		 reg->last_name);

	/* Cut the name on a character boundary to fit the payee's. */
	length = strlen(name);
	if (length >= sizeof(ui->payee.name)) {
		length = sizeof(ui->payee.name) - 1;
		while (length > 0 &&
		       ((unsigned char)name[length] & 0xc0) == 0x80)
			length--;
	}
	memcpy(ui->payee.name, name, length);
	ui->payee.name[length] = '\0';
	snprintf(ui->payee.currency, sizeof(ui->payee.currency), "%s",
		 reg->currency);
	ui->payee.set = true;
	return ui_switch(ui, SCREEN_TRANSFER);
}

/* Leave the screen: to the find screen from the edit form, else home. */
static int customer_leave_to(struct customer_state *state, struct ui *ui,
			     enum screen_id next)
{
	state->editing = false;
	ui->edit = false;
	return ui_switch(ui, next);
}

static int customer_on_form_action(struct customer_state *state,
				   struct ui *ui, enum ui_action action)
{
	int current = fieldset_current(&state->fields);

	state->message[0] = '\0';
	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;
	switch (action) {
	case UI_ACTION_NEXT:
	case UI_ACTION_PREV:
		customer_check_field(state, ui, current);
		fieldset_focus(&state->fields,
			       customer_step(state, current,
					     action == UI_ACTION_NEXT ? 1
								      : -1));
		return SCREEN_HANDLED;
	case UI_ACTION_CONFIRM:
		return customer_form_confirm(state, ui);
	case UI_ACTION_BACK:
		return customer_leave_to(state, ui,
					 state->editing ? SCREEN_FIND
							: SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

static int customer_on_action(struct screen *screen, struct ui *ui,
			      enum ui_action action)
{
	struct customer_state *state = screen->state;

	switch (state->mode) {
	case CUSTOMER_MODE_CONFIRM:
		if (action == UI_ACTION_CONFIRM)
			return customer_submit(state, ui);
		if (action != UI_ACTION_BACK)
			return SCREEN_IGNORED;
		customer_set_mode(state, ui, CUSTOMER_MODE_FORM);
		return SCREEN_HANDLED | SCREEN_REDRAW;
	case CUSTOMER_MODE_RESULT:
		if (action == UI_ACTION_CONFIRM || action == UI_ACTION_BACK)
			return customer_leave_to(state, ui, SCREEN_HOME);
		return SCREEN_IGNORED;
	case CUSTOMER_MODE_FORM:
	default:
		return customer_on_form_action(state, ui, action);
	}
}

static int customer_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct customer_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	if (state->mode == CUSTOMER_MODE_RESULT && ch == L'1' &&
	    customer_can_pay(state))
		return customer_pay(state, ui);
	if (state->mode != CUSTOMER_MODE_FORM ||
	    !customer_editable(state, current))
		return SCREEN_IGNORED;
	state->messages[current][0] = '\0';
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

static int customer_on_event(struct screen *screen, struct ui *ui,
			     const struct event *event)
{
	struct customer_state *state = screen->state;

	(void)ui;
	if (state->mode != CUSTOMER_MODE_RESULT)
		return SCREEN_IGNORED;
	if (event->type == EVENT_QUEUE ||
	    (event->type == EVENT_OPERATION &&
	     ui_event_is_for(event, state->op.id))) {
		state->stale = true;
		return SCREEN_REDRAW;
	}
	return SCREEN_IGNORED;
}

/* F5 (sync) is not listed on the help line, which must fit the 40
 * columns of the compact layout, but it works here as everywhere. */
struct screen screen_customer = {
	.name = "customer",
	.cursor = true,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT | UI_HELP_QUIT,
	.init = customer_init,
	.enter = customer_enter,
	.leave = customer_leave,
	.layout = customer_layout,
	.reload = customer_reload,
	.draw = customer_draw,
	.on_action = customer_on_action,
	.on_text = customer_on_text,
	.on_event = customer_on_event,
	.destroy = customer_destroy,
	.state = &customer,
};
