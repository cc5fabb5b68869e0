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
from recruit.hires.models import Outcome, TentativeHire
from recruit.notify.models import Notification, NotificationOnce, NotificationOptOut
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.models import IndustryChain, Region
from recruit.reminders.models import OutcomeReminder

__all__ = [
    "AccountCode",
    "ApiToken",
    "AuditLog",
    "Channel",
    "ChannelPosting",
    "ContactRequest",
    "Employer",
    "EmployerChange",
    "EmployerStatus",
    "Fair",
    "FairPosition",
    "FairStatus",
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
    "SeekerTally",
    "SyncRun",
    "TentativeHire",
    "User",
]
