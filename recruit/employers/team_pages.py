"""The employer's own profile and HR team screens, and the page an invitation link opens.

Thin doors onto employers.profile and employers.team: every rule (who may edit, what goes to
review, the last administrator) is the services'; a refusal is shown where the person was.
"""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from recruit.audit.display import action_label
from recruit.auth.models import EmployerRole
from recruit.employers.forms import AcceptInvitationForm, ActionForm, InviteForm, ProfileForm
from recruit.employers.portal import _require_button, bp
from recruit.employers.profile import (
    field_labels,
    latest_decided_change,
    own_employer,
    pending_change,
    update_profile,
    withdraw_change,
)
from recruit.employers.team import (
    accept_invitation,
    find_invitation,
    get_invitation,
    get_member,
    invite_colleague,
    open_invitations,
    remove_member,
    revoke_invitation,
    set_member_role,
    team_activity,
    team_members,
)
from recruit.errors import Conflict, Invalid, NotFound
from recruit.extensions import db
from recruit.forms import confirmation, show_refusal
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import current_regions
from recruit.uow import unit_of_work

#: The page an invitation link opens: for someone with no account yet.
invitations_bp = Blueprint("invitations", __name__, url_prefix="/employer/invitations")


def _profile_form(employer) -> ProfileForm:
    city = current_app.config["CITY_REGION_CODE"]
    regions = [r for r in current_regions(city) if r.code != city]
    chains = list(
        db.session.scalars(
            sa.select(IndustryChain)
            .where(sa.or_(IndustryChain.active, IndustryChain.id == employer.industry_chain_id))
            .order_by(IndustryChain.sort_order)
        )
    )
    return ProfileForm(regions=regions, chains=chains)


# --- profile ---------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    employer = own_employer(current_user)
    form = _profile_form(employer)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                edit = update_profile(employer, form.service_data(), by=current_user)
        except (Invalid, Conflict) as error:
            show_refusal(form, error)
        else:
            if not edit.changed:
                flash("内容没有变化。", "info")
            if edit.applied:
                flash(f"已保存：{field_labels(edit.applied)}。", "success")
            if edit.change is not None:
                flash(
                    f"{field_labels(edit.change.changed_fields)}的变更已提交审核；"
                    "审核通过前对外仍显示原信息。",
                    "info",
                )
            elif edit.withdrawn is not None:
                flash("已撤回待审核的变更申请。", "info")
            return redirect(url_for("employer.profile"))
    elif form.is_submitted():
        flash("请按提示修改后再提交。", "danger")
    change = pending_change(employer)
    if not form.is_submitted():
        form.fill(employer, change)
    return render_template(
        "employer/profile.html",
        employer=employer,
        form=form,
        change=change,
        decided=latest_decided_change(employer),
        field_labels=field_labels,
        action_form=ActionForm(),
    )


@bp.route("/profile/change/withdraw", methods=["POST"])
def change_withdraw():
    employer = own_employer(current_user)
    _require_button()
    try:
        with unit_of_work():
            withdraw_change(employer, by=current_user)
    except Conflict as error:
        flash(error.message, "danger")
    else:
        flash("已撤回待审核的变更申请，对外信息保持不变。", "success")
    return redirect(url_for("employer.profile"))


# --- team ------------------------------------------------------------------------------------


@bp.route("/team")
def team():
    return _team_page(InviteForm(formdata=None))


def _team_page(invite_form: InviteForm):
    return render_template(
        "employer/team.html",
        members=team_members(current_user),
        invitations=open_invitations(current_user) if current_user.is_employer_admin else [],
        activity=team_activity(current_user),
        action_label=action_label,
        roles=EmployerRole,
        invite_form=invite_form,
        action_form=ActionForm(),
    )


@bp.route("/team/invite", methods=["POST"])
def team_invite():
    form = InviteForm()
    if not form.validate_on_submit():
        flash("请按提示修改后再提交。", "danger")
        return _team_page(form)
    try:
        with unit_of_work():
            invitation, _token = invite_colleague(
                form.address.data, form.role.data, by=current_user
            )
    except (Invalid, Conflict) as error:
        show_refusal(form, error)
        return _team_page(form)
    flash(
        f"邀请已发送到 {invitation.address}，{invitation.role.label}，"
        "对方打开链接设置用户名和密码后即可登录。",
        "success",
    )
    return redirect(url_for("employer.team"))


@bp.route("/team/invitations/<id:invitation_id>/revoke", methods=["POST"])
def team_revoke(invitation_id: int):
    invitation = get_invitation(current_user, invitation_id)
    _require_button()
    try:
        with unit_of_work():
            revoke_invitation(invitation, by=current_user)
    except Conflict as error:
        flash(error.message, "danger")
    else:
        flash(f"已撤销发给 {invitation.address} 的邀请，链接不再有效。", "success")
    return redirect(url_for("employer.team"))


@bp.route("/team/members/<id:user_id>/role", methods=["POST"])
def team_role(user_id: int):
    member = get_member(current_user, user_id)
    _require_button()
    try:
        with unit_of_work():
            changed = set_member_role(member, request.form.get("role"), by=current_user)
    except (Invalid, Conflict) as error:
        flash(error.message, "danger")
    else:
        if changed:
            flash(f"{_who(member)}的权限已改为“{member.employer_role.label}”。", "success")
        else:
            flash("权限没有变化。", "info")
    return redirect(url_for("employer.team"))


@bp.route("/team/members/<id:user_id>/remove", methods=["POST"])
def team_remove(user_id: int):
    member = get_member(current_user, user_id)
    _require_button()
    asked = confirmation(
        f"确定移除同事账号“{_who(member)}”吗？该账号将无法登录，已登录的设备会立即退出。",
        back=url_for("employer.team"),
    )
    if asked is not None:
        return asked
    try:
        with unit_of_work():
            remove_member(member, by=current_user)
    except Conflict as error:
        flash(error.message, "danger")
        return redirect(url_for("employer.team"))
    flash(f"已移除同事账号“{_who(member)}”。", "success")
    if member.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("employer.team"))


def _who(member) -> str:
    return f"{member.display_name}（{member.username}）" if member.display_name else member.username


# --- the invitation link ---------------------------------------------------------------------


@invitations_bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str):
    if current_user.is_authenticated:
        flash("您已登录。如需用邀请链接设置新账号，请先退出当前账号。", "info")
        return redirect(url_for("public.home"))
    try:
        invitation = find_invitation(token)
    except (NotFound, Conflict) as error:
        return render_template("employer/invitation_invalid.html", message=error.message), (
            error.status
        )
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = accept_invitation(token, form.service_data())
        except Invalid as error:
            show_refusal(form, error)
        except (NotFound, Conflict) as error:
            return render_template("employer/invitation_invalid.html", message=error.message), (
                error.status
            )
        else:
            login_user(user)
            flash(f"账号已设置，欢迎加入{user.employer.name}。", "success")
            return redirect(url_for("employer.index"))
    elif form.is_submitted():
        flash("请按提示修改后再提交。", "danger")
    return render_template("employer/invitation.html", invitation=invitation, form=form)
