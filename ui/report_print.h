/* Printing the end-of-day report on the configured receipt printer. */
#ifndef SPOTAGENT_UI_REPORT_PRINT_H
#define SPOTAGENT_UI_REPORT_PRINT_H

#include <stddef.h>

#include "../app/app.h"
#include "../app/report.h"

/* Lay report out for the configured paper width and print it as one
 * print job. Returns 0 with "X report printed" or "Z report printed" in
 * message, or -1 with a line for the agent in message (layout, encoding
 * or printer failure, which is also logged). */
int report_print(struct app *app, const struct report *report, char *message,
		 size_t message_size);

#endif
