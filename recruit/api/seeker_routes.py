"""The mini program's API (issue 16 point 6): seekers enter, apply, see, correct and delete
their data; employers and staff decide the applications that reached them.

Thin doors: each handler parses, calls recruit.seekers.services with the seeker's token or the
caller (api_user()), and presents. The services decide the window, the limits, the scope and the
states; their refusals answer 422/409/404/403/429 by type. Applicants' names and mobiles leave
only through the audited gate (recruit.hires.contact.disclose_applicants).
"""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.errors import ErrorSchema
from recruit.api.schemas import (
    ID_NUMBER,
    MOBILE,
    LabelledSchema,
    PageArgsSchema,
    Text,
    limit,
    page_body,
    page_schema,
    pattern,
)
from recruit.api.security import (
    OPTIONAL_SEEKER_BEARER,
    api_user,
    bearer_secret,
    secured_by,
    seeker_secured_by,
    seeker_token,
)
from recruit.auth.models import Role
from recruit.auth.scope import STAFF
from recruit.converters import MAX_ID
from recruit.extensions import db
from recruit.fairs.queries import get_fair, get_fair_for_employer
from recruit.hires.contact import ApplicantContact, disclose_applicants
from recruit.refdata.codes import Education, Gender, PriorityGroup
from recruit.seekers import services
from recruit.seekers.models import Application, ApplicationState, Entry, Seeker, SeekerToken
from recruit.uow import unit_of_work

blp = Blueprint(
    "api_seekers",
    __name__,
    url_prefix="/api/v1",
    description=(
        "求职者（小程序）：入场登记、投递、查看/更正/删除本人信息；"
        "用人单位与组织者处理投递（达成意向 / 不合适）"
    ),
)

#: Why applicants' names and mobiles are shown (named in the audit log).
REVIEW = "application_review"

RETRY_AFTER = {"Retry-After": {"description": "需等待的秒数", "schema": {"type": "integer"}}}
THROTTLED = "操作过于频繁（按来源地址、手机号或求职者计数）；Retry-After 头给出需等待的秒数"

GENDERS = [g.value for g in Gender]
EDUCATIONS = [e.value for e in Education]
PRIORITY_GROUPS = [p.value for p in PriorityGroup]
DECISIONS = list(services.DECISIONS)


def _throttled(view):
    """Document the 429 a seeker's limit answers with, and its Retry-After header."""
    return blp.alt_response(429, schema=ErrorSchema, description=THROTTLED, headers=RETRY_AFTER)(
        view
    )


# --- schemas ------------------------------------------------------------------------------


class EntryInputSchema(Schema):
    name = Text(required=True, metadata=limit(max_length=services.MAX_NAME))
    phone = fields.String(required=True, validate=validate.Length(max=20), metadata=pattern(MOBILE))
    # Consent is the JSON value true itself, not a word that reads as true.
    consent = fields.Boolean(
        required=True,
        truthy={True},
        falsy={False},
        metadata={
            "enum": [True],
            "description": (
                f"须为 true：已阅读并同意个人信息处理说明（{services.NOTICE_VERSION} 版）"
            ),
        },
    )
    gender = fields.String(load_default=None, allow_none=True, metadata={"enum": GENDERS})
    education = fields.String(load_default=None, allow_none=True, metadata={"enum": EDUCATIONS})
    priority_groups = fields.List(
        fields.String(metadata={"enum": PRIORITY_GROUPS}),
        load_default=list,
        metadata={"description": "重点群体代码（可多选）"},
    )


class SeekerBriefSchema(Schema):
    name = fields.String(allow_none=True)
    masked_phone = fields.String(metadata={"description": "脱敏手机号，如 139****1234"})


class EntryResultSchema(Schema):
    seeker_token = fields.String(
        allow_none=True,
        metadata={
            "description": (
                "求职者令牌（sk_…，只显示这一次，令牌本身不保存）。请求已携带该求职者的"
                "有效令牌时继续使用原令牌，此处为 null"
            )
        },
    )
    first_entry = fields.Boolean(
        metadata={"description": "true：本场首次入场（201）；false：已登记过，不重复计数（200）"}
    )
    seeker = fields.Nested(SeekerBriefSchema)
    fair_id = fields.Integer()
    entered_at = fields.DateTime(metadata={"description": "本场入场登记的时间"})
    verification_required = fields.Boolean(
        metadata={
            "description": (
                "true：该令牌须先用短信验证码验证手机号（POST /api/v1/seeker/verification），"
                "才能投递或查看本人信息"
            )
        }
    )
    token_expires_at = fields.DateTime(metadata={"description": "令牌到期时间"})


class ApplyInputSchema(Schema):
    fair_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    position_id = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "该招聘会参会岗位的 id"},
    )


class FairBriefSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()


class AppliedPositionSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    employer_name = fields.Function(lambda p: p.employer.name, metadata={"type": "string"})


class ApplicationSchema(Schema):
    """An application as the seeker sees it."""

    id = fields.Integer()
    fair = fields.Nested(FairBriefSchema)
    position = fields.Nested(AppliedPositionSchema)
    state = fields.Nested(
        LabelledSchema,
        metadata={"description": "submitted 已投递，intent 达成意向，declined 未通过"},
    )
    source = fields.Nested(
        LabelledSchema, metadata={"description": "booth 扫码投递，online 在线投递"}
    )
    verified = fields.Boolean(metadata={"description": "投递时手机号是否已经短信验证"})
    created_at = fields.DateTime()
    outcome = fields.Function(
        lambda a: _labelled(a.hire.outcome) if a.hire is not None else None,
        allow_none=True,
        metadata={
            "description": "达成意向后的就业结果（意向、已录用、已到岗……）；未达成意向时为 null",
            "allOf": [{"$ref": "#/components/schemas/Labelled"}],
            "nullable": True,
        },
    )


class ApplicationListSchema(Schema):
    items = fields.List(fields.Nested(ApplicationSchema))
    total = fields.Integer()


class ConsentSchema(Schema):
    version = fields.String(allow_none=True, metadata={"description": "同意的个人信息处理说明版本"})
    at = fields.DateTime(allow_none=True)
    purposes = fields.List(fields.Nested(LabelledSchema))


class OwnEntrySchema(Schema):
    fair = fields.Nested(FairBriefSchema)
    source = fields.Nested(LabelledSchema)
    at = fields.DateTime()


class SeekerMeSchema(Schema):
    name = fields.String(allow_none=True)
    masked_phone = fields.String()
    gender = fields.Nested(LabelledSchema, allow_none=True)
    education = fields.Nested(LabelledSchema, allow_none=True)
    priority_groups = fields.List(fields.Nested(LabelledSchema))
    phone_verified = fields.Boolean()
    consent = fields.Nested(ConsentSchema)
    created_at = fields.DateTime()
    entries = fields.List(fields.Nested(OwnEntrySchema))


class SeekerCorrectionSchema(Schema):
    name = Text(metadata=limit(max_length=services.MAX_NAME))
    gender = fields.String(allow_none=True, metadata={"enum": GENDERS})
    education = fields.String(allow_none=True, metadata={"enum": EDUCATIONS})
    priority_groups = fields.List(fields.String(metadata={"enum": PRIORITY_GROUPS}))
    id_number = fields.String(
        allow_none=True,
        validate=validate.Length(max=20),
        metadata=pattern(
            ID_NUMBER,
            description="身份证号（选填）。每次更正按本次的值保存：省略或为 null 即不保存",
        ),
    )


class CodeSentSchema(Schema):
    masked_phone = fields.String(metadata={"description": "验证码发往的手机号（脱敏）"})
    expires_at = fields.DateTime(metadata={"description": "验证码失效时间"})


class CodeInputSchema(Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=10),
        metadata=pattern(r"^[0-9]{6}$", description="短信中的 6 位数字验证码"),
    )


class VerifiedSchema(Schema):
    verified = fields.Boolean()
    verification_required = fields.Boolean()


class ApplicationListArgs(PageArgsSchema):
    state = fields.String(validate=validate.OneOf([s.value for s in ApplicationState]))


class ApplicantSchema(Schema):
    name = fields.String()
    phone = fields.String(
        allow_none=True, metadata={"description": "求职者手机号（本人同意向所投单位提供）"}
    )


class HireBriefSchema(Schema):
    id = fields.Integer()
    outcome = fields.Nested(LabelledSchema)


class ReceivedApplicationSchema(Schema):
    """An application as the employer applied to, or staff in scope, see it."""

    id = fields.Integer()
    fair_id = fields.Integer()
    applicant = fields.Nested(ApplicantSchema)
    education = fields.Nested(LabelledSchema, allow_none=True)
    priority_groups = fields.List(fields.Nested(LabelledSchema))
    position = fields.Nested(AppliedPositionSchema)
    created_at = fields.DateTime()
    verified = fields.Boolean(metadata={"description": "投递时手机号是否已经短信验证"})
    state = fields.Nested(LabelledSchema)
    source = fields.Nested(LabelledSchema)
    decided_at = fields.DateTime(allow_none=True)
    hire = fields.Nested(
        HireBriefSchema, allow_none=True, metadata={"description": "达成意向时生成的就业意向"}
    )


class DecisionSchema(Schema):
    decision = fields.String(
        required=True,
        metadata={"enum": DECISIONS, "description": "intent 达成意向，declined 不合适"},
    )


ReceivedApplicationPage = page_schema(ReceivedApplicationSchema, "ReceivedApplicationPage")


# --- presenting ------------------------------------------------------------------------------


def _labelled(member) -> dict | None:
    return {"value": member.value, "label": member.label} if member is not None else None


def _groups(codes: list[str] | None) -> list[dict]:
    return [_labelled(PriorityGroup(code)) for code in codes or []]


def _needs_code(token: SeekerToken) -> bool:
    """Whether the client should ask for an SMS code before applying or reading."""
    return not token.proven or (services.verification_required() and token.verified_at is None)


def _entry_body(result: services.EntryResult, fair_id: int) -> dict:
    return {
        "seeker_token": result.secret,
        "first_entry": result.first_entry,
        "seeker": {"name": result.seeker.name, "masked_phone": result.seeker.masked_phone},
        "fair_id": fair_id,
        "entered_at": result.entry.at,
        "verification_required": _needs_code(result.token),
        "token_expires_at": result.token.expires_at,
    }


def _me_body(seeker: Seeker, entries: list[Entry]) -> dict:
    return {
        "name": seeker.name,
        "masked_phone": seeker.masked_phone,
        "gender": _labelled(seeker.gender),
        "education": _labelled(seeker.education),
        "priority_groups": _groups(seeker.priority_groups),
        "phone_verified": seeker.phone_verified_at is not None,
        "consent": {
            "version": seeker.consent_version,
            "at": seeker.consent_at,
            "purposes": [
                _labelled(services.ConsentPurpose(p)) for p in seeker.consent_purposes or []
            ],
        },
        "created_at": seeker.created_at,
        "entries": entries,
    }


def _received_body(application: Application, contact: ApplicantContact) -> dict:
    """Present an application with the applicant's name and mobile the gate disclosed."""
    seeker = application.seeker
    return {
        "id": application.id,
        "fair_id": application.fair_id,
        "applicant": {"name": contact.name, "phone": contact.phone},
        "education": _labelled(seeker.education),
        "priority_groups": _groups(seeker.priority_groups),
        "position": application.position,
        "created_at": application.created_at,
        "verified": application.verified,
        "state": application.state,
        "source": application.source,
        "decided_at": application.decided_at,
        "hire": application.hire,
    }


def _received_page(actor, fair, args) -> dict:
    """A page of the fair's applications the actor may see, disclosed through the gate."""
    state = ApplicationState(args["state"]) if args.get("state") else None
    with unit_of_work(keep_loaded=True):
        page = db.paginate(
            services.fair_applications(actor, fair, state),
            page=args["page"],
            per_page=args["per_page"],
            error_out=False,
        )
        contacts = disclose_applicants(actor, page.items, purpose=REVIEW)
        body = page_body(page)
        body["items"] = [_received_body(a, contacts[a.id]) for a in page.items]
    return body


def _decided(actor, application_id: int, decision: str) -> dict:
    with unit_of_work(keep_loaded=True):
        application = services.get_application(actor, application_id)
        services.decide(application, decision, by=actor)
        contact = disclose_applicants(actor, [application], purpose=REVIEW)[application.id]
        return _received_body(application, contact)


secured_seeker = seeker_secured_by(blp)
secured_employer = secured_by(blp, Role.EMPLOYER)
secured_staff = secured_by(blp, *STAFF)


# --- seekers --------------------------------------------------------------------------------


@blp.route("/fairs/<id:fair_id>/entries")
class FairEntries(MethodView):
    @blp.doc(
        security=OPTIONAL_SEEKER_BEARER,
        summary="入场登记（扫码入场，无需登录）",
        description=(
            "招聘会进行中（开放报名或举办中，开始前 2 小时起至结束）时登记入场，每人每场只计一次。"
            "首次入场返回 201 和新的求职者令牌；同一手机号再次登记返回 200、first_entry 为 false。"
            "请求若携带该求职者仍有效的令牌（Authorization: Bearer sk_…），继续使用原令牌，"
            "seeker_token 为 null（令牌只存摘要，无法再次给出）；否则发放新令牌——"
            "已登记过的手机号换来的新令牌须先短信验证才能查看本人信息。"
            "未同意个人信息处理说明返回 422（errors.consent）；招聘会不在进行中返回 409；"
            "按来源地址和手机号限流，超限返回 429 和 Retry-After。"
        ),
    )
    @blp.arguments(EntryInputSchema)
    @blp.response(201, EntryResultSchema, description="首次入场：已计入本场入场人次")
    @blp.alt_response(
        200, schema=EntryResultSchema, description="本场已登记过：不重复计数", success=True
    )
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @_throttled
    def post(self, data, fair_id):
        """Enter a running fair (once per seeker and fair) and get a seeker token."""
        with unit_of_work(keep_loaded=True):
            fair = services.get_running_fair(fair_id)
            result = services.enter_fair(
                fair, data, address=request.remote_addr, token_secret=bearer_secret()
            )
            body = _entry_body(result, fair.id)
        return body, 201 if result.first_entry else 200


@blp.route("/seeker/applications")
class SeekerApplications(MethodView):
    @secured_seeker
    @blp.doc(
        summary="我的投递",
        description=(
            "本人的投递，最新在前：状态（已投递 / 达成意向 / 未通过），达成意向的附就业结果。"
            "令牌未经短信验证（已登记过的手机号再次登记得到的令牌）返回 403。"
        ),
    )
    @blp.response(200, ApplicationListSchema)
    def get(self):
        """List the seeker's own applications with their states and intents' outcomes."""
        items = services.own_applications(seeker_token())
        return {"items": items, "total": len(items)}

    @secured_seeker
    @blp.doc(
        summary="投递岗位",
        description=(
            "向进行中招聘会的参会岗位投递（扫码投递或在线投递）。岗位须在该场参会岗位中"
            "（否则 422，errors.position_id）；同一岗位重复投递返回 409；线下招聘会须先入场登记"
            "（409）；要求短信验证而未验证时返回 403；按求职者限流，超限返回 429。"
        ),
    )
    @blp.arguments(ApplyInputSchema)
    @blp.response(201, ApplicationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @_throttled
    def post(self, data):
        """Apply to a position offered at a running fair."""
        with unit_of_work(keep_loaded=True):
            fair = services.get_running_fair(data["fair_id"])
            application = services.apply(
                seeker_token(), fair, data["position_id"], address=request.remote_addr
            )
        return application


@blp.route("/seeker/me")
class SeekerMe(MethodView):
    @secured_seeker
    @blp.doc(
        summary="查看本人信息",
        description="平台保存的本人信息：姓名、脱敏手机号、性别、学历、重点群体、同意记录和入场记录。",
    )
    @blp.response(200, SeekerMeSchema)
    def get(self):
        """Return what the product holds about the seeker."""
        token = seeker_token()
        seeker = services.require_proven(token)
        return _me_body(seeker, services.own_entries(token))

    @secured_seeker
    @blp.doc(
        summary="更正本人信息",
        description=(
            "更正姓名、性别、学历、重点群体、身份证号；未给出的姓名、性别、学历、重点群体保持不变，"
            "身份证号按本次给出的值保存。手机号不可更改（换号即重新登记）。已达成的就业意向同步更正。"
        ),
    )
    @blp.arguments(SeekerCorrectionSchema)
    @blp.response(200, SeekerMeSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def patch(self, data):
        """Correct the seeker's fields; the ones left out keep their values."""
        token = seeker_token()
        with unit_of_work(keep_loaded=True):
            seeker = services.require_proven(token)
            values = {
                "name": seeker.name,
                "gender": seeker.gender.value if seeker.gender else None,
                "education": seeker.education.value if seeker.education else None,
                "priority_groups": list(seeker.priority_groups or []),
                **data,
            }
            services.correct_profile(token, values)
            body = _me_body(seeker, services.own_entries(token))
        return body

    @secured_seeker
    @blp.doc(
        summary="删除本人信息（撤回同意）",
        description=(
            "撤回同意并删除本人信息：姓名、手机号、身份证号等全部清除，入场、投递和就业意向只保留计数；"
            "所有求职者令牌随即撤销，之后的调用返回 401。"
        ),
    )
    @blp.response(204)
    def delete(self):
        """Withdraw consent: remove the person, keep every count, revoke every token."""
        with unit_of_work():
            services.delete_seeker(seeker_token())
        return None


@blp.route("/seeker/verification")
class SeekerVerification(MethodView):
    @secured_seeker
    @blp.doc(
        summary="发送短信验证码",
        description=(
            "向令牌所属手机号发送 6 位验证码（10 分钟内有效）；按求职者限流，超限返回 429。"
        ),
    )
    @blp.response(202, CodeSentSchema)
    @_throttled
    def post(self):
        """Send a one-time code to the seeker's mobile."""
        token = seeker_token()
        with unit_of_work(keep_loaded=True):
            code = services.send_code(token, address=request.remote_addr)
            body = {"masked_phone": token.seeker.masked_phone, "expires_at": code.expires_at}
        return body


@blp.route("/seeker/verification/confirm")
class SeekerVerificationConfirm(MethodView):
    @secured_seeker
    @blp.doc(
        summary="提交短信验证码",
        description="验证码正确时令牌即通过验证；错误返回 422（errors.code），并计入尝试次数。",
    )
    @blp.arguments(CodeInputSchema)
    @blp.response(200, VerifiedSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, data):
        """Prove the mobile with the code; a wrong one counts as a try (written either way)."""
        token = seeker_token()
        with unit_of_work(keep_loaded=True):
            refusal = services.confirm_code(token, data["code"])
        if refusal is not None:
            raise refusal
        return {"verified": True, "verification_required": _needs_code(token)}


# --- employers and staff: the applications that reached them -------------------------------


@blp.route("/employer/fairs/<id:fair_id>/applications")
class EmployerFairApplications(MethodView):
    @secured_employer
    @blp.doc(
        summary="本单位收到的投递",
        description=(
            "某场招聘会投递到本单位岗位的求职者，最新在前：姓名、手机号（求职者同意向本单位"
            "提供，查看记入审计日志）、学历、重点群体、岗位、投递时间、是否已验证、状态。"
            "可按 state 筛选。"
        ),
    )
    @blp.arguments(ApplicationListArgs, location="query", unknown=RAISE)
    @blp.response(200, ReceivedApplicationPage)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, fair_id):
        """List the applications to the caller's positions at a fair."""
        actor = api_user()
        return _received_page(actor, get_fair_for_employer(actor, fair_id), args)


@blp.route("/employer/applications/<id:application_id>/decision")
class EmployerDecision(MethodView):
    @secured_employer
    @blp.doc(
        summary="处理投递：达成意向 / 不合适",
        description=(
            "intent 达成意向（生成就业意向，返回其 id 和结果）；declined 不合适"
            "（求职者看到“未通过”），不合适的之后仍可改为达成意向。"
            "他单位的投递返回 404；只读成员返回 403；已达成意向或重复标记不合适返回 409。"
        ),
    )
    @blp.arguments(DecisionSchema)
    @blp.response(200, ReceivedApplicationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, data, application_id):
        """Decide an application to one of the caller's positions."""
        return _decided(api_user(), application_id, data["decision"])


@blp.route("/manage/fairs/<id:fair_id>/applications")
class StaffFairApplications(MethodView):
    @secured_staff
    @blp.doc(
        summary="招聘会的投递（组织者）",
        description="辖区内招聘会的全部投递，同用人单位所见；辖区外返回 404。可按 state 筛选。",
    )
    @blp.arguments(ApplicationListArgs, location="query", unknown=RAISE)
    @blp.response(200, ReceivedApplicationPage)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, fair_id):
        """List a fair's applications (fairs in the caller's scope)."""
        actor = api_user()
        return _received_page(actor, get_fair(actor, fair_id), args)


@blp.route("/manage/applications/<id:application_id>/decision")
class StaffDecision(MethodView):
    @secured_staff
    @blp.doc(
        summary="处理投递（组织者）",
        description="代用人单位达成意向或标记不合适；辖区外返回 404，状态不允许时返回 409。",
    )
    @blp.arguments(DecisionSchema)
    @blp.response(200, ReceivedApplicationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, data, application_id):
        """Decide an application at a fair in the caller's scope."""
        return _decided(api_user(), application_id, data["decision"])
