"""The messages the domains' events send to employers (called inside the event's service).

Each function only adds outbox rows through send(): the service's unit of work commits them
with the event, or rolls them back with it.
"""

from recruit.employers.models import Employer, EmployerStatus
from recruit.fairs.models import Participation, ParticipationStatus
from recruit.formatting import local_span
from recruit.links import public_url
from recruit.notify.models import Notification
from recruit.notify.services import send_to_employer
from recruit.positions.models import Position

NO_BOOTH = "待定"


def employer_reviewed(employer: Employer) -> list[Notification]:
    """Registration approved, or rejected with the reason."""
    if employer.status is EmployerStatus.APPROVED:
        return send_to_employer(
            employer, "employer_registration_approved", {"url": public_url("employer.index")}
        )
    return send_to_employer(
        employer,
        "employer_registration_rejected",
        {"reason": employer.review_note or "", "url": public_url("employer.index")},
    )


def position_reviewed(position: Position, approved: bool) -> list[Notification]:
    """A position published, or sent back to draft with the reason."""
    if approved:
        return send_to_employer(
            position.employer,
            "position_approved",
            {
                "position": position.title,
                "url": public_url("positions.detail", position_id=position.id),
            },
        )
    return send_to_employer(
        position.employer,
        "position_rejected",
        {
            "position": position.title,
            "reason": position.review_note or "",
            "url": public_url("employer.positions"),
        },
    )


def _fair_params(part: Participation) -> dict[str, str]:
    fair = part.fair
    return {
        "fair": fair.title,
        "date": local_span(fair.starts_at, fair.ends_at),
        "venue": fair.venue or "线上",
        "booth": part.booth or NO_BOOTH,
        "url": public_url("employer.fairs"),
    }


def participation_reviewed(part: Participation) -> list[Notification]:
    """A fair sign-up approved (with the booth, if given yet) or rejected with the reason."""
    if part.status is ParticipationStatus.APPROVED:
        return send_to_employer(part.employer, "participation_approved", _fair_params(part))
    return send_to_employer(
        part.employer,
        "participation_rejected",
        {**_fair_params(part), "reason": part.review_note or ""},
    )


def booth_assigned(part: Participation) -> list[Notification]:
    """An accepted participation got a booth (or a different one)."""
    if not part.booth or part.status is not ParticipationStatus.APPROVED:
        return []
    return send_to_employer(part.employer, "participation_booth", _fair_params(part))


def fair_tomorrow(part: Participation) -> list[Notification]:
    """The day-before reminder of a fair the employer takes part in."""
    return send_to_employer(part.employer, "fair_reminder", _fair_params(part))


def outcomes_waiting(employer: Employer, count: int) -> list[Notification]:
    """The weekly reminder of intents waiting 14+ days for an outcome."""
    return send_to_employer(
        employer, "outcome_reminder", {"count": str(count), "url": public_url("employer.outcomes")}
    )
