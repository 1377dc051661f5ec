#!/usr/bin/env bash
# The headless commands as a kiosk script uses them: --version, status,
# sync, submit, report, devices, print-test (on a file and on a TCP
# printer started here), and start-up refusing a bad configuration. Each
# check prints "ok" or "FAIL", and the script closes with "N passed, N
# failed".
set -u
cd "$(dirname "$0")/../.."
source tests/lib.sh

bin=build/spotagent
mkdir -p build/test-runs
dir=$(mktemp -d build/test-runs/cli-XXXXXX)
trap 'sandbox_stop' EXIT
passed=0
failed=0

check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

contains() {
	grep -q -- "$2" <<<"$1"
}

version=$($bin --version)
check "version names spotagent" contains "$version" "^spotagent "
check "version says libcurl on mbedTLS" contains "$version" \
	"^libcurl .*(TLS: mbedTLS/"
check "version names SQLite" contains "$version" "^SQLite 3\."
check "version names libusb" contains "$version" "^libusb 1\."
check "version names ncurses" contains "$version" "^ncurses "
check "version names jansson" contains "$version" "^jansson 2\."

sandbox_start "$dir" || exit 1
write_config "$dir" "$SANDBOX_PORT"
conf=$dir/spotagent.conf

$bin --config "$conf" status 2>"$dir/nojournal.err"
check "status before the journal exists exits 1" test $? -eq 1
check "status names the missing journal" grep -q "does not exist yet" \
	"$dir/nojournal.err"

$bin --config "$conf" sync 2>"$dir/sync.err"
check "sync with an empty queue exits 0" test $? -eq 0
check "sync reports nothing waiting" grep -q "0 operations still waiting" \
	"$dir/sync.err"

status_json=$($bin --config "$conf" status --json)
check "status --json counts nothing waiting" contains "$status_json" \
	'"waiting": 0'
check "status --json shows no sync yet" contains "$status_json" \
	'"last_sync": null'
status_text=$($bin --config "$conf" status)
check "status lists every state" contains "$status_text" "needs_attention"

# submit journals JSON lines and names each bad line; sync sends them.
printf '%s\n' \
	'{"type":"wallet_transfer","agent_id":"A1001","sender_account":"1000000001","receiver_account":"1000000002","currency":"GHS","amount":150}' \
	'{"type":"wallet_transfer","agent_id":"A1001","sender_account":"1000000001","receiver_account":"1000000002","currency":"GHS","amount":-5}' \
	'not json' |
	$bin --config "$conf" submit >"$dir/submit.out" 2>"$dir/submit.err"
check "submit with bad lines exits 1" test $? -eq 1
check "submit prints the queued id" grep -qE \
	'^queued [0-9a-f-]{36}$' "$dir/submit.out"
check "submit names the bad amount line" grep -q \
	'error: line 2: "amount" must be' "$dir/submit.err"
check "submit names the bad JSON line" grep -q \
	'error: line 3: not a JSON object' "$dir/submit.err"
id=$(awk '/^queued/ { print $2 }' "$dir/submit.out")
$bin --config "$conf" sync 2>>"$dir/sync.err"
check "sync sends the submitted operation" test $? -eq 0
check "ledger holds it once" test "$(ledger_count "$dir/sandbox.db" "$id")" \
	= 1
status_json=$($bin --config "$conf" status --json)
check "status counts it accepted" contains "$status_json" '"accepted": 1'

# A script may run its input again after a crash: a line with its own
# operation_id is journaled once however often it is submitted.
line='{"type":"wallet_transfer","agent_id":"A1001","sender_account":"1000000001","receiver_account":"1000000002","currency":"GHS","amount":10,"operation_id":"0b1e7a52-3c4d-4e5f-8a6b-7c8d9e0f1a2b"}'
printf '%s\n%s\n' "$line" "$line" |
	$bin --config "$conf" submit >"$dir/rerun.out" 2>"$dir/rerun.err"
check "submit of a repeated operation_id exits 0" test $? -eq 0
check "repeated operation_id is journaled once" test "$(python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute('SELECT count(*) FROM operations WHERE id = ?',
                 (sys.argv[2],)).fetchone()[0])" \
	"$dir/journal.db" 0b1e7a52-3c4d-4e5f-8a6b-7c8d9e0f1a2b)" = 1
printf 'ab\0cd\n' | $bin --config "$conf" submit 2>"$dir/nul.err" >/dev/null
check "a NUL byte in a line is reported" grep -q \
	'error: line 1: contains a NUL byte' "$dir/nul.err"
printf '%s\n' '{"type":"wallet_transfer","agent_id":"A 1001;","sender_account":"1000000001","receiver_account":"1000000002","currency":"GHS","amount":1}' |
	$bin --config "$conf" submit 2>"$dir/agent.err" >/dev/null
check "an invalid agent_id is refused" grep -q 'error: line 1: Agent ID' \
	"$dir/agent.err"

# The end-of-day report: the open day with one transfer confirmed and the
# repeated one still queued, a close refused while it is pending, then
# forced.
report_text=$($bin --config "$conf" report 2>"$dir/report.err")
check "report exits 0" test $? -eq 0
check "report of the open day is an X report" contains "$report_text" \
	"X REPORT (day still open)"
check "report has a wallet transfer line" contains "$report_text" \
	"^Wallet transfer GHS$"
check "report counts the confirmed transfer" contains "$report_text" \
	"^Confirmed 1 .* GHS 1\.50$"
check "report counts the queued transfer" contains "$report_text" \
	"^Pending 1 .* GHS 0\.10$"
report_json=$($bin --config "$conf" report --json)
check "report --json is the open day 1" contains "$report_json" \
	'^{"day":1,"status":"open",'
check "report --json has the pending total" contains "$report_json" \
	'"pending":{"count":1,"amount":10,"fee":0}'
check "report --json is valid JSON" python3 -c '
import json, sys
report = json.loads(sys.argv[1])
sys.exit(report["closed_at"] is not None)' "$report_json"

$bin --config "$conf" report --close >"$dir/close.out" 2>"$dir/close.err"
check "close with a pending operation exits 1" test $? -eq 1
check "close names the pending operations" grep -q "still pending" \
	"$dir/close.err"
check "close names --force" grep -q -- "--close --force" "$dir/close.err"
check "refused close prints no report" test ! -s "$dir/close.out"
$bin --config "$conf" report --day 1 >/dev/null 2>"$dir/day.err"
check "report of a day not closed exits 1" test $? -eq 1
check "report names the day not closed" grep -q "day 1 is not closed" \
	"$dir/day.err"

closed_json=$($bin --config "$conf" report --close --force --json \
	2>"$dir/forced.err")
check "forced close exits 0" test $? -eq 0
# The Z report becomes a print job that the running terminal's print
# worker prints; the command itself does not open the printer.
check "forced close says the report is queued to print" grep -q \
	"^Z report of day 1 added to the print queue" "$dir/forced.err"
check "forced close adds one waiting report print job" test "$(python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute(\"SELECT count(*) FROM print_jobs WHERE kind = 'report'\"
                 \" AND state = 'waiting' AND length(data) > 0\").fetchone()[0])
" "$dir/journal.db")" = 1
check "forced close prints the closed day 1" contains "$closed_json" \
	'^{"day":1,"status":"closed",'
check "forced close keeps the pending operation" contains \
	"$closed_json" '"pending":{"count":1,"amount":10,"fee":0}'
check "closed day reads back as recorded" test \
	"$($bin --config "$conf" report --day 1 --json)" = "$closed_json"
check "closed day prints as a Z report" contains \
	"$($bin --config "$conf" report --day 1)" "Z REPORT"
$bin --config "$conf" report --close --force >/dev/null 2>"$dir/empty.err"
check "close of an empty day exits 1" test $? -eq 1
check "close of an empty day says so" grep -q "nothing to close" \
	"$dir/empty.err"
report_text=$($bin --config "$conf" report)
check "the next day starts empty" contains "$report_text" "^No operations$"
check "the next day is day 2" contains "$report_text" "^Day  *2$"

# The transfer left pending by day 1's close is confirmed on day 2: day
# 2's report counts it apart, and day 2 closes on it alone, once.
$bin --config "$conf" sync 2>>"$dir/sync.err"
check "sync confirms the carried transfer" test $? -eq 0
report_text=$($bin --config "$conf" report)
check "report shows the decided carried block" contains "$report_text" \
	"^Decided since an earlier close$"
check "report counts the carried transfer" contains "$report_text" \
	"^Confirmed 1 .* GHS 0\.10$"
closed_json=$($bin --config "$conf" report --close --json 2>"$dir/carried.err")
check "close of a day with only carried decisions exits 0" test $? -eq 0
check "closed day 2 records the carried transfer" contains "$closed_json" \
	'"carried":\[{"type":"wallet_transfer","currency":"GHS","confirmed":{"count":1,"amount":10,"fee":0}'
$bin --config "$conf" report --close --force >/dev/null 2>"$dir/empty3.err"
check "the carried transfer counts once" grep -q "nothing to close" \
	"$dir/empty3.err"

# The report is the terminal's: cash-ins of two agents on it add up in
# one line, and each agent's float moves apart.
printf '%s\n' \
	'{"type":"cash_in","agent_id":"A1001","receiver_account":"1000000002","currency":"GHS","amount":10000}' \
	'{"type":"cash_in","agent_id":"A1002","receiver_account":"1000000002","currency":"GHS","amount":30000}' |
	$bin --config "$conf" submit >"$dir/agents.out" 2>"$dir/agents.err"
check "submit of two agents' cash-ins exits 0" test $? -eq 0
$bin --config "$conf" sync 2>>"$dir/sync.err"
check "sync confirms the two cash-ins" test $? -eq 0
report_json=$($bin --config "$conf" report --json)
check "report adds up both agents' cash-ins" contains "$report_json" \
	'"type":"cash_in","currency":"GHS","confirmed":{"count":2,"amount":40000,'
check "report has A1001's float" contains "$report_json" \
	'{"agent_id":"A1001","currency":"GHS","confirmed":-10000,'
check "report has A1002's float apart" contains "$report_json" \
	'{"agent_id":"A1002","currency":"GHS","confirmed":-30000,'
check "the rejected column has no fee" contains "$report_json" \
	'"rejected":{"count":0,"amount":0}}'
report_text=$($bin --config "$conf" report)
check "report heads A1001's float" contains "$report_text" "^Agent A1001$"
check "report heads A1002's float" contains "$report_text" "^Agent A1002$"
$bin --config "$conf" report --close >"$dir/close3.out" 2>"$dir/close3.err"
check "close in text mode exits 0" test $? -eq 0
check "close in text mode prints the Z report" grep -q "Z REPORT" \
	"$dir/close3.out"
check "close in text mode says the report is queued to print" grep -q \
	"^Z report of day 3 added to the print queue" "$dir/close3.out"

for args in "report --force" "report --day 0" "report --day x" \
	"status --close" "report --close --day 1" "sync --day 1"; do
	# shellcheck disable=SC2086 # the options are split on purpose
	$bin --config "$conf" $args >/dev/null 2>"$dir/report-usage.err"
	check "\"$args\" exits 2" test $? -eq 2
done

# A bad setting stops start-up with exit code 2, naming setting and file.
sed 's/^paper = 80/paper = 70/' "$conf" >"$dir/bad.conf"
$bin --config "$dir/bad.conf" status 2>"$dir/bad.err"
check "bad setting exits 2" test $? -eq 2
check "bad setting message names it" grep -q "\[printer\] paper" \
	"$dir/bad.err"
check "bad setting message names the file" grep -q "bad.conf" \
	"$dir/bad.err"

$bin --config "$dir/missing.conf" status 2>"$dir/missing.err"
check "missing file exits 2" test $? -eq 2
$bin --config "$conf" frobnicate 2>"$dir/usage.err"
check "unknown command exits 2" test $? -eq 2
$bin --config "$conf" sync --json 2>"$dir/usage.err"
check "option of another command exits 2" test $? -eq 2
check "misplaced option is named" grep -q -- "--json does not apply" \
	"$dir/usage.err"

# --- devices and print-test ----------------------------------------------

# A file printer: devices names it ready; print-test writes one test page
# with a reset first, the profile's name, a ruler and a cut last.
$bin --config "$conf" devices >"$dir/devices.out" 2>&1
check "devices exits 0" test $? -eq 0
check "devices names the configured printer" grep -q \
	"^Configured printer: \[printer\] device = file:" "$dir/devices.out"
check "devices says the file printer is ready" grep -q "^  state: ready$" \
	"$dir/devices.out"
check "devices names the profile" grep -q \
	"^  profile: generic-80 (48 columns)$" "$dir/devices.out"
: >"$dir/receipts.bin"
$bin --config "$conf" print-test >"$dir/print-test.out" 2>&1
check "print-test on a file exits 0" test $? -eq 0
check "print-test starts with ESC @" python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(0 if data.startswith(b"\x1b@") else 1)' "$dir/receipts.bin"
check "print-test names the profile" grep -aq \
	"Profile: generic-80, 48 columns" "$dir/receipts.bin"
check "print-test prints a 48-column ruler" grep -aq \
	"^---------1---------2---------3---------4-------|" "$dir/receipts.bin"
check "print-test ends with a cut" python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(0 if data.endswith(b"\x1dVB\x03") else 1)' "$dir/receipts.bin"

# A TCP printer on 127.0.0.1 started here (tests/support/fake_printer.py):
# it replies to every DLE EOT n with the status of its mode and keeps the
# other bytes. It serves up to 8 connections and stops after 20 s
# whatever happens.

# start_tcp_printer MODE: start the listener; TCP_PID and TCP_PORT are set.
start_tcp_printer() {
	rm -f "$dir/tcp.port"
	python3 tests/support/fake_printer.py --mode "$1" --connections 8 \
		--seconds 20 "$dir/tcp.port" "$dir/tcp.bin" &
	TCP_PID=$!
	for _ in $(seq 50); do
		[ -s "$dir/tcp.port" ] && break
		sleep 0.1
	done
	TCP_PORT=$(cat "$dir/tcp.port" 2>/dev/null)
	[ -n "$TCP_PORT" ]
}

check "the ready TCP printer starts" start_tcp_printer ready
sed "s|^device = .*|device = tcp:127.0.0.1:$TCP_PORT|" "$conf" \
	>"$dir/tcp.conf"
$bin --config "$dir/tcp.conf" print-test >"$dir/tcp-test.out" 2>&1
check "print-test on a ready TCP printer exits 0" test $? -eq 0
kill "$TCP_PID" 2>/dev/null
wait "$TCP_PID" 2>/dev/null
check "the TCP printer got the test page" grep -aq "TEST PAGE" \
	"$dir/tcp.bin"

check "the paper-out TCP printer starts" start_tcp_printer paperout
sed "s|^device = .*|device = tcp:127.0.0.1:$TCP_PORT|" "$conf" \
	>"$dir/tcp.conf"
$bin --config "$dir/tcp.conf" devices >"$dir/tcp-devices.out" 2>&1
check "devices says the TCP printer is out of paper" grep -q \
	"^  state: paper out" "$dir/tcp-devices.out"
$bin --config "$dir/tcp.conf" print-test >"$dir/tcp-test.out" 2>&1
check "print-test without paper exits 1" test $? -eq 1
check "print-test says why" grep -qi "paper" "$dir/tcp-test.out"
kill "$TCP_PID" 2>/dev/null
wait "$TCP_PID" 2>/dev/null

# Nothing listens on a port just closed: the printer is not reachable.
$bin --config "$dir/tcp.conf" print-test >"$dir/tcp-gone.out" 2>&1
check "print-test on an absent TCP printer exits 1" test $? -eq 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
