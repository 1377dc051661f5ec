"""Mobile money at the counter: cash-in, cash-out codes and cash-out,
reversals, and the session lookups of balances, mini-statements and
agents' floats."""

import hmac
import secrets

import accounts
import banks
import quotes
from fees import check_fee
from limits import check_daily_cash_out, check_max_amount
from protocol import (ACCOUNT_RE, CURRENCY_RE, OPERATION_NAMES,
                      ApiError, bad_request, log, parse_object, rejection,
                      require_format, rfc3339)
from store import write_transaction

CODE_DIGITS = 6
DEFAULT_CODE_TTL = 600  # seconds a cash-out code stays valid
STATEMENT_MOVEMENTS = 10
# Country calling codes of 1 and 2 digits (ITU-T E.164); all others
# have 3 digits.
ONE_DIGIT_CODES = ("1", "7")
TWO_DIGIT_CODES = ("20", "27", "30", "31", "32", "33", "34", "36", "39",
                   "40", "41", "43", "44", "45", "46", "47", "48", "49",
                   "51", "52", "53", "54", "55", "56", "57", "58", "60",
                   "61", "62", "63", "64", "65", "66", "81", "82", "84",
                   "86", "90", "91", "92", "93", "94", "95", "98")


def apply_cash_in(conn, terminal_id, request, now):
    """Move cash paid in at the counter from the agent's float to a
    wallet. Rejections in order: unknown_agent, invalid_amount,
    customer_not_found or wallet_not_found, currency_mismatch,
    fee_mismatch, limit_exceeded, insufficient_float."""
    accounts.check_agent(conn, request["agent_id"])
    accounts.check_amount(request["amount"])
    currency = request["currency"]
    receiver = accounts.transfer_account(conn, request, "receiver",
                                         currency)
    accounts.check_currency(
        accounts.wallet_currency(conn, receiver, "receiver"), currency,
        f"receiver wallet {receiver}")
    fee = check_fee(request, "cash_in")
    check_max_amount("cash_in", currency, request["amount"])
    sender = accounts.agent_float(conn, request["agent_id"], currency)
    accounts.check_funds(conn, sender, request["amount"] + fee)
    return accounts.apply_movement(conn, "cash_in", terminal_id, request,
                                   sender, receiver, fee, now)


def mask_phone(phone):
    """Return an E.164 phone number with every digit but the country code
    and the last 2 replaced by '*'."""
    digits = phone[1:]
    if digits[:1] in ONE_DIGIT_CODES:
        kept = 1
    elif digits[:2] in TWO_DIGIT_CODES:
        kept = 2
    else:
        kept = 3
    hidden = len(digits) - kept - 2
    return "+" + digits[:kept] + "*" * hidden + digits[-2:]


def create_cash_out_code(conn, body, now, ttl):
    """Send a new cash-out code for a wallet and amount to the holder's
    phone, replacing the wallet's unused code, and return the reply. The
    code expires after ttl seconds.

    The sandbox's SMS is a line in its log. Raises 400 for a malformed
    body, 404 wallet_not_found, 422 currency_mismatch or invalid_amount.
    """
    request = parse_object(body)
    account = require_format(request, "wallet_account", ACCOUNT_RE,
                             "6 to 20 digits")
    currency = require_format(request, "currency", CURRENCY_RE,
                              "an ISO 4217 code such as GHS")
    amount = request.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise bad_request("The field amount must be an integer of minor "
                          "units.")
    code = "".join(str(secrets.randbelow(10)) for _ in range(CODE_DIGITS))
    with write_transaction(conn):
        row = conn.execute(
            "SELECT w.currency, c.phone FROM wallets w JOIN customers c "
            "USING (customer_id) WHERE w.account = ?", (account,)).fetchone()
        if row is None:
            raise ApiError(404, "wallet_not_found",
                           f"No wallet has the account number {account}.")
        accounts.check_currency(row[0], currency, f"wallet {account}")
        accounts.check_amount(amount)
        conn.execute("DELETE FROM cash_out_codes WHERE wallet_account = ? "
                     "AND used_by IS NULL", (account,))
        conn.execute("INSERT INTO cash_out_codes VALUES "
                     "(?, ?, ?, ?, ?, NULL)",
                     (account, amount, code, int(now), int(now) + ttl))
    # The simulated SMS: the only place where the sandbox shows a code.
    log(f"SMS to {row[1]}: cash-out code {code}")
    return {"wallet_account": account,
            "expires_at": rfc3339(int(now) + ttl),
            "expires_in": ttl, "sent_to": mask_phone(row[1])}


def use_cash_out_code(conn, request, now):
    """Mark the wallet's unused code for the amount used by the request,
    or raise 422 invalid_code or code_expired."""
    rows = conn.execute(
        "SELECT rowid, code, expires_at FROM cash_out_codes "
        "WHERE wallet_account = ? AND amount = ? AND used_by IS NULL",
        (request["sender_account"], request["amount"])).fetchall()
    for rowid, code, expires_at in rows:
        if not hmac.compare_digest(code.encode(),
                                   request["code"].encode("utf-8")):
            continue
        if expires_at <= now:
            raise rejection("code_expired",
                            "The cash-out code has expired, so ask the "
                            "customer to request a new one.")
        conn.execute("UPDATE cash_out_codes SET used_by = ? "
                     "WHERE rowid = ?", (request["operation_id"], rowid))
        return
    raise rejection("invalid_code",
                    "The cash-out code is not valid for this wallet and "
                    "amount.")


def apply_cash_out(conn, terminal_id, request, now):
    """Pay a wallet's money out in cash: the wallet pays amount and fee,
    the agent's float gets amount. Rejections in order: unknown_agent,
    invalid_amount, wallet_not_found, currency_mismatch, invalid_code,
    code_expired, fee_mismatch, limit_exceeded (per operation, then
    daily), insufficient_funds."""
    accounts.check_agent(conn, request["agent_id"])
    accounts.check_amount(request["amount"])
    sender = request["sender_account"]
    currency = request["currency"]
    accounts.check_currency(
        accounts.wallet_currency(conn, sender, "sender"), currency,
        f"sender wallet {sender}")
    use_cash_out_code(conn, request, now)
    fee = check_fee(request, "cash_out")
    check_max_amount("cash_out", currency, request["amount"])
    check_daily_cash_out(conn, sender, currency, request["amount"], now)
    accounts.check_funds(conn, sender, request["amount"] + fee)
    receiver = accounts.agent_float(conn, request["agent_id"], currency)
    return accounts.apply_movement(conn, "cash_out", terminal_id, request,
                                   sender, receiver, fee, now)


def apply_reversal(conn, terminal_id, request, now):
    """Undo an applied money operation once: its amount goes from its
    receiver back to its sender, and its fee from fees:CURRENCY back to
    the sender. Rejections in order: unknown_agent, invalid_amount,
    original_not_found, not_reversible, already_reversed,
    reversal_mismatch, insufficient_funds."""
    accounts.check_agent(conn, request["agent_id"])
    accounts.check_amount(request["amount"])

    original_id = request["original_operation_id"]
    original = conn.execute(
        "SELECT type, sender, receiver, currency, amount, fee "
        "FROM ledger WHERE operation_id = ?", (original_id,)).fetchone()
    if original is None:
        customer_operation = conn.execute(
            "SELECT 1 FROM customer_operations WHERE operation_id = ?",
            (original_id,)).fetchone()
        if customer_operation is not None:
            raise rejection("not_reversible", "A customer operation moves "
                            "no money, so it cannot be reversed.")
        raise rejection("original_not_found",
                        f"No applied money operation has the id "
                        f"{original_id}.")

    kind, sender, receiver, currency, amount, fee = original
    if kind == "reversal":
        raise rejection("not_reversible",
                        "A reversal cannot itself be reversed.")
    done = conn.execute("SELECT l.reference FROM reversals r JOIN ledger l "
                        "USING (operation_id) "
                        "WHERE r.original_operation_id = ?",
                        (original_id,)).fetchone()
    if done is not None:
        raise rejection("already_reversed",
                        f"The operation was already reversed by "
                        f"{done[0]}.")
    if (request["currency"], request["amount"]) != (currency, amount):
        raise rejection("reversal_mismatch",
                        f"The original operation moved {amount} "
                        f"{currency}, not {request['amount']} "
                        f"{request['currency']}.")
    if accounts.is_wallet(receiver) or receiver.startswith("float:"):
        if accounts.balance_of(conn, receiver)[1] < amount:
            raise rejection("insufficient_funds",
                            f"The account {receiver} no longer holds the "
                            f"amount to reverse.")

    reply = accounts.apply_movement(conn, "reversal", terminal_id, request,
                                    receiver, sender, -fee, now)
    conn.execute("INSERT INTO reversals VALUES (?, ?, ?)",
                 (request["operation_id"], original_id, request["reason"]))
    return reply


def wallet_balance(conn, account, now):
    """Return a wallet's balance reply, or raise 400 or 404
    wallet_not_found."""
    row = find_wallet(conn, account)
    return {"account": account, "holder_name": row[0], "currency": row[1],
            "balance": row[2], "as_of": rfc3339(now)}


def find_wallet(conn, account):
    if not ACCOUNT_RE.fullmatch(account):
        raise bad_request("A wallet account number is 6 to 20 digits.")
    row = conn.execute(
        "SELECT c.full_name, w.currency, w.balance FROM wallets w "
        "JOIN customers c USING (customer_id) WHERE w.account = ?",
        (account,)).fetchone()
    if row is None:
        raise ApiError(404, "wallet_not_found",
                       f"No wallet has the account number {account}.")
    return row


def statement(conn, account, now):
    """Return a wallet's balance and its last STATEMENT_MOVEMENTS
    movements, newest first, with signed amounts (a debit includes its
    fee)."""
    _, currency, balance = find_wallet(conn, account)
    rows = conn.execute(
        "SELECT reference, type, sender, receiver, amount, fee, "
        "applied_at, operation_id FROM ledger "
        "WHERE sender = ? OR receiver = ? ORDER BY seq DESC LIMIT ?",
        (account, account, STATEMENT_MOVEMENTS)).fetchall()
    movements = []
    for reference, kind, sender, receiver, amount, fee, at, op_id in rows:
        if sender == account:
            signed = -accounts.debit_of(amount, fee)
            text = describe(conn, kind, f"to {receiver}", receiver, op_id)
        else:
            signed = accounts.credit_of(amount, fee)
            text = describe(conn, kind, f"from {sender}", sender, op_id)
        movements.append({"reference": reference, "type": kind,
                          "amount": signed, "at": at,
                          "description": text[:64]})
    return {"account": account, "currency": currency, "balance": balance,
            "as_of": rfc3339(now), "movements": movements}


def describe(conn, kind, direction, other, operation_id):
    """Return a movement's description for a statement. other is the
    account on the other side of the ledger row, and direction is "to
    OTHER" or "from OTHER"."""
    text = OPERATION_NAMES.get(kind, kind)
    if kind == "wallet_transfer":
        return f"{text} {direction}"
    if kind == "bank_transfer":
        bank = banks.BANKS_BY_CODE.get(other.split(":", 1)[1])
        return f"{text} to {bank['name']}" if bank else text
    if kind == "send_money":
        corridor = quotes.CORRIDORS_BY_COUNTRY.get(other.split(":")[1])
        return f"{text} to {corridor['name']}" if corridor else text
    if kind == "reversal":
        row = conn.execute(
            "SELECT l.reference FROM reversals r JOIN ledger l "
            "ON l.operation_id = r.original_operation_id "
            "WHERE r.operation_id = ?", (operation_id,)).fetchone()
        return f"{text} of {row[0]}" if row else text
    return text


def agent_floats(conn, agent_id, now):
    """Return the reply listing an agent's floats, by currency."""
    rows = conn.execute("SELECT currency, balance FROM accounts "
                        "WHERE kind = 'float' AND agent_id = ? "
                        "ORDER BY currency", (agent_id,)).fetchall()
    return {"agent_id": agent_id, "as_of": rfc3339(now),
            "floats": [{"currency": currency, "balance": balance}
                       for currency, balance in rows]}

