/* The table of printer profiles: the two generic paper widths and the
 * known USB models, with their ESC t code page numbers. */
#include "escpos_profile.h"

#include <string.h>

/* ESC t numbers of Epson's character code tables, which most ESC/POS
 * printers follow for these pages.
 * NOTE: PC737 as 14 and the printable widths below come from vendor
 * documentation and have not been checked on each model. */
#define PAGE_PC437 {0, "CP437"}
#define PAGE_PC850 {2, "CP850"}
#define PAGE_PC737 {14, "CP737"}
#define PAGE_WPC1252 {16, "CP1252"}
#define PAGE_PC866 {17, "CP866"}
#define PAGE_PC852 {18, "IBM852"}
#define PAGE_PC858 {19, "CP858"}

/* Largest QR payload with module size 6 and error correction M: the
 * largest symbol version whose width in modules fits the printable dots
 * divided by 6, and its byte capacity from ISO/IEC 18004.
 * 384 dots (48 mm at 203 dpi, 58 mm paper): 64 modules, version 11
 * (61 modules), 251 bytes.
 * 512 dots (72 mm at 180 dpi, Epson TM-T88V): 85 modules, version 17
 * (85 modules), 504 bytes.
 * 576 dots (72 mm at 203 dpi, Epson TM-T20II): 96 modules, version 19
 * (93 modules), 624 bytes.
 * The paper's margins outside the printable width give the quiet zone. */
#define QR_MAX_384_DOTS 251
#define QR_MAX_512_DOTS 504
#define QR_MAX_576_DOTS 624

/* The pages the Epson TM models print, in the order they are tried. */
#define EPSON_PAGES                                                       \
	{PAGE_PC437, PAGE_PC858, PAGE_PC852, PAGE_PC866, PAGE_PC737,      \
	 PAGE_WPC1252}
#define EPSON_PAGE_COUNT 6

/* A cheap 58 mm printer of the kind sold as POS58, ZJ-5890 or XP-58
 * clones. They document only PC437 reliably, and their other ESC t
 * numbers differ from vendor to vendor. Most take GS ( k and GS k 73,
 * and most have a drawer port. A board without one ignores ESC p, so
 * the pulse is sent whenever [printer] drawer is set. */
#define PROFILE_58MM_CLONE(model_name)                                    \
	{                                                                 \
		.name = (model_name),                                     \
		.columns = 32,                                            \
		.code_pages = {PAGE_PC437},                               \
		.code_page_count = 1,                                     \
		.qr_max = QR_MAX_384_DOTS,                                \
		.barcode = true,                                          \
		.drawer = true,                                           \
	}

/* An Epson TM model: 48 columns of font A, the Epson pages, a drawer
 * port, and the QR limit of its printable width. */
#define PROFILE_EPSON_TM(model_name, qr_limit)                            \
	{                                                                 \
		.name = (model_name),                                     \
		.columns = 48,                                            \
		.code_pages = EPSON_PAGES,                                \
		.code_page_count = EPSON_PAGE_COUNT,                      \
		.qr_max = (qr_limit),                                     \
		.barcode = true,                                          \
		.drawer = true,                                           \
	}

/* Model names match the USB table of known printers (usb_known.c). The
 * Star models there print Star Line Mode unless switched to ESC/POS
 * emulation, so they have no entry and get the generic profile of their
 * paper width. */
static const struct escpos_profile profiles[] = {
	PROFILE_58MM_CLONE("generic-58"),
	/* An 80 mm printer is assumed to follow Epson's numbering and to
	 * have 512 printable dots, the narrower of the two common widths. */
	{
		.name = "generic-80",
		.columns = 48,
		.code_pages = {PAGE_PC437, PAGE_PC858, PAGE_PC866,
			       PAGE_WPC1252},
		.code_page_count = 4,
		.qr_max = QR_MAX_512_DOTS,
		.barcode = true,
		.drawer = true,
	},
	/* "Epson TM" is any Epson receipt printer the USB table does not
	 * name; it gets the narrower width of the TM series. */
	PROFILE_EPSON_TM("Epson TM", QR_MAX_512_DOTS),
	PROFILE_EPSON_TM("Epson TM-T20II", QR_MAX_576_DOTS),
	PROFILE_EPSON_TM("Epson TM-T20III", QR_MAX_576_DOTS),
	PROFILE_EPSON_TM("Epson TM-T20IIIL", QR_MAX_576_DOTS),
	PROFILE_EPSON_TM("Epson TM-T88V", QR_MAX_512_DOTS),
	PROFILE_EPSON_TM("Epson TM-T88VI", QR_MAX_512_DOTS),
	PROFILE_58MM_CLONE("Generic 58 mm POS58"),
};

#define PROFILE_COUNT (sizeof(profiles) / sizeof(profiles[0]))

const struct escpos_profile *escpos_profile_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < PROFILE_COUNT; i++) {
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	}
	return NULL;
}

const struct escpos_profile *escpos_profile_choose(const char *setting,
						   const char *model,
						   int columns)
{
	const struct escpos_profile *profile;

	if (setting != NULL && setting[0] != '\0' &&
	    strcmp(setting, "auto") != 0)
		return escpos_profile_find(setting);

	profile = escpos_profile_find(model);
	if (profile != NULL)
		return profile;
	if (columns == 32)
		return escpos_profile_find("generic-58");
	if (columns == 48)
		return escpos_profile_find("generic-80");
	return NULL;
}

void escpos_profile_each(void (*fn)(void *data,
				    const struct escpos_profile *profile),
			 void *data)
{
	for (size_t i = 0; i < PROFILE_COUNT; i++)
		fn(data, &profiles[i]);
}
