/* The customer screen's drawing in the wide and the compact layout: the
 * form, the confirmation, and the result with a conflict's versions. */
#include <stdio.h>
#include <string.h>

#include "customer_draw.h"
#include "state_line.h"
#include "draw.h"
#include "theme.h"

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

/* Return the columns a field of the wide form takes on screen. */
static int customer_field_columns(const struct fieldset_spec *spec)
{
	if (spec->view > 0 && spec->view < FIELDSET_SCREEN_WIDTH(spec->width))
		return spec->view;
	return FIELDSET_SCREEN_WIDTH(spec->width);
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
		int column = CUSTOMER_FIELD_COLUMN +
			     customer_field_columns(&customer_wide_specs[i]) +
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
	/* NOTE: an address or e-mail wider than its row, up to 200 and 254
	 * characters, is cut here. The form shows it in full by scrolling. */
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

/* The state line of the result and its attributes. conflict is the
 * parsed reason of a version conflict, or NULL. */
static attr_t customer_state_text(const struct customer_state *state,
				  const struct ui *ui,
				  const struct customer_conflict *conflict,
				  char *text, size_t size)
{
	const struct operation *op = &state->op;
	char attention[UI_MESSAGE_SIZE];
	const char *attention_text = NULL;

	if (conflict != NULL) {
		snprintf(attention, sizeof(attention),
			 "NEEDS ATTENTION: changed at Spotbanc since version "
			 "%lld, which is now version %lld",
			 (long long)conflict->base_version,
			 (long long)conflict->version);
		attention_text = attention;
	} else if (op->last_error[0] == '\0') {
		attention_text = "NEEDS ATTENTION - call support";
	}
	return state_line(ui, op, state->loaded ? NULL : state->message,
			  attention_text, text, size);
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

/* Copy profile into out with the name and phone that update changes. */
static void customer_apply_changes(const struct customer_registration *profile,
				   const struct customer_update *update,
				   struct customer_registration *out)
{
	*out = *profile;
	if (update->changes & API_CHANGE_FIRST_NAME)
		snprintf(out->first_name, sizeof(out->first_name), "%s",
			 update->first_name);
	if (update->changes & API_CHANGE_LAST_NAME)
		snprintf(out->last_name, sizeof(out->last_name), "%s",
			 update->last_name);
	if (update->changes & API_CHANGE_PHONE)
		snprintf(out->phone, sizeof(out->phone), "%s", update->phone);
}

static void customer_draw_result(const struct customer_state *state,
				 const struct ui *ui)
{
	char text[2 * API_PERSON_NAME_SIZE + JOURNAL_ERROR_SIZE];
	struct customer_registration edited;
	const struct customer_registration *customer = &state->reg;
	struct customer_conflict conflict;
	bool conflicted = state->editing && state->loaded &&
			  state->op.state == OP_NEEDS_ATTENTION &&
			  customer_conflict_parse(state->op.last_error,
						  &conflict) == CUSTOMER_OK;
	attr_t attr = customer_state_text(state, ui,
					  conflicted ? &conflict : NULL, text,
					  sizeof(text));

	/* An edit shows the customer with the changes it sends. */
	if (state->editing) {
		customer_apply_changes(&state->base.profile, &state->update,
				       &edited);
		customer = &edited;
	}
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
	snprintf(text, sizeof(text), "%s %s", customer->first_name,
		 customer->last_name);
	customer_draw_value(ui, row++, "Customer", "Customer", text);
	customer_draw_value(ui, row++, "Phone", "Phone", customer->phone);
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

void customer_draw(const struct screen *screen, const struct ui *ui)
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
