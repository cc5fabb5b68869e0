"""Fixtures of the password-reset tests: accounts with verified contacts, the outbox read back."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.auth.codes import AccountCode
from recruit.db_types import utcnow
from recruit.extensions import db as DB
from recruit.notify.models import Notification

MOBILE = "13907311234"
EMAIL = "hr@example.com"
NEW_PASSWORD = "correct horse battery staple"


@pytest.fixture
def verified(make_user):
    """Return a factory of users whose mobile and/or e-mail are verified."""

    def factory(role="employer", *, mobile=MOBILE, email=EMAIL, **kwargs):
        now = utcnow()
        return make_user(
            role,
            mobile=mobile,
            email=email,
            mobile_verified_at=now if mobile else None,
            email_verified_at=now if email else None,
            **kwargs,
        )

    return factory


def outbox(template: str | None = None, address: str | None = None) -> list[Notification]:
    """Return the outbox rows (of a template, to an address), oldest first."""
    query = sa.select(Notification).order_by(Notification.id)
    if template:
        query = query.where(Notification.template == template)
    if address:
        query = query.where(Notification.address == address)
    return list(DB.session.scalars(query))


def last_code(address: str = MOBILE, template: str = "password_reset_code") -> str:
    """Return the code of the newest SMS of the template sent to the address."""
    rows = outbox(template, address)
    assert rows, f"no {template} message to {address}"
    return rows[-1].params["code"]


def last_link(address: str = EMAIL, template: str = "password_reset_link") -> str:
    """Return the path of the link in the newest e-mail of the template to the address."""
    rows = outbox(template, address)
    assert rows, f"no {template} message to {address}"
    return re.sub(r"^https?://[^/]+", "", rows[-1].params["link"])


def age(model, seconds: float, **where) -> None:
    """Move rows back in time: as if they had been made `seconds` earlier."""
    delta = timedelta(seconds=seconds)
    for row in DB.session.scalars(sa.select(model).filter_by(**where)):
        if model is AccountCode:
            row.created_at -= delta
            row.expires_at -= delta
        else:
            row.at -= delta
    DB.session.commit()
