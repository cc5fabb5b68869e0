"""Signals the positions domain sends; other domains listen (sync …)."""

from blinker import Namespace

_signals = Namespace()

#: Sent by recruit.positions.services whenever a position changes in a way an outside channel
#: could care about: published, edited (revision bumped), closed, filled, expired, sent back to
#: draft. The sender is the Position; keyword ``reason`` is a short verb ("published",
#: "revised", "closed", "filled", "expired", "rejected", "reopened"). Sent before the caller
#: commits, so receivers write their rows into the same transaction.
position_changed = _signals.signal("position-changed")
