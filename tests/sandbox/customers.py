"""Customers: registration with a new wallet, versioned profile updates
and lookups, with the server-side checks of every profile field."""

import re
import unicodedata
import urllib.parse
from datetime import date

from protocol import (ACCOUNT_RE, ApiError, bad_request, canonical_json,
                      rejection, rfc3339)
from store import PROFILE_FIELDS, insert_customer, next_reference

# The sandbox opens wallets in these currencies only.
WALLET_CURRENCIES = ("GHS", "NGN")
ID_TYPES = ("national_id", "passport", "drivers_license", "voter_id")
NAME_MAX_LENGTH = 64
ADDRESS_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
ADULT_AGE = 18  # years, on the date of the operation's created_at
EARLIEST_BIRTH_YEAR = 1900
ACCOUNT_DIGITS = 10  # of the wallet account opened with a registration

# E.164: a plus sign and up to 15 digits, the first of them not 0. Fewer
# than 8 digits is no real subscriber number.
PHONE_RE = re.compile(r"\+[1-9][0-9]{7,14}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ID_NUMBER_RE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,30}[A-Z0-9]")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+"
                      r"(\.[A-Za-z0-9-]+)+")
NAME_PUNCTUATION = " -.'\u2019"


def invalid_field(field, message):
    """Return the 422 invalid_field rejection for one field."""
    return ApiError(422, "invalid_field", message,
                    error_fields={"field": field})


def check_name(field, value):
    """Raise invalid_field unless value is 1 to NAME_MAX_LENGTH letters
    (any script, with combining marks), spaces, hyphens, apostrophes or
    full stops, starting with a letter and not ending with a space."""
    valid = (0 < len(value) <= NAME_MAX_LENGTH
             and unicodedata.category(value[0]).startswith("L")
             and not value.endswith(" ")
             and all(unicodedata.category(char)[0] in "LM"
                     or char in NAME_PUNCTUATION for char in value))
    if not valid:
        raise invalid_field(field, f"The field {field} must be 1 to "
                            f"{NAME_MAX_LENGTH} letters, spaces, hyphens, "
                            f"apostrophes or full stops, starting with a "
                            f"letter.")


def parse_date(text):
    """Return the date of a YYYY-MM-DD string, or None when it is not a
    valid calendar date."""
    if not DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_field(field, value, created_on):
    """Raise 422 invalid_field unless value is valid for the profile
    field. created_on is the date of the operation's created_at, which a
    date of birth must not pass."""
    if field == "email" and value is None:
        return
    if not isinstance(value, str):
        raise invalid_field(field, f"The field {field} must be a string.")
    if field in ("first_name", "last_name"):
        check_name(field, value)
    elif field == "phone" and not PHONE_RE.fullmatch(value):
        raise invalid_field(field, "The field phone must be in E.164 form: "
                            "a plus sign and 8 to 15 digits, such as "
                            "+233244000001.")
    elif field == "date_of_birth":
        born = parse_date(value)
        if born is None or born.year < EARLIEST_BIRTH_YEAR or \
                born > created_on:
            raise invalid_field(field, f"The field date_of_birth must be a "
                                f"valid YYYY-MM-DD date from "
                                f"{EARLIEST_BIRTH_YEAR} to the date of "
                                f"the operation.")
    elif field == "id_type" and value not in ID_TYPES:
        raise invalid_field(field, f"The field id_type must be one of: "
                            f"{', '.join(ID_TYPES)}.")
    elif field == "id_number" and not ID_NUMBER_RE.fullmatch(value):
        raise invalid_field(field, "The field id_number must be 4 to 32 "
                            "upper-case letters, digits or inner hyphens.")
    elif field == "address" and not address_valid(value):
        raise invalid_field(field, f"The field address must be 1 to "
                            f"{ADDRESS_MAX_LENGTH} characters without "
                            f"control characters or outer spaces.")
    elif field == "email" and (len(value) > EMAIL_MAX_LENGTH
                               or not EMAIL_RE.fullmatch(value)):
        raise invalid_field(field, "The field email must be an address "
                            "such as name@example.com, or null.")


def address_valid(value):
    return (0 < len(value) <= ADDRESS_MAX_LENGTH
            and value.strip() == value
            and not any(unicodedata.category(char) in ("Cc", "Cf")
                        for char in value))


def eighteenth_birthday(born):
    """Return the date on which a person born on born turns ADULT_AGE.

    Someone born on 29 February comes of age on 1 March in a common year.
    """
    try:
        return born.replace(year=born.year + ADULT_AGE)
    except ValueError:
        return date(born.year + ADULT_AGE, 3, 1)


def check_adult(date_of_birth, created_on):
    if created_on < eighteenth_birthday(date.fromisoformat(date_of_birth)):
        raise rejection("underage", f"The customer must be {ADULT_AGE} or "
                        f"older on the date of the operation.")


def check_phone_free(conn, phone, customer_id):
    """Raise 422 duplicate_phone when another customer has the phone. The
    message names no customer, so it discloses no other customer's data."""
    row = conn.execute("SELECT customer_id FROM customers WHERE phone = ?",
                       (phone,)).fetchone()
    if row is not None and row[0] != customer_id:
        raise rejection("duplicate_phone", "Another customer is already "
                        "registered with this phone number.")


def check_agent(conn, agent_id):
    if conn.execute("SELECT 1 FROM agents WHERE agent_id = ?",
                    (agent_id,)).fetchone() is None:
        raise rejection("unknown_agent",
                        f"The agent {agent_id} is not known.")


def created_date(request):
    return date.fromisoformat(request["created_at"][:10])


def find_customer(conn, customer_id):
    """Return the customer's profile as the lookup reply has it, or None
    when no customer has the id."""
    columns = ", ".join(PROFILE_FIELDS)
    row = conn.execute(f"SELECT customer_id, {columns}, version "
                       f"FROM customers WHERE customer_id = ?",
                       (customer_id,)).fetchone()
    if row is None:
        return None
    profile = dict(zip(("customer_id", *PROFILE_FIELDS, "version"), row))
    profile["wallets"] = [
        {"account": account, "currency": currency}
        for account, currency in conn.execute(
            "SELECT account, currency FROM wallets WHERE customer_id = ? "
            "ORDER BY account", (customer_id,))]
    return profile


def wallet_of(conn, customer_id, currency):
    """Return the account of the customer's first wallet in currency, or
    None when there is none."""
    row = conn.execute("SELECT account FROM wallets WHERE customer_id = ? "
                       "AND currency = ? ORDER BY account LIMIT 1",
                       (customer_id, currency)).fetchone()
    return row[0] if row else None


def new_account(conn):
    """Return an unused ACCOUNT_DIGITS-digit account number, the next
    after the highest one in use."""
    highest = conn.execute(
        "SELECT MAX(CAST(account AS INTEGER)) FROM wallets "
        "WHERE length(account) = ?", (ACCOUNT_DIGITS,)).fetchone()[0]
    number = (highest or 10**(ACCOUNT_DIGITS - 1)) + 1
    if number >= 10**ACCOUNT_DIGITS:
        raise ApiError(500, "internal_error",
                       "The sandbox has no wallet account numbers left.")
    return str(number)


def record_operation(conn, terminal_id, request, operation_type, version,
                     changes, now):
    """Add the customer operation to customer_operations and return its
    reference and applied_at."""
    reference = next_reference(conn)
    applied_at = rfc3339(now)
    conn.execute(
        "INSERT INTO customer_operations (operation_id, reference, type, "
        "customer_id, version, changes, terminal_id, agent_id, created_at, "
        "applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (request["operation_id"], reference, operation_type,
         request["customer_id"], version, canonical_json(changes),
         terminal_id, request["agent_id"], request["created_at"],
         applied_at))
    return reference, applied_at


def apply_registration(conn, terminal_id, request, now):
    """Register the customer and open a wallet with a balance of 0 inside
    the caller's transaction. Raises a 422 ApiError on a rejection.

    The checks run in the order docs/api.md lists: unknown_agent,
    customer_exists, invalid_field (in field order), underage,
    duplicate_phone.
    """
    check_agent(conn, request["agent_id"])
    customer_id = request["customer_id"]
    if find_customer(conn, customer_id) is not None:
        raise rejection("customer_exists", f"A customer with the id "
                        f"{customer_id} is already registered.")
    created_on = created_date(request)
    for field in PROFILE_FIELDS:
        if field not in request and field != "email":
            raise invalid_field(field, f"The field {field} is missing.")
        check_field(field, request.get(field), created_on)
    currency = request.get("currency")
    if currency not in WALLET_CURRENCIES:
        raise invalid_field("currency", f"The field currency must be one "
                            f"of: {', '.join(WALLET_CURRENCIES)}.")
    check_adult(request["date_of_birth"], created_on)
    check_phone_free(conn, request["phone"], customer_id)

    profile = {field: request.get(field) for field in PROFILE_FIELDS}
    profile["customer_id"] = customer_id
    insert_customer(conn, profile, terminal_id, request["agent_id"],
                    request["created_at"], rfc3339(now))
    account = new_account(conn)
    conn.execute("INSERT INTO wallets VALUES (?, ?, ?, 0)",
                 (account, customer_id, currency))
    changes = dict(profile, currency=currency, wallet_account=account)
    reference, applied_at = record_operation(
        conn, terminal_id, request, "customer_registration", 1, changes,
        now)
    return {"operation_id": request["operation_id"], "status": "accepted",
            "reference": reference, "customer_id": customer_id,
            "wallet_account": account, "version": 1,
            "applied_at": applied_at}


def apply_update(conn, terminal_id, request, now):
    """Change profile fields of a customer whose version is base_version,
    inside the caller's transaction.

    Raises, in this order: 422 unknown_agent, 422 customer_not_found,
    412 version_conflict with the current profile, then 422
    invalid_field, underage or duplicate_phone.
    """
    check_agent(conn, request["agent_id"])
    customer_id = request["customer_id"]
    current = find_customer(conn, customer_id)
    if current is None:
        raise rejection("customer_not_found", f"No customer has the id "
                        f"{customer_id}.")
    if request["base_version"] != current["version"]:
        raise ApiError(412, "version_conflict",
                       f"The profile was changed since version "
                       f"{request['base_version']}, so it is now version "
                       f"{current['version']}.", extra={"current": current})

    changes = request["changes"]
    if not changes:
        raise invalid_field("changes", "The field changes must name at "
                            "least one profile field.")
    for field in sorted(changes):
        if field not in PROFILE_FIELDS:
            raise invalid_field(field, f"The field {field} is not a "
                                f"profile field that can be changed.")
    created_on = created_date(request)
    for field in PROFILE_FIELDS:
        if field in changes:
            check_field(field, changes[field], created_on)
    if "date_of_birth" in changes:
        check_adult(changes["date_of_birth"], created_on)
    if "phone" in changes:
        check_phone_free(conn, changes["phone"], customer_id)

    fields = [field for field in PROFILE_FIELDS if field in changes]
    assignments = ", ".join(f"{field} = ?" for field in fields)
    version = current["version"] + 1
    conn.execute(
        f"UPDATE customers SET {assignments}, version = ?, "
        f"updated_at = ? WHERE customer_id = ?",
        (*(changes[field] for field in fields), version, rfc3339(now),
         customer_id))
    conn.execute("UPDATE customers SET full_name = first_name || ' ' || "
                 "last_name WHERE customer_id = ?", (customer_id,))
    reference, applied_at = record_operation(
        conn, terminal_id, request, "customer_update", version, changes,
        now)
    return {"operation_id": request["operation_id"], "status": "accepted",
            "reference": reference, "customer_id": customer_id,
            "version": version, "applied_at": applied_at}


def parse_lookup_query(query):
    """Return ("phone" or "wallet", value) from a lookup's query string,
    or raise 400.

    Values are percent-decoded, but "+" stays a plus sign, so that a
    phone number sent without encoding its "+" still matches.
    """
    pairs = [part.split("=", 1) for part in query.split("&") if part]
    if len(pairs) != 1 or len(pairs[0]) != 2 or \
            pairs[0][0] not in ("phone", "wallet"):
        raise bad_request("Look a customer up by exactly one of the query "
                          "parameters phone and wallet.")
    name, value = pairs[0]
    try:
        value = urllib.parse.unquote(value, errors="strict")
    except UnicodeDecodeError:
        raise bad_request(f"The {name} parameter is not valid UTF-8.")
    if name == "phone" and not PHONE_RE.fullmatch(value):
        raise bad_request("The phone parameter must be in E.164 form, such "
                          "as %2B233244000001.")
    if name == "wallet" and not ACCOUNT_RE.fullmatch(value):
        raise bad_request("The wallet parameter must be 6 to 20 digits.")
    return name, value


def lookup(conn, query):
    """Return the profile of the customer that the query names, or raise
    400 for a bad query and 404 customer_not_found."""
    name, value = parse_lookup_query(query)
    if name == "phone":
        sql = "SELECT customer_id FROM customers WHERE phone = ?"
    else:
        sql = "SELECT customer_id FROM wallets WHERE account = ?"
    row = conn.execute(sql, (value,)).fetchone()
    if row is None:
        raise ApiError(404, "customer_not_found",
                       f"No customer has the {name} {value}.")
    return find_customer(conn, row[0])
