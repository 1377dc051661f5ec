#!/usr/bin/env bash
# NO_COLOR: with it set, the terminal draws with attributes only; without
# it, the same screen uses colour. Runs the real binary in tmux at 80x24
# and at 40x16 against a sandbox on 127.0.0.1.
set -u
cd "$(dirname "$0")/../.."
source tests/lib.sh

mkdir -p build/test-runs
dir=$(mktemp -d build/test-runs/ui-no-color-XXXXXX)
socket="spotagent-nocolor-$$"
tmux_cmd() {
	tmux -L "$socket" -f /dev/null "$@"
}
cleanup() {
	tmux_cmd kill-server 2>/dev/null
	sandbox_stop
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

sandbox_start "$dir" || fail "the sandbox did not start"
write_config "$dir" "$SANDBOX_PORT" || fail "cannot write the config"

# Print how many SGR colour sequences (30-37, 40-47, 38;5, 48;5) the
# login screen of a terminal of WIDTH x HEIGHT started with the given
# environment has.
colour_codes() {
	local env=$1 width=$2 height=$3 i
	local screen="$dir/screen-${env%%=*}-${width}x$height.txt"
	# A server that is still shutting down can refuse the new session,
	# so each start is tried up to three times.
	tmux_cmd kill-server 2>/dev/null
	for ((i = 0; i < 3; i++)); do
		sleep 0.2
		tmux_cmd new-session -d -s ui -x "$width" -y "$height" \
			"env TERM=xterm-256color $env build/spotagent --config $dir/spotagent.conf" &&
			break
	done
	[ "$i" -lt 3 ] || fail "cannot start tmux"
	for ((i = 0; i < 50; i++)); do
		tmux_cmd capture-pane -p -t ui | grep -q "Agent ID" && break
		sleep 0.2
	done
	tmux_cmd capture-pane -p -t ui | grep -q "Agent ID" ||
		fail "the login screen did not appear ($env)"
	sleep 1
	tmux_cmd capture-pane -e -p -t ui >"$screen"
	grep -oE $'\e\\[[0-9;]*m' "$screen" |
		grep -cE '(^|[[;])(3[0-7]|4[0-7]|38;5|48;5)[;m]'
}

for size in 80x24 40x16; do
	width=${size%x*}
	height=${size#*x}
	with_colour=$(colour_codes "NO_COLOR=" "$width" "$height")
	without_colour=$(colour_codes "NO_COLOR=1" "$width" "$height")
	[ "$with_colour" -gt 0 ] ||
		fail "without NO_COLOR the $size screen has no colour" \
			"(saved in $dir)"
	[ "$without_colour" -eq 0 ] ||
		fail "with NO_COLOR=1 the $size screen still has" \
			"$without_colour colour codes"
	echo "ok: $size: $with_colour colour codes normally, none with NO_COLOR"
done
