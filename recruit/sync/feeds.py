"""Public feeds of the feed channels: /feeds/<code>.json and an Indeed-style /feeds/<code>.xml."""

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import format_datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Response, current_app, request

from recruit.channels.models import Channel, ChannelPosting, Desired
from recruit.channels.services import feed_channel
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.positions.models import Position, public_clause
from recruit.sync.documents import apply_field_map, build_document, fairs_of

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

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
    items = [(p, apply_field_map(build_document(p, fairs[p.id]), field_map)) for p in positions]
    changed = db.session.scalar(
        sa.select(sa.func.max(ChannelPosting.updated_at)).where(
            ChannelPosting.channel_id == channel.id
        )
    )
    stamps = [changed] + [p.updated_at for p in positions]
    stamps = [s for s in stamps if s is not None]
    return items, max(stamps) if stamps else None


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


def _text(parent: ET.Element, tag: str, value) -> None:
    ET.SubElement(parent, tag).text = "" if value is None else str(value)


@bp.get("/<code>.xml")
def feed_xml(code: str):
    channel = feed_channel(code)
    items, last_modified = feed_postings(channel)
    root = ET.Element("source")
    _text(root, "publisher", "株洲市招聘会服务平台")
    _text(root, "publisherurl", current_app.config["PUBLIC_BASE_URL"])
    if last_modified:
        _text(root, "lastBuildDate", format_datetime(last_modified, usegmt=True))
    for position, document in items:
        job = ET.SubElement(root, "job")
        _text(job, "title", position.title)
        _text(job, "date", position.published_at or position.created_at)
        _text(job, "referencenumber", position.ref)
        _text(job, "url", document.get("url"))
        _text(job, "company", position.employer.name)
        _text(job, "city", position.work_region.name if position.work_region else "")
        _text(job, "state", "湖南省")
        _text(job, "country", "CN")
        _text(job, "postalcode", "")
        _text(job, "description", position.description)
        salary = "面议"
        if position.salary_min is not None or position.salary_max is not None:
            low = position.salary_min if position.salary_min is not None else ""
            high = position.salary_max if position.salary_max is not None else ""
            salary = f"{low}-{high} 元/月"
        _text(job, "salary", salary)
        _text(job, "education", position.education.label)
        _text(job, "jobtype", INDEED_JOB_TYPES.get(position.employment_type.value, "other"))
        _text(job, "expirationdate", position.valid_until.isoformat())
        _text(job, "revision", position.revision)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    response = _conditional(body, "application/xml", last_modified)
    response.charset = "utf-8"
    return response
