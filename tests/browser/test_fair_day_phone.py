"""The fair day and the first visit on a phone (390 × 844): what a clerk and an HR person
tripped over — the source of a typed count, keyboards, tabs, confirmations, expired forms."""

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from recruit.auth.models import Role, User
from recruit.demo.services import DEMO_PASSWORD
from recruit.extensions import db
from recruit.fairs.models import (
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.formatting import LOCAL_TZ
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import FairMode, FairType

PHONE = {"width": 390, "height": 844}


def _in_app(live_server, work):
    with live_server.app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def _fair_under_way(live_server, title: str) -> int:
    """Add a fair of 天元区 running now, with one approved demo employer offering a position."""

    def add():
        now = datetime.now(LOCAL_TZ)
        fair = Fair(
            title=title,
            type=FairType.COMPREHENSIVE,
            mode=FairMode.OFFLINE,
            region_code="430211",
            starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(hours=3),
            organizer_unit="株洲市公共就业服务中心",
            status=FairStatus.OPEN,
        )
        position = db.session.scalars(
            sa.select(Position).where(Position.status == PositionStatus.OPEN).limit(1)
        ).one()
        part = Participation(
            fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED, booth="B7"
        )
        part.fair_positions.append(FairPosition(position=position, openings=4))
        db.session.add_all([fair, part])
        db.session.commit()
        return fair.id

    return _in_app(live_server, add)


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert").first).to_contain_text("欢迎")


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized browser context; another without scripts, as before they have loaded."""
    contexts = []

    def open_page(scripts: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            viewport=PHONE,
            java_script_enabled=scripts,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_a_typed_count_goes_in_with_the_source_chosen_and_the_source_stays(phone, live_server):
    fair_id = _fair_under_way(live_server, "手机现场计数测试招聘会")
    page = phone()
    _sign_in(page, "organizer")
    page.goto(f"/manage/fairs/{fair_id}/day")

    page.get_by_label("线上").check()
    page.get_by_label("其他人数").fill("12")
    page.get_by_role("button", name="增加").click()
    expect(page.get_by_test_id("tally-total")).to_have_text("12")
    # The source chosen is still chosen for the next tap.
    expect(page.get_by_label("线上")).to_be_checked()
    page.get_by_role("button", name="+5").click()
    expect(page.get_by_test_id("tally-total")).to_have_text("17")

    def tallies():
        rows = db.session.scalars(sa.select(SeekerTally).where(SeekerTally.fair_id == fair_id))
        return sorted((t.count, t.source) for t in rows)

    assert _in_app(live_server, tallies) == [(5, TallySource.ONLINE), (12, TallySource.ONLINE)]


def test_phone_keyboards_titles_and_tabs_fit_a_phone(phone, live_server):
    fair_id = _fair_under_way(live_server, "手机键盘测试招聘会")
    page = phone()
    _sign_in(page, "organizer")
    page.goto(f"/manage/fairs/{fair_id}/intents/new")

    expect(page.get_by_label("手机号")).to_have_attribute("type", "tel")
    expect(page.get_by_label("身份证号（可不填）")).to_have_attribute("inputmode", "numeric")
    # Each position reads title first, so a phone's narrow drop-down still shows it.
    options = page.locator("#position_id option").all_inner_texts()[1:]
    assert options and all(re.match(r"^[^（]+（展位B7，", o) for o in options), options
    # Every tab of the fair is whole on the screen (登记意向, not 登记意…).
    for tab in page.locator(".manage-tabs .nav-link").all():
        box = tab.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], tab.inner_text()
        assert tab.evaluate("el => el.scrollWidth <= el.clientWidth + 1")

    page.goto("/reports/?preset=year")
    first_cells = page.locator(".report-table tbody tr td:first-child")
    if first_cells.count():
        assert first_cells.first.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"


def test_without_scripts_an_irreversible_click_asks_on_the_server(phone, live_server):
    fair_id = _fair_under_way(live_server, "无脚本确认测试招聘会")
    page = phone(scripts=False)
    _sign_in(page, "organizer")
    page.goto(f"/manage/fairs/{fair_id}")
    page.get_by_role("button", name="开始举办").click()
    page.get_by_role("button", name="结束招聘会").click()
    # The server asks; nothing is closed yet.
    expect(page.get_by_test_id("confirm-step")).to_contain_text("确定结束")

    def status():
        return db.session.get(Fair, fair_id).status

    assert _in_app(live_server, status) is FairStatus.HELD
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert").first).to_contain_text("招聘会已结束")
    assert _in_app(live_server, status) is FairStatus.CLOSED


def test_a_form_left_open_until_the_session_ends_comes_back_filled_in(phone, live_server):
    page = phone()
    _sign_in(page, "organizer")
    page.goto("/manage/fairs/new")
    page.get_by_label("招聘会名称").fill("会话过期也不丢的招聘会")
    page.get_by_label("举办地点").fill("株洲市人力资源市场")
    # The session ends while the form is open (a long lunch): its cookie is gone.
    page.context.clear_cookies()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("您填写的内容已保留")
    page.get_by_label("用户名").fill("organizer")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_label("招聘会名称")).to_have_value("会话过期也不丢的招聘会")
    expect(page.get_by_label("举办地点")).to_have_value("株洲市人力资源市场")

    def saved():
        return db.session.scalar(sa.select(Fair.id).where(Fair.title.contains("会话过期")))

    assert _in_app(live_server, saved) is None


def test_an_employer_chooses_an_outcome_nothing_is_preselected(phone, live_server):
    page = phone()
    _sign_in(page, "employer")
    page.goto("/employer/outcomes")
    selects = page.locator("select[name=outcome]")
    assert selects.count() > 0
    for index in range(selects.count()):
        expect(selects.nth(index)).to_have_value("")

    def employer_user():
        return db.session.scalar(sa.select(User).where(User.role == Role.EMPLOYER)).username

    assert _in_app(live_server, employer_user)
