#!/usr/bin/env python3
"""A fake ESC/POS printer on TCP at 127.0.0.1 for the shell tests.

It replies to each DLE EOT n (n = 1 to 4) with the status byte of its
mode, "ready" or "paperout", and writes every other byte it gets to
DATA_FILE. It serves a bounded number of connections and stops after a bounded time
whatever happens.
"""
import argparse
import os
import socket
import time

# The replies to DLE EOT 1, 2, 3 and 4 in each mode.
REPLIES = {
    "ready": [0x12, 0x12, 0x12, 0x12],
    "paperout": [0x1A, 0x32, 0x12, 0x72],
}
# Bytes of print data after which the next status query ends a job: a
# receipt is longer, and the queries between two jobs send none.
JOB_MIN_BYTES = 200


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port_file",
                        help="file that gets the listening port number")
    parser.add_argument("data_file",
                        help="file that gets the print data, rewritten "
                        "after each read")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--mode", choices=sorted(REPLIES),
                      help="status for the printer's whole life")
    mode.add_argument("--mode-file",
                      help="file read at each status query for the mode; "
                      "ready when it does not exist")
    parser.add_argument("--mode-after-job",
                        help="with --mode-file: a file that, when it "
                        "exists at the end of a job, replaces the mode "
                        "file")
    parser.add_argument("--connections", type=int, default=8,
                        help="connections served before it stops")
    parser.add_argument("--seconds", type=float, default=20,
                        help="seconds before it stops")
    args = parser.parse_args()
    if args.mode_after_job and not args.mode_file:
        parser.error("--mode-after-job needs --mode-file")
    return args


def current_mode(args):
    if args.mode is not None:
        return args.mode
    try:
        with open(args.mode_file) as source:
            return source.read().strip()
    except OSError:
        return "ready"


def end_job(args):
    """Switch to the mode waiting in --mode-after-job, if any."""
    if args.mode_after_job and os.path.exists(args.mode_after_job):
        os.replace(args.mode_after_job, args.mode_file)


def serve(args, conn, deadline, kept):
    conn.settimeout(0.2)
    pending = b""
    job = 0
    while time.monotonic() < deadline:
        try:
            chunk = conn.recv(4096)
        except socket.timeout:
            continue
        if not chunk:
            break
        pending += chunk
        while pending:
            if pending.startswith(b"\x10\x04") and len(pending) >= 3:
                if job > JOB_MIN_BYTES:
                    end_job(args)
                    job = 0
                reply = REPLIES[current_mode(args)][(pending[2] - 1) % 4]
                conn.sendall(bytes([reply]))
                pending = pending[3:]
            elif pending.startswith(b"\x10") and len(pending) < 3:
                break
            else:
                kept += pending[:1]
                job += 1
                pending = pending[1:]
        with open(args.data_file, "wb") as out:
            out.write(kept)


def main():
    args = parse_args()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(1)
    with open(args.port_file, "w") as out:
        out.write(str(server.getsockname()[1]))
    deadline = time.monotonic() + args.seconds
    kept = bytearray()
    for _ in range(args.connections):
        if time.monotonic() > deadline:
            break
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        serve(args, conn, deadline, kept)
        conn.close()


if __name__ == "__main__":
    main()
