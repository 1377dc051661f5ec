#!/usr/bin/env python3
"""Sandbox central service: a simulation of the Spotbanc central service.

Tests and the demo run it on 127.0.0.1 as the terminal's HTTPS peer. It
implements the contract in docs/api.md with mutual TLS and keeps its state
(agents, sessions, customers, wallets, the idempotency store and the ledger
of applied operations) in one SQLite file. Python 3 standard library only.
"""

import argparse
import contextlib
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets
import signal
import socketserver
import sqlite3
import ssl
import sys
import threading
import time
import traceback
from datetime import datetime, timezone

MAX_BODY_BYTES = 64 * 1024
# An oversized body up to this size is read and dropped before the 413
# reply. Closing with unread data makes TCP reset the connection, and the
# client would lose the reply.
DISCARD_MAX_BYTES = 1024 * 1024
HANDSHAKE_TIMEOUT = 10  # seconds for a TLS handshake to finish
IDLE_TIMEOUT = 60  # seconds a keep-alive connection may stay idle
STOP_GRACE = 5  # seconds that a stop waits for requests being handled
SQLITE_BUSY_TIMEOUT = 10  # seconds a connection waits for the write lock
PBKDF2_ITERATIONS = 100_000
AMOUNT_MAX = 10**15  # minor units
SCHEMA_VERSION = 1
DEFAULT_TOKEN_TTL = 900

ACCOUNT_RE = re.compile(r"[0-9]{6,20}")
# Lower case only, so that one operation cannot have two spellings of its
# key in the idempotency store and the ledger.
UUID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
AGENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                     r"(\.[0-9]{1,9})?Z")
BEARER_RE = re.compile(r"Bearer +([!-~]{1,512})", re.IGNORECASE)

SEED_AGENTS = [
    ("A1001", "Ama Mensah", "counter-demo-1"),
    ("A1002", "Yaw Asante", "counter-demo-2"),
]
SEED_WALLETS = [
    ("1000000001", "Kofi Boateng", "GHS", 500000),
    ("1000000002", "Akosua Darko", "GHS", 25000),
    ("1000000003", "Chidi Okafor", "NGN", 10000000),
    ("1000000004", "Ngozi Eze", "NGN", 0),
]

SCHEMA = """
CREATE TABLE agents (
    agent_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    password_salt BLOB NOT NULL,
    password_hash BLOB NOT NULL,     -- PBKDF2-HMAC-SHA256
    iterations INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,     -- SHA-256 of the token, hex
    agent_id TEXT NOT NULL REFERENCES agents(agent_id),
    terminal_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL      -- Unix seconds
);
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL
);
CREATE TABLE wallets (
    account TEXT PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
    currency TEXT NOT NULL,
    balance INTEGER NOT NULL CHECK (balance >= 0)  -- minor units
);
CREATE TABLE idempotency (
    idempotency_key TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    request_hash TEXT NOT NULL,      -- SHA-256 of the canonical body
    status INTEGER NOT NULL,
    response TEXT NOT NULL,          -- the body exactly as first sent
    created_at TEXT NOT NULL
);
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY,
    operation_id TEXT NOT NULL UNIQUE,
    reference TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    sender TEXT NOT NULL,
    receiver TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL,
    terminal_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    created_at TEXT NOT NULL,        -- the terminal's time
    applied_at TEXT NOT NULL
);
"""

_log_lock = threading.Lock()


def log(text):
    """Write one line to stderr with a UTC time stamp."""
    with _log_lock:
        sys.stderr.write(f"{rfc3339(time.time())} sandbox: {text}\n")
        sys.stderr.flush()


def rfc3339(unix_seconds):
    """Format Unix seconds as RFC 3339 UTC, e.g. 2026-12-04T15:00:00Z."""
    moment = datetime.fromtimestamp(int(unix_seconds), timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def hash_password(password, salt, iterations):
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt,
                               iterations)


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def canonical_json(value):
    """Serialise value so that key order and whitespace do not matter."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


class ApiError(Exception):
    """An error reply: HTTP status, snake_case code and a sentence."""

    def __init__(self, status, code, message, headers=()):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = list(headers)

    def body(self):
        return canonical_json(
            {"error": {"code": self.code, "message": self.message}})


def bad_request(message):
    return ApiError(400, "bad_request", message)


def rejection(code, message):
    """Return a business rejection, which the idempotency store keeps."""
    return ApiError(422, code, message)


@contextlib.contextmanager
def write_transaction(conn):
    """Run the block in one BEGIN IMMEDIATE transaction.

    BEGIN IMMEDIATE takes SQLite's write lock before the first read, so
    the checks and the writes of the block see no other writer in between.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class Store:
    """The SQLite database, with one connection per request thread."""

    def __init__(self, path):
        self.path = path
        self.local = threading.local()
        conn = self.connection()
        conn.execute("PRAGMA journal_mode=WAL")
        with write_transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                self.create(conn)
            elif version != SCHEMA_VERSION:
                raise RuntimeError(
                    f"{path} has schema version {version}, expected "
                    f"{SCHEMA_VERSION}; delete the file to start afresh")

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=SQLITE_BUSY_TIMEOUT,
                                   isolation_level=None)
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=FULL")
            self.local.conn = conn
        return conn

    @staticmethod
    def create(conn):
        """Create the schema and seed the demo agents and wallets."""
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        for agent_id, name, password in SEED_AGENTS:
            salt = secrets.token_bytes(16)
            conn.execute(
                "INSERT INTO agents VALUES (?, ?, ?, ?, ?)",
                (agent_id, name, salt,
                 hash_password(password, salt, PBKDF2_ITERATIONS),
                 PBKDF2_ITERATIONS))
        for account, holder, currency, balance in SEED_WALLETS:
            cursor = conn.execute(
                "INSERT INTO customers (full_name) VALUES (?)", (holder,))
            conn.execute("INSERT INTO wallets VALUES (?, ?, ?, ?)",
                         (account, cursor.lastrowid, currency, balance))
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        log("created the database with demo data")


class Sandbox:
    """The contract's operations, independent of HTTP."""

    def __init__(self, store, token_ttl, transfer_delay):
        self.store = store
        self.token_ttl = token_ttl
        self.transfer_delay = transfer_delay
        self.keys_lock = threading.Lock()
        self.keys_in_progress = set()
        self.dummy_salt = secrets.token_bytes(16)

    def health(self):
        return 200, {"status": "ok", "sandbox": True}, []

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
        match = BEARER_RE.fullmatch(authorization or "")
        if match is None:
            raise invalid_token("A session token is required, so log in.")
        row = self.store.connection().execute(
            "SELECT agent_id, terminal_id, expires_at FROM sessions "
            "WHERE token_hash = ?", (hash_token(match.group(1)),)).fetchone()

        # A token is bound to the terminal that logged in.
        if row is None or row[1] != terminal_id:
            raise invalid_token(
                "The session token is not valid, so log in again.")
        if row[2] <= time.time():
            raise ApiError(401, "token_expired",
                           "The session has expired, so log in again.",
                           [("WWW-Authenticate",
                             'Bearer error="invalid_token"')])
        return row[0]

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

    def transfer(self, terminal_id, key, body):
        """Apply a wallet transfer at most once per Idempotency-Key.

        Returns (status, response text, headers). Malformed requests raise
        ApiError before the key is looked at, and are not stored.
        """
        request = parse_transfer(key, body)
        request_hash = hashlib.sha256(
            canonical_json(request).encode("utf-8")).hexdigest()

        # Only one thread works on a key at a time. The check inside the
        # write transaction below is what makes the transfer apply at most
        # once, even across processes. This set only lets a concurrent
        # duplicate get 409 instead of waiting for the lock.
        with self.keys_lock:
            if key in self.keys_in_progress:
                raise ApiError(409, "request_in_progress",
                               "A request with this Idempotency-Key is "
                               "still being processed, so try again "
                               "shortly.", [("Retry-After", "1")])
            self.keys_in_progress.add(key)
        try:
            if self.transfer_delay > 0:
                time.sleep(self.transfer_delay)
            return self.transfer_once(terminal_id, key, request,
                                      request_hash)
        finally:
            with self.keys_lock:
                self.keys_in_progress.discard(key)

    def transfer_once(self, terminal_id, key, request, request_hash):
        conn = self.store.connection()
        with write_transaction(conn):
            stored = conn.execute(
                "SELECT terminal_id, request_hash, status, response "
                "FROM idempotency WHERE idempotency_key = ?",
                (key,)).fetchone()
            if stored is not None:
                if stored[0] != terminal_id or stored[1] != request_hash:
                    raise rejection(
                        "idempotency_key_reused",
                        "This Idempotency-Key was already used for a "
                        "different request.")
                return stored[2], stored[3], [("Idempotent-Replayed",
                                               "true")]

            now = time.time()
            try:
                reply = self.apply_transfer(conn, terminal_id, request, now)
                status, response = 201, canonical_json(reply)
                outcome = f"applied as {reply['reference']}"
            except ApiError as error:
                if error.status != 422:
                    raise
                status, response = error.status, error.body()
                outcome = f"rejected with {error.code}"
            conn.execute(
                "INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                (key, terminal_id, request_hash, status, response,
                 rfc3339(now)))

        # Logged after the commit, so the log never reports an outcome that
        # a failed commit undid.
        log(f"operation {key} from {terminal_id} {outcome}: "
            f"{request['amount']} {request['currency']} from "
            f"{request['sender_account']} to {request['receiver_account']}")
        return status, response, []

    def apply_transfer(self, conn, terminal_id, request, now):
        """Check the business rules and move the money, inside the caller's
        transaction. Raises a 422 ApiError on a business rejection."""
        check_transfer(conn, request)
        sender = request["sender_account"]
        receiver = request["receiver_account"]
        amount = request["amount"]
        conn.execute("UPDATE wallets SET balance = balance - ? "
                     "WHERE account = ?", (amount, sender))
        conn.execute("UPDATE wallets SET balance = balance + ? "
                     "WHERE account = ?", (amount, receiver))

        seq = conn.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger").fetchone()[0]
        reference = f"SBX-{seq:06d}"
        applied_at = rfc3339(now)
        conn.execute(
            "INSERT INTO ledger VALUES (?, ?, ?, 'wallet_transfer', ?, ?, ?, "
            "?, ?, ?, ?, ?)",
            (seq, request["operation_id"], reference, sender, receiver,
             request["currency"], amount, terminal_id, request["agent_id"],
             request["created_at"], applied_at))
        return {"operation_id": request["operation_id"],
                "status": "accepted", "reference": reference,
                "applied_at": applied_at}


def invalid_token(message):
    return ApiError(401, "invalid_token", message,
                    [("WWW-Authenticate", 'Bearer error="invalid_token"')])


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_object(body):
    """Parse a UTF-8 JSON object, or raise 400."""
    try:
        value = json.loads(body.decode("utf-8"),
                           parse_constant=reject_constant)
    except ValueError:
        raise bad_request("The request body is not valid UTF-8 JSON.")
    if not isinstance(value, dict):
        raise bad_request("The request body must be a JSON object.")
    return value


def require_string(request, field, max_length):
    value = request.get(field)
    if not isinstance(value, str) or not value:
        raise bad_request(f"The field {field} must be a non-empty string.")
    if len(value) > max_length:
        raise bad_request(
            f"The field {field} is longer than {max_length} characters.")
    return value


def require_format(request, field, pattern, description):
    value = require_string(request, field, 64)
    if not pattern.fullmatch(value):
        raise bad_request(f"The field {field} must be {description}.")
    return value


def parse_transfer(key, body):
    """Check the transfer request's shape and return it parsed.

    Raises 400 for a missing or malformed Idempotency-Key, malformed JSON
    and fields of the wrong type or format. Business rules come later.
    """
    if not key:
        raise bad_request("The Idempotency-Key header is missing.")
    if not UUID_RE.fullmatch(key):
        raise bad_request("The Idempotency-Key header must be a UUID in "
                          "lower-case hex.")
    request = parse_object(body)
    operation_id = require_format(request, "operation_id", UUID_RE,
                                  "a UUID in lower-case hex")
    if operation_id != key:
        raise bad_request(
            "The Idempotency-Key header must equal the operation_id field.")
    require_format(request, "agent_id", AGENT_ID_RE,
                   "1 to 32 letters, digits, '-' or '_'")
    require_format(request, "sender_account", ACCOUNT_RE, "6 to 20 digits")
    require_format(request, "receiver_account", ACCOUNT_RE, "6 to 20 digits")
    require_format(request, "currency", CURRENCY_RE,
                   "an ISO 4217 code such as GHS")
    created_at = require_format(request, "created_at", TIME_RE,
                                "an RFC 3339 UTC time such as "
                                "2026-12-04T15:00:00Z")
    try:
        datetime.strptime(created_at[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise bad_request("The field created_at is not a valid date and time.")
    amount = request.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise bad_request("The field amount must be an integer of minor "
                          "units.")
    return request


def check_transfer(conn, request):
    """Raise a 422 ApiError when a business rule rejects the transfer."""
    agent_id = request["agent_id"]
    if conn.execute("SELECT 1 FROM agents WHERE agent_id = ?",
                    (agent_id,)).fetchone() is None:
        raise rejection("unknown_agent",
                        f"The agent {agent_id} is not known.")
    amount = request["amount"]
    if not 1 <= amount <= AMOUNT_MAX:
        raise rejection("invalid_amount",
                        f"The amount must be 1 to {AMOUNT_MAX} minor units.")
    sender = request["sender_account"]
    receiver = request["receiver_account"]
    if sender == receiver:
        raise rejection("same_wallet",
                        "The sender and receiver wallets must differ.")

    wallets = {}
    for side, account in (("sender", sender), ("receiver", receiver)):
        row = conn.execute("SELECT currency, balance FROM wallets "
                           "WHERE account = ?", (account,)).fetchone()
        if row is None:
            raise rejection("wallet_not_found",
                            f"The {side} wallet {account} does not exist.")
        wallets[side] = row
    currency = request["currency"]
    for side in ("sender", "receiver"):
        if wallets[side][0] != currency:
            raise rejection("currency_mismatch",
                            f"The {side} wallet holds {wallets[side][0]}, "
                            f"not {currency}.")
    if wallets["sender"][1] < amount:
        raise rejection("insufficient_funds",
                        "The sender's balance is too low for this transfer.")


class Handler(http.server.BaseHTTPRequestHandler):
    """One keep-alive HTTPS connection from a terminal."""

    protocol_version = "HTTP/1.1"
    server_version = "spotbanc-sandbox/1"
    sys_version = ""
    timeout = IDLE_TIMEOUT

    # Path pattern, then the handler method's name for each HTTP method.
    routes = [
        (re.compile(r"/v1/health"), {"GET": "route_health"}),
        (re.compile(r"/v1/sessions"), {"POST": "route_login"}),
        (re.compile(r"/v1/wallets/([^/]*)"), {"GET": "route_wallet"}),
        (re.compile(r"/v1/transfers/wallet"), {"POST": "route_transfer"}),
    ]

    def setup(self):
        super().setup()
        self.terminal_id = peer_common_name(self.connection.getpeercert())
        self.log_note = ""

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def dispatch(self):
        self.log_note = ""
        self.server.request_started()
        try:
            self.send_json(*self.reply())
        finally:
            self.server.request_finished()

    def reply(self):
        """Return the status, body text and extra headers of the reply."""
        try:
            return self.handle_request()
        except ApiError as error:
            self.log_note = error.code
            return error.status, error.body(), error.headers
        except Exception:
            log("internal error:\n" + traceback.format_exc().rstrip())
            error = ApiError(500, "internal_error",
                             "The sandbox failed on this request.")
            self.log_note = error.code
            return error.status, error.body(), []

    def handle_request(self):
        """Read the body, route the request and return the reply."""
        body = self.read_body()
        if self.terminal_id is None:
            raise ApiError(403, "forbidden",
                           "The client certificate has no common name.")
        path = self.path.split("?", 1)[0]
        for pattern, methods in self.routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            name = methods.get(self.command)
            if name is None:
                allowed = ", ".join(methods)
                raise ApiError(405, "method_not_allowed",
                               f"Use {allowed} for {path}.",
                               [("Allow", allowed)])
            if self.command == "POST":
                self.check_content_type()
            status, reply, headers = getattr(self, name)(body, *match.groups())
            if not isinstance(reply, str):
                reply = canonical_json(reply)
            return status, reply, headers
        raise ApiError(404, "not_found", f"No resource is at {path}.")

    def route_health(self, body):
        return self.server.sandbox.health()

    def route_login(self, body):
        return self.server.sandbox.login(self.terminal_id, body)

    def route_wallet(self, body, account):
        return self.server.sandbox.wallet_lookup(
            self.terminal_id, self.headers.get("Authorization"), account)

    def route_transfer(self, body):
        status, reply, headers = self.server.sandbox.transfer(
            self.terminal_id, self.headers.get("Idempotency-Key"), body)
        if headers:
            self.log_note = "replayed"
        return status, reply, headers

    def read_body(self):
        """Read the whole request body, so the connection can be reused."""
        if self.headers.get("Transfer-Encoding") is not None:
            self.close_connection = True
            raise ApiError(411, "length_required",
                           "Send the body with a Content-Length header.")
        length_text = self.headers.get("Content-Length", "0")
        if not length_text.isascii() or not length_text.isdigit():
            self.close_connection = True
            raise bad_request("The Content-Length header is not a number.")
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            if length <= DISCARD_MAX_BYTES:
                self.discard_body(length)
            raise ApiError(413, "payload_too_large",
                           f"The request body is larger than "
                           f"{MAX_BODY_BYTES} bytes.")
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True
            raise bad_request("The request body ended early.")
        return body

    def discard_body(self, length):
        while length > 0:
            chunk = self.rfile.read(min(length, 16 * 1024))
            if not chunk:
                return
            length -= len(chunk)

    def check_content_type(self):
        media_type = self.headers.get("Content-Type", "").split(";")[0]
        if media_type.strip().lower() != "application/json":
            raise ApiError(415, "unsupported_media_type",
                           "Send the body as application/json.")

    def send_json(self, status, text, headers):
        data = text.encode("utf-8")
        if self.server.stopping:
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error(self, code, message=None, explain=None):
        """Send http.server's own errors (bad request line, unsupported
        method) in the contract's JSON error format."""
        self.close_connection = True
        self.log_note = "http_error"
        codes = {400: "bad_request", 414: "uri_too_long",
                 431: "headers_too_large", 501: "not_implemented",
                 505: "http_version_not_supported"}
        code_name = codes.get(code, "bad_request")
        error = ApiError(code, code_name,
                         f"The request was rejected: "
                         f"{message or 'malformed request'}.")
        self.send_json(code, error.body(), [])

    def log_request(self, code="-", size="-"):
        note = f" {self.log_note}" if self.log_note else ""
        path = getattr(self, "path", "").split("?", 1)[0]
        log(f"{self.terminal_id or '-'} {self.command} {path} {code}{note}")

    def log_message(self, format, *args):
        log(f"{self.terminal_id or '-'} " + (format % args))


def peer_common_name(cert):
    """Return the subject CN of a verified client certificate, or None."""
    for rdn in (cert or {}).get("subject", ()):
        for name, value in rdn:
            if name == "commonName" and 0 < len(value) <= 64:
                return value
    return None


class SandboxServer(http.server.ThreadingHTTPServer):
    """HTTPS server that does each TLS handshake on the request's thread,
    so a slow or rogue client never blocks the accept loop."""

    daemon_threads = True

    def __init__(self, port, tls, sandbox):
        self.tls = tls
        self.sandbox = sandbox
        self.active = 0
        self.stopping = False
        self.active_changed = threading.Condition()
        super().__init__(("127.0.0.1", port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would resolve the host name, which is not
        # needed for a server that only listens on the loopback address.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.socket.getsockname()[1]

    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            log(f"TLS handshake with port {client_address[1]} failed: "
                f"{error}")
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            conn.close()

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            log(f"connection from port {client_address[1]} failed: {error}")
        else:
            log("unexpected error:\n" + traceback.format_exc().rstrip())

    def request_started(self):
        with self.active_changed:
            self.active += 1

    def request_finished(self):
        with self.active_changed:
            self.active -= 1
            self.active_changed.notify_all()

    def wait_idle(self, seconds):
        """Wait until no request is being handled, at most seconds."""
        with self.active_changed:
            return self.active_changed.wait_for(lambda: self.active == 0,
                                                seconds)


def make_tls_context(certs):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(os.path.join(certs, "server.pem"),
                            os.path.join(certs, "server.key"))
    context.load_verify_locations(os.path.join(certs, "ca.pem"))
    context.verify_mode = ssl.CERT_REQUIRED
    return context


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
                        help="for tests: wait this long while holding a "
                             "transfer's Idempotency-Key, so that a "
                             "duplicate gets 409 (default 0)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0 to 65535")
    if args.token_ttl < 1:
        parser.error("--token-ttl must be at least 1 second")
    if not 0 <= args.transfer_delay <= 60:
        parser.error("--transfer-delay must be 0 to 60 seconds")
    return args


def main(argv):
    args = parse_args(argv)
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
    sandbox = Sandbox(store, args.token_ttl, args.transfer_delay)
    try:
        server = SandboxServer(args.port, tls, sandbox)
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
        f"{args.token_ttl} s")

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
