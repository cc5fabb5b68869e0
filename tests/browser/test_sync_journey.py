"""Journey 3: staff configure a channel, queue a sync, see what failed and why, retry."""

from playwright.sync_api import expect

from jobs.sync import watch_channel
from recruit.demo.services import DEMO_PASSWORD
from recruit.sync.sandbox import SandboxState, start_sandbox


def run_queued(page, live_server, code: str) -> None:
    """Play the scheduler process: start the queued run, then look at the page again."""
    expect(page.get_by_role("alert").first).to_contain_text("同步已排队")
    assert watch_channel(live_server.app, code) == "queued"
    page.reload()


def test_admin_runs_the_sync_by_hand_and_retries_a_refused_posting(page, live_server, monkeypatch):
    monkeypatch.setenv("RECRUIT_CHANNEL_XJY_TOKEN", "journey-token")
    server, thread = start_sandbox(state=SandboxState(token="journey-token"))
    try:
        server.state.script(method="PUT", status=422, body={"message": "工作地点不完整"}, times=1)
        page.goto("/login")
        page.get_by_label("用户名").fill("admin")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.locator("#mainNav").get_by_role("link", name="渠道同步").click()
        expect(page.get_by_role("heading", name="渠道同步")).to_be_visible()

        # The workbook channel: queue it, let the scheduler run it, download what it wrote.
        page.get_by_test_id("channel-jycs").get_by_role("button", name="立即同步").click()
        run_queued(page, live_server, "jycs")
        expect(page.get_by_test_id("runs")).to_contain_text("已完成")
        with page.expect_download() as download:
            page.get_by_role("link", name="下载 Excel").first.click()
        assert download.value.suggested_filename.endswith(".xlsx")

        # 湘就业: point it at the reference receiver, enable it, run it.
        page.locator("#mainNav").get_by_role("link", name="渠道同步").click()
        page.get_by_role("link", name="湘就业").click()
        page.get_by_label("接口地址").fill(server.base_url)
        page.get_by_label("令牌环境变量名").fill("RECRUIT_CHANNEL_XJY_TOKEN")
        page.get_by_label("启用").check()
        page.get_by_role("button", name="保存设置").click()
        expect(page.get_by_role("alert")).to_contain_text("渠道设置已保存")
        page.get_by_role("button", name="立即同步").click()
        run_queued(page, live_server, "xjy")
        expect(page.get_by_test_id("channel-counts")).to_contain_text("失败 1")
        failed = page.get_by_test_id("failed-items")
        expect(failed).to_contain_text("HTTP 422：工作地点不完整")

        failed.get_by_role("button", name="重试").click()
        expect(page.get_by_role("alert")).to_contain_text("已改为待同步")
        page.get_by_role("button", name="立即同步").click()
        run_queued(page, live_server, "xjy")
        expect(page.get_by_text("没有失败的岗位。")).to_be_visible()
        held = len(server.state.postings)
        assert held > 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
