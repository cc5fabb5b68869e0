"""Region scope: which regions' records a user may see and change."""

from recruit.auth.models import Role, User
from recruit.refdata.services import region_codes_within


def scope_region_codes(user: User) -> list[str] | None:
    """Return the region codes an organizer works in, or None for no restriction.

    Admins and viewers see the whole installation; an organizer sees its region and everything
    below it (430200 = the whole city, 430281 = 醴陵 only). Other roles get an empty list: staff
    screens are not theirs, and queries filtered with it return nothing.
    """
    if user.role in (Role.ADMIN, Role.VIEWER):
        return None
    if user.role is Role.ORGANIZER and user.region_code:
        return region_codes_within(user.region_code)
    return []


def in_scope(user: User, region_code: str) -> bool:
    """Return whether a record held in this region is inside the user's scope."""
    codes = scope_region_codes(user)
    return codes is None or region_code in codes
