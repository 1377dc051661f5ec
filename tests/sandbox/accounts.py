"""Accounts of the sandbox's ledger: customer wallets and system accounts
(agents' floats, fee income, bank and send money settlement), the money
movements between them and the ledger rows that record them."""

import customers
from protocol import (ACCOUNT_RE, AMOUNT_MAX, WALLET_KEY, float_account,
                      rejection, rfc3339)
from store import next_reference


def fees_account(currency):
    return f"fees:{currency}"


def bank_account(bank_code):
    return f"bank:{bank_code}"


def remit_account(country, currency):
    """Return the settlement account of send money to a country, kept in
    the send currency."""
    return f"remit:{country}:{currency}"


def is_wallet(account):
    return ACCOUNT_RE.fullmatch(account) is not None


def account_keys(account):
    """Return the batch dependency keys of a ledger account: a wallet's
    own key, none for a float, settlement or fee account."""
    if is_wallet(account):
        return [(WALLET_KEY, account)]
    return []


def balance_of(conn, account):
    """Return (currency, balance) of a wallet or system account, or None
    when it does not exist."""
    table = "wallets" if is_wallet(account) else "accounts"
    return conn.execute(f"SELECT currency, balance FROM {table} "
                        f"WHERE account = ?", (account,)).fetchone()


def open_system_account(conn, account, kind, currency):
    """Create a system account with a balance of 0 unless it exists."""
    conn.execute("INSERT OR IGNORE INTO accounts VALUES (?, ?, NULL, ?, 0)",
                 (account, kind, currency))


def agent_float(conn, agent_id, currency):
    """Return the account of the agent's float in currency, opening it
    with a balance of 0 when the agent has none in that currency."""
    account = float_account(agent_id, currency)
    conn.execute("INSERT OR IGNORE INTO accounts VALUES "
                 "(?, 'float', ?, ?, 0)", (account, agent_id, currency))
    return account


def add_to_balance(conn, account, delta):
    table = "wallets" if is_wallet(account) else "accounts"
    cursor = conn.execute(f"UPDATE {table} SET balance = balance + ? "
                          f"WHERE account = ?", (delta, account))
    if cursor.rowcount != 1:
        raise RuntimeError(f"the ledger account {account} does not exist")


def debit_of(amount, fee):
    """Return what the sender of a ledger row pays: the amount and a
    positive fee. A reversal's negative fee is a refund to its
    receiver."""
    return amount + max(fee, 0)


def credit_of(amount, fee):
    """Return what the receiver of a ledger row gets."""
    return amount - min(fee, 0)


def move(conn, sender, receiver, currency, amount, fee):
    """Move amount from sender to receiver and fee from sender to
    fees:CURRENCY (the other way for a negative fee), so that the sum of
    all balances stays the same."""
    add_to_balance(conn, sender, -debit_of(amount, fee))
    add_to_balance(conn, receiver, credit_of(amount, fee))
    if fee != 0:
        account = fees_account(currency)
        open_system_account(conn, account, "fees", currency)
        add_to_balance(conn, account, fee)


def apply_movement(conn, operation_type, terminal_id, request, sender,
                   receiver, fee, now, currency=None, amount=None):
    """Move the money and add the operation's ledger row, inside the
    caller's transaction, and return the reply of an accepted operation.

    currency and amount default to the request's fields of those names.
    """
    currency = currency or request["currency"]
    amount = amount or request["amount"]
    move(conn, sender, receiver, currency, amount, fee)
    seq = conn.execute(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger").fetchone()[0]
    reference = next_reference(conn)
    applied_at = rfc3339(now)
    conn.execute(
        "INSERT INTO ledger (seq, operation_id, reference, type, sender, "
        "receiver, currency, amount, terminal_id, agent_id, created_at, "
        "applied_at, fee) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, request["operation_id"], reference, operation_type, sender,
         receiver, currency, amount, terminal_id, request["agent_id"],
         request["created_at"], applied_at, fee))
    return {"operation_id": request["operation_id"],
            "status": "accepted", "reference": reference,
            "applied_at": applied_at}


def check_agent(conn, agent_id):
    if conn.execute("SELECT 1 FROM agents WHERE agent_id = ?",
                    (agent_id,)).fetchone() is None:
        raise rejection("unknown_agent",
                        f"The agent {agent_id} is not known.")


def check_amount(amount):
    if not 1 <= amount <= AMOUNT_MAX:
        raise rejection("invalid_amount",
                        f"The amount must be 1 to {AMOUNT_MAX} minor units.")


def wallet_currency(conn, account, side):
    """Return the currency of a wallet, or raise 422 wallet_not_found
    naming the side ("sender" or "receiver")."""
    row = conn.execute("SELECT currency FROM wallets WHERE account = ?",
                       (account,)).fetchone()
    if row is None:
        raise rejection("wallet_not_found",
                        f"The {side} wallet {account} does not exist.")
    return row[0]


def check_currency(actual, expected, what):
    if actual != expected:
        raise rejection("currency_mismatch",
                        f"The {what} holds {actual}, not {expected}.")


def check_funds(conn, account, needed):
    """Raise 422 insufficient_funds, or insufficient_float for a float,
    when the account's balance is below needed."""
    currency, balance = balance_of(conn, account)
    if balance >= needed:
        return
    # The float's account name is internal to the ledger, so the message,
    # which reaches the agent and the rejection notice, names its currency.
    if account.startswith("float:"):
        raise rejection("insufficient_float",
                        f"The agent's float in {currency} is too low for "
                        f"this operation.")
    raise rejection("insufficient_funds",
                    f"The balance of wallet {account} is too low for this "
                    f"operation.")


def transfer_account(conn, request, side, currency):
    """Return the account of one side of a transfer: SIDE_account, or the
    wallet in the transfer's currency of the customer SIDE_customer_id.

    Raises 422 customer_not_found or wallet_not_found when a customer
    named by id has no such wallet.
    """
    account = request.get(f"{side}_account")
    if account is not None:
        return account
    customer_id = request[f"{side}_customer_id"]
    if customers.find_customer(conn, customer_id) is None:
        raise rejection("customer_not_found",
                        f"The {side} customer {customer_id} is not "
                        f"registered.")
    account = customers.wallet_of(conn, customer_id, currency)
    if account is None:
        raise rejection("wallet_not_found",
                        f"The {side} customer {customer_id} has no "
                        f"{currency} wallet.")
    return account
