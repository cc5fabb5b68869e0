"""The public position page and its schema.org JobPosting markup."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from recruit.employers.models import EmployerStatus
from recruit.fairs.models import FairPosition, Participation, ParticipationStatus
from recruit.formatting import local_today, to_local
from recruit.positions.models import PositionStatus
from recruit.refdata.codes import Education, EmploymentType

LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def posting(db, make_employer, make_position):
    employer = make_employer(name="醴陵瓷源陶瓷有限公司", region_code="430281")
    position = make_position(
        employer=employer,
        title="陶瓷彩绘工",
        description="负责日用瓷彩绘，<b>计件</b>工资。",
        occupation_major_group=6,
        occupation_code="6-12-03-02",
        openings=12,
        salary_min=4500,
        salary_max=7000,
        education=Education.JUNIOR_COLLEGE,
        employment_type=EmploymentType.FULL_TIME,
        work_region_code="430281",
        work_address="醴陵市陶瓷科技工业园",
        valid_until=local_today() + timedelta(days=30),
    )
    position.published_at = position.created_at
    db.session.flush()
    return position


def _json_ld(page: str) -> dict:
    (text,) = LD_RE.findall(page)
    return json.loads(text)


def test_the_markup_links_to_the_public_address_whatever_host_the_request_named(
    app, client, posting, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zhaopin.example.cn/")
    response = client.get(f"/positions/{posting.id}", headers={"Host": "evil.example"})

    doc = _json_ld(response.get_data(as_text=True))
    assert doc["url"] == f"https://zhaopin.example.cn/positions/{posting.id}"
    employer_id = posting.employer.id
    assert doc["hiringOrganization"]["sameAs"] == (
        f"https://zhaopin.example.cn/employers/{employer_id}"
    )
    assert "evil.example" not in response.get_data(as_text=True)


def test_the_page_carries_a_job_posting_with_every_field(client, posting):
    response = client.get(f"/positions/{posting.id}")

    assert response.status_code == 200
    doc = _json_ld(response.get_data(as_text=True))
    assert doc["@context"] == "https://schema.org/"
    assert doc["@type"] == "JobPosting"
    assert doc["title"] == "陶瓷彩绘工"
    assert doc["description"] == "<p>负责日用瓷彩绘，&lt;b&gt;计件&lt;/b&gt;工资。</p>"
    assert doc["datePosted"] == to_local(posting.published_at).date().isoformat()
    assert doc["validThrough"] == f"{posting.valid_until.isoformat()}T23:59:59+08:00"
    assert doc["hiringOrganization"]["@type"] == "Organization"
    assert doc["hiringOrganization"]["name"] == "醴陵瓷源陶瓷有限公司"
    assert doc["hiringOrganization"]["identifier"] == posting.employer.uscc
    address = doc["jobLocation"]["address"]
    assert doc["jobLocation"]["@type"] == "Place"
    assert address["@type"] == "PostalAddress"
    assert address["addressRegion"] == "湖南省"
    assert address["addressLocality"] == "株洲市醴陵市"
    assert address["addressCountry"] == "CN"
    assert address["streetAddress"] == "醴陵市陶瓷科技工业园"
    salary = doc["baseSalary"]
    assert salary["@type"] == "MonetaryAmount" and salary["currency"] == "CNY"
    assert salary["value"] == {
        "@type": "QuantitativeValue",
        "minValue": 4500,
        "maxValue": 7000,
        "unitText": "MONTH",
    }
    assert doc["totalJobOpenings"] == 12
    assert doc["employmentType"] == "FULL_TIME"
    assert doc["educationRequirements"] == {
        "@type": "EducationalOccupationalCredential",
        "credentialCategory": "associate degree",
        "name": "大专",
    }
    assert [c["codeValue"] for c in doc["occupationalCategory"]] == ["6", "6-12-03-02"]


def test_date_posted_is_the_local_publication_date(client, db, posting):
    # 20:00 UTC on 4 March is already 5 March in Zhuzhou.
    posting.published_at = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    db.session.flush()

    doc = _json_ld(client.get(f"/positions/{posting.id}").get_data(as_text=True))

    assert doc["datePosted"] == "2026-03-05"


def test_the_markup_cannot_close_its_script_element(client, db, posting):
    posting.description = "欢迎</script><script>alert(1)</script>"
    db.session.flush()

    page = client.get(f"/positions/{posting.id}").get_data(as_text=True)

    assert "</script><script>alert(1)" not in page
    assert _json_ld(page)["description"] == (
        "<p>欢迎&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_a_negotiable_salary_has_no_base_salary(client, db, posting):
    posting.salary_negotiable = True
    posting.salary_min = posting.salary_max = None
    db.session.flush()

    page = client.get(f"/positions/{posting.id}").get_data(as_text=True)

    assert "baseSalary" not in _json_ld(page)
    assert "面议" in page


@pytest.mark.parametrize(
    "status", [PositionStatus.CLOSED, PositionStatus.FILLED, PositionStatus.EXPIRED]
)
def test_an_ended_position_says_so_without_the_markup(client, db, posting, status):
    posting.status = status
    db.session.flush()

    response = client.get(f"/positions/{posting.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "招聘已结束" in page
    assert "application/ld+json" not in page


def test_a_position_past_its_date_is_ended_even_before_the_nightly_job(client, db, posting):
    posting.valid_until = local_today() - timedelta(days=1)
    db.session.flush()

    response = client.get(f"/positions/{posting.id}")

    assert response.status_code == 410
    assert "application/ld+json" not in response.get_data(as_text=True)


@pytest.mark.parametrize("status", [PositionStatus.DRAFT, PositionStatus.PENDING])
def test_an_unapproved_position_is_not_found(client, db, posting, status):
    posting.status = status
    db.session.flush()

    assert client.get(f"/positions/{posting.id}").status_code == 404


def test_a_position_of_a_suspended_employer_is_not_public(client, db, posting):
    posting.employer.status = EmployerStatus.SUSPENDED
    db.session.flush()

    response = client.get(f"/positions/{posting.id}")

    assert response.status_code == 410
    assert "application/ld+json" not in response.get_data(as_text=True)


def test_an_unknown_position_is_not_found(client):
    assert client.get("/positions/999999").status_code == 404


def test_the_page_names_the_upcoming_fairs_offering_the_position(client, db, posting, make_fair):
    for title, status in (("下周专场", ParticipationStatus.APPROVED), ("未审专场", None)):
        participation = Participation(
            fair=make_fair(title=title),
            employer=posting.employer,
            status=status or ParticipationStatus.REQUESTED,
        )
        participation.fair_positions.append(FairPosition(position=posting, openings=2))
        db.session.add(participation)
    db.session.flush()

    page = client.get(f"/positions/{posting.id}").get_data(as_text=True)

    assert "下周专场" in page and "未审专场" not in page


def test_a_draft_closed_before_publication_stays_unknown(client, db, make_position):
    never = make_position(title="从未发布的草稿", status=PositionStatus.CLOSED, published_at=None)

    response = client.get(f"/positions/{never.id}")

    assert response.status_code == 404
    assert "从未发布的草稿" not in response.get_data(as_text=True)


def test_the_contact_phone_is_a_tel_link(client, db, posting):
    posting.contact_phone = "0731-23456789"
    db.session.flush()

    page = client.get(f"/positions/{posting.id}").get_data(as_text=True)

    assert 'href="tel:073123456789"' in page


def test_the_site_icon_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
