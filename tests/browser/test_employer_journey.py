"""Journey 2 of DESIGN §1: a new employer registers, is approved, posts a position, signs up
for a fair and records the outcome of an intent, in a real browser at phone width."""

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from recruit.auth.actors import system
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.formatting import local_today
from recruit.hires.models import Outcome, TentativeHire
from recruit.positions.models import Position, PositionStatus
from recruit.positions.services import set_position_status
from recruit.validators import uscc_check_char

BODY = "91430281MA4JRNY00"
USCC = BODY + uscc_check_char(BODY)


def _in_app(live_server, work):
    with live_server.app.app_context():
        result = work()
        db.session.commit()
        db.session.remove()
        return result


def test_a_new_employer_registers_posts_signs_up_and_records_an_outcome(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})

    # 1. Register.
    page.goto("/employers/register")
    page.get_by_label("企业名称").fill("醴陵旅程瓷业有限公司")
    page.get_by_label("统一社会信用代码").fill(USCC)
    page.get_by_label("所在地区").select_option(label="醴陵市")
    page.get_by_label("行业门类").select_option("C")
    page.get_by_label("所属产业链（选填）").select_option(label="陶瓷")
    page.get_by_label("单位地址").fill("醴陵市陶瓷科技工业园 8 号")
    page.get_by_label("联系人").fill("周女士")
    page.get_by_label("手机号码").fill("13907330001")
    page.get_by_label("登录用户名").fill("lucheng_hr")
    page.get_by_label("密码", exact=True).fill("Lucheng-2026")
    page.get_by_label("确认密码").fill("Lucheng-2026")
    page.get_by_role("button", name="提交注册").click()

    expect(page.get_by_role("alert").first).to_contain_text("注册成功")
    expect(page.get_by_test_id("employer-status")).to_contain_text("待审核")

    # 2. Approval. The organizer's review screens belong to another issue and are not in this
    # branch, so the organizer's decision is made through the database in the live server's
    # app context, exactly as the review service will store it.
    def approve_employer():
        employer = db.session.scalar(sa.select(Employer).where(Employer.uscc == USCC))
        employer.status = EmployerStatus.APPROVED

    _in_app(live_server, approve_employer)
    page.reload()
    expect(page.get_by_test_id("employer-status")).to_contain_text("已通过")

    # 3. Post a position: first a salary below the local minimum wage, then a valid one.
    page.get_by_role("link", name="发布岗位").first.click()
    page.get_by_label("岗位名称").fill("日用瓷彩绘工")
    page.get_by_label("招聘人数").fill("6")
    page.get_by_label("最低月薪（元）").fill("1800")
    page.get_by_label("最高月薪（元）").fill("3000")
    page.get_by_label("岗位描述").fill("负责日用瓷手工彩绘，计件工资，提供食宿。")
    valid_until = (local_today() + timedelta(days=60)).isoformat()
    page.get_by_label("有效期至").fill(valid_until)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("不得低于醴陵市最低工资标准 2100 元/月")).to_be_visible()
    expect(page.get_by_label("岗位名称")).to_have_value("日用瓷彩绘工")

    page.get_by_label("最低月薪（元）").fill("4500")
    page.get_by_label("最高月薪（元）").fill("7000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("已保存为草稿")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert").first).to_contain_text("已提交审核")

    def approve_position():
        # The organizer approves the position (issue 3's review queue does this in the app).
        position = db.session.scalar(sa.select(Position).where(Position.title == "日用瓷彩绘工"))
        set_position_status(position, PositionStatus.OPEN, by=system("tests.browser"))
        return position.id

    position_id = _in_app(live_server, approve_position)

    # 4. Sign up for an open demo fair with the position.
    page.get_by_role("link", name="招聘会报名").click()
    fair_item = (
        page.get_by_test_id("open-fairs")
        .locator(".list-group-item")
        .filter(has_text="退役军人网络专场招聘会")
    )
    fair_item.get_by_role("link", name="报名").click()
    page.get_by_label("日用瓷彩绘工", exact=True).check()
    page.get_by_label("日用瓷彩绘工 招聘人数").fill("4")
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_role("alert").first).to_contain_text("已报名“退役军人网络专场招聘会”")
    signups = page.get_by_test_id("my-signups")
    expect(signups).to_contain_text("日用瓷彩绘工（4人）")
    expect(signups).to_contain_text("已报名")

    # 5. An intent made for the position at a fair held days ago (registered by the organizer
    # on the day, through the hires domain of another issue), then the employer's outcome.
    def add_intent():
        fair = db.session.scalar(sa.select(Fair).where(Fair.title == "攸县民营企业招聘月专场"))
        hire = TentativeHire(
            fair=fair,
            position=db.session.get(Position, position_id),
            seeker_name="刘晓燕",
            seeker_phone="13812340000",
            seeker_id_number="11010519491231002X",
        )
        db.session.add(hire)
        db.session.flush()
        return hire.id

    hire_id = _in_app(live_server, add_intent)
    page.get_by_role("link", name="意向结果").first.click()
    intent = page.get_by_test_id(f"intent-{hire_id}")
    expect(intent).to_contain_text("刘晓燕")
    expect(intent).to_contain_text("13812340000")
    expect(page.locator("body")).not_to_contain_text("11010519491231002X")
    intent.get_by_label("结果").select_option(label="已录用")
    intent.get_by_label("日期").fill(local_today().isoformat())
    # Recording a hire asks first (one tap must not record one by mistake).
    page.wait_for_load_state("domcontentloaded")  # confirm.js (deferred) asks the question
    page.once("dialog", lambda dialog: dialog.accept())
    intent.get_by_role("button", name="登记").click()
    expect(page.get_by_role("alert").first).to_contain_text("已记录 刘晓燕 的结果：已录用")

    def outcome():
        hire = db.session.get(TentativeHire, hire_id)
        return hire.outcome, hire.hired_on

    assert _in_app(live_server, outcome) == (Outcome.HIRED, local_today())

    # 6. The public sees the position, with its JobPosting markup, without signing in.
    page.context.clear_cookies()
    page.goto(f"/positions/{position_id}")
    expect(page.get_by_role("heading", name="日用瓷彩绘工")).to_be_visible()
    expect(page.locator('script[type="application/ld+json"]')).to_have_count(1)
