"""Channel pages for admins and organizers: list, settings, 立即同步, failed items, workbooks."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from recruit.auth.access import roles_required
from recruit.auth.scope import STAFF
from recruit.channels.forms import ChannelForm
from recruit.channels.ledger import (
    export_path,
    latest_runs,
    posting_counts,
    runs_query,
    troubled_postings_query,
)
from recruit.channels.models import Channel
from recruit.channels.services import (
    get_channel,
    list_channels,
    may_manage_channels,
    require_channel_manager,
    retry_posting,
    sync_now,
    update_channel,
)
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.forms import show_refusal
from recruit.refdata.codes import FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.uow import unit_of_work

bp = Blueprint("channels", __name__, url_prefix="/channels")

PER_PAGE = 20


@bp.get("/")
@roles_required(*STAFF)
def index():
    return render_template(
        "channels/index.html",
        channels=list_channels(current_user),
        runs=latest_runs(current_user),
        counts=posting_counts(current_user),
        can_manage=may_manage_channels(current_user),
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


def _changes(form: ChannelForm, channel: Channel) -> dict:
    changes = {
        "enabled": form.enabled.data,
        "schedule": form.schedule.data,
        "scope_regions": form.scope_regions.data,
        "scope_industry_chains": form.scope_industry_chains.data,
        "scope_fair_types": form.scope_fair_types.data,
    }
    if channel.has_endpoint:
        changes["base_url"] = form.base_url.data
        changes["token_env"] = form.token_env.data
    return changes


@bp.route("/<code>", methods=["GET", "POST"])
@roles_required(*STAFF)
def detail(code: str):
    channel = get_channel(current_user, code)
    form = ChannelForm(obj=channel)
    _fill_choices(form)
    if request.method == "POST":
        # Refused before the form is read: one who may only look gets 403, typed or not.
        require_channel_manager(current_user)
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    update_channel(channel, _changes(form, channel), by=current_user)
            except Invalid as error:
                show_refusal(form, error)
            else:
                flash("渠道设置已保存。", "success")
                return redirect(url_for("channels.detail", code=code))
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
    return render_template(
        "channels/detail.html",
        channel=channel,
        form=form,
        counts=posting_counts(current_user, channel).get(channel.id, {}),
        failed_page=failed_page,
        runs_page=runs_page,
        can_manage=may_manage_channels(current_user),
    )


@bp.post("/<code>/sync", endpoint="sync_now")
@roles_required(*STAFF)
def start_sync(code: str):
    channel = get_channel(current_user, code)
    try:
        run = sync_now(channel, by=current_user)
    except Conflict as refusal:
        # Disabled, or another run holds the channel: say so on the channel's page.
        flash(refusal.message, "warning")
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
