/* The send money screen: a form for the destination, delivery method,
 * currencies, amount and receiver, then the central service's quote with
 * a countdown to its expiry, confirmed with Enter while it is valid. */
#define LOG_MODULE "ui"
#include <stdio.h>
#include <string.h>

#include "../app/currency.h"
#include "../app/log.h"
#include "draw.h"
#include "fieldset.h"
#include "screen.h"
#include "send_form.h"
#include "theme.h"

/* The screen's modes: the form, the form while the quote request runs,
 * and the quote. */
enum send_mode {
	SEND_EDIT = 0,
	SEND_WAITING,
	SEND_QUOTE,
};

#define SEND_OFFLINE_TEXT "Send money needs the link to the central service."

/* The wide form: labels from column 2, fields from column 20, the
 * current field's message or hint and the form's message under them. */
#define SEND_LABEL_COLUMN 2
#define SEND_FIELD_COLUMN 20
#define SEND_FIELD_ROW 3
#define SEND_MESSAGE_ROW 12
#define SEND_FORM_MESSAGE_ROW 14

/* The compact form: each label and its field share a row. */
#define SEND_COMPACT_FIELD_COLUMN 12
#define SEND_COMPACT_FIELD_ROW 1
#define SEND_COMPACT_MESSAGE_ROW 9
#define SEND_COMPACT_FORM_MESSAGE_ROW 10 /* two rows */

/* The quote's value column. */
#define SEND_QUOTE_VALUE_COLUMN 20
#define SEND_COMPACT_QUOTE_VALUE_COLUMN 12

struct send_state {
	struct send_form form;
	char message[UI_MESSAGE_SIZE]; /* for the whole form */
	enum send_mode mode;

	struct api_quote_request request; /* the last one sent */
	struct api_quote quote;           /* shown in SEND_QUOTE */
	int64_t quote_deadline;           /* money_monotonic_seconds */
	struct money_reply reply;
};

static struct send_state send;

#define SEND_HELP                                                              \
	(UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT | UI_HELP_SYNC |        \
	 UI_HELP_QUIT)
#define SEND_HELP_COMPACT (UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_NEXT)
#define SEND_QUOTE_HELP (UI_HELP_CONFIRM | UI_HELP_BACK | UI_HELP_QUIT)
#define SEND_QUOTE_KEYS "N New quote"
#define SEND_QUOTE_KEYS_COMPACT "N:New"

/* Whether a request cannot reach the central service now. */
static bool send_offline(const struct ui *ui)
{
	return ui->app->session.offline || !ui->app->status.online;
}

static int send_init(struct screen *screen, struct ui *ui)
{
	struct send_state *state = screen->state;

	(void)ui;
	return send_form_init(&state->form);
}

static void send_destroy(struct screen *screen)
{
	struct send_state *state = screen->state;

	send_form_free(&state->form);
}

static void send_clear(struct send_state *state, struct ui *ui)
{
	state->message[0] = '\0';
	state->mode = SEND_EDIT;
	send_form_clear(&state->form, ui->app->journal,
			ui->app->config.currency, state->message,
			sizeof(state->message));
}

static void send_set_help(struct screen *screen, const struct send_state *state,
			  const struct ui *ui)
{
	bool expired = state->mode == SEND_QUOTE &&
		       state->quote_deadline <= money_monotonic_seconds();

	if (state->mode == SEND_QUOTE) {
		/* Once the quote expired, Enter gets a new one too. */
		screen->help = SEND_QUOTE_HELP;
		screen->confirm_word = expired ? "New quote" : "Confirm";
		screen->back_word = "Edit";
		screen->help_keys = expired ? NULL : SEND_QUOTE_KEYS;
		screen->help_keys_compact =
			expired ? NULL : SEND_QUOTE_KEYS_COMPACT;
		screen->cursor = false;
		return;
	}
	screen->help = ui->compact ? SEND_HELP_COMPACT : SEND_HELP;
	screen->confirm_word = "Quote";
	screen->back_word = NULL;
	screen->help_keys = NULL;
	screen->help_keys_compact = NULL;
	screen->cursor = true;
}

static void send_enter(struct screen *screen, struct ui *ui,
		       enum screen_id from)
{
	struct send_state *state = screen->state;

	(void)from;
	send_clear(state, ui);
	send_set_help(screen, state, ui);
}

static void send_leave(struct screen *screen, struct ui *ui)
{
	struct send_state *state = screen->state;

	(void)ui;
	fieldset_unplace(&state->form.fields);
}

/* Post the form in the layout in use. The quote view has no fields. */
static void send_layout(struct screen *screen, struct ui *ui)
{
	struct send_state *state = screen->state;

	send_set_help(screen, state, ui);
	if (ui->too_small || state->mode == SEND_QUOTE) {
		fieldset_unplace(&state->form.fields);
		return;
	}
	if (fieldset_use(&state->form.fields,
			 ui->compact ? send_form_compact_specs
				     : send_form_wide_specs) != 0)
		return;
	if (ui->compact)
		fieldset_place(&state->form.fields,
			       ui_row(ui, SEND_COMPACT_FIELD_ROW),
			       ui_column(ui, SEND_COMPACT_FIELD_COLUMN));
	else
		fieldset_place(&state->form.fields, ui_row(ui, SEND_FIELD_ROW),
			       ui_column(ui, SEND_FIELD_COLUMN));
}

/* Write the message of a field other than the current one, after its
 * label, so that the message of the field just left is not hidden by
 * the next field's hint. Returns false when no field has one. */
static bool send_other_message(const struct send_state *state,
			       const struct ui *ui, int current, char *buf,
			       size_t size)
{
	int i;

	for (i = 0; i < SEND_FIELD_COUNT; i++) {
		if (i == current || state->form.messages[i][0] == '\0')
			continue;
		snprintf(buf, size, "%s: %s",
			 ui->compact ? send_form_compact_labels[i]
				     : send_form_labels[i],
			 state->form.messages[i]);
		return true;
	}
	return false;
}

/* Draw the current field's message, or else another field's message, or
 * else the current field's hint, and the form's message: the offline
 * notice comes first, because nothing is sent. */
static void send_draw_messages(const struct send_state *state,
			       const struct ui *ui, int row, int form_row,
			       int x, int width)
{
	int current = fieldset_current(&state->form.fields);
	const char *form = state->message;
	attr_t attr = theme_attr(THEME_ERROR);
	char other[UI_MESSAGE_SIZE + 32];

	if (state->form.messages[current][0] != '\0')
		draw_line(stdscr, ui_row(ui, row), x, width,
			  theme_attr(THEME_ERROR),
			  state->form.messages[current]);
	else if (send_other_message(state, ui, current, other, sizeof(other)))
		draw_line(stdscr, ui_row(ui, row), x, width,
			  theme_attr(THEME_ERROR), other);
	else
		draw_line(stdscr, ui_row(ui, row), x, width, A_DIM,
			  send_form_hints[current]);
	if (send_offline(ui)) {
		form = SEND_OFFLINE_TEXT;
	} else if (state->mode == SEND_WAITING) {
		form = "Getting a quote from the central service...";
		attr = theme_attr(THEME_PENDING);
	}
	if (ui->compact)
		draw_wrapped(stdscr, ui_row(ui, form_row), x, width, 2, attr,
			     form);
	else
		draw_line(stdscr, ui_row(ui, form_row), x, width, attr, form);
}

static void send_draw_form(const struct send_state *state, const struct ui *ui)
{
	const struct fieldset_spec *specs =
		ui->compact ? send_form_compact_specs : send_form_wide_specs;
	int current = fieldset_current(&state->form.fields);
	int x = ui_column(ui, 0);
	int field_column =
		ui->compact ? SEND_COMPACT_FIELD_COLUMN : SEND_FIELD_COLUMN;
	int top = ui->compact ? SEND_COMPACT_FIELD_ROW : SEND_FIELD_ROW;
	char note[API_BANK_NAME_SIZE + 32];
	int i;

	for (i = 0; i < SEND_FIELD_COUNT; i++) {
		int row = ui_row(ui, top + specs[i].row);
		int view = specs[i].view > 0
				   ? specs[i].view
				   : FIELDSET_SCREEN_WIDTH(specs[i].width);
		int note_column = field_column + view + 1;

		draw_line(stdscr, row, x, field_column,
			  i == current ? A_BOLD : A_NORMAL, "");
		draw_text(stdscr, row,
			  x + (ui->compact ? 0 : SEND_LABEL_COLUMN),
			  field_column - (ui->compact ? 0 : SEND_LABEL_COLUMN),
			  i == current ? A_BOLD : A_NORMAL,
			  ui->compact ? send_form_compact_labels[i]
				      : send_form_labels[i]);
		send_form_note(&state->form, i, note, sizeof(note));
		if (note_column < ui->columns)
			draw_line(stdscr, row, x + note_column,
				  ui->columns - note_column, A_DIM, note);
	}
	if (ui->compact)
		send_draw_messages(state, ui, SEND_COMPACT_MESSAGE_ROW,
				   SEND_COMPACT_FORM_MESSAGE_ROW, x,
				   ui->columns);
	else
		send_draw_messages(state, ui, SEND_MESSAGE_ROW,
				   SEND_FORM_MESSAGE_ROW, x + SEND_LABEL_COLUMN,
				   ui->columns - SEND_LABEL_COLUMN);
}

/* One "label  value" row of the quote view. */
static void send_draw_value(const struct ui *ui, int row, const char *label,
			    attr_t attr, const char *value)
{
	int x = ui_column(ui, 0);
	int label_column = ui->compact ? 0 : SEND_LABEL_COLUMN;
	int value_column = ui->compact ? SEND_COMPACT_QUOTE_VALUE_COLUMN
				       : SEND_QUOTE_VALUE_COLUMN;

	draw_line(stdscr, ui_row(ui, row), x, ui->columns, A_NORMAL, "");
	draw_text(stdscr, ui_row(ui, row), x + label_column,
		  value_column - label_column, A_NORMAL, label);
	draw_text(stdscr, ui_row(ui, row), x + value_column,
		  ui->columns - value_column, attr, value);
}

/* Write "GHS 1,000.00", or the minor units when the code is unknown. */
static void send_format(const char *code, int64_t minor, char *buf, size_t size)
{
	char amount[CURRENCY_TEXT_MAX];

	if (currency_format(code, minor, amount, sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%lld", (long long)minor);
	snprintf(buf, size, "%.3s %s", code, amount);
}

/* Write the countdown "Quote valid for 1:45", or that it expired. */
static void send_countdown(const struct send_state *state, char *buf,
			   size_t size)
{
	int64_t left = state->quote_deadline - money_monotonic_seconds();

	if (left <= 0)
		snprintf(buf, size,
			 "Quote expired: press Enter or N for a "
			 "new one");
	else
		snprintf(buf, size, "Quote valid for %lld:%02lld",
			 (long long)(left / 60), (long long)(left % 60));
}

/* Content rows of the quote view in the two layouts. */
struct send_quote_rows {
	int title;
	int receiver;
	int delivery;
	int account; /* left blank for cash pickup */
	int rate;
	int amount; /* then fee, total and receive amount */
	int expiry;
	int message; /* two rows when compact */
};

static const struct send_quote_rows send_wide_quote_rows = {
	.title = 1,
	.receiver = 3,
	.delivery = 4,
	.account = 5,
	.rate = 7,
	.amount = 8,
	.expiry = 13,
	.message = 15,
};

static const struct send_quote_rows send_compact_quote_rows = {
	.title = 0,
	.receiver = 1,
	.delivery = 2,
	.account = 3,
	.rate = 4,
	.amount = 5,
	.expiry = 9,
	.message = 10,
};

static void send_draw_quote(const struct send_state *state, const struct ui *ui)
{
	const struct send_quote_rows *rows =
		ui->compact ? &send_compact_quote_rows : &send_wide_quote_rows;
	const struct api_quote *quote = &state->quote;
	const struct refdata_corridor *corridor =
		send_form_corridor(&state->form);
	char name[SEND_TEXT_SIZE];
	char account[SEND_TEXT_SIZE];
	char text[2 * SEND_TEXT_SIZE + API_BANK_NAME_SIZE];
	bool expired = state->quote_deadline <= money_monotonic_seconds();

	fieldset_get(&state->form.fields, SEND_FIELD_NAME, name, sizeof(name));
	fieldset_get(&state->form.fields, SEND_FIELD_ACCOUNT, account,
		     sizeof(account));
	draw_line(stdscr, ui_row(ui, rows->title), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE),
		  ui->compact ? "Send money: quote" : "  Send money: quote");
	send_draw_value(ui, rows->receiver, "Receiver", A_BOLD, name);
	snprintf(text, sizeof(text), "%s, %s",
		 corridor != NULL ? corridor->name : quote->country,
		 send_form_method_word(quote->method));
	send_draw_value(ui, rows->delivery, "Delivery", A_NORMAL, text);
	if (account[0] != '\0')
		send_draw_value(ui, rows->account, "Account", A_NORMAL,
				account);
	snprintf(text, sizeof(text), "1 %s = %s %s", quote->send_currency,
		 quote->rate, quote->receive_currency);
	send_draw_value(ui, rows->rate, "Rate", A_NORMAL, text);

	send_format(quote->send_currency, quote->send_amount, text,
		    sizeof(text));
	send_draw_value(ui, rows->amount, "Send amount", A_BOLD, text);
	send_format(quote->send_currency, quote->fee, text, sizeof(text));
	send_draw_value(ui, rows->amount + 1, "Fee", A_BOLD, text);
	send_format(quote->send_currency, quote->total, text, sizeof(text));
	send_draw_value(ui, rows->amount + 2,
			ui->compact ? "Total" : "Total in cash",
			A_BOLD | A_UNDERLINE, text);
	send_format(quote->receive_currency, quote->receive_amount, text,
		    sizeof(text));
	send_draw_value(ui, rows->amount + 3,
			ui->compact ? "Receives" : "Receiver gets", A_BOLD,
			text);

	send_countdown(state, text, sizeof(text));
	draw_line(stdscr, ui_row(ui, rows->expiry),
		  ui_column(ui, ui->compact ? 0 : SEND_LABEL_COLUMN),
		  ui->columns - (ui->compact ? 0 : SEND_LABEL_COLUMN),
		  expired ? theme_attr(THEME_ERROR) | A_BOLD
			  : theme_attr(THEME_PENDING),
		  text);
	draw_wrapped(stdscr, ui_row(ui, rows->message),
		     ui_column(ui, ui->compact ? 0 : SEND_LABEL_COLUMN),
		     ui->columns - (ui->compact ? 0 : SEND_LABEL_COLUMN),
		     ui->compact ? 2 : 1, theme_attr(THEME_ERROR),
		     send_offline(ui) ? SEND_OFFLINE_TEXT : state->message);
}

static void send_draw(const struct screen *screen, const struct ui *ui)
{
	const struct send_state *state = screen->state;
	int row;

	if (state->mode == SEND_QUOTE) {
		for (row = 0; row < ui->rows; row++)
			draw_blank(stdscr, ui_row(ui, row), ui_column(ui, 0),
				   ui->columns);
		send_draw_quote(state, ui);
		return;
	}
	/* Rows are drawn one by one, never blanked as a whole, because the
	 * fields' window shares stdscr's cells. */
	draw_line(stdscr, ui_row(ui, ui->compact ? 0 : 1), ui_column(ui, 0),
		  ui->columns, theme_attr(THEME_TITLE),
		  ui->compact ? "Send money" : "  Send money");
	send_draw_form(state, ui);
	fieldset_show_cursor(&state->form.fields);
}

/* Send the quote request of the form, or the last one again. */
static void send_request_quote(struct send_state *state, struct ui *ui,
			       const struct api_quote_request *quote)
{
	struct money_request request;

	state->message[0] = '\0';
	if (send_offline(ui))
		return;
	memset(&request, 0, sizeof(request));
	request.kind = MONEY_REQUEST_QUOTE;
	request.quote = *quote;
	state->request = *quote;
	if (money_request_start(ui->app, &request, state->message,
				sizeof(state->message)) != 0)
		return;
	state->mode = SEND_WAITING;
}

/* Enter on the form: the quote once the whole form is valid, else the
 * next field, and on the last field the first message. */
static int send_confirm_form(struct send_state *state, struct ui *ui)
{
	struct send_form *form = &state->form;
	struct api_quote_request request;
	int current = fieldset_current(&form->fields);
	int next = send_form_next(form, current, 1);
	char saved[SEND_FIELD_COUNT][UI_MESSAGE_SIZE];

	if (state->mode == SEND_WAITING)
		return SCREEN_HANDLED;
	memcpy(saved, form->messages, sizeof(saved));
	if (send_form_validate(form, &request) == 0) {
		send_request_quote(state, ui, &request);
		return SCREEN_HANDLED;
	}
	/* On the last field every message shows; before it, only the
	 * message of the field left. */
	if (next <= current)
		return SCREEN_HANDLED;
	memcpy(form->messages, saved, sizeof(saved));
	send_form_check_field(form, current);
	fieldset_focus(&form->fields, next);
	return SCREEN_HANDLED;
}

/* Enter on the quote: journal the operation while the quote is valid,
 * or ask for a fresh quote once it expired. */
static int send_confirm_quote(struct screen *screen, struct send_state *state,
			      struct ui *ui)
{
	struct money_operation op;
	char id[JOURNAL_ID_SIZE];

	if (state->quote_deadline <= money_monotonic_seconds()) {
		send_request_quote(state, ui, &state->request);
		send_set_help(screen, state, ui);
		return SCREEN_HANDLED;
	}
	send_form_fill(&state->form, &state->quote, state->quote_deadline, &op);
	if (money_prepare(ui->app->journal, &op, state->message,
			  sizeof(state->message)) != 0)
		return SCREEN_HANDLED;
	if (money_submit(ui->app, &op, id, state->message,
			 sizeof(state->message)) != 0)
		return SCREEN_HANDLED;
	ui->money = op;
	snprintf(ui->operation_id, sizeof(ui->operation_id), "%s", id);
	log_info("send money %s journaled on quote %s", id, op.u.send.quote_id);
	return ui_switch(ui, SCREEN_RESULT);
}

/* Back to the form from the quote, or from the form to the services. */
static int send_back(struct screen *screen, struct send_state *state,
		     struct ui *ui)
{
	if (state->mode == SEND_EDIT)
		return ui_switch(ui, SCREEN_SERVICES);

	/* A reply still on its way is dropped when it arrives. */
	state->mode = SEND_EDIT;
	state->message[0] = '\0';
	send_set_help(screen, state, ui);
	send_layout(screen, ui);
	return SCREEN_HANDLED;
}

static int send_on_action(struct screen *screen, struct ui *ui,
			  enum ui_action action)
{
	struct send_state *state = screen->state;
	int current = fieldset_current(&state->form.fields);

	if (state->mode == SEND_QUOTE) {
		if (action == UI_ACTION_CONFIRM)
			return send_confirm_quote(screen, state, ui);
		if (action == UI_ACTION_BACK)
			return send_back(screen, state, ui);
		return SCREEN_IGNORED;
	}
	if (send_form_edit(&state->form, action))
		return SCREEN_HANDLED;

	switch (action) {
	case UI_ACTION_NEXT:
	case UI_ACTION_PREV:
		send_form_check_field(&state->form, current);
		fieldset_focus(
			&state->form.fields,
			send_form_next(&state->form, current,
				       action == UI_ACTION_NEXT ? 1 : -1));
		return SCREEN_HANDLED;
	case UI_ACTION_CONFIRM:
		return send_confirm_form(state, ui);
	case UI_ACTION_BACK:
		return send_back(screen, state, ui);
	default:
		return SCREEN_IGNORED;
	}
}

static int send_on_text(struct screen *screen, struct ui *ui, wchar_t ch)
{
	struct send_state *state = screen->state;

	if (state->mode == SEND_QUOTE) {
		if (ch != L'n' && ch != L'N')
			return SCREEN_IGNORED;
		send_request_quote(state, ui, &state->request);
		return SCREEN_HANDLED;
	}
	if (state->mode == SEND_WAITING)
		return SCREEN_IGNORED;
	send_form_type(&state->form, ch);
	return SCREEN_HANDLED;
}

/* Take the quote's reply: show the quote, or its failure on the form. */
static int send_take_reply(struct screen *screen, struct send_state *state,
			   struct ui *ui)
{
	struct money_reply *reply = &state->reply;

	if (money_request_take(reply) != 0 ||
	    reply->kind != MONEY_REQUEST_QUOTE || state->mode != SEND_WAITING)
		return SCREEN_IGNORED;
	if (reply->result == API_ESESSION) {
		/* on_session sends it again once the agent has logged in. */
		ui_session_expired(ui);
		return SCREEN_HANDLED;
	}
	if (reply->result != 0) {
		state->mode = SEND_EDIT;
		snprintf(state->message, sizeof(state->message), "%.*s",
			 (int)sizeof(state->message) - 1,
			 reply->message[0] != '\0' ? reply->message
						   : "No quote");
		return SCREEN_HANDLED;
	}
	state->quote = reply->quote;
	state->quote_deadline = reply->quote_deadline;
	state->mode = SEND_QUOTE;
	fieldset_unplace(&state->form.fields);
	send_set_help(screen, state, ui);

	/* An Enter typed while the quote was on its way must not confirm a
	 * quote the agent has not seen. */
	ui_flush_typeahead(ui);
	return SCREEN_HANDLED;
}

static int send_on_event(struct screen *screen, struct ui *ui,
			 const struct event *event)
{
	struct send_state *state = screen->state;

	if (event->type == EVENT_MONEY)
		return send_take_reply(screen, state, ui);
	if (event->type == EVENT_LINK)
		return SCREEN_REDRAW;
	return SCREEN_IGNORED;
}

/* The quote request met an expired session: send it again after a new
 * login, else go back to the form. */
static int send_on_session(struct screen *screen, struct ui *ui, bool renewed)
{
	struct send_state *state = screen->state;
	struct api_quote_request request = state->request;

	(void)screen;
	state->mode = SEND_EDIT;
	if (renewed) {
		send_request_quote(state, ui, &request);
		return SCREEN_HANDLED;
	}
	snprintf(state->message, sizeof(state->message),
		 "Session expired: no quote was asked");
	return SCREEN_HANDLED;
}

/* Called once a second by the UI loop: the countdown moves on, and the
 * help line changes when the quote expires. */
static void send_reload(struct screen *screen, struct ui *ui)
{
	send_set_help(screen, screen->state, ui);
}

struct screen screen_send = {
	.name = "send",
	.cursor = true,
	.help = SEND_HELP,
	.confirm_word = "Quote",
	.init = send_init,
	.enter = send_enter,
	.leave = send_leave,
	.layout = send_layout,
	.reload = send_reload,
	.every_second = true,
	.draw = send_draw,
	.on_action = send_on_action,
	.on_text = send_on_text,
	.on_event = send_on_event,
	.on_session = send_on_session,
	.destroy = send_destroy,
	.state = &send,
};
