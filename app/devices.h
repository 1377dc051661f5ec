/* The hardware commands `spotagent devices` and `spotagent print-test`.
 * They write to stdout and stderr, so they run without the curses UI. */
#ifndef SPOTAGENT_DEVICES_H
#define SPOTAGENT_DEVICES_H

#include "config.h"

/* List the USB printers, card readers and HID devices on stdout, each
 * with whether it can be opened and a printer's status, then open the
 * configured [printer] device and print its state and profile. HID
 * devices are listed but never opened. Returns 0, or -1 when the
 * configured printer cannot be opened. */
int devices_list(const struct config *config);

/* Print a test page on the configured printer. The page shows version in
 * its heading, the profile, the device, a column ruler, a sample line of
 * each code page and bold text, plus a QR code and a barcode when they
 * are configured and the profile supports them. Writes the outcome on
 * stdout, or what failed on stderr. Returns 0, or -1 when no printer is
 * configured, the page cannot be encoded, or the printer cannot be opened
 * or written. */
int devices_print_test(const struct config *config, const char *version);

#endif
