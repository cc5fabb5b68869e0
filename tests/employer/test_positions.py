"""The employer creates, edits, submits, closes and reopens its positions."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.employers.models import EmployerStatus
from recruit.errors import Invalid, Stale
from recruit.formatting import local_today
from recruit.positions.models import Position, PositionStatus
from recruit.positions.rules import minimum_monthly_wage, validate_position_data
from recruit.positions.services import update_position
from recruit.positions.signals import position_changed


@pytest.fixture
def changes():
    """Record every position_changed signal sent during the test."""
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender.id, kwargs["reason"]))

    position_changed.connect(receiver)
    yield seen
    position_changed.disconnect(receiver)


def _own_positions(db, user):
    return db.session.scalars(
        sa.select(Position).where(Position.employer_id == user.employer_id).order_by(Position.id)
    ).all()


def test_a_new_position_is_saved_as_a_draft(client, db, signed_in, position_form):
    response = client.post("/employer/positions/new", data=position_form())

    assert response.status_code == 302
    (position,) = _own_positions(db, signed_in)
    assert position.status is PositionStatus.DRAFT
    assert (position.salary_min, position.salary_max, position.openings) == (4000, 6000, 3)
    assert position.contact_phone == "13800000000"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"openings": "0"}, "招聘人数：至少 1 人"),
        ({"openings": "三"}, "招聘人数：请填写整数"),
        ({"salary_min": "7000", "salary_max": "6000"}, "最高月薪不能低于最低月薪"),
        ({"salary_min": "", "salary_max": ""}, "请填写最低和最高月薪，或勾选“面议”"),
        ({"salary_min": "2000", "salary_max": "3000"}, "不得低于天元区最低工资标准 2100 元/月"),
        ({"occupation_code": "2-01-02-00"}, "职业编码：应以所选大类 6 开头"),
        ({"occupation_code": "6-1-2"}, "职业编码：格式应为 X-XX-XX-XX"),
        ({"contact_phone": "12345"}, "联系电话：请填写手机号码或带区号的固定电话"),
        ({"title": ""}, "岗位名称：必填"),
        ({"work_region_code": "430221"}, "工作地区"),
    ],
)
def test_bad_position_input_is_refused_naming_the_field(
    client, db, signed_in, position_form, overrides, message
):
    response = client.post("/employer/positions/new", data=position_form(**overrides))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert _own_positions(db, signed_in) == []


def test_valid_until_must_be_within_a_year(client, db, signed_in, position_form):
    too_late = (local_today() + timedelta(days=400)).isoformat()
    page = client.post(
        "/employer/positions/new", data=position_form(valid_until=too_late)
    ).get_data(as_text=True)
    assert "有效期至：最长一年" in page

    past = (local_today() - timedelta(days=1)).isoformat()
    page = client.post("/employer/positions/new", data=position_form(valid_until=past)).get_data(
        as_text=True
    )
    assert "有效期至：不能早于今天" in page


def test_negotiable_salary_needs_no_amounts(client, db, signed_in, position_form):
    form = position_form(salary_min="", salary_max="", salary_negotiable="y")

    assert client.post("/employer/positions/new", data=form).status_code == 302
    (position,) = _own_positions(db, signed_in)
    assert position.salary_negotiable and position.salary_min is None


def test_minimum_wage_is_read_per_region_from_the_settings(app, db):
    assert minimum_monthly_wage("430211") == 2100
    assert minimum_monthly_wage("430223") == 1900
    # 攸县 pays 1900 at least; the same salary in 天元区 is refused.
    data = {
        "title": "普工",
        "description": "流水线",
        "occupation_major_group": 6,
        "openings": 1,
        "salary_min": 2000,
        "salary_max": 2500,
        "work_region_code": "430223",
        "valid_until": local_today() + timedelta(days=30),
    }
    assert validate_position_data(data)["salary_min"] == 2000
    with pytest.raises(Invalid) as error:
        validate_position_data({**data, "work_region_code": "430211"})
    assert "2100" in error.value.errors["salary_min"]
    # Part-time work has an hourly minimum instead of the monthly one.
    assert validate_position_data(
        {**data, "work_region_code": "430211", "employment_type": "part_time"}
    )


def test_minimum_wage_follows_the_configuration(app, db):
    app.config["MINIMUM_MONTHLY_WAGE"] = {**app.config["MINIMUM_MONTHLY_WAGE"], "430211": 2500}
    try:
        assert minimum_monthly_wage("430211") == 2500
    finally:
        app.config["MINIMUM_MONTHLY_WAGE"] = {
            **app.config["MINIMUM_MONTHLY_WAGE"],
            "430211": 2100,
        }


def test_submitting_a_draft_sends_it_to_review(client, db, signed_in, make_position, changes):
    position = make_position(employer=signed_in.employer, status=PositionStatus.DRAFT)

    client.post(f"/employer/positions/{position.id}/submit")

    assert position.status is PositionStatus.PENDING
    assert changes == [(position.id, "pending")]


@pytest.mark.parametrize(
    ("description", "phrase"),
    [
        ("限男性，吃苦耐劳", "限男性"),
        ("仅限本地户籍", "仅限本地户籍"),
        ("要求已婚已育", "要求已婚已育"),
        ("汉族优先", "汉族优先"),
    ],
)
def test_a_blocking_phrase_refuses_submission_with_the_phrase_shown(
    client, db, signed_in, make_position, description, phrase
):
    position = make_position(
        employer=signed_in.employer,
        status=PositionStatus.DRAFT,
        title="陶瓷包装工",
        description=description,
    )

    page = client.post(f"/employer/positions/{position.id}/submit", follow_redirects=True).get_data(
        as_text=True
    )

    assert f"“{phrase}”" in page
    # Sent from the list of positions: the refusal names the one it is about.
    assert page.count("岗位“陶瓷包装工”：") == 1
    assert position.status is PositionStatus.DRAFT


def test_a_warning_phrase_lets_the_position_through_and_notes_it_for_the_reviewer(
    client, db, signed_in, make_position
):
    position = make_position(
        employer=signed_in.employer,
        status=PositionStatus.DRAFT,
        description="形象气质佳，18-35岁",
    )

    page = client.post(f"/employer/positions/{position.id}/submit", follow_redirects=True).get_data(
        as_text=True
    )

    assert position.status is PositionStatus.PENDING
    assert "形象气质佳" in page
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "position.screening"))
    assert "形象气质佳" in entry.summary["warnings"]


def test_a_pending_employer_can_draft_but_not_submit(
    client, db, make_user, make_employer, make_position, login_as
):
    employer = make_employer(status=EmployerStatus.PENDING)
    login_as(make_user(Role.EMPLOYER, employer=employer))
    position = make_position(employer=employer, status=PositionStatus.DRAFT)

    page = client.post(f"/employer/positions/{position.id}/submit", follow_redirects=True).get_data(
        as_text=True
    )

    assert "审核通过后才能提交岗位" in page
    assert position.status is PositionStatus.DRAFT


def _edit_form(position, position_form, **overrides):
    values = dict(
        title=position.title,
        openings=str(position.openings),
        salary_min=str(position.salary_min),
        salary_max=str(position.salary_max),
        work_region_code=position.work_region_code,
        description=position.description,
        version=str(position.version),
        valid_until=position.valid_until.isoformat(),
    )
    values.update(overrides)
    return position_form(**values)


def test_editing_openings_of_an_open_position_bumps_the_revision_and_stays_open(
    client, db, signed_in, make_position, position_form, changes
):
    position = make_position(employer=signed_in.employer, description="负责装配")
    form = _edit_form(position, position_form, openings="8")

    client.post(f"/employer/positions/{position.id}/edit", data=form)

    assert position.status is PositionStatus.OPEN
    assert (position.openings, position.revision) == (8, 2)
    assert changes == [(position.id, "revised")]


def test_editing_a_reviewed_field_of_an_open_position_sends_it_back_to_review(
    client, db, signed_in, make_position, position_form, changes
):
    position = make_position(employer=signed_in.employer, description="负责装配")
    form = _edit_form(position, position_form, salary_max="9000")

    page = client.post(
        f"/employer/positions/{position.id}/edit", data=form, follow_redirects=True
    ).get_data(as_text=True)

    assert position.status is PositionStatus.PENDING
    assert position.revision == 2
    assert changes == [(position.id, "pending")]
    assert "重新进入审核" in page


def test_saving_without_changes_changes_nothing(
    client, db, signed_in, make_position, position_form, changes
):
    position = make_position(employer=signed_in.employer, description="负责装配")
    form = _edit_form(position, position_form)
    # The factory leaves these blank; the form sends the same values back.
    position.work_address, position.contact_name, position.contact_phone = (
        form["work_address"],
        form["contact_name"],
        form["contact_phone"],
    )

    client.post(f"/employer/positions/{position.id}/edit", data=form)

    assert position.revision == 1 and changes == []


def test_an_edit_based_on_a_stale_version_is_refused(
    client, db, signed_in, make_position, position_form
):
    position = make_position(employer=signed_in.employer, description="负责装配")
    form = _edit_form(position, position_form, openings="9")
    update_position(
        position, {**_service_data(position), "openings": 7}, version=None, by=signed_in
    )
    db.session.flush()

    page = client.post(f"/employer/positions/{position.id}/edit", data=form).get_data(as_text=True)

    assert "已被他人修改" in page
    assert position.openings == 7


def _service_data(position):
    return {
        "title": position.title,
        "description": position.description,
        "occupation_major_group": position.occupation_major_group,
        "openings": position.openings,
        "salary_min": position.salary_min,
        "salary_max": position.salary_max,
        "work_region_code": position.work_region_code,
        "valid_until": position.valid_until,
    }


def test_update_position_refuses_a_stale_version(db, make_position, make_user):
    position = make_position(description="负责装配")
    owner = make_user(Role.EMPLOYER, employer=position.employer)
    with pytest.raises(Stale):
        update_position(position, _service_data(position), version=position.version - 1, by=owner)


def test_a_blocking_phrase_added_to_an_open_position_is_refused_and_nothing_changes(
    client, db, signed_in, make_position, position_form
):
    position = make_position(employer=signed_in.employer, description="负责装配")
    db.session.commit()  # the route rolls back its own failed work, not the set-up
    form = _edit_form(position, position_form, description="只招男工")

    page = client.post(f"/employer/positions/{position.id}/edit", data=form).get_data(as_text=True)

    assert "“只招男工”" in page
    db.session.refresh(position)
    assert position.description == "负责装配" and position.status is PositionStatus.OPEN


def test_duplicate_makes_a_new_draft(client, db, signed_in, make_position):
    position = make_position(employer=signed_in.employer, title="窑炉工")

    response = client.post(f"/employer/positions/{position.id}/duplicate")

    copy = _own_positions(db, signed_in)[-1]
    assert copy.id != position.id
    assert copy.status is PositionStatus.DRAFT and copy.title == "窑炉工（副本）"
    assert response.headers["Location"].endswith(f"/employer/positions/{copy.id}/edit")


def test_close_and_reopen_an_approved_position(client, db, signed_in, make_position, changes):
    position = make_position(employer=signed_in.employer)
    position.published_at = position.created_at

    client.post(f"/employer/positions/{position.id}/close", data={"confirm": "1"})
    assert position.status is PositionStatus.CLOSED
    client.post(f"/employer/positions/{position.id}/reopen")
    assert position.status is PositionStatus.OPEN
    assert changes == [(position.id, "closed"), (position.id, "open")]


def test_an_expired_position_cannot_reopen_until_its_date_is_moved(
    client, db, signed_in, make_position
):
    position = make_position(
        employer=signed_in.employer,
        status=PositionStatus.EXPIRED,
        valid_until=local_today() - timedelta(days=1),
    )

    page = client.post(f"/employer/positions/{position.id}/reopen", follow_redirects=True).get_data(
        as_text=True
    )

    assert "请先修改有效期" in page
    assert position.status is PositionStatus.EXPIRED


def test_the_position_list_is_paged(client, db, signed_in, make_position, app):
    for n in range(app.config["PAGE_SIZE"] + 3):
        make_position(employer=signed_in.employer, title=f"岗位{n:02d}")

    first = client.get("/employer/positions").get_data(as_text=True)
    second = client.get("/employer/positions?page=2").get_data(as_text=True)

    assert first.count('data-testid="position-list"') == 1
    assert "第 1/2 页" in first and "第 2/2 页" in second


def test_a_parse_error_and_rule_errors_are_shown_together(client, db, signed_in, position_form):
    page = client.post(
        "/employer/positions/new", data=position_form(openings="三", title="", valid_until="")
    ).get_data(as_text=True)

    assert "招聘人数：请填写整数" in page
    assert "岗位名称：必填" in page
    assert "有效期至：请填写日期" in page
    assert "招聘人数：至少 1 人" not in page


def test_a_new_position_starts_valid_for_ninety_days(client, signed_in):
    from recruit.positions.services import default_valid_until

    page = client.get("/employer/positions/new").get_data(as_text=True)
    assert f'value="{default_valid_until().isoformat()}"' in page
