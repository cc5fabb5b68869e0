"""The employer at the booth: applicants as they arrive, 达成意向 and 不合适 (issue 16, point 5)."""

import itertools
import re

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import EmployerRole, Role
from recruit.hires.models import TentativeHire
from recruit.seekers import services
from recruit.seekers.models import ApplicationState
from tests.conftest import TEST_PASSWORD
from tests.seekers.conftest import entry_values, running_fair  # noqa: F401  (a fixture)

_phones = itertools.count(1000)


def applicant(setup, position: int, name: str = "张三", **changes):
    """Let a new seeker enter the fair and apply to setup.positions[position]."""
    n = next(_phones)
    values = entry_values(name=name, phone=f"1390733{n:04d}", **changes)
    result = services.enter_fair(setup.fair, values, address=f"10.1.{n // 250}.{n % 250}")
    return services.apply(result.token, setup.fair, setup.positions[position].id)


def row_ids(html: str) -> list[int]:
    """Return the application ids a list shows, top to bottom."""
    return [int(n) for n in re.findall(r'data-testid="application-(\d+)"', html)]


def pii_views(db) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "application.view_pii")
    )


@pytest.fixture
def booth(running_fair, make_user):  # noqa: F811
    """A running fair, the first booth's HR account, and one applicant at each booth."""
    setup = running_fair()
    hr = make_user(Role.EMPLOYER, employer=setup.positions[0].employer)
    mine = applicant(setup, 0, name="张三", priority_groups=["graduate"])
    theirs = applicant(setup, 2, name="李四")
    return setup, hr, mine, theirs


def test_the_employer_sees_its_own_applicants_with_mobile_and_nobody_elses(
    db, client, login_as, booth
):
    setup, hr, mine, theirs = booth
    later = applicant(setup, 1, name="王五", education="bachelor")
    login_as(hr)
    response = client.get(f"/employer/fairs/{setup.fair.id}/applications")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert row_ids(page) == [later.id, mine.id]  # newest first
    assert "张三" in page and 'href="tel:13907331' in page and "王五" in page
    assert "高校毕业生" in page and "本科" in page and "未验证" in page
    assert "李四" not in page and f"application-{theirs.id}" not in page
    assert page.count('value="intent"') == 2 and page.count('value="declined"') == 2
    assert "applications.js" in page and 'data-testid="refresh"' in page


def test_each_list_view_writes_one_audit_entry(db, client, login_as, booth):
    setup, hr, mine, _theirs = booth
    login_as(hr)
    before = pii_views(db)
    client.get(f"/employer/fairs/{setup.fair.id}/applications")
    client.get(f"/employer/fairs/{setup.fair.id}/applications?state=pending")
    entries = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "application.view_pii")
    ).all()
    assert pii_views(db) == before + 2
    assert entries[-1].user_id == hr.id and entries[-1].summary["ids"] == [mine.id]
    assert "13907331" not in str(entries[-1].summary)


def test_intent_asks_first_then_creates_the_tentative_hire_recorded_by_that_user(
    db, client, login_as, booth
):
    setup, hr, mine, _theirs = booth
    login_as(hr)
    url = f"/employer/applications/{mine.id}/decision"
    back = f"/employer/fairs/{setup.fair.id}/applications?state=pending"
    asked = client.post(url, data={"decision": "intent", "next": back})
    assert 'data-testid="confirm-step"' in asked.get_data(as_text=True)
    assert mine.state is ApplicationState.SUBMITTED
    done = client.post(url, data={"decision": "intent", "next": back, "confirm": "1"})
    assert done.status_code == 302
    assert done.location.endswith(f"{back}#application-{mine.id}")
    assert mine.state is ApplicationState.INTENT
    hire = db.session.get(TentativeHire, mine.hire_id)
    assert hire.recorded_by_id == hr.id and hire.seeker_id == mine.seeker_id
    assert hire.position_id == setup.positions[0].id
    page = client.get(done.location).get_data(as_text=True)
    assert f"已与张三达成就业意向（第{hire.id}号），可在意向结果中记录录用、到岗。" in page
    # An intent is final: no more buttons on its row, and a second post is refused.
    assert 'value="intent"' not in page
    again = client.post(url, data={"decision": "declined", "next": back}, follow_redirects=True)
    assert "已达成意向" in again.get_data(as_text=True)
    assert mine.state is ApplicationState.INTENT


def test_declined_then_intent(db, client, login_as, booth):
    setup, hr, mine, _theirs = booth
    login_as(hr)
    url = f"/employer/applications/{mine.id}/decision"
    response = client.post(url, data={"decision": "declined"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert mine.state is ApplicationState.DECLINED and mine.hire_id is None
    assert "已将张三标记为不合适，求职者将看到“未通过”。" in page
    assert 'value="intent"' in page and 'value="declined"' not in page
    client.post(url, data={"decision": "intent", "confirm": "1"})
    assert mine.state is ApplicationState.INTENT and mine.hire.recorded_by_id == hr.id


def test_a_readonly_member_sees_the_list_without_buttons_and_a_forged_post_is_refused(
    db, client, login_as, make_user, booth
):
    setup, _hr, mine, _theirs = booth
    reader = make_user(
        Role.EMPLOYER, employer=setup.positions[0].employer, employer_role=EmployerRole.READONLY
    )
    login_as(reader)
    page = client.get(f"/employer/fairs/{setup.fair.id}/applications").get_data(as_text=True)
    assert "张三" in page and "/decision" not in page
    url = f"/employer/applications/{mine.id}/decision"
    assert client.post(url, data={"decision": "declined"}).status_code == 403
    assert client.post(url, data={"decision": "intent", "confirm": "1"}).status_code == 403
    assert mine.state is ApplicationState.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 0


def test_a_decision_needs_the_csrf_token(app, client, login_as, monkeypatch, booth):
    setup, hr, mine, _theirs = booth
    login_as(hr)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/employer/applications/{mine.id}/decision"
    assert client.post(url, data={"decision": "declined"}).status_code == 400
    assert mine.state is ApplicationState.SUBMITTED


def test_another_employers_fair_and_applications_are_not_found(
    app, client, login_as, make_user, make_fair, booth
):
    setup, _hr, mine, theirs = booth
    # The other booth's employer takes part in the fair but never reaches the first's rows.
    other = make_user(Role.EMPLOYER, employer=setup.positions[2].employer)
    login_as(other)
    page = client.get(f"/employer/fairs/{setup.fair.id}/applications").get_data(as_text=True)
    assert row_ids(page) == [theirs.id] and "张三" not in page
    url = f"/employer/applications/{mine.id}/decision"
    assert client.post(url, data={"decision": "declined"}).status_code == 404
    assert mine.state is ApplicationState.SUBMITTED
    # An employer not at the fair: the fair itself is not found.
    stranger = make_user(Role.EMPLOYER)
    client = app.test_client()
    client.post("/login", data={"username": stranger.username, "password": TEST_PASSWORD})
    assert client.get(f"/employer/fairs/{setup.fair.id}/applications").status_code == 404
    assert client.get(f"/employer/fairs/{setup.fair.id}/applications/rows").status_code == 404
    assert client.get(f"/employer/fairs/{make_fair().id}/applications").status_code == 404
    assert client.post(url, data={"decision": "declined"}).status_code == 404


def test_filters_by_state_and_position_with_counts_per_state(db, client, login_as, booth):
    setup, hr, mine, _theirs = booth
    other = applicant(setup, 1, name="王五")
    services.decide(other, "declined", by=hr)
    login_as(hr)
    base = f"/employer/fairs/{setup.fair.id}/applications"
    page = client.get(base).get_data(as_text=True)
    counts = dict(re.findall(r'data-testid="count-(\w+)">[^<]*<span[^>]*>(\d+)<', page))
    assert counts == {"all": "2", "pending": "1", "intent": "0", "declined": "1"}
    assert row_ids(client.get(f"{base}?state=pending").get_data(as_text=True)) == [mine.id]
    assert row_ids(client.get(f"{base}?state=declined").get_data(as_text=True)) == [other.id]
    by_position = client.get(f"{base}?position={setup.positions[1].id}").get_data(as_text=True)
    assert row_ids(by_position) == [other.id]
    # The decision buttons carry the filtered page back.
    filtered = client.get(f"{base}?state=pending").get_data(as_text=True)
    assert f'name="next" value="{base}?state=pending"' in filtered
    # Nonsense filters mean no filter.
    assert row_ids(client.get(f"{base}?state=x&position=abc").get_data(as_text=True)) == [
        other.id,
        mine.id,
    ]


def test_a_decision_goes_back_only_to_the_fairs_list(client, login_as, booth):
    setup, hr, mine, _theirs = booth
    login_as(hr)
    url = f"/employer/applications/{mine.id}/decision"
    response = client.post(url, data={"decision": "declined", "next": "https://evil.example/"})
    assert response.location.endswith(
        f"/employer/fairs/{setup.fair.id}/applications#application-{mine.id}"
    )


def test_the_fragment_answers_the_same_rows_and_nothing_while_unchanged(
    db, client, login_as, booth
):
    setup, hr, mine, _theirs = booth
    login_as(hr)
    base = f"/employer/fairs/{setup.fair.id}/applications"
    page = client.get(base).get_data(as_text=True)
    version = re.search(r'data-version="([^"]+)"', page).group(1)
    assert f'data-rows-url="{base}/rows"' in page
    fragment = client.get(f"{base}/rows")
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert row_ids(html) == row_ids(page) == [mine.id]
    assert "<html" not in html and 'href="tel:13907331' in html
    # Nothing new: no content, and nothing disclosed again.
    before = pii_views(db)
    assert client.get(f"{base}/rows?version={version}").status_code == 204
    assert pii_views(db) == before
    newer = applicant(setup, 1, name="赵六")
    changed = client.get(f"{base}/rows?version={version}")
    assert changed.status_code == 200 and row_ids(changed.get_data(as_text=True)) == [
        newer.id,
        mine.id,
    ]
    assert pii_views(db) == before + 1
    # A decision changes the version too, and the fragment keeps the filter it was asked with.
    version = re.search(r'data-version="([^"]+)"', changed.get_data(as_text=True)).group(1)
    services.decide(mine, "declined", by=hr)
    pending = client.get(f"{base}/rows?state=pending&version={version}")
    assert pending.status_code == 200 and row_ids(pending.get_data(as_text=True)) == [newer.id]


def test_the_fairs_page_links_to_the_applications(client, login_as, booth):
    setup, hr, _mine, _theirs = booth
    login_as(hr)
    page = client.get("/employer/fairs").get_data(as_text=True)
    assert f'href="/employer/fairs/{setup.fair.id}/applications"' in page
