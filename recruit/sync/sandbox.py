"""The reference receiver of protocol v1: holds postings in memory, with optional faults.

Integrators point a channel at it to test a setting; the tests and the benchmarks sync to it
over real HTTP on 127.0.0.1. When started with a token it checks it on every request,
the listing and the counters included.

Protocol v1 as this receiver implements it (DESIGN §4 and the additions of issue 13):

- ``PUT /postings/{ref}`` with ``Authorization: Bearer <token>``, a UTF-8 JSON posting
  document whose ``ref`` is the one in the URL, and ``Idempotency-Key: {ref}:{revision}:{hash}``
  (the revision of this publication and the first 16 hex digits of the SHA-256 of the body).
  201 with ``{"id", "url"}`` when created, 200 when replaced. A key already applied is answered
  with the stored reply and changes nothing; the same key with another body is refused (422),
  so a client that reuses a key for new content finds out.
- ``DELETE /postings/{ref}``: 204 when it was held, 404 when not (both mean "gone"). Keys stay
  remembered: a posting published again must come with a new key.
- ``GET /postings/{ref}`` (optional in protocol v1, used by ``flask sync verify``): 200
  ``{"ref", "revision", "content_hash"}`` where ``content_hash`` is the SHA-256 (hex) of the
  exact body last applied, or 404 when the ref is not held. A portal that does not implement
  it answers 405 or 501.
- ``GET /postings`` lists what it holds and ``GET /stats`` counts requests (this receiver's own
  extras, not part of the protocol).

Faults for tests and benchmarks: a share of 500s, of 429s with Retry-After, of connections
dropped before the change is applied, of replies lost after it was applied, of stalls, and a
latency added to every request, as a distant portal has.
"""

import hashlib
import json
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass
class Rule:
    """A scripted reply for the next matching requests (tests use these)."""

    status: int = 500
    method: str | None = None
    ref: str | None = None
    times: int = 1
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0
    #: Apply the request, then drop the connection: the change is made, the answer is lost.
    lose_reply: bool = False


@dataclass
class Faults:
    """Random faults, each a share of requests; latency is added to every request."""

    fail_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after: float = 1.0
    drop_rate: float = 0.0
    #: Seconds added to every protocol request (a portal tens of milliseconds away).
    latency: float = 0.0
    seed: int | None = None
    #: Replies lost after the change was applied (the connection drops).
    lost_reply_rate: float = 0.0
    #: Requests that stall this long before they are answered normally.
    stall_rate: float = 0.0
    stall: float = 1.5


class SandboxState:
    """What the receiver holds and what it was asked, shared by the handler threads."""

    def __init__(self, token: str | None = None, faults: Faults | None = None) -> None:
        self.token = token
        self.faults = faults or Faults()
        self.random = random.Random(self.faults.seed)
        self.lock = threading.Lock()
        self.postings: dict[str, dict[str, Any]] = {}
        #: Idempotency-Key → (status, reply body, SHA-256 of the request body).
        self.applied_keys: dict[str, tuple[int, dict[str, Any], str]] = {}
        self.requests: list[dict[str, Any]] = []
        self.rules: list[Rule] = []
        #: Requests being answered now, in all and per ref; the most at once; overlaps per ref.
        self.in_flight = 0
        self.in_flight_refs: Counter[str] = Counter()
        self.max_in_flight = 0
        self.overlaps = 0
        self.conflicts = 0
        self._serial = 0

    def script(self, **kwargs) -> Rule:
        """Add a scripted reply; it answers the next `times` matching requests."""
        rule = Rule(**kwargs)
        with self.lock:
            self.rules.append(rule)
        return rule

    def reset(self) -> None:
        """Forget everything held and asked."""
        with self.lock:
            self.postings.clear()
            self.applied_keys.clear()
            self.requests.clear()
            self.rules.clear()
            self.max_in_flight = self.overlaps = self.conflicts = 0

    def take_rule(self, method: str, ref: str | None) -> Rule | None:
        with self.lock:
            for rule in self.rules:
                if rule.method not in (None, method) or rule.ref not in (None, ref):
                    continue
                rule.times -= 1
                if rule.times <= 0:
                    self.rules.remove(rule)
                return rule
        return None

    def writes(self, method: str | None = None, applied_only: bool = False) -> list[dict]:
        """Return the PUT/DELETE requests received (optionally only those that changed state)."""
        with self.lock:
            return [
                r
                for r in self.requests
                if r["method"] in ("PUT", "DELETE")
                and (method is None or r["method"] == method)
                and (not applied_only or r["applied"])
            ]

    def stats(self) -> dict[str, int]:
        """Return the counters GET /stats answers with."""
        with self.lock:
            writes = [r for r in self.requests if r["method"] in ("PUT", "DELETE")]
            return {
                "held": len(self.postings),
                "writes": len(writes),
                "applied": sum(1 for r in writes if r["applied"]),
                "replays": sum(1 for r in writes if r["replay"]),
                "conflicts": self.conflicts,
                "reads": sum(1 for r in self.requests if r["method"] == "GET"),
                "max_in_flight": self.max_in_flight,
                "overlaps": self.overlaps,
            }

    def enter(self, ref: str | None) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if ref is not None:
                if self.in_flight_refs[ref]:
                    self.overlaps += 1
                self.in_flight_refs[ref] += 1

    def leave(self, ref: str | None) -> None:
        with self.lock:
            self.in_flight -= 1
            if ref is not None:
                self.in_flight_refs[ref] -= 1


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    #: Many clients keep several connections open at once; don't refuse any under load.
    request_queue_size = 128

    def __init__(self, address, state: SandboxState, quiet: bool = True) -> None:
        self.state = state
        self.quiet = quiet
        super().__init__(address, SandboxHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Dropped(Exception):
    """The connection was dropped on purpose: nothing more is written."""


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SandboxServer

    def setup(self) -> None:
        super().setup()
        # Without this, a reply written as headers then body stalls ~40 ms on a delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    # -- helpers -------------------------------------------------------------------------

    def _reply(self, status: int, body: dict | list | None = None, headers=None) -> None:
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)
        raise _Dropped

    def _ref(self) -> str | None:
        path = urlsplit(self.path).path
        if path.startswith("/postings/") and path.count("/") == 2:
            return unquote(path.removeprefix("/postings/")) or None
        return None

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _log(self, ref, status, applied=False, replay=False) -> None:
        state = self.server.state
        with state.lock:
            state.requests.append(
                {
                    "method": self.command,
                    "ref": ref,
                    "key": self.headers.get("Idempotency-Key"),
                    "status": status,
                    "applied": applied,
                    "replay": replay,
                    "at": time.time(),
                }
            )

    def _fault(self, ref: str | None) -> str | None:
        """Apply a scripted or random fault before the request is handled.

        Returns None to go on normally, "lose" to apply the request and then drop the
        connection, "answered" when the fault already answered (or dropped) it.
        """
        state = self.server.state
        faults = state.faults
        if faults.latency:
            time.sleep(faults.latency)
        rule = state.take_rule(self.command, ref)
        if rule is not None:
            if rule.delay:
                time.sleep(rule.delay)
            if rule.lose_reply:
                return "lose"
            self._log(ref, 0 if rule.drop else rule.status)
            if rule.drop:
                self._drop()
            self._reply(rule.status, rule.body, rule.headers)
            return "answered"
        with state.lock:
            roll = state.random.random()
        kind = None
        for share, name in (
            (faults.drop_rate, "drop"),
            (faults.lost_reply_rate, "lose"),
            (faults.fail_rate, "fail"),
            (faults.throttle_rate, "throttle"),
            (faults.stall_rate, "stall"),
        ):
            if roll < share:
                kind = name
                break
            roll -= share
        if kind is None:
            return None
        if kind == "drop":
            self._log(ref, 0)
            self._drop()
        if kind == "lose":
            return "lose"
        if kind == "fail":
            self._log(ref, 500)
            self._reply(500, {"message": "sandbox: injected failure"})
            return "answered"
        if kind == "throttle":
            self._log(ref, 429)
            self._reply(
                429, {"message": "sandbox: slow down"}, {"Retry-After": f"{faults.retry_after:g}"}
            )
            return "answered"
        time.sleep(faults.stall)
        return None

    def _authorized(self, ref) -> bool:
        token = self.server.state.token
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self._log(ref, 401)
            self._reply(401, {"message": "invalid token"})
            return False
        return True

    def _handle(self, method) -> None:
        """Run one verb with the token check and in-flight counting; swallow our own drops."""
        ref = self._ref()
        body = self._read_body() if self.command in ("PUT", "DELETE") else b""
        state = self.server.state
        state.enter(ref)
        try:
            if self._authorized(ref):
                method(ref, body)
        except _Dropped:
            pass  # the connection was cut on purpose (an injected fault): nothing to answer
        finally:
            state.leave(ref)

    # -- verbs ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle(self._get)

    def do_PUT(self) -> None:
        self._handle(self._put)

    def do_DELETE(self) -> None:
        self._handle(self._delete)

    def _get(self, ref: str | None, _body: bytes) -> None:
        state = self.server.state
        path = urlsplit(self.path).path
        if path == "/stats":
            self._reply(200, state.stats())
            return
        if path in ("/postings", "/postings/"):
            with state.lock:
                listing = {
                    "count": len(state.postings),
                    "postings": [
                        {"ref": r, "revision": p["revision"], "id": p["id"], "title": p["title"]}
                        for r, p in sorted(state.postings.items())
                    ],
                }
            self._reply(200, listing)
            return
        if ref is None:
            self._reply(404, {"message": "not found"})
            return
        if self._fault(ref) == "answered":
            return
        with state.lock:
            held = state.postings.get(ref)
        if held is None:
            self._log(ref, 404)
            self._reply(404, {"message": "not found"})
            return
        self._log(ref, 200)
        self._reply(
            200, {"ref": ref, "revision": held["revision"], "content_hash": held["content_hash"]}
        )

    def _put(self, ref: str | None, raw: bytes) -> None:
        if ref is None:
            self._reply(404, {"message": "not found"})
            return
        fault = self._fault(ref)
        if fault == "answered":
            return
        state = self.server.state
        key = self.headers.get("Idempotency-Key")
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._log(ref, 400)
            self._reply(400, {"message": "body is not UTF-8 JSON"})
            return
        if not isinstance(document, dict) or document.get("ref") != ref:
            self._log(ref, 422)
            self._reply(422, {"message": "ref in the body differs from the URL"})
            return
        if not document.get("title"):
            self._log(ref, 422)
            self._reply(422, {"message": "title is required"})
            return
        content_hash = hashlib.sha256(raw).hexdigest()
        with state.lock:
            seen = state.applied_keys.get(key) if key else None
            if seen is not None and seen[2] != content_hash:
                state.conflicts += 1
                status, body, replay, applied = 422, None, False, False
            elif seen is not None:
                status, body, _hash = seen
                replay, applied = True, False
            else:
                replay, applied = False, True
                existing = state.postings.get(ref)
                if existing is None:
                    state._serial += 1
                    remote_id = f"SB{state._serial:06d}"
                    status = 201
                else:
                    remote_id = existing["id"]
                    status = 200
                state.postings[ref] = {
                    "id": remote_id,
                    "revision": document.get("revision"),
                    "title": document.get("title"),
                    "document": document,
                    "content_hash": content_hash,
                }
                body = {"id": remote_id, "url": f"{self.server.base_url}/p/{remote_id}"}
                if key:
                    state.applied_keys[key] = (status, body, content_hash)
        if status == 422:
            self._log(ref, 422)
            self._reply(422, {"message": "Idempotency-Key reused with a different body"})
            return
        self._log(ref, status, applied=applied, replay=replay)
        if fault == "lose":
            self._drop()
        self._reply(status, body)

    def _delete(self, ref: str | None, _body: bytes) -> None:
        if ref is None:
            self._reply(404, {"message": "not found"})
            return
        fault = self._fault(ref)
        if fault == "answered":
            return
        state = self.server.state
        with state.lock:
            held = state.postings.pop(ref, None)
        status = 204 if held else 404
        self._log(ref, status, applied=held is not None)
        if fault == "lose":
            self._drop()
        self._reply(status)


def start_sandbox(
    port: int = 0, host: str = "127.0.0.1", state: SandboxState | None = None, quiet=True
) -> tuple[SandboxServer, threading.Thread]:
    """Start a receiver in a background thread; stop it with server.shutdown(); server_close()."""
    server = SandboxServer((host, port), state or SandboxState(), quiet=quiet)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="portal-sandbox",
        daemon=True,
    )
    thread.start()
    return server, thread
