"""The organizer screens over HTTP: roles, region scope, forms, messages, downloads."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
import segno
import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.employers.models import EmployerStatus
from recruit.fairs.models import Fair, FairStatus, ParticipationStatus, SeekerTally
from recruit.hires.models import TentativeHire
from recruit.positions.models import PositionStatus


def _text(response) -> str:
    return response.get_data(as_text=True)


def _fair_form(**overrides):
    data = {
        "title": "醴陵市陶瓷产业链春季专场",
        "type": "industry_chain",
        "mode": "offline",
        "region_code": "430281",
        "venue": "醴陵市陶瓷会展馆",
        "starts_at": "2026-04-10T09:00",
        "ends_at": "2026-04-10T12:00",
        "organizer_unit": "醴陵市就业服务中心",
        "industry_chain_id": "1",
        "booth_capacity": "40",
        "registration_deadline": "2026-04-08T17:00",
        "description": "",
        "version": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.VIEWER])
def test_other_roles_are_turned_away(client, login_as, make_user, role):
    login_as(make_user(role))
    assert client.get("/manage/").status_code == 403
    assert client.get("/manage/review").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/manage/fairs")
    assert response.status_code == 302 and "/login" in response.location


def test_a_liling_organizer_sees_and_changes_only_liling_fairs(
    client, login_as, liling_organizer, make_fair
):
    mine = make_fair(title="醴陵专场", region_code="430281")
    theirs = make_fair(title="天元专场", region_code="430211")
    login_as(liling_organizer)
    listing = _text(client.get("/manage/fairs"))
    assert "醴陵专场" in listing and "天元专场" not in listing
    assert client.get(f"/manage/fairs/{mine.id}").status_code == 200
    assert client.get(f"/manage/fairs/{theirs.id}").status_code == 404
    assert client.get(f"/manage/fairs/{theirs.id}/summary").status_code == 404
    response = client.post(f"/manage/fairs/{theirs.id}/status", data={"status": "open"})
    assert response.status_code == 404
    assert theirs.status is FairStatus.PLANNED
    for path in ("edit", "day", "participants", "intents", "import", "poster", "qr.svg"):
        assert client.get(f"/manage/fairs/{theirs.id}/{path}").status_code == 404, path
    assert client.post(f"/manage/fairs/{theirs.id}/close", data={"confirm": "1"}).status_code == 404
    assert (
        client.post(f"/manage/fairs/{theirs.id}/day/tally", data={"count": "5"}).status_code == 404
    )
    calendar = _text(client.get(f"/manage/calendar?month={theirs.starts_at:%Y-%m}"))
    assert "天元专场" not in calendar and "醴陵专场" in calendar


def test_the_city_organizer_sees_every_fair_in_the_city(
    client, login_as, city_organizer, make_fair
):
    make_fair(title="醴陵专场", region_code="430281")
    make_fair(title="天元专场", region_code="430211")
    login_as(city_organizer)
    listing = _text(client.get("/manage/fairs"))
    assert "醴陵专场" in listing and "天元专场" in listing
    filtered = _text(client.get("/manage/fairs?region=430281"))
    assert "醴陵专场" in filtered and "天元专场" not in filtered


def test_the_fair_list_is_paged(client, login_as, city_organizer, make_fair):
    for k in range(23):
        make_fair(title=f"分页招聘会{k:02d}", day=date(2026, 1, 1) + timedelta(days=k))
    login_as(city_organizer)
    first = _text(client.get("/manage/fairs?q=分页"))
    second = _text(client.get("/manage/fairs?q=分页&page=2"))
    assert "共 23 条" in first and "分页招聘会22" in first and "分页招聘会00" not in first
    assert "分页招聘会00" in second


def test_creating_a_fair_through_the_form(db, client, login_as, liling_organizer):
    login_as(liling_organizer)
    response = client.post("/manage/fairs/new", data=_fair_form())
    assert response.status_code == 302
    fair = db.session.scalars(sa.select(Fair).where(Fair.title.contains("陶瓷产业链春季"))).one()
    assert fair.region_code == "430281" and fair.booth_capacity == 40
    assert fair.starts_at.hour == 1  # 09:00 in Shanghai is 01:00 UTC
    assert "已创建招聘会" in _text(client.get(response.location))


def test_bad_fair_input_gets_chinese_messages_and_keeps_what_was_typed(
    db, client, login_as, liling_organizer
):
    login_as(liling_organizer)
    response = client.post(
        "/manage/fairs/new",
        data=_fair_form(title="", ends_at="2026-04-10T08:00", venue="我填的地点"),
    )
    body = _text(response)
    assert response.status_code == 200
    assert "请填写招聘会名称。" in body
    assert "我填的地点" in body
    response = client.post("/manage/fairs/new", data=_fair_form(ends_at="2026-04-10T08:00"))
    assert "结束时间：不能早于开始时间。" in _text(response)
    response = client.post("/manage/fairs/new", data=_fair_form(region_code="430211"))
    assert response.status_code == 200  # not a choice for a 醴陵 organizer
    assert db.session.scalar(sa.select(sa.func.count(Fair.id))) == 0


def test_a_stale_edit_is_refused_and_the_typed_text_kept(
    db, client, login_as, liling_organizer, make_fair
):
    fair = make_fair(region_code="430281", title="原名称")
    login_as(liling_organizer)
    form = _fair_form(industry_chain_id="", type="comprehensive", version=str(fair.version))
    assert (
        client.post(
            f"/manage/fairs/{fair.id}/edit", data=dict(form, venue="第一次保存")
        ).status_code
        == 302
    )
    response = client.post(f"/manage/fairs/{fair.id}/edit", data=dict(form, venue="第二个人的地点"))
    body = _text(response)
    assert "其他人在您编辑期间修改了这场招聘会" in body
    assert "第二个人的地点" in body  # nothing typed is lost
    assert f'name="version" type="hidden" value="{fair.version}"' in body
    db.session.refresh(fair)
    assert fair.venue == "第一次保存"


def test_status_buttons_move_the_fair_and_cancelling_needs_a_reason(
    client, login_as, city_organizer, make_fair
):
    fair = make_fair()
    login_as(city_organizer)
    client.post(f"/manage/fairs/{fair.id}/status", data={"status": "open"})
    assert fair.status is FairStatus.OPEN
    response = client.post(
        f"/manage/fairs/{fair.id}/status",
        data={"status": "cancelled", "reason": "", "confirm": "1"},
    )
    assert "请填写取消原因" in _text(client.get(response.location))
    assert fair.status is FairStatus.OPEN


def test_adding_an_employer_and_a_booth_conflict(
    client, login_as, city_organizer, open_fair, make_employer
):
    setup = open_fair(booth_capacity=5)
    setup.part.booth = "A01"
    newcomer = make_employer(name="醴陵新来陶瓷有限公司")
    login_as(city_organizer)
    found = _text(client.get(f"/manage/fairs/{setup.fair.id}/participants?q=新来陶瓷"))
    assert "醴陵新来陶瓷有限公司" in found
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/participants/add", data={"employer_id": newcomer.id}
    )
    assert response.status_code == 302
    part = next(p for p in setup.fair.participations if p.employer_id == newcomer.id)
    assert part.status is ParticipationStatus.APPROVED
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/participants/{part.id}/booth",
        data={"booth": "A01"},
        follow_redirects=True,
    )
    assert "A01 已分配给" in _text(response)
    assert part.booth is None


def test_a_pending_employer_cannot_be_added(
    client, login_as, city_organizer, open_fair, make_employer
):
    setup = open_fair()
    pending = make_employer(status=EmployerStatus.PENDING)
    login_as(city_organizer)
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/participants/add",
        data={"employer_id": pending.id},
        follow_redirects=True,
    )
    assert "不能参会" in _text(response)


def test_on_the_day_check_in_tallies_and_an_intent(db, client, login_as, city_organizer, open_fair):
    setup = open_fair()
    fair_id = setup.fair.id
    login_as(city_organizer)
    client.post(f"/manage/fairs/{fair_id}/day/{setup.part.id}/check-in")
    assert setup.part.checked_in_at is not None
    client.post(f"/manage/fairs/{fair_id}/day/tally", data={"count": "10", "source": "gate"})
    response = client.post(
        f"/manage/fairs/{fair_id}/day/tally",
        data={"kind": "correction", "count": "2", "source": "gate", "reason": ""},
    )
    assert "请填写更正原因" in _text(response)
    assert 'id="corr-count" name="count" value="2"' in _text(response)  # kept as typed
    response = client.post(
        f"/manage/fairs/{fair_id}/day/tally",
        data={"kind": "correction", "count": "50", "source": "gate", "reason": "多计"},
    )
    assert "更正后入场人数不能为负（当前合计10人）" in _text(response)
    assert 'value="多计"' in _text(response)
    client.post(
        f"/manage/fairs/{fair_id}/day/tally",
        data={"kind": "correction", "count": "2", "source": "gate", "reason": "重复计数"},
    )
    counts = db.session.scalars(sa.select(SeekerTally.count).order_by(SeekerTally.id)).all()
    assert counts == [10, -2]
    intent = {
        "position_id": str(setup.position.id),
        "seeker_name": "刘小红",
        "gender": "female",
        "seeker_phone": "13907319999",
        "seeker_id_number": "",
        "education": "junior_college",
        "priority_groups": ["graduate"],
    }
    response = client.post(f"/manage/fairs/{fair_id}/intents/new", data=intent)
    assert response.status_code == 302
    # The next form keeps the position chosen, ready for the next seeker at that booth.
    again = _text(client.get(response.location))
    assert f'<option selected value="{setup.position.id}">' in again
    response = client.post(f"/manage/fairs/{fair_id}/intents/new", data=intent)
    body = _text(response)
    assert "重复登记" in body and "刘小红" in body
    assert db.session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 1
    listing = _text(client.get(f"/manage/fairs/{fair_id}/intents"))
    assert "139****9999" in listing and "13907319999" not in listing


def test_an_invalid_phone_on_the_intent_form_is_named(client, login_as, city_organizer, open_fair):
    setup = open_fair()
    login_as(city_organizer)
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/intents/new",
        data={"position_id": str(setup.position.id), "seeker_name": "刘", "seeker_phone": "123"},
    )
    # The rule and its words live in recruit.hires.intents, the same for the page and the API.
    assert "手机号：格式不正确" in _text(response)


def _upload(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "就业意向"
    sheet.append(["姓名", "性别", "手机号", "身份证号", "学历", "重点群体", "岗位编号"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    book.close()
    buffer.seek(0)
    return buffer


def test_a_rejected_import_lists_errors_and_writes_nothing(
    db, client, login_as, city_organizer, open_fair
):
    setup = open_fair()
    login_as(city_organizer)
    template = client.get(f"/manage/fairs/{setup.fair.id}/import/template.xlsx")
    assert template.mimetype.endswith("spreadsheetml.sheet")
    openpyxl.load_workbook(io.BytesIO(template.data)).close()
    rows = [
        ["甲", "男", "13907310001", "", "", "", setup.position.id],
        ["乙", "男", "1", "", "", "", 999],
    ]
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/import",
        data={"file": (_upload(rows), "hires.xlsx")},
        content_type="multipart/form-data",
    )
    body = _text(response)
    assert "未导入任何数据" in body and "第3行" in body and "岗位编号" in body
    assert db.session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 0
    rows = [["甲", "男", "13907310001", "", "", "", setup.position.id]]
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/import",
        data={"file": (_upload(rows), "hires.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 1


def test_closing_leads_to_the_summary_with_the_numbers(
    db, client, login_as, city_organizer, open_fair
):
    setup = open_fair()
    login_as(city_organizer)
    client.post(f"/manage/fairs/{setup.fair.id}/day/{setup.part.id}/check-in")
    client.post(f"/manage/fairs/{setup.fair.id}/day/tally", data={"count": "25", "source": "scan"})
    response = client.post(f"/manage/fairs/{setup.fair.id}/close", data={"confirm": "1"})
    assert response.location.endswith(f"/manage/fairs/{setup.fair.id}/summary")
    body = _text(client.get(response.location))
    assert "1家企业记为到场，0家记为未到场" in body
    assert 'data-testid="val-employer-attendances">1<' in body
    assert 'data-testid="val-positions-offered">3<' in body
    assert 'data-testid="val-seeker-entries">25<' in body


def test_the_poster_opens_the_entry_form_and_the_qr_the_public_fair_page(
    app, client, login_as, city_organizer, make_fair, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zhaopin.example.cn")
    fair = make_fair()
    login_as(city_organizer)
    qr = client.get(f"/manage/fairs/{fair.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in qr.data
    # The public address, not the one the clerk's browser happened to use (here "localhost").
    poster = client.get(f"/manage/fairs/{fair.id}/poster").get_data(as_text=True)
    assert f"https://zhaopin.example.cn/fairs/{fair.id}" in poster
    # The printed code is the gate's: 扫码入场 (DESIGN §7).
    entry = segno.make(f"https://zhaopin.example.cn/fairs/{fair.id}/entry", error="m")
    assert entry.svg_inline(border=4, omitsize=True) in poster
    assert "viewBox=" in poster  # the printed code scales to the poster, not clipped


def test_the_workspace_counts_pending_reviews_in_scope(
    client, login_as, liling_organizer, make_employer, make_fair
):
    make_employer(status=EmployerStatus.PENDING, region_code="430281")
    make_employer(status=EmployerStatus.PENDING, region_code="430211")
    make_fair(
        title="今天的醴陵招聘会", region_code="430281", day=date.today(), status=FairStatus.OPEN
    )
    make_fair(
        title="上周未结束的醴陵招聘会",
        region_code="430281",
        day=date.today() - timedelta(days=6),
        status=FairStatus.HELD,
    )
    make_fair(title="上周天元招聘会", day=date.today() - timedelta(days=6), status=FairStatus.HELD)
    login_as(liling_organizer)
    body = _text(client.get("/manage/"))
    assert 'data-testid="pending-employers">1<' in body
    assert "今天的醴陵招聘会" in body
    assert "上周未结束的醴陵招聘会" in body and "上周天元招聘会" not in body


def test_the_month_calendar_shows_fairs_on_their_local_day(
    client, login_as, city_organizer, make_fair
):
    make_fair(title="三月招聘会", day=date(2026, 3, 5))
    login_as(city_organizer)
    body = _text(client.get("/manage/calendar?month=2026-03"))
    assert "2026年3月" in body and "三月招聘会" in body
    assert "三月招聘会" not in _text(client.get("/manage/calendar?month=2026-04"))


def test_review_through_the_queue_respects_scope(
    client, login_as, liling_organizer, make_employer, make_position
):
    outside = make_employer(status=EmployerStatus.PENDING, region_code="430211")
    inside = make_employer(status=EmployerStatus.PENDING, region_code="430281")
    position = make_position(
        status=PositionStatus.PENDING,
        employer=make_employer(region_code="430281"),
        description="要求18-35岁",
    )
    login_as(liling_organizer)
    queue = _text(client.get("/manage/review"))
    assert inside.name in queue and outside.name not in queue
    assert "18-35岁" in queue and "提示" in queue
    assert (
        client.post(
            f"/manage/review/employers/{outside.id}", data={"decision": "approve"}
        ).status_code
        == 404
    )
    response = client.post(
        f"/manage/review/employers/{inside.id}", data={"decision": "reject"}, follow_redirects=True
    )
    assert "不通过原因" in _text(response) and inside.status is EmployerStatus.PENDING
    client.post(f"/manage/review/employers/{inside.id}", data={"decision": "approve"})
    assert inside.status is EmployerStatus.APPROVED
    client.post(f"/manage/review/positions/{position.id}", data={"decision": "approve"})
    assert position.status is PositionStatus.OPEN


def test_a_request_is_approved_from_the_participant_page(
    client, login_as, city_organizer, make_fair, make_position, make_user
):
    from recruit.fairs.participations import sign_up

    position = make_position()
    fair = make_fair(status=FairStatus.OPEN)
    hr = make_user(Role.EMPLOYER, employer=position.employer)
    part = sign_up(fair, {position.id: 2}, by=hr)
    login_as(city_organizer)
    assert position.employer.name in _text(client.get("/manage/review"))
    url = f"/manage/fairs/{fair.id}/participants/{part.id}/review"
    response = client.post(url, data={"decision": "reject", "note": ""}, follow_redirects=True)
    assert "不通过原因" in _text(response)
    client.post(url, data={"decision": "approve", "note": ""})
    assert part.status is ParticipationStatus.APPROVED


def test_live_metrics_are_served_for_the_fair_page(client, login_as, city_organizer, open_fair):
    setup = open_fair()
    login_as(city_organizer)
    client.post(f"/manage/fairs/{setup.fair.id}/day/{setup.part.id}/check-in")
    client.post(
        f"/manage/fairs/{setup.fair.id}/day/tally", data={"count": "12000", "source": "gate"}
    )
    data = client.get(f"/manage/fairs/{setup.fair.id}/metrics.json").get_json()
    assert data["metrics"]["employer_attendances"] == "1"
    assert data["metrics"]["positions_offered"] == "3"
    assert data["metrics"]["seeker_entries"] == "1.2万"


def test_the_full_phone_is_shown_on_the_intent_page_and_the_view_audited(
    db, client, login_as, city_organizer, open_fair
):
    from recruit.audit.models import AuditLog
    from recruit.hires.intents import clean_seeker, register_intent

    setup = open_fair()
    data = clean_seeker(
        {
            "seeker_name": "陈静",
            "seeker_phone": "13907318888",
            "seeker_id_number": "11010519491231002X",
            "gender": "female",
            "position_id": setup.position.id,
        }
    )
    hire = register_intent(setup.fair, data, by=city_organizer)
    login_as(city_organizer)
    listing = _text(client.get(f"/manage/fairs/{setup.fair.id}/intents"))
    assert "13907318888" not in listing and "110105********002X" in listing
    detail = _text(client.get(f"/manage/fairs/{setup.fair.id}/intents/{hire.id}"))
    assert "13907318888" in detail and "11010519491231002X" in detail
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "hire.view_pii")).one()
    assert entry.user_id == city_organizer.id and "13907318888" not in str(entry.summary)
    export = client.get(f"/manage/fairs/{setup.fair.id}/intents.xlsx")
    assert export.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(export.data), read_only=True)
    try:
        assert "13907318888" in [row[3] for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


def test_day_pages_explain_what_to_do_before_registration_opens(
    client, login_as, city_organizer, make_fair
):
    fair = make_fair()
    login_as(city_organizer)
    for path in ("day", "intents/new"):
        body = _text(client.get(f"/manage/fairs/{fair.id}/{path}"))
        assert "请先在" in body and "开放报名" in body


def test_an_action_racing_with_another_save_gets_a_clear_message(
    client, login_as, city_organizer, open_fair, monkeypatch
):
    from sqlalchemy.orm.exc import StaleDataError

    from recruit.fairs import lifecycle

    def racing_close(fair, *, by):
        raise StaleDataError(
            "UPDATE statement on table 'fairs' expected to update 1 row(s); 0 were matched."
        )

    setup = open_fair()
    monkeypatch.setattr(lifecycle, "close_fair", racing_close)
    login_as(city_organizer)
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/close", data={"confirm": "1"}, follow_redirects=True
    )
    assert "其他人刚刚修改了这场招聘会，您的操作未执行" in _text(response)
    assert setup.fair.status is FairStatus.OPEN


def test_a_liling_organizer_finds_and_adds_only_liling_employers(
    client, login_as, liling_organizer, make_fair, make_employer
):
    fair = make_fair(region_code="430281", status=FairStatus.OPEN)
    local = make_employer(name="醴陵本地瓷业有限公司", region_code="430281")
    other = make_employer(name="天元外地瓷业有限公司", region_code="430211")
    login_as(liling_organizer)
    found = _text(client.get(f"/manage/fairs/{fair.id}/participants?q=瓷业"))
    assert local.name in found and other.name not in found
    response = client.post(
        f"/manage/fairs/{fair.id}/participants/add", data={"employer_id": other.id}
    )
    assert response.status_code == 404


def test_a_refused_positions_form_keeps_the_ticks_and_numbers(
    client, login_as, city_organizer, open_fair, make_position
):
    setup = open_fair()
    second = make_position(employer=setup.position.employer, title="质检员")
    login_as(city_organizer)
    url = f"/manage/fairs/{setup.fair.id}/participants/{setup.part.id}"
    response = client.post(
        f"{url}/positions",
        data={
            "position": [str(setup.position.id), str(second.id)],
            f"openings-{setup.position.id}": "7",
            f"openings-{second.id}": "",
        },
    )
    body = _text(response)
    assert response.status_code == 200
    assert "招聘人数：请为勾选的岗位填写正整数。" in body
    assert f'value="{second.id}" id="pos-{second.id}" checked' in body
    assert f'id="openings-{setup.position.id}" value="7"' in body
    assert [fp.openings for fp in setup.part.fair_positions] == [3]
    response = client.post(
        f"{url}/positions",
        data={"position": [str(second.id)], f"openings-{second.id}": "2"},
    )
    assert response.status_code == 302
    assert [(fp.position_id, fp.openings) for fp in setup.part.fair_positions] == [(second.id, 2)]


def test_every_manage_page_title_is_plain_text(client, login_as, city_organizer, open_fair):
    setup = open_fair()
    login_as(city_organizer)
    for path in ("/manage/", "/manage/review", "/manage/fairs", f"/manage/fairs/{setup.fair.id}"):
        page = _text(client.get(path))
        title = page.split("<title>", 1)[1].split("</title>", 1)[0]
        assert "<" not in title and ">" not in title, (path, title)


def test_a_form_posted_with_an_expired_token_comes_back_filled_in(
    app, client, login_as, city_organizer, monkeypatch
):
    login_as(city_organizer)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(
        "/manage/fairs/new",
        data=_fair_form(title="停留太久的招聘会", csrf_token="expired"),
    )
    assert response.status_code == 302 and response.location.endswith("/manage/fairs/new")
    page = _text(client.get(response.location))
    assert "您填写的内容已保留" in page
    assert 'value="停留太久的招聘会"' in page and 'name="csrf_token"' in page
    # Shown once: the next visit starts empty.
    assert "停留太久的招聘会" not in _text(client.get("/manage/fairs/new"))
