"""Admin operations: channels, triggering a sync, sync runs and their items."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy.orm import joinedload

from recruit.api.errors import ApiError, ErrorSchema
from recruit.api.schemas import LabelledSchema, PageArgsSchema, page_body, page_schema
from recruit.api.security import api_user, secured_by
from recruit.auth.models import Role
from recruit.channels.models import ChannelPosting, PostingState, SyncRun
from recruit.channels.services import ChannelError, get_channel, list_channels, update_channel
from recruit.extensions import db
from recruit.sync.services import RunRefused, posting_counts, run_channel_sync

blp = Blueprint(
    "api_admin", __name__, url_prefix="/api/v1", description="系统管理员：渠道、同步、同步记录"
)


secured = secured_by(blp, Role.ADMIN)


class ChannelSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.Nested(LabelledSchema)
    enabled = fields.Boolean()
    schedule = fields.String()
    base_url = fields.String(allow_none=True)
    token_env = fields.String(allow_none=True, metadata={"description": "令牌所在环境变量名"})
    scope_regions = fields.List(fields.String())
    scope_industry_chains = fields.List(fields.String())
    scope_fair_types = fields.List(fields.String())
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class ChannelUpdateSchema(Schema):
    enabled = fields.Boolean()
    schedule = fields.String(validate=validate.Length(max=40))
    base_url = fields.String(allow_none=True, validate=validate.Length(max=300))
    token_env = fields.String(allow_none=True, validate=validate.Length(max=80))
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
    errors = fields.List(fields.Dict())


class PostingSchema(Schema):
    id = fields.Integer()
    position_id = fields.Integer()
    ref = fields.Function(lambda row: row.position.ref, metadata={"type": "string"})
    desired = fields.Nested(LabelledSchema)
    state = fields.Nested(LabelledSchema)
    delivered_revision = fields.Integer(allow_none=True)
    remote_id = fields.String(allow_none=True)
    remote_url = fields.String(allow_none=True)
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    synced_at = fields.DateTime(allow_none=True)


class RunListArgs(PageArgsSchema):
    channel = fields.String(validate=validate.Length(max=20))


class PostingListArgs(PageArgsSchema):
    state = fields.String(validate=validate.OneOf([s.value for s in PostingState]))


SyncRunPage = page_schema(SyncRunSchema, "SyncRunPage")
PostingPage = page_schema(PostingSchema, "PostingPage")


def _channel(code: str):
    channel = get_channel(code)
    if channel is None:
        raise ApiError(404, "渠道不存在。")
    return channel


def _with_counts(channel, counts=None):
    counts = counts if counts is not None else posting_counts(channel.id)
    channel.counts = counts.get(channel.id, {})
    return channel


@blp.route("/channels")
class Channels(MethodView):
    @secured
    @blp.response(200, ChannelSchema(many=True))
    def get(self):
        """List the channels with how many postings are in each state."""
        counts = posting_counts()
        return [_with_counts(channel, counts) for channel in list_channels()]


@blp.route("/channels/<code>")
class ChannelItem(MethodView):
    @secured
    @blp.arguments(ChannelUpdateSchema)
    @blp.response(200, ChannelSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def patch(self, data, code):
        """Change a channel's settings; a scope change rewrites its desired state at once."""
        channel = _channel(code)
        try:
            update_channel(channel, data, by=api_user())
        except ChannelError as error:
            db.session.rollback()
            raise ApiError(422, str(error), {error.field: [str(error)]}) from None
        db.session.commit()
        return _with_counts(channel)


@blp.route("/channels/<code>/sync")
class ChannelSync(MethodView):
    @secured
    @blp.arguments(SyncRequestSchema)
    @blp.response(201, SyncRunSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, code):
        """Run the channel's sync now (same lock as the weekly run) and return the run."""
        channel = _channel(code)
        if not channel.enabled:
            raise ApiError(409, "渠道未启用，不能同步。")
        try:
            return run_channel_sync(
                channel, by=api_user(), dry_run=data["dry_run"], force=data["force"]
            )
        except RunRefused as error:
            db.session.rollback()
            raise ApiError(409, str(error)) from None


@blp.route("/channels/<code>/postings")
class ChannelPostings(MethodView):
    @secured
    @blp.arguments(PostingListArgs, location="query", unknown=RAISE)
    @blp.response(200, PostingPage)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, code):
        """List the channel's postings, optionally by state (failed ones carry the message)."""
        channel = _channel(code)
        query = (
            sa.select(ChannelPosting)
            .where(ChannelPosting.channel_id == channel.id)
            .options(joinedload(ChannelPosting.position))
            .order_by(ChannelPosting.id)
        )
        if args.get("state"):
            query = query.where(ChannelPosting.state == PostingState(args["state"]))
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )


@blp.route("/sync/runs")
class SyncRuns(MethodView):
    @secured
    @blp.arguments(RunListArgs, location="query", unknown=RAISE)
    @blp.response(200, SyncRunPage)
    def get(self, args):
        """List sync runs, newest first, optionally of one channel."""
        query = sa.select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        if args.get("channel"):
            query = query.where(SyncRun.channel_id == _channel(args["channel"]).id)
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
        run = db.session.get(SyncRun, run_id)
        if run is None:
            raise ApiError(404, "同步记录不存在。")
        return run
