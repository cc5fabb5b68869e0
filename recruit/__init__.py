"""recruit: job fairs, positions, tentative hires and the weekly channel sync."""

import logging
import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, render_template

from config import CONFIGS, INSTANCE_DIR

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
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from recruit import models  # noqa: F401  (every model must be known to Alembic)
    from recruit.extensions import bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)

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
    cursor.close()
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that
    # SAVEPOINTs and all-or-nothing imports behave as on PostgreSQL.
    dbapi_connection.isolation_level = None


def _sqlite_on_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def register_blueprints(app: Flask) -> None:
    """Mount every domain's blueprint."""
    from recruit.auth import bp as auth_bp
    from recruit.manage import bp as manage_bp
    from recruit.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(manage_bp)


def register_errorhandlers(app: Flask) -> None:
    """Render friendly Chinese pages for the HTTP errors a user can meet."""

    def render_error(error):
        code = getattr(error, "code", 500)
        return render_template(f"errors/{code}.html"), code

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, render_error)


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
    from recruit.auth.commands import users_cli
    from recruit.demo.commands import demo_cli
    from recruit.refdata.commands import refdata_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(refdata_cli)
    app.cli.add_command(demo_cli)
