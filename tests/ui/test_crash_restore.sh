#!/usr/bin/env bash
# UI test: a crash while the terminal UI controls the terminal. The real
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

ui_setup crash
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"

start_sandbox "$RUN_DIR"

# After spotagent ends, the same non-interactive shell records the
# terminal modes, which nothing but spotagent's own handler restores, and
# then stays so the pane can be read.
command=$(agent_command "$RUN_DIR")
command+=$(printf '; stty -a >%q; sleep 60' "$RUN_DIR/stty.txt")
start_session 80 24 "$command"
login A1001 counter-demo-1
save_screen home

shell_pid=$(tmux_run display-message -p -t "$SESSION" '#{pane_pid}')
agent_pid=$(pgrep -P "$shell_pid" -f spotagent | head -n 1)
[ -n "$agent_pid" ] || fail "cannot find the spotagent process"
kill -SEGV "$agent_pid"

wait_until 50 test -s "$RUN_DIR/stty.txt" ||
	fail "spotagent did not end within 10 s"
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
