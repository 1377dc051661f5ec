#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server against the
# sandbox and register a customer through "6 Register customer", once at
# 80x24 and once in the compact layout at 40x16. A date of birth under
# 18 must get its message. A resize to 40x16 and back in the middle of
# the form must keep what was typed. Each registration must reach the
# journal as accepted and the sandbox's customers table, and its result
# must offer a transfer to the new customer. Screens are saved in the run
# folder, and some are compared with the expected text in full.
# Double-width characters, emoji and mixed text are edited in both
# layouts and in fields that scroll sideways: after Tab and Shift-Tab
# the cursor is back after the text, Backspace deletes the last
# character, and a resize keeps the cursor's column. At 80x24 the
# customer has an address of 200 characters and an e-mail of 254, the
# central service's maximum lengths, which must reach it in full.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup customer

# Ghana numbers not in the sandbox's seed; the terminal's currency is
# GHS, so the national form gets country code 233.
WIDE_PHONE=0244555777
WIDE_E164=+233244555777
COMPACT_PHONE=0244555778
COMPACT_E164=+233244555778

# Exactly 200 characters, some of them two bytes long, and 254.
LONG_ADDRESS=$(repeat 'Nyamékyé House, 14 Oxford Street, Osu. ' 6)
LONG_ADDRESS="${LONG_ADDRESS:0:199}X"
LONG_EMAIL="k$(repeat a 63)@$(repeat b 63).$(repeat c 63).$(repeat d 57).com"

# check_journal DIR SHOWN_ID: the journal in DIR has exactly one
# operation, the accepted registration shown on the result.
check_journal() {
	python3 - "$1/journal.db" "$2" <<'PY'
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
if state != "accepted":
    sys.exit(f"the registration is {state!r}, expected 'accepted'")
PY
}

# sandbox_contact PHONE: the customer's address and e-mail in the
# sandbox, on two lines.
sandbox_contact() {
	python3 - "$RUN_DIR/sandbox.db" "$1" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
for address, email in conn.execute("SELECT address, email FROM customers"
                                   " WHERE phone = ?", (sys.argv[2],)):
    print(address)
    print(email)
PY
}

# sandbox_customer PHONE: the customer's "first last" in the sandbox.
sandbox_customer() {
	python3 - "$RUN_DIR/sandbox.db" "$1" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
rows = conn.execute("SELECT first_name, last_name FROM customers"
                    " WHERE phone = ?", (sys.argv[2],)).fetchall()
print("; ".join(f"{first} {last}" for first, last in rows))
PY
}

# finish_registration DIR E164 NAME: confirm, journal, wait for the
# central service, and check the journal, the sandbox and the transfer
# offered on the result.
finish_registration() {
	local dir=$1 e164=$2 name=$3 shown_id wallet

	keys Enter
	wait_for "Confirm customer registration" ||
		fail "Enter on the last field did not show the confirmation"
	on_screen "$e164" || fail "the confirmation does not show $e164"
	on_screen "passport G1234567" ||
		fail "the confirmation does not show the ID document"
	save_screen confirm

	# Journal it and wait at most 20 s for the central service's reply.
	keys Enter
	wait_for "Operation" || fail "no operation id after confirming"
	save_screen journaled
	wait_for "CONFIRMED" 100 ||
		fail "the registration was not CONFIRMED within 20 s"
	wait_for "Wallet" || fail "the result shows no wallet line"
	wait_for "1 Transfer to this customer" ||
		fail "the result does not offer a transfer"
	save_screen result
	shown_id=$(capture | grep -oE '[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}' |
		head -n 1)
	[ -n "$shown_id" ] || fail "the result shows no operation id"
	check_journal "$dir" "$shown_id" ||
		fail "the journal does not match the registration"
	[ "$(sandbox_customer "$e164")" = "$name" ] ||
		fail "the sandbox has '$(sandbox_customer "$e164")' for" \
			"$e164, expected '$name'"

	# 1 hands the new wallet to the transfer form.
	wait_for_re 'Wallet[ a-z]* +1[0-9]{5}' ||
		fail "the result shows no wallet account within 10 s"
	wallet=$(capture | sed -n 's/.*Wallet[ a-z]*  *\(1[0-9]\{5,19\}\).*/\1/p' |
		head -n 1)
	keys 1
	wait_for "Wallet transfer" || fail "1 on the result did not open a transfer"
	on_screen "$wallet" ||
		fail "the transfer form does not have the new wallet $wallet"
	save_screen transfer
	keys Escape
	wait_for "6 Register customer" || fail "Esc on the transfer did not go home"
	echo "registered $e164 as $shown_id, wallet $wallet"
}

sandbox_start "$RUN_DIR" || fail "the sandbox did not start"

# --- 80x24 -----------------------------------------------------------
WIDE_DIR=$RUN_DIR/wide
write_config "$WIDE_DIR" "$SANDBOX_PORT" || fail "cannot write the config"
start_agent "$WIDE_DIR" 80 24
login A1001 counter-demo-1 "6 Register customer"
save_screen home
keys 6
wait_for "Date of birth" || fail "the registration form did not open on 6"
save_screen form

# Fields start in column 20, First name in row 4 and Last name in row 6.
# 王小明 is 6 columns wide: the cursor comes back after it, and
# Backspace deletes 明.
keys '王小明'
expect_cursor 26 4 "王小明 typed in First name"
keys Tab BTab
expect_cursor 26 4 "back in First name after Tab and Shift-Tab"
keys BSpace X
wait_for_re '^  First name +王小X( |$)' ||
	fail "Backspace and X after 王小明 did not give 王小X"
expect_cursor 25 4 "X typed after Backspace in First name"

# Emoji and mixed text: Ama😀王b is 8 columns wide.
keys Tab 'Ama😀王b' BTab Tab
expect_cursor 28 6 "back in Last name after Ama😀王b"
erase 2
wait_for_re '^  Last name +Ama😀( |$)' ||
	fail "Backspace twice after Ama😀王b did not give Ama😀"
expect_cursor 25 6 "Backspace twice in Last name"
save_screen wide-characters
erase 4
keys BTab
erase 3
wait_for_re '^  First name *$' || fail "the first name was not erased"

# A date of birth ten years ago is under the minimum age of 18; its
# message appears when the cursor leaves the field.
young=$(date -u -d '10 years ago' +%Y-%m-%d) || fail "date cannot count back"
keys Kwame Tab Asante Tab "$WIDE_PHONE" Tab "$young" Tab
wait_for "the minimum age is 18" ||
	fail "no minimum age message under the date of birth"
save_screen under-age

# Correct the date of birth, type the ID type, then resize in the middle
# of the form: to the compact layout and back.
keys BTab
erase 10
keys 1990-05-17 Tab 2 Tab G12345
wait_for G12345 || fail "the ID number typed does not show"

# The cursor stays between G123 and 45 across the resize: ID number is in
# column 20 of row 14 at 80x24, and in column 12 of row 7 at 40x16.
keys Left Left
expect_cursor 24 14 "Left twice in ID number"
resize 40 16
expect_cursor 16 7 "ID number after the resize to 40x16"
keys Right Right
expect_rows 2 13 "form at 40x16 after a resize" <<EOF || fail "the compact form lost input"
Register customer
First name  Kwame
Last name   Asante
Phone       $WIDE_PHONE
Born        1990-05-17
ID type     2  passport
ID number   G12345
Address
E-mail
EOF
save_screen resized-compact

# Typing goes on in the same field in the compact layout.
keys 67
wait_for "G1234567" || fail "typing after the resize did not reach ID number"
resize 80 24
expect_rows 3 20 "form at 80x24 after resizing back" <<EOF || fail "the wide form lost input"
  Register customer

  First name        Kwame

  Last name         Asante

  Phone             $WIDE_PHONE

  Date of birth     1990-05-17   YYYY-MM-DD or DD/MM/YYYY

  ID type           2   1 national_id 2 passport 3 voter_id 4 drivers_licence

  ID number         G1234567

  Address

  E-mail (optional)
EOF
save_screen resized-wide
on_screen "the minimum age is 18" &&
	fail "the minimum age message stayed after a valid date of birth"

# The address scrolls sideways: 30 characters of 2 columns are wider
# than its 57 columns on screen, from column 20 of row 16. The cursor
# stays on the last of them and comes back there after Tab and
# Shift-Tab.
keys Tab "$(repeat 王 30)"
expect_cursor 76 16 "30 double-width characters typed in Address"
keys Tab BTab
expect_cursor 76 16 "back in Address after Tab and Shift-Tab"
keys BSpace X
wait_for_re '^  Address +王+X *$' ||
	fail "Backspace and X at the end of the address did not give 王X"
save_screen address-scrolled
on_screen '^@' && fail "the address shows NUL cells as ^@"
erase 30
wait_for_re '^  Address *$' || fail "the address was not erased"

# The full lengths: the field rejects a 201st character of the address
# and a 255th of the e-mail.
keys "${LONG_ADDRESS}Q" Tab "${LONG_EMAIL}x"
wait_for_re '^  E-mail \(optional\) +d+\.com *$' ||
	fail "the end of the long e-mail does not show"
save_screen form-filled
finish_registration "$WIDE_DIR" "$WIDE_E164" "Kwame Asante"
[ "$(sandbox_contact "$WIDE_E164")" = "$LONG_ADDRESS"$'\n'"$LONG_EMAIL" ] ||
	fail "the sandbox has address and e-mail" \
		"'$(sandbox_contact "$WIDE_E164")', expected '$LONG_ADDRESS'" \
		"and '$LONG_EMAIL'"
quit_agent "$WIDE_DIR"

# --- 40x16 -----------------------------------------------------------
# A name with accents keeps its width; the last field's message shows on
# the message rows of the compact layout.
COMPACT_DIR=$RUN_DIR/compact
write_config "$COMPACT_DIR" "$SANDBOX_PORT" || fail "cannot write the config"
start_agent "$COMPACT_DIR" 40 16
login A1001 counter-demo-1 "6 Register customer"
keys 6
wait_for "Register customer" || fail "the registration form did not open on 6"

# First name scrolls sideways here: 15 characters of 2 columns are wider
# than its 27 columns on screen, from column 12 of row 2.
keys "$(repeat 王 15)"
expect_cursor 38 2 "15 double-width characters typed in First name"
keys Tab BTab
expect_cursor 38 2 "back in First name after Tab and Shift-Tab"
keys BSpace X
wait_for_re '^First name +王+X *$' ||
	fail "Backspace and X in the compact first name did not give 王X"
save_screen compact-scrolled
erase 15
keys 'Ama😀王b' Tab BTab
expect_cursor 20 2 "back in the compact First name after Ama😀王b"
erase 2
wait_for_re '^First name +Ama😀 *$' ||
	fail "Backspace twice after Ama😀王b did not give Ama😀"
erase 4
wait_for_re '^First name *$' || fail "the compact first name was not erased"
keys Adwoa Tab Nyamékyé Tab "$COMPACT_PHONE" Tab 17/05/1990 Tab 5 Tab
wait_for "Type 1 to 4 for the ID type" ||
	fail "no message for ID type 5 on the compact message rows"
save_screen compact-bad-type
keys BTab BSpace 2 Tab G1234567 Tab "7 Ring Road Central, Accra" Tab
expect_rows 2 16 "compact form filled" <<EOF || fail "the compact form differs"
Register customer
First name  Adwoa
Last name   Nyamékyé
Phone       $COMPACT_PHONE
Born        17/05/1990
ID type     2  passport
ID number   G1234567
Address     7 Ring Road Central, Accra
E-mail
optional




Enter:OK Esc:Back Tab:Next F10:Quit
EOF
save_screen compact-form
keys Enter
wait_for "Confirm customer registration" ||
	fail "Enter on the last field did not show the confirmation"
expect_rows 2 10 "compact confirmation" <<EOF || fail "the compact confirmation differs"
Confirm customer registration
Name        Adwoa Nyamékyé
Phone       $COMPACT_E164
Born        1990-05-17
ID          passport G1234567
Address     7 Ring Road Central, Accra
E-mail      none
Currency    GHS
Enter registers, Esc goes back
EOF
# Back to the form and forward again keeps every field.
keys Escape
wait_for "ID number   G1234567" || fail "Esc on the confirmation lost the form"
finish_registration "$COMPACT_DIR" "$COMPACT_E164" "Adwoa Nyamékyé"
quit_agent "$COMPACT_DIR"

echo "ok: customers registered at 80x24 and 40x16, input kept across resizes"
exit 0
