"""Writing messages to the outbox (the contract every domain calls) and the user's preferences.

send() only adds rows to the session: the caller's unit of work commits them with the event
that caused them, or rolls them back with it. recruit.notify.delivery delivers after commit.
"""

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.models import Role, User
from recruit.auth.scope import require_role
from recruit.db_types import utcnow
from recruit.errors import Conflict, Forbidden, NotFound
from recruit.extensions import db
from recruit.notify.models import (
    Notification,
    NotificationOnce,
    NotificationOptOut,
    NotificationState,
    NotifyChannel,
)
from recruit.notify.templates import all_templates, get_template
from recruit.uow import register_unique_race

register_unique_race(
    "notification_once", ("key",), "key", "这条消息刚刚已由另一个任务写入，本次未重复发送。"
)


def send(
    template: str,
    params: dict[str, str],
    *,
    user: User | None = None,
    mobile: str | None = None,
    email: str | None = None,
) -> list[Notification]:
    """Add the outbox rows of one message; return them (none if nobody can be reached).

    user: to that account's mobile (SMS) and e-mail, as the template has text for them, unless
    the template is optional and the user turned it off. mobile / email: exactly that address.
    """
    spec = get_template(template)
    params = {key: "" if value is None else str(value) for key, value in params.items()}
    targets: list[tuple[NotifyChannel, str]] = []
    if user is not None and not (spec.optional and opted_out(user, template)):
        if user.mobile:
            targets.append((NotifyChannel.SMS, user.mobile))
        if user.email:
            targets.append((NotifyChannel.EMAIL, user.email))
    if mobile:
        targets.append((NotifyChannel.SMS, mobile.strip()))
    if email:
        targets.append((NotifyChannel.EMAIL, email.strip()))
    rows = []
    seen = set()
    for channel, address in targets:
        if channel not in spec.channels or (channel, address) in seen:
            continue
        seen.add((channel, address))
        missing = spec.variables(channel) - params.keys()
        if missing:
            raise ValueError(f"Template {template} needs parameters: {', '.join(sorted(missing))}")
        row = Notification(
            user_id=user.id if user is not None else None,
            channel=channel,
            address=address,
            template=template,
            params=params,
        )
        db.session.add(row)
        rows.append(row)
    return rows


def send_to_employer(employer, template: str, params: dict[str, str]) -> list[Notification]:
    """Send a message to every active account of an employer (each with its own preferences)."""
    rows = []
    accounts = db.session.scalars(
        sa.select(User).where(User.employer_id == employer.id, User.active).order_by(User.id)
    )
    for account in accounts:
        rows.extend(send(template, {"employer": employer.name, **params}, user=account))
    return rows


def once(key: str) -> bool:
    """Claim a once-only message key; False if it was claimed before (the message went out).

    The key is inserted in the caller's transaction: a concurrent job that claims the same key
    loses at commit on the primary key, and its whole step rolls back.
    """
    if db.session.get(NotificationOnce, key) is not None:
        return False
    db.session.add(NotificationOnce(key=key))
    db.session.flush()
    return True


# --- preferences ----------------------------------------------------------------------------


def opted_out(user: User, template: str) -> bool:
    """Whether the user turned this optional template off."""
    return db.session.get(NotificationOptOut, (user.id, template)) is not None


def preference_choices(user: User) -> list[tuple[str, str, bool]]:
    """The optional messages the user may turn off: (key, label, on) per label, in file order.

    Templates sharing a label (approved/rejected of one review) are one switch; the key is
    the first template's name.
    """
    off = set(
        db.session.scalars(
            sa.select(NotificationOptOut.template).where(NotificationOptOut.user_id == user.id)
        )
    )
    choices = []
    for label, names in _optional_groups(user).items():
        choices.append((names[0], label, not (set(names) & off)))
    return choices


def _optional_groups(user: User) -> dict[str, list[str]]:
    audience = {Role.EMPLOYER: "employer", Role.ADMIN: "staff", Role.ORGANIZER: "staff"}
    groups: dict[str, list[str]] = {}
    for spec in all_templates().values():
        if spec.optional and spec.to in ("", audience.get(user.role)):
            groups.setdefault(spec.label, []).append(spec.name)
    return groups


def set_preferences(user: User, enabled: set[str], *, by) -> None:
    """Turn the user's optional messages on (keys in enabled) and off (the others)."""
    if by.id != user.id:
        raise Forbidden("只能修改自己的消息通知设置。")
    groups = _optional_groups(user)
    current = {
        row.template: row
        for row in db.session.scalars(
            sa.select(NotificationOptOut).where(NotificationOptOut.user_id == user.id)
        )
    }
    changed = {}
    for names in groups.values():
        on = names[0] in enabled
        for name in names:
            if on and name in current:
                db.session.delete(current[name])
                changed[name] = "on"
            elif not on and name not in current:
                db.session.add(NotificationOptOut(user_id=user.id, template=name))
                changed[name] = "off"
    db.session.flush()
    if changed:
        record_audit("user.notifications", user, by=by, summary=changed)


def retry_failed(notification_id: int, *, by) -> Notification:
    """Put a message that gave up back in the queue (admins): tried again at the next delivery.

    Only a failed message goes back; one that was sent, or still waits, is left as it is so that
    nothing acknowledged is sent twice.
    """
    require_role(by, Role.ADMIN)
    row = db.session.get(Notification, notification_id)
    if row is None:
        raise NotFound("没有这条消息。")
    if row.state is not NotificationState.FAILED:
        raise Conflict(f"这条消息的状态是“{row.state.label}”，只有发送失败的消息可以重发。")
    row.state = NotificationState.PENDING
    row.attempts = 0
    row.next_attempt_at = utcnow()
    db.session.flush()
    summary = {"template": row.template, "channel": row.channel.value}
    record_audit("notification.retry", row, by=by, summary=summary)
    return row
