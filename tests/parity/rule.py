"""What a row of the parity table says: who acts, on what, through which doors, with what result.

A row arranges its records once (`Kit`), names the request each door sends for them, and says
what must come of it. The runner (test_rules.py) sends each door's request on the same records,
rolling each door's work back before the next, and holds every door to the row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from recruit.auth.models import EmployerRole, Role, User
from recruit.extensions import db as DB
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.hires.models import TentativeHire

#: (method, url, body): a page's form data, or the API's JSON.
Request = tuple[str, str, dict | list | None]

#: The outcomes a row may expect; the API names each, a page or a command says less.
EXPECTED = ("ok", "created", "invalid", "conflict", "not_found", "forbidden")
DOORS = ("page", "api", "command")

#: A value no effect or reading ever returns: the row states nothing here.
UNSTATED: Any = object()

#: A seeker's contact, which lists and refusals must never show in full.
PHONE = "13907311234"
ID_NUMBER = "11010519491231002X"


@dataclass
class Kit:
    """Build the records a rule needs: the conftest factories, and the actor itself."""

    #: The signed-in user the row acts as; None for anonymous.
    actor: User | None
    make_fair: Callable
    make_position: Callable
    make_employer: Callable
    make_user: Callable

    def fair(self, region="430211", status=FairStatus.OPEN, **kwargs) -> Fair:
        """Return a fair in the region, open unless told, under way now unless given a day."""
        if "day" not in kwargs and "starts_at" not in kwargs:
            kwargs["live"] = True
        return self.make_fair(region_code=region, status=status, **kwargs)

    def approved(self, fair: Fair, openings: int = 3, **kwargs) -> Participation:
        """Return an employer at the fair (approved unless told), offering one open position."""
        position = self.make_position(employer=self.make_employer(region_code=fair.region_code))
        kwargs.setdefault("status", ParticipationStatus.APPROVED)
        part = Participation(fair=fair, employer=position.employer, **kwargs)
        part.fair_positions.append(FairPosition(position=position, openings=openings))
        DB.session.add(part)
        DB.session.flush()
        return part

    def hire(self, part: Participation) -> TentativeHire:
        """Return a seeker's intent for the participation's first position."""
        hire = TentativeHire(
            fair=part.fair,
            position=part.fair_positions[0].position,
            seeker_name="陈静",
            seeker_phone=PHONE,
            seeker_id_number=ID_NUMBER,
        )
        DB.session.add(hire)
        DB.session.flush()
        return hire


#: Who acts on the page and the API (a command acts as the system): user fields by actor name.
ACTORS: dict[str, Callable[[Kit], dict] | None] = {
    "city": lambda kit: dict(role=Role.ORGANIZER, region_code="430200"),
    "liling": lambda kit: dict(role=Role.ORGANIZER, region_code="430281"),
    "admin": lambda kit: dict(role=Role.ADMIN),
    "employer": lambda kit: dict(
        role=Role.EMPLOYER, employer=kit.make_employer(region_code="430211")
    ),
    # Colleagues of an employer's administrator (several HR accounts per employer).
    "employer_readonly": lambda kit: dict(
        role=Role.EMPLOYER,
        employer=kit.make_employer(region_code="430211"),
        employer_role=EmployerRole.READONLY,
    ),
    "employer_full": lambda kit: dict(
        role=Role.EMPLOYER,
        employer=kit.make_employer(region_code="430211"),
        employer_role=EmployerRole.FULL,
    ),
    "viewer": lambda kit: dict(role=Role.VIEWER),
    "anonymous": None,
}


@dataclass(frozen=True)
class Rule:
    """One rule as every door must apply it.

    `arrange` builds the records (a dict); `page` and `api` return a Request for them and
    `command` the arguments of a `flask` command; a door left None is not tried. `expect` is
    one of EXPECTED. `effect` reads back what the database holds for these records: every door
    leaves it the same, a refusal leaves it as it was, "created" changes it, and `after` (when
    stated) is what it must read. `fields` are the fields a refusal names on the page and in
    the API (compared only when stated); `says` is the refusal's words exactly as the API says
    them, which the page and the command must show too. `shows` reads what a door showed (the
    same for every door, and `shown` when stated); `hidden` are strings no door may show.
    """

    name: str
    actor: str
    arrange: Callable[[Kit], dict]
    expect: str
    page: Callable[[dict], Request] | None = None
    api: Callable[[dict], Request] | None = None
    command: Callable[[dict], list[str]] | None = None
    effect: Callable[[dict], Any] | None = None
    after: Any = UNSTATED
    fields: frozenset[str] | None = None
    says: str | None = None
    shows: Callable[[Any], Any] | None = None
    shown: Any = UNSTATED
    hidden: tuple[str, ...] = field(default=())

    @property
    def doors(self) -> tuple[str, ...]:
        """Return the doors this rule is tried on, in the order they are tried."""
        return tuple(door for door in DOORS if getattr(self, door) is not None)
