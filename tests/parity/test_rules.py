"""One table of rules, each run through the page and through the API by the same person.

Every rule (region scope, ownership, limits, states, personal data) is set up twice, once for
each door, on records of its own; the two runs must end the same way (done, refused, not found,
forbidden), refuse in the same words, and leave the database in the same state. A rule added to
a service is added here once and both doors answer for it; a door that decides on its own (or
forgets) fails here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.employers.models import EmployerStatus
from recruit.extensions import db as DB
from recruit.fairs.models import (
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
)
from recruit.formatting import LOCAL_TZ
from recruit.hires.models import TentativeHire
from recruit.positions.models import PositionStatus
from tests.parity.doors import api_outcome, page_outcome

PHONE = "13907311234"
ID_NUMBER = "11010519491231002X"


@dataclass
class Kit:
    """Builds the records a rule needs, fresh for each door."""

    db: Any
    make_fair: Callable
    make_position: Callable
    make_employer: Callable
    make_user: Callable

    def fair(self, region="430211", status=FairStatus.OPEN, **kwargs) -> Fair:
        return self.make_fair(region_code=region, status=status, **kwargs)

    def approved(self, fair: Fair, openings: int = 3, **kwargs) -> Participation:
        """Return an employer at the fair (approved unless told), offering one open position."""
        position = self.make_position(employer=self.make_employer(region_code=fair.region_code))
        kwargs.setdefault("status", ParticipationStatus.APPROVED)
        part = Participation(fair=fair, employer=position.employer, **kwargs)
        part.fair_positions.append(FairPosition(position=position, openings=openings))
        self.db.session.add(part)
        self.db.session.flush()
        return part

    def hire(self, part: Participation) -> TentativeHire:
        hire = TentativeHire(
            fair=part.fair,
            position=part.fair_positions[0].position,
            seeker_name="陈静",
            seeker_phone=PHONE,
            seeker_id_number=ID_NUMBER,
        )
        self.db.session.add(hire)
        self.db.session.flush()
        return hire


@dataclass(frozen=True)
class Rule:
    """A rule as both doors must apply it.

    `arrange` builds the records (a dict); `page` and `api` return (method, url, body) for them;
    `expect` is ok / invalid / conflict / not_found / forbidden; `effect` reads back what the
    database holds for these records; `hidden` are strings no answer may contain.
    """

    name: str
    actor: str
    arrange: Callable[[Kit], dict]
    page: Callable[[dict], tuple]
    api: Callable[[dict], tuple]
    expect: str
    effect: Callable[[dict], Any] = lambda r: None
    hidden: tuple[str, ...] = field(default=())


def _participations(r) -> list:
    fair = r["fair"]
    return sorted(
        (p.status.value, p.booth or "")
        for p in DB.session.scalars(
            sa.select(Participation).where(Participation.fair_id == fair.id)
        )
    )


def _offers(r) -> list:
    return sorted((fp.openings,) for fp in r["part"].fair_positions)


def _tallies(r) -> int:
    return int(
        DB.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SeekerTally.count), 0)).where(
                SeekerTally.fair_id == r["fair"].id
            )
        )
    )


def _hires(r) -> int:
    return int(
        DB.session.scalar(
            sa.select(sa.func.count(TentativeHire.id)).where(TentativeHire.fair_id == r["fair"].id)
        )
    )


def _disclosures(r) -> int:
    return int(
        DB.session.scalar(
            sa.select(sa.func.count(AuditLog.id)).where(
                AuditLog.action == "hire.view_pii", AuditLog.object_id == str(r["hire"].id)
            )
        )
    )


def _fair_state(r) -> tuple:
    fair = r["fair"]
    return (fair.status.value, fair.booth_capacity, fair.version)


def _city_fair(k: Kit) -> dict:
    fair = k.fair()
    part = k.approved(fair)
    return {"fair": fair, "part": part, "hire": k.hire(part)}


def _fair_form(fair: Fair, **changes) -> dict:
    data = {
        "title": fair.title,
        "type": fair.type.value,
        "mode": fair.mode.value,
        "region_code": fair.region_code,
        "venue": fair.venue or "",
        "starts_at": fair.starts_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": fair.ends_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M"),
        "organizer_unit": fair.organizer_unit,
        "industry_chain_id": "",
        "booth_capacity": "" if fair.booth_capacity is None else str(fair.booth_capacity),
        "registration_deadline": "",
        "description": fair.description or "",
        "version": str(fair.version),
    }
    data.update(changes)
    return data


def _fair_body(fair: Fair, **changes) -> dict:
    body = {
        "title": fair.title,
        "type": fair.type.value,
        "mode": fair.mode.value,
        "region_code": fair.region_code,
        "starts_at": fair.starts_at.isoformat(),
        "ends_at": fair.ends_at.isoformat(),
        "organizer_unit": fair.organizer_unit,
        "version": fair.version,
    }
    body.update(changes)
    return body


M = "/manage/fairs"
A = "/api/v1/manage"

RULES = [
    # --- region scope: a 醴陵 organizer reaches nothing outside 430281 ----------------------
    Rule(
        "scope: another region's fair is not found",
        "liling",
        _city_fair,
        lambda r: ("get", f"{M}/{r['fair'].id}", None),
        lambda r: ("get", f"{A}/fairs/{r['fair'].id}", None),
        "not_found",
    ),
    Rule(
        "scope: an employer of another region cannot be added to one's own fair",
        "liling",
        lambda k: {
            "fair": k.fair(region="430281"),
            "employer": k.make_employer(region_code="430202"),
        },
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/add",
            {"employer_id": r["employer"].id},
        ),
        lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/participations",
            {"employer_id": r["employer"].id},
        ),
        "not_found",
        _participations,
    ),
    Rule(
        "scope: no check-in at another region's fair",
        "liling",
        _city_fair,
        lambda r: ("post", f"{M}/{r['fair'].id}/day/{r['part'].id}/check-in", {}),
        lambda r: ("post", f"{A}/participations/{r['part'].id}/check-in", None),
        "not_found",
        lambda r: r["part"].checked_in_at,
    ),
    Rule(
        "scope: no seeker count at another region's fair",
        "liling",
        _city_fair,
        lambda r: ("post", f"{M}/{r['fair'].id}/day/tally", {"count": "5", "source": "gate"}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 5}),
        "not_found",
        _tallies,
    ),
    Rule(
        "scope: another region's fair cannot be closed",
        "liling",
        _city_fair,
        lambda r: ("post", f"{M}/{r['fair'].id}/close", {}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/close", None),
        "not_found",
        _fair_state,
    ),
    Rule(
        "scope: no booth at another region's fair",
        "liling",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/booth",
            {"booth": "A1"},
        ),
        lambda r: ("put", f"{A}/participations/{r['part'].id}/booth", {"booth": "A1"}),
        "not_found",
        _participations,
    ),
    Rule(
        "scope: another region's seekers are not listed",
        "liling",
        _city_fair,
        lambda r: ("get", f"{M}/{r['fair'].id}/intents", None),
        lambda r: ("get", f"{A}/fairs/{r['fair'].id}/hires", None),
        "not_found",
        hidden=(PHONE,),
    ),
    Rule(
        "scope: another region's seeker's contact is not disclosed",
        "liling",
        _city_fair,
        lambda r: ("get", f"{M}/{r['fair'].id}/intents/{r['hire'].id}", None),
        lambda r: ("get", f"{A}/hires/{r['hire'].id}/contact", None),
        "not_found",
        _disclosures,
        hidden=(PHONE, ID_NUMBER),
    ),
    Rule(
        "scope: another region's employer is not reviewed",
        "liling",
        lambda k: {"employer": k.make_employer(status=EmployerStatus.PENDING)},
        lambda r: (
            "post",
            f"/manage/review/employers/{r['employer'].id}",
            {"decision": "approve"},
        ),
        lambda r: ("post", f"{A}/employers/{r['employer'].id}/review", {"approve": True}),
        "not_found",
        lambda r: r["employer"].status.value,
    ),
    Rule(
        "scope: another region's position is not reviewed",
        "liling",
        lambda k: {"position": k.make_position(status=PositionStatus.PENDING)},
        lambda r: (
            "post",
            f"/manage/review/positions/{r['position'].id}",
            {"decision": "approve"},
        ),
        lambda r: ("post", f"{A}/positions/{r['position'].id}/review", {"approve": True}),
        "not_found",
        lambda r: r["position"].status.value,
    ),
    # --- limits ----------------------------------------------------------------------------
    Rule(
        "limit: at most 9999 openings offered per position",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/positions",
            {
                "position": [str(r["part"].fair_positions[0].position_id)],
                f"openings-{r['part'].fair_positions[0].position_id}": "10000",
            },
        ),
        lambda r: (
            "put",
            f"{A}/participations/{r['part'].id}/positions",
            {
                "offers": [
                    {"position_id": r["part"].fair_positions[0].position_id, "openings": 10000}
                ]
            },
        ),
        "invalid",
        _offers,
    ),
    Rule(
        "limit: 9999 openings are accepted",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/positions",
            {
                "position": [str(r["part"].fair_positions[0].position_id)],
                f"openings-{r['part'].fair_positions[0].position_id}": "9999",
            },
        ),
        lambda r: (
            "put",
            f"{A}/participations/{r['part'].id}/positions",
            {
                "offers": [
                    {"position_id": r["part"].fair_positions[0].position_id, "openings": 9999}
                ]
            },
        ),
        "ok",
        _offers,
    ),
    Rule(
        "limit: at most 5000 booths",
        "city",
        lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/edit",
            _fair_form(r["fair"], booth_capacity="5001"),
        ),
        lambda r: ("put", f"{A}/fairs/{r['fair'].id}", _fair_body(r["fair"], booth_capacity=5001)),
        "invalid",
        _fair_state,
    ),
    Rule(
        "limit: a booth number of at most 20 characters",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/booth",
            {"booth": "A" * 21},
        ),
        lambda r: ("put", f"{A}/participations/{r['part'].id}/booth", {"booth": "A" * 21}),
        "invalid",
        _participations,
    ),
    Rule(
        "limit: at most 100000 seekers in one count",
        "city",
        _city_fair,
        lambda r: ("post", f"{M}/{r['fair'].id}/day/tally", {"count": "100001", "source": "gate"}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 100001}),
        "invalid",
        _tallies,
    ),
    Rule(
        "limit: a review note of at most 500 characters",
        "city",
        lambda k: (
            lambda fair: {
                "fair": fair,
                "part": k.approved(fair, status=ParticipationStatus.REQUESTED),
            }
        )(k.fair()),
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/review",
            {"decision": "reject", "note": "不" * 501},
        ),
        lambda r: (
            "post",
            f"{A}/participations/{r['part'].id}/review",
            {"approve": False, "note": "不" * 501},
        ),
        "invalid",
        _participations,
    ),
    # --- states ------------------------------------------------------------------------------
    Rule(
        "state: no seeker count before registration opens",
        "city",
        lambda k: (lambda fair: {"fair": fair, "part": k.approved(fair)})(
            k.fair(status=FairStatus.PLANNED)
        ),
        lambda r: ("post", f"{M}/{r['fair'].id}/day/tally", {"count": "5", "source": "gate"}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 5}),
        "conflict",
        _tallies,
    ),
    Rule(
        "state: no check-in before registration opens",
        "city",
        lambda k: (lambda fair: {"fair": fair, "part": k.approved(fair)})(
            k.fair(status=FairStatus.PLANNED)
        ),
        lambda r: ("post", f"{M}/{r['fair'].id}/day/{r['part'].id}/check-in", {}),
        lambda r: ("post", f"{A}/participations/{r['part'].id}/check-in", None),
        "conflict",
        lambda r: r["part"].checked_in_at,
    ),
    Rule(
        "state: a planned fair cannot be closed",
        "city",
        lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        lambda r: ("post", f"{M}/{r['fair'].id}/close", {}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/close", None),
        "conflict",
        _fair_state,
    ),
    Rule(
        "state: cancelling needs a reason",
        "city",
        lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        lambda r: ("post", f"{M}/{r['fair'].id}/status", {"status": "cancelled", "reason": ""}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/status", {"status": "cancelled"}),
        "invalid",
        _fair_state,
    ),
    Rule(
        "state: cancelling with a reason",
        "city",
        lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/status",
            {"status": "cancelled", "reason": "场地维修"},
        ),
        lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/status",
            {"status": "cancelled", "reason": "场地维修"},
        ),
        "ok",
        lambda r: r["fair"].status.value,
    ),
    Rule(
        "state: a fair being held does not go back to registration",
        "city",
        lambda k: {"fair": k.fair(status=FairStatus.HELD)},
        lambda r: ("post", f"{M}/{r['fair'].id}/status", {"status": "open"}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/status", {"status": "open"}),
        "conflict",
        _fair_state,
    ),
    Rule(
        "state: closing through the status flow settles attendance",
        "city",
        _city_fair,
        lambda r: ("post", f"{M}/{r['fair'].id}/status", {"status": "closed"}),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/status", {"status": "closed"}),
        "ok",
        lambda r: (r["fair"].status.value, r["part"].status.value),
    ),
    Rule(
        "state: an approved sign-up is not reviewed again",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/review",
            {"decision": "approve"},
        ),
        lambda r: ("post", f"{A}/participations/{r['part'].id}/review", {"approve": True}),
        "conflict",
        _participations,
    ),
    Rule(
        "state: a booth already given to another employer",
        "city",
        lambda k: (
            lambda fair: {
                "fair": fair,
                "holder": k.approved(fair, booth="B1"),
                "part": k.approved(fair),
            }
        )(k.fair()),
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/booth",
            {"booth": "b1"},
        ),
        lambda r: ("put", f"{A}/participations/{r['part'].id}/booth", {"booth": "b1"}),
        "conflict",
        _participations,
    ),
    Rule(
        "state: an employer is on a fair's list once",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/add",
            {"employer_id": r["part"].employer_id},
        ),
        lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/participations",
            {"employer_id": r["part"].employer_id},
        ),
        "conflict",
        _participations,
    ),
    Rule(
        "state: a full fair takes no more employers",
        "city",
        lambda k: (
            lambda fair: {
                "fair": fair,
                "part": k.approved(fair),
                "employer": k.make_employer(),
            }
        )(k.fair(booth_capacity=1)),
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/add",
            {"employer_id": r["employer"].id},
        ),
        lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/participations",
            {"employer_id": r["employer"].id},
        ),
        "conflict",
        _participations,
    ),
    Rule(
        "state: an organizer takes an employer off the fair",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/review",
            {"decision": "withdraw"},
        ),
        lambda r: ("post", f"{A}/participations/{r['part'].id}/withdraw", None),
        "ok",
        _participations,
    ),
    Rule(
        "state: a check-in tapped by mistake is taken back",
        "city",
        lambda k: (lambda fair: {"fair": fair, "part": k.approved(fair, checked_in_at=utcnow())})(
            k.fair(status=FairStatus.HELD)
        ),
        lambda r: ("post", f"{M}/{r['fair'].id}/day/{r['part'].id}/check-in", {"undo": "1"}),
        lambda r: ("delete", f"{A}/participations/{r['part'].id}/check-in", None),
        "ok",
        lambda r: r["part"].checked_in_at,
    ),
    Rule(
        "state: a correction needs a reason",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/day/tally",
            {"kind": "correction", "count": "2", "source": "gate", "reason": ""},
        ),
        lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": -2}),
        "invalid",
        _tallies,
    ),
    Rule(
        "state: the same seeker, position and fair once",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/intents/new",
            {
                "position_id": str(r["hire"].position_id),
                "seeker_name": "陈静",
                "seeker_phone": PHONE,
            },
        ),
        lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/hires",
            {"position_id": r["hire"].position_id, "seeker_name": "陈静", "seeker_phone": PHONE},
        ),
        "conflict",
        _hires,
    ),
    Rule(
        "state: an intent only for a position offered at the fair",
        "city",
        lambda k: {**_city_fair(k), "stranger": k.make_position()},
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/intents/new",
            {"position_id": str(r["stranger"].id), "seeker_name": "王五", "seeker_phone": PHONE},
        ),
        lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/hires",
            {"position_id": r["stranger"].id, "seeker_name": "王五", "seeker_phone": PHONE},
        ),
        "invalid",
        _hires,
    ),
    Rule(
        "state: a phone that is not a mobile number",
        "city",
        _city_fair,
        lambda r: (
            "post",
            f"{M}/{r['fair'].id}/intents/new",
            {
                "position_id": str(r["hire"].position_id),
                "seeker_name": "王五",
                "seeker_phone": "123",
            },
        ),
        lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/hires",
            {"position_id": r["hire"].position_id, "seeker_name": "王五", "seeker_phone": "123"},
        ),
        "invalid",
        _hires,
    ),
    # --- personal data -------------------------------------------------------------------------
    Rule(
        "personal data: lists show seekers masked",
        "city",
        _city_fair,
        lambda r: ("get", f"{M}/{r['fair'].id}/intents", None),
        lambda r: ("get", f"{A}/fairs/{r['fair'].id}/hires", None),
        "ok",
        _disclosures,
        hidden=(PHONE, ID_NUMBER),
    ),
    Rule(
        "personal data: one full record is disclosed and audited",
        "city",
        _city_fair,
        lambda r: ("get", f"{M}/{r['fair'].id}/intents/{r['hire'].id}", None),
        lambda r: ("get", f"{A}/hires/{r['hire'].id}/contact", None),
        "ok",
        _disclosures,
    ),
    # --- what the public sees ------------------------------------------------------------------
    Rule(
        "public: a cancelled fair is not shown",
        "anonymous",
        lambda k: {"fair": k.fair(status=FairStatus.CANCELLED)},
        lambda r: ("get", f"/fairs/{r['fair'].id}", None),
        lambda r: ("get", f"/api/v1/fairs/{r['fair'].id}", None),
        "not_found",
    ),
    Rule(
        "public: a closed position is not shown",
        "anonymous",
        lambda k: {"position": k.make_position(status=PositionStatus.CLOSED)},
        lambda r: ("get", f"/positions/{r['position'].id}", None),
        lambda r: ("get", f"/api/v1/positions/{r['position'].id}", None),
        "not_found",
    ),
    Rule(
        "public: an employer not yet approved is not shown",
        "anonymous",
        lambda k: {"employer": k.make_employer(status=EmployerStatus.PENDING)},
        lambda r: ("get", f"/employers/{r['employer'].id}", None),
        lambda r: ("get", f"/api/v1/employers/{r['employer'].id}", None),
        "not_found",
    ),
]


def _words(message: str) -> str:
    return re.sub(r"\d+", "#", message)


ACTORS = {
    "city": dict(role=Role.ORGANIZER, region_code="430200"),
    "liling": dict(role=Role.ORGANIZER, region_code="430281"),
}


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_page_and_api_apply_the_rule_alike(
    rule, db, client, login_as, make_user, bearer, make_fair, make_position, make_employer
):
    kit = Kit(db, make_fair, make_position, make_employer, make_user)
    headers = {}
    if rule.actor != "anonymous":
        actor = make_user(**ACTORS[rule.actor])
        login_as(actor)
        headers = bearer(actor)

    outcomes, effects = {}, {}
    for door in ("page", "api"):
        records = rule.arrange(kit)
        db.session.commit()  # the set-up stays when the door's own work is rolled back
        method, url, body = getattr(rule, door)(records)
        if door == "page":
            response = client.open(url, method=method.upper(), data=body or {})
            outcome = page_outcome(client, response)
        else:
            response = client.open(url, method=method.upper(), json=body, headers=headers)
            outcome = api_outcome(response)
        text = response.get_data(as_text=True)
        for secret in rule.hidden:
            assert secret not in text, f"{door} shows {secret}"
        db.session.expire_all()
        outcomes[door], effects[door] = outcome, rule.effect(records)

    page, api = outcomes["page"], outcomes["api"]
    expected = "refused" if rule.expect in ("invalid", "conflict") else rule.expect
    assert (page.kind, api.kind) == (expected, expected), (page, api)
    if expected == "refused":
        assert api.detail == rule.expect, api
        # The same words (each door's own records have their own names and numbers).
        said = {_words(m) for m in api.messages}
        assert any(w in _words(shown) for w in said for shown in page.messages), (page, api)
    assert effects["page"] == effects["api"]


def test_every_rule_has_a_name_of_its_own():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


def test_the_table_covers_scope_limits_states_and_personal_data():
    kinds = {rule.name.split(":")[0] for rule in RULES}
    assert {"scope", "limit", "state", "personal data", "public"} <= kinds
