"""The changes feed for integrators of pull channels: a snapshot, then the changes after it.

Authenticated by a consumer token the channel's admin issued (``rc_…``), never a user's
token: the token names the channel, and so the scope, that is read.
"""

import json

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.errors import ApiError, ErrorSchema
from recruit.auth.tokens import TOKEN_PREFIX, user_for_token
from recruit.channels.consumers import authorize_consumer, consumer_for_token
from recruit.sync.changes import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ChangesPage,
    Snapshot,
    feed_is_stale,
    format_cursor,
    note_read,
    read_changes,
    read_snapshot,
    sweep,
)
from recruit.uow import unit_of_work

blp = Blueprint(
    "api_postings",
    __name__,
    url_prefix="/api/v1/postings",
    description="岗位变更订阅（拉取接口渠道的对接方，使用渠道签发的对接令牌）",
)

CONSUMER = [{"consumerToken": []}]
NO_TOKEN = "需要渠道签发的对接令牌（Authorization: Bearer rc_…）。"
BAD_TOKEN = "对接令牌无效或已撤销。"
USER_TOKEN = "用户访问令牌不能读取岗位变更：请使用渠道管理员签发的对接令牌（rc_…）。"


class ChannelArgsSchema(Schema):
    channel = fields.String(
        validate=validate.Length(min=1, max=20),
        metadata={"description": "渠道代码（可省略；给出时须为令牌所属渠道，否则 403）"},
    )


class ChangesArgsSchema(ChannelArgsSchema):
    since = fields.String(
        validate=validate.Length(max=30),
        metadata={
            "description": "游标：快照或上一页返回的 next_cursor，原样传入；省略表示从头读起"
        },
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"本页最多条数（1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}）"},
    )


class PostingOccupationSchema(Schema):
    major_group = fields.Integer(required=True, metadata={"description": "职业分类大类 1–8"})
    code = fields.String(metadata={"description": "职业分类大典编码 X-XX-XX-XX"})
    edition = fields.String(metadata={"description": "职业分类大典版本"})


class PostingSalarySchema(Schema):
    min = fields.Integer(allow_none=True, metadata={"description": "月薪下限（元）"})
    max = fields.Integer(allow_none=True, metadata={"description": "月薪上限（元）"})
    unit = fields.String(metadata={"description": "MONTH"})
    currency = fields.String(metadata={"description": "CNY"})


class PostingEducationSchema(Schema):
    label = fields.String(required=True)
    code = fields.String(allow_none=True, metadata={"description": "GB/T 4658 代码"})


class PostingEmployerSchema(Schema):
    name = fields.String(required=True)
    uscc = fields.String(required=True, metadata={"description": "统一社会信用代码"})
    region_code = fields.String(required=True)
    industry_section = fields.String(allow_none=True, metadata={"description": "GB/T 4754 门类"})
    size = fields.String(allow_none=True, metadata={"description": "企业规模代码"})
    address = fields.String(allow_none=True, metadata={"description": "企业地址"})


class PostingContactSchema(Schema):
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class PostingFairSchema(Schema):
    ref = fields.String(required=True)
    title = fields.String(required=True)
    starts_at = fields.String(required=True, metadata={"description": "ISO 8601，上海时间"})


class PostingDocumentSchema(Schema):
    """The posting document of protocol v1 (the same one the push sync sends)."""

    ref = fields.String(required=True, metadata={"description": "我方岗位编号，稳定不复用"})
    position_id = fields.Integer(required=True)
    revision = fields.Integer(required=True)
    title = fields.String(required=True)
    occupation = fields.Nested(PostingOccupationSchema, required=True)
    openings = fields.Integer(required=True)
    salary = fields.Nested(
        PostingSalarySchema, allow_none=True, metadata={"description": "null = 面议"}
    )
    education = fields.Nested(PostingEducationSchema, required=True)
    employment_type = fields.String(required=True)
    work_region_code = fields.String(required=True)
    work_address = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    employer = fields.Nested(PostingEmployerSchema, required=True)
    contact = fields.Nested(PostingContactSchema, required=True)
    fairs = fields.List(fields.Nested(PostingFairSchema), required=True)
    date_posted = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    valid_through = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    url = fields.String(required=True, metadata={"description": "公开岗位页"})


class PostingChangeSchema(Schema):
    cursor = fields.String(required=True, metadata={"description": "读到本条为止的游标"})
    action = fields.String(
        required=True,
        validate=validate.OneOf(["published", "changed", "withdrawn"]),
        metadata={"description": "published 新发布 / changed 内容变化 / withdrawn 撤下"},
    )
    ref = fields.String(required=True)
    revision = fields.Integer(required=True)
    at = fields.String(required=True, metadata={"description": "记录时间（ISO 8601，UTC）"})
    posting = fields.Nested(
        PostingDocumentSchema, allow_none=True, metadata={"description": "撤下时为 null"}
    )


class PostingChangesPageSchema(Schema):
    channel = fields.String(required=True)
    since = fields.String(required=True, metadata={"description": "本页起点游标"})
    next_cursor = fields.String(required=True, metadata={"description": "下次请求的 since"})
    has_more = fields.Boolean(required=True, metadata={"description": "是否还有下一页"})
    changes = fields.List(fields.Nested(PostingChangeSchema), required=True)


class PostingsSnapshotSchema(Schema):
    channel = fields.String(required=True)
    cursor = fields.String(required=True, metadata={"description": "从此游标继续读取变更"})
    count = fields.Integer(required=True)
    postings = fields.List(fields.Nested(PostingDocumentSchema), required=True)


def _bearer() -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _fresh_channel(channel_code: str | None) -> tuple[int, int]:
    """Authenticate the consumer, bring its channel's log up to date; return the two ids.

    401 for a missing or unknown token, 403 for a user's token or a channel it may not read.
    Each step is a transaction of its own: a read that finds nothing new writes nothing, and
    a sweep takes the log's lock as its first statement.
    """
    token = _bearer()
    if not token:
        raise ApiError(401, NO_TOKEN)
    consumer = consumer_for_token(token)
    if consumer is None:
        if token.startswith(TOKEN_PREFIX) and user_for_token(token) is not None:
            raise ApiError(403, USER_TOKEN)
        raise ApiError(401, BAD_TOKEN)
    with unit_of_work():
        channel = authorize_consumer(consumer, channel_code)
        ids = channel.id, consumer.id
        stale = feed_is_stale(channel)
    if stale:
        with unit_of_work():
            sweep(ids[0])
    return ids


def _json(payload: dict) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    response.charset = "utf-8"
    response.cache_control.no_store = True
    return response


def changes_body(page: ChangesPage) -> dict:
    """Return the JSON body of a page of changes."""
    channel_id = page.channel.id
    return {
        "channel": page.channel.code,
        "since": format_cursor(channel_id, page.since),
        "next_cursor": format_cursor(channel_id, page.next_seq),
        "has_more": page.more,
        "changes": [
            {
                "cursor": format_cursor(channel_id, change.seq),
                "action": change.action.value,
                "ref": change.ref,
                "revision": change.revision,
                "at": change.at.isoformat(),
                "posting": change.document,
            }
            for change in page.changes
        ],
    }


def snapshot_body(snapshot: Snapshot) -> dict:
    """Return the JSON body of a snapshot."""
    return {
        "channel": snapshot.channel.code,
        "cursor": format_cursor(snapshot.channel.id, snapshot.seq),
        "count": len(snapshot.postings),
        "postings": snapshot.postings,
    }


def _documented(view):
    view = blp.alt_response(400, schema=ErrorSchema)(view)
    view = blp.alt_response(401, schema=ErrorSchema)(view)
    view = blp.alt_response(403, schema=ErrorSchema)(view)
    return blp.doc(security=CONSUMER)(view)


@blp.route("/changes")
class PostingChanges(MethodView):
    @blp.doc(operationId="list_posting_changes")
    @blp.arguments(ChangesArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PostingChangesPageSchema)
    @blp.alt_response(410, schema=ErrorSchema, description="游标已过期：请重新读取快照")
    @_documented
    def get(self, args):
        """List, in order, the postings published, changed or withdrawn since the cursor."""
        channel_id, consumer_id = _fresh_channel(args.get("channel"))
        with unit_of_work():
            page = read_changes(channel_id, args.get("since"), args["limit"])
            body = changes_body(page)
        with unit_of_work():
            note_read(consumer_id, page.next_seq)
        return _json(body)


@blp.route("/snapshot")
class PostingSnapshot(MethodView):
    @blp.doc(operationId="get_postings_snapshot")
    @blp.arguments(ChannelArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PostingsSnapshotSchema)
    @_documented
    def get(self, args):
        """Return every posting the channel shows now, with the cursor to follow changes from."""
        channel_id, consumer_id = _fresh_channel(args.get("channel"))
        with unit_of_work():
            snapshot = read_snapshot(channel_id)
            body = snapshot_body(snapshot)
        with unit_of_work():
            note_read(consumer_id, snapshot.seq)
        return _json(body)


def register_security(api) -> None:
    """Document the consumer token scheme on the API."""
    api.spec.components.security_scheme(
        "consumerToken",
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rc_…",
            "description": "拉取接口渠道的对接令牌，由渠道管理员在渠道页面签发",
        },
    )
