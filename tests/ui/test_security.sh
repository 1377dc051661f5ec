#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server at 80x24
# against the sandbox with a 6-second idle lock. It checks that the lock
# hides a half-filled transfer form, ignores Esc, rejects a wrong
# password, and gives the form back intact. Then it changes the password
# through the home menu and logs in with the new one. With short-lived
# tokens it checks the password prompt of an expired session, and with
# the sandbox stopped an offline login.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup security

NEW_PASSWORD=Harmattan-2027

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24 SPOTAGENT_LOCK_SECONDS=6

# The login screen itself never locks.
wait_for "Agent ID" || fail "the login screen did not appear"
sleep 7
on_screen "Terminal locked" && fail "the login screen locked"
login A1001 counter-demo-1
save_screen home
on_screen "5 Change password" || fail "the home menu has no Change password"

# Half-fill the transfer form, then wait for the lock.
keys 1
wait_for "Sender wallet" || fail "the transfer form did not open on 1"
keys 1000000001 Tab 1000000002
wait_for "1000000002" || fail "the receiver wallet did not appear"
wait_for "Terminal locked" 75 || fail "the terminal did not lock within 15 s"
save_screen locked
for hidden in "Sender wallet" 1000000001 1000000002 "Wallet transfer"; do
	on_screen "$hidden" && fail "the lock screen shows '$hidden'"
done

# Esc does not unlock, and neither does a wrong password.
keys Escape
sleep 0.5
on_screen "Terminal locked" || fail "Esc took the lock screen away"
keys wrong-password-1 Enter
wait_for "Wrong password" ||
	fail "a wrong password got no message"
on_screen "Terminal locked" || fail "a wrong password unlocked"
on_screen "wrong-password-1" && fail "the typed password is on the screen"
save_screen wrong-password

keys counter-demo-1 Enter
wait_for "Sender wallet" || fail "the right password did not unlock"
save_screen unlocked
check_form_input 1000000001 1000000002 "after unlocking"

# Change the password: first a rule broken on the terminal.
keys Escape
wait_for "5 Change password" || fail "Esc did not go back home"
keys 5
wait_for "Old password" || fail "5 did not open the Change password screen"
keys counter-demo-1 Tab short1 Tab short1 Enter
wait_for "it must be 10 to 64 characters" ||
	fail "a short new password got no rule message"
on_screen "short1" && fail "a typed password is on the screen"
save_screen password-rule

# Then a wrong old password, which the central service rejects.
keys Escape
wait_for "5 Change password" || fail "Esc did not leave the password screen"
keys 5
wait_for "Old password" || fail "5 did not open the screen again"
keys not-the-password-1 Tab "$NEW_PASSWORD" Tab "$NEW_PASSWORD" Enter
wait_for "Old password is wrong" || fail "a wrong old password got no message"
save_screen password-wrong-old

keys Escape
wait_for "5 Change password" || fail "Esc did not leave the password screen"
keys 5
wait_for "Old password" || fail "5 did not open the screen a third time"
keys counter-demo-1 Tab "$NEW_PASSWORD" Tab "$NEW_PASSWORD" Enter
wait_for "Password changed" || fail "the change got no 'Password changed'"
save_screen password-changed

# The new password logs in; the old one no longer does.
keys 4
wait_for "Agent ID" || fail "4 did not log out"
keys counter-demo-1 Enter
wait_for "password is incorrect" || fail "the old password still works"
keys "$NEW_PASSWORD" Enter
wait_for "1 Wallet transfer" || fail "the new password did not log in"
save_screen new-password

# F10 on the lock screen offers log out, which goes to the login screen.
wait_for "Terminal locked" 40 || fail "the home screen did not lock"
keys F10
wait_for "1 Log out" || fail "F10 on the lock screen offered no log out"
save_screen lock-logout
keys 1
wait_for "Agent login" || fail "1 did not log out from the lock screen"
on_screen "not logged in" || fail "the status bar still shows the agent"

quit_agent "$RUN_DIR"
grep -qE "counter-demo|$NEW_PASSWORD|wrong-password|not-the-password" \
	"$RUN_DIR/spotagent.log" && fail "a password is in the log"

# Session expiry: a sandbox whose tokens live 2 s, and no idle lock in
# the way. The lookup on the confirmation screen meets an expired token.
expire_at_lookup "$RUN_DIR/expiry"
pause_at_prompt
save_screen session-expired
on_screen "1000000002" && fail "the password prompt shows the receiver"

# Esc: no lookup, and the transfer stays as typed.
keys Escape
wait_for "Session expired: not checked" || fail "Esc gave no message"
on_screen "GHS 3.00" || fail "after Esc the confirmation lost the amount"
on_screen "1000000002" || fail "after Esc the confirmation lost the receiver"
save_screen session-not-checked

# Again, now logging in: the lookup is sent again and succeeds.
keys Escape
wait_for "Receiver wallet   1000000002" || fail "Esc lost the form input"
sleep 3
keys Enter
wait_for "Session expired" || fail "the second lookup did not ask to log in"
pause_at_prompt
keys counter-demo-1 Enter
wait_for "Akosua Darko" 75 ||
	fail "the lookup was not sent again after logging in"
on_screen "GHS 3.00" || fail "after logging in the amount is gone"
save_screen session-renewed

# A password change that meets an expired token: after the new login
# the change goes again with the form as typed.
keys Escape
wait_for "Sender wallet" || fail "Esc did not go back to the form"
keys Escape
wait_for "5 Change password" || fail "Esc did not go back home"
keys 5
wait_for "Repeat" || fail "5 did not open the password form"
keys counter-demo-1 Tab "$NEW_PASSWORD" Tab "$NEW_PASSWORD"
sleep 3
keys Enter
wait_for "Session expired" || fail "the change did not ask to log in"
pause_at_prompt
save_screen password-session-expired
keys counter-demo-1 Enter
wait_for "Password changed" 75 ||
	fail "the change was not sent again after logging in"
save_screen password-changed-after-login

# A customer lookup that meets an expired token is sent again after the
# new login, with the number still typed.
wait_for "7 Find customer" || fail "the password change did not go home"
keys 7
wait_for_re '^ *Find customer *$' || fail "7 did not open the find screen"
keys 0244000001
sleep 3
keys Enter
wait_for "Session expired" || fail "the lookup did not ask to log in"
pause_at_prompt
save_screen lookup-session-expired
keys "$NEW_PASSWORD" Enter
wait_for "Kofi" 75 || fail "the lookup was not sent again after logging in"
on_screen "0244000001" || fail "the typed number is gone after logging in"
save_screen lookup-after-login
keys Escape Escape

# Offline login: the central service is gone, and the agent logged in
# online on this terminal a moment ago. The verifier has the new
# password.
wait_for "4 Log out" || fail "Esc did not go back home"
keys 4
wait_for "Agent ID" || fail "4 did not log out"
sandbox_stop
keys "$NEW_PASSWORD" Enter
wait_for "OFFLINE LOGIN" || fail "the status bar does not show OFFLINE LOGIN"
save_screen offline-login
fill_transfer 1000000001 1000000002 3.00
keys Enter
wait_for "not checked: offline login" ||
	fail "the offline confirmation does not skip the lookup"
save_screen offline-confirm

echo "ok: idle lock, unlock with the form intact, password change," \
	"expired session for a lookup and a password change, offline login"
exit 0
