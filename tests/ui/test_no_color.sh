#!/usr/bin/env bash
# NO_COLOR: with it set, the terminal draws with attributes only; without
# it, the same screen uses colour. Runs the real binary in tmux at 80x24
# and at 40x16 against a sandbox on 127.0.0.1.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup no-color
start_sandbox "$RUN_DIR"

# save_login_screen ENV WIDTH HEIGHT FILE: save to FILE, with its escape
# sequences, the login screen of a terminal of WIDTH x HEIGHT started
# with the environment ENV (NAME=VALUE).
save_login_screen() {
	tmux_run kill-server 2>/dev/null
	start_agent "$RUN_DIR" "$2" "$3" TERM=xterm-256color "$1"
	wait_for "Agent ID" || fail "the login screen did not appear ($1)"
	sleep 1
	tmux_run capture-pane -e -p -t "$SESSION" >"$4"
}

# colour_codes FILE: print how many SGR colour sequences (30-37, 40-47,
# 38;5, 48;5) FILE has.
colour_codes() {
	grep -oE $'\e\\[[0-9;]*m' "$1" |
		grep -cE '(^|[[;])(3[0-7]|4[0-7]|38;5|48;5)[;m]'
}

for size in 80x24 40x16; do
	width=${size%x*}
	height=${size#*x}
	colour_screen=$RUN_DIR/login-$size-colour.txt
	plain_screen=$RUN_DIR/login-$size-no-colour.txt
	save_login_screen "NO_COLOR=" "$width" "$height" "$colour_screen"
	save_login_screen "NO_COLOR=1" "$width" "$height" "$plain_screen"
	with_colour=$(colour_codes "$colour_screen")
	without_colour=$(colour_codes "$plain_screen")
	[ "$with_colour" -gt 0 ] ||
		fail "without NO_COLOR the $size screen has no colour" \
			"(saved in $colour_screen)"
	[ "$without_colour" -eq 0 ] ||
		fail "with NO_COLOR=1 the $size screen still has" \
			"$without_colour colour codes (saved in $plain_screen)"
	echo "ok: $size: $with_colour colour codes normally, none with NO_COLOR"
done
