"""The metrics of DESIGN §2.5, computed by SQL aggregates in the database."""

from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa

from recruit.extensions import db
from recruit.fairs.models import (
    COUNTED_STATUSES,
    Fair,
    FairPosition,
    Participation,
    ParticipationStatus,
    SeekerTally,
)
from recruit.formatting import local_day_bounds
from recruit.hires.models import Outcome, TentativeHire
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain, region_codes_within


@dataclass(frozen=True)
class Metrics:
    fairs: int
    employer_attendances: int
    positions_offered: int
    seeker_entries: int
    tentative_hires: int
    hired: int
    started: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def counted_fairs(
    start: date,
    end: date,
    *,
    region: str | None = None,
    fair_type: FairType | str | None = None,
    mode: FairMode | str | None = None,
    industry_chain: str | None = None,
) -> sa.Select:
    """Select the ids of fairs that count for a period (local dates on the fair's start)."""
    begin, stop = local_day_bounds(start, end)
    query = sa.select(Fair.id).where(
        Fair.status.in_(COUNTED_STATUSES), Fair.starts_at >= begin, Fair.starts_at < stop
    )
    if region:
        query = query.where(Fair.region_code.in_(region_codes_within(region)))
    if fair_type:
        query = query.where(Fair.type == FairType(fair_type))
    if mode:
        query = query.where(Fair.mode == FairMode(mode))
    if industry_chain:
        chain = get_industry_chain(industry_chain)
        query = query.where(Fair.industry_chain_id == (chain.id if chain else -1))
    return query


def compute_metrics(start: date, end: date, **filters) -> Metrics:
    """Return the metrics for fairs starting in [start, end] that match the filters."""
    fair_ids = counted_fairs(start, end, **filters).scalar_subquery()
    attended = sa.and_(
        Participation.fair_id.in_(fair_ids),
        Participation.status == ParticipationStatus.ATTENDED,
    )
    reached_hired = sa.or_(
        TentativeHire.hired_on.is_not(None),
        TentativeHire.outcome.in_([Outcome.HIRED, Outcome.STARTED]),
    )
    reached_started = sa.or_(
        TentativeHire.started_on.is_not(None), TentativeHire.outcome == Outcome.STARTED
    )
    hires_in_scope = TentativeHire.fair_id.in_(fair_ids)

    def scalar(expr, *where, join=None):
        query = sa.select(expr)
        if join is not None:
            query = query.select_from(join)
        return query.where(*where).scalar_subquery()

    row = db.session.execute(
        sa.select(
            scalar(sa.func.count(Fair.id), Fair.id.in_(fair_ids)),
            scalar(sa.func.count(Participation.id), attended),
            scalar(
                sa.func.coalesce(sa.func.sum(FairPosition.openings), 0),
                attended,
                join=sa.join(FairPosition, Participation),
            ),
            scalar(
                sa.func.coalesce(sa.func.sum(SeekerTally.count), 0),
                SeekerTally.fair_id.in_(fair_ids),
            ),
            scalar(sa.func.count(TentativeHire.id), hires_in_scope),
            scalar(sa.func.count(TentativeHire.id), hires_in_scope, reached_hired),
            scalar(sa.func.count(TentativeHire.id), hires_in_scope, reached_started),
        )
    ).one()
    return Metrics(*(int(value) for value in row))
