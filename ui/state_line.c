/* The state line of a journaled operation, shared by the transfer result
 * and the customer screens. */
#include <stdio.h>

#include "draw.h"
#include "state_line.h"
#include "theme.h"

/* The maximum rows of a state line. Five rows of the wide layout's 76
 * columns take 380 characters, more than the longest reason
 * (JOURNAL_ERROR_SIZE) with its prefix. Four rows at 40x16 take the
 * central service's reasons and leave the receipt preview four lines.
 * NOTE: at 40x16 the end of a reason longer than about 140 characters
 * is cut. */
#define STATE_LINE_ROWS_MAX 5
#define STATE_LINE_COMPACT_ROWS_MAX 4

/* The state line's margin on each side, in columns. */
#define STATE_LINE_MARGIN 2
#define STATE_LINE_COMPACT_MARGIN 1

attr_t state_line(const struct ui *ui, const struct operation *op,
		  const char *load_error, const char *attention, char *text,
		  size_t size)
{
	if (load_error != NULL) {
		snprintf(text, size, "UNKNOWN - %s", load_error);
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
	switch (op->state) {
	case OP_QUEUED:
	case OP_IN_FLIGHT:
		if (ui->app->status.online)
			snprintf(text, size, "PENDING - waiting for Spotbanc");
		else if (ui->compact)
			snprintf(text, size, "PENDING - offline, sent later");
		else
			snprintf(text, size, "PENDING - offline, will be sent "
					     "automatically");
		return theme_attr(THEME_PENDING) | A_REVERSE;
	case OP_ACCEPTED:
		snprintf(text, size, "CONFIRMED  Ref %s", op->reference);
		return theme_attr(THEME_OK) | A_REVERSE;
	case OP_REJECTED:
		snprintf(text, size, "REJECTED: %s", op->last_error);
		return theme_attr(THEME_ERROR) | A_REVERSE;
	case OP_NEEDS_ATTENTION:
	default:
		if (attention != NULL)
			snprintf(text, size, "%s", attention);
		else
			snprintf(text, size, "NEEDS ATTENTION: %s",
				 op->last_error);
		return theme_attr(THEME_ERROR) | A_REVERSE;
	}
}

static int state_line_margin(const struct ui *ui)
{
	return ui->compact ? STATE_LINE_COMPACT_MARGIN : STATE_LINE_MARGIN;
}

int state_line_rows(const struct ui *ui, const char *text)
{
	int max = ui->compact ? STATE_LINE_COMPACT_ROWS_MAX
			      : STATE_LINE_ROWS_MAX;
	int rows = draw_wrapped_rows(text,
				     ui->columns - 2 * state_line_margin(ui),
				     max);

	return rows > 0 ? rows : 1;
}

void state_line_draw(const struct ui *ui, int row, int rows, attr_t attr,
		     const char *text)
{
	int margin = state_line_margin(ui);

	draw_wrapped(stdscr, ui_row(ui, row), ui_column(ui, margin),
		     ui->columns - 2 * margin, rows, attr, text);
}
