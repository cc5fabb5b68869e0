"""Channel pages for admins and organizers: list, settings, 立即同步, failed items, workbooks."""

from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from recruit.auth.access import roles_required
from recruit.auth.models import Role
from recruit.channels import bp
from recruit.channels.forms import ChannelForm
from recruit.channels.models import Channel, ChannelKind, ChannelPosting, PostingState, SyncRun
from recruit.channels.services import ChannelError, get_channel, list_channels, update_channel
from recruit.extensions import db
from recruit.refdata.codes import FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.sync.connectors.xlsx_export import exports_dir
from recruit.sync.services import RunRefused, latest_runs, posting_counts, retry_posting
from recruit.sync.services import run_channel_sync as _run

STAFF = (Role.ADMIN, Role.ORGANIZER)
PER_PAGE = 20


def can_manage(user) -> bool:
    """Admins and city-level organizers change channels and start runs; others only look."""
    if user.role is Role.ADMIN:
        return True
    return (
        user.role is Role.ORGANIZER and user.region_code == current_app.config["CITY_REGION_CODE"]
    )


def _require_manage() -> None:
    if not can_manage(current_user):
        abort(403)


def _channel_or_404(code: str) -> Channel:
    channel = get_channel(code)
    if channel is None:
        abort(404)
    return channel


@bp.get("/")
@roles_required(*STAFF)
def index():
    channels = list_channels()
    return render_template(
        "channels/index.html",
        channels=channels,
        runs=latest_runs(),
        counts=posting_counts(),
        can_manage=can_manage(current_user),
    )


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


@bp.route("/<code>", methods=["GET", "POST"])
@roles_required(*STAFF)
def detail(code: str):
    channel = _channel_or_404(code)
    form = ChannelForm(obj=channel)
    _fill_choices(form)
    if request.method == "POST":
        _require_manage()
        if form.validate_on_submit():
            changes = {
                "enabled": form.enabled.data,
                "schedule": form.schedule.data,
                "scope_regions": form.scope_regions.data,
                "scope_industry_chains": form.scope_industry_chains.data,
                "scope_fair_types": form.scope_fair_types.data,
            }
            if channel.kind is ChannelKind.HTTP_JSON:
                changes["base_url"] = form.base_url.data
                changes["token_env"] = form.token_env.data
            try:
                update_channel(channel, changes, by=current_user)
            except ChannelError as error:
                db.session.rollback()
                getattr(form, error.field).errors.append(str(error))
            else:
                db.session.commit()
                flash("渠道设置已保存。", "success")
                return redirect(url_for("channels.detail", code=code))
    failed_page = db.paginate(
        sa.select(ChannelPosting)
        .where(
            ChannelPosting.channel_id == channel.id,
            sa.or_(
                ChannelPosting.state == PostingState.FAILED,
                # Not refused, but the last tries failed (5xx, timeouts): the next run retries.
                sa.and_(
                    ChannelPosting.state == PostingState.PENDING,
                    ChannelPosting.last_error.is_not(None),
                ),
            ),
        )
        .options(joinedload(ChannelPosting.position))
        .order_by(ChannelPosting.last_attempt_at.desc(), ChannelPosting.id.desc()),
        page=request.args.get("failed_page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    runs_page = db.paginate(
        sa.select(SyncRun)
        .where(SyncRun.channel_id == channel.id)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()),
        page=request.args.get("runs_page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "channels/detail.html",
        channel=channel,
        form=form,
        counts=posting_counts(channel.id).get(channel.id, {}),
        failed_page=failed_page,
        runs_page=runs_page,
        can_manage=can_manage(current_user),
    )


@bp.post("/<code>/sync")
@roles_required(*STAFF)
def sync_now(code: str):
    _require_manage()
    channel = _channel_or_404(code)
    if not channel.enabled:
        flash("渠道未启用，不能同步。", "warning")
        return redirect(url_for("channels.detail", code=code))
    try:
        run = _run(channel, by=current_user)
    except RunRefused as refusal:
        flash(str(refusal), "warning")
    else:
        category = "success" if run.status.value == "completed" else "warning"
        flash(
            f"同步{run.status.label}：新增 {run.created}，更新 {run.updated}，"
            f"撤下 {run.withdrawn}，未变 {run.unchanged}，失败 {run.failed}，跳过 {run.skipped}。",
            category,
        )
    return redirect(url_for("channels.detail", code=code))


@bp.post("/<code>/postings/<id:posting_id>/retry")
@roles_required(*STAFF)
def retry(code: str, posting_id: int):
    _require_manage()
    channel = _channel_or_404(code)
    row = db.session.get(ChannelPosting, posting_id)
    if row is None or row.channel_id != channel.id:
        abort(404)
    if row.state is PostingState.FAILED:
        retry_posting(row, by=current_user)
        db.session.commit()
        flash(f"{row.position.ref} 已改为待同步，下次同步时重新发送。", "success")
    return redirect(url_for("channels.detail", code=code))


@bp.get("/<code>/exports/<name>")
@roles_required(*STAFF)
def download(code: str, name: str):
    channel = _channel_or_404(code)
    run = db.session.scalar(
        sa.select(SyncRun).where(SyncRun.channel_id == channel.id, SyncRun.output_file == name)
    )
    path = exports_dir(channel.code) / Path(name).name
    if run is None or not path.is_file():
        abort(404)
    return send_file(
        path,
        as_attachment=True,
        download_name=name,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
