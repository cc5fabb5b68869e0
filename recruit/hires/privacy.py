"""Seekers' personal information over time: key rotation and the retention period."""

import calendar
import logging
from datetime import date

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.formatting import local_day_bounds
from recruit.hires.models import TentativeHire
from recruit.pii import TOKEN_PREFIX, rotate
from recruit.seekers.models import Application, Entry, Seeker

logger = logging.getLogger(__name__)

#: The stored columns, read and written as the raw tokens (no decryption on the way): the
#: intents' and the seekers' (DESIGN §7) phone and ID number.
_RAW_TABLES = tuple(
    sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("seeker_phone", sa.String),
        sa.column("seeker_id_number", sa.String),
    )
    for name in ("tentative_hires", "seekers")
)

#: What the name becomes when the retention period removes a seeker's personal information.
REMOVED_NAME = "（已清除）"


def rotate_pii_keys(batch: int = 500) -> int:
    """Re-encrypt every stored phone and ID number under the current key; return rows done.

    Runs in batches, each committed: the old keys still decrypt what is not done yet, so the
    app keeps working while this runs.
    """
    done = 0
    for raw in _RAW_TABLES:
        last_id = 0
        while True:
            rows = db.session.execute(
                sa.select(raw.c.id, raw.c.seeker_phone, raw.c.seeker_id_number)
                .where(raw.c.id > last_id)
                .order_by(raw.c.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            for row_id, phone, id_number in rows:
                db.session.execute(
                    raw.update()
                    .where(raw.c.id == row_id)
                    .values(
                        seeker_phone=_rotated(phone),
                        seeker_id_number=_rotated(id_number),
                    )
                )
            db.session.commit()
            done += len(rows)
            last_id = rows[-1][0]
    logger.info("Re-encrypted personal information of %d intents and seekers", done)
    return done


def _rotated(token: str | None) -> str | None:
    if not token or not token.startswith(TOKEN_PREFIX):
        return token
    return rotate(token)


def retention_cutoff(today: date, months: int) -> date:
    """Return the first fair date whose seekers' personal information is still kept."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def purge_personal_data(today: date, months: int, *, by) -> int:
    """Remove seekers' names, phones and ID numbers from fairs older than `months`.

    The rows stay, so every count of DESIGN §2.5 is unchanged; outcomes stay too.
    """
    begin, _ = local_day_bounds(retention_cutoff(today, months), today)
    old_fairs = sa.select(Fair.id).where(Fair.starts_at < begin)
    result = db.session.execute(
        sa.update(TentativeHire)
        .where(TentativeHire.fair_id.in_(old_fairs), TentativeHire.pii_removed_at.is_(None))
        .values(
            seeker_name=REMOVED_NAME,
            seeker_phone=None,
            seeker_id_number=None,
            seeker_phone_hash=None,
            seeker_id_hash=None,
            pii_removed_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    seekers = _purge_quiet_seekers(begin)
    if count or seekers:
        record_audit(
            "hire.purge_pii",
            object_type="tentative_hires",
            by=by,
            summary={
                "rows": count,
                "seekers": seekers,
                "months": months,
                "before": begin.date().isoformat(),
            },
        )
    logger.info("Removed personal information of %d intents and %d seekers", count, seekers)
    return count + seekers


def _purge_quiet_seekers(begin) -> int:
    """Remove the person from seekers with nothing since `begin` (DESIGN §7: tombstones stay).

    Quiet: registered before it, and no entry, application or intent at a fair since it.
    """
    recent_fairs = sa.select(Fair.id).where(Fair.starts_at >= begin)
    active = sa.union(
        sa.select(Entry.seeker_id).where(Entry.fair_id.in_(recent_fairs)),
        sa.select(Application.seeker_id).where(Application.fair_id.in_(recent_fairs)),
        sa.select(TentativeHire.seeker_id).where(
            TentativeHire.fair_id.in_(recent_fairs), TentativeHire.seeker_id.is_not(None)
        ),
    )
    result = db.session.execute(
        sa.update(Seeker)
        .where(
            Seeker.deleted_at.is_(None),
            Seeker.created_at < begin,
            Seeker.id.not_in(active),
        )
        .values(
            name=None,
            seeker_phone=None,
            seeker_id_number=None,
            seeker_phone_hash=None,
            seeker_id_hash=None,
            deleted_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
