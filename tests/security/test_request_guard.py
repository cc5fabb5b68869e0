"""Hostile input at the door: characters, depth, numbers, far dates, wildcards; never a 500.

One guard (recruit/security.py) refuses what no person types before a page or API handler
reads it; integers in query strings stay inside an INTEGER column; the fair service and the
report rules refuse years outside 1900–2100 on every door; name filters treat % and _ as
letters.
"""

import pytest

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.fairs.models import Fair
from recruit.security import MAX_JSON_DEPTH

HUGE = "9223372036854775808"  # 2**63: no database integer holds it


def _page(response) -> str:
    return response.get_data(as_text=True)


# --- characters ----------------------------------------------------------------------------


def test_a_lone_surrogate_in_json_is_refused_naming_the_field_without_signing_in(client):
    response = client.post(
        "/api/v1/auth/tokens",
        data='{"username": "\\ud800", "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert "U+D800" in body["errors"]["username"][0]


@pytest.mark.parametrize("character", ["\x01", "\x1f", "\r", "\ufffe", "\uffff"])
def test_control_characters_and_noncharacters_in_json_are_refused(client, character):
    response = client.post("/api/v1/auth/tokens", json={"username": "a", "password": character})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["password"]


def test_a_refused_character_deep_in_a_document_is_named_by_its_path(client, make_user, bearer):
    headers = bearer(make_user(Role.ADMIN))
    response = client.post(
        "/api/v1/manage/fairs/1/hires/bulk",
        json={"items": [{"seeker_name": "张三"}, {"seeker_name": "李\x07四"}]},
        headers=headers,
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["items.1.seeker_name"]


def test_a_refused_character_in_a_key_is_refused_without_echoing_the_key(client):
    response = client.post("/api/v1/auth/tokens", json={"user\x01name": "a", "password": "b"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"_schema": ["请求内容：字段名含有不允许的字符。"]}


def test_tab_and_newline_pass(client):
    response = client.post(
        "/api/v1/auth/tokens", json={"username": "a\tb", "password": "第一行\n第二行"}
    )
    assert response.status_code == 401  # through the guard, to the sign-in that says no


def test_a_control_character_in_an_api_query_is_refused(client):
    response = client.get("/api/v1/positions?q=%01")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["q"]


def test_a_page_answers_400_with_the_message_naming_the_field(client):
    response = client.post("/login", data={"username": "admin\x01", "password": "x"})
    assert response.status_code == 400
    assert "username：含有不允许的字符（U+0001）" in _page(response)

    response = client.get("/positions/?q=%EF%BF%BF")
    assert response.status_code == 400
    assert "q：含有不允许的字符（U+FFFF）" in _page(response)


def test_an_address_holding_such_a_character_names_nothing(client):
    assert client.get("/api/v1/channels/jy%0Dcs/postings").status_code == 404
    assert client.get("/api/v1/channels/jy%0Dcs/postings").get_json()["code"] == "not_found"
    assert client.get("/positions/%01").status_code == 404


def test_a_carriage_return_in_a_form_post_is_a_line_ending(client, db, make_user, login_as):
    login_as(make_user(Role.ADMIN))
    response = client.post(
        "/manage/fairs/new",
        data={
            "title": "换行测试招聘会",
            "type": "comprehensive",
            "mode": "offline",
            "region_code": "430211",
            "starts_at": "2030-03-05T09:00",
            "ends_at": "2030-03-05T12:00",
            "organizer_unit": "株洲市公共就业服务中心",
            "description": "第一行\r\n第二行",
        },
    )
    assert response.status_code == 302
    assert db.session.query(Fair).filter_by(title="换行测试招聘会").one()


# --- the shape of a JSON body --------------------------------------------------------------


def test_50000_deep_json_to_the_token_endpoint_is_a_400_not_a_500(client):
    response = client.post(
        "/api/v1/auth/tokens",
        data="[" * 50_000 + "]" * 50_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert f"最多嵌套 {MAX_JSON_DEPTH} 层" in response.get_json()["message"]


def test_json_just_past_the_depth_limit_is_refused_and_at_it_is_not(client):
    def nested(depth: int) -> str:
        return (
            '{"username": "a", "password": "b", "x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
        )

    assert (
        client.post(
            "/api/v1/auth/tokens", data=nested(MAX_JSON_DEPTH + 1), content_type="application/json"
        ).status_code
        == 400
    )
    # At the limit the guard lets it through; the schema then names the unknown field.
    assert (
        client.post(
            "/api/v1/auth/tokens", data=nested(MAX_JSON_DEPTH), content_type="application/json"
        ).status_code
        == 422
    )


@pytest.mark.parametrize("body", ['{"username": NaN}', '{"username": 1e400}', "{not json"])
def test_non_finite_numbers_and_broken_json_are_refused_with_a_message(client, body):
    response = client.post("/api/v1/auth/tokens", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["message"]


# --- integers in query strings -------------------------------------------------------------


def test_a_huge_page_on_a_public_page_is_page_one(client, make_position):
    make_position(title="分页测试岗位")
    for url in (f"/positions/?page={HUGE}", "/positions/?page=1e20", f"/fairs/?page={HUGE}"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "分页测试岗位" in _page(client.get(f"/positions/?page={HUGE}"))


def test_huge_numbers_in_staff_pages_read_as_absent(client, make_user, login_as):
    login_as(make_user(Role.ADMIN))
    urls = [
        f"/manage/fairs?page={HUGE}",
        "/manage/fairs?page=1e20",
        f"/manage/fairs?chain={HUGE}",
        f"/admin/audit?page={HUGE}",
        f"/reports/rows/positions?occupation={HUGE}",
        f"/positions/?chain={HUGE}&min_salary={HUGE}&fair={HUGE}",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_api_refuses_a_page_outside_its_documented_bounds(client):
    response = client.get(f"/api/v1/positions?page={HUGE}")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["page"]


# --- far dates -----------------------------------------------------------------------------


def test_a_report_ending_in_9999_is_refused_on_the_page_the_workbook_and_the_api(
    client, make_user, login_as, bearer
):
    admin = make_user(Role.ADMIN)
    query = "preset=custom&start=2020-01-01&end=9999-12-31"
    response = client.get(
        "/api/v1/reports/summary?start=2020-01-01&end=9999-12-31", headers=bearer(admin)
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["end"] == ["结束日期：年份应在 1900–2100 之间。"]
    login_as(admin)
    page = client.get(f"/reports/?{query}")
    assert page.status_code == 200
    assert "结束日期：年份应在 1900–2100 之间。" in _page(page)
    assert client.get(f"/reports/export.xlsx?{query}").status_code == 200
    assert client.get(f"/reports/export.csv?{query}").status_code == 200
    assert client.get("/reports/?preset=custom&start=0001-01-01&end=2020-01-01").status_code == 200


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2101-01", "abc"])
def test_a_calendar_month_outside_the_years_shows_this_month_with_a_message(
    client, make_user, login_as, month
):
    login_as(make_user(Role.ADMIN))
    response = client.get(f"/manage/calendar?month={month}")
    assert response.status_code == 200
    assert "已显示本月" in _page(response)


FAIR_FORM = {
    "title": "远期招聘会",
    "type": "comprehensive",
    "mode": "offline",
    "region_code": "430211",
    "organizer_unit": "株洲市公共就业服务中心",
}


@pytest.mark.parametrize(
    ("starts", "ends", "field", "label"),
    [
        ("0001-01-01T02:00", "2030-01-01T12:00", "starts_at", "开始时间"),
        ("2030-01-01T09:00", "9999-12-31T12:00", "ends_at", "结束时间"),
    ],
)
def test_a_fair_in_year_1_or_9999_is_refused_alike_on_the_page_and_the_api(
    client, db, make_user, login_as, bearer, starts, ends, field, label
):
    admin = make_user(Role.ADMIN)
    message = f"{label}：年份应在 1900–2100 之间。"
    response = client.post(
        "/api/v1/manage/fairs",
        json={**FAIR_FORM, "starts_at": starts, "ends_at": ends},
        headers=bearer(admin),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][field] == [message]
    login_as(admin)
    response = client.post(
        "/manage/fairs/new", data={**FAIR_FORM, "starts_at": starts, "ends_at": ends}
    )
    assert response.status_code == 200
    assert message in _page(response)
    assert db.session.query(Fair).filter_by(title="远期招聘会").count() == 0


def test_a_fair_at_the_edges_of_the_years_is_taken(client, make_user, bearer):
    response = client.post(
        "/api/v1/manage/fairs",
        json={**FAIR_FORM, "starts_at": "1900-01-01T00:00", "ends_at": "2100-12-31T23:59"},
        headers=bearer(make_user(Role.ADMIN)),
    )
    assert response.status_code == 201


# --- wildcards in the organizers' name filters ---------------------------------------------


def test_percent_and_underscore_in_the_fair_title_filter_are_letters(
    client, make_user, login_as, make_fair
):
    make_fair(title="满意度100%招聘会")
    make_fair(title="普通招聘会")
    login_as(make_user(Role.ADMIN))
    page = _page(client.get("/manage/fairs?q=%25"))
    assert "满意度100%招聘会" in page and "普通招聘会" not in page
    page = _page(client.get("/manage/fairs?q=_"))
    assert "普通招聘会" not in page


def test_percent_and_underscore_in_the_employer_search_are_letters(
    client, make_user, login_as, make_fair, make_employer
):
    fair = make_fair()
    make_employer(name="株洲某某有限公司")
    login_as(make_user(Role.ADMIN))
    for q in ("%25", "_", "株洲%25"):
        page = _page(client.get(f"/manage/fairs/{fair.id}/participants?q={q}"))
        assert "株洲某某有限公司" not in page, q
    assert "株洲某某有限公司" in _page(client.get(f"/manage/fairs/{fair.id}/participants?q=某某"))


def test_percent_and_underscore_in_the_audit_action_filter_are_letters(
    client, db, make_user, login_as
):
    admin = make_user(Role.ADMIN)
    record_audit("fair.close", object_type="fairs", object_id=7, by=admin)
    db.session.commit()
    login_as(admin)
    assert "fair.close" not in _page(client.get("/admin/audit?action=%25"))
    assert "fair.close" not in _page(client.get("/admin/audit?action=fair_close"))
    assert "fair.close" in _page(client.get("/admin/audit?action=fair."))


# --- 405 -----------------------------------------------------------------------------------


def test_an_api_405_names_the_allowed_methods(client):
    response = client.delete("/api/v1/fairs")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET"}
    assert "DELETE" not in response.headers["Allow"]
