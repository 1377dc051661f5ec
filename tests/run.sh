#!/usr/bin/env bash
# Run every test suite (unit, integration, sandbox, UI, style) and close
# with one line "N passed, N failed" counting individual test cases.
set -u
cd "$(dirname "$0")/.."

logs=build/test-runs/logs
mkdir -p "$logs"
passed=0
failed=0
failures=()

# Add the counts of one suite; cmocka and the Python runner print their
# own counts, other suites count as one case decided by the exit code.
record() {
	local name=$1 status=$2 log=$3 p f
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
	if [ -z "$p" ] && [ -z "$f" ]; then
		p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -n 1)
		f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -n 1)
	fi
	if [ -z "$p" ] && [ -z "$f" ]; then
		if [ "$status" -eq 0 ]; then p=1; f=0; else p=0; f=1; fi
	fi
	p=${p:-0}
	f=${f:-0}
	# A suite that exits non-zero must not pass silently.
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failures+=("$name (log: $log)")
		echo "FAIL $name: $p passed, $f failed"
		tail -n 30 "$log" | sed 's/^/    /'
	else
		echo "ok   $name: $p passed"
	fi
}

run_suite() {
	local name=$1 limit=$2
	shift 2
	local log="$logs/$name.log" status
	timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
	status=$?
	if [ "$status" -eq 124 ]; then
		echo "timed out after $limit s" >>"$log"
	fi
	record "$name" "$status" "$log"
}

for binary in build/tests/test_*; do
	[ -x "$binary" ] || continue
	run_suite "$(basename "$binary")" 300 "$binary"
done

# Fuzz targets, briefly: their seeds, then mutations for at most 300000
# inputs or 5 seconds each.
for binary in build/fuzz/fuzz_*; do
	[ -x "$binary" ] || continue
	name=$(basename "$binary")
	run_suite "$name" 120 "$binary" "tests/fuzz/${name#fuzz_}.seeds" \
		300000 5
done

run_suite sandbox 300 python3 tests/sandbox/test_sandbox.py
run_suite sandbox_money 300 python3 tests/sandbox/test_money.py
run_suite proxy 120 python3 tests/proxy/test_proxy.py

for script in tests/integration/test_*.sh; do
	[ -f "$script" ] || continue
	run_suite "$(basename "$script" .sh)" 300 bash "$script"
done

for script in tests/ui/test_*.sh; do
	[ -f "$script" ] || continue
	run_suite "ui_$(basename "$script" .sh)" 300 bash "$script"
done

run_suite style 60 bash tests/check_style.sh

if [ ${#failures[@]} -gt 0 ]; then
	echo "Failed suites:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
