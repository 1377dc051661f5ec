#!/usr/bin/env bash
# Run every libFuzzer build of the fuzz targets for SECONDS each, starting
# from a corpus made of the target's seed file. Usage: BUILD SECONDS.
set -eu
cd "$(dirname "$0")/../.."
build=$1
seconds=$2

for binary in "$build"/libfuzzer/fuzz_*; do
	[ -x "$binary" ] || continue
	name=$(basename "$binary")
	seeds=tests/fuzz/${name#fuzz_}.seeds
	corpus=$build/libfuzzer/corpus/$name
	mkdir -p "$corpus"
	# One corpus file per seed line, decoded as fuzz_main.c decodes it.
	python3 - "$seeds" "$corpus" <<'PY'
import sys
seeds, corpus = sys.argv[1], sys.argv[2]
number = 0
for line in open(seeds, encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    number += 1
    if line.startswith('"'):
        data = line[1:line.rindex('"')].encode("utf-8")
    else:
        data = bytes.fromhex(line.replace(" ", ""))
    with open(f"{corpus}/seed-{number:03d}", "wb") as out:
        out.write(data)
PY
	echo "== $name for $seconds s"
	"$binary" -max_total_time="$seconds" -max_len=4096 "$corpus"
done
