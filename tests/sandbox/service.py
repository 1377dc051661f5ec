"""The contract's operations, independent of HTTP: health, login and
password change, wallet and customer lookups, the journaled operations
(money movements, customer registrations and profile updates) alone and
in batches, the session lookups of money, and the published lists: the
offline policy, fees, banks and corridors."""

import hashlib
import hmac
import json
import re
import secrets
import time

import accounts
import banks
import cards
import customers
import ledger
import money
import passwords
import quotes
from fees import FeeSchedule
from ledger import APPLIED, REPLAYED
from protocol import (ACCOUNT_RE, AGENT_ID_RE, FIELD_CHECKS, OPERATION_KEY,
                      UUID_RE, WALLET_KEY, ApiError, bad_request,
                      check_registration_fields, check_update_fields,
                      compact_json, dependency_error, in_progress_error,
                      invalid_token, log, parse_batch, parse_object,
                      parse_operation, parse_transfer, request_digest,
                      require_string, rfc3339)
from store import PBKDF2_ITERATIONS, hash_password, write_transaction

BEARER_RE = re.compile(r"Bearer +([!-~]{1,512})", re.IGNORECASE)


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Sandbox:
    """The contract's operations on one Store."""

    def __init__(self, store, token_ttl, transfer_delay, policy_text,
                 quote_ttl=quotes.DEFAULT_QUOTE_TTL,
                 code_ttl=money.DEFAULT_CODE_TTL):
        self.store = store
        self.token_ttl = token_ttl
        self.transfer_delay = transfer_delay
        self.policy_text = policy_text
        self.quote_ttl = quote_ttl
        self.code_ttl = code_ttl
        self.keys = ledger.KeysInProgress()
        self.dummy_salt = secrets.token_bytes(16)

    def health(self):
        return 200, {"status": "ok", "sandbox": True}, []

    def policy(self):
        return 200, self.policy_text, []

    def fees(self):
        return 200, FeeSchedule.text, []

    def banks(self):
        return 200, banks.BANKS_TEXT, []

    def corridors(self):
        return 200, quotes.CORRIDORS_TEXT, []

    def login(self, terminal_id, body):
        """Check an agent's password and open a session for the terminal."""
        request = parse_object(body)
        agent_id = require_string(request, "agent_id", 64)
        password = require_string(request, "password", 256)
        conn = self.store.connection()
        row = conn.execute(
            "SELECT name, password_salt, password_hash, iterations "
            "FROM agents WHERE agent_id = ?", (agent_id,)).fetchone()

        # An unknown agent costs the same hashing work as a wrong password,
        # so the reply time does not reveal which agent ids exist.
        if row is None:
            hash_password(password, self.dummy_salt, PBKDF2_ITERATIONS)
            raise ApiError(401, "invalid_credentials",
                           "The agent id or password is incorrect.")
        name, salt, expected, iterations = row
        if not hmac.compare_digest(
                hash_password(password, salt, iterations), expected):
            raise ApiError(401, "invalid_credentials",
                           "The agent id or password is incorrect.")

        token = secrets.token_hex(32)
        now = int(time.time())
        expires_at = now + self.token_ttl
        with write_transaction(conn):
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                         (hash_token(token), agent_id, terminal_id,
                          rfc3339(now), expires_at))
        return 201, {
            "token": token,
            "expires_at": rfc3339(expires_at),
            "expires_in": self.token_ttl,
            "agent": {"agent_id": agent_id, "name": name},
        }, []

    def authenticate(self, terminal_id, authorization):
        """Return the agent id of a live session, or raise 401."""
        return self.session_of(terminal_id, authorization)[0]

    def session_of(self, terminal_id, authorization):
        """Return (agent id, token hash) of a live session, or raise 401."""
        match = BEARER_RE.fullmatch(authorization or "")
        if match is None:
            raise invalid_token("A session token is required, so log in.")
        token_hash = hash_token(match.group(1))
        row = self.store.connection().execute(
            "SELECT agent_id, terminal_id, expires_at FROM sessions "
            "WHERE token_hash = ?", (token_hash,)).fetchone()

        # A token is bound to the terminal that logged in.
        if row is None or row[1] != terminal_id:
            raise invalid_token(
                "The session token is not valid, so log in again.")
        if row[2] <= time.time():
            raise ApiError(401, "token_expired",
                           "The session has expired, so log in again.",
                           [("WWW-Authenticate",
                             'Bearer error="invalid_token"')])
        return row[0], token_hash

    def change_password(self, terminal_id, authorization, body):
        """Replace the session's agent's password; 204 on success."""
        agent_id, token_hash = self.session_of(terminal_id, authorization)
        passwords.change_password(self.store.connection(), agent_id,
                                  token_hash, body)
        log(f"agent {agent_id} changed the password from {terminal_id}")
        return 204, "", []

    def customer_lookup(self, terminal_id, authorization, query):
        """Return a customer's profile found by phone or wallet account."""
        self.authenticate(terminal_id, authorization)
        return 200, customers.lookup(self.store.connection(), query), []

    def wallet_lookup(self, terminal_id, authorization, account):
        """Return a wallet's holder name and currency, never its balance."""
        self.authenticate(terminal_id, authorization)
        if not ACCOUNT_RE.fullmatch(account):
            raise bad_request("A wallet account number is 6 to 20 digits.")
        row = self.store.connection().execute(
            "SELECT w.account, c.full_name, w.currency FROM wallets w "
            "JOIN customers c USING (customer_id) WHERE w.account = ?",
            (account,)).fetchone()
        if row is None:
            raise ApiError(404, "wallet_not_found",
                           f"No wallet has the account number {account}.")
        return 200, {"account": row[0], "holder_name": row[1],
                     "currency": row[2]}, []

    def card_lookup(self, terminal_id, authorization, body):
        """Return the wallet linked to a card, found by its PAN."""
        self.authenticate(terminal_id, authorization)
        return 200, cards.lookup(self.store.connection(), body), []

    def name_enquiry(self, terminal_id, authorization, bank_code, account):
        """Return the holder's name of an account at a bank."""
        self.authenticate(terminal_id, authorization)
        return 200, banks.name_enquiry(self.store.connection(), bank_code,
                                       account), []

    def wallet_balance(self, terminal_id, authorization, account):
        self.authenticate(terminal_id, authorization)
        return 200, money.wallet_balance(self.store.connection(), account,
                                         time.time()), []

    def statement(self, terminal_id, authorization, account):
        self.authenticate(terminal_id, authorization)
        return 200, money.statement(self.store.connection(), account,
                                    time.time()), []

    def agent_float(self, terminal_id, authorization, agent_id):
        """Return the session's agent's floats; another agent's are 403."""
        own = self.authenticate(terminal_id, authorization)
        if not AGENT_ID_RE.fullmatch(agent_id):
            raise bad_request("An agent id is 1 to 32 letters, digits, "
                              "'-' or '_'.")
        if agent_id != own:
            raise ApiError(403, "forbidden",
                           "A session may read its own agent's float "
                           "only.")
        return 200, money.agent_floats(self.store.connection(), agent_id,
                                       time.time()), []

    def cash_out_code(self, terminal_id, authorization, body):
        """Send a cash-out code to a wallet holder (in the sandbox, to the
        log)."""
        agent_id = self.authenticate(terminal_id, authorization)
        reply = money.create_cash_out_code(self.store.connection(), body,
                                           time.time(), self.code_ttl)
        log(f"agent {agent_id} on {terminal_id} requested a cash-out code "
            f"for wallet {reply['wallet_account']}")
        return 201, reply, []

    def quote(self, terminal_id, authorization, body):
        agent_id = self.authenticate(terminal_id, authorization)
        reply = quotes.create_quote(self.store.connection(), terminal_id,
                                    agent_id, body, time.time(),
                                    self.quote_ttl)
        return 201, reply, []

    def money_operation(self, operation_type, terminal_id, key, body):
        """Apply a money movement other than a wallet transfer at most once
        per Idempotency-Key."""
        request = parse_operation(key, body, FIELD_CHECKS[operation_type])
        return self.apply_single(
            terminal_id, operation_type, request,
            f"{request['amount']} {request['currency']} by agent "
            f"{request['agent_id']}")

    def transfer(self, terminal_id, key, body):
        """Apply a wallet transfer at most once per Idempotency-Key."""
        request = parse_transfer(key, body)
        sender = request.get("sender_account") or \
            "customer " + request.get("sender_customer_id", "")
        receiver = request.get("receiver_account") or \
            "customer " + request.get("receiver_customer_id", "")
        return self.apply_single(
            terminal_id, "wallet_transfer", request,
            f"{request['amount']} {request['currency']} from {sender} to "
            f"{receiver}")

    def register_customer(self, terminal_id, key, body):
        """Register a customer at most once per Idempotency-Key."""
        request = parse_operation(key, body, check_registration_fields)
        return self.apply_single(terminal_id, "customer_registration",
                                 request,
                                 f"customer {request['customer_id']}")

    def update_profile(self, terminal_id, key, body, customer_id):
        """Change a customer's profile at most once per Idempotency-Key.

        The customer id comes from the path. It joins the request as the
        field customer_id, as a batch item carries it, so that the same
        update sent alone or in a batch has one digest.
        """
        if not UUID_RE.fullmatch(customer_id):
            raise bad_request("The customer id in the path must be a UUID "
                              "in lower-case hex.")

        def check_fields(request):
            if request.get("customer_id", customer_id) != customer_id:
                raise bad_request("The field customer_id must equal the "
                                  "customer id in the path.")
            request["customer_id"] = customer_id
            check_update_fields(request)

        request = parse_operation(key, body, check_fields)
        return self.apply_single(terminal_id, "customer_update", request,
                                 f"customer {customer_id} from version "
                                 f"{request['base_version']}")

    def apply_single(self, terminal_id, operation_type, request, summary):
        """Apply one journaled operation at most once per key.

        Returns (status, response text, headers). The caller has checked
        the request's shape, so malformed requests are never stored. The
        key is released once the reply is stored, so a resend that arrives
        while this reply is still on its way gets the replay. summary
        describes the operation for the log, without personal data.
        """
        key = request["operation_id"]
        digest = request_digest(request)
        if not self.keys.reserve([key]):
            raise in_progress_error()
        try:
            if self.transfer_delay > 0:
                time.sleep(self.transfer_delay)
            conn = self.store.connection()
            with write_transaction(conn):
                outcome = ledger.decide(conn, terminal_id, operation_type,
                                        request, digest, time.time())
        finally:
            self.keys.release({key})

        if outcome.kind == REPLAYED:
            return outcome.status, outcome.response, [
                ("Idempotent-Replayed", "true")]

        # Logged after the commit, so the log never reports an outcome that
        # a failed commit undid.
        if outcome.kind == APPLIED:
            result = "applied as " + stored_reply(outcome)["reference"]
        else:
            result = "rejected with " + stored_reply(outcome)["error"]["code"]
        log(f"{operation_type} {key} from {terminal_id} {result}: "
            f"{summary}")
        return outcome.status, outcome.response, []

    def batch(self, terminal_id, body, item_fault=None):
        """Apply a batch of operations in order, in one write transaction.

        Returns (200, reply text, headers) with one result per item, in
        item order. Raises 400 only when the batch as a whole is malformed.
        item_fault, when given, makes the item at its index fail with the
        fault's status without being applied, which holds back the later
        items on its wallets like any other failure.
        """
        started = time.monotonic()
        items = parse_batch(body)
        wanted = {item.request["operation_id"] for item in items
                  if item.request is not None}
        reserved = self.keys.reserve(wanted)
        try:
            if self.transfer_delay > 0:
                time.sleep(self.transfer_delay)
            conn = self.store.connection()
            with write_transaction(conn):
                results = self.decide_items(conn, terminal_id, items,
                                            reserved, item_fault)
        finally:
            self.keys.release(reserved)

        # One line per batch, so a drain of thousands of operations neither
        # floods the log nor costs a write to stderr per operation.
        counts = {}
        for _, kind in results:
            counts[kind] = counts.get(kind, 0) + 1
        summary = ", ".join(f"{number} {kind}"
                            for kind, number in sorted(counts.items()))
        elapsed = (time.monotonic() - started) * 1000
        log(f"batch of {len(items)} from {terminal_id} in {elapsed:.0f} ms: "
            f"{summary}")
        reply = compact_json({"results": [result for result, _ in results]})
        return 200, reply, []

    def decide_items(self, conn, terminal_id, items, reserved, item_fault):
        """Decide the items in order inside the caller's transaction and
        return a (result, kind) pair for each.

        Operations on one wallet or customer must apply in their order, so
        a new item that shares a dependency key with an earlier item that
        got anything but 201 is held back with 424, and its keys count as
        failed too. A failed item's own operation id counts as well, so
        that a reversal of it later in the batch is held back.
        """
        now = time.time()
        failed = {}  # key: index of the earliest item with it not accepted
        results = []
        for index, item in enumerate(items):
            keys = item_keys(conn, item)
            if item_fault is not None and index == item_fault.index:
                result = (error_result(item.operation_id,
                                       item_fault.error()), "injected")
            else:
                dependency = dependency_result(items, item,
                                               keys + item.needs, failed)
                result = self.batch_item(conn, terminal_id, item,
                                         reserved, now, dependency)
            if result[0]["status"] != 201:
                for key in keys:
                    failed.setdefault(key, index)
                if isinstance(item.operation_id, str):
                    failed.setdefault((OPERATION_KEY, item.operation_id),
                                      index)
            results.append(result)
        return results

    def batch_item(self, conn, terminal_id, item, reserved, now,
                   dependency):
        """Decide one batch item and return (result, kind), where kind
        names the outcome for the log.

        dependency is the 424 result for a new key held back by an earlier
        item, or None. A stored reply is replayed even when dependency is
        set, because replaying applies nothing.
        """
        if item.error is not None:
            return error_result(item.operation_id, item.error), "malformed"
        if item.operation_id not in reserved:
            return error_result(item.operation_id,
                                in_progress_error()), "in_progress"
        try:
            outcome = ledger.find_stored(conn, terminal_id, item.request,
                                         item.digest)
            if outcome is None and dependency is not None:
                return dependency, "dependency_failed"
            if outcome is None:
                outcome = ledger.apply_new(conn, terminal_id, item.type,
                                           item.request, item.digest, now)
        except ApiError as error:
            return error_result(item.operation_id, error), error.code
        result = {"operation_id": item.operation_id,
                  "status": outcome.status}
        stored = stored_reply(outcome)
        for field in RESULT_FIELDS[outcome.status == 201]:
            if field in stored:
                result[field] = stored[field]
        return result, outcome.kind


# The fields of a stored reply that a batch result copies: for 201, what
# the terminal needs to confirm the operation, and otherwise the error
# and, with 412 version_conflict, the current profile.
RESULT_FIELDS = {
    True: ("reference", "customer_id", "wallet_account", "version"),
    False: ("error", "current"),
}


def item_keys(conn, item):
    """Return the item's dependency keys that its failure holds back.

    A side of a transfer or cash-in named by customer id adds that
    customer's wallet in the operation's currency, when the customer
    exists by now, so that the operation keeps its order with items
    naming that wallet's account. A reversal adds the wallets of the
    operation it reverses.
    """
    keys = list(item.keys)
    if item.request is not None and item.type == "reversal":
        keys += reversal_keys(conn, item.request)
    if item.request is not None and item.type in ("wallet_transfer",
                                                  "cash_in"):
        for side in ("sender", "receiver"):
            customer_id = item.request.get(f"{side}_customer_id")
            if customer_id is None:
                continue
            account = customers.wallet_of(conn, customer_id,
                                          item.request["currency"])
            if account is not None:
                keys.append((WALLET_KEY, account))
    return tuple(keys)


def reversal_keys(conn, request):
    """Return the wallet keys of the operation that a reversal names,
    once that operation is in the ledger. Its float, settlement and fee
    accounts give none."""
    row = conn.execute("SELECT sender, receiver FROM ledger "
                       "WHERE operation_id = ?",
                       (request["original_operation_id"],)).fetchone()
    if row is None:
        return []
    return accounts.account_keys(row[0]) + accounts.account_keys(row[1])


def dependency_result(items, item, keys, failed):
    """Return the 424 result for an item with the dependency keys when
    one of them belongs to an earlier item that was not accepted, or
    None.

    failed maps each such key to the index of the earliest item with it,
    and depends_on names the earliest of the items that the item waits
    for.
    """
    waits = [(failed[key], key) for key in keys if key in failed]
    if not waits:
        return None
    index, key = min(waits)
    result = error_result(item.operation_id, dependency_error(index, key))
    result["depends_on"] = items[index].operation_id
    return result


def stored_reply(outcome):
    """Return the stored reply body of an outcome, parsed."""
    return json.loads(outcome.response)


def error_result(operation_id, error):
    """Return the batch result for an error that nothing stored."""
    result = {"operation_id": operation_id, "status": error.status,
              "error": error.error_object()}
    # A 409 or an injected fault carries its Retry-After header as a field.
    retry_after = dict(error.headers).get("Retry-After")
    if retry_after is not None:
        result["retry_after"] = int(retry_after)
    return result
