"""The fee schedule that the sandbox publishes at GET /v1/fees and
charges on every money movement: the default one, or one loaded from a
JSON file at start."""

import json

from protocol import compact_json, rejection, reject_constant

# The terminal caches the schedule in one journal value, as the policy.
FEES_MAX_BYTES = 16384
FEES_FILE_MAX_BYTES = 4 * FEES_MAX_BYTES
RATE_BP_MAX = 1000  # basis points: at most 10 % of the amount
FIXED_MAX = 10**12  # minor units, also for min and max
FREE = [{"up_to": None, "fixed": 0, "rate_bp": 0}]

# Amounts are in minor units: cash-out in GHS costs 0.50 up to GHS 100.00,
# then 1 % of the amount, at least 1.00 and at most 20.00.
DEFAULT_FEES = {
    "version": 1,
    "fees": {
        "wallet_transfer": {"GHS": FREE, "NGN": FREE},
        "cash_in": {"GHS": FREE, "NGN": FREE},
        "cash_out": {
            "GHS": [{"up_to": 10000, "fixed": 50, "rate_bp": 0},
                    {"up_to": None, "fixed": 0, "rate_bp": 100,
                     "min": 100, "max": 2000}]},
        "bank_transfer": {
            "GHS": [{"up_to": None, "fixed": 100, "rate_bp": 50,
                     "max": 1500}],
            "NGN": [{"up_to": 500000, "fixed": 1075, "rate_bp": 0},
                    {"up_to": None, "fixed": 2688, "rate_bp": 0}]},
        "send_money": {
            "GHS": [{"up_to": None, "fixed": 500, "rate_bp": 150}],
            "NGN": [{"up_to": None, "fixed": 50000, "rate_bp": 150,
                     "max": 500000}]},
    },
}


class FeesError(Exception):
    """A fee schedule that cannot be published, with the reason."""


def is_integer(value, low, high):
    return (not isinstance(value, bool) and isinstance(value, int)
            and low <= value <= high)


def check_bands(where, bands):
    """Raise FeesError unless bands is a non-empty list of bands with
    rising up_to bounds and null only on the last one."""
    if not isinstance(bands, list) or not bands:
        raise FeesError(f"{where} must be a non-empty array of bands")
    previous = 0
    for number, band in enumerate(bands):
        place = f"{where} band {number}"
        if not isinstance(band, dict):
            raise FeesError(f"{place} must be an object")
        last = number == len(bands) - 1
        up_to = band.get("up_to", "missing")
        if last and up_to is not None:
            raise FeesError(f"{place} is the last, so its up_to must be "
                            f"null")
        if not last and not is_integer(up_to, previous + 1, 10**15):
            raise FeesError(f"{place} needs an integer up_to above the "
                            f"band before it")
        previous = up_to if not last else previous
        if not is_integer(band.get("fixed"), 0, FIXED_MAX):
            raise FeesError(f"{place} needs fixed, 0 to {FIXED_MAX}")
        if not is_integer(band.get("rate_bp"), 0, RATE_BP_MAX):
            raise FeesError(f"{place} needs rate_bp, 0 to {RATE_BP_MAX}")
        for bound in ("min", "max"):
            if bound in band and not is_integer(band[bound], 0, FIXED_MAX):
                raise FeesError(f"{place}: {bound} must be 0 to "
                                f"{FIXED_MAX}")
        if band.get("min", 0) > band.get("max", FIXED_MAX):
            raise FeesError(f"{place}: min is above max")


def fees_text(schedule):
    """Return the schedule as the compact JSON text of the reply, or raise
    FeesError when it is not a valid schedule."""
    if not isinstance(schedule, dict):
        raise FeesError("the schedule must be a JSON object")
    if not is_integer(schedule.get("version"), 0, 2**53):
        raise FeesError('the field "version" must be an integer')
    operations = schedule.get("fees")
    if not isinstance(operations, dict):
        raise FeesError('the field "fees" must be an object')
    for operation_type, currencies in operations.items():
        if not isinstance(currencies, dict):
            raise FeesError(f"fees.{operation_type} must be an object")
        for currency, bands in currencies.items():
            check_bands(f"fees.{operation_type}.{currency}", bands)
    text = compact_json(schedule)
    if len(text.encode("utf-8")) > FEES_MAX_BYTES:
        raise FeesError(f"the schedule is larger than {FEES_MAX_BYTES} "
                        f"bytes as compact JSON")
    return text


def load_fees(path):
    """Read a fee schedule file and return the schedule. Raises OSError
    when the file cannot be read, FeesError when it is not valid."""
    with open(path, "rb") as stream:
        data = stream.read(FEES_FILE_MAX_BYTES + 1)
    if len(data) > FEES_FILE_MAX_BYTES:
        raise FeesError(f"the file is larger than {FEES_FILE_MAX_BYTES} "
                        f"bytes")
    try:
        schedule = json.loads(data.decode("utf-8"),
                              parse_constant=reject_constant)
    except (ValueError, RecursionError) as error:
        raise FeesError(f"it is not valid UTF-8 JSON: {error}")
    fees_text(schedule)
    return schedule


class FeeSchedule:
    """The schedule in use, set once at start by sandbox.py."""

    schedule = DEFAULT_FEES
    text = fees_text(DEFAULT_FEES)

    @classmethod
    def use(cls, schedule):
        cls.text = fees_text(schedule)
        cls.schedule = schedule


def fee_for(operation_type, currency, amount):
    """Return the fee in minor units of an operation of amount: from the
    first band whose up_to is at least amount, fixed plus rate_bp of the
    amount rounded half up, then raised to min and lowered to max. A
    type or currency missing from the schedule has fee 0."""
    bands = FeeSchedule.schedule["fees"].get(operation_type, {}).get(
        currency)
    if not bands:
        return 0
    band = next(band for band in bands
                if band["up_to"] is None or band["up_to"] >= amount)
    fee = band["fixed"] + (amount * band["rate_bp"] + 5000) // 10000
    fee = max(fee, band.get("min", 0))
    return min(fee, band.get("max", fee))


def check_fee(request, operation_type, currency=None, amount=None):
    """Return the service's fee for the request, or raise 422
    fee_mismatch when the request's fee differs. A request without a fee
    (an old terminal's wallet transfer) gets the service's fee."""
    currency = currency or request["currency"]
    amount = amount or request["amount"]
    fee = fee_for(operation_type, currency, amount)
    shown = request.get("fee", fee)
    if shown != fee:
        raise rejection("fee_mismatch",
                        f"The fee shown was {shown} but the fee for "
                        f"{amount} {currency} is {fee} minor units; fetch "
                        f"GET /v1/fees again.")
    return fee
