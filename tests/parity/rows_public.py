"""Public rules: what an anonymous visitor may see, the same on the public pages and the API."""

from recruit.employers.models import EmployerStatus
from recruit.fairs.models import FairStatus
from recruit.positions.models import PositionStatus
from tests.parity.rule import Rule

ROWS = [
    Rule(
        "public: a cancelled fair is not shown",
        actor="anonymous",
        arrange=lambda k: {"fair": k.fair(status=FairStatus.CANCELLED)},
        expect="not_found",
        page=lambda r: ("get", f"/fairs/{r['fair'].id}", None),
        api=lambda r: ("get", f"/api/v1/fairs/{r['fair'].id}", None),
    ),
    Rule(
        "public: a closed position is not shown",
        actor="anonymous",
        arrange=lambda k: {"position": k.make_position(status=PositionStatus.CLOSED)},
        expect="not_found",
        page=lambda r: ("get", f"/positions/{r['position'].id}", None),
        api=lambda r: ("get", f"/api/v1/positions/{r['position'].id}", None),
    ),
    Rule(
        "public: an employer not yet approved is not shown",
        actor="anonymous",
        arrange=lambda k: {"employer": k.make_employer(status=EmployerStatus.PENDING)},
        expect="not_found",
        page=lambda r: ("get", f"/employers/{r['employer'].id}", None),
        api=lambda r: ("get", f"/api/v1/employers/{r['employer'].id}", None),
    ),
]
