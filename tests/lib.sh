# shellcheck shell=bash
# Shell helpers for the test scripts and the demo: start and stop the
# sandbox, queue its test faults, write a terminal configuration, read its
# ledger. Source it from bash. It sets no shell options of its own.

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
# SANDBOX_FLAGS adds options, split at white space, so paths in it must
# not contain any: SANDBOX_FLAGS="--faults --policy /tmp/p.json".
# Returns 1 with a message on stderr when it does not come up.
sandbox_start() {
	local dir=${1:?sandbox_start: missing DIR}
	local port=${2:-0}
	local port_file="$dir/sandbox.port"
	local -a flags
	local i

	read -r -a flags <<<"${SANDBOX_FLAGS:-}"
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
		"${flags[@]}" >>"$dir/sandbox.log" 2>&1 &
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

# ---------------------------------------------------------------------------
# Fault-injecting proxy (tests/proxy/faultproxy.py) between the terminal and
# the sandbox. Point the terminal at https://localhost:$PROXY_PORT; the
# control API is plain HTTP on 127.0.0.1:$PROXY_CONTROL_PORT.

# Set by proxy_start for the scripts that source this file.
PROXY_PID=
export PROXY_PORT=
export PROXY_CONTROL_PORT=

# proxy_start DIR TARGET_PORT
# Start the proxy on a free port of 127.0.0.1, forwarding to
# 127.0.0.1:TARGET_PORT, output appended to DIR/proxy.log. Waits at most
# 10 s for it to listen, then sets PROXY_PID, PROXY_PORT and
# PROXY_CONTROL_PORT. Returns 1 with a message on stderr when it does not
# come up.
proxy_start() {
	local dir=${1:?proxy_start: missing DIR}
	local target=${2:?proxy_start: missing TARGET_PORT}
	local port_file="$dir/proxy.port"
	local control_file="$dir/proxy.control-port"
	local i

	if [ -n "$PROXY_PID" ] && kill -0 "$PROXY_PID" 2>/dev/null; then
		echo "proxy_start: a proxy already runs (pid $PROXY_PID);" \
			"call proxy_stop first" >&2
		return 1
	fi
	mkdir -p "$dir" || return 1
	rm -f "$port_file" "$control_file"
	python3 "$SPOT_TOP/tests/proxy/faultproxy.py" --target-port "$target" \
		--port-file "$port_file" --control-port-file "$control_file" \
		>>"$dir/proxy.log" 2>&1 &
	PROXY_PID=$!
	PROXY_PORT=
	PROXY_CONTROL_PORT=

	# 100 checks 0.1 s apart: at most 10 s.
	for ((i = 0; i < 100; i++)); do
		if [ -s "$port_file" ] && [ -s "$control_file" ]; then
			PROXY_PORT=$(cat "$port_file")
			PROXY_CONTROL_PORT=$(cat "$control_file")
			return 0
		fi
		if ! kill -0 "$PROXY_PID" 2>/dev/null; then
			wait "$PROXY_PID" 2>/dev/null
			echo "proxy_start: the proxy exited during start-up;" \
				"last lines of $dir/proxy.log:" >&2
			tail -n 5 "$dir/proxy.log" >&2
			PROXY_PID=
			return 1
		fi
		sleep 0.1
	done
	echo "proxy_start: the proxy did not listen within 10 s;" \
		"see $dir/proxy.log" >&2
	proxy_stop
	return 1
}

# proxy_stop
# Stop the proxy started by proxy_start: SIGTERM, up to 5 s for it to exit,
# then SIGKILL. Does nothing when none runs.
proxy_stop() {
	local i

	if [ -z "$PROXY_PID" ]; then
		return 0
	fi
	kill -TERM "$PROXY_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$PROXY_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PROXY_PID" 2>/dev/null; then
		echo "proxy_stop: the proxy ignored SIGTERM for 5 s;" \
			"sending SIGKILL" >&2
		kill -KILL "$PROXY_PID" 2>/dev/null
	fi
	wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=
	PROXY_PORT=
	PROXY_CONTROL_PORT=
	return 0
}

# proxy_control METHOD PATH [JSON]
# Send one request to the proxy's control API and print the JSON reply.
# Returns 1, with the reply on stderr, when the status is not 200.
proxy_control() {
	python3 -c '
import http.client, sys
method, path = sys.argv[2], sys.argv[3]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
headers = {"Content-Type": "application/json"} if body else {}
try:
    conn.request(method, path, body=body, headers=headers)
    reply = conn.getresponse()
    text = reply.read().decode()
except OSError as error:
    sys.exit(f"proxy_control: {method} {path} failed: {error}")
if reply.status != 200:
    sys.exit(f"proxy_control: {method} {path} returned {reply.status}: "
             f"{text.strip()}")
print(text.strip())
' "${PROXY_CONTROL_PORT:?proxy_control: no proxy runs}" \
		"${1:?proxy_control: missing METHOD}" \
		"${2:?proxy_control: missing PATH}" ${3+"$3"}
}

# proxy_faults JSON_LIST
# Queue faults, for example proxy_faults '[{"kind": "reset", "count": 2}]'.
# Kinds and fields are listed in tests/proxy/faultproxy.py.
proxy_faults() {
	proxy_control POST /faults \
		"{\"faults\": ${1:?proxy_faults: missing JSON_LIST}}" >/dev/null
}

# proxy_clear
# Empty the proxy's fault queue and set its latency back to 0.
proxy_clear() {
	proxy_control DELETE /faults >/dev/null &&
		proxy_control POST /latency '{"ms_each_way": 0}' >/dev/null
}

# proxy_latency MS
# Delay every chunk by MS milliseconds in each direction.
proxy_latency() {
	proxy_control POST /latency \
		"{\"ms_each_way\": ${1:?proxy_latency: missing MS}}" >/dev/null
}

# ledger_list DB
# Print the sandbox database DB's ledger, one applied operation a line in
# the order applied: operation_id, reference, amount and currency,
# separated by tabs. Tests compare it with the terminal's journal.
ledger_list() {
	python3 -c '
import os, sqlite3, sys
if not os.path.isfile(sys.argv[1]):
    sys.exit(f"ledger_list: no database at {sys.argv[1]}")
conn = sqlite3.connect(sys.argv[1], timeout=10)
for row in conn.execute("SELECT operation_id, reference, amount, currency "
                        "FROM ledger ORDER BY seq"):
    print("\t".join(str(value) for value in row))
' "${1:?ledger_list: missing DB}"
}

# balances DB
# Print every account of the sandbox database DB with its balance in minor
# units, one a line sorted by account, separated by a tab: the customer
# wallets and the system accounts (float:AGENT:CUR, fees:CUR, bank:CODE,
# remit:COUNTRY:CUR). The sum per currency never changes.
balances() {
	python3 -c '
import os, sqlite3, sys
if not os.path.isfile(sys.argv[1]):
    sys.exit(f"balances: no database at {sys.argv[1]}")
conn = sqlite3.connect(sys.argv[1], timeout=10)
for row in conn.execute("SELECT account, balance FROM wallets UNION ALL "
                        "SELECT account, balance FROM accounts "
                        "ORDER BY account"):
    print("\t".join(str(value) for value in row))
' "${1:?balances: missing DB}"
}

# cash_out_code DB WALLET
# Print the newest unused cash-out code of WALLET in the sandbox database
# DB, which stands in for the SMS that the customer would receive.
# Returns 1 with a message on stderr when the wallet has none.
cash_out_code() {
	python3 -c '
import os, sqlite3, sys
if not os.path.isfile(sys.argv[1]):
    sys.exit(f"cash_out_code: no database at {sys.argv[1]}")
conn = sqlite3.connect(sys.argv[1], timeout=10)
row = conn.execute("SELECT code FROM cash_out_codes WHERE wallet_account = ? "
                   "AND used_by IS NULL ORDER BY rowid DESC LIMIT 1",
                   (sys.argv[2],)).fetchone()
if row is None:
    sys.exit(f"cash_out_code: wallet {sys.argv[2]} has no unused code")
print(row[0])
' "${1:?cash_out_code: missing DB}" "${2:?cash_out_code: missing WALLET}"
}

# sandbox_request METHOD PORT PATH [BODY]
# Send one request with the client certificate of terminal T0001 to the
# sandbox at https://localhost:PORT and print the reply body. BODY is sent
# as application/json. Returns 1 with the status and body on stderr when
# the reply is not 2xx, or when the request fails.
sandbox_request() {
	python3 -c '
import http.client, os, ssl, sys
method, port, path, body, certs = sys.argv[1:6]
context = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
context.load_cert_chain(os.path.join(certs, "client-T0001.pem"),
                        os.path.join(certs, "client-T0001.key"))
conn = http.client.HTTPSConnection("localhost", int(port), timeout=10,
                                   context=context)
headers = {"Content-Type": "application/json"} if body else {}
try:
    conn.request(method, path, body=body.encode() or None, headers=headers)
    reply = conn.getresponse()
    text = reply.read().decode("utf-8", "replace")
except (OSError, http.client.HTTPException, ssl.SSLError) as error:
    sys.exit(f"sandbox_request: {method} {path} on port {port} failed: "
             f"{error}")
finally:
    conn.close()
if not 200 <= reply.status < 300:
    sys.exit(f"sandbox_request: {method} {path} returned {reply.status}: "
             f"{text}")
print(text)
' "${1:?sandbox_request: missing METHOD}" \
		"${2:?sandbox_request: missing PORT}" \
		"${3:?sandbox_request: missing PATH}" "${4:-}" "$SANDBOX_CERTS"
}

# sandbox_faults PORT JSON
# Queue test faults on a sandbox started with --faults. JSON is the body of
# POST /v1/sandbox/faults, {"faults": [...]}, described in docs/api.md.
# Prints the whole queue as the sandbox returns it. Returns 1 with the
# sandbox's message on stderr when it rejects the faults.
sandbox_faults() {
	sandbox_request POST "${1:?sandbox_faults: missing PORT}" \
		/v1/sandbox/faults "${2:?sandbox_faults: missing JSON}"
}

# sandbox_faults_clear PORT
# Drop every fault still queued on the sandbox at PORT.
sandbox_faults_clear() {
	sandbox_request DELETE "${1:?sandbox_faults_clear: missing PORT}" \
		/v1/sandbox/faults >/dev/null
}

# sandbox_session_request METHOD PORT PATH TOKEN [BODY]
# Like sandbox_request, but with "Authorization: Bearer TOKEN" for the
# calls that need a session, such as POST /v1/cash-out/codes. TOKEN comes
# from POST /v1/sessions sent with sandbox_request as the same terminal,
# T0001, because a session belongs to the terminal that opened it.
sandbox_session_request() {
	python3 -c '
import http.client, os, ssl, sys
method, port, path, token, body, certs = sys.argv[1:7]
context = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
context.load_cert_chain(os.path.join(certs, "client-T0001.pem"),
                        os.path.join(certs, "client-T0001.key"))
conn = http.client.HTTPSConnection("localhost", int(port), timeout=10,
                                   context=context)
headers = {"Authorization": f"Bearer {token}"}
if body:
    headers["Content-Type"] = "application/json"
try:
    conn.request(method, path, body=body.encode() or None, headers=headers)
    reply = conn.getresponse()
    text = reply.read().decode("utf-8", "replace")
except (OSError, http.client.HTTPException, ssl.SSLError) as error:
    sys.exit(f"sandbox_session_request: {method} {path} on port {port} "
             f"failed: {error}")
finally:
    conn.close()
if not 200 <= reply.status < 300:
    sys.exit(f"sandbox_session_request: {method} {path} returned "
             f"{reply.status}: {text}")
print(text)
' "${1:?sandbox_session_request: missing METHOD}" \
		"${2:?sandbox_session_request: missing PORT}" \
		"${3:?sandbox_session_request: missing PATH}" \
		"${4:?sandbox_session_request: missing TOKEN}" "${5:-}" \
		"$SANDBOX_CERTS"
}
