"""What every connector offers the reconcile run, and the registry of connectors by kind."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from recruit.channels.models import Channel

CONNECTORS: dict[str, type["Connector"]] = {}


class ChannelStopped(Exception):
    """The channel's run must stop at once (认证失败, long Retry-After …); items stay pending."""


class TransientError(Exception):
    """An item could not be delivered after the retries (5xx, timeouts); it stays pending."""


@dataclass
class ItemResult:
    """What the portal said about one item: synced, withdrawn or failed (with its message)."""

    outcome: str
    remote_id: str | None = None
    remote_url: str | None = None
    message: str | None = None


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
    """A connector that sends one request per item (protocol v1)."""

    batch = False

    @abstractmethod
    def put(self, ref: str, revision: int, body: bytes) -> ItemResult:
        """Publish or update one posting."""

    @abstractmethod
    def delete(self, ref: str) -> ItemResult:
        """Withdraw one posting."""


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
