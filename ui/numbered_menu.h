/* A numbered menu on menuw: items named "1 ...", "2 ..." that Tab, the
 * arrows, Enter and the item's digit work on. Home and services use it. */
#ifndef SPOTAGENT_UI_NUMBERED_MENU_H
#define SPOTAGENT_UI_NUMBERED_MENU_H

#include <menu.h>
#include <stdbool.h>
#include <wchar.h>

#include "keys.h"

struct ui;

/* Maximum items: one digit, 1 to 9, picks each. */
#define NUMBERED_MENU_MAX 9

struct numbered_menu {
	ITEM *items[NUMBERED_MENU_MAX + 1]; /* NULL-terminated for new_menu */
	MENU *menu;
	WINDOW *sub; /* the rows the menu is posted in, or NULL */
	int count;
	bool posted;
};

/* Make a menu of `count` items (1 to NUMBERED_MENU_MAX) named `names`,
 * which must outlive the menu because menuw keeps the pointers. Returns
 * 0, or -1 when curses has no memory or `count` is out of range; on
 * failure nothing is left to free. */
int numbered_menu_init(struct numbered_menu *menu, const char *const *names,
		       int count);

/* Unpost the menu and free it with its items. Safe on a zeroed or
 * already destroyed menu. */
void numbered_menu_destroy(struct numbered_menu *menu);

/* Post the menu on stdscr, `width` columns wide, at the content row and
 * column given (see ui_row and ui_column). Any earlier posting is
 * removed first. When curses cannot make the subwindow the menu stays
 * unposted and is not drawn. */
void numbered_menu_post(struct numbered_menu *menu, const struct ui *ui,
			int row, int column, int width);

/* Remove the menu from the screen and free its subwindow. Safe when it
 * is not posted. */
void numbered_menu_unpost(struct numbered_menu *menu);

/* Make item `index` current. Does nothing when `index` is out of range. */
void numbered_menu_select(struct numbered_menu *menu, int index);

/* Return the index of the current item. */
int numbered_menu_current(const struct numbered_menu *menu);

/* Move the highlight for UI_ACTION_NEXT or UI_ACTION_PREV. Returns true
 * when `action` was one of those, false for any other action. */
bool numbered_menu_move(struct numbered_menu *menu, enum ui_action action);

/* Make the item of digit `ch` current and return its index, or return
 * -1 when `ch` is not the digit of an item. */
int numbered_menu_pick(struct numbered_menu *menu, wchar_t ch);

#endif
