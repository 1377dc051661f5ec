#!/usr/bin/env bash
# UI test of a profile edit conflict: the real spotagent in a private
# tmux server at 80x24 against the sandbox. The agent looks a customer up
# and opens the edit form. Before the edit is saved, the profile changes
# at the sandbox, by an update of another agent sent as a batch item.
# The edit then meets the newer version, waits in needs attention, and
# the queue's details show both versions field by field, at 80x24 and
# at 40x16. The agent cannot send it again but discards it after a
# question, at 40x16, then makes a second conflicting edit on the new
# version and discards that one at 80x24. Screens are saved in the run
# folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup conflict

# Akosua Darko, a demo customer at profile version 1 (docs/api.md).
CUSTOMER_ID=5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c02
PHONE=+233244000002
CENTRAL_ADDRESS="7 Oxford Street, Osu, Accra"
EDIT_ADDRESS="12 Rue de l'Église, Lomé"
EDIT_EMAIL=akosua@example.org

JOURNAL=$RUN_DIR/journal.db

# journal_states: print "type state acknowledged" for each operation of
# the journal, in journal order; acknowledged is 0 or 1.
journal_states() {
	python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
for row in conn.execute("SELECT type, state, acknowledged_at IS NOT NULL"
                        " FROM operations ORDER BY created_at, rowid"):
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

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1 "7 Find customer"

# go_home: press Esc until the home menu shows, at most 5 times.
go_home() {
	local i

	for ((i = 0; i < 5; i++)); do
		on_screen "7 Find customer" && break
		keys Escape
		sleep 0.3
	done
	wait_for "7 Find customer" || fail "Esc did not lead back home"
}

# conflicting_edit VERSION ADDRESS: from any screen, go home, look the
# customer up at VERSION and open the edit form. Another agent then
# changes the address at Spotbanc to ADDRESS (VERSION + 1). This terminal
# saves its own edit of the address and email, made on VERSION, which
# must come back NEEDS ATTENTION.
conflicting_edit() {
	local version=$1 address=$2 update_id body reply

	go_home
	find_customer "$PHONE" "Akosua Darko"
	wait_for "1 Edit profile" ||
		fail "the find screen offers no 1 Edit profile"
	save_screen "found-v$version"
	keys 1
	wait_for "Edit customer profile, version $version" ||
		fail "1 did not open the edit form at version $version"

	# Another agent changes the address at Spotbanc first.
	update_id=$(python3 -c 'import uuid; print(uuid.uuid4())')
	body=$(printf '{"operations":[{"type":"customer_update","operation_id":"%s","agent_id":"A1002","created_at":"2026-12-04T09:00:00Z","customer_id":"%s","base_version":%d,"changes":{"address":"%s"}}]}' \
		"$update_id" "$CUSTOMER_ID" "$version" "$address")
	reply=$(sandbox_request POST "$SANDBOX_PORT" /v1/operations/batch \
		"$body") ||
		fail "the sandbox did not take the other agent's update"
	grep -q '"status": *201' <<<"$reply" ||
		fail "the other agent's update was not accepted: $reply"
	[ "$(central_profile)" = "$((version + 1))	$address" ] ||
		fail "the sandbox profile is not version $((version + 1))" \
			"with the new address"

	# This terminal's edit, made on VERSION: the address and an email.
	keys Tab Tab Tab
	wait_for "Address" || fail "the edit form has no Address field"
	erase 40
	keys "$EDIT_ADDRESS" Tab "$EDIT_EMAIL"
	wait_for "$EDIT_EMAIL" ||
		fail "the email typed is not on the edit form"
	save_screen "edited-v$version"
	keys Enter
	wait_for "Confirm profile changes" ||
		fail "Enter did not confirm the edit"
	keys Enter
	wait_for "NEEDS ATTENTION" 100 ||
		fail "the edit did not come back NEEDS ATTENTION within 20 s"
	save_screen "saved-v$version"
	[ "$(central_profile)" = "$((version + 1))	$address" ] ||
		fail "the edit changed the sandbox profile despite the conflict"
}

# open_conflict: from any screen, go home, open the queue's Needs
# attention filter and the details of its one conflicting edit.
open_conflict() {
	go_home
	keys 2
	wait_for "Queue: " || fail "2 did not open the queue"
	keys 2
	wait_for "Queue: Needs attention" ||
		fail "2 did not show Needs attention"
	wait_for "Changed at Spotbanc: Address, Email" ||
		fail "the row does not name the conflicting fields"
	save_screen queue
	keys Enter
	wait_for "This edit:" ||
		fail "Enter did not open the conflict's details"
}

conflicting_edit 1 "$CENTRAL_ADDRESS"
[ "$(journal_states)" = "customer_update needs_attention 0" ] ||
	fail "the journal holds '$(journal_states)', expected one" \
		"customer_update in needs_attention"
open_conflict
save_screen details-80x24
expect_rows 3 15 "conflict details at 80x24" <<EOF ||
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
  Sent, and Spotbanc applied nothing: it would give the same answer again.
  Customer $CUSTOMER_ID
EOF
	fail "the conflict details at 80x24 differ from the expected text"
on_screen "1 Discard this edit" ||
	fail "the details do not offer 1 Discard this edit"
on_screen "9 Print receipt copy" ||
	fail "the details do not offer 9 Print receipt copy"
on_screen "Send again" && fail "the details offer Send again for a conflict"
on_screen "Cancel" && fail "the details offer Cancel for a sent update"

# The same details at 40x16: the text wraps and scrolls.
resize 40 16
wait_for "more: Down" || fail "the compact details do not offer more"
save_screen details-40x16
expect_rows 2 13 "conflict details at 40x16" <<EOF ||
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
1 Discard this edit
9 Print receipt copy
EOF
	fail "the conflict details at 40x16 differ from the expected text"
capture | tail -n 1 | grep -qF "0-9:Action Esc:List Up/Down:Scroll" ||
	fail "the compact help line of the details is wrong"
# The customer and operation ids follow the versions.
for ((i = 0; i < 10; i++)); do
	on_screen "$CUSTOMER_ID" && break
	keys Down
	sleep 0.2
done
wait_for "$CUSTOMER_ID" || fail "Down did not scroll to the customer id"
save_screen details-40x16-down
on_screen "more: Up" || fail "the scrolled details do not offer more: Up"

# 1 opens a question first, and Esc keeps the edit.
keys 1
wait_for "Discard this profile edit?" ||
	fail "1 did not ask before discarding"
save_screen discard-question-40x16
on_screen "1 Discard it" || fail "the question does not offer 1 Discard it"
on_screen "0 Keep it" || fail "the question does not offer 0 Keep it"
keys Escape
wait_gone "Discard this profile edit?" || fail "Esc did not close the question"
[ "$(journal_states)" = "customer_update needs_attention 0" ] ||
	fail "Esc on the question changed the journal: '$(journal_states)'"

# 1 then 1 discards it, and the list no longer shows it.
keys 1
wait_for "Discard this profile edit?" || fail "1 did not ask again"
keys 1
wait_for "Edit discarded" || fail "1 in the question did not discard the edit"
save_screen discarded-40x16
[ "$(journal_states)" = "customer_update rejected 1" ] ||
	fail "the journal holds '$(journal_states)', expected the update" \
		"rejected and acknowledged"
wait_for "No operations need attention." ||
	fail "the discarded edit is still in Needs attention"
[ "$(central_profile)" = "2	$CENTRAL_ADDRESS" ] ||
	fail "discarding changed the sandbox profile"

# A second edit, on the current version 2, meets another agent's version
# 3 and is discarded at 80x24.
resize 80 24
conflicting_edit 2 "$CENTRAL_ADDRESS, Ghana"
open_conflict
on_screen "Spotbanc has version 3, this edit was" ||
	fail "the second conflict's details do not name version 3"
on_screen "Send again" && fail "the details offer Send again for a conflict"
keys 1
wait_for "Discard this profile edit?" || fail "1 did not ask at 80x24"
save_screen discard-question-80x24
on_screen "keeps version 3." ||
	fail "the question does not say which version Spotbanc keeps"
keys 1
wait_for "Edit discarded" || fail "1 in the question did not discard at 80x24"
save_screen discarded-80x24
[ "$(journal_states)" = "customer_update rejected 1
customer_update rejected 1" ] ||
	fail "the journal holds '$(journal_states)', expected both updates" \
		"rejected and acknowledged"

# Quit through the confirmation dialog.
quit_agent "$RUN_DIR"

echo "ok: conflicting edits show both versions and are discarded after a question"
exit 0
