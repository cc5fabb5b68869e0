"""待回访 on a phone (360 px): a staff member calls back the seekers who started 30 / 90 / 180
days ago (demo data), sees the phone through the audited gate, and records the answers."""

from playwright.sync_api import expect

from recruit.demo.services import DEMO_PASSWORD

PHONE = {"width": 360, "height": 780}


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert").first).to_contain_text("欢迎")


def test_a_staff_member_works_through_the_call_backs_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _sign_in(page, "liling")
        page.goto("/manage/callbacks")
        expect(page.get_by_role("heading", name="待回访")).to_be_visible()
        rows = page.get_by_test_id("callback-list")
        expect(rows).to_contain_text("周敏")
        expect(rows).to_contain_text("刘洋")
        # Nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # The 90-day call: the phone through the gate, then nobody answers.
        page.get_by_label("回访节点").select_option(label="90天")
        page.get_by_role("button", name="筛选").click()
        row = page.locator(".list-group-item", has_text="周敏").first
        expect(row).to_contain_text("90天回访")
        expect(row).to_contain_text("139****9102")
        row.get_by_role("button", name="显示电话").click()
        expect(page.get_by_test_id("callback-phone")).to_have_text("13907339102")
        row = page.locator(".list-group-item", has_text="周敏").first
        row.get_by_role("button", name="联系不上").click()
        expect(page.get_by_role("alert").first).to_contain_text("联系不上")
        row = page.locator(".list-group-item", has_text="周敏").first
        expect(row).to_contain_text("联系不上 1 次")

        # The 30-day call: still at work, and the row leaves the list.
        page.goto("/manage/callbacks?milestone=30")
        row = page.locator(".list-group-item", has_text="刘洋").first
        row.get_by_role("button", name="在岗").click()
        expect(page.get_by_role("alert").first).to_contain_text("在岗满30天")
        expect(page.locator(".list-group-item", has_text="刘洋")).to_have_count(0)
    finally:
        context.close()
