"""Employer rules: an employer's own positions, sign-ups and outcomes, on /employer and the API.

The actor is an employer account (of an approved employer in 天元区); "another employer" is a
second employer it has nothing to do with.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa

from recruit.db_types import utcnow
from recruit.extensions import db as DB
from recruit.fairs.models import FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ, local_today
from recruit.hires.models import TentativeHire
from recruit.positions.models import MAX_OPENINGS, Position, PositionStatus
from recruit.positions.services import update_position
from tests.employer.helpers import make_hire
from tests.parity.rule import Kit, Rule

#: The API's schema checks openings before the service does (recruit/api/employer_routes.py,
#: PositionSchema.openings: validate.Range), so it answers in marshmallow's words.
E = "/employer"
A = "/api/v1/employer"

# --- the input both doors are sent ------------------------------------------------------------


def _valid_until() -> str:
    return (local_today() + timedelta(days=90)).isoformat()


def position_fields(title: str, **overrides) -> dict:
    """Return a position's fields as the API takes them."""
    body = {
        "title": title,
        "description": "负责陶瓷坯体成型，提供食宿。",
        "occupation_major_group": 6,
        "openings": 3,
        "salary_min": 4000,
        "salary_max": 6000,
        "education": "none",
        "experience": "none",
        "employment_type": "full_time",
        "work_region_code": "430211",
        "work_address": "天元区株洲大道 1 号",
        "contact_name": "李女士",
        "contact_phone": "13800000000",
        "valid_until": _valid_until(),
    }
    body.update(overrides)
    return body


def as_form(body: dict) -> dict:
    """Return the same input as the page's form posts it."""
    return {name: "" if value is None else str(value) for name, value in body.items()}


def _today() -> str:
    return local_today().isoformat()


# --- what the rules may change ------------------------------------------------------------------


def _position_row(position: Position) -> tuple:
    return (position.status.value, position.openings, position.salary_min, position.version)


def positions_titled(r: dict) -> list[tuple]:
    """Return the positions with the arranged title, without their ids."""
    rows = DB.session.scalars(
        sa.select(Position).where(Position.title == r["title"]).order_by(Position.id)
    )
    return [_position_row(p) for p in rows]


def the_position(r: dict) -> tuple:
    """Return the arranged position, without its id."""
    return _position_row(DB.session.get(Position, r["position_id"]))


def the_participation(r: dict) -> tuple | None:
    """Return the actor's sign-up for the arranged fair, if any."""
    part = DB.session.scalar(
        sa.select(Participation).where(
            Participation.fair_id == r["fair_id"], Participation.employer_id == r["employer_id"]
        )
    )
    if part is None:
        return None
    return (part.status.value, part.booth, sorted(fp.openings for fp in part.fair_positions))


def the_hire(r: dict) -> tuple:
    """Return the arranged intent's outcome and its dates."""
    hire = DB.session.get(TentativeHire, r["hire_id"])
    return (hire.outcome.value, hire.hired_on, hire.outcome_on)


# --- arrangements and requests ------------------------------------------------------------------


def new_position(openings: int, **overrides) -> dict:
    """Create a position through each door with this many openings (and other overrides)."""
    title = "对照岗位"
    fields = position_fields(title, openings=openings, **overrides)
    return dict(
        arrange=lambda k: {"title": title},
        page=lambda r: ("post", f"{E}/positions/new", as_form(fields)),
        api=lambda r: ("post", f"{A}/positions", fields),
        effect=positions_titled,
    )


def own_position(k: Kit) -> dict:
    """Arrange an open position of the actor's own."""
    position = k.make_position(
        employer=k.actor.employer, title="本企业岗位", description="负责装配"
    )
    return {"position_id": position.id, "title": position.title}


def restricting_draft(k: Kit) -> dict:
    """Arrange an own draft whose description restricts by sex (a blocking phrase)."""
    position = k.make_position(
        employer=k.actor.employer,
        title="限制性别的草稿",
        description="限男性，包吃住",
        status=PositionStatus.DRAFT,
    )
    return {"position_id": position.id, "title": position.title}


def _submit(explanation: str | None) -> dict:
    body = None if explanation is None else {"explanation": explanation}
    return {
        "page": lambda r: ("post", f"{E}/positions/{r['position_id']}/submit", body),
        "api": lambda r: ("post", f"{A}/positions/{r['position_id']}/submit", body),
    }


def someone_elses_position(k: Kit) -> dict:
    """Arrange an open position of another employer."""
    position = k.make_position(employer=k.make_employer(region_code="430211"), title="别家岗位")
    return {"position_id": position.id, "title": position.title, "version": position.version}


def stale_edit(k: Kit) -> dict:
    """Arrange an own position edited by someone else after the actor read it."""
    r = own_position(k)
    position = DB.session.get(Position, r["position_id"])
    read = position.version
    # Someone else saves first: the version the editor read is now behind.
    update_position(
        position,
        {**position_fields(position.title), "openings": 7, "valid_until": position.valid_until},
        version=None,
        by=k.actor,
    )
    DB.session.flush()
    return {**r, "version": read}


def _edit_body(r: dict) -> dict:
    return position_fields(r["title"], openings=8)


def edit_page(r: dict):
    """Post the position's edit form with the version the actor read."""
    form = as_form(_edit_body(r))
    form["version"] = str(r["version"])
    return ("post", f"{E}/positions/{r['position_id']}/edit", form)


def edit_api(r: dict):
    """Put the position's fields with the version the actor read."""
    return ("put", f"{A}/positions/{r['position_id']}", {**_edit_body(r), "version": r["version"]})


def signup_with(openings: int, **fair) -> dict:
    """Sign up for an open fair through each door, offering one position with these openings."""

    def arrange(k: Kit) -> dict:
        values = dict(
            day=local_today() + timedelta(days=10),
            status=FairStatus.OPEN,
            registration_deadline=utcnow() + timedelta(days=5),
        )
        values.update(fair)
        fair_row = k.make_fair(**values)
        position = k.make_position(employer=k.actor.employer, title="参会岗位")
        return {
            "fair_id": fair_row.id,
            "position_id": position.id,
            "employer_id": k.actor.employer_id,
        }

    def page(r: dict):
        pid = r["position_id"]
        form = {f"position_{pid}": "1", f"openings_{pid}": str(openings)}
        return ("post", f"{E}/fairs/{r['fair_id']}/signup", form)

    def api(r: dict):
        offers = [{"position_id": r["position_id"], "openings": openings}]
        return ("post", f"{A}/fairs/{r['fair_id']}/signup", {"offers": offers})

    return dict(arrange=arrange, page=page, api=api, effect=the_participation)


def signed_up_after_the_deadline(k: Kit) -> dict:
    """Arrange the actor's approved sign-up for a fair whose deadline has passed."""
    fair = k.make_fair(
        day=local_today() + timedelta(days=2),
        status=FairStatus.OPEN,
        registration_deadline=datetime.now(LOCAL_TZ) - timedelta(hours=2),
    )
    part = Participation(
        fair=fair, employer=k.actor.employer, status=ParticipationStatus.APPROVED, booth="A01"
    )
    DB.session.add(part)
    DB.session.flush()
    return {"fair_id": fair.id, "participation_id": part.id, "employer_id": k.actor.employer_id}


def someone_elses_intent(k: Kit) -> dict:
    """Arrange a seeker's intent for another employer's position."""
    position = k.make_position(employer=k.make_employer(region_code="430211"), title="别家意向岗位")
    return {"hire_id": make_hire(k.make_fair, position, seeker_name="求职者").id}


ROWS = [
    Rule(
        "employer: openings 0 is refused on openings",
        actor="employer",
        **new_position(0),
        expect="invalid",
        fields=frozenset({"openings"}),
    ),
    Rule(
        f"employer: openings {MAX_OPENINGS + 1} is refused on openings",
        actor="employer",
        **new_position(MAX_OPENINGS + 1),
        expect="invalid",
        fields=frozenset({"openings"}),
    ),
    Rule(
        f"employer: openings {MAX_OPENINGS} is accepted",
        actor="employer",
        **new_position(MAX_OPENINGS),
        expect="created",
    ),
    Rule(
        "employer: a salary below the minimum wage is refused on salary_min",
        actor="employer",
        **new_position(3, salary_min=1500, salary_max=2500),
        expect="invalid",
        fields=frozenset({"salary_min"}),
    ),
    Rule(
        "employer: editing another employer's position is not found",
        actor="employer",
        arrange=someone_elses_position,
        page=edit_page,
        api=edit_api,
        effect=the_position,
        expect="not_found",
    ),
    Rule(
        "employer: an edit based on a stale version is refused",
        actor="employer",
        arrange=stale_edit,
        page=edit_page,
        api=edit_api,
        effect=the_position,
        expect="conflict",
        fields=frozenset(),
    ),
    Rule(
        "employer: submitting a position that is not a draft is refused",
        actor="employer",
        arrange=own_position,
        page=lambda r: ("post", f"{E}/positions/{r['position_id']}/submit", None),
        api=lambda r: ("post", f"{A}/positions/{r['position_id']}/submit", None),
        effect=the_position,
        expect="conflict",
        fields=frozenset(),
    ),
    Rule(
        "employer: a draft restricting by sex is refused at submission",
        actor="employer",
        arrange=restricting_draft,
        **_submit(None),
        effect=the_position,
        expect="invalid",
    ),
    Rule(
        "employer: with an explanation, such a draft goes to review for a reviewer to judge",
        actor="employer",
        arrange=restricting_draft,
        **_submit("井下作业，女职工禁忌从事"),
        effect=lambda r: the_position(r)[0],
        expect="ok",
        after="pending",
    ),
    Rule(
        "employer: signing up after the deadline is refused",
        actor="employer",
        **signup_with(2, registration_deadline=utcnow() - timedelta(hours=1)),
        expect="conflict",
        fields=frozenset(),
    ),
    Rule(
        f"employer: signing up with {MAX_OPENINGS + 1} openings is refused on offers",
        actor="employer",
        **signup_with(MAX_OPENINGS + 1),
        expect="invalid",
        fields=frozenset({"offers"}),
    ),
    Rule(
        f"employer: signing up with {MAX_OPENINGS} openings is accepted",
        actor="employer",
        **signup_with(MAX_OPENINGS),
        expect="created",
    ),
    Rule(
        "employer: withdrawing after the deadline is refused",
        actor="employer",
        arrange=signed_up_after_the_deadline,
        page=lambda r: ("post", f"{E}/participations/{r['participation_id']}/withdraw", None),
        api=lambda r: ("post", f"{A}/participations/{r['participation_id']}/withdraw", None),
        effect=the_participation,
        expect="conflict",
        fields=frozenset(),
    ),
    Rule(
        "employer: recording an outcome for another employer's intent is not found",
        actor="employer",
        arrange=someone_elses_intent,
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
        expect="not_found",
    ),
]
