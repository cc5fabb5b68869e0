"""Public feeds of the feed channels: /feeds/<code>.json and an Indeed-style /feeds/<code>.xml.

Both answer conditional requests. The ETag is the body's hash; Last-Modified is the latest
change among every input of the document (feed_last_modified), so a client that sends only
If-Modified-Since is never told "not modified" about a body that did change.

Text written before the text-field rule refused control characters is stripped of them here:
one such title must not make strict XML readers (lxml, expat) refuse the whole feed.
"""

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Response, current_app, request
from lxml import etree

from recruit.channels.models import Channel, ChannelPosting, Desired
from recruit.channels.services import feed_channel
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation
from recruit.formatting import LOCAL_TZ, local_today
from recruit.positions.models import Position, public_clause
from recruit.positions.search import description_html
from recruit.sync.documents import apply_field_map, build_document, fairs_of
from recruit.validators import strip_control_characters

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

PUBLISHER = "株洲市招聘会服务平台"

#: Indeed's job types for ours.
INDEED_JOB_TYPES = {
    "full_time": "fulltime",
    "part_time": "parttime",
    "internship": "internship",
    "temporary": "temporary",
}


def feed_postings(channel: Channel) -> tuple[list[tuple[Position, dict]], datetime | None]:
    """Return the positions the channel should show with their documents, and the last change.

    The channel's published rows, and of those only positions public right now: one past its
    valid_until leaves the feed the same day, before the next sync rewrites the rows.
    """
    positions = db.session.scalars(
        sa.select(Position)
        .join(ChannelPosting, ChannelPosting.position_id == Position.id)
        .join(Employer, Position.employer_id == Employer.id)
        .where(
            ChannelPosting.channel_id == channel.id,
            ChannelPosting.desired == Desired.PUBLISHED,
            public_clause(),
        )
        .options(so.contains_eager(Position.employer), so.joinedload(Position.work_region))
        .order_by(Position.id)
    ).all()
    fairs = fairs_of([p.id for p in positions])
    field_map = (channel.settings or {}).get("field_map")
    items = [
        (p, scrub(apply_field_map(build_document(p, fairs[p.id]), field_map))) for p in positions
    ]
    return items, feed_last_modified(channel)


def feed_last_modified(channel: Channel, today: date | None = None) -> datetime | None:
    """Return the latest change to anything the channel's feed is made of.

    The channel itself (its field map), its rows, the positions in them and their employers,
    the fairs those positions are offered at and the participations offering them (a fair
    renamed changes every document listing it), and the moment the latest position in the
    feed passed its valid_until (it left the feed then, with no row written).
    """
    today = today or local_today()
    in_channel = sa.select(ChannelPosting.position_id).where(
        ChannelPosting.channel_id == channel.id
    )
    published = in_channel.where(ChannelPosting.desired == Desired.PUBLISHED)
    rows = sa.select(sa.func.max(ChannelPosting.updated_at)).where(
        ChannelPosting.channel_id == channel.id
    )
    positions = (
        sa.select(sa.func.max(Position.updated_at), sa.func.max(Employer.updated_at))
        .join(Employer, Position.employer_id == Employer.id)
        .where(Position.id.in_(in_channel))
    )
    fairs = (
        sa.select(sa.func.max(Fair.updated_at), sa.func.max(Participation.updated_at))
        .select_from(FairPosition)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .join(Fair, Participation.fair_id == Fair.id)
        .where(FairPosition.position_id.in_(published))
    )
    expired = sa.select(sa.func.max(Position.valid_until)).where(
        Position.id.in_(published), Position.valid_until < today
    )
    stamps: list[datetime | None] = [channel.updated_at, db.session.scalar(rows)]
    stamps += db.session.execute(positions).one()
    stamps += db.session.execute(fairs).one()
    last_valid_day = db.session.scalar(expired)
    if last_valid_day is not None:
        # Gone from the feed at the first moment of the next local day.
        stamps.append(datetime.combine(last_valid_day + timedelta(days=1), time.min, LOCAL_TZ))
    known = [s.astimezone(UTC) for s in stamps if s is not None]
    return max(known) if known else None


def scrub(value: Any) -> Any:
    """Return the value with control characters stripped from every string in it."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def _conditional(body: bytes, mimetype: str, last_modified: datetime | None) -> Response:
    response = Response(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)


@bp.get("/<code>.json")
def feed_json(code: str):
    channel = feed_channel(code)
    items, last_modified = feed_postings(channel)
    payload = {
        "channel": channel.code,
        "name": channel.name,
        "updated": last_modified.isoformat() if last_modified else None,
        "count": len(items),
        "postings": [document for _p, document in items],
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    response = _conditional(body, "application/json", last_modified)
    response.charset = "utf-8"
    return response


def rfc2822(moment: datetime) -> str:
    """Return the moment as an RFC 2822 date in GMT: "Mon, 30 Nov 2026 01:10:38 GMT"."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _element(parent: etree._Element, tag: str, value: Any) -> None:
    """Add <tag> holding the value as CDATA (control characters stripped).

    Text holding "]]>" (which cannot sit in one CDATA section) is written as escaped text,
    which every XML reader reads the same.
    """
    text = strip_control_characters("" if value is None else str(value))
    element = etree.SubElement(parent, tag)
    element.text = etree.CDATA(text) if "]]>" not in text else text


def _salary(position: Position) -> str:
    low, high = position.salary_min, position.salary_max
    if position.salary_negotiable or high is None:
        return f"{low} 元/月起，面议" if low is not None else "面议"
    if low is None:
        return f"最高 {high} 元/月"
    return f"{low}-{high} 元/月"


def _job(root: etree._Element, position: Position, document: dict) -> None:
    employer = position.employer
    job = etree.SubElement(root, "job")
    _element(job, "title", position.title)
    _element(job, "date", rfc2822(position.published_at or position.created_at))
    _element(job, "referencenumber", position.ref)
    _element(job, "url", document.get("url"))
    _element(job, "company", employer.name)
    _element(job, "city", position.work_region.name if position.work_region else "")
    _element(job, "state", "湖南省")
    _element(job, "country", "CN")
    # Positions and employers carry no postal code, and one guessed from the region would
    # be wrong for half the county: the element is left out rather than invented.
    street = position.work_address or employer.address
    if street:
        _element(job, "streetaddress", street)
    _element(job, "description", description_html(position.description))
    _element(job, "salary", _salary(position))
    _element(job, "education", position.education.label)
    _element(job, "experience", position.experience.label)
    _element(job, "jobtype", INDEED_JOB_TYPES.get(position.employment_type.value, "other"))
    last_moment = datetime.combine(position.valid_until, time(23, 59, 59), LOCAL_TZ)
    _element(job, "expirationdate", rfc2822(last_moment))
    _element(job, "revision", position.revision)


@bp.get("/<code>.xml")
def feed_xml(code: str):
    channel = feed_channel(code)
    items, last_modified = feed_postings(channel)
    root = etree.Element("source")
    _element(root, "publisher", PUBLISHER)
    _element(root, "publisherurl", current_app.config["PUBLIC_BASE_URL"])
    if last_modified:
        # The build date is the last change: an unchanged feed is byte-identical (one ETag).
        _element(root, "lastBuildDate", rfc2822(last_modified))
    for position, document in items:
        _job(root, position, document)
    body = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
    response = _conditional(body, "application/xml", last_modified)
    response.charset = "utf-8"
    return response
