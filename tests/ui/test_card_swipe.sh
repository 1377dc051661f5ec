#!/usr/bin/env bash
# UI test of card input at 80x24 on the cash-in form and the find
# customer screen: the real spotagent in a private tmux server against the
# sandbox, with card swipes typed as a keyboard-wedge reader types them.
# A swipe of a linked card fills the customer wallet and shows its holder
# and the masked card number. A swipe typed through a German keyboard
# layout and a swipe of an unlinked card each get their message and
# change nothing. F6 opens the card dialog, which takes a swipe too. On
# the find customer screen a swipe finds the card's customer. The full
# card numbers never show on the screen, in the terminal's log, in its
# journal or in the sandbox's log.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup card-swipe

# Test cards of the sandbox seed (docs/api.md, The sandbox).
KOFI_PAN=4761739001010010
VISA_PAN=4111111111111111
AKOSUA_PAN=5413330089010434
UNLINKED_PAN=5555555555554444

# swipe_text PAN NAME: print tracks 1 and 2 of a test card (expiry 2812,
# service code 101) as a US-layout reader types them.
swipe_text() {
	printf '%%B%s^%s^2812101000000000000?;%s=28121010000000000?' \
		"$1" "$2" "$1"
}

# swipe PAN NAME: type the card's swipe and the Enter a reader ends with.
swipe() {
	keys -l "$(swipe_text "$1" "$2")"
	keys Enter
}

# expect_no_pan WHERE: fail when the screen shows any full test PAN.
expect_no_pan() {
	local pan

	for pan in "$KOFI_PAN" "$VISA_PAN" "$UNLINKED_PAN" "$AKOSUA_PAN"; do
		if on_screen "$pan"; then
			fail "$1: the screen shows a full card number"
		fi
	done
}

# wallet_field_is TEXT: whether the cash-in form's wallet field shows
# exactly TEXT (nothing when TEXT is empty).
wallet_field_is() {
	capture | grep -qE -- "Customer wallet +$1( |\$)"
}

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1
wait_for_reference_data "$RUN_DIR/journal.db"

wait_for "8 Money services" || fail "the home menu has no '8 Money services'"
open_service 1 "Customer wallet"
wait_for "F6 Card" || fail "the wallet field's help line does not offer F6"

# --- A swipe typed through a German keyboard layout ----------------------

# The US reader's ';' '^' '/' '=' '?' come out as 'ö' '&' '-' '´' '_'.
keys -l '%B4761739001010010&BOATENG-KOFI&2812101000000000000_'
keys -l 'ö4761739001010010´28121010000000000_'
keys Enter
wait_for "German" || fail "a German-layout swipe did not name the layout"
save_screen german-swipe
on_screen "keyboard layout" ||
	fail "the German-layout message does not mention the keyboard layout"
expect_no_pan "German-layout swipe"
keys Enter
wait_gone "German" || fail "Enter did not close the layout message"
wallet_field_is "" ||
	fail "the German-layout swipe changed the wallet field"
off_screen "Kofi Boateng" || fail "the German-layout swipe found a holder"

# Track 2 alone: its 'ö' is a start sentinel only with the digit after it,
# so the 'ö' is held back until that digit comes.
keys -l 'ö4761739001010010´28121010000000000_'
keys Enter
wait_for "German" || fail "a German-layout track 2 did not name the layout"
save_screen german-track-2
expect_no_pan "German-layout track 2"
keys Enter
wait_gone "German" || fail "Enter did not close the second layout message"
wallet_field_is "" ||
	fail "the German-layout track 2 left text in the wallet field"

# --- A card that is linked to no wallet ----------------------------------

swipe "$UNLINKED_PAN" "TEST/CARD"
wait_for "No wallet is linked to the card ending 4444" ||
	fail "an unlinked card did not get the not-found message"
save_screen unlinked-card
expect_no_pan "unlinked card"
keys Enter
wait_gone "ending 4444" || fail "Enter did not close the not-found message"
wallet_field_is "" || fail "the unlinked card changed the wallet field"

# --- A linked card fills the wallet --------------------------------------

swipe "$KOFI_PAN" "BOATENG/KOFI"
wait_for "Kofi Boateng" || fail "a linked card's holder did not show"
wallet_field_is 1000000001 ||
	fail "a linked card did not fill the wallet field with 1000000001"
on_screen "Card 476173******0010" ||
	fail "the masked card number is not on the screen"
save_screen linked-card
expect_no_pan "linked card"

# The cursor moved on to the currency; digits typed by hand still reach
# the amount field.
keys Tab 12.50
wait_for "Amount            12.50" ||
	fail "digits typed after the swipe did not reach the amount field"

# --- F6 opens the card dialog, which takes a swipe -----------------------

keys BTab BTab
wait_for "F6 Card" || fail "back in the wallet field, F6 is not offered"
keys F6
wait_for "Insert, tap or swipe the card" || fail "F6 did not open the card dialog"
save_screen card-dialog
on_screen_re "[0-9]+ s left" || fail "the card dialog shows no countdown"
on_screen "No card reader is connected" ||
	fail "without a reader the card dialog does not say so"
keys Escape
wait_gone "Insert, tap or swipe the card" || fail "Esc did not close the card dialog"
wallet_field_is 1000000001 || fail "Esc in the card dialog changed the form"

keys F6
wait_for "Insert, tap or swipe the card" || fail "F6 did not open the card dialog again"
swipe "$VISA_PAN" "CARDHOLDER/VISA"
wait_for "Card 411111******1111" ||
	fail "a swipe in the card dialog did not show its masked number"
wallet_field_is 1000000001 ||
	fail "a swipe in the card dialog did not fill the wallet field"
expect_no_pan "swipe in the card dialog"

# --- A swipe on the find customer screen ---------------------------------

keys Escape
wait_for "Money services" || fail "Esc on the cash-in form did not go back"
keys Escape
wait_for "7 Find customer" || fail "Esc on the money services did not go home"
keys 7
wait_for "Phone or wallet" || fail "7 did not open the find customer screen"
swipe "$AKOSUA_PAN" "DARKO/AKOSUA"
wait_for "Customer found, from Spotbanc" ||
	fail "a swipe on the find screen did not find the customer"
on_screen "Akosua Darko" || fail "the find screen shows another customer"
on_screen "Card 541333******0434" ||
	fail "the find screen does not show the masked card number"
save_screen find-by-card
expect_no_pan "find customer by card"

# --- No full card number in the log or the journal -----------------------

for pan in "$KOFI_PAN" "$VISA_PAN" "$UNLINKED_PAN" "$AKOSUA_PAN"; do
	if grep -aqF -- "$pan" "$RUN_DIR/spotagent.log"; then
		fail "the terminal's log contains a full card number"
	fi
	if sqlite3 "$RUN_DIR/journal.db" .dump | grep -qF -- "$pan"; then
		fail "the journal contains a full card number"
	fi
	if grep -aqF -- "$pan" "$RUN_DIR/sandbox.log"; then
		fail "the sandbox's log contains a full card number"
	fi
done
grep -qF "476173******0010" "$RUN_DIR/spotagent.log" ||
	fail "the terminal's log does not name the card masked"

quit_agent "$RUN_DIR"
echo "PASS: card swipes on the cash-in and find customer screens"
