"""Send money: the corridors at GET /v1/corridors, quotes with an expiry,
and the send money operation that uses a quote once."""

import re
import uuid

import accounts
from banks import funding_account
from fees import fee_for
from limits import check_max_amount
from protocol import (AMOUNT_MAX, CURRENCY_RE, ApiError, bad_request,
                      compact_json, parse_object, rejection,
                      require_format, rfc3339)
from store import write_transaction

DEFAULT_QUOTE_TTL = 120  # seconds
COUNTRY_RE = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2
CORRIDORS = [
    {"country": "NG", "name": "Nigeria", "currency": "NGN",
     "methods": ["bank_deposit", "mobile_wallet", "cash_pickup"]},
    {"country": "GH", "name": "Ghana", "currency": "GHS",
     "methods": ["bank_deposit", "mobile_wallet", "cash_pickup"]},
    {"country": "GB", "name": "United Kingdom", "currency": "GBP",
     "methods": ["bank_deposit"]},
    {"country": "KE", "name": "Kenya", "currency": "KES",
     "methods": ["mobile_wallet", "cash_pickup"]},
]
CORRIDORS_TEXT = compact_json({"version": 1, "corridors": CORRIDORS})
CORRIDORS_BY_COUNTRY = {corridor["country"]: corridor
                        for corridor in CORRIDORS}
# Receive units per send unit, in millionths, for each (send currency,
# receive currency). GHS and NGN are the currencies of agents' floats.
RATE_SCALE = 10**6
RATES = {
    ("GHS", "NGN"): 123456000,  # 1 GHS = 123.456 NGN
    ("GHS", "GBP"): 52000,      # 1 GHS = 0.052 GBP
    ("GHS", "KES"): 8250000,    # 1 GHS = 8.25 KES
    ("NGN", "GHS"): 8100,       # 1 NGN = 0.0081 GHS
    ("NGN", "GBP"): 420,        # 1 NGN = 0.00042 GBP
    ("NGN", "KES"): 66800,      # 1 NGN = 0.0668 KES
}
# Minor units per major unit is 100 for every currency above (ISO 4217
# exponent 2), so the rate applies to minor units unchanged.
# NOTE: a currency with another exponent would need a per-currency scale.


def rate_text(rate):
    return f"{rate // RATE_SCALE}.{rate % RATE_SCALE:06d}"


def amount_field(request, field):
    value = request[field]
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"The field {field} must be an integer of minor "
                          f"units.")
    return value


def parse_quote_request(body):
    """Check a quote request's shape and return it parsed."""
    request = parse_object(body)
    require_format(request, "destination_country", COUNTRY_RE,
                   "an ISO 3166 alpha-2 code such as NG")
    if not isinstance(request.get("delivery_method"), str):
        raise bad_request("The field delivery_method must be a string.")
    for field in ("send_currency", "receive_currency"):
        require_format(request, field, CURRENCY_RE,
                       "an ISO 4217 code such as GHS")
    given = [field for field in ("send_amount", "receive_amount")
             if field in request]
    if len(given) != 1:
        raise bad_request("Send exactly one of the fields send_amount and "
                          "receive_amount.")
    amount_field(request, given[0])
    return request


def quote_amounts(request, rate):
    """Return (send amount, receive amount) of a quote request: the
    receive amount rounded down from a send amount, or the send amount
    rounded up from a receive amount."""
    if "send_amount" in request:
        send = request["send_amount"]
        return send, send * rate // RATE_SCALE
    receive = request["receive_amount"]
    return -(-receive * RATE_SCALE // rate), receive


def create_quote(conn, terminal_id, agent_id, body, now, ttl):
    """Store a quote for the request and return the 201 reply. Raises 400
    for a malformed body, 422 unsupported_corridor or invalid_amount."""
    request = parse_quote_request(body)
    country = request["destination_country"]
    method = request["delivery_method"]
    send_currency = request["send_currency"]
    receive_currency = request["receive_currency"]
    corridor = CORRIDORS_BY_COUNTRY.get(country)
    rate = RATES.get((send_currency, receive_currency))
    if corridor is None or method not in corridor["methods"] or \
            corridor["currency"] != receive_currency or rate is None:
        raise rejection("unsupported_corridor",
                        f"The sandbox does not send {send_currency} to "
                        f"{receive_currency} in {country} by {method}; "
                        f"see GET /v1/corridors.")

    given = request.get("send_amount", request.get("receive_amount"))
    if not 1 <= given <= AMOUNT_MAX:
        raise rejection("invalid_amount",
                        f"The amount must be 1 to {AMOUNT_MAX} minor units.")
    send, receive = quote_amounts(request, rate)
    if not (1 <= send <= AMOUNT_MAX and 1 <= receive <= AMOUNT_MAX):
        raise rejection("invalid_amount",
                        "The amount is too small or too large to send at "
                        "this rate.")

    fee = fee_for("send_money", send_currency, send)
    quote_id = str(uuid.uuid4())
    expires_at = int(now) + ttl
    with write_transaction(conn):
        conn.execute(
            "INSERT INTO quotes VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (quote_id, terminal_id, agent_id, country, method,
             send_currency, receive_currency, send, receive,
             rate_text(rate), fee, int(now), expires_at))
    return {"quote_id": quote_id, "destination_country": country,
            "delivery_method": method, "send_currency": send_currency,
            "receive_currency": receive_currency, "send_amount": send,
            "receive_amount": receive, "rate": rate_text(rate), "fee": fee,
            "total": send + fee, "expires_at": rfc3339(expires_at),
            "expires_in": ttl}


def apply_send_money(conn, terminal_id, request, now):
    """Pay a quote's send amount and fee from the agent's float or a
    wallet to the corridor's settlement account, using the quote once.

    Rejections in order: unknown_agent, quote_not_found, quote_expired,
    quote_used, quote_mismatch, invalid_field (receiver_account missing
    for bank_deposit or mobile_wallet), wallet_not_found and
    currency_mismatch (wallet funding), limit_exceeded,
    insufficient_funds or insufficient_float.
    """
    accounts.check_agent(conn, request["agent_id"])
    quote_id = request["quote_id"]
    quote = conn.execute(
        "SELECT destination_country, delivery_method, send_currency, "
        "receive_currency, send_amount, receive_amount, fee, expires_at, "
        "used_by FROM quotes WHERE quote_id = ?", (quote_id,)).fetchone()
    if quote is None:
        raise rejection("quote_not_found", f"No quote has the id "
                        f"{quote_id}.")
    (country, method, send_currency, receive_currency, send, receive, fee,
     expires_at, used_by) = quote
    if expires_at <= now:
        raise rejection("quote_expired", "The quote has expired, so get a "
                        "fresh one and show it to the customer.")
    if used_by is not None:
        raise rejection("quote_used", "Another operation already used "
                        "this quote.")
    shown = (request["currency"], request["amount"], request["fee"],
             request["receive_currency"], request["receive_amount"])
    if shown != (send_currency, send, fee, receive_currency, receive):
        raise rejection("quote_mismatch",
                        f"The quote is {send} {send_currency} with fee "
                        f"{fee} for {receive} {receive_currency}, which "
                        f"differs from the operation.")
    if method != "cash_pickup" and "receiver_account" not in request:
        raise ApiError(422, "invalid_field",
                       f"The field receiver_account is needed for "
                       f"{method}.", error_fields={
                           "field": "receiver_account"})
    sender = funding_account(conn, request, send_currency)
    check_max_amount("send_money", send_currency, send)
    accounts.check_funds(conn, sender, send + fee)
    conn.execute("UPDATE quotes SET used_by = ? WHERE quote_id = ?",
                 (request["operation_id"], quote_id))
    receiver = accounts.remit_account(country, send_currency)
    accounts.open_system_account(conn, receiver, "remit", send_currency)
    return accounts.apply_movement(conn, "send_money", terminal_id, request,
                                   sender, receiver, fee, now)
