"""Channel pages for staff: list, settings (admins), 立即同步 (queued), failed items, workbooks."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from recruit.auth.access import roles_required
from recruit.auth.scope import STAFF
from recruit.channels.consumers import (
    issue_consumer_token,
    list_consumers,
    revoke_consumer_token,
)
from recruit.channels.forms import ChannelForm, ConsumerForm
from recruit.channels.ledger import (
    active_runs,
    export_path,
    latest_runs,
    next_attempts,
    posting_counts,
    runs_query,
    troubled_postings_query,
)
from recruit.channels.models import Channel
from recruit.channels.services import (
    get_channel,
    list_channels,
    may_change_channels,
    may_run_channels,
    queue_sync,
    require_channel_admin,
    retry_posting,
    update_channel,
)
from recruit.errors import Conflict, Invalid, NotFound
from recruit.extensions import db
from recruit.forms import show_refusal
from recruit.refdata.codes import FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.sync.changes import format_cursor
from recruit.sync.runs import is_stale
from recruit.uow import unit_of_work

bp = Blueprint("channels", __name__, url_prefix="/channels")

PER_PAGE = 20
#: While a run waits or runs, its page reloads itself this often (seconds) to show progress.
REFRESH_SECONDS = 5


def _stalled(run) -> bool:
    """Whether a run shown as running has lost its heartbeat (the scheduler will take it over)."""
    return run.status.value == "running" and is_stale(run)


@bp.get("/")
@roles_required(*STAFF)
def index():
    active = active_runs(current_user)
    return render_template(
        "channels/index.html",
        channels=list_channels(current_user),
        runs=latest_runs(current_user),
        counts=posting_counts(current_user),
        active=active,
        stale={run.id for run in active.values() if _stalled(run)},
        next_attempts=next_attempts(current_user),
        can_run=may_run_channels(current_user),
        refresh=REFRESH_SECONDS if active else None,
    )


#: The page shows a refused schedule on its weekday picker.
SCHEDULE_ON_THE_PAGE = {"schedule": "schedule_day"}


def _fill_choices(form: ChannelForm) -> None:
    form.scope_regions.choices = [
        (r.code, f"{r.name}（{r.code}）")
        for r in db.session.scalars(sa.select(Region).order_by(Region.code))
        if r.is_current
    ]
    form.scope_industry_chains.choices = [
        (c.code, c.name)
        for c in db.session.scalars(sa.select(IndustryChain).order_by(IndustryChain.sort_order))
    ]
    form.scope_fair_types.choices = FairType.choices()


def _changes(form: ChannelForm, channel: Channel) -> dict:
    changes = {
        "enabled": form.enabled.data,
        "schedule": f"{form.schedule_day.data or ''} {form.schedule_time.data or ''}",
        "scope_regions": form.scope_regions.data,
        "scope_industry_chains": form.scope_industry_chains.data,
        "scope_fair_types": form.scope_fair_types.data,
    }
    if channel.has_endpoint:
        changes["base_url"] = form.base_url.data
        changes["token_env"] = form.token_env.data
    # Left empty, the setting stays as it is.
    if (form.concurrency.data or "").strip():
        changes["concurrency"] = form.concurrency.data
    return changes


def _detail_page(
    channel: Channel,
    form: ChannelForm,
    consumer_form: ConsumerForm | None = None,
    issued: tuple | None = None,
):
    failed_page = db.paginate(
        troubled_postings_query(current_user, channel),
        page=request.args.get("failed_page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    runs_page = db.paginate(
        runs_query(current_user, channel),
        page=request.args.get("runs_page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    active = active_runs(current_user).get(channel.id)
    return render_template(
        "channels/detail.html",
        channel=channel,
        form=form,
        counts=posting_counts(current_user, channel).get(channel.id, {}),
        failed_page=failed_page,
        runs_page=runs_page,
        active=active,
        active_stale=active is not None and _stalled(active),
        next_attempt=next_attempts(current_user).get(channel.id),
        can_run=may_run_channels(current_user),
        can_change=may_change_channels(current_user),
        refresh=REFRESH_SECONDS if active else None,
        consumers=list_consumers(current_user, channel) if channel.is_pull else [],
        consumer_form=consumer_form or ConsumerForm(),
        format_cursor=format_cursor,
        issued=issued,
    )


def _settings_form(channel: Channel) -> ChannelForm:
    form = ChannelForm(obj=channel)
    form.schedule_day.data, _, form.schedule_time.data = channel.schedule.partition(" ")
    _fill_choices(form)
    return form


@bp.post("/<code>/consumers")
@roles_required(*STAFF)
def issue_consumer(code: str):
    channel = get_channel(current_user, code)
    require_channel_admin(current_user)
    consumer_form = ConsumerForm()
    issued = None
    if consumer_form.validate_on_submit():
        try:
            with unit_of_work():
                consumer, token = issue_consumer_token(
                    channel, consumer_form.name.data, by=current_user
                )
                issued = (consumer.name, token)
        except Invalid as error:
            show_refusal(consumer_form, error)
        except Conflict as refusal:
            flash(refusal.message, "warning")
            return redirect(url_for("channels.detail", code=code))
        else:
            consumer_form = ConsumerForm(formdata=None)
    # The token is shown on this answer only, never stored or put in a cookie.
    response = _detail_page(channel, _settings_form(channel), consumer_form, issued)
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/<code>/consumers/<id:consumer_id>/revoke")
@roles_required(*STAFF)
def revoke_consumer(code: str, consumer_id: int):
    channel = get_channel(current_user, code)
    try:
        with unit_of_work():
            consumer = revoke_consumer_token(channel, consumer_id, by=current_user)
    except NotFound as refusal:
        flash(refusal.message, "warning")
    else:
        flash(f"对接方“{consumer.name}”的令牌已撤销，立即失效。", "success")
    return redirect(url_for("channels.detail", code=code))


@bp.get("/<code>")
@roles_required(*STAFF)
def detail(code: str):
    channel = get_channel(current_user, code)
    return _detail_page(channel, _settings_form(channel))


@bp.post("/<code>/settings")
@roles_required(*STAFF)
def settings(code: str):
    channel = get_channel(current_user, code)
    # Refused before the form is read: only admins change channels, typed or not.
    require_channel_admin(current_user)
    form = ChannelForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                update_channel(channel, _changes(form, channel), by=current_user)
        except Invalid as error:
            show_refusal(form, error, aliases=SCHEDULE_ON_THE_PAGE)
        else:
            flash("渠道设置已保存。", "success")
            return redirect(url_for("channels.detail", code=code))
    return _detail_page(channel, form)


@bp.post("/<code>/sync", endpoint="sync_now")
@roles_required(*STAFF)
def start_sync(code: str):
    channel = get_channel(current_user, code)
    try:
        with unit_of_work():
            run = queue_sync(channel, by=current_user)
    except Conflict as refusal:
        # Disabled, or a run already waits: say so on the channel's page.
        flash(refusal.message, "warning")
    else:
        flash(
            f"同步已排队（第 {run.id} 次运行）：定时任务进程将在几秒内开始，本页显示进度。",
            "success",
        )
    return redirect(url_for("channels.detail", code=code))


@bp.post("/<code>/postings/<id:posting_id>/retry")
@roles_required(*STAFF)
def retry(code: str, posting_id: int):
    channel = get_channel(current_user, code)
    try:
        with unit_of_work():
            row = retry_posting(current_user, channel, posting_id)
    except Conflict as refusal:
        flash(refusal.message, "warning")
    else:
        flash(f"{row.position.ref} 已改为待同步，下次同步时重新发送。", "success")
    return redirect(url_for("channels.detail", code=code))


@bp.get("/<code>/exports/<name>")
@roles_required(*STAFF)
def download(code: str, name: str):
    channel = get_channel(current_user, code)
    path = export_path(current_user, channel, name)
    return send_file(
        path,
        as_attachment=True,
        download_name=name,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
