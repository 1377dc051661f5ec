#!/usr/bin/env python3
"""Compare a terminal's journal with the sandbox's ledger for the
exactly-once tests: every accepted operation applied once with the same
reference, every rejected one never, and nothing applied that the journal
lacks.

Usage: check_ledger.py JOURNAL_DB SANDBOX_DB [--ids FILE] [--expect FILE]
                        [--scope FILE] [--allow-held]

--ids FILE     operation ids, one a line, that must be in the journal (the
               ids `spotagent submit` printed as queued)
--expect FILE  lines "ID STATE": the final state each operation must
               reach (accepted, rejected or needs_attention)
--scope FILE   check the state and ledger rows of these operations only,
               one id a line. Ledger rows outside the journal are still
               looked for over the whole ledger.
--allow-held   accept an operation in needs_attention that the sync worker
               held after an earlier rejection on its wallet, when the
               ledger has no row for it

The first output line is "summary" and key=value counts: the operations
checked, how many are accepted, rejected, held and resent (sent more than
once), the ledger rows, then one count per problem. Detail lines follow,
at most DETAIL_MAX per problem. Exit status 0 when every problem
count is 0, 1 otherwise, 2 when a database cannot be read.
"""

import argparse
import contextlib
import json
import os
import sqlite3
import sys

# Detail lines printed per problem kind.
DETAIL_MAX = 5
# Seconds to wait for a database lock held by a running process.
LOCK_TIMEOUT = 10

# Problem counts, in summary order. Each has a one-line description used
# in the detail lines.
PROBLEMS = {
    "lost": "printed as queued but not in the journal",
    "duplicated": "accepted, but the ledger has more than one row",
    "missing": "accepted in the journal, but no ledger row",
    "rejected_applied": "rejected in the journal, but in the ledger",
    "stray": "in the ledger, but not in the journal",
    "reference_mismatch": "journal reference differs from the ledger's",
    "field_mismatch": "ledger sender, receiver or amount differs",
    "unsettled": "still queued or in flight",
    "needs_attention": "in needs_attention, not expected",
    "attention_applied": "in needs_attention, but in the ledger",
    "unexpected_outcome": "final state differs from the expected one",
}


def read_lines(path):
    with open(path, encoding="utf-8") as stream:
        return [line.split() for line in stream if line.strip()]


def open_database(path):
    # A plain connection, not mode=ro: a read-only connection cannot create
    # the -shm file that a WAL database without one needs. Only SELECT runs.
    if not os.path.isfile(path):
        raise sqlite3.OperationalError(f"no database at {path}")
    conn = sqlite3.connect(path, timeout=LOCK_TIMEOUT)
    conn.row_factory = sqlite3.Row
    return conn


def payload_fields(text):
    """Return (sender, receiver, amount) from a journal payload, or None
    when the payload does not name them."""
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    fields = (payload.get("sender_account"), payload.get("receiver_account"),
              payload.get("amount"))
    return None if None in fields else fields


def is_held(row):
    """Tell whether the sync worker held the operation because an earlier
    one on the same wallet was rejected (offline/journal_queue.c)."""
    return row["state"] == "needs_attention" and \
        row["last_error"].startswith("Held:")


def compare(journal, ledger, ids, expect, scope, allow_held):
    """Return {problem: [detail, ...]} for every problem found among the
    operations in scope (a set of ids, or None for all). With allow_held,
    an operation held for the agent and never applied is no problem."""
    found = {name: [] for name in PROBLEMS}
    for op_id in ids:
        if op_id not in journal:
            found["lost"].append(op_id)
    for op_id, row in journal.items():
        if scope is not None and op_id not in scope:
            continue
        rows = ledger.get(op_id, [])
        state = row["state"]
        if state in ("queued", "in_flight"):
            found["unsettled"].append(f"{op_id} {state}")
        elif state == "needs_attention":
            detail = f"{op_id} last_error={row['last_error']!r}"
            if rows:
                found["attention_applied"].append(detail)
            elif expect.get(op_id) != "needs_attention" and \
                    not (allow_held and is_held(row)):
                found["needs_attention"].append(detail)
        elif state == "accepted":
            if not rows:
                found["missing"].append(op_id)
            elif len(rows) > 1:
                found["duplicated"].append(f"{op_id} {len(rows)} rows")
            elif rows[0]["reference"] != row["reference"]:
                found["reference_mismatch"].append(
                    f"{op_id} journal {row['reference']!r} ledger "
                    f"{rows[0]['reference']!r}")
        elif state == "rejected" and rows:
            found["rejected_applied"].append(
                f"{op_id} {len(rows)} rows, last_error="
                f"{row['last_error']!r}")
        fields = payload_fields(row["payload"])
        for ledger_row in rows:
            applied = (ledger_row["sender"], ledger_row["receiver"],
                       ledger_row["amount"])
            if fields is not None and applied != fields:
                found["field_mismatch"].append(
                    f"{op_id} journal {fields} ledger {applied}")
        expected_state = expect.get(op_id)
        if expected_state is not None and expected_state != state:
            found["unexpected_outcome"].append(
                f"{op_id} expected {expected_state}, is {state}, last_error="
                f"{row['last_error']!r}")
    for op_id in ledger:
        if op_id not in journal:
            found["stray"].append(op_id)
    return found


def load(journal_path, ledger_path):
    with contextlib.closing(open_database(journal_path)) as conn:
        journal = {row["id"]: row for row in conn.execute(
            "SELECT id, state, reference, last_error, payload, attempts "
            "FROM operations")}
    ledger = {}
    if os.path.isfile(ledger_path):
        with contextlib.closing(open_database(ledger_path)) as conn:
            for row in conn.execute("SELECT operation_id, reference, sender,"
                                    " receiver, amount FROM ledger"):
                ledger.setdefault(row["operation_id"], []).append(row)
    return journal, ledger


def main(argv):
    parser = argparse.ArgumentParser(
        description="Compare a journal with the sandbox ledger.")
    parser.add_argument("journal", help="the terminal's journal.db")
    parser.add_argument("ledger", help="the sandbox's sandbox.db")
    parser.add_argument("--ids", metavar="FILE",
                        help="operation ids that must be in the journal")
    parser.add_argument("--expect", metavar="FILE",
                        help='lines "ID STATE", the final state of each '
                             'operation')
    parser.add_argument("--allow-held", action="store_true",
                        help="accept operations held in needs_attention "
                             "after an earlier rejection on their wallet, "
                             "when the ledger has none of them")
    parser.add_argument("--scope", metavar="FILE",
                        help="check only these operations, one id a line")
    args = parser.parse_args(argv)

    try:
        ids = [line[0] for line in read_lines(args.ids)] if args.ids else []
        expect = {line[0]: line[1] for line in read_lines(args.expect)} \
            if args.expect else {}
        scope = {line[0] for line in read_lines(args.scope)} \
            if args.scope else None
        journal, ledger = load(args.journal, args.ledger)
    except (OSError, IndexError, sqlite3.Error) as error:
        print(f"summary error=1\ncheck_ledger: {error}")
        return 2

    found = compare(journal, ledger, ids, expect, scope, args.allow_held)
    rows = [row for op_id, row in journal.items()
            if scope is None or op_id in scope]
    states = [row["state"] for row in rows]
    counts = {"operations": len(states),
              "accepted": states.count("accepted"),
              "rejected": states.count("rejected"),
              "held": sum(1 for row in rows if is_held(row)),
              "resent": sum(1 for row in rows if row["attempts"] > 1),
              "ledger_rows": sum(len(rows) for rows in ledger.values())}
    counts.update({name: len(details) for name, details in found.items()})
    print("summary " + " ".join(f"{k}={v}" for k, v in counts.items()))
    for name, details in found.items():
        for detail in details[:DETAIL_MAX]:
            print(f"  {name} ({PROBLEMS[name]}): {detail}")
        if len(details) > DETAIL_MAX:
            print(f"  {name}: {len(details) - DETAIL_MAX} more")
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
