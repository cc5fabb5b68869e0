"""The delivery worker: claim due outbox rows, hand them to their provider, record the answer.

Safe with several workers at once (the scheduler and `flask notify send`, or two scheduler
processes): a row is claimed by a compare-and-set UPDATE committed before the provider is
called, so exactly one worker wins it on SQLite and PostgreSQL alike. The provider's answer is
recorded by the worker holding the claim; a worker that dies leaves a claim that expires after
NOTIFY_CLAIM_SECONDS, and the row is tried again. Logs name rows by id and template only:
addresses, parameters and codes never go into them.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.notify.models import Notification, NotificationState, NotifyChannel
from recruit.notify.providers import DeliveryError, Outgoing, provider_for
from recruit.notify.templates import Rendered, render
from recruit.validators import mask_phone

logger = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    ids: list[int] = field(default_factory=list)


def _claimable(now: datetime):
    return sa.and_(
        Notification.state == NotificationState.PENDING,
        Notification.next_attempt_at <= now,
        sa.or_(Notification.claim.is_(None), Notification.claimed_until < now),
    )


def deliver_pending(*, now: datetime | None = None, limit: int | None = None) -> DeliveryReport:
    """Deliver the due rows (up to NOTIFY_BATCH); returns what became of them.

    Runs in its own app context with nothing pending in the session (a job step, a command):
    it commits its own small transactions, one to claim each row and one to record its answer.
    """
    config = current_app.config
    now = now or utcnow()
    limit = limit or config["NOTIFY_BATCH"]
    due = list(
        db.session.scalars(
            sa.select(Notification.id)
            .where(_claimable(now))
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
        )
    )
    db.session.commit()
    report = DeliveryReport()
    providers = {}
    for row_id in due:
        claim = _claim(row_id, now, config["NOTIFY_CLAIM_SECONDS"])
        if claim is None:
            report.skipped += 1
            continue
        row = db.session.get(Notification, row_id)
        channel, address, template = row.channel, row.address, row.template
        params, attempts = dict(row.params or {}), row.attempts + 1
        db.session.commit()  # no transaction stays open while the provider is called
        name = "?"
        try:
            outgoing = Outgoing(
                row_id, channel, address, template, params, render(template, channel, params)
            )
            if outgoing.channel not in providers:
                providers[outgoing.channel] = provider_for(outgoing.channel, config)
            provider = providers[outgoing.channel]
            name = provider.name
            message_id = provider.send(outgoing)
        except DeliveryError as error:
            outcome = _failed(row_id, claim, attempts, str(error), now, config)
        except Exception as error:  # a bug, a bad setting, an unforeseen library error
            # Only the type: a library's message may quote the address.
            kind = type(error).__name__
            logger.error("Notification %d: provider %s raised %s", row_id, name, kind)
            outcome = _failed(row_id, claim, attempts, kind, now, config)
        else:
            outcome = _sent(row_id, claim, attempts, name, message_id)
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.ids.append(row_id)
    return report


def _claim(row_id: int, now: datetime, seconds: int) -> str | None:
    token = secrets.token_hex(16)
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == row_id, _claimable(now))
        .values(claim=token, claimed_until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def _record(row_id: int, claim: str, values: dict) -> bool:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == row_id, Notification.claim == claim)
        .values(claim=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()
    if result.rowcount != 1:
        logger.warning("Notification %d: claim lost before its answer was recorded", row_id)
    return result.rowcount == 1


def _sent(row_id: int, claim: str, attempts: int, provider: str, message_id: str) -> str:
    values = {
        "state": NotificationState.SENT,
        "attempts": attempts,
        "provider": provider,
        "provider_message_id": message_id or None,
        "last_error": None,
        "sent_at": utcnow(),
    }
    if provider != "outbox":
        # Delivered for real: the parameters (codes, one-time links) have done their work and
        # nobody reads them here again, so they do not stay in the database.
        values["params"] = {}
    _record(row_id, claim, values)
    logger.info("Notification %d sent through %s", row_id, provider)
    return "sent"


def _failed(row_id: int, claim: str, attempts: int, error: str, now: datetime, config) -> str:
    values = {"attempts": attempts, "last_error": error[:500]}
    if attempts >= config["NOTIFY_MAX_ATTEMPTS"]:
        values["state"] = NotificationState.FAILED
        outcome = "failed"
    else:
        backoff = config["NOTIFY_BACKOFF"]
        wait = backoff[min(attempts - 1, len(backoff) - 1)]
        values["next_attempt_at"] = now + timedelta(seconds=wait)
        outcome = "retrying"
    _record(row_id, claim, values)
    # The error text may echo an address back: the log says only that it failed.
    logger.warning("Notification %d: attempt %d failed (%s)", row_id, attempts, outcome)
    return outcome


@dataclass(frozen=True)
class OutboxEntry:
    """One row as the outbox page and command show it.

    The text (which may hold a code or a link) and the full address are shown only for
    messages that stay on this machine (the outbox provider); a message a real provider
    delivers shows its template, state and a masked address.
    """

    row: Notification
    address: str
    text: Rendered | None


def _local_only(row: Notification, config) -> bool:
    if row.provider is not None:
        return row.provider == "outbox"
    setting = "NOTIFY_SMS_PROVIDER" if row.channel is NotifyChannel.SMS else "NOTIFY_EMAIL_PROVIDER"
    return config[setting] == "outbox"


def mask_address(address: str) -> str:
    """13812345678 → 138****5678; someone@example.com → s***@example.com."""
    name, at, domain = address.partition("@")
    if at:
        return f"{name[:1]}***@{domain}"
    return mask_phone(address)


def _entry(row: Notification, config) -> OutboxEntry:
    if _local_only(row, config):
        return OutboxEntry(row, row.address, render(row.template, row.channel, row.params or {}))
    return OutboxEntry(row, mask_address(row.address), None)


def outbox_page(page: int = 1, per_page: int = 50, state: NotificationState | None = None):
    """A Flask-SQLAlchemy page of outbox entries (of one state if given), newest first."""
    query = sa.select(Notification).order_by(Notification.id.desc())
    if state is not None:
        query = query.where(Notification.state == state)
    result = db.paginate(
        query,
        page=page,
        per_page=per_page,
        error_out=False,
    )
    config = current_app.config
    result.items = [_entry(row, config) for row in result.items]
    return result


def newest_entries(limit: int = 20) -> list[OutboxEntry]:
    """The newest outbox entries (the command)."""
    rows = db.session.scalars(
        sa.select(Notification).order_by(Notification.id.desc()).limit(limit)
    ).all()
    return [_entry(row, current_app.config) for row in rows]
