"""Employer suspension: admins suspend and reinstate, on /admin/employers, the API and
`flask employers`; a suspended employer's positions are withdrawn from every channel.

Every refusal leaves the employer, its channel postings and the audit log as they were.
"""

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.channels.models import ChannelPosting
from recruit.employers.models import Employer, EmployerStatus
from recruit.employers.suspension import NOTE_REQUIRED
from recruit.extensions import db as DB
from recruit.positions.models import Position
from recruit.sync.desired import refresh_all
from tests.parity.rule import Kit, Rule

REASON = "欠薪投诉核查中"


def employer_with_a_position(status: EmployerStatus, note: str | None = None):
    """Arrange an employer in this status with one open position on the channels."""

    def arrange(k: Kit) -> dict:
        employer = k.make_employer(status=status, review_note=note)
        position = k.make_position(employer=employer)
        refresh_all([position.id])
        return {"employer_id": employer.id, "uscc": employer.uscc}

    return arrange


def employer_as_it_is(r: dict) -> tuple:
    """Return the employer's status and note, its postings' desired states, its audit count."""
    employer = DB.session.get(Employer, r["employer_id"])
    desired = sorted(
        row.desired.value
        for row in DB.session.scalars(
            sa.select(ChannelPosting)
            .join(Position, Position.id == ChannelPosting.position_id)
            .where(Position.employer_id == employer.id)
        )
    )
    audit = DB.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditLog)
        .where(AuditLog.object_type == "employers", AuditLog.object_id == str(employer.id))
    )
    return employer.status.value, employer.review_note, desired, audit


def suspend(note: str, arrange) -> dict:
    return dict(
        arrange=arrange,
        page=lambda r: ("post", f"/admin/employers/{r['employer_id']}/suspend", {"note": note}),
        api=lambda r: (
            "post",
            f"/api/v1/admin/employers/{r['employer_id']}/suspend",
            {"note": note},
        ),
        command=lambda r: ["employers", "suspend", r["uscc"], "--note", note],
        effect=employer_as_it_is,
    )


def reinstate(arrange) -> dict:
    return dict(
        arrange=arrange,
        page=lambda r: ("post", f"/admin/employers/{r['employer_id']}/reinstate", None),
        api=lambda r: ("post", f"/api/v1/admin/employers/{r['employer_id']}/reinstate", {}),
        command=lambda r: ["employers", "reinstate", r["uscc"]],
        effect=employer_as_it_is,
    )


ROWS = [
    Rule(
        "employer: an admin suspends an approved employer",
        actor="admin",
        **suspend(REASON, employer_with_a_position(EmployerStatus.APPROVED)),
        expect="ok",
        # Withdrawn from every channel whose scope holds it (湘就业, 人才网, 就业超市).
        after=("suspended", REASON, ["withdrawn"] * 3, 1),
    ),
    Rule(
        "employer: a suspension needs a reason",
        actor="admin",
        **suspend("  ", employer_with_a_position(EmployerStatus.APPROVED)),
        expect="invalid",
        fields=frozenset({"note"}),
        says=NOTE_REQUIRED,
    ),
    Rule(
        "employer: only an approved employer is suspended",
        actor="admin",
        **suspend(REASON, employer_with_a_position(EmployerStatus.PENDING)),
        expect="conflict",
    ),
    Rule(
        "employer: the city organizer suspends an employer",
        actor="city",
        **{
            **suspend(REASON, employer_with_a_position(EmployerStatus.APPROVED)),
            "command": None,
        },
        expect="forbidden",
    ),
    Rule(
        "employer: an admin reinstates a suspended employer",
        actor="admin",
        **reinstate(employer_with_a_position(EmployerStatus.SUSPENDED, "核查")),
        expect="ok",
        after=("approved", None, ["published"] * 3, 1),
    ),
    Rule(
        "employer: only a suspended employer is reinstated",
        actor="admin",
        **reinstate(employer_with_a_position(EmployerStatus.APPROVED)),
        expect="conflict",
    ),
]
