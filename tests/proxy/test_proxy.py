#!/usr/bin/env python3
"""Self-test of tests/proxy/faultproxy.py: each fault kind, latency, stats
and the control API, against a small TLS server on 127.0.0.1 that uses the
test certificates in build/certs. Closes with "N passed, N failed"."""

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PROXY = os.path.join(TOP, "tests", "proxy", "faultproxy.py")
CERTS = os.environ.get("SANDBOX_CERTS", os.path.join(TOP, "build", "certs"))
# Seconds any socket operation of the test may take.
SOCKET_TIMEOUT = 10.0
# Maximum length of a request line to the test server, padding included.
MAX_REQUEST_LINE = 16000
# Seconds to wait for the proxy to write its port files.
START_TIMEOUT = 10.0


# Linux TCP states from TCP_INFO: a peer's RST leaves CLOSE, its FIN
# leaves CLOSE_WAIT.
TCP_CLOSE = 7
TCP_CLOSE_WAIT = 8


def tcp_ending(sock):
    """Name how the peer ended the connection, from the TCP state. Python's
    ssl module returns b"" for a reset as for a clean end, so the state is
    the only place the difference shows."""
    try:
        state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    except OSError:
        return "unknown"
    return {TCP_CLOSE: "reset", TCP_CLOSE_WAIT: "eof"}.get(state,
                                                          f"state {state}")


def payload(size):
    return bytes(i % 251 for i in range(size))


class ReplyServer:
    """TLS server on 127.0.0.1 with mutual authentication. Each request is
    a line "SIZE PIECES"; the reply is SIZE bytes sent in PIECES writes, so
    PIECES TLS records. It counts the requests it received and how each
    connection ended."""

    def __init__(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(os.path.join(CERTS, "server.pem"),
                                os.path.join(CERTS, "server.key"))
        context.load_verify_locations(os.path.join(CERTS, "ca.pem"))
        context.verify_mode = ssl.CERT_REQUIRED
        # OpenSSL 3 sends an alert after a peer's bare FIN, and the
        # kernel replies to that alert with RST because the proxy has
        # closed its socket. This option sends no alert, so the TCP state
        # shows the end of the connection that the proxy made.
        context.options |= ssl.OP_IGNORE_UNEXPECTED_EOF
        self.context = context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.received = 0
        self.endings = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def accept_loop(self):
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self.serve, args=(sock,),
                             daemon=True).start()

    def serve(self, sock):
        sock.settimeout(SOCKET_TIMEOUT)
        ending = "eof"
        try:
            conn = self.context.wrap_socket(sock, server_side=True)
        except (OSError, ssl.SSLError):
            self.end("handshake failed")
            sock.close()
            return
        try:
            stream = conn.makefile("rb")
            while True:
                line = stream.readline(MAX_REQUEST_LINE)
                if not line:
                    ending = tcp_ending(conn)
                    break
                size, pieces = (int(x) for x in line.split()[:2])
                with self.lock:
                    self.received += 1
                data = payload(size)
                step = max(1, -(-size // pieces))
                for start in range(0, size, step):
                    conn.sendall(data[start:start + step])
        except ConnectionResetError:
            ending = "reset"
        except (OSError, ssl.SSLError, ValueError) as error:
            ending = type(error).__name__
        finally:
            self.end(ending)
            conn.close()

    def end(self, ending):
        with self.lock:
            self.endings.append(ending)

    def count(self):
        with self.lock:
            return self.received

    def stop(self):
        self.stopping.set()
        self.listener.close()
        self.thread.join(2)


def client_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # mbedTLS 2.28 in the terminal speaks TLS 1.2, which the proxy parses.
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    # No alert after a bare FIN, as in ReplyServer.
    context.options |= ssl.OP_IGNORE_UNEXPECTED_EOF
    context.load_verify_locations(os.path.join(CERTS, "ca.pem"))
    context.load_cert_chain(os.path.join(CERTS, "client-T0001.pem"),
                            os.path.join(CERTS, "client-T0001.key"))
    return context


CLIENT = None


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), SOCKET_TIMEOUT)
    try:
        return CLIENT.wrap_socket(sock, server_hostname="localhost")
    except BaseException:
        sock.close()
        raise


def request(conn, size, pieces=1, padding=0):
    """Send one request, padded with that many bytes, and read its reply.
    Return the bytes read and the name of the error that ended the read
    early, or None."""
    try:
        conn.sendall(f"{size} {pieces} {'x' * padding}\n".encode())
    except (OSError, ssl.SSLError) as error:
        return b"", type(error).__name__
    data = b""
    try:
        while len(data) < size:
            piece = conn.recv(size - len(data))
            if not piece:
                return data, tcp_ending(conn)
            data += piece
    except (OSError, ssl.SSLError) as error:
        return data, type(error).__name__
    return data, None


class ProxyProcess:
    def __init__(self, target_port, workdir, *extra):
        self.port_file = os.path.join(workdir, f"port{id(self)}")
        self.control_file = os.path.join(workdir, f"control{id(self)}")
        self.stdout_path = os.path.join(workdir, f"stdout{id(self)}")
        self.log_path = os.path.join(workdir, "proxy.log")
        with open(self.stdout_path, "wb") as out, \
                open(self.log_path, "ab") as err:
            self.process = subprocess.Popen(
                [sys.executable, PROXY, "--target-port", str(target_port),
                 "--port-file", self.port_file,
                 "--control-port-file", self.control_file, *extra],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while not (os.path.exists(self.port_file)
                   and os.path.exists(self.control_file)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the proxy did not start; see "
                                   f"{self.log_path}")
            time.sleep(0.05)
        with open(self.port_file) as stream:
            self.port = int(stream.read())
        with open(self.control_file) as stream:
            self.control_port = int(stream.read())

    def call(self, method, path, body=None, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.control_port,
                                          timeout=SOCKET_TIMEOUT)
        try:
            text = raw if raw is not None else (
                json.dumps(body).encode() if body is not None else None)
            headers = {"Content-Type": "application/json"} if text else {}
            conn.request(method, path, body=text, headers=headers)
            reply = conn.getresponse()
            return reply.status, json.loads(reply.read())
        finally:
            conn.close()

    def faults(self, *faults):
        status, reply = self.call("POST", "/faults", {"faults": list(faults)})
        if status != 200:
            raise RuntimeError(f"POST /faults returned {status}: {reply}")

    def stats(self):
        return self.call("GET", "/stats")[1]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
                return None
        return self.process.returncode


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}".rstrip())


def settle(server, before, timeout=2.0):
    """Wait until the server has counted a request past before, or time is
    up; return the count."""
    deadline = time.monotonic() + timeout
    while server.count() == before and time.monotonic() < deadline:
        time.sleep(0.02)
    return server.count()


def test_forwarding(t, server, proxy):
    proxy.call("POST", "/stats/reset")
    with connect(proxy.port) as conn:
        results = [request(conn, size, 3) for size in (10, 5000, 40000)]
    t.check("forwarding keeps replies intact",
            all(data == payload(size) and error is None
                for (data, error), size in zip(results, (10, 5000, 40000))),
            str([(len(d), e) for d, e in results]))
    stats = proxy.stats()
    t.check("stats counts one connection", stats["connections"] == 1,
            str(stats))
    t.check("stats counts keep-alive requests", stats["requests"] == 3,
            str(stats))
    t.check("stats counts bytes down", stats["bytes_down"] > 45010,
            str(stats))
    t.check("stats counts bytes up", stats["bytes_up"] > 30, str(stats))
    status, reply = proxy.call("POST", "/stats/reset")
    t.check("stats reset zeroes counters",
            status == 200 and set(reply.values()) == {0}, str(reply))


def test_drop_before_request(t, server, proxy):
    before = server.count()
    proxy.faults({"kind": "drop_before_request"})
    with connect(proxy.port) as conn:
        data, error = request(conn, 100)
    time.sleep(0.3)
    t.check("drop_before_request ends the connection",
            data == b"" and error is not None, f"{len(data)} {error}")
    t.check("drop_before_request forwards no request",
            server.count() == before, f"{server.count()} != {before}")
    with connect(proxy.port) as conn:
        data, error = request(conn, 100)
    t.check("drop_before_request applies once", data == payload(100),
            str(error))


def test_drop_after_request(t, server, proxy):
    before = server.count()
    proxy.faults({"kind": "drop_after_request"})
    with connect(proxy.port) as conn:
        data, error = request(conn, 100)
    t.check("drop_after_request loses the reply",
            data == b"" and error is not None, f"{len(data)} {error}")
    t.check("drop_after_request closes without RST", error == "eof",
            str(error))
    t.check("drop_after_request forwards the request",
            settle(server, before) == before + 1)


def test_drop_mid_response(t, server, proxy):
    before = server.count()
    proxy.faults({"kind": "drop_mid_response"})
    with connect(proxy.port) as conn:
        data, error = request(conn, 4000, 2)
    t.check("drop_mid_response cuts the first record",
            len(data) < 4000 and error is not None, f"{len(data)} {error}")
    t.check("drop_mid_response forwards the request",
            settle(server, before) == before + 1)

    # 1100 bytes cover the first 1000-byte record and its TLS overhead
    # (5 header, at most 40 for the cipher) but not the second record.
    proxy.faults({"kind": "drop_mid_response", "after_bytes": 1100})
    with connect(proxy.port) as conn:
        data, error = request(conn, 2000, 2)
    t.check("drop_mid_response after_bytes passes the first record",
            data == payload(2000)[:1000] and error is not None,
            f"{len(data)} {error}")


def test_reset(t, server, proxy):
    before = server.count()
    endings = len(server.endings)
    proxy.faults({"kind": "reset"})
    with connect(proxy.port) as conn:
        data, error = request(conn, 100)
    t.check("reset gives the client ECONNRESET",
            data == b"" and error in ("reset", "ConnectionResetError"),
            f"{len(data)} {error}")
    t.check("reset forwards the request",
            settle(server, before) == before + 1)
    deadline = time.monotonic() + 2
    while len(server.endings) == endings and time.monotonic() < deadline:
        time.sleep(0.02)
    t.check("reset gives the server ECONNRESET",
            server.endings[endings:] == ["reset"],
            str(server.endings[endings:]))


def test_trickle(t, server, proxy):
    proxy.faults({"kind": "trickle", "bytes_per_second": 2000})
    with connect(proxy.port) as conn:
        start = time.monotonic()
        data, error = request(conn, 2000, 4)
        elapsed = time.monotonic() - start
        start = time.monotonic()
        again, _ = request(conn, 2000, 4)
        after = time.monotonic() - start
    t.check("trickle keeps the reply intact", data == payload(2000),
            f"{len(data)} {error}")
    t.check("trickle paces the reply", 0.95 <= elapsed < 4,
            f"{elapsed:.2f} s")
    t.check("trickle ends with its request",
            again == payload(2000) and after < 0.5, f"{after:.2f} s")


def test_delay(t, server, proxy):
    proxy.faults({"kind": "delay", "ms": 600})
    with connect(proxy.port) as conn:
        start = time.monotonic()
        data, error = request(conn, 3000, 3)
        elapsed = time.monotonic() - start
        start = time.monotonic()
        request(conn, 10)
        after = time.monotonic() - start
    t.check("delay keeps the reply intact", data == payload(3000),
            f"{len(data)} {error}")
    t.check("delay holds the reply", 0.6 <= elapsed < 1.5,
            f"{elapsed:.2f} s")
    t.check("delay ends with its request", after < 0.3, f"{after:.2f} s")


def test_latency(t, server, proxy):
    status, _ = proxy.call("POST", "/latency", {"ms_each_way": 100})
    t.check("latency is set", status == 200)
    with connect(proxy.port) as conn:
        start = time.monotonic()
        data, error = request(conn, 20000, 20)
        elapsed = time.monotonic() - start
    proxy.call("POST", "/latency", {"ms_each_way": 0})
    t.check("latency keeps the reply intact", data == payload(20000),
            f"{len(data)} {error}")
    # 100 ms up plus 100 ms down; 20 records must not add 100 ms each.
    t.check("latency delays each direction", elapsed >= 0.2,
            f"{elapsed:.2f} s")
    t.check("latency is not bandwidth", elapsed < 0.5, f"{elapsed:.2f} s")

    # Several megabytes overflow the proxy's queue cap, so its reads pause
    # and resume while the bytes wait for their release time.
    proxy.call("POST", "/latency", {"ms_each_way": 20})
    with connect(proxy.port) as conn:
        data, error = request(conn, 3 << 20, 200)
    proxy.call("POST", "/latency", {"ms_each_way": 0})
    t.check("latency with backpressure keeps data intact",
            data == payload(3 << 20), f"{len(data)} {error}")


def test_count_and_skip(t, server, proxy):
    proxy.faults({"kind": "drop_after_request", "count": 2})
    outcomes = []
    for _ in range(3):
        with connect(proxy.port) as conn:
            outcomes.append(request(conn, 50)[1] is None)
    t.check("count applies to that many requests",
            outcomes == [False, False, True], str(outcomes))

    proxy.faults({"kind": "drop_after_request", "skip": 1})
    with connect(proxy.port) as conn:
        first = request(conn, 50)[1] is None
        second = request(conn, 50)[1] is None
    t.check("skip lets requests pass first", first and not second,
            f"{first} {second}")

    proxy.faults({"kind": "drop_after_request", "min_bytes": 1000})
    with connect(proxy.port) as conn:
        small = request(conn, 50)[1] is None
        large = request(conn, 50, padding=2000)[1] is None
    t.check("min_bytes lets small requests pass", small and not large,
            f"{small} {large}")

    proxy.faults({"kind": "delay", "ms": 300}, {"kind": "drop_after_request"})
    with connect(proxy.port) as conn:
        start = time.monotonic()
        first = request(conn, 50)[1] is None
        elapsed = time.monotonic() - start
        second = request(conn, 50)[1] is None
    t.check("faults apply in queue order",
            first and elapsed >= 0.3 and not second,
            f"{first} {elapsed:.2f} {second}")

    proxy.faults({"kind": "drop_after_request", "count": 5})
    status, reply = proxy.call("DELETE", "/faults")
    with connect(proxy.port) as conn:
        error = request(conn, 50)[1]
    t.check("DELETE /faults empties the queue",
            status == 200 and reply["queued"] == 0 and error is None,
            f"{status} {reply} {error}")


def test_refuse(t, server, proxy):
    idle = connect(proxy.port)
    proxy.faults({"kind": "refuse", "seconds": 1})
    try:
        connect(proxy.port).close()
        refused = False
    except ConnectionRefusedError:
        refused = True
    t.check("refuse rejects connections", refused)
    data, error = request(idle, 10)
    idle.close()
    t.check("refuse closes open connections", error is not None,
            f"{len(data)} {error}")
    time.sleep(1.3)
    try:
        with connect(proxy.port) as conn:
            data, error = request(conn, 10)
    except OSError as failure:
        data, error = b"", type(failure).__name__
    t.check("refuse reopens the port", data == payload(10), str(error))


def test_control_errors(t, server, proxy):
    cases = [
        ("unknown kind", "POST", "/faults", {"faults": [{"kind": "x"}]}, 400),
        ("missing field", "POST", "/faults",
         {"faults": [{"kind": "trickle"}]}, 400),
        ("unknown field", "POST", "/faults",
         {"faults": [{"kind": "reset", "sconds": 1}]}, 400),
        ("bad count", "POST", "/faults",
         {"faults": [{"kind": "reset", "count": 0}]}, 400),
        ("refuse count", "POST", "/faults",
         {"faults": [{"kind": "refuse", "seconds": 1, "count": 2}]}, 400),
        ("bad min_bytes", "POST", "/faults",
         {"faults": [{"kind": "reset", "min_bytes": -1}]}, 400),
        ("bad latency", "POST", "/latency", {"ms_each_way": -1}, 400),
        ("not an object", "POST", "/latency", [1], 400),
        ("unknown path", "GET", "/nothing", None, 404),
        ("wrong method", "PUT", "/stats", None, 405),
    ]
    for name, method, path, body, expected in cases:
        status, reply = proxy.call(method, path, body)
        t.check(f"control rejects {name}",
                status == expected and "error" in reply, f"{status} {reply}")
    status, reply = proxy.call("POST", "/faults", raw=b"{not json")
    t.check("control rejects bad JSON", status == 400, f"{status} {reply}")
    status, reply = proxy.call("GET", "/faults")
    t.check("rejected faults are not queued",
            status == 200 and reply["faults"] == [], str(reply))


def test_connection_cap(t, server, workdir):
    proxy = ProxyProcess(server.port, workdir, "--max-connections", "1")
    try:
        first = connect(proxy.port)
        try:
            connect(proxy.port).close()
            second = "connected"
        except (OSError, ssl.SSLError) as error:
            second = type(error).__name__
        ok = request(first, 10)[0] == payload(10)
        first.close()
        time.sleep(0.2)
        with connect(proxy.port) as conn:
            third = request(conn, 10)[0] == payload(10)
    finally:
        proxy.stop()
    t.check("connection cap closes extra connections",
            second != "connected", second)
    t.check("connection cap keeps the first", ok)
    t.check("connection cap frees a slot on close", third)


def test_sigterm(t, proxy):
    with open(proxy.stdout_path) as stream:
        banner = stream.read()
    t.check("proxy prints its listening line",
            f"proxy: listening on 127.0.0.1:{proxy.port}" in banner, banner)
    open_conn = connect(proxy.port)
    start = time.monotonic()
    status = proxy.stop()
    elapsed = time.monotonic() - start
    open_conn.close()
    t.check("SIGTERM exits 0", status == 0, str(status))
    t.check("SIGTERM exits promptly", elapsed < 2, f"{elapsed:.2f} s")


def run_tests(t, server, proxy, workdir):
    tests = [test_forwarding, test_drop_before_request,
             test_drop_after_request, test_drop_mid_response, test_reset,
             test_trickle, test_delay, test_latency, test_count_and_skip,
             test_refuse, test_control_errors]
    for test in tests:
        proxy.call("DELETE", "/faults")
        try:
            test(t, server, proxy)
        except Exception as error:
            t.check(f"{test.__name__} runs", False, repr(error))

    try:
        test_connection_cap(t, server, workdir)
    except Exception as error:
        t.check("test_connection_cap runs", False, repr(error))
    test_sigterm(t, proxy)


def main():
    global CLIENT
    if not os.path.isfile(os.path.join(CERTS, "ca.pem")):
        print(f"{CERTS}/ca.pem is missing; run 'make certs' first",
              file=sys.stderr)
        print("0 passed, 1 failed")
        return 1

    CLIENT = client_context()
    runs = os.path.join(TOP, "build", "test-runs")
    os.makedirs(runs, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="proxy-", dir=runs)
    t = Suite()
    server = ReplyServer()
    proxy = ProxyProcess(server.port, workdir)
    try:
        run_tests(t, server, proxy, workdir)
    finally:
        proxy.stop()
        server.stop()

    print(f"proxy log: {proxy.log_path}")
    print(f"{t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
