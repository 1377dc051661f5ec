#!/usr/bin/env bash
# Exactly-once delivery under network and service faults. For each fault,
# `spotagent submit` journals a round of operations and the fault is armed
# on the proxy or the sandbox. Then `spotagent sync` (or `sync --watch`)
# drains the queue, and the journal is compared with the sandbox ledger.
# Each operation must be accepted and applied once with the same
# reference, or rejected or held for the agent and never applied, as the
# round expects. One line per fault, then "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib.sh

bin=build/spotagent
checker=tests/integration/check_ledger.py
# Seconds the terminal waits for a reply. The timeout faults outlast it.
request_timeout=4
# Operations per request, below the round size, so a round takes several
# batches and the same-wallet chain crosses a batch boundary.
batch_size=8
# `spotagent sync` runs per round at most, and the seconds each may take.
sync_runs_max=10
sync_timeout=20
# Seconds a `sync --watch` round may take to drain.
watch_limit=40
# The sandbox path of a batch of operations (docs/api.md).
batch_path=/v1/operations/batch
# Cases whose fault never cuts a batch that left, or that libcurl resends
# by itself, so the sync worker sends no operation twice. In every other
# case it must send some operation again, which shows that the fault
# reached a batch.
no_resend_cases=" baseline latency_200ms refuse refuse_watch duplicate "
no_resend_cases+="drop_after_request_once reset_once sync_and_watch "

mkdir -p build/test-runs
dir=$(mktemp -d build/test-runs/faults-XXXXXX)
conf=$dir/spotagent.conf
watch_pid=
passed=0
failed=0

cleanup() {
	if [ -n "$watch_pid" ]; then
		kill -KILL "$watch_pid" 2>/dev/null
		wait "$watch_pid" 2>/dev/null
	fi
	proxy_stop
	sandbox_stop
}
trap cleanup EXIT

pass() {
	echo "ok   $*"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

# Limits far above what a round journals, so the policy rejects nothing
# and every rejection comes from the sandbox.
cat >"$dir/policy.json" <<'EOF'
{"version": 1, "operations": {"wallet_transfer": {
  "offline_allowed": true,
  "max_amount": {"GHS": 1000000000000000, "NGN": 1000000000000000},
  "max_exposure": {"GHS": 1000000000000000, "NGN": 1000000000000000},
  "max_queued": 100000, "max_age_seconds": 86400}}}
EOF

# transfer SENDER RECEIVER CURRENCY AMOUNT EXPECTED
# Append one operation to the round's input and its expected final state.
transfer() {
	local format='{"type": "wallet_transfer", "agent_id": "A1001", '

	format+='"sender_account": "%s", "receiver_account": "%s", '
	format+='"currency": "%s", "amount": %s}\n'
	# shellcheck disable=SC2059
	printf "$format" "$1" "$2" "$3" "$4" >>"$round/input.jsonl"
	echo "$5" >>"$round/expected-states"
}

# write_round
# Write 20 operations to $round: 3 from an empty NGN wallet, then small
# transfers both ways between the two GHS wallets and a same-wallet chain. Every round leaves the GHS balances as it found them but for a
# few pesewas, so each round's outcomes are the same.
write_round() {
	local i

	: >"$round/input.jsonl"
	: >"$round/expected-states"
	# Wallet 1000000004 has a balance of NGN 0, so the first of these is
	# rejected. The other two share its wallets, so they are held back
	# and end in needs_attention for the agent, never applied. They use
	# no GHS wallet, so they hold back none of the transfers below.
	transfer 1000000004 1000000003 NGN 100 rejected
	transfer 1000000004 1000000003 NGN 200 needs_attention
	transfer 1000000004 1000000003 NGN 300 needs_attention
	transfer 1000000001 1000000002 GHS 101 accepted
	transfer 1000000002 1000000001 GHS 102 accepted
	transfer 1000000001 1000000002 GHS 103 accepted
	# The chain: 1000000002 has about GHS 250, so each transfer back
	# succeeds only after the one before it was applied. The first two
	# share the first batch, the last two the second.
	transfer 1000000001 1000000002 GHS 60000 accepted
	transfer 1000000002 1000000001 GHS 60000 accepted
	transfer 1000000001 1000000002 GHS 60000 accepted
	transfer 1000000002 1000000001 GHS 60000 accepted
	for i in $(seq 1 10); do
		if ((i % 2)); then
			transfer 1000000001 1000000002 GHS $((110 + i)) accepted
		else
			transfer 1000000002 1000000001 GHS $((110 + i)) accepted
		fi
	done
}

# submit_round
# Journal the round and write $round/ids and $round/expect. Returns 1 when
# submit fails or prints fewer ids than lines.
submit_round() {
	local lines printed

	if ! $bin --config "$conf" submit <"$round/input.jsonl" \
		>"$round/submit.out" 2>"$round/submit.err"; then
		echo "  submit failed: $(head -n 3 "$round/submit.err")"
		return 1
	fi
	sed -n 's/^queued //p' "$round/submit.out" >"$round/ids"
	lines=$(wc -l <"$round/input.jsonl")
	printed=$(wc -l <"$round/ids")
	if [ "$printed" -ne "$lines" ]; then
		echo "  submit printed $printed ids for $lines lines"
		return 1
	fi
	paste -d ' ' "$round/ids" "$round/expected-states" >"$round/expect"
}

# drain_sync
# Run `sync` until it exits 0, at most sync_runs_max times. Sets runs.
drain_sync() {
	runs=0
	while ((runs < sync_runs_max)); do
		runs=$((runs + 1))
		timeout --kill-after=5 $((sync_timeout + 10)) \
			$bin --config "$conf" sync --timeout "$sync_timeout" \
			>>"$round/sync.out" 2>>"$round/sync.err" && return 0
		sleep 1
	done
	return 1
}

# queue_empty
# Succeed when the journal has nothing queued or in flight.
queue_empty() {
	$bin --config "$conf" status --json 2>/dev/null | python3 -c '
import json, sys
counts = json.load(sys.stdin)["operations"]
sys.exit(0 if counts["queued"] == 0 and counts["in_flight"] == 0 else 1)'
}

# start_watch
# Start `sync --watch` in the background and set watch_pid.
start_watch() {
	$bin --config "$conf" sync --watch >>"$round/sync.out" \
		2>>"$round/sync.err" &
	watch_pid=$!
}

# stop_watch
# Stop the `sync --watch` of start_watch with SIGTERM, waiting at most 5 s
# before SIGKILL. Returns 1 when it needed SIGKILL or exited non-zero.
stop_watch() {
	local i status

	kill -TERM "$watch_pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$watch_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$watch_pid" 2>/dev/null; then
		echo "  sync --watch ignored SIGTERM for 5 s"
		kill -KILL "$watch_pid" 2>/dev/null
	fi
	wait "$watch_pid" 2>/dev/null
	status=$?
	watch_pid=
	return $status
}

# wait_empty
# Wait until the queue is empty, at most watch_limit seconds.
wait_empty() {
	local i

	for ((i = 0; i < watch_limit * 4; i++)); do
		sleep 0.25
		queue_empty && return 0
	done
	return 1
}

# faults_left
# Print the faults still queued on the proxy and the sandbox, if any.
faults_left() {
	local proxy_left sandbox_left

	proxy_left=$(proxy_control GET /faults | python3 -c '
import json, sys
reply = json.load(sys.stdin)
if reply["faults"] or reply["refusing"]:
    print("proxy:", json.dumps(reply))')
	sandbox_left=$(sandbox_request GET "$SANDBOX_PORT" \
		/v1/sandbox/faults | python3 -c '
import json, sys
reply = json.load(sys.stdin)
if reply["faults"]:
    print("sandbox:", json.dumps(reply["faults"]))')
	printf '%s' "$proxy_left$sandbox_left"
}

# proxy_batch_fault KIND FIELDS
# Print a proxy fault list with one fault of KIND for batch requests only;
# FIELDS are more JSON members, such as '"count": 2'. A GET request is one
# TLS record of about 130 bytes and a batch of one transfer about 400 (curl
# 7.88 on mbedTLS 2.28), so "min_bytes": 300 lets the policy fetch and the
# link check pass.
proxy_batch_fault() {
	printf '[{"kind": "%s", "min_bytes": 300, %s}]' "$1" "$2"
}

# batch_fault KIND FIELDS
# Print a sandbox fault list with one fault of KIND on the batch path;
# FIELDS are more JSON members, such as '"status": 500, "count": 2'.
batch_fault() {
	printf '[{"path": "%s", "kind": "%s", %s}]' "$batch_path" "$1" "$2"
}

# summary_value KEY
# Print one count from the checker's summary line in $summary.
summary_value() {
	tr ' ' '\n' <<<"$summary" | sed -n "s/^$1=//p"
}

# fault_case NAME MODE PROXY_FAULTS SANDBOX_FAULTS LATENCY_MS
# Run one round under the faults. PROXY_FAULTS and SANDBOX_FAULTS are JSON
# lists, or empty. MODE is sync (`sync` runs), watch (`sync --watch`) or
# both at once.
fault_case() {
	local name=$1 mode=$2 proxy_list=$3 sandbox_list=$4 latency=$5
	local start summary left elapsed problems=""

	round=$dir/$name
	mkdir -p "$round"
	start=$EPOCHREALTIME
	write_round
	if ! submit_round; then
		fail "$name: submit failed"
		return
	fi

	proxy_clear && proxy_latency "$latency" || problems+=" proxy control"
	if [ -n "$proxy_list" ]; then
		proxy_faults "$proxy_list" || problems+=" proxy faults rejected"
	fi
	if [ -n "$sandbox_list" ]; then
		sandbox_faults "$SANDBOX_PORT" "{\"faults\": $sandbox_list}" \
			>/dev/null || problems+=" sandbox faults rejected"
	fi

	case $mode in
	watch)
		runs=0
		start_watch
		wait_empty || problems+=" queue not drained by sync --watch"
		stop_watch || problems+=" sync --watch failed to stop"
		;;
	both)
		# A second sender on the same journal: the two may send one
		# operation at once, and the service must apply it once.
		start_watch
		drain_sync ||
			problems+=" sync did not exit 0 in $sync_runs_max runs"
		wait_empty || problems+=" queue not drained"
		stop_watch || problems+=" sync --watch failed to stop"
		;;
	*)
		drain_sync ||
			problems+=" sync did not exit 0 in $sync_runs_max runs"
		;;
	esac
	left=$(faults_left)
	if [ -n "$left" ]; then
		problems+=" fault never reached a request ($left)"
	fi
	proxy_clear
	sandbox_faults_clear "$SANDBOX_PORT"

	python3 "$checker" "$dir/journal.db" "$dir/sandbox.db" \
		--ids "$round/ids" --expect "$round/expect" \
		--scope "$round/ids" >"$round/check" ||
		problems+=" ledger differs from journal"
	summary=$(sed -n 's/^summary //p' "$round/check")
	if [[ $no_resend_cases != *" $name "* ]] &&
		[ "$(summary_value resent)" = 0 ]; then
		problems+=" no operation was sent twice"
	fi
	elapsed=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - \
float(sys.argv[1]):.1f}')" "$start" "$EPOCHREALTIME")

	if [ -z "$problems" ]; then
		pass "$name: $(summary_value accepted) accepted," \
			"$(summary_value rejected) rejected," \
			"$(summary_value held) held," \
			"$(summary_value resent) resent, $runs sync runs," \
			"$elapsed s"
	else
		fail "$name:$problems ($runs sync runs, $elapsed s)"
		echo "  $summary"
		sed -n 's/^  /    /p' "$round/check"
		echo "  logs: $round, $dir/spotagent.log"
	fi
}

if [ ! -x "$bin" ]; then
	echo "$bin is missing; run make first"
	echo "0 passed, 1 failed"
	exit 1
fi
# A copy, so that a rebuild while the test runs changes nothing under it.
cp "$bin" "$dir/spotagent" || exit 1
bin=$dir/spotagent

SANDBOX_FLAGS="--faults --policy $dir/policy.json" sandbox_start "$dir" ||
	exit 1
proxy_start "$dir" "$SANDBOX_PORT" || exit 1
SYNC_RETRY_MIN=1 SYNC_RETRY_MAX=2 write_config "$dir" "$PROXY_PORT"
sed -i "s/^request_timeout = .*/request_timeout = $request_timeout/" "$conf"
echo "batch_size = $batch_size" >>"$conf"

# One sync with an empty queue caches the policy that submit checks.
if ! $bin --config "$conf" sync >"$dir/first-sync.out" 2>&1; then
	echo "first sync failed:"
	cat "$dir/first-sync.out"
	echo "0 passed, 1 failed"
	exit 1
fi

# When a reused connection closes before any reply byte, libcurl 7.88
# sends the request again on a new connection by itself, so a connection
# fault needs "count": 2 to reach the sync worker. The _once cases show
# libcurl's own resend.
late_ms=$(((request_timeout + 2) * 1000))
fault_case baseline sync "" "" 0
fault_case latency_200ms sync "" "" 200
fault_case refuse sync '[{"kind": "refuse", "seconds": 3}]' "" 0
fault_case refuse_watch watch '[{"kind": "refuse", "seconds": 3}]' "" 0
fault_case drop_before_request sync \
	"$(proxy_batch_fault drop_before_request '"count": 2')" "" 0
fault_case drop_after_request sync \
	"$(proxy_batch_fault drop_after_request '"count": 2')" "" 0
fault_case drop_after_request_once sync \
	"$(proxy_batch_fault drop_after_request '"count": 1')" "" 0
fault_case reset_once sync "$(proxy_batch_fault reset '"count": 1')" "" 0
fault_case drop_after_request_watch watch \
	"$(proxy_batch_fault drop_after_request '"count": 2')" "" 0
fault_case drop_mid_response sync \
	"$(proxy_batch_fault drop_mid_response '"count": 2')" "" 0
fault_case reset sync "$(proxy_batch_fault reset '"count": 2')" "" 0
fault_case trickle sync \
	"$(proxy_batch_fault trickle '"bytes_per_second": 200')" "" 0
fault_case delay_past_timeout sync \
	"$(proxy_batch_fault delay "\"ms\": $late_ms")" "" 0
fault_case status_500 sync "" "$(batch_fault status '"status": 500,
	"count": 2')" 0
fault_case status_503_retry_after sync "" "$(batch_fault status '"status":
	503, "retry_after": 1, "count": 2')" 0
fault_case status_429_retry_after sync "" "$(batch_fault status '"status":
	429, "retry_after": 1, "count": 2')" 0
fault_case after_apply_500 sync "" \
	"$(batch_fault after_apply_status '"count": 2')" 0
fault_case slow_past_timeout sync "" \
	"$(batch_fault slow "\"seconds\": $((request_timeout + 2))")" 0
fault_case duplicate sync "" "$(batch_fault duplicate '"count": 2')" 0
fault_case item_500 sync "" \
	"$(batch_fault item_status '"status": 500, "index": 4')" 0
fault_case sync_and_watch both "" "" 100
fault_case sync_and_watch_faults both \
	"$(proxy_batch_fault drop_after_request '"count": 4')" "" 50
fault_case item_500_rejected_head sync "" \
	"$(batch_fault item_status '"status": 500, "index": 0')" 0
fault_case drop_after_request_latency sync \
	"$(proxy_batch_fault drop_after_request '"count": 3')" "" 150
# Index 6 is the head of the same-wallet chain: the next transfer in the
# same batch needs its money. Last, because a failure here leaves the GHS
# balances off for any round after it.
fault_case item_500_chain_head sync "" \
	"$(batch_fault item_status '"status": 500, "index": 6')" 0

echo "run folder: $dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
