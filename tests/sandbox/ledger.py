"""Idempotent application of operations: the keys in progress, the
idempotency store, and wallet transfers."""

import threading

import accounts
import banks
import customers
import money
import quotes
from accounts import transfer_account
from fees import check_fee
from limits import check_max_amount
from protocol import ApiError, canonical_json, key_reused_error, rejection, \
    rfc3339

# Statuses of business answers that are final, so they are stored and
# replayed like an acceptance.
STORED_REJECTIONS = (412, 422)

APPLIED = "applied"
REJECTED = "rejected"
REPLAYED = "replayed"


class Outcome:
    """The reply decided for one operation.

    status and response are the stored reply: 201, 412 or 422 and the
    body of the operation's single endpoint. kind is APPLIED, REJECTED
    (a business rejection stored just now) or REPLAYED (a reply stored
    earlier).
    """

    __slots__ = ("status", "response", "kind")

    def __init__(self, status, response, kind):
        self.status = status
        self.response = response
        self.kind = kind


class KeysInProgress:
    """Idempotency keys that a request thread is working on.

    Only one thread works on a key at a time. The check inside the write
    transaction is what makes an operation apply at most once, even across
    processes. This set only lets a concurrent duplicate get 409 instead of
    waiting for the write lock.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = set()

    def reserve(self, keys):
        """Reserve the keys that no other thread has reserved and return
        them as a set. The caller must release them."""
        with self.lock:
            free = set(keys) - self.keys
            self.keys |= free
        return free

    def release(self, keys):
        with self.lock:
            self.keys -= keys


def decide(conn, terminal_id, operation_type, request, digest, now):
    """Replay, reject or apply one operation inside the caller's write
    transaction and return its Outcome.

    Raises 422 idempotency_key_reused as find_stored does. Any other
    exception leaves apply_new's savepoint for the caller's rollback.
    """
    outcome = find_stored(conn, terminal_id, request, digest)
    if outcome is None:
        outcome = apply_new(conn, terminal_id, operation_type, request,
                            digest, now)
    return outcome


def find_stored(conn, terminal_id, request, digest):
    """Return the REPLAYED Outcome stored under the operation's key, or
    None when the key is new.

    Raises 422 idempotency_key_reused, which is not stored, when the key
    belongs to another terminal or another request.
    """
    stored = conn.execute(
        "SELECT terminal_id, request_hash, status, response "
        "FROM idempotency WHERE idempotency_key = ?",
        (request["operation_id"],)).fetchone()
    if stored is None:
        return None
    if stored[0] != terminal_id or stored[1] != digest:
        raise key_reused_error()
    return Outcome(stored[2], stored[3], REPLAYED)


def apply_new(conn, terminal_id, operation_type, request, digest, now):
    """Apply or reject an operation whose key find_stored found new, and
    store its reply (201, or a 412 or 422 business rejection) under the
    key.

    The reply is stored with the operation's changes under a savepoint, so
    the operation is atomic on its own inside a batch. Any exception other
    than a 412 or 422 leaves the savepoint for the caller's rollback.
    """
    key = request["operation_id"]
    apply = APPLY_FUNCTIONS[operation_type]
    conn.execute("SAVEPOINT operation")
    try:
        reply = apply(conn, terminal_id, request, now)
        outcome = Outcome(201, canonical_json(reply), APPLIED)
    except ApiError as error:
        if error.status not in STORED_REJECTIONS:
            raise
        conn.execute("ROLLBACK TO operation")
        outcome = Outcome(error.status, error.body(), REJECTED)
    conn.execute(
        "INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
        (key, terminal_id, digest, outcome.status, outcome.response,
         rfc3339(now)))
    conn.execute("RELEASE operation")
    return outcome


def apply_transfer(conn, terminal_id, request, now):
    """Check the business rules and move the money, inside the caller's
    transaction. Raises a 422 ApiError on a business rejection."""
    sender, receiver, fee = check_transfer(conn, request)
    return accounts.apply_movement(conn, "wallet_transfer", terminal_id,
                                   request, sender, receiver, fee, now)


def check_transfer(conn, request):
    """Return the (sender, receiver, fee) of the transfer, or raise a 422
    ApiError when a business rule rejects it."""
    accounts.check_agent(conn, request["agent_id"])
    amount = request["amount"]
    accounts.check_amount(amount)
    currency = request["currency"]
    sender = transfer_account(conn, request, "sender", currency)
    receiver = transfer_account(conn, request, "receiver", currency)
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
    for side in ("sender", "receiver"):
        if wallets[side][0] != currency:
            raise rejection("currency_mismatch",
                            f"The {side} wallet holds {wallets[side][0]}, "
                            f"not {currency}.")
    fee = check_fee(request, "wallet_transfer")
    check_max_amount("wallet_transfer", currency, amount)
    if wallets["sender"][1] < amount + fee:
        raise rejection("insufficient_funds",
                        "The sender's balance is too low for this transfer.")
    return sender, receiver, fee


APPLY_FUNCTIONS = {
    "wallet_transfer": apply_transfer,
    "customer_registration": customers.apply_registration,
    "customer_update": customers.apply_update,
    "bank_transfer": banks.apply_bank_transfer,
    "cash_in": money.apply_cash_in,
    "cash_out": money.apply_cash_out,
    "send_money": quotes.apply_send_money,
    "reversal": money.apply_reversal,
}
