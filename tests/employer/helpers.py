"""Builders shared by the employer tests."""

from datetime import timedelta

from recruit.extensions import db
from recruit.fairs.models import FairStatus
from recruit.formatting import local_today
from recruit.hires.models import TentativeHire


def make_hire(make_fair, position, days_ago: int = 10, **kwargs) -> TentativeHire:
    """Add an intent for the position at a fair held days_ago."""
    fair = kwargs.pop("fair", None) or make_fair(
        day=local_today() - timedelta(days=days_ago), status=FairStatus.CLOSED
    )
    values = dict(
        fair=fair,
        position=position,
        seeker_name="张三",
        seeker_phone="13912345678",
        seeker_id_number="11010519491231002X",
    )
    values.update(kwargs)
    hire = TentativeHire(**values)
    db.session.add(hire)
    db.session.flush()
    return hire
