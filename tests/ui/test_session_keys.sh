#!/usr/bin/env bash
# UI test: keys that the agent goes on typing while the "Session expired"
# prompt opens must not reach its password field. The real spotagent
# runs at 80x24 in a private tmux server against a sandbox whose tokens
# live 3 s. The wallet lookup of a cash-out form meets the expired token
# while the agent types the rest of the form a key every 0.1 s. The
# prompt must drop those keys, submit no password, say so, and take the
# password typed after a pause.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup session-keys

# type_slowly KEY...: press each KEY 0.1 s after the one before, as an
# agent who types on without looking at the screen.
type_slowly() {
	local key

	for key in "$@"; do
		keys "$key"
		sleep 0.1
	done
}

SANDBOX_FLAGS="--token-ttl 3" start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24 SPOTAGENT_LOCK_SECONDS=600
login A1001 counter-demo-1
open_service 2 "Cash-out code"
sleep 4

# The Tab after the wallet starts its lookup, which meets the expired
# token, and the keys after it reach the terminal while the prompt opens.
type_slowly 1 0 0 0 0 0 0 0 0 1 Tab Tab 1 2 . 3 4 Enter Enter
wait_for "Session expired" || fail "the expired token did not ask to log in"
sleep 1
save_screen typed-on
on_screen "Checking the password" && fail "the typed keys were submitted"
on_screen "Wrong password" &&
	fail "the typed keys were checked as a password"
on_screen "Keys typed as this prompt opened were dropped" ||
	fail "the prompt does not say that it dropped keys"
on_screen_re 'Password +\*' && fail "the password field holds typed keys"
grep -q "wrong password" "$RUN_DIR/spotagent.log" &&
	fail "the log records a wrong password that the agent never typed"

# After a pause the prompt takes the password, and the lookup is sent
# again with the wallet that was typed before the prompt opened.
keys counter-demo-1 Enter
wait_gone "Session expired" || fail "the password after a pause did not log in"
wait_for "Kofi Boateng" 75 ||
	fail "the wallet lookup was not sent again after logging in"
on_screen "12.34" && fail "keys typed under the prompt reached the form"
save_screen logged-in-again
grep -q "wrong password" "$RUN_DIR/spotagent.log" &&
	fail "the log records a wrong password"

quit_agent "$RUN_DIR"
echo "ok: keys typed while the session prompt opens are dropped"
exit 0
