#!/usr/bin/env bash
# UI test of the swipe guard at 80x24: the real spotagent in a private
# tmux server against the sandbox, with card swipes typed as a
# keyboard-wedge reader types them (tracks 1 and 2 and an Enter after
# each) where no card field has the cursor. A swipe on the home menu, on
# the cash-in confirmation, on an accepted operation's details and in
# the registration form's address field is dropped with a message, and
# changes, sends and stores nothing. A person's "12; Ring Road" and
# "50%" stay as typed, and track data typed slowly is cleared from a text
# field. The Enter after a garbled swipe too long to parse does not close
# its message. A card number typed by hand in the cash-in wallet field is
# looked up as a card and shown masked. The card dialog counts down from
# [card] timeout and shows which key cancels. Offline, F6 and a typed
# card number tell the agent at once that the lookup needs the link. After each step no full card
# number is on the screen, in the terminal's log, in its journal or in
# the sandbox's log. Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup card-guard

# Test cards of the sandbox seed (docs/api.md, The sandbox). Both are
# linked to wallet 1000000001.
KOFI_PAN=4761739001010010
VISA_PAN=4111111111111111
IGNORED="Card swipe ignored: put the cursor in a card or account field"

# swipe PAN NAME: type track 1, Enter, track 2 and Enter as a US-layout
# reader does (expiry 2812, service code 101).
swipe() {
	keys -l "$(printf '%%B%s^%s^2812101000000000000?' "$1" "$2")"
	keys Enter
	keys -l "$(printf ';%s=28121010000000000?' "$1")"
	keys Enter
}

# expect_no_pan WHERE: fail when the screen, the terminal's log, its
# journal or the sandbox's log contains a full test card number.
expect_no_pan() {
	local pan

	for pan in "$KOFI_PAN" "$VISA_PAN"; do
		if on_screen "$pan"; then
			fail "$1: the screen shows a full card number"
		fi
		if grep -aqF -- "$pan" "$RUN_DIR/spotagent.log"; then
			fail "$1: the terminal's log contains a full card number"
		fi
		if sqlite3 "$RUN_DIR/journal.db" .dump | grep -qF -- "$pan"; then
			fail "$1: the journal contains a full card number"
		fi
		if grep -aqF -- "$pan" "$RUN_DIR/sandbox.log"; then
			fail "$1: the sandbox's log contains a full card number"
		fi
	done
}

# operation_count: how many operations the terminal's journal holds.
operation_count() {
	sqlite3 "$RUN_DIR/journal.db" "SELECT count(*) FROM operations"
}

# session_requests: how many logins the sandbox has logged.
session_requests() {
	grep -c "POST /v1/sessions" "$RUN_DIR/sandbox.log"
}

start_sandbox "$RUN_DIR"
printf '[card]\ntimeout = 5\n' >>"$RUN_DIR/spotagent.conf"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
wait_for_reference_data "$RUN_DIR/journal.db"

# --- On the home menu ----------------------------------------------------

wait_for "8 Money services" || fail "the home menu has no '8 Money services'"
logins=$(session_requests)
swipe "$VISA_PAN" "CARDHOLDER/VISA"
wait_for "$IGNORED" || fail "a swipe on the home menu was not ignored"
save_screen home-swipe
on_screen "8 Money services" || fail "a swipe on the home menu left it"
off_screen "Agent ID" || fail "a swipe on the home menu logged out"
sleep 1
[ "$(session_requests)" = "$logins" ] ||
	fail "a swipe on the home menu sent a login to the sandbox"
expect_no_pan "home menu"

# --- On the cash-in confirmation -----------------------------------------

open_service 1 "Customer wallet"
keys 1000000002 Tab
wait_for "Akosua Darko" || fail "the cash-in form does not show the holder"
keys Tab 25.00
wait_for "25.00" || fail "the amount is not on the cash-in form"
keys Enter
wait_for "Confirm cash-in" || fail "Enter did not open the confirmation"
operations=$(operation_count)
swipe "$KOFI_PAN" "BOATENG/KOFI"
wait_for "$IGNORED" || fail "a swipe on the confirmation was not ignored"
save_screen confirm-swipe
sleep 1
on_screen "Confirm cash-in" ||
	fail "a swipe on the confirmation closed it"
[ "$(operation_count)" = "$operations" ] ||
	fail "a swipe on the confirmation recorded an operation"
expect_no_pan "cash-in confirmation"

# The agent's own Enter still confirms.
keys Enter
cash_in_reference=$(confirmed_reference cash-in) || exit 1
keys Enter
wait_for "5 Balance and statement" ||
	fail "Enter on the cash-in result did not go to the services menu"

# --- A card number typed by hand in the wallet field ---------------------

keys 1
wait_for "Customer wallet" || fail "1 did not open the cash-in form"
keys "$VISA_PAN" Tab
wait_for "Card 411111******1111" ||
	fail "a typed card number was not looked up as a card"
wait_for "Kofi Boateng" || fail "the typed card's holder did not show"
capture | grep -qE -- "Customer wallet +1000000001( |\$)" ||
	fail "the typed card did not fill the wallet field with 1000000001"
save_screen typed-card
expect_no_pan "typed card number"
grep -qF "411111******1111" "$RUN_DIR/spotagent.log" ||
	fail "the terminal's log does not name the typed card masked"
grep -q "GET /v1/wallets/$VISA_PAN" "$RUN_DIR/sandbox.log" &&
	fail "the typed card number went to the wallet lookup"

# --- The card dialog follows [card] timeout ------------------------------

keys BTab
wait_for "F6 Card" || fail "back in the wallet field, F6 is not offered"
keys F6
wait_for "Insert, tap or swipe the card" || fail "F6 did not open the card dialog"
on_screen_re "[45] s left" ||
	fail "the card dialog does not count down from [card] timeout = 5"
on_screen "Esc Cancel" || fail "the card dialog does not offer Esc Cancel"
on_screen "Enter Close" && fail "the card dialog offers Enter Close"
save_screen card-dialog
wait_for "No card was presented in time" 50 ||
	fail "the card dialog did not end after [card] timeout = 5"
keys Enter
keys Escape
wait_for "5 Balance and statement" || fail "Esc did not leave the cash-in form"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# --- On an accepted operation's details ----------------------------------

keys 2
wait_for "Queue:" || fail "2 did not open the queue"
keys 4
wait_for "Queue: Accepted" || fail "4 did not show the accepted operations"
keys Enter
wait_for "$cash_in_reference" || fail "the queue does not show the cash-in"
wait_for "Reverse" || fail "the cash-in's details offer no reversal"
operations=$(operation_count)
swipe "$VISA_PAN" "CARDHOLDER/VISA"
wait_for "$IGNORED" || fail "a swipe on the details was not ignored"
save_screen details-swipe
sleep 1
off_screen "Reversal request" || fail "a swipe on the details opened a reversal"
on_screen "$cash_in_reference" || fail "a swipe on the details left them"
[ "$(operation_count)" = "$operations" ] ||
	fail "a swipe on the details recorded an operation"
expect_no_pan "accepted operation's details"
keys Escape Escape
wait_for "8 Money services" || fail "Esc did not go home from the queue"

# --- In the registration form's address field ----------------------------

keys 6
wait_for "ID number" || fail "the registration form did not open on 6"
keys Tab Tab Tab Tab Tab Tab
swipe "$KOFI_PAN" "BOATENG/KOFI"
wait_for "$IGNORED" || fail "a swipe in the address field was not ignored"
save_screen address-swipe
wait_for_re '^  Address *$' || fail "a swipe left text in the address field"
expect_no_pan "address field"

# A person's semicolon and percent sign stay as typed.
keys -l "12; Ring Road"
wait_for_re '^  Address +12; Ring Road *$' ||
	fail "'12; Ring Road' did not reach the address as typed"
erase 13
wait_for_re '^  Address *$' || fail "Backspace did not clear the address"
keys -l "50%"
wait_for_re '^  Address +50% *$' || fail "'50%' did not reach the address"
keys Tab
wait_for_re '^  Address +50% *$' || fail "Tab after '50%' changed the address"
keys BTab
erase 3

# Track data typed slowly reaches the field key by key, and the field
# takes none of it: not a track start (the card number after "%B" is
# refused at its last digit), and not a track's tail.
for text in "%B$VISA_PAN" "11^CARDHOLDER/VISA^2812101000?"; do
	for ((i = 0; i < ${#text}; i++)); do
		keys -l "${text:i:1}"
		sleep 0.1
	done
	wait_for "Card data is not allowed in this field" ||
		fail "track data typed slowly was not refused"
	wait_for_re '^  Address *$' ||
		fail "track data stayed in the address field"
	save_screen address-track-data
	expect_no_pan "track data typed slowly"
done
keys Escape
wait_for "8 Money services" || fail "Esc did not leave the registration form"

# --- A garbled swipe longer than 256 characters in a card field ----------

# The reader's Enter after it must not close the message about it.
open_service 1 "Customer wallet"
keys -l "%B$(repeat 1 300)"
keys Enter
wait_for "customer's wallet account number" ||
	fail "a garbled swipe of 302 characters got no message"
sleep 1
on_screen "customer's wallet account number" ||
	fail "the reader's Enter closed the garbled swipe's message"
save_screen garbled-swipe
keys Enter
wait_gone "customer's wallet account number" ||
	fail "Enter did not close the garbled swipe's message"
capture | grep -qE -- "Customer wallet +( |\$)" ||
	fail "the garbled swipe left text in the wallet field"
keys Escape
wait_for "5 Balance and statement" || fail "Esc did not leave the cash-in form"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# --- Offline, F6 tells at once that the lookup needs the link ------------

sandbox_stop
keys F5
wait_for "OFFLINE" 100 || fail "the status bar did not say OFFLINE in 20 s"
open_service 1 "Customer wallet"
keys F6
wait_for "Finding a card's account needs the link" ||
	fail "F6 offline did not say that the lookup needs the link"
off_screen "s left" || fail "F6 offline opened the card dialog's countdown"
save_screen offline-f6
keys Enter
wait_gone "needs the link" || fail "Enter did not close the offline message"
keys "$KOFI_PAN" Tab
wait_for "Finding a card's account needs the link" ||
	fail "a typed card number offline did not say it needs the link"
capture | grep -qE -- "Customer wallet +( |\$)" ||
	fail "a typed card number offline stayed in the wallet field"
expect_no_pan "offline"
keys Enter
keys Escape
wait_for "5 Balance and statement" || fail "Esc did not leave the cash-in form"
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

expect_no_pan "the end"
quit_agent "$RUN_DIR"
echo "PASS: card swipes outside card fields are dropped"
