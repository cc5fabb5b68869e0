"""What every connector offers the reconcile run, and the registry of connectors by kind."""

import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from recruit.channels.models import Channel

CONNECTORS: dict[str, type["Connector"]] = {}


class ChannelStopped(Exception):
    """The channel's run must stop at once (认证失败, long Retry-After …); items stay pending.

    `retry_after` is the wait the portal asked for, when that is why (seconds).
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(Exception):
    """An item could not be delivered after the retries (5xx, timeouts); it stays pending."""


class NotSent(Exception):
    """The run stopped before this item's request left: nothing was sent for it."""


#: This many failed items in a row open the circuit: the channel's run stops.
CIRCUIT_THRESHOLD = 5
CIRCUIT_OPEN = f"连续 {CIRCUIT_THRESHOLD} 条失败，熔断：本次停止，其余保持待同步"


class Gate:
    """What every request of one channel run obeys: a stop, and a pause until a time.

    Shared by the run's HTTP threads. A stop is final for the run: an answer of 401/403, a
    Retry-After beyond 60 s, or the circuit (CIRCUIT_THRESHOLD items failing in a row, counted
    as the items finish, in whichever thread). A pause (a 429's Retry-After) holds every new
    request to the channel until it passes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.stopped: ChannelStopped | None = None
        self._paused_until = 0.0
        self._failed_in_a_row = 0

    def stop(self, reason: ChannelStopped) -> None:
        """Stop the run's sending for good (the first reason wins)."""
        with self._lock:
            if self.stopped is None:
                self.stopped = reason
            self._changed.notify_all()

    def pause(self, seconds: float) -> None:
        """Hold new requests to the channel for this long (from now)."""
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def item_done(self, failed: bool) -> None:
        """Count an item that ended (failed for now, or answered); open the circuit if due."""
        with self._lock:
            self._failed_in_a_row = self._failed_in_a_row + 1 if failed else 0
            if self._failed_in_a_row >= CIRCUIT_THRESHOLD and self.stopped is None:
                self.stopped = ChannelStopped(CIRCUIT_OPEN)
                self._changed.notify_all()

    def wait_turn(self) -> None:
        """Wait until the channel may be sent to; raise NotSent if the run stopped."""
        with self._lock:
            while True:
                if self.stopped is not None:
                    raise NotSent
                wait = self._paused_until - time.monotonic()
                if wait <= 0:
                    return
                self._changed.wait(wait)


@dataclass
class ItemResult:
    """What the portal said about one item.

    synced, withdrawn or failed (with its message) for a PUT or DELETE; held (with the
    portal's content_hash) or absent for a read-back.
    """

    outcome: str
    remote_id: str | None = None
    remote_url: str | None = None
    message: str | None = None
    content_hash: str | None = None


@dataclass
class Planned:
    """One item a batch connector delivers: a document to publish, or a ref to withdraw."""

    ref: str
    document: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Connector(ABC):
    """Deliver postings to one channel during one run; used as a context manager.

    A connector is an ItemConnector (put() and delete(), one request per item) or a
    BatchConnector (deliver(), everything at once); `batch` tells the run which.
    """

    kind: ClassVar[str] = ""
    batch: ClassVar[bool]

    def __init__(self, channel: Channel, config: dict[str, Any]) -> None:
        self.channel = channel
        self.config = config

    def __enter__(self) -> "Connector":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:  # noqa: B027  (a hook: most connectors hold nothing to release)
        """Release what the run held (sessions, files)."""


class ItemConnector(Connector):
    """A connector that sends one request per item (protocol v1), several at once.

    Each call appends to `sent` once a request has left; `gate` is what all of the run's
    requests obey (a stop, a pause).
    """

    batch = False
    gate: Gate

    @abstractmethod
    def put(self, ref: str, key: str, body: bytes, sent: list) -> ItemResult:
        """Publish or update one posting under this Idempotency-Key."""

    @abstractmethod
    def delete(self, ref: str, sent: list) -> ItemResult:
        """Withdraw one posting."""

    @abstractmethod
    def get(self, ref: str, sent: list) -> ItemResult:
        """Read back what the portal holds of one posting (held with its hash, or absent)."""


class BatchConnector(Connector):
    """A connector that delivers the whole run at once (a workbook, a feed)."""

    batch = True

    @abstractmethod
    def deliver(
        self, upserts: list[Planned], withdrawals: list[Planned], run_id: int
    ) -> str | None:
        """Deliver a whole batch; return the name of the file written, if any."""


def register(cls: type[Connector]) -> type[Connector]:
    """Register a connector class under its kind."""
    CONNECTORS[cls.kind] = cls
    return cls


def get_connector(kind: str) -> type[Connector]:
    """Return the connector class of a channel kind."""
    try:
        return CONNECTORS[str(kind)]
    except KeyError:
        raise ChannelStopped(f"未知的渠道类型：{kind}") from None
