"""The seeker's phone pages: entry, booths, 投递, 我的 (issue 16 points 2, 3, 4, 9)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import FairStatus
from recruit.notify.models import Notification
from recruit.refdata.codes import FairMode
from recruit.seekers import services
from recruit.seekers.models import (
    Application,
    ApplicationSource,
    Entry,
    EntrySource,
    Seeker,
    SeekerToken,
)

PHONE = "13907331234"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _form(**changes) -> dict:
    values = {"name": "张三", "phone": PHONE, "consent": "y", "education": "junior_college"}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def _enter(client, fair, *, query: str = "", **changes):
    return client.post(f"/fairs/{fair.id}/entry{query}", data=_form(**changes))


def _entries(fair) -> int:
    return db.session.scalar(sa.select(sa.func.count(Entry.id)).where(Entry.fair_id == fair.id))


def _applications(fair) -> list[Application]:
    return list(db.session.scalars(sa.select(Application).where(Application.fair_id == fair.id)))


def _apply(client, fair, position, *, source: str = "booth", next_url: str | None = None):
    data = {"position_id": str(position.id), "source": source}
    if next_url:
        data["next"] = next_url
    return client.post(f"/fairs/{fair.id}/apply", data=data)


def _seeker_cookie(response) -> str:
    """Return the Set-Cookie header of the seeker's cookie ("" if none was set)."""
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("seeker=")]
    return cookies[0] if cookies else ""


def _seeker() -> Seeker:
    return db.session.scalars(sa.select(Seeker).order_by(Seeker.id.desc())).first()


# --- 入场登记 ---------------------------------------------------------------------------------


def test_the_entry_form_fits_a_phone_and_states_the_notice(client, running_fair, app):
    setup = running_fair()
    response = client.get(f"/fairs/{setup.fair.id}/entry")
    html = _text(response)
    assert response.status_code == 200
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', html).group(0)
    assert 'type="tel"' in phone and 'inputmode="numeric"' in phone
    assert 'autocomplete="tel"' in phone
    assert 'name="consent"' in html and 'type="checkbox"' in html
    for words in ("入场统计", "向所选用人单位投递", "就业跟踪回访", services.NOTICE_VERSION):
        assert words in html
    assert f"招聘会结束后{app.config['PII_RETENTION_MONTHS']}个月" in html
    assert "我的信息" in html
    # Small and self-contained: no script at all, no third-party address.
    assert len(response.data) < 30_000
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html
    assert 'name="viewport" content="width=device-width' in html


def test_an_entry_welcomes_keeps_the_token_in_a_cookie_and_shows_the_booths(client, running_fair):
    setup = running_fair()
    response = _enter(client, setup.fair)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/fairs/{setup.fair.id}/booths")
    cookie = _seeker_cookie(response)
    assert cookie.startswith("seeker=sk_")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=2592000" in cookie
    assert "Secure" not in cookie  # the test session cookie is not secure either
    assert _entries(setup.fair) == 1

    html = _text(client.get(response.headers["Location"]))
    assert "欢迎入场" in html
    for part in setup.parts:
        assert part.employer.name in html and part.booth in html
    for position in setup.positions:
        assert position.title in html
    assert html.count(">投递</button>") == len(setup.positions)
    assert "招3人" in html and "4000–6000元/月" in html


def test_a_repeat_scan_is_welcomed_not_counted_and_a_known_phone_skips_the_form(
    client, app, running_fair
):
    setup = running_fair()
    _enter(client, setup.fair)
    # Another phone, the same mobile: welcomed back, not counted again.
    other = app.test_client()
    again = other.post(f"/fairs/{setup.fair.id}/entry", data=_form(), follow_redirects=True)
    assert "您已登记过，欢迎回来" in _text(again)
    assert _entries(setup.fair) == 1
    # The first phone comes back to the gate: no form, straight to the booths.
    back = client.get(f"/fairs/{setup.fair.id}/entry")
    assert back.status_code == 302
    assert back.headers["Location"].endswith(f"/fairs/{setup.fair.id}/booths")


def test_a_known_phone_enters_another_fair_with_one_tap(client, running_fair):
    first, second = running_fair(), running_fair()
    _enter(client, first.fair)
    page = _text(client.get(f"/fairs/{second.fair.id}/entry"))
    assert 'data-testid="entry-again"' in page and 'name="phone"' not in page
    response = client.post(f"/fairs/{second.fair.id}/entry", data={}, follow_redirects=True)
    assert "欢迎入场" in _text(response)
    assert _entries(second.fair) == 1
    assert db.session.scalar(sa.select(sa.func.count(Seeker.id))) == 1


def test_without_consent_nothing_is_written_and_the_typed_values_stay(client, running_fair):
    setup = running_fair()
    response = _enter(client, setup.fair, consent=None, name="李四", phone="1390733")
    html = _text(response)
    assert response.status_code == 200
    assert "同意：请阅读并同意个人信息处理说明后再登记" in html
    assert "手机号：" in html
    assert 'value="李四"' in html and 'value="1390733"' in html
    assert _entries(setup.fair) == 0
    assert _seeker_cookie(response) == ""


@pytest.mark.parametrize(
    ("when", "words"),
    [("later", "入场登记从"), ("over", "招聘会不在进行中")],
)
def test_a_fair_not_running_says_when_it_opens_or_that_it_ended(client, make_fair, when, words):
    if when == "later":
        fair = make_fair(status=FairStatus.OPEN)
    else:
        start = utcnow() - timedelta(hours=6)
        fair = make_fair(
            status=FairStatus.HELD, starts_at=start, ends_at=start + timedelta(hours=3)
        )
    page = client.get(f"/fairs/{fair.id}/entry")
    html = _text(page)
    assert page.status_code == 200
    assert words in html and 'data-testid="not-running"' in html
    assert 'name="phone"' not in html
    posted = client.post(f"/fairs/{fair.id}/entry", data=_form())
    assert 'name="phone"' not in _text(posted)
    assert _entries(fair) == 0


def test_too_many_entries_answer_429_with_the_message(client, app, running_fair, monkeypatch):
    setup = running_fair()
    monkeypatch.setitem(app.config, "SEEKER_ENTRIES_PER_PHONE", 1)
    _enter(client, setup.fair)
    refused = app.test_client().post(f"/fairs/{setup.fair.id}/entry", data=_form())
    assert refused.status_code == 429
    assert "操作过于频繁" in _text(refused)
    assert 'value="张三"' in _text(refused)


# --- booths and 投递 ------------------------------------------------------------------------


def test_a_booth_sends_a_newcomer_to_the_gate_and_back(client, running_fair):
    setup = running_fair()
    booth = f"/fairs/{setup.fair.id}/booths/A01"
    first = client.get(booth)
    assert first.status_code == 302
    assert "/entry?next=" in first.headers["Location"]
    entry_page = _text(client.get(first.headers["Location"]))
    assert f'name="next" value="{booth}"' in entry_page
    entered = client.post(f"/fairs/{setup.fair.id}/entry", data={**_form(), "next": booth})
    assert entered.headers["Location"].endswith(booth)
    html = _text(client.get(booth))
    assert setup.parts[0].employer.name in html
    assert setup.parts[1].employer.name not in html
    assert html.count(">投递</button>") == 2
    # A next= leading off the site is ignored.
    outside = client.post(
        f"/fairs/{setup.fair.id}/entry", data={**_form(), "next": "https://evil.example/"}
    )
    assert outside.headers["Location"].endswith(f"/fairs/{setup.fair.id}/booths")


def test_an_unknown_booth_is_not_found(client, running_fair):
    setup = running_fair()
    _enter(client, setup.fair)
    assert client.get(f"/fairs/{setup.fair.id}/booths/Z99").status_code == 404


def test_applying_marks_the_position_and_a_second_time_is_refused(client, running_fair):
    setup = running_fair()
    _enter(client, setup.fair)
    booth = f"/fairs/{setup.fair.id}/booths/A01"
    position = setup.positions[0]
    response = _apply(client, setup.fair, position, next_url=booth)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{booth}#p{position.id}")
    html = _text(client.get(booth))
    assert "已投递：" in html
    assert html.count('data-testid="applied"') == 1
    assert html.count(">投递</button>") == 1
    [application] = _applications(setup.fair)
    assert application.source is ApplicationSource.BOOTH
    assert application.verified is False

    again = _apply(client, setup.fair, position, next_url=booth)
    assert "您已投递过该岗位" in _text(client.get(again.headers["Location"]))
    assert len(_applications(setup.fair)) == 1


def test_a_position_not_at_the_fair_is_refused(client, running_fair, make_position):
    setup = running_fair()
    _enter(client, setup.fair)
    elsewhere = make_position(title="外场岗位")
    response = _apply(client, setup.fair, elsewhere)
    assert "该岗位不在本场招聘会的参会岗位中" in _text(client.get(response.headers["Location"]))
    assert _applications(setup.fair) == []


def test_applying_without_a_cookie_goes_to_the_gate(client, running_fair):
    setup = running_fair()
    response = _apply(client, setup.fair, setup.positions[0])
    assert response.status_code == 302 and "/entry" in response.headers["Location"]
    assert _applications(setup.fair) == []


def test_online_and_hybrid_fairs_offer_online_applications(client, running_fair):
    offline = running_fair()
    html = _text(client.get(f"/fairs/{offline.fair.id}"))
    assert "入场登记" in html and "在线投递" not in html
    assert f"/fairs/{offline.fair.id}/entry" in html

    hybrid = running_fair(mode=FairMode.HYBRID)
    html = _text(client.get(f"/fairs/{hybrid.fair.id}"))
    assert "入场登记" in html and "在线投递" in html
    position = hybrid.positions[0]
    position_page = _text(client.get(f"/positions/{position.id}"))
    assert 'data-testid="apply-online"' in position_page

    # The online path: entry first (counted as online), then 投递 as online.
    hall = client.get(f"/fairs/{hybrid.fair.id}/booths?online=1")
    assert "online=1" in hall.headers["Location"]
    page = _text(client.get(hall.headers["Location"]))
    assert "在线投递登记" in page
    entered = client.post(hall.headers["Location"], data=_form())
    assert entered.headers["Location"].endswith(f"/fairs/{hybrid.fair.id}/booths?online=1")
    [entry] = db.session.scalars(sa.select(Entry).where(Entry.fair_id == hybrid.fair.id))
    assert entry.source is EntrySource.ONLINE
    listing = _text(client.get(entered.headers["Location"]))
    assert 'name="source" value="online"' in listing
    _apply(client, hybrid.fair, position, source="online")
    [application] = _applications(hybrid.fair)
    assert application.source is ApplicationSource.ONLINE


def test_a_fair_page_offers_nothing_to_seekers_before_the_day(client, make_fair):
    fair = make_fair(status=FairStatus.OPEN, mode=FairMode.HYBRID)
    html = _text(client.get(f"/fairs/{fair.id}"))
    assert "入场登记" not in html and "在线投递" not in html


# --- 我的 --------------------------------------------------------------------------------------


def test_my_page_shows_entries_applications_states_and_outcomes(client, running_fair, make_user):
    setup = running_fair()
    _enter(client, setup.fair)
    for position in setup.positions[:3]:
        _apply(client, setup.fair, position)
    applications = {a.position_id: a for a in _applications(setup.fair)}
    employer_a = make_user(Role.EMPLOYER, employer=setup.parts[0].employer)
    employer_b = make_user(Role.EMPLOYER, employer=setup.parts[1].employer)
    services.decide(applications[setup.positions[0].id], "intent", by=employer_a)
    services.decide(applications[setup.positions[2].id], "declined", by=employer_b)
    db.session.flush()

    html = _text(client.get("/seeker/"))
    states = re.findall(r'data-testid="application-state">([^<]+)<', html)
    assert sorted(states) == sorted(["达成意向", "已投递", "未通过"])
    assert "就业意向：意向" in html
    assert setup.fair.title in html and "扫码入场" in html
    assert "139****1234" in html and PHONE not in html
    assert "no-store" in client.get("/seeker/").headers["Cache-Control"]
    assert "张三" in html and "大专" in html


def test_an_unproven_phone_sees_a_notice_instead_of_the_data(client, app, running_fair):
    setup = running_fair()
    _enter(client, setup.fair)
    _apply(client, setup.fair, setup.positions[0])
    stranger = app.test_client()
    stranger.post(f"/fairs/{setup.fair.id}/entry", data=_form(name="冒名者"))
    html = _text(stranger.get("/seeker/"))
    assert 'data-testid="unproven"' in html
    assert "张三" not in html and "139****1234" not in html and setup.positions[0].title not in html
    assert stranger.get("/seeker/profile").status_code == 200
    assert "张三" not in _text(stranger.get("/seeker/profile"))
    assert 'data-testid="unproven"' in _text(stranger.post("/seeker/delete", data={"confirm": "1"}))
    assert _seeker().is_deleted is False


def test_no_cookie_my_page_says_how_to_start(client):
    html = _text(client.get("/seeker/"))
    assert 'data-testid="no-token"' in html


def test_a_seeker_corrects_their_data_and_a_blank_id_number_keeps_it(client, running_fair):
    setup = running_fair()
    _enter(client, setup.fair)
    form = _text(client.get("/seeker/profile"))
    assert 'value="张三"' in form and 'inputmode="numeric"' in form
    saved = client.post(
        "/seeker/profile",
        data={
            "name": "张三丰",
            "gender": "male",
            "education": "bachelor",
            "priority_groups": ["graduate", "veteran"],
            "id_number": "11010519491231002X",
        },
    )
    assert saved.status_code == 302
    seeker = _seeker()
    assert seeker.name == "张三丰" and seeker.priority_groups == ["graduate", "veteran"]
    html = _text(client.get("/seeker/"))
    assert "张三丰" in html and "高校毕业生" in html and "110105********002X" in html

    client.post("/seeker/profile", data={"name": "张三丰", "education": "bachelor"})
    assert "110105********002X" in _text(client.get("/seeker/"))
    client.post("/seeker/profile", data={"name": "张三丰", "clear_id_number": "y"})
    assert "110105" not in _text(client.get("/seeker/"))

    bad = client.post("/seeker/profile", data={"name": "", "id_number": "123"})
    html = _text(bad)
    assert "姓名：请填写姓名" in html and "身份证号：" in html
    assert _seeker().name == "张三丰"


def test_deleting_asks_first_then_clears_the_cookie_and_keeps_the_counts(client, running_fair):
    setup = running_fair()
    _enter(client, setup.fair)
    _apply(client, setup.fair, setup.positions[0])
    explained = _text(client.get("/seeker/delete"))
    assert "保留" in explained and "入场人次" in explained
    asked = client.post("/seeker/delete", data={})
    assert 'data-testid="confirm-step"' in _text(asked)
    assert _seeker().is_deleted is False

    done = client.post("/seeker/delete", data={"confirm": "1"})
    html = _text(done)
    assert 'data-testid="deleted"' in html and "已清除" in html and "统计数字" in html
    assert re.search(r"seeker=;.*(Expires=Thu, 01 Jan 1970|Max-Age=0)", _seeker_cookie(done))
    seeker = _seeker()
    assert seeker.is_deleted and seeker.name is None
    assert _entries(setup.fair) == 1 and len(_applications(setup.fair)) == 1
    tokens = db.session.scalars(sa.select(SeekerToken).where(SeekerToken.seeker_id == seeker.id))
    assert all(t.revoked_at is not None for t in tokens)
    assert 'data-testid="no-token"' in _text(client.get("/seeker/"))


# --- the code step -----------------------------------------------------------------------------


def test_with_verification_on_the_code_comes_before_any_application(
    client, app, running_fair, monkeypatch
):
    monkeypatch.setitem(app.config, "SEEKER_PHONE_VERIFICATION", "on")
    setup = running_fair()
    _enter(client, setup.fair)
    hall = f"/fairs/{setup.fair.id}/booths"
    html = _text(client.get(hall))
    assert 'data-testid="code-step"' in html and "发送验证码" in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert ">投递</button>" not in html
    refused = _apply(client, setup.fair, setup.positions[0], next_url=hall)
    assert "请先用短信验证码验证手机号" in _text(client.get(refused.headers["Location"]))

    sent = client.post("/seeker/code/send", data={"next": hall})
    assert sent.headers["Location"].endswith(hall)
    code = db.session.scalars(
        sa.select(Notification).where(Notification.template == "seeker_verify_code")
    ).one()
    wrong = client.post("/seeker/code", data={"code": "000000x", "next": hall})
    assert "验证码：不正确" in _text(client.get(wrong.headers["Location"]))
    client.post("/seeker/code", data={"code": code.params["code"], "next": hall})
    html = _text(client.get(hall))
    assert 'data-testid="code-step"' not in html and ">投递</button>" in html
    _apply(client, setup.fair, setup.positions[0], next_url=hall)
    [application] = _applications(setup.fair)
    assert application.verified is True


def test_without_verification_the_pages_say_nothing_about_codes(client, running_fair):
    setup = running_fair()
    _enter(client, setup.fair)
    html = _text(client.get(f"/fairs/{setup.fair.id}/booths"))
    assert "验证码" not in html and "未验证" not in html


def test_an_unproven_phone_proves_itself_with_a_code_on_my_page(client, app, running_fair):
    setup = running_fair()
    _enter(client, setup.fair)
    other = app.test_client()
    other.post(f"/fairs/{setup.fair.id}/entry", data=_form())
    assert "发送验证码" in _text(other.get("/seeker/"))
    other.post("/seeker/code/send", data={})
    code = db.session.scalars(
        sa.select(Notification).where(Notification.template == "seeker_verify_code")
    ).one()
    other.post("/seeker/code", data={"code": code.params["code"]})
    assert "张三" in _text(other.get("/seeker/"))


# --- staff: the booths' QR codes --------------------------------------------------------------


def test_staff_print_a_qr_code_per_booth(client, running_fair, make_user, login_as, app):
    setup = running_fair()
    login_as(make_user(Role.ORGANIZER))
    fair_page = _text(client.get(f"/manage/fairs/{setup.fair.id}"))
    assert f"/manage/fairs/{setup.fair.id}/booth-qr" in fair_page
    html = _text(client.get(f"/manage/fairs/{setup.fair.id}/booth-qr"))
    assert html.count('data-testid="booth-qr"') == 2
    assert html.count("<svg") == 2 and "viewBox=" in html
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    for part in setup.parts:
        assert f"{base}/fairs/{setup.fair.id}/booths/{part.booth}" in html
        assert part.employer.name in html


def test_booth_qr_codes_stay_inside_the_organizers_scope(client, running_fair, make_user, login_as):
    setup = running_fair()
    login_as(make_user(Role.ORGANIZER, region_code="430281"))
    assert client.get(f"/manage/fairs/{setup.fair.id}/booth-qr").status_code == 404
