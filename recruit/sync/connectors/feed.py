"""The feed kind: the channel pulls /feeds/<code>.json or .xml; a run records what it shows."""

from recruit.sync.connectors.base import BatchConnector, Planned, register


@register
class FeedConnector(BatchConnector):
    """Nothing to send: the feed is served from the desired state; the run only records it."""

    kind = "feed"

    def deliver(self, upserts: list[Planned], withdrawals: list[Planned], run_id: int) -> None:
        return None
