/* Text fields on formw. Every edit is followed by REQ_VALIDATION so the
 * field buffers always contain what is on screen, and can be read at any
 * time without driving the form. */
#include <string.h>

#include "fieldset.h"
#include "draw.h"
#include "theme.h"

int fieldset_init(struct fieldset *set, const struct fieldset_spec *specs,
		  int count)
{
	int i;

	memset(set, 0, sizeof(*set));
	if (count <= 0 || count > FIELDSET_MAX)
		return -1;

	for (i = 0; i < count; i++) {
		const struct fieldset_spec *spec = &specs[i];
		FIELD *field = new_field(1, spec->width, spec->row,
					 spec->column, 0, 0);

		if (field == NULL)
			goto fail;
		set->fields[i] = field;
		set->count = i + 1;

		/* The screens check each field when the cursor leaves it,
		 * so formw must not skip ahead when a field fills up. Outside
		 * `replace` fields the cursor starts at the end of the text,
		 * where blanking on the first keystroke would surprise the
		 * agent. */
		field_opts_off(field, O_AUTOSKIP);
		if (!spec->replace)
			field_opts_off(field, O_BLANK);
		set->replace[i] = spec->replace;
		set->secret[i] = spec->secret;
		if (spec->secret)
			field_opts_off(field, O_PUBLIC);
		set_field_back(field, theme_attr(THEME_FIELD));
		set_field_fore(field, theme_attr(THEME_FIELD));

		if (spec->row + 1 > set->rows)
			set->rows = spec->row + 1;
		if (spec->column + spec->width > set->columns)
			set->columns = spec->column + spec->width;
	}
	set->fields[count] = NULL;

	set->form = new_form(set->fields);
	if (set->form == NULL)
		goto fail;

	/* Backspace at the start of a field would otherwise move to the
	 * previous field, skipping the screen's check of the field left. */
	form_opts_off(set->form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	return 0;

fail:
	fieldset_free(set);
	return -1;
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
	fieldset_focus(set, fieldset_current(set));
	return 0;
}

void fieldset_unplace(struct fieldset *set)
{
	if (set->posted) {
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
	if (set->posted)
		form_driver(set->form, set->replace[index] ? REQ_BEG_LINE
							   : REQ_END_LINE);
}

int fieldset_request(struct fieldset *set, int request)
{
	int result;

	if (!set->posted)
		return E_NOT_POSTED;
	result = form_driver(set->form, request);
	form_driver(set->form, REQ_VALIDATION);
	return result;
}

int fieldset_type(struct fieldset *set, wchar_t ch)
{
	int result;

	if (!set->posted)
		return E_NOT_POSTED;
	result = form_driver_w(set->form, OK, ch);
	form_driver(set->form, REQ_VALIDATION);
	return result;
}

bool fieldset_edit(struct fieldset *set, enum ui_action action)
{
	switch (action) {
	case UI_ACTION_ERASE:
		fieldset_request(set, REQ_DEL_PREV);
		return true;
	case UI_ACTION_DELETE:
		fieldset_request(set, REQ_DEL_CHAR);
		return true;
	case UI_ACTION_LEFT:
		fieldset_request(set, REQ_LEFT_CHAR);
		return true;
	case UI_ACTION_RIGHT:
		fieldset_request(set, REQ_RIGHT_CHAR);
		return true;
	case UI_ACTION_HOME:
		fieldset_request(set, REQ_BEG_LINE);
		return true;
	case UI_ACTION_END:
		fieldset_request(set, REQ_END_LINE);
		return true;
	default:
		return false;
	}
}

/* Overwrite the multibyte copy that field_buffer returned for a secret
 * field. ncursesw frees the previous copy without clearing it each time
 * field_buffer is called, so every copy is cleared after its use. */
static void wipe_copy(const struct fieldset *set, int index, char *copy)
{
	if (set->secret[index])
		explicit_bzero(copy, strlen(copy));
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
		length = size - 1;
	memcpy(buf, text, length);
	buf[length] = '\0';
	wipe_copy(set, index, raw);
}

void fieldset_set(struct fieldset *set, int index, const char *text)
{
	if (index < 0 || index >= set->count)
		return;
	set_field_buffer(set->fields[index], 0, text);
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
	char text[256];
	char *raw;
	size_t length;
	int row, column, rows, width, offscreen, buffers;
	int stars;

	if (!set->posted || index < 0 || index >= set->count)
		return;
	if (field_info(set->fields[index], &rows, &width, &row, &column,
		       &offscreen, &buffers) != E_OK)
		return;
	raw = field_buffer(set->fields[index], 0);
	if (raw == NULL)
		return;

	/* Count up to the last non-blank, so leading blanks count too. */
	length = strlen(raw);
	while (length > 0 && raw[length - 1] == ' ')
		length--;
	if (length >= sizeof(text))
		length = sizeof(text) - 1;
	memcpy(text, raw, length);
	text[length] = '\0';
	wipe_copy(set, index, raw);
	stars = draw_text_width(text);
	explicit_bzero(text, sizeof(text));
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
