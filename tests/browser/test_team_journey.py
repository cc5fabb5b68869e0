"""Issue 15's Done-when, as a new user would: register an employer, an organizer approves, the
approval is in the outbox (/admin/outbox), the employer invites a colleague, and the colleague
opens the link from the outbox, sets up the account and posts a position — at phone width."""

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from recruit.audit.models import AuditLog
from recruit.auth.models import EmployerRole, User
from recruit.demo.services import DEMO_PASSWORD
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.positions.models import Position
from recruit.validators import uscc_check_char

BODY = "91430211MA4TEAM01"
USCC = BODY + uscc_check_char(BODY)
NAME = "株洲同事旅程科技有限公司"
PHONE = {"width": 390, "height": 844}


def _in_app(live_server, work):
    with live_server.app.app_context():
        result = work()
        db.session.commit()
        db.session.remove()
        return result


def _sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _outbox_text(browser, live_server) -> str:
    """Sign in as the administrator and read /admin/outbox."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    _sign_in(page, "admin")
    page.goto("/admin/outbox")
    text = page.get_by_test_id("outbox-table").inner_text()
    context.close()
    return text


def test_an_employer_registers_is_approved_and_a_colleague_it_invites_posts_a_position(
    browser, page, live_server
):
    page.set_viewport_size(PHONE)

    # 1. A new employer registers.
    page.goto("/employers/register")
    page.get_by_label("企业名称").fill(NAME)
    page.get_by_label("统一社会信用代码").fill(USCC)
    page.get_by_label("所在地区").select_option(label="天元区")
    page.get_by_label("行业门类").select_option("C")
    page.get_by_label("单位地址").fill("天元区栗雨工业园 6 号")
    page.get_by_label("联系人").fill("彭经理")
    page.get_by_label("手机号码").first.fill("13907331234")
    page.get_by_label("登录用户名").fill("team_journey_hr")
    page.get_by_label("密码", exact=True).fill("Team-Journey-2026")
    page.get_by_label("确认密码").fill("Team-Journey-2026")
    page.get_by_role("button", name="提交注册").click()
    expect(page.get_by_test_id("employer-status")).to_contain_text("待审核")

    # 2. An organizer of the city approves it in the review queue.
    staff = browser.new_context(base_url=live_server.url, locale="zh-CN")
    organizer = staff.new_page()
    _sign_in(organizer, "organizer")
    organizer.goto("/manage/review")
    card = organizer.get_by_test_id("pending-employer").filter(has_text=NAME)
    card.get_by_role("button", name="通过", exact=True).click()
    expect(organizer.get_by_role("alert").first).to_contain_text(f"{NAME}：已通过")
    staff.close()

    # 3. The approval is in the outbox, addressed to the employer's account.
    outbox = _outbox_text(browser, live_server)
    assert "employer_registration_approved" in outbox
    assert NAME in outbox

    # 4. The employer invites a colleague on its team page.
    page.reload()
    expect(page.get_by_test_id("employer-status")).to_contain_text("已通过")
    page.get_by_role("link", name="同事账号").click()
    invite = page.get_by_test_id("invite-form")
    invite.get_by_label("手机号或邮箱").fill("13907335678")
    invite.get_by_label("权限").select_option("full")
    invite.get_by_role("button", name="发送邀请").click()
    expect(page.get_by_role("alert").first).to_contain_text("邀请已发送到 13907335678")

    # 5. The colleague opens the link the outbox holds, on a phone of their own.
    outbox = _outbox_text(browser, live_server)
    link = re.search(r"https?://\S+?(/employer/invitations/[A-Za-z0-9_\-]+)", outbox)
    assert link is not None, outbox
    colleague_context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE
    )
    colleague = colleague_context.new_page()
    colleague.goto(link.group(1))
    expect(colleague.get_by_role("heading")).to_contain_text(NAME)
    colleague.get_by_label("姓名").fill("谭晓雯")
    colleague.get_by_label("登录用户名").fill("team_journey_colleague")
    colleague.get_by_label("密码", exact=True).fill("Colleague-Journey-2026")
    colleague.get_by_label("确认密码").fill("Colleague-Journey-2026")
    colleague.get_by_role("button", name="设置账号并登录").click()
    expect(colleague.get_by_role("alert").first).to_contain_text(f"欢迎加入{NAME}")

    # 6. The colleague posts a position and sends it to review.
    colleague.get_by_role("link", name="发布岗位").first.click()
    colleague.get_by_label("岗位名称").fill("电子装配工")
    colleague.get_by_label("招聘人数").fill("4")
    colleague.get_by_label("最低月薪（元）").fill("4500")
    colleague.get_by_label("最高月薪（元）").fill("6500")
    colleague.get_by_label("岗位描述").fill("负责电子元件装配与检验，两班倒，提供工作餐。")
    colleague.get_by_label("有效期至").fill((local_today() + timedelta(days=60)).isoformat())
    colleague.get_by_role("button", name="保存").click()
    expect(colleague.get_by_role("alert").first).to_contain_text("已保存为草稿")
    colleague.get_by_role("button", name="提交审核").click()
    expect(colleague.get_by_role("alert").first).to_contain_text("已提交审核")
    colleague_context.close()

    # Every action names the person who did it.
    def who_did_what():
        hr = db.session.scalar(sa.select(User).where(User.username == "team_journey_hr"))
        mate = db.session.scalar(sa.select(User).where(User.username == "team_journey_colleague"))
        position = db.session.scalar(sa.select(Position).where(Position.title == "电子装配工"))
        invited = db.session.scalar(
            sa.select(AuditLog).where(
                AuditLog.action == "employer.invite", AuditLog.user_id == hr.id
            )
        )
        created = db.session.scalar(
            sa.select(AuditLog).where(
                AuditLog.action == "position.create", AuditLog.object_id == str(position.id)
            )
        )
        return (
            hr.employer_role,
            mate.employer_role,
            mate.employer_id == hr.employer_id,
            invited is not None,
            created.user_id == mate.id,
        )

    assert _in_app(live_server, who_did_what) == (
        EmployerRole.ADMIN,
        EmployerRole.FULL,
        True,
        True,
        True,
    )
