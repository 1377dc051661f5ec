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

    def transfer(self, body, key=None):
        headers = {"Idempotency-Key": body["operation_id"] if key is None
                   else key}
        return self.send("POST", "/v1/transfers/wallet", body, headers)


def transfer_body(amount=1250, sender="1000000001", receiver="1000000002",
                  currency="GHS", agent_id="A1001"):
    return {"operation_id": str(uuid.uuid4()), "agent_id": agent_id,
            "sender_account": sender, "receiver_account": receiver,
            "currency": currency, "amount": amount,
            "created_at": "2026-12-04T15:00:00Z"}


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


def send_in_threads(port, requests):
    """Send each (body, key) on its own connection, all released at once.
    Returns the replies in order, or the exception a request raised."""
    barrier = threading.Barrier(len(requests), timeout=IO_TIMEOUT)
    results = [None] * len(requests)

    def run(index, body, key):
        client = Client(port)
        try:
            client.conn.connect()
            barrier.wait()
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
