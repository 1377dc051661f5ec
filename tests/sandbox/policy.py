"""The offline policy that the sandbox publishes at GET /v1/policy: the
default one, or one loaded from a JSON file at start."""

import json

from protocol import compact_json, reject_constant

# The terminal caches the policy in one journal value of 16 KiB
# (JOURNAL_META_VALUE_SIZE in offline/journal.h, less its NUL), so a
# larger policy could never be cached.
POLICY_MAX_BYTES = 16384
# The file may be indented, so it may be larger than its compact form.
POLICY_FILE_MAX_BYTES = 4 * POLICY_MAX_BYTES

# Amounts are in minor units, so GHS 2,000.00 is 200000 pesewas.
DEFAULT_POLICY = {
    "version": 1,
    "operations": {
        "wallet_transfer": {
            "offline_allowed": True,
            "max_amount": {"GHS": 200000, "NGN": 10000000},
            "max_exposure": {"GHS": 1000000, "NGN": 50000000},
            "max_queued": 100,
            "max_age_seconds": 86400,
        },
        "customer_registration": {
            "offline_allowed": True,
            "max_queued": 50,
            "max_age_seconds": 86400,
        },
        "customer_update": {
            "offline_allowed": True,
            "max_queued": 50,
            "max_age_seconds": 86400,
        },
        "cash_in": {
            "offline_allowed": True,
            "max_amount": {"GHS": 200000, "NGN": 10000000},
            "max_exposure": {"GHS": 1000000, "NGN": 50000000},
            "max_queued": 100,
            "max_age_seconds": 86400,
        },
        "reversal": {
            "offline_allowed": True,
            "max_amount": {"GHS": 200000, "NGN": 10000000},
            "max_exposure": {"GHS": 1000000, "NGN": 50000000},
            "max_queued": 20,
            "max_age_seconds": 86400,
        },
        # bank_transfer, cash_out and send_money are missing, so they are
        # online only.
    },
}


class PolicyError(Exception):
    """A policy file that cannot be published, with the reason."""


def policy_text(policy):
    """Return the policy as the compact JSON text of the reply, or raise
    PolicyError when it lacks an integer "version" and an "operations"
    object, or is larger than POLICY_MAX_BYTES."""
    if not isinstance(policy, dict):
        raise PolicyError("the policy must be a JSON object")
    version = policy.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise PolicyError('the field "version" must be an integer')
    if not isinstance(policy.get("operations"), dict):
        raise PolicyError('the field "operations" must be an object')
    text = compact_json(policy)
    if len(text.encode("utf-8")) > POLICY_MAX_BYTES:
        raise PolicyError(f"the policy is larger than {POLICY_MAX_BYTES} "
                          f"bytes as compact JSON")
    return text


def load_policy(path):
    """Read a policy file and return its reply text. Raises OSError when
    the file cannot be read, PolicyError when it is not a valid policy."""
    with open(path, "rb") as stream:
        data = stream.read(POLICY_FILE_MAX_BYTES + 1)
    if len(data) > POLICY_FILE_MAX_BYTES:
        raise PolicyError(f"the file is larger than {POLICY_FILE_MAX_BYTES} "
                          f"bytes")
    try:
        policy = json.loads(data.decode("utf-8"),
                            parse_constant=reject_constant)
    except (ValueError, RecursionError) as error:
        raise PolicyError(f"it is not valid UTF-8 JSON: {error}")
    return policy_text(policy)
