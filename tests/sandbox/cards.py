"""Payment cards linked to wallets: the card table, its demo data, the
lookup of a wallet by card number, and the masking of card numbers in the
sandbox's log lines."""

import hashlib
import re

from protocol import ApiError, bad_request, parse_object

# Card numbers (PANs) are 12 to 19 digits (ISO/IEC 7812-1).
PAN_RE = re.compile(r"[0-9]{12,19}")
# A run of digits in a log line that may be a PAN.
PAN_IN_TEXT_RE = re.compile(r"(?<![0-9])[0-9]{12,19}(?![0-9])")

# Demo cards and the wallet each is linked to. 5555555555554444 is a
# valid test PAN that is linked to no wallet.
SEED_CARDS = [
    ("4761739001010010", "1000000001"),
    ("4111111111111111", "1000000001"),
    ("5413330089010434", "1000000002"),
]

# Created in new databases and added to older ones of the same schema
# version, since no other table refers to it.
CARDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    pan_hash TEXT PRIMARY KEY,       -- SHA-256 of the PAN, hex
    pan_first6 TEXT NOT NULL,
    pan_last4 TEXT NOT NULL,
    account TEXT NOT NULL REFERENCES wallets(account)
)
"""


def luhn_ok(pan):
    """Whether the digits of pan pass the Luhn check (ISO/IEC 7812-1)."""
    total = 0
    for position, digit in enumerate(reversed(pan)):
        value = int(digit)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_pan(pan):
    """Return pan with all but its first six and last four digits as
    '*'."""
    return pan[:6] + "*" * (len(pan) - 10) + pan[-4:]


def mask_text(text):
    """Mask every run of 12 to 19 digits that passes the Luhn check, so
    that no full PAN reaches a log line."""
    def replace(match):
        digits = match.group(0)
        return mask_pan(digits) if luhn_ok(digits) else digits
    return PAN_IN_TEXT_RE.sub(replace, text)


def hash_pan(pan):
    """Return the table key of a PAN.

    NOTE: an unsalted SHA-256 of a PAN can be reversed by trying every PAN
    of an issuer's range, so a real service keys it (HMAC) or uses a
    token vault.
    """
    return hashlib.sha256(pan.encode("ascii")).hexdigest()


def ensure(conn):
    """Create the card table when missing and add the demo cards."""
    conn.execute(CARDS_SCHEMA)
    for pan, account in SEED_CARDS:
        conn.execute("INSERT OR IGNORE INTO cards VALUES (?, ?, ?, ?)",
                     (hash_pan(pan), pan[:6], pan[-4:], account))


def read_pan(body):
    """Return the PAN of a lookup request body, or raise 400."""
    request = parse_object(body)
    pan = request.get("pan")
    if not isinstance(pan, str):
        raise bad_request("The field pan is required as a string of "
                          "digits.")
    if not PAN_RE.fullmatch(pan):
        raise bad_request("A card number is 12 to 19 digits.")
    if not luhn_ok(pan):
        raise bad_request("The card number fails the Luhn check.")
    return pan


def lookup(conn, body):
    """Return the wallet linked to the card in body. Raises 400 for a
    malformed card number and 404 card_not_found for an unlinked card;
    no message carries more than the last four digits."""
    pan = read_pan(body)
    row = conn.execute(
        "SELECT w.account, c.full_name, w.currency, c.customer_id, "
        "k.pan_last4 FROM cards k JOIN wallets w USING (account) "
        "JOIN customers c USING (customer_id) WHERE k.pan_hash = ?",
        (hash_pan(pan),)).fetchone()
    if row is None:
        raise ApiError(404, "card_not_found",
                       f"No wallet is linked to the card ending "
                       f"{pan[-4:]}.")
    return {"account": row[0], "holder_name": row[1], "currency": row[2],
            "customer_id": row[3], "pan_last4": row[4]}
