#!/usr/bin/env bash
# UI test of the compact 40x16 layout: the real spotagent in a private
# tmux server against the sandbox, with a 6-second idle lock.
# 1. An agent ID and a password typed at 80x24 survive the switch to
#    40x16, a terminal too small for either layout and the way back, and
#    the login finishes at 40x16.
# 2. The home menu, the change password form, the lock screen, the log
#    out choice and the quit question at 40x16, each captured screen
#    compared with the expected text.
# 3. Change password and unlock at 40x16, with the typed passwords kept
#    as the same number of '*' across resizes and the lock.
# 4. The prompt of an expired session at 40x16.
# 5. A message dialog at 40x16: a rejection after sending.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup compact

NEW_PASSWORD=Harmattan-2027

# expect_screen NAME: compare the screen with the expected text on
# standard input, with the clock in the status bar written as HH:MM.
# Waits up to 5 s for the screen to settle on the expected text.
expect_screen() {
	local name=$1 expected actual i

	expected=$(cat)
	for ((i = 0; i < 25; i++)); do
		actual=$(capture | sed -E '1s/[0-9]{2}:[0-9]{2}$/HH:MM/')
		[ "$actual" = "$expected" ] && break
		sleep 0.2
	done
	save_screen "$name"
	if [ "$actual" != "$expected" ]; then
		diff -u <(echo "$expected") <(echo "$actual") |
			sed 's/^/    /' >&2
		fail "the $name screen differs from the expected text" \
			"(- expected, + shown)"
	fi
}

# fits_width: check that no line of the screen is wider than 40 columns
# and that the dialog's frame is whole: both top corners on one line and
# both bottom corners on another.
fits_width() {
	local screen line

	screen=$(capture)
	# ${#line} counts characters in the UTF-8 locale, and each box
	# drawing character is one column wide.
	while IFS= read -r line; do
		[ "${#line}" -le 40 ] ||
			fail "a line of the screen is wider than 40 columns"
	done <<<"$screen"
	grep -qE '^ *┌.*┐ *$' <<<"$screen" ||
		fail "the dialog's top edge is not whole"
	grep -qE '^ *└─*┘ *$' <<<"$screen" ||
		fail "the dialog's bottom edge is not whole"
}

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24 SPOTAGENT_LOCK_SECONDS=6

# 1. Type at 80x24, then resize with the input in the fields.
wait_for "Agent ID" || fail "the login screen did not appear"
keys A1001 Tab counter-demo-1
wait_for "Password      **************" ||
	fail "the password was not masked with 14 '*' at 80x24"
resize 40 16 "Enter your agent ID and password."
expect_screen login <<'EOF'
not logged in    ONLINE Q0 P:ready HH:MM
 Agent login

 Enter your agent ID and password.

 Agent ID   A1001

 Password   **************







Enter:OK Tab:Next F10:Quit
EOF
on_screen "counter-demo-1" && fail "the password is on the screen"

resize 39 16 "Terminal too small: need 40x16"
on_screen "This one is 39x16" || fail "the too-small message has no size"
on_screen "A1001" && fail "the too-small message shows the agent ID"
resize 40 15 "This one is 40x15"
resize 80 24 "Log in with your agent ID and password."
on_screen "Agent ID      A1001" || fail "the agent ID is gone at 80x24"
on_screen "Password      **************" ||
	fail "the password is gone at 80x24"
resize 40 16 "Enter your agent ID and password."
on_screen "Agent ID   A1001" || fail "the agent ID is gone at 40x16"
on_screen "Password   **************" || fail "the password is gone at 40x16"

# The login finishes at 40x16, after a wrong password.
keys BSpace Enter
wait_for "The agent id or password is" ||
	fail "a wrong password got no message at 40x16"
save_screen login-failed
keys counter-demo-1 Enter
wait_for "1 Wallet transfer" || fail "the home menu did not appear"

# 2. The home menu.
expect_screen home <<'EOF'
A1001            ONLINE Q0 P:ready HH:MM
 Home - Ama Mensah
 > 1 Wallet transfer
   2 Queue
   3 Sync now
   4 Log out
   5 Change password
   6 Register customer
   7 Find customer
   8 Money services
 Queued 0  In flight 0  Rejected 0
 Nothing waiting to be sent



1-8:Pick Enter:OK F5:Sync F10:Quit
EOF

# The quit question fits, and Esc keeps spotagent running.
keys F10
wait_for "Quit spotagent?" || fail "F10 did not ask to quit"
fits_width
save_screen quit-question
keys Escape
wait_gone "Quit spotagent?" || fail "Esc did not close the quit question"
wait_for "1-8:Pick" || fail "the home help line did not come back"

# 3. Change password: typed text survives a resize both ways.
keys 5
wait_for "Repeat new" || fail "5 did not open the Change password screen"
keys counter-demo-1 Tab short1 Tab short
wait_for "Repeat new *****" || fail "the repeated password shows no '*'"
resize 80 24 "Old password"
on_screen "Old password  **************" ||
	fail "the old password is not 14 '*' at 80x24"
on_screen "New password  ******" || fail "the new password is gone at 80x24"
resize 40 16 "Repeat new"
keys 1 Enter
expect_screen password-rule <<'EOF'
A1001            ONLINE Q0 P:ready HH:MM
 Change password

 Old        **************
 New        ******
 Repeat new ******
 10 to 64 characters, with a letter and
 a digit; not your agent ID, not the
 old password, and none of the 3 before
 it.
 The new password breaks the password
 rules: it must be 10 to 64 characters
 long.


Enter:OK Esc:Back Tab:Next F10:Quit
EOF

# The idle lock covers the form at 40x16, and unlocking there gives it
# back with the same number of '*'.
wait_for "Terminal locked" 75 || fail "the terminal did not lock within 15 s"
expect_screen locked <<'EOF'
A1001            ONLINE Q0 P:ready HH:MM
 Terminal locked

 Agent A1001
 Ama Mensah

 Enter your password to go on.
 Unsent work is kept.

 Password





F10:Log out Enter:Unlock
EOF
keys wrong-password-1 Enter
wait_for "Wrong password" ||
	fail "a wrong password on the lock screen got no message"
on_screen "Terminal locked" || fail "a wrong password unlocked"

keys F10
wait_for "1 Log out (unsent work stays queued)" ||
	fail "F10 on the lock screen did not offer log out in full"
fits_width
save_screen lock-logout
keys Escape
wait_gone "1 Log out (unsent work stays queued)" ||
	fail "Esc did not close the choice"
wait_for "F10:Log out Enter:Unlock" || fail "the lock help line is gone"
on_screen "Terminal locked" || fail "Esc on the choice unlocked"

keys counter-demo-1 Enter
wait_for "Change password" || fail "the right password did not unlock"
on_screen "Old        **************" ||
	fail "after unlocking, the old password is not 14 '*'"
on_screen "New        ******" ||
	fail "after unlocking, the new password is not 6 '*'"

# Now a valid change, starting from the repeated field where the cursor
# stayed. The new password then logs in at 40x16.
keys Tab Tab
erase 6
keys "$NEW_PASSWORD" Tab
erase 6
keys "$NEW_PASSWORD" Enter
wait_for "Password changed" || fail "the change got no 'Password changed'"
save_screen password-changed
keys 4
wait_for "Agent login" || fail "4 did not log out"
keys "$NEW_PASSWORD" Enter
wait_for "1-8:Pick" || fail "the new password did not log in at 40x16"

quit_agent "$RUN_DIR"
grep -qE "counter-demo|$NEW_PASSWORD|wrong-password" \
	"$RUN_DIR/spotagent.log" && fail "a password is in the log"

# 4. An expired session at 40x16: tokens live 2 s, and the lookup on the
# confirmation screen meets an expired one. The transfer form is filled
# at 80x24, so that only the lock screen is checked at 40x16 here.
expire_at_lookup "$RUN_DIR/expiry"
resize 40 16 "Esc goes on without it."
expect_screen session-expired <<'EOF'
A1001            ONLINE Q0 P:ready HH:MM
 Session expired

 Agent A1001
 Ama Mensah

 Log in again to send the request;
 Esc goes on without it.

 Password





F10:Log out Enter:Log in Esc:Not now
EOF
keys counter-demo-1 Enter
wait_gone "Session expired" ||
	fail "logging in again did not close the prompt"
resize 80 24 "Confirm wallet transfer"
wait_for "Akosua Darko" 75 ||
	fail "the lookup was not sent again after logging in at 40x16"
save_screen session-renewed

# 5. A message dialog at 40x16: a transfer that Spotbanc rejects after it
# was sent, while the agent is on the Change password screen. The
# sandbox delays its reply by 6 s, which leaves time to get there.
SANDBOX_FLAGS="--faults" restart_in "$(dirname "$RUN_DIR")/rejected" \
	SPOTAGENT_LOCK_SECONDS=600
sandbox_faults "$SANDBOX_PORT" '{"faults": [{"path":
	"/v1/operations/batch", "kind": "slow", "seconds": 6}]}' >/dev/null ||
	fail "the sandbox did not take the slow fault"

# 1000000002 has a balance of GHS 250.00, so the sandbox rejects GHS 900.00.
send_transfer 1000000002 1000000001 900.00
wait_for "Operation " || fail "the result screen did not appear"
keys Escape
wait_for "5 Change password" || fail "Esc did not go back home"
keys 5
resize 40 16 "Repeat new"
wait_for "Review in the queue: 2 on the home" 75 ||
	fail "no rejection dialog with its last line within 15 s"
fits_width
on_screen "Spotbanc REJECTED operation" ||
	fail "the dialog does not say that the operation was rejected"
save_screen dialog-rejected

# The dialog opened without a key ignores keys for its first 600 ms.
sleep 0.7
keys Enter
wait_for "Repeat new" || fail "Enter did not close the rejection dialog"
on_screen "Review in the queue" && fail "the dialog is still shown"

echo "ok: compact login, home, change password, lock, dialogs and resizes"
exit 0
