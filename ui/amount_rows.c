/* The amount, fee and total rows of the confirmation screens: labels on
 * the left, amounts right-aligned in one column. */
#include "amount_rows.h"
#include "draw.h"

void amount_rows_draw_one(const struct ui *ui, int row, int label_column,
			  int end, const char *label, const char *amount,
			  attr_t attr)
{
	int x = ui_column(ui, 0);
	int column = end - draw_text_width(amount);

	if (column < label_column + 1)
		column = label_column + 1;
	draw_line(stdscr, ui_row(ui, row), x + label_column,
		  end - label_column, attr, "");
	draw_text(stdscr, ui_row(ui, row), x + label_column,
		  column - label_column - 1, attr, label);
	draw_text(stdscr, ui_row(ui, row), x + column, end - column, attr,
		  amount);
}

void amount_rows_draw(const struct ui *ui, int row, int label_column,
		      int end, const struct money_summary *summary)
{
	amount_rows_draw_one(ui, row, label_column, end, "Amount",
			     summary->amount, A_BOLD);
	amount_rows_draw_one(ui, row + 1, label_column, end, "Fee",
			     summary->fee, A_BOLD);
	amount_rows_draw_one(ui, row + 2, label_column, end,
			     summary->total_label, summary->total,
			     A_BOLD | A_REVERSE);
}
