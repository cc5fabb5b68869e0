"""Public position search and the schema.org JobPosting document of a position page."""

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy.orm import aliased, joinedload

from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation
from recruit.formatting import LOCAL_TZ, to_local
from recruit.links import public_url
from recruit.positions.models import Position, public_clause
from recruit.refdata import codes
from recruit.refdata.codes import OCCUPATION_EDITION, Education, EmploymentType, Experience
from recruit.refdata.models import Region
from recruit.refdata.services import region_codes_within
from recruit.validators import strip_control_characters


@dataclass
class SearchFilters:
    """What the visitor asked for; every field optional."""

    q: str = ""
    region: str = ""
    chain: int | None = None
    education: str = ""
    min_salary: int | None = None
    fair: int | None = None

    @classmethod
    def from_args(cls, args) -> "SearchFilters":
        """Read the filters from the query string, ignoring what does not parse."""
        education = args.get("education", "")
        return cls(
            q=(args.get("q") or "").strip()[:50],
            region=(args.get("region") or "").strip()[:6],
            chain=args.get("chain", type=int),
            education=education if education in {e.value for e in Education} else "",
            min_salary=args.get("min_salary", type=int),
            fair=args.get("fair", type=int),
        )


def search_positions_query(filters: SearchFilters) -> sa.Select:
    """Return the query of public positions matching the filters, newest first."""
    query = (
        sa.select(Position)
        .join(Employer, Employer.id == Position.employer_id)
        .where(public_clause())
        .options(joinedload(Position.employer), joinedload(Position.work_region))
    )
    title_first = None
    words = search_words(filters.q)
    if words:
        # Every word must match somewhere: the title, the employer, the work region's name or
        # the description ("醴陵 陶瓷" finds the ceramics positions of 醴陵).
        region = aliased(Region)
        query = query.join(region, region.code == Position.work_region_code)
        columns = (Position.title, Employer.name, region.name, Position.description)
        query = query.where(*(sa.or_(*(_contains(c, w) for c in columns)) for w in words))
        title_first = sa.case((sa.and_(*(_contains(Position.title, w) for w in words)), 0), else_=1)
    if filters.region:
        query = query.where(Position.work_region_code.in_(region_codes_within(filters.region)))
    if filters.chain:
        query = query.where(Employer.industry_chain_id == filters.chain)
    if filters.education:
        # "At most this education": a seeker with 大专 qualifies for 不限 … 大专.
        rank = Education(filters.education).rank
        allowed = [e for e in Education if e.rank <= rank]
        query = query.where(Position.education.in_(allowed))
    if filters.min_salary:
        # The range reaches what the seeker asks for; 面议 positions are left out.
        query = query.where(Position.salary_max >= filters.min_salary)
    if filters.fair:
        offered = (
            sa.select(FairPosition.position_id)
            .join(Participation, Participation.id == FairPosition.participation_id)
            .where(Participation.fair_id == filters.fair, Participation.is_accepted)
        )
        query = query.where(Position.id.in_(offered))
    order = (Position.published_at.desc(), Position.id.desc())
    return query.order_by(*((title_first,) if title_first is not None else ()), *order)


#: Spaces that separate words typed on a phone, Latin and full-width (from a Chinese IME).
_SPACES = re.compile(r"[\s\u3000]+")


def search_words(text: str | None) -> list[str]:
    """Return the distinct words of a search, at most five."""
    words = [w for w in _SPACES.split((text or "").strip()) if w]
    return list(dict.fromkeys(words))[:5]


def _contains(column, word: str) -> sa.ColumnElement[bool]:
    """Return `column` contains `word`, the LIKE wildcards in it taken literally."""
    pattern = "%" + word.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    # Words without letter case (Chinese, digits) match the same with LIKE, which skips
    # lower-casing every description: several times faster at ten times the positions.
    if word.lower() != word.upper():
        return column.ilike(pattern, escape="\\")
    return column.like(pattern, escape="\\")


#: The public search page counts matches up to this many; beyond it the page says "1000+",
#: so a broad search does not count every open position of a large installation.
SEARCH_COUNT_CAP = 1000


def capped_count(query: sa.Select, cap: int = SEARCH_COUNT_CAP) -> int:
    """Count the query's rows, but stop at cap + 1."""
    limited = query.order_by(None).limit(cap + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(limited))


def upcoming_fairs_offering(position: Position) -> list[Fair]:
    """Return the fairs not yet over where the position is offered by an accepted employer."""
    return list(
        db.session.scalars(
            sa.select(Fair)
            .join(Participation, Participation.fair_id == Fair.id)
            .join(FairPosition, FairPosition.participation_id == Participation.id)
            .where(
                FairPosition.position_id == position.id,
                Participation.is_accepted,
                Fair.is_public,
                Fair.ends_at >= utcnow(),
            )
            .order_by(Fair.starts_at)
            .limit(10)
        )
    )


_EMPLOYMENT_TYPES = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.INTERNSHIP: "INTERN",
    EmploymentType.TEMPORARY: "TEMPORARY",
}
_CREDENTIALS = {
    Education.JUNIOR_HIGH: "high school",
    Education.SENIOR_HIGH: "high school",
    Education.VOCATIONAL: "high school",
    Education.JUNIOR_COLLEGE: "associate degree",
    Education.BACHELOR: "bachelor degree",
    Education.MASTER: "postgraduate degree",
    Education.DOCTOR: "postgraduate degree",
}


def locality(position: Position) -> str:
    """Return the place name for addressLocality: 株洲市天元区, 株洲市醴陵市 …"""
    region = position.work_region
    city_code = current_app.config["CITY_REGION_CODE"]
    if region.code == city_code or region.parent is None:
        return region.name
    return f"{region.parent.name}{region.name}"


def job_posting(position: Position) -> dict[str, Any]:
    """Return the schema.org JobPosting of a public position (Google's JobPosting guidelines).

    Text is stripped of control characters written before the text-field rule refused them;
    the template serializes the document with |tojson, which keeps it inside its script.
    """
    employer = position.employer
    posted = position.published_at or position.created_at
    valid_through = datetime.combine(position.valid_until, time(23, 59, 59), LOCAL_TZ)
    clean = strip_control_characters
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "addressLocality": locality(position),
        "addressRegion": "湖南省",
        "addressCountry": "CN",
    }
    street = position.work_address or employer.address
    if street:
        address["streetAddress"] = clean(street)
    document: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": clean(position.title),
        "description": description_html(position.description),
        "identifier": {"@type": "PropertyValue", "name": "株洲招聘会", "value": position.ref},
        "url": public_url("positions.detail", position_id=position.id),
        "datePosted": to_local(posted).date().isoformat(),
        "validThrough": valid_through.isoformat(),
        # Seekers apply at the employer (contact on the page) or at a fair, not on this page.
        "directApply": False,
        "hiringOrganization": {
            "@type": "Organization",
            "name": clean(employer.name),
            "identifier": employer.uscc,
            "sameAs": public_url("employers.profile", employer_id=employer.id),
        },
        "jobLocation": {"@type": "Place", "address": address},
        "totalJobOpenings": position.openings,
        "employmentType": _EMPLOYMENT_TYPES[position.employment_type],
        "educationRequirements": _education(position.education),
        "experienceRequirements": _experience(position.experience),
        "occupationalCategory": _occupation(position),
    }
    salary = _base_salary(position)
    if salary:
        document["baseSalary"] = salary
    return document


def description_html(text: str | None) -> str:
    """Return plain text as simple HTML: a paragraph per block, <br> at each line break."""
    text = strip_control_characters(text or "").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINE.split(text.strip()):
        lines = [escape(line.strip()) for line in block.split("\n") if line.strip()]
        if lines:
            paragraphs.append(f"<p>{Markup('<br>').join(lines)}</p>")
    return "".join(paragraphs)


_BLANK_LINE = re.compile(r"\n\s*\n")


def _base_salary(position: Position) -> dict[str, Any] | None:
    """Return the monthly pay as a MonetaryAmount: what is known, a 面议 minimum included."""
    bounds = {"minValue": position.salary_min, "maxValue": position.salary_max}
    if position.salary_negotiable:
        # "5000元起，面议": the minimum is a promise worth showing; a maximum is not given.
        bounds["maxValue"] = None
    bounds = {k: v for k, v in bounds.items() if v is not None}
    if not bounds:
        return None
    return {
        "@type": "MonetaryAmount",
        "currency": "CNY",
        "value": {"@type": "QuantitativeValue", **bounds, "unitText": "MONTH"},
    }


#: The least experience each choice asks for, in months (Google's monthsOfExperience).
_EXPERIENCE_MONTHS = {
    Experience.UNDER_1: 0,
    Experience.Y1_3: 12,
    Experience.Y3_5: 36,
    Experience.Y5_10: 60,
    Experience.OVER_10: 120,
}


def _experience(experience: Experience) -> dict[str, Any] | str:
    if experience not in _EXPERIENCE_MONTHS:
        return "no requirements"
    return {
        "@type": "OccupationalExperienceRequirements",
        "monthsOfExperience": _EXPERIENCE_MONTHS[experience],
        "description": experience.label,
    }


def _occupation(position: Position) -> list[dict[str, Any]]:
    """Return the 职业分类大典 major group (code and name) and the full code when given."""
    edition = position.occupation_edition or OCCUPATION_EDITION
    code_set = {"@type": "CategoryCodeSet", "name": f"中华人民共和国职业分类大典（{edition}年版）"}
    group = position.occupation_major_group
    categories = [
        {
            "@type": "CategoryCode",
            "codeValue": str(group),
            "name": codes.OCCUPATION_MAJOR_GROUPS[group],
            "inCodeSet": code_set,
        }
    ]
    if position.occupation_code:
        categories.append(
            {"@type": "CategoryCode", "codeValue": position.occupation_code, "inCodeSet": code_set}
        )
    return categories


def _education(education: Education) -> dict[str, Any] | str:
    if education is Education.NONE:
        return "no requirements"
    return {
        "@type": "EducationalOccupationalCredential",
        "credentialCategory": _CREDENTIALS[education],
        "name": education.label,
    }
