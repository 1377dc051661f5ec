#!/usr/bin/env bash
# UI test of printing through the print worker: the real spotagent in a
# private tmux server at 80x24 against the sandbox, printing to a TCP
# printer started here on 127.0.0.1 that answers DLE EOT from a mode file.
# 1. With the printer ready and a drawer on pin 2, a confirmed cash-in
#    prints its receipt once and pulses the drawer (ESC p 0 50 100).
# 2. The printer runs out of paper while it takes the next receipt: the
#    receipt is held, the status bar says paper out with one held job.
# 3. Paper loaded: the printer took the whole receipt, so it may have
#    printed, and the terminal asks "1 receipt may not have printed. Print
#    it again (marked COPY)?"; Y prints it once more, marked COPY. The
#    second cash-in's drawer pulse is taken before its receipt, so it went
#    out while the paper lasted.
# 4. Paper runs out again on a third receipt: F9 on its result makes no
#    copy but says a receipt is already waiting for the printer, and
#    releases it; with paper loaded it prints once, marked COPY, without
#    an offer, and the result line follows it to "Receipt copy printed".
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup print-held

# The printer (tests/support/fake_printer.py): replies to DLE EOT 1..4 by
# the word in RUN_DIR/mode ("ready" or "paperout"), and after each job of
# more than 200 bytes switches to the word in RUN_DIR/mode-after-job when
# that file exists. Other bytes go to RUN_DIR/printer.bin. It serves up to
# 20 connections and stops after 120 s.
python3 tests/support/fake_printer.py --mode-file "$RUN_DIR/mode" \
	--mode-after-job "$RUN_DIR/mode-after-job" --connections 20 \
	--seconds 120 "$RUN_DIR/printer.port" "$RUN_DIR/printer.bin" &
PRINTER_PID=$!
trap 'kill "$PRINTER_PID" 2>/dev/null; cleanup' EXIT
wait_until 50 test -s "$RUN_DIR/printer.port" ||
	fail "the TCP printer did not start"
PORT=$(cat "$RUN_DIR/printer.port")

start_sandbox "$RUN_DIR"
sed -i "s|^device = .*|device = tcp:127.0.0.1:$PORT\ndrawer = pin2|" \
	"$RUN_DIR/spotagent.conf"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
wait_for_reference_data "$RUN_DIR/journal.db"
wait_for "Printer ready" || fail "the status bar does not show the printer ready"

# printer_count TEXT: how many times the printer got the bytes of TEXT.
printer_count() {
	python3 -c '
import os, sys
path = sys.argv[1]
data = open(path, "rb").read() if os.path.exists(path) else b""
print(data.count(sys.argv[2].encode("latin-1")))
' "$RUN_DIR/printer.bin" "$1"
}

# printer_has_at_least COUNT TEXT: whether the printer got TEXT COUNT
# times or more, for wait_until, which runs it again on each try.
printer_has_at_least() {
	[ "$(printer_count "$2")" -ge "$1" ]
}

DRAWER_PULSE=$'\x1bp\x00\x32\x64' # ESC p, pin 2, 100 ms on, 200 ms off

# cash_in AMOUNT: a cash-in of AMOUNT to 1000000002, left on its result.
cash_in() {
	open_service 1 "Customer wallet"
	keys 1000000002 Tab
	wait_for "Akosua Darko" || fail "the cash-in form has no holder"
	keys Tab "$1"
	keys Enter
	wait_for "Confirm cash-in" || fail "no cash-in confirmation"
	keys Enter
	wait_for "CONFIRMED" 100 || fail "the cash-in was not CONFIRMED"
}

# --- 1. Receipt and drawer pulse on a ready printer -------------------------

cash_in 12.00
wait_for "Receipt printed" || fail "the receipt did not print"
save_screen printed
wait_until 50 printer_has_at_least 1 "$DRAWER_PULSE" ||
	fail "the drawer got no pulse"
[ "$(printer_count "$DRAWER_PULSE")" = 1 ] ||
	fail "the drawer got $(printer_count "$DRAWER_PULSE") pulses," \
		"expected 1"
[ "$(printer_count "GHS 12.00")" -ge 1 ] ||
	fail "the printer did not get the receipt"
first=$(printer_count "CONFIRMED")

# --- 2. Paper runs out during the next receipt ------------------------------

keys Escape
wait_for "5 Balance and statement" || fail "Esc did not go to the services menu"
keys Escape
wait_for "8 Money services" || fail "Esc on the services menu did not go home"
echo paperout >"$RUN_DIR/mode-after-job"
cash_in 13.00
wait_for "Receipt held: out of paper" 100 || fail "the receipt was not held"
wait_for "paper out (1 held)" ||
	fail "the status bar does not show paper out with one held job"
save_screen held

# --- 3. Paper loaded: the offer, and Y prints it once -----------------------

copies=$(printer_count "*** COPY ***")
echo ready >"$RUN_DIR/mode"
# The dialog wraps the question after "again".
wait_for "1 receipt may not have printed. Print it again" 50 ||
	fail "the terminal did not offer the held receipt"
wait_for "(marked COPY)?" || fail "the offer does not say COPY"
save_screen offer
sleep 1 # the dialog ignores keys for 0.6 s after it opens
keys y
wait_for "1 held job sent to the printer" ||
	fail "Y did not send the held receipt"
wait_until 50 printer_has_at_least "$((first + 2))" CONFIRMED ||
	fail "the held receipt did not print again"
wait_for "Printer ready" || fail "the status bar still shows a held job"
sleep 3
[ "$(printer_count "CONFIRMED")" = "$((first + 2))" ] ||
	fail "the printer got $(printer_count "CONFIRMED") receipts," \
		"expected $((first + 2))"
# A copy carries the mark at its head and foot, so count per receipt.
copy_marks=$(($(printer_count "*** COPY ***") - copies))
[ "$copy_marks" -gt 0 ] ||
	fail "the receipt that may have printed came out again unmarked"
copies=$(printer_count "*** COPY ***")
# The second cash-in's pulse went out before its receipt took the paper.
[ "$(printer_count "$DRAWER_PULSE")" = 2 ] ||
	fail "the drawer got $(printer_count "$DRAWER_PULSE") pulses," \
		"expected 2"

# --- 4. F9 while the original is held releases it, with no copy first -------

keys Escape
wait_for "5 Balance and statement" || fail "Esc did not go to the services menu"
keys Escape
wait_for "8 Money services" || fail "Esc on the services menu did not go home"
echo paperout >"$RUN_DIR/mode-after-job"
cash_in 14.00
wait_for "Receipt held" 100 || fail "the third receipt was not held"
keys F9
wait_for "A receipt is already waiting for the printer: out of paper" ||
	fail "F9 did not say that a receipt is already waiting"
save_screen copy-while-held
echo ready >"$RUN_DIR/mode"
# The original that took the paper, then its copy.
wait_until 50 printer_has_at_least "$((first + 4))" CONFIRMED ||
	fail "the released receipt did not print"
sleep 3
[ "$(printer_count "CONFIRMED")" = "$((first + 4))" ] ||
	fail "the printer got $(printer_count "CONFIRMED") receipts," \
		"expected $((first + 4))"
[ "$(printer_count "*** COPY ***")" = "$((copies + copy_marks))" ] ||
	fail "the released receipt did not print once as a COPY"
wait_for "Receipt copy printed" ||
	fail "the result line does not follow the copy that printed"

quit_agent "$RUN_DIR"
echo "PASS: print jobs held, offered and printed once"
