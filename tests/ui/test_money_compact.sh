#!/usr/bin/env bash
# UI test of the money services in the compact 40x16 layout: the real
# spotagent in a private tmux server against the sandbox. A cash-in and a
# bank transfer picked from the bank list, with their forms and
# confirmations compared with the expected text, the receipts and the
# sandbox's balances checked. First, a bank transfer form typed at 80x24
# keeps its text through a resize to 40x16 and back.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup money-compact

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
DB=$RUN_DIR/sandbox.db
wait_for_reference_data "$RUN_DIR/journal.db"

# 1. A half-filled bank transfer form survives the switch of layouts.
open_service 3 "Account number"
keys 058 Tab 0123456785 Tab 2 Tab 1000000001
wait_for "1000000001" || fail "the wallet is not on the bank transfer form"
resize 40 16 "Paid by"
save_screen bank-form-resized
expect_rows 2 10 "bank transfer form resized to 40x16" <<'EOF2' ||
Bank transfer

Bank        058
            Guaranty Trust Bank
Account     0123456785
Paid by     Wallet
Wallet      1000000001
Amt (NGN)
Name        checked when you press Enter
EOF2
	fail "the bank transfer form lost its text at 40x16"
resize 80 24 "Account number"
on_screen "Account number    0123456785" ||
	fail "the account number is gone back at 80x24"
on_screen "Customer wallet   1000000001" ||
	fail "the wallet is gone back at 80x24"
keys Escape
wait_for "5 Balance and statement" || fail "Esc did not go to the services menu"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"
resize 40 16 "1-8:Pick"

# 2. A cash-in at 40x16.
open_service 1 "Wallet"
keys 1000000002 Tab
wait_for "Akosua Darko" || fail "the compact cash-in shows no holder"
keys Tab 10.00
wait_for "Amount      10.00" || fail "the amount is not on the compact form"
save_screen cash-in-form
expect_rows 2 12 "compact cash-in form" <<'EOF2' ||
Cash-in

Wallet      1000000002
            Akosua Darko
Currency    GHS
Amount      10.00




e.g. 12.50
EOF2
	fail "the compact cash-in form differs from the expected text"
capture | tail -n 1 | grep -qF "Enter:OK Esc:Back Tab:Next" ||
	fail "the compact help line of the cash-in form is wrong"
keys Enter
wait_for "Confirm cash-in" ||
	fail "the compact cash-in confirmation did not open"
save_screen cash-in-confirm
expect_rows 2 10 "compact cash-in confirmation" <<'EOF2' ||
Confirm cash-in

To wallet  1000000002
Holder     Akosua Darko

Amount                         GHS 10.00
Fee                             GHS 0.00
Customer pays in cash          GHS 10.00
EOF2
	fail "the compact cash-in confirmation differs from the expected text"
keys Enter
wait_for "CONFIRMED" 100 || fail "the compact cash-in was not CONFIRMED in 20 s"
wait_for "Receipt printed" ||
	fail "the compact cash-in's receipt was not printed"
save_screen cash-in-result
capture | sed -n 2p | grep -q '^ CONFIRMED  Ref SBX-[A-Za-z0-9-]*$' ||
	fail "the compact result's state row is not 'CONFIRMED  Ref ...'"
cash_in_id=$(capture | sed -n 's/^Op \([0-9a-f-]\{36\}\)$/\1/p' | head -n 1)
[ -n "$cash_in_id" ] || fail "the compact result shows no 'Op <id>' row"
expect_one_ledger_row "$cash_in_id"
receipt_has "Cash-in" || fail "the receipt does not say Cash-in"
expect_balance "$DB" 1000000002 26000 "after the compact cash-in"
expect_balance "$DB" float:A1001:GHS 999000 "after the compact cash-in"
capture | tail -n 1 | grep -qF "Enter:Services" ||
	fail "the compact result does not offer Enter:Services"

# 3. A bank transfer at 40x16 to a bank picked from the list.
keys Enter
wait_for "5 Balance and statement" ||
	fail "Enter did not go to the services menu"
keys 3
wait_for "PgDn:Banks" || fail "the compact bank field does not offer PgDn"
keys PageDown
wait_for "Pick the bank" || fail "PgDn did not list the banks"
save_screen bank-list
expect_rows 2 9 "compact bank list" <<'EOF2' ||
Pick the bank

  > 058      Guaranty Trust Bank
    044      Access Bank
    GH030100 GCB Bank
    GH280100 Ecobank Ghana

    Type a code to jump to it
EOF2
	fail "the compact bank list differs from the expected text"
keys Enter
wait_for "Guaranty Trust Bank" || fail "the bank picked is not on the form"
keys 0123456785 Tab Tab 750
wait_for "Amt (NGN)   750" || fail "the amount is not on the compact form"
keys Enter
wait_for "Adaeze Nwosu" || fail "the name enquiry did not show Adaeze Nwosu"
save_screen bank-name-enquiry
keys Enter
wait_for "Confirm bank transfer" ||
	fail "the compact bank confirmation did not open"
save_screen bank-confirm
expect_rows 2 11 "compact bank transfer confirmation" <<'EOF2' ||
Confirm bank transfer

Bank          Guaranty Trust Bank
Account       0123456785
Account name  Adaeze Nwosu
Paid from     Cash at the counter

Amount                        NGN 750.00
Fee                            NGN 10.75
Customer pays in cash         NGN 760.75
EOF2
	fail "the compact bank transfer confirmation differs from the" \
		"expected text"
keys Enter
wait_for "CONFIRMED" 100 || fail "the compact bank transfer was not CONFIRMED"
wait_for "Receipt printed" || fail "the bank transfer's receipt was not printed"
save_screen bank-result
bank_id=$(capture | sed -n 's/^Op \([0-9a-f-]\{36\}\)$/\1/p' | head -n 1)
[ -n "$bank_id" ] || fail "the compact bank result shows no 'Op <id>' row"
expect_one_ledger_row "$bank_id"
receipt_has "Adaeze Nwosu" || fail "the bank receipt does not name the holder"
expect_balance "$DB" bank:058 75000 "after the compact bank transfer"
expect_balance "$DB" fees:NGN 1075 "after the compact bank transfer"
expect_balance "$DB" float:A1001:NGN 49923925 \
	"after the compact bank transfer"

quit_agent "$RUN_DIR"

echo "ok: cash-in and bank transfer through the UI at 40x16"
exit 0
