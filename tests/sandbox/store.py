"""The sandbox's SQLite database: schema, demo data and connections."""

import contextlib
import hashlib
import secrets
import sqlite3
import threading

from protocol import log

SQLITE_BUSY_TIMEOUT = 10  # seconds a connection waits for the write lock
# Prepared statements kept per connection. A batch runs about a dozen
# distinct statements, so the cache never evicts one it needs again.
SQLITE_CACHED_STATEMENTS = 256
PBKDF2_ITERATIONS = 100_000
SCHEMA_VERSION = 1

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
                                     -- without "type"
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


def hash_password(password, salt, iterations):
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt,
                               iterations)


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
            conn = sqlite3.connect(
                self.path, timeout=SQLITE_BUSY_TIMEOUT,
                isolation_level=None,
                cached_statements=SQLITE_CACHED_STATEMENTS)
            conn.execute("PRAGMA foreign_keys=ON")
            # One fsync per commit, and a batch commits once.
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
