"""The weekly sync: desired state, posting documents, connectors and the reconcile run."""

from flask import Flask

from recruit.sync import desired


def init_app(app: Flask) -> None:
    """Connect the desired-state listeners to the positions and employers signals."""
    desired.connect_listeners()
