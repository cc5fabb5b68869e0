"""The organizer workspace's blueprint and what its screens share."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, request
from flask_login import current_user

from recruit.auth.access import roles_required
from recruit.auth.scope import STAFF, in_scope
from recruit.errors import ServiceError
from recruit.extensions import db
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import current_regions

bp = Blueprint("manage", __name__, url_prefix="/manage")

#: Rows on a list screen.
PER_PAGE = 20


@bp.before_request
@roles_required(*STAFF)
def require_staff():
    """Every organizer screen is for admins and organizers only (the services check again)."""


def page_number(name: str = "page") -> int:
    """Return the page asked for in the query string (1 when absent or nonsense)."""
    return max(request.args.get(name, 1, type=int), 1)


def scope_regions():
    """Return the current regions the signed-in organizer may choose (its scope)."""
    return [r for r in current_regions() if in_scope(current_user, r.code)]


def active_chains() -> list[IndustryChain]:
    """Return the industry chains in use, in their display order."""
    query = sa.select(IndustryChain).where(IndustryChain.active).order_by(IndustryChain.sort_order)
    return list(db.session.scalars(query))


def refuse(error: ServiceError, target: str):
    """Show a refused action's message on the page it came from (nothing was written)."""
    flash(error.message, "danger")
    return redirect(target)
