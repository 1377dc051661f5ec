/* The ncurses user interface: the only code that calls curses. */
#ifndef SPOTAGENT_UI_H
#define SPOTAGENT_UI_H

#include "../app/app.h"

/* Run the terminal UI until the agent quits. Takes over the terminal and
 * restores it before returning. Returns 0, or 1 when curses could not
 * start (a message is then on stderr). */
int ui_run(struct app *app);

/* Return the curses library's version text, e.g. "ncurses 6.4.20221231". */
const char *ui_library_version(void);

#endif
