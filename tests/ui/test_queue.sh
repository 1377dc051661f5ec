#!/usr/bin/env bash
# UI test of the queue as shown to the agent: the real spotagent in a
# private tmux server at 80x24 against the sandbox.
# 1. A transfer that Spotbanc rejects after it was sent shows a block on
#    the home screen and prints one rejection notice; the agent
#    acknowledges it in the queue and the block goes.
# 2. A transfer made while the sandbox is stopped waits in the queue. If
#    it was never sent, the agent cancels it after a question (Esc keeps
#    it), and a cancellation notice is printed. If the sync worker has
#    tried it already, Cancel is not offered, and it is CONFIRMED once the
#    sandbox is back.
# 3. At 40x16 the list keeps time, type, amount and state for both
#    operations, and the details of the rejection wrap its whole reason
#    within 40 columns.
# Enter on a row opens the operation's details with its numbered
# actions. Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup queue

JOURNAL=$RUN_DIR/journal.db
RECEIPTS=$RUN_DIR/receipts.bin

# journal_value ID COLUMN: print one column of operation ID from the
# terminal's journal (an empty line for NULL).
journal_value() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
row = conn.execute(f"SELECT {sys.argv[3]} FROM operations WHERE id = ?",
                   (sys.argv[2],)).fetchone()
if row is None:
    sys.exit(f"operation {sys.argv[2]} is not in the journal")
print("" if row[0] is None else row[0])
' "$JOURNAL" "$1" "$2"
}

# notice_count: print how many rejection notices the printer file holds.
notice_count() {
	python3 -c '
import os, sys
path = sys.argv[1]
data = open(path, "rb").read() if os.path.exists(path) else b""
print(data.count(b"REJECTION NOTICE"))
' "$RECEIPTS"
}

start_sandbox "$RUN_DIR"
port=$SANDBOX_PORT
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1 "2 Queue"
on_screen "REJECTED by Spotbanc" &&
	fail "the home screen shows a rejection before any transfer"

# --- 1. Rejected after sending ---------------------------------------------

# 1000000002 has a balance of GHS 250.00, so the sandbox rejects GHS 900.00.
send_transfer 1000000002 1000000001 900.00
wait_for "REJECTED" 100 || fail "the transfer was not REJECTED within 20 s"
save_screen result-rejected
rejected_id=$(shown_operation_id)
[ -n "$rejected_id" ] || fail "the result screen shows no operation id"
[ "$(journal_value "$rejected_id" state)" = "rejected" ] ||
	fail "the journal does not hold $rejected_id as rejected"

keys Enter
wait_for "2 Queue" || fail "Enter on the result screen did not go home"
wait_for "1 operation REJECTED by Spotbanc after sending" ||
	fail "the home screen shows no rejection block"
save_screen home-rejected
on_screen "Press 2 to review" || fail "the rejection block lacks 'Press 2'"
reason=$(journal_value "$rejected_id" last_error) ||
	fail "cannot read the reason of $rejected_id"
[ -n "$reason" ] || fail "the journal holds no reason for $rejected_id"
on_screen "Latest reason: ${reason:0:40}" ||
	fail "the rejection block does not show the reason '$reason'"

# The result screen printed the REJECTED receipt; the notice comes once.
count=$(notice_count) || fail "cannot read $RECEIPTS"
[ "$count" = "1" ] ||
	fail "$RECEIPTS holds $count rejection notices, expected 1"

# 2 opens the queue on the Rejected filter; 3 picks that filter again.
keys 2
wait_for "Queue: Rejected" || fail "2 did not open the queue on Rejected"
keys 3
wait_for "Queue: Rejected" || fail "3 did not show the Rejected filter"
wait_for "GHS 900.00" || fail "the rejected transfer is not listed"
save_screen queue-rejected
on_screen "Wallet transfer" || fail "the row does not name the type"
on_screen "Operation $rejected_id" ||
	fail "the selected row is not operation $rejected_id"
on_screen "NOT ACKNOWLEDGED" ||
	fail "the selected row is not marked NOT ACKNOWLEDGED"

keys Enter
wait_for "1 Acknowledge" || fail "Enter did not open the details"
save_screen details-rejected
on_screen "2 Print notice" ||
	fail "the details do not offer 2 Print notice"
on_screen "9 Print receipt copy" ||
	fail "the details do not offer 9 Print receipt copy"
on_screen "Cancel" && fail "the details offer Cancel for a rejection"
on_screen "Operation $rejected_id" ||
	fail "the details do not show the operation id"
on_screen "Reason: ${reason:0:40}" ||
	fail "the details do not show the reason '$reason'"

keys 1
wait_for "Acknowledged" || fail "1 did not acknowledge the rejection"
wait_gone "NOT ACKNOWLEDGED" ||
	fail "the row is still marked NOT ACKNOWLEDGED"
save_screen queue-acknowledged
[ -n "$(journal_value "$rejected_id" acknowledged_at)" ] ||
	fail "the journal has no acknowledged_at for $rejected_id"

keys Escape
wait_for "2 Queue" || fail "Esc did not go back to the home screen"
wait_gone "REJECTED by Spotbanc" ||
	fail "the rejection block stays after the acknowledgement"
save_screen home-acknowledged
count=$(notice_count) || fail "cannot read $RECEIPTS"
[ "$count" = "1" ] ||
	fail "after the acknowledgement $RECEIPTS holds $count notices"

# --- 2. Waiting while the sandbox is stopped -------------------------------

sandbox_stop
wait_for "OFFLINE" 100 || fail "the status bar did not say OFFLINE in 20 s"
send_transfer 1000000001 1000000002 12.50
wait_for "PENDING" 50 || fail "the offline transfer is not PENDING"
save_screen result-pending
pending_id=$(shown_operation_id)
[ -n "$pending_id" ] || fail "the result screen shows no operation id"

# Let the sync worker's first attempt, if it makes one, finish: at most
# 10 s for the journal to count an attempt with the operation queued
# again. An operation never tried in that time is not being sent.
for ((i = 0; i < 50; i++)); do
	attempts=$(journal_value "$pending_id" attempts) ||
		fail "cannot read the attempts of $pending_id"
	state=$(journal_value "$pending_id" state) ||
		fail "cannot read the state of $pending_id"
	[ "$attempts" -gt 0 ] && [ "$state" = "queued" ] && break
	sleep 0.2
done
[ "$state" = "queued" ] ||
	fail "operation $pending_id is '$state', expected 'queued'"

keys Enter
wait_for "2 Queue" || fail "Enter on the result screen did not go home"
keys 2
wait_for "Queue: " || fail "2 did not open the queue"
keys 1
wait_for "Queue: Waiting" || fail "1 did not show the Waiting filter"
wait_for "GHS 12.50" || fail "the offline transfer is not under Waiting"
on_screen "PENDING" || fail "the offline transfer is not shown PENDING"
on_screen "Operation $pending_id" ||
	fail "the selected row is not operation $pending_id"
save_screen queue-waiting

keys Enter
wait_for "9 Print receipt copy" || fail "Enter did not open the details"
save_screen details-waiting
# Refused connections leave the request unsent (sent = 0), so the agent
# may still cancel it.
sent=$(journal_value "$pending_id" sent) ||
	fail "cannot read the sent flag of $pending_id"
if [ "$sent" -eq 0 ]; then
	on_screen "1 Cancel" ||
		fail "the details offer no Cancel for a never-sent operation"
	keys 1
	wait_for "Cancel this wallet transfer of GHS 12.50?" ||
		fail "1 did not ask before cancelling"
	save_screen cancel-question
	on_screen "no money moves" ||
		fail "the question does not say what cancelling changes"
	keys Escape
	wait_gone "Cancel this wallet transfer" || fail "Esc did not close the question"
	[ "$(journal_value "$pending_id" state)" = "queued" ] ||
		fail "Esc on the question changed the operation"
	keys 1
	wait_for "Cancel this wallet transfer of GHS 12.50?" ||
		fail "1 did not ask again"
	keys 1
	wait_for "Cancelled; cancellation notice printed" ||
		fail "1 in the question did not cancel and print a notice"
	wait_for "No operations are waiting" ||
		fail "the cancelled operation is still under Waiting"
	save_screen queue-cancelled
	[ "$(journal_value "$pending_id" state)" = "rejected" ] ||
		fail "the cancelled operation is not rejected in the journal"
	keys Escape
	wait_for "2 Queue" || fail "Esc did not go back to the home screen"
	on_screen "REJECTED by Spotbanc" &&
		fail "a cancelled operation shows as rejected by Spotbanc"
	outcome="cancelled before it was sent"
	pending_word=REJECTED
	notices=2
else
	on_screen "Cancel" &&
		fail "the details offer Cancel for a request that may have" \
			"arrived"
	keys Escape
	wait_gone "9 Print receipt copy" ||
		fail "Esc did not close the details"
	sandbox_start "$RUN_DIR" "$port" ||
		fail "the sandbox did not start again on port $port"
	keys F5
	wait_for "No operations are waiting" 150 ||
		fail "the operation did not leave the queue within 30 s"
	keys 4
	wait_for "Queue: Accepted" || fail "4 did not show the Accepted filter"
	wait_for "CONFIRMED" || fail "the operation is not shown CONFIRMED"
	on_screen "Operation $pending_id" ||
		fail "the newest accepted row is not operation $pending_id"
	save_screen queue-confirmed
	[ "$(journal_value "$pending_id" state)" = "accepted" ] ||
		fail "the operation is not accepted in the journal"
	expect_one_ledger_row "$pending_id"
	outcome="CONFIRMED after $attempts attempt(s) while offline"
	pending_word=CONFIRMED
	notices=1
fi

# --- 3. The compact layout ---------------------------------------------------

resize 40 16
# The cancelled branch went home; the other is still in the queue.
if ! on_screen "Queue: "; then
	keys 2
	wait_for "Queue: " || fail "2 did not open the queue at 40x16"
fi
keys 5
wait_for "Queue: All" || fail "5 did not show the All filter at 40x16"
wait_for "GHS 900.00" || fail "the compact list lacks the rejected transfer"
save_screen compact-list
# Rows 2 to 5, with each row's local time (HH:MM) masked.
actual=$(capture | sed -n 2,5p | sed 's/[[:space:]]*$//' |
	sed 's/^\(.\)[0-9][0-9]:[0-9][0-9] /\1HH:MM /')
expected=$(printf '%s\n' "Queue: All" \
	" Time  Type             Amount State" \
	">HH:MM Transfer      GHS 12.50 $pending_word" \
	" HH:MM Transfer     GHS 900.00 REJECTED")
if [ "$actual" != "$expected" ]; then
	printf -- '--- expected ---\n%s\n' "$expected" >&2
	fail "the compact list differs from the expected text"
fi
capture | tail -n 1 | grep -qF "1-5:Filter Enter:Open Esc:Home" ||
	fail "the compact help line of the queue is wrong"

keys Down Enter
wait_for "9 Print receipt copy" || fail "Enter did not open the details"
save_screen compact-details-rejected
on_screen "Op $rejected_id" ||
	fail "the compact details do not show 'Op $rejected_id'"
on_screen "Acknowledge" &&
	fail "the details offer Acknowledge after the acknowledgement"
# The reason, wrapped at spaces, reads the same with the rows joined.
joined=$(capture | sed -n 3,12p | tr '\n' ' ' | tr -s ' ')
squeezed=$(tr -s ' ' <<<"Reason: $reason")
[[ $joined == *"$squeezed"* ]] ||
	fail "the compact details do not show the whole reason '$reason'"
capture | tail -n 1 | grep -qF "0-9:Action Esc:List Up/Down:Scroll" ||
	fail "the compact help line of the details is wrong"
keys Escape
wait_gone "9 Print receipt copy" || fail "Esc did not close the details"
wait_for "Queue: All" || fail "Esc did not go back to the compact list"

count=$(notice_count) || fail "cannot read $RECEIPTS"
[ "$count" = "$notices" ] ||
	fail "at the end $RECEIPTS holds $count notices, expected $notices"

# Quit through the confirmation dialog.
quit_agent "$RUN_DIR"

echo "ok: rejection acknowledged with one notice; offline transfer" \
	"$outcome"
exit 0
