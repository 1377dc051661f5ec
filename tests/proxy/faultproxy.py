#!/usr/bin/env python3
"""Fault-injecting TCP proxy for the spotagent tests: forwards TLS byte for
byte from 127.0.0.1 to a local port and breaks requests on command.

    faultproxy.py --target-port N [--port N] [--port-file FILE]
                  [--control-port N] [--control-port-file FILE]

The client connects to https://localhost:PORT and the TLS session passes
through untouched, so it verifies the target's certificate. A request is
found from the TLS record headers of each connection (TLS 1.2): it starts
with the client's first application-data record after the target sent
application data, or the first on the connection. Keep-alive connections
carry several requests.

Control API, plain HTTP with JSON bodies on 127.0.0.1:CONTROL_PORT:

    POST /latency {"ms_each_way": 50}   delay every chunk by that much each
                                        way, in order but not serialised
    POST /faults {"faults": [...]}      queue faults; DELETE /faults empties
                                        the queue, GET /faults lists it
    GET /stats                          connections, requests, bytes_up,
                                        bytes_down; POST /stats/reset

Each fault applies to the next "count" requests (default 1), after "skip"
requests, counting only requests whose first record has at least
"min_bytes" bytes:

    refuse              close the listener for "seconds" and close open
                        connections unless "close_connections" is false;
                        starts when it reaches the head of the queue
    drop_before_request close both sides at the request's first record,
                        forwarding none of it
    drop_after_request  forward the request, close both sides at the
                        reply's first record, forwarding none of it
    drop_mid_response   forward "after_bytes" of the reply (default: the
                        first record's header and half its body), then close
    reset               like drop_after_request, but with RST (SO_LINGER 0)
    trickle             forward the reply at "bytes_per_second"
    delay               hold the reply for "ms"
"""

import argparse
import asyncio
import collections
import json
import os
import signal
import socket
import struct
import sys
import time

# Connections served at once. A connection over the cap is accepted and
# closed at once.
DEFAULT_MAX_CONNECTIONS = 64
# Bytes read from a socket in one call.
READ_SIZE = 64 * 1024
# Bytes waiting for their release time per direction before the proxy stops
# reading that side (backpressure).
MAX_QUEUED_BYTES = 1024 * 1024
# Faults waiting in the queue at most.
MAX_FAULTS = 10000
# Control API limits: request head and body sizes, how long a control
# client may take to send its request, and connections served at once.
CONTROL_HEAD_MAX = 8192
CONTROL_BODY_MAX = 64 * 1024
CONTROL_READ_TIMEOUT = 5.0
CONTROL_MAX_CONNECTIONS = 16
# Seconds to connect to the target before the client connection is closed.
TARGET_CONNECT_TIMEOUT = 5.0
# Seconds a refusal may last, and the longest latency or delay in ms.
MAX_REFUSE_SECONDS = 600
MAX_DELAY_MS = 600000
# Seconds to retry reopening the listener after a refusal, when the port
# is briefly busy.
REOPEN_RETRY_SECONDS = 5.0

# TLS record header: content type (1 byte), version (2), length (2).
TLS_HEADER_SIZE = 5
TLS_APPLICATION_DATA = 23
TLS_CONTENT_TYPES = (20, 21, 22, 23, 24)

# Fault kinds and the fields each accepts besides the common ones below,
# with the type, range and whether the field is required.
FAULT_FIELDS = {
    "refuse": {"seconds": (float, 0.001, MAX_REFUSE_SECONDS, True),
               "close_connections": (bool, None, None, False)},
    "drop_before_request": {},
    "drop_after_request": {},
    "drop_mid_response": {"after_bytes": (int, 1, 1 << 30, False)},
    "reset": {},
    "trickle": {"bytes_per_second": (int, 1, 1 << 30, True)},
    "delay": {"ms": (int, 0, MAX_DELAY_MS, True)},
}
# Largest "count" and "skip" of one fault.
MAX_FAULT_COUNT = 1000000
# Fields every kind but refuse accepts: "count" requests get the fault,
# after "skip" requests passed. Requests whose first TLS record is shorter
# than "min_bytes" neither count nor skip, so a fault can aim at large
# requests (a batch POST) and let small ones (GET) pass.
COMMON_FIELDS = {"count": (int, 1, MAX_FAULT_COUNT, False),
                 "skip": (int, 0, MAX_FAULT_COUNT, False),
                 "min_bytes": (int, 0, 1 << 16, False)}


def log(text):
    stamp = time.strftime("%H:%M:%S")
    print(f"{stamp} proxy: {text}", file=sys.stderr, flush=True)


class FaultError(ValueError):
    """A fault description that the control API rejects."""


def number_field(fault, name, spec):
    kind, low, high, required = spec
    if name not in fault:
        if required:
            raise FaultError(f"fault {fault['kind']}: missing \"{name}\"")
        return
    value = fault[name]
    if kind is bool:
        if not isinstance(value, bool):
            raise FaultError(f"\"{name}\" must be true or false")
        return
    allowed = (int, float) if kind is float else (int,)
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise FaultError(f"\"{name}\" must be a number")
    if not low <= value <= high:
        raise FaultError(f"\"{name}\" must be {low} to {high}, not {value}")


def parse_fault(fault):
    """Check one fault object and return a copy with the common fields
    set."""
    if not isinstance(fault, dict):
        raise FaultError("each fault must be a JSON object")
    kind = fault.get("kind")
    if kind not in FAULT_FIELDS:
        names = ", ".join(FAULT_FIELDS)
        raise FaultError(f"unknown fault kind {kind!r}; use one of {names}")
    fields = FAULT_FIELDS[kind]
    for name in fault:
        if name not in fields and name not in COMMON_FIELDS and \
                name != "kind":
            raise FaultError(f"fault {kind}: unknown field \"{name}\"")
    for name, spec in {**fields, **COMMON_FIELDS}.items():
        number_field(fault, name, spec)
    if kind == "refuse" and any(name in fault for name in COMMON_FIELDS):
        raise FaultError("refuse starts when it reaches the head of the "
                         "queue, so it takes no \"count\", \"skip\" or "
                         "\"min_bytes\"")
    parsed = dict(fault)
    parsed.setdefault("count", 1)
    parsed.setdefault("skip", 0)
    parsed.setdefault("min_bytes", 0)
    return parsed


class RecordParser:
    """Splits one direction of a connection into TLS record headers and
    body bytes, so that decisions can be made at record boundaries.

    Traffic that does not start with a TLS record header is passed through
    raw, without request detection."""

    def __init__(self):
        self.header = b""
        self.remaining = 0
        self.raw = False

    def feed(self, data):
        """Yield ("header", content_type, length, bytes) and
        ("body", None, None, bytes) pieces of data, in order. Bytes of an
        incomplete header are kept until the next call."""
        view = memoryview(data)
        while view:
            if self.raw:
                yield "body", None, None, bytes(view)
                return
            if self.remaining > 0:
                size = min(self.remaining, len(view))
                self.remaining -= size
                yield "body", None, None, bytes(view[:size])
                view = view[size:]
                continue
            need = TLS_HEADER_SIZE - len(self.header)
            self.header += bytes(view[:need])
            view = view[need:]
            if self.header[0] not in TLS_CONTENT_TYPES:
                self.raw = True
                piece, self.header = self.header, b""
                yield "body", None, None, piece
                continue
            if len(self.header) < TLS_HEADER_SIZE:
                return
            content_type, _, length = struct.unpack("!BHH", self.header)
            piece, self.header = self.header, b""
            self.remaining = length
            yield "header", content_type, length, piece


class Item:
    """One entry of a direction's send queue: bytes released at a time,
    optionally paced, or the end of the connection."""

    __slots__ = ("data", "release", "rate", "close", "reset")

    def __init__(self, data=b"", release=0.0, rate=0, close=False,
                 reset=False):
        self.data = data
        self.release = release
        self.rate = rate
        self.close = close
        self.reset = reset


class Direction:
    """One way of a proxied connection: reads from one socket, queues the
    bytes with their release time and writes them to the other socket."""

    def __init__(self, connection, name, reader, writer):
        self.connection = connection
        self.proxy = connection.proxy
        self.name = name
        self.reader = reader
        self.writer = writer
        self.parser = RecordParser()
        self.queue = collections.deque()
        self.queued_bytes = 0
        self.changed = asyncio.Event()
        self.space = asyncio.Event()
        self.space.set()
        self.stopped = False
        # Bytes still to forward before a drop_mid_response closes.
        self.budget = None

    def push(self, item):
        self.queue.append(item)
        self.queued_bytes += len(item.data)
        if self.queued_bytes >= MAX_QUEUED_BYTES:
            self.space.clear()
        self.changed.set()

    def stop_with(self, reset=False):
        """Forward nothing more from this side, then end the connection
        once what is already queued has been written."""
        self.stopped = True
        self.push(Item(close=True, reset=reset))

    async def read_loop(self):
        loop = asyncio.get_running_loop()
        while not self.stopped:
            await self.space.wait()
            try:
                data = await self.reader.read(READ_SIZE)
            except OSError:
                data = b""
            if self.stopped:
                return
            if not data:
                self.stop_with()
                return
            self.take(data, loop.time())

    def take(self, data, arrival):
        release = arrival + self.proxy.latency_ms / 1000.0
        for piece, content_type, length, raw in self.parser.feed(data):
            if piece == "header" and content_type == TLS_APPLICATION_DATA:
                action = self.connection.on_application_data(self.name,
                                                             length)
                if action is not None:
                    self.apply(action, raw, release)
                    if self.stopped:
                        return
                    continue
            self.forward(raw, release)
            if self.stopped:
                return

    def apply(self, action, raw, release):
        kind, fault = action
        if kind in ("drop_before_request", "drop_after_request"):
            self.stop_with()
        elif kind == "reset":
            self.stop_with(reset=True)
        elif kind == "drop_mid_response":
            length = struct.unpack("!H", raw[3:5])[0]
            self.budget = fault.get("after_bytes",
                                    TLS_HEADER_SIZE + length // 2)
            self.forward(raw, release)
        elif kind == "delay":
            self.forward(raw, release + fault["ms"] / 1000.0)

    def forward(self, raw, release):
        rate = self.connection.trickle_rate if self.name == "down" else 0
        if self.budget is not None:
            raw = raw[:self.budget]
            self.budget -= len(raw)
        if raw:
            self.push(Item(raw, release, rate))
        if self.budget == 0:
            self.stop_with()

    async def write_loop(self):
        loop = asyncio.get_running_loop()
        while True:
            while not self.queue:
                self.changed.clear()
                await self.changed.wait()
            item = self.queue.popleft()
            if item.close:
                self.connection.close(item.reset)
                return
            wait = item.release - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if item.rate:
                await self.write_paced(item.data, item.rate)
            else:
                self.writer.write(item.data)
                self.count(len(item.data))
                await self.writer.drain()
            self.queued_bytes -= len(item.data)
            if self.queued_bytes < MAX_QUEUED_BYTES:
                self.space.set()

    async def write_paced(self, data, rate):
        # Twenty slices a second, so the rate is smooth at any size.
        step = max(1, rate // 20)
        for start in range(0, len(data), step):
            piece = data[start:start + step]
            self.writer.write(piece)
            self.count(len(piece))
            await self.writer.drain()
            await asyncio.sleep(len(piece) / rate)

    def count(self, size):
        key = "bytes_up" if self.name == "up" else "bytes_down"
        self.proxy.stats[key] += size


class Connection:
    """A client connection and its connection to the target, with the
    request tracking that decides where a fault applies."""

    def __init__(self, proxy, number, client, target):
        self.proxy = proxy
        self.number = number
        self.client_writer = client[1]
        self.target_writer = target[1]
        self.up = Direction(self, "up", client[0], target[1])
        self.down = Direction(self, "down", target[0], client[1])
        # True until the client sends application data, and again after
        # each time the target sends application data.
        self.awaiting_request = True
        self.fault = None
        self.reply_started = False
        self.trickle_rate = 0
        self.closed = False
        self.tasks = []

    async def run(self):
        loops = (self.up.read_loop(), self.up.write_loop(),
                 self.down.read_loop(), self.down.write_loop())
        self.tasks = [asyncio.create_task(self.guard(loop))
                      for loop in loops]
        try:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        finally:
            self.close(False)

    async def guard(self, loop):
        # A socket error on either side ends the whole connection, so that
        # no direction waits forever on a peer that is gone.
        try:
            await loop
        except OSError as error:
            log(f"connection {self.number}: {error}")
            self.close(False)

    def on_application_data(self, direction, length):
        """Track requests and return (kind, fault) when a fault acts on
        this record of length bytes, else None."""
        if direction == "up":
            if not self.awaiting_request:
                return None
            self.awaiting_request = False
            self.reply_started = False
            self.trickle_rate = 0
            self.fault = self.proxy.start_request(self.number, length)
            if self.fault and self.fault["kind"] == "drop_before_request":
                return self.fault["kind"], self.fault
            return None
        self.awaiting_request = True
        if self.reply_started:
            return None
        self.reply_started = True
        fault = self.fault
        if fault is None:
            return None
        kind = fault["kind"]
        if kind == "trickle":
            self.trickle_rate = fault["bytes_per_second"]
            return None
        if kind == "drop_after_request":
            return kind, fault
        if kind in ("reset", "drop_mid_response", "delay"):
            return kind, fault
        return None

    def close(self, reset):
        if self.closed:
            return
        self.closed = True
        for writer in (self.client_writer, self.target_writer):
            if reset:
                sock = writer.get_extra_info("socket")
                if sock is not None:
                    try:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        struct.pack("ii", 1, 0))
                    except OSError:
                        pass
                writer.transport.abort()
            else:
                writer.close()
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()


class Proxy:
    """The data listener, its connections, the fault queue and stats."""

    def __init__(self, target_port, port, max_connections, verbose):
        self.target_port = target_port
        self.verbose = verbose
        self.port = port
        self.max_connections = max_connections
        self.server = None
        self.connections = set()
        self.next_number = 1
        self.latency_ms = 0
        self.faults = collections.deque()
        self.refusing = False
        self.reopen_task = None
        self.stats = {}
        self.reset_stats()

    def reset_stats(self):
        self.stats = {"connections": 0, "requests": 0, "bytes_up": 0,
                      "bytes_down": 0}

    async def listen(self):
        self.server = await asyncio.start_server(
            self.accept, "127.0.0.1", self.port, reuse_address=True,
            backlog=128)
        self.port = self.server.sockets[0].getsockname()[1]

    async def accept(self, reader, writer):
        if len(self.connections) >= self.max_connections:
            log(f"connection cap {self.max_connections} reached; closing "
                f"a new connection")
            writer.transport.abort()
            return
        number = self.next_number
        self.next_number += 1
        self.stats["connections"] += 1
        try:
            target = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.target_port),
                TARGET_CONNECT_TIMEOUT)
        except (OSError, asyncio.TimeoutError) as error:
            log(f"connection {number}: failed to connect to "
                f"127.0.0.1:{self.target_port}: {error}")
            writer.transport.abort()
            return
        connection = Connection(self, number, (reader, writer), target)
        self.connections.add(connection)
        try:
            await connection.run()
        finally:
            self.connections.discard(connection)

    def start_request(self, number, length):
        """Count a new request whose first record has length bytes and
        return the fault that applies to it, or None."""
        self.stats["requests"] += 1
        request = self.stats["requests"]
        if self.verbose:
            log(f"request {request} on connection {number}: first record "
                f"{length} bytes")
        if not self.faults:
            return None
        fault = self.faults[0]
        if length < fault["min_bytes"]:
            return None
        if fault["skip"] > 0:
            fault["skip"] -= 1
            return None
        fault["count"] -= 1
        if fault["count"] == 0:
            self.faults.popleft()
            self.start_head_refusals()
        log(f"request {request} on connection {number}: fault "
            f"{fault['kind']}")
        return fault

    def add_faults(self, faults):
        if len(self.faults) + len(faults) > MAX_FAULTS:
            raise FaultError(f"at most {MAX_FAULTS} faults may be queued")
        self.faults.extend(faults)
        self.start_head_refusals()

    def start_head_refusals(self):
        # A refusal acts on connections, not requests, so it starts as
        # soon as it reaches the head of the queue.
        while self.faults and self.faults[0]["kind"] == "refuse":
            self.refuse(self.faults.popleft())

    def refuse(self, fault):
        seconds = fault["seconds"]
        log(f"refusing connections for {seconds} s")
        if self.server is not None:
            self.server.close()
            self.server = None
        if fault.get("close_connections", True):
            for connection in list(self.connections):
                connection.close(False)
        if self.reopen_task is not None:
            self.reopen_task.cancel()
        self.refusing = True
        self.reopen_task = asyncio.create_task(self.reopen(seconds))

    async def reopen(self, seconds):
        await asyncio.sleep(seconds)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REOPEN_RETRY_SECONDS
        while True:
            try:
                await self.listen()
                break
            except OSError as error:
                if loop.time() > deadline:
                    log(f"failed to listen again on 127.0.0.1:{self.port}:"
                        f" {error}")
                    return
                await asyncio.sleep(0.1)
        self.refusing = False
        self.reopen_task = None
        log(f"accepting connections again on 127.0.0.1:{self.port}")

    def close(self):
        if self.server is not None:
            self.server.close()
        if self.reopen_task is not None:
            self.reopen_task.cancel()
        for connection in list(self.connections):
            connection.close(False)


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Control:
    """The plain-HTTP JSON control API. One request per connection."""

    REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found",
               405: "Method Not Allowed", 408: "Request Timeout",
               411: "Length Required", 413: "Payload Too Large"}

    def __init__(self, proxy):
        self.proxy = proxy
        self.server = None
        self.port = None
        self.active = 0

    async def listen(self, port):
        self.server = await asyncio.start_server(self.serve, "127.0.0.1",
                                                 port, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]

    async def serve(self, reader, writer):
        if self.active >= CONTROL_MAX_CONNECTIONS:
            log(f"control connection cap {CONTROL_MAX_CONNECTIONS} "
                f"reached; closing a new connection")
            writer.transport.abort()
            return
        self.active += 1
        try:
            await self.handle(reader, writer)
        finally:
            self.active -= 1

    async def handle(self, reader, writer):
        try:
            try:
                method, path, body = await asyncio.wait_for(
                    self.read_request(reader), CONTROL_READ_TIMEOUT)
                status, reply = 200, self.route(method, path, body)
            except asyncio.TimeoutError:
                status, reply = 408, {"error": "request timed out"}
            except ControlError as error:
                status, reply = error.status, {"error": error.message}
            text = json.dumps(reply).encode() + b"\n"
            head = (f"HTTP/1.1 {status} {self.REASONS[status]}\r\n"
                    f"Content-Type: application/json\r\n"
                    f"Content-Length: {len(text)}\r\n"
                    f"Connection: close\r\n\r\n").encode()
            writer.write(head + text)
            await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def read_request(self, reader):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise ControlError(400, "request head too large")
        except asyncio.IncompleteReadError:
            raise ControlError(400, "incomplete request head")
        if len(head) > CONTROL_HEAD_MAX:
            raise ControlError(400, "request head too large")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            raise ControlError(400, "malformed request line")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    raise ControlError(400, "invalid Content-Length")
            elif name == "transfer-encoding":
                raise ControlError(411, "chunked bodies are not supported; "
                                         "send Content-Length")
        if not 0 <= length <= CONTROL_BODY_MAX:
            raise ControlError(413, f"body over {CONTROL_BODY_MAX} bytes")
        try:
            body = await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            raise ControlError(400, "incomplete request body")
        return parts[0], parts[1].split("?", 1)[0], body

    def route(self, method, path, body):
        routes = {
            "/stats": {"GET": self.get_stats},
            "/stats/reset": {"POST": self.reset_stats},
            "/latency": {"POST": self.set_latency, "GET": self.get_latency},
            "/faults": {"POST": self.add_faults, "GET": self.get_faults,
                        "DELETE": self.clear_faults},
        }
        methods = routes.get(path)
        if methods is None:
            raise ControlError(404, f"no resource at {path}")
        handler = methods.get(method)
        if handler is None:
            raise ControlError(405, f"use {', '.join(methods)} for {path}")
        return handler(body)

    @staticmethod
    def parse_json(body):
        try:
            value = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ControlError(400, f"body is not valid JSON: {error}")
        if not isinstance(value, dict):
            raise ControlError(400, "body must be a JSON object")
        return value

    def get_stats(self, body):
        return dict(self.proxy.stats)

    def reset_stats(self, body):
        self.proxy.reset_stats()
        return dict(self.proxy.stats)

    def get_latency(self, body):
        return {"ms_each_way": self.proxy.latency_ms}

    def set_latency(self, body):
        value = self.parse_json(body).get("ms_each_way")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ControlError(400, "\"ms_each_way\" must be an integer")
        if not 0 <= value <= MAX_DELAY_MS:
            raise ControlError(400, f"\"ms_each_way\" must be 0 to "
                                    f"{MAX_DELAY_MS}")
        self.proxy.latency_ms = value
        log(f"latency {value} ms each way")
        return {"ms_each_way": value}

    def get_faults(self, body):
        return {"faults": list(self.proxy.faults),
                "refusing": self.proxy.refusing}

    def add_faults(self, body):
        faults = self.parse_json(body).get("faults")
        if not isinstance(faults, list):
            raise ControlError(400, "\"faults\" must be a list")
        try:
            parsed = [parse_fault(fault) for fault in faults]
            self.proxy.add_faults(parsed)
        except FaultError as error:
            raise ControlError(400, str(error))
        kinds = ", ".join(fault["kind"] for fault in parsed)
        log(f"queued faults: {kinds}")
        return {"queued": len(self.proxy.faults),
                "refusing": self.proxy.refusing}

    def clear_faults(self, body):
        self.proxy.faults.clear()
        log("fault queue cleared")
        return {"queued": 0, "refusing": self.proxy.refusing}


def write_port_file(path, port):
    """Write the port number so that a reader never sees a partial file."""
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="ascii") as stream:
        stream.write(f"{port}\n")
    os.replace(temporary, path)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Fault-injecting TCP proxy on 127.0.0.1 for the "
                    "spotagent tests, with a plain-HTTP JSON control API.")
    parser.add_argument("--target-port", type=int, required=True,
                        metavar="N", help="forward to 127.0.0.1:N")
    parser.add_argument("--port", type=int, default=0, metavar="N",
                        help="listen on 127.0.0.1:N, 0 for a free port "
                             "(default 0)")
    parser.add_argument("--control-port", type=int, default=0, metavar="N",
                        help="control API on 127.0.0.1:N, 0 for a free "
                             "port (default 0)")
    parser.add_argument("--port-file", metavar="FILE",
                        help="write the data port number to FILE")
    parser.add_argument("--control-port-file", metavar="FILE",
                        help="write the control port number to FILE")
    parser.add_argument("--max-connections", type=int,
                        default=DEFAULT_MAX_CONNECTIONS, metavar="N",
                        help="connections served at once (default "
                             f"{DEFAULT_MAX_CONNECTIONS})")
    parser.add_argument("--verbose", action="store_true",
                        help="log each request and the size of its first "
                             "TLS record")

    args = parser.parse_args(argv)
    for name in ("target_port", "port", "control_port"):
        if not 0 <= getattr(args, name) <= 65535:
            parser.error(f"--{name.replace('_', '-')} must be 0 to 65535")
    if args.target_port == 0:
        parser.error("--target-port must be 1 to 65535")
    if not 1 <= args.max_connections <= 10000:
        parser.error("--max-connections must be 1 to 10000")
    return args


async def run(args):
    proxy = Proxy(args.target_port, args.port, args.max_connections,
                  args.verbose)
    control = Control(proxy)
    try:
        await proxy.listen()
        await control.listen(args.control_port)
    except OSError as error:
        print(f"proxy: failed to listen on 127.0.0.1: {error}",
              file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    # Like the sandbox, keep SIGINT ignored when a non-interactive shell
    # started the proxy as a background job with it ignored.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        loop.add_signal_handler(signal.SIGINT, stop.set)

    if args.port_file:
        write_port_file(args.port_file, proxy.port)
    if args.control_port_file:
        write_port_file(args.control_port_file, control.port)
    print(f"proxy: listening on 127.0.0.1:{proxy.port}", flush=True)
    log(f"forwarding 127.0.0.1:{proxy.port} to "
        f"127.0.0.1:{args.target_port}, control API on "
        f"127.0.0.1:{control.port}")
    await stop.wait()
    control.server.close()
    proxy.close()
    log("stopped")
    return 0


def main(argv):
    args = parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
