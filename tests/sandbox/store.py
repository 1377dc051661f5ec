"""The sandbox's SQLite database: schema, demo data and connections."""

import contextlib
import hashlib
import secrets
import sqlite3
import threading

import cards
from protocol import log

SQLITE_BUSY_TIMEOUT = 10  # seconds a connection waits for the write lock
# Prepared statements kept per connection. A batch runs about a dozen
# distinct statements, so the cache never evicts one it needs again.
SQLITE_CACHED_STATEMENTS = 256
PBKDF2_ITERATIONS = 100_000
SCHEMA_VERSION = 3

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
# Every agent's float in each currency, minor units: GHS 10,000.00 and
# NGN 500,000.00.
SEED_FLOATS = [("GHS", 1000000), ("NGN", 50000000)]
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
-- Every money movement between two accounts: a wallet's account number,
-- or a system account of the accounts table. The sender pays amount plus
-- fee, the receiver gets amount and fees:CURRENCY gets fee. A reversal
-- records the fee it refunds as a negative fee.
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
    applied_at TEXT NOT NULL,
    fee INTEGER NOT NULL DEFAULT 0   -- minor units of currency
);
-- System accounts: agents' floats (float:A1001:GHS), fee income
-- (fees:GHS), bank settlement (bank:058) and send money settlement
-- (remit:NG:GHS). Only a float must stay at 0 or above.
CREATE TABLE accounts (
    account TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- float, fees, bank or remit
    agent_id TEXT REFERENCES agents(agent_id),  -- floats only
    currency TEXT NOT NULL,
    balance INTEGER NOT NULL,        -- minor units
    CHECK (kind != 'float' OR balance >= 0)
);
-- Accounts at the banks of GET /v1/banks that the name enquiry knows.
CREATE TABLE bank_accounts (
    bank_code TEXT NOT NULL,
    account TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    PRIMARY KEY (bank_code, account)
);
-- Cash-out codes sent to wallet holders. At most one unused code per
-- wallet: a new request deletes the unused one.
CREATE TABLE cash_out_codes (
    wallet_account TEXT NOT NULL REFERENCES wallets(account),
    amount INTEGER NOT NULL,
    code TEXT NOT NULL,              -- 6 digits
    created_at INTEGER NOT NULL,     -- Unix seconds
    expires_at INTEGER NOT NULL,     -- Unix seconds
    used_by TEXT                     -- the cash-out's operation_id
);
CREATE TABLE quotes (
    quote_id TEXT PRIMARY KEY,       -- UUID
    terminal_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    destination_country TEXT NOT NULL,
    delivery_method TEXT NOT NULL,
    send_currency TEXT NOT NULL,
    receive_currency TEXT NOT NULL,
    send_amount INTEGER NOT NULL,
    receive_amount INTEGER NOT NULL,
    rate TEXT NOT NULL,              -- as the reply has it
    fee INTEGER NOT NULL,
    created_at INTEGER NOT NULL,     -- Unix seconds
    expires_at INTEGER NOT NULL,     -- Unix seconds
    used_by TEXT UNIQUE              -- the send money's operation_id
);
-- One row per applied reversal. original_operation_id is UNIQUE, so an
-- operation is reversed at most once.
CREATE TABLE reversals (
    operation_id TEXT PRIMARY KEY REFERENCES ledger(operation_id),
    original_operation_id TEXT NOT NULL UNIQUE
        REFERENCES ledger(operation_id),
    reason TEXT NOT NULL
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


def seed_money(conn):
    """Insert the floats, the system accounts and the bank accounts of
    the demo data. Imported here, because those modules import this
    one."""
    import accounts
    import banks
    for agent_id, _, _ in SEED_AGENTS:
        for currency, balance in SEED_FLOATS:
            conn.execute("INSERT INTO accounts VALUES (?, 'float', ?, ?, ?)",
                         (accounts.float_account(agent_id, currency),
                          agent_id, currency, balance))
    for currency, _ in SEED_FLOATS:
        conn.execute("INSERT INTO accounts VALUES (?, 'fees', NULL, ?, 0)",
                     (accounts.fees_account(currency), currency))
    for bank in banks.BANKS:
        conn.execute("INSERT INTO accounts VALUES (?, 'bank', NULL, ?, 0)",
                     (accounts.bank_account(bank["code"]), bank["currency"]))
    for bank_code, account, holder in banks.seed_bank_accounts():
        conn.execute("INSERT INTO bank_accounts VALUES (?, ?, ?)",
                     (bank_code, account, holder))


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
            elif version < SCHEMA_VERSION:
                raise RuntimeError(
                    f"{path} has schema version {version}, from an older "
                    f"sandbox without floats, fees and system accounts, "
                    f"but this one needs version {SCHEMA_VERSION}; delete "
                    f"the file to start afresh")
            elif version != SCHEMA_VERSION:
                raise RuntimeError(
                    f"{path} has schema version {version}, expected "
                    f"{SCHEMA_VERSION}; delete the file to start afresh")
            cards.ensure(conn)

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
        seed_money(conn)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        log("created the database with demo data")
