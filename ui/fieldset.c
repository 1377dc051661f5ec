/* Text fields on formw. Every edit is followed by REQ_VALIDATION so the
 * field buffers always contain what is on screen, and can be read at any
 * time without driving the form. */
#include <limits.h>
#include <string.h>
#include <wchar.h>

#include "fieldset.h"
#include "card_input.h"
#include "swipe_guard.h"
#include "draw.h"
#include "theme.h"

/* Room for a field's text: every cell of the widest field holding the
 * longest multibyte character. */
#define FIELDSET_TEXT_SIZE \
	(MB_LEN_MAX * FIELDSET_SCREEN_WIDTH(FIELDSET_WIDTH_MAX) + 1)

/* Grow a dynamic field to its maximum of `columns` before any text is
 * typed. When formw grows a field itself, as typing reaches its end, it
 * copies the field's buffer into a wider window. With ncurses 6.4 that
 * buffer has one cell per character, then a NUL cell and stale cells in
 * place of the second cells of double-width characters. The copy shows
 * those as "^@" and old text, so a field must never grow while edited. */
static int grow_field(FIELD *field, int columns)
{
	static char blanks[FIELDSET_SCREEN_WIDTH(FIELDSET_WIDTH_MAX) + 1];
	int rows;
	int grown;
	int max;

	memset(blanks, ' ', (size_t)columns);
	blanks[columns] = '\0';
	if (set_field_buffer(field, 0, blanks) != E_OK ||
	    set_field_buffer(field, 0, "") != E_OK)
		return -1;
	if (dynamic_field_info(field, &rows, &grown, &max) != E_OK ||
	    grown != columns)
		return -1;
	return 0;
}

/* Each field is one column wider than its text. Formw keeps the cursor
 * inside the field, so in a field filled to its last column the cursor
 * sits on the last character and REQ_DEL_PREV deletes the one before it.
 * REQ_END_FIELD also stops on that last column, and O_AUTOSKIP would
 * leave the field instead. With a spare column the cursor can always
 * rest after the text, so Backspace deletes the last character typed
 * and typing appends. fieldset_type keeps the text within the spec's
 * width in terminal columns. */
static int field_create(struct fieldset *set, int i,
			const struct fieldset_spec *spec)
{
	int columns = FIELDSET_SCREEN_WIDTH(spec->width);
	FIELD *field;

	if (spec->width < 1 || spec->width > FIELDSET_WIDTH_MAX ||
	    spec->view < 0 || spec->view == 1 || spec->length < 0)
		return -1;
	if (spec->view > 0 && spec->view < columns)
		columns = spec->view;
	field = new_field(1, columns, spec->row, spec->column, 0, 0);
	if (field == NULL)
		return -1;
	set->fields[i] = field;
	set->count = i + 1;

	/* A narrow view makes the field dynamic: formw then scrolls the text
	 * sideways within the full width, cursor column included. */
	if (columns < FIELDSET_SCREEN_WIDTH(spec->width)) {
		field_opts_off(field, O_STATIC);
		set_max_field(field, FIELDSET_SCREEN_WIDTH(spec->width));
		if (grow_field(field, FIELDSET_SCREEN_WIDTH(spec->width)) != 0)
			return -1;
	}

	/* The screens check each field when the cursor leaves it, so formw
	 * must not skip ahead. O_BLANK is off because fieldset_type does
	 * the blanking of `replace` fields, so that it can check the width
	 * of the text that results. */
	field_opts_off(field, O_AUTOSKIP | O_BLANK);
	set->width[i] = spec->width;
	set->replace[i] = spec->replace;
	set->card[i] = spec->card;
	set->secret[i] = spec->secret;
	set->length[i] = spec->length;
	if (spec->secret)
		field_opts_off(field, O_PUBLIC);
	set_field_back(field, theme_attr(THEME_FIELD));
	set_field_fore(field, theme_attr(THEME_FIELD));

	if (spec->row + 1 > set->rows)
		set->rows = spec->row + 1;
	if (spec->column + columns > set->columns)
		set->columns = spec->column + columns;
	return 0;
}

int fieldset_init(struct fieldset *set, const struct fieldset_spec *specs,
		  int count)
{
	int i;

	memset(set, 0, sizeof(*set));
	set->column = INT_MAX;
	if (count <= 0 || count > FIELDSET_MAX)
		return -1;

	for (i = 0; i < count; i++) {
		if (field_create(set, i, &specs[i]) != 0)
			goto fail;
	}
	set->fields[count] = NULL;

	set->form = new_form(set->fields);
	if (set->form == NULL)
		goto fail;

	/* Backspace at the start of a field would otherwise move to the
	 * previous field, skipping the screen's check of the field left. */
	form_opts_off(set->form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	set->specs = specs;
	return 0;

fail:
	fieldset_free(set);
	return -1;
}

int fieldset_use(struct fieldset *set, const struct fieldset_spec *specs)
{
	/* Each field's text, in a buffer that is wiped after use because a
	 * field may hold a password. */
	static char texts[FIELDSET_MAX][FIELDSET_TEXT_SIZE];
	int count = set->count;
	int current;
	int column;
	bool fresh;
	int result;
	int i;

	if (set->form == NULL)
		return -1;
	if (set->specs == specs)
		return 0;
	fieldset_unplace(set);
	current = fieldset_current(set);
	column = set->column;
	fresh = set->fresh;
	for (i = 0; i < count; i++)
		fieldset_get(set, i, texts[i], sizeof(texts[i]));
	for (i = 0; i < count; i++) {
		if (set->secret[i])
			fieldset_wipe(set, i);
	}
	fieldset_free(set);

	result = fieldset_init(set, specs, count);
	for (i = 0; i < count && result == 0; i++)
		fieldset_set(set, i, texts[i]);
	explicit_bzero(texts, sizeof(texts));
	if (result != 0)
		return -1;
	fieldset_focus(set, current);
	set->fresh = fresh;
	set->column = column;
	return 0;
}

void fieldset_free(struct fieldset *set)
{
	int i;

	fieldset_unplace(set);
	if (set->form != NULL)
		free_form(set->form);
	for (i = 0; i < set->count; i++)
		free_field(set->fields[i]);
	memset(set, 0, sizeof(*set));
}

/* Overwrite the multibyte copy that field_buffer returned for a secret
 * field. ncursesw frees the previous copy without clearing it each time
 * field_buffer is called, so every copy is cleared after its use. */
static void wipe_copy(const struct fieldset *set, int index, char *copy)
{
	if (set->secret[index])
		explicit_bzero(copy, strlen(copy));
}

/* Return the number of UTF-8 characters in text, counting each invalid
 * byte as one. */
static int utf8_count(const char *text)
{
	int count = 0;

	for (; *text != '\0'; text++) {
		if (((unsigned char)*text & 0xC0) != 0x80)
			count++;
	}
	return count;
}

/* Return the width in terminal columns of field `index`'s text, up to
 * its last non-blank, so leading blanks count. Stores the number of
 * characters in *chars unless chars is NULL. */
static int text_width(const struct fieldset *set, int index, int *chars)
{
	/* Room for every cell of the widest field, each holding the longest
	 * multibyte character (MB_LEN_MAX bytes). */
	char text[MB_LEN_MAX * FIELDSET_SCREEN_WIDTH(FIELDSET_WIDTH_MAX) + 1];
	char *raw;
	size_t length;
	int width;

	raw = field_buffer(set->fields[index], 0);
	if (raw == NULL)
		return 0;
	length = strlen(raw);
	while (length > 0 && raw[length - 1] == ' ')
		length--;
	if (length >= sizeof(text))
		length = sizeof(text) - 1;
	memcpy(text, raw, length);
	text[length] = '\0';
	wipe_copy(set, index, raw);
	width = draw_text_width(text);
	if (chars != NULL)
		*chars = utf8_count(text);
	explicit_bzero(text, sizeof(text));
	return width;
}

/* Return the largest cut, at most `length` bytes (less than text's own
 * length), that does not split a UTF-8 character of text. */
static size_t utf8_boundary(const char *text, size_t length)
{
	while (length > 0 && ((unsigned char)text[length] & 0xC0) == 0x80)
		length--;
	return length;
}

/* Return the column of the cursor in the current field's text, counted
 * in terminal columns from the text's start. Formw has no call that
 * returns it, but ncurses declares the form structure, whose curcol is
 * that column also when the text scrolls sideways. */
static int cursor_column(const struct fieldset *set)
{
	return set->form->curcol;
}

/* Move the cursor of the current, posted field to terminal column
 * `column` of its text, or after the text when it is narrower.
 *
 * Formw's buffer has one cell per character, but the requests that
 * search it (REQ_END_LINE, REQ_END_FIELD) take a cell's index for the
 * cursor's column, which is wrong after a double-width character. Worse,
 * ncurses 6.4 copies the window to the buffer when the cursor leaves a
 * field and leaves the last cells of the row non-blank there. So
 * REQ_END_LINE then puts the cursor on the field's last column.
 * REQ_RIGHT_CHAR steps over each character's width in the window, so
 * moving right from the start of the line is right. */
static void move_to_column(struct fieldset *set, int column)
{
	int end = text_width(set, fieldset_current(set), NULL);
	int i;

	if (column > end)
		column = end;
	form_driver(set->form, REQ_BEG_LINE);
	for (i = 0; i < FIELDSET_WIDTH_MAX && cursor_column(set) < column;
	     i++) {
		if (form_driver(set->form, REQ_RIGHT_CHAR) != E_OK)
			break;
	}
}

/* Put the cursor of the current field at its beginning while its
 * prefilled text is to be replaced, else at set->column. */
static void place_cursor(struct fieldset *set)
{
	if (!set->posted)
		return;
	if (set->fresh)
		form_driver(set->form, REQ_BEG_LINE);
	else
		move_to_column(set, set->column);
}

int fieldset_place(struct fieldset *set, int y, int x)
{
	if (set->form == NULL)
		return -1;
	fieldset_unplace(set);
	if (y < 0 || x < 0 || y + set->rows > LINES || x + set->columns > COLS)
		return -1;

	set->sub = derwin(stdscr, set->rows, set->columns, y, x);
	if (set->sub == NULL)
		return -1;
	set_form_win(set->form, stdscr);
	set_form_sub(set->form, set->sub);
	if (post_form(set->form) != E_OK) {
		set_form_sub(set->form, NULL);
		delwin(set->sub);
		set->sub = NULL;
		return -1;
	}
	set->posted = true;
	place_cursor(set);
	return 0;
}

void fieldset_unplace(struct fieldset *set)
{
	/* Posting the form again puts formw's cursor at column 0, so
	 * fieldset_place restores this one. */
	if (set->posted) {
		set->column = cursor_column(set);
		form_driver(set->form, REQ_VALIDATION);
		unpost_form(set->form);
		set->posted = false;
	}
	if (set->sub != NULL) {
		set_form_sub(set->form, NULL);
		delwin(set->sub);
		set->sub = NULL;
	}
}

bool fieldset_posted(const struct fieldset *set)
{
	return set->posted;
}

bool fieldset_takes_card(const struct fieldset *set)
{
	return set->form != NULL && set->posted &&
	       set->card[fieldset_current(set)];
}

int fieldset_current(const struct fieldset *set)
{
	FIELD *field;

	if (set->form == NULL)
		return 0;
	field = current_field(set->form);
	return field != NULL ? field_index(field) : 0;
}

void fieldset_focus(struct fieldset *set, int index)
{
	if (set->form == NULL || index < 0 || index >= set->count)
		return;
	set_current_field(set->form, set->fields[index]);
	set->fresh = set->replace[index];
	set->column = INT_MAX;
	place_cursor(set);
}

int fieldset_request(struct fieldset *set, int request)
{
	int result;

	if (!set->posted)
		return E_NOT_POSTED;
	set->fresh = false;
	result = form_driver(set->form, request);
	form_driver(set->form, REQ_VALIDATION);
	return result;
}

/* Set by fieldset_type when it cleared a field for track data, and
 * cleared by fieldset_take_track_data. Only the UI thread types. */
static bool track_data_rejected;

/* Whether field index contains card track data. The copy of the text is
 * wiped, because it may hold a card number. */
static bool field_has_track_data(const struct fieldset *set, int index)
{
	char text[4 * FIELDSET_WIDTH_MAX + 1];
	bool found;

	fieldset_get(set, index, text, sizeof(text));
	found = swipe_guard_has_card_data(text);
	explicit_bzero(text, sizeof(text));
	return found;
}

int fieldset_type(struct fieldset *set, wchar_t ch)
{
	int index = fieldset_current(set);
	int width = wcwidth(ch);
	int used;
	int chars;
	int result;

	if (!set->posted)
		return E_NOT_POSTED;
	if (width < 1 || width > set->width[index])
		return E_REQUEST_DENIED;

	/* The first character typed into a prefilled `replace` field
	 * replaces its text. Formw's O_BLANK would blank it only inside
	 * form_driver, which is too late for the width check below. */
	if (set->fresh) {
		set->fresh = false;
		set_field_buffer(set->fields[index], 0, "");
		form_driver(set->form, REQ_BEG_LINE);
	}

	/* Insert mode puts ch at the cursor, which can be past the end of
	 * the text, so the text ends at the further of the two. */
	used = text_width(set, index, &chars);
	if (cursor_column(set) > used)
		used = cursor_column(set);
	if (used + width > set->width[index])
		return E_REQUEST_DENIED;
	if (set->length[index] > 0 && chars >= set->length[index])
		return E_REQUEST_DENIED;

	result = form_driver_w(set->form, OK, ch);
	form_driver(set->form, REQ_VALIDATION);
	if (result == E_OK && field_has_track_data(set, index)) {
		fieldset_wipe(set, index);
		track_data_rejected = true;
		return E_REQUEST_DENIED;
	}
	return result;
}

bool fieldset_take_track_data(void)
{
	bool rejected = track_data_rejected;

	track_data_rejected = false;
	return rejected;
}

/* Delete the character before the cursor, or the whole prefilled text of
 * a `replace` field that nothing was typed into yet. */
static void erase_previous(struct fieldset *set)
{
	int index = fieldset_current(set);

	if (set->fresh && set->posted) {
		fieldset_set(set, index, "");
		set->fresh = false;
		return;
	}
	fieldset_request(set, REQ_DEL_PREV);
}

/* Move the cursor right, but not past the end of the text, where a
 * character typed would leave a gap of blanks. */
static void move_right(struct fieldset *set)
{
	if (!set->posted)
		return;
	if (cursor_column(set) < text_width(set, fieldset_current(set), NULL))
		fieldset_request(set, REQ_RIGHT_CHAR);
	else
		set->fresh = false;
}

bool fieldset_edit(struct fieldset *set, enum ui_action action)
{
	switch (action) {
	case UI_ACTION_ERASE:
		erase_previous(set);
		return true;
	case UI_ACTION_DELETE:
		fieldset_request(set, REQ_DEL_CHAR);
		return true;
	case UI_ACTION_LEFT:
		fieldset_request(set, REQ_LEFT_CHAR);
		return true;
	case UI_ACTION_RIGHT:
		move_right(set);
		return true;
	case UI_ACTION_HOME:
		fieldset_request(set, REQ_BEG_LINE);
		return true;
	case UI_ACTION_END:
		set->fresh = false;
		if (set->posted)
			move_to_column(set, INT_MAX);
		return true;
	default:
		return false;
	}
}

void fieldset_get(const struct fieldset *set, int index, char *buf,
		  size_t size)
{
	char *raw;
	const char *text;
	size_t length;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (index < 0 || index >= set->count)
		return;
	raw = field_buffer(set->fields[index], 0);
	if (raw == NULL)
		return;
	text = raw;

	while (*text == ' ')
		text++;
	length = strlen(text);
	while (length > 0 && text[length - 1] == ' ')
		length--;
	if (length >= size)
		length = utf8_boundary(text, size - 1);
	memcpy(buf, text, length);
	buf[length] = '\0';
	wipe_copy(set, index, raw);
}

/* Cut text after its first `count` UTF-8 characters. */
static void clip_chars(char *text, int count)
{
	for (; *text != '\0'; text++) {
		if (((unsigned char)*text & 0xC0) != 0x80 && count-- == 0) {
			*text = '\0';
			return;
		}
	}
}

void fieldset_set(struct fieldset *set, int index, const char *text)
{
	char clipped[MB_LEN_MAX * FIELDSET_WIDTH_MAX + 1];
	size_t length;

	if (index < 0 || index >= set->count)
		return;
	length = draw_fit(text, set->width[index]);
	if (length >= sizeof(clipped))
		length = utf8_boundary(text, sizeof(clipped) - 1);
	memcpy(clipped, text, length);
	clipped[length] = '\0';
	if (set->length[index] > 0)
		clip_chars(clipped, set->length[index]);
	set_field_buffer(set->fields[index], 0, clipped);
	if (set->posted && fieldset_current(set) == index)
		fieldset_focus(set, index);
}

void fieldset_wipe(struct fieldset *set, int index)
{
	char *copy;

	if (index < 0 || index >= set->count)
		return;
	fieldset_set(set, index, "");

	/* field_buffer also redraws formw's working window from the blank
	 * buffer, which overwrites the text that window still had. */
	copy = field_buffer(set->fields[index], 0);
	if (copy != NULL)
		explicit_bzero(copy, strlen(copy));
}

void fieldset_draw_mask(const struct fieldset *set, int index)
{
	int row, column, rows, width, offscreen, buffers;
	int stars;

	if (!set->posted || index < 0 || index >= set->count)
		return;
	if (field_info(set->fields[index], &rows, &width, &row, &column,
		       &offscreen, &buffers) != E_OK)
		return;
	stars = text_width(set, index, NULL);
	if (stars > width)
		stars = width;

	mvwhline(set->sub, row, column, ' ' | theme_attr(THEME_FIELD), width);
	mvwhline(set->sub, row, column, '*' | theme_attr(THEME_FIELD), stars);
}

void fieldset_show_cursor(const struct fieldset *set)
{
	if (set->posted)
		pos_form_cursor(set->form);
}
