/* The curses library's version, for `spotagent --version`. */
#include <curses.h>

#include "ui.h"

const char *ui_library_version(void)
{
	return curses_version();
}
