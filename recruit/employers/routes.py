"""Public employer pages: registration and the public profile."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from recruit.employers.forms import RegistrationForm
from recruit.employers.models import Employer, EmployerStatus
from recruit.employers.services import RegistrationError, register_employer
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import current_regions

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
            user = register_employer(form.service_data())
        except RegistrationError as error:
            db.session.rollback()
            form.show_errors(error.errors)
        else:
            db.session.commit()
            login_user(user)
            flash(
                "注册成功，请等待就业服务中心审核。审核通过后即可发布岗位、报名招聘会。",
                "success",
            )
            return redirect(url_for("employer.index"))
    elif request.method == "POST":
        flash("请按提示修改后再提交。", "danger")
    return render_template("employers/register.html", form=form)


@bp.route("/<id:employer_id>")
def profile(employer_id: int):
    employer = db.session.get(Employer, employer_id)
    if employer is None or employer.status is not EmployerStatus.APPROVED:
        abort(404)
    page = db.paginate(
        sa.select(Position)
        .where(
            Position.employer_id == employer.id,
            Position.status == PositionStatus.OPEN,
            Position.valid_until >= local_today(),
        )
        .order_by(Position.published_at.desc(), Position.id.desc()),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("employers/profile.html", employer=employer, page=page)
