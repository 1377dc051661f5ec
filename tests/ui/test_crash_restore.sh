#!/usr/bin/env bash
# UI test: a crash while the terminal UI holds the terminal. The real
# spotagent runs in a private tmux server at 80x24 against the sandbox;
# after a login the test sends it SIGSEGV and checks that the terminal
# modes are back (echo, canonical input), the alternate screen is gone,
# one line on stderr says what happened, and the journal is intact.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

BIN=$PWD/build/spotagent
TMUX_SOCKET=spotagent-crash-$$
SESSION=ui

export LANG=C.UTF-8
export LC_ALL=C.UTF-8

mkdir -p build/test-runs || exit 1
RUN_DIR=$(mktemp -d "$PWD/build/test-runs/ui-crash.XXXXXX") || exit 1
trap cleanup EXIT

[ -x "$BIN" ] || fail "$BIN is missing; run make first"
command -v tmux >/dev/null || fail "tmux is not installed"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"

sandbox_start "$RUN_DIR" || fail "the sandbox did not start"
write_config "$RUN_DIR" "$SANDBOX_PORT" || fail "cannot write the config"

# After spotagent ends, the same non-interactive shell records the
# terminal modes, which nothing but spotagent's own handler restores, and
# then stays so the pane can be read.
command=$(printf '%q --config %q 2>%q; echo $? >%q; stty -a >%q; sleep 60' \
	"$BIN" "$RUN_DIR/spotagent.conf" "$RUN_DIR/stderr.txt" \
	"$RUN_DIR/exit-status" "$RUN_DIR/stty.txt")
tmux_run new-session -d -s "$SESSION" -x 80 -y 24 "$command" ||
	fail "cannot start tmux"

wait_for "Agent ID" || fail "the login screen did not appear"
keys C-u A1001 Enter
keys counter-demo-1 Enter
wait_for "1 Wallet transfer" || fail "the home menu did not appear"
save_screen home

shell_pid=$(tmux_run display-message -p -t "$SESSION" '#{pane_pid}')
agent_pid=$(pgrep -P "$shell_pid" -f spotagent | head -n 1)
[ -n "$agent_pid" ] || fail "cannot find the spotagent process"
kill -SEGV "$agent_pid"

for ((i = 0; i < 50; i++)); do
	[ -s "$RUN_DIR/stty.txt" ] && break
	sleep 0.2
done
[ -s "$RUN_DIR/stty.txt" ] || fail "spotagent did not end within 10 s"
save_screen after-crash

status=$(cat "$RUN_DIR/exit-status")
[ "$status" -eq 139 ] ||
	fail "exit status $status, expected 139 (ended by SIGSEGV)"
grep -qF "spotagent: stopped by signal 11." "$RUN_DIR/stderr.txt" ||
	fail "stderr does not say which signal stopped spotagent"
grep -qE '(^| )icanon( |$)' "$RUN_DIR/stty.txt" ||
	fail "canonical input was not restored: $(cat "$RUN_DIR/stty.txt")"
grep -qE '(^| )echo( |$)' "$RUN_DIR/stty.txt" ||
	fail "echo was not restored: $(cat "$RUN_DIR/stty.txt")"

# Leaving the alternate screen brings back the shell's screen, which
# had nothing on it, so nothing of the home menu may be left.
capture | grep -qF "Wallet transfer" &&
	fail "the UI is still on the screen after the crash"

check=$(sqlite3 "$RUN_DIR/journal.db" "PRAGMA integrity_check")
[ "$check" = ok ] || fail "journal integrity check says: $check"
agents=$(sqlite3 "$RUN_DIR/journal.db" \
	"SELECT count(*) FROM credentials WHERE agent_id = 'A1001'")
[ "$agents" -eq 1 ] ||
	fail "the offline verifier of the login is not in the journal"
echo "ok: terminal restored and journal intact after SIGSEGV"
