"""Password reset: staff send a reset to an account they manage, on /staff/accounts and
/admin/users, the API (POST /api/v1/manage/users/{id}/send-reset) and `flask users send-reset`;
the registration doors take the account's own mobile and e-mail under one rule.

The reset service decides: organizers reach employer accounts in their region scope only, and a
reset goes only to verified addresses. A refusal sends nothing and writes no code.
"""

import sqlalchemy as sa

from recruit.auth.codes import AccountCode
from recruit.auth.models import Role, User
from recruit.auth.reset import NO_VERIFIED_CONTACT
from recruit.db_types import utcnow
from recruit.extensions import db as DB
from recruit.notify.models import Notification
from tests.parity.rows_auth import USERNAME, as_form, registration
from tests.parity.rule import Kit, Rule


def hr_account(region: str = "430211", *, verified: bool = True):
    """Arrange an employer account in the region, its contacts verified unless told."""

    def arrange(k: Kit) -> dict:
        now = utcnow() if verified else None
        user = k.make_user(
            role=Role.EMPLOYER,
            employer=k.make_employer(region_code=region),
            mobile="13907317777",
            email="parity-hr@example.com",
            mobile_verified_at=now,
            email_verified_at=now,
        )
        return {"user_id": user.id, "username": user.username}

    return arrange


def sent(r: dict) -> tuple:
    """Return the codes written for the account and the messages waiting in the outbox."""
    codes = DB.session.scalar(
        sa.select(sa.func.count(AccountCode.id)).where(AccountCode.user_id == r["user_id"])
    )
    messages = DB.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.template == "staff_sent_reset")
    )
    return codes, messages


def send_reset(**extra) -> dict:
    return dict(
        page=lambda r: ("post", f"/users/{r['user_id']}/send-reset", {}),
        api=lambda r: ("post", f"/api/v1/manage/users/{r['user_id']}/send-reset", None),
        effect=sent,
        **extra,
    )


def accounts(_r: dict) -> tuple:
    return (DB.session.scalar(sa.select(User.email).where(User.username == USERNAME)),)


BAD_EMAIL = "邮箱：格式不正确，应类似 hr@example.com。"

ROWS = [
    Rule(
        "scope: an organizer sends a reset to an employer account in its region",
        actor="city",
        arrange=hr_account("430211"),
        expect="ok",
        after=(2, 2),
        **send_reset(command=lambda r: ["users", "send-reset", r["username"]]),
    ),
    Rule(
        "scope: a county organizer cannot send a reset to another county's account",
        actor="liling",
        arrange=hr_account("430211"),
        expect="not_found",
        **send_reset(),
    ),
    Rule(
        "scope: an organizer cannot send a reset to a staff account",
        actor="city",
        arrange=lambda k: {"user_id": k.make_user(role=Role.ADMIN, mobile_verified_at=utcnow()).id},
        expect="not_found",
        **send_reset(),
    ),
    Rule(
        "state: a reset goes only to a verified mobile or e-mail",
        actor="admin",
        arrange=hr_account(verified=False),
        expect="conflict",
        says=NO_VERIFIED_CONTACT,
        **send_reset(command=lambda r: ["users", "send-reset", r["username"]]),
    ),
    Rule(
        "employer: registration refuses a malformed account e-mail",
        actor="anonymous",
        arrange=lambda k: {},
        expect="invalid",
        page=lambda r: (
            "post",
            "/employers/register",
            as_form({**registration("correct horse battery staple"), "account_email": "hr@"}),
        ),
        api=lambda r: (
            "post",
            "/api/v1/employers",
            {**registration("correct horse battery staple"), "account_email": "hr@"},
        ),
        effect=accounts,
        fields=frozenset({"account_email"}),
        says=BAD_EMAIL,
    ),
]
