"""The review queue: employers and positions approved or rejected with a reason."""

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.employers.models import EmployerStatus
from recruit.employers.review import ReviewError, pending_employers, review_employer
from recruit.employers.signals import employer_changed
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
    with pytest.raises(ReviewError, match="不通过原因"):
        review_employer(employer, False, by=city_organizer, note="  ")
    assert employer.status is EmployerStatus.PENDING
    review_employer(employer, False, by=city_organizer, note="营业执照照片不清晰")
    assert employer.status is EmployerStatus.REJECTED
    assert employer.review_note == "营业执照照片不清晰"
    with pytest.raises(ReviewError, match="无需审核"):
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
    with pytest.raises(ReviewError, match="退回原因"):
        review_position(position, False, by=city_organizer)
    review_position(position, False, by=city_organizer, note="请写明工作时间")
    assert position.status is PositionStatus.DRAFT
    assert position.review_note == "请写明工作时间"


def test_a_position_with_discriminatory_text_cannot_be_approved(make_position, city_organizer):
    position = make_position(status=PositionStatus.PENDING, description="限男性，包吃住")
    with pytest.raises(ReviewError, match="限男性"):
        review_position(position, True, by=city_organizer)
    assert position.status is PositionStatus.PENDING


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
    with pytest.raises(ReviewError, match="所属企业尚未通过审核"):
        review_position(position, True, by=city_organizer)
    review_employer(employer, True, by=city_organizer)
    review_position(position, True, by=city_organizer)
    assert position.status is PositionStatus.OPEN
