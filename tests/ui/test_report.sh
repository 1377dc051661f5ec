#!/usr/bin/env bash
# UI test of reversal, reprint and the end of day: the real spotagent in a
# private tmux server at 80x24 against the sandbox.
# 1. A confirmed wallet transfer's details in the queue offer Reverse; P
#    prints a receipt copy marked as such, and R opens the reversal form,
#    whose reversal is confirmed. A copy of the reversed transfer names its
#    reversal, and R on it is refused with the reason.
# 2. With the sandbox stopped, a second transfer stays pending.
# 3. The end-of-day screen shows the X report with the confirmed and the
#    pending operations; P prints it. C asks to close the day, then says
#    that one operation is pending and asks once more; closing anyway shows
#    and prints the Z report and records the close in the journal.
# 4. With the sandbox back, F5 sends the pending transfer; day 2's X
#    report shows it under "Decided since an earlier close", and day 2
#    closes on it alone, without asking about pending operations.
# 5. Cash-ins of A1001 and A1002 journaled on this terminal by `spotagent
#    submit`: the report is the terminal's, printed by Ama Mensah, with
#    each agent's float apart.
# 6. `spotagent report --close` from a shell while the X report is shown:
#    the close queues its Z report, P prints no X report of the closed
#    day but shows its Z report and then prints it as a copy; C asks nothing about a day closed so.
# 7. D shows the last closed day or a typed one, P prints it as a copy,
#    and X shows the open day again.
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

# operation_state ID: print the journal state of operation ID.
operation_state() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
row = conn.execute("SELECT state FROM operations WHERE id = ?",
                   (sys.argv[2],)).fetchone()
print(row[0] if row else "")
' "$RUN_DIR/journal.db" "$1"
}

# submit_cash_in AGENT MINOR: journal a GHS cash-in of MINOR by AGENT
# with `spotagent submit` on this terminal's journal, and print its id.
submit_cash_in() {
	local fields='"receiver_account":"1000000002","currency":"GHS"'

	printf '{"type":"cash_in","agent_id":"%s",%s,"amount":%s}\n' \
		"$1" "$fields" "$2" |
		"$BIN" --config "$RUN_DIR/spotagent.conf" submit \
			2>>"$RUN_DIR/submit.err" |
		awk '/^queued/ { print $2 }'
}

# wait_accepted ID...: press F5, then wait at most 20 s until the journal
# has every ID accepted.
wait_accepted() {
	local id i

	keys F5
	for id in "$@"; do
		# 100 checks 0.2 s apart: at most 20 s for the sync worker.
		for ((i = 0; i < 100; i++)); do
			[ "$(operation_state "$id")" = "accepted" ] && break
			sleep 0.2
		done
		[ "$(operation_state "$id")" = "accepted" ] ||
			fail "F5 did not get $id accepted in 20 s"
	done
}

# close_from_shell: close the open day with `spotagent report --close`,
# as a script at the terminal would.
close_from_shell() {
	"$BIN" --config "$RUN_DIR/spotagent.conf" report --close \
		>>"$RUN_DIR/close.out" 2>>"$RUN_DIR/close.err" ||
		fail "spotagent report --close failed:" \
			"$(cat "$RUN_DIR/close.err")"
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
reversal_reference=$(confirmed_reference reversal) || exit 1
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
receipt_has "Reversed by" &&
	fail "a receipt printed before the reprint names a reversal"
keys p
wait_for "Receipt copy printed" ||
	fail "P did not print a copy of the reversed transfer"
receipt_has "Reversed by $reversal_reference on" ||
	fail "the copy of the reversed transfer does not name its reversal" \
		"$reversal_reference"
keys Enter
wait_for "9 Print receipt copy" || fail "Enter did not open the details again"
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

# sandbox_stop clears SANDBOX_PORT, and step 4 restarts the sandbox on
# the same port.
port=$SANDBOX_PORT
sandbox_stop
send_transfer 1000000001 1000000002 4.00
wait_for "PENDING" 50 || fail "the offline transfer is not PENDING"
pending=$(shown_operation_id)
[ -n "$pending" ] || fail "the result screen shows no operation id"
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
on_screen "When Spotbanc decides, its receipt" ||
	fail "the question does not say what happens to its receipt"
on_screen "prints and a later day's report counts it." ||
	fail "the question does not say where its decision counts"
# The second question ignores keys for DIALOG_GUARD_MS (600 ms).
sleep 0.7
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

# --- 4. The pending transfer decided on day 2 ----------------------------

sandbox_start "$RUN_DIR" "$port" ||
	fail "the sandbox did not start again on port $port"
keys F5
# 100 checks 0.2 s apart: at most 20 s for the sync worker.
for ((i = 0; i < 100; i++)); do
	[ "$(operation_state "$pending")" = "accepted" ] && break
	sleep 0.2
done
[ "$(operation_state "$pending")" = "accepted" ] ||
	fail "F5 did not get $pending accepted in 20 s"

open_service 7 "X report, day 2 (open)"
save_screen x-report-carried
on_screen "Decided since an earlier close" ||
	fail "day 2's report has no block of carried decisions"
on_screen "Wallet transfer GHS" || fail "the carried block has no transfer"
on_screen_re "Confirmed 1 +GHS 4\.00" ||
	fail "the carried block lacks the confirmed transfer"
keys c
wait_for "Close day 2?" || fail "C did not ask to close day 2"
keys 1
wait_for "Day 2 closed; Z report printed" || fail "day 2 did not close"
save_screen z-report-carried
[ "$(day_close_count)" = "2" ] ||
	fail "the journal records $(day_close_count) closes, expected 2"
keys Escape
wait_for "Money services" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# --- 5. The terminal's report, each agent's float apart ------------------

own=$(submit_cash_in A1001 10000)
other=$(submit_cash_in A1002 30000)
{ [ -n "$own" ] && [ -n "$other" ]; } ||
	fail "spotagent submit did not journal the cash-ins:" \
		"$(cat "$RUN_DIR/submit.err")"
wait_accepted "$own" "$other"
open_service 7 "X report, day 3 (open)"
save_screen x-report-agents
on_screen_re "Printed by +Ama Mensah" ||
	fail "the report does not say who printed it"
on_screen_re "Agent +Ama Mensah" &&
	fail "the report is headed with one agent"
on_screen_re "Confirmed 2 +GHS 400\.00" ||
	fail "the cash-in line does not add up both agents"
keys NPage
wait_for "Agent A1002" || fail "the report has no float of A1002"
save_screen x-report-agents-floats
on_screen "Agent A1001" || fail "the report has no float of A1001"
on_screen_re "GHS confirmed +GHS -300\.00" ||
	fail "A1002's float does not move by its cash-in alone"
on_screen_re "GHS confirmed +GHS -400\.00" &&
	fail "one float adds up both agents' cash-ins"
keys p
wait_for "X report printed" || fail "P did not print the X report"
receipt_has "Agent A1002" || fail "the printed report has no float of A1002"

# --- 6. The day closed from a shell while its X report is shown ---------

x_reports=$(receipt_count "X REPORT")
z_reports=$(receipt_count "Z REPORT")
close_from_shell
keys p
# The screen polls the journal every 3 s, so it may have shown the Z
# report before P, which then printed it.
wait_for_re "Day 3 was closed by another program|Z report copy printed" ||
	fail "P after a close from the shell did not show the closed day"
save_screen closed-elsewhere
[ "$(receipt_count "X REPORT")" = "$x_reports" ] ||
	fail "P printed an X report of a day already closed"
on_screen "Z report, day 3 (closed)" ||
	fail "the screen does not show day 3's Z report"
on_screen "*** COPY ***" || fail "the Z report shown is not marked a copy"
if on_screen "Day 3 was closed by another program"; then
	keys p
	wait_for "Z report copy printed" ||
		fail "P did not print day 3's Z report"
fi
# The shell's close queued the Z report itself, which the terminal's
# print worker picks up at its next poll; P added one copy.
for _ in $(seq 1 50); do
	[ "$(receipt_count "Z REPORT")" -ge "$((z_reports + 2))" ] && break
	sleep 0.2
done
[ "$(receipt_count "Z REPORT")" = "$((z_reports + 2))" ] ||
	fail "day 3's Z report was not printed once with one copy"
[ "$(day_close_count)" = "3" ] ||
	fail "the journal records $(day_close_count) closes, expected 3"

keys x
wait_for "X report, day 4 (open)" || fail "X did not show the open day 4"
keys Escape
wait_for "Money services" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"
late=$(submit_cash_in A1002 500)
[ -n "$late" ] || fail "spotagent submit did not journal the cash-in"
wait_accepted "$late"
open_service 7 "X report, day 4 (open)"
close_from_shell
keys c
wait_for_re "Day 4 was closed by another program|This day is closed already" ||
	fail "C after a close from the shell did not show the closed day"
save_screen close-closed-elsewhere
on_screen "Close day 4?" && fail "C asked to close a day already closed"
on_screen "Z report, day 4 (closed)" ||
	fail "the screen does not show day 4's Z report"
[ "$(day_close_count)" = "4" ] ||
	fail "the journal records $(day_close_count) closes, expected 4"

# --- 7. Earlier closed days --------------------------------------------

keys x
wait_for "X report, day 5 (open)" || fail "X did not show the open day 5"
keys d
wait_for "Closed day to show (Enter alone: day 4" ||
	fail "D did not ask for a closed day"
keys Enter
wait_for "Z report, day 4 (closed)" || fail "Enter did not show day 4"
keys d 1 Enter
wait_for "Z report, day 1 (closed)" || fail "D 1 did not show day 1"
save_screen closed-day-1
on_screen "*** COPY ***" || fail "day 1's Z report is not marked a copy"
copies=$(receipt_count "COPY")
keys p
wait_for "Z report copy printed" || fail "P did not print day 1's Z report"
[ "$(receipt_count "COPY")" -gt "$copies" ] ||
	fail "the reprinted Z report is not marked as a copy"
keys d 9 Enter
wait_for "Day 9 is not closed: closed days are 1 to 4" ||
	fail "D 9 did not say that day 9 is not closed"
on_screen "Z report, day 1 (closed)" || fail "D 9 left day 1's report"
keys d 2 BSpace Escape
wait_gone "Closed day to show" || fail "Esc did not cancel D"
on_screen "Z report, day 1 (closed)" || fail "Esc after D left day 1's report"
keys Escape
wait_for "Money services" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"
quit_agent "$RUN_DIR"
echo "PASS: reprint, reversal, X report, closing the day, carried" \
	"decisions, agents' floats, closes from a shell and closed days"
