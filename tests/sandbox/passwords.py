"""Agent password change: the password rules and the history of earlier
passwords that a new one must not repeat."""

import hmac
import secrets
import time

from protocol import ApiError, parse_object, require_string
from store import PBKDF2_ITERATIONS, hash_password, write_transaction

PASSWORD_MIN_LENGTH = 10  # characters (Unicode code points)
PASSWORD_MAX_LENGTH = 64
PASSWORD_HISTORY = 3  # earlier passwords, before the current one, kept
ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
ASCII_DIGITS = frozenset("0123456789")


def matches(password, salt, expected, iterations):
    return hmac.compare_digest(hash_password(password, salt, iterations),
                               expected)


def failed_rules(agent_id, old_password, new_password, history):
    """Return the (rule, sentence) pairs of the rules new_password breaks,
    in the order docs/api.md lists them.

    history is the (salt, hash, iterations) rows of the agent's earlier
    passwords, the current one excluded.
    """
    failed = []
    if not PASSWORD_MIN_LENGTH <= len(new_password) <= PASSWORD_MAX_LENGTH:
        failed.append(("length", f"it must be {PASSWORD_MIN_LENGTH} to "
                       f"{PASSWORD_MAX_LENGTH} characters long"))
    if not (ASCII_LETTERS & set(new_password)
            and ASCII_DIGITS & set(new_password)):
        failed.append(("letter_and_digit", "it must contain at least one "
                       "letter (A-Z or a-z) and one digit (0-9)"))
    if new_password.casefold() == agent_id.casefold():
        failed.append(("agent_id", "it must not be the agent id"))
    if new_password == old_password:
        failed.append(("old_password", "it must differ from the old "
                       "password"))
    elif any(matches(new_password, *row) for row in history):
        failed.append(("recent", f"it must not be one of the "
                       f"{PASSWORD_HISTORY} passwords used before the old "
                       f"one"))
    return failed


def change_password(conn, agent_id, token_hash, body):
    """Replace the agent's password and end the agent's other sessions.

    Raises 400 for a malformed body, 401 invalid_credentials for a wrong
    old password and 422 password_rules naming every rule broken.
    """
    request = parse_object(body)
    old_password = require_string(request, "old_password", 256)
    new_password = require_string(request, "new_password", 256)

    # One write transaction from the check of the old password to the
    # update, so two concurrent changes cannot both pass the check.
    with write_transaction(conn):
        row = conn.execute("SELECT password_salt, password_hash, "
                           "iterations FROM agents WHERE agent_id = ?",
                           (agent_id,)).fetchone()
        if not matches(old_password, *row):
            raise ApiError(401, "invalid_credentials",
                           "The old password is incorrect.")
        history = conn.execute(
            "SELECT password_salt, password_hash, iterations "
            "FROM password_history WHERE agent_id = ? "
            "ORDER BY rowid DESC LIMIT ?",
            (agent_id, PASSWORD_HISTORY)).fetchall()
        failed = failed_rules(agent_id, old_password, new_password, history)
        if failed:
            sentences = "; ".join(sentence for _, sentence in failed)
            raise ApiError(422, "password_rules",
                           f"The new password breaks the password rules: "
                           f"{sentences}.",
                           error_fields={"rules": [rule for rule, _
                                                   in failed]})

        salt = secrets.token_bytes(16)
        conn.execute(
            "INSERT INTO password_history (agent_id, changed_at, "
            "password_salt, password_hash, iterations) "
            "SELECT agent_id, ?, password_salt, password_hash, iterations "
            "FROM agents WHERE agent_id = ?", (int(time.time()), agent_id))
        conn.execute(
            "DELETE FROM password_history WHERE agent_id = ? AND rowid NOT "
            "IN (SELECT rowid FROM password_history WHERE agent_id = ? "
            "ORDER BY rowid DESC LIMIT ?)",
            (agent_id, agent_id, PASSWORD_HISTORY))
        conn.execute(
            "UPDATE agents SET password_salt = ?, password_hash = ?, "
            "iterations = ? WHERE agent_id = ?",
            (salt, hash_password(new_password, salt, PBKDF2_ITERATIONS),
             PBKDF2_ITERATIONS, agent_id))
        conn.execute("DELETE FROM sessions WHERE agent_id = ? AND "
                     "token_hash != ?", (agent_id, token_hash))
