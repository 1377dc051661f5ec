/* The customer registration screen: a form checked field by field, a
 * confirmation of the normalised fields, then the journaled operation's
 * state as the journal records it. */
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
#define CUSTOMER_LABEL_COLUMN 2
#define CUSTOMER_FIELD_COLUMN 20
#define CUSTOMER_FIELD_ROW 3   /* content row of the first field */
#define CUSTOMER_MESSAGE_ROW 20
#define CUSTOMER_NAME_MAX 64    /* characters, as the central service */
#define CUSTOMER_ADDRESS_MAX 200

/* The text buffers hold a full field of 4-byte UTF-8 characters. */
#define CUSTOMER_TEXT_SIZE (4 * FIELDSET_WIDTH_MAX + 1)

enum customer_mode {
	CUSTOMER_MODE_FORM = 0,
	CUSTOMER_MODE_CONFIRM,
	CUSTOMER_MODE_RESULT,
};

/* Indexed by enum customer_field. The widths fit 80 columns, so a name,
 * address or email longer than its field cannot be typed.
 * NOTE: the central service takes addresses of up to 200 characters and
 * emails of up to 254, but the form holds only 56 of them. */
static const struct fieldset_spec customer_specs[CUSTOMER_FORM_FIELDS] = {
	[CUSTOMER_FIELD_FIRST_NAME] = { .row = 0, .width = 40 },
	[CUSTOMER_FIELD_LAST_NAME] = { .row = 2, .width = 40 },
	[CUSTOMER_FIELD_PHONE] = { .row = 4, .width = 20 },
	[CUSTOMER_FIELD_DATE_OF_BIRTH] = { .row = 6, .width = 10 },
	[CUSTOMER_FIELD_ID_TYPE] = { .row = 8, .width = 1 },
	[CUSTOMER_FIELD_ID_NUMBER] = { .row = 10, .width = 20 },
	[CUSTOMER_FIELD_ADDRESS] = { .row = 12, .width = 56 },
	[CUSTOMER_FIELD_EMAIL] = { .row = 14, .width = 56 },
};

static const char *const customer_labels[CUSTOMER_FORM_FIELDS] = {
	[CUSTOMER_FIELD_FIRST_NAME] = "First name",
	[CUSTOMER_FIELD_LAST_NAME] = "Last name",
	[CUSTOMER_FIELD_PHONE] = "Phone",
	[CUSTOMER_FIELD_DATE_OF_BIRTH] = "Date of birth",
	[CUSTOMER_FIELD_ID_TYPE] = "ID type",
	[CUSTOMER_FIELD_ID_NUMBER] = "ID number",
	[CUSTOMER_FIELD_ADDRESS] = "Address",
	[CUSTOMER_FIELD_EMAIL] = "E-mail (optional)",
};

static const char *const customer_hints[CUSTOMER_FORM_FIELDS] = {
	[CUSTOMER_FIELD_DATE_OF_BIRTH] = "YYYY-MM-DD or DD/MM/YYYY",
	[CUSTOMER_FIELD_ID_TYPE] =
		"1 national_id 2 passport 3 voter_id 4 drivers_licence",
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

struct customer_state {
	enum customer_mode mode;
	struct fieldset fields;
	char messages[CUSTOMER_FORM_FIELDS][UI_MESSAGE_SIZE]; /* under each */
	char message[UI_MESSAGE_SIZE]; /* for the whole form or confirmation */

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

static int customer_init(struct screen *screen, struct ui *ui)
{
	struct customer_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, customer_specs,
			     CUSTOMER_FORM_FIELDS);
}

static void customer_destroy(struct screen *screen)
{
	struct customer_state *state = screen->state;

	fieldset_free(&state->fields);
}

/* Check one field as the cursor leaves it and set or clear the message
 * under it. */
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

static void customer_clear(struct customer_state *state)
{
	int i;

	for (i = 0; i < CUSTOMER_FORM_FIELDS; i++)
		fieldset_set(&state->fields, i, "");
	memset(state->messages, 0, sizeof(state->messages));
	fieldset_focus(&state->fields, CUSTOMER_FIELD_FIRST_NAME);
	state->mode = CUSTOMER_MODE_FORM;
}

/* Read the journaled operation and, once accepted, the new wallet from
 * the lookup cache that the sync worker fills. */
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
	if (state->op.state != OP_ACCEPTED || state->wallet_account[0] != '\0')
		return;
	rc = customer_lookup_offline(ui->app->journal, API_CUSTOMER_BY_PHONE,
				     state->reg.phone, (int64_t)time(NULL),
				     &cached);
	if (rc == CUSTOMER_OK &&
	    strcmp(cached.profile.customer_id, state->reg.customer_id) == 0)
		snprintf(state->wallet_account, sizeof(state->wallet_account),
			 "%s", cached.wallets[0].account);
}

static void customer_enter(struct screen *screen, struct ui *ui,
			   enum screen_id from)
{
	struct customer_state *state = screen->state;

	(void)ui;
	/* Back from the lock screen, the agent goes on where they were. */
	if (from == SCREEN_HOME)
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
	fieldset_place(&state->fields, ui_row(ui, CUSTOMER_FIELD_ROW),
		       ui_column(ui, CUSTOMER_FIELD_COLUMN));
}

static void customer_reload(struct screen *screen, struct ui *ui)
{
	struct customer_state *state = screen->state;

	if (state->mode == CUSTOMER_MODE_RESULT && state->stale)
		customer_load(state, ui);
}

static void customer_draw_form(const struct customer_state *state,
			       const struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	int x = ui_column(ui, 0);
	int i;

	for (i = 0; i < CUSTOMER_FORM_FIELDS; i++) {
		int row = CUSTOMER_FIELD_ROW + customer_specs[i].row;
		int hint = CUSTOMER_FIELD_COLUMN +
			   FIELDSET_SCREEN_WIDTH(customer_specs[i].width) + 2;

		draw_line(stdscr, ui_row(ui, row), x + CUSTOMER_LABEL_COLUMN,
			  CUSTOMER_FIELD_COLUMN - CUSTOMER_LABEL_COLUMN,
			  i == current ? A_BOLD : A_NORMAL,
			  customer_labels[i]);
		if (customer_hints[i] != NULL)
			draw_line(stdscr, ui_row(ui, row), x + hint,
				  UI_COLUMNS - hint, A_DIM,
				  customer_hints[i]);
		draw_line(stdscr, ui_row(ui, row + 1),
			  x + CUSTOMER_FIELD_COLUMN,
			  UI_COLUMNS - CUSTOMER_FIELD_COLUMN,
			  theme_attr(THEME_ERROR), state->messages[i]);
	}
	draw_line(stdscr, ui_row(ui, CUSTOMER_MESSAGE_ROW),
		  x + CUSTOMER_LABEL_COLUMN, UI_COLUMNS - CUSTOMER_LABEL_COLUMN,
		  theme_attr(THEME_ERROR), state->message);
	fieldset_show_cursor(&state->fields);
}

static void customer_draw_value(const struct ui *ui, int row,
				const char *label, const char *value)
{
	int x = ui_column(ui, 0);

	draw_line(stdscr, ui_row(ui, row), x + CUSTOMER_LABEL_COLUMN,
		  CUSTOMER_FIELD_COLUMN - CUSTOMER_LABEL_COLUMN, A_NORMAL,
		  label);
	draw_line(stdscr, ui_row(ui, row), x + CUSTOMER_FIELD_COLUMN,
		  UI_COLUMNS - CUSTOMER_FIELD_COLUMN, A_BOLD, value);
}

static void customer_draw_confirm(const struct customer_state *state,
				  const struct ui *ui)
{
	const struct customer_registration *reg = &state->reg;
	char text[2 * API_PERSON_NAME_SIZE + 2];
	int x = ui_column(ui, 0);

	snprintf(text, sizeof(text), "%s %s", reg->first_name,
		 reg->last_name);
	customer_draw_value(ui, 3, "Name", text);
	customer_draw_value(ui, 5, "Phone", reg->phone);
	customer_draw_value(ui, 7, "Date of birth", reg->date_of_birth);
	snprintf(text, sizeof(text), "%s %s", reg->id_type, reg->id_number);
	customer_draw_value(ui, 9, "ID", text);
	customer_draw_value(ui, 11, "Address", reg->address);
	customer_draw_value(ui, 13, "E-mail",
			    reg->email[0] != '\0' ? reg->email : "none");
	customer_draw_value(ui, 15, "Wallet currency", reg->currency);
	draw_line(stdscr, ui_row(ui, 17), x + CUSTOMER_LABEL_COLUMN,
		  UI_COLUMNS - CUSTOMER_LABEL_COLUMN, A_NORMAL,
		  "Enter registers the customer, Esc goes back to the form");
	draw_line(stdscr, ui_row(ui, CUSTOMER_MESSAGE_ROW),
		  x + CUSTOMER_LABEL_COLUMN, UI_COLUMNS - CUSTOMER_LABEL_COLUMN,
		  theme_attr(THEME_ERROR), state->message);
}

/* The state line of the result and its attributes. It never claims more
 * than the journal row, so it shows PENDING until the central service
 * accepts. */
static attr_t customer_state_text(const struct customer_state *state,
				  const struct ui *ui, char *text,
				  size_t size)
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
		snprintf(text, size, "NEEDS ATTENTION - call support");
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
}

static void customer_draw_result(const struct customer_state *state,
				 const struct ui *ui)
{
	char text[UI_MESSAGE_SIZE + JOURNAL_ERROR_SIZE];
	char who[2 * API_PERSON_NAME_SIZE + API_PHONE_SIZE + 4];
	attr_t attr = customer_state_text(state, ui, text, sizeof(text));
	int x = ui_column(ui, 0);

	draw_line(stdscr, ui_row(ui, 3), x + CUSTOMER_LABEL_COLUMN,
		  UI_COLUMNS - CUSTOMER_LABEL_COLUMN, attr | A_BOLD, text);
	snprintf(text, sizeof(text), "Operation %s", state->op.id);
	draw_line(stdscr, ui_row(ui, 5), x + CUSTOMER_LABEL_COLUMN,
		  UI_COLUMNS - CUSTOMER_LABEL_COLUMN, A_NORMAL, text);
	snprintf(who, sizeof(who), "%s %s, %s", state->reg.first_name,
		 state->reg.last_name, state->reg.phone);
	customer_draw_value(ui, 7, "Customer", who);
	if (state->loaded && state->op.state == OP_ACCEPTED)
		customer_draw_value(ui, 9, "Wallet account",
				    state->wallet_account[0] != '\0'
					    ? state->wallet_account
					    : "not known yet");
	draw_line(stdscr, ui_row(ui, 11), x + CUSTOMER_LABEL_COLUMN,
		  UI_COLUMNS - CUSTOMER_LABEL_COLUMN, A_NORMAL,
		  "Enter or Esc returns to the home screen");
}

static void customer_draw(const struct screen *screen, const struct ui *ui)
{
	const struct customer_state *state = screen->state;
	static const char *const titles[] = {
		[CUSTOMER_MODE_FORM] = "  Register customer",
		[CUSTOMER_MODE_CONFIRM] = "  Confirm customer registration",
		[CUSTOMER_MODE_RESULT] = "  Customer registration",
	};

	draw_line(stdscr, ui_row(ui, 1), ui_column(ui, 0), UI_COLUMNS,
		  theme_attr(THEME_TITLE), titles[state->mode]);
	switch (state->mode) {
	case CUSTOMER_MODE_FORM:
		customer_draw_form(state, ui);
		break;
	case CUSTOMER_MODE_CONFIRM:
		customer_draw_confirm(state, ui);
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

/* Validate and build the whole registration. Returns 0 with state->reg
 * and state->op set, or -1 with the message under the first bad field
 * and the cursor on it. */
static int customer_build(struct customer_state *state, struct ui *ui)
{
	struct customer_registration *typed;
	char type_text[4];
	char message[UI_MESSAGE_SIZE];
	enum customer_field field = CUSTOMER_FIELD_NONE;
	const char *type;
	int rc;

	typed = calloc(1, sizeof(*typed));
	if (typed == NULL) {
		snprintf(state->message, sizeof(state->message),
			 "Not saved: no memory");
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
		(int64_t)time(NULL), &state->reg, &state->op, &field, message,
		sizeof(message));
	free(typed);
	if (rc == 0)
		return 0;

	/* An ID type typed as a digit has its own message on the form. */
	if (field == CUSTOMER_FIELD_ID_TYPE && type == NULL) {
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

static int customer_form_confirm(struct customer_state *state, struct ui *ui)
{
	int current = fieldset_current(&state->fields);

	customer_check_field(state, ui, current);
	if (current < CUSTOMER_FORM_FIELDS - 1) {
		fieldset_focus(&state->fields, current + 1);
		return SCREEN_HANDLED;
	}
	if (customer_build(state, ui) != 0)
		return SCREEN_HANDLED;
	customer_set_mode(state, ui, CUSTOMER_MODE_CONFIRM);
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

/* Journal the confirmed registration and show its state. */
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
	log_info("customer registration %s journaled", state->op.id);
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

static int customer_on_action(struct screen *screen, struct ui *ui,
			      enum ui_action action)
{
	struct customer_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	if (state->mode == CUSTOMER_MODE_CONFIRM) {
		if (action == UI_ACTION_CONFIRM)
			return customer_submit(state, ui);
		if (action != UI_ACTION_BACK)
			return SCREEN_IGNORED;
		customer_set_mode(state, ui, CUSTOMER_MODE_FORM);
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
	if (state->mode == CUSTOMER_MODE_RESULT) {
		if (action == UI_ACTION_CONFIRM || action == UI_ACTION_BACK)
			return ui_switch(ui, SCREEN_HOME);
		return SCREEN_IGNORED;
	}

	state->message[0] = '\0';
	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;
	switch (action) {
	case UI_ACTION_NEXT:
	case UI_ACTION_PREV:
		customer_check_field(state, ui, current);
		current += action == UI_ACTION_NEXT ? 1 : -1;
		current = (current + CUSTOMER_FORM_FIELDS) %
			  CUSTOMER_FORM_FIELDS;
		fieldset_focus(&state->fields, current);
		return SCREEN_HANDLED;
	case UI_ACTION_CONFIRM:
		return customer_form_confirm(state, ui);
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

static int customer_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct customer_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	(void)ui;
	if (state->mode != CUSTOMER_MODE_FORM)
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

struct screen screen_customer = {
	.name = "customer",
	.cursor = true,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT | UI_HELP_SYNC |
		UI_HELP_QUIT,
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
