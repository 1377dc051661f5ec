#!/usr/bin/env bash
# UI test of send money: the real spotagent in a private tmux server
# against the sandbox.
# 1. At 80x24 the agent fills the form for a bank deposit to Nigeria, gets
#    a quote (rate, send amount, fee, total, receive amount and a
#    countdown that moves every second), and confirms it. The result is
#    CONFIRMED, the receipt is printed, and the sandbox moved the total
#    from the agent's float.
# 2. The same quote screen at 40x16 keeps the fee and the total.
# 3. With quotes that live 5 s, a quote left to expire cannot be
#    confirmed: Enter requests a fresh quote instead, which then goes
#    through, and nothing was journaled for the expired one.
# 4. The float screen shows the sandbox's float. With the sandbox stopped,
#    the send money screen says that it needs the link and sends nothing,
#    and the float screen keeps the last float fetched, with a cash-in
#    made offline as its pending movement. Once the sandbox is back and
#    accepts the cash-in, the float screen fetches the float again.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup send-money

# send_money_count: print how many send money operations the journal in
# RUN_DIR holds.
send_money_count() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("SELECT count(*) FROM operations "
                   "WHERE type = ?", ("send_money",)).fetchone()[0])
' "$RUN_DIR/journal.db"
}

# fill_send_money AMOUNT_FIELD AMOUNT: from the home menu, open send
# money and fill a bank deposit to Nigeria for Adaeze Nwosu, with AMOUNT
# in the "send" or the "receive" amount field. Enter requests the quote.
fill_send_money() {
	open_service 4 "Receiver phone"
	keys ng
	wait_for "Nigeria, pays out NGN" || fail "NG did not pick Nigeria"
	capture | grep -q "Delivery *Bank deposit" ||
		fail "the delivery method is not Bank deposit"
	capture | grep -q "Send currency *GHS" ||
		fail "the send currency is not prefilled"
	keys Tab Tab Tab
	if [ "$1" = "receive" ]; then
		keys Tab
	fi
	keys "$2" Tab
	[ "$1" = "receive" ] || keys Tab
	keys "Adaeze Nwosu" Tab +2348030000009 Tab 0123456789
	wait_for "0123456789" || fail "the account is not on the form"
	save_screen "send-form-$1-$2"
	keys Enter
}

# format_minor MINOR: print minor units as "1,234.50".
format_minor() {
	python3 -c '
import sys
minor = int(sys.argv[1])
print(f"{minor // 100:,}.{minor % 100:02d}")
' "$1"
}

# quote_seconds: print the seconds left that the quote screen shows.
quote_seconds() {
	capture | sed -n 's/.*Quote valid for \([0-9]*\):\([0-9]*\).*/\1 \2/p' |
		awk '{ print $1 * 60 + $2 }'
}

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
wait_until 100 journal_has_meta "$RUN_DIR/journal.db" corridors ||
	fail "the journal has no corridors after 20 s"
float_before=$(balance_of "$RUN_DIR/sandbox.db" float:A1001:GHS)
[ -n "$float_before" ] || fail "the sandbox has no GHS float for A1001"

# --- 1. Quote and confirm at 80x24 ------------------------------------------

fill_send_money send 1000.00
wait_for "Send money: quote" || fail "Enter on the form showed no quote"
save_screen quote
# Fee: 5.00 fixed and 1.5 % of 1,000.00; 1 GHS = 123.456 NGN.
expect_rows 3 13 "quote at 80x24" <<'EOF' || fail "the quote differs"
  Send money: quote

  Receiver          Adaeze Nwosu
  Delivery          Nigeria, Bank deposit
  Account           0123456789

  Rate              1 GHS = 123.456000 NGN
  Send amount       GHS 1,000.00
  Fee               GHS 20.00
  Total in cash     GHS 1,020.00
  Receiver gets     NGN 123,456.00
EOF
on_screen "Enter Confirm" || fail "the help line does not offer Confirm"
on_screen "N New quote" || fail "the help line does not offer N New quote"

# The countdown moves on by itself, without a key.
first=$(quote_seconds)
[ -n "$first" ] || fail "the quote shows no countdown"
sleep 2.2
second=$(quote_seconds)
{ [ -n "$second" ] && [ "$second" -lt "$first" ]; } ||
	fail "the countdown did not move: $first s, then ${second:-none}"

# --- 2. The quote at 40x16 --------------------------------------------------

resize 40 16 "Send money: quote"
save_screen quote-40x16
for text in "Fee         GHS 20.00" "Total       GHS 1,020.00" \
	"Receives    NGN 123,456.00" "Account     0123456789" "N:New"; do
	on_screen "$text" || fail "the compact quote lacks '$text'"
done
resize 80 24 "Total in cash"

keys Enter
wait_for "CONFIRMED" 100 || fail "the send money was not CONFIRMED in 20 s"
save_screen result
id=$(shown_operation_id)
[ -n "$id" ] || fail "the result screen shows no operation id"
expect_one_ledger_row "$id"
wait_until 50 test -s "$RUN_DIR/receipts.bin" ||
	fail "no receipt was printed"
for text in "Adaeze Nwosu" "+2348030000009" "123,456.00" "1,020.00" \
	"CONFIRMED"; do
	receipt_has "$text" || fail "no printed receipt has '$text'"
done
float_after=$(balance_of "$RUN_DIR/sandbox.db" float:A1001:GHS)
[ -n "$float_after" ] || fail "the sandbox has no GHS float for A1001"
[ $((float_before - float_after)) -eq 102000 ] ||
	fail "the float moved by $((float_before - float_after)), not 102000"
keys Enter
wait_for "1 Cash-in" || fail "Enter on the result did not go to the services"
keys Escape
wait_for "8 Money services" || fail "Esc on the services did not go home"

# --- 3. An expired quote ----------------------------------------------------

SANDBOX_FLAGS="--quote-ttl 5" restart_in "$RUN_DIR/expiry"
wait_until 100 journal_has_meta "$RUN_DIR/journal.db" corridors ||
	fail "the journal has no corridors after 20 s"
fill_send_money receive 50000.00
wait_for "Send money: quote" || fail "Enter on the form showed no quote"
on_screen "Receiver gets     NGN 50,000.00" ||
	fail "the quote does not give the receive amount typed"
wait_for "Quote expired" 50 || fail "the quote did not expire in 10 s"
save_screen quote-expired
on_screen "Enter New quote" ||
	fail "the help line does not offer a new quote on Enter"
[ "$(send_money_count)" = "0" ] ||
	fail "something was journaled before any confirmation"

keys Enter
wait_for "Quote valid for" || fail "Enter on an expired quote gave none"
save_screen quote-fresh
keys Enter
wait_for "CONFIRMED" 100 || fail "the fresh quote was not CONFIRMED"
save_screen result-fresh
[ "$(send_money_count)" = "1" ] ||
	fail "the journal holds $(send_money_count) send money operations"
keys Enter
wait_for "1 Cash-in" || fail "Enter on the result did not go to the services"
keys Escape
wait_for "8 Money services" || fail "Esc on the services did not go home"

# The float screen shows the float the sandbox holds, nothing pending.
float_now=$(balance_of "$RUN_DIR/sandbox.db" float:A1001:GHS)
[ -n "$float_now" ] || fail "the sandbox has no GHS float for A1001"
open_service 6 "Fetched float"
wait_for "Fetched" 50 || fail "the float did not arrive in 10 s"
save_screen float
shown=$(format_minor "$float_now")
on_screen_re "GHS +$shown +\+0\.00 +\+0\.00 +$shown" ||
	fail "the float is not GHS $shown with +0.00 since and pending"
keys Escape
wait_for "1 Cash-in" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc on the services did not go home"

# --- 4. Offline -------------------------------------------------------------

port=$SANDBOX_PORT
sandbox_stop
keys F5
open_service 4 "Receiver phone"
wait_for "Send money needs the link to the central service." 100 ||
	fail "the form does not say that send money needs the link"
keys ng Tab Tab Tab 10.00 Tab Tab "Adaeze Nwosu" Tab +2348030000009 \
	Tab 0123456789 Enter
sleep 1
save_screen offline
on_screen "Send money: quote" && fail "a quote showed while offline"
[ "$(send_money_count)" = "1" ] ||
	fail "an operation was journaled while offline"
keys Escape
wait_for "1 Cash-in" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go back home"

# Offline, a cash-in of GHS 10.00 waits in the queue. The float screen
# keeps the last float fetched, with its time, and the cash-in as the
# pending movement.
open_service 1 "Customer wallet"
keys 1000000002 Tab Tab 10.00 Enter
wait_for "Confirm" || fail "the cash-in did not reach its confirmation"
keys Enter
wait_for "PENDING" 50 || fail "the offline cash-in is not PENDING"
keys Escape
wait_for "1 Cash-in" || fail "Esc on the result did not go to the services"
keys 6
wait_for "Offline: last fetched" || fail "the float screen lost the last float"
save_screen float-offline
after=$(format_minor $((float_now - 1000)))
on_screen_re "GHS +$shown +\+0\.00 +-10\.00 +$after" ||
	fail "the float does not show the cash-in as -10.00 pending"
on_screen "Pending: 1 operation of yours" ||
	fail "the float screen does not count the pending cash-in"

# Back online, the cash-in is accepted, and the float screen asks for the
# float again by itself.
sandbox_start "$RUN_DIR" "$port" || fail "the sandbox did not start again"
wait_for_re "^ +Fetched" 150 ||
	fail "the float was not fetched again once the cash-in was accepted"
on_screen_re "GHS +$after +\+0\.00 +\+0\.00 +$after" ||
	fail "the float after the cash-in is not GHS $after"
save_screen float-refetched
keys Escape
wait_for "1 Cash-in" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go back home"
quit_agent "$RUN_DIR"
echo "PASS: send money quote, confirm, expiry and offline"
