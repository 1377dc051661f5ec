/* ESC/POS command encoding: a growing print job buffer with a sticky error,
 * text in the profile's code pages with no control byte, QR codes,
 * barcodes and the drawer pulse. */
#include "escpos.h"
#include "escpos_codepage.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1B
#define GS 0x1D
#define LF 0x0A

/* First allocation of a job. An 80 mm receipt of 21 lines encodes to
 * 923 bytes, so most jobs need a single allocation. */
#define ESCPOS_INITIAL_CAP 2048

/* The n of GS V 66 n. Function B of GS V feeds the paper to the cutting
 * position plus n vertical motion units (set by GS P) and then cuts, as
 * the Epson TM-T88III programming guide describes, so a small n suffices. */
#define ESCPOS_CUT_FEED_UNITS 3

/* GS ( k with cn 49 selects the QR code functions; Epson's ESC/POS
 * reference numbers them 165 (model), 167 (module size), 169 (error
 * correction), 180 (store the data) and 181 (print). */
#define QR_CN 49
#define QR_FN_MODEL 65
#define QR_FN_MODULE 67
#define QR_FN_LEVEL 69
#define QR_FN_STORE 80
#define QR_FN_PRINT 81
#define QR_MODEL_2 50
#define QR_MODULE_DOTS 6
#define QR_LEVEL_M 49
#define QR_M 48 /* the m parameter of functions 180 and 181 */

/* GS k m n with m 73 prints CODE128 of n data bytes (n up to 255), the
 * first two selecting code set B, hence 253 characters of text. */
#define BARCODE_CODE128 73
#define BARCODE_DATA_MAX 255
#define BARCODE_TEXT_MAX 253
/* Bars 80 dots high (10 mm at 203 dpi), 2 dots per module (the
 * narrowest GS w allows), text below the bars (GS H 2). */
#define BARCODE_HEIGHT_DOTS 80
#define BARCODE_MODULE_DOTS 2
#define BARCODE_HRI_BELOW 2

/* ESC p times: t1 and t2 are 1..255 units of 2 ms. */
#define DRAWER_MS_MIN 2
#define DRAWER_MS_MAX 510

void escpos_init(struct escpos_buf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->error = ESCPOS_OK;
	buf->profile = escpos_profile_find("generic-80");
	buf->code_page = -1;
}

void escpos_set_profile(struct escpos_buf *buf,
			const struct escpos_profile *profile)
{
	if (profile == NULL)
		profile = escpos_profile_find("generic-80");
	buf->profile = profile;
	/* Another printer's page numbers mean other tables. */
	buf->code_page = -1;
}

void escpos_free(struct escpos_buf *buf)
{
	free(buf->data);
	escpos_init(buf);
}

/* Make room for `extra` more bytes. Returns false, with buf->error set,
 * when an earlier call failed, the job would pass ESCPOS_JOB_MAX or memory
 * runs out. */
static bool escpos_reserve(struct escpos_buf *buf, size_t extra)
{
	unsigned char *data;
	size_t cap;

	if (buf->error != ESCPOS_OK)
		return false;
	if (extra > ESCPOS_JOB_MAX - buf->len) {
		buf->error = ESCPOS_ETOOBIG;
		return false;
	}
	if (buf->len + extra <= buf->cap)
		return true;

	cap = buf->cap > 0 ? buf->cap : ESCPOS_INITIAL_CAP;
	while (cap < buf->len + extra)
		cap *= 2;
	if (cap > ESCPOS_JOB_MAX)
		cap = ESCPOS_JOB_MAX;

	data = realloc(buf->data, cap);
	if (data == NULL) {
		buf->error = ESCPOS_ENOMEM;
		return false;
	}
	buf->data = data;
	buf->cap = cap;
	return true;
}

static void escpos_append(struct escpos_buf *buf, const void *bytes,
			  size_t len)
{
	if (!escpos_reserve(buf, len))
		return;
	memcpy(buf->data + buf->len, bytes, len);
	buf->len += len;
}

static void escpos_command(struct escpos_buf *buf, unsigned char first,
			   unsigned char second, unsigned char parameter)
{
	const unsigned char command[] = {first, second, parameter};

	escpos_append(buf, command, sizeof(command));
}

/* ESC t n: select the profile's code page `page`. */
static void select_page(struct escpos_buf *buf, int page)
{
	int number = buf->profile->code_pages[page].number;

	escpos_command(buf, ESC, 't', (unsigned char)number);
	buf->code_page = page;
}

void escpos_reset(struct escpos_buf *buf)
{
	const unsigned char command[] = {ESC, '@'};

	escpos_append(buf, command, sizeof(command));
	buf->code_page = -1;
	if (buf->profile->code_page_count > 0)
		select_page(buf, 0);
}

void escpos_align(struct escpos_buf *buf, enum escpos_align align)
{
	/* ESC a accepts 0, 1 and 2; anything else falls back to left. */
	if (align != ESCPOS_ALIGN_CENTER && align != ESCPOS_ALIGN_RIGHT)
		align = ESCPOS_ALIGN_LEFT;
	escpos_command(buf, ESC, 'a', (unsigned char)align);
}

void escpos_bold(struct escpos_buf *buf, bool on)
{
	escpos_command(buf, ESC, 'E', on ? 1 : 0);
}

void escpos_double(struct escpos_buf *buf, bool on)
{
	/* GS ! n: bits 4-6 are the width factor, bits 0-2 the height. */
	escpos_command(buf, GS, '!', on ? 0x11 : 0x00);
}

void escpos_double_height(struct escpos_buf *buf, bool on)
{
	escpos_command(buf, GS, '!', on ? 0x01 : 0x00);
}

void escpos_newline(struct escpos_buf *buf)
{
	const unsigned char command[] = {LF};

	escpos_append(buf, command, sizeof(command));
}

void escpos_feed(struct escpos_buf *buf, int lines)
{
	if (lines < 0)
		lines = 0;
	if (lines > 255)
		lines = 255;
	escpos_command(buf, ESC, 'd', (unsigned char)lines);
}

void escpos_cut_partial(struct escpos_buf *buf)
{
	const unsigned char command[] = {GS, 'V', 66, ESCPOS_CUT_FEED_UNITS};

	escpos_append(buf, command, sizeof(command));
}

/* Append a run of printable ASCII starting at s and return its length. */
static size_t append_ascii_run(struct escpos_buf *buf, const unsigned char *s)
{
	size_t len = 0;

	while (s[len] >= 0x20 && s[len] < 0x7F)
		len++;
	escpos_append(buf, s, len);
	return len;
}

/* Return the ASCII text that stands for code, which escpos_char_map
 * transliterated as mapped: a Greek letter pair with the letter after it
 * (which moves *s past that letter), else the table's text. */
static const char *transliterate(const struct escpos_char *mapped,
				 uint32_t code, const unsigned char **s,
				 char pair[ESCPOS_PAIR_SIZE])
{
	int consumed = escpos_greek_pair(code, *s, pair);

	if (consumed < 0)
		return mapped->text;
	*s += consumed;
	return pair;
}

void escpos_text(struct escpos_buf *buf, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;

	if (utf8 == NULL)
		return;
	while (*s != '\0' && buf->error == ESCPOS_OK) {
		struct escpos_char mapped;
		char pair[ESCPOS_PAIR_SIZE];
		const char *text;
		uint32_t code;

		/* Printable ASCII is the same in every code page. */
		if (*s >= 0x20 && *s < 0x7F) {
			s += append_ascii_run(buf, s);
			continue;
		}
		s += utf8_decode(s, &code);
		escpos_char_map(buf->profile, buf->code_page, code, &mapped);
		switch (mapped.kind) {
		case ESCPOS_CHAR_DROP:
			break;
		case ESCPOS_CHAR_ASCII:
			escpos_append(buf, &mapped.byte, 1);
			break;
		case ESCPOS_CHAR_PAGE:
			/* Switch only for a character the page in use lacks. */
			if (mapped.page != buf->code_page)
				select_page(buf, mapped.page);
			escpos_append(buf, &mapped.byte, 1);
			break;
		case ESCPOS_CHAR_TEXT:
			text = transliterate(&mapped, code, &s, pair);
			escpos_append(buf, text, strlen(text));
			break;
		}
	}
}

/* Append len bytes to out (size bytes, *used so far), keeping room for
 * the NUL. Returns false when they do not fit. */
static bool printable_put(char *out, size_t size, size_t *used,
			  const void *bytes, size_t len)
{
	if (len >= size - *used)
		return false;
	memcpy(out + *used, bytes, len);
	*used += len;
	return true;
}

int escpos_printable(const struct escpos_profile *profile, const char *utf8,
		     char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t used = 0;
	bool fits = true;

	if (size == 0)
		return -1;
	if (profile == NULL)
		profile = escpos_profile_find("generic-80");
	while (s != NULL && *s != '\0' && fits) {
		const unsigned char *start = s;
		struct escpos_char mapped;
		char pair[ESCPOS_PAIR_SIZE];
		const char *text;
		uint32_t code;

		s += utf8_decode(s, &code);
		escpos_char_map(profile, -1, code, &mapped);
		switch (mapped.kind) {
		case ESCPOS_CHAR_DROP:
			break;
		case ESCPOS_CHAR_ASCII:
			fits = printable_put(out, size, &used, &mapped.byte, 1);
			break;
		case ESCPOS_CHAR_PAGE:
			/* The page has the character itself. */
			fits = printable_put(out, size, &used, start,
					     (size_t)(s - start));
			break;
		case ESCPOS_CHAR_TEXT:
			text = transliterate(&mapped, code, &s, pair);
			fits = printable_put(out, size, &used, text,
					     strlen(text));
			break;
		}
	}
	out[used] = '\0';
	return fits ? 0 : -1;
}

/* GS ( k pL pH 49 fn, then parameters and data: a QR code function.
 * pL and pH count every byte after them: cn, fn, parameters and data. */
static void qr_function(struct escpos_buf *buf, unsigned char function,
			const unsigned char *parameters, size_t count,
			const unsigned char *data, size_t data_len)
{
	size_t len = 2 + count + data_len;
	const unsigned char head[] = {
		GS, '(', 'k', (unsigned char)(len & 0xFF),
		(unsigned char)(len >> 8), QR_CN, function,
	};

	escpos_append(buf, head, sizeof(head));
	escpos_append(buf, parameters, count);
	if (data_len > 0)
		escpos_append(buf, data, data_len);
}

int escpos_qr(struct escpos_buf *buf, const unsigned char *data, size_t len)
{
	const unsigned char model[] = {QR_MODEL_2, 0};
	const unsigned char module[] = {QR_MODULE_DOTS};
	const unsigned char level[] = {QR_LEVEL_M};
	const unsigned char print[] = {QR_M};
	const unsigned char store[] = {QR_M};
	if (len == 0 || len > buf->profile->qr_max || len + 3 > 0xFFFF)
		return ESCPOS_EINVAL;

	escpos_align(buf, ESCPOS_ALIGN_CENTER);
	qr_function(buf, QR_FN_MODEL, model, sizeof(model), NULL, 0);
	qr_function(buf, QR_FN_MODULE, module, sizeof(module), NULL, 0);
	qr_function(buf, QR_FN_LEVEL, level, sizeof(level), NULL, 0);
	/* Function 180: pL pH = len + 3 (cn, fn, m and the data). */
	qr_function(buf, QR_FN_STORE, store, sizeof(store), data, len);
	qr_function(buf, QR_FN_PRINT, print, sizeof(print), NULL, 0);
	escpos_align(buf, ESCPOS_ALIGN_LEFT);
	return ESCPOS_OK;
}

int escpos_barcode(struct escpos_buf *buf, const char *text)
{
	unsigned char data[2 + 2 * BARCODE_TEXT_MAX];
	size_t len = 0;
	int modules;

	if (!buf->profile->barcode || text == NULL || text[0] == '\0')
		return ESCPOS_EINVAL;

	/* Code set B takes printable ASCII, and '{' starts the code set
	 * and function codes, so a '{' in the data is sent twice. */
	data[len++] = '{';
	data[len++] = 'B';
	for (const char *c = text; *c != '\0'; c++) {
		if (*c < 0x20 || *c >= 0x7F || len + 2 > BARCODE_DATA_MAX)
			return ESCPOS_EINVAL;
		if (*c == '{')
			data[len++] = '{';
		data[len++] = (unsigned char)*c;
	}

	/* Start, check and stop symbols take 35 modules, each character
	 * 11; the bars must fit the paper's dots (12 per column). */
	modules = 11 * (int)strlen(text) + 35;
	if (modules * BARCODE_MODULE_DOTS > buf->profile->columns * 12)
		return ESCPOS_EINVAL;

	escpos_align(buf, ESCPOS_ALIGN_CENTER);
	escpos_command(buf, GS, 'h', BARCODE_HEIGHT_DOTS);
	escpos_command(buf, GS, 'w', BARCODE_MODULE_DOTS);
	escpos_command(buf, GS, 'H', BARCODE_HRI_BELOW);
	escpos_command(buf, GS, 'k', BARCODE_CODE128);
	escpos_append(buf, &(unsigned char){(unsigned char)len}, 1);
	escpos_append(buf, data, len);
	escpos_align(buf, ESCPOS_ALIGN_LEFT);
	return ESCPOS_OK;
}

int escpos_drawer_kick(struct escpos_buf *buf, enum escpos_drawer_pin pin,
		       int on_ms, int off_ms)
{
	unsigned char command[5] = {ESC, 'p'};

	if (!buf->profile->drawer ||
	    (pin != ESCPOS_DRAWER_PIN2 && pin != ESCPOS_DRAWER_PIN5) ||
	    on_ms < DRAWER_MS_MIN || on_ms > DRAWER_MS_MAX ||
	    off_ms < DRAWER_MS_MIN || off_ms > DRAWER_MS_MAX)
		return ESCPOS_EINVAL;

	/* t1 and t2 count units of 2 ms; an odd time rounds up. */
	command[2] = (unsigned char)pin;
	command[3] = (unsigned char)((on_ms + 1) / 2);
	command[4] = (unsigned char)((off_ms + 1) / 2);
	escpos_append(buf, command, sizeof(command));
	return ESCPOS_OK;
}

const char *escpos_strerror(int error)
{
	switch (error) {
	case ESCPOS_OK:
		return "No error";
	case ESCPOS_ENOMEM:
		return "Out of memory while building the print job";
	case ESCPOS_ETOOBIG:
		return "Print job is larger than the 256 KiB limit";
	case ESCPOS_EINVAL:
		return "The printer cannot print this QR code, barcode or "
		       "drawer pulse";
	default:
		return "Unknown print job error";
	}
}
