#!/usr/bin/env bash
# UI test of the text of rejected operations' receipts: the real
# spotagent in a private tmux server at 80x24 against the sandbox, on 80 mm
# paper.
# 1. A cash-in above the agent's float is rejected. The result screen's
#    preview is headed as a rejection notice and names the float by its
#    currency; the printed notice tells the agent to give the cash back
#    and never says that it was paid.
# 2. F9 on that result prints a copy that keeps the notice heading.
# 3. A wallet transfer above the sender's balance is rejected, and its
#    notice says that nothing was debited.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup receipts

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
DB=$RUN_DIR/sandbox.db
wait_for_reference_data "$RUN_DIR/journal.db"
expect_balance "$DB" float:A1001:GHS 1000000 "before the test"

# --- 1. A cash-in rejected for the float ------------------------------------

open_service 1 "Customer wallet"
keys 1000000002 Tab
wait_for "Akosua Darko" ||
	fail "the cash-in form does not show the wallet's holder"
keys Tab 20000.00
wait_for "20000.00" || fail "the amount is not on the cash-in form"
keys Enter
wait_for "Confirm cash-in" || fail "Enter did not open the cash-in confirmation"
keys Enter
wait_for "REJECTED" 100 || fail "the cash-in was not REJECTED within 20 s"
wait_for "Rejection notice printed" ||
	fail "the cash-in's rejection notice was not printed"
save_screen cash-in-rejected
on_screen "REJECTION NOTICE" ||
	fail "the preview of the rejected cash-in is not headed as a notice"
on_screen "float:" && fail "the screen shows the float's ledger account"
on_screen "The agent's float in GHS is too low" ||
	fail "the screen does not give the float's reason"
expect_balance "$DB" float:A1001:GHS 1000000 "after the rejected cash-in"

[ "$(receipt_count "REJECTION NOTICE")" = "1" ] ||
	fail "the printer holds $(receipt_count "REJECTION NOTICE") notices," \
		"expected 1"
receipt_has "Give back to the customer" ||
	fail "the notice does not tell the agent to give the cash back"
receipt_has "GHS 20,000.00" || fail "the notice does not show the amount"
receipt_has "Paid in cash" && fail "the notice says the cash was paid in"
receipt_has "float:" && fail "the notice shows the float's ledger account"

# --- 2. F9 prints a copy of the notice --------------------------------------

copies=$(receipt_count "*** COPY ***")
keys F9
wait_for "Receipt copy printed" || fail "F9 did not print a copy"
save_screen cash-in-copy
[ "$(receipt_count "REJECTION NOTICE")" = "2" ] ||
	fail "the copy of the rejected cash-in is not headed as a notice"
[ "$(receipt_count "*** COPY ***")" = "$((copies + 2))" ] ||
	fail "the copy is not marked as a copy at its top and bottom"
[ "$(receipt_count "Give back to the customer")" = "2" ] ||
	fail "the copy does not tell the agent to give the cash back"
keys Enter
wait_for "5 Balance and statement" ||
	fail "Enter on the cash-in result did not go to the services menu"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# --- 3. A wallet transfer rejected for the sender's balance ---------------

# 1000000002 has a balance of GHS 250.00, so the sandbox rejects GHS 900.00.
send_transfer 1000000002 1000000001 900.00
wait_for "REJECTED" 100 || fail "the transfer was not REJECTED within 20 s"
wait_for "Rejection notice printed" ||
	fail "the transfer's rejection notice was not printed"
save_screen transfer-rejected
[ "$(receipt_count "REJECTION NOTICE")" = "3" ] ||
	fail "the transfer's notice is not headed as a notice"
[ "$(receipt_count "Nothing was debited")" = "1" ] ||
	fail "the transfer's notice does not say that nothing was debited"
keys Enter
wait_for "8 Money services" || fail "Enter on the result did not go home"
quit_agent "$RUN_DIR"
echo "PASS: notices of rejected operations and their copies"
