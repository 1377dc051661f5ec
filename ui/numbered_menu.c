/* A numbered menu on menuw, shared by the home and services screens:
 * creation, posting on the screen and the keys that move and pick. */
#include <string.h>

#include "numbered_menu.h"
#include "screen.h"

int numbered_menu_init(struct numbered_menu *menu, const char *const *names,
		       int count)
{
	int i;

	memset(menu, 0, sizeof(*menu));
	if (count < 1 || count > NUMBERED_MENU_MAX)
		return -1;
	menu->count = count;
	for (i = 0; i < count; i++) {
		menu->items[i] = new_item(names[i], "");
		if (menu->items[i] == NULL)
			goto fail;
	}
	menu->menu = new_menu(menu->items);
	if (menu->menu == NULL)
		goto fail;
	set_menu_format(menu->menu, count, 1);
	menu_opts_off(menu->menu, O_SHOWDESC | O_NONCYCLIC);
	set_menu_mark(menu->menu, "> ");
	set_menu_fore(menu->menu, A_REVERSE | A_BOLD);
	return 0;

fail:
	numbered_menu_destroy(menu);
	return -1;
}

void numbered_menu_destroy(struct numbered_menu *menu)
{
	int i;

	if (menu->menu != NULL) {
		numbered_menu_unpost(menu);
		free_menu(menu->menu);
	}
	for (i = 0; i < menu->count; i++) {
		if (menu->items[i] != NULL)
			free_item(menu->items[i]);
	}
	memset(menu, 0, sizeof(*menu));
}

void numbered_menu_unpost(struct numbered_menu *menu)
{
	if (menu->posted) {
		unpost_menu(menu->menu);
		menu->posted = false;
	}
	if (menu->sub != NULL) {
		set_menu_sub(menu->menu, NULL);
		delwin(menu->sub);
		menu->sub = NULL;
	}
}

void numbered_menu_post(struct numbered_menu *menu, const struct ui *ui,
			int row, int column, int width)
{
	numbered_menu_unpost(menu);
	menu->sub = derwin(stdscr, menu->count, width, ui_row(ui, row),
			   ui_column(ui, column));
	if (menu->sub == NULL)
		return;
	set_menu_win(menu->menu, stdscr);
	set_menu_sub(menu->menu, menu->sub);
	menu->posted = post_menu(menu->menu) == E_OK;
}

void numbered_menu_select(struct numbered_menu *menu, int index)
{
	if (index < 0 || index >= menu->count)
		return;
	set_current_item(menu->menu, menu->items[index]);
}

int numbered_menu_current(const struct numbered_menu *menu)
{
	return item_index(current_item(menu->menu));
}

bool numbered_menu_move(struct numbered_menu *menu, enum ui_action action)
{
	switch (action) {
	case UI_ACTION_NEXT:
		menu_driver(menu->menu, REQ_DOWN_ITEM);
		return true;
	case UI_ACTION_PREV:
		menu_driver(menu->menu, REQ_UP_ITEM);
		return true;
	default:
		return false;
	}
}

int numbered_menu_pick(struct numbered_menu *menu, wchar_t ch)
{
	int index = (int)(ch - L'1');

	if (index < 0 || index >= menu->count)
		return -1;
	set_current_item(menu->menu, menu->items[index]);
	return index;
}
