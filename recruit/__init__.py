"""recruit: job fairs, positions, tentative hires and the weekly channel sync."""

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, flash, redirect, render_template, request, url_for

from config import CONFIGS, INSTANCE_DIR
from recruit.converters import IdConverter
from recruit.security import init_security

ROOT_DIR = Path(__file__).resolve().parent.parent


def create_app(config: object | str | None = None, **overrides) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
        instance_relative_config=True,
    )
    if config is None:
        config = os.environ.get("RECRUIT_ENV", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    if isinstance(config, type):
        config = config()
    app.config.from_object(config)
    app.config.update(overrides)
    app.url_map.converters["id"] = IdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    init_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    if app.config.get("EMBED_SCHEDULER") and not app.testing:
        from jobs import start_embedded  # `make run` only; gunicorn and wsgi.py never set it

        start_embedded(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from recruit import models  # noqa: F401  (every model must be known to Alembic)
    from recruit.auth.actors import Visitor
    from recruit.extensions import bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)

    login_manager.anonymous_user = Visitor
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_on_connect)
            sa.event.listen(db.engine, "begin", _sqlite_on_begin)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and the tests must hold on both databases.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL: readers never block the writer (web + scheduler processes), and a commit is not an
    # fsync, so the sync's one-item transactions stay cheap; the file stays consistent.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that
    # SAVEPOINTs and all-or-nothing imports behave as on PostgreSQL.
    dbapi_connection.isolation_level = None


def _sqlite_on_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def register_blueprints(app: Flask) -> None:
    """Mount every domain's blueprint."""
    from recruit.admin import employers as _admin_employers  # noqa: F401  (views on admin_bp)
    from recruit.admin import users as _admin_users  # noqa: F401  (its views join admin's bp)
    from recruit.admin.routes import bp as admin_bp
    from recruit.api.registry import register_api
    from recruit.auth.routes import bp as auth_bp
    from recruit.channels.routes import bp as channels_bp
    from recruit.employers import application_pages as _applications  # noqa: F401  (employer_bp)
    from recruit.employers.portal import bp as employer_bp
    from recruit.employers.routes import bp as employers_bp
    from recruit.employers.team_pages import invitations_bp  # its views also join employer_bp
    from recruit.manage.routes import bp as manage_bp
    from recruit.notify.routes import bp as notify_bp
    from recruit.public.fairs import bp as fairs_bp
    from recruit.public.positions import bp as positions_bp
    from recruit.public.routes import bp as public_bp
    from recruit.reports import shortage_pages as _shortage  # noqa: F401  (views on reports_bp)
    from recruit.reports.routes import bp as reports_bp
    from recruit.seekers.seeker_pages import bp as seekers_bp
    from recruit.sync import init_app as init_sync
    from recruit.sync.feeds import bp as feeds_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(employers_bp)
    app.register_blueprint(employer_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(fairs_bp)
    app.register_blueprint(positions_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(channels_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(seekers_bp)
    init_sync(app)
    register_api(app)


def register_errorhandlers(app: Flask) -> None:
    """Answer every HTTP error and service refusal: JSON under /api/, a Chinese page elsewhere."""
    from flask_login import current_user
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException, SecurityError

    from recruit.api.errors import ERROR_CODES, api_error_response, service_error_response
    from recruit.errors import Forbidden, NotFound, ReauthenticationRequired, ServiceError
    from recruit.extensions import db
    from recruit.forms import keep_typed

    pages = {400, 403, 404, 405, 413, 500}

    def handle_http_error(error: HTTPException):
        if isinstance(error, SecurityError):
            # An untrusted Host header: no URLs can be built for it, so no page either.
            return "请求的主机名不受信任。", 400, {"Content-Type": "text/plain; charset=utf-8"}
        if request.path.startswith("/api/"):
            return api_error_response(error)
        code = error.code or 500
        if code in pages:
            return render_template(f"errors/{code}.html"), code
        message = ERROR_CODES.get(code, ("", "请求未能完成。"))[1]
        return render_template("errors/generic.html", code=code, message=message), code

    def handle_service_error(error: ServiceError):
        """A refusal no handler presented itself: the same answer on every page and API call."""
        db.session.rollback()
        if request.path.startswith("/api/"):
            return service_error_response(error)
        if isinstance(error, ReauthenticationRequired):
            flash(error.message, "warning")
            return redirect(url_for("auth.reauth", next=request.full_path))
        if isinstance(error, NotFound):
            return render_template("errors/404.html"), 404
        if isinstance(error, Forbidden):
            return render_template("errors/403.html"), 403
        if request.method == "GET":
            return render_template(
                "errors/generic.html", code=error.status, message=error.message
            ), error.status
        flash(error.message, "danger")
        return redirect(_back_url())

    def handle_expired_token(error: CSRFError):
        """A form posted with an expired token: keep what was typed, ask to send it again."""
        if request.path.startswith("/api/") or request.method != "POST":
            return handle_http_error(error)
        rule = request.url_rule
        if rule is None or "GET" not in rule.methods or not keep_typed():
            return handle_http_error(error)
        flash(
            "页面停留太久或登录已过期，刚才的提交没有执行。您填写的内容已保留，请核对后再提交。",
            "warning",
        )
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        return redirect(request.path)

    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_expired_token)
    app.register_error_handler(ServiceError, handle_service_error)


def _back_url() -> str:
    """Return where a refused action goes back to: the page it came from, on this site only."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("public.home")


def register_template_helpers(app: Flask) -> None:
    """Expose code-list labels and formatting filters to templates."""
    from recruit import formatting
    from recruit.navigation import nav_items
    from recruit.refdata import codes

    app.jinja_env.filters["local_dt"] = formatting.local_datetime
    app.jinja_env.filters["local_date"] = formatting.local_date
    app.jinja_env.filters["local_span"] = formatting.local_span
    app.jinja_env.filters["bureau_number"] = formatting.bureau_number
    app.jinja_env.globals["codes"] = codes
    app.jinja_env.globals["nav_items"] = nav_items


def register_commands(app: Flask) -> None:
    """Attach the flask CLI groups of each domain."""
    from flask_migrate.cli import db as db_group

    from jobs.commands import jobs_cli
    from recruit import backup_commands
    from recruit.auth.commands import users_cli
    from recruit.channels.commands import channels_cli
    from recruit.demo.commands import demo_cli
    from recruit.hires.commands import keys_cli, pii_cli
    from recruit.notify.commands import notify_cli
    from recruit.refdata.commands import refdata_cli
    from recruit.reports.commands import report_cli
    from recruit.seekers.commands import seekers_cli
    from recruit.sync.commands import sandbox_command, sync_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(refdata_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(report_cli)
    backup_commands.register(db_group)
    app.cli.add_command(channels_cli)
    app.cli.add_command(sync_cli)
    app.cli.add_command(sandbox_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(pii_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(seekers_cli)
