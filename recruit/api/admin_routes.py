"""Channel operations (channels, queueing a sync, sync runs and their items) and the admins'
employer suspension.

Staff tokens reach the channel operations, as staff reach the channel pages; what each may do
is the channels service's rule (only admins change channels; admins and the city-level
organizer queue runs and retry postings; county organizers only read). Suspending and
reinstating employers is for admins (the employers domain's rule).
"""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.errors import ErrorSchema
from recruit.api.schemas import (
    LabelledSchema,
    PageArgsSchema,
    Text,
    limit,
    page_body,
    page_schema,
)
from recruit.api.security import api_user, secured_by
from recruit.auth.models import Role
from recruit.auth.scope import STAFF
from recruit.channels.ledger import get_run, posting_counts, postings_query, runs_query
from recruit.channels.models import BASE_URL_MAX, MAX_CONCURRENCY, TOKEN_ENV_MAX, PostingState
from recruit.channels.services import (
    get_channel,
    list_channels,
    queue_sync,
    retry_posting,
    update_channel,
)
from recruit.employers.review import MAX_REVIEW_NOTE
from recruit.employers.suspension import admin_employer, reinstate_employer, suspend_employer
from recruit.extensions import db
from recruit.uow import transactional

blp = Blueprint(
    "api_admin",
    __name__,
    url_prefix="/api/v1",
    description="渠道、同步、同步记录（管理员和组织者可查看；管理员和市级组织者可修改、同步）",
)


secured = secured_by(blp, *STAFF)
admins_only = secured_by(blp, Role.ADMIN)


class ChannelSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.Nested(LabelledSchema)
    enabled = fields.Boolean()
    schedule = fields.String()
    base_url = fields.String(allow_none=True)
    token_env = fields.String(allow_none=True, metadata={"description": "令牌所在环境变量名"})
    token_variable = fields.String(
        metadata={"description": "本渠道唯一允许的令牌环境变量名 RECRUIT_CHANNEL_<CODE>_TOKEN"}
    )
    concurrency = fields.Integer(metadata={"description": "同步时同时发出的请求数"})
    scope_regions = fields.List(fields.String())
    scope_industry_chains = fields.List(fields.String())
    scope_fair_types = fields.List(fields.String())
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class ChannelUpdateSchema(Schema):
    enabled = fields.Boolean()
    # Formats and lengths are the channels service's rule (the same answer as the page's).
    schedule = fields.String()
    base_url = fields.String(
        allow_none=True,
        metadata=limit(
            max_length=BASE_URL_MAX,
            description="https://…；http:// 只能用于 CHANNEL_ALLOWED_HOSTS 列出的主机",
        ),
    )
    token_env = fields.String(
        allow_none=True,
        metadata=limit(
            max_length=TOKEN_ENV_MAX, description="须为 RECRUIT_CHANNEL_<渠道代码大写>_TOKEN"
        ),
    )
    concurrency = fields.Integer(metadata=limit(1, MAX_CONCURRENCY))
    scope_regions = fields.List(fields.String(validate=validate.Length(max=6)))
    scope_industry_chains = fields.List(fields.String(validate=validate.Length(max=40)))
    scope_fair_types = fields.List(fields.String(validate=validate.Length(max=40)))


class SyncRequestSchema(Schema):
    dry_run = fields.Boolean(load_default=False)
    force = fields.Boolean(load_default=False)


class SyncRunSchema(Schema):
    id = fields.Integer()
    channel = fields.Function(lambda run: run.channel.code, metadata={"type": "string"})
    trigger = fields.Nested(LabelledSchema)
    week = fields.String(allow_none=True)
    status = fields.Nested(LabelledSchema)
    dry_run = fields.Boolean()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    created = fields.Integer()
    updated = fields.Integer()
    withdrawn = fields.Integer()
    unchanged = fields.Integer()
    failed = fields.Integer()
    skipped = fields.Integer()
    total = fields.Integer(metadata={"description": "本次要核对的条目数"})
    processed = fields.Integer(metadata={"description": "已处理的条目数（运行中随时更新）"})
    sent = fields.Integer(metadata={"description": "已向对方发出请求的条目数"})
    acknowledged = fields.Integer(metadata={"description": "对方已确认的条目数"})
    pending = fields.Integer(metadata={"description": "结束时该渠道仍待同步的条目数"})
    force = fields.Boolean()
    follow_ups = fields.Integer(metadata={"description": "本周同步已重试的次数"})
    next_attempt_at = fields.DateTime(allow_none=True, metadata={"description": "下次自动重试"})
    errors = fields.List(fields.Dict())


class PostingSchema(Schema):
    id = fields.Integer()
    position_id = fields.Integer()
    ref = fields.Function(lambda row: row.position.ref, metadata={"type": "string"})
    desired = fields.Nested(LabelledSchema)
    state = fields.Nested(LabelledSchema)
    delivered_revision = fields.Integer(allow_none=True)
    remote_id = fields.String(allow_none=True)
    # Only a plain http(s) link the portal gave is ever shown.
    remote_url = fields.Function(
        lambda row: row.remote_link, allow_none=True, metadata={"type": "string"}
    )
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    synced_at = fields.DateTime(allow_none=True)


class RunListArgs(PageArgsSchema):
    channel = fields.String(validate=validate.Length(max=20))


class PostingListArgs(PageArgsSchema):
    state = fields.String(validate=validate.OneOf([s.value for s in PostingState]))


SyncRunPage = page_schema(SyncRunSchema, "SyncRunPage")
PostingPage = page_schema(PostingSchema, "PostingPage")


def _with_counts(channel, counts=None):
    counts = counts if counts is not None else posting_counts(api_user(), channel)
    channel.counts = counts.get(channel.id, {})
    return channel


@blp.route("/channels")
class Channels(MethodView):
    @secured
    @blp.response(200, ChannelSchema(many=True))
    def get(self):
        """List the channels with how many postings are in each state."""
        counts = posting_counts(api_user())
        return [_with_counts(channel, counts) for channel in list_channels(api_user())]


@blp.route("/channels/<code>")
class ChannelItem(MethodView):
    @secured
    @blp.arguments(ChannelUpdateSchema)
    @blp.response(200, ChannelSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @transactional
    def patch(self, data, code):
        """Change a channel's settings; a scope change rewrites its desired state at once."""
        channel = update_channel(get_channel(api_user(), code), data, by=api_user())
        return _with_counts(channel)


@blp.route("/channels/<code>/sync")
class ChannelSync(MethodView):
    @secured
    @blp.arguments(SyncRequestSchema)
    @blp.response(202, SyncRunSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, code):
        """Queue the channel's sync for the scheduler process; follow it at /sync/runs/{id}."""
        channel = get_channel(api_user(), code)
        return queue_sync(channel, by=api_user(), dry_run=data["dry_run"], force=data["force"])


@blp.route("/channels/<code>/postings")
class ChannelPostings(MethodView):
    @secured
    @blp.arguments(PostingListArgs, location="query", unknown=RAISE)
    @blp.response(200, PostingPage)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, code):
        """List the channel's postings, optionally by state (failed ones carry the message)."""
        channel = get_channel(api_user(), code)
        state = PostingState(args["state"]) if args.get("state") else None
        query = postings_query(api_user(), channel, state)
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )


@blp.route("/channels/<code>/postings/<id:posting_id>/retry")
class ChannelPostingRetry(MethodView):
    @secured
    @blp.response(200, PostingSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, code, posting_id):
        """Send a failed posting again on the next run (it goes back to pending)."""
        return retry_posting(api_user(), get_channel(api_user(), code), posting_id)


@blp.route("/sync/runs")
class SyncRuns(MethodView):
    @secured
    @blp.arguments(RunListArgs, location="query", unknown=RAISE)
    @blp.response(200, SyncRunPage)
    def get(self, args):
        """List sync runs, newest first, optionally of one channel."""
        channel = get_channel(api_user(), args["channel"]) if args.get("channel") else None
        query = runs_query(api_user(), channel)
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )


@blp.route("/sync/runs/<id:run_id>")
class SyncRunItem(MethodView):
    @secured
    @blp.response(200, SyncRunSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, run_id):
        """Return one sync run with its counts and errors."""
        return get_run(api_user(), run_id)


class EmployerStatusSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    uscc = fields.String()
    status = fields.Nested(LabelledSchema)
    review_note = fields.String(allow_none=True, metadata={"description": "暂停原因（企业可见）"})


class SuspendSchema(Schema):
    # The employers service refuses a missing or too long reason (same words as the page).
    note = Text(load_default="", metadata=limit(max_length=MAX_REVIEW_NOTE, description="暂停原因"))


@blp.route("/admin/employers/<id:employer_id>/suspend")
class EmployerSuspend(MethodView):
    @admins_only
    @blp.arguments(SuspendSchema)
    @blp.response(200, EmployerStatusSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, employer_id):
        """Suspend an approved employer (admins): its positions leave the site and channels."""
        employer = admin_employer(api_user(), employer_id)
        return suspend_employer(employer, by=api_user(), note=data["note"])


@blp.route("/admin/employers/<id:employer_id>/reinstate")
class EmployerReinstate(MethodView):
    @admins_only
    @blp.response(200, EmployerStatusSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, employer_id):
        """Reinstate a suspended employer (admins): its open positions are published again."""
        return reinstate_employer(admin_employer(api_user(), employer_id), by=api_user())
