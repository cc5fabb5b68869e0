"""Pieces of one domain shown on another's pages: channel states, overdue outcome reminders."""

from datetime import timedelta

from recruit.auth.models import Role
from recruit.db_types import utcnow
from tests.employer.helpers import make_hire


def test_staff_see_a_positions_channel_states_and_the_public_does_not(
    client, db, make_position, make_user, login_as
):
    position = make_position()
    db.session.commit()
    assert "渠道发布状态" not in client.get(f"/positions/{position.id}").get_data(as_text=True)
    login_as(make_user(Role.ORGANIZER))
    page = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "渠道发布状态" in page and "湘就业" in page and "就业超市" in page


def test_the_employer_dashboard_warns_of_intents_waiting_more_than_two_weeks(
    client, db, make_position, make_fair, make_user, login_as
):
    user = make_user(Role.EMPLOYER)
    position = make_position(employer=user.employer)
    hire = make_hire(make_fair, position, days_ago=20)
    hire.recorded_at = utcnow() - timedelta(days=15)
    db.session.commit()
    login_as(user)
    page = client.get("/employer/").get_data(as_text=True)
    assert "有 1 条就业意向登记已超过 14 天仍未反馈结果" in page


def test_list_pages_page_on_and_keep_their_filter(app, client, login_as, make_user, monkeypatch):
    """The shared pager: previous/next links keep the list's filter and move the page."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for i in range(5):
        make_user(Role.VIEWER, username=f"pagerviewer{i}")
    login_as(make_user(Role.ADMIN))
    first = client.get("/admin/users?q=pagerviewer").get_data(as_text=True)
    third = client.get("/admin/users?q=pagerviewer&page=3").get_data(as_text=True)

    assert "第 1 / 3 页" in first and "上一页" not in first
    assert "/admin/users?q=pagerviewer&amp;page=2" in first
    assert "第 3 / 3 页" in third and "下一页" not in third
    assert "/admin/users?q=pagerviewer&amp;page=2" in third
