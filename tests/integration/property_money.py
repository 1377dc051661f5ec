#!/usr/bin/env python3
"""Driver of the money property test (test_property_money.sh). It journals
random money operations on several terminals, each behind its own fault
proxy, and syncs them under faults, closing each terminal's day after
every round with whatever is still pending. Then it checks that money is
conserved, that every operation a journal accepted was applied once and
every other one never, and that each terminal's end-of-day reports, its
closed days' and its open day's together, equal the sandbox's ledger
totals.

Usage: property_money.py --dir DIR --port SANDBOX_PORT --bin SPOTAGENT
                         --seed N --terminal NAME:AGENT:CONTROL_PORT ...

The shell script starts the sandbox and the proxies and writes each
terminal's configuration to DIR/NAME/spotagent.conf. The sandbox database
is DIR/sandbox.db. Shell helpers of tests/lib.sh do the sandbox requests,
read cash-out codes and balances, and set the proxies' faults.

The seed fixes the random choices: operation types, accounts, amounts,
faults and their timing. Some choices depend on earlier outcomes (which
operations can be reversed, which wallets can take a cash-out), and those
depend on how the terminals' requests interleave at the sandbox, so a
seed repeats a run closely but not always exactly.

Prints one line per check and ends with "N passed, N failed". Exit status
0 when every check passed, 1 otherwise, 2 when the run could not start.
"""

import argparse
import contextlib
import json
import os
import random
import re
import shlex
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ledger  # noqa: E402 (the module next to this file)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
LIB = os.path.join(TOP, "tests", "lib.sh")

# Rounds of operations and how many each terminal journals per round.
ROUNDS = 6
OPS_MIN = 10
OPS_MAX = 20
# Seconds kept, out of the time --seconds allows, for a round that is
# running when the rounds' time runs out (its syncs with a fault), and
# for the checks after the drain.
ROUND_RESERVE = 40
CHECK_RESERVE = 10
# `spotagent sync` runs per terminal and round, and the seconds each may
# take (its --timeout). The process gets KILL_GRACE more before SIGKILL.
SYNC_RUNS_MAX = 2
SYNC_SECONDS = 8
KILL_GRACE = 10
# The final drain without faults: passes over the terminals with a
# queue, and its seconds in all.
DRAIN_PASSES = 6
DRAIN_SECONDS = 45
DRAIN_SYNC_SECONDS = 15
# Seconds a helper of tests/lib.sh or a `spotagent submit` may take.
HELPER_SECONDS = 30
# Chance that a terminal's round ends with an operation the sandbox must
# reject (insufficient funds or float, wrong code, wrong account name).
BAD_CHANCE = 0.5
# An amount above all the money of the sandbox in any currency, in minor
# units, so that paying it fails for lack of funds.
HUGE_AMOUNT = 10**12
# A first TLS record of a batch POST is longer than this, and that of a
# GET shorter (curl 7.88 on mbedTLS 2.28; see test_faults.sh), so a fault
# with this min_bytes aims at batches only.
BATCH_MIN_BYTES = 300

MONEY_TYPES = ("wallet_transfer", "bank_transfer", "cash_in", "cash_out",
               "reversal")
# Operation types by weight, for the good operations of a round.
TYPE_WEIGHTS = {"cash_in": 4, "cash_out": 2, "wallet_transfer": 3,
                "bank_transfer": 3, "reversal": 2}
# Seeded agent passwords (tests/sandbox/store.py).
PASSWORDS = {"A1001": "counter-demo-1", "A1002": "counter-demo-2"}
REVERSAL_REASONS = ("Wrong wallet number", "Customer changed their mind",
                    "Amount typed wrongly")


class HelperError(Exception):
    """A shell helper or a spotagent command that failed."""


def run_helper(function, *args, variables=None):
    """Run a function of tests/lib.sh and return its output. variables are
    shell variables set after the file is sourced, which resets some of
    them. Raises HelperError when it fails."""
    setup = "".join(f"{name}={shlex.quote(str(value))}; "
                    for name, value in (variables or {}).items())
    command = ["bash", "-c", f'source "$0" || exit 1; {setup}"$@"', LIB,
               function, *[str(arg) for arg in args]]
    try:
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=HELPER_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise HelperError(f"{function} timed out after {HELPER_SECONDS} s")
    if result.returncode != 0:
        raise HelperError(f"{function} failed: {result.stderr.strip()}")
    return result.stdout


def open_database(path):
    if not os.path.isfile(path):
        raise sqlite3.OperationalError(f"no database at {path}")
    return contextlib.closing(sqlite3.connect(path, timeout=10))


class Operation:
    """One line given to `spotagent submit` and what became of it."""

    def __init__(self, line, expected_error=None):
        self.line = line
        self.type = line["type"]
        # The sandbox's error code for an operation that must be
        # rejected, None for one that may go either way.
        self.expected_error = expected_error
        self.submitted = False
        self.id = None


class Terminal:
    """One simulated terminal: its configuration, journal and proxy."""

    def __init__(self, name, agent, control_port, run_dir, binary):
        self.name = name
        self.agent = agent
        self.control_port = control_port
        self.dir = os.path.join(run_dir, name)
        self.conf = os.path.join(self.dir, "spotagent.conf")
        self.journal = os.path.join(self.dir, "journal.db")
        self.binary = binary
        self.operations = []
        self.reversed = set()   # ids of originals a reversal was made for
        self.sync_runs = 0
        self.faults = 0
        self.closed_days = 0

    def spotagent(self, args, stdin=None, seconds=HELPER_SECONDS):
        command = [self.binary, "--config", self.conf, *args]
        try:
            return subprocess.run(command, input=stdin, capture_output=True,
                                  text=True, timeout=seconds, check=False)
        except subprocess.TimeoutExpired:
            raise HelperError(f"{self.name}: spotagent {' '.join(args)} "
                              f"timed out after {seconds} s")

    def log(self, name, text):
        with open(os.path.join(self.dir, name), "a",
                  encoding="utf-8") as stream:
            stream.write(text)

    def submit(self, operations):
        """Journal the operations with `spotagent submit` and set the id
        of each one it queued. Returns the error lines it printed."""
        if not operations:
            return []
        text = "".join(json.dumps(op.line) + "\n" for op in operations)
        result = self.spotagent(["submit"], stdin=text)
        self.log("submit.in", text)
        self.log("submit.out", result.stdout)
        self.log("submit.err", result.stderr)

        failed = set()
        errors = []
        for line in result.stderr.splitlines():
            if line.startswith("error: line "):
                number = line[len("error: line "):].split(":", 1)[0]
                if number.isdigit():
                    failed.add(int(number))
                errors.append(line)
        ids = [line.split()[1] for line in result.stdout.splitlines()
               if line.startswith("queued ")]
        queued = [op for number, op in enumerate(operations, 1)
                  if number not in failed]
        for op in operations:
            op.submitted = True

        if len(ids) != len(queued):
            raise HelperError(
                f"{self.name}: submit queued {len(ids)} operations but "
                f"reported errors on {len(failed)} of {len(operations)} "
                f"lines: {result.stderr.strip()[:300]}")
        for op, op_id in zip(queued, ids):
            op.id = op_id
            self.operations.append(op)
        return errors

    def sync(self, seconds):
        """Run `spotagent sync` once and return its exit status, or None
        when it had to be killed."""
        self.sync_runs += 1
        try:
            result = self.spotagent(["sync", "--timeout", str(seconds)],
                                    seconds=seconds + KILL_GRACE)
        except HelperError as error:
            self.log("sync.err", f"{error}\n")
            return None
        self.log("sync.out", result.stdout)
        self.log("sync.err", result.stderr)
        return result.returncode

    def close_day(self):
        """Close the open day with `spotagent report --close --force`,
        pending operations and all. A day with nothing to close stays
        open."""
        result = self.spotagent(["report", "--close", "--force", "--json"])
        self.log("close.out", result.stdout)
        self.log("close.err", result.stderr)
        if result.returncode == 0:
            self.closed_days += 1
        elif "nothing to close" not in result.stderr:
            raise HelperError(f"{self.name}: report --close exited "
                              f"{result.returncode}: "
                              f"{result.stderr.strip()[:200]}")

    def rows(self):
        """Return {id: (type, state, last_error, attempts)} of the
        journal."""
        with open_database(self.journal) as conn:
            return {row[0]: row[1:] for row in conn.execute(
                "SELECT id, type, state, last_error, attempts "
                "FROM operations")}

    def waiting(self):
        with open_database(self.journal) as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM operations "
                "WHERE state IN ('queued', 'in_flight')").fetchone()[0]

    def proxy(self, function, *args):
        return run_helper(function, *args,
                          variables={"PROXY_CONTROL_PORT":
                                     self.control_port})


class Sandbox:
    """The sandbox's database and the requests the driver makes to it."""

    def __init__(self, run_dir, port):
        self.db = os.path.join(run_dir, "sandbox.db")
        self.port = port
        self.tokens = {}

    def balances(self):
        """Return {account: balance} from the balances helper."""
        result = {}
        for line in run_helper("balances", self.db).splitlines():
            account, balance = line.split("\t")
            result[account] = int(balance)
        return result

    def currencies(self):
        with open_database(self.db) as conn:
            return dict(conn.execute(
                "SELECT account, currency FROM wallets UNION ALL "
                "SELECT account, currency FROM accounts"))

    def balance(self, account):
        with open_database(self.db) as conn:
            row = conn.execute("SELECT balance FROM wallets "
                               "WHERE account = ?", (account,)).fetchone()
        return 0 if row is None else row[0]

    def wallets(self):
        """Return {currency: [account, ...]} of the customer wallets."""
        result = {}
        with open_database(self.db) as conn:
            for account, currency in conn.execute(
                    "SELECT account, currency FROM wallets "
                    "ORDER BY account"):
                result.setdefault(currency, []).append(account)
        return result

    def bank_accounts(self):
        """Return [(bank_code, account, holder, currency), ...]."""
        with open_database(self.db) as conn:
            return conn.execute(
                "SELECT b.bank_code, b.account, b.holder_name, a.currency "
                "FROM bank_accounts b JOIN accounts a "
                "ON a.account = 'bank:' || b.bank_code "
                "ORDER BY b.bank_code, b.account").fetchall()

    def ledger(self):
        with open_database(self.db) as conn:
            return conn.execute(
                "SELECT operation_id, type, sender, receiver, currency, "
                "amount, fee, terminal_id FROM ledger ORDER BY seq"
            ).fetchall()

    def rejections(self):
        """Return {operation id: error code} of the business rejections
        the sandbox stored under each operation's idempotency key."""
        result = {}
        with open_database(self.db) as conn:
            for key, response in conn.execute(
                    "SELECT idempotency_key, response FROM idempotency "
                    "WHERE status IN (412, 422)"):
                try:
                    result[key] = json.loads(response)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    result[key] = f"unreadable reply {response[:60]!r}"
        return result

    def login(self, agent):
        token = self.tokens.get(agent)
        if token is None:
            body = json.dumps({"agent_id": agent,
                               "password": PASSWORDS[agent]})
            reply = run_helper("sandbox_request", "POST", self.port,
                               "/v1/sessions", body)
            token = json.loads(reply)["token"]
            self.tokens[agent] = token
        return token

    def cash_out_code(self, agent, wallet, currency, amount):
        """Have the sandbox send a cash-out code for the wallet and amount,
        then read it as the customer would from the SMS."""
        body = json.dumps({"wallet_account": wallet, "currency": currency,
                           "amount": amount})
        run_helper("sandbox_session_request", "POST", self.port,
                   "/v1/cash-out/codes", self.login(agent), body)
        return run_helper("cash_out_code", self.db, wallet).strip()


class Generator:
    """Random operations for one terminal, from the sandbox's seeded
    accounts."""

    def __init__(self, sandbox, wallets, bank_accounts, code_owners):
        self.sandbox = sandbox
        self.wallets = wallets
        self.bank_accounts = bank_accounts
        # {wallet: (terminal, Operation)} of the last cash-out code sent,
        # shared by all terminals: a new code replaces the unused one.
        self.code_owners = code_owners

    def make_round(self, terminal, rng, count):
        """Return the operations of one round for the terminal."""
        operations = []
        for _ in range(count):
            kind = rng.choices(list(TYPE_WEIGHTS),
                               list(TYPE_WEIGHTS.values()))[0]
            op = getattr(self, kind)(terminal, rng)
            if op is None:
                op = self.cash_in(terminal, rng)
            operations.append(op)
        if rng.random() < BAD_CHANCE:
            # Last, so that its rejection puts no later operation of
            # this round that shares an account with it on hold.
            operations.append(self.bad(terminal, rng))
        return operations

    def wallet(self, rng, currency=None):
        currency = currency or rng.choice(sorted(self.wallets))
        return currency, rng.choice(self.wallets[currency])

    def cash_in(self, terminal, rng):
        currency, wallet = self.wallet(rng)
        return Operation({"type": "cash_in", "agent_id": terminal.agent,
                          "receiver_account": wallet, "currency": currency,
                          "amount": rng.randint(10, 200) * 100})

    def wallet_transfer(self, terminal, rng):
        currency = rng.choice([c for c, accounts in self.wallets.items()
                               if len(accounts) > 1])
        sender, receiver = rng.sample(self.wallets[currency], 2)
        return Operation({"type": "wallet_transfer",
                          "agent_id": terminal.agent,
                          "sender_account": sender,
                          "receiver_account": receiver,
                          "currency": currency,
                          "amount": rng.randint(100, 3000)})

    def bank_transfer(self, terminal, rng, account_name=None):
        bank_code, account, holder, currency = rng.choice(
            self.bank_accounts)
        line = {"type": "bank_transfer", "agent_id": terminal.agent,
                "funding": rng.choice(["cash", "wallet"]),
                "bank_code": bank_code, "account_number": account,
                "account_name": account_name or holder,
                "currency": currency,
                "amount": rng.randint(10, 300) * 100}
        if line["funding"] == "wallet":
            line["sender_account"] = self.wallet(rng, currency)[1]
        return Operation(line, "name_mismatch" if account_name else None)

    def free_code_wallet(self, rng, currency, amount):
        """Return a wallet in currency with a balance of at least twice
        amount now and whose last cash-out code is no longer waiting in a
        queue, or None. Requesting a new code for a wallet replaces its unused
        one, which would fail the cash-out that carries it."""
        free = []
        for wallet in self.wallets.get(currency, []):
            if self.sandbox.balance(wallet) < 2 * amount:
                continue
            owner = self.code_owners.get(wallet)
            if owner is None:
                free.append(wallet)
                continue
            terminal, op = owner
            if not op.submitted:
                continue
            if op.id is None:
                free.append(wallet)
                continue
            state = terminal.rows().get(op.id, (None, None))[1]
            if state not in ("queued", "in_flight"):
                free.append(wallet)
        return rng.choice(free) if free else None

    def cash_out(self, terminal, rng, wrong_code=False):
        currency = rng.choice(sorted(self.wallets))
        amount = rng.randint(1, 30) * 100
        wallet = self.free_code_wallet(rng, currency, amount)
        if wallet is None:
            return None
        code = self.sandbox.cash_out_code(terminal.agent, wallet, currency,
                                          amount)
        if wrong_code:
            code = f"{(int(code) + rng.randint(1, 999999)) % 1000000:06d}"
        op = Operation({"type": "cash_out", "agent_id": terminal.agent,
                        "sender_account": wallet, "currency": currency,
                        "amount": amount, "code": code},
                       "invalid_code" if wrong_code else None)
        self.code_owners[wallet] = (terminal, op)
        return op

    def reversal(self, terminal, rng):
        rows = terminal.rows()
        candidates = [op for op in terminal.operations
                      if op.type != "reversal" and op.id not in
                      terminal.reversed and op.id in rows and
                      rows[op.id][1] == "accepted"]
        if not candidates:
            return None
        original = rng.choice(candidates)
        terminal.reversed.add(original.id)
        return Operation({"type": "reversal", "agent_id": terminal.agent,
                          "original_operation_id": original.id,
                          "reason": rng.choice(REVERSAL_REASONS)})

    def bad(self, terminal, rng):
        """Return an operation that the sandbox must reject."""
        kind = rng.choice(["insufficient_float", "insufficient_funds",
                           "invalid_code", "name_mismatch"])
        if kind == "invalid_code":
            op = self.cash_out(terminal, rng, wrong_code=True)
            if op is not None:
                return op
            kind = "insufficient_float"
        if kind == "name_mismatch":
            return self.bank_transfer(terminal, rng,
                                      account_name="Nobody Known Here")
        if kind == "insufficient_funds":
            op = self.wallet_transfer(terminal, rng)
            op.line["amount"] = HUGE_AMOUNT
            op.expected_error = kind
            return op
        op = self.cash_in(terminal, rng)
        op.line["amount"] = HUGE_AMOUNT
        op.expected_error = kind
        return op


def fault_before(rng, request_timeout):
    """Return the faults set on a terminal's proxy before a sync run, a
    random kind by weight, or None for a run without faults."""
    kind = rng.choices(
        ["none", "refuse", "drop_before_request", "drop_after_request",
         "drop_mid_response", "reset", "delay", "late_reply"],
        [3, 2, 2, 3, 2, 2, 1, 1])[0]
    if kind == "none":
        return None
    if kind == "refuse":
        return [{"kind": "refuse",
                 "seconds": round(rng.uniform(0.5, 2.0), 2)}]
    if kind == "delay":
        # Below the terminal's request timeout, so the reply arrives.
        return [{"kind": "delay", "min_bytes": BATCH_MIN_BYTES,
                 "ms": rng.randint(200, 1500)}]
    if kind == "late_reply":
        # Past the request timeout: the batch is applied, but the
        # terminal gives up on the reply and sends it again later.
        return [{"kind": "delay", "min_bytes": BATCH_MIN_BYTES,
                 "ms": (request_timeout + 1) * 1000}]
    return [{"kind": kind, "min_bytes": BATCH_MIN_BYTES,
             "count": rng.randint(1, 2), "skip": rng.randint(0, 1)}]


def fault_during(rng):
    """Return (delay in seconds, fault list) of a fault set while a sync
    runs, or None."""
    if rng.random() < 0.5:
        return None
    if rng.random() < 0.5:
        fault = {"kind": "refuse", "seconds": round(rng.uniform(0.3, 1.5), 2)}
    else:
        fault = {"kind": rng.choice(["reset", "drop_after_request"]),
                 "min_bytes": BATCH_MIN_BYTES, "count": 1}
    return round(rng.uniform(0.05, 1.0), 2), [fault]


def sync_with_faults(terminal, rng, runs, request_timeout):
    """Run up to `runs` syncs of the terminal, each under random faults
    set before it and, at random, while it runs. Stops early when the
    queue is empty."""
    for _ in range(runs):
        if terminal.waiting() == 0:
            return
        terminal.proxy("proxy_clear")
        before = fault_before(rng, request_timeout)
        if before is not None:
            terminal.proxy("proxy_faults", json.dumps(before))
            terminal.faults += 1
        during = fault_during(rng)
        timer = None
        if during is not None:
            delay, faults = during
            timer = threading.Timer(delay, set_faults,
                                    (terminal, json.dumps(faults)))
            timer.start()
            terminal.faults += 1
        terminal.sync(SYNC_SECONDS)
        if timer is not None:
            timer.cancel()
            timer.join()
        terminal.proxy("proxy_clear")


def set_faults(terminal, faults):
    try:
        terminal.proxy("proxy_faults", faults)
    except HelperError as error:
        terminal.log("sync.err", f"fault not set: {error}\n")


def run_parallel(function, jobs):
    """Run function(*job) for each job in its own thread; return the
    exceptions raised."""
    errors = []

    def call(job):
        try:
            function(*job)
        except (HelperError, sqlite3.Error, OSError) as error:
            errors.append(error)

    threads = [threading.Thread(target=call, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def drain(terminals, end):
    """Clear the faults and sync until every queue is empty, at most
    DRAIN_PASSES passes in DRAIN_SECONDS and not past the monotonic time
    end. Returns the sync runs made."""
    for terminal in terminals:
        terminal.proxy("proxy_clear")
    deadline = min(time.monotonic() + DRAIN_SECONDS, end)
    runs = 0
    for _ in range(DRAIN_PASSES):
        waiting = [t for t in terminals if t.waiting() > 0]
        left = deadline - time.monotonic()
        if not waiting or left < 2:
            break
        seconds = int(min(DRAIN_SYNC_SECONDS, left))
        run_parallel(lambda t: t.sync(seconds), [(t,) for t in waiting])
        runs += len(waiting)
        time.sleep(0.5)
    return runs


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, name, problems, detail):
        if problems:
            print(f"FAIL {name}: {problems[0]}")
            for problem in problems[1:6]:
                print(f"  {problem}")
            if len(problems) > 6:
                print(f"  and {len(problems) - 6} more")
            self.failed += 1
        else:
            print(f"ok   {name}: {detail}")
            self.passed += 1
        sys.stdout.flush()


def movement_deltas(ledger):
    """Return {account: change} that the ledger rows add up to, by the
    sandbox's rule: the sender pays amount and a positive fee, the
    receiver gets amount and a refunded (negative) fee, and fees:CURRENCY
    gets the fee."""
    deltas = {}
    for _, _, sender, receiver, currency, amount, fee, _ in ledger:
        deltas[sender] = deltas.get(sender, 0) - amount - max(fee, 0)
        deltas[receiver] = deltas.get(receiver, 0) + amount - min(fee, 0)
        fees = f"fees:{currency}"
        deltas[fees] = deltas.get(fees, 0) + fee
    return deltas


def check_money(checks, before, after, currencies, ledger):
    totals = {}
    for account in set(before) | set(after):
        currency = currencies.get(account, "?")
        start, end = totals.get(currency, (0, 0))
        totals[currency] = (start + before.get(account, 0),
                            end + after.get(account, 0))
    problems = [f"{currency}: {start} before, {end} after"
                for currency, (start, end) in sorted(totals.items())
                if start != end]
    detail = ", ".join(f"{currency} {end}" for currency, (_, end)
                       in sorted(totals.items()))
    checks.record("money conserved", problems,
                  f"sums unchanged ({detail})")

    deltas = movement_deltas(ledger)
    problems = []
    for account in sorted(set(before) | set(after) | set(deltas)):
        change = after.get(account, 0) - before.get(account, 0)
        if change != deltas.get(account, 0):
            problems.append(f"{account}: balance changed by {change}, "
                            f"ledger moved {deltas.get(account, 0)}")
    checks.record("ledger movements equal balance changes", problems,
                  f"{len(deltas)} accounts, {len(ledger)} ledger rows")


def field_problems(terminal, ledger_rows):
    """Return the accepted operations of the terminal whose ledger row
    differs from the journal in type, currency, amount or fee, and the
    reversals that do not move their original's money back. ledger_rows
    maps operation ids to ledger tuples."""
    problems = []
    with open_database(terminal.journal) as conn:
        journal = conn.execute("SELECT id, type, currency, amount, payload "
                               "FROM operations WHERE state = 'accepted'"
                               ).fetchall()
    for op_id, kind, currency, amount, payload_text in journal:
        row = ledger_rows.get(op_id)
        if row is None:
            continue    # check_ledger.compare reports it as missing
        payload = json.loads(payload_text)
        if kind == "reversal":
            fee = -payload.get("refunded_fee", 0)
        else:
            fee = payload.get("fee", 0)
        journaled = (kind, currency, amount, fee)
        applied = (row[1], row[4], row[5], row[6])
        if journaled != applied:
            problems.append(f"{op_id}: journal (type, currency, amount, "
                            f"fee) {journaled}, ledger {applied}")
        if kind != "reversal":
            continue
        original = ledger_rows.get(payload.get("original_operation_id"))
        if original is None:
            problems.append(f"reversal {op_id}: its original "
                            f"{payload.get('original_operation_id')} is "
                            f"not in the ledger")
        elif (row[2], row[3], row[5], row[6]) != \
                (original[3], original[2], original[5], -original[6]):
            problems.append(
                f"reversal {op_id} moved {row[5]} fee {row[6]} from "
                f"{row[2]} to {row[3]}, but its original moved "
                f"{original[5]} fee {original[6]} from {original[2]} to "
                f"{original[3]}")
    return problems


def check_exactly_once(checks, terminal, sandbox_db, ledger_terminals,
                       ledger_rows):
    """Compare the terminal's journal with the sandbox's ledger rows of
    its terminal_id through check_ledger.compare, then the fields of each
    applied operation."""
    journal, ledger = check_ledger.load(terminal.journal, sandbox_db)
    own = {op_id: rows for op_id, rows in ledger.items()
           if ledger_terminals.get(op_id) == terminal.name}
    # Every row of the terminal's own id must be in its journal, and no
    # row of it may sit under another terminal's id.
    foreign = [op_id for op_id in journal if op_id in ledger and
               ledger_terminals.get(op_id) != terminal.name]
    ids = [op.id for op in terminal.operations]
    found = check_ledger.compare(journal, own, ids, {}, None, True)
    problems = []
    for name, details in found.items():
        for detail in details:
            problems.append(f"{name} ({check_ledger.PROBLEMS[name]}): "
                            f"{detail}")
    for op_id in foreign:
        problems.append(f"{op_id} is in the ledger under another "
                        f"terminal's id")
    problems += field_problems(terminal, ledger_rows)
    states = [row["state"] for row in journal.values()]
    held = sum(1 for row in journal.values() if check_ledger.is_held(row))
    resent = sum(1 for row in journal.values() if row["attempts"] > 1)
    checks.record(
        f"{terminal.name} exactly once", problems,
        f"{len(journal)} operations, {states.count('accepted')} accepted "
        f"once, {states.count('rejected')} rejected and {held} held "
        f"never applied, {resent} sent more than once")


def check_rejections(checks, terminals, ledger_ids, rejections):
    """Check that each operation made to fail was rejected with its
    error code, or held behind an earlier rejection, and never applied.
    rejections maps operation ids to the error codes the sandbox
    stored."""
    problems = []
    rejected = 0
    held = 0
    for terminal in terminals:
        rows = terminal.rows()
        for op in terminal.operations:
            if op.expected_error is None:
                continue
            _, state, last_error, _ = rows[op.id]
            code = rejections.get(op.id)
            if op.id in ledger_ids:
                problems.append(f"{terminal.name} {op.id} "
                                f"({op.expected_error}) was applied")
            elif state == "rejected" and code == op.expected_error:
                rejected += 1
            elif state == "needs_attention" and \
                    last_error.startswith("Held:"):
                held += 1
            else:
                problems.append(
                    f"{terminal.name} {op.id} should be rejected with "
                    f"{op.expected_error}, is {state} (sandbox code "
                    f"{code}): {last_error!r}")
    if rejected == 0 and not problems:
        problems.append("no operation was rejected as the generator "
                        "intended; try another seed")
    checks.record("intended rejections", problems,
                  f"{rejected} rejected with the expected reason, {held} "
                  f"held behind an earlier rejection, none applied")


def add_report_totals(totals, report):
    """Add to totals, {(type, currency): (count, amount, fee)}, the
    confirmed column of `spotagent report --json` (docs/configuration.md):
    of the day's own operations and of the carried ones decided since an
    earlier close."""
    for line in report["lines"] + report.get("carried", []):
        confirmed = line["confirmed"]
        if confirmed["count"] == 0 or not line["currency"]:
            continue
        key = (line["type"], line["currency"])
        count, amount, fee = totals.get(key, (0, 0, 0))
        totals[key] = (count + confirmed["count"],
                       amount + confirmed["amount"],
                       fee + confirmed["fee"])


def terminal_report_totals(terminal):
    """Return the confirmed totals of all the terminal's reports, each
    closed day's recorded one and the open day's, and the set of agents
    whose float moved in them."""
    totals = {}
    float_agents = set()
    days = [["--day", str(day)]
            for day in range(1, terminal.closed_days + 1)] + [[]]
    for day in days:
        result = terminal.spotagent(["report", "--json", *day])
        terminal.log("report.json", result.stdout)
        if result.returncode != 0:
            raise HelperError(f"report --json {' '.join(day)} exited "
                              f"{result.returncode}: "
                              f"{result.stderr.strip()[:200]}")
        report = json.loads(result.stdout)
        add_report_totals(totals, report)
        float_agents.update(entry["agent_id"] for entry in report["floats"])
    return totals, float_agents


def check_report(checks, terminal, ledger):
    """Compare the confirmed columns of the terminal's reports, closed
    days and open day together, with the sandbox's ledger rows of its
    terminal_id. Each operation counts in one report: its own day's, or,
    when a close left it pending, the report of the day of its decision.
    Both record the fee a reversal refunds as a negative fee. The reports
    must also move no float but that of the terminal's agent."""
    expected = {}
    for _, kind, _, _, currency, amount, fee, terminal_id in ledger:
        if terminal_id != terminal.name:
            continue
        count, total, fees = expected.get((kind, currency), (0, 0, 0))
        expected[(kind, currency)] = (count + 1, total + amount, fees + fee)

    name = f"{terminal.name} reports equal ledger"
    try:
        actual, float_agents = terminal_report_totals(terminal)
    except (HelperError, ValueError, KeyError, TypeError) as error:
        checks.record(name, [f"no report: {error}"], "")
        return

    # Each terminal has one agent, so its reports move no other float.
    problems = [f"the reports move the float of agent {agent}, not only "
                f"of {terminal.agent}"
                for agent in sorted(float_agents - {terminal.agent})]
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            problems.append(
                f"{key[0]} {key[1]}: report (count, amount, fee) "
                f"{actual.get(key)}, ledger {expected.get(key)}")
    checks.record(name, problems,
                  f"{len(expected)} type and currency lines, "
                  f"{sum(v[0] for v in expected.values())} operations, "
                  f"{terminal.closed_days} days closed")


# What the terminal writes: its log, its receipts and the output of its
# commands. submit.in, the driver's copy of the input, contains the codes
# and is left out.
PRODUCT_OUTPUTS = ("spotagent.log", "receipts.bin", "submit.out",
                   "submit.err", "sync.out", "sync.err", "report.json",
                   "close.out", "close.err")


def check_codes_hidden(checks, terminals):
    """Check that no cash-out code appears in what the terminals wrote,
    as a run of 6 digits not inside a longer run of digits or hex."""
    problems = []
    codes = 0
    for terminal in terminals:
        secrets = {op.line["code"] for op in terminal.operations
                   if op.type == "cash_out"}
        codes += len(secrets)
        if not secrets:
            continue
        pattern = re.compile(rb"(?<![0-9a-fA-F])(" + b"|".join(
            code.encode() for code in sorted(secrets)) + rb")(?![0-9a-fA-F])")
        for name in PRODUCT_OUTPUTS:
            path = os.path.join(terminal.dir, name)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as stream:
                found = pattern.findall(stream.read())
            if found:
                problems.append(f"{terminal.name} {name} shows "
                                f"{len(found)} cash-out codes")
    checks.record("cash-out codes never logged or printed", problems,
                  f"{codes} codes looked for in the terminals' logs, "
                  f"receipts and output")


def code_pattern(codes):
    """Return a bytes pattern of the codes as runs of 6 digits not inside
    a longer run of digits or hex."""
    return re.compile(rb"(?<![0-9a-fA-F])(" + b"|".join(
        code.encode() for code in sorted(codes)) + rb")(?![0-9a-fA-F])")


def check_codes_not_journaled(checks, terminals):
    """Check that no journal keeps a cash-out code in a payload, that no
    decided row keeps its secret part, and that the codes of decided
    cash-outs are nowhere in the journal's files (secure_delete)."""
    problems = []
    decided_codes = 0
    for terminal in terminals:
        cash_outs = [op for op in terminal.operations
                     if op.type == "cash_out"]
        if not cash_outs:
            continue
        pattern = code_pattern({op.line["code"] for op in cash_outs})
        with open_database(terminal.journal) as conn:
            rows = conn.execute("SELECT id, state, payload, secret "
                                "FROM operations").fetchall()
        states = {row[0]: row[1] for row in rows}
        for op_id, state, payload, secret in rows:
            if pattern.search(payload.encode()):
                problems.append(f"{terminal.name} {op_id}: payload has a "
                                f"cash-out code")
            if state in ("accepted", "rejected") and secret is not None:
                problems.append(f"{terminal.name} {op_id}: {state} but "
                                f"its secret part is kept")
        decided = {op.line["code"] for op in cash_outs
                   if states.get(op.id) in ("accepted", "rejected")}
        decided_codes += len(decided)
        if not decided:
            continue
        pattern = code_pattern(decided)
        for suffix in ("", "-wal"):
            path = terminal.journal + suffix
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as stream:
                found = pattern.findall(stream.read())
            if found:
                problems.append(f"{terminal.name} journal.db{suffix} "
                                f"has {len(found)} codes of decided "
                                f"cash-outs")
    checks.record("cash-out codes gone from the journals", problems,
                  f"{decided_codes} codes of decided cash-outs looked for "
                  f"in the journals' rows and files")


def check_coverage(checks, terminals, ledger):
    applied = {kind: 0 for kind in MONEY_TYPES}
    for row in ledger:
        if row[1] in applied:
            applied[row[1]] += 1
    resent = 0
    for terminal in terminals:
        resent += sum(1 for row in terminal.rows().values() if row[3] > 1)
    problems = [f"no {kind} was applied" for kind, count in applied.items()
                if count == 0]
    if resent == 0:
        problems.append("no operation was sent more than once, so no "
                        "fault cut a batch")
    detail = ", ".join(f"{count} {kind}" for kind, count in applied.items())
    checks.record("every type applied and faults reached batches",
                  problems, f"{detail}; {resent} sent more than once")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Drive the money property test against a running "
                    "sandbox and fault proxies.")
    parser.add_argument("--dir", required=True,
                        help="run folder with sandbox.db and one folder "
                             "per terminal")
    parser.add_argument("--port", required=True, type=int,
                        help="the sandbox's port on 127.0.0.1")
    parser.add_argument("--bin", required=True, help="spotagent binary")
    parser.add_argument("--seed", required=True, type=int,
                        help="seed of every random choice")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help=f"rounds of operations (default {ROUNDS})")
    parser.add_argument("--seconds", type=int, required=True,
                        help="time the run may take, in seconds; later "
                             "rounds are skipped to keep within it")
    parser.add_argument("--request-timeout", type=int, required=True,
                        metavar="SECONDS",
                        help="request_timeout of the terminals' "
                             "configuration")
    parser.add_argument("--terminal", action="append", required=True,
                        metavar="NAME:AGENT:CONTROL_PORT",
                        help="a terminal, its agent and its proxy's "
                             "control port; repeat for each terminal")
    return parser.parse_args(argv)


def run_rounds(args, terminals, generator, started):
    """Journal and sync the rounds, starting none after the rounds' share
    of --seconds. Returns the operations submitted and the error lines
    submit printed."""
    submitted = 0
    submit_errors = []
    rounds_seconds = (args.seconds - DRAIN_SECONDS - ROUND_RESERVE -
                      CHECK_RESERVE)
    for number in range(1, args.rounds + 1):
        if time.monotonic() - started > rounds_seconds:
            print(f"note: round {number} and later skipped, because "
                  f"{rounds_seconds} s have passed")
            break
        for terminal in terminals:
            rng = random.Random(f"{args.seed}:{number}:{terminal.name}:ops")
            operations = generator.make_round(terminal, rng,
                                         rng.randint(OPS_MIN, OPS_MAX))
            errors = terminal.submit(operations)
            submitted += len(operations)
            submit_errors += [f"{terminal.name} round {number}: {line}"
                              for line in errors]
        jobs = [(t, random.Random(f"{args.seed}:{number}:{t.name}:faults"),
                 random.Random(f"{args.seed}:{number}:{t.name}:runs")
                 .randint(1, SYNC_RUNS_MAX), args.request_timeout)
                for t in terminals]
        errors = run_parallel(sync_with_faults, jobs)
        if errors:
            raise HelperError(f"round {number}: {errors[0]}")
        for terminal in terminals:
            terminal.close_day()
        waiting = sum(t.waiting() for t in terminals)
        print(f"round {number}: {submitted} operations journaled so far, "
              f"{waiting} still queued, "
              f"{time.monotonic() - started:.1f} s")
        sys.stdout.flush()
    return submitted, submit_errors


def main(argv):
    args = parse_args(argv)
    started = time.monotonic()
    sandbox = Sandbox(args.dir, args.port)
    terminals = []
    for spec in args.terminal:
        name, agent, control_port = spec.split(":")
        terminals.append(Terminal(name, agent, control_port, args.dir,
                                  args.bin))
    checks = Checks()
    try:
        before = sandbox.balances()
        generator = Generator(sandbox, sandbox.wallets(),
                              sandbox.bank_accounts(), {})
        submitted, submit_errors = run_rounds(args, terminals, generator,
                                              started)
        drain_runs = drain(terminals,
                           started + args.seconds - CHECK_RESERVE)
        after = sandbox.balances()
        currencies = sandbox.currencies()
        ledger = sandbox.ledger()
    except (HelperError, sqlite3.Error, OSError, ValueError) as error:
        print(f"FAIL run: {error}")
        print(f"{checks.passed} passed, {checks.failed + 1} failed")
        return 1

    print(f"{submitted} operations submitted, "
          f"{sum(t.sync_runs for t in terminals)} sync runs "
          f"({drain_runs} in the final drain), "
          f"{sum(t.faults for t in terminals)} faults set")
    checks.record("submit journaled every line", submit_errors,
                  f"{submitted} lines")
    waiting = [f"{t.name}: {t.waiting()} still queued or in flight"
               for t in terminals if t.waiting() > 0]
    checks.record("queues drained", waiting,
                  f"nothing queued after {drain_runs} final sync runs")
    check_money(checks, before, after, currencies, ledger)
    ledger_terminals = {row[0]: row[7] for row in ledger}
    known = {t.name for t in terminals}
    stray = [f"{row[0]} from terminal {row[7]}" for row in ledger
             if row[7] not in known]
    checks.record("no ledger row from elsewhere", stray,
                  f"all {len(ledger)} rows from {', '.join(sorted(known))}")
    for terminal in terminals:
        check_exactly_once(checks, terminal, sandbox.db, ledger_terminals,
                           {row[0]: row for row in ledger})
    check_rejections(checks, terminals, set(ledger_terminals),
                     sandbox.rejections())
    for terminal in terminals:
        check_report(checks, terminal, ledger)
    check_codes_hidden(checks, terminals)
    check_codes_not_journaled(checks, terminals)
    check_coverage(checks, terminals, ledger)
    print(f"seed {args.seed}, {time.monotonic() - started:.1f} s")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
