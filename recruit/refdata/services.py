"""Load and query reference data."""

import logging

import sqlalchemy as sa

from recruit.extensions import db
from recruit.refdata import codes
from recruit.refdata.models import IndustryChain, Region

logger = logging.getLogger(__name__)


def load_refdata() -> dict[str, int]:
    """Insert the shipped regions and industry chains that are missing.

    Safe to run any number of times: existing rows are left as they are, so an admin's edits
    to chains survive. Returns how many rows of each kind were added. (Channels seed their own
    rows: recruit.channels.services.seed_channels.)
    """
    added = {"regions": 0, "industry_chains": 0}
    existing_regions = set(db.session.scalars(sa.select(Region.code)))
    # Parents first, so that foreign keys hold on every insert.
    for code, name, parent, valid_from, valid_to, _successor in codes.REGIONS:
        if code not in existing_regions:
            db.session.add(
                Region(
                    code=code,
                    name=name,
                    parent_code=parent,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
            added["regions"] += 1
    db.session.flush()
    for code, *_rest, successor in codes.REGIONS:
        region = db.session.get(Region, code)
        if successor and region.successor_code is None:
            region.successor_code = successor

    existing_chains = set(db.session.scalars(sa.select(IndustryChain.code)))
    for order, (code, name, classes) in enumerate(codes.INDUSTRY_CHAINS):
        if code not in existing_chains:
            db.session.add(
                IndustryChain(code=code, name=name, industry_classes=classes, sort_order=order)
            )
            added["industry_chains"] += 1

    db.session.flush()
    logger.debug("Reference data loaded: %s", added)
    return added


def region_codes_within(code: str) -> list[str]:
    """Return the region's code and the codes of all regions below it.

    A retired code counts under its successor (株洲县 430221 under 渌口区 430212), so records
    kept in a retired code are found under the region that replaced it.
    """
    rows = db.session.execute(sa.select(Region.code, Region.parent_code, Region.successor_code))
    links = {child: (parent, successor) for child, parent, successor in rows.all()}
    if code not in links:
        return []
    found = [code]
    frontier = {code}
    while frontier:
        frontier = {
            child
            for child, (parent, successor) in links.items()
            if (parent in frontier or successor in frontier) and child not in found
        }
        found.extend(sorted(frontier))
    return found


def current_codes() -> dict[str, str]:
    """Return every region code → the code it counts under today (its last successor)."""
    successors = dict(db.session.execute(sa.select(Region.code, Region.successor_code)).all())
    current = {}
    for code in successors:
        seen, last = {code}, code
        while successors.get(last) and successors[last] not in seen:
            last = successors[last]
            seen.add(last)
        current[code] = last
    return current


def region_codes_exactly(code: str) -> list[str]:
    """Return the region's own code and the retired codes that count under it (no sub-regions)."""
    return sorted(old for old, now in current_codes().items() if now == code)


def current_regions(within: str | None = None) -> list[Region]:
    """Return regions in use today (not superseded), optionally limited to a subtree."""
    query = sa.select(Region).where(Region.valid_to.is_(None)).order_by(Region.code)
    if within:
        query = query.where(Region.code.in_(region_codes_within(within)))
    return list(db.session.scalars(query))


def get_industry_chain(code: str) -> IndustryChain | None:
    """Return the industry chain with this code, or None."""
    return db.session.scalar(sa.select(IndustryChain).where(IndustryChain.code == code))
