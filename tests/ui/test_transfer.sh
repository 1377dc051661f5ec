#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server at 80x24
# against the sandbox, log in, send a wallet transfer, and check the
# screens, the printed receipt, the sandbox's ledger and the exit status.
# Resizing the half-filled form to 100x30, to the compact 40x16 and back
# keeps what was typed. Then a second transfer goes through at 40x16,
# and its form, confirmation and result are compared with expected text.
# Last, with the sandbox stopped, a customer is registered and paid
# before the registration is accepted. The transfer form, confirmation
# and result name the customer with "registration pending". Once the
# sandbox is back, both are accepted and the money is in the new wallet.
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

# expect_rows FIRST LAST NAME: compare terminal rows FIRST to LAST (1 is
# the status bar) with the expected text on stdin, without trailing
# blanks.
expect_rows() {
	local first=$1 last=$2 name=$3 expected actual

	expected=$(cat)
	actual=$(capture | sed -n "${first},${last}p" | sed 's/[[:space:]]*$//')
	if [ "$actual" != "$expected" ]; then
		echo "--- expected rows $first-$last of the $name ---" >&2
		echo "$expected" >&2
		fail "the $name differs from the expected text"
	fi
}

# wait_gone TEXT: as wait_for, at most 50 checks 0.2 s apart, until the
# screen no longer shows TEXT.
wait_gone() {
	local i

	for ((i = 0; i < 50; i++)); do
		capture | grep -qF -- "$1" || return 0
		sleep 0.2
	done
	return 1
}

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

# A policy that lets registrations, like transfers, wait offline.
cat >"$RUN_DIR/policy.json" <<'EOF' || fail "cannot write the policy"
{"version":1,"operations":{
"wallet_transfer":{"offline_allowed":true,"max_amount":{"GHS":200000},
"max_exposure":{"GHS":1000000},"max_queued":100,"max_age_seconds":86400},
"customer_registration":{"offline_allowed":true,"max_amount":{"GHS":1},
"max_exposure":{"GHS":100},"max_queued":20,"max_age_seconds":86400}}}
EOF
export SANDBOX_FLAGS="--policy $RUN_DIR/policy.json"

sandbox_start "$RUN_DIR" || fail "the sandbox did not start"
port=$SANDBOX_PORT
write_config "$RUN_DIR" "$port" || fail "cannot write the config"

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

# The compact layout shows the same fields with short labels.
tmux_run resize-window -t "$SESSION" -x 40 -y 16 ||
	fail "tmux cannot resize the window to 40x16"
wait_for_size 40x16 || fail "the window did not shrink to 40x16"
wait_for "Receiver    1000000002" ||
	fail "the receiver wallet input is gone at 40x16"
save_screen form-40x16
capture | grep -q 'Sender *1000000001' ||
	fail "the sender wallet input is gone at 40x16"
tmux_run resize-window -t "$SESSION" -x 80 -y 24 ||
	fail "tmux cannot resize the window back"
wait_for_size 80x24 || fail "the window did not grow back to 80x24"
wait_for "Receiver wallet" || fail "the wide form did not come back"
save_screen form-80x24-again
check_form_input "back at 80x24 from 40x16"

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

# --- A second transfer in the compact layout ------------------------------

keys Enter
wait_for "1 Wallet transfer" || fail "Enter on the result did not go home"
tmux_run resize-window -t "$SESSION" -x 40 -y 16 ||
	fail "tmux cannot resize the window to 40x16"
wait_for_size 40x16 || fail "the window did not shrink to 40x16"
keys 1
wait_for "Sender" || fail "the compact transfer form did not open on 1"
keys 1000000001 Tab 1000000002 Tab Tab 5.00
wait_for "Amount      5.00" || fail "the amount is not on the compact form"
save_screen compact-form
expect_rows 2 10 "compact form" <<'EOF'
Wallet transfer

Sender      1000000001
Receiver    1000000002

Currency    GHS
Amount      5.00

e.g. 12.50
EOF
capture | tail -n 1 | grep -qF "Enter:OK Esc:Back Tab:Next F5:Sync" ||
	fail "the compact help line of the form is wrong"

keys Enter
wait_for "Akosua Darko" ||
	fail "the compact confirmation does not show Akosua Darko"
save_screen compact-confirm
expect_rows 2 10 "compact confirmation" <<'EOF'
Confirm wallet transfer

From    1000000001
To      1000000002
        Akosua Darko

Amount  GHS 5.00

        Enter Confirm  Esc Edit
EOF

keys Enter
wait_for "CONFIRMED" 100 ||
	fail "the compact transfer was not CONFIRMED within 20 s"
wait_for "Receipt printed" || fail "the compact result shows no print"
save_screen compact-result
capture | sed -n 2p | grep -q '^ CONFIRMED  Ref SBX-[A-Za-z0-9-]*$' ||
	fail "the compact result's state row is not 'CONFIRMED  Ref ...'"
compact_id=$(capture | sed -n 's/^Op \([0-9a-f-]\{36\}\)$/\1/p' | head -n 1)
[ -n "$compact_id" ] || fail "the compact result shows no 'Op <id>' row"
[ "$compact_id" != "$operation_id" ] ||
	fail "the second transfer has the first one's id"
for text in "Receipt" "SPOTBANC" "Wallet transfer" "Terminal  *T0001"; do
	capture | grep -q -- "$text" ||
		fail "the compact receipt preview does not show '$text'"
done
capture | tail -n 1 | grep -qF "Enter:Home Up/Down:Scroll F9:Print" ||
	fail "the compact help line of the result is wrong"
count=$(ledger_count "$RUN_DIR/sandbox.db" "$compact_id") ||
	fail "cannot count the ledger rows"
[ "$count" = "1" ] ||
	fail "the ledger has $count rows for operation $compact_id," \
		"expected 1"

# --- A transfer to a customer whose registration is pending ---------------

keys Enter
wait_for "1 Wallet transfer" || fail "Enter on the result did not go home"
tmux_run resize-window -t "$SESSION" -x 80 -y 24 ||
	fail "tmux cannot resize the window to 80x24"
wait_for_size 80x24 || fail "the window did not grow to 80x24"
sandbox_stop
wait_for "OFFLINE" 100 || fail "the status bar did not say OFFLINE in 20 s"

keys 6
wait_for "Date of birth" || fail "the registration form did not open on 6"
keys Yaa Tab Mensah Tab +233244555123 Tab 1990-05-17 Tab 2 Tab G7654321 \
	Tab "3 Castle Road, Accra" Tab Enter
wait_for "Confirm customer registration" ||
	fail "the registration form did not reach its confirmation"
keys Enter
wait_for "1 Transfer to this customer" ||
	fail "the journaled registration offers no transfer"
save_screen registration-pending
keys 1
wait_for "Yaa Mensah - registration pending" ||
	fail "the transfer form does not name the pending customer"
save_screen pending-form-80x24

tmux_run resize-window -t "$SESSION" -x 40 -y 16 ||
	fail "tmux cannot resize the window to 40x16"
wait_for_size 40x16 || fail "the window did not shrink to 40x16"
wait_for "Sender" || fail "the compact form did not come back"
save_screen pending-form-40x16
expect_rows 2 10 "compact form of a pending customer" <<'EOF'
Wallet transfer

Sender
Receiver
  Yaa Mensah - registration pending
Currency    GHS
Amount

account number
EOF

keys 1000000001 Tab Tab Tab 20.00 Enter
wait_for "registration pending" ||
	fail "the confirmation does not say registration pending"
save_screen pending-confirm
expect_rows 2 8 "compact confirmation of a pending customer" <<'EOF'
Confirm wallet transfer

From    1000000001
To      Yaa Mensah
        registration pending

Amount  GHS 20.00
EOF

keys Enter
wait_for "PENDING - offline, sent later" ||
	fail "the transfer to the pending customer is not PENDING"
wait_for "To Yaa Mensah - registration pending" ||
	fail "the result does not name the pending customer"
save_screen pending-result
pending_id=$(capture | sed -n 's/^Op \([0-9a-f-]\{36\}\)$/\1/p' | head -n 1)
[ -n "$pending_id" ] || fail "the pending result shows no 'Op <id>' row"

# Back online, the registration goes first and then the transfer.
sandbox_start "$RUN_DIR" "$port" ||
	fail "the sandbox did not start again on port $port"
keys F5
wait_for "CONFIRMED" 150 ||
	fail "the transfer to the new customer was not CONFIRMED in 30 s"
wait_gone "registration pending" ||
	fail "the confirmed result still says registration pending"
save_screen pending-confirmed
count=$(ledger_count "$RUN_DIR/sandbox.db" "$pending_id") ||
	fail "cannot count the ledger rows"
[ "$count" = "1" ] ||
	fail "the ledger has $count rows for operation $pending_id, expected 1"
balance=$(python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
rows = conn.execute("SELECT w.balance FROM wallets w JOIN customers c "
                    "ON c.customer_id = w.customer_id "
                    "WHERE c.phone = ?", ("+233244555123",)).fetchall()
print(",".join(str(row[0]) for row in rows))
' "$RUN_DIR/sandbox.db") || fail "cannot read the new customer's wallet"
[ "$balance" = "2000" ] ||
	fail "the new customer's wallet holds '$balance', expected 2000"

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

echo "ok: wallet transfers through the UI confirmed at 80x24 ($reference)," \
	"at 40x16 and to a customer registered offline"
exit 0
