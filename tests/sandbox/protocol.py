"""Wire formats of the sandbox: limits, JSON helpers, error replies and the
checks that turn a request body into a validated operation."""

import hashlib
import json
import re
import sys
import threading
import time
from datetime import datetime, timezone

MAX_BODY_BYTES = 64 * 1024
BATCH_MAX_BODY_BYTES = 2 * 1024 * 1024
BATCH_MAX_OPERATIONS = 1000
# An oversized body up to this size is read and dropped before the 413
# reply. Closing with unread data makes TCP reset the connection, and the
# client would lose the reply.
DISCARD_MAX_BYTES = 4 * 1024 * 1024
AMOUNT_MAX = 10**15  # minor units
RETRY_AFTER_IN_PROGRESS = 1  # seconds, sent with 409 request_in_progress

TRANSFER_PATH = "/v1/transfers/wallet"
BATCH_PATH = "/v1/operations/batch"
FAULTS_PATH = "/v1/sandbox/faults"
CUSTOMERS_PATH = "/v1/customers"
PASSWORD_PATH = "/v1/sessions/password"
BANK_TRANSFER_PATH = "/v1/transfers/bank"
CASH_IN_PATH = "/v1/cash-in"
CASH_OUT_PATH = "/v1/cash-out"
CASH_OUT_CODES_PATH = "/v1/cash-out/codes"
SEND_MONEY_PATH = "/v1/transfers/send-money"
QUOTES_PATH = "/v1/quotes"
REVERSALS_PATH = "/v1/reversals"
CARDS_LOOKUP_PATH = "/v1/cards/lookup"
OPERATION_TYPES = ("wallet_transfer", "customer_registration",
                   "customer_update", "bank_transfer", "cash_in",
                   "cash_out", "send_money", "reversal")
FUNDING_SOURCES = ("cash", "wallet")
# The names of the money operation types in messages and statements.
OPERATION_NAMES = {
    "wallet_transfer": "Wallet transfer",
    "bank_transfer": "Bank transfer",
    "cash_in": "Cash-in",
    "cash_out": "Cash-out",
    "send_money": "Send money",
    "reversal": "Reversal",
}

# Dependency keys of batch items (see BatchItem): a wallet's account, an
# operation (which its reversal depends on), a customer's registration and
# a customer's profile. An agent's float is no key (see dependency_keys).
WALLET_KEY = "wallet"
OPERATION_KEY = "operation"
CUSTOMER_KEY = "customer"
PROFILE_KEY = "profile"

ACCOUNT_RE = re.compile(r"[0-9]{6,20}")
# Lower case only, so that one operation cannot have two spellings of its
# key in the idempotency store and the ledger.
UUID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
AGENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
BANK_CODE_RE = re.compile(r"[A-Z0-9]{1,16}")
# A bank account number or IBAN as the agent typed it, without spaces.
BANK_ACCOUNT_RE = re.compile(r"[A-Za-z0-9]{1,34}")
PHONE_RE = re.compile(r"\+[1-9][0-9]{7,14}")
NAME_MAX_LENGTH = 128  # of an account holder or receiver name
REASON_MAX_LENGTH = 200
TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                     r"(\.[0-9]{1,9})?Z")

_log_lock = threading.Lock()


def log(text):
    """Write one line to stderr with a UTC time stamp."""
    with _log_lock:
        sys.stderr.write(f"{rfc3339(time.time())} sandbox: {text}\n")
        sys.stderr.flush()


def rfc3339(unix_seconds):
    """Format Unix seconds as RFC 3339 UTC, e.g. 2026-12-04T15:00:00Z."""
    moment = datetime.fromtimestamp(int(unix_seconds), timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_json(value):
    """Serialise value so that key order and whitespace do not matter."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def compact_json(value):
    """Serialise value without whitespace, keeping its key order."""
    return json.dumps(value, separators=(",", ":"))


def request_digest(request):
    """Return the SHA-256 hex digest that identifies an operation request.

    "type" is left out, so an operation sent alone (where the field is
    not needed) and the same operation in a batch have one digest.
    """
    fields = {name: value for name, value in request.items()
              if name != "type"}
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


class ApiError(Exception):
    """An error reply: HTTP status, snake_case code and a sentence.

    extra holds fields that the reply body carries beside "error", such as
    "current" with 412 version_conflict. error_fields holds fields of the
    "error" object beside code and message, such as "field" with 422
    invalid_field.
    """

    def __init__(self, status, code, message, headers=(), extra=None,
                 error_fields=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = list(headers)
        self.extra = dict(extra or {})
        self.error_fields = dict(error_fields or {})

    def error_object(self):
        return dict(self.error_fields, code=self.code, message=self.message)

    def body(self):
        return canonical_json(dict(self.extra, error=self.error_object()))


def bad_request(message):
    return ApiError(400, "bad_request", message)


def rejection(code, message):
    """Return a business rejection, which the idempotency store keeps."""
    return ApiError(422, code, message)


def in_progress_error():
    return ApiError(409, "request_in_progress",
                    "A request with this Idempotency-Key is still being "
                    "processed, so try again shortly.",
                    [("Retry-After", str(RETRY_AFTER_IN_PROGRESS))])


def float_account(agent_id, currency):
    """Return the account name of an agent's float in a currency."""
    return f"float:{agent_id}:{currency}"


def dependency_error(index, key):
    """Return the error of a batch item held back by the earlier item at
    index, which was not accepted and has the dependency key."""
    kind, value = key
    if kind == WALLET_KEY:
        subject = f"on wallet {value}"
    elif kind == OPERATION_KEY:
        subject = f"with or reversing operation {value}"
    elif kind == CUSTOMER_KEY:
        subject = f"registering customer {value}"
    else:
        subject = f"updating the profile of customer {value}"
    return ApiError(424, "dependency_failed",
                    f"The operation was not applied because an earlier "
                    f"operation {subject} (batch item {index}) was not "
                    f"accepted.")


def key_reused_error():
    return rejection("idempotency_key_reused",
                     "This Idempotency-Key was already used for a "
                     "different request.")


def invalid_token(message):
    return ApiError(401, "invalid_token", message,
                    [("WWW-Authenticate", 'Bearer error="invalid_token"')])


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_object(body):
    """Parse a UTF-8 JSON object, or raise 400."""
    try:
        value = json.loads(body.decode("utf-8"),
                           parse_constant=reject_constant)
    except (ValueError, RecursionError):
        raise bad_request("The request body is not valid UTF-8 JSON.")
    if not isinstance(value, dict):
        raise bad_request("The request body must be a JSON object.")
    return value


def require_string(request, field, max_length):
    value = request.get(field)
    if not isinstance(value, str) or not value:
        raise bad_request(f"The field {field} must be a non-empty string.")
    if len(value) > max_length:
        raise bad_request(
            f"The field {field} is longer than {max_length} characters.")
    return value


def require_format(request, field, pattern, description):
    value = require_string(request, field, 64)
    if not pattern.fullmatch(value):
        raise bad_request(f"The field {field} must be {description}.")
    return value


def parse_operation(key, body, check_fields):
    """Check a single journaled operation's Idempotency-Key and
    operation_id, run check_fields on the parsed body and return it.

    Raises 400 for a missing or malformed key, malformed JSON, and what
    check_fields rejects. Business rules come later.
    """
    if not key:
        raise bad_request("The Idempotency-Key header is missing.")
    if not UUID_RE.fullmatch(key):
        raise bad_request("The Idempotency-Key header must be a UUID in "
                          "lower-case hex.")
    request = parse_object(body)
    operation_id = require_format(request, "operation_id", UUID_RE,
                                  "a UUID in lower-case hex")
    if operation_id != key:
        raise bad_request(
            "The Idempotency-Key header must equal the operation_id field.")
    check_fields(request)
    return request


def check_created_at(request):
    """Raise 400 unless created_at is a valid RFC 3339 UTC time."""
    created_at = require_format(request, "created_at", TIME_RE,
                                "an RFC 3339 UTC time such as "
                                "2026-12-04T15:00:00Z")
    try:
        datetime.strptime(created_at[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise bad_request("The field created_at is not a valid date and time.")
    return created_at


def parse_transfer(key, body):
    """Check a single transfer request's shape and return it parsed."""
    return parse_operation(key, body, check_transfer_fields)


def check_transfer_fields(request):
    """Raise 400 unless the transfer fields after operation_id have the
    right types and formats.

    Each side names its wallet by account number or, for a customer whose
    registration may still be on its way, by customer id: exactly one of
    SIDE_account and SIDE_customer_id.
    """
    require_format(request, "agent_id", AGENT_ID_RE,
                   "1 to 32 letters, digits, '-' or '_'")
    for side in ("sender", "receiver"):
        by_account = f"{side}_account" in request
        by_customer = f"{side}_customer_id" in request
        if by_account == by_customer:
            raise bad_request(f"Send exactly one of the fields "
                              f"{side}_account and {side}_customer_id.")
        if by_account:
            require_format(request, f"{side}_account", ACCOUNT_RE,
                           "6 to 20 digits")
        else:
            require_format(request, f"{side}_customer_id", UUID_RE,
                           "a UUID in lower-case hex")
    require_format(request, "currency", CURRENCY_RE,
                   "an ISO 4217 code such as GHS")
    check_created_at(request)
    require_integer(request, "amount")
    if "fee" in request:
        require_fee(request)


def require_integer(request, field):
    """Return request[field], or raise 400 unless it is a JSON integer."""
    value = request.get(field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"The field {field} must be an integer of minor "
                          f"units.")
    return value


def require_fee(request):
    fee = require_integer(request, "fee")
    if not 0 <= fee <= AMOUNT_MAX:
        raise bad_request(f"The field fee must be 0 to {AMOUNT_MAX} minor "
                          f"units.")
    return fee


def check_money_fields(request):
    """Raise 400 unless the fields that every money operation but a
    reversal carries (agent_id, created_at, currency, amount and fee)
    have the right types and formats."""
    require_format(request, "agent_id", AGENT_ID_RE,
                   "1 to 32 letters, digits, '-' or '_'")
    check_created_at(request)
    require_format(request, "currency", CURRENCY_RE,
                   "an ISO 4217 code such as GHS")
    require_integer(request, "amount")
    require_fee(request)


def check_funding(request):
    """Raise 400 unless funding is cash or wallet, with sender_account
    given exactly when it is wallet."""
    funding = request.get("funding")
    if funding not in FUNDING_SOURCES:
        raise bad_request("The field funding must be cash or wallet.")
    if funding == "wallet":
        require_format(request, "sender_account", ACCOUNT_RE,
                       "6 to 20 digits")
    elif "sender_account" in request:
        raise bad_request("Send the field sender_account only with "
                          "funding wallet.")


def check_bank_transfer_fields(request):
    check_money_fields(request)
    check_funding(request)
    require_format(request, "bank_code", BANK_CODE_RE,
                   "1 to 16 upper-case letters or digits")
    require_format(request, "account_number", BANK_ACCOUNT_RE,
                   "1 to 34 letters or digits without spaces")
    require_string(request, "account_name", NAME_MAX_LENGTH)


def check_cash_in_fields(request):
    """Raise 400 unless a cash-in's fields are well formed. The receiver
    is named by exactly one of receiver_account and
    receiver_customer_id, as for a transfer."""
    check_money_fields(request)
    by_account = "receiver_account" in request
    if by_account == ("receiver_customer_id" in request):
        raise bad_request("Send exactly one of the fields receiver_account "
                          "and receiver_customer_id.")
    if by_account:
        require_format(request, "receiver_account", ACCOUNT_RE,
                       "6 to 20 digits")
    else:
        require_format(request, "receiver_customer_id", UUID_RE,
                       "a UUID in lower-case hex")


def check_cash_out_fields(request):
    check_money_fields(request)
    require_format(request, "sender_account", ACCOUNT_RE, "6 to 20 digits")
    # The code is the customer's input, so a wrong one of any length is
    # the business rejection invalid_code rather than a 400.
    require_string(request, "code", 16)


def check_send_money_fields(request):
    check_money_fields(request)
    check_funding(request)
    require_format(request, "quote_id", UUID_RE, "a UUID in lower-case hex")
    require_string(request, "receiver_name", NAME_MAX_LENGTH)
    require_format(request, "receiver_phone", PHONE_RE,
                   "in E.164 form, such as +2348030000009")
    if "receiver_account" in request:
        require_format(request, "receiver_account", BANK_ACCOUNT_RE,
                       "1 to 34 letters or digits without spaces")
    require_format(request, "receive_currency", CURRENCY_RE,
                   "an ISO 4217 code such as NGN")
    require_integer(request, "receive_amount")


def check_reversal_fields(request):
    require_format(request, "agent_id", AGENT_ID_RE,
                   "1 to 32 letters, digits, '-' or '_'")
    check_created_at(request)
    require_format(request, "original_operation_id", UUID_RE,
                   "a UUID in lower-case hex")
    require_string(request, "reason", REASON_MAX_LENGTH)
    require_format(request, "currency", CURRENCY_RE,
                   "an ISO 4217 code such as GHS")
    require_integer(request, "amount")


def check_registration_fields(request):
    """Raise 400 unless a customer registration's envelope fields after
    operation_id have the right types and formats.

    The customer data fields are checked later, with 422 invalid_field,
    because they are the agent's input rather than the terminal's.
    """
    require_format(request, "agent_id", AGENT_ID_RE,
                   "1 to 32 letters, digits, '-' or '_'")
    check_created_at(request)
    require_format(request, "customer_id", UUID_RE,
                   "a UUID in lower-case hex")


def check_update_fields(request):
    """Raise 400 unless a profile update's envelope fields after
    operation_id have the right types and formats."""
    check_registration_fields(request)
    base_version = request.get("base_version")
    if isinstance(base_version, bool) or not isinstance(base_version, int) \
            or not 1 <= base_version <= 2**53:
        raise bad_request("The field base_version must be a positive "
                          "integer.")
    if not isinstance(request.get("changes"), dict):
        raise bad_request("The field changes must be a JSON object.")


FIELD_CHECKS = {
    "wallet_transfer": check_transfer_fields,
    "customer_registration": check_registration_fields,
    "customer_update": check_update_fields,
    "bank_transfer": check_bank_transfer_fields,
    "cash_in": check_cash_in_fields,
    "cash_out": check_cash_out_fields,
    "send_money": check_send_money_fields,
    "reversal": check_reversal_fields,
}
def dependency_keys(operation_type, item):
    """Return the (keys, needs) dependency keys of an operation, read from
    its fields that are strings, also when the operation is malformed.

    keys are what the item's failure holds back, needs what it waits for
    besides them. A transfer's side named by customer id needs the
    customer's registration, and Sandbox.decide_items adds that
    customer's wallet to keys once the customer exists.

    An agent's float is no key, so one cash operation rejected for too
    little float does not hold back the agent's later ones. Each is
    checked against the float's balance when it is applied, in item
    order, so a cash-out earlier in the batch still funds a later cash-in.
    """
    def text(field):
        value = item.get(field)
        return value if isinstance(value, str) else None

    keys = []
    needs = []
    customer_id = text("customer_id")
    if operation_type == "customer_registration" and customer_id:
        keys.append((CUSTOMER_KEY, customer_id))
    elif operation_type == "customer_update" and customer_id:
        keys.append((PROFILE_KEY, customer_id))
        needs.append((CUSTOMER_KEY, customer_id))
    elif operation_type not in ("customer_registration", "customer_update"):
        # A money operation, or an item of no known type: a malformed item
        # keeps the wallets it names, because later items on those wallets
        # must wait for it like for any item not accepted. The receiver
        # account of send money is abroad, so it is no key.
        for side in ("sender", "receiver"):
            if text(f"{side}_account") and not (
                    side == "receiver" and operation_type == "send_money"):
                keys.append((WALLET_KEY, text(f"{side}_account")))
            if text(f"{side}_customer_id"):
                needs.append((CUSTOMER_KEY, text(f"{side}_customer_id")))
        if operation_type == "reversal" and text("original_operation_id"):
            keys.append((OPERATION_KEY, text("original_operation_id")))
    return tuple(keys), tuple(needs)


class BatchItem:
    """One operation of a batch after the shape checks.

    operation_id is what the result echoes (None when the item has no
    usable one). Exactly one of request and error is set. type is the
    item's operation type, or None when it is unknown. keys and needs are
    its dependency keys, (kind, value) pairs as dependency_keys returns
    them.
    """

    __slots__ = ("operation_id", "type", "request", "digest", "error",
                 "keys", "needs")

    def __init__(self, operation_id, operation_type=None, request=None,
                 error=None, keys=(), needs=()):
        self.operation_id = operation_id
        self.type = operation_type
        self.request = request
        self.digest = request_digest(request) if request else None
        self.error = error
        self.keys = keys
        self.needs = needs


def parse_batch(body):
    """Parse a batch body into a list of BatchItem, in item order.

    Raises 400 for the whole batch when the body is not a JSON object with
    an "operations" array of 1 to BATCH_MAX_OPERATIONS entries. A
    malformed entry becomes an item with its own 400 error instead.
    """
    request = parse_object(body)
    operations = request.get("operations")
    if (not isinstance(operations, list) or
            not 1 <= len(operations) <= BATCH_MAX_OPERATIONS):
        raise bad_request(f"The field operations must be an array of 1 to "
                          f"{BATCH_MAX_OPERATIONS} operations.")
    return [parse_batch_item(item) for item in operations]


def parse_batch_item(item):
    if not isinstance(item, dict):
        return BatchItem(None, error=bad_request(
            "Each entry of operations must be a JSON object."))

    # Echo only an id short enough to be one, so a bad entry cannot
    # inflate the reply.
    operation_id = item.get("operation_id")
    if not isinstance(operation_id, str) or len(operation_id) > 64:
        operation_id = None

    operation_type = item.get("type")
    if operation_type not in OPERATION_TYPES:
        operation_type = None
    keys, needs = dependency_keys(operation_type, item)
    if operation_type is None:
        known = ", ".join(OPERATION_TYPES)
        return BatchItem(operation_id, error=bad_request(
            f"The field type must be one of: {known}."), keys=keys,
            needs=needs)
    try:
        require_format(item, "operation_id", UUID_RE,
                       "a UUID in lower-case hex")
        FIELD_CHECKS[operation_type](item)
    except ApiError as error:
        return BatchItem(operation_id, operation_type, error=error,
                         keys=keys, needs=needs)
    return BatchItem(operation_id, operation_type, request=item, keys=keys,
                     needs=needs)
