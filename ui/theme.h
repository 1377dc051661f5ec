/* Colours and attributes of the terminal UI, set up in one place. Every
 * role has a monochrome fallback, and no state is shown by colour alone. */
#ifndef SPOTAGENT_UI_THEME_H
#define SPOTAGENT_UI_THEME_H

#include <curses.h>

enum theme_role {
	THEME_NORMAL = 0,
	THEME_BAR,      /* status bar and help line */
	THEME_OFFLINE,  /* the OFFLINE word in the status bar */
	THEME_TITLE,    /* screen titles */
	THEME_FIELD,    /* text fields */
	THEME_OK,       /* confirmed */
	THEME_PENDING,  /* pending, waiting */
	THEME_ERROR,    /* rejected, validation messages */
	THEME_DIALOG,   /* modal dialog */
	THEME_ROLE_COUNT,
};

/* Set up colour pairs when the terminal has colours. Call once after
 * curses starts. */
void theme_init(void);

/* Return the attributes for a role. */
attr_t theme_attr(enum theme_role role);

#endif
