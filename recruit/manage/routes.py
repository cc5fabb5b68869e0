"""The organizer workspace: every screen module registers its views on the one blueprint."""

from recruit.manage import (  # noqa: F401  (imported for the views they register)
    application_pages,
    callback_pages,
    fair_pages,
    intent_pages,
    onsite_pages,
    participant_pages,
    review_pages,
    workspace,
)
from recruit.manage.blueprint import bp

__all__ = ["bp"]
