"""A seeker on a 360 × 740 phone: scan in at the gate, apply at two booths, see the outcome.

The demo data set has a fair under way (recruit.demo.seekers) with booths A01 (the employer
demo account's own) and A02. The employer decides on its own phone, the organizer watches the
fair's numbers move; the 90-day call-back is tests/browser/test_callback_journey.py.
"""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from recruit.auth.models import User
from recruit.demo.seekers import DEMO_FAIR_TITLE
from recruit.demo.services import DEMO_PASSWORD
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.hires.models import TentativeHire
from recruit.pii import pii_hash
from recruit.seekers.models import Application, Entry, Seeker

PHONE = {"width": 360, "height": 740}
MOBILE = "13907338801"


def _in_app(live_server, work):
    with live_server.app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px"


def _counts(fair_id: int) -> tuple[int, int, int]:
    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count(model.id)).where(model.fair_id == fair_id))

    return count(Entry), count(Application), count(TentativeHire)


def _decided() -> tuple[str, str]:
    """Return the position and employer of 周敏's intent (made on the employer's page)."""
    seeker = db.session.scalar(
        sa.select(Seeker).where(Seeker.seeker_phone_hash == pii_hash(MOBILE))
    )
    application = db.session.scalar(
        sa.select(Application).where(
            Application.seeker_id == seeker.id, Application.hire_id.is_not(None)
        )
    )
    return application.position.title, application.position.employer.name


def _at_booth_a01() -> int:
    """Return the id of 周敏's application to the employer demo account's company."""
    seeker = db.session.scalar(
        sa.select(Seeker).where(Seeker.seeker_phone_hash == pii_hash(MOBILE))
    )
    employer_id = db.session.scalar(sa.select(User.employer_id).where(User.username == "employer"))
    return db.session.scalar(
        sa.select(Application.id).where(
            Application.seeker_id == seeker.id, Application.employer_id == employer_id
        )
    )


def _signed_in(browser, live_server, username: str, viewport=None):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(10_000)
    _CONTEXTS.append(context)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert").first).to_contain_text("欢迎")
    return page


_CONTEXTS: list = []


@pytest.fixture(autouse=True)
def _close_contexts():
    yield
    while _CONTEXTS:
        _CONTEXTS.pop().close()


def test_a_seeker_scans_in_applies_at_two_booths_and_sees_the_outcome(phone, browser, live_server):
    page = phone
    fair_id = _in_app(
        live_server,
        lambda: db.session.scalar(sa.select(Fair.id).where(Fair.title == DEMO_FAIR_TITLE)),
    )
    assert fair_id, "the demo data set has a fair under way"
    entries_before, applications_before, intents_before = _in_app(
        live_server, lambda: _counts(fair_id)
    )

    # The gate: the fair page's 入场登记 (the poster's QR code leads here).
    page.goto(f"/fairs/{fair_id}")
    page.get_by_role("link", name="入场登记").click()
    expect(page.get_by_role("heading", name="入场登记")).to_be_visible()
    _fits_the_screen(page)
    mobile = page.get_by_label("手机号")
    expect(mobile).to_have_attribute("type", "tel")
    expect(mobile).to_have_attribute("inputmode", "numeric")
    expect(page.get_by_test_id("notice")).to_contain_text("就业跟踪回访")

    # Consent forgotten: the message names it, what was typed stays.
    page.get_by_label("姓名").fill("周敏")
    mobile.fill(MOBILE)
    page.get_by_role("button", name="登记入场").click()
    expect(page.get_by_text("同意：请阅读并同意个人信息处理说明后再登记")).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_value("周敏")
    page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    page.get_by_role("button", name="登记入场").click()
    expect(page.get_by_role("alert")).to_contain_text("欢迎入场")
    expect(page.get_by_test_id("booth").first).to_be_visible()
    _fits_the_screen(page)

    # Two booths, scanned one after the other: 投递 the first position at each.
    applied = []
    for booth in ("A01", "A02"):
        page.goto(f"/fairs/{fair_id}/booths/{booth}")
        expect(page.get_by_role("heading", name=f"展位 {booth}")).to_be_visible()
        _fits_the_screen(page)
        first = page.get_by_test_id("position").first
        applied.append(first.locator("b").inner_text())
        first.get_by_role("button", name="投递").click()
        expect(page.get_by_role("alert")).to_contain_text("已投递：")
        expect(page.get_by_test_id("position").first.get_by_test_id("applied")).to_have_text(
            "已投递"
        )

    page.get_by_role("link", name="我的", exact=True).click()
    states = page.get_by_test_id("application-state")
    expect(states).to_have_count(2)
    expect(states.first).to_have_text("已投递")
    expect(page.get_by_test_id("masked-phone")).to_have_text("139****8801")
    _fits_the_screen(page)

    # The organizer's fair page: the entry and the applications counted as they came.
    staff = _signed_in(browser, live_server, "organizer")
    staff.goto(f"/manage/fairs/{fair_id}")
    expect(staff.get_by_test_id("fair-entry-parts")).to_contain_text(
        f"扫码/线上登记{entries_before + 1}人次"
    )
    expect(staff.get_by_test_id("fair-applications-link")).to_contain_text(
        f"求职者投递（{applications_before + 2}"
    )

    # The employer at booth A01, on its own phone, turns the application into an intent.
    booth = _signed_in(browser, live_server, "employer", viewport=PHONE)
    booth.goto(f"/employer/fairs/{fair_id}/applications")
    row = booth.get_by_test_id(f"application-{_in_app(live_server, _at_booth_a01)}")
    expect(row).to_contain_text("周敏")
    expect(row.get_by_role("link", name=MOBILE)).to_have_attribute("href", f"tel:{MOBILE}")
    booth.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="达成意向").click()
    expect(booth.get_by_role("alert").first).to_contain_text("已与周敏达成就业意向")
    title, employer = _in_app(live_server, _decided)
    assert title in applied

    # The organizer sees the intent counted.
    staff.reload()
    expect(staff.get_by_test_id("fair-applications-link")).to_contain_text(
        f"求职者投递（{applications_before + 2}"
    )
    expect(staff.get_by_test_id("metric-tentative-hires").locator(".metric-value")).to_have_text(
        str(intents_before + 1)
    )

    page.reload()
    row = (
        page.get_by_test_id("applications")
        .locator(".job")
        .filter(has_text=title)
        .filter(has_text=employer)
    )
    expect(row.get_by_test_id("application-state")).to_have_text("达成意向")
    expect(row.get_by_test_id("outcome")).to_have_text("就业意向：意向")
