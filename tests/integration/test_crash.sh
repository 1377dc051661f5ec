#!/usr/bin/env bash
# Crash injection: `spotagent submit` and `spotagent sync --watch` run
# together through the fault-injecting proxy and are killed with SIGKILL at
# random points, many times over. Afterwards the queue is drained and the
# sandbox must hold every journaled operation exactly once: nothing that
# submit printed as queued is lost, nothing is applied twice, nothing
# rejected is applied. Prints the seed, "crash trials: N, lost: N,
# duplicated: N", one line per invariant and "N passed, N failed".
#
# CRASH_SEED sets the random seed (default below), CRASH_TRIALS the number
# of trials (default 200) and CRASH_TIME_LIMIT the seconds the trials may
# take (default 240).
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib.sh

bin=build/spotagent
checker=tests/integration/check_ledger.py
seed=${CRASH_SEED:-20261204}
trials=${CRASH_TRIALS:-200}
time_limit=${CRASH_TIME_LIMIT:-240}
# Milliseconds each way on the proxy, so that a kill often lands while a
# request is on the wire.
latency_ms=15
# The latest point of a kill after both processes started, in ms.
kill_window_ms=300
# Seconds a process that was not killed may take to finish.
finish_limit=5
# Final drain: `sync` runs at most, and the seconds each may take.
sync_runs_max=10
sync_timeout=30

mkdir -p build/test-runs
dir=$(mktemp -d build/test-runs/crash-XXXXXX)
conf=$dir/spotagent.conf
submit_pid=
watch_pid=
passed=0
failed=0

cleanup() {
	local pid

	for pid in $submit_pid $watch_pid; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	proxy_stop
	sandbox_stop
}
trap cleanup EXIT

check() {
	local name=$1 detail=$2

	shift 2
	if "$@"; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $detail"
		failed=$((failed + 1))
	fi
}

# Limits far above what the trials journal, so the policy rejects nothing.
cat >"$dir/policy.json" <<'EOF'
{"version": 1, "operations": {"wallet_transfer": {
  "offline_allowed": true,
  "max_amount": {"GHS": 1000000000000000, "NGN": 1000000000000000},
  "max_exposure": {"GHS": 1000000000000000, "NGN": 1000000000000000},
  "max_queued": 100000, "max_age_seconds": 86400}}}
EOF

# Every operation gets its own amount, so its payload is unique and a
# second journal row for one input line would show.
op_number=0

# write_trial_input FILE
# Write 1 to 4 transfers to FILE: GHS transfers alternating between the
# two GHS wallets (accepted), and now and then one from the empty NGN
# wallet 1000000004 (rejected for insufficient funds).
write_trial_input() {
	local file=$1 count i sender receiver currency
	local format='{"type": "wallet_transfer", "agent_id": "A1001", '

	format+='"sender_account": "%s", "receiver_account": "%s", '
	format+='"currency": "%s", "amount": %d}\n'
	: >"$file"
	count=$((RANDOM % 4 + 1))
	for ((i = 0; i < count; i++)); do
		op_number=$((op_number + 1))
		if ((RANDOM % 6 == 0)); then
			sender=1000000004 receiver=1000000003 currency=NGN
		elif ((op_number % 2)); then
			sender=1000000001 receiver=1000000002 currency=GHS
		else
			sender=1000000002 receiver=1000000001 currency=GHS
		fi
		# shellcheck disable=SC2059
		printf "$format" "$sender" "$receiver" "$currency" \
			"$op_number" >>"$file"
	done
}

# arm_random_fault
# In one trial of four, queue one proxy fault for the next request.
arm_random_fault() {
	local kinds=(drop_before_request drop_after_request drop_mid_response
		reset)

	proxy_control DELETE /faults >/dev/null
	if ((RANDOM % 4 == 0)); then
		proxy_faults "[{\"kind\": \"${kinds[RANDOM % 4]}\"}]"
	fi
}

# wait_bounded PID SECONDS
# Wait for PID to exit, at most SECONDS. Sets waited_status to its exit
# status, or to "timeout" after killing it with SIGKILL.
wait_bounded() {
	local pid=$1 limit=$2 i

	for ((i = 0; i < limit * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		waited_status=timeout
		return
	fi
	wait "$pid" 2>/dev/null
	waited_status=$?
}

# run_trial NUMBER
# One trial: start sync --watch and submit together, SIGKILL one or both
# at a random point, let the other finish, record the printed ids.
run_trial() {
	local number=$1 input=$dir/trial-input.jsonl output
	local delay victim

	output=$dir/trials/$number.out
	write_trial_input "$input"
	arm_random_fault
	delay=$((RANDOM % (kill_window_ms + 1)))
	# 0: kill submit, 1: kill the watch, 2: kill both.
	victim=$((RANDOM % 3))

	$bin --config "$conf" sync --watch >/dev/null 2>>"$dir/watch.err" &
	watch_pid=$!
	$bin --config "$conf" submit <"$input" >"$output" \
		2>>"$dir/submit.err" &
	submit_pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"

	if ((victim != 1)); then
		kill -KILL "$submit_pid" 2>/dev/null
		killed_submits=$((killed_submits + 1))
	fi
	if ((victim != 0)); then
		kill -KILL "$watch_pid" 2>/dev/null
		killed_watches=$((killed_watches + 1))
	fi

	wait_bounded "$submit_pid" "$finish_limit"
	# A submit that exited before the kill landed must have exited 0.
	if [ "$waited_status" != 0 ] && [ "$waited_status" != 137 ]; then
		submit_failures+=("trial $number: submit exit $waited_status")
	fi
	submit_pid=
	if ((victim == 0)); then
		kill -TERM "$watch_pid" 2>/dev/null
	fi
	wait_bounded "$watch_pid" "$finish_limit"
	if ((victim == 0)) && [ "$waited_status" != 0 ]; then
		watch_failures+=("trial $number: sync --watch after SIGTERM:"
			"$waited_status")
	fi
	watch_pid=
	sed -n 's/^queued \([0-9a-f-]\{36\}\)$/\1/p' "$output" >>"$dir/ids"
}

# drain
# Run `sync` until it exits 0, at most sync_runs_max times.
drain() {
	local run

	for ((run = 1; run <= sync_runs_max; run++)); do
		timeout --kill-after=5 $((sync_timeout + 10)) \
			$bin --config "$conf" sync --timeout "$sync_timeout" \
			>>"$dir/drain.out" 2>&1 && return 0
		sleep 1
	done
	return 1
}

if [ ! -x "$bin" ]; then
	echo "$bin is missing; run make first"
	echo "0 passed, 1 failed"
	exit 1
fi
# A copy, so that a rebuild while the test runs changes nothing under it.
cp "$bin" "$dir/spotagent" || exit 1
bin=$dir/spotagent

echo "seed: $seed (set CRASH_SEED to change it)"
RANDOM=$seed
SANDBOX_FLAGS="--policy $dir/policy.json" sandbox_start "$dir" || exit 1
proxy_start "$dir" "$SANDBOX_PORT" || exit 1
SYNC_RETRY_MIN=1 SYNC_RETRY_MAX=2 write_config "$dir" "$PROXY_PORT"
sed -i 's/^request_timeout = .*/request_timeout = 5/' "$conf"
echo "batch_size = 3" >>"$conf"
proxy_latency "$latency_ms"
mkdir -p "$dir/trials"
: >"$dir/ids"

# One sync with an empty queue caches the policy that submit checks.
if ! $bin --config "$conf" sync >"$dir/first-sync.out" 2>&1; then
	echo "first sync failed:"
	cat "$dir/first-sync.out"
	echo "0 passed, 1 failed"
	exit 1
fi

killed_submits=0
killed_watches=0
submit_failures=()
watch_failures=()
start=$SECONDS
done_trials=0
while ((done_trials < trials && SECONDS - start < time_limit)); do
	done_trials=$((done_trials + 1))
	# Bash reports each killed job on stderr; keep that out of the output.
	run_trial "$done_trials" 2>>"$dir/trials.err"
done
trial_seconds=$((SECONDS - start))

proxy_clear
drain_start=$SECONDS
drain
drain_status=$?
drain_seconds=$((SECONDS - drain_start))

# --allow-held: after a rejection, the sync worker moves the later queued
# transfers from the same NGN wallet to needs_attention for the agent.
# They must not be applied.
python3 "$checker" "$dir/journal.db" "$dir/sandbox.db" --ids "$dir/ids" \
	--allow-held >"$dir/check"
summary=$(sed -n 's/^summary //p' "$dir/check")

count() {
	tr ' ' '\n' <<<"$summary" | sed -n "s/^$1=//p"
}

integrity=$(python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("PRAGMA integrity_check").fetchone()[0])
' "$dir/journal.db" 2>&1)
duplicate_payloads=$(python3 -c '
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10)
print(conn.execute("SELECT COUNT(*) - COUNT(DISTINCT payload) "
                   "FROM operations").fetchone()[0])
' "$dir/journal.db" 2>&1)

# Operations sent more than once: a kill or a proxy fault cut their
# request, so the crashes did reach the window that matters.
resent=$(count resent)
trial_errors=$(grep -v -c 'Killed' "$dir/trials.err")

lost=$(count lost)
duplicated=$(($(count duplicated) + duplicate_payloads))
printed=$(wc -l <"$dir/ids")
echo "crash trials: $done_trials, lost: $lost, duplicated: $duplicated"
echo "trials took $trial_seconds s ($killed_submits submits and" \
	"$killed_watches watches killed), drain $drain_seconds s;" \
	"$printed ids printed, $resent sent more than once; $summary"

check "all $trials trials ran" \
	"$done_trials in $time_limit s" test "$done_trials" -ge "$trials"
check "trials ran without script errors" "see $dir/trials.err" \
	test "$trial_errors" = 0
check "kills cut requests in flight" "$resent operations resent" \
	test "$resent" -gt 0
check "submit exits 0 unless killed" "${submit_failures[*]:-}" \
	test "${#submit_failures[@]}" -eq 0
check "sync --watch exits 0 on SIGTERM" "${watch_failures[*]:-}" \
	test "${#watch_failures[@]}" -eq 0
check "journal passes integrity_check" "$integrity" \
	test "$integrity" = ok
check "queue drains after the crashes" "sync exit $drain_status, see \
$dir/drain.out" test "$drain_status" -eq 0 -a "$(count unsettled)" = 0
check "no operation lost" "$lost" test "$lost" = 0
check "no operation applied twice" "$(count duplicated) in the ledger" \
	test "$(count duplicated)" = 0
check "no operation journaled twice" "$duplicate_payloads" \
	test "$duplicate_payloads" = 0
check "every accepted operation applied" "$(count missing)" \
	test "$(count missing)" = 0
check "no rejected operation applied" "$(count rejected_applied)" \
	test "$(count rejected_applied)" = 0
check "no held operation applied" "$(count attention_applied)" \
	test "$(count attention_applied)" = 0
check "no other needs_attention" "$(count needs_attention)" \
	test "$(count needs_attention)" = 0
check "no ledger row outside the journal" "$(count stray)" \
	test "$(count stray)" = 0
check "journal references match ledger" "$(count reference_mismatch)" \
	test "$(count reference_mismatch)" = 0
check "ledger amounts match journal" "$(count field_mismatch)" \
	test "$(count field_mismatch)" = 0

if [ "$failed" -gt 0 ]; then
	sed -n 's/^  /  /p' "$dir/check"
	echo "run folder: $dir"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
