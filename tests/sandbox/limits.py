"""Limits that the sandbox enforces on money movements: a maximum amount
per operation by type and currency, and a daily cash-out total per
wallet. The default limits, or ones loaded from a JSON file at start."""

import json
from datetime import datetime, timezone

from fees import is_integer
from protocol import (AMOUNT_MAX, CURRENCY_RE, OPERATION_NAMES,
                      reject_constant, rejection)

LIMITS_FILE_MAX_BYTES = 65536
LIMITED_TYPES = ("wallet_transfer", "bank_transfer", "cash_in", "cash_out",
                 "send_money")
LIMITS_FIELDS = ("max_amount", "max_daily_cash_out")

# Amounts are in minor units, so GHS 10,000.00 is 1000000 pesewas. A
# type or currency missing from max_amount, such as cash-in and wallet
# transfer, has no maximum. The daily cash-out total sums the amounts,
# without fees, of a wallet's cash-outs applied on one UTC date.
DEFAULT_LIMITS = {
    "max_amount": {
        "cash_out": {"GHS": 1000000, "NGN": 100000000},
        "bank_transfer": {"GHS": 5000000, "NGN": 500000000},
        "send_money": {"GHS": 2000000, "NGN": 200000000},
    },
    "max_daily_cash_out": {"GHS": 2000000, "NGN": 200000000},
}


class LimitsError(Exception):
    """A limits file that cannot be used, with the reason."""


def check_amounts(where, amounts):
    """Raise LimitsError unless amounts maps ISO 4217 codes to amounts of
    1 to AMOUNT_MAX minor units."""
    if not isinstance(amounts, dict):
        raise LimitsError(f"{where} must be an object of amounts by "
                          f"currency")
    for currency, amount in amounts.items():
        if not CURRENCY_RE.fullmatch(currency):
            raise LimitsError(f"{where}: {currency!r} is not an ISO 4217 "
                              f"code such as GHS")
        if not is_integer(amount, 1, AMOUNT_MAX):
            raise LimitsError(f"{where}.{currency} must be an integer of "
                              f"minor units, 1 to {AMOUNT_MAX}")


def validate_limits(limits):
    """Raise LimitsError unless limits is an object with only the fields
    max_amount (amounts by currency for each of LIMITED_TYPES) and
    max_daily_cash_out (amounts by currency)."""
    if not isinstance(limits, dict):
        raise LimitsError("the limits must be a JSON object")
    for field in limits:
        if field not in LIMITS_FIELDS:
            raise LimitsError(f'unknown field "{field}"; the fields are '
                              f'{", ".join(LIMITS_FIELDS)}')
    per_type = limits.get("max_amount", {})
    if not isinstance(per_type, dict):
        raise LimitsError('the field "max_amount" must be an object')
    for operation_type, amounts in per_type.items():
        if operation_type not in LIMITED_TYPES:
            raise LimitsError(f"max_amount.{operation_type} is not a "
                              f"limited operation type; use one of "
                              f"{', '.join(LIMITED_TYPES)}")
        check_amounts(f"max_amount.{operation_type}", amounts)
    check_amounts("max_daily_cash_out", limits.get("max_daily_cash_out",
                                                   {}))


def load_limits(path):
    """Read a limits file and return the limits. Raises OSError when the
    file cannot be read, LimitsError when it is not valid."""
    with open(path, "rb") as stream:
        data = stream.read(LIMITS_FILE_MAX_BYTES + 1)
    if len(data) > LIMITS_FILE_MAX_BYTES:
        raise LimitsError(f"the file is larger than {LIMITS_FILE_MAX_BYTES} "
                          f"bytes")
    try:
        limits = json.loads(data.decode("utf-8"),
                            parse_constant=reject_constant)
    except (ValueError, RecursionError) as error:
        raise LimitsError(f"it is not valid UTF-8 JSON: {error}")
    validate_limits(limits)
    return limits


class Limits:
    """The limits in use, set once at start by sandbox.py."""

    limits = DEFAULT_LIMITS

    @classmethod
    def use(cls, limits):
        validate_limits(limits)
        cls.limits = limits


def money_text(currency, amount):
    """Return amount in minor units as text such as "GHS 5,000.00".

    NOTE: it assumes 2 decimal places, which holds for every currency
    that the sandbox moves (GHS, NGN).
    """
    return f"{currency} {amount // 100:,}.{amount % 100:02d}"


def check_max_amount(operation_type, currency, amount):
    """Raise 422 limit_exceeded when amount is above the operation type's
    maximum per operation in currency."""
    maximum = Limits.limits.get("max_amount", {}).get(
        operation_type, {}).get(currency)
    if maximum is not None and amount > maximum:
        raise rejection("limit_exceeded",
                        f"{OPERATION_NAMES[operation_type]} is limited to "
                        f"{money_text(currency, maximum)} per operation.")


def cash_out_total(conn, wallet, now):
    """Return the sum of the amounts of the wallet's cash-outs applied on
    the UTC date of now, leaving out the ones reversed since."""
    day = datetime.fromtimestamp(int(now), timezone.utc).strftime(
        "%Y-%m-%d")
    return conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM ledger "
        "WHERE type = 'cash_out' AND sender = ? "
        "AND substr(applied_at, 1, 10) = ? AND operation_id NOT IN "
        "(SELECT original_operation_id FROM reversals)",
        (wallet, day)).fetchone()[0]


def check_daily_cash_out(conn, wallet, currency, amount, now):
    """Raise 422 limit_exceeded when amount is above what is left of the
    wallet's daily cash-out limit in currency on the UTC date of now."""
    daily = Limits.limits.get("max_daily_cash_out", {}).get(currency)
    if daily is None:
        return
    left = max(daily - cash_out_total(conn, wallet, now), 0)
    if amount > left:
        raise rejection("limit_exceeded",
                        f"Wallet {wallet} has {money_text(currency, left)} "
                        f"of its {money_text(currency, daily)} daily "
                        f"cash-out limit left.")
