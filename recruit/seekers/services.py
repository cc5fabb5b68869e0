"""The seekers' rules, for every door: the phone pages, the mini program's API, staff pages.

DESIGN §7. A seeker enters a running fair with name, mobile and consent (once per fair; a second
scan is welcomed, not counted), holds a token (a cookie on the phone pages, a bearer token in the
mini program), applies to positions offered at the fair, and may see, correct and delete what
the product holds. Employers and staff decide applications; an intent becomes a TentativeHire.
"""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from recruit.audit.services import record_audit
from recruit.auth.actors import SystemActor
from recruit.auth.codes import ContactRequest, RequestKind
from recruit.auth.models import Role
from recruit.auth.scope import require_employer_write
from recruit.db_types import utcnow
from recruit.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from recruit.extensions import db
from recruit.fairs.models import ACCEPTED, Fair, FairPosition, Participation
from recruit.fairs.participations import own_participation
from recruit.fairs.queries import require_fair_access
from recruit.formatting import local_datetime
from recruit.hires.models import HireSource, Outcome, TentativeHire
from recruit.hires.privacy import REMOVED_NAME
from recruit.notify.services import send
from recruit.pii import pii_hash
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import Education, FairMode, Gender, PriorityGroup
from recruit.seekers.models import (
    Application,
    ApplicationSource,
    ApplicationState,
    ConsentPurpose,
    Entry,
    EntrySource,
    Seeker,
    SeekerCode,
    SeekerOrigin,
    SeekerToken,
)
from recruit.uow import register_unique_race
from recruit.validators import (
    control_character_error,
    id_number_error,
    mask_id_number,
    mobile_error,
    normalize_id_number,
    normalize_mobile,
)

#: The privacy notice in force; a seeker's consent names the version they agreed to.
NOTICE_VERSION = "2026-11"
#: The purposes an entry consents to (DESIGN §7), in the notice's order.
PURPOSES = (ConsentPurpose.ENTRY, ConsentPurpose.APPLY, ConsentPurpose.FOLLOW_UP)
#: Every seeker token starts with this, so a leaked one is easy to recognise.
TOKEN_PREFIX = "sk_"
MAX_NAME = 40
CODE_MINUTES = 10
CODE_TRIES = 5

#: The seeker's fields by the names the API and the forms use, with their Chinese names.
FIELD_LABELS = {
    "name": "姓名",
    "phone": "手机号",
    "consent": "同意",
    "gender": "性别",
    "education": "学历",
    "priority_groups": "重点群体",
    "id_number": "身份证号",
    "fair_id": "招聘会",
    "position_id": "岗位",
    "decision": "处理结果",
    "code": "验证码",
}

NO_FAIR = "招聘会不存在。"
NO_APPLICATION = "投递记录不存在或不在您的管辖范围内。"
NOT_PROVEN = "为保护您的个人信息，请先用短信验证码验证手机号。"

register_unique_race(
    "fair_entries", ("fair_id", "seeker_id"), "phone", "您已入场登记，无需重复登记。"
)
register_unique_race(
    "applications",
    ("seeker_id", "fair_id", "position_id"),
    "position_id",
    "您已投递过该岗位，请等待用人单位处理。",
)
register_unique_race("seekers", ("seeker_phone_hash",), "phone", "该手机号刚刚已登记，请再试一次。")


class SeekerThrottled(ServiceError):
    """Too many requests from one address or for one mobile within the window."""

    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(f"操作过于频繁，请在 {minutes} 分钟后再试。")

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


# --- the seeker's fields ---------------------------------------------------------------------


@dataclass
class SeekerData:
    name: str
    phone: str
    gender: Gender | None = None
    education: Education | None = None
    priority_groups: list[str] = field(default_factory=list)
    id_number: str | None = None


def _labelled(errors: dict[str, str]) -> dict[str, str]:
    return {name: f"{FIELD_LABELS[name]}：{message}" for name, message in errors.items()}


def _profile_errors(values: dict) -> dict[str, str]:
    """Errors of the fields a seeker may correct (everything but the mobile)."""
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    if control_character_error(name):
        errors["name"] = control_character_error(name)
    elif not name:
        errors["name"] = "请填写姓名"
    elif len(name) > MAX_NAME:
        errors["name"] = f"不能超过{MAX_NAME}个字"
    gender = values.get("gender")
    if gender and gender not in {g.value for g in Gender}:
        errors["gender"] = "只能是男或女"
    education = values.get("education")
    if education and education not in {e.value for e in Education}:
        errors["education"] = "不在学历列表中"
    groups = values.get("priority_groups") or []
    if not isinstance(groups, list | tuple):
        errors["priority_groups"] = "应为列表"
    else:
        unknown = [g for g in groups if g not in {p.value for p in PriorityGroup}]
        if unknown:
            errors["priority_groups"] = f"“{unknown[0]}”不在重点群体列表中"
    id_number = (values.get("id_number") or "").strip()
    if id_number and (problem := id_number_error(id_number)):
        errors["id_number"] = problem
    return errors


def _clean_profile(values: dict) -> dict:
    id_number = (values.get("id_number") or "").strip()
    return {
        "name": values["name"].strip(),
        "gender": Gender(values["gender"]) if values.get("gender") else None,
        "education": Education(values["education"]) if values.get("education") else None,
        "priority_groups": sorted(set(values.get("priority_groups") or [])),
        "id_number": normalize_id_number(id_number) if id_number else None,
    }


def clean_entry(values: dict) -> SeekerData:
    """Validate an entry's values (codes); raise Invalid naming every bad field."""
    errors = _profile_errors(values)
    phone = (values.get("phone") or "").strip()
    if not phone:
        errors["phone"] = "请填写手机号"
    elif problem := mobile_error(phone):
        errors["phone"] = problem
    if values.get("consent") is not True:
        errors["consent"] = "请阅读并同意个人信息处理说明后再登记"
    if errors:
        raise Invalid(errors=_labelled(errors))
    return SeekerData(phone=normalize_mobile(phone), **_clean_profile(values))


# --- the window and the limits -----------------------------------------------------------------


def require_running(fair: Fair) -> None:
    """Refuse (Conflict) unless the fair runs: open or held, from two hours before its start."""
    if fair.on_the_day:
        return
    if fair.day_not_begun:
        raise Conflict(f"招聘会尚未开始，入场登记从{local_datetime(fair.day_opens_at)}起开放。")
    raise Conflict("招聘会不在进行中，现在不能入场登记或投递。")


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["SEEKER_LIMIT_MINUTES"])


def _limit(kind: RequestKind, condition, limit: int) -> None:
    """Refuse when the requests of a kind matching `condition` reached `limit` in the window.

    Counts at most `limit` rows (the oldest first, along the address / account index), so a
    busy venue address costs the same to check however many seekers it carries.
    """
    since = utcnow() - _window()
    recent = (
        sa.select(ContactRequest.at)
        .where(ContactRequest.at > since, condition, ContactRequest.kind == kind)
        .order_by(ContactRequest.at)
        .limit(limit)
        .subquery()
    )
    count, oldest = db.session.execute(sa.select(sa.func.count(), sa.func.min(recent.c.at))).one()
    if count >= limit:
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=since.tzinfo)
        raise SeekerThrottled((oldest + _window() - utcnow()).total_seconds() + 1)


def _note(kind: RequestKind, account: str, address: str | None) -> None:
    db.session.add(ContactRequest(kind=kind, account=account, address=(address or "-")[:45]))


def _phone_account(phone_hash: str) -> str:
    return f"phone:{phone_hash}"


# --- tokens -------------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(seeker: Seeker, *, created_seeker: bool = False) -> tuple[SeekerToken, str]:
    """Give the seeker a new token; return the row and the secret (shown once)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = SeekerToken(
        seeker=seeker,
        token_hash=_digest(secret),
        created_seeker=created_seeker,
        expires_at=utcnow() + timedelta(days=current_app.config["SEEKER_TOKEN_DAYS"]),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def token_for(secret: str | None) -> SeekerToken | None:
    """Return the live token a secret names (not expired, not revoked, seeker not deleted)."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        sa.select(SeekerToken)
        .where(SeekerToken.token_hash == _digest(secret))
        .options(joinedload(SeekerToken.seeker))
    )
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    if token.seeker.is_deleted:
        return None
    return token


def require_proven(token: SeekerToken) -> Seeker:
    """Return the token's seeker, refusing a token that never proved the mobile."""
    if not token.proven:
        raise Forbidden(NOT_PROVEN, field="phone")
    return token.seeker


def verification_required() -> bool:
    """Whether a mobile must be proven by a code before an application leaves."""
    setting = current_app.config["SEEKER_PHONE_VERIFICATION"]
    if setting in ("on", "off"):
        return setting == "on"
    return current_app.config["NOTIFY_SMS_PROVIDER"] != "outbox"


# --- entries ------------------------------------------------------------------------------------


@dataclass
class EntryResult:
    seeker: Seeker
    token: SeekerToken
    #: The new token's secret; None when the caller's own token was kept.
    secret: str | None
    entry: Entry
    first_entry: bool
    #: The seeker was registered by this entry.
    new_seeker: bool


def enter_fair(
    fair: Fair,
    values: dict,
    *,
    address: str | None,
    token_secret: str | None = None,
    source: EntrySource | None = None,
) -> EntryResult:
    """Record a seeker's entry at a running fair (once per seeker and fair) and give a token.

    The same mobile again is welcomed, not counted. A phone that already holds a token for this
    seeker keeps it; otherwise a new token is issued, proven only if it registered the seeker.
    """
    require_running(fair)
    data = clean_entry(values)
    phone_hash = pii_hash(data.phone)
    config = current_app.config
    _limit(
        RequestKind.ENTRY,
        ContactRequest.address == (address or "-")[:45],
        config["SEEKER_ENTRIES_PER_ADDRESS"],
    )
    _limit(
        RequestKind.ENTRY,
        ContactRequest.account == _phone_account(phone_hash),
        config["SEEKER_ENTRIES_PER_PHONE"],
    )
    _note(RequestKind.ENTRY, _phone_account(phone_hash), address)

    seeker = db.session.scalar(sa.select(Seeker).where(Seeker.seeker_phone_hash == phone_hash))
    new_seeker = seeker is None
    now = utcnow()
    if seeker is None:
        seeker = Seeker(
            name=data.name,
            seeker_phone=data.phone,
            seeker_id_number=data.id_number,
            gender=data.gender,
            education=data.education,
            priority_groups=data.priority_groups,
            origin=SeekerOrigin.SELF,
        )
        db.session.add(seeker)
    # The person in front of the notice agreed to it now (a seeker known from staff records
    # gives consent here for the first time).
    seeker.consent_version = NOTICE_VERSION
    seeker.consent_at = now
    seeker.consent_purposes = [purpose.value for purpose in PURPOSES]
    db.session.flush()

    token = token_for(token_secret)
    secret = None
    if token is None or token.seeker_id != seeker.id:
        token, secret = issue_token(seeker, created_seeker=new_seeker)

    entry, first_entry = _entry(fair, seeker, source)
    return EntryResult(seeker, token, secret, entry, first_entry, new_seeker)


def _entry(fair: Fair, seeker: Seeker, source: EntrySource | None) -> tuple[Entry, bool]:
    """Return the seeker's entry at the fair and whether it is new (once per seeker and fair)."""
    entry = entry_at(fair, seeker)
    if entry is not None:
        return entry, False
    if source is None:
        source = EntrySource.ONLINE if fair.mode is FairMode.ONLINE else EntrySource.SCAN
    entry = Entry(fair_id=fair.id, seeker_id=seeker.id, source=source, at=utcnow())
    db.session.add(entry)
    db.session.flush()
    return entry, True


def entry_at(fair: Fair, seeker: Seeker) -> Entry | None:
    """Return the seeker's entry at the fair, if any."""
    return db.session.scalar(
        sa.select(Entry).where(Entry.fair_id == fair.id, Entry.seeker_id == seeker.id)
    )


def get_running_fair(fair_id: int) -> Fair:
    """Return a public fair by id (NotFound for unknown or cancelled ones)."""
    fair = db.session.get(Fair, fair_id)
    if fair is None or not fair.is_public:
        raise NotFound(NO_FAIR, field="fair_id")
    return fair


# --- the fair's booths and positions, as a seeker sees them ----------------------------------


def offered_at(fair: Fair) -> sa.Select:
    """Select (FairPosition, Participation) of the positions accepted employers offer."""
    return (
        sa.select(FairPosition, Participation)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .where(Participation.fair_id == fair.id, Participation.status.in_(ACCEPTED))
        .options(
            joinedload(FairPosition.position).joinedload(Position.employer),
            joinedload(Participation.employer),
        )
        .order_by(Participation.booth, Participation.id, FairPosition.id)
    )


def booth_at(fair: Fair, booth: str) -> Participation:
    """Return the accepted participation at a booth of the fair, else NotFound."""
    part = db.session.scalar(
        sa.select(Participation).where(
            Participation.fair_id == fair.id,
            Participation.booth == booth,
            Participation.status.in_(ACCEPTED),
        )
    )
    if part is None:
        raise NotFound("该展位不存在或未安排用人单位。")
    return part


def _fair_position(fair: Fair, position_id) -> FairPosition:
    try:
        position_id = int(position_id)
    except (TypeError, ValueError):
        raise Invalid("岗位：请选择岗位。", field="position_id") from None
    fair_position = db.session.scalar(
        sa.select(FairPosition)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .where(
            Participation.fair_id == fair.id,
            Participation.status.in_(ACCEPTED),
            FairPosition.position_id == position_id,
        )
    )
    if fair_position is None:
        raise Invalid("岗位：该岗位不在本场招聘会的参会岗位中。", field="position_id")
    return fair_position


# --- applications -------------------------------------------------------------------------------


def apply(
    token: SeekerToken,
    fair: Fair,
    position_id,
    *,
    address: str | None = None,
    source: ApplicationSource | None = None,
) -> Application:
    """Send the seeker's application to a position offered at a running fair.

    At an offline fair the seeker enters first (扫码入场); at an online or hybrid fair an online
    application counts as the online entry. When verification is required the token must have
    proven the mobile by a code; otherwise the application is marked unverified.
    """
    seeker = token.seeker
    require_running(fair)
    fair_position = _fair_position(fair, position_id)
    position = fair_position.position
    if position.status is not PositionStatus.OPEN:
        raise Conflict(f"岗位“{position.title}”已停止招聘。", field="position_id")
    if verification_required() and token.verified_at is None:
        raise Forbidden("请先用短信验证码验证手机号，再投递简历。", field="phone")
    entry = entry_at(fair, seeker)
    online_fair = fair.mode in (FairMode.ONLINE, FairMode.HYBRID)
    if source is None:
        if fair.mode is FairMode.ONLINE or (entry is None and online_fair):
            source = ApplicationSource.ONLINE
        else:
            source = ApplicationSource.BOOTH
    if source is ApplicationSource.ONLINE and not online_fair:
        raise Conflict("本场招聘会为线下招聘会，请到展位扫码投递。")
    if entry is None:
        if source is not ApplicationSource.ONLINE:
            raise Conflict("请先在入口扫码登记入场，再投递。")
        db.session.add(Entry(fair_id=fair.id, seeker_id=seeker.id, source=EntrySource.ONLINE))
    duplicate = db.session.scalar(
        sa.select(Application.id).where(
            Application.seeker_id == seeker.id,
            Application.fair_id == fair.id,
            Application.position_id == position.id,
        )
    )
    if duplicate is not None:
        raise Conflict("您已投递过该岗位，请等待用人单位处理。", field="position_id")
    _limit(
        RequestKind.APPLY,
        ContactRequest.account == f"seeker:{seeker.id}",
        current_app.config["SEEKER_APPLICATIONS_PER_SEEKER"],
    )
    _note(RequestKind.APPLY, f"seeker:{seeker.id}", address)
    application = Application(
        fair_id=fair.id,
        position_id=position.id,
        fair_position_id=fair_position.id,
        employer_id=position.employer_id,
        seeker_id=seeker.id,
        source=source,
        verified=token.verified_at is not None,
    )
    db.session.add(application)
    db.session.flush()
    return application


def own_applications(token: SeekerToken) -> list[Application]:
    """Return the seeker's applications, newest first, with their intents' outcomes."""
    seeker = require_proven(token)
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.seeker_id == seeker.id)
            .options(
                joinedload(Application.fair),
                joinedload(Application.position).joinedload(Position.employer),
                joinedload(Application.hire),
            )
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
    )


def own_entries(token: SeekerToken) -> list[Entry]:
    """Return the seeker's entries, newest first."""
    seeker = require_proven(token)
    return list(
        db.session.scalars(
            sa.select(Entry)
            .where(Entry.seeker_id == seeker.id)
            .options(joinedload(Entry.fair))
            .order_by(Entry.at.desc())
        )
    )


def applied_position_ids(seeker: Seeker, fair: Fair) -> set[int]:
    """Return the ids of the positions the seeker applied to at the fair."""
    return set(
        db.session.scalars(
            sa.select(Application.position_id).where(
                Application.seeker_id == seeker.id, Application.fair_id == fair.id
            )
        )
    )


# --- employers and staff: the applications that reached them ------------------------------


def require_applications_access(actor, fair: Fair) -> None:
    """Refuse (NotFound) unless the actor may see applications at the fair.

    An employer: a fair it signed up for; staff: a fair in their region scope.
    """
    if actor.role is Role.EMPLOYER:
        if own_participation(actor, fair) is None:
            raise NotFound(NO_FAIR)
        return
    try:
        require_fair_access(actor, fair)
    except Forbidden:
        raise NotFound(NO_FAIR) from None


def fair_applications(actor, fair: Fair, state: ApplicationState | None = None) -> sa.Select:
    """Select the fair's applications the actor may see, newest first.

    An employer sees those to its own positions; staff those of fairs in their scope.
    """
    require_applications_access(actor, fair)
    query = (
        sa.select(Application)
        .where(Application.fair_id == fair.id)
        .options(
            joinedload(Application.seeker),
            joinedload(Application.position).joinedload(Position.employer),
            joinedload(Application.hire),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    if actor.role is Role.EMPLOYER:
        query = query.where(Application.employer_id == actor.employer_id)
    if state is not None:
        query = query.where(Application.state == state)
    return query


def get_application(actor, application_id: int) -> Application:
    """Return an application the actor may reach, else NotFound."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(NO_APPLICATION)
    if actor.role is Role.EMPLOYER:
        if application.employer_id != actor.employer_id:
            raise NotFound(NO_APPLICATION)
    else:
        try:
            require_fair_access(actor, application.fair)
        except Forbidden:
            raise NotFound(NO_APPLICATION) from None
    return application


DECISIONS = {"intent": ApplicationState.INTENT, "declined": ApplicationState.DECLINED}


def decide(application: Application, decision: str, *, by) -> Application:
    """达成意向 (the TentativeHire) or 不合适 on an application; 不合适 may become an intent."""
    if by.role is Role.EMPLOYER:
        require_employer_write(by)
    state = DECISIONS.get(decision)
    if state is None:
        raise Invalid("处理结果：只能是达成意向（intent）或不合适（declined）。", field="decision")
    seeker = application.seeker
    if application.state is ApplicationState.INTENT:
        raise Conflict("已达成意向；之后的录用、到岗等结果请在就业意向中记录。", field="decision")
    if application.state is state:
        raise Conflict("该投递已标记为不合适。", field="decision")
    if state is ApplicationState.INTENT:
        if seeker.is_deleted:
            raise Conflict("求职者已删除个人信息，不能再达成意向。", field="decision")
        application.hire = _intent_for(application, seeker, by=by)
    application.state = state
    application.decided_at = utcnow()
    application.decided_by_id = by.id
    db.session.flush()
    record_audit(
        "application.decide",
        application,
        by=by,
        summary={"fair_id": application.fair_id, "decision": state.value},
    )
    return application


def _intent_for(application: Application, seeker: Seeker, *, by) -> TentativeHire:
    """Return the seeker's intent for the position at the fair: the one staff typed, or new."""
    existing = db.session.scalar(
        sa.select(TentativeHire).where(
            TentativeHire.fair_id == application.fair_id,
            TentativeHire.position_id == application.position_id,
            sa.or_(
                TentativeHire.seeker_id == seeker.id,
                TentativeHire.seeker_phone_hash == seeker.seeker_phone_hash,
            ),
        )
    )
    if existing is not None:
        existing.seeker_id = seeker.id
        return existing
    source = (
        HireSource.ONLINE if application.source is ApplicationSource.ONLINE else HireSource.BOOTH
    )
    hire = TentativeHire(
        fair_id=application.fair_id,
        position_id=application.position_id,
        seeker_id=seeker.id,
        seeker_name=seeker.name,
        seeker_phone=seeker.seeker_phone,
        seeker_id_number=seeker.seeker_id_number,
        gender=seeker.gender,
        education=seeker.education,
        priority_groups=list(seeker.priority_groups or []),
        outcome=Outcome.INTENT,
        source=source,
        recorded_by_id=by.id,
    )
    db.session.add(hire)
    db.session.flush()
    record_audit(
        "hire.register",
        hire,
        by=by,
        summary={"fair_id": hire.fair_id, "position_id": hire.position_id, "source": source.value},
    )
    return hire


# --- the seeker's own data (PIPL: see, correct, delete) -----------------------------------------


def _seeker_actor(seeker: Seeker) -> SystemActor:
    """The audit log's actor for what a seeker does themselves (no account, no name)."""
    return SystemActor(f"seeker:{seeker.id}")


def correct_profile(token: SeekerToken, values: dict) -> Seeker:
    """Correct the seeker's name, gender, education, priority groups and ID number.

    Only the fields given change. The intents recorded for the seeker carry the corrected
    values too. The mobile is who the seeker is: a new mobile is a new registration.
    """
    seeker = require_proven(token)
    # A field left out stays as it is; one given empty is cleared (the name is required).
    values = {
        "name": seeker.name,
        "gender": seeker.gender.value if seeker.gender else None,
        "education": seeker.education.value if seeker.education else None,
        "priority_groups": list(seeker.priority_groups or []),
        "id_number": seeker.seeker_id_number,
        **values,
    }
    errors = _profile_errors(values)
    if errors:
        raise Invalid(errors=_labelled(errors))
    profile = _clean_profile(values)
    changed = sorted(
        name
        for name, value in (
            ("name", profile["name"] != seeker.name),
            ("gender", profile["gender"] != seeker.gender),
            ("education", profile["education"] != seeker.education),
            ("priority_groups", profile["priority_groups"] != (seeker.priority_groups or [])),
            ("id_number", profile["id_number"] != seeker.seeker_id_number),
        )
        if value
    )
    seeker.name = profile["name"]
    seeker.gender = profile["gender"]
    seeker.education = profile["education"]
    seeker.priority_groups = profile["priority_groups"]
    seeker.seeker_id_number = profile["id_number"]
    for hire in db.session.scalars(
        sa.select(TentativeHire).where(
            TentativeHire.seeker_id == seeker.id, TentativeHire.pii_removed_at.is_(None)
        )
    ):
        hire.seeker_name = seeker.name
        hire.gender = seeker.gender
        hire.education = seeker.education
        hire.priority_groups = list(seeker.priority_groups)
        hire.seeker_id_number = seeker.seeker_id_number
    db.session.flush()
    if changed:
        record_audit(
            "seeker.correct", seeker, by=_seeker_actor(seeker), summary={"fields": changed}
        )
    return seeker


def delete_seeker(token: SeekerToken) -> None:
    """Withdraw consent: remove the person, keep every count (entries, applications, intents).

    The seeker row stays as a tombstone without name, mobile or ID number; the intents recorded
    for them lose the same fields; every token is revoked.
    """
    seeker = require_proven(token)
    erase_seeker(seeker, by=_seeker_actor(seeker))


def erase_seeker(seeker: Seeker, *, by) -> None:
    """Remove a seeker's personal data (the seeker asked; or staff on the seeker's request)."""
    now = utcnow()
    phone_hash = seeker.seeker_phone_hash
    db.session.execute(
        sa.update(TentativeHire)
        .where(TentativeHire.seeker_id == seeker.id, TentativeHire.pii_removed_at.is_(None))
        .values(
            seeker_name=REMOVED_NAME,
            seeker_phone=None,
            seeker_id_number=None,
            seeker_phone_hash=None,
            seeker_id_hash=None,
            pii_removed_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(SeekerToken)
        .where(SeekerToken.seeker_id == seeker.id, SeekerToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.delete(SeekerCode)
        .where(
            SeekerCode.token_id.in_(
                sa.select(SeekerToken.id).where(SeekerToken.seeker_id == seeker.id)
            )
        )
        .execution_options(synchronize_session=False)
    )
    if phone_hash:
        db.session.execute(
            sa.delete(ContactRequest)
            .where(ContactRequest.account == _phone_account(phone_hash))
            .execution_options(synchronize_session=False)
        )
    seeker.name = None
    seeker.seeker_phone = None
    seeker.seeker_id_number = None
    seeker.gender = None
    seeker.education = None
    seeker.priority_groups = []
    seeker.deleted_at = now
    db.session.flush()
    record_audit("seeker.delete", seeker, by=by, summary={"seeker_id": seeker.id})


# --- proving the mobile ---------------------------------------------------------------------


def _code_digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"seeker:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(token: SeekerToken, *, address: str | None = None) -> SeekerCode:
    """Send a 6-digit code to the seeker's mobile (the outbox delivers it after commit)."""
    seeker = token.seeker
    account = f"seeker:{seeker.id}"
    _limit(
        RequestKind.SEND,
        ContactRequest.account == account,
        current_app.config["SEEKER_CODES_PER_SEEKER"],
    )
    _note(RequestKind.SEND, account, address)
    now = utcnow()
    db.session.execute(
        sa.update(SeekerCode)
        .where(SeekerCode.token_id == token.id, SeekerCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = SeekerCode(
        token_id=token.id,
        secret_hash=_code_digest(code),
        expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    db.session.add(row)
    send(
        "seeker_verify_code",
        {"code": code, "minutes": str(CODE_MINUTES)},
        mobile=seeker.seeker_phone,
    )
    db.session.flush()
    return row


def confirm_code(token: SeekerToken, code: str) -> Invalid | None:
    """Prove the mobile with the code typed back; return the refusal to show, if any.

    A wrong code is written down (the try counts), so the caller commits either way.
    """
    now = utcnow()
    row = db.session.scalar(
        sa.select(SeekerCode)
        .where(SeekerCode.token_id == token.id, SeekerCode.used_at.is_(None))
        .order_by(SeekerCode.id.desc())
    )
    if row is None or row.expires_at <= now or row.attempts >= CODE_TRIES:
        return Invalid("验证码：已失效，请重新获取。", field="code")
    typed = (code or "").strip()
    if not hmac.compare_digest(row.secret_hash, _code_digest(typed)):
        row.attempts += 1
        return Invalid("验证码：不正确，请核对短信中的6位数字。", field="code")
    row.used_at = now
    token.verified_at = now
    token.seeker.phone_verified_at = now
    db.session.flush()
    return None


# --- intents typed or imported by staff: linked to the seeker with the same mobile ------------


def seeker_ids_for(records: list[dict]) -> dict[str, int]:
    """Return {phone hash: seeker id} for intent rows, registering seekers not known yet.

    `records` carry seeker_name, seeker_phone_hash and the encrypted-on-write seeker_phone
    (plain here); a new seeker is of origin "staff" (known from the bureau's records).
    """
    wanted: dict[str, dict] = {}
    for record in records:
        phone_hash = record.get("seeker_phone_hash")
        if phone_hash:
            wanted.setdefault(phone_hash, record)
    found: dict[str, int] = {}
    hashes = list(wanted)
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        found.update(
            db.session.execute(
                sa.select(Seeker.seeker_phone_hash, Seeker.id).where(
                    Seeker.seeker_phone_hash.in_(chunk)
                )
            ).all()
        )
    missing = [phone_hash for phone_hash in wanted if phone_hash not in found]
    if missing:
        # Multi-row INSERTs of 500 returning the ids (an import brings thousands).
        now = utcnow()
        rows = [
            {
                "name": wanted[phone_hash]["seeker_name"],
                "seeker_phone": wanted[phone_hash]["seeker_phone"],
                "seeker_phone_hash": phone_hash,
                "gender": wanted[phone_hash].get("gender"),
                "education": wanted[phone_hash].get("education"),
                "priority_groups": list(wanted[phone_hash].get("priority_groups") or []),
                "consent_purposes": [],
                "origin": SeekerOrigin.STAFF,
                "created_at": now,
                "updated_at": now,
            }
            for phone_hash in missing
        ]
        for start in range(0, len(rows), 500):
            found.update(
                db.session.execute(
                    sa.insert(Seeker)
                    .values(rows[start : start + 500])
                    .returning(Seeker.seeker_phone_hash, Seeker.id)
                ).all()
            )
    return found


def seeker_id_for(name: str, phone: str, **fields) -> int:
    """Return the id of the seeker with this mobile, registering one (origin staff) if none."""
    record = {"seeker_name": name, "seeker_phone": phone, "seeker_phone_hash": pii_hash(phone)}
    return seeker_ids_for([{**record, **fields}])[record["seeker_phone_hash"]]


# --- the phone pages: a phone that holds a token, and 我的信息 ---------------------------------


def enter_with_token(
    fair: Fair, token: SeekerToken, *, address: str | None, source: EntrySource | None = None
) -> EntryResult:
    """Record the entry of a seeker whose phone holds a token (no form typed again).

    The seeker agreed to the notice when the token was issued; once per seeker and fair.
    """
    require_running(fair)
    seeker = token.seeker
    _limit(
        RequestKind.ENTRY,
        ContactRequest.address == (address or "-")[:45],
        current_app.config["SEEKER_ENTRIES_PER_ADDRESS"],
    )
    _note(RequestKind.ENTRY, _phone_account(seeker.seeker_phone_hash or "-"), address)
    entry, first_entry = _entry(fair, seeker, source)
    return EntryResult(seeker, token, None, entry, first_entry, False)


@dataclass(frozen=True)
class OwnProfile:
    """What 我的信息 shows a proven seeker: the fields, the mobile and ID number masked."""

    name: str
    masked_phone: str
    gender: Gender | None
    education: Education | None
    priority_groups: list[str]
    masked_id_number: str


def own_profile(token: SeekerToken) -> OwnProfile:
    """Return the seeker's own data as the phone pages show it (mobile and ID number masked)."""
    seeker = require_proven(token)
    return OwnProfile(
        name=seeker.name or "",
        masked_phone=seeker.masked_phone,
        gender=seeker.gender,
        education=seeker.education,
        priority_groups=list(seeker.priority_groups or []),
        masked_id_number=mask_id_number(seeker.seeker_id_number) if seeker.seeker_id_number else "",
    )


# --- staff, on a seeker's request by phone or at the counter -----------------------------------


def seeker_by_phone(phone: str) -> Seeker:
    """Return the (not deleted) seeker with this mobile, else NotFound (Invalid if malformed)."""
    phone = (phone or "").strip()
    if problem := mobile_error(phone):
        raise Invalid(f"手机号：{problem}", field="phone")
    seeker = db.session.scalar(
        sa.select(Seeker).where(Seeker.seeker_phone_hash == pii_hash(normalize_mobile(phone)))
    )
    if seeker is None:
        raise NotFound("没有使用该手机号的求职者。", field="phone")
    return seeker


@dataclass(frozen=True)
class Holdings:
    """What the product holds about a seeker, as counts (what a deletion keeps)."""

    entries: int
    applications: int
    intents: int


def holdings(seeker: Seeker) -> Holdings:
    """Count the seeker's entries, applications and intents."""

    def count(model, column) -> int:
        return db.session.scalar(sa.select(sa.func.count(model.id)).where(column == seeker.id))

    return Holdings(
        entries=count(Entry, Entry.seeker_id),
        applications=count(Application, Application.seeker_id),
        intents=count(TentativeHire, TentativeHire.seeker_id),
    )
