/* The wallet transfer form: sender and receiver wallet accounts, the
 * receiving wallet's currency and the amount. Each field is checked when
 * the cursor leaves it, and the whole form when the agent confirms. The
 * receiver may instead be a customer whose registration is pending,
 * handed over by the find or registration screen in ui->payee. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "../app/currency.h"
#include "../app/wallet.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "theme.h"

#define TRANSFER_FIELD_COUNT 4
#define TRANSFER_LABEL_COLUMN 4
#define TRANSFER_FIELD_COLUMN 22
#define TRANSFER_HINT_COLUMN 44
#define TRANSFER_FIELD_ROW 3   /* content row of the first field */
#define TRANSFER_MESSAGE_ROW 15

/* The compact layout: each label and its field share a row, and one
 * message row serves the current field. */
#define TRANSFER_COMPACT_FIELD_COLUMN 12
#define TRANSFER_COMPACT_FIELD_ROW 2
#define TRANSFER_COMPACT_PAYEE_ROW 4
#define TRANSFER_COMPACT_MESSAGE_ROW 8
#define TRANSFER_COMPACT_FORM_MESSAGE_ROW 9

/* The compact help line leaves out F10, which still quits, so that it
 * fits 40 columns. */
#define TRANSFER_HELP \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT | UI_HELP_SYNC | \
	 UI_HELP_QUIT)
#define TRANSFER_HELP_COMPACT (TRANSFER_HELP & ~(unsigned)UI_HELP_QUIT)

/* Indexed by enum wallet_field, so the field that wallet_transfer_validate
 * reports is an index here. An account has at most 20 digits. */
static const struct fieldset_spec transfer_specs[TRANSFER_FIELD_COUNT] = {
	[WALLET_FIELD_SENDER] = { .row = 0, .column = 0, .width = 20,
				  .card = true },
	[WALLET_FIELD_RECEIVER] = { .row = 3, .column = 0, .width = 20,
				    .card = true },
	[WALLET_FIELD_CURRENCY] = { .row = 6, .column = 0, .width = 3,
				    .replace = true },
	[WALLET_FIELD_AMOUNT] = { .row = 9, .column = 0, .width = 20 },
};

/* The same fields one under the other, with a row left free under the
 * receiver for a pending customer's name. */
static const struct fieldset_spec
	transfer_compact_specs[TRANSFER_FIELD_COUNT] = {
	[WALLET_FIELD_SENDER] = { .row = 0, .column = 0, .width = 20,
				  .card = true },
	[WALLET_FIELD_RECEIVER] = { .row = 1, .column = 0, .width = 20,
				    .card = true },
	[WALLET_FIELD_CURRENCY] = { .row = 3, .column = 0, .width = 3,
				    .replace = true },
	[WALLET_FIELD_AMOUNT] = { .row = 4, .column = 0, .width = 20 },
};

static const char *const transfer_compact_labels[TRANSFER_FIELD_COUNT] = {
	[WALLET_FIELD_SENDER] = "Sender",
	[WALLET_FIELD_RECEIVER] = "Receiver",
	[WALLET_FIELD_CURRENCY] = "Currency",
	[WALLET_FIELD_AMOUNT] = "Amount",
};

static const char *const transfer_labels[TRANSFER_FIELD_COUNT] = {
	[WALLET_FIELD_SENDER] = "Sender wallet",
	[WALLET_FIELD_RECEIVER] = "Receiver wallet",
	[WALLET_FIELD_CURRENCY] = "Currency",
	[WALLET_FIELD_AMOUNT] = "Amount",
};

static const char *const transfer_hints[TRANSFER_FIELD_COUNT] = {
	[WALLET_FIELD_SENDER] = "account number",
	[WALLET_FIELD_RECEIVER] = "account number",
	[WALLET_FIELD_CURRENCY] = "of the receiving wallet, e.g. GHS",
	[WALLET_FIELD_AMOUNT] = "e.g. 12.50",
};

/* A receiver whose registration is still pending: it has no wallet
 * account yet, so the transfer names it by customer id and waits for the
 * registration. */
struct transfer_payee {
	bool set;
	char customer_id[JOURNAL_ID_SIZE];
	char name[API_NAME_SIZE];
};

struct transfer_state {
	struct fieldset fields;
	char messages[TRANSFER_FIELD_COUNT][UI_MESSAGE_SIZE]; /* under each */
	char message[UI_MESSAGE_SIZE]; /* for the whole form */
	struct transfer_payee pending; /* replaces the receiver field */
};

static struct transfer_state transfer;

static int transfer_init(struct screen *screen, struct ui *ui)
{
	struct transfer_state *state = screen->state;

	(void)ui;
	return fieldset_init(&state->fields, transfer_specs,
			     TRANSFER_FIELD_COUNT);
}

static void transfer_destroy(struct screen *screen)
{
	struct transfer_state *state = screen->state;

	fieldset_free(&state->fields);
}

/* Upper-case the currency field in place, so "ghs" is accepted. */
static void transfer_upcase_currency(struct transfer_state *state)
{
	char code[16];
	size_t i;
	bool changed = false;

	fieldset_get(&state->fields, WALLET_FIELD_CURRENCY, code, sizeof(code));
	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] >= 'a' && code[i] <= 'z') {
			code[i] = (char)toupper((unsigned char)code[i]);
			changed = true;
		}
	}
	if (changed)
		fieldset_set(&state->fields, WALLET_FIELD_CURRENCY, code);
}

/* Check one field as the cursor leaves it and set or clear the message
 * under it. */
/* Check one field as the cursor leaves it and set or clear its message.
 * A pending customer replaces the receiver field, which is then empty on
 * purpose. */
static void transfer_check_field(struct transfer_state *state, int index)
{
	char text[4 * 20 + 1];
	char code[16];
	char *message = state->messages[index];
	size_t size = sizeof(state->messages[index]);
	int64_t minor;
	int result;

	message[0] = '\0';
	fieldset_get(&state->fields, index, text, sizeof(text));
	switch (index) {
	case WALLET_FIELD_RECEIVER:
		if (state->pending.set)
			break;
		wallet_account_check(text, message, size);
		break;
	case WALLET_FIELD_SENDER:
		wallet_account_check(text, message, size);
		break;
	case WALLET_FIELD_CURRENCY:
		transfer_upcase_currency(state);
		fieldset_get(&state->fields, index, text, sizeof(text));
		if (currency_find(text) == NULL)
			snprintf(message, size, "Unknown currency \"%s\": "
						"use an ISO 4217 code such "
						"as GHS", text);
		break;
	case WALLET_FIELD_AMOUNT:
		fieldset_get(&state->fields, WALLET_FIELD_CURRENCY, code,
			     sizeof(code));
		if (text[0] == '\0') {
			snprintf(message, size, "Enter the amount");
			break;
		}
		if (currency_find(code) == NULL)
			break; /* the currency field has the message */
		result = currency_parse(code, text, &minor);
		if (result != CURRENCY_OK)
			snprintf(message, size, "%s",
				 currency_strerror(result));
		break;
	default:
		break;
	}
}

static void transfer_clear(struct transfer_state *state, struct ui *ui)
{
	int i;

	for (i = 0; i < TRANSFER_FIELD_COUNT; i++)
		fieldset_set(&state->fields, i, "");
	fieldset_set(&state->fields, WALLET_FIELD_CURRENCY,
		     ui->app->config.currency);
	memset(state->messages, 0, sizeof(state->messages));
	memset(&state->pending, 0, sizeof(state->pending));
	fieldset_focus(&state->fields, WALLET_FIELD_SENDER);
}

/* Take the receiver that the find or registration screen picked, and
 * clear it so that it is taken once: an account goes into the receiver
 * field, and a customer without one becomes the pending receiver. */
static void transfer_take_payee(struct transfer_state *state, struct ui *ui)
{
	if (ui->payee.account[0] != '\0') {
		fieldset_set(&state->fields, WALLET_FIELD_RECEIVER,
			     ui->payee.account);
	} else if (ui->payee.customer_id[0] != '\0') {
		state->pending.set = true;
		snprintf(state->pending.customer_id,
			 sizeof(state->pending.customer_id), "%s",
			 ui->payee.customer_id);
		snprintf(state->pending.name, sizeof(state->pending.name),
			 "%s", ui->payee.name);
	}
	if (currency_find(ui->payee.currency) != NULL)
		fieldset_set(&state->fields, WALLET_FIELD_CURRENCY,
			     ui->payee.currency);
	memset(&ui->payee, 0, sizeof(ui->payee));
}

static void transfer_enter(struct screen *screen, struct ui *ui,
			   enum screen_id from)
{
	struct transfer_state *state = screen->state;

	/* Back from the confirmation, the agent edits what was typed. */
	if (from != SCREEN_CONFIRM || ui->payee.set)
		transfer_clear(state, ui);
	if (ui->payee.set)
		transfer_take_payee(state, ui);
	state->message[0] = '\0';

	/* The central service has no wallet with that receiver number, so
	 * the cursor goes where the number needs correcting. */
	if (from == SCREEN_CONFIRM && !state->pending.set &&
	    ui->lookup.state == LOOKUP_NOT_FOUND &&
	    strcmp(ui->lookup.account, ui->transfer.receiver) == 0) {
		snprintf(state->messages[WALLET_FIELD_RECEIVER],
			 sizeof(state->messages[0]), "%s", ui->lookup.text);
		fieldset_focus(&state->fields, WALLET_FIELD_RECEIVER);
	}
}

static void transfer_leave(struct screen *screen, struct ui *ui)
{
	struct transfer_state *state = screen->state;

	(void)ui;
	fieldset_unplace(&state->fields);
}

static void transfer_layout(struct screen *screen, struct ui *ui)
{
	struct transfer_state *state = screen->state;

	if (ui->too_small) {
		fieldset_unplace(&state->fields);
		return;
	}
	screen->help = ui->compact ? TRANSFER_HELP_COMPACT : TRANSFER_HELP;
	if (fieldset_use(&state->fields, ui->compact ? transfer_compact_specs
						     : transfer_specs) != 0)
		return;
	if (ui->compact)
		fieldset_place(&state->fields,
			       ui_row(ui, TRANSFER_COMPACT_FIELD_ROW),
			       ui_column(ui, TRANSFER_COMPACT_FIELD_COLUMN));
	else
		fieldset_place(&state->fields, ui_row(ui, TRANSFER_FIELD_ROW),
			       ui_column(ui, TRANSFER_FIELD_COLUMN));
}

/* Write the pending receiver as "Name - registration pending". */
static void transfer_pending_text(const struct transfer_payee *pending,
				  char *text, size_t size)
{
	snprintf(text, size, "%s - registration pending",
		 pending->name[0] != '\0' ? pending->name : "New customer");
}

static void transfer_draw_wide(const struct transfer_state *state,
			       const struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	int x = ui_column(ui, 0);
	char payee[API_NAME_SIZE + 32];
	int i;

	for (i = 0; i < TRANSFER_FIELD_COUNT; i++) {
		int row = TRANSFER_FIELD_ROW + transfer_specs[i].row;
		int hint = TRANSFER_FIELD_COLUMN +
			   FIELDSET_SCREEN_WIDTH(transfer_specs[i].width) + 2;
		const char *message = state->messages[i];
		attr_t attr = theme_attr(THEME_ERROR);

		if (hint < TRANSFER_HINT_COLUMN && i != WALLET_FIELD_CURRENCY)
			hint = TRANSFER_HINT_COLUMN;
		if (i == WALLET_FIELD_RECEIVER && state->pending.set &&
		    message[0] == '\0') {
			transfer_pending_text(&state->pending, payee,
					      sizeof(payee));
			message = payee;
			attr = theme_attr(THEME_PENDING) | A_BOLD;
		}
		draw_line(stdscr, ui_row(ui, row), x + TRANSFER_LABEL_COLUMN,
			  TRANSFER_FIELD_COLUMN - TRANSFER_LABEL_COLUMN,
			  i == current ? A_BOLD : A_NORMAL,
			  transfer_labels[i]);
		draw_line(stdscr, ui_row(ui, row), x + hint, UI_COLUMNS - hint,
			  A_DIM, transfer_hints[i]);
		draw_line(stdscr, ui_row(ui, row + 1),
			  x + TRANSFER_FIELD_COLUMN,
			  UI_COLUMNS - TRANSFER_FIELD_COLUMN, attr, message);
	}
	draw_line(stdscr, ui_row(ui, TRANSFER_MESSAGE_ROW),
		  x + TRANSFER_LABEL_COLUMN, UI_COLUMNS - TRANSFER_LABEL_COLUMN,
		  theme_attr(THEME_ERROR), state->message);
}

/* The compact form: labels left of the fields, the pending receiver
 * under the receiver field, and the current field's message, or else its
 * hint, on one row. */
static void transfer_draw_compact(const struct transfer_state *state,
				  const struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	int x = ui_column(ui, 0);
	int width = ui->columns;
	char payee[API_NAME_SIZE + 32] = "";
	int i;

	for (i = 0; i < TRANSFER_FIELD_COUNT; i++)
		draw_line(stdscr,
			  ui_row(ui, TRANSFER_COMPACT_FIELD_ROW +
					     transfer_compact_specs[i].row),
			  x, TRANSFER_COMPACT_FIELD_COLUMN,
			  i == current ? A_BOLD : A_NORMAL,
			  transfer_compact_labels[i]);
	if (state->pending.set)
		transfer_pending_text(&state->pending, payee, sizeof(payee));
	draw_line(stdscr, ui_row(ui, TRANSFER_COMPACT_PAYEE_ROW), x + 2,
		  width - 2, theme_attr(THEME_PENDING) | A_BOLD, payee);

	if (state->messages[current][0] != '\0')
		draw_line(stdscr, ui_row(ui, TRANSFER_COMPACT_MESSAGE_ROW), x,
			  width, theme_attr(THEME_ERROR),
			  state->messages[current]);
	else
		draw_line(stdscr, ui_row(ui, TRANSFER_COMPACT_MESSAGE_ROW), x,
			  width, A_DIM, transfer_hints[current]);
	draw_line(stdscr, ui_row(ui, TRANSFER_COMPACT_FORM_MESSAGE_ROW), x,
		  width, theme_attr(THEME_ERROR), state->message);
}

static void transfer_draw(const struct screen *screen, const struct ui *ui)
{
	const struct transfer_state *state = screen->state;

	/* Rows are drawn one by one, never blanked as a whole, because the
	 * fields' window shares stdscr's cells. */
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE),
		  ui->compact ? "Wallet transfer" : "  Wallet transfer");
	if (ui->compact)
		transfer_draw_compact(state, ui);
	else
		transfer_draw_wide(state, ui);
	fieldset_show_cursor(&state->fields);
}

/* Start the receiver's lookup for the confirmation screen, unless its
 * name is known or on its way already. */
static void transfer_start_lookup(struct ui *ui)
{
	struct ui_lookup *lookup = &ui->lookup;
	const char *receiver = ui->transfer.receiver;
	char message[sizeof(lookup->text)];

	/* Without a token the lookup cannot be sent. */
	if (ui->app->session.offline) {
		snprintf(lookup->account, sizeof(lookup->account), "%s",
			 receiver);
		lookup->state = LOOKUP_FAILED;
		snprintf(lookup->text, sizeof(lookup->text), "offline login");
		return;
	}
	if (strcmp(lookup->account, receiver) == 0 &&
	    (lookup->state == LOOKUP_FOUND ||
	     lookup->state == LOOKUP_CHECKING))
		return;
	snprintf(lookup->account, sizeof(lookup->account), "%s", receiver);
	lookup->text[0] = '\0';
	lookup->state = LOOKUP_CHECKING;
	if (wallet_lookup_start(ui->app, receiver, message,
				sizeof(message)) != 0) {
		lookup->state = LOOKUP_FAILED;
		snprintf(lookup->text, sizeof(lookup->text), "%s", message);
	}
}

/* Validate the fields into ui->transfer, with the pending receiver in
 * place of the receiver field when there is one. */
static int transfer_validate_fields(const struct transfer_state *state,
				    struct ui *ui, enum wallet_field *field,
				    char *message, size_t size)
{
	char text[TRANSFER_FIELD_COUNT][4 * 20 + 1];
	int i;

	for (i = 0; i < TRANSFER_FIELD_COUNT; i++)
		fieldset_get(&state->fields, i, text[i], sizeof(text[i]));
	if (!state->pending.set)
		return wallet_transfer_validate(
			text[WALLET_FIELD_SENDER], text[WALLET_FIELD_RECEIVER],
			text[WALLET_FIELD_CURRENCY], text[WALLET_FIELD_AMOUNT],
			&ui->transfer, field, message, size);
	if (wallet_transfer_validate_to_customer(
		    text[WALLET_FIELD_SENDER], state->pending.customer_id,
		    text[WALLET_FIELD_CURRENCY], text[WALLET_FIELD_AMOUNT],
		    &ui->transfer, field, message, size) != 0)
		return -1;
	snprintf(ui->transfer.receiver_name,
		 sizeof(ui->transfer.receiver_name), "%s",
		 state->pending.name);
	return 0;
}

/* Validate the whole form. Returns 0 with ui->transfer filled, or -1
 * with the message set and, when `show` is true, the cursor on the first
 * bad field. */
static int transfer_validate(struct transfer_state *state, struct ui *ui,
			     bool show)
{
	char message[160];
	enum wallet_field field = WALLET_FIELD_NONE;

	transfer_upcase_currency(state);
	if (transfer_validate_fields(state, ui, &field, message,
				     sizeof(message)) == 0)
		return 0;
	if (!show)
		return -1;

	if (field >= 0 && field < TRANSFER_FIELD_COUNT) {
		snprintf(state->messages[field], sizeof(state->messages[0]),
			 "%s", message);
		fieldset_focus(&state->fields, field);
	} else {
		snprintf(state->message, sizeof(state->message), "%s",
			 message);
	}
	return -1;
}

static int transfer_confirm(struct transfer_state *state, struct ui *ui)
{
	int current = fieldset_current(&state->fields);
	bool last = current == TRANSFER_FIELD_COUNT - 1;

	transfer_check_field(state, current);
	if (transfer_validate(state, ui, last) != 0) {
		if (!last)
			fieldset_focus(&state->fields, current + 1);
		return SCREEN_HANDLED;
	}
	/* A pending customer has no wallet to look up yet. */
	if (!state->pending.set)
		transfer_start_lookup(ui);
	return ui_switch(ui, SCREEN_CONFIRM);
}

/* Editing the receiver field replaces a pending customer with the
 * account typed there. */
static void transfer_drop_pending(struct transfer_state *state)
{
	if (fieldset_current(&state->fields) != WALLET_FIELD_RECEIVER)
		return;
	memset(&state->pending, 0, sizeof(state->pending));
}

static int transfer_on_action(struct screen *screen, struct ui *ui,
			      enum ui_action action)
{
	struct transfer_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	state->message[0] = '\0';
	if (action == UI_ACTION_ERASE || action == UI_ACTION_DELETE)
		transfer_drop_pending(state);
	if (fieldset_edit(&state->fields, action))
		return SCREEN_HANDLED;

	switch (action) {
	case UI_ACTION_NEXT:
	case UI_ACTION_PREV:
		transfer_check_field(state, current);
		current += action == UI_ACTION_NEXT ? 1 : -1;
		current = (current + TRANSFER_FIELD_COUNT) %
			  TRANSFER_FIELD_COUNT;
		fieldset_focus(&state->fields, current);
		return SCREEN_HANDLED;
	case UI_ACTION_CONFIRM:
		return transfer_confirm(state, ui);
	case UI_ACTION_BACK:
		return ui_switch(ui, SCREEN_HOME);
	default:
		return SCREEN_IGNORED;
	}
}

static int transfer_on_text(struct screen *screen, struct ui *ui,
			    wchar_t ch)
{
	struct transfer_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	(void)ui;
	if (current == WALLET_FIELD_CURRENCY)
		ch = (wchar_t)towupper((wint_t)ch);
	state->messages[current][0] = '\0';
	transfer_drop_pending(state);
	fieldset_type(&state->fields, ch);
	return SCREEN_HANDLED;
}

/* The fieldset with the card field, for a card number typed by hand. */
static struct fieldset *transfer_card_fields(struct screen *screen)
{
	struct transfer_state *state = screen->state;

	return &state->fields;
}

static bool transfer_takes_card(const struct screen *screen,
				const struct ui *ui)
{
	const struct transfer_state *state = screen->state;

	(void)ui;
	return fieldset_takes_card(&state->fields);
}

/* Put the card's wallet in the sender or receiver field with the cursor,
 * as if typed, and move on. */
static int transfer_on_card(struct screen *screen, struct ui *ui,
			    const struct api_card_account *account)
{
	struct transfer_state *state = screen->state;
	int current = fieldset_current(&state->fields);

	(void)ui;
	transfer_drop_pending(state);
	fieldset_set(&state->fields, current, account->account);
	state->messages[current][0] = '\0';
	transfer_check_field(state, current);
	fieldset_focus(&state->fields, current + 1);
	return SCREEN_HANDLED;
}

struct screen screen_transfer = {
	.name = "transfer",
	.cursor = true,
	.help = TRANSFER_HELP,
	.init = transfer_init,
	.enter = transfer_enter,
	.leave = transfer_leave,
	.layout = transfer_layout,
	.draw = transfer_draw,
	.on_action = transfer_on_action,
	.on_text = transfer_on_text,
	.takes_card = transfer_takes_card,
	.card_fields = transfer_card_fields,
	.on_card = transfer_on_card,
	.destroy = transfer_destroy,
	.state = &transfer,
};
