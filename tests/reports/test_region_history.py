"""Region history (issue 18 point 4): a retired code counts under its successor in reports, and
an admin corrects a closed fair's region with an audited reason.

The refusals of new records in a retired region on every door are rows of the parity table
(tests/parity/rows_regions.py).
"""

from datetime import date

import lxml.html
import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.errors import Forbidden, Invalid
from recruit.extensions import db
from recruit.fairs.lifecycle import correct_fair_region
from recruit.fairs.models import FairStatus
from recruit.refdata.services import current_codes, region_codes_exactly, region_codes_within
from recruit.reports.breakdowns import breakdown
from recruit.reports.metrics import ReportFilter, compute_metrics
from recruit.reports.services import build_report, drill_down, follow_up_funnel

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}
PERIOD = ReportFilter(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def lukou_march(fair, attend, tally, hire):
    """Two March fairs in 渌口区: one recorded in its own code, one in the retired 株洲县."""
    lukou = fair(region_code="430212", title="渌口区招聘会")
    old = fair(region_code="430221", title="株洲县旧码招聘会")
    other = fair(region_code="430211", title="天元区招聘会")
    attend(lukou, openings=[7])
    attend(old, openings=[6, 2])
    attend(other, openings=[1])
    tally(lukou, 12)
    tally(old, 20)
    hire(lukou)
    hire(old)
    hire(old)
    return lukou, old


def test_a_retired_code_is_found_under_its_successor(db):
    assert "430221" in region_codes_within("430212")
    assert "430221" in region_codes_within("430200")
    assert region_codes_within("430200").count("430221") == 1
    assert region_codes_exactly("430212") == ["430212", "430221"]
    assert region_codes_exactly("430200") == ["430200"]
    assert current_codes()["430221"] == "430212"


def test_the_county_breakdown_counts_a_retired_code_under_its_successor(lukou_march):
    rows = {row.key: row for row in breakdown(PERIOD, "county")}

    assert "430221" not in rows
    assert rows["430212"].label == "渌口区"
    assert rows["430212"].metrics.fairs == 2
    assert rows["430212"].metrics.positions_offered == 15
    assert rows["430212"].metrics.seeker_entries == 32
    assert rows["430212"].metrics.tentative_hires == 3
    assert rows["430212"].narrow == {"region": "430212"}


def test_the_successors_filter_counts_and_lists_the_retired_codes_fairs(
    client, login_as, make_user, lukou_march
):
    viewer = make_user(Role.VIEWER)
    lukou = PERIOD.replace(region="430212")

    assert compute_metrics(PERIOD.start, PERIOD.end, region="430212").fairs == 2
    assert build_report(viewer, lukou).metrics.positions_offered == 15
    assert drill_down(viewer, lukou, "fairs").total == 2
    assert drill_down(viewer, lukou.replace(region_exact=True), "intents").total == 3
    funnel = follow_up_funnel(viewer, PERIOD).tables["county"]
    assert [row.key for row in funnel] == ["430211", "430212"]
    login_as(viewer)
    page = client.get("/reports/rows/fairs", query_string={**MARCH, "region": "430212"})
    text = page.get_data(as_text=True)
    assert "株洲县旧码招聘会" in text and "渌口区招聘会" in text
    assert "举办招聘会合计 <strong>2</strong>" in text


def test_the_dashboard_has_no_row_for_the_retired_county(client, login_as, make_user, lukou_march):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    tree = lxml.html.fromstring(page)
    labels = tree.xpath("//table[@data-testid='breakdown-county']/tbody/tr/th/text()")

    assert labels == ["天元区", "渌口区"]
    assert "株洲县" not in page


def test_an_organizer_of_the_successor_sees_the_retired_codes_fairs(
    client, login_as, make_user, lukou_march
):
    organizer = make_user(Role.ORGANIZER, region_code="430212")

    report = build_report(organizer, PERIOD)

    assert report.metrics.fairs == 2


# --- an admin's correction of a closed fair's region ------------------------------------------


def _audit(fair) -> list[AuditLog]:
    query = sa.select(AuditLog).where(
        AuditLog.action == "fair.correct_region", AuditLog.object_id == str(fair.id)
    )
    return list(db.session.scalars(query))


def test_an_admin_corrects_a_closed_fairs_region_with_an_audited_reason(
    fair, make_user, lukou_march
):
    closed = fair(region_code="430211", status=FairStatus.CLOSED)
    admin = make_user(Role.ADMIN)

    correct_fair_region(closed, "430212", reason="  录入时选错地区 ", by=admin)

    assert closed.region_code == "430212"
    (entry,) = _audit(closed)
    assert entry.summary == {"region_code": ["430211", "430212"], "reason": "录入时选错地区"}
    assert entry.user_id == admin.id
    assert compute_metrics(PERIOD.start, PERIOD.end, region="430212").fairs == 3


@pytest.mark.parametrize(
    ("region", "reason", "field"),
    [
        ("430212", "", "reason"),
        ("430212", "很" * 201, "reason"),
        ("430221", "改回株洲县", "region_code"),
        ("999999", "不存在", "region_code"),
        ("430000", "湖南省", "region_code"),
        ("430211", "同一地区", "region_code"),
    ],
)
def test_a_correction_is_refused_on_the_field_at_fault(fair, make_user, region, reason, field):
    closed = fair(region_code="430211", status=FairStatus.CLOSED)

    with pytest.raises(Invalid) as refused:
        correct_fair_region(closed, region, reason=reason, by=make_user(Role.ADMIN))

    assert field in refused.value.errors
    assert closed.region_code == "430211"
    assert _audit(closed) == []


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.VIEWER, Role.EMPLOYER])
def test_only_an_admin_corrects_a_region(fair, make_user, role):
    closed = fair(region_code="430211", status=FairStatus.CLOSED)

    with pytest.raises(Forbidden):
        correct_fair_region(closed, "430212", reason="录入时选错地区", by=make_user(role))

    assert closed.region_code == "430211"


@pytest.mark.parametrize(("role", "offered"), [(Role.ADMIN, True), (Role.ORGANIZER, False)])
def test_the_staff_fair_page_offers_the_correction_to_admins_only(
    client, login_as, fair, make_user, role, offered
):
    closed = fair(region_code="430211", status=FairStatus.CLOSED)
    login_as(make_user(role))

    page = client.get(f"/manage/fairs/{closed.id}").get_data(as_text=True)

    assert ('data-testid="correct-region"' in page) is offered
    if offered:
        tree = lxml.html.fromstring(page)
        options = tree.xpath("//select[@name='region_code']/option/@value")
        assert "430221" not in options and "430212" in options


def test_the_page_correction_saves_and_the_audit_log_names_it(client, login_as, fair, make_user):
    closed = fair(region_code="430211", status=FairStatus.CLOSED)
    login_as(make_user(Role.ADMIN))

    response = client.post(
        f"/manage/fairs/{closed.id}/region",
        data={"region_code": "430212", "reason": "录入时选错地区"},
        follow_redirects=True,
    )

    assert "已更正举办地区" in response.get_data(as_text=True)
    db.session.expire_all()
    assert closed.region_code == "430212"
    assert len(_audit(closed)) == 1
