"""The feed kind: the channel pulls /feeds/<code>.json or .xml; a run records what it shows."""

from recruit.sync.connectors.base import Connector, Planned, register


@register
class FeedConnector(Connector):
    """Nothing to send: the feed is served from the desired state; the run only records it."""

    kind = "feed"
    batch = True

    def deliver(self, upserts: list[Planned], withdrawals: list[Planned], run_id: int) -> None:
        return None
