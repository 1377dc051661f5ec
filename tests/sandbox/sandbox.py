#!/usr/bin/env python3
"""Sandbox central service: a simulation of the Spotbanc central service.

Tests and the demo run it on 127.0.0.1 as the terminal's HTTPS peer. It
implements the contract in docs/api.md with mutual TLS and keeps its state
(agents, sessions, customers, wallets, floats and system accounts, the
idempotency store and the ledger of applied operations) in one SQLite
file. Python 3 standard library only.

This file is the command line. The modules next to it hold the parts:
protocol (wire formats and checks), store (database), ledger (idempotent
application), accounts (balances and ledger rows), fees, limits, banks,
money (cash-in, cash-out, reversals, balances), quotes (send money),
customers, passwords, service (the operations), policy, faults and server
(HTTPS).
"""

import argparse
import os
import signal
import sqlite3
import ssl
import sys
import threading

from faults import FaultQueue
from fees import FeeSchedule, FeesError, load_fees
from limits import Limits, LimitsError, load_limits
from policy import DEFAULT_POLICY, PolicyError, load_policy, policy_text
from protocol import log
from money import DEFAULT_CODE_TTL
from quotes import DEFAULT_QUOTE_TTL
from server import SandboxServer, make_tls_context
from service import Sandbox
from store import Store

STOP_GRACE = 5  # seconds that a stop waits for requests being handled
DEFAULT_TOKEN_TTL = 900


def write_port_file(path, port):
    """Write the port number so that a reader never sees a partial file."""
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="ascii") as stream:
        stream.write(f"{port}\n")
    os.replace(temporary, path)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Sandbox central service: a simulation of the Spotbanc "
                    "central service on 127.0.0.1 for tests and the demo.")
    parser.add_argument("--certs", required=True, metavar="DIR",
                        help="folder with ca.pem, server.pem and server.key")
    parser.add_argument("--db", required=True, metavar="FILE",
                        help="SQLite file, created with demo data if new")
    parser.add_argument("--port", type=int, default=0, metavar="N",
                        help="TCP port on 127.0.0.1, 0 for a free one "
                             "(default 0)")
    parser.add_argument("--token-ttl", type=int, default=DEFAULT_TOKEN_TTL,
                        metavar="SECONDS",
                        help="session token lifetime in seconds "
                             f"(default {DEFAULT_TOKEN_TTL})")
    parser.add_argument("--port-file", metavar="FILE",
                        help="write the listening port number to FILE")
    parser.add_argument("--transfer-delay", type=float, default=0.0,
                        metavar="SECONDS",
                        help="for tests: wait this long while holding the "
                             "Idempotency-Keys of a transfer or a batch, so "
                             "that a duplicate gets 409 (default 0)")
    parser.add_argument("--policy", metavar="FILE",
                        help="publish the offline policy in this JSON file "
                             "instead of the default one")
    parser.add_argument("--fees", metavar="FILE",
                        help="publish and charge the fee schedule in this "
                             "JSON file instead of the default one")
    parser.add_argument("--limits", metavar="FILE",
                        help="enforce the limits in this JSON file (maximum "
                             "amounts per operation and daily cash-out "
                             "totals) instead of the default ones")
    parser.add_argument("--quote-ttl", type=int, default=DEFAULT_QUOTE_TTL,
                        metavar="SECONDS",
                        help="how long a send money quote stays valid, in "
                             f"seconds (default {DEFAULT_QUOTE_TTL})")
    parser.add_argument("--code-ttl", type=int, default=DEFAULT_CODE_TTL,
                        metavar="SECONDS",
                        help="how long a cash-out code stays valid, in "
                             f"seconds (default {DEFAULT_CODE_TTL})")
    parser.add_argument("--faults", action="store_true",
                        help="for tests: serve /v1/sandbox/faults, which "
                             "queues injected faults (default off)")

    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0 to 65535")
    if args.token_ttl < 1:
        parser.error("--token-ttl must be at least 1 second")
    if args.quote_ttl < 1:
        parser.error("--quote-ttl must be at least 1 second")
    if args.code_ttl < 1:
        parser.error("--code-ttl must be at least 1 second")
    if not 0 <= args.transfer_delay <= 60:
        parser.error("--transfer-delay must be 0 to 60 seconds")
    return args


def main(argv):
    args = parse_args(argv)
    try:
        policy = (load_policy(args.policy) if args.policy
                  else policy_text(DEFAULT_POLICY))
    except OSError as error:
        print(f"sandbox: failed to read policy file {args.policy}: "
              f"{error.strerror}", file=sys.stderr)
        return 1
    except PolicyError as error:
        print(f"sandbox: invalid policy file {args.policy}: {error}",
              file=sys.stderr)
        return 1
    try:
        if args.fees:
            FeeSchedule.use(load_fees(args.fees))
    except OSError as error:
        print(f"sandbox: failed to read fee schedule file {args.fees}: "
              f"{error.strerror}", file=sys.stderr)
        return 1
    except FeesError as error:
        print(f"sandbox: invalid fee schedule file {args.fees}: {error}",
              file=sys.stderr)
        return 1
    try:
        if args.limits:
            Limits.use(load_limits(args.limits))
    except OSError as error:
        print(f"sandbox: failed to read limits file {args.limits}: "
              f"{error.strerror}", file=sys.stderr)
        return 1
    except LimitsError as error:
        print(f"sandbox: invalid limits file {args.limits}: {error}",
              file=sys.stderr)
        return 1
    try:
        tls = make_tls_context(args.certs)
    except (OSError, ssl.SSLError) as error:
        print(f"sandbox: failed to load certificates from {args.certs}: "
              f"{error}; run `make certs` first", file=sys.stderr)
        return 1
    try:
        store = Store(args.db)
    except (sqlite3.Error, RuntimeError) as error:
        print(f"sandbox: failed to open database {args.db}: {error}",
              file=sys.stderr)
        return 1
    sandbox = Sandbox(store, args.token_ttl, args.transfer_delay, policy,
                      args.quote_ttl, args.code_ttl)
    faults = FaultQueue() if args.faults else None
    try:
        server = SandboxServer(args.port, tls, sandbox, faults)
    except OSError as error:
        print(f"sandbox: failed to listen on 127.0.0.1:{args.port}: {error}",
              file=sys.stderr)
        return 1

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    # A non-interactive shell starts background jobs with SIGINT ignored.
    # Keep it that way, so Ctrl-C in the demo's terminal does not stop the
    # sandbox under it.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, lambda signum, frame: stop.set())

    port = server.server_port
    if args.port_file:
        write_port_file(args.port_file, port)
    print(f"sandbox: listening on https://localhost:{port}", flush=True)
    log(f"started on 127.0.0.1:{port}, db {args.db}, token lifetime "
        f"{args.token_ttl} s, policy {args.policy or 'default'}, fees "
        f"{args.fees or 'default'}, limits {args.limits or 'default'}, "
        f"quote lifetime {args.quote_ttl} s, cash-out code lifetime "
        f"{args.code_ttl} s, faults "
        f"{'on' if args.faults else 'off'}")

    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"poll_interval": 0.2})
    thread.start()
    # Wait in short steps, so the signal handlers run promptly.
    while not stop.wait(0.2):
        pass
    server.stopping = True
    server.shutdown()
    thread.join()
    if not server.wait_idle(STOP_GRACE):
        log(f"stopping with requests still being handled after "
            f"{STOP_GRACE} s")
    server.server_close()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
