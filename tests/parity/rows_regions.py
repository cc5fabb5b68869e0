"""Region history (issue 18 point 4): no new record in a retired region on any door, and an
admin's audited correction of a closed fair's region.

株洲县 (430221) was abolished in 2018 and became 渌口区 (430212): fairs, employers, positions
and channels' scopes refuse it; users are created by `flask users create` only
(tests/test_users_cli.py proves that door).
"""

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.employers.models import Employer
from recruit.extensions import db as DB
from recruit.fairs.models import Fair, FairStatus
from recruit.positions.models import Position
from tests.parity.rows_auth import as_form as registration_form
from tests.parity.rows_auth import registration
from tests.parity.rows_channels import settings
from tests.parity.rows_employer import new_position
from tests.parity.rows_organizer import _fair_body, _fair_form
from tests.parity.rule import Kit, Rule

RETIRED = "430221"
SUCCESSOR = "430212"


def _fairs_in_retired(_r: dict) -> int:
    return DB.session.scalar(sa.select(sa.func.count(Fair.id)).where(Fair.region_code == RETIRED))


def _a_planned_fair(k: Kit) -> dict:
    return {"fair": k.fair(status=FairStatus.PLANNED)}


def _new_fair_form(r: dict) -> dict:
    form = _fair_form(r["fair"], region_code=RETIRED, title="株洲县招聘会")
    form.pop("version")
    return form


def _new_fair_body(r: dict) -> dict:
    body = _fair_body(r["fair"], region_code=RETIRED, title="株洲县招聘会")
    body.pop("version")
    return body


def _employers_in_retired(_r: dict) -> int:
    query = sa.select(sa.func.count(Employer.id)).where(Employer.region_code == RETIRED)
    return DB.session.scalar(query)


def _positions_in_retired(_r: dict) -> int:
    query = sa.select(sa.func.count(Position.id)).where(Position.work_region_code == RETIRED)
    return DB.session.scalar(query)


def _closed_fair(k: Kit) -> dict:
    return {"fair": k.fair(region="430211", status=FairStatus.CLOSED)}


def _region_and_audit(r: dict) -> tuple:
    fair = DB.session.get(Fair, r["fair"].id)
    entries = DB.session.scalars(
        sa.select(AuditLog.summary).where(
            AuditLog.action == "fair.correct_region", AuditLog.object_id == str(fair.id)
        )
    ).all()
    return fair.region_code, [tuple(e["region_code"]) + (e["reason"],) for e in entries]


def _correct(region: str, reason: str) -> dict:
    body = {"region_code": region, "reason": reason}
    return dict(
        page=lambda r: ("post", f"/manage/fairs/{r['fair'].id}/region", body),
        api=lambda r: ("post", f"/api/v1/manage/fairs/{r['fair'].id}/region", body),
        effect=_region_and_audit,
    )


ROWS = [
    Rule(
        "region history: a fair is not created in a retired region",
        actor="city",
        arrange=_a_planned_fair,
        expect="invalid",
        page=lambda r: ("post", "/manage/fairs/new", _new_fair_form(r)),
        api=lambda r: ("post", "/api/v1/manage/fairs", _new_fair_body(r)),
        effect=_fairs_in_retired,
        after=0,
        fields=frozenset({"region_code"}),
    ),
    Rule(
        "region history: a fair is not moved into a retired region",
        actor="city",
        arrange=_a_planned_fair,
        expect="invalid",
        page=lambda r: (
            "post",
            f"/manage/fairs/{r['fair'].id}/edit",
            _fair_form(r["fair"], region_code=RETIRED),
        ),
        api=lambda r: (
            "put",
            f"/api/v1/manage/fairs/{r['fair'].id}",
            _fair_body(r["fair"], region_code=RETIRED),
        ),
        effect=_fairs_in_retired,
        after=0,
        fields=frozenset({"region_code"}),
    ),
    Rule(
        "region history: an employer does not register in a retired region",
        actor="anonymous",
        arrange=lambda k: {},
        expect="invalid",
        page=lambda r: (
            "post",
            "/employers/register",
            registration_form(
                {**registration("correct horse battery staple"), "region_code": RETIRED}
            ),
        ),
        api=lambda r: (
            "post",
            "/api/v1/employers",
            {**registration("correct horse battery staple"), "region_code": RETIRED},
        ),
        effect=_employers_in_retired,
        after=0,
        fields=frozenset({"region_code"}),
    ),
    Rule(
        "region history: a position is not posted to a retired region",
        actor="employer",
        **{**new_position(3, work_region_code=RETIRED), "effect": _positions_in_retired},
        expect="invalid",
        after=0,
        fields=frozenset({"work_region_code"}),
    ),
    Rule(
        "region history: a channel's scope takes no retired region",
        actor="admin",
        **settings(
            "jycs",
            {"scope_regions": [RETIRED]},
            {"scope_regions": [RETIRED]},
            ["--scope-region", RETIRED],
        ),
        expect="invalid",
        fields=frozenset({"scope_regions"}),
        says=f"范围地区已撤销，请选择现行地区：{RETIRED}",
    ),
    Rule(
        "region history: an admin corrects a closed fair's region, with the reason audited",
        actor="admin",
        arrange=_closed_fair,
        expect="ok",
        **_correct(SUCCESSOR, "录入时选错地区"),
        after=(SUCCESSOR, [("430211", SUCCESSOR, "录入时选错地区")]),
    ),
    Rule(
        "region history: a correction needs a reason",
        actor="admin",
        arrange=_closed_fair,
        expect="invalid",
        **_correct(SUCCESSOR, " "),
        after=("430211", []),
    ),
    Rule(
        "region history: a correction into a retired region is refused",
        actor="admin",
        arrange=_closed_fair,
        expect="invalid",
        **_correct(RETIRED, "改回株洲县"),
        after=("430211", []),
    ),
    Rule(
        "region history: only an admin corrects a fair's region",
        actor="city",
        arrange=_closed_fair,
        expect="forbidden",
        **_correct(SUCCESSOR, "录入时选错地区"),
        after=("430211", []),
    ),
]
