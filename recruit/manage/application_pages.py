"""The applications of one fair, for organizers in scope and admins, with the same decisions.

A thin door onto recruit.seekers.services, like the employer's booth list: fair_applications
(the whole fair, in scope), the audited gate for names and mobiles, decide() for 达成意向 and
不合适. The list refreshes itself (applications.js) and has a plain 刷新 link.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.errors import Conflict, Invalid, NotFound
from recruit.extensions import db
from recruit.fairs import queries
from recruit.fairs.models import Fair
from recruit.formatting import local_date, local_today
from recruit.forms import confirmation
from recruit.hires.contact import disclose_applicants
from recruit.manage.blueprint import bp, page_number
from recruit.manage.forms import ActionForm
from recruit.refdata.codes import PriorityGroup
from recruit.seekers import application_lists as lists
from recruit.seekers.models import ApplicationState
from recruit.seekers.services import NO_APPLICATION, decide, get_application
from recruit.uow import unit_of_work

#: Why the organizer's list shows names and mobiles (named in the audit log).
FAIR_APPLICANTS = "fair_applications"
#: Applications on one page of the list.
PER_PAGE = 50


def _listing(fair: Fair) -> dict:
    """Return what the list shows: one page of rows, their contacts (audited), the counts."""
    filters = lists.ApplicationFilters.from_args(request.args)
    # Showing names and mobiles is a disclosure: it is audited, so the page commits.
    with unit_of_work(keep_loaded=True):
        page = db.paginate(
            lists.listed(current_user, fair, filters),
            page=page_number(),
            per_page=PER_PAGE,
            error_out=False,
        )
        contacts = disclose_applicants(current_user, page.items, purpose=FAIR_APPLICANTS)
    args = filters.as_args()
    here = dict(args, page=page.page) if page.page > 1 else args
    return {
        "fair": fair,
        "page": page,
        "contacts": contacts,
        "filters": filters,
        "filter_args": args,
        "counts": lists.state_counts(current_user, fair, filters),
        "version": lists.fingerprint(current_user, fair, filters),
        "positions": lists.applied_positions(current_user, fair),
        "employers": lists.applied_employers(current_user, fair),
        "list_endpoint": "manage.applications",
        "page_url": url_for("manage.applications", fair_id=fair.id, **here),
        "rows_url": url_for("manage.applications_rows", fair_id=fair.id, **here),
        "decision_url": lambda application: url_for(
            "manage.application_decide", fair_id=fair.id, application_id=application.id
        ),
        "may_decide": True,
        "filter_labels": lists.FILTER_LABELS,
        "state_labels": lists.STATE_LABELS,
        "states": ApplicationState,
        "priority_groups": PriorityGroup,
        "today": local_date(local_today()),
        "action_form": ActionForm(),
    }


@bp.route("/fairs/<id:fair_id>/applications")
def applications(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    return render_template("manage/applications.html", **_listing(fair))


@bp.route("/fairs/<id:fair_id>/applications/rows")
def applications_rows(fair_id: int):
    """The list alone, for the page's script; 204 when nothing changed since `version`."""
    fair = queries.get_fair(current_user, fair_id)
    filters = lists.ApplicationFilters.from_args(request.args)
    if request.args.get("version") == lists.fingerprint(current_user, fair, filters):
        return "", 204
    return render_template("_applications.html", **_listing(fair))


def _back(fair: Fair, application) -> str:
    """Return the list the decision came from (only paths of this fair's list), at the row."""
    default = url_for("manage.applications", fair_id=fair.id)
    target = request.form.get("next") or ""
    if not target.startswith(default) or "//" in target or "\\" in target:
        target = default
    return f"{target}#application-{application.id}"


@bp.route("/fairs/<id:fair_id>/applications/<id:application_id>/decision", methods=["POST"])
def application_decide(fair_id: int, application_id: int):
    fair = queries.get_fair(current_user, fair_id)
    application = get_application(current_user, application_id)
    if application.fair_id != fair.id:
        raise NotFound(NO_APPLICATION)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = _back(fair, application)
    decision = request.form.get("decision") or ""
    name = application.seeker.name or "求职者"
    employer = application.position.employer.name
    if decision == "intent":
        asked = confirmation(
            f"确定代{employer}与{name}达成就业意向吗？达成后不能撤销，"
            "之后的录用、到岗请在意向名单中记录。",
            back=back,
        )
        if asked is not None:
            return asked
    try:
        with unit_of_work():
            decide(application, decision, by=current_user)
    except (Invalid, Conflict) as error:
        flash(f"{name}：{error.message}", "danger")
    else:
        flash(lists.decision_message(application, name, "意向名单"), "success")
    return redirect(back)
