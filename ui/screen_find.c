/* The find customer screen: one field for a phone number or a wallet
 * account, looked up at Spotbanc when online, else in the terminal's
 * cache, and the profile found. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/customer.h"
#include "../app/log.h"
#include "../app/validate.h"
#include "country.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

#define FIND_LABEL_COLUMN 2
#define FIND_FIELD_COLUMN 20
#define FIND_FIELD_ROW 3
#define FIND_STATE_ROW 6
#define FIND_PROFILE_ROW 8
#define FIND_WALLET_MIN_DIGITS 6
#define FIND_WALLET_MAX_DIGITS 20
#define FIND_TEXT_SIZE (4 * FIELDSET_WIDTH_MAX + 1)

enum find_result {
	FIND_NONE = 0,
	FIND_CHECKING,
	FIND_FOUND,
	FIND_FAILED, /* message says why, found nothing included */
};

static const struct fieldset_spec find_specs[] = {
	{ .row = 0, .width = 20 },
};

struct find_state {
	struct fieldset fields;
	enum find_result result;
	bool online;                  /* the profile came from Spotbanc */
	struct api_customer customer; /* once found */
	enum api_customer_key by;     /* of the lookup sent */
	char value[API_PHONE_SIZE + API_ACCOUNT_SIZE];
	char message[UI_MESSAGE_SIZE];
};

static struct find_state find;

static int find_init(struct screen *screen, struct ui *ui)
{
	struct find_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, find_specs, 1);
}

static void find_destroy(struct screen *screen)
{
	struct find_state *state = screen->state;

	fieldset_free(&state->fields);
}

static void find_enter(struct screen *screen, struct ui *ui,
		       enum screen_id from)
{
	struct find_state *state = screen->state;

	(void)ui;
	if (from != SCREEN_HOME)
		return;
	fieldset_set(&state->fields, 0, "");
	state->result = FIND_NONE;
	state->message[0] = '\0';
}

static void find_leave(struct screen *screen, struct ui *ui)
{
	struct find_state *state = screen->state;

	(void)ui;
	fieldset_unplace(&state->fields);
}

static void find_layout(struct screen *screen, struct ui *ui)
{
	struct find_state *state = screen->state;

	if (ui->too_small) {
		fieldset_unplace(&state->fields);
		return;
	}
	fieldset_place(&state->fields, ui_row(ui, FIND_FIELD_ROW),
		       ui_column(ui, FIND_FIELD_COLUMN));
}

/* Wipe the profile rows off the terminal. erase() also wipes the field's
 * window, so the field is placed again. */
static void find_wipe(struct ui *ui)
{
	erase();
	if (ui->lock == UI_LOCK_NONE)
		find_layout(&screen_find, ui);
	ui->dirty = true;
}

/* Return whether text is a wallet account: 6 to 20 digits, not starting
 * with 0 (a national phone number does). */
static bool find_is_wallet(const char *text)
{
	size_t length = strlen(text);

	return length >= FIND_WALLET_MIN_DIGITS &&
	       length <= FIND_WALLET_MAX_DIGITS && text[0] != '0' &&
	       strspn(text, "0123456789") == length;
}

/* Show a customer found in the cache, or why there is none. */
static void find_offline(struct find_state *state, struct ui *ui,
			 enum api_customer_key by, const char *value)
{
	int rc = customer_lookup_offline(ui->app->journal, by, value,
					 (int64_t)time(NULL),
					 &state->customer);

	state->online = false;
	if (rc == CUSTOMER_OK) {
		state->result = FIND_FOUND;
		return;
	}
	state->result = FIND_FAILED;
	if (rc == CUSTOMER_ENOTFOUND)
		snprintf(state->message, sizeof(state->message),
			 "No customer with %s %s in this terminal's cache "
			 "(offline)",
			 by == API_CUSTOMER_BY_WALLET ? "wallet" : "phone",
			 value);
	else
		snprintf(state->message, sizeof(state->message),
			 "Cannot read the cache: %s", customer_strerror(rc));
}

static int find_start(struct find_state *state, struct ui *ui)
{
	char text[FIND_TEXT_SIZE];
	char value[API_PHONE_SIZE + API_ACCOUNT_SIZE];
	enum api_customer_key by = API_CUSTOMER_BY_WALLET;
	const struct session *session = &ui->app->session;

	state->message[0] = '\0';
	fieldset_get(&state->fields, 0, text, sizeof(text));
	if (find_is_wallet(text)) {
		snprintf(value, sizeof(value), "%s", text);
	} else {
		by = API_CUSTOMER_BY_PHONE;
		if (validate_phone(text,
				   country_code_for_currency(
					   ui->app->config.currency),
				   value, sizeof(value), state->message,
				   sizeof(state->message)) != 0) {
			state->result = FIND_FAILED;
			return SCREEN_HANDLED | SCREEN_REDRAW;
		}
	}
	if (session->offline || session->token[0] == '\0') {
		find_offline(state, ui, by, value);
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
	if (customer_lookup_start(ui->app, by, value, state->message,
				  sizeof(state->message)) != 0) {
		state->result = FIND_FAILED;
		return SCREEN_HANDLED | SCREEN_REDRAW;
	}
	state->result = FIND_CHECKING;
	state->by = by;
	snprintf(state->value, sizeof(state->value), "%s", value);
	snprintf(state->message, sizeof(state->message),
		 "Looking up %s at Spotbanc...", value);
	return SCREEN_HANDLED | SCREEN_REDRAW;
}

static void find_draw_value(const struct ui *ui, int row, const char *label,
			    const char *value)
{
	int x = ui_column(ui, 0);

	draw_line(stdscr, ui_row(ui, row), x + FIND_LABEL_COLUMN,
		  FIND_FIELD_COLUMN - FIND_LABEL_COLUMN, A_NORMAL, label);
	draw_line(stdscr, ui_row(ui, row), x + FIND_FIELD_COLUMN,
		  UI_COLUMNS - FIND_FIELD_COLUMN, A_BOLD, value);
}

static void find_draw_profile(const struct find_state *state,
			      const struct ui *ui)
{
	const struct customer_registration *p = &state->customer.profile;
	char text[2 * API_PERSON_NAME_SIZE + 2 * UI_MESSAGE_SIZE];
	size_t used = 0;
	int row = FIND_PROFILE_ROW;
	int i;

	draw_line(stdscr, ui_row(ui, FIND_STATE_ROW),
		  ui_column(ui, FIND_LABEL_COLUMN),
		  UI_COLUMNS - FIND_LABEL_COLUMN,
		  state->online ? theme_attr(THEME_OK) | A_BOLD
				: theme_attr(THEME_PENDING) | A_BOLD,
		  state->online ? "Customer found, from Spotbanc"
				: "Customer found, from this terminal's "
				  "cache (may be out of date)");
	snprintf(text, sizeof(text), "%s %s", p->first_name, p->last_name);
	find_draw_value(ui, row++, "Name", text);
	find_draw_value(ui, row++, "Phone", p->phone);
	find_draw_value(ui, row++, "Date of birth", p->date_of_birth);
	snprintf(text, sizeof(text), "%s %s", p->id_type, p->id_number);
	find_draw_value(ui, row++, "ID", text);
	find_draw_value(ui, row++, "Address", p->address);
	find_draw_value(ui, row++, "E-mail",
			p->email[0] != '\0' ? p->email : "none");
	text[0] = '\0';
	for (i = 0; i < state->customer.wallet_count &&
		    i < API_CUSTOMER_WALLETS_MAX && used < sizeof(text);
	     i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "%s%s %s", i > 0 ? ", " : "",
					 state->customer.wallets[i].account,
					 state->customer.wallets[i].currency);
	find_draw_value(ui, row, "Wallets", text[0] != '\0' ? text : "none");
}

static void find_draw(const struct screen *screen, const struct ui *ui)
{
	const struct find_state *state = screen->state;
	int x = ui_column(ui, 0);

	draw_line(stdscr, ui_row(ui, 1), x, UI_COLUMNS,
		  theme_attr(THEME_TITLE), "  Find customer");
	draw_line(stdscr, ui_row(ui, FIND_FIELD_ROW), x + FIND_LABEL_COLUMN,
		  FIND_FIELD_COLUMN - FIND_LABEL_COLUMN, A_BOLD,
		  "Phone or wallet");
	draw_line(stdscr, ui_row(ui, FIND_FIELD_ROW + 1),
		  x + FIND_FIELD_COLUMN, UI_COLUMNS - FIND_FIELD_COLUMN, A_DIM,
		  "+233... or 0... for a phone, 6-20 digits for a wallet");
	if (state->result == FIND_FOUND)
		find_draw_profile(state, ui);
	else
		draw_line(stdscr, ui_row(ui, FIND_STATE_ROW),
			  x + FIND_LABEL_COLUMN,
			  UI_COLUMNS - FIND_LABEL_COLUMN,
			  state->result == FIND_FAILED
				  ? theme_attr(THEME_ERROR)
				  : A_NORMAL,
			  state->message);
	fieldset_show_cursor(&state->fields);
}

static int find_on_action(struct screen *screen, struct ui *ui,
			  enum ui_action action)
{
	struct find_state *state = screen->state;

	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;
	switch (action) {
	case UI_ACTION_CONFIRM:
		if (state->result == FIND_CHECKING)
			return SCREEN_HANDLED;
		find_wipe(ui);
		return find_start(state, ui);
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

static int find_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct find_state *state = screen->state;

	(void)ui;
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

static int find_on_event(struct screen *screen, struct ui *ui,
			 const struct event *event)
{
	struct find_state *state = screen->state;

	if (event->type != EVENT_LOOKUP || state->result != FIND_CHECKING ||
	    !ui_event_is_for(event, CUSTOMER_LOOKUP_EVENT_ID))
		return SCREEN_IGNORED;
	find_wipe(ui);
	state->message[0] = '\0';
	if (event->status == API_OK &&
	    customer_lookup_take(&state->customer) == CUSTOMER_OK) {
		state->result = FIND_FOUND;
		state->online = true;
		if (customer_cache_put(ui->app->journal, &state->customer,
				       (int64_t)time(NULL)) != CUSTOMER_OK)
			log_warn("found customer not cached");
		return SCREEN_REDRAW;
	}
	state->result = FIND_FAILED;
	if (event->status == API_ENOTFOUND)
		snprintf(state->message, sizeof(state->message),
			 "No such customer at Spotbanc: check the number");
	else if (event->status == API_ESESSION)
		snprintf(state->message, sizeof(state->message),
			 "Session expired: log out and in again");
	else
		/* Spotbanc cannot be reached: the cache may know. */
		find_offline(state, ui, state->by, state->value);
	return SCREEN_REDRAW;
}

struct screen screen_find = {
	.name = "find",
	.cursor = true,
	.help = UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_SYNC | UI_HELP_QUIT,
	.confirm_word = "Look up",
	.init = find_init,
	.enter = find_enter,
	.leave = find_leave,
	.layout = find_layout,
	.draw = find_draw,
	.on_action = find_on_action,
	.on_text = find_on_text,
	.on_event = find_on_event,
	.destroy = find_destroy,
	.state = &find,
};
