#!/usr/bin/env bash
# UI test: a rejection reason longer than one row wraps onto the rows
# under the result screen's state line, whole, and the receipt preview
# moves down below it. The real spotagent runs in a private tmux server
# against a sandbox whose cash-out codes live 2 s. A cash-out whose code
# is typed 3 s later is rejected with a reason that takes two rows at
# 80x24 and three at 40x16.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup long-reasons

# expect_screen_rows FIRST LAST NAME: as expect_rows, with the operation
# id on the screen replaced by OPERATION-ID, because it differs each run.
expect_screen_rows() {
	local expected i shown

	expected=$(cat)
	for ((i = 0; i < 25; i++)); do
		shown=$(screen_rows "$1" "$2" | sed -E \
			's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/OPERATION-ID/')
		[ "$shown" = "$expected" ] && return 0
		sleep 0.2
	done
	echo "--- $3: expected (<) and shown (>) ---" >&2
	diff <(echo "$expected") <(echo "$shown") >&2
	return 1
}

SANDBOX_FLAGS="--code-ttl 2" start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24 SPOTAGENT_LOCK_SECONDS=600
login A1001 counter-demo-1
DB=$RUN_DIR/sandbox.db
wait_for_reference_data "$RUN_DIR/journal.db"

# A cash-out whose code has expired by the time the agent confirms.
open_service 2 "Cash-out code"
keys 1000000001 Tab
wait_for "Kofi Boateng" || fail "the cash-out form does not show the holder"
keys Tab 50.00
wait_for "50.00" || fail "the amount is not on the cash-out form"
keys Enter
wait_for_re 'Code sent to \+233[*]+01' || fail "no cash-out code was sent"
code=$(cash_out_code "$DB" 1000000001) ||
	fail "the sandbox has no cash-out code for 1000000001"
sleep 3
keys "$code" Enter
wait_for "Confirm cash-out" || fail "the cash-out confirmation did not open"
keys Enter
wait_for "REJECTED" 100 || fail "the cash-out was not REJECTED within 20 s"
save_screen rejected-wide
expect_screen_rows 3 7 "the wrapped reason at 80x24" <<'EOF' ||
  REJECTED: The cash-out code has expired, so ask the customer to request a
  new one.
  Operation OPERATION-ID
  Rejection notice printed
EOF
	fail "the reason is not wrapped whole above the operation id at 80x24"
screen_rows 8 8 | grep -qE '^ +┌─ Receipt ─+┐$' ||
	fail "the receipt preview does not start under the moved rows"

# The same result at 40x16: three rows of reason, then the rest.
resize 40 16 "new one."
save_screen rejected-compact
expect_screen_rows 2 6 "the wrapped reason at 40x16" <<'EOF' ||
 REJECTED: The cash-out code has
 expired, so ask the customer to
 request a new one.
Op OPERATION-ID
Rejection notice printed
EOF
	fail "the reason is not wrapped whole above the operation id at 40x16"
screen_rows 7 7 | grep -qE '^ +┌─ Receipt ─+┐$' ||
	fail "the receipt preview does not start under the reason at 40x16"
resize 80 24 "request a"

quit_agent "$RUN_DIR"
echo "ok: a long rejection reason wraps above the receipt preview"
exit 0
