"""Journey 1: the demo organizer runs a fair from creation to the printed summary."""

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from recruit.demo.services import DEMO_PASSWORD
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation, ParticipationStatus
from recruit.fairs.participations import offerable_positions
from recruit.formatting import LOCAL_TZ

EMPLOYER = "株洲天元轨道装备配件有限公司"
REQUESTER = "株洲石峰电力机车部件有限公司"
TITLE = "天元区轨道交通产业链专场招聘会"


def _employer_requests_a_place(app) -> None:
    """A sign-up the employer made on its own screens before the day (tested there).

    The journey's fair is today's and has started, when sign-up is closed; the request is
    therefore written as it would stand, rather than through the sign-up service.
    """
    with app.app_context():
        fair = db.session.scalar(sa.select(Fair).where(Fair.title == TITLE))
        employer = db.session.scalar(sa.select(Employer).where(Employer.name == REQUESTER))
        position = offerable_positions(employer)[0]
        part = Participation(fair=fair, employer=employer, status=ParticipationStatus.REQUESTED)
        part.fair_positions.append(FairPosition(position=position, openings=6))
        db.session.add(part)
        db.session.commit()
        db.session.remove()


def test_organizer_runs_a_fair_from_creation_to_the_summary(page, live_server):
    # Under way now, whatever the hour the test runs: the day's records open two hours
    # before the start and close at the end.
    starts = (datetime.now(LOCAL_TZ) - timedelta(minutes=30)).replace(second=0, microsecond=0)
    ends = starts + timedelta(hours=3)
    page.goto("/login")
    page.get_by_label("用户名").fill("organizer")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("link", name="管理工作台").click()
    expect(page.get_by_role("heading", name="管理工作台")).to_be_visible()
    page.get_by_role("link", name="新建招聘会").first.click()

    # A first try without a title: a Chinese message, and what was typed stays.
    page.get_by_label("举办地区").select_option(label="天元区")
    page.get_by_label("举办地点").fill("株洲市人力资源市场（天元区）三楼")
    page.get_by_label("开始时间").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("展位数量").fill("30")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("请填写招聘会名称。")).to_be_visible()
    expect(page.get_by_label("举办地点")).to_have_value("株洲市人力资源市场（天元区）三楼")

    page.get_by_label("招聘会名称").fill(TITLE)
    page.get_by_label("类型").select_option(label="产业链专场")
    page.get_by_label("产业链").select_option(label="轨道交通")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("已创建招聘会")
    expect(page.get_by_role("heading", name=re.compile(TITLE))).to_be_visible()
    page.get_by_role("button", name="开放报名").click()
    expect(page.get_by_role("alert")).to_contain_text("报名中")

    # An employer signs up; the organizer approves it from the review queue.
    _employer_requests_a_place(live_server.app)
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_test_id("pending-request").filter(has_text=REQUESTER).click()
    page.get_by_role("button", name="通过报名").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{REQUESTER}：已通过")
    page.get_by_label("展位号").fill("A02")
    page.get_by_role("button", name="保存展位").click()
    expect(page.get_by_role("alert")).to_contain_text("展位已设为 A02")

    # Add a demo employer, give it a booth and choose the positions it offers.
    page.get_by_role("link", name="参会企业", exact=True).click()
    page.get_by_placeholder("企业名称或统一社会信用代码").fill("天元轨道")
    page.get_by_role("button", name="查找企业").click()
    page.get_by_test_id("employer-results").get_by_role("button", name="加入本场").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已将{EMPLOYER}加入本场招聘会")
    page.get_by_label("展位号").fill("A02")
    page.get_by_role("button", name="保存展位").click()
    expect(page.get_by_role("alert")).to_contain_text(f"A02 已分配给{REQUESTER}")
    page.get_by_label("展位号").fill("A01")
    page.get_by_role("button", name="保存展位").click()
    expect(page.get_by_role("alert")).to_contain_text("展位已设为 A01")
    page.get_by_role("checkbox", name=re.compile("^数控车床操作工")).check()
    page.get_by_label("数控车床操作工招聘人数").fill("12")
    page.get_by_role("checkbox", name=re.compile("^电气装配工")).check()
    page.get_by_label("电气装配工招聘人数").fill("8")
    page.get_by_role("button", name="保存参会岗位").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存参会岗位：2个")

    # On the day, on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="现场签到/计数").click()
    page.get_by_role("button", name=f"{EMPLOYER} 签到").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{EMPLOYER} 已签到")
    page.get_by_role("button", name="+10").click()
    expect(page.get_by_test_id("tally-total")).to_have_text("10")
    page.get_by_role("button", name="+5").click()
    expect(page.get_by_test_id("tally-total")).to_have_text("15")
    page.get_by_text("更正（减少人数，需填原因）").click()
    page.get_by_label("减少人数").fill("2")
    page.get_by_label("更正原因").fill("入口重复计数")
    page.get_by_role("button", name="提交更正").click()
    expect(page.get_by_test_id("tally-total")).to_have_text("13")

    page.get_by_role("link", name="登记就业意向").click()
    page.get_by_label("意向岗位").select_option(label=f"数控车床操作工（展位A01，{EMPLOYER}）")
    page.get_by_label("求职者姓名").fill("刘建国")
    page.get_by_label("男", exact=True).check()
    page.get_by_label("手机号").fill("13907330011")
    page.get_by_label("学历").select_option(label="中专/技校")
    page.get_by_label("退役军人").check()
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("alert")).to_contain_text("已登记就业意向：刘建国")
    # The same seeker for the same position again is refused.
    page.get_by_label("意向岗位").select_option(label=f"数控车床操作工（展位A01，{EMPLOYER}）")
    page.get_by_label("求职者姓名").fill("刘建国")
    page.get_by_label("手机号").fill("13907330011")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("alert")).to_contain_text("重复登记")

    # Close the fair and read the summary.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="概况").click()
    page.get_by_role("button", name="开始举办").click()
    # While it runs the fair reads 举办中 (已举办 once it is over).
    expect(page.get_by_role("alert")).to_contain_text("举办中")
    # Closing is irreversible, so the page asks first; saying no changes nothing. The question
    # comes from the deferred confirm.js: wait for it, or the click gets the server's own
    # confirmation page instead (tests/manage/test_confirmation.py covers that path).
    page.wait_for_load_state("domcontentloaded")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="结束招聘会").click()
    expect(page.get_by_role("heading", name=re.compile("举办中"))).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束招聘会").click()
    # The employer that signed up but never checked in is a no-show.
    expect(page.get_by_role("alert").first).to_contain_text("1家企业记为到场，1家记为未到场")
    summary = page.get_by_test_id("fair-summary")
    expect(summary).to_contain_text(f"{TITLE} 工作简报")
    expect(page.get_by_test_id("val-employer-attendances")).to_have_text("1")
    expect(page.get_by_test_id("val-positions-offered")).to_have_text("20")
    expect(page.get_by_test_id("val-seeker-entries")).to_have_text("13")
    expect(page.get_by_test_id("val-tentative-hires")).to_have_text("1")
    expect(page.get_by_test_id("summary-sentence")).to_contain_text(
        "进场用工企业1家次，提供岗位20个次，入场求职13人次，初步达成就业意向1人次"
    )
    expect(page.get_by_test_id("summary-priority")).to_contain_text("退役军人")
    expect(page.get_by_test_id("summary-occupations")).to_contain_text("生产制造及有关人员")
    expect(summary).to_contain_text("已到场1家；未到场1家")
