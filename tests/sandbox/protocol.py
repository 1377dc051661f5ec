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
OPERATION_TYPES = ("wallet_transfer",)

ACCOUNT_RE = re.compile(r"[0-9]{6,20}")
# Lower case only, so that one operation cannot have two spellings of its
# key in the idempotency store and the ledger.
UUID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
AGENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
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
    """An error reply: HTTP status, snake_case code and a sentence."""

    def __init__(self, status, code, message, headers=()):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = list(headers)

    def body(self):
        return canonical_json(
            {"error": {"code": self.code, "message": self.message}})


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


def dependency_error(index, wallet):
    """Return the error of a batch item held back by the earlier item at
    index, which was not accepted and shares the wallet."""
    return ApiError(424, "dependency_failed",
                    f"The operation was not applied because an earlier "
                    f"operation on wallet {wallet} (batch item {index}) "
                    f"was not accepted.")


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


def parse_transfer(key, body):
    """Check a single transfer request's shape and return it parsed.

    Raises 400 for a missing or malformed Idempotency-Key, malformed JSON
    and fields of the wrong type or format. Business rules come later.
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
    check_transfer_fields(request)
    return request


def check_transfer_fields(request):
    """Raise 400 unless the transfer fields after operation_id have the
    right types and formats."""
    require_format(request, "agent_id", AGENT_ID_RE,
                   "1 to 32 letters, digits, '-' or '_'")
    require_format(request, "sender_account", ACCOUNT_RE, "6 to 20 digits")
    require_format(request, "receiver_account", ACCOUNT_RE, "6 to 20 digits")
    require_format(request, "currency", CURRENCY_RE,
                   "an ISO 4217 code such as GHS")
    created_at = require_format(request, "created_at", TIME_RE,
                                "an RFC 3339 UTC time such as "
                                "2026-12-04T15:00:00Z")
    try:
        datetime.strptime(created_at[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise bad_request("The field created_at is not a valid date and time.")
    amount = request.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise bad_request("The field amount must be an integer of minor "
                          "units.")


class BatchItem:
    """One operation of a batch after the shape checks.

    operation_id is what the result echoes (None when the item has no
    usable one). Exactly one of request and error is set. wallets contains
    the item's dependency keys: its sender_account and receiver_account
    values that are strings, also when the item is malformed.
    """

    __slots__ = ("operation_id", "request", "digest", "error", "wallets")

    def __init__(self, operation_id, request=None, error=None, wallets=()):
        self.operation_id = operation_id
        self.request = request
        self.digest = request_digest(request) if request else None
        self.error = error
        self.wallets = wallets


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

    # A malformed item keeps the wallets it names, because later items on
    # those wallets must wait for it like for any item not accepted.
    wallets = tuple(item[field]
                    for field in ("sender_account", "receiver_account")
                    if isinstance(item.get(field), str))

    operation_type = item.get("type")
    if operation_type not in OPERATION_TYPES:
        known = ", ".join(OPERATION_TYPES)
        return BatchItem(operation_id, error=bad_request(
            f"The field type must be one of: {known}."), wallets=wallets)
    try:
        require_format(item, "operation_id", UUID_RE,
                       "a UUID in lower-case hex")
        check_transfer_fields(item)
    except ApiError as error:
        return BatchItem(operation_id, error=error, wallets=wallets)
    return BatchItem(operation_id, request=item, wallets=wallets)
