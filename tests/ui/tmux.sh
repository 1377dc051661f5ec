# shellcheck shell=bash
# tmux helpers for the UI test scripts: a private tmux server, screen
# captures saved in RUN_DIR, keys, bounded waits, and the key sequences
# that several scripts share. The script sources tests/lib.sh (for the
# sandbox) and this file, then calls ui_setup from the top of the
# repository before anything else here.

SCREEN_COUNT=0

# ui_setup NAME: set BIN, TMUX_SOCKET, SESSION and a UTF-8 locale, make
# RUN_DIR as build/test-runs/ui-NAME.XXXXXX, stop the tmux server and the
# sandbox on exit, and fail unless build/spotagent and tmux are there.
ui_setup() {
	BIN=$PWD/build/spotagent
	TMUX_SOCKET=spotagent-$1-$$
	SESSION=ui

	# tmux and spotagent both need a UTF-8 locale for names and box lines.
	export LANG=C.UTF-8
	export LC_ALL=C.UTF-8

	mkdir -p build/test-runs || exit 1
	RUN_DIR=$(mktemp -d "$PWD/build/test-runs/ui-$1.XXXXXX") || exit 1
	trap cleanup EXIT

	[ -x "$BIN" ] || fail "$BIN is missing; run make first"
	command -v tmux >/dev/null || fail "tmux is not installed"
}

# tmux_run ARG...: run tmux on the script's private server.
tmux_run() {
	tmux -L "$TMUX_SOCKET" -f /dev/null "$@"
}

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
	tmux_run kill-server 2>/dev/null
	# tmux 3.3 can leave the socket file of an exited server behind.
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCKET"
	sandbox_stop
}

capture() {
	tmux_run capture-pane -p -t "$SESSION" 2>/dev/null
}

# save_screen NAME: keep the current screen as RUN_DIR/screen-NN-NAME.txt.
save_screen() {
	SCREEN_COUNT=$((SCREEN_COUNT + 1))
	capture >"$(printf '%s/screen-%02d-%s.txt' "$RUN_DIR" \
		"$SCREEN_COUNT" "$1")"
}

# fail MESSAGE...: print MESSAGE and the screen, save the screen, and
# exit 1. Called in a command substitution, it ends only that subshell.
fail() {
	echo "FAIL: $*" >&2
	save_screen failure
	echo "--- screen at the failure ---" >&2
	capture >&2
	echo "--- screens, logs and receipts are in $RUN_DIR ---" >&2
	exit 1
}

keys() {
	tmux_run send-keys -t "$SESSION" "$@"
}

# erase COUNT: press Backspace COUNT times.
erase() {
	local i

	for ((i = 0; i < $1; i++)); do
		keys BSpace
	done
}

# on_screen TEXT: whether the screen shows the fixed string TEXT now.
on_screen() {
	capture | grep -qF -- "$1"
}

# off_screen TEXT: whether the screen does not show TEXT now.
off_screen() {
	! on_screen "$1"
}

# on_screen_re REGEX: whether a line of the screen matches the extended
# regular expression REGEX now.
on_screen_re() {
	capture | grep -qE -- "$1"
}

# wait_until TRIES COMMAND [ARG...]: run COMMAND every 0.2 s, at most
# TRIES times, until it succeeds. Returns 1 when it never does.
wait_until() {
	local tries=$1 i

	shift
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# wait_for TEXT [TRIES]: poll the screen every 0.2 s, at most TRIES times
# (default 50, 10 s), until it shows TEXT. Returns 1 when it never does.
wait_for() {
	wait_until "${2:-50}" on_screen "$1"
}

# wait_for_re REGEX [TRIES]: as wait_for, with an extended regular
# expression.
wait_for_re() {
	wait_until "${2:-50}" on_screen_re "$1"
}

# wait_gone TEXT [TRIES]: as wait_for, until the screen no longer shows
# TEXT.
wait_gone() {
	wait_until "${2:-50}" off_screen "$1"
}

# wait_for_size WIDTHxHEIGHT: at most 25 checks 0.2 s apart.
wait_for_size() {
	local i size

	for ((i = 0; i < 25; i++)); do
		size=$(tmux_run display-message -p -t "$SESSION" \
			'#{pane_width}x#{pane_height}')
		if [ "$size" = "$1" ]; then
			return 0
		fi
		sleep 0.2
	done
	echo "pane is $size, expected $1" >&2
	return 1
}

# resize WIDTH HEIGHT [TEXT]: resize the window and wait for the pane to
# have that size. With TEXT, also wait until spotagent has drawn TEXT,
# and give it 0.3 s more to finish the screen.
resize() {
	tmux_run resize-window -t "$SESSION" -x "$1" -y "$2" ||
		fail "cannot resize the window to $1x$2"
	wait_for_size "$1x$2" || fail "the pane did not become $1x$2"
	if [ $# -gt 2 ]; then
		wait_for "$3" ||
			fail "after resizing to $1x$2, '$3' did not appear"
		sleep 0.3
	fi
}

# screen_rows FIRST LAST: pane lines FIRST to LAST (from 1, the status
# bar), without trailing blanks.
screen_rows() {
	capture | sed -n "$1,$2p" | sed 's/[[:space:]]*$//'
}

# expect_rows FIRST LAST NAME: compare pane lines FIRST to LAST with the
# expected text on stdin, retrying for at most 5 s while the screen
# settles. Prints a diff and returns 1 when they still differ.
expect_rows() {
	local expected i

	expected=$(cat)
	for ((i = 0; i < 25; i++)); do
		[ "$(screen_rows "$1" "$2")" = "$expected" ] && return 0
		sleep 0.2
	done
	echo "--- $3: expected (<) and shown (>) ---" >&2
	diff <(echo "$expected") <(screen_rows "$1" "$2") >&2
	return 1
}

# agent_command DIR [NAME=VALUE...]: print a shell command that runs
# spotagent with DIR/spotagent.conf and the given environment, with
# stderr in DIR/stderr.txt (curses owns the terminal) and the exit status
# in DIR/exit-status.
agent_command() {
	local dir=$1

	shift
	if [ $# -gt 0 ]; then
		printf '%q ' "$@"
	fi
	printf '%q --config %q 2>%q; echo $? >%q' "$BIN" \
		"$dir/spotagent.conf" "$dir/stderr.txt" "$dir/exit-status"
}

# start_session WIDTH HEIGHT COMMAND: run the shell command COMMAND in a
# new tmux session of that size and wait for the pane to have it. A
# server still shutting down can refuse the session, so it is tried up
# to 3 times.
start_session() {
	local i

	for ((i = 0; i < 3; i++)); do
		tmux_run new-session -d -s "$SESSION" -x "$1" -y "$2" "$3" &&
			break
		sleep 0.2
	done
	[ "$i" -lt 3 ] || fail "cannot start a $1x$2 tmux session"
	wait_for_size "$1x$2" || fail "the tmux pane is not $1x$2"
}

# start_agent DIR WIDTH HEIGHT [NAME=VALUE...]: start_session with the
# agent_command of DIR and that environment.
start_agent() {
	local dir=$1 width=$2 height=$3

	shift 3
	start_session "$width" "$height" "$(agent_command "$dir" "$@")"
}

# start_sandbox DIR: start the sandbox in DIR and write DIR/spotagent.conf
# for it. SANDBOX_FLAGS passes options, as for sandbox_start.
start_sandbox() {
	sandbox_start "$1" || fail "the sandbox in $1 did not start"
	write_config "$1" "$SANDBOX_PORT" ||
		fail "cannot write the config in $1"
}

# restart_in DIR [NAME=VALUE...]: stop the sandbox and the tmux server,
# make DIR the RUN_DIR, and start there a new sandbox (options from
# SANDBOX_FLAGS) and spotagent at 80x24 with that environment, logged in
# as A1001.
restart_in() {
	local dir=$1

	shift
	sandbox_stop
	tmux_run kill-server 2>/dev/null
	RUN_DIR=$dir
	start_sandbox "$RUN_DIR"
	start_agent "$RUN_DIR" 80 24 "$@"
	login A1001 counter-demo-1
}

# expire_at_lookup DIR: restart_in DIR with 2-second tokens and a 600 s
# idle lock, fill a transfer, and press Enter 3 s later. The lookup on
# the confirmation screen then meets an expired token and must show
# "Session expired".
expire_at_lookup() {
	SANDBOX_FLAGS="--token-ttl 2" restart_in "$1" \
		SPOTAGENT_LOCK_SECONDS=600
	fill_transfer 1000000001 1000000002 3.00
	sleep 3
	keys Enter
	wait_for "Session expired" ||
		fail "an expired token did not ask to log in"
}

# login AGENT PASSWORD [HOME_TEXT]: from the login screen, clear the agent
# ID field, log in, and wait for HOME_TEXT (default "1 Wallet transfer")
# on the home menu.
login() {
	local home=${3:-1 Wallet transfer}

	wait_for "Agent ID" || fail "the login screen did not appear"
	keys C-u "$1" Enter
	keys "$2" Enter
	wait_for "$home" ||
		fail "the home menu has no '$home' after logging in as $1"
}

# quit_agent DIR: quit through F10 and its confirmation, check that
# spotagent wrote exit status 0 to DIR/exit-status within 10 s, and end
# the tmux session.
quit_agent() {
	local status

	keys F10
	wait_for "Quit spotagent?" || fail "F10 did not ask to quit"
	save_screen quit
	keys Enter
	wait_until 50 test -s "$1/exit-status" ||
		fail "spotagent did not exit within 10 s"
	status=$(cat "$1/exit-status")
	[ "$status" = "0" ] || fail "spotagent exited with status $status"
	tmux_run kill-session -t "$SESSION" 2>/dev/null
	return 0
}

# shown_operation_id: the operation id that the screen shows after
# "Operation ", the first one when there are several.
shown_operation_id() {
	capture | sed -n 's/.*Operation \([0-9a-f-]\{36\}\).*/\1/p' |
		head -n 1
}

# fill_transfer SENDER RECEIVER AMOUNT: from the home menu, open "1 Wallet
# transfer" and type the two wallets and the amount, keeping the
# prefilled currency. The cursor stays in the amount field.
fill_transfer() {
	keys 1
	wait_for "Sender" || fail "the transfer form did not open on 1"
	keys "$1" Tab "$2" Tab
	wait_for "$2" || fail "the receiver wallet $2 is not on the form"
	keys Tab "$3"
	wait_for "$3" || fail "the amount $3 is not on the form"
}

# send_transfer SENDER RECEIVER AMOUNT: fill_transfer, Enter on the form,
# and Enter on the confirmation once it shows GHS AMOUNT. The result
# screen follows.
send_transfer() {
	fill_transfer "$@"
	keys Enter
	wait_for "GHS $3" || fail "the confirmation does not show GHS $3"
	save_screen "confirm-$3"
	keys Enter
}

# check_form_input SENDER RECEIVER WHEN: fail, naming WHEN, unless the
# wide transfer form shows SENDER and RECEIVER in their fields.
check_form_input() {
	local screen

	screen=$(capture)
	grep -q "Sender wallet *$1" <<<"$screen" ||
		fail "$3: the sender wallet input is gone"
	grep -q "Receiver wallet *$2" <<<"$screen" ||
		fail "$3: the receiver wallet input is gone"
}

# register_customer FIRST LAST PHONE BORN PASSPORT ADDRESS: from the home
# menu, fill "6 Register customer" with a passport as the ID and no
# e-mail, and press Enter on the form and on its confirmation. The result
# screen follows.
register_customer() {
	keys 6
	wait_for "ID number" || fail "the registration form did not open on 6"
	keys "$1" Tab "$2" Tab "$3" Tab "$4" Tab 2 Tab "$5" Tab "$6" Tab Enter
	wait_for "Confirm customer registration" ||
		fail "the registration of $1 $2 did not reach its confirmation"
	keys Enter
}

# find_customer NUMBER TEXT: from the home menu, open "7 Find customer",
# look NUMBER up and wait at most 10 s for TEXT.
find_customer() {
	keys 7
	wait_for_re '^ *Find customer *$' ||
		fail "7 did not open the find screen"
	keys "$1" Enter
	wait_for "$2" || fail "looking up $1 did not show '$2'"
}

# expect_one_ledger_row OPERATION_ID: fail unless the sandbox database in
# RUN_DIR has exactly one ledger row for OPERATION_ID.
expect_one_ledger_row() {
	local count

	count=$(ledger_count "$RUN_DIR/sandbox.db" "$1") ||
		fail "cannot count the ledger rows"
	[ "$count" = "1" ] ||
		fail "the ledger has $count rows for operation $1, expected 1"
}

# cursor_position: print the pane's cursor position as COLUMN,ROW, both
# counted from 0.
cursor_position() {
	tmux_run display-message -p -t "$SESSION" '#{cursor_x},#{cursor_y}'
}

# cursor_is COLUMN ROW: whether the cursor is at COLUMN, ROW now.
cursor_is() {
	[ "$(cursor_position)" = "$1,$2" ]
}

# expect_cursor COLUMN ROW WHEN: wait at most 5 s for the cursor to be at
# COLUMN, ROW, and fail naming WHEN if it never is.
expect_cursor() {
	wait_until 25 cursor_is "$1" "$2" ||
		fail "$3: the cursor is at $(cursor_position), expected $1,$2"
}

# repeat TEXT COUNT: print TEXT COUNT times, without a newline.
repeat() {
	local i

	for ((i = 0; i < $2; i++)); do
		printf '%s' "$1"
	done
}

# receipt_count TEXT: print how many times the printer file
# RUN_DIR/receipts.bin contains the bytes of TEXT.
receipt_count() {
	python3 -c '
import os, sys
path = sys.argv[1]
data = open(path, "rb").read() if os.path.exists(path) else b""
print(data.count(sys.argv[2].encode()))
' "$RUN_DIR/receipts.bin" "$1"
}

# journal_has_meta DB KEY: whether the journal DB's meta table has KEY.
journal_has_meta() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
try:
    row = conn.execute("SELECT 1 FROM meta WHERE key = ?",
                       (sys.argv[2],)).fetchone()
except sqlite3.Error:
    row = None
sys.exit(0 if row else 1)
' "$1" "$2" 2>/dev/null
}

# wait_for_reference_data DB: wait at most 20 s until the journal DB
# caches the fee schedule and the bank list, which the sync worker
# fetches after start, and fail when it does not.
wait_for_reference_data() {
	wait_until 100 journal_has_meta "$1" fees ||
		fail "the journal has no fee schedule after 20 s"
	wait_until 100 journal_has_meta "$1" banks ||
		fail "the journal has no bank list after 20 s"
}

# balance_of DB ACCOUNT: print the sandbox balance of ACCOUNT (a wallet
# or a system account such as float:A1001:GHS) in minor units.
balance_of() {
	balances "$1" | awk -F '\t' -v account="$2" \
		'$1 == account { print $2 }'
}

# expect_balance DB ACCOUNT MINOR WHEN: fail, naming WHEN, unless the
# sandbox balance of ACCOUNT is MINOR.
expect_balance() {
	local shown

	shown=$(balance_of "$1" "$2")
	[ "$shown" = "$3" ] ||
		fail "$4: $2 holds '$shown', expected $3"
}

# open_service DIGIT TITLE: from the home menu, open "8 Money services"
# and the item DIGIT there, and wait for TITLE.
open_service() {
	keys 8
	wait_for "Money services" || fail "8 did not open the money services"
	keys "$1"
	wait_for "$2" || fail "$1 on the money services did not open '$2'"
}

# receipt_has TEXT: whether the printed receipts in RUN_DIR contain the
# fixed string TEXT.
receipt_has() {
	grep -aqF -- "$1" "$RUN_DIR/receipts.bin"
}

# confirmed_reference WHAT: wait at most 20 s for CONFIRMED and for the
# printed receipt of the operation WHAT on its result screen, and print
# the reference that the screen shows.
confirmed_reference() {
	local reference

	wait_for "CONFIRMED" 100 || fail "the $1 was not CONFIRMED within 20 s"
	wait_for "Receipt printed" || fail "the $1's receipt was not printed"
	reference=$(capture | grep -o 'Ref SBX-[A-Za-z0-9-]*' | head -n 1)
	[ -n "$reference" ] || fail "the $1's result shows no reference"
	echo "${reference#Ref }"
}

# pause_at_prompt: wait 1 s after the "Session expired" prompt showed, as
# an agent reading it would. The prompt drops the keys that come less
# than 0.3 s after it opened, and those that follow a dropped key within
# 0.5 s, which an agent still typing on would send.
pause_at_prompt() {
	sleep 1
}
