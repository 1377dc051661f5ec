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

ui_setup conflict

# Akosua Darko, a demo customer at profile version 1 (docs/api.md).
CUSTOMER_ID=5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c02
PHONE=+233244000002
CENTRAL_ADDRESS="7 Oxford Street, Osu, Accra"
EDIT_ADDRESS="12 Rue de l'Église, Lomé"
EDIT_EMAIL=akosua@example.org

JOURNAL=$RUN_DIR/journal.db

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

start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1 "7 Find customer"

# Look the customer up at version 1 and open the edit form.
find_customer "$PHONE" "Akosua Darko"
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
erase 40
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
expect_rows 3 14 "conflict details at 80x24" <<EOF ||
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
	fail "the conflict details at 80x24 differ from the expected text"
on_screen "1 Send again" || fail "the details do not offer 1 Send again"
on_screen "9 Print receipt copy" ||
	fail "the details do not offer 9 Print receipt copy"
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
  This edit: $EDIT_EMAIL
1 Send again   9 Print receipt copy
EOF
	fail "the conflict details at 40x16 differ from the expected text"
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
quit_agent "$RUN_DIR"

echo "ok: the conflicting edit waits in needs attention with both versions"
exit 0
