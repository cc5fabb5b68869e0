"""Shared pieces: screening, the credit rule, region scope, position status changes."""

from datetime import date, datetime, timedelta

import pytest

from recruit.audit.models import AuditLog
from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.auth.scope import in_scope, scope_region_codes
from recruit.errors import NotFound
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ
from recruit.positions.models import PositionStatus
from recruit.positions.screening import screen_text
from recruit.positions.services import expire_positions, get_position, set_position_status
from recruit.positions.signals import position_changed


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("普工，限男性，包吃住", "限男性"),
        ("文员，女性优先", "女性优先"),
        ("仅限汉族", "仅限汉族"),
        ("要求已婚已育", "已婚已育"),
        ("入职三年内不得生育", "三年内不得生育"),
        ("仅限本地户籍", "仅限本地户籍"),
        ("外地人勿扰", "外地人勿扰"),
    ],
)
def test_discriminatory_phrases_block_submission_with_the_phrase(text, phrase):
    flags = screen_text("岗位", text)
    assert flags and flags[0].blocks
    assert phrase in flags[0].phrase
    assert phrase in flags[0].message()


@pytest.mark.parametrize(("text", "phrase"), [("18-45岁", "18-45岁"), ("形象气质佳", "形象气质佳")])
def test_age_limits_and_looks_are_warnings_for_the_reviewer(text, phrase):
    flags = screen_text(text)
    assert [(f.level, f.phrase) for f in flags] == [("warn", phrase)]


@pytest.mark.parametrize("text", ["男女不限，有经验者优先", "女装设计师", "身体健康，能适应倒班"])
def test_ordinary_wording_passes_screening(text):
    assert screen_text(text) == []


def test_an_instance_rule_file_replaces_the_shipped_list(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    (tmp_path / "screening_rules.toml").write_text(
        '[[rule]]\nlevel = "block"\ncategory = "测试"\nlaw = "测试"\npatterns = ["禁用词"]\n',
        encoding="utf-8",
    )
    assert [f.phrase for f in screen_text("含禁用词，限男性")] == ["禁用词"]


def _no_show(db, make_fair, employer, day):
    fair = make_fair(day=day, status=FairStatus.CLOSED)
    db.session.add(Participation(fair=fair, employer=employer, status=ParticipationStatus.NO_SHOW))
    db.session.flush()


def test_two_no_shows_within_a_year_block_signup_for_ninety_days(db, make_fair, make_employer):
    employer = make_employer()
    today = date(2026, 6, 1)
    _no_show(db, make_fair, employer, date(2025, 9, 1))
    assert signup_blocked_until(employer, today) is None
    _no_show(db, make_fair, employer, date(2026, 5, 10))
    assert signup_blocked_until(employer, today) == date(2026, 5, 10) + timedelta(days=90)
    assert signup_blocked_until(employer, date(2026, 8, 9)) is None


def test_no_shows_older_than_the_window_do_not_count(db, make_fair, make_employer):
    employer = make_employer()
    _no_show(db, make_fair, employer, date(2024, 1, 10))
    _no_show(db, make_fair, employer, date(2025, 1, 10))
    assert signup_blocked_until(employer, date(2026, 3, 1)) is None


def test_credit_rule_numbers_are_settings(app, db, make_fair, make_employer, monkeypatch):
    monkeypatch.setitem(app.config, "NO_SHOW_LIMIT", 1)
    monkeypatch.setitem(app.config, "NO_SHOW_BLOCK_DAYS", 30)
    employer = make_employer()
    _no_show(db, make_fair, employer, date(2026, 5, 10))
    assert signup_blocked_until(employer, date(2026, 5, 20)) == date(2026, 6, 9)


def test_organizer_scope_is_its_region_and_below(make_user):
    liling = make_user(Role.ORGANIZER, region_code="430281")
    city = make_user(Role.ORGANIZER, region_code="430200")
    assert scope_region_codes(liling) == ["430281"]
    assert in_scope(city, "430281") and in_scope(city, "430211")
    assert not in_scope(liling, "430211")
    assert scope_region_codes(make_user(Role.ADMIN)) is None
    assert scope_region_codes(make_user(Role.EMPLOYER)) == []


def test_status_changes_are_audited_and_announced(db, make_position):
    position = make_position(status=PositionStatus.PENDING, published_at=None)
    heard = []

    def listener(sender, reason):
        heard.append((sender, reason))

    with position_changed.connected_to(listener):
        set_position_status(position, PositionStatus.OPEN, by=system("tests"))
        # No change, no signal.
        set_position_status(position, PositionStatus.OPEN, by=system("tests"))
    assert heard == [(position, "open")]
    assert position.published_at is not None
    entry = db.session.query(AuditLog).filter_by(action="position.open").one()
    assert entry.summary == {"status": ["pending", "open"]}


def test_positions_past_valid_until_expire(db, make_position):
    today = date(2026, 6, 1)
    overdue = make_position(valid_until=today - timedelta(days=1))
    current = make_position(valid_until=today)
    closed = make_position(valid_until=today - timedelta(days=5), status=PositionStatus.CLOSED)
    assert expire_positions(today, by=system("jobs.expire_positions")) == 1
    assert overdue.status is PositionStatus.EXPIRED
    assert current.status is PositionStatus.OPEN
    assert closed.status is PositionStatus.CLOSED


def test_local_midnight_edges_use_shanghai_time(db, make_fair, make_employer):
    # A no-show at a fair starting 00:30 Shanghai on the window's first day still counts.
    employer = make_employer()
    today = date(2026, 6, 1)
    first_day = today - timedelta(days=365)
    fair = make_fair(
        starts_at=datetime(first_day.year, first_day.month, first_day.day, 0, 30, tzinfo=LOCAL_TZ),
        ends_at=datetime(first_day.year, first_day.month, first_day.day, 3, 0, tzinfo=LOCAL_TZ),
        status=FairStatus.CLOSED,
    )
    db.session.add(Participation(fair=fair, employer=employer, status=ParticipationStatus.NO_SHOW))
    _no_show(db, make_fair, employer, date(2026, 5, 1))
    assert signup_blocked_until(employer, today) == date(2026, 7, 30)


def test_a_position_is_reached_by_its_employer_and_by_staff_of_its_region(make_user, make_position):
    position = make_position(work_region_code="430211")
    reaching = [
        make_user(Role.EMPLOYER, employer=position.employer),
        make_user(Role.ORGANIZER, region_code="430200"),
        make_user(Role.ADMIN),
        system("tests"),
    ]
    for actor in reaching:
        assert get_position(actor, position.id) is position
    for actor in (
        make_user(Role.EMPLOYER),
        make_user(Role.ORGANIZER, region_code="430281"),
        make_user(Role.VIEWER),
    ):
        with pytest.raises(NotFound):
            get_position(actor, position.id)
    with pytest.raises(NotFound):
        get_position(system("tests"), position.id + 1000)


def test_expiry_reaches_only_the_actors_region(db, make_position, make_employer, make_user):
    today = date(2026, 6, 1)
    liling = make_position(
        employer=make_employer(region_code="430281"), valid_until=today - timedelta(days=1)
    )
    tianyuan = make_position(valid_until=today - timedelta(days=1))
    assert expire_positions(today, by=make_user(Role.ORGANIZER, region_code="430281")) == 1
    assert liling.status is PositionStatus.EXPIRED
    assert tianyuan.status is PositionStatus.OPEN
