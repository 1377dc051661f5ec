"""The sandbox's HTTPS side: the threaded server with mutual TLS, routing,
body limits, JSON replies and the injection of queued test faults."""

import http.server
import os
import re
import socket
import socketserver
import ssl
import sys
import threading
import time
import traceback

from cards import mask_text
from faults import parse_faults
from protocol import (BANK_TRANSFER_PATH, BATCH_MAX_BODY_BYTES, BATCH_PATH,
                      CARDS_LOOKUP_PATH, CASH_IN_PATH, CASH_OUT_CODES_PATH,
                      CASH_OUT_PATH,
                      CUSTOMERS_PATH, DISCARD_MAX_BYTES, FAULTS_PATH,
                      MAX_BODY_BYTES, PASSWORD_PATH, QUOTES_PATH,
                      REVERSALS_PATH, SEND_MONEY_PATH, TRANSFER_PATH,
                      ApiError, bad_request, canonical_json, log)

HANDSHAKE_TIMEOUT = 10  # seconds for a TLS handshake to finish
IDLE_TIMEOUT = 60  # seconds a keep-alive connection may stay idle
# Replies up to this size leave in one write, so the headers and the body
# share one TLS record and one TCP segment where they fit.
WRITE_BUFFER_BYTES = 64 * 1024

ROUTES = [
    (re.compile(r"/v1/health"), {"GET": "route_health"}),
    (re.compile(r"/v1/sessions"), {"POST": "route_login"}),
    (re.compile(re.escape(PASSWORD_PATH)), {"POST": "route_password"}),
    (re.compile(re.escape(CUSTOMERS_PATH)),
     {"GET": "route_customer_lookup", "POST": "route_register"}),
    (re.compile(re.escape(CUSTOMERS_PATH) + r"/([^/]*)/profile"),
     {"POST": "route_profile"}),
    (re.compile(r"/v1/wallets/([^/]*)"), {"GET": "route_wallet"}),
    (re.compile(re.escape(CARDS_LOOKUP_PATH)), {"POST": "route_card"}),
    (re.compile(r"/v1/wallets/([^/]*)/balance"), {"GET": "route_balance"}),
    (re.compile(r"/v1/wallets/([^/]*)/statement"),
     {"GET": "route_statement"}),
    (re.compile(r"/v1/agents/([^/]*)/float"), {"GET": "route_float"}),
    (re.compile(re.escape(TRANSFER_PATH)), {"POST": "route_transfer"}),
    (re.compile(re.escape(BATCH_PATH)), {"POST": "route_batch"}),
    (re.compile(r"/v1/policy"), {"GET": "route_policy"}),
    (re.compile(r"/v1/fees"), {"GET": "route_fees"}),
    (re.compile(r"/v1/banks"), {"GET": "route_banks"}),
    (re.compile(r"/v1/banks/([^/]*)/accounts/([^/]*)"),
     {"GET": "route_name_enquiry"}),
    (re.compile(r"/v1/corridors"), {"GET": "route_corridors"}),
    (re.compile(re.escape(QUOTES_PATH)), {"POST": "route_quote"}),
    (re.compile(re.escape(CASH_OUT_CODES_PATH)),
     {"POST": "route_cash_out_code"}),
    (re.compile(re.escape(BANK_TRANSFER_PATH)),
     {"POST": "route_bank_transfer"}),
    (re.compile(re.escape(CASH_IN_PATH)), {"POST": "route_cash_in"}),
    (re.compile(re.escape(CASH_OUT_PATH)), {"POST": "route_cash_out"}),
    (re.compile(re.escape(SEND_MONEY_PATH)), {"POST": "route_send_money"}),
    (re.compile(re.escape(REVERSALS_PATH)), {"POST": "route_reversal"}),
]
# Only with --faults: without it, these paths are 404 like any other
# unknown path.
FAULT_ROUTES = [
    (re.compile(re.escape(FAULTS_PATH)),
     {"GET": "route_faults_list", "POST": "route_faults_add",
      "DELETE": "route_faults_clear"}),
]


class Handler(http.server.BaseHTTPRequestHandler):
    """One keep-alive HTTPS connection from a terminal."""

    protocol_version = "HTTP/1.1"
    server_version = "spotbanc-sandbox/1"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    wbufsize = WRITE_BUFFER_BYTES

    def setup(self):
        super().setup()
        self.terminal_id = peer_common_name(self.connection.getpeercert())
        self.log_note = ""
        self.item_fault = None

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def handle_expect_100(self):
        # With a buffered wfile, "100 Continue" would wait in the buffer
        # while the client waits for it before sending the body.
        accepted = super().handle_expect_100()
        self.wfile.flush()
        return accepted

    def dispatch(self):
        self.log_note = ""
        self.item_fault = None
        self.server.request_started()
        try:
            self.send_json(*self.reply())
        finally:
            self.server.request_finished()

    def reply(self):
        """Return the status, body text and extra headers of the reply."""
        try:
            method, args, path = self.route_request()
            fault = self.server.take_fault(path)
            if fault is None:
                return self.result_of(method, args)
            return self.reply_with_fault(fault, method, args)
        except ApiError as error:
            return self.error_reply(error)
        except Exception:
            log("internal error:\n" + traceback.format_exc().rstrip())
            return self.error_reply(ApiError(
                500, "internal_error", "The sandbox failed on this request."))

    def error_reply(self, error):
        self.log_note = (self.log_note + " " + error.code).strip()
        return error.status, error.body(), error.headers

    def result_of(self, method, args):
        """Call a route method and return its reply triple with the body
        as text."""
        status, reply, headers = method(*args)
        if not isinstance(reply, str):
            reply = canonical_json(reply)
        return status, reply, headers

    def reply_with_fault(self, fault, method, args):
        """Handle the request under a fault that take_fault returned."""
        self.log_note = f"fault {fault.kind}"
        if fault.kind == "status":
            raise fault.error()
        if fault.kind == "item_status":
            self.item_fault = fault
            return self.result_of(method, args)

        # The other kinds process the request normally at least once.
        first = self.result_or_error(method, args)
        if fault.kind == "after_apply_status":
            raise fault.error()
        if fault.kind == "duplicate":
            return self.result_or_error(method, args)
        if fault.kind == "slow":
            time.sleep(fault.seconds)
        return first

    def result_or_error(self, method, args):
        try:
            return self.result_of(method, args)
        except ApiError as error:
            return self.error_reply(error)

    def route_request(self):
        """Read the body and find the route method for the request.

        Returns (bound method, its arguments, path), or raises ApiError.
        """
        path = self.path.split("?", 1)[0]
        limit = BATCH_MAX_BODY_BYTES if path == BATCH_PATH else MAX_BODY_BYTES
        body = self.read_body(limit)
        if self.terminal_id is None:
            raise ApiError(403, "forbidden",
                           "The client certificate has no common name.")
        for pattern, methods in self.server.routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            name = methods.get(self.command)
            if name is None:
                allowed = ", ".join(methods)
                raise ApiError(405, "method_not_allowed",
                               f"Use {allowed} for {path}.",
                               [("Allow", allowed)])
            if self.command == "POST":
                self.check_content_type()
            return getattr(self, name), (body, *match.groups()), path
        raise ApiError(404, "not_found", f"No resource is at {path}.")

    def route_health(self, body):
        return self.server.sandbox.health()

    def route_policy(self, body):
        return self.server.sandbox.policy()

    def route_login(self, body):
        return self.server.sandbox.login(self.terminal_id, body)

    def route_wallet(self, body, account):
        return self.server.sandbox.wallet_lookup(
            self.terminal_id, self.headers.get("Authorization"), account)

    def route_card(self, body):
        return self.server.sandbox.card_lookup(
            self.terminal_id, self.headers.get("Authorization"), body)

    def route_fees(self, body):
        return self.server.sandbox.fees()

    def route_banks(self, body):
        return self.server.sandbox.banks()

    def route_corridors(self, body):
        return self.server.sandbox.corridors()

    def route_name_enquiry(self, body, bank_code, account):
        return self.server.sandbox.name_enquiry(
            self.terminal_id, self.headers.get("Authorization"), bank_code,
            account)

    def route_balance(self, body, account):
        return self.server.sandbox.wallet_balance(
            self.terminal_id, self.headers.get("Authorization"), account)

    def route_statement(self, body, account):
        return self.server.sandbox.statement(
            self.terminal_id, self.headers.get("Authorization"), account)

    def route_float(self, body, agent_id):
        return self.server.sandbox.agent_float(
            self.terminal_id, self.headers.get("Authorization"), agent_id)

    def route_quote(self, body):
        return self.server.sandbox.quote(
            self.terminal_id, self.headers.get("Authorization"), body)

    def route_cash_out_code(self, body):
        return self.server.sandbox.cash_out_code(
            self.terminal_id, self.headers.get("Authorization"), body)

    def route_bank_transfer(self, body):
        return self.money(body, "bank_transfer")

    def route_cash_in(self, body):
        return self.money(body, "cash_in")

    def route_cash_out(self, body):
        return self.money(body, "cash_out")

    def route_send_money(self, body):
        return self.money(body, "send_money")

    def route_reversal(self, body):
        return self.money(body, "reversal")

    def money(self, body, operation_type):
        """Run a journaled money operation other than a wallet
        transfer."""
        def operation(terminal_id, key, body):
            return self.server.sandbox.money_operation(
                operation_type, terminal_id, key, body)
        return self.journaled(operation, body)

    def route_password(self, body):
        return self.server.sandbox.change_password(
            self.terminal_id, self.headers.get("Authorization"), body)

    def route_customer_lookup(self, body):
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        return self.server.sandbox.customer_lookup(
            self.terminal_id, self.headers.get("Authorization"), query)

    def route_transfer(self, body):
        return self.journaled(self.server.sandbox.transfer, body)

    def route_register(self, body):
        return self.journaled(self.server.sandbox.register_customer, body)

    def route_profile(self, body, customer_id):
        return self.journaled(self.server.sandbox.update_profile, body,
                              customer_id)

    def journaled(self, operation, body, *args):
        """Run a single journaled operation with the request's
        Idempotency-Key, noting a replay in the log line."""
        status, reply, headers = operation(
            self.terminal_id, self.headers.get("Idempotency-Key"), body,
            *args)
        if headers:
            self.log_note = (self.log_note + " replayed").strip()
        return status, reply, headers

    def route_batch(self, body):
        return self.server.sandbox.batch(self.terminal_id, body,
                                         self.item_fault)

    def route_faults_list(self, body):
        return 200, {"faults": self.server.faults.listing()}, []

    def route_faults_add(self, body):
        self.server.faults.add(parse_faults(body))
        return 200, {"faults": self.server.faults.listing()}, []

    def route_faults_clear(self, body):
        self.server.faults.clear()
        return 200, {"faults": []}, []

    def read_body(self, limit):
        """Read the whole request body, so the connection can be reused."""
        if self.headers.get("Transfer-Encoding") is not None:
            self.close_connection = True
            raise ApiError(411, "length_required",
                           "Send the body with a Content-Length header.")
        length_text = self.headers.get("Content-Length", "0")
        if not length_text.isascii() or not length_text.isdigit():
            self.close_connection = True
            raise bad_request("The Content-Length header is not a number.")
        length = int(length_text)
        if length > limit:
            self.close_connection = True
            if length <= DISCARD_MAX_BYTES:
                self.discard_body(length)
            raise ApiError(413, "payload_too_large",
                           f"The request body is larger than "
                           f"{limit} bytes.")
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True
            raise bad_request("The request body ended early.")
        return body

    def discard_body(self, length):
        while length > 0:
            chunk = self.rfile.read(min(length, 16 * 1024))
            if not chunk:
                return
            length -= len(chunk)

    def check_content_type(self):
        media_type = self.headers.get("Content-Type", "").split(";")[0]
        if media_type.strip().lower() != "application/json":
            raise ApiError(415, "unsupported_media_type",
                           "Send the body as application/json.")

    def send_json(self, status, text, headers):
        data = text.encode("utf-8")
        if self.server.stopping:
            self.close_connection = True
        self.send_response(status)
        # A 204 reply has no body, so it carries neither header.
        if status != 204:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def send_error(self, code, message=None, explain=None):
        """Send http.server's own errors (bad request line, unsupported
        method) in the contract's JSON error format."""
        self.close_connection = True
        self.log_note = "http_error"
        codes = {400: "bad_request", 414: "uri_too_long",
                 431: "headers_too_large", 501: "not_implemented",
                 505: "http_version_not_supported"}
        code_name = codes.get(code, "bad_request")
        error = ApiError(code, code_name,
                         f"The request was rejected: "
                         f"{message or 'malformed request'}.")
        self.send_json(code, error.body(), [])

    def log_request(self, code="-", size="-"):
        note = f" {self.log_note}" if self.log_note else ""
        path = getattr(self, "path", "").split("?", 1)[0]
        # A client may put a card number in a path by mistake.
        log(mask_text(f"{self.terminal_id or '-'} {self.command} {path} "
                      f"{code}{note}"))

    def log_message(self, format, *args):
        log(mask_text(f"{self.terminal_id or '-'} " + (format % args)))


def peer_common_name(cert):
    """Return the subject CN of a verified client certificate, or None."""
    for rdn in (cert or {}).get("subject", ()):
        for name, value in rdn:
            if name == "commonName" and 0 < len(value) <= 64:
                return value
    return None


class SandboxServer(http.server.ThreadingHTTPServer):
    """HTTPS server that does each TLS handshake on the request's thread,
    so a slow or rogue client never blocks the accept loop.

    faults is a FaultQueue when the sandbox runs with --faults, else None.
    """

    daemon_threads = True

    def __init__(self, port, tls, sandbox, faults=None):
        self.tls = tls
        self.sandbox = sandbox
        self.faults = faults
        self.routes = ROUTES + (FAULT_ROUTES if faults is not None else [])
        self.active = 0
        self.stopping = False
        self.active_changed = threading.Condition()
        super().__init__(("127.0.0.1", port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would resolve the host name, which is not
        # needed for a server that only listens on the loopback address.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.socket.getsockname()[1]

    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_TIMEOUT)
        # Each reply leaves in one write, so Nagle's algorithm could only
        # hold a reply back while the client delays its ACK.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            log(f"TLS handshake with port {client_address[1]} failed: "
                f"{error}")
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            conn.close()

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            log(f"connection from port {client_address[1]} failed: {error}")
        else:
            log("unexpected error:\n" + traceback.format_exc().rstrip())

    def take_fault(self, path):
        """Return the queued fault for this request to path, or None."""
        if self.faults is None or path == FAULTS_PATH:
            return None
        return self.faults.take(path)

    def request_started(self):
        with self.active_changed:
            self.active += 1

    def request_finished(self):
        with self.active_changed:
            self.active -= 1
            self.active_changed.notify_all()

    def wait_idle(self, seconds):
        """Wait until no request is being handled, at most seconds."""
        with self.active_changed:
            return self.active_changed.wait_for(lambda: self.active == 0,
                                                seconds)


def make_tls_context(certs):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(os.path.join(certs, "server.pem"),
                            os.path.join(certs, "server.key"))
    context.load_verify_locations(os.path.join(certs, "ca.pem"))
    context.verify_mode = ssl.CERT_REQUIRED
    return context
