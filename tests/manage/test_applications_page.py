"""The organizer's applications of a fair: the whole fair, in scope, with the same decisions."""

import re

import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.hires.models import TentativeHire
from recruit.seekers import services
from recruit.seekers.models import ApplicationState
from tests.conftest import TEST_PASSWORD
from tests.employer.test_applications_page import applicant, pii_views, row_ids
from tests.seekers.conftest import running_fair  # noqa: F401  (a fixture)


def test_an_organizer_sees_the_whole_fair_with_employers_and_filters_by_employer(
    db,
    client,
    login_as,
    make_user,
    running_fair,  # noqa: F811
):
    setup = running_fair()
    first = applicant(setup, 0, name="张三")
    second = applicant(setup, 2, name="李四")
    organizer = make_user(Role.ORGANIZER)
    login_as(organizer)
    base = f"/manage/fairs/{setup.fair.id}/applications"
    before = pii_views(db)
    page = client.get(base).get_data(as_text=True)
    assert row_ids(page) == [second.id, first.id]
    assert "张三" in page and "李四" in page and 'href="tel:13907331' in page
    for employer in (setup.positions[0].employer, setup.positions[2].employer):
        assert employer.name in page
    assert pii_views(db) == before + 1
    employer_id = setup.positions[2].employer_id
    assert row_ids(client.get(f"{base}?employer={employer_id}").get_data(as_text=True)) == [
        second.id
    ]
    fragment = client.get(f"{base}/rows?employer={employer_id}")
    assert row_ids(fragment.get_data(as_text=True)) == [second.id]
    assert pii_views(db) == before + 3


def test_an_organizer_decides_and_the_intent_is_recorded_by_them(
    db,
    client,
    login_as,
    make_user,
    running_fair,  # noqa: F811
):
    setup = running_fair()
    application = applicant(setup, 1, name="王五")
    admin = make_user(Role.ADMIN)
    login_as(admin)
    url = f"/manage/fairs/{setup.fair.id}/applications/{application.id}/decision"
    back = f"/manage/fairs/{setup.fair.id}/applications?state=pending"
    declined = client.post(url, data={"decision": "declined", "next": back})
    assert declined.location.endswith(f"{back}#application-{application.id}")
    assert application.state is ApplicationState.DECLINED
    asked = client.post(url, data={"decision": "intent"})
    assert 'data-testid="confirm-step"' in asked.get_data(as_text=True)
    done = client.post(url, data={"decision": "intent", "confirm": "1"}, follow_redirects=True)
    hire = db.session.get(TentativeHire, application.hire_id)
    assert hire.recorded_by_id == admin.id
    assert (
        f"已与王五达成就业意向（第{hire.id}号），可在意向名单中记录录用、到岗。"
        in done.get_data(as_text=True)
    )


def test_a_county_organizer_outside_the_scope_finds_nothing(
    db,
    client,
    login_as,
    make_user,
    running_fair,  # noqa: F811
):
    setup = running_fair()
    application = applicant(setup, 0)
    liling = make_user(Role.ORGANIZER, region_code="430281")
    login_as(liling)
    base = f"/manage/fairs/{setup.fair.id}/applications"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/rows").status_code == 404
    decision = client.post(f"{base}/{application.id}/decision", data={"decision": "declined"})
    assert decision.status_code == 404
    assert application.state is ApplicationState.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 0


def test_an_application_of_another_fair_is_not_found_under_this_one(
    client,
    login_as,
    make_user,
    running_fair,  # noqa: F811
):
    setup, other = running_fair(), running_fair()
    application = applicant(other, 0)
    login_as(make_user(Role.ORGANIZER))
    url = f"/manage/fairs/{setup.fair.id}/applications/{application.id}/decision"
    assert client.post(url, data={"decision": "declined"}).status_code == 404


def test_employers_and_viewers_cannot_reach_the_organizers_list(
    app,
    client,
    login_as,
    make_user,
    running_fair,  # noqa: F811
):
    setup = running_fair()
    applicant(setup, 0)
    hr = make_user(Role.EMPLOYER, employer=setup.positions[0].employer)
    login_as(hr)
    assert client.get(f"/manage/fairs/{setup.fair.id}/applications").status_code == 403
    viewer = make_user(Role.VIEWER)
    other = app.test_client()
    other.post("/login", data={"username": viewer.username, "password": TEST_PASSWORD})
    assert other.get(f"/manage/fairs/{setup.fair.id}/applications").status_code == 403


def test_the_fair_page_links_to_the_applications_with_the_count(
    db,
    client,
    login_as,
    make_user,
    running_fair,  # noqa: F811
):
    setup = running_fair()
    organizer = make_user(Role.ORGANIZER)
    services.decide(applicant(setup, 0), "declined", by=organizer)
    applicant(setup, 2)
    login_as(organizer)
    page = client.get(f"/manage/fairs/{setup.fair.id}").get_data(as_text=True)
    link = re.search(r'<a [^>]*data-testid="fair-applications-link">([^<]*)</a>', page)
    assert link and link.group(1) == "求职者投递（2，待处理1）"
    assert f'href="/manage/fairs/{setup.fair.id}/applications"' in link.group(0)
