#!/usr/bin/env bash
# UI test of the agent float at 80x24 against the sandbox:
# 1. After an online cash-in of GHS 869.50 the float screen fetches
#    GHS 9,130.50 and the journal keeps it for the agent.
# 2. A cash-out of GHS 70.00 accepted after the fetch shows as confirmed
#    since the fetch, also with the sandbox stopped.
# 3. Offline, five cash-ins of GHS 2,000.00: the confirmation of the
#    fifth warns that the float may be too low, counting the four
#    pending, and still lets the agent go on.
# 4. After a restart with an offline login, the float screen shows the
#    float kept in the journal with the movements since.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup float

# cash_in AMOUNT: from the money services, fill a cash-in of GHS AMOUNT
# to 1000000002 and wait for its confirmation.
cash_in() {
	keys 1
	wait_for "Customer wallet" || fail "1 did not open the cash-in form"
	keys 1000000002 Tab Tab "$1" Enter
	wait_for "Confirm cash-in" ||
		fail "the cash-in of $1 did not reach its confirmation"
}

# open_float: from the money services, open the float screen.
open_float() {
	keys 6
	wait_for "Fetched float" || fail "6 did not open the float screen"
}

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
DB=$RUN_DIR/sandbox.db
wait_for_reference_data "$RUN_DIR/journal.db"
expect_balance "$DB" float:A1001:GHS 1000000 "before the test"

# --- 1. The float fetched and kept --------------------------------------

keys 8
wait_for "5 Balance and statement" || fail "8 did not open the money services"
cash_in 869.50
keys Enter
confirmed_reference cash-in >/dev/null || exit 1
keys Enter
wait_for "5 Balance and statement" || fail "Enter did not go to services"
expect_balance "$DB" float:A1001:GHS 913050 "after the cash-in"

open_float
wait_for_re "^ +Fetched [0-9]{4}-" 50 || fail "the float did not arrive"
save_screen float-fetched
expect_rows 7 8 "fetched float" <<'EOF' ||
    Cur.    Fetched float   Confirmed since           Pending    Once confirmed
    GHS          9,130.50             +0.00             +0.00          9,130.50
EOF
	fail "the fetched float differs"
on_screen "Figures since the fetch are this terminal's own count." ||
	fail "the float screen does not say whose count the figures are"
journal_has_meta "$RUN_DIR/journal.db" float:A1001 ||
	fail "the journal does not keep the float of A1001"
keys Escape
wait_for "5 Balance and statement" || fail "Esc did not go back to services"
# The journal's times are whole seconds, and an operation accepted in the
# second of the fetch does not count as since it, so let that second end.
sleep 1.1

# --- 2. A cash-out accepted since the fetch -----------------------------

keys 2
wait_for "Cash-out code" || fail "2 did not open the cash-out form"
keys 1000000001 Tab
wait_for "Kofi Boateng" || fail "the cash-out form does not name the holder"
keys Tab 70.00 Enter
wait_for_re 'Code sent to \+233' || fail "the cash-out code was not sent"
code=$(cash_out_code "$DB" 1000000001) || fail "no code for 1000000001"
keys "$code" Enter
wait_for "Confirm cash-out" ||
	fail "the cash-out did not reach its confirmation"
keys Enter
confirmed_reference cash-out >/dev/null || exit 1
keys Enter
wait_for "5 Balance and statement" || fail "Enter did not go to services"

sandbox_stop
keys F5
wait_for "OFFLINE" 100 || fail "the status bar did not say OFFLINE in 20 s"
open_float
wait_for "Offline: last fetched" || fail "the float screen lost the float"
save_screen float-confirmed-since
expect_rows 8 8 "confirmed since" <<'EOF' ||
    GHS          9,130.50            +70.00             +0.00          9,200.50
EOF
	fail "the cash-out accepted since the fetch is not counted"
keys Escape
wait_for "5 Balance and statement" || fail "Esc did not go back to services"

# --- 3. Five offline cash-ins of GHS 2,000.00 ---------------------------

for n in 1 2 3 4; do
	cash_in 2000.00
	sleep 0.5
	on_screen "float may be too low" &&
		fail "cash-in $n of 2,000.00 was warned about"
	keys Enter
	wait_for "PENDING" 50 || fail "offline cash-in $n is not PENDING"
	keys Enter
	wait_for "5 Balance and statement" ||
		fail "Enter did not go to services after cash-in $n"
done
cash_in 2000.00
warning="Your float may be too low: GHS 9,130\.50 at [0-9]{2}:[0-9]{2}"
# The warning wraps after "confirmed".
wait_for_re "$warning, GHS \+70\.00 confirmed\$" ||
	fail "the fifth cash-in was not warned about"
on_screen "since, GHS 8,000.00 pending" ||
	fail "the warning does not count the four pending cash-ins"
save_screen float-warning
keys Enter
wait_for "PENDING" 50 || fail "the warned cash-in was blocked"
keys Enter
wait_for "5 Balance and statement" || fail "Enter did not go to services"

# --- 4. A restart with an offline login ---------------------------------

quit_agent "$RUN_DIR"
rm -f "$RUN_DIR/exit-status"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
wait_for "OFFLINE LOGIN" || fail "the status bar does not show OFFLINE LOGIN"
open_service 6 "Fetched float"
wait_for "Offline: last fetched" ||
	fail "the float kept in the journal is not shown after a restart"
save_screen float-after-restart
expect_rows 8 8 "float after a restart" <<'EOF' ||
    GHS          9,130.50            +70.00        -10,000.00           -799.50
EOF
	fail "the float after a restart differs"
on_screen "Pending: 5 operations of yours" ||
	fail "the float screen does not count the five pending cash-ins"

# --- 5. A pending cash-in cancelled gives the cash back -----------------

keys Escape
wait_for "5 Balance and statement" || fail "Esc did not go back to services"
keys Escape
wait_for "2 Queue" || fail "Esc did not go back to the home screen"
keys 2
wait_for "Cash-in" || fail "2 did not list the waiting cash-ins"
keys Enter
wait_for "1 Cancel" || fail "the details offer no Cancel for an unsent cash-in"
keys 1
wait_for "Cancel this cash-in of GHS 2,000.00?" ||
	fail "1 did not ask before cancelling the cash-in"
on_screen "no money moves" ||
	fail "the question does not say that no money moves"
keys 1
wait_for "Cancelled; cancellation notice printed" ||
	fail "the cancelled cash-in printed no notice"
receipt_has "Give back to the customer" ||
	fail "the cancellation notice does not say to give the cash back"
quit_agent "$RUN_DIR"
echo "ok: the float screen keeps the fetched float, counts what was" \
	"confirmed since, the confirmation warns with the pending, and a" \
	"cancelled cash-in prints a notice"
exit 0
