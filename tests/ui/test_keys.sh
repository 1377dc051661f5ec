#!/usr/bin/env bash
# UI test: keys that must neither throw away a form nor confirm by
# accident. The real spotagent runs in a private tmux server at 80x24
# against the sandbox. Alt+key, a pasted escape sequence and an unknown
# keypad key are ignored whole instead of acting as Esc. A pasted
# transfer with line breaks stops at its confirmation, and a bracketed
# paste, even in two pieces, stays in its field. Ctrl-C opens the
# quit question, while Ctrl-Z, Ctrl-\ and Ctrl-S change nothing, and
# SIGTERM still ends the UI with the terminal modes restored. The home
# menu starts on its first item after logging in again.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup keys
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"
start_sandbox "$RUN_DIR"

# restart_agent: end the tmux session and start spotagent again, logged
# in as A1001. The shell runs it as a job of its own, as a login shell
# does, so that a SIGTSTP from Ctrl-Z would stop it. After spotagent
# ends, the shell records the terminal modes in RUN_DIR/stty.txt and
# stays, so the pane can still be read.
restart_agent() {
	local command

	tmux_run kill-session -t "$SESSION" 2>/dev/null
	rm -f "$RUN_DIR/exit-status" "$RUN_DIR/stty.txt"
	command="set -m; $(agent_command "$RUN_DIR")"
	command+=$(printf '; stty -a >%q; sleep 60' "$RUN_DIR/stty.txt")
	start_session 80 24 "$command"
	login A1001 counter-demo-1
	# A SIGTERM that lands while a receipt prints leaves it held, and
	# the next start offers it again; this test keeps it held.
	if wait_for "may not have printed" 5; then
		keys Escape
		wait_gone "may not have printed" ||
			fail "the held receipt offer did not close on Esc"
	fi
}

# agent_pid: the process id of spotagent in the pane, or nothing.
agent_pid() {
	local shell_pid

	shell_pid=$(tmux_run display-message -p -t "$SESSION" '#{pane_pid}')
	pgrep -P "$shell_pid" -f spotagent | head -n 1
}

# expect_running PID WHEN: fail unless process PID exists and is not
# stopped.
expect_running() {
	local state

	state=$(ps -o stat= -p "$1") || fail "$2 ended spotagent"
	[ "${state:0:1}" != T ] || fail "$2 stopped spotagent"
}

# send_bytes HEX...: write these bytes to spotagent in one go, as a
# terminal does for one key or a paste.
send_bytes() {
	keys -H "$@"
}

# operation_count: the number of operations in the journal.
operation_count() {
	sqlite3 "$RUN_DIR/journal.db" "SELECT count(*) FROM operations"
}

# expect_notice WHEN: fail unless the notice shows that the keys were
# ignored.
expect_notice() {
	wait_for "Unknown key ignored" ||
		fail "$1: no notice that the key was ignored"
}

check_escape_sequences() {
	restart_agent
	keys 6
	wait_for "ID number" || fail "the registration form did not open on 6"
	keys Ama
	wait_for_re 'First name +Ama' || fail "the first name is not typed"

	# Alt+a: ESC a in one write.
	keys M-a
	expect_notice "Alt+a on the registration form"
	save_screen alt-a
	on_screen "ID number" || fail "Alt+a threw the registration form away"
	on_screen_re 'First name +Ama( |$)' ||
		fail "Alt+a changed the first name"

	# Any key clears the notice. Right does, and moves nothing at the end
	# of the field.
	keys Right
	wait_gone "Unknown key ignored" || fail "Right did not clear the notice"

	# A keypad key that the terminfo entry does not know: ESC O j.
	send_bytes 1b 4f 6a
	expect_notice "ESC O j on the registration form"
	on_screen "ID number" ||
		fail "an unknown keypad key threw the registration form away"
	on_screen_re 'First name +Ama( |$)' ||
		fail "an unknown keypad key typed into the first name"

	# A lone Esc still goes back.
	keys Escape
	wait_for "1 Wallet transfer" || fail "a lone Esc did not go back home"
	save_screen lone-escape

	# A pasted colour sequence, ESC [ 3 1 m, whose 3 and 1 would pick
	# "3 Sync now" and "1 Wallet transfer".
	send_bytes 1b 5b 33 31 6d
	expect_notice "ESC [ 3 1 m on the home menu"
	save_screen pasted-sequence
	off_screen "Sender wallet" ||
		fail "the pasted sequence opened the wallet transfer"
	off_screen "Sync requested" || fail "the pasted sequence ran a sync"
	on_screen "1 Wallet transfer" || fail "the home menu is gone"
	echo "ok: Alt+key and escape sequences are ignored whole"
}

check_pasted_transfer() {
	local before after

	restart_agent
	before=$(operation_count) || fail "cannot count the operations"
	keys 1
	wait_for "Sender wallet" || fail "the transfer form did not open on 1"

	# A paste that fills the form and ends in two line breaks: the first
	# opens the confirmation, the second must not confirm it.
	tmux_run set-buffer -b transfer \
		$'1000000001\t1000000002\t\t3.00\n\n' ||
		fail "cannot fill the tmux paste buffer"
	tmux_run paste-buffer -d -b transfer -t "$SESSION" ||
		fail "cannot paste into the pane"
	wait_for_re 'Confirm wallet transfer|Operation ' ||
		fail "the pasted form did not reach its confirmation"
	sleep 1.5
	save_screen pasted-confirm
	on_screen "Confirm wallet transfer" ||
		fail "a pasted line break confirmed the transfer"
	on_screen "GHS 3.00" || fail "the confirmation does not show GHS 3.00"
	after=$(operation_count) || fail "cannot count the operations"
	[ "$after" = "$before" ] ||
		fail "the paste journaled an operation ($before before," \
			"$after after)"

	# Enter pressed once the confirmation shows still confirms.
	wait_for "Akosua Darko" || fail "the holder name did not show"
	keys Enter
	wait_for "Operation" || fail "Enter on the confirmation did nothing"
	after=$(operation_count) || fail "cannot count the operations"
	[ "$after" = "$((before + 1))" ] ||
		fail "Enter journaled $((after - before)) operations, expected 1"
	echo "ok: a pasted line break does not confirm a transfer"
}

check_control_keys() {
	local pid status

	restart_agent
	pid=$(agent_pid)
	[ -n "$pid" ] || fail "cannot find the spotagent process"

	# Ctrl-C opens the quit question, as F10 does, and Esc keeps the
	# session.
	keys C-c
	wait_for "Quit spotagent?" || fail "Ctrl-C did not ask to quit"
	save_screen ctrl-c
	keys Escape
	wait_gone "Quit spotagent?" || fail "Esc did not close the question"
	expect_running "$pid" "Ctrl-C"

	# Ctrl-S would stop the output, Ctrl-Z suspend and Ctrl-\ end the
	# process, so the queue screen opened after each shows only if the
	# session goes on.
	# shellcheck disable=SC1003 # 'C-\' is the tmux name of Ctrl-\
	for key in C-s C-z 'C-\'; do
		keys "$key"
		sleep 0.3
		expect_running "$pid" "$key"
		keys 2
		wait_for "Queue: " ||
			fail "after $key the queue screen did not show on 2"
		keys Escape
		wait_for "1 Wallet transfer" ||
			fail "after $key Esc did not go back home"
	done
	save_screen control-keys

	# SIGTERM from outside still ends the UI cleanly.
	kill -TERM "$pid"
	wait_until 50 test -s "$RUN_DIR/stty.txt" ||
		fail "spotagent did not end within 10 s of SIGTERM"
	status=$(cat "$RUN_DIR/exit-status")
	[ "$status" = "0" ] || fail "exit status $status after SIGTERM"
	grep -qE '(^| )icanon( |$)' "$RUN_DIR/stty.txt" ||
		fail "canonical input was not restored after SIGTERM"
	grep -qE '(^| )isig( |$)' "$RUN_DIR/stty.txt" ||
		fail "signal keys were not restored after SIGTERM"
	grep -qE '(^| )ixon( |$)' "$RUN_DIR/stty.txt" ||
		fail "XON/XOFF flow control was not restored after SIGTERM"
	echo "ok: Ctrl-C opens the quit question; Ctrl-Z, Ctrl-\\ and Ctrl-S are ignored"
}

# A terminal with bracketed paste marks a paste, so its tabs and line
# breaks are dropped: pasted text stays in the field it went into, even
# when the paste arrives in two pieces.
check_bracketed_paste() {
	local before after piece

	restart_agent
	before=$(operation_count) || fail "cannot count the operations"
	keys 1
	wait_for "Sender wallet" || fail "the transfer form did not open on 1"
	for piece in $'1000000001\t1000000002\t\t3.00\n' $'\n'; do
		tmux_run set-buffer -b piece "$piece" ||
			fail "cannot fill the tmux paste buffer"
		tmux_run paste-buffer -p -d -b piece -t "$SESSION" ||
			fail "cannot paste into the pane"
		sleep 0.3
	done
	wait_for "Sender wallet     10000000011000000002" ||
		fail "the bracketed paste did not stay in the sender field"
	save_screen bracketed-paste
	off_screen "Confirm wallet transfer" ||
		fail "a bracketed paste reached the confirmation"
	off_screen "Unknown key ignored" ||
		fail "the paste markers were reported as unknown keys"
	after=$(operation_count) || fail "cannot count the operations"
	[ "$after" = "$before" ] ||
		fail "the bracketed paste journaled an operation"
	echo "ok: a bracketed paste stays in its field"
}

check_home_after_login() {
	restart_agent
	keys 4
	wait_for "Agent ID" || fail "4 did not log out"

	# The login screen keeps the agent ID and puts the cursor in the
	# password field.
	keys counter-demo-1 Enter
	wait_for "1 Wallet transfer" || fail "logging in again failed"
	save_screen home-after-login
	on_screen "> 1 Wallet transfer" ||
		fail "the home menu does not start on its first item"
	keys Enter
	wait_for "Sender wallet" ||
		fail "Enter after logging in again did not open item 1"
	echo "ok: the home menu starts on item 1 after every login"
}

check_escape_sequences
check_pasted_transfer
check_bracketed_paste
check_control_keys
check_home_after_login
