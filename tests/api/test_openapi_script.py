"""The issue's proof: a client that knows only the OpenAPI document runs a whole fair.

It creates a fair, registers employers and positions, records attendance, tallies and intents,
closes the fair and reads back a summary whose numbers match what it sent. Every path it calls
is looked up in /api/v1/openapi.json first.
"""

from datetime import datetime, timedelta

from recruit.auth.models import Role
from recruit.formatting import LOCAL_TZ
from recruit.validators import uscc_check_char
from tests.conftest import TEST_PASSWORD


class Client:
    """A thin HTTP client that refuses to call an operation the document does not list."""

    def __init__(self, http):
        self.http = http
        self.document = http.get("/api/v1/openapi.json").get_json()
        self.token = None

    def call(self, method: str, template: str, expect: int, **params):
        operations = self.document["paths"].get(template, {})
        assert method in operations, f"{method.upper()} {template} is not in the document"
        path = template.format(**{k: params.pop(k) for k in list(params) if k.endswith("_id")})
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = getattr(self.http, method)(path, headers=headers, **params)
        assert response.status_code == expect, (method, path, response.get_json())
        return response.get_json()

    def sign_in(self, username: str, password: str) -> None:
        self.token = None
        body = {"username": username, "password": password}
        self.token = self.call("post", "/api/v1/auth/tokens", 201, json=body)["token"]


def _employer(n: int) -> dict:
    body = f"91430211MA4R{n:05d}"
    return {
        "name": f"接口测试企业{n}有限公司",
        "uscc": body + uscc_check_char(body),
        "region_code": "430211",
        "industry_section": "C",
        "address": "天元区株洲大道 8 号",
        "contact_name": "王经理",
        "contact_phone": f"1381234{n:04d}",
        "username": f"hr{n}",
        "password": "hr-pass-123",
    }


def test_a_script_runs_a_fair_from_the_openapi_document_alone(client, db, make_user):
    organizer = make_user(Role.ORGANIZER, region_code="430200")
    db.session.commit()
    api = Client(client)
    # The fair starts in an hour: employers may still sign up (until the deadline, half an hour
    # from now), and the day's records are already open (two hours before the start).
    starts = (datetime.now(LOCAL_TZ) + timedelta(hours=1)).replace(second=0, microsecond=0)
    day = starts.date()

    employers = []
    for n in (1, 2):
        employers.append(api.call("post", "/api/v1/employers", 201, json=_employer(n)))
    api.sign_in(organizer.username, TEST_PASSWORD)
    pending = api.call("get", "/api/v1/manage/review/employers", 200)
    assert {e["id"] for e in pending["items"]} >= {e["employer_id"] for e in employers}
    for employer in employers:
        api.call(
            "post",
            "/api/v1/manage/employers/{employer_id}/review",
            200,
            employer_id=employer["employer_id"],
            json={"approve": True},
        )

    positions = []
    for n, employer in zip((1, 2), employers, strict=True):
        api.sign_in(employer["username"], "hr-pass-123")
        position = api.call(
            "post",
            "/api/v1/employer/positions",
            201,
            json={
                "title": f"数控操作工{n}",
                "description": "负责数控设备操作，提供食宿。",
                "occupation_major_group": 6,
                "openings": 10 * n,
                "salary_min": 4500,
                "salary_max": 6500,
                "work_region_code": "430211",
                "valid_until": (day + timedelta(days=60)).isoformat(),
            },
        )
        api.call(
            "post",
            "/api/v1/employer/positions/{position_id}/submit",
            200,
            position_id=position["id"],
        )
        positions.append(position)

    api.sign_in(organizer.username, TEST_PASSWORD)
    for position in positions:
        api.call(
            "post",
            "/api/v1/manage/positions/{position_id}/review",
            200,
            position_id=position["id"],
            json={"approve": True},
        )
    fair = api.call(
        "post",
        "/api/v1/manage/fairs",
        201,
        json={
            "title": "接口脚本专场招聘会",
            "type": "comprehensive",
            "mode": "offline",
            "region_code": "430211",
            "venue": "株洲市人力资源市场",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "organizer_unit": "株洲市公共就业服务中心",
            "booth_capacity": 10,
            "registration_deadline": (starts - timedelta(minutes=30)).isoformat(),
        },
    )
    api.call(
        "post",
        "/api/v1/manage/fairs/{fair_id}/status",
        200,
        fair_id=fair["id"],
        json={"status": "open"},
    )

    # Employer 1 signs up itself; employer 2 is added by the organizer.
    api.sign_in(employers[0]["username"], "hr-pass-123")
    signup = api.call(
        "post",
        "/api/v1/employer/fairs/{fair_id}/signup",
        201,
        fair_id=fair["id"],
        json={"offers": [{"position_id": positions[0]["id"], "openings": 8}]},
    )
    api.sign_in(organizer.username, TEST_PASSWORD)
    api.call(
        "post",
        "/api/v1/manage/participations/{participation_id}/review",
        200,
        participation_id=signup["id"],
        json={"approve": True},
    )
    added = api.call(
        "post",
        "/api/v1/manage/fairs/{fair_id}/participations",
        201,
        fair_id=fair["id"],
        json={
            "employer_id": employers[1]["employer_id"],
            "offers": [{"position_id": positions[1]["id"], "openings": 15}],
        },
    )
    for booth, participation_id in (("A01", signup["id"]), ("A02", added["id"])):
        api.call(
            "put",
            "/api/v1/manage/participations/{participation_id}/booth",
            200,
            participation_id=participation_id,
            json={"booth": booth},
        )
    api.call(
        "post",
        "/api/v1/manage/fairs/{fair_id}/status",
        200,
        fair_id=fair["id"],
        json={"status": "held"},
    )
    api.call(
        "post",
        "/api/v1/manage/participations/{participation_id}/check-in",
        200,
        participation_id=signup["id"],
    )
    # Employer 2 never checks in: a no-show when the fair closes.
    api.call(
        "post",
        "/api/v1/manage/fairs/{fair_id}/tallies",
        201,
        fair_id=fair["id"],
        json={"count": 320, "source": "gate"},
    )
    api.call(
        "post",
        "/api/v1/manage/fairs/{fair_id}/tallies",
        201,
        fair_id=fair["id"],
        json={"count": -12, "reason": "重复计数"},
    )
    api.call(
        "post",
        "/api/v1/manage/fairs/{fair_id}/hires",
        201,
        fair_id=fair["id"],
        json={
            "seeker_name": "李明",
            "seeker_phone": "13911112222",
            "position_id": positions[0]["id"],
        },
    )
    bulk = [
        {
            "seeker_name": f"求职者{k}",
            "seeker_phone": f"1391111{k:04d}",
            "position_id": positions[0]["id"],
        }
        for k in range(5)
    ]
    api.call(
        "post",
        "/api/v1/manage/fairs/{fair_id}/hires/bulk",
        201,
        fair_id=fair["id"],
        json={"items": bulk},
    )
    closed = api.call("post", "/api/v1/manage/fairs/{fair_id}/close", 200, fair_id=fair["id"])
    assert (closed["attended"], closed["no_show"]) == (1, 1)

    summary = api.call(
        "get",
        "/api/v1/reports/summary",
        200,
        query_string={"start": day.isoformat(), "end": day.isoformat(), "region": "430211"},
    )
    assert {
        key: summary[key]
        for key in (
            "fairs",
            "employer_attendances",
            "positions_offered",
            "seeker_entries",
            "tentative_hires",
        )
    } == {
        "fairs": 1,
        "employer_attendances": 1,
        "positions_offered": 8,
        "seeker_entries": 308,
        "tentative_hires": 6,
    }
