"""The weekly sync: desired state, posting documents, connectors and the reconcile run."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect the desired-state listeners to the positions and employers signals."""
    from recruit.sync import desired

    desired.connect_listeners()
