#!/usr/bin/env bash
# Property test of money movement: three terminals, each behind its own
# fault proxy, journal random cash-ins, cash-outs, wallet and bank
# transfers and reversals for several rounds while the proxies drop,
# reset or refuse connections during `spotagent sync`. Then, with the
# faults cleared and the queues drained, property_money.py checks that
# money is conserved, that each operation was applied once or never as
# its journal records, and that each terminal's `spotagent report --json`
# equals the sandbox's ledger totals for it. PROPERTY_SEED repeats a run.
# One line per check, then "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib.sh

bin=build/spotagent
driver=tests/integration/property_money.py
terminals=(T0001 T0002 T0003)
# T0003 shares agent A1001's float with T0001.
agents=(A1001 A1002 A1001)
# Seconds the whole script may take, and the --timeout of each
# terminal's first sync.
script_limit=175
first_sync_seconds=15
# Seconds a terminal waits for a reply, and operations per batch, small
# so that a round takes several batches.
request_timeout=4
batch_size=6
seed=${PROPERTY_SEED:-$((RANDOM * 32768 + RANDOM))}

mkdir -p build/test-runs
dir=$(mktemp -d build/test-runs/property-money-XXXXXX)
proxy_pids=()

cleanup() {
	local pid

	for pid in "${proxy_pids[@]}"; do
		PROXY_PID=$pid
		proxy_stop
	done
	sandbox_stop
}
trap cleanup EXIT

# setup_failed MESSAGE...
# Report a set-up failure as one failed check and exit.
setup_failed() {
	echo "FAIL set-up: $*"
	echo "run folder: $dir"
	echo "0 passed, 1 failed"
	exit 1
}

echo "seed $seed (PROPERTY_SEED=$seed repeats the random choices)"
if [ ! -x "$bin" ]; then
	setup_failed "$bin is missing; run make first"
fi
# A copy, so that a rebuild while the test runs changes nothing under it.
cp "$bin" "$dir/spotagent" || setup_failed "cannot copy $bin"
bin=$dir/spotagent

# A certificate set made before T0003 was added lacks it: make a complete
# set for this run instead.
if [ ! -f "$SANDBOX_CERTS/client-T0003.pem" ]; then
	bash tests/sandbox/make-certs.sh "$dir/certs" >/dev/null ||
		setup_failed "make-certs.sh failed"
	SANDBOX_CERTS=$(cd "$dir/certs" && pwd)
fi
export SANDBOX_CERTS

# Every money operation of the test is allowed offline with limits far
# above what a run journals, so `spotagent submit` journals every line
# and every rejection comes from the sandbox.
{
	printf '{"version": 1, "operations": {'
	separator=
	for type in wallet_transfer cash_in cash_out bank_transfer reversal; do
		printf '%s"%s": {"offline_allowed": true,' "$separator" "$type"
		printf ' "max_amount": {"GHS": 1000000000000000,'
		printf ' "NGN": 1000000000000000},'
		printf ' "max_exposure": {"GHS": 1000000000000000,'
		printf ' "NGN": 1000000000000000},'
		printf ' "max_queued": 100000, "max_age_seconds": 86400}'
		separator=", "
	done
	printf '}}\n'
} >"$dir/policy.json"

SANDBOX_FLAGS="--policy $dir/policy.json" sandbox_start "$dir" ||
	setup_failed "the sandbox did not start"

terminal_args=()
for i in "${!terminals[@]}"; do
	terminal=${terminals[$i]}
	tdir=$dir/$terminal
	mkdir -p "$tdir"
	PROXY_PID=
	proxy_start "$tdir" "$SANDBOX_PORT" ||
		setup_failed "the proxy of $terminal did not start"
	proxy_pids+=("$PROXY_PID")
	SYNC_RETRY_MIN=1 SYNC_RETRY_MAX=2 \
		write_config "$tdir" "$PROXY_PORT" "$terminal"
	sed -i "s/^request_timeout = .*/request_timeout = $request_timeout/" \
		"$tdir/spotagent.conf"
	echo "batch_size = $batch_size" >>"$tdir/spotagent.conf"
	# One sync with an empty queue caches the policy, the fee schedule
	# and the bank list that submit needs.
	timeout --kill-after=5 $((first_sync_seconds + 5)) \
		$bin --config "$tdir/spotagent.conf" sync \
		--timeout "$first_sync_seconds" >"$tdir/first-sync.out" 2>&1 ||
		setup_failed "first sync of $terminal failed: $(tail -n 3 \
			"$tdir/first-sync.out")"
	terminal_args+=(--terminal "$terminal:${agents[$i]}:$PROXY_CONTROL_PORT")
done
PROXY_PID=

# The driver gets 10 s less than timeout allows it, as a margin.
# SECONDS is the time the script has run so far.
driver_limit=$((script_limit - SECONDS - 5))
if [ "$driver_limit" -lt 100 ]; then
	setup_failed "the set-up took $SECONDS s, which leaves too little" \
		"of the $script_limit s for the rounds"
fi
timeout --kill-after=5 "$driver_limit" python3 "$driver" --dir "$dir" \
	--port "$SANDBOX_PORT" --bin "$bin" --seed "$seed" \
	--seconds $((driver_limit - 10)) \
	--request-timeout "$request_timeout" "${terminal_args[@]}"
status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	echo "FAIL run: the driver did not finish within $driver_limit s"
	echo "0 passed, 1 failed"
elif [ "$status" -gt 1 ]; then
	echo "FAIL run: the driver exited with status $status"
	echo "0 passed, 1 failed"
fi
echo "run folder: $dir"
exit "$status"
