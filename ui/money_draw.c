/* The money screen's view, apart from its logic in ui/screen_money.c.
 * It places the fields and the bank list in each layout, words the help
 * line, reads the reversal's original operation shown above the reason,
 * and draws the form in both layouts. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>

#include "../app/log.h"
#include "draw.h"
#include "money_draw.h"
#include "queue_detail.h"
#include "theme.h"

/* --- Help line and layout --------------------------------------------- */

/* Name what Enter does next on the help line: send the cash-out code,
 * check the bank account's name, or confirm. */
void money_set_help(struct screen *screen, const struct ui *ui,
		    const struct money_state *state)
{
	bool bank = money_is(state, API_TYPE_BANK_TRANSFER);

	/* In the compact layout a NULL help_keys_compact falls back to
	 * help_keys, so both are set for the layout in use. */
	screen->confirm_word = NULL;
	screen->help_keys = bank && !ui->compact ? "PgDn Banks" : NULL;
	screen->help_keys_compact = NULL;
	screen->help = ui->compact ? MONEY_HELP_COMPACT : MONEY_HELP;
	if (state->list.open) {
		screen->confirm_word = "Pick";
		screen->help_keys = NULL;
		screen->help = MONEY_LIST_HELP;
		return;
	}
	if (money_is(state, API_TYPE_CASH_OUT) &&
	    state->texts[MONEY_FIELD_CODE][0] == '\0')
		screen->confirm_word = ui->compact ? "Get code" : "Send code";
	if (bank && state->enquiry.state != MONEY_ASK_DONE)
		screen->confirm_word = "Check name";
	if (bank && ui->compact && money_current(state) == MONEY_FIELD_BANK) {
		screen->help_keys_compact = "PgDn:Banks";
		screen->help = UI_HELP_CONFIRM | UI_HELP_BACK;
	}
}

static void money_list_layout(struct money_state *state, struct ui *ui);

void money_layout(struct screen *screen, struct ui *ui)
{
	struct money_state *state = screen->state;
	const struct money_form *form = state->form;

	if (ui->too_small) {
		fieldset_unplace(state->fields);
		money_banks_close(&state->list);
		return;
	}
	money_set_help(screen, ui, state);
	if (fieldset_use(state->fields,
			 ui->compact ? form->compact : form->wide) != 0)
		return;
	if (state->list.open) {
		money_list_layout(state, ui);
		return;
	}
	if (ui->compact)
		fieldset_place(state->fields,
			       ui_row(ui, MONEY_COMPACT_FIELD_ROW),
			       ui_column(ui, MONEY_COMPACT_FIELD_COLUMN));
	else
		fieldset_place(state->fields, ui_row(ui, MONEY_FIELD_ROW),
			       ui_column(ui, MONEY_FIELD_COLUMN));
}

/* --- The reversal's original operation ------------------------------- */

/* Read the reversal's original operation for the lines above the reason,
 * and show at once when it cannot be reversed. */
void money_load_original(struct money_state *state, struct ui *ui)
{
	static struct operation original;
	const char *id = ui->money.u.reversal.original_id;
	char amount[CURRENCY_TEXT_MAX];
	int rc;

	state->original_loaded = false;
	rc = journal_get(ui->app->journal, id, &original);
	if (rc != JOURNAL_OK) {
		log_error("cannot read operation %s to reverse: %s", id,
			  journal_strerror(rc));
		snprintf(state->message, sizeof(state->message),
			 "Cannot read the operation to reverse: %s",
			 journal_strerror(rc));
		return;
	}
	state->original_loaded = true;
	snprintf(state->original_type, sizeof(state->original_type), "%s",
		 queue_type_word(original.type, false));
	snprintf(state->original_reference,
		 sizeof(state->original_reference), "%s",
		 original.reference[0] != '\0' ? original.reference
					       : "none yet");
	if (currency_format(original.currency, original.amount, amount,
			    sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "?");
	snprintf(state->original_amount, sizeof(state->original_amount),
		 "%s %s", original.currency, amount);
	money_reversal_check(ui->app->journal, id, state->message,
			     sizeof(state->message));
}

/* --- The bank list ---------------------------------------------------- */

/* Post the bank list in the content rows of the layout in use. */
static void money_list_layout(struct money_state *state, struct ui *ui)
{
	fieldset_unplace(state->fields);
	money_banks_place(&state->list,
			  ui->compact ? MONEY_COMPACT_LIST_ROWS
				      : MONEY_LIST_ROWS,
			  ui_row(ui, ui->compact ? MONEY_COMPACT_LIST_ROW
						 : MONEY_LIST_ROW),
			  ui_column(ui, MONEY_LIST_MARGIN),
			  ui->columns - 2 * MONEY_LIST_MARGIN);
}

int money_list_open(struct money_state *state, struct screen *screen,
		    struct ui *ui)
{
	char message[UI_MESSAGE_SIZE];

	if (money_banks_open(&state->list, ui->app->journal,
			     ui->columns - 2 * MONEY_LIST_MARGIN - 2,
			     state->texts[MONEY_FIELD_BANK], message,
			     sizeof(message)) != 0) {
		money_field_message(state, MONEY_FIELD_BANK, message);
		return SCREEN_HANDLED;
	}
	money_set_help(screen, ui, state);
	clear();
	money_list_layout(state, ui);
	return SCREEN_HANDLED;
}

/* Close the list and put the form back, with the bank picked or not. */
static int money_list_done(struct money_state *state, struct screen *screen,
			   struct ui *ui, bool pick)
{
	const struct refdata_bank *bank = money_banks_current(&state->list);

	if (pick && bank != NULL) {
		money_set_text(state, MONEY_FIELD_BANK, bank->code);
		money_field_message(state, MONEY_FIELD_BANK, "");
		fieldset_focus(state->fields,
			       money_form_index(state->form,
						MONEY_FIELD_ACCOUNT));
	}
	money_banks_close(&state->list);
	money_read(state);
	money_bank_changed(state, ui);
	clear();
	money_layout(screen, ui);
	return SCREEN_HANDLED;
}

int money_list_action(struct money_state *state, struct screen *screen,
		      struct ui *ui, enum ui_action action)
{
	switch (action) {
	case UI_ACTION_CONFIRM:
		return money_list_done(state, screen, ui, true);
	case UI_ACTION_BACK:
		return money_list_done(state, screen, ui, false);
	default:
		money_banks_move(&state->list, action);
		return SCREEN_HANDLED;
	}
}

/* --- Drawing ---------------------------------------------------------- */

/* What shows beside field i instead of its hint: the wallet's holder,
 * the bank's name, where the cash-out code went. Returns the attributes
 * and sets *text, or returns A_DIM with the hint. */
static attr_t money_beside(const struct money_state *state,
			   const struct ui *ui, enum money_field field,
			   const char **text)
{
	const struct ui_lookup *lookup = &ui->lookup;

	*text = money_form_hint(field);
	switch (field) {
	case MONEY_FIELD_WALLET:
		if (state->pending && state->texts[MONEY_FIELD_WALLET][0] ==
					      '\0') {
			*text = state->customer_name;
			return theme_attr(THEME_PENDING) | A_BOLD;
		}
		if (strcmp(lookup->account, state->texts[field]) != 0 ||
		    lookup->state == LOOKUP_NONE)
			return A_DIM;
		*text = lookup->state == LOOKUP_CHECKING ? "checking..."
							 : lookup->text;
		if (lookup->state == LOOKUP_FOUND)
			return A_BOLD;
		return lookup->state == LOOKUP_CHECKING
			       ? A_NORMAL
			       : theme_attr(THEME_PENDING);
	case MONEY_FIELD_BANK:
		if (state->bank_name[0] == '\0')
			return A_DIM;
		*text = state->bank_name;
		return A_BOLD;
	case MONEY_FIELD_CODE:
		if (state->code.state == MONEY_ASK_NONE)
			return A_DIM;
		*text = state->code.text;
		return state->code.state == MONEY_ASK_FAILED
			       ? theme_attr(THEME_ERROR)
			       : A_BOLD;
	default:
		return A_DIM;
	}
}

/* The label of field, which names the bank's currency for the amount
 * of a bank transfer: "Amount (NGN)". Returns label or buf. */
static const char *money_label(const struct money_state *state,
			       enum money_field field, bool compact,
			       char *buf, size_t size)
{
	if (field != MONEY_FIELD_AMOUNT ||
	    !money_is(state, API_TYPE_BANK_TRANSFER) ||
	    state->bank_currency[0] == '\0')
		return money_form_label(field, compact);
	snprintf(buf, size, "%s (%s)", compact ? "Amt" : "Amount",
		 state->bank_currency);
	return buf;
}

/* A label: dim for the unused wallet, bold for the current field. */
static attr_t money_label_attr(bool unused, bool current)
{
	if (unused)
		return A_DIM;
	return current ? A_BOLD : A_NORMAL;
}

/* The name enquiry's line: the holder's name, or its progress. */
static attr_t money_holder_text(const struct money_state *state,
				const char **text)
{
	const struct money_ask *ask = &state->enquiry;

	*text = ask->text;
	switch (ask->state) {
	case MONEY_ASK_DONE:
		return A_BOLD;
	case MONEY_ASK_FAILED:
		return theme_attr(THEME_ERROR);
	case MONEY_ASK_WAITING:
		return A_NORMAL;
	default:
		*text = "checked when you press Enter";
		return A_DIM;
	}
}

/* The reversal's original: reference, type and amount, one a row. */
static void money_draw_original(const struct money_state *state,
				const struct ui *ui, int row, int label,
				int value)
{
	const char *labels[3] = { "Reverses", "Type", "Amount" };
	const char *values[3] = { state->original_reference,
				  state->original_type,
				  state->original_amount };
	int x = ui_column(ui, 0);
	int i;

	if (!state->original_loaded)
		return;
	for (i = 0; i < 3; i++) {
		draw_line(stdscr, ui_row(ui, row + i), x + label, value - label,
			  A_NORMAL, labels[i]);
		draw_line(stdscr, ui_row(ui, row + i), x + value,
			  ui->columns - value, A_BOLD, values[i]);
	}
}

static void money_draw_wide(const struct money_state *state,
			    const struct ui *ui)
{
	const struct money_form *form = state->form;
	int current = fieldset_current(state->fields);
	int x = ui_column(ui, 0);
	char label[32];
	const char *text;
	attr_t attr;
	int i;

	for (i = 0; i < form->count; i++) {
		enum money_field field = form->fields[i];
		int row = MONEY_FIELD_ROW + form->wide[i].row;
		int view = form->wide[i].view > 0
				   ? form->wide[i].view
				   : FIELDSET_SCREEN_WIDTH(form->wide[i].width);
		int end = MONEY_FIELD_COLUMN + view;
		int hint = end + 1 > MONEY_HINT_COLUMN ? end + 1
						       : MONEY_HINT_COLUMN;
		bool unused = field == MONEY_FIELD_WALLET &&
			      !money_wallet_used(state);

		attr = money_beside(state, ui, field, &text);
		draw_line(stdscr, ui_row(ui, row), x + MONEY_LABEL_COLUMN,
			  MONEY_FIELD_COLUMN - MONEY_LABEL_COLUMN,
			  money_label_attr(unused, i == current),
			  money_label(state, field, false, label,
				      sizeof(label)));
		if (unused)
			text = "only when paid from a wallet";
		if (hint < UI_COLUMNS - 8)
			draw_line(stdscr, ui_row(ui, row), x + hint,
				  UI_COLUMNS - hint, attr, text);
		else if (state->messages[i][0] == '\0')
			draw_line(stdscr, ui_row(ui, row + 1),
				  x + MONEY_FIELD_COLUMN,
				  UI_COLUMNS - MONEY_FIELD_COLUMN, attr, text);
		if (state->messages[i][0] != '\0' || hint < UI_COLUMNS - 8)
			draw_line(stdscr, ui_row(ui, row + 1),
				  x + MONEY_FIELD_COLUMN,
				  UI_COLUMNS - MONEY_FIELD_COLUMN,
				  theme_attr(THEME_ERROR), state->messages[i]);
	}
	if (money_is(state, API_TYPE_BANK_TRANSFER)) {
		attr = money_holder_text(state, &text);
		draw_line(stdscr, ui_row(ui, MONEY_HOLDER_ROW),
			  x + MONEY_LABEL_COLUMN,
			  MONEY_FIELD_COLUMN - MONEY_LABEL_COLUMN, A_NORMAL,
			  "Account name");
		draw_line(stdscr, ui_row(ui, MONEY_HOLDER_ROW),
			  x + MONEY_FIELD_COLUMN,
			  UI_COLUMNS - MONEY_FIELD_COLUMN, attr, text);
	}
	if (money_is(state, API_TYPE_REVERSAL))
		money_draw_original(state, ui, MONEY_FIELD_ROW,
				    MONEY_LABEL_COLUMN, MONEY_FIELD_COLUMN);
	draw_line(stdscr, ui_row(ui, MONEY_MESSAGE_ROW), x + MONEY_LABEL_COLUMN,
		  UI_COLUMNS - MONEY_LABEL_COLUMN, theme_attr(THEME_ERROR),
		  state->message);
}

/* The compact message rows: the current field's message and the
 * form's, wrapped to both rows when alone, or else the field's hint. */
static void money_draw_compact_messages(const struct money_state *state,
					const struct ui *ui,
					enum money_field field, int current)
{
	const char *own = state->messages[current];
	int y = ui_row(ui, MONEY_COMPACT_MESSAGE_ROW);
	int x = ui_column(ui, 0);
	attr_t error = theme_attr(THEME_ERROR);

	if (own[0] != '\0' && state->message[0] != '\0') {
		draw_wrapped(stdscr, y, x, ui->columns, 1, error, own);
		draw_wrapped(stdscr, y + 1, x, ui->columns, 1, error,
			     state->message);
	} else if (own[0] != '\0') {
		draw_wrapped(stdscr, y, x, ui->columns, 2, error, own);
	} else if (state->message[0] != '\0') {
		draw_wrapped(stdscr, y, x, ui->columns, 2, error,
			     state->message);
	} else {
		draw_wrapped(stdscr, y, x, ui->columns, 2, A_DIM,
			     money_form_hint(field));
	}
}

/* The compact form: labels left of the fields, the wallet's holder or
 * the bank's name on the row under its field, and the current field's
 * message, or else its hint, on one row. */
static void money_draw_compact(const struct money_state *state,
			       const struct ui *ui)
{
	const struct money_form *form = state->form;
	int current = fieldset_current(state->fields);
	enum money_field field = form->fields[current];
	int x = ui_column(ui, 0);
	int value = MONEY_COMPACT_FIELD_COLUMN;
	char label[32];
	const char *text;
	attr_t attr;
	int i;

	for (i = 0; i < form->count; i++) {
		bool unused = form->fields[i] == MONEY_FIELD_WALLET &&
			      !money_wallet_used(state);

		draw_line(stdscr,
			  ui_row(ui, MONEY_COMPACT_FIELD_ROW +
					     form->compact[i].row),
			  x, value,
			  money_label_attr(unused, i == current),
			  money_label(state, form->fields[i], true, label,
				      sizeof(label)));
	}
	if (money_form_index(form, MONEY_FIELD_WALLET) == 0 ||
	    money_is(state, API_TYPE_BANK_TRANSFER)) {
		/* Row 1 of the form: the wallet's holder, or the bank's
		 * name. */
		attr = money_beside(state, ui,
				    money_is(state, API_TYPE_BANK_TRANSFER)
					    ? MONEY_FIELD_BANK
					    : MONEY_FIELD_WALLET,
				    &text);
		draw_line(stdscr, ui_row(ui, MONEY_COMPACT_FIELD_ROW + 1),
			  x + value, ui->columns - value, attr,
			  attr == A_DIM ? "" : text);
	}
	if (money_is(state, API_TYPE_CASH_OUT)) {
		attr = money_beside(state, ui, MONEY_FIELD_CODE, &text);
		draw_line(stdscr, ui_row(ui, MONEY_COMPACT_CODE_ROW), x,
			  ui->columns, attr, attr == A_DIM ? "" : text);
	}
	if (money_is(state, API_TYPE_BANK_TRANSFER)) {
		attr = money_holder_text(state, &text);
		draw_line(stdscr, ui_row(ui, MONEY_COMPACT_HOLDER_ROW), x,
			  value, A_NORMAL, "Name");
		draw_line(stdscr, ui_row(ui, MONEY_COMPACT_HOLDER_ROW),
			  x + value, ui->columns - value, attr, text);
	}
	if (money_is(state, API_TYPE_REVERSAL))
		money_draw_original(state, ui, MONEY_COMPACT_FIELD_ROW, 0,
				    value);

	/* Two rows for the field's message and the form's: each takes both
	 * while the other is empty, and the hint shows when both are. */
	money_draw_compact_messages(state, ui, field, current);
}

static void money_draw_list(const struct money_state *state,
			    const struct ui *ui)
{
	int top = ui->compact ? MONEY_COMPACT_LIST_ROW : MONEY_LIST_ROW;
	int rows = ui->compact ? MONEY_COMPACT_LIST_ROWS : MONEY_LIST_ROWS;
	int row;

	if (rows > state->list.count)
		rows = state->list.count;
	/* The menu draws its own cells, and every other cell is
	 * blanked. */
	for (row = ui->compact ? 1 : 2; row < ui->rows; row++) {
		int y = ui_row(ui, row);

		if (row < top || row >= top + rows) {
			draw_blank(stdscr, y, ui_column(ui, 0), ui->columns);
			continue;
		}
		draw_blank(stdscr, y, ui_column(ui, 0), MONEY_LIST_MARGIN);
		draw_blank(stdscr, y,
			   ui_column(ui, ui->columns - MONEY_LIST_MARGIN),
			   MONEY_LIST_MARGIN);
	}
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE),
		  ui->compact ? "Pick the bank" : "  Pick the bank");
	draw_line(stdscr, ui_row(ui, top + rows + 1),
		  ui_column(ui, MONEY_LIST_MARGIN + 2),
		  ui->columns - MONEY_LIST_MARGIN - 2, A_DIM,
		  ui->compact ? "Type a code to jump to it"
			      : "Type the first digits of a code to jump to "
				"it");
}

void money_draw(const struct screen *screen, const struct ui *ui)
{
	const struct money_state *state = screen->state;
	char title[64];
	int i;

	if (state->list.open) {
		money_draw_list(state, ui);
		return;
	}
	snprintf(title, sizeof(title), "%s%s", ui->compact ? "" : "  ",
		 state->form->title);

	/* Rows are drawn one by one, never blanked as a whole, because the
	 * fields' window shares stdscr's cells. */
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE), title);
	if (ui->compact)
		money_draw_compact(state, ui);
	else
		money_draw_wide(state, ui);
	for (i = 0; i < state->form->count; i++) {
		if ((ui->compact ? state->form->compact
				 : state->form->wide)[i].secret)
			fieldset_draw_mask(state->fields, i);
	}
	fieldset_show_cursor(state->fields);
}
