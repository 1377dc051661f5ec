# shellcheck shell=bash
# tmux helpers for the UI test scripts: a private tmux server, screen
# captures saved in RUN_DIR, keys, and bounded waits. The script sets
# TMUX_SOCKET, SESSION and RUN_DIR before it calls them, and sources
# tests/lib.sh for sandbox_stop.

SCREEN_COUNT=0

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

# wait_for TEXT [TRIES]: poll the screen every 0.2 s, at most TRIES times
# (default 50, 10 s), until it shows TEXT. Returns 1 when it never does.
wait_for() {
	local text=$1 tries=${2:-50} i

	for ((i = 0; i < tries; i++)); do
		if capture | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.2
	done
	return 1
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
