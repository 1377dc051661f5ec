#!/usr/bin/env python3
"""Tests of the sandbox central service against the contract in docs/api.md.

Each test class starts its own sandbox on a free port of 127.0.0.1 in a
temporary folder and talks to it over mutual TLS. The certificates come
from build/certs (or $SANDBOX_CERTS), and are made in a temporary folder
when those are missing. Standard library only. Prints `N passed, N failed`
last and exits non-zero when a test fails.

Run: python3 tests/sandbox/test_sandbox.py
"""

import http.client
import json
import os
import select
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SANDBOX = os.path.join(HERE, "sandbox.py")
MAKE_CERTS = os.path.join(HERE, "make-certs.sh")
START_TIMEOUT = 10  # seconds for a sandbox to listen
STOP_TIMEOUT = 5  # seconds for a sandbox to exit after SIGTERM
IO_TIMEOUT = 10  # seconds for each socket operation
BATCH_PATH = "/v1/operations/batch"
FAULTS_PATH = "/v1/sandbox/faults"
# The contract's aim is well under a second. The limit leaves room for a
# slow or busy machine, and the test prints the time measured.
BATCH_1000_MAX_SECONDS = 2.0
DEFAULT_POLICY = {
    "version": 1,
    "operations": {
        "wallet_transfer": {
            "offline_allowed": True,
            "max_amount": {"GHS": 200000, "NGN": 10000000},
            "max_exposure": {"GHS": 1000000, "NGN": 50000000},
            "max_queued": 100,
            "max_age_seconds": 86400},
        "customer_registration": {
            "offline_allowed": True,
            "max_queued": 50,
            "max_age_seconds": 86400},
        "customer_update": {
            "offline_allowed": True,
            "max_queued": 50,
            "max_age_seconds": 86400},
        "cash_in": {
            "offline_allowed": True,
            "max_amount": {"GHS": 200000, "NGN": 10000000},
            "max_exposure": {"GHS": 1000000, "NGN": 50000000},
            "max_queued": 100,
            "max_age_seconds": 86400},
        "reversal": {
            "offline_allowed": True,
            "max_amount": {"GHS": 200000, "NGN": 10000000},
            "max_exposure": {"GHS": 1000000, "NGN": 50000000},
            "max_queued": 20,
            "max_age_seconds": 86400}}}

# The NGN pair of demo wallets, which shares no wallet with the GHS pair
# that batch_item uses by default.
NGN_WALLETS = {"sender": "1000000003", "receiver": "1000000004",
               "currency": "NGN"}

CERTS = None  # set by setUpModule
CERTS_TEMP = None


def setUpModule():
    global CERTS, CERTS_TEMP
    CERTS = os.environ.get("SANDBOX_CERTS",
                           os.path.join(TOP, "build", "certs"))
    if os.path.isfile(os.path.join(CERTS, "ca.pem")):
        return
    CERTS_TEMP = tempfile.mkdtemp(prefix="sandbox-certs-")
    CERTS = os.path.join(CERTS_TEMP, "certs")
    subprocess.run(["bash", MAKE_CERTS, CERTS], check=True, timeout=60,
                   stdout=subprocess.DEVNULL)


def tearDownModule():
    if CERTS_TEMP:
        shutil.rmtree(CERTS_TEMP, ignore_errors=True)


class SandboxProcess:
    """A sandbox subprocess with its database in a temporary folder."""

    def __init__(self, *extra_args, folder=None):
        self.folder = folder or tempfile.mkdtemp(prefix="sandbox-test-")
        self.db = os.path.join(self.folder, "sandbox.db")
        self.extra_args = list(extra_args)
        self.process = None
        self.port = None

    def start(self):
        port_file = os.path.join(self.folder, "sandbox.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = open(os.path.join(self.folder, "sandbox.log"), "ab")
        self.process = subprocess.Popen(
            [sys.executable, SANDBOX, "--certs", CERTS, "--db", self.db,
             "--port", "0", "--port-file", port_file] + self.extra_args,
            stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if os.path.exists(port_file):
                with open(port_file, encoding="ascii") as stream:
                    self.port = int(stream.read())
                self.banner = self.process.stdout.readline().decode()
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sandbox did not start; see {self.folder}")

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)
        self.process.stdout.close()
        self.log.close()
        self.exit_code = self.process.returncode
        self.process = None

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def query(self, sql, params=()):
        conn = sqlite3.connect(self.db, timeout=IO_TIMEOUT)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def ledger_count(self, operation_id):
        return self.query("SELECT COUNT(*) FROM ledger "
                          "WHERE operation_id = ?", (operation_id,))[0][0]

    def balance(self, account):
        return self.query("SELECT balance FROM wallets WHERE account = ?",
                          (account,))[0][0]


def tls_context(client_cert="client-T0001", maximum_version=None):
    """Client TLS context trusting the test CA, with a client certificate
    unless client_cert is None."""
    context = ssl.create_default_context(
        cafile=os.path.join(CERTS, "ca.pem"))
    if client_cert:
        context.load_cert_chain(os.path.join(CERTS, client_cert + ".pem"),
                                os.path.join(CERTS, client_cert + ".key"))
    if maximum_version:
        context.maximum_version = maximum_version
    return context


class Reply:
    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.raw = response.read()
        self.json = json.loads(self.raw) if self.raw else None

    def error_code(self):
        return self.json["error"]["code"]


class Client:
    """One keep-alive HTTPS connection to a sandbox."""

    def __init__(self, port, client_cert="client-T0001"):
        self.conn = http.client.HTTPSConnection(
            "localhost", port, timeout=IO_TIMEOUT,
            context=tls_context(client_cert))

    def close(self):
        self.conn.close()

    def send(self, method, path, body=None, headers=None):
        """Send body as JSON (or as given when it is bytes or str)."""
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        self.conn.request(method, path, body=body, headers=all_headers)
        return Reply(self.conn.getresponse())

    def login(self, agent_id="A1001", password="counter-demo-1"):
        return self.send("POST", "/v1/sessions",
                         {"agent_id": agent_id, "password": password})

    def lookup(self, account, token):
        return self.send("GET", f"/v1/wallets/{account}",
                         headers={"Authorization": f"Bearer {token}"})

    def card_lookup(self, body, token):
        return self.send("POST", "/v1/cards/lookup", body,
                         {"Authorization": f"Bearer {token}"})

    def transfer(self, body, key=None):
        headers = {"Idempotency-Key": body["operation_id"] if key is None
                   else key}
        return self.send("POST", "/v1/transfers/wallet", body, headers)

    def batch(self, items):
        """Send items as one batch, in compact JSON as the terminal does."""
        return self.send("POST", BATCH_PATH, compact({"operations": items}))

    def register(self, body, key=None):
        headers = {"Idempotency-Key": body["operation_id"] if key is None
                   else key}
        return self.send("POST", "/v1/customers", body, headers)

    def update_profile(self, customer_id, body):
        return self.send("POST", f"/v1/customers/{customer_id}/profile",
                         body, {"Idempotency-Key": body["operation_id"]})

    def find_customer(self, query, token):
        return self.send("GET", f"/v1/customers?{query}",
                         headers={"Authorization": f"Bearer {token}"})

    def change_password(self, token, old, new):
        return self.send("POST", "/v1/sessions/password",
                         {"old_password": old, "new_password": new},
                         {"Authorization": f"Bearer {token}"})

    def add_faults(self, *faults):
        reply = self.send("POST", FAULTS_PATH, {"faults": list(faults)})
        if reply.status != 200:
            raise AssertionError(f"queueing faults failed: {reply.raw}")
        return reply


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def transfer_body(amount=1250, sender="1000000001", receiver="1000000002",
                  currency="GHS", agent_id="A1001"):
    return {"operation_id": str(uuid.uuid4()), "agent_id": agent_id,
            "sender_account": sender, "receiver_account": receiver,
            "currency": currency, "amount": amount,
            "created_at": "2026-12-04T15:00:00Z"}


def batch_item(**fields):
    """Return a batch item: a transfer body with its type."""
    return dict(transfer_body(**fields), type="wallet_transfer")


class SandboxTestCase(unittest.TestCase):
    """Starts one sandbox for the class and a client for each test."""

    sandbox_args = ()

    @classmethod
    def setUpClass(cls):
        cls.sandbox = SandboxProcess(*cls.sandbox_args)
        cls.sandbox.start()

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.stop()
        cls.sandbox.remove()

    def setUp(self):
        self.client = Client(self.sandbox.port)

    def tearDown(self):
        self.client.close()

    def assert_error(self, reply, status, code):
        self.assertEqual(reply.status, status, reply.raw)
        self.assertEqual(reply.error_code(), code)
        self.assertIsInstance(reply.json["error"]["message"], str)
        self.assertEqual(reply.headers["Content-Type"], "application/json")

    def assert_result(self, result, item, status, code=None):
        """Check one batch result: a reference with 201, else an error
        with the code."""
        self.assertEqual(result["operation_id"], item["operation_id"])
        self.assertEqual(result["status"], status, result)
        if code is None:
            self.assertRegex(result["reference"], r"\ASBX-\d{6,}\Z")
            self.assertNotIn("error", result)
        else:
            self.assertEqual(result["error"]["code"], code)
            self.assertIsInstance(result["error"]["message"], str)
            self.assertNotIn("reference", result)

    def stored_count(self, operation_id):
        """Return how many idempotency rows the key has: 0 or 1."""
        return self.sandbox.query(
            "SELECT COUNT(*) FROM idempotency WHERE idempotency_key = ?",
            (operation_id,))[0][0]


class StartAndRoutingTests(SandboxTestCase):
    def test_banner_names_port(self):
        self.assertEqual(
            self.sandbox.banner,
            f"sandbox: listening on https://localhost:{self.sandbox.port}\n")

    def test_health(self):
        reply = self.client.send("GET", "/v1/health")
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json, {"status": "ok", "sandbox": True})
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertEqual(int(reply.headers["Content-Length"]), len(reply.raw))

    def test_keep_alive_reuses_connection(self):
        first = self.client.send("GET", "/v1/health")
        socket_before = self.client.conn.sock
        second = self.client.send("GET", "/v1/health")
        self.assertEqual(first.status, 200)
        self.assertEqual(second.status, 200)
        self.assertIs(self.client.conn.sock, socket_before)

    def test_unknown_path_404(self):
        self.assert_error(self.client.send("GET", "/v1/nothing"), 404,
                          "not_found")

    def test_wrong_method_405(self):
        reply = self.client.send("POST", "/v1/health", {})
        self.assert_error(reply, 405, "method_not_allowed")
        self.assertEqual(reply.headers["Allow"], "GET")

    def test_body_over_limit_413(self):
        reply = self.client.send("POST", "/v1/sessions",
                                 b"{" + b" " * (64 * 1024) + b"}")
        self.assert_error(reply, 413, "payload_too_large")

    def test_faults_404_without_flag(self):
        for method in ("GET", "POST", "DELETE"):
            with self.subTest(method):
                body = {"faults": [{"path": BATCH_PATH, "kind": "duplicate"}]}
                reply = self.client.send(method, FAULTS_PATH,
                                         body if method == "POST" else None)
                self.assert_error(reply, 404, "not_found")

    def test_wrong_content_type_415(self):
        reply = self.client.send(
            "POST", "/v1/sessions", "agent_id=A1001",
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assert_error(reply, 415, "unsupported_media_type")


class SessionTests(SandboxTestCase):
    def test_login_accepted(self):
        reply = self.client.login()
        self.assertEqual(reply.status, 201)
        self.assertRegex(reply.json["token"], r"\A[0-9a-f]{64}\Z")
        self.assertEqual(reply.json["expires_in"], 900)
        self.assertRegex(reply.json["expires_at"],
                         r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
        self.assertEqual(reply.json["agent"],
                         {"agent_id": "A1001", "name": "Ama Mensah"})

    def test_login_second_agent(self):
        reply = self.client.login("A1002", "counter-demo-2")
        self.assertEqual(reply.status, 201)
        self.assertEqual(reply.json["agent"]["name"], "Yaw Asante")

    def test_wrong_password_401(self):
        self.assert_error(self.client.login("A1001", "counter-demo-2"), 401,
                          "invalid_credentials")

    def test_unknown_agent_same_as_wrong_password(self):
        unknown = self.client.login("A9999", "counter-demo-1")
        wrong = self.client.login("A1001", "wrong")
        self.assertEqual(unknown.status, 401)
        self.assertEqual(unknown.raw, wrong.raw)

    def test_login_bad_requests(self):
        cases = [
            ("not json", b"{agent_id"),
            ("array", b"[]"),
            ("missing password", {"agent_id": "A1001"}),
            ("number password", {"agent_id": "A1001", "password": 1}),
            ("null agent", {"agent_id": None, "password": "x"}),
            ("bad utf-8", b'{"agent_id": "\xff", "password": "x"}'),
        ]
        for name, body in cases:
            with self.subTest(name):
                self.assert_error(
                    self.client.send("POST", "/v1/sessions", body), 400,
                    "bad_request")


class WalletLookupTests(SandboxTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.client.login().json["token"]

    def test_lookup_returns_holder_not_balance(self):
        reply = self.client.lookup("1000000003", self.token)
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json, {"account": "1000000003",
                                      "holder_name": "Chidi Okafor",
                                      "currency": "NGN"})

    def test_lookup_without_token_401(self):
        reply = self.client.send("GET", "/v1/wallets/1000000001")
        self.assert_error(reply, 401, "invalid_token")

    def test_lookup_unknown_token_401(self):
        self.assert_error(self.client.lookup("1000000001", "0" * 64), 401,
                          "invalid_token")

    def test_token_bound_to_terminal(self):
        other = Client(self.sandbox.port, "client-T0002")
        try:
            reply = other.lookup("1000000001", self.token)
        finally:
            other.close()
        self.assert_error(reply, 401, "invalid_token")

    def test_unknown_wallet_404(self):
        self.assert_error(self.client.lookup("1000000099", self.token), 404,
                          "wallet_not_found")

    def test_malformed_account_400(self):
        for account in ["12345", "123456789012345678901", "10000000a1", ""]:
            with self.subTest(account):
                self.assert_error(self.client.lookup(account, self.token),
                                  400, "bad_request")


class CardLookupTests(SandboxTestCase):
    # Test PANs: the first two are linked to wallet 1000000001, the third
    # to 1000000002, the last to none.
    LINKED = "4761739001010010"
    LINKED_VISA = "4111111111111111"
    LINKED_OTHER = "5413330089010434"
    UNLINKED = "5555555555554444"

    def setUp(self):
        super().setUp()
        self.token = self.client.login().json["token"]

    def test_linked_card_returns_wallet(self):
        reply = self.client.card_lookup({"pan": self.LINKED}, self.token)
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(reply.json, {
            "account": "1000000001", "holder_name": "Kofi Boateng",
            "currency": "GHS",
            "customer_id": "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c01",
            "pan_last4": "0010"})

    def test_seed_cards_map_to_wallets(self):
        cases = [(self.LINKED_VISA, "1000000001", "1111"),
                 (self.LINKED_OTHER, "1000000002", "0434")]
        for pan, account, last4 in cases:
            with self.subTest(last4):
                reply = self.client.card_lookup({"pan": pan}, self.token)
                self.assertEqual(reply.status, 200, reply.raw)
                self.assertEqual(reply.json["account"], account)
                self.assertEqual(reply.json["pan_last4"], last4)

    def test_unlinked_card_404(self):
        reply = self.client.card_lookup({"pan": self.UNLINKED}, self.token)
        self.assert_error(reply, 404, "card_not_found")
        self.assertNotIn(self.UNLINKED, reply.raw.decode())
        self.assertIn("4444", reply.json["error"]["message"])

    def test_malformed_pan_400(self):
        cases = ["41111111111", "41111111111111111111", "4111111111111112",
                 "4111 1111 1111 1111", "", 4111111111111111, None]
        for pan in cases:
            with self.subTest(repr(pan)):
                reply = self.client.card_lookup({"pan": pan}, self.token)
                self.assert_error(reply, 400, "bad_request")

    def test_missing_pan_400(self):
        self.assert_error(self.client.card_lookup({}, self.token), 400,
                          "bad_request")
        self.assert_error(self.client.card_lookup([self.LINKED],
                                                  self.token),
                          400, "bad_request")

    def test_without_token_401(self):
        reply = self.client.send("POST", "/v1/cards/lookup",
                                 {"pan": self.LINKED})
        self.assert_error(reply, 401, "invalid_token")

    def test_token_checked_before_pan(self):
        reply = self.client.card_lookup({"pan": "12"}, "0" * 64)
        self.assert_error(reply, 401, "invalid_token")

    def test_get_not_allowed(self):
        reply = self.client.send(
            "GET", "/v1/cards/lookup",
            headers={"Authorization": f"Bearer {self.token}"})
        self.assert_error(reply, 405, "method_not_allowed")

    def test_table_keeps_no_full_pan(self):
        rows = self.sandbox.query("SELECT * FROM cards")
        self.assertEqual(len(rows), 3)
        for row in rows:
            for pan in (self.LINKED, self.LINKED_VISA, self.LINKED_OTHER):
                self.assertNotIn(pan, " ".join(str(value) for value in row))

    def test_log_never_has_full_pan(self):
        self.client.card_lookup({"pan": self.LINKED}, self.token)
        self.client.card_lookup({"pan": self.UNLINKED}, self.token)
        # A PAN in a path, as a faulty client might send it.
        self.client.send("GET", f"/v1/cards/{self.UNLINKED}",
                         headers={"Authorization": f"Bearer {self.token}"})
        self.sandbox.log.flush()
        with open(os.path.join(self.sandbox.folder, "sandbox.log"),
                  encoding="utf-8") as stream:
            log = stream.read()
        self.assertIn("/v1/cards/lookup", log)
        self.assertIn("555555******4444", log)
        for pan in (self.LINKED, self.UNLINKED):
            self.assertNotIn(pan, log)


class TokenExpiryTests(SandboxTestCase):
    sandbox_args = ("--token-ttl", "1")

    def test_expired_token_401(self):
        login = self.client.login()
        self.assertEqual(login.json["expires_in"], 1)
        time.sleep(2.1)
        self.assert_error(self.client.lookup("1000000001",
                                             login.json["token"]),
                          401, "token_expired")


class TransferTests(SandboxTestCase):
    def test_transfer_accepted_and_applied(self):
        before = (self.sandbox.balance("1000000001"),
                  self.sandbox.balance("1000000002"))
        body = transfer_body(amount=1250)
        reply = self.client.transfer(body)
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(reply.json["operation_id"], body["operation_id"])
        self.assertEqual(reply.json["status"], "accepted")
        self.assertRegex(reply.json["reference"], r"\ASBX-\d{6,}\Z")
        self.assertRegex(reply.json["applied_at"], r"Z\Z")
        self.assertIsNone(reply.headers["Idempotent-Replayed"])
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"), before[0] - 1250)
        self.assertEqual(self.sandbox.balance("1000000002"), before[1] + 1250)

    def test_ledger_row_fields(self):
        body = transfer_body(amount=7)
        self.client.transfer(body)
        row = self.sandbox.query(
            "SELECT type, sender, receiver, currency, amount, terminal_id, "
            "agent_id FROM ledger WHERE operation_id = ?",
            (body["operation_id"],))
        self.assertEqual(row, [("wallet_transfer", "1000000001",
                                "1000000002", "GHS", 7, "T0001", "A1001")])

    def test_references_are_sequential(self):
        first = self.client.transfer(transfer_body(amount=1))
        second = self.client.transfer(transfer_body(amount=1))
        number = int(first.json["reference"][4:])
        self.assertEqual(second.json["reference"], f"SBX-{number + 1:06d}")

    def test_replay_returns_stored_reply(self):
        body = transfer_body()
        first = self.client.transfer(body)
        second = self.client.transfer(body)
        self.assertEqual(second.status, 201)
        self.assertEqual(second.raw, first.raw)
        self.assertEqual(second.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)

    def test_replay_ignores_key_order_and_spacing(self):
        body = transfer_body()
        first = self.client.transfer(body)
        reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
        reply = self.client.send(
            "POST", "/v1/transfers/wallet", reordered,
            {"Idempotency-Key": body["operation_id"]})
        self.assertEqual(reply.status, 201)
        self.assertEqual(reply.raw, first.raw)
        self.assertEqual(reply.headers["Idempotent-Replayed"], "true")

    def test_replay_after_new_connection(self):
        body = transfer_body()
        first = self.client.transfer(body)
        other = Client(self.sandbox.port)
        try:
            second = other.transfer(body)
        finally:
            other.close()
        self.assertEqual(second.raw, first.raw)
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)

    def test_key_reused_with_other_body_422(self):
        body = transfer_body(amount=100)
        first = self.client.transfer(body)
        changed = dict(body, amount=101)
        reply = self.client.transfer(changed)
        self.assert_error(reply, 422, "idempotency_key_reused")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)

        # The 422 is not stored, so the first reply is still replayed.
        again = self.client.transfer(body)
        self.assertEqual(again.raw, first.raw)

    def test_key_reused_by_other_terminal_422(self):
        body = transfer_body(amount=3)
        self.client.transfer(body)
        other = Client(self.sandbox.port, "client-T0002")
        try:
            reply = other.transfer(body)
        finally:
            other.close()
        self.assert_error(reply, 422, "idempotency_key_reused")

    def test_insufficient_funds_stored_and_replayed(self):
        body = transfer_body(amount=10**12, sender="1000000002",
                             receiver="1000000001")
        first = self.client.transfer(body)
        self.assert_error(first, 422, "insufficient_funds")
        self.assertIsNone(first.headers["Idempotent-Replayed"])
        second = self.client.transfer(body)
        self.assertEqual(second.status, 422)
        self.assertEqual(second.raw, first.raw)
        self.assertEqual(second.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 0)

    def test_business_rejections_422(self):
        cases = [
            ("unknown_agent", transfer_body(agent_id="A9999")),
            ("invalid_amount", transfer_body(amount=0)),
            ("invalid_amount", transfer_body(amount=-5)),
            ("invalid_amount", transfer_body(amount=10**15 + 1)),
            ("same_wallet", transfer_body(receiver="1000000001")),
            ("wallet_not_found", transfer_body(sender="1000000099")),
            ("wallet_not_found", transfer_body(receiver="1000000099")),
            ("currency_mismatch", transfer_body(receiver="1000000003")),
            ("currency_mismatch", transfer_body(currency="NGN")),
            ("insufficient_funds",
             transfer_body(sender="1000000004", receiver="1000000003",
                           currency="NGN", amount=1)),
        ]
        for code, body in cases:
            with self.subTest(code=code, body=body):
                reply = self.client.transfer(body)
                self.assert_error(reply, 422, code)
                stored = self.sandbox.query(
                    "SELECT status FROM idempotency "
                    "WHERE idempotency_key = ?", (body["operation_id"],))
                self.assertEqual(stored, [(422,)])
                self.assertEqual(
                    self.sandbox.ledger_count(body["operation_id"]), 0)

    def test_wallet_not_found_names_side(self):
        sender = self.client.transfer(transfer_body(sender="1000000099"))
        receiver = self.client.transfer(transfer_body(receiver="1000000099"))
        self.assertIn("sender", sender.json["error"]["message"])
        self.assertIn("receiver", receiver.json["error"]["message"])

    def test_bad_requests_400_not_stored(self):
        def without(field):
            body = transfer_body()
            del body[field]
            return body

        def upper_case_id():
            body = transfer_body()
            body["operation_id"] = body["operation_id"].upper()
            return body

        cases = [
            ("key missing", transfer_body(), ""),
            ("key not uuid", transfer_body(), "not-a-uuid"),
            ("key upper case", upper_case_id(), None),
            ("key differs", transfer_body(), str(uuid.uuid4())),
            ("amount float", dict(transfer_body(), amount=12.5), None),
            ("amount string", dict(transfer_body(), amount="1250"), None),
            ("amount bool", dict(transfer_body(), amount=True), None),
            ("amount missing", without("amount"), None),
            ("sender letters", transfer_body(sender="10000000ab"), None),
            ("currency lower", transfer_body(currency="ghs"), None),
            ("created_at format",
             dict(transfer_body(), created_at="04/12/2026"), None),
            ("created_at month 13",
             dict(transfer_body(), created_at="2026-13-04T15:00:00Z"), None),
            ("agent missing", without("agent_id"), None),
        ]
        for name, body, key in cases:
            with self.subTest(name):
                reply = self.client.transfer(body, key)
                self.assert_error(reply, 400, "bad_request")
                stored = self.sandbox.query(
                    "SELECT COUNT(*) FROM idempotency "
                    "WHERE idempotency_key IN (?, ?)",
                    (body["operation_id"], key or ""))
                self.assertEqual(stored, [(0,)])

    def test_malformed_json_400_then_key_usable(self):
        key = str(uuid.uuid4())
        reply = self.client.send("POST", "/v1/transfers/wallet",
                                 b'{"operation_id": ',
                                 {"Idempotency-Key": key})
        self.assert_error(reply, 400, "bad_request")
        body = dict(transfer_body(amount=2), operation_id=key)
        self.assertEqual(self.client.transfer(body).status, 201)

    def test_terminal_t0002_recorded(self):
        other = Client(self.sandbox.port, "client-T0002")
        try:
            body = transfer_body(amount=4)
            reply = other.transfer(body)
        finally:
            other.close()
        self.assertEqual(reply.status, 201)
        self.assertEqual(
            self.sandbox.query("SELECT terminal_id FROM ledger "
                               "WHERE operation_id = ?",
                               (body["operation_id"],)),
            [("T0002",)])


class BatchTests(SandboxTestCase):
    def reference_of(self, operation_id):
        rows = self.sandbox.query("SELECT reference FROM ledger "
                                  "WHERE operation_id = ?", (operation_id,))
        return rows[0][0] if rows else None

    def test_batch_accepted_in_order(self):
        items = [batch_item(amount=amount) for amount in (5, 6, 7)]
        before = self.sandbox.balance("1000000001")
        reply = self.client.batch(items)
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        results = reply.json["results"]
        self.assertEqual(len(results), 3)
        for item, result in zip(items, results):
            self.assert_result(result, item, 201)
            self.assertEqual(result["reference"],
                             self.reference_of(item["operation_id"]))
        numbers = [int(result["reference"][4:]) for result in results]
        self.assertEqual(numbers, [numbers[0], numbers[0] + 1,
                                   numbers[0] + 2])
        self.assertEqual(self.sandbox.balance("1000000001"), before - 18)

    def test_batch_reply_compact(self):
        reply = self.client.batch([batch_item(amount=1)])
        self.assertNotIn(b" ", reply.raw.split(b'"message"')[0])
        self.assertNotIn(b"\n", reply.raw)
        single = self.client.transfer(transfer_body(amount=1))
        self.assertNotIn(b" ", single.raw)

    def test_batch_rejection_stored(self):
        item = batch_item(amount=10**12, sender="1000000002",
                          receiver="1000000001")
        result = self.client.batch([item]).json["results"][0]
        self.assert_result(result, item, 422, "insufficient_funds")
        stored = self.sandbox.query(
            "SELECT status FROM idempotency WHERE idempotency_key = ?",
            (item["operation_id"],))
        self.assertEqual(stored, [(422,)])
        self.assertEqual(self.sandbox.ledger_count(item["operation_id"]), 0)

    def test_batch_mixed_results(self):
        good = batch_item(amount=3)
        unknown_agent = batch_item(agent_id="A9999")
        float_amount = dict(batch_item(), amount=2.5)
        unknown_type = dict(batch_item(), type="cash_out")
        no_type = transfer_body()
        upper_id = dict(batch_item(), operation_id=str(uuid.uuid4()).upper())
        # On other wallets than the failed items, so none of them holds it
        # back with 424.
        last = batch_item(sender="1000000003", receiver="1000000004",
                          currency="NGN", amount=4)
        items = [good, unknown_agent, float_amount, unknown_type, no_type,
                 upper_id, "not an object", last]
        results = self.client.batch(items).json["results"]
        self.assertEqual([result["status"] for result in results],
                         [201, 422, 400, 400, 400, 400, 400, 201])
        self.assert_result(results[0], good, 201)
        self.assert_result(results[1], unknown_agent, 422, "unknown_agent")
        for index in (2, 3, 4, 5):
            self.assert_result(results[index], items[index], 400,
                               "bad_request")
        self.assertIsNone(results[6]["operation_id"])
        self.assertEqual(results[6]["error"]["code"], "bad_request")
        self.assert_result(results[7], last, 201)

        # Malformed items are not stored, so their keys stay usable.
        for item in (float_amount, unknown_type, no_type):
            stored = self.sandbox.query(
                "SELECT COUNT(*) FROM idempotency "
                "WHERE idempotency_key = ?", (item["operation_id"],))
            self.assertEqual(stored, [(0,)])
        fixed = dict(float_amount, amount=2)
        self.assert_result(self.client.batch([fixed]).json["results"][0],
                           fixed, 201)

    def test_batch_applies_items_in_order(self):
        # Wallet 1000000004 gets 500 from the first item, so the second
        # fits and the third, from the same wallet, no longer does.
        start = self.sandbox.balance("1000000004")
        items = [
            batch_item(sender="1000000003", receiver="1000000004",
                       currency="NGN", amount=500),
            batch_item(sender="1000000004", receiver="1000000003",
                       currency="NGN", amount=start + 300),
            batch_item(sender="1000000004", receiver="1000000003",
                       currency="NGN", amount=300),
        ]
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], items[0], 201)
        self.assert_result(results[1], items[1], 201)
        self.assert_result(results[2], items[2], 422, "insufficient_funds")
        self.assertEqual(self.sandbox.balance("1000000004"), 200)

    def test_single_then_batch_replays(self):
        body = transfer_body(amount=8)
        single = self.client.transfer(body)
        self.assertEqual(single.status, 201)
        before = self.sandbox.balance("1000000001")
        item = dict(body, type="wallet_transfer")
        result = self.client.batch([item]).json["results"][0]
        self.assert_result(result, item, 201)
        self.assertEqual(result["reference"], single.json["reference"])
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"), before)

    def test_batch_then_single_replays(self):
        item = batch_item(amount=9)
        result = self.client.batch([item]).json["results"][0]
        body = {name: value for name, value in item.items()
                if name != "type"}
        single = self.client.transfer(body)
        self.assertEqual(single.status, 201)
        self.assertEqual(single.headers["Idempotent-Replayed"], "true")
        self.assertEqual(single.json["reference"], result["reference"])
        self.assertEqual(single.json["status"], "accepted")
        self.assertEqual(self.sandbox.ledger_count(item["operation_id"]), 1)

    def test_rejection_replays_across_endpoints(self):
        body = transfer_body(amount=10**12, sender="1000000002",
                             receiver="1000000001")
        single = self.client.transfer(body)
        self.assert_error(single, 422, "insufficient_funds")
        item = dict(body, type="wallet_transfer")
        result = self.client.batch([item]).json["results"][0]
        self.assert_result(result, item, 422, "insufficient_funds")
        self.assertEqual(result["error"], single.json["error"])

    def test_batch_key_reused_422(self):
        body = transfer_body(amount=100)
        self.client.transfer(body)
        changed = dict(body, amount=101, type="wallet_transfer")
        result = self.client.batch([changed]).json["results"][0]
        self.assert_result(result, changed, 422, "idempotency_key_reused")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)

    def test_key_twice_in_one_batch(self):
        same = batch_item(amount=2)
        other = batch_item(amount=2)
        changed = dict(other, amount=3)
        results = self.client.batch([same, same, other, changed]).json[
            "results"]
        self.assert_result(results[0], same, 201)
        self.assertEqual(results[1], results[0])
        self.assert_result(results[2], other, 201)
        self.assert_result(results[3], changed, 422,
                           "idempotency_key_reused")
        self.assertEqual(self.sandbox.ledger_count(same["operation_id"]), 1)
        self.assertEqual(self.sandbox.ledger_count(other["operation_id"]),
                         1)

    def test_batch_of_1000_applies_fast(self):
        items = [batch_item(amount=1) for _ in range(1000)]
        before = self.sandbox.balance("1000000001")
        body = compact({"operations": items})
        self.client.send("GET", "/v1/health")  # connection already open
        started = time.monotonic()
        reply = self.client.send("POST", BATCH_PATH, body)
        elapsed = time.monotonic() - started
        print(f"\n    1000-item batch: {elapsed * 1000:.0f} ms, request "
              f"{len(body)} bytes, reply {len(reply.raw)} bytes",
              file=sys.stderr)
        self.assertEqual(reply.status, 200, reply.raw[:200])
        statuses = {result["status"] for result in reply.json["results"]}
        self.assertEqual(statuses, {201})
        self.assertEqual(self.sandbox.balance("1000000001"), before - 1000)
        self.assertLess(elapsed, BATCH_1000_MAX_SECONDS)

    def test_batch_size_limits_400(self):
        cases = [
            ("1001 items", {"operations": [batch_item()] * 1001}),
            ("no items", {"operations": []}),
            ("operations missing", {}),
            ("operations object", {"operations": batch_item()}),
            ("body array", [batch_item()]),
        ]
        for name, body in cases:
            with self.subTest(name):
                reply = self.client.send("POST", BATCH_PATH, compact(body))
                self.assert_error(reply, 400, "bad_request")
        self.assertEqual(self.sandbox.query(
            "SELECT COUNT(*) FROM idempotency WHERE idempotency_key = ?",
            (cases[0][1]["operations"][0]["operation_id"],)), [(0,)])

    def test_batch_body_over_2_mib_413(self):
        body = b'{"operations":[' + b" " * (2 * 1024 * 1024) + b"]}"
        reply = self.client.send("POST", BATCH_PATH, body)
        self.assert_error(reply, 413, "payload_too_large")

    def test_batch_body_near_2_mib_accepted(self):
        items = [batch_item(amount=1) for _ in range(2)]
        text = compact({"operations": items})
        padding = 2 * 1024 * 1024 - len(text)
        body = text[:-1] + " " * padding + "}"
        self.assertEqual(len(body), 2 * 1024 * 1024)
        reply = self.client.send("POST", BATCH_PATH, body)
        self.assertEqual(reply.status, 200, reply.raw[:200])

    def test_batch_needs_json_415(self):
        reply = self.client.send("POST", BATCH_PATH, b"{}",
                                 {"Content-Type": "text/plain"})
        self.assert_error(reply, 415, "unsupported_media_type")

    def test_batch_expect_100_continue(self):
        body = compact({"operations": [batch_item(amount=1)]}).encode()
        raw = socket.create_connection(("127.0.0.1", self.sandbox.port),
                                       timeout=IO_TIMEOUT)
        with tls_context().wrap_socket(
                raw, server_hostname="localhost") as conn:
            conn.sendall(
                f"POST {BATCH_PATH} HTTP/1.1\r\nHost: localhost\r\n"
                f"Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n"
                f"Expect: 100-continue\r\n\r\n".encode())
            conn.settimeout(2)
            interim = conn.recv(4096)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100 "), interim)
            conn.settimeout(IO_TIMEOUT)
            conn.sendall(body)
            reply = conn.recv(65536)
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 "), reply)

    def test_batch_wire_bytes_per_operation(self):
        relay = CountingRelay(self.sandbox.port)
        try:
            client = Client(relay.port)
            try:
                reply = client.batch([batch_item(amount=1)
                                      for _ in range(1000)])
            finally:
                client.close()
            self.assertEqual(reply.status, 200)
        finally:
            total = relay.close()
        per_operation = total / 1000
        print(f"\n    1000-item batch on the wire, TLS handshake "
              f"included: {total} bytes, {per_operation:.0f} per "
              f"operation", file=sys.stderr)
        self.assertLess(per_operation, 400)


class DependencyTests(SandboxTestCase):
    """A batch item that shares a wallet with an earlier item not accepted
    gets 424 and is neither applied nor stored."""

    sandbox_args = ("--faults",)

    def setUp(self):
        super().setUp()
        self.assertEqual(self.client.send("DELETE", FAULTS_PATH).status, 200)

    def assert_held(self, result, item, head):
        """Check that item got 424 behind head and left no trace."""
        self.assert_result(result, item, 424, "dependency_failed")
        self.assertEqual(result["depends_on"], head["operation_id"])
        self.assertNotIn("retry_after", result)
        self.assertEqual(self.sandbox.ledger_count(item["operation_id"]), 0)
        self.assertEqual(self.stored_count(item["operation_id"]), 0)

    def ledger_order(self, items):
        """Return the items' operation ids in the order they were applied."""
        rows = self.sandbox.query(
            "SELECT operation_id FROM ledger WHERE operation_id IN "
            f"({','.join('?' * len(items))}) ORDER BY seq",
            [item["operation_id"] for item in items])
        return [row[0] for row in rows]

    def test_rejected_head_holds_dependents(self):
        head = batch_item(agent_id="A9999")
        unrelated = batch_item(amount=41, **NGN_WALLETS)
        same = batch_item(amount=42)
        reverse = batch_item(amount=43, sender="1000000002",
                             receiver="1000000001")
        # Its sender has no wallet, so this item shares only its receiver
        # with the head and adds no wallet of the unrelated items.
        receiver_only = batch_item(amount=44, sender="1000000099",
                                   receiver="1000000002")
        malformed = dict(batch_item(), amount=2.5)
        unrelated_last = batch_item(amount=45, **NGN_WALLETS)
        items = [head, unrelated, same, reverse, receiver_only, malformed,
                 unrelated_last]
        before = self.sandbox.balance("1000000001")
        results = self.client.batch(items).json["results"]
        self.assertEqual([result["status"] for result in results],
                         [422, 201, 424, 424, 424, 400, 201])
        self.assert_result(results[0], head, 422, "unknown_agent")
        self.assert_result(results[1], unrelated, 201)
        for index in (2, 3, 4):
            self.assert_held(results[index], items[index], head)
        # A malformed item gets its 400, which is final, not a 424.
        self.assert_result(results[5], malformed, 400, "bad_request")
        self.assertNotIn("depends_on", results[5])
        self.assert_result(results[6], unrelated_last, 201)
        self.assertEqual(self.sandbox.balance("1000000001"), before)

    def test_any_failure_holds_dependents(self):
        applied = transfer_body(amount=46)
        self.assertEqual(self.client.transfer(applied).status, 201)
        cases = [
            ("malformed 400", dict(batch_item(), amount="46")),
            ("key reused 422", dict(applied, amount=47,
                                    type="wallet_transfer")),
            ("business 422", batch_item(amount=10**12)),
        ]
        for name, head in cases:
            with self.subTest(name):
                behind = batch_item(amount=48)
                results = self.client.batch([head, behind]).json["results"]
                self.assertIn(results[0]["status"], (400, 422))
                self.assert_held(results[1], behind, head)

    def test_item_fault_head_then_resend_applies_in_order(self):
        self.client.add_faults({"path": BATCH_PATH, "kind": "item_status",
                                "status": 500, "index": 0})
        head = batch_item(amount=51)
        back = batch_item(amount=52, sender="1000000002",
                          receiver="1000000001")
        unrelated = batch_item(amount=53, **NGN_WALLETS)
        last = batch_item(amount=54)
        items = [head, back, unrelated, last]
        before = self.sandbox.balance("1000000001")
        first = self.client.batch(items).json["results"]
        self.assertEqual([result["status"] for result in first],
                         [500, 424, 201, 424])
        self.assertEqual(first[0]["error"]["code"], "injected_fault")
        self.assert_held(first[1], back, head)
        self.assert_held(first[3], last, head)
        self.assertEqual(self.sandbox.ledger_count(head["operation_id"]), 0)

        # The fault is used up, so the same batch sent again applies the
        # held items, in item order, and replays the unrelated one.
        second = self.client.batch(items).json["results"]
        self.assertEqual([result["status"] for result in second],
                         [201, 201, 201, 201])
        self.assertEqual(second[2]["reference"], first[2]["reference"])
        for item in items:
            self.assertEqual(
                self.sandbox.ledger_count(item["operation_id"]), 1)
        self.assertEqual(self.ledger_order([head, back, last]),
                         [head["operation_id"], back["operation_id"],
                          last["operation_id"]])
        self.assertEqual(self.sandbox.balance("1000000001"),
                         before - 51 + 52 - 54)

    def test_chain_propagates_across_wallets(self):
        # a fails on 0003/0004. b shares 0004 with a and brings 0001, c
        # shares only 0001 with b, and d shares 0002 with c and 0004 with
        # a, so it depends on a, the earliest.
        a = batch_item(agent_id="A9999", **NGN_WALLETS)
        b = batch_item(amount=61, sender="1000000004",
                       receiver="1000000001", currency="NGN")
        c = batch_item(amount=62)
        d = batch_item(amount=63, sender="1000000002",
                       receiver="1000000004", currency="GHS")
        results = self.client.batch([a, b, c, d]).json["results"]
        self.assert_result(results[0], a, 422, "unknown_agent")
        self.assert_held(results[1], b, a)
        self.assert_held(results[2], c, b)
        self.assert_held(results[3], d, a)

    def test_replayed_acceptance_does_not_block(self):
        earlier = batch_item(amount=71)
        stored = self.client.batch([earlier]).json["results"][0]
        self.assertEqual(stored["status"], 201)
        behind = batch_item(amount=72)
        results = self.client.batch([earlier, behind]).json["results"]
        self.assertEqual(results[0], stored)
        self.assert_result(results[1], behind, 201)
        self.assertEqual(self.sandbox.ledger_count(earlier["operation_id"]),
                         1)
        self.assertEqual(self.sandbox.ledger_count(behind["operation_id"]),
                         1)

    def test_replayed_rejection_blocks(self):
        rejected = batch_item(amount=10**12)
        stored = self.client.batch([rejected]).json["results"][0]
        self.assertEqual(stored["status"], 422)
        behind = batch_item(amount=73)
        results = self.client.batch([rejected, behind]).json["results"]
        self.assertEqual(results[0], stored)
        self.assert_held(results[1], behind, rejected)

    def test_stored_replies_replay_behind_failure(self):
        accepted = batch_item(amount=74)
        rejected = batch_item(amount=10**12)
        stored = self.client.batch([accepted, rejected]).json["results"]
        self.assertEqual([result["status"] for result in stored],
                         [201, 422])
        head = batch_item(agent_id="A9999")
        results = self.client.batch([head, accepted, rejected]).json[
            "results"]
        self.assert_result(results[0], head, 422, "unknown_agent")
        self.assertEqual(results[1:], stored)
        self.assertEqual(self.sandbox.ledger_count(accepted["operation_id"]),
                         1)

    def test_held_item_key_stays_free(self):
        head = batch_item(agent_id="A9999")
        behind = batch_item(amount=75)
        results = self.client.batch([head, behind]).json["results"]
        self.assert_held(results[1], behind, head)

        # Without the failed item in front, the held key applies for the
        # first time, alone or in a batch.
        body = {name: value for name, value in behind.items()
                if name != "type"}
        single = self.client.transfer(body)
        self.assertEqual(single.status, 201, single.raw)
        self.assertIsNone(single.headers["Idempotent-Replayed"])
        self.assertEqual(self.sandbox.ledger_count(behind["operation_id"]),
                         1)

        other_head = batch_item(agent_id="A9999")
        other = batch_item(amount=76)
        self.client.batch([other_head, other])
        result = self.client.batch([other]).json["results"][0]
        self.assert_result(result, other, 201)
        self.assertEqual(self.sandbox.ledger_count(other["operation_id"]), 1)


class CountingRelay:
    """A TCP relay on 127.0.0.1 for one connection to a sandbox, which
    counts the bytes that pass in both directions."""

    def __init__(self, target_port):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(IO_TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.target_port = target_port
        self.total = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        try:
            inbound, _ = self.listener.accept()
        except OSError:
            return
        outbound = socket.create_connection(("127.0.0.1", self.target_port),
                                            timeout=IO_TIMEOUT)
        peers = {inbound: outbound, outbound: inbound}
        deadline = time.monotonic() + IO_TIMEOUT * 3
        try:
            while not self.stop.is_set() and time.monotonic() < deadline:
                readable, _, _ = select.select(list(peers), [], [], 0.05)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    self.total += len(data)
                    peers[sock].sendall(data)
        finally:
            inbound.close()
            outbound.close()

    def close(self):
        """Stop the relay and return the bytes counted."""
        self.stop.set()
        self.thread.join(IO_TIMEOUT * 4)
        self.listener.close()
        return self.total


BATCH = object()


def send_in_threads(port, requests):
    """Send each (body, key) on its own connection, all released at once.
    A key of BATCH sends the body as a batch's items instead. Returns the
    replies in order, or the exception a request raised."""
    barrier = threading.Barrier(len(requests), timeout=IO_TIMEOUT)
    results = [None] * len(requests)

    def run(index, body, key):
        client = Client(port)
        try:
            client.conn.connect()
            barrier.wait()
            if key is BATCH:
                results[index] = client.batch(body)
            else:
                results[index] = client.transfer(body, key)
        except Exception as error:
            results[index] = error
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(i, body, key))
               for i, (body, key) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(IO_TIMEOUT * 3)
    return results


class ConcurrencyTests(SandboxTestCase):
    def test_same_key_concurrently_applies_once(self):
        body = transfer_body(amount=11)
        before = self.sandbox.balance("1000000001")
        replies = send_in_threads(self.sandbox.port, [(body, None)] * 8)
        for reply in replies:
            self.assertIsInstance(reply, Reply)
        statuses = sorted(reply.status for reply in replies)
        self.assertTrue(set(statuses) <= {201, 409}, statuses)
        fresh = [reply for reply in replies if reply.status == 201 and
                 reply.headers["Idempotent-Replayed"] is None]
        self.assertEqual(len(fresh), 1)
        for reply in replies:
            if reply.status == 201:
                self.assertEqual(reply.raw, fresh[0].raw)
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"), before - 11)

    def test_many_keys_concurrently_all_applied(self):
        bodies = [transfer_body(amount=13) for _ in range(16)]
        before = self.sandbox.balance("1000000001")
        replies = send_in_threads(self.sandbox.port,
                                  [(body, None) for body in bodies])
        for reply in replies:
            self.assertIsInstance(reply, Reply)
            self.assertEqual(reply.status, 201)
        references = {reply.json["reference"] for reply in replies}
        self.assertEqual(len(references), 16)
        for body in bodies:
            self.assertEqual(
                self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"),
                         before - 16 * 13)


    def test_same_batch_concurrently_applies_once(self):
        items = [batch_item(amount=12) for _ in range(50)]
        before = self.sandbox.balance("1000000001")
        replies = send_in_threads(self.sandbox.port, [(items, BATCH)] * 4)
        references = {}
        for reply in replies:
            self.assertIsInstance(reply, Reply)
            self.assertEqual(reply.status, 200)
            for item, result in zip(items, reply.json["results"]):
                self.assertIn(result["status"], (201, 409))
                if result["status"] == 201:
                    references.setdefault(item["operation_id"], set()).add(
                        result["reference"])
        for item in items:
            self.assertEqual(len(references[item["operation_id"]]), 1)
            self.assertEqual(
                self.sandbox.ledger_count(item["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"),
                         before - 50 * 12)

    def test_batch_and_single_concurrently_apply_once(self):
        items = [batch_item(amount=14) for _ in range(20)]
        singles = [({name: value for name, value in item.items()
                     if name != "type"}, None) for item in items[:8]]
        before = self.sandbox.balance("1000000001")
        replies = send_in_threads(self.sandbox.port,
                                  [(items, BATCH)] + singles)
        for reply in replies:
            self.assertIsInstance(reply, Reply)
            self.assertIn(reply.status, (200, 201, 409))
        for result in replies[0].json["results"]:
            self.assertIn(result["status"], (201, 409, 424))

        # Items behind one that met a single in progress got 409 or 424,
        # so the batch is sent again, as the terminal would.
        results = self.client.batch(items).json["results"]
        self.assertEqual({result["status"] for result in results}, {201})
        for item in items:
            self.assertEqual(
                self.sandbox.ledger_count(item["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"),
                         before - 20 * 14)


class InProgressTests(SandboxTestCase):
    # Each transfer keeps its key for 1.5 s, so a duplicate sent meanwhile
    # always meets it in progress.
    sandbox_args = ("--transfer-delay", "1.5")

    def test_duplicate_in_progress_409(self):
        body = transfer_body(amount=5)
        results = {}

        def first_request():
            client = Client(self.sandbox.port)
            try:
                results["first"] = client.transfer(body)
            finally:
                client.close()

        thread = threading.Thread(target=first_request)
        thread.start()
        time.sleep(0.5)
        duplicate = self.client.transfer(body)
        thread.join(IO_TIMEOUT)
        self.assert_error(duplicate, 409, "request_in_progress")
        self.assertEqual(duplicate.headers["Retry-After"], "1")
        self.assertEqual(results["first"].status, 201)
        replay = self.client.transfer(body)
        self.assertEqual(replay.raw, results["first"].raw)
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)

    def in_background(self, send):
        """Run send(client) on its own connection in a thread; return the
        thread and a dict that gets the reply as "reply"."""
        results = {}

        def run():
            client = Client(self.sandbox.port)
            try:
                results["reply"] = send(client)
            finally:
                client.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread, results

    def test_batch_item_in_progress_409(self):
        body = transfer_body(amount=6)
        thread, first = self.in_background(lambda c: c.transfer(body))
        time.sleep(0.5)
        busy = dict(body, type="wallet_transfer")
        other = batch_item(sender="1000000003", receiver="1000000004",
                           currency="NGN", amount=6)
        behind = batch_item(amount=6)
        reply = self.client.batch([busy, other, behind])
        thread.join(IO_TIMEOUT)
        results = reply.json["results"]
        self.assertEqual(results[0]["status"], 409)
        self.assertEqual(results[0]["error"]["code"], "request_in_progress")
        self.assertEqual(results[0]["retry_after"], 1)
        self.assertEqual(results[1]["status"], 201)
        self.assertEqual(results[2]["status"], 424)
        self.assertEqual(results[2]["depends_on"], busy["operation_id"])
        self.assertEqual(first["reply"].status, 201)
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.sandbox.ledger_count(behind["operation_id"]),
                         0)

        # Sent again, the busy item replays and the held one applies.
        results = self.client.batch([busy, behind]).json["results"]
        self.assertEqual(results[0]["reference"],
                         first["reply"].json["reference"])
        self.assertEqual(results[1]["status"], 201)
        self.assertEqual(self.sandbox.ledger_count(behind["operation_id"]),
                         1)

    def test_single_behind_batch_409(self):
        items = [batch_item(amount=7), batch_item(amount=7)]
        thread, first = self.in_background(lambda c: c.batch(items))
        time.sleep(0.5)
        body = {name: value for name, value in items[1].items()
                if name != "type"}
        duplicate = self.client.transfer(body)
        thread.join(IO_TIMEOUT)
        self.assert_error(duplicate, 409, "request_in_progress")
        self.assertEqual([result["status"] for result in
                          first["reply"].json["results"]], [201, 201])
        replay = self.client.transfer(body)
        self.assertEqual(replay.headers["Idempotent-Replayed"], "true")
        self.assertEqual(replay.json["reference"],
                         first["reply"].json["results"][1]["reference"])


class PolicyTests(SandboxTestCase):
    def test_default_policy(self):
        reply = self.client.send("GET", "/v1/policy")
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(reply.json, DEFAULT_POLICY)
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertNotIn(b" ", reply.raw)

    def test_policy_needs_no_token(self):
        other = Client(self.sandbox.port, "client-T0002")
        try:
            reply = other.send("GET", "/v1/policy")
        finally:
            other.close()
        self.assertEqual(reply.status, 200)

    def test_policy_post_405(self):
        reply = self.client.send("POST", "/v1/policy", {})
        self.assert_error(reply, 405, "method_not_allowed")
        self.assertEqual(reply.headers["Allow"], "GET")


class PolicyFileTests(unittest.TestCase):
    def start_with_policy(self, text):
        sandbox = SandboxProcess()
        path = os.path.join(sandbox.folder, "policy.json")
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
        sandbox.extra_args = ["--policy", path]
        return sandbox

    def test_policy_file_published(self):
        policy = {"version": 7, "operations": {
            "wallet_transfer": {"offline_allowed": False},
            "cash_out": {"offline_allowed": False}}}
        sandbox = self.start_with_policy(json.dumps(policy, indent=4))
        try:
            sandbox.start()
            client = Client(sandbox.port)
            reply = client.send("GET", "/v1/policy")
            client.close()
        finally:
            sandbox.stop()
            sandbox.remove()
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json, policy)
        self.assertEqual(list(reply.json["operations"]),
                         ["wallet_transfer", "cash_out"])

    def test_bad_policy_file_exits(self):
        cases = [
            ("not json", "{version: 1}", "not valid UTF-8 JSON"),
            ("array", "[]", "must be a JSON object"),
            ("version string", '{"version": "1", "operations": {}}',
             '"version" must be an integer'),
            ("version bool", '{"version": true, "operations": {}}',
             '"version" must be an integer'),
            ("operations missing", '{"version": 1}',
             '"operations" must be an object'),
            ("operations array", '{"version": 1, "operations": []}',
             '"operations" must be an object'),
            ("too large", json.dumps({"version": 1, "operations": {
                "x": "y" * 17000}}), "larger than 16384 bytes"),
        ]
        for name, text, message in cases:
            with self.subTest(name):
                sandbox = self.start_with_policy(text)
                try:
                    result = self.run_sandbox(sandbox)
                finally:
                    sandbox.remove()
                self.assertEqual(result.returncode, 1)
                self.assertIn("sandbox: invalid policy file", result.stderr)
                self.assertIn(message, result.stderr)

    def test_missing_policy_file_exits(self):
        sandbox = SandboxProcess()
        sandbox.extra_args = ["--policy",
                              os.path.join(sandbox.folder, "none.json")]
        try:
            result = self.run_sandbox(sandbox)
        finally:
            sandbox.remove()
        self.assertEqual(result.returncode, 1)
        self.assertIn("sandbox: failed to read policy file", result.stderr)
        self.assertIn("No such file or directory", result.stderr)
        self.assertFalse(os.path.exists(sandbox.db))

    @staticmethod
    def run_sandbox(sandbox):
        return subprocess.run(
            [sys.executable, SANDBOX, "--certs", CERTS, "--db", sandbox.db]
            + sandbox.extra_args, capture_output=True, text=True,
            timeout=START_TIMEOUT)


class FaultTests(SandboxTestCase):
    sandbox_args = ("--faults",)

    def setUp(self):
        super().setUp()
        self.assertEqual(self.client.send("DELETE", FAULTS_PATH).status, 200)

    def queued(self):
        return self.client.send("GET", FAULTS_PATH).json["faults"]

    def references(self, items):
        return [self.sandbox.query(
            "SELECT reference FROM ledger WHERE operation_id = ?",
            (item["operation_id"],)) for item in items]

    def test_fault_queue_add_list_clear(self):
        reply = self.client.add_faults(
            {"path": BATCH_PATH, "kind": "status", "status": 503,
             "retry_after": 2},
            {"path": BATCH_PATH, "kind": "item_status", "status": 500,
             "index": 3, "count": 2})
        expected = [
            {"path": BATCH_PATH, "kind": "status", "count": 1,
             "status": 503, "retry_after": 2},
            {"path": BATCH_PATH, "kind": "item_status", "count": 2,
             "status": 500, "index": 3}]
        self.assertEqual(reply.json["faults"], expected)
        self.assertEqual(self.queued(), expected)
        cleared = self.client.send("DELETE", FAULTS_PATH)
        self.assertEqual(cleared.json, {"faults": []})
        self.assertEqual(self.queued(), [])

    def test_bad_faults_400(self):
        cases = [
            ("faults missing", {}),
            ("faults empty", {"faults": []}),
            ("unknown kind", {"faults": [{"path": BATCH_PATH,
                                          "kind": "drop"}]}),
            ("path missing", {"faults": [{"kind": "duplicate"}]}),
            ("faults path", {"faults": [{"path": FAULTS_PATH,
                                         "kind": "duplicate"}]}),
            ("status 404", {"faults": [{"path": BATCH_PATH, "kind": "status",
                                        "status": 404}]}),
            ("status missing", {"faults": [{"path": BATCH_PATH,
                                            "kind": "status"}]}),
            ("after apply 503", {"faults": [{
                "path": BATCH_PATH, "kind": "after_apply_status",
                "status": 503}]}),
            ("count 0", {"faults": [{"path": BATCH_PATH, "kind": "duplicate",
                                     "count": 0}]}),
            ("slow no seconds", {"faults": [{"path": BATCH_PATH,
                                             "kind": "slow"}]}),
            ("slow 61 s", {"faults": [{"path": BATCH_PATH, "kind": "slow",
                                       "seconds": 61}]}),
            ("item on transfer", {"faults": [{
                "path": "/v1/transfers/wallet", "kind": "item_status",
                "status": 500, "index": 0}]}),
            ("item no index", {"faults": [{
                "path": BATCH_PATH, "kind": "item_status", "status": 500}]}),
        ]
        for name, body in cases:
            with self.subTest(name):
                reply = self.client.send("POST", FAULTS_PATH, body)
                self.assert_error(reply, 400, "bad_request")
        self.assertEqual(self.queued(), [])

    def test_status_fault_count_respected(self):
        self.client.add_faults({"path": "/v1/transfers/wallet",
                                "kind": "status", "status": 503,
                                "retry_after": 2, "count": 2})
        body = transfer_body(amount=21)
        for attempt in range(2):
            reply = self.client.transfer(body)
            self.assert_error(reply, 503, "injected_fault")
            self.assertEqual(reply.headers["Retry-After"], "2")
            self.assertEqual(self.sandbox.ledger_count(body["operation_id"]),
                             0)
        reply = self.client.transfer(body)
        self.assertEqual(reply.status, 201)
        self.assertIsNone(reply.headers["Idempotent-Replayed"])
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.queued(), [])

    def test_status_fault_429_batch(self):
        self.client.add_faults({"path": BATCH_PATH, "kind": "status",
                                "status": 429})
        items = [batch_item(amount=1), batch_item(amount=1)]
        reply = self.client.batch(items)
        self.assert_error(reply, 429, "injected_fault")
        self.assertIsNone(reply.headers["Retry-After"])
        for item in items:
            self.assertEqual(self.sandbox.ledger_count(item["operation_id"]),
                             0)
        results = self.client.batch(items).json["results"]
        self.assertEqual([result["status"] for result in results],
                         [201, 201])

    def test_fault_affects_its_path_only(self):
        self.client.add_faults({"path": BATCH_PATH, "kind": "status",
                                "status": 500})
        self.assertEqual(self.client.transfer(transfer_body()).status, 201)
        self.assertEqual(self.client.send("GET", "/v1/health").status, 200)
        self.assertEqual(len(self.queued()), 1)

    def test_after_apply_status_single(self):
        self.client.add_faults({"path": "/v1/transfers/wallet",
                                "kind": "after_apply_status"})
        body = transfer_body(amount=22)
        before = self.sandbox.balance("1000000001")
        reply = self.client.transfer(body)
        self.assert_error(reply, 500, "injected_fault")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        again = self.client.transfer(body)
        self.assertEqual(again.status, 201)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"), before - 22)

    def test_after_apply_status_batch(self):
        self.client.add_faults({"path": BATCH_PATH,
                                "kind": "after_apply_status",
                                "status": 500})
        items = [batch_item(amount=23), batch_item(amount=10**12)]
        self.assert_error(self.client.batch(items), 500, "injected_fault")
        self.assertEqual(len(self.references(items)[0]), 1)
        results = self.client.batch(items).json["results"]
        self.assertEqual(results[0]["status"], 201)
        self.assertEqual(results[0]["reference"],
                         self.references(items)[0][0][0])
        self.assertEqual(results[1]["error"]["code"], "insufficient_funds")
        for item in items:
            self.assertLessEqual(
                self.sandbox.ledger_count(item["operation_id"]), 1)

    def test_slow_fault_single_replays_meanwhile(self):
        self.client.add_faults({"path": "/v1/transfers/wallet",
                                "kind": "slow", "seconds": 1.5})
        body = transfer_body(amount=24)
        slow = Client(self.sandbox.port)
        slow.conn.timeout = 0.3
        try:
            with self.assertRaises(OSError):
                slow.transfer(body)
        finally:
            slow.close()
        started = time.monotonic()
        again = self.client.transfer(body)
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertEqual(again.status, 201)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)

    def test_slow_fault_batch_replays_meanwhile(self):
        self.client.add_faults({"path": BATCH_PATH, "kind": "slow",
                                "seconds": 1.5})
        items = [batch_item(amount=25) for _ in range(3)]
        slow = Client(self.sandbox.port)
        slow.conn.timeout = 0.3
        try:
            with self.assertRaises(OSError):
                slow.batch(items)
        finally:
            slow.close()
        results = self.client.batch(items).json["results"]
        for item, result, rows in zip(items, results,
                                      self.references(items)):
            self.assertEqual(len(rows), 1)
            self.assertEqual(result["reference"], rows[0][0])

    def test_slow_fault_delays_reply(self):
        self.client.add_faults({"path": "/v1/health", "kind": "slow",
                                "seconds": 0.5})
        started = time.monotonic()
        reply = self.client.send("GET", "/v1/health")
        self.assertEqual(reply.status, 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.5)

    def test_duplicate_fault_single(self):
        self.client.add_faults({"path": "/v1/transfers/wallet",
                                "kind": "duplicate"})
        body = transfer_body(amount=26)
        before = self.sandbox.balance("1000000001")
        reply = self.client.transfer(body)
        self.assertEqual(reply.status, 201)
        self.assertEqual(reply.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.sandbox.ledger_count(body["operation_id"]), 1)
        self.assertEqual(self.sandbox.balance("1000000001"), before - 26)

    def test_duplicate_fault_batch(self):
        self.client.add_faults({"path": BATCH_PATH, "kind": "duplicate",
                                "count": 2})
        items = [batch_item(amount=27) for _ in range(3)]
        before = self.sandbox.balance("1000000001")
        for attempt in range(2):
            results = self.client.batch(items).json["results"]
            for result, rows in zip(results, self.references(items)):
                self.assertEqual(len(rows), 1)
                self.assertEqual(result["reference"], rows[0][0])
        self.assertEqual(self.sandbox.balance("1000000001"), before - 81)
        self.assertEqual(self.queued(), [])

    def test_item_status_fault(self):
        self.client.add_faults({"path": BATCH_PATH, "kind": "item_status",
                                "status": 503, "index": 1,
                                "retry_after": 3})
        items = [batch_item(amount=28) for _ in range(3)]
        results = self.client.batch(items).json["results"]
        self.assertEqual([result["status"] for result in results],
                         [201, 503, 424])
        self.assertEqual(results[1]["operation_id"],
                         items[1]["operation_id"])
        self.assertEqual(results[1]["error"]["code"], "injected_fault")
        self.assertEqual(results[1]["retry_after"], 3)
        self.assertEqual(results[2]["depends_on"], items[1]["operation_id"])
        for item in items[1:]:
            self.assertEqual(
                self.sandbox.ledger_count(item["operation_id"]), 0)
            self.assertEqual(self.stored_count(item["operation_id"]), 0)

        results = self.client.batch(items).json["results"]
        self.assertEqual([result["status"] for result in results],
                         [201, 201, 201])
        for item in items:
            self.assertEqual(self.sandbox.ledger_count(item["operation_id"]),
                             1)

    def test_item_status_fault_count_respected(self):
        self.client.add_faults({"path": BATCH_PATH, "kind": "item_status",
                                "status": 500, "index": 0, "count": 2})
        item = batch_item(amount=29)
        for attempt in range(2):
            result = self.client.batch([item]).json["results"][0]
            self.assertEqual(result["status"], 500)
            self.assertNotIn("retry_after", result)
        result = self.client.batch([item]).json["results"][0]
        self.assertEqual(result["status"], 201)
        self.assertEqual(self.sandbox.ledger_count(item["operation_id"]), 1)

    def test_faults_apply_in_queue_order(self):
        self.client.add_faults(
            {"path": BATCH_PATH, "kind": "status", "status": 500},
            {"path": BATCH_PATH, "kind": "after_apply_status"})
        item = batch_item(amount=30)
        self.assert_error(self.client.batch([item]), 500, "injected_fault")
        self.assertEqual(self.sandbox.ledger_count(item["operation_id"]), 0)
        self.assert_error(self.client.batch([item]), 500, "injected_fault")
        self.assertEqual(self.sandbox.ledger_count(item["operation_id"]), 1)
        result = self.client.batch([item]).json["results"][0]
        self.assertEqual(result["status"], 201)


class TlsTests(SandboxTestCase):
    def request_fails(self, context):
        conn = http.client.HTTPSConnection("localhost", self.sandbox.port,
                                           timeout=IO_TIMEOUT,
                                           context=context)
        try:
            conn.request("GET", "/v1/health")
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            return True
        finally:
            conn.close()
        return False

    def handshake_fails(self, context):
        raw = socket.create_connection(("127.0.0.1", self.sandbox.port),
                                       timeout=IO_TIMEOUT)
        try:
            with context.wrap_socket(raw, server_hostname="localhost"):
                return False
        except ssl.SSLError:
            return True
        finally:
            raw.close()

    def test_no_client_certificate_tls12_handshake_fails(self):
        context = tls_context(None, ssl.TLSVersion.TLSv1_2)
        self.assertTrue(self.handshake_fails(context))

    def test_rogue_certificate_tls12_handshake_fails(self):
        context = tls_context("client-rogue", ssl.TLSVersion.TLSv1_2)
        self.assertTrue(self.handshake_fails(context))

    def test_no_client_certificate_rejected(self):
        self.assertTrue(self.request_fails(tls_context(None)))

    def test_rogue_certificate_rejected(self):
        self.assertTrue(self.request_fails(tls_context("client-rogue")))

    def test_tls12_with_certificate_works(self):
        context = tls_context("client-T0001", ssl.TLSVersion.TLSv1_2)
        self.assertFalse(self.request_fails(context))

    def test_sandbox_survives_rejected_clients(self):
        self.request_fails(tls_context("client-rogue"))
        self.assertEqual(self.client.send("GET", "/v1/health").status, 200)


class RestartTests(unittest.TestCase):
    def test_replay_survives_restart(self):
        sandbox = SandboxProcess()
        try:
            sandbox.start()
            client = Client(sandbox.port)
            body = transfer_body(amount=20)
            first = client.transfer(body)
            client.close()
            sandbox.stop()
            self.assertEqual(sandbox.exit_code, 0)

            sandbox.start()
            client = Client(sandbox.port)
            second = client.transfer(body)
            client.close()
            self.assertEqual(second.raw, first.raw)
            self.assertEqual(second.headers["Idempotent-Replayed"], "true")
            self.assertEqual(sandbox.query("SELECT COUNT(*) FROM agents"),
                             [(2,)])
            self.assertEqual(sandbox.query("SELECT COUNT(*) FROM wallets"),
                             [(4,)])
        finally:
            sandbox.stop()
            sandbox.remove()

    def test_seed_balances(self):
        sandbox = SandboxProcess()
        try:
            sandbox.start()
            rows = sandbox.query(
                "SELECT w.account, c.full_name, w.currency, w.balance "
                "FROM wallets w JOIN customers c USING (customer_id) "
                "ORDER BY w.account")
        finally:
            sandbox.stop()
            sandbox.remove()
        self.assertEqual(rows, [
            ("1000000001", "Kofi Boateng", "GHS", 500000),
            ("1000000002", "Akosua Darko", "GHS", 25000),
            ("1000000003", "Chidi Okafor", "NGN", 10000000),
            ("1000000004", "Ngozi Eze", "NGN", 0),
        ])


# Customers of the demo data, by the fixed ids the sandbox seeds.
KOFI_ID = "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c01"
AKOSUA_ID = "5c0a1e2b-3d4f-4a6b-8c7d-9e0f1a2b3c02"
PHONE_NUMBERS = iter(range(233200000000, 233200000000 + 10000))


def registration_body(**fields):
    """Return a valid registration with a fresh customer id and phone."""
    body = {"operation_id": str(uuid.uuid4()), "agent_id": "A1001",
            "created_at": "2026-12-04T15:00:00Z",
            "customer_id": str(uuid.uuid4()), "first_name": "Esi",
            "last_name": "Owusu", "phone": f"+{next(PHONE_NUMBERS)}",
            "date_of_birth": "1990-05-17", "id_type": "national_id",
            "id_number": "GHA-700000001-2",
            "address": "5 Oxford Street, Accra",
            "email": "esi@example.com", "currency": "GHS"}
    body.update(fields)
    return body


def update_body(customer_id, base_version, changes, **fields):
    body = {"operation_id": str(uuid.uuid4()), "agent_id": "A1001",
            "created_at": "2026-12-04T15:00:00Z",
            "customer_id": customer_id, "base_version": base_version,
            "changes": changes}
    body.update(fields)
    return body


class PasswordTests(SandboxTestCase):
    """A1001 keeps its password here, because every change is rejected."""

    def setUp(self):
        super().setUp()
        self.token = self.client.login().json["token"]

    def rules_of(self, new_password):
        reply = self.client.change_password(self.token, "counter-demo-1",
                                            new_password)
        self.assert_error(reply, 422, "password_rules")
        return reply.json["error"]["rules"]

    def test_wrong_old_password_401(self):
        reply = self.client.change_password(self.token, "not-the-one-1",
                                            "Fresh-pass-2026")
        self.assert_error(reply, 401, "invalid_credentials")

    def test_needs_token_401(self):
        reply = self.client.change_password("0" * 64, "counter-demo-1",
                                            "Fresh-pass-2026")
        self.assert_error(reply, 401, "invalid_token")

    def test_bad_body_400(self):
        reply = self.client.send("POST", "/v1/sessions/password",
                                 {"old_password": "counter-demo-1"},
                                 {"Authorization": f"Bearer {self.token}"})
        self.assert_error(reply, 400, "bad_request")

    def test_length_rule(self):
        self.assertEqual(self.rules_of("abcdefgh1"), ["length"])
        self.assertEqual(self.rules_of("a" * 64 + "1"), ["length"])
        # 10 and 64 characters pass the length rule and fail only the next.
        self.assertEqual(self.rules_of("a" * 10), ["letter_and_digit"])
        self.assertEqual(self.rules_of("a" * 64), ["letter_and_digit"])

    def test_letter_and_digit_rule(self):
        for password in ("1234567890", "abcdefghijk", "\u00e9" * 9 + "1",
                         "----------"):
            with self.subTest(password=password):
                self.assertEqual(self.rules_of(password),
                                 ["letter_and_digit"])

    def test_agent_id_rule(self):
        self.assertEqual(self.rules_of("a1001"), ["length", "agent_id"])

    def test_old_password_rule(self):
        self.assertEqual(self.rules_of("counter-demo-1"), ["old_password"])

    def test_message_lists_each_failed_rule(self):
        reply = self.client.change_password(self.token, "counter-demo-1",
                                            "A1001")
        message = reply.json["error"]["message"]
        self.assertIn("10 to 64 characters", message)
        self.assertIn("agent id", message)
        self.assertEqual(reply.json["error"]["rules"],
                         ["length", "agent_id"])

    def test_rejection_keeps_password(self):
        self.rules_of("short1")
        self.assertEqual(self.client.login().status, 201)


class PasswordChangeTests(SandboxTestCase):
    def test_change_204_and_sessions(self):
        other = self.client.login("A1002", "counter-demo-2").json["token"]
        token = self.client.login("A1002", "counter-demo-2").json["token"]
        reply = self.client.change_password(token, "counter-demo-2",
                                            "Fresh-pass-2026")
        self.assertEqual(reply.status, 204, reply.raw)
        self.assertEqual(reply.raw, b"")
        self.assert_error(self.client.login("A1002", "counter-demo-2"), 401,
                          "invalid_credentials")
        self.assertEqual(
            self.client.login("A1002", "Fresh-pass-2026").status, 201)
        # The session that changed it stays, the agent's others end.
        self.assertEqual(self.client.lookup("1000000002", token).status, 200)
        self.assert_error(self.client.lookup("1000000002", other), 401,
                          "invalid_token")

    def test_last_three_passwords_refused(self):
        token = self.client.login().json["token"]
        history = ["counter-demo-1", "Second-pass-1", "Third-pass-22",
                   "Fourth-pass-333", "Fifth-pass-4444"]
        for old, new in zip(history, history[1:]):
            reply = self.client.change_password(token, old, new)
            self.assertEqual(reply.status, 204, reply.raw)
        current = history[-1]
        for recent in history[1:4]:
            with self.subTest(recent=recent):
                reply = self.client.change_password(token, current, recent)
                self.assert_error(reply, 422, "password_rules")
                self.assertEqual(reply.json["error"]["rules"], ["recent"])
        # The first password is four changes back, so it is allowed again.
        reply = self.client.change_password(token, current, history[0])
        self.assertEqual(reply.status, 204, reply.raw)


class CustomerRegistrationTests(SandboxTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.client.login().json["token"]

    def test_registration_opens_wallet(self):
        body = registration_body(currency="NGN")
        reply = self.client.register(body)
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(reply.json["operation_id"], body["operation_id"])
        self.assertEqual(reply.json["status"], "accepted")
        self.assertRegex(reply.json["reference"], r"\ASBX-\d{6,}\Z")
        self.assertEqual(reply.json["customer_id"], body["customer_id"])
        self.assertEqual(reply.json["version"], 1)
        account = reply.json["wallet_account"]
        self.assertRegex(account, r"\A[0-9]{10}\Z")
        self.assertEqual(self.sandbox.balance(account), 0)
        self.assertEqual(
            self.sandbox.query("SELECT customer_id, currency FROM wallets "
                               "WHERE account = ?", (account,)),
            [(body["customer_id"], "NGN")])
        found = self.client.find_customer(f"wallet={account}", self.token)
        self.assertEqual(found.status, 200, found.raw)
        for field in ("customer_id", "first_name", "last_name", "phone",
                      "date_of_birth", "id_type", "id_number", "address",
                      "email"):
            self.assertEqual(found.json[field], body[field], field)
        self.assertEqual(found.json["wallets"],
                         [{"account": account, "currency": "NGN"}])

    def test_registration_replay(self):
        body = registration_body()
        first = self.client.register(body)
        again = self.client.register(dict(reversed(list(body.items()))))
        self.assertEqual(again.status, 201)
        self.assertEqual(again.raw, first.raw)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(
            self.sandbox.query("SELECT COUNT(*) FROM wallets "
                               "WHERE customer_id = ?",
                               (body["customer_id"],)), [(1,)])

    def test_registration_key_reused_422(self):
        body = registration_body()
        self.client.register(body)
        reply = self.client.register(dict(body, first_name="Ama"))
        self.assert_error(reply, 422, "idempotency_key_reused")

    def test_duplicate_phone_422_names_nobody(self):
        body = registration_body(phone="+233244000001")
        reply = self.client.register(body)
        self.assert_error(reply, 422, "duplicate_phone")
        for secret in ("Kofi", "Boateng", KOFI_ID, "1000000001"):
            self.assertNotIn(secret.encode(), reply.raw)
        again = self.client.register(body)
        self.assertEqual(again.raw, reply.raw)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.stored_count(body["operation_id"]), 1)

    def test_underage_boundary(self):
        cases = [("2008-12-04", "2026-12-04T00:00:00Z", 201),
                 ("2008-12-05", "2026-12-04T23:59:59Z", 422),
                 ("2008-02-29", "2026-02-28T12:00:00Z", 422),
                 ("2008-02-29", "2026-03-01T00:00:00Z", 201)]
        for born, created_at, status in cases:
            with self.subTest(born=born, created_at=created_at):
                reply = self.client.register(registration_body(
                    date_of_birth=born, created_at=created_at))
                self.assertEqual(reply.status, status, reply.raw)
                if status == 422:
                    self.assertEqual(reply.error_code(), "underage")

    def test_invalid_fields_422(self):
        cases = [("first_name", None), ("first_name", "K0fi"),
                 ("first_name", ""), ("last_name", " Owusu"),
                 ("last_name", "x" * 65), ("phone", "0244000001"),
                 ("phone", "+0233244000001"), ("phone", "+2332440"),
                 ("phone", "+2332440000011234"),
                 ("date_of_birth", "2000-02-30"),
                 ("date_of_birth", "17/05/1990"),
                 ("date_of_birth", "2026-12-05"),
                 ("id_type", "library_card"), ("id_number", "ab1"),
                 ("id_number", "GHA 1234"), ("address", ""),
                 ("address", "Accra\x07"), ("address", "x" * 201),
                 ("email", "not-an-address"), ("email", 5),
                 ("currency", "USD"), ("currency", None)]
        for field, value in cases:
            with self.subTest(field=field, value=value):
                body = registration_body()
                if value is None:
                    del body[field]
                else:
                    body[field] = value
                reply = self.client.register(body)
                self.assert_error(reply, 422, "invalid_field")
                self.assertEqual(reply.json["error"]["field"], field)
                self.assertIn(field, reply.json["error"]["message"])
                self.assertEqual(self.stored_count(body["operation_id"]), 1)

    def test_email_optional(self):
        body = registration_body()
        del body["email"]
        self.assertEqual(self.client.register(body).status, 201)
        self.assertEqual(self.client.register(
            registration_body(email=None)).status, 201)

    def test_names_in_any_script(self):
        reply = self.client.register(registration_body(
            first_name="Ad\u1ecd\u0301", last_name="O'Neil-Mensah Jr."))
        self.assertEqual(reply.status, 201, reply.raw)

    def test_customer_exists_422(self):
        body = registration_body()
        self.client.register(body)
        again = registration_body(customer_id=body["customer_id"])
        self.assert_error(self.client.register(again), 422,
                          "customer_exists")

    def test_unknown_agent_422(self):
        reply = self.client.register(registration_body(agent_id="A9999"))
        self.assert_error(reply, 422, "unknown_agent")

    def test_bad_requests_400_not_stored(self):
        upper = registration_body()
        upper["customer_id"] = upper["customer_id"].upper()
        no_agent = registration_body()
        del no_agent["agent_id"]
        cases = [(registration_body(), "not-a-uuid"), (upper, None),
                 (no_agent, None),
                 (registration_body(created_at="yesterday"), None)]
        for body, key in cases:
            with self.subTest(body=body, key=key):
                self.assert_error(self.client.register(body, key), 400,
                                  "bad_request")
                self.assertEqual(self.stored_count(body["operation_id"]), 0)


class CustomerLookupTests(SandboxTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.client.login().json["token"]

    def test_lookup_by_phone(self):
        for query in ("phone=%2B233244000001", "phone=+233244000001"):
            with self.subTest(query=query):
                reply = self.client.find_customer(query, self.token)
                self.assertEqual(reply.status, 200, reply.raw)
                self.assertEqual(reply.json["customer_id"], KOFI_ID)
                self.assertEqual(reply.json["first_name"], "Kofi")
                self.assertEqual(reply.json["last_name"], "Boateng")
                self.assertEqual(reply.json["date_of_birth"], "1985-03-14")
                self.assertEqual(reply.json["version"], 1)
                self.assertEqual(reply.json["wallets"],
                                 [{"account": "1000000001",
                                   "currency": "GHS"}])

    def test_lookup_by_wallet(self):
        reply = self.client.find_customer("wallet=1000000002", self.token)
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(reply.json["customer_id"], AKOSUA_ID)
        self.assertEqual(reply.json["first_name"], "Akosua")
        self.assertEqual(reply.json["phone"], "+233244000002")
        self.assertEqual(reply.json["id_number"], "G1234567")
        self.assertIsNone(reply.json["email"])
        self.assertNotIn("balance", reply.raw.decode())

    def test_lookup_not_found_404(self):
        for query in ("phone=%2B233999999999", "wallet=1000000099"):
            with self.subTest(query=query):
                self.assert_error(self.client.find_customer(query,
                                                            self.token),
                                  404, "customer_not_found")

    def test_bad_query_400(self):
        for query in ("", "phone=0244000001", "wallet=12",
                      "phone=%2B233244000001&wallet=1000000001",
                      "name=Kofi", "phone=%ff"):
            with self.subTest(query=query):
                self.assert_error(self.client.find_customer(query,
                                                            self.token),
                                  400, "bad_request")

    def test_lookup_needs_token_401(self):
        reply = self.client.send("GET", "/v1/customers?wallet=1000000001")
        self.assert_error(reply, 401, "invalid_token")


class CustomerProfileTests(SandboxTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.client.login().json["token"]
        self.customer = registration_body()
        reply = self.client.register(self.customer)
        self.assertEqual(reply.status, 201, reply.raw)
        self.customer_id = self.customer["customer_id"]
        self.account = reply.json["wallet_account"]

    def update(self, base_version, changes, **fields):
        body = update_body(self.customer_id, base_version, changes, **fields)
        del body["customer_id"]
        return body, self.client.update_profile(self.customer_id, body)

    def test_update_accepted(self):
        body, reply = self.update(1, {"address": "9 High Street, Tema",
                                      "last_name": "Mensah", "email": None})
        self.assertEqual(reply.status, 201, reply.raw)
        self.assertEqual(reply.json["status"], "accepted")
        self.assertEqual(reply.json["version"], 2)
        self.assertRegex(reply.json["reference"], r"\ASBX-\d{6,}\Z")
        found = self.client.find_customer(f"wallet={self.account}",
                                          self.token).json
        self.assertEqual(found["version"], 2)
        self.assertEqual(found["address"], "9 High Street, Tema")
        self.assertIsNone(found["email"])
        self.assertEqual(self.client.lookup(self.account, self.token)
                         .json["holder_name"], "Esi Mensah")

    def test_update_replay(self):
        body, first = self.update(1, {"address": "1 Main Road, Tamale"})
        again = self.client.update_profile(self.customer_id, body)
        self.assertEqual(again.raw, first.raw)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self.client.find_customer(
            f"wallet={self.account}", self.token).json["version"], 2)

    def test_version_conflict_412_replayed(self):
        self.update(1, {"address": "2 Main Road, Ho"})
        body, reply = self.update(1, {"address": "3 Main Road, Ho"})
        self.assert_error(reply, 412, "version_conflict")
        current = reply.json["current"]
        self.assertEqual(current["version"], 2)
        self.assertEqual(current["address"], "2 Main Road, Ho")
        self.assertEqual(current["customer_id"], self.customer_id)
        # The conflict is final for the operation: replayed as stored,
        # even after the profile moved on.
        self.update(2, {"address": "4 Main Road, Ho"})
        again = self.client.update_profile(self.customer_id, body)
        self.assertEqual(again.status, 412)
        self.assertEqual(again.raw, reply.raw)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")

    def test_update_rejections_422(self):
        cases = [({"phone": "+233244000001"}, "duplicate_phone"),
                 ({"date_of_birth": "2010-01-01"}, "underage"),
                 ({"phone": "12345"}, "invalid_field"),
                 ({"balance": 5}, "invalid_field"),
                 ({}, "invalid_field")]
        for changes, code in cases:
            with self.subTest(changes=changes):
                _, reply = self.update(1, changes)
                self.assert_error(reply, 422, code)
        _, reply = self.update(1, {"address": "x"}, agent_id="A9999")
        self.assert_error(reply, 422, "unknown_agent")
        self.assertEqual(self.client.find_customer(
            f"wallet={self.account}", self.token).json["version"], 1)

    def test_own_phone_is_no_duplicate(self):
        _, reply = self.update(1, {"phone": self.customer["phone"]})
        self.assertEqual(reply.status, 201, reply.raw)

    def test_unknown_customer_422(self):
        body = update_body(str(uuid.uuid4()), 1, {"address": "x"})
        reply = self.client.update_profile(body["customer_id"], body)
        self.assert_error(reply, 422, "customer_not_found")

    def test_update_bad_requests_400(self):
        other = update_body(AKOSUA_ID, 1, {"address": "x"})
        self.assert_error(self.client.update_profile(self.customer_id,
                                                     other), 400,
                          "bad_request")
        upper = update_body(self.customer_id.upper(), 1, {"address": "x"})
        self.assert_error(self.client.update_profile(upper["customer_id"],
                                                     upper), 400,
                          "bad_request")
        for base_version in ("1", 0, None):
            body, reply = self.update(base_version, {"address": "x"})
            self.assert_error(reply, 400, "bad_request")
        body, reply = self.update(1, ["address"])
        self.assert_error(reply, 400, "bad_request")


class CustomerBatchTests(SandboxTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.client.login().json["token"]

    def test_registration_update_and_transfers(self):
        registration = dict(registration_body(),
                            type="customer_registration")
        customer_id = registration["customer_id"]
        update = dict(update_body(customer_id, 1, {"address": "6 Lane, Ho"}),
                      type="customer_update")
        cash_in = batch_item(amount=1000)
        del cash_in["receiver_account"]
        cash_in["receiver_customer_id"] = customer_id
        spend = batch_item(amount=400, receiver="1000000002")
        del spend["sender_account"]
        spend["sender_customer_id"] = customer_id
        items = [registration, update, cash_in, spend]
        results = self.client.batch(items).json["results"]
        for item, result in zip(items, results):
            self.assert_result(result, item, 201)
        self.assertEqual(results[0]["customer_id"], customer_id)
        self.assertEqual(results[0]["version"], 1)
        account = results[0]["wallet_account"]
        self.assertEqual(results[1]["version"], 2)
        self.assertEqual(self.sandbox.balance(account), 600)
        self.assertEqual(
            self.sandbox.query("SELECT sender, receiver FROM ledger "
                               "WHERE operation_id = ?",
                               (spend["operation_id"],)),
            [(account, "1000000002")])

        # Sent again, alone or in a batch, every item is a replay.
        self.assertEqual(self.client.batch(items).json["results"], results)
        single = self.client.register(
            {key: value for key, value in registration.items()
             if key != "type"})
        self.assertEqual(single.headers["Idempotent-Replayed"], "true")
        self.assertEqual(single.json["wallet_account"], account)
        self.assertEqual(self.sandbox.balance(account), 600)

    def test_rejected_registration_holds_dependents(self):
        registration = dict(registration_body(date_of_birth="2015-01-01"),
                            type="customer_registration")
        customer_id = registration["customer_id"]
        cash_in = batch_item(amount=1000)
        del cash_in["receiver_account"]
        cash_in["receiver_customer_id"] = customer_id
        update = dict(update_body(customer_id, 1, {"address": "6 Lane, Ho"}),
                      type="customer_update")
        unrelated = batch_item(amount=5, **NGN_WALLETS)
        items = [registration, cash_in, update, unrelated]
        before = self.sandbox.balance("1000000001")
        results = self.client.batch(items).json["results"]
        self.assert_result(results[0], registration, 422, "underage")
        for index in (1, 2):
            self.assert_result(results[index], items[index], 424,
                               "dependency_failed")
            self.assertEqual(results[index]["depends_on"],
                             registration["operation_id"])
            self.assertEqual(self.stored_count(
                items[index]["operation_id"]), 0)
        self.assert_result(results[3], unrelated, 201)
        self.assertEqual(self.sandbox.balance("1000000001"), before)

    def test_version_conflict_item_412(self):
        stale = dict(update_body(KOFI_ID, 7, {"address": "8 Lane, Accra"}),
                     type="customer_update")
        after = dict(update_body(KOFI_ID, 1, {"address": "9 Lane, Accra"}),
                     type="customer_update")
        results = self.client.batch([stale, after]).json["results"]
        self.assert_result(results[0], stale, 412, "version_conflict")
        self.assertEqual(results[0]["current"]["customer_id"], KOFI_ID)
        self.assertEqual(results[0]["current"]["version"], 1)
        # A later update of the same profile waits behind the conflict.
        self.assert_result(results[1], after, 424, "dependency_failed")
        self.assertEqual(self.client.batch([stale]).json["results"][0],
                         results[0])
        single = {key: value for key, value in stale.items()
                  if key not in ("type", "customer_id")}
        reply = self.client.update_profile(KOFI_ID, single)
        self.assert_error(reply, 412, "version_conflict")
        self.assertEqual(reply.headers["Idempotent-Replayed"], "true")
        self.assertEqual(reply.json["current"], results[0]["current"])

    def test_malformed_customer_items_400(self):
        no_customer = dict(registration_body(),
                           type="customer_registration")
        del no_customer["customer_id"]
        no_changes = dict(update_body(KOFI_ID, 1, None),
                          type="customer_update")
        results = self.client.batch([no_customer, no_changes]).json[
            "results"]
        self.assert_result(results[0], no_customer, 400, "bad_request")
        self.assert_result(results[1], no_changes, 400, "bad_request")

    def test_transfer_by_customer_id_single(self):
        body = transfer_body(amount=100)
        del body["receiver_account"]
        body["receiver_customer_id"] = AKOSUA_ID
        before = self.sandbox.balance("1000000002")
        self.assertEqual(self.client.transfer(body).status, 201)
        self.assertEqual(self.sandbox.balance("1000000002"), before + 100)
        unknown = dict(body, operation_id=str(uuid.uuid4()),
                       receiver_customer_id=str(uuid.uuid4()))
        self.assert_error(self.client.transfer(unknown), 422,
                          "customer_not_found")
        no_wallet = dict(body, operation_id=str(uuid.uuid4()),
                         currency="NGN")
        self.assert_error(self.client.transfer(no_wallet), 422,
                          "wallet_not_found")
        both = dict(body, operation_id=str(uuid.uuid4()),
                    receiver_account="1000000002")
        self.assert_error(self.client.transfer(both), 400, "bad_request")


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)

    # Count tests, not subtests: a test with two failing subtests is one
    # failed test. A failing setUpClass counts as one failure.
    failed_ids = {getattr(test, "test_case", test).id()
                  for test, _ in result.failures + result.errors}
    failed = len(failed_ids)
    passed = max(result.testsRun - failed - len(result.skipped), 0)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
