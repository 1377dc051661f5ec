/* What a printer model can do: paper width, code pages, QR codes, a cash
 * drawer port. Profiles come from a table chosen by configuration or by
 * the model of a known USB printer. */
#ifndef SPOTAGENT_ESCPOS_PROFILE_H
#define SPOTAGENT_ESCPOS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#define ESCPOS_CODE_PAGES_MAX 8

/* A code page the printer selects with ESC t n. */
struct escpos_code_page {
	int number;          /* n of ESC t n on this model */
	const char *charset; /* its name for iconv, e.g. "CP858" */
};

struct escpos_profile {
	const char *name;    /* "generic-58", "generic-80" or a model */
	int columns;         /* 32 (58 mm) or 48 (80 mm), font A */
	/* Code pages in the order they are tried; the first is selected
	 * at the start of each job. */
	struct escpos_code_page code_pages[ESCPOS_CODE_PAGES_MAX];
	int code_page_count;
	size_t qr_max;       /* largest QR payload in bytes; 0: no QR */
	bool barcode;        /* prints CODE128 with GS k */
	bool drawer;         /* has a cash drawer port */
};

/* The profile named name ("generic-58", "generic-80" or a model from the
 * table), or NULL. */
const struct escpos_profile *escpos_profile_find(const char *name);

/* The profile for a printer: the setting when it is not "auto", else
 * the model of a known USB printer (model may be NULL), else the generic
 * profile of the paper width (32 or 48 columns). Never NULL for a valid
 * width; NULL for a setting that names no profile. */
const struct escpos_profile *escpos_profile_choose(const char *setting,
						   const char *model,
						   int columns);

/* Call fn for every profile in the table, for documentation and
 * `spotagent devices`. */
void escpos_profile_each(void (*fn)(void *data,
				    const struct escpos_profile *profile),
			 void *data);

#endif
