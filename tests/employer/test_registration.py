"""Employer registration at /employers/register."""

import sqlalchemy as sa

from recruit.auth.models import Role, User
from recruit.employers.models import Employer, EmployerStatus
from recruit.validators import uscc_check_char

BODY = "91430211MA4TRE000"
USCC = BODY + uscc_check_char(BODY)


def _form(**overrides):
    data = {
        "name": "株洲新瓷科技有限公司",
        "uscc": USCC,
        "region_code": "430211",
        "industry_section": "C",
        "industry_class": "3071",
        "industry_chain_id": "",
        "size": "small",
        "address": "天元区泰山路 88 号",
        "contact_name": "王经理",
        "contact_phone": "139 0733 1234",
        "username": "xinci_hr",
        "password": "Xinci-2026",
        "password_confirm": "Xinci-2026",
    }
    data.update(overrides)
    return data


def test_registration_creates_a_pending_employer_and_signs_its_account_in(client, db):
    response = client.post("/employers/register", data=_form(uscc=USCC.lower()))

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/employer/")
    employer = db.session.scalar(sa.select(Employer).where(Employer.uscc == USCC))
    assert employer.status is EmployerStatus.PENDING
    assert employer.contact_phone == "13907331234"
    user = db.session.scalar(sa.select(User).where(User.username == "xinci_hr"))
    assert user.role is Role.EMPLOYER and user.employer_id == employer.id
    dashboard = client.get("/employer/").get_data(as_text=True)
    assert "待审核" in dashboard and "株洲新瓷科技有限公司" in dashboard


def test_an_already_registered_uscc_gets_a_clear_message_and_nothing_is_written(
    client, db, make_employer
):
    existing = make_employer()
    users_before = db.session.scalar(sa.select(sa.func.count(User.id)))

    response = client.post("/employers/register", data=_form(uscc=existing.uscc))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "该企业已注册" in page
    assert "株洲新瓷科技有限公司" in page  # the form keeps what was typed
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before
    assert (
        db.session.scalar(sa.select(Employer).where(Employer.name == "株洲新瓷科技有限公司"))
        is None
    )


def test_registration_names_each_bad_field_in_chinese(client, db):
    response = client.post(
        "/employers/register",
        data=_form(
            uscc="91350100M000100Y4Z",
            contact_phone="12345",
            password="short",
            industry_class="30",
        ),
    )

    page = response.get_data(as_text=True)
    assert "统一社会信用代码：含有不允许的字符“Z”" in page
    assert "手机号码：格式不正确，应为以 1 开头的 11 位手机号码" in page
    assert "密码：至少 8 位" in page
    assert "行业小类：应为 4 位数字" in page
    assert db.session.scalar(sa.select(sa.func.count(Employer.id))) == 0


def test_a_taken_username_is_refused_without_creating_the_employer(client, db, make_user):
    make_user(Role.VIEWER, username="xinci_hr")

    page = client.post("/employers/register", data=_form()).get_data(as_text=True)

    assert "登录用户名：“xinci_hr”已被使用" in page
    assert db.session.scalar(sa.select(Employer).where(Employer.uscc == USCC)) is None


def test_mismatched_password_confirmation_is_refused(client, db):
    page = client.post("/employers/register", data=_form(password_confirm="Other-2026")).get_data(
        as_text=True
    )

    assert "两次输入的密码不一致" in page


def test_a_rejected_employer_sees_the_reason_on_its_dashboard(
    client, make_user, make_employer, login_as
):
    employer = make_employer(status=EmployerStatus.REJECTED, review_note="营业执照信息与名称不符")
    login_as(make_user(Role.EMPLOYER, employer=employer))

    page = client.get("/employer/").get_data(as_text=True)

    assert "未通过" in page and "营业执照信息与名称不符" in page


def test_an_empty_form_lists_every_required_field_at_once(client, db):
    page = client.post("/employers/register", data={}).get_data(as_text=True)

    for message in (
        "企业名称：必填",
        "统一社会信用代码：必填",
        "所在地区：请选择",
        "单位地址：必填",
        "联系人：必填",
        "手机号码：必填",
        "登录用户名：须为 3–64 位",
        "密码：至少 8 位",
    ):
        assert message in page
    assert 'placeholder="None"' not in page


def test_the_district_is_chosen_not_defaulted(client):
    page = client.get("/employers/register").get_data(as_text=True)
    select = page.split('id="region_code"', 1)[1].split("</select>", 1)[0]
    first = select.split("<option", 2)[1]
    assert 'value=""' in first and "请选择" in first
