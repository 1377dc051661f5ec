/* The queue screen's details view of one operation, and the words for an
 * operation that the list and the details view both show. */
#ifndef SPOTAGENT_UI_QUEUE_DETAIL_H
#define SPOTAGENT_UI_QUEUE_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/customer.h"
#include "screen.h"

/* Room for "%lldd" of any int64_t. */
#define QUEUE_AGE_SIZE 24

/* Maximum number of numbered actions that the details view offers. */
#define QUEUE_CHOICES_MAX 4

/* Actions that a digit of the action dialog starts. */
enum queue_action {
	QUEUE_DO_NOTHING = 0,
	QUEUE_DO_RETRY,
	QUEUE_DO_CANCEL,
	QUEUE_DO_DISCARD,
	QUEUE_DO_ACKNOWLEDGE,
	QUEUE_DO_NOTICE,
	QUEUE_DO_RECEIPT,
	QUEUE_DO_REVERSE, /* open the reversal form of an accepted money
			     operation */
};

/* A numbered action offered on the details view. */
struct queue_choice {
	int digit;
	const char *label;
};

/* The details view: a copy of the operation, the first line shown, and
 * what each digit does. */
struct queue_detail {
	struct operation op;
	int scroll;
	struct queue_choice choices[QUEUE_CHOICES_MAX];
	int choice_count;
	enum queue_action actions[10];
};

/* Return the state as the agent reads it, the same word as on receipts,
 * or "UNKNOWN" for a state out of range. */
const char *queue_state_word(enum op_state state);

/* Return the words for an operation type, short ones of at most 8
 * columns for the compact list, or the type itself when it is not
 * known. */
const char *queue_type_word(const char *type, bool short_words);

/* Return the words for a profile field that a conflict names by its JSON
 * name, or the name itself when it is not known. */
const char *queue_field_word(const char *name);

/* Write the time since created_at as "45s", "12m", "3h" or "2d" into buf,
 * cut to size bytes. A created_at after now counts as 0s. */
void queue_format_age(int64_t created_at, int64_t now, char *buf, size_t size);

/* Write the amount as "GHS 12.50" into buf, or the minor units when the
 * currency is not known, or "" for an operation that moves no money. */
void queue_format_amount(const struct operation *op, char *buf, size_t size);

/* Return whether op is a profile update set aside because the profile
 * changed at the central service, and then fill *conflict from its last
 * error. *conflict is undefined when it returns false. */
bool queue_conflict(const struct operation *op,
		    struct customer_conflict *conflict);

/* Return whether the agent still has to acknowledge the operation's
 * rejection: rejected after it was sent and not acknowledged. */
bool queue_unacknowledged(const struct operation *op);

/* Read operation id from the journal into detail->op and set the choices
 * its state allows, numbered for a keypad. id may point into detail->op.
 * Returns false, with ui->notice set and detail unchanged, when the
 * journal cannot give it. */
bool queue_detail_read(struct queue_detail *detail, struct ui *ui,
		       const char *id);

/* Draw the details of detail->op over the whole content area from the
 * scroll position, with the choices under them. It reads the clock for
 * the age and changes nothing. */
void queue_detail_draw(const struct queue_detail *detail, const struct ui *ui);

/* Scroll the details by `lines` lines (negative to go up), kept within
 * the text as wrapped for ui's layout. */
void queue_detail_scroll(struct queue_detail *detail, const struct ui *ui,
			 int lines);

#endif
