"""Public employer pages: registration and the public profile."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from recruit.employers.forms import RegistrationForm
from recruit.employers.services import get_public_employer, public_positions, register_employer
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.forms import show_refusal
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import current_regions
from recruit.uow import unit_of_work

#: Public pages: registration and the employer's public profile.
bp = Blueprint("employers", __name__, url_prefix="/employers")


def _registration_form() -> RegistrationForm:
    chains = db.session.scalars(
        sa.select(IndustryChain).where(IndustryChain.active).order_by(IndustryChain.sort_order)
    )
    regions = [
        r
        for r in current_regions(current_app.config["CITY_REGION_CODE"])
        if r.code != current_app.config["CITY_REGION_CODE"]
    ]
    return RegistrationForm(regions=regions, chains=list(chains))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        flash("您已登录，如需注册新企业请先退出。", "info")
        return redirect(url_for("public.home"))
    form = _registration_form()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = register_employer(form.service_data())
        except (Invalid, Conflict) as error:
            show_refusal(form, error)
        else:
            login_user(user)
            flash(
                "注册成功，请等待就业服务中心审核。审核通过后即可发布岗位、报名招聘会。",
                "success",
            )
            # A verified mobile is what 忘记密码 needs later: say so while the person is here.
            flash(
                "建议现在到“我的账号”验证手机号（短信验证码），以后忘记密码时可以自行重置。",
                "info",
            )
            return redirect(url_for("employer.index"))
    elif request.method == "POST":
        flash("请按提示修改后再提交。", "danger")
    return render_template("employers/register.html", form=form)


@bp.route("/<id:employer_id>")
def profile(employer_id: int):
    employer = get_public_employer(employer_id)
    page = db.paginate(
        public_positions(employer), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("employers/profile.html", employer=employer, page=page)
