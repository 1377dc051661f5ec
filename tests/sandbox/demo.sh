#!/usr/bin/env bash
# `make demo`: run the terminal against the sandbox on 127.0.0.1. The
# sandbox database and the journal stay in build/demo between runs, so
# balances and the journal stay consistent with each other.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
demo="$top/build/demo"
terminal="$top/build/spotagent"

if [ ! -x "$terminal" ]; then
	echo "demo: $terminal is missing; run 'make' first" >&2
	exit 1
fi

mkdir -p "$demo" || exit 1
# A sandbox database from an older version of the sandbox cannot be
# opened; the demo then starts afresh, moving the old sandbox database and
# journal aside together so that they stay consistent with each other.
if ! sandbox_start "$demo" 2>"$demo/start.err"; then
	if ! grep -q "delete the file to start afresh" "$demo/sandbox.log"; then
		cat "$demo/start.err" >&2
		exit 1
	fi
	old="$demo/old-$(date +%Y%m%d%H%M%S)"
	mkdir -p "$old" || exit 1
	mv "$demo"/sandbox.db* "$demo"/journal.db* "$old"/ 2>/dev/null
	echo "demo: the demo data came from an older version; moved to $old"
	sandbox_start "$demo" || exit 1
fi
trap sandbox_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Slower retries than the tests use, so a person can watch the queue.
SYNC_RETRY_MIN=2 SYNC_RETRY_MAX=30 write_config "$demo" "$SANDBOX_PORT" \
	T0001 || exit 1

cat <<EOF
spotagent demo
  Central service: the sandbox, a simulation of the Spotbanc central
                   service, at https://localhost:$SANDBOX_PORT (127.0.0.1)
  Agent login:     A1001, password counter-demo-1
  Wallets to try:  1000000001 (Kofi Boateng, GHS)
                   1000000002 (Akosua Darko, GHS)
  Money services:  8 on the home menu. A cash-out needs the code the
                   customer receives: the sandbox simulates the SMS as
                   a line in its log; read it with
                   grep 'cash-out code' build/demo/sandbox.log
  Bank accounts:   GCB Bank (GH030100) 1010000000001, Kwame Owusu;
                   Guaranty Trust Bank (058) 0123456785, Adaeze Nwosu
  Receipts:        written to build/demo/receipts.bin as ESC/POS bytes;
                   view them with: strings -n 3 build/demo/receipts.bin
  Logs:            build/demo/spotagent.log, build/demo/sandbox.log
EOF

# The terminal's screen covers this banner, so let a person read it first.
if [ -t 0 ]; then
	read -r -p "Press Enter to start the terminal. " _ || exit 1
fi

# While the terminal runs, Ctrl-C is the terminal's to handle. The shell
# only waits for it, then stops the sandbox and returns its exit status.
trap : INT
"$terminal" --config "$demo/spotagent.conf"
exit $?
