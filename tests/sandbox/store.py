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
SCHEMA_VERSION = 2

SEED_AGENTS = [
    ("A1001", "Ama Mensah", "counter-demo-1"),
    ("A1002", "Yaw Asante", "counter-demo-2"),
]
# Every wallet holder has a full profile, so any demo wallet can be
# looked up as a customer. The ids are fixed so that tests can name them.
SEED_CUSTOMERS = [
    {"customer_id": "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c01",
     "first_name": "Kofi", "last_name": "Boateng",
     "phone": "+233244000001", "date_of_birth": "1985-03-14",
     "id_type": "national_id", "id_number": "GHA-712345678-1",
     "address": "12 Ring Road, Accra", "email": "kofi@example.com"},
    {"customer_id": "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c02",
     "first_name": "Akosua", "last_name": "Darko",
     "phone": "+233244000002", "date_of_birth": "1992-11-02",
     "id_type": "passport", "id_number": "G1234567",
     "address": "4 Harper Road, Kumasi", "email": None},
    {"customer_id": "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c03",
     "first_name": "Chidi", "last_name": "Okafor",
     "phone": "+2348030000003", "date_of_birth": "1979-06-30",
     "id_type": "national_id", "id_number": "12345678901",
     "address": "7 Broad Street, Lagos", "email": None},
    {"customer_id": "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c04",
     "first_name": "Ngozi", "last_name": "Eze",
     "phone": "+2348030000004", "date_of_birth": "2000-01-20",
     "id_type": "voter_id", "id_number": "90F5B1234567",
     "address": "3 Ogui Road, Enugu", "email": "ngozi@example.com"},
]
SEED_WALLETS = [
    ("1000000001", 0, "GHS", 500000),
    ("1000000002", 1, "GHS", 25000),
    ("1000000003", 2, "NGN", 10000000),
    ("1000000004", 3, "NGN", 0),
]
PROFILE_FIELDS = ("first_name", "last_name", "phone", "date_of_birth",
                  "id_type", "id_number", "address", "email")

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
CREATE TABLE password_history (
    agent_id TEXT NOT NULL REFERENCES agents(agent_id),
    changed_at INTEGER NOT NULL,     -- Unix seconds of the change
    password_salt BLOB NOT NULL,     -- of the password replaced then
    password_hash BLOB NOT NULL,
    iterations INTEGER NOT NULL
);
CREATE TABLE customers (
    customer_id TEXT PRIMARY KEY,    -- UUID chosen by the terminal
    full_name TEXT NOT NULL,         -- first and last name, for lookups
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT NOT NULL UNIQUE,      -- E.164
    date_of_birth TEXT NOT NULL,     -- YYYY-MM-DD
    id_type TEXT NOT NULL,
    id_number TEXT NOT NULL,
    address TEXT NOT NULL,
    email TEXT,
    version INTEGER NOT NULL,
    terminal_id TEXT NOT NULL,       -- registered by, "seed" for demo data
    agent_id TEXT NOT NULL,
    created_at TEXT NOT NULL,        -- the terminal's time
    updated_at TEXT NOT NULL         -- the sandbox's time
);
CREATE TABLE wallets (
    account TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(customer_id),
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
CREATE TABLE customer_operations (
    seq INTEGER PRIMARY KEY,
    operation_id TEXT NOT NULL UNIQUE,
    reference TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,              -- customer_registration or
                                     -- customer_update
    customer_id TEXT NOT NULL,
    version INTEGER NOT NULL,        -- the profile version it produced
    changes TEXT NOT NULL,           -- canonical JSON of the fields set
    terminal_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    created_at TEXT NOT NULL,        -- the terminal's time
    applied_at TEXT NOT NULL
);
-- The last reference number issued. Transfers and customer operations
-- share it, so every reference is unique.
CREATE TABLE reference_sequence (
    last INTEGER NOT NULL
);
"""


def hash_password(password, salt, iterations):
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt,
                               iterations)


def insert_customer(conn, profile, terminal_id, agent_id, created_at,
                    updated_at):
    """Insert a customer at version 1. profile maps customer_id and the
    PROFILE_FIELDS to their values."""
    conn.execute(
        "INSERT INTO customers VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
        (profile["customer_id"],
         f"{profile['first_name']} {profile['last_name']}",
         *(profile.get(field) for field in PROFILE_FIELDS),
         terminal_id, agent_id, created_at, updated_at))


def next_reference(conn):
    """Issue the next reference, SBX- and at least six digits, inside the
    caller's transaction."""
    conn.execute("UPDATE reference_sequence SET last = last + 1")
    number = conn.execute("SELECT last FROM reference_sequence").fetchone()[0]
    return f"SBX-{number:06d}"


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
        for customer in SEED_CUSTOMERS:
            insert_customer(conn, customer, "seed", "seed",
                            "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
        for account, holder, currency, balance in SEED_WALLETS:
            conn.execute("INSERT INTO wallets VALUES (?, ?, ?, ?)",
                         (account, SEED_CUSTOMERS[holder]["customer_id"],
                          currency, balance))
        conn.execute("INSERT INTO reference_sequence VALUES (0)")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        log("created the database with demo data")
