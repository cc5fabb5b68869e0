"""Connectors, one module per channel kind, registered by kind."""

# Importing the modules registers their connectors.
from recruit.sync.connectors import feed, http_json, xlsx_export  # noqa: F401
from recruit.sync.connectors.base import (
    CIRCUIT_THRESHOLD,
    CONNECTORS,
    BatchConnector,
    ChannelStopped,
    Connector,
    Gate,
    ItemConnector,
    ItemResult,
    NotSent,
    Planned,
    TransientError,
    get_connector,
    register,
)

__all__ = [
    "CIRCUIT_THRESHOLD",
    "CONNECTORS",
    "BatchConnector",
    "ChannelStopped",
    "Connector",
    "Gate",
    "ItemConnector",
    "ItemResult",
    "NotSent",
    "Planned",
    "TransientError",
    "get_connector",
    "register",
]
