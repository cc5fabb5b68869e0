"""One rulebook, two doors: each employer rule gives the same answer on the page and in the API.

Every row of RULES arranges the same records once for each door, sends the same actor's same
input through the employer's pages and through /api/v1/employer, and requires the same outcome
(accepted / refused naming the same fields / not found) and the same database effect. A rule
added to the services is added here once and checked on both doors.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.auth.tokens import create_token
from recruit.db_types import utcnow
from recruit.fairs.models import FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ, local_today
from recruit.hires.models import TentativeHire
from recruit.positions.models import MAX_OPENINGS, Position
from recruit.positions.services import update_position
from tests.employer.helpers import make_hire

PAGE, API = "page", "api"

ACCEPTED, REFUSED, NOT_FOUND = "accepted", "refused", "not found"


@dataclass(frozen=True)
class Outcome:
    kind: str
    #: The fields named by the refusal, top level only ("offers.0.openings" → "offers").
    fields: frozenset[str] = frozenset()


@dataclass
class World:
    """Employer A (the actor, signed in and holding a token) and another employer, B."""

    db: Any
    a: Any
    b: Any
    headers: dict[str, str]
    make_position: Callable
    make_fair: Callable


@dataclass(frozen=True)
class Rule:
    name: str
    #: Build the records one door works on; called once per door, so both start alike.
    arrange: Callable[[World, str], dict]
    page: Callable[[Any, dict], Any]
    api: Callable[[Any, dict, dict], Any]
    #: What the rule may change, without ids, so that the two doors' effects compare.
    effect: Callable[[World, dict], Any]
    expected: Outcome
    #: The API's status for the outcome (the page answers in its own way).
    api_status: int
    extra: dict = field(default_factory=dict)


# --- reading the outcome of each door ----------------------------------------------------


_INVALID_INPUT = re.compile(r"<(?:input|select|textarea)\b[^>]*\bis-invalid\b[^>]*>")
_NAME = re.compile(r'\bname="([^"]+)"')
_ERROR_FOR = re.compile(r'data-error-for="([^"]*)"')


def _top(name: str) -> str:
    return name.split(".", 1)[0]


def page_outcome(client, response) -> Outcome:
    """Read a page's answer: 404, fields marked invalid, a danger message, or success."""
    if response.status_code == 404:
        return Outcome(NOT_FOUND)
    with client.session_transaction() as session:
        flashed = session.pop("_flashes", [])
    html = response.get_data(as_text=True)
    fields = {_NAME.search(tag).group(1) for tag in _INVALID_INPUT.findall(html)}
    fields |= {name for name in _ERROR_FOR.findall(html) if name}
    danger = any(category == "danger" for category, _message in flashed)
    if response.status_code == 200:
        danger = danger or "alert-danger" in html
    if fields or danger:
        return Outcome(REFUSED, frozenset(_top(f) for f in fields))
    assert response.status_code in (200, 302), response.status_code
    return Outcome(ACCEPTED)


def api_outcome(response) -> Outcome:
    """Read the API's answer the same way."""
    if response.status_code == 404:
        return Outcome(NOT_FOUND)
    if response.status_code in (409, 422):
        errors = response.get_json()["errors"]
        return Outcome(REFUSED, frozenset(_top(f) for f in errors if f != "_schema"))
    assert response.status_code in (200, 201), response.get_json()
    return Outcome(ACCEPTED)


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


def _position_row(position: Position) -> tuple:
    return (
        position.title,
        position.status.value,
        position.openings,
        position.salary_min,
        position.version,
    )


def positions_titled(world: World, ctx: dict) -> list[tuple]:
    world.db.session.expire_all()
    rows = world.db.session.scalars(
        sa.select(Position).where(Position.title == ctx["title"]).order_by(Position.id)
    )
    return [_position_row(p)[1:] for p in rows]


def the_position(world: World, ctx: dict) -> tuple:
    world.db.session.expire_all()
    return _position_row(world.db.session.get(Position, ctx["position_id"]))[1:]


def the_participation(world: World, ctx: dict) -> tuple | None:
    world.db.session.expire_all()
    part = world.db.session.scalar(
        sa.select(Participation).where(
            Participation.fair_id == ctx["fair_id"],
            Participation.employer_id == world.a.employer_id,
        )
    )
    if part is None:
        return None
    return (part.status.value, part.booth, sorted(fp.openings for fp in part.fair_positions))


def the_hire(world: World, ctx: dict) -> tuple:
    world.db.session.expire_all()
    hire = world.db.session.get(TentativeHire, ctx["hire_id"])
    return (hire.outcome.value, hire.hired_on, hire.outcome_on)


# --- arrangements ------------------------------------------------------------------------------


def new_position(openings: int, **overrides):
    """Create a position through each door with this many openings (and other overrides)."""

    def arrange(world: World, door: str) -> dict:
        return {"title": f"对照岗位-{door}", "overrides": {"openings": openings, **overrides}}

    return dict(
        arrange=arrange,
        page=lambda client, ctx: client.post(
            "/employer/positions/new",
            data=as_form(position_fields(ctx["title"], **ctx["overrides"])),
        ),
        api=lambda client, headers, ctx: client.post(
            "/api/v1/employer/positions",
            json=position_fields(ctx["title"], **ctx["overrides"]),
            headers=headers,
        ),
        effect=positions_titled,
    )


def _own_position(world: World, door: str, **kwargs) -> dict:
    position = world.make_position(
        employer=world.a.employer, title=f"本企业岗位-{door}", description="负责装配", **kwargs
    )
    return {"position_id": position.id, "title": position.title}


def _edit_body(ctx: dict, **overrides) -> dict:
    body = position_fields(ctx["title"], openings=8)
    body.update(overrides)
    return body


def _edit_page(client, ctx: dict):
    form = as_form(_edit_body(ctx))
    form["version"] = str(ctx["version"])
    return client.post(f"/employer/positions/{ctx['position_id']}/edit", data=form)


def _edit_api(client, headers: dict, ctx: dict):
    body = _edit_body(ctx, version=ctx["version"])
    return client.put(
        f"/api/v1/employer/positions/{ctx['position_id']}", json=body, headers=headers
    )


def someone_elses_position(world: World, door: str) -> dict:
    position = world.make_position(employer=world.b.employer, title=f"别家岗位-{door}")
    return {"position_id": position.id, "title": position.title, "version": position.version}


def stale_edit(world: World, door: str) -> dict:
    ctx = _own_position(world, door)
    position = world.db.session.get(Position, ctx["position_id"])
    read = position.version
    # Someone else saves first: the version the editor read is now behind.
    update_position(
        position,
        {**position_fields(position.title), "openings": 7, "valid_until": position.valid_until},
        version=None,
        by=world.a,
    )
    world.db.session.flush()
    return {**ctx, "version": read}


def open_fair_with_position(world: World, door: str, **fair) -> dict:
    values = dict(
        day=local_today() + timedelta(days=10),
        status=FairStatus.OPEN,
        registration_deadline=utcnow() + timedelta(days=5),
    )
    values.update(fair)
    fair_row = world.make_fair(**values)
    position = world.make_position(employer=world.a.employer, title=f"参会岗位-{door}")
    return {"fair_id": fair_row.id, "position_id": position.id}


def _signup_page(client, ctx: dict):
    pid = ctx["position_id"]
    return client.post(
        f"/employer/fairs/{ctx['fair_id']}/signup",
        data={f"position_{pid}": "1", f"openings_{pid}": str(ctx["openings"])},
    )


def _signup_api(client, headers: dict, ctx: dict):
    offers = [{"position_id": ctx["position_id"], "openings": ctx["openings"]}]
    return client.post(
        f"/api/v1/employer/fairs/{ctx['fair_id']}/signup", json={"offers": offers}, headers=headers
    )


def signup_with(openings: int, **fair):
    def arrange(world: World, door: str) -> dict:
        return {**open_fair_with_position(world, door, **fair), "openings": openings}

    return dict(arrange=arrange, page=_signup_page, api=_signup_api, effect=the_participation)


def signed_up_after_the_deadline(world: World, door: str) -> dict:
    fair = world.make_fair(
        day=local_today() + timedelta(days=2),
        status=FairStatus.OPEN,
        registration_deadline=datetime.now(LOCAL_TZ) - timedelta(hours=2),
    )
    part = Participation(
        fair=fair, employer=world.a.employer, status=ParticipationStatus.APPROVED, booth="A01"
    )
    world.db.session.add(part)
    world.db.session.flush()
    return {"fair_id": fair.id, "participation_id": part.id}


def someone_elses_intent(world: World, door: str) -> dict:
    position = world.make_position(employer=world.b.employer, title=f"别家意向岗位-{door}")
    return {"hire_id": make_hire(world.make_fair, position, seeker_name=f"求职者{door}").id}


def _today() -> str:
    return local_today().isoformat()


# --- the table ----------------------------------------------------------------------------------


RULES = [
    Rule(
        "openings 0 is refused on openings",
        **new_position(0),
        expected=Outcome(REFUSED, frozenset({"openings"})),
        api_status=422,
    ),
    Rule(
        f"openings {MAX_OPENINGS + 1} is refused on openings",
        **new_position(MAX_OPENINGS + 1),
        expected=Outcome(REFUSED, frozenset({"openings"})),
        api_status=422,
    ),
    Rule(
        f"openings {MAX_OPENINGS} is accepted",
        **new_position(MAX_OPENINGS),
        expected=Outcome(ACCEPTED),
        api_status=201,
    ),
    Rule(
        "a salary below the minimum wage is refused on salary_min",
        **new_position(3, salary_min=1500, salary_max=2500),
        expected=Outcome(REFUSED, frozenset({"salary_min"})),
        api_status=422,
    ),
    Rule(
        "editing another employer's position is not found",
        arrange=someone_elses_position,
        page=_edit_page,
        api=_edit_api,
        effect=the_position,
        expected=Outcome(NOT_FOUND),
        api_status=404,
    ),
    Rule(
        "an edit based on a stale version is refused",
        arrange=stale_edit,
        page=_edit_page,
        api=_edit_api,
        effect=the_position,
        expected=Outcome(REFUSED),
        api_status=409,
    ),
    Rule(
        "submitting a position that is not a draft is refused",
        arrange=_own_position,
        page=lambda client, ctx: client.post(f"/employer/positions/{ctx['position_id']}/submit"),
        api=lambda client, headers, ctx: client.post(
            f"/api/v1/employer/positions/{ctx['position_id']}/submit", headers=headers
        ),
        effect=the_position,
        expected=Outcome(REFUSED),
        api_status=409,
    ),
    Rule(
        "signing up after the deadline is refused",
        **signup_with(2, registration_deadline=utcnow() - timedelta(hours=1)),
        expected=Outcome(REFUSED),
        api_status=409,
    ),
    Rule(
        f"signing up with {MAX_OPENINGS + 1} openings is refused on offers",
        **signup_with(MAX_OPENINGS + 1),
        expected=Outcome(REFUSED, frozenset({"offers"})),
        api_status=422,
    ),
    Rule(
        f"signing up with {MAX_OPENINGS} openings is accepted",
        **signup_with(MAX_OPENINGS),
        expected=Outcome(ACCEPTED),
        api_status=201,
    ),
    Rule(
        "withdrawing after the deadline is refused",
        arrange=signed_up_after_the_deadline,
        page=lambda client, ctx: client.post(
            f"/employer/participations/{ctx['participation_id']}/withdraw"
        ),
        api=lambda client, headers, ctx: client.post(
            f"/api/v1/employer/participations/{ctx['participation_id']}/withdraw",
            headers=headers,
        ),
        effect=the_participation,
        expected=Outcome(REFUSED),
        api_status=409,
    ),
    Rule(
        "recording an outcome for another employer's intent is not found",
        arrange=someone_elses_intent,
        page=lambda client, ctx: client.post(
            f"/employer/outcomes/{ctx['hire_id']}", data={"outcome": "hired", "on": _today()}
        ),
        api=lambda client, headers, ctx: client.post(
            f"/api/v1/employer/hires/{ctx['hire_id']}/outcome",
            json={"outcome": "hired", "on": _today()},
            headers=headers,
        ),
        effect=the_hire,
        expected=Outcome(NOT_FOUND),
        api_status=404,
    ),
]


@pytest.fixture
def world(db, client, make_user, make_employer, make_position, make_fair, login_as):
    a = make_user(Role.EMPLOYER, employer=make_employer(region_code="430211"))
    b = make_user(Role.EMPLOYER, employer=make_employer(region_code="430211"))
    _token, secret = create_token(a, "parity")
    login_as(a)
    return World(db, a, b, {"Authorization": f"Bearer {secret}"}, make_position, make_fair)


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_the_page_and_the_api_follow_the_same_rule(client, db, world, rule):
    contexts = {door: rule.arrange(world, door) for door in (PAGE, API)}
    # The doors roll back their own refusals, never the arrangement.
    db.session.commit()
    before = {door: rule.effect(world, contexts[door]) for door in (PAGE, API)}

    page = page_outcome(client, rule.page(client, contexts[PAGE]))
    response = rule.api(client, world.headers, contexts[API])
    api = api_outcome(response)
    after = {door: rule.effect(world, contexts[door]) for door in (PAGE, API)}

    assert page == api == rule.expected
    assert response.status_code == rule.api_status
    assert before[PAGE] == before[API]
    assert after[PAGE] == after[API]
    if rule.expected.kind != ACCEPTED:
        assert after == before, "a refused or unreachable request changed something"
    else:
        assert after != before, "an accepted request changed nothing"
