/* The send money form: its fields in both layouts, the destinations
 * from the journal's cached corridors, the check of each field and of the
 * whole form, and the operation built from the form and a quote. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "../app/currency.h"
#include "../app/validate.h"
#include "send_form.h"

const struct fieldset_spec send_form_wide_specs[SEND_FIELD_COUNT] = {
	[SEND_FIELD_COUNTRY] = {.row = 0, .width = 2, .replace = true},
	[SEND_FIELD_METHOD] = {.row = 1, .width = 13},
	[SEND_FIELD_CURRENCY] = {.row = 2, .width = 3, .replace = true},
	[SEND_FIELD_SEND_AMOUNT] = {.row = 3, .width = 20},
	[SEND_FIELD_RECEIVE_AMOUNT] = {.row = 4, .width = 20},
	[SEND_FIELD_NAME] = {.row = 5, .width = SEND_NAME_WIDTH, .view = 40},
	[SEND_FIELD_PHONE] = {.row = 6, .width = 16},
	[SEND_FIELD_ACCOUNT] = {.row = 7, .width = SEND_ACCOUNT_WIDTH},
};

const struct fieldset_spec send_form_compact_specs[SEND_FIELD_COUNT] = {
	[SEND_FIELD_COUNTRY] = {.row = 0, .width = 2, .replace = true},
	[SEND_FIELD_METHOD] = {.row = 1, .width = 13},
	[SEND_FIELD_CURRENCY] = {.row = 2, .width = 3, .replace = true},
	[SEND_FIELD_SEND_AMOUNT] = {.row = 3, .width = 20},
	[SEND_FIELD_RECEIVE_AMOUNT] = {.row = 4, .width = 20},
	[SEND_FIELD_NAME] = {.row = 5, .width = SEND_NAME_WIDTH, .view = 27},
	[SEND_FIELD_PHONE] = {.row = 6, .width = 16},
	[SEND_FIELD_ACCOUNT] = {.row = 7,
				.width = SEND_ACCOUNT_WIDTH,
				.view = 27},
};

const char *const send_form_labels[SEND_FIELD_COUNT] = {
	[SEND_FIELD_COUNTRY] = "Country",
	[SEND_FIELD_METHOD] = "Delivery",
	[SEND_FIELD_CURRENCY] = "Send currency",
	[SEND_FIELD_SEND_AMOUNT] = "Send amount",
	[SEND_FIELD_RECEIVE_AMOUNT] = "Receive amount",
	[SEND_FIELD_NAME] = "Receiver name",
	[SEND_FIELD_PHONE] = "Receiver phone",
	[SEND_FIELD_ACCOUNT] = "Account",
};

const char *const send_form_compact_labels[SEND_FIELD_COUNT] = {
	[SEND_FIELD_COUNTRY] = "Country",
	[SEND_FIELD_METHOD] = "Delivery",
	[SEND_FIELD_CURRENCY] = "Send cur.",
	[SEND_FIELD_SEND_AMOUNT] = "Send amt",
	[SEND_FIELD_RECEIVE_AMOUNT] = "Receive amt",
	[SEND_FIELD_NAME] = "Name",
	[SEND_FIELD_PHONE] = "Phone",
	[SEND_FIELD_ACCOUNT] = "Account",
};

const char *const send_form_hints[SEND_FIELD_COUNT] = {
	[SEND_FIELD_COUNTRY] = "Country code, or Left/Right to pick one",
	[SEND_FIELD_METHOD] = "Left/Right or a digit to pick",
	[SEND_FIELD_CURRENCY] = "What the customer pays in, e.g. GHS",
	[SEND_FIELD_SEND_AMOUNT] = "Fill this or the receive amount",
	[SEND_FIELD_RECEIVE_AMOUNT] = "Fill this or the send amount",
	[SEND_FIELD_NAME] = "As on the receiver's ID",
	[SEND_FIELD_PHONE] = "International form, e.g. +2348030000009",
	[SEND_FIELD_ACCOUNT] = "Bank account, IBAN or wallet number",
};

static const struct {
	const char *method;
	const char *words;
} send_method_words[] = {
	{"bank_deposit", "Bank deposit"},
	{"mobile_wallet", "Mobile wallet"},
	{"cash_pickup", "Cash pickup"},
};

const char *send_form_method_word(const char *method)
{
	size_t i;

	for (i = 0;
	     i < sizeof(send_method_words) / sizeof(send_method_words[0]);
	     i++) {
		if (strcmp(send_method_words[i].method, method) == 0)
			return send_method_words[i].words;
	}
	return method;
}

const struct refdata_corridor *send_form_corridor(const struct send_form *form)
{
	if (form->corridor < 0 || form->corridor >= form->corridor_count)
		return NULL;
	return &form->corridors[form->corridor];
}

const char *send_form_method(const struct send_form *form)
{
	const struct refdata_corridor *corridor = send_form_corridor(form);

	if (corridor == NULL || form->method < 0 ||
	    form->method >= corridor->method_count)
		return "";
	return corridor->methods[form->method];
}

bool send_form_needs_account(const struct send_form *form)
{
	const char *method = send_form_method(form);

	return method[0] != '\0' && strcmp(method, "cash_pickup") != 0;
}

/* Upper-case field index in place, for codes typed in lower case. */
static void send_upcase(struct send_form *form, int index)
{
	char text[16];
	size_t i;

	fieldset_get(&form->fields, index, text, sizeof(text));
	for (i = 0; text[i] != '\0'; i++)
		text[i] = (char)toupper((unsigned char)text[i]);
	fieldset_set(&form->fields, index, text);
}

void send_form_set_method(struct send_form *form, int method)
{
	const struct refdata_corridor *corridor = send_form_corridor(form);

	form->method = corridor != NULL && method >= 0 &&
				       method < corridor->method_count
			       ? method
			       : -1;
	fieldset_set(&form->fields, SEND_FIELD_METHOD,
		     form->method >= 0
			     ? send_form_method_word(send_form_method(form))
			     : "");
	if (!send_form_needs_account(form))
		fieldset_set(&form->fields, SEND_FIELD_ACCOUNT, "");
}

void send_form_sync_country(struct send_form *form)
{
	char country[8];
	char method[API_METHOD_SIZE];
	int i;

	snprintf(method, sizeof(method), "%s", send_form_method(form));
	fieldset_get(&form->fields, SEND_FIELD_COUNTRY, country,
		     sizeof(country));
	form->corridor = -1;
	for (i = 0; i < form->corridor_count; i++) {
		if (strcasecmp(form->corridors[i].country, country) == 0)
			form->corridor = i;
	}
	if (form->corridor < 0) {
		send_form_set_method(form, -1);
		return;
	}
	for (i = 0; i < form->corridors[form->corridor].method_count; i++) {
		if (strcmp(form->corridors[form->corridor].methods[i],
			   method) == 0) {
			send_form_set_method(form, i);
			return;
		}
	}
	send_form_set_method(form, 0);
}

/* Pick the corridor `step` places from the current one. */
static void send_step_country(struct send_form *form, int step)
{
	int count = form->corridor_count;
	int next;

	if (count == 0)
		return;
	next = form->corridor < 0 ? 0 : (form->corridor + step + count) % count;
	fieldset_set(&form->fields, SEND_FIELD_COUNTRY,
		     form->corridors[next].country);
	send_form_sync_country(form);
}

static void send_step_method(struct send_form *form, int step)
{
	const struct refdata_corridor *corridor = send_form_corridor(form);
	int count = corridor != NULL ? corridor->method_count : 0;

	if (count == 0)
		return;
	send_form_set_method(
		form,
		form->method < 0 ? 0 : (form->method + step + count) % count);
}

/* Check an account number for the delivery method: letters and digits
 * for a bank account or IBAN, digits with an optional '+' for a mobile
 * wallet. */
static void send_check_account(const struct send_form *form, const char *text,
			       char *message, size_t size)
{
	bool wallet = strcmp(send_form_method(form), "mobile_wallet") == 0;
	size_t length = strlen(text);
	size_t i;

	if (length == 0) {
		snprintf(message, size, "Enter the receiver's %s",
			 wallet ? "wallet number" : "account number");
		return;
	}
	for (i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];

		if (wallet ? !(isdigit(c) || (i == 0 && c == '+'))
			   : !isalnum(c)) {
			snprintf(message, size, "%s",
				 wallet ? "A wallet number has only digits"
					: "An account number has only letters "
					  "and digits");
			return;
		}
	}
	if (length < 6)
		snprintf(message, size,
			 "The number is too short: at least 6 "
			 "characters");
}

/* Check an amount field in currency code. */
static void send_check_amount(const char *code, const char *text, char *message,
			      size_t size)
{
	int64_t minor;
	int rc;

	if (text[0] == '\0' || currency_find(code) == NULL)
		return;
	rc = currency_parse(code, text, &minor);
	if (rc != CURRENCY_OK)
		currency_describe_error(code, text, rc, message, size);
}

void send_form_check_field(struct send_form *form, int index)
{
	const struct refdata_corridor *corridor = send_form_corridor(form);
	char text[SEND_TEXT_SIZE];
	char code[8];
	char phone[VALIDATE_PHONE_SIZE];
	char *message = form->messages[index];
	size_t size = sizeof(form->messages[index]);

	message[0] = '\0';
	fieldset_get(&form->fields, index, text, sizeof(text));
	fieldset_get(&form->fields, SEND_FIELD_CURRENCY, code, sizeof(code));
	switch (index) {
	case SEND_FIELD_COUNTRY:
		if (corridor == NULL)
			snprintf(message, size,
				 "No send money to \"%s\": "
				 "press Left/Right to pick a "
				 "country",
				 text);
		break;
	case SEND_FIELD_METHOD:
		if (corridor != NULL && form->method < 0)
			snprintf(message, size, "Pick a delivery method");
		break;
	case SEND_FIELD_CURRENCY:
		if (currency_find(code) == NULL)
			snprintf(message, size,
				 "Unknown currency: use an ISO "
				 "4217 code such as GHS");
		break;
	case SEND_FIELD_SEND_AMOUNT:
		send_check_amount(code, text, message, size);
		break;
	case SEND_FIELD_RECEIVE_AMOUNT:
		if (corridor != NULL)
			send_check_amount(corridor->currency, text, message,
					  size);
		break;
	case SEND_FIELD_NAME:
		validate_person_name(text, SEND_NAME_WIDTH, message, size);
		break;
	case SEND_FIELD_PHONE:
		validate_phone(text, NULL, phone, sizeof(phone), message, size);
		break;
	case SEND_FIELD_ACCOUNT:
		if (send_form_needs_account(form))
			send_check_account(form, text, message, size);
		break;
	default:
		break;
	}
}

void send_form_note(const struct send_form *form, int index, char *note,
		    size_t size)
{
	const struct refdata_corridor *corridor = send_form_corridor(form);
	char code[8];

	note[0] = '\0';
	fieldset_get(&form->fields, SEND_FIELD_CURRENCY, code, sizeof(code));
	switch (index) {
	case SEND_FIELD_COUNTRY:
		if (corridor != NULL)
			snprintf(note, size, "%s, pays out %s", corridor->name,
				 corridor->currency);
		break;
	case SEND_FIELD_SEND_AMOUNT:
		snprintf(note, size, "%s", code);
		break;
	case SEND_FIELD_RECEIVE_AMOUNT:
		if (corridor != NULL)
			snprintf(note, size, "%s", corridor->currency);
		break;
	case SEND_FIELD_ACCOUNT:
		if (corridor != NULL && form->method >= 0 &&
		    !send_form_needs_account(form))
			snprintf(note, size, "not needed for cash pickup");
		break;
	default:
		break;
	}
}

/* Parse amount field index in code into *minor: 0 when it is empty.
 * Returns 0, or -1 with the field's message set. */
static int send_parse_amount(struct send_form *form, int index,
			     const char *code, int64_t *minor)
{
	char text[SEND_TEXT_SIZE];
	int rc;

	*minor = 0;
	fieldset_get(&form->fields, index, text, sizeof(text));
	if (text[0] == '\0')
		return 0;
	rc = currency_parse(code, text, minor);
	if (rc == CURRENCY_OK)
		return 0;
	currency_describe_error(code, text, rc, form->messages[index],
				sizeof(form->messages[index]));
	return -1;
}

int send_form_validate(struct send_form *form,
		       struct api_quote_request *request)
{
	const struct refdata_corridor *corridor;
	int i;

	send_upcase(form, SEND_FIELD_CURRENCY);
	for (i = 0; i < SEND_FIELD_COUNT; i++)
		send_form_check_field(form, i);
	memset(request, 0, sizeof(*request));
	corridor = send_form_corridor(form);
	if (corridor != NULL &&
	    form->messages[SEND_FIELD_CURRENCY][0] == '\0') {
		fieldset_get(&form->fields, SEND_FIELD_CURRENCY,
			     request->send_currency,
			     sizeof(request->send_currency));
		send_parse_amount(form, SEND_FIELD_SEND_AMOUNT,
				  request->send_currency,
				  &request->send_amount);
		send_parse_amount(form, SEND_FIELD_RECEIVE_AMOUNT,
				  corridor->currency, &request->receive_amount);
		if (request->send_amount > 0 && request->receive_amount > 0)
			snprintf(form->messages[SEND_FIELD_RECEIVE_AMOUNT],
				 UI_MESSAGE_SIZE,
				 "Fill only one amount: "
				 "clear this one or the send "
				 "amount");
		else if (request->send_amount == 0 &&
			 request->receive_amount == 0 &&
			 form->messages[SEND_FIELD_SEND_AMOUNT][0] == '\0')
			snprintf(form->messages[SEND_FIELD_SEND_AMOUNT],
				 UI_MESSAGE_SIZE,
				 "Enter the amount to send, "
				 "or the amount to receive");
	}
	for (i = 0; i < SEND_FIELD_COUNT; i++) {
		if (form->messages[i][0] != '\0') {
			fieldset_focus(&form->fields, i);
			return -1;
		}
	}
	snprintf(request->country, sizeof(request->country), "%s",
		 corridor->country);
	snprintf(request->method, sizeof(request->method), "%s",
		 send_form_method(form));
	snprintf(request->receive_currency, sizeof(request->receive_currency),
		 "%s", corridor->currency);
	return 0;
}

void send_form_fill(const struct send_form *form, const struct api_quote *quote,
		    int64_t quote_deadline, struct money_operation *op)
{
	struct send_money *send_money = &op->u.send;
	char phone[SEND_TEXT_SIZE];

	memset(op, 0, sizeof(*op));
	snprintf(op->type, sizeof(op->type), "%s", API_TYPE_SEND_MONEY);
	op->quote_deadline = quote_deadline;
	snprintf(send_money->quote_id, sizeof(send_money->quote_id), "%s",
		 quote->quote_id);
	send_money->funding = API_FUNDING_CASH;
	fieldset_get(&form->fields, SEND_FIELD_NAME, send_money->receiver_name,
		     sizeof(send_money->receiver_name));
	fieldset_get(&form->fields, SEND_FIELD_PHONE, phone, sizeof(phone));
	if (validate_phone(phone, NULL, send_money->receiver_phone,
			   sizeof(send_money->receiver_phone), NULL, 0) != 0)
		snprintf(send_money->receiver_phone,
			 sizeof(send_money->receiver_phone), "%.16s", phone);
	if (send_form_needs_account(form))
		fieldset_get(&form->fields, SEND_FIELD_ACCOUNT,
			     send_money->receiver_account,
			     sizeof(send_money->receiver_account));
	snprintf(send_money->country, sizeof(send_money->country), "%s",
		 quote->country);
	snprintf(send_money->method, sizeof(send_money->method), "%s",
		 quote->method);
	snprintf(send_money->rate, sizeof(send_money->rate), "%s", quote->rate);
	snprintf(send_money->currency, sizeof(send_money->currency), "%s",
		 quote->send_currency);
	send_money->amount = quote->send_amount;
	send_money->fee = quote->fee;
	snprintf(send_money->receive_currency,
		 sizeof(send_money->receive_currency), "%s",
		 quote->receive_currency);
	send_money->receive_amount = quote->receive_amount;
}

int send_form_init(struct send_form *form)
{
	return fieldset_init(&form->fields, send_form_wide_specs,
			     SEND_FIELD_COUNT);
}

void send_form_free(struct send_form *form)
{
	fieldset_free(&form->fields);
}

int send_form_clear(struct send_form *form, struct journal *journal,
		    const char *currency, char *message, size_t message_size)
{
	int i;
	int rc;

	for (i = 0; i < SEND_FIELD_COUNT; i++)
		fieldset_set(&form->fields, i, "");
	fieldset_set(&form->fields, SEND_FIELD_CURRENCY, currency);
	memset(form->messages, 0, sizeof(form->messages));
	form->corridor = -1;
	form->method = -1;
	fieldset_focus(&form->fields, SEND_FIELD_COUNTRY);

	rc = refdata_corridors(journal, form->corridors, REFDATA_CORRIDORS_MAX);
	form->corridor_count = rc > 0 ? rc : 0;
	if (rc < 0) {
		snprintf(message, message_size, "No destinations: %s",
			 refdata_strerror(rc));
		return -1;
	}
	if (rc == 0) {
		snprintf(message, message_size,
			 "The central service lists no destinations");
		return -1;
	}
	return 0;
}

bool send_form_edit(struct send_form *form, enum ui_action action)
{
	int current = fieldset_current(&form->fields);
	int step = action == UI_ACTION_RIGHT ? 1 : -1;
	bool choice =
		current == SEND_FIELD_COUNTRY || current == SEND_FIELD_METHOD;

	if (choice && (action == UI_ACTION_LEFT || action == UI_ACTION_RIGHT)) {
		if (current == SEND_FIELD_COUNTRY)
			send_step_country(form, step);
		else
			send_step_method(form, step);
		form->messages[current][0] = '\0';
		return true;
	}
	/* The method is picked, never typed, so it cannot be erased. */
	if (current == SEND_FIELD_METHOD &&
	    (action == UI_ACTION_ERASE || action == UI_ACTION_DELETE))
		return true;
	if (!fieldset_edit(&form->fields, action))
		return false;
	if (current == SEND_FIELD_COUNTRY)
		send_form_sync_country(form);
	return true;
}

void send_form_type(struct send_form *form, wchar_t ch)
{
	int current = fieldset_current(&form->fields);

	form->messages[current][0] = '\0';
	if (current == SEND_FIELD_METHOD) {
		if (ch >= L'1' && ch <= L'9')
			send_form_set_method(form, (int)(ch - L'1'));
		return;
	}
	if (current == SEND_FIELD_ACCOUNT && !send_form_needs_account(form))
		return;
	if (current == SEND_FIELD_COUNTRY || current == SEND_FIELD_CURRENCY)
		ch = (wchar_t)towupper((wint_t)ch);
	fieldset_type(&form->fields, ch);

	/* Typing one amount clears the other and its message: exactly one
	 * is sent. */
	if (current == SEND_FIELD_SEND_AMOUNT) {
		fieldset_set(&form->fields, SEND_FIELD_RECEIVE_AMOUNT, "");
		form->messages[SEND_FIELD_RECEIVE_AMOUNT][0] = '\0';
	} else if (current == SEND_FIELD_RECEIVE_AMOUNT) {
		fieldset_set(&form->fields, SEND_FIELD_SEND_AMOUNT, "");
		form->messages[SEND_FIELD_SEND_AMOUNT][0] = '\0';
	} else if (current == SEND_FIELD_COUNTRY)
		send_form_sync_country(form);
}

int send_form_next(const struct send_form *form, int field, int step)
{
	do {
		field = (field + step + SEND_FIELD_COUNT) % SEND_FIELD_COUNT;
	} while (field == SEND_FIELD_ACCOUNT && !send_form_needs_account(form));
	return field;
}
