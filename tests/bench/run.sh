#!/usr/bin/env bash
# `make bench`: measure the store-and-forward, offline login, offline
# customer lookup, end-of-day report, fee, receipt encoding and card read
# figures against baselines taken in the same run, print each as
# "name: value", and record them
# with the machine and command in docs/benchmarks.md. Talks only to the
# sandbox and the fault proxy it starts on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh

DRAIN_OPERATIONS=${DRAIN_OPERATIONS:-10000}
NAIVE_OPERATIONS=${NAIVE_OPERATIONS:-100}
IDLE_OPERATIONS=${IDLE_OPERATIONS:-100000}
LATENCY_MS=50          # added by the proxy in each direction
BATCH_SIZE=1000        # a kiosk on a link with room for large batches

bench=build/tests/bench_sync
mkdir -p build/test-runs
dir=$(mktemp -d build/test-runs/bench-XXXXXX)
watch_pid=
cleanup() {
	if [ -n "$watch_pid" ]; then
		kill "$watch_pid" 2>/dev/null || true
		wait "$watch_pid" 2>/dev/null || true
	fi
	proxy_stop
	sandbox_stop
}
trap cleanup EXIT

figure() {
	echo "$1: $2"
	figures+=("| \`$1\` | $2 | $3 | $4 |")
}
value_of() {
	sed -n "s/^$1: //p" "$2" | tail -n 1
}
ratio() {
	python3 -c "print(f'{$1 / $2:.2f}')"
}
figures=()

# 1. Journal insert against a bare SQLite insert, same disk and pragmas.
$bench enqueue "$dir" >"$dir/enqueue.out"
figure enqueue_overhead_ratio "$(value_of enqueue_overhead_ratio "$dir/enqueue.out")" \
	"median durable journal insert, $(value_of enqueue_journal_ms "$dir/enqueue.out") ms" \
	"bare SQLite insert, same pragmas: $(value_of enqueue_bare_ms "$dir/enqueue.out") ms; goal at most 1.3"

# 2. The sandbox behind the proxy, with a policy that allows the queue.
cat >"$dir/policy.json" <<'JSON'
{"version": 1, "operations": {"wallet_transfer": {"offline_allowed": true,
 "max_amount": {"GHS": 1000000}, "max_exposure": {"GHS": 100000000},
 "max_queued": 1000000, "max_age_seconds": 864000}}}
JSON
SANDBOX_FLAGS="--policy $dir/policy.json" sandbox_start "$dir/sandbox"
proxy_start "$dir" "$SANDBOX_PORT"
proxy_latency "$LATENCY_MS" >/dev/null
write_config "$dir/drain" "$PROXY_PORT"
conf=$dir/drain/spotagent.conf
sed -i "s/^level = .*/level = warn/; s/^request_timeout = .*/request_timeout = 120/" "$conf"
printf 'batch_size = %d\n' "$BATCH_SIZE" >>"$conf"

$bench ping "$conf" 20 >"$dir/ping.out"
rtt=$(value_of round_trip_ms "$dir/ping.out")
$bench naive "$conf" "$NAIVE_OPERATIONS" >"$dir/naive.out"
naive=$(value_of naive_ms_per_op "$dir/naive.out")

$bench fill "$conf" "$DRAIN_OPERATIONS"
proxy_control POST /stats/reset >/dev/null
$bench drain "$conf" >"$dir/drain.out"
drain=$(value_of drain_ms "$dir/drain.out")
bytes=$(proxy_control GET /stats | python3 -c \
	'import json, sys; s = json.load(sys.stdin); print(s["bytes_up"] + s["bytes_down"])')
engine=$(python3 -c "print(f'{$drain / $DRAIN_OPERATIONS:.3f}')")

figure drain_speedup_vs_naive "$(ratio "$naive" "$engine")" \
	"engine: $engine ms per operation, $DRAIN_OPERATIONS drained in batches of $BATCH_SIZE" \
	"naive: $naive ms per operation, new TLS connection each, $NAIVE_OPERATIONS sent; goal at least 100"
figure drain_round_trips_per_1000_ops \
	"$(python3 -c "print(f'{$drain / $rtt / ($DRAIN_OPERATIONS / 1000):.2f}')")" \
	"drain of $DRAIN_OPERATIONS: $drain ms" \
	"measured round trip through the proxy: $rtt ms ($LATENCY_MS ms added each way); goal at most 5"
echo "wire_bytes_ratio_vs_payload: $(ratio "$bytes / $DRAIN_OPERATIONS" 90)"
figure wire_bytes_per_op "$(python3 -c "print(round($bytes / $DRAIN_OPERATIONS))")" \
	"$bytes bytes both ways through the proxy, TLS included" \
	"payload of one transfer in the journal: 90 bytes; goal at most 400"

# 3. Resident memory of the headless terminal, idle with the link down,
# against the same with an empty queue.
rss_of() {
	local conf=$1 pid rss
	proxy_faults '[{"kind": "refuse", "seconds": 30}]' >/dev/null
	build/spotagent --config "$conf" sync --watch 2>>"$dir/watch.err" &
	watch_pid=$!
	sleep 8
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$watch_pid/status")
	kill "$watch_pid"
	wait "$watch_pid" 2>/dev/null || true
	watch_pid=
	proxy_clear >/dev/null
	echo "$rss"
}
write_config "$dir/empty" "$PROXY_PORT"
write_config "$dir/idle" "$PROXY_PORT"
$bench fill "$dir/idle/spotagent.conf" "$IDLE_OPERATIONS"
empty_rss=$(rss_of "$dir/empty/spotagent.conf")
idle_rss=$(rss_of "$dir/idle/spotagent.conf")
echo "resident_ratio_vs_empty: $(ratio "$idle_rss" "$empty_rss")"
figure resident_kib_idle_100k "$idle_rss" \
	"sync --watch with $IDLE_OPERATIONS queued, link refused" \
	"same with an empty journal: $empty_rss KiB (ratio $(ratio "$idle_rss" "$empty_rss")); goal under 16384"

# 4. Offline login check and offline customer lookup on a journal file
# alone, each against the bare library call it is built on.
security=build/tests/bench_security
$security login "$dir" >"$dir/login.out"
login_ms=$(value_of login_check_ms "$dir/login.out")
figure offline_login_check_ratio "$(value_of offline_login_check_ratio "$dir/login.out")" \
	"median offline login check, $login_ms ms ($(value_of login_checks "$dir/login.out") checks alternating wrong and right password, each writing its failure count)" \
	"bare mbedTLS PBKDF2-HMAC-SHA256, same password, salt and $(value_of login_iterations "$dir/login.out") iterations: $(value_of login_bare_ms "$dir/login.out") ms; goal ratio at most 1.2; check about 100 ms"
if ! python3 -c "import sys; sys.exit(not 50 <= $login_ms <= 200)"; then
	echo "bench: warning: one offline login check took $login_ms ms," \
		"outside 50..200 ms; CREDENTIALS_ITERATIONS assumes about 100 ms" >&2
fi

$security lookup "$dir" >"$dir/lookup.out"
figure customer_cache_lookup_ratio "$(value_of customer_cache_lookup_ratio "$dir/lookup.out")" \
	"median lookup by phone of a cached customer, $(value_of customer_lookup_ms "$dir/lookup.out") ms; of a queued registration, $(value_of customer_pending_lookup_ms "$dir/lookup.out") ms ($(value_of customer_cache_rows "$dir/lookup.out") cached, $(value_of customer_pending_registrations "$dir/lookup.out") registrations queued)" \
	"bare indexed SQLite SELECT of one row by phone, same row count and file: $(value_of customer_bare_select_ms "$dir/lookup.out") ms; goal lookup under 5 ms"

# 5. The end-of-day report of a busy day and the fee on a confirmation
# screen, on a journal file alone, each against the bare library call.
money=build/tests/bench_money
$money report "$dir" >"$dir/report.out"
figure eod_report_ratio "$(value_of eod_report_ratio "$dir/report.out")" \
	"median report_build of a day of $(value_of report_operations "$dir/report.out") operations (cash-in, cash-out, bank transfer; accepted, rejected, queued), $(value_of report_build_ms "$dir/report.out") ms" \
	"bare SQLite GROUP BY type, currency and state over the same rows: $(value_of report_bare_group_ms "$dir/report.out") ms; goal report under 500 ms"
$money fee "$dir" >"$dir/fee.out"
figure fee_lookup_ratio "$(value_of fee_lookup_ratio "$dir/fee.out")" \
	"median fee from the journal's cached schedule, $(value_of fee_cached_ms "$dir/fee.out") ms" \
	"bare jansson parse of the same schedule text: $(value_of fee_bare_parse_ms "$dir/fee.out") ms; goal fee under 1 ms"

# 6. ESC/POS encoding of a typical 80 mm receipt with a Cyrillic name
# (code page switches included) against a bare copy of its text.
build/tests/bench_escpos encode >"$dir/escpos.out"
figure escpos_encode_ratio "$(value_of escpos_encode_ratio "$dir/escpos.out")" \
	"median receipt_encode of a $(value_of escpos_receipt_lines "$dir/escpos.out")-line cash-in receipt with a QR code, $(value_of escpos_job_bytes "$dir/escpos.out") bytes, generic-80 profile, $(value_of escpos_encode_ms "$dir/escpos.out") ms ($(value_of escpos_samples "$dir/escpos.out") samples)" \
	"bare copy of the same text bytes into the job buffer, no mapping: $(value_of escpos_copy_ms "$dir/escpos.out") ms; goal encode under 1 ms"

# 7. A chip card read through the EMV code against the card's own work.
build/tests/bench_card read >"$dir/card.out"
figure card_read_ratio "$(value_of card_read_ratio "$dir/card.out")" \
	"median emv_list_apps and emv_read_app of a contact Visa card with a PSE over T=0 (tests/cards/visa_pse.card), $(value_of card_read_exchanges "$dir/card.out") exchanges, $(value_of card_read_ms "$dir/card.out") ms ($(value_of card_read_samples "$dir/card.out") samples)" \
	"the same commands sent straight to the virtual card: $(value_of card_replay_ms "$dir/card.out") ms; goal read under 1 ms, since a real reader's exchanges take milliseconds each"

cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
disk=$(df -T build | awk 'NR == 2 { print $2 }')
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (tests/bench/run.sh). Each figure comes"
	echo "with a baseline measured in the same run on the same machine."
	echo "The central service is the sandbox, a Python simulation on"
	echo "127.0.0.1, reached through the test proxy (tests/proxy/), which"
	echo "adds $LATENCY_MS ms in each direction to stand for a 2G link's"
	echo "latency; it does not limit bandwidth. The drain uses"
	echo "\`batch_size = $BATCH_SIZE\`; the default of 100 suits the"
	echo "bandwidth of a real 2G link and needs about ten times the round"
	echo "trips. The offline login, customer lookup, end-of-day report and fee"
	echo "figures use a journal file alone, with no network; the receipt"
	echo "encoding and card read figures use memory alone (the card is the"
	echo "virtual card of tests/support/, a simulation, not a reader)."
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "- machine: $(nproc) cores, $cpu," \
		"$(free -g | awk '/^Mem:/ { print $2 }') GiB, $disk disk"
	echo "- command: make bench"
	echo
	echo "| figure | value | measured | baseline and goal |"
	echo "|---|---|---|---|"
	printf '%s\n' "${figures[@]}"
} >docs/benchmarks.md
echo "bench: results written to docs/benchmarks.md"
