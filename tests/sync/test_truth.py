"""What the portal holds is never overwritten by a stale plan, and can be read back or re-sent.

Issue 13, build 0: conditional acknowledgements (D1), a DELETE forgets the hash before it is
sent (D2), the Idempotency-Key names the content and a republication bumps its revision (D3),
`flask sync resend` and `flask sync verify`; only http(s) links from a portal are kept.
"""

import hashlib

import pytest
import requests
import sqlalchemy as sa
from flask import render_template_string

from recruit.channels.models import ChannelPosting, Desired, PostingState, SyncStatus
from recruit.channels.services import channel_states_for
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.positions.models import PositionStatus
from recruit.positions.services import set_position_status
from recruit.sync.delivery import DeliveryLoop
from recruit.sync.services import run_channel_sync
from tests.sync.conftest import ACTOR, TOKEN
from tests.sync.test_http_json import open_positions, row_of, said


def held_hash(sandbox, position) -> str:
    return sandbox.state.postings[position.ref]["content_hash"]


def test_a_position_closed_while_its_put_travels_is_withdrawn_by_the_next_run(
    db, channel, sandbox, make_position, monkeypatch
):
    (position,) = open_positions(make_position, 1)
    original = DeliveryLoop.settle

    def close_meanwhile(loop, request, result):
        # The position closes after the run planned its PUT and before the answer is recorded.
        if position.status is PositionStatus.OPEN:
            set_position_status(position, PositionStatus.CLOSED, by=ACTOR)
        return original(loop, request, result)

    monkeypatch.setattr(DeliveryLoop, "settle", close_meanwhile)
    run = run_channel_sync(channel, by=ACTOR)
    monkeypatch.setattr(DeliveryLoop, "settle", original)

    row = row_of(db, channel, position)
    assert (row.desired, row.state) == (Desired.WITHDRAWN, PostingState.PENDING)
    assert run.status is SyncStatus.INCOMPLETE and run.created == 0 and run.pending == 1
    assert said(run, "发生变化")
    assert position.ref in sandbox.state.postings  # the stale PUT did arrive

    again = run_channel_sync(channel, by=ACTOR)

    assert again.withdrawn == 1 and again.status is SyncStatus.COMPLETED
    assert position.ref not in sandbox.state.postings
    assert row_of(db, channel, position).state is PostingState.WITHDRAWN


def test_a_delete_whose_answer_was_lost_then_a_reopening_publishes_again(
    db, channel, sandbox, make_position
):
    (position,) = open_positions(make_position, 1)
    run_channel_sync(channel, by=ACTOR)
    first_key = sandbox.state.writes("PUT")[-1]["key"]
    set_position_status(position, PositionStatus.CLOSED, by=ACTOR)
    # The portal applies the DELETE, but none of the three answers comes back.
    sandbox.state.script(method="DELETE", lose_reply=True, times=3)
    lost = run_channel_sync(channel, by=ACTOR)
    assert lost.status is SyncStatus.INCOMPLETE
    assert position.ref not in sandbox.state.postings
    row = row_of(db, channel, position)
    assert row.state is PostingState.PENDING and row.payload_hash is None

    set_position_status(position, PositionStatus.OPEN, by=ACTOR)
    back = run_channel_sync(channel, by=ACTOR)

    assert back.created == 1
    assert position.ref in sandbox.state.postings
    # A new publication: a new revision in the key, so even a strict portal applies it.
    key = sandbox.state.writes("PUT")[-1]["key"]
    assert key.split(":")[1] == "2" and first_key.split(":")[1] == "1"
    assert sandbox.state.stats()["conflicts"] == 0


def test_withdraw_then_republish_is_applied_by_a_portal_that_remembers_every_key(
    db, channel, sandbox, make_position
):
    (position,) = open_positions(make_position, 1)
    run_channel_sync(channel, by=ACTOR)
    set_position_status(position, PositionStatus.CLOSED, by=ACTOR)
    run_channel_sync(channel, by=ACTOR)
    set_position_status(position, PositionStatus.OPEN, by=ACTOR)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.created == 1 and position.ref in sandbox.state.postings
    puts = sandbox.state.writes("PUT")
    assert [r["applied"] for r in puts] == [True, True]
    assert len({r["key"] for r in puts}) == 2


def test_the_key_names_the_content_so_a_change_outside_the_revision_reaches_the_portal(
    app, db, channel, sandbox, make_position, monkeypatch
):
    positions = open_positions(make_position, 3)
    run_channel_sync(channel, by=ACTOR)
    for position in positions:
        body_hash = held_hash(sandbox, position)
        key = next(r["key"] for r in sandbox.state.writes("PUT") if r["ref"] == position.ref)
        assert key == f"{position.ref}:1:{body_hash[:16]}"
    sandbox.state.requests.clear()

    # The public address moves: every document changes, no revision does.
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zhaopin.example.cn")
    run = run_channel_sync(channel, by=ACTOR)

    assert run.updated == 3
    held = sandbox.state.postings[positions[0].ref]["document"]
    assert held["url"] == f"https://zhaopin.example.cn/positions/{positions[0].id}"
    assert sandbox.state.stats()["conflicts"] == 0
    assert all(r["applied"] for r in sandbox.state.writes())
    # Nothing changed since: a forced run sends nothing.
    sandbox.state.requests.clear()
    assert run_channel_sync(channel, force=True, by=ACTOR).unchanged == 3
    assert sandbox.state.writes() == []


def test_a_cancelled_fair_reaches_the_portal(db, channel, sandbox, make_position, make_fair):
    (position,) = open_positions(make_position, 1)
    fair = make_fair(status=FairStatus.OPEN)
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED)
    part.fair_positions.append(FairPosition(position=position, openings=2))
    db.session.add(part)
    db.session.flush()
    run_channel_sync(channel, by=ACTOR)
    assert sandbox.state.postings[position.ref]["document"]["fairs"][0]["ref"] == fair.ref

    fair.status = FairStatus.CANCELLED
    db.session.flush()
    run = run_channel_sync(channel, by=ACTOR)

    assert run.updated == 1
    assert sandbox.state.postings[position.ref]["document"]["fairs"] == []


def test_resend_sends_everything_again_to_a_portal_that_lost_its_data(
    db, channel, sandbox, make_position, runner
):
    positions = open_positions(make_position, 4)
    run_channel_sync(channel, by=ACTOR)
    sandbox.state.postings.clear()  # lost its data, but still remembers every key it saw

    result = runner.invoke(args=["sync", "resend", "--channel", "xjy"])

    assert result.exit_code == 0, result.output
    assert "4 个岗位已改为待同步" in result.output
    assert set(sandbox.state.postings) == {p.ref for p in positions}
    assert sandbox.state.stats()["replays"] == 0 and sandbox.state.stats()["conflicts"] == 0


def test_verify_reads_back_and_marks_every_divergence_pending(
    db, channel, sandbox, make_position, runner
):
    kept, lost, altered, closed = open_positions(make_position, 4)
    run_channel_sync(channel, by=ACTOR)
    set_position_status(closed, PositionStatus.CLOSED, by=ACTOR)
    run_channel_sync(channel, by=ACTOR)
    state = sandbox.state
    zombie = dict(state.postings[kept.ref], content_hash="0" * 64)
    state.postings[closed.ref] = zombie  # we withdrew it, the portal still shows it
    del state.postings[lost.ref]  # the portal lost it
    state.postings[altered.ref] = dict(state.postings[altered.ref], content_hash="f" * 64)

    result = runner.invoke(args=["sync", "verify", "--channel", "xjy"])

    assert result.exit_code == 0, result.output
    assert "一致 1，不一致 3（已改为待同步）" in result.output
    rows = {p.ref: row_of(db, channel, p) for p in (kept, lost, altered, closed)}
    assert rows[kept.ref].state is PostingState.SYNCED
    for ref in (lost.ref, altered.ref, closed.ref):
        assert rows[ref].state is PostingState.PENDING and rows[ref].payload_hash is None
    assert [r["method"] for r in state.requests[-4:]] == ["GET"] * 4

    fixed = runner.invoke(args=["sync", "run", "--channel", "xjy"])
    assert fixed.exit_code == 0, fixed.output
    assert set(state.postings) == {kept.ref, lost.ref, altered.ref}
    again = runner.invoke(args=["sync", "verify", "--channel", "xjy"])
    assert "一致 4，不一致 0" in again.output


def test_verify_of_a_portal_without_the_read_back_changes_nothing(
    db, channel, sandbox, make_position, runner
):
    positions = open_positions(make_position, 2)
    run_channel_sync(channel, by=ACTOR)
    sandbox.state.script(method="GET", status=405, times=10)

    result = runner.invoke(args=["sync", "verify", "--channel", "xjy"])

    assert result.exit_code == 1
    assert "对方不支持核对" in result.output
    assert all(row_of(db, channel, p).state is PostingState.SYNCED for p in positions)


def test_only_http_links_from_a_portal_are_kept_and_shown(app, db, channel, sandbox, make_position):
    first, second = open_positions(make_position, 2)
    sandbox.state.script(
        method="PUT", ref=first.ref, status=201, body={"id": "X1", "url": "javascript:alert(1)"}
    )
    run_channel_sync(channel, by=ACTOR)
    assert row_of(db, channel, first).remote_url is None
    assert row_of(db, channel, second).remote_url.startswith("http://127.0.0.1:")

    # A link stored before this rule is not shown as a link either.
    db.session.execute(
        sa.update(ChannelPosting)
        .where(ChannelPosting.id == row_of(db, channel, first).id)
        .values(remote_url="javascript:alert(1)")
    )
    db.session.expire_all()
    with app.test_request_context():
        html = render_template_string(
            '{% include "channels/_position_states.html" %}',
            states=channel_states_for(ACTOR, first),
        )
    assert "javascript:" not in html and "<a " not in html


def test_the_reference_receiver_checks_its_token_on_every_read(sandbox):
    base = sandbox.base_url
    for path in ("/postings", "/stats", "/postings/ZZ-P000001"):
        assert requests.get(f"{base}{path}", timeout=5).status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert requests.get(f"{base}/stats", headers=headers, timeout=5).status_code == 200


@pytest.mark.parametrize("body", [b'{"ref":"ZZ-P000009","title":"\xe7\x94\xb5\xe5\xb7\xa5"}'])
def test_the_receiver_refuses_a_key_reused_for_another_body(sandbox, body):
    headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": "ZZ-P000009:1:abc"}
    url = f"{sandbox.base_url}/postings/ZZ-P000009"
    assert requests.put(url, data=body, headers=headers, timeout=5).status_code == 201
    assert requests.put(url, data=body, headers=headers, timeout=5).status_code == 201  # replay
    other = body.replace(b"}", b',"openings":2}')
    assert requests.put(url, data=other, headers=headers, timeout=5).status_code == 422
    held = requests.get(url, headers=headers, timeout=5).json()
    assert held["content_hash"] == hashlib.sha256(body).hexdigest()
    assert sandbox.state.stats()["conflicts"] == 1
