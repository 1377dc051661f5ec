#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server against the
# sandbox (with test faults) and edit customer profiles through "7 Find
# customer" and "1 Edit profile". At 80x24, an edit with nothing changed
# is rejected, and an address change reaches the sandbox as version 2,
# which a new lookup shows. Two edits made on the same version while the
# sandbox delays operations end with the second in needs attention, and
# the result shows both versions. At 40x16, a customer registered while
# operations are delayed is found pending and edited, and once both
# operations go through the profile is at version 2. Screens are saved
# in the run folder, and some are compared with the expected text in
# full.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup edit-customer

# Kofi Boateng of the sandbox's seed (tests/sandbox/store.py) and his
# wallet; a Ghana number no seeded customer has for the registration.
KOFI_WALLET=1000000001
KOFI_PHONE=+233244000001
NEW_PHONE=0244555931
NEW_E164=+233244555931

# While this fault is queued, the sandbox replies 503 to every batch of
# operations, so they stay pending on the terminal.
HOLD_FAULT='{"faults": [{"path": "/v1/operations/batch", "kind": "status",
	"status": 503, "retry_after": 1, "count": 1000}]}'

# sandbox_profile PHONE: "version|address|email" of the sandbox's
# customer with that phone.
sandbox_profile() {
	python3 - "$RUN_DIR/sandbox.db" "$1" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
row = conn.execute("SELECT version, address, email FROM customers"
                   " WHERE phone = ?", (sys.argv[2],)).fetchone()
print("" if row is None else "|".join(str(v or "") for v in row))
PY
}

SANDBOX_FLAGS="--faults" sandbox_start "$RUN_DIR" ||
	fail "the sandbox did not start"

# --- 80x24 -----------------------------------------------------------
WIDE_DIR=$RUN_DIR/wide
write_config "$WIDE_DIR" "$SANDBOX_PORT" || fail "cannot write the config"
start_agent "$WIDE_DIR" 80 24
login A1001 counter-demo-1 "7 Find customer"
find_customer "$KOFI_WALLET" "from Spotbanc"
keys 1
expect_rows 3 20 "edit form at 80x24" <<EOF || fail "the edit form differs"
  Edit customer profile, version 1

  First name        Kofi

  Last name         Boateng

  Phone             $KOFI_PHONE

  Date of birth     1985-03-14   not editable

  ID type           1   national_id, not editable

  ID number         GHA-712345678-1        not editable

  Address           12 Ring Road, Accra

  E-mail (optional) kofi@example.com
EOF
save_screen edit-form

# Enter through the form with nothing changed is rejected with a
# message. Enter skips the fixed fields: first name, last name, phone,
# address, e-mail.
keys Enter Enter Enter Enter Enter
wait_for "Nothing changed: edit a field, or Esc to leave" ||
	fail "an edit with nothing changed was not refused"
on_screen "Confirm profile changes" &&
	fail "an edit with nothing changed reached the confirmation"
save_screen nothing-changed

# Change the address. The cursor is on the e-mail field.
keys BTab
erase 25
keys "5 Independence Avenue, Accra" Enter Enter
wait_for "Confirm profile changes" || fail "the changes were not confirmed"
expect_rows 3 7 "change list at 80x24" <<EOF || fail "the change list differs"
  Confirm profile changes

  Address           old 12 Ring Road, Accra
                    new 5 Independence Avenue, Accra
EOF
save_screen confirm
keys Enter
wait_for "CONFIRMED" 100 || fail "the update was not CONFIRMED within 20 s"
on_screen "Based on version  1" || fail "the result does not show version 1"
save_screen result
[ "$(sandbox_profile "$KOFI_PHONE")" = \
	"2|5 Independence Avenue, Accra|kofi@example.com" ] ||
	fail "the sandbox has '$(sandbox_profile "$KOFI_PHONE")'," \
		"expected version 2 with the new address"
keys Enter
wait_for "7 Find customer" || fail "Enter on the result did not go home"

# A new lookup shows version 2.
find_customer "$KOFI_WALLET" "Profile version   2"
on_screen "5 Independence Avenue, Accra" ||
	fail "the lookup does not show the new address"
save_screen version-2

# Two edits on version 2 while operations are delayed: the second
# conflicts with the first.
sandbox_faults "$SANDBOX_PORT" "$HOLD_FAULT" >/dev/null ||
	fail "the sandbox did not take the faults"
keys 1
wait_for "Edit customer profile, version 2" || fail "1 did not open the edit"
keys BTab
erase 20
keys kofi.boateng@example.com Enter
wait_for "Confirm profile changes" || fail "the e-mail change was not confirmed"
keys Enter
wait_for "PENDING" || fail "the delayed e-mail change is not PENDING"
keys Enter
find_customer "$KOFI_WALLET" "Profile version   2"
keys 1
wait_for "Edit customer profile, version 2" || fail "1 did not open the edit"
keys BTab BTab
erase 30
keys "9 Liberation Road, Accra" Enter Enter
wait_for "Confirm profile changes" || fail "the address change was not confirmed"
keys Enter
wait_for "PENDING" || fail "the delayed address change is not PENDING"
sandbox_faults_clear "$SANDBOX_PORT" || fail "cannot clear the faults"
keys F5
wait_for "NEEDS ATTENTION: changed at Spotbanc since version 2, which is" 150 ||
	fail "the second edit did not need attention within 30 s"
# The UI loop announces an operation that needs attention in a dialog
# over any screen; Enter closes it once its 600 ms key guard is over.
if wait_for "Enter Close" 25; then
	sleep 0.7
	keys Enter
fi
expect_rows 12 13 "both versions at 80x24" <<EOF || fail "the versions differ"
  Address           Spotbanc 5 Independence Avenue, Accra
                    yours    9 Liberation Road, Accra
EOF
save_screen conflict
[ "$(sandbox_profile "$KOFI_PHONE")" = \
	"3|5 Independence Avenue, Accra|kofi.boateng@example.com" ] ||
	fail "the sandbox has '$(sandbox_profile "$KOFI_PHONE")'," \
		"expected version 3 with only the e-mail change"
keys Enter
wait_for "7 Find customer" || fail "Enter on the result did not go home"
quit_agent "$WIDE_DIR"

# --- 40x16 -----------------------------------------------------------
COMPACT_DIR=$RUN_DIR/compact
write_config "$COMPACT_DIR" "$SANDBOX_PORT" || fail "cannot write the config"
start_agent "$COMPACT_DIR" 40 16
login A1001 counter-demo-1 "7 Find customer"

# Register while operations are delayed.
sandbox_faults "$SANDBOX_PORT" "$HOLD_FAULT" >/dev/null ||
	fail "the sandbox did not take the faults"
register_customer Yaa Asantewaa "$NEW_PHONE" 1988-08-08 G5550931 \
	"1 Cocoa Lane, Ejisu"
wait_for "PENDING" || fail "the delayed registration is not PENDING"
keys Enter

# Look her up: pending. Edit her address on top of the registration.
find_customer "$NEW_PHONE" "REGISTRATION PENDING"
keys 1
expect_rows 2 13 "edit form of a pending customer at 40x16" <<EOF ||
Edit customer profile (pending)
First name  Yaa
Last name   Asantewaa
Phone       $NEW_E164
Born        1988-08-08
ID type     2  passport
ID number   G5550931
Address     1 Cocoa Lane, Ejisu
E-mail
EOF
	fail "the compact edit form differs"
save_screen compact-edit
keys Tab Tab Tab
erase 20
keys "3 Cocoa Lane, Ejisu" Enter Enter
expect_rows 2 4 "compact change list" <<EOF || fail "the change list differs"
Confirm profile changes
Address     old 1 Cocoa Lane, Ejisu
            new 3 Cocoa Lane, Ejisu
EOF
keys Enter
wait_for "PENDING" || fail "the delayed edit is not PENDING"
on_screen "Version     1" || fail "the edit is not based on version 1"
save_screen compact-pending-edit

# Let both through: the registration, then the edit on its version 1.
sandbox_faults_clear "$SANDBOX_PORT" || fail "cannot clear the faults"
keys F5
wait_for "CONFIRMED" 150 || fail "the edit was not CONFIRMED within 30 s"
[ "$(sandbox_profile "$NEW_E164")" = "2|3 Cocoa Lane, Ejisu|" ] ||
	fail "the sandbox has '$(sandbox_profile "$NEW_E164")'," \
		"expected version 2 with the new address"
keys Enter
find_customer "$NEW_PHONE" "From Spotbanc, version 2"
on_screen "3 Cocoa Lane, Ejisu" ||
	fail "the lookup does not show the edited address"
save_screen compact-version-2
keys Escape
sleep 0.3
keys Escape
wait_for "7 Find customer" || fail "Esc did not go home"
quit_agent "$COMPACT_DIR"

echo "ok: profiles edited at 80x24 and 40x16, conflict and pending included"
exit 0
