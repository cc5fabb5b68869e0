"""Account rules: the password rule on every door that creates an account.

Registration is the door anyone can reach: the page (/employers/register) and the API
(POST /api/v1/employers) must refuse the same weak password in the same words, on the same
field, and create nothing; a long passphrase without digits or symbols passes both.
`flask users create` reads the password from a prompt, so tests/test_users_cli.py covers it.
"""

import sqlalchemy as sa

from recruit.auth.models import User
from recruit.employers.models import Employer
from recruit.extensions import db as DB
from recruit.validators import uscc_check_char
from tests.parity.rule import Rule

_BODY = "91430211MA4TPW001"
USCC = _BODY + uscc_check_char(_BODY)
USERNAME = "parity_hr"

WEAK = "P@ssw0rd"
WEAK_SAYS = (
    "密码：太容易被猜到（这是常见密码或常见密码的简单变形）。"
    "请换一个更长、不常见的密码，例如几个不相干的词连在一起；不必非加符号或大写字母。"
)


def registration(password: str) -> dict:
    """Return the registration as the API takes it."""
    return {
        "name": "株洲口令对照有限公司",
        "uscc": USCC,
        "region_code": "430211",
        "industry_section": "C",
        "address": "天元区黄河南路 1 号",
        "contact_name": "周女士",
        "contact_phone": "13907331234",
        "username": USERNAME,
        "password": password,
    }


def as_form(body: dict) -> dict:
    """Return the same registration as the page's form posts it."""
    return {**body, "password_confirm": body["password"]}


def accounts(_r: dict) -> tuple:
    """Return what registration creates: the account and the employer."""
    return (
        DB.session.scalar(sa.select(User.role).where(User.username == USERNAME)),
        DB.session.scalar(sa.select(Employer.status).where(Employer.uscc == USCC)),
    )


ROWS = [
    Rule(
        "password: a common password is refused at registration",
        actor="anonymous",
        arrange=lambda k: {},
        expect="invalid",
        page=lambda r: ("post", "/employers/register", as_form(registration(WEAK))),
        api=lambda r: ("post", "/api/v1/employers", registration(WEAK)),
        effect=accounts,
        fields=frozenset({"password"}),
        says=WEAK_SAYS,
    ),
    Rule(
        "password: a long passphrase registers without digits or symbols",
        actor="anonymous",
        arrange=lambda k: {},
        expect="created",
        page=lambda r: (
            "post",
            "/employers/register",
            as_form(registration("correct horse battery staple")),
        ),
        api=lambda r: ("post", "/api/v1/employers", registration("correct horse battery staple")),
        effect=accounts,
    ),
]
