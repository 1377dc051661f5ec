#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server at 80x24
# against the sandbox, log in, send a wallet transfer, and check the
# screens, the printed receipt, the sandbox's ledger and the exit status.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

BIN=$PWD/build/spotagent
TMUX_SOCKET=spotagent-ui-$$
SESSION=ui

# tmux and spotagent both need a UTF-8 locale for names and box lines.
export LANG=C.UTF-8
export LC_ALL=C.UTF-8

mkdir -p build/test-runs || exit 1
RUN_DIR=$(mktemp -d "$PWD/build/test-runs/ui-transfer.XXXXXX") || exit 1

trap cleanup EXIT

# Both account numbers typed on the form must be on the screen.
check_form_input() {
	local screen

	screen=$(capture)
	grep -q 'Sender wallet *1000000001' <<<"$screen" ||
		fail "$1: the sender wallet input is gone"
	grep -q 'Receiver wallet *1000000002' <<<"$screen" ||
		fail "$1: the receiver wallet input is gone"
}

[ -x "$BIN" ] || fail "$BIN is missing; run make first"
command -v tmux >/dev/null || fail "tmux is not installed"

sandbox_start "$RUN_DIR" || fail "the sandbox did not start"
write_config "$RUN_DIR" "$SANDBOX_PORT" || fail "cannot write the config"

# The pane runs spotagent and then records its exit status. Stderr goes
# to a file because curses owns the terminal.
command=$(printf '%q --config %q 2>%q; echo $? >%q' "$BIN" \
	"$RUN_DIR/spotagent.conf" "$RUN_DIR/stderr.txt" \
	"$RUN_DIR/exit-status")
tmux_run new-session -d -s "$SESSION" -x 80 -y 24 "$command" ||
	fail "cannot start tmux"
wait_for_size 80x24 || fail "the tmux pane is not 80x24"

# Log in.
wait_for "Agent ID" || fail "the login screen did not appear"
save_screen login
keys A1001 Enter
keys counter-demo-1 Enter
wait_for "1 Wallet transfer" || fail "the home menu did not appear after login"
save_screen home
capture | grep -q "Ama Mensah" ||
	fail "the agent's name is not on the home screen"
for item in "1 Wallet transfer" "2 Queue" "3 Sync now" "4 Log out"; do
	capture | grep -qF -- "$item" ||
		fail "the home menu does not list '$item'"
done

# Fill the form. The currency is prefilled from the config.
keys 1
wait_for "Sender wallet" || fail "the transfer form did not open on 1"
keys 1000000001 Tab 1000000002 Tab
wait_for "1000000002" || fail "the receiver wallet did not appear on the form"
capture | grep -q 'Currency *GHS' || fail "the currency is not prefilled"
save_screen form

# A resize in the middle of the form must keep what was typed.
tmux_run resize-window -t "$SESSION" -x 100 -y 30 ||
	fail "tmux cannot resize the window"
wait_for_size 100x30 || fail "the window did not grow to 100x30"
sleep 0.5
save_screen form-100x30
check_form_input "at 100x30"
tmux_run resize-window -t "$SESSION" -x 80 -y 24 ||
	fail "tmux cannot resize the window back"
wait_for_size 80x24 || fail "the window did not shrink back to 80x24"
sleep 0.5
save_screen form-80x24
check_form_input "back at 80x24"

keys Tab 12.50 Enter
wait_for "GHS 12.50" || fail "the confirmation does not show GHS 12.50"
wait_for "Akosua Darko" ||
	fail "the confirmation does not show the holder name Akosua Darko"
save_screen confirm

# Send it and wait at most 20 s for the central service's reply.
keys Enter
wait_for "CONFIRMED" 100 || fail "the transfer was not CONFIRMED within 20 s"
save_screen result
reference=$(capture | grep -o 'Ref SBX-[A-Za-z0-9-]*' | head -n 1)
[ -n "$reference" ] || fail "the result screen shows no 'Ref SBX-' reference"
reference=${reference#Ref }
shown_id=$(capture | sed -n 's/.*Operation \([0-9a-f-]\{36\}\).*/\1/p' |
	head -n 1)

# The receipt: an ESC/POS job (ESC @ first) with the state and reference.
receipts=$RUN_DIR/receipts.bin
[ -s "$receipts" ] || fail "no receipt was printed to $receipts"
first_bytes=$(head -c 2 "$receipts" | od -An -tx1 | tr -d ' \n')
[ "$first_bytes" = "1b40" ] ||
	fail "the receipt starts with $first_bytes, expected ESC @ (1b40)"
grep -aq "CONFIRMED" "$receipts" || fail "the receipt does not say CONFIRMED"
grep -aqF "$reference" "$receipts" ||
	fail "the receipt does not carry the reference $reference"

# The sandbox's ledger contains the operation exactly once.
operation_id=$(python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
rows = conn.execute("SELECT id FROM operations").fetchall()
if len(rows) != 1:
    sys.exit(f"expected 1 operation in the journal, found {len(rows)}")
print(rows[0][0])
' "$RUN_DIR/journal.db") || fail "cannot read the operation id from the journal"
[ "$operation_id" = "$shown_id" ] ||
	fail "the screen shows operation '$shown_id', the journal has" \
		"'$operation_id'"
count=$(ledger_count "$RUN_DIR/sandbox.db" "$operation_id") ||
	fail "cannot count the ledger rows"
[ "$count" = "1" ] ||
	fail "the ledger has $count rows for operation $operation_id," \
		"expected 1"

# Quit through the confirmation dialog.
keys F10
wait_for "Quit spotagent?" || fail "F10 did not ask to quit"
save_screen quit
keys Enter
for ((i = 0; i < 50; i++)); do
	[ -s "$RUN_DIR/exit-status" ] && break
	sleep 0.2
done
[ -s "$RUN_DIR/exit-status" ] || fail "spotagent did not exit within 10 s"
status=$(cat "$RUN_DIR/exit-status")
[ "$status" = "0" ] || fail "spotagent exited with status $status"

echo "ok: wallet transfer through the UI confirmed as $reference"
exit 0
