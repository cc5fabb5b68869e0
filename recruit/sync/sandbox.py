"""The reference receiver of protocol v1: holds postings in memory, with optional faults.

Integrators point a channel at it to test a setting; the tests and the benchmark sync to it
over real HTTP on 127.0.0.1. GET /postings lists what it holds, GET /stats counts requests.

Idempotency: a PUT whose Idempotency-Key was already applied is answered with the stored reply
and changes nothing; a DELETE ends the keys of its ref, so a posting withdrawn and published
again at the same revision is stored again.
"""

import json
import random
import socket
import threading
import time
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


@dataclass
class Faults:
    """Random faults: shares of 500s, 429s (with Retry-After), dropped connections; delays."""

    fail_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after: float = 1.0
    drop_rate: float = 0.0
    delay: float = 0.0
    seed: int | None = None


class SandboxState:
    """What the receiver holds and what it was asked, shared by the handler threads."""

    def __init__(self, token: str | None = None, faults: Faults | None = None) -> None:
        self.token = token
        self.faults = faults or Faults()
        self.random = random.Random(self.faults.seed)
        self.lock = threading.Lock()
        self.postings: dict[str, dict[str, Any]] = {}
        self.applied_keys: dict[str, tuple[int, dict[str, Any]]] = {}
        self.requests: list[dict[str, Any]] = []
        self.rules: list[Rule] = []
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


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, state: SandboxState, quiet: bool = True) -> None:
        self.state = state
        self.quiet = quiet
        super().__init__(address, SandboxHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


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

    def _faulted(self, ref: str | None) -> bool:
        """Apply a scripted or random fault; return True when the request was answered."""
        state = self.server.state
        rule = state.take_rule(self.command, ref)
        if rule is not None:
            if rule.delay:
                time.sleep(rule.delay)
            self._log(ref, 0 if rule.drop else rule.status)
            if rule.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return True
            self._reply(rule.status, rule.body, rule.headers)
            return True
        faults = state.faults
        if faults.delay:
            time.sleep(faults.delay)
        with state.lock:
            roll = state.random.random()
        if roll < faults.drop_rate:
            self._log(ref, 0)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        roll -= faults.drop_rate
        if roll < faults.fail_rate:
            self._log(ref, 500)
            self._reply(500, {"message": "sandbox: injected failure"})
            return True
        roll -= faults.fail_rate
        if roll < faults.throttle_rate:
            self._log(ref, 429)
            self._reply(
                429, {"message": "sandbox: slow down"}, {"Retry-After": f"{faults.retry_after:g}"}
            )
            return True
        return False

    def _authorized(self, ref) -> bool:
        token = self.server.state.token
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self._log(ref, 401)
            self._reply(401, {"message": "invalid token"})
            return False
        return True

    # -- verbs ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        state = self.server.state
        ref = self._ref()
        path = urlsplit(self.path).path
        with state.lock:
            if path == "/stats":
                writes = [r for r in state.requests if r["method"] in ("PUT", "DELETE")]
                body = {
                    "held": len(state.postings),
                    "writes": len(writes),
                    "applied": sum(1 for r in writes if r["applied"]),
                    "replays": sum(1 for r in writes if r["replay"]),
                }
                status = 200
            elif path in ("/postings", "/postings/"):
                body: Any = {
                    "count": len(state.postings),
                    "postings": [
                        {"ref": r, "revision": p["revision"], "id": p["id"], "title": p["title"]}
                        for r, p in sorted(state.postings.items())
                    ],
                }
                status = 200
            elif ref and ref in state.postings:
                body, status = state.postings[ref], 200
            else:
                body, status = {"message": "not found"}, 404
        self._reply(status, body)

    def do_PUT(self) -> None:
        ref = self._ref()
        raw = self._read_body()
        if ref is None:
            self._reply(404, {"message": "not found"})
            return
        if not self._authorized(ref) or self._faulted(ref):
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
        with state.lock:
            if key and key in state.applied_keys:
                status, body = state.applied_keys[key]
                replay = True
            else:
                replay = False
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
                }
                body = {"id": remote_id, "url": f"{self.server.base_url}/p/{remote_id}"}
                if key:
                    state.applied_keys[key] = (status, body)
        self._log(ref, status, applied=not replay, replay=replay)
        self._reply(status, body)

    def do_DELETE(self) -> None:
        ref = self._ref()
        self._read_body()
        if ref is None:
            self._reply(404, {"message": "not found"})
            return
        if not self._authorized(ref) or self._faulted(ref):
            return
        state = self.server.state
        with state.lock:
            held = state.postings.pop(ref, None)
            for key in [k for k in state.applied_keys if k.rsplit(":", 1)[0] == ref]:
                del state.applied_keys[key]
        status = 204 if held else 404
        self._log(ref, status, applied=held is not None)
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
