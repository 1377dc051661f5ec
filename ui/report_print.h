/* Printing the end-of-day report on the configured receipt printer. */
#ifndef SPOTAGENT_UI_REPORT_PRINT_H
#define SPOTAGENT_UI_REPORT_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "../app/app.h"
#include "../app/report.h"

/* Lay report out for the printer's profile, headed "Printed by" the
 * agent logged in and marked "*** COPY ***" when `copy` is set, and add
 * it as one print job for the print worker. Returns 0 with "X report sent
 * to the printer", "Z report sent to the printer" or "Z report copy sent
 * to the printer" in message, or -1 with a line for the agent in message
 * (layout, encoding or journal failure, which is also logged). */
int report_print(struct app *app, const struct report *report, bool copy,
		 char *message, size_t message_size);

#endif
