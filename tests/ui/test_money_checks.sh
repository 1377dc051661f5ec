#!/usr/bin/env bash
# UI test of the checks that the money forms make before their
# confirmation, at 80x24 against the sandbox with test faults:
# 1. A cash-in typed faster than the wallet lookup waits for it: an
#    unknown wallet is refused on the wallet field, and a known one goes
#    on to the confirmation by itself, with its holder.
# 2. A second Enter while the cash-out code is on its way does not ask
#    again, the reply replaces the waiting message, and a new code is
#    asked for only after the agent agrees.
# 3. A bank transfer names the bank's currency at the amount, refuses a
#    paying wallet in another currency, and checks the account again when
#    the bank changes.
# 4. Amount messages name what is wrong and what to type.
# 5. A cash-in and a cash-out take the currency of their wallet once
#    the lookup finds it, and a currency typed over it is refused on the
#    currency field before the confirmation.
# 6. A cash-in above the float last fetched is warned about.
# 7. Offline, the cash-out code request says what to do, the cash-in's
#    confirmation says that the holder was not checked, and the queue's
#    details of that cash-in offer no reversal on the help line.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup money-checks

# code_requests: print how many cash-out codes the sandbox has sent, from
# its log.
code_requests() {
	grep -c "POST /v1/cash-out/codes 201" "$RUN_DIR/sandbox.log"
}

# codes_more_than COUNT: whether the sandbox has sent more than COUNT
# cash-out codes.
codes_more_than() {
	[ "$(code_requests)" -gt "$1" ]
}

# slow_path PATH SECONDS: make the sandbox reply to the next request to
# PATH SECONDS late.
slow_path() {
	sandbox_faults "$SANDBOX_PORT" "{\"faults\": [{\"path\": \"$1\",
		\"kind\": \"slow\", \"seconds\": $2}]}" >/dev/null ||
		fail "the sandbox did not take the slow fault for $1"
}

# back_to_services: press Esc until the money services menu shows, at
# most 3 times.
back_to_services() {
	local i

	for ((i = 0; i < 3; i++)); do
		on_screen "5 Balance and statement" && return 0
		keys Escape
		wait_for "5 Balance and statement" 10 && return 0
	done
	fail "Esc did not go back to the money services"
}

SANDBOX_FLAGS="--faults" start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
DB=$RUN_DIR/sandbox.db
wait_for_reference_data "$RUN_DIR/journal.db"

# --- 1. Enter before the wallet lookup replies ---------------------------

slow_path /v1/wallets/1000000099 2
open_service 1 "Customer wallet"
keys 1000000099 Tab Tab 7.00 Enter
wait_for "Checking wallet 1000000099..." 10 ||
	fail "Enter before the lookup answered did not say it checks"
save_screen cash-in-checking
on_screen "Confirm cash-in" &&
	fail "the confirmation opened before the lookup answered"
wait_for "No wallet 1000000099 at Spotbanc: check the number" ||
	fail "the unknown wallet was not refused"
expect_rows 5 6 "unknown wallet" <<'EOF' ||
    Customer wallet   1000000099            No wallet 1000000099 at Spotbanc: ch
                      No wallet 1000000099 at Spotbanc: check the number
EOF
	fail "the unknown wallet's message is not under the wallet field"
on_screen "Checking wallet" && fail "the checking message stayed"
on_screen "Confirm cash-in" && fail "an unknown wallet reached the confirmation"
expect_cursor 32 4 "after the unknown wallet"

# A known wallet: the kept Enter goes on once the lookup replies.
erase 2
slow_path /v1/wallets/1000000002 2
keys 02 Tab Tab Enter
wait_for "Checking wallet 1000000002..." 10 ||
	fail "Enter before the lookup of 1000000002 did not wait"
wait_for "Confirm cash-in" || fail "the kept Enter did not go on"
save_screen cash-in-after-lookup
expect_rows 5 6 "cash-in holder" <<'EOF' ||
    To wallet  1000000002
    Holder     Akosua Darko
EOF
	fail "the confirmation does not name the holder"
keys Escape
wait_for "Customer wallet   1000000002" || fail "Esc did not go back to the form"
back_to_services

# --- 2. Cash-out: Enter twice, then a new code only when agreed ---------

keys 2
wait_for "Cash-out code" || fail "2 did not open the cash-out form"
keys 1000000001 Tab
wait_for "Kofi Boateng" || fail "the cash-out form does not name the holder"
slow_path /v1/cash-out/codes 2
keys Tab 5.00 Enter
wait_for "Sending the code" 10 || fail "Enter did not send the cash-out code"
keys Enter
wait_for "Code requested: waiting for the central service" 10 ||
	fail "a second Enter did not say the code is on its way"
save_screen cash-out-waiting
wait_for_re 'Code sent to \+233[*]+01' ||
	fail "the code's reply did not replace the waiting message"
on_screen "waiting for the central service" &&
	fail "the waiting message stayed after the reply"
on_screen "Still waiting" && fail "the form says Still waiting"
first=$(code_requests)
[ "$first" = 1 ] || fail "the sandbox sent $first codes, expected 1"

keys Enter
wait_for_re 'A code was sent to \+233[*]+01 at [0-9]{2}:[0-9]{2}\.' ||
	fail "Enter without a code did not ask before a new one"
on_screen "The old one stops working." ||
	fail "the question does not say that the old code stops working"
save_screen cash-out-new-code-question
keys 2
wait_for "Type the code the customer received" ||
	fail "keeping the code sent did not say to type it"
sleep 0.5
[ "$(code_requests)" = 1 ] || fail "keeping the code sent asked for a new one"
keys Enter
wait_for "The old one stops working." || fail "the question did not come back"
keys 1
wait_until 50 codes_more_than 1 ||
	fail "agreeing did not ask for a new code"
code=$(cash_out_code "$DB" 1000000001) || fail "no code for 1000000001"
keys "$code" Enter
wait_for "Confirm cash-out" || fail "the new code did not reach the confirmation"
keys Escape
wait_for "Cash-out code" || fail "Esc did not go back to the cash-out form"
back_to_services

# --- 3. Bank transfer: currency and a change of bank --------------------

keys 3
wait_for "Account number" || fail "3 did not open the bank transfer form"
keys 058 Tab
wait_for "Guaranty Trust Bank" || fail "058 is not named on the form"
wait_for "Amount (NGN)" || fail "the amount's label does not name NGN"
keys 0690000018 Tab
wait_for "check digit" || fail "a NUBAN wrong for 058 was accepted"
save_screen bank-nuban-058
keys BTab BTab
erase 3
keys 044 Tab
wait_for "Access Bank" || fail "044 is not named on the form"
wait_gone "check digit" 10 ||
	fail "the account's error stayed after the bank changed"
save_screen bank-nuban-044
keys Tab 2 Tab 1000000001 Tab
wait_for "Kofi Boateng" || fail "the paying wallet's holder is not shown"
keys 10.00 Enter
wait_for "Wallet 1000000001 is in GHS, but bank 044 pays out NGN" ||
	fail "a GHS wallet was allowed to pay an NGN bank"
save_screen bank-currency
on_screen "Confirm bank transfer" &&
	fail "a wallet in another currency reached the confirmation"
back_to_services

# --- 4. Amount messages -------------------------------------------------

keys 1
wait_for "Customer wallet" || fail "1 did not open the cash-in form"
keys 1000000002 Tab Tab
for case in "12.|Amount ends with a decimal point: type 12 or 12.00" \
	".5|Amount starts with a decimal point: type a digit before it" \
	"0|Amount must be above zero: type e.g. 12.50" \
	"99999999999999999|Amount is above the maximum of GHS 10,000,000,000,000.00"
do
	erase 20
	keys "${case%%|*}" Tab
	wait_for "${case#*|}" 10 ||
		fail "the amount '${case%%|*}' did not get '${case#*|}'"
	keys BTab
done
back_to_services

# --- 5. A wallet in another currency ------------------------------------

keys 1
wait_for "Customer wallet" || fail "1 did not open the cash-in form"
keys 1000000004 Tab
wait_for "Ngozi Eze" ||
	fail "the cash-in does not name the NGN wallet's holder"
wait_for_re "Currency +NGN" ||
	fail "the currency did not follow the NGN wallet"
save_screen cash-in-ngn-wallet
keys Tab 50.00 Enter
wait_for "Confirm cash-in" ||
	fail "the NGN cash-in did not reach its confirmation"
wait_for "NGN 50.00" || fail "the confirmation does not show NGN 50.00"
on_screen "GHS 50.00" && fail "the confirmation shows GHS 50.00"
keys Escape
wait_for "Customer wallet   1000000004" ||
	fail "Esc did not go back to the cash-in form"

# The agent types GHS over the wallet's currency.
keys BTab
erase 3
keys GHS Tab
wait_for "Wallet 1000000004 is in NGN: change the currency to NGN" 10 ||
	fail "leaving a GHS currency for an NGN wallet was not refused"
keys Enter
sleep 0.5
save_screen cash-in-currency-refused
on_screen "Confirm cash-in" &&
	fail "a GHS cash-in to an NGN wallet reached the confirmation"
expect_rows 7 8 "currency refused" <<'EOF' ||
    Currency          GHS                   e.g. GHS
                      Wallet 1000000004 is in NGN: change the currency to NGN
EOF
	fail "the currency's message is not under the currency field"
back_to_services

keys 2
wait_for "Cash-out code" || fail "2 did not open the cash-out form"
keys 1000000004 Tab
wait_for "Ngozi Eze" ||
	fail "the cash-out does not name the NGN wallet's holder"
wait_for_re "Currency +NGN" ||
	fail "the cash-out currency did not follow the NGN wallet"
back_to_services

# --- 6. The float warning -----------------------------------------------

keys 6
wait_for "Fetched" 50 || fail "the float did not arrive in 10 s"
back_to_services
keys 1
wait_for "Customer wallet" || fail "1 did not open the cash-in form"
keys 1000000002 Tab
wait_for "Akosua Darko" || fail "the cash-in does not name the holder"
keys Tab 20000.00 Enter
wait_for "Confirm cash-in" || fail "a cash-in above the float was blocked"
wait_for_re "Your float may be too low: GHS 10,000\.00 at [0-9]{2}:[0-9]{2}" ||
	fail "the confirmation does not warn about the float"
save_screen float-warning
keys Escape
wait_for "Customer wallet" || fail "Esc did not go back to the cash-in form"
erase 10
keys 10.00 Enter
wait_for "Confirm cash-in" || fail "the small cash-in did not reach its confirmation"
on_screen "float may be too low" && fail "a small cash-in was warned about"
back_to_services

# --- 7. Offline ---------------------------------------------------------

sandbox_stop
keys F5
wait_for "OFFLINE" 100 || fail "the status bar did not say OFFLINE in 20 s"
keys 2
wait_for "Cash-out code" || fail "2 did not open the cash-out form"
keys 1000000001 Tab Tab 5.00 Enter
wait_for "Cash-out needs the link: try again when ONLINE shows" ||
	fail "the offline code request does not say what to do"
save_screen cash-out-offline
back_to_services

keys 1
wait_for "Customer wallet" || fail "1 did not open the cash-in form"
# The last lookup, of 1000000002 in part 6, stays known offline, so the
# cash-in goes to 1000000001.
keys 1000000001 Tab Tab 3.00 Enter
wait_for "Confirm cash-in" || fail "the offline cash-in did not reach its confirmation"
save_screen cash-in-offline
expect_rows 5 6 "offline cash-in holder" <<'EOF' ||
    To wallet  1000000001
    Holder     not checked: offline
EOF
	fail "the offline confirmation does not say the holder was not checked"
keys Enter
wait_for "PENDING" 50 || fail "the offline cash-in is not PENDING"
back_to_services
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"
keys 2
wait_for "Queue:" || fail "2 did not open the queue"
keys Enter
wait_for "Print copy" || fail "the queued cash-in's details did not open"
save_screen queued-details
on_screen "R Reverse" && fail "a queued cash-in offers R Reverse"

quit_agent "$RUN_DIR"
echo "ok: the money forms wait for the lookup, ask before a new code," \
	"check currencies and amounts, warn about the float and say what" \
	"to do offline"
exit 0
