"""The employer signs up for open fairs with chosen positions, and withdraws before the deadline."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from recruit.db_types import utcnow
from recruit.fairs.models import FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ, local_date, local_today


@pytest.fixture
def open_fair(make_fair):
    return make_fair(
        day=local_today() + timedelta(days=10),
        status=FairStatus.OPEN,
        registration_deadline=utcnow() + timedelta(days=5),
        booth_capacity=10,
    )


def _participation(db, employer, fair):
    return db.session.scalar(
        sa.select(Participation).where(
            Participation.employer_id == employer.id, Participation.fair_id == fair.id
        )
    )


def test_sign_up_with_chosen_positions_and_openings(
    client, db, signed_in, make_position, open_fair
):
    kiln = make_position(employer=signed_in.employer, title="窑炉工")
    make_position(employer=signed_in.employer, title="质检员")

    response = client.post(
        f"/employer/fairs/{open_fair.id}/signup",
        data={f"position_{kiln.id}": "1", f"openings_{kiln.id}": "4"},
    )

    assert response.status_code == 302
    participation = _participation(db, signed_in.employer, open_fair)
    assert participation.status is ParticipationStatus.REQUESTED
    assert [(fp.position_id, fp.openings) for fp in participation.fair_positions] == [(kiln.id, 4)]
    page = client.get("/employer/fairs").get_data(as_text=True)
    assert "窑炉工（4人）" in page and "待分配" in page and "已报名" in page


def test_sign_up_needs_at_least_one_position(client, db, signed_in, make_position, open_fair):
    make_position(employer=signed_in.employer)
    db.session.commit()  # the route rolls back its own failed work, not the set-up

    page = client.post(f"/employer/fairs/{open_fair.id}/signup", data={}).get_data(as_text=True)

    assert "请至少选择一个岗位" in page
    assert _participation(db, signed_in.employer, open_fair) is None


def test_sign_up_after_the_deadline_is_refused(client, db, signed_in, make_position, make_fair):
    position = make_position(employer=signed_in.employer)
    fair = make_fair(
        day=local_today() + timedelta(days=3),
        status=FairStatus.OPEN,
        registration_deadline=utcnow() - timedelta(hours=1),
    )

    page = client.post(
        f"/employer/fairs/{fair.id}/signup",
        data={f"position_{position.id}": "1", f"openings_{position.id}": "2"},
    ).get_data(as_text=True)

    assert "不在报名期内" in page
    assert _participation(db, signed_in.employer, fair) is None


def test_a_blocked_employer_is_told_until_when(
    client, db, signed_in, make_position, make_fair, open_fair
):
    position = make_position(employer=signed_in.employer)
    # Two no-shows at offline fairs in the last year trigger the credit rule.
    latest = None
    for days_ago in (60, 20):
        fair = make_fair(day=local_today() - timedelta(days=days_ago), status=FairStatus.CLOSED)
        db.session.add(
            Participation(
                fair=fair, employer=signed_in.employer, status=ParticipationStatus.NO_SHOW
            )
        )
        latest = fair
    db.session.flush()
    until = latest.starts_at.astimezone(LOCAL_TZ).date() + timedelta(days=90)

    page = client.post(
        f"/employer/fairs/{open_fair.id}/signup",
        data={f"position_{position.id}": "1", f"openings_{position.id}": "2"},
    ).get_data(as_text=True)

    assert f"在 {local_date(until)}（含）之前不能报名招聘会" in page
    assert _participation(db, signed_in.employer, open_fair) is None


def test_positions_of_another_employer_cannot_be_signed_up(
    client, db, signed_in, make_position, open_fair
):
    mine = make_position(employer=signed_in.employer)
    theirs = make_position(title="别家岗位")

    client.post(
        f"/employer/fairs/{open_fair.id}/signup",
        data={
            f"position_{mine.id}": "1",
            f"openings_{mine.id}": "2",
            f"position_{theirs.id}": "1",
            f"openings_{theirs.id}": "2",
        },
    )

    participation = _participation(db, signed_in.employer, open_fair)
    # Only the employer's own open positions are offered in the form, so theirs is ignored.
    assert [fp.position_id for fp in participation.fair_positions] == [mine.id]


def test_withdraw_before_the_deadline_and_sign_up_again(
    client, db, signed_in, make_position, open_fair
):
    position = make_position(employer=signed_in.employer)
    form = {f"position_{position.id}": "1", f"openings_{position.id}": "2"}
    client.post(f"/employer/fairs/{open_fair.id}/signup", data=form)
    participation = _participation(db, signed_in.employer, open_fair)

    client.post(f"/employer/participations/{participation.id}/withdraw", data={"confirm": "1"})
    assert participation.status is ParticipationStatus.WITHDRAWN

    client.post(
        f"/employer/fairs/{open_fair.id}/signup", data={**form, f"openings_{position.id}": "5"}
    )
    assert participation.status is ParticipationStatus.REQUESTED
    assert [fp.openings for fp in participation.fair_positions] == [5]


def test_withdraw_after_the_deadline_is_refused(client, db, signed_in, make_fair):
    fair = make_fair(
        day=local_today() + timedelta(days=2),
        status=FairStatus.OPEN,
        registration_deadline=datetime.now(LOCAL_TZ) - timedelta(hours=2),
    )
    participation = Participation(
        fair=fair, employer=signed_in.employer, status=ParticipationStatus.APPROVED, booth="A01"
    )
    db.session.add(participation)
    db.session.commit()

    page = client.post(
        f"/employer/participations/{participation.id}/withdraw",
        data={"confirm": "1"},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "报名已截止，不能在线撤回" in page
    assert participation.status is ParticipationStatus.APPROVED


def test_a_full_fair_refuses_new_sign_ups(
    client, db, signed_in, make_position, make_employer, open_fair
):
    open_fair.booth_capacity = 1
    db.session.add(
        Participation(fair=open_fair, employer=make_employer(), status=ParticipationStatus.APPROVED)
    )
    position = make_position(employer=signed_in.employer)

    page = client.post(
        f"/employer/fairs/{open_fair.id}/signup",
        data={f"position_{position.id}": "1", f"openings_{position.id}": "2"},
    ).get_data(as_text=True)

    assert "展位已满" in page


def test_the_sign_up_list_shows_only_fairs_open_for_registration(
    client, db, signed_in, open_fair, make_fair
):
    planned = make_fair(status=FairStatus.PLANNED, title="尚未开放报名的招聘会")

    page = client.get("/employer/fairs").get_data(as_text=True)

    assert open_fair.title in page
    assert planned.title not in page
