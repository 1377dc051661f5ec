/* What the EMV reading files share and nothing else uses. */
#ifndef SPOTAGENT_EMV_INTERNAL_H
#define SPOTAGENT_EMV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Most bytes of PDOL values: GET PROCESSING OPTIONS carries them in
 * template 83 (tag, 0x81, length) within a 255-byte command field. */
#define EMV_PDOL_DATA_MAX 252

/* Fill the values a PDOL (dol, len bytes of tag and length entries)
 * asks for from the terminal defaults in emv_pdol.c, concatenated into
 * out (size bytes); *got gets their length. Tags with no default are
 * zero-filled. Returns CARD_OK, CARD_EDATA for a malformed DOL or values
 * over size, or CARD_EUNSUPPORTED when no random number is available. */
int emv_pdol_build(const uint8_t *dol, size_t len, uint8_t *out,
		   size_t size, size_t *got);

/* Copy the printable ASCII bytes (0x20 to 0x7E) of value into out (size
 * bytes), dropping the others, and NUL-terminate it. */
void emv_copy_text(char *out, size_t size, const uint8_t *value,
		   size_t len);

#endif
