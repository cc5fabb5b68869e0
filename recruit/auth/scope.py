"""Region scope and role: what an actor may reach. Services call these; doors never restate them."""

import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.errors import Forbidden
from recruit.refdata.services import region_codes_within

#: The roles that run fairs: the staff screens and the organizer API.
STAFF = (Role.ADMIN, Role.ORGANIZER)


def require_role(actor, *roles: Role, message: str | None = None) -> None:
    """Refuse (Forbidden) unless the actor has one of the roles."""
    if actor is None or not actor.has_role(*roles):
        raise Forbidden(message or "当前账号无权执行此操作。")


#: What a read-only employer account hears when it tries to change anything.
READ_ONLY = "当前账号为只读权限，不能修改本单位的信息；如需修改请联系本单位的账号管理员。"


def require_employer_write(actor) -> None:
    """Refuse (Forbidden) unless the actor is an employer account allowed to change things.

    Every change an employer makes (positions, fair sign-ups, outcomes, profile, team) calls
    this: a read-only account sees all of its employer's records and changes none of them.
    """
    require_role(actor, Role.EMPLOYER)
    if not actor.may_write_for_employer:
        raise Forbidden(READ_ONLY)


def scope_region_codes(actor) -> list[str] | None:
    """Return the region codes an organizer works in, or None for no restriction.

    Admins, viewers and the system see the whole installation; an organizer sees its region and
    everything below it (430200 = the whole city, 430281 = 醴陵 only). Other roles get an empty
    list: staff records are not theirs, and queries filtered with it return nothing.
    """
    if actor.role in (Role.ADMIN, Role.VIEWER):
        return None
    if actor.role is Role.ORGANIZER and actor.region_code:
        return region_codes_within(actor.region_code)
    return []


def in_scope(actor, region_code: str) -> bool:
    """Return whether a record held in this region is inside the actor's scope."""
    codes = scope_region_codes(actor)
    return codes is None or region_code in codes


def where_in_scope(query: sa.Select, actor, column) -> sa.Select:
    """Narrow a select to rows whose region `column` lies in the actor's scope."""
    codes = scope_region_codes(actor)
    return query if codes is None else query.where(column.in_(codes))
