"""Protocol v1 (DESIGN §4): PUT, DELETE and GET on {base}/postings/{ref} with a bearer token.

Several requests of one run travel at once (the channel's concurrency); every one of them obeys
the run's gate: a stop (401/403, a Retry-After beyond 60 s, the circuit) ends all sending, and
a 429's Retry-After pauses every new request to this channel, not the process.
"""

import email.utils
import logging
import os
import random
import threading
import time
from datetime import UTC, datetime

import requests
from requests.adapters import HTTPAdapter

from recruit.channels.endpoints import endpoint_problem
from recruit.channels.models import safe_link
from recruit.sync.connectors.base import (
    ChannelStopped,
    Gate,
    ItemConnector,
    ItemResult,
    NotSent,
    TransientError,
    register,
)

logger = logging.getLogger(__name__)

#: Answers that refuse this revision for good: failed until the position changes or a retry.
REFUSED = (400, 409, 422)
#: Answers that ask us to slow down and say when to come back.
THROTTLED = (429, 503)
MAX_TRIES = 3
MAX_RETRY_AFTER = 60.0
#: Answers of a portal that does not implement the optional GET of protocol v1.
NOT_IMPLEMENTED = (405, 501)


def parse_retry_after(value: str | None) -> float | None:
    """Return the seconds a Retry-After header asks for (delta or HTTP date), None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return _seconds_until(value)


def _seconds_until(http_date: str) -> float | None:
    """Return the seconds until an HTTP date (Retry-After's other form), None if unreadable."""
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def portal_message(response: requests.Response) -> str:
    """Return the portal's own explanation of a refusal, shortened."""
    text = ""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("message", "error", "detail", "errors"):
            if data.get(key):
                text = str(data[key])
                break
    if not text:
        text = response.text.strip()
    return f"HTTP {response.status_code}：{text[:500] or '（对方未说明原因）'}"


@register
class HttpJsonConnector(ItemConnector):
    """Keep-alive sessions (one per HTTP thread); every call has a connect and a read timeout."""

    kind = "http_json"

    def __init__(self, channel, config) -> None:
        super().__init__(channel, config)
        problem = endpoint_problem(channel, config)
        if problem:
            raise ChannelStopped(problem)
        # Only the channel's own variable is ever read, whatever the row says.
        token = os.environ.get(channel.token_variable)
        if not token:
            raise ChannelStopped(f"未配置令牌：环境变量 {channel.token_variable} 为空")
        self.base = channel.base_url.rstrip("/")
        self.timeout = (config["SYNC_CONNECT_TIMEOUT"], config["SYNC_READ_TIMEOUT"])
        self.backoff = config["SYNC_BACKOFF_BASE"]
        self.sleep = time.sleep
        self.gate = Gate()
        self._token = token
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def _session(self) -> requests.Session:
        """Return this thread's keep-alive session, made on first use."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            # Retries are ours (the rules differ per status); the adapter only pools connections.
            session.mount("http://", HTTPAdapter(max_retries=0, pool_maxsize=1))
            session.mount("https://", HTTPAdapter(max_retries=0, pool_maxsize=1))
            session.headers.update(
                {
                    "Authorization": f"Bearer {self._token}",
                    "Accept": "application/json",
                    "User-Agent": "recruit-sync/1",
                }
            )
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def _pause(self, attempt: int) -> None:
        """Back off exponentially with jitter before this item's next try."""
        self.sleep(self.backoff * (2 ** (attempt - 1)) + random.uniform(0, self.backoff))

    def _stop(self, message: str, retry_after: float | None = None) -> None:
        stop = ChannelStopped(message, retry_after=retry_after)
        self.gate.stop(stop)
        raise stop

    def _send(self, method: str, ref: str, sent: list, **kwargs) -> requests.Response:
        """Send one request with the retry rules of protocol v1; return the final response.

        Appends to `sent` once a request has left, so the run can say what was sent. Raises
        NotSent when the run stopped before anything left, ChannelStopped on a channel-level
        answer, TransientError when the tries ran out (the item stays pending).
        """
        url = f"{self.base}/postings/{ref}"
        last_error = ""
        for attempt in range(1, MAX_TRIES + 1):
            try:
                self.gate.wait_turn()
            except NotSent:
                if sent:
                    raise TransientError("本次运行已停止，未再重试") from None
                raise
            sent.append(attempt)
            try:
                # Redirects are not followed: a portal cannot send our token elsewhere.
                response = self._session().request(
                    method, url, timeout=self.timeout, allow_redirects=False, **kwargs
                )
                # Read the body now so that the connection goes back to the pool.
                response.content  # noqa: B018
            except requests.Timeout:
                last_error = "请求超时"
            except requests.ConnectionError:
                last_error = "连接失败"
            else:
                status = response.status_code
                if status in (401, 403):
                    response.close()
                    self._stop(f"认证失败（HTTP {status}）")
                if status in THROTTLED:
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    response.close()
                    if wait is not None and wait > MAX_RETRY_AFTER:
                        self._stop(
                            f"对方要求 {wait:.0f} 秒后再试（HTTP {status}），超过 60 秒，本次停止",
                            retry_after=wait,
                        )
                    last_error = f"对方限流（HTTP {status}）"
                    if attempt < MAX_TRIES:
                        if wait is None:
                            self._pause(attempt)
                        else:
                            # Every request to this channel waits, not only this item's.
                            self.gate.pause(wait)
                    logger.info(
                        "%s %s: %s (try %d of %d)", method, ref, last_error, attempt, MAX_TRIES
                    )
                    continue
                if status >= 500:
                    last_error = f"对方服务器错误（HTTP {status}）"
                    response.close()
                elif 300 <= status < 400:
                    response.close()
                    return response
                else:
                    return response
            logger.info("%s %s: %s (try %d of %d)", method, ref, last_error, attempt, MAX_TRIES)
            if attempt < MAX_TRIES:
                self._pause(attempt)
        raise TransientError(f"{last_error}，已重试 {MAX_TRIES} 次")

    def _refusal(self, response: requests.Response) -> ItemResult:
        return ItemResult("failed", message=portal_message(response))

    def put(self, ref: str, key: str, body: bytes, sent: list) -> ItemResult:
        response = self._send(
            "PUT",
            ref,
            sent,
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key},
        )
        with response:
            if response.status_code in (200, 201):
                remote_id = remote_url = None
                if response.content:
                    try:
                        data = response.json()
                    except ValueError:
                        data = None
                    if isinstance(data, dict):
                        remote_id = None if data.get("id") is None else str(data["id"])[:120]
                        # Shown to staff as a link: only a plain http(s) one is kept.
                        if data.get("url") is not None:
                            remote_url = safe_link(str(data["url"])[:500])
                return ItemResult("synced", remote_id=remote_id, remote_url=remote_url)
            return self._refusal(response)

    def delete(self, ref: str, sent: list) -> ItemResult:
        response = self._send("DELETE", ref, sent)
        with response:
            # 404: the portal no longer holds it, which is what we wanted.
            if response.status_code in (200, 204, 404):
                return ItemResult("withdrawn")
            return self._refusal(response)

    def get(self, ref: str, sent: list) -> ItemResult:
        """Read back what the portal holds of a ref (the optional GET of protocol v1)."""
        response = self._send("GET", ref, sent)
        with response:
            if response.status_code == 404:
                return ItemResult("absent")
            if response.status_code in NOT_IMPLEMENTED:
                self._stop(
                    f"对方不支持核对（GET /postings/{{ref}} 返回 HTTP {response.status_code}）"
                )
            if response.status_code == 200:
                try:
                    data = response.json()
                except ValueError:
                    data = None
                if isinstance(data, dict) and isinstance(data.get("content_hash"), str):
                    return ItemResult("held", content_hash=data["content_hash"].lower())
            return ItemResult("failed", message=portal_message(response))
