"""Journey: the demo organizer signs in to the workspace and reads the Chinese home page."""

from datetime import date

from playwright.sync_api import expect

from recruit.demo.services import DEMO_PASSWORD
from recruit.formatting import bureau_number, local_today
from recruit.reports.metrics import compute_metrics


def test_demo_organizer_signs_in_to_the_workspace_and_reads_the_home_page(page, live_server):
    with live_server.app.app_context():
        today = local_today()
        expected = compute_metrics(date(today.year, 1, 1), today)

    page.goto("/")
    expect(page.get_by_role("heading", name="近期招聘会")).to_be_visible()
    page.get_by_role("link", name="登录").click()

    page.get_by_label("用户名").fill("organizer")
    page.get_by_label("密码").fill("wrong-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")

    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("alert")).to_contain_text("欢迎，市人社局招聘会科")
    # Straight to the organizer's own workspace.
    expect(page.get_by_role("heading", name="管理工作台")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("组织者")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("link", name="株洲招聘会").first.click()
    # The demo data set's upcoming fairs and this year's closed fairs are on the page.
    expect(page.get_by_test_id("upcoming-fairs")).to_contain_text("醴陵市陶瓷产业链冬季专场招聘会")
    for testid, value in (
        ("metric-fairs", expected.fairs),
        ("metric-tentative-hires", expected.tentative_hires),
    ):
        expect(page.get_by_test_id(testid).locator(".metric-value")).to_have_text(
            bureau_number(value)
        )

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("alert")).to_contain_text("您已退出登录")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
