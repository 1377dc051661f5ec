#!/usr/bin/env bash
# UI test of a profile edit conflict: the real spotagent in a private
# tmux server at 80x24 against the sandbox. The agent looks a customer up
# and opens the edit form. Before the edit is saved, the profile changes
# at the sandbox, by an update of another agent sent as a batch item.
# The edit then meets the newer version, waits in needs attention, and
# the queue's details show both versions field by field, at 80x24 and
# at 40x16. Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

BIN=$PWD/build/spotagent
TMUX_SOCKET=spotagent-conflict-$$
SESSION=ui

# Akosua Darko, a demo customer at profile version 1 (docs/api.md).
CUSTOMER_ID=5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c02
PHONE=+233244000002
CENTRAL_ADDRESS="7 Oxford Street, Osu, Accra"
EDIT_ADDRESS="12 Rue de l'Église, Lomé"
EDIT_EMAIL=akosua@example.org

# tmux and spotagent both need a UTF-8 locale for names and box lines.
export LANG=C.UTF-8
export LC_ALL=C.UTF-8

mkdir -p build/test-runs || exit 1
RUN_DIR=$(mktemp -d "$PWD/build/test-runs/ui-conflict.XXXXXX") || exit 1
JOURNAL=$RUN_DIR/journal.db

trap cleanup EXIT

on_screen() {
	capture | grep -qF -- "$1"
}

# expect_rows FIRST LAST NAME: compare terminal rows FIRST to LAST (1 is
# the status bar) with the expected text on stdin, without trailing
# blanks.
expect_rows() {
	local first=$1 last=$2 name=$3 expected actual

	expected=$(cat)
	actual=$(capture | sed -n "${first},${last}p" | sed 's/[[:space:]]*$//')
	if [ "$actual" != "$expected" ]; then
		echo "--- expected rows $first-$last of the $name ---" >&2
		echo "$expected" >&2
		fail "the $name differs from the expected text"
	fi
}

# journal_states: print "type state" for each operation of the journal.
journal_states() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
for row in conn.execute("SELECT type, state FROM operations"):
    print(*row)
' "$JOURNAL"
}

# central_profile: print the sandbox's version and address of the
# customer, tab-separated.
central_profile() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
row = conn.execute("SELECT version, address FROM customers "
                   "WHERE customer_id = ?", (sys.argv[2],)).fetchone()
if row is None:
    sys.exit(f"customer {sys.argv[2]} is not in the sandbox")
print(f"{row[0]}\t{row[1]}")
' "$RUN_DIR/sandbox.db" "$CUSTOMER_ID"
}

[ -x "$BIN" ] || fail "$BIN is missing; run make first"
command -v tmux >/dev/null || fail "tmux is not installed"

sandbox_start "$RUN_DIR" || fail "the sandbox did not start"
write_config "$RUN_DIR" "$SANDBOX_PORT" || fail "cannot write the config"

command=$(printf '%q --config %q 2>%q; echo $? >%q' "$BIN" \
	"$RUN_DIR/spotagent.conf" "$RUN_DIR/stderr.txt" \
	"$RUN_DIR/exit-status")
tmux_run new-session -d -s "$SESSION" -x 80 -y 24 "$command" ||
	fail "cannot start tmux"
wait_for_size 80x24 || fail "the tmux pane is not 80x24"

wait_for "Agent ID" || fail "the login screen did not appear"
keys A1001 Enter
keys counter-demo-1 Enter
wait_for "7 Find customer" || fail "the home menu did not appear after login"

# Look the customer up at version 1 and open the edit form.
keys 7
wait_for "Find customer" || fail "7 did not open the find screen"
keys "$PHONE" Enter
wait_for "Akosua Darko" || fail "the lookup of $PHONE did not find Akosua"
wait_for "1 Edit profile" || fail "the find screen offers no 1 Edit profile"
save_screen found
keys 1
wait_for "Edit customer profile, version 1" ||
	fail "1 did not open the edit form at version 1"

# Another agent changes the address at Spotbanc first.
update_id=$(python3 -c 'import uuid; print(uuid.uuid4())')
body=$(printf '{"operations":[{"type":"customer_update","operation_id":"%s","agent_id":"A1002","created_at":"2026-12-04T09:00:00Z","customer_id":"%s","base_version":1,"changes":{"address":"%s"}}]}' \
	"$update_id" "$CUSTOMER_ID" "$CENTRAL_ADDRESS")
reply=$(sandbox_request POST "$SANDBOX_PORT" /v1/operations/batch "$body") ||
	fail "the sandbox did not take the other agent's update"
grep -q '"status": *201' <<<"$reply" ||
	fail "the other agent's update was not accepted: $reply"
[ "$(central_profile)" = "2	$CENTRAL_ADDRESS" ] ||
	fail "the sandbox profile is not version 2 with the new address"

# This terminal's edit, made on version 1: the address and an email.
keys Tab Tab Tab
wait_for "Address" || fail "the edit form has no Address field"
for ((i = 0; i < 40; i++)); do
	keys BSpace
done
keys "$EDIT_ADDRESS" Tab "$EDIT_EMAIL"
wait_for "$EDIT_EMAIL" || fail "the email typed is not on the edit form"
save_screen edited
keys Enter
wait_for "Confirm profile changes" || fail "Enter did not confirm the edit"
save_screen confirm
keys Enter
wait_for "NEEDS ATTENTION" 100 ||
	fail "the edit did not come back NEEDS ATTENTION within 20 s"
save_screen saved
[ "$(journal_states)" = "customer_update needs_attention" ] ||
	fail "the journal holds '$(journal_states)', expected one" \
		"customer_update in needs_attention"
[ "$(central_profile)" = "2	$CENTRAL_ADDRESS" ] ||
	fail "the edit changed the sandbox profile despite the conflict"

# Home, then the queue's Needs attention filter and the details.
for ((i = 0; i < 5; i++)); do
	on_screen "7 Find customer" && break
	keys Escape
	sleep 0.3
done
wait_for "7 Find customer" || fail "Esc did not lead back home"
keys 2
wait_for "Queue: " || fail "2 did not open the queue"
keys 2
wait_for "Queue: Needs attention" || fail "2 did not show Needs attention"
wait_for "Changed at Spotbanc: Address, Email" ||
	fail "the row does not name the conflicting fields"
save_screen queue
keys Enter
wait_for "This edit:" || fail "Enter did not open the conflict's details"
save_screen details-80x24
expect_rows 3 14 "conflict details at 80x24" <<EOF
  Operation

  Profile update  ATTENTION
  Changed at Spotbanc since you read it: Spotbanc has version 2, this edit was
  made on version 1.
  Address
    Spotbanc:  $CENTRAL_ADDRESS
    This edit: $EDIT_ADDRESS
  Email
    Spotbanc:  (none)
    This edit: $EDIT_EMAIL
  Customer $CUSTOMER_ID
EOF
on_screen "1 Send again" || fail "the details do not offer 1 Send again"
on_screen "9 Print receipt copy" ||
	fail "the details do not offer 9 Print receipt copy"
on_screen "Cancel" && fail "the details offer Cancel for a sent update"

# The same details at 40x16: the text wraps and scrolls.
tmux_run resize-window -t "$SESSION" -x 40 -y 16 ||
	fail "tmux cannot resize the window to 40x16"
wait_for_size 40x16 || fail "the window did not shrink to 40x16"
wait_for "more: Down" || fail "the compact details do not offer more"
save_screen details-40x16
expect_rows 2 13 "conflict details at 40x16" <<EOF
Operation                    more: Down
Profile update  ATTENTION
Changed at Spotbanc since you read it:
Spotbanc has version 2, this edit was
made on version 1.
Address
  Spotbanc:  $CENTRAL_ADDRESS
  This edit: $EDIT_ADDRESS
Email
  Spotbanc:  (none)
  This edit: $EDIT_EMAIL
1 Send again   9 Print receipt copy
EOF
capture | tail -n 1 | grep -qF "0-9:Action Esc:List Up/Down:Scroll" ||
	fail "the compact help line of the details is wrong"
# The customer and operation ids follow the versions.
keys Down Down Down
wait_for "$CUSTOMER_ID" || fail "Down did not scroll to the customer id"
save_screen details-40x16-down
on_screen "more: Up" || fail "the scrolled details do not offer more: Up"
keys Escape
wait_for "Queue: Needs attention" || fail "Esc did not go back to the list"

# Quit through the confirmation dialog.
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

echo "ok: the conflicting edit waits in needs attention with both versions"
exit 0
