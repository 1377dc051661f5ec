/* Colour pairs and the attributes used for each role of the UI. */
#include <stdbool.h>
#include <stdlib.h>

#include "theme.h"

struct theme_style {
	short foreground;
	short background;
	attr_t colour_attr;     /* added to the colour pair */
	attr_t monochrome_attr; /* used when the terminal has no colours */
};

static const struct theme_style styles[THEME_ROLE_COUNT] = {
	[THEME_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[THEME_BAR] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[THEME_OFFLINE] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD,
			    A_BOLD | A_UNDERLINE },
	[THEME_TITLE] = { -1, -1, A_BOLD, A_BOLD },
	[THEME_FIELD] = { -1, -1, A_UNDERLINE, A_UNDERLINE },
	[THEME_OK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[THEME_PENDING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[THEME_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[THEME_DIALOG] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
};

static bool colours;

static bool no_colour_requested(void)
{
	const char *value = getenv("NO_COLOR");

	return value != NULL && value[0] != '\0';
}

void theme_init(void)
{
	short role;

	colours = false;
	/* NO_COLOR set to any non-empty value requests no colour
	 * (no-color.org), and the monochrome attributes carry the meaning. */
	if (no_colour_requested() || !has_colors() || start_color() == ERR)
		return;

	/* -1 means the terminal's own colour. Without default-colour
	 * support, the pair falls back to white on black. */
	if (use_default_colors() == ERR) {
		for (role = 1; role < THEME_ROLE_COUNT; role++)
			init_pair(role,
				  styles[role].foreground < 0
					  ? COLOR_WHITE
					  : styles[role].foreground,
				  styles[role].background < 0
					  ? COLOR_BLACK
					  : styles[role].background);
	} else {
		for (role = 1; role < THEME_ROLE_COUNT; role++)
			init_pair(role, styles[role].foreground,
				  styles[role].background);
	}
	colours = true;
}

attr_t theme_attr(enum theme_role role)
{
	if (role <= THEME_NORMAL || role >= THEME_ROLE_COUNT)
		return A_NORMAL;
	if (!colours)
		return styles[role].monochrome_attr;
	return COLOR_PAIR(role) | styles[role].colour_attr;
}
