"""The employer at booth A01 of the demo fair, on a 360 × 740 phone: applicants arrive by
themselves, 达成意向 asks first, 不合适 then 达成意向 works without scripts too."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from recruit.auth.models import User
from recruit.demo.seekers import DEMO_FAIR_TITLE
from recruit.demo.services import DEMO_PASSWORD
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation
from recruit.seekers import services

PHONE = {"width": 360, "height": 740}


def _in_app(live_server, work):
    with live_server.app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def _demo_fair_id(live_server) -> int:
    return _in_app(
        live_server,
        lambda: db.session.scalar(sa.select(Fair.id).where(Fair.title == DEMO_FAIR_TITLE)),
    )


def _applies(live_server, fair_id: int, name: str, mobile: str) -> int:
    """A seeker enters the demo fair and applies to a position of the employer demo account."""

    def work():
        fair = db.session.get(Fair, fair_id)
        employer_id = db.session.scalar(
            sa.select(User.employer_id).where(User.username == "employer")
        )
        position_id = db.session.scalar(
            sa.select(FairPosition.position_id)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .where(Participation.fair_id == fair_id, Participation.employer_id == employer_id)
            .limit(1)
        )
        values = {"name": name, "phone": mobile, "consent": True, "education": "vocational"}
        entered = services.enter_fair(fair, values, address=f"10.9.{mobile[-4:-2]}.{mobile[-2:]}")
        application = services.apply(entered.token, fair, position_id)
        db.session.commit()
        return application.id

    return _in_app(live_server, work)


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page(scripts: bool = True):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport=PHONE, java_script_enabled=scripts
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("用户名").fill("employer")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("alert").first).to_contain_text("欢迎")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px"


def test_an_applicant_arrives_by_itself_and_becomes_an_intent(phone, live_server):
    fair_id = _demo_fair_id(live_server)
    page = phone()
    page.goto("/employer/fairs")
    page.locator(
        f'[data-testid="applications-link"][href$="/fairs/{fair_id}/applications"]'
    ).click()
    expect(page.get_by_role("heading", name="收到的投递")).to_be_visible()
    _fits_the_screen(page)

    application_id = _applies(live_server, fair_id, "展位测试甲", "13907336601")
    # No reload: the list's script brings the newcomer in (it polls every 15 seconds).
    row = page.get_by_test_id(f"application-{application_id}")
    expect(row).to_be_visible(timeout=25_000)
    expect(row).to_contain_text("展位测试甲")
    expect(row.get_by_role("link", name="13907336601")).to_have_attribute("href", "tel:13907336601")
    expect(row.get_by_text("未验证")).to_be_visible()
    _fits_the_screen(page)

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="达成意向").click()
    expect(page.get_by_role("alert").first).to_contain_text("已与展位测试甲达成就业意向")
    assert page.url.endswith(f"#application-{application_id}")
    expect(
        page.get_by_test_id(f"application-{application_id}").get_by_test_id("state")
    ).to_have_text("达成意向")


def test_without_scripts_declined_then_intent_asks_on_the_server(phone, live_server):
    fair_id = _demo_fair_id(live_server)
    application_id = _applies(live_server, fair_id, "展位测试乙", "13907336602")
    page = phone(scripts=False)
    page.goto(f"/employer/fairs/{fair_id}/applications?state=pending")
    row = page.get_by_test_id(f"application-{application_id}")
    row.get_by_role("button", name="不合适").click()
    expect(page.get_by_role("alert").first).to_contain_text("已将展位测试乙标记为不合适")
    # Back on the pending list, where the declined one no longer shows.
    assert "state=pending" in page.url
    expect(page.get_by_test_id(f"application-{application_id}")).to_have_count(0)

    page.get_by_test_id("count-declined").click()
    page.get_by_test_id(f"application-{application_id}").get_by_role(
        "button", name="达成意向"
    ).click()
    expect(page.get_by_test_id("confirm-step")).to_contain_text("展位测试乙")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert").first).to_contain_text("已与展位测试乙达成就业意向")
    _fits_the_screen(page)
