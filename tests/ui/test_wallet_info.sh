#!/usr/bin/env bash
# UI test of the balance and mini-statement screen: the real spotagent in
# a private tmux server at 80x24 against the sandbox. After a wallet
# transfer is confirmed, the receiver's wallet shows its holder, the
# balance the sandbox has and the transfer at the top of its last
# movements; at 40x16 the same screen keeps the balance and the movement.
# A wallet the sandbox does not know gets its message. With the sandbox
# stopped the screen says that it needs the link.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup wallet-info

# format_minor MINOR: print minor units of GHS as "1,234.50".
format_minor() {
	python3 -c '
import sys
minor = int(sys.argv[1])
print(f"{minor // 100:,}.{minor % 100:02d}")
' "$1"
}

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1

send_transfer 1000000001 1000000002 3.00
wait_for "CONFIRMED" 100 || fail "the transfer was not CONFIRMED in 20 s"
keys Enter
wait_for "8 Money services" || fail "Enter on the result did not go home"
balance=$(balance_of "$RUN_DIR/sandbox.db" 1000000002)
[ -n "$balance" ] || fail "the sandbox has no wallet 1000000002"
shown=$(format_minor "$balance")

open_service 5 "Wallet account"
keys 1000000002 Enter
wait_for "Holder" 50 || fail "the balance did not arrive in 10 s"
wait_for "Last movements" 50 || fail "the statement did not arrive in 10 s"
save_screen statement
on_screen_re "Balance +GHS $shown" ||
	fail "the balance is not GHS $shown as the sandbox holds"
first=$(screen_rows 11 11)
grep -qF "+GHS 3.00" <<<"$first" ||
	fail "the newest movement is not +GHS 3.00: '$first'"

resize 40 16 "Last movements"
save_screen statement-40x16
on_screen "GHS $shown" || fail "the compact screen lacks the balance"
on_screen "+3.00" || fail "the compact screen lacks the +3.00 movement"
resize 80 24 "Last movements"

# An unknown wallet: the sandbox's message, and nothing else shown.
keys C-u
erase 10
keys 1999999999 Enter
wait_gone "Holder" 50 || fail "the old holder stayed for another wallet"
wait_for_re "not found|No wallet|no wallet" 50 ||
	fail "an unknown wallet got no message"
save_screen unknown-wallet

# Offline.
sandbox_stop
keys F5
wait_for "need the link to the central service" 100 ||
	fail "the screen does not say that it needs the link"
save_screen offline
keys Escape
wait_for "Money services" || fail "Esc did not go back to the services"
keys Escape
wait_for "8 Money services" || fail "Esc did not go back home"
quit_agent "$RUN_DIR"
echo "PASS: balance and statement"
