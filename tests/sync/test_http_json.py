"""The weekly sync to an http_json channel, over real HTTP to the reference receiver."""

import json
import time

import sqlalchemy as sa

from recruit.channels.models import Channel, ChannelPosting, Desired, PostingState, SyncStatus
from recruit.employers.models import EmployerStatus
from recruit.employers.signals import employer_changed
from recruit.extensions import db as DB
from recruit.positions.models import PositionStatus
from recruit.positions.services import set_position_status
from recruit.positions.signals import position_changed
from recruit.sync.delivery import document_of
from recruit.sync.services import run_channel_sync
from tests.sync.conftest import ACTOR, TOKEN


def open_positions(make_position, n, **kwargs):
    """Publish n positions the way the product does: through set_position_status."""
    positions = []
    for i in range(n):
        position = make_position(status=PositionStatus.PENDING, title=f"数控车工{i}", **kwargs)
        set_position_status(position, PositionStatus.OPEN, by=ACTOR)
        positions.append(position)
    return positions


def revise(db, position, **changes):
    """Edit fields the document carries, bump the revision and announce it."""
    for key, value in changes.items():
        setattr(position, key, value)
    position.revision += 1
    db.session.flush()
    position_changed.send(position, reason="revised")


def key_of(position, revision=None) -> str:
    """Return the Idempotency-Key the product sends for a position's current document."""
    revision = position.revision if revision is None else revision
    return f"{position.ref}:{revision}:{sandbox_hash(position)[:16]}"


def sandbox_hash(position) -> str:
    channel = db_channel()
    return document_of(channel, position)[1]


def db_channel():
    return DB.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))


def said(run, text: str) -> bool:
    """Whether the run's journal has a message with this text."""
    return any(text in entry["message"] for entry in run.errors)


def row_of(db, channel, position) -> ChannelPosting:
    return db.session.scalar(
        sa.select(ChannelPosting).where(
            ChannelPosting.channel_id == channel.id, ChannelPosting.position_id == position.id
        )
    )


def test_first_sync_puts_every_open_position_with_protocol_headers(
    db, channel, sandbox, make_position
):
    positions = open_positions(make_position, 3)
    draft = make_position(status=PositionStatus.DRAFT)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.COMPLETED
    assert (run.created, run.updated, run.withdrawn, run.failed) == (3, 0, 0, 0)
    held = sandbox.state.postings
    assert set(held) == {p.ref for p in positions}
    assert draft.ref not in held
    puts = sandbox.state.writes("PUT")
    assert sorted(r["key"] for r in puts) == sorted(key_of(p, 1) for p in positions)
    document = held[positions[0].ref]["document"]
    assert document["title"] == "数控车工0"
    assert document["salary"] == {"min": 4000, "max": 6000, "unit": "MONTH", "currency": "CNY"}
    assert document["url"].endswith(f"/positions/{positions[0].id}")
    assert document["employer"]["uscc"] == positions[0].employer.uscc
    row = row_of(db, channel, positions[0])
    assert row.state is PostingState.SYNCED
    assert row.delivered_revision == 1
    assert row.remote_id == held[positions[0].ref]["id"]


def test_document_is_utf8_json_with_chinese_unescaped(db, channel, sandbox, make_position):
    bodies = []
    original = sandbox.RequestHandlerClass._read_body

    def capture(handler):
        body = original(handler)
        bodies.append((handler.headers.get("Content-Type"), body))
        return body

    sandbox.RequestHandlerClass._read_body = capture
    try:
        open_positions(make_position, 1)
        run_channel_sync(channel, by=ACTOR)
    finally:
        sandbox.RequestHandlerClass._read_body = original
    content_type, body = bodies[0]
    assert content_type == "application/json; charset=utf-8"
    assert "数控车工0".encode() in body
    assert json.loads(body)["openings"] == 5


def test_second_sync_with_nothing_changed_sends_no_request(db, channel, sandbox, make_position):
    open_positions(make_position, 3)
    run_channel_sync(channel, by=ACTOR)
    before = len(sandbox.state.requests)

    run = run_channel_sync(channel, by=ACTOR)

    assert len(sandbox.state.requests) == before
    assert run.status is SyncStatus.COMPLETED
    assert (run.created, run.updated, run.withdrawn) == (0, 0, 0)


def test_forced_sync_with_nothing_changed_checks_hashes_and_sends_nothing(
    db, channel, sandbox, make_position
):
    open_positions(make_position, 3)
    run_channel_sync(channel, by=ACTOR)
    before = len(sandbox.state.requests)

    run = run_channel_sync(channel, force=True, by=ACTOR)

    assert len(sandbox.state.requests) == before
    assert run.unchanged == 3


def test_an_edit_sends_one_put_with_the_new_revision(db, channel, sandbox, make_position):
    first, _second = open_positions(make_position, 2)
    run_channel_sync(channel, by=ACTOR)
    sandbox.state.requests.clear()

    revise(db, first, title="高级数控车工", openings=8)
    run = run_channel_sync(channel, by=ACTOR)

    puts = sandbox.state.writes()
    assert [(r["method"], r["ref"], r["key"]) for r in puts] == [
        ("PUT", first.ref, key_of(first, 2))
    ]
    assert run.updated == 1
    assert sandbox.state.postings[first.ref]["document"]["openings"] == 8
    assert row_of(db, channel, first).delivered_revision == 2


def test_closing_sends_one_delete(db, channel, sandbox, make_position):
    first, second = open_positions(make_position, 2)
    run_channel_sync(channel, by=ACTOR)
    sandbox.state.requests.clear()

    set_position_status(first, PositionStatus.CLOSED, by=ACTOR)
    assert row_of(db, channel, first).desired is Desired.WITHDRAWN
    run = run_channel_sync(channel, by=ACTOR)

    assert [(r["method"], r["ref"]) for r in sandbox.state.writes()] == [("DELETE", first.ref)]
    assert set(sandbox.state.postings) == {second.ref}
    assert run.withdrawn == 1
    assert row_of(db, channel, first).state is PostingState.WITHDRAWN


def test_delete_answered_404_counts_as_withdrawn(db, channel, sandbox, make_position):
    (position,) = open_positions(make_position, 1)
    run_channel_sync(channel, by=ACTOR)
    sandbox.state.postings.clear()  # the portal dropped it on its own

    set_position_status(position, PositionStatus.FILLED, by=ACTOR)
    run = run_channel_sync(channel, by=ACTOR)

    assert sandbox.state.writes("DELETE")[-1]["status"] == 404
    assert run.withdrawn == 1 and run.failed == 0
    assert row_of(db, channel, position).state is PostingState.WITHDRAWN


def test_429_waits_for_retry_after_then_succeeds(db, channel, sandbox, make_position):
    (position,) = open_positions(make_position, 1)
    sandbox.state.script(method="PUT", status=429, headers={"Retry-After": "1"})

    started = time.monotonic()
    run = run_channel_sync(channel, by=ACTOR)

    assert time.monotonic() - started >= 1.0
    assert run.status is SyncStatus.COMPLETED and run.created == 1
    assert [r["status"] for r in sandbox.state.writes()] == [429, 201]


def test_retry_after_beyond_60_seconds_stops_the_channel_and_keeps_items_pending(
    db, channel, sandbox, make_position
):
    channel.concurrency = 1  # nothing else in flight: the stop is the only request
    positions = open_positions(make_position, 3)
    sandbox.state.script(method="PUT", status=503, headers={"Retry-After": "120"})

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.STOPPED
    assert said(run, "超过 60 秒")
    assert len(sandbox.state.writes()) == 1
    assert all(row_of(db, channel, p).state is PostingState.PENDING for p in positions)
    assert run.skipped == 3


def test_5xx_is_retried_with_backoff_then_succeeds(db, channel, sandbox, make_position):
    (position,) = open_positions(make_position, 1)
    sandbox.state.script(method="PUT", status=502, times=2)

    run = run_channel_sync(channel, by=ACTOR)

    assert [r["status"] for r in sandbox.state.writes()] == [502, 502, 201]
    assert run.created == 1 and run.failed == 0
    assert position.ref in sandbox.state.postings


def test_timeouts_and_dropped_connections_count_as_tries(
    app, db, channel, sandbox, make_position, monkeypatch
):
    monkeypatch.setitem(app.config, "SYNC_READ_TIMEOUT", 0.2)
    (position,) = open_positions(make_position, 1)
    sandbox.state.script(method="PUT", status=200, delay=0.5)
    sandbox.state.script(method="PUT", drop=True)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.created == 1
    assert position.ref in sandbox.state.postings


def test_item_failing_three_tries_stays_pending_with_its_error(db, channel, sandbox, make_position):
    (position,) = open_positions(make_position, 1)
    sandbox.state.script(method="PUT", status=500, times=3)

    run = run_channel_sync(channel, by=ACTOR)

    row = row_of(db, channel, position)
    assert row.state is PostingState.PENDING
    assert "HTTP 500" in row.last_error and row.attempts == 1
    # The run went on and says the item is still to go.
    assert run.failed == 1 and run.status is SyncStatus.INCOMPLETE and run.pending == 1
    # The next run delivers it.
    assert run_channel_sync(channel, by=ACTOR).created == 1


def test_422_is_kept_as_failed_until_the_position_changes(db, channel, sandbox, make_position):
    (position,) = open_positions(make_position, 1)
    sandbox.state.script(method="PUT", status=422, body={"message": "薪资下限低于本市最低工资标准"})

    run = run_channel_sync(channel, by=ACTOR)
    row = row_of(db, channel, position)
    assert row.state is PostingState.FAILED
    assert row.last_error == "HTTP 422：薪资下限低于本市最低工资标准"
    assert run.failed == 1 and run.errors[-1]["ref"] == position.ref

    sandbox.state.requests.clear()
    again = run_channel_sync(channel, by=ACTOR)
    assert sandbox.state.writes() == []
    assert again.skipped == 1
    assert row_of(db, channel, position).state is PostingState.FAILED

    revise(db, position, salary_min=2200)
    assert row_of(db, channel, position).state is PostingState.PENDING
    fixed = run_channel_sync(channel, by=ACTOR)
    assert fixed.created == 1
    assert sandbox.state.writes()[-1]["key"] == key_of(position, 2)


def test_401_stops_the_channel_at_once(db, channel, sandbox, make_position, monkeypatch):
    channel.concurrency = 4
    positions = open_positions(make_position, 20)
    monkeypatch.setenv(channel.token_env, "wrong-token")

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.STOPPED
    assert said(run, "认证失败（HTTP 401）")
    # Only what was already in flight reached the portal; nothing was sent after the 401.
    assert 1 <= len(sandbox.state.requests) <= 4 and run.skipped >= 16
    assert all(row_of(db, channel, p).state is PostingState.PENDING for p in positions)
    monkeypatch.setenv(channel.token_env, TOKEN)
    assert run_channel_sync(channel, by=ACTOR).created == 20


def test_missing_token_stops_the_channel_without_a_request(
    db, channel, sandbox, make_position, monkeypatch
):
    open_positions(make_position, 1)
    monkeypatch.delenv(channel.token_env)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.STOPPED
    assert said(run, "未配置令牌")
    assert sandbox.state.requests == []


def test_five_failed_items_in_a_row_open_the_circuit(db, channel, sandbox, make_position):
    channel.concurrency = 1  # one request at a time: the numbers below are exact
    positions = open_positions(make_position, 8)
    sandbox.state.script(method="PUT", status=500, times=1000)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.STOPPED
    assert said(run, "熔断")
    assert len(sandbox.state.writes()) == 5 * 3
    assert run.failed == 5 and run.skipped == 3
    assert all(row_of(db, channel, p).state is PostingState.PENDING for p in positions)


def test_the_circuit_stops_every_request_in_flight(db, channel, sandbox, make_position):
    channel.concurrency = 4
    positions = open_positions(make_position, 30)
    sandbox.state.script(method="PUT", status=500, times=1000)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.STOPPED and said(run, "熔断")
    # Five failed items, and at most the three others in flight when the circuit opened.
    sent = {r["ref"] for r in sandbox.state.writes()}
    assert 5 <= len(sent) <= 8 and run.skipped >= 22
    assert sandbox.state.stats()["overlaps"] == 0
    assert all(row_of(db, channel, p).state is PostingState.PENDING for p in positions)


def test_desired_state_is_written_in_the_same_transaction_as_the_change(db, channel, make_position):
    (position,) = open_positions(make_position, 1)
    row = row_of(db, channel, position)
    assert (row.desired, row.state) == (Desired.PUBLISHED, PostingState.PENDING)
    db.session.rollback()
    assert row_of(db, channel, position) is None


def test_suspending_an_employer_withdraws_its_positions(db, channel, sandbox, make_position):
    first, second = open_positions(make_position, 2)
    run_channel_sync(channel, by=ACTOR)

    employer = first.employer
    employer.status = EmployerStatus.SUSPENDED
    employer_changed.send(employer, reason="suspended")
    run = run_channel_sync(channel, by=ACTOR)

    assert run.withdrawn == 1
    assert set(sandbox.state.postings) == {second.ref}

    employer.status = EmployerStatus.APPROVED
    employer_changed.send(employer, reason="approved")
    assert run_channel_sync(channel, by=ACTOR).created == 1
    assert set(sandbox.state.postings) == {first.ref, second.ref}


def test_reopened_position_is_published_again(db, channel, sandbox, make_position):
    (position,) = open_positions(make_position, 1)
    run_channel_sync(channel, by=ACTOR)
    set_position_status(position, PositionStatus.CLOSED, by=ACTOR)
    run_channel_sync(channel, by=ACTOR)
    set_position_status(position, PositionStatus.OPEN, by=ACTOR)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.created == 1
    assert position.ref in sandbox.state.postings


def test_dry_run_sends_nothing_and_changes_no_row(db, channel, sandbox, make_position):
    positions = open_positions(make_position, 2)

    run = run_channel_sync(channel, dry_run=True, by=ACTOR)

    assert run.dry_run and run.created == 2
    assert sandbox.state.requests == []
    assert all(row_of(db, channel, p).state is PostingState.PENDING for p in positions)


def test_field_mapping_renames_document_fields(db, channel, sandbox, make_position):
    channel.settings = {"field_map": {"title": "job_title", "openings": "headcount"}}
    (position,) = open_positions(make_position, 1)
    # The sandbox requires "title"; a portal with a mapping would accept its own names.
    sandbox.state.script(method="PUT", status=200, body={"id": "X1"})
    bodies = []
    original = sandbox.RequestHandlerClass._read_body

    def capture(handler):
        body = original(handler)
        bodies.append(json.loads(body))
        return body

    sandbox.RequestHandlerClass._read_body = capture
    try:
        run_channel_sync(channel, by=ACTOR)
    finally:
        sandbox.RequestHandlerClass._read_body = original
    assert bodies[0]["job_title"] == "数控车工0" and bodies[0]["headcount"] == 5
    assert "title" not in bodies[0]
    assert row_of(db, channel, position).remote_id == "X1"


def test_a_run_refuses_to_start_while_another_holds_the_channel(db, channel, make_position):
    import pytest

    from recruit.channels.models import SyncTrigger
    from recruit.errors import Conflict
    from recruit.sync.services import start_run

    start_run(channel, SyncTrigger.MANUAL, by=ACTOR)
    with pytest.raises(Conflict, match="正在同步"):
        run_channel_sync(channel, by=ACTOR)


def test_weekly_run_happens_once_per_iso_week(db, channel, sandbox, make_position):
    import pytest

    from recruit.channels.models import SyncTrigger
    from recruit.errors import Conflict

    open_positions(make_position, 1)
    run_channel_sync(channel, SyncTrigger.SCHEDULE, week="2026-W48", by=ACTOR)
    with pytest.raises(Conflict, match="已完成"):
        run_channel_sync(channel, SyncTrigger.SCHEDULE, week="2026-W48", by=ACTOR)


def test_stale_running_row_is_taken_over(app, db, channel, sandbox, make_position, monkeypatch):
    from datetime import timedelta

    from recruit.channels.models import SyncTrigger
    from recruit.db_types import utcnow
    from recruit.sync.services import start_run

    open_positions(make_position, 2)
    crashed = start_run(channel, SyncTrigger.SCHEDULE, week="2026-W48", by=ACTOR)
    crashed.heartbeat_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    run = run_channel_sync(channel, SyncTrigger.CATCH_UP, week="2026-W48", by=ACTOR)

    assert run.id == crashed.id
    assert run.status is SyncStatus.COMPLETED and run.created == 2
    assert any("接管" in e["message"] for e in run.errors)


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    from datetime import timedelta
    from email.utils import format_datetime

    from recruit.db_types import utcnow
    from recruit.sync.connectors.http_json import parse_retry_after

    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    later = format_datetime(utcnow() + timedelta(seconds=90), usegmt=True)
    assert 80 < parse_retry_after(later) <= 90
