#!/usr/bin/env bash
# UI test of the swipe guard against swipes that come in pieces or in a
# keyboard layout it does not know, at 80x24 against the sandbox. A swipe
# cut by a 0.4 s pause after its first 10 keys confirms nothing on the
# cash-in confirmation, closes no day on the X report, stores nothing in
# the address field and posts no password on the lock screen. A track 2
# typed through a Spanish layout does nothing on the home menu or the
# confirmation. A pasted "Tel;0241234567, Ring Road" and a fast typed
# name with accents reach the address field whole. No full card number
# is on the screen or in the logs or the journal afterwards.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup card-guard2

# A test card of the sandbox seed (docs/api.md, The sandbox).
VISA_PAN=4111111111111111
IGNORED="Card swipe ignored: put the cursor in a card or account field"
TRACK1="%B$VISA_PAN^CARDHOLDER/VISA^2812101000000000000?"
TRACK2=";$VISA_PAN=28121010000000000?"
# Track 2 as a US-layout reader types it into a terminal set to Spanish.
SPANISH_TRACK2="ñ${VISA_PAN}¡28121010000000000_"

# interrupted_swipe: type track 1's first 10 keys, pause 0.4 s as a slow
# link does, then the rest of track 1, Enter, track 2 and Enter.
interrupted_swipe() {
	keys -l "${TRACK1:0:10}"
	sleep 0.4
	keys -l "${TRACK1:10}"
	keys Enter
	keys -l "$TRACK2"
	keys Enter
}

# spanish_swipe: type track 2 through a Spanish layout, and Enter.
spanish_swipe() {
	keys -l "$SPANISH_TRACK2"
	keys Enter
}

# expect_no_pan WHERE: fail when the screen, the terminal's log, its
# journal or the sandbox's log contains the full test card number.
expect_no_pan() {
	if on_screen "$VISA_PAN"; then
		fail "$1: the screen shows a full card number"
	fi
	if grep -aqF -- "$VISA_PAN" "$RUN_DIR/spotagent.log"; then
		fail "$1: the terminal's log contains a full card number"
	fi
	if sqlite3 "$RUN_DIR/journal.db" .dump | grep -qF -- "$VISA_PAN"; then
		fail "$1: the journal contains a full card number"
	fi
	if grep -aqF -- "$VISA_PAN" "$RUN_DIR/sandbox.log"; then
		fail "$1: the sandbox's log contains a full card number"
	fi
}

operation_count() {
	sqlite3 "$RUN_DIR/journal.db" "SELECT count(*) FROM operations"
}

day_close_count() {
	sqlite3 "$RUN_DIR/journal.db" "SELECT count(*) FROM day_closes"
}

# session_requests: how many logins the sandbox has logged.
session_requests() {
	grep -c "POST /v1/sessions" "$RUN_DIR/sandbox.log"
}

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24 SPOTAGENT_LOCK_SECONDS=8
login A1001 counter-demo-1
wait_for_reference_data "$RUN_DIR/journal.db"

# --- A Spanish-layout swipe on the home menu -----------------------------

wait_for "8 Money services" || fail "the home menu has no '8 Money services'"
logins=$(session_requests)
spanish_swipe
wait_for "$IGNORED" || fail "a Spanish swipe on the home menu was not ignored"
save_screen home-spanish
sleep 1.2
on_screen "8 Money services" || fail "a Spanish swipe left the home menu"
off_screen "Agent ID" || fail "a Spanish swipe on the home menu logged out"
[ "$(session_requests)" = "$logins" ] ||
	fail "a Spanish swipe on the home menu sent a login"
expect_no_pan "Spanish swipe on the home menu"

# --- On the cash-in confirmation -----------------------------------------

open_service 1 "Customer wallet"
keys 1000000002 Tab
wait_for "Akosua Darko" || fail "the cash-in form does not show the holder"
keys Tab 25.00
wait_for "25.00" || fail "the amount is not on the cash-in form"
keys Enter
wait_for "Confirm cash-in" || fail "Enter did not open the confirmation"
operations=$(operation_count)
for kind in interrupted spanish; do
	"${kind}_swipe"
	wait_for "$IGNORED" ||
		fail "an $kind swipe on the confirmation was not ignored"
	save_screen "confirm-$kind"
	sleep 1.2
	on_screen "Confirm cash-in" ||
		fail "an $kind swipe on the confirmation closed it"
	[ "$(operation_count)" = "$operations" ] ||
		fail "an $kind swipe on the confirmation recorded an operation"
	expect_no_pan "$kind swipe on the confirmation"
done
keys Escape
wait_gone "Confirm cash-in" || fail "Esc did not leave the confirmation"
keys Escape
keys Escape
wait_for "8 Money services" || fail "Esc did not go home"

# --- On the X report -----------------------------------------------------

open_service 7 "X report, day 1 (open)"
interrupted_swipe
wait_for "$IGNORED" ||
	fail "an interrupted swipe on the X report was not ignored"
save_screen x-report-interrupted
sleep 1.2
off_screen "Close day 1?" ||
	fail "an interrupted swipe asked to close the day"
on_screen "X report, day 1 (open)" ||
	fail "an interrupted swipe left the X report"
[ "$(day_close_count)" = "0" ] || fail "an interrupted swipe closed the day"
expect_no_pan "X report"
keys Escape
keys Escape
wait_for "8 Money services" || fail "Esc did not go home from the X report"

# --- In the registration form's address field ----------------------------

keys 6
wait_for "ID number" || fail "the registration form did not open on 6"
keys Tab Tab Tab Tab Tab Tab
interrupted_swipe
wait_for "$IGNORED" ||
	fail "an interrupted swipe in the address was not ignored"
save_screen address-interrupted
sleep 1.2
wait_for_re '^  Address *$' ||
	fail "an interrupted swipe left text in the address field"
expect_no_pan "address field"

# A paste arrives as fast as a swipe and stays whole.
tmux_run set-buffer -- "Tel;0241234567, Ring Road"
tmux_run paste-buffer -t "$SESSION"
wait_for_re '^  Address +Tel;0241234567, Ring Road *$' ||
	fail "the pasted address did not reach the field whole"
off_screen "$IGNORED" || fail "the pasted address was taken for a swipe"
save_screen address-paste
erase 25
wait_for_re '^  Address *$' || fail "Backspace did not clear the address"

# A name with accents typed fast stays as typed.
keys -l "Nyamékyé Adjoa 12/B"
wait_for_re '^  Address +Nyamékyé Adjoa 12/B *$' ||
	fail "a fast typed name with accents did not reach the address"
save_screen address-accents
keys Escape
wait_for "8 Money services" || fail "Esc did not leave the registration form"

# --- On the lock screen --------------------------------------------------

wait_for "Terminal locked" 75 || fail "the terminal did not lock within 15 s"
logins=$(session_requests)
interrupted_swipe
sleep 1.5
save_screen lock-interrupted
on_screen "Terminal locked" || fail "an interrupted swipe unlocked"
off_screen "Wrong" || fail "an interrupted swipe was posted as a password"
[ "$(session_requests)" = "$logins" ] ||
	fail "an interrupted swipe on the lock screen sent a login"
expect_no_pan "lock screen"
keys counter-demo-1 Enter
wait_for "8 Money services" || fail "the right password did not unlock"

expect_no_pan "the end"
quit_agent "$RUN_DIR"
echo "PASS: interrupted and Spanish-layout swipes are dropped"
