#!/usr/bin/env bash
# UI test of the money actions of the find customer screen at 80x24: the
# real spotagent in a private tmux server against the sandbox. A customer
# found by phone gets a cash-in through "3 Cash-in", with its
# confirmation, result, receipt and sandbox balances checked, and then
# "4 Balance" shows her new balance. A customer whose registration is
# still pending gets no balance, and the cash-in form names her instead
# of a wallet. Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup find-money

# Akosua Darko of the sandbox's seed (tests/sandbox/store.py) and her
# wallet, and the number of a customer registered here while the sandbox
# delays operations.
AKOSUA_PHONE=+233244000002
AKOSUA_WALLET=1000000002
PENDING_PHONE=0244555902

SANDBOX_FLAGS="--faults" start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1 "7 Find customer"
DB=$RUN_DIR/sandbox.db
wait_for_reference_data "$RUN_DIR/journal.db"

# The sandbox's seeded balances, in minor units.
expect_balance "$DB" "$AKOSUA_WALLET" 25000 "before the test"
expect_balance "$DB" float:A1001:GHS 1000000 "before the test"

# --- Cash-in from the customer found ---------------------------------------

find_customer "$AKOSUA_PHONE" "from Spotbanc"
on_screen "2 Transfer to this customer   3 Cash-in   4 Balance" ||
	fail "the customer found does not offer 3 Cash-in and 4 Balance"
save_screen found
keys 3
wait_for_re '^ *Cash-in *$' || fail "3 did not open the cash-in form"
wait_for "Customer wallet   $AKOSUA_WALLET" ||
	fail "the cash-in form does not have the wallet $AKOSUA_WALLET"
capture | grep -q 'Currency *GHS' ||
	fail "the cash-in currency is not prefilled"
keys Tab
wait_for "Akosua Darko" ||
	fail "the cash-in form does not show the wallet's holder"
keys Tab 10.00
wait_for "10.00" || fail "the amount is not on the cash-in form"
save_screen cash-in-form
keys Enter
wait_for "Confirm cash-in" || fail "Enter did not open the cash-in confirmation"
save_screen cash-in-confirm
expect_rows 3 12 "cash-in confirmation" <<EOF2 ||
  Confirm cash-in

    To wallet  $AKOSUA_WALLET
    Holder     Akosua Darko

    Amount                                 GHS 10.00
    Fee                                     GHS 0.00
    Customer pays in cash                  GHS 10.00

    Enter Confirm  Esc Edit
EOF2
	fail "the cash-in confirmation differs from the expected text"
keys Enter
reference=$(confirmed_reference cash-in) || exit 1
save_screen cash-in-result
expect_one_ledger_row "$(shown_operation_id)"
receipt_has "$reference" ||
	fail "no receipt carries the cash-in's reference $reference"
receipt_has "Cash-in" || fail "the receipt does not say Cash-in"
receipt_has "$AKOSUA_WALLET" || fail "the receipt does not name the wallet"
expect_balance "$DB" "$AKOSUA_WALLET" 26000 "after the cash-in"
expect_balance "$DB" float:A1001:GHS 999000 "after the cash-in"

# Enter goes to the services menu, Esc home.
keys Enter
wait_for "5 Balance and statement" ||
	fail "Enter on the cash-in result did not go to the services menu"
keys Escape
wait_for "7 Find customer" || fail "Esc on the services menu did not go home"

# --- Balance of the customer found -----------------------------------------

find_customer "$AKOSUA_PHONE" "from Spotbanc"
keys 4
wait_for "Wallet account" || fail "4 did not open the balance screen"
on_screen "$AKOSUA_WALLET" ||
	fail "the balance screen does not have the wallet $AKOSUA_WALLET"
keys Enter
wait_for "Holder" 50 || fail "the balance did not arrive in 10 s"
wait_for_re "Balance +GHS 260\.00" 50 ||
	fail "the balance is not GHS 260.00 after the cash-in of 10.00"
save_screen balance
keys Escape
wait_for "Money services" || fail "Esc did not go back to the services"
keys Escape
wait_for "7 Find customer" || fail "Esc on the services menu did not go home"

# --- A customer whose registration is pending ------------------------------

# Delay every operation with 503 replies, so the registration stays
# pending on this terminal.
sandbox_faults "$SANDBOX_PORT" '{"faults": [{"path": "/v1/operations/batch",
	"kind": "status", "status": 503, "retry_after": 1, "count": 1000}]}' \
	>/dev/null || fail "the sandbox did not take the faults"
register_customer Yaw Mensah "$PENDING_PHONE" 1990-07-21 G5550902 \
	"9 Station Road, Takoradi"
wait_for "PENDING" || fail "the delayed registration is not PENDING"
keys Enter
wait_for "7 Find customer" || fail "Enter on the result did not go home"

find_customer "$PENDING_PHONE" "Registration pending"
keys 4
wait_for "No balance yet: this customer's registration is still pending" ||
	fail "4 on a pending customer did not say why there is no balance"
on_screen "Yaw Mensah" || fail "4 on a pending customer left the profile"
save_screen pending-balance

keys 3
wait_for_re '^ *Cash-in *$' ||
	fail "3 on a pending customer did not open the cash-in form"
on_screen_re "Customer wallet +Yaw Mensah" ||
	fail "the cash-in form does not name Yaw Mensah for the wallet"
save_screen pending-cash-in
keys Escape
wait_for "Money services" || fail "Esc on the cash-in did not go back"
keys Escape
wait_for "7 Find customer" || fail "Esc on the services menu did not go home"

sandbox_faults_clear "$SANDBOX_PORT" || fail "cannot clear the faults"
quit_agent "$RUN_DIR"

echo "ok: cash-in $reference and balance from the find screen at 80x24"
exit 0
