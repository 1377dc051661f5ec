/* ESC/POS bytes back into lines, QR payloads, barcodes, cuts and drawer
 * pulses, for tests that assert what a customer reads. */
/* strdup is POSIX.1-2008, which plain -std=c17 does not declare. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "escpos_decode.h"

#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1B
#define GS 0x1D
#define LF 0x0A

struct decoder {
	const unsigned char *data;
	size_t len;
	size_t pos;
	size_t command;   /* offset of the command being decoded */
	const struct escpos_profile *profile;
	struct escpos_decoded *out;
	iconv_t cd;       /* current page to UTF-8, or (iconv_t)-1 */
	/* The line being printed. */
	char *text;
	size_t text_len;
	size_t text_cap;
	bool started;     /* a character was printed on it */
	struct escpos_decoded_line style; /* its style, once started */
	/* The printer's state. */
	enum escpos_align align;
	bool bold;
	int width;
	int height;
	unsigned char *qr;
	size_t qr_len;
	int qr_model;
	int qr_module;
	char qr_level;
	int barcode_height;
	int barcode_width;
	int barcode_hri;
};

static int fail(struct decoder *d, const char *format, ...)
{
	va_list args;

	if (d->out->error[0] != '\0')
		return -1;
	va_start(args, format);
	vsnprintf(d->out->error, sizeof(d->out->error), format, args);
	va_end(args);
	d->out->error_offset = d->command;
	return -1;
}

/* Grow *array of *count elements of size by one, zeroed. */
static void *push(void *array, size_t *count, size_t size)
{
	unsigned char *grown = realloc(array, (*count + 1) * size);

	if (grown == NULL)
		abort();
	memset(grown + *count * size, 0, size);
	(*count)++;
	return grown;
}

static void text_append(struct decoder *d, const char *bytes, size_t len)
{
	if (d->text_len + len + 1 > d->text_cap) {
		d->text_cap = 2 * (d->text_len + len + 1);
		d->text = realloc(d->text, d->text_cap);
		if (d->text == NULL)
			abort();
	}
	memcpy(d->text + d->text_len, bytes, len);
	d->text_len += len;
	d->text[d->text_len] = '\0';
}

/* End the line being printed, started or empty. */
static void end_line(struct decoder *d)
{
	struct escpos_decoded *out = d->out;
	struct escpos_decoded_line *line;

	out->lines = push(out->lines, &out->line_count, sizeof(*line));
	line = &out->lines[out->line_count - 1];
	if (d->started) {
		*line = d->style;
	} else {
		line->align = d->align;
		line->bold = d->bold;
		line->width = d->width;
		line->height = d->height;
	}
	line->text = strdup(d->text_len > 0 ? d->text : "");
	if (line->text == NULL)
		abort();
	d->text_len = 0;
	d->started = false;
}

/* End a line with text on it before a QR code, barcode or cut. */
static void flush_line(struct decoder *d)
{
	if (d->started)
		end_line(d);
}

static int print_byte(struct decoder *d, unsigned char byte)
{
	char in[1] = {(char)byte};
	char utf8[8];
	char *in_ptr = in;
	char *out_ptr = utf8;
	size_t in_left = 1;
	size_t out_left = sizeof(utf8);

	if (!d->started) {
		d->started = true;
		d->style.align = d->align;
		d->style.bold = d->bold;
		d->style.width = d->width;
		d->style.height = d->height;
	}
	if (byte < 0x80) {
		text_append(d, in, 1);
		return 0;
	}
	if (d->cd == (iconv_t)-1)
		return fail(d, "byte 0x%02X with no code page", byte);
	iconv(d->cd, NULL, NULL, NULL, NULL);
	if (iconv(d->cd, &in_ptr, &in_left, &out_ptr, &out_left) ==
	    (size_t)-1)
		return fail(d, "byte 0x%02X is not in code page %d", byte,
			    d->out->page_number);
	text_append(d, utf8, sizeof(utf8) - out_left);
	return 0;
}

static int select_page(struct decoder *d, int number)
{
	const char *charset = NULL;

	for (int i = 0; i < d->profile->code_page_count; i++) {
		if (d->profile->code_pages[i].number == number)
			charset = d->profile->code_pages[i].charset;
	}
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	d->cd = (iconv_t)-1;
	d->out->page_number = number;
	if (charset == NULL)
		return fail(d, "ESC t %d names no code page of %s", number,
			    d->profile->name);
	d->cd = iconv_open("UTF-8", charset);
	if (d->cd == (iconv_t)-1)
		return fail(d, "iconv cannot open %s", charset);
	return 0;
}

static void reset_state(struct decoder *d)
{
	d->align = ESCPOS_ALIGN_LEFT;
	d->bold = false;
	d->width = 1;
	d->height = 1;
	d->barcode_height = 162;
	d->barcode_width = 3;
	d->barcode_hri = 0;
}

/* Set *p to the next n bytes, or fail for a truncated command. */
static int take(struct decoder *d, size_t n, const unsigned char **p)
{
	if (d->len - d->pos < n)
		return fail(d, "command at offset %zu is truncated",
			    d->command);
	*p = d->data + d->pos;
	d->pos += n;
	return 0;
}

static int decode_esc(struct decoder *d)
{
	const unsigned char *p = NULL;
	struct escpos_decoded_pulse *pulse;

	if (take(d, 1, &p) < 0)
		return -1;
	switch (p[0]) {
	case '@':
		flush_line(d);
		d->out->resets++;
		reset_state(d);
		if (d->profile->code_page_count == 0)
			return 0;
		return select_page(d, d->profile->code_pages[0].number);
	case 'a':
		if (take(d, 1, &p) < 0)
			return -1;
		if (p[0] > 2 && (p[0] < '0' || p[0] > '2'))
			return fail(d, "ESC a %d is out of range", p[0]);
		d->align = (enum escpos_align)(p[0] % 48);
		return 0;
	case 'E':
		if (take(d, 1, &p) < 0)
			return -1;
		d->bold = (p[0] & 1) != 0;
		return 0;
	case 'd':
		if (take(d, 1, &p) < 0)
			return -1;
		flush_line(d);
		for (int i = 0; i < p[0]; i++)
			end_line(d);
		return 0;
	case 't':
		if (take(d, 1, &p) < 0)
			return -1;
		d->out->page_switches++;
		return select_page(d, p[0]);
	case 'p':
		if (take(d, 3, &p) < 0)
			return -1;
		if (p[0] != 0 && p[0] != 1 && p[0] != '0' && p[0] != '1')
			return fail(d, "ESC p pin %d is out of range", p[0]);
		d->out->pulses = push(d->out->pulses, &d->out->pulse_count,
				      sizeof(*pulse));
		pulse = &d->out->pulses[d->out->pulse_count - 1];
		pulse->pin = (p[0] & 1) != 0 ? 5 : 2;
		pulse->on_ms = 2 * p[1];
		pulse->off_ms = 2 * p[2];
		return 0;
	default:
		return fail(d, "unknown command ESC 0x%02X", p[0]);
	}
}

static int qr_print(struct decoder *d)
{
	struct escpos_decoded_qr *qr;

	if (d->qr == NULL)
		return fail(d, "QR print with no stored data");
	flush_line(d);
	d->out->qrs = push(d->out->qrs, &d->out->qr_count, sizeof(*qr));
	qr = &d->out->qrs[d->out->qr_count - 1];
	qr->data = d->qr;
	qr->len = d->qr_len;
	qr->model = d->qr_model;
	qr->module_size = d->qr_module;
	qr->level = d->qr_level;
	qr->line = d->out->line_count;
	/* The printer keeps the data, but a second print is not expected. */
	d->qr = NULL;
	return 0;
}

/* GS ( k pL pH cn fn parameters, QR code functions only. */
static int decode_qr(struct decoder *d)
{
	static const char levels[] = "LMQH";
	const unsigned char *p = NULL;
	size_t count;

	if (take(d, 2, &p) < 0)
		return -1;
	count = p[0] | (size_t)p[1] << 8;
	if (count < 3)
		return fail(d, "GS ( k length %zu is too short", count);
	if (take(d, count, &p) < 0)
		return -1;
	if (p[0] != 49)
		return fail(d, "GS ( k symbol %d is not a QR code", p[0]);
	switch (p[1]) {
	case 65:
		if (count != 4 || (p[2] != 49 && p[2] != 50))
			return fail(d, "bad QR model command");
		d->qr_model = p[2] - 48;
		return 0;
	case 67:
		if (count != 3 || p[2] < 1 || p[2] > 16)
			return fail(d, "bad QR module size %d", p[2]);
		d->qr_module = p[2];
		return 0;
	case 69:
		if (count != 3 || p[2] < 48 || p[2] > 51)
			return fail(d, "bad QR error correction level %d",
				    p[2]);
		d->qr_level = levels[p[2] - 48];
		return 0;
	case 80:
		if (p[2] != 48 || count == 3)
			return fail(d, "bad QR store command");
		free(d->qr);
		d->qr_len = count - 3;
		d->qr = malloc(d->qr_len + 1);
		if (d->qr == NULL)
			abort();
		memcpy(d->qr, p + 3, d->qr_len);
		d->qr[d->qr_len] = '\0';
		return 0;
	case 81:
		if (count != 3 || p[2] != 48)
			return fail(d, "bad QR print command");
		return qr_print(d);
	default:
		return fail(d, "unknown QR function %d", p[1]);
	}
}

/* GS k 73 n "{B" data: CODE128 in code set B. */
static int decode_barcode(struct decoder *d)
{
	struct escpos_decoded_barcode *barcode;
	const unsigned char *p = NULL;
	char text[256];
	size_t used = 0;
	size_t n;

	if (take(d, 2, &p) < 0)
		return -1;
	if (p[0] != 73)
		return fail(d, "GS k type %d is not CODE128", p[0]);
	n = p[1];
	if (n < 2)
		return fail(d, "CODE128 of %zu bytes", n);
	if (take(d, n, &p) < 0)
		return -1;
	if (p[0] != '{' || p[1] != 'B')
		return fail(d, "CODE128 does not start with code set B");
	for (size_t i = 2; i < n; i++) {
		/* Only "{{", a '{' in the data, may follow code set B. */
		if (p[i] == '{') {
			i++;
			if (i >= n || p[i] != '{')
				return fail(d, "CODE128 function code in "
					       "the data");
		}
		if (p[i] < 0x20 || p[i] >= 0x7F)
			return fail(d, "CODE128 byte 0x%02X in code set B",
				    p[i]);
		text[used++] = (char)p[i];
	}
	text[used] = '\0';

	flush_line(d);
	d->out->barcodes = push(d->out->barcodes, &d->out->barcode_count,
				sizeof(*barcode));
	barcode = &d->out->barcodes[d->out->barcode_count - 1];
	barcode->text = strdup(text);
	if (barcode->text == NULL)
		abort();
	barcode->height = d->barcode_height;
	barcode->module_width = d->barcode_width;
	barcode->hri = d->barcode_hri;
	barcode->line = d->out->line_count;
	return 0;
}

static int decode_cut(struct decoder *d)
{
	struct escpos_decoded_cut *cut;
	const unsigned char *p = NULL;
	bool partial;

	if (take(d, 1, &p) < 0)
		return -1;
	switch (p[0]) {
	case 0:
	case 48:
		partial = false;
		break;
	case 1:
	case 49:
		partial = true;
		break;
	case 65:
	case 66:
		partial = p[0] == 66;
		if (take(d, 1, &p) < 0)
			return -1;
		break;
	default:
		return fail(d, "GS V %d is not a cut", p[0]);
	}
	flush_line(d);
	d->out->cuts = push(d->out->cuts, &d->out->cut_count, sizeof(*cut));
	cut = &d->out->cuts[d->out->cut_count - 1];
	cut->partial = partial;
	cut->line = d->out->line_count;
	return 0;
}

static int decode_gs(struct decoder *d)
{
	const unsigned char *p = NULL;

	if (take(d, 1, &p) < 0)
		return -1;
	switch (p[0]) {
	case '!':
		if (take(d, 1, &p) < 0)
			return -1;
		d->width = (p[0] >> 4 & 7) + 1;
		d->height = (p[0] & 7) + 1;
		return 0;
	case '(':
		if (take(d, 1, &p) < 0)
			return -1;
		if (p[0] != 'k')
			return fail(d, "unknown command GS ( 0x%02X", p[0]);
		return decode_qr(d);
	case 'h':
	case 'w':
	case 'H': {
		unsigned char setting = p[0];

		if (take(d, 1, &p) < 0)
			return -1;
		if (setting == 'h')
			d->barcode_height = p[0];
		else if (setting == 'w')
			d->barcode_width = p[0];
		else
			d->barcode_hri = p[0] % 48;
		return 0;
	}
	case 'k':
		return decode_barcode(d);
	case 'V':
		return decode_cut(d);
	default:
		return fail(d, "unknown command GS 0x%02X", p[0]);
	}
}

static int decode_one(struct decoder *d)
{
	unsigned char byte = d->data[d->pos++];

	if (byte == ESC)
		return decode_esc(d);
	if (byte == GS)
		return decode_gs(d);
	if (byte == LF) {
		end_line(d);
		return 0;
	}
	if (byte < 0x20 || byte == 0x7F)
		return fail(d, "control byte 0x%02X", byte);
	return print_byte(d, byte);
}

int escpos_decode(const unsigned char *data, size_t len,
		  const struct escpos_profile *profile,
		  struct escpos_decoded *out)
{
	struct decoder d = {
		.data = data,
		.len = len,
		.profile = profile != NULL ? profile
					   : escpos_profile_find("generic-80"),
		.out = out,
		.cd = (iconv_t)-1,
		.qr_model = 2,
		.qr_module = 3,
		.qr_level = 'L',
	};
	int rc = 0;

	memset(out, 0, sizeof(*out));
	reset_state(&d);
	if (d.profile->code_page_count > 0)
		rc = select_page(&d, d.profile->code_pages[0].number);
	while (rc == 0 && d.pos < d.len) {
		d.command = d.pos;
		rc = decode_one(&d);
	}
	if (rc == 0)
		flush_line(&d);
	if (d.cd != (iconv_t)-1)
		iconv_close(d.cd);
	free(d.text);
	free(d.qr);
	return rc;
}

void escpos_decoded_free(struct escpos_decoded *decoded)
{
	for (size_t i = 0; i < decoded->line_count; i++)
		free(decoded->lines[i].text);
	for (size_t i = 0; i < decoded->qr_count; i++)
		free(decoded->qrs[i].data);
	for (size_t i = 0; i < decoded->barcode_count; i++)
		free(decoded->barcodes[i].text);
	free(decoded->lines);
	free(decoded->qrs);
	free(decoded->barcodes);
	free(decoded->pulses);
	free(decoded->cuts);
	memset(decoded, 0, sizeof(*decoded));
}

const char *escpos_decoded_text(const struct escpos_decoded *decoded,
				size_t i)
{
	return i < decoded->line_count ? decoded->lines[i].text : NULL;
}

int escpos_decoded_find(const struct escpos_decoded *decoded,
			const char *needle)
{
	for (size_t i = 0; i < decoded->line_count; i++) {
		if (strstr(decoded->lines[i].text, needle) != NULL)
			return (int)i;
	}
	return -1;
}
