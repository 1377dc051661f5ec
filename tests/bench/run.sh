#!/usr/bin/env bash
# `make bench`: measure against baselines taken in the same run and record
# the table with the machine and command in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh

dir=$(mktemp -d build/test-runs/bench-XXXXXX)
trap 'sandbox_stop; rm -rf "$dir"' EXIT
sandbox_start "$dir"
write_config "$dir" "$SANDBOX_PORT"
sed -i 's/^level = .*/level = warn/' "$dir/spotagent.conf"

table=$(build/tests/bench_sync "$dir/spotagent.conf" "$dir/raw.db")
echo "$table"

cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
{
	echo "# Benchmarks"
	echo
	echo "Recorded by \`make bench\` (tests/bench/run.sh). Each figure is"
	echo "compared with a baseline measured in the same run on the same"
	echo "machine, so the ratio matters more than the absolute time."
	echo "The central service is the sandbox (a Python simulation on"
	echo "127.0.0.1), so drain times are those of this machine, not of a"
	echo "2G link."
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "- machine: $(nproc) cores, $cpu," \
		"$(free -g | awk '/^Mem:/ { print $2 }') GiB"
	echo "- command: make bench"
	echo
	echo "$table"
	echo
	echo "The journal figure is the cost of one durable journal insert"
	echo "(one transaction, WAL, synchronous=FULL) against a bare SQLite"
	echo "insert with the same settings. The drain figure is the cost of"
	echo "sending one operation and recording its outcome (two durable"
	echo "state changes and one request) against one bare request over"
	echo "the same connection."
} >docs/benchmarks.md
echo "bench: results written to docs/benchmarks.md"
