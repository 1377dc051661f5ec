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

ui_setup transfer

# A policy that lets registrations, like transfers, wait offline.
cat >"$RUN_DIR/policy.json" <<'EOF' || fail "cannot write the policy"
{"version":1,"operations":{
"wallet_transfer":{"offline_allowed":true,"max_amount":{"GHS":200000},
"max_exposure":{"GHS":1000000},"max_queued":100,"max_age_seconds":86400},
"customer_registration":{"offline_allowed":true,"max_amount":{"GHS":1},
"max_exposure":{"GHS":100},"max_queued":20,"max_age_seconds":86400}}}
EOF
export SANDBOX_FLAGS="--policy $RUN_DIR/policy.json"

start_sandbox "$RUN_DIR"
port=$SANDBOX_PORT
start_agent "$RUN_DIR" 80 24

# Log in.
wait_for "Agent ID" || fail "the login screen did not appear"
save_screen login
login A1001 counter-demo-1
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
resize 100 30
sleep 0.5
save_screen form-100x30
check_form_input 1000000001 1000000002 "at 100x30"
resize 80 24
sleep 0.5
save_screen form-80x24
check_form_input 1000000001 1000000002 "back at 80x24"

# The compact layout shows the same fields with short labels.
resize 40 16
wait_for "Receiver    1000000002" ||
	fail "the receiver wallet input is gone at 40x16"
save_screen form-40x16
capture | grep -q 'Sender *1000000001' ||
	fail "the sender wallet input is gone at 40x16"
resize 80 24 "Receiver wallet"
save_screen form-80x24-again
check_form_input 1000000001 1000000002 "back at 80x24 from 40x16"

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
shown_id=$(shown_operation_id)

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
expect_one_ledger_row "$operation_id"

# --- A second transfer in the compact layout ------------------------------

keys Enter
wait_for "1 Wallet transfer" || fail "Enter on the result did not go home"
resize 40 16
fill_transfer 1000000001 1000000002 5.00
wait_for "Amount      5.00" || fail "the amount is not on the compact form"
save_screen compact-form
expect_rows 2 10 "compact form" <<'EOF' ||
Wallet transfer

Sender      1000000001
Receiver    1000000002

Currency    GHS
Amount      5.00

e.g. 12.50
EOF
	fail "the compact form differs from the expected text"
capture | tail -n 1 | grep -qF "Enter:OK Esc:Back Tab:Next F5:Sync" ||
	fail "the compact help line of the form is wrong"

keys Enter
wait_for "Akosua Darko" ||
	fail "the compact confirmation does not show Akosua Darko"
save_screen compact-confirm
expect_rows 2 11 "compact confirmation" <<'EOF' ||
Confirm wallet transfer

From    1000000001
To      1000000002
        Akosua Darko
Amount                          GHS 5.00
Fee                             GHS 0.00
Debited from the wallet         GHS 5.00

        Enter Confirm  Esc Edit
EOF
	fail "the compact confirmation differs from the expected text"

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
expect_one_ledger_row "$compact_id"

# --- A transfer to a customer whose registration is pending ---------------

keys Enter
wait_for "1 Wallet transfer" || fail "Enter on the result did not go home"
resize 80 24
sandbox_stop
wait_for "OFFLINE" 100 || fail "the status bar did not say OFFLINE in 20 s"

register_customer Yaa Mensah +233244555123 1990-05-17 G7654321 \
	"3 Castle Road, Accra"
wait_for "1 Transfer to this customer" ||
	fail "the journaled registration offers no transfer"
save_screen registration-pending
keys 1
wait_for "Yaa Mensah - registration pending" ||
	fail "the transfer form does not name the pending customer"
save_screen pending-form-80x24

resize 40 16 "Sender"
save_screen pending-form-40x16
expect_rows 2 10 "compact form of a pending customer" <<'EOF' ||
Wallet transfer

Sender
Receiver
  Yaa Mensah - registration pending
Currency    GHS
Amount

account number
EOF
	fail "the compact form of a pending customer differs from the" \
		"expected text"

keys 1000000001 Tab Tab Tab 20.00 Enter
wait_for "registration pending" ||
	fail "the confirmation does not say registration pending"
save_screen pending-confirm
expect_rows 2 7 "compact confirmation of a pending customer" <<'EOF' ||
Confirm wallet transfer

From    1000000001
To      Yaa Mensah
        registration pending
Amount                         GHS 20.00
EOF
	fail "the compact confirmation of a pending customer differs from" \
		"the expected text"

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
expect_one_ledger_row "$pending_id"
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
quit_agent "$RUN_DIR"

echo "ok: wallet transfers through the UI confirmed at 80x24 ($reference)," \
	"at 40x16 and to a customer registered offline"
exit 0
