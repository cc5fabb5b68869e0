"""Organizer rules: region scope, limits, states and seekers' personal data on the manage doors.

A 醴陵 (430281) organizer reaches nothing outside 醴陵; the city organizer (430200) meets the
limits and state rules, and sees seekers masked unless one record is disclosed and audited.
"""

from datetime import timedelta

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.db_types import utcnow
from recruit.employers.models import EmployerStatus
from recruit.extensions import db as DB
from recruit.fairs.models import Fair, FairStatus, Participation, ParticipationStatus, SeekerTally
from recruit.formatting import LOCAL_TZ
from recruit.hires.models import TentativeHire
from recruit.positions.models import PositionStatus
from tests.parity.rule import ID_NUMBER, PHONE, Kit, Rule


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

ROWS = [
    Rule(
        "scope: another region's fair is not found",
        actor="liling",
        arrange=_city_fair,
        expect="not_found",
        page=lambda r: ("get", f"{M}/{r['fair'].id}", None),
        api=lambda r: ("get", f"{A}/fairs/{r['fair'].id}", None),
    ),
    Rule(
        "scope: an employer of another region cannot be added to one's own fair",
        actor="liling",
        arrange=lambda k: {
            "fair": k.fair(region="430281"),
            "employer": k.make_employer(region_code="430202"),
        },
        expect="not_found",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/add",
            {"employer_id": r["employer"].id},
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/participations",
            {"employer_id": r["employer"].id},
        ),
        effect=_participations,
    ),
    Rule(
        "scope: no check-in at another region's fair",
        actor="liling",
        arrange=_city_fair,
        expect="not_found",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/day/{r['part'].id}/check-in", {}),
        api=lambda r: ("post", f"{A}/participations/{r['part'].id}/check-in", None),
        effect=lambda r: r["part"].checked_in_at,
    ),
    Rule(
        "scope: no seeker count at another region's fair",
        actor="liling",
        arrange=_city_fair,
        expect="not_found",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/day/tally", {"count": "5", "source": "gate"}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 5}),
        effect=_tallies,
    ),
    Rule(
        "scope: another region's fair cannot be closed",
        actor="liling",
        arrange=_city_fair,
        expect="not_found",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/close", {}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/close", None),
        effect=_fair_state,
    ),
    Rule(
        "scope: no booth at another region's fair",
        actor="liling",
        arrange=_city_fair,
        expect="not_found",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/booth",
            {"booth": "A1"},
        ),
        api=lambda r: ("put", f"{A}/participations/{r['part'].id}/booth", {"booth": "A1"}),
        effect=_participations,
    ),
    Rule(
        "scope: another region's seekers are not listed",
        actor="liling",
        arrange=_city_fair,
        expect="not_found",
        page=lambda r: ("get", f"{M}/{r['fair'].id}/intents", None),
        api=lambda r: ("get", f"{A}/fairs/{r['fair'].id}/hires", None),
        hidden=(PHONE,),
    ),
    Rule(
        "scope: another region's seeker's contact is not disclosed",
        actor="liling",
        arrange=_city_fair,
        expect="not_found",
        page=lambda r: ("get", f"{M}/{r['fair'].id}/intents/{r['hire'].id}", None),
        api=lambda r: ("get", f"{A}/hires/{r['hire'].id}/contact", None),
        effect=_disclosures,
        hidden=(PHONE, ID_NUMBER),
    ),
    Rule(
        "scope: another region's employer is not reviewed",
        actor="liling",
        arrange=lambda k: {"employer": k.make_employer(status=EmployerStatus.PENDING)},
        expect="not_found",
        page=lambda r: (
            "post",
            f"/manage/review/employers/{r['employer'].id}",
            {"decision": "approve"},
        ),
        api=lambda r: ("post", f"{A}/employers/{r['employer'].id}/review", {"approve": True}),
        effect=lambda r: r["employer"].status.value,
    ),
    Rule(
        "scope: another region's position is not reviewed",
        actor="liling",
        arrange=lambda k: {"position": k.make_position(status=PositionStatus.PENDING)},
        expect="not_found",
        page=lambda r: (
            "post",
            f"/manage/review/positions/{r['position'].id}",
            {"decision": "approve"},
        ),
        api=lambda r: ("post", f"{A}/positions/{r['position'].id}/review", {"approve": True}),
        effect=lambda r: r["position"].status.value,
    ),
    Rule(
        "limit: at most 9999 openings offered per position",
        actor="city",
        arrange=_city_fair,
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/positions",
            {
                "position": [str(r["part"].fair_positions[0].position_id)],
                f"openings-{r['part'].fair_positions[0].position_id}": "10000",
            },
        ),
        api=lambda r: (
            "put",
            f"{A}/participations/{r['part'].id}/positions",
            {
                "offers": [
                    {"position_id": r["part"].fair_positions[0].position_id, "openings": 10000}
                ]
            },
        ),
        effect=_offers,
    ),
    Rule(
        "limit: 9999 openings are accepted",
        actor="city",
        arrange=_city_fair,
        expect="ok",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/positions",
            {
                "position": [str(r["part"].fair_positions[0].position_id)],
                f"openings-{r['part'].fair_positions[0].position_id}": "9999",
            },
        ),
        api=lambda r: (
            "put",
            f"{A}/participations/{r['part'].id}/positions",
            {
                "offers": [
                    {"position_id": r["part"].fair_positions[0].position_id, "openings": 9999}
                ]
            },
        ),
        effect=_offers,
    ),
    Rule(
        "limit: a fair's times fall in 1900–2100",
        actor="city",
        arrange=lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/edit",
            _fair_form(r["fair"], starts_at="0001-01-01T02:00"),
        ),
        api=lambda r: (
            "put",
            f"{A}/fairs/{r['fair'].id}",
            _fair_body(r["fair"], starts_at="0001-01-01T02:00:00+08:00"),
        ),
        effect=_fair_state,
    ),
    Rule(
        "limit: at most 5000 booths",
        actor="city",
        arrange=lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/edit",
            _fair_form(r["fair"], booth_capacity="5001"),
        ),
        api=lambda r: (
            "put",
            f"{A}/fairs/{r['fair'].id}",
            _fair_body(r["fair"], booth_capacity=5001),
        ),
        effect=_fair_state,
    ),
    Rule(
        "limit: a booth number of at most 20 characters",
        actor="city",
        arrange=_city_fair,
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/booth",
            {"booth": "A" * 21},
        ),
        api=lambda r: ("put", f"{A}/participations/{r['part'].id}/booth", {"booth": "A" * 21}),
        effect=_participations,
    ),
    Rule(
        "limit: at most 100000 seekers in one count",
        actor="city",
        arrange=_city_fair,
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/day/tally",
            {"count": "100001", "source": "gate"},
        ),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 100001}),
        effect=_tallies,
    ),
    Rule(
        "limit: a review note of at most 500 characters",
        actor="city",
        arrange=lambda k: (
            lambda fair: {
                "fair": fair,
                "part": k.approved(fair, status=ParticipationStatus.REQUESTED),
            }
        )(k.fair()),
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/review",
            {"decision": "reject", "note": "不" * 501},
        ),
        api=lambda r: (
            "post",
            f"{A}/participations/{r['part'].id}/review",
            {"approve": False, "note": "不" * 501},
        ),
        effect=_participations,
    ),
    Rule(
        "state: the day's records open two hours before the start",
        actor="city",
        arrange=lambda k: {
            "fair": k.fair(
                starts_at=utcnow() + timedelta(hours=3), ends_at=utcnow() + timedelta(hours=6)
            )
        },
        expect="conflict",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/day/tally", {"count": "5", "source": "gate"}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 5}),
        effect=_tallies,
    ),
    Rule(
        "state: after the fair a count is a late entry with a reason",
        actor="city",
        arrange=lambda k: {
            "fair": k.fair(
                starts_at=utcnow() - timedelta(hours=5), ends_at=utcnow() - timedelta(hours=1)
            )
        },
        expect="invalid",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/day/tally", {"count": "5", "source": "gate"}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 5}),
        effect=_tallies,
    ),
    Rule(
        "state: a late entry with its reason is recorded",
        actor="city",
        arrange=lambda k: {
            "fair": k.fair(
                starts_at=utcnow() - timedelta(hours=5), ends_at=utcnow() - timedelta(hours=1)
            )
        },
        expect="created",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/day/tally",
            {"count": "5", "source": "gate", "late_reason": "入口纸质登记补录"},
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/tallies",
            {"count": 5, "late_reason": "入口纸质登记补录"},
        ),
        effect=_tallies,
    ),
    Rule(
        "state: no seeker count before registration opens",
        actor="city",
        arrange=lambda k: (lambda fair: {"fair": fair, "part": k.approved(fair)})(
            k.fair(status=FairStatus.PLANNED)
        ),
        expect="conflict",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/day/tally", {"count": "5", "source": "gate"}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": 5}),
        effect=_tallies,
    ),
    Rule(
        "state: no check-in before registration opens",
        actor="city",
        arrange=lambda k: (lambda fair: {"fair": fair, "part": k.approved(fair)})(
            k.fair(status=FairStatus.PLANNED)
        ),
        expect="conflict",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/day/{r['part'].id}/check-in", {}),
        api=lambda r: ("post", f"{A}/participations/{r['part'].id}/check-in", None),
        effect=lambda r: r["part"].checked_in_at,
    ),
    Rule(
        "state: a planned fair cannot be closed",
        actor="city",
        arrange=lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        expect="conflict",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/close", {}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/close", None),
        effect=_fair_state,
    ),
    Rule(
        "state: cancelling needs a reason",
        actor="city",
        arrange=lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/status",
            {"status": "cancelled", "reason": ""},
        ),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/status", {"status": "cancelled"}),
        effect=_fair_state,
    ),
    Rule(
        "state: cancelling with a reason",
        actor="city",
        arrange=lambda k: {"fair": k.fair(status=FairStatus.PLANNED)},
        expect="ok",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/status",
            {"status": "cancelled", "reason": "场地维修"},
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/status",
            {"status": "cancelled", "reason": "场地维修"},
        ),
        effect=lambda r: r["fair"].status.value,
    ),
    Rule(
        "state: a fair being held does not go back to registration",
        actor="city",
        arrange=lambda k: {"fair": k.fair(status=FairStatus.HELD)},
        expect="conflict",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/status", {"status": "open"}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/status", {"status": "open"}),
        effect=_fair_state,
    ),
    Rule(
        "state: closing through the status flow settles attendance",
        actor="city",
        arrange=_city_fair,
        expect="ok",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/status", {"status": "closed"}),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/status", {"status": "closed"}),
        effect=lambda r: (r["fair"].status.value, r["part"].status.value),
    ),
    Rule(
        "state: an approved sign-up is not reviewed again",
        actor="city",
        arrange=_city_fair,
        expect="conflict",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/review",
            {"decision": "approve"},
        ),
        api=lambda r: ("post", f"{A}/participations/{r['part'].id}/review", {"approve": True}),
        effect=_participations,
    ),
    Rule(
        "state: a booth already given to another employer",
        actor="city",
        arrange=lambda k: (
            lambda fair: {
                "fair": fair,
                "holder": k.approved(fair, booth="B1"),
                "part": k.approved(fair),
            }
        )(k.fair()),
        expect="conflict",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/booth",
            {"booth": "b1"},
        ),
        api=lambda r: ("put", f"{A}/participations/{r['part'].id}/booth", {"booth": "b1"}),
        effect=_participations,
    ),
    Rule(
        "state: an employer is on a fair's list once",
        actor="city",
        arrange=_city_fair,
        expect="conflict",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/add",
            {"employer_id": r["part"].employer_id},
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/participations",
            {"employer_id": r["part"].employer_id},
        ),
        effect=_participations,
    ),
    Rule(
        "state: a full fair takes no more employers",
        actor="city",
        arrange=lambda k: (
            lambda fair: {
                "fair": fair,
                "part": k.approved(fair),
                "employer": k.make_employer(),
            }
        )(k.fair(booth_capacity=1)),
        expect="conflict",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/add",
            {"employer_id": r["employer"].id},
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/participations",
            {"employer_id": r["employer"].id},
        ),
        effect=_participations,
    ),
    Rule(
        "state: an organizer takes an employer off the fair",
        actor="city",
        arrange=_city_fair,
        expect="ok",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/participants/{r['part'].id}/review",
            {"decision": "withdraw"},
        ),
        api=lambda r: ("post", f"{A}/participations/{r['part'].id}/withdraw", None),
        effect=_participations,
    ),
    Rule(
        "state: a check-in tapped by mistake is taken back",
        actor="city",
        arrange=lambda k: (
            lambda fair: {"fair": fair, "part": k.approved(fair, checked_in_at=utcnow())}
        )(k.fair(status=FairStatus.HELD)),
        expect="ok",
        page=lambda r: ("post", f"{M}/{r['fair'].id}/day/{r['part'].id}/check-in", {"undo": "1"}),
        api=lambda r: ("delete", f"{A}/participations/{r['part'].id}/check-in", None),
        effect=lambda r: r["part"].checked_in_at,
    ),
    Rule(
        "state: a correction needs a reason",
        actor="city",
        arrange=_city_fair,
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/day/tally",
            {"kind": "correction", "count": "2", "source": "gate", "reason": ""},
        ),
        api=lambda r: ("post", f"{A}/fairs/{r['fair'].id}/tallies", {"count": -2}),
        effect=_tallies,
    ),
    Rule(
        "state: the same seeker, position and fair once",
        actor="city",
        arrange=_city_fair,
        expect="conflict",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/intents/new",
            {
                "position_id": str(r["hire"].position_id),
                "seeker_name": "陈静",
                "seeker_phone": PHONE,
            },
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/hires",
            {"position_id": r["hire"].position_id, "seeker_name": "陈静", "seeker_phone": PHONE},
        ),
        effect=_hires,
    ),
    Rule(
        "state: an intent only for a position offered at the fair",
        actor="city",
        arrange=lambda k: {**_city_fair(k), "stranger": k.make_position()},
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/intents/new",
            {"position_id": str(r["stranger"].id), "seeker_name": "王五", "seeker_phone": PHONE},
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/hires",
            {"position_id": r["stranger"].id, "seeker_name": "王五", "seeker_phone": PHONE},
        ),
        effect=_hires,
    ),
    Rule(
        "state: a phone that is not a mobile number",
        actor="city",
        arrange=_city_fair,
        expect="invalid",
        page=lambda r: (
            "post",
            f"{M}/{r['fair'].id}/intents/new",
            {
                "position_id": str(r["hire"].position_id),
                "seeker_name": "王五",
                "seeker_phone": "123",
            },
        ),
        api=lambda r: (
            "post",
            f"{A}/fairs/{r['fair'].id}/hires",
            {"position_id": r["hire"].position_id, "seeker_name": "王五", "seeker_phone": "123"},
        ),
        effect=_hires,
    ),
    Rule(
        "personal data: lists show seekers masked",
        actor="city",
        arrange=_city_fair,
        expect="ok",
        page=lambda r: ("get", f"{M}/{r['fair'].id}/intents", None),
        api=lambda r: ("get", f"{A}/fairs/{r['fair'].id}/hires", None),
        effect=_disclosures,
        hidden=(PHONE, ID_NUMBER),
    ),
    Rule(
        "personal data: one full record is disclosed and audited",
        actor="city",
        arrange=_city_fair,
        expect="ok",
        page=lambda r: ("get", f"{M}/{r['fair'].id}/intents/{r['hire'].id}", None),
        api=lambda r: ("get", f"{A}/hires/{r['hire'].id}/contact", None),
        effect=_disclosures,
    ),
]
