"""Screening catches restrictions, not mentions; a flagged posting can still be reviewed."""

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.errors import Invalid
from recruit.positions.models import PositionStatus
from recruit.positions.review import review_position, screening_explanations
from recruit.positions.screening import screen_text
from recruit.positions.services import submit_position


@pytest.mark.parametrize(
    "text",
    ["已婚员工可申请夫妻宿舍", "未婚青年公寓免费入住", "女职工享受产假和哺乳假", "男女宿舍分开"],
)
def test_a_mention_in_a_benefit_is_not_a_restriction(text):
    assert [f for f in screen_text("普工", text) if f.blocks] == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("限已婚，包吃住", "限已婚"),
        ("已婚者优先", "已婚者优先"),
        ("未婚才可报名", "未婚才可报名"),
        ("要求已婚已育", "要求已婚已育"),
        ("不招已婚", "不招已婚"),
    ],
)
def test_a_restriction_on_marriage_is_blocked(text, phrase):
    flags = [f for f in screen_text("普工", text) if f.blocks]
    assert [f.phrase for f in flags] == [phrase]


def test_a_flagged_posting_goes_to_review_with_the_employers_explanation(
    db, make_user, make_position
):
    city_organizer = make_user(Role.ORGANIZER, region_code="430200")
    hr = make_user(Role.EMPLOYER)
    position = make_position(
        employer=hr.employer, status=PositionStatus.DRAFT, description="限已婚（夫妻岗，同住宿舍）"
    )
    with pytest.raises(Invalid) as refused:
        submit_position(position, by=hr)
    assert refused.value.field == "description"
    assert position.title in refused.value.message and "说明" in refused.value.message

    submit_position(position, by=hr, explanation="夫妻岗：两人同住一间宿舍，须为夫妻。")
    assert position.status is PositionStatus.PENDING
    assert screening_explanations([position]) == {
        position.id: "夫妻岗：两人同住一间宿舍，须为夫妻。"
    }

    with pytest.raises(Invalid) as no_reason:
        review_position(position, True, by=city_organizer)
    assert no_reason.value.field == "note" and "限已婚" in no_reason.value.message
    review_position(position, True, by=city_organizer, note="夫妻岗为住宿安排，已电话核实。")
    assert position.status is PositionStatus.OPEN
    override = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "position.screening_override")
    ).one()
    assert override.summary == {"phrases": ["限已婚"], "reason": "夫妻岗为住宿安排，已电话核实。"}


def test_the_review_page_shows_the_explanation(db, client, login_as, make_user, make_position):
    city_organizer = make_user(Role.ORGANIZER, region_code="430200")
    hr = make_user(Role.EMPLOYER)
    position = make_position(
        employer=hr.employer, status=PositionStatus.DRAFT, description="限已婚"
    )
    submit_position(position, by=hr, explanation="夫妻岗")
    login_as(city_organizer)
    page = client.get("/manage/review").get_data(as_text=True)
    assert "企业说明：夫妻岗" in page and "限已婚" in page
