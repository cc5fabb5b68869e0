"""Fixtures: the app on a migrated database, one rolled-back transaction per test, factories.

The database is SQLite (a file in a temporary folder) unless TEST_DATABASE_URL names another;
`make test` runs the suite once on each. REQUIRE_POSTGRES=1 turns an unreachable PostgreSQL
into a failure instead of a skip.
"""

import itertools
import os
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from recruit import create_app
from recruit.auth.models import EmployerRole, Role, User
from recruit.auth.tokens import create_token
from recruit.channels.services import seed_channels
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db as _db
from recruit.fairs.models import Fair, FairStatus
from recruit.formatting import LOCAL_TZ
from recruit.positions.models import ENDED_STATUSES, PUBLIC_STATUSES, Position, PositionStatus
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import load_refdata
from recruit.validators import uscc_check_char

TEST_PASSWORD = "test-pass-123"


def _reset_database(url: str) -> None:
    """Drop every table in a non-SQLite test database so the migrations start from nothing."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            else:
                meta = sa.MetaData()
                meta.reflect(conn)
                meta.drop_all(conn)
    except sa.exc.OperationalError as error:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"test database unreachable: {error}")
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        SERVER_NAME=None,
    )
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        load_refdata()
        seed_channels()
        _db.session.commit()
        _db.session.remove()
    yield app
    with app.app_context():
        # Close pooled connections, or the driver warns about them at exit.
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(request, app):
    """Run each test inside one transaction that is rolled back at the end.

    Commits made by the code under test release SAVEPOINTs inside that transaction.
    """
    if "browser" in request.keywords or "ownsdb" in request.keywords:
        # Browser tests talk to a live server with a database of its own; "ownsdb" tests make
        # their own file database and commit for real.
        yield None
        return
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = so.scoped_session(
            so.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            if transaction.is_active:
                transaction.rollback()
            connection.close()


class IsolatedClient(FlaskClient):
    """A test client whose requests start with an empty `g`.

    Each test runs inside one pushed app context, which Flask reuses for the requests made in
    it; without this, values cached in `g` (Flask-Login's current user) would carry over from
    one request, or one client, to the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_serial = itertools.count(1)


@pytest.fixture
def make_employer(db):
    """Return a factory of approved employers with valid, unique USCCs."""

    def factory(**kwargs) -> Employer:
        n = next(_serial)
        region = kwargs.pop("region_code", "430211")
        body = f"91{region}MA4T{n:05d}"
        values = dict(
            name=f"测试企业{n}有限公司",
            uscc=body + uscc_check_char(body),
            region_code=region,
            industry_section="C",
            status=EmployerStatus.APPROVED,
        )
        values.update(kwargs)
        employer = Employer(**values)
        db.session.add(employer)
        db.session.flush()
        return employer

    return factory


@pytest.fixture
def make_position(db, make_employer):
    """Return a factory of open positions."""

    def factory(**kwargs) -> Position:
        employer = kwargs.pop("employer", None) or make_employer()
        values = dict(
            employer=employer,
            title="普工",
            occupation_major_group=6,
            openings=5,
            salary_min=4000,
            salary_max=6000,
            work_region_code=employer.region_code,
            valid_until=date.today() + timedelta(days=60),
            status=PositionStatus.OPEN,
        )
        values.update(kwargs)
        if values["status"] in (PUBLIC_STATUSES + ENDED_STATUSES):
            # It was published once, as every open (or since ended) position has been.
            values.setdefault("published_at", utcnow())
        position = Position(**values)
        db.session.add(position)
        db.session.flush()
        return position

    return factory


@pytest.fixture
def make_fair(db):
    """Return a factory of fairs; `day` is the local date it starts on (09:00–12:00).

    live=True makes a fair under way now (started an hour ago, ending in three), whose day's
    records (check-ins, seeker counts, intents) are open whatever the time the tests run.
    """

    def factory(day: date | None = None, *, live: bool = False, **kwargs) -> Fair:
        day = day or date.today() + timedelta(days=7)
        start = datetime(day.year, day.month, day.day, 9, tzinfo=LOCAL_TZ)
        if live:
            start = utcnow() - timedelta(hours=1)
            kwargs.setdefault("ends_at", start + timedelta(hours=4))
        values = dict(
            title=f"测试招聘会{next(_serial)}",
            type=FairType.COMPREHENSIVE,
            mode=FairMode.OFFLINE,
            region_code="430211",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            organizer_unit="株洲市公共就业服务中心",
            status=FairStatus.PLANNED,
        )
        values.update(kwargs)
        fair = Fair(**values)
        db.session.add(fair)
        db.session.flush()
        return fair

    return factory


@pytest.fixture
def make_user(db, make_employer):
    """Return a factory of users of a role, with the password TEST_PASSWORD."""

    def factory(role: Role | str = Role.ADMIN, **kwargs) -> User:
        role = Role(role)
        values = dict(username=f"user{next(_serial)}", role=role)
        if role is Role.ORGANIZER:
            values["region_code"] = "430200"
        if role is Role.EMPLOYER and "employer" not in kwargs:
            values["employer"] = make_employer()
        if role is Role.EMPLOYER:
            values["employer_role"] = EmployerRole.ADMIN
        values.update(kwargs)
        user = User(**values)
        user.set_password(TEST_PASSWORD)
        db.session.add(user)
        db.session.flush()
        return user

    return factory


@pytest.fixture
def bearer(db):
    """Return a factory: user → Authorization header with a fresh API token."""

    def factory(user) -> dict[str, str]:
        _token, secret = create_token(user, "test")
        db.session.flush()
        return {"Authorization": f"Bearer {secret}"}

    return factory


@pytest.fixture
def login_as(client):
    """Sign a user in through the real sign-in form."""

    def login(user: User, password: str = TEST_PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return login
