"""Banks: the list at GET /v1/banks, account number checks per scheme, the
name enquiry from seeded bank accounts, and bank transfers."""

import accounts
from fees import check_fee
from limits import check_max_amount
from protocol import ApiError, bad_request, compact_json, rejection

BANKS = [
    {"code": "058", "name": "Guaranty Trust Bank", "country": "NG",
     "currency": "NGN", "scheme": "nuban"},
    {"code": "044", "name": "Access Bank", "country": "NG",
     "currency": "NGN", "scheme": "nuban"},
    {"code": "GH030100", "name": "GCB Bank", "country": "GH",
     "currency": "GHS", "scheme": "digits", "min_length": 13,
     "max_length": 13},
    {"code": "GH280100", "name": "Ecobank Ghana", "country": "GH",
     "currency": "GHS", "scheme": "digits", "min_length": 13,
     "max_length": 16},
]
BANKS_TEXT = compact_json({"version": 1, "banks": BANKS})
BANKS_BY_CODE = {bank["code"]: bank for bank in BANKS}

# Account holders that the name enquiry finds. A Nigerian bank's entry is
# the 9-digit serial number, to which seed_bank_accounts adds the NUBAN
# check digit.
SEED_HOLDERS = [
    ("058", "012345678", "Adaeze Nwosu"),
    ("058", "200300400", "Emeka Obi"),
    ("044", "069000001", "Tunde Bakare"),
    ("044", "150000002", "Funke Adeyemi"),
    ("GH030100", "1010000000001", "Kwame Owusu"),
    ("GH030100", "1010000000002", "Abena Asare"),
    ("GH280100", "1441000000001", "Yaa Mensah"),
    ("GH280100", "1441000000000002", "Kojo Annan"),
]
NUBAN_WEIGHTS = (3, 7, 3)


def nuban_check_digit(bank_code, serial):
    """Return the NUBAN check digit of a 9-digit serial number at a bank
    with a 3-digit CBN code, as app/bank_account.c computes it. The 15
    digits "000", code and serial are weighted 3, 7, 3 repeated, and the
    check digit is (10 - sum mod 10) mod 10."""
    digits = "000" + bank_code + serial
    total = sum(int(digit) * NUBAN_WEIGHTS[position % 3]
                for position, digit in enumerate(digits))
    return str((10 - total % 10) % 10)


def seed_bank_accounts():
    """Return the (bank code, account, holder name) rows of the demo."""
    rows = []
    for bank_code, number, holder in SEED_HOLDERS:
        if BANKS_BY_CODE[bank_code]["scheme"] == "nuban":
            number += nuban_check_digit(bank_code, number)
        rows.append((bank_code, number, holder))
    return rows


def iban_valid(text):
    """Return whether text is an IBAN of 15 to 34 characters whose ISO
    13616 mod 97 check gives 1."""
    if not 15 <= len(text) <= 34 or not text[:2].isalpha() or \
            not text[2:4].isdigit():
        return False
    moved = text[4:] + text[:4]
    try:
        number = int("".join(str(int(char, 36)) for char in moved))
    except ValueError:
        return False
    return number % 97 == 1


def account_valid(bank, account):
    """Return whether account has the form of the bank's scheme."""
    if bank["scheme"] == "nuban":
        return (len(account) == 10 and account.isdigit() and
                nuban_check_digit(bank["code"], account[:9]) == account[9])
    if bank["scheme"] == "iban":
        return iban_valid(account.upper())
    return (account.isdigit() and
            bank["min_length"] <= len(account) <= bank["max_length"])


def holder_of(conn, bank_code, account):
    row = conn.execute("SELECT holder_name FROM bank_accounts "
                       "WHERE bank_code = ? AND account = ?",
                       (bank_code, account)).fetchone()
    return row[0] if row else None


def name_enquiry(conn, bank_code, account):
    """Return the holder of an account at a bank, or raise 404
    bank_not_found, 400 for an account that does not fit the bank's
    scheme, or 404 account_not_found."""
    bank = BANKS_BY_CODE.get(bank_code)
    if bank is None:
        raise ApiError(404, "bank_not_found",
                       f"No bank has the code {bank_code}.")
    if not account.isascii() or not account_valid(bank, account):
        raise bad_request(f"The account number is not valid for "
                          f"{bank['name']} ({scheme_rule(bank)}).")
    holder = holder_of(conn, bank_code, account)
    if holder is None:
        raise ApiError(404, "account_not_found",
                       f"{bank['name']} has no account {account}.")
    return {"bank_code": bank_code, "account": account,
            "holder_name": holder}


def scheme_rule(bank):
    if bank["scheme"] == "nuban":
        return "10 digits with the NUBAN check digit"
    if bank["scheme"] == "iban":
        return "an IBAN"
    return f"{bank['min_length']} to {bank['max_length']} digits"


def same_name(shown, holder):
    return shown.strip().casefold() == holder.strip().casefold()


def funding_account(conn, request, currency):
    """Return the account that pays an operation funded by cash (the
    agent's float) or by wallet (sender_account). Raises 422
    wallet_not_found or currency_mismatch for a sender wallet that does
    not exist or is in another currency."""
    if request["funding"] == "cash":
        return accounts.agent_float(conn, request["agent_id"], currency)
    sender = request["sender_account"]
    accounts.check_currency(
        accounts.wallet_currency(conn, sender, "sender"), currency,
        f"sender wallet {sender}")
    return sender


def apply_bank_transfer(conn, terminal_id, request, now):
    """Pay a bank account from the agent's float or a wallet, inside the
    caller's transaction. The checks run in the order docs/api.md lists:
    unknown_agent, invalid_amount, bank_not_found, account_not_found,
    name_mismatch, currency_mismatch, wallet_not_found, fee_mismatch,
    limit_exceeded, insufficient_funds or insufficient_float."""
    accounts.check_agent(conn, request["agent_id"])
    accounts.check_amount(request["amount"])

    bank_code = request["bank_code"]
    bank = BANKS_BY_CODE.get(bank_code)
    if bank is None:
        raise rejection("bank_not_found",
                        f"No bank has the code {bank_code}.")
    holder = holder_of(conn, bank_code, request["account_number"])
    if holder is None:
        raise rejection("account_not_found",
                        f"{bank['name']} has no account "
                        f"{request['account_number']}.")
    if not same_name(request["account_name"], holder):
        raise rejection("name_mismatch",
                        "The account name differs from the holder's name "
                        "that the name enquiry returns.")

    currency = request["currency"]
    accounts.check_currency(bank["currency"], currency,
                            f"bank {bank['name']}")
    sender = funding_account(conn, request, currency)
    fee = check_fee(request, "bank_transfer")
    check_max_amount("bank_transfer", currency, request["amount"])
    accounts.check_funds(conn, sender, request["amount"] + fee)

    receiver = accounts.bank_account(bank_code)
    accounts.open_system_account(conn, receiver, "bank", currency)
    return accounts.apply_movement(conn, "bank_transfer", terminal_id,
                                   request, sender, receiver, fee, now)
