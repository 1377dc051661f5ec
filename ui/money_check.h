/* The money form's checks and requests before its confirmation, defined
 * in ui/money_check.c: the wallet holder lookup and the wallet's
 * currency, the cash-out code and the bank's name enquiry. */
#ifndef SPOTAGENT_UI_MONEY_CHECK_H
#define SPOTAGENT_UI_MONEY_CHECK_H

#include <stdbool.h>

#include "money_draw.h"

/* The digits of the dialog shown before a new cash-out code replaces
 * the one sent. */
#define MONEY_NEW_CODE_YES 1
#define MONEY_NEW_CODE_NO 2

/* Start the lookup of the wallet field's holder into ui->lookup, unless
 * the terminal is offline, the account is invalid, or its lookup is found
 * or on its way already. A failure to start is stored in ui->lookup. */
void money_start_lookup(struct money_state *state, struct ui *ui);

/* Return the holder of the wallet field's account when the lookup found
 * it, else "". The string belongs to ui->lookup. */
const char *money_wallet_name(const struct money_state *state,
			      const struct ui *ui);

/* Check that the wallet paying a bank transfer holds the bank's currency,
 * when both are known. Returns 0, or -1 with the message under the wallet
 * field. */
int money_check_wallet_currency(struct money_state *state,
				const struct ui *ui);

/* Once the lookup has found the wallet of a cash-in or a cash-out: put
 * the wallet's currency into the currency field when the field still
 * contains what the form put there (the default or an earlier wallet's
 * currency), and check the amount again. Reads state->texts, so call
 * money_read first. */
void money_follow_wallet_currency(struct money_state *state,
				  const struct ui *ui);

/* Check that a cash-in or a cash-out is in its wallet's currency, when the
 * lookup has found it. Returns 0, or -1 with "Wallet ... is in NGN: change
 * the currency to NGN" under the currency field. */
int money_check_currency(struct money_state *state, const struct ui *ui);

/* Send state->request for state->asking, or hold it (state->deferred)
 * while the wallet lookup occupies the request thread. A failure to start
 * is shown under the request's field. */
void money_ask_send(struct money_state *state, struct ui *ui);

/* Reject a wallet that the lookup did not find at the central service.
 * Returns 0, or -1 with the lookup's message under the wallet field and
 * the cursor there. */
int money_check_known(struct money_state *state, struct ui *ui);

/* Send the requests that a cash-out (its code) and a bank transfer (the
 * name enquiry) need before their confirmation, or ask before a new
 * cash-out code. Copies the enquiry's holder name into op. Returns 0 when
 * op may go to money_prepare, else enum screen_flag bits. */
int money_before_prepare(struct money_state *state, struct ui *ui,
			 struct money_operation *op);

/* Hold the form while the lookup of the wallet field's account has not
 * answered, starting it when it has not started, with Enter kept in
 * state->awaiting_lookup so that the form goes on once it answers.
 * Offline nothing is asked. Returns 0 to go on, or SCREEN_HANDLED while
 * it waits. */
int money_wait_for_lookup(struct money_state *state, struct ui *ui);

/* Take the reply of the request in state->asking (on EVENT_MONEY) and
 * show it, or why it failed. Returns enum screen_flag bits. */
int money_take_reply(struct money_state *state, struct ui *ui);

#endif
