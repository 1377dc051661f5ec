/* The status bar on the top row: agent, link, queue, operations that need
 * attention, printer state with held print jobs, and time. */
#ifndef SPOTAGENT_UI_STATUSBAR_H
#define SPOTAGENT_UI_STATUSBAR_H

#include <stdbool.h>
#include <time.h>

#include "../app/app.h"

/* Draw the status bar on row 0 of stdscr from app's session and status,
 * with the local time of `now`. Operations that need attention are
 * counted only when there are some. The compact form, for 40 columns,
 * shows the agent ID instead of the name and shorter labels ("Q2 A1"
 * for 2 queued and 1 needing attention, "P:ready H3" for a ready printer
 * with 3 held print jobs). */
void statusbar_draw(const struct app *app, time_t now, bool compact);

#endif
