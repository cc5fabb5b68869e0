"""The posting document of protocol v1 (DESIGN §4) and its hash."""

import hashlib
import json
from typing import Any

import sqlalchemy as sa

from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation
from recruit.formatting import to_local
from recruit.links import public_url
from recruit.positions.models import Position


def fairs_of(position_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """Return the public fairs (not cancelled) each position is offered at, earliest first."""
    found: dict[int, list[dict[str, str]]] = {pid: [] for pid in position_ids}
    if not position_ids:
        return found
    rows = db.session.execute(
        sa.select(FairPosition.position_id, Fair)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .join(Fair, Participation.fair_id == Fair.id)
        .where(FairPosition.position_id.in_(position_ids), Fair.is_public)
        .order_by(Fair.starts_at, Fair.id)
    ).all()
    for position_id, fair in rows:
        found[position_id].append(
            {
                "ref": fair.ref,
                "title": fair.title,
                "starts_at": to_local(fair.starts_at).isoformat(),
            }
        )
    return found


def build_document(position: Position, fairs: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Return the posting document of a position with the default field names."""
    if fairs is None:
        fairs = fairs_of([position.id])[position.id]
    employer = position.employer
    negotiable = position.salary_negotiable or (
        position.salary_min is None and position.salary_max is None
    )
    occupation: dict[str, Any] = {"major_group": position.occupation_major_group}
    if position.occupation_code:
        occupation["code"] = position.occupation_code
        if position.occupation_edition:
            occupation["edition"] = position.occupation_edition
    return {
        "ref": position.ref,
        "position_id": position.id,
        "revision": position.revision,
        "title": position.title,
        "occupation": occupation,
        "openings": position.openings,
        "salary": None
        if negotiable
        else {
            "min": position.salary_min,
            "max": position.salary_max,
            "unit": "MONTH",
            "currency": "CNY",
        },
        "education": {"label": position.education.label, "code": position.education.gbt4658},
        "employment_type": position.employment_type.value,
        "work_region_code": position.work_region_code,
        "work_address": position.work_address,
        "description": position.description,
        "employer": {
            "name": employer.name,
            "uscc": employer.uscc,
            "region_code": employer.region_code,
            "industry_section": employer.industry_section,
            "size": employer.size.value if employer.size else None,
            "address": employer.address,
        },
        "contact": {"name": position.contact_name, "phone": position.contact_phone},
        "fairs": fairs,
        "date_posted": to_local(position.published_at or position.created_at).date().isoformat(),
        "valid_through": position.valid_until.isoformat(),
        "url": public_url("positions.detail", position_id=position.id),
    }


def apply_field_map(document: dict[str, Any], field_map: dict[str, str] | None) -> dict[str, Any]:
    """Rename top-level fields as the channel's mapping says; unnamed fields keep their name."""
    if not field_map:
        return document
    return {field_map.get(key, key): value for key, value in document.items()}


def encode_document(document: dict[str, Any]) -> bytes:
    """Return the UTF-8 JSON body, Chinese not escaped, keys in a stable order."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def document_hash(body: bytes) -> str:
    """Return the SHA-256 of an encoded document."""
    return hashlib.sha256(body).hexdigest()
