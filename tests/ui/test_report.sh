#!/usr/bin/env bash
# UI test of reversal, reprint and the end of day: the real spotagent in a
# private tmux server at 80x24 against the sandbox.
# 1. A confirmed wallet transfer's details in the queue offer Reverse; P
#    prints a receipt copy marked as such, and R opens the reversal form,
#    whose reversal is confirmed. R on the reversed transfer is refused
#    with the reason.
# 2. With the sandbox stopped, a second transfer stays pending.
# 3. The end-of-day screen shows the X report with the confirmed and the
#    pending operations; P prints it. C asks to close the day, then says
#    that one operation is pending and asks once more; closing anyway shows
#    and prints the Z report and records the close in the journal.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup report

# day_close_count: print how many closed days the journal records.
day_close_count() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("SELECT count(*) FROM day_closes").fetchone()[0])
' "$RUN_DIR/journal.db"
}

# open_accepted: from the home menu, open the queue on its Accepted
# filter.
open_accepted() {
	keys 2
	wait_for "Queue:" || fail "2 did not open the queue"
	keys 4
	wait_for "Queue: Accepted" || fail "4 did not show the Accepted filter"
}

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1

# --- 1. Reprint and reversal from the queue ---------------------------------

send_transfer 1000000001 1000000002 3.00
wait_for "CONFIRMED" 100 || fail "the transfer was not CONFIRMED in 20 s"
original=$(shown_operation_id)
[ -n "$original" ] || fail "the result screen shows no operation id"
keys Enter
wait_for "8 Money services" || fail "Enter on the result did not go home"

open_accepted
on_screen "Operation $original" || fail "the transfer is not selected"
keys Enter
wait_for "1 Reverse" || fail "the details do not offer 1 Reverse"
save_screen details-accepted
on_screen "R Reverse  P Print copy" ||
	fail "the help line does not list R Reverse and P Print copy"
copies=$(receipt_count "COPY")
keys p
wait_for "Receipt copy printed" || fail "P did not print a receipt copy"
[ "$(receipt_count "COPY")" -gt "$copies" ] ||
	fail "the reprint is not marked as a copy"

keys Enter
wait_for "1 Reverse" || fail "Enter did not open the details again"
keys r
wait_for "Reason" || fail "R did not open the reversal form"
save_screen reversal-form
keys "Wrong wallet number" Enter
wait_for "Confirm" || fail "the reversal did not reach its confirmation"
save_screen reversal-confirm
keys Enter
wait_for "CONFIRMED" 100 || fail "the reversal was not CONFIRMED in 20 s"
save_screen reversal-result
reversal=$(shown_operation_id)
expect_one_ledger_row "$reversal"
keys Enter
wait_for "8 Money services" || fail "Enter on the result did not go home"

# The reversal is the newest row; the transfer is the one under it.
open_accepted
keys Down
wait_for "Operation $original" || fail "Down did not select the transfer"
keys Enter
wait_for "9 Print receipt copy" || fail "Enter did not open the details"
on_screen "1 Reverse" && fail "a reversed transfer is offered Reverse"
keys r
wait_for_re "[Rr]evers" || fail "R on a reversed transfer gave no reason"
save_screen reverse-refused
on_screen "Reason" && fail "R opened the reversal form a second time"
keys Escape
wait_for "Queue: Accepted" || fail "Esc did not close the details"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# --- 2. A pending transfer --------------------------------------------------

sandbox_stop
send_transfer 1000000001 1000000002 4.00
wait_for "PENDING" 50 || fail "the offline transfer is not PENDING"
keys Enter
wait_for "8 Money services" || fail "Enter on the result did not go home"

# --- 3. X report, print, close with the pending one ----------------------

open_service 7 "X report, day 1 (open)"
save_screen x-report
on_screen "X REPORT (day still open)" ||
	fail "the report is not headed as an X report"
on_screen "Wallet transfer GHS" || fail "the report has no transfer line"
on_screen "Reversal GHS" || fail "the report has no reversal line"
on_screen_re "Confirmed 1 +GHS 3\.00" ||
	fail "the report lacks the confirmed transfer"
on_screen_re "Pending 1 +GHS 4\.00" || fail "the report lacks the pending one"
keys p
wait_for "X report printed" || fail "P did not print the X report"
receipt_has "X REPORT" || fail "nothing printed has 'X REPORT'"

keys c
wait_for "Close day 1?" || fail "C did not ask to close the day"
save_screen close-question
keys 1
wait_for "1 operation of day 1 is not confirmed" ||
	fail "closing with a pending operation did not ask again"
save_screen close-pending
keys 1
wait_for "Day 1 closed; Z report printed" || fail "the day did not close"
save_screen z-report
on_screen "Z report, day 1 (closed)" || fail "the Z report is not shown"
on_screen "Z REPORT" || fail "the shown report is not headed Z REPORT"
receipt_has "Z REPORT" || fail "nothing printed has 'Z REPORT'"
[ "$(day_close_count)" = "1" ] ||
	fail "the journal records $(day_close_count) closes, expected 1"

keys c
wait_for "This day is closed already" ||
	fail "C on the Z report did not say it is closed"
resize 40 16 "Z report, day 1"
save_screen z-report-40x16
resize 80 24 "Z report, day 1"
keys Escape
wait_for "Money services" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"
quit_agent "$RUN_DIR"
echo "PASS: reprint, reversal, X report and closing the day"
