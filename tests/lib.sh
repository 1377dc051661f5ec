# shellcheck shell=bash
# Shell helpers for the test scripts and the demo: start and stop the
# sandbox, write a terminal configuration, count ledger rows. Source it
# from bash. It sets no shell options of its own.

# Top of the repository, from this file's location.
SPOT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Test certificates made by `make certs`.
SANDBOX_CERTS=${SANDBOX_CERTS:-$SPOT_TOP/build/certs}
# Set by sandbox_start for the scripts that source this file.
SANDBOX_PID=
export SANDBOX_PORT=

# sandbox_start DIR [PORT]
# Start the sandbox with its database at DIR/sandbox.db on 127.0.0.1:PORT
# (default 0, a free port), output appended to DIR/sandbox.log. Waits at
# most 10 s for it to listen, then sets SANDBOX_PID and SANDBOX_PORT.
# Returns 1 with a message on stderr when it does not come up.
sandbox_start() {
	local dir=${1:?sandbox_start: missing DIR}
	local port=${2:-0}
	local port_file="$dir/sandbox.port"
	local i

	if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
		echo "sandbox_start: a sandbox already runs" \
			"(pid $SANDBOX_PID); call sandbox_stop first" >&2
		return 1
	fi
	if [ ! -f "$SANDBOX_CERTS/ca.pem" ]; then
		echo "sandbox_start: $SANDBOX_CERTS/ca.pem is missing;" \
			"run 'make certs' first" >&2
		return 1
	fi
	mkdir -p "$dir" || return 1
	rm -f "$port_file"
	python3 "$SPOT_TOP/tests/sandbox/sandbox.py" --certs "$SANDBOX_CERTS" \
		--db "$dir/sandbox.db" --port "$port" --port-file "$port_file" \
		>>"$dir/sandbox.log" 2>&1 &
	SANDBOX_PID=$!
	SANDBOX_PORT=

	# 100 checks 0.1 s apart: at most 10 s.
	for ((i = 0; i < 100; i++)); do
		if [ -s "$port_file" ]; then
			SANDBOX_PORT=$(cat "$port_file")
			return 0
		fi
		if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
			wait "$SANDBOX_PID" 2>/dev/null
			echo "sandbox_start: the sandbox exited during start-up;" \
				"last lines of $dir/sandbox.log:" >&2
			tail -n 5 "$dir/sandbox.log" >&2
			SANDBOX_PID=
			return 1
		fi
		sleep 0.1
	done
	echo "sandbox_start: the sandbox did not listen within 10 s;" \
		"see $dir/sandbox.log" >&2
	sandbox_stop
	return 1
}

# sandbox_stop
# Stop the sandbox started by sandbox_start: SIGTERM, up to 5 s for it to
# exit, then SIGKILL. Does nothing when none runs.
sandbox_stop() {
	local i

	if [ -z "$SANDBOX_PID" ]; then
		return 0
	fi
	kill -TERM "$SANDBOX_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$SANDBOX_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SANDBOX_PID" 2>/dev/null; then
		echo "sandbox_stop: the sandbox ignored SIGTERM for 5 s;" \
			"sending SIGKILL" >&2
		kill -KILL "$SANDBOX_PID" 2>/dev/null
	fi
	wait "$SANDBOX_PID" 2>/dev/null
	SANDBOX_PID=
	SANDBOX_PORT=
	return 0
}

# write_config DIR PORT [TERMINAL]
# Write DIR/spotagent.conf for terminal TERMINAL (default T0001), talking to
# the sandbox at https://localhost:PORT, with its journal, receipts and log
# in DIR. SYNC_RETRY_MIN and SYNC_RETRY_MAX (seconds, default 1 and 10)
# set the sync worker's backoff.
write_config() {
	local dir=${1:?write_config: missing DIR}
	local port=${2:?write_config: missing PORT}
	local terminal=${3:-T0001}
	local abs certs

	mkdir -p "$dir" || return 1
	abs=$(cd "$dir" && pwd) || return 1
	certs=$(cd "$SANDBOX_CERTS" 2>/dev/null && pwd) || certs=$SANDBOX_CERTS
	cat >"$abs/spotagent.conf" <<EOF
[central]
url = https://localhost:$port
ca_file = $certs/ca.pem
cert_file = $certs/client-$terminal.pem
key_file = $certs/client-$terminal.key
connect_timeout = 5
request_timeout = 15
[terminal]
id = $terminal
currency = GHS
[journal]
path = $abs/journal.db
[printer]
device = file:$abs/receipts.bin
paper = 80
[log]
file = $abs/spotagent.log
level = info
[sync]
retry_min_seconds = ${SYNC_RETRY_MIN:-1}
retry_max_seconds = ${SYNC_RETRY_MAX:-10}
idle_check_seconds = 5
EOF
}

# ledger_count DB OPERATION_ID
# Print how many ledger rows the sandbox database DB has for OPERATION_ID.
ledger_count() {
	python3 -c '
import os, sqlite3, sys
if not os.path.isfile(sys.argv[1]):
    sys.exit(f"ledger_count: no database at {sys.argv[1]}")
conn = sqlite3.connect(sys.argv[1], timeout=10)
row = conn.execute("SELECT COUNT(*) FROM ledger WHERE operation_id = ?",
                   (sys.argv[2],)).fetchone()
print(row[0])
' "${1:?ledger_count: missing DB}" "${2:?ledger_count: missing OPERATION_ID}"
}
