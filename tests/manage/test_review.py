"""The review queue: employers and positions approved or rejected with a reason."""

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.employers.models import EmployerStatus
from recruit.employers.review import MAX_REVIEW_NOTE, pending_employers, review_employer
from recruit.employers.signals import employer_changed
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.extensions import db as _db
from recruit.positions.models import PositionStatus
from recruit.positions.review import pending_positions, review_position
from recruit.positions.signals import position_changed


def test_approving_an_employer_is_audited_and_announced(db, make_employer, city_organizer):
    employer = make_employer(status=EmployerStatus.PENDING)
    heard = []

    def listener(sender, reason):
        heard.append((sender, reason))

    with employer_changed.connected_to(listener):
        review_employer(employer, True, by=city_organizer)
    assert employer.status is EmployerStatus.APPROVED and employer.reviewed_at is not None
    assert heard == [(employer, "approved")]
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "employer.approved"))
    assert entry.one().summary == {"status": ["pending", "approved"]}


def test_rejecting_an_employer_needs_a_reason_the_employer_sees(make_employer, city_organizer):
    employer = make_employer(status=EmployerStatus.PENDING)
    with pytest.raises(Invalid, match="不通过原因"):
        review_employer(employer, False, by=city_organizer, note="  ")
    assert employer.status is EmployerStatus.PENDING
    review_employer(employer, False, by=city_organizer, note="营业执照照片不清晰")
    assert employer.status is EmployerStatus.REJECTED
    assert employer.review_note == "营业执照照片不清晰"
    with pytest.raises(Conflict, match="无需审核"):
        review_employer(employer, True, by=city_organizer)


def test_approving_a_position_publishes_it(make_position, city_organizer):
    position = make_position(status=PositionStatus.PENDING)
    heard = []
    with position_changed.connected_to(lambda sender, reason: heard.append(reason)):
        review_position(position, True, by=city_organizer)
    assert position.status is PositionStatus.OPEN and position.published_at is not None
    assert heard == ["open"]


def test_rejecting_a_position_sends_it_back_to_draft_with_the_reason(make_position, city_organizer):
    position = make_position(status=PositionStatus.PENDING)
    with pytest.raises(Invalid, match="退回原因"):
        review_position(position, False, by=city_organizer)
    review_position(position, False, by=city_organizer, note="请写明工作时间")
    assert position.status is PositionStatus.DRAFT
    assert position.review_note == "请写明工作时间"


def test_a_flagged_position_is_approved_only_with_a_recorded_reason(make_position, city_organizer):
    position = make_position(status=PositionStatus.PENDING, description="限男性，包吃住")
    with pytest.raises(Invalid, match="限男性"):
        review_position(position, True, by=city_organizer)
    assert position.status is PositionStatus.PENDING
    review_position(position, True, by=city_organizer, note="井下作业，法定禁忌女职工从事")
    assert position.status is PositionStatus.OPEN


def test_the_queue_holds_only_records_in_the_reviewers_scope(
    make_employer, make_position, liling_organizer, city_organizer
):
    liling = make_employer(status=EmployerStatus.PENDING, region_code="430281")
    tianyuan = make_employer(status=EmployerStatus.PENDING, region_code="430211")
    liling_position = make_position(
        status=PositionStatus.PENDING, employer=make_employer(region_code="430281")
    )
    make_position(status=PositionStatus.PENDING)
    assert _db.session.scalars(pending_employers(liling_organizer)).all() == [liling]
    assert set(_db.session.scalars(pending_employers(city_organizer))) >= {liling, tianyuan}
    assert _db.session.scalars(pending_positions(liling_organizer)).all() == [liling_position]


def test_a_position_of_an_employer_not_yet_approved_cannot_be_published(
    make_employer, make_position, city_organizer
):
    employer = make_employer(status=EmployerStatus.PENDING)
    position = make_position(status=PositionStatus.PENDING, employer=employer)
    with pytest.raises(Conflict, match="所属企业尚未通过审核"):
        review_position(position, True, by=city_organizer)
    review_employer(employer, True, by=city_organizer)
    review_position(position, True, by=city_organizer)
    assert position.status is PositionStatus.OPEN


def test_a_reviewer_outside_the_records_region_finds_nothing_to_review(
    make_employer, make_position, liling_organizer
):
    employer = make_employer(status=EmployerStatus.PENDING, region_code="430211")
    position = make_position(status=PositionStatus.PENDING)
    with pytest.raises(NotFound):
        review_employer(employer, True, by=liling_organizer)
    with pytest.raises(NotFound):
        review_position(position, True, by=liling_organizer)
    assert employer.status is EmployerStatus.PENDING
    assert position.status is PositionStatus.PENDING


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EMPLOYER])
def test_only_staff_review(make_user, make_employer, make_position, role):
    actor = make_user(role)
    employer = make_employer(status=EmployerStatus.PENDING)
    position = make_position(status=PositionStatus.PENDING)
    for call in (
        lambda: pending_employers(actor),
        lambda: pending_positions(actor),
        lambda: review_employer(employer, True, by=actor),
        lambda: review_position(position, True, by=actor),
    ):
        with pytest.raises(Forbidden):
            call()
    assert employer.status is EmployerStatus.PENDING
    assert position.status is PositionStatus.PENDING


def test_a_review_note_over_the_limit_names_the_note(make_employer, make_position, city_organizer):
    too_long = "意" * (MAX_REVIEW_NOTE + 1)
    with pytest.raises(Invalid) as employer_refusal:
        review_employer(
            make_employer(status=EmployerStatus.PENDING), False, by=city_organizer, note=too_long
        )
    with pytest.raises(Invalid) as position_refusal:
        review_position(
            make_position(status=PositionStatus.PENDING), False, by=city_organizer, note=too_long
        )
    assert employer_refusal.value.field == position_refusal.value.field == "note"
