/* The status bar on the top row: agent, link, queue, printer and time. */
#ifndef SPOTAGENT_UI_STATUSBAR_H
#define SPOTAGENT_UI_STATUSBAR_H

#include <stdbool.h>
#include <time.h>

#include "../app/app.h"

/* Draw the status bar on row 0 of stdscr from app's session and status,
 * with the local time of `now`. The compact form, for 40 columns, shows
 * the agent ID instead of the name and shorter labels. */
void statusbar_draw(const struct app *app, time_t now, bool compact);

#endif
