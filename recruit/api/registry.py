"""The API object and its blueprints: mounted on the app by the factory."""

from flask import Flask
from flask_smorest import Api

from recruit.api import (
    admin_routes,
    auth_routes,
    employer_routes,
    organizer_routes,
    public_routes,
    report_routes,
)
from recruit.api.errors import ErrorSchema
from recruit.converters import MAX_ID, IdConverter
from recruit.extensions import csrf


class RecruitApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Leave errors to the app's own handler: JSON under /api/, pages elsewhere."""


api = RecruitApi(
    spec_kwargs={
        "info": {
            "description": (
                "株洲市招聘会服务平台接口：招聘会、岗位、参会、入场计数、就业意向、报表与渠道同步。"
                "写操作需要 Bearer 令牌（POST /api/v1/auth/tokens 获取）。"
            )
        }
    }
)


def register_api(app: Flask) -> None:
    """Mount the API blueprints and exempt them from CSRF: they take bearer tokens only."""
    api.init_app(app)
    api.register_converter(
        IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "rk_…"}
    )
    modules = (
        auth_routes,
        public_routes,
        employer_routes,
        organizer_routes,
        report_routes,
        admin_routes,
    )
    for module in modules:
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
