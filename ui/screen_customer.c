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
#include "customer_draw.h"

/* The central service's maximum lengths in characters. */
#define CUSTOMER_NAME_MAX 64
#define CUSTOMER_ADDRESS_MAX 200
#define CUSTOMER_EMAIL_MAX (API_EMAIL_SIZE - 1)

/* Text widths in terminal columns: room for the maximum length of
 * characters of two columns each, while .length stops the text at the
 * central service's maximum. Email addresses are ASCII only, one column
 * per character. */
#define CUSTOMER_NAME_WIDTH (2 * CUSTOMER_NAME_MAX)
#define CUSTOMER_ADDRESS_WIDTH (2 * CUSTOMER_ADDRESS_MAX)
#define CUSTOMER_EMAIL_WIDTH CUSTOMER_EMAIL_MAX

/* Indexed by enum customer_field. Both layouts keep the same widths, and
 * the views fit 80 columns, so names, addresses and emails scroll
 * sideways. */
const struct fieldset_spec customer_wide_specs[CUSTOMER_FORM_FIELDS] = {
	[CUSTOMER_FIELD_FIRST_NAME] = { .row = 0,
					.width = CUSTOMER_NAME_WIDTH,
					.length = CUSTOMER_NAME_MAX,
					.view = CUSTOMER_NAME_VIEW },
	[CUSTOMER_FIELD_LAST_NAME] = { .row = 2,
				       .width = CUSTOMER_NAME_WIDTH,
				       .length = CUSTOMER_NAME_MAX,
				       .view = CUSTOMER_NAME_VIEW },
	[CUSTOMER_FIELD_PHONE] = { .row = 4, .width = 20 },
	[CUSTOMER_FIELD_DATE_OF_BIRTH] = { .row = 6, .width = 10 },
	[CUSTOMER_FIELD_ID_TYPE] = { .row = 8, .width = 1 },
	[CUSTOMER_FIELD_ID_NUMBER] = { .row = 10, .width = 20 },
	[CUSTOMER_FIELD_ADDRESS] = { .row = 12,
				     .width = CUSTOMER_ADDRESS_WIDTH,
				     .length = CUSTOMER_ADDRESS_MAX,
				     .view = CUSTOMER_LONG_VIEW },
	[CUSTOMER_FIELD_EMAIL] = { .row = 14,
				   .width = CUSTOMER_EMAIL_WIDTH,
				   .length = CUSTOMER_EMAIL_MAX,
				   .view = CUSTOMER_LONG_VIEW },
};

const struct fieldset_spec
	customer_compact_specs[CUSTOMER_FORM_FIELDS] = {
		[CUSTOMER_FIELD_FIRST_NAME] = { .row = 0,
						.width = CUSTOMER_NAME_WIDTH,
						.length = CUSTOMER_NAME_MAX,
						.view = CUSTOMER_COMPACT_VIEW },
		[CUSTOMER_FIELD_LAST_NAME] = { .row = 1,
					       .width = CUSTOMER_NAME_WIDTH,
					       .length = CUSTOMER_NAME_MAX,
					       .view = CUSTOMER_COMPACT_VIEW },
		[CUSTOMER_FIELD_PHONE] = { .row = 2, .width = 20 },
		[CUSTOMER_FIELD_DATE_OF_BIRTH] = { .row = 3, .width = 10 },
		[CUSTOMER_FIELD_ID_TYPE] = { .row = 4, .width = 1 },
		[CUSTOMER_FIELD_ID_NUMBER] = { .row = 5, .width = 20 },
		[CUSTOMER_FIELD_ADDRESS] = { .row = 6,
					     .width = CUSTOMER_ADDRESS_WIDTH,
					     .length = CUSTOMER_ADDRESS_MAX,
					     .view = CUSTOMER_COMPACT_VIEW },
		[CUSTOMER_FIELD_EMAIL] = { .row = 7,
					   .width = CUSTOMER_EMAIL_WIDTH,
					   .length = CUSTOMER_EMAIL_MAX,
					   .view = CUSTOMER_COMPACT_VIEW },
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

static struct customer_state customer;

const char *customer_id_type(const char *text)
{
	if (text[0] < '1' || text[0] >= '1' + CUSTOMER_ID_TYPE_COUNT ||
	    text[1] != '\0')
		return NULL;
	return customer_id_types[text[0] - '1'];
}

bool customer_editable(const struct customer_state *state, int index)
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

bool customer_can_pay(const struct customer_state *state)
{
	return !state->editing && state->loaded &&
	       (state->op.state == OP_QUEUED ||
		state->op.state == OP_IN_FLIGHT ||
		state->op.state == OP_ACCEPTED);
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

	/* Keys typed or pasted before the confirmation showed must not
	 * confirm it. */
	ui_flush_typeahead(ui);
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
