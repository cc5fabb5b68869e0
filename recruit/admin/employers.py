"""Admin pages for employers: find one, suspend it with a reason, reinstate it.

Registered on the `admin` blueprint; the rules are the employers domain's
(`recruit.employers.suspension`). Also hangs the `flask employers` command group on every app
that mounts the blueprint.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.admin.routes import bp
from recruit.auth.access import roles_required
from recruit.auth.models import Role
from recruit.employers.commands import employers_cli
from recruit.employers.models import EmployerStatus
from recruit.employers.review import MAX_REVIEW_NOTE
from recruit.employers.suspension import (
    PER_PAGE,
    admin_employer,
    employers_query,
    reinstate_employer,
    suspend_employer,
)
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.uow import unit_of_work


@bp.record_once
def _register_commands(state) -> None:
    """Add `flask employers` to the app this blueprint is mounted on."""
    state.app.cli.add_command(employers_cli)


def _status_arg() -> EmployerStatus | None:
    try:
        return EmployerStatus(request.args.get("status") or "")
    except ValueError:
        return None


def _list_page(
    errors: dict[int, str] | None = None,
    notes: dict[int, str] | None = None,
    text: str | None = None,
):
    text = (request.args.get("q") or "")[:120] if text is None else text
    status = _status_arg()
    page = db.paginate(
        employers_query(current_user, text, status),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/employers.html",
        page=page,
        q=text,
        status=status,
        statuses=EmployerStatus,
        errors=errors or {},
        notes=notes or {},
        max_note=MAX_REVIEW_NOTE,
        back=_list_args(),
    )


def _list_args() -> dict[str, str]:
    """The search and page the list was on: the row actions carry them and return to them."""
    return {key: value for key, value in request.args.items() if key in ("q", "status", "page")}


def _back():
    return redirect(url_for("admin.employers", **_list_args()))


@bp.get("/employers")
@roles_required(Role.ADMIN)
def employers():
    return _list_page()


@bp.post("/employers/<id:employer_id>/suspend")
@roles_required(Role.ADMIN)
def suspend_employer_page(employer_id: int):
    employer = admin_employer(current_user, employer_id)
    note = request.form.get("note", "")
    try:
        with unit_of_work():
            suspend_employer(employer, by=current_user, note=note)
    except Invalid as error:
        # Shown again beside the reason box of this employer's row.
        return _list_page(
            errors={employer_id: error.message}, notes={employer_id: note}, text=employer.uscc
        )
    except Conflict as refusal:
        flash(refusal.message, "warning")
    else:
        flash(f"{employer.name} 已暂停，其岗位已从公开页面下线，并将从各渠道撤下。", "success")
    return _back()


@bp.post("/employers/<id:employer_id>/reinstate")
@roles_required(Role.ADMIN)
def reinstate_employer_page(employer_id: int):
    employer = admin_employer(current_user, employer_id)
    try:
        with unit_of_work():
            reinstate_employer(employer, by=current_user)
    except Conflict as refusal:
        flash(refusal.message, "warning")
    else:
        flash(f"{employer.name} 已恢复，其招聘中的岗位将重新发布到各渠道。", "success")
    return _back()
