"""Object-level access: an employer reaches only its own records; any other id answers 404.

The matrix is built from the app's URL map, so a new `employer.*` route is covered (or makes
this test fail until someone says which of its arguments are the employer's own records).
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.auth.models import EmployerRole, Role
from recruit.db_types import utcnow
from recruit.employers.models import Invitation
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import local_today
from recruit.hires.models import Outcome
from recruit.positions.models import PositionStatus
from recruit.seekers.models import Application, ApplicationSource, Seeker
from tests.employer.helpers import make_hire

#: URL arguments naming a record that belongs to one employer.
OWNED_ARGS = {
    "position_id",
    "participation_id",
    "hire_id",
    "user_id",
    "invitation_id",
    "application_id",
}
#: URL arguments naming a public record (a fair anyone may see); the page must still show
#: nothing of another employer.
PUBLIC_ARGS = {"fair_id"}
#: What a route may be sent in the matrix; any form field a route reads is included.
FORM = {"outcome": "hired", "on": "", "filled": "1"}


@pytest.fixture
def two_employers(db, make_user, make_employer, make_position, make_fair):
    """Employers A and B, each with a position, a fair sign-up and an intent; B's are marked."""
    fair = make_fair(
        day=local_today() + timedelta(days=10),
        status=FairStatus.OPEN,
        registration_deadline=utcnow() + timedelta(days=5),
    )
    records = {}
    for key, title, seeker in (
        ("a", "甲方岗位", "甲方求职者"),
        ("b", "乙方专属岗位", "乙方求职者"),
    ):
        employer = make_employer(name=f"{title}企业")
        user = make_user(Role.EMPLOYER, employer=employer)
        position = make_position(employer=employer, title=title)
        participation = Participation(
            fair=fair, employer=employer, status=ParticipationStatus.REQUESTED
        )
        fair_position = FairPosition(position=position, openings=2)
        participation.fair_positions.append(fair_position)
        db.session.add(participation)
        db.session.flush()
        application = Application(
            fair_id=fair.id,
            position_id=position.id,
            fair_position_id=fair_position.id,
            employer_id=employer.id,
            seeker=Seeker(name=seeker, seeker_phone=f"1370000{3333 if key == 'a' else 4444}"),
            source=ApplicationSource.BOOTH,
        )
        db.session.add(application)
        hire = make_hire(make_fair, position, seeker_name=seeker, seeker_phone="13700001111")
        invitation = Invitation(
            employer=employer,
            role=EmployerRole.FULL,
            mobile="13700002222",
            token_hash=f"{key}" * 64,
            invited_by_id=user.id,
            expires_at=utcnow() + timedelta(days=7),
        )
        db.session.add(invitation)
        db.session.flush()
        records[key] = {
            "user_id": user.id,
            "invitation_id": invitation.id,
            "user": user,
            "position_id": position.id,
            "participation_id": participation.id,
            "hire_id": hire.id,
            "fair_id": fair.id,
            "application_id": application.id,
        }
    FORM["on"] = local_today().isoformat()
    # Routes roll back their own failures; the set-up must survive them.
    db.session.commit()
    return records


def _employer_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("employer.")]
    assert len(rules) >= 10, "the employer blueprint is not registered"
    return rules


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _url(rule, ids):
    values = {}
    for arg in rule.arguments:
        assert arg in OWNED_ARGS | PUBLIC_ARGS, (
            f"{rule.endpoint} takes <{arg}>: add it to OWNED_ARGS or PUBLIC_ARGS of this test"
        )
        values[arg] = ids[arg]
    return rule.build(values, append_unknown=False)[1]


def _b_state(db, ids):
    return db.session.execute(
        sa.text(
            "SELECT p.status, p.title, p.openings, pa.status, th.outcome FROM positions p, "
            "participations pa, tentative_hires th "
            "WHERE p.id = :p AND pa.id = :pa AND th.id = :th"
        ),
        {"p": ids["position_id"], "pa": ids["participation_id"], "th": ids["hire_id"]},
    ).one()


def test_every_employer_route_answers_404_for_another_employers_records(
    app, client, db, two_employers, login_as
):
    a, b = two_employers["a"], two_employers["b"]
    login_as(a["user"])
    before = _b_state(db, b)
    checked = 0
    for rule in _employer_rules(app):
        if not set(rule.arguments) & OWNED_ARGS:
            continue
        url = _url(rule, b)
        for method in _methods(rule):
            response = client.open(url, method=method, data=FORM)
            assert response.status_code == 404, f"{method} {url} ({rule.endpoint})"
            checked += 1
    assert checked >= 7
    db.session.expire_all()
    assert _b_state(db, b) == before


def test_every_employer_route_reaches_the_employers_own_records(
    app, client, db, two_employers, login_as
):
    a = two_employers["a"]
    login_as(a["user"])
    for rule in _employer_rules(app):
        url = _url(rule, a)
        for method in _methods(rule):
            response = client.open(url, method=method, data=FORM)
            assert response.status_code in (200, 302), f"{method} {url} ({rule.endpoint})"


def test_no_employer_page_shows_another_employers_data(app, client, db, two_employers, login_as):
    a, b = two_employers["a"], two_employers["b"]
    login_as(a["user"])
    for rule in _employer_rules(app):
        if "GET" not in rule.methods or set(rule.arguments) & OWNED_ARGS:
            continue
        page = client.get(_url(rule, b), follow_redirects=True).get_data(as_text=True)
        for secret in ("乙方专属岗位", "乙方求职者"):
            assert secret not in page, f"{rule.endpoint} shows {secret}"


def test_a_sign_up_cannot_carry_another_employers_position(
    app, client, db, two_employers, login_as
):
    a, b = two_employers["a"], two_employers["b"]
    login_as(a["user"])

    client.post(
        f"/employer/fairs/{a['fair_id']}/signup",
        data={
            f"position_{b['position_id']}": "1",
            f"openings_{b['position_id']}": "9",
            f"position_{a['position_id']}": "1",
            f"openings_{a['position_id']}": "3",
        },
    )

    offered = db.session.scalars(
        sa.select(FairPosition.position_id).where(
            FairPosition.participation_id == a["participation_id"]
        )
    ).all()
    assert offered == [a["position_id"]]


@pytest.mark.parametrize("role", [None, Role.ORGANIZER, Role.VIEWER, Role.ADMIN])
def test_employer_routes_are_closed_to_everyone_else(
    app, client, db, two_employers, make_user, login_as, role
):
    if role is not None:
        login_as(make_user(role))
    for rule in _employer_rules(app):
        url = _url(rule, two_employers["a"])
        for method in _methods(rule):
            response = client.open(url, method=method, data=FORM)
            expected = (302,) if role is None else (403,)
            assert response.status_code in expected, f"{role} {method} {url}"
            if role is None:
                assert "/login" in response.headers["Location"]


def test_intents_and_positions_of_b_stay_unchanged_after_the_matrix(db, two_employers):
    # Guards the fixture itself: B's records exist and carry what the matrix compares.
    state = _b_state(db, two_employers["b"])
    assert state[0] == PositionStatus.OPEN.value and state[4] == Outcome.INTENT.value
