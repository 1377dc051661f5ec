/* Print news in the UI: the offer to print held jobs when the printer is
 * ready again, and the notice line's print messages as jobs end. */
#ifndef SPOTAGENT_UI_PRINT_OFFER_H
#define SPOTAGENT_UI_PRINT_OFFER_H

#include <stdbool.h>
#include <stddef.h>

#include "../app/app.h"
#include "../app/event.h"
#include "dialog.h"
#include "screen.h"

/* Take a print event after app_apply_event. EVENT_PRINT_HELD opens the
 * question "N receipts did not print. Print them now?" when an agent is
 * logged in, no lock screen is up and no other dialog is open. Reports
 * and test pages are counted apart ("2 receipts and 1 report"); the text
 * says how many receipts come out marked COPY and which reports may have
 * printed and so are not printed again. When every held job is a receipt
 * that may have printed it reads "N receipts may not have printed. Print
 * them again (marked COPY)?". Under a lock or another dialog the notice
 * line names the held jobs instead, and before a login nothing shows;
 * the worker offers them again at the next ready transition or login.
 * EVENT_PRINT_JOB turns a notice "... sent to the printer" or "...
 * waiting for the printer: STATE" into "... printed" (not for the end of
 * a drawer pulse), or shows why the job is held. Other events are
 * ignored. */
void print_offer_note(struct ui *ui, const struct event *event);

/* Write into message what became of the last print job of operation id
 * other than a drawer pulse, for `what` ("Receipt", "Rejection notice"):
 * "Receipt printed" (or "Receipt copy printed" for a copy), "Receipt
 * sent to the printer" while it waits, "Receipt held: STATE" (in
 * print_queue_state_words' words, or "may have printed") when held, or
 * "Receipt not printed: REASON" when it failed or ended unprinted.
 * Writes the waiting form when the jobs cannot be read. */
void print_offer_describe(struct app *app, const char *id, const char *what,
			  char *message, size_t size);

/* Turn message "... sent to the printer" into "... printed". Returns
 * whether it changed. */
bool print_offer_mark_printed(char *message, size_t size);

/* Act on the answer to the offer: yes releases the held jobs, no keeps
 * them held. Returns whether the dialog was the offer. */
bool print_offer_answer(struct ui *ui, enum dialog_purpose purpose,
			enum dialog_answer answer);

#endif
