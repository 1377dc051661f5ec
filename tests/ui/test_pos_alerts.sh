#!/usr/bin/env bash
# UI test of what an agent sees and presses on a small terminal: the real
# spotagent in a private tmux server against the sandbox.
# 1. The close-day question shows "Esc to go back". Below 40x16 it is
#    neither drawn nor answered: 1 there leaves the day open, and the
#    question is back at 80x24, where Esc closes it.
# 2. A rejection that arrives while the agent types in a form opens a
#    dialog that ignores keys for its first 600 ms: an Enter pressed at
#    once leaves it open, an Enter after the guard closes it, and the
#    form keeps what was typed before it.
# 3. The transfer held behind that rejection shows at 40x16: the home
#    screen counts it first, and the status bar reads "Q0 A1". At 80x24
#    the status bar reads "Attention 1".
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup pos-alerts

# day_close_count: print how many closed days the journal records.
day_close_count() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("SELECT count(*) FROM day_closes").fetchone()[0])
' "$RUN_DIR/journal.db"
}

# press_when_shown TEXT KEY: check the screen every 0.05 s, at most 400
# times (20 s), and press KEY as soon as it shows TEXT. Returns 1 when it
# never does. Faster than wait_for, so the key comes well inside the
# dialog's 600 ms guard.
press_when_shown() {
	local i

	for ((i = 0; i < 400; i++)); do
		if on_screen "$1"; then
			keys "$2"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# status_bar: the first row of the screen with the clock as HH:MM.
status_bar() {
	screen_rows 1 1 | sed -E 's/[0-9]{2}:[0-9]{2}$/HH:MM/'
}

SANDBOX_FLAGS="--faults" start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24 SPOTAGENT_LOCK_SECONDS=600
login A1001 counter-demo-1

# --- 1. The close-day question below the minimum size -----------------------

open_service 7 "X report, day 1 (open)"
keys c
wait_for "Close day 1?" || fail "C did not ask to close the day"
on_screen "Press a number, or Esc to go back" ||
	fail "the close-day question does not say that Esc goes back"
save_screen close-question
resize 30 10 "Terminal too small: need 40x16"
keys 1
sleep 0.5
off_screen "Close day" || fail "the question is drawn on a 30x10 terminal"
on_screen "This one is 30x10" || fail "the too-small message has no size"
[ "$(day_close_count)" = "0" ] ||
	fail "1 on a 30x10 terminal closed the day"
resize 80 24 "Close day 1?"
save_screen close-question-back
keys Escape
wait_gone "Close day 1?" || fail "Esc did not close the question"
[ "$(day_close_count)" = "0" ] || fail "Esc on the question closed the day"
keys Escape
wait_for "Money services" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# --- 2. A rejection dialog over a form being typed in ----------------------

# The sandbox delays its next batch reply by 10 s. 1000000002 has a
# balance of GHS 250.00, so it rejects GHS 900.00, and the GHS 3.00 from
# the same wallet queued behind it is held.
sandbox_faults "$SANDBOX_PORT" '{"faults": [{"path":
	"/v1/operations/batch", "kind": "slow", "seconds": 10}]}' >/dev/null ||
	fail "the sandbox did not take the slow fault"
send_transfer 1000000002 1000000001 900.00
wait_for "Operation " || fail "the result screen of GHS 900.00 did not appear"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"
send_transfer 1000000002 1000000001 3.00
wait_for "Operation " || fail "the result screen of GHS 3.00 did not appear"
off_screen "CONFIRMED" ||
	fail "GHS 3.00 was confirmed before the rejection ahead of it"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# The agent starts a third transfer and types the sender wallet.
keys 1
wait_for "Sender" || fail "the transfer form did not open on 1"
keys 10000
wait_for "10000" || fail "the typed digits are not on the form"
press_when_shown "Review in the queue: 2 on the home" Enter ||
	fail "no rejection dialog within 20 s"
sleep 0.3
save_screen dialog-guarded
on_screen "Review in the queue" ||
	fail "an Enter inside the dialog's first 600 ms closed it"
on_screen "Spotbanc REJECTED operation" ||
	fail "the dialog does not say that the operation was rejected"
on_screen "Queue 0  Attention 1" ||
	fail "the status bar over the form does not count the held operation"
sleep 0.6
keys Enter
wait_gone "Review in the queue" ||
	fail "Enter after the guard did not close the dialog"
on_screen_re "Sender wallet +10000( |$)" ||
	fail "the digits typed before the dialog are gone"

# --- 3. The held operation on the compact home screen ---------------------

keys Escape
wait_for "8 Money services" || fail "Esc did not leave the form"
wait_for "1 operation NEEDS ATTENTION: press 2, then 2" ||
	fail "the wide home screen does not show the held operation"
status_bar | grep -qF 'Queue 0  Attention 1  Printer' ||
	fail "the wide status bar does not count the held operation:" \
		"$(status_bar)"
save_screen home-wide
resize 40 16 "1-8:Pick"
expect_rows 11 11 "compact counts" <<'EOF' ||
 Needs attention 1  Rejected 1
EOF
	fail "the compact home screen does not count the held operation"
on_screen "!! 1 REJECTED after sending" ||
	fail "the compact home screen lost the rejection alert"
[ "$(status_bar)" = "A1001         ONLINE Q0 A1 P:ready HH:MM" ] ||
	fail "the compact status bar reads '$(status_bar)'," \
		"expected 'Q0 A1' in it"
save_screen home-compact

# 2 then 2 opens the held transfer from the compact home screen.
keys 2
wait_for "Queue: Rejected" || fail "2 did not open the queue on Rejected"
keys 2
wait_for "Queue: Needs attention" || fail "2 did not show Needs attention"
save_screen queue-attention
resize 80 24 "Queue: Needs attention"
wait_for "GHS 3.00" || fail "the held GHS 3.00 is not in Needs attention"

quit_agent "$RUN_DIR"
echo "ok: dialogs below 40x16, dialog key guard, held operation at 40x16"
exit 0
