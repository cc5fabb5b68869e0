"""Signals the employers domain sends; other domains listen (sync …)."""

from blinker import Namespace

_signals = Namespace()

#: Sent by the employers domain when an employer's status changes (approved, rejected,
#: suspended …), or when its profile changed in a way the channels show (``reason`` is
#: "profile": the positions' revisions have moved already). The sender is the Employer; keyword
#: ``reason`` is the new status value or "profile". Sent before the caller commits, so
#: receivers write their rows into the same transaction.
employer_changed = _signals.signal("employer-changed")
