"""Import every domain's models, so that the metadata and Alembic see the whole schema."""

from recruit.audit.models import AuditLog
from recruit.auth.codes import AccountCode, ContactRequest
from recruit.auth.models import ApiToken, Role, User
from recruit.auth.throttle import LoginAttempt
from recruit.channels.models import Channel, ChannelPosting, SyncRun
from recruit.employers.models import Employer, EmployerChange, EmployerStatus, Invitation
from recruit.fairs.models import (
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
)
from recruit.hires.models import HireStep, Outcome, TentativeHire
from recruit.notify.models import Notification, NotificationOnce, NotificationOptOut
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.models import IndustryChain, Region
from recruit.reminders.models import OutcomeReminder
from recruit.seekers.models import Application, Entry, Seeker, SeekerCode, SeekerToken

__all__ = [
    "AccountCode",
    "Application",
    "ApiToken",
    "AuditLog",
    "Channel",
    "ChannelPosting",
    "ContactRequest",
    "Employer",
    "EmployerChange",
    "EmployerStatus",
    "Entry",
    "Fair",
    "FairPosition",
    "FairStatus",
    "HireStep",
    "IndustryChain",
    "Invitation",
    "LoginAttempt",
    "Notification",
    "NotificationOnce",
    "NotificationOptOut",
    "Outcome",
    "OutcomeReminder",
    "Participation",
    "ParticipationStatus",
    "Position",
    "PositionStatus",
    "Region",
    "Role",
    "Seeker",
    "SeekerCode",
    "SeekerTally",
    "SeekerToken",
    "SyncRun",
    "TentativeHire",
    "User",
]
