#!/usr/bin/env bash
# UI test of the money services at 80x24: the real spotagent in a private
# tmux server against the sandbox, with the sandbox's default fee
# schedule. A cash-in, a cash-out authorised by the code the sandbox
# "sends" by SMS, a bank transfer with its name enquiry and a reversal of
# the cash-in from the queue. For each: the confirmation's amount, fee and
# total, the result, the printed receipt and the sandbox's balances.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup money

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
DB=$RUN_DIR/sandbox.db
wait_for_reference_data "$RUN_DIR/journal.db"

# The sandbox's seeded balances, in minor units.
expect_balance "$DB" 1000000001 500000 "before the test"
expect_balance "$DB" 1000000002 25000 "before the test"
expect_balance "$DB" float:A1001:GHS 1000000 "before the test"

# --- Cash-in ---------------------------------------------------------------

wait_for "8 Money services" || fail "the home menu has no '8 Money services'"
open_service 1 "Customer wallet"
capture | grep -q 'Currency *GHS' ||
	fail "the cash-in currency is not prefilled"
keys 1000000002 Tab
wait_for "Akosua Darko" ||
	fail "the cash-in form does not show the wallet's holder"
keys Tab 25.00
wait_for "25.00" || fail "the amount is not on the cash-in form"
save_screen cash-in-form
keys Enter
wait_for "Confirm cash-in" || fail "Enter did not open the cash-in confirmation"
save_screen cash-in-confirm
expect_rows 3 12 "cash-in confirmation" <<'EOF' ||
  Confirm cash-in

    To wallet  1000000002
    Holder     Akosua Darko

    Amount                                 GHS 25.00
    Fee                                     GHS 0.00
    Customer pays in cash                  GHS 25.00

    Enter Confirm  Esc Edit
EOF
	fail "the cash-in confirmation differs from the expected text"

# Esc edits, and the form keeps what was typed.
keys Escape
wait_for "Customer wallet   1000000002" ||
	fail "Esc on the confirmation did not keep the cash-in form"
keys Enter
wait_for "Confirm cash-in" || fail "the cash-in confirmation did not reopen"
keys Enter
cash_in_reference=$(confirmed_reference cash-in) || exit 1
save_screen cash-in-result
cash_in_id=$(shown_operation_id)
expect_one_ledger_row "$cash_in_id"
receipt_has "$cash_in_reference" ||
	fail "no receipt carries the cash-in's reference $cash_in_reference"
receipt_has "Cash-in" || fail "the receipt does not say Cash-in"
expect_balance "$DB" 1000000002 27500 "after the cash-in"
expect_balance "$DB" float:A1001:GHS 997500 "after the cash-in"

# Enter goes back to the services menu for the next customer.
keys Enter
wait_for "5 Balance and statement" ||
	fail "Enter on the cash-in result did not go to the services menu"

# --- Cash-out with the code the customer receives ------------------------

keys 2
wait_for "Cash-out code" || fail "2 did not open the cash-out form"
keys 1000000001 Tab Tab 50.00
wait_for "50.00" || fail "the amount is not on the cash-out form"
on_screen "Enter Send code" || fail "the help line does not offer Send code"
keys Enter
wait_for_re 'Code sent to \+233[*]+01' ||
	fail "the form does not say where the cash-out code went"
save_screen cash-out-code-sent
code=$(cash_out_code "$DB" 1000000001) ||
	fail "the sandbox has no cash-out code for 1000000001"
keys "$code"
wait_for "Cash-out code     ******" || fail "the code is not masked"
on_screen "$code" && fail "the cash-out code is on the screen"
keys Enter
wait_for "Confirm cash-out" || fail "the cash-out confirmation did not open"
save_screen cash-out-confirm
expect_rows 3 13 "cash-out confirmation" <<'EOF' ||
  Confirm cash-out

    From wallet          1000000001
    Holder               Kofi Boateng
    Debited from wallet  GHS 50.50

    Amount                                 GHS 50.00
    Fee                                     GHS 0.50
    Customer gets in cash                  GHS 50.00

    Enter Confirm  Esc Edit
EOF
	fail "the cash-out confirmation differs from the expected text"
on_screen "$code" && fail "the cash-out code is on the confirmation"
keys Enter
cash_out_reference=$(confirmed_reference cash-out) || exit 1
save_screen cash-out-result
expect_one_ledger_row "$(shown_operation_id)"
receipt_has "$cash_out_reference" ||
	fail "no receipt carries the cash-out's reference"
receipt_has "$code" && fail "the cash-out code is on a printed receipt"
grep -qF "$code" "$RUN_DIR/spotagent.log" &&
	fail "the cash-out code is in the log"
expect_balance "$DB" 1000000001 494950 "after the cash-out"
expect_balance "$DB" fees:GHS 50 "after the cash-out"
expect_balance "$DB" float:A1001:GHS 1002500 "after the cash-out"

# --- Bank transfer with the name enquiry ---------------------------------

keys Enter
wait_for "5 Balance and statement" || fail "the services menu did not come back"
keys 3
wait_for "Account number" || fail "3 did not open the bank transfer form"
# Enter on the empty bank field lists the banks; typing jumps to a code.
keys Enter
wait_for "Pick the bank" ||
	fail "Enter on the empty bank field did not list the banks"
wait_for "GCB Bank" || fail "the bank list does not show GCB Bank"
save_screen bank-list
keys G H 0 3 Enter
wait_for "GCB Bank" || fail "the bank picked is not named on the form"
wait_for_re 'Bank +GH030100' || fail "GH030100 is not in the bank field"
keys 1010000000001 Tab Tab 100.00
wait_for "100.00" || fail "the amount is not on the bank transfer form"
keys Enter
wait_for "Kwame Owusu" || fail "the name enquiry did not show Kwame Owusu"
save_screen bank-name-enquiry
on_screen "Confirm bank transfer" &&
	fail "the confirmation opened before the agent saw the name"
keys Enter
wait_for "Confirm bank transfer" || fail "the bank confirmation did not open"
save_screen bank-confirm
expect_rows 3 14 "bank transfer confirmation" <<'EOF' ||
  Confirm bank transfer

    Bank          GCB Bank
    Account       1010000000001
    Account name  Kwame Owusu
    Paid from     Cash at the counter

    Amount                                GHS 100.00
    Fee                                     GHS 1.50
    Customer pays in cash                 GHS 101.50

    Enter Confirm  Esc Edit
EOF
	fail "the bank transfer confirmation differs from the expected text"
keys Enter
bank_reference=$(confirmed_reference "bank transfer") || exit 1
save_screen bank-result
expect_one_ledger_row "$(shown_operation_id)"
receipt_has "$bank_reference" ||
	fail "no receipt carries the bank transfer's reference"
receipt_has "Kwame Owusu" || fail "the bank receipt does not name the holder"
expect_balance "$DB" bank:GH030100 10000 "after the bank transfer"
expect_balance "$DB" fees:GHS 200 "after the bank transfer"
expect_balance "$DB" float:A1001:GHS 992350 "after the bank transfer"

# --- Reversal of the cash-in from the queue ------------------------------

keys Escape
wait_for "5 Balance and statement" || fail "Esc did not go to the services menu"
keys Escape
wait_for "8 Money services" || fail "Esc on the services menu did not go home"
keys 2
wait_for "Queue:" || fail "2 did not open the queue"
keys 4
wait_for "Queue: Accepted" || fail "4 did not show the accepted operations"
# Newest first: the bank transfer, the cash-out, then the cash-in.
keys Down Down Enter
wait_for "$cash_in_reference" || fail "the queue does not show the cash-in"
wait_for "Reverse" || fail "the cash-in's details offer no reversal"
keys r
wait_for "Reversal request" || fail "R did not open the reversal form"
wait_for_re "Reverses +$cash_in_reference" ||
	fail "the reversal form does not name the cash-in's reference"
on_screen "GHS 25.00" || fail "the reversal form does not show the amount"
save_screen reversal-form
keys Enter
wait_for "Enter the reason for the reversal" ||
	fail "an empty reason was not refused"
keys "Wrong wallet number" Enter
wait_for "Confirm reversal" || fail "the reversal confirmation did not open"
save_screen reversal-confirm
capture | grep -qE '^    Amount +GHS 25\.00$' ||
	fail "the reversal confirmation does not show the amount"
keys Enter
reversal_reference=$(confirmed_reference reversal) || exit 1
save_screen reversal-result
expect_one_ledger_row "$(shown_operation_id)"
receipt_has "$reversal_reference" ||
	fail "no receipt carries the reversal's reference"
expect_balance "$DB" 1000000002 25000 "after the reversal"
expect_balance "$DB" float:A1001:GHS 994850 "after the reversal"

# A reversal cannot be reversed, so its details offer no R Reverse.
keys Escape
wait_for "8 Money services" || fail "Esc on the reversal's result did not go home"
keys 2
wait_for "Queue:" || fail "2 did not open the queue"
keys 4
wait_for "Queue: Accepted" || fail "4 did not show the accepted operations"
keys Home Enter
wait_for "$reversal_reference" || fail "the queue does not show the reversal"
wait_for "P Print copy" || fail "the reversal's details have no help line"
save_screen reversal-details
on_screen "R Reverse" && fail "the reversal's details offer R Reverse"

quit_agent "$RUN_DIR"

echo "ok: cash-in $cash_in_reference, cash-out $cash_out_reference," \
	"bank transfer $bank_reference and reversal $reversal_reference" \
	"through the UI at 80x24"
exit 0
