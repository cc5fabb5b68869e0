"""The pages: 待回访 for staff, the history on the staff intent page and the employer's list."""

from datetime import timedelta

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.formatting import local_today
from recruit.hires.models import Outcome, StepKind
from recruit.hires.steps import history, record_step

TODAY = local_today()


def test_staff_see_who_is_due_with_the_phone_masked(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)

    page = client.get("/manage/callbacks").get_data(as_text=True)

    assert "待回访" in page and "张三" in page and "139****5678" in page
    assert "13912345678" not in page
    assert hire.position.title in page and hire.position.employer.name in page
    assert hire.fair.title in page and str(hire.started_on) in page and "（40天）" in page
    assert "30天回访" in page


def test_retained_takes_the_row_off_the_list(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)

    response = client.post(
        f"/manage/callbacks/{hire.id}/answer", data={"answer": "retained", "milestone": "30"}
    )

    assert response.status_code == 302
    assert [(s.step, s.on) for s in history(hire)][-1] == (StepKind.RETAINED_30, TODAY)
    page = client.get(response.location).get_data(as_text=True)
    assert "已登记 张三 的回访结果：在岗满30天" in page
    assert f'data-testid="callback-{hire.id}"' not in page


def test_unreachable_keeps_the_row_and_counts_the_try(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)

    client.post(
        f"/manage/callbacks/{hire.id}/answer", data={"answer": "unreachable", "milestone": "30"}
    )
    page = client.get("/manage/callbacks?milestone=30").get_data(as_text=True)

    assert f'data-testid="callback-{hire.id}"' in page
    assert "联系不上 1 次" in page
    assert hire.outcome is Outcome.STARTED


def test_left_records_the_day_and_ends_the_follow_up(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)
    left_on = TODAY - timedelta(days=3)

    client.post(
        f"/manage/callbacks/{hire.id}/answer",
        data={"answer": "left", "milestone": "30", "on": left_on.isoformat()},
    )

    assert (hire.outcome, hire.outcome_on) == (Outcome.LEFT, left_on)
    assert "暂无待回访" in client.get("/manage/callbacks").get_data(as_text=True)


def test_a_refused_answer_is_shown(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)

    page = client.post(
        f"/manage/callbacks/{hire.id}/answer",
        data={"answer": "retained", "milestone": "90"},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "到岗满90天" in page
    assert [s.step for s in history(hire)] == [StepKind.STARTED]


def test_the_phone_is_shown_through_the_audited_gate(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)

    page = client.post(f"/manage/callbacks/{hire.id}/phone").get_data(as_text=True)

    assert 'href="tel:13912345678"' in page
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "hire.view_pii")).one()
    assert (entry.user_id, entry.object_id) == (staff.id, str(hire.id))
    assert entry.summary["purpose"] == "callback"


def test_a_county_organizer_neither_sees_nor_answers_other_counties(
    client, db, make_started, make_user, login_as
):
    liling = make_user(Role.ORGANIZER, region_code="430281")
    elsewhere = make_started(40, region="430211")
    db.session.commit()
    login_as(liling)

    assert "暂无待回访" in client.get("/manage/callbacks").get_data(as_text=True)
    for action in ("answer", "phone"):
        response = client.post(
            f"/manage/callbacks/{elsewhere.id}/{action}",
            data={"answer": "retained", "milestone": "30"},
        )
        assert response.status_code == 404
    assert len(history(elsewhere)) == 1


def test_the_nav_links_staff_to_the_list(client, db, staff, login_as, make_user):
    login_as(staff)
    assert 'href="/manage/callbacks"' in client.get("/manage/").get_data(as_text=True)


def test_staff_record_and_void_a_step_on_the_intent_page(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)
    url = f"/manage/fairs/{hire.fair_id}/intents/{hire.id}"

    client.post(
        f"{url}/steps",
        data={"step": "retained_30", "on": TODAY.isoformat(), "milestone": "", "note": "本人接听"},
    )
    retained = history(hire)[-1]
    assert (retained.step, retained.note, retained.recorded_by_id) == (
        StepKind.RETAINED_30,
        "本人接听",
        staff.id,
    )
    page = client.get(url).get_data(as_text=True)
    assert "在岗满30天" in page and "本人接听" in page

    client.post(f"{url}/steps/{retained.id}/void", data={"reason": "误录"})

    page = client.get(url).get_data(as_text=True)
    assert f'data-testid="step-{retained.id}"' in page
    assert "<s>" in page and "已作废：更正：误录" in page
    assert retained.voided_at is not None


def test_the_intent_page_shows_a_refused_step(client, db, make_started, staff, login_as):
    hire = make_started(40)
    db.session.commit()
    login_as(staff)
    url = f"/manage/fairs/{hire.fair_id}/intents/{hire.id}"

    page = client.post(
        f"{url}/steps",
        data={"step": "unreachable", "on": TODAY.isoformat(), "milestone": ""},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "回访节点：请选择30、90或180天" in page


def test_the_employer_sees_the_history_and_voids_its_own_step(
    client, db, make_intent, make_position, make_user, staff, login_as
):
    owner = make_user(Role.EMPLOYER)
    hire = make_intent(fair_days_ago=20, position=make_position(employer=owner.employer))
    own = record_step(hire, StepKind.HIRED, TODAY - timedelta(days=10), by=owner)
    staffs = record_step(hire, StepKind.DECLINED, TODAY - timedelta(days=2), by=staff)
    db.session.commit()
    login_as(owner)

    page = client.get("/employer/outcomes").get_data(as_text=True)
    assert "结果记录（2条）" in page and "人社工作人员" in page and "用人单位" in page
    # Only its own step has a correction button.
    assert page.count('name="step"') == 1 and f'value="{own.id}"' in page

    client.post(f"/employer/outcomes/{hire.id}/void", data={"step": own.id, "reason": "误录"})
    assert own.void_reason == "更正：误录" and hire.hired_on is None
    page = client.post(
        f"/employer/outcomes/{hire.id}/void",
        data={"step": staffs.id, "reason": "误录"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "只能作废本单位登记的记录" in page
    assert staffs.voided_at is None
