"""Signals the employers domain sends; other domains listen (sync …)."""

from blinker import Namespace

_signals = Namespace()

#: Sent by the employers domain when an employer's status changes (approved, rejected,
#: suspended …). The sender is the Employer; keyword ``reason`` is the new status value. Sent
#: before the caller commits, so receivers write their rows into the same transaction.
employer_changed = _signals.signal("employer-changed")
