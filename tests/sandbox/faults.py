"""Test faults that the sandbox injects when it runs with --faults: a queue
of faults, each for the next requests to one path."""

import threading

from protocol import (BATCH_MAX_OPERATIONS, BATCH_PATH, FAULTS_PATH,
                      ApiError, bad_request, compact_json, log,
                      parse_object)

# The statuses that each kind may inject. None means that the kind sends
# the real reply, possibly late or twice.
KIND_STATUSES = {
    "status": (429, 500, 503),
    "after_apply_status": (500,),
    "slow": None,
    "duplicate": None,
    "item_status": (500, 503),
}
FAULTS_MAX = 1000  # faults queued at once
COUNT_MAX = 10000  # matching requests one fault may affect
RETRY_AFTER_MAX = 3600  # seconds
SLOW_MAX_SECONDS = 60
PATH_MAX_LENGTH = 256


class Fault:
    """One queued fault and how many more matching requests it affects."""

    __slots__ = ("path", "kind", "count", "status", "retry_after",
                 "seconds", "index")

    def __init__(self, path, kind, count, status=None, retry_after=None,
                 seconds=None, index=None):
        self.path = path
        self.kind = kind
        self.count = count
        self.status = status
        self.retry_after = retry_after
        self.seconds = seconds
        self.index = index

    def as_json(self):
        value = {"path": self.path, "kind": self.kind, "count": self.count}
        for name in ("status", "retry_after", "seconds", "index"):
            if getattr(self, name) is not None:
                value[name] = getattr(self, name)
        return value

    def error(self):
        """Return the injected error reply."""
        headers = []
        if self.retry_after is not None:
            headers.append(("Retry-After", str(self.retry_after)))
        return ApiError(self.status, "injected_fault",
                        f"The sandbox injected a {self.kind} fault with "
                        f"status {self.status} for a test.", headers)


def integer_field(entry, field, low, high, default=None):
    """Return entry[field], an integer from low to high, or default when
    the field is missing. Raises 400 for any other value."""
    if field not in entry:
        return default
    value = entry[field]
    if isinstance(value, bool) or not isinstance(value, int) or \
            not low <= value <= high:
        raise bad_request(f"The fault field {field} must be an integer "
                          f"from {low} to {high}.")
    return value


def parse_fault(entry):
    """Check one fault object and return it as a Fault, or raise 400."""
    if not isinstance(entry, dict):
        raise bad_request("Each fault must be a JSON object.")
    kind = entry.get("kind")
    if kind not in KIND_STATUSES:
        kinds = ", ".join(KIND_STATUSES)
        raise bad_request(f"The fault field kind must be one of: {kinds}.")
    path = entry.get("path")
    if not isinstance(path, str) or not path.startswith("/v1/") or \
            len(path) > PATH_MAX_LENGTH or path == FAULTS_PATH:
        raise bad_request(f"The fault field path must be a request path "
                          f"under /v1/ other than {FAULTS_PATH}.")
    if kind == "item_status" and path != BATCH_PATH:
        raise bad_request(f"An item_status fault applies to {BATCH_PATH} "
                          f"only.")
    fault = Fault(path, kind, integer_field(entry, "count", 1, COUNT_MAX, 1))

    statuses = KIND_STATUSES[kind]
    if statuses is not None:
        # A kind with a single allowed status does not need it spelled out.
        default = statuses[0] if len(statuses) == 1 else None
        fault.status = integer_field(entry, "status", 100, 599, default)
        if fault.status not in statuses:
            allowed = ", ".join(str(status) for status in statuses)
            raise bad_request(f"A {kind} fault needs a status of "
                              f"{allowed}.")
    if kind in ("status", "item_status"):
        fault.retry_after = integer_field(entry, "retry_after", 0,
                                          RETRY_AFTER_MAX)
    if kind == "item_status":
        if "index" not in entry:
            raise bad_request("An item_status fault needs an index.")
        fault.index = integer_field(entry, "index", 0,
                                    BATCH_MAX_OPERATIONS - 1)
    if kind == "slow":
        seconds = entry.get("seconds")
        if isinstance(seconds, bool) or \
                not isinstance(seconds, (int, float)) or \
                not 0 < seconds <= SLOW_MAX_SECONDS:
            raise bad_request(f"A slow fault needs seconds, a number above "
                              f"0 and at most {SLOW_MAX_SECONDS}.")
        fault.seconds = seconds
    return fault


def parse_faults(body):
    """Parse a POST body {"faults": [...]} into a list of Fault, or raise
    400 naming the first bad entry."""
    request = parse_object(body)
    entries = request.get("faults")
    if not isinstance(entries, list) or not entries:
        raise bad_request("The field faults must be a non-empty array.")
    faults = []
    for number, entry in enumerate(entries):
        try:
            faults.append(parse_fault(entry))
        except ApiError as error:
            error.message = f"Fault {number}: {error.message}"
            raise
    return faults


class FaultQueue:
    """Faults in the order they were queued, shared by request threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.faults = []

    def add(self, faults):
        """Append faults, or raise 400 when the queue would pass
        FAULTS_MAX entries."""
        with self.lock:
            if len(self.faults) + len(faults) > FAULTS_MAX:
                raise bad_request(f"At most {FAULTS_MAX} faults can be "
                                  f"queued at once.")
            self.faults.extend(faults)
        for fault in faults:
            log(f"fault queued: {compact_json(fault.as_json())}")

    def listing(self):
        with self.lock:
            return [fault.as_json() for fault in self.faults]

    def clear(self):
        with self.lock:
            self.faults.clear()
        log("faults cleared")

    def take(self, path):
        """Count one request to path against the first queued fault for
        that path and return the fault, or None when none is queued.

        A fault leaves the queue once it has affected count requests.
        """
        with self.lock:
            for position, fault in enumerate(self.faults):
                if fault.path != path:
                    continue
                fault.count -= 1
                if fault.count == 0:
                    del self.faults[position]
                return fault
        return None
