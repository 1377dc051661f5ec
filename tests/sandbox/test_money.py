#!/usr/bin/env python3
"""Tests of the sandbox's money movements against docs/api.md: fees,
banks and the name enquiry, bank transfers, cash-in, cash-out codes and
cash-out, balances, statements and floats, quotes and send money,
reversals, and batches that mix them.

Each test class starts its own sandbox, as in test_sandbox.py, whose
process and client helpers this file uses. After every test the sum of
all balances in each currency must equal the sum at the sandbox's start.
Prints `N passed, N failed` last and exits non-zero when a test fails.

Run: python3 tests/sandbox/test_money.py
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

import test_sandbox as base
from fees import DEFAULT_FEES, fee_for
from protocol import OPERATION_NAMES

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_SH = os.path.join(os.path.dirname(HERE), "lib.sh")
CREATED_AT = "2026-12-04T15:00:00Z"
KOFI = "1000000001"      # GHS 500000
AKOSUA = "1000000002"    # GHS 25000
CHIDI = "1000000003"     # NGN 10000000
NGOZI = "1000000004"     # NGN 0
KOFI_ID = base.KOFI_ID
GTB_ACCOUNT = "0123456785"   # Adaeze Nwosu at 058
GCB_ACCOUNT = "1010000000001"  # Kwame Owusu at GH030100
WAIT_LIMIT = 10  # seconds that any wait for an expiry may take
UUID_PATTERN = (r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                r"[0-9a-f]{12}\Z")


def setUpModule():
    base.setUpModule()


def tearDownModule():
    base.tearDownModule()


def operation(**fields):
    body = {"operation_id": str(uuid.uuid4()), "agent_id": "A1001",
            "created_at": CREATED_AT}
    body.update(fields)
    return body


def cash_in_body(amount=10000, receiver=AKOSUA, currency="GHS", fee=0,
                 **fields):
    return operation(receiver_account=receiver, currency=currency,
                     amount=amount, fee=fee, **fields)


def bank_body(amount=10000, fee=None, funding="cash", bank_code="GH030100",
              account=GCB_ACCOUNT, name="Kwame Owusu", currency="GHS",
              **fields):
    body = operation(funding=funding, bank_code=bank_code,
                     account_number=account, account_name=name,
                     currency=currency, amount=amount, **fields)
    body["fee"] = fee_for("bank_transfer", currency, amount) \
        if fee is None else fee
    return body


def cash_out_body(code, amount=5000, sender=KOFI, currency="GHS", fee=None,
                  **fields):
    body = operation(sender_account=sender, currency=currency,
                     amount=amount, code=code, **fields)
    body["fee"] = fee_for("cash_out", currency, amount) \
        if fee is None else fee
    return body


def reversal_body(original, currency="GHS", amount=10000, **fields):
    return operation(original_operation_id=original["operation_id"],
                     reason="Wrong wallet number", currency=currency,
                     amount=amount, **fields)


def send_body(quote, funding="cash", **fields):
    body = operation(quote_id=quote["quote_id"], funding=funding,
                     receiver_name="Adaeze Nwosu",
                     receiver_phone="+2348030000009",
                     receiver_account=GTB_ACCOUNT,
                     currency=quote["send_currency"],
                     amount=quote["send_amount"], fee=quote["fee"],
                     receive_currency=quote["receive_currency"],
                     receive_amount=quote["receive_amount"])
    body.update(fields)
    return body


def item(operation_type, body):
    return dict(body, type=operation_type)


PATHS = {
    "bank_transfer": "/v1/transfers/bank",
    "cash_in": "/v1/cash-in",
    "cash_out": "/v1/cash-out",
    "send_money": "/v1/transfers/send-money",
    "reversal": "/v1/reversals",
    "wallet_transfer": "/v1/transfers/wallet",
}


class MoneyTestCase(base.SandboxTestCase):
    """A sandbox per class, a session per test and the conservation check
    after each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_totals = cls.totals()

    @classmethod
    def totals(cls):
        """Return {currency: sum of every account's balance}."""
        return dict(cls.sandbox.query(
            "SELECT currency, SUM(balance) FROM (SELECT currency, balance "
            "FROM wallets UNION ALL SELECT currency, balance FROM accounts) "
            "GROUP BY currency"))

    def setUp(self):
        super().setUp()
        reply = self.client.login()
        self.assertEqual(reply.status, 201, reply.raw)
        self.token = reply.json["token"]

    def tearDown(self):
        super().tearDown()
        self.assertEqual(self.totals(), self.start_totals,
                         "the sum of all balances changed")

    def post(self, operation_type, body, key=None):
        headers = {"Idempotency-Key": body["operation_id"] if key is None
                   else key}
        return self.client.send("POST", PATHS[operation_type], body,
                                headers)

    def session(self, method, path, body=None, token=None):
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.client.send(method, path, body, headers)

    def balance(self, account):
        rows = self.sandbox.query(
            "SELECT balance FROM wallets WHERE account = ? UNION ALL "
            "SELECT balance FROM accounts WHERE account = ?",
            (account, account))
        return rows[0][0] if rows else 0

    def balances(self, *accounts):
        return [self.balance(account) for account in accounts]

    def ledger_row(self, operation_id):
        rows = self.sandbox.query(
            "SELECT type, sender, receiver, currency, amount, fee "
            "FROM ledger WHERE operation_id = ?", (operation_id,))
        return rows[0] if rows else None

    def code_for(self, wallet=KOFI, amount=5000, currency="GHS"):
        """Request a cash-out code and return it, read from the table
        that is the stand-in for the customer's SMS."""
        reply = self.session("POST", "/v1/cash-out/codes",
                             {"wallet_account": wallet,
                              "currency": currency, "amount": amount})
        self.assertEqual(reply.status, 201, reply.raw)
        return self.sandbox.query(
            "SELECT code FROM cash_out_codes WHERE wallet_account = ? "
            "AND used_by IS NULL ORDER BY rowid DESC LIMIT 1",
            (wallet,))[0][0]

    def quote(self, **fields):
        body = {"destination_country": "NG",
                "delivery_method": "bank_deposit", "send_currency": "GHS",
                "receive_currency": "NGN"}
        body.update(fields)
        if "receive_amount" not in body:
            body.setdefault("send_amount", 100000)
        return self.session("POST", "/v1/quotes", body)

    def assert_rejected(self, operation_type, body, code, status=422):
        before = self.sandbox.query("SELECT COUNT(*) FROM ledger")
        self.assert_error(self.post(operation_type, body), status, code)
        self.assertIsNone(self.ledger_row(body["operation_id"]))
        self.assertEqual(self.sandbox.query("SELECT COUNT(*) FROM ledger"),
                         before)


class ListTests(MoneyTestCase):
    def test_fees_default_schedule(self):
        reply = self.client.send("GET", "/v1/fees")
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json, DEFAULT_FEES)
        self.assertNotIn(b" ", reply.raw)
        self.assertLessEqual(len(reply.raw), 16384)

    def test_banks_list(self):
        reply = self.client.send("GET", "/v1/banks")
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json["version"], 1)
        codes = [bank["code"] for bank in reply.json["banks"]]
        self.assertEqual(codes, ["058", "044", "GH030100", "GH280100"])
        ecobank = reply.json["banks"][3]
        self.assertEqual((ecobank["scheme"], ecobank["min_length"],
                          ecobank["max_length"]), ("digits", 13, 16))
        self.assertLessEqual(len(reply.raw), 16384)

    def test_corridors_list(self):
        reply = self.client.send("GET", "/v1/corridors")
        self.assertEqual(reply.status, 200)
        nigeria = reply.json["corridors"][0]
        self.assertEqual(nigeria, {
            "country": "NG", "name": "Nigeria", "currency": "NGN",
            "methods": ["bank_deposit", "mobile_wallet", "cash_pickup"]})

    def test_lists_need_no_session(self):
        for path in ("/v1/fees", "/v1/banks", "/v1/corridors"):
            with self.subTest(path=path):
                self.assertEqual(self.client.send("GET", path).status, 200)

    def test_seed_floats_and_accounts(self):
        rows = self.sandbox.query("SELECT account, currency, balance "
                                  "FROM accounts ORDER BY account")
        self.assertEqual(rows, [
            ("bank:044", "NGN", 0), ("bank:058", "NGN", 0),
            ("bank:GH030100", "GHS", 0), ("bank:GH280100", "GHS", 0),
            ("fees:GHS", "GHS", 0), ("fees:NGN", "NGN", 0),
            ("float:A1001:GHS", "GHS", 1000000),
            ("float:A1001:NGN", "NGN", 50000000),
            ("float:A1002:GHS", "GHS", 1000000),
            ("float:A1002:NGN", "NGN", 50000000)])

    def test_schema_version_3(self):
        self.assertEqual(self.sandbox.query("PRAGMA user_version"), [(3,)])


class FeeTests(MoneyTestCase):
    def test_fee_bands_and_bounds(self):
        cases = [
            ("cash_out", "GHS", 1, 50),
            ("cash_out", "GHS", 10000, 50),        # last amount of band 0
            ("cash_out", "GHS", 10001, 100),       # 1 % is 100.01
            ("cash_out", "GHS", 15050, 151),       # 150.5 rounds up
            ("cash_out", "GHS", 15049, 150),       # 150.49 rounds down
            ("cash_out", "GHS", 200000, 2000),     # at max
            ("cash_out", "GHS", 250000, 2000),     # lowered to max
            ("cash_out", "NGN", 250000, 0),        # currency missing
            ("bank_transfer", "GHS", 1, 100),
            ("bank_transfer", "GHS", 100000, 600),
            ("bank_transfer", "GHS", 280000, 1500),
            ("bank_transfer", "GHS", 290000, 1500),  # 1550 lowered
            ("bank_transfer", "NGN", 500000, 1075),
            ("bank_transfer", "NGN", 500001, 2688),
            ("send_money", "GHS", 100000, 2000),
            ("send_money", "NGN", 100000000, 500000),  # 1550000 lowered
            ("wallet_transfer", "GHS", 100000, 0),
            ("cash_in", "NGN", 100000, 0),
            ("reversal", "GHS", 100000, 0),        # type missing
        ]
        for operation_type, currency, amount, fee in cases:
            with self.subTest(operation_type=operation_type,
                              currency=currency, amount=amount):
                self.assertEqual(fee_for(operation_type, currency, amount),
                                 fee)

    def test_bank_fee_at_band_edge(self):
        for amount, fee in ((500000, 1075), (500001, 2688)):
            with self.subTest(amount=amount):
                body = bank_body(amount, fee=fee, bank_code="058",
                                 account=GTB_ACCOUNT, name="Adaeze Nwosu",
                                 currency="NGN")
                self.assertEqual(self.post("bank_transfer", body).status,
                                 201)
                self.assertEqual(self.ledger_row(body["operation_id"])[5],
                                 fee)

    def test_fee_off_by_one_mismatch(self):
        for fee in (1074, 1076):
            with self.subTest(fee=fee):
                body = bank_body(500000, fee=fee, bank_code="058",
                                 account=GTB_ACCOUNT, name="Adaeze Nwosu",
                                 currency="NGN")
                reply = self.post("bank_transfer", body)
                self.assert_error(reply, 422, "fee_mismatch")
                self.assertIn(str(fee), reply.json["error"]["message"])
                self.assertIn("1075", reply.json["error"]["message"])

    def test_cash_out_fee_max_charged(self):
        code = self.code_for(amount=250000)
        body = cash_out_body(code, 250000)
        self.assertEqual(body["fee"], 2000)
        before = self.balances(KOFI, "float:A1001:GHS", "fees:GHS")
        self.assertEqual(self.post("cash_out", body).status, 201)
        self.assertEqual(self.balances(KOFI, "float:A1001:GHS", "fees:GHS"),
                         [before[0] - 252000, before[1] + 250000,
                          before[2] + 2000])

    def test_wallet_transfer_fee_optional(self):
        body = base.transfer_body(amount=100)
        self.assertEqual(self.post("wallet_transfer", body).status, 201)
        self.assertEqual(self.ledger_row(body["operation_id"])[5], 0)
        with_fee = dict(base.transfer_body(amount=100), fee=0)
        self.assertEqual(self.post("wallet_transfer", with_fee).status, 201)
        wrong = dict(base.transfer_body(amount=100), fee=5)
        self.assert_rejected("wallet_transfer", wrong, "fee_mismatch")
        negative = dict(base.transfer_body(amount=100), fee=-1)
        self.assert_rejected("wallet_transfer", negative, "bad_request",
                             400)


class FeeFileTests(unittest.TestCase):
    def run_sandbox(self, schedule):
        folder = tempfile.mkdtemp(prefix="sandbox-fees-")
        path = os.path.join(folder, "fees.json")
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(schedule if isinstance(schedule, str)
                         else json.dumps(schedule))
        return base.SandboxProcess("--fees", path, folder=folder)

    def test_fees_file_published_and_charged(self):
        schedule = {"version": 7, "fees": {"cash_in": {"GHS": [
            {"up_to": 1000, "fixed": 10, "rate_bp": 0},
            {"up_to": None, "fixed": 0, "rate_bp": 1000, "min": 300}]}}}
        sandbox = self.run_sandbox(schedule)
        try:
            sandbox.start()
            client = base.Client(sandbox.port)
            self.assertEqual(client.send("GET", "/v1/fees").json, schedule)
            for amount, fee in ((1000, 10), (1001, 300), (5000, 500)):
                body = cash_in_body(amount, fee=fee)
                reply = client.send("POST", "/v1/cash-in", body,
                                    {"Idempotency-Key":
                                     body["operation_id"]})
                self.assertEqual(reply.status, 201, reply.raw)
            client.close()
            fees = sandbox.query("SELECT balance FROM accounts "
                                 "WHERE account = 'fees:GHS'")
            self.assertEqual(fees, [(810,)])
        finally:
            sandbox.stop()
            sandbox.remove()

    def test_invalid_fees_file_stops_start(self):
        cases = [
            "{not json",
            {"version": 1},
            {"version": 1, "fees": {"cash_in": {"GHS": [
                {"up_to": 10, "fixed": 0, "rate_bp": 0}]}}},
            {"version": 1, "fees": {"cash_in": {"GHS": [
                {"up_to": None, "fixed": 0, "rate_bp": 1001}]}}},
            {"version": 1, "fees": {"cash_in": {"GHS": [
                {"up_to": None, "fixed": 0, "rate_bp": 0, "min": 5,
                 "max": 4}]}}},
        ]
        for schedule in cases:
            with self.subTest(schedule=schedule):
                sandbox = self.run_sandbox(schedule)
                try:
                    with self.assertRaises(RuntimeError):
                        sandbox.start()
                    self.assertEqual(sandbox.exit_code, 1)
                    with open(os.path.join(sandbox.folder, "sandbox.log"),
                              encoding="utf-8") as stream:
                        self.assertIn("invalid fee schedule file",
                                      stream.read())
                finally:
                    sandbox.remove()


class NameEnquiryTests(MoneyTestCase):
    def enquire(self, bank_code, account, token=None):
        return self.session("GET", f"/v1/banks/{bank_code}/accounts/"
                            f"{account}", token=token)

    def test_seeded_accounts_found(self):
        cases = [("058", GTB_ACCOUNT, "Adaeze Nwosu"),
                 ("044", "0690000018", "Tunde Bakare"),
                 ("GH030100", GCB_ACCOUNT, "Kwame Owusu"),
                 ("GH280100", "1441000000000002", "Kojo Annan")]
        for bank_code, account, holder in cases:
            with self.subTest(bank_code=bank_code):
                reply = self.enquire(bank_code, account)
                self.assertEqual(reply.status, 200, reply.raw)
                self.assertEqual(reply.json, {"bank_code": bank_code,
                                              "account": account,
                                              "holder_name": holder})

    def test_two_accounts_per_bank(self):
        rows = self.sandbox.query("SELECT bank_code, COUNT(*) FROM "
                                  "bank_accounts GROUP BY bank_code")
        self.assertEqual(len(rows), 4)
        for bank_code, count in rows:
            self.assertGreaterEqual(count, 2, bank_code)

    def test_unknown_bank_404(self):
        self.assert_error(self.enquire("999", GTB_ACCOUNT), 404,
                          "bank_not_found")

    def test_malformed_account_400(self):
        for bank_code, account in (("058", "0123456789"),  # check digit
                                   ("058", "012345678"),
                                   ("GH030100", "101000000000"),
                                   ("GH280100", "14410000000000001"),
                                   ("GH030100", "101000000000A")):
            with self.subTest(bank_code=bank_code, account=account):
                self.assert_error(self.enquire(bank_code, account), 400,
                                  "bad_request")

    def test_unknown_account_404(self):
        # 000000000 with its check digit 1 is a valid NUBAN at 058.
        self.assert_error(self.enquire("058", "0000000001"), 404,
                          "account_not_found")
        self.assert_error(self.enquire("GH280100", "1441000000009"), 404,
                          "account_not_found")

    def test_needs_session(self):
        self.assert_error(self.enquire("058", GTB_ACCOUNT, token="x" * 64),
                          401, "invalid_token")


class BankTransferTests(MoneyTestCase):
    def test_cash_funded_moves_float(self):
        body = bank_body(100000)
        self.assertEqual(body["fee"], 600)
        before = self.balances("float:A1001:GHS", "bank:GH030100",
                               "fees:GHS")
        reply = self.post("bank_transfer", body)
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertRegex(reply.json["reference"], r"\ASBX-\d{6,}\Z")
        self.assertEqual(reply.json["status"], "accepted")
        self.assertEqual(self.balances("float:A1001:GHS", "bank:GH030100",
                                       "fees:GHS"),
                         [before[0] - 100600, before[1] + 100000,
                          before[2] + 600])
        self.assertEqual(self.ledger_row(body["operation_id"]),
                         ("bank_transfer", "float:A1001:GHS",
                          "bank:GH030100", "GHS", 100000, 600))

    def test_wallet_funded_moves_wallet(self):
        body = bank_body(5000, funding="wallet", sender_account=KOFI)
        before = self.balances(KOFI, "bank:GH030100")
        self.assertEqual(self.post("bank_transfer", body).status, 201)
        self.assertEqual(self.balances(KOFI, "bank:GH030100"),
                         [before[0] - 5000 - body["fee"],
                          before[1] + 5000])

    def test_name_compared_without_case(self):
        body = bank_body(100, name="  kWAME owusu ")
        self.assertEqual(self.post("bank_transfer", body).status, 201)

    def test_replay_applies_once(self):
        body = bank_body(200)
        first = self.post("bank_transfer", body)
        second = self.post("bank_transfer", body)
        self.assertEqual(second.raw, first.raw)
        self.assertEqual(second.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        other = dict(body, amount=300)
        self.assert_error(self.post("bank_transfer", other), 422,
                          "idempotency_key_reused")

    def test_rejections(self):
        cases = [
            ("unknown_agent", bank_body(agent_id="A9999")),
            ("invalid_amount", bank_body(0, fee=100)),
            ("bank_not_found", bank_body(bank_code="999")),
            ("account_not_found", bank_body(account="1010000000009")),
            ("name_mismatch", bank_body(name="Kwame Owusu Jnr")),
            ("currency_mismatch", bank_body(currency="NGN", fee=1075)),
            ("wallet_not_found", bank_body(funding="wallet",
                                           sender_account="1999999999")),
            ("currency_mismatch", bank_body(funding="wallet",
                                            sender_account=CHIDI)),
            ("fee_mismatch", bank_body(fee=0)),
            ("insufficient_funds", bank_body(30000, funding="wallet",
                                             sender_account=AKOSUA)),
            ("insufficient_float", bank_body(1000000)),
        ]
        for code, body in cases:
            with self.subTest(code=code):
                self.assert_rejected("bank_transfer", body, code)

    def test_malformed_400(self):
        with_sender = bank_body(sender_account=KOFI)
        no_funding = bank_body()
        del no_funding["funding"]
        no_sender = bank_body(funding="wallet")
        no_fee = bank_body()
        del no_fee["fee"]
        for body in (with_sender, no_funding, no_sender, no_fee):
            with self.subTest(body=body):
                self.assert_rejected("bank_transfer", body, "bad_request",
                                     400)


class CashInTests(MoneyTestCase):
    def test_float_pays_wallet(self):
        body = cash_in_body(10000)
        before = self.balances("float:A1001:GHS", AKOSUA)
        self.assertEqual(self.post("cash_in", body).status, 201)
        self.assertEqual(self.balances("float:A1001:GHS", AKOSUA),
                         [before[0] - 10000, before[1] + 10000])
        self.assertEqual(self.ledger_row(body["operation_id"]),
                         ("cash_in", "float:A1001:GHS", AKOSUA, "GHS",
                          10000, 0))

    def test_by_customer_id(self):
        body = cash_in_body(10)
        del body["receiver_account"]
        body["receiver_customer_id"] = KOFI_ID
        self.assertEqual(self.post("cash_in", body).status, 201)
        self.assertEqual(self.ledger_row(body["operation_id"])[2], KOFI)

    def test_other_agent_uses_own_float(self):
        body = cash_in_body(77, agent_id="A1002")
        before = self.balances("float:A1001:GHS", "float:A1002:GHS")
        self.assertEqual(self.post("cash_in", body).status, 201)
        self.assertEqual(self.balances("float:A1001:GHS",
                                       "float:A1002:GHS"),
                         [before[0], before[1] - 77])

    def test_rejections(self):
        unknown_customer = cash_in_body()
        del unknown_customer["receiver_account"]
        unknown_customer["receiver_customer_id"] = str(uuid.uuid4())
        no_ngn_wallet = dict(unknown_customer, operation_id=str(uuid.uuid4()),
                             receiver_customer_id=KOFI_ID, currency="NGN")
        cases = [
            ("unknown_agent", cash_in_body(agent_id="A9999")),
            ("invalid_amount", cash_in_body(10**15 + 1)),
            ("customer_not_found", unknown_customer),
            ("wallet_not_found", no_ngn_wallet),
            ("wallet_not_found", cash_in_body(receiver="1999999999")),
            ("currency_mismatch", cash_in_body(receiver=CHIDI)),
            ("fee_mismatch", cash_in_body(fee=1)),
            ("insufficient_float", cash_in_body(50000001, receiver=NGOZI,
                                                currency="NGN",
                                                agent_id="A1002")),
        ]
        for code, body in cases:
            with self.subTest(code=code):
                self.assert_rejected("cash_in", body, code)

    def test_low_float_message(self):
        """The message reaches the agent and the rejection notice, so it
        names the float by its currency, not by its ledger account."""
        body = cash_in_body(50000001, receiver=NGOZI, currency="NGN",
                            agent_id="A1002")
        reply = self.post("cash_in", body)
        self.assert_error(reply, 422, "insufficient_float")
        self.assertEqual(reply.json["error"]["message"],
                         "The agent's float in NGN is too low for this "
                         "operation.")

    def test_malformed_400(self):
        both = cash_in_body(receiver_customer_id=KOFI_ID)
        text_amount = cash_in_body(amount="100")
        for body in (both, text_amount):
            with self.subTest(body=body):
                self.assert_rejected("cash_in", body, "bad_request", 400)


class CashOutTests(MoneyTestCase):
    def test_code_request_reply(self):
        reply = self.session("POST", "/v1/cash-out/codes",
                             {"wallet_account": KOFI, "currency": "GHS",
                              "amount": 5000})
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(reply.json["wallet_account"], KOFI)
        self.assertEqual(reply.json["expires_in"], 600)
        self.assertEqual(reply.json["sent_to"], "+233*******01")
        self.assertRegex(reply.json["expires_at"],
                         r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
        rows = self.sandbox.query(
            "SELECT amount, code, expires_at - created_at, used_by FROM "
            "cash_out_codes WHERE wallet_account = ? AND used_by IS NULL",
            (KOFI,))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0], 5000)
        self.assertRegex(rows[0][1], r"\A[0-9]{6}\Z")
        self.assertEqual(rows[0][2], 600)

    def test_code_goes_to_log_as_sms(self):
        code = self.code_for(wallet=AKOSUA, amount=100)
        with open(os.path.join(self.sandbox.folder, "sandbox.log"),
                  encoding="utf-8") as stream:
            log = stream.read()
        self.assertIn(f"sandbox: SMS to +233244000002: cash-out code "
                      f"{code}", log)
        self.assertEqual(log.count(code), 1)

    def test_new_code_replaces_unused(self):
        self.code_for(wallet=AKOSUA, amount=100)
        self.code_for(wallet=AKOSUA, amount=200)
        rows = self.sandbox.query("SELECT amount FROM cash_out_codes WHERE "
                                  "wallet_account = ? AND used_by IS NULL",
                                  (AKOSUA,))
        self.assertEqual(rows, [(200,)])

    def test_code_request_errors(self):
        cases = [
            (404, "wallet_not_found", {"wallet_account": "1999999999",
                                       "currency": "GHS", "amount": 1}),
            (422, "currency_mismatch", {"wallet_account": KOFI,
                                        "currency": "NGN", "amount": 1}),
            (422, "invalid_amount", {"wallet_account": KOFI,
                                     "currency": "GHS", "amount": 0}),
            (400, "bad_request", {"wallet_account": KOFI,
                                  "currency": "GHS"}),
        ]
        for status, code, body in cases:
            with self.subTest(code=code):
                self.assert_error(self.session(
                    "POST", "/v1/cash-out/codes", body), status, code)
        self.assert_error(self.session(
            "POST", "/v1/cash-out/codes", cases[1][2], token="y" * 64),
            401, "invalid_token")

    def test_wallet_pays_float_gets_amount(self):
        code = self.code_for(amount=5000)
        body = cash_out_body(code, 5000)
        self.assertEqual(body["fee"], 50)
        before = self.balances(KOFI, "float:A1001:GHS", "fees:GHS")
        reply = self.post("cash_out", body)
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(self.balances(KOFI, "float:A1001:GHS", "fees:GHS"),
                         [before[0] - 5050, before[1] + 5000,
                          before[2] + 50])
        used = self.sandbox.query("SELECT used_by FROM cash_out_codes "
                                  "WHERE code = ? AND wallet_account = ?",
                                  (code, KOFI))
        self.assertIn((body["operation_id"],), used)

    def test_code_used_twice(self):
        code = self.code_for(amount=1000)
        first = cash_out_body(code, 1000)
        self.assertEqual(self.post("cash_out", first).status, 201)
        # The replay needs no unused code.
        replay = self.post("cash_out", first)
        self.assertEqual(replay.status, 201)
        self.assertEqual(replay.headers["Idempotent-Replayed"], "true")
        second = cash_out_body(code, 1000)
        self.assert_rejected("cash_out", second, "invalid_code")
        self.assertEqual(self.sandbox.ledger_count(first["operation_id"]), 1)

    def test_rejections(self):
        code = self.code_for(amount=2000)
        cases = [
            ("unknown_agent", cash_out_body(code, 2000, agent_id="A9999")),
            ("invalid_amount", cash_out_body(code, 0, fee=50)),
            ("wallet_not_found", cash_out_body(code, 2000,
                                               sender="1999999999")),
            ("currency_mismatch", cash_out_body(code, 2000,
                                                currency="NGN", fee=0)),
            ("invalid_code", cash_out_body("000000" if code != "000000"
                                           else "111111", 2000)),
            ("invalid_code", cash_out_body(code, 2001)),
            ("fee_mismatch", cash_out_body(code, 2000, fee=49)),
        ]
        for error_code, body in cases:
            with self.subTest(code=error_code):
                self.assert_rejected("cash_out", body, error_code)
        poor = self.code_for(wallet=AKOSUA, amount=10**6)
        self.assert_rejected("cash_out", cash_out_body(poor, 10**6,
                                                       sender=AKOSUA),
                             "insufficient_funds")


class CodeExpiryTests(MoneyTestCase):
    sandbox_args = ("--code-ttl", "1")

    def test_code_expired(self):
        code = self.code_for(amount=3000)
        expires_at = self.sandbox.query(
            "SELECT expires_at FROM cash_out_codes WHERE code = ? AND "
            "wallet_account = ?", (code, KOFI))[0][0]
        deadline = time.monotonic() + WAIT_LIMIT
        while time.time() < expires_at + 0.1 and \
                time.monotonic() < deadline:
            time.sleep(0.2)
        self.assert_rejected("cash_out", cash_out_body(code, 3000),
                             "code_expired")


class WalletReadTests(MoneyTestCase):
    def test_balance(self):
        reply = self.session("GET", f"/v1/wallets/{AKOSUA}/balance")
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(reply.json["holder_name"], "Akosua Darko")
        self.assertEqual(reply.json["currency"], "GHS")
        self.assertEqual(reply.json["balance"], self.balance(AKOSUA))
        self.assertIn("as_of", reply.json)

    def test_balance_errors(self):
        self.assert_error(self.session("GET", "/v1/wallets/12/balance"),
                          400, "bad_request")
        self.assert_error(self.session("GET",
                                       "/v1/wallets/1999999999/balance"),
                          404, "wallet_not_found")
        self.assert_error(self.session("GET", f"/v1/wallets/{KOFI}/balance",
                                       token="z" * 64),
                          401, "invalid_token")

    def test_statement_last_ten_signed(self):
        bodies = [cash_in_body(10000 + number, receiver=NGOZI,
                               currency="NGN") for number in range(11)]
        for body in bodies:
            self.assertEqual(self.post("cash_in", body).status, 201)
        pay = bank_body(1000, funding="wallet", sender_account=NGOZI,
                        bank_code="058", account=GTB_ACCOUNT,
                        name="Adaeze Nwosu", currency="NGN")
        self.assertEqual(self.post("bank_transfer", pay).status, 201)
        reply = self.session("GET", f"/v1/wallets/{NGOZI}/statement")
        self.assertEqual(reply.status, 200, reply.raw)
        movements = reply.json["movements"]
        self.assertEqual(len(movements), 10)
        self.assertEqual(movements[0]["type"], "bank_transfer")
        self.assertEqual(movements[0]["amount"], -(1000 + 1075))
        self.assertEqual(movements[0]["description"],
                         "Bank transfer to Guaranty Trust Bank")
        self.assertEqual(movements[1]["amount"], 10010)
        self.assertEqual(movements[1]["description"], "Cash-in")
        self.assertEqual(movements[9]["amount"], 10002)
        self.assertEqual(reply.json["balance"], self.balance(NGOZI))
        for movement in movements:
            self.assertLessEqual(len(movement["description"]), 64)

    def test_statement_errors(self):
        self.assert_error(self.session("GET",
                                       "/v1/wallets/1999999999/statement"),
                          404, "wallet_not_found")
        self.assert_error(self.session("GET", "/v1/wallets/x/statement"),
                          400, "bad_request")

    def test_own_float(self):
        reply = self.session("GET", "/v1/agents/A1001/float")
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(reply.json["agent_id"], "A1001")
        self.assertEqual(reply.json["floats"], [
            {"currency": "GHS", "balance": self.balance("float:A1001:GHS")},
            {"currency": "NGN", "balance": self.balance("float:A1001:NGN")}])

    def test_other_agents_float_403(self):
        self.assert_error(self.session("GET", "/v1/agents/A1002/float"),
                          403, "forbidden")
        self.assert_error(self.session("GET", "/v1/agents/A1001/float",
                                       token="w" * 64),
                          401, "invalid_token")


class SendMoneyTests(MoneyTestCase):
    def test_quote_by_send_amount(self):
        reply = self.quote(send_amount=100000)
        self.assertEqual(reply.status, 201, reply.raw)
        quote = reply.json
        self.assertRegex(quote["quote_id"], UUID_PATTERN)
        self.assertEqual((quote["send_amount"], quote["receive_amount"],
                          quote["rate"], quote["fee"], quote["total"],
                          quote["expires_in"]),
                         (100000, 12345600, "123.456000", 2000, 102000,
                          120))

    def test_quote_by_receive_amount_rounds_up(self):
        reply = self.quote(receive_amount=12345601)
        self.assertEqual(reply.status, 201, reply.raw)
        # 12345601 / 123.456 = 100000.0081, so 100001 pesewas.
        self.assertEqual(reply.json["send_amount"], 100001)
        self.assertEqual(reply.json["receive_amount"], 12345601)

    def test_quote_rejections(self):
        cases = [
            (422, "unsupported_corridor", {"destination_country": "ZZ"}),
            (422, "unsupported_corridor", {"destination_country": "GB",
                                           "receive_currency": "GBP",
                                           "delivery_method":
                                               "cash_pickup"}),
            (422, "unsupported_corridor", {"receive_currency": "GBP"}),
            (422, "invalid_amount", {"send_amount": 0}),
            (422, "invalid_amount", {"send_currency": "NGN",
                                     "destination_country": "GB",
                                     "receive_currency": "GBP",
                                     "send_amount": 1}),
            (400, "bad_request", {"send_amount": 1,
                                  "receive_amount": 1}),
        ]
        for status, code, fields in cases:
            with self.subTest(fields=fields):
                self.assert_error(self.quote(**fields), status, code)

    def test_cash_send_moves_float_to_remit(self):
        quote = self.quote().json
        body = send_body(quote)
        before = self.balances("float:A1001:GHS", "remit:NG:GHS",
                               "fees:GHS")
        reply = self.post("send_money", body)
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(self.balances("float:A1001:GHS", "remit:NG:GHS",
                                       "fees:GHS"),
                         [before[0] - 102000, before[1] + 100000,
                          before[2] + 2000])
        self.assertEqual(self.sandbox.query(
            "SELECT used_by FROM quotes WHERE quote_id = ?",
            (quote["quote_id"],)), [(body["operation_id"],)])

    def test_wallet_send_and_cash_pickup(self):
        quote = self.quote(delivery_method="cash_pickup",
                           send_amount=1000).json
        body = send_body(quote, funding="wallet", sender_account=KOFI)
        del body["receiver_account"]
        before = self.balance(KOFI)
        self.assertEqual(self.post("send_money", body).status, 201)
        self.assertEqual(self.balance(KOFI), before - quote["total"])
        movement = self.session("GET", f"/v1/wallets/{KOFI}/statement"
                                ).json["movements"][0]
        self.assertEqual(movement["amount"], -quote["total"])
        self.assertEqual(movement["description"], "Send money to Nigeria")

    def test_quote_used_twice(self):
        quote = self.quote(send_amount=500).json
        first = send_body(quote)
        self.assertEqual(self.post("send_money", first).status, 201)
        self.assertEqual(self.post("send_money", first).status, 201)
        self.assert_rejected("send_money", send_body(quote), "quote_used")
        self.assertEqual(self.sandbox.ledger_count(first["operation_id"]), 1)

    def test_rejections(self):
        quote = self.quote(send_amount=2000).json
        missing = dict(quote, quote_id=str(uuid.uuid4()))
        no_account = send_body(quote)
        del no_account["receiver_account"]
        big = self.quote(send_amount=100000, delivery_method="cash_pickup")
        poor = send_body(big.json, funding="wallet", sender_account=AKOSUA)
        wide = self.quote(send_amount=990000, delivery_method="cash_pickup")
        cases = [
            ("unknown_agent", send_body(quote, agent_id="A9999")),
            ("quote_not_found", send_body(missing)),
            ("quote_mismatch", send_body(quote, fee=quote["fee"] + 1)),
            ("quote_mismatch", send_body(quote, amount=1999)),
            ("quote_mismatch", send_body(quote, receive_amount=1)),
            ("invalid_field", no_account),
            ("wallet_not_found", send_body(quote, funding="wallet",
                                           sender_account="1999999999")),
            ("currency_mismatch", send_body(quote, funding="wallet",
                                            sender_account=CHIDI)),
            ("insufficient_funds", poor),
            ("insufficient_float", send_body(wide.json)),
        ]
        for code, body in cases:
            with self.subTest(code=code):
                self.assert_rejected("send_money", body, code)


class QuoteExpiryTests(MoneyTestCase):
    sandbox_args = ("--quote-ttl", "1")

    def test_quote_used_after_expiry(self):
        reply = self.quote(send_amount=1000)
        self.assertEqual(reply.json["expires_in"], 1)
        quote = reply.json
        expires_at = self.sandbox.query(
            "SELECT expires_at FROM quotes WHERE quote_id = ?",
            (quote["quote_id"],))[0][0]
        deadline = time.monotonic() + WAIT_LIMIT
        while time.time() < expires_at + 0.1 and \
                time.monotonic() < deadline:
            time.sleep(0.2)
        self.assert_rejected("send_money", send_body(quote),
                             "quote_expired")


class ReversalTests(MoneyTestCase):
    def cash_in(self, amount=10000, **fields):
        body = cash_in_body(amount, **fields)
        self.assertEqual(self.post("cash_in", body).status, 201)
        return body

    def test_reversal_of_cash_out_refunds_fee(self):
        code = self.code_for(amount=20000)
        original = cash_out_body(code, 20000)
        self.assertEqual(self.post("cash_out", original).status, 201)
        fee = original["fee"]
        before = self.balances(KOFI, "float:A1001:GHS", "fees:GHS")
        reversal = reversal_body(original, amount=20000)
        reply = self.post("reversal", reversal)
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(self.balances(KOFI, "float:A1001:GHS", "fees:GHS"),
                         [before[0] + 20000 + fee, before[1] - 20000,
                          before[2] - fee])
        self.assertEqual(self.ledger_row(reversal["operation_id"]),
                         ("reversal", "float:A1001:GHS", KOFI, "GHS", 20000,
                          -fee))
        self.assertEqual(self.sandbox.query(
            "SELECT original_operation_id, reason FROM reversals WHERE "
            "operation_id = ?", (reversal["operation_id"],)),
            [(original["operation_id"], "Wrong wallet number")])

    def test_reversal_sent_twice_applies_once(self):
        original = self.cash_in(300)
        reversal = reversal_body(original, amount=300)
        before = self.balance(AKOSUA)
        first = self.post("reversal", reversal)
        second = self.post("reversal", reversal)
        self.assertEqual(first.status, 201)
        self.assertEqual(second.raw, first.raw)
        self.assertEqual(second.headers["Idempotent-Replayed"], "true")
        batch = self.client.batch([item("reversal", reversal)])
        self.assertEqual(batch.json["results"][0]["status"], 201)
        self.assertEqual(self.sandbox.ledger_count(
            reversal["operation_id"]), 1)
        self.assertEqual(self.balance(AKOSUA), before - 300)

    def test_second_reversal_refused(self):
        original = self.cash_in(400)
        self.assertEqual(self.post("reversal", reversal_body(
            original, amount=400)).status, 201)
        second = reversal_body(original, amount=400)
        self.assert_rejected("reversal", second, "already_reversed")

    def test_rejections(self):
        original = self.cash_in(500)
        applied = reversal_body(self.cash_in(600), amount=600)
        self.assertEqual(self.post("reversal", applied).status, 201)
        registration = base.registration_body()
        self.assertEqual(self.client.register(registration).status, 201)
        rejected = cash_in_body(1, receiver="1999999999")
        self.assertEqual(self.post("cash_in", rejected).status, 422)
        cases = [
            ("unknown_agent", reversal_body(original, amount=500,
                                            agent_id="A9999")),
            ("invalid_amount", reversal_body(original, amount=0)),
            ("original_not_found", reversal_body(
                {"operation_id": str(uuid.uuid4())}, amount=500)),
            ("original_not_found", reversal_body(rejected, amount=1)),
            ("not_reversible", reversal_body(applied, amount=600)),
            ("not_reversible", reversal_body(registration, amount=1)),
            ("reversal_mismatch", reversal_body(original, amount=501)),
            ("reversal_mismatch", reversal_body(original, currency="NGN",
                                                amount=500)),
        ]
        for code, body in cases:
            with self.subTest(code=code):
                self.assert_rejected("reversal", body, code)

    def test_receiver_spent_it(self):
        original = self.cash_in(1000, receiver=NGOZI, currency="NGN")
        spend = base.transfer_body(amount=self.balance(NGOZI),
                                   sender=NGOZI, receiver=CHIDI,
                                   currency="NGN")
        self.assertEqual(self.post("wallet_transfer", spend).status, 201)
        self.assert_rejected("reversal", reversal_body(
            original, currency="NGN", amount=1000), "insufficient_funds")

    def test_reversal_of_bank_transfer(self):
        original = bank_body(10000)
        self.assertEqual(self.post("bank_transfer", original).status, 201)
        before = self.balances("float:A1001:GHS", "bank:GH030100")
        reply = self.post("reversal", reversal_body(original, amount=10000))
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(self.balances("float:A1001:GHS", "bank:GH030100"),
                         [before[0] + 10000 + original["fee"],
                          before[1] - 10000])

    def test_statement_names_reversed_reference(self):
        original = self.cash_in(700, receiver=KOFI)
        reference = self.sandbox.query(
            "SELECT reference FROM ledger WHERE operation_id = ?",
            (original["operation_id"],))[0][0]
        self.assertEqual(self.post("reversal", reversal_body(
            original, amount=700)).status, 201)
        movements = self.session("GET", f"/v1/wallets/{KOFI}/statement"
                                 ).json["movements"]
        self.assertEqual(movements[0]["amount"], -700)
        self.assertEqual(movements[0]["description"],
                         f"Reversal of {reference}")


class MoneyBatchTests(MoneyTestCase):
    def test_mixed_types_apply_in_order(self):
        code = self.code_for(wallet=AKOSUA, amount=1000)
        quote = self.quote(send_amount=3000).json
        cash_in = cash_in_body(5000)
        cash_out = cash_out_body(code, 1000, sender=AKOSUA)
        bank = bank_body(2000, funding="wallet", sender_account=AKOSUA)
        send = send_body(quote, funding="wallet", sender_account=AKOSUA)
        reversal = reversal_body(cash_in, amount=5000)
        items = [item("cash_in", cash_in), item("cash_out", cash_out),
                 item("bank_transfer", bank), item("send_money", send),
                 item("reversal", reversal)]
        reply = self.client.batch(items)
        self.assertEqual(reply.status, 200, reply.raw)
        for result, sent in zip(reply.json["results"], items):
            with self.subTest(type=sent["type"]):
                self.assert_result(result, sent, 201)
                self.assertEqual(self.sandbox.ledger_count(
                    sent["operation_id"]), 1)
        # Sent alone afterwards, each one is a replay.
        single = dict(cash_out)
        replay = self.post("cash_out", single)
        self.assertEqual(replay.headers["Idempotent-Replayed"], "true")

    def test_failed_cash_in_holds_no_float(self):
        # The first cash-in is one minor unit over A1002's GHS float. The
        # cash-out after it tops the float up, so the same amount fits
        # for the second cash-in.
        float_before = self.balance("float:A1002:GHS")
        code = self.code_for(wallet=KOFI, amount=5000)
        failed = cash_in_body(float_before + 1, agent_id="A1002")
        cash_out = cash_out_body(code, 5000, sender=KOFI, agent_id="A1002")
        behind = cash_in_body(float_before + 1, receiver=KOFI,
                              agent_id="A1002")
        items = [item("cash_in", failed), item("cash_out", cash_out),
                 item("cash_in", behind)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 422, "insufficient_float")
        self.assert_result(results[1], items[1], 201)
        self.assert_result(results[2], items[2], 201)
        self.assertEqual(self.balance("float:A1002:GHS"), 4999)
        self.assertEqual(self.sandbox.ledger_count(failed["operation_id"]),
                         0)

        # Sent again, the rejection is replayed although the float would
        # now cover it, and the two accepted items are not applied twice.
        again = self.client.batch(items).json["results"]
        self.assert_result(again[0], items[0], 422, "insufficient_float")
        for index in (1, 2):
            with self.subTest(index=index):
                self.assert_result(again[index], items[index], 201)
                self.assertEqual(again[index]["reference"],
                                 results[index]["reference"])
                self.assertEqual(self.sandbox.ledger_count(
                    items[index]["operation_id"]), 1)
        self.assertEqual(self.balance("float:A1002:GHS"), 4999)

    def test_failed_bank_transfer_holds_no_float(self):
        # A1002's cash-funded bank transfer fails on the account name. The
        # cash-in on the same float and the reversal of that cash-in are
        # decided on their own.
        failed = bank_body(100, name="Somebody Else", agent_id="A1002")
        behind = cash_in_body(100, agent_id="A1002")
        reversal = reversal_body(behind, amount=100, agent_id="A1002")
        items = [item("bank_transfer", failed), item("cash_in", behind),
                 item("reversal", reversal)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 422, "name_mismatch")
        self.assert_result(results[1], items[1], 201)
        self.assert_result(results[2], items[2], 201)
        for applied in (behind, reversal):
            self.assertEqual(self.sandbox.ledger_count(
                applied["operation_id"]), 1)

    def test_other_currency_not_held(self):
        failed = cash_in_body(1, receiver="1999999999", agent_id="A1002")
        ngn = cash_in_body(1, receiver=NGOZI, currency="NGN",
                           agent_id="A1002")
        items = [item("cash_in", failed), item("cash_in", ngn)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 422, "wallet_not_found")
        self.assert_result(results[1], items[1], 201)

    def test_reversal_not_held_by_float(self):
        # The original's ledger row names A1001's GHS float, which a
        # failed cash-in before the reversal could not pay from.
        original = cash_in_body(50, receiver=KOFI)
        self.assertEqual(self.post("cash_in", original).status, 201)
        failed = cash_in_body(self.balance("float:A1001:GHS") + 1)
        reversal = reversal_body(original, amount=50)
        items = [item("cash_in", failed), item("reversal", reversal)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 422, "insufficient_float")
        self.assert_result(results[1], items[1], 201)

    def test_reversal_of_applied_original_waits_for_wallet(self):
        original = cash_in_body(50, receiver=KOFI)
        self.assertEqual(self.post("cash_in", original).status, 201)
        failed = base.transfer_body(amount=10**12, sender=KOFI)
        reversal = reversal_body(original, amount=50)
        items = [item("wallet_transfer", failed), item("reversal", reversal)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 422, "insufficient_funds")
        self.assert_result(results[1], items[1], 424, "dependency_failed")

    def test_malformed_item_holds_no_float(self):
        # The malformed cash-in still holds back its wallet, AKOSUA, but
        # not A1002's float.
        malformed = cash_in_body(1, agent_id="A1002")
        del malformed["fee"]
        code = self.code_for(wallet=KOFI, amount=1)
        cash_out = cash_out_body(code, 1, agent_id="A1002")
        same_wallet = cash_in_body(1, agent_id="A1002")
        items = [item("cash_in", malformed), item("cash_out", cash_out),
                 item("cash_in", same_wallet)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 400, "bad_request")
        self.assert_result(results[1], items[1], 201)
        self.assert_result(results[2], items[2], 424, "dependency_failed")
        self.assertEqual(results[2]["depends_on"], malformed["operation_id"])

    def test_rejection_replayed_in_batch(self):
        body = cash_in_body(1, fee=3)
        self.assert_error(self.post("cash_in", body), 422, "fee_mismatch")
        results = self.client.batch([item("cash_in", body)]).json["results"]
        self.assert_result(results[0], body, 422, "fee_mismatch")


class MoneyInProgressTests(MoneyTestCase):
    # Each operation keeps its key for 1.5 s, so a duplicate sent
    # meanwhile meets it in progress.
    sandbox_args = ("--transfer-delay", "1.5")

    def test_duplicate_in_progress_409(self):
        body = cash_in_body(5)
        results = {}

        def first_request():
            client = base.Client(self.sandbox.port)
            try:
                results["first"] = client.send(
                    "POST", PATHS["cash_in"], body,
                    {"Idempotency-Key": body["operation_id"]})
            finally:
                client.close()

        thread = threading.Thread(target=first_request)
        thread.start()
        time.sleep(0.5)
        duplicate = self.post("cash_in", body)
        thread.join(base.IO_TIMEOUT)
        self.assert_error(duplicate, 409, "request_in_progress")
        self.assertEqual(results["first"].status, 201)
        replay = self.post("cash_in", body)
        self.assertEqual(replay.raw, results["first"].raw)
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)


class MoneyFaultTests(MoneyTestCase):
    sandbox_args = ("--faults",)

    def test_reply_lost_after_apply_replays(self):
        original = cash_in_body(40)
        self.assertEqual(self.post("cash_in", original).status, 201)
        body = reversal_body(original, amount=40)
        self.client.add_faults({"path": PATHS["reversal"],
                                "kind": "after_apply_status"})
        self.assert_error(self.post("reversal", body), 500,
                          "injected_fault")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        replay = self.post("reversal", body)
        self.assertEqual(replay.status, 201)
        self.assertEqual(replay.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)

    def test_status_fault_applies_nothing(self):
        body = bank_body(100)
        self.client.add_faults({"path": PATHS["bank_transfer"],
                                "kind": "status", "status": 503,
                                "retry_after": 2})
        reply = self.post("bank_transfer", body)
        self.assert_error(reply, 503, "injected_fault")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 0)
        self.assertEqual(self.post("bank_transfer", body).status, 201)

    def test_item_fault_holds_no_float(self):
        first = cash_in_body(1, agent_id="A1002")
        behind = cash_in_body(1, receiver=KOFI, agent_id="A1002")
        self.client.add_faults({"path": base.BATCH_PATH,
                                "kind": "item_status", "status": 500,
                                "index": 0})
        items = [item("cash_in", first), item("cash_in", behind)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 500, "injected_fault")
        self.assert_result(results[1], items[1], 201)
        again = self.client.batch(items).json["results"]
        self.assert_result(again[0], items[0], 201)
        self.assert_result(again[1], items[1], 201)
        self.assertEqual(again[1]["reference"], results[1]["reference"])
        for body in (first, behind):
            self.assertEqual(self.sandbox.ledger_count(body["operation_id"]),
                             1)


class DefaultLimitTests(MoneyTestCase):
    """At each default maximum the operation passes the limit check and
    fails on funds, because no seeded account has that much. One minor
    unit more is rejected for the limit first."""

    def test_cash_out_at_default_maximum(self):
        at = cash_out_body(self.code_for(amount=1000000), 1000000)
        self.assert_rejected("cash_out", at, "insufficient_funds")
        over = cash_out_body(self.code_for(amount=1000001), 1000001)
        reply = self.post("cash_out", over)
        self.assert_error(reply, 422, "limit_exceeded")
        self.assertEqual(reply.json["error"]["message"],
                         "Cash-out is limited to GHS 10,000.00 per "
                         "operation.")
        self.assertIsNone(self.ledger_row(over["operation_id"]))

    def test_bank_transfer_at_default_maximum(self):
        cases = [(5000000, "GHS", "insufficient_float"),
                 (5000001, "GHS", "limit_exceeded"),
                 (500000000, "NGN", "insufficient_float"),
                 (500000001, "NGN", "limit_exceeded")]
        for amount, currency, code in cases:
            with self.subTest(amount=amount, currency=currency):
                if currency == "GHS":
                    body = bank_body(amount)
                else:
                    body = bank_body(amount, bank_code="058",
                                     account=GTB_ACCOUNT,
                                     name="Adaeze Nwosu", currency="NGN")
                self.assert_rejected("bank_transfer", body, code)

    def test_send_money_at_default_maximum(self):
        for amount, code in ((2000000, "insufficient_float"),
                             (2000001, "limit_exceeded")):
            with self.subTest(amount=amount):
                quote = self.quote(send_amount=amount)
                self.assertEqual(quote.status, 201, quote.raw)
                self.assert_rejected("send_money", send_body(quote.json),
                                     code)

    def test_cash_in_has_no_default_maximum(self):
        body = cash_in_body(10**12)
        self.assert_rejected("cash_in", body, "insufficient_float")


# Small limits for LimitFileTests, in minor units.
SMALL_LIMITS = {
    "max_amount": {
        "cash_out": {"GHS": 3000, "NGN": 3000},
        "cash_in": {"NGN": 2000},
        "wallet_transfer": {"NGN": 1500},
        "bank_transfer": {"GHS": 4000},
        "send_money": {"GHS": 5000},
    },
    "max_daily_cash_out": {"GHS": 5000, "NGN": 5000},
}
MIDNIGHT_MARGIN = 60  # seconds before 00:00 UTC that a daily test waits


def wait_out_midnight():
    """Sleep past 00:00 UTC when it is less than MIDNIGHT_MARGIN seconds
    away, so that the cash-outs of one test fall on one UTC date."""
    left = 86400 - time.time() % 86400
    if left < MIDNIGHT_MARGIN:
        time.sleep(left + 1)


class LimitFileTests(MoneyTestCase):
    """Each limit at its edge, with SMALL_LIMITS loaded by --limits.
    Each test pays out of fresh wallets, so that the daily totals of one
    test do not reach another."""

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="sandbox-limits-")
        path = os.path.join(cls.folder, "limits.json")
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(SMALL_LIMITS, stream)
        cls.sandbox_args = ("--limits", path)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.folder, ignore_errors=True)

    def new_wallet(self, balance=20000, currency="GHS"):
        """Register a customer, cash balance in to the new wallet and
        return its account."""
        registration = base.registration_body(currency=currency)
        reply = self.client.register(registration)
        self.assertEqual(reply.status, 201, reply.raw)
        wallet = reply.json["wallet_account"]
        while balance > 0:
            # The NGN cash-in limit takes several cash-ins.
            part = min(balance, 2000)
            body = cash_in_body(part, receiver=wallet, currency=currency)
            self.assertEqual(self.post("cash_in", body).status, 201)
            balance -= part
        return wallet

    def cash_out(self, wallet, amount, currency="GHS"):
        code = self.code_for(wallet=wallet, amount=amount,
                             currency=currency)
        body = cash_out_body(code, amount, sender=wallet,
                             currency=currency)
        return body, self.post("cash_out", body)

    def test_per_operation_edges(self):
        wallet = self.new_wallet()
        ngn = self.new_wallet(6000, "NGN")
        quote_at = self.quote(send_amount=5000).json
        quote_over = self.quote(send_amount=5001).json
        cases = [
            ("cash_out", "GHS", 3000, None),
            ("cash_in", "NGN", 2000,
             lambda amount: cash_in_body(amount, receiver=ngn,
                                         currency="NGN")),
            ("wallet_transfer", "NGN", 1500,
             lambda amount: base.transfer_body(amount=amount, sender=ngn,
                                               receiver=CHIDI,
                                               currency="NGN")),
            ("bank_transfer", "GHS", 4000, lambda amount: bank_body(amount)),
            ("send_money", "GHS", 5000,
             lambda amount: send_body(quote_at if amount == 5000
                                      else quote_over)),
        ]
        for operation_type, currency, maximum, make in cases:
            with self.subTest(operation_type=operation_type):
                if make is None:
                    make = (lambda amount: cash_out_body(
                        self.code_for(wallet=wallet, amount=amount),
                        amount, sender=wallet))
                over = make(maximum + 1)
                reply = self.post(operation_type, over)
                self.assert_error(reply, 422, "limit_exceeded")
                self.assertEqual(
                    reply.json["error"]["message"],
                    f"{OPERATION_NAMES[operation_type]} is limited to "
                    f"{currency} {maximum // 100}.{maximum % 100:02d} per "
                    f"operation.")
                self.assertIsNone(self.ledger_row(over["operation_id"]))
                at = make(maximum)
                reply = self.post(operation_type, at)
                self.assertEqual(reply.status, 201, reply.raw)

    def test_no_limit_for_other_currency(self):
        # SMALL_LIMITS sets no GHS maximum for cash-in.
        body = cash_in_body(100000)
        self.assertEqual(self.post("cash_in", body).status, 201)

    def test_daily_total_across_cash_outs(self):
        wait_out_midnight()
        wallet = self.new_wallet()
        _, reply = self.cash_out(wallet, 3000)
        self.assertEqual(reply.status, 201, reply.raw)

        over, reply = self.cash_out(wallet, 2001)
        self.assert_error(reply, 422, "limit_exceeded")
        self.assertEqual(reply.json["error"]["message"],
                         f"Wallet {wallet} has GHS 20.00 of its GHS 50.00 "
                         f"daily cash-out limit left.")
        self.assertIsNone(self.ledger_row(over["operation_id"]))
        _, reply = self.cash_out(wallet, 2000)
        self.assertEqual(reply.status, 201, reply.raw)

        _, reply = self.cash_out(wallet, 1)
        self.assert_error(reply, 422, "limit_exceeded")
        self.assertIn("has GHS 0.00 of its GHS 50.00", reply.json["error"]
                      ["message"])
        self.assertEqual(self.balance(wallet),
                         20000 - 5000 - fee_for("cash_out", "GHS", 3000)
                         - fee_for("cash_out", "GHS", 2000))

    def test_reversed_cash_out_frees_daily_limit(self):
        wait_out_midnight()
        wallet = self.new_wallet()
        _, reply = self.cash_out(wallet, 3000)
        self.assertEqual(reply.status, 201, reply.raw)
        second, reply = self.cash_out(wallet, 2000)
        self.assertEqual(reply.status, 201, reply.raw)
        reversal = reversal_body(second, amount=2000)
        self.assertEqual(self.post("reversal", reversal).status, 201)
        _, reply = self.cash_out(wallet, 2000)
        self.assertEqual(reply.status, 201, reply.raw)
        _, reply = self.cash_out(wallet, 1)
        self.assert_error(reply, 422, "limit_exceeded")

    def test_daily_total_resets_next_day(self):
        # The sandbox's clock cannot be set, so the test moves the
        # wallet's cash-outs to the day before, as if a day had passed.
        wait_out_midnight()
        wallet = self.new_wallet()
        for amount in (3000, 2000):
            _, reply = self.cash_out(wallet, amount)
            self.assertEqual(reply.status, 201, reply.raw)
        _, reply = self.cash_out(wallet, 1)
        self.assert_error(reply, 422, "limit_exceeded")

        yesterday = time.strftime("%Y-%m-%dT12:00:00Z",
                                  time.gmtime(time.time() - 86400))
        conn = sqlite3.connect(self.sandbox.db, timeout=base.IO_TIMEOUT)
        try:
            with conn:
                moved = conn.execute(
                    "UPDATE ledger SET applied_at = ? "
                    "WHERE sender = ? AND type = 'cash_out'",
                    (yesterday, wallet)).rowcount
        finally:
            conn.close()
        self.assertEqual(moved, 2)
        _, reply = self.cash_out(wallet, 3000)
        self.assertEqual(reply.status, 201, reply.raw)
        _, reply = self.cash_out(wallet, 2001)
        self.assert_error(reply, 422, "limit_exceeded")
        self.assertIn("has GHS 20.00 of its GHS 50.00",
                      reply.json["error"]["message"])

    def test_limit_rejection_replayed(self):
        wallet = self.new_wallet()
        body, first = self.cash_out(wallet, 3001)
        self.assert_error(first, 422, "limit_exceeded")
        second = self.post("cash_out", body)
        self.assertEqual(second.status, 422)
        self.assertEqual(second.raw, first.raw)
        self.assertEqual(second.headers["Idempotent-Replayed"], "true")
        results = self.client.batch([item("cash_out", body)]
                                    ).json["results"]
        self.assert_result(results[0], body, 422, "limit_exceeded")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 0)
        self.assertEqual(self.stored_count(body["operation_id"]), 1)

    def test_batch_item_over_limit_holds_wallet(self):
        wallet = self.new_wallet()
        other = self.new_wallet()
        code = self.code_for(wallet=wallet, amount=3001)
        over = cash_out_body(code, 3001, sender=wallet)
        same_wallet = cash_in_body(100, receiver=wallet)
        other_wallet = cash_in_body(100, receiver=other)
        items = [item("cash_out", over), item("cash_in", same_wallet),
                 item("cash_in", other_wallet)]
        before = self.balances(wallet, other)
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 422, "limit_exceeded")
        self.assert_result(results[1], items[1], 424, "dependency_failed")
        self.assertEqual(results[1]["depends_on"], over["operation_id"])
        self.assert_result(results[2], items[2], 201)
        self.assertEqual(self.balances(wallet, other),
                         [before[0], before[1] + 100])

    def test_batch_item_over_daily_limit_holds_wallet(self):
        wait_out_midnight()
        wallet = self.new_wallet()
        _, reply = self.cash_out(wallet, 3000)
        self.assertEqual(reply.status, 201, reply.raw)
        code = self.code_for(wallet=wallet, amount=2001)
        over = cash_out_body(code, 2001, sender=wallet)
        transfer = base.transfer_body(amount=100, sender=wallet,
                                      receiver=AKOSUA)
        items = [item("cash_out", over), item("wallet_transfer", transfer)]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 422, "limit_exceeded")
        self.assertIn("daily cash-out limit",
                      results[0]["error"]["message"])
        self.assert_result(results[1], items[1], 424, "dependency_failed")
        self.assertEqual(self.sandbox.ledger_count(
            transfer["operation_id"]), 0)


class LimitFileErrorTests(unittest.TestCase):
    def start_with(self, limits):
        """Start a sandbox with limits as its limits file, expect it to
        exit with status 1 and return its log."""
        folder = tempfile.mkdtemp(prefix="sandbox-limits-")
        path = os.path.join(folder, "limits.json")
        if limits is not None:
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(limits if isinstance(limits, str)
                             else json.dumps(limits))
        sandbox = base.SandboxProcess("--limits", path, folder=folder)
        try:
            with self.assertRaises(RuntimeError):
                sandbox.start()
            self.assertEqual(sandbox.exit_code, 1)
            with open(os.path.join(folder, "sandbox.log"),
                      encoding="utf-8") as stream:
                return stream.read()
        finally:
            sandbox.remove()

    def test_invalid_file_stops_start(self):
        cases = [
            ("{not json", "not valid UTF-8 JSON"),
            ([], "must be a JSON object"),
            ({"max_amounts": {}}, 'unknown field "max_amounts"'),
            ({"max_amount": []}, '"max_amount" must be an object'),
            ({"max_amount": {"reversal": {"GHS": 1}}},
             "max_amount.reversal is not a limited operation type"),
            ({"max_amount": {"cash_out": {"ghs": 1}}},
             "'ghs' is not an ISO 4217 code"),
            ({"max_amount": {"cash_out": {"GHS": 0}}},
             "max_amount.cash_out.GHS must be an integer"),
            ({"max_amount": {"cash_out": {"GHS": "5"}}},
             "max_amount.cash_out.GHS must be an integer"),
            ({"max_amount": {"cash_out": {"GHS": True}}},
             "max_amount.cash_out.GHS must be an integer"),
            ({"max_daily_cash_out": {"GHS": 10**15 + 1}},
             "max_daily_cash_out.GHS must be an integer"),
            ({"max_daily_cash_out": 5000},
             "max_daily_cash_out must be an object"),
        ]
        for limits, reason in cases:
            with self.subTest(limits=limits):
                log = self.start_with(limits)
                self.assertIn("invalid limits file", log)
                self.assertIn(reason, log)

    def test_missing_file_stops_start(self):
        log = self.start_with(None)
        self.assertIn("failed to read limits file", log)
        self.assertIn("No such file or directory", log)


class ShellHelperTests(MoneyTestCase):
    def run_helper(self, *words):
        command = f'source "{LIB_SH}" && ' + " ".join(
            f'"{word}"' for word in words)
        return subprocess.run(["bash", "-c", command], capture_output=True,
                              text=True, timeout=30)

    def test_balances_lists_accounts(self):
        output = self.run_helper("balances", self.sandbox.db)
        self.assertEqual(output.returncode, 0, output.stderr)
        lines = dict(line.split("\t") for line in
                     output.stdout.splitlines())
        self.assertEqual(int(lines[KOFI]), self.balance(KOFI))
        self.assertEqual(int(lines["float:A1002:NGN"]),
                         self.balance("float:A1002:NGN"))
        self.assertEqual(len(lines), 14)

    def test_cash_out_code_prints_newest(self):
        code = self.code_for(wallet=CHIDI, amount=10, currency="NGN")
        output = self.run_helper("cash_out_code", self.sandbox.db, CHIDI)
        self.assertEqual(output.returncode, 0, output.stderr)
        self.assertEqual(output.stdout.strip(), code)
        none = self.run_helper("cash_out_code", self.sandbox.db, NGOZI)
        self.assertEqual(none.returncode, 1)
        self.assertIn("no unused code", none.stderr)


class SchemaTests(unittest.TestCase):
    def test_version_2_file_refused(self):
        folder = tempfile.mkdtemp(prefix="sandbox-schema-")
        sandbox = base.SandboxProcess(folder=folder)
        try:
            subprocess.run([sys.executable, "-c",
                            "import sqlite3, sys; "
                            "sqlite3.connect(sys.argv[1]).execute("
                            "'PRAGMA user_version=2')", sandbox.db],
                           check=True, timeout=30)
            with self.assertRaises(RuntimeError):
                sandbox.start()
            self.assertEqual(sandbox.exit_code, 1)
            with open(os.path.join(folder, "sandbox.log"),
                      encoding="utf-8") as stream:
                log = stream.read()
            self.assertIn("schema version 2", log)
            self.assertIn("delete the file", log)
        finally:
            sandbox.remove()


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)

    # Count tests, not subtests, as test_sandbox.py does.
    failed_ids = {getattr(test, "test_case", test).id()
                  for test, _ in result.failures + result.errors}
    failed = len(failed_ids)
    passed = max(result.testsRun - failed - len(result.skipped), 0)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
