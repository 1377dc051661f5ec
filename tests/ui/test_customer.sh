#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server at 80x24
# against the sandbox and open "6 Register customer". A date of birth
# under 18 must get its message under the field. A valid registration
# must reach the journal as accepted and the sandbox's customers table.
# Screens are saved in the run folder for diagnosis.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

BIN=$PWD/build/spotagent
TMUX_SOCKET=spotagent-ui-$$
SESSION=ui

# A Ghana number not in the sandbox's seed; the terminal's currency is
# GHS, so the national form gets country code 233.
PHONE_TYPED=0244555777
PHONE_E164=+233244555777

# tmux and spotagent both need a UTF-8 locale for names and box lines.
export LANG=C.UTF-8
export LC_ALL=C.UTF-8

mkdir -p build/test-runs || exit 1
RUN_DIR=$(mktemp -d "$PWD/build/test-runs/ui-customer.XXXXXX") || exit 1

trap cleanup EXIT

[ -x "$BIN" ] || fail "$BIN is missing; run make first"
command -v tmux >/dev/null || fail "tmux is not installed"

sandbox_start "$RUN_DIR" || fail "the sandbox did not start"
write_config "$RUN_DIR" "$SANDBOX_PORT" || fail "cannot write the config"

# The pane runs spotagent and then records its exit status. Stderr goes
# to a file because curses owns the terminal.
command=$(printf '%q --config %q 2>%q; echo $? >%q' "$BIN" \
	"$RUN_DIR/spotagent.conf" "$RUN_DIR/stderr.txt" \
	"$RUN_DIR/exit-status")
tmux_run new-session -d -s "$SESSION" -x 80 -y 24 "$command" ||
	fail "cannot start tmux"
wait_for_size 80x24 || fail "the tmux pane is not 80x24"

# Log in.
wait_for "Agent ID" || fail "the login screen did not appear"
keys A1001 Enter
keys counter-demo-1 Enter
wait_for "6 Register customer" ||
	fail "the home menu has no '6 Register customer' after login"
save_screen home
for item in "1 Wallet transfer" "2 Queue" "3 Sync now" "4 Log out" \
	"5 Change password"; do
	capture | grep -qF -- "$item" ||
		fail "the home menu does not list '$item'"
done

keys 6
wait_for "Date of birth" || fail "the registration form did not open on 6"
save_screen form

# A date of birth ten years ago is under the minimum age of 18; its
# message appears when the cursor leaves the field.
young=$(date -u -d '10 years ago' +%Y-%m-%d) || fail "date cannot count back"
keys Kwame Tab Asante Tab "$PHONE_TYPED" Tab "$young" Tab
wait_for "the minimum age is 18" ||
	fail "no minimum age message under the date of birth"
save_screen under-age

# Correct the date of birth and fill the other fields.
keys BTab
for ((i = 0; i < 10; i++)); do
	keys BSpace
done
keys 1990-05-17 Tab
sleep 0.3
capture | grep -qF "the minimum age is 18" &&
	fail "the minimum age message stayed after a valid date of birth"
keys 2 Tab G1234567 Tab "14 Oxford Street, Osu" Tab kwame@example.com
save_screen form-filled
keys Enter
wait_for "Confirm customer registration" ||
	fail "Enter on the last field did not show the confirmation"
capture | grep -qF -- "$PHONE_E164" ||
	fail "the confirmation does not show the phone as $PHONE_E164"
capture | grep -qF -- "passport G1234567" ||
	fail "the confirmation does not show the ID document"
save_screen confirm

# Journal it and wait at most 20 s for the central service's reply.
keys Enter
wait_for "Operation " || fail "no operation id after confirming"
save_screen journaled
wait_for "CONFIRMED" 100 ||
	fail "the registration was not CONFIRMED within 20 s"
wait_for "Wallet account" || fail "the result shows no wallet account line"
save_screen result
shown_id=$(capture | sed -n 's/.*Operation \([0-9a-f-]\{36\}\).*/\1/p' |
	head -n 1)

# The journal has the registration, accepted, under the id shown.
python3 - "$RUN_DIR/journal.db" "$shown_id" <<'PY' ||
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
rows = conn.execute("SELECT id, type, state FROM operations").fetchall()
if len(rows) != 1:
    sys.exit(f"expected 1 operation in the journal, found {len(rows)}")
op_id, op_type, state = rows[0]
if op_id != sys.argv[2]:
    sys.exit(f"the screen shows {sys.argv[2]!r}, the journal has {op_id!r}")
if op_type != "customer_registration":
    sys.exit(f"the journaled type is {op_type!r}")
PY
	fail "the journal does not match the registration"
state=$(python3 - "$RUN_DIR/journal.db" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("SELECT state FROM operations").fetchone()[0])
PY
) || fail "cannot read the operation state from the journal"
[ "$state" = "accepted" ] ||
	fail "the journal has the registration as $state, expected accepted"

# The sandbox's customers table has the new customer's phone.
count=$(python3 - "$RUN_DIR/sandbox.db" "$PHONE_E164" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("SELECT count(*) FROM customers WHERE phone = ?",
                   (sys.argv[2],)).fetchone()[0])
PY
) || fail "cannot read the sandbox's customers table"
[ "$count" = "1" ] ||
	fail "the sandbox has $count customers with phone $PHONE_E164," \
		"expected 1"

# Back home, then quit through the confirmation dialog.
keys Enter
wait_for "6 Register customer" || fail "Enter on the result did not go home"
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

echo "ok: customer $PHONE_E164 registered through the UI as $shown_id"
exit 0
