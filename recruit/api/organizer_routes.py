"""Organizer operations inside the region scope: fairs, participations, booths, check-ins,
seeker tallies, tentative hires (single and bulk), closing, and reviews.

Every handler parses, calls the same service the organizer's pages call, and presents; the
services decide scope, limits and states, and their refusals answer 422/409/404/403 by type.
"""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from recruit.api.errors import ErrorSchema
from recruit.api.manage_schemas import (
    AddStaffParticipationSchema,
    BoothSchema,
    BulkHiresSchema,
    BulkResultSchema,
    CloseResultSchema,
    ContactSchema,
    EmployerChangeSchema,
    FairInputSchema,
    FairListArgs,
    FairUpdateSchema,
    FairWithMetricsSchema,
    HireCreateSchema,
    HirePageSchema,
    LateEntrySchema,
    OffersSchema,
    PendingEmployerChangePage,
    PendingEmployerPage,
    PendingPositionPage,
    RegionCorrectionSchema,
    ReviewedEmployerSchema,
    ReviewedPositionSchema,
    ReviewSchema,
    StaffFairPage,
    StaffFairSchema,
    StaffHireSchema,
    StaffParticipationSchema,
    StatusSchema,
    TallyInputSchema,
    TallySchema,
)
from recruit.api.schemas import PageArgsSchema, page_body
from recruit.api.security import api_user, secured_by
from recruit.auth.scope import STAFF
from recruit.employers.profile import get_change, pending_changes, review_change
from recruit.employers.review import pending_employers, review_employer
from recruit.employers.services import get_employer
from recruit.extensions import db
from recruit.fairs import lifecycle, onsite, participations, queries, summary
from recruit.fairs.models import FairStatus
from recruit.hires import contact, intents
from recruit.positions.review import pending_positions, review_position
from recruit.positions.services import get_position
from recruit.uow import transactional

blp = Blueprint(
    "api_manage",
    __name__,
    url_prefix="/api/v1/manage",
    description="组织者：招聘会、参会、展位、签到、入场计数、就业意向、闭会、审核（限本人辖区）",
)

secured = secured_by(blp, *STAFF)


def _paged(query, args):
    return page_body(
        db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    )


def _offers(items) -> dict[int, int]:
    return {item["position_id"]: item["openings"] for item in items}


# --- fairs ---------------------------------------------------------------------------


@blp.route("/fairs")
class Fairs(MethodView):
    @secured
    @blp.arguments(FairListArgs, location="query", unknown=RAISE)
    @blp.response(200, StaffFairPage)
    def get(self, args):
        """List the fairs in the caller's scope, newest first, with filters."""
        filters = queries.FairFilters(
            region=args.get("region"),
            type=args.get("type"),
            mode=args.get("mode"),
            status=args.get("status"),
            q=args.get("q"),
        )
        return _paged(queries.filter_fairs(api_user(), filters), args)

    @secured
    @blp.arguments(FairInputSchema)
    @blp.response(201, StaffFairSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data):
        """Create a fair (planned) in the caller's scope."""
        return lifecycle.create_fair(data, by=api_user())


@blp.route("/fairs/<id:fair_id>")
class FairItem(MethodView):
    @secured
    @blp.response(200, FairWithMetricsSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, fair_id):
        """Return a fair with its version and live metrics."""
        fair = queries.get_fair(api_user(), fair_id)
        fair.metrics = summary.fair_metrics(fair)
        return fair

    @secured
    @blp.arguments(FairUpdateSchema)
    @blp.response(200, StaffFairSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def put(self, data, fair_id):
        """Save an edit made on `version`; a stale version gets 409 and nothing changes."""
        fair = queries.get_fair(api_user(), fair_id)
        version = data.pop("version")
        return lifecycle.update_fair(fair, data, version=version, by=api_user())


@blp.route("/fairs/<id:fair_id>/status")
class FairStatusChange(MethodView):
    @secured
    @blp.arguments(StatusSchema)
    @blp.response(200, StaffFairSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, fair_id):
        """Open registration, stop it, start the fair or cancel it (with a reason)."""
        fair = queries.get_fair(api_user(), fair_id)
        status = FairStatus(data["status"])
        lifecycle.set_fair_status(fair, status, by=api_user(), reason=data["reason"])
        return fair


@blp.route("/fairs/<id:fair_id>/region")
class FairRegionCorrection(MethodView):
    @secured
    @blp.arguments(RegionCorrectionSchema)
    @blp.response(200, StaffFairSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, fair_id):
        """Correct the fair's region with a reason (admins only; also after closing; audited)."""
        fair = queries.get_fair(api_user(), fair_id)
        return lifecycle.correct_fair_region(
            fair, data["region_code"], reason=data["reason"], by=api_user()
        )


@blp.route("/fairs/<id:fair_id>/close")
class CloseFair(MethodView):
    @secured
    @blp.response(200, CloseResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, fair_id):
        """Close the fair: online → attended; offline not checked in → no_show."""
        return lifecycle.close_fair(queries.get_fair(api_user(), fair_id), by=api_user())


# --- participations ------------------------------------------------------------------------


@blp.route("/fairs/<id:fair_id>/participations")
class Participations(MethodView):
    @secured
    @blp.response(200, StaffParticipationSchema(many=True))
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, fair_id):
        """List the fair's participations (bounded by its booths)."""
        return participations.fair_participations(queries.get_fair(api_user(), fair_id))

    @secured
    @blp.arguments(AddStaffParticipationSchema)
    @blp.response(201, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, fair_id):
        """Add an approved employer of the caller's region, optionally with its positions."""
        fair = queries.get_fair(api_user(), fair_id)
        return participations.add_participation(
            fair, data["employer_id"], by=api_user(), offers=_offers(data["offers"])
        )


@blp.route("/participations/<id:participation_id>/review")
class ReviewParticipation(MethodView):
    @secured
    @blp.arguments(ReviewSchema)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, participation_id):
        """Approve or reject (with a reason) an employer's sign-up."""
        part = participations.get_participation(api_user(), participation_id)
        participations.review_participation(part, data["approve"], by=api_user(), note=data["note"])
        return part


@blp.route("/participations/<id:participation_id>/withdraw")
class WithdrawParticipation(MethodView):
    @secured
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, participation_id):
        """Take an employer off the fair (until it is closed); its booth is freed."""
        part = participations.get_participation(api_user(), participation_id)
        participations.withdraw_participation(part, by=api_user())
        return part


@blp.route("/participations/<id:participation_id>/booth")
class Booth(MethodView):
    @secured
    @blp.arguments(BoothSchema)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def put(self, data, participation_id):
        """Assign (or clear with null) a booth number, unique in the fair."""
        part = participations.get_participation(api_user(), participation_id)
        participations.assign_booth(part, data["booth"], by=api_user())
        return part


@blp.route("/participations/<id:participation_id>/positions")
class ParticipationPositions(MethodView):
    @secured
    @blp.arguments(OffersSchema)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def put(self, data, participation_id):
        """Set which positions the employer offers at the fair, with openings."""
        part = participations.get_participation(api_user(), participation_id)
        participations.set_fair_positions(part, _offers(data["offers"]), by=api_user())
        return part


@blp.route("/participations/<id:participation_id>/check-in")
class CheckIn(MethodView):
    @secured
    @blp.arguments(LateEntrySchema, required=False)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, participation_id):
        """Record that the employer arrived (time stamped now); after the day, a late entry."""
        part = participations.get_participation(api_user(), participation_id)
        onsite.check_in(part, by=api_user(), late_reason=(data or {}).get("late_reason"))
        return part

    @secured
    @blp.arguments(LateEntrySchema, required=False)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def delete(self, data, participation_id):
        """Take back a check-in tapped by mistake (before the fair is closed)."""
        part = participations.get_participation(api_user(), participation_id)
        onsite.undo_check_in(part, by=api_user(), late_reason=(data or {}).get("late_reason"))
        return part


@blp.route("/fairs/<id:fair_id>/tallies")
class Tallies(MethodView):
    @secured
    @blp.arguments(TallyInputSchema)
    @blp.response(201, TallySchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, fair_id):
        """Add seeker entries; a negative count is a correction and needs a reason."""
        fair = queries.get_fair(api_user(), fair_id)
        return onsite.add_tally(
            fair,
            data["count"],
            data["source"],
            by=api_user(),
            reason=data["reason"],
            late_reason=data["late_reason"],
        )


# --- tentative hires -------------------------------------------------------------------------


@blp.route("/fairs/<id:fair_id>/hires")
class Hires(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, HirePageSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, fair_id):
        """List the fair's tentative hires, phones and ID numbers masked."""
        return _paged(intents.fair_hires(queries.get_fair(api_user(), fair_id)), args)

    @secured
    @blp.arguments(HireCreateSchema)
    @blp.response(201, StaffHireSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, fair_id):
        """Register one tentative hire; a duplicate (same seeker, position and fair) is 409."""
        fair = queries.get_fair(api_user(), fair_id)
        seeker = intents.clean_seeker(data)
        return intents.register_intent(fair, seeker, by=api_user(), late_reason=data["late_reason"])


@blp.route("/fairs/<id:fair_id>/hires/bulk")
class BulkHires(MethodView):
    @secured
    @blp.arguments(BulkHiresSchema)
    @blp.response(201, BulkResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, fair_id):
        """Register many hires, all or nothing; errors name the item ("items.3")."""
        fair = queries.get_fair(api_user(), fair_id)
        return {"created": intents.register_intents(fair, data["items"], by=api_user())}


@blp.route("/hires/<id:hire_id>/contact")
class HireContact(MethodView):
    @secured
    @blp.response(200, ContactSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @transactional
    def get(self, hire_id):
        """Return one seeker's full phone and ID number; the disclosure is audited."""
        hire = intents.get_hire(api_user(), hire_id)
        return contact.disclose_contact(api_user(), hire, purpose="api")


# --- reviews ---------------------------------------------------------------------------------


@blp.route("/review/employers")
class PendingEmployers(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PendingEmployerPage)
    def get(self, args):
        """List employers waiting for review in the caller's scope."""
        return _paged(pending_employers(api_user()), args)


@blp.route("/employers/<id:employer_id>/review")
class ReviewEmployer(MethodView):
    @secured
    @blp.arguments(ReviewSchema)
    @blp.response(200, ReviewedEmployerSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, employer_id):
        """Approve or reject (with a reason the employer sees) a registration."""
        employer = get_employer(api_user(), employer_id)
        review_employer(employer, data["approve"], by=api_user(), note=data["note"])
        return employer


@blp.route("/review/employer-changes")
class PendingEmployerChanges(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PendingEmployerChangePage)
    def get(self, args):
        """List changes of employers' name, USCC or region waiting for review in the scope."""
        return _paged(pending_changes(api_user()), args)


@blp.route("/employer-changes/<id:change_id>/review")
class ReviewEmployerChange(MethodView):
    @secured
    @blp.arguments(ReviewSchema)
    @blp.response(200, EmployerChangeSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, change_id):
        """Approve a change (the new values become public) or reject it with a reason."""
        change = get_change(api_user(), change_id)
        review_change(change, data["approve"], by=api_user(), note=data["note"])
        return change


@blp.route("/review/positions")
class PendingPositions(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PendingPositionPage)
    def get(self, args):
        """List positions waiting for review in the caller's scope."""
        return _paged(pending_positions(api_user()), args)


@blp.route("/positions/<id:position_id>/review")
class ReviewPosition(MethodView):
    @secured
    @blp.arguments(ReviewSchema)
    @blp.response(200, ReviewedPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, position_id):
        """Publish a pending position, or send it back to draft with a reason."""
        position = get_position(api_user(), position_id)
        review_position(position, data["approve"], by=api_user(), note=data["note"])
        return position
