"""The feeds read by strict clients: lxml and expat on hostile text, RFC 2822 dates, caching.

Hostile text is written straight into the rows, as data stored before the text-field rule
refused control characters would be; every door refusing it now is tried at the end.
"""

import io
import json
import re
import xml.dom.minidom
import xml.parsers.expat
from datetime import datetime, time, timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa
import xlsxwriter
from lxml import etree

from recruit.auth.models import Role
from recruit.channels.models import Channel, ChannelPosting
from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.errors import Invalid
from recruit.fairs.models import Fair, FairPosition, Participation, ParticipationStatus
from recruit.fairs.participations import set_fair_positions
from recruit.formatting import LOCAL_TZ, local_today
from recruit.hires.models import TentativeHire
from recruit.positions.models import Position
from recruit.positions.rules import validate_position_data
from recruit.sync.services import run_channel_sync
from recruit.validators import control_character_error, read_text, strip_control_characters
from tests.sync.conftest import ACTOR

#: Every kind of character the rule refuses that a database will store (PostgreSQL refuses
#: NUL itself, and neither database stores a lone surrogate).
HOSTILE = "\x01\x08\x0b\x0c\x1b\x1f\ufffe\uffff"


def _feed_channel(db) -> Channel:
    return db.session.scalar(sa.select(Channel).where(Channel.code == "llzgz"))


@pytest.fixture
def liling(db, make_employer, make_position, make_fair):
    """A position in the llzgz feed's scope (醴陵), offered at a fair, synced to the feed."""
    employer = make_employer(
        name=f"醴陵{HOSTILE}瓷业有限公司", region_code="430281", address="醴陵市瓷城大道 8 号"
    )
    position = make_position(
        employer=employer,
        title=f"彩绘工{HOSTILE}]]>",
        description=f"第一段{HOSTILE}</description>&amp;<b>\n第二行\n\n第二段 ]]> 结束",
        work_region_code="430281",
        work_address="醴陵市陶瓷科技工业园 3 栋",
    )
    fair = make_fair(title="陶瓷产业链专场", region_code="430281")
    part = Participation(fair=fair, employer=employer, status=ParticipationStatus.APPROVED)
    part.fair_positions.append(FairPosition(position=position, openings=2))
    db.session.add(part)
    db.session.flush()
    run_channel_sync(_feed_channel(db), by=ACTOR)
    return position


def _age_everything(db, days: int = 2) -> None:
    """Date every input of the feed `days` back, as if nothing had changed since."""
    then = utcnow() - timedelta(days=days)
    for model in (Channel, ChannelPosting, Position, Employer, Fair, Participation):
        db.session.execute(sa.update(model).values(updated_at=then))
    db.session.expire_all()


# --- the XML feed --------------------------------------------------------------------------


def test_a_feed_holding_hostile_text_parses_with_lxml_and_expat(client, liling):
    body = client.get("/feeds/llzgz.xml").get_data()

    root = etree.fromstring(body, etree.XMLParser(recover=False, resolve_entities=False))
    expat = xml.parsers.expat.ParserCreate()
    expat.Parse(body, True)
    dom = xml.dom.minidom.parseString(body)

    (job,) = root.findall("job")
    assert job.findtext("title") == "彩绘工]]>"
    assert job.findtext("company") == "醴陵瓷业有限公司"
    assert job.findtext("description") == (
        "<p>第一段&lt;/description&gt;&amp;amp;&lt;b&gt;<br>第二行</p><p>第二段 ]]&gt; 结束</p>"
    )
    titles = [t.firstChild.data for t in dom.getElementsByTagName("title")]
    assert titles == ["彩绘工]]>"]
    for character in HOSTILE:
        assert character.encode() not in body


def test_text_goes_in_cdata_sections(client, liling):
    body = client.get("/feeds/llzgz.xml").get_data(as_text=True)

    assert "<company><![CDATA[醴陵瓷业有限公司]]></company>" in body
    assert f"<referencenumber><![CDATA[{liling.ref}]]></referencenumber>" in body
    assert body.startswith("<?xml version='1.0' encoding='utf-8'?>")


def test_dates_are_rfc_2822(client, db, liling):
    root = etree.fromstring(client.get("/feeds/llzgz.xml").get_data())
    (job,) = root.findall("job")

    posted = parsedate_to_datetime(job.findtext("date"))
    assert posted == liling.published_at.replace(microsecond=0)
    assert job.findtext("date").endswith(" GMT")
    built = parsedate_to_datetime(root.findtext("lastBuildDate"))
    assert built.tzinfo is not None and built <= utcnow()
    expires = parsedate_to_datetime(job.findtext("expirationdate"))
    assert expires == datetime.combine(liling.valid_until, time(23, 59, 59), LOCAL_TZ)


def test_the_street_address_is_given_and_no_postal_code_is_invented(client, db, liling):
    root = etree.fromstring(client.get("/feeds/llzgz.xml").get_data())
    (job,) = root.findall("job")
    assert job.findtext("streetaddress") == "醴陵市陶瓷科技工业园 3 栋"
    assert job.find("postalcode") is None
    assert (job.findtext("city"), job.findtext("state"), job.findtext("country")) == (
        "醴陵市",
        "湖南省",
        "CN",
    )

    liling.work_address = None
    db.session.flush()
    (job,) = etree.fromstring(client.get("/feeds/llzgz.xml").get_data()).findall("job")
    assert job.findtext("streetaddress") == "醴陵市瓷城大道 8 号"  # the employer's address


def test_a_negotiable_salary_keeps_its_known_minimum(client, db, liling):
    liling.salary_negotiable = True
    liling.salary_max = None
    db.session.flush()

    (job,) = etree.fromstring(client.get("/feeds/llzgz.xml").get_data()).findall("job")

    assert job.findtext("salary") == "4000 元/月起，面议"


def test_the_json_feed_is_stripped_of_control_characters_too(client, liling):
    body = client.get("/feeds/llzgz.json").get_data(as_text=True)

    (posting,) = json.loads(body)["postings"]
    assert posting["title"] == "彩绘工]]>"
    assert posting["employer"]["name"] == "醴陵瓷业有限公司"
    assert "\\u000b" not in body.lower()


# --- Last-Modified and ETag follow every input ---------------------------------------------


@pytest.mark.parametrize("path", ["/feeds/llzgz.json", "/feeds/llzgz.xml"])
def test_if_modified_since_after_a_fair_rename_gets_the_new_body(client, db, liling, path):
    _age_everything(db)
    first = client.get(path)
    since = first.headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304

    fair = db.session.scalar(sa.select(Fair).where(Fair.title == "陶瓷产业链专场"))
    fair.title = "陶瓷产业链春季专场"
    db.session.flush()

    again = client.get(path, headers={"If-Modified-Since": since})
    assert again.status_code == 200
    assert parsedate_to_datetime(again.headers["Last-Modified"]) > parsedate_to_datetime(since)
    if path.endswith(".json"):
        (posting,) = json.loads(again.get_data())["postings"]
        assert [f["title"] for f in posting["fairs"]] == ["陶瓷产业链春季专场"]
        assert again.headers["ETag"] != first.headers["ETag"]


def test_an_employer_rename_changes_the_etag_and_last_modified(client, db, liling):
    _age_everything(db)
    first = client.get("/feeds/llzgz.xml")

    liling.employer.name = "醴陵新瓷业有限公司"
    db.session.flush()

    again = client.get(
        "/feeds/llzgz.xml", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 200
    assert "醴陵新瓷业有限公司" in again.get_data(as_text=True)
    assert again.headers["ETag"] != first.headers["ETag"]
    assert again.headers["Last-Modified"] != first.headers["Last-Modified"]


def test_a_position_offered_at_another_fair_changes_last_modified(
    client, db, liling, make_fair, make_user
):
    other = make_fair(title="醴陵秋季招聘会", region_code="430281")
    part = Participation(fair=other, employer=liling.employer, status=ParticipationStatus.APPROVED)
    db.session.add(part)
    db.session.flush()
    _age_everything(db)  # the fair and the participation existed long before
    since = client.get("/feeds/llzgz.json").headers["Last-Modified"]

    set_fair_positions(part, {liling.id: 1}, by=make_user(Role.ORGANIZER))

    again = client.get("/feeds/llzgz.json", headers={"If-Modified-Since": since})
    assert again.status_code == 200
    (posting,) = json.loads(again.get_data())["postings"]
    assert [f["title"] for f in posting["fairs"]] == ["陶瓷产业链专场", "醴陵秋季招聘会"]


def test_a_position_past_its_date_leaves_the_feed_with_a_new_last_modified(client, db, liling):
    _age_everything(db, days=3)
    since = client.get("/feeds/llzgz.json").headers["Last-Modified"]
    yesterday = local_today() - timedelta(days=1)
    db.session.execute(
        sa.update(Position)
        .where(Position.id == liling.id)
        .values(valid_until=yesterday, updated_at=utcnow() - timedelta(days=3))
    )
    db.session.expire_all()

    again = client.get("/feeds/llzgz.json", headers={"If-Modified-Since": since})
    assert again.status_code == 200
    assert json.loads(again.get_data())["postings"] == []


# --- every door refuses control characters, naming the field -------------------------------


def test_the_text_rule_refuses_control_characters_and_keeps_tabs_and_line_breaks():
    errors: dict[str, str] = {}
    assert (
        read_text({"title": "普工\t\r\n夜班"}, "title", "岗位名称", 80, errors) == "普工\t\r\n夜班"
    )
    assert errors == {}
    for character in [*HOSTILE, "\x00", "\ud800", "\udfff"]:
        errors = {}
        read_text({"title": f"普工{character}夜班"}, "title", "岗位名称", 80, errors)
        assert errors["title"].startswith("岗位名称：含有不允许的字符（U+"), repr(character)
    assert control_character_error("a\x1bb") == "含有不允许的字符（U+001B），请删除后重试。"
    assert strip_control_characters(f"a{HOSTILE}\ud800b\tc") == "ab\tc"


def test_the_page_form_refuses_a_control_character_naming_the_field(
    client, db, login_as, make_user, make_employer
):
    user = make_user(Role.EMPLOYER, employer=make_employer(region_code="430211"))
    login_as(user)
    form = {
        "title": "陶瓷成型工\x0b",
        "occupation_major_group": "6",
        "openings": "3",
        "salary_min": "4000",
        "salary_max": "6000",
        "work_region_code": "430211",
        "description": "负责成型。",
        "valid_until": (local_today() + timedelta(days=90)).isoformat(),
    }

    response = client.post("/employer/positions/new", data=form)

    # The request guard answers before the form is read (recruit/security.py).
    assert response.status_code == 400
    assert "title：含有不允许的字符（U+000B），请删除后重试。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Position.id))) == 0


@pytest.mark.parametrize("character", ["\ufffe", "\x08", "\x1b"])
def test_the_api_refuses_a_control_character_naming_the_field(
    client, db, make_user, make_employer, bearer, character
):
    user = make_user(Role.EMPLOYER, employer=make_employer(region_code="430211"))
    body = {
        "title": f"陶瓷成型工{character}",
        "description": "负责成型。",
        "occupation_major_group": 6,
        "openings": 3,
        "salary_min": 4000,
        "salary_max": 6000,
        "work_region_code": "430211",
        "valid_until": (local_today() + timedelta(days=90)).isoformat(),
    }

    response = client.post("/api/v1/employer/positions", json=body, headers=bearer(user))

    assert response.status_code == 422
    code = f"U+{ord(character):04X}"
    assert response.get_json()["errors"] == {
        "title": [f"title：含有不允许的字符（{code}），请删除后重试。"]
    }
    assert db.session.scalar(sa.select(sa.func.count(Position.id))) == 0


def test_services_refuse_a_control_character_whatever_door_called_them(db):
    """Commands, jobs and imports reach the services without the request guard."""
    data = {
        "title": "陶瓷成型工\x0b",
        "description": "负责成型\x1f。",
        "occupation_major_group": 6,
        "openings": 3,
        "salary_min": 4000,
        "salary_max": 6000,
        "work_region_code": "430211",
        "valid_until": local_today() + timedelta(days=90),
    }

    with pytest.raises(Invalid) as refused:
        validate_position_data(data)

    assert refused.value.errors["title"] == "岗位名称：含有不允许的字符（U+000B），请删除后重试。"
    assert refused.value.errors["description"].startswith("岗位描述：含有不允许的字符（U+001F）")


def test_the_api_documents_the_text_pattern(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    title = spec["components"]["schemas"]["PositionInput"]["properties"]["title"]
    assert "\\u000B" in title["pattern"]


def test_the_xlsx_import_refuses_a_control_character_naming_the_column(
    client, db, login_as, make_user, make_fair, make_position
):
    organizer = make_user(Role.ORGANIZER)
    fair = make_fair(live=True, status="open")
    position = make_position()
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED)
    part.fair_positions.append(FairPosition(position=position, openings=3))
    db.session.add(part)
    db.session.flush()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("就业意向")
    sheet.write_row(0, 0, ["姓名", "性别", "手机号", "身份证号", "学历", "重点群体", "岗位编号"])
    # xlsxwriter stores the character as Excel does: "_x000B_" in the cell's XML.
    sheet.write_row(1, 0, ["张\x0b三", "男", "13907310001", "", "", "", str(position.id)])
    book.close()
    buffer.seek(0)
    login_as(organizer)

    response = client.post(
        f"/manage/fairs/{fair.id}/import",
        data={"file": (buffer, "hires.xlsx")},
        content_type="multipart/form-data",
    )

    text = re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", response.get_data(as_text=True)))
    assert "未导入任何数据" in text
    assert "第2行 姓名 含有不允许的字符（U+000B），请删除后重试。" in text  # row, column, problem
    assert db.session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 0
