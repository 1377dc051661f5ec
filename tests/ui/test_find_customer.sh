#!/usr/bin/env bash
# UI test: run the real spotagent in a private tmux server against the
# sandbox and open "7 Find customer", at 80x24 and then resized to the
# compact layout at 40x16. A seeded customer must be found by phone and
# by wallet at Spotbanc, and an unknown phone must get a not-found
# message. A registration delayed by sandbox faults must be found marked
# "registration pending". The actions must open the edit and transfer
# forms. With the sandbox stopped, the customer must come from the
# terminal's cache. Screens are saved in the run folder, and some are
# compared with the expected text in full.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/ui/tmux.sh
source tests/ui/tmux.sh

ui_setup find-customer

# Akosua Darko of the sandbox's seed (tests/sandbox/store.py), her
# wallet, a Ghana number no seeded customer has, and the number of the
# customer registered here while the sandbox delays operations.
AKOSUA_PHONE=+233244000002
AKOSUA_WALLET=1000000002
UNKNOWN_PHONE=0244999111
PENDING_PHONE=0244555901
PENDING_E164=+233244555901

SANDBOX_FLAGS="--faults" start_sandbox "$RUN_DIR"
start_agent "$RUN_DIR" 80 24
login A1001 counter-demo-1 "7 Find customer"
save_screen home

# By phone, online, with the actions on the customer found.
find_customer "$AKOSUA_PHONE" "from Spotbanc"
expect_rows 3 21 "profile found by phone at 80x24" <<EOF ||
  Find customer

  Phone or wallet   $AKOSUA_PHONE
                    +233... or 0... for a phone, 6-20 digits for a wallet

  Customer found, from Spotbanc

  Name              Akosua Darko
  Phone             $AKOSUA_PHONE
  Date of birth     1992-11-02
  ID                passport G1234567
  Address           4 Harper Road, Kumasi
  E-mail            none
  Wallets           $AKOSUA_WALLET GHS
  Profile version   1

  1 Edit profile   2 Transfer to this customer   3 Cash-in   4 Balance
  Enter looks the customer up again, Esc starts a new search
EOF
	fail "the profile found by phone differs"
save_screen by-phone

# An unknown phone, in the national form; Backspace edits the number.
erase 20
keys "$UNKNOWN_PHONE" Enter
wait_for "No such customer at Spotbanc" ||
	fail "no not-found message for $UNKNOWN_PHONE"
on_screen "Akosua Darko" &&
	fail "the profile stayed on the screen after a failed lookup"
save_screen unknown

# By wallet, online; the failed lookup before cleared the profile.
erase 20
keys "$AKOSUA_WALLET" Enter
wait_for "from Spotbanc" || fail "no profile from Spotbanc for the wallet"
on_screen "Akosua Darko" ||
	fail "the wallet $AKOSUA_WALLET did not find Akosua Darko"
save_screen by-wallet

# Esc on a customer found starts a new search with an empty field.
keys Escape
wait_gone "Akosua Darko" 25 || fail "Esc did not clear the customer found"
on_screen "$AKOSUA_WALLET" && fail "Esc did not empty the field"
keys Escape
wait_for "7 Find customer" || fail "the second Esc did not go home"

# Delay every operation with 503 replies, and register a customer: the
# registration stays pending on this terminal.
sandbox_faults "$SANDBOX_PORT" '{"faults": [{"path": "/v1/operations/batch",
	"kind": "status", "status": 503, "retry_after": 1, "count": 1000}]}' \
	>/dev/null || fail "the sandbox did not take the faults"
register_customer Esi Ofori "$PENDING_PHONE" 1985-03-09 G7654321 \
	"22 Castle Road, Cape Coast"
wait_for "PENDING" || fail "the delayed registration is not PENDING"
keys Enter
wait_for "7 Find customer" || fail "Enter on the result did not go home"

# Spotbanc does not know the customer yet; the journal does.
find_customer "$PENDING_PHONE" "Registration pending"
for text in "Esi Ofori" "$PENDING_E164" "22 Castle Road, Cape Coast" \
	"Wallets           none yet" "Profile version   none yet"; do
	on_screen "$text" ||
		fail "the pending customer does not show '$text'"
done
save_screen pending

# 2 hands the pending customer to the transfer form, by customer id.
keys 2
wait_for "Wallet transfer" || fail "2 did not open the transfer form"
on_screen "Esi Ofori" || fail "the transfer form does not name Esi Ofori"
save_screen pending-transfer
keys Escape
wait_for "1 Wallet transfer" || fail "Esc on the transfer did not go home"

# Let the registration through; it then comes from Spotbanc at version 1.
sandbox_faults_clear "$SANDBOX_PORT" || fail "cannot clear the faults"
keys F5
keys 7
wait_for "Phone or wallet" || fail "the find screen did not open on 7"
for ((i = 0; i < 20; i++)); do
	keys "$PENDING_PHONE" Enter
	wait_for "from Spotbanc" 10 && break
	keys Escape
	sleep 1
done
on_screen "Profile version   1" ||
	fail "the registration was not accepted within about 40 s"
save_screen accepted

# --- 40x16 -----------------------------------------------------------
keys Escape
resize 40 16
keys "$AKOSUA_WALLET" Enter
expect_rows 2 16 "profile found by wallet at 40x16" <<EOF ||
Find customer
Number      $AKOSUA_WALLET
From Spotbanc, version 1
Name        Akosua Darko
Phone       $AKOSUA_PHONE
Born        1992-11-02
ID          passport G1234567
Address     4 Harper Road, Kumasi
E-mail      none
Wallets     $AKOSUA_WALLET GHS
1 Edit  2 Transfer  3 Cash-in  4 Balance
Enter: refresh  Esc: new search


Enter:Look up Esc:Back F5:Sync F10:Quit
EOF
	fail "the compact profile differs"
save_screen compact-found

# 1 opens the edit form on her profile; Esc comes back to her.
keys 1
wait_for "Edit customer profile" || fail "1 did not open the edit form"
on_screen "4 Harper Road" || fail "the edit form is not filled in"
keys Escape
wait_for "1 Edit  2 Transfer  3 Cash-in" ||
	fail "Esc on the edit form did not return to the customer found"

# 2 hands her wallet to the transfer form.
keys 2
wait_for "Wallet transfer" || fail "2 did not open the transfer form"
on_screen "$AKOSUA_WALLET" ||
	fail "the transfer form does not have the wallet $AKOSUA_WALLET"
keys Escape
wait_for "7 Find customer" || fail "Esc on the transfer did not go home"

# An unknown number: the message wraps on two compact rows.
find_customer "$UNKNOWN_PHONE" "No such customer at Spotbanc"
expect_rows 4 6 "not found at 40x16" <<EOF ||
A phone, or a wallet of 6-20 digits
No such customer at Spotbanc: check the
number
EOF
	fail "the compact not-found message differs"

# With the sandbox stopped, the lookups above answer from the cache.
sandbox_stop
erase 20
keys "$AKOSUA_WALLET" Enter
wait_for "From cache, may be old" 100 ||
	fail "no cached profile while Spotbanc is down"
on_screen "Akosua Darko" || fail "the cached profile is not Akosua Darko's"
save_screen cached

# Esc twice goes home, then quit through the confirmation dialog.
keys Escape
sleep 0.3
keys Escape
wait_for "7 Find customer" || fail "Esc did not go home"
quit_agent "$RUN_DIR"

echo "ok: customers found online, pending and from the cache at 80x24 and 40x16"
exit 0
