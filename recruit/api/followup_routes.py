"""Follow-up (staff): the 待回访 list and each intent's dated history of steps.

Handlers parse, call recruit.hires.steps / callbacks with the token's user, and present; the
services decide scope, dates and states, and their refusals answer 422/409/404/403 by type.
"""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from recruit.api.errors import ErrorSchema
from recruit.api.followup_schemas import (
    CallbackArgs,
    CallbackPage,
    StepInputSchema,
    StepSchema,
    VoidInputSchema,
)
from recruit.api.security import api_user, secured_by
from recruit.auth.scope import STAFF
from recruit.hires import callbacks, intents, steps
from recruit.uow import transactional

blp = Blueprint(
    "api_followup",
    __name__,
    url_prefix="/api/v1/manage",
    description="回访：待回访名单、就业意向的结果记录（录用、到岗、在岗、离职……）与更正（限本人辖区）",
)

secured = secured_by(blp, *STAFF)


@blp.route("/callbacks")
class Callbacks(MethodView):
    @secured
    @blp.arguments(CallbackArgs, location="query", unknown=RAISE)
    @blp.response(200, CallbackPage)
    @blp.alt_response(422, schema=ErrorSchema)
    def get(self, args):
        """List the intents due a 30/90/180-day call-back in the caller's scope, untried first."""
        page = callbacks.callback_page(
            api_user(),
            page=args["page"],
            per_page=args["per_page"],
            milestone=args.get("milestone"),
            fair_id=args.get("fair_id"),
        )
        return {
            "items": page.items,
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }


@blp.route("/hires/<id:hire_id>/steps")
class HireSteps(MethodView):
    @secured
    @blp.response(200, StepSchema(many=True))
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, hire_id):
        """Return the intent's steps, oldest first, voided ones included."""
        return steps.history(intents.get_hire(api_user(), hire_id))

    @secured
    @blp.arguments(StepInputSchema)
    @blp.response(201, StepSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, hire_id):
        """Record a dated step (在岗满N天, 已离职, 联系不上 with its milestone …)."""
        hire = intents.get_hire(api_user(), hire_id)
        return steps.record_step(
            hire,
            data["step"],
            data["on"],
            by=api_user(),
            note=data["note"],
            milestone=data["milestone"],
        )


@blp.route("/hire-steps/<id:step_id>/void")
class StepVoid(MethodView):
    @secured
    @blp.arguments(VoidInputSchema)
    @blp.response(200, StepSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, step_id):
        """Void a step as a correction, with the reason ("更正：误录"); it no longer counts."""
        return steps.void_step(steps.get_step(api_user(), step_id), data["reason"], by=api_user())
