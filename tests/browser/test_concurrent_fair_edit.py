"""Two organizers edit the same fair at once: the second save is refused and nothing is lost."""

from datetime import datetime, timedelta

from playwright.sync_api import expect

from recruit.demo.services import DEMO_PASSWORD
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.formatting import LOCAL_TZ, local_today
from recruit.refdata.codes import FairMode, FairType


def _make_fair(app) -> int:
    day = local_today() + timedelta(days=30)
    start = datetime(day.year, day.month, day.day, 9, tzinfo=LOCAL_TZ)
    with app.app_context():
        fair = Fair(
            title="并发编辑测试招聘会",
            type=FairType.COMPREHENSIVE,
            mode=FairMode.OFFLINE,
            region_code="430211",
            venue="原地点",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            organizer_unit="株洲市公共就业服务中心",
        )
        db.session.add(fair)
        db.session.commit()
        fair_id = fair.id
        db.session.remove()
    return fair_id


def _sign_in(page, username):
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def test_the_second_of_two_concurrent_saves_is_refused_keeping_its_text(page, browser, live_server):
    fair_id = _make_fair(live_server.app)
    other = browser.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        second = other.new_page()
        _sign_in(page, "organizer")
        _sign_in(second, "admin")
        page.goto(f"/manage/fairs/{fair_id}/edit")
        second.goto(f"/manage/fairs/{fair_id}/edit")

        page.get_by_label("举办地点").fill("第一位保存的地点")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert")).to_contain_text("已保存修改")

        second.get_by_label("举办地点").fill("第二位填写的地点")
        second.get_by_label("展位数量").fill("80")
        second.get_by_role("button", name="保存").click()
        expect(second.get_by_role("alert")).to_contain_text("其他人在您编辑期间修改了这场招聘会")
        expect(second.get_by_label("举办地点")).to_have_value("第二位填写的地点")
        expect(second.get_by_label("展位数量")).to_have_value("80")
        expect(second.get_by_test_id("stale-notice")).to_contain_text("第一位保存的地点")

        # Having seen the other save, the second organizer saves deliberately.
        second.get_by_role("button", name="保存").click()
        expect(second.get_by_role("alert")).to_contain_text("已保存修改")
        expect(second.get_by_text("第二位填写的地点")).to_be_visible()
    finally:
        other.close()
