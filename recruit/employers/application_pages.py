"""The employer at the booth: the applications to its positions at a fair, and its decisions.

A thin door onto recruit.seekers.services: the list is that service's fair_applications (own
positions only), the names and mobiles come through the audited gate, and 达成意向 / 不合适 are
its decide(). The list refreshes itself (applications.js polls a fragment) and has a plain
刷新 link for phones without scripts.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.employers.forms import ActionForm
from recruit.employers.portal import _require_button, bp
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.fairs.queries import get_fair_for_employer
from recruit.formatting import local_date, local_today
from recruit.forms import confirmation
from recruit.hires.contact import disclose_applicants
from recruit.refdata.codes import PriorityGroup
from recruit.seekers import application_lists as lists
from recruit.seekers.models import ApplicationState
from recruit.seekers.services import decide, get_application, require_applications_access
from recruit.uow import unit_of_work

#: Why the booth list shows names and mobiles (named in the audit log).
AT_THE_BOOTH = "booth_applicants"
#: Applications on one page of the list.
PER_PAGE = 50


def _fair(fair_id: int) -> Fair:
    """Return a fair the signed-in employer signed up for, else NotFound."""
    fair = get_fair_for_employer(current_user, fair_id)
    require_applications_access(current_user, fair)
    return fair


def _listing(fair: Fair) -> dict:
    """Return what the list shows: one page of rows, their contacts (audited), the counts."""
    filters = lists.ApplicationFilters.from_args(request.args)
    # Showing names and mobiles is a disclosure: it is audited, so the page commits.
    with unit_of_work(keep_loaded=True):
        page = db.paginate(
            lists.listed(current_user, fair, filters), per_page=PER_PAGE, error_out=False
        )
        contacts = disclose_applicants(current_user, page.items, purpose=AT_THE_BOOTH)
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
        "employers": [],
        "list_endpoint": "employer.applications",
        "page_url": url_for("employer.applications", fair_id=fair.id, **here),
        "rows_url": url_for("employer.applications_rows", fair_id=fair.id, **here),
        "decision_url": lambda application: url_for(
            "employer.application_decide", application_id=application.id
        ),
        "may_decide": current_user.may_write_for_employer,
        "filter_labels": lists.FILTER_LABELS,
        "state_labels": lists.STATE_LABELS,
        "states": ApplicationState,
        "priority_groups": PriorityGroup,
        "today": local_date(local_today()),
        "action_form": ActionForm(),
    }


@bp.route("/fairs/<id:fair_id>/applications")
def applications(fair_id: int):
    return render_template("employer/applications.html", **_listing(_fair(fair_id)))


@bp.route("/fairs/<id:fair_id>/applications/rows")
def applications_rows(fair_id: int):
    """The list alone, for the page's script; 204 when nothing changed since `version`."""
    fair = _fair(fair_id)
    filters = lists.ApplicationFilters.from_args(request.args)
    if request.args.get("version") == lists.fingerprint(current_user, fair, filters):
        return "", 204
    return render_template("_applications.html", **_listing(fair))


def _back(application) -> str:
    """Return the list the decision came from (only paths of this fair's list), at the row."""
    default = url_for("employer.applications", fair_id=application.fair_id)
    target = request.form.get("next") or ""
    if not target.startswith(default) or "//" in target or "\\" in target:
        target = default
    return f"{target}#application-{application.id}"


@bp.route("/applications/<id:application_id>/decision", methods=["POST"])
def application_decide(application_id: int):
    application = get_application(current_user, application_id)
    _require_button()
    back = _back(application)
    decision = request.form.get("decision") or ""
    name = application.seeker.name or "求职者"
    if decision == "intent":
        asked = confirmation(
            f"确定与{name}达成就业意向吗？达成后不能撤销，之后的录用、到岗请在意向结果中记录。",
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
        flash(lists.decision_message(application, name, "意向结果"), "success")
    return redirect(back)
