"""Protocol v1 (DESIGN §4): PUT and DELETE on {base}/postings/{ref} with a bearer token."""

import email.utils
import logging
import os
import random
import time
from datetime import UTC, datetime

import requests
from requests.adapters import HTTPAdapter

from recruit.sync.connectors.base import (
    ChannelStopped,
    ItemConnector,
    ItemResult,
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
    """One keep-alive requests.Session per run; every call has a connect and a read timeout."""

    kind = "http_json"

    def __init__(self, channel, config) -> None:
        super().__init__(channel, config)
        if not channel.base_url:
            raise ChannelStopped("未配置接口地址（base URL）")
        token = os.environ.get(channel.token_env or "") if channel.token_env else None
        if not token:
            raise ChannelStopped(f"未配置令牌：环境变量 {channel.token_env or '（未指定）'} 为空")
        self.base = channel.base_url.rstrip("/")
        self.timeout = (config["SYNC_CONNECT_TIMEOUT"], config["SYNC_READ_TIMEOUT"])
        self.backoff = config["SYNC_BACKOFF_BASE"]
        self.sleep = time.sleep
        self.session = requests.Session()
        # Retries are ours (the rules differ per status); the adapter only pools connections.
        self.session.mount("http://", HTTPAdapter(max_retries=0, pool_maxsize=2))
        self.session.mount("https://", HTTPAdapter(max_retries=0, pool_maxsize=2))
        self.session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": "recruit-sync/1",
            }
        )

    def close(self) -> None:
        self.session.close()

    def _pause(self, attempt: int) -> None:
        """Back off exponentially with jitter before the next try."""
        self.sleep(self.backoff * (2 ** (attempt - 1)) + random.uniform(0, self.backoff))

    def _send(self, method: str, ref: str, **kwargs) -> requests.Response:
        """Send one request with the retry rules of protocol v1; return the final response."""
        url = f"{self.base}/postings/{ref}"
        last_error = ""
        for attempt in range(1, MAX_TRIES + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
                # Read the body now so that the connection goes back to the pool.
                response.content  # noqa: B018
            except requests.Timeout:
                last_error = "请求超时"
            except requests.ConnectionError:
                last_error = "连接失败"
            else:
                status = response.status_code
                if status in THROTTLED:
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    response.close()
                    if wait is not None and wait > MAX_RETRY_AFTER:
                        raise ChannelStopped(
                            f"对方要求 {wait:.0f} 秒后再试（HTTP {status}），超过 60 秒，本次停止"
                        )
                    if attempt == MAX_TRIES:
                        raise ChannelStopped(f"对方持续限流（HTTP {status}），本次停止")
                    if wait is None:
                        self._pause(attempt)
                    else:
                        self.sleep(wait)
                    continue
                if status >= 500:
                    last_error = f"对方服务器错误（HTTP {status}）"
                    response.close()
                else:
                    return response
            logger.info("%s %s: %s (try %d of %d)", method, ref, last_error, attempt, MAX_TRIES)
            if attempt < MAX_TRIES:
                self._pause(attempt)
        raise TransientError(f"{last_error}，已重试 {MAX_TRIES} 次")

    def _refusal(self, response: requests.Response) -> ItemResult:
        if response.status_code in (401, 403):
            raise ChannelStopped(f"认证失败（HTTP {response.status_code}）")
        return ItemResult("failed", message=portal_message(response))

    def put(self, ref: str, revision: int, body: bytes) -> ItemResult:
        response = self._send(
            "PUT",
            ref,
            data=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": f"{ref}:{revision}",
            },
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
                        remote_url = None if data.get("url") is None else str(data["url"])[:500]
                return ItemResult("synced", remote_id=remote_id, remote_url=remote_url)
            return self._refusal(response)

    def delete(self, ref: str) -> ItemResult:
        response = self._send("DELETE", ref)
        with response:
            # 404: the portal no longer holds it, which is what we wanted.
            if response.status_code in (200, 204, 404):
                return ItemResult("withdrawn")
            return self._refusal(response)
