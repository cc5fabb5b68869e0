"""Several HR accounts per employer: read-only colleagues change nothing through any door, only
administrators manage the team, and a change of name or USCC waits for review on every door.

"employer" is the employer's administrator (its first account); "employer_full" a colleague
with full rights; "employer_readonly" a read-only colleague.
"""

import sqlalchemy as sa

from recruit.auth.scope import READ_ONLY
from recruit.employers.models import ChangeStatus, Employer, EmployerChange
from recruit.employers.team import LAST_ADMIN, NOT_ADMIN
from recruit.extensions import db as DB
from recruit.positions.models import Position
from tests.employer.helpers import make_hire
from tests.parity.rows_employer import (
    A,
    E,
    _today,
    as_form,
    edit_api,
    edit_page,
    new_position,
    own_position,
    signup_with,
    the_hire,
)
from tests.parity.rule import Kit, Rule


def own_position_read(k: Kit) -> dict:
    """Arrange an open position of the actor's employer, with the version the actor read."""
    r = own_position(k)
    return {**r, "version": DB.session.get(Position, r["position_id"]).version}


def own_intent(k: Kit) -> dict:
    """Arrange an intent made for a position of the actor's employer."""
    position = k.make_position(employer=k.actor.employer, title="本企业意向岗位")
    return {"hire_id": make_hire(k.make_fair, position, seeker_name="求职者").id}


def the_employer(r: dict) -> tuple:
    """Return the employer's public name, USCC and address, and what waits for review."""
    employer = DB.session.get(Employer, r["employer_id"])
    waiting = DB.session.scalars(
        sa.select(EmployerChange.name).where(
            EmployerChange.employer_id == employer.id,
            EmployerChange.status == ChangeStatus.PENDING,
        )
    ).all()
    return employer.name, employer.uscc, employer.address, list(waiting)


def own_employer(k: Kit) -> dict:
    employer = k.actor.employer
    employer.address = "天元区原地址 1 号"
    employer.contact_name = "王经理"
    employer.contact_phone = "13800000001"
    DB.session.flush()
    return {"employer_id": employer.id, "uscc": employer.uscc, "name": employer.name}


def _profile(r: dict, **overrides) -> dict:
    body = {
        "name": r["name"],
        "uscc": r["uscc"],
        "region_code": "430211",
        "address": "天元区原地址 1 号",
        "contact_name": "王经理",
        "contact_phone": "13800000001",
        "size": None,
        "industry_chain": None,
    }
    body.update(overrides)
    return body


def _profile_form(r: dict, **overrides) -> dict:
    """Return the profile as the page's form posts it (the chain by its id there)."""
    body = _profile(r, **overrides)
    body["industry_chain_id"] = body.pop("industry_chain")
    return as_form(body)


def profile_edit(effect=the_employer, **overrides) -> dict:
    """Send the profile form (page) or the profile (API) with these fields changed."""
    return dict(
        page=lambda r: ("post", f"{E}/profile", _profile_form(r, **overrides)),
        api=lambda r: ("put", f"{A}/profile", _profile(r, **overrides)),
        effect=effect,
    )


def another_employers_uscc(k: Kit) -> dict:
    r = own_employer(k)
    return {**r, "taken": k.make_employer(region_code="430211").uscc}


def members(r: dict) -> list[tuple]:
    """Return the team's accounts: username, role, active."""
    employer = DB.session.get(Employer, r["employer_id"])
    return sorted((u.username, u.employer_role.value, u.active) for u in employer.users)


ROWS = [
    Rule(
        "read-only colleague: creating a position is forbidden",
        actor="employer_readonly",
        **new_position(3),
        expect="forbidden",
        says=READ_ONLY,
    ),
    Rule(
        "read-only colleague: editing the employer's position is forbidden",
        actor="employer_readonly",
        arrange=own_position_read,
        page=edit_page,
        api=edit_api,
        effect=lambda r: DB.session.get(Position, r["position_id"]).openings,
        expect="forbidden",
    ),
    Rule(
        "read-only colleague: signing up for a fair is forbidden",
        actor="employer_readonly",
        **signup_with(2),
        expect="forbidden",
    ),
    Rule(
        "read-only colleague: recording an outcome is forbidden",
        actor="employer_readonly",
        arrange=own_intent,
        page=lambda r: (
            "post",
            f"{E}/outcomes/{r['hire_id']}",
            {"outcome": "hired", "on": _today()},
        ),
        api=lambda r: (
            "post",
            f"{A}/hires/{r['hire_id']}/outcome",
            {"outcome": "hired", "on": _today()},
        ),
        effect=the_hire,
        expect="forbidden",
    ),
    Rule(
        "read-only colleague: editing the profile is forbidden",
        actor="employer_readonly",
        arrange=own_employer,
        **profile_edit(address="天元区新地址 9 号"),
        expect="forbidden",
    ),
    Rule(
        "colleague with full rights: inviting is for administrators",
        actor="employer_full",
        arrange=lambda k: {"employer_id": k.actor.employer_id},
        page=lambda r: ("post", f"{E}/team/invite", {"address": "13900001111", "role": "full"}),
        api=lambda r: ("post", f"{A}/team/invitations", {"address": "13900001111", "role": "full"}),
        effect=lambda r: DB.session.scalar(sa.text("SELECT count(*) FROM employer_invitations")),
        expect="forbidden",
        says=NOT_ADMIN,
    ),
    Rule(
        "administrator: the last administrator cannot remove itself",
        actor="employer",
        arrange=lambda k: {"employer_id": k.actor.employer_id, "user_id": k.actor.id},
        page=lambda r: ("post", f"{E}/team/members/{r['user_id']}/remove", None),
        api=lambda r: ("post", f"{A}/team/members/{r['user_id']}/remove", None),
        effect=members,
        expect="conflict",
        says=LAST_ADMIN,
    ),
    Rule(
        "administrator: the last administrator cannot make itself read-only",
        actor="employer",
        arrange=lambda k: {"employer_id": k.actor.employer_id, "user_id": k.actor.id},
        page=lambda r: ("post", f"{E}/team/members/{r['user_id']}/role", {"role": "readonly"}),
        api=lambda r: ("post", f"{A}/team/members/{r['user_id']}/role", {"role": "readonly"}),
        effect=members,
        expect="conflict",
        says=LAST_ADMIN,
    ),
    Rule(
        "employer: a new address applies at once",
        actor="employer",
        arrange=own_employer,
        **profile_edit(address="天元区新地址 9 号", effect=lambda r: the_employer(r)[2:]),
        expect="ok",
        after=("天元区新地址 9 号", []),
    ),
    Rule(
        "employer: a new name waits for review, the old one stays public",
        actor="employer",
        arrange=own_employer,
        **profile_edit(
            name="株洲改名后有限公司",
            effect=lambda r: (the_employer(r)[0] == r["name"], the_employer(r)[3]),
        ),
        expect="ok",
        after=(True, ["株洲改名后有限公司"]),
    ),
    Rule(
        "employer: another employer's USCC is refused on uscc",
        actor="employer",
        arrange=another_employers_uscc,
        page=lambda r: ("post", f"{E}/profile", _profile_form(r, uscc=r["taken"])),
        api=lambda r: ("put", f"{A}/profile", _profile(r, uscc=r["taken"])),
        effect=the_employer,
        expect="invalid",
        fields=frozenset({"uscc"}),
    ),
]
