"""The JobPosting JSON-LD read as a search engine reads it (extruct), against Google's guidelines.

Google's JobPosting structured data: required title, description (HTML), datePosted,
hiringOrganization and jobLocation; recommended validThrough, baseSalary, employmentType,
identifier and directApply.
"""

import json
import re
from datetime import timedelta

import extruct
import pytest

from recruit.formatting import local_today
from recruit.refdata.codes import Experience

LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
REQUIRED = ("title", "description", "datePosted", "hiringOrganization", "jobLocation")
RECOMMENDED = ("validThrough", "baseSalary", "employmentType", "identifier", "directApply")


@pytest.fixture
def posting(db, make_employer, make_position):
    employer = make_employer(
        name="醴陵瓷源陶瓷有限公司", region_code="430281", address="醴陵市瓷城大道 8 号"
    )
    return make_position(
        employer=employer,
        title="陶瓷彩绘工",
        description="负责日用瓷彩绘。\n计件工资。\n\n提供食宿 & 班车",
        occupation_major_group=6,
        occupation_code="6-12-03-02",
        experience=Experience.Y3_5,
        work_region_code="430281",
        work_address=None,
        valid_until=local_today() + timedelta(days=30),
    )


def _extract(client, position) -> tuple[dict, str]:
    """Return the one JobPosting extruct finds on the position's page, and the page."""
    page = client.get(f"/positions/{position.id}").get_data(as_text=True)
    found = extruct.extract(page, base_url="https://example.cn/", syntaxes=["json-ld"])
    postings = [d for d in found["json-ld"] if d.get("@type") == "JobPosting"]
    assert len(postings) == 1
    return postings[0], page


def google_problems(doc: dict) -> list[str]:
    """Return what Google's JobPosting guidelines would flag in the document."""
    problems = [f"missing {name}" for name in REQUIRED if not doc.get(name)]
    problems += [f"no {name}" for name in RECOMMENDED if name not in doc]
    organization = doc.get("hiringOrganization") or {}
    if not organization.get("name"):
        problems.append("hiringOrganization without a name")
    address = (doc.get("jobLocation") or {}).get("address") or {}
    for part in ("addressLocality", "addressRegion", "addressCountry"):
        if not address.get(part):
            problems.append(f"jobLocation.address without {part}")
    salary = (doc.get("baseSalary") or {}).get("value") or {}
    if doc.get("baseSalary") and not ({"value", "minValue", "maxValue"} & set(salary)):
        problems.append("baseSalary without an amount")
    if not isinstance(doc.get("directApply"), bool):
        problems.append("directApply is not a boolean")
    return problems


def test_the_markup_meets_googles_required_and_recommended_properties(client, posting):
    doc, _page = _extract(client, posting)

    assert google_problems(doc) == []
    assert doc["identifier"] == {
        "@type": "PropertyValue",
        "name": "株洲招聘会",
        "value": posting.ref,
    }
    assert doc["directApply"] is False
    assert doc["hiringOrganization"]["sameAs"].endswith(f"/employers/{posting.employer_id}")
    assert doc["jobLocation"]["address"]["streetAddress"] == "醴陵市瓷城大道 8 号"


def test_the_description_is_simple_html_paragraphs(client, posting):
    doc, _page = _extract(client, posting)

    assert doc["description"] == ("<p>负责日用瓷彩绘。<br>计件工资。</p><p>提供食宿 &amp; 班车</p>")


def test_experience_and_occupation_are_structured(client, db, posting):
    doc, _page = _extract(client, posting)

    assert doc["experienceRequirements"] == {
        "@type": "OccupationalExperienceRequirements",
        "monthsOfExperience": 36,
        "description": "3-5年",
    }
    code_set = {"@type": "CategoryCodeSet", "name": "中华人民共和国职业分类大典（2022年版）"}
    assert doc["occupationalCategory"] == [
        {
            "@type": "CategoryCode",
            "codeValue": "6",
            "name": "生产制造及有关人员",
            "inCodeSet": code_set,
        },
        {"@type": "CategoryCode", "codeValue": "6-12-03-02", "inCodeSet": code_set},
    ]
    assert doc["educationRequirements"] == "no requirements"

    posting.experience = Experience.NONE
    posting.occupation_code = None
    db.session.flush()
    doc, _page = _extract(client, posting)
    assert doc["experienceRequirements"] == "no requirements"
    assert [c["codeValue"] for c in doc["occupationalCategory"]] == ["6"]


def test_a_negotiable_salary_keeps_its_known_minimum(client, db, posting):
    # Position 39 of the demo: "底薪5000元起，面议".
    posting.salary_negotiable = True
    posting.salary_min, posting.salary_max = 5000, None
    db.session.flush()

    doc, page = _extract(client, posting)

    assert doc["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "CNY",
        "value": {"@type": "QuantitativeValue", "minValue": 5000, "unitText": "MONTH"},
    }
    assert "面议" in page


def test_a_script_end_tag_in_a_title_cannot_leave_the_block(client, db, posting):
    posting.title = "</script><script>alert(1)</script><!--"
    posting.employer.name = "</SCRIPT >瓷业"
    db.session.flush()

    doc, page = _extract(client, posting)

    assert doc["title"] == "</script><script>alert(1)</script><!--"
    assert doc["hiringOrganization"]["name"] == "</SCRIPT >瓷业"
    (block,) = LD_RE.findall(page)
    assert json.loads(block)["title"] == doc["title"]
    assert "<script>alert(1)" not in page


def test_control_characters_stored_before_the_rule_are_left_out(client, db, posting):
    posting.title = "陶瓷\x0b彩绘\x1b工\ufffe"
    posting.description = "第一段\x08。"
    db.session.flush()

    doc, _page = _extract(client, posting)

    assert doc["title"] == "陶瓷彩绘工"
    assert doc["description"] == "<p>第一段。</p>"
