#!/usr/bin/env bash
# UI test of field editing and of the messages around it: the real
# spotagent in a private tmux server at 80x24 against the sandbox.
# 1. A failed login's message goes when the next attempt shows a field
#    error.
# 2. Backspace in a full field deletes the last character typed, and
#    typing after it appends: sender, currency and amount. A field takes
#    no more characters than it has columns for, full-width ones included.
# 3. A receiver that the central service does not know is an error on
#    the confirmation screen; Enter does not send, and Esc goes back to
#    the receiver field.
# 4. A holder name with bidirectional and C0 controls is shown without
#    them.
# 5. A password of 40 characters, set on the change password screen,
#    logs in and unlocks at 80x24 and at 40x16, with a 6-second idle
#    lock.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup fields

# Screen rows and columns (from 0) of the transfer form's fields at 80x24:
# the status bar is row 0, and the fields start in column 22.
SENDER_ROW=4
RECEIVER_ROW=7
FIELD_COLUMN=22

# cursor: print the pane's cursor position as COLUMN,ROW.
cursor() {
	tmux_run display-message -p -t "$SESSION" '#{cursor_x},#{cursor_y}'
}

# field_shows LABEL TEXT WHAT: wait until the form shows exactly TEXT in
# the field after LABEL, followed by a blank, and fail with WHAT if not.
field_shows() {
	wait_for_re "^    $1 +$2 " 25 || fail "$3: '$1' does not show '$2'"
}

start_sandbox "$RUN_DIR"

# The receiver's holder name carries a right-to-left override, a left-to-
# right isolate, a right-to-left mark, a pop, ESC and BEL. On screen it
# must read "Akosua Darko".
python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
name = "Ak\u202eosua\u2066\x1b Da\u200frko\x07\u202c"
with conn:
    changed = conn.execute(
        "UPDATE customers SET full_name = ? WHERE customer_id = "
        "(SELECT customer_id FROM wallets WHERE account = ?)",
        (name, "1000000002")).rowcount
if changed != 1:
    sys.exit(f"expected 1 customer for wallet 1000000002, found {changed}")
' "$RUN_DIR/sandbox.db" || fail "cannot set the holder name in the sandbox"

start_agent "$RUN_DIR" 80 24

# 1. A wrong password, then Enter on the empty password field.
wait_for "Agent ID" || fail "the login screen did not appear"
keys A1001 Enter
keys wrong-password Enter
wait_for "The agent id or password is incorrect." ||
	fail "a wrong password did not show the central service's message"
save_screen login-failed
keys Enter
wait_for "Password is missing" ||
	fail "Enter on an empty password did not say it is missing"
on_screen "The agent id or password is incorrect." &&
	fail "the previous attempt's message is still shown under the" \
		"field error"
save_screen login-field-error
keys counter-demo-1 Enter
wait_for "1 Wallet transfer" || fail "the home menu did not appear after login"

# 2. Full fields. The sender has 20 columns: a 21st digit is refused,
# Backspace deletes the last digit and typing appends again.
keys 1
wait_for "Sender wallet" || fail "the transfer form did not open on 1"
keys 12345678901234567890
field_shows "Sender wallet" 12345678901234567890 "20 digits typed"
keys 5
sleep 0.3
field_shows "Sender wallet" 12345678901234567890 "a 21st digit typed"
keys BSpace
field_shows "Sender wallet" 1234567890123456789 "Backspace in the full sender"
keys 0
field_shows "Sender wallet" 12345678901234567890 "0 typed after Backspace"
save_screen sender-full
[ "$(cursor)" = "$((FIELD_COLUMN + 20)),$SENDER_ROW" ] ||
	fail "the cursor is at $(cursor), not after the sender's 20th digit"
erase 20
keys 1000000001
field_shows "Sender wallet" 1000000001 "the sender retyped"

# The receiver is one the sandbox does not have.
keys Tab 9999999999 Tab
field_shows "Receiver wallet" 9999999999 "the receiver typed"

# The currency field is always full. The first letter typed replaces
# the prefilled GHS.
field_shows "Currency" GHS "the prefilled currency"
keys NGN
field_shows "Currency" NGN "NGN typed over GHS"
keys BSpace
field_shows "Currency" NG "Backspace in the full currency"
keys N
field_shows "Currency" NGN "N typed after Backspace"

# Full-width digits are two columns each: one fits in the currency's
# three, the next is refused, and the hint stays where it is.
erase 3
keys '１２３'
wait_for_re '^    Currency +１ +of the receiving wallet, e\.g\. GHS$' 25 ||
	fail "full-width digits overflowed the currency field or its hint"
save_screen currency-full-width
erase 1
keys GHS
field_shows "Currency" GHS "GHS typed"

# The amount has 20 columns.
keys Tab 12345678901234567890
field_shows "Amount" 12345678901234567890 "a 20-digit amount typed"
keys BSpace 9
field_shows "Amount" 12345678901234567899 "9 typed after Backspace"
erase 20
keys 12.50
field_shows "Amount" 12.50 "the amount retyped"

# 3. The unknown receiver on the confirmation screen.
keys Enter
wait_for "Confirm wallet transfer" || fail "the confirmation did not open"
wait_for "No wallet 9999999999 at Spotbanc: check the number" ||
	fail "the confirmation does not say that wallet 9999999999 is unknown"
save_screen confirm-unknown
on_screen "not checked" &&
	fail "an unknown receiver is shown as a lookup that failed"
keys Enter
wait_for "Not sent: press Esc and correct the receiver wallet" ||
	fail "Enter on an unknown receiver did not say it was not sent"
sleep 1
save_screen confirm-enter
on_screen "Confirm wallet transfer" ||
	fail "Enter on an unknown receiver left the confirmation screen"
on_screen "Operation " &&
	fail "Enter on an unknown receiver reached the result screen"
count=$(python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("SELECT COUNT(*) FROM operations").fetchone()[0])
' "$RUN_DIR/journal.db") || fail "cannot count the journal's operations"
[ "$count" = "0" ] ||
	fail "the journal has $count operations after Enter on an unknown" \
		"receiver, expected 0"

keys Escape
wait_for "Wallet transfer" || fail "Esc did not go back to the form"
wait_for "No wallet 9999999999 at Spotbanc: check the number" ||
	fail "the form does not say that the receiver is unknown"
save_screen form-unknown
[ "$(cursor)" = "$((FIELD_COLUMN + 10)),$RECEIVER_ROW" ] ||
	fail "the cursor is at $(cursor), not after the receiver number"

# 4. A known receiver whose holder name carries controls.
erase 10
keys 1000000002 Enter
wait_for "Confirm wallet transfer" || fail "the confirmation did not open"
wait_for_re '^ {16}Akosua Darko *$' ||
	fail "the holder name is not shown as 'Akosua Darko'"
save_screen confirm-name
capture | grep -qP '[\x{202A}-\x{202E}\x{2066}-\x{2069}\x{200E}\x{200F}]'
case $? in
0) fail "bidirectional controls reached the screen" ;;
1) ;;
*) fail "grep -P cannot search the screen for bidirectional controls" ;;
esac
on_screen "Enter Confirm" || fail "Enter is not offered for a known receiver"

# Back to the form and quit there, so nothing is sent.
keys Escape
wait_for "Sender wallet" || fail "Esc did not go back to the form"
quit_agent "$RUN_DIR"

# 5. A new sandbox, where A1001's password is counter-demo-1 again.
LONG_PASSWORD=$(repeat Kente-2027 4)
[ "${#LONG_PASSWORD}" = 40 ] || fail "the long password is not 40 characters"
restart_in "$RUN_DIR/long-password" SPOTAGENT_LOCK_SECONDS=6
keys 5
wait_for "Repeat new" || fail "5 did not open the change password screen"
keys counter-demo-1 Tab "$LONG_PASSWORD" Tab "$LONG_PASSWORD" Enter
wait_for "Password changed" ||
	fail "the change to a 40-character password got no 'Password changed'"

# unlock_with PASSWORD WHEN: wait at most 15 s for the idle lock, unlock
# with PASSWORD, and fail naming WHEN unless the home menu comes back.
unlock_with() {
	wait_for "Terminal locked" 75 ||
		fail "$2: the terminal did not lock within 15 s"
	keys "$1" Enter
	wait_gone "Terminal locked" ||
		fail "$2: the 40-character password did not unlock"
	wait_for "Wallet transfer" || fail "$2: the home menu did not return"
}

# At 80x24 the wide password view shows all 40 '*'.
keys 4
wait_for "Agent login" || fail "4 did not log out"
keys "$LONG_PASSWORD"
wait_for "Password      $(repeat '*' 40)" ||
	fail "the 40-character password is not 40 '*' at 80x24"
keys Enter
wait_for "1 Wallet transfer" ||
	fail "the 40-character password did not log in at 80x24"
unlock_with "$LONG_PASSWORD" "80x24"

resize 40 16 "1-8:Pick"
keys 4
wait_for "Agent login" || fail "4 did not log out at 40x16"
keys "$LONG_PASSWORD" Enter
wait_for "1-8:Pick" || fail "the 40-character password did not log in at 40x16"
unlock_with "$LONG_PASSWORD" "40x16"
quit_agent "$RUN_DIR"
grep -qF -- "$LONG_PASSWORD" "$RUN_DIR/spotagent.log" &&
	fail "the 40-character password is in the log"

echo "ok: full fields, login messages, unknown receiver, holder name and" \
	"40-character passwords"
exit 0
