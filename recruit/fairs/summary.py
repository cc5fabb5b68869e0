"""One fair's numbers: the live metrics, the positions on offer and the printable summary."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import (
    ACCEPTED,
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.hires.models import TentativeHire
from recruit.metrics import Metrics
from recruit.positions.models import Position
from recruit.refdata.codes import OCCUPATION_MAJOR_GROUPS, FairMode, PriorityGroup
from recruit.seekers.models import Application, Entry, EntrySource


def counted_participations(fair: Fair) -> sa.ColumnElement[bool]:
    """Return the condition for participations counted as attendances at this fair.

    A closed fair counts exactly DESIGN §2.5 (attended). Before closing, the live view counts
    those that will become attended: checked in, or approved at an online fair.
    """
    at_fair = Participation.fair_id == fair.id
    if fair.status is FairStatus.CLOSED:
        return sa.and_(at_fair, Participation.status == ParticipationStatus.ATTENDED)
    arrived = Participation.status == ParticipationStatus.ATTENDED
    if fair.mode is FairMode.ONLINE:
        arrived = sa.or_(arrived, Participation.status == ParticipationStatus.APPROVED)
    else:
        arrived = sa.or_(
            arrived,
            sa.and_(
                Participation.status == ParticipationStatus.APPROVED,
                Participation.checked_in_at.is_not(None),
            ),
        )
    return sa.and_(at_fair, arrived)


@dataclass(frozen=True)
class EntryCounts:
    """A fair's 入场求职人次 in its two parts: the gate's tallies and the seekers' entries."""

    #: 入口计数: the sum of the tallies (corrections included).
    tallies: int
    #: 扫码/线上登记: the scan and online entries, one per seeker.
    entries: int

    @property
    def total(self) -> int:
        return self.tallies + self.entries


def fair_entry_counts(fair: Fair) -> EntryCounts:
    """Return the fair's tallies and scan/online entries; their sum is its seeker_entries."""
    tallies, entries = db.session.execute(
        sa.select(
            sa.select(sa.func.coalesce(sa.func.sum(SeekerTally.count), 0))
            .where(SeekerTally.fair_id == fair.id)
            .scalar_subquery(),
            sa.select(sa.func.count(Entry.id)).where(Entry.fair_id == fair.id).scalar_subquery(),
        )
    ).one()
    return EntryCounts(int(tallies), int(entries))


def fair_metrics(fair: Fair) -> Metrics:
    """Return the §2.5 metrics of one fair (live before closing, exact once closed).

    入场求职人次 counts the gate's tallies and the scan and online entries (DESIGN §7).
    """
    counted = counted_participations(fair)
    hires = TentativeHire.fair_id == fair.id

    def scalar(expr, *where, join=None):
        query = sa.select(expr)
        if join is not None:
            query = query.select_from(join)
        return query.where(*where).scalar_subquery()

    row = db.session.execute(
        sa.select(
            scalar(sa.func.count(Participation.id), counted),
            scalar(
                sa.func.coalesce(sa.func.sum(FairPosition.openings), 0),
                counted,
                join=sa.join(FairPosition, Participation),
            ),
            scalar(
                sa.func.coalesce(sa.func.sum(SeekerTally.count), 0), SeekerTally.fair_id == fair.id
            )
            + scalar(sa.func.count(Entry.id), Entry.fair_id == fair.id),
            scalar(sa.func.count(TentativeHire.id), hires),
            scalar(sa.func.count(TentativeHire.id), hires, TentativeHire.reached_hired),
            scalar(sa.func.count(TentativeHire.id), hires, TentativeHire.reached_started),
        )
    ).one()
    return Metrics(1, *(int(value) for value in row))


def fair_offered_positions(fair: Fair) -> list[FairPosition]:
    """Return the positions offered at the fair by accepted employers."""
    return list(
        db.session.scalars(
            sa.select(FairPosition)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .where(Participation.fair_id == fair.id, Participation.is_accepted)
            .options(joinedload(FairPosition.position).joinedload(Position.employer))
            .order_by(Participation.booth, FairPosition.position_id)
        )
    )


def offered_position_ids(fair: Fair) -> set[int]:
    """Return the ids of the positions offered at this fair by accepted employers."""
    return set(
        db.session.scalars(
            sa.select(FairPosition.position_id)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .where(Participation.fair_id == fair.id, Participation.status.in_(ACCEPTED))
        )
    )


@dataclass
class GroupRow:
    code: str
    label: str
    positions: int = 0
    openings: int = 0


@dataclass
class FairSummary:
    fair: Fair
    metrics: Metrics
    participations_by_status: dict[str, int]
    occupation_rows: list[GroupRow]
    priority_rows: list[tuple[str, int]]
    intents_without_group: int
    tallies_by_source: dict[str, int] = field(default_factory=dict)
    #: 入场求职人次 in its parts: 入口计数 (tallies) and 扫码/线上登记 (entries).
    entry_counts: EntryCounts = field(default_factory=lambda: EntryCounts(0, 0))
    #: The scan and online entries by source label (扫码入场 / 线上参会).
    entries_by_source: dict[str, int] = field(default_factory=dict)
    #: Applications (投递人次) at the fair.
    applications: int = 0
    generated_at: datetime = field(default_factory=utcnow)


def fair_summary(fair: Fair) -> FairSummary:
    """Gather the printable fair summary (简报): metrics, positions by group, intents by group."""
    metrics = fair_metrics(fair)
    counted = counted_participations(fair)
    occupations = db.session.execute(
        sa.select(
            Position.occupation_major_group,
            sa.func.count(FairPosition.id),
            sa.func.sum(FairPosition.openings),
        )
        .select_from(FairPosition)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .join(Position, FairPosition.position_id == Position.id)
        .where(counted)
        .group_by(Position.occupation_major_group)
        .order_by(Position.occupation_major_group)
    ).all()
    occupation_rows = [
        GroupRow(str(g), OCCUPATION_MAJOR_GROUPS.get(g, str(g)), int(n), int(s or 0))
        for g, n, s in occupations
    ]
    statuses = dict(
        db.session.execute(
            sa.select(Participation.status, sa.func.count(Participation.id))
            .where(Participation.fair_id == fair.id)
            .group_by(Participation.status)
        ).all()
    )
    counter: Counter[str] = Counter()
    without = 0
    for groups in db.session.scalars(
        sa.select(TentativeHire.priority_groups).where(TentativeHire.fair_id == fair.id)
    ):
        if not groups:
            without += 1
        counter.update(set(groups))
    priority_rows = [(g.label, counter.get(g.value, 0)) for g in PriorityGroup]
    by_source = dict(
        db.session.execute(
            sa.select(SeekerTally.source, sa.func.sum(SeekerTally.count))
            .where(SeekerTally.fair_id == fair.id)
            .group_by(SeekerTally.source)
        ).all()
    )
    tallies_by_source = {
        source.label: int(by_source[source]) for source in TallySource if by_source.get(source)
    }
    entries_by = dict(
        db.session.execute(
            sa.select(Entry.source, sa.func.count(Entry.id))
            .where(Entry.fair_id == fair.id)
            .group_by(Entry.source)
        ).all()
    )
    applications = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(Application.fair_id == fair.id)
    )
    return FairSummary(
        fair=fair,
        metrics=metrics,
        participations_by_status={
            ParticipationStatus(k).label: v for k, v in statuses.items() if v
        },
        occupation_rows=occupation_rows,
        priority_rows=priority_rows,
        intents_without_group=without,
        tallies_by_source=tallies_by_source,
        entry_counts=fair_entry_counts(fair),
        entries_by_source={
            source.label: int(entries_by[source])
            for source in EntrySource
            if entries_by.get(source)
        },
        applications=int(applications or 0),
    )
