/* The state line of a journaled operation, shared by the transfer result
 * and the customer screens. */
#include <stdio.h>

#include "state_line.h"
#include "theme.h"

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
