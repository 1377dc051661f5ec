#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server at 80x24
# against the sandbox and open "7 Find customer". A seeded customer must
# be found by phone and by wallet at Spotbanc, an unknown phone must get
# a not-found message, and with the sandbox stopped the customer must
# come from the terminal's cache. Screens are saved in the run folder.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

BIN=$PWD/build/spotagent
TMUX_SOCKET=spotagent-ui-$$
SESSION=ui

# Akosua Darko of the sandbox's seed (tests/sandbox/store.py), her
# wallet, and a Ghana number no seeded customer has.
AKOSUA_PHONE=+233244000002
AKOSUA_WALLET=1000000002
UNKNOWN_PHONE=0244999111

# tmux and spotagent both need a UTF-8 locale for names and box lines.
export LANG=C.UTF-8
export LC_ALL=C.UTF-8

mkdir -p build/test-runs || exit 1
RUN_DIR=$(mktemp -d "$PWD/build/test-runs/ui-find-customer.XXXXXX") || exit 1

trap cleanup EXIT

[ -x "$BIN" ] || fail "$BIN is missing; run make first"
command -v tmux >/dev/null || fail "tmux is not installed"

sandbox_start "$RUN_DIR" || fail "the sandbox did not start"
write_config "$RUN_DIR" "$SANDBOX_PORT" || fail "cannot write the config"

# The pane runs spotagent and then records its exit status. Stderr goes
# to a file because curses owns the terminal.
command=$(printf '%q --config %q 2>%q; echo $? >%q' "$BIN" \
	"$RUN_DIR/spotagent.conf" "$RUN_DIR/stderr.txt" \
	"$RUN_DIR/exit-status")
tmux_run new-session -d -s "$SESSION" -x 80 -y 24 "$command" ||
	fail "cannot start tmux"
wait_for_size 80x24 || fail "the tmux pane is not 80x24"

# Log in.
wait_for "Agent ID" || fail "the login screen did not appear"
keys A1001 Enter
keys counter-demo-1 Enter
wait_for "7 Find customer" ||
	fail "the home menu has no '7 Find customer' after login"
save_screen home
for item in "1 Wallet transfer" "2 Queue" "3 Sync now" "4 Log out" \
	"5 Change password" "6 Register customer"; do
	capture | grep -qF -- "$item" ||
		fail "the home menu does not list '$item'"
done

# clear_field: the field is 20 characters wide.
clear_field() {
	local i

	for ((i = 0; i < 20; i++)); do
		keys BSpace
	done
}

keys 7
wait_for "Phone or wallet" || fail "the find screen did not open on 7"

# By phone, online.
keys "$AKOSUA_PHONE" Enter
wait_for "from Spotbanc" || fail "no profile from Spotbanc for $AKOSUA_PHONE"
for text in "Akosua Darko" "$AKOSUA_PHONE" 1992-11-02 "passport G1234567" \
	"4 Harper Road, Kumasi" "$AKOSUA_WALLET"; do
	capture | grep -qF -- "$text" ||
		fail "the profile found by phone does not show '$text'"
done
save_screen by-phone

# An unknown phone, in the national form.
clear_field
keys "$UNKNOWN_PHONE" Enter
wait_for "No such customer at Spotbanc" ||
	fail "no not-found message for $UNKNOWN_PHONE"
capture | grep -qF "Akosua Darko" &&
	fail "the profile stayed on the screen after a failed lookup"
save_screen unknown

# By wallet, online; the failed lookup before cleared the profile.
clear_field
keys "$AKOSUA_WALLET" Enter
wait_for "from Spotbanc" || fail "no profile from Spotbanc for the wallet"
capture | grep -qF "Akosua Darko" ||
	fail "the wallet $AKOSUA_WALLET did not find Akosua Darko"
save_screen by-wallet

# With the sandbox stopped, the lookups above answer from the cache.
sandbox_stop
clear_field
keys "$AKOSUA_WALLET" Enter
wait_for "cache (may be out of date)" 100 ||
	fail "no cached profile while Spotbanc is down"
capture | grep -qF "Akosua Darko" ||
	fail "the cached profile is not Akosua Darko's"
save_screen cached

# Home, then quit through the confirmation dialog.
keys Escape
wait_for "7 Find customer" || fail "Esc did not go home"
keys F10
wait_for "Quit spotagent?" || fail "F10 did not ask to quit"
keys Enter
for ((i = 0; i < 50; i++)); do
	[ -s "$RUN_DIR/exit-status" ] && break
	sleep 0.2
done
[ -s "$RUN_DIR/exit-status" ] || fail "spotagent did not exit within 10 s"
status=$(cat "$RUN_DIR/exit-status")
[ "$status" = "0" ] || fail "spotagent exited with status $status"

echo "ok: Akosua Darko found by phone and wallet, online and from the cache"
exit 0
